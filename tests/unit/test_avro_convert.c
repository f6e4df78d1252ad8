/*
 * test_avro_convert.c - the AvroConverter pieces without a network: Avro
 * schema -> Connect schema (AvroData's mapping rules), binary datums ->
 * values (every type, blocks, unions, and every error path, including a
 * truncation at each byte of a valid datum), JSON defaults, the Schema
 * Registry client's parsing helpers and request logic over a fake
 * transport, and the converter end to end over the same fake.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/kco_avro_decode.h"
#include "convert/kco_avro_schema.h"
#include "convert/kco_converter.h"
#include "convert/kco_registry.h"

/* ------------------------------------------------------------- helpers */

static kco_avro_schema_t *parse_v(const char *json, int version) {
        kco_err_t err;
        kco_err_clear(&err);
        kco_avro_schema_t *s = kco_avro_schema_parse(json, strlen(json), version, &err);
        if (!s)
                fprintf(stderr, "parse failed: %s\n  schema: %s\n", err.msg, json);
        assert_non_null(s);
        return s;
}

static kco_avro_schema_t *parse(const char *json) {
        return parse_v(json, -1);
}

static void parse_fails(const char *json, const char *want) {
        kco_err_t err;
        kco_err_clear(&err);
        kco_avro_schema_t *s = kco_avro_schema_parse(json, strlen(json), -1, &err);
        if (s || !strstr(err.msg, want))
                fprintf(stderr, "schema %s\n  expected an error with \"%s\", got: %s\n", json, want,
                        s ? "success" : err.msg);
        assert_null(s);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_non_null(strstr(err.msg, want));
}

static char describe_buf[4096];
static const char *describe(const kco_schema_t *s) {
        kco_buf_t b;
        kco_buf_init(&b);
        kco_schema_describe(s, &b);
        snprintf(describe_buf, sizeof(describe_buf), "%s", kco_buf_cstr(&b));
        kco_buf_free(&b);
        return describe_buf;
}

static void assert_describe(const char *json, const char *want) {
        kco_avro_schema_t *s = parse(json);
        assert_string_equal(describe(s->connect), want);
        kco_avro_schema_free(s);
}

static const kco_schema_t *fld(const kco_schema_t *s, const char *name) {
        const kco_field_t *f = kco_schema_field(s, name);
        if (!f)
                fprintf(stderr, "no field %s in %s\n", name, describe(s));
        assert_non_null(f);
        return f->schema;
}

static void assert_param(const kco_schema_t *s, const char *k, const char *v) {
        const char *x = kco_schema_param(s, k);
        if (!x || strcmp(x, v))
                fprintf(stderr, "param %s: want %s, got %s\n", k, v, x ? x : "(none)");
        assert_non_null(x);
        assert_string_equal(x, v);
}

typedef struct bb {
        uint8_t b[8192];
        size_t n;
} bb_t;

static void put_long(bb_t *o, int64_t v) {
        uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
        while (z & ~(uint64_t)0x7f) {
                o->b[o->n++] = (uint8_t)((z & 0x7f) | 0x80);
                z >>= 7;
        }
        o->b[o->n++] = (uint8_t)z;
}

static void put_raw(bb_t *o, const void *p, size_t n) {
        memcpy(o->b + o->n, p, n);
        o->n += n;
}

static void put_str(bb_t *o, const char *s) {
        put_long(o, (int64_t)strlen(s));
        put_raw(o, s, strlen(s));
}

static void put_byte(bb_t *o, uint8_t c) {
        o->b[o->n++] = c;
}

static void put_double(bb_t *o, double d) {
        uint64_t u;
        memcpy(&u, &d, 8);
        for (int i = 0; i < 8; i++)
                put_byte(o, (uint8_t)(u >> (8 * i)));
}

static void put_float(bb_t *o, float f) {
        uint32_t u;
        memcpy(&u, &f, 4);
        for (int i = 0; i < 4; i++)
                put_byte(o, (uint8_t)(u >> (8 * i)));
}

static kco_arena_t *arena;

static int setup(void **state) {
        (void)state;
        arena = kco_arena_new(4096);
        return 0;
}

static int teardown(void **state) {
        (void)state;
        kco_arena_destroy(arena);
        arena = NULL;
        return 0;
}

static const kco_value_t *decode_ok(const kco_avro_schema_t *s, const bb_t *o) {
        kco_value_t *v = NULL;
        kco_err_t err;
        kco_err_clear(&err);
        int rc = kco_avro_decode(s, o->b, o->n, arena, &v, &err);
        if (rc)
                fprintf(stderr, "decode failed: %s\n", err.msg);
        assert_int_equal(rc, 0);
        assert_non_null(v);
        return v;
}

