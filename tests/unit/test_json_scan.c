/*
 * test_json_scan.c - unit tests for src/format/kco_json_scan.c: a table of
 * valid and invalid JSON texts (numbers, literals, escapes, UTF-8, nesting,
 * trailing garbage), the to-one-line copier, and the UTF-8 validator.
 * Owns: only the scratch copies it makes. Single-threaded.
 * Must never: hand the scanner table inputs with slack after them: each is
 * copied into an exactly-sized heap buffer so an ASan build (make test-asan)
 * catches any read past the end (test_length_bound adds slack on purpose).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "format/kco_json_scan.h"

typedef struct {
        const char *text;
        size_t len; /* 0: strlen(text) */
        int valid;
} json_case_t;

#define V(s) {s, sizeof(s) - 1, 1}
#define X(s) {s, sizeof(s) - 1, 0}

static const json_case_t json_cases[] = {
        /* numbers */
        V("0"), V("-0"), V("1"), V("-1"), V("123"), V("1e5"), V("1E5"), V("1e+5"), V("1e-5"),
        V("1E+05"), V("-0.0"), V("0.5"), V("1.5e10"), V("-1.25E-3"), V("0e0"), V("-0e-0"),
        V("12345678901234567890123456789"), V("1e999999"), V("0.000000000000000000001"),
        X("01"), X("-01"), X("00"), X("1."), X(".5"), X("-"), X("+1"), X("1e"), X("1e+"),
        X("1E-"), X("1.e5"), X("0x10"), X("1.5.5"), X("--1"), X("-a"), X("- 1"), X("1 2"),
        X("NaN"), X("Infinity"), X("-Infinity"), X("1f"), X("1.0e5.0"), X("0."), X("-."),
        X("1ee5"), X("1e5e5"), X("\xd9\xa1"),
        /* literals */
        V("true"), V("false"), V("null"), V(" true "), X("tru"), X("truex"), X("True"),
        X("nul"), X("nulll"), X("fals"), X("falsey"), X("undefined"), X("t"),
        /* strings and escapes */
        V("\"\""), V("\"abc\""), V("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\""),
        V("\"\\u0041\\u00e9\\uFFFF\\uabcd\""), V("\"\\uD83D\\uDE00\""), V("\"\\udbff\\udfff\""),
        V("\"\\u0000\""), V("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""), V("\"\x7f\""),
        V("\"\xf4\x8f\xbf\xbf\""), V("\"\xef\xbf\xbf\""), V("\"\xed\x9f\xbf\""), V("\"\xee\x80\x80\""),
        V("\"\xc2\x80\""), V("\"\xe0\xa0\x80\""), V("\"\xf0\x90\x80\x80\""), V("\"'\""),
        V("\"a long string that crosses several sixteen byte blocks: 0123456789abcdef\""),
        V("\"0123456789abcd\\n\""), V("\"0123456789abcde\\n\""), V("\"0123456789abcdef\\n\""),
        V("\"0123456789abcdefghijklmn\xc3\xa9xyz\""),
        X("\"abc"), X("\""), X("\"\\"), X("\"\\\""), X("\"\\x\""), X("\"\\a\""), X("\"\\'\""),
        X("\"\\U0041\""), X("\"\\u12\""), X("\"\\u12G4\""), X("\"\\u\""), X("\"\\u00"),
        X("\"\\uD800\""), X("\"\\uDC00\""), X("\"\\uD800\\u0041\""), X("\"\\uD800\\uD800\""),
        X("\"\\uDE00\\uD83D\""), X("\"\\uD800\\\\uDC00\""), X("\"\\uD800\\"), X("\"\\uD800\\uDC0"),
        X("\"a\x01b\""), X("\"a\nb\""), X("\"\t\""), X("\"\r\""), X("\"\x1f\""), X("'abc'"),
        X("\"0123456789abcdefghij\x1f\""), X("\"0123456789abcdefghij"),
        {"\"a\0b\"", 5, 0},
        /* bad UTF-8 inside strings */
        X("\"\xc0\xaf\""), X("\"\xc1\xbf\""), X("\"\xe0\x80\xaf\""), X("\"\xe0\x9f\xbf\""),
        X("\"\xed\xa0\x80\""), X("\"\xed\xbf\xbf\""), X("\"\xf0\x80\x80\x80\""),
        X("\"\xf0\x8f\xbf\xbf\""), X("\"\xf4\x90\x80\x80\""), X("\"\xf5\x80\x80\x80\""),
        X("\"\xf8\x88\x80\x80\x80\""), X("\"\x80\""), X("\"\xbf\""), X("\"\xc3\""), X("\"\xc3"),
        X("\"\xe2\x82\""), X("\"\xe2\x82"), X("\"\xf0\x9f\x98\""), X("\"\xff\""), X("\"\xfe\""),
        X("\"\xc3\x28\""), X("\"\xe2\x28\xa1\""), X("\"\xf0\x9f\x28\x80\""),
        X("\"0123456789abcdefghijklmn\xc3\x28\""),
        /* arrays and objects */
        V("[]"), V("{}"), V("[1,2,3]"), V("{\"a\":1}"), V("[[[]]]"), V("{\"\":\"\"}"),
        V("{\"a\":{\"b\":{\"c\":[true,false,null]}}}"), V("[0,-0,0e0,0E+0,0.0e-0]"),
        V(" \t\r\n{\"a\" : [ 1 , { } ] , \"b\"\t:\r\n\"c\" }\n "), V("[{}, [], \"\", 0]"),
        V("{\"a\":1,\"a\":2}"), V("[\"\\u00e9\", {\"\\u00e9\": \"\xc3\xa9\"}]"),
        X("[1,]"), X("[,1]"), X("[,]"), X("{\"a\":1,}"), X("{\"a\"}"), X("{\"a\":}"),
        X("{a:1}"), X("{1:1}"), X("{null:1}"), X("[1 2]"), X("{\"a\":1 \"b\":2}"),
        X("{\"a\" 1}"), X("{\"a\"::1}"), X("{,}"), X("{\"a\":1,,\"b\":2}"), X("["), X("]"),
        X("{"), X("}"), X("[}"), X("{]"), X("[1}"), X("{\"a\":1]"), X("[[]"), X("[]]"),
        X("{\"a\":[}"), X("{\"a\":{\"b\":1}"), X("[\"a\",]"), X("[1:2]"), X("{\"a\",\"b\"}"),
        /* top level: whitespace, emptiness and trailing garbage */
        X(""), X(" "), X("\t\r\n "), X("{} {}"), X("[] x"), X("\"a\"\"b\""), X("1,"), X("{},"),
        X("\v1"), X("\f1"), X("1\v"), X("\xef\xbb\xbf{}"), X("/* c */ 1"), X("1 // c"),
        {"1\0", 2, 0}, {"\0", 1, 0}, {"{}\0", 3, 0},
        V("  1  "), V("\n\n{}\r\n"), V("\r\"x\"\t"),
};

