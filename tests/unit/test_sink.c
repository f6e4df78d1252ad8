/*
 * test_sink.c - rotation decisions and object naming of the sink, against
 * the real local store in a temporary directory: flush.size, rotate.interval.ms,
 * discard on revoke, tombstones, compression, key layout, rotation on a
 * schema change, a failed first record leaves no file behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "convert/kco_converter.h"
#include "core/kco_arena.h"
#include "sink/kco_sink.h"
#include "store/kco_store.h"

typedef struct fixture {
        char dir[64];
        kco_conf_t *conf;
        kco_store_t *store;
        kco_stats_t stats;
        kco_sink_t *sink;
} fixture_t;

static fixture_t *setup_with(const char *extra) {
        fixture_t *f = calloc(1, sizeof(*f));
        strcpy(f->dir, "/tmp/kco-test-sink-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        kco_props_t *p = kco_props_new();
        char text[1024], err[256];
        snprintf(text, sizeof(text),
                 "name=t\ntopics=t\nformat.class=json\nstorage.class=local\nstore.url=file://%s\n"
                 "value.converter=string\nflush.size=3\n%s",
                 f->dir, extra);
        assert_int_equal(kco_props_parse(p, text, strlen(text), "test", err, sizeof(err)), 0);
        kco_conf_errs_t e;
        kco_conf_errs_init(&e);
        f->conf = kco_conf_new(NULL, p, &e);
        for (int i = 0; i < e.n; i++)
                fprintf(stderr, "%s\n", e.msg[i]);
        assert_int_equal(e.n, 0);
        kco_conf_errs_free(&e);
        kco_props_destroy(p);
        kco_err_t err2;
        f->store = kco_store_new(f->conf, &err2);
        assert_non_null(f->store);
        f->sink = kco_sink_new(f->conf, f->store, &f->stats, 0, &err2);
        assert_non_null(f->sink);
        return f;
}

static void teardown_f(fixture_t *f) {
        kco_sink_destroy(f->sink);
        kco_store_destroy(f->store);
        kco_conf_destroy(f->conf);
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
        assert_int_equal(system(cmd), 0);
        free(f);
}

static int write_rec(fixture_t *f, int32_t part, int64_t off, int64_t ts, const char *value) {
        kco_record_t r = {.topic = "t", .partition = part, .offset = off, .timestamp = ts};
        r.value.type = value ? KCO_DATA_STRING : KCO_DATA_NULL;
        r.value.ptr = value;
        r.value.len = value ? strlen(value) : 0;
        kco_err_t err;
        kco_err_clear(&err);
        int rc = kco_sink_write(f->sink, &r, &err);
        if (rc)
                fprintf(stderr, "write: %s\n", err.msg);
        return rc;
}

static char *slurp(const char *path, size_t *len) {
        FILE *fp = fopen(path, "rb");
        if (!fp)
                return NULL;
        fseek(fp, 0, SEEK_END);
        long n = ftell(fp);
        fseek(fp, 0, SEEK_SET);
        char *b = malloc((size_t)n + 1);
        assert_int_equal(fread(b, 1, (size_t)n, fp), (size_t)n);
        b[n] = 0;
        fclose(fp);
        *len = (size_t)n;
        return b;
}

static char *obj(fixture_t *f, const char *key) {
        char path[512];
        size_t len;
        snprintf(path, sizeof(path), "%s/%s", f->dir, key);
        return slurp(path, &len);
}

/* number of entries (incl. hidden temp files) in a directory */
static int count_entries(const char *dir) {
        DIR *d = opendir(dir);
        if (!d)
                return 0;
        int n = 0;
        struct dirent *e;
        while ((e = readdir(d)))
                if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                        n++;
        closedir(d);
        return n;
}

static int64_t ready_off;
static void capture_ready(void *o, const char *topic, int32_t p, int64_t off) {
        (void)o, (void)topic, (void)p;
        ready_off = off;
}

