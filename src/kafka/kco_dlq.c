/*
 * kco_dlq.c - dead-letter queue producer (see kco_dlq.h). The producer is
 * idempotent with acks=all; delivery reports arrive while flushing, on the
 * task thread.
 */
#include "kafka/kco_dlq.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_log.h"
#include "core/kco_mem.h"

struct kco_dlq_s {
        rd_kafka_t *rk;
        char *topic;
        int context_headers;
        char *connector;
        int task_id;
        const char *key_converter;   /* Java class names for __connect.errors.class.name */
        const char *value_converter;
        rd_kafka_queue_t *admin_q; /* the answer to CreateTopics, until it arrives */
        int pending;
        int failed;
        char fail_msg[256];
};

static void kco_dlq_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
        (void)rk;
        kco_dlq_t *d = opaque;
        d->pending--;
        if (m->err && !d->failed) {
                d->failed = 1;
                snprintf(d->fail_msg, sizeof(d->fail_msg), "%s", rd_kafka_err2str(m->err));
        }
}

static void kco_dlq_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
        (void)rk;
        if (level <= 3)
                kco_warn("dlq", "%s: %s", fac, buf);
        else
                kco_debug("dlq", "%s: %s", fac, buf);
}

/* Asks for the topic (one partition, as Connect does) without waiting: the
 * answer is logged when it arrives (kco_dlq_admin_poll). Records produced
 * meanwhile wait in the producer for the topic's metadata. */
