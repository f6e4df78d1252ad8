/*
 * kco_runtime.c - standalone mode: load and validate the files, start every
 * connector, wait for a signal (or a failed task), stop, exit.
 * Also `validate`, which shares the loading code.
 *
 * Main thread. Signals are blocked in every thread and taken synchronously by
 * the main thread (sigtimedwait), so no work happens in a signal handler.
 */
#include "worker/kco_runtime.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kco_log.h"
#include "core/kco_mem.h"
#include "kafka/kco_consumer.h"
#include "store/kco_store.h"

kco_runtime_t *kco_runtime_new(void) {
        kco_runtime_t *rt = kco_calloc(1, sizeof(*rt));
        atomic_init(&rt->stop, 0);
        return rt;
}

int kco_runtime_add(kco_runtime_t *rt, kco_conf_t *conf, kco_err_t *err) {
        if (!rt->n)
                kco_budget_init(&rt->budget, conf->buffer_memory);
        kco_connector_t *c = kco_connector_new(conf, &rt->stop, &rt->budget, err);
        if (!c)
                return -1;
        rt->conns = kco_realloc(rt->conns, sizeof(*rt->conns) * (size_t)(rt->n + 1));
        rt->conns[rt->n++] = c;
        return 0;
}

int kco_runtime_start(kco_runtime_t *rt, kco_err_t *err) {
        for (int i = 0; i < rt->n; i++)
                if (kco_connector_start(rt->conns[i], err))
                        return -1;
        return 0;
}

void kco_runtime_stop(kco_runtime_t *rt) {
        atomic_store(&rt->stop, 1);
}

/* Tasks get KCO_RUNTIME_GRACE_MS to finish what they do (uploads are
 * aborted on the server); then the stores fail what is still pending. */
#define KCO_RUNTIME_GRACE_MS 5000

int kco_runtime_join(kco_runtime_t *rt) {
        int failed = 0;
        for (int waited = 0;; waited += 50) {
                int running = 0;
                for (int i = 0; i < rt->n; i++)
                        running += atomic_load(&rt->conns[i]->running);
                if (!running)
                        break;
                if (waited >= KCO_RUNTIME_GRACE_MS) {
                        kco_warn("worker", "%d task(s) still busy with the store after %d ms: giving up on "
                                           "their pending requests",
                                 running, KCO_RUNTIME_GRACE_MS);
                        for (int i = 0; i < rt->n; i++)
                                kco_store_hurry(rt->conns[i]->store);
                        break;
                }
                struct timespec ts = {0, 50 * 1000000L};
                nanosleep(&ts, NULL);
        }
        for (int i = 0; i < rt->n; i++)
                failed += kco_connector_join(rt->conns[i]);
        return failed;
}

void kco_runtime_destroy(kco_runtime_t *rt) {
        if (!rt)
                return;
        kco_runtime_stop(rt);
        for (int i = 0; i < rt->n; i++)
                kco_connector_destroy(rt->conns[i]);
        free(rt->conns);
        free(rt);
}

void kco_runtime_block_signals(void) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        signal(SIGPIPE, SIG_IGN);
}

void kco_runtime_wait(kco_runtime_t *rt, void (*tick)(void *), void *opaque, int tick_ms) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        while (!atomic_load(&rt->stop)) {
                struct timespec ts = {tick_ms / 1000, (long)(tick_ms % 1000) * 1000000L};
                int sig = sigtimedwait(&set, NULL, &ts);
                if (sig == SIGTERM || sig == SIGINT) {
                        kco_info("worker", "%s received: stopping (open files are discarded, not uploaded)",
                                 sig == SIGTERM ? "SIGTERM" : "SIGINT");
                        kco_runtime_stop(rt);
                        break;
                }
                if (tick)
                        tick(opaque);
        }
}

static void kco_runtime_print_errs(const char *origin, const kco_conf_errs_t *e) {
        for (int i = 0; i < e->nwarn; i++)
                fprintf(stderr, "%s: warning: %s\n", origin, e->warn[i]);
        for (int i = 0; i < e->n; i++)
                fprintf(stderr, "%s: error: %s\n", origin, e->msg[i]);
}

