/*
 * test_parquet_levels.c - the writer's levels and pages where its shortcuts
 * change course late: definition levels that are all the maximum (and
 * repetition levels all 0) are kept as a count until the first other one
 * arrives, pages are cut as values arrive, and a dictionary dropped by the
 * first-page check is written back as PLAIN. Here the first null, the
 * first list of two items and the first empty list come only after many
 * pages, in the second row group and in the last row of a row group, for
 * every codec and with the dictionary on and off; DuckDB (read_parquet,
 * through Node, as test_parquet_writer.c) reads every row back.
 *
 *   o  INT64 OPTIONAL       i, NULL from row `late` on every 3rd row
 *   r  INT32 REPEATED       [i] up to row `late`, then [], [i], [i, -i]
 *   s  BYTE_ARRAY OPTIONAL  "v<i % 50>" (a dictionary that holds), NULL late
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/kco_buf.h"
#include "core/kco_err.h"
#include "format/parquet/kco_pq_writer.h"
#include "kco_test_duckdb.h"


/* argv: package dir, file; prints the rows of the file ordered as written: o|r|s, NULL as N. */
static const char reader_js[] =
        "const { DuckDBInstance } = require(process.argv[2]);\n"
        "(async () => {\n"
        "  const db = await DuckDBInstance.create(':memory:', { threads: '1' });\n"
        "  const con = await db.connect();\n"
        "  const f = process.argv[3].replace(/'/g, \"''\");\n"
        "  const r = await con.runAndReadAll(`SELECT o, r, s FROM read_parquet('${f}')`);\n"
        "  const out = r.getRows().map((x) => x.map((v) => v === null ? 'N' : Array.isArray(v) || (v && v.items)\n"
        "    ? '[' + (v.items || v).join(',') + ']' : String(v)).join('|'));\n"
        "  process.stdout.write(out.join('\\n') + '\\n');\n"
        "})().catch((e) => { console.error(String(e)); process.exit(1); });\n";

static int setup(void **state) {
        (void)state;
        return kco_test_duckdb_setup("/tmp/kco-pql-XXXXXX", reader_js, sizeof(reader_js) - 1);
}

static const char *const p_o[] = {"o"}, *const p_r[] = {"r"}, *const p_s[] = {"s"};

static kco_pq_writer_t *levels_writer(int codec, int dictionary, size_t page, size_t rg) {
        kco_pq_schema_elem_t sc[4];
        for (int i = 0; i < 4; i++)
                kco_pq_schema_elem_init(&sc[i]);
        sc[0].name = "schema", sc[0].num_children = 3;
        sc[1].name = "o", sc[1].type = KCO_PQ_INT64, sc[1].repetition = KCO_PQ_OPTIONAL;
        sc[2].name = "r", sc[2].type = KCO_PQ_INT32, sc[2].repetition = KCO_PQ_REPEATED;
        sc[3].name = "s", sc[3].type = KCO_PQ_BYTE_ARRAY, sc[3].repetition = KCO_PQ_OPTIONAL;
        sc[3].converted_type = KCO_PQ_CT_UTF8, sc[3].logical.kind = KCO_PQ_LT_STRING;
        kco_pq_column_desc_t cols[3] = {
                {.physical = KCO_PQ_INT64, .max_def = 1, .path = p_o, .npath = 1, .stats_signed = 1},
                {.physical = KCO_PQ_INT32, .max_def = 1, .max_rep = 1, .path = p_r, .npath = 1, .stats_signed = 1},
                {.physical = KCO_PQ_BYTE_ARRAY, .max_def = 1, .path = p_s, .npath = 1},
        };
        kco_pq_writer_opts_t o = {.codec = codec, .level = -1, .page_size = page, .row_group_size = rg,
                                  .dict_max_bytes = 1 << 20, .dictionary = dictionary, .dict_check = 1};
        return kco_pq_writer_new(sc, 4, cols, 3, &o);
}

