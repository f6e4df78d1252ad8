/*
 * kco_avro_schema.c - Avro schema JSON -> Avro tree -> Connect schema (see
 * kco_avro_schema.h).
 *
 * Parsing follows org.apache.avro.Schema.Parser as the Schema Registry
 * client runs it for reading (no name or default validation): names resolve
 * against the enclosing namespace and then the null namespace, a named type
 * may be used after its definition (a record inside itself too), unions
 * may not nest or repeat a type. The Connect mapping follows Confluent's
 * AvroData.toConnectSchema branch by branch (the comments name the rules
 * that are easy to get wrong). A named type is expanded at every use, as
 * AvroData does; a record that contains itself is refused, since a Connect
 * tree here cannot be cyclic.
 *
 * Task thread (whoever parses). Must never: keep a pointer into the JSON
 * document past kco_avro_schema_parse (every string is copied into the
 * root's arena), or recurse without a depth bound.
 */
#include "convert/kco_avro_schema.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/kco_avro_decode.h"
#include "core/kco_buf.h"
#include "core/kco_mem.h"

#define KCO_AVRO_NS "io.confluent.connect.avro"
#define KCO_AVRO_UNION_NAME KCO_AVRO_NS ".Union"
#define KCO_AVRO_ENUM_PARAM KCO_AVRO_NS ".Enum"
#define KCO_AVRO_DEFAULT_NAME KCO_AVRO_NS ".ConnectDefault"

typedef struct kco_avro_build_s {
        kco_schema_t *root;
        kco_arena_t *arena; /* root->arena */
        kco_avro_node_t **named; /* defined named types, for references */
        size_t nnamed, capnamed;
        kco_avro_node_t **all; /* every node, to drop their JSON pointers at the end */
        size_t nall, capall;
        size_t nconnect; /* Connect nodes made so far */
        kco_err_t *err;
} kco_avro_build_t;

typedef struct kco_avro_params_s {
        kco_param_t *v;
        size_t n, cap;
} kco_avro_params_t;

static const char *const kco_avro_kind_names[] = {
        [KCO_AVRO_NULL] = "null",     [KCO_AVRO_BOOLEAN] = "boolean", [KCO_AVRO_INT] = "int",
        [KCO_AVRO_LONG] = "long",     [KCO_AVRO_FLOAT] = "float",     [KCO_AVRO_DOUBLE] = "double",
        [KCO_AVRO_BYTES] = "bytes",   [KCO_AVRO_STRING] = "string",   [KCO_AVRO_RECORD] = "record",
        [KCO_AVRO_ENUM] = "enum",     [KCO_AVRO_ARRAY] = "array",     [KCO_AVRO_MAP] = "map",
        [KCO_AVRO_UNION] = "union",   [KCO_AVRO_FIXED] = "fixed",
};

__attribute__((format(printf, 2, 3))) static int kco_avro_fail(kco_avro_build_t *b, const char *fmt, ...) {
        char msg[sizeof(b->err->msg)];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return kco_err_set(b->err, KCO_ERR_DATA, 0, "%s", msg);
}

static void kco_avro_push(kco_avro_node_t ***v, size_t *n, size_t *cap, kco_avro_node_t *x) {
        if (*n == *cap) {
                *cap = *cap ? 2 * *cap : 32;
                *v = kco_realloc(*v, *cap * sizeof(**v));
        }
        (*v)[(*n)++] = x;
}

static kco_avro_node_t *kco_avro_node_new(kco_avro_build_t *b, kco_avro_kind_t kind) {
        kco_avro_node_t *n = kco_arena_calloc(b->arena, 1, sizeof(*n));
        n->kind = kind;
        n->null_branch = -1;
        kco_avro_push(&b->all, &b->nall, &b->capall, n);
        return n;
}

static int kco_avro_primitive(const char *s, kco_avro_kind_t *k) {
        for (int i = KCO_AVRO_NULL; i <= KCO_AVRO_STRING; i++)
                if (!strcmp(s, kco_avro_kind_names[i])) {
                        *k = (kco_avro_kind_t)i;
                        return 1;
                }
        return 0;
}

static int kco_avro_named_kind(kco_avro_kind_t k) {
        return k == KCO_AVRO_RECORD || k == KCO_AVRO_ENUM || k == KCO_AVRO_FIXED;
}

static const char *kco_avro_text(const json_t *j, const char *key) {
        const json_t *v = json_object_get(j, key); /* NULL-safe, and NULL when j is not an object */
        return json_is_string(v) ? json_string_value(v) : NULL;
}

static kco_avro_node_t *kco_avro_lookup(kco_avro_build_t *b, const char *full) {
        for (size_t i = 0; i < b->nnamed; i++)
                if (!strcmp(b->named[i]->fullname, full))
                        return b->named[i];
        return NULL;
}

