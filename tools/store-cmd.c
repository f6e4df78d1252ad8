/*
 * store-cmd.c - kco-store-cmd: the store layer of a connector configuration
 * from the command line, for `make bench`, the tests, and trying a store
 * configuration by hand:
 *
 *   kco-store-cmd connector.properties put KEY FILE   upload as the sink would (256 KiB writes), print the time
 *   kco-store-cmd connector.properties ls PREFIX      "KEY SIZE" per object
 *   kco-store-cmd connector.properties head KEY       "SIZE", or exit 1 if there is no such object
 *   kco-store-cmd connector.properties rm KEY
 *   kco-store-cmd connector.properties put-many PREFIX N   N small objects PREFIX00000..., each holding its number
 *   kco-store-cmd connector.properties prepare KEY FILE   upload without making it visible; print the token
 *   kco-store-cmd connector.properties finish KEY TOKEN   make a prepared upload visible
 *   kco-store-cmd connector.properties cancel KEY TOKEN   throw a prepared upload away
 *   kco-store-cmd connector.properties get KEY            the object's bytes on stdout, or exit 1 if it does not exist
 *   kco-store-cmd connector.properties sweep PREFIX       discard every unfinished upload below PREFIX; print how many
 *
 * Main thread (plus the store's transport thread). Prints no secret.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kco_err.h"
#include "store/kco_store.h"
#include "worker/kco_conf.h"

static double kco_now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int kco_print_entry(void *opaque, const char *key, int64_t size) {
        (void)opaque;
        printf("%s %lld\n", key, (long long)size);
        return 0;
}

static int kco_put_many(kco_store_t *st, const char *prefix, const char *count, kco_err_t *err) {
        long n = strtol(count, NULL, 10);
        for (long i = 0; i < n; i++) {
                char key[1024], body[32];
                snprintf(key, sizeof(key), "%s%05ld", prefix, i);
                int len = snprintf(body, sizeof(body), "%ld\n", i);
                kco_upload_t *up = kco_store_open(st, key, err);
                if (!up)
                        return 1;
                if (kco_upload_write(up, body, (size_t)len, err)) {
                        kco_upload_abort(up);
                        return 1;
                }
                if (kco_upload_commit(up, err))
                        return 1;
        }
        return 0;
}

static int kco_discard_all(void *opaque, const char *key, const char *id) {
        (void)opaque;
        (void)key;
        (void)id;
        return 1;
}

/* put (prepare 0) or prepare (prepare 1: prints the token) */
static int kco_put(kco_store_t *st, const char *key, const char *file, int prepare, kco_err_t *err) {
        FILE *f = fopen(file, "rb");
        if (!f) {
                perror(file);
                return 1;
        }
        double t0 = kco_now();
        kco_upload_t *up = kco_store_open(st, key, err);
        static char buf[256 * 1024];
        size_t n, total = 0;
        int rc = up ? 0 : -1;
        while (!rc && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
                rc = kco_upload_write(up, buf, n, err);
                total += n;
        }
        char *token = NULL;
        if (!rc && prepare)
                rc = (token = kco_upload_prepare(up, err)) ? 0 : -1;
        else if (!rc)
                rc = kco_upload_commit(up, err);
        else if (up)
                kco_upload_abort(up);
        double secs = kco_now() - t0;
        fclose(f);
        if (!rc && prepare)
                printf("%s\n", token);
        else if (!rc)
                printf("%zu bytes in %.3f s (%.1f MB/s)\n", total, secs, (double)total / 1e6 / secs);
        free(token);
        return rc ? 1 : 0;
}

int main(int argc, char **argv) {
        int two = argc >= 3 && (!strcmp(argv[2], "put") || !strcmp(argv[2], "put-many") ||
                                !strcmp(argv[2], "prepare") || !strcmp(argv[2], "finish") || !strcmp(argv[2], "cancel"));
        if (argc < 4 || (two && argc != 5)) {
                fprintf(stderr, "usage: kco-store-cmd connector.properties put KEY FILE | ls PREFIX | head KEY | "
                                "rm KEY | put-many PREFIX N | prepare KEY FILE | finish KEY TOKEN | cancel KEY TOKEN | "
                                "get KEY | sweep PREFIX\n");
                return 2;
        }
        char e[512];
        kco_props_t *p = kco_props_new();
        if (kco_props_load_file(p, argv[1], e, sizeof(e))) {
                fprintf(stderr, "%s\n", e);
                return 2;
        }
        kco_conf_errs_t errs;
        kco_conf_errs_init(&errs);
        kco_conf_t *conf = kco_conf_new(NULL, p, &errs);
        kco_store_check_conf(conf, &errs);
        for (int i = 0; i < errs.n; i++)
                fprintf(stderr, "%s: error: %s\n", argv[1], errs.msg[i]);
        if (errs.n)
                return 2;
        kco_err_t err;
        kco_err_clear(&err);
        kco_store_t *st = kco_store_new(conf, &err);
        if (!st) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
        }
        int rc = 0;
        const char *cmd = argv[2];
        if (!strcmp(cmd, "put") || !strcmp(cmd, "prepare")) {
                rc = kco_put(st, argv[3], argv[4], !strcmp(cmd, "prepare"), &err);
        } else if (!strcmp(cmd, "finish")) {
                rc = kco_store_finish(st, argv[3], argv[4], &err) ? 1 : 0;
        } else if (!strcmp(cmd, "cancel")) {
                rc = kco_store_cancel(st, argv[3], argv[4], &err) ? 1 : 0;
        } else if (!strcmp(cmd, "get")) {
                kco_buf_t b;
                kco_buf_init(&b);
                int g = kco_store_get(st, argv[3], &b, &err);
                if (g == 1)
                        fwrite(b.data ? b.data : "", 1, b.len, stdout);
                rc = g == 1 ? 0 : 1;
                if (g == 0)
                        err.msg[0] = '\0';
                kco_buf_free(&b);
        } else if (!strcmp(cmd, "sweep")) {
                int n = kco_store_sweep(st, argv[3], kco_discard_all, NULL, &err);
                if (n >= 0)
                        printf("%d\n", n);
                rc = n < 0 ? 1 : 0;
        } else if (!strcmp(cmd, "put-many")) {
                rc = kco_put_many(st, argv[3], argv[4], &err);
        } else if (!strcmp(cmd, "ls")) {
                rc = kco_store_list(st, argv[3], kco_print_entry, NULL, &err) ? 1 : 0;
        } else if (!strcmp(cmd, "head")) {
                int64_t size = -1;
                int h = kco_store_head(st, argv[3], &size, &err);
                if (h == 1)
                        printf("%lld\n", (long long)size);
                rc = h == 1 ? 0 : 1;
                if (h == 0)
                        err.msg[0] = '\0';
        } else if (!strcmp(cmd, "rm")) {
                rc = kco_store_remove(st, argv[3], &err) ? 1 : 0;
        } else {
                fprintf(stderr, "unknown command %s\n", cmd);
                rc = 2;
        }
        if (rc == 1 && err.msg[0])
                fprintf(stderr, "%s failed: %s\n", cmd, err.msg);
        kco_store_destroy(st);
        kco_conf_destroy(conf);
        kco_conf_errs_free(&errs);
        kco_props_destroy(p);
        return rc;
}
