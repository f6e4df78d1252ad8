/*
 * kco_task.c - one task: a thread that polls its consumer, converts each
 * message into a record, hands it to the sink and commits to Kafka the
 * offsets the sink reports ready.
 *
 * Owns: its consumer, converters and sink. Its own thread only.
 * Must never: hold a Kafka message past the record's write (it pins a fetch
 * buffer); commit past a record that failed; upload partial files on stop.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "convert/kco_converter.h"
#include "core/kco_log.h"
#include "core/kco_mem.h"
#include "kafka/kco_consumer.h"
#include "kafka/kco_dlq.h"
#include "sink/kco_sink.h"
#include "worker/kco_connector.h"

#define KCO_TASK_REWIND_MAX 8
#define KCO_TASK_BATCH 1000

struct kco_task_s {
        int id;
        kco_connector_t *conn;
        pthread_t thread;
        kco_consumer_t *consumer;
        kco_converter_t *key_cv, *value_cv;
        kco_arena_t *arena; /* values of the batch being handled; reset after it */
        kco_header_t *headers;
        size_t headers_cap;
        kco_sink_t *sink;
        kco_dlq_t *dlq; /* errors.deadletterqueue.topic.name; NULL when unset */
        int failed;
        char failure[512]; /* why it failed (for the status of a later REST API) */
        int64_t backoff_ms;
        int64_t failing_since; /* ms (monotonic) of the first of consecutive retriable failures; 0 none */
        time_t last_commit_warn; /* failed commits are retried every round; warn once in a while */
        int commit_failures;
        /* partitions rewound in the current poll round: skip their messages */
        struct {
                char *topic;
                int32_t partition;
        } rewound[KCO_TASK_REWIND_MAX];
        int nrewound;
};

/* Logs why the task fails and keeps it (kco_task_failure). */
__attribute__((format(printf, 2, 3))) static void kco_task_failure_set(kco_task_t *t, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(t->failure, sizeof(t->failure), fmt, ap);
        va_end(ap);
        kco_error("task", "%s", t->failure);
}

/* The two-phase commit's offset commits: one request, waited for. */
static size_t kco_task_kafka_commit(void *opaque, const kco_commit_offset_t *o, size_t n, kco_err_t *errs) {
        kco_task_t *t = opaque;
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)n);
        for (size_t i = 0; i < n; i++) {
                rd_kafka_topic_partition_t *p = rd_kafka_topic_partition_list_add(l, o[i].topic, o[i].partition);
                p->offset = o[i].offset;
                if (o[i].metadata) {
                        p->metadata_size = strlen(o[i].metadata);
                        p->metadata = kco_strndup(o[i].metadata, p->metadata_size); /* the list frees it */
                }
        }
        rd_kafka_resp_err_t e = kco_consumer_commit_wait(t->consumer, l);
        size_t failed = 0;
        for (size_t i = 0; i < n; i++) {
                /* librdkafka keeps the list's order */
                rd_kafka_resp_err_t pe = e ? e : l->elems[i].err;
                if (pe) {
                        kco_err_set(&errs[i], KCO_ERR_KAFKA, 1, "offset commit %s-%d@%" PRId64 " failed: %s",
                                    o[i].topic, (int)o[i].partition, o[i].offset, rd_kafka_err2str(pe));
                        failed++;
                } else {
                        kco_err_clear(&errs[i]);
                }
        }
        if (failed < n)
                kco_stats_add(t->conn->stats.offset_commits, n - failed);
        rd_kafka_topic_partition_list_destroy(l);
        return failed;
}

static int kco_task_kafka_committed(void *opaque, const char *topic, int32_t partition, int64_t *offset,
                                    char **metadata, kco_err_t *err) {
        kco_task_t *t = opaque;
        rd_kafka_resp_err_t e = kco_consumer_committed(t->consumer, topic, partition, offset, metadata);
        if (e)
                return kco_err_set(err, KCO_ERR_KAFKA, 1, "reading the committed offset of %s-%d failed: %s", topic,
                                   (int)partition, rd_kafka_err2str(e));
        return 0;
}

/* Before newly assigned partitions are fetched: finish what their committed offsets name (two-phase commits
 * of an earlier owner), sweep what crashed writers left. A failure stops the task. */
