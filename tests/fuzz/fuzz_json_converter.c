/*
 * fuzz_json_converter.c - libFuzzer target for the JSON converter
 * (kco_converter_json.c, kco_json_dom.c) and the JSON writer of typed values
 * (kco_json_write.c).
 *
 * Owns: nothing between runs. Single-threaded (libFuzzer's). Must never keep
 * state across inputs: each input gets its own converters.
 *
 * The first byte picks schemas.enable (bit 0); the rest is the message.
 * Invariants:
 *   - a conversion either succeeds or fails with a non-retriable data error;
 *     converting the same bytes again (a schema cache hit) gives the same;
 *   - every converted value renders (kco_json_write_value) to one line of
 *     JSON that kco_json_scan_valid accepts;
 *   - the rendering read back without schemas renders to the same text;
 *   - without schemas, JSON that kco_json_scan_valid accepts converts, unless
 *     it nests deeper than the converter allows or holds a number beyond
 *     float64; JSON we accept without \u escapes or a BOM (where we are more
 *     lenient: lone surrogates) is JSON kco_json_scan_valid accepts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/kco_converter.h"
#include "core/kco_buf.h"
#include "format/kco_json_scan.h"
#include "format/kco_json_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_die(const char *what, const char *detail) {
        fprintf(stderr, "fuzz_json_converter invariant broken: %s\n%s\n", what, detail ? detail : "");
        abort();
}

/* Converts [p, p+n); renders into out when it is a value. 1: value, 0: null, -1: error. */
static int convert_render(kco_converter_t *cv, kco_arena_t *arena, const char *p, size_t n, kco_buf_t *out,
                          kco_err_t *err) {
        kco_data_t d;
        kco_err_clear(err);
        out->len = 0;
        if (kco_converter_convert(cv, "t", p, n, arena, &d, err)) {
                if (err->code != KCO_ERR_DATA || err->retriable || !err->msg[0])
                        fuzz_die("a failure that is not a data error", err->msg);
                return -1;
        }
        if (d.type == KCO_DATA_NULL)
                return 0;
        if (d.type != KCO_DATA_VALUE || !d.v)
                fuzz_die("neither null nor a value", NULL);
        if (kco_json_write_value(d.v, out, err))
                fuzz_die("a converted value does not render", err->msg);
        if (memchr(out->data, '\n', out->len) || memchr(out->data, '\r', out->len))
                fuzz_die("rendering has a line break", kco_buf_cstr(out));
        if (!kco_json_scan_valid(out->data, out->len))
                fuzz_die("rendering is not valid JSON", kco_buf_cstr(out));
        return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size < 1)
                return 0;
        int schemas = data[0] & 1;
        const char *msg = (const char *)data + 1;
        size_t n = size - 1;
        kco_conf_t conf;
        memset(&conf, 0, sizeof(conf));
        conf.value_schemas_enable = schemas;
        kco_err_t err;
        kco_converter_t *cv = kco_converter_json_new(0, &conf, &err);
        conf.value_schemas_enable = 0;
        kco_converter_t *plain = kco_converter_json_new(0, &conf, &err);
        kco_arena_t *arena = kco_arena_new(4096);
        kco_buf_t a, b, c;
        kco_buf_init(&a);
        kco_buf_init(&b);
        kco_buf_init(&c);

        int r1 = convert_render(cv, arena, msg, n, &a, &err);
        if (!schemas) {
                int valid = kco_json_scan_valid(msg, n);
                if (valid && r1 < 0 && !strstr(err.msg, "nested") && !strstr(err.msg, "out of range for FLOAT64"))
                        fuzz_die("valid JSON rejected", err.msg);
                size_t ws = 0; /* empty or whitespace only: null, by choice */
                while (ws < n && (msg[ws] == ' ' || msg[ws] == '\t' || msg[ws] == '\r' || msg[ws] == '\n'))
                        ws++;
                int blank = ws == n;
                if (r1 >= 0 && !valid && !blank && !memmem(msg, n, "\\u", 2) &&
                    !(n >= 3 && !memcmp(msg, "\xef\xbb\xbf", 3)))
                        fuzz_die("invalid JSON accepted", NULL);
        }
        int r2 = convert_render(cv, arena, msg, n, &b, &err);
        if (r1 != r2 || a.len != b.len || (a.len && memcmp(a.data, b.data, a.len)))
                fuzz_die("a second conversion differs", NULL);
        if (r1 == 1) {
                /* a null with a schema renders as null, which reads back as null; non-string map keys add two
                 * levels of JSON nesting per map, which may exceed the converter's depth */
                int want = a.len == 4 && !memcmp(a.data, "null", 4) ? 0 : 1;
                int r3 = convert_render(plain, arena, a.data, a.len, &c, &err);
                if (r3 < 0 && strstr(err.msg, "nested"))
                        goto done;
                if (r3 != want)
                        fuzz_die("the rendering does not read back", err.msg);
                if (c.len != a.len || memcmp(a.data, c.data, a.len)) {
                        kco_buf_putc(&a, '\n');
                        kco_buf_append(&a, c.data, c.len);
                        fuzz_die("the rendering read back renders differently", kco_buf_cstr(&a));
                }
        }
done:
        kco_buf_free(&a);
        kco_buf_free(&b);
        kco_buf_free(&c);
        kco_arena_destroy(arena);
        kco_converter_destroy(cv);
        kco_converter_destroy(plain);
        return 0;
}
