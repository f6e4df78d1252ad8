/*
 * kco_avro_from_connect.c - Connect schema -> Avro schema JSON, following
 * Confluent's AvroData.fromConnectSchema (default settings) and Avro Java's
 * Schema.toString, which prints it:
 *
 *   - types: int8/int16 -> int + "connect.type", int32 -> int, int64 -> long,
 *     float32 -> float, float64 -> double, boolean, string, bytes, array,
 *     map (required string keys) or array of MapEntry records, struct ->
 *     record named after the schema (unnamed: io.confluent.connect.avro.
 *     ConnectDefault, ConnectDefault2, ... in the order they are met);
 *   - properties, in AvroData's order: decimal "scale"/"precision", then
 *     connect.doc, connect.version, connect.parameters, connect.default,
 *     connect.name, connect.type, then "logicalType", then parameters whose
 *     key starts with "avro"; a type with no properties is a bare "int";
 *   - record doc from the parameter io.confluent.connect.avro.record.doc,
 *     field doc from io.confluent.connect.avro.field.doc.<field>;
 *   - field defaults: the Connect default, or null for optional fields;
 *     a default the field's Avro type does not accept (Avro's rule: a union
 *     default must match its first branch) is left out, as Avro Java
 *     rejects it and AvroData then drops it; floats in field defaults are
 *     printed widened to double, as the Jackson round trip in AvroData does;
 *   - a record type met again (an equal schema) is written as a reference to
 *     its name, relative to the enclosing namespace; a different schema
 *     with the same name is an error ("Can't redefine"), as in Avro Java;
 *   - JSON text as Jackson writes it: compact, \b \t \n \f \r and \u00XX
 *     escapes, non-ASCII as UTF-8, numbers as Java's Double/Float.toString.
 *
 * Any thread; one call builds one schema. Must never: emit JSON that differs
 * between runs for the same schema (a replayed file must be identical).
 */
#include "format/kco_avro_from_connect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/kco_arena.h"
#include "format/kco_json_scan.h"

#define KCO_AVRO_NS "io.confluent.connect.avro"
#define KCO_AVRO_UNION_NAME KCO_AVRO_NS ".Union"
#define KCO_AVRO_UNION_PARAM "org.apache.kafka.connect.data.Union"
#define KCO_AVRO_RECORD_DOC KCO_AVRO_NS ".record.doc"
#define KCO_AVRO_FIELD_DOC KCO_AVRO_NS ".field.doc."
#define KCO_AVRO_FIELD_DEFAULT KCO_AVRO_NS ".field.default"
#define KCO_AVRO_PRECISION "connect.decimal.precision"
#define KCO_AVRO_PRECISION_DEFAULT 64

enum { KCO_AVRO_RECORD, KCO_AVRO_ENTRY };

typedef struct {
        const char *full;
        const char *space; /* NULL when none */
        const char *name;
        int kind;
        const kco_schema_t *node;
} kco_avro_named_t;

typedef struct {
        kco_buf_t *out;
        kco_err_t *err;
        kco_arena_t *arena;
        kco_avro_named_t *named; /* record types written so far */
        size_t nnamed;
        const char **seen; /* names of field schemas met so far (AvroData's seenNamedTypes) */
        size_t nseen;
        const char *space; /* the namespace names are relative to (Avro Java's Names.space) */
        int default_index; /* ConnectDefault numbering */
        int failed;
} kco_avro_gen_t;

int kco_avro_is_union(const kco_schema_t *s) {
        return s->type == KCO_TYPE_STRUCT &&
               ((s->name && !strcmp(s->name, KCO_AVRO_UNION_NAME)) || kco_schema_param(s, KCO_AVRO_UNION_PARAM));
}

int kco_avro_map_is_native(const kco_schema_t *s) {
        return s->key && s->key->type == KCO_TYPE_STRING && !s->key->optional;
}

int kco_avro_has_default(const kco_schema_t *s) {
        return s->default_value && s->default_value->type != KCO_TYPE_NULL;
}

int kco_avro_null_branch(const kco_schema_t *s) {
        return s->type != KCO_TYPE_STRUCT && kco_avro_has_default(s) ? 1 : 0;
}