static int scan_exact(const char *text, size_t len) {
        char *copy = malloc(len ? len : 1);
        assert_non_null(copy);
        memcpy(copy, text, len);
        int r = kco_json_scan_valid(copy, len);
        free(copy);
        return r;
}

static void test_table(void **state) {
        (void)state;
        size_t n = sizeof(json_cases) / sizeof(json_cases[0]);
        int fails = 0;
        for (size_t i = 0; i < n; i++) {
                const json_case_t *c = &json_cases[i];
                int got = scan_exact(c->text, c->len);
                if (got != c->valid) {
                        print_error("case %zu: expected %s, got %s: '%.*s'\n", i,
                                    c->valid ? "valid" : "invalid", got ? "valid" : "invalid",
                                    (int)c->len, c->text);
                        fails++;
                }
        }
        print_message("%zu JSON cases\n", n);
        assert_true(n >= 60);
        assert_int_equal(fails, 0);
}

/* Every proper prefix of a valid compound document is invalid. */
static void test_prefixes(void **state) {
        (void)state;
        static const char doc[] = "{\"k\":[1,-2.5e+3,true,false,null,\"s\\u00e9\\n\xc3\xa9\","
                                  "{\"x\":{}}],\"e\":[]}";
        size_t n = sizeof(doc) - 1;
        assert_int_equal(scan_exact(doc, n), 1);
        for (size_t i = 0; i < n; i++) {
                if (scan_exact(doc, i))
                        fail_msg("prefix of length %zu accepted", i);
        }
}

/* Only [p, p+n) is looked at. */
static void test_length_bound(void **state) {
        (void)state;
        assert_int_equal(kco_json_scan_valid("[1]garbage", 3), 1);
        assert_int_equal(kco_json_scan_valid("123456", 3), 1);
        assert_int_equal(kco_json_scan_valid("truex", 4), 1);
        assert_int_equal(kco_json_scan_valid("\"abc\"", 4), 0);
        assert_int_equal(kco_json_scan_valid("1e5", 2), 0);
        assert_int_equal(kco_json_scan_valid("", 0), 0);
        /* an empty record value may come as (NULL, 0) */
        assert_int_equal(kco_json_scan_valid(NULL, 0), 0);
        assert_int_equal(kco_utf8_valid(NULL, 0), 1);
        kco_buf_t b;
        kco_buf_init(&b);
        kco_json_scan_to_line(NULL, 0, &b);
        assert_int_equal(b.len, 0);
        kco_buf_free(&b);
}

