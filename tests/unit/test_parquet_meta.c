/*
 * test_parquet_meta.c - FileMetaData and PageHeader serialization, checked
 * byte for byte against sequences derived by hand from parquet.thrift's
 * field ids and the Thrift compact rules (see test_parquet_thrift.c):
 * short field header = delta << 4 | type, with I32 5, I64 6, BINARY 8,
 * LIST 9, STRUCT 12, BOOL_TRUE 1; list header = size << 4 | elem type;
 * integers are zigzag varints (zz(n) = 2n for n >= 0); 00 ends a struct.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "format/parquet/kco_pq_meta.h"

#include "kco_test_bytes.h"

static void test_page_headers(void **state) {
        (void)state;
        kco_buf_t b;
        kco_buf_init(&b);
        kco_pq_page_header_t ph;
        memset(&ph, 0, sizeof(ph));
        ph.type = KCO_PQ_PAGE_DATA;
        ph.uncompressed_page_size = 100;
        ph.compressed_page_size = 100;
        ph.has_data_page = 1;
        ph.data_page.num_values = 3;
        ph.data_page.encoding = KCO_PQ_ENC_PLAIN;
        ph.data_page.definition_level_encoding = KCO_PQ_ENC_RLE;
        ph.data_page.repetition_level_encoding = KCO_PQ_ENC_RLE;
        kco_pq_meta_write_page_header(&b, &ph);
        EXPECT(&b,
               0x15, 0x00,             /* 1 type DATA_PAGE 0 */
               0x15, 0xc8, 0x01,       /* 2 uncompressed_page_size zz(100) = 200 */
               0x15, 0xc8, 0x01,       /* 3 compressed_page_size */
               0x2c,                   /* 5 data_page_header (delta 2, struct) */
               0x15, 0x06,             /*   1 num_values 3 */
               0x15, 0x00,             /*   2 encoding PLAIN */
               0x15, 0x06,             /*   3 definition_level_encoding RLE 3 */
               0x15, 0x06,             /*   4 repetition_level_encoding RLE */
               0x00, 0x00);

        b.len = 0;
        memset(&ph, 0, sizeof(ph));
        ph.type = KCO_PQ_PAGE_DICTIONARY;
        ph.uncompressed_page_size = 8;
        ph.compressed_page_size = 8;
        ph.has_dictionary_page = 1;
        ph.dictionary_page.num_values = 2;
        ph.dictionary_page.encoding = KCO_PQ_ENC_PLAIN;
        kco_pq_meta_write_page_header(&b, &ph);
        EXPECT(&b, 0x15, 0x04,         /* 1 type DICTIONARY_PAGE 2 */
               0x15, 0x10, 0x15, 0x10, /* 2, 3 sizes zz(8) = 16 */
               0x4c,                   /* 7 dictionary_page_header (delta 4) */
               0x15, 0x04, 0x15, 0x00, /*   1 num_values 2, 2 encoding PLAIN */
               0x00, 0x00);
        kco_buf_free(&b);
}

static void test_file_meta_minimal(void **state) {
        (void)state;
        kco_pq_schema_elem_t schema[2];
        kco_pq_schema_elem_init(&schema[0]);
        schema[0].name = "s";
        schema[0].num_children = 1;
        kco_pq_schema_elem_init(&schema[1]);
        schema[1].type = KCO_PQ_INT64;
        schema[1].repetition = KCO_PQ_REQUIRED;
        schema[1].name = "a";
        kco_pq_file_meta_t fm = {.version = 1, .schema = schema, .n_schema = 2, .num_rows = 2, .created_by = "k"};
        kco_buf_t b;
        kco_buf_init(&b);
        kco_pq_meta_write_file(&b, &fm);
        EXPECT(&b,
               0x15, 0x02,             /* 1 version 1 */
               0x19, 0x2c,             /* 2 schema: list of 2 structs */
               0x48, 0x01, 's',        /*   root: 4 name (delta 4, binary) */
               0x15, 0x02, 0x00,       /*   5 num_children 1; end */
               0x15, 0x04,             /*   1 type INT64 2 */
               0x25, 0x00,             /*   3 repetition_type REQUIRED (delta 2) */
               0x18, 0x01, 'a', 0x00,  /*   4 name; end */
               0x16, 0x04,             /* 3 num_rows 2 (i64) */
               0x19, 0x0c,             /* 4 row_groups: empty list of structs */
               0x28, 0x01, 'k',        /* 6 created_by (delta 2) */
               0x00);
        kco_buf_free(&b);
}