static void kco_avro_fail(kco_avro_gen_t *g, const char *fmt, const char *arg) {
        if (g->failed)
                return;
        g->failed = 1;
        char msg[400];
        snprintf(msg, sizeof(msg), fmt, arg);
        kco_err_set(g->err, KCO_ERR_DATA, 0, "Avro schema: %s", msg);
}

/* ---- JSON text, as Jackson writes it ---- */

static void kco_avro_json_char(kco_buf_t *out, unsigned c) {
        static const char hex[] = "0123456789ABCDEF";
        const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\b' ? "\\b" : c == '\t' ? "\\t"
                        : c == '\n' ? "\\n" : c == '\f' ? "\\f" : c == '\r' ? "\\r" : NULL;
        if (esc) {
                kco_buf_append(out, esc, 2);
        } else if (c < 0x20) {
                char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                kco_buf_append(out, u, 6);
        } else {
                kco_buf_putc(out, (char)c);
        }
}

/* A JSON string of UTF-8 text; invalid bytes become U+FFFD, as Java decodes them. */
static void kco_avro_json_str(kco_buf_t *out, const char *s, size_t n) {
        kco_buf_reserve(out, n + 2);
        kco_buf_putc(out, '"');
        size_t i = 0;
        while (i < n) {
                unsigned char c = (unsigned char)s[i];
                if (c < 0x80) {
                        kco_avro_json_char(out, c);
                        i++;
                        continue;
                }
                size_t len = kco_utf8_char_len(s + i, n - i);
                if (len) {
                        kco_buf_append(out, s + i, len);
                        i += len;
                } else {
                        kco_buf_append(out, "\xef\xbf\xbd", 3);
                        i++;
                }
        }
        kco_buf_putc(out, '"');
}

static void kco_avro_json_cstr(kco_buf_t *out, const char *s) {
        kco_avro_json_str(out, s, strlen(s));
}

/* Bytes as AvroData writes a bytes default: each byte is the character of the same code (ISO-8859-1). */
static void kco_avro_json_latin1(kco_buf_t *out, const unsigned char *p, size_t n) {
        kco_buf_putc(out, '"');
        for (size_t i = 0; i < n; i++) {
                if (p[i] < 0x80) {
                        kco_avro_json_char(out, p[i]);
                } else {
                        char u[2] = {(char)(0xC0 | p[i] >> 6), (char)(0x80 | (p[i] & 0x3F))};
                        kco_buf_append(out, u, 2);
                }
        }
        kco_buf_putc(out, '"');
}

/* x as Java's Double.toString (or Float.toString): the shortest digits that read back as x, plain
 * between 10^-3 and 10^7, else d.dddE<n>; Jackson quotes NaN and the infinities. */
static void kco_avro_json_number(kco_buf_t *out, double x, int is_float) {
        if (isnan(x)) {
                kco_buf_puts(out, "\"NaN\"");
                return;
        }
        if (isinf(x)) {
                kco_buf_puts(out, x > 0 ? "\"Infinity\"" : "\"-Infinity\"");
                return;
        }
        if (x == 0) {
                kco_buf_puts(out, signbit(x) ? "-0.0" : "0.0");
                return;
        }
        char tmp[40];
        for (int prec = 1; prec <= 17; prec++) {
                snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, x);
                if (is_float ? strtof(tmp, NULL) == (float)x : strtod(tmp, NULL) == x)
                        break;
        }
        /* tmp: [-]d[.ddd]e[+-]nn */
        char digits[24];
        size_t nd = 0;
        const char *p = tmp;
        if (*p == '-') {
                kco_buf_putc(out, '-');
                p++;
        }
        for (; *p && *p != 'e'; p++)
                if (*p != '.')
                        digits[nd++] = *p;
        int e = atoi(p + 1);
        while (nd > 1 && digits[nd - 1] == '0')
                nd--;
        double ax = fabs(x);
        if (ax >= 1e-3 && ax < 1e7) {
                if (e >= 0) {
                        for (int i = 0; i <= e; i++)
                                kco_buf_putc(out, (size_t)i < nd ? digits[i] : '0');
                        kco_buf_putc(out, '.');
                        if ((size_t)e + 1 < nd)
                                kco_buf_append(out, digits + e + 1, nd - (size_t)e - 1);
                        else
                                kco_buf_putc(out, '0');
                } else {
                        kco_buf_puts(out, "0.");
                        for (int i = 0; i < -e - 1; i++)
                                kco_buf_putc(out, '0');
                        kco_buf_append(out, digits, nd);
                }
        } else {
                kco_buf_putc(out, digits[0]);
                kco_buf_putc(out, '.');
                if (nd > 1)
                        kco_buf_append(out, digits + 1, nd - 1);
                else
                        kco_buf_putc(out, '0');
                char ex[16];
                snprintf(ex, sizeof(ex), "E%d", e);
                kco_buf_puts(out, ex);
        }
}

