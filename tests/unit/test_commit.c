/*
 * test_commit.c - the two-phase commit (commit/kco_commit.h) against the real
 * local store in a temporary directory and an in-memory Kafka whose commits
 * can fail, or fail while still landing: files appear only once an offset
 * names them, a list too long for the metadata goes through a manifest
 * object, a failed commit discards them, a lost answer is resolved by
 * reading the committed offset back, a next owner finishes what a committed
 * offset names (inline or through a manifest) and sweeps what is left of its
 * partitions only; metadata that is ours but broken is an error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commit/kco_commit.h"
#include "core/kco_mem.h"
#include "store/kco_store.h"

typedef struct fake_kafka {
        int64_t offset[4];
        char *meta[4];
        int fail_next;  /* the next commit fails... */
        int land_anyway; /* ...after it was stored */
        int commits;
        int fail_at; /* this commit (1, 2, ...) fails */
        int fail_part3; /* commits of partition 3 fail */
} fake_kafka_t;

static int fake_commit_one(fake_kafka_t *k, int32_t partition, int64_t offset, const char *metadata, kco_err_t *err) {
        kco_err_clear(err);
        if (k->fail_next && !k->land_anyway) {
                k->fail_next = 0;
                return kco_err_set(err, KCO_ERR_KAFKA, 1, "commit refused");
        }
        k->offset[partition] = offset;
        free(k->meta[partition]);
        k->meta[partition] = metadata ? kco_strdup(metadata) : NULL;
        if (k->fail_next) {
                k->fail_next = k->land_anyway = 0;
                return kco_err_set(err, KCO_ERR_KAFKA, 1, "request timed out");
        }
        return 0;
}

/* One request: every offset fails or lands alike (a request's answer), except partition 3 when fail_part3. */
static size_t fake_commit(void *opaque, const kco_commit_offset_t *o, size_t n, kco_err_t *errs) {
        fake_kafka_t *k = opaque;
        k->commits++;
        int fail = k->commits == k->fail_at, next = k->fail_next, land = k->land_anyway;
        size_t failed = 0;
        for (size_t i = 0; i < n; i++) {
                k->fail_next = next;
                k->land_anyway = land;
                if (fail || (k->fail_part3 && o[i].partition == 3)) {
                        kco_err_set(&errs[i], KCO_ERR_KAFKA, 1, "commit refused");
                } else if (fake_commit_one(k, o[i].partition, o[i].offset, o[i].metadata, &errs[i]) == 0) {
                        continue;
                }
                failed++;
        }
        return failed;
}

static int fake_committed(void *opaque, const char *topic, int32_t partition, int64_t *offset, char **metadata,
                          kco_err_t *err) {
        (void)topic;
        (void)err;
        fake_kafka_t *k = opaque;
        *offset = k->offset[partition];
        *metadata = k->meta[partition] ? kco_strdup(k->meta[partition]) : NULL;
        return 0;
}

typedef struct fixture {
        char dir[64];
        kco_conf_t *conf;
        kco_store_t *store;
        fake_kafka_t fk;
        kco_commit_kafka_t k;
} fixture_t;