int kco_runtime_load(const char *worker_path, char *const *paths, int n, kco_conf_t **confs) {
        char err[1024];
        int bad = 0;
        kco_props_t *worker = NULL;
        if (worker_path) {
                worker = kco_props_new();
                if (kco_props_load_file(worker, worker_path, err, sizeof(err))) {
                        fprintf(stderr, "%s\n", err);
                        kco_props_destroy(worker);
                        return -1;
                }
        }
        for (int i = 0; i < n; i++)
                confs[i] = NULL;
        for (int i = 0; i < n; i++) {
                kco_props_t *p = kco_props_new();
                if (kco_props_load_file(p, paths[i], err, sizeof(err))) {
                        fprintf(stderr, "%s\n", err);
                        kco_props_destroy(p);
                        bad++;
                        continue;
                }
                kco_conf_errs_t errs;
                kco_conf_errs_init(&errs);
                confs[i] = kco_conf_new(worker, p, &errs);
                kco_consumer_check_conf(confs[i], &errs);
                if (!errs.n)
                        kco_store_check_conf(confs[i], &errs);
                for (int j = 0; j < i; j++)
                        if (confs[j] && confs[i]->name && !strcmp(confs[j]->name, confs[i]->name))
                                kco_conf_errs_add(&errs, "name = \"%s\": already used by %s", confs[i]->name,
                                                  paths[j]);
                kco_runtime_print_errs(paths[i], &errs);
                if (errs.n) {
                        fprintf(stderr, "%s: %d error%s; nothing was started\n", paths[i], errs.n,
                                errs.n == 1 ? "" : "s");
                        kco_conf_destroy(confs[i]);
                        confs[i] = NULL;
                        bad++;
                }
                kco_conf_errs_free(&errs);
                kco_props_destroy(p);
        }
        kco_props_destroy(worker);
        if (bad) {
                for (int i = 0; i < n; i++) {
                        kco_conf_destroy(confs[i]);
                        confs[i] = NULL;
                }
                return -1;
        }
        return 0;
}

static void kco_runtime_apply_log_level(const kco_conf_t *c) {
        int lvl = kco_log_level_parse(c->log_level);
        if (lvl >= 0)
                kco_log_set_level((kco_log_level_t)lvl);
}

int kco_standalone_main(int argc, char **argv) {
        if (argc < 3) {
                fprintf(stderr, "usage: kafka-connect-oss standalone worker.properties connector.properties "
                                "[connector.properties...]\n");
                return 2;
        }
        int n = argc - 2;
        kco_conf_t **confs = kco_calloc((size_t)n, sizeof(*confs));
        if (kco_runtime_load(argv[1], argv + 2, n, confs)) {
                free(confs);
                return 2;
        }
        kco_runtime_apply_log_level(confs[0]);
        kco_runtime_block_signals();
        kco_runtime_t *rt = kco_runtime_new();
        kco_err_t err;
        kco_err_clear(&err);
        int rc = 0;
        for (int i = 0; i < n; i++) {
                if (!rc && kco_runtime_add(rt, confs[i], &err)) {
                        fprintf(stderr, "%s: error: %s\n", argv[2 + i], err.msg);
                        rc = 2;
                } else if (rc) {
                        kco_conf_destroy(confs[i]);
                }
        }
        free(confs);
        if (!rc && kco_runtime_start(rt, &err)) {
                kco_error("worker", "%s", err.msg);
                rc = 1;
        }
        if (!rc) {
                kco_runtime_wait(rt, NULL, NULL, 200);
        }
        kco_runtime_stop(rt);
        int failed = kco_runtime_join(rt);
        kco_runtime_destroy(rt);
        if (failed) {
                kco_error("worker", "%d task(s) failed; offsets past the failure were not committed", failed);
                return 1;
        }
        if (!rc)
                kco_info("worker", "stopped");
        return rc;
}

int kco_validate_main(int argc, char **argv) {
        if (argc < 2) {
                fprintf(stderr, "usage: kafka-connect-oss validate [worker.properties] connector.properties\n");
                return 2;
        }
        const char *worker = argc >= 3 ? argv[1] : NULL;
        char *const *paths = argc >= 3 ? argv + 2 : argv + 1;
        int n = argc >= 3 ? argc - 2 : 1;
        kco_conf_t **confs = kco_calloc((size_t)n, sizeof(*confs));
        if (kco_runtime_load(worker, paths, n, confs)) {
                free(confs);
                return 2;
        }
        for (int i = 0; i < n; i++) {
                const kco_conf_t *c = confs[i];
                const char *what = c->topics.n ? kco_props_get(c->raw, "topics") : c->topics_regex;
                printf("%s: OK: connector %s, %s from %s %s to %s %s, flush.size %lld, tasks.max %d\n", paths[i],
                       c->name, kco_conf_enum_name("format.class", c->format),
                       c->topics.n ? "topics" : "topics.regex", what, kco_conf_enum_name("storage.class", c->storage),
                       c->store_url, (long long)c->flush_size, c->tasks_max);
                kco_conf_destroy(confs[i]);
        }
        free(confs);
        return 0;
}