/* Row i (late: the row from which nulls and other list shapes come), and its line in want. */
static void levels_row(kco_pq_writer_t *w, int i, int late, kco_buf_t *want) {
        kco_pq_val_t v;
        char t[96], s[16];
        int null_o = i >= late && i % 3 == 0, null_s = i >= late && i % 5 == 1, shape = i < late ? 1 : i % 3;
        v.i64 = i;
        kco_pq_put(w, 0, null_o ? 0 : 1, 0, null_o ? NULL : &v);
        if (shape == 0) {
                kco_pq_put(w, 1, 0, 0, NULL);
        } else {
                v.i32 = i;
                kco_pq_put(w, 1, 1, 0, &v);
                if (shape == 2) {
                        v.i32 = -i;
                        kco_pq_put(w, 1, 1, 1, &v);
                }
        }
        snprintf(s, sizeof(s), "v%d", i % 50);
        v.b.p = s, v.b.n = strlen(s);
        kco_pq_put(w, 2, null_s ? 0 : 1, 0, null_s ? NULL : &v);
        kco_pq_end_row(w);
        char r[48];
        if (shape == 0)
                snprintf(r, sizeof(r), "[]");
        else if (shape == 1)
                snprintf(r, sizeof(r), "[%d]", i);
        else
                snprintf(r, sizeof(r), "[%d,%d]", i, -i);
        char ov[24];
        snprintf(ov, sizeof(ov), "%d", i);
        snprintf(t, sizeof(t), "%s|%s|%s\n", null_o ? "N" : ov, r, null_s ? "N" : s);
        kco_buf_puts(want, t);
}

static char *duck_rows(const char *file) {
        char cmd[4400], outp[128];
        snprintf(outp, sizeof(outp), "%s/out.txt", g_dir);
        snprintf(cmd, sizeof(cmd), "node '%s/read.cjs' '%s' '%s' > '%s'", g_dir, g_pkg, file, outp);
        assert_int_equal(system(cmd), 0);
        FILE *f = fopen(outp, "rb");
        assert_non_null(f);
        kco_buf_t got;
        kco_buf_init(&got);
        char tmp[65536];
        size_t n;
        while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
                kco_buf_append(&got, tmp, n);
        fclose(f);
        kco_buf_cstr(&got);
        return got.data;
}

static void check(int codec, int dictionary, int rows, int late, size_t page, size_t rg) {
        kco_pq_writer_t *w = levels_writer(codec, dictionary, page, rg);
        kco_buf_t file, want;
        kco_buf_init(&file);
        kco_buf_init(&want);
        kco_err_t err;
        for (int i = 0; i < rows; i++) {
                levels_row(w, i, late, &want);
                assert_int_equal(kco_pq_flush(w, &file, 0, &err), 0);
        }
        assert_int_equal(kco_pq_close(w, &file, NULL, 0, &err), 0);
        kco_pq_writer_destroy(w);
        char path[128];
        snprintf(path, sizeof(path), "%s/levels-%d-%d-%d.parquet", g_dir, codec, dictionary, late);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(file.data, 1, file.len, f), file.len);
        assert_int_equal(fclose(f), 0);
        char *got = duck_rows(path);
        if (strcmp(got, kco_buf_cstr(&want))) {
                size_t k = 0;
                while (got[k] && got[k] == want.data[k])
                        k++;
                fail_msg("codec %d dictionary %d late %d: rows differ from byte %zu:\n  got  %.80s\n  want %.80s",
                         codec, dictionary, late, k, got + k, want.data + k);
        }
        free(got);
        kco_buf_free(&file);
        kco_buf_free(&want);
        unlink(path);
}

static void test_late_levels(void **state) {
        (void)state;
        static const int codecs[] = {KCO_PQ_CODEC_UNCOMPRESSED, KCO_PQ_CODEC_SNAPPY, KCO_PQ_CODEC_ZSTD};
        for (size_t c = 0; c < sizeof(codecs) / sizeof(codecs[0]); c++)
                for (int dictionary = 0; dictionary < 2; dictionary++) {
                        /* small pages and row groups: the first other level comes many pages into a row group
                         * that is not the first */
                        check(codecs[c], dictionary, 30000, 17000, 1024, 256 * 1024);
                        /* ... in the last row of the file, and never */
                        check(codecs[c], dictionary, 5000, 4999, 512, 64 * 1024);
                        check(codecs[c], dictionary, 5000, 5000, 512, 64 * 1024);
                }
        /* one row group big enough to be sized after its first rows (KCO_PQ_SIZE_ROWS) */
        check(KCO_PQ_CODEC_SNAPPY, 1, 40000, 20000, 8192, 64 << 20);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_late_levels),
        };
        return cmocka_run_group_tests(tests, setup, kco_test_duckdb_teardown);
}
