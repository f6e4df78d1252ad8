/*
 * kco_budget.h - the worker-wide memory budget (buffer.memory): the bytes that
 * open files hold (staging buffers, Parquet row groups, upload parts not yet
 * sent), summed over every task of every connector.
 *
 * Owns: one counter. Any thread (relaxed atomics: a decision taken on a value
 * a few kilobytes stale is still bounded). Must never: block; the sink that
 * sees it spent relieves it itself (see kco_sink.c).
 */
#ifndef KCO_BUDGET_H
#define KCO_BUDGET_H

#include <stdatomic.h>
#include <stdint.h>

typedef struct kco_budget_s {
        atomic_int_fast64_t used;
        int64_t limit; /* <= 0: no limit */
        atomic_uint_fast64_t relief_commits; /* commits forced by a spent budget */
        atomic_int holders; /* sinks sharing it */
} kco_budget_t;

static inline void kco_budget_init(kco_budget_t *b, int64_t limit) {
        atomic_init(&b->used, 0);
        atomic_init(&b->relief_commits, 0);
        atomic_init(&b->holders, 0);
        b->limit = limit;
}

static inline void kco_budget_add(kco_budget_t *b, int64_t delta) {
        if (b && delta)
                atomic_fetch_add_explicit(&b->used, delta, memory_order_relaxed);
}

static inline int64_t kco_budget_used(const kco_budget_t *b) {
        return b ? (int64_t)atomic_load_explicit(&b->used, memory_order_relaxed) : 0;
}

static inline int kco_budget_over(const kco_budget_t *b) {
        return b && b->limit > 0 && kco_budget_used(b) > b->limit;
}

/* Whether a holder of `held` bytes should give some back when the budget is spent: when it holds at least half
 * its fair share (so that memory spread over many holders is still reclaimed, and the worst case stays within
 * 1.5 times the limit), never for a holder of nothing. */
static inline int kco_budget_should_relieve(const kco_budget_t *b, int64_t held) {
        int n = atomic_load_explicit(&b->holders, memory_order_relaxed);
        return held > 0 && held * 2 * (n > 0 ? n : 1) >= b->limit;
}

#endif
