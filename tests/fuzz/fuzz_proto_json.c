/*
 * fuzz_proto_json.c - libFuzzer target for protobuf JSON -> message values
 * (kco_proto_json.c: its streaming and two-pass readings over kco_json_lex.c,
 * and kco_json_dom.c's check), with the hand-built schemas of
 * tests/unit/kco_test_proto.h.
 *
 * Owns: one parser and one arena, kept across inputs on purpose (the parser's
 * scratch is reset by every parse, the arena here before each input).
 * Single-threaded (libFuzzer's). Must never keep a value across inputs.
 *
 * The first byte picks the message (test.All, test.P3, test.Node, or a
 * well-known type as the record itself); the rest is the JSON text.
 * Invariants:
 *   - a parse either succeeds or fails with a non-retriable data error
 *     "ParquetJsonFormat: value...: ..." and a NULL value;
 *   - parsing the same bytes again gives the same value or the same error;
 *   - a value matches its schema: a STRUCT of nfields items per message, NULL
 *     only for fields with presence, ARRAY for repeated fields and maps (map
 *     entries STRUCTs of 2, values never NULL), the value type of each kind
 *     (uint32 in [0, 2^32), floats already rounded to float, bools 0 / 1,
 *     strings valid UTF-8, enum names declared or UNKNOWN_ENUM_VALUE_ of an
 *     open enum), Timestamps and Durations within their ranges;
 *   - text that kco_json_scan_valid rejects is never accepted (but for a BOM
 *     or \u escapes, where the DOM is more lenient: lone surrogates).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/kco_test_proto.h"
#include "convert/kco_proto_json.h"
#include "core/kco_buf.h"
#include "format/kco_json_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_die(const char *what, const char *detail) {
        fprintf(stderr, "fuzz_proto_json invariant broken: %s\n%s\n", what, detail ? detail : "");
        abort();
}

static void check_msg(const kco_proto_msg_t *m, const kco_value_t *v, int depth);

/* A serialization of a value, to compare two parses. */
static void dump(const kco_value_t *v, kco_buf_t *b) {
        char t[48];
        snprintf(t, sizeof(t), "%d:", (int)v->type);
        kco_buf_puts(b, t);
        switch (v->type) {
        case KCO_TYPE_STRING:
        case KCO_TYPE_BYTES:
                kco_buf_append(b, v->u.s.ptr, v->u.s.len);
                break;
        case KCO_TYPE_ARRAY:
        case KCO_TYPE_STRUCT:
                kco_buf_putc(b, '(');
                for (size_t i = 0; i < v->u.c.n; i++)
                        dump(&v->u.c.items[i], b);
                kco_buf_putc(b, ')');
                break;
        case KCO_TYPE_FLOAT32:
        case KCO_TYPE_FLOAT64:
                snprintf(t, sizeof(t), "%a", v->u.d);
                kco_buf_puts(b, t);
                break;
        default:
                snprintf(t, sizeof(t), "%lld", (long long)v->u.i);
                kco_buf_puts(b, t);
                break;
        }
        kco_buf_putc(b, ';');
}

/* One value (not NULL) of field f. */
static void check_one(const kco_proto_field_t *f, const kco_value_t *v, int depth) {
        if (v->schema)
                fuzz_die("a value with a schema", f->name);
        switch (f->type) {
        case KCO_PROTO_INT32:
        case KCO_PROTO_SINT32:
        case KCO_PROTO_SFIXED32:
                if (v->type != KCO_TYPE_INT32 || v->u.i < INT32_MIN || v->u.i > INT32_MAX)
                        fuzz_die("an int32 that is no INT32", f->name);
                return;
        case KCO_PROTO_UINT32:
        case KCO_PROTO_FIXED32:
                if (v->type != KCO_TYPE_INT64 || v->u.i < 0 || v->u.i > (int64_t)UINT32_MAX)
                        fuzz_die("a uint32 out of [0, 2^32)", f->name);
                return;
        case KCO_PROTO_INT64:
        case KCO_PROTO_SINT64:
        case KCO_PROTO_SFIXED64:
        case KCO_PROTO_UINT64:
        case KCO_PROTO_FIXED64:
                if (v->type != KCO_TYPE_INT64)
                        fuzz_die("a 64-bit integer that is no INT64", f->name);
                return;
        case KCO_PROTO_FLOAT:
                if (v->type != KCO_TYPE_FLOAT32 || (!isnan(v->u.d) && v->u.d != (double)(float)v->u.d))
                        fuzz_die("a float not rounded to float", f->name);
                return;
        case KCO_PROTO_DOUBLE:
                if (v->type != KCO_TYPE_FLOAT64)
                        fuzz_die("a double that is no FLOAT64", f->name);
                return;
        case KCO_PROTO_BOOL:
                if (v->type != KCO_TYPE_BOOLEAN || (v->u.i != 0 && v->u.i != 1))
                        fuzz_die("a bool that is no BOOLEAN 0/1", f->name);
                return;
        case KCO_PROTO_STRING:
                if (v->type != KCO_TYPE_STRING || !v->u.s.ptr || !kco_utf8_valid(v->u.s.ptr, v->u.s.len))
                        fuzz_die("a string that is no valid UTF-8 STRING", f->name);
                return;
        case KCO_PROTO_BYTES:
                if (v->type != KCO_TYPE_BYTES || (!v->u.s.ptr && v->u.s.len))
                        fuzz_die("bytes that are no BYTES", f->name);
                return;
        case KCO_PROTO_ENUM: {
                if (v->type != KCO_TYPE_STRING)
                        fuzz_die("an enum that is no STRING", f->name);
                for (size_t i = 0; i < f->en->nvalues; i++)
                        if (strlen(f->en->values[i].name) == v->u.s.len &&
                            !memcmp(f->en->values[i].name, v->u.s.ptr, v->u.s.len))
                                return;
                char pre[128];
                snprintf(pre, sizeof(pre), "UNKNOWN_ENUM_VALUE_%s_", f->en->name);
                if (f->en->closed || v->u.s.len <= strlen(pre) || memcmp(v->u.s.ptr, pre, strlen(pre)))
                        fuzz_die("an enum name that is not declared", f->name);
                return;
        }
        default: /* MESSAGE, GROUP */
                check_msg(f->msg, v, depth + 1);
                return;
        }
}

