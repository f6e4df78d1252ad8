/*
 * kco_proto_json.c - protobuf JSON -> the values of a message (see
 * kco_proto_json.h), rule by rule after protobuf-java-util's
 * JsonFormat.ParserImpl: its messages, its order of checks (member by
 * member, in JSON order: find the field, "already set", parse the value, the
 * oneof check), its number grammar (java.math.BigDecimal's: "+5", "1e2",
 * "5.0", no spaces) and its float tolerance; stricter where the header says
 * so (strict RFC 8259 JSON, strings only from JSON strings, canonical
 * integer map keys, RFC 3339 timestamps).
 *
 * The text is read once, straight into the values (no DOM): a recursive
 * descent over kco_json_lex's tokens driven by the message, each member name
 * found through the message's name table (below), each scalar converted as
 * it is read, in the caller's arena. Once an object is done its unset fields
 * are filled (defaults, empty arrays) and required ones checked. Integers
 * are read from their decimal text, exactly (never through double).
 *
 * Two readings. JsonFormat (through Gson) has the whole text as a tree before
 * it looks at a field: invalid JSON anywhere is the error even when a field
 * before it is wrong, and a member name given twice counts once, with the
 * last value, at the place of the first. The first reading streams and gives
 * up at the first problem of any kind, or at a member name seen before in
 * the same object (tracked per field and spelling); it is the result only
 * when it succeeds, and then no name repeats and the text is valid, so it is
 * exactly what the tree would give. Otherwise the careful reading runs:
 * the whole text is checked first (kco_json_dom_check: the JSON error, if
 * any), then every object is read in two passes (its members gathered,
 * repeated names folded as above, then each value read from its place) by
 * the same member code. Map objects, and the objects of messages with more
 * fields than the first reading tracks (64), always take the two passes.
 * The usual member, the first value of a singular field outside a oneof,
 * given as a string, number, bool or enum name, is read in one go
 * (pj_scalar): none of the member rules can apply to it.
 *
 * Name tables: per message, json_name and name -> field, as JsonFormat's
 * fieldNameMap (name, then json_name, field by field: a later field wins an
 * ambiguous name), an open-addressing hash, plus each field's json_name for
 * the usual case of members in field order (checked before hashing; when
 * streaming, its whole "json_name": text is compared at once). Built the
 * first time a message is read and kept with the parser.
 *
 * Owns: the scratch arena (unescaped member names and tokens), the stacks of
 * array elements and object members being read, the name tables. Task
 * thread (one parser per task). Must never: leave a pointer into the scratch
 * in a value, hand back a partly filled value, allocate outside the arenas
 * per record (the stacks and tables grow to their high-water mark), or nest
 * deeper than 100 JSON levels.
 */
#include "convert/kco_proto_json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/kco_json_dom.h"
#include "convert/kco_json_lex.h"
#include "convert/kco_proto_json_scalar.h"
#include "core/kco_short.h"
#include "core/kco_mem.h"
#include "record/kco_path.h"

#define PJ_FAST_FIELDS 64 /* messages with more fields are always read in two passes */

typedef struct pj_slot_s {
        const char *name; /* NULL: empty */
        uint32_t len;
        uint32_t field;
        uint32_t spelling; /* 0: the field's json_name, 1: its name (when it differs) */
} pj_slot_t;

/* What the streaming reader expects of a field's member. */
typedef struct pj_expect_s {
        const char *key; /* "json_name": as it usually comes (klen bytes; 0: a name that needs escapes, or one
                          * that finds another field) */
        uint32_t klen;
        uint32_t simple; /* singular and in no oneof: its first value has no rule to check around it */
} pj_expect_t;

typedef struct pj_names_s {
        const kco_proto_msg_t *m;
        size_t mask;
        pj_slot_t *slots;
        pj_slot_t *json;     /* per field: its json_name, len UINT32_MAX when that name finds another field */
        pj_expect_t *expect; /* per field */
        char *keys;          /* the expected keys */
} pj_names_t;

/* An object member gathered by the two-pass reading. */
typedef struct pj_member_s {
        kco_json_node_t key; /* STRING */
        const char *val;     /* where its value starts */
} pj_member_t;

struct kco_proto_json_s {
        kco_arena_t *scratch;
        kco_value_t *vals; /* elements of the arrays being read */
        size_t nvals, capvals;
        pj_member_t *mems; /* members of the objects being read in two passes */
        size_t nmems, capmems;
        pj_names_t **names; /* by message pointer, open addressing */
        size_t nnames, capnames;
};

kco_proto_json_t *kco_proto_json_new(void) {
        kco_proto_json_t *j = kco_calloc(1, sizeof(*j));
        j->scratch = kco_arena_new(64 * 1024);
        return j;
}

void kco_proto_json_destroy(kco_proto_json_t *j) {
        if (!j)
                return;
        for (size_t i = 0; i < j->capnames; i++)
                if (j->names[i]) {
                        free(j->names[i]->slots);
                        free(j->names[i]->json);
                        free(j->names[i]->expect);
                        free(j->names[i]->keys);
                        free(j->names[i]);
                }
        free(j->names);
        free(j->vals);
        free(j->mems);
        kco_arena_destroy(j->scratch);
        free(j);
}

/* ---- name tables ---- */

