/*
 * test_avro_format.c - AvroFormat: the Avro schema JSON made from Connect
 * schemas (every type, logical type, optional, default, map entry, naming
 * case), files written through the format ops with each codec and read back
 * with avro-c's file reader value by value, byte-identical replays, and
 * errors that leave the output untouched. Prints the encode throughput.
 *
 * KCO_AVRO_KEEP=DIR keeps the files of the codec test there (all-null.avro,
 * all-deflate.avro, all-snappy.avro, bytes.avro, string.avro) for
 * tests/integration/check/avro_read.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <avro.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format/kco_avro_from_connect.h"
#include "format/kco_format.h"
#include "kco_test_schema.h"

/* ---- building schemas and values ---- */

static kco_schema_t *logical(kco_schema_t *root, kco_type_t t, const char *name) {
        kco_schema_t *s = named(node(root, t), name);
        s->has_version = 1;
        s->version = 1;
        return s;
}

static kco_schema_t *decimal(kco_schema_t *root, const char *scale) {
        kco_schema_t *s = logical(root, KCO_TYPE_BYTES, KCO_DECIMAL_NAME);
        kco_schema_add_param(s, "scale", scale);
        return s;
}

static kco_value_t *vals(kco_arena_t *a, size_t n) {
        return kco_arena_calloc(a, n ? n : 1, sizeof(kco_value_t));
}

static void vi(kco_value_t *v, const kco_schema_t *s, int64_t i) {
        v->type = s->type;
        v->schema = s;
        v->u.i = i;
}

static void vd(kco_value_t *v, const kco_schema_t *s, double d) {
        v->type = s->type;
        v->schema = s;
        v->u.d = d;
}

static void vs(kco_value_t *v, const kco_schema_t *s, const char *p, size_t n) {
        v->type = s->type;
        v->schema = s;
        v->u.s.ptr = p;
        v->u.s.len = n;
}

static void vnull(kco_value_t *v, const kco_schema_t *s) {
        v->type = KCO_TYPE_NULL;
        v->schema = s;
}

static void vc(kco_value_t *v, const kco_schema_t *s, kco_value_t *items, size_t n) {
        v->type = s->type;
        v->schema = s;
        v->u.c.items = items;
        v->u.c.n = n;
}

/* ---- schema JSON ---- */

static void expect_json(const kco_schema_t *s, const char *want) {
        kco_buf_t b;
        kco_buf_init(&b);
        kco_err_t err;
        kco_err_clear(&err);
        int rc = kco_avro_schema_json(s, &b, &err);
        if (rc)
                fprintf(stderr, "error: %s\n", err.msg);
        assert_int_equal(rc, 0);
        assert_string_equal(kco_buf_cstr(&b), want);
        avro_schema_t as = NULL;
        rc = avro_schema_from_json_length(b.data, b.len, &as);
        if (rc)
                fprintf(stderr, "avro-c rejects %s: %s\n", b.data, avro_strerror());
        assert_int_equal(rc, 0);
        avro_schema_decref(as);
        kco_buf_free(&b);
}

static void expect_type_json(kco_type_t t, int optional, const char *want) {
        kco_schema_t *s = kco_schema_new(t);
        s->optional = optional;
        expect_json(s, want);
        kco_schema_unref(s);
}

static void test_json_primitives(void **state) {
        (void)state;
        expect_type_json(KCO_TYPE_INT8, 0, "{\"type\":\"int\",\"connect.type\":\"int8\"}");
        expect_type_json(KCO_TYPE_INT16, 0, "{\"type\":\"int\",\"connect.type\":\"int16\"}");
        expect_type_json(KCO_TYPE_INT32, 0, "\"int\"");
        expect_type_json(KCO_TYPE_INT64, 0, "\"long\"");
        expect_type_json(KCO_TYPE_FLOAT32, 0, "\"float\"");
        expect_type_json(KCO_TYPE_FLOAT64, 0, "\"double\"");
        expect_type_json(KCO_TYPE_BOOLEAN, 0, "\"boolean\"");
        expect_type_json(KCO_TYPE_STRING, 0, "\"string\"");
        expect_type_json(KCO_TYPE_BYTES, 0, "\"bytes\"");
        expect_type_json(KCO_TYPE_STRING, 1, "[\"null\",\"string\"]");
        expect_type_json(KCO_TYPE_INT8, 1, "[\"null\",{\"type\":\"int\",\"connect.type\":\"int8\"}]");
        expect_json(&kco_schema_optional_bytes, "[\"null\",\"bytes\"]");
        expect_json(&kco_schema_optional_string, "[\"null\",\"string\"]");

        kco_schema_t *s = kco_schema_new(KCO_TYPE_STRING);
        kco_schema_set_doc(s, "a \"doc\"\n");
        s->has_version = 1;
        s->version = 2;
        kco_schema_add_param(s, "k", "v");
        kco_schema_add_param(s, "io.confluent.connect.avro.field.default", "true");
        kco_schema_add_param(s, "avro.java.string", "String");
        expect_json(s, "{\"type\":\"string\",\"connect.doc\":\"a \\\"doc\\\"\\n\",\"connect.version\":2,"
                       "\"connect.parameters\":{\"k\":\"v\",\"avro.java.string\":\"String\"},"
                       "\"avro.java.string\":\"String\"}");
        kco_schema_unref(s);

        /* an optional with a default puts the type first, the default on the type */
        s = kco_schema_new(KCO_TYPE_INT32);
        s->optional = 1;
        kco_value_t *d = kco_arena_calloc(s->arena, 1, sizeof(*d));
        vi(d, s, 5);
        s->default_value = d;
        expect_json(s, "[{\"type\":\"int\",\"connect.default\":5},\"null\"]");
        kco_schema_unref(s);
}