static int setup(void **state) {
        fixture_t *f = calloc(1, sizeof(*f));
        strcpy(f->dir, "/tmp/kco-test-commit-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        kco_props_t *p = kco_props_new();
        char text[512], err[256];
        snprintf(text, sizeof(text), "name=t\ntopics=t\nformat.class=json\nstorage.class=local\nstore.url=file://%s\n"
                 "value.converter=string\nflush.size=3\n",
                 f->dir);
        assert_int_equal(kco_props_parse(p, text, strlen(text), "test", err, sizeof(err)), 0);
        kco_conf_errs_t e;
        kco_conf_errs_init(&e);
        f->conf = kco_conf_new(NULL, p, &e);
        assert_int_equal(e.n, 0);
        kco_conf_errs_free(&e);
        kco_props_destroy(p);
        kco_err_t err2;
        f->store = kco_store_new(f->conf, &err2);
        assert_non_null(f->store);
        for (int i = 0; i < 4; i++)
                f->fk.offset[i] = -1;
        f->k = (kco_commit_kafka_t){&f->fk, fake_commit, fake_committed};
        *state = f;
        return 0;
}

static int teardown(void **state) {
        fixture_t *f = *state;
        kco_store_destroy(f->store);
        kco_conf_destroy(f->conf);
        for (int i = 0; i < 4; i++)
                free(f->fk.meta[i]);
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
        assert_int_equal(system(cmd), 0);
        free(f);
        return 0;
}

/* A prepared object key -> token. */
static kco_pending_t prepare(fixture_t *f, const char *key, const char *text) {
        kco_err_t err;
        kco_upload_t *up = kco_store_open(f->store, key, &err);
        assert_non_null(up);
        assert_int_equal(kco_upload_write(up, text, strlen(text), &err), 0);
        kco_pending_t p = {kco_strdup(key), kco_upload_prepare(up, &err)};
        assert_non_null(p.token);
        return p;
}

static int visible(fixture_t *f, const char *key) {
        int64_t size;
        kco_err_t err;
        return kco_store_head(f->store, key, &size, &err) == 1;
}

/* Hidden temp files anywhere below the store. */
static int temp_files(fixture_t *f) {
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "find %s -name '*.kco-tmp' | wc -l", f->dir);
        FILE *pf = popen(cmd, "r");
        int n = -1;
        assert_int_equal(fscanf(pf, "%d", &n), 1);
        pclose(pf);
        return n;
}

static void test_pending_commit(void **state) {
        fixture_t *f = *state;
        kco_pending_t p[2] = {prepare(f, "topics/t/a=1/t+0+0000000000.json", "x\n"),
                              prepare(f, "topics/t/a=2/t+0+0000000001.json", "y\n")};
        assert_false(visible(f, p[0].key));
        char *manifest = NULL;
        kco_err_t err;
        kco_err_clear(&err);
        assert_int_equal(kco_commit_pending(f->store, f->conf, &f->k, "t", 0, 2, p, 2, &manifest, &err), 0);
        assert_true(visible(f, p[0].key) && visible(f, p[1].key));
        assert_null(manifest);
        assert_int_equal(f->fk.offset[0], 2);
        assert_null(f->fk.meta[0]); /* the second commit cleared the metadata */
        assert_int_equal(f->fk.commits, 2);
        assert_int_equal(temp_files(f), 0);
        for (int i = 0; i < 2; i++)
                free(p[i].key), free(p[i].token);
}

/* Too many files for the metadata: a manifest names them, and goes once the metadata is cleared; if clearing
 * fails, the caller gets the manifest to delete later. */
static void test_pending_manifest(void **state) {
        fixture_t *f = *state;
        for (int round = 0; round < 2; round++) {
                enum { N = 50 };
                kco_pending_t p[N];
                for (int i = 0; i < N; i++) {
                        char key[128];
                        snprintf(key, sizeof(key), "topics/t/field=value-%02d/t+0+%010d.json", i, 100 * round + i);
                        p[i] = prepare(f, key, "m\n");
                }
                f->fk.commits = 0;
                f->fk.fail_at = round ? 2 : 0; /* round 1: the clearing commit fails */
                char *manifest = NULL;
                kco_err_t err;
                kco_err_clear(&err);
                int64_t next = 100 * round + N;
                assert_int_equal(kco_commit_pending(f->store, f->conf, &f->k, "t", 0, next, p, N, &manifest, &err), 0);
                for (int i = 0; i < N; i++)
                        assert_true(visible(f, p[i].key));
                char *mkey = kco_commit_manifest_key(f->conf, "t", 0, next);
                if (round == 0) {
                        assert_null(manifest);
                        assert_false(visible(f, mkey));
                        assert_null(f->fk.meta[0]);
                } else {
                        assert_non_null(manifest);
                        assert_string_equal(manifest, mkey);
                        assert_true(visible(f, mkey));
                        assert_non_null(strstr(f->fk.meta[0], "\"manifest\""));
                        free(manifest);
                }
                free(mkey);
                for (int i = 0; i < N; i++)
                        free(p[i].key), free(p[i].token);
        }
}

/* Several partitions in one request: the ones Kafka takes become visible, the refused one is discarded; two
 * requests in all (the commit, the clearing commit). */
