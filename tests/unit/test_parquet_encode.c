/*
 * test_parquet_encode.c - PLAIN encodings and the RLE / bit-packing hybrid.
 * Fixed cases are derived by hand from Encodings.md (derivations inline);
 * random sequences of many lengths, run shapes and bit widths 0..32 are
 * round-tripped through a small decoder that lives only in this file and
 * also checks the encoder's invariants (padding only in the last group,
 * zero padding, bit-packed runs of at most KCO_PQ_RLE_MAX_GROUPS groups);
 * the encoder of n copies of one value (kco_pq_rle_encode_const, the
 * writer's levels while they are all equal) is checked byte for byte against
 * the array one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/kco_mem.h"
#include "format/parquet/kco_pq_encode.h"

#include "kco_test_bytes.h"

/* --------------------------------------------------- reference decoder */

static uint64_t dec_varint(const uint8_t *p, size_t n, size_t *pos) {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
                assert_true(*pos < n);
                uint8_t b = p[(*pos)++];
                v |= (uint64_t)(b & 0x7f) << shift;
                if (!(b & 0x80))
                        return v;
        }
        fail_msg("varint too long");
        return 0;
}

/* Decodes exactly `count` values from p[0..n) and requires every byte to
 * be used. */
static void rle_decode(const uint8_t *p, size_t n, int bw, uint32_t *out, size_t count) {
        size_t pos = 0, got = 0;
        size_t vbytes = (size_t)(bw + 7) / 8;
        while (got < count) {
                uint64_t h = dec_varint(p, n, &pos);
                if (h & 1) {
                        size_t groups = (size_t)(h >> 1);
                        assert_true(groups >= 1 && groups <= KCO_PQ_RLE_MAX_GROUPS);
                        size_t nbytes = groups * (size_t)bw;
                        assert_true(pos + nbytes <= n);
                        uint64_t acc = 0;
                        int bits = 0;
                        size_t k = pos;
                        for (size_t i = 0; i < groups * 8; i++) {
                                while (bits < bw) {
                                        acc |= (uint64_t)p[k++] << bits;
                                        bits += 8;
                                }
                                uint32_t v = (uint32_t)(acc & ((bw == 32) ? 0xffffffffu : ((1u << bw) - 1)));
                                acc >>= bw;
                                bits -= bw;
                                if (got < count)
                                        out[got++] = v;
                                else
                                        assert_int_equal(v, 0); /* padding is zero */
                        }
                        /* a padded group ends the data: the loop stops and
                         * pos must then be at the end */
                        pos += nbytes;
                } else {
                        size_t len = (size_t)(h >> 1);
                        assert_true(len >= 1 && len <= 0x7fffffffu);
                        assert_true(pos + vbytes <= n);
                        uint32_t v = 0;
                        for (size_t i = 0; i < vbytes; i++)
                                v |= (uint32_t)p[pos + i] << (8 * i);
                        pos += vbytes;
                        assert_true(got + len <= count);
                        for (size_t i = 0; i < len; i++)
                                out[got++] = v;
                }
        }
        assert_int_equal(pos, n);
}

/* ------------------------------------------------------------- PLAIN */

