/*
 * kco_demo.c - `kafka-connect-oss demo`: one command that shows the whole
 * path working. Starts an embedded Kafka broker (librdkafka's mock cluster)
 * on 127.0.0.1, produces a deterministic sample of JSON click events, runs
 * the sink (JsonFormat, local store) into ./demo-output/, shows progress and
 * ends with a summary.
 *
 * Main thread (plus the sink's task threads). The sample is the same on every
 * run, so a second run rewrites the same objects byte for byte.
 * Must never: delete anything in the output directory.
 */
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/kco_log.h"
#include "core/kco_mem.h"
#include "worker/kco_runtime.h"

typedef struct kco_demo_s {
        long records;
        int partitions;
        const char *dir;
        int verbose;
        kco_runtime_t *rt;
        double t0;
        int tty;
        double last_print;
        double t_first; /* when the first record was consumed (after the group join) */
} kco_demo_t;

static double kco_demo_now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t kco_demo_rand(uint64_t *s) {
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        return *s;
}

/* One click event, deterministic in i. */
static int kco_demo_event(long i, char *buf, size_t sz, char *key, size_t keysz) {
        static const char *types[] = {"page_view", "page_view", "page_view", "click", "click", "search",
                                      "add_to_cart", "purchase"};
        static const char *pages[] = {"/", "/products", "/products/42", "/products/7", "/cart", "/search",
                                      "/checkout", "/account"};
        static const char *devices[] = {"mobile", "desktop", "tablet"};
        static const char *countries[] = {"DE", "US", "CN", "IN", "BR", "FR", "JP", "GB"};
        uint64_t s = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(i + 1) * 0xbf58476d1ce4e5b9ULL;
        for (int k = 0; k < 3; k++)
                kco_demo_rand(&s);
        int user = (int)(kco_demo_rand(&s) % 5000);
        const char *type = types[kco_demo_rand(&s) % 8];
        time_t t = 1795597200 + i / 50; /* 2026-11-25T09:00:00Z, 50 events a second */
        struct tm tm;
        gmtime_r(&t, &tm);
        snprintf(key, keysz, "u%04d", user);
        int n = snprintf(buf, sz,
                         "{\"event_id\":%ld,\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\",\"user\":\"%s\","
                         "\"type\":\"%s\",\"page\":\"%s\",\"device\":\"%s\",\"country\":\"%s\"",
                         i, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                         (i % 50) * 20, key, type, pages[kco_demo_rand(&s) % 8], devices[kco_demo_rand(&s) % 3],
                         countries[kco_demo_rand(&s) % 8]);
        if (!strcmp(type, "purchase"))
                n += snprintf(buf + n, sz - (size_t)n, ",\"amount\":%d.%02d", (int)(kco_demo_rand(&s) % 300),
                              (int)(kco_demo_rand(&s) % 100));
        n += snprintf(buf + n, sz - (size_t)n, "}");
        return n;
}

static int kco_demo_produce(kco_demo_t *d, rd_kafka_t *rk) {
        char buf[512], key[32];
        for (long i = 0; i < d->records; i++) {
                int n = kco_demo_event(i, buf, sizeof(buf), key, sizeof(key));
                for (;;) {
                        rd_kafka_resp_err_t e = rd_kafka_producev(
                                rk, RD_KAFKA_V_TOPIC("clicks"), RD_KAFKA_V_PARTITION((int32_t)(i % d->partitions)),
                                RD_KAFKA_V_KEY(key, strlen(key)), RD_KAFKA_V_VALUE(buf, (size_t)n),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
                        if (!e)
                                break;
                        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                                fprintf(stderr, "demo: produce failed: %s\n", rd_kafka_err2str(e));
                                return -1;
                        }
                        rd_kafka_poll(rk, 10);
                }
                rd_kafka_poll(rk, 0);
        }
        if (rd_kafka_flush(rk, 30000)) {
                fprintf(stderr, "demo: could not deliver the sample to the embedded broker\n");
                return -1;
        }
        return 0;
}

static uint64_t kco_demo_stat(kco_demo_t *d, int which) {
        kco_stats_t *s = &d->rt->conns[0]->stats;
        switch (which) {
        case 0:
                return kco_stats_get(s->records_consumed);
        case 1:
                return kco_stats_get(s->records_committed);
        case 2:
                return kco_stats_get(s->files_committed);
        default:
                return kco_stats_get(s->bytes_committed);
        }
}

