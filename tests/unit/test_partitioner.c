/*
 * test_partitioner.c - the partitioners on real converted records (the JSON
 * converter with and without schemas, the String converter): Default, Field
 * (nested fields, schemaless JSON objects, directory.delim, the errors),
 * TimeBased / Daily / Hourly with each timestamp extractor (Record,
 * RecordField on Timestamp, Date, int64, ISO-8601 strings, nested and
 * schemaless), and the configuration errors the Java partitioners give.
 * Time texts are worked out by hand in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "convert/kco_converter.h"
#include "core/kco_arena.h"
#include "partition/kco_partitioner.h"

typedef struct {
        kco_conf_t *conf;
        kco_partitioner_t *pt;
        kco_converter_t *cv;
        kco_arena_t *arena;
        kco_buf_t out;
        kco_err_t err;
        int64_t ts;
} fx_t;

static kco_conf_t *conf_of(const char *extra, kco_conf_errs_t *e) {
        char text[2048], why[256];
        snprintf(text, sizeof(text),
                 "name=t\ntopics=t\nformat.class=json\nstorage.class=local\nstore.url=file:///tmp/x\n"
                 "flush.size=3\n%s",
                 extra);
        kco_props_t *p = kco_props_new();
        assert_int_equal(kco_props_parse(p, text, strlen(text), "test", why, sizeof(why)), 0);
        kco_conf_errs_init(e);
        kco_conf_t *c = kco_conf_new(NULL, p, e);
        kco_props_destroy(p);
        return c;
}

static void fx_init(fx_t *f, const char *extra) {
        memset(f, 0, sizeof(*f));
        kco_conf_errs_t e;
        f->conf = conf_of(extra, &e);
        for (int i = 0; i < e.n; i++)
                fprintf(stderr, "config: %s\n", e.msg[i]);
        assert_int_equal(e.n, 0);
        kco_conf_errs_free(&e);
        f->pt = kco_partitioner_new(f->conf, &f->err);
        assert_non_null(f->pt);
        f->cv = kco_converter_new(f->conf->value_converter, 0, f->conf, &f->err);
        assert_non_null(f->cv);
        f->arena = kco_arena_new(4096);
        kco_buf_init(&f->out);
}

static void fx_free(fx_t *f) {
        kco_buf_free(&f->out);
        kco_arena_destroy(f->arena);
        kco_converter_destroy(f->cv);
        kco_partitioner_destroy(f->pt);
        kco_conf_destroy(f->conf);
}

/* Encodes a record whose value is text (converted by the connector's value converter). */
static int enc(fx_t *f, const char *value, int64_t kafka_ts) {
        kco_record_t r = {.topic = "t", .partition = 7, .offset = 1, .timestamp = kafka_ts};
        kco_arena_reset(f->arena);
        kco_err_clear(&f->err);
        if (kco_converter_convert(f->cv, "t", value, strlen(value), f->arena, &r.value, &f->err))
                fail_msg("convert: %s", f->err.msg);
        f->out.len = 0;
        f->ts = -2;
        return kco_partitioner_encode(f->pt, &r, &f->out, &f->ts, &f->err);
}

static void enc_ok(fx_t *f, const char *value, int64_t kafka_ts, const char *want) {
        if (enc(f, value, kafka_ts))
                fail_msg("encode %s: %s", value, f->err.msg);
        assert_string_equal(kco_buf_cstr(&f->out), want);
}

static void enc_fail(fx_t *f, const char *value, const char *want) {
        assert_int_equal(enc(f, value, 0), -1);
        assert_int_equal(f->err.code, KCO_ERR_DATA);
        if (!strstr(f->err.msg, want))
                fail_msg("error \"%s\" lacks \"%s\"", f->err.msg, want);
}

#define SCHEMA_JSON                                                                                                   \
        "\"schema\":{\"type\":\"struct\",\"fields\":["                                                                 \
        "{\"field\":\"country\",\"type\":\"string\"},{\"field\":\"n\",\"type\":\"int32\"},"                           \
        "{\"field\":\"ok\",\"type\":\"boolean\"},{\"field\":\"ratio\",\"type\":\"double\"},"                          \
        "{\"field\":\"note\",\"type\":\"string\",\"optional\":true},"                                                 \
        "{\"field\":\"addr\",\"type\":\"struct\",\"fields\":[{\"field\":\"zip\",\"type\":\"string\"},"                 \
        "{\"field\":\"floor\",\"type\":\"int64\"}]}]}"

static const char with_schema[] = "{" SCHEMA_JSON ",\"payload\":{\"country\":\"FR\",\"n\":-3,\"ok\":true,"
                                  "\"ratio\":0.5,\"note\":null,\"addr\":{\"zip\":\"75001\",\"floor\":12}}}";
static const char schemaless[] = "{\"country\":\"FR\",\"n\":-3,\"ok\":true,\"ratio\":0.5,\"note\":null,"
                                 "\"addr\":{\"zip\":\"75001\",\"floor\":12}}";

