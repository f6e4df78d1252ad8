/*
 * test_parquet_proto.c - a protobuf message -> parquet-protobuf's Parquet
 * schema (field ids, repeated fields without a LIST wrapper, maps as
 * repeated key/value groups, ENUM), and the Dremel levels of shredded
 * messages, checked against sequences worked out by hand. Slots are written
 * def:rep:value ("-" for no value, "?" for a value the recorder does not
 * print), per column in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/kco_arena.h"
#include "format/parquet/kco_pq_proto.h"
#include "kco_test_pq.h"

#define OPT KCO_PROTO_LABEL_OPTIONAL
#define REQ KCO_PROTO_LABEL_REQUIRED
#define REP KCO_PROTO_LABEL_REPEATED

/* The Java connector's TestMessage (proto2). */
static const kco_proto_field_t entry_fields[] = {
        {"key", "key", 1, OPT, KCO_PROTO_STRING, 1, -1, NULL, NULL, 0},
        {"value", "value", 2, OPT, KCO_PROTO_STRING, 1, -1, NULL, NULL, 0},
};
static const kco_proto_msg_t entry = {"pkg.TestMessage.Map1Entry", "Map1Entry", "pkg.Parquet$TestMessage$Map1Entry",
                                      0, 1, KCO_PROTO_WKT_NONE, 2, entry_fields, 0, NULL, ""};
static const kco_proto_field_t tm_fields[] = {
        {"boolean", "boolean", 1, OPT, KCO_PROTO_BOOL, 1, -1, NULL, NULL, 0},
        {"int", "int", 2, OPT, KCO_PROTO_INT32, 1, -1, NULL, NULL, 0},
        {"long", "long", 3, OPT, KCO_PROTO_INT64, 1, -1, NULL, NULL, 0},
        {"float", "float", 4, OPT, KCO_PROTO_FLOAT, 1, -1, NULL, NULL, 0},
        {"double", "double", 5, OPT, KCO_PROTO_DOUBLE, 1, -1, NULL, NULL, 0},
        {"map1", "map1", 6, REP, KCO_PROTO_MESSAGE, 0, -1, &entry, NULL, 1},
        {"map2", "map2", 7, REP, KCO_PROTO_MESSAGE, 0, -1, &entry, NULL, 1},
        {"list1", "list1", 8, REP, KCO_PROTO_STRING, 0, -1, NULL, NULL, 0},
        {"list2", "list2", 9, REP, KCO_PROTO_STRING, 0, -1, NULL, NULL, 0},
};
static const kco_proto_msg_t test_message = {"com.aliyun.oss.connect.kafka.format.parquet.TestMessage",
                                             "TestMessage",
                                             "com.aliyun.oss.connect.kafka.format.parquet.Parquet$TestMessage",
                                             0,
                                             0,
                                             KCO_PROTO_WKT_NONE,
                                             9,
                                             tm_fields,
                                             0,
                                             NULL,
                                             ""};

/* A message with nesting at two repeated depths, a required field, an enum and unsigned kinds. */
static const kco_proto_enum_value_t ev[] = {{"A", 0}, {"B", 1}};
static const kco_proto_enum_t en = {"t.E", "E", 1, 2, ev};
static const kco_proto_field_t item_fields[] = {
        {"s", "s", 1, OPT, KCO_PROTO_STRING, 1, -1, NULL, NULL, 0},
        {"n", "n", 2, REP, KCO_PROTO_INT64, 0, -1, NULL, NULL, 0},
};
static const kco_proto_msg_t item = {"t.M.Item", "Item", "t.T$M$Item", 0, 0, KCO_PROTO_WKT_NONE,
                                     2, item_fields, 0, NULL, ""};
static const kco_proto_field_t m_fields[] = {
        {"a", "a", 1, OPT, KCO_PROTO_INT32, 1, -1, NULL, NULL, 0},
        {"items", "items", 2, REP, KCO_PROTO_MESSAGE, 0, -1, &item, NULL, 0},
        {"r", "r", 3, REQ, KCO_PROTO_BOOL, 1, -1, NULL, NULL, 0},
        {"e", "e", 4, OPT, KCO_PROTO_ENUM, 1, -1, NULL, &en, 0},
        {"u32", "u32", 5, OPT, KCO_PROTO_UINT32, 1, -1, NULL, NULL, 0},
        {"u64", "u64", 6, OPT, KCO_PROTO_FIXED64, 1, -1, NULL, NULL, 0},
};
static const kco_proto_msg_t m = {"t.M", "M", "t.T$M", 0, 0, KCO_PROTO_WKT_NONE, 6, m_fields, 0, NULL, ""};

