/*
 * test_parquet_writer.c - kco_pq_writer end to end: files written through
 * kco_pq_put / kco_pq_end_row / kco_pq_flush / kco_pq_close with every
 * codec, dictionary off / on / falling back to PLAIN, small pages and small
 * row groups, then read by DuckDB (read_parquet, parquet_metadata) through
 * Node as test_parquet_file.c does, comparing every value and the chunk
 * statistics of each row group.
 *
 * Schemas (by hand):
 *   flat:   required int64 a; optional binary s (STRING); optional double d;
 *           required boolean b; optional int32 dt (DATE); optional fixed(16) f
 *   nested: required int64 id;
 *           optional group l (LIST) { repeated group list { optional int32 element; } }
 *           optional group m (MAP) { repeated group key_value { required binary key (STRING);
 *                                                                optional int64 value; } }
 * DuckDB (installed by scripts/setup.sh) is the judge: without it the
 * group setup fails, so no test passes unread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/kco_buf.h"
#include "core/kco_err.h"
#include "format/parquet/kco_pq_writer.h"
#include "kco_test_duckdb.h"


/* argv: package dir, file, then SQL queries ('${f}' stands for the file); prints each query's rows one a
 * line, values joined with '|', NULL as N, then a line "--". */
static const char reader_js[] =
        "const { DuckDBInstance } = require(process.argv[2]);\n"
        "(async () => {\n"
        "  const db = await DuckDBInstance.create(':memory:', { threads: '1' });\n"
        "  const con = await db.connect();\n"
        "  const f = process.argv[3].replace(/'/g, \"''\");\n"
        "  const out = [];\n"
        "  for (const sql of process.argv.slice(4)) {\n"
        "    const rows = (await con.runAndReadAll(sql.split('${f}').join(f))).getRows();\n"
        "    for (const r of rows) out.push(r.map((v) => v === null ? 'N' : String(v)).join('|'));\n"
        "    out.push('--');\n"
        "  }\n"
        "  process.stdout.write(out.join('\\n') + '\\n');\n"
        "})().catch((e) => { console.error(String(e)); process.exit(1); });\n";

static int g_have_duckdb;

static void write_file(const char *path, const void *p, size_t n) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(p, 1, n, f), n);
        assert_int_equal(fclose(f), 0);
}

static int setup(void **state) {
        (void)state;
        g_have_duckdb = !kco_test_duckdb_setup("/tmp/kco-pqw-XXXXXX", reader_js, sizeof(reader_js) - 1);
        return g_have_duckdb ? 0 : -1;
}

/* Runs the queries against file; returns the output (malloc'd). */
static char *duck(const char *file, const char *const *sql, size_t nsql) {
        assert_true(g_have_duckdb);
        kco_buf_t cmd;
        kco_buf_init(&cmd);
        char *head = kco_asprintf("node '%s/read.cjs' '%s' '%s'", g_dir, g_pkg, file);
        kco_buf_puts(&cmd, head);
        free(head);
        for (size_t i = 0; i < nsql; i++) {
                kco_buf_puts(&cmd, " \"");
                kco_buf_puts(&cmd, sql[i]); /* no '"', '$' except ${f}, '`' or '\\' in our queries */
                kco_buf_puts(&cmd, "\"");
        }
        char *outp = kco_asprintf("%s/out.txt", g_dir);
        kco_buf_puts(&cmd, " > '");
        kco_buf_puts(&cmd, outp);
        kco_buf_puts(&cmd, "'");
        /* ${f} must reach node literally: single-quote-free, so escape $ for the shell */
        kco_buf_t esc;
        kco_buf_init(&esc);
        for (size_t i = 0; i < cmd.len; i++) {
                if (cmd.data[i] == '$')
                        kco_buf_putc(&esc, '\\');
                kco_buf_putc(&esc, cmd.data[i]);
        }
        int rc = system(kco_buf_cstr(&esc));
        kco_buf_free(&esc);
        kco_buf_free(&cmd);
        assert_int_equal(rc, 0);
        FILE *f = fopen(outp, "rb");
        assert_non_null(f);
        kco_buf_t got;
        kco_buf_init(&got);
        char tmp[65536];
        size_t n;
        while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
                kco_buf_append(&got, tmp, n);
        fclose(f);
        unlink(outp);
        free(outp);
        kco_buf_cstr(&got);
        return got.data;
}

/* Compares got and want line by line, printing the first difference. */
static void expect_text(const char *got, const char *want) {
        if (strcmp(got, want) == 0)
                return;
        size_t line = 1, i = 0, ls = 0;
        while (got[i] && got[i] == want[i]) {
                if (got[i] == '\n') {
                        line++;
                        ls = i + 1;
                }
                i++;
        }
        fprintf(stderr, "first difference at line %zu:\n got: %.200s\nwant: %.200s\n", line, got + ls, want + ls);
        fail();
}

static void check_framing(const kco_buf_t *file) {
        assert_true(file->len >= 12);
        assert_memory_equal(file->data, "PAR1", 4);
        assert_memory_equal(file->data + file->len - 4, "PAR1", 4);
        const uint8_t *t = (const uint8_t *)file->data + file->len - 8;
        uint32_t ml = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
        assert_true(ml > 0 && ml <= file->len - 12);
}


/* ---------------------------------------------- page walker (independent) */

/* A minimal Thrift compact reader, enough to walk the PageHeaders of a column chunk. */
static uint64_t rd_varint(const uint8_t **p) {
        uint64_t v = 0;
        int sh = 0;
        while (**p & 0x80) {
                v |= (uint64_t)(**p & 0x7f) << sh;
                sh += 7;
                (*p)++;
        }
        v |= (uint64_t)**p << sh;
        (*p)++;
        return v;
}

