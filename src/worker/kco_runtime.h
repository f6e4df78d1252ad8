/*
 * kco_runtime.h - the connectors of this process, started together and
 * stopped together (standalone mode and the demo).
 *
 * Owns: the connectors and the process-wide stop flag. Main thread; tasks
 * only read the flag, or set it when they fail.
 */
#ifndef KCO_RUNTIME_H
#define KCO_RUNTIME_H

#include <stdatomic.h>

#include "core/kco_budget.h"
#include "worker/kco_conf.h"
#include "worker/kco_connector.h"

typedef struct kco_runtime_s {
        kco_connector_t **conns;
        int n;
        atomic_int stop;
        kco_budget_t budget; /* buffer.memory, shared by every connector (the first one's setting) */
} kco_runtime_t;

kco_runtime_t *kco_runtime_new(void);
/* Takes ownership of conf. */
int kco_runtime_add(kco_runtime_t *rt, kco_conf_t *conf, kco_err_t *err);
int kco_runtime_start(kco_runtime_t *rt, kco_err_t *err);
void kco_runtime_stop(kco_runtime_t *rt);
/* Joins every task (after stop); returns the number of failed tasks. */
int kco_runtime_join(kco_runtime_t *rt);
void kco_runtime_destroy(kco_runtime_t *rt);

/*
 * Loads a worker file (may be NULL) and connector files into validated
 * settings. Prints every error and warning to stderr, prefixed by the file.
 * Returns 0 and fills confs[0..n-1] when all are valid.
 */
int kco_runtime_load(const char *worker_path, char *const *paths, int n, kco_conf_t **confs);

/* `standalone`: runs until SIGTERM/SIGINT or a task fails. Exit code. */
int kco_standalone_main(int argc, char **argv);
/* `validate`: exit code. */
int kco_validate_main(int argc, char **argv);
/* `demo`: exit code. */
int kco_demo_main(int argc, char **argv);

/* Blocks SIGTERM/SIGINT in the calling thread (call before starting
 * threads) and waits until one arrives or rt->stop is set. */
void kco_runtime_block_signals(void);
void kco_runtime_wait(kco_runtime_t *rt, void (*tick)(void *opaque), void *opaque, int tick_ms);

#endif
