/*
 * kco_value.c - finding a value below another by a dotted path, for the
 * partitioners (partition.field.name, timestamp.field).
 *
 * Owns: nothing. Any thread. Must never: allocate (it runs per record).
 */
#include <stdio.h>
#include <string.h>

#include "record/kco_value.h"

static const kco_value_t *kco_value_child(const kco_value_t *v, const char *name, size_t len) {
        if (v->type == KCO_TYPE_STRUCT && v->schema) {
                const kco_schema_t *s = v->schema;
                for (size_t i = 0; i < s->nfields && i < v->u.c.n; i++)
                        if (strlen(s->fields[i].name) == len && !memcmp(s->fields[i].name, name, len))
                                return &v->u.c.items[i];
                return NULL;
        }
        if (v->type == KCO_TYPE_MAP) {
                for (size_t i = 0; i < v->u.c.n; i++) {
                        const kco_value_t *k = &v->u.c.items[2 * i];
                        if (k->type == KCO_TYPE_STRING && k->u.s.len == len && !memcmp(k->u.s.ptr, name, len))
                                return &v->u.c.items[2 * i + 1];
                }
        }
        return NULL;
}

const kco_value_t *kco_value_lookup(const kco_value_t *v, const char *path, char *why, size_t n) {
        const char *p = path;
        for (;;) {
                const char *dot = strchr(p, '.');
                size_t len = dot ? (size_t)(dot - p) : strlen(p);
                if (!v || v->type == KCO_TYPE_NULL)
                        return v;
                const kco_value_t *c = kco_value_child(v, p, len);
                if (!c) {
                        if (v->type != KCO_TYPE_STRUCT && v->type != KCO_TYPE_MAP)
                                snprintf(why, n, "%.*s is not a struct or map", (int)(p != path ? p - path - 1 : 5),
                                         p != path ? path : "value");
                        else if (p == path)
                                snprintf(why, n, "no field %.*s in the value", (int)len, p);
                        else
                                snprintf(why, n, "no field %.*s in %.*s", (int)len, p, (int)(p - path - 1), path);
                        return NULL;
                }
                v = c;
                if (!dot)
                        return v;
                p = dot + 1;
        }
}
