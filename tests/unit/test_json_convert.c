/*
 * test_json_convert.c - JsonConverter (kco_converter_json.c) and the JSON
 * writer of typed values (kco_json_write.c): every schema type, logical
 * types, optional/default/required, nested structs, maps, the envelope,
 * schemaless data, strings and escapes, error messages with their JSON path,
 * the schema cache, and value -> JSON text round trips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/kco_converter.h"
#include "format/kco_format.h"
#include "format/kco_json_write.h"

typedef struct fx {
        kco_conf_t conf;
        kco_converter_t *cv;
        kco_arena_t *arena;
        kco_buf_t out;
        kco_err_t err;
        kco_data_t d;
} fx_t;

static fx_t *fx_new(int schemas) {
        fx_t *f = calloc(1, sizeof(*f));
        f->conf.value_schemas_enable = schemas;
        f->conf.key_schemas_enable = !schemas;
        kco_err_t err;
        kco_err_clear(&err);
        f->cv = kco_converter_json_new(0, &f->conf, &err);
        assert_non_null(f->cv);
        f->arena = kco_arena_new(4096);
        kco_buf_init(&f->out);
        return f;
}

static void fx_free(fx_t *f) {
        kco_converter_destroy(f->cv);
        kco_arena_destroy(f->arena);
        kco_buf_free(&f->out);
        free(f);
}

/* Converts text (NULL: a Kafka null); 0 or -1. */
static int conv(fx_t *f, const char *text) {
        kco_err_clear(&f->err);
        return kco_converter_convert(f->cv, "t", text, text ? strlen(text) : 0, f->arena, &f->d, &f->err);
}

/* The converted value rendered by kco_json_write_value ("<NULL>" for KCO_DATA_NULL). */
static const char *render(fx_t *f) {
        f->out.len = 0;
        if (f->d.type == KCO_DATA_NULL)
                return "<NULL>";
        assert_int_equal(f->d.type, KCO_DATA_VALUE);
        kco_err_t err;
        if (kco_json_write_value(f->d.v, &f->out, &err))
                fail_msg("write: %s", err.msg);
        return kco_buf_cstr(&f->out);
}

static void expect_ok(fx_t *f, const char *in, const char *want) {
        if (conv(f, in))
                fail_msg("convert %s: %s", in, f->err.msg);
        const char *got = render(f);
        if (strcmp(got, want))
                fail_msg("convert %s\n  got  %s\n  want %s", in, got, want);
}

static void expect_err(fx_t *f, const char *in, const char *part) {
        if (!conv(f, in))
                fail_msg("convert %s: expected an error containing '%s', got %s", in, part, render(f));
        assert_int_equal(f->err.code, KCO_ERR_DATA);
        assert_int_equal(f->err.retriable, 0);
        if (!strstr(f->err.msg, part))
                fail_msg("convert %s\n  error '%s'\n  lacks '%s'", in, f->err.msg, part);
}

/* An envelope with the given schema text and payload text. */
static const char *env(char *buf, size_t n, const char *schema, const char *payload) {
        snprintf(buf, n, "{\"schema\":%s,\"payload\":%s}", schema, payload);
        return buf;
}

#define ENV(schema, payload) env(ebuf, sizeof(ebuf), schema, payload)

static void test_null_and_empty(void **state) {
        (void)state;
        fx_t *f = fx_new(1);
        assert_int_equal(conv(f, NULL), 0);
        assert_int_equal(f->d.type, KCO_DATA_NULL);
        expect_err(f, "", "requires \"schema\" and \"payload\"");
        expect_err(f, "   ", "set schemas.enable=false");
        fx_free(f);
        f = fx_new(0);
        expect_ok(f, "", "<NULL>");
        expect_ok(f, " \n", "<NULL>");
        expect_ok(f, "null", "<NULL>");
        fx_free(f);
}

static void test_primitives(void **state) {
        (void)state;
        char ebuf[512];
        fx_t *f = fx_new(1);
        expect_ok(f, ENV("{\"type\":\"int8\"}", "-128"), "-128");
        assert_int_equal(f->d.v->type, KCO_TYPE_INT8);
        assert_int_equal(f->d.v->schema->type, KCO_TYPE_INT8);
        expect_ok(f, ENV("{\"type\":\"int16\"}", "32767"), "32767");
        assert_int_equal(f->d.v->type, KCO_TYPE_INT16);
        expect_ok(f, ENV("{\"type\":\"int32\"}", "-2147483648"), "-2147483648");
        assert_int_equal(f->d.v->type, KCO_TYPE_INT32);
        expect_ok(f, ENV("{\"type\":\"int64\"}", "-9223372036854775808"), "-9223372036854775808");
        assert_true(f->d.v->u.i == INT64_MIN);
        expect_ok(f, ENV("{\"type\":\"int64\"}", "9223372036854775807"), "9223372036854775807");
        expect_ok(f, ENV("{\"type\":\"float\"}", "0.1"), "0.1");
        assert_int_equal(f->d.v->type, KCO_TYPE_FLOAT32);
        assert_true(f->d.v->u.d == (double)0.1f);
        expect_ok(f, ENV("{\"type\":\"float\"}", "3"), "3.0");
        expect_ok(f, ENV("{\"type\":\"double\"}", "0.1"), "0.1");
        assert_int_equal(f->d.v->type, KCO_TYPE_FLOAT64);
        expect_ok(f, ENV("{\"type\":\"double\"}", "-7"), "-7.0");
        expect_ok(f, ENV("{\"type\":\"double\"}", "1e-400"), "0.0");
        expect_ok(f, ENV("{\"type\":\"double\"}", "-0.0"), "-0.0");
        expect_ok(f, ENV("{\"type\":\"boolean\"}", "true"), "true");
        assert_int_equal(f->d.v->type, KCO_TYPE_BOOLEAN);
        expect_ok(f, ENV("{\"type\":\"boolean\"}", "false"), "false");
        expect_ok(f, ENV("{\"type\":\"string\"}", "\"h\\u00e9llo\""), "\"h\xc3\xa9llo\"");
        assert_int_equal(f->d.v->type, KCO_TYPE_STRING);
        assert_int_equal(f->d.v->u.s.len, 6);
        expect_ok(f, ENV("{\"type\":\"bytes\"}", "\"AQID\""), "\"AQID\"");
        assert_int_equal(f->d.v->type, KCO_TYPE_BYTES);
        assert_memory_equal(f->d.v->u.s.ptr, "\x01\x02\x03", 3);
        expect_ok(f, ENV("{\"type\":\"bytes\"}", "\"AQI=\""), "\"AQI=\"");
        assert_int_equal(f->d.v->u.s.len, 2);
        expect_ok(f, ENV("{\"type\":\"bytes\"}", "\"\""), "\"\"");
        assert_int_equal(f->d.v->u.s.len, 0);
        /* schema attributes */
        expect_ok(f,
                  ENV("{\"type\":\"int32\",\"optional\":true,\"name\":\"n\",\"version\":3,\"doc\":\"d\","
                      "\"parameters\":{\"a\":\"1\",\"b\":\"2\"}}",
                      "5"),
                  "5");
        const kco_schema_t *s = f->d.v->schema;
        assert_true(s->optional);
        assert_string_equal(s->name, "n");
        assert_true(s->has_version);
        assert_int_equal(s->version, 3);
        assert_string_equal(s->doc, "d");
        assert_int_equal(s->nparams, 2);
        assert_string_equal(kco_schema_param(s, "b"), "2");
        expect_ok(f, ENV("{\"type\":\"int32\",\"optional\":\"yes\"}", "5"), "5");
        assert_false(f->d.v->schema->optional); /* only JSON true makes a schema optional */
        fx_free(f);
}