static void kco_avro_json_int(kco_buf_t *out, long long v) {
        char n[24];
        snprintf(n, sizeof(n), "%lld", v);
        kco_buf_puts(out, n);
}

/* ,"key": */
static void kco_avro_json_key(kco_buf_t *out, const char *key) {
        kco_buf_putc(out, ',');
        kco_avro_json_cstr(out, key);
        kco_buf_putc(out, ':');
}

/* ---- default values ---- */

static int kco_avro_is_null(const kco_value_t *v) {
        return !v || v->type == KCO_TYPE_NULL;
}

/* What Connect's Struct.get returns for a field: its value, or the field schema's default when null. */
static const kco_value_t *kco_avro_field_value(const kco_schema_t *fs, const kco_value_t *item) {
        return kco_avro_is_null(item) && kco_avro_has_default(fs) ? fs->default_value : item;
}

/* AvroData.defaultValueFromConnect; widen: floats as doubles (a field's "default"). */
static void kco_avro_default_json(kco_avro_gen_t *g, const kco_schema_t *s, const kco_value_t *v, int widen) {
        kco_buf_t *out = g->out;
        if (g->failed)
                return;
        if (kco_avro_is_null(v)) {
                kco_buf_puts(out, "null");
                return;
        }
        if (kco_avro_is_union(s) && v->type == KCO_TYPE_STRUCT) {
                if (!s->nfields || !v->u.c.n) {
                        kco_buf_puts(out, "{}");
                        return;
                }
                kco_avro_default_json(g, s->fields[0].schema,
                                      kco_avro_field_value(s->fields[0].schema, &v->u.c.items[0]), widen);
                return;
        }
        if (v->type != s->type) {
                kco_avro_fail(g, "a default value of type %s does not match its schema", kco_type_name(v->type));
                return;
        }
        switch (s->type) {
        case KCO_TYPE_INT8:
        case KCO_TYPE_INT16:
        case KCO_TYPE_INT32:
        case KCO_TYPE_INT64:
                kco_avro_json_int(out, (long long)v->u.i);
                break;
        case KCO_TYPE_FLOAT32:
                kco_avro_json_number(out, widen ? (double)(float)v->u.d : v->u.d, !widen);
                break;
        case KCO_TYPE_FLOAT64:
                kco_avro_json_number(out, v->u.d, 0);
                break;
        case KCO_TYPE_BOOLEAN:
                kco_buf_puts(out, v->u.i ? "true" : "false");
                break;
        case KCO_TYPE_STRING:
                kco_avro_json_str(out, v->u.s.ptr ? v->u.s.ptr : "", v->u.s.len);
                break;
        case KCO_TYPE_BYTES:
                kco_avro_json_latin1(out, (const unsigned char *)v->u.s.ptr, v->u.s.len);
                break;
        case KCO_TYPE_ARRAY:
                kco_buf_putc(out, '[');
                for (size_t i = 0; i < v->u.c.n; i++) {
                        if (i)
                                kco_buf_putc(out, ',');
                        kco_avro_default_json(g, s->value, &v->u.c.items[i], widen);
                }
                kco_buf_putc(out, ']');
                break;
        case KCO_TYPE_MAP: {
                int native = kco_avro_map_is_native(s);
                kco_buf_putc(out, native ? '{' : '[');
                for (size_t i = 0; i < v->u.c.n; i++) {
                        const kco_value_t *k = &v->u.c.items[2 * i], *val = &v->u.c.items[2 * i + 1];
                        if (i)
                                kco_buf_putc(out, ',');
                        if (native) {
                                if (k->type != KCO_TYPE_STRING) {
                                        kco_avro_fail(g, "a default map key of type %s", kco_type_name(k->type));
                                        return;
                                }
                                kco_avro_json_str(out, k->u.s.ptr ? k->u.s.ptr : "", k->u.s.len);
                                kco_buf_putc(out, ':');
                                kco_avro_default_json(g, s->value, val, widen);
                        } else {
                                kco_buf_putc(out, '[');
                                kco_avro_default_json(g, s->key, k, widen);
                                kco_buf_putc(out, ',');
                                kco_avro_default_json(g, s->value, val, widen);
                                kco_buf_putc(out, ']');
                        }
                }
                kco_buf_putc(out, native ? '}' : ']');
                break;
        }
        case KCO_TYPE_STRUCT:
                if (v->u.c.n != s->nfields) {
                        kco_avro_fail(g, "a default struct value does not match its schema%s", "");
                        return;
                }
                kco_buf_putc(out, '{');
                for (size_t i = 0; i < s->nfields; i++) {
                        if (i)
                                kco_buf_putc(out, ',');
                        kco_avro_json_cstr(out, s->fields[i].name);
                        kco_buf_putc(out, ':');
                        kco_avro_default_json(g, s->fields[i].schema,
                                              kco_avro_field_value(s->fields[i].schema, &v->u.c.items[i]), widen);
                }
                kco_buf_putc(out, '}');
                break;
        default:
                kco_avro_fail(g, "a default value of type %s", kco_type_name(s->type));
        }
}

