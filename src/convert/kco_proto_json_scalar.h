/*
 * kco_proto_json_scalar.h - inside the protobuf JSON parser (kco_proto_json.c):
 * what its scalar side (kco_proto_json_scalar.c) shares with it: the parse
 * context, error text helpers, and one JSON token (a kco_json_node_t
 * without children: a scalar, or the text of an array / object) -> one
 * scalar value (integers of each kind, float / double, string, bytes,
 * bool, enum, map key), each with protobuf-java-util's rules and messages;
 * and the common JSON numbers read straight from the text in one pass
 * (kco_pj_number_fast, inline: the same values as the token path).
 *
 * Owns: nothing. Task thread. Must never: be included outside the parser.
 */
#ifndef KCO_PROTO_JSON_SCALAR_H
#define KCO_PROTO_JSON_SCALAR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "convert/kco_json_dom.h"
#include "convert/kco_json_lex.h"
#include "core/kco_arena.h"
#include "core/kco_err.h"
#include "record/kco_path.h"
#include "record/kco_proto.h"
#include "record/kco_value.h"

#define PJ_WHO "ParquetJsonFormat"
#define PJ_MAX_DEPTH 100 /* JSON levels (the DOM) and message levels (JsonFormat's recursion limit) */
#define PJ_SHOW 40       /* bytes of offending JSON text quoted in an error */
#define PJ_SHOW_CAP 256  /* PJ_SHOW bytes escaped (6 each at most), quotes, "..." */
#define PJ_TS_MIN (-62135596800LL)   /* 0001-01-01T00:00:00Z */
#define PJ_TS_MAX 253402300799LL     /* 9999-12-31T23:59:59Z */
#define PJ_DUR_MAX 315576000000LL    /* 10000 years */
#define PJ_NULL_ENUM "google.protobuf.NullValue"

enum { PJ_OK = 0, PJ_NOTNUM = -1, PJ_RANGE = -2 };

typedef struct pj_ctx_s {
        kco_arena_t *arena;   /* the values */
        kco_arena_t *scratch; /* the parser's */
        kco_err_t *err;
        kco_json_lex_t lx;           /* the cursor in the record's text */
        struct kco_proto_json_s *pj; /* the parser: its stacks and name tables */
        int careful;                 /* the second reading (see kco_proto_json.c) */
        int jdepth;                  /* JSON nesting of the value at the cursor */
} pj_ctx_t;

static inline int pj_digit(char ch) {
        return ch >= '0' && ch <= '9';
}

const char *kco_pj_clip(char *buf, const char *p, size_t n, int quoted);
const char *kco_pj_show(char *buf, const kco_json_node_t *j);
const char *kco_pj_show_raw(char *buf, const kco_json_node_t *j);
const char *kco_pj_text(const kco_json_node_t *j, size_t *n);
int kco_pj_dec_int(const char *p, size_t n, int *neg, uint64_t *mag);
void kco_pj_int_value(kco_proto_type_t t, int64_t v, kco_value_t *out);
const char *kco_pj_int_name(kco_proto_type_t t);
int kco_pj_integer(pj_ctx_t *c, kco_proto_type_t t, const kco_json_node_t *j, const kco_path_t *path,
                   kco_value_t *out);
/* A double rounded to float as Java's (float) cast does. */
double kco_pj_to_float(double v);
int kco_pj_real(pj_ctx_t *c, int f32, const kco_json_node_t *j, const kco_path_t *path, kco_value_t *out);
void kco_pj_str(pj_ctx_t *c, const char *p, size_t n, int owned, kco_type_t t, kco_value_t *out);
int kco_pj_bytes(pj_ctx_t *c, const kco_json_node_t *j, const kco_path_t *path, kco_value_t *out);
/* An enum value of en from a token (a value name, or a declared number / any int32 of an open enum). */
int kco_pj_enum(pj_ctx_t *c, const kco_proto_enum_t *en, const kco_json_node_t *j, const kco_path_t *path,
                kco_value_t *out);
/* An enum value by its name (a STRING). */
void kco_pj_enum_name(const char *name, kco_value_t *out);
/* f is of the enum google.protobuf.NullValue (JSON null reads as NULL_VALUE). */
int kco_pj_null_enum(const kco_proto_field_t *f);
/* The proto3 default of an implicit-presence scalar (messages stay NULL). */
void kco_pj_default(const kco_proto_field_t *f, kco_value_t *out);
/* A map key (a member name, k) as key field kf's type. */
int kco_pj_map_key(pj_ctx_t *c, const kco_proto_field_t *kf, const kco_json_node_t *k, const kco_path_t *path,
                   kco_value_t *out);
/* RFC 3339 (kco_proto_json.h) / "-1.5s": 0, or -1 when the text is none or out of range. */
int kco_pj_timestamp(const char *p, size_t n, int64_t *secs, int32_t *nanos);
int kco_pj_duration(const char *p, size_t n, int64_t *secs, int32_t *nanos);
int kco_pj_bool(pj_ctx_t *c, const kco_json_node_t *j, const kco_path_t *path, kco_value_t *out);

