/*
 * fuzz_parquet_rle.c - libFuzzer target for the Parquet RLE / bit-packing
 * hybrid encoder (kco_pq_rle_encode) and kco_pq_bit_width.
 *
 * Owns: nothing between runs. Single-threaded (libFuzzer's). Must never keep
 * state across inputs.
 *
 * Input: byte 0 picks the bit width (0..32) and whether the 4-byte length
 * prefix is written; the rest is read 5 bytes at a time as (value: 4 bytes
 * little endian, masked to the width; repeat: 1 byte, 1..64 copies), so
 * both long runs and noise are reachable. The values are encoded, then
 * decoded by a plain decoder written here from Encodings.md, which also
 * enforces the encoder's promises: every byte used exactly, zero padding,
 * only the final bit-packed group short, runs within [1, 2^31 - 1], at most
 * KCO_PQ_RLE_MAX_GROUPS groups per bit-packed run. Any mismatch aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_buf.h"
#include "core/kco_mem.h"
#include "format/parquet/kco_pq_encode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_VALUES 200000

static void check(int ok, const char *what) {
        if (!ok) {
                fprintf(stderr, "fuzz_parquet_rle: %s\n", what);
                abort();
        }
}

static uint64_t ref_varint(const uint8_t *p, size_t n, size_t *pos) {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
                check(*pos < n, "varint runs past the end");
                uint8_t b = p[(*pos)++];
                v |= (uint64_t)(b & 0x7f) << shift;
                if (!(b & 0x80))
                        return v;
        }
        check(0, "varint longer than 10 bytes");
        return 0;
}

/* Decodes exactly count values; every byte of p[0..n) must be used. */
static void ref_decode(const uint8_t *p, size_t n, int bw, uint32_t *out, size_t count) {
        size_t pos = 0, got = 0;
        size_t vbytes = (size_t)(bw + 7) / 8;
        uint32_t mask = bw == 32 ? 0xffffffffu : (uint32_t)((1ull << bw) - 1);
        while (got < count) {
                uint64_t h = ref_varint(p, n, &pos);
                if (h & 1) {
                        uint64_t groups = h >> 1;
                        check(groups >= 1 && groups <= KCO_PQ_RLE_MAX_GROUPS, "bit-packed run size");
                        size_t nbytes = (size_t)groups * (size_t)bw;
                        check(pos + nbytes <= n, "bit-packed run past the end");
                        /* value i occupies bits [i*bw, (i+1)*bw), LSB first */
                        for (size_t i = 0; i < groups * 8; i++) {
                                uint32_t v = 0;
                                for (int k = 0; k < bw; k++) {
                                        size_t bit = i * (size_t)bw + (size_t)k;
                                        v |= (uint32_t)((p[pos + bit / 8] >> (bit % 8)) & 1) << k;
                                }
                                if (got < count)
                                        out[got++] = v;
                                else
                                        check(v == 0, "non-zero padding");
                        }
                        pos += nbytes;
                } else {
                        uint64_t len = h >> 1;
                        check(len >= 1 && len <= 0x7fffffffu, "RLE run length");
                        check(got + len <= count, "RLE run past the values");
                        check(pos + vbytes <= n, "RLE value past the end");
                        uint32_t v = 0;
                        for (size_t i = 0; i < vbytes; i++)
                                v |= (uint32_t)p[pos + i] << (8 * i);
                        check((v & ~mask) == 0, "RLE value wider than the bit width");
                        pos += vbytes;
                        for (uint64_t i = 0; i < len; i++)
                                out[got++] = v;
                }
        }
        check(pos == n, "trailing bytes (a short group before the end?)");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size < 1)
                return 0;
        int bw = data[0] % 33;
        int prefix = (data[0] / 33) & 1;
        uint32_t mask = bw == 32 ? 0xffffffffu : (uint32_t)((1ull << bw) - 1);
        uint32_t *vals = kco_malloc(MAX_VALUES * sizeof(*vals));
        size_t n = 0;
        uint32_t maxv = 0;
        for (size_t i = 1; i + 5 <= size && n < MAX_VALUES; i += 5) {
                uint32_t v = ((uint32_t)data[i] | (uint32_t)data[i + 1] << 8 | (uint32_t)data[i + 2] << 16 |
                              (uint32_t)data[i + 3] << 24) &
                             mask;
                if (v > maxv)
                        maxv = v;
                size_t rep = 1 + data[i + 4] % 64;
                for (size_t k = 0; k < rep && n < MAX_VALUES; k++)
                        vals[n++] = v;
        }
        check(kco_pq_bit_width(maxv) <= bw, "bit width of the largest value");

        kco_buf_t b;
        kco_buf_init(&b);
        kco_pq_rle_encode(&b, vals, n, bw, prefix);
        const uint8_t *p = (const uint8_t *)b.data;
        size_t len = b.len;
        if (prefix) {
                check(len >= 4, "missing length prefix");
                uint32_t want = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
                check(want == len - 4, "length prefix");
                p += 4;
                len -= 4;
        }
        uint32_t *got = kco_malloc((n ? n : 1) * sizeof(*got));
        ref_decode(p, len, bw, got, n);
        check(n == 0 || memcmp(got, vals, n * sizeof(*got)) == 0, "decoded values differ");
        free(got);
        free(vals);
        kco_buf_free(&b);
        return 0;
}
