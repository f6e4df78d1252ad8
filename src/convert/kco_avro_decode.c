/*
 * kco_avro_decode.c - Avro binary datums and JSON defaults to Connect values
 * (see kco_avro_decode.h).
 *
 * The binary encoding as Avro's BinaryDecoder reads it: zigzag varints (an
 * int takes at most 5 bytes, a long 10; excess high bits of the last byte
 * are dropped, as Java does), little-endian IEEE floats, length-prefixed
 * bytes and strings, arrays and maps as blocks (a negative count is
 * followed by the block's size in bytes, which is checked for range and
 * otherwise skipped, as Java does), a union as its branch index, an enum as
 * its symbol index, a boolean true only for byte 1 (Java's readBoolean).
 *
 * Decisions where Java has no bound or no check:
 *   - a string that is not valid UTF-8 is kept, with each maximal invalid
 *     subsequence replaced by U+FFFD: that is what Java's new String(bytes,
 *     UTF_8) in Avro's Utf8.toString() produces, so records the Java
 *     connector accepts are not refused here. Map keys likewise.
 *   - trailing bytes after the datum are an error (Java ignores them unless
 *     avro.fail.on.trailing.data=true).
 *   - a block count is refused before any allocation when the bytes left
 *     cannot hold that many items (each item's minimum encoded size is known
 *     from the schema); items that take no bytes (empty records, fixed(0))
 *     are bounded by a value budget of KCO_AVRO_MAX_VALUES(n) per datum.
 *   - nesting of records, arrays, maps and union structs beyond
 *     KCO_AVRO_MAX_DEPTH is an error.
 *
 * Task thread. Must never: read a byte before checking it is there.
 */
#include "convert/kco_avro_decode.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "format/kco_json_scan.h"

typedef struct kco_avro_rd_s {
        const uint8_t *p;
        size_t n, pos;
        kco_arena_t *arena;
        size_t budget; /* values still allowed */
        int depth;
        kco_err_t *err;
} kco_avro_rd_t;

