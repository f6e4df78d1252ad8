/*
 * test_plugin.c - custom partitioners loaded with dlopen: the example
 * RegionPartitioner ($BUILD/libkco-region.so) on schemaless JSON values, its
 * configuration and data errors; the loader's refusals (relative path,
 * missing file, no kco_partitioner_plugin symbol, another ABI); and, through
 * a small plugin this test writes and compiles with cc (its output is what
 * its "out" key says), the host's field_text, the record it passes and the
 * checks on what a plugin returns. Those last tests are skipped with a
 * message when cc is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convert/kco_converter.h"
#include "core/kco_arena.h"
#include "partition/kco_plugin.h"

static char region_so[PATH_MAX];
static char tmp_dir[64];
static char tp_so[128];           /* the test plugin, ABI 1; empty when it could not be built */
static char tp99_so[128];        /* the same with ABI 99 */

/* The test plugin: "out" is what encode returns, except the @ commands. */
static const char tp_src[] =
        "#include <stdio.h>\n"
        "#include <stdlib.h>\n"
        "#include <string.h>\n"
        "#include \"kco_partitioner_plugin.h\"\n"
        "#ifndef TP_ABI\n"
        "#define TP_ABI KCO_PARTITIONER_PLUGIN_ABI\n"
        "#endif\n"
        "typedef struct { char out[1200]; size_t n; } tp_t;\n"
        "static void *tp_create(const char *const *k, const char *const *v, size_t n, char *err, size_t cap) {\n"
        "        tp_t *t = calloc(1, sizeof(*t));\n"
        "        t->n = n;\n"
        "        for (size_t i = 0; i < n; i++) {\n"
        "                if (!strcmp(k[i], \"out\"))\n"
        "                        snprintf(t->out, sizeof(t->out), \"%s\", v[i]);\n"
        "                if (!strcmp(k[i], \"refuse\")) {\n"
        "                        snprintf(err, cap, \"%s\", v[i]);\n"
        "                        free(t);\n"
        "                        return NULL;\n"
        "                }\n"
        "        }\n"
        "        return t;\n"
        "}\n"
        "static void tp_destroy(void *s) { free(s); }\n"
        "static int tp_encode(void *s, const kco_plugin_record_t *r, char *out, size_t cap, char *err, size_t ecap) {\n"
        "        const tp_t *t = s;\n"
        "        const char *o = t->out;\n"
        "        if (!strncmp(o, \"@field:\", 7) || !strncmp(o, \"@small:\", 7)) {\n"
        "                char b[256];\n"
        "                size_t len = 999;\n"
        "                if (r->host->field_text(r->hctx, o + 7, b, o[1] == 's' ? 4 : sizeof(b), &len)) {\n"
        "                        snprintf(err, ecap, \"no text for %s (buf \\\"%s\\\")\", o + 7, b);\n"
        "                        return -1;\n"
        "                }\n"
        "                if (len != strlen(b)) {\n"
        "                        snprintf(err, ecap, \"len %zu for %s\", len, b);\n"
        "                        return -1;\n"
        "                }\n"
        "                return snprintf(out, cap, \"f=%s\", b);\n"
        "        }\n"
        "        if (!strcmp(o, \"@record\"))\n"
        "                return snprintf(out, cap, \"%s/%d/%lld/%lld/%.*s/%zu/%s\", r->topic, (int)r->partition,\n"
        "                                (long long)r->offset, (long long)r->timestamp, (int)r->key_len,\n"
        "                                r->key ? (const char *)r->key : \"\", r->value_len,\n"
        "                                r->value ? \"v\" : \"null\");\n"
        "        if (!strcmp(o, \"@config\"))\n"
        "                return snprintf(out, cap, \"n=%zu\", t->n);\n"
        "        if (!strcmp(o, \"@fail\")) {\n"
        "                snprintf(err, ecap, \"refused this one\");\n"
        "                return -1;\n"
        "        }\n"
        "        if (!strcmp(o, \"@nul\")) {\n"
        "                memcpy(out, \"ab\\0cd\", 6);\n"
        "                return 5;\n"
        "        }\n"
        "        if (!strcmp(o, \"@long\")) {\n"
        "                memset(out, 'a', cap - 1);\n"
        "                out[cap - 1] = 0;\n"
        "                return 2000;\n"
        "        }\n"
        "        return snprintf(out, cap, \"%s\", o);\n"
        "}\n"
        "static const kco_partitioner_plugin_t tp = {TP_ABI, \"test-plugin\", tp_create, tp_destroy, tp_encode};\n"
        "const kco_partitioner_plugin_t *kco_partitioner_plugin(void);\n"
        "const kco_partitioner_plugin_t *kco_partitioner_plugin(void) { return &tp; }\n";

