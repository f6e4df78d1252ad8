/*
 * kco_mem.h - the one out-of-memory policy of the program.
 *
 * Owns: nothing; wraps the C allocator. Any thread.
 * Policy: allocation failure aborts the process with a message (as librdkafka's
 * rd_malloc does). Callers never check for NULL from these functions, and no
 * code in this program calls malloc/calloc/realloc/strdup directly.
 */
#ifndef KCO_MEM_H
#define KCO_MEM_H

#include <stddef.h>

void *kco_malloc(size_t n);
void *kco_calloc(size_t cnt, size_t n);
void *kco_realloc(void *p, size_t n);
char *kco_strdup(const char *s);
char *kco_strndup(const char *s, size_t n);
/* printf into a fresh string */
char *kco_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
