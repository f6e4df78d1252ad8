/*
 * kco_dlq.h - the dead-letter queue: bad records (errors.tolerance=all) are
 * produced unchanged to errors.deadletterqueue.topic.name, with Kafka
 * Connect's __connect.errors.* context headers when enabled.
 *
 * Owns: one librdkafka producer per task and the count of deliveries in
 * flight. The task thread only (delivery reports are served by flush).
 * Must never: let the task commit an offset past a dead-letter record that
 * Kafka has not acknowledged (the task flushes before every commit).
 */
#ifndef KCO_DLQ_H
#define KCO_DLQ_H

#include <librdkafka/rdkafka.h>

#include "core/kco_err.h"
#include "worker/kco_conf.h"

typedef struct kco_dlq_s kco_dlq_t;

/* Where in the pipeline the record failed (Connect's stage names). */
typedef enum { KCO_STAGE_KEY_CONVERTER, KCO_STAGE_VALUE_CONVERTER, KCO_STAGE_TASK_PUT } kco_stage_t;

/* NULL with err set when the producer cannot be created. Asks for the topic to be created without waiting
 * (the outcome is logged; if it fails, producing relies on the broker's auto-creation). */
kco_dlq_t *kco_dlq_new(const kco_conf_t *conf, int task_id, kco_err_t *err);
void kco_dlq_destroy(kco_dlq_t *d);

/* Queues m (key, value, headers) plus context headers. Fails only if the producer refuses it. */
int kco_dlq_send(kco_dlq_t *d, const rd_kafka_message_t *m, kco_stage_t stage, const kco_err_t *why,
                 kco_err_t *err);
/* Waits until every queued record is acknowledged. -1 with err if one failed or timeout_ms passed. */
int kco_dlq_flush(kco_dlq_t *d, int timeout_ms, kco_err_t *err);
/* Records queued and not yet acknowledged. */
int kco_dlq_pending(const kco_dlq_t *d);

#endif
