/*
 * kco_proto_json_scalar.c - the protobuf JSON parser's scalars: one JSON node
 * as an integer of a protobuf kind (exact decimal arithmetic, BigDecimal's
 * grammar, never through a double), a float or double (Clinger's fast path,
 * else strtod; NaN / Infinity strings; JsonFormat's float tolerance), a
 * string, bytes (either base64 alphabet) or a bool; an enum value; a map
 * key; a proto3 default; the text of a Timestamp (RFC 3339) or Duration;
 * and the error texts that quote the offending JSON.
 *
 * Owns: nothing; values go to the context's arena. Task thread. Must never:
 * round an integer through a double, or accept a value JsonFormat rejects.
 */
#include "convert/kco_proto_json_scalar.h"
#include "core/kco_date.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ---- */

/* [p, p+n) for an error message: up to PJ_SHOW bytes (cut at a UTF-8 character boundary, "..." after), control
 * characters escaped (quoted: also '"' and '\\', as JSON) or blanked. Returns buf (PJ_SHOW_CAP bytes). */
const char *kco_pj_clip(char *buf, const char *p, size_t n, int quoted) {
        size_t o = 0, lim = n;
        int more = 0;
        if (lim > PJ_SHOW) {
                lim = PJ_SHOW;
                while (lim > 0 && ((unsigned char)p[lim] & 0xC0) == 0x80)
                        lim--;
                more = 1;
        }
        if (quoted)
                buf[o++] = '"';
        for (size_t i = 0; i < lim && o + 12 < PJ_SHOW_CAP; i++) {
                unsigned char ch = (unsigned char)p[i];
                if (quoted && (ch == '"' || ch == '\\')) {
                        buf[o++] = '\\';
                        buf[o++] = (char)ch;
                } else if (ch < 0x20 || ch == 0x7F) {
                        if (quoted)
                                o += (size_t)snprintf(buf + o, PJ_SHOW_CAP - o, "\\u%04x", ch);
                        else
                                buf[o++] = ' ';
                } else {
                        buf[o++] = (char)ch;
                }
        }
        if (more) {
                memcpy(buf + o, "...", 3);
                o += 3;
        }
        if (quoted)
                buf[o++] = '"';
        buf[o] = '\0';
        return buf;
}

/* A JSON value as Gson's JsonElement.toString shows it (strings quoted), shortened. */
const char *kco_pj_show(char *buf, const kco_json_node_t *j) {
        switch (j->kind) {
        case KCO_JSON_NULL:
                return "null";
        case KCO_JSON_TRUE:
                return "true";
        case KCO_JSON_FALSE:
                return "false";
        case KCO_JSON_STRING:
                return kco_pj_clip(buf, j->p, j->len, 1);
        default:
                return kco_pj_clip(buf, j->p, j->len, 0);
        }
}

/* A JSON value as JsonElement.getAsString gives it (strings unquoted), shortened. */
const char *kco_pj_show_raw(char *buf, const kco_json_node_t *j) {
        return j->kind == KCO_JSON_STRING ? kco_pj_clip(buf, j->p, j->len, 0) : kco_pj_show(buf, j);
}

/* ---- numbers ---- */

/* The text of a NUMBER or STRING node (NULL for other kinds). */
const char *kco_pj_text(const kco_json_node_t *j, size_t *n) {
        if (j->kind != KCO_JSON_NUMBER && j->kind != KCO_JSON_STRING)
                return NULL;
        *n = j->len;
        return j->p;
}

/* A decimal number in java.math.BigDecimal's grammar: [+-] digits [. digits] [(e|E) [+-] digits], with a digit
 * on at least one side of the point; the exponent within int32 (else BigDecimal fails). */
typedef struct pj_dec_s {
        int neg;
        const char *ip, *fp; /* integer and fraction digits */
        size_t ni, nf;
        int64_t exp;
} pj_dec_t;

