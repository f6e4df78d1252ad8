/*
 * kco_json_dom.c - the JSON parser of the JSON converter (see
 * kco_json_dom.h): recursive descent over the tokens of kco_json_lex, one
 * pass over the input, children gathered on a stack and copied into the
 * arena when their container closes. Strings are only unescaped when they
 * hold escapes. The same descent without building (skip) checks a value:
 * the lazy member, kco_json_dom_skip and kco_json_dom_check.
 *
 * Caller's thread. Must never: read past the input, or recurse past
 * max_depth.
 */
#include "convert/kco_json_dom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_mem.h"

#define KCO_JSON_DOM_SMALL 16 /* objects with more members get a hash index */

typedef struct kco_json_ps_s {
        kco_json_lex_t lx;
        kco_json_dom_t *d; /* NULL when only checking */
        kco_arena_t *arena;
        int max_depth;
        int skip;         /* > 0: inside a value that is checked, not built */
        const char *lazy; /* the top-level member whose value is only checked */
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
        return kco_json_lex_fail(&ps->lx, what);
}

static int kco_json_string(kco_json_ps_t *ps, kco_json_node_t *out) {
        const char *body;
        size_t n;
        int esc = kco_json_lex_string(&ps->lx, &body, &n);
        if (esc < 0)
                return -1;
        out->kind = KCO_JSON_STRING;
        if (esc && !ps->skip) {
                out->p = kco_json_lex_unescape(ps->arena, body, n, &out->len);
                out->flags = KCO_JSON_OWNED;
        } else {
                out->p = body; /* with escapes when skipped: not decoded, never read */
                out->len = n;
        }
        return 0;
}

static int kco_json_number(kco_json_ps_t *ps, kco_json_node_t *out) {
        int integral;
        if (kco_json_lex_number(&ps->lx, &out->p, &out->len, &integral))
                return -1;
        out->kind = KCO_JSON_NUMBER;
        out->flags = integral ? KCO_JSON_INTEGRAL : 0;
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
        kco_json_lex_t *lx = &ps->lx;
        kco_json_dom_t *d = ps->d;
        const char *start = lx->p;
        int obj = *lx->p == '{';
        char close = obj ? '}' : ']';
        size_t base = ps->skip ? 0 : d->nstack;
        if (depth >= ps->max_depth)
                return kco_json_fail(ps, "nested too deeply");
        lx->p++;
        kco_json_lex_ws(lx);
        if (lx->p < lx->end && *lx->p == close) {
                lx->p++;
        } else {
                for (;;) {
                        kco_json_node_t v;
                        int lazy = 0;
                        if (obj) {
                                kco_json_lex_ws(lx);
                                if (lx->p >= lx->end || *lx->p != '"')
                                        return kco_json_fail(ps, "expected a string key");
                                memset(&v, 0, sizeof(v));
                                if (kco_json_string(ps, &v))
                                        return -1;
                                if (!ps->skip)
                                        kco_json_push(d, &v);
                                kco_json_lex_ws(lx);
                                if (lx->p >= lx->end || *lx->p != ':')
                                        return kco_json_fail(ps, "expected ':'");
                                lx->p++;
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
                        kco_json_lex_ws(lx);
                        if (lx->p < lx->end && *lx->p == close) {
                                lx->p++;
                                break;
                        }
                        if (lx->p >= lx->end || *lx->p != ',')
                                return kco_json_fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
                        lx->p++;
                }
        }
        out->kind = obj ? KCO_JSON_OBJECT : KCO_JSON_ARRAY;
        out->p = start;
        out->len = (size_t)(lx->p - start);
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

static int kco_json_value(kco_json_ps_t *ps, kco_json_node_t *out, int depth) {
        kco_json_lex_t *lx = &ps->lx;
        memset(out, 0, sizeof(*out));
        kco_json_lex_ws(lx);
        if (lx->p >= lx->end)
                return kco_json_fail(ps, "unexpected end of input");
        switch (*lx->p) {
        case '{':
        case '[':
                return kco_json_container(ps, out, depth);
        case '"':
                return kco_json_string(ps, out);
        case 't':
                out->kind = KCO_JSON_TRUE;
                return kco_json_lex_word(lx, "true", 4);
        case 'f':
                out->kind = KCO_JSON_FALSE;
                return kco_json_lex_word(lx, "false", 5);
        case 'n':
                out->kind = KCO_JSON_NULL;
                return kco_json_lex_word(lx, "null", 4);
        default:
                if (*lx->p == '-' || (*lx->p >= '0' && *lx->p <= '9'))
                        return kco_json_number(ps, out);
                return kco_json_fail(ps, "unexpected character");
        }
}

int kco_json_dom_skip(kco_json_lex_t *lx, int depth, int max_depth) {
        kco_json_ps_t ps = {*lx, NULL, NULL, max_depth, 1, NULL};
        kco_json_node_t v;
        int rc = kco_json_value(&ps, &v, depth);
        lx->p = ps.lx.p;
        return rc;
}

/* Parses (or, d NULL, checks) the text. */
static int kco_json_dom_top(kco_json_ps_t *ps, kco_json_node_t *out) {
        kco_json_lex_t *lx = &ps->lx;
        memset(out, 0, sizeof(*out));
        if (lx->end - lx->p >= 3 && !memcmp(lx->p, "\xef\xbb\xbf", 3))
                lx->p += 3; /* a UTF-8 byte order mark, which Jackson skips */
        kco_json_lex_ws(lx);
        if (lx->p == lx->end)
                return 0;
        if (kco_json_value(ps, out, 0))
                return -1;
        kco_json_lex_ws(lx);
        if (lx->p < lx->end)
                return kco_json_fail(ps, "unexpected data after the JSON value");
        return 1;
}

int kco_json_dom_parse(kco_json_dom_t *d, kco_arena_t *arena, const char *p, size_t n, int max_depth,
                       const char *lazy, kco_json_node_t *out, kco_err_t *err) {
        kco_json_ps_t ps = {{p, p, p + n, err}, d, arena, max_depth, 0, lazy};
        d->nstack = 0;
        return kco_json_dom_top(&ps, out);
}

int kco_json_dom_check(const char *p, size_t n, int max_depth, kco_err_t *err) {
        kco_json_ps_t ps = {{p, p, p + n, err}, NULL, NULL, max_depth, 1, NULL};
        kco_json_node_t v;
        return kco_json_dom_top(&ps, &v);
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