/* Whether Avro accepts the default v for the Avro type of s (req: s taken as required); a union's
 * default must match its first branch. */
static int kco_avro_default_valid(const kco_schema_t *s, const kco_value_t *v, int req) {
        int opt = s->optional && !req;
        if (kco_avro_is_union(s)) {
                const kco_value_t *first =
                        !kco_avro_is_null(v) && v->type == KCO_TYPE_STRUCT && v->u.c.n && s->nfields
                                ? kco_avro_field_value(s->fields[0].schema, &v->u.c.items[0])
                                : NULL;
                if (opt)
                        return kco_avro_is_null(first);
                return s->nfields && kco_avro_default_valid(s->fields[0].schema, first, 1);
        }
        if (opt) {
                if (s->type == KCO_TYPE_STRUCT || !kco_avro_has_default(s))
                        return kco_avro_is_null(v);
                return !kco_avro_is_null(v) && kco_avro_default_valid(s, v, 1);
        }
        if (kco_avro_is_null(v) || v->type != s->type)
                return 0;
        switch (s->type) {
        case KCO_TYPE_ARRAY:
                for (size_t i = 0; i < v->u.c.n; i++)
                        if (!kco_avro_default_valid(s->value, &v->u.c.items[i], 0))
                                return 0;
                return 1;
        case KCO_TYPE_MAP:
                if (!kco_avro_map_is_native(s))
                        return v->u.c.n == 0; /* [[k, v], ...] is no array of records */
                for (size_t i = 0; i < v->u.c.n; i++)
                        if (!kco_avro_default_valid(s->value, &v->u.c.items[2 * i + 1], 0))
                                return 0;
                return 1;
        case KCO_TYPE_STRUCT:
                if (v->u.c.n != s->nfields)
                        return 0;
                for (size_t i = 0; i < s->nfields; i++) {
                        const kco_schema_t *fs = s->fields[i].schema;
                        if (!kco_avro_default_valid(fs, kco_avro_field_value(fs, &v->u.c.items[i]), 0))
                                return 0;
                }
                return 1;
        default:
                return 1;
        }
}

/* ---- schema ---- */

static void kco_avro_gen(kco_avro_gen_t *g, const kco_schema_t *s, int req);

static size_t kco_avro_nparams(const kco_schema_t *s) {
        size_t n = 0;
        for (size_t i = 0; i < s->nparams; i++)
                n += strcmp(s->params[i].key, KCO_AVRO_FIELD_DEFAULT) != 0;
        return n;
}

static void kco_avro_gen_params(kco_avro_gen_t *g, const kco_schema_t *s) {
        kco_buf_putc(g->out, '{');
        int first = 1;
        for (size_t i = 0; i < s->nparams; i++) {
                if (!strcmp(s->params[i].key, KCO_AVRO_FIELD_DEFAULT))
                        continue;
                if (!first)
                        kco_buf_putc(g->out, ',');
                first = 0;
                kco_avro_json_cstr(g->out, s->params[i].key);
                kco_buf_putc(g->out, ':');
                kco_avro_json_cstr(g->out, s->params[i].value);
        }
        kco_buf_putc(g->out, '}');
}