static void test_default(void **state) {
        (void)state;
        fx_t f;
        fx_init(&f, "value.converter=string\n");
        enc_ok(&f, "anything", 42, "partition=7");
        assert_int_equal(f.ts, 42); /* the Kafka timestamp drives rotate.interval.ms */
        fx_free(&f);
}

static void test_field(void **state) {
        (void)state;
        fx_t f;
        fx_init(&f, "value.converter=json\nvalue.converter.schemas.enable=true\n"
                    "partitioner.class=io.confluent.connect.storage.partitioner.FieldPartitioner\n"
                    "partition.field.name=country,n,ok,addr.zip,addr.floor\n");
        enc_ok(&f, with_schema, 5, "country=FR/n=-3/ok=true/addr.zip=75001/addr.floor=12");
        assert_int_equal(f.ts, 5);
        fx_free(&f);

        /* schemaless JSON objects (the Java partitioner only takes structs), another directory.delim */
        fx_init(&f, "value.converter=json\nvalue.converter.schemas.enable=false\npartitioner.class=field\n"
                    "partition.field.name=country,addr.zip,n\ndirectory.delim=#\n");
        enc_ok(&f, schemaless, 0, "country=FR#addr.zip=75001#n=-3");
        enc_fail(&f, "{\"country\":\"FR\",\"n\":1}", "partition.field.name addr.zip: no field addr in the value");
        enc_fail(&f, "{\"country\":\"FR\",\"addr\":{},\"n\":1}", "partition.field.name addr.zip: no field zip in addr");
        enc_fail(&f, "{\"country\":\"FR\",\"addr\":5,\"n\":1}", "addr is not a struct or map");
        enc_fail(&f, "{\"country\":null,\"addr\":{\"zip\":\"1\"},\"n\":1}", "partition.field.name country: the value is null");
        enc_fail(&f, "{\"country\":1.5,\"addr\":{\"zip\":\"1\"},\"n\":1}",
                 "partition.field.name country is float64; only integers, strings and booleans");
        enc_fail(&f, "[1,2]", "partition.field.name country: value is not a struct or map");
        assert_int_equal(f.out.len, 0); /* nothing half-written */
        fx_free(&f);

        fx_init(&f, "value.converter=json\nvalue.converter.schemas.enable=true\npartitioner.class=field\n"
                    "partition.field.name=ratio\n");
        enc_fail(&f, with_schema, "partition.field.name ratio is float64");
        fx_free(&f);

        fx_init(&f, "value.converter=string\npartitioner.class=field\npartition.field.name=a\n");
        enc_fail(&f, "{\"a\":1}", "FieldPartitioner: the value is text, not a struct or JSON object");
        fx_free(&f);
}

/* 1560328800000 = 2019-06-12T08:40:00Z = 16:40 in Asia/Shanghai (UTC+8, no DST): the Java connector's README
 * example (path.format YYYY-MM-dd-HH, one-hour buckets) names it 2019-06-12-16. */
#define README_TS 1560328800000LL

static void test_time_record(void **state) {
        (void)state;
        fx_t f;
        fx_init(&f, "value.converter=string\n"
                    "partitioner.class=io.confluent.connect.storage.partitioner.TimeBasedPartitioner\n"
                    "timestamp.extractor=Record\npartition.duration.ms=3600000\npath.format=YYYY-MM-dd-HH\n"
                    "locale=US\ntimezone=Asia/Shanghai\n");
        enc_ok(&f, "x", README_TS, "2019-06-12-16");
        assert_int_equal(f.ts, README_TS);
        enc_ok(&f, "x", README_TS + 20 * 60000 - 1, "2019-06-12-16"); /* 16:59:59.999 */
        enc_ok(&f, "x", README_TS + 20 * 60000, "2019-06-12-17");
        assert_int_equal(enc(&f, "x", -1), -1); /* no timestamp (-1, as librdkafka reports it) */
        assert_string_equal(f.err.msg, "timestamp.extractor=Record: the record has no timestamp");
        fx_free(&f);
}

