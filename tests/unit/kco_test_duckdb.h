/*
 * kco_test_duckdb.h - the scratch directory and the DuckDB reader script of
 * the unit tests that let DuckDB (through Node, from tests/node) judge the
 * Parquet files they write: setup writes the test's reader script into a new
 * directory g_dir (as read.cjs) and finds the @duckdb/node-api package
 * (g_pkg); teardown removes the directory.
 *
 * Owns: g_dir and its files. One test process, one thread.
 */
#ifndef KCO_TEST_DUCKDB_H
#define KCO_TEST_DUCKDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define DUCKDB_DIR "tests/node/node_modules/@duckdb/node-api"

static char g_dir[64];
static char g_pkg[4096];

/* Group setup: a new directory from tmpl ("/tmp/kco-x-XXXXXX") holding read.cjs = js[0..n); -1 (and why, on
 * stderr) when Node or DuckDB is missing. */
static int kco_test_duckdb_setup(const char *tmpl, const char *js, size_t n) {
        snprintf(g_dir, sizeof(g_dir), "%s", tmpl);
        if (!mkdtemp(g_dir))
                return -1;
        char path[128];
        snprintf(path, sizeof(path), "%s/read.cjs", g_dir);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(js, 1, n, f) != n || fclose(f))
                return -1;
        if (system("node --version >/dev/null 2>&1") != 0 || !realpath(DUCKDB_DIR, g_pkg)) {
                fprintf(stderr, "node or " DUCKDB_DIR " is missing: run scripts/setup.sh (DuckDB is this test's "
                                "judge)\n");
                return -1;
        }
        return 0;
}

static int kco_test_duckdb_teardown(void **state) {
        (void)state;
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
        return system(cmd) == 0 ? 0 : -1;
}

#endif