static void check_msg(const kco_proto_msg_t *m, const kco_value_t *v, int depth) {
        if (depth > 101)
                fuzz_die("messages nested deeper than the limit", m->full_name);
        if (v->type != KCO_TYPE_STRUCT || v->u.c.n != m->nfields || (m->nfields && !v->u.c.items) || v->schema)
                fuzz_die("a message that is no STRUCT of nfields items", m->full_name);
        for (size_t i = 0; i < m->nfields; i++) {
                const kco_proto_field_t *f = &m->fields[i];
                const kco_value_t *it = &v->u.c.items[i];
                if (f->label == KCO_PROTO_LABEL_REPEATED) {
                        if (it->type != KCO_TYPE_ARRAY || (it->u.c.n && !it->u.c.items))
                                fuzz_die("a repeated field that is no ARRAY", f->name);
                        for (size_t k = 0; k < it->u.c.n; k++) {
                                const kco_value_t *e = &it->u.c.items[k];
                                if (!f->is_map) {
                                        check_one(f, e, depth);
                                        continue;
                                }
                                if (e->type != KCO_TYPE_STRUCT || e->u.c.n != 2)
                                        fuzz_die("a map entry that is no STRUCT of 2", f->name);
                                check_one(&f->msg->fields[0], &e->u.c.items[0], depth);
                                check_one(&f->msg->fields[1], &e->u.c.items[1], depth);
                        }
                } else if (it->type == KCO_TYPE_NULL) {
                        if (!f->has_presence)
                                fuzz_die("NULL for a field without presence", f->name);
                } else {
                        check_one(f, it, depth);
                }
        }
        if (m->wkt == KCO_PROTO_WKT_TIMESTAMP || m->wkt == KCO_PROTO_WKT_DURATION) {
                int64_t s = v->u.c.items[0].u.i, ns = v->u.c.items[1].u.i;
                int ok = m->wkt == KCO_PROTO_WKT_TIMESTAMP
                                 ? s >= -62135596800LL && s <= 253402300799LL && ns >= 0 && ns <= 999999999
                                 : s >= -315576000000LL && s <= 315576000000LL && ns >= -999999999 &&
                                           ns <= 999999999 && !(s > 0 && ns < 0) && !(s < 0 && ns > 0);
                if (!ok)
                        fuzz_die("a Timestamp / Duration out of range", m->full_name);
        }
}

static const kco_proto_msg_t *const messages[] = {
        &tp_all, &tp_p3, &tp_node, &tp_p3_inner, &tp_timestamp, &tp_duration, &tp_field_mask, &tp_empty,
        &tp_int32_value, &tp_int64_value, &tp_uint32_value, &tp_uint64_value, &tp_float_value, &tp_double_value,
        &tp_bool_value, &tp_string_value, &tp_bytes_value, &tp_inner,
};

/* Parses; 0 with the dump of the value in out, or -1 with the error in out. */
static int parse_dump(kco_proto_json_t *pj, kco_arena_t *arena, const kco_proto_msg_t *m, const char *p,
                      size_t n, kco_buf_t *out) {
        kco_err_t err;
        kco_value_t v;
        kco_err_clear(&err);
        memset(&v, 0x5A, sizeof(v));
        out->len = 0;
        if (kco_proto_json_parse(pj, m, p, n, arena, &v, &err)) {
                if (err.code != KCO_ERR_DATA || err.retriable || strncmp(err.msg, "ParquetJsonFormat: value", 24))
                        fuzz_die("a failure that is not a data error", err.msg);
                if (v.type != KCO_TYPE_NULL)
                        fuzz_die("a failure with a value", err.msg);
                kco_buf_puts(out, err.msg);
                return -1;
        }
        check_msg(m, &v, 0);
        dump(&v, out);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static kco_proto_json_t *pj;
        static kco_arena_t *arena;
        if (!pj) {
                pj = kco_proto_json_new();
                arena = kco_arena_new(16 * 1024);
        }
        if (size < 1)
                return 0;
        const kco_proto_msg_t *m = messages[data[0] % (sizeof(messages) / sizeof(messages[0]))];
        const char *p = (const char *)data + 1;
        size_t n = size - 1;
        kco_buf_t a, b;
        kco_buf_init(&a);
        kco_buf_init(&b);
        kco_arena_reset(arena);
        int r1 = parse_dump(pj, arena, m, p, n, &a);
        int r2 = parse_dump(pj, arena, m, p, n, &b);
        if (r1 != r2 || a.len != b.len || (a.len && memcmp(a.data, b.data, a.len)))
                fuzz_die("a second parse differs", kco_buf_cstr(&a));
        if (r1 == 0 && !kco_json_scan_valid(p, n) && !memmem(p, n, "\\u", 2) &&
            !(n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)))
                fuzz_die("invalid JSON accepted", NULL);
        kco_buf_free(&a);
        kco_buf_free(&b);
        return 0;
}