/* A reference: a dotted name is full; otherwise the enclosing namespace's, then the null namespace's. */
static kco_avro_node_t *kco_avro_resolve(kco_avro_build_t *b, const char *name, const char *ns) {
        if (!strchr(name, '.') && ns) {
                char *full = kco_asprintf("%s.%s", ns, name);
                kco_avro_node_t *r = kco_avro_lookup(b, full);
                free(full);
                if (r)
                        return r;
        }
        return kco_avro_lookup(b, name);
}

/* Names a new named type ("a.b.C", or "C" in namespace ns) and registers it. Returns its namespace (an arena
 * string, NULL for none) through space. */
static int kco_avro_define(kco_avro_build_t *b, kco_avro_node_t *n, const char *name, const char *ns,
                           const char **space) {
        const char *dot = strrchr(name, '.');
        const char *simple = dot ? dot + 1 : name;
        if (!*simple)
                return kco_avro_fail(b, "invalid Avro schema: empty name in \"%s\"", name);
        *space = NULL;
        if (dot && dot > name)
                *space = kco_arena_strndup(b->arena, name, (size_t)(dot - name));
        else if (!dot && ns && *ns)
                *space = ns;
        n->name = kco_arena_strdup(b->arena, simple);
        if (*space) {
                size_t l1 = strlen(*space), l2 = strlen(n->name);
                char *f = kco_arena_alloc(b->arena, l1 + l2 + 2);
                memcpy(f, *space, l1);
                f[l1] = '.';
                memcpy(f + l1 + 1, n->name, l2 + 1);
                n->fullname = f;
        } else {
                n->fullname = n->name;
        }
        kco_avro_kind_t k;
        if (kco_avro_primitive(n->fullname, &k))
                return kco_avro_fail(b, "invalid Avro schema: a type may not be named after a primitive (%s)",
                                     n->fullname);
        if (kco_avro_lookup(b, n->fullname))
                return kco_avro_fail(b, "invalid Avro schema: %s is defined twice", n->fullname);
        kco_avro_push(&b->named, &b->nnamed, &b->capnamed, n);
        return 0;
}

