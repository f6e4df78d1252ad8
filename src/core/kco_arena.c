/*
 * kco_arena.c - bump allocator (see kco_arena.h). Blocks are chained; an
 * allocation larger than a block gets a block of its own.
 */
#include "core/kco_arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_mem.h"

struct kco_arena_block_s {
        kco_arena_block_t *next;
        size_t size; /* usable bytes in data */
        size_t off;  /* next free byte */
        _Alignas(16) unsigned char data[];
};

static kco_arena_block_t *kco_arena_block_new(size_t size) {
        kco_arena_block_t *b = kco_malloc(sizeof(*b) + size);
        b->next = NULL;
        b->size = size;
        b->off = 0;
        return b;
}

kco_arena_t *kco_arena_new(size_t block_size) {
        kco_arena_t *a = kco_calloc(1, sizeof(*a));
        a->block_size = block_size ? block_size : 64 * 1024;
        return a;
}

void kco_arena_destroy(kco_arena_t *a) {
        if (!a)
                return;
        kco_arena_block_t *b = a->head;
        while (b) {
                kco_arena_block_t *next = b->next;
                free(b);
                b = next;
        }
        free(a);
}

void kco_arena_reset(kco_arena_t *a) {
        /* keep the last (oldest) regular-sized block, free the rest */
        kco_arena_block_t *keep = NULL, *b = a->head;
        while (b) {
                kco_arena_block_t *next = b->next;
                if (!keep && b->size == a->block_size)
                        keep = b;
                else
                        free(b);
                b = next;
        }
        if (keep) {
                keep->next = NULL;
                keep->off = 0;
        }
        a->head = keep;
        a->used = 0;
}

void *kco_arena_alloc(kco_arena_t *a, size_t n) {
        n = (n + 7) & ~(size_t)7;
        if (!n)
                n = 8;
        kco_arena_block_t *b = a->head;
        if (!b || b->size - b->off < n) {
                if (n > a->block_size / 4) {
                        /* a big allocation gets its own block behind the current one */
                        kco_arena_block_t *big = kco_arena_block_new(n);
                        big->off = n;
                        if (b) {
                                big->next = b->next;
                                b->next = big;
                        } else {
                                a->head = big;
                        }
                        a->used += n;
                        return big->data;
                }
                b = kco_arena_block_new(a->block_size);
                b->next = a->head;
                a->head = b;
        }
        void *p = b->data + b->off;
        b->off += n;
        a->used += n;
        return p;
}

void *kco_arena_calloc(kco_arena_t *a, size_t cnt, size_t n) {
        if (n && cnt > SIZE_MAX / n)
                abort();
        void *p = kco_arena_alloc(a, cnt * n);
        memset(p, 0, cnt * n);
        return p;
}

char *kco_arena_strndup(kco_arena_t *a, const char *s, size_t n) {
        char *p = kco_arena_alloc(a, n + 1);
        if (n)
                memcpy(p, s, n);
        p[n] = '\0';
        return p;
}

char *kco_arena_strdup(kco_arena_t *a, const char *s) {
        return kco_arena_strndup(a, s, strlen(s));
}