static void test_type_errors(void **state) {
        (void)state;
        char ebuf[512];
        fx_t *f = fx_new(1);
        expect_err(f, ENV("{\"type\":\"int8\"}", "128"), "Value 128 is out of range for INT8 at payload");
        expect_err(f, ENV("{\"type\":\"int8\"}", "-129"), "out of range for INT8");
        expect_err(f, ENV("{\"type\":\"int16\"}", "32768"), "out of range for INT16");
        expect_err(f, ENV("{\"type\":\"int32\"}", "2147483648"), "out of range for INT32");
        expect_err(f, ENV("{\"type\":\"int64\"}", "9223372036854775808"), "out of range for INT64");
        expect_err(f, ENV("{\"type\":\"int64\"}", "-9223372036854775809"), "out of range for INT64");
        expect_err(f, ENV("{\"type\":\"int32\"}", "1.0"), "1.0 is not an integer");
        expect_err(f, ENV("{\"type\":\"int32\"}", "1e2"), "is not an integer");
        expect_err(f, ENV("{\"type\":\"int32\"}", "\"1\""),
                   "Invalid value for INT32: expected an integer, found STRING");
        expect_err(f, ENV("{\"type\":\"float\"}", "1e39"), "out of range for FLOAT32");
        expect_err(f, ENV("{\"type\":\"double\"}", "1e400"), "out of range for FLOAT64");
        expect_err(f, ENV("{\"type\":\"double\"}", "true"), "expected a number, found BOOLEAN");
        expect_err(f, ENV("{\"type\":\"boolean\"}", "1"), "expected a boolean, found NUMBER");
        expect_err(f, ENV("{\"type\":\"string\"}", "{}"), "expected a string, found OBJECT");
        expect_err(f, ENV("{\"type\":\"bytes\"}", "[1]"), "expected a base64 string, found ARRAY");
        expect_err(f, ENV("{\"type\":\"bytes\"}", "\"AQI\""), "not a multiple of 4");
        expect_err(f, ENV("{\"type\":\"bytes\"}", "\"A===\""), "Invalid base64");
        expect_err(f, ENV("{\"type\":\"bytes\"}", "\"====\""), "Invalid base64");
        expect_err(f, ENV("{\"type\":\"bytes\"}", "\"AQ=D\""), "Invalid base64");
        expect_err(f, ENV("{\"type\":\"bytes\"}", "\"AQ D\""), "Invalid base64");
        expect_err(f, ENV("{\"type\":\"array\",\"items\":{\"type\":\"int8\"}}", "{}"),
                   "expected an array, found OBJECT");
        expect_err(f, ENV("{\"type\":\"struct\",\"fields\":[]}", "[]"),
                   "Structs should be encoded as JSON objects, but found ARRAY at payload");
        expect_err(f, ENV("{\"type\":\"int32\"}", "null"), "Invalid null value for required INT32 field at payload");
        fx_free(f);
}

static void test_decimal(void **state) {
        (void)state;
        char ebuf[512];
        const char *d2 = "{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,"
                         "\"parameters\":{\"scale\":\"2\"}}";
        const char *d0 = "{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\","
                         "\"parameters\":{\"scale\":\"0\"}}";
        const char *dm2 = "{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\","
                          "\"parameters\":{\"scale\":\"-2\"}}";
        fx_t *f = fx_new(1);
        /* BASE64 (Connect's default decimal.format) */
        expect_ok(f, ENV(d2, "\"AQ==\""), "\"AQ==\"");
        assert_int_equal(f->d.v->schema->logical, KCO_LOGICAL_DECIMAL);
        assert_int_equal(f->d.v->schema->scale, 2);
        expect_ok(f, ENV(d2, "\"/w==\""), "\"/w==\"");
        expect_ok(f, ENV(d2, "\"AAE=\""), "\"AQ==\"");  /* minimal two's complement, as BigInteger writes it */
        expect_ok(f, ENV(d2, "\"//8=\""), "\"/w==\"");  /* -1 */
        expect_ok(f, ENV(d2, "\"AIA=\""), "\"AIA=\""); /* 128 keeps its sign byte */
        expect_err(f, ENV(d2, "\"\""), "Invalid bytes for Decimal field");
        expect_err(f, ENV(d2, "true"), "underlying representation should be numeric or bytes but was BOOLEAN");
        /* NUMERIC */
        expect_ok(f, ENV(d2, "1.5"), "\"AJY=\"");   /* 150 */
        expect_ok(f, ENV(d2, "1.50"), "\"AJY=\"");
        expect_ok(f, ENV(d2, "-1.5"), "\"/2o=\"");  /* -150 */
        expect_ok(f, ENV(d2, "0.01"), "\"AQ==\"");
        expect_ok(f, ENV(d2, "-0.01"), "\"/w==\"");
        expect_ok(f, ENV(d2, "0"), "\"AA==\"");
        expect_ok(f, ENV(d2, "-0.000"), "\"AA==\"");
        expect_ok(f, ENV(d2, "0e999999999999"), "\"AA==\"");
        expect_ok(f, ENV(d2, "12345678901234567.89"), "\"ESIQ9H3pgRU=\"");
        expect_ok(f, ENV(d2, "1.5e-1"), "\"Dw==\""); /* 0.15 */
        expect_ok(f, ENV(d2, "1999e-2"), "\"B88=\"");
        expect_ok(f, ENV(d2, "123.45"), "\"MDk=\"");
        expect_err(f, ENV(d2, "1.234"), "Decimal 1.234 has more digits after the point than the schema's scale 2");
        expect_err(f, ENV(d2, "1e-999999999999"), "more digits after the point");
        expect_err(f, ENV(d2, "1e999999999999"), "more than 1000 digits");
        expect_ok(f, ENV(d0, "100"), "\"ZA==\"");
        expect_ok(f, ENV(d0, "1e2"), "\"ZA==\"");
        expect_ok(f, ENV(d0, "128"), "\"AIA=\"");
        expect_ok(f, ENV(d0, "-128"), "\"gA==\"");
        expect_ok(f, ENV(d0, "-129"), "\"/38=\"");
        expect_ok(f, ENV(d0, "123456789012345678901234567890"), "\"AY7pD/bDc+DuTj8K0g==\"");
        expect_ok(f, ENV(d0, "-123456789012345678901234567890"), "\"/nEW8Ak8jB8RscD1Lg==\"");
        expect_ok(f, ENV(d0, "1E+30"), "\"DJ8snNBGdO3qQAAAAA==\"");
        expect_ok(f, ENV(dm2, "1200"), "\"DA==\"");
        expect_err(f, ENV(dm2, "1250"), "more digits after the point than the schema's scale -2");
        /* schema errors */
        expect_err(f, ENV("{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\"}", "\"AQ==\""),
                   "Invalid schema: org.apache.kafka.connect.data.Decimal needs an integer parameter \"scale\"");
        expect_err(f, ENV("{\"type\":\"string\",\"name\":\"org.apache.kafka.connect.data.Decimal\"}", "\"AQ==\""),
                   "Invalid schema");
        fx_free(f);
}