static void decode_fails(const kco_avro_schema_t *s, const void *p, size_t n, const char *want) {
        kco_value_t *v = NULL;
        kco_err_t err;
        kco_err_clear(&err);
        int rc = kco_avro_decode(s, p, n, arena, &v, &err);
        if (!rc || (want && !strstr(err.msg, want)))
                fprintf(stderr, "expected a decode error with \"%s\", got: %s\n", want ? want : "",
                        rc ? err.msg : "success");
        assert_int_equal(rc, -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_int_equal(err.retriable, 0);
        if (want)
                assert_non_null(strstr(err.msg, want));
}

static void assert_text(const kco_value_t *v, const char *want) {
        assert_int_equal(v->type, KCO_TYPE_STRING);
        assert_int_equal(v->u.s.len, strlen(want));
        assert_memory_equal(v->u.s.ptr, want, strlen(want));
}

/* Every node of v carries a schema node of the same type (or is a null of an optional schema). */
static void assert_schemas(const kco_value_t *v) {
        assert_non_null(v->schema);
        if (v->type == KCO_TYPE_NULL) {
                assert_true(v->schema->optional);
                return;
        }
        assert_int_equal(v->type, v->schema->type);
        size_t n = v->type == KCO_TYPE_MAP ? 2 * v->u.c.n : v->u.c.n;
        if (v->type == KCO_TYPE_ARRAY || v->type == KCO_TYPE_MAP || v->type == KCO_TYPE_STRUCT)
                for (size_t i = 0; i < n; i++)
                        assert_schemas(&v->u.c.items[i]);
}

/* --------------------------------------------------------- schema mapping */

static void test_schema_primitives(void **state) {
        (void)state;
        assert_describe("\"int\"", "int32");
        assert_describe("\"long\"", "int64");
        assert_describe("\"float\"", "float32");
        assert_describe("\"double\"", "float64");
        assert_describe("\"boolean\"", "boolean");
        assert_describe("\"string\"", "string");
        assert_describe("\"bytes\"", "bytes");
        assert_describe("{\"type\": \"string\"}", "string");
        /* unknown logical types and the annotations of other types change nothing */
        assert_describe("{\"type\": \"string\", \"logicalType\": \"uuid\"}", "string");
        assert_describe("{\"type\": \"long\", \"logicalType\": \"date\"}", "int64");
        assert_describe("{\"type\": \"string\", \"logicalType\": \"date\"}", "string");
        assert_describe("{\"type\": \"int\", \"logicalType\": \"timestamp-millis\"}", "int32");
        /* the registry's version goes onto the root */
        kco_avro_schema_t *s = parse_v("\"string\"", 7);
        assert_true(s->connect->has_version);
        assert_int_equal(s->connect->version, 7);
        assert_false(s->connect->optional);
        assert_null(s->connect->name);
        assert_int_equal(s->connect->nparams, 0);
        assert_null(s->connect->default_value);
        kco_avro_schema_free(s);
        s = parse("\"long\"");
        assert_false(s->connect->has_version);
        kco_avro_schema_free(s);
}

static void test_schema_int_connect_type(void **state) {
        (void)state;
        assert_describe("{\"type\": \"int\", \"connect.type\": \"int8\"}", "int8");
        assert_describe("{\"type\": \"int\", \"connect.type\": \"int16\"}", "int16");
        /* a logical type wins over connect.type */
        kco_avro_schema_t *s = parse("{\"type\": \"int\", \"connect.type\": \"int16\", \"logicalType\": \"date\"}");
        assert_int_equal(s->connect->type, KCO_TYPE_INT32);
        assert_int_equal(s->connect->logical, KCO_LOGICAL_DATE);
        kco_avro_schema_free(s);
        parse_fails("{\"type\": \"int\", \"connect.type\": \"int64\"}", "connect.type");
        /* connect.type of other types is ignored */
        assert_describe("{\"type\": \"long\", \"connect.type\": \"int8\"}", "int64");
}

static void test_schema_record(void **state) {
        (void)state;
        const char *json = "{\"type\": \"record\", \"name\": \"Click\", \"namespace\": \"com.example\", "
                           "\"doc\": \"a click\", \"fields\": ["
                           "{\"name\": \"id\", \"type\": \"long\", \"doc\": \"the id\"},"
                           "{\"name\": \"page\", \"type\": [\"null\", \"string\"]},"
                           "{\"name\": \"where\", \"type\": {\"type\": \"record\", \"name\": \"Where\", \"fields\": ["
                           "  {\"name\": \"x\", \"type\": \"int\"}]}},"
                           "{\"name\": \"again\", \"type\": \"Where\"},"
                           "{\"name\": \"empty\", \"type\": {\"type\": \"record\", \"name\": \"Empty\", "
                           "\"fields\": []}}]}";
        kco_avro_schema_t *s = parse_v(json, 3);
        const kco_schema_t *c = s->connect;
        assert_string_equal(describe(c), "struct com.example.Click{id:int64,page:string?,where:struct "
                                         "com.example.Where{x:int32},again:struct com.example.Where{x:int32},"
                                         "empty:struct com.example.Empty{}}");
        assert_int_equal(c->version, 3);
        assert_null(c->doc); /* Avro docs become parameters; only connect.doc is a Connect doc */
        assert_param(c, "io.confluent.connect.avro.record.doc", "a click");
        assert_param(c, "io.confluent.connect.avro.field.doc.id", "the id");
        assert_int_equal(c->nparams, 2);
        assert_string_equal(c->params[0].key, "io.confluent.connect.avro.record.doc");
        /* the named type is expanded at each use; the Avro node is shared */
        assert_ptr_not_equal(fld(c, "where"), fld(c, "again"));
        assert_ptr_equal(s->avro->fields[2].type, s->avro->fields[3].type);
        assert_false(fld(c, "where")->has_version);
        assert_false(fld(c, "where")->optional);
        assert_true(fld(c, "page")->optional);
        assert_null(fld(c, "page")->name);
        kco_avro_schema_free(s);
        /* "error" is a record */
        assert_describe("{\"type\": \"error\", \"name\": \"E\", \"fields\": [{\"name\": \"m\", \"type\": \"string\"}]}",
                        "struct E{m:string}");
}

static void test_schema_namespaces(void **state) {
        (void)state;
        /* inherited namespace, a dotted name that sets its own, an explicit empty namespace, and references
         * resolved in the enclosing namespace first, then in the null namespace */
        const char *json =
                "{\"type\": \"record\", \"name\": \"A\", \"namespace\": \"n1\", \"fields\": ["
                "{\"name\": \"b\", \"type\": {\"type\": \"fixed\", \"name\": \"B\", \"size\": 2}},"
                "{\"name\": \"c\", \"type\": {\"type\": \"enum\", \"name\": \"n2.C\", \"symbols\": [\"X\"]}},"
                "{\"name\": \"d\", \"type\": {\"type\": \"record\", \"name\": \"D\", \"namespace\": \"\", \"fields\": ["
                "   {\"name\": \"e\", \"type\": {\"type\": \"fixed\", \"name\": \"E\", \"size\": 1}}]}},"
                "{\"name\": \"f\", \"type\": \"B\"},"
                "{\"name\": \"g\", \"type\": \"n2.C\"},"
                "{\"name\": \"h\", \"type\": \"E\"},"
                "{\"name\": \"i\", \"type\": {\"type\": \"n1.B\"}}]}";
        kco_avro_schema_t *s = parse(json);
        const kco_schema_t *c = s->connect;
        assert_string_equal(c->name, "n1.A");
        assert_string_equal(fld(c, "b")->name, "n1.B");
        assert_string_equal(fld(c, "c")->name, "n2.C");
        assert_string_equal(fld(c, "d")->name, "D");
        assert_string_equal(fld(fld(c, "d"), "e")->name, "E");
        assert_string_equal(fld(c, "f")->name, "n1.B");
        assert_string_equal(fld(c, "g")->name, "n2.C");
        assert_string_equal(fld(c, "h")->name, "E");
        assert_string_equal(fld(c, "i")->name, "n1.B");
        kco_avro_schema_free(s);
        parse_fails("{\"type\": \"record\", \"name\": \"A\", \"namespace\": \"n1\", \"fields\": ["
                    "{\"name\": \"c\", \"type\": {\"type\": \"enum\", \"name\": \"n2.C\", \"symbols\": [\"X\"]}},"
                    "{\"name\": \"g\", \"type\": \"C\"}]}",
                    "undefined name C");
}

static void test_schema_enum(void **state) {
        (void)state;
        kco_avro_schema_t *s = parse("{\"type\": \"enum\", \"name\": \"Suit\", \"namespace\": \"cards\", "
                                     "\"doc\": \"suits\", \"default\": \"HEARTS\", "
                                     "\"symbols\": [\"SPADES\", \"HEARTS\"]}");
        const kco_schema_t *c = s->connect;
        assert_int_equal(c->type, KCO_TYPE_STRING);
        assert_string_equal(c->name, "cards.Suit");
        assert_int_equal(c->nparams, 5);
        assert_string_equal(c->params[0].key, "io.confluent.connect.avro.enum.doc.Suit");
        assert_string_equal(c->params[0].value, "suits");
        assert_string_equal(c->params[1].key, "io.confluent.connect.avro.enum.default.Suit");
        assert_string_equal(c->params[1].value, "HEARTS");
        assert_string_equal(c->params[2].key, "io.confluent.connect.avro.Enum");
        assert_string_equal(c->params[2].value, "cards.Suit");
        assert_string_equal(c->params[3].key, "io.confluent.connect.avro.Enum.SPADES");
        assert_string_equal(c->params[3].value, "SPADES");
        assert_string_equal(c->params[4].key, "io.confluent.connect.avro.Enum.HEARTS");
        kco_avro_schema_free(s);
        parse_fails("{\"type\": \"enum\", \"name\": \"E\", \"symbols\": [\"A\", \"B\", \"A\"]}", "repeats the symbol A");
        parse_fails("{\"type\": \"enum\", \"name\": \"E\", \"symbols\": [\"A\"], \"default\": \"B\"}", "not a symbol");
        parse_fails("{\"type\": \"enum\", \"name\": \"E\"}", "no symbols");
        parse_fails("{\"type\": \"enum\", \"name\": \"E\", \"symbols\": [1]}", "not a string");
}

static void test_schema_fixed_and_decimal(void **state) {
        (void)state;
        kco_avro_schema_t *s = parse("{\"type\": \"fixed\", \"name\": \"md5\", \"namespace\": \"h\", \"size\": 16}");
        assert_int_equal(s->connect->type, KCO_TYPE_BYTES);
        assert_string_equal(s->connect->name, "h.md5");
        assert_param(s->connect, "connect.fixed.size", "16");
        kco_avro_schema_free(s);

        /* bytes decimal: Decimal, version 1, scale; precision kept unless it is AvroData's default 64 */
        s = parse("{\"type\": \"bytes\", \"logicalType\": \"decimal\", \"precision\": 10, \"scale\": 2}");
        const kco_schema_t *c = s->connect;
        assert_string_equal(c->name, KCO_DECIMAL_NAME);
        assert_int_equal(c->logical, KCO_LOGICAL_DECIMAL);
        assert_int_equal(c->scale, 2);
        assert_true(c->has_version);
        assert_int_equal(c->version, 1);
        assert_int_equal(c->nparams, 2);
        assert_string_equal(c->params[0].key, "scale");
        assert_string_equal(c->params[0].value, "2");
        assert_string_equal(c->params[1].key, "connect.decimal.precision");
        assert_string_equal(c->params[1].value, "10");
        kco_avro_schema_free(s);
        s = parse("{\"type\": \"bytes\", \"logicalType\": \"decimal\", \"precision\": 64, \"scale\": 3}");
        assert_int_equal(s->connect->nparams, 1);
        assert_int_equal(s->connect->scale, 3);
        kco_avro_schema_free(s);
        /* no scale: 0; logicalType compared ignoring case */
        s = parse("{\"type\": \"bytes\", \"logicalType\": \"DECIMAL\", \"precision\": 5}");
        assert_int_equal(s->connect->scale, 0);
        assert_param(s->connect, "scale", "0");
        kco_avro_schema_free(s);
        /* fixed decimal: the fixed's name gives way to Decimal, the size is kept */
        s = parse("{\"type\": \"fixed\", \"name\": \"Money\", \"size\": 8, \"logicalType\": \"decimal\", "
                  "\"precision\": 18, \"scale\": 4}");
        c = s->connect;
        assert_string_equal(c->name, KCO_DECIMAL_NAME);
        assert_int_equal(c->nparams, 3);
        assert_string_equal(c->params[2].key, "connect.fixed.size");
        assert_string_equal(c->params[2].value, "8");
        kco_avro_schema_free(s);
        parse_fails("{\"type\": \"bytes\", \"logicalType\": \"decimal\", \"precision\": \"x\"}", "precision");
        /* the registry version at the root must agree with a logical type's version 1 (AvroData) */
        kco_err_t err;
        const char *d = "{\"type\": \"bytes\", \"logicalType\": \"decimal\", \"scale\": 1}";
        assert_null(kco_avro_schema_parse(d, strlen(d), 2, &err));
        assert_non_null(strstr(err.msg, "version"));
        s = parse_v(d, 1);
        kco_avro_schema_free(s);
        parse_fails("{\"type\": \"fixed\", \"name\": \"F\", \"size\": -1}", "size");
        parse_fails("{\"type\": \"fixed\", \"name\": \"F\", \"size\": 1.5}", "size");
        parse_fails("{\"type\": \"fixed\", \"name\": \"F\"}", "size");
}

static void test_schema_logical_times(void **state) {
        (void)state;
        struct {
                const char *json;
                kco_type_t type;
                kco_logical_t logical;
                const char *name;
        } cases[] = {
                {"{\"type\": \"int\", \"logicalType\": \"date\"}", KCO_TYPE_INT32, KCO_LOGICAL_DATE, KCO_DATE_NAME},
                {"{\"type\": \"int\", \"logicalType\": \"time-millis\"}", KCO_TYPE_INT32, KCO_LOGICAL_TIME,
                 KCO_TIME_NAME},
                {"{\"type\": \"long\", \"logicalType\": \"timestamp-millis\"}", KCO_TYPE_INT64,
                 KCO_LOGICAL_TIMESTAMP, KCO_TIMESTAMP_NAME},
                {"{\"type\": \"long\", \"logicalType\": \"Timestamp-Millis\"}", KCO_TYPE_INT64,
                 KCO_LOGICAL_TIMESTAMP, KCO_TIMESTAMP_NAME},
                /* AvroData knows only the millisecond types: micros stay plain int64 */
                {"{\"type\": \"long\", \"logicalType\": \"timestamp-micros\"}", KCO_TYPE_INT64, KCO_LOGICAL_NONE,
                 NULL},
                {"{\"type\": \"long\", \"logicalType\": \"time-micros\"}", KCO_TYPE_INT64, KCO_LOGICAL_NONE, NULL},
                {"{\"type\": \"long\", \"logicalType\": \"local-timestamp-millis\"}", KCO_TYPE_INT64,
                 KCO_LOGICAL_NONE, NULL},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                kco_avro_schema_t *s = parse(cases[i].json);
                assert_int_equal(s->connect->type, cases[i].type);
                assert_int_equal(s->connect->logical, cases[i].logical);
                if (cases[i].name) {
                        assert_string_equal(s->connect->name, cases[i].name);
                        assert_int_equal(s->connect->version, 1);
                } else {
                        assert_null(s->connect->name);
                        assert_false(s->connect->has_version);
                }
                kco_avro_schema_free(s);
        }
        /* connect.name naming the same logical type is fine, another name is not */
        kco_avro_schema_free(parse("{\"type\": \"int\", \"logicalType\": \"date\", "
                                   "\"connect.name\": \"org.apache.kafka.connect.data.Date\"}"));
        parse_fails("{\"type\": \"int\", \"logicalType\": \"date\", \"connect.name\": \"x.Y\"}", "differs");
        parse_fails("{\"type\": \"int\", \"logicalType\": \"date\", \"connect.version\": 2}", "version");
        /* a Connect logical name on the plain type is a logical type too */
        kco_avro_schema_t *s = parse("{\"type\": \"long\", \"connect.name\": \"org.apache.kafka.connect.data.Timestamp\"}");
        assert_int_equal(s->connect->logical, KCO_LOGICAL_TIMESTAMP);
        kco_avro_schema_free(s);
        parse_fails("{\"type\": \"string\", \"connect.name\": \"org.apache.kafka.connect.data.Date\"}", "int32");
}

static void test_schema_unions(void **state) {
        (void)state;
        assert_describe("[\"null\", \"string\"]", "string?");
        assert_describe("[\"string\", \"null\"]", "string?");
        assert_describe("[\"long\"]", "int64");
        assert_describe("[\"null\", {\"type\": \"array\", \"items\": \"int\"}]", "array<int32>?");
        /* other unions: a Union struct with an optional field per branch, named after the branch */
        kco_avro_schema_t *s =
                parse("[\"null\", \"int\", \"string\", {\"type\": \"record\", \"name\": \"a.b.Rec\", \"fields\": []},"
                      " {\"type\": \"enum\", \"name\": \"En\", \"symbols\": [\"X\"]},"
                      " {\"type\": \"fixed\", \"name\": \"Fx\", \"size\": 1}, {\"type\": \"map\", \"values\": \"int\"},"
                      " {\"type\": \"array\", \"items\": \"int\"}, \"bytes\", \"boolean\", \"float\", \"double\","
                      " \"long\"]");
        assert_string_equal(describe(s->connect),
                            "struct io.confluent.connect.avro.Union{int:int32?,string:string?,Rec:struct a.b.Rec{}?,"
                            "En:string En?,Fx:bytes Fx?,map:map<string,int32>?,array:array<int32>?,bytes:bytes?,"
                            "boolean:boolean?,float:float32?,double:float64?,long:int64?}?");
        kco_avro_schema_free(s);
        assert_describe("[\"int\", \"string\"]", "struct io.confluent.connect.avro.Union{int:int32?,string:string?}");
        parse_fails("[{\"type\": \"record\", \"name\": \"a.R\", \"fields\": []}, "
                    "{\"type\": \"record\", \"name\": \"b.R\", \"fields\": []}]",
                    "field name R");
        parse_fails("[\"int\", \"int\"]", "repeats int");
        parse_fails("[{\"type\": \"array\", \"items\": \"int\"}, {\"type\": \"array\", \"items\": \"long\"}]",
                    "repeats array");
        parse_fails("[\"int\", [\"null\", \"string\"]]", "may not contain a union");
        parse_fails("[\"null\"]", "null type outside a union");
        parse_fails("\"null\"", "null type outside a union");
        assert_describe("[]", "struct io.confluent.connect.avro.Union{}");
}

static void test_schema_maps_arrays(void **state) {
        (void)state;
        assert_describe("{\"type\": \"map\", \"values\": \"long\"}", "map<string,int64>");
        assert_describe("{\"type\": \"array\", \"items\": [\"null\", \"string\"]}", "array<string?>");
        /* Connect maps with non-string keys travel as arrays of MapEntry records */
        const char *me = "{\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": \"MapEntry\", "
                         "\"namespace\": \"io.confluent.connect.avro\", \"fields\": [{\"name\": \"key\", \"type\": "
                         "\"int\"}, {\"name\": \"value\", \"type\": [\"null\", \"string\"]}]}}";
        kco_avro_schema_t *s = parse(me);
        assert_string_equal(describe(s->connect), "map<int32,string?>");
        assert_true(s->avro->map_entry);
        assert_int_equal(s->avro->entry_key, 0);
        kco_avro_schema_free(s);
        /* by connect.internal.type, fields in any order */
        assert_describe("{\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": \"KV\", "
                        "\"connect.internal.type\": \"MapEntry\", \"fields\": [{\"name\": \"value\", \"type\": "
                        "\"double\"}, {\"name\": \"key\", \"type\": \"long\"}]}}",
                        "map<int64,float64>");
        /* a record named MapEntry elsewhere is just a record */
        assert_describe("{\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": \"MapEntry\", "
                        "\"fields\": [{\"name\": \"key\", \"type\": \"int\"}]}}",
                        "array<struct MapEntry{key:int32}>");
        parse_fails("{\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": \"io.confluent.connect.avro."
                    "MapEntry\", \"fields\": [{\"name\": \"key\", \"type\": \"int\"}, {\"name\": \"v\", \"type\": "
                    "\"int\"}]}}",
                    "key and value");
        parse_fails("{\"type\": \"array\"}", "without items");
        parse_fails("{\"type\": \"map\"}", "without values");
}

static void test_schema_connect_props(void **state) {
        (void)state;
        kco_avro_schema_t *s = parse_v("{\"type\": \"record\", \"name\": \"R\", \"connect.name\": \"my.Name\", "
                                       "\"connect.version\": 4, \"connect.doc\": \"documented\", "
                                       "\"connect.parameters\": {\"p1\": \"v1\", \"p2\": \"v2\"}, "
                                       "\"fields\": [{\"name\": \"s\", \"type\": {\"type\": \"string\", "
                                       "\"avro.java.string\": \"String\"}, \"connect.parameters\": {\"fp\": 5}}]}",
                                       9);
        const kco_schema_t *c = s->connect;
        assert_string_equal(c->name, "my.Name");
        assert_int_equal(c->version, 4); /* connect.version wins over the registry's */
        assert_string_equal(c->doc, "documented");
        assert_int_equal(c->nparams, 2);
        assert_param(c, "p1", "v1");
        assert_param(c, "p2", "v2");
        const kco_schema_t *f = fld(c, "s");
        assert_int_equal(f->nparams, 2);
        assert_param(f, "avro.java.string", "String");
        assert_param(f, "fp", "5");
        kco_avro_schema_free(s);
        /* names of Connect's unnamed structs are dropped */
        s = parse("{\"type\": \"record\", \"name\": \"ConnectDefault2\", \"namespace\": \"io.confluent.connect.avro\","
                  " \"fields\": []}");
        assert_null(s->connect->name);
        kco_avro_schema_free(s);
        parse_fails("{\"type\": \"string\", \"connect.parameters\": {\"a\": 1}}", "not a string");
        parse_fails("{\"type\": \"string\", \"connect.parameters\": [1]}", "not an object");
        parse_fails("{\"type\": \"string\", \"connect.version\": \"1\"}", "connect.version");
        parse_fails("{\"type\": \"string\", \"connect.name\": 5}", "connect.name");
        /* other avro* properties as Java's toString would write them */
        s = parse("{\"type\": \"long\", \"avro.x\": 1.5, \"avroY\": [1, \"a\", true], \"avro.z\": {\"k\": 2}, "
                  "\"other\": 1}");
        assert_int_equal(s->connect->nparams, 3);
        assert_param(s->connect, "avro.x", "1.5");
        assert_param(s->connect, "avroY", "[1, a, true]");
        assert_param(s->connect, "avro.z", "{k=2}");
        kco_avro_schema_free(s);
}

static void test_schema_defaults(void **state) {
        (void)state;
        const char *json =
                "{\"type\": \"record\", \"name\": \"D\", \"fields\": ["
                "{\"name\": \"i\", \"type\": \"int\", \"default\": 42},"
                "{\"name\": \"i8\", \"type\": {\"type\": \"int\", \"connect.type\": \"int8\"}, \"default\": 300},"
                "{\"name\": \"l\", \"type\": \"long\", \"default\": -5000000000},"
                "{\"name\": \"f\", \"type\": \"float\", \"default\": 1},"
                "{\"name\": \"d\", \"type\": \"double\", \"default\": 2.5},"
                "{\"name\": \"b\", \"type\": \"boolean\", \"default\": true},"
                "{\"name\": \"s\", \"type\": \"string\", \"default\": \"hi\"},"
                "{\"name\": \"by\", \"type\": \"bytes\", \"default\": \"a\\u00ff\\u0100\"},"
                "{\"name\": \"e\", \"type\": {\"type\": \"enum\", \"name\": \"E\", \"symbols\": [\"X\", \"Y\"]}, "
                "  \"default\": \"Y\"},"
                "{\"name\": \"a\", \"type\": {\"type\": \"array\", \"items\": \"int\"}, \"default\": [1, 2]},"
                "{\"name\": \"m\", \"type\": {\"type\": \"map\", \"values\": \"string\"}, \"default\": {\"k\": \"v\"}},"
                "{\"name\": \"r\", \"type\": {\"type\": \"record\", \"name\": \"In\", \"fields\": ["
                "   {\"name\": \"x\", \"type\": \"int\"}, {\"name\": \"y\", \"type\": \"string\", \"default\": \"dy\"},"
                "   {\"name\": \"z\", \"type\": [\"null\", \"int\"]}]}, \"default\": {\"x\": 7}},"
                "{\"name\": \"u\", \"type\": [\"long\", \"string\"], \"default\": 9},"
                "{\"name\": \"o\", \"type\": [\"null\", \"string\"], \"default\": null},"
                "{\"name\": \"bad\", \"type\": \"int\", \"default\": \"nope\"},"
                "{\"name\": \"badr\", \"type\": \"In\", \"default\": {\"y\": \"no x\"}},"
                "{\"name\": \"cd\", \"type\": {\"type\": \"string\", \"connect.default\": \"from connect\"}},"
                "{\"name\": \"none\", \"type\": \"string\"}"
                "]}";
        kco_avro_schema_t *s = parse(json);
        const kco_schema_t *c = s->connect;
        const kco_value_t *v;
        v = fld(c, "i")->default_value;
        assert_int_equal(v->type, KCO_TYPE_INT32);
        assert_int_equal(v->u.i, 42);
        assert_ptr_equal(v->schema, fld(c, "i"));
        assert_param(fld(c, "i"), "io.confluent.connect.avro.field.default", "true");
        v = fld(c, "i8")->default_value;
        assert_int_equal(v->type, KCO_TYPE_INT8);
        assert_int_equal(v->u.i, 44); /* (byte) 300 */
        assert_int_equal(fld(c, "l")->default_value->u.i, -5000000000LL);
        assert_true(fld(c, "f")->default_value->u.d == 1.0);
        assert_int_equal(fld(c, "f")->default_value->type, KCO_TYPE_FLOAT32);
        assert_true(fld(c, "d")->default_value->u.d == 2.5);
        assert_int_equal(fld(c, "b")->default_value->u.i, 1);
        assert_text(fld(c, "s")->default_value, "hi");
        v = fld(c, "by")->default_value;
        assert_int_equal(v->type, KCO_TYPE_BYTES);
        assert_int_equal(v->u.s.len, 3);
        assert_memory_equal(v->u.s.ptr, "a\xff?", 3);
        assert_text(fld(c, "e")->default_value, "Y");
        v = fld(c, "a")->default_value;
        assert_int_equal(v->type, KCO_TYPE_ARRAY);
        assert_int_equal(v->u.c.n, 2);
        assert_int_equal(v->u.c.items[1].u.i, 2);
        assert_ptr_equal(v->u.c.items[1].schema, fld(c, "a")->value);
        v = fld(c, "m")->default_value;
        assert_int_equal(v->type, KCO_TYPE_MAP);
        assert_int_equal(v->u.c.n, 1);
        assert_text(&v->u.c.items[0], "k");
        assert_text(&v->u.c.items[1], "v");
        assert_schemas(v);
        v = fld(c, "r")->default_value; /* a missing field takes its own default, or null when optional */
        assert_int_equal(v->type, KCO_TYPE_STRUCT);
        assert_int_equal(v->u.c.items[0].u.i, 7);
        assert_text(&v->u.c.items[1], "dy");
        assert_int_equal(v->u.c.items[2].type, KCO_TYPE_NULL);
        assert_schemas(v);
        v = fld(c, "u")->default_value; /* a union's default is its first branch's */
        assert_int_equal(v->type, KCO_TYPE_STRUCT);
        assert_int_equal(v->u.c.items[0].type, KCO_TYPE_INT64);
        assert_int_equal(v->u.c.items[0].u.i, 9);
        assert_int_equal(v->u.c.items[1].type, KCO_TYPE_NULL);
        assert_schemas(v);
        /* [null, X]: AvroData returns X's schema early, without the field's default or the flag */
        assert_null(fld(c, "o")->default_value);
        assert_int_equal(fld(c, "o")->nparams, 0);
        /* unusable defaults are ignored, the flag stays */
        assert_null(fld(c, "bad")->default_value);
        assert_param(fld(c, "bad"), "io.confluent.connect.avro.field.default", "true");
        assert_null(fld(c, "badr")->default_value);
        /* connect.default applies when the field has no default, without the flag */
        assert_text(fld(c, "cd")->default_value, "from connect");
        assert_null(kco_schema_param(fld(c, "cd"), "io.confluent.connect.avro.field.default"));
        assert_null(fld(c, "none")->default_value);
        assert_int_equal(fld(c, "none")->nparams, 0);
        kco_avro_schema_free(s);
        /* decimal and date defaults stay in their encoded form */
        s = parse("{\"type\": \"record\", \"name\": \"L\", \"fields\": ["
                  "{\"name\": \"dec\", \"type\": {\"type\": \"bytes\", \"logicalType\": \"decimal\", \"scale\": 2}, "
                  "\"default\": \"\\u0001\\u0000\"},"
                  "{\"name\": \"day\", \"type\": {\"type\": \"int\", \"logicalType\": \"date\"}, \"default\": 19000},"
                  "{\"name\": \"me\", \"type\": {\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": "
                  "\"io.confluent.connect.avro.MapEntry\", \"fields\": [{\"name\": \"key\", \"type\": \"int\"}, "
                  "{\"name\": \"value\", \"type\": \"int\"}]}}, \"default\": [{\"key\": 1, \"value\": 2}]}]}");
        v = fld(s->connect, "dec")->default_value;
        assert_int_equal(v->type, KCO_TYPE_BYTES);
        assert_memory_equal(v->u.s.ptr, "\x01\x00", 2);
        assert_int_equal(fld(s->connect, "day")->default_value->u.i, 19000);
        assert_null(fld(s->connect, "me")->default_value);
        kco_avro_schema_free(s);
}

static void test_schema_errors(void **state) {
        (void)state;
        parse_fails("{", "not JSON");
        parse_fails("42", "a schema must be");
        parse_fails("{\"name\": \"x\"}", "without a \"type\"");
        parse_fails("{\"type\": 5}", "without a \"type\"");
        parse_fails("\"Nope\"", "undefined name Nope");
        parse_fails("{\"type\": \"whatever\"}", "unknown type whatever");
        parse_fails("{\"type\": \"record\", \"fields\": []}", "without a name");
        parse_fails("{\"type\": \"record\", \"name\": \"R\"}", "has no fields");
        parse_fails("{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"type\": \"int\"}]}", "has no name");
        parse_fails("{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"a\"}]}", "has no type");
        parse_fails("{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"a\", \"type\": \"int\"}, "
                    "{\"name\": \"a\", \"type\": \"long\"}]}",
                    "two fields named a");
        parse_fails("{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"a\", \"type\": {\"type\": "
                    "\"fixed\", \"name\": \"R\", \"size\": 1}}]}",
                    "defined twice");
        parse_fails("{\"type\": \"fixed\", \"name\": \"int\", \"size\": 1}", "named after a primitive");
        parse_fails("{\"type\": \"fixed\", \"name\": \"a.\", \"size\": 1}", "empty name");
        /* recursion: fine for Avro, impossible for a Connect tree here */
        parse_fails("{\"type\": \"record\", \"name\": \"Node\", \"fields\": [{\"name\": \"next\", \"type\": "
                    "[\"null\", \"Node\"]}]}",
                    "contains itself");
        parse_fails("{\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": "
                    "\"io.confluent.connect.avro.MapEntry\", \"fields\": [{\"name\": \"key\", \"type\": \"int\"}, "
                    "{\"name\": \"value\", \"type\": {\"type\": \"array\", \"items\": "
                    "\"io.confluent.connect.avro.MapEntry\"}}]}}",
                    "contains itself");
        /* depth and expansion limits */
        char deep[8192];
        size_t n = 0;
        for (int i = 0; i < 300; i++)
                n += (size_t)snprintf(deep + n, sizeof(deep) - n, "{\"type\":\"array\",\"items\":");
        n += (size_t)snprintf(deep + n, sizeof(deep) - n, "\"int\"");
        for (int i = 0; i < 300; i++)
                deep[n++] = '}';
        deep[n] = '\0';
        parse_fails(deep, "deeper than");
        /* 18 levels of a record used twice by the next: 2^18 Connect nodes */
        kco_buf_t b;
        kco_buf_init(&b);
        kco_buf_puts(&b, "{\"type\":\"record\",\"name\":\"T0\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
        for (int i = 1; i < 18; i++) {
                char head[160];
                snprintf(head, sizeof(head), "{\"type\":\"record\",\"name\":\"T%d\",\"fields\":[{\"name\":\"a\",\"type\":", i);
                kco_buf_t nb;
                kco_buf_init(&nb);
                kco_buf_puts(&nb, head);
                kco_buf_append(&nb, b.data, b.len);
                char tail[80];
                snprintf(tail, sizeof(tail), "},{\"name\":\"b\",\"type\":\"T%d\"}]}", i - 1);
                kco_buf_puts(&nb, tail);
                kco_buf_free(&b);
                b = nb;
        }
        parse_fails(kco_buf_cstr(&b), "expands to more than");
        kco_buf_free(&b);
}

/* ---------------------------------------------------------------- decoding */

static void test_decode_ints(void **state) {
        (void)state;
        kco_avro_schema_t *s = parse("\"int\"");
        int64_t ints[] = {0, -1, 1, -64, 64, 63, -65, 8191, INT32_MAX, INT32_MIN};
        for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
                bb_t o = {.n = 0};
                put_long(&o, ints[i]);
                const kco_value_t *v = decode_ok(s, &o);
                assert_int_equal(v->type, KCO_TYPE_INT32);
                assert_int_equal(v->u.i, ints[i]);
                assert_ptr_equal(v->schema, s->connect);
        }
        /* hand-assembled: 1 -> 02, -1 -> 01, 64 -> 80 01 */
        bb_t o = {.n = 0};
        put_raw(&o, "\x80\x01", 2);
        assert_int_equal(decode_ok(s, &o)->u.i, 64);
        /* 5 bytes at most; high bits of the 5th dropped as Java does */
        o.n = 0;
        put_raw(&o, "\xfe\xff\xff\xff\x7f", 5);
        assert_int_equal(decode_ok(s, &o)->u.i, INT32_MAX);
        decode_fails(s, "\x80\x80\x80\x80\x80\x01", 6, "longer than 5 bytes");
        kco_avro_schema_free(s);

        s = parse("\"long\"");
        int64_t longs[] = {0, -1, 1, INT64_MAX, INT64_MIN, 1LL << 40, -(1LL << 50)};
        for (size_t i = 0; i < sizeof(longs) / sizeof(longs[0]); i++) {
                o.n = 0;
                put_long(&o, longs[i]);
                const kco_value_t *v = decode_ok(s, &o);
                assert_int_equal(v->type, KCO_TYPE_INT64);
                assert_true(v->u.i == longs[i]);
        }
        decode_fails(s, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 11, "longer than 10 bytes");
        kco_avro_schema_free(s);

        /* int8 / int16 narrow like Java's byteValue / shortValue */
        s = parse("{\"type\": \"int\", \"connect.type\": \"int8\"}");
        o.n = 0;
        put_long(&o, 200);
        const kco_value_t *v = decode_ok(s, &o);
        assert_int_equal(v->type, KCO_TYPE_INT8);
        assert_int_equal(v->u.i, -56);
        kco_avro_schema_free(s);
        s = parse("{\"type\": \"int\", \"connect.type\": \"int16\"}");
        o.n = 0;
        put_long(&o, -300);
        v = decode_ok(s, &o);
        assert_int_equal(v->type, KCO_TYPE_INT16);
        assert_int_equal(v->u.i, -300);
        kco_avro_schema_free(s);
}

static void test_decode_scalars(void **state) {
        (void)state;
        bb_t o = {.n = 0};
        kco_avro_schema_t *s = parse("\"float\"");
        put_float(&o, 1.5f);
        const kco_value_t *v = decode_ok(s, &o);
        assert_int_equal(v->type, KCO_TYPE_FLOAT32);
        assert_true(v->u.d == 1.5);
        decode_fails(s, "\0\0\0", 3, "truncated");
        kco_avro_schema_free(s);

        s = parse("\"double\"");
        o.n = 0;
        put_raw(&o, "\x00\x00\x00\x00\x00\x00\xf0\x3f", 8); /* 1.0 little-endian */
        v = decode_ok(s, &o);
        assert_int_equal(v->type, KCO_TYPE_FLOAT64);
        assert_true(v->u.d == 1.0);
        o.n = 0;
        put_double(&o, -1e300);
        assert_true(decode_ok(s, &o)->u.d == -1e300);
        kco_avro_schema_free(s);

        s = parse("\"boolean\"");
        for (int b = 0; b < 3; b++) {
                o.n = 0;
                put_byte(&o, (uint8_t)b);
                v = decode_ok(s, &o);
                assert_int_equal(v->type, KCO_TYPE_BOOLEAN);
                assert_int_equal(v->u.i, b == 1); /* Java: only 1 is true */
        }
        decode_fails(s, "", 0, "truncated");
        kco_avro_schema_free(s);

        s = parse("\"string\"");
        o.n = 0;
        put_str(&o, "h\xc3\xa9llo");
        v = decode_ok(s, &o);
        assert_text(v, "h\xc3\xa9llo");
        assert_ptr_equal(v->u.s.ptr, (const char *)o.b + 1); /* points into the input */
        o.n = 0;
        put_str(&o, "");
        assert_text(decode_ok(s, &o), "");
        kco_avro_schema_free(s);

        s = parse("{\"type\": \"bytes\", \"logicalType\": \"decimal\", \"scale\": 2}");
        o.n = 0;
        put_long(&o, 2);
        put_raw(&o, "\xff\x38", 2); /* -200 -> -2.00 */
        v = decode_ok(s, &o);
        assert_int_equal(v->type, KCO_TYPE_BYTES);
        assert_int_equal(v->u.s.len, 2);
        assert_memory_equal(v->u.s.ptr, "\xff\x38", 2);
        kco_avro_schema_free(s);

        s = parse("{\"type\": \"fixed\", \"name\": \"F\", \"size\": 3}");
        v = NULL;
        o.n = 0;
        put_raw(&o, "abc", 3);
        v = decode_ok(s, &o);
        assert_int_equal(v->type, KCO_TYPE_BYTES);
        assert_int_equal(v->u.s.len, 3);
        assert_memory_equal(v->u.s.ptr, "abc", 3);
        decode_fails(s, "ab", 2, "truncated");
        kco_avro_schema_free(s);
        s = parse("{\"type\": \"fixed\", \"name\": \"F\", \"size\": 0}");
        o.n = 0;
        assert_int_equal(decode_ok(s, &o)->u.s.len, 0);
        kco_avro_schema_free(s);

        s = parse("{\"type\": \"enum\", \"name\": \"E\", \"symbols\": [\"A\", \"BB\", \"C\"]}");
        o.n = 0;
        put_long(&o, 1);
        v = decode_ok(s, &o);
        assert_text(v, "BB");
        decode_fails(s, "\x06", 1, "enum index 3 out of range");
        decode_fails(s, "\x01", 1, "enum index -1 out of range");
        kco_avro_schema_free(s);

        s = parse("{\"type\": \"long\", \"logicalType\": \"timestamp-millis\"}");
        o.n = 0;
        put_long(&o, 1700000000000LL);
        v = decode_ok(s, &o);
        assert_int_equal(v->type, KCO_TYPE_INT64);
        assert_true(v->u.i == 1700000000000LL);
        assert_int_equal(v->schema->logical, KCO_LOGICAL_TIMESTAMP);
        kco_avro_schema_free(s);
}

static void test_decode_strings_utf8(void **state) {
        (void)state;
        kco_avro_schema_t *s = parse("\"string\"");
        struct {
                const char *in;
                const char *want;
        } cases[] = {
                {"a\xff" "b", "a\xef\xbf\xbd" "b"},
                {"\xe2\x82", "\xef\xbf\xbd"},                                  /* truncated: one replacement */
                {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},      /* encoded surrogate */
                {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                      /* overlong */
                {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
                {"\xf0\x9f\x98" "x", "\xef\xbf\xbd" "x"},
                {"ok \xf0\x9f\x98\x80", "ok \xf0\x9f\x98\x80"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                bb_t o = {.n = 0};
                put_str(&o, cases[i].in);
                assert_text(decode_ok(s, &o), cases[i].want);
        }
        kco_avro_schema_free(s);
        /* map keys too */
        s = parse("{\"type\": \"map\", \"values\": \"int\"}");
        bb_t o = {.n = 0};
        put_long(&o, 1);
        put_str(&o, "k\x80");
        put_long(&o, 5);
        put_long(&o, 0);
        const kco_value_t *v = decode_ok(s, &o);
        assert_text(&v->u.c.items[0], "k\xef\xbf\xbd");
        kco_avro_schema_free(s);
}

static const char *nested_schema =
        "{\"type\": \"record\", \"name\": \"Order\", \"namespace\": \"shop\", \"fields\": ["
        "{\"name\": \"id\", \"type\": \"long\"},"
        "{\"name\": \"customer\", \"type\": {\"type\": \"record\", \"name\": \"Customer\", \"fields\": ["
        "  {\"name\": \"name\", \"type\": \"string\"}, {\"name\": \"vip\", \"type\": \"boolean\"}]}},"
        "{\"name\": \"lines\", \"type\": {\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": \"Line\", "
        "  \"fields\": [{\"name\": \"sku\", \"type\": \"string\"}, {\"name\": \"qty\", \"type\": \"int\"}]}}},"
        "{\"name\": \"tags\", \"type\": {\"type\": \"map\", \"values\": \"string\"}},"
        "{\"name\": \"note\", \"type\": [\"null\", \"string\"]},"
        "{\"name\": \"coupon\", \"type\": [\"string\", \"null\"]},"
        "{\"name\": \"extra\", \"type\": [\"null\", \"int\", \"Customer\"]},"
        "{\"name\": \"state\", \"type\": {\"type\": \"enum\", \"name\": \"State\", \"symbols\": [\"NEW\", \"PAID\"]}},"
        "{\"name\": \"hash\", \"type\": {\"type\": \"fixed\", \"name\": \"Hash\", \"size\": 2}},"
        "{\"name\": \"price\", \"type\": \"double\"}"
        "]}";

static void build_nested(bb_t *o) {
        o->n = 0;
        put_long(o, 1234);   /* id */
        put_str(o, "ann");   /* customer.name */
        put_byte(o, 1);      /* customer.vip */
        put_long(o, 2);      /* lines: a block of 2 */
        put_str(o, "A-1");
        put_long(o, 3);
        put_str(o, "B-2");
        put_long(o, -1);
        put_long(o, 0);      /* end of lines */
        put_long(o, -1);     /* tags: a block of 1 with its byte size */
        put_long(o, 6);
        put_str(o, "k1");
        put_str(o, "v1");
        put_long(o, 0);
        put_long(o, 0);      /* note: null */
        put_long(o, 0);      /* coupon: branch 0, string */
        put_str(o, "SAVE");
        put_long(o, 2);      /* extra: branch 2, Customer */
        put_str(o, "bob");
        put_byte(o, 0);
        put_long(o, 1);      /* state PAID */
        put_raw(o, "\x01\x02", 2);
        put_double(o, 9.5);
}

static void test_decode_nested(void **state) {
        (void)state;
        kco_avro_schema_t *s = parse(nested_schema);
        bb_t o;
        build_nested(&o);
        const kco_value_t *v = decode_ok(s, &o);
        assert_schemas(v);
        assert_int_equal(v->type, KCO_TYPE_STRUCT);
        assert_int_equal(v->u.c.n, 10);
        const kco_value_t *f = v->u.c.items;
        assert_int_equal(f[0].u.i, 1234);
        assert_text(&f[1].u.c.items[0], "ann");
        assert_int_equal(f[1].u.c.items[1].u.i, 1);
        assert_int_equal(f[2].type, KCO_TYPE_ARRAY);
        assert_int_equal(f[2].u.c.n, 2);
        assert_text(&f[2].u.c.items[1].u.c.items[0], "B-2");
        assert_int_equal(f[2].u.c.items[1].u.c.items[1].u.i, -1);
        assert_ptr_equal(f[2].u.c.items[0].schema, fld(s->connect, "lines")->value);
        assert_int_equal(f[3].type, KCO_TYPE_MAP);
        assert_int_equal(f[3].u.c.n, 1);
        assert_text(&f[3].u.c.items[0], "k1");
        assert_text(&f[3].u.c.items[1], "v1");
        assert_int_equal(f[4].type, KCO_TYPE_NULL);
        assert_ptr_equal(f[4].schema, fld(s->connect, "note"));
        assert_text(&f[5], "SAVE");
        assert_int_equal(f[6].type, KCO_TYPE_STRUCT); /* the Union struct */
        assert_string_equal(f[6].schema->name, "io.confluent.connect.avro.Union");
        assert_int_equal(f[6].u.c.n, 2);
        assert_int_equal(f[6].u.c.items[0].type, KCO_TYPE_NULL);
        assert_int_equal(f[6].u.c.items[1].type, KCO_TYPE_STRUCT);
        assert_text(&f[6].u.c.items[1].u.c.items[0], "bob");
        assert_text(&f[7], "PAID");
        assert_memory_equal(f[8].u.s.ptr, "\x01\x02", 2);
        assert_true(f[9].u.d == 9.5);
        kco_avro_schema_free(s);
}

static void test_decode_truncations(void **state) {
        (void)state;
        /* every proper prefix of a valid datum fails cleanly; so does every extension */
        kco_avro_schema_t *s = parse(nested_schema);
        bb_t o;
        build_nested(&o);
        for (size_t n = 0; n < o.n; n++) {
                uint8_t *copy = malloc(n ? n : 1); /* exact size, so ASan sees any overread */
                memcpy(copy, o.b, n);
                decode_fails(s, n ? copy : NULL, n, NULL);
                free(copy);
        }
        uint8_t *longer = malloc(o.n + 1);
        memcpy(longer, o.b, o.n);
        longer[o.n] = 0;
        decode_fails(s, longer, o.n + 1, "1 trailing bytes after the datum");
        free(longer);
        /* and every single-byte corruption either decodes or fails, without a crash */
        for (size_t i = 0; i < o.n; i++)
                for (int x = 0; x < 256; x += 17) {
                        bb_t c = o;
                        c.b[i] = (uint8_t)x;
                        kco_value_t *v;
                        kco_err_t err;
                        if (!kco_avro_decode(s, c.b, c.n, arena, &v, &err))
                                assert_schemas(v);
                }
        kco_avro_schema_free(s);
}

static void test_decode_blocks(void **state) {
        (void)state;
        kco_avro_schema_t *s = parse("{\"type\": \"array\", \"items\": \"long\"}");
        bb_t o = {.n = 0};
        /* blocks of 1, 3 (negative count with size), 2, then the end */
        put_long(&o, 1);
        put_long(&o, 10);
        put_long(&o, -3);
        put_long(&o, 3);
        put_long(&o, 20);
        put_long(&o, 30);
        put_long(&o, 40);
        put_long(&o, 2);
        put_long(&o, 50);
        put_long(&o, 60);
        put_long(&o, 0);
        const kco_value_t *v = decode_ok(s, &o);
        assert_int_equal(v->type, KCO_TYPE_ARRAY);
        assert_int_equal(v->u.c.n, 6);
        for (int i = 0; i < 6; i++)
                assert_int_equal(v->u.c.items[i].u.i, 10 * (i + 1));
        o.n = 0;
        put_long(&o, 0);
        v = decode_ok(s, &o);
        assert_int_equal(v->u.c.n, 0);
        /* many tiny blocks */
        o.n = 0;
        for (int i = 0; i < 1000; i++) {
                put_long(&o, 1);
                put_long(&o, i);
        }
        put_long(&o, 0);
        v = decode_ok(s, &o);
        assert_int_equal(v->u.c.n, 1000);
        assert_int_equal(v->u.c.items[999].u.i, 999);
        /* counts that cannot be there fail before any allocation */
        o.n = 0;
        put_long(&o, 1LL << 40);
        decode_fails(s, o.b, o.n, "cannot fit");
        o.n = 0;
        put_long(&o, -(1LL << 40));
        put_long(&o, 0);
        decode_fails(s, o.b, o.n, "cannot fit");
        o.n = 0;
        put_raw(&o, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10); /* INT64_MIN */
        decode_fails(s, o.b, o.n, "invalid block count");
        o.n = 0;
        put_long(&o, -1);
        put_long(&o, -5);
        put_long(&o, 1);
        decode_fails(s, o.b, o.n, "block size -5");
        o.n = 0;
        put_long(&o, -1);
        put_long(&o, 100);
        put_long(&o, 1);
        decode_fails(s, o.b, o.n, "block size 100");
        o.n = 0;
        put_long(&o, 2);
        put_long(&o, 1);
        decode_fails(s, o.b, o.n, "cannot fit");
        kco_avro_schema_free(s);

        /* items that take no bytes: bounded by the value budget */
        s = parse("{\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": \"E\", \"fields\": []}}");
        o.n = 0;
        put_long(&o, 1000);
        put_long(&o, 0);
        v = decode_ok(s, &o);
        assert_int_equal(v->u.c.n, 1000);
        assert_schemas(v);
        o.n = 0;
        put_long(&o, 1LL << 40);
        put_long(&o, 0);
        decode_fails(s, o.b, o.n, "exceeds the limit");
        o.n = 0;
        for (int i = 0; i < 40; i++)
                put_long(&o, 60000); /* blocks that each fit, adding up to too many */
        put_long(&o, 0);
        decode_fails(s, o.b, o.n, "values");
        kco_avro_schema_free(s);

        /* arrays of arrays of empty records: the budget spans the whole datum */
        s = parse("{\"type\": \"array\", \"items\": {\"type\": \"array\", \"items\": {\"type\": \"record\", "
                  "\"name\": \"E\", \"fields\": []}}}");
        o.n = 0;
        put_long(&o, 100);
        for (int i = 0; i < 100; i++) {
                put_long(&o, 60000);
                put_long(&o, 0);
        }
        put_long(&o, 0);
        decode_fails(s, o.b, o.n, "values");
        kco_avro_schema_free(s);

        /* maps in blocks */
        s = parse("{\"type\": \"map\", \"values\": \"int\"}");
        o.n = 0;
        put_long(&o, -2);
        put_long(&o, 6);
        put_str(&o, "a");
        put_long(&o, 1);
        put_str(&o, "b");
        put_long(&o, 2);
        put_long(&o, 1);
        put_str(&o, "c");
        put_long(&o, 3);
        put_long(&o, 0);
        v = decode_ok(s, &o);
        assert_int_equal(v->type, KCO_TYPE_MAP);
        assert_int_equal(v->u.c.n, 3);
        assert_text(&v->u.c.items[4], "c");
        assert_int_equal(v->u.c.items[5].u.i, 3);
        assert_schemas(v);
        o.n = 0;
        put_long(&o, 3);
        put_str(&o, "a");
        put_long(&o, 1);
        decode_fails(s, o.b, o.n, "cannot fit");
        kco_avro_schema_free(s);
}

static void test_decode_map_entries(void **state) {
        (void)state;
        kco_avro_schema_t *s = parse("{\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": \"KV\", "
                                     "\"connect.internal.type\": \"MapEntry\", \"fields\": [{\"name\": \"value\", "
                                     "\"type\": \"string\"}, {\"name\": \"key\", \"type\": \"int\"}]}}");
        bb_t o = {.n = 0};
        put_long(&o, 2);
        put_str(&o, "one");
        put_long(&o, 1);
        put_str(&o, "two");
        put_long(&o, 2);
        put_long(&o, 0);
        const kco_value_t *v = decode_ok(s, &o);
        assert_int_equal(v->type, KCO_TYPE_MAP);
        assert_int_equal(v->u.c.n, 2);
        assert_int_equal(v->u.c.items[0].u.i, 1);
        assert_text(&v->u.c.items[1], "one");
        assert_int_equal(v->u.c.items[2].u.i, 2);
        assert_text(&v->u.c.items[3], "two");
        assert_ptr_equal(v->u.c.items[0].schema, s->connect->key);
        assert_ptr_equal(v->u.c.items[1].schema, s->connect->value);
        kco_avro_schema_free(s);
}

static void test_decode_unions(void **state) {
        (void)state;
        kco_avro_schema_t *s = parse("[\"int\", \"null\", \"string\"]");
        bb_t o = {.n = 0};
        put_long(&o, 2);
        put_str(&o, "x");
        const kco_value_t *v = decode_ok(s, &o);
        assert_int_equal(v->type, KCO_TYPE_STRUCT);
        assert_int_equal(v->u.c.items[0].type, KCO_TYPE_NULL);
        assert_text(&v->u.c.items[1], "x"); /* branch 2 is field 1: the null branch has no field */
        assert_schemas(v);
        o.n = 0;
        put_long(&o, 1);
        v = decode_ok(s, &o);
        assert_int_equal(v->type, KCO_TYPE_NULL);
        assert_ptr_equal(v->schema, s->connect);
        decode_fails(s, "\x06", 1, "union branch 3 out of range");
        decode_fails(s, "\x01", 1, "union branch -1 out of range");
        decode_fails(s, "", 0, "truncated");
        kco_avro_schema_free(s);
        s = parse("[\"null\", \"long\"]");
        o.n = 0;
        put_long(&o, 1);
        put_long(&o, -7);
        v = decode_ok(s, &o);
        assert_int_equal(v->type, KCO_TYPE_INT64);
        assert_int_equal(v->u.i, -7);
        assert_true(v->schema->optional);
        kco_avro_schema_free(s);
        s = parse("[\"string\"]");
        o.n = 0;
        put_long(&o, 0);
        put_str(&o, "only");
        assert_text(decode_ok(s, &o), "only");
        decode_fails(s, "\x02", 1, "union branch 1 out of range");
        kco_avro_schema_free(s);
}

static void test_decode_errors(void **state) {
        (void)state;
        kco_avro_schema_t *s = parse("\"string\"");
        decode_fails(s, "\x03", 1, "negative string length -2");
        decode_fails(s, "\x0a" "ab", 3, "string length 5 exceeds the 2 bytes left");
        decode_fails(s, "\x80", 1, "truncated");
        decode_fails(s, "\x02" "ab", 3, "1 trailing bytes");
        kco_avro_schema_free(s);
        s = parse("\"bytes\"");
        decode_fails(s, "\x01", 1, "negative bytes length");
        decode_fails(s, "\xfe\xff\xff\xff\xff\xff\xff\xff\x7f", 9, "exceeds");
        kco_avro_schema_free(s);
        s = parse("{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"a\", \"type\": \"int\"}]}");
        decode_fails(s, "", 0, "truncated (reading int)");
        kco_avro_schema_free(s);
        /* nesting: 65 arrays deep fails, 64 is fine */
        for (int depth = 64; depth <= 65; depth++) {
                char json[4096];
                size_t n = 0;
                for (int i = 0; i < depth; i++)
                        n += (size_t)snprintf(json + n, sizeof(json) - n, "{\"type\":\"array\",\"items\":");
                n += (size_t)snprintf(json + n, sizeof(json) - n, "\"int\"");
                for (int i = 0; i < depth; i++)
                        json[n++] = '}';
                json[n] = '\0';
                s = parse(json);
                bb_t o = {.n = 0};
                for (int i = 0; i < depth - 1; i++)
                        put_long(&o, 1);
                put_long(&o, 0);
                for (int i = 0; i < depth - 1; i++)
                        put_long(&o, 0);
                if (depth == 64)
                        decode_ok(s, &o);
                else
                        decode_fails(s, o.b, o.n, "nested deeper than 64");
                kco_avro_schema_free(s);
        }
}

/* --------------------------------------------------------------- registry */

typedef struct route {
        const char *method;
        const char *url; /* exact, or a prefix when it ends with '*' */
        int down;        /* no answer at all */
        long status;
        const char *body;
        int hits;
} route_t;

static route_t *routes;
static size_t nroutes;
static char last_post[8192];
static char seen_urls[8192];

static int fake_transport(void *opaque, const char *method, const char *url, const char *body, long *status,
                          kco_buf_t *resp, char *why, size_t whylen) {
        (void)opaque;
        size_t l = strlen(seen_urls);
        snprintf(seen_urls + l, sizeof(seen_urls) - l, "%s %s\n", method, url);
        if (body)
                snprintf(last_post, sizeof(last_post), "%s", body);
        for (size_t i = 0; i < nroutes; i++) {
                route_t *r = &routes[i];
                size_t ul = strlen(r->url);
                int match = r->url[ul - 1] == '*' ? !strncmp(url, r->url, ul - 1) : !strcmp(url, r->url);
                if (strcmp(method, r->method) || !match)
                        continue;
                r->hits++;
                if (r->down) {
                        snprintf(why, whylen, "Failed to connect: Connection refused");
                        return -1;
                }
                *status = r->status;
                kco_buf_puts(resp, r->body);
                return 0;
        }
        *status = 404;
        kco_buf_puts(resp, "{\"error_code\": 404, \"message\": \"HTTP 404 Not Found\"}");
        return 0;
}

static void use_routes(route_t *r, size_t n) {
        routes = r;
        nroutes = n;
        seen_urls[0] = last_post[0] = '\0';
}

static kco_registry_t *registry_for(const char *u1, const char *u2, const char *user_info) {
        char *v[2] = {(char *)u1, (char *)u2};
        kco_strlist_t urls = {v, u2 ? 2 : 1};
        kco_registry_t *r = kco_registry_new(&urls, user_info);
        kco_registry_set_transport(r, fake_transport, NULL);
        return r;
}

static void test_registry_helpers(void **state) {
        (void)state;
        char out[256];
        kco_registry_redact_url("http://user:secret@reg:8081/schemas/ids/1?x=secret", out, sizeof(out));
        assert_string_equal(out, "http://reg:8081/schemas/ids/1");
        kco_registry_redact_url("https://reg.example.com", out, sizeof(out));
        assert_string_equal(out, "https://reg.example.com");
        kco_registry_redact_url("u:p@host:1/a@b", out, sizeof(out));
        assert_string_equal(out, "host:1/a@b");
        char *s = kco_registry_join("http://a:1//", "/schemas/ids/3");
        assert_string_equal(s, "http://a:1/schemas/ids/3");
        free(s);
        s = kco_registry_escape("my.topic_1-value");
        assert_string_equal(s, "my.topic_1-value");
        free(s);
        s = kco_registry_escape("a b/c%");
        assert_string_equal(s, "a%20b%2Fc%25");
        free(s);

        char *schema = NULL, why[256];
        int version = 99;
        const char *b = "{\"schema\": \"\\\"int\\\"\"}";
        assert_int_equal(kco_registry_parse_schema(b, strlen(b), &schema, &version, why, sizeof(why)), 0);
        assert_string_equal(schema, "\"int\"");
        assert_int_equal(version, -1);
        free(schema);
        b = "{\"schema\": \"\\\"int\\\"\", \"schemaType\": \"AVRO\", \"references\": [], \"metadata\": "
            "{\"properties\": {\"confluent:version\": \"12\"}}}";
        assert_int_equal(kco_registry_parse_schema(b, strlen(b), &schema, &version, why, sizeof(why)), 0);
        assert_int_equal(version, 12);
        free(schema);
        b = "{\"schema\": \"syntax = \\\"proto3\\\";\", \"schemaType\": \"PROTOBUF\"}";
        assert_int_equal(kco_registry_parse_schema(b, strlen(b), &schema, &version, why, sizeof(why)), -2);
        assert_non_null(strstr(why, "PROTOBUF"));
        b = "{\"schema\": \"\\\"int\\\"\", \"references\": [{\"name\": \"x\", \"subject\": \"s\", \"version\": 1}]}";
        assert_int_equal(kco_registry_parse_schema(b, strlen(b), &schema, &version, why, sizeof(why)), -2);
        assert_non_null(strstr(why, "references"));
        assert_int_equal(kco_registry_parse_schema("<html>", 6, &schema, &version, why, sizeof(why)), -1);
        assert_int_equal(kco_registry_parse_schema("{}", 2, &schema, &version, why, sizeof(why)), -1);
        assert_int_equal(kco_registry_parse_schema(NULL, 0, &schema, &version, why, sizeof(why)), -1);

        b = "{\"subject\": \"t-value\", \"version\": 4, \"id\": 1, \"schema\": \"\\\"int\\\"\"}";
        assert_int_equal(kco_registry_parse_version(b, strlen(b), &version, why, sizeof(why)), 0);
        assert_int_equal(version, 4);
        assert_int_equal(kco_registry_parse_version("{\"version\": \"4\"}", 16, &version, why, sizeof(why)), -1);

        char msg[64];
        b = "{\"error_code\": 40403, \"message\": \"Schema not found\"}";
        assert_int_equal(kco_registry_parse_error(b, strlen(b), msg, sizeof(msg)), 40403);
        assert_string_equal(msg, "Schema not found");
        assert_int_equal(kco_registry_parse_error("oops", 4, msg, sizeof(msg)), 0);
        assert_string_equal(msg, "");
}

static void assert_no_secret(const kco_err_t *err) {
        assert_null(strstr(err->msg, "topsecret"));
        assert_null(strstr(err->msg, "pw@"));
        assert_null(strstr(err->msg, "user"));
}

static void test_registry_requests(void **state) {
        (void)state;
        route_t r[] = {
                {"GET", "http://u:pw@down:1/*", 1, 0, NULL, 0},
                {"POST", "http://u:pw@down:1/*", 1, 0, NULL, 0},
                {"GET", "http://ok:2/schemas/ids/7", 0, 200, "{\"schema\": \"\\\"long\\\"\"}", 0},
                {"GET", "http://ok:2/schemas/ids/5", 0, 404, "{\"error_code\": 40403, \"message\": \"Schema 5 not "
                                                             "found\"}", 0},
                {"GET", "http://ok:2/schemas/ids/6", 0, 401, "{\"error_code\": 401, \"message\": \"Unauthorized\"}", 0},
                {"GET", "http://ok:2/schemas/ids/8", 0, 503, "{\"message\": \"overloaded\"}", 0},
                {"GET", "http://ok:2/schemas/ids/9", 0, 200, "not json", 0},
                {"POST", "http://ok:2/subjects/t-value", 0, 200, "{\"version\": 3, \"id\": 7}", 0},
                {"POST", "http://ok:2/subjects/gone-value", 0, 404, "{\"error_code\": 40401}", 0},
                {"POST", "http://ok:2/subjects/busy-value", 0, 429, "{}", 0},
                {"POST", "http://ok:2/subjects/no-value", 0, 403, "{\"message\": \"Forbidden\"}", 0},
        };
        use_routes(r, sizeof(r) / sizeof(r[0]));
        kco_registry_t *reg = registry_for("http://u:pw@down:1", "http://ok:2/", "user:topsecret");
        char *schema = NULL;
        int version = 0;
        kco_err_t err;
        kco_err_clear(&err);
        /* the first URL is down: the second answers, and is asked first from then on */
        assert_int_equal(kco_registry_schema(reg, 7, &schema, &version, &err), 0);
        assert_string_equal(schema, "\"long\"");
        assert_int_equal(version, -1);
        free(schema);
        assert_int_equal(r[0].hits, 1);
        assert_int_equal(kco_registry_schema(reg, 7, &schema, &version, &err), 0);
        free(schema);
        assert_int_equal(r[0].hits, 1);
        assert_int_equal(r[2].hits, 2);

        assert_int_equal(kco_registry_schema(reg, 5, &schema, &version, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_false(err.retriable);
        assert_non_null(strstr(err.msg, "schema id 5 not found in the registry"));

        assert_int_equal(kco_registry_schema(reg, 6, &schema, &version, &err), -1);
        assert_int_equal(err.code, KCO_ERR_CONFIG);
        assert_false(err.retriable);
        assert_non_null(strstr(err.msg, "401"));
        assert_non_null(strstr(err.msg, "Unauthorized"));
        assert_non_null(strstr(err.msg, "http://ok:2/schemas/ids/6"));
        assert_no_secret(&err);

        /* 5xx everywhere (the first URL is down): retriable, naming the URL without credentials */
        assert_int_equal(kco_registry_schema(reg, 8, &schema, &version, &err), -1);
        assert_int_equal(err.code, KCO_ERR_IO);
        assert_true(err.retriable);
        assert_no_secret(&err);
        assert_non_null(strstr(err.msg, "down:1"));
        assert_non_null(strstr(seen_urls, "GET http://ok:2/schemas/ids/8"));

        assert_int_equal(kco_registry_schema(reg, 9, &schema, &version, &err), -1);
        assert_int_equal(err.code, KCO_ERR_CONFIG);

        assert_int_equal(kco_registry_version(reg, "t-value", "\"long\"", &version, &err), 0);
        assert_int_equal(version, 3);
        assert_string_equal(last_post, "{\"schema\":\"\\\"long\\\"\"}");
        assert_int_equal(kco_registry_version(reg, "gone-value", "\"long\"", &version, &err), 0);
        assert_int_equal(version, -1);
        assert_int_equal(kco_registry_version(reg, "busy-value", "\"long\"", &version, &err), -1);
        assert_true(err.retriable);
        assert_int_equal(err.code, KCO_ERR_IO);
        assert_int_equal(kco_registry_version(reg, "no-value", "\"long\"", &version, &err), -1);
        assert_false(err.retriable);
        assert_int_equal(err.code, KCO_ERR_CONFIG);
        assert_non_null(strstr(err.msg, "Forbidden"));
        kco_registry_destroy(reg);

        /* nothing reachable */
        route_t none[] = {{"GET", "*", 1, 0, NULL, 0}};
        use_routes(none, 1);
        reg = registry_for("http://user:topsecret@a:1", NULL, NULL);
        assert_int_equal(kco_registry_schema(reg, 1, &schema, &version, &err), -1);
        assert_int_equal(err.code, KCO_ERR_IO);
        assert_true(err.retriable);
        assert_non_null(strstr(err.msg, "http://a:1/schemas/ids/1"));
        assert_non_null(strstr(err.msg, "Connection refused"));
        assert_no_secret(&err);
        kco_registry_destroy(reg);
}

/* -------------------------------------------------------------- converter */

static kco_converter_t *converter(int is_key) {
        static char *urls[] = {"http://reg:8081"};
        static kco_conf_t conf;
        memset(&conf, 0, sizeof(conf));
        conf.key_registry_url.v = urls;
        conf.key_registry_url.n = 1;
        conf.value_registry_url.v = urls;
        conf.value_registry_url.n = 1;
        conf.value_registry_user_info = "";
        conf.key_registry_user_info = "";
        kco_err_t err;
        kco_converter_t *cv = kco_converter_new(KCO_CONVERTER_AVRO, is_key, &conf, &err);
        assert_non_null(cv);
        kco_registry_set_transport(kco_converter_avro_registry(cv), fake_transport, NULL);
        return cv;
}

static int convert(kco_converter_t *cv, const char *topic, const bb_t *o, kco_data_t *out, kco_err_t *err) {
        kco_err_clear(err);
        memset(out, 0xAB, sizeof(*out));
        return kco_converter_convert(cv, topic, o->b, o->n, arena, out, err);
}

static void wire(bb_t *o, uint32_t id) {
        o->n = 0;
        put_byte(o, 0);
        put_byte(o, (uint8_t)(id >> 24));
        put_byte(o, (uint8_t)(id >> 16));
        put_byte(o, (uint8_t)(id >> 8));
        put_byte(o, (uint8_t)id);
}

#define REC_SCHEMA "{\\\"type\\\": \\\"record\\\", \\\"name\\\": \\\"Click\\\", \\\"namespace\\\": \\\"ex\\\", " \
                   "\\\"fields\\\": [{\\\"name\\\": \\\"id\\\", \\\"type\\\": \\\"long\\\"}, {\\\"name\\\": " \
                   "\\\"page\\\", \\\"type\\\": [\\\"null\\\", \\\"string\\\"]}]}"

static void test_converter(void **state) {
        (void)state;
        route_t r[] = {
                {"GET", "http://reg:8081/schemas/ids/1", 0, 200, "{\"schema\": \"" REC_SCHEMA "\"}", 0},
                {"POST", "http://reg:8081/subjects/clicks-value", 0, 200, "{\"version\": 3}", 0},
                {"POST", "http://reg:8081/subjects/other-value", 0, 404, "{\"error_code\": 40403}", 0},
                {"GET", "http://reg:8081/schemas/ids/2", 0, 200, "{\"schema\": \"x\", \"schemaType\": \"JSON\"}", 0},
                {"GET", "http://reg:8081/schemas/ids/4", 0, 200,
                 "{\"schema\": \"{\\\"type\\\": \\\"record\\\", \\\"name\\\": \\\"N\\\", \\\"fields\\\": [{\\\"name\\\":"
                 " \\\"n\\\", \\\"type\\\": [\\\"null\\\", \\\"N\\\"]}]}\"}", 0},
                {"POST", "http://reg:8081/subjects/clicks-*", 0, 404, "{}", 0},
                {"GET", "http://reg:8081/schemas/ids/5", 0, 200,
                 "{\"schema\": \"\\\"bytes\\\"\", \"metadata\": {\"properties\": {\"confluent:version\": \"2\"}}}", 0},
                {"GET", "http://reg:8081/schemas/ids/6", 1, 0, NULL, 0},
        };
        use_routes(r, sizeof(r) / sizeof(r[0]));
        kco_converter_t *cv = converter(0);
        kco_data_t out;
        kco_err_t err;
        bb_t o;

        /* a Kafka null */
        kco_err_clear(&err);
        assert_int_equal(kco_converter_convert(cv, "clicks", NULL, 0, arena, &out, &err), 0);
        assert_int_equal(out.type, KCO_DATA_NULL);

        /* not the wire format */
        o.n = 0;
        put_raw(&o, "\x01\x00\x00\x00\x01\x02", 6);
        assert_int_equal(convert(cv, "clicks", &o, &out, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_non_null(strstr(err.msg, "unknown magic byte 0x01 (not Confluent Avro wire format)"));
        o.n = 0;
        put_raw(&o, "\x00\x00\x00", 3);
        assert_int_equal(convert(cv, "clicks", &o, &out, &err), -1);
        assert_non_null(strstr(err.msg, "message too short"));
        o.n = 0;
        assert_int_equal(convert(cv, "clicks", &o, &out, &err), -1);
        assert_non_null(strstr(err.msg, "message too short"));

        /* a record; the schema is fetched and versioned once */
        wire(&o, 1);
        put_long(&o, 42);
        put_long(&o, 1);
        put_str(&o, "/home");
        assert_int_equal(convert(cv, "clicks", &o, &out, &err), 0);
        assert_int_equal(out.type, KCO_DATA_VALUE);
        const kco_value_t *v = out.v;
        assert_schemas(v);
        assert_string_equal(v->schema->name, "ex.Click");
        assert_true(v->schema->has_version);
        assert_int_equal(v->schema->version, 3);
        assert_int_equal(v->u.c.items[0].u.i, 42);
        assert_text(&v->u.c.items[1], "/home");
        assert_string_equal(last_post, "{\"schema\":\"" REC_SCHEMA "\"}");
        for (int i = 0; i < 3; i++)
                assert_int_equal(convert(cv, "clicks", &o, &out, &err), 0);
        assert_int_equal(r[0].hits, 1);
        assert_int_equal(r[1].hits, 1);
        const kco_schema_t *clicks_schema = out.v->schema;

        /* the same id under another topic: its own subject, no version there, the text is reused */
        assert_int_equal(convert(cv, "other", &o, &out, &err), 0);
        assert_false(out.v->schema->has_version);
        assert_ptr_not_equal(out.v->schema, clicks_schema);
        assert_int_equal(r[0].hits, 1);
        assert_int_equal(r[2].hits, 1);

        /* a bad datum */
        wire(&o, 1);
        put_long(&o, 42);
        put_long(&o, 2);
        assert_int_equal(convert(cv, "clicks", &o, &out, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_non_null(strstr(err.msg, "schema id 1"));
        assert_non_null(strstr(err.msg, "union branch 2 out of range"));
        assert_non_null(strstr(err.msg, "topic clicks"));

        /* not Avro */
        wire(&o, 2);
        assert_int_equal(convert(cv, "clicks", &o, &out, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_non_null(strstr(err.msg, "JSON, not AVRO"));

        /* unknown id */
        wire(&o, 3);
        assert_int_equal(convert(cv, "clicks", &o, &out, &err), -1);
        assert_int_equal(err.code, KCO_ERR_CONFIG); /* a bare 404 without 40403: not the registry's answer */

        /* a schema Connect cannot take: a data error, remembered */
        wire(&o, 4);
        put_long(&o, 0);
        assert_int_equal(convert(cv, "clicks", &o, &out, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_non_null(strstr(err.msg, "contains itself"));
        assert_int_equal(convert(cv, "clicks", &o, &out, &err), -1);
        assert_int_equal(r[4].hits, 1);

        /* a top-level bytes schema is written raw; the version comes from the answer's metadata */
        wire(&o, 5);
        put_raw(&o, "\x01\x02\x03", 3);
        assert_int_equal(convert(cv, "clicks", &o, &out, &err), 0);
        assert_int_equal(out.v->type, KCO_TYPE_BYTES);
        assert_int_equal(out.v->u.s.len, 3);
        assert_memory_equal(out.v->u.s.ptr, "\x01\x02\x03", 3);
        assert_int_equal(out.v->schema->version, 2);
        assert_int_equal(r[5].hits, 0);

        /* an unreachable registry: retriable, nothing cached */
        wire(&o, 6);
        assert_int_equal(convert(cv, "clicks", &o, &out, &err), -1);
        assert_int_equal(err.code, KCO_ERR_IO);
        assert_true(err.retriable);
        assert_int_equal(convert(cv, "clicks", &o, &out, &err), -1);
        assert_int_equal(r[7].hits, 2);
        kco_converter_destroy(cv);
}

static void test_converter_key_and_cache(void **state) {
        (void)state;
        route_t r[] = {
                {"GET", "http://reg:8081/schemas/ids/*", 0, 200, "{\"schema\": \"\\\"string\\\"\"}", 0},
                {"POST", "http://reg:8081/subjects/t-key", 0, 200, "{\"version\": 1}", 0},
        };
        use_routes(r, 2);
        kco_converter_t *cv = converter(1);
        kco_data_t out, first;
        kco_err_t err;
        bb_t o;
        wire(&o, 1);
        put_str(&o, "k");
        assert_int_equal(convert(cv, "t", &o, &out, &err), 0);
        assert_non_null(strstr(seen_urls, "POST http://reg:8081/subjects/t-key"));
        assert_int_equal(out.v->schema->version, 1);
        first = out;
        /* more ids than the cache holds: it starts over, but the schemas of this batch's values stay valid
         * until the arena is reset */
        for (uint32_t id = 2; id <= 1002; id++) {
                wire(&o, id);
                put_str(&o, "k");
                assert_int_equal(convert(cv, "t", &o, &out, &err), 0);
        }
        assert_int_equal(first.v->schema->type, KCO_TYPE_STRING);
        assert_int_equal(first.v->schema->version, 1);
        kco_arena_reset(arena);
        wire(&o, 1);
        put_str(&o, "k");
        assert_int_equal(convert(cv, "t", &o, &out, &err), 0);
        assert_int_equal(r[0].hits, 1003);
        kco_converter_destroy(cv);

        /* no URL */
        kco_conf_t conf;
        memset(&conf, 0, sizeof(conf));
        assert_null(kco_converter_avro_new(0, &conf, &err));
        assert_int_equal(err.code, KCO_ERR_CONFIG);
        assert_non_null(strstr(err.msg, "value.converter.schema.registry.url"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_schema_primitives, setup, teardown),
                cmocka_unit_test_setup_teardown(test_schema_int_connect_type, setup, teardown),
                cmocka_unit_test_setup_teardown(test_schema_record, setup, teardown),
                cmocka_unit_test_setup_teardown(test_schema_namespaces, setup, teardown),
                cmocka_unit_test_setup_teardown(test_schema_enum, setup, teardown),
                cmocka_unit_test_setup_teardown(test_schema_fixed_and_decimal, setup, teardown),
                cmocka_unit_test_setup_teardown(test_schema_logical_times, setup, teardown),
                cmocka_unit_test_setup_teardown(test_schema_unions, setup, teardown),
                cmocka_unit_test_setup_teardown(test_schema_maps_arrays, setup, teardown),
                cmocka_unit_test_setup_teardown(test_schema_connect_props, setup, teardown),
                cmocka_unit_test_setup_teardown(test_schema_defaults, setup, teardown),
                cmocka_unit_test_setup_teardown(test_schema_errors, setup, teardown),
                cmocka_unit_test_setup_teardown(test_decode_ints, setup, teardown),
                cmocka_unit_test_setup_teardown(test_decode_scalars, setup, teardown),
                cmocka_unit_test_setup_teardown(test_decode_strings_utf8, setup, teardown),
                cmocka_unit_test_setup_teardown(test_decode_nested, setup, teardown),
                cmocka_unit_test_setup_teardown(test_decode_truncations, setup, teardown),
                cmocka_unit_test_setup_teardown(test_decode_blocks, setup, teardown),
                cmocka_unit_test_setup_teardown(test_decode_map_entries, setup, teardown),
                cmocka_unit_test_setup_teardown(test_decode_unions, setup, teardown),
                cmocka_unit_test_setup_teardown(test_decode_errors, setup, teardown),
                cmocka_unit_test_setup_teardown(test_registry_helpers, setup, teardown),
                cmocka_unit_test_setup_teardown(test_registry_requests, setup, teardown),
                cmocka_unit_test_setup_teardown(test_converter, setup, teardown),
                cmocka_unit_test_setup_teardown(test_converter_key_and_cache, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