static void kco_demo_tick(void *opaque) {
        kco_demo_t *d = opaque;
        double now = kco_demo_now();
        uint64_t committed = kco_demo_stat(d, 1);
        if (!d->t_first && kco_demo_stat(d, 0))
                d->t_first = now;
        if ((d->tty && now - d->last_print >= 0.25) || now - d->last_print >= 2.0 ||
            committed == (uint64_t)d->records) {
                fprintf(stderr, "%s  consumed %8" PRIu64 "   committed %8" PRIu64 " / %ld records   %4" PRIu64
                                " objects   %5.1fs%s",
                        d->tty ? "\r" : "", kco_demo_stat(d, 0), committed, d->records, kco_demo_stat(d, 2),
                        now - d->t0, d->tty ? "" : "\n");
                d->last_print = now;
        }
        if (committed >= (uint64_t)d->records)
                kco_runtime_stop(d->rt);
        else if (now - d->t0 > 180) {
                fprintf(stderr, "\ndemo: not finished after 180 s; stopping\n");
                kco_runtime_stop(d->rt);
        }
}

static void kco_demo_producer_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
        (void)rk, (void)level;
        kco_debug("demo", "producer %s: %s", fac, buf);
}

static int kco_demo_args(kco_demo_t *d, int argc, char **argv) {
        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--records") && i + 1 < argc)
                        d->records = atol(argv[++i]);
                else if (!strcmp(argv[i], "--partitions") && i + 1 < argc)
                        d->partitions = atoi(argv[++i]);
                else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
                        d->dir = argv[++i];
                else if (!strcmp(argv[i], "--verbose"))
                        d->verbose = 1;
                else {
                        fprintf(stderr, "usage: kafka-connect-oss demo [--records N] [--partitions N] [--dir DIR] "
                                        "[--verbose]\n");
                        return -1;
                }
        }
        if (d->records < 1 || d->partitions < 1 || d->partitions > 1000) {
                fprintf(stderr, "demo: --records must be >= 1 and --partitions 1..1000\n");
                return -1;
        }
        /* the embedded broker keeps ~5 MiB per partition; the sample is
         * lz4-compressed, so allow ~60k events per partition */
        if (d->records / d->partitions > 60000) {
                fprintf(stderr, "demo: at most 60000 records per partition fit in the embedded broker; "
                                "raise --partitions\n");
                return -1;
        }
        return 0;
}