__attribute__((format(printf, 3, 4))) static int kco_avro_rd_fail(kco_avro_rd_t *r, size_t at, const char *fmt,
                                                                   ...) {
        char msg[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return kco_err_set(r->err, KCO_ERR_DATA, 0, "invalid Avro data at byte %zu of %zu: %s", at, r->n, msg);
}

static int kco_avro_rd_long(kco_avro_rd_t *r, int64_t *out, const char *what) {
        size_t at = r->pos;
        uint64_t v = 0;
        for (int i = 0; i < 10; i++) {
                if (r->pos >= r->n)
                        return kco_avro_rd_fail(r, at, "truncated (reading %s)", what);
                uint8_t c = r->p[r->pos++];
                v |= (uint64_t)(c & 0x7f) << (7 * i);
                if (!(c & 0x80)) {
                        *out = (int64_t)((v >> 1) ^ (0 - (v & 1)));
                        return 0;
                }
        }
        return kco_avro_rd_fail(r, at, "a long longer than 10 bytes (reading %s)", what);
}

static int kco_avro_rd_int(kco_avro_rd_t *r, int32_t *out, const char *what) {
        size_t at = r->pos;
        uint32_t v = 0;
        for (int i = 0; i < 5; i++) {
                if (r->pos >= r->n)
                        return kco_avro_rd_fail(r, at, "truncated (reading %s)", what);
                uint8_t c = r->p[r->pos++];
                v |= (uint32_t)(c & 0x7f) << (7 * i);
                if (!(c & 0x80)) {
                        *out = (int32_t)((v >> 1) ^ (0u - (v & 1)));
                        return 0;
                }
        }
        return kco_avro_rd_fail(r, at, "an int longer than 5 bytes (reading %s)", what);
}

static int kco_avro_rd_need(kco_avro_rd_t *r, size_t k, const char *what) {
        if (r->n - r->pos < k)
                return kco_avro_rd_fail(r, r->pos, "truncated (reading %s: %zu bytes needed, %zu left)", what, k,
                                        r->n - r->pos);
        return 0;
}

/* A length prefix, checked against the bytes left. */
static int kco_avro_rd_len(kco_avro_rd_t *r, size_t *len, const char *what) {
        size_t at = r->pos;
        int64_t l;
        if (kco_avro_rd_long(r, &l, what))
                return -1;
        if (l < 0)
                return kco_avro_rd_fail(r, at, "negative %s length %lld", what, (long long)l);
        if ((uint64_t)l > r->n - r->pos)
                return kco_avro_rd_fail(r, at, "%s length %lld exceeds the %zu bytes left", what, (long long)l,
                                        r->n - r->pos);
        *len = (size_t)l;
        return 0;
}

/* Length of the well-formed UTF-8 sequence at s[0..n), or 0 with the length of its maximal well-formed
 * prefix (at least 1) in *bad. */
static size_t kco_avro_utf8_seq(const uint8_t *s, size_t n, size_t *bad) {
        uint8_t c = s[0], lo = 0x80, hi = 0xBF;
        size_t need;
        if (c < 0x80)
                return 1;
        if (c >= 0xC2 && c <= 0xDF)
                need = 1;
        else if (c == 0xE0)
                need = 2, lo = 0xA0;
        else if (c == 0xED)
                need = 2, hi = 0x9F;
        else if (c >= 0xE1 && c <= 0xEF)
                need = 2;
        else if (c == 0xF0)
                need = 3, lo = 0x90;
        else if (c == 0xF4)
                need = 3, hi = 0x8F;
        else if (c >= 0xF1 && c <= 0xF3)
                need = 3;
        else {
                *bad = 1;
                return 0;
        }
        for (size_t k = 1; k <= need; k++) {
                if (k >= n || s[k] < (k == 1 ? lo : 0x80) || s[k] > (k == 1 ? hi : 0xBF)) {
                        *bad = k;
                        return 0;
                }
        }
        return need + 1;
}

/* A string value for s[0..n): the input itself when it is valid UTF-8, else a copy with U+FFFD for each
 * maximal invalid subsequence. */
static void kco_avro_text(kco_arena_t *arena, const char *s, size_t n, kco_value_t *v) {
        v->type = KCO_TYPE_STRING;
        if (kco_utf8_valid(s, n)) {
                v->u.s.ptr = s;
                v->u.s.len = n;
                return;
        }
        char *o = kco_arena_alloc(arena, 3 * n);
        size_t k = 0, i = 0, bad;
        while (i < n) {
                size_t l = kco_avro_utf8_seq((const uint8_t *)s + i, n - i, &bad);
                if (l) {
                        memcpy(o + k, s + i, l);
                        k += l;
                        i += l;
                } else {
                        memcpy(o + k, "\xEF\xBF\xBD", 3);
                        k += 3;
                        i += bad;
                }
        }
        v->u.s.ptr = o;
        v->u.s.len = k;
}

static int kco_avro_rd_string(kco_avro_rd_t *r, kco_value_t *v) {
        size_t len;
        if (kco_avro_rd_len(r, &len, "string"))
                return -1;
        kco_avro_text(r->arena, (const char *)r->p + r->pos, len, v);
        r->pos += len;
        return 0;
}

static kco_value_t *kco_avro_rd_items(kco_avro_rd_t *r, size_t count) {
        if (count > r->budget) {
                kco_avro_rd_fail(r, r->pos, "the datum expands to more than %zu values", KCO_AVRO_MAX_VALUES(r->n));
                return NULL;
        }
        r->budget -= count;
        return kco_arena_alloc(r->arena, count * sizeof(kco_value_t));
}

static int kco_avro_rd_enter(kco_avro_rd_t *r) {
        if (++r->depth > KCO_AVRO_MAX_DEPTH)
                return kco_avro_rd_fail(r, r->pos, "nested deeper than %d levels", KCO_AVRO_MAX_DEPTH);
        return 0;
}

static int kco_avro_rd_mismatch(kco_avro_rd_t *r) {
        return kco_avro_rd_fail(r, r->pos, "internal error: the Connect schema does not match the Avro schema");
}

/* The item count of the next block (0 at the end of the array or map), checked against the bytes left:
 * each item takes at least min_item bytes. */
static int kco_avro_rd_block(kco_avro_rd_t *r, size_t min_item, size_t *count) {
        size_t at = r->pos;
        int64_t c, bytes;
        if (kco_avro_rd_long(r, &c, "block count"))
                return -1;
        if (c < 0) {
                if (c == INT64_MIN)
                        return kco_avro_rd_fail(r, at, "invalid block count");
                c = -c;
                if (kco_avro_rd_long(r, &bytes, "block size"))
                        return -1;
                if (bytes < 0 || (uint64_t)bytes > r->n - r->pos)
                        return kco_avro_rd_fail(r, at, "block size %lld is negative or exceeds the %zu bytes left",
                                                (long long)bytes, r->n - r->pos);
        }
        if (min_item && (uint64_t)c > (r->n - r->pos) / min_item)
                return kco_avro_rd_fail(r, at, "a block of %lld items cannot fit in the %zu bytes left", (long long)c,
                                        r->n - r->pos);
        if ((uint64_t)c > r->budget)
                return kco_avro_rd_fail(r, at, "a block of %lld items exceeds the limit of %zu values per datum",
                                        (long long)c, KCO_AVRO_MAX_VALUES(r->n));
        *count = (size_t)c;
        return 0;
}

static int kco_avro_rd_value(kco_avro_rd_t *r, const kco_avro_node_t *a, const kco_schema_t *cs, kco_value_t *v);

/* Arrays (ARRAY, or MAP for map entries) and maps: per = values per item. */
static int kco_avro_rd_blocks(kco_avro_rd_t *r, const kco_avro_node_t *a, const kco_schema_t *cs, kco_value_t *v) {
        int is_map = a->kind == KCO_AVRO_MAP, entries = a->map_entry;
        const kco_avro_node_t *it = a->items;
        if ((is_map || entries) ? cs->type != KCO_TYPE_MAP : cs->type != KCO_TYPE_ARRAY)
                return kco_avro_rd_mismatch(r);
        if (entries && (it->kind != KCO_AVRO_RECORD || it->nfields != 2))
                return kco_avro_rd_mismatch(r);
        if (kco_avro_rd_enter(r))
                return -1;
        size_t per = (is_map || entries) ? 2 : 1, min_item = is_map ? it->min_size + 1 : it->min_size;
        size_t total = 0, cap = 0, count = 0;
        kco_value_t *items = NULL;
        for (;;) {
                if (kco_avro_rd_block(r, min_item, &count))
                        return -1;
                if (!count)
                        break;
                if (total + count > cap) {
                        size_t ncap = 2 * cap > total + count ? 2 * cap : total + count;
                        kco_value_t *grown = kco_arena_alloc(r->arena, ncap * per * sizeof(*grown));
                        if (total)
                                memcpy(grown, items, total * per * sizeof(*grown));
                        items = grown;
                        cap = ncap;
                }
                if (count * per > r->budget)
                        return kco_avro_rd_fail(r, r->pos, "the datum expands to more than %zu values",
                                                KCO_AVRO_MAX_VALUES(r->n));
                r->budget -= count * per;
                for (size_t k = 0; k < count; k++) {
                        kco_value_t *slot = &items[(total + k) * per];
                        if (is_map) {
                                slot[0].schema = cs->key;
                                if (kco_avro_rd_string(r, &slot[0]) || kco_avro_rd_value(r, it, cs->value, &slot[1]))
                                        return -1;
                        } else if (entries) {
                                int kf = a->entry_key;
                                if (kco_avro_rd_value(r, it->fields[0].type, kf == 0 ? cs->key : cs->value,
                                                      &slot[kf == 0 ? 0 : 1]) ||
                                    kco_avro_rd_value(r, it->fields[1].type, kf == 1 ? cs->key : cs->value,
                                                      &slot[kf == 1 ? 0 : 1]))
                                        return -1;
                        } else if (kco_avro_rd_value(r, it, cs->value, slot)) {
                                return -1;
                        }
                }
                total += count;
        }
        v->type = cs->type;
        v->u.c.items = items;
        v->u.c.n = total;
        r->depth--;
        return 0;
}

static int kco_avro_rd_union(kco_avro_rd_t *r, const kco_avro_node_t *a, const kco_schema_t *cs, kco_value_t *v) {
        size_t at = r->pos;
        int32_t idx;
        if (kco_avro_rd_int(r, &idx, "union branch"))
                return -1;
        if (idx < 0 || (size_t)idx >= a->nbranches)
                return kco_avro_rd_fail(r, at, "union branch %d out of range (the union has %zu)", (int)idx,
                                        a->nbranches);
        const kco_avro_node_t *br = a->branches[idx];
        if (br->kind == KCO_AVRO_NULL) {
                if (!cs->optional)
                        return kco_avro_rd_mismatch(r);
                v->type = KCO_TYPE_NULL;
                return 0;
        }
        if (a->union_mode != KCO_AVRO_UNION_STRUCT)
                return kco_avro_rd_value(r, br, cs, v);
        /* io.confluent.connect.avro.Union: the branch's field set, the others null */
        size_t k = (size_t)idx - (a->null_branch >= 0 && a->null_branch < idx);
        if (cs->type != KCO_TYPE_STRUCT || k >= cs->nfields)
                return kco_avro_rd_mismatch(r);
        if (kco_avro_rd_enter(r))
                return -1;
        kco_value_t *items = kco_avro_rd_items(r, cs->nfields);
        if (!items)
                return -1;
        for (size_t f = 0; f < cs->nfields; f++) {
                items[f].type = KCO_TYPE_NULL;
                items[f].schema = cs->fields[f].schema;
        }
        if (kco_avro_rd_value(r, br, cs->fields[k].schema, &items[k]))
                return -1;
        v->type = KCO_TYPE_STRUCT;
        v->u.c.items = items;
        v->u.c.n = cs->nfields;
        r->depth--;
        return 0;
}

static int kco_avro_rd_value(kco_avro_rd_t *r, const kco_avro_node_t *a, const kco_schema_t *cs, kco_value_t *v) {
        size_t at = r->pos, len;
        int32_t i32;
        int64_t i64;
        v->schema = cs;
        switch (a->kind) {
        case KCO_AVRO_NULL:
                v->type = KCO_TYPE_NULL;
                return 0;
        case KCO_AVRO_BOOLEAN:
                if (kco_avro_rd_need(r, 1, "boolean"))
                        return -1;
                v->type = KCO_TYPE_BOOLEAN;
                v->u.i = r->p[r->pos++] == 1;
                return 0;
        case KCO_AVRO_INT:
                if (kco_avro_rd_int(r, &i32, "int"))
                        return -1;
                v->type = cs->type; /* int8/int16 (connect.type) are narrowed as Java's byteValue/shortValue */
                v->u.i = cs->type == KCO_TYPE_INT8 ? (int8_t)i32 : cs->type == KCO_TYPE_INT16 ? (int16_t)i32 : i32;
                return 0;
        case KCO_AVRO_LONG:
                if (kco_avro_rd_long(r, &i64, "long"))
                        return -1;
                v->type = KCO_TYPE_INT64;
                v->u.i = i64;
                return 0;
        case KCO_AVRO_FLOAT: {
                if (kco_avro_rd_need(r, 4, "float"))
                        return -1;
                const uint8_t *s = r->p + r->pos;
                uint32_t u = (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
                float f;
                memcpy(&f, &u, 4);
                r->pos += 4;
                v->type = KCO_TYPE_FLOAT32;
                v->u.d = f;
                return 0;
        }
        case KCO_AVRO_DOUBLE: {
                if (kco_avro_rd_need(r, 8, "double"))
                        return -1;
                uint64_t u = 0;
                for (int k = 7; k >= 0; k--)
                        u = u << 8 | r->p[r->pos + (size_t)k];
                memcpy(&v->u.d, &u, 8);
                r->pos += 8;
                v->type = KCO_TYPE_FLOAT64;
                return 0;
        }
        case KCO_AVRO_BYTES:
        case KCO_AVRO_FIXED:
                if (a->kind == KCO_AVRO_BYTES) {
                        if (kco_avro_rd_len(r, &len, "bytes"))
                                return -1;
                } else {
                        len = a->size;
                        if (kco_avro_rd_need(r, len, "fixed"))
                                return -1;
                }
                v->type = KCO_TYPE_BYTES;
                v->u.s.ptr = (const char *)r->p + r->pos;
                v->u.s.len = len;
                r->pos += len;
                return 0;
        case KCO_AVRO_STRING:
                return kco_avro_rd_string(r, v);
        case KCO_AVRO_ENUM:
                if (kco_avro_rd_int(r, &i32, "enum index"))
                        return -1;
                if (i32 < 0 || (size_t)i32 >= a->nsymbols)
                        return kco_avro_rd_fail(r, at, "enum index %d out of range (%s has %zu symbols)", (int)i32,
                                                a->fullname, a->nsymbols);
                v->type = KCO_TYPE_STRING;
                v->u.s.ptr = a->symbols[i32];
                v->u.s.len = a->symlens[i32];
                return 0;
        case KCO_AVRO_RECORD: {
                if (cs->type != KCO_TYPE_STRUCT || cs->nfields != a->nfields)
                        return kco_avro_rd_mismatch(r);
                if (kco_avro_rd_enter(r))
                        return -1;
                kco_value_t *items = kco_avro_rd_items(r, a->nfields);
                if (!items)
                        return -1;
                for (size_t f = 0; f < a->nfields; f++)
                        if (kco_avro_rd_value(r, a->fields[f].type, cs->fields[f].schema, &items[f]))
                                return -1;
                v->type = KCO_TYPE_STRUCT;
                v->u.c.items = items;
                v->u.c.n = a->nfields;
                r->depth--;
                return 0;
        }
        case KCO_AVRO_ARRAY:
        case KCO_AVRO_MAP:
                return kco_avro_rd_blocks(r, a, cs, v);
        case KCO_AVRO_UNION:
                return kco_avro_rd_union(r, a, cs, v);
        }
        return kco_avro_rd_mismatch(r);
}

int kco_avro_decode(const kco_avro_schema_t *s, const void *p, size_t n, kco_arena_t *arena, kco_value_t **out,
                    kco_err_t *err) {
        kco_avro_rd_t r;
        r.p = p ? p : (const void *)"";
        r.n = p ? n : 0;
        r.pos = 0;
        r.arena = arena;
        r.budget = KCO_AVRO_MAX_VALUES(n) - 1;
        r.depth = 0;
        r.err = err;
        kco_value_t *v = kco_arena_alloc(arena, sizeof(*v));
        if (kco_avro_rd_value(&r, s->avro, s->connect, v))
                return -1;
        if (r.pos != r.n)
                return kco_avro_rd_fail(&r, r.pos, "%zu trailing bytes after the datum", r.n - r.pos);
        *out = v;
        return 0;
}

/* ---------------------------------------------------------------- defaults */

/* String.getBytes(ISO_8859_1) of UTF-8 text: code points above U+00FF become '?'. */
static void kco_avro_latin1(kco_arena_t *arena, const char *s, size_t n, kco_value_t *out) {
        char *o = kco_arena_alloc(arena, n);
        size_t k = 0, i = 0;
        while (i < n) {
                const uint8_t *u = (const uint8_t *)s + i;
                size_t l = kco_utf8_char_len(s + i, n - i);
                if (l == 2 && u[0] <= 0xC3)
                        o[k++] = (char)(((u[0] & 0x1F) << 6) | (u[1] & 0x3F));
                else
                        o[k++] = l == 1 ? s[i] : '?';
                i += l ? l : 1;
        }
        out->type = KCO_TYPE_BYTES;
        out->u.s.ptr = o;
        out->u.s.len = k;
}

static kco_value_t *kco_avro_null_items(kco_arena_t *arena, const kco_schema_t *cs) {
        kco_value_t *items = kco_arena_calloc(arena, cs->nfields ? cs->nfields : 1, sizeof(*items));
        for (size_t f = 0; f < cs->nfields; f++) {
                items[f].type = KCO_TYPE_NULL;
                items[f].schema = cs->fields[f].schema;
        }
        return items;
}

int kco_avro_decode_default(const kco_avro_node_t *a, const kco_schema_t *cs, const json_t *j, kco_arena_t *arena,
                            kco_value_t *out) {
        out->schema = cs;
        if (json_is_null(j)) {
                out->type = KCO_TYPE_NULL;
                return cs->optional ? 0 : -1;
        }
        json_int_t x;
        const char *key;
        json_t *e;
        size_t i;
        switch (a->kind) {
        case KCO_AVRO_UNION: {
                const kco_avro_node_t *first = a->nbranches ? a->branches[0] : NULL;
                if (!first)
                        return -1;
                if (first->kind == KCO_AVRO_NULL) { /* a default other than null does not fit */
                        out->type = KCO_TYPE_NULL;
                        return cs->optional ? 0 : -1;
                }
                if (a->union_mode != KCO_AVRO_UNION_STRUCT)
                        return kco_avro_decode_default(first, cs, j, arena, out);
                if (cs->type != KCO_TYPE_STRUCT || !cs->nfields)
                        return -1;
                kco_value_t *items = kco_avro_null_items(arena, cs);
                if (kco_avro_decode_default(first, cs->fields[0].schema, j, arena, &items[0]))
                        return -1;
                out->type = KCO_TYPE_STRUCT;
                out->u.c.items = items;
                out->u.c.n = cs->nfields;
                return 0;
        }
        case KCO_AVRO_BOOLEAN:
                if (!json_is_boolean(j))
                        return -1;
                out->type = KCO_TYPE_BOOLEAN;
                out->u.i = json_is_true(j);
                return 0;
        case KCO_AVRO_INT:
                if (!json_is_integer(j) || (x = json_integer_value(j)) < INT32_MIN || x > INT32_MAX)
                        return -1;
                out->type = cs->type;
                out->u.i = cs->type == KCO_TYPE_INT8 ? (int8_t)x : cs->type == KCO_TYPE_INT16 ? (int16_t)x : (int32_t)x;
                return 0;
        case KCO_AVRO_LONG:
                if (!json_is_integer(j))
                        return -1;
                out->type = KCO_TYPE_INT64;
                out->u.i = json_integer_value(j);
                return 0;
        case KCO_AVRO_FLOAT:
        case KCO_AVRO_DOUBLE:
                if (!json_is_number(j))
                        return -1;
                out->type = a->kind == KCO_AVRO_FLOAT ? KCO_TYPE_FLOAT32 : KCO_TYPE_FLOAT64;
                out->u.d = a->kind == KCO_AVRO_FLOAT ? (double)(float)json_number_value(j) : json_number_value(j);
                return 0;
        case KCO_AVRO_STRING:
        case KCO_AVRO_ENUM:
                if (!json_is_string(j))
                        return -1;
                out->type = KCO_TYPE_STRING;
                out->u.s.len = json_string_length(j);
                out->u.s.ptr = kco_arena_strndup(arena, json_string_value(j), out->u.s.len);
                return 0;
        case KCO_AVRO_BYTES:
        case KCO_AVRO_FIXED:
                if (!json_is_string(j))
                        return -1;
                kco_avro_latin1(arena, json_string_value(j), json_string_length(j), out);
                return 0;
        case KCO_AVRO_ARRAY: {
                if (cs->type != KCO_TYPE_ARRAY || !json_is_array(j))
                        return -1; /* map entries: AvroData fails on a list of maps too */
                kco_value_t *items = kco_arena_calloc(arena, json_array_size(j) + 1, sizeof(*items));
                json_array_foreach(j, i, e) if (kco_avro_decode_default(a->items, cs->value, e, arena, &items[i])) return -1;
                out->type = KCO_TYPE_ARRAY;
                out->u.c.items = items;
                out->u.c.n = json_array_size(j);
                return 0;
        }
        case KCO_AVRO_MAP: {
                if (cs->type != KCO_TYPE_MAP || !json_is_object(j))
                        return -1;
                kco_value_t *items = kco_arena_calloc(arena, 2 * json_object_size(j) + 1, sizeof(*items));
                i = 0;
                json_object_foreach((json_t *)j, key, e) {
                        items[2 * i].type = KCO_TYPE_STRING;
                        items[2 * i].schema = cs->key;
                        items[2 * i].u.s.len = strlen(key);
                        items[2 * i].u.s.ptr = kco_arena_strdup(arena, key);
                        if (kco_avro_decode_default(a->items, cs->value, e, arena, &items[2 * i + 1]))
                                return -1;
                        i++;
                }
                out->type = KCO_TYPE_MAP;
                out->u.c.items = items;
                out->u.c.n = i;
                return 0;
        }
        case KCO_AVRO_RECORD: {
                if (cs->type != KCO_TYPE_STRUCT || cs->nfields != a->nfields || !json_is_object(j))
                        return -1;
                kco_value_t *items = kco_avro_null_items(arena, cs);
                for (size_t f = 0; f < a->nfields; f++) {
                        const kco_schema_t *fs = cs->fields[f].schema;
                        json_t *fj = json_object_get(j, a->fields[f].name);
                        if (fj) {
                                if (kco_avro_decode_default(a->fields[f].type, fs, fj, arena, &items[f]))
                                        return -1;
                        } else if (fs->default_value) {
                                items[f] = *fs->default_value;
                        } else if (!fs->optional) {
                                return -1; /* a required field without a value */
                        }
                }
                out->type = KCO_TYPE_STRUCT;
                out->u.c.items = items;
                out->u.c.n = a->nfields;
                return 0;
        }
        case KCO_AVRO_NULL:
                break;
        }
        return -1;
}