static void test_pending_many(void **state) {
        fixture_t *f = *state;
        const int32_t parts[3] = {0, 1, 3};
        kco_pending_t p[3][2];
        kco_commit_item_t items[3];
        for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 2; j++) {
                        char key[128];
                        snprintf(key, sizeof(key), "topics/t/a=%d/t+%d+%010d.json", j, parts[i], 10 + j);
                        p[i][j] = prepare(f, key, "v\n");
                }
                items[i] = (kco_commit_item_t){"t", parts[i], 12, p[i], 2, NULL, {KCO_OK, 0, ""}};
        }
        f->fk.fail_part3 = 1;
        assert_int_equal(kco_commit_pending_many(f->store, f->conf, &f->k, items, 3), 1);
        assert_int_equal(f->fk.commits, 2);
        for (int i = 0; i < 3; i++)
                for (int j = 0; j < 2; j++)
                        assert_int_equal(visible(f, p[i][j].key), parts[i] != 3);
        assert_int_equal(items[0].err.code, KCO_OK);
        assert_int_not_equal(items[2].err.code, KCO_OK);
        assert_true(items[2].err.retriable);
        assert_int_equal(f->fk.offset[1], 12);
        assert_int_equal(f->fk.offset[3], -1);
        assert_int_equal(temp_files(f), 0);
        for (int i = 0; i < 3; i++)
                for (int j = 0; j < 2; j++)
                        free(p[i][j].key), free(p[i][j].token);
}

static void test_refused_commit_discards(void **state) {
        fixture_t *f = *state;
        kco_pending_t p = prepare(f, "topics/t/a=1/t+1+0000000005.json", "x\n");
        f->fk.fail_next = 1;
        char *manifest = NULL;
        kco_err_t err;
        kco_err_clear(&err);
        assert_int_equal(kco_commit_pending(f->store, f->conf, &f->k, "t", 1, 6, &p, 1, &manifest, &err), -1);
        assert_true(err.retriable);
        assert_false(visible(f, p.key));
        assert_int_equal(f->fk.offset[1], -1);
        assert_int_equal(temp_files(f), 0);
        free(p.key);
        free(p.token);
}

static void test_lost_answer_but_committed(void **state) {
        fixture_t *f = *state;
        kco_pending_t p = prepare(f, "topics/t/a=1/t+1+0000000005.json", "x\n");
        f->fk.fail_next = f->fk.land_anyway = 1;
        char *manifest = NULL;
        kco_err_t err;
        kco_err_clear(&err);
        assert_int_equal(kco_commit_pending(f->store, f->conf, &f->k, "t", 1, 6, &p, 1, &manifest, &err), 0);
        assert_true(visible(f, p.key));
        assert_int_equal(f->fk.offset[1], 6);
        free(p.key);
        free(p.token);
}

/* A crash right after the offset commit: the next owner finishes what it names, and sweeps only the leftovers of
 * its own partitions. Many files: the list goes through a manifest. */
