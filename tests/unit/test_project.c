/*
 * test_project.c - projecting values between versions of a Connect schema
 * (Connect's SchemaProjector): field additions and removals, defaults,
 * optional handling, every numeric promotion and its reverse, names,
 * versions, parameters and logical types, nested structs in arrays and
 * maps. Every case runs kco_project and kco_project_check and checks that
 * they agree: the projected value and its schema pointers, or the full
 * error text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/kco_arena.h"
#include "record/kco_project.h"
#include "kco_test_schema.h"

/* ---- schemas and values ---- */

static kco_schema_t *versioned(kco_schema_t *s, int version) {
        s->has_version = 1;
        s->version = version;
        return s;
}

static kco_schema_t *dflt(kco_schema_t *s, const kco_value_t *d) {
        s->default_value = d;
        return s;
}

static kco_schema_t *decimal(kco_schema_t *root, const char *scale) {
        kco_schema_t *s = named(node(root, KCO_TYPE_BYTES), KCO_DECIMAL_NAME);
        kco_schema_add_param(s, KCO_DECIMAL_SCALE, scale);
        return s;
}

/* Literal values with no schema, for expected results (kco_value_equal ignores schemas). */
static kco_value_t *lit_i(kco_type_t t, int64_t i) {
        kco_value_t *v = V();
        v->type = t;
        v->u.i = i;
        return v;
}

static kco_value_t *lit_d(kco_type_t t, double d) {
        kco_value_t *v = V();
        v->type = t;
        v->u.d = d;
        return v;
}

/* ---- expectations: kco_project and kco_project_check agree ---- */

/* Every node of v points at the matching node of schema s. */
static void expect_schemas(const kco_value_t *v, const kco_schema_t *s) {
        assert_ptr_equal(v->schema, s);
        if (v->type == KCO_TYPE_NULL)
                return;
        assert_int_equal(v->type, s->type);
        if (v->type == KCO_TYPE_ARRAY) {
                for (size_t i = 0; i < v->u.c.n; i++)
                        expect_schemas(&v->u.c.items[i], s->value);
        } else if (v->type == KCO_TYPE_MAP) {
                for (size_t i = 0; i < v->u.c.n; i++) {
                        expect_schemas(&v->u.c.items[2 * i], s->key);
                        expect_schemas(&v->u.c.items[2 * i + 1], s->value);
                }
        } else if (v->type == KCO_TYPE_STRUCT) {
                assert_int_equal(v->u.c.n, s->nfields);
                for (size_t i = 0; i < v->u.c.n; i++)
                        expect_schemas(&v->u.c.items[i], s->fields[i].schema);
        }
}

static void check_ok(const kco_schema_t *from, const kco_schema_t *to) {
        kco_err_t err;
        kco_err_clear(&err);
        int rc = kco_project_check(from, to, &err);
        if (rc)
                fprintf(stderr, "check: %s\n", err.msg);
        assert_int_equal(rc, 0);
        assert_int_equal(err.code, KCO_OK);
}