static int kco_avro_strcmp_p(const void *x, const void *y) {
        return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static kco_avro_node_t *kco_avro_parse(kco_avro_build_t *b, json_t *j, const char *ns, int depth);

static int kco_avro_parse_record(kco_avro_build_t *b, kco_avro_node_t *n, json_t *j, const char *rns, int depth) {
        json_t *fs = json_object_get(j, "fields");
        if (!json_is_array(fs))
                return kco_avro_fail(b, "invalid Avro schema: record %s has no fields", n->fullname);
        n->nfields = json_array_size(fs);
        n->fields = kco_arena_calloc(b->arena, n->nfields ? n->nfields : 1, sizeof(*n->fields));
        for (size_t i = 0; i < n->nfields; i++) {
                json_t *f = json_array_get(fs, i);
                kco_avro_field_t *fl = &n->fields[i];
                const char *fname = kco_avro_text(f, "name");
                if (!fname)
                        return kco_avro_fail(b, "invalid Avro schema: field %zu of record %s has no name", i,
                                             n->fullname);
                for (size_t k = 0; k < i; k++)
                        if (!strcmp(n->fields[k].name, fname))
                                return kco_avro_fail(b, "invalid Avro schema: record %s has two fields named %s",
                                                     n->fullname, fname);
                fl->name = kco_arena_strdup(b->arena, fname);
                json_t *ft = json_object_get(f, "type");
                if (!ft)
                        return kco_avro_fail(b, "invalid Avro schema: field %s of record %s has no type", fname,
                                             n->fullname);
                fl->type = kco_avro_parse(b, ft, rns, depth + 1);
                if (!fl->type)
                        return -1;
                const char *doc = kco_avro_text(f, "doc");
                fl->doc = doc ? kco_arena_strdup(b->arena, doc) : NULL;
                fl->dflt = json_object_get(f, "default");
                fl->json = f;
        }
        return 0;
}

static int kco_avro_parse_enum(kco_avro_build_t *b, kco_avro_node_t *n, json_t *j) {
        json_t *syms = json_object_get(j, "symbols");
        if (!json_is_array(syms))
                return kco_avro_fail(b, "invalid Avro schema: enum %s has no symbols", n->fullname);
        n->nsymbols = json_array_size(syms);
        n->symbols = kco_arena_calloc(b->arena, n->nsymbols ? n->nsymbols : 1, sizeof(*n->symbols));
        n->symlens = kco_arena_calloc(b->arena, n->nsymbols ? n->nsymbols : 1, sizeof(*n->symlens));
        for (size_t i = 0; i < n->nsymbols; i++) {
                json_t *s = json_array_get(syms, i);
                if (!json_is_string(s))
                        return kco_avro_fail(b, "invalid Avro schema: symbol %zu of enum %s is not a string", i,
                                             n->fullname);
                n->symlens[i] = json_string_length(s);
                n->symbols[i] = kco_arena_strndup(b->arena, json_string_value(s), n->symlens[i]);
        }
        if (n->nsymbols > 1) { /* duplicates: sort a copy */
                const char **c = kco_malloc(n->nsymbols * sizeof(*c));
                memcpy(c, n->symbols, n->nsymbols * sizeof(*c));
                qsort(c, n->nsymbols, sizeof(*c), kco_avro_strcmp_p);
                for (size_t i = 1; i < n->nsymbols; i++)
                        if (!strcmp(c[i - 1], c[i])) {
                                kco_avro_fail(b, "invalid Avro schema: enum %s repeats the symbol %s", n->fullname,
                                              c[i]);
                                free(c);
                                return -1;
                        }
                free(c);
        }
        const char *d = kco_avro_text(j, "default");
        if (d) {
                size_t i = 0;
                while (i < n->nsymbols && strcmp(n->symbols[i], d))
                        i++;
                if (i == n->nsymbols)
                        return kco_avro_fail(b, "invalid Avro schema: the default %s of enum %s is not a symbol", d,
                                             n->fullname);
                n->enum_default = n->symbols[i];
        }
        return 0;
}

static kco_avro_node_t *kco_avro_parse_union(kco_avro_build_t *b, json_t *j, const char *ns, int depth) {
        kco_avro_node_t *n = kco_avro_node_new(b, KCO_AVRO_UNION);
        n->nbranches = json_array_size(j);
        n->branches = kco_arena_calloc(b->arena, n->nbranches ? n->nbranches : 1, sizeof(*n->branches));
        for (size_t i = 0; i < n->nbranches; i++) {
                kco_avro_node_t *br = kco_avro_parse(b, json_array_get(j, i), ns, depth + 1);
                if (!br)
                        return NULL;
                if (br->kind == KCO_AVRO_UNION) {
                        kco_avro_fail(b, "invalid Avro schema: a union may not contain a union");
                        return NULL;
                }
                const char *key = kco_avro_named_kind(br->kind) ? br->fullname : kco_avro_kind_names[br->kind];
                for (size_t k = 0; k < i; k++) {
                        kco_avro_node_t *o = n->branches[k];
                        if (!strcmp(key, kco_avro_named_kind(o->kind) ? o->fullname : kco_avro_kind_names[o->kind])) {
                                kco_avro_fail(b, "invalid Avro schema: a union repeats %s", key);
                                return NULL;
                        }
                }
                if (br->kind == KCO_AVRO_NULL)
                        n->null_branch = (int)i;
                n->branches[i] = br;
        }
        if (n->nbranches == 1)
                n->union_mode = KCO_AVRO_UNION_SINGLE;
        else if (n->nbranches == 2 && n->null_branch >= 0)
                n->union_mode = KCO_AVRO_UNION_OPTIONAL;
        else
                n->union_mode = KCO_AVRO_UNION_STRUCT;
        return n;
}

/* j: a schema in one of its three JSON forms; ns: the enclosing namespace (arena string or NULL). NULL with
 * b->err set on error. */
static kco_avro_node_t *kco_avro_parse(kco_avro_build_t *b, json_t *j, const char *ns, int depth) {
        kco_avro_kind_t k;
        if (depth > KCO_AVRO_MAX_SCHEMA_DEPTH) {
                kco_avro_fail(b, "Avro schema nested deeper than %d levels", KCO_AVRO_MAX_SCHEMA_DEPTH);
                return NULL;
        }
        if (json_is_string(j)) {
                const char *s = json_string_value(j);
                if (kco_avro_primitive(s, &k))
                        return kco_avro_node_new(b, k);
                kco_avro_node_t *r = kco_avro_resolve(b, s, ns);
                if (!r)
                        kco_avro_fail(b, "invalid Avro schema: undefined name %s", s);
                return r;
        }
        if (json_is_array(j))
                return kco_avro_parse_union(b, j, ns, depth);
        const char *type = kco_avro_text(j, "type");
        if (!type) {
                kco_avro_fail(b, "invalid Avro schema: %s", json_is_object(j) ? "an object without a \"type\""
                                                                             : "a schema must be a name, an "
                                                                               "array or an object");
                return NULL;
        }
        if (kco_avro_primitive(type, &k)) {
                kco_avro_node_t *n = kco_avro_node_new(b, k);
                n->json = j;
                return n;
        }
        int is_record = !strcmp(type, "record") || !strcmp(type, "error");
        if (is_record || !strcmp(type, "enum") || !strcmp(type, "fixed")) {
                k = is_record ? KCO_AVRO_RECORD : type[0] == 'e' ? KCO_AVRO_ENUM : KCO_AVRO_FIXED;
                const char *name = kco_avro_text(j, "name");
                if (!name) {
                        kco_avro_fail(b, "invalid Avro schema: a %s without a name", type);
                        return NULL;
                }
                const char *space = kco_avro_text(j, "namespace"), *own = NULL;
                if (space)
                        space = *space ? kco_arena_strdup(b->arena, space) : NULL;
                else
                        space = ns;
                kco_avro_node_t *n = kco_avro_node_new(b, k);
                n->json = j;
                if (kco_avro_define(b, n, name, space, &own))
                        return NULL;
                const char *doc = kco_avro_text(j, "doc");
                n->doc = doc ? kco_arena_strdup(b->arena, doc) : NULL;
                if (k == KCO_AVRO_RECORD && kco_avro_parse_record(b, n, j, own, depth))
                        return NULL;
                if (k == KCO_AVRO_ENUM && kco_avro_parse_enum(b, n, j))
                        return NULL;
                if (k == KCO_AVRO_FIXED) {
                        json_t *sz = json_object_get(j, "size");
                        if (!json_is_integer(sz) || json_integer_value(sz) < 0 ||
                            json_integer_value(sz) > INT32_MAX) {
                                kco_avro_fail(b, "invalid Avro schema: fixed %s has an invalid or no size",
                                              n->fullname);
                                return NULL;
                        }
                        n->size = (size_t)json_integer_value(sz);
                }
                return n;
        }
        if (!strcmp(type, "array") || !strcmp(type, "map")) {
                int arr = type[0] == 'a';
                json_t *it = json_object_get(j, arr ? "items" : "values");
                if (!it) {
                        kco_avro_fail(b, "invalid Avro schema: %s", arr ? "an array without items"
                                                                        : "a map without values");
                        return NULL;
                }
                kco_avro_node_t *n = kco_avro_node_new(b, arr ? KCO_AVRO_ARRAY : KCO_AVRO_MAP);
                n->json = j;
                n->items = kco_avro_parse(b, it, ns, depth + 1);
                return n->items ? n : NULL;
        }
        /* {"type": "some.Name"}: the named type itself (Schema.Parser does the same) */
        kco_avro_node_t *r = kco_avro_resolve(b, type, ns);
        if (!r)
                kco_avro_fail(b, "invalid Avro schema: unknown type %s", type);
        return r;
}

/* ------------------------------------------------------------ to Connect */

/* Number.intValue() of a JSON number. */
static int32_t kco_avro_java_int(const json_t *v) {
        if (json_is_integer(v))
                return (int32_t)(uint32_t)(uint64_t)json_integer_value(v);
        double d = json_number_value(v);
        if (isnan(d))
                return 0;
        if (d >= 2147483647.0)
                return INT32_MAX;
        if (d <= -2147483648.0)
                return INT32_MIN;
        return (int32_t)d;
}

/* Object.toString() of the Java value Avro makes of a JSON property (numbers in C's shortest form). */
static void kco_avro_java_str(const json_t *v, kco_buf_t *o) {
        char num[64];
        const char *key;
        json_t *x;
        size_t i;
        switch (json_typeof(v)) {
        case JSON_STRING:
                kco_buf_append(o, json_string_value(v), json_string_length(v));
                break;
        case JSON_INTEGER:
                snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
                kco_buf_puts(o, num);
                break;
        case JSON_REAL: {
                double d = json_real_value(v);
                for (int p = 1; p <= 17; p++) {
                        snprintf(num, sizeof(num), "%.*g", p, d);
                        if (strtod(num, NULL) == d)
                                break;
                }
                kco_buf_puts(o, num);
                if (!strpbrk(num, ".e"))
                        kco_buf_puts(o, ".0");
                break;
        }
        case JSON_TRUE:
                kco_buf_puts(o, "true");
                break;
        case JSON_FALSE:
                kco_buf_puts(o, "false");
                break;
        case JSON_ARRAY:
                kco_buf_putc(o, '[');
                json_array_foreach(v, i, x) {
                        if (i)
                                kco_buf_puts(o, ", ");
                        kco_avro_java_str(x, o);
                }
                kco_buf_putc(o, ']');
                break;
        case JSON_OBJECT:
                kco_buf_putc(o, '{');
                i = 0;
                json_object_foreach((json_t *)v, key, x) {
                        if (i++)
                                kco_buf_puts(o, ", ");
                        kco_buf_puts(o, key);
                        kco_buf_putc(o, '=');
                        kco_avro_java_str(x, o);
                }
                kco_buf_putc(o, '}');
                break;
        default:
                kco_buf_puts(o, "null");
                break;
        }
}

static const char *kco_avro_java_dup(kco_avro_build_t *b, const json_t *v) {
        kco_buf_t t;
        kco_buf_init(&t);
        kco_avro_java_str(v, &t);
        const char *s = kco_arena_strndup(b->arena, t.data ? t.data : "", t.len);
        kco_buf_free(&t);
        return s;
}

static const char *kco_avro_cat(kco_avro_build_t *b, const char *a, const char *c) {
        size_t la = strlen(a), lc = strlen(c);
        char *s = kco_arena_alloc(b->arena, la + lc + 1);
        memcpy(s, a, la);
        memcpy(s + la, c, lc + 1);
        return s;
}

/* Adds key=value (arena strings); replace: an existing key keeps its place and takes the value (Java's
 * LinkedHashMap.put). */
static void kco_avro_param(kco_avro_params_t *pv, const char *key, const char *value, int replace) {
        if (replace)
                for (size_t i = 0; i < pv->n; i++)
                        if (!strcmp(pv->v[i].key, key)) {
                                pv->v[i].value = value;
                                return;
                        }
        if (pv->n == pv->cap) {
                pv->cap = pv->cap ? 2 * pv->cap : 8;
                pv->v = kco_realloc(pv->v, pv->cap * sizeof(*pv->v));
        }
        pv->v[pv->n].key = key;
        pv->v[pv->n].value = value;
        pv->n++;
}

static int kco_avro_is_map_entry(const kco_avro_node_t *it) {
        if (it->kind != KCO_AVRO_RECORD)
                return 0;
        if (!strcmp(it->fullname, KCO_AVRO_NS ".MapEntry"))
                return 1;
        const char *t = kco_avro_text(it->json, "connect.internal.type");
        return t && !strcmp(t, "MapEntry");
}

static int kco_avro_connect(kco_avro_build_t *b, kco_avro_node_t *a, kco_schema_t *out, int force_optional,
                            const kco_avro_field_t *field, int version, int depth);

static kco_schema_t *kco_avro_child(kco_avro_build_t *b, kco_avro_node_t *a, int force_optional,
                                    const kco_avro_field_t *field, int depth) {
        kco_schema_t *c = kco_schema_node(b->root, KCO_TYPE_NULL);
        return kco_avro_connect(b, a, c, force_optional, field, -1, depth + 1) ? NULL : c;
}

/* The type-specific part of AvroData.toConnectSchema. Unions of one type or of null and one type return
 * through *done (AvroData returns early for them: no doc, version, parameters or default of their own). */
static int kco_avro_connect_type(kco_avro_build_t *b, kco_avro_node_t *a, kco_schema_t *out, kco_avro_params_t *pv,
                                 const char **bname, int *bversion, int depth, int *done) {
        json_t *j = a->json;
        const char *ctype = kco_avro_text(j, "connect.type"), *logical = kco_avro_text(j, "logicalType");
        char num[32];
        switch (a->kind) {
        case KCO_AVRO_NULL:
                return kco_avro_fail(b, "Avro schema cannot be converted to Connect: a null type outside a union");
        case KCO_AVRO_BOOLEAN:
                out->type = KCO_TYPE_BOOLEAN;
                return 0;
        case KCO_AVRO_BYTES:
        case KCO_AVRO_FIXED:
                out->type = KCO_TYPE_BYTES;
                if (logical && !strcasecmp(logical, "decimal")) {
                        /* scale defaults to 0; precision is kept only when it is not AvroData's default 64 */
                        json_t *sc = json_object_get(j, "scale"), *pr = json_object_get(j, "precision");
                        snprintf(num, sizeof(num), "%d", json_is_number(sc) ? kco_avro_java_int(sc) : 0);
                        *bname = KCO_DECIMAL_NAME;
                        *bversion = 1;
                        kco_avro_param(pv, KCO_DECIMAL_SCALE, kco_arena_strdup(b->arena, num), 0);
                        if (pr && !json_is_number(pr))
                                return kco_avro_fail(b, "Avro schema cannot be converted to Connect: decimal "
                                                        "precision must be a JSON integer");
                        if (pr && kco_avro_java_int(pr) != 64) {
                                snprintf(num, sizeof(num), "%d", kco_avro_java_int(pr));
                                kco_avro_param(pv, "connect.decimal.precision", kco_arena_strdup(b->arena, num), 0);
                        }
                }
                if (a->kind == KCO_AVRO_FIXED) {
                        snprintf(num, sizeof(num), "%zu", a->size);
                        kco_avro_param(pv, "connect.fixed.size", kco_arena_strdup(b->arena, num), 0);
                }
                return 0;
        case KCO_AVRO_FLOAT:
                out->type = KCO_TYPE_FLOAT32;
                return 0;
        case KCO_AVRO_DOUBLE:
                out->type = KCO_TYPE_FLOAT64;
                return 0;
        case KCO_AVRO_INT:
                /* a logicalType wins over connect.type; an unknown logical type is a plain int32 */
                out->type = KCO_TYPE_INT32;
                if (logical) {
                        if (!strcasecmp(logical, "date"))
                                *bname = KCO_DATE_NAME, *bversion = 1;
                        else if (!strcasecmp(logical, "time-millis"))
                                *bname = KCO_TIME_NAME, *bversion = 1;
                } else if (ctype) {
                        if (!strcmp(ctype, "int8"))
                                out->type = KCO_TYPE_INT8;
                        else if (!strcmp(ctype, "int16"))
                                out->type = KCO_TYPE_INT16;
                        else
                                return kco_avro_fail(b, "Avro schema cannot be converted to Connect: connect.type "
                                                        "%s of an Avro int is neither int8 nor int16", ctype);
                }
                return 0;
        case KCO_AVRO_LONG:
                /* only timestamp-millis: timestamp-micros, time-micros, local-timestamp-* stay int64 */
                out->type = KCO_TYPE_INT64;
                if (logical && !strcasecmp(logical, "timestamp-millis"))
                        *bname = KCO_TIMESTAMP_NAME, *bversion = 1;
                return 0;
        case KCO_AVRO_STRING:
                out->type = KCO_TYPE_STRING;
                return 0;
        case KCO_AVRO_ARRAY: {
                kco_avro_node_t *it = a->items;
                if (!kco_avro_is_map_entry(it)) {
                        out->type = KCO_TYPE_ARRAY;
                        out->value = kco_avro_child(b, it, 0, NULL, depth);
                        return out->value ? 0 : -1;
                }
                /* a Connect map with non-string keys, written as an array of key/value records */
                int k = it->nfields == 2 ? (!strcmp(it->fields[0].name, "key") ? 0 : 1) : -1;
                if (k < 0 || strcmp(it->fields[k].name, "key") || strcmp(it->fields[1 - k].name, "value"))
                        return kco_avro_fail(b, "Avro schema cannot be converted to Connect: %s is a map entry "
                                                "but does not have exactly the fields key and value",
                                             it->fullname);
                if (it->state)
                        return kco_avro_fail(b, "Avro schema cannot be converted to Connect: %s contains itself",
                                             it->fullname);
                a->map_entry = 1;
                a->entry_key = k;
                out->type = KCO_TYPE_MAP;
                it->state = 1;
                out->key = kco_avro_child(b, it->fields[k].type, 0, NULL, depth);
                out->value = out->key ? kco_avro_child(b, it->fields[1 - k].type, 0, NULL, depth) : NULL;
                it->state = 0;
                return out->value ? 0 : -1;
        }
        case KCO_AVRO_MAP:
                out->type = KCO_TYPE_MAP;
                out->key = kco_schema_node(b->root, KCO_TYPE_STRING);
                out->value = kco_avro_child(b, a->items, 0, NULL, depth);
                return out->value ? 0 : -1;
        case KCO_AVRO_RECORD:
                if (a->state)
                        return kco_avro_fail(b, "Avro schema cannot be converted to Connect: record %s contains "
                                                "itself (recursive schemas are not supported)", a->fullname);
                out->type = KCO_TYPE_STRUCT;
                if (a->doc)
                        kco_avro_param(pv, KCO_AVRO_NS ".record.doc", a->doc, 0);
                kco_schema_alloc_fields(out, a->nfields);
                a->state = 1;
                for (size_t i = 0; i < a->nfields; i++) {
                        kco_avro_field_t *f = &a->fields[i];
                        if (f->doc)
                                kco_avro_param(pv, kco_avro_cat(b, KCO_AVRO_NS ".field.doc.", f->name), f->doc, 0);
                        kco_schema_t *c = kco_avro_child(b, f->type, 0, f, depth);
                        if (!c) {
                                a->state = 0;
                                return -1;
                        }
                        /* field-level connect.parameters go onto the field's schema */
                        json_t *fp = json_object_get(f->json, "connect.parameters"), *x;
                        const char *key;
                        if (json_is_object(fp))
                                json_object_foreach(fp, key, x) kco_schema_add_param(c, key, kco_avro_java_dup(b, x));
                        kco_schema_set_field(out, i, f->name, c);
                }
                a->state = 0;
                return 0;
        case KCO_AVRO_ENUM:
                /* the symbol as a string; the enum is remembered in parameters */
                out->type = KCO_TYPE_STRING;
                if (a->doc)
                        kco_avro_param(pv, kco_avro_cat(b, KCO_AVRO_NS ".enum.doc.", a->name), a->doc, 0);
                if (a->enum_default)
                        kco_avro_param(pv, kco_avro_cat(b, KCO_AVRO_NS ".enum.default.", a->name), a->enum_default,
                                       0);
                kco_avro_param(pv, KCO_AVRO_ENUM_PARAM, a->fullname, 0);
                for (size_t i = 0; i < a->nsymbols; i++)
                        kco_avro_param(pv, kco_avro_cat(b, KCO_AVRO_ENUM_PARAM ".", a->symbols[i]), a->symbols[i], 0);
                return 0;
        case KCO_AVRO_UNION:
                if (a->union_mode != KCO_AVRO_UNION_STRUCT) {
                        *done = 1;
                        if (a->union_mode == KCO_AVRO_UNION_SINGLE)
                                return kco_avro_connect(b, a->branches[0], out, 0, NULL, -1, depth + 1);
                        return kco_avro_connect(b, a->branches[a->null_branch ? 0 : 1], out, 1, NULL, -1, depth + 1);
                }
                out->type = KCO_TYPE_STRUCT;
                *bname = KCO_AVRO_UNION_NAME;
                kco_schema_alloc_fields(out, a->nbranches - (a->null_branch >= 0));
                for (size_t i = 0, k = 0; i < a->nbranches; i++) {
                        kco_avro_node_t *br = a->branches[i];
                        if (br->kind == KCO_AVRO_NULL) {
                                out->optional = 1;
                                continue;
                        }
                        /* the field is named after the branch: its simple name, or its type */
                        const char *fname = kco_avro_named_kind(br->kind) ? br->name : kco_avro_kind_names[br->kind];
                        for (size_t f = 0; f < k; f++)
                                if (!strcmp(out->fields[f].name, fname))
                                        return kco_avro_fail(b, "Avro schema cannot be converted to Connect: two branches "
                                                        "of a union map to the field name %s", fname);
                        kco_schema_t *c = kco_avro_child(b, br, 1, NULL, depth);
                        if (!c)
                                return -1;
                        kco_schema_set_field(out, k++, fname, c);
                }
                return 0;
        }
        return kco_avro_fail(b, "invalid Avro schema: unknown type");
}

/* AvroData.toConnectSchema(schema, forceOptional, fieldDefaultVal, ..., version): fills out. */
static int kco_avro_connect(kco_avro_build_t *b, kco_avro_node_t *a, kco_schema_t *out, int force_optional,
                            const kco_avro_field_t *field, int version, int depth) {
        if (depth > KCO_AVRO_MAX_SCHEMA_DEPTH)
                return kco_avro_fail(b, "Avro schema nested deeper than %d levels", KCO_AVRO_MAX_SCHEMA_DEPTH);
        if (++b->nconnect > KCO_AVRO_MAX_CONNECT_NODES)
                return kco_avro_fail(b, "Avro schema expands to more than %d Connect schemas",
                                     KCO_AVRO_MAX_CONNECT_NODES);
        kco_avro_params_t pv = {NULL, 0, 0};
        const char *bname = NULL; /* a logical type's name, or the union's */
        int bversion = -1, done = 0, rc = -1;
        json_t *j = a->json, *x;
        const char *key;
        int trc = kco_avro_connect_type(b, a, out, &pv, &bname, &bversion, depth, &done);
        if (trc || done) {
                rc = trc;
                goto out;
        }
        const char *doc = kco_avro_text(j, "connect.doc");
        if (doc)
                kco_schema_set_doc(out, doc);
        /* connect.version wins over the registry's; logical types are version 1 and must agree */
        json_t *vn = json_object_get(j, "connect.version");
        int vi = version;
        if (vn) {
                if (!json_is_number(vn)) {
                        kco_avro_fail(b, "Avro schema cannot be converted to Connect: connect.version is not a "
                                         "number");
                        goto out;
                }
                vi = kco_avro_java_int(vn);
        }
        if (bversion >= 0 && vi >= 0 && vi != bversion) {
                kco_avro_fail(b, "Avro schema cannot be converted to Connect: %s has version %d, the schema says %d",
                              bname, bversion, vi);
                goto out;
        }
        if (bversion >= 0 || vi >= 0) {
                out->has_version = 1;
                out->version = bversion >= 0 ? bversion : vi;
        }
        json_t *params = json_object_get(j, "connect.parameters");
        if (params) {
                if (!json_is_object(params)) {
                        kco_avro_fail(b, "Avro schema cannot be converted to Connect: connect.parameters is not "
                                         "an object");
                        goto out;
                }
                json_object_foreach(params, key, x) {
                        if (!json_is_string(x)) {
                                kco_avro_fail(b, "Avro schema cannot be converted to Connect: connect.parameters "
                                                 "value of %s is not a string", key);
                                goto out;
                        }
                        kco_avro_param(&pv, kco_arena_strdup(b->arena, key),
                                       kco_arena_strdup(b->arena, json_string_value(x)), 1);
                }
        }
        if (json_is_object(j))
                json_object_foreach(j, key, x) if (!strncmp(key, "avro", 4))
                        kco_avro_param(&pv, kco_arena_strdup(b->arena, key), kco_avro_java_dup(b, x), 1);
        /* a record field's own default wins over connect.default, and is flagged when there is none */
        json_t *cdef = json_object_get(j, "connect.default");
        json_t *dflt = field ? field->dflt : NULL;
        if (!dflt)
                dflt = cdef;
        else if (!cdef)
                kco_avro_param(&pv, KCO_AVRO_NS ".field.default", "true", 1);
        if (pv.n) {
                out->params = kco_arena_alloc(b->arena, pv.n * sizeof(*pv.v));
                memcpy(out->params, pv.v, pv.n * sizeof(*pv.v));
                out->nparams = pv.n;
        }
        if (dflt && !json_is_null(dflt)) {
                kco_value_t *v = kco_arena_calloc(b->arena, 1, sizeof(*v));
                if (!kco_avro_decode_default(a, out, dflt, b->arena, v))
                        out->default_value = v; /* an unusable default is ignored, as AvroData does */
        }
        json_t *cn = json_object_get(j, "connect.name");
        const char *name = NULL;
        if (cn) {
                if (!json_is_string(cn)) {
                        kco_avro_fail(b, "Avro schema cannot be converted to Connect: connect.name is not a string");
                        goto out;
                }
                name = json_string_value(cn);
        } else if (a->kind == KCO_AVRO_RECORD || a->kind == KCO_AVRO_ENUM ||
                   (a->kind == KCO_AVRO_FIXED && !bname)) {
                name = a->fullname;
        }
        if (name && strncmp(name, KCO_AVRO_DEFAULT_NAME, strlen(KCO_AVRO_DEFAULT_NAME))) {
                if (bname && strcmp(bname, name)) {
                        kco_avro_fail(b, "Avro schema cannot be converted to Connect: name %s differs from %s", name,
                                      bname);
                        goto out;
                }
                bname = name;
        }
        if (bname)
                kco_schema_set_name(out, bname);
        if (force_optional)
                out->optional = 1;
        rc = 0;
out:
        free(pv.v);
        return rc;
}

/* ------------------------------------------------------------- finishing */

/* Fewest bytes a datum takes, for every node reachable from a (acyclic once the Connect mapping passed). */
static size_t kco_avro_min_size(kco_avro_node_t *a) {
        if (a->state == 2)
                return a->min_size;
        size_t m = 1;
        switch (a->kind) {
        case KCO_AVRO_NULL:
                m = 0;
                break;
        case KCO_AVRO_FLOAT:
                m = 4;
                break;
        case KCO_AVRO_DOUBLE:
                m = 8;
                break;
        case KCO_AVRO_FIXED:
                m = a->size;
                break;
        case KCO_AVRO_ARRAY:
        case KCO_AVRO_MAP:
                kco_avro_min_size(a->items);
                break;
        case KCO_AVRO_UNION:
                for (size_t i = 0; i < a->nbranches; i++)
                        kco_avro_min_size(a->branches[i]);
                break;
        case KCO_AVRO_RECORD:
                m = 0;
                for (size_t i = 0; i < a->nfields; i++) {
                        size_t f = kco_avro_min_size(a->fields[i].type);
                        m = m + f < SIZE_MAX / 4 ? m + f : SIZE_MAX / 4;
                }
                break;
        default:
                break;
        }
        a->min_size = m;
        a->state = 2;
        return m;
}

kco_avro_schema_t *kco_avro_schema_parse(const char *text, size_t len, int version, kco_err_t *err) {
        json_error_t je;
        json_t *doc = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
        if (!doc) {
                kco_err_set(err, KCO_ERR_DATA, 0, "invalid Avro schema: not JSON (%s at line %d column %d)", je.text,
                            je.line, je.column);
                return NULL;
        }
        kco_avro_build_t b;
        memset(&b, 0, sizeof(b));
        b.err = err;
        kco_err_clear(err);
        b.root = kco_schema_new(KCO_TYPE_NULL);
        b.arena = b.root->arena;
        kco_avro_schema_t *s = NULL;
        kco_avro_node_t *a = kco_avro_parse(&b, doc, NULL, 0);
        if (a && !kco_avro_connect(&b, a, b.root, 0, NULL, version, 0)) {
                char why[256];
                if (kco_schema_finish(b.root, why, sizeof(why))) {
                        kco_err_set(err, KCO_ERR_DATA, 0, "Avro schema cannot be converted to Connect: %s", why);
                } else {
                        kco_avro_min_size(a);
                        s = kco_arena_calloc(b.arena, 1, sizeof(*s));
                        s->avro = a;
                        s->connect = b.root;
                }
        }
        for (size_t i = 0; i < b.nall; i++) { /* the JSON goes now */
                kco_avro_node_t *n = b.all[i];
                n->json = NULL;
                for (size_t k = 0; k < n->nfields; k++)
                        n->fields[k].dflt = n->fields[k].json = NULL;
        }
        free(b.all);
        free(b.named);
        json_decref(doc);
        if (!s)
                kco_schema_unref(b.root);
        return s;
}

void kco_avro_schema_free(kco_avro_schema_t *s) {
        if (s)
                kco_schema_unref(s->connect);
}
