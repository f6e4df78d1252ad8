/*
 * kco_test_schema.h - for unit tests: building Connect schemas and values in
 * a few words (node, opt, named, array_of, map_of, fields, finish; values
 * V, NUL, I, F, S, C in the test's arena). Static inline: each test includes
 * it once and uses what it needs. The test defines `arena` before use
 * (kco_arena_new in its setup).
 */
#ifndef KCO_TEST_SCHEMA_H
#define KCO_TEST_SCHEMA_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/kco_arena.h"
#include "record/kco_schema.h"
#include "record/kco_value.h"

static kco_arena_t *arena; /* values: V() and the others allocate here */

static inline kco_schema_t *node(kco_schema_t *root, kco_type_t t) {
        return kco_schema_node(root, t);
}

static inline kco_schema_t *opt(kco_schema_t *s) {
        s->optional = 1;
        return s;
}

static inline kco_schema_t *named(kco_schema_t *s, const char *name) {
        kco_schema_set_name(s, name);
        return s;
}

static inline kco_schema_t *array_of(kco_schema_t *root, kco_schema_t *el) {
        kco_schema_t *s = node(root, KCO_TYPE_ARRAY);
        s->value = el;
        return s;
}

static inline kco_schema_t *map_of(kco_schema_t *root, kco_schema_t *k, kco_schema_t *v) {
        kco_schema_t *s = node(root, KCO_TYPE_MAP);
        s->key = k;
        s->value = v;
        return s;
}

/* fields(s, n, "name", schema, ...) */
static inline kco_schema_t *fields(kco_schema_t *s, int n, ...) {
        va_list ap;
        va_start(ap, n);
        kco_schema_alloc_fields(s, (size_t)n);
        for (int i = 0; i < n; i++) {
                const char *name = va_arg(ap, const char *);
                kco_schema_set_field(s, (size_t)i, name, va_arg(ap, kco_schema_t *));
        }
        va_end(ap);
        return s;
}

static inline kco_schema_t *finish(kco_schema_t *root) {
        char why[200];
        int rc = kco_schema_finish(root, why, sizeof(why));
        if (rc)
                fprintf(stderr, "finish: %s\n", why);
        assert_int_equal(rc, 0);
        return root;
}

static inline kco_value_t *V(void) {
        return kco_arena_calloc(arena, 1, sizeof(kco_value_t));
}

static inline kco_value_t *NUL(void) {
        return V(); /* type NULL */
}

static inline kco_value_t *I(const kco_schema_t *s, int64_t i) {
        kco_value_t *v = V();
        v->type = s->type;
        v->schema = s;
        v->u.i = i;
        return v;
}

static inline kco_value_t *F(const kco_schema_t *s, double d) {
        kco_value_t *v = V();
        v->type = s->type;
        v->schema = s;
        v->u.d = d;
        return v;
}

static inline kco_value_t *S(const kco_schema_t *s, const char *str) {
        kco_value_t *v = V();
        v->type = s->type;
        v->schema = s;
        v->u.s.ptr = str;
        v->u.s.len = strlen(str);
        return v;
}

/* C(s, n, item...): an array/struct of n items, or a map of n entries (2n items: key, value, ...). */
static inline kco_value_t *C(const kco_schema_t *s, int n, ...) {
        size_t cnt = (size_t)n * (s->type == KCO_TYPE_MAP ? 2 : 1);
        kco_value_t *v = V();
        v->type = s->type;
        v->schema = s;
        v->u.c.items = kco_arena_calloc(arena, cnt ? cnt : 1, sizeof(kco_value_t));
        v->u.c.n = (size_t)n;
        va_list ap;
        va_start(ap, n);
        for (size_t i = 0; i < cnt; i++)
                v->u.c.items[i] = *va_arg(ap, kco_value_t *);
        va_end(ap);
        return v;
}

#endif