static void check_fails(const kco_schema_t *from, const kco_schema_t *to, const char *want) {
        kco_err_t err;
        kco_err_clear(&err);
        assert_int_equal(kco_project_check(from, to, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_string_equal(err.msg, want);
}

/* Projects v and compares the result with want; the schemas must pass kco_project_check too. */
static const kco_value_t *project_ok(const kco_schema_t *from, const kco_value_t *v, const kco_schema_t *to,
                                     const kco_value_t *want) {
        kco_err_t err;
        kco_err_clear(&err);
        kco_value_t *out = V();
        int rc = kco_project(from, v, to, arena, out, &err);
        if (rc)
                fprintf(stderr, "project: %s\n", err.msg);
        assert_int_equal(rc, 0);
        assert_true(kco_value_equal(out, want));
        expect_schemas(out, to);
        check_ok(from, to);
        return out;
}

/* kco_project fails with want_project; kco_project_check with want_check (NULL: the same text). */
static void project_fails(const kco_schema_t *from, const kco_value_t *v, const kco_schema_t *to,
                          const char *want_project, const char *want_check) {
        kco_err_t err;
        kco_err_clear(&err);
        kco_value_t out;
        assert_int_equal(kco_project(from, v, to, arena, &out, &err), -1);
        assert_int_equal(err.code, KCO_ERR_DATA);
        assert_string_equal(err.msg, want_project);
        check_fails(from, to, want_check ? want_check : want_project);
}

/* ---- cases ---- */

static void test_identical(void **state) {
        (void)state;
        kco_schema_t *a = kco_schema_new(KCO_TYPE_STRUCT);
        named(versioned(a, 3), "com.example.Click");
        fields(a, 6, "id", node(a, KCO_TYPE_INT64), "name", opt(node(a, KCO_TYPE_STRING)), "ok",
               node(a, KCO_TYPE_BOOLEAN), "tags", array_of(a, node(a, KCO_TYPE_STRING)), "m",
               opt(map_of(a, node(a, KCO_TYPE_STRING), node(a, KCO_TYPE_FLOAT64))), "ts",
               named(node(a, KCO_TYPE_INT64), KCO_TIMESTAMP_NAME));
        finish(a);
        kco_schema_t *b = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *to = kco_schema_copy(b, a);
        kco_schema_t *tags = a->fields[3].schema, *m = a->fields[4].schema;
        kco_value_t *v = C(a, 6, I(a->fields[0].schema, 42), S(a->fields[1].schema, "bob"),
                           I(a->fields[2].schema, 1), C(tags, 2, S(tags->value, "x"), S(tags->value, "y")),
                           C(m, 1, S(m->key, "k"), F(m->value, 2.5)), I(a->fields[5].schema, 1700000000000));
        const kco_value_t *out = project_ok(a, v, to, v);
        assert_int_equal(out->u.c.items[0].u.i, 42);
        assert_int_equal(out->u.c.items[5].u.i, 1700000000000);
        /* a null in an optional field stays null */
        kco_value_t *w = C(a, 6, I(a->fields[0].schema, 1), NUL(), I(a->fields[2].schema, 0), C(tags, 0),
                           NUL(), I(a->fields[5].schema, 0));
        out = project_ok(a, w, to, w);
        assert_int_equal(out->u.c.items[1].type, KCO_TYPE_NULL);
        kco_schema_unref(a);
        kco_schema_unref(b);
}

static void test_added_fields(void **state) {
        (void)state;
        kco_schema_t *a = kco_schema_new(KCO_TYPE_STRUCT);
        fields(a, 1, "id", node(a, KCO_TYPE_INT32));
        finish(a);
        kco_schema_t *b = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *n = node(b, KCO_TYPE_INT32), *d = node(b, KCO_TYPE_STRING);
        dflt(d, S(d, "none"));
        /* an optional field with a default: the default, as Connect's Struct.get reads it */
        kco_schema_t *od = opt(node(b, KCO_TYPE_INT64));
        dflt(od, I(od, -1));
        fields(b, 4, "id", n, "note", opt(node(b, KCO_TYPE_STRING)), "state", d, "rank", od);
        finish(b);
        kco_value_t *v = C(a, 1, I(a->fields[0].schema, 7));
        kco_value_t *want = C(b, 4, lit_i(KCO_TYPE_INT32, 7), NUL(), S(d, "none"), lit_i(KCO_TYPE_INT64, -1));
        const kco_value_t *out = project_ok(a, v, b, want);
        assert_int_equal(out->u.c.n, 4);
        assert_int_equal(out->u.c.items[1].type, KCO_TYPE_NULL);
        assert_int_equal(out->u.c.items[2].type, KCO_TYPE_STRING);
        assert_int_equal(out->u.c.items[2].u.s.len, 4);
        assert_memory_equal(out->u.c.items[2].u.s.ptr, "none", 4);
        assert_int_equal(out->u.c.items[3].u.i, -1);
        kco_schema_unref(a);
        kco_schema_unref(b);
}

static void test_added_required_field(void **state) {
        (void)state;
        kco_schema_t *a = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *addr = opt(fields(node(a, KCO_TYPE_STRUCT), 1, "street", node(a, KCO_TYPE_STRING)));
        fields(a, 1, "address", addr);
        finish(a);
        kco_schema_t *b = kco_schema_new(KCO_TYPE_STRUCT);
        fields(b, 1, "address",
               opt(fields(node(b, KCO_TYPE_STRUCT), 2, "street", node(b, KCO_TYPE_STRING), "zip",
                          node(b, KCO_TYPE_STRING))));
        finish(b);
        kco_value_t *v = C(a, 1, C(addr, 1, S(addr->fields[0].schema, "Main St")));
        project_fails(a, v, b,
                      "schema.compatibility: value.address.zip: Required field `zip` is missing from source "
                      "schema: struct{street:string}?",
                      NULL);
        /* like Connect, a null struct is not looked into; the schema check still refuses */
        kco_value_t *nul = C(a, 1, NUL());
        kco_err_t err;
        kco_err_clear(&err);
        kco_value_t out;
        assert_int_equal(kco_project(a, nul, b, arena, &out, &err), 0);
        assert_int_equal(out.u.c.items[0].type, KCO_TYPE_NULL);
        check_fails(a, b,
                    "schema.compatibility: value.address.zip: Required field `zip` is missing from source schema: "
                    "struct{street:string}?");
        kco_schema_unref(a);
        kco_schema_unref(b);
}

static void test_removed_field(void **state) {
        (void)state;
        kco_schema_t *a = kco_schema_new(KCO_TYPE_STRUCT);
        fields(a, 3, "a", node(a, KCO_TYPE_INT32), "gone", node(a, KCO_TYPE_STRING), "c", node(a, KCO_TYPE_INT32));
        finish(a);
        kco_schema_t *b = kco_schema_new(KCO_TYPE_STRUCT);
        /* the target also reorders the fields it keeps */
        fields(b, 2, "c", node(b, KCO_TYPE_INT32), "a", node(b, KCO_TYPE_INT32));
        finish(b);
        kco_value_t *v = C(a, 3, I(a->fields[0].schema, 1), S(a->fields[1].schema, "x"), I(a->fields[2].schema, 3));
        const kco_value_t *out =
                project_ok(a, v, b, C(b, 2, lit_i(KCO_TYPE_INT32, 3), lit_i(KCO_TYPE_INT32, 1)));
        assert_int_equal(out->u.c.n, 2);
        assert_int_equal(out->u.c.items[0].u.i, 3);
        assert_int_equal(out->u.c.items[1].u.i, 1);
        kco_schema_unref(a);
        kco_schema_unref(b);
}

static kco_value_t *number(const kco_schema_t *s, int64_t i) {
        return s->type == KCO_TYPE_FLOAT32 || s->type == KCO_TYPE_FLOAT64 ? F(s, (double)i) : I(s, i);
}

static void test_promotions(void **state) {
        (void)state;
        struct {
                kco_type_t from, to;
                int is_float; /* source value in u.d */
                int64_t i;
                double d;
                kco_value_t *want;
        } cases[] = {
                {KCO_TYPE_INT8, KCO_TYPE_INT64, 0, -5, 0, lit_i(KCO_TYPE_INT64, -5)},
                {KCO_TYPE_INT8, KCO_TYPE_INT16, 0, 127, 0, lit_i(KCO_TYPE_INT16, 127)},
                {KCO_TYPE_INT16, KCO_TYPE_INT32, 0, -32768, 0, lit_i(KCO_TYPE_INT32, -32768)},
                /* float32 rounds: 2^24 + 1 is not a float */
                {KCO_TYPE_INT32, KCO_TYPE_FLOAT32, 0, 16777217, 0, lit_d(KCO_TYPE_FLOAT32, 16777216.0)},
                {KCO_TYPE_INT32, KCO_TYPE_FLOAT64, 0, 16777217, 0, lit_d(KCO_TYPE_FLOAT64, 16777217.0)},
                {KCO_TYPE_INT64, KCO_TYPE_FLOAT64, 0, (INT64_C(1) << 53) + 1, 0,
                 lit_d(KCO_TYPE_FLOAT64, 9007199254740992.0)},
                {KCO_TYPE_INT64, KCO_TYPE_FLOAT32, 0, -3, 0, lit_d(KCO_TYPE_FLOAT32, -3.0)},
                /* float32 -> float64 keeps the float's value (0.1f, not 0.1) */
                {KCO_TYPE_FLOAT32, KCO_TYPE_FLOAT64, 1, 0, (double)0.1f, lit_d(KCO_TYPE_FLOAT64, (double)0.1f)},
                {KCO_TYPE_FLOAT64, KCO_TYPE_FLOAT64, 1, 0, 0.1, lit_d(KCO_TYPE_FLOAT64, 0.1)},
        };
        for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
                kco_schema_t *a = kco_schema_new(cases[c].from), *b = kco_schema_new(cases[c].to);
                kco_value_t *v = cases[c].is_float ? F(a, cases[c].d) : I(a, cases[c].i);
                const kco_value_t *out = project_ok(a, v, b, cases[c].want);
                assert_int_equal(out->type, cases[c].to);
                kco_schema_unref(a);
                kco_schema_unref(b);
        }
        assert_true((double)0.1f != 0.1); /* the case above can tell them apart */
        /* the whole table: a source widens to itself or any later numeric type, never back */
        for (kco_type_t f = KCO_TYPE_INT8; f <= KCO_TYPE_FLOAT64; f++)
                for (kco_type_t t = KCO_TYPE_INT8; t <= KCO_TYPE_FLOAT64; t++) {
                        kco_schema_t *a = kco_schema_new(f), *b = kco_schema_new(t);
                        kco_value_t *v = number(a, 100);
                        if (f <= t) {
                                project_ok(a, v, b, number(b, 100));
                        } else {
                                char want[200];
                                snprintf(want, sizeof(want),
                                         "schema.compatibility: value: Schema type mismatch. source type: %s and "
                                         "target type: %s",
                                         kco_type_name(f), kco_type_name(t));
                                project_fails(a, v, b, want, NULL);
                        }
                        kco_schema_unref(a);
                        kco_schema_unref(b);
                }
}

static void test_demotion_and_mismatch(void **state) {
        (void)state;
        kco_schema_t *a = kco_schema_new(KCO_TYPE_STRUCT);
        fields(a, 2, "n", node(a, KCO_TYPE_INT64), "s", node(a, KCO_TYPE_STRING));
        finish(a);
        kco_schema_t *b = kco_schema_new(KCO_TYPE_STRUCT);
        fields(b, 2, "n", node(b, KCO_TYPE_INT32), "s", node(b, KCO_TYPE_STRING));
        finish(b);
        kco_schema_t *c = kco_schema_new(KCO_TYPE_STRUCT);
        fields(c, 2, "n", node(c, KCO_TYPE_INT64), "s", node(c, KCO_TYPE_INT32));
        finish(c);
        kco_value_t *v = C(a, 2, I(a->fields[0].schema, 1), S(a->fields[1].schema, "12"));
        project_fails(a, v, b,
                      "schema.compatibility: value.n: Schema type mismatch. source type: int64 and target type: int32",
                      NULL);
        project_fails(a, v, c,
                      "schema.compatibility: value.s: Schema type mismatch. source type: string and target type: "
                      "int32",
                      NULL);
        /* booleans and bytes do not promote either */
        kco_schema_t *bo = kco_schema_new(KCO_TYPE_BOOLEAN), *i8 = kco_schema_new(KCO_TYPE_INT8);
        project_fails(bo, I(bo, 1), i8,
                      "schema.compatibility: value: Schema type mismatch. source type: boolean and target type: int8",
                      NULL);
        kco_schema_unref(bo);
        kco_schema_unref(i8);
        kco_schema_unref(a);
        kco_schema_unref(b);
        kco_schema_unref(c);
}

static void test_optional_to_required(void **state) {
        (void)state;
        kco_schema_t *a = kco_schema_new(KCO_TYPE_STRUCT);
        fields(a, 1, "x", opt(node(a, KCO_TYPE_INT32)));
        finish(a);
        kco_schema_t *req = kco_schema_new(KCO_TYPE_STRUCT);
        fields(req, 1, "x", node(req, KCO_TYPE_INT32));
        finish(req);
        kco_schema_t *def = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *dx = node(def, KCO_TYPE_INT64);
        dflt(dx, I(dx, 99));
        fields(def, 1, "x", dx);
        finish(def);
        const char *msg = "schema.compatibility: value.x: Source schema is optional, but target schema does not have "
                          "a default value";
        /* without a default: an error for a null ... */
        project_fails(a, C(a, 1, NUL()), req, msg, NULL);
        /* ... and, as in Connect, for a value too: the schemas decide */
        project_fails(a, C(a, 1, I(a->fields[0].schema, 5)), req, msg, NULL);
        /* with a default: a null becomes the default, a value is projected (and promoted) */
        const kco_value_t *out = project_ok(a, C(a, 1, NUL()), def, C(def, 1, lit_i(KCO_TYPE_INT64, 99)));
        assert_int_equal(out->u.c.items[0].u.i, 99);
        out = project_ok(a, C(a, 1, I(a->fields[0].schema, 5)), def, C(def, 1, lit_i(KCO_TYPE_INT64, 5)));
        assert_int_equal(out->u.c.items[0].u.i, 5);
        /* required to optional: always fine, and a null stays null */
        project_ok(req, C(req, 1, I(req->fields[0].schema, 4)), a, C(a, 1, lit_i(KCO_TYPE_INT32, 4)));
        out = project_ok(a, C(a, 1, NUL()), a, C(a, 1, NUL()));
        assert_int_equal(out->u.c.items[0].type, KCO_TYPE_NULL);
        /* optional to optional with a default: Connect keeps the null, which the target struct reads as the
         * default; the default is written */
        kco_schema_t *odef = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *ox = opt(node(odef, KCO_TYPE_INT32));
        dflt(ox, I(ox, 8));
        fields(odef, 1, "x", ox);
        finish(odef);
        out = project_ok(a, C(a, 1, NUL()), odef, C(odef, 1, lit_i(KCO_TYPE_INT32, 8)));
        assert_int_equal(out->u.c.items[0].u.i, 8);
        kco_schema_unref(odef);
        /* a top-level null of an optional schema into a required one without default */
        kco_schema_t *os = opt(kco_schema_new(KCO_TYPE_STRING)), *rs = kco_schema_new(KCO_TYPE_STRING);
        project_fails(os, NUL(), rs,
                      "schema.compatibility: value: Source schema is optional, but target schema does not have a "
                      "default value",
                      NULL);
        kco_schema_unref(os);
        kco_schema_unref(rs);
        kco_schema_unref(a);
        kco_schema_unref(req);
        kco_schema_unref(def);
}

static void test_source_default(void **state) {
        (void)state;
        /* a null in a source field with a default reads as that default (Struct.get), then is promoted */
        kco_schema_t *a = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *x = opt(node(a, KCO_TYPE_INT16));
        dflt(x, I(x, 12));
        fields(a, 1, "x", x);
        finish(a);
        kco_schema_t *b = kco_schema_new(KCO_TYPE_STRUCT);
        fields(b, 1, "x", opt(node(b, KCO_TYPE_FLOAT64)));
        finish(b);
        const kco_value_t *out = project_ok(a, C(a, 1, NUL()), b, C(b, 1, lit_d(KCO_TYPE_FLOAT64, 12.0)));
        assert_true(out->u.c.items[0].u.d == 12.0);
        kco_schema_unref(a);
        kco_schema_unref(b);
}

static void test_nested_in_array_and_map(void **state) {
        (void)state;
        kco_schema_t *a = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *el = fields(node(a, KCO_TYPE_STRUCT), 2, "q", node(a, KCO_TYPE_INT32), "old",
                                  node(a, KCO_TYPE_STRING));
        kco_schema_t *items = array_of(a, el);
        kco_schema_t *m = map_of(a, node(a, KCO_TYPE_STRING), el);
        kco_schema_t *im = map_of(a, node(a, KCO_TYPE_INT32), node(a, KCO_TYPE_INT8));
        fields(a, 3, "items", items, "m", m, "im", im);
        finish(a);
        kco_schema_t *b = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *bel_extra = node(b, KCO_TYPE_STRING);
        dflt(bel_extra, S(bel_extra, "d"));
        kco_schema_t *bel = fields(node(b, KCO_TYPE_STRUCT), 2, "q", node(b, KCO_TYPE_INT64), "extra", bel_extra);
        fields(b, 3, "items", array_of(b, bel), "m", map_of(b, node(b, KCO_TYPE_STRING), bel), "im",
               map_of(b, node(b, KCO_TYPE_INT64), node(b, KCO_TYPE_FLOAT32)));
        finish(b);
        kco_schema_t *q = el->fields[0].schema, *old = el->fields[1].schema;
        kco_value_t *v = C(a, 3, C(items, 2, C(el, 2, I(q, 1), S(old, "a")), C(el, 2, I(q, 2), S(old, "b"))),
                           C(m, 1, S(m->key, "k"), C(el, 2, I(q, 3), S(old, "c"))),
                           C(im, 2, I(im->key, 10), I(im->value, -1), I(im->key, 20), I(im->value, 2)));
        kco_schema_t *bitems = b->fields[0].schema, *bm = b->fields[1].schema, *bim = b->fields[2].schema;
        kco_value_t *want =
                C(b, 3,
                  C(bitems, 2, C(bel, 2, lit_i(KCO_TYPE_INT64, 1), S(bel_extra, "d")),
                    C(bel, 2, lit_i(KCO_TYPE_INT64, 2), S(bel_extra, "d"))),
                  C(bm, 1, S(bm->key, "k"), C(bel, 2, lit_i(KCO_TYPE_INT64, 3), S(bel_extra, "d"))),
                  C(bim, 2, lit_i(KCO_TYPE_INT64, 10), lit_d(KCO_TYPE_FLOAT32, -1.0), lit_i(KCO_TYPE_INT64, 20),
                    lit_d(KCO_TYPE_FLOAT32, 2.0)));
        const kco_value_t *out = project_ok(a, v, b, want);
        assert_int_equal(out->u.c.items[0].u.c.n, 2);
        assert_int_equal(out->u.c.items[0].u.c.items[1].u.c.items[0].u.i, 2);
        kco_schema_unref(b);

        /* errors name the element / entry; the schema check names any element as ["*"] */
        kco_schema_t *c = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *cel = fields(node(c, KCO_TYPE_STRUCT), 2, "q", node(c, KCO_TYPE_INT32), "need",
                                   node(c, KCO_TYPE_BOOLEAN));
        fields(c, 3, "items", array_of(c, cel), "m", map_of(c, node(c, KCO_TYPE_STRING), cel), "im",
               map_of(c, node(c, KCO_TYPE_INT64), node(c, KCO_TYPE_FLOAT32)));
        finish(c);
        project_fails(a, v, c,
                      "schema.compatibility: value.items[0].need: Required field `need` is missing from source "
                      "schema: struct{q:int32,old:string}",
                      "schema.compatibility: value.items[\"*\"].need: Required field `need` is missing from source "
                      "schema: struct{q:int32,old:string}");
        kco_schema_unref(c);

        kco_schema_t *d = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *del = fields(node(d, KCO_TYPE_STRUCT), 1, "q", node(d, KCO_TYPE_INT8));
        fields(d, 2, "items", array_of(d, kco_schema_copy(d, el)), "m",
               map_of(d, node(d, KCO_TYPE_STRING), del));
        finish(d);
        project_fails(a, C(a, 3, C(items, 0), C(m, 1, S(m->key, "k"), C(el, 2, I(q, 3), S(old, "c"))), C(im, 0)),
                      d,
                      "schema.compatibility: value.m[\"k\"].q: Schema type mismatch. source type: int32 and target "
                      "type: int8",
                      "schema.compatibility: value.m[\"*\"].q: Schema type mismatch. source type: int32 and target "
                      "type: int8");
        /* a map key that cannot be projected */
        kco_schema_t *e = kco_schema_new(KCO_TYPE_STRUCT);
        fields(e, 1, "im", map_of(e, node(e, KCO_TYPE_INT16), node(e, KCO_TYPE_INT8)));
        finish(e);
        kco_value_t *iv = C(a, 3, C(items, 0), C(m, 0), C(im, 1, I(im->key, 10), I(im->value, 1)));
        project_fails(a, iv, e,
                      "schema.compatibility: value.im[0]: map key: Schema type mismatch. source type: int32 and "
                      "target type: int16",
                      "schema.compatibility: value.im[\"*\"]: map key: Schema type mismatch. source type: int32 and "
                      "target type: int16");
        /* like Connect, empty containers are not looked into: only the schema check refuses */
        kco_err_t err;
        kco_err_clear(&err);
        kco_value_t out2;
        kco_value_t *empty = C(a, 3, C(items, 0), C(m, 0), C(im, 0));
        assert_int_equal(kco_project(a, empty, d, arena, &out2, &err), 0);
        assert_int_equal(out2.u.c.n, 2);
        assert_int_equal(out2.u.c.items[1].u.c.n, 0);
        check_fails(a, d,
                    "schema.compatibility: value.m[\"*\"].q: Schema type mismatch. source type: int32 and target "
                    "type: int8");
        kco_schema_unref(d);
        kco_schema_unref(e);
        kco_schema_unref(a);
}

static void test_logical_types(void **state) {
        (void)state;
        kco_schema_t *ts = finish(named(kco_schema_new(KCO_TYPE_INT64), KCO_TIMESTAMP_NAME));
        kco_schema_t *ts2 = finish(named(kco_schema_new(KCO_TYPE_INT64), KCO_TIMESTAMP_NAME));
        kco_schema_t *plain = finish(kco_schema_new(KCO_TYPE_INT64));
        kco_schema_t *date = finish(named(kco_schema_new(KCO_TYPE_INT32), KCO_DATE_NAME));
        project_ok(ts, I(ts, 1700000000123), ts2, lit_i(KCO_TYPE_INT64, 1700000000123));
        project_fails(ts, I(ts, 1), plain,
                      "schema.compatibility: value: Schema name mismatch. source name: "
                      "org.apache.kafka.connect.data.Timestamp and target name: null",
                      NULL);
        project_fails(plain, I(plain, 1), ts,
                      "schema.compatibility: value: Schema name mismatch. source name: null and target name: "
                      "org.apache.kafka.connect.data.Timestamp",
                      NULL);
        /* int32 -> int64 promotes, but a Date is not a Timestamp */
        project_fails(date, I(date, 19000), ts,
                      "schema.compatibility: value: Schema name mismatch. source name: "
                      "org.apache.kafka.connect.data.Date and target name: org.apache.kafka.connect.data.Timestamp",
                      NULL);

        kco_schema_t *d2 = kco_schema_new(KCO_TYPE_STRUCT);
        fields(d2, 1, "amount", decimal(d2, "2"));
        finish(d2);
        kco_schema_t *d3 = kco_schema_new(KCO_TYPE_STRUCT);
        fields(d3, 1, "amount", decimal(d3, "3"));
        finish(d3);
        kco_value_t *amount = C(d2, 1, S(d2->fields[0].schema, "\x04\xd2"));
        project_fails(d2, amount, d3,
                      "schema.compatibility: value.amount: Schema parameters not equal. source parameters: "
                      "{scale=2} and target parameters: {scale=3}",
                      NULL);
        /* parameters are a map: the same entries in another order match */
        kco_schema_t *p1 = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *pd1 = decimal(p1, "2");
        kco_schema_add_param(pd1, "connect.decimal.precision", "8");
        fields(p1, 1, "amount", pd1);
        finish(p1);
        kco_schema_t *p2 = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *pd2 = named(node(p2, KCO_TYPE_BYTES), KCO_DECIMAL_NAME);
        kco_schema_add_param(pd2, "connect.decimal.precision", "8");
        kco_schema_add_param(pd2, KCO_DECIMAL_SCALE, "2");
        fields(p2, 1, "amount", pd2);
        finish(p2);
        kco_value_t *pv = C(p1, 1, S(pd1, "\x04\xd2"));
        const kco_value_t *out = project_ok(p1, pv, p2, pv);
        assert_int_equal(out->u.c.items[0].u.s.len, 2);
        assert_memory_equal(out->u.c.items[0].u.s.ptr, "\x04\xd2", 2);
        /* a parameter only one side has */
        project_fails(d2, amount, p2,
                      "schema.compatibility: value.amount: Schema parameters not equal. source parameters: "
                      "{scale=2} and target parameters: {connect.decimal.precision=8, scale=2}",
                      NULL);
        kco_schema_unref(ts);
        kco_schema_unref(ts2);
        kco_schema_unref(plain);
        kco_schema_unref(date);
        kco_schema_unref(d2);
        kco_schema_unref(d3);
        kco_schema_unref(p1);
        kco_schema_unref(p2);
}

static void test_names_and_versions(void **state) {
        (void)state;
        kco_schema_t *v1 = kco_schema_new(KCO_TYPE_STRUCT);
        named(versioned(v1, 1), "com.example.Click");
        fields(v1, 1, "id", node(v1, KCO_TYPE_INT32));
        finish(v1);
        kco_schema_t *v2 = kco_schema_new(KCO_TYPE_STRUCT);
        named(versioned(v2, 2), "com.example.Click");
        fields(v2, 2, "id", node(v2, KCO_TYPE_INT64), "page", opt(node(v2, KCO_TYPE_STRING)));
        finish(v2);
        kco_schema_t *other = kco_schema_new(KCO_TYPE_STRUCT);
        named(versioned(other, 2), "com.example.View");
        fields(other, 1, "id", node(other, KCO_TYPE_INT32));
        finish(other);
        kco_schema_t *anon = kco_schema_new(KCO_TYPE_STRUCT);
        fields(anon, 1, "id", node(anon, KCO_TYPE_INT32));
        finish(anon);
        kco_value_t *v = C(v1, 1, I(v1->fields[0].schema, 5));
        project_fails(v1, v, other,
                      "schema.compatibility: value: Schema name mismatch. source name: com.example.Click and "
                      "target name: com.example.View",
                      NULL);
        project_fails(v1, v, anon,
                      "schema.compatibility: value: Schema name mismatch. source name: com.example.Click and "
                      "target name: null",
                      NULL);
        /* versions differ between the versions of a schema: Connect's SchemaProjector does not compare them
         * (BACKWARD/FORWARD projection is exactly v1 -> v2), so neither do we */
        const kco_value_t *out = project_ok(v1, v, v2, C(v2, 2, lit_i(KCO_TYPE_INT64, 5), NUL()));
        assert_int_equal(out->u.c.items[0].type, KCO_TYPE_INT64);
        project_ok(v2, C(v2, 2, I(v2->fields[0].schema, 5), NUL()), v2, C(v2, 2, lit_i(KCO_TYPE_INT64, 5), NUL()));
        /* nested named structs are checked too */
        kco_schema_t *n1 = kco_schema_new(KCO_TYPE_STRUCT);
        fields(n1, 1, "inner", named(fields(node(n1, KCO_TYPE_STRUCT), 0), "a.Inner"));
        finish(n1);
        kco_schema_t *n2 = kco_schema_new(KCO_TYPE_STRUCT);
        fields(n2, 1, "inner", named(fields(node(n2, KCO_TYPE_STRUCT), 0), "b.Inner"));
        finish(n2);
        project_fails(n1, C(n1, 1, C(n1->fields[0].schema, 0)), n2,
                      "schema.compatibility: value.inner: Schema name mismatch. source name: a.Inner and target "
                      "name: b.Inner",
                      NULL);
        kco_schema_unref(n1);
        kco_schema_unref(n2);
        kco_schema_unref(v1);
        kco_schema_unref(v2);
        kco_schema_unref(other);
        kco_schema_unref(anon);
}

static void test_default_struct_adopted(void **state) {
        (void)state;
        /* a struct-valued default of an added field: copied, its nodes pointing at the target schema */
        kco_schema_t *a = kco_schema_new(KCO_TYPE_STRUCT);
        fields(a, 1, "id", node(a, KCO_TYPE_INT32));
        finish(a);
        kco_schema_t *b = kco_schema_new(KCO_TYPE_STRUCT);
        kco_schema_t *geo = fields(node(b, KCO_TYPE_STRUCT), 2, "lat", node(b, KCO_TYPE_FLOAT64), "tags",
                                   array_of(b, node(b, KCO_TYPE_STRING)));
        kco_schema_t *gtags = geo->fields[1].schema;
        kco_value_t *gd = C(geo, 2, lit_d(KCO_TYPE_FLOAT64, 1.5), C(gtags, 1, S(gtags->value, "t")));
        gd->u.c.items[0].schema = NULL; /* a default as a converter may leave it */
        dflt(geo, gd);
        fields(b, 2, "id", node(b, KCO_TYPE_INT32), "geo", geo);
        finish(b);
        const kco_value_t *out = project_ok(a, C(a, 1, I(a->fields[0].schema, 1)), b,
                                            C(b, 2, lit_i(KCO_TYPE_INT32, 1), gd));
        assert_ptr_not_equal(out->u.c.items[1].u.c.items, gd->u.c.items);
        assert_null(gd->u.c.items[0].schema); /* the schema's default is left alone */
        kco_schema_unref(a);
        kco_schema_unref(b);
}

int main(void) {
        arena = kco_arena_new(4096);
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_identical),
                cmocka_unit_test(test_added_fields),
                cmocka_unit_test(test_added_required_field),
                cmocka_unit_test(test_removed_field),
                cmocka_unit_test(test_promotions),
                cmocka_unit_test(test_demotion_and_mismatch),
                cmocka_unit_test(test_optional_to_required),
                cmocka_unit_test(test_source_default),
                cmocka_unit_test(test_nested_in_array_and_map),
                cmocka_unit_test(test_logical_types),
                cmocka_unit_test(test_names_and_versions),
                cmocka_unit_test(test_default_struct_adopted),
        };
        int rc = cmocka_run_group_tests(tests, NULL, NULL);
        kco_arena_destroy(arena);
        return rc;
}
