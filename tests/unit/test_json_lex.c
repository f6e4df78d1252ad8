/*
 * test_json_lex.c - the JSON tokens shared by the DOM and the protobuf JSON
 * parser (kco_json_lex.c), and the DOM's checking without building
 * (kco_json_dom_check / kco_json_dom_skip): they must accept, reject and
 * report exactly as kco_json_dom_parse does. Also the short-key helpers of
 * core/kco_short.h.
 *
 * Strings are tried with every special byte (quote, backslash, control,
 * non-ASCII, invalid UTF-8) at every offset of the first 40 bytes, so both
 * the eight-bytes-at-a-time scan and the byte loop after it meet each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/kco_json_dom.h"
#include "convert/kco_json_lex.h"
#include "core/kco_short.h"

/* Texts whose parse and check must agree: valid, invalid, empty. */
static const char *const texts[] = {
        "",
        "  \n\t ",
        "\xef\xbb\xbf {\"a\":1}",
        "{}",
        "[]",
        "{\"a\":[1,2,{\"b\":null}],\"c\":\"d\\u00e9\\n\",\"e\":-0.5e+3,\"f\":true,\"g\":false}",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "[1,]",
        "[1 2]",
        "{\"a\":01}",
        "{\"a\":-}",
        "{\"a\":1.}",
        "{\"a\":1e}",
        "{\"a\":tru}",
        "{\"a\":nul}",
        "{\"a\":\"\\x\"}",
        "{\"a\":\"\\u12G4\"}",
        "{\"a\":\"tab\there\"}",
        "{\"a\":\"\xff\"}",
        "{\"a\":\"\xed\xa0\x80\"}",
        "{\"a\":\"unterminated",
        "{\"a\":1} x",
        "\"lone\"",
        "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
        ("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
         "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"),
};

static void test_check_agrees_with_parse(void **state) {
        (void)state;
        kco_json_dom_t dom;
        kco_json_dom_init(&dom);
        kco_arena_t *a = kco_arena_new(4096);
        for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
                for (int depth = 4; depth <= 64; depth *= 4) {
                        kco_err_t e1, e2;
                        kco_json_node_t root;
                        kco_err_clear(&e1);
                        kco_err_clear(&e2);
                        kco_arena_reset(a);
                        int r1 = kco_json_dom_parse(&dom, a, texts[i], strlen(texts[i]), depth, NULL, &root, &e1);
                        int r2 = kco_json_dom_check(texts[i], strlen(texts[i]), depth, &e2);
                        if (r1 != r2 || strcmp(e1.msg, e2.msg))
                                fail_msg("%s (depth %d)\n  parse %d %s\n  check %d %s", texts[i], depth, r1, e1.msg,
                                         r2, e2.msg);
                }
        }
        kco_arena_destroy(a);
        kco_json_dom_free(&dom);
}

/* kco_json_dom_skip moves past exactly one value, at any depth it is given. */
static void test_skip(void **state) {
        (void)state;
        kco_err_t err;
        kco_json_lex_t lx;
        const char *t = "{\"k\": [1, {\"x\": \"y\"}] , \"z\": 2}";
        kco_json_lex_init(&lx, t, strlen(t), &err);
        lx.p = strchr(t, '[');
        assert_int_equal(kco_json_dom_skip(&lx, 1, 100), 0);
        assert_string_equal(lx.p, " , \"z\": 2}");
        /* leading whitespace is skipped; a scalar is one value */
        lx.p = strchr(t, ':') + 1;
        assert_int_equal(kco_json_dom_skip(&lx, 1, 100), 0);
        assert_string_equal(lx.p, " , \"z\": 2}");
        lx.p = strrchr(t, ':') + 1;
        assert_int_equal(kco_json_dom_skip(&lx, 1, 100), 0);
        assert_string_equal(lx.p, "}");
        /* the depth counts from where the value sits */
        lx.p = strchr(t, '[');
        assert_int_equal(kco_json_dom_skip(&lx, 1, 2), -1);
        assert_string_equal(err.msg, "invalid JSON at byte 10: nested too deeply"); /* the inner { */
        lx.p = strchr(t, '[');
        assert_int_equal(kco_json_dom_skip(&lx, 0, 2), 0);
        /* errors point where the DOM's do */
        const char *bad = "[1, 2,]";
        kco_json_lex_init(&lx, bad, strlen(bad), &err);
        assert_int_equal(kco_json_dom_skip(&lx, 0, 10), -1);
        assert_string_equal(err.msg, "invalid JSON at byte 6: unexpected character");
}

/* A string with byte b at offset k of a body of n bytes (the rest 'a'). */
static size_t string_with(char *buf, size_t n, size_t k, const char *b, size_t bl) {
        size_t o = 0;
        buf[o++] = '"';
        for (size_t i = 0; i < n; i++) {
                if (i == k) {
                        memcpy(buf + o, b, bl);
                        o += bl;
                } else {
                        buf[o++] = 'a';
                }
        }
        buf[o++] = '"';
        buf[o] = '\0';
        return o;
}