static int compile_tp(const char *src, const char *inc, const char *so, const char *defs) {
        char cmd[PATH_MAX + 512];
        snprintf(cmd, sizeof(cmd), "cc -std=c11 -shared -fPIC %s -I'%s' -o '%s' '%s'", defs, inc, so, src);
        return system(cmd);
}

static int group_setup(void **state) {
        (void)state;
        const char *build = getenv("BUILD");
        char rel[PATH_MAX];
        snprintf(rel, sizeof(rel), "%s/libkco-region.so", build && *build ? build : "build");
        if (!realpath(rel, region_so)) {
                fprintf(stderr, "cannot find %s (make %s first)\n", rel, rel);
                return -1;
        }
        snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/kco-test-plugin-XXXXXX");
        if (!mkdtemp(tmp_dir))
                return -1;
        char inc[PATH_MAX], src[128];
        if (system("command -v cc >/dev/null 2>&1") != 0) {
                fprintf(stderr, "note: no cc; the tests with a compiled test plugin are skipped\n");
                return 0;
        }
        /* the plugin header: from the repository root (tests/run.sh runs there), else next to $BUILD */
        snprintf(rel, sizeof(rel), "%s/../src/partition", build && *build ? build : "build");
        if (!realpath("src/partition", inc) && !realpath(rel, inc)) {
                fprintf(stderr, "cannot find src/partition: run from the repository root\n");
                return -1;
        }
        snprintf(src, sizeof(src), "%s/tp.c", tmp_dir);
        FILE *f = fopen(src, "w");
        if (!f || fwrite(tp_src, 1, sizeof(tp_src) - 1, f) != sizeof(tp_src) - 1 || fclose(f))
                return -1;
        snprintf(tp_so, sizeof(tp_so), "%s/tp.so", tmp_dir);
        snprintf(tp99_so, sizeof(tp99_so), "%s/tp99.so", tmp_dir);
        if (compile_tp(src, inc, tp_so, "") || compile_tp(src, inc, tp99_so, "-DTP_ABI=99")) {
                fprintf(stderr, "cc failed on %s\n", src);
                return -1;
        }
        return 0;
}

static int group_teardown(void **state) {
        (void)state;
        if (tmp_dir[0]) {
                char cmd[128];
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
                if (system(cmd))
                        fprintf(stderr, "could not remove %s\n", tmp_dir);
        }
        return 0;
}

static void need_tp(void) {
        if (!tp_so[0]) {
                fprintf(stderr, "skipped: no test plugin (cc missing)\n");
                skip();
        }
}

/* ---- fixture: a JSON converter (schemas.enable=false), an arena, the output buffer ---- */

typedef struct {
        kco_conf_t *conf;
        kco_converter_t *cv;
        kco_arena_t *arena;
        kco_plugin_t *pl;
        kco_buf_t out;
        kco_err_t err;
} fx_t;

static kco_props_t *props_of(const char *text) {
        char why[256];
        kco_props_t *p = kco_props_new();
        if (kco_props_parse(p, text, strlen(text), "test", why, sizeof(why)))
                fail_msg("props: %s", why);
        return p;
}

static void fx_init(fx_t *f) {
        memset(f, 0, sizeof(*f));
        static const char text[] = "name=t\ntopics=t\nformat.class=json\nstorage.class=local\n"
                                   "store.url=file:///tmp/x\nflush.size=3\nvalue.converter=json\n"
                                   "value.converter.schemas.enable=false\n";
        kco_props_t *p = props_of(text);
        kco_conf_errs_t e;
        kco_conf_errs_init(&e);
        f->conf = kco_conf_new(NULL, p, &e);
        kco_props_destroy(p);
        for (int i = 0; i < e.n; i++)
                fprintf(stderr, "config: %s\n", e.msg[i]);
        assert_int_equal(e.n, 0);
        kco_conf_errs_free(&e);
        f->cv = kco_converter_new(KCO_CONVERTER_JSON, 0, f->conf, &f->err);
        assert_non_null(f->cv);
        f->arena = kco_arena_new(4096);
        kco_buf_init(&f->out);
}

