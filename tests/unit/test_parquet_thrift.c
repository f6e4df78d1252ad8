/*
 * test_parquet_thrift.c - the Thrift compact protocol writer, byte by byte.
 * Every expected byte sequence is derived by hand from the compact protocol
 * rules (kept next to each case): field header = (delta << 4) | type when
 * 0 < delta <= 15, else type byte + zigzag varint id; types BOOL_TRUE 1,
 * BOOL_FALSE 2, I8 3, I32 5, I64 6, BINARY 8, LIST 9, STRUCT 12; list header
 * = (size << 4) | elem type when size < 15, else 0xF0 | type + varint size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "format/parquet/kco_thrift.h"

#include "kco_test_bytes.h"

static void test_varint_zigzag(void **state) {
        (void)state;
        kco_buf_t b;
        kco_buf_init(&b);
        /* 0 -> 00; 127 -> 7f; 128 = 0b1_0000000 -> 80 01;
         * 300 = 0b10_0101100 -> (0x2c | 0x80) 0x02 = ac 02 */
        kco_thrift_put_varint(&b, 0);
        kco_thrift_put_varint(&b, 127);
        kco_thrift_put_varint(&b, 128);
        kco_thrift_put_varint(&b, 300);
        EXPECT(&b, 0x00, 0x7f, 0x80, 0x01, 0xac, 0x02);
        b.len = 0;
        /* UINT64_MAX: nine bytes of 0xff then 0x01 (64 = 9 * 7 + 1 bits) */
        kco_thrift_put_varint(&b, UINT64_MAX);
        EXPECT(&b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
        kco_buf_free(&b);

        /* zigzag maps 0, -1, 1, -2, 2 ... to 0, 1, 2, 3, 4 ... */
        assert_int_equal(kco_thrift_zigzag(0), 0);
        assert_int_equal(kco_thrift_zigzag(-1), 1);
        assert_int_equal(kco_thrift_zigzag(1), 2);
        assert_int_equal(kco_thrift_zigzag(-2), 3);
        assert_int_equal(kco_thrift_zigzag(2147483647), 4294967294u);
        assert_int_equal(kco_thrift_zigzag(-2147483647 - 1), 4294967295u);
        assert_true(kco_thrift_zigzag(INT64_MAX) == UINT64_MAX - 1);
        assert_true(kco_thrift_zigzag(INT64_MIN) == UINT64_MAX);
}

static void test_scalar_fields(void **state) {
        (void)state;
        kco_buf_t b;
        kco_buf_init(&b);
        kco_thrift_w_t w;
        kco_thrift_init(&w, &b);
        kco_thrift_struct_begin(&w);
        kco_thrift_field_i32(&w, 1, 1);                /* 0x15 (1<<4|5), zz(1)=2 */
        kco_thrift_field_i64(&w, 3, -1);               /* 0x26 (2<<4|6), zz(-1)=1 */
        kco_thrift_field_bool(&w, 4, 1);               /* 0x11 (1<<4|1), no value */
        kco_thrift_field_bool(&w, 5, 0);               /* 0x12 (1<<4|2), no value */
        kco_thrift_field_string(&w, 20, "ab");         /* delta 15: 0xf8, len 2, 'a' 'b' */
        kco_thrift_field_binary(&w, 40, "", 0);        /* delta 20: long, 0x08, zz(40)=80=0x50, len 0 */
        kco_thrift_field_i32(&w, 2, 0);                /* delta -38: long, 0x05, zz(2)=4, zz(0)=0 */
        kco_thrift_field_i8(&w, 3, -1);                /* 0x13 (1<<4|3), one raw byte 0xff */
        kco_thrift_field_i64(&w, 4, 150);              /* 0x16, zz(150)=300 -> ac 02 */
        kco_thrift_struct_end(&w);                     /* stop 0x00 */
        EXPECT(&b, 0x15, 0x02, 0x26, 0x01, 0x11, 0x12, 0xf8, 0x02, 'a', 'b', 0x08, 0x50, 0x00, 0x05, 0x04,
               0x00, 0x13, 0xff, 0x16, 0xac, 0x02, 0x00);
        assert_int_equal(w.depth, 0);

        /* A first field with id 16 (delta 16 from 0) takes the long form:
         * 0x05, zz(16)=32=0x20; value zz(-3)=5. A field id 0 (delta 0)
         * also takes the long form: 0x06, zz(0)=0, value zz(64)=128 -> 80 01. */
        b.len = 0;
        kco_thrift_struct_begin(&w);
        kco_thrift_field_i32(&w, 16, -3);
        kco_thrift_struct_end(&w);
        kco_thrift_struct_begin(&w);
        kco_thrift_field_i64(&w, 0, 64);
        kco_thrift_struct_end(&w);
        EXPECT(&b, 0x05, 0x20, 0x05, 0x00, 0x06, 0x00, 0x80, 0x01, 0x00);
        kco_buf_free(&b);
}

