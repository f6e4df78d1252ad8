/*
 * test_conf.c - the config table: defaults, Java class names and aliases,
 * every error reported at once, typo hints, consumer pass-through, docs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "kafka/kco_consumer.h"
#include "worker/kco_conf.h"

static kco_props_t *props(const char *text) {
        kco_props_t *p = kco_props_new();
        char err[256];
        assert_int_equal(kco_props_parse(p, text, strlen(text), "test", err, sizeof(err)), 0);
        return p;
}

static int has_msg(char **msgs, int n, const char *needle) {
        for (int i = 0; i < n; i++)
                if (strstr(msgs[i], needle))
                        return 1;
        return 0;
}

static const char *good = "name=s\ntopics=a, b ,c\nflush.size=100\n"
                          "format.class=com.aliyun.oss.connect.kafka.format.json.JsonFormat\n"
                          "storage.class=local\nstore.url=file:///tmp/x\n";

static void test_defaults_and_java_names(void **state) {
        (void)state;
        kco_props_t *w = props("bootstrap.servers=k:9092\n"
                               "value.converter=org.apache.kafka.connect.storage.StringConverter\n"
                               "consumer.fetch.max.bytes=1000000\nconsumer.override.x=1\n");
        kco_props_t *c = props(good);
        kco_conf_errs_t e;
        kco_conf_errs_init(&e);
        kco_conf_t *conf = kco_conf_new(w, c, &e);
        assert_non_null(conf);
        assert_int_equal(e.n, 0);
        assert_string_equal(conf->bootstrap_servers, "k:9092");
        assert_int_equal(conf->value_converter, KCO_CONVERTER_STRING);
        assert_int_equal(conf->key_converter, KCO_CONVERTER_BYTEARRAY);
        assert_int_equal(conf->format, KCO_FORMAT_JSON);
        assert_int_equal(conf->topics.n, 3);
        assert_string_equal(conf->topics.v[1], "b");
        assert_int_equal(conf->flush_size, 100);
        assert_int_equal(conf->rotate_interval_ms, -1);
        assert_int_equal(conf->pad_width, 10);
        assert_string_equal(conf->topics_dir, "topics");
        assert_string_equal(conf->directory_delim, "/");
        assert_string_equal(conf->file_delim, "+");
        assert_string_equal(conf->bytearray_extension, ".bin");
        assert_string_equal(conf->bytearray_separator, "\n");
        assert_int_equal(conf->tasks_max, 1);
        assert_string_equal(kco_props_get(conf->consumer, "fetch.max.bytes"), "1000000");
        assert_string_equal(kco_props_get(conf->consumer, "x"), "1");
        kco_conf_destroy(conf);
        kco_conf_errs_free(&e);
        kco_props_destroy(w);
        kco_props_destroy(c);
}

static void test_aliases(void **state) {
        (void)state;
        kco_props_t *c = props("name=s\ntopics=a\nflush.size=1\nformat.class=bytearray\nstorage.class=local\n"
                               "store.url=file:///tmp/x\nconnector.class=OSSSinkConnector\n"
                               "partitioner.class=io.confluent.connect.storage.partitioner.DefaultPartitioner\n"
                               "oss.compression.type=ZSTD\nvalue.converter=ByteArrayConverter\n");
        kco_conf_errs_t e;
        kco_conf_errs_init(&e);
        kco_conf_t *conf = kco_conf_new(NULL, c, &e);
        assert_non_null(conf);
        assert_int_equal(conf->format, KCO_FORMAT_BYTEARRAY);
        assert_int_equal(conf->compression, KCO_COMPRESS_ZSTD);
        kco_conf_destroy(conf);
        kco_conf_errs_free(&e);
        kco_props_destroy(c);
}

static void test_all_errors_at_once(void **state) {
        (void)state;
        kco_props_t *c = props("flush.size=abc\ntasks.max=0\nformat.class=CsvFormat\n"
                               "filename.offset.zero.pad.width=99\nstorage.class=local\nstore.url=/rel\n"
                               "flsh.size=3\nenhanced.avro.schema.support=true\n");
        kco_conf_errs_t e;
        kco_conf_errs_init(&e);
        kco_conf_t *conf = kco_conf_new(NULL, c, &e);
        kco_conf_destroy(conf);
        assert_true(has_msg(e.msg, e.n, "flush.size = \"abc\": not an integer"));
        assert_true(has_msg(e.msg, e.n, "tasks.max = \"0\": must be between 1 and 1024"));
        assert_true(has_msg(e.msg, e.n, "format.class = \"CsvFormat\": unknown value; expected one of:"));
        assert_true(has_msg(e.msg, e.n, "filename.offset.zero.pad.width = \"99\""));
        assert_true(has_msg(e.msg, e.n, "name: required"));
        assert_true(has_msg(e.msg, e.n, "topics: required"));
        assert_true(has_msg(e.msg, e.n, "store.url = \"/rel\""));
        assert_int_equal(e.n, 7);
        assert_true(has_msg(e.warn, e.nwarn, "flsh.size: unknown key; did you mean flush.size?"));
        assert_true(has_msg(e.warn, e.nwarn, "enhanced.avro.schema.support: not supported by this version yet"));
        kco_conf_errs_free(&e);
        kco_props_destroy(c);
}

static void test_topics_and_regex_exclusive(void **state) {
        (void)state;
        kco_props_t *c = props(good);
        kco_props_set(c, "topics.regex", "a.*");
        kco_conf_errs_t e;
        kco_conf_errs_init(&e);
        kco_conf_destroy(kco_conf_new(NULL, c, &e));
        assert_true(has_msg(e.msg, e.n, "set one of them, not both"));
        kco_conf_errs_free(&e);
        kco_props_destroy(c);
}

static void test_consumer_passthrough_checked(void **state) {
        (void)state;
        kco_props_t *w = props("consumer.fetch.wait.max.ms=notanumber\nconsumer.max.poll.records=500\n"
                               "consumer.group.id=other\n");
        kco_props_t *c = props(good);
        kco_conf_errs_t e;
        kco_conf_errs_init(&e);
        kco_conf_t *conf = kco_conf_new(w, c, &e);
        assert_non_null(conf);
        kco_consumer_check_conf(conf, &e);
        assert_true(has_msg(e.msg, e.n, "consumer.fetch.wait.max.ms = \"notanumber\""));
        assert_true(has_msg(e.warn, e.nwarn, "consumer.max.poll.records: not a librdkafka consumer property"));
        assert_true(has_msg(e.warn, e.nwarn, "consumer.group.id: set by the connector itself"));
        kco_conf_destroy(conf);
        kco_conf_errs_free(&e);
        kco_props_destroy(w);
        kco_props_destroy(c);
}

static void test_converters_avro_and_errors(void **state) {
        (void)state;
        kco_props_t *c = props(good);
        kco_props_set(c, "value.converter", "io.confluent.connect.avro.AvroConverter");
        kco_props_set(c, "key.converter", "org.apache.kafka.connect.json.JsonConverter");
        kco_props_set(c, "key.converter.schemas.enable", "false");
        kco_props_set(c, "format.class", "com.aliyun.oss.connect.kafka.format.avro.AvroFormat");
        kco_props_set(c, "avro.codec", "bzip2");
        kco_props_set(c, "errors.tolerance", "all");
        kco_props_set(c, "errors.deadletterqueue.topic.name", "dlq");
        kco_props_set(c, "producer.override.linger.ms", "7");
        kco_props_set(c, "oss.compression.type", "gzip");
        kco_conf_errs_t e;
        kco_conf_errs_init(&e);
        kco_conf_t *conf = kco_conf_new(NULL, c, &e);
        assert_int_equal(conf->value_converter, KCO_CONVERTER_AVRO);
        assert_int_equal(conf->key_converter, KCO_CONVERTER_JSON);
        assert_int_equal(conf->key_schemas_enable, 0);
        assert_int_equal(conf->value_schemas_enable, 1);
        assert_int_equal(conf->format, KCO_FORMAT_AVRO);
        assert_int_equal(conf->errors_tolerance, KCO_ERRORS_ALL);
        assert_string_equal(conf->dlq_topic, "dlq");
        assert_string_equal(kco_props_get(conf->producer, "linger.ms"), "7");
        /* one error each: the codec avro-c lacks (said once, with the reason) and the registry URL */
        assert_true(has_msg(e.msg, e.n, "avro.codec = \"bzip2\": not available"));
        assert_true(has_msg(e.msg, e.n, "value.converter.schema.registry.url: required by AvroConverter"));
        assert_true(has_msg(e.msg, e.n, "oss.compression.type = \"gzip\": compresses ByteArrayFormat and JsonFormat"));
        assert_int_equal(e.n, 3);
        kco_conf_errs_free(&e);
        kco_conf_destroy(conf);
        kco_props_destroy(c);
}