static const kco_proto_msg_t empty = {"t.Empty", "Empty", "t.T$Empty", 0, 0, KCO_PROTO_WKT_EMPTY, 0, NULL, 0, NULL,
                                      ""};
static const kco_proto_field_t holder_fields[] = {
        {"a", "a", 1, OPT, KCO_PROTO_INT32, 1, -1, NULL, NULL, 0},
        {"nothing", "nothing", 2, OPT, KCO_PROTO_MESSAGE, 1, -1, &empty, NULL, 0},
};
static const kco_proto_msg_t holder = {"t.Holder", "Holder", "t.T$Holder", 0, 0, KCO_PROTO_WKT_NONE, 2, holder_fields,
                                       0, NULL, ""};

/* ---- values ---- */

static kco_arena_t *arena;

static kco_value_t *V(kco_type_t t) {
        kco_value_t *v = kco_arena_calloc(arena, 1, sizeof(kco_value_t));
        v->type = t;
        return v;
}

static kco_value_t *NUL(void) {
        return V(KCO_TYPE_NULL);
}

static kco_value_t *I(kco_type_t t, int64_t i) {
        kco_value_t *v = V(t);
        v->u.i = i;
        return v;
}

static kco_value_t *S(const char *str) {
        kco_value_t *v = V(KCO_TYPE_STRING);
        v->u.s.ptr = str;
        v->u.s.len = strlen(str);
        return v;
}

/* C(type, n, item...): an ARRAY or STRUCT of n items. */
static kco_value_t *C(kco_type_t t, int n, ...) {
        kco_value_t *v = V(t);
        v->u.c.items = kco_arena_calloc(arena, n ? (size_t)n : 1, sizeof(kco_value_t));
        v->u.c.n = (size_t)n;
        va_list ap;
        va_start(ap, n);
        for (int i = 0; i < n; i++)
                v->u.c.items[i] = *va_arg(ap, kco_value_t *);
        va_end(ap);
        return v;
}

static kco_pq_proto_t *shredder(const kco_proto_msg_t *msg, rec_t *r) {
        kco_err_t err;
        kco_err_clear(&err);
        kco_pq_proto_t *p = kco_pq_proto_new(msg, &err);
        if (!p)
                fprintf(stderr, "kco_pq_proto_new: %s\n", err.msg);
        assert_non_null(p);
        size_t n;
        const kco_pq_column_desc_t *c = kco_pq_proto_columns(p, &n);
        rec_init(r, c, n);
        return p;
}

static void shred_ok(kco_pq_proto_t *p, rec_t *r, const kco_value_t *v) {
        kco_err_t err;
        kco_err_clear(&err);
        int rc = kco_pq_proto_record(p, &rec_ops, r, v, &err);
        if (rc)
                fprintf(stderr, "shred: %s\n", err.msg);
        assert_int_equal(rc, 0);
}

static void expect_schema(const kco_pq_proto_t *p, const char *want) {
        size_t n;
        const kco_pq_schema_elem_t *e = kco_pq_proto_schema(p, &n);
        kco_buf_t b;
        kco_buf_init(&b);
        for (size_t i = 0; i < n; i++)
                render_elem(&b, &e[i]);
        if (strcmp(kco_buf_cstr(&b), want))
                fprintf(stderr, "schema:\n%s\nwant:\n%s\n", kco_buf_cstr(&b), want);
        assert_string_equal(kco_buf_cstr(&b), want);
        kco_buf_free(&b);
}

/* ---- tests ---- */

