/*
 * kco_commit.h - the two-phase commit of files whose boundaries a replay
 * would not draw again (rotate.schedule.interval.ms, idle commits,
 * partitioner.max.open.files, timestamp.extractor=Wallclock), and the
 * recovery a partition's next owner runs before it consumes.
 *
 *   1. the sink prepares every file (kco_file_prepare: all bytes durable on the
 *      store, nothing visible), which gives a (key, token) per file;
 *   2. kco_commit_pending commits the Kafka offset after the files with
 *      metadata naming them ({"kco":1,"pending":[[key,token],...]}, or
 *      {"kco":1,"manifest":key} naming a small object that holds that list
 *      when the metadata would pass KCO_COMMIT_META_MAX bytes); the offset
 *      commit is the moment of decision: before it, the files never existed
 *      (a replay draws its own boundaries), after it they must appear;
 *   3. then it makes the files visible (kco_store_finish), and commits the
 *      same offset again without metadata (nothing left to finish).
 * kco_commit_recover, when a partition is assigned, reads the committed
 * offset's metadata and finishes what it names (finishing twice is harmless);
 * kco_commit_sweep, before the partition's first file is opened, discards what
 * crashed writers left of it: uploads in progress, prepared uploads no commit
 * names, manifests no longer named.
 *
 * Owns: nothing between calls. Task thread (Kafka calls are synchronous).
 * Must never: make a prepared object visible unless a committed offset names
 * it, or discard one that the committed offset names.
 */
#ifndef KCO_COMMIT_H
#define KCO_COMMIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/kco_err.h"
#include "store/kco_store.h"
#include "worker/kco_conf.h"

/* Kafka's default offset.metadata.max.bytes is 4096; stay well below it. */
#define KCO_COMMIT_META_MAX 3000

typedef struct kco_commit_offset_s {
        const char *topic;
        int32_t partition;
        int64_t offset;
        const char *metadata; /* NULL: none */
} kco_commit_offset_t;

/* Synchronous offset commits and reads (the task's consumer). */
typedef struct kco_commit_kafka_s {
        void *opaque;
        /* Commits o[0..n) in one request and waits for the answer: errs[i].code is KCO_OK for each offset that
         * was committed. Returns how many were not. */
        size_t (*commit)(void *opaque, const kco_commit_offset_t *o, size_t n, kco_err_t *errs);
        /* The committed offset (-1: none) and its metadata (malloc'd, NULL when empty): 0, or -1 with err. */
        int (*committed)(void *opaque, const char *topic, int32_t partition, int64_t *offset, char **metadata,
                         kco_err_t *err);
} kco_commit_kafka_t;

typedef struct kco_pending_s {
        char *key;
        char *token;
} kco_pending_t;

/* Phases two and three for the prepared files p[0..n) of topic-partition, whose records end before
 * next_offset. Returns 0 when the offset is committed and every file visible; *manifest (malloc'd) is then the
 * manifest object written, if it could not be deleted yet (the last commit failed): delete it once a later
 * commit no longer names it. On error, err->retriable
 * tells the caller what happened: retriable - nothing was committed and the prepared files are discarded (consume
 * again from the previous commit); not retriable - the state is unknown or the offset is committed with files not
 * yet visible: the task must stop, and the partition's next owner finishes them. p's strings are not freed. */
int kco_commit_pending(kco_store_t *st, const kco_conf_t *conf, const kco_commit_kafka_t *k, const char *topic,
                       int32_t partition, int64_t next_offset, const kco_pending_t *p, size_t n, char **manifest,
                       kco_err_t *err);

/* One partition's prepared files, for kco_commit_pending_many. */
typedef struct kco_commit_item_s {
        const char *topic;
        int32_t partition;
        int64_t next_offset;
        const kco_pending_t *p;
        size_t n;
        char *manifest; /* out: as kco_commit_pending's */
        kco_err_t err;  /* out: code KCO_OK when done; else as kco_commit_pending's */
} kco_commit_item_t;

/* kco_commit_pending for several partitions at once, with one offset commit request for all of them (and one to
 * clear the metadata): returns how many items failed. */
size_t kco_commit_pending_many(kco_store_t *st, const kco_conf_t *conf, const kco_commit_kafka_t *k,
                               kco_commit_item_t *items, size_t n);

/* Before newly assigned partitions of topic are consumed: finishes the files their committed metadata names.
 * manifests[i] (malloc'd or NULL): the manifest partition i's committed offset names, which kco_commit_sweep must
 * keep. Returns 0, or -1 with err (the task must not consume them). */
int kco_commit_recover(kco_store_t *st, const kco_commit_kafka_t *k, const char *topic, const int32_t *partitions,
                       size_t n, char **manifests, kco_err_t *err);
/* After kco_commit_recover, before any file of these partitions is opened: discards what crashed writers left
 * of them (uploads in progress or prepared and never committed, manifests other than keep_manifests[i]). Store
 * failures are logged, not returned: what is left is swept at a later assignment. */
void kco_commit_sweep(kco_store_t *st, const kco_conf_t *conf, const char *topic, const int32_t *partitions,
                      const char *const *keep_manifests, size_t n);

/* The manifest object of topic-partition's commit at next_offset:
 * [topics.dir/].kco-pending/<topic><file.delim><partition><file.delim><next_offset>.json */
char *kco_commit_manifest_key(const kco_conf_t *conf, const char *topic, int32_t partition, int64_t next_offset);

/* The pending files a metadata string names (inline, or by reading its manifest from st): 1 with *p / *n
 * (free with kco_commit_pending_free) and *manifest (its key or NULL), 0 when metadata is not ours (or
 * empty), -1 with err when it is ours but unreadable. */
int kco_commit_parse(kco_store_t *st, const char *metadata, kco_pending_t **p, size_t *n, char **manifest,
                     kco_err_t *err);
void kco_commit_pending_free(kco_pending_t *p, size_t n);

#endif