static void test_time_record_field(void **state) {
        (void)state;
        fx_t f;
        /* Timestamp logical type in a struct, 15-minute buckets in UTC */
        fx_init(&f, "value.converter=json\nvalue.converter.schemas.enable=true\npartitioner.class=time\n"
                    "timestamp.extractor=RecordField\ntimestamp.field=meta.at\npartition.duration.ms=900000\n"
                    "path.format='dt'=yyyyMMdd/'t'=HHmm\nlocale=en\ntimezone=UTC\n");
        static const char ts_struct[] =
                "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"meta\",\"type\":\"struct\",\"fields\":["
                "{\"field\":\"at\",\"type\":\"int64\",\"name\":\"org.apache.kafka.connect.data.Timestamp\"}]}]},"
                "\"payload\":{\"meta\":{\"at\":1560329099000}}}"; /* 08:44:59 -> bucket 08:30 */
        enc_ok(&f, ts_struct, 1, "dt=20190612/t=0830");
        assert_int_equal(f.ts, 1560329099000LL);
        fx_free(&f);

        /* schemaless JSON: numbers (milliseconds) and ISO-8601 strings; daily buckets in New York (UTC-4 in June) */
        fx_init(&f, "value.converter=json\nvalue.converter.schemas.enable=false\npartitioner.class=daily\n"
                    "timestamp.extractor=RecordField\ntimestamp.field=ts\nlocale=en\ntimezone=America/New_York\n");
        enc_ok(&f, "{\"ts\":1560328800000}", 0, "year=2019/month=06/day=12");
        enc_ok(&f, "{\"ts\":\"2019-06-12T03:59:59Z\"}", 0, "year=2019/month=06/day=11"); /* 23:59:59 the 11th */
        enc_ok(&f, "{\"ts\":\"2019-06-12T00:30:00-04:00\"}", 0, "year=2019/month=06/day=12");
        assert_int_equal(f.ts, 1560313800000LL);
        enc_fail(&f, "{\"ts\":\"yesterday\"}", "timestamp.field ts: \"yesterday\" is not an ISO-8601 time");
        enc_fail(&f, "{\"ts\":true}", "timestamp.field ts is boolean");
        enc_fail(&f, "{\"at\":1}", "timestamp.field ts: no field ts in the value");
        enc_fail(&f, "{\"ts\":null}", "timestamp.field ts: the value is null");
        fx_free(&f);

        /* a Date (days) and an hourly partitioner with another directory.delim */
        fx_init(&f, "value.converter=json\nvalue.converter.schemas.enable=true\npartitioner.class=hourly\n"
                    "timestamp.extractor=RecordField\ntimestamp.field=d\nlocale=en\ntimezone=Asia/Kolkata\n"
                    "directory.delim=_\n");
        static const char date_struct[] =
                "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"d\",\"type\":\"int32\","
                "\"name\":\"org.apache.kafka.connect.data.Date\"}]},\"payload\":{\"d\":18059}}";
        /* day 18059 = 2019-06-12T00:00Z = 05:30 in Kolkata (UTC+5:30) */
        enc_ok(&f, date_struct, 0, "year=2019_month=06_day=12_hour=05");
        assert_int_equal(f.ts, 18059LL * 86400000);
        fx_free(&f);
}

static void test_time_wallclock(void **state) {
        (void)state;
        fx_t f;
        fx_init(&f, "value.converter=string\npartitioner.class=time\npartition.duration.ms=86400000\n"
                    "path.format=yyyy\nlocale=en\ntimezone=UTC\n");
        assert_int_equal(enc(&f, "x", 0), 0);
        assert_int_equal(f.out.len, 4); /* whatever year it is now ... */
        assert_true(f.out.data[0] == '2' && f.out.data[1] >= '0');
        assert_true(f.ts > 1700000000000LL); /* ... from the clock, not the record's timestamp 0 */
        fx_free(&f);
}

static int has(const kco_conf_errs_t *e, const char *want) {
        for (int i = 0; i < e->n; i++)
                if (strstr(e->msg[i], want))
                        return 1;
        for (int i = 0; i < e->n; i++)
                fprintf(stderr, "  error: %s\n", e->msg[i]);
        return 0;
}

static void test_config_errors(void **state) {
        (void)state;
        kco_conf_errs_t e;
        kco_conf_t *c = conf_of("partitioner.class=io.confluent.connect.storage.partitioner.TimeBasedPartitioner\n", &e);
        assert_true(has(&e, "partition.duration.ms = \"-1\": Partition duration needs to be a positive."));
        assert_true(has(&e, "path.format = \"\": Path format cannot be empty."));
        assert_true(has(&e, "locale = \"\": Locale cannot be empty."));
        assert_true(has(&e, "timezone = \"\": Timezone cannot be empty."));
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);

        c = conf_of("partitioner.class=time\npartition.duration.ms=60000\npath.format=YYYY-q\nlocale=en\n"
                    "timezone=Mars/Base\n", &e);
        assert_true(has(&e, "timezone = \"Mars/Base\""));
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);

        c = conf_of("partitioner.class=time\npartition.duration.ms=60000\npath.format=YYYY-q\nlocale=en\n"
                    "timezone=UTC\n", &e);
        assert_true(has(&e, "path.format = \"YYYY-q\""));
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);

        c = conf_of("partitioner.class=time\npartition.duration.ms=60000\npath.format=/\nlocale=en\ntimezone=UTC\n",
                    &e);
        assert_true(has(&e, "Path format cannot be empty."));
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);

        c = conf_of("partitioner.class=field\n", &e);
        assert_true(has(&e, "partition.field.name: required by FieldPartitioner"));
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);

        c = conf_of("partitioner.class=field\npartition.field.name=a..b\n", &e);
        assert_true(has(&e, "partition.field.name = \"a..b\""));
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);

        /* a trailing delimiter is dropped, as the Java partitioner does */
        c = conf_of("partitioner.class=time\npartition.duration.ms=60000\npath.format=YYYY/MM/\nlocale=en\n"
                    "timezone=UTC\n", &e);
        assert_int_equal(e.n, 0);
        assert_string_equal(c->path_format, "YYYY/MM");
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_default),          cmocka_unit_test(test_field),
                cmocka_unit_test(test_time_record),      cmocka_unit_test(test_time_record_field),
                cmocka_unit_test(test_time_wallclock),   cmocka_unit_test(test_config_errors),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