/* ---- numbers in one pass (inline: one call per JSON number saved) ---- */

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Bytes of w that are no ASCII digit: their 0x80 bit set (the lowest one is exact). */
static inline uint64_t pj_nondigits(uint64_t w) {
        return (((w & 0xF0F0F0F0F0F0F0F0ULL) ^ 0x3030303030303030ULL) |
                (((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) ^ 0x3030303030303030ULL)) &
               0xF0F0F0F0F0F0F0F0ULL;
}

/* Eight ASCII digits (the first in the lowest byte) as their value. */
static inline uint64_t pj_eight(uint64_t w) {
        w -= 0x3030303030303030ULL;
        w = w * 10 + (w >> 8);
        return ((w & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32)) +
                ((w >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32))) >>
               32;
}
#endif

static const uint64_t pj_p10[] = {1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
                                  100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
                                  10000000000000ULL, 100000000000000ULL, 1000000000000000ULL,
                                  10000000000000000ULL, 100000000000000000ULL, 1000000000000000000ULL,
                                  10000000000000000000ULL};

/* The run of digits at p: its length, *v the value of its digits (modulo 2^64 past 19 of them). */
static inline size_t pj_digit_run(const char *p, const char *e, uint64_t *v) {
        size_t n = 0;
        uint64_t acc = 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        while (e - p - (ptrdiff_t)n >= 8) {
                uint64_t w;
                memcpy(&w, p + n, 8);
                uint64_t m = pj_nondigits(w);
                if (!m) {
                        acc = acc * 100000000 + pj_eight(w);
                        n += 8;
                        continue;
                }
                size_t k = (size_t)__builtin_ctzll(m) >> 3;
                if (k) /* the k digits as the last ones of eight, after '0's */
                        acc = acc * pj_p10[k] + pj_eight(w << (8 * (8 - k)) | 0x3030303030303030ULL >> (8 * k));
                *v = acc;
                return n + k;
        }
#endif
        for (; p + n < e && pj_digit(p[n]); n++)
                acc = acc * 10 + (uint64_t)(p[n] - '0');
        *v = acc;
        return n;
}

/* The JSON number at the cursor read in one pass, in the common cases kco_pj_integer / kco_pj_real take their
 * fast paths for (the same values): for the integer kinds an integer of at most 18 digits within the kind's
 * range, for float / double at most 15 significant digits and 22 fraction digits, no exponent. 1 with *out
 * set and the cursor after the number; 0 (the cursor unmoved) for anything else, which the general path reads
 * (and reports). */
static inline __attribute__((always_inline)) int kco_pj_number_fast(pj_ctx_t *c, kco_proto_type_t t,
                                                                    kco_value_t *out) {
        static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
        const char *p = c->lx.p, *e = c->lx.end;
        int neg = p < e && *p == '-';
        p += neg;
        uint64_t m, f;
        size_t ni = pj_digit_run(p, e, &m), nf = 0, sig;
        if (!ni || ni > 18 || (*p == '0' && ni > 1))
                return 0; /* not a number, long, or "0" and more digits (not JSON) */
        sig = *p == '0' ? 0 : ni;
        p += ni;
        int real = t == KCO_PROTO_DOUBLE || t == KCO_PROTO_FLOAT;
        if (p < e && *p == '.') {
                if (!real)
                        return 0;
                nf = pj_digit_run(++p, e, &f);
                size_t z = 0;
                while (!m && z < nf && p[z] == '0')
                        z++;
                sig += nf - z; /* the significant digits: from the first one that is not 0 */
                if (!nf || sig > 15 || nf > 22)
                        return 0;
                m = m ? m * pj_p10[nf] + f : f; /* m is not 0: nf < 15; else f has at most 15 digits after 0s */
                p += nf;
        }
        if (p < e && (*p == 'e' || *p == 'E'))
                return 0;
        switch (t) {
        case KCO_PROTO_DOUBLE:
        case KCO_PROTO_FLOAT: {
                if (sig > 15)
                        return 0;
                double v = nf ? (double)m / pow10[nf] : (double)m;
                out->type = t == KCO_PROTO_FLOAT ? KCO_TYPE_FLOAT32 : KCO_TYPE_FLOAT64;
                out->u.d = t == KCO_PROTO_FLOAT ? kco_pj_to_float(neg ? -v : v) : neg ? -v : v;
                break;
        }
        case KCO_PROTO_INT32:
        case KCO_PROTO_SINT32:
        case KCO_PROTO_SFIXED32:
                if (m > (neg ? 2147483648u : 2147483647u))
                        return 0;
                kco_pj_int_value(t, neg ? -(int64_t)m : (int64_t)m, out);
                break;
        case KCO_PROTO_UINT32:
        case KCO_PROTO_FIXED32:
        case KCO_PROTO_UINT64:
        case KCO_PROTO_FIXED64:
                if ((neg && m) || ((t == KCO_PROTO_UINT32 || t == KCO_PROTO_FIXED32) && m > UINT32_MAX))
                        return 0;
                kco_pj_int_value(t, (int64_t)m, out);
                break;
        case KCO_PROTO_INT64:
        case KCO_PROTO_SINT64:
        case KCO_PROTO_SFIXED64:
                kco_pj_int_value(t, neg ? -(int64_t)m : (int64_t)m, out);
                break;
        default:
                return 0;
        }
        out->schema = NULL;
        c->lx.p = p;
        return 1;
}

#endif