static char *nest(const char *open, const char *mid, const char *close, int depth, size_t *len) {
        size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close);
        size_t n = (size_t)depth * (lo + lc) + lm;
        char *s = malloc(n);
        assert_non_null(s);
        size_t k = 0;
        for (int i = 0; i < depth; i++, k += lo)
                memcpy(s + k, open, lo);
        memcpy(s + k, mid, lm);
        k += lm;
        for (int i = 0; i < depth; i++, k += lc)
                memcpy(s + k, close, lc);
        *len = n;
        return s;
}

static void test_depth(void **state) {
        (void)state;
        size_t n;
        char *s;
        s = nest("[", "", "]", KCO_JSON_SCAN_MAX_DEPTH, &n);
        assert_int_equal(kco_json_scan_valid(s, n), 1);
        free(s);
        s = nest("[", "", "]", KCO_JSON_SCAN_MAX_DEPTH + 1, &n);
        assert_int_equal(kco_json_scan_valid(s, n), 0);
        free(s);
        s = nest("{\"a\":", "1", "}", KCO_JSON_SCAN_MAX_DEPTH, &n);
        assert_int_equal(kco_json_scan_valid(s, n), 1);
        free(s);
        s = nest("{\"a\":", "1", "}", KCO_JSON_SCAN_MAX_DEPTH + 1, &n);
        assert_int_equal(kco_json_scan_valid(s, n), 0);
        free(s);
        /* alternating containers: the bit stack must remember each level */
        s = nest("[{\"k\":", "[]", "}]", KCO_JSON_SCAN_MAX_DEPTH / 2 - 1, &n);
        assert_int_equal(kco_json_scan_valid(s, n), 1);
        free(s);
        s = nest("[{\"k\":", "[]", "]}", 3, &n); /* wrong closers */
        assert_int_equal(kco_json_scan_valid(s, n), 0);
        free(s);
        s = nest("[ { \"k\" : ", "{}", " } , 1 ]", 200, &n);
        assert_int_equal(kco_json_scan_valid(s, n), 1);
        free(s);
        /* 100000 levels is rejected without recursion */
        s = nest("[", "", "]", 100000, &n);
        assert_int_equal(kco_json_scan_valid(s, n), 0);
        free(s);
        /* after popping out of deep nesting, siblings work */
        static const char mixed[] = "{\"a\":[[{\"b\":[]},{}],[]],\"c\":{\"d\":[1,{\"e\":2}]},\"f\":3}";
        assert_int_equal(scan_exact(mixed, sizeof(mixed) - 1), 1);
}

/* Long strings with the interesting byte at every offset around the 16-byte
 * block boundaries of the fast path. */
static void test_string_offsets(void **state) {
        (void)state;
        static const struct {
                const char *ins;
                int valid;
        } ins[] = {
                {"\\n", 1},      {"\\u00e9", 1},  {"\xc3\xa9", 1}, {"\xf0\x9f\x98\x80", 1},
                {"\\\"", 1},     {"\x01", 0},     {"\xc3", 0},     {"\xed\xa0\x80", 0},
                {"\\q", 0},      {"\x7f", 1},     {"\\uD83D\\uDE00", 1}, {"\\uD83D", 0},
        };
        char buf[128];
        for (size_t k = 0; k < sizeof(ins) / sizeof(ins[0]); k++) {
                for (size_t pre = 0; pre < 40; pre++) {
                        for (size_t post = 0; post < 20; post += 3) {
                                size_t n = 0;
                                buf[n++] = '"';
                                memset(buf + n, 'a', pre);
                                n += pre;
                                size_t li = strlen(ins[k].ins);
                                memcpy(buf + n, ins[k].ins, li);
                                n += li;
                                memset(buf + n, 'b', post);
                                n += post;
                                buf[n++] = '"';
                                int got = scan_exact(buf, n);
                                if (got != ins[k].valid)
                                        fail_msg("insert %zu at %zu (+%zu): got %d", k, pre, post,
                                                 got);
                                /* and unterminated is always invalid */
                                assert_int_equal(scan_exact(buf, n - 1), 0);
                        }
                }
        }
}

static void check_line(const char *in, const char *want) {
        size_t n = strlen(in);
        assert_int_equal(scan_exact(in, n), 1);
        kco_buf_t b;
        kco_buf_init(&b);
        kco_buf_puts(&b, "prefix|");
        kco_json_scan_to_line(in, n, &b);
        assert_int_equal(b.len, 7 + strlen(want));
        assert_memory_equal(b.data, "prefix|", 7);
        assert_memory_equal(b.data + 7, want, strlen(want));
        assert_null(memchr(b.data, '\n', b.len));
        assert_null(memchr(b.data, '\r', b.len));
        assert_int_equal(kco_json_scan_valid(b.data + 7, b.len - 7), 1);
        kco_buf_free(&b);
}

