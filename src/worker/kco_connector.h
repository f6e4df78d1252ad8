/*
 * kco_connector.h - one configured connector in this process: its settings,
 * its store, its counters and its tasks (threads).
 *
 * Owns: kco_conf_t (after new), the store, the tasks. Created, started,
 * stopped and destroyed by the main thread; tasks run on their own threads
 * and only read the connector.
 */
#ifndef KCO_CONNECTOR_H
#define KCO_CONNECTOR_H

#include <stdatomic.h>

#include "core/kco_budget.h"
#include "core/kco_err.h"
#include "core/kco_stats.h"
#include "store/kco_store.h"
#include "worker/kco_conf.h"

typedef struct kco_task_s kco_task_t;

typedef struct kco_connector_s {
        kco_conf_t *conf;
        kco_store_t *store;
        kco_stats_t stats;
        kco_task_t **tasks;
        int ntasks;
        atomic_int *stop; /* set to stop every task (shared by the process) */
        atomic_int running; /* task threads not yet finished */
        kco_budget_t *budget; /* buffer.memory of the whole worker */
} kco_connector_t;

/* Takes ownership of conf (also on failure). */
kco_connector_t *kco_connector_new(kco_conf_t *conf, atomic_int *stop, kco_budget_t *budget, kco_err_t *err);
/* Starts tasks.max task threads. */
int kco_connector_start(kco_connector_t *c, kco_err_t *err);
/* Waits for every task thread to end (after *stop is set or they fail).
 * Returns the number of failed tasks. */
int kco_connector_join(kco_connector_t *c);
void kco_connector_destroy(kco_connector_t *c);

/* Task thread API (kco_task.c) */
kco_task_t *kco_task_start(kco_connector_t *c, int id, kco_err_t *err);
/* Why the task failed (NULL while it has not): topic, partition, offset and reason where there is one. */
const char *kco_task_failure(const kco_task_t *t);
/* Joins the thread; returns 1 if the task failed. Frees the task. */
int kco_task_join(kco_task_t *t);

#endif
