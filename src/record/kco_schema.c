/*
 * kco_schema.c - building, sharing, comparing and describing Connect schema
 * trees (see kco_schema.h). Any thread; a tree is built by one thread and
 * immutable afterwards. Must never: free a node other than through its root.
 */
#include "record/kco_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/kco_value.h"

const kco_schema_t kco_schema_optional_bytes = {.type = KCO_TYPE_BYTES, .optional = 1};
const kco_schema_t kco_schema_optional_string = {.type = KCO_TYPE_STRING, .optional = 1};

static int kco_schema_static(const kco_schema_t *s) {
        return s == &kco_schema_optional_bytes || s == &kco_schema_optional_string;
}

kco_schema_t *kco_schema_new(kco_type_t type) {
        kco_arena_t *a = kco_arena_new(4096);
        kco_schema_t *s = kco_arena_calloc(a, 1, sizeof(*s));
        s->type = type;
        s->root = s;
        s->arena = a;
        s->refs = 1;
        return s;
}

kco_schema_t *kco_schema_node(kco_schema_t *root, kco_type_t type) {
        kco_schema_t *s = kco_arena_calloc(root->arena, 1, sizeof(*s));
        s->type = type;
        s->root = root;
        return s;
}

void kco_schema_set_name(kco_schema_t *s, const char *name) {
        s->name = name ? kco_arena_strdup(s->root->arena, name) : NULL;
}

void kco_schema_set_doc(kco_schema_t *s, const char *doc) {
        s->doc = doc ? kco_arena_strdup(s->root->arena, doc) : NULL;
}

void kco_schema_add_param(kco_schema_t *s, const char *key, const char *value) {
        kco_arena_t *a = s->root->arena;
        for (size_t i = 0; i < s->nparams; i++)
                if (!strcmp(s->params[i].key, key)) {
                        s->params[i].value = kco_arena_strdup(a, value);
                        return;
                }
        kco_param_t *p = kco_arena_alloc(a, (s->nparams + 1) * sizeof(*p));
        if (s->nparams)
                memcpy(p, s->params, s->nparams * sizeof(*p));
        p[s->nparams].key = kco_arena_strdup(a, key);
        p[s->nparams].value = kco_arena_strdup(a, value);
        s->params = p;
        s->nparams++;
}

const char *kco_schema_param(const kco_schema_t *s, const char *key) {
        for (size_t i = 0; i < s->nparams; i++)
                if (!strcmp(s->params[i].key, key))
                        return s->params[i].value;
        return NULL;
}

void kco_schema_alloc_fields(kco_schema_t *s, size_t n) {
        s->fields = kco_arena_calloc(s->root->arena, n ? n : 1, sizeof(*s->fields));
        s->nfields = n;
}

void kco_schema_set_field(kco_schema_t *s, size_t i, const char *name, kco_schema_t *child) {
        s->fields[i].name = kco_arena_strdup(s->root->arena, name);
        s->fields[i].index = (int)i;
        s->fields[i].schema = child;
}

const kco_field_t *kco_schema_field(const kco_schema_t *s, const char *name) {
        for (size_t i = 0; i < s->nfields; i++)
                if (!strcmp(s->fields[i].name, name))
                        return &s->fields[i];
        return NULL;
}

static int kco_schema_finish_node(kco_schema_t *s, char *why, size_t whylen) {
        s->logical = KCO_LOGICAL_NONE;
        if (s->name) {
                kco_type_t want = KCO_TYPE_NULL;
                kco_logical_t l = KCO_LOGICAL_NONE;
                if (!strcmp(s->name, KCO_DECIMAL_NAME))
                        l = KCO_LOGICAL_DECIMAL, want = KCO_TYPE_BYTES;
                else if (!strcmp(s->name, KCO_DATE_NAME))
                        l = KCO_LOGICAL_DATE, want = KCO_TYPE_INT32;
                else if (!strcmp(s->name, KCO_TIME_NAME))
                        l = KCO_LOGICAL_TIME, want = KCO_TYPE_INT32;
                else if (!strcmp(s->name, KCO_TIMESTAMP_NAME))
                        l = KCO_LOGICAL_TIMESTAMP, want = KCO_TYPE_INT64;
                if (l != KCO_LOGICAL_NONE) {
                        if (s->type != want) {
                                snprintf(why, whylen, "%s must have type %s, not %s", s->name, kco_type_name(want),
                                         kco_type_name(s->type));
                                return -1;
                        }
                        s->logical = l;
                }
                if (l == KCO_LOGICAL_DECIMAL) {
                        const char *sc = kco_schema_param(s, KCO_DECIMAL_SCALE);
                        char *end = NULL;
                        long v = sc ? strtol(sc, &end, 10) : 0;
                        if (!sc || !*sc || *end || v < -10000 || v > 10000) {
                                snprintf(why, whylen, "%s needs an integer parameter \"scale\"", s->name);
                                return -1;
                        }
                        s->scale = (int)v;
                }
        }
        if (s->key && kco_schema_finish_node(s->key, why, whylen))
                return -1;
        if (s->value && kco_schema_finish_node(s->value, why, whylen))
                return -1;
        for (size_t i = 0; i < s->nfields; i++)
                if (kco_schema_finish_node(s->fields[i].schema, why, whylen))
                        return -1;
        return 0;
}