static size_t pj_ptr_hash(const void *p, size_t mask) {
        return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ULL >> 17) & mask;
}

static pj_slot_t *pj_slot(const pj_names_t *nt, const char *k, size_t n) {
        for (size_t s = kco_json_dom_hash(k, n) & nt->mask;; s = (s + 1) & nt->mask) {
                pj_slot_t *e = &nt->slots[s];
                if (!e->name || (e->len == n && kco_short_eq(e->name, k, n)))
                        return e;
        }
}

static void pj_names_put(pj_names_t *nt, const char *name, size_t field) {
        if (!name)
                return;
        size_t n = strlen(name);
        pj_slot_t *e = pj_slot(nt, name, n);
        const char *json = nt->m->fields[field].json_name;
        *e = (pj_slot_t){name, (uint32_t)n, (uint32_t)field, !(json && !strcmp(json, name))};
}

static pj_names_t *pj_names_build(const kco_proto_msg_t *m) {
        pj_names_t *nt = kco_calloc(1, sizeof(*nt));
        size_t cap = 16;
        while (cap < 4 * m->nfields)
                cap *= 2;
        nt->m = m;
        nt->mask = cap - 1;
        nt->slots = kco_calloc(cap, sizeof(*nt->slots));
        nt->json = kco_calloc(m->nfields ? m->nfields : 1, sizeof(*nt->json));
        for (size_t i = 0; i < m->nfields; i++) {
                pj_names_put(nt, m->fields[i].name, i);
                pj_names_put(nt, m->fields[i].json_name, i);
        }
        size_t room = 1;
        for (size_t i = 0; i < m->nfields; i++) {
                const char *json = m->fields[i].json_name;
                const pj_slot_t *e = json ? pj_slot(nt, json, strlen(json)) : NULL;
                nt->json[i] = e && e->field == i ? *e : (pj_slot_t){"", UINT32_MAX, (uint32_t)i, 0};
                room += json ? strlen(json) + 3 : 0;
        }
        nt->expect = kco_calloc(m->nfields ? m->nfields : 1, sizeof(*nt->expect));
        nt->keys = kco_malloc(room);
        for (size_t i = 0, o = 0; i < m->nfields; i++) {
                const kco_proto_field_t *f = &m->fields[i];
                pj_expect_t *x = &nt->expect[i];
                int plain = nt->json[i].len != UINT32_MAX;
                for (const char *q = f->json_name; plain && *q; q++)
                        plain = *q >= 0x20 && *q < 0x7F && *q != '"' && *q != '\\';
                x->simple = f->label != KCO_PROTO_LABEL_REPEATED && f->oneof < 0;
                x->key = nt->keys + o;
                if (plain) { /* its own JSON text: printable ASCII but '"' and the backslash */
                        size_t n = strlen(f->json_name);
                        nt->keys[o] = '"';
                        memcpy(nt->keys + o + 1, f->json_name, n);
                        memcpy(nt->keys + o + 1 + n, "\":", 2);
                        x->klen = (uint32_t)(n + 3);
                        o += n + 3;
                }
        }
        return nt;
}

/* The name table of m, built on first use. */
static const pj_names_t *pj_names(kco_proto_json_t *j, const kco_proto_msg_t *m) {
        if (j->capnames) {
                for (size_t s = pj_ptr_hash(m, j->capnames - 1); j->names[s]; s = (s + 1) & (j->capnames - 1))
                        if (j->names[s]->m == m)
                                return j->names[s];
        }
        if (2 * (j->nnames + 1) > j->capnames) {
                size_t cap = j->capnames ? 2 * j->capnames : 16;
                pj_names_t **t = kco_calloc(cap, sizeof(*t));
                for (size_t i = 0; i < j->capnames; i++)
                        if (j->names[i]) {
                                size_t s = pj_ptr_hash(j->names[i]->m, cap - 1);
                                while (t[s])
                                        s = (s + 1) & (cap - 1);
                                t[s] = j->names[i];
                        }
                free(j->names);
                j->names = t;
                j->capnames = cap;
        }
        size_t s = pj_ptr_hash(m, j->capnames - 1);
        while (j->names[s])
                s = (s + 1) & (j->capnames - 1);
        j->names[s] = pj_names_build(m);
        j->nnames++;
        return j->names[s];
}

/* The field member name [k, k+n) names (SIZE_MAX: none), trying field `next` first; *spelling as pj_slot_t. */
static inline size_t pj_lookup(const pj_names_t *nt, const char *k, size_t n, size_t next, uint32_t *spelling) {
        if (next < nt->m->nfields && nt->json[next].len == n && kco_short_eq(nt->json[next].name, k, n)) {
                *spelling = 0;
                return next;
        }
        const pj_slot_t *e = pj_slot(nt, k, n);
        if (!e->name)
                return SIZE_MAX;
        *spelling = e->spelling;
        return e->field;
}

/* ---- tokens ---- */

static int pj_end(pj_ctx_t *c) {
        return kco_json_lex_fail(&c->lx, "unexpected end of input");
}

/* The JSON value at the cursor as a token: scalars as they are (strings with escapes decoded into the
 * scratch, KCO_JSON_OWNED), arrays and objects checked and skipped (p / len: their text). */