static int kco_avro_name_is(const kco_schema_t *s, const char *name, kco_type_t type) {
        return s->name && s->type == type && !strcasecmp(s->name, name);
}

/* The properties AvroData puts on a (non-union) type, after the type's own content. */
static void kco_avro_gen_props(kco_avro_gen_t *g, const kco_schema_t *s) {
        kco_buf_t *out = g->out;
        if (s->doc) {
                kco_avro_json_key(out, "connect.doc");
                kco_avro_json_cstr(out, s->doc);
        }
        if (s->has_version) {
                kco_avro_json_key(out, "connect.version");
                kco_avro_json_int(out, s->version);
        }
        if (kco_avro_nparams(s)) {
                kco_avro_json_key(out, "connect.parameters");
                kco_avro_gen_params(g, s);
        }
        if (kco_avro_has_default(s) && !kco_schema_param(s, KCO_AVRO_FIELD_DEFAULT)) {
                kco_avro_json_key(out, "connect.default");
                kco_avro_default_json(g, s, s->default_value, 0);
        }
        if (s->name) {
                kco_avro_json_key(out, "connect.name");
                kco_avro_json_cstr(out, s->name);
        }
        if (s->type == KCO_TYPE_INT8 || s->type == KCO_TYPE_INT16) {
                kco_avro_json_key(out, "connect.type");
                kco_avro_json_cstr(out, s->type == KCO_TYPE_INT8 ? "int8" : "int16");
        }
        const char *logical = kco_avro_name_is(s, KCO_DECIMAL_NAME, KCO_TYPE_BYTES)       ? "decimal"
                              : kco_avro_name_is(s, KCO_TIME_NAME, KCO_TYPE_INT32)        ? "time-millis"
                              : kco_avro_name_is(s, KCO_TIMESTAMP_NAME, KCO_TYPE_INT64)   ? "timestamp-millis"
                              : kco_avro_name_is(s, KCO_DATE_NAME, KCO_TYPE_INT32)        ? "date"
                                                                                          : NULL;
        if (logical) {
                kco_avro_json_key(out, "logicalType");
                kco_avro_json_cstr(out, logical);
        }
        for (size_t i = 0; i < s->nparams; i++)
                if (!strncmp(s->params[i].key, "avro", 4)) {
                        kco_avro_json_key(out, s->params[i].key);
                        kco_avro_json_cstr(out, s->params[i].value);
                }
}

static int kco_avro_parse_int(const char *s, int *out) {
        char *end = NULL;
        long v = s ? strtol(s, &end, 10) : 0;
        if (!s || !*s || *end || v < -2147483647L || v > 2147483647L)
                return -1;
        *out = (int)v;
        return 0;
}

/* A primitive type: "int", or {"type":"int", properties} when it has any. */
static void kco_avro_gen_primitive(kco_avro_gen_t *g, const kco_schema_t *s, const char *type) {
        kco_buf_t *out = g->out;
        size_t start = out->len;
        kco_buf_puts(out, "{\"type\":");
        kco_avro_json_cstr(out, type);
        size_t mark = out->len;
        if (kco_avro_name_is(s, KCO_DECIMAL_NAME, KCO_TYPE_BYTES)) {
                int scale, precision = KCO_AVRO_PRECISION_DEFAULT;
                const char *p = kco_schema_param(s, KCO_AVRO_PRECISION);
                if (kco_avro_parse_int(kco_schema_param(s, KCO_DECIMAL_SCALE), &scale) ||
                    (p && kco_avro_parse_int(p, &precision))) {
                        kco_avro_fail(g, "%s needs integer parameters scale (and connect.decimal.precision)",
                                      s->name);
                        return;
                }
                kco_avro_json_key(out, "scale");
                kco_avro_json_int(out, scale);
                kco_avro_json_key(out, "precision");
                kco_avro_json_int(out, precision);
        }
        kco_avro_gen_props(g, s);
        if (out->len == mark) {
                out->len = start;
                kco_avro_json_cstr(out, type);
        } else {
                kco_buf_putc(out, '}');
        }
}