static void test_json_logical(void **state) {
        (void)state;
        kco_schema_t *r = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *dec = decimal(r, "2");
        kco_schema_t *dec10 = decimal(r, "3");
        kco_schema_add_param(dec10, "connect.decimal.precision", "10");
        kco_schema_t *date = logical(r, KCO_TYPE_INT32, KCO_DATE_NAME);
        kco_schema_t *tm = logical(r, KCO_TYPE_INT32, KCO_TIME_NAME);
        kco_schema_t *ts = logical(r, KCO_TYPE_INT64, KCO_TIMESTAMP_NAME);
        kco_schema_t *ots = opt(logical(r, KCO_TYPE_INT64, KCO_TIMESTAMP_NAME));
        named(fields(r, 6, "dec", dec, "dec10", dec10, "date", date, "tm", tm, "ts", ts, "ots", ots), "L");
        finish(r);
        expect_json(dec, "{\"type\":\"bytes\",\"scale\":2,\"precision\":64,\"connect.version\":1,"
                         "\"connect.parameters\":{\"scale\":\"2\"},\"connect.name\":\"" KCO_DECIMAL_NAME "\","
                         "\"logicalType\":\"decimal\"}");
        expect_json(dec10, "{\"type\":\"bytes\",\"scale\":3,\"precision\":10,\"connect.version\":1,"
                           "\"connect.parameters\":{\"scale\":\"3\",\"connect.decimal.precision\":\"10\"},"
                           "\"connect.name\":\"" KCO_DECIMAL_NAME "\",\"logicalType\":\"decimal\"}");
        expect_json(date, "{\"type\":\"int\",\"connect.version\":1,\"connect.name\":\"" KCO_DATE_NAME
                          "\",\"logicalType\":\"date\"}");
        expect_json(tm, "{\"type\":\"int\",\"connect.version\":1,\"connect.name\":\"" KCO_TIME_NAME
                        "\",\"logicalType\":\"time-millis\"}");
        expect_json(ts, "{\"type\":\"long\",\"connect.version\":1,\"connect.name\":\"" KCO_TIMESTAMP_NAME
                        "\",\"logicalType\":\"timestamp-millis\"}");
        expect_json(ots, "[\"null\",{\"type\":\"long\",\"connect.version\":1,\"connect.name\":\"" KCO_TIMESTAMP_NAME
                         "\",\"logicalType\":\"timestamp-millis\"}]");
        kco_schema_unref(r);
}

static void test_json_containers(void **state) {
        (void)state;
        kco_schema_t *r = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *arr = array_of(r, node(r, KCO_TYPE_INT32));
        kco_schema_t *smap = map_of(r, node(r, KCO_TYPE_STRING), node(r, KCO_TYPE_INT64));
        kco_schema_t *imap = map_of(r, node(r, KCO_TYPE_INT32), node(r, KCO_TYPE_STRING));
        kco_schema_t *omap = map_of(r, opt(node(r, KCO_TYPE_STRING)), opt(node(r, KCO_TYPE_STRING)));
        kco_schema_t *nmap = named(map_of(r, node(r, KCO_TYPE_INT32), node(r, KCO_TYPE_INT32)), "com.example.Pairs");
        kco_schema_t *oarr = opt(array_of(r, opt(node(r, KCO_TYPE_STRING))));
        fields(r, 6, "a", arr, "b", smap, "c", imap, "d", omap, "e", nmap, "f", oarr);
        finish(r);
        expect_json(arr, "{\"type\":\"array\",\"items\":\"int\"}");
        expect_json(smap, "{\"type\":\"map\",\"values\":\"long\"}");
        expect_json(imap, "{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"MapEntry\","
                          "\"namespace\":\"io.confluent.connect.avro\",\"fields\":[{\"name\":\"key\",\"type\":\"int\"},"
                          "{\"name\":\"value\",\"type\":\"string\"}]}}");
        expect_json(omap, "{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"MapEntry\","
                          "\"namespace\":\"io.confluent.connect.avro\",\"fields\":[{\"name\":\"key\",\"type\":"
                          "[\"null\",\"string\"],\"default\":null},{\"name\":\"value\",\"type\":[\"null\",\"string\"],"
                          "\"default\":null}]}}");
        expect_json(nmap, "{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Pairs\",\"namespace\":"
                          "\"com.example\",\"fields\":[{\"name\":\"key\",\"type\":\"int\"},{\"name\":\"value\",\"type\":"
                          "\"int\"}],\"connect.internal.type\":\"MapEntry\"},\"connect.name\":\"com.example.Pairs\"}");
        expect_json(oarr, "[\"null\",{\"type\":\"array\",\"items\":[\"null\",\"string\"]}]");
        kco_schema_unref(r);
}

static void test_json_structs(void **state) {
        (void)state;
        kco_schema_t *r = named(kco_schema_new(KCO_TYPE_STRUCT), "com.example.Click");
        kco_schema_t *sub = named(fields(node(r, KCO_TYPE_STRUCT), 1, "a", node(r, KCO_TYPE_INT32)), "com.example.Sub");
        kco_schema_t *sub2 = named(fields(node(r, KCO_TYPE_STRUCT), 1, "a", node(r, KCO_TYPE_INT32)), "com.example.Sub");
        kco_schema_t *anon = fields(node(r, KCO_TYPE_STRUCT), 1, "x", node(r, KCO_TYPE_INT32));
        kco_schema_t *anon2 = fields(node(r, KCO_TYPE_STRUCT), 1, "y", node(r, KCO_TYPE_INT32));
        kco_schema_t *anon3 = opt(fields(node(r, KCO_TYPE_STRUCT), 1, "x", node(r, KCO_TYPE_INT32)));
        kco_schema_t *plain = named(fields(node(r, KCO_TYPE_STRUCT), 0), "Plain");
        fields(r, 8, "id", node(r, KCO_TYPE_INT64), "url", opt(node(r, KCO_TYPE_STRING)), "sub", sub, "sub2", sub2,
               "anon", anon, "anon2", anon2, "anon3", anon3, "plain", plain);
        finish(r);
        expect_json(r, "{\"type\":\"record\",\"name\":\"Click\",\"namespace\":\"com.example\",\"fields\":["
                       "{\"name\":\"id\",\"type\":\"long\"},"
                       "{\"name\":\"url\",\"type\":[\"null\",\"string\"],\"default\":null},"
                       "{\"name\":\"sub\",\"type\":{\"type\":\"record\",\"name\":\"Sub\",\"fields\":[{\"name\":\"a\","
                       "\"type\":\"int\"}],\"connect.name\":\"com.example.Sub\"}},"
                       "{\"name\":\"sub2\",\"type\":\"Sub\"},"
                       "{\"name\":\"anon\",\"type\":{\"type\":\"record\",\"name\":\"ConnectDefault\",\"namespace\":"
                       "\"io.confluent.connect.avro\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}},"
                       "{\"name\":\"anon2\",\"type\":{\"type\":\"record\",\"name\":\"ConnectDefault2\",\"namespace\":"
                       "\"io.confluent.connect.avro\",\"fields\":[{\"name\":\"y\",\"type\":\"int\"}]}},"
                       "{\"name\":\"anon3\",\"type\":[\"null\",\"io.confluent.connect.avro.ConnectDefault\"],"
                       "\"default\":null},"
                       "{\"name\":\"plain\",\"type\":{\"type\":\"record\",\"name\":\"Plain\",\"namespace\":\"\","
                       "\"fields\":[],\"connect.name\":\"Plain\"}}],"
                       "\"connect.name\":\"com.example.Click\"}");
        kco_schema_unref(r);

        /* unnamed all the way: nested records share the default namespace */
        r = kco_schema_new(KCO_TYPE_STRUCT);
        fields(r, 1, "a", fields(node(r, KCO_TYPE_STRUCT), 1, "b", node(r, KCO_TYPE_INT32)));
        expect_json(r, "{\"type\":\"record\",\"name\":\"ConnectDefault\",\"namespace\":\"io.confluent.connect.avro\","
                       "\"fields\":[{\"name\":\"a\",\"type\":{\"type\":\"record\",\"name\":\"ConnectDefault2\","
                       "\"fields\":[{\"name\":\"b\",\"type\":\"int\"}]}}]}");
        kco_schema_unref(r);

        /* record and field docs come from AvroData's parameters; an optional struct is ["null", record] */
        r = opt(named(kco_schema_new(KCO_TYPE_STRUCT), "x.Doc"));
        fields(r, 1, "f", node(r, KCO_TYPE_INT32));
        kco_schema_add_param(r, "io.confluent.connect.avro.record.doc", "R doc");
        kco_schema_add_param(r, "io.confluent.connect.avro.field.doc.f", "F doc");
        expect_json(r, "[\"null\",{\"type\":\"record\",\"name\":\"Doc\",\"namespace\":\"x\",\"doc\":\"R doc\","
                       "\"fields\":[{\"name\":\"f\",\"type\":\"int\",\"doc\":\"F doc\"}],\"connect.parameters\":{"
                       "\"io.confluent.connect.avro.record.doc\":\"R doc\",\"io.confluent.connect.avro.field.doc.f\":"
                       "\"F doc\"},\"connect.name\":\"x.Doc\"}]");
        kco_schema_unref(r);
}