static int pj_dec_scan(const char *p, size_t n, pj_dec_t *d) {
        const char *e = p + n;
        memset(d, 0, sizeof(*d));
        if (p < e && (*p == '+' || *p == '-'))
                d->neg = *p++ == '-';
        d->ip = p;
        while (p < e && pj_digit(*p))
                p++;
        d->ni = (size_t)(p - d->ip);
        if (p < e && *p == '.') {
                d->fp = ++p;
                while (p < e && pj_digit(*p))
                        p++;
                d->nf = (size_t)(p - d->fp);
        }
        if (!d->ni && !d->nf)
                return -1;
        if (p < e && (*p == 'e' || *p == 'E')) {
                int eneg = 0;
                p++;
                if (p < e && (*p == '+' || *p == '-'))
                        eneg = *p++ == '-';
                if (p >= e || !pj_digit(*p))
                        return -1;
                for (; p < e && pj_digit(*p); p++)
                        if (d->exp <= INT32_MAX)
                                d->exp = d->exp * 10 + (*p - '0');
                if (d->exp > INT32_MAX)
                        return -1;
                if (eneg)
                        d->exp = -d->exp;
        }
        return p == e ? 0 : -1;
}

static char pj_dec_digit(const pj_dec_t *d, size_t i) {
        return i < d->ni ? d->ip[i] : d->fp[i - d->ni];
}

/* [p, p+n) as an exact integer: PJ_OK with its sign and magnitude (zero is never negative), PJ_NOTNUM when it is
 * no number or not integral, PJ_RANGE when integral but beyond 2^64 - 1. */
int kco_pj_dec_int(const char *p, size_t n, int *neg, uint64_t *mag) {
        pj_dec_t d;
        *neg = 0;
        *mag = 0;
        if (pj_dec_scan(p, n, &d))
                return PJ_NOTNUM;
        size_t nd = d.ni + d.nf, s = 0, t;
        while (s < nd && pj_dec_digit(&d, s) == '0')
                s++;
        if (s == nd)
                return PJ_OK; /* zero, whatever its exponent */
        t = nd - 1;
        while (pj_dec_digit(&d, t) == '0')
                t--;
        /* value = digits[s..t] * 10^k */
        int64_t k = d.exp - (int64_t)d.nf + (int64_t)(nd - 1 - t);
        if (k < 0)
                return PJ_NOTNUM;
        if ((int64_t)(t - s + 1) + k > 20)
                return PJ_RANGE;
        uint64_t v = 0;
        for (size_t i = s; i <= t; i++) {
                unsigned dg = (unsigned)(pj_dec_digit(&d, i) - '0');
                if (v > (UINT64_MAX - dg) / 10)
                        return PJ_RANGE;
                v = v * 10 + dg;
        }
        for (; k > 0; k--) {
                if (v > UINT64_MAX / 10)
                        return PJ_RANGE;
                v *= 10;
        }
        *neg = d.neg;
        *mag = v;
        return PJ_OK;
}

static int64_t pj_u64_bits(uint64_t u) {
        int64_t v;
        memcpy(&v, &u, sizeof(v));
        return v;
}

/* An integer of protobuf type t as its value (INT32 for the signed 32-bit kinds, else INT64). */
void kco_pj_int_value(kco_proto_type_t t, int64_t v, kco_value_t *out) {
        int i32 = t == KCO_PROTO_INT32 || t == KCO_PROTO_SINT32 || t == KCO_PROTO_SFIXED32;
        out->type = i32 ? KCO_TYPE_INT32 : KCO_TYPE_INT64;
        out->schema = NULL;
        out->u.i = v;
}

const char *kco_pj_int_name(kco_proto_type_t t) {
        switch (t) {
        case KCO_PROTO_UINT32:
        case KCO_PROTO_FIXED32:
                return "uint32";
        case KCO_PROTO_UINT64:
        case KCO_PROTO_FIXED64:
                return "uint64";
        case KCO_PROTO_INT64:
        case KCO_PROTO_SINT64:
        case KCO_PROTO_SFIXED64:
                return "int64";
        default:
                return "int32";
        }
}

