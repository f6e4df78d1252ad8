/*
 * kco_pq_shred.c - Connect schema -> parquet-avro's Parquet schema, and the
 * record shredder (see kco_pq_shred.h for the mapping).
 *
 * Levels: a node's definition level counts the OPTIONAL and REPEATED nodes
 * from below the root down to it; a repeated node at depth d (counting
 * repeated nodes only) starts each item after the first with repetition
 * level d; an absent node (a null, an empty list or map) gives every leaf
 * below it one slot with the definition level of its parent and no value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_mem.h"
#include "format/kco_avro_from_connect.h"
#include "format/parquet/kco_pq_shred.h"

#include "record/kco_path.h"

#define KCO_PQ_DEFAULT_ROOT "io.confluent.connect.avro.ConnectDefault"
#define KCO_PQ_DECIMAL_PRECISION "connect.decimal.precision"
#define KCO_PQ_DECIMAL_PRECISION_DEFAULT 64 /* AvroData's */

struct kco_pq_shred_s {
        kco_schema_t *ref;
        const kco_schema_t *schema;
        char *root_name;
        kco_pq_schema_t pq;
        kco_pq_slots_t slots; /* of the record being shredded */
};

/* ---- schema ---- */

#define KCO_PQ_MAX_MEMBERS 16
static const char *const kco_pq_members[KCO_PQ_MAX_MEMBERS] = {
        "member0", "member1", "member2",  "member3",  "member4",  "member5",  "member6",  "member7",
        "member8", "member9", "member10", "member11", "member12", "member13", "member14", "member15",
};

static int kco_pq_build_primitive(kco_pq_shred_t *sh, const kco_schema_t *s, size_t i, int def, int rep,
                                  kco_err_t *err) {
        kco_pq_schema_elem_t *e = &sh->pq.elems[i];
        switch (s->type) {
        case KCO_TYPE_INT8:
        case KCO_TYPE_INT16:
        case KCO_TYPE_INT32:
                e->type = KCO_PQ_INT32;
                if (s->logical == KCO_LOGICAL_DATE) {
                        e->converted_type = KCO_PQ_CT_DATE;
                        e->logical.kind = KCO_PQ_LT_DATE;
                } else if (s->logical == KCO_LOGICAL_TIME) {
                        e->converted_type = KCO_PQ_CT_TIME_MILLIS;
                        e->logical.kind = KCO_PQ_LT_TIME;
                        e->logical.adjusted_to_utc = 1;
                        e->logical.unit = KCO_PQ_UNIT_MILLIS;
                }
                break;
        case KCO_TYPE_INT64:
                e->type = KCO_PQ_INT64;
                if (s->logical == KCO_LOGICAL_TIMESTAMP) {
                        e->converted_type = KCO_PQ_CT_TIMESTAMP_MILLIS;
                        e->logical.kind = KCO_PQ_LT_TIMESTAMP;
                        e->logical.adjusted_to_utc = 1;
                        e->logical.unit = KCO_PQ_UNIT_MILLIS;
                }
                break;
        case KCO_TYPE_FLOAT32:
                e->type = KCO_PQ_FLOAT;
                break;
        case KCO_TYPE_FLOAT64:
                e->type = KCO_PQ_DOUBLE;
                break;
        case KCO_TYPE_BOOLEAN:
                e->type = KCO_PQ_BOOLEAN;
                break;
        case KCO_TYPE_STRING:
                e->type = KCO_PQ_BYTE_ARRAY;
                e->converted_type = KCO_PQ_CT_UTF8;
                e->logical.kind = KCO_PQ_LT_STRING;
                break;
        case KCO_TYPE_BYTES:
                e->type = KCO_PQ_BYTE_ARRAY;
                if (s->logical == KCO_LOGICAL_DECIMAL) {
                        long precision = KCO_PQ_DECIMAL_PRECISION_DEFAULT;
                        const char *p = kco_schema_param(s, KCO_PQ_DECIMAL_PRECISION);
                        if (p) {
                                char *end;
                                precision = strtol(p, &end, 10);
                                if (!*p || *end || precision < 1 || precision > 1000000)
                                        return kco_err_set(err, KCO_ERR_DATA, 0,
                                                           "ParquetAvroFormat: %s: bad %s \"%s\"", e->name,
                                                           KCO_PQ_DECIMAL_PRECISION, p);
                        }
                        e->converted_type = KCO_PQ_CT_DECIMAL;
                        e->scale = s->scale;
                        e->precision = (int32_t)precision;
                        e->logical.kind = KCO_PQ_LT_DECIMAL;
                        e->logical.scale = s->scale;
                        e->logical.precision = (int32_t)precision;
                }
                break;
        default:
                return kco_err_set(err, KCO_ERR_DATA, 0, "ParquetAvroFormat: %s: no Parquet type for %s", e->name,
                                   kco_type_name(s->type));
        }
        kco_pq_schema_leaf(&sh->pq, i, def, rep);
        return 0;
}