static void test_plain(void **state) {
        (void)state;
        kco_buf_t b;
        kco_buf_init(&b);
        /* 1,0,1,1,0,0,0,0 | 1: LSB first -> 0b00001101 = 0x0d, then 0x01 */
        const uint8_t bools[] = {1, 0, 1, 1, 0, 0, 0, 0, 7};
        kco_pq_plain_bool(&b, bools, 9);
        EXPECT(&b, 0x0d, 0x01);
        b.len = 0;
        kco_pq_plain_bool(&b, bools, 0);
        assert_int_equal(b.len, 0);

        const int32_t i32[] = {1, -1, 0x01020304};
        kco_pq_plain_i32(&b, i32, 3);
        EXPECT(&b, 0x01, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x04, 0x03, 0x02, 0x01);
        b.len = 0;
        const int64_t i64[] = {0x0102030405060708LL, -2};
        kco_pq_plain_i64(&b, i64, 2);
        EXPECT(&b, 8, 7, 6, 5, 4, 3, 2, 1, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
        b.len = 0;
        /* IEEE 754: 1.0f = 0x3f800000, -2.0f = 0xc0000000;
         * 1.0 = 0x3ff0000000000000 */
        const float f[] = {1.0f, -2.0f};
        kco_pq_plain_float(&b, f, 2);
        const double d[] = {1.0};
        kco_pq_plain_double(&b, d, 1);
        EXPECT(&b, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f);
        b.len = 0;
        kco_pq_plain_byte_array(&b, "abc", 3);
        kco_pq_plain_byte_array(&b, NULL, 0);
        kco_pq_plain_fixed(&b, "xy", 2);
        EXPECT(&b, 3, 0, 0, 0, 'a', 'b', 'c', 0, 0, 0, 0, 'x', 'y');
        kco_buf_free(&b);
}

static void test_bit_width(void **state) {
        (void)state;
        assert_int_equal(kco_pq_bit_width(0), 0);
        assert_int_equal(kco_pq_bit_width(1), 1);
        assert_int_equal(kco_pq_bit_width(2), 2);
        assert_int_equal(kco_pq_bit_width(3), 2);
        assert_int_equal(kco_pq_bit_width(4), 3);
        assert_int_equal(kco_pq_bit_width(255), 8);
        assert_int_equal(kco_pq_bit_width(256), 9);
        assert_int_equal(kco_pq_bit_width(UINT32_MAX), 32);
        assert_int_equal(kco_pq_bit_width(UINT64_MAX), 64);
}

/* ---------------------------------------------------- RLE hand cases */

static void rle(kco_buf_t *b, const uint32_t *v, size_t n, int bw, int prefix) {
        b->len = 0;
        kco_pq_rle_encode(b, v, n, bw, prefix);
}

static void test_rle_fixed(void **state) {
        (void)state;
        kco_buf_t b;
        kco_buf_init(&b);
        /* Encodings.md: 0..7 at width 3 packs to 10001000 11000110 11111010;
         * header varint(1 group << 1 | 1) = 0x03 */
        const uint32_t seq[] = {0, 1, 2, 3, 4, 5, 6, 7, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
        rle(&b, seq, 8, 3, 0);
        EXPECT(&b, 0x03, 0x88, 0xc6, 0xfa);
        /* ... followed by ten 5s: an RLE run, header varint(10 << 1) =
         * 0x14, value in ceil(3/8) = 1 byte */
        rle(&b, seq, 18, 3, 0);
        EXPECT(&b, 0x03, 0x88, 0xc6, 0xfa, 0x14, 0x05);
        /* same with the data page v1 length prefix: 6 bytes -> 06 00 00 00 */
        rle(&b, seq, 18, 3, 1);
        EXPECT(&b, 0x06, 0, 0, 0, 0x03, 0x88, 0xc6, 0xfa, 0x14, 0x05);

        /* 300 eight times at width 9: header 8 << 1 = 0x10, value in 2
         * bytes LE = 2c 01 */
        const uint32_t v300[] = {300, 300, 300, 300, 300, 300, 300, 300};
        rle(&b, v300, 8, 9, 0);
        EXPECT(&b, 0x10, 0x2c, 0x01);

        /* final partial group: def levels 1,1,1,0,1 at width 1 are one
         * bit-packed group padded with zeros: 0b00010111 = 0x17;
         * with prefix: 2 bytes -> 02 00 00 00 */
        const uint32_t lv[] = {1, 1, 1, 0, 1};
        rle(&b, lv, 5, 1, 1);
        EXPECT(&b, 0x02, 0, 0, 0, 0x03, 0x17);

        /* 1, 2, then nine 3s at width 2: the run starts mid-group, so it is
         * packed too (8 + 3 values = 2 groups, header 2 << 1 | 1 = 0x05):
         * group 1 = 1,2,3,3 | 3,3,3,3 -> 01|10<<2|11<<4|11<<6 = 0xf9, 0xff;
         * group 2 = 3,3,3,0 | 0,0,0,0 -> 0x3f, 0x00 */
        const uint32_t mid[] = {1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3};
        rle(&b, mid, 11, 2, 0);
        EXPECT(&b, 0x05, 0xf9, 0xff, 0x3f, 0x00);

        /* a short run that reaches the end is RLE: three 1s at width 1 ->
         * 3 << 1 = 0x06, value 0x01 */
        rle(&b, lv, 3, 1, 0);
        EXPECT(&b, 0x06, 0x01);

        /* width 0: all zeros, RLE with no value bytes: 5 << 1 = 0x0a */
        const uint32_t zeros[5] = {0};
        rle(&b, zeros, 5, 0, 0);
        EXPECT(&b, 0x0a);
        /* nothing at all, prefixed: length 0 */
        rle(&b, zeros, 0, 1, 1);
        EXPECT(&b, 0, 0, 0, 0);

        /* width 32: 0xdeadbeef, 1 -> one group of 8 * 4 bytes */
        const uint32_t wide[] = {0xdeadbeefu, 1};
        rle(&b, wide, 2, 32, 0);
        EXPECT(&b, 0x03, 0xef, 0xbe, 0xad, 0xde, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
               0, 0, 0, 0, 0, 0, 0, 0);

        /* appends after existing bytes; the prefix covers only its data */
        b.len = 0;
        kco_buf_putc(&b, 'Z');
        kco_pq_rle_encode(&b, v300, 8, 9, 1);
        EXPECT(&b, 'Z', 0x03, 0, 0, 0, 0x10, 0x2c, 0x01);
        kco_buf_free(&b);
}

/* -------------------------------------------------- random round trip */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void) {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        return rng_state;
}

static void roundtrip(const uint32_t *v, size_t n, int bw) {
        kco_buf_t b;
        kco_buf_init(&b);
        kco_buf_putc(&b, 'x');
        kco_pq_rle_encode(&b, v, n, bw, 1);
        const uint8_t *p = (const uint8_t *)b.data;
        uint32_t len = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 24;
        assert_int_equal(len, b.len - 5);
        uint32_t *got = kco_malloc(n ? n * sizeof(*got) : 1);
        rle_decode(p + 5, len, bw, got, n);
        if (n)
                assert_memory_equal(got, v, n * sizeof(*got));
        free(got);
        kco_buf_free(&b);
}

static void test_rle_random(void **state) {
        (void)state;
        static const size_t lens[] = {0,  1,  2,  3,  7,  8,  9,  15, 16, 17,  23,  24,  31,  63,  64,
                                      65, 99, 127, 128, 129, 255, 503, 504, 505, 511, 512, 1000, 4099};
        uint32_t *v = kco_malloc(5000 * sizeof(*v));
        for (int bw = 0; bw <= 32; bw++) {
                uint32_t mask = bw == 32 ? 0xffffffffu : (uint32_t)((1ull << bw) - 1);
                for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
                        size_t n = lens[li];
                        for (int shape = 0; shape < 4; shape++) {
                                /* 0: all random; 1: runs of 1..20; 2: long runs;
                                 * 3: mostly one value with rare others */
                                size_t i = 0;
                                while (i < n) {
                                        uint32_t x = (uint32_t)rng() & mask;
                                        size_t run = shape == 0   ? 1
                                                     : shape == 1 ? 1 + rng() % 20
                                                     : shape == 2 ? 1 + rng() % 300
                                                                  : 1;
                                        if (shape == 3 && rng() % 10)
                                                x = mask;
                                        for (size_t k = 0; k < run && i < n; k++)
                                                v[i++] = x;
                                }
                                roundtrip(v, n, bw);
                        }
                }
        }
        free(v);
}

