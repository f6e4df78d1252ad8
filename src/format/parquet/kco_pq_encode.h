/*
 * kco_pq_encode.h - Parquet value encodings: PLAIN for every physical type
 * and the RLE / bit-packing hybrid used for levels and dictionary indices.
 *
 * Owns: nothing; appends to the caller's kco_buf_t. Task thread (the file
 * writer's); no state, so any thread may call it on its own buffer.
 * Must never: allocate except by growing the output buffer, or validate
 * values beyond their declared bit width (the caller passes values that fit).
 *
 * All multi-byte values are little endian, as Parquet requires.
 */
#ifndef KCO_PQ_ENCODE_H
#define KCO_PQ_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "core/kco_buf.h"

/* PLAIN. BOOLEAN: one bit per value, LSB first, the last byte zero-padded;
 * vals[i] != 0 is true. */
void kco_pq_plain_bool(kco_buf_t *out, const uint8_t *vals, size_t n);
void kco_pq_plain_i32(kco_buf_t *out, const int32_t *vals, size_t n);
void kco_pq_plain_i64(kco_buf_t *out, const int64_t *vals, size_t n);
void kco_pq_plain_float(kco_buf_t *out, const float *vals, size_t n);
void kco_pq_plain_double(kco_buf_t *out, const double *vals, size_t n);
/* One BYTE_ARRAY value: 4-byte little-endian length, then the bytes. */
void kco_pq_plain_byte_array(kco_buf_t *out, const void *p, uint32_t n);
/* One FIXED_LEN_BYTE_ARRAY value: the bytes alone (n is the type_length). */
void kco_pq_plain_fixed(kco_buf_t *out, const void *p, size_t n);

/* Bits needed for values 0..max_value: 0 for 0, 1 for 1, 2 for 2..3, ... */
int kco_pq_bit_width(uint64_t max_value);

/* Longest bit-packed run, in groups of 8 (keeps its header one byte). */
#define KCO_PQ_RLE_MAX_GROUPS 63

/*
 * RLE / bit-packing hybrid of vals[0..n), each < 2^bit_width (0..32).
 * Runs of 8 or more equal values (and a run that reaches the end) become
 * RLE runs; the rest are bit-packed in groups of 8, the final group padded
 * with zeros. With length_prefix, the encoded data is preceded by its byte
 * length as 4 bytes little endian (levels in data page v1, booleans).
 * n must be below 2^31 (Parquet's limit on a run).
 */
void kco_pq_rle_encode(kco_buf_t *out, const uint32_t *vals, size_t n, int bit_width, int length_prefix);
/* The same for n copies of v (without the array): one RLE run (two past 2^31 - 1 values), byte for byte what
 * kco_pq_rle_encode gives. */
void kco_pq_rle_encode_const(kco_buf_t *out, uint32_t v, size_t n, int bit_width, int length_prefix);

#endif