static void fx_free(fx_t *f) {
        kco_plugin_close(f->pl);
        kco_buf_free(&f->out);
        kco_arena_destroy(f->arena);
        kco_converter_destroy(f->cv);
        kco_conf_destroy(f->conf);
}

/* Opens path with the plugin configuration text; fails the test on an error. */
static void fx_open(fx_t *f, const char *path, const char *config) {
        kco_props_t *p = props_of(config);
        kco_err_clear(&f->err);
        f->pl = kco_plugin_open(path, p, &f->err);
        kco_props_destroy(p);
        if (!f->pl)
                fail_msg("open %s: %s", path, f->err.msg);
}

/* Encodes a record whose value is JSON text after "t/" already in the buffer. */
static int enc(fx_t *f, const char *value) {
        kco_record_t r = {.topic = "t", .partition = 7, .offset = 1, .timestamp = -1};
        r.raw_value = value;
        r.raw_value_len = value ? strlen(value) : 0;
        kco_arena_reset(f->arena);
        kco_err_clear(&f->err);
        if (kco_converter_convert(f->cv, "t", value, value ? strlen(value) : 0, f->arena, &r.value, &f->err))
                fail_msg("convert: %s", f->err.msg);
        f->out.len = 0;
        kco_buf_puts(&f->out, "t/");
        return kco_plugin_encode(f->pl, &r, &f->out, &f->err);
}

static void enc_ok(fx_t *f, const char *value, const char *want) {
        if (enc(f, value))
                fail_msg("encode %s: %s", value ? value : "null", f->err.msg);
        char full[1100];
        snprintf(full, sizeof(full), "t/%s", want);
        assert_string_equal(kco_buf_cstr(&f->out), full);
}

static void enc_fail(fx_t *f, const char *value, const char *want) {
        assert_int_equal(enc(f, value), -1);
        assert_int_equal(f->err.code, KCO_ERR_DATA);
        if (!strstr(f->err.msg, want))
                fail_msg("error \"%s\" lacks \"%s\"", f->err.msg, want);
        assert_int_equal(f->out.len, 2); /* nothing appended */
}

static void open_fail(const char *path, const char *config, const char *want1, const char *want2) {
        kco_props_t *p = props_of(config);
        kco_err_t err;
        kco_err_clear(&err);
        kco_plugin_t *pl = kco_plugin_open(path, p, &err);
        kco_props_destroy(p);
        if (pl) {
                kco_plugin_close(pl);
                fail_msg("%s opened", path);
        }
        assert_int_equal(err.code, KCO_ERR_CONFIG);
        if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)))
                fail_msg("error \"%s\" lacks \"%s\" / \"%s\"", err.msg, want1, want2 ? want2 : "");
}

/* ---- the example RegionPartitioner ---- */

static void test_region(void **state) {
        (void)state;
        fx_t f;
        fx_init(&f);
        fx_open(&f, region_so, "region.map=FR:eu, DE:eu ,US:us,CN:ap\nunrelated.key=1\n");
        assert_string_equal(kco_plugin_name(f.pl), "RegionPartitioner");
        enc_ok(&f, "{\"country\":\"FR\",\"n\":1}", "region=eu");
        enc_ok(&f, "{\"country\":\"DE\"}", "region=eu");
        enc_ok(&f, "{\"country\":\"CN\"}", "region=ap");
        enc_ok(&f, "{\"country\":\"JP\"}", "region=other");
        enc_ok(&f, "{\"country\":\"fr\"}", "region=other"); /* codes are compared as they are */
        enc_fail(&f, "{\"name\":\"x\"}", "RegionPartitioner: field country missing");
        enc_fail(&f, "{\"country\":null}", "RegionPartitioner: field country missing");
        enc_fail(&f, "{\"country\":[\"FR\"]}", "field country missing");
        enc_fail(&f, "[1,2]", "field country missing");
        enc_fail(&f, NULL, "field country missing"); /* a tombstone */
        /* two tasks: two states of one library; closing one leaves the other working */
        kco_plugin_t *first = f.pl;
        fx_open(&f, region_so, "region.map=FR:west\n");
        kco_plugin_close(first);
        enc_ok(&f, "{\"country\":\"FR\"}", "region=west");
        fx_free(&f);
}