/* The common case: a JSON integer of at most 18 digits (no leading zeros: the JSON grammar). */
static int pj_small_int(const kco_json_node_t *j, int *neg, uint64_t *mag) {
        if (j->kind != KCO_JSON_NUMBER || !(j->flags & KCO_JSON_INTEGRAL) || j->len > 19)
                return -1;
        const char *p = j->p, *e = j->p + j->len;
        *neg = *p == '-';
        p += *neg;
        if (e - p > 18)
                return -1;
        uint64_t v = 0;
        for (; p < e; p++)
                v = v * 10 + (uint64_t)(*p - '0');
        *neg = *neg && v; /* -0 is 0 */
        *mag = v;
        return 0;
}

int kco_pj_integer(pj_ctx_t *c, kco_proto_type_t t, const kco_json_node_t *j, const kco_path_t *path,
                      kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        size_t n = 0;
        const char *p = kco_pj_text(j, &n);
        int neg = 0;
        uint64_t mag = 0;
        int rc = !pj_small_int(j, &neg, &mag) ? PJ_OK : p ? kco_pj_dec_int(p, n, &neg, &mag) : PJ_NOTNUM;
        switch (t) {
        case KCO_PROTO_INT32:
        case KCO_PROTO_SINT32:
        case KCO_PROTO_SFIXED32:
                if (rc || mag > (neg ? 2147483648u : 2147483647u))
                        return kco_path_error(c->err, PJ_WHO, path, "Not an int32 value: %s", kco_pj_show(sb, j));
                kco_pj_int_value(t, neg ? -(int64_t)mag : (int64_t)mag, out);
                return 0;
        case KCO_PROTO_UINT32:
        case KCO_PROTO_FIXED32:
                if (rc == PJ_NOTNUM)
                        return kco_path_error(c->err, PJ_WHO, path, "Not an uint32 value: %s", kco_pj_show(sb, j));
                if (rc || neg || mag > UINT32_MAX)
                        return kco_path_error(c->err, PJ_WHO, path, "Out of range uint32 value: %s", kco_pj_show(sb, j));
                kco_pj_int_value(t, (int64_t)mag, out);
                return 0;
        case KCO_PROTO_UINT64:
        case KCO_PROTO_FIXED64:
                if (rc == PJ_NOTNUM)
                        return kco_path_error(c->err, PJ_WHO, path, "Not an uint64 value: %s", kco_pj_show(sb, j));
                if (rc || neg)
                        return kco_path_error(c->err, PJ_WHO, path, "Out of range uint64 value: %s", kco_pj_show(sb, j));
                kco_pj_int_value(t, pj_u64_bits(mag), out);
                return 0;
        default: /* INT64 SINT64 SFIXED64 */
                if (rc || mag > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
                        return kco_path_error(c->err, PJ_WHO, path, "Not an int64 value: %s", kco_pj_show(sb, j));
                kco_pj_int_value(t, !neg ? (int64_t)mag : mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag,
                             out);
                return 0;
        }
}

/* A double rounded to float as Java's (float) cast does (a finite value beyond float's range is not UB here). */
double kco_pj_to_float(double v) {
        if (fabs(v) > FLT_MAX)
                return fabs(v) >= (double)FLT_MAX + ldexp(1.0, 103) ? copysign(INFINITY, v) : copysign(FLT_MAX, v);
        return (double)(float)v;
}

static int pj_is(const kco_json_node_t *j, const char *s) {
        size_t n = strlen(s);
        return j->kind == KCO_JSON_STRING && j->len == n && !memcmp(j->p, s, n);
}

/* Clinger's fast path: a JSON number without an exponent, of at most 15 significant digits and 22 fraction
 * digits, is its digits (exact in a double) divided by an exact power of ten: one correctly rounded operation,
 * the same double strtod gives. -1 for anything else. */
static int pj_fast_real(const kco_json_node_t *j, double *out) {
        static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
        if (j->kind != KCO_JSON_NUMBER)
                return -1;
        const char *p = j->p, *e = j->p + j->len;
        int neg = *p == '-', digits = 0, frac = -1;
        uint64_t m = 0;
        for (p += neg; p < e; p++) {
                if (*p == '.') {
                        frac = 0;
                        continue;
                }
                if (*p < '0' || *p > '9')
                        return -1; /* an exponent */
                if (m || *p != '0')
                        digits++;
                m = m * 10 + (uint64_t)(*p - '0');
                frac += frac >= 0;
        }
        if (digits > 15 || frac > 22)
                return -1;
        double v = frac > 0 ? (double)m / pow10[frac] : (double)m;
        *out = neg ? -v : v;
        return 0;
}

/* float (f32) or double: a number, a numeric string, or "NaN", "Infinity", "-Infinity". Doubles go through
 * strtod (correctly rounded, as BigDecimal.doubleValue); floats through double first, as JsonFormat does. */
int kco_pj_real(pj_ctx_t *c, int f32, const kco_json_node_t *j, const kco_path_t *path, kco_value_t *out) {
        char sb[PJ_SHOW_CAP], nb[64];
        const char *what = f32 ? "float" : "double";
        size_t n = 0;
        const char *p = kco_pj_text(j, &n);
        pj_dec_t d;
        double v;
        if (!p)
                return kco_path_error(c->err, PJ_WHO, path, "Not a %s value: %s", what, kco_pj_show(sb, j));
        if (pj_is(j, "NaN")) {
                v = NAN;
        } else if (pj_is(j, "Infinity")) {
                v = INFINITY;
        } else if (pj_is(j, "-Infinity")) {
                v = -INFINITY;
        } else if (!pj_fast_real(j, &v)) {
                if (f32)
                        v = kco_pj_to_float(v); /* at most 15 digits: within float's range or rounding to its max */
        } else {
                if (pj_dec_scan(p, n, &d))
                        return kco_path_error(c->err, PJ_WHO, path, "Not a %s value: %s", what, kco_pj_show(sb, j));
                char *s = n < sizeof(nb) ? nb : kco_arena_alloc(c->scratch, n + 1);
                memcpy(s, p, n);
                s[n] = '\0';
                v = strtod(s, NULL);
                if (f32) {
                        /* JsonFormat: beyond Float.MAX_VALUE * (1 + 1e-6) is out of range */
                        if (!(fabs(v) <= (double)FLT_MAX * (1.0 + 1e-6)))
                                return kco_path_error(c->err, PJ_WHO, path, "Out of range float value: %s",
                                                      kco_pj_show(sb, j));
                        v = kco_pj_to_float(v);
                } else if (isinf(v) && !(fabsl(strtold(s, NULL)) <= (long double)DBL_MAX * 1.000001L)) {
                        return kco_path_error(c->err, PJ_WHO, path, "Out of range double value: %s", kco_pj_show(sb, j));
                }
        }
        out->type = f32 ? KCO_TYPE_FLOAT32 : KCO_TYPE_FLOAT64;
        out->schema = NULL;
        out->u.d = v;
        return 0;
}

/* ---- strings, bytes, bools, enums ---- */

/* A STRING node's bytes as a value of type t: pointing into the text, or copied when unescaped (scratch). */
void kco_pj_str(pj_ctx_t *c, const char *p, size_t n, int owned, kco_type_t t, kco_value_t *out) {
        out->type = t;
        out->schema = NULL;
        if (owned && n) {
                char *s = kco_arena_alloc(c->arena, n);
                memcpy(s, p, n);
                p = s;
        }
        out->u.s.ptr = n ? p : "";
        out->u.s.len = n;
}

static int pj_b64_digit(unsigned char ch, int url) {
        if (ch >= 'A' && ch <= 'Z')
                return ch - 'A';
        if (ch >= 'a' && ch <= 'z')
                return ch - 'a' + 26;
        if (ch >= '0' && ch <= '9')
                return ch - '0' + 52;
        if (ch == (url ? '-' : '+'))
                return 62;
        if (ch == (url ? '_' : '/'))
                return 63;
        return -1;
}

/* Guava's BaseEncoding.base64() (url: base64Url()) decode: trailing '=' dropped, then every character of the
 * alphabet and a length that is not 1 mod 4. o holds 3 * n / 4 + 3 bytes. */
static int pj_b64(const char *p, size_t n, int url, unsigned char *o, size_t *olen) {
        uint32_t acc = 0;
        int bits = 0;
        size_t w = 0;
        while (n && p[n - 1] == '=')
                n--;
        if (n % 4 == 1)
                return -1;
        for (size_t i = 0; i < n; i++) {
                int v = pj_b64_digit((unsigned char)p[i], url);
                if (v < 0)
                        return -1;
                acc = (acc << 6 | (uint32_t)v) & 0xFFFFFF;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        o[w++] = (unsigned char)(acc >> bits);
                }
        }
        *olen = w;
        return 0;
}

