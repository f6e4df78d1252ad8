/*
 * kco_test_bytes.h - byte-exact expectations for the unit tests of encoders:
 * EXPECT(buf, 0x.., 0x..) compares a kco_buf_t with the bytes given and, on
 * a difference, prints both in hex before cmocka fails the test.
 * Include after <cmocka.h>.
 */
#ifndef KCO_TEST_BYTES_H
#define KCO_TEST_BYTES_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/kco_buf.h"

static inline void expect_bytes(const kco_buf_t *b, const uint8_t *want, size_t n) {
        if (b->len != n || memcmp(b->data, want, n) != 0) {
                fprintf(stderr, "got %zu bytes:", b->len);
                for (size_t i = 0; i < b->len; i++)
                        fprintf(stderr, " %02x", (uint8_t)b->data[i]);
                fprintf(stderr, "\nwant %zu bytes:", n);
                for (size_t i = 0; i < n; i++)
                        fprintf(stderr, " %02x", want[i]);
                fprintf(stderr, "\n");
        }
        assert_int_equal(b->len, n);
        assert_memory_equal(b->data, want, n);
}

#define EXPECT(buf, ...)                                                         \
        do {                                                                     \
                static const uint8_t want_[] = {__VA_ARGS__};                    \
                expect_bytes((buf), want_, sizeof(want_));                       \
        } while (0)

#endif
