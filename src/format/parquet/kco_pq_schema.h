/*
 * kco_pq_schema.h - what every Parquet schema mapping shares: the flattened
 * schema being built (elements depth-first, the leaf column descriptors,
 * the stack of names from below the root to the current node) and the
 * buffered leaf slots of one record, put into the writer only once the whole
 * record has been shredded.
 *
 * Owns: the element and column arrays, each column's path copy, the slots.
 * Names are not copied: they must outlive the schema (the mapping's source
 * schema owns them). One thread (the task's). Must never: hand out a slot
 * before kco_pq_slots_emit.
 */
#ifndef KCO_PQ_SCHEMA_H
#define KCO_PQ_SCHEMA_H

#include <stddef.h>

#include "core/kco_err.h"
#include "format/parquet/kco_pq_writer.h"

#define KCO_PQ_MAX_DEPTH 64

typedef struct kco_pq_schema_s {
        kco_pq_schema_elem_t *elems;
        size_t nelems, capelems;
        kco_pq_column_desc_t *cols;
        size_t ncols, capcols;
        const char *stack[KCO_PQ_MAX_DEPTH];
        int depth;
        const char *who; /* "ParquetAvroFormat": for errors */
} kco_pq_schema_t;

void kco_pq_schema_init(kco_pq_schema_t *s, const char *who);
void kco_pq_schema_free(kco_pq_schema_t *s);

/* Pushes name onto the path (-1 with KCO_ERR_DATA past KCO_PQ_MAX_DEPTH), then adds its element; returns the
 * element's index. The caller pops with kco_pq_schema_pop once the node's children are added. */
int kco_pq_schema_push(kco_pq_schema_t *s, const char *name, int32_t repetition, size_t *index, kco_err_t *err);
void kco_pq_schema_pop(kco_pq_schema_t *s);
/* Adds the root element (no repetition); index 0. */
void kco_pq_schema_root(kco_pq_schema_t *s, const char *name, int32_t num_children);
/* Makes element i (a primitive, its type set) the next leaf column with these maximum levels. */
void kco_pq_schema_leaf(kco_pq_schema_t *s, size_t i, int max_def, int max_rep);

typedef struct kco_pq_slots_s {
        kco_pq_slot_t *slots;
        size_t n, cap;
        size_t cur; /* the next column */
} kco_pq_slots_t;

/* Where shredded slots go: the format fills these with kco_pq_put / kco_pq_end_row / kco_pq_put_row (sink =
 * the writer). put_row may be NULL: the record then goes slot by slot through put, then end_row. */
typedef struct kco_pq_sink_ops_s {
        void (*put)(void *sink, size_t col, int def, int rep, const kco_pq_val_t *v);
        void (*end_row)(void *sink);
        void (*put_row)(void *sink, const kco_pq_slot_t *slots, size_t n);
} kco_pq_sink_ops_t;

void kco_pq_slots_grow(kco_pq_slots_t *sl);

/* The slot of the next column, without a value (has_value 0). */
static inline kco_pq_slot_t *kco_pq_slots_next(kco_pq_slots_t *sl, int def, int rep) {
        if (sl->n == sl->cap)
                kco_pq_slots_grow(sl);
        kco_pq_slot_t *s = &sl->slots[sl->n++];
        s->col = sl->cur++;
        s->def = def;
        s->rep = rep;
        s->has_value = 0;
        return s;
}

/* nleaves slots without a value (an absent node: every leaf below it). */
static inline void kco_pq_slots_absent(kco_pq_slots_t *sl, size_t nleaves, int def, int rep) {
        for (size_t i = 0; i < nleaves; i++)
                kco_pq_slots_next(sl, def, rep);
}
/* Puts every slot, ends the row, and empties the buffer. */
void kco_pq_slots_emit(kco_pq_slots_t *sl, const kco_pq_sink_ops_t *ops, void *sink);
void kco_pq_slots_reset(kco_pq_slots_t *sl);
void kco_pq_slots_free(kco_pq_slots_t *sl);

#endif
