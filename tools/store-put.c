/*
 * store-put.c - kco-store-put: uploads one file through the store layer of a
 * connector configuration, as the sink would (streamed in 256 KiB writes,
 * committed at the end), and prints the time taken. For `make bench` and
 * for trying a store configuration by hand.
 *
 *   kco-store-put connector.properties KEY FILE
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

int main(int argc, char **argv) {
        if (argc != 4) {
                fprintf(stderr, "usage: kco-store-put connector.properties KEY FILE\n");
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
        FILE *f = fopen(argv[3], "rb");
        if (!f) {
                perror(argv[3]);
                return 1;
        }
        double t0 = kco_now();
        kco_upload_t *up = kco_store_open(st, argv[2], &err);
        static char buf[256 * 1024];
        size_t n, total = 0;
        int rc = up ? 0 : -1;
        while (!rc && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
                rc = kco_upload_write(up, buf, n, &err);
                total += n;
        }
        if (!rc)
                rc = kco_upload_commit(up, &err);
        else if (up)
                kco_upload_abort(up);
        double secs = kco_now() - t0;
        fclose(f);
        if (rc) {
                fprintf(stderr, "upload failed: %s\n", err.msg);
        } else {
                printf("%zu bytes in %.3f s (%.1f MB/s)\n", total, secs, (double)total / 1e6 / secs);
        }
        kco_store_destroy(st);
        kco_conf_destroy(conf);
        kco_conf_errs_free(&errs);
        kco_props_destroy(p);
        return rc ? 1 : 0;
}