static void test_json_defaults(void **state) {
        (void)state;
        kco_schema_t *r = named(kco_schema_new(KCO_TYPE_STRUCT), "d.D");
        kco_arena_t *a = r->arena;
        kco_schema_t *i = node(r, KCO_TYPE_INT32), *f = node(r, KCO_TYPE_FLOAT32), *s = opt(node(r, KCO_TYPE_STRING));
        kco_schema_t *b = node(r, KCO_TYPE_BYTES), *dbl = node(r, KCO_TYPE_FLOAT64), *l = node(r, KCO_TYPE_INT64);
        kco_schema_t *sub = opt(named(fields(node(r, KCO_TYPE_STRUCT), 1, "z", node(r, KCO_TYPE_INT32)), "d.Sub"));
        kco_value_t *d = vals(a, 8);
        vi(&d[0], i, 5);
        i->default_value = &d[0];
        vd(&d[1], f, 1.1);
        f->default_value = &d[1];
        vs(&d[2], s, "x", 1);
        s->default_value = &d[2];
        vs(&d[3], b, "\x01\xff", 2);
        b->default_value = &d[3];
        vd(&d[4], dbl, 1e21);
        dbl->default_value = &d[4];
        vi(&d[5], l, -9000000000LL);
        l->default_value = &d[5];
        kco_value_t *z = vals(a, 1);
        vi(z, sub->fields[0].schema, 3);
        vc(&d[6], sub, z, 1);
        sub->default_value = &d[6];
        fields(r, 7, "i", i, "f", f, "s", s, "b", b, "dbl", dbl, "l", l, "sub", sub);
        expect_json(r, "{\"type\":\"record\",\"name\":\"D\",\"namespace\":\"d\",\"fields\":["
                       "{\"name\":\"i\",\"type\":{\"type\":\"int\",\"connect.default\":5},\"default\":5},"
                       "{\"name\":\"f\",\"type\":{\"type\":\"float\",\"connect.default\":1.1},"
                       "\"default\":1.100000023841858},"
                       "{\"name\":\"s\",\"type\":[{\"type\":\"string\",\"connect.default\":\"x\"},\"null\"],"
                       "\"default\":\"x\"},"
                       "{\"name\":\"b\",\"type\":{\"type\":\"bytes\",\"connect.default\":\"\\u0001\xc3\xbf\"},"
                       "\"default\":\"\\u0001\xc3\xbf\"},"
                       "{\"name\":\"dbl\",\"type\":{\"type\":\"double\",\"connect.default\":1.0E21},\"default\":1.0E21},"
                       "{\"name\":\"l\",\"type\":{\"type\":\"long\",\"connect.default\":-9000000000},"
                       "\"default\":-9000000000},"
                       /* ["null", record] takes no record default (a union default matches the first branch) */
                       "{\"name\":\"sub\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"Sub\",\"fields\":["
                       "{\"name\":\"z\",\"type\":\"int\"}],\"connect.default\":{\"z\":3},\"connect.name\":\"d.Sub\"}]}"
                       "],\"connect.name\":\"d.D\"}");
        kco_schema_unref(r);
}

