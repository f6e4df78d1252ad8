/*
 * kco_stats.h - counters of one connector, shared by its tasks.
 *
 * Owns: plain atomic counters. Any thread (relaxed atomics; readers such as
 * the demo's progress line tolerate slightly stale values).
 */
#ifndef KCO_STATS_H
#define KCO_STATS_H

#include <stdatomic.h>
#include <stdint.h>

typedef struct kco_stats_s {
        atomic_uint_fast64_t records_consumed; /* records handed to the sink */
        atomic_uint_fast64_t records_committed; /* in committed objects */
        atomic_uint_fast64_t records_skipped;   /* tombstones ignored, bad records tolerated without a DLQ */
        atomic_uint_fast64_t records_dlq;       /* bad records sent to the dead-letter topic */
        atomic_uint_fast64_t files_committed;
        atomic_uint_fast64_t files_discarded;
        atomic_uint_fast64_t bytes_committed;   /* object bytes, after compression */
        atomic_uint_fast64_t offset_commits;
        /* commits at boundaries that a replay may not reproduce (rotate.schedule.interval.ms,
         * partitioner.max.open.files) */
        atomic_uint_fast64_t rotations_nondeterministic;
        atomic_uint_fast64_t commits_two_phase; /* offset commits naming prepared files (commit/kco_commit.h) */
        atomic_int tasks_failed;
} kco_stats_t;

#define kco_stats_add(field, n) atomic_fetch_add_explicit(&(field), (n), memory_order_relaxed)
#define kco_stats_get(field) atomic_load_explicit(&(field), memory_order_relaxed)

#endif