static void test_test_message_schema(void **state) {
        (void)state;
        rec_t r;
        kco_pq_proto_t *p = shredder(&test_message, &r);
        expect_schema(p, "com.aliyun.oss.connect.kafka.format.parquet.TestMessage group(9)\n"
                         "boolean optional BOOLEAN id=1\n"
                         "int optional INT32 id=2\n"
                         "long optional INT64 id=3\n"
                         "float optional FLOAT id=4\n"
                         "double optional DOUBLE id=5\n"
                         "map1 repeated group(2) id=6\n"
                         "key optional BYTE_ARRAY ct=UTF8 lt=STRING id=1\n"
                         "value optional BYTE_ARRAY ct=UTF8 lt=STRING id=2\n"
                         "map2 repeated group(2) id=7\n"
                         "key optional BYTE_ARRAY ct=UTF8 lt=STRING id=1\n"
                         "value optional BYTE_ARRAY ct=UTF8 lt=STRING id=2\n"
                         "list1 repeated BYTE_ARRAY ct=UTF8 lt=STRING id=8\n"
                         "list2 repeated BYTE_ARRAY ct=UTF8 lt=STRING id=9\n");
        size_t n;
        const kco_pq_column_desc_t *c = kco_pq_proto_columns(p, &n);
        assert_int_equal(n, 11);
        assert_int_equal(c[5].max_def, 2); /* map1.key: repeated map1 + optional key */
        assert_int_equal(c[5].max_rep, 1);
        assert_int_equal(c[5].npath, 2);
        assert_string_equal(c[5].path[0], "map1");
        assert_string_equal(c[5].path[1], "key");
        assert_int_equal(c[9].max_def, 1); /* list1 */
        assert_int_equal(c[9].max_rep, 1);
        rec_free(&r);
        kco_pq_proto_destroy(p);
}

static void test_test_message_levels(void **state) {
        (void)state;
        rec_t r;
        kco_pq_proto_t *p = shredder(&test_message, &r);
        kco_value_t *noval = C(KCO_TYPE_ARRAY, 0);
        /* {int: 7, map1: {a: b, c: ""}, list1: ["x", "y"]} and {} */
        shred_ok(p, &r,
                 C(KCO_TYPE_STRUCT, 9, NUL(), I(KCO_TYPE_INT32, 7), NUL(), NUL(), NUL(),
                   C(KCO_TYPE_ARRAY, 2, C(KCO_TYPE_STRUCT, 2, S("a"), S("b")), C(KCO_TYPE_STRUCT, 2, S("c"), S(""))),
                   noval, C(KCO_TYPE_ARRAY, 2, S("x"), S("y")), noval));
        shred_ok(p, &r, C(KCO_TYPE_STRUCT, 9, NUL(), NUL(), NUL(), NUL(), NUL(), noval, noval, noval, noval));
        assert_int_equal(r.rows, 2);
        expect_col(&r, 0, "0:0:- 0:0:-");
        expect_col(&r, 1, "1:0:7 0:0:-");
        expect_col(&r, 5, "2:0:a 2:1:c 0:0:-");
        expect_col(&r, 6, "2:0:b 2:1: 0:0:-");
        expect_col(&r, 7, "0:0:- 0:0:-");
        expect_col(&r, 9, "1:0:x 1:1:y 0:0:-");
        expect_col(&r, 10, "0:0:- 0:0:-");
        rec_free(&r);
        kco_pq_proto_destroy(p);
}

