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
 * The text is parsed into a DOM (kco_json_dom) in the parser's scratch arena;
 * each JSON member is matched to its field by a scan of the message's fields
 * starting after the last match (members usually come in field order), its
 * value built in the caller's arena, and once the object is done the unset
 * fields are filled (defaults, empty arrays) and required ones checked.
 * Integers are read from their decimal text, exactly (never through double).
 *
 * Owns: the scratch arena (DOM nodes, unescaped strings) and the DOM's node
 * stack, reset at each parse. Task thread (one parser per task). Must never:
 * leave a pointer into the scratch in a value (unescaped strings are copied
 * into the caller's arena), hand back a partly filled value, allocate outside
 * the arenas per record, or recurse deeper than the DOM's 100 levels.
 */
#include "convert/kco_proto_json.h"
#include "core/kco_date.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/kco_json_dom.h"
#include "core/kco_mem.h"
#include "convert/kco_proto_json_scalar.h"
#include "record/kco_path.h"

struct kco_proto_json_s {
        kco_json_dom_t dom;
        kco_arena_t *scratch;
};

kco_proto_json_t *kco_proto_json_new(void) {
        kco_proto_json_t *j = kco_calloc(1, sizeof(*j));
        kco_json_dom_init(&j->dom);
        j->scratch = kco_arena_new(64 * 1024);
        return j;
}

void kco_proto_json_destroy(kco_proto_json_t *j) {
        if (!j)
                return;
        kco_json_dom_free(&j->dom);
        kco_arena_destroy(j->scratch);
        free(j);
}

/* name (a C string) is exactly [k, k+n) (which may hold NUL bytes). */
static int pj_name_is(const char *name, const char *k, size_t n) {
        if (!name)
                return 0;
        for (size_t i = 0; i < n; i++)
                if (name[i] != k[i] || !name[i])
                        return 0;
        return name[n] == '\0';
}

static void pj_enum_name(const char *name, kco_value_t *out) {
        out->type = KCO_TYPE_STRING;
        out->schema = NULL;
        out->u.s.ptr = name ? name : "";
        out->u.s.len = name ? strlen(name) : 0;
}

static int pj_null_enum(const kco_proto_field_t *f) {
        return f->type == KCO_PROTO_ENUM && f->en && f->en->full_name && !strcmp(f->en->full_name, PJ_NULL_ENUM);
}

/* An enum: a value name; else an int32 (number or string) naming a declared number (the first value with it),
 * or any int32 when the enum is open. */
static int pj_enum(pj_ctx_t *c, const kco_proto_enum_t *en, const kco_json_node_t *j, const kco_path_t *path,
                   kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        size_t n = 0;
        if (j->kind == KCO_JSON_STRING)
                for (size_t i = 0; i < en->nvalues; i++) {
                        const char *name = en->values[i].name;
                        if (pj_name_is(name, j->p, j->len)) {
                                pj_enum_name(name, out);
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
                                pj_enum_name(en->values[i].name, out);
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

/* ---- fields and messages ---- */

static int pj_message(pj_ctx_t *c, const kco_proto_msg_t *m, const kco_json_node_t *j, const kco_path_t *path,
                      int depth, kco_value_t *out);

/* One value of field f (an element, for a repeated field): NULL for JSON null (unset). depth: the message
 * level f belongs to. */
static int pj_single(pj_ctx_t *c, const kco_proto_field_t *f, const kco_json_node_t *j, const kco_path_t *path,
                     int depth, kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        memset(out, 0, sizeof(*out));
        if (j->kind == KCO_JSON_NULL) {
                if (pj_null_enum(f)) {
                        kco_json_node_t zero = {.kind = KCO_JSON_NUMBER, .p = "0", .len = 1};
                        return pj_enum(c, f->en, &zero, path, out);
                }
                return 0;
        }
        switch (f->type) {
        case KCO_PROTO_MESSAGE:
        case KCO_PROTO_GROUP:
                if (!f->msg)
                        return kco_path_error(c->err, PJ_WHO, path, "Field %s has no message type", f->name);
                if (depth >= PJ_MAX_DEPTH)
                        return kco_path_error(c->err, PJ_WHO, path, "Hit recursion limit.");
                return pj_message(c, f->msg, j, path, depth + 1, out);
        case KCO_PROTO_ENUM:
                if (!f->en)
                        return kco_path_error(c->err, PJ_WHO, path, "Field %s has no enum type", f->name);
                return pj_enum(c, f->en, j, path, out);
        case KCO_PROTO_DOUBLE:
                return kco_pj_real(c, 0, j, path, out);
        case KCO_PROTO_FLOAT:
                return kco_pj_real(c, 1, j, path, out);
        case KCO_PROTO_BOOL:
                return kco_pj_bool(c, j, path, out);
        case KCO_PROTO_STRING:
                if (j->kind != KCO_JSON_STRING)
                        return kco_path_error(c->err, PJ_WHO, path, "Not a string value: %s", kco_pj_show(sb, j));
                kco_pj_str(c, j->p, j->len, j->flags & KCO_JSON_OWNED, KCO_TYPE_STRING, out);
                return 0;
        case KCO_PROTO_BYTES:
                return kco_pj_bytes(c, j, path, out);
        default:
                return kco_pj_integer(c, f->type, j, path, out);
        }
}

/* The proto3 default of an implicit-presence scalar (messages stay NULL). */
static void pj_default(const kco_proto_field_t *f, kco_value_t *out) {
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
                pj_enum_name(f->en && f->en->nvalues ? f->en->values[0].name : "", out);
                return;
        default:
                kco_pj_int_value(f->type, 0, out);
                return;
        }
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

static int pj_repeated(pj_ctx_t *c, const kco_proto_field_t *f, const kco_json_node_t *j, const kco_path_t *path,
                       int depth, kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        if (j->kind != KCO_JSON_ARRAY)
                return kco_path_error(c->err, PJ_WHO, path, "Expected an array for %s but found %s", f->name,
                                      kco_pj_show(sb, j));
        kco_value_t *items = j->n ? kco_arena_alloc(c->arena, j->n * sizeof(*items)) : NULL;
        for (size_t i = 0; i < j->n; i++) {
                const kco_json_node_t *e = &j->items[i];
                kco_path_t ep = {path, NULL, NULL, 0, i};
                if (e->kind == KCO_JSON_NULL && !pj_null_enum(f))
                        return kco_path_error(c->err, PJ_WHO, &ep,
                                              "Repeated field elements cannot be null in field: %s", f->name);
                if (pj_single(c, f, e, &ep, depth, &items[i]))
                        return -1;
        }
        out->type = KCO_TYPE_ARRAY;
        out->schema = NULL;
        out->u.c.items = items;
        out->u.c.n = j->n;
        return 0;
}

/* A map key (a JSON member name) of key field kf: strings as they are, bools "true" / "false", integers in
 * canonical decimal (-?(0|[1-9][0-9]*), not "-0"), so distinct names are distinct keys. */
static int pj_key(pj_ctx_t *c, const kco_proto_field_t *kf, const kco_json_node_t *k, const kco_path_t *path,
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

static int pj_map(pj_ctx_t *c, const kco_proto_field_t *f, const kco_json_node_t *j, const kco_path_t *path,
                  int depth, kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        const kco_proto_msg_t *e = f->msg;
        if (!e || e->nfields < 2)
                return kco_path_error(c->err, PJ_WHO, path, "Invalid map field: %s", f->name);
        if (j->kind != KCO_JSON_OBJECT)
                return kco_path_error(c->err, PJ_WHO, path, "Expect a map object but found: %s", kco_pj_show(sb, j));
        const kco_proto_field_t *kf = &e->fields[0], *vf = &e->fields[1];
        size_t n = j->n;
        kco_value_t *entries = n ? kco_arena_alloc(c->arena, n * sizeof(*entries)) : NULL;
        kco_value_t *kv = n ? kco_arena_alloc(c->arena, 2 * n * sizeof(*kv)) : NULL;
        for (size_t i = 0; i < n; i++) {
                const kco_json_node_t *k = &j->items[2 * i], *v = &j->items[2 * i + 1];
                kco_path_t kp = {path, NULL, k->p, k->len, 0};
                if (pj_key(c, kf, k, &kp, &kv[2 * i]))
                        return -1;
                if (v->kind == KCO_JSON_NULL && !pj_null_enum(vf))
                        return kco_path_error(c->err, PJ_WHO, &kp, "Map value cannot be null.");
                if (pj_single(c, vf, v, &kp, depth, &kv[2 * i + 1]))
                        return -1;
                entries[i].type = KCO_TYPE_STRUCT;
                entries[i].schema = NULL;
                entries[i].u.c.items = &kv[2 * i];
                entries[i].u.c.n = 2;
        }
        out->type = KCO_TYPE_ARRAY;
        out->schema = NULL;
        out->u.c.items = entries;
        out->u.c.n = n;
        return 0;
}

/* The field a member name names (json_name or declared name), scanning from *hint (after the last match), or
 * SIZE_MAX. */
static size_t pj_find(const kco_proto_msg_t *m, const char *k, size_t n, size_t *hint) {
        size_t nf = m->nfields, i = *hint < nf ? *hint : 0;
        for (size_t cnt = 0; cnt < nf; cnt++) {
                const kco_proto_field_t *f = &m->fields[i];
                if (pj_name_is(f->json_name, k, n) || pj_name_is(f->name, k, n)) {
                        *hint = i + 1;
                        return i;
                }
                if (++i == nf)
                        i = 0;
        }
        return SIZE_MAX;
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
                        pj_default(f, it);
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

/* ---- well-known types ---- */

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
static int pj_parse_timestamp(const char *p, size_t n, int64_t *secs, int32_t *nanos) {
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
static int pj_parse_duration(const char *p, size_t n, int64_t *secs, int32_t *nanos) {
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

/* Timestamp / Duration: {seconds (1), nanos (2)} typed by their fields. */
static int pj_seconds_nanos(pj_ctx_t *c, const kco_proto_msg_t *m, const kco_json_node_t *j,
                            const kco_path_t *path, kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        int ts = m->wkt == KCO_PROTO_WKT_TIMESTAMP;
        int64_t secs = 0;
        int32_t nanos = 0;
        if (j->kind != KCO_JSON_STRING || (ts ? pj_parse_timestamp(j->p, j->len, &secs, &nanos)
                                              : pj_parse_duration(j->p, j->len, &secs, &nanos)))
                return kco_path_error(c->err, PJ_WHO, path, "Failed to parse %s: %s", ts ? "timestamp" : "duration",
                                      kco_pj_show(sb, j));
        kco_value_t v;
        kco_value_t *items = pj_items(c, m, &v);
        for (size_t i = 0; i < m->nfields; i++) {
                const kco_proto_field_t *f = &m->fields[i];
                if (f->number == 1 || f->number == 2)
                        kco_pj_int_value(f->type, f->number == 1 ? secs : nanos, &items[i]);
        }
        if (pj_finish(c, m, items, path))
                return -1;
        *out = v;
        return 0;
}

/* The wrappers: the JSON of their field "value". */
static int pj_wrapper(pj_ctx_t *c, const kco_proto_msg_t *m, const kco_json_node_t *j, const kco_path_t *path,
                      int depth, kco_value_t *out) {
        size_t vi = 0;
        while (vi < m->nfields && strcmp(m->fields[vi].name, "value"))
                vi++;
        if (vi == m->nfields)
                return kco_path_error(c->err, PJ_WHO, path, "Invalid wrapper type: %s", m->full_name);
        if (j->kind == KCO_JSON_NULL)
                return kco_path_error(c->err, PJ_WHO, path, "Invalid null value for wrapper type: %s", m->full_name);
        kco_value_t v;
        kco_value_t *items = pj_items(c, m, &v);
        if (pj_single(c, &m->fields[vi], j, path, depth, &items[vi]) || pj_finish(c, m, items, path))
                return -1;
        *out = v;
        return 0;
}

/* FieldMask: "a.fooBar,b" -> paths a.foo_bar, b (Guava's LOWER_CAMEL -> LOWER_UNDERSCORE: an upper-case ASCII
 * letter after the first character becomes '_' and its lower case); empty paths are dropped. */
static int pj_field_mask(pj_ctx_t *c, const kco_proto_msg_t *m, const kco_json_node_t *j, const kco_path_t *path,
                         kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        size_t pi = 0;
        while (pi < m->nfields && m->fields[pi].number != 1)
                pi++;
        if (pi == m->nfields || m->fields[pi].label != KCO_PROTO_LABEL_REPEATED)
                return kco_path_error(c->err, PJ_WHO, path, "Invalid field mask type: %s", m->full_name);
        if (j->kind != KCO_JSON_STRING)
                return kco_path_error(c->err, PJ_WHO, path, "Failed to parse field mask: %s", kco_pj_show(sb, j));
        const char *p = j->p, *e = j->p + j->len;
        size_t np = 0, upper = 0;
        for (const char *q = p; q < e; q++) {
                upper += *q >= 'A' && *q <= 'Z';
                np += *q == ',' && q > p && q[-1] != ',';
        }
        np += e > p && e[-1] != ',';
        kco_value_t v;
        kco_value_t *items = pj_items(c, m, &v);
        kco_value_t *paths = np ? kco_arena_alloc(c->arena, np * sizeof(*paths)) : NULL;
        char *conv = upper ? kco_arena_alloc(c->arena, j->len + upper) : NULL;
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
                                kco_pj_str(c, p, (size_t)(q - p), j->flags & KCO_JSON_OWNED, KCO_TYPE_STRING, &paths[k]);
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
        if (pj_finish(c, m, items, path))
                return -1;
        *out = v;
        return 0;
}

/* ---- messages ---- */

static int pj_message(pj_ctx_t *c, const kco_proto_msg_t *m, const kco_json_node_t *j, const kco_path_t *path,
                      int depth, kco_value_t *out) {
        char sb[PJ_SHOW_CAP];
        switch (m->wkt) {
        case KCO_PROTO_WKT_TIMESTAMP:
        case KCO_PROTO_WKT_DURATION:
                return pj_seconds_nanos(c, m, j, path, out);
        case KCO_PROTO_WKT_WRAPPER:
                return pj_wrapper(c, m, j, path, depth, out);
        case KCO_PROTO_WKT_FIELD_MASK:
                return pj_field_mask(c, m, j, path, out);
        default: /* Empty is an ordinary message without fields */
                break;
        }
        if (j->kind != KCO_JSON_OBJECT)
                return kco_path_error(c->err, PJ_WHO, path, "Expect message object but got: %s", kco_pj_show(sb, j));
        kco_value_t v;
        kco_value_t *items = pj_items(c, m, &v);
        size_t hint = 0;
        for (size_t k = 0; k < j->n; k++) {
                const kco_json_node_t *key = &j->items[2 * k], *val = &j->items[2 * k + 1];
                size_t fi = pj_find(m, key->p, key->len, &hint);
                if (fi == SIZE_MAX)
                        return kco_path_error(c->err, PJ_WHO, path, "Cannot find field: %s in message %s",
                                              kco_pj_clip(sb, key->p, key->len, 0), m->full_name);
                const kco_proto_field_t *f = &m->fields[fi];
                kco_value_t *it = &items[fi];
                kco_path_t fp = {path, f->name, NULL, 0, 0};
                if (pj_is_set(f, it))
                        return kco_path_error(c->err, PJ_WHO, &fp, "Field %s.%s has already been set.", m->full_name,
                                              f->name);
                if (f->label == KCO_PROTO_LABEL_REPEATED) {
                        if (val->kind == KCO_JSON_NULL)
                                continue;
                        if (f->is_map ? pj_map(c, f, val, &fp, depth, it) : pj_repeated(c, f, val, &fp, depth, it))
                                return -1;
                        continue;
                }
                kco_value_t one;
                if (pj_single(c, f, val, &fp, depth, &one))
                        return -1;
                if (one.type == KCO_TYPE_NULL)
                        continue; /* null: unset */
                if (f->oneof >= 0)
                        for (size_t o = 0; o < m->nfields; o++)
                                if (o != fi && m->fields[o].oneof == f->oneof && items[o].type != KCO_TYPE_NULL)
                                        return kco_path_error(c->err, PJ_WHO, &fp,
                                                              "Cannot set field %s.%s because another field %s.%s "
                                                              "belonging to the same oneof has already been set",
                                                              m->full_name, f->name, m->full_name,
                                                              m->fields[o].name);
                *it = one;
        }
        if (pj_finish(c, m, items, path))
                return -1;
        *out = v;
        return 0;
}

int kco_proto_json_parse(kco_proto_json_t *j, const kco_proto_msg_t *m, const char *p, size_t n,
                         kco_arena_t *arena, kco_value_t *out, kco_err_t *err) {
        pj_ctx_t c = {arena, j->scratch, err};
        kco_json_node_t root;
        kco_value_t v;
        memset(out, 0, sizeof(*out));
        kco_arena_reset(j->scratch);
        int rc = kco_json_dom_parse(&j->dom, j->scratch, p, n, PJ_MAX_DEPTH, NULL, &root, err);
        if (rc < 0) {
                char msg[sizeof(err->msg)];
                memcpy(msg, err->msg, sizeof(msg));
                return kco_path_error(err, PJ_WHO, NULL, "%s", msg);
        }
        if (rc == 0)
                return kco_path_error(err, PJ_WHO, NULL, "Expect message object but got: nothing (empty JSON text)");
        memset(&v, 0, sizeof(v));
        if (pj_message(&c, m, &root, NULL, 0, &v))
                return -1;
        *out = v;
        return 0;
}