static void test_region_field(void **state) {
        (void)state;
        fx_t f;
        fx_init(&f);
        fx_open(&f, region_so, "region.field=addr.cc\nregion.map=FR:eu,1:us,true:ap\n");
        enc_ok(&f, "{\"addr\":{\"cc\":\"FR\"}}", "region=eu");
        enc_ok(&f, "{\"addr\":{\"cc\":1}}", "region=us");
        enc_ok(&f, "{\"addr\":{\"cc\":true}}", "region=ap");
        enc_fail(&f, "{\"addr\":{\"zip\":\"75001\"}}", "RegionPartitioner: field addr.cc missing");
        enc_fail(&f, "{\"addr\":\"FR\"}", "field addr.cc missing");
        fx_free(&f);
}

static void test_region_config(void **state) {
        (void)state;
        open_fail(region_so, "region.map=FR-eu\n", region_so, "RegionPartitioner refused the configuration: "
                                                              "region.map: \"FR-eu\" is not COUNTRY:REGION");
        open_fail(region_so, "region.map=FR:eu,DE:\n", "region.map: \"DE:\" needs a country and a region", NULL);
        open_fail(region_so, "region.map=FR:e/u\n", "region.map: \"FR:e/u\"", NULL);
        open_fail(region_so, "x=1\n", "region.map is required", NULL);
        open_fail(region_so, "region.map=FR:eu\nregion.field=\n", "region.field must not be empty", NULL);
}

/* ---- the loader's refusals ---- */

static void test_open_errors(void **state) {
        (void)state;
        open_fail("build/libkco-region.so", "", "partitioner.class: a plugin path must be absolute", NULL);
        open_fail("libkco-region.so", "", "must be absolute", NULL);
        open_fail("/nonexistent/dir/libnope.so", "", "partitioner.class /nonexistent/dir/libnope.so: cannot load",
                  NULL);
        static const char libc[] = "/lib/x86_64-linux-gnu/libc.so.6";
        if (access(libc, R_OK) == 0)
                open_fail(libc, "", libc, "does not export kco_partitioner_plugin");
        else
                fprintf(stderr, "note: no %s; the missing-symbol check is skipped\n", libc);
        /* a configuration may be NULL */
        kco_err_t err;
        kco_plugin_t *pl = kco_plugin_open(region_so, NULL, &err);
        assert_null(pl);
        if (!strstr(err.msg, "region.map is required"))
                fail_msg("%s", err.msg);
}

static void test_abi(void **state) {
        (void)state;
        need_tp();
        open_fail(tp99_so, "", tp99_so, "ABI 99, this program speaks 1");
        open_fail(tp_so, "refuse=no thanks\n", tp_so, "test-plugin refused the configuration: no thanks");
        open_fail(tp_so, "refuse=\n", "test-plugin refused the configuration: (no reason given)", NULL);
}

/* ---- what the host passes and checks, through the test plugin ---- */

static void test_host_record(void **state) {
        (void)state;
        need_tp();
        fx_t f;
        fx_init(&f);
        fx_open(&f, tp_so, "out=@record\n");
        assert_string_equal(kco_plugin_name(f.pl), "test-plugin");
        kco_record_t r = {.topic = "orders", .partition = 3, .offset = 42, .timestamp = 1700000000000LL};
        r.raw_key = "k1";
        r.raw_key_len = 2;
        r.raw_value = "{}";
        r.raw_value_len = 2;
        assert_int_equal(kco_plugin_encode(f.pl, &r, &f.out, &f.err), 0);
        assert_string_equal(kco_buf_cstr(&f.out), "orders/3/42/1700000000000/k1/2/v");
        kco_plugin_close(f.pl);
        f.pl = NULL;
        fx_open(&f, tp_so, "a=1\nb=2\nout=@config\n");
        enc_ok(&f, "{}", "n=3");
        fx_free(&f);
}

static void field(fx_t *f, const char *path, const char *value, const char *want) {
        char cfg[256];
        kco_plugin_close(f->pl);
        snprintf(cfg, sizeof(cfg), "out=%s\n", path);
        fx_open(f, tp_so, cfg);
        if (want)
                enc_ok(f, value, want);
        else
                enc_fail(f, value, "test-plugin: no text for");
}

