/*
 * kco_pq_proto.c - protobuf message -> parquet-protobuf's Parquet schema, and
 * the shredder of parsed messages (see kco_pq_proto.h for the mapping).
 *
 * Levels: as in kco_pq_shred.c; an unset optional field or an empty repeated
 * field gives every leaf below it one slot with its parent's definition
 * level; item i > 0 of a repeated field at repeated depth d repeats at d + 1.
 */
#include <stdlib.h>
#include <string.h>

#include "core/kco_mem.h"
#include "format/parquet/kco_pq_proto.h"
#include "record/kco_path.h"

#define PP_WHO "ParquetJsonFormat"

struct kco_pq_proto_s {
        const kco_proto_msg_t *msg;
        kco_pq_schema_t pq;
        kco_pq_slots_t slots;
};

static int32_t pp_repetition(const kco_proto_field_t *f) {
        switch (f->label) {
        case KCO_PROTO_LABEL_REQUIRED:
                return KCO_PQ_REQUIRED;
        case KCO_PROTO_LABEL_REPEATED:
                return KCO_PQ_REPEATED;
        default:
                return KCO_PQ_OPTIONAL;
        }
}

static int pp_is_group(const kco_proto_field_t *f) {
        return f->type == KCO_PROTO_MESSAGE || f->type == KCO_PROTO_GROUP;
}

static int pp_build_fields(kco_pq_proto_t *p, const kco_proto_msg_t *m, int def, int rep, kco_err_t *err);

static void pp_primitive(kco_pq_schema_elem_t *e, const kco_proto_field_t *f) {
        switch (f->type) {
        case KCO_PROTO_INT32:
        case KCO_PROTO_SINT32:
        case KCO_PROTO_SFIXED32:
        case KCO_PROTO_UINT32:
        case KCO_PROTO_FIXED32:
                e->type = KCO_PQ_INT32;
                break;
        case KCO_PROTO_INT64:
        case KCO_PROTO_SINT64:
        case KCO_PROTO_SFIXED64:
        case KCO_PROTO_UINT64:
        case KCO_PROTO_FIXED64:
                e->type = KCO_PQ_INT64;
                break;
        case KCO_PROTO_FLOAT:
                e->type = KCO_PQ_FLOAT;
                break;
        case KCO_PROTO_DOUBLE:
                e->type = KCO_PQ_DOUBLE;
                break;
        case KCO_PROTO_BOOL:
                e->type = KCO_PQ_BOOLEAN;
                break;
        case KCO_PROTO_STRING:
                e->type = KCO_PQ_BYTE_ARRAY;
                e->converted_type = KCO_PQ_CT_UTF8;
                e->logical.kind = KCO_PQ_LT_STRING;
                break;
        case KCO_PROTO_ENUM:
                e->type = KCO_PQ_BYTE_ARRAY;
                e->converted_type = KCO_PQ_CT_ENUM;
                e->logical.kind = KCO_PQ_LT_ENUM;
                break;
        default: /* bytes */
                e->type = KCO_PQ_BYTE_ARRAY;
                break;
        }
}

/* def / rep: the levels of f's parent. */
static int pp_build(kco_pq_proto_t *p, const kco_proto_field_t *f, int def, int rep, kco_err_t *err) {
        int32_t repetition = pp_repetition(f);
        if (repetition == KCO_PQ_OPTIONAL)
                def++;
        else if (repetition == KCO_PQ_REPEATED)
                def++, rep++;
        size_t i;
        if (kco_pq_schema_push(&p->pq, f->name, repetition, &i, err))
                return -1;
        p->pq.elems[i].field_id = f->number;
        int rc = 0;
        if (pp_is_group(f)) {
                if (!f->msg || !f->msg->nfields)
                        rc = kco_err_set(err, KCO_ERR_DATA, 0, PP_WHO ": field %s: %s has no fields (Parquet has no "
                                         "empty groups)", f->name, f->msg ? f->msg->full_name : "its message");
                else {
                        p->pq.elems[i].num_children = (int32_t)f->msg->nfields;
                        rc = pp_build_fields(p, f->msg, def, rep, err);
                }
        } else {
                pp_primitive(&p->pq.elems[i], f);
                kco_pq_schema_leaf(&p->pq, i, def, rep);
        }
        kco_pq_schema_pop(&p->pq);
        return rc;
}

