/*
 * kco_mem.c - allocation wrappers that abort on exhaustion (see kco_mem.h).
 * Any thread; no state.
 */
#include "core/kco_mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void kco_mem_fail(size_t n) {
        fprintf(stderr, "kafka-connect-oss: out of memory allocating %zu bytes\n", n);
        abort();
}

void *kco_malloc(size_t n) {
        void *p = malloc(n ? n : 1);
        if (!p)
                kco_mem_fail(n);
        return p;
}

void *kco_calloc(size_t cnt, size_t n) {
        void *p = calloc(cnt ? cnt : 1, n ? n : 1);
        if (!p)
                kco_mem_fail(cnt * n);
        return p;
}

void *kco_realloc(void *p, size_t n) {
        void *q = realloc(p, n ? n : 1);
        if (!q)
                kco_mem_fail(n);
        return q;
}

char *kco_strndup(const char *s, size_t n) {
        char *d = kco_malloc(n + 1);
        memcpy(d, s, n);
        d[n] = '\0';
        return d;
}

char *kco_strdup(const char *s) {
        return kco_strndup(s, strlen(s));
}

char *kco_asprintf(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        char *s = kco_malloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
        return s;
}