static void kco_task_assigning(void *opaque, const rd_kafka_topic_partition_list_t *parts) {
        kco_task_t *t = opaque;
        int32_t *ps = kco_calloc((size_t)parts->cnt + 1, sizeof(*ps));
        char *done = kco_calloc((size_t)parts->cnt + 1, 1);
        for (int i = 0; i < parts->cnt && !t->failed; i++) {
                if (done[i])
                        continue;
                const char *topic = parts->elems[i].topic;
                size_t n = 0;
                for (int j = i; j < parts->cnt; j++)
                        if (!done[j] && !strcmp(parts->elems[j].topic, topic)) {
                                ps[n++] = parts->elems[j].partition;
                                done[j] = 1;
                        }
                kco_err_t err;
                kco_err_clear(&err);
                if (kco_sink_recover(t->sink, topic, ps, n, &err)) {
                        kco_task_failure_set(t, "task %s-%d: %s; nothing of %s is consumed", t->conn->conf->name, t->id,
                                  err.msg, topic);
                        t->failed = 1;
                }
        }
        free(ps);
        free(done);
}

static void kco_task_assigned(void *opaque, const char *topic, int32_t partition) {
        kco_task_t *t = opaque;
        kco_sink_assign(t->sink, topic, partition);
}

static void kco_task_revoking(void *opaque, const char *topic, int32_t partition, int lost) {
        kco_task_t *t = opaque;
        (void)lost;
        kco_sink_revoke(t->sink, topic, partition);
}

static void kco_task_add_ready(void *opaque, const char *topic, int32_t partition, int64_t offset) {
        rd_kafka_topic_partition_list_add(opaque, topic, partition)->offset = offset;
}

static void kco_task_commit_result(void *opaque, const char *topic, int32_t partition, int64_t offset,
                                   rd_kafka_resp_err_t err) {
        kco_task_t *t = opaque;
        kco_sink_commit_result(t->sink, topic, partition, offset, !err);
        if (!err) {
                kco_stats_add(t->conn->stats.offset_commits, 1);
                kco_debug("kafka", "committed %s-%d offset %" PRId64, topic, (int)partition, offset);
        } else {
                time_t now = time(NULL);
                t->commit_failures++;
                if (now - t->last_commit_warn >= 10) {
                        kco_warn("kafka",
                                 "task %s-%d: offset commit %s-%d@%" PRId64 " failed: %s; objects are durable, "
                                 "commit retried (%d failed commit%s)",
                                 t->conn->conf->name, t->id, topic, (int)partition, offset, rd_kafka_err2str(err),
                                 t->commit_failures, t->commit_failures == 1 ? "" : "s");
                        t->last_commit_warn = now;
                }
        }
}

/* Commits every offset the sink reports ready (their objects are durable and
 * their dead-letter records acknowledged). Returns -1 if the dead-letter
 * queue failed: then nothing is committed and the task must stop. */
static int kco_task_commit(kco_task_t *t, int async) {
        if (t->dlq) {
                kco_err_t err;
                kco_err_clear(&err);
                if (kco_dlq_flush(t->dlq, 30000, &err)) {
                        kco_task_failure_set(t, "task %s-%d: %s; no offset committed past it", t->conn->conf->name, t->id,
                                  err.msg);
                        t->failed = 1;
                        return -1;
                }
        }
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(8);
        kco_sink_foreach_ready(t->sink, kco_task_add_ready, l);
        if (l->cnt)
                kco_consumer_commit(t->consumer, l, async);
        rd_kafka_topic_partition_list_destroy(l);
        return 0;
}

static void kco_task_revoke_commit(void *opaque) {
        kco_task_commit(opaque, 0);
}

static int kco_task_is_rewound(kco_task_t *t, const char *topic, int32_t partition) {
        for (int i = 0; i < t->nrewound; i++)
                if (t->rewound[i].partition == partition && !strcmp(t->rewound[i].topic, topic))
                        return 1;
        return 0;
}

static void kco_task_clear_rewound(kco_task_t *t) {
        for (int i = 0; i < t->nrewound; i++)
                free(t->rewound[i].topic);
        t->nrewound = 0;
}

static void kco_task_sleep_ms(kco_task_t *t, int ms) {
        while (ms > 0 && !atomic_load(t->conn->stop)) {
                int step = ms > 100 ? 100 : ms;
                struct timespec ts = {0, step * 1000000L};
                nanosleep(&ts, NULL);
                ms -= step;
        }
}