int kco_pj_bytes(pj_ctx_t *c, const kco_json_node_t *j, const kco_path_t *path, kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        size_t olen = 0;
        if (j->kind != KCO_JSON_STRING)
                return kco_path_error(c->err, PJ_WHO, path, "Not a bytes value (base64 string): %s", kco_pj_show(sb, j));
        unsigned char *o = kco_arena_alloc(c->arena, j->len / 4 * 3 + 3);
        if (pj_b64(j->p, j->len, 0, o, &olen) && pj_b64(j->p, j->len, 1, o, &olen))
                return kco_path_error(c->err, PJ_WHO, path, "Not a bytes value (base64 string): %s", kco_pj_show(sb, j));
        out->type = KCO_TYPE_BYTES;
        out->schema = NULL;
        out->u.s.ptr = (const char *)o;
        out->u.s.len = olen;
        return 0;
}

/* true / false, or the strings "true" / "false" (JsonFormat reads bools with getAsString). */
int kco_pj_bool(pj_ctx_t *c, const kco_json_node_t *j, const kco_path_t *path, kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        int v;
        if (j->kind == KCO_JSON_TRUE || pj_is(j, "true"))
                v = 1;
        else if (j->kind == KCO_JSON_FALSE || pj_is(j, "false"))
                v = 0;
        else
                return kco_path_error(c->err, PJ_WHO, path, "Invalid bool value: %s", kco_pj_show(sb, j));
        out->type = KCO_TYPE_BOOLEAN;
        out->schema = NULL;
        out->u.i = v;
        return 0;
}