static void test_flush_size_rotation(void **state) {
        (void)state;
        fixture_t *f = setup_with("");
        kco_sink_assign(f->sink, "t", 0);
        const char *vals[] = {"{\"a\":1}", "plain text", "[1,\n2]", "\"s\"", "42", "{\"z\":null}", "x", "y"};
        for (int i = 0; i < 8; i++)
                assert_int_equal(write_rec(f, 0, 100 + i, 1000, vals[i]), 0);
        char *a = obj(f, "topics/t/partition=0/t+0+0000000100.json");
        char *b = obj(f, "topics/t/partition=0/t+0+0000000103.json");
        assert_non_null(a);
        assert_non_null(b);
        assert_string_equal(a, "{\"a\":1}\n\"plain text\"\n[1, 2]\n");
        assert_string_equal(b, "\"s\"\n42\n{\"z\":null}\n");
        assert_null(obj(f, "topics/t/partition=0/t+0+0000000106.json"));
        ready_off = -1;
        kco_sink_foreach_ready(f->sink, capture_ready, NULL);
        assert_int_equal(ready_off, 106);
        /* in flight: not offered twice; a failed commit is offered again */
        ready_off = -1;
        kco_sink_foreach_ready(f->sink, capture_ready, NULL);
        assert_int_equal(ready_off, -1);
        kco_sink_commit_result(f->sink, "t", 0, 106, 0);
        kco_sink_foreach_ready(f->sink, capture_ready, NULL);
        assert_int_equal(ready_off, 106);
        kco_sink_commit_result(f->sink, "t", 0, 106, 1);
        ready_off = -1;
        kco_sink_foreach_ready(f->sink, capture_ready, NULL);
        assert_int_equal(ready_off, -1);
        assert_int_equal(kco_sink_open_files(f->sink), 1);
        /* revoke discards the open file: no temp file left, nothing visible */
        kco_sink_revoke(f->sink, "t", 0);
        char d[256];
        snprintf(d, sizeof(d), "%s/topics/t/partition=0", f->dir);
        assert_int_equal(count_entries(d), 2);
        assert_int_equal(kco_stats_get(f->stats.records_committed), 6);
        free(a);
        free(b);
        teardown_f(f);
}

static void test_rotate_interval(void **state) {
        (void)state;
        fixture_t *f = setup_with("flush.size=100\nrotate.interval.ms=1000\n");
        kco_sink_assign(f->sink, "t", 1);
        int64_t ts[] = {5000, 5500, 5999, 6000, 6100, 7500};
        for (int i = 0; i < 6; i++)
                assert_int_equal(write_rec(f, 1, i, ts[i], "1"), 0);
        /* 6000 - 5000 >= 1000: the first file holds 0..2; 7500 - 6000: second holds 3..4 */
        char *a = obj(f, "topics/t/partition=1/t+1+0000000000.json");
        char *b = obj(f, "topics/t/partition=1/t+1+0000000003.json");
        assert_non_null(a);
        assert_non_null(b);
        assert_string_equal(a, "1\n1\n1\n");
        assert_string_equal(b, "1\n1\n");
        ready_off = -1;
        kco_sink_foreach_ready(f->sink, capture_ready, NULL);
        assert_int_equal(ready_off, 5);
        free(a);
        free(b);
        teardown_f(f);
}


static void ready_cb(void *opaque, const char *topic, int32_t partition, int64_t offset) {
        (void)topic, (void)partition;
        *(int64_t *)opaque = offset;
}

/* a typed string value whose schema is named name */
static int write_typed(fixture_t *f, int64_t off, const kco_schema_t *schema, const char *text) {
        kco_value_t v = {.type = text ? KCO_TYPE_STRING : KCO_TYPE_NULL, .schema = schema};
        v.u.s.ptr = text;
        v.u.s.len = text ? strlen(text) : 0;
        kco_record_t r = {.topic = "t", .partition = 0, .offset = off, .timestamp = 0};
        r.value.type = KCO_DATA_VALUE;
        r.value.v = &v;
        kco_err_t err;
        kco_err_clear(&err);
        int rc = kco_sink_write(f->sink, &r, &err);
        if (rc)
                fprintf(stderr, "write: %s\n", err.msg);
        return rc;
}