static void test_nested_levels(void **state) {
        (void)state;
        rec_t r;
        kco_pq_proto_t *p = shredder(&m, &r);
        expect_schema(p, "t.M group(6)\n"
                         "a optional INT32 id=1\n"
                         "items repeated group(2) id=2\n"
                         "s optional BYTE_ARRAY ct=UTF8 lt=STRING id=1\n"
                         "n repeated INT64 id=2\n"
                         "r required BOOLEAN id=3\n"
                         "e optional BYTE_ARRAY ct=ENUM lt=ENUM id=4\n"
                         "u32 optional INT32 id=5\n"
                         "u64 optional INT64 id=6\n");
        /* {a: 5, items: [{s: x, n: [1, 2]}, {n: []}, {s: z, n: [3]}], r: true, e: B, u32: 2^32-1, u64: 2^64-1} */
        shred_ok(p, &r,
                 C(KCO_TYPE_STRUCT, 6, I(KCO_TYPE_INT32, 5),
                   C(KCO_TYPE_ARRAY, 3,
                     C(KCO_TYPE_STRUCT, 2, S("x"), C(KCO_TYPE_ARRAY, 2, I(KCO_TYPE_INT64, 1), I(KCO_TYPE_INT64, 2))),
                     C(KCO_TYPE_STRUCT, 2, NUL(), C(KCO_TYPE_ARRAY, 0)),
                     C(KCO_TYPE_STRUCT, 2, S("z"), C(KCO_TYPE_ARRAY, 1, I(KCO_TYPE_INT64, 3)))),
                   I(KCO_TYPE_BOOLEAN, 1), S("B"), I(KCO_TYPE_INT64, 4294967295LL), I(KCO_TYPE_INT64, -1)));
        /* {r: false}: everything else absent */
        shred_ok(p, &r, C(KCO_TYPE_STRUCT, 6, NUL(), C(KCO_TYPE_ARRAY, 0), I(KCO_TYPE_BOOLEAN, 0), NUL(), NUL(), NUL()));
        expect_col(&r, 0, "1:0:5 0:0:-");
        expect_col(&r, 1, "2:0:x 1:1:- 2:1:z 0:0:-");
        expect_col(&r, 2, "2:0:1 2:2:2 1:1:- 2:1:3 0:0:-");
        expect_col(&r, 3, "0:0:? 0:0:?");
        expect_col(&r, 4, "1:0:B 0:0:-");
        expect_col(&r, 5, "1:0:-1 0:0:-"); /* uint32 keeps its 32 bits: Java's int */
        expect_col(&r, 6, "1:0:-1 0:0:-");
        rec_free(&r);
        kco_pq_proto_destroy(p);
}

static void test_mismatch_emits_nothing(void **state) {
        (void)state;
        rec_t r;
        kco_pq_proto_t *p = shredder(&m, &r);
        kco_err_t err;
        kco_err_clear(&err);
        /* items[0].n[1] is a string */
        kco_value_t *bad =
                C(KCO_TYPE_STRUCT, 6, I(KCO_TYPE_INT32, 5),
                  C(KCO_TYPE_ARRAY, 1,
                    C(KCO_TYPE_STRUCT, 2, S("x"), C(KCO_TYPE_ARRAY, 2, I(KCO_TYPE_INT64, 1), S("2")))),
                  I(KCO_TYPE_BOOLEAN, 1), NUL(), NUL(), NUL());
        assert_int_equal(kco_pq_proto_record(p, &rec_ops, &r, bad, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_non_null(strstr(err.msg, "value.items[0].n[1]"));
        /* a required field without a value */
        kco_value_t *noreq = C(KCO_TYPE_STRUCT, 6, NUL(), C(KCO_TYPE_ARRAY, 0), NUL(), NUL(), NUL(), NUL());
        assert_int_equal(kco_pq_proto_record(p, &rec_ops, &r, noreq, &err), -1);
        assert_non_null(strstr(err.msg, "value.r"));
        /* a struct with the wrong number of fields */
        assert_int_equal(kco_pq_proto_record(p, &rec_ops, &r, C(KCO_TYPE_STRUCT, 1, NUL()), &err), -1);
        assert_int_equal(r.puts, 0);
        assert_int_equal(r.rows, 0);
        /* the shredder is still usable */
        shred_ok(p, &r, C(KCO_TYPE_STRUCT, 6, NUL(), C(KCO_TYPE_ARRAY, 0), I(KCO_TYPE_BOOLEAN, 0), NUL(), NUL(), NUL()));
        assert_int_equal(r.rows, 1);
        rec_free(&r);
        kco_pq_proto_destroy(p);
}

static void test_empty_group_refused(void **state) {
        (void)state;
        kco_err_t err;
        kco_err_clear(&err);
        assert_null(kco_pq_proto_new(&holder, &err));
        assert_non_null(strstr(err.msg, "t.Empty has no fields"));
        assert_null(kco_pq_proto_new(&empty, &err));
}

static int setup(void **state) {
        (void)state;
        arena = kco_arena_new(4096);
        return 0;
}

static int teardown(void **state) {
        (void)state;
        kco_arena_destroy(arena);
        return 0;
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_test_message_schema),  cmocka_unit_test(test_test_message_levels),
                cmocka_unit_test(test_nested_levels),        cmocka_unit_test(test_mismatch_emits_nothing),
                cmocka_unit_test(test_empty_group_refused),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