/* ---- enums, defaults, map keys ---- */

/* name (a C string) is exactly [k, k+n) (which may hold NUL bytes). */
static int pj_name_is(const char *name, const char *k, size_t n) {
        if (!name)
                return 0;
        for (size_t i = 0; i < n; i++)
                if (name[i] != k[i] || !name[i])
                        return 0;
        return name[n] == '\0';
}

void kco_pj_enum_name(const char *name, kco_value_t *out) {
        out->type = KCO_TYPE_STRING;
        out->schema = NULL;
        out->u.s.ptr = name ? name : "";
        out->u.s.len = name ? strlen(name) : 0;
}

int kco_pj_null_enum(const kco_proto_field_t *f) {
        return f->type == KCO_PROTO_ENUM && f->en && f->en->full_name && !strcmp(f->en->full_name, PJ_NULL_ENUM);
}

/* An enum: a value name; else an int32 (number or string) naming a declared number (the first value with it),
 * or any int32 when the enum is open. */
int kco_pj_enum(pj_ctx_t *c, const kco_proto_enum_t *en, const kco_json_node_t *j, const kco_path_t *path,
                   kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        size_t n = 0;
        if (j->kind == KCO_JSON_STRING)
                for (size_t i = 0; i < en->nvalues; i++) {
                        const char *name = en->values[i].name;
                        if (pj_name_is(name, j->p, j->len)) {
                                kco_pj_enum_name(name, out);
                                return 0;
                        }
                }
        const char *p = kco_pj_text(j, &n);
        int neg = 0;
        uint64_t mag = 0;
        if (p && kco_pj_dec_int(p, n, &neg, &mag) == PJ_OK && mag <= (neg ? 2147483648u : 2147483647u)) {
                int32_t num = (int32_t)(neg ? -(int64_t)mag : (int64_t)mag);
                for (size_t i = 0; i < en->nvalues; i++)
                        if (en->values[i].number == num) {
                                kco_pj_enum_name(en->values[i].name, out);
                                return 0;
                        }
                if (!en->closed) {
                        char buf[64];
                        const char *ename = en->name ? en->name : "";
                        size_t blen = (size_t)snprintf(buf, sizeof(buf), "_%d", num), elen = strlen(ename);
                        char *s = kco_arena_alloc(c->arena, 19 + elen + blen);
                        memcpy(s, "UNKNOWN_ENUM_VALUE_", 19);
                        memcpy(s + 19, ename, elen);
                        memcpy(s + 19 + elen, buf, blen);
                        out->type = KCO_TYPE_STRING;
                        out->schema = NULL;
                        out->u.s.ptr = s;
                        out->u.s.len = 19 + elen + blen;
                        return 0;
                }
        }
        return kco_path_error(c->err, PJ_WHO, path, "Invalid enum value: %s for enum type: %s", kco_pj_show_raw(sb, j),
                              en->full_name ? en->full_name : "?");
}