static int pp_build_fields(kco_pq_proto_t *p, const kco_proto_msg_t *m, int def, int rep, kco_err_t *err) {
        for (size_t f = 0; f < m->nfields; f++)
                if (pp_build(p, &m->fields[f], def, rep, err))
                        return -1;
        return 0;
}

void kco_pq_proto_destroy(kco_pq_proto_t *p) {
        if (!p)
                return;
        kco_pq_schema_free(&p->pq);
        kco_pq_slots_free(&p->slots);
        free(p);
}

kco_pq_proto_t *kco_pq_proto_new(const kco_proto_msg_t *m, kco_err_t *err) {
        if (!m->nfields) {
                kco_err_set(err, KCO_ERR_DATA, 0, PP_WHO ": %s has no fields", m->full_name);
                return NULL;
        }
        kco_pq_proto_t *p = kco_calloc(1, sizeof(*p));
        p->msg = m;
        kco_pq_schema_init(&p->pq, PP_WHO);
        kco_pq_schema_root(&p->pq, m->full_name, (int32_t)m->nfields);
        if (pp_build_fields(p, m, 0, 0, err)) {
                kco_pq_proto_destroy(p);
                return NULL;
        }
        return p;
}

const kco_pq_schema_elem_t *kco_pq_proto_schema(const kco_pq_proto_t *p, size_t *n) {
        *n = p->pq.nelems;
        return p->pq.elems;
}

const kco_pq_column_desc_t *kco_pq_proto_columns(const kco_pq_proto_t *p, size_t *n) {
        *n = p->pq.ncols;
        return p->pq.cols;
}

/* ---- shredding ---- */

#define pp_bad(err, path, ...) kco_path_error(err, PP_WHO, path, __VA_ARGS__)

static size_t pp_leaves(const kco_proto_field_t *f) {
        if (!pp_is_group(f))
                return 1;
        size_t n = 0;
        for (size_t i = 0; i < f->msg->nfields; i++)
                n += pp_leaves(&f->msg->fields[i]);
        return n;
}

static int pp_is_null(const kco_value_t *v) {
        return !v || v->type == KCO_TYPE_NULL;
}

static int pp_fields(kco_pq_proto_t *p, const kco_proto_msg_t *m, const kco_value_t *v, int def, int rep, int rdepth,
                     const kco_path_t *path, kco_err_t *err);

static __attribute__((cold, noinline)) int pp_leaf_bad(const kco_proto_field_t *f, const kco_value_t *v,
                                                       const kco_path_t *path, size_t index, kco_err_t *err) {
        kco_path_t item = {path, NULL, NULL, 0, index};
        return pp_bad(err, index == SIZE_MAX ? path : &item, "a %s value where field %s (number %d) needs its type",
                      kco_type_name(v->type), f->name, (int)f->number);
}

/* One present scalar value of f (an item, if f is repeated) at these levels; path: f's, index: the item's
 * (SIZE_MAX: f is not repeated), both only for the error. */
static inline __attribute__((always_inline)) int pp_leaf(kco_pq_proto_t *p, const kco_proto_field_t *f,
                                                         const kco_value_t *v, int def, int rep,
                                                         const kco_path_t *path, size_t index, kco_err_t *err) {
        kco_pq_slot_t *sl = kco_pq_slots_next(&p->slots, def, rep);
        sl->has_value = 1;
        int ok;
        switch (f->type) {
        case KCO_PROTO_INT32:
        case KCO_PROTO_SINT32:
        case KCO_PROTO_SFIXED32:
        case KCO_PROTO_UINT32:
        case KCO_PROTO_FIXED32:
                ok = v->type == KCO_TYPE_INT32 || v->type == KCO_TYPE_INT64;
                sl->v.i32 = (int32_t)(uint32_t)v->u.i; /* unsigned kinds keep their 32 bits, as Java's int */
                break;
        case KCO_PROTO_INT64:
        case KCO_PROTO_SINT64:
        case KCO_PROTO_SFIXED64:
        case KCO_PROTO_UINT64:
        case KCO_PROTO_FIXED64:
                ok = v->type == KCO_TYPE_INT64;
                sl->v.i64 = v->u.i;
                break;
        case KCO_PROTO_FLOAT:
                ok = v->type == KCO_TYPE_FLOAT32 || v->type == KCO_TYPE_FLOAT64;
                sl->v.f = (float)v->u.d;
                break;
        case KCO_PROTO_DOUBLE:
                ok = v->type == KCO_TYPE_FLOAT64 || v->type == KCO_TYPE_FLOAT32;
                sl->v.d = v->u.d;
                break;
        case KCO_PROTO_BOOL:
                ok = v->type == KCO_TYPE_BOOLEAN;
                sl->v.boolean = v->u.i != 0;
                break;
        default: /* string, bytes, enum */
                ok = v->type == KCO_TYPE_STRING || v->type == KCO_TYPE_BYTES;
                sl->v.b.p = v->u.s.len ? v->u.s.ptr : "";
                sl->v.b.n = v->u.s.len;
                break;
        }
        return ok ? 0 : pp_leaf_bad(f, v, path, index, err);
}

