/*
 * test_parquet_shred.c - Connect schema -> parquet-avro's Parquet schema
 * (3-level lists), and the Dremel levels of shredded records, checked
 * against sequences worked out by hand: a slot's definition level counts
 * the OPTIONAL/REPEATED nodes on its path that are present; its repetition
 * level is 0 for a record's first slot and otherwise the depth (in repeated
 * nodes) of the list or map that repeated. Slots are written def:rep:value
 * ("-" for no value), per column in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/kco_arena.h"
#include "format/parquet/kco_pq_shred.h"
#include "kco_test_schema.h"
#include "kco_test_pq.h"

/* ---- schemas and values ---- */

static kco_schema_t *logical(kco_schema_t *root, kco_type_t t, const char *name) {
        kco_schema_t *s = node(root, t);
        kco_schema_set_name(s, name);
        return s;
}

static void rec_init_sh(rec_t *r, const kco_pq_shred_t *sh) {
        size_t n;
        const kco_pq_column_desc_t *c = kco_pq_shred_columns(sh, &n);
        rec_init(r, c, n);
}

static void shred_ok(kco_pq_shred_t *sh, rec_t *r, const kco_value_t *v) {
        kco_err_t err;
        kco_err_clear(&err);
        int rc = kco_pq_shred_record(sh, &rec_ops, r, v, &err);
        if (rc)
                fprintf(stderr, "shred: %s\n", err.msg);
        assert_int_equal(rc, 0);
}

static kco_pq_shred_t *shredder(const kco_schema_t *s) {
        kco_err_t err;
        kco_err_clear(&err);
        kco_pq_shred_t *sh = kco_pq_shred_new(s, &err);
        if (!sh)
                fprintf(stderr, "shred_new: %s\n", err.msg);
        assert_non_null(sh);
        return sh;
}

/* ---- schema mapping ---- */

static void expect_schema(const kco_pq_shred_t *sh, const char *want) {
        size_t n;
        const kco_pq_schema_elem_t *e = kco_pq_shred_schema(sh, &n);
        kco_buf_t b;
        kco_buf_init(&b);
        for (size_t i = 0; i < n; i++)
                render_elem(&b, &e[i]);
        const char *got = kco_buf_cstr(&b);
        if (strcmp(got, want))
                fprintf(stderr, "schema: got\n%s\nwant\n%s\n", got, want);
        assert_string_equal(got, want);
        kco_buf_free(&b);
}

static void expect_desc(const kco_pq_column_desc_t *c, int32_t physical, int max_def, int max_rep, const char *path,
                        int stats_signed, int stats_none) {
        kco_buf_t b;
        kco_buf_init(&b);
        for (int i = 0; i < c->npath; i++) {
                if (i)
                        kco_buf_putc(&b, '.');
                kco_buf_puts(&b, c->path[i]);
        }
        assert_string_equal(kco_buf_cstr(&b), path);
        kco_buf_free(&b);
        assert_int_equal(c->physical, physical);
        assert_int_equal(c->max_def, max_def);
        assert_int_equal(c->max_rep, max_rep);
        assert_int_equal(c->stats_signed, stats_signed);
        assert_int_equal(c->stats_none, stats_none);
}

