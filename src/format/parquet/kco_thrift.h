/*
 * kco_thrift.h - a Thrift COMPACT protocol writer (encoder only) into a
 * kco_buf_t, enough for Parquet's footer and page headers.
 *
 * Owns: a small stack of "last field id" values, one per open struct; the
 * bytes go to the caller's kco_buf_t. Task thread (whoever writes the file);
 * not thread-safe, one writer per buffer.
 * Must never: read, allocate beyond the output buffer, or check schemas; the
 * caller writes fields in increasing id order as parquet.thrift declares.
 *
 * Usage: kco_thrift_init, kco_thrift_struct_begin (the outer struct),
 * kco_thrift_field_* ..., kco_thrift_struct_end. A nested struct field is
 * kco_thrift_field_struct_begin ... kco_thrift_struct_end. A list is
 * kco_thrift_field_list (header) followed by exactly n kco_thrift_elem_* (or
 * n kco_thrift_struct_begin/end pairs for a list of structs).
 */
#ifndef KCO_THRIFT_H
#define KCO_THRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "core/kco_buf.h"

/* Compact protocol type codes (the low nibble of a field header). */
enum {
        KCO_THRIFT_BOOL_TRUE = 1,
        KCO_THRIFT_BOOL_FALSE = 2,
        KCO_THRIFT_I8 = 3,
        KCO_THRIFT_I16 = 4,
        KCO_THRIFT_I32 = 5,
        KCO_THRIFT_I64 = 6,
        KCO_THRIFT_DOUBLE = 7,
        KCO_THRIFT_BINARY = 8,
        KCO_THRIFT_LIST = 9,
        KCO_THRIFT_SET = 10,
        KCO_THRIFT_MAP = 11,
        KCO_THRIFT_STRUCT = 12,
};

#define KCO_THRIFT_MAX_DEPTH 32

typedef struct kco_thrift_w_s {
        kco_buf_t *out;
        int depth;
        int16_t last_id[KCO_THRIFT_MAX_DEPTH];
} kco_thrift_w_t;

/* Raw helpers: ULEB128 varint and zigzag. */
void kco_thrift_put_varint(kco_buf_t *out, uint64_t v);
uint64_t kco_thrift_zigzag(int64_t v);

void kco_thrift_init(kco_thrift_w_t *w, kco_buf_t *out);

/* Opens a struct without a field header (the outer struct, or a list
 * element); kco_thrift_struct_end writes the stop byte and closes it. */
void kco_thrift_struct_begin(kco_thrift_w_t *w);
void kco_thrift_struct_end(kco_thrift_w_t *w);

/* Fields of the innermost open struct; ids must increase. */
void kco_thrift_field_struct_begin(kco_thrift_w_t *w, int16_t id);
void kco_thrift_field_bool(kco_thrift_w_t *w, int16_t id, int v);
void kco_thrift_field_i8(kco_thrift_w_t *w, int16_t id, int8_t v);
void kco_thrift_field_i32(kco_thrift_w_t *w, int16_t id, int32_t v);
void kco_thrift_field_i64(kco_thrift_w_t *w, int16_t id, int64_t v);
void kco_thrift_field_binary(kco_thrift_w_t *w, int16_t id, const void *p, size_t n);
void kco_thrift_field_string(kco_thrift_w_t *w, int16_t id, const char *s);
void kco_thrift_field_list(kco_thrift_w_t *w, int16_t id, int elem_type, size_t n);

/* A list header without a field header (a list inside a list). */
void kco_thrift_list_begin(kco_thrift_w_t *w, int elem_type, size_t n);

/* List elements (no field header). */
void kco_thrift_elem_i32(kco_thrift_w_t *w, int32_t v);
void kco_thrift_elem_i64(kco_thrift_w_t *w, int64_t v);
void kco_thrift_elem_binary(kco_thrift_w_t *w, const void *p, size_t n);
void kco_thrift_elem_string(kco_thrift_w_t *w, const char *s);

#endif