static void test_date_time_timestamp(void **state) {
        (void)state;
        char ebuf[512];
        const char *date = "{\"type\":\"int32\",\"name\":\"org.apache.kafka.connect.data.Date\",\"version\":1}";
        const char *time = "{\"type\":\"int32\",\"name\":\"org.apache.kafka.connect.data.Time\",\"version\":1}";
        const char *ts = "{\"type\":\"int64\",\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1}";
        fx_t *f = fx_new(1);
        expect_ok(f, ENV(date, "19000"), "19000");
        assert_int_equal(f->d.v->type, KCO_TYPE_INT32);
        assert_int_equal(f->d.v->schema->logical, KCO_LOGICAL_DATE);
        expect_ok(f, ENV(date, "-1"), "-1");
        expect_err(f, ENV(date, "1.5"), "is not an integer");
        expect_err(f, ENV(date, "\"2020-01-01\""), "expected an integer, found STRING");
        expect_err(f, ENV(date, "3000000000"), "out of range for INT32");
        expect_ok(f, ENV(time, "86400000"), "86400000");
        assert_int_equal(f->d.v->schema->logical, KCO_LOGICAL_TIME);
        expect_ok(f, ENV(time, "0"), "0");
        expect_err(f, ENV(time, "86400001"), "Time values must use number of milliseconds");
        expect_err(f, ENV(time, "-1"), "Time values must use number of milliseconds");
        expect_ok(f, ENV(ts, "1700000000123"), "1700000000123");
        assert_int_equal(f->d.v->type, KCO_TYPE_INT64);
        assert_int_equal(f->d.v->schema->logical, KCO_LOGICAL_TIMESTAMP);
        expect_ok(f, ENV(ts, "-5"), "-5");
        expect_err(f, ENV(ts, "1.0"), "is not an integer");
        expect_err(f, ENV(ts, "99999999999999999999"), "out of range for INT64");
        fx_free(f);
}

static const char *kStruct = "{\"type\":\"struct\",\"name\":\"com.example.R\",\"fields\":["
                             "{\"field\":\"a\",\"type\":\"int32\"},"
                             "{\"field\":\"b\",\"type\":\"string\",\"optional\":true},"
                             "{\"field\":\"c\",\"type\":\"int32\",\"optional\":true,\"default\":7},"
                             "{\"field\":\"d\",\"type\":\"string\",\"default\":\"x\\n\"},"
                             "{\"field\":\"e\",\"type\":\"bytes\",\"optional\":true,\"default\":\"AQ==\"}]}";

static void test_struct_optional_default(void **state) {
        (void)state;
        char ebuf[1024];
        fx_t *f = fx_new(1);
        expect_ok(f, ENV(kStruct, "{\"a\":1}"), "{\"a\":1,\"b\":null,\"c\":7,\"d\":\"x\\n\",\"e\":\"AQ==\"}");
        const kco_value_t *v = f->d.v;
        assert_int_equal(v->type, KCO_TYPE_STRUCT);
        assert_int_equal(v->u.c.n, 5);
        assert_int_equal(v->u.c.items[1].type, KCO_TYPE_NULL);
        assert_int_equal(v->u.c.items[2].type, KCO_TYPE_INT32);
        assert_int_equal(v->u.c.items[2].u.i, 7);
        assert_ptr_equal(v->u.c.items[2].schema, v->schema->fields[2].schema);
        assert_non_null(v->schema->fields[2].schema->default_value);
        expect_ok(f, ENV(kStruct, "{\"a\":1,\"b\":\"q\",\"c\":null,\"d\":\"y\",\"e\":\"\",\"extra\":[1,2]}"),
                  "{\"a\":1,\"b\":\"q\",\"c\":7,\"d\":\"y\",\"e\":\"\"}");
        expect_err(f, ENV(kStruct, "{\"b\":\"q\"}"), "Invalid null value for required INT32 field at payload.a");
        expect_err(f, ENV(kStruct, "{\"a\":null}"), "Invalid null value for required INT32 field at payload.a");
        expect_err(f, ENV(kStruct, "null"), "Invalid null value for required STRUCT field at payload");
        expect_err(f, ENV(kStruct, "{\"a\":1,\"b\":2}"), "expected a string, found NUMBER at payload.b");
        /* an optional struct: null payload is a null value with the schema */
        expect_ok(f, ENV("{\"type\":\"struct\",\"optional\":true,\"fields\":[]}", "null"), "null");
        assert_int_equal(f->d.type, KCO_DATA_VALUE);
        assert_int_equal(f->d.v->type, KCO_TYPE_NULL);
        assert_non_null(f->d.v->schema);
        expect_ok(f, ENV("{\"type\":\"struct\",\"fields\":[]}", "{\"x\":1}"), "{}");
        fx_free(f);
}