static int64_t kco_task_now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A retriable failure of a partition: discard its open files, go back to the first offset not in a committed
 * object, back off (retry.backoff.ms, doubled per consecutive failure up to errors.retry.delay.max.ms). Past
 * errors.retry.timeout of consecutive failures the task fails instead. */
static void kco_task_rewind(kco_task_t *t, const char *topic, int32_t partition, int64_t failed_offset,
                            const kco_err_t *err) {
        const kco_conf_t *c = t->conn->conf;
        int64_t off = kco_sink_rewind(t->sink, topic, partition, failed_offset);
        int64_t now = kco_task_now_ms();
        if (!t->failing_since)
                t->failing_since = now;
        if (c->errors_retry_timeout_ms >= 0 && now - t->failing_since >= c->errors_retry_timeout_ms) {
                kco_task_failure_set(t, "task %s-%d failed at %s-%d offset %" PRId64 ": %s (retried for %" PRId64
                          " ms, errors.retry.timeout=%" PRId64 "); nothing past offset %" PRId64 " is committed",
                          c->name, t->id, topic, (int)partition, failed_offset, err->msg, now - t->failing_since,
                          c->errors_retry_timeout_ms, off);
                t->failed = 1;
                return;
        }
        t->backoff_ms = t->backoff_ms ? t->backoff_ms * 2 : c->retry_backoff_ms;
        if (t->backoff_ms > c->errors_retry_delay_max_ms)
                t->backoff_ms = c->errors_retry_delay_max_ms;
        kco_warn("sink", "task %s-%d: %s-%d: %s; retrying from offset %" PRId64 " in %" PRId64 " ms", c->name,
                 t->id, topic, (int)partition, err->msg, off, t->backoff_ms);
        if (off >= 0)
                kco_consumer_seek(t->consumer, topic, partition, off);
        if (t->nrewound < KCO_TASK_REWIND_MAX) {
                t->rewound[t->nrewound].topic = kco_strdup(topic);
                t->rewound[t->nrewound++].partition = partition;
        }
        kco_task_sleep_ms(t, (int)t->backoff_ms);
}

/* A partition whose files a timer or a file limit committed unsuccessfully: consume it again. */
static void kco_task_rewind_cb(void *opaque, const char *topic, int32_t partition, int64_t resume_offset) {
        kco_task_t *t = opaque;
        kco_err_t err;
        kco_err_set(&err, KCO_ERR_IO, 1, "committing its files failed");
        kco_task_rewind(t, topic, partition, resume_offset, &err);
}

/* The message's headers, valid while m lives. */
static void kco_task_headers(kco_task_t *t, rd_kafka_message_t *m, kco_record_t *rec) {
        rd_kafka_headers_t *hdrs = NULL;
        rec->headers = NULL;
        rec->nheaders = 0;
        if (rd_kafka_message_headers(m, &hdrs) || !hdrs)
                return;
        size_t n = rd_kafka_header_cnt(hdrs);
        if (n > t->headers_cap) {
                t->headers = kco_realloc(t->headers, n * sizeof(*t->headers));
                t->headers_cap = n;
        }
        for (size_t i = 0; i < n; i++) {
                const char *name;
                const void *val;
                size_t len;
                if (rd_kafka_header_get_all(hdrs, i, &name, &val, &len))
                        break;
                t->headers[rec->nheaders].key = name;
                t->headers[rec->nheaders].value = val;
                t->headers[rec->nheaders++].len = len;
        }
        rec->headers = t->headers;
}

/* A bad record with errors.tolerance=all: to the dead-letter topic (if any),
 * logged if asked, and counted as handled. Returns -1 if the task must stop. */
