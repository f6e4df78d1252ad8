/*
 * kco_consumer.h - one librdkafka consumer per task, in the group
 * connect-<connector name>, with explicit offset commits only.
 *
 * Owns: the rd_kafka_t of a task and its rebalance handling. Task thread
 * (librdkafka serves callbacks from inside kco_consumer_poll).
 * Must never: auto-commit or auto-store offsets; commit an offset the sink did
 * not report ready.
 */
#ifndef KCO_CONSUMER_H
#define KCO_CONSUMER_H

#include <librdkafka/rdkafka.h>
#include <stdint.h>

#include "worker/kco_conf.h"

typedef struct kco_consumer_s kco_consumer_t;

typedef struct kco_consumer_cbs_s {
        void *opaque;
        /* The whole set of newly assigned partitions, after assigned() for each and before any is fetched. */
        void (*assigning)(void *opaque, const rd_kafka_topic_partition_list_t *parts);
        void (*assigned)(void *opaque, const char *topic, int32_t partition);
        /* Before the partition goes: commit what is ready, discard the rest.
         * lost: the group already gave it to another member (commit fails). */
        void (*revoking)(void *opaque, const char *topic, int32_t partition, int lost);
        /* Called before revoking() for a whole set, to commit ready offsets. */
        void (*revoke_commit)(void *opaque);
        /* Outcome of each partition of an asynchronous commit. */
        void (*commit_result)(void *opaque, const char *topic, int32_t partition, int64_t offset,
                              rd_kafka_resp_err_t err);
} kco_consumer_cbs_t;

/* Checks consumer.* / consumer.override.* against librdkafka; adds errors
 * (invalid values) and warnings (unknown properties) to errs. */
void kco_consumer_check_conf(const kco_conf_t *conf, kco_conf_errs_t *errs);

kco_consumer_t *kco_consumer_new(const kco_conf_t *conf, int task_id, const kco_consumer_cbs_t *cbs, char *err,
                                 size_t errsz);
rd_kafka_t *kco_consumer_handle(kco_consumer_t *c);
/* Up to max messages, waiting at most timeout_ms for the first; returns the
 * count. The caller destroys each message. Callbacks are served inside;
 * librdkafka drops messages that a rebalance made outdated. */
size_t kco_consumer_poll(kco_consumer_t *c, rd_kafka_message_t **msgs, size_t max, int timeout_ms);
/* Commits offsets; the outcome of each arrives through cbs.commit_result
 * (from inside kco_consumer_poll when async, before returning otherwise). */
void kco_consumer_commit(kco_consumer_t *c, rd_kafka_topic_partition_list_t *offsets, int async);
/* Commits the offsets (with their metadata) in one request and waits for the answer: the request's error, and
 * each partition's in offsets->elems[i].err. Nothing goes through cbs.commit_result. */
rd_kafka_resp_err_t kco_consumer_commit_wait(kco_consumer_t *c, rd_kafka_topic_partition_list_t *offsets);
/* The group's committed offset (-1: none) of one partition and its metadata (malloc'd; NULL when empty). */
rd_kafka_resp_err_t kco_consumer_committed(kco_consumer_t *c, const char *topic, int32_t partition, int64_t *offset,
                                           char **metadata);
/* Moves the fetch position of one partition. */
int kco_consumer_seek(kco_consumer_t *c, const char *topic, int32_t partition, int64_t offset);
/* Leaves the group (revoking everything) and destroys the consumer. */
void kco_consumer_destroy(kco_consumer_t *c);

#endif