static void test_file_meta_row_group(void **state) {
        (void)state;
        kco_pq_schema_elem_t schema[1];
        kco_pq_schema_elem_init(&schema[0]);
        schema[0].name = "s";
        schema[0].num_children = 0;
        static const int32_t encs[] = {KCO_PQ_ENC_PLAIN, KCO_PQ_ENC_RLE};
        static const char *const path[] = {"a"};
        kco_pq_stats_t st = {.has_null_count = 1, .null_count = 0, .min_value = "a", .min_len = 1,
                             .max_value = "b", .max_len = 1};
        kco_pq_column_chunk_t cc = {
                .file_offset = 4,
                .meta = {.type = KCO_PQ_INT64, .encodings = encs, .n_encodings = 2, .path = path, .n_path = 1,
                         .codec = KCO_PQ_CODEC_UNCOMPRESSED, .num_values = 2, .total_uncompressed_size = 30,
                         .total_compressed_size = 30, .data_page_offset = 4, .dictionary_page_offset = -1,
                         .stats = &st},
        };
        kco_pq_row_group_t rg = {.columns = &cc, .n_columns = 1, .total_byte_size = 30, .num_rows = 2};
        static const kco_pq_kv_t kv[] = {{"k", "v"}, {"x", NULL}};
        kco_pq_file_meta_t fm = {.version = 2, .schema = schema, .n_schema = 1, .num_rows = 2,
                                 .row_groups = &rg, .n_row_groups = 1, .kv = kv, .n_kv = 2};
        kco_buf_t b;
        kco_buf_init(&b);
        kco_pq_meta_write_file(&b, &fm);
        EXPECT(&b,
               0x15, 0x04,                   /* 1 version 2 */
               0x19, 0x1c,                   /* 2 schema: 1 struct */
               0x48, 0x01, 's', 0x15, 0x00, 0x00, /* name, num_children 0 */
               0x16, 0x04,                   /* 3 num_rows 2 */
               0x19, 0x1c,                   /* 4 row_groups: 1 struct */
               0x19, 0x1c,                   /*   RowGroup 1 columns: 1 struct */
               0x26, 0x08,                   /*     ColumnChunk 2 file_offset 4 */
               0x1c,                         /*     3 meta_data */
               0x15, 0x04,                   /*       1 type INT64 */
               0x19, 0x25, 0x00, 0x06,       /*       2 encodings [PLAIN 0, RLE 3] */
               0x19, 0x18, 0x01, 'a',        /*       3 path_in_schema ["a"] */
               0x15, 0x00,                   /*       4 codec UNCOMPRESSED */
               0x16, 0x04,                   /*       5 num_values 2 */
               0x16, 0x3c, 0x16, 0x3c,       /*       6, 7 sizes zz(30) = 60 */
               0x26, 0x08,                   /*       9 data_page_offset 4 (delta 2) */
               0x3c,                         /*       12 statistics (delta 3) */
               0x36, 0x00,                   /*         3 null_count 0 */
               0x28, 0x01, 'b',              /*         5 max_value (delta 2) */
               0x18, 0x01, 'a',              /*         6 min_value */
               0x00, 0x00, 0x00,             /*       ends: stats, meta, chunk */
               0x16, 0x3c,                   /*   2 total_byte_size 30 */
               0x16, 0x04,                   /*   3 num_rows 2 */
               0x00,                         /*   end RowGroup */
               0x19, 0x2c,                   /* 5 key_value_metadata: 2 structs */
               0x18, 0x01, 'k', 0x18, 0x01, 'v', 0x00, /* {1 key, 2 value} */
               0x18, 0x01, 'x', 0x00,        /* {1 key} (value absent) */
               0x00);
        kco_buf_free(&b);
}

/* One schema element alone: FileMetaData version 1, schema list of 1,
 * so the element starts at byte 4 (15 02 19 1c) and is followed by
 * 16 00 19 0c 00 (num_rows 0, no row groups, end). */
static void elem_bytes(const kco_pq_schema_elem_t *e, kco_buf_t *b) {
        kco_pq_file_meta_t fm = {.version = 1, .schema = e, .n_schema = 1};
        b->len = 0;
        kco_pq_meta_write_file(b, &fm);
        static const uint8_t head[] = {0x15, 0x02, 0x19, 0x1c}, tail[] = {0x16, 0x00, 0x19, 0x0c, 0x00};
        assert_true(b->len >= 9);
        assert_memory_equal(b->data, head, 4);
        assert_memory_equal(b->data + b->len - 5, tail, 5);
        memmove(b->data, b->data + 4, b->len - 9);
        b->len -= 9;
}