/* One present value of f (an item, if f is repeated) at these levels. */
static inline int pp_value(kco_pq_proto_t *p, const kco_proto_field_t *f, const kco_value_t *v, int def, int rep,
                           int rdepth, const kco_path_t *path, size_t index, kco_err_t *err) {
        if (!pp_is_group(f))
                return pp_leaf(p, f, v, def, rep, path, index, err);
        kco_path_t item = {path, NULL, NULL, 0, index};
        return pp_fields(p, f->msg, v, def, rep, rdepth, index == SIZE_MAX ? path : &item, err);
}

/* Field f (path: its) of a message whose definition level is def. */
static inline int pp_field(kco_pq_proto_t *p, const kco_proto_field_t *f, const kco_value_t *v, int def, int rep,
                           int rdepth, const kco_path_t *path, kco_err_t *err) {
        if (f->label == KCO_PROTO_LABEL_REPEATED) {
                if (pp_is_null(v) || (v->type == KCO_TYPE_ARRAY && !v->u.c.n)) {
                        kco_pq_slots_absent(&p->slots, pp_leaves(f), def, rep);
                        return 0;
                }
                if (v->type != KCO_TYPE_ARRAY)
                        return pp_bad(err, path, "a %s value for a repeated field", kco_type_name(v->type));
                size_t first = p->slots.cur;
                for (size_t i = 0; i < v->u.c.n; i++) {
                        p->slots.cur = first;
                        if (pp_is_null(&v->u.c.items[i])) {
                                kco_path_t item = {path, NULL, NULL, 0, i};
                                return pp_bad(err, &item, "Repeated field elements cannot be null");
                        }
                        if (pp_value(p, f, &v->u.c.items[i], def + 1, i ? rdepth + 1 : rep, rdepth + 1, path, i, err))
                                return -1;
                }
                return 0;
        }
        if (pp_is_null(v)) {
                if (f->label == KCO_PROTO_LABEL_REQUIRED)
                        return pp_bad(err, path, "required field %s is not set", f->name);
                kco_pq_slots_absent(&p->slots, pp_leaves(f), def, rep);
                return 0;
        }
        return pp_value(p, f, v, f->label == KCO_PROTO_LABEL_REQUIRED ? def : def + 1, rep, rdepth, path, SIZE_MAX,
                        err);
}

static int pp_fields(kco_pq_proto_t *p, const kco_proto_msg_t *m, const kco_value_t *v, int def, int rep, int rdepth,
                     const kco_path_t *path, kco_err_t *err) {
        if (v->type != KCO_TYPE_STRUCT || v->u.c.n != m->nfields)
                return pp_bad(err, path, "not a %s message value", m->full_name);
        kco_path_t here = {path, NULL, NULL, 0, 0};
        for (size_t i = 0; i < m->nfields; i++) {
                here.field = m->fields[i].name;
                if (pp_field(p, &m->fields[i], &v->u.c.items[i], def, rep, rdepth, &here, err))
                        return -1;
        }
        return 0;
}

int kco_pq_proto_record(kco_pq_proto_t *p, const kco_pq_sink_ops_t *ops, void *sink, const kco_value_t *v,
                        kco_err_t *err) {
        kco_pq_slots_reset(&p->slots);
        if (pp_is_null(v))
                return pp_bad(err, NULL, "a null record cannot be written to Parquet");
        if (pp_fields(p, p->msg, v, 0, 0, 0, NULL, err)) {
                kco_pq_slots_reset(&p->slots);
                return -1;
        }
        kco_pq_slots_emit(&p->slots, ops, sink);
        return 0;
}
