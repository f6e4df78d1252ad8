/*
 * kco_thrift.c - Thrift COMPACT protocol writer (see kco_thrift.h).
 *
 * Encoding rules (Thrift compact protocol spec):
 *   - integers: i16/i32/i64 are zigzag then ULEB128 varint; i8 is one byte.
 *   - field header: if 0 < id - last_id <= 15, one byte (delta << 4 | type)
 *     ("short form"); otherwise the type byte alone followed by the id as a
 *     zigzag varint i16 ("long form"). Field ids are relative to the previous
 *     field of the same struct, so each open struct keeps its own last id.
 *   - bool fields carry the value in the type nibble (1 true, 2 false), with
 *     no value byte.
 *   - binary/string: varint length, then the bytes.
 *   - list header: size < 15 gives one byte (size << 4 | elem type);
 *     otherwise 0xF0 | elem type followed by the size as a varint.
 *   - struct end: a stop byte 0x00.
 * Task thread; must never be used on a buffer another thread appends to.
 * Nesting deeper than KCO_THRIFT_MAX_DEPTH or an unbalanced end is a
 * programming error and aborts.
 */
#include "format/parquet/kco_thrift.h"

#include <stdlib.h>
#include <string.h>

void kco_thrift_put_varint(kco_buf_t *out, uint64_t v) {
        uint8_t tmp[10];
        size_t n = 0;
        while (v >= 0x80) {
                tmp[n++] = (uint8_t)(v | 0x80);
                v >>= 7;
        }
        tmp[n++] = (uint8_t)v;
        kco_buf_append(out, tmp, n);
}

uint64_t kco_thrift_zigzag(int64_t v) {
        /* (v << 1) ^ (v >> 63) without shifting a negative value */
        uint64_t u = (uint64_t)v << 1;
        return v < 0 ? ~u : u;
}

void kco_thrift_init(kco_thrift_w_t *w, kco_buf_t *out) {
        w->out = out;
        w->depth = 0;
}

void kco_thrift_struct_begin(kco_thrift_w_t *w) {
        if (w->depth >= KCO_THRIFT_MAX_DEPTH)
                abort();
        w->last_id[w->depth++] = 0;
}

void kco_thrift_struct_end(kco_thrift_w_t *w) {
        if (w->depth <= 0)
                abort();
        kco_buf_putc(w->out, 0); /* STOP */
        w->depth--;
}

static void kco_thrift_field_header(kco_thrift_w_t *w, int16_t id, int type) {
        if (w->depth <= 0)
                abort();
        int16_t *last = &w->last_id[w->depth - 1];
        int delta = (int)id - (int)*last;
        if (delta > 0 && delta <= 15) {
                kco_buf_putc(w->out, (char)(uint8_t)((delta << 4) | type));
        } else {
                kco_buf_putc(w->out, (char)(uint8_t)type);
                kco_thrift_put_varint(w->out, kco_thrift_zigzag(id));
        }
        *last = id;
}

void kco_thrift_field_struct_begin(kco_thrift_w_t *w, int16_t id) {
        kco_thrift_field_header(w, id, KCO_THRIFT_STRUCT);
        kco_thrift_struct_begin(w);
}

void kco_thrift_field_bool(kco_thrift_w_t *w, int16_t id, int v) {
        kco_thrift_field_header(w, id, v ? KCO_THRIFT_BOOL_TRUE : KCO_THRIFT_BOOL_FALSE);
}

void kco_thrift_field_i8(kco_thrift_w_t *w, int16_t id, int8_t v) {
        kco_thrift_field_header(w, id, KCO_THRIFT_I8);
        kco_buf_putc(w->out, (char)v);
}

void kco_thrift_field_i32(kco_thrift_w_t *w, int16_t id, int32_t v) {
        kco_thrift_field_header(w, id, KCO_THRIFT_I32);
        kco_thrift_put_varint(w->out, kco_thrift_zigzag(v));
}

void kco_thrift_field_i64(kco_thrift_w_t *w, int16_t id, int64_t v) {
        kco_thrift_field_header(w, id, KCO_THRIFT_I64);
        kco_thrift_put_varint(w->out, kco_thrift_zigzag(v));
}

void kco_thrift_field_binary(kco_thrift_w_t *w, int16_t id, const void *p, size_t n) {
        kco_thrift_field_header(w, id, KCO_THRIFT_BINARY);
        kco_thrift_elem_binary(w, p, n);
}

void kco_thrift_field_string(kco_thrift_w_t *w, int16_t id, const char *s) {
        kco_thrift_field_binary(w, id, s, strlen(s));
}

void kco_thrift_list_begin(kco_thrift_w_t *w, int elem_type, size_t n) {
        if (n < 15) {
                kco_buf_putc(w->out, (char)(uint8_t)((n << 4) | (size_t)elem_type));
        } else {
                kco_buf_putc(w->out, (char)(uint8_t)(0xF0 | elem_type));
                kco_thrift_put_varint(w->out, n);
        }
}

void kco_thrift_field_list(kco_thrift_w_t *w, int16_t id, int elem_type, size_t n) {
        kco_thrift_field_header(w, id, KCO_THRIFT_LIST);
        kco_thrift_list_begin(w, elem_type, n);
}

void kco_thrift_elem_i32(kco_thrift_w_t *w, int32_t v) {
        kco_thrift_put_varint(w->out, kco_thrift_zigzag(v));
}

void kco_thrift_elem_i64(kco_thrift_w_t *w, int64_t v) {
        kco_thrift_put_varint(w->out, kco_thrift_zigzag(v));
}

void kco_thrift_elem_binary(kco_thrift_w_t *w, const void *p, size_t n) {
        kco_thrift_put_varint(w->out, n);
        kco_buf_append(w->out, p, n);
}

void kco_thrift_elem_string(kco_thrift_w_t *w, const char *s) {
        kco_thrift_elem_binary(w, s, strlen(s));
}
