/*
 * kco_consumer.c - the task's Kafka consumer: configuration (Connect's
 * consumer.* convention onto librdkafka), rebalance callbacks (eager and
 * cooperative), clear log lines when brokers are unreachable, sync commits.
 *
 * Task thread. Must never: let librdkafka commit on its own.
 */
#include "kafka/kco_consumer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kco_log.h"
#include "core/kco_mem.h"

struct kco_consumer_s {
        rd_kafka_t *rk;
        rd_kafka_queue_t *queue; /* the consumer queue, all partitions */
        kco_consumer_cbs_t cbs;
        int task_id;
        char *name;
        time_t last_unreachable_log;
};

static void kco_consumer_offset_commit_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                                          rd_kafka_topic_partition_list_t *offsets, void *opaque);

/* Properties this program owns; consumer.* may not change them. */
static const char *const kco_consumer_owned[] = {
        "group.id", "enable.auto.commit", "enable.auto.offset.store", "bootstrap.servers", NULL,
};

static int kco_consumer_is_owned(const char *k) {
        for (int i = 0; kco_consumer_owned[i]; i++)
                if (!strcmp(kco_consumer_owned[i], k))
                        return 1;
        return 0;
}

/* Applies consumer properties; returns the number of invalid values. */
static int kco_consumer_apply(rd_kafka_conf_t *rc, const kco_conf_t *conf, kco_conf_errs_t *errs) {
        int bad = 0;
        char e[512];
        for (size_t i = 0; i < kco_props_count(conf->consumer); i++) {
                const char *k = kco_props_key(conf->consumer, i), *v = kco_props_value(conf->consumer, i);
                if (kco_consumer_is_owned(k)) {
                        if (errs)
                                kco_conf_errs_warn(errs, "consumer.%s: set by the connector itself; ignored", k);
                        continue;
                }
                rd_kafka_conf_res_t r = rd_kafka_conf_set(rc, k, v, e, sizeof(e));
                if (r == RD_KAFKA_CONF_UNKNOWN) {
                        if (errs)
                                kco_conf_errs_warn(errs, "consumer.%s: not a librdkafka consumer property; ignored", k);
                } else if (r != RD_KAFKA_CONF_OK) {
                        bad++;
                        if (errs)
                                kco_conf_errs_add(errs, "consumer.%s = \"%s\": %s", k,
                                                  strstr(k, "password") || strstr(k, "secret") ? "<redacted>" : v, e);
                }
        }
        return bad;
}

void kco_consumer_check_conf(const kco_conf_t *conf, kco_conf_errs_t *errs) {
        rd_kafka_conf_t *rc = rd_kafka_conf_new();
        kco_consumer_apply(rc, conf, errs);
        rd_kafka_conf_destroy(rc);
}

static void kco_consumer_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
        (void)rk;
        /* librdkafka reports connection trouble through error_cb as well;
         * its own lines go to debug unless critical. */
        if (level <= 2)
                kco_error("kafka", "%s: %s", fac, buf);
        else
                kco_debug("kafka", "%s: %s", fac, buf);
}

static void kco_consumer_error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
        kco_consumer_t *c = opaque;
        if (err == RD_KAFKA_RESP_ERR__FATAL) {
                char buf[512];
                rd_kafka_fatal_error(rk, buf, sizeof(buf));
                kco_error("kafka", "task %s-%d: fatal consumer error: %s", c->name, c->task_id, buf);
                return;
        }
        if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__TRANSPORT ||
            err == RD_KAFKA_RESP_ERR__RESOLVE) {
                time_t now = time(NULL);
                if (now - c->last_unreachable_log < 10)
                        return;
                c->last_unreachable_log = now;
                kco_warn("kafka", "task %s-%d: cannot reach Kafka (%s): %s; retrying", c->name, c->task_id,
                         rd_kafka_err2name(err), reason);
                return;
        }
        kco_warn("kafka", "task %s-%d: %s: %s", c->name, c->task_id, rd_kafka_err2name(err), reason);
}

