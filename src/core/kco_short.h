/*
 * kco_short.h - equality and copy of short byte strings without a call into
 * libc: the hot compares and copies of keys and values (protobuf JSON member
 * names, Parquet dictionary entries and PLAIN values), mostly 1-16 bytes,
 * where memcmp's / memcpy's call and dispatch cost more than the work.
 *
 * Owns: nothing. Any thread. Must never: read or write outside the n bytes
 * given.
 */
#ifndef KCO_SHORT_H
#define KCO_SHORT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* [a, a+n) == [b, b+n). */
static inline int kco_short_eq(const void *a, const void *b, size_t n) {
        const uint8_t *x = a, *y = b;
        if (n >= 8 && n <= 16) {
                uint64_t x0, y0, x1, y1;
                memcpy(&x0, x, 8), memcpy(&y0, y, 8), memcpy(&x1, x + n - 8, 8), memcpy(&y1, y + n - 8, 8);
                return ((x0 ^ y0) | (x1 ^ y1)) == 0;
        }
        if (n >= 4 && n < 8) {
                uint32_t x0, y0, x1, y1;
                memcpy(&x0, x, 4), memcpy(&y0, y, 4), memcpy(&x1, x + n - 4, 4), memcpy(&y1, y + n - 4, 4);
                return ((x0 ^ y0) | (x1 ^ y1)) == 0;
        }
        if (n >= 2 && n < 4) {
                uint16_t x0, y0, x1, y1;
                memcpy(&x0, x, 2), memcpy(&y0, y, 2), memcpy(&x1, x + n - 2, 2), memcpy(&y1, y + n - 2, 2);
                return ((x0 ^ y0) | (x1 ^ y1)) == 0;
        }
        if (n < 2)
                return !n || x[0] == y[0];
        return memcmp(x, y, n) == 0;
}

/* Copies [src, src+n) to dst (the two do not overlap). */
static inline void kco_short_copy(void *dst, const void *src, size_t n) {
        uint8_t *d = dst;
        const uint8_t *s = src;
        if (n >= 8 && n <= 16) {
                uint64_t a, b;
                memcpy(&a, s, 8), memcpy(&b, s + n - 8, 8);
                memcpy(d, &a, 8), memcpy(d + n - 8, &b, 8);
        } else if (n >= 4 && n < 8) {
                uint32_t a, b;
                memcpy(&a, s, 4), memcpy(&b, s + n - 4, 4);
                memcpy(d, &a, 4), memcpy(d + n - 4, &b, 4);
        } else if (n < 4) {
                for (size_t i = 0; i < n; i++)
                        d[i] = s[i];
        } else {
                memcpy(d, s, n);
        }
}

#endif