/* s and t equal when both are taken as required (AvroData looks records up by Connect schema). */
static int kco_avro_equal_required(const kco_schema_t *s, const kco_schema_t *t) {
        kco_schema_t a = *s, b = *t;
        a.optional = b.optional = 0;
        return kco_schema_equal(&a, &b);
}

static const kco_avro_named_t *kco_avro_find(kco_avro_gen_t *g, const char *full) {
        for (size_t i = 0; i < g->nnamed; i++)
                if (!strcmp(g->named[i].full, full))
                        return &g->named[i];
        return NULL;
}

/* A reference to a record type already written, as Avro Java prints it. */
static void kco_avro_gen_ref(kco_avro_gen_t *g, const kco_avro_named_t *n) {
        int local = !n->space || (g->space && !strcmp(n->space, g->space));
        kco_avro_json_cstr(g->out, local ? n->name : n->full);
}

/* Registers a new record type; NULL (and failed) when its name is taken. */
static const kco_avro_named_t *kco_avro_define(kco_avro_gen_t *g, const char *space, const char *name, int kind,
                                               const kco_schema_t *node) {
        size_t len = (space ? strlen(space) + 1 : 0) + strlen(name) + 1;
        char *full = kco_arena_alloc(g->arena, len);
        snprintf(full, len, "%s%s%s", space ? space : "", space ? "." : "", name);
        if (kco_avro_find(g, full)) {
                kco_avro_fail(g, "can't redefine %s (two different schemas with this name)", full);
                return NULL;
        }
        if ((g->nnamed & (g->nnamed - 1)) == 0) {
                kco_avro_named_t *grown = kco_arena_alloc(g->arena, (g->nnamed ? 2 * g->nnamed : 4) * sizeof(*grown));
                if (g->nnamed)
                        memcpy(grown, g->named, g->nnamed * sizeof(*grown));
                g->named = grown;
        }
        kco_avro_named_t *n = &g->named[g->nnamed++];
        n->full = full;
        n->space = space;
        n->name = name;
        n->kind = kind;
        n->node = node;
        return n;
}

/* "name", and "namespace" when it differs from the enclosing one; then makes it the enclosing one. */
static void kco_avro_gen_name(kco_avro_gen_t *g, const kco_avro_named_t *n) {
        kco_buf_puts(g->out, "{\"type\":\"record\",\"name\":");
        kco_avro_json_cstr(g->out, n->name);
        if (n->space) {
                if (!g->space || strcmp(n->space, g->space)) {
                        kco_avro_json_key(g->out, "namespace");
                        kco_avro_json_cstr(g->out, n->space);
                }
        } else if (g->space) {
                kco_buf_puts(g->out, ",\"namespace\":\"\"");
        }
        g->space = n->space;
}

static int kco_avro_seen_add(kco_avro_gen_t *g, const char *name) {
        for (size_t i = 0; i < g->nseen; i++)
                if (!strcmp(g->seen[i], name))
                        return 0;
        if ((g->nseen & (g->nseen - 1)) == 0) {
                const char **grown = kco_arena_alloc(g->arena, (g->nseen ? 2 * g->nseen : 4) * sizeof(*grown));
                if (g->nseen)
                        memcpy(grown, g->seen, g->nseen * sizeof(*grown));
                g->seen = grown;
        }
        g->seen[g->nseen++] = name;
        return 1;
}

/* Whether the Avro type of s is a record or a union with a record in it. */
static int kco_avro_is_named_type(const kco_schema_t *s) {
        if (s->type != KCO_TYPE_STRUCT)
                return 0;
        if (!kco_avro_is_union(s))
                return 1;
        for (size_t i = 0; i < s->nfields; i++)
                if (s->fields[i].schema->type == KCO_TYPE_STRUCT && !kco_avro_is_union(s->fields[i].schema))
                        return 1;
        return 0;
}