int kco_schema_finish(kco_schema_t *root, char *why, size_t whylen) {
        return kco_schema_finish_node(root, why, whylen);
}

static void kco_value_copy_into(kco_arena_t *a, kco_value_t *dst, const kco_value_t *v) {
        *dst = *v;
        switch (v->type) {
        case KCO_TYPE_STRING:
        case KCO_TYPE_BYTES:
                dst->u.s.ptr = kco_arena_strndup(a, v->u.s.ptr, v->u.s.len);
                break;
        case KCO_TYPE_ARRAY:
        case KCO_TYPE_MAP:
        case KCO_TYPE_STRUCT: {
                size_t n = v->type == KCO_TYPE_MAP ? 2 * v->u.c.n : v->u.c.n;
                dst->u.c.items = kco_arena_alloc(a, (n ? n : 1) * sizeof(kco_value_t));
                for (size_t i = 0; i < n; i++)
                        kco_value_copy_into(a, &dst->u.c.items[i], &v->u.c.items[i]);
                break;
        }
        default:
                break;
        }
}

kco_value_t *kco_value_copy(kco_arena_t *arena, const kco_value_t *v) {
        kco_value_t *dst = kco_arena_alloc(arena, sizeof(*dst));
        kco_value_copy_into(arena, dst, v);
        return dst;
}

/* Points the schema of every node of a copied default value at the copy's schema nodes. */
static void kco_value_reschema(kco_value_t *v, const kco_schema_t *s) {
        v->schema = s;
        if (!s)
                return;
        if (v->type == KCO_TYPE_ARRAY)
                for (size_t i = 0; i < v->u.c.n; i++)
                        kco_value_reschema(&v->u.c.items[i], s->value);
        else if (v->type == KCO_TYPE_MAP)
                for (size_t i = 0; i < v->u.c.n; i++) {
                        kco_value_reschema(&v->u.c.items[2 * i], s->key);
                        kco_value_reschema(&v->u.c.items[2 * i + 1], s->value);
                }
        else if (v->type == KCO_TYPE_STRUCT)
                for (size_t i = 0; i < v->u.c.n && i < s->nfields; i++)
                        kco_value_reschema(&v->u.c.items[i], s->fields[i].schema);
}

kco_schema_t *kco_schema_copy(kco_schema_t *root, const kco_schema_t *src) {
        kco_schema_t *s = kco_schema_node(root, src->type);
        s->optional = src->optional;
        kco_schema_set_name(s, src->name);
        s->has_version = src->has_version;
        s->version = src->version;
        kco_schema_set_doc(s, src->doc);
        for (size_t i = 0; i < src->nparams; i++)
                kco_schema_add_param(s, src->params[i].key, src->params[i].value);
        s->logical = src->logical;
        s->scale = src->scale;
        if (src->key)
                s->key = kco_schema_copy(root, src->key);
        if (src->value)
                s->value = kco_schema_copy(root, src->value);
        if (src->type == KCO_TYPE_STRUCT) {
                kco_schema_alloc_fields(s, src->nfields);
                for (size_t i = 0; i < src->nfields; i++)
                        kco_schema_set_field(s, i, src->fields[i].name, kco_schema_copy(root, src->fields[i].schema));
        }
        if (src->default_value) {
                kco_value_t *d = kco_value_copy(root->arena, src->default_value);
                kco_value_reschema(d, s);
                s->default_value = d;
        }
        return s;
}

kco_schema_t *kco_schema_ref(const kco_schema_t *s) {
        if (kco_schema_static(s))
                return (kco_schema_t *)s;
        kco_schema_t *r = s->root;
        __atomic_add_fetch(&r->refs, 1, __ATOMIC_RELAXED);
        return r;
}