static void kco_consumer_rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                                      rd_kafka_topic_partition_list_t *parts, void *opaque) {
        kco_consumer_t *c = opaque;
        int coop = !strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE");
        if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
                for (int i = 0; i < parts->cnt; i++) {
                        kco_info("kafka", "task %s-%d: assigned %s-%d", c->name, c->task_id, parts->elems[i].topic,
                                 (int)parts->elems[i].partition);
                        c->cbs.assigned(c->cbs.opaque, parts->elems[i].topic, parts->elems[i].partition);
                }
                if (c->cbs.assigning)
                        c->cbs.assigning(c->cbs.opaque, parts);
                rd_kafka_error_t *e = NULL;
                if (coop)
                        e = rd_kafka_incremental_assign(rk, parts);
                else
                        rd_kafka_assign(rk, parts);
                if (e) {
                        kco_error("kafka", "task %s-%d: assign failed: %s", c->name, c->task_id,
                                  rd_kafka_error_string(e));
                        rd_kafka_error_destroy(e);
                }
                return;
        }
        int lost = err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS || rd_kafka_assignment_lost(rk);
        if (!lost)
                c->cbs.revoke_commit(c->cbs.opaque);
        for (int i = 0; i < parts->cnt; i++) {
                kco_info("kafka", "task %s-%d: revoked %s-%d%s", c->name, c->task_id, parts->elems[i].topic,
                         (int)parts->elems[i].partition, lost ? " (lost)" : "");
                c->cbs.revoking(c->cbs.opaque, parts->elems[i].topic, parts->elems[i].partition, lost);
        }
        if (coop) {
                rd_kafka_error_t *e = rd_kafka_incremental_unassign(rk, parts);
                if (e)
                        rd_kafka_error_destroy(e);
        } else {
                rd_kafka_assign(rk, NULL);
        }
}

static void kco_consumer_set(rd_kafka_conf_t *rc, const char *k, const char *v) {
        char e[256];
        if (rd_kafka_conf_set(rc, k, v, e, sizeof(e)) != RD_KAFKA_CONF_OK) {
                kco_error("kafka", "cannot set %s: %s", k, e);
                abort(); /* our own settings are known-good */
        }
}

kco_consumer_t *kco_consumer_new(const kco_conf_t *conf, int task_id, const kco_consumer_cbs_t *cbs, char *err,
                                 size_t errsz) {
        kco_consumer_t *c = kco_calloc(1, sizeof(*c));
        c->cbs = *cbs;
        c->task_id = task_id;
        c->name = kco_strdup(conf->name);
        rd_kafka_conf_t *rc = rd_kafka_conf_new();
        char buf[512];
        kco_consumer_set(rc, "auto.offset.reset", "earliest");
        kco_consumer_set(rc, "log.connection.close", "false");
        /* librdkafka compares queued.min.messages with the task's whole
         * queue (all partitions forward into it), so its default of 100000
         * throttles fetching with many partitions; the byte limit
         * (queued.max.messages.kbytes) still bounds memory. */
        kco_consumer_set(rc, "queued.min.messages", "1000000");
        if (kco_consumer_apply(rc, conf, NULL)) {
                snprintf(err, errsz, "invalid consumer properties");
                rd_kafka_conf_destroy(rc);
                free(c->name);
                free(c);
                return NULL;
        }
        if (rd_kafka_conf_set(rc, "bootstrap.servers", conf->bootstrap_servers, buf, sizeof(buf)) !=
            RD_KAFKA_CONF_OK) {
                snprintf(err, errsz, "bootstrap.servers: %s", buf);
                rd_kafka_conf_destroy(rc);
                free(c->name);
                free(c);
                return NULL;
        }
        snprintf(buf, sizeof(buf), "connect-%s", conf->name);
        kco_consumer_set(rc, "group.id", buf);
        snprintf(buf, sizeof(buf), "connector-consumer-%s-%d", conf->name, task_id);
        size_t cidlen = 0;
        if (rd_kafka_conf_get(rc, "client.id", NULL, &cidlen) == RD_KAFKA_CONF_OK) {
                char cid[256];
                cidlen = sizeof(cid);
                rd_kafka_conf_get(rc, "client.id", cid, &cidlen);
                if (!strcmp(cid, "rdkafka"))
                        kco_consumer_set(rc, "client.id", buf);
        }
        kco_consumer_set(rc, "enable.auto.commit", "false");
        kco_consumer_set(rc, "enable.auto.offset.store", "false");
        rd_kafka_conf_set_log_cb(rc, kco_consumer_log_cb);
        rd_kafka_conf_set_error_cb(rc, kco_consumer_error_cb);
        rd_kafka_conf_set_rebalance_cb(rc, kco_consumer_rebalance_cb);
        rd_kafka_conf_set_offset_commit_cb(rc, kco_consumer_offset_commit_cb);
        rd_kafka_conf_set_opaque(rc, c);
        c->rk = rd_kafka_new(RD_KAFKA_CONSUMER, rc, buf, sizeof(buf));
        if (!c->rk) {
                snprintf(err, errsz, "cannot create consumer: %s", buf);
                free(c->name);
                free(c);
                return NULL;
        }
        rd_kafka_poll_set_consumer(c->rk);
        c->queue = rd_kafka_queue_get_consumer(c->rk);
        rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(conf->topics.n ? conf->topics.n : 1);
        if (conf->topics.n) {
                for (int i = 0; i < conf->topics.n; i++)
                        rd_kafka_topic_partition_list_add(sub, conf->topics.v[i], RD_KAFKA_PARTITION_UA);
        } else {
                /* Connect matches topics.regex against the whole name;
                 * librdkafka treats a topic starting with ^ as a regex. */
                const char *re = conf->topics_regex;
                size_t n = strlen(re);
                if (re[0] == '^')
                        re++, n--;
                if (n && re[n - 1] == '$' && (n < 2 || re[n - 2] != '\\'))
                        n--;
                char *pat = kco_asprintf("^(%.*s)$", (int)n, re);
                rd_kafka_topic_partition_list_add(sub, pat, RD_KAFKA_PARTITION_UA);
                free(pat);
        }
        rd_kafka_resp_err_t e = rd_kafka_subscribe(c->rk, sub);
        rd_kafka_topic_partition_list_destroy(sub);
        if (e) {
                snprintf(err, errsz, "cannot subscribe: %s", rd_kafka_err2str(e));
                rd_kafka_queue_destroy(c->queue);
                rd_kafka_destroy(c->rk);
                free(c->name);
                free(c);
                return NULL;
        }
        return c;
}

