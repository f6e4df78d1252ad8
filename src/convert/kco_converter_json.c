/*
 * kco_converter_json.c - org.apache.kafka.connect.json.JsonConverter: JSON
 * bytes -> a typed Connect value. With schemas.enable (key./value.converter.
 * schemas.enable) the message is the envelope {"schema": .., "payload": ..}
 * and the payload is read with that schema ("schema": null: schemaless);
 * without, the whole message is a schemaless value.
 *
 * Owns: a scratch arena for the parsed message (kco_json_dom.h), and the
 * schema cache: trees keyed by the exact text of the "schema" member, one
 * reference each, in two generations of up to 1000 entries (when the current
 * one is full the previous one is released), so a tree outlives by 1000 new
 * schemas the last record that used it. Task thread. Must never: leave a
 * pointer into the scratch arena in a value (unescaped strings are copied
 * into the batch arena; other strings point into the message, which
 * kco_value.h allows); recurse without a depth bound.
 *
 * Parsing is kco_json_dom (RFC 8259, UTF-8 checked) rather than jansson:
 * Decimal payloads given as JSON numbers need the number's exact text
 * (jansson keeps a double), integers beyond int64 are a parse error in
 * jansson, and the cache needs the schema's text. Strings without escapes
 * are not copied; the "schema" member is only checked while parsing and
 * parsed into nodes on a cache miss.
 *
 * Behaviour follows JsonConverter.toConnectData / asConnectSchema /
 * convertToConnect (Apache Kafka 3.x). Where Connect is lax we are strict,
 * and say so in the error (a data error, KCO_ERR_DATA, with the JSON path):
 *   - a value of the wrong JSON type (Connect's Jackson accessors return 0,
 *     false or null for them), an integer out of its type's range or with a
 *     fraction or exponent (Connect truncates), a float beyond float32/64
 *     (Connect: Infinity); base64 must be padded and in the standard alphabet.
 *   - trailing data after the JSON value (Jackson ignores it); nesting deeper
 *     than 64 (values and schemas).
 * Other decisions:
 *   - duplicate object keys: the last wins, at the place of the first
 *     (Jackson's ObjectNode); the envelope counts distinct keys.
 *   - schemaless integers beyond int64 become FLOAT64 (Connect wraps them to
 *     a long); an empty message is null without schemas (Jackson's missing
 *     node), an envelope error with them.
 *   - Decimal from a JSON number is rescaled to the schema's scale when that
 *     is exact (1.5 for scale 2 is 150) and a data error when digits would be
 *     lost (Connect keeps the number's own scale and fails when writing it).
 *     Decimal bytes are kept in minimal two's complement, as Connect's
 *     BigInteger round trip writes them.
 *   - an unpaired \uD800-\uDFFF escape becomes U+FFFD; raw invalid UTF-8 is a
 *     parse error (as in Jackson). Schema names, docs, parameters and field
 *     names may not contain NUL (C strings).
 *   - a schemaless null is KCO_DATA_NULL (Connect: SchemaAndValue.NULL); a
 *     null with a schema is a KCO_TYPE_NULL value carrying the schema.
 *   - "default": null is no default (an error on a required schema, as in
 *     Connect); defaults live in the schema's arena, strings copied.
 */
#include "convert/kco_converter.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/kco_json_dom.h"
#include "core/kco_mem.h"

#define JC_MAX_DEPTH 64                           /* schema and value nesting */
#define JC_PARSE_MAX_DEPTH (2 * JC_MAX_DEPTH + 8) /* JSON nesting: one struct schema level is two */
#define JC_CACHE_MAX 1000
#define JC_CACHE_SLOTS 2048
#define JC_DECIMAL_MAX_DIGITS 1000

typedef struct jc_entry_s {
        uint64_t hash;
        char *key;
        size_t len;
        kco_schema_t *schema; /* NULL: free slot */
} jc_entry_t;

typedef struct jc_cache_s {
        jc_entry_t *slots; /* JC_CACHE_SLOTS, on first use */
        size_t n;
} jc_cache_t;

typedef struct jc_default_s {
        kco_schema_t *s;
        const kco_json_node_t *j;
        const char *path;
} jc_default_t;

typedef struct jc_s {
        kco_converter_t base;
        int schemas; /* schemas.enable */
        kco_arena_t *scratch;
        kco_json_dom_t dom;
        jc_default_t *defs;
        size_t ndefs, capdefs;
        jc_cache_t cur, old;
        kco_err_t *err;
        kco_arena_t *arena; /* where values go */
        int copy;           /* copy every string into arena (schema defaults) */
        size_t plen;
        char path[200];
} jc_t;

/* ------------------------------------------------------------ errors */

static void jc_path_set(jc_t *c, const char *root) {
        c->plen = (size_t)snprintf(c->path, sizeof(c->path), "%s", root);
}