/* AvroData.addAvroRecordField. */
static void kco_avro_gen_field(kco_avro_gen_t *g, const char *name, const kco_schema_t *fs, const char *doc) {
        kco_buf_t *out = g->out;
        int already_seen = fs->name && !kco_avro_seen_add(g, fs->name);
        kco_buf_puts(out, "{\"name\":");
        kco_avro_json_cstr(out, name);
        kco_buf_puts(out, ",\"type\":");
        kco_avro_gen(g, fs, 0);
        if (doc) {
                kco_avro_json_key(out, "doc");
                kco_avro_json_cstr(out, doc);
        }
        if (kco_avro_has_default(fs)) {
                if (kco_avro_default_valid(fs, fs->default_value, 0)) {
                        kco_avro_json_key(out, "default");
                        kco_avro_default_json(g, fs, fs->default_value, 1);
                }
        } else if (fs->optional) {
                kco_buf_puts(out, ",\"default\":null");
        }
        if (already_seen && kco_avro_nparams(fs) && kco_avro_is_named_type(fs)) {
                kco_avro_json_key(out, "connect.parameters");
                kco_avro_gen_params(g, fs);
        }
        kco_buf_putc(out, '}');
}

static void kco_avro_gen_record(kco_avro_gen_t *g, const kco_schema_t *s) {
        for (size_t i = 0; i < g->nnamed; i++)
                if (g->named[i].kind == KCO_AVRO_RECORD && kco_avro_equal_required(g->named[i].node, s)) {
                        kco_avro_gen_ref(g, &g->named[i]);
                        return;
                }
        const char *space = KCO_AVRO_NS, *name;
        if (s->name) {
                const char *dot = strrchr(s->name, '.');
                space = dot && dot > s->name ? kco_arena_strndup(g->arena, s->name, (size_t)(dot - s->name)) : NULL;
                name = dot ? dot + 1 : s->name;
        } else {
                char n[32];
                int idx = ++g->default_index;
                if (idx > 1)
                        snprintf(n, sizeof(n), "ConnectDefault%d", idx);
                else
                        snprintf(n, sizeof(n), "ConnectDefault");
                name = kco_arena_strdup(g->arena, n);
        }
        const kco_avro_named_t *n = kco_avro_define(g, space, name, KCO_AVRO_RECORD, s);
        if (!n)
                return;
        const char *saved = g->space;
        kco_avro_gen_name(g, n);
        const char *doc = kco_schema_param(s, KCO_AVRO_RECORD_DOC);
        if (doc) {
                kco_avro_json_key(g->out, "doc");
                kco_avro_json_cstr(g->out, doc);
        }
        kco_buf_puts(g->out, ",\"fields\":[");
        kco_buf_t key;
        kco_buf_init(&key);
        for (size_t i = 0; i < s->nfields && !g->failed; i++) {
                if (i)
                        kco_buf_putc(g->out, ',');
                key.len = 0;
                kco_buf_puts(&key, KCO_AVRO_FIELD_DOC);
                kco_buf_puts(&key, s->fields[i].name);
                kco_avro_gen_field(g, s->fields[i].name, s->fields[i].schema, kco_schema_param(s, kco_buf_cstr(&key)));
        }
        kco_buf_free(&key);
        kco_buf_putc(g->out, ']');
        kco_avro_gen_props(g, s);
        kco_buf_putc(g->out, '}');
        g->space = saved;
}

/* The record of a map with keys Avro maps cannot have: {key, value}. */
static void kco_avro_gen_entry(kco_avro_gen_t *g, const kco_schema_t *s) {
        const char *space = KCO_AVRO_NS, *name = "MapEntry";
        if (s->name) {
                const char *dot = strrchr(s->name, '.');
                space = dot && dot > s->name ? kco_arena_strndup(g->arena, s->name, (size_t)(dot - s->name)) : NULL;
                name = dot ? dot + 1 : s->name;
        }
        char full[1024];
        snprintf(full, sizeof(full), "%s%s%s", space ? space : "", space ? "." : "", name);
        const kco_avro_named_t *n = kco_avro_find(g, full);
        if (n && n->kind == KCO_AVRO_ENTRY && kco_schema_equal(n->node->key, s->key) &&
            kco_schema_equal(n->node->value, s->value) && !n->node->name == !s->name) {
                kco_avro_gen_ref(g, n);
                return;
        }
        n = kco_avro_define(g, space, name, KCO_AVRO_ENTRY, s);
        if (!n)
                return;
        const char *saved = g->space;
        kco_avro_gen_name(g, n);
        kco_buf_puts(g->out, ",\"fields\":[");
        kco_avro_gen_field(g, "key", s->key, NULL);
        kco_buf_putc(g->out, ',');
        kco_avro_gen_field(g, "value", s->value, NULL);
        kco_buf_putc(g->out, ']');
        if (s->name)
                kco_buf_puts(g->out, ",\"connect.internal.type\":\"MapEntry\"");
        kco_buf_putc(g->out, '}');
        g->space = saved;
}

