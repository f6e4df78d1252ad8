/*
 * kco_metadata.c - adds the Kafka coordinates to written values (see
 * kco_metadata.h). Extended schemas are deep copies, so a file keeps its
 * schema alive whatever happens to the converter's caches.
 */
#include "format/kco_metadata.h"

#include <stdlib.h>
#include <string.h>

#include "core/kco_buf.h"
#include "core/kco_mem.h"
#include "format/kco_json_scan.h"
#include "format/kco_json_write.h"

#define KCO_METADATA_CACHE 64
#define KCO_METADATA_NFIELDS 6

static const char *const kco_metadata_names[KCO_METADATA_NFIELDS] = {
        "__topic", "__partition", "__offset", "__timestamp", "__key", "__headers",
};

typedef struct kco_metadata_entry_s {
        const kco_schema_t *orig; /* a value schema node (its root referenced); NULL: bytes/string data */
        kco_data_type_t data;     /* for orig == NULL: BYTES or STRING */
        kco_schema_t *ext;        /* the extended struct (a root) */
} kco_metadata_entry_t;

struct kco_metadata_s {
        kco_metadata_entry_t cache[KCO_METADATA_CACHE];
        int n;
        kco_buf_t scratch;
};

kco_metadata_t *kco_metadata_new(void) {
        kco_metadata_t *m = kco_calloc(1, sizeof(*m));
        kco_buf_init(&m->scratch);
        return m;
}

static void kco_metadata_clear(kco_metadata_t *m) {
        for (int i = 0; i < m->n; i++) {
                kco_schema_unref(m->cache[i].orig);
                kco_schema_unref(m->cache[i].ext);
        }
        m->n = 0;
}

void kco_metadata_destroy(kco_metadata_t *m) {
        if (!m)
                return;
        kco_metadata_clear(m);
        kco_buf_free(&m->scratch);
        free(m);
}

static kco_schema_t *kco_metadata_prim(kco_schema_t *root, kco_type_t type, int optional) {
        kco_schema_t *s = kco_schema_node(root, type);
        s->optional = optional;
        return s;
}

/* Sets the metadata fields' schemas at fields[from..from+6). */
static void kco_metadata_fields(kco_schema_t *root, size_t from) {
        kco_schema_set_field(root, from, kco_metadata_names[0], kco_metadata_prim(root, KCO_TYPE_STRING, 0));
        kco_schema_set_field(root, from + 1, kco_metadata_names[1], kco_metadata_prim(root, KCO_TYPE_INT32, 0));
        kco_schema_set_field(root, from + 2, kco_metadata_names[2], kco_metadata_prim(root, KCO_TYPE_INT64, 0));
        kco_schema_t *ts = kco_metadata_prim(root, KCO_TYPE_INT64, 1);
        kco_schema_set_name(ts, KCO_TIMESTAMP_NAME);
        ts->has_version = 1;
        ts->version = 1;
        kco_schema_set_field(root, from + 3, kco_metadata_names[3], ts);
        kco_schema_set_field(root, from + 4, kco_metadata_names[4], kco_metadata_prim(root, KCO_TYPE_STRING, 1));
        kco_schema_t *h = kco_metadata_prim(root, KCO_TYPE_MAP, 1);
        h->key = kco_metadata_prim(root, KCO_TYPE_STRING, 0);
        h->value = kco_metadata_prim(root, KCO_TYPE_STRING, 1);
        kco_schema_set_field(root, from + 5, kco_metadata_names[5], h);
}

/* The extended schema for a value of schema orig (NULL: bytes/string data of kind data). */
static kco_schema_t *kco_metadata_schema(kco_metadata_t *m, const kco_schema_t *orig, kco_data_type_t data) {
        for (int i = 0; i < m->n; i++)
                if (m->cache[i].orig == orig && (orig || m->cache[i].data == data))
                        return m->cache[i].ext;
        if (m->n == KCO_METADATA_CACHE)
                kco_metadata_clear(m);
        kco_schema_t *ext = kco_schema_new(KCO_TYPE_STRUCT);
        if (orig && orig->type == KCO_TYPE_STRUCT) {
                kco_schema_set_name(ext, orig->name);
                ext->has_version = orig->has_version;
                ext->version = orig->version;
                kco_schema_set_doc(ext, orig->doc);
                for (size_t i = 0; i < orig->nparams; i++)
                        kco_schema_add_param(ext, orig->params[i].key, orig->params[i].value);
                ext->optional = orig->optional;
                kco_schema_alloc_fields(ext, orig->nfields + KCO_METADATA_NFIELDS);
                for (size_t i = 0; i < orig->nfields; i++)
                        kco_schema_set_field(ext, i, orig->fields[i].name, kco_schema_copy(ext, orig->fields[i].schema));
                kco_metadata_fields(ext, orig->nfields);
        } else {
                kco_schema_alloc_fields(ext, 1 + KCO_METADATA_NFIELDS);
                kco_schema_t *v;
                if (orig) {
                        v = kco_schema_copy(ext, orig);
                } else {
                        v = kco_metadata_prim(ext, data == KCO_DATA_STRING ? KCO_TYPE_STRING : KCO_TYPE_BYTES, 1);
                }
                kco_schema_set_field(ext, 0, "__value", v);
                kco_metadata_fields(ext, 1);
        }
        char why[128];
        kco_schema_finish(ext, why, sizeof(why)); /* copies of finished schemas: cannot fail */
        m->cache[m->n].orig = orig ? kco_schema_ref(orig), orig : NULL;
        m->cache[m->n].data = data;
        m->cache[m->n].ext = ext;
        m->n++;
        return ext;
}

