/*
 * kco_pq_schema.c - the flattened Parquet schema under construction and the
 * slot buffer of one record (see kco_pq_schema.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/kco_mem.h"
#include "format/parquet/kco_pq_schema.h"

void kco_pq_schema_init(kco_pq_schema_t *s, const char *who) {
        memset(s, 0, sizeof(*s));
        s->who = who;
}

void kco_pq_schema_free(kco_pq_schema_t *s) {
        for (size_t i = 0; i < s->ncols; i++)
                free((void *)s->cols[i].path);
        free(s->cols);
        free(s->elems);
        s->cols = NULL;
        s->elems = NULL;
        s->ncols = s->nelems = 0;
}

static size_t kco_pq_schema_add(kco_pq_schema_t *s, const char *name, int32_t repetition) {
        if (s->nelems == s->capelems) {
                s->capelems = s->capelems ? 2 * s->capelems : 16;
                s->elems = kco_realloc(s->elems, s->capelems * sizeof(*s->elems));
        }
        kco_pq_schema_elem_t *e = &s->elems[s->nelems];
        kco_pq_schema_elem_init(e);
        e->name = name;
        e->repetition = repetition;
        return s->nelems++;
}

void kco_pq_schema_root(kco_pq_schema_t *s, const char *name, int32_t num_children) {
        size_t i = kco_pq_schema_add(s, name, KCO_PQ_UNSET);
        s->elems[i].num_children = num_children;
}

int kco_pq_schema_push(kco_pq_schema_t *s, const char *name, int32_t repetition, size_t *index, kco_err_t *err) {
        if (s->depth == KCO_PQ_MAX_DEPTH)
                return kco_err_set(err, KCO_ERR_DATA, 0, "%s: schema nested deeper than %d levels", s->who,
                                   KCO_PQ_MAX_DEPTH);
        s->stack[s->depth++] = name;
        *index = kco_pq_schema_add(s, name, repetition);
        return 0;
}

void kco_pq_schema_pop(kco_pq_schema_t *s) {
        s->depth--;
}

void kco_pq_schema_leaf(kco_pq_schema_t *s, size_t i, int max_def, int max_rep) {
        const kco_pq_schema_elem_t *e = &s->elems[i];
        if (s->ncols == s->capcols) {
                s->capcols = s->capcols ? 2 * s->capcols : 8;
                s->cols = kco_realloc(s->cols, s->capcols * sizeof(*s->cols));
        }
        kco_pq_column_desc_t *c = &s->cols[s->ncols++];
        memset(c, 0, sizeof(*c));
        c->physical = e->type;
        c->type_length = e->type_length;
        c->max_def = max_def;
        c->max_rep = max_rep;
        const char **path = kco_calloc((size_t)s->depth, sizeof(*path));
        memcpy(path, s->stack, (size_t)s->depth * sizeof(*path));
        c->path = path;
        c->npath = s->depth;
        c->stats_signed = e->type != KCO_PQ_BYTE_ARRAY && e->type != KCO_PQ_FIXED_LEN_BYTE_ARRAY;
        c->stats_none = e->logical.kind == KCO_PQ_LT_DECIMAL;
}

void kco_pq_slots_grow(kco_pq_slots_t *sl) {
        sl->cap = sl->cap ? 2 * sl->cap : 64;
        sl->slots = kco_realloc(sl->slots, sl->cap * sizeof(*sl->slots));
}

void kco_pq_slots_emit(kco_pq_slots_t *sl, const kco_pq_sink_ops_t *ops, void *sink) {
        if (ops->put_row) {
                ops->put_row(sink, sl->slots, sl->n);
        } else {
                for (size_t i = 0; i < sl->n; i++) {
                        const kco_pq_slot_t *s = &sl->slots[i];
                        ops->put(sink, s->col, s->def, s->rep, s->has_value ? &s->v : NULL);
                }
                ops->end_row(sink);
        }
        kco_pq_slots_reset(sl);
}

void kco_pq_slots_reset(kco_pq_slots_t *sl) {
        sl->n = 0;
        sl->cur = 0;
}

void kco_pq_slots_free(kco_pq_slots_t *sl) {
        free(sl->slots);
        memset(sl, 0, sizeof(*sl));
}