static void test_nested_structs(void **state) {
        (void)state;
        kco_buf_t b;
        kco_buf_init(&b);
        kco_thrift_w_t w;
        kco_thrift_init(&w, &b);
        kco_thrift_struct_begin(&w);
        kco_thrift_field_i32(&w, 5, 1);           /* 0x55 0x02 */
        kco_thrift_field_struct_begin(&w, 6);     /* 0x1c (delta 1, STRUCT) */
        kco_thrift_field_i32(&w, 1, 5);           /* inner ids restart at 0: 0x15, zz(5)=10=0x0a */
        kco_thrift_field_struct_begin(&w, 3);     /* 0x2c */
        kco_thrift_struct_end(&w);                /* empty struct: 0x00 */
        kco_thrift_struct_end(&w);                /* 0x00 */
        kco_thrift_field_i32(&w, 7, 7);           /* outer last id is 6: 0x15, zz(7)=14=0x0e */
        kco_thrift_field_struct_begin(&w, 30);    /* delta 23: long form 0x0c, zz(30)=60=0x3c */
        kco_thrift_field_bool(&w, 1, 1);          /* 0x11 */
        kco_thrift_struct_end(&w);                /* 0x00 */
        kco_thrift_struct_end(&w);                /* 0x00 */
        EXPECT(&b, 0x55, 0x02, 0x1c, 0x15, 0x0a, 0x2c, 0x00, 0x00, 0x15, 0x0e, 0x0c, 0x3c, 0x11, 0x00, 0x00);
        assert_int_equal(w.depth, 0);
        kco_buf_free(&b);
}

static void test_lists(void **state) {
        (void)state;
        kco_buf_t b;
        kco_buf_init(&b);
        kco_thrift_w_t w;
        kco_thrift_init(&w, &b);
        kco_thrift_struct_begin(&w);
        /* id 2 list<i32> [1, -1, 3]: 0x29, header 3<<4|5 = 0x35, 02 01 06 */
        kco_thrift_field_list(&w, 2, KCO_THRIFT_I32, 3);
        kco_thrift_elem_i32(&w, 1);
        kco_thrift_elem_i32(&w, -1);
        kco_thrift_elem_i32(&w, 3);
        /* id 3 list<binary> ["x", ""]: 0x19, 0x28, 01 'x', 00 */
        kco_thrift_field_list(&w, 3, KCO_THRIFT_BINARY, 2);
        kco_thrift_elem_string(&w, "x");
        kco_thrift_elem_binary(&w, NULL, 0);
        /* id 4 list<struct> [{1: i64 -2}, {}]: 0x19, 0x2c, 16 03 00, 00 */
        kco_thrift_field_list(&w, 4, KCO_THRIFT_STRUCT, 2);
        kco_thrift_struct_begin(&w);
        kco_thrift_field_i64(&w, 1, -2);
        kco_thrift_struct_end(&w);
        kco_thrift_struct_begin(&w);
        kco_thrift_struct_end(&w);
        /* id 5 empty list<i64>: 0x19, 0x06 */
        kco_thrift_field_list(&w, 5, KCO_THRIFT_I64, 0);
        /* id 6 list<list<i32>> [[7]]: 0x19, 0x19, 0x15, zz(7)=0x0e */
        kco_thrift_field_list(&w, 6, KCO_THRIFT_LIST, 1);
        kco_thrift_list_begin(&w, KCO_THRIFT_I32, 1);
        kco_thrift_elem_i32(&w, 7);
        kco_thrift_struct_end(&w);
        EXPECT(&b, 0x29, 0x35, 0x02, 0x01, 0x06, 0x19, 0x28, 0x01, 'x', 0x00, 0x19, 0x2c, 0x16, 0x03, 0x00, 0x00,
               0x19, 0x06, 0x19, 0x19, 0x15, 0x0e, 0x00);

        /* long form: 14 elements still fit the nibble (0xe6); 15 need
         * 0xf6 then varint 15 = 0x0f; 200 -> 0xf6, c8 01 */
        b.len = 0;
        kco_thrift_list_begin(&w, KCO_THRIFT_I64, 14);
        kco_thrift_list_begin(&w, KCO_THRIFT_I64, 15);
        kco_thrift_list_begin(&w, KCO_THRIFT_I64, 200);
        EXPECT(&b, 0xe6, 0xf6, 0x0f, 0xf6, 0xc8, 0x01);
        kco_buf_free(&b);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_varint_zigzag),
                cmocka_unit_test(test_scalar_fields),
                cmocka_unit_test(test_nested_structs),
                cmocka_unit_test(test_lists),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