static void test_schema_change_rotates(void **state) {
        (void)state;
        fixture_t *f = setup_with("flush.size=10\nformat.class=bytearray\n");
        kco_sink_assign(f->sink, "t", 0);
        kco_schema_t *a = kco_schema_new(KCO_TYPE_STRING), *a2 = kco_schema_new(KCO_TYPE_STRING);
        kco_schema_t *b = kco_schema_new(KCO_TYPE_STRING);
        kco_schema_set_name(a, "A");
        kco_schema_set_name(a2, "A"); /* equal to a, another tree */
        kco_schema_set_name(b, "B");
        assert_int_equal(write_typed(f, 0, a, "x"), 0);
        assert_int_equal(write_typed(f, 1, a2, "y"), 0);
        kco_schema_unref(a); /* the sink keeps its own reference */
        assert_int_equal(write_typed(f, 2, b, "z"), 0); /* differs: 0..1 committed */
        char *o = obj(f, "topics/t/partition=0/t+0+0000000000.bin");
        assert_non_null(o);
        assert_string_equal(o, "x\ny\n");
        free(o);
        assert_null(obj(f, "topics/t/partition=0/t+0+0000000002.bin"));
        /* a value the format refuses, first in its file: no empty file stays open */
        kco_sink_revoke(f->sink, "t", 0);
        kco_sink_assign(f->sink, "t", 0);
        kco_schema_t *st = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_alloc_fields(st, 0);
        kco_value_t v = {.type = KCO_TYPE_STRUCT, .schema = st};
        kco_record_t r = {.topic = "t", .partition = 0, .offset = 5, .timestamp = 0};
        r.value.type = KCO_DATA_VALUE;
        r.value.v = &v;
        kco_err_t err;
        assert_int_equal(kco_sink_write(f->sink, &r, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_int_equal(kco_sink_open_files(f->sink), 0);
        kco_sink_skip(f->sink, &r);
        int64_t ready = -1;
        kco_sink_foreach_ready(f->sink, ready_cb, &ready);
        assert_int_equal(ready, 6);
        kco_schema_unref(st);
        kco_schema_unref(a2);
        kco_schema_unref(b);
        teardown_f(f);
}

static void test_metadata_fields(void **state) {
        (void)state;
        fixture_t *f = setup_with("flush.size=2\nformat.metadata.fields.enable=true\n");
        kco_sink_assign(f->sink, "t", 0);
        kco_schema_t *st = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_set_name(st, "com.example.Click");
        kco_schema_alloc_fields(st, 1);
        kco_schema_set_field(st, 0, "id", kco_schema_node(st, KCO_TYPE_INT32));
        kco_value_t fields[1] = {{.type = KCO_TYPE_INT32, .schema = st->fields[0].schema, .u.i = 42}};
        kco_value_t v = {.type = KCO_TYPE_STRUCT, .schema = st, .u.c = {fields, 1}};
        kco_header_t hdrs[2] = {{"h1", "v1", 2}, {"h2", NULL, 0}};
        kco_record_t r = {.topic = "t", .partition = 0, .offset = 3, .timestamp = 1700000000000, .headers = hdrs,
                          .nheaders = 2};
        r.key.type = KCO_DATA_STRING;
        r.key.ptr = "k1";
        r.key.len = 2;
        r.value.type = KCO_DATA_VALUE;
        r.value.v = &v;
        kco_err_t err;
        kco_err_clear(&err);
        assert_int_equal(kco_sink_write(f->sink, &r, &err), 0);
        /* bytes data, no key, no timestamp: wrapped as __value; a different schema, so a new file */
        kco_record_t b = {.topic = "t", .partition = 0, .offset = 4, .timestamp = -1};
        b.value.type = KCO_DATA_BYTES;
        b.value.ptr = "\x01\x02";
        b.value.len = 2;
        assert_int_equal(kco_sink_write(f->sink, &b, &err), 0);
        b.offset = 5;
        assert_int_equal(kco_sink_write(f->sink, &b, &err), 0);
        char *o = obj(f, "topics/t/partition=0/t+0+0000000003.json");
        assert_non_null(o);
        assert_string_equal(o, "{\"id\":42,\"__topic\":\"t\",\"__partition\":0,\"__offset\":3,"
                               "\"__timestamp\":1700000000000,\"__key\":\"k1\",\"__headers\":{\"h1\":\"v1\","
                               "\"h2\":null}}\n");
        free(o);
        o = obj(f, "topics/t/partition=0/t+0+0000000004.json");
        assert_non_null(o);
        assert_string_equal(o, "{\"__value\":\"AQI=\",\"__topic\":\"t\",\"__partition\":0,\"__offset\":4,"
                               "\"__timestamp\":null,\"__key\":null,\"__headers\":{}}\n"
                               "{\"__value\":\"AQI=\",\"__topic\":\"t\",\"__partition\":0,\"__offset\":5,"
                               "\"__timestamp\":null,\"__key\":null,\"__headers\":{}}\n");
        free(o);
        /* StringConverter text holding a JSON object: the members join the object itself */
        kco_sink_assign(f->sink, "t", 1);
        kco_record_t j = {.topic = "t", .partition = 1, .offset = 0, .timestamp = 5};
        j.value.type = KCO_DATA_STRING;
        j.value.ptr = "{\"a\": [1,\n2] } ";
        j.value.len = strlen(j.value.ptr);
        assert_int_equal(kco_sink_write(f->sink, &j, &err), 0);
        j.offset = 1;
        j.value.ptr = "{ }";
        j.value.len = 3;
        assert_int_equal(kco_sink_write(f->sink, &j, &err), 0);
        o = obj(f, "topics/t/partition=1/t+1+0000000000.json");
        assert_non_null(o);
        assert_string_equal(o, "{\"a\": [1, 2],\"__topic\":\"t\",\"__partition\":1,\"__offset\":0,"
                               "\"__timestamp\":5,\"__key\":null,\"__headers\":{}}\n"
                               "{\"__topic\":\"t\",\"__partition\":1,\"__offset\":1,"
                               "\"__timestamp\":5,\"__key\":null,\"__headers\":{}}\n");
        free(o);
        kco_schema_unref(st);
        teardown_f(f);
}

static void test_tombstones(void **state) {
        (void)state;
        fixture_t *f = setup_with("flush.size=2\n");
        kco_sink_assign(f->sink, "t", 0);
        int64_t ready = -1;
        assert_int_equal(write_rec(f, 0, 0, 0, NULL), 0);
        /* nothing open before the ignored tombstone: its successor is ready to commit */
        kco_sink_foreach_ready(f->sink, ready_cb, &ready);
        assert_int_equal(ready, 1);
        assert_int_equal(write_rec(f, 0, 1, 0, "a"), 0);
        assert_int_equal(write_rec(f, 0, 2, 0, NULL), 0);
        assert_int_equal(write_rec(f, 0, 3, 0, "b"), 0);
        char *a = obj(f, "topics/t/partition=0/t+0+0000000001.json");
        assert_non_null(a);
        assert_string_equal(a, "\"a\"\n\"b\"\n");
        assert_int_equal(kco_stats_get(f->stats.records_skipped), 2);
        kco_sink_foreach_ready(f->sink, ready_cb, &ready);
        assert_int_equal(ready, 4);
        /* a tolerated bad record while a file is open: the next commit covers it */
        assert_int_equal(write_rec(f, 0, 4, 0, "c"), 0);
        kco_record_t bad = {.topic = "t", .partition = 0, .offset = 5, .timestamp = 0};
        kco_sink_skip(f->sink, &bad);
        ready = -1;
        kco_sink_foreach_ready(f->sink, ready_cb, &ready);
        assert_int_equal(ready, -1);
        assert_int_equal(write_rec(f, 0, 6, 0, "d"), 0);
        kco_sink_foreach_ready(f->sink, ready_cb, &ready);
        assert_int_equal(ready, 7);
        free(a);
        teardown_f(f);

        f = setup_with("flush.size=2\nbehavior.on.null.values=fail\n");
        kco_sink_assign(f->sink, "t", 0);
        kco_record_t r = {.topic = "t", .partition = 0, .offset = 7, .timestamp = 0};
        kco_err_t err;
        assert_int_equal(kco_sink_write(f->sink, &r, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_non_null(strstr(err.msg, "behavior.on.null.values=fail"));
        teardown_f(f);

        f = setup_with("flush.size=2\nbehavior.on.null.values=write\n");
        kco_sink_assign(f->sink, "t", 0);
        assert_int_equal(write_rec(f, 0, 0, 0, NULL), 0);
        assert_int_equal(write_rec(f, 0, 1, 0, "{}"), 0);
        a = obj(f, "topics/t/partition=0/t+0+0000000000.json");
        assert_string_equal(a, "null\n{}\n");
        free(a);
        teardown_f(f);
}

static void test_object_keys(void **state) {
        (void)state;
        fixture_t *f = setup_with("topics.dir=\ndirectory.delim=_\nfile.delim=-\nfilename.offset.zero.pad.width=3\n");
        char *k = kco_sink_object_key(f->conf, ".json", "clicks", 12, "partition=12", 7);
        assert_string_equal(k, "clicks_partition=12_clicks-12-007.json");
        free(k);
        teardown_f(f);
        f = setup_with("topics.dir=data/out\n");
        k = kco_sink_object_key(f->conf, ".bin.gz", "a.b", 0, "partition=0", 12345678901LL);
        assert_string_equal(k, "data/out/a.b/partition=0/a.b+0+12345678901.bin.gz");
        free(k);
        teardown_f(f);
}

static void test_compression(void **state) {
        (void)state;
        fixture_t *f = setup_with("flush.size=1000\noss.compression.type=gzip\n");
        kco_sink_assign(f->sink, "t", 0);
        char big[2000];
        memset(big, 'q', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        for (int i = 0; i < 1000; i++)
                assert_int_equal(write_rec(f, 0, i, 0, big), 0);
        char path[512];
        snprintf(path, sizeof(path), "%s/topics/t/partition=0/t+0+0000000000.json.gz", f->dir);
        gzFile gz = gzopen(path, "rb");
        assert_non_null(gz);
        size_t total = 0;
        char buf[65536];
        int n;
        while ((n = gzread(gz, buf, sizeof(buf))) > 0)
                total += (size_t)n;
        gzclose(gz);
        assert_int_equal(total, 1000 * (sizeof(big) - 1 + 3));
        teardown_f(f);

        f = setup_with("flush.size=2\noss.compression.type=zstd\nformat.class=bytearray\n");
        kco_sink_assign(f->sink, "t", 0);
        assert_int_equal(write_rec(f, 0, 0, 0, "hello"), 0);
        assert_int_equal(write_rec(f, 0, 1, 0, "world"), 0);
        snprintf(path, sizeof(path), "%s/topics/t/partition=0/t+0+0000000000.bin.zst", f->dir);
        size_t len;
        char *z = slurp(path, &len);
        assert_non_null(z);
        char out[64];
        size_t m = ZSTD_decompress(out, sizeof(out), z, len);
        assert_false(ZSTD_isError(m));
        assert_int_equal(m, 12);
        assert_memory_equal(out, "hello\nworld\n", 12);
        free(z);
        teardown_f(f);
}

static void test_offsets_must_advance(void **state) {
        (void)state;
        fixture_t *f = setup_with("flush.size=10\n");
        kco_sink_assign(f->sink, "t", 0);
        assert_int_equal(write_rec(f, 0, 5, 0, "a"), 0);
        assert_int_equal(write_rec(f, 0, 6, 0, "b"), 0);
        kco_record_t r = {.topic = "t", .partition = 0, .offset = 6, .timestamp = 0};
        r.value.type = KCO_DATA_STRING;
        r.value.ptr = "c";
        r.value.len = 1;
        kco_err_t err;
        assert_int_equal(kco_sink_write(f->sink, &r, &err), -1);
        assert_true(err.retriable);
        /* rewinding discards the open file and goes back to the first offset not committed */
        assert_int_equal(kco_sink_rewind(f->sink, "t", 0, 6), 5);
        assert_int_equal(kco_sink_open_files(f->sink), 0);
        /* a partition whose first record failed before reaching the sink goes back to that record */
        kco_sink_assign(f->sink, "t", 7);
        assert_int_equal(kco_sink_rewind(f->sink, "t", 7, 42), 42);
        kco_sink_revoke(f->sink, "t", 7);
        assert_int_equal(write_rec(f, 0, 5, 0, "a"), 0);
        /* a partition not assigned (revoked meanwhile) is skipped, not written */
        assert_int_equal(write_rec(f, 3, 0, 0, "x"), 0);
        assert_int_equal(kco_sink_open_files(f->sink), 1);
        teardown_f(f);
}

/* rotate.size.bytes: a file that reaches the size commits the partition's files (JSON: each value + "\n"). */
static void test_size_rotation(void **state) {
        (void)state;
        fixture_t *f = setup_with("flush.size=1000\nrotate.size.bytes=25\n");
        kco_sink_assign(f->sink, "t", 0);
        for (int i = 0; i < 7; i++)
                assert_int_equal(write_rec(f, 0, i, 0, "\"12345678\""), 0); /* 11 bytes a line */
        /* 11, 22, 33 >= 25: offsets 0-2, then 3-5; offset 6 stays open */
        char *a = obj(f, "topics/t/partition=0/t+0+0000000000.json");
        char *b = obj(f, "topics/t/partition=0/t+0+0000000003.json");
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(strlen(a), 33);
        assert_int_equal(strlen(b), 33);
        assert_null(obj(f, "topics/t/partition=0/t+0+0000000006.json"));
        ready_off = -1;
        kco_sink_foreach_ready(f->sink, capture_ready, NULL);
        assert_int_equal(ready_off, 6);
        free(a);
        free(b);
        teardown_f(f);
}

static int64_t ready_by_part[4];
static void capture_ready_part(void *o, const char *topic, int32_t p, int64_t off) {
        (void)o, (void)topic;
        ready_by_part[p] = off;
}

/* partitioner.max.open.files: opening a third file commits the files of the partition holding the most. */
static void test_max_open_files(void **state) {
        (void)state;
        fixture_t *f = setup_with("flush.size=1000\npartitioner.max.open.files=2\n");
        for (int p = 0; p < 3; p++)
                kco_sink_assign(f->sink, "t", p);
        assert_int_equal(write_rec(f, 0, 10, 0, "a"), 0);
        assert_int_equal(write_rec(f, 0, 11, 0, "b"), 0);
        assert_int_equal(write_rec(f, 1, 20, 0, "c"), 0);
        assert_int_equal(kco_sink_open_files(f->sink), 2);
        assert_int_equal(write_rec(f, 2, 30, 0, "d"), 0); /* a third file: partition 0 or 1 commits first */
        assert_int_equal(kco_sink_open_files(f->sink), 2);
        memset(ready_by_part, 0xff, sizeof(ready_by_part));
        kco_sink_foreach_ready(f->sink, capture_ready_part, NULL);
        int committed0 = ready_by_part[0] == 12, committed1 = ready_by_part[1] == 21;
        assert_int_equal(committed0 + committed1, 1);
        assert_int_equal(ready_by_part[2], -1);
        char *o = obj(f, committed0 ? "topics/t/partition=0/t+0+0000000010.json" : "topics/t/partition=1/t+1+0000000020.json");
        assert_non_null(o);
        assert_string_equal(o, committed0 ? "\"a\"\n\"b\"\n" : "\"c\"\n");
        free(o);
        assert_true(kco_stats_get(f->stats.rotations_nondeterministic) >= 1);
        teardown_f(f);
}

/* rotate.schedule.interval.ms: a partition that receives nothing more is committed by the timer. */
static void test_schedule_rotation(void **state) {
        (void)state;
        fixture_t *f = setup_with("flush.size=1000\nrotate.schedule.interval.ms=1000\ntimezone=UTC\n");
        kco_sink_assign(f->sink, "t", 0);
        assert_int_equal(write_rec(f, 0, 5, 0, "x"), 0);
        assert_int_equal(kco_sink_tick(f->sink), 0);
        int waited = 0;
        while (kco_sink_open_files(f->sink) && waited < 3000) { /* the next whole second, at the latest */
                usleep(50000);
                waited += 50;
                assert_int_equal(kco_sink_tick(f->sink), 0);
        }
        assert_int_equal(kco_sink_open_files(f->sink), 0);
        assert_true(waited <= 1500); /* counted in sleeps: a slow machine only sleeps longer */
        char *o = obj(f, "topics/t/partition=0/t+0+0000000005.json");
        assert_non_null(o);
        assert_string_equal(o, "\"x\"\n");
        free(o);
        ready_off = -1;
        kco_sink_foreach_ready(f->sink, capture_ready, NULL);
        assert_int_equal(ready_off, 6);
        teardown_f(f);
}

/* A record whose value is JSON text through the connector's value converter (JsonConverter with schemas). */
static int write_json(fixture_t *f, kco_converter_t *cv, kco_arena_t *a, int64_t off, const char *json,
                      kco_err_t *err) {
        kco_record_t r = {.topic = "t", .partition = 0, .offset = off, .timestamp = 0};
        kco_arena_reset(a);
        kco_err_clear(err);
        if (kco_converter_convert(cv, "t", json, strlen(json), a, &r.value, err))
                fail_msg("convert: %s", err->msg);
        return kco_sink_write(f->sink, &r, err);
}

#define V1 "{\"type\":\"struct\",\"name\":\"R\",\"version\":1,\"fields\":[{\"field\":\"a\",\"type\":\"int32\"}]}"
#define V2                                                                                                             \
        "{\"type\":\"struct\",\"name\":\"R\",\"version\":2,\"fields\":[{\"field\":\"a\",\"type\":\"int32\"},"               \
        "{\"field\":\"b\",\"type\":\"string\",\"optional\":true,\"default\":\"dflt\"}]}"
#define R1(a) "{\"schema\":" V1 ",\"payload\":{\"a\":" #a "}}"
#define R2(a, b) "{\"schema\":" V2 ",\"payload\":{\"a\":" #a ",\"b\":\"" b "\"}}"

/* schema.compatibility over the sequence v1 v1 v2 v2 v1 v1 (the Java connector's alternating-schema scenario):
 * NONE cuts a file at every change; BACKWARD (and FULL) only at the newer version, writing the later v1 records
 * as v2 (b gets its default); FORWARD never (the v2 records are written as v1, b dropped). */
static void check_compat(const char *mode, int flush, const char *const *want_keys, const char *const *want_bodies,
                         int nfiles) {
        char extra[256];
        snprintf(extra, sizeof(extra), "flush.size=%d\nvalue.converter=json\nvalue.converter.schemas.enable=true\n"
                                       "schema.compatibility=%s\n", flush, mode);
        fixture_t *f = setup_with(extra);
        kco_err_t err;
        kco_converter_t *cv = kco_converter_new(f->conf->value_converter, 0, f->conf, &err);
        assert_non_null(cv);
        kco_arena_t *a = kco_arena_new(4096);
        kco_sink_assign(f->sink, "t", 0);
        const char *seq[] = {R1(1), R1(2), R2(3, "x"), R2(4, "y"), R1(5), R1(6)};
        for (int i = 0; i < 6; i++)
                if (write_json(f, cv, a, i, seq[i], &err))
                        fail_msg("%s: record %d: %s", mode, i, err.msg);
        for (int i = 0; i < nfiles; i++) {
                char *o = obj(f, want_keys[i]);
                if (!o)
                        fail_msg("%s: no object %s", mode, want_keys[i]);
                assert_string_equal(o, want_bodies[i]);
                free(o);
        }
        kco_arena_destroy(a);
        kco_converter_destroy(cv);
        teardown_f(f);
}

static void test_schema_compatibility(void **state) {
        (void)state;
        const char *none_keys[] = {"topics/t/partition=0/t+0+0000000000.json", "topics/t/partition=0/t+0+0000000002.json",
                                   "topics/t/partition=0/t+0+0000000004.json"};
        const char *none_bodies[] = {"{\"a\":1}\n{\"a\":2}\n", "{\"a\":3,\"b\":\"x\"}\n{\"a\":4,\"b\":\"y\"}\n",
                                     "{\"a\":5}\n{\"a\":6}\n"};
        /* flush.size is each mode's last file size, so that every file is committed */
        check_compat("NONE", 2, none_keys, none_bodies, 3);
        const char *bw_keys[] = {"topics/t/partition=0/t+0+0000000000.json", "topics/t/partition=0/t+0+0000000002.json"};
        const char *bw_bodies[] = {"{\"a\":1}\n{\"a\":2}\n",
                                   "{\"a\":3,\"b\":\"x\"}\n{\"a\":4,\"b\":\"y\"}\n{\"a\":5,\"b\":\"dflt\"}\n"
                                   "{\"a\":6,\"b\":\"dflt\"}\n"};
        check_compat("BACKWARD", 4, bw_keys, bw_bodies, 2);
        check_compat("FULL", 4, bw_keys, bw_bodies, 2);
        const char *fw_keys[] = {"topics/t/partition=0/t+0+0000000000.json"};
        const char *fw_bodies[] = {"{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n{\"a\":4}\n{\"a\":5}\n{\"a\":6}\n"};
        check_compat("FORWARD", 6, fw_keys, fw_bodies, 1);
}

/* BACKWARD needs versions, and schemaless data cannot follow schema data. */
static void test_schema_compatibility_errors(void **state) {
        (void)state;
        fixture_t *f = setup_with("flush.size=6\nvalue.converter=json\nvalue.converter.schemas.enable=true\n"
                                  "schema.compatibility=BACKWARD\n");
        kco_err_t err;
        kco_converter_t *cv = kco_converter_new(f->conf->value_converter, 0, f->conf, &err);
        kco_arena_t *a = kco_arena_new(4096);
        kco_sink_assign(f->sink, "t", 0);
        assert_int_equal(write_json(f, cv, a, 0, R1(1), &err), 0);
        const char *unversioned = "{\"schema\":{\"type\":\"struct\",\"name\":\"R\",\"fields\":[{\"field\":\"a\","
                                  "\"type\":\"int32\"}]},\"payload\":{\"a\":1}}";
        assert_int_equal(write_json(f, cv, a, 1, unversioned, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_string_equal(err.msg, "Schema version required for BACKWARD compatibility");
        assert_int_equal(write_json(f, cv, a, 2, "{\"schema\":null,\"payload\":{\"a\":1}}", &err), -1);
        if (!strstr(err.msg, "Switch between schema-based and schema-less data is not supported"))
                fail_msg("%s", err.msg);
        kco_arena_destroy(a);
        kco_converter_destroy(cv);
        teardown_f(f);
}

static void test_local_keys(void **state) {
        (void)state;
        fixture_t *f = setup_with("");
        kco_err_t err;
        const char *bad[] = {"../x", "a/../b", "a/./b", "/abs", "a//b", "a/", ".."};
        for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
                kco_upload_t *up = kco_store_open(f->store, bad[i], &err);
                if (up)
                        kco_upload_abort(up);
                assert_null(up);
        }
        /* dots inside a segment are fine: "my..topic" is a legal topic name */
        kco_upload_t *up = kco_store_open(f->store, "topics/my..topic/partition=0/my..topic+0+0.json", &err);
        assert_non_null(up);
        assert_int_equal(kco_upload_write(up, "x\n", 2, &err), 0);
        assert_int_equal(kco_upload_commit(up, &err), 0);
        char *o = obj(f, "topics/my..topic/partition=0/my..topic+0+0.json");
        assert_non_null(o);
        assert_string_equal(o, "x\n");
        free(o);
        teardown_f(f);
}

/* buffer.memory: files that together hold more than the budget are committed early, the partition holding the most
 * first; the budget then counts what is held again, and back to zero once everything is committed or discarded. */
static void test_memory_budget(void **state) {
        (void)state;
        fixture_t *f = setup_with("flush.size=100000\n");
        kco_budget_t b;
        kco_budget_init(&b, 64 * 1024);
        kco_sink_set_budget(f->sink, &b);
        for (int p = 0; p < 4; p++)
                kco_sink_assign(f->sink, "t", p);
        char big[2001];
        memset(big, 'x', 2000);
        big[2000] = '\0';
        int64_t peak = 0;
        /* partition 3 gets twice as many records: it holds the most */
        for (int i = 0; i < 400; i++) {
                int p = i % 5 == 4 ? 3 : i % 5 % 4;
                assert_int_equal(write_rec(f, p, i, 1000 + i, big), 0);
                if (kco_budget_used(&b) > peak)
                        peak = kco_budget_used(&b);
        }
        uint64_t early = kco_stats_get(f->stats.files_committed);
        assert_true(early > 0);
        assert_true(atomic_load(&b.relief_commits) > 0);
        /* the staging buffer of the file that crossed the budget is at most a chunk and a record over it */
        assert_true(peak <= 64 * 1024 + 4 * 512 * 1024);
        assert_true(kco_budget_used(&b) <= peak);
        kco_sink_revoke_all(f->sink);
        assert_int_equal(kco_budget_used(&b), 0);
        teardown_f(f);
        assert_int_equal(atomic_load(&b.holders), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_flush_size_rotation), cmocka_unit_test(test_rotate_interval),
                cmocka_unit_test(test_tombstones),          cmocka_unit_test(test_schema_change_rotates),
                cmocka_unit_test(test_metadata_fields),          cmocka_unit_test(test_object_keys),
                cmocka_unit_test(test_compression),         cmocka_unit_test(test_offsets_must_advance),
                cmocka_unit_test(test_local_keys),          cmocka_unit_test(test_size_rotation),
                cmocka_unit_test(test_max_open_files),      cmocka_unit_test(test_schedule_rotation),
                cmocka_unit_test(test_schema_compatibility), cmocka_unit_test(test_schema_compatibility_errors),
                cmocka_unit_test(test_memory_budget),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
