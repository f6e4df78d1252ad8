/*
 * kco_arena.h - a bump allocator: many small allocations, freed all at once.
 *
 * Owns: its blocks. Used for the values of a batch of records (reset after
 * the batch is written) and for the nodes of one schema tree (freed with the
 * schema). One thread at a time; no locking. Must never: be used for
 * anything that outlives the next reset.
 */
#ifndef KCO_ARENA_H
#define KCO_ARENA_H

#include <stddef.h>

typedef struct kco_arena_block_s kco_arena_block_t;

typedef struct kco_arena_s {
        kco_arena_block_t *head; /* current block; older blocks follow */
        size_t block_size;       /* size of a regular block */
        size_t used;             /* bytes handed out since the last reset */
} kco_arena_t;

kco_arena_t *kco_arena_new(size_t block_size);
void kco_arena_destroy(kco_arena_t *a);
/* Forgets every allocation; keeps one block for reuse. */
void kco_arena_reset(kco_arena_t *a);
/* n bytes aligned to 8, uninitialised. Aborts on exhaustion like kco_malloc. */
void *kco_arena_alloc(kco_arena_t *a, size_t n);
void *kco_arena_calloc(kco_arena_t *a, size_t cnt, size_t n);
/* A NUL-terminated copy of n bytes. */
char *kco_arena_strndup(kco_arena_t *a, const char *s, size_t n);
char *kco_arena_strdup(kco_arena_t *a, const char *s);

#endif