static void test_to_line(void **state) {
        (void)state;
        check_line("{\"a\":1}", "{\"a\":1}");
        check_line("  1  ", "1");
        check_line("\r\n\t \"x\" \t\r\n", "\"x\"");
        check_line("{\r\n  \"a\": 1,\r\n  \"b\": [1,\n2]\r\n}\r\n",
                   "{    \"a\": 1,    \"b\": [1, 2]  }");
        check_line("[\r\r\n\n1]", "[    1]");
        /* escaped line ends inside strings stay escaped */
        check_line("{\"s\":\"line1\\nline2\\r\\n\"}\n", "{\"s\":\"line1\\nline2\\r\\n\"}");
        check_line("\t[\t1\t]\t", "[\t1\t]");

        /* appending to an empty buffer, and a long value */
        kco_buf_t b;
        kco_buf_init(&b);
        char big[4096];
        size_t n = 0;
        big[n++] = '[';
        while (n < sizeof(big) - 8) {
                memcpy(big + n, "1,\r\n", 4);
                n += 4;
        }
        big[n++] = '2';
        big[n++] = ']';
        assert_int_equal(kco_json_scan_valid(big, n), 1);
        kco_json_scan_to_line(big, n, &b);
        assert_int_equal(b.len, n);
        assert_null(memchr(b.data, '\n', b.len));
        assert_null(memchr(b.data, '\r', b.len));
        assert_int_equal(kco_json_scan_valid(b.data, b.len), 1);
        kco_buf_free(&b);
}

static int utf8_exact(const char *s, size_t n) {
        char *copy = malloc(n ? n : 1);
        assert_non_null(copy);
        memcpy(copy, s, n);
        int r = kco_utf8_valid(copy, n);
        free(copy);
        return r;
}

#define U8(s) utf8_exact(s, sizeof(s) - 1)

static void test_utf8(void **state) {
        (void)state;
        assert_int_equal(U8(""), 1);
        assert_int_equal(U8("plain ascii"), 1);
        assert_int_equal(U8("\0\x01\x7f"), 1);
        assert_int_equal(U8("\xc2\x80\xdf\xbf"), 1);
        assert_int_equal(U8("\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf"), 1);
        assert_int_equal(U8("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"), 1);
        assert_int_equal(U8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), 1);
        assert_int_equal(U8("\x80"), 0);
        assert_int_equal(U8("\xc0\x80"), 0);
        assert_int_equal(U8("\xc1\xbf"), 0);
        assert_int_equal(U8("\xe0\x9f\xbf"), 0);
        assert_int_equal(U8("\xed\xa0\x80"), 0);
        assert_int_equal(U8("\xed\xbf\xbf"), 0);
        assert_int_equal(U8("\xf0\x8f\xbf\xbf"), 0);
        assert_int_equal(U8("\xf4\x90\x80\x80"), 0);
        assert_int_equal(U8("\xf5\x80\x80\x80"), 0);
        assert_int_equal(U8("\xff"), 0);
        assert_int_equal(U8("\xc3"), 0);
        assert_int_equal(U8("\xe2\x82"), 0);
        assert_int_equal(U8("\xf0\x9f\x98"), 0);
        assert_int_equal(U8("\xc3\x28"), 0);
        assert_int_equal(U8("\xe2\x82\x28"), 0);
        /* the bad byte at every offset of a long run (fast path and tail) */
        char buf[80];
        for (size_t at = 0; at < 60; at++) {
                memset(buf, 'a', sizeof(buf));
                buf[at] = (char)0xC3;
                buf[at + 1] = (char)0xA9;
                assert_int_equal(utf8_exact(buf, at + 2), 1);
                assert_int_equal(utf8_exact(buf, sizeof(buf)), 1);
                assert_int_equal(utf8_exact(buf, at + 1), 0);
                buf[at + 1] = 'x';
                assert_int_equal(utf8_exact(buf, sizeof(buf)), 0);
                buf[at] = (char)0x80;
                assert_int_equal(utf8_exact(buf, sizeof(buf)), 0);
        }
}

/* Every lone byte value, in a string and as UTF-8. */
static void test_all_bytes(void **state) {
        (void)state;
        for (int c = 0; c < 256; c++) {
                char s[3] = {'"', (char)c, '"'};
                int want = c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
                if (scan_exact(s, 3) != want)
                        fail_msg("byte 0x%02x in a string", c);
                assert_int_equal(utf8_exact(s + 1, 1), c < 0x80);
                char t[1] = {(char)c};
                int top = c >= '0' && c <= '9';
                if (scan_exact(t, 1) != top)
                        fail_msg("byte 0x%02x alone", c);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),         cmocka_unit_test(test_prefixes),
                cmocka_unit_test(test_length_bound),  cmocka_unit_test(test_depth),
                cmocka_unit_test(test_string_offsets), cmocka_unit_test(test_to_line),
                cmocka_unit_test(test_utf8),          cmocka_unit_test(test_all_bytes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