static int64_t rd_zz(const uint8_t **p) {
        uint64_t v = rd_varint(p);
        return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Reads the fields of a struct (after its start) until stop; i32 values of ids 1..7 land in out[id]. */
static void rd_struct(const uint8_t **p, int64_t out[8], int64_t sub[8]) {
        int id = 0;
        for (;;) {
                uint8_t h = *(*p)++;
                if (h == 0)
                        return;
                int t = h & 0x0f, d = h >> 4;
                id = d ? id + d : (int)rd_zz(p);
                switch (t) {
                case 1:
                case 2: break;
                case 5:
                case 6: {
                        int64_t v = rd_zz(p);
                        if (out && id >= 0 && id < 8)
                                out[id] = v;
                        break;
                }
                case 8: {
                        uint64_t n = rd_varint(p);
                        *p += n;
                        break;
                }
                case 12:
                        rd_struct(p, sub && (id == 5 || id == 7) ? sub : NULL, NULL);
                        if (sub && (id == 5 || id == 7))
                                sub[0] = id;
                        break;
                default: fail_msg("unexpected thrift type %d", t);
                }
        }
}

typedef struct walk_s {
        int dict_pages, data_pages, dict_data, plain_data, bad_rep_start, dict_not_first;
} walk_t;

/* Walks the pages of the chunk [off, off + size) of file; rep_check: the pages are uncompressed and the
 * column has repetition levels (each data page must start with level 0). */
static void walk_chunk(const uint8_t *file, int64_t off, int64_t size, int rep_check, walk_t *wk) {
        const uint8_t *p = file + off, *end = p + size;
        int first = 1;
        while (p < end) {
                int64_t f[8] = {0}, sub[8] = {0};
                rd_struct(&p, f, sub);
                if (f[1] == 2) {
                        wk->dict_pages++;
                        if (!first)
                                wk->dict_not_first++;
                } else {
                        assert_int_equal(f[1], 0);
                        wk->data_pages++;
                        if (sub[2] == 8)
                                wk->dict_data++;
                        else
                                wk->plain_data++;
                        if (rep_check) {
                                /* 4-byte length, then a hybrid run header: RLE (even) value byte, or bit-packed */
                                const uint8_t *q = p + 4;
                                uint64_t h = rd_varint(&q);
                                int lvl = (h & 1) ? (*q & 1) : *q;
                                if (lvl != 0)
                                        wk->bad_rep_start++;
                        }
                }
                first = 0;
                p += f[3];
        }
        assert_true(p == end);
}

/* The query whose output walk_text reads: one line per column chunk. */
#define CHUNKS_SQL                                                                                                    \
        "SELECT path_in_schema, coalesce(dictionary_page_offset, -1), data_page_offset, total_compressed_size "    \
        "FROM parquet_metadata('${f}') ORDER BY row_group_id, column_id"

/* Walks the chunks of column col of the file at path, located by text (CHUNKS_SQL's output, up to "--"). */
static void walk_text(const char *path, const char *text, const char *col, int rep_check, walk_t *wk) {
        memset(wk, 0, sizeof(*wk));
        FILE *fp = fopen(path, "rb");
        assert_non_null(fp);
        kco_buf_t file;
        kco_buf_init(&file);
        char tmp[65536];
        size_t n;
        while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
                kco_buf_append(&file, tmp, n);
        fclose(fp);
        for (const char *line = text; *line && strncmp(line, "--", 2) != 0;) {
                char name[64];
                long long d, o, sz;
                if (sscanf(line, "%63[^|]|%lld|%lld|%lld", name, &d, &o, &sz) == 4 && strcmp(name, col) == 0) {
                        walk_chunk((const uint8_t *)file.data, d >= 0 ? d : o, sz, rep_check, wk);
                        if (d >= 0)
                                assert_true(o > d);
                }
                line = strchr(line, '\n');
                if (!line)
                        break;
                line++;
        }
        kco_buf_free(&file);
}

/* The start of section k (0-based) of duck's output. */
static char *section(char *got, int k) {
        char *p = got;
        for (int i = 0; i < k; i++) {
                p = strstr(p, "--\n");
                assert_non_null(p);
                p += 3;
        }
        return p;
}

/* ------------------------------------------------------------------ flat */

enum { F_A, F_S, F_D, F_B, F_DT, F_F, F_N };

typedef struct flat_cfg_s {
        int codec;
        int dictionary;
        size_t dict_max;
        size_t page_size;
        size_t rg_size;
        int nrows;
        int s_mod; /* distinct strings */
        int dict_check;
} flat_cfg_t;

static int s_null(int i) { return i % 7 == 3; }
static int d_null(int i) { return i % 5 == 0; }
static int dt_null(int i) { return i % 11 == 0; }
static int f_null(int i) { return i % 13 == 4; }
static int64_t a_val(int i) { return (int64_t)i * 1000003 - 500000000; }
static double d_val(int i) { return (double)(i % 1000) * 0.5 - 100; }
static int32_t dt_val(int i) { return i % 20000 - 100; }
static void f_val(int i, uint8_t f[16]) {
        for (int k = 0; k < 16; k++)
                f[k] = (uint8_t)((i * 31 + k * 7) ^ (i >> 8));
}
static void s_val(int i, int mod, char *buf, size_t n) { snprintf(buf, n, "str-%d", i % mod); }

static const char *const p_a[] = {"a"}, *const p_s[] = {"s"}, *const p_d[] = {"d"}, *const p_b[] = {"b"},
                  *const p_dt[] = {"dt"}, *const p_f[] = {"f"};

static kco_pq_writer_t *flat_writer(const flat_cfg_t *cfg) {
        kco_pq_schema_elem_t sc[7];
        for (int i = 0; i < 7; i++)
                kco_pq_schema_elem_init(&sc[i]);
        sc[0].name = "schema";
        sc[0].num_children = 6;
        sc[1].name = "a", sc[1].type = KCO_PQ_INT64, sc[1].repetition = KCO_PQ_REQUIRED;
        sc[2].name = "s", sc[2].type = KCO_PQ_BYTE_ARRAY, sc[2].repetition = KCO_PQ_OPTIONAL;
        sc[2].converted_type = KCO_PQ_CT_UTF8, sc[2].logical.kind = KCO_PQ_LT_STRING;
        sc[3].name = "d", sc[3].type = KCO_PQ_DOUBLE, sc[3].repetition = KCO_PQ_OPTIONAL;
        sc[4].name = "b", sc[4].type = KCO_PQ_BOOLEAN, sc[4].repetition = KCO_PQ_REQUIRED;
        sc[5].name = "dt", sc[5].type = KCO_PQ_INT32, sc[5].repetition = KCO_PQ_OPTIONAL;
        sc[5].converted_type = KCO_PQ_CT_DATE, sc[5].logical.kind = KCO_PQ_LT_DATE;
        sc[6].name = "f", sc[6].type = KCO_PQ_FIXED_LEN_BYTE_ARRAY, sc[6].type_length = 16;
        sc[6].repetition = KCO_PQ_OPTIONAL;
        kco_pq_column_desc_t cols[F_N] = {
                {.physical = KCO_PQ_INT64, .path = p_a, .npath = 1, .stats_signed = 1},
                {.physical = KCO_PQ_BYTE_ARRAY, .max_def = 1, .path = p_s, .npath = 1},
                {.physical = KCO_PQ_DOUBLE, .max_def = 1, .path = p_d, .npath = 1, .stats_signed = 1},
                {.physical = KCO_PQ_BOOLEAN, .path = p_b, .npath = 1, .stats_signed = 1},
                {.physical = KCO_PQ_INT32, .max_def = 1, .path = p_dt, .npath = 1, .stats_signed = 1},
                {.physical = KCO_PQ_FIXED_LEN_BYTE_ARRAY, .type_length = 16, .max_def = 1, .path = p_f, .npath = 1},
        };
        kco_pq_writer_opts_t o = {.codec = cfg->codec, .level = -1, .page_size = cfg->page_size,
                                  .row_group_size = cfg->rg_size, .dict_max_bytes = cfg->dict_max,
                                  .dictionary = cfg->dictionary, .dict_check = cfg->dict_check,
                                  .created_by = "kco test"};
        /* the writer copies everything: the arrays above go out of scope */
        return kco_pq_writer_new(sc, 7, cols, F_N, &o);
}

static void flat_row(kco_pq_writer_t *w, int i, int s_mod) {
        kco_pq_val_t v;
        v.i64 = a_val(i);
        kco_pq_put(w, F_A, 0, 0, &v);
        char sb[32];
        s_val(i, s_mod, sb, sizeof(sb));
        v.b.p = sb, v.b.n = strlen(sb);
        kco_pq_put(w, F_S, s_null(i) ? 0 : 1, 0, s_null(i) ? NULL : &v);
        v.d = d_val(i);
        kco_pq_put(w, F_D, d_null(i) ? 0 : 1, 0, d_null(i) ? NULL : &v);
        v.boolean = i % 3 == 0;
        kco_pq_put(w, F_B, 0, 0, &v);
        v.i32 = dt_val(i);
        kco_pq_put(w, F_DT, dt_null(i) ? 0 : 1, 0, dt_null(i) ? NULL : &v);
        uint8_t fb[16];
        f_val(i, fb);
        v.b.p = fb, v.b.n = 16;
        kco_pq_put(w, F_F, f_null(i) ? 0 : 1, 0, f_null(i) ? NULL : &v);
        kco_pq_end_row(w);
}

static void write_flat(const flat_cfg_t *cfg, kco_buf_t *file, size_t *max_buffered) {
        kco_pq_writer_t *w = flat_writer(cfg);
        kco_err_t err;
        kco_err_clear(&err);
        *max_buffered = 0;
        for (int i = 0; i < cfg->nrows; i++) {
                flat_row(w, i, cfg->s_mod);
                size_t b = kco_pq_buffered(w);
                if (b > *max_buffered)
                        *max_buffered = b;
                size_t before = file->len;
                assert_int_equal(kco_pq_flush(w, file, 0, &err), 0);
                if (file->len > before + 4)
                        assert_true(kco_pq_rows(w) == i + 1);
        }
        assert_int_equal(kco_pq_rows(w), cfg->nrows);
        static const kco_pq_kv_t kv[] = {{"kco.k", "v"}};
        assert_int_equal(kco_pq_close(w, file, kv, 1, &err), 0);
        kco_pq_writer_destroy(w);
        check_framing(file);
}

static void hex16(const uint8_t *p, char *out) {
        for (int k = 0; k < 16; k++)
                sprintf(out + 2 * k, "%02X", p[k]);
}

static const char *const flat_sql[] = {
        "SELECT a::VARCHAR, s, CAST(d * 2 AS BIGINT)::VARCHAR, b::VARCHAR, (dt - DATE '1970-01-01')::VARCHAR, "
        "hex(f) FROM read_parquet('${f}')",
        "SELECT row_group_id, row_group_num_rows, path_in_schema, stats_null_count, stats_min_value, "
        "stats_max_value FROM parquet_metadata('${f}') WHERE path_in_schema IN ('a', 's', 'b', 'd', 'f') "
        "ORDER BY row_group_id, column_id",
        "SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${f}')",
        "SELECT decode(key), decode(value) FROM parquet_kv_metadata('${f}')",
        CHUNKS_SQL,
};

/* The expected statistics lines of rows [r0, r0 + n) (row group g). */
static void flat_stats(kco_buf_t *want, int g, int r0, int n, int s_mod) {
        int64_t amin = INT64_MAX, amax = INT64_MIN;
        char smin[32] = "", smax[32] = "";
        int have_s = 0, snulls = 0, dnulls = 0, fnulls = 0, have_d = 0, bt = 0, bf = 0, have_f = 0;
        double dmin = 0, dmax = 0;
        uint8_t fmin[16], fmax[16];
        for (int i = r0; i < r0 + n; i++) {
                int64_t a = a_val(i);
                amin = a < amin ? a : amin;
                amax = a > amax ? a : amax;
                if (s_null(i)) {
                        snulls++;
                } else {
                        char sb[32];
                        s_val(i, s_mod, sb, sizeof(sb));
                        if (!have_s || strcmp(sb, smin) < 0)
                                strcpy(smin, sb);
                        if (!have_s || strcmp(sb, smax) > 0)
                                strcpy(smax, sb);
                        have_s = 1;
                }
                if (d_null(i)) {
                        dnulls++;
                } else {
                        double d = d_val(i);
                        if (!have_d || d < dmin)
                                dmin = d;
                        if (!have_d || d > dmax)
                                dmax = d;
                        have_d = 1;
                }
                if (i % 3 == 0)
                        bt = 1;
                else
                        bf = 1;
                if (f_null(i)) {
                        fnulls++;
                } else {
                        uint8_t fb[16];
                        f_val(i, fb);
                        if (!have_f || memcmp(fb, fmin, 16) < 0)
                                memcpy(fmin, fb, 16);
                        if (!have_f || memcmp(fb, fmax, 16) > 0)
                                memcpy(fmax, fb, 16);
                        have_f = 1;
                }
        }
        char line[256];
        snprintf(line, sizeof(line), "%d|%d|a|0|%lld|%lld\n", g, n, (long long)amin, (long long)amax);
        kco_buf_puts(want, line);
        if (have_s)
                snprintf(line, sizeof(line), "%d|%d|s|%d|%s|%s\n", g, n, snulls, smin, smax);
        else
                snprintf(line, sizeof(line), "%d|%d|s|%d|N|N\n", g, n, snulls);
        kco_buf_puts(want, line);
        if (have_d)
                snprintf(line, sizeof(line), "%d|%d|d|%d|%.1f|%.1f\n", g, n, dnulls, dmin, dmax);
        else
                snprintf(line, sizeof(line), "%d|%d|d|%d|N|N\n", g, n, dnulls);
        kco_buf_puts(want, line);
        snprintf(line, sizeof(line), "%d|%d|b|0|%s|%s\n", g, n, bf ? "false" : "true", bt ? "true" : "false");
        kco_buf_puts(want, line);
        if (have_f) {
                /* DuckDB shows FLBA statistics as a blob: \xNN escapes for non-printable bytes */
                kco_buf_t mn, mx;
                kco_buf_init(&mn);
                kco_buf_init(&mx);
                for (int k = 0; k < 16; k++) {
                        char e[8];
                        uint8_t c1 = fmin[k], c2 = fmax[k];
                        if (c1 >= 32 && c1 < 127 && c1 != '\\' && c1 != '\'' && c1 != '"')
                                snprintf(e, sizeof(e), "%c", c1);
                        else
                                snprintf(e, sizeof(e), "\\x%02X", c1);
                        kco_buf_puts(&mn, e);
                        if (c2 >= 32 && c2 < 127 && c2 != '\\' && c2 != '\'' && c2 != '"')
                                snprintf(e, sizeof(e), "%c", c2);
                        else
                                snprintf(e, sizeof(e), "\\x%02X", c2);
                        kco_buf_puts(&mx, e);
                }
                snprintf(line, sizeof(line), "%d|%d|f|%d|", g, n, fnulls);
                kco_buf_puts(want, line);
                kco_buf_puts(want, kco_buf_cstr(&mn));
                kco_buf_putc(want, '|');
                kco_buf_puts(want, kco_buf_cstr(&mx));
                kco_buf_putc(want, '\n');
                kco_buf_free(&mn);
                kco_buf_free(&mx);
        } else {
                snprintf(line, sizeof(line), "%d|%d|f|%d|N|N\n", g, n, fnulls);
                kco_buf_puts(want, line);
        }
}

/* Parses the row group sizes out of the metadata section of got (lines "g|n|a|..."). */
static int rg_sizes(const char *meta, int *sizes, int max) {
        int ng = 0;
        for (const char *p = meta; *p && strncmp(p, "--", 2) != 0;) {
                int g, n;
                char col[8];
                if (sscanf(p, "%d|%d|%7[^|]", &g, &n, col) == 3 && strcmp(col, "a") == 0 && g == ng && ng < max)
                        sizes[ng++] = n;
                p = strchr(p, '\n');
                if (!p)
                        break;
                p++;
        }
        return ng;
}

static void check_flat(const flat_cfg_t *cfg, const char *name, int want_groups_min) {
        kco_buf_t file;
        kco_buf_init(&file);
        size_t maxb;
        write_flat(cfg, &file, &maxb);
        char *path = kco_asprintf("%s/%s.parquet", g_dir, name);
        write_file(path, file.data, file.len);
        kco_buf_free(&file);
        char *got = duck(path, flat_sql, 5);
        if (got) {
                kco_buf_t want;
                kco_buf_init(&want);
                for (int i = 0; i < cfg->nrows; i++) {
                        char line[256], sb[32], fh[40];
                        s_val(i, cfg->s_mod, sb, sizeof(sb));
                        uint8_t fb[16];
                        f_val(i, fb);
                        hex16(fb, fh);
                        char dts[16];
                        snprintf(dts, sizeof(dts), "%d", dt_val(i));
                        snprintf(line, sizeof(line), "%lld|%s|%s|%s|%s|%s\n", (long long)a_val(i),
                                 s_null(i) ? "N" : sb, d_null(i) ? "N" : "", i % 3 == 0 ? "true" : "false",
                                 dt_null(i) ? "N" : dts, f_null(i) ? "N" : fh);
                        if (!d_null(i)) {
                                char dv[24];
                                snprintf(dv, sizeof(dv), "%lld", (long long)(d_val(i) * 2));
                                /* put the double's field in place */
                                snprintf(line, sizeof(line), "%lld|%s|%s|%s|%s|%s\n", (long long)a_val(i),
                                         s_null(i) ? "N" : sb, dv, i % 3 == 0 ? "true" : "false",
                                         dt_null(i) ? "N" : dts, f_null(i) ? "N" : fh);
                        }
                        kco_buf_puts(&want, line);
                }
                kco_buf_puts(&want, "--\n");
                const char *meta = strstr(got, "--\n");
                assert_non_null(meta);
                meta += 3;
                int sizes[4096];
                int ng = rg_sizes(meta, sizes, 4096);
                assert_true(ng >= want_groups_min);
                int r0 = 0;
                for (int g = 0; g < ng; g++) {
                        flat_stats(&want, g, r0, sizes[g], cfg->s_mod);
                        r0 += sizes[g];
                }
                assert_int_equal(r0, cfg->nrows);
                char tail[128];
                snprintf(tail, sizeof(tail), "--\n%d\n--\nkco.k|v\n--\n", ng);
                kco_buf_puts(&want, tail);
                char *chunks = section(got, 4);
                char keep = *chunks;
                *chunks = '\0';
                expect_text(got, kco_buf_cstr(&want));
                *chunks = keep;
                kco_buf_free(&want);
                walk_t wk;
                walk_text(path, chunks, "s", 0, &wk);
                if (cfg->nrows >= 1000)
                        assert_true(wk.data_pages > 2 * ng); /* small pages: several a chunk */
                assert_int_equal(wk.dict_not_first, 0);
                if (!cfg->dictionary) {
                        assert_int_equal(wk.dict_pages + wk.dict_data, 0);
                } else if (cfg->dict_max >= 1 << 20) {
                        assert_int_equal(wk.dict_pages, ng);
                        assert_int_equal(wk.plain_data, 0);
                } else if (cfg->nrows >= 1000) {
                        /* fallback: some chunk has dictionary pages, then PLAIN ones */
                        assert_true(wk.dict_pages > 0 && wk.dict_data > 0 && wk.plain_data > 0);
                }
                walk_text(path, chunks, "b", 0, &wk);
                assert_int_equal(wk.dict_pages + wk.dict_data, 0);
                walk_text(path, chunks, "a", 0, &wk);
                if (cfg->dict_check) /* unique values: the dictionary does not pay, the chunk is PLAIN */
                        assert_int_equal(wk.dict_pages + wk.dict_data, 0);
                else if (cfg->dictionary && cfg->dict_max >= 1 << 20)
                        assert_int_equal(wk.dict_pages, ng);
                free(got);
        }
        unlink(path);
        free(path);
}

static const int codecs[] = {KCO_PQ_CODEC_UNCOMPRESSED, KCO_PQ_CODEC_SNAPPY, KCO_PQ_CODEC_GZIP,
                             KCO_PQ_CODEC_ZSTD, KCO_PQ_CODEC_LZ4_RAW};

static void test_flat_matrix(void **state) {
        (void)state;
        for (size_t c = 0; c < sizeof(codecs) / sizeof(codecs[0]); c++) {
                for (int dm = 0; dm < 3; dm++) {
                        /* dm 0: PLAIN; 1: dictionary that holds; 2: dictionary that falls back mid-chunk */
                        flat_cfg_t cfg = {.codec = codecs[c], .dictionary = dm > 0,
                                          .dict_max = dm == 2 ? 600 : 1 << 20, .page_size = 200,
                                          .rg_size = 48 * 1024, .nrows = 3000, .s_mod = dm == 2 ? 1000 : 40};
                        char name[32];
                        snprintf(name, sizeof(name), "flat-%d-%d", codecs[c], dm);
                        check_flat(&cfg, name, 2);
                }
        }
}

static void test_flat_one_row(void **state) {
        (void)state;
        flat_cfg_t cfg = {.codec = KCO_PQ_CODEC_SNAPPY, .dictionary = 1, .dict_max = 1 << 20,
                          .page_size = 1 << 20, .rg_size = 1 << 20, .nrows = 1, .s_mod = 10};
        check_flat(&cfg, "one", 1);
}

static void test_flat_100k(void **state) {
        (void)state;
        flat_cfg_t cfg = {.codec = KCO_PQ_CODEC_ZSTD, .dictionary = 1, .dict_max = 16 * 1024,
                          .page_size = 8192, .rg_size = 1 << 20, .nrows = 100000, .s_mod = 20000};
        check_flat(&cfg, "100k", 2);
}

static void test_flat_dict_check(void **state) {
        (void)state;
        /* parquet-java's first-page check: "s" (40 distinct strings) keeps its dictionary, "a" (all distinct) and
         * "d" drop theirs */
        flat_cfg_t cfg = {.codec = KCO_PQ_CODEC_SNAPPY, .dictionary = 1, .dict_max = 1 << 20, .page_size = 4096,
                          .rg_size = 1 << 20, .nrows = 20000, .s_mod = 40, .dict_check = 1};
        check_flat(&cfg, "check", 1);
}

static void test_zero_rows(void **state) {
        (void)state;
        flat_cfg_t cfg = {.codec = KCO_PQ_CODEC_GZIP, .dictionary = 1, .dict_max = 1 << 20, .page_size = 100,
                          .rg_size = 100, .nrows = 0, .s_mod = 10};
        kco_buf_t file;
        kco_buf_init(&file);
        size_t maxb;
        write_flat(&cfg, &file, &maxb);
        char *path = kco_asprintf("%s/zero.parquet", g_dir);
        write_file(path, file.data, file.len);
        kco_buf_free(&file);
        static const char *const sql[] = {
                "SELECT count(*) FROM read_parquet('${f}')",
                "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${f}'))",
        };
        char *got = duck(path, sql, 2);
        if (got) {
                expect_text(got, "0\n--\na|BIGINT\ns|VARCHAR\nd|DOUBLE\nb|BOOLEAN\ndt|DATE\nf|BLOB\n--\n");
                free(got);
        }
        unlink(path);
        free(path);
}

/* Statistics edge cases: NaN excluded, -0.0 / +0.0, all-null chunk, unsigned bytes. */
static void test_stats_edges(void **state) {
        (void)state;
        kco_pq_schema_elem_t sc[4];
        for (int i = 0; i < 4; i++)
                kco_pq_schema_elem_init(&sc[i]);
        sc[0].name = "schema", sc[0].num_children = 3;
        sc[1].name = "x", sc[1].type = KCO_PQ_DOUBLE, sc[1].repetition = KCO_PQ_OPTIONAL;
        sc[2].name = "y", sc[2].type = KCO_PQ_FLOAT, sc[2].repetition = KCO_PQ_OPTIONAL;
        sc[3].name = "z", sc[3].type = KCO_PQ_BYTE_ARRAY, sc[3].repetition = KCO_PQ_OPTIONAL;
        sc[3].converted_type = KCO_PQ_CT_UTF8, sc[3].logical.kind = KCO_PQ_LT_STRING;
        static const char *const px[] = {"x"}, *const py[] = {"y"}, *const pz[] = {"z"};
        kco_pq_column_desc_t cols[3] = {
                {.physical = KCO_PQ_DOUBLE, .max_def = 1, .path = px, .npath = 1, .stats_signed = 1},
                {.physical = KCO_PQ_FLOAT, .max_def = 1, .path = py, .npath = 1, .stats_signed = 1},
                {.physical = KCO_PQ_BYTE_ARRAY, .max_def = 1, .path = pz, .npath = 1},
        };
        kco_pq_writer_opts_t o = {.codec = KCO_PQ_CODEC_UNCOMPRESSED, .level = -1, .page_size = 1024,
                                  .row_group_size = 1 << 20, .dict_max_bytes = 1024, .dictionary = 1};
        kco_pq_writer_t *w = kco_pq_writer_new(sc, 4, cols, 3, &o);
        double xs[] = {0.0, -0.0, NAN, 0.0};
        const char *zs[] = {"\xc3\xa9", "z", "\x7f", "zz"};
        for (int i = 0; i < 4; i++) {
                kco_pq_val_t v;
                v.d = xs[i];
                kco_pq_put(w, 0, 1, 0, &v);
                kco_pq_put(w, 1, 0, 0, NULL);
                v.b.p = zs[i], v.b.n = strlen(zs[i]);
                kco_pq_put(w, 2, 1, 0, &v);
                kco_pq_end_row(w);
        }
        kco_buf_t file;
        kco_buf_init(&file);
        kco_err_t err;
        assert_int_equal(kco_pq_close(w, &file, NULL, 0, &err), 0);
        kco_pq_writer_destroy(w);
        check_framing(&file);
        char *path = kco_asprintf("%s/edges.parquet", g_dir);
        write_file(path, file.data, file.len);
        kco_buf_free(&file);
        static const char *const sql[] = {
                "SELECT path_in_schema, stats_null_count, stats_min_value, stats_max_value, "
                "hex(stats_min), hex(stats_max) FROM parquet_metadata('${f}') ORDER BY column_id",
                "SELECT x::VARCHAR, y, z FROM read_parquet('${f}')",
        };
        char *got = duck(path, sql, 2);
        if (got) {
                expect_text(got, "x|0|-0.0|0.0|N|N\n"
                                 "y|4|N|N|N|N\n"
                                 "z|0|z|\xc3\xa9|N|N\n"
                                 "--\n"
                                 "0.0|N|\xc3\xa9\n-0.0|N|z\nnan|N|\x7f\n0.0|N|zz\n--\n");
                free(got);
        }
        unlink(path);
        free(path);
}

/* ---------------------------------------------------------------- nested */

enum { N_ID, N_EL, N_KEY, N_VAL, N_N };

static const char *const p_id[] = {"id"}, *const p_el[] = {"l", "list", "element"},
                  *const p_key[] = {"m", "key_value", "key"}, *const p_val[] = {"m", "key_value", "value"};

static kco_pq_writer_t *nested_writer(int codec, int dictionary, size_t dict_max, size_t page, size_t rg) {
        kco_pq_schema_elem_t sc[10];
        for (int i = 0; i < 10; i++)
                kco_pq_schema_elem_init(&sc[i]);
        sc[0].name = "schema", sc[0].num_children = 3;
        sc[1].name = "id", sc[1].type = KCO_PQ_INT64, sc[1].repetition = KCO_PQ_REQUIRED;
        sc[2].name = "l", sc[2].repetition = KCO_PQ_OPTIONAL, sc[2].num_children = 1;
        sc[2].converted_type = KCO_PQ_CT_LIST, sc[2].logical.kind = KCO_PQ_LT_LIST;
        sc[3].name = "list", sc[3].repetition = KCO_PQ_REPEATED, sc[3].num_children = 1;
        sc[4].name = "element", sc[4].type = KCO_PQ_INT32, sc[4].repetition = KCO_PQ_OPTIONAL;
        sc[5].name = "m", sc[5].repetition = KCO_PQ_OPTIONAL, sc[5].num_children = 1;
        sc[5].converted_type = KCO_PQ_CT_MAP, sc[5].logical.kind = KCO_PQ_LT_MAP;
        sc[6].name = "key_value", sc[6].repetition = KCO_PQ_REPEATED, sc[6].num_children = 2;
        sc[7].name = "key", sc[7].type = KCO_PQ_BYTE_ARRAY, sc[7].repetition = KCO_PQ_REQUIRED;
        sc[7].converted_type = KCO_PQ_CT_UTF8, sc[7].logical.kind = KCO_PQ_LT_STRING;
        sc[8].name = "value", sc[8].type = KCO_PQ_INT64, sc[8].repetition = KCO_PQ_OPTIONAL;
        kco_pq_column_desc_t cols[N_N] = {
                {.physical = KCO_PQ_INT64, .path = p_id, .npath = 1, .stats_signed = 1},
                {.physical = KCO_PQ_INT32, .max_def = 3, .max_rep = 1, .path = p_el, .npath = 3, .stats_signed = 1},
                {.physical = KCO_PQ_BYTE_ARRAY, .max_def = 2, .max_rep = 1, .path = p_key, .npath = 3},
                {.physical = KCO_PQ_INT64, .max_def = 3, .max_rep = 1, .path = p_val, .npath = 3,
                 .stats_signed = 1},
        };
        kco_pq_writer_opts_t o = {.codec = codec, .level = -1, .page_size = page, .row_group_size = rg,
                                  .dict_max_bytes = dict_max, .dictionary = dictionary};
        return kco_pq_writer_new(sc, 9, cols, N_N, &o);
}

/*
 * Record i, shredded by hand, and its expected DuckDB text (appended to want):
 *   l: i%5 0 null (def 0) | 1 [] (def 1) | 2 [i] | 3 [i, NULL, -i] (element defs 3 2 3, reps 0 1 1)
 *      | 4 [i*10 .. i*10+len-1], len = i%7+1
 *   m: i%4 0 null (key and value def 0) | 1 {} (def 1) | 2 {k<i%10>: i}
 *      | 3 {a: NULL, b: 2i} (key defs 2 2, value defs 2 3, reps 0 1)
 */
static void nested_row(kco_pq_writer_t *w, int i, kco_buf_t *want) {
        kco_pq_val_t v;
        char t[64];
        v.i64 = i;
        kco_pq_put(w, N_ID, 0, 0, &v);
        snprintf(t, sizeof(t), "%d|", i);
        kco_buf_puts(want, t);
        switch (i % 5) {
        case 0:
                kco_pq_put(w, N_EL, 0, 0, NULL);
                kco_buf_puts(want, "N|");
                break;
        case 1:
                kco_pq_put(w, N_EL, 1, 0, NULL);
                kco_buf_puts(want, "[]|");
                break;
        case 2:
                v.i32 = i;
                kco_pq_put(w, N_EL, 3, 0, &v);
                snprintf(t, sizeof(t), "[%d]|", i);
                kco_buf_puts(want, t);
                break;
        case 3:
                v.i32 = i;
                kco_pq_put(w, N_EL, 3, 0, &v);
                kco_pq_put(w, N_EL, 2, 1, NULL);
                v.i32 = -i;
                kco_pq_put(w, N_EL, 3, 1, &v);
                snprintf(t, sizeof(t), "[%d, NULL, %d]|", i, -i);
                kco_buf_puts(want, t);
                break;
        default: {
                int len = i % 7 + 1;
                kco_buf_putc(want, '[');
                for (int k = 0; k < len; k++) {
                        v.i32 = i * 10 + k;
                        kco_pq_put(w, N_EL, 3, k ? 1 : 0, &v);
                        snprintf(t, sizeof(t), "%s%d", k ? ", " : "", i * 10 + k);
                        kco_buf_puts(want, t);
                }
                kco_buf_puts(want, "]|");
                break;
        }
        }
        switch (i % 4) {
        case 0:
                kco_pq_put(w, N_KEY, 0, 0, NULL);
                kco_pq_put(w, N_VAL, 0, 0, NULL);
                kco_buf_puts(want, "N\n");
                break;
        case 1:
                kco_pq_put(w, N_KEY, 1, 0, NULL);
                kco_pq_put(w, N_VAL, 1, 0, NULL);
                kco_buf_puts(want, "{}\n");
                break;
        case 2: {
                char k[8];
                snprintf(k, sizeof(k), "k%d", i % 10);
                v.b.p = k, v.b.n = strlen(k);
                kco_pq_put(w, N_KEY, 2, 0, &v);
                v.i64 = i;
                kco_pq_put(w, N_VAL, 3, 0, &v);
                snprintf(t, sizeof(t), "{%s=%d}\n", k, i);
                kco_buf_puts(want, t);
                break;
        }
        default:
                v.b.p = "a", v.b.n = 1;
                kco_pq_put(w, N_KEY, 2, 0, &v);
                kco_pq_put(w, N_VAL, 2, 0, NULL);
                v.b.p = "b", v.b.n = 1;
                kco_pq_put(w, N_KEY, 2, 1, &v);
                v.i64 = 2 * (int64_t)i;
                kco_pq_put(w, N_VAL, 3, 1, &v);
                snprintf(t, sizeof(t), "{a=NULL, b=%lld}\n", 2 * (long long)i);
                kco_buf_puts(want, t);
                break;
        }
        kco_pq_end_row(w);
}

static void check_nested(int codec, int dictionary, size_t dict_max, size_t page, size_t rg, int nrows,
                         const char *name) {
        kco_pq_writer_t *w = nested_writer(codec, dictionary, dict_max, page, rg);
        kco_buf_t file, want;
        kco_buf_init(&file);
        kco_buf_init(&want);
        kco_err_t err;
        for (int i = 0; i < nrows; i++) {
                nested_row(w, i, &want);
                assert_int_equal(kco_pq_flush(w, &file, 0, &err), 0);
        }
        assert_int_equal(kco_pq_close(w, &file, NULL, 0, &err), 0);
        kco_pq_writer_destroy(w);
        check_framing(&file);
        char *path = kco_asprintf("%s/%s.parquet", g_dir, name);
        write_file(path, file.data, file.len);
        kco_buf_free(&file);
        static const char *const sql[] = {
                "SELECT id::VARCHAR, l::VARCHAR, m::VARCHAR FROM read_parquet('${f}')",
                "SELECT sum(row_group_num_rows) / 4, count(DISTINCT row_group_id) > 1, sum(stats_null_count) "
                "FILTER (path_in_schema = 'l, list, element') FROM parquet_metadata('${f}')",
                CHUNKS_SQL,
        };
        char *got = duck(path, sql, 3);
        if (got) {
                kco_buf_puts(&want, "--\n");
                /* null elements: null lists, empty lists, the NULL inside [i, NULL, -i] */
                int nulls = 0;
                for (int i = 0; i < nrows; i++)
                        nulls += i % 5 <= 1 || i % 5 == 3;
                char t[96];
                snprintf(t, sizeof(t), "%d|%s|%d\n--\n", nrows, nrows > 200 ? "true" : "false", nulls);
                kco_buf_puts(&want, t);
                char *chunks = section(got, 2);
                char keep = *chunks;
                *chunks = '\0';
                expect_text(got, kco_buf_cstr(&want));
                *chunks = keep;
                walk_t wk;
                walk_text(path, chunks, "l, list, element", codec == KCO_PQ_CODEC_UNCOMPRESSED, &wk);
                assert_int_equal(wk.bad_rep_start, 0);
                assert_int_equal(wk.dict_not_first, 0);
                if (nrows > 200)
                        assert_true(wk.data_pages > 10);
                if (dictionary && dict_max < 1000 && nrows > 200)
                        assert_true(wk.dict_data > 0 && wk.plain_data > 0);
                if (!dictionary)
                        assert_int_equal(wk.dict_pages, 0);
                walk_text(path, chunks, "m, key_value, key", codec == KCO_PQ_CODEC_UNCOMPRESSED, &wk);
                assert_int_equal(wk.bad_rep_start, 0);
                free(got);
        }
        kco_buf_free(&want);
        unlink(path);
        free(path);
}

static void test_nested_matrix(void **state) {
        (void)state;
        for (size_t c = 0; c < sizeof(codecs) / sizeof(codecs[0]); c++)
                for (int dm = 0; dm < 3; dm++) {
                        char name[32];
                        snprintf(name, sizeof(name), "nested-%d-%d", codecs[c], dm);
                        check_nested(codecs[c], dm > 0, dm == 2 ? 100 : 1 << 20, 64, 16 * 1024, 2000, name);
                }
}

static void test_nested_small(void **state) {
        (void)state;
        check_nested(KCO_PQ_CODEC_UNCOMPRESSED, 1, 1 << 20, 1 << 20, 1 << 20, 1, "nested-one");
        check_nested(KCO_PQ_CODEC_SNAPPY, 1, 1 << 20, 1 << 20, 1 << 20, 8, "nested-eight");
}

/* --------------------------------------------------------------- speed */

static void test_speed(void **state) {
        (void)state;
        enum { N = 1000000 };
        kco_pq_schema_elem_t sc[9];
        for (int i = 0; i < 9; i++)
                kco_pq_schema_elem_init(&sc[i]);
        sc[0].name = "schema", sc[0].num_children = 8;
        static const char *const names[8] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};
        static const int32_t types[8] = {KCO_PQ_INT64, KCO_PQ_INT64, KCO_PQ_INT32, KCO_PQ_DOUBLE,
                                         KCO_PQ_BYTE_ARRAY, KCO_PQ_BYTE_ARRAY, KCO_PQ_BOOLEAN, KCO_PQ_INT32};
        kco_pq_column_desc_t cols[8];
        memset(cols, 0, sizeof(cols));
        for (int i = 0; i < 8; i++) {
                sc[i + 1].name = names[i];
                sc[i + 1].type = types[i];
                sc[i + 1].repetition = i % 2 ? KCO_PQ_OPTIONAL : KCO_PQ_REQUIRED;
                cols[i].physical = types[i];
                cols[i].max_def = i % 2;
                cols[i].path = &names[i];
                cols[i].npath = 1;
                cols[i].stats_signed = types[i] != KCO_PQ_BYTE_ARRAY;
        }
        kco_pq_writer_opts_t o = {.codec = KCO_PQ_CODEC_SNAPPY, .level = -1, .page_size = 1 << 20,
                                  .row_group_size = 128 << 20, .dict_max_bytes = 1 << 20, .dictionary = 1};
        kco_pq_writer_t *w = kco_pq_writer_new(sc, 9, cols, 8, &o);
        kco_buf_t file;
        kco_buf_init(&file);
        kco_err_t err;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        char sb[32], sb2[32];
        for (int i = 0; i < N; i++) {
                kco_pq_val_t v;
                v.i64 = 1700000000000LL + i;
                kco_pq_put(w, 0, 0, 0, &v);
                v.i64 = i % 1000;
                kco_pq_put(w, 1, i % 10 ? 1 : 0, 0, i % 10 ? &v : NULL);
                v.i32 = i;
                kco_pq_put(w, 2, 0, 0, &v);
                v.d = i * 0.25;
                kco_pq_put(w, 3, 1, 0, &v);
                int n = snprintf(sb, sizeof(sb), "user-%d", i % 5000);
                v.b.p = sb, v.b.n = (size_t)n;
                kco_pq_put(w, 4, 0, 0, &v);
                n = snprintf(sb2, sizeof(sb2), "event-%08d", i);
                v.b.p = sb2, v.b.n = (size_t)n;
                kco_pq_put(w, 5, 1, 0, &v);
                v.boolean = i & 1;
                kco_pq_put(w, 6, 0, 0, &v);
                v.i32 = i % 7;
                kco_pq_put(w, 7, 1, 0, &v);
                kco_pq_end_row(w);
                if (kco_pq_flush(w, &file, 0, &err) < 0)
                        fail();
        }
        assert_int_equal(kco_pq_close(w, &file, NULL, 0, &err), 0);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        fprintf(stderr, "parquet writer: %d rows x 8 columns, snappy: %.3f s, %.0f records/s, %zu bytes\n", N, s,
                N / s, file.len);
        kco_pq_writer_destroy(w);
        check_framing(&file);
        kco_buf_free(&file);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_flat_matrix),   cmocka_unit_test(test_flat_one_row),
                cmocka_unit_test(test_flat_100k),     cmocka_unit_test(test_flat_dict_check),
                cmocka_unit_test(test_zero_rows),
                cmocka_unit_test(test_stats_edges),   cmocka_unit_test(test_nested_matrix),
                cmocka_unit_test(test_nested_small),  cmocka_unit_test(test_speed),
        };
        return cmocka_run_group_tests(tests, setup, kco_test_duckdb_teardown);
}