/* The proto3 default of an implicit-presence scalar (messages stay NULL). */
void kco_pj_default(const kco_proto_field_t *f, kco_value_t *out) {
        memset(out, 0, sizeof(*out));
        switch (f->type) {
        case KCO_PROTO_MESSAGE:
        case KCO_PROTO_GROUP:
                return;
        case KCO_PROTO_DOUBLE:
                out->type = KCO_TYPE_FLOAT64;
                return;
        case KCO_PROTO_FLOAT:
                out->type = KCO_TYPE_FLOAT32;
                return;
        case KCO_PROTO_BOOL:
                out->type = KCO_TYPE_BOOLEAN;
                return;
        case KCO_PROTO_STRING:
        case KCO_PROTO_BYTES:
                out->type = f->type == KCO_PROTO_STRING ? KCO_TYPE_STRING : KCO_TYPE_BYTES;
                out->u.s.ptr = "";
                return;
        case KCO_PROTO_ENUM:
                kco_pj_enum_name(f->en && f->en->nvalues ? f->en->values[0].name : "", out);
                return;
        default:
                kco_pj_int_value(f->type, 0, out);
                return;
        }
}

/* A map key (a JSON member name) of key field kf: strings as they are, bools "true" / "false", integers in
 * canonical decimal (-?(0|[1-9][0-9]*), not "-0"), so distinct names are distinct keys. */
int kco_pj_map_key(pj_ctx_t *c, const kco_proto_field_t *kf, const kco_json_node_t *k, const kco_path_t *path,
                  kco_value_t *out) {
        switch (kf->type) {
        case KCO_PROTO_STRING:
                kco_pj_str(c, k->p, k->len, k->flags & KCO_JSON_OWNED, KCO_TYPE_STRING, out);
                return 0;
        case KCO_PROTO_BOOL:
                return kco_pj_bool(c, k, path, out);
        case KCO_PROTO_DOUBLE:
        case KCO_PROTO_FLOAT:
        case KCO_PROTO_BYTES:
        case KCO_PROTO_ENUM:
        case KCO_PROTO_MESSAGE:
        case KCO_PROTO_GROUP:
                return kco_path_error(c->err, PJ_WHO, path, "Invalid map key type of field %s", kf->name);
        default: {
                const char *p = k->p, *e = k->p + k->len;
                p += p < e && *p == '-';
                int ok = p < e && (*p != '0' || (p + 1 == e && k->p[0] != '-'));
                for (; ok && p < e; p++)
                        ok = pj_digit(*p);
                if (ok)
                        return kco_pj_integer(c, kf->type, k, path, out);
                char sb[PJ_SHOW_CAP];
                return kco_path_error(c->err, PJ_WHO, path, "Not an %s value: %s", kco_pj_int_name(kf->type),
                                      kco_pj_show(sb, k));
        }
        }
}