/* kco_pq_rle_encode_const writes what kco_pq_rle_encode writes for the same values in an array. */
static void test_rle_const(void **state) {
        (void)state;
        static const size_t lens[] = {0, 1, 7, 8, 9, 63, 64, 65, 1000, 100000};
        uint32_t *v = kco_malloc(100000 * sizeof(*v));
        for (int bw = 0; bw <= 32; bw += bw < 3 ? 1 : 5) {
                uint32_t x = bw == 0 ? 0 : bw == 32 ? 0xfffffffeu : (uint32_t)((1ull << bw) - 1);
                for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
                        size_t n = lens[li];
                        for (size_t i = 0; i < n; i++)
                                v[i] = x;
                        for (int prefix = 0; prefix < 2; prefix++) {
                                kco_buf_t a, b;
                                kco_buf_init(&a);
                                kco_buf_init(&b);
                                kco_buf_putc(&a, 'x'); /* not at the start of the buffer */
                                kco_buf_putc(&b, 'x');
                                kco_pq_rle_encode(&a, v, n, bw, prefix);
                                kco_pq_rle_encode_const(&b, x, n, bw, prefix);
                                assert_int_equal(a.len, b.len);
                                assert_memory_equal(a.data, b.data, a.len);
                                kco_buf_free(&a);
                                kco_buf_free(&b);
                        }
                }
        }
        free(v);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_plain),
                cmocka_unit_test(test_bit_width),
                cmocka_unit_test(test_rle_fixed),
                cmocka_unit_test(test_rle_random),
                cmocka_unit_test(test_rle_const),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