/* Adds the element for s (named name) and everything below it. def/rep: the levels of s's parent. */
static int kco_pq_build(kco_pq_shred_t *sh, const kco_schema_t *s, const char *name, int32_t repetition, int def,
                        int rep, kco_err_t *err) {
        if (repetition == KCO_PQ_OPTIONAL)
                def++;
        size_t i;
        if (kco_pq_schema_push(&sh->pq, name, repetition, &i, err))
                return -1;
        int rc = 0;
        switch (s->type) {
        case KCO_TYPE_STRUCT: {
                /* a Connect union struct is an Avro union, which parquet-avro writes as a group of optional
                 * member0, member1, ... (one per non-null branch, in order) */
                int is_union = kco_avro_is_union(s);
                if (is_union && s->nfields > KCO_PQ_MAX_MEMBERS) {
                        rc = kco_err_set(err, KCO_ERR_DATA, 0,
                                         "ParquetAvroFormat: %s: a union of more than %d branches", name,
                                         KCO_PQ_MAX_MEMBERS);
                        break;
                }
                if (!s->nfields) {
                        rc = kco_err_set(err, KCO_ERR_DATA, 0,
                                         "ParquetAvroFormat: %s: a struct without fields (an empty group)", name);
                        break;
                }
                sh->pq.elems[i].num_children = (int32_t)s->nfields;
                for (size_t f = 0; f < s->nfields && !rc; f++) {
                        const kco_schema_t *fs = s->fields[f].schema;
                        rc = kco_pq_build(sh, fs, is_union ? kco_pq_members[f] : s->fields[f].name,
                                          fs->optional ? KCO_PQ_OPTIONAL : KCO_PQ_REQUIRED, def, rep, err);
                }
                break;
        }
        case KCO_TYPE_ARRAY:
        case KCO_TYPE_MAP: {
                int native = s->type == KCO_TYPE_MAP && kco_avro_map_is_native(s);
                sh->pq.elems[i].num_children = 1;
                sh->pq.elems[i].converted_type = native ? KCO_PQ_CT_MAP : KCO_PQ_CT_LIST;
                sh->pq.elems[i].logical.kind = native ? KCO_PQ_LT_MAP : KCO_PQ_LT_LIST;
                const char *mid = native ? "key_value" : "list";
                size_t m;
                if (kco_pq_schema_push(&sh->pq, mid, KCO_PQ_REPEATED, &m, err)) {
                        rc = -1;
                        break;
                }
                if (s->type == KCO_TYPE_ARRAY) {
                        sh->pq.elems[m].num_children = 1;
                        rc = kco_pq_build(sh, s->value, "element",
                                          s->value->optional ? KCO_PQ_OPTIONAL : KCO_PQ_REQUIRED, def + 1, rep + 1,
                                          err);
                } else {
                        int kdef = def + 1;
                        if (!native) { /* AvroData's MapEntry record, a required list element */
                                sh->pq.elems[m].num_children = 1;
                                if (kco_pq_schema_push(&sh->pq, "element", KCO_PQ_REQUIRED, &m, err)) {
                                        kco_pq_schema_pop(&sh->pq);
                                        rc = -1;
                                        break;
                                }
                        }
                        sh->pq.elems[m].num_children = 2;
                        rc = kco_pq_build(sh, s->key, "key", s->key->optional ? KCO_PQ_OPTIONAL : KCO_PQ_REQUIRED,
                                          kdef, rep + 1, err);
                        if (!rc)
                                rc = kco_pq_build(sh, s->value, "value",
                                                  s->value->optional ? KCO_PQ_OPTIONAL : KCO_PQ_REQUIRED, kdef,
                                                  rep + 1, err);
                        if (!native)
                                kco_pq_schema_pop(&sh->pq);
                }
                kco_pq_schema_pop(&sh->pq);
                break;
        }
        default:
                rc = kco_pq_build_primitive(sh, s, i, def, rep, err);
                break;
        }
        kco_pq_schema_pop(&sh->pq);
        return rc;
}

void kco_pq_shred_destroy(kco_pq_shred_t *sh) {
        if (!sh)
                return;
        kco_pq_schema_free(&sh->pq);
        kco_pq_slots_free(&sh->slots);
        free(sh->root_name);
        kco_schema_unref(sh->ref);
        free(sh);
}