static void test_host_field_text(void **state) {
        (void)state;
        need_tp();
        fx_t f;
        fx_init(&f);
        static const char v[] = "{\"country\":\"FR\",\"n\":-3,\"big\":9007199254740993,\"ok\":true,\"no\":false,"
                                "\"ratio\":0.5,\"note\":null,\"addr\":{\"zip\":\"75001\",\"floor\":12},\"e\":\"\","
                                "\"list\":[1]}";
        field(&f, "@field:country", v, "f=FR");
        field(&f, "@field:n", v, "f=-3");
        field(&f, "@field:big", v, "f=9007199254740993");
        field(&f, "@field:ok", v, "f=true");
        field(&f, "@field:no", v, "f=false");
        field(&f, "@field:addr.zip", v, "f=75001");
        field(&f, "@field:addr.floor", v, "f=12");
        field(&f, "@field:e", v, "f=");
        field(&f, "@field:ratio", v, NULL); /* another type */
        field(&f, "@field:note", v, NULL);  /* null */
        field(&f, "@field:addr", v, NULL);  /* an object */
        field(&f, "@field:list", v, NULL);  /* an array */
        field(&f, "@field:nope", v, NULL);  /* missing */
        field(&f, "@field:addr.nope", v, NULL);
        field(&f, "@field:country.x", v, NULL);
        field(&f, "@field:note.x", v, NULL); /* below a null */
        field(&f, "@small:country", v, "f=FR"); /* cap 4: "FR" fits */
        field(&f, "@small:n", v, "f=-3");
        field(&f, "@small:addr.zip", v, NULL); /* "75001" does not: no truncation */
        field(&f, "@small:ok", v, NULL);
        enc_fail(&f, "\"text\"", "no text for");  /* not an object */
        enc_fail(&f, NULL, "no text for");        /* a tombstone */
        fx_free(&f);
}

static void out_check(fx_t *f, const char *out, const char *want) {
        char cfg[1400];
        kco_plugin_close(f->pl);
        snprintf(cfg, sizeof(cfg), "out=%s\n", out);
        fx_open(f, tp_so, cfg);
        if (!want)
                enc_ok(f, "{}", out);
        else
                enc_fail(f, "{}", want);
}

static void test_output_checks(void **state) {
        (void)state;
        need_tp();
        fx_t f;
        fx_init(&f);
        out_check(&f, "region=eu/day=1", NULL);
        out_check(&f, "a.b/c=.x./d", NULL);
        out_check(&f, "@fail", "test-plugin: refused this one");
        out_check(&f, "", "test-plugin: encoded partition \"\" refused: it is empty");
        out_check(&f, "/a", "encoded partition \"/a\" refused: it starts or ends with '/'");
        out_check(&f, "a/", "\"a/\" refused: it starts or ends with '/'");
        out_check(&f, "/", "starts or ends with '/'");
        out_check(&f, "a//b", "\"a//b\" refused: it contains \"//\"");
        out_check(&f, "a/../b", "\"a/../b\" refused: it contains \"..\"");
        out_check(&f, "..", "it contains \"..\"");
        out_check(&f, "a..b", "it contains \"..\"");
        out_check(&f, "a\\tb", "\"a\\x09b\" refused: it contains a control character");
        out_check(&f, "a\\u007fb", "\"a\\x7fb\" refused: it contains a control character");
        out_check(&f, "@nul", "\"ab\\x00cd\" refused: it contains a NUL");
        out_check(&f, "@long", "test-plugin: encoded partition longer than 1023 bytes");
        char big[1100];
        memset(big, 'x', 1023);
        big[1023] = '\0';
        out_check(&f, big, NULL); /* exactly 1023 bytes */
        big[1023] = 'x';
        big[1024] = '\0';
        out_check(&f, big, "longer than 1023 bytes");
        fx_free(&f);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_region),          cmocka_unit_test(test_region_field),
                cmocka_unit_test(test_region_config),   cmocka_unit_test(test_open_errors),
                cmocka_unit_test(test_abi),             cmocka_unit_test(test_host_record),
                cmocka_unit_test(test_host_field_text), cmocka_unit_test(test_output_checks),
        };
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
