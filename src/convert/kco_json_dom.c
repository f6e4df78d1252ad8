/*
 * kco_json_dom.c - the JSON parser of the JSON converter (see
 * kco_json_dom.h): recursive descent, one pass over the input, children
 * gathered on a stack and copied into the arena when their container
 * closes. Strings are checked byte by byte (UTF-8 with kco_utf8_char_len)
 * and only unescaped when they hold escapes.
 *
 * Caller's thread. Must never: read past the input, or recurse past
 * max_depth.
 */
#include "convert/kco_json_dom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_mem.h"
#include "format/kco_json_scan.h"

#define KCO_JSON_DOM_SMALL 16 /* objects with more members get a hash index */

typedef struct kco_json_ps_s {
        kco_json_dom_t *d;
        kco_arena_t *arena;
        const char *start, *p, *end;
        int max_depth;
        int skip;         /* > 0: inside a value that is checked, not built */
        const char *lazy; /* the top-level member whose value is only checked */
        kco_err_t *err;
} kco_json_ps_t;

void kco_json_dom_init(kco_json_dom_t *d) {
        memset(d, 0, sizeof(*d));
}

void kco_json_dom_free(kco_json_dom_t *d) {
        free(d->stack);
        kco_json_dom_init(d);
}

uint64_t kco_json_dom_hash(const char *p, size_t n) {
        uint64_t h = 0x9E3779B97F4A7C15ULL ^ n, w;
        for (; n >= 8; p += 8, n -= 8) {
                memcpy(&w, p, 8);
                h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
                h ^= h >> 32;
        }
        w = 0;
        if (n)
                memcpy(&w, p, n);
        h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
        return h ^ (h >> 29);
}

const char *kco_json_dom_kind_name(const kco_json_node_t *j) {
        static const char *const names[] = {"NULL", "BOOLEAN", "BOOLEAN", "NUMBER", "STRING", "ARRAY", "OBJECT"};
        return j ? names[j->kind] : "MISSING";
}

static int kco_json_fail(kco_json_ps_t *ps, const char *what) {
        return kco_err_set(ps->err, KCO_ERR_DATA, 0, "invalid JSON at byte %zu: %s", (size_t)(ps->p - ps->start),
                           what);
}

static void kco_json_ws(kco_json_ps_t *ps) {
        while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
                ps->p++;
}

static int kco_json_hex(unsigned ch) {
        if (ch >= '0' && ch <= '9')
                return (int)(ch - '0');
        ch |= 0x20;
        return ch >= 'a' && ch <= 'f' ? (int)(ch - 'a' + 10) : -1;
}

static unsigned kco_json_hex4(const unsigned char *q) {
        return (unsigned)(kco_json_hex(q[0]) << 12 | kco_json_hex(q[1]) << 8 | kco_json_hex(q[2]) << 4 |
                          kco_json_hex(q[3]));
}

static size_t kco_json_utf8_put(char *o, unsigned cp) {
        if (cp < 0x80) {
                o[0] = (char)cp;
                return 1;
        }
        if (cp < 0x800) {
                o[0] = (char)(0xC0 | cp >> 6);
                o[1] = (char)(0x80 | (cp & 63));
                return 2;
        }
        if (cp < 0x10000) {
                o[0] = (char)(0xE0 | cp >> 12);
                o[1] = (char)(0x80 | ((cp >> 6) & 63));
                o[2] = (char)(0x80 | (cp & 63));
                return 3;
        }
        o[0] = (char)(0xF0 | cp >> 18);
        o[1] = (char)(0x80 | ((cp >> 12) & 63));
        o[2] = (char)(0x80 | ((cp >> 6) & 63));
        o[3] = (char)(0x80 | (cp & 63));
        return 4;
}

/* Decodes the escapes of a checked string body into the arena (the result is never longer than the body). */
static char *kco_json_unescape(kco_arena_t *a, const unsigned char *r, size_t n, size_t *outlen) {
        char *buf = kco_arena_alloc(a, n + 1);
        const unsigned char *e = r + n;
        size_t o = 0;
        while (r < e) {
                if (*r != '\\') {
                        buf[o++] = (char)*r++;
                        continue;
                }
                unsigned x = r[1];
                if (x != 'u') {
                        static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";
                        const char *k = strchr(from, (int)x);
                        buf[o++] = k ? to[k - from] : (char)x;
                        r += 2;
                        continue;
                }
                unsigned cp = kco_json_hex4(r + 2);
                r += 6;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                        unsigned lo = e - r >= 6 && r[0] == '\\' && r[1] == 'u' ? kco_json_hex4(r + 2) : 0;
                        if (lo >= 0xDC00 && lo <= 0xDFFF) {
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                r += 6;
                        } else {
                                cp = 0xFFFD;
                        }
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        cp = 0xFFFD;
                }
                o += kco_json_utf8_put(buf + o, cp);
        }
        buf[o] = '\0';
        *outlen = o;
        return buf;
}

