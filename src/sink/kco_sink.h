/*
 * kco_sink.h - the per-task sink: one writer per assigned Kafka partition,
 * each deciding when its open files rotate and which offset may be committed.
 *
 * Owns: the partition writers of one task, their open files, the task's
 * format and partitioner. Task thread only.
 * Must never: report an offset as ready before every record below it is in a
 * committed (durable, visible) object; upload a file partially on revoke.
 */
#ifndef KCO_SINK_H
#define KCO_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "commit/kco_commit.h"
#include "core/kco_budget.h"
#include "core/kco_err.h"
#include "core/kco_stats.h"
#include "record/kco_record.h"
#include "store/kco_store.h"
#include "worker/kco_conf.h"

typedef struct kco_sink_s kco_sink_t;

/* NULL with err when the partitioner cannot start (a custom partitioner refusing, ICU failing). */
kco_sink_t *kco_sink_new(const kco_conf_t *conf, kco_store_t *st, kco_stats_t *stats, int task_id, kco_err_t *err);
/* Discards all open files. */
void kco_sink_destroy(kco_sink_t *s);

void kco_sink_assign(kco_sink_t *s, const char *topic, int32_t partition);
/* Discards the partition's open files (never uploads them). */
void kco_sink_revoke(kco_sink_t *s, const char *topic, int32_t partition);
void kco_sink_revoke_all(kco_sink_t *s);

/*
 * Writes one record; rotates and commits files as flush.size and
 * rotate.interval.ms say. A record of a partition not assigned (outdated
 * by a rebalance) is skipped. On error the record was not written: a data
 * error (err->code KCO_ERR_DATA) names the record; a store error or an offset
 * that does not move forward leaves the partition to be rewound with
 * kco_sink_rewind.
 */
int kco_sink_write(kco_sink_t *s, const kco_record_t *rec, kco_err_t *err);

/* A record that is not written (a bad record tolerated by errors.tolerance=all): its offset counts as handled. */
void kco_sink_skip(kco_sink_t *s, const kco_record_t *rec);

/* Discards the partition's open files; returns the offset to consume from
 * again: the first offset not in a committed object, or failed_offset (the
 * record that failed) when nothing of the partition was seen before it;
 * -1 if the partition is not assigned. */
int64_t kco_sink_rewind(kco_sink_t *s, const char *topic, int32_t partition, int64_t failed_offset);

/* Calls cb for every partition with an offset ready to commit to Kafka and
 * not yet sent; the offset counts as sent (in flight) from then on. */
void kco_sink_foreach_ready(kco_sink_t *s, void (*cb)(void *opaque, const char *topic, int32_t partition,
                                                      int64_t offset),
                            void *opaque);
/* The outcome of committing offset: on failure it is offered again. */
void kco_sink_commit_result(kco_sink_t *s, const char *topic, int32_t partition, int64_t offset, int ok);

/* Number of partitions with open files (for tests and the demo). */
int kco_sink_open_files(kco_sink_t *s);

/* Timers (call between batches): rotate.schedule.interval.ms commits partitions whose time has come, also
 * those that receive no more records. Returns how many commits failed; those partitions are reported by
 * kco_sink_foreach_rewind. -1 (logged): a two-phase commit ended in a state only a restart resolves; the
 * task must stop. */
int kco_sink_tick(kco_sink_t *s);
/* Each partition that must be consumed again from resume_offset because a commit made outside its own
 * write failed (a timer, partitioner.max.open.files); cleared once reported. */
void kco_sink_foreach_rewind(kco_sink_t *s, void (*cb)(void *opaque, const char *topic, int32_t partition,
                                                       int64_t resume_offset),
                             void *opaque);

/* buffer.memory, shared by every sink of the worker: when it is spent, the partition holding the most commits. */
void kco_sink_set_budget(kco_sink_t *s, kco_budget_t *b);
/* The synchronous Kafka calls of the two-phase commit; without them every commit is one phase (unit tests). */
void kco_sink_set_kafka(kco_sink_t *s, const kco_commit_kafka_t *k);
/* Before newly assigned (kco_sink_assign) partitions of topic are consumed: finishes what their committed
 * offsets name (kco_commit_recover); what crashed writers left is swept from the task thread later, before the
 * partition's first file (kco_commit_sweep). -1 with err: the task must stop. */
int kco_sink_recover(kco_sink_t *s, const char *topic, const int32_t *partitions, size_t n, kco_err_t *err);

/* Builds an object key (exposed for unit tests). */
char *kco_sink_object_key(const kco_conf_t *conf, const char *ext, const char *topic, int32_t partition,
                          const char *encoded, int64_t start_offset);

#endif