static void test_defaults(void **state) {
        (void)state;
        char ebuf[2048];
        fx_t *f = fx_new(1);
        const char *s =
                "{\"type\":\"struct\",\"fields\":["
                "{\"field\":\"p\",\"type\":\"struct\",\"optional\":true,\"fields\":["
                "{\"field\":\"x\",\"type\":\"int64\"},{\"field\":\"y\",\"type\":\"string\",\"default\":\"why\"}],"
                "\"default\":{\"x\":5}},"
                "{\"field\":\"l\",\"type\":\"array\",\"items\":{\"type\":\"double\"},\"default\":[1,2.5]},"
                "{\"field\":\"m\",\"type\":\"map\",\"keys\":{\"type\":\"int8\"},\"values\":{\"type\":\"string\"},"
                "\"default\":[[1,\"one\"]]},"
                "{\"field\":\"n\",\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\","
                "\"parameters\":{\"scale\":\"1\"},\"default\":2.5},"
                "{\"field\":\"o\",\"type\":\"string\",\"optional\":true,\"default\":null}]}";
        expect_ok(f, ENV(s, "{}"),
                  "{\"p\":{\"x\":5,\"y\":\"why\"},\"l\":[1.0,2.5],\"m\":[[1,\"one\"]],\"n\":\"GQ==\",\"o\":null}");
        expect_ok(f, ENV(s, "{\"p\":{\"x\":6},\"l\":[],\"m\":[],\"n\":\"Dw==\",\"o\":\"z\"}"),
                  "{\"p\":{\"x\":6,\"y\":\"why\"},\"l\":[],\"m\":[],\"n\":\"Dw==\",\"o\":\"z\"}");
        /* the same schema again comes from the cache, defaults included */
        expect_ok(f, ENV(s, "{}"),
                  "{\"p\":{\"x\":5,\"y\":\"why\"},\"l\":[1.0,2.5],\"m\":[[1,\"one\"]],\"n\":\"GQ==\",\"o\":null}");
        expect_err(f,
                   ENV("{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int8\",\"default\":300}]}",
                       "{}"),
                   "Value 300 is out of range for INT8 at schema.fields[0].default");
        expect_err(f, ENV("{\"type\":\"int8\",\"default\":null}", "1"),
                   "Invalid null value for required INT8 field at schema.default");
        expect_err(f,
                   ENV("{\"type\":\"struct\",\"default\":{},\"fields\":[{\"field\":\"a\",\"type\":\"int8\"}]}", "{}"),
                   "Invalid null value for required INT8 field at schema.default.a");
        fx_free(f);
}

static void test_nested(void **state) {
        (void)state;
        char ebuf[2048];
        fx_t *f = fx_new(1);
        const char *s = "{\"type\":\"struct\",\"fields\":["
                        "{\"field\":\"id\",\"type\":\"int64\"},"
                        "{\"field\":\"items\",\"type\":\"array\",\"items\":{\"type\":\"struct\",\"fields\":["
                        "{\"field\":\"id\",\"type\":\"int32\"},{\"field\":\"name\",\"type\":\"string\"}]}},"
                        "{\"field\":\"inner\",\"type\":\"struct\",\"fields\":[{\"field\":\"x\",\"type\":\"double\"},"
                        "{\"field\":\"deep\",\"type\":\"array\",\"items\":{\"type\":\"array\",\"items\":"
                        "{\"type\":\"boolean\"}}}]}]}";
        expect_ok(f,
                  ENV(s, "{\"inner\":{\"deep\":[[true],[],[false,true]],\"x\":2.5},\"id\":9,"
                         "\"items\":[{\"name\":\"a\",\"id\":1},{\"id\":2,\"name\":\"b\"}]}"),
                  "{\"id\":9,\"items\":[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"}],\"inner\":{\"x\":2.5,"
                  "\"deep\":[[true],[],[false,true]]}}");
        const kco_value_t *items = &f->d.v->u.c.items[1];
        assert_int_equal(items->type, KCO_TYPE_ARRAY);
        assert_int_equal(items->u.c.n, 2);
        assert_ptr_equal(items->u.c.items[1].schema, f->d.v->schema->fields[1].schema->value);
        expect_err(f,
                   ENV(s, "{\"id\":9,\"items\":[{\"id\":1,\"name\":\"a\"},{\"id\":\"2\",\"name\":\"b\"}],"
                          "\"inner\":{\"x\":1,\"deep\":[]}}"),
                   "expected an integer, found STRING at payload.items[1].id");
        expect_err(f, ENV(s, "{\"id\":9,\"items\":[],\"inner\":{\"x\":1,\"deep\":[[true,1]]}}"),
                   "expected a boolean, found NUMBER at payload.inner.deep[0][1]");
        expect_err(f, ENV(s, "{\"id\":9,\"items\":[{\"id\":1}],\"inner\":{\"x\":1,\"deep\":[]}}"),
                   "Invalid null value for required STRING field at payload.items[0].name");
        fx_free(f);
}