static void test_recover_after_crash(void **state) {
        fixture_t *f = *state;
        enum { N = 60 };
        kco_pending_t p[N];
        for (int i = 0; i < N; i++) {
                char key[128];
                snprintf(key, sizeof(key), "topics/t/field=value-%02d/t+2+%010d.json", i, i);
                p[i] = prepare(f, key, "z\n");
        }
        /* what the crashed owner committed: phase two done, phase three not */
        char *list = NULL;
        {
                kco_buf_t b;
                kco_buf_init(&b);
                kco_buf_puts(&b, "{\"kco\":1,\"pending\":[");
                for (int i = 0; i < N; i++) {
                        char item[256];
                        snprintf(item, sizeof(item), "%s[\"%s\",\"%s\"]", i ? "," : "", p[i].key, p[i].token);
                        kco_buf_puts(&b, item);
                }
                kco_buf_puts(&b, "]}");
                list = kco_strdup(kco_buf_cstr(&b));
                kco_buf_free(&b);
        }
        assert_true(strlen(list) > KCO_COMMIT_META_MAX);
        char *mkey = kco_commit_manifest_key(f->conf, "t", 2, N);
        assert_string_equal(mkey, "topics/.kco-pending/t+2+60.json");
        kco_err_t err;
        kco_upload_t *up = kco_store_open(f->store, mkey, &err);
        assert_int_equal(kco_upload_write(up, list, strlen(list), &err), 0);
        assert_int_equal(kco_upload_commit(up, &err), 0);
        f->fk.offset[2] = N;
        f->fk.meta[2] = kco_asprintf("{\"kco\":1,\"manifest\":\"%s\"}", mkey);
        /* leftovers: an older manifest and an unnamed upload of partition 2; an upload of partition 3 (not ours to
         * sweep: not assigned here) */
        kco_pending_t stale = prepare(f, "topics/t/field=value-00/t+2+0000000061.json", "s\n");
        kco_pending_t other = prepare(f, "topics/t/field=value-00/t+3+0000000000.json", "o\n");
        up = kco_store_open(f->store, "topics/.kco-pending/t+2+7.json", &err);
        assert_int_equal(kco_upload_write(up, "{}", 2, &err), 0);
        assert_int_equal(kco_upload_commit(up, &err), 0);

        int32_t parts[] = {2};
        char *keep[1];
        kco_err_clear(&err);
        assert_int_equal(kco_commit_recover(f->store, &f->k, "t", parts, 1, keep, &err), 0);
        assert_non_null(keep[0]);
        assert_string_equal(keep[0], mkey);
        assert_true(visible(f, "topics/.kco-pending/t+2+7.json")); /* the sweep comes later */
        kco_commit_sweep(f->store, f->conf, "t", parts, (const char *const *)keep, 1);
        free(keep[0]);
        for (int i = 0; i < N; i++)
                assert_true(visible(f, p[i].key));
        assert_false(visible(f, stale.key));
        assert_true(visible(f, mkey)); /* still named by the committed offset */
        assert_false(visible(f, "topics/.kco-pending/t+2+7.json"));
        assert_int_equal(temp_files(f), 1); /* partition 3's */
        /* recovering again finishes nothing new and fails nothing */
        assert_int_equal(kco_commit_recover(f->store, &f->k, "t", parts, 1, keep, &err), 0);
        free(keep[0]);
        kco_err_t e3;
        assert_int_equal(kco_store_finish(f->store, other.key, other.token, &e3), 0);
        for (int i = 0; i < N; i++)
                free(p[i].key), free(p[i].token);
        free(stale.key), free(stale.token), free(other.key), free(other.token);
        free(list);
        free(mkey);
}

static void test_parse(void **state) {
        fixture_t *f = *state;
        kco_pending_t *p;
        size_t n;
        char *m;
        kco_err_t err;
        assert_int_equal(kco_commit_parse(f->store, NULL, &p, &n, &m, &err), 0);
        assert_int_equal(kco_commit_parse(f->store, "someone else's", &p, &n, &m, &err), 0);
        assert_int_equal(kco_commit_parse(f->store, "{\"kco\":1,\"pending\":[[\"k\",\"t\"],[\"k2\",\"t2\"]]}", &p, &n,
                                          &m, &err),
                         1);
        assert_int_equal(n, 2);
        assert_string_equal(p[1].token, "t2");
        assert_null(m);
        kco_commit_pending_free(p, n);
        assert_int_equal(kco_commit_parse(f->store, "{\"kco\":1,\"pending\":[[\"k\"]]}", &p, &n, &m, &err), -1);
        assert_int_equal(kco_commit_parse(f->store, "{\"kco\":1}", &p, &n, &m, &err), -1);
        assert_int_equal(kco_commit_parse(f->store, "{\"kco\":1,\"manifest\":\"nope.json\"}", &p, &n, &m, &err), -1);
        assert_non_null(strstr(err.msg, "nope.json"));
        /* a finish of a token that is not a temp file of ours is refused */
        assert_int_equal(kco_store_finish(f->store, "topics/x.json", "../../etc/passwd", &err), -1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_pending_commit, setup, teardown),
                cmocka_unit_test_setup_teardown(test_pending_manifest, setup, teardown),
                cmocka_unit_test_setup_teardown(test_pending_many, setup, teardown),
                cmocka_unit_test_setup_teardown(test_refused_commit_discards, setup, teardown),
                cmocka_unit_test_setup_teardown(test_lost_answer_but_committed, setup, teardown),
                cmocka_unit_test_setup_teardown(test_recover_after_crash, setup, teardown),
                cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
