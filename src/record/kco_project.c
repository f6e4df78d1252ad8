/*
 * kco_project.c - projecting a value of one Connect schema onto another
 * (see kco_project.h), with the rules of Connect's SchemaProjector, and the
 * same walk on the schemas alone for refusing a schema once.
 *
 * Owns: nothing; every node of a projected value is new and lives in the
 * caller's arena, its schema pointer set to the target node, while strings,
 * bytes and the payloads of defaults are shared with the source value or the
 * target schema. Any thread (the arena's owner). Must never: write to the
 * source value or either schema, return a value whose shape differs from
 * the target schema, or report success after setting an error.
 *
 * Two readings of Connect's Struct are part of the rules: reading a source
 * field that holds null yields the source field's default (Struct.get), and
 * a target field left null reads as its default, so the default is written
 * into the projected struct at once.
 */
#include "record/kco_project.h"

#include <string.h>

#include "core/kco_buf.h"
#include "record/kco_path.h"

#define KCO_PROJECT_WHO "schema.compatibility"

static int kco_project_has_default(const kco_schema_t *s) {
        return s->default_value && s->default_value->type != KCO_TYPE_NULL;
}

static int kco_project_numeric(kco_type_t t) {
        return t >= KCO_TYPE_INT8 && t <= KCO_TYPE_FLOAT64;
}

/* INT8 < INT16 < INT32 < INT64 < FLOAT32 < FLOAT64: a source widens to itself or any later type. */
static int kco_project_promotable(kco_type_t from, kco_type_t to) {
        return kco_project_numeric(from) && kco_project_numeric(to) && from <= to;
}

static int kco_project_str_eq(const char *a, const char *b) {
        return a == b || (a && b && !strcmp(a, b));
}

/* Parameters as a map: the same keys with the same values, in any order. */
static int kco_project_params_equal(const kco_schema_t *a, const kco_schema_t *b) {
        if (a->nparams != b->nparams)
                return 0;
        for (size_t i = 0; i < a->nparams; i++) {
                const char *bv = kco_schema_param(b, a->params[i].key);
                if (!bv || strcmp(bv, a->params[i].value))
                        return 0;
        }
        return 1;
}

static void kco_project_params_render(const kco_schema_t *s, kco_buf_t *out) {
        kco_buf_putc(out, '{');
        for (size_t i = 0; i < s->nparams; i++) {
                if (i)
                        kco_buf_puts(out, ", ");
                kco_buf_puts(out, s->params[i].key);
                kco_buf_putc(out, '=');
                kco_buf_puts(out, s->params[i].value);
        }
        kco_buf_putc(out, '}');
}

/* Connect's checkMaybeCompatible: the type (or a promotion), the name and the parameters. Versions are not
 * compared: a projection is between versions of one schema. role is "" or "map key: ". */
static int kco_project_compatible(const kco_schema_t *from, const kco_schema_t *to, const kco_path_t *p,
                                  const char *role, kco_err_t *err) {
        if (from->type != to->type && !kco_project_promotable(from->type, to->type))
                return kco_path_error(err, KCO_PROJECT_WHO, p,
                                      "%sSchema type mismatch. source type: %s and target type: %s", role,
                                      kco_type_name(from->type), kco_type_name(to->type));
        if (!kco_project_str_eq(from->name, to->name))
                return kco_path_error(err, KCO_PROJECT_WHO, p,
                                      "%sSchema name mismatch. source name: %s and target name: %s", role,
                                      from->name ? from->name : "null", to->name ? to->name : "null");
        if (!kco_project_params_equal(from, to)) {
                kco_buf_t a, b;
                kco_buf_init(&a);
                kco_buf_init(&b);
                kco_project_params_render(from, &a);
                kco_project_params_render(to, &b);
                kco_path_error(err, KCO_PROJECT_WHO, p,
                               "%sSchema parameters not equal. source parameters: %s and target parameters: %s", role,
                               kco_buf_cstr(&a), kco_buf_cstr(&b));
                kco_buf_free(&a);
                kco_buf_free(&b);
                return -1;
        }
        return 0;
}

/* The checks Connect's project makes on the schemas before looking at the value. */
static int kco_project_head(const kco_schema_t *from, const kco_schema_t *to, const kco_path_t *p, const char *role,
                            kco_err_t *err) {
        if (kco_project_compatible(from, to, p, role, err))
                return -1;
        if (from->optional && !to->optional && !kco_project_has_default(to))
                return kco_path_error(err, KCO_PROJECT_WHO, p,
                                      "%sSource schema is optional, but target schema does not have a default value",
                                      role);
        if ((to->type == KCO_TYPE_ARRAY || to->type == KCO_TYPE_MAP) &&
            (!from->value || !to->value || (to->type == KCO_TYPE_MAP && (!from->key || !to->key))))
                return kco_path_error(err, KCO_PROJECT_WHO, p, "%s%s schema without its element schemas", role,
                                      kco_type_name(to->type));
        return 0;
}