static void test_maps(void **state) {
        (void)state;
        char ebuf[1024];
        fx_t *f = fx_new(1);
        const char *ms = "{\"type\":\"map\",\"keys\":{\"type\":\"string\"},\"values\":{\"type\":\"int32\"}}";
        const char *mi = "{\"type\":\"map\",\"keys\":{\"type\":\"int32\"},\"values\":{\"type\":\"string\","
                         "\"optional\":true}}";
        const char *mst = "{\"type\":\"map\",\"keys\":{\"type\":\"struct\",\"fields\":[{\"field\":\"k\",\"type\":"
                          "\"int8\"}]},\"values\":{\"type\":\"boolean\"}}";
        expect_ok(f, ENV(ms, "{\"b\":2,\"a\":1,\"b\":3}"), "{\"b\":3,\"a\":1}");
        assert_int_equal(f->d.v->type, KCO_TYPE_MAP);
        assert_int_equal(f->d.v->u.c.n, 2);
        assert_int_equal(f->d.v->u.c.items[0].type, KCO_TYPE_STRING);
        expect_ok(f, ENV(ms, "{}"), "{}");
        expect_ok(f, ENV(mi, "[[1,\"a\"],[-2,null]]"), "[[1,\"a\"],[-2,null]]");
        assert_int_equal(f->d.v->u.c.items[2].type, KCO_TYPE_INT32);
        assert_int_equal(f->d.v->u.c.items[2].u.i, -2);
        expect_ok(f, ENV(mst, "[[{\"k\":1},true]]"), "[[{\"k\":1},true]]");
        expect_err(f, ENV(ms, "[]"), "Maps with string fields should be encoded as JSON objects, but found ARRAY");
        expect_err(f, ENV(mi, "{}"),
                   "Maps with non-string fields should be encoded as JSON array of tuples, but found OBJECT");
        expect_err(f, ENV(mi, "[[1,\"a\"],3]"), "Found invalid map entry instead of array tuple: NUMBER at payload[1]");
        expect_err(f, ENV(mi, "[[1,\"a\",2]]"), "expected length 2 but found 3 at payload[0]");
        expect_err(f, ENV(mi, "[[\"1\",\"a\"]]"), "expected an integer, found STRING at payload[0][0]");
        expect_err(f, ENV(mi, "[[1,2]]"), "expected a string, found NUMBER at payload[0][1]");
        expect_err(f, ENV(ms, "{\"a\":1,\"zz\":\"x\"}"), "found STRING at payload.zz");
        fx_free(f);
}

static void test_envelope_and_schema_errors(void **state) {
        (void)state;
        char ebuf[1024];
        fx_t *f = fx_new(1);
        const char *want = "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not "
                           "contain additional fields. If you are trying to deserialize plain JSON data, set "
                           "schemas.enable=false in your converter configuration.";
        expect_err(f, "{\"schema\":null,\"payload\":1,\"x\":2}", want);
        expect_err(f, "{\"schema\":null}", want);
        expect_err(f, "{\"payload\":1}", want);
        expect_err(f, "[1,2]", want);
        expect_err(f, "{\"a\":1,\"b\":2}", want);
        expect_err(f, "\"text\"", want);
        expect_ok(f, "{\"payload\":{\"a\":[1,\"x\"]},\"schema\":null}", "{\"a\":[1,\"x\"]}");
        assert_null(f->d.v->schema);
        expect_ok(f, "{\"schema\":null,\"payload\":null}", "<NULL>");
        expect_ok(f, "{\"schema\":null,\"payload\":1,\"payload\":2}", "2"); /* the last of duplicates wins */
        expect_err(f, "{\"schema\":null,\"payload\":1", "invalid JSON at byte 26");
        expect_err(f, "{\"schema\":null,\"payload\":1} x", "unexpected data after the JSON value");
        expect_err(f, ENV("5", "1"), "Schema must contain 'type' field at schema");
        expect_err(f, ENV("{}", "1"), "Schema must contain 'type' field");
        expect_err(f, ENV("{\"type\":7}", "1"), "Schema must contain 'type' field");
        expect_err(f, ENV("{\"type\":\"int128\"}", "1"), "Unknown schema type: int128");
        expect_err(f, ENV("{\"type\":\"array\"}", "[]"), "Array schema did not specify the element type");
        expect_err(f, ENV("{\"type\":\"array\",\"items\":null}", "[]"),
                   "Array schema did not specify the element type");
        expect_err(f, ENV("{\"type\":\"map\",\"values\":{\"type\":\"int8\"}}", "{}"),
                   "Map schema did not specify the key type");
        expect_err(f, ENV("{\"type\":\"map\",\"keys\":{\"type\":\"int8\"}}", "{}"),
                   "Map schema did not specify the value type");
        expect_err(f, ENV("{\"type\":\"map\",\"keys\":{\"type\":\"int8\"},\"values\":{\"type\":\"x\"}}", "{}"),
                   "Unknown schema type: x at schema.values");
        expect_err(f, ENV("{\"type\":\"struct\"}", "{}"), "Struct schema's \"fields\" argument is not an array.");
        expect_err(f, ENV("{\"type\":\"struct\",\"fields\":[{\"type\":\"int8\"}]}", "{}"),
                   "Struct schema's field name not specified properly at schema.fields[0]");
        expect_err(f, ENV("{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int8\"},{\"field\":\"a\","
                          "\"type\":\"int8\"}]}",
                          "{}"),
                   "field name duplication a");
        expect_err(f, ENV("{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int8\"},{\"field\":\"b\","
                          "\"type\":\"struct\",\"fields\":[{\"field\":\"c\",\"type\":\"nope\"}]}]}",
                          "{}"),
                   "Unknown schema type: nope at schema.fields[1].fields[0]");
        expect_err(f, ENV("{\"type\":\"int8\",\"parameters\":{\"a\":1}}", "1"),
                   "Schema parameters must have string values.");
        expect_err(f, ENV("{\"type\":\"int8\",\"name\":\"a\\u0000b\"}", "1"), "may not contain NUL");
        expect_err(f, ENV("{\"type\":\"int8\",\"version\":4294967296}", "1"),
                   "Schema version 4294967296 is out of range");
        fx_free(f);
}