static int kco_task_tolerate(kco_task_t *t, rd_kafka_message_t *m, const kco_record_t *rec, kco_stage_t stage,
                             const kco_err_t *why) {
        const kco_conf_t *c = t->conn->conf;
        if (t->dlq) {
                kco_err_t err;
                kco_err_clear(&err);
                if (kco_dlq_send(t->dlq, m, stage, why, &err)) {
                        kco_task_failure_set(t, "task %s-%d failed at %s-%d offset %" PRId64 ": %s (record: %s)", c->name,
                                  t->id, rec->topic, (int)rec->partition, rec->offset, err.msg, why->msg);
                        return -1;
                }
                kco_stats_add(t->conn->stats.records_dlq, 1);
        } else {
                kco_stats_add(t->conn->stats.records_skipped, 1);
        }
        if (c->errors_log) {
                if (c->errors_log_messages)
                        kco_warn("task", "task %s-%d: bad record %s-%d offset %" PRId64 " %s: %s (key %.*s, value "
                                         "%.*s)",
                                 c->name, t->id, rec->topic, (int)rec->partition, rec->offset,
                                 t->dlq ? "sent to the dead-letter topic" : "skipped", why->msg,
                                 (int)(m->key_len > 256 ? 256 : m->key_len), m->key ? (const char *)m->key : "",
                                 (int)(m->len > 256 ? 256 : m->len), m->payload ? (const char *)m->payload : "");
                else
                        kco_warn("task", "task %s-%d: bad record %s-%d offset %" PRId64 " %s: %s", c->name, t->id,
                                 rec->topic, (int)rec->partition, rec->offset,
                                 t->dlq ? "sent to the dead-letter topic" : "skipped", why->msg);
        }
        kco_sink_skip(t->sink, rec);
        return 0;
}

/* Returns -1 if the task must stop. */
static int kco_task_handle(kco_task_t *t, rd_kafka_message_t *m) {
        if (m->err) {
                if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
                        return 0;
                if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
                        kco_error("kafka", "task %s-%d: fatal: %s", t->conn->conf->name, t->id,
                                  rd_kafka_message_errstr(m));
                        return -1;
                }
                kco_warn("kafka", "task %s-%d: %s", t->conn->conf->name, t->id, rd_kafka_message_errstr(m));
                return 0;
        }
        const char *topic = rd_kafka_topic_name(m->rkt);
        if (t->nrewound && kco_task_is_rewound(t, topic, m->partition))
                return 0;
        kco_record_t rec;
        kco_err_t err;
        kco_err_clear(&err);
        rec.topic = topic;
        rec.partition = m->partition;
        rec.offset = m->offset;
        rec.timestamp = rd_kafka_message_timestamp(m, NULL);
        rec.raw_key = m->key;
        rec.raw_key_len = m->key_len;
        rec.raw_value = m->payload;
        rec.raw_value_len = m->len;
        kco_task_headers(t, m, &rec);
        kco_stage_t stage = KCO_STAGE_KEY_CONVERTER;
        if (kco_converter_convert(t->key_cv, topic, m->key, m->key_len, t->arena, &rec.key, &err) ||
            (stage = KCO_STAGE_VALUE_CONVERTER,
             kco_converter_convert(t->value_cv, topic, m->payload, m->len, t->arena, &rec.value, &err)) ||
            (stage = KCO_STAGE_TASK_PUT, kco_sink_write(t->sink, &rec, &err))) {
                if (err.retriable) {
                        kco_task_rewind(t, topic, m->partition, m->offset, &err);
                        return 0;
                }
                if (err.code == KCO_ERR_DATA && t->conn->conf->errors_tolerance == KCO_ERRORS_ALL)
                        return kco_task_tolerate(t, m, &rec, stage, &err);
                kco_task_failure_set(t, "task %s-%d failed at %s-%d offset %" PRId64 ": %s", t->conn->conf->name, t->id,
                          topic, (int)m->partition, m->offset, err.msg);
                if (err.code == KCO_ERR_DATA)
                        kco_error("task", "(errors.tolerance=all would skip such records%s)",
                                  *t->conn->conf->dlq_topic ? " to the dead-letter topic" : "");
                return -1;
        }
        return 0;
}

