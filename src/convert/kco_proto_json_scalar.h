/*
 * kco_proto_json_scalar.h - inside the protobuf JSON parser (kco_proto_json.c):
 * what its scalar side (kco_proto_json_scalar.c) shares with it: the parse
 * context, error text helpers, and one JSON node -> one scalar value
 * (integers of each kind, float / double, string, bytes, bool), each with
 * protobuf-java-util's rules and messages.
 *
 * Owns: nothing. Task thread. Must never: be included outside the parser.
 */
#ifndef KCO_PROTO_JSON_SCALAR_H
#define KCO_PROTO_JSON_SCALAR_H

#include <stddef.h>
#include <stdint.h>

#include "convert/kco_json_dom.h"
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
int kco_pj_real(pj_ctx_t *c, int f32, const kco_json_node_t *j, const kco_path_t *path, kco_value_t *out);
void kco_pj_str(pj_ctx_t *c, const char *p, size_t n, int owned, kco_type_t t, kco_value_t *out);
int kco_pj_bytes(pj_ctx_t *c, const kco_json_node_t *j, const kco_path_t *path, kco_value_t *out);
int kco_pj_bool(pj_ctx_t *c, const kco_json_node_t *j, const kco_path_t *path, kco_value_t *out);

#endif