int kco_demo_main(int argc, char **argv) {
        kco_demo_t d = {.records = 200000, .partitions = 8, .dir = "demo-output"};
        if (kco_demo_args(&d, argc, argv))
                return 2;
        kco_log_set_level(d.verbose ? KCO_LOG_INFO : KCO_LOG_WARN);
        mkdir(d.dir, 0755);
        char absdir[PATH_MAX];
        if (!realpath(d.dir, absdir)) {
                fprintf(stderr, "demo: cannot use directory %s\n", d.dir);
                return 1;
        }
        kco_runtime_block_signals();

        /* 1. the embedded broker */
        char errstr[512];
        rd_kafka_conf_t *pc = rd_kafka_conf_new();
        rd_kafka_conf_set(pc, "compression.codec", "lz4", errstr, sizeof(errstr));
        rd_kafka_conf_set(pc, "linger.ms", "20", errstr, sizeof(errstr));
        rd_kafka_conf_set_log_cb(pc, kco_demo_producer_log);
        rd_kafka_t *prod = rd_kafka_new(RD_KAFKA_PRODUCER, pc, errstr, sizeof(errstr));
        if (!prod) {
                fprintf(stderr, "demo: %s\n", errstr);
                return 1;
        }
        rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(prod, 1);
        if (!mc || rd_kafka_mock_topic_create(mc, "clicks", d.partitions, 1)) {
                fprintf(stderr, "demo: cannot start the embedded broker\n");
                rd_kafka_destroy(prod);
                return 1;
        }
        const char *bootstrap = rd_kafka_mock_cluster_bootstraps(mc);
        rd_kafka_brokers_add(prod, bootstrap);
        fprintf(stderr, "Embedded Kafka broker on %s, topic \"clicks\" with %d partitions\n", bootstrap,
                d.partitions);

        /* 2. the sample */
        double tp = kco_demo_now();
        if (kco_demo_produce(&d, prod)) {
                rd_kafka_mock_cluster_destroy(mc);
                rd_kafka_destroy(prod);
                return 1;
        }
        fprintf(stderr, "Produced %ld JSON click events in %.1fs\n", d.records, kco_demo_now() - tp);

        /* 3. the sink, configured as a user would */
        long per = d.records / d.partitions;
        long flush = per >= 5000 ? 5000 : per > 0 ? per : 1;
        while (flush > 1 && per % flush)
                flush--;
        kco_props_t *worker = kco_props_new(), *conn = kco_props_new();
        char *url = kco_asprintf("file://%s", absdir);
        char flushs[32];
        snprintf(flushs, sizeof(flushs), "%ld", flush);
        kco_props_set(worker, "bootstrap.servers", bootstrap);
        kco_props_set(worker, "key.converter", "org.apache.kafka.connect.storage.StringConverter");
        kco_props_set(worker, "value.converter", "org.apache.kafka.connect.storage.StringConverter");
        kco_props_set(conn, "name", "demo");
        kco_props_set(conn, "connector.class", "com.aliyun.oss.connect.kafka.OSSSinkConnector");
        kco_props_set(conn, "topics", "clicks");
        kco_props_set(conn, "tasks.max", "2");
        kco_props_set(conn, "format.class", "com.aliyun.oss.connect.kafka.format.json.JsonFormat");
        kco_props_set(conn, "flush.size", flushs);
        kco_props_set(conn, "storage.class", "local");
        kco_props_set(conn, "store.url", url);
        kco_props_set(conn, "store.local.fsync", "false");
        kco_conf_errs_t errs;
        kco_conf_errs_init(&errs);
        kco_conf_t *conf = kco_conf_new(worker, conn, &errs);
        for (int i = 0; i < errs.n; i++)
                fprintf(stderr, "demo: config error: %s\n", errs.msg[i]);
        if (errs.n) {
                kco_conf_destroy(conf);
                conf = NULL;
        }
        kco_conf_errs_free(&errs);
        kco_props_destroy(worker);
        kco_props_destroy(conn);
        int rc = 1;
        d.rt = kco_runtime_new();
        kco_err_t err;
        kco_err_clear(&err);
        if (conf && !kco_runtime_add(d.rt, conf, &err) && !kco_runtime_start(d.rt, &err)) {
                fprintf(stderr, "Sink running: 2 tasks, JsonFormat, flush.size=%ld, into %s\n", flush, absdir);
                d.t0 = kco_demo_now();
                d.tty = isatty(2);
                kco_runtime_wait(d.rt, kco_demo_tick, &d, 50);
                kco_runtime_stop(d.rt);
                int failed = kco_runtime_join(d.rt);
                double end = kco_demo_now(), secs = end - d.t0;
                double busy = d.t_first ? end - d.t_first : secs;
                uint64_t recs = kco_demo_stat(&d, 1), files = kco_demo_stat(&d, 2), bytes = kco_demo_stat(&d, 3);
                fprintf(stderr, "%s", d.tty ? "\n" : "");
                printf("Done: %" PRIu64 " records in %" PRIu64 " objects (%.1f MB) in %.1fs: %.1fs to join the "
                       "consumer group, then %.2fs of sinking (%.0f records/s)\n",
                       recs, files, (double)bytes / 1e6, secs, secs - busy, busy,
                       busy > 0 ? (double)recs / busy : 0.0);
                printf("Objects: %s/topics/clicks/partition=<p>/clicks+<p>+<start offset>.json\n", absdir);
                printf("Look:    head -n 2 %s/topics/clicks/partition=0/clicks+0+0000000000.json\n", absdir);
                rc = failed || recs != (uint64_t)d.records ? 1 : 0;
                if (rc)
                        printf("Not every record was committed (see the log above).\n");
        } else if (conf || err.msg[0]) {
                fprintf(stderr, "demo: %s\n", err.msg);
        }
        kco_runtime_destroy(d.rt);
        free(url);
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(prod);
        return rc;
}