static void *kco_task_main(void *arg) {
        kco_task_t *t = arg;
        while (!atomic_load(t->conn->stop)) {
                kco_task_clear_rewound(t);
                int handled = 0, stop = 0;
                rd_kafka_message_t *msgs[KCO_TASK_BATCH];
                size_t n = kco_consumer_poll(t->consumer, msgs, KCO_TASK_BATCH, 100);
                for (size_t i = 0; i < n; i++) {
                        if (!stop && !t->failed && kco_task_handle(t, msgs[i]))
                                stop = 1;
                        rd_kafka_message_destroy(msgs[i]);
                        handled++;
                }
                kco_arena_reset(t->arena);
                if (stop || t->failed) {
                        t->failed = 1;
                        break;
                }
                if (handled && !t->nrewound)
                        t->backoff_ms = t->failing_since = 0;
                if (kco_sink_tick(t->sink) < 0) {
                        snprintf(t->failure, sizeof(t->failure), "a commit ended in a state only a restart resolves "
                                 "(the log says which)");
                        t->failed = 1;
                        break;
                }
                kco_sink_foreach_rewind(t->sink, kco_task_rewind_cb, t);
                if (kco_task_commit(t, 1))
                        break;
        }
        kco_task_clear_rewound(t);
        if (t->failed) {
                atomic_fetch_add(&t->conn->stats.tasks_failed, 1);
                atomic_store(t->conn->stop, 1); /* a failed task stops the process (exit 1) */
        }
        /* Leaving the group revokes everything: open files are discarded. */
        kco_consumer_destroy(t->consumer);
        t->consumer = NULL;
        atomic_fetch_sub(&t->conn->running, 1);
        return NULL;
}

kco_task_t *kco_task_start(kco_connector_t *c, int id, kco_err_t *err) {
        kco_task_t *t = kco_calloc(1, sizeof(*t));
        t->id = id;
        t->conn = c;
        t->key_cv = kco_converter_new(c->conf->key_converter, 1, c->conf, err);
        t->value_cv = t->key_cv ? kco_converter_new(c->conf->value_converter, 0, c->conf, err) : NULL;
        if (!t->value_cv) {
                kco_converter_destroy(t->key_cv);
                free(t);
                return NULL;
        }
        t->arena = kco_arena_new(256 * 1024);
        if (c->conf->errors_tolerance == KCO_ERRORS_ALL && *c->conf->dlq_topic) {
                t->dlq = kco_dlq_new(c->conf, id, err);
                if (!t->dlq) {
                        kco_converter_destroy(t->key_cv);
                        kco_converter_destroy(t->value_cv);
                        kco_arena_destroy(t->arena);
                        free(t);
                        return NULL;
                }
        }
        t->sink = kco_sink_new(c->conf, c->store, &c->stats, id, err);
        if (!t->sink) {
                kco_converter_destroy(t->key_cv);
                kco_converter_destroy(t->value_cv);
                kco_dlq_destroy(t->dlq);
                kco_arena_destroy(t->arena);
                free(t);
                return NULL;
        }
        kco_consumer_cbs_t cbs = {t, kco_task_assigning, kco_task_assigned, kco_task_revoking,
                                  kco_task_revoke_commit, kco_task_commit_result};
        char e[512];
        t->consumer = kco_consumer_new(c->conf, id, &cbs, e, sizeof(e));
        kco_commit_kafka_t k = {t, kco_task_kafka_commit, kco_task_kafka_committed};
        kco_sink_set_kafka(t->sink, &k);
        kco_sink_set_budget(t->sink, c->budget);
        if (!t->consumer || pthread_create(&t->thread, NULL, kco_task_main, t)) {
                kco_err_set(err, KCO_ERR_KAFKA, 0, "connector %s task %d: %s", c->conf->name, id,
                            t->consumer ? "cannot start thread" : e);
                kco_consumer_destroy(t->consumer);
                kco_sink_destroy(t->sink);
                kco_converter_destroy(t->key_cv);
                kco_converter_destroy(t->value_cv);
                kco_dlq_destroy(t->dlq);
                kco_arena_destroy(t->arena);
                free(t);
                return NULL;
        }
        return t;
}

int kco_task_join(kco_task_t *t) {
        pthread_join(t->thread, NULL);
        int failed = t->failed;
        if (failed && t->failure[0]) /* the summary at the end of the log says why again */
                kco_info("task", "connector %s task %d failed: %s", t->conn->conf->name, t->id, kco_task_failure(t));
        kco_sink_destroy(t->sink);
        kco_converter_destroy(t->key_cv);
        kco_converter_destroy(t->value_cv);
        kco_dlq_destroy(t->dlq);
        kco_arena_destroy(t->arena);
        free(t->headers);
        free(t);
        return failed;
}

const char *kco_task_failure(const kco_task_t *t) {
        return t->failed ? t->failure : NULL;
}