static int pj_token(pj_ctx_t *c, kco_json_node_t *t) {
        kco_json_lex_t *lx = &c->lx;
        const char *s = lx->p;
        int esc, integral;
        memset(t, 0, sizeof(*t));
        if (s >= lx->end)
                return pj_end(c);
        switch (*s) {
        case '"':
                t->kind = KCO_JSON_STRING;
                if ((esc = kco_json_lex_string(lx, &t->p, &t->len)) < 0)
                        return -1;
                if (esc) {
                        t->p = kco_json_lex_unescape(c->scratch, t->p, t->len, &t->len);
                        t->flags = KCO_JSON_OWNED;
                }
                return 0;
        case '{':
        case '[':
                t->kind = *s == '{' ? KCO_JSON_OBJECT : KCO_JSON_ARRAY;
                if (kco_json_dom_skip(lx, c->jdepth, PJ_MAX_DEPTH))
                        return -1;
                t->p = s;
                t->len = (size_t)(lx->p - s);
                return 0;
        case 't':
                t->kind = KCO_JSON_TRUE;
                return kco_json_lex_word(lx, "true", 4);
        case 'f':
                t->kind = KCO_JSON_FALSE;
                return kco_json_lex_word(lx, "false", 5);
        case 'n':
                t->kind = KCO_JSON_NULL;
                return kco_json_lex_word(lx, "null", 4);
        default:
                if (*s != '-' && (*s < '0' || *s > '9'))
                        return kco_json_lex_fail(lx, "unexpected character");
                t->kind = KCO_JSON_NUMBER;
                if (kco_json_lex_number(lx, &t->p, &t->len, &integral))
                        return -1;
                t->flags = integral ? KCO_JSON_INTEGRAL : 0;
                return 0;
        }
}

/* A null at the cursor: 1 (read), 0 (another value), -1 (an invalid literal). */
static inline int pj_null(pj_ctx_t *c) {
        if (c->lx.p >= c->lx.end || *c->lx.p != 'n')
                return 0;
        return kco_json_lex_word(&c->lx, "null", 4) ? -1 : 1;
}

/* Into the array or object whose bracket is at the cursor. */
static int pj_open(pj_ctx_t *c) {
        if (c->jdepth >= PJ_MAX_DEPTH)
                return kco_json_lex_fail(&c->lx, "nested too deeply");
        c->lx.p++;
        c->jdepth++;
        kco_json_lex_ws(&c->lx);
        return 0;
}

/* After a member or element: 1 for ',' (the cursor then at the next one), 0 for close (out of the
 * container), -1 otherwise. */