rd_kafka_t *kco_consumer_handle(kco_consumer_t *c) {
        return c->rk;
}

size_t kco_consumer_poll(kco_consumer_t *c, rd_kafka_message_t **msgs, size_t max, int timeout_ms) {
        ssize_t n = rd_kafka_consume_batch_queue(c->queue, timeout_ms, msgs, max);
        return n < 0 ? 0 : (size_t)n;
}

static void kco_consumer_commit_report(kco_consumer_t *c, rd_kafka_resp_err_t err,
                                       const rd_kafka_topic_partition_list_t *offsets) {
        for (int i = 0; offsets && i < offsets->cnt; i++) {
                const rd_kafka_topic_partition_t *p = &offsets->elems[i];
                c->cbs.commit_result(c->cbs.opaque, p->topic, p->partition, p->offset, err ? err : p->err);
        }
}

static void kco_consumer_offset_commit_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                                          rd_kafka_topic_partition_list_t *offsets, void *opaque) {
        (void)rk;
        kco_consumer_commit_report(opaque, err, offsets);
}

void kco_consumer_commit(kco_consumer_t *c, rd_kafka_topic_partition_list_t *offsets, int async) {
        if (async) {
                rd_kafka_resp_err_t e = rd_kafka_commit(c->rk, offsets, 1);
                if (e) /* not even sent */
                        kco_consumer_commit_report(c, e, offsets);
                return;
        }
        /* a synchronous commit does not go through offset_commit_cb */
        rd_kafka_resp_err_t e = rd_kafka_commit(c->rk, offsets, 0);
        kco_consumer_commit_report(c, e, offsets);
}

rd_kafka_resp_err_t kco_consumer_commit_wait(kco_consumer_t *c, rd_kafka_topic_partition_list_t *offsets) {
        return rd_kafka_commit(c->rk, offsets, 0);
}

rd_kafka_resp_err_t kco_consumer_committed(kco_consumer_t *c, const char *topic, int32_t partition, int64_t *offset,
                                           char **metadata) {
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(l, topic, partition);
        rd_kafka_resp_err_t e = rd_kafka_committed(c->rk, l, 10000);
        const rd_kafka_topic_partition_t *p = &l->elems[0];
        if (!e)
                e = p->err;
        *offset = p->offset >= 0 ? p->offset : -1;
        *metadata = !e && p->metadata && p->metadata_size ? kco_strndup(p->metadata, p->metadata_size) : NULL;
        rd_kafka_topic_partition_list_destroy(l);
        return e;
}

int kco_consumer_seek(kco_consumer_t *c, const char *topic, int32_t partition, int64_t offset) {
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(l, topic, partition)->offset = offset;
        rd_kafka_error_t *e = rd_kafka_seek_partitions(c->rk, l, 5000);
        int rc = 0;
        if (e) {
                kco_warn("kafka", "seek %s-%d to %lld failed: %s", topic, (int)partition, (long long)offset,
                         rd_kafka_error_string(e));
                rd_kafka_error_destroy(e);
                rc = -1;
        } else if (l->elems[0].err) {
                kco_warn("kafka", "seek %s-%d to %lld failed: %s", topic, (int)partition, (long long)offset,
                         rd_kafka_err2str(l->elems[0].err));
                rc = -1;
        }
        rd_kafka_topic_partition_list_destroy(l);
        return rc;
}

void kco_consumer_destroy(kco_consumer_t *c) {
        if (!c)
                return;
        rd_kafka_consumer_close(c->rk);
        rd_kafka_queue_destroy(c->queue);
        rd_kafka_destroy(c->rk);
        free(c->name);
        free(c);
}