/* ---- Timestamp and Duration text ---- */

static int pj_digits(const char *p, int n, int *v) {
        *v = 0;
        for (int i = 0; i < n; i++) {
                if (!pj_digit(p[i]))
                        return -1;
                *v = *v * 10 + (p[i] - '0');
        }
        return 0;
}

/* 1-9 fraction digits at p[*i] (after the point) as nanoseconds. */
static int pj_nanos(const char *p, size_t n, size_t *i, int32_t *nanos) {
        int nd = 0;
        int32_t v = 0;
        for (; *i < n && pj_digit(p[*i]); (*i)++) {
                if (++nd > 9)
                        return -1;
                v = v * 10 + (p[*i] - '0');
        }
        if (!nd)
                return -1;
        for (; nd < 9; nd++)
                v *= 10;
        *nanos = v;
        return 0;
}

/* RFC 3339: YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+HH:MM|-HH:MM), within 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z. */
int kco_pj_timestamp(const char *p, size_t n, int64_t *secs, int32_t *nanos) {
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int y, mo, d, h, mi, s, oh, om;
        size_t i = 19;
        int64_t off = 0;
        *nanos = 0;
        if (n < 20 || pj_digits(p, 4, &y) || p[4] != '-' || pj_digits(p + 5, 2, &mo) || p[7] != '-' ||
            pj_digits(p + 8, 2, &d) || p[10] != 'T' || pj_digits(p + 11, 2, &h) || p[13] != ':' ||
            pj_digits(p + 14, 2, &mi) || p[16] != ':' || pj_digits(p + 17, 2, &s))
                return -1;
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 || mi > 59 ||
            s > 59)
                return -1;
        if (p[i] == '.') {
                i++;
                if (pj_nanos(p, n, &i, nanos))
                        return -1;
        }
        if (i < n && p[i] == 'Z') {
                i++;
        } else if (i < n && (p[i] == '+' || p[i] == '-')) {
                if (n - i != 6 || pj_digits(p + i + 1, 2, &oh) || p[i + 3] != ':' || pj_digits(p + i + 4, 2, &om) ||
                    oh > 23 || om > 59)
                        return -1;
                off = (int64_t)(oh * 60 + om) * 60;
                if (p[i] == '-')
                        off = -off;
                i += 6;
        }
        if (i != n)
                return -1;
        *secs = kco_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - off;
        return *secs < PJ_TS_MIN || *secs > PJ_TS_MAX ? -1 : 0;
}

/* -?digits[.f{1,9}]s within +-315576000000 s; the nanos take the sign of the seconds. */
int kco_pj_duration(const char *p, size_t n, int64_t *secs, int32_t *nanos) {
        size_t i = 0, d0;
        int neg = 0;
        int64_t s = 0;
        *nanos = 0;
        if (n < 2 || p[n - 1] != 's')
                return -1;
        n--;
        if (p[0] == '-') {
                neg = 1;
                i = 1;
        }
        for (d0 = i; i < n && pj_digit(p[i]); i++)
                if (s <= PJ_DUR_MAX)
                        s = s * 10 + (p[i] - '0');
        if (i == d0 || s > PJ_DUR_MAX)
                return -1;
        if (i < n && p[i] == '.') {
                i++;
                if (pj_nanos(p, n, &i, nanos))
                        return -1;
        }
        if (i != n)
                return -1;
        *secs = neg ? -s : s;
        *nanos = neg ? -*nanos : *nanos;
        return 0;
}