static void test_schemaless(void **state) {
        (void)state;
        fx_t *f = fx_new(0);
        expect_ok(f, " {\"a\" : 1, \"b\":[true,null,\"x\",1.5,-0, 1E3],\"c\":{\"d\":-2}} ",
                  "{\"a\":1,\"b\":[true,null,\"x\",1.5,0,1000.0],\"c\":{\"d\":-2}}");
        const kco_value_t *v = f->d.v;
        assert_null(v->schema);
        assert_int_equal(v->type, KCO_TYPE_MAP);
        assert_int_equal(v->u.c.items[1].type, KCO_TYPE_INT64);
        const kco_value_t *b = &v->u.c.items[3];
        assert_int_equal(b->type, KCO_TYPE_ARRAY);
        assert_int_equal(b->u.c.items[0].type, KCO_TYPE_BOOLEAN);
        assert_int_equal(b->u.c.items[1].type, KCO_TYPE_NULL);
        assert_int_equal(b->u.c.items[2].type, KCO_TYPE_STRING);
        assert_int_equal(b->u.c.items[3].type, KCO_TYPE_FLOAT64);
        assert_int_equal(b->u.c.items[5].type, KCO_TYPE_FLOAT64);
        expect_ok(f, "12345678901234567890", "1.2345678901234567E19");
        assert_int_equal(f->d.v->type, KCO_TYPE_FLOAT64);
        expect_ok(f, "-9223372036854775808", "-9223372036854775808");
        assert_int_equal(f->d.v->type, KCO_TYPE_INT64);
        expect_ok(f, "\"abc\"", "\"abc\"");
        expect_ok(f, "\xef\xbb\xbf[]", "[]");
        expect_ok(f, "false", "false");
        expect_ok(f, "[[],{}]", "[[],{}]");
        expect_err(f, "[1e400]", "Number 1e400 is out of range for FLOAT64 at $[0]");
        expect_err(f, "{\"a\":{\"b c\":[0,1e999]}}", "at $.a.b c[1]");
        expect_err(f, "{\"a\":1,}", "invalid JSON at byte 7");
        expect_err(f, "01", "unexpected data after the JSON value");
        expect_err(f, "[1.]", "invalid number");
        expect_err(f, "[-]", "invalid number");
        expect_err(f, "tru", "invalid literal");
        expect_err(f, "NaN", "unexpected character");
        expect_err(f, "{'a':1}", "expected a string key");
        expect_err(f, "{\"a\" 1}", "expected ':'");
        expect_err(f, "[1 2]", "expected ',' or ']'");
        /* the key converter reads key.converter.schemas.enable */
        kco_conf_t conf;
        memset(&conf, 0, sizeof(conf));
        conf.key_schemas_enable = 1;
        kco_err_t err;
        kco_converter_t *k = kco_converter_json_new(1, &conf, &err);
        kco_data_t d;
        assert_int_equal(kco_converter_convert(k, "t", "1", 1, f->arena, &d, &err), -1);
        assert_non_null(strstr(err.msg, "requires \"schema\""));
        assert_string_equal(k->ops->name, "JsonConverter");
        kco_converter_destroy(k);
        fx_free(f);
}

static void test_strings_and_escapes(void **state) {
        (void)state;
        fx_t *f = fx_new(0);
        expect_ok(f, "\"\\u00e9\\ud83d\\ude00\\n\\t\\r\\b\\f\\\"\\\\\\/\"",
                  "\"\xc3\xa9\xf0\x9f\x98\x80\\n\\t\\r\\u0008\\u000c\\\"\\\\/\"");
        expect_ok(f, "\"a\\u0000b\"", "\"a\\u0000b\"");
        assert_int_equal(f->d.v->u.s.len, 3);
        expect_ok(f, "\"\\ud800x\"", "\"\xef\xbf\xbdx\"");         /* unpaired high surrogate */
        expect_ok(f, "\"\\udc00\"", "\"\xef\xbf\xbd\"");           /* unpaired low surrogate */
        expect_ok(f, "\"\\ud800\\u0041\"", "\"\xef\xbf\xbd" "A\""); /* high followed by no low */
        expect_ok(f, "\"\xe2\x82\xac\\u0001\"", "\"\xe2\x82\xac\\u0001\"");
        expect_err(f, "\"\x01\"", "control character in string");
        expect_err(f, "\"\xff\"", "invalid UTF-8 in string");
        expect_err(f, "\"\xc0\xaf\"", "invalid UTF-8 in string"); /* overlong */
        expect_err(f, "\"\xed\xa0\x80\"", "invalid UTF-8 in string"); /* encoded surrogate */
        expect_err(f, "\"\\x\"", "invalid escape");
        expect_err(f, "\"\\u12g4\"", "invalid escape");
        expect_err(f, "\"abc", "unterminated string");
        /* keys with escapes, and strings without escapes point into the message */
        const char *msg = "{\"k\\u0041\":\"plain\"}";
        assert_int_equal(conv(f, msg), 0);
        const kco_value_t *v = f->d.v;
        assert_int_equal(v->u.c.items[0].u.s.len, 2);
        assert_memory_equal(v->u.c.items[0].u.s.ptr, "kA", 2);
        assert_ptr_equal(v->u.c.items[1].u.s.ptr, msg + 12);
        /* the writer: invalid UTF-8 in a value becomes U+FFFD */
        kco_value_t s = {.type = KCO_TYPE_STRING};
        s.u.s.ptr = "a\xff\x80z\x1f";
        s.u.s.len = 5;
        kco_buf_t out;
        kco_buf_init(&out);
        kco_err_t err;
        assert_int_equal(kco_json_write_value(&s, &out, &err), 0);
        assert_string_equal(kco_buf_cstr(&out), "\"a\xef\xbf\xbd\xef\xbf\xbdz\\u001f\"");
        kco_buf_free(&out);
        fx_free(f);
}

static void test_large_objects(void **state) {
        (void)state;
        /* more than 16 members: hashed lookup, duplicates included */
        char schema[4096], payload[2048], msg[8192];
        int o = snprintf(schema, sizeof(schema), "{\"type\":\"struct\",\"fields\":[");
        int q = snprintf(payload, sizeof(payload), "{");
        for (int i = 0; i < 40; i++) {
                o += snprintf(schema + o, sizeof(schema) - (size_t)o, "%s{\"field\":\"f%d\",\"type\":\"int32\"}",
                              i ? "," : "", i);
                q += snprintf(payload + q, sizeof(payload) - (size_t)q, "\"f%d\":%d,", 39 - i, 39 - i);
        }
        snprintf(schema + o, sizeof(schema) - (size_t)o, "]}");
        snprintf(payload + q, sizeof(payload) - (size_t)q, "\"f3\":333,\"zz\":0}");
        fx_t *f = fx_new(1);
        snprintf(msg, sizeof(msg), "{\"schema\":%s,\"payload\":%s}", schema, payload);
        assert_int_equal(conv(f, msg), 0);
        const kco_value_t *v = f->d.v;
        assert_int_equal(v->u.c.n, 40);
        for (int i = 0; i < 40; i++)
                assert_int_equal(v->u.c.items[i].u.i, i == 3 ? 333 : i);
        fx_free(f);
        f = fx_new(0);
        assert_int_equal(conv(f, payload), 0);
        assert_int_equal(f->d.v->u.c.n, 41);
        assert_memory_equal(f->d.v->u.c.items[2 * 36].u.s.ptr, "f3", 2);
        assert_int_equal(f->d.v->u.c.items[2 * 36 + 1].u.i, 333);
        fx_free(f);
}