static void test_strings_everywhere(void **state) {
        (void)state;
        static const struct {
                const char *b;
                size_t bl;
                int esc;          /* 1: escapes, -1: invalid */
                const char *dec;  /* decoded byte(s) */
        } cases[] = {
                {"\\\"", 2, 1, "\""},     {"\\\\", 2, 1, "\\"},      {"\\n", 2, 1, "\n"},
                {"\\u0041", 6, 1, "A"},   {"\xc3\xa9", 2, 0, "\xc3\xa9"}, {"\xe2\x82\xac", 3, 0, "\xe2\x82\xac"},
                {"\x01", 1, -1, NULL},    {"\xff", 1, -1, NULL},     {"\xc3", 1, -1, NULL},
                {"\\q", 2, -1, NULL},     {"\x7f", 1, 0, "\x7f"},    {" ", 1, 0, " "},
        };
        kco_err_t err;
        kco_arena_t *a = kco_arena_new(4096);
        char buf[128], want[128];
        for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
                for (size_t n = 1; n <= 40; n++) {
                        for (size_t k = 0; k < n; k++) {
                                size_t len = string_with(buf, n, k, cases[c].b, cases[c].bl);
                                /* the string, then more JSON after it */
                                memcpy(buf + len, ",1", 3);
                                kco_json_lex_t lx;
                                kco_json_lex_init(&lx, buf, len + 2, &err);
                                const char *body;
                                size_t bn;
                                int esc = kco_json_lex_string(&lx, &body, &bn);
                                if (esc != cases[c].esc)
                                        fail_msg("case %zu at %zu of %zu: %d, want %d (%s)", c, k, n, esc,
                                                 cases[c].esc, err.msg);
                                if (esc < 0) {
                                        assert_int_equal((size_t)(lx.p - buf), 1 + k); /* at the offending byte */
                                        continue;
                                }
                                assert_ptr_equal(lx.p, buf + len);
                                assert_ptr_equal(body, buf + 1);
                                assert_int_equal(bn, len - 2);
                                size_t dl = esc ? 0 : bn;
                                const char *d = esc ? kco_json_lex_unescape(a, body, bn, &dl) : body;
                                size_t wn = string_with(want, n, k, cases[c].dec, strlen(cases[c].dec));
                                assert_int_equal(dl, wn - 2);
                                assert_memory_equal(d, want + 1, dl);
                        }
                }
        }
        /* unterminated, at every length */
        for (size_t n = 0; n < 20; n++) {
                memset(buf, 'a', sizeof(buf));
                buf[0] = '"';
                kco_json_lex_t lx;
                kco_json_lex_init(&lx, buf, 1 + n, &err);
                const char *body;
                size_t bn;
                assert_int_equal(kco_json_lex_string(&lx, &body, &bn), -1);
                assert_ptr_equal(lx.p, buf + 1 + n);
                assert_non_null(strstr(err.msg, "unterminated string"));
        }
        kco_arena_destroy(a);
}

static void test_numbers_and_words(void **state) {
        (void)state;
        static const struct {
                const char *t;
                size_t len; /* of the number; 0: invalid */
                int integral;
        } cases[] = {
                {"0,", 1, 1},      {"-0}", 2, 1},   {"12345678901234567890]", 20, 1}, {"1.5 ", 3, 0},
                {"-1e5,", 4, 0},   {"1E+2", 4, 0},  {"01", 1, 1},                     {"-", 0, 0},
                {"1.", 0, 0},      {"1e", 0, 0},    {".5", 0, 0},                     {"1.5e-3x", 6, 0},
        };
        kco_err_t err;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                kco_json_lex_t lx;
                kco_json_lex_init(&lx, cases[i].t, strlen(cases[i].t), &err);
                const char *p;
                size_t n;
                int integral;
                int rc = kco_json_lex_number(&lx, &p, &n, &integral);
                if (!cases[i].len) {
                        assert_int_equal(rc, -1);
                        assert_non_null(strstr(err.msg, "invalid number"));
                        continue;
                }
                assert_int_equal(rc, 0);
                assert_int_equal(n, cases[i].len);
                assert_int_equal(integral, cases[i].integral);
                assert_ptr_equal(lx.p, cases[i].t + n);
        }
        kco_json_lex_t lx;
        kco_json_lex_init(&lx, "nul", 3, &err);
        assert_int_equal(kco_json_lex_word(&lx, "null", 4), -1);
        assert_string_equal(err.msg, "invalid JSON at byte 0: invalid literal");
        kco_json_lex_init(&lx, " \t\r\n x", 6, &err);
        kco_json_lex_ws(&lx);
        assert_int_equal(*lx.p, 'x');
        kco_json_lex_init(&lx, "\x01", 1, &err);
        kco_json_lex_ws(&lx); /* a control byte is no whitespace */
        assert_int_equal(*lx.p, 1);
}

static void test_short(void **state) {
        (void)state;
        uint8_t a[40], b[40], c[40];
        for (size_t n = 0; n <= 32; n++) {
                for (size_t i = 0; i < n; i++)
                        a[i] = b[i] = (uint8_t)(i * 7 + n);
                assert_true(kco_short_eq(a, b, n));
                for (size_t k = 0; k < n; k++) {
                        b[k] ^= 0x40;
                        assert_false(kco_short_eq(a, b, n));
                        b[k] ^= 0x40;
                }
                memset(c, 0xEE, sizeof(c));
                kco_short_copy(c, a, n);
                if (n)
                        assert_memory_equal(c, a, n);
                assert_int_equal(c[n], 0xEE); /* nothing written past n */
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_check_agrees_with_parse),
                cmocka_unit_test(test_skip),
                cmocka_unit_test(test_strings_everywhere),
                cmocka_unit_test(test_numbers_and_words),
                cmocka_unit_test(test_short),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
