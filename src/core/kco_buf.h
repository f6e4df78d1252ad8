/*
 * kco_buf.h - a growable byte buffer.
 *
 * Owns: its bytes. Not thread-safe; one owner at a time.
 * Must never: hand out pointers that outlive the next append (it may move).
 */
#ifndef KCO_BUF_H
#define KCO_BUF_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_mem.h"

typedef struct kco_buf_s {
        char *data;
        size_t len;
        size_t cap;
} kco_buf_t;

static inline void kco_buf_init(kco_buf_t *b) {
        b->data = NULL;
        b->len = b->cap = 0;
}

static inline void kco_buf_free(kco_buf_t *b) {
        free(b->data);
        kco_buf_init(b);
}

static inline void kco_buf_reserve(kco_buf_t *b, size_t extra) {
        if (b->len + extra <= b->cap)
                return;
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + extra)
                cap *= 2;
        b->data = kco_realloc(b->data, cap);
        b->cap = cap;
}

static inline void kco_buf_append(kco_buf_t *b, const void *p, size_t n) {
        if (!n)
                return;
        kco_buf_reserve(b, n);
        memcpy(b->data + b->len, p, n);
        b->len += n;
}

static inline void kco_buf_putc(kco_buf_t *b, char c) {
        kco_buf_reserve(b, 1);
        b->data[b->len++] = c;
}

static inline void kco_buf_puts(kco_buf_t *b, const char *s) {
        kco_buf_append(b, s, strlen(s));
}

/* NUL-terminates without counting the NUL in len. */
static inline const char *kco_buf_cstr(kco_buf_t *b) {
        kco_buf_reserve(b, 1);
        b->data[b->len] = '\0';
        return b->data;
}

#endif