static void test_schema_mapping(void **state) {
        (void)state;
        kco_schema_t *r = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *dec = opt(logical(r, KCO_TYPE_BYTES, KCO_DECIMAL_NAME));
        kco_schema_add_param(dec, "scale", "2");
        kco_schema_t *dec2 = logical(r, KCO_TYPE_BYTES, KCO_DECIMAL_NAME);
        kco_schema_add_param(dec2, "scale", "0");
        kco_schema_add_param(dec2, "connect.decimal.precision", "10");
        kco_schema_t *st = opt(fields(node(r, KCO_TYPE_STRUCT), 1, "x", node(r, KCO_TYPE_INT32)));
        fields(r, 18, "i8", node(r, KCO_TYPE_INT8), "i16", opt(node(r, KCO_TYPE_INT16)), "i32",
               node(r, KCO_TYPE_INT32), "i64", node(r, KCO_TYPE_INT64), "f32", node(r, KCO_TYPE_FLOAT32), "f64",
               node(r, KCO_TYPE_FLOAT64), "b", node(r, KCO_TYPE_BOOLEAN), "s", opt(node(r, KCO_TYPE_STRING)), "by",
               node(r, KCO_TYPE_BYTES), "dec", dec, "dec2", dec2, "d", logical(r, KCO_TYPE_INT32, KCO_DATE_NAME),
               "t", logical(r, KCO_TYPE_INT32, KCO_TIME_NAME), "ts",
               opt(logical(r, KCO_TYPE_INT64, KCO_TIMESTAMP_NAME)), "arr",
               opt(array_of(r, opt(node(r, KCO_TYPE_INT32)))), "m",
               map_of(r, node(r, KCO_TYPE_STRING), node(r, KCO_TYPE_INT64)), "im",
               opt(map_of(r, node(r, KCO_TYPE_INT32), opt(node(r, KCO_TYPE_STRING)))), "st", st);
        finish(r);
        kco_pq_shred_t *sh = shredder(r);
        expect_schema(sh, "io.confluent.connect.avro.ConnectDefault group(18)\n"
                          "i8 required INT32\n"
                          "i16 optional INT32\n"
                          "i32 required INT32\n"
                          "i64 required INT64\n"
                          "f32 required FLOAT\n"
                          "f64 required DOUBLE\n"
                          "b required BOOLEAN\n"
                          "s optional BYTE_ARRAY ct=UTF8 lt=STRING\n"
                          "by required BYTE_ARRAY\n"
                          "dec optional BYTE_ARRAY ct=DECIMAL(2,64) lt=DECIMAL(2,64)\n"
                          "dec2 required BYTE_ARRAY ct=DECIMAL(0,10) lt=DECIMAL(0,10)\n"
                          "d required INT32 ct=DATE lt=DATE\n"
                          "t required INT32 ct=TIME_MILLIS lt=TIME(MILLIS,utc)\n"
                          "ts optional INT64 ct=TIMESTAMP_MILLIS lt=TIMESTAMP(MILLIS,utc)\n"
                          "arr optional group(1) ct=LIST lt=LIST\n"
                          "list repeated group(1)\n"
                          "element optional INT32\n"
                          "m required group(1) ct=MAP lt=MAP\n"
                          "key_value repeated group(2)\n"
                          "key required BYTE_ARRAY ct=UTF8 lt=STRING\n"
                          "value required INT64\n"
                          "im optional group(1) ct=LIST lt=LIST\n"
                          "list repeated group(1)\n"
                          "element required group(2)\n"
                          "key required INT32\n"
                          "value optional BYTE_ARRAY ct=UTF8 lt=STRING\n"
                          "st optional group(1)\n"
                          "x required INT32\n");
        size_t nc;
        const kco_pq_column_desc_t *c = kco_pq_shred_columns(sh, &nc);
        assert_int_equal(nc, 20);
        expect_desc(&c[0], KCO_PQ_INT32, 0, 0, "i8", 1, 0);
        expect_desc(&c[1], KCO_PQ_INT32, 1, 0, "i16", 1, 0);
        expect_desc(&c[7], KCO_PQ_BYTE_ARRAY, 1, 0, "s", 0, 0);
        expect_desc(&c[9], KCO_PQ_BYTE_ARRAY, 1, 0, "dec", 0, 1);
        expect_desc(&c[13], KCO_PQ_INT64, 1, 0, "ts", 1, 0);
        expect_desc(&c[14], KCO_PQ_INT32, 3, 1, "arr.list.element", 1, 0);
        expect_desc(&c[15], KCO_PQ_BYTE_ARRAY, 1, 1, "m.key_value.key", 0, 0);
        expect_desc(&c[16], KCO_PQ_INT64, 1, 1, "m.key_value.value", 1, 0);
        expect_desc(&c[17], KCO_PQ_INT32, 2, 1, "im.list.element.key", 1, 0);
        expect_desc(&c[18], KCO_PQ_BYTE_ARRAY, 3, 1, "im.list.element.value", 0, 0);
        expect_desc(&c[19], KCO_PQ_INT32, 1, 0, "st.x", 1, 0);
        kco_pq_shred_destroy(sh);
        kco_schema_unref(r);
}