static void kco_metadata_str(kco_value_t *v, const kco_schema_t *s, const char *p, size_t n) {
        v->type = KCO_TYPE_STRING;
        v->schema = s;
        v->u.s.ptr = p;
        v->u.s.len = n;
}

static int kco_metadata_utf8(const char *p, size_t n) {
        for (size_t i = 0; i < n;) {
                size_t l = kco_utf8_char_len(p + i, n - i);
                if (!l)
                        return 0;
                i += l;
        }
        return 1;
}

/* The key as text, in the arena (NULL type when there is no key). */
static int kco_metadata_key(kco_metadata_t *m, const kco_data_t *k, kco_arena_t *a, kco_value_t *out,
                            const kco_schema_t *s, kco_err_t *err) {
        out->schema = s;
        m->scratch.len = 0;
        switch (k->type) {
        case KCO_DATA_NULL:
                out->type = KCO_TYPE_NULL;
                return 0;
        case KCO_DATA_STRING:
                kco_metadata_str(out, s, k->ptr, k->len);
                return 0;
        case KCO_DATA_BYTES:
                if (kco_metadata_utf8(k->ptr, k->len)) {
                        kco_metadata_str(out, s, k->ptr, k->len);
                        return 0;
                }
                kco_json_write_base64((const unsigned char *)k->ptr, k->len, &m->scratch);
                /* drop the quotes of the JSON string */
                kco_metadata_str(out, s, kco_arena_strndup(a, m->scratch.data + 1, m->scratch.len - 2),
                                 m->scratch.len - 2);
                return 0;
        case KCO_DATA_VALUE:
                if (k->v->type == KCO_TYPE_NULL) {
                        out->type = KCO_TYPE_NULL;
                        return 0;
                }
                if (k->v->type == KCO_TYPE_STRING) {
                        kco_metadata_str(out, s, k->v->u.s.ptr, k->v->u.s.len);
                        return 0;
                }
                if (kco_json_write_value(k->v, &m->scratch, err))
                        return -1;
                kco_metadata_str(out, s, kco_arena_strndup(a, m->scratch.data, m->scratch.len), m->scratch.len);
                return 0;
        }
        return 0;
}

/* Fills vals[0..6) (schemas from fields, or NULL when schemaless). */
static int kco_metadata_values(kco_metadata_t *m, const kco_record_t *rec, kco_arena_t *a, kco_value_t *vals,
                               const kco_field_t *fields, kco_err_t *err) {
        const kco_schema_t *fs[KCO_METADATA_NFIELDS] = {0};
        for (int i = 0; fields && i < KCO_METADATA_NFIELDS; i++)
                fs[i] = fields[i].schema;
        int schemaless = !fields;
        kco_metadata_str(&vals[0], fs[0], rec->topic, strlen(rec->topic));
        vals[1].type = schemaless ? KCO_TYPE_INT64 : KCO_TYPE_INT32;
        vals[1].schema = fs[1];
        vals[1].u.i = rec->partition;
        vals[2].type = KCO_TYPE_INT64;
        vals[2].schema = fs[2];
        vals[2].u.i = rec->offset;
        vals[3].schema = fs[3];
        vals[3].type = rec->timestamp >= 0 ? KCO_TYPE_INT64 : KCO_TYPE_NULL;
        vals[3].u.i = rec->timestamp;
        if (kco_metadata_key(m, &rec->key, a, &vals[4], fs[4], err))
                return -1;
        kco_value_t *h = &vals[5];
        h->schema = fs[5];
        h->type = KCO_TYPE_MAP;
        h->u.c.n = rec->nheaders;
        h->u.c.items = kco_arena_alloc(a, (2 * rec->nheaders + 1) * sizeof(kco_value_t));
        const kco_schema_t *hk = fs[5] ? fs[5]->key : NULL, *hv = fs[5] ? fs[5]->value : NULL;
        for (size_t i = 0; i < rec->nheaders; i++) {
                const kco_header_t *hd = &rec->headers[i];
                kco_metadata_str(&h->u.c.items[2 * i], hk, hd->key, strlen(hd->key));
                kco_value_t *hvv = &h->u.c.items[2 * i + 1];
                hvv->schema = hv;
                if (!hd->value)
                        hvv->type = KCO_TYPE_NULL;
                else
                        kco_metadata_str(hvv, hv, hd->value, hd->len);
        }
        return 0;
}