static void test_depth(void **state) {
        (void)state;
        char buf[1024];
        fx_t *f = fx_new(0);
        for (int depth = 63; depth <= 66; depth++) {
                memset(buf, '[', (size_t)depth);
                memset(buf + depth, ']', (size_t)depth);
                buf[2 * depth] = '\0';
                if (depth <= 64)
                        assert_int_equal(conv(f, buf), 0);
                else
                        expect_err(f, buf, "Value nested deeper than 64 levels");
        }
        memset(buf, '[', 200);
        memset(buf + 200, ']', 200);
        buf[400] = '\0';
        expect_err(f, buf, "nested too deeply");
        fx_free(f);
        /* schemas nest 64 deep at most */
        f = fx_new(1);
        char s[8192];
        int o = 0;
        for (int i = 0; i < 65; i++)
                o += snprintf(s + o, sizeof(s) - (size_t)o, "{\"type\":\"array\",\"items\":");
        o += snprintf(s + o, sizeof(s) - (size_t)o, "{\"type\":\"int8\"}");
        for (int i = 0; i < 65; i++)
                s[o++] = '}';
        s[o] = '\0';
        char *m = kco_asprintf("{\"schema\":%s,\"payload\":[]}", s);
        expect_err(f, m, "Schema nested deeper than 64 levels");
        free(m);
        fx_free(f);
}

static void test_schema_cache(void **state) {
        (void)state;
        char ebuf[512];
        fx_t *f = fx_new(1);
        const char *s1 = "{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int8\"}]}";
        const char *s1b = "{ \"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int8\"}]}";
        assert_int_equal(conv(f, ENV(s1, "{\"a\":1}")), 0);
        const kco_value_t *v1 = f->d.v;
        const kco_schema_t *first = v1->schema;
        assert_int_equal(conv(f, ENV(s1, "{\"a\":2}")), 0);
        assert_ptr_equal(f->d.v->schema, first);
        assert_int_equal(conv(f, ENV(s1b, "{\"a\":2}")), 0);
        assert_ptr_not_equal(f->d.v->schema, first);
        assert_true(kco_schema_equal(f->d.v->schema, first));
        /* 1500 other schemas: the first stays alive (a value converted before can still be read) */
        char s[128];
        for (int i = 0; i < 1500; i++) {
                snprintf(s, sizeof(s), "{\"type\":\"int32\",\"name\":\"n%d\"}", i);
                assert_int_equal(conv(f, ENV(s, "1")), 0);
                char name[16];
                snprintf(name, sizeof(name), "n%d", i);
                assert_string_equal(f->d.v->schema->name, name);
        }
        assert_int_equal(v1->schema->type, KCO_TYPE_STRUCT);
        assert_string_equal(v1->schema->fields[0].name, "a");
        /* and used again, it is found (promoted from the older generation) */
        assert_int_equal(conv(f, ENV(s1, "{\"a\":3}")), 0);
        assert_ptr_equal(f->d.v->schema, first);
        for (int i = 0; i < 3000; i++) {
                snprintf(s, sizeof(s), "{\"type\":\"int32\",\"name\":\"m%d\"}", i);
                assert_int_equal(conv(f, ENV(s, "1")), 0);
        }
        assert_int_equal(conv(f, ENV(s1, "{\"a\":4}")), 0);
        expect_ok(f, ENV(s1, "{\"a\":4}"), "{\"a\":4}");
        fx_free(f);
}

/* Values built by hand through the writer: numbers as Java prints them, maps, errors. */
static const char *wr(kco_buf_t *b, const kco_value_t *v) {
        b->len = 0;
        kco_err_t err;
        if (kco_json_write_value(v, b, &err))
                return NULL;
        return kco_buf_cstr(b);
}

static void test_write_numbers(void **state) {
        (void)state;
        static const struct {
                double d;
                const char *want;
        } doubles[] = {
                {1.0, "1.0"},          {100.0, "100.0"},         {1234567.0, "1234567.0"},
                {12345678.0, "1.2345678E7"}, {1e7, "1.0E7"},       {0.001, "0.001"},
                {0.0001, "1.0E-4"},    {0.1 + 0.2, "0.30000000000000004"}, {1e21, "1.0E21"},
                {1e23, "1.0E23"},      {5e-324, "4.9E-324"},     {1.7976931348623157e308, "1.7976931348623157E308"},
                {-2.5, "-2.5"},        {0.0, "0.0"},             {-0.0, "-0.0"},
                {123.456, "123.456"},  {2e-3, "0.002"},          {9999999.0, "9999999.0"},
        };
        kco_buf_t b;
        kco_buf_init(&b);
        kco_value_t v = {.type = KCO_TYPE_FLOAT64};
        for (size_t i = 0; i < sizeof(doubles) / sizeof(doubles[0]); i++) {
                v.u.d = doubles[i].d;
                const char *got = wr(&b, &v);
                if (strcmp(got, doubles[i].want))
                        fail_msg("double %.17g: got %s want %s", doubles[i].d, got, doubles[i].want);
        }
        v.u.d = NAN;
        assert_string_equal(wr(&b, &v), "\"NaN\"");
        v.u.d = INFINITY;
        assert_string_equal(wr(&b, &v), "\"Infinity\"");
        v.u.d = -INFINITY;
        assert_string_equal(wr(&b, &v), "\"-Infinity\"");
        static const struct {
                float f;
                const char *want;
        } floats[] = {
                {0.1f, "0.1"}, {3.4028235e38f, "3.4028235E38"}, {16777217.0f, "1.6777216E7"}, {1.0f / 3, "0.33333334"},
                {1e-10f, "1.0E-10"}, {1.4e-45f, "1.4E-45"}, {100.0f, "100.0"},
        };
        v.type = KCO_TYPE_FLOAT32;
        for (size_t i = 0; i < sizeof(floats) / sizeof(floats[0]); i++) {
                v.u.d = floats[i].f;
                const char *got = wr(&b, &v);
                if (strcmp(got, floats[i].want))
                        fail_msg("float %.9g: got %s want %s", (double)floats[i].f, got, floats[i].want);
        }
        v.type = KCO_TYPE_INT64;
        v.u.i = INT64_MIN;
        assert_string_equal(wr(&b, &v), "-9223372036854775808");
        v.type = KCO_TYPE_BOOLEAN;
        v.u.i = 1;
        assert_string_equal(wr(&b, &v), "true");
        kco_buf_free(&b);
}

