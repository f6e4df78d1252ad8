/*
 * fuzz_props.c - libFuzzer target for the .properties reader (kco_props.c).
 *
 * Owns: nothing between runs; every map it builds is destroyed before
 * returning. Single-threaded (libFuzzer's). Must never: keep state across
 * inputs, or accept a difference between two parses of the same bytes.
 *
 * Checks, for arbitrary bytes:
 *   - parsing twice gives the same result (return code, message, entries);
 *   - on failure the map is untouched and the message is "line N: ...";
 *   - every key and value is a NUL-terminated string inside its allocation
 *     (ASan checks the strlen), no key repeats, and get(key) finds each one;
 *   - writing the map back out as escaped properties text and parsing that
 *     gives the same map (the writer lives here, independent of the parser);
 *   - copy() is equal, and unset() removes exactly one entry and keeps the
 *     others findable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_buf.h"
#include "worker/kco_props.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_props_die(const char *what) {
        fprintf(stderr, "fuzz_props invariant broken: %s\n", what);
        abort();
}

static void fuzz_props_same(const kco_props_t *a, const kco_props_t *b, const char *what) {
        if (kco_props_count(a) != kco_props_count(b))
                fuzz_props_die(what);
        for (size_t i = 0; i < kco_props_count(a); i++) {
                if (strcmp(kco_props_key(a, i), kco_props_key(b, i)) ||
                    strcmp(kco_props_value(a, i), kco_props_value(b, i)))
                        fuzz_props_die(what);
        }
}

/* Escapes s so that Properties.load reads it back unchanged. */
static void fuzz_props_escape(kco_buf_t *out, const char *s) {
        for (; *s; s++) {
                switch (*s) {
                case '\t':
                        kco_buf_puts(out, "\\t");
                        break;
                case '\n':
                        kco_buf_puts(out, "\\n");
                        break;
                case '\r':
                        kco_buf_puts(out, "\\r");
                        break;
                case '\f':
                        kco_buf_puts(out, "\\f");
                        break;
                case ' ':
                case '=':
                case ':':
                case '#':
                case '!':
                case '\\':
                        kco_buf_putc(out, '\\');
                        kco_buf_putc(out, *s);
                        break;
                default:
                        kco_buf_putc(out, *s);
                        break;
                }
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *text = (const char *)data;
        char err1[256], err2[256];

        kco_props_t *a = kco_props_new();
        kco_props_set(a, "pre.existing", "value");
        int r1 = kco_props_parse(a, text, size, NULL, err1, sizeof(err1));
        kco_props_t *b = kco_props_new();
        kco_props_set(b, "pre.existing", "value");
        int r2 = kco_props_parse(b, text, size, NULL, err2, sizeof(err2));

        if (r1 != r2)
                fuzz_props_die("two parses disagree on success");
        if (r1 != 0) {
                if (r1 != -1)
                        fuzz_props_die("return code not 0 / -1");
                if (strcmp(err1, err2))
                        fuzz_props_die("two parses give different messages");
                if (strncmp(err1, "line ", 5) || !strchr(err1, ':'))
                        fuzz_props_die("message is not 'line N: reason'");
                if (kco_props_count(a) != 1 || strcmp(kco_props_get(a, "pre.existing"), "value"))
                        fuzz_props_die("failed parse changed the map");
                kco_props_destroy(a);
                kco_props_destroy(b);
                return 0;
        }
        fuzz_props_same(a, b, "two parses give different maps");

        size_t n = kco_props_count(a);
        for (size_t i = 0; i < n; i++) {
                const char *k = kco_props_key(a, i), *v = kco_props_value(a, i);
                if (!k || !v)
                        fuzz_props_die("NULL key or value inside count");
                size_t kl = strlen(k), vl = strlen(v); /* ASan: inside the allocation */
                /* escapes only shrink: \uXXXX (6 bytes) gives at most 3 */
                if (strcmp(k, "pre.existing") && (kl > size || vl > size))
                        fuzz_props_die("entry longer than its input");
                if (kco_props_get(a, k) != v)
                        fuzz_props_die("get() does not find the entry");
        }
        if (kco_props_key(a, n) || kco_props_value(a, n))
                fuzz_props_die("entry past count");

        /* Round trip through an independent writer. */
        kco_buf_t t;
        kco_buf_init(&t);
        for (size_t i = 0; i < n; i++) {
                fuzz_props_escape(&t, kco_props_key(a, i));
                kco_buf_putc(&t, '=');
                fuzz_props_escape(&t, kco_props_value(a, i));
                kco_buf_putc(&t, (i & 1) ? '\n' : '\r');
                if (i % 3 == 0)
                        kco_buf_puts(&t, "# comment\r\n");
        }
        kco_props_t *c = kco_props_new();
        if (kco_props_parse(c, t.data ? t.data : "", t.len, "roundtrip", err1, sizeof(err1)))
                fuzz_props_die("written text does not parse");
        fuzz_props_same(a, c, "written text parses to a different map");
        kco_buf_free(&t);
        kco_props_destroy(c);

        c = kco_props_copy(a);
        fuzz_props_same(a, c, "copy differs");
        kco_props_destroy(c);

        /* Unset from the middle outwards; the rest stays findable. (Capped:
         * each unset is O(n), and big maps would slow the fuzzer down.) */
        for (int rounds = 0; kco_props_count(b) && rounds < 64; rounds++) {
                size_t before = kco_props_count(b), m = before / 2;
                char *k = kco_strdup(kco_props_key(b, m));
                if (kco_props_unset(b, k) != 1 || kco_props_get(b, k) ||
                    kco_props_count(b) != before - 1)
                        fuzz_props_die("unset failed");
                free(k);
                for (size_t i = 0; kco_props_count(b) < 64 && i < kco_props_count(b); i++) {
                        if (kco_props_get(b, kco_props_key(b, i)) != kco_props_value(b, i))
                                fuzz_props_die("entry lost after unset");
                }
        }
        kco_props_destroy(a);
        kco_props_destroy(b);
        return 0;
}