static int kco_project_missing(const kco_schema_t *from, const char *name, const kco_path_t *p, kco_err_t *err) {
        kco_buf_t d;
        kco_buf_init(&d);
        kco_schema_describe(from, &d);
        kco_path_error(err, KCO_PROJECT_WHO, p, "Required field `%s` is missing from source schema: %s", name,
                       kco_buf_cstr(&d));
        kco_buf_free(&d);
        return -1;
}

/* A target default as a projected value: containers copied so that every node points at schema s. */
static void kco_project_adopt(kco_arena_t *arena, const kco_value_t *d, const kco_schema_t *s, kco_value_t *out) {
        *out = *d;
        out->schema = s;
        if (d->type != KCO_TYPE_ARRAY && d->type != KCO_TYPE_MAP && d->type != KCO_TYPE_STRUCT)
                return;
        size_t n = d->type == KCO_TYPE_MAP ? 2 * d->u.c.n : d->u.c.n;
        out->u.c.items = kco_arena_calloc(arena, n ? n : 1, sizeof(kco_value_t));
        for (size_t i = 0; i < n; i++) {
                const kco_schema_t *c = NULL;
                if (s && d->type == KCO_TYPE_ARRAY)
                        c = s->value;
                else if (s && d->type == KCO_TYPE_MAP)
                        c = i % 2 ? s->value : s->key;
                else if (s && i < s->nfields)
                        c = s->fields[i].schema;
                kco_project_adopt(arena, &d->u.c.items[i], c, &out->u.c.items[i]);
        }
}

/* A promoted number: Java's Number.xxxValue() of the source for the target type. */
static void kco_project_number(const kco_value_t *v, kco_type_t to, kco_value_t *out) {
        int from_int = v->type != KCO_TYPE_FLOAT32 && v->type != KCO_TYPE_FLOAT64;
        out->type = to;
        if (to == KCO_TYPE_FLOAT32)
                out->u.d = from_int ? (double)(float)v->u.i : (double)(float)v->u.d;
        else if (to == KCO_TYPE_FLOAT64)
                out->u.d = from_int ? (double)v->u.i : v->u.d;
        else
                out->u.i = v->u.i; /* a narrower or equal integer: the value fits */
}

static int kco_project_node(const kco_schema_t *from, const kco_value_t *v, const kco_schema_t *to,
                            const kco_path_t *p, const char *role, kco_arena_t *arena, kco_value_t *out,
                            kco_err_t *err);

static int kco_project_struct(const kco_schema_t *from, const kco_value_t *v, const kco_schema_t *to,
                              const kco_path_t *up, kco_arena_t *arena, kco_value_t *out, kco_err_t *err) {
        if (v->u.c.n != from->nfields)
                return kco_path_error(err, KCO_PROJECT_WHO, up, "struct value has %zu fields, its schema %zu",
                                      v->u.c.n, from->nfields);
        kco_value_t *items = kco_arena_calloc(arena, to->nfields ? to->nfields : 1, sizeof(kco_value_t));
        for (size_t i = 0; i < to->nfields; i++) {
                const kco_field_t *tf = &to->fields[i];
                const kco_field_t *sf = kco_schema_field(from, tf->name);
                kco_path_t p = {.up = up, .field = tf->name};
                if (sf) {
                        const kco_value_t *sv = &v->u.c.items[sf - from->fields];
                        if (sv->type == KCO_TYPE_NULL && kco_project_has_default(sf->schema))
                                sv = sf->schema->default_value;
                        if (kco_project_node(sf->schema, sv, tf->schema, &p, "", arena, &items[i], err))
                                return -1;
                        if (items[i].type == KCO_TYPE_NULL && kco_project_has_default(tf->schema))
                                kco_project_adopt(arena, tf->schema->default_value, tf->schema, &items[i]);
                } else if (kco_project_has_default(tf->schema)) {
                        kco_project_adopt(arena, tf->schema->default_value, tf->schema, &items[i]);
                } else if (tf->schema->optional) {
                        items[i].type = KCO_TYPE_NULL;
                        items[i].schema = tf->schema;
                } else {
                        return kco_project_missing(from, tf->name, &p, err);
                }
        }
        out->u.c.items = items;
        out->u.c.n = to->nfields;
        return 0;
}

static int kco_project_array(const kco_schema_t *from, const kco_value_t *v, const kco_schema_t *to,
                             const kco_path_t *up, kco_arena_t *arena, kco_value_t *out, kco_err_t *err) {
        size_t n = v->u.c.n;
        kco_value_t *items = kco_arena_calloc(arena, n ? n : 1, sizeof(kco_value_t));
        for (size_t i = 0; i < n; i++) {
                kco_path_t p = {.up = up, .index = i};
                if (kco_project_node(from->value, &v->u.c.items[i], to->value, &p, "", arena, &items[i], err))
                        return -1;
        }
        out->u.c.items = items;
        out->u.c.n = n;
        return 0;
}