void kco_schema_unref(const kco_schema_t *s) {
        if (!s || kco_schema_static(s))
                return;
        kco_schema_t *r = s->root;
        if (__atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) == 0)
                kco_arena_destroy(r->arena);
}

static int kco_str_eq(const char *a, const char *b) {
        return a == b || (a && b && !strcmp(a, b));
}

int kco_value_equal(const kco_value_t *a, const kco_value_t *b) {
        if (a == b)
                return 1;
        if (!a || !b || a->type != b->type)
                return 0;
        switch (a->type) {
        case KCO_TYPE_NULL:
                return 1;
        case KCO_TYPE_FLOAT32:
        case KCO_TYPE_FLOAT64:
                return !memcmp(&a->u.d, &b->u.d, sizeof(a->u.d));
        case KCO_TYPE_STRING:
        case KCO_TYPE_BYTES:
                return a->u.s.len == b->u.s.len && (!a->u.s.len || !memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len));
        case KCO_TYPE_ARRAY:
        case KCO_TYPE_MAP:
        case KCO_TYPE_STRUCT: {
                if (a->u.c.n != b->u.c.n)
                        return 0;
                size_t n = a->type == KCO_TYPE_MAP ? 2 * a->u.c.n : a->u.c.n;
                for (size_t i = 0; i < n; i++)
                        if (!kco_value_equal(&a->u.c.items[i], &b->u.c.items[i]))
                                return 0;
                return 1;
        }
        default:
                return a->u.i == b->u.i;
        }
}

int kco_schema_equal(const kco_schema_t *a, const kco_schema_t *b) {
        if (a == b)
                return 1;
        if (!a || !b)
                return 0;
        if (a->type != b->type || a->optional != b->optional || !kco_str_eq(a->name, b->name) ||
            a->has_version != b->has_version || (a->has_version && a->version != b->version) ||
            !kco_str_eq(a->doc, b->doc) || a->nparams != b->nparams || a->nfields != b->nfields ||
            !kco_value_equal(a->default_value, b->default_value))
                return 0;
        for (size_t i = 0; i < a->nparams; i++)
                if (strcmp(a->params[i].key, b->params[i].key) || strcmp(a->params[i].value, b->params[i].value))
                        return 0;
        if (!kco_schema_equal(a->key, b->key) || !kco_schema_equal(a->value, b->value))
                return 0;
        for (size_t i = 0; i < a->nfields; i++)
                if (strcmp(a->fields[i].name, b->fields[i].name) ||
                    !kco_schema_equal(a->fields[i].schema, b->fields[i].schema))
                        return 0;
        return 1;
}

const char *kco_type_name(kco_type_t t) {
        static const char *const names[] = {
                [KCO_TYPE_NULL] = "null",       [KCO_TYPE_INT8] = "int8",       [KCO_TYPE_INT16] = "int16",
                [KCO_TYPE_INT32] = "int32",     [KCO_TYPE_INT64] = "int64",     [KCO_TYPE_FLOAT32] = "float32",
                [KCO_TYPE_FLOAT64] = "float64", [KCO_TYPE_BOOLEAN] = "boolean", [KCO_TYPE_STRING] = "string",
                [KCO_TYPE_BYTES] = "bytes",     [KCO_TYPE_ARRAY] = "array",     [KCO_TYPE_MAP] = "map",
                [KCO_TYPE_STRUCT] = "struct",
        };
        return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

void kco_schema_describe(const kco_schema_t *s, kco_buf_t *out) {
        if (!s) {
                kco_buf_puts(out, "schemaless");
                return;
        }
        kco_buf_puts(out, kco_type_name(s->type));
        if (s->name) {
                kco_buf_putc(out, ' ');
                kco_buf_puts(out, s->name);
        }
        if (s->type == KCO_TYPE_ARRAY || s->type == KCO_TYPE_MAP) {
                kco_buf_putc(out, '<');
                if (s->key) {
                        kco_schema_describe(s->key, out);
                        kco_buf_putc(out, ',');
                }
                kco_schema_describe(s->value, out);
                kco_buf_putc(out, '>');
        } else if (s->type == KCO_TYPE_STRUCT) {
                kco_buf_putc(out, '{');
                for (size_t i = 0; i < s->nfields; i++) {
                        if (i)
                                kco_buf_putc(out, ',');
                        kco_buf_puts(out, s->fields[i].name);
                        kco_buf_putc(out, ':');
                        kco_schema_describe(s->fields[i].schema, out);
                }
                kco_buf_putc(out, '}');
        }
        if (s->optional)
                kco_buf_putc(out, '?');
}