static size_t jc_path_key(jc_t *c, const char *p, size_t n) {
        size_t old = c->plen;
        if (c->plen + 2 >= sizeof(c->path))
                return old;
        c->path[c->plen++] = '.';
        for (size_t i = 0; i < n && i < 40 && c->plen + 1 < sizeof(c->path); i++)
                c->path[c->plen++] = (unsigned char)p[i] < 0x20 ? '?' : p[i];
        c->path[c->plen] = '\0';
        return old;
}

static size_t jc_path_index(jc_t *c, size_t i) {
        size_t old = c->plen;
        int k = snprintf(c->path + c->plen, sizeof(c->path) - c->plen, "[%zu]", i);
        if (k > 0 && c->plen + (size_t)k < sizeof(c->path))
                c->plen += (size_t)k;
        c->path[c->plen] = '\0';
        return old;
}

static void jc_path_pop(jc_t *c, size_t old) {
        c->plen = old;
        c->path[old] = '\0';
}

__attribute__((format(printf, 2, 3))) static int jc_fail(jc_t *c, const char *fmt, ...) {
        char msg[384];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return kco_err_set(c->err, KCO_ERR_DATA, 0, "JsonConverter: %s at %s", msg, c->path);
}

/* "INT32" for KCO_TYPE_INT32: Connect's Schema.Type names. */
static const char *jc_type_upper(kco_type_t t, char *buf, size_t n) {
        const char *s = kco_type_name(t);
        size_t i = 0;
        for (; s[i] && i + 1 < n; i++)
                buf[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
        buf[i] = '\0';
        return buf;
}

/* ------------------------------------------------------------ numbers */

/* Minimal big-endian two's complement: drops sign-extension bytes. Returns how many leading bytes to skip. */
static size_t jc_twos_trim(const unsigned char *b, size_t n) {
        size_t off = 0;
        while (n - off > 1 && ((b[off] == 0 && !(b[off + 1] & 0x80)) || (b[off] == 0xFF && (b[off + 1] & 0x80))))
                off++;
        return off;
}

/* A Decimal from a JSON number: the unscaled value at the schema's scale, as two's complement bytes. */
static int jc_decimal_number(jc_t *c, const kco_json_node_t *j, int scale, kco_value_t *out) {
        const char *p = j->p, *e = j->p + j->len;
        int neg = *p == '-';
        p += neg;
        char *dig = kco_arena_alloc(c->scratch, j->len + 1);
        size_t nd = 0;
        int64_t exp = 0, nfrac = 0;
        int point = 0;
        for (; p < e && *p != 'e' && *p != 'E'; p++) {
                if (*p == '.') {
                        point = 1;
                        continue;
                }
                nfrac += point;
                if (nd || *p != '0')
                        dig[nd++] = *p; /* significant digits */
        }
        if (p < e) {
                int eneg = *++p == '-';
                if (*p == '+' || *p == '-')
                        p++;
                for (; p < e; p++)
                        if (exp < 1000000000)
                                exp = exp * 10 + (*p - '0');
                exp = eneg ? -exp : exp;
        }
        while (nd && dig[nd - 1] == '0')
                nd--, exp++;
        int64_t k = exp - nfrac + scale; /* unscaled = digits * 10^k */
        if (nd && k < 0)
                return jc_fail(c, "Decimal %.*s has more digits after the point than the schema's scale %d",
                               (int)(j->len > 60 ? 60 : j->len), j->p, scale);
        if (nd && (int64_t)nd + k > JC_DECIMAL_MAX_DIGITS)
                return jc_fail(c, "Decimal %.*s has more than %d digits", (int)(j->len > 60 ? 60 : j->len), j->p,
                               JC_DECIMAL_MAX_DIGITS);
        size_t total = nd ? nd + (size_t)k : 0, cap = total / 2 + 2, mlen = 0;
        unsigned char *m = kco_arena_calloc(c->scratch, cap, 1); /* magnitude, little-endian */
        for (size_t i = 0; i < total; i++) {
                unsigned carry = i < nd ? (unsigned)(dig[i] - '0') : 0;
                for (size_t b = 0; b < mlen; b++) {
                        unsigned v = m[b] * 10u + carry;
                        m[b] = (unsigned char)v;
                        carry = v >> 8;
                }
                while (carry) {
                        m[mlen++] = (unsigned char)carry;
                        carry >>= 8;
                }
        }
        unsigned char *b = kco_arena_alloc(c->arena, mlen + 1);
        b[0] = neg && mlen ? 0xFF : 0x00;
        for (size_t i = 0; i < mlen; i++)
                b[1 + i] = m[mlen - 1 - i];
        if (neg && mlen) { /* two's complement of the magnitude over mlen + 1 bytes */
                unsigned carry = 1;
                for (size_t i = mlen + 1; i-- > 1;) {
                        unsigned v = (unsigned)(unsigned char)~b[i] + carry;
                        b[i] = (unsigned char)v;
                        carry = v >> 8;
                }
        }
        size_t off = jc_twos_trim(b, mlen + 1);
        out->type = KCO_TYPE_BYTES;
        out->u.s.ptr = (const char *)b + off;
        out->u.s.len = mlen + 1 - off;
        return 0;
}

static signed char jc_b64_value(unsigned ch) {
        if (ch >= 'A' && ch <= 'Z')
                return (signed char)(ch - 'A');
        if (ch >= 'a' && ch <= 'z')
                return (signed char)(ch - 'a' + 26);
        if (ch >= '0' && ch <= '9')
                return (signed char)(ch - '0' + 52);
        return ch == '+' ? 62 : ch == '/' ? 63 : -1;
}

/* Strict standard base64 (padded, no whitespace) into c->arena. */
static int jc_base64(jc_t *c, const kco_json_node_t *j, kco_value_t *out) {
        const unsigned char *p = (const unsigned char *)j->p;
        size_t n = j->len, pad = 0;
        if (n % 4)
                return jc_fail(c, "Invalid base64: length %zu is not a multiple of 4", n);
        if (n && p[n - 1] == '=')
                pad = n > 1 && p[n - 2] == '=' ? 2 : 1;
        unsigned char *o = kco_arena_alloc(c->arena, n / 4 * 3 + 1);
        size_t w = 0;
        for (size_t i = 0; i < n; i += 4) {
                unsigned v = 0;
                for (size_t k = 0; k < 4; k++) {
                        signed char d = p[i + k] == '=' && i + 4 == n && k >= 4 - pad ? 0 : jc_b64_value(p[i + k]);
                        if (d < 0)
                                return jc_fail(c, "Invalid base64: unexpected character at offset %zu", i + k);
                        v = v << 6 | (unsigned)d;
                }
                size_t take = i + 4 == n ? 3 - pad : 3;
                for (size_t k = 0; k < take; k++)
                        o[w++] = (unsigned char)(v >> (16 - 8 * k));
        }
        out->type = KCO_TYPE_BYTES;
        out->u.s.ptr = (const char *)o;
        out->u.s.len = w;
        return 0;
}

/* ------------------------------------------------------------ values */

static const char *jc_text(jc_t *c, const kco_json_node_t *j) {
        if (!c->copy && !(j->flags & KCO_JSON_OWNED))
                return j->p;
        return kco_arena_strndup(c->arena, j->p, j->len);
}

static void jc_string(jc_t *c, const kco_json_node_t *j, kco_value_t *out) {
        out->type = KCO_TYPE_STRING;
        out->u.s.ptr = jc_text(c, j);
        out->u.s.len = j->len;
}

static kco_value_t *jc_items(jc_t *c, size_t n) {
        return kco_arena_calloc(c->arena, n ? n : 1, sizeof(kco_value_t));
}

static int jc_schemaless(jc_t *c, const kco_json_node_t *j, kco_value_t *out, int depth) {
        out->schema = NULL;
        switch (j->kind) {
        case KCO_JSON_NULL:
                out->type = KCO_TYPE_NULL;
                return 0;
        case KCO_JSON_FALSE:
        case KCO_JSON_TRUE:
                out->type = KCO_TYPE_BOOLEAN;
                out->u.i = j->kind == KCO_JSON_TRUE;
                return 0;
        case KCO_JSON_NUMBER:
                out->type = KCO_TYPE_INT64;
                if (kco_json_dom_int64(j, &out->u.i) == 0)
                        return 0;
                out->type = KCO_TYPE_FLOAT64;
                if (kco_json_dom_real(j, 0, &out->u.d))
                        return jc_fail(c, "Number %.*s is out of range for FLOAT64", (int)(j->len > 60 ? 60 : j->len),
                                       j->p);
                return 0;
        case KCO_JSON_STRING:
                jc_string(c, j, out);
                return 0;
        }
        if (depth >= JC_MAX_DEPTH)
                return jc_fail(c, "Value nested deeper than %d levels", JC_MAX_DEPTH);
        size_t n = j->n;
        out->type = j->kind == KCO_JSON_ARRAY ? KCO_TYPE_ARRAY : KCO_TYPE_MAP;
        out->u.c.n = n;
        out->u.c.items = jc_items(c, j->kind == KCO_JSON_ARRAY ? n : 2 * n);
        for (size_t i = 0; i < n; i++) {
                size_t old;
                if (j->kind == KCO_JSON_ARRAY) {
                        old = jc_path_index(c, i);
                        if (jc_schemaless(c, &j->items[i], &out->u.c.items[i], depth + 1))
                                return -1;
                } else {
                        const kco_json_node_t *k = &j->items[2 * i];
                        jc_string(c, k, &out->u.c.items[2 * i]);
                        old = jc_path_key(c, k->p, k->len);
                        if (jc_schemaless(c, &j->items[2 * i + 1], &out->u.c.items[2 * i + 1], depth + 1))
                                return -1;
                }
                jc_path_pop(c, old);
        }
        return 0;
}

static int jc_value(jc_t *c, const kco_schema_t *s, const kco_json_node_t *j, kco_value_t *out, int depth);

static int jc_mismatch(jc_t *c, const kco_schema_t *s, const char *want, const kco_json_node_t *j) {
        char t[16];
        return jc_fail(c, "Invalid value for %s: expected %s, found %s", jc_type_upper(s->type, t, sizeof(t)), want,
                       kco_json_dom_kind_name(j));
}

static int jc_integer(jc_t *c, const kco_schema_t *s, const kco_json_node_t *j, int64_t lo, int64_t hi,
                      kco_value_t *out) {
        char t[16];
        if (j->kind != KCO_JSON_NUMBER)
                return jc_mismatch(c, s, "an integer", j);
        int rc = kco_json_dom_int64(j, &out->u.i);
        if (rc == -1)
                return jc_fail(c, "Invalid value for %s: %.*s is not an integer", jc_type_upper(s->type, t, sizeof(t)),
                               (int)(j->len > 60 ? 60 : j->len), j->p);
        if (rc || out->u.i < lo || out->u.i > hi)
                return jc_fail(c, "Value %.*s is out of range for %s", (int)(j->len > 60 ? 60 : j->len), j->p,
                               jc_type_upper(s->type, t, sizeof(t)));
        out->type = s->type;
        return 0;
}

static int jc_logical(jc_t *c, const kco_schema_t *s, const kco_json_node_t *j, kco_value_t *out) {
        switch (s->logical) {
        case KCO_LOGICAL_DECIMAL:
                if (j->kind == KCO_JSON_NUMBER)
                        return jc_decimal_number(c, j, s->scale, out);
                if (j->kind != KCO_JSON_STRING)
                        return jc_fail(c, "Invalid type for Decimal, underlying representation should be numeric or "
                                          "bytes but was %s",
                                       kco_json_dom_kind_name(j));
                if (jc_base64(c, j, out))
                        return -1;
                if (!out->u.s.len)
                        return jc_fail(c, "Invalid bytes for Decimal field: empty");
                size_t off = jc_twos_trim((const unsigned char *)out->u.s.ptr, out->u.s.len);
                out->u.s.ptr += off;
                out->u.s.len -= off;
                return 0;
        case KCO_LOGICAL_DATE:
        case KCO_LOGICAL_TIME:
                if (jc_integer(c, s, j, INT32_MIN, INT32_MAX, out))
                        return -1;
                if (s->logical == KCO_LOGICAL_TIME && (out->u.i < 0 || out->u.i > 86400000))
                        return jc_fail(c, "Time values must use number of milliseconds greater than 0 and less than "
                                          "86400000");
                return 0;
        default: /* KCO_LOGICAL_TIMESTAMP */
                return jc_integer(c, s, j, INT64_MIN, INT64_MAX, out);
        }
}

static int jc_map(jc_t *c, const kco_schema_t *s, const kco_json_node_t *j, kco_value_t *out, int depth) {
        int by_object = s->key->type == KCO_TYPE_STRING;
        if (by_object && j->kind != KCO_JSON_OBJECT)
                return jc_fail(c, "Maps with string fields should be encoded as JSON objects, but found %s",
                               kco_json_dom_kind_name(j));
        if (!by_object && j->kind != KCO_JSON_ARRAY)
                return jc_fail(c, "Maps with non-string fields should be encoded as JSON array of tuples, but found %s",
                               kco_json_dom_kind_name(j));
        out->type = KCO_TYPE_MAP;
        out->u.c.n = j->n;
        out->u.c.items = jc_items(c, 2 * (size_t)j->n);
        for (size_t i = 0; i < j->n; i++) {
                kco_value_t *kv = &out->u.c.items[2 * i];
                size_t old;
                int rc;
                if (by_object) {
                        const kco_json_node_t *k = &j->items[2 * i];
                        jc_string(c, k, kv);
                        kv->schema = s->key;
                        old = jc_path_key(c, k->p, k->len);
                        rc = jc_value(c, s->value, &j->items[2 * i + 1], kv + 1, depth + 1);
                } else {
                        const kco_json_node_t *e = &j->items[i];
                        old = jc_path_index(c, i);
                        if (e->kind != KCO_JSON_ARRAY)
                                return jc_fail(c, "Found invalid map entry instead of array tuple: %s",
                                               kco_json_dom_kind_name(e));
                        if (e->n != 2)
                                return jc_fail(c, "Found invalid map entry, expected length 2 but found %u", e->n);
                        size_t o2 = jc_path_index(c, 0);
                        rc = jc_value(c, s->key, &e->items[0], kv, depth + 1);
                        jc_path_pop(c, o2);
                        if (!rc) {
                                jc_path_index(c, 1);
                                rc = jc_value(c, s->value, &e->items[1], kv + 1, depth + 1);
                        }
                }
                if (rc)
                        return -1;
                jc_path_pop(c, old);
        }
        return 0;
}

static int jc_value(jc_t *c, const kco_schema_t *s, const kco_json_node_t *j, kco_value_t *out, int depth) {
        char t[16];
        out->schema = s;
        if (!j || j->kind == KCO_JSON_NULL) {
                if (s->default_value) {
                        *out = *s->default_value;
                        out->schema = s;
                        return 0;
                }
                out->type = KCO_TYPE_NULL;
                if (s->optional)
                        return 0;
                return jc_fail(c, "Invalid null value for required %s field", jc_type_upper(s->type, t, sizeof(t)));
        }
        if (s->logical != KCO_LOGICAL_NONE)
                return jc_logical(c, s, j, out);
        switch (s->type) {
        case KCO_TYPE_BOOLEAN:
                if (j->kind != KCO_JSON_TRUE && j->kind != KCO_JSON_FALSE)
                        return jc_mismatch(c, s, "a boolean", j);
                out->type = KCO_TYPE_BOOLEAN;
                out->u.i = j->kind == KCO_JSON_TRUE;
                return 0;
        case KCO_TYPE_INT8:
                return jc_integer(c, s, j, INT8_MIN, INT8_MAX, out);
        case KCO_TYPE_INT16:
                return jc_integer(c, s, j, INT16_MIN, INT16_MAX, out);
        case KCO_TYPE_INT32:
                return jc_integer(c, s, j, INT32_MIN, INT32_MAX, out);
        case KCO_TYPE_INT64:
                return jc_integer(c, s, j, INT64_MIN, INT64_MAX, out);
        case KCO_TYPE_FLOAT32:
        case KCO_TYPE_FLOAT64:
                if (j->kind != KCO_JSON_NUMBER)
                        return jc_mismatch(c, s, "a number", j);
                out->type = s->type;
                if (kco_json_dom_real(j, s->type == KCO_TYPE_FLOAT32, &out->u.d))
                        return jc_fail(c, "Number %.*s is out of range for %s", (int)(j->len > 60 ? 60 : j->len), j->p,
                                       jc_type_upper(s->type, t, sizeof(t)));
                return 0;
        case KCO_TYPE_STRING:
                if (j->kind != KCO_JSON_STRING)
                        return jc_mismatch(c, s, "a string", j);
                jc_string(c, j, out);
                return 0;
        case KCO_TYPE_BYTES:
                if (j->kind != KCO_JSON_STRING)
                        return jc_mismatch(c, s, "a base64 string", j);
                return jc_base64(c, j, out);
        default:
                break;
        }
        if (depth >= JC_MAX_DEPTH)
                return jc_fail(c, "Value nested deeper than %d levels", JC_MAX_DEPTH);
        if (s->type == KCO_TYPE_MAP)
                return jc_map(c, s, j, out, depth);
        if (s->type == KCO_TYPE_ARRAY) {
                if (j->kind != KCO_JSON_ARRAY)
                        return jc_mismatch(c, s, "an array", j);
                out->type = KCO_TYPE_ARRAY;
                out->u.c.n = j->n;
                out->u.c.items = jc_items(c, j->n);
                for (size_t i = 0; i < j->n; i++) {
                        size_t old = jc_path_index(c, i);
                        if (jc_value(c, s->value, &j->items[i], &out->u.c.items[i], depth + 1))
                                return -1;
                        jc_path_pop(c, old);
                }
                return 0;
        }
        /* STRUCT: fields by name; members the schema does not name are ignored, as in Connect */
        if (j->kind != KCO_JSON_OBJECT)
                return jc_fail(c, "Structs should be encoded as JSON objects, but found %s", kco_json_dom_kind_name(j));
        out->type = KCO_TYPE_STRUCT;
        out->u.c.n = s->nfields;
        out->u.c.items = jc_items(c, s->nfields);
        for (size_t i = 0; i < s->nfields; i++) {
                const char *name = s->fields[i].name;
                size_t nlen = strlen(name), old = jc_path_key(c, name, nlen);
                if (jc_value(c, s->fields[i].schema, kco_json_dom_get(j, name, nlen), &out->u.c.items[i], depth + 1))
                        return -1;
                jc_path_pop(c, old);
        }
        return 0;
}

/* ------------------------------------------------------------ schemas */

/* A NUL-terminated copy of a schema string (which may not hold NUL), in the scratch arena. */
static const char *jc_cstr(jc_t *c, const kco_json_node_t *j, const char *what) {
        if (memchr(j->p, 0, j->len)) {
                jc_fail(c, "Schema %s may not contain NUL characters", what);
                return NULL;
        }
        return j->flags & KCO_JSON_OWNED ? j->p : kco_arena_strndup(c->scratch, j->p, j->len);
}

static const struct {
        const char *name;
        kco_type_t type;
} jc_types[] = {
        {"boolean", KCO_TYPE_BOOLEAN}, {"int8", KCO_TYPE_INT8},     {"int16", KCO_TYPE_INT16},
        {"int32", KCO_TYPE_INT32},     {"int64", KCO_TYPE_INT64},   {"float", KCO_TYPE_FLOAT32},
        {"double", KCO_TYPE_FLOAT64},  {"bytes", KCO_TYPE_BYTES},   {"string", KCO_TYPE_STRING},
        {"array", KCO_TYPE_ARRAY},     {"map", KCO_TYPE_MAP},       {"struct", KCO_TYPE_STRUCT},
};

static int jc_schema(jc_t *c, kco_schema_t **rootp, const kco_json_node_t *j, int depth, kco_schema_t **outp);

static int jc_schema_child(jc_t *c, kco_schema_t **rootp, const kco_json_node_t *j, const char *member, int depth,
                           kco_schema_t **outp) {
        size_t old = jc_path_key(c, member, strlen(member));
        if (jc_schema(c, rootp, j, depth + 1, outp))
                return -1;
        jc_path_pop(c, old);
        return 0;
}

static int jc_schema_fields(jc_t *c, kco_schema_t **rootp, kco_schema_t *s, const kco_json_node_t *j, int depth) {
        const kco_json_node_t *fields = kco_json_dom_get(j, "fields", 6);
        if (!fields || fields->kind != KCO_JSON_ARRAY)
                return jc_fail(c, "Struct schema's \"fields\" argument is not an array.");
        kco_schema_alloc_fields(s, fields->n);
        size_t old = jc_path_key(c, "fields", 6), here = c->plen;
        for (size_t i = 0; i < fields->n; i++) {
                const kco_json_node_t *f = &fields->items[i];
                const kco_json_node_t *fname = kco_json_dom_get(f, "field", 5);
                jc_path_index(c, i);
                if (!fname || fname->kind != KCO_JSON_STRING)
                        return jc_fail(c, "Struct schema's field name not specified properly");
                const char *name = jc_cstr(c, fname, "field names");
                if (!name)
                        return -1;
                for (size_t k = 0; k < i; k++)
                        if (!strcmp(s->fields[k].name, name))
                                return jc_fail(c, "Cannot create field because of field name duplication %s", name);
                kco_schema_t *child;
                if (jc_schema(c, rootp, f, depth + 1, &child))
                        return -1;
                kco_schema_set_field(s, i, name, child);
                jc_path_pop(c, here);
        }
        jc_path_pop(c, old);
        return 0;
}

/* JsonConverter.asConnectSchema for one node of the tree (defaults are converted once the tree is finished). */
static int jc_schema(jc_t *c, kco_schema_t **rootp, const kco_json_node_t *j, int depth, kco_schema_t **outp) {
        if (depth >= JC_MAX_DEPTH)
                return jc_fail(c, "Schema nested deeper than %d levels", JC_MAX_DEPTH);
        const kco_json_node_t *t = kco_json_dom_get(j, "type", 4);
        if (!t || t->kind != KCO_JSON_STRING)
                return jc_fail(c, "Schema must contain 'type' field");
        size_t ti = 0, nt = sizeof(jc_types) / sizeof(jc_types[0]);
        while (ti < nt && (t->len != strlen(jc_types[ti].name) || memcmp(t->p, jc_types[ti].name, t->len)))
                ti++;
        if (ti == nt)
                return jc_fail(c, "Unknown schema type: %.*s", (int)(t->len > 40 ? 40 : t->len), t->p);
        kco_type_t type = jc_types[ti].type;
        kco_schema_t *s = *rootp ? kco_schema_node(*rootp, type) : (*rootp = kco_schema_new(type));
        *outp = s;
        const kco_json_node_t *x;
        if (type == KCO_TYPE_ARRAY) {
                x = kco_json_dom_get(j, "items", 5);
                if (!x || x->kind == KCO_JSON_NULL)
                        return jc_fail(c, "Array schema did not specify the element type");
                if (jc_schema_child(c, rootp, x, "items", depth, &s->value))
                        return -1;
        } else if (type == KCO_TYPE_MAP) {
                x = kco_json_dom_get(j, "keys", 4);
                if (!x || x->kind == KCO_JSON_NULL)
                        return jc_fail(c, "Map schema did not specify the key type");
                if (jc_schema_child(c, rootp, x, "keys", depth, &s->key))
                        return -1;
                x = kco_json_dom_get(j, "values", 6);
                if (!x || x->kind == KCO_JSON_NULL)
                        return jc_fail(c, "Map schema did not specify the value type");
                if (jc_schema_child(c, rootp, x, "values", depth, &s->value))
                        return -1;
        } else if (type == KCO_TYPE_STRUCT) {
                if (jc_schema_fields(c, rootp, s, j, depth))
                        return -1;
        }
        s->optional = (x = kco_json_dom_get(j, "optional", 8)) && x->kind == KCO_JSON_TRUE;
        const char *str;
        if ((x = kco_json_dom_get(j, "name", 4)) && x->kind == KCO_JSON_STRING) {
                if (!(str = jc_cstr(c, x, "names")))
                        return -1;
                kco_schema_set_name(s, str);
        }
        if ((x = kco_json_dom_get(j, "version", 7)) && x->kind == KCO_JSON_NUMBER && (x->flags & KCO_JSON_INTEGRAL)) {
                int64_t v;
                if (kco_json_dom_int64(x, &v) || v < INT32_MIN || v > INT32_MAX)
                        return jc_fail(c, "Schema version %.*s is out of range", (int)(x->len > 40 ? 40 : x->len),
                                       x->p);
                s->has_version = 1;
                s->version = (int)v;
        }
        if ((x = kco_json_dom_get(j, "doc", 3)) && x->kind == KCO_JSON_STRING) {
                if (!(str = jc_cstr(c, x, "docs")))
                        return -1;
                kco_schema_set_doc(s, str);
        }
        if ((x = kco_json_dom_get(j, "parameters", 10)) && x->kind == KCO_JSON_OBJECT) {
                for (size_t i = 0; i < x->n; i++) {
                        const kco_json_node_t *k = &x->items[2 * i], *v = &x->items[2 * i + 1];
                        if (v->kind != KCO_JSON_STRING)
                                return jc_fail(c, "Schema parameters must have string values.");
                        const char *ks = jc_cstr(c, k, "parameters"), *vs = ks ? jc_cstr(c, v, "parameters") : NULL;
                        if (!vs)
                                return -1;
                        kco_schema_add_param(s, ks, vs);
                }
        }
        if ((x = kco_json_dom_get(j, "default", 7))) {
                if (c->ndefs == c->capdefs) {
                        c->capdefs = c->capdefs ? 2 * c->capdefs : 16;
                        c->defs = kco_realloc(c->defs, c->capdefs * sizeof(*c->defs));
                }
                size_t old = jc_path_key(c, "default", 7);
                c->defs[c->ndefs++] = (jc_default_t){s, x, kco_arena_strdup(c->scratch, c->path)};
                jc_path_pop(c, old);
        }
        return 0;
}

/* The whole tree of a "schema" member: nodes, then logical types, then defaults (children before parents). */
static kco_schema_t *jc_schema_build(jc_t *c, const kco_json_node_t *j) {
        kco_schema_t *root = NULL, *top;
        char why[160];
        c->ndefs = 0;
        if (jc_schema(c, &root, j, 0, &top))
                goto fail;
        if (kco_schema_finish(root, why, sizeof(why))) {
                jc_fail(c, "Invalid schema: %s", why);
                goto fail;
        }
        kco_arena_t *batch = c->arena;
        int copy = c->copy;
        c->arena = root->arena;
        c->copy = 1;
        for (size_t i = 0; i < c->ndefs; i++) {
                kco_value_t *d = kco_arena_calloc(root->arena, 1, sizeof(*d));
                jc_path_set(c, c->defs[i].path);
                if (jc_value(c, c->defs[i].s, c->defs[i].j, d, 0)) {
                        c->arena = batch, c->copy = copy;
                        goto fail;
                }
                if (d->type != KCO_TYPE_NULL) /* a null default is no default, as in Connect */
                        c->defs[i].s->default_value = d;
        }
        c->arena = batch, c->copy = copy;
        return root;
fail:
        kco_schema_unref(root);
        return NULL;
}

static jc_entry_t *jc_cache_find(jc_cache_t *t, uint64_t h, const char *p, size_t n) {
        if (!t->slots)
                return NULL;
        for (size_t i = h & (JC_CACHE_SLOTS - 1); t->slots[i].schema; i = (i + 1) & (JC_CACHE_SLOTS - 1))
                if (t->slots[i].hash == h && t->slots[i].len == n && !memcmp(t->slots[i].key, p, n))
                        return &t->slots[i];
        return NULL;
}

static void jc_cache_clear(jc_cache_t *t) {
        for (size_t i = 0; t->slots && i < JC_CACHE_SLOTS; i++)
                if (t->slots[i].schema) {
                        kco_schema_unref(t->slots[i].schema);
                        free(t->slots[i].key);
                        t->slots[i].schema = NULL;
                }
        t->n = 0;
}

/* Takes over the reference on s. */
static void jc_cache_put(jc_t *c, uint64_t h, const char *p, size_t n, kco_schema_t *s) {
        if (c->cur.n >= JC_CACHE_MAX) {
                jc_cache_t t = c->old;
                jc_cache_clear(&t);
                c->old = c->cur;
                c->cur = t;
        }
        if (!c->cur.slots)
                c->cur.slots = kco_calloc(JC_CACHE_SLOTS, sizeof(jc_entry_t));
        size_t i = h & (JC_CACHE_SLOTS - 1);
        while (c->cur.slots[i].schema)
                i = (i + 1) & (JC_CACHE_SLOTS - 1);
        c->cur.slots[i] = (jc_entry_t){h, kco_strndup(p, n), n, s};
        c->cur.n++;
}

static const kco_schema_t *jc_schema_get(jc_t *c, const kco_json_node_t *j) {
        uint64_t h = kco_json_dom_hash(j->p, j->len);
        jc_entry_t *e = jc_cache_find(&c->cur, h, j->p, j->len);
        if (e)
                return e->schema;
        if ((e = jc_cache_find(&c->old, h, j->p, j->len))) {
                kco_schema_t *s = e->schema;
                jc_cache_put(c, h, j->p, j->len, kco_schema_ref(s)); /* old may be released here: s stays */
                return s;
        }
        kco_json_node_t full;
        if ((j->flags & KCO_JSON_LAZY) && j->kind == KCO_JSON_OBJECT) {
                if (kco_json_dom_parse(&c->dom, c->scratch, j->p, j->len, JC_PARSE_MAX_DEPTH, NULL, &full, c->err) != 1)
                        return NULL; /* not reached: the text was checked */
        } else {
                full = *j;
        }
        kco_schema_t *s = jc_schema_build(c, &full);
        if (s)
                jc_cache_put(c, h, j->p, j->len, s);
        return s;
}

/* ------------------------------------------------------------ converter */

static int jc_convert(kco_converter_t *cv, const char *topic, const void *p, size_t n, kco_arena_t *arena,
                      kco_data_t *out, kco_err_t *err) {
        jc_t *c = (jc_t *)cv;
        (void)topic;
        out->type = KCO_DATA_NULL;
        out->ptr = NULL;
        out->len = 0;
        out->v = NULL;
        if (!p)
                return 0;
        kco_arena_reset(c->scratch);
        c->err = err;
        c->arena = arena;
        c->copy = 0;
        kco_json_node_t root;
        /* the "schema" member is only checked, and built when it is not in the cache */
        int rc = kco_json_dom_parse(&c->dom, c->scratch, p, n, JC_PARSE_MAX_DEPTH, c->schemas ? "schema" : NULL,
                                    &root, err);
        if (rc < 0) {
                char why[sizeof(err->msg)];
                memcpy(why, err->msg, sizeof(why));
                return kco_err_set(err, KCO_ERR_DATA, 0, "JsonConverter: %s", why);
        }
        if (rc == 0 && !c->schemas)
                return 0; /* empty: null (Jackson's missing node) */
        jc_path_set(c, c->schemas ? "payload" : "$");
        const kco_schema_t *schema = NULL;
        const kco_json_node_t *payload = &root, *sj = kco_json_dom_get(&root, "schema", 6);
        if (c->schemas) {
                payload = kco_json_dom_get(&root, "payload", 7);
                if (root.kind != KCO_JSON_OBJECT || root.n != 2 || !sj || !payload)
                        return kco_err_set(err, KCO_ERR_DATA, 0,
                                           "JsonConverter with schemas.enable requires \"schema\" and \"payload\" "
                                           "fields and may not contain additional fields. If you are trying to "
                                           "deserialize plain JSON data, set schemas.enable=false in your converter "
                                           "configuration.");
                if (sj->kind != KCO_JSON_NULL) {
                        jc_path_set(c, "schema");
                        if (!(schema = jc_schema_get(c, sj)))
                                return -1;
                        jc_path_set(c, "payload");
                }
        }
        kco_value_t *v = kco_arena_calloc(arena, 1, sizeof(*v));
        if (schema ? jc_value(c, schema, payload, v, 0) : jc_schemaless(c, payload, v, 0))
                return -1;
        if (!schema && v->type == KCO_TYPE_NULL)
                return 0;
        out->type = KCO_DATA_VALUE;
        out->v = v;
        return 0;
}

static void jc_destroy(kco_converter_t *cv) {
        jc_t *c = (jc_t *)cv;
        jc_cache_clear(&c->cur);
        jc_cache_clear(&c->old);
        free(c->cur.slots);
        free(c->old.slots);
        kco_json_dom_free(&c->dom);
        free(c->defs);
        kco_arena_destroy(c->scratch);
        free(c);
}

static const kco_converter_ops_t jc_ops = {"JsonConverter", jc_convert, jc_destroy};

kco_converter_t *kco_converter_json_new(int is_key, const kco_conf_t *conf, kco_err_t *err) {
        (void)err;
        jc_t *c = kco_calloc(1, sizeof(*c));
        c->base.ops = &jc_ops;
        c->base.is_key = is_key;
        c->schemas = is_key ? conf->key_schemas_enable : conf->value_schemas_enable;
        c->scratch = kco_arena_new(64 * 1024);
        kco_json_dom_init(&c->dom);
        return &c->base;
}