static int kco_project_map(const kco_schema_t *from, const kco_value_t *v, const kco_schema_t *to,
                           const kco_path_t *up, kco_arena_t *arena, kco_value_t *out, kco_err_t *err) {
        size_t n = v->u.c.n;
        kco_value_t *items = kco_arena_calloc(arena, n ? 2 * n : 1, sizeof(kco_value_t));
        for (size_t i = 0; i < n; i++) {
                const kco_value_t *k = &v->u.c.items[2 * i];
                kco_path_t p = {.up = up, .index = i};
                if (k->type == KCO_TYPE_STRING) {
                        p.key = k->u.s.ptr ? k->u.s.ptr : "";
                        p.keylen = k->u.s.len;
                }
                if (kco_project_node(from->key, k, to->key, &p, "map key: ", arena, &items[2 * i], err) ||
                    kco_project_node(from->value, &v->u.c.items[2 * i + 1], to->value, &p, "", arena,
                                     &items[2 * i + 1], err))
                        return -1;
        }
        out->u.c.items = items;
        out->u.c.n = n;
        return 0;
}

static int kco_project_node(const kco_schema_t *from, const kco_value_t *v, const kco_schema_t *to,
                            const kco_path_t *p, const char *role, kco_arena_t *arena, kco_value_t *out,
                            kco_err_t *err) {
        if (kco_project_head(from, to, p, role, err))
                return -1;
        memset(out, 0, sizeof(*out));
        out->schema = to;
        if (!v || v->type == KCO_TYPE_NULL) {
                if (to->optional)
                        return 0; /* null, as Connect returns it (a struct field then reads as its default) */
                if (kco_project_has_default(to)) {
                        kco_project_adopt(arena, to->default_value, to, out);
                        return 0;
                }
                return kco_path_error(err, KCO_PROJECT_WHO, p, "%sInvalid value: null used for required %s schema",
                                      role, kco_type_name(to->type));
        }
        if (v->type != from->type)
                return kco_path_error(err, KCO_PROJECT_WHO, p, "%svalue of type %s does not match its schema (%s)",
                                      role, kco_type_name(v->type), kco_type_name(from->type));
        out->type = to->type;
        switch (to->type) {
        case KCO_TYPE_INT8:
        case KCO_TYPE_INT16:
        case KCO_TYPE_INT32:
        case KCO_TYPE_INT64:
        case KCO_TYPE_FLOAT32:
        case KCO_TYPE_FLOAT64:
                kco_project_number(v, to->type, out);
                return 0;
        case KCO_TYPE_BOOLEAN:
        case KCO_TYPE_STRING:
        case KCO_TYPE_BYTES:
                out->u = v->u;
                return 0;
        case KCO_TYPE_STRUCT:
                return kco_project_struct(from, v, to, p, arena, out, err);
        case KCO_TYPE_ARRAY:
                return kco_project_array(from, v, to, p, arena, out, err);
        case KCO_TYPE_MAP:
                return kco_project_map(from, v, to, p, arena, out, err);
        default:
                return kco_path_error(err, KCO_PROJECT_WHO, p, "%scannot project to schema type %s", role,
                                      kco_type_name(to->type));
        }
}

int kco_project(const kco_schema_t *from, const kco_value_t *v, const kco_schema_t *to, kco_arena_t *arena,
                kco_value_t *out, kco_err_t *err) {
        return kco_project_node(from, v, to, NULL, "", arena, out, err);
}

/* ---- schemas only ---- */

static int kco_project_check_node(const kco_schema_t *from, const kco_schema_t *to, const kco_path_t *up,
                                  const char *role, kco_err_t *err) {
        if (kco_project_head(from, to, up, role, err))
                return -1;
        if (to->type == KCO_TYPE_STRUCT) {
                for (size_t i = 0; i < to->nfields; i++) {
                        const kco_field_t *tf = &to->fields[i];
                        const kco_field_t *sf = kco_schema_field(from, tf->name);
                        kco_path_t p = {.up = up, .field = tf->name};
                        if (sf) {
                                if (kco_project_check_node(sf->schema, tf->schema, &p, "", err))
                                        return -1;
                        } else if (!kco_project_has_default(tf->schema) && !tf->schema->optional) {
                                return kco_project_missing(from, tf->name, &p, err);
                        }
                }
        } else if (to->type == KCO_TYPE_ARRAY || to->type == KCO_TYPE_MAP) {
                /* any element or entry: shown as ["*"] */
                kco_path_t p = {.up = up, .key = "*", .keylen = 1};
                if (to->type == KCO_TYPE_MAP && kco_project_check_node(from->key, to->key, &p, "map key: ", err))
                        return -1;
                if (kco_project_check_node(from->value, to->value, &p, "", err))
                        return -1;
        }
        return 0;
}

int kco_project_check(const kco_schema_t *from, const kco_schema_t *to, kco_err_t *err) {
        return kco_project_check_node(from, to, NULL, "", err);
}