static int kco_json_string(kco_json_ps_t *ps, kco_json_node_t *out) {
        const unsigned char *start = (const unsigned char *)++ps->p, *q = start, *e = (const unsigned char *)ps->end;
        int esc = 0;
        for (;;) {
                /* eight plain ASCII bytes at a time: none below 0x20, above 0x7F, '"' or '\\' */
                while (e - q >= 8) {
                        uint64_t w, qt, bs;
                        memcpy(&w, q, 8);
                        qt = w ^ 0x2222222222222222ULL;
                        bs = w ^ 0x5C5C5C5C5C5C5C5CULL;
                        if (((w | ((w - 0x2020202020202020ULL) & ~w) | ((qt - 0x0101010101010101ULL) & ~qt) |
                              ((bs - 0x0101010101010101ULL) & ~bs)) &
                             0x8080808080808080ULL))
                                break;
                        q += 8;
                }
                while (q < e && *q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\')
                        q++;
                if (q >= e) {
                        ps->p = (const char *)q;
                        return kco_json_fail(ps, "unterminated string");
                }
                unsigned ch = *q;
                if (ch == '"')
                        break;
                ps->p = (const char *)q; /* for errors */
                if (ch == '\\') {
                        unsigned x = q + 1 < e ? q[1] : 0;
                        esc = 1;
                        if (x == 'u' && e - q >= 6 && kco_json_hex(q[2]) >= 0 && kco_json_hex(q[3]) >= 0 &&
                            kco_json_hex(q[4]) >= 0 && kco_json_hex(q[5]) >= 0)
                                q += 6;
                        else if (x && strchr("\"\\/bfnrt", (int)x))
                                q += 2;
                        else
                                return kco_json_fail(ps, "invalid escape in string");
                } else if (ch < 0x20) {
                        return kco_json_fail(ps, "control character in string");
                } else {
                        size_t l = kco_utf8_char_len((const char *)q, (size_t)(e - q));
                        if (!l)
                                return kco_json_fail(ps, "invalid UTF-8 in string");
                        q += l;
                }
        }
        size_t n = (size_t)(q - start);
        ps->p = (const char *)q + 1;
        out->kind = KCO_JSON_STRING;
        if (esc && ps->skip) {
                out->p = (const char *)start; /* not decoded: never read */
                out->len = n;
        } else if (esc) {
                out->p = kco_json_unescape(ps->arena, start, n, &out->len);
                out->flags = KCO_JSON_OWNED;
        } else {
                out->p = (const char *)start;
                out->len = n;
        }
        return 0;
}

static int kco_json_digit(const kco_json_ps_t *ps, const char *q) {
        return q < ps->end && *q >= '0' && *q <= '9';
}

static int kco_json_number(kco_json_ps_t *ps, kco_json_node_t *out) {
        const char *q = ps->p;
        int integral = 1;
        if (q < ps->end && *q == '-')
                q++;
        if (!kco_json_digit(ps, q))
                return kco_json_fail(ps, "invalid number");
        if (*q == '0')
                q++;
        else
                while (kco_json_digit(ps, q))
                        q++;
        if (q < ps->end && *q == '.') {
                integral = 0;
                if (!kco_json_digit(ps, ++q))
                        return kco_json_fail(ps, "invalid number");
                while (kco_json_digit(ps, q))
                        q++;
        }
        if (q < ps->end && (*q == 'e' || *q == 'E')) {
                integral = 0;
                q++;
                if (q < ps->end && (*q == '+' || *q == '-'))
                        q++;
                if (!kco_json_digit(ps, q))
                        return kco_json_fail(ps, "invalid number");
                while (kco_json_digit(ps, q))
                        q++;
        }
        out->kind = KCO_JSON_NUMBER;
        out->flags = integral ? KCO_JSON_INTEGRAL : 0;
        out->p = ps->p;
        out->len = (size_t)(q - ps->p);
        ps->p = q;
        return 0;
}

static void kco_json_push(kco_json_dom_t *d, const kco_json_node_t *n) {
        if (d->nstack == d->capstack) {
                d->capstack = d->capstack ? 2 * d->capstack : 256;
                d->stack = kco_realloc(d->stack, d->capstack * sizeof(*d->stack));
        }
        d->stack[d->nstack++] = *n;
}

static int kco_json_key_is(const kco_json_node_t *k, const char *p, size_t n) {
        return k->len == n && !memcmp(k->p, p, n);
}

/* Drops duplicate keys (the last value wins, at the place of the first) and indexes large objects. */
static void kco_json_object_finish(kco_arena_t *a, kco_json_node_t *o) {
        kco_json_node_t *it = o->items;
        size_t n = o->n, w = 0, cap = 0;
        uint32_t *idx = NULL;
        if (n > KCO_JSON_DOM_SMALL) {
                cap = 64;
                while (cap < 2 * n)
                        cap *= 2;
                idx = kco_arena_calloc(a, cap, sizeof(*idx));
        }
        for (size_t i = 0; i < n; i++) {
                const kco_json_node_t *k = &it[2 * i];
                size_t j = w, slot = 0;
                if (idx) {
                        slot = kco_json_dom_hash(k->p, k->len) & (cap - 1);
                        for (; idx[slot]; slot = (slot + 1) & (cap - 1))
                                if (kco_json_key_is(&it[2 * (idx[slot] - 1)], k->p, k->len))
                                        break;
                        if (idx[slot])
                                j = idx[slot] - 1;
                } else {
                        for (j = 0; j < w; j++)
                                if (kco_json_key_is(&it[2 * j], k->p, k->len))
                                        break;
                }
                if (j < w) {
                        it[2 * j + 1] = it[2 * i + 1];
                        continue;
                }
                if (w != i) {
                        it[2 * w] = it[2 * i];
                        it[2 * w + 1] = it[2 * i + 1];
                }
                if (idx)
                        idx[slot] = (uint32_t)(w + 1);
                w++;
        }
        o->n = (uint32_t)w;
        o->index = idx;
        o->mask = (uint32_t)(cap ? cap - 1 : 0);
}

const kco_json_node_t *kco_json_dom_get(const kco_json_node_t *o, const char *name, size_t n) {
        if (!o || o->kind != KCO_JSON_OBJECT)
                return NULL;
        if (o->index) {
                for (size_t s = kco_json_dom_hash(name, n) & o->mask; o->index[s]; s = (s + 1) & o->mask)
                        if (kco_json_key_is(&o->items[2 * (o->index[s] - 1)], name, n))
                                return &o->items[2 * (o->index[s] - 1) + 1];
                return NULL;
        }
        for (size_t i = 0; i < o->n; i++)
                if (kco_json_key_is(&o->items[2 * i], name, n))
                        return &o->items[2 * i + 1];
        return NULL;
}

static int kco_json_value(kco_json_ps_t *ps, kco_json_node_t *out, int depth);

/* An array or object: children gathered on the stack, then copied to the arena. */
static int kco_json_container(kco_json_ps_t *ps, kco_json_node_t *out, int depth) {
        kco_json_dom_t *d = ps->d;
        const char *start = ps->p;
        int obj = *ps->p == '{';
        char close = obj ? '}' : ']';
        size_t base = d->nstack;
        if (depth >= ps->max_depth)
                return kco_json_fail(ps, "nested too deeply");
        ps->p++;
        kco_json_ws(ps);
        if (ps->p < ps->end && *ps->p == close) {
                ps->p++;
        } else {
                for (;;) {
                        kco_json_node_t v;
                        int lazy = 0;
                        if (obj) {
                                kco_json_ws(ps);
                                if (ps->p >= ps->end || *ps->p != '"')
                                        return kco_json_fail(ps, "expected a string key");
                                memset(&v, 0, sizeof(v));
                                if (kco_json_string(ps, &v))
                                        return -1;
                                if (!ps->skip)
                                        kco_json_push(d, &v);
                                kco_json_ws(ps);
                                if (ps->p >= ps->end || *ps->p != ':')
                                        return kco_json_fail(ps, "expected ':'");
                                ps->p++;
                                lazy = !depth && ps->lazy && kco_json_key_is(&v, ps->lazy, strlen(ps->lazy));
                        }
                        ps->skip += lazy;
                        if (kco_json_value(ps, &v, depth + 1))
                                return -1;
                        ps->skip -= lazy;
                        if (lazy) {
                                v.flags |= KCO_JSON_LAZY;
                                v.n = 0;
                                v.items = NULL;
                                v.index = NULL;
                        }
                        if (!ps->skip)
                                kco_json_push(d, &v);
                        kco_json_ws(ps);
                        if (ps->p < ps->end && *ps->p == close) {
                                ps->p++;
                                break;
                        }
                        if (ps->p >= ps->end || *ps->p != ',')
                                return kco_json_fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
                        ps->p++;
                }
        }
        out->kind = obj ? KCO_JSON_OBJECT : KCO_JSON_ARRAY;
        out->p = start;
        out->len = (size_t)(ps->p - start);
        if (ps->skip)
                return 0;
        size_t n = d->nstack - base;
        out->n = (uint32_t)(obj ? n / 2 : n);
        out->items = kco_arena_alloc(ps->arena, (n ? n : 1) * sizeof(kco_json_node_t));
        if (n)
                memcpy(out->items, d->stack + base, n * sizeof(kco_json_node_t));
        d->nstack = base;
        if (obj)
                kco_json_object_finish(ps->arena, out);
        return 0;
}

static int kco_json_word(kco_json_ps_t *ps, const char *w, size_t n) {
        if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n))
                return kco_json_fail(ps, "invalid literal");
        ps->p += n;
        return 0;
}