static void test_named_root_and_rejects(void **state) {
        (void)state;
        kco_err_t err;
        kco_schema_t *r = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_set_name(r, "com.example.Click");
        fields(r, 1, "id", node(r, KCO_TYPE_INT64));
        finish(r);
        kco_pq_shred_t *sh = shredder(r);
        expect_schema(sh, "com.example.Click group(1)\nid required INT64\n");
        kco_pq_shred_destroy(sh);
        kco_schema_unref(r);

        kco_schema_t *str = kco_schema_new(KCO_TYPE_STRING);
        finish(str);
        assert_null(kco_pq_shred_new(str, &err));
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_non_null(strstr(err.msg, "needs struct records"));
        kco_schema_unref(str);

        kco_schema_t *u = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *un = opt(logical(u, KCO_TYPE_STRUCT, "io.confluent.connect.avro.Union"));
        fields(un, 2, "int", opt(node(u, KCO_TYPE_INT32)), "string", opt(node(u, KCO_TYPE_STRING)));
        fields(u, 1, "u", un);
        finish(u);
        /* parquet-avro writes an Avro union as a group of optional member0, member1, ... (levels: the group
         * present with one member set, or the whole union null) */
        sh = shredder(u);
        expect_schema(sh, "io.confluent.connect.avro.ConnectDefault group(1)\nu optional group(2)\n"
                          "member0 optional INT32\nmember1 optional BYTE_ARRAY ct=UTF8 lt=STRING\n");
        rec_t rc;
        rec_init_sh(&rc, sh);
        shred_ok(sh, &rc, C(u, 1, C(un, 2, NUL(), S(un->fields[1].schema, "s"))));
        shred_ok(sh, &rc, C(u, 1, NUL()));
        expect_col(&rc, 0, "1:0:- 0:0:-");
        expect_col(&rc, 1, "2:0:s 0:0:-");
        rec_free(&rc);
        kco_pq_shred_destroy(sh);
        kco_schema_unref(u);
}

/* ---- levels ---- */

static void test_flat_nulls(void **state) {
        (void)state;
        kco_schema_t *r = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *a = node(r, KCO_TYPE_INT32), *b = opt(node(r, KCO_TYPE_STRING)), *c = opt(node(r, KCO_TYPE_INT64));
        fields(r, 3, "a", a, "b", b, "c", c);
        finish(r);
        kco_pq_shred_t *sh = shredder(r);
        rec_t rc;
        rec_init_sh(&rc, sh);
        shred_ok(sh, &rc, C(r, 3, I(a, 1), NUL(), I(c, 5)));
        shred_ok(sh, &rc, C(r, 3, I(a, 2), S(b, "x"), NUL()));
        expect_col(&rc, 0, "0:0:1 0:0:2");
        expect_col(&rc, 1, "0:0:- 1:0:x");
        expect_col(&rc, 2, "1:0:5 0:0:-");
        assert_int_equal(rc.rows, 2);
        rec_free(&rc);
        kco_pq_shred_destroy(sh);
        kco_schema_unref(r);
}

static void test_optional_struct(void **state) {
        (void)state;
        kco_schema_t *r = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *x = opt(node(r, KCO_TYPE_INT32)), *y = node(r, KCO_TYPE_INT32);
        kco_schema_t *st = opt(fields(node(r, KCO_TYPE_STRUCT), 2, "x", x, "y", y));
        fields(r, 1, "st", st);
        finish(r);
        kco_pq_shred_t *sh = shredder(r);
        rec_t rc;
        rec_init_sh(&rc, sh);
        shred_ok(sh, &rc, C(r, 1, NUL()));
        shred_ok(sh, &rc, C(r, 1, C(st, 2, NUL(), I(y, 7))));
        shred_ok(sh, &rc, C(r, 1, C(st, 2, I(x, 3), I(y, 4))));
        expect_col(&rc, 0, "0:0:- 1:0:- 2:0:3");
        expect_col(&rc, 1, "0:0:- 1:0:7 1:0:4");
        rec_free(&rc);
        kco_pq_shred_destroy(sh);
        kco_schema_unref(r);
}

static void test_list(void **state) {
        (void)state;
        kco_schema_t *r = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *el = opt(node(r, KCO_TYPE_INT32));
        kco_schema_t *l = opt(array_of(r, el));
        fields(r, 1, "l", l);
        finish(r);
        kco_pq_shred_t *sh = shredder(r);
        rec_t rc;
        rec_init_sh(&rc, sh);
        shred_ok(sh, &rc, C(r, 1, NUL()));
        shred_ok(sh, &rc, C(r, 1, C(l, 0)));
        shred_ok(sh, &rc, C(r, 1, C(l, 3, I(el, 1), NUL(), I(el, 3))));
        expect_col(&rc, 0, "0:0:- 1:0:- 3:0:1 2:1:- 3:1:3");
        assert_int_equal(rc.rows, 3);
        rec_free(&rc);
        kco_pq_shred_destroy(sh);
        kco_schema_unref(r);
}