static void kco_dlq_create_topic(kco_dlq_t *d, int replication) {
        char e[256];
        rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(d->topic, 1, replication, e, sizeof(e));
        if (!nt) {
                kco_warn("dlq", "dead-letter topic %s: %s", d->topic, e);
                return;
        }
        d->admin_q = rd_kafka_queue_new(d->rk);
        rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(d->rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
        rd_kafka_AdminOptions_set_request_timeout(o, 30000, e, sizeof(e));
        rd_kafka_CreateTopics(d->rk, &nt, 1, o, d->admin_q);
        rd_kafka_AdminOptions_destroy(o);
        rd_kafka_NewTopic_destroy(nt);
}

/* Logs the outcome of the topic creation once it is known. */
static void kco_dlq_admin_poll(kco_dlq_t *d) {
        if (!d->admin_q)
                return;
        rd_kafka_event_t *ev = rd_kafka_queue_poll(d->admin_q, 0);
        if (!ev)
                return;
        const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
        if (!res || rd_kafka_event_error(ev)) {
                kco_warn("dlq", "dead-letter topic %s: cannot create it: %s; relying on the broker's auto-creation",
                         d->topic, rd_kafka_event_error_string(ev));
        } else {
                size_t n = 0;
                const rd_kafka_topic_result_t **tr = rd_kafka_CreateTopics_result_topics(res, &n);
                rd_kafka_resp_err_t te = n ? rd_kafka_topic_result_error(tr[0]) : RD_KAFKA_RESP_ERR_NO_ERROR;
                const char *msg = n ? rd_kafka_topic_result_error_string(tr[0]) : NULL;
                if (te == RD_KAFKA_RESP_ERR_NO_ERROR)
                        kco_info("dlq", "created dead-letter topic %s", d->topic);
                else if (te != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
                        kco_warn("dlq", "dead-letter topic %s: cannot create it: %s; relying on the broker's "
                                        "auto-creation",
                                 d->topic, msg ? msg : rd_kafka_err2str(te));
        }
        rd_kafka_event_destroy(ev);
        rd_kafka_queue_destroy(d->admin_q);
        d->admin_q = NULL;
}

kco_dlq_t *kco_dlq_new(const kco_conf_t *conf, int task_id, kco_err_t *err) {
        char e[512];
        rd_kafka_conf_t *rc = rd_kafka_conf_new();
        for (size_t i = 0; i < kco_props_count(conf->producer); i++) {
                const char *k = kco_props_key(conf->producer, i), *v = kco_props_value(conf->producer, i);
                if (rd_kafka_conf_set(rc, k, v, e, sizeof(e)) != RD_KAFKA_CONF_OK) {
                        rd_kafka_conf_destroy(rc);
                        kco_err_set(err, KCO_ERR_CONFIG, 0, "producer.%s: %s", k, e);
                        return NULL;
                }
        }
        const char *own[][2] = {
                {"bootstrap.servers", conf->bootstrap_servers},
                {"acks", "all"},
                {"enable.idempotence", "true"},
                {"linger.ms", "5"},
                {"log.connection.close", "false"},
        };
        for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
                if (rd_kafka_conf_set(rc, own[i][0], own[i][1], e, sizeof(e)) != RD_KAFKA_CONF_OK) {
                        rd_kafka_conf_destroy(rc);
                        kco_err_set(err, KCO_ERR_CONFIG, 0, "%s: %s", own[i][0], e);
                        return NULL;
                }
        kco_dlq_t *d = kco_calloc(1, sizeof(*d));
        d->topic = kco_strdup(conf->dlq_topic);
        d->context_headers = conf->dlq_context_headers;
        d->connector = kco_strdup(conf->name);
        d->task_id = task_id;
        d->key_converter = kco_conf_enum_name("key.converter", conf->key_converter);
        d->value_converter = kco_conf_enum_name("value.converter", conf->value_converter);
        snprintf(e, sizeof(e), "connector-dlq-producer-%s-%d", conf->name, task_id);
        rd_kafka_conf_set(rc, "client.id", e, NULL, 0);
        rd_kafka_conf_set_dr_msg_cb(rc, kco_dlq_dr_cb);
        rd_kafka_conf_set_log_cb(rc, kco_dlq_log_cb);
        rd_kafka_conf_set_opaque(rc, d);
        d->rk = rd_kafka_new(RD_KAFKA_PRODUCER, rc, e, sizeof(e));
        if (!d->rk) {
                rd_kafka_conf_destroy(rc);
                kco_err_set(err, KCO_ERR_KAFKA, 0, "dead-letter queue producer: %s", e);
                kco_dlq_destroy(d);
                return NULL;
        }
        kco_dlq_create_topic(d, conf->dlq_replication_factor);
        return d;
}

void kco_dlq_destroy(kco_dlq_t *d) {
        if (!d)
                return;
        if (d->admin_q)
                rd_kafka_queue_destroy(d->admin_q);
        if (d->rk) {
                if (d->pending)
                        rd_kafka_flush(d->rk, 5000);
                rd_kafka_destroy(d->rk);
        }
        free(d->topic);
        free(d->connector);
        free(d);
}

static void kco_dlq_header(rd_kafka_headers_t *h, const char *name, const char *value) {
        rd_kafka_header_add(h, name, -1, value, -1);
}

int kco_dlq_send(kco_dlq_t *d, const rd_kafka_message_t *m, kco_stage_t stage, const kco_err_t *why,
                 kco_err_t *err) {
        rd_kafka_headers_t *orig = NULL, *h;
        if (!rd_kafka_message_headers(m, &orig) && orig)
                h = rd_kafka_headers_copy(orig);
        else
                h = rd_kafka_headers_new(8);
        if (d->context_headers) {
                static const char *const stages[] = {"KEY_CONVERTER", "VALUE_CONVERTER", "TASK_PUT"};
                const char *cls = stage == KCO_STAGE_KEY_CONVERTER     ? d->key_converter
                                  : stage == KCO_STAGE_VALUE_CONVERTER ? d->value_converter
                                                                       : "com.aliyun.oss.connect.kafka.OSSSinkTask";
                char num[32];
                kco_dlq_header(h, "__connect.errors.topic", rd_kafka_topic_name(m->rkt));
                snprintf(num, sizeof(num), "%d", (int)m->partition);
                kco_dlq_header(h, "__connect.errors.partition", num);
                snprintf(num, sizeof(num), "%" PRId64, m->offset);
                kco_dlq_header(h, "__connect.errors.offset", num);
                kco_dlq_header(h, "__connect.errors.connector.name", d->connector);
                snprintf(num, sizeof(num), "%d", d->task_id);
                kco_dlq_header(h, "__connect.errors.task.id", num);
                kco_dlq_header(h, "__connect.errors.stage", stages[stage]);
                kco_dlq_header(h, "__connect.errors.class.name", cls ? cls : "");
                kco_dlq_header(h, "__connect.errors.exception.class.name",
                               why->code == KCO_ERR_DATA ? "org.apache.kafka.connect.errors.DataException"
                                                         : "org.apache.kafka.connect.errors.ConnectException");
                kco_dlq_header(h, "__connect.errors.exception.message", why->msg);
                kco_dlq_header(h, "__connect.errors.exception.stacktrace", why->msg);
        }
        rd_kafka_resp_err_t e = rd_kafka_producev(
                d->rk, RD_KAFKA_V_TOPIC(d->topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_KEY(m->key, m->key_len), RD_KAFKA_V_VALUE(m->payload, m->len),
                RD_KAFKA_V_TIMESTAMP(rd_kafka_message_timestamp(m, NULL) >= 0 ? rd_kafka_message_timestamp(m, NULL)
                                                                               : 0),
                RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_END);
        if (e) {
                rd_kafka_headers_destroy(h);
                return kco_err_set(err, KCO_ERR_KAFKA, 1, "dead-letter topic %s: cannot queue record: %s", d->topic,
                                   rd_kafka_err2str(e));
        }
        d->pending++;
        rd_kafka_poll(d->rk, 0);
        kco_dlq_admin_poll(d);
        return 0;
}

int kco_dlq_flush(kco_dlq_t *d, int timeout_ms, kco_err_t *err) {
        kco_dlq_admin_poll(d);
        if (d->pending)
                rd_kafka_flush(d->rk, timeout_ms);
        else
                rd_kafka_poll(d->rk, 0);
        if (d->failed)
                return kco_err_set(err, KCO_ERR_KAFKA, 0, "dead-letter topic %s: delivery failed: %s", d->topic,
                                   d->fail_msg);
        if (d->pending)
                return kco_err_set(err, KCO_ERR_KAFKA, 1, "dead-letter topic %s: %d record(s) not acknowledged "
                                                          "within %d ms", d->topic, d->pending, timeout_ms);
        return 0;
}

int kco_dlq_pending(const kco_dlq_t *d) {
        return d->pending;
}