kco_pq_shred_t *kco_pq_shred_new(const kco_schema_t *schema, kco_err_t *err) {
        if (!schema || schema->type != KCO_TYPE_STRUCT) {
                kco_err_set(err, KCO_ERR_DATA, 0, "ParquetAvroFormat needs struct records (the value schema is %s)",
                            schema ? kco_type_name(schema->type) : "missing");
                return NULL;
        }
        kco_pq_shred_t *sh = kco_calloc(1, sizeof(*sh));
        kco_pq_schema_init(&sh->pq, "ParquetAvroFormat");
        sh->ref = kco_schema_ref(schema->root);
        sh->schema = schema;
        sh->root_name = kco_strdup(schema->name ? schema->name : KCO_PQ_DEFAULT_ROOT);
        int rc = 0;
        if (kco_avro_is_union(schema))
                rc = kco_err_set(err, KCO_ERR_DATA, 0, "ParquetAvroFormat: a Connect union struct cannot be a record");
        else if (!schema->nfields)
                rc = kco_err_set(err, KCO_ERR_DATA, 0, "ParquetAvroFormat: a record without fields");
        if (!rc) {
                kco_pq_schema_root(&sh->pq, sh->root_name, (int32_t)schema->nfields);
                for (size_t f = 0; f < schema->nfields && !rc; f++) {
                        const kco_schema_t *fs = schema->fields[f].schema;
                        rc = kco_pq_build(sh, fs, schema->fields[f].name,
                                          fs->optional ? KCO_PQ_OPTIONAL : KCO_PQ_REQUIRED, 0, 0, err);
                }
        }
        if (rc) {
                kco_pq_shred_destroy(sh);
                return NULL;
        }
        return sh;
}

const kco_pq_schema_elem_t *kco_pq_shred_schema(const kco_pq_shred_t *sh, size_t *n) {
        *n = sh->pq.nelems;
        return sh->pq.elems;
}

const kco_pq_column_desc_t *kco_pq_shred_columns(const kco_pq_shred_t *sh, size_t *n) {
        *n = sh->pq.ncols;
        return sh->pq.cols;
}

const kco_schema_t *kco_pq_shred_connect_schema(const kco_pq_shred_t *sh) {
        return sh->schema;
}

/* ---- shredding ---- */

/* Where a value sits, for errors: value.address.zip, value.tags[2], value.attrs["k"]. */
/* Data errors name where in the value they are. */
#define kco_pq_bad(err, p, ...) kco_path_error(err, "ParquetAvroFormat", p, __VA_ARGS__)

static size_t kco_pq_leaves(const kco_schema_t *s) {
        size_t n = 0;
        switch (s->type) {
        case KCO_TYPE_STRUCT:
                for (size_t f = 0; f < s->nfields; f++)
                        n += kco_pq_leaves(s->fields[f].schema);
                return n;
        case KCO_TYPE_ARRAY:
                return kco_pq_leaves(s->value);
        case KCO_TYPE_MAP:
                return kco_pq_leaves(s->key) + kco_pq_leaves(s->value);
        default:
                return 1;
        }
}

static int kco_pq_is_null(const kco_value_t *v) {
        return !v || v->type == KCO_TYPE_NULL;
}

/* def: the definition level of s's parent; rep: the repetition level of the first slot; rdepth: repeated
 * ancestors of s. */