/* Numbers as Java's Double.toString / Float.toString print them (Jackson writes defaults so). */
static void test_json_numbers(void **state) {
        (void)state;
        static const struct {
                kco_type_t type;
                double v;
                const char *json;
        } cases[] = {
                {KCO_TYPE_FLOAT64, 100.0, "100.0"},           {KCO_TYPE_FLOAT64, 0.001, "0.001"},
                {KCO_TYPE_FLOAT64, 0.0001, "1.0E-4"},         {KCO_TYPE_FLOAT64, 123456.789, "123456.789"},
                {KCO_TYPE_FLOAT64, 1e7, "1.0E7"},             {KCO_TYPE_FLOAT64, 9999999.5, "9999999.5"},
                {KCO_TYPE_FLOAT64, -0.0, "-0.0"},             {KCO_TYPE_FLOAT64, 0.1 + 0.2, "0.30000000000000004"},
                {KCO_TYPE_FLOAT64, -2.5e-300, "-2.5E-300"},   {KCO_TYPE_FLOAT64, NAN, "\"NaN\""},
                {KCO_TYPE_FLOAT64, -INFINITY, "\"-Infinity\""}, {KCO_TYPE_FLOAT32, 3.4028235e38, "3.4028235E38"},
                {KCO_TYPE_FLOAT32, 0.1, "0.1"},               {KCO_TYPE_FLOAT32, 16777216.0, "1.6777216E7"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                kco_schema_t *s = kco_schema_new(cases[i].type);
                kco_value_t *d = kco_arena_calloc(s->arena, 1, sizeof(*d));
                vd(d, s, cases[i].v);
                s->default_value = d;
                char want[128];
                snprintf(want, sizeof(want), "{\"type\":\"%s\",\"connect.default\":%s}",
                         cases[i].type == KCO_TYPE_FLOAT32 ? "float" : "double", cases[i].json);
                expect_json(s, want);
                kco_schema_unref(s);
        }
}

static void test_json_union_and_errors(void **state) {
        (void)state;
        kco_schema_t *u = opt(named(kco_schema_new(KCO_TYPE_STRUCT), "io.confluent.connect.avro.Union"));
        fields(u, 2, "int", opt(node(u, KCO_TYPE_INT32)), "string", opt(node(u, KCO_TYPE_STRING)));
        expect_json(u, "[\"null\",\"int\",\"string\"]");
        u->optional = 0;
        expect_json(u, "[\"int\",\"string\"]");
        kco_schema_unref(u);

        /* two different records with one name: Avro Java's "Can't redefine" */
        kco_schema_t *r = named(kco_schema_new(KCO_TYPE_STRUCT), "a.Top");
        fields(r, 2, "p", named(fields(node(r, KCO_TYPE_STRUCT), 1, "p", node(r, KCO_TYPE_INT32)), "a.X"), "q",
               named(fields(node(r, KCO_TYPE_STRUCT), 1, "q", node(r, KCO_TYPE_INT32)), "a.X"));
        kco_buf_t b;
        kco_buf_init(&b);
        kco_buf_puts(&b, "keep");
        kco_err_t err;
        kco_err_clear(&err);
        assert_int_equal(kco_avro_schema_json(r, &b, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_non_null(strstr(err.msg, "a.X"));
        assert_int_equal(b.len, 4);
        kco_buf_free(&b);
        kco_schema_unref(r);
}

/* ---- files ---- */

typedef struct {
        kco_conf_t conf;
        kco_format_t *fmt;
        kco_format_writer_t *w;
        kco_buf_t out;
        kco_arena_t *arena;
} file_t;

static void file_open(file_t *f, int codec, int converter) {
        memset(&f->conf, 0, sizeof(f->conf));
        f->conf.format = KCO_FORMAT_AVRO;
        f->conf.avro_codec = codec;
        f->conf.avro_deflate_level = -1;
        f->conf.value_converter = converter;
        f->fmt = kco_format_new(&f->conf);
        kco_buf_init(&f->out);
        kco_err_t err;
        f->w = f->fmt->ops->open(f->fmt, &f->out, &err);
        assert_non_null(f->w);
        assert_string_equal(f->fmt->ops->extension(f->fmt), ".avro");
        f->arena = kco_arena_new(64 * 1024);
}

static int file_write(file_t *f, const kco_record_t *rec, kco_err_t *err) {
        kco_err_clear(err);
        return f->fmt->ops->write(f->w, rec, &f->out, err);
}

static void file_close(file_t *f) {
        kco_err_t err;
        kco_err_clear(&err);
        int rc = f->fmt->ops->close(f->w, &f->out, &err);
        if (rc)
                fprintf(stderr, "close: %s\n", err.msg);
        assert_int_equal(rc, 0);
        f->w = NULL;
}

static void file_free(file_t *f) {
        if (f->w)
                f->fmt->ops->discard(f->w);
        kco_format_destroy(f->fmt);
        kco_buf_free(&f->out);
        kco_arena_destroy(f->arena);
}

static kco_record_t value_rec(const kco_value_t *v, int64_t offset) {
        kco_record_t r = {.topic = "clicks", .partition = 3, .offset = offset, .timestamp = 1000};
        r.value.type = KCO_DATA_VALUE;
        r.value.v = v;
        return r;
}

static void keep(const kco_buf_t *b, const char *name) {
        const char *dir = getenv("KCO_AVRO_KEEP");
        if (!dir)
                return;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        assert_int_equal(fwrite(b->data, 1, b->len, fp), b->len);
        fclose(fp);
}

typedef struct {
        avro_file_reader_t reader;
        avro_schema_t schema; /* our reference to the writer schema */
        avro_value_iface_t *iface;
        avro_value_t value;
} reader_t;

static void reader_open(reader_t *r, const kco_buf_t *b) {
        FILE *fp = fmemopen(b->data, b->len, "rb");
        assert_non_null(fp);
        int rc = avro_file_reader_fp(fp, "mem", 1, &r->reader);
        if (rc)
                fprintf(stderr, "reader: %s\n", avro_strerror());
        assert_int_equal(rc, 0);
        r->schema = avro_schema_incref(avro_file_reader_get_writer_schema(r->reader));
        r->iface = avro_generic_class_from_schema(r->schema);
        assert_non_null(r->iface);
        assert_int_equal(avro_generic_value_new(r->iface, &r->value), 0);
}

static int reader_next(reader_t *r) {
        avro_value_reset(&r->value);
        return avro_file_reader_read_value(r->reader, &r->value) == 0;
}

static void reader_close(reader_t *r) {
        avro_value_decref(&r->value);
        avro_value_iface_decref(r->iface);
        avro_file_reader_close(r->reader);
        /* avro-c 1.11.1's reader keeps one reference too many to the writer schema it parsed */
        if (r->schema->refcount > 1)
                avro_schema_decref(r->schema);
        avro_schema_decref(r->schema);
}

static int is_null(const kco_value_t *v) {
        return !v || v->type == KCO_TYPE_NULL;
}

/* Checks what avro-c read against the Connect value it was written from. */
static void check_value(avro_value_t *av, const kco_schema_t *s, const kco_value_t *v, int req) {
        if (s->optional && !req) {
                int disc = -1;
                avro_value_t br;
                assert_int_equal(avro_value_get_discriminant(av, &disc), 0);
                assert_int_equal(avro_value_get_current_branch(av, &br), 0);
                int null_first = s->type == KCO_TYPE_STRUCT || !s->default_value;
                if (is_null(v)) {
                        assert_int_equal(disc, null_first ? 0 : 1);
                        assert_int_equal(avro_value_get_type(&br), AVRO_NULL);
                } else {
                        assert_int_equal(disc, null_first ? 1 : 0);
                        check_value(&br, s, v, 1);
                }
                return;
        }
        assert_false(is_null(v));
        int32_t i32 = 0;
        int64_t i64 = 0;
        float f = 0;
        double d = 0;
        int bo = 0;
        const char *str = NULL;
        const void *bytes = NULL;
        size_t size = 0;
        switch (s->type) {
        case KCO_TYPE_INT8:
        case KCO_TYPE_INT16:
        case KCO_TYPE_INT32:
                assert_int_equal(avro_value_get_int(av, &i32), 0);
                assert_int_equal(i32, v->u.i);
                break;
        case KCO_TYPE_INT64:
                assert_int_equal(avro_value_get_long(av, &i64), 0);
                assert_int_equal(i64, v->u.i);
                break;
        case KCO_TYPE_FLOAT32:
                assert_int_equal(avro_value_get_float(av, &f), 0);
                assert_true(f == (float)v->u.d);
                break;
        case KCO_TYPE_FLOAT64:
                assert_int_equal(avro_value_get_double(av, &d), 0);
                assert_true(d == v->u.d);
                break;
        case KCO_TYPE_BOOLEAN:
                assert_int_equal(avro_value_get_boolean(av, &bo), 0);
                assert_int_equal(!!bo, !!v->u.i);
                break;
        case KCO_TYPE_STRING:
                assert_int_equal(avro_value_get_string(av, &str, &size), 0);
                assert_int_equal(size - 1, v->u.s.len);
                assert_memory_equal(str, v->u.s.len ? v->u.s.ptr : "", v->u.s.len);
                break;
        case KCO_TYPE_BYTES:
                assert_int_equal(avro_value_get_bytes(av, &bytes, &size), 0);
                assert_int_equal(size, v->u.s.len);
                if (size)
                        assert_memory_equal(bytes, v->u.s.ptr, size);
                break;
        case KCO_TYPE_ARRAY:
                assert_int_equal(avro_value_get_size(av, &size), 0);
                assert_int_equal(size, v->u.c.n);
                for (size_t i = 0; i < size; i++) {
                        avro_value_t el;
                        assert_int_equal(avro_value_get_by_index(av, i, &el, NULL), 0);
                        check_value(&el, s->value, &v->u.c.items[i], 0);
                }
                break;
        case KCO_TYPE_MAP:
                assert_int_equal(avro_value_get_size(av, &size), 0);
                assert_int_equal(size, v->u.c.n);
                for (size_t i = 0; i < size; i++) {
                        avro_value_t el, kv;
                        const kco_value_t *k = &v->u.c.items[2 * i];
                        if (s->key->type == KCO_TYPE_STRING && !s->key->optional) {
                                char key[256];
                                snprintf(key, sizeof(key), "%.*s", (int)k->u.s.len, k->u.s.ptr);
                                assert_int_equal(avro_value_get_by_name(av, key, &el, NULL), 0);
                                check_value(&el, s->value, &v->u.c.items[2 * i + 1], 0);
                        } else {
                                assert_int_equal(avro_value_get_by_index(av, i, &el, NULL), 0);
                                assert_int_equal(avro_value_get_by_name(&el, "key", &kv, NULL), 0);
                                check_value(&kv, s->key, k, 0);
                                assert_int_equal(avro_value_get_by_name(&el, "value", &kv, NULL), 0);
                                check_value(&kv, s->value, &v->u.c.items[2 * i + 1], 0);
                        }
                }
                break;
        case KCO_TYPE_STRUCT:
                for (size_t i = 0; i < s->nfields; i++) {
                        avro_value_t fv;
                        const kco_schema_t *fs = s->fields[i].schema;
                        const kco_value_t *item = &v->u.c.items[i];
                        if (is_null(item) && fs->default_value)
                                item = fs->default_value;
                        assert_int_equal(avro_value_get_by_name(av, s->fields[i].name, &fv, NULL), 0);
                        check_value(&fv, fs, item, 0);
                }
                break;
        default:
                fail();
        }
}

/* A struct with every type, logical type, optional, default, container and nesting. */
typedef struct {
        kco_schema_t *root;
        kco_schema_t *f[22];
} all_t;

static void all_schema(all_t *a) {
        kco_schema_t *r = named(kco_schema_new(KCO_TYPE_STRUCT), "com.example.All");
        kco_schema_t **f = a->f;
        f[0] = node(r, KCO_TYPE_INT8);
        f[1] = node(r, KCO_TYPE_INT16);
        f[2] = node(r, KCO_TYPE_INT32);
        f[3] = node(r, KCO_TYPE_INT64);
        f[4] = node(r, KCO_TYPE_FLOAT32);
        f[5] = node(r, KCO_TYPE_FLOAT64);
        f[6] = node(r, KCO_TYPE_BOOLEAN);
        f[7] = node(r, KCO_TYPE_STRING);
        f[8] = node(r, KCO_TYPE_BYTES);
        f[9] = decimal(r, "2");
        f[10] = logical(r, KCO_TYPE_INT32, KCO_DATE_NAME);
        f[11] = logical(r, KCO_TYPE_INT32, KCO_TIME_NAME);
        f[12] = logical(r, KCO_TYPE_INT64, KCO_TIMESTAMP_NAME);
        f[13] = opt(node(r, KCO_TYPE_STRING));
        f[14] = opt(node(r, KCO_TYPE_INT64));
        kco_value_t *d = kco_arena_calloc(r->arena, 1, sizeof(*d));
        vi(d, f[14], 7);
        f[14]->default_value = d;
        f[15] = array_of(r, node(r, KCO_TYPE_INT32));
        f[16] = map_of(r, node(r, KCO_TYPE_STRING), opt(node(r, KCO_TYPE_STRING)));
        f[17] = map_of(r, node(r, KCO_TYPE_INT32), node(r, KCO_TYPE_STRING));
        f[18] = named(fields(node(r, KCO_TYPE_STRUCT), 2, "a", node(r, KCO_TYPE_INT32), "b", node(r, KCO_TYPE_STRING)),
                      "com.example.Sub");
        f[19] = opt(fields(node(r, KCO_TYPE_STRUCT), 1, "x", opt(node(r, KCO_TYPE_FLOAT64))));
        f[20] = opt(named(node(r, KCO_TYPE_STRUCT), "io.confluent.connect.avro.Union"));
        fields(f[20], 2, "int", opt(node(r, KCO_TYPE_INT32)), "string", opt(node(r, KCO_TYPE_STRING)));
        f[21] = array_of(r, opt(named(fields(node(r, KCO_TYPE_STRUCT), 2, "a", node(r, KCO_TYPE_INT32), "b",
                                             node(r, KCO_TYPE_STRING)),
                                      "com.example.Sub")));
        fields(r, 22, "i8", f[0], "i16", f[1], "i32", f[2], "i64", f[3], "f32", f[4], "f64", f[5], "bool", f[6], "str",
               f[7], "bytes", f[8], "dec", f[9], "date", f[10], "time", f[11], "ts", f[12], "ostr", f[13], "odef", f[14],
               "arr", f[15], "smap", f[16], "imap", f[17], "sub", f[18], "osub", f[19], "union", f[20], "subs", f[21]);
        finish(r);
        a->root = r;
}

/* Record n of a varied sequence: nulls, empty containers, unions on both branches, long strings. */
static kco_value_t *all_value(all_t *a, kco_arena_t *ar, int n) {
        kco_schema_t **f = a->f;
        kco_value_t *v = vals(ar, 1), *it = vals(ar, 22);
        vc(v, a->root, it, 22);
        vi(&it[0], f[0], n % 2 ? -128 : 127);
        vi(&it[1], f[1], n % 3 ? -32768 : 32767);
        vi(&it[2], f[2], n % 2 ? INT32_MIN : n);
        vi(&it[3], f[3], n % 2 ? INT64_MIN : (int64_t)n * 1000000007LL);
        vd(&it[4], f[4], n * 0.5f);
        vd(&it[5], f[5], n % 5 ? n / 3.0 : -1e300);
        vi(&it[6], f[6], n & 1);
        char *s = kco_arena_alloc(ar, 64 + (size_t)(n % 7) * 100);
        int len = snprintf(s, 64, "rec-%d-\xc3\xa9\"\\\n", n);
        for (int i = 0; i < (n % 7) * 100; i++)
                s[len++] = (char)('a' + i % 26);
        vs(&it[7], f[7], s, (size_t)len);
        unsigned char *bytes = kco_arena_alloc(ar, 8);
        for (int i = 0; i < 8; i++)
                bytes[i] = (unsigned char)(n * 31 + i * 97);
        vs(&it[8], f[8], (const char *)bytes, (size_t)(n % 9));
        static const unsigned char dec[] = {0xff, 0x85}, zero[] = {0}; /* -123 -> -1.23; 0 as Java writes it */
        if (n % 4)
                vs(&it[9], f[9], (const char *)dec, 2);
        else
                vs(&it[9], f[9], (const char *)zero, 1);
        vi(&it[10], f[10], 19000 + n);
        vi(&it[11], f[11], (n * 1000) % 86400000);
        vi(&it[12], f[12], 1700000000000LL + n);
        if (n % 3)
                vs(&it[13], f[13], "maybe", 5);
        else
                vnull(&it[13], f[13]);
        if (n % 4)
                vi(&it[14], f[14], -n);
        else
                vnull(&it[14], f[14]); /* the default, 7, is written */
        size_t na = (size_t)(n % 4);
        kco_value_t *arr = vals(ar, na);
        for (size_t i = 0; i < na; i++)
                vi(&arr[i], f[15]->value, (int64_t)i * n);
        vc(&it[15], f[15], arr, na);
        size_t nm = (size_t)(n % 3);
        kco_value_t *sm = vals(ar, 2 * nm), *im = vals(ar, 2 * nm);
        static const char *const keys[] = {"k0", "k1", "k2"};
        for (size_t i = 0; i < nm; i++) {
                vs(&sm[2 * i], f[16]->key, keys[i], 2);
                if (i == 1)
                        vnull(&sm[2 * i + 1], f[16]->value);
                else
                        vs(&sm[2 * i + 1], f[16]->value, "v", 1);
                vi(&im[2 * i], f[17]->key, (int64_t)i - 1);
                vs(&im[2 * i + 1], f[17]->value, keys[i], 2);
        }
        vc(&it[16], f[16], sm, nm);
        vc(&it[17], f[17], im, nm);
        kco_value_t *sub = vals(ar, 2);
        vi(&sub[0], f[18]->fields[0].schema, n);
        vs(&sub[1], f[18]->fields[1].schema, "sub", 3);
        vc(&it[18], f[18], sub, 2);
        if (n % 2) {
                kco_value_t *x = vals(ar, 1);
                if (n % 3)
                        vd(&x[0], f[19]->fields[0].schema, n * 1.25);
                else
                        vnull(&x[0], f[19]->fields[0].schema);
                vc(&it[19], f[19], x, 1);
        } else {
                vnull(&it[19], f[19]);
        }
        if (n % 3 == 0) {
                vnull(&it[20], f[20]);
        } else {
                kco_value_t *u = vals(ar, 2);
                vnull(&u[0], f[20]->fields[0].schema);
                vnull(&u[1], f[20]->fields[1].schema);
                if (n % 3 == 1)
                        vi(&u[0], f[20]->fields[0].schema, n);
                else
                        vs(&u[1], f[20]->fields[1].schema, "u", 1);
                vc(&it[20], f[20], u, 2);
        }
        kco_value_t *subs = vals(ar, 2);
        kco_value_t *s0 = vals(ar, 2);
        vi(&s0[0], f[21]->value->fields[0].schema, -n);
        vs(&s0[1], f[21]->value->fields[1].schema, "", 0);
        vc(&subs[0], f[21]->value, s0, 2);
        vnull(&subs[1], f[21]->value);
        vc(&it[21], f[21], subs, (size_t)(n % 3));
        return v;
}

/* The union field is checked by hand: check_value does not know union structs. */
static void check_all(avro_value_t *av, all_t *a, const kco_value_t *v) {
        for (size_t i = 0; i < a->root->nfields; i++) {
                avro_value_t fv;
                assert_int_equal(avro_value_get_by_index(av, i, &fv, NULL), 0);
                const kco_value_t *item = &v->u.c.items[i];
                if (i == 20) {
                        int disc = -1;
                        assert_int_equal(avro_value_get_discriminant(&fv, &disc), 0);
                        int want = is_null(item) ? 0 : !is_null(&item->u.c.items[0]) ? 1 : 2;
                        assert_int_equal(disc, want);
                        continue;
                }
                if (is_null(item) && a->f[i]->default_value)
                        item = a->f[i]->default_value;
                check_value(&fv, a->f[i], item, 0);
        }
}

static int64_t get_long(const unsigned char **p) {
        uint64_t z = 0;
        for (int shift = 0;; shift += 7) {
                unsigned char b = *(*p)++;
                z |= (uint64_t)(b & 0x7f) << shift;
                if (!(b & 0x80))
                        break;
        }
        return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
}

/* The header, read by hand: magic, exactly {avro.schema, avro.codec}, then the sync marker that ends every block. */
static void check_header(const kco_buf_t *b, const char *schema, size_t schema_len, const char *codec) {
        const unsigned char *p = (const unsigned char *)b->data;
        assert_memory_equal(p, "Obj\x01", 4);
        p += 4;
        assert_int_equal(get_long(&p), 2);
        int seen = 0;
        for (int i = 0; i < 2; i++) {
                int64_t klen = get_long(&p);
                const unsigned char *k = p;
                p += klen;
                int64_t vlen = get_long(&p);
                if (klen == 11 && !memcmp(k, "avro.schema", 11)) {
                        assert_int_equal(vlen, schema_len);
                        assert_memory_equal(p, schema, schema_len);
                        seen |= 1;
                } else {
                        assert_true(klen == 10 && !memcmp(k, "avro.codec", 10));
                        assert_int_equal(vlen, strlen(codec));
                        assert_memory_equal(p, codec, strlen(codec));
                        seen |= 2;
                }
                p += vlen;
        }
        assert_int_equal(seen, 3);
        assert_int_equal(get_long(&p), 0);
        assert_memory_equal(b->data + b->len - 16, p, 16); /* the file ends with the sync marker */
}

static void write_all(file_t *f, all_t *a, int nrec, int64_t first_offset) {
        for (int n = 0; n < nrec; n++) {
                kco_value_t *v = all_value(a, f->arena, n);
                kco_record_t rec = value_rec(v, first_offset + n);
                kco_err_t err;
                int rc = file_write(f, &rec, &err);
                if (rc)
                        fprintf(stderr, "write %d: %s\n", n, err.msg);
                assert_int_equal(rc, 0);
        }
        file_close(f);
}

static void test_roundtrip_codecs(void **state) {
        (void)state;
        static const int codecs[] = {KCO_AVRO_CODEC_NULL, KCO_AVRO_CODEC_DEFLATE, KCO_AVRO_CODEC_SNAPPY};
        static const char *const names[] = {"all-null.avro", "all-deflate.avro", "all-snappy.avro"};
        static const char *const codec_names[] = {"null", "deflate", "snappy"};
        const int nrec = 1500; /* ~300 KiB: several blocks */
        all_t a;
        all_schema(&a);
        size_t sizes[3];
        for (int c = 0; c < 3; c++) {
                file_t f;
                file_open(&f, codecs[c], KCO_CONVERTER_AVRO);
                write_all(&f, &a, nrec, 100);
                sizes[c] = f.out.len;
                keep(&f.out, names[c]);
                reader_t r;
                reader_open(&r, &f.out);
                kco_buf_t json;
                kco_buf_init(&json);
                kco_err_t err;
                assert_int_equal(kco_avro_schema_json(a.root, &json, &err), 0);
                check_header(&f.out, json.data, json.len, codec_names[c]);
                kco_buf_free(&json);
                kco_arena_t *ar = kco_arena_new(64 * 1024);
                int n = 0;
                while (reader_next(&r)) {
                        kco_arena_reset(ar);
                        check_all(&r.value, &a, all_value(&a, ar, n));
                        n++;
                }
                assert_int_equal(n, nrec);
                kco_arena_destroy(ar);
                reader_close(&r);
                file_free(&f);
        }
        assert_true(sizes[1] < sizes[0] && sizes[2] < sizes[0]);
        kco_schema_unref(a.root);
}

/* ByteArrayConverter / StringConverter data: ["null","bytes"] / ["null","string"]; tombstones are nulls. */
static void test_bytes_and_strings(void **state) {
        (void)state;
        for (int which = 0; which < 2; which++) {
                file_t f;
                file_open(&f, KCO_AVRO_CODEC_SNAPPY, which ? KCO_CONVERTER_STRING : KCO_CONVERTER_BYTEARRAY);
                const char *data[] = {NULL, "a", "", "h\xc3\xa9llo", NULL};
                for (int i = 0; i < 5; i++) {
                        kco_record_t rec = {.topic = "t", .partition = 0, .offset = i, .timestamp = -1};
                        rec.value.type = !data[i] ? KCO_DATA_NULL : which ? KCO_DATA_STRING : KCO_DATA_BYTES;
                        rec.value.ptr = data[i];
                        rec.value.len = data[i] ? strlen(data[i]) : 0;
                        kco_err_t err;
                        assert_int_equal(file_write(&f, &rec, &err), 0);
                }
                file_close(&f);
                keep(&f.out, which ? "string.avro" : "bytes.avro");
                reader_t r;
                reader_open(&r, &f.out);
                const kco_schema_t *s = which ? &kco_schema_optional_string : &kco_schema_optional_bytes;
                for (int i = 0; i < 5; i++) {
                        assert_true(reader_next(&r));
                        kco_value_t v;
                        memset(&v, 0, sizeof(v));
                        if (data[i])
                                vs(&v, s, data[i], strlen(data[i]));
                        else
                                vnull(&v, s);
                        check_value(&r.value, s, &v, 0);
                }
                assert_false(reader_next(&r));
                reader_close(&r);
                file_free(&f);
        }
}

static void test_deterministic(void **state) {
        (void)state;
        all_t a;
        all_schema(&a);
        kco_buf_t first;
        kco_buf_init(&first);
        for (int round = 0; round < 3; round++) {
                file_t f;
                file_open(&f, KCO_AVRO_CODEC_DEFLATE, KCO_CONVERTER_AVRO);
                write_all(&f, &a, 400, round == 2 ? 501 : 500);
                if (round == 0)
                        kco_buf_append(&first, f.out.data, f.out.len);
                else if (round == 1) /* a replay: the same object byte for byte */
                        assert_true(f.out.len == first.len && !memcmp(f.out.data, first.data, first.len));
                else /* another first offset: another sync marker */
                        assert_true(f.out.len != first.len || memcmp(f.out.data, first.data, first.len));
                file_free(&f);
        }
        kco_buf_free(&first);
        kco_schema_unref(a.root);
}

/* Every failed write leaves out as it was, and the file stays usable. */
static void expect_write_error(file_t *f, const kco_record_t *rec, const char *msg_part) {
        kco_buf_t before;
        kco_buf_init(&before);
        kco_buf_append(&before, f->out.data, f->out.len);
        kco_err_t err;
        assert_int_equal(file_write(f, rec, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        if (!strstr(err.msg, msg_part))
                fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.msg, msg_part);
        assert_non_null(strstr(err.msg, msg_part));
        assert_int_equal(f->out.len, before.len);
        if (before.len)
                assert_memory_equal(f->out.data, before.data, before.len);
        kco_buf_free(&before);
}

static void test_errors(void **state) {
        (void)state;
        all_t a;
        all_schema(&a);
        file_t f;
        file_open(&f, KCO_AVRO_CODEC_NULL, KCO_CONVERTER_JSON);

        /* schemaless */
        kco_value_t schemaless;
        memset(&schemaless, 0, sizeof(schemaless));
        schemaless.type = KCO_TYPE_INT32;
        kco_record_t rec = value_rec(&schemaless, 1);
        expect_write_error(&f, &rec, "schemas.enable=true");
        /* a tombstone cannot start a JSON/Avro-converted file */
        kco_record_t tomb = {.topic = "clicks", .partition = 3, .offset = 2};
        expect_write_error(&f, &tomb, "tombstone");
        /* a type mismatch on the first record: nothing written, not even the header */
        kco_value_t *v = all_value(&a, f.arena, 1);
        vs(&v->u.c.items[18].u.c.items[0], a.f[7], "x", 1); /* a string where an int32 belongs */
        rec = value_rec(v, 3);
        expect_write_error(&f, &rec, "value.sub.a: expected int32, got string");
        assert_int_equal(f.out.len, 0);

        /* good records start the file */
        for (int n = 0; n < 3; n++) {
                rec = value_rec(all_value(&a, f.arena, n), 10 + n);
                kco_err_t err;
                assert_int_equal(file_write(&f, &rec, &err), 0);
        }
        assert_true(f.out.len > 0);
        /* deep paths */
        v = all_value(&a, f.arena, 5);
        vi(&v->u.c.items[16].u.c.items[3], a.f[2], 1); /* an int32 where a string belongs */
        rec = value_rec(v, 20);
        expect_write_error(&f, &rec, "value.smap[\"k1\"]: expected string, got int32");
        v = all_value(&a, f.arena, 5);
        vnull(&v->u.c.items[15].u.c.items[0], a.f[15]->value);
        rec = value_rec(v, 21);
        expect_write_error(&f, &rec, "value.arr[0]: null for a required int32");
        v = all_value(&a, f.arena, 5);
        vi(&v->u.c.items[0], a.f[0], 300);
        rec = value_rec(v, 22);
        expect_write_error(&f, &rec, "value.i8: 300 is out of range for int8");
        /* a null value for the required top-level struct */
        expect_write_error(&f, &tomb, "null for a required struct");
        /* another schema */
        kco_schema_t *other = named(kco_schema_new(KCO_TYPE_STRUCT), "com.example.Other");
        fields(other, 1, "a", node(other, KCO_TYPE_INT32));
        kco_value_t ov, oi;
        vi(&oi, other->fields[0].schema, 1);
        vc(&ov, other, &oi, 1);
        rec = value_rec(&ov, 23);
        expect_write_error(&f, &rec, "schema changed within a file");
        /* bytes in a struct file */
        kco_record_t raw = {.topic = "clicks", .partition = 3, .offset = 24};
        raw.value.type = KCO_DATA_BYTES;
        raw.value.ptr = "x";
        raw.value.len = 1;
        expect_write_error(&f, &raw, "schema changed within a file");

        /* an equal schema built separately is the same schema */
        all_t b;
        all_schema(&b);
        rec = value_rec(all_value(&b, f.arena, 4), 30);
        kco_err_t err;
        assert_int_equal(file_write(&f, &rec, &err), 0);
        file_close(&f);
        reader_t r;
        reader_open(&r, &f.out);
        int n = 0;
        while (reader_next(&r))
                n++;
        assert_int_equal(n, 4);
        reader_close(&r);
        file_free(&f);
        kco_schema_unref(other);
        kco_schema_unref(b.root);

        /* a file with no record cannot be closed into an object; discard is fine */
        file_open(&f, KCO_AVRO_CODEC_NULL, KCO_CONVERTER_JSON);
        kco_err_clear(&err);
        assert_int_equal(f.fmt->ops->close(f.w, &f.out, &err), -1);
        f.w = NULL;
        file_free(&f);
        file_open(&f, KCO_AVRO_CODEC_NULL, KCO_CONVERTER_JSON);
        rec = value_rec(all_value(&a, f.arena, 0), 1);
        assert_int_equal(file_write(&f, &rec, &err), 0);
        file_free(&f); /* discards */
        kco_schema_unref(a.root);
}

/* An optional top-level schema takes tombstones and nulls with the schema. */
static void test_optional_top_level(void **state) {
        (void)state;
        kco_schema_t *s = opt(named(kco_schema_new(KCO_TYPE_STRUCT), "o.Opt"));
        fields(s, 1, "x", node(s, KCO_TYPE_INT32));
        file_t f;
        file_open(&f, KCO_AVRO_CODEC_DEFLATE, KCO_CONVERTER_AVRO);
        kco_value_t x, v, nv;
        vi(&x, s->fields[0].schema, 42);
        vc(&v, s, &x, 1);
        vnull(&nv, s);
        kco_record_t recs[3] = {value_rec(&nv, 0), value_rec(&v, 1), {.topic = "clicks", .partition = 3, .offset = 2}};
        kco_err_t err;
        for (int i = 0; i < 3; i++)
                assert_int_equal(file_write(&f, &recs[i], &err), 0);
        file_close(&f);
        reader_t r;
        reader_open(&r, &f.out);
        const kco_value_t *want[3] = {&nv, &v, NULL};
        for (int i = 0; i < 3; i++) {
                assert_true(reader_next(&r));
                check_value(&r.value, s, want[i], 0);
        }
        assert_false(reader_next(&r));
        reader_close(&r);
        file_free(&f);
        kco_schema_unref(s);
}

/* Encode throughput of a 10-field record (the write op: set + encode + blocks). Printed, not asserted. */
static void test_throughput(void **state) {
        (void)state;
        kco_schema_t *s = named(kco_schema_new(KCO_TYPE_STRUCT), "bench.Rec");
        fields(s, 10, "id", node(s, KCO_TYPE_INT64), "n", node(s, KCO_TYPE_INT32), "name", node(s, KCO_TYPE_STRING),
               "score", node(s, KCO_TYPE_FLOAT64), "ok", node(s, KCO_TYPE_BOOLEAN), "tag",
               opt(node(s, KCO_TYPE_STRING)), "ts", logical(s, KCO_TYPE_INT64, KCO_TIMESTAMP_NAME), "url",
               node(s, KCO_TYPE_STRING), "ref", opt(node(s, KCO_TYPE_INT64)), "blob", node(s, KCO_TYPE_BYTES));
        finish(s);
        kco_value_t it[10], v;
        vc(&v, s, it, 10);
        vs(&it[2], s->fields[2].schema, "some-user-name", 14);
        vd(&it[3], s->fields[3].schema, 3.25);
        vs(&it[7], s->fields[7].schema, "https://example.com/a/b", 23);
        vs(&it[9], s->fields[9].schema, "\x01\x02\x03\x04", 4);
        for (int c = 0; c < 3; c++) {
                file_t f;
                file_open(&f, c, KCO_CONVERTER_AVRO);
                const int n = 400000;
                struct timespec t0, t1;
                clock_gettime(CLOCK_MONOTONIC, &t0);
                for (int i = 0; i < n; i++) {
                        vi(&it[0], s->fields[0].schema, i);
                        vi(&it[1], s->fields[1].schema, i & 0xffff);
                        vi(&it[4], s->fields[4].schema, i & 1);
                        if (i & 1)
                                vs(&it[5], s->fields[5].schema, "tag", 3);
                        else
                                vnull(&it[5], s->fields[5].schema);
                        vi(&it[6], s->fields[6].schema, 1700000000000LL + i);
                        if (i & 2)
                                vi(&it[8], s->fields[8].schema, i * 7LL);
                        else
                                vnull(&it[8], s->fields[8].schema);
                        kco_record_t rec = value_rec(&v, i);
                        kco_err_t err;
                        if (f.fmt->ops->write(f.w, &rec, &f.out, &err))
                                fail_msg("%s", err.msg);
                        if (f.out.len > (1 << 20))
                                f.out.len = 0; /* as the file streams parts away */
                }
                clock_gettime(CLOCK_MONOTONIC, &t1);
                double dt = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
                fprintf(stderr, "AvroFormat encode, 10-field record, codec %s: %.0f records/s\n",
                        c == 0 ? "null" : c == 1 ? "deflate" : "snappy", n / dt);
                file_close(&f);
                file_free(&f);
        }
        kco_schema_unref(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_json_primitives),  cmocka_unit_test(test_json_logical),
                cmocka_unit_test(test_json_containers),  cmocka_unit_test(test_json_structs),
                cmocka_unit_test(test_json_defaults),    cmocka_unit_test(test_json_numbers),
                cmocka_unit_test(test_json_union_and_errors),
                cmocka_unit_test(test_roundtrip_codecs), cmocka_unit_test(test_bytes_and_strings),
                cmocka_unit_test(test_deterministic),    cmocka_unit_test(test_errors),
                cmocka_unit_test(test_optional_top_level), cmocka_unit_test(test_throughput),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