int kco_metadata_apply(kco_metadata_t *m, const kco_record_t *rec, kco_arena_t *a, kco_data_t *out,
                       kco_err_t *err) {
        const kco_data_t *d = &rec->value;
        const kco_value_t *v = d->type == KCO_DATA_VALUE ? d->v : NULL;
        kco_value_t *res = kco_arena_calloc(a, 1, sizeof(*res));
        out->type = KCO_DATA_VALUE;
        out->ptr = NULL;
        out->len = 0;
        out->v = res;
        if (v && !v->schema) { /* schemaless: a map */
                size_t own = v->type == KCO_TYPE_MAP ? v->u.c.n : 1;
                res->type = KCO_TYPE_MAP;
                res->u.c.n = own + KCO_METADATA_NFIELDS;
                res->u.c.items = kco_arena_alloc(a, 2 * res->u.c.n * sizeof(kco_value_t));
                if (v->type == KCO_TYPE_MAP) {
                        memcpy(res->u.c.items, v->u.c.items, 2 * own * sizeof(kco_value_t));
                } else {
                        kco_metadata_str(&res->u.c.items[0], NULL, "__value", 7);
                        res->u.c.items[1] = *v;
                }
                kco_value_t vals[KCO_METADATA_NFIELDS];
                memset(vals, 0, sizeof(vals));
                if (kco_metadata_values(m, rec, a, vals, NULL, err))
                        return -1;
                for (size_t i = 0; i < KCO_METADATA_NFIELDS; i++) {
                        const char *name = kco_metadata_names[i];
                        kco_metadata_str(&res->u.c.items[2 * (own + i)], NULL, name, strlen(name));
                        res->u.c.items[2 * (own + i) + 1] = vals[i];
                }
                return 0;
        }
        const kco_schema_t *orig = v ? v->schema : NULL;
        kco_schema_t *ext = kco_metadata_schema(m, orig, d->type);
        res->type = KCO_TYPE_STRUCT;
        res->schema = ext;
        res->u.c.n = ext->nfields;
        res->u.c.items = kco_arena_calloc(a, ext->nfields, sizeof(kco_value_t));
        size_t own;
        if (orig && orig->type == KCO_TYPE_STRUCT && v->type == KCO_TYPE_STRUCT) {
                own = orig->nfields;
                memcpy(res->u.c.items, v->u.c.items, own * sizeof(kco_value_t));
        } else if (orig && orig->type == KCO_TYPE_STRUCT) { /* a null struct */
                own = orig->nfields;
                for (size_t i = 0; i < own; i++)
                        res->u.c.items[i].type = KCO_TYPE_NULL;
        } else {
                own = 1;
                kco_value_t *val = &res->u.c.items[0];
                if (v) {
                        *val = *v;
                } else if (d->type == KCO_DATA_NULL) {
                        val->type = KCO_TYPE_NULL;
                } else {
                        val->type = d->type == KCO_DATA_STRING ? KCO_TYPE_STRING : KCO_TYPE_BYTES;
                        val->u.s.ptr = d->ptr;
                        val->u.s.len = d->len;
                }
        }
        /* the value's own fields keep their schema pointers (nodes of the converter's schema, alive for the
         * batch): they are equal (kco_schema_equal) to the copies in ext */
        return kco_metadata_values(m, rec, a, res->u.c.items + own, ext->fields + own, err);
}

int kco_metadata_json_object(const kco_data_t *d) {
        if (d->type != KCO_DATA_STRING)
                return 0;
        size_t i = 0;
        while (i < d->len && (d->ptr[i] == ' ' || d->ptr[i] == '\t' || d->ptr[i] == '\n' || d->ptr[i] == '\r'))
                i++;
        return i < d->len && d->ptr[i] == '{' && kco_json_scan_valid(d->ptr, d->len);
}

int kco_metadata_append_json(kco_metadata_t *m, const kco_record_t *rec, kco_arena_t *arena, kco_buf_t *out,
                             kco_err_t *err) {
        kco_value_t vals[KCO_METADATA_NFIELDS];
        memset(vals, 0, sizeof(vals));
        if (kco_metadata_values(m, rec, arena, vals, NULL, err))
                return -1;
        size_t mark = out->len;
        for (size_t i = 0; i < KCO_METADATA_NFIELDS; i++) {
                if (i)
                        kco_buf_putc(out, ',');
                kco_json_write_string(kco_metadata_names[i], strlen(kco_metadata_names[i]), out);
                kco_buf_putc(out, ':');
                if (kco_json_write_value(&vals[i], out, err)) {
                        out->len = mark;
                        return -1;
                }
        }
        return 0;
}