static void test_logical_types(void **state) {
        (void)state;
        kco_buf_t b;
        kco_buf_init(&b);
        kco_pq_schema_elem_t e;

        kco_pq_schema_elem_init(&e);
        e.type = KCO_PQ_INT64;
        e.repetition = KCO_PQ_OPTIONAL;
        e.name = "t";
        e.converted_type = KCO_PQ_CT_TIMESTAMP_MICROS;
        e.logical.kind = KCO_PQ_LT_TIMESTAMP;
        e.logical.adjusted_to_utc = 1;
        e.logical.unit = KCO_PQ_UNIT_MICROS;
        elem_bytes(&e, &b);
        EXPECT(&b, 0x15, 0x04,         /* 1 type INT64 */
               0x25, 0x02,             /* 3 repetition OPTIONAL 1 */
               0x18, 0x01, 't',        /* 4 name */
               0x25, 0x14,             /* 6 converted_type TIMESTAMP_MICROS 10 (delta 2) */
               0x4c,                   /* 10 logicalType (delta 4) */
               0x8c,                   /*   union member 8 TIMESTAMP */
               0x11,                   /*     1 isAdjustedToUTC true */
               0x1c,                   /*     2 unit (TimeUnit union) */
               0x2c, 0x00,             /*       member 2 MICROS: empty struct */
               0x00, 0x00, 0x00, 0x00);/* ends: unit, timestamp, union, elem */

        kco_pq_schema_elem_init(&e);
        e.type = KCO_PQ_INT32;
        e.repetition = KCO_PQ_REQUIRED;
        e.name = "d";
        e.converted_type = KCO_PQ_CT_DECIMAL;
        e.scale = 2;
        e.precision = 9;
        e.field_id = 7;
        e.logical.kind = KCO_PQ_LT_DECIMAL;
        e.logical.scale = 2;
        e.logical.precision = 9;
        elem_bytes(&e, &b);
        EXPECT(&b, 0x15, 0x02, 0x25, 0x00, 0x18, 0x01, 'd',
               0x25, 0x0a,             /* 6 converted_type DECIMAL 5 */
               0x15, 0x04,             /* 7 scale 2 */
               0x15, 0x12,             /* 8 precision 9 */
               0x15, 0x0e,             /* 9 field_id 7 */
               0x1c,                   /* 10 logicalType (delta 1) */
               0x5c,                   /*   member 5 DECIMAL */
               0x15, 0x04, 0x15, 0x12, /*     1 scale, 2 precision */
               0x00, 0x00, 0x00);

        kco_pq_schema_elem_init(&e);
        e.type = KCO_PQ_INT32;
        e.name = "i";
        e.logical.kind = KCO_PQ_LT_INTEGER;
        e.logical.bit_width = 16;
        e.logical.is_signed = 0;
        elem_bytes(&e, &b);
        EXPECT(&b, 0x15, 0x02, 0x38, 0x01, 'i', /* 4 name (delta 3) */
               0x6c,                   /* 10 logicalType (delta 6) */
               0xac,                   /*   member 10 INTEGER (delta 10) */
               0x13, 0x10,             /*     1 bitWidth i8 16 (raw byte) */
               0x12,                   /*     2 isSigned false */
               0x00, 0x00, 0x00);

        kco_pq_schema_elem_init(&e);
        e.type = KCO_PQ_FIXED_LEN_BYTE_ARRAY;
        e.type_length = 16;
        e.name = "u";
        e.logical.kind = KCO_PQ_LT_STRING;
        elem_bytes(&e, &b);
        EXPECT(&b, 0x15, 0x0e,         /* 1 type FIXED_LEN_BYTE_ARRAY 7 */
               0x15, 0x20,             /* 2 type_length 16 */
               0x28, 0x01, 'u',        /* 4 name (delta 2) */
               0x6c, 0x1c, 0x00,       /* 10 logicalType { 1 STRING {} } */
               0x00, 0x00);

        /* the other empty members: MAP 2, LIST 3, ENUM 4, DATE 6; TIME 7 */
        static const int kinds[] = {KCO_PQ_LT_MAP, KCO_PQ_LT_LIST, KCO_PQ_LT_ENUM, KCO_PQ_LT_DATE};
        for (size_t i = 0; i < 4; i++) {
                kco_pq_schema_elem_init(&e);
                e.name = "g";
                e.logical.kind = kinds[i];
                elem_bytes(&e, &b);
                uint8_t want[] = {0x48, 0x01, 'g', 0x6c, (uint8_t)(kinds[i] << 4 | 12), 0x00, 0x00, 0x00};
                expect_bytes(&b, want, sizeof(want));
        }
        kco_pq_schema_elem_init(&e);
        e.type = KCO_PQ_INT32;
        e.name = "m";
        e.logical.kind = KCO_PQ_LT_TIME;
        e.logical.adjusted_to_utc = 0;
        e.logical.unit = KCO_PQ_UNIT_MILLIS;
        elem_bytes(&e, &b);
        EXPECT(&b, 0x15, 0x02, 0x38, 0x01, 'm', 0x6c,
               0x7c,                   /* member 7 TIME */
               0x12, 0x1c, 0x1c, 0x00, /* 1 isAdjustedToUTC false, 2 unit { 1 MILLIS {} } */
               0x00, 0x00, 0x00, 0x00);
        kco_buf_free(&b);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_page_headers),
                cmocka_unit_test(test_file_meta_minimal),
                cmocka_unit_test(test_file_meta_row_group),
                cmocka_unit_test(test_logical_types),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
