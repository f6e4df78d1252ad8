/*
 * kco_pq_encode.c - PLAIN and RLE / bit-packing hybrid encoders (see
 * kco_pq_encode.h and the Parquet Encodings.md).
 *
 * Owns: nothing. Task thread. Must never: emit a bit-packed group that is
 * not a full 8 values except as the very last group of the data (a reader
 * would take the padding for values), or a run longer than 2^31 - 1.
 */
#include "format/parquet/kco_pq_encode.h"

#include <string.h>

#include "format/parquet/kco_thrift.h"

static void kco_pq_put_le(kco_buf_t *out, uint64_t v, size_t nbytes) {
        uint8_t tmp[8];
        for (size_t i = 0; i < nbytes; i++) {
                tmp[i] = (uint8_t)v;
                v >>= 8;
        }
        kco_buf_append(out, tmp, nbytes);
}

void kco_pq_plain_bool(kco_buf_t *out, const uint8_t *vals, size_t n) {
        if (!n)
                return; /* out->data may still be NULL */
        size_t nbytes = (n + 7) / 8;
        kco_buf_reserve(out, nbytes);
        uint8_t *p = (uint8_t *)out->data + out->len;
        memset(p, 0, nbytes);
        for (size_t i = 0; i < n; i++)
                if (vals[i])
                        p[i / 8] |= (uint8_t)(1u << (i % 8));
        out->len += nbytes;
}

void kco_pq_plain_i32(kco_buf_t *out, const int32_t *vals, size_t n) {
        kco_buf_reserve(out, n * 4);
        for (size_t i = 0; i < n; i++)
                kco_pq_put_le(out, (uint32_t)vals[i], 4);
}

void kco_pq_plain_i64(kco_buf_t *out, const int64_t *vals, size_t n) {
        kco_buf_reserve(out, n * 8);
        for (size_t i = 0; i < n; i++)
                kco_pq_put_le(out, (uint64_t)vals[i], 8);
}

void kco_pq_plain_float(kco_buf_t *out, const float *vals, size_t n) {
        kco_buf_reserve(out, n * 4);
        for (size_t i = 0; i < n; i++) {
                uint32_t u;
                memcpy(&u, &vals[i], 4);
                kco_pq_put_le(out, u, 4);
        }
}

void kco_pq_plain_double(kco_buf_t *out, const double *vals, size_t n) {
        kco_buf_reserve(out, n * 8);
        for (size_t i = 0; i < n; i++) {
                uint64_t u;
                memcpy(&u, &vals[i], 8);
                kco_pq_put_le(out, u, 8);
        }
}

void kco_pq_plain_byte_array(kco_buf_t *out, const void *p, uint32_t n) {
        kco_pq_put_le(out, n, 4);
        kco_buf_append(out, p, n);
}

void kco_pq_plain_fixed(kco_buf_t *out, const void *p, size_t n) {
        kco_buf_append(out, p, n);
}

int kco_pq_bit_width(uint64_t max_value) {
        int w = 0;
        while (max_value) {
                w++;
                max_value >>= 1;
        }
        return w;
}

/* Length of the run of vals[i] starting at i, capped at 2^31 - 1. */
static size_t kco_pq_run_len(const uint32_t *vals, size_t n, size_t i) {
        size_t j = i + 1;
        while (j < n && vals[j] == vals[i] && j - i < 0x7fffffffu)
                j++;
        return j - i;
}

static void kco_pq_rle_run(kco_buf_t *out, uint32_t v, size_t len, int bit_width) {
        kco_thrift_put_varint(out, (uint64_t)len << 1);
        kco_pq_put_le(out, v, (size_t)(bit_width + 7) / 8);
}

/* Bit-packs vals[0..n) (n <= 8 * groups) as `groups` groups of 8, LSB first,
 * padding with zero values. */
static void kco_pq_bitpack_run(kco_buf_t *out, const uint32_t *vals, size_t n, size_t groups, int bit_width) {
        kco_thrift_put_varint(out, ((uint64_t)groups << 1) | 1);
        size_t nbytes = groups * (size_t)bit_width; /* 8 values * width bits / 8 */
        kco_buf_reserve(out, nbytes);
        uint8_t *p = (uint8_t *)out->data + out->len;
        uint64_t acc = 0;
        int bits = 0;
        size_t k = 0;
        for (size_t i = 0; i < groups * 8; i++) {
                uint64_t v = i < n ? vals[i] : 0;
                acc |= v << bits;
                bits += bit_width;
                while (bits >= 8) {
                        p[k++] = (uint8_t)acc;
                        acc >>= 8;
                        bits -= 8;
                }
        }
        /* groups of 8 values always end on a byte boundary */
        out->len += k;
}

void kco_pq_rle_encode(kco_buf_t *out, const uint32_t *vals, size_t n, int bit_width, int length_prefix) {
        size_t prefix_at = out->len;
        if (length_prefix)
                kco_pq_put_le(out, 0, 4);
        size_t start = out->len;
        size_t i = 0;
        while (i < n) {
                size_t r = kco_pq_run_len(vals, n, i);
                if (r >= 8 || i + r == n || bit_width == 0) {
                        kco_pq_rle_run(out, vals[i], r, bit_width);
                        i += r;
                        continue;
                }
                /* Bit-pack whole groups until a run of 8+ starts at a group
                 * boundary; only the last group of the data may be short. */
                size_t from = i, groups = 0;
                while (i < n && groups < KCO_PQ_RLE_MAX_GROUPS) {
                        i += n - i < 8 ? n - i : 8;
                        groups++;
                        if (i < n && kco_pq_run_len(vals, n, i) >= 8)
                                break;
                }
                kco_pq_bitpack_run(out, vals + from, i - from, groups, bit_width);
        }
        if (length_prefix) {
                uint32_t len = (uint32_t)(out->len - start);
                for (int b = 0; b < 4; b++)
                        out->data[prefix_at + (size_t)b] = (char)(uint8_t)(len >> (8 * b));
        }
}

void kco_pq_rle_encode_const(kco_buf_t *out, uint32_t v, size_t n, int bit_width, int length_prefix) {
        size_t prefix_at = out->len;
        if (length_prefix)
                kco_pq_put_le(out, 0, 4);
        size_t start = out->len;
        for (size_t i = 0, r; i < n; i += r) { /* what kco_pq_rle_encode makes of n copies of v */
                r = n - i < 0x7fffffffu ? n - i : 0x7fffffffu;
                kco_pq_rle_run(out, v, r, bit_width);
        }
        if (length_prefix) {
                uint32_t len = (uint32_t)(out->len - start);
                for (int b = 0; b < 4; b++)
                        out->data[prefix_at + (size_t)b] = (char)(uint8_t)(len >> (8 * b));
        }
}