static int kco_pq_shred(kco_pq_shred_t *sh, const kco_schema_t *s, const kco_value_t *v, int def, int rep,
                        int rdepth, const kco_path_t *p, kco_err_t *err) {
        if (kco_pq_is_null(v)) {
                if (!s->optional)
                        return kco_pq_bad(err, p, "null for a required %s", kco_type_name(s->type));
                kco_pq_slots_absent(&sh->slots, kco_pq_leaves(s), def, rep);
                return 0;
        }
        if (v->type != s->type)
                return kco_pq_bad(err, p, "expected %s, got %s", kco_type_name(s->type), kco_type_name(v->type));
        if (s->optional)
                def++;
        switch (s->type) {
        case KCO_TYPE_STRUCT:
                if (v->u.c.n != s->nfields)
                        return kco_pq_bad(err, p, "struct has %zu fields, its schema %zu", v->u.c.n, s->nfields);
                for (size_t f = 0; f < s->nfields; f++) {
                        const kco_schema_t *fs = s->fields[f].schema;
                        const kco_value_t *item = &v->u.c.items[f];
                        if (kco_pq_is_null(item) && kco_avro_has_default(fs))
                                item = fs->default_value; /* Connect's Struct.get */
                        kco_path_t here = {p, s->fields[f].name, NULL, 0, 0};
                        if (kco_pq_shred(sh, fs, item, def, rep, rdepth, &here, err))
                                return -1;
                }
                return 0;
        case KCO_TYPE_ARRAY:
        case KCO_TYPE_MAP: {
                size_t n = v->u.c.n;
                if (!n) {
                        kco_pq_slots_absent(&sh->slots, kco_pq_leaves(s), def, rep);
                        return 0;
                }
                size_t first = sh->slots.cur;
                for (size_t i = 0; i < n; i++) {
                        int r = i ? rdepth + 1 : rep;
                        sh->slots.cur = first;
                        if (s->type == KCO_TYPE_ARRAY) {
                                kco_path_t here = {p, NULL, NULL, 0, i};
                                if (kco_pq_shred(sh, s->value, &v->u.c.items[i], def + 1, r, rdepth + 1, &here, err))
                                        return -1;
                        } else {
                                const kco_value_t *k = &v->u.c.items[2 * i], *val = &v->u.c.items[2 * i + 1];
                                kco_path_t here = {p, NULL, "?", 1, 0};
                                if (k->type == KCO_TYPE_STRING) {
                                        here.key = k->u.s.len ? k->u.s.ptr : "";
                                        here.keylen = k->u.s.len;
                                }
                                kco_path_t kp = {&here, "key", NULL, 0, 0};
                                if (kco_pq_shred(sh, s->key, k, def + 1, r, rdepth + 1, &kp, err) ||
                                    kco_pq_shred(sh, s->value, val, def + 1, r, rdepth + 1, &here, err))
                                        return -1;
                        }
                }
                return 0;
        }
        default:
                break;
        }
        kco_pq_slot_t *sl = kco_pq_slots_next(&sh->slots, def, rep);
        sl->has_value = 1;
        switch (s->type) {
        case KCO_TYPE_INT8:
        case KCO_TYPE_INT16:
        case KCO_TYPE_INT32: {
                int64_t lim = s->type == KCO_TYPE_INT8 ? 128 : s->type == KCO_TYPE_INT16 ? 32768 : 2147483648LL;
                if (v->u.i < -lim || v->u.i >= lim)
                        return kco_pq_bad(err, p, "%lld is out of range for %s", (long long)v->u.i,
                                          kco_type_name(s->type));
                sl->v.i32 = (int32_t)v->u.i;
                break;
        }
        case KCO_TYPE_INT64:
                sl->v.i64 = v->u.i;
                break;
        case KCO_TYPE_FLOAT32:
                sl->v.f = (float)v->u.d;
                break;
        case KCO_TYPE_FLOAT64:
                sl->v.d = v->u.d;
                break;
        case KCO_TYPE_BOOLEAN:
                sl->v.boolean = v->u.i != 0;
                break;
        case KCO_TYPE_STRING:
        case KCO_TYPE_BYTES:
                sl->v.b.p = v->u.s.len ? v->u.s.ptr : "";
                sl->v.b.n = v->u.s.len;
                break;
        default:
                return kco_pq_bad(err, p, "no Parquet type for %s", kco_type_name(s->type));
        }
        return 0;
}

int kco_pq_shred_record(kco_pq_shred_t *sh, const kco_pq_sink_ops_t *ops, void *sink, const kco_value_t *v,
                        kco_err_t *err) {
        kco_pq_slots_reset(&sh->slots);
        if (kco_pq_is_null(v))
                return kco_pq_bad(err, NULL, "a null record (tombstone) cannot be written to Parquet");
        if (v->type != KCO_TYPE_STRUCT)
                return kco_pq_bad(err, NULL, "expected struct, got %s", kco_type_name(v->type));
        const kco_schema_t *s = sh->schema;
        if (v->u.c.n != s->nfields)
                return kco_pq_bad(err, NULL, "struct has %zu fields, its schema %zu", v->u.c.n, s->nfields);
        for (size_t f = 0; f < s->nfields; f++) {
                const kco_schema_t *fs = s->fields[f].schema;
                const kco_value_t *item = &v->u.c.items[f];
                if (kco_pq_is_null(item) && kco_avro_has_default(fs))
                        item = fs->default_value;
                kco_path_t here = {NULL, s->fields[f].name, NULL, 0, 0};
                if (kco_pq_shred(sh, fs, item, 0, 0, 0, &here, err)) {
                        kco_pq_slots_reset(&sh->slots);
                        return -1;
                }
        }
        kco_pq_slots_emit(&sh->slots, ops, sink);
        return 0;
}
