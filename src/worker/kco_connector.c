/*
 * kco_connector.c - creates a connector's store and starts/joins its tasks.
 * Main thread.
 */
#include "worker/kco_connector.h"

#include <stdlib.h>

#include "core/kco_log.h"
#include "core/kco_mem.h"

kco_connector_t *kco_connector_new(kco_conf_t *conf, atomic_int *stop, kco_budget_t *budget, kco_err_t *err) {
        kco_store_t *st = kco_store_new(conf, err);
        if (!st) {
                kco_conf_destroy(conf);
                return NULL;
        }
        kco_connector_t *c = kco_calloc(1, sizeof(*c));
        c->conf = conf;
        c->store = st;
        c->stop = stop;
        c->budget = budget;
        return c;
}

int kco_connector_start(kco_connector_t *c, kco_err_t *err) {
        c->tasks = kco_calloc((size_t)c->conf->tasks_max, sizeof(*c->tasks));
        atomic_store(&c->running, c->conf->tasks_max);
        for (int i = 0; i < c->conf->tasks_max; i++) {
                c->tasks[i] = kco_task_start(c, i, err);
                if (!c->tasks[i]) {
                        atomic_fetch_sub(&c->running, c->conf->tasks_max - i);
                        return -1;
                }
                c->ntasks++;
        }
        kco_info("worker", "connector %s: started %d task(s), consumer group connect-%s", c->conf->name, c->ntasks,
                 c->conf->name);
        return 0;
}

int kco_connector_join(kco_connector_t *c) {
        int failed = 0;
        for (int i = 0; i < c->ntasks; i++)
                failed += kco_task_join(c->tasks[i]);
        c->ntasks = 0;
        return failed;
}

void kco_connector_destroy(kco_connector_t *c) {
        if (!c)
                return;
        kco_connector_join(c);
        free(c->tasks);
        kco_store_destroy(c->store);
        kco_conf_destroy(c->conf);
        free(c);
}