/* The type of s taken as required (AvroData's baseSchema). */
static void kco_avro_gen_base(kco_avro_gen_t *g, const kco_schema_t *s) {
        kco_buf_t *out = g->out;
        switch (s->type) {
        case KCO_TYPE_INT8:
        case KCO_TYPE_INT16:
        case KCO_TYPE_INT32:
                kco_avro_gen_primitive(g, s, "int");
                break;
        case KCO_TYPE_INT64:
                kco_avro_gen_primitive(g, s, "long");
                break;
        case KCO_TYPE_FLOAT32:
                kco_avro_gen_primitive(g, s, "float");
                break;
        case KCO_TYPE_FLOAT64:
                kco_avro_gen_primitive(g, s, "double");
                break;
        case KCO_TYPE_BOOLEAN:
                kco_avro_gen_primitive(g, s, "boolean");
                break;
        case KCO_TYPE_STRING:
                kco_avro_gen_primitive(g, s, "string");
                break;
        case KCO_TYPE_BYTES:
                kco_avro_gen_primitive(g, s, "bytes");
                break;
        case KCO_TYPE_ARRAY:
                kco_buf_puts(out, "{\"type\":\"array\",\"items\":");
                kco_avro_gen(g, s->value, 0);
                kco_avro_gen_props(g, s);
                kco_buf_putc(out, '}');
                break;
        case KCO_TYPE_MAP:
                if (kco_avro_map_is_native(s)) {
                        kco_buf_puts(out, "{\"type\":\"map\",\"values\":");
                        kco_avro_gen(g, s->value, 0);
                } else {
                        kco_buf_puts(out, "{\"type\":\"array\",\"items\":");
                        kco_avro_gen_entry(g, s);
                }
                kco_avro_gen_props(g, s);
                kco_buf_putc(out, '}');
                break;
        case KCO_TYPE_STRUCT:
                kco_avro_gen_record(g, s);
                break;
        default:
                kco_avro_fail(g, "no Avro type for a schema of type %s", kco_type_name(s->type));
        }
}

/* AvroData.fromConnectSchema(s, ctx, ignoreOptional = req). */
static void kco_avro_gen(kco_avro_gen_t *g, const kco_schema_t *s, int req) {
        kco_buf_t *out = g->out;
        if (g->failed)
                return;
        if (!s) {
                kco_avro_fail(g, "a schemaless value inside a schema%s", "");
                return;
        }
        int opt = s->optional && !req;
        if (kco_avro_is_union(s)) {
                kco_buf_putc(out, '[');
                if (opt)
                        kco_buf_puts(out, "\"null\"");
                for (size_t i = 0; i < s->nfields; i++) {
                        if (i || opt)
                                kco_buf_putc(out, ',');
                        kco_avro_gen(g, s->fields[i].schema, 1);
                }
                kco_buf_putc(out, ']');
                return;
        }
        if (opt && s->type == KCO_TYPE_STRUCT) {
                kco_buf_puts(out, "[\"null\",");
                kco_avro_gen(g, s, 1);
                kco_buf_putc(out, ']');
                return;
        }
        int value_first = kco_avro_has_default(s);
        if (opt)
                kco_buf_puts(out, value_first ? "[" : "[\"null\",");
        kco_avro_gen_base(g, s);
        if (opt)
                kco_buf_puts(out, value_first ? ",\"null\"]" : "]");
}

int kco_avro_schema_json(const kco_schema_t *s, kco_buf_t *out, kco_err_t *err) {
        kco_avro_gen_t g;
        memset(&g, 0, sizeof(g));
        g.out = out;
        g.err = err;
        g.arena = kco_arena_new(4096);
        size_t start = out->len;
        kco_avro_gen(&g, s, 0);
        kco_arena_destroy(g.arena);
        if (g.failed) {
                out->len = start;
                return -1;
        }
        return 0;
}