static void test_list_of_structs(void **state) {
        (void)state;
        kco_schema_t *r = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *a = node(r, KCO_TYPE_INT32), *b = opt(node(r, KCO_TYPE_STRING));
        kco_schema_t *st = fields(node(r, KCO_TYPE_STRUCT), 2, "a", a, "b", b);
        kco_schema_t *l = array_of(r, st);
        fields(r, 1, "l", l);
        finish(r);
        kco_pq_shred_t *sh = shredder(r);
        rec_t rc;
        rec_init_sh(&rc, sh);
        shred_ok(sh, &rc, C(r, 1, C(l, 2, C(st, 2, I(a, 1), S(b, "p")), C(st, 2, I(a, 2), NUL()))));
        shred_ok(sh, &rc, C(r, 1, C(l, 0)));
        expect_col(&rc, 0, "1:0:1 1:1:2 0:0:-");
        expect_col(&rc, 1, "2:0:p 1:1:- 0:0:-");
        rec_free(&rc);
        kco_pq_shred_destroy(sh);
        kco_schema_unref(r);
}

static void test_map_of_lists(void **state) {
        (void)state;
        kco_schema_t *r = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *k = node(r, KCO_TYPE_STRING), *el = node(r, KCO_TYPE_INT32);
        kco_schema_t *l = opt(array_of(r, el));
        kco_schema_t *m = opt(map_of(r, k, l));
        fields(r, 1, "m", m);
        finish(r);
        kco_pq_shred_t *sh = shredder(r);
        size_t nc;
        const kco_pq_column_desc_t *c = kco_pq_shred_columns(sh, &nc);
        assert_int_equal(nc, 2);
        expect_desc(&c[1], KCO_PQ_INT32, 4, 2, "m.key_value.value.list.element", 1, 0);
        rec_t rc;
        rec_init_sh(&rc, sh);
        shred_ok(sh, &rc,
                 C(r, 1, C(m, 3, S(k, "k1"), C(l, 2, I(el, 1), I(el, 2)), S(k, "k2"), NUL(), S(k, "k3"), C(l, 0))));
        shred_ok(sh, &rc, C(r, 1, NUL()));
        shred_ok(sh, &rc, C(r, 1, C(m, 0)));
        expect_col(&rc, 0, "2:0:k1 2:1:k2 2:1:k3 0:0:- 1:0:-");
        expect_col(&rc, 1, "4:0:1 4:2:2 2:1:- 3:1:- 0:0:- 1:0:-");
        rec_free(&rc);
        kco_pq_shred_destroy(sh);
        kco_schema_unref(r);
}

static void test_nested_three_deep(void **state) {
        (void)state;
        kco_schema_t *r = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *cs = opt(node(r, KCO_TYPE_INT32));
        kco_schema_t *bs = opt(fields(node(r, KCO_TYPE_STRUCT), 1, "c", cs));
        kco_schema_t *as = opt(fields(node(r, KCO_TYPE_STRUCT), 1, "b", bs));
        kco_schema_t *e = node(r, KCO_TYPE_INT32);
        kco_schema_t *l3 = array_of(r, e), *l2 = array_of(r, l3), *l1 = array_of(r, l2);
        fields(r, 2, "a", as, "l", l1);
        finish(r);
        kco_pq_shred_t *sh = shredder(r);
        size_t nc;
        const kco_pq_column_desc_t *c = kco_pq_shred_columns(sh, &nc);
        expect_desc(&c[0], KCO_PQ_INT32, 3, 0, "a.b.c", 1, 0);
        expect_desc(&c[1], KCO_PQ_INT32, 3, 3, "l.list.element.list.element.list.element", 1, 0);
        rec_t rc;
        rec_init_sh(&rc, sh);
        shred_ok(sh, &rc, C(r, 2, NUL(), C(l1, 0)));
        shred_ok(sh, &rc, C(r, 2, C(as, 1, NUL()), C(l1, 0)));
        shred_ok(sh, &rc, C(r, 2, C(as, 1, C(bs, 1, NUL())), C(l1, 0)));
        /* [[[1,2],[3]],[[]],[]] */
        kco_value_t *big = C(l1, 3, C(l2, 2, C(l3, 2, I(e, 1), I(e, 2)), C(l3, 1, I(e, 3))), C(l2, 1, C(l3, 0)),
                             C(l2, 0));
        shred_ok(sh, &rc, C(r, 2, C(as, 1, C(bs, 1, I(cs, 9))), big));
        expect_col(&rc, 0, "0:0:- 1:0:- 2:0:- 3:0:9");
        expect_col(&rc, 1, "0:0:- 0:0:- 0:0:- 3:0:1 3:3:2 3:2:3 2:1:- 1:1:-");
        rec_free(&rc);
        kco_pq_shred_destroy(sh);
        kco_schema_unref(r);
}

