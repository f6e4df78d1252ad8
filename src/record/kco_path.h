/*
 * kco_path.h - where in a value a problem is, for data errors:
 * value.items[3].tags["k"]. A path is a chain of stack nodes built while a
 * value is walked (no allocation).
 *
 * Owns: nothing. Any thread. Must never: outlive the walk that built it.
 */
#ifndef KCO_PATH_H
#define KCO_PATH_H

#include <stddef.h>

#include "core/kco_err.h"

typedef struct kco_path_s {
        const struct kco_path_s *up; /* NULL: the value itself */
        const char *field;           /* a struct field, or NULL */
        const char *key;             /* a map key (keylen bytes), or NULL */
        size_t keylen;
        size_t index; /* an array element, when field and key are NULL */
} kco_path_t;

/* A KCO_ERR_DATA error "<who>: value.a.b[2]: <what>". Returns -1. */
int kco_path_error(kco_err_t *err, const char *who, const kco_path_t *p, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

#endif