static void test_parquet_keys(void **state) {
        (void)state;
        kco_props_t *c = props(good);
        kco_props_set(c, "format.class", "com.aliyun.oss.connect.kafka.format.parquet.ParquetAvroFormat");
        kco_props_set(c, "oss.parquet.compression.codec", "lz4");
        kco_props_set(c, "oss.parquet.block.size", "1048576");
        kco_conf_errs_t e;
        kco_conf_errs_init(&e);
        kco_conf_t *conf = kco_conf_new(NULL, c, &e);
        assert_int_equal(e.n, 0);
        assert_int_equal(conf->format, KCO_FORMAT_PARQUET_AVRO);
        assert_int_equal(conf->parquet_codec, KCO_PARQUET_LZ4_RAW); /* the LZ4 current readers know */
        assert_int_equal(conf->parquet_block_size, 1048576);
        assert_int_equal(conf->parquet_page_size, 131072);
        kco_conf_destroy(conf);
        kco_conf_errs_free(&e);
        /* brotli: one error with the reason; whole-object compression of a Parquet file: refused */
        kco_props_set(c, "oss.parquet.compression.codec", "brotli");
        kco_props_set(c, "oss.compression.type", "gzip");
        kco_conf_errs_init(&e);
        kco_conf_destroy(kco_conf_new(NULL, c, &e));
        assert_true(has_msg(e.msg, e.n, "oss.parquet.compression.codec = \"brotli\": not available"));
        assert_true(has_msg(e.msg, e.n, "ParquetAvroFormat compresses inside the file"));
        assert_int_equal(e.n, 2);
        kco_conf_errs_free(&e);
        kco_props_destroy(c);
}

static void test_docs_list_every_key(void **state) {
        (void)state;
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        kco_conf_write_docs(f);
        fclose(f);
        for (const kco_conf_def_t *d = kco_conf_defs; d->name; d++) {
                char needle[128];
                snprintf(needle, sizeof(needle), "| `%s` |", d->name);
                assert_non_null(strstr(buf, needle));
        }
        free(buf);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults_and_java_names),  cmocka_unit_test(test_aliases),
                cmocka_unit_test(test_all_errors_at_once),       cmocka_unit_test(test_topics_and_regex_exclusive),
                cmocka_unit_test(test_consumer_passthrough_checked),
                cmocka_unit_test(test_docs_list_every_key),      cmocka_unit_test(test_converters_avro_and_errors),
                cmocka_unit_test(test_parquet_keys),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