static void expect_fail(kco_pq_shred_t *sh, const kco_value_t *v, const char *where) {
        rec_t rc;
        rec_init_sh(&rc, sh);
        kco_err_t err;
        kco_err_clear(&err);
        assert_int_equal(kco_pq_shred_record(sh, &rec_ops, &rc, v, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        if (!strstr(err.msg, where))
                fprintf(stderr, "error \"%s\" does not name %s\n", err.msg, where);
        assert_non_null(strstr(err.msg, where));
        assert_int_equal(rc.puts, 0);
        assert_int_equal(rc.rows, 0);
        rec_free(&rc);
}

static void test_mismatch_emits_nothing(void **state) {
        (void)state;
        kco_schema_t *r = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *a = node(r, KCO_TYPE_INT32), *b = node(r, KCO_TYPE_STRING), *i8 = node(r, KCO_TYPE_INT8);
        kco_schema_t *el = opt(node(r, KCO_TYPE_INT32));
        kco_schema_t *l = array_of(r, el);
        kco_schema_t *k = node(r, KCO_TYPE_STRING);
        kco_schema_t *m = opt(map_of(r, k, node(r, KCO_TYPE_INT64)));
        fields(r, 5, "a", a, "b", b, "l", l, "m", m, "small", i8);
        finish(r);
        kco_pq_shred_t *sh = shredder(r);
        kco_schema_t *other = kco_schema_new(KCO_TYPE_INT64);
        finish(other);
        expect_fail(sh, C(r, 5, I(a, 1), I(other, 2), C(l, 0), NUL(), I(i8, 1)), "value.b: expected string, got int64");
        expect_fail(sh, C(r, 5, I(a, 1), NUL(), C(l, 0), NUL(), I(i8, 1)), "value.b: null for a required string");
        expect_fail(sh, C(r, 5, I(a, 1), S(b, "x"), C(l, 3, I(el, 1), NUL(), S(b, "no")), NUL(), I(i8, 1)),
                    "value.l[2]: expected int32");
        expect_fail(sh, C(r, 5, I(a, 1), S(b, "x"), C(l, 0), C(m, 1, S(k, "kk"), S(b, "no")), I(i8, 1)),
                    "value.m[\"kk\"]: expected int64");
        expect_fail(sh, C(r, 5, I(a, 1), S(b, "x"), C(l, 0), NUL(), I(i8, 300)), "value.small: 300 is out of range");
        expect_fail(sh, C(r, 2, I(a, 1), S(b, "x")), "struct has 2 fields");
        expect_fail(sh, NUL(), "null record");
        /* and a good record still goes through whole afterwards */
        rec_t rc;
        rec_init_sh(&rc, sh);
        shred_ok(sh, &rc, C(r, 5, I(a, 1), S(b, "x"), C(l, 1, I(el, 4)), NUL(), I(i8, -3)));
        expect_col(&rc, 0, "0:0:1");
        expect_col(&rc, 2, "2:0:4");
        expect_col(&rc, 3, "0:0:-");
        expect_col(&rc, 4, "0:0:-");
        expect_col(&rc, 5, "0:0:-3");
        assert_int_equal(rc.puts, 6);
        assert_int_equal(rc.rows, 1);
        rec_free(&rc);
        kco_schema_unref(other);
        kco_pq_shred_destroy(sh);
        kco_schema_unref(r);
}

int main(void) {
        arena = kco_arena_new(4096);
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_schema_mapping),  cmocka_unit_test(test_named_root_and_rejects),
                cmocka_unit_test(test_flat_nulls),      cmocka_unit_test(test_optional_struct),
                cmocka_unit_test(test_list),            cmocka_unit_test(test_list_of_structs),
                cmocka_unit_test(test_map_of_lists),    cmocka_unit_test(test_nested_three_deep),
                cmocka_unit_test(test_mismatch_emits_nothing),
        };
        int rc = cmocka_run_group_tests(tests, NULL, NULL);
        kco_arena_destroy(arena);
        return rc;
}