static int kco_json_value(kco_json_ps_t *ps, kco_json_node_t *out, int depth) {
        memset(out, 0, sizeof(*out));
        kco_json_ws(ps);
        if (ps->p >= ps->end)
                return kco_json_fail(ps, "unexpected end of input");
        switch (*ps->p) {
        case '{':
        case '[':
                return kco_json_container(ps, out, depth);
        case '"':
                return kco_json_string(ps, out);
        case 't':
                out->kind = KCO_JSON_TRUE;
                return kco_json_word(ps, "true", 4);
        case 'f':
                out->kind = KCO_JSON_FALSE;
                return kco_json_word(ps, "false", 5);
        case 'n':
                out->kind = KCO_JSON_NULL;
                return kco_json_word(ps, "null", 4);
        default:
                if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
                        return kco_json_number(ps, out);
                return kco_json_fail(ps, "unexpected character");
        }
}

int kco_json_dom_parse(kco_json_dom_t *d, kco_arena_t *arena, const char *p, size_t n, int max_depth,
                       const char *lazy, kco_json_node_t *out, kco_err_t *err) {
        kco_json_ps_t ps = {d, arena, p, p, p + n, max_depth, 0, lazy, err};
        memset(out, 0, sizeof(*out));
        d->nstack = 0;
        if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
                ps.p += 3; /* a UTF-8 byte order mark, which Jackson skips */
        kco_json_ws(&ps);
        if (ps.p == ps.end)
                return 0;
        if (kco_json_value(&ps, out, 0))
                return -1;
        kco_json_ws(&ps);
        if (ps.p < ps.end)
                return kco_json_fail(&ps, "unexpected data after the JSON value");
        return 1;
}

int kco_json_dom_int64(const kco_json_node_t *j, int64_t *out) {
        if (!(j->flags & KCO_JSON_INTEGRAL))
                return -1;
        const char *p = j->p, *e = j->p + j->len;
        int neg = *p == '-';
        p += neg;
        uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        for (; p < e; p++) {
                unsigned dg = (unsigned)(*p - '0');
                if (v > (lim - dg) / 10)
                        return -2;
                v = v * 10 + dg;
        }
        *out = !neg ? (int64_t)v : v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
        return 0;
}

int kco_json_dom_real(const kco_json_node_t *j, int f32, double *out) {
        char buf[64];
        char *s = j->len < sizeof(buf) ? buf : kco_malloc(j->len + 1);
        memcpy(s, j->p, j->len);
        s[j->len] = '\0';
        double v = f32 ? (double)strtof(s, NULL) : strtod(s, NULL); /* underflow rounds towards zero */
        if (s != buf)
                free(s);
        if (isinf(v))
                return -1;
        *out = v;
        return 0;
}