static inline int pj_next(pj_ctx_t *c, char close) {
        kco_json_lex_t *lx = &c->lx;
        kco_json_lex_ws(lx);
        if (lx->p < lx->end && *lx->p == ',') {
                lx->p++;
                kco_json_lex_ws(lx);
                return 1;
        }
        if (lx->p < lx->end && *lx->p == close) {
                lx->p++;
                c->jdepth--;
                return 0;
        }
        return kco_json_lex_fail(lx, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
}

/* An empty container right after pj_open: 1 (and out of it). */
static int pj_empty(pj_ctx_t *c, char close) {
        if (c->lx.p < c->lx.end && *c->lx.p == close) {
                c->lx.p++;
                c->jdepth--;
                return 1;
        }
        return 0;
}

/* The ':' after a member name; the cursor then at the value. */
static inline int pj_colon(pj_ctx_t *c) {
        kco_json_lex_t *lx = &c->lx;
        kco_json_lex_ws(lx);
        if (lx->p >= lx->end || *lx->p != ':')
                return kco_json_lex_fail(lx, "expected ':'");
        lx->p++;
        kco_json_lex_ws(lx);
        return 0;
}

/* The member name at the cursor and its ':'; the cursor then at the value. */
static inline int pj_name(pj_ctx_t *c, kco_json_node_t *k) {
        kco_json_lex_t *lx = &c->lx;
        int esc;
        if (lx->p >= lx->end || *lx->p != '"')
                return kco_json_lex_fail(lx, "expected a string key");
        k->kind = KCO_JSON_STRING;
        k->flags = 0;
        if ((esc = kco_json_lex_string(lx, &k->p, &k->len)) < 0)
                return -1;
        if (esc) {
                k->p = kco_json_lex_unescape(c->scratch, k->p, k->len, &k->len);
                k->flags = KCO_JSON_OWNED;
        }
        return pj_colon(c);
}

/* The members of the object at the cursor, in JSON order with repeated names folded (the last value at the
 * place of the first), pushed on the member stack from *base (*n of them); the cursor after the object. */
static int pj_members(pj_ctx_t *c, size_t *base, size_t *n) {
        kco_proto_json_t *j = c->pj;
        size_t b = j->nmems, w = 0;
        int more;
        *base = b;
        *n = 0;
        if (pj_open(c))
                return -1;
        if (pj_empty(c, '}'))
                return 0;
        do {
                pj_member_t mb;
                if (pj_name(c, &mb.key))
                        return -1;
                mb.val = c->lx.p;
                if (kco_json_dom_skip(&c->lx, c->jdepth, PJ_MAX_DEPTH))
                        return -1;
                if (j->nmems == j->capmems) {
                        j->capmems = j->capmems ? 2 * j->capmems : 64;
                        j->mems = kco_realloc(j->mems, j->capmems * sizeof(*j->mems));
                }
                j->mems[j->nmems++] = mb;
        } while ((more = pj_next(c, '}')) > 0);
        if (more < 0)
                return -1;
        /* fold repeated names: a hash index over the kept members when there are many */
        size_t cnt = j->nmems - b, cap = 0;
        uint32_t *idx = NULL;
        pj_member_t *m = j->mems + b;
        if (cnt > 16) {
                for (cap = 64; cap < 2 * cnt; cap *= 2)
                        ;
                idx = kco_arena_calloc(c->scratch, cap, sizeof(*idx));
        }
        for (size_t i = 0; i < cnt; i++) {
                const kco_json_node_t *k = &m[i].key;
                size_t at = w, s = 0;
                if (idx) {
                        for (s = kco_json_dom_hash(k->p, k->len) & (cap - 1); idx[s]; s = (s + 1) & (cap - 1)) {
                                const kco_json_node_t *o = &m[idx[s] - 1].key;
                                if (o->len == k->len && !memcmp(o->p, k->p, k->len))
                                        break;
                        }
                        if (idx[s])
                                at = idx[s] - 1;
                } else {
                        for (at = 0; at < w; at++)
                                if (m[at].key.len == k->len && !memcmp(m[at].key.p, k->p, k->len))
                                        break;
                }
                if (at < w) {
                        m[at].val = m[i].val;
                        continue;
                }
                m[w] = m[i];
                if (idx)
                        idx[s] = (uint32_t)(w + 1);
                w++;
        }
        j->nmems = b + w;
        *n = w;
        return 0;
}

/* Whether a field holds a value for JsonFormat's "has already been set": non-empty for repeated fields, any
 * value with presence, a value other than the default for proto3 implicit presence (as hasField). */
static int pj_is_set(const kco_proto_field_t *f, const kco_value_t *v) {
        if (v->type == KCO_TYPE_NULL)
                return 0;
        if (f->label == KCO_PROTO_LABEL_REPEATED)
                return v->u.c.n > 0;
        if (f->has_presence)
                return 1;
        switch (v->type) {
        case KCO_TYPE_FLOAT32:
        case KCO_TYPE_FLOAT64:
                return !(v->u.d == 0 && !signbit(v->u.d));
        case KCO_TYPE_STRING:
                if (f->type == KCO_PROTO_ENUM)
                        return !(f->en && f->en->nvalues && v->u.s.ptr == f->en->values[0].name);
                return v->u.s.len > 0;
        case KCO_TYPE_BYTES:
                return v->u.s.len > 0;
        case KCO_TYPE_STRUCT:
        case KCO_TYPE_ARRAY:
                return 1;
        default:
                return v->u.i != 0;
        }
}

/* ---- fields and messages ---- */

static int pj_message(pj_ctx_t *c, const kco_proto_msg_t *m, const kco_path_t *path, int depth, kco_value_t *out);

/* The common scalars, read in one go: a string (a STRING field), a number (the number kinds; see
 * kco_pj_number_fast), true / false (BOOL), the name of a value (ENUM). 1 when the value at the cursor is one
 * (*out set, the cursor after it); 0 for anything else, the cursor unmoved, for pj_value's general path (and
 * its errors). out's payload is zero already. */
static inline __attribute__((always_inline)) int pj_scalar(pj_ctx_t *c, const kco_proto_field_t *f,
                                                            kco_value_t *out) {
        const char *at = c->lx.p, *p;
        size_t n;
        int esc;
        if (at >= c->lx.end)
                return 0;
        switch (f->type) {
        case KCO_PROTO_STRING:
                if (*at != '"' || (esc = kco_json_lex_string(&c->lx, &p, &n)) < 0)
                        break;
                if (esc)
                        p = kco_json_lex_unescape(c->arena, p, n, &n);
                out->type = KCO_TYPE_STRING;
                out->u.s.ptr = n ? p : "";
                out->u.s.len = n;
                return 1;
        case KCO_PROTO_ENUM:
                if (*at != '"' || !f->en || kco_json_lex_string(&c->lx, &p, &n) != 0)
                        break;
                for (size_t i = 0; i < f->en->nvalues; i++) {
                        const char *name = f->en->values[i].name;
                        size_t k = 0;
                        while (k < n && name && name[k] == p[k]) /* (p holds no NUL: it is JSON text) */
                                k++;
                        if (k == n && name && !name[n]) {
                                out->type = KCO_TYPE_STRING;
                                out->u.s.ptr = name;
                                out->u.s.len = n;
                                return 1;
                        }
                }
                break;
        case KCO_PROTO_BOOL:
                if (c->lx.end - at >= 4 && !memcmp(at, "true", 4)) {
                        c->lx.p += 4;
                        out->type = KCO_TYPE_BOOLEAN;
                        out->u.i = 1;
                        return 1;
                }
                if (c->lx.end - at >= 5 && !memcmp(at, "false", 5)) {
                        c->lx.p += 5;
                        out->type = KCO_TYPE_BOOLEAN;
                        return 1;
                }
                return 0;
        case KCO_PROTO_MESSAGE:
        case KCO_PROTO_GROUP:
        case KCO_PROTO_BYTES:
                return 0;
        default:
                return kco_pj_number_fast(c, f->type, out);
        }
        c->lx.p = at;
        return 0;
}

/* One value of field f (an element, for a repeated field) at the cursor: NULL for JSON null (unset). depth:
 * the message level f belongs to. */
static int pj_value(pj_ctx_t *c, const kco_proto_field_t *f, const kco_path_t *path, int depth, kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        kco_json_node_t t;
        int rc;
        memset(out, 0, sizeof(*out));
        if (pj_scalar(c, f, out))
                return 0;
        if ((rc = pj_null(c)) != 0) {
                if (rc < 0 || !kco_pj_null_enum(f))
                        return rc < 0 ? -1 : 0;
                kco_json_node_t zero = {.kind = KCO_JSON_NUMBER, .p = "0", .len = 1};
                return kco_pj_enum(c, f->en, &zero, path, out);
        }
        switch (f->type) {
        case KCO_PROTO_MESSAGE:
        case KCO_PROTO_GROUP:
                if (!f->msg)
                        return kco_path_error(c->err, PJ_WHO, path, "Field %s has no message type", f->name);
                if (depth >= PJ_MAX_DEPTH)
                        return kco_path_error(c->err, PJ_WHO, path, "Hit recursion limit.");
                return pj_message(c, f->msg, path, depth + 1, out);
        case KCO_PROTO_STRING:
                if (pj_token(c, &t))
                        return -1;
                if (t.kind == KCO_JSON_STRING) { /* not reached: pj_scalar read it */
                        kco_pj_str(c, t.p, t.len, t.flags & KCO_JSON_OWNED, KCO_TYPE_STRING, out);
                        return 0;
                }
                return kco_path_error(c->err, PJ_WHO, path, "Not a string value: %s", kco_pj_show(sb, &t));
        default:
                break;
        }
        if (pj_token(c, &t))
                return -1;
        switch (f->type) {
        case KCO_PROTO_ENUM:
                if (!f->en)
                        return kco_path_error(c->err, PJ_WHO, path, "Field %s has no enum type", f->name);
                return kco_pj_enum(c, f->en, &t, path, out);
        case KCO_PROTO_DOUBLE:
                return kco_pj_real(c, 0, &t, path, out);
        case KCO_PROTO_FLOAT:
                return kco_pj_real(c, 1, &t, path, out);
        case KCO_PROTO_BOOL:
                return kco_pj_bool(c, &t, path, out);
        case KCO_PROTO_BYTES:
                return kco_pj_bytes(c, &t, path, out);
        default:
                return kco_pj_integer(c, f->type, &t, path, out);
        }
}

static int pj_repeated(pj_ctx_t *c, const kco_proto_field_t *f, const kco_path_t *path, int depth,
                       kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        kco_proto_json_t *j = c->pj;
        if (c->lx.p >= c->lx.end || *c->lx.p != '[') {
                kco_json_node_t t;
                if (pj_token(c, &t))
                        return -1;
                return kco_path_error(c->err, PJ_WHO, path, "Expected an array for %s but found %s", f->name,
                                      kco_pj_show(sb, &t));
        }
        size_t base = j->nvals, n = 0;
        int msg = f->type == KCO_PROTO_MESSAGE || f->type == KCO_PROTO_GROUP;
        if (pj_open(c))
                return -1;
        if (!pj_empty(c, ']')) {
                int more;
                do {
                        kco_path_t ep = {path, NULL, NULL, 0, n};
                        kco_value_t v;
                        if (c->lx.p < c->lx.end && *c->lx.p == 'n' && !kco_pj_null_enum(f)) {
                                if (pj_null(c) < 0)
                                        return -1;
                                return kco_path_error(c->err, PJ_WHO, &ep,
                                                      "Repeated field elements cannot be null in field: %s", f->name);
                        }
                        if (j->nvals == j->capvals) {
                                j->capvals = j->capvals ? 2 * j->capvals : 64;
                                j->vals = kco_realloc(j->vals, j->capvals * sizeof(*j->vals));
                        }
                        if (msg) { /* reading it may grow the stack */
                                if (pj_value(c, f, &ep, depth, &v))
                                        return -1;
                                j->vals[j->nvals] = v;
                        } else if (pj_value(c, f, &ep, depth, &j->vals[j->nvals])) {
                                return -1;
                        }
                        j->nvals++;
                        n++;
                } while ((more = pj_next(c, ']')) > 0);
                if (more < 0)
                        return -1;
        }
        kco_value_t *items = n ? kco_arena_alloc(c->arena, n * sizeof(*items)) : NULL;
        if (n)
                memcpy(items, j->vals + base, n * sizeof(*items));
        j->nvals = base;
        out->type = KCO_TYPE_ARRAY;
        out->schema = NULL;
        out->u.c.items = items;
        out->u.c.n = n;
        return 0;
}

static int pj_map(pj_ctx_t *c, const kco_proto_field_t *f, const kco_path_t *path, int depth, kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        const kco_proto_msg_t *e = f->msg;
        if (!e || e->nfields < 2)
                return kco_path_error(c->err, PJ_WHO, path, "Invalid map field: %s", f->name);
        if (c->lx.p >= c->lx.end || *c->lx.p != '{') {
                kco_json_node_t t;
                if (pj_token(c, &t))
                        return -1;
                return kco_path_error(c->err, PJ_WHO, path, "Expect a map object but found: %s", kco_pj_show(sb, &t));
        }
        const kco_proto_field_t *kf = &e->fields[0], *vf = &e->fields[1];
        size_t base, n;
        if (pj_members(c, &base, &n))
                return -1;
        const char *after = c->lx.p;
        kco_value_t *entries = n ? kco_arena_alloc(c->arena, n * sizeof(*entries)) : NULL;
        kco_value_t *kv = n ? kco_arena_alloc(c->arena, 2 * n * sizeof(*kv)) : NULL;
        c->jdepth++;
        for (size_t i = 0; i < n; i++) {
                pj_member_t mb = c->pj->mems[base + i]; /* a copy: the stack may move below */
                kco_path_t kp = {path, NULL, mb.key.p, mb.key.len, 0};
                if (kco_pj_map_key(c, kf, &mb.key, &kp, &kv[2 * i]))
                        return -1;
                c->lx.p = mb.val;
                if (*c->lx.p == 'n' && !kco_pj_null_enum(vf))
                        return kco_path_error(c->err, PJ_WHO, &kp, "Map value cannot be null.");
                if (pj_value(c, vf, &kp, depth, &kv[2 * i + 1]))
                        return -1;
                entries[i].type = KCO_TYPE_STRUCT;
                entries[i].schema = NULL;
                entries[i].u.c.items = &kv[2 * i];
                entries[i].u.c.n = 2;
        }
        c->jdepth--;
        c->pj->nmems = base;
        c->lx.p = after;
        out->type = KCO_TYPE_ARRAY;
        out->schema = NULL;
        out->u.c.items = entries;
        out->u.c.n = n;
        return 0;
}

/* Unset fields: empty arrays, proto3 defaults; then the required ones. */
static int pj_finish(pj_ctx_t *c, const kco_proto_msg_t *m, kco_value_t *items, const kco_path_t *path) {
        char missing[256];
        size_t o = 0;
        for (size_t i = 0; i < m->nfields; i++) {
                const kco_proto_field_t *f = &m->fields[i];
                kco_value_t *it = &items[i];
                if (it->type != KCO_TYPE_NULL)
                        continue;
                if (f->label == KCO_PROTO_LABEL_REPEATED) {
                        it->type = KCO_TYPE_ARRAY;
                } else if (!f->has_presence) {
                        kco_pj_default(f, it);
                } else if (f->label == KCO_PROTO_LABEL_REQUIRED && o < sizeof(missing) - 1) {
                        int w = snprintf(missing + o, sizeof(missing) - o, "%s%s", o ? ", " : "", f->name);
                        o = w < 0 ? o : o + (size_t)w < sizeof(missing) ? o + (size_t)w : sizeof(missing) - 1;
                }
        }
        if (o)
                return kco_path_error(c->err, PJ_WHO, path, "Message missing required fields: %s", missing);
        return 0;
}

static kco_value_t *pj_items(pj_ctx_t *c, const kco_proto_msg_t *m, kco_value_t *out) {
        kco_value_t *items = m->nfields ? kco_arena_calloc(c->arena, m->nfields, sizeof(*items)) : NULL;
        out->type = KCO_TYPE_STRUCT;
        out->schema = NULL;
        out->u.c.items = items;
        out->u.c.n = m->nfields;
        return items;
}

/* One member of an object of message m: field fi, its value at the cursor. */
static int pj_member(pj_ctx_t *c, const kco_proto_msg_t *m, size_t fi, kco_value_t *items, const kco_path_t *path,
                     int depth) {
        const kco_proto_field_t *f = &m->fields[fi];
        kco_value_t *it = &items[fi];
        kco_path_t fp = {path, f->name, NULL, 0, 0};
        if (pj_is_set(f, it))
                return kco_path_error(c->err, PJ_WHO, &fp, "Field %s.%s has already been set.", m->full_name, f->name);
        if (f->label == KCO_PROTO_LABEL_REPEATED) {
                int rc = pj_null(c);
                if (rc)
                        return rc < 0 ? -1 : 0;
                return f->is_map ? pj_map(c, f, &fp, depth, it) : pj_repeated(c, f, &fp, depth, it);
        }
        /* straight into the item (a copy of a value just built would stall on store forwarding): an item that
         * is not set is NULL or a proto3 default, which null (NULL here) leaves as it was once finished */
        if (pj_value(c, f, &fp, depth, it))
                return -1;
        if (it->type == KCO_TYPE_NULL)
                return 0; /* null: unset */
        if (f->oneof >= 0)
                for (size_t o = 0; o < m->nfields; o++)
                        if (o != fi && m->fields[o].oneof == f->oneof && items[o].type != KCO_TYPE_NULL)
                                return kco_path_error(c->err, PJ_WHO, &fp,
                                                      "Cannot set field %s.%s because another field %s.%s "
                                                      "belonging to the same oneof has already been set",
                                                      m->full_name, f->name, m->full_name, m->fields[o].name);
        return 0;
}

static int pj_unknown(pj_ctx_t *c, const kco_proto_msg_t *m, const kco_json_node_t *k, const kco_path_t *path) {
        char sb[PJ_SHOW_CAP];
        return kco_path_error(c->err, PJ_WHO, path, "Cannot find field: %s in message %s",
                              kco_pj_clip(sb, k->p, k->len, 0), m->full_name);
}

/* The object at the cursor, streamed: gives up (-1) at a member name seen before in it. */
static int pj_object_stream(pj_ctx_t *c, const kco_proto_msg_t *m, const pj_names_t *nt, kco_value_t *items,
                            const kco_path_t *path, int depth) {
        uint64_t seen[2] = {0, 0}; /* per spelling, a bit per field */
        size_t next = 0;
        int more;
        if (pj_open(c))
                return -1;
        if (pj_empty(c, '}'))
                return 0;
        do {
                kco_json_node_t k;
                uint32_t sp = 0;
                size_t fi = next;
                const char *q = c->lx.p;
                const pj_expect_t *x = next < m->nfields ? &nt->expect[next] : NULL;
                if (x && x->klen && (size_t)(c->lx.end - q) >= x->klen && kco_short_eq(q, x->key, x->klen)) {
                        c->lx.p = q + x->klen; /* "name": of the next field, as it usually comes */
                        kco_json_lex_ws(&c->lx);
                } else {
                        if (pj_name(c, &k))
                                return -1;
                        if ((fi = pj_lookup(nt, k.p, k.len, next, &sp)) == SIZE_MAX)
                                return pj_unknown(c, m, &k, path);
                }
                if (seen[sp] >> fi & 1)
                        return kco_json_lex_fail(&c->lx, "a member name given twice (read again in two passes)");
                seen[sp] |= 1ULL << fi;
                next = fi + 1;
                /* a first value of a plain field: nothing to check before or after it */
                if (nt->expect[fi].simple && items[fi].type == KCO_TYPE_NULL &&
                    pj_scalar(c, &m->fields[fi], &items[fi]))
                        continue;
                if (pj_member(c, m, fi, items, path, depth))
                        return -1;
        } while ((more = pj_next(c, '}')) > 0);
        return more;
}

/* The object at the cursor in two passes (see the top). */
static int pj_object_twice(pj_ctx_t *c, const kco_proto_msg_t *m, const pj_names_t *nt, kco_value_t *items,
                           const kco_path_t *path, int depth) {
        size_t base, n, next = 0;
        if (pj_members(c, &base, &n))
                return -1;
        const char *after = c->lx.p;
        c->jdepth++;
        for (size_t i = 0; i < n; i++) {
                pj_member_t mb = c->pj->mems[base + i]; /* a copy: the stack may move below */
                uint32_t sp = 0;
                size_t fi = pj_lookup(nt, mb.key.p, mb.key.len, next, &sp);
                if (fi == SIZE_MAX)
                        return pj_unknown(c, m, &mb.key, path);
                next = fi + 1;
                c->lx.p = mb.val;
                if (pj_member(c, m, fi, items, path, depth))
                        return -1;
        }
        c->jdepth--;
        c->pj->nmems = base;
        c->lx.p = after;
        return 0;
}

/* ---- well-known types ---- */

/* Timestamp / Duration: {seconds (1), nanos (2)} typed by their fields. */
static int pj_seconds_nanos(pj_ctx_t *c, const kco_proto_msg_t *m, const kco_path_t *path, kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        kco_json_node_t j;
        int ts = m->wkt == KCO_PROTO_WKT_TIMESTAMP;
        int64_t secs = 0;
        int32_t nanos = 0;
        if (pj_token(c, &j))
                return -1;
        if (j.kind != KCO_JSON_STRING || (ts ? kco_pj_timestamp(j.p, j.len, &secs, &nanos)
                                             : kco_pj_duration(j.p, j.len, &secs, &nanos)))
                return kco_path_error(c->err, PJ_WHO, path, "Failed to parse %s: %s", ts ? "timestamp" : "duration",
                                      kco_pj_show(sb, &j));
        kco_value_t *items = pj_items(c, m, out);
        for (size_t i = 0; i < m->nfields; i++) {
                const kco_proto_field_t *f = &m->fields[i];
                if (f->number == 1 || f->number == 2)
                        kco_pj_int_value(f->type, f->number == 1 ? secs : nanos, &items[i]);
        }
        return pj_finish(c, m, items, path);
}

/* The wrappers: the JSON of their field "value". */
static int pj_wrapper(pj_ctx_t *c, const kco_proto_msg_t *m, const kco_path_t *path, int depth, kco_value_t *out) {
        size_t vi = 0;
        int rc;
        while (vi < m->nfields && strcmp(m->fields[vi].name, "value"))
                vi++;
        if (vi == m->nfields)
                return kco_path_error(c->err, PJ_WHO, path, "Invalid wrapper type: %s", m->full_name);
        if ((rc = pj_null(c)) != 0)
                return rc < 0 ? -1
                              : kco_path_error(c->err, PJ_WHO, path, "Invalid null value for wrapper type: %s",
                                               m->full_name);
        kco_value_t *items = pj_items(c, m, out);
        if (pj_value(c, &m->fields[vi], path, depth, &items[vi]))
                return -1;
        return pj_finish(c, m, items, path);
}

/* FieldMask: "a.fooBar,b" -> paths a.foo_bar, b (Guava's LOWER_CAMEL -> LOWER_UNDERSCORE: an upper-case ASCII
 * letter after the first character becomes '_' and its lower case); empty paths are dropped. */
static int pj_field_mask(pj_ctx_t *c, const kco_proto_msg_t *m, const kco_path_t *path, kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        kco_json_node_t j;
        size_t pi = 0;
        while (pi < m->nfields && m->fields[pi].number != 1)
                pi++;
        if (pi == m->nfields || m->fields[pi].label != KCO_PROTO_LABEL_REPEATED)
                return kco_path_error(c->err, PJ_WHO, path, "Invalid field mask type: %s", m->full_name);
        if (pj_token(c, &j))
                return -1;
        if (j.kind != KCO_JSON_STRING)
                return kco_path_error(c->err, PJ_WHO, path, "Failed to parse field mask: %s", kco_pj_show(sb, &j));
        const char *p = j.p, *e = j.p + j.len;
        size_t np = 0, upper = 0;
        for (const char *q = p; q < e; q++) {
                upper += *q >= 'A' && *q <= 'Z';
                np += *q == ',' && q > p && q[-1] != ',';
        }
        np += e > p && e[-1] != ',';
        kco_value_t *items = pj_items(c, m, out);
        kco_value_t *paths = np ? kco_arena_alloc(c->arena, np * sizeof(*paths)) : NULL;
        char *conv = upper ? kco_arena_alloc(c->arena, j.len + upper) : NULL;
        size_t k = 0;
        while (p < e) {
                const char *q = memchr(p, ',', (size_t)(e - p));
                if (!q)
                        q = e;
                if (q > p) {
                        size_t up = 0;
                        for (const char *r = p; r < q; r++)
                                up += *r >= 'A' && *r <= 'Z';
                        if (!up) {
                                kco_pj_str(c, p, (size_t)(q - p), j.flags & KCO_JSON_OWNED, KCO_TYPE_STRING, &paths[k]);
                        } else {
                                char *s = conv;
                                for (const char *r = p; r < q; r++) {
                                        if (*r >= 'A' && *r <= 'Z') {
                                                if (r > p)
                                                        *conv++ = '_';
                                                *conv++ = (char)(*r - 'A' + 'a');
                                        } else {
                                                *conv++ = *r;
                                        }
                                }
                                kco_pj_str(c, s, (size_t)(conv - s), 0, KCO_TYPE_STRING, &paths[k]);
                        }
                        k++;
                }
                p = q + 1;
        }
        items[pi].type = KCO_TYPE_ARRAY;
        items[pi].u.c.items = paths;
        items[pi].u.c.n = k;
        return pj_finish(c, m, items, path);
}

/* ---- messages ---- */

/* A value of message m at the cursor. */
static int pj_message(pj_ctx_t *c, const kco_proto_msg_t *m, const kco_path_t *path, int depth, kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        switch (m->wkt) {
        case KCO_PROTO_WKT_TIMESTAMP:
        case KCO_PROTO_WKT_DURATION:
                return pj_seconds_nanos(c, m, path, out);
        case KCO_PROTO_WKT_WRAPPER:
                return pj_wrapper(c, m, path, depth, out);
        case KCO_PROTO_WKT_FIELD_MASK:
                return pj_field_mask(c, m, path, out);
        default: /* Empty is an ordinary message without fields */
                break;
        }
        if (c->lx.p >= c->lx.end || *c->lx.p != '{') {
                kco_json_node_t t;
                if (pj_token(c, &t))
                        return -1;
                return kco_path_error(c->err, PJ_WHO, path, "Expect message object but got: %s", kco_pj_show(sb, &t));
        }
        kco_value_t *items = pj_items(c, m, out);
        const pj_names_t *nt = pj_names(c->pj, m);
        if (!c->careful && m->nfields <= PJ_FAST_FIELDS ? pj_object_stream(c, m, nt, items, path, depth)
                                                         : pj_object_twice(c, m, nt, items, path, depth))
                return -1;
        return pj_finish(c, m, items, path);
}

int kco_proto_json_parse(kco_proto_json_t *j, const kco_proto_msg_t *m, const char *p, size_t n,
                         kco_arena_t *arena, kco_value_t *out, kco_err_t *err) {
        memset(out, 0, sizeof(*out));
        for (int careful = 0;; careful++) {
                pj_ctx_t c = {arena, j->scratch, err, {p, p, p + n, err}, j, careful, 0};
                kco_value_t v;
                kco_arena_reset(j->scratch);
                j->nvals = j->nmems = 0;
                if (careful) {
                        int rc = kco_json_dom_check(p, n, PJ_MAX_DEPTH, err);
                        if (rc < 0) {
                                char msg[sizeof(err->msg)];
                                memcpy(msg, err->msg, sizeof(msg));
                                return kco_path_error(err, PJ_WHO, NULL, "%s", msg);
                        }
                        if (rc == 0)
                                return kco_path_error(err, PJ_WHO, NULL,
                                                      "Expect message object but got: nothing (empty JSON text)");
                }
                if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
                        c.lx.p += 3; /* a UTF-8 byte order mark, which Jackson skips */
                kco_json_lex_ws(&c.lx);
                memset(&v, 0, sizeof(v));
                if (c.lx.p < c.lx.end && !pj_message(&c, m, NULL, 0, &v)) {
                        kco_json_lex_ws(&c.lx);
                        if (c.lx.p == c.lx.end) {
                                *out = v;
                                return 0;
                        }
                }
                if (careful)
                        return -1;
        }
}