static void test_write_values(void **state) {
        (void)state;
        kco_buf_t b;
        kco_buf_init(&b);
        /* schemaless map with a non-string key: array of pairs */
        kco_value_t items[4];
        memset(items, 0, sizeof(items));
        items[0].type = KCO_TYPE_STRING;
        items[0].u.s.ptr = "k";
        items[0].u.s.len = 1;
        items[1].type = KCO_TYPE_INT32;
        items[1].u.i = 1;
        items[2].type = KCO_TYPE_INT64;
        items[2].u.i = 2;
        items[3].type = KCO_TYPE_NULL;
        kco_value_t m = {.type = KCO_TYPE_MAP};
        m.u.c.items = items;
        m.u.c.n = 2;
        assert_string_equal(wr(&b, &m), "[[\"k\",1],[2,null]]");
        m.u.c.n = 1;
        assert_string_equal(wr(&b, &m), "{\"k\":1}");
        /* a map whose key schema is STRING with a non-string key: the key's text */
        kco_schema_t *ms = kco_schema_new(KCO_TYPE_MAP);
        ms->key = kco_schema_node(ms, KCO_TYPE_STRING);
        ms->value = kco_schema_node(ms, KCO_TYPE_INT32);
        m.schema = ms;
        m.u.c.items = items + 2;
        assert_string_equal(wr(&b, &m), "{\"2\":null}");
        kco_schema_unref(ms);
        /* a struct without a schema is an error and leaves the buffer as it was */
        kco_value_t st = {.type = KCO_TYPE_STRUCT};
        st.u.c.items = items;
        st.u.c.n = 1;
        kco_buf_puts(&b, "keep");
        kco_err_t err;
        size_t len = b.len;
        assert_int_equal(kco_json_write_value(&st, &b, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_int_equal(b.len, len);
        /* a null with a default writes the default */
        kco_schema_t *ds = kco_schema_new(KCO_TYPE_INT32);
        kco_value_t *dv = kco_arena_calloc(ds->arena, 1, sizeof(*dv));
        dv->type = KCO_TYPE_INT32;
        dv->u.i = 42;
        ds->default_value = dv;
        kco_value_t nv = {.type = KCO_TYPE_NULL, .schema = ds};
        assert_string_equal(wr(&b, &nv), "42");
        kco_schema_unref(ds);
        kco_buf_free(&b);
}

/* value -> JSON text -> schemaless value -> JSON text: the same text. */
static void test_round_trip(void **state) {
        (void)state;
        char ebuf[2048];
        fx_t *f = fx_new(1), *g = fx_new(0);
        const char *s = "{\"type\":\"struct\",\"fields\":["
                        "{\"field\":\"i\",\"type\":\"int16\"},{\"field\":\"f\",\"type\":\"float\"},"
                        "{\"field\":\"d\",\"type\":\"double\"},{\"field\":\"s\",\"type\":\"string\"},"
                        "{\"field\":\"b\",\"type\":\"bytes\"},"
                        "{\"field\":\"m\",\"type\":\"map\",\"keys\":{\"type\":\"string\"},\"values\":{\"type\":"
                        "\"array\",\"items\":{\"type\":\"int64\"}}},"
                        "{\"field\":\"t\",\"type\":\"int64\",\"name\":\"org.apache.kafka.connect.data.Timestamp\"}]}";
        const char *payloads[] = {
                "{\"i\":-3,\"f\":1.25,\"d\":6.02214076e23,\"s\":\"\\u2028 \\\"q\\\"\",\"b\":\"AAEC\",\"m\":{\"x\":[1,"
                "-2]},\"t\":1700000000000}",
                "{\"i\":0,\"f\":-0.5,\"d\":1e-7,\"s\":\"\",\"b\":\"\",\"m\":{},\"t\":0}",
        };
        for (size_t i = 0; i < 2; i++) {
                assert_int_equal(conv(f, ENV(s, payloads[i])), 0);
                char *a = strdup(render(f));
                expect_ok(g, a, a);
                free(a);
        }
        expect_ok(f, ENV(s, payloads[0]),
                  "{\"i\":-3,\"f\":1.25,\"d\":6.02214076E23,\"s\":\"\xe2\x80\xa8 \\\"q\\\"\",\"b\":\"AAEC\",\"m\":{"
                  "\"x\":[1,-2]},\"t\":1700000000000}");
        fx_free(f);
        fx_free(g);
}

/* JsonFormat writes a typed value as its JSON line. */
static void test_format(void **state) {
        (void)state;
        fx_t *f = fx_new(0);
        assert_int_equal(conv(f, "{\"a\": [1, 2.0, \"x\"]}"), 0);
        kco_record_t r = {.topic = "t", .partition = 0, .offset = 0, .timestamp = -1};
        r.value = f->d;
        kco_buf_t out;
        kco_buf_init(&out);
        kco_err_t err;
        kco_conf_t conf;
        memset(&conf, 0, sizeof(conf));
        kco_format_t fmt = {&kco_format_json_ops, &conf};
        kco_format_writer_t *w = fmt.ops->open(&fmt, &out, &err);
        assert_non_null(w);
        assert_int_equal(fmt.ops->write(w, &r, &out, &err), 0);
        assert_int_equal(fmt.ops->close(w, &out, &err), 0);
        assert_string_equal(kco_buf_cstr(&out), "{\"a\":[1,2.0,\"x\"]}\n");
        kco_buf_free(&out);
        fx_free(f);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_null_and_empty),
                cmocka_unit_test(test_primitives),
                cmocka_unit_test(test_type_errors),
                cmocka_unit_test(test_decimal),
                cmocka_unit_test(test_date_time_timestamp),
                cmocka_unit_test(test_struct_optional_default),
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_nested),
                cmocka_unit_test(test_maps),
                cmocka_unit_test(test_envelope_and_schema_errors),
                cmocka_unit_test(test_schemaless),
                cmocka_unit_test(test_strings_and_escapes),
                cmocka_unit_test(test_large_objects),
                cmocka_unit_test(test_depth),
                cmocka_unit_test(test_schema_cache),
                cmocka_unit_test(test_write_numbers),
                cmocka_unit_test(test_write_values),
                cmocka_unit_test(test_round_trip),
                cmocka_unit_test(test_format),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
