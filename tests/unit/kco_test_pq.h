/*
 * kco_test_pq.h - for the Parquet shredder tests: a sink that records each
 * column's slots as text ("def:rep:value", "-" for no value) and checks
 * every slot against its column's maximum levels, and a one-line rendering
 * of a schema element ("name optional INT32 ct=UTF8 lt=STRING id=3").
 * Static functions: each test includes it once.
 */
#ifndef KCO_TEST_PQ_H
#define KCO_TEST_PQ_H

#include <stdio.h>
#include <string.h>

#include "core/kco_buf.h"
#include "format/parquet/kco_pq_schema.h"

#define KCO_TEST_PQ_COLS 32

typedef struct rec_s {
        const kco_pq_column_desc_t *cols;
        size_t ncols;
        kco_buf_t col[KCO_TEST_PQ_COLS];
        int puts, rows;
} rec_t;

static void rec_put(void *sink, size_t col, int def, int rep, const kco_pq_val_t *v) {
        rec_t *r = sink;
        assert_true(col < r->ncols);
        assert_true(def <= r->cols[col].max_def && rep <= r->cols[col].max_rep);
        assert_int_equal(v == NULL, def < r->cols[col].max_def);
        char s[200];
        kco_buf_t *b = &r->col[col];
        if (b->len)
                kco_buf_putc(b, ' ');
        if (!v)
                snprintf(s, sizeof(s), "%d:%d:-", def, rep);
        else if (r->cols[col].physical == KCO_PQ_INT32)
                snprintf(s, sizeof(s), "%d:%d:%d", def, rep, (int)v->i32);
        else if (r->cols[col].physical == KCO_PQ_INT64)
                snprintf(s, sizeof(s), "%d:%d:%lld", def, rep, (long long)v->i64);
        else if (r->cols[col].physical == KCO_PQ_BYTE_ARRAY)
                snprintf(s, sizeof(s), "%d:%d:%.*s", def, rep, (int)v->b.n, (const char *)v->b.p);
        else
                snprintf(s, sizeof(s), "%d:%d:?", def, rep);
        kco_buf_puts(b, s);
        r->puts++;
}

static void rec_end(void *sink) {
        ((rec_t *)sink)->rows++;
}

static const kco_pq_sink_ops_t rec_ops = {rec_put, rec_end, NULL}; /* no put_row: slot by slot */

static void rec_init(rec_t *r, const kco_pq_column_desc_t *cols, size_t ncols) {
        memset(r, 0, sizeof(*r));
        r->cols = cols;
        r->ncols = ncols;
        assert_true(r->ncols <= KCO_TEST_PQ_COLS);
}

static void rec_free(rec_t *r) {
        for (size_t i = 0; i < KCO_TEST_PQ_COLS; i++)
                kco_buf_free(&r->col[i]);
}

static void expect_col(rec_t *r, size_t col, const char *want) {
        const char *got = kco_buf_cstr(&r->col[col]);
        if (strcmp(got, want))
                fprintf(stderr, "column %zu: got \"%s\", want \"%s\"\n", col, got, want);
        assert_string_equal(got, want);
}

static void render_elem(kco_buf_t *b, const kco_pq_schema_elem_t *e) {
        static const char *const types[] = {"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
                                            "FLBA"};
        static const char *const cts[] = {"UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL", "DATE",
                                          "TIME_MILLIS", "TIME_MICROS", "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS",
                                          "UINT_8", "UINT_16", "UINT_32", "UINT_64", "INT_8", "INT_16"};
        char s[200];
        kco_buf_puts(b, e->name);
        kco_buf_puts(b, e->repetition == KCO_PQ_REQUIRED   ? " required"
                        : e->repetition == KCO_PQ_OPTIONAL ? " optional"
                        : e->repetition == KCO_PQ_REPEATED ? " repeated"
                                                           : "");
        if (e->type == KCO_PQ_UNSET) {
                snprintf(s, sizeof(s), " group(%d)", (int)e->num_children);
                kco_buf_puts(b, s);
        } else {
                kco_buf_putc(b, ' ');
                kco_buf_puts(b, types[e->type]);
                assert_int_equal(e->num_children, KCO_PQ_UNSET);
        }
        if (e->converted_type != KCO_PQ_UNSET) {
                kco_buf_puts(b, " ct=");
                kco_buf_puts(b, cts[e->converted_type]);
        }
        if (e->converted_type == KCO_PQ_CT_DECIMAL) {
                snprintf(s, sizeof(s), "(%d,%d)", (int)e->scale, (int)e->precision);
                kco_buf_puts(b, s);
        } else {
                assert_int_equal(e->scale, KCO_PQ_UNSET);
                assert_int_equal(e->precision, KCO_PQ_UNSET);
        }
        const kco_pq_logical_t *l = &e->logical;
        switch (l->kind) {
        case KCO_PQ_LT_NONE:
                break;
        case KCO_PQ_LT_STRING:
                kco_buf_puts(b, " lt=STRING");
                break;
        case KCO_PQ_LT_MAP:
                kco_buf_puts(b, " lt=MAP");
                break;
        case KCO_PQ_LT_LIST:
                kco_buf_puts(b, " lt=LIST");
                break;
        case KCO_PQ_LT_DATE:
                kco_buf_puts(b, " lt=DATE");
                break;
        case KCO_PQ_LT_ENUM:
                kco_buf_puts(b, " lt=ENUM");
                break;
        case KCO_PQ_LT_DECIMAL:
                snprintf(s, sizeof(s), " lt=DECIMAL(%d,%d)", (int)l->scale, (int)l->precision);
                kco_buf_puts(b, s);
                break;
        case KCO_PQ_LT_TIME:
        case KCO_PQ_LT_TIMESTAMP:
                snprintf(s, sizeof(s), " lt=%s(%s,%s)", l->kind == KCO_PQ_LT_TIME ? "TIME" : "TIMESTAMP",
                         l->unit == KCO_PQ_UNIT_MILLIS ? "MILLIS" : "?", l->adjusted_to_utc ? "utc" : "local");
                kco_buf_puts(b, s);
                break;
        default:
                snprintf(s, sizeof(s), " lt=%d", l->kind);
                kco_buf_puts(b, s);
        }
        if (e->field_id != KCO_PQ_UNSET) {
                snprintf(s, sizeof(s), " id=%d", (int)e->field_id);
                kco_buf_puts(b, s);
        }
        kco_buf_putc(b, '\n');
}

#endif
