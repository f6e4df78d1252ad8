/*
 * test_props.c - unit tests for src/worker/kco_props.c: the ordered map and
 * the java.util.Properties reader (separators, comments, continuation lines,
 * every escape, line ends, duplicates, errors and their line numbers).
 * Owns: the maps and the temporary file each test creates. Single-threaded.
 * Must never: depend on test order, or leave files behind in /tmp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "worker/kco_props.h"

/* Parses text (length from strlen unless given) and asserts success. */
static kco_props_t *parse_ok_n(const char *text, size_t len) {
        kco_props_t *p = kco_props_new();
        char err[256] = "";
        int r = kco_props_parse(p, text, len, NULL, err, sizeof(err));
        if (r != 0)
                fail_msg("parse failed: %s", err);
        return p;
}

static kco_props_t *parse_ok(const char *text) {
        return parse_ok_n(text, strlen(text));
}

/* Parses text, asserts failure with exactly the expected message. */
static void parse_err(const char *text, const char *origin, const char *want) {
        kco_props_t *p = kco_props_new();
        kco_props_set(p, "pre", "existing");
        char err[256] = "";
        int r = kco_props_parse(p, text, strlen(text), origin, err, sizeof(err));
        assert_int_equal(r, -1);
        assert_string_equal(err, want);
        /* a failed parse leaves the map as it was */
        assert_int_equal(kco_props_count(p), 1);
        assert_string_equal(kco_props_get(p, "pre"), "existing");
        kco_props_destroy(p);
}

static void assert_prop(const kco_props_t *p, const char *k, const char *v) {
        const char *got = kco_props_get(p, k);
        if (!got)
                fail_msg("key '%s' missing", k);
        assert_string_equal(got, v);
}

/* ---------------------------------------------------------------- map */

static void test_map_basic(void **state) {
        (void)state;
        kco_props_t *p = kco_props_new();
        assert_int_equal(kco_props_count(p), 0);
        assert_null(kco_props_get(p, "a"));
        assert_null(kco_props_key(p, 0));
        assert_null(kco_props_value(p, 0));
        kco_props_set(p, "a", "1");
        kco_props_set(p, "b", "2");
        kco_props_set(p, "c", "3");
        assert_int_equal(kco_props_count(p), 3);
        kco_props_set(p, "a", "one"); /* replace keeps position */
        assert_int_equal(kco_props_count(p), 3);
        assert_string_equal(kco_props_key(p, 0), "a");
        assert_string_equal(kco_props_value(p, 0), "one");
        assert_string_equal(kco_props_key(p, 2), "c");
        assert_int_equal(kco_props_unset(p, "b"), 1);
        assert_int_equal(kco_props_unset(p, "b"), 0);
        assert_int_equal(kco_props_unset(p, "zz"), 0);
        assert_int_equal(kco_props_count(p), 2);
        assert_string_equal(kco_props_key(p, 1), "c");
        assert_null(kco_props_get(p, "b"));
        assert_string_equal(kco_props_get(p, "c"), "3");
        kco_props_set(p, "b", "again"); /* re-added at the end */
        assert_string_equal(kco_props_key(p, 2), "b");
        kco_props_set(p, "", "empty key");
        assert_string_equal(kco_props_get(p, ""), "empty key");
        kco_props_destroy(p);
        kco_props_destroy(NULL);
}

static void test_map_aliasing(void **state) {
        (void)state;
        kco_props_t *p = kco_props_new();
        kco_props_set(p, "k", "value");
        kco_props_set(p, "k", kco_props_get(p, "k")); /* value aliases the old one */
        assert_string_equal(kco_props_get(p, "k"), "value");
        kco_props_set(p, kco_props_key(p, 0), "v2"); /* key aliases the stored key */
        assert_string_equal(kco_props_get(p, "k"), "v2");
        assert_int_equal(kco_props_unset(p, kco_props_key(p, 0)), 1);
        assert_int_equal(kco_props_count(p), 0);
        kco_props_destroy(p);
}

static void test_map_many(void **state) {
        (void)state;
        kco_props_t *p = kco_props_new();
        char k[32], v[32];
        for (int i = 0; i < 2000; i++) {
                snprintf(k, sizeof(k), "key.%d", i);
                snprintf(v, sizeof(v), "%d", i * 7);
                kco_props_set(p, k, v);
        }
        assert_int_equal(kco_props_count(p), 2000);
        for (int i = 0; i < 2000; i += 2) {
                snprintf(k, sizeof(k), "key.%d", i);
                assert_int_equal(kco_props_unset(p, k), 1);
        }
        assert_int_equal(kco_props_count(p), 1000);
        for (int i = 0; i < 2000; i++) {
                snprintf(k, sizeof(k), "key.%d", i);
                snprintf(v, sizeof(v), "%d", i * 7);
                if (i % 2)
                        assert_string_equal(kco_props_get(p, k), v);
                else
                        assert_null(kco_props_get(p, k));
        }
        /* order survives removals */
        for (size_t i = 0; i < kco_props_count(p); i++) {
                snprintf(k, sizeof(k), "key.%zu", 2 * i + 1);
                assert_string_equal(kco_props_key(p, i), k);
        }
        kco_props_destroy(p);
}

static void test_map_copy(void **state) {
        (void)state;
        kco_props_t *p = kco_props_new();
        kco_props_set(p, "x", "1");
        kco_props_set(p, "y", "2");
        kco_props_t *c = kco_props_copy(p);
        kco_props_set(p, "x", "changed");
        kco_props_unset(p, "y");
        assert_int_equal(kco_props_count(c), 2);
        assert_string_equal(kco_props_key(c, 0), "x");
        assert_string_equal(kco_props_get(c, "x"), "1");
        assert_string_equal(kco_props_get(c, "y"), "2");
        kco_props_destroy(p);
        kco_props_destroy(c);
}

/* ---------------------------------------------------------- separators */

static void test_separators(void **state) {
        (void)state;
        kco_props_t *p = parse_ok("a=1\n"
                                  "b:2\n"
                                  "c 3\n"
                                  "d = 4\n"
                                  "e : 5\n"
                                  "f\t6\n"
                                  "g\f7\n"
                                  "h   \t  8\n"
                                  "novalue\n"
                                  "novalue2=\n"
                                  "novalue3 :  \n"
                                  "   indented = yes\n");
        assert_prop(p, "a", "1");
        assert_prop(p, "b", "2");
        assert_prop(p, "c", "3");
        assert_prop(p, "d", "4");
        assert_prop(p, "e", "5");
        assert_prop(p, "f", "6");
        assert_prop(p, "g", "7");
        assert_prop(p, "h", "8");
        assert_prop(p, "novalue", "");
        assert_prop(p, "novalue2", "");
        assert_prop(p, "novalue3", "");
        assert_prop(p, "indented", "yes");
        assert_int_equal(kco_props_count(p), 12);
        kco_props_destroy(p);
}

static void test_separator_subtleties(void **state) {
        (void)state;
        kco_props_t *p = parse_ok("k1 = = v\n"     /* only one separator is eaten */
                                  "k2:=v\n"        /* ':' is the separator, '=' is value */
                                  "k3==v\n"
                                  "k4 v=w\n"       /* whitespace separates, '=' is value */
                                  "k5  :  : v\n"
                                  "k6=v  \t\n"     /* trailing whitespace is kept */
                                  "k7=a b  c\n"
                                  "k8 =\n"
                                  "=empty key\n"
                                  "k9\t:\tv\n");
        assert_prop(p, "k1", "= v");
        assert_prop(p, "k2", "=v");
        assert_prop(p, "k3", "=v");
        assert_prop(p, "k4", "v=w");
        assert_prop(p, "k5", ": v");
        assert_prop(p, "k6", "v  \t");
        assert_prop(p, "k7", "a b  c");
        assert_prop(p, "k8", "");
        assert_prop(p, "", "empty key");
        assert_prop(p, "k9", "v");
        kco_props_destroy(p);
        p = parse_ok(":colon first");
        assert_prop(p, "", "colon first");
        kco_props_destroy(p);
}

/* ------------------------------------------------------------ comments */

static void test_comments(void **state) {
        (void)state;
        kco_props_t *p = parse_ok("# hash comment\n"
                                  "! bang comment\n"
                                  "   # indented comment\n"
                                  "\t! indented bang\n"
                                  "#no=entry\n"
                                  "# comment ending in backslash \\\n"
                                  "after=comment\n"
                                  "k=v # not a comment\n"
                                  "k2=v ! nor this\n"
                                  "#\n"
                                  "!\n");
        assert_int_equal(kco_props_count(p), 3);
        assert_prop(p, "after", "comment");
        assert_prop(p, "k", "v # not a comment");
        assert_prop(p, "k2", "v ! nor this");
        assert_null(kco_props_get(p, "#no"));
        kco_props_destroy(p);

        /* a comment as the last line without a newline */
        p = parse_ok("a=1\n# trailing");
        assert_int_equal(kco_props_count(p), 1);
        kco_props_destroy(p);
}

static void test_blank_lines(void **state) {
        (void)state;
        kco_props_t *p = parse_ok("\n\n   \n\t\f\n\r\n\ra=1\n\n\n   \nb=2\n   ");
        assert_int_equal(kco_props_count(p), 2);
        assert_prop(p, "a", "1");
        assert_prop(p, "b", "2");
        kco_props_destroy(p);
        p = parse_ok("");
        assert_int_equal(kco_props_count(p), 0);
        kco_props_destroy(p);
        p = parse_ok("   \t  ");
        assert_int_equal(kco_props_count(p), 0);
        assert_int_equal(kco_props_parse(p, NULL, 0, NULL, NULL, 0), 0);
        assert_int_equal(kco_props_count(p), 0);
        kco_props_destroy(p);
}

/* -------------------------------------------------------- continuation */

static void test_continuation(void **state) {
        (void)state;
        kco_props_t *p = parse_ok("k=a\\\n"
                                  "     b\\\n"
                                  "\t\fc\n"
                                  "next=1\n");
        assert_prop(p, "k", "abc");
        assert_prop(p, "next", "1");
        kco_props_destroy(p);

        /* the whitespace before the backslash is kept */
        p = parse_ok("k=one \\\n   two");
        assert_prop(p, "k", "one two");
        kco_props_destroy(p);

        /* even number of backslashes: an escaped backslash, no continuation */
        p = parse_ok("k=a\\\\\nb=c");
        assert_prop(p, "k", "a\\");
        assert_prop(p, "b", "c");
        kco_props_destroy(p);

        /* three: escaped backslash plus continuation */
        p = parse_ok("k=a\\\\\\\n  b");
        assert_prop(p, "k", "a\\b");
        kco_props_destroy(p);

        /* four: two escaped backslashes */
        p = parse_ok("k=a\\\\\\\\\nb=1");
        assert_prop(p, "k", "a\\\\");
        assert_prop(p, "b", "1");
        kco_props_destroy(p);

        /* a continued line starting with # is not a comment */
        p = parse_ok("k=a\\\n  #b\n");
        assert_prop(p, "k", "a#b");
        kco_props_destroy(p);

        /* an empty or whitespace-only continued line ends the logical line */
        p = parse_ok("k=a\\\n\nb=1\nk2=x\\\n    \nc=2");
        assert_prop(p, "k", "a");
        assert_prop(p, "b", "1");
        assert_prop(p, "k2", "x");
        assert_prop(p, "c", "2");
        assert_int_equal(kco_props_count(p), 4);
        kco_props_destroy(p);

        /* continuation inside the key, and before the separator */
        p = parse_ok("ke\\\n   y=v\nk2\\\n  = v2\n");
        assert_prop(p, "key", "v");
        assert_prop(p, "k2", "v2");
        kco_props_destroy(p);

        /* continuation with CRLF and CR line ends */
        p = parse_ok("k=a\\\r\n  b\r\nk2=c\\\r  d\rk3=e");
        assert_prop(p, "k", "ab");
        assert_prop(p, "k2", "cd");
        assert_prop(p, "k3", "e");
        assert_int_equal(kco_props_count(p), 3);
        kco_props_destroy(p);

        /* a \u escape split over a continuation */
        p = parse_ok("k=\\u00\\\n   41");
        assert_prop(p, "k", "A");
        kco_props_destroy(p);

        /* a continuation line can itself carry a separator-less key tail */
        p = parse_ok("multi\\\nline\\\nkey value");
        assert_prop(p, "multilinekey", "value");
        kco_props_destroy(p);
}

static void test_continuation_at_eof(void **state) {
        (void)state;
        kco_props_t *p = parse_ok("k=v\\");
        assert_prop(p, "k", "v");
        kco_props_destroy(p);
        p = parse_ok("k=v\\\n");
        assert_prop(p, "k", "v");
        kco_props_destroy(p);
        p = parse_ok("k=v\\\n    ");
        assert_prop(p, "k", "v");
        kco_props_destroy(p);
        /* Properties.load (Java 9+) quirk: a lone backslash at the end of
         * input, or followed by a one-byte line end that ends the input,
         * is an empty line and yields the entry "" = "" ... */
        p = parse_ok("a=1\n\\");
        assert_int_equal(kco_props_count(p), 2);
        assert_prop(p, "", "");
        kco_props_destroy(p);
        p = parse_ok("a=1\n  \\\n");
        assert_int_equal(kco_props_count(p), 2);
        assert_prop(p, "", "");
        kco_props_destroy(p);
        p = parse_ok("a=1\n\\\r");
        assert_int_equal(kco_props_count(p), 2);
        kco_props_destroy(p);
        /* ... but not after CRLF, or when anything follows */
        p = parse_ok("a=1\n\\\r\n");
        assert_int_equal(kco_props_count(p), 1);
        kco_props_destroy(p);
        p = parse_ok("a=1\n\\\n   ");
        assert_int_equal(kco_props_count(p), 1);
        kco_props_destroy(p);
        p = parse_ok("\\\n\nb=2");
        assert_int_equal(kco_props_count(p), 1);
        assert_prop(p, "b", "2");
        kco_props_destroy(p);
}

static void test_continuation_of_nothing(void **state) {
        (void)state;
        /* A continuation that has collected nothing yet starts afresh: the
         * next line can be a comment or a blank line. */
        kco_props_t *p = parse_ok("\\\n#x=1\n  \\\n   !y=2\n\\\n\n\n   z=3\n");
        assert_int_equal(kco_props_count(p), 1);
        assert_prop(p, "z", "3");
        kco_props_destroy(p);
        /* once something is collected, # is an ordinary character */
        p = parse_ok("k\\\n#x=1\n");
        assert_prop(p, "k#x", "1");
        kco_props_destroy(p);
        /* and line numbers keep counting */
        parse_err("\\\n\\\n\nk=\\uZ", NULL, "line 4: malformed \\uXXXX escape");
}

/* ------------------------------------------------------------- escapes */

static void test_escapes(void **state) {
        (void)state;
        kco_props_t *p = parse_ok("k=\\t|\\n|\\r|\\f|\\\\|\\=|\\:|\\#|\\!|\\ |\\q|\\b|\\\"|\\'\n");
        assert_prop(p, "k", "\t|\n|\r|\f|\\|=|:|#|!| |q|b|\"|'");
        kco_props_destroy(p);

        /* escaped separators and whitespace inside keys */
        p = parse_ok("a\\=b\\:c\\ d\\\te = v\n"
                     "\\#not\\!comment=1\n"
                     "\\ lead=2\n"
                     "tab\\tkey=3\n");
        assert_prop(p, "a=b:c d\te", "v");
        assert_prop(p, "#not!comment", "1");
        assert_prop(p, " lead", "2");
        assert_prop(p, "tab\tkey", "3");
        kco_props_destroy(p);

        /* an escaped space keeps leading whitespace of a value */
        p = parse_ok("k=\\  v\nk2 = \\ \\ x");
        assert_prop(p, "k", "  v");
        assert_prop(p, "k2", "  x");
        kco_props_destroy(p);

        /* \# and \! at line start make a key, not a comment */
        p = parse_ok("\\#k=v\n\\!k=w\n");
        assert_prop(p, "#k", "v");
        assert_prop(p, "!k", "w");
        kco_props_destroy(p);

        /* Windows paths need doubled backslashes, as in Java */
        p = parse_ok("path=C:\\\\dir\\\\file\nbad=C:\\dir\\file");
        assert_prop(p, "path", "C:\\dir\\file");
        assert_prop(p, "bad", "C:dir\file"); /* \d -> d, \f -> form feed */
        kco_props_destroy(p);
}

static void test_unicode_escapes(void **state) {
        (void)state;
        kco_props_t *p = parse_ok("a=\\u0041\\u0062\n"
                                  "b=\\u00e9\\u00E9\n"
                                  "c=\\u20AC\n"
                                  "d=\\uD83D\\uDE00\n"
                                  "e=\\u007f\\u0080\\u07FF\\u0800\\uFFFF\n"
                                  "\\u006Bey=in key\n"
                                  "f=\\uDBFF\\uDFFF\n"
                                  "g=\\u0020lead\n");
        assert_prop(p, "a", "Ab");
        assert_prop(p, "b", "\xc3\xa9\xc3\xa9");
        assert_prop(p, "c", "\xe2\x82\xac");
        assert_prop(p, "d", "\xf0\x9f\x98\x80");
        assert_prop(p, "e", "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf");
        assert_prop(p, "key", "in key");
        assert_prop(p, "f", "\xf4\x8f\xbf\xbf");
        assert_prop(p, "g", " lead");
        kco_props_destroy(p);
}

static void test_raw_bytes(void **state) {
        (void)state;
        /* bytes are taken as they are: UTF-8 stays UTF-8 */
        kco_props_t *p = parse_ok("caf\xc3\xa9=cr\xc3\xa8me\nraw=\xff\xfe");
        assert_prop(p, "caf\xc3\xa9", "cr\xc3\xa8me");
        assert_prop(p, "raw", "\xff\xfe");
        kco_props_destroy(p);
}

/* ---------------------------------------------------------- line ends */

static void test_line_ends(void **state) {
        (void)state;
        kco_props_t *p = parse_ok("a=1\r\nb=2\rc=3\nd=4\r\r\ne=5\n\rf=6");
        assert_int_equal(kco_props_count(p), 6);
        assert_prop(p, "a", "1");
        assert_prop(p, "b", "2");
        assert_prop(p, "c", "3");
        assert_prop(p, "d", "4");
        assert_prop(p, "e", "5");
        assert_prop(p, "f", "6");
        kco_props_destroy(p);
        /* line counting: CRLF is one line end, CR alone is one, LF CR is two */
        parse_err("a=1\r\nb=2\r\nc=\\uXYZW\n", NULL, "line 3: malformed \\uXXXX escape");
        parse_err("a=1\rb=2\rc=\\uXYZW\n", NULL, "line 3: malformed \\uXXXX escape");
        parse_err("a=1\n\rc=\\uXYZW\n", NULL, "line 3: malformed \\uXXXX escape");
}

/* ---------------------------------------------------------- duplicates */

static void test_duplicates(void **state) {
        (void)state;
        kco_props_t *p = parse_ok("a=1\nb=2\na=3\nc=4\nb\n");
        assert_int_equal(kco_props_count(p), 3);
        assert_string_equal(kco_props_key(p, 0), "a");
        assert_string_equal(kco_props_value(p, 0), "3");
        assert_string_equal(kco_props_key(p, 1), "b");
        assert_string_equal(kco_props_value(p, 1), "");
        assert_string_equal(kco_props_key(p, 2), "c");
        kco_props_destroy(p);

        /* parsing into a non-empty map merges, overriding */
        p = parse_ok("x=1\ny=2");
        char err[128];
        assert_int_equal(kco_props_parse(p, "y=20\nz=30", 9, NULL, err, sizeof(err)), 0);
        assert_int_equal(kco_props_count(p), 3);
        assert_prop(p, "x", "1");
        assert_prop(p, "y", "20");
        assert_prop(p, "z", "30");
        assert_string_equal(kco_props_key(p, 1), "y");
        kco_props_destroy(p);
}

/* --------------------------------------------------------------- errors */

static void test_errors(void **state) {
        (void)state;
        parse_err("k=\\u12G4", NULL, "line 1: malformed \\uXXXX escape");
        parse_err("a=1\nb=2\nk=\\u12", NULL, "line 3: malformed \\uXXXX escape");
        parse_err("k=\\u", NULL, "line 1: malformed \\uXXXX escape");
        parse_err("k\\u12=v", NULL, "line 1: malformed \\uXXXX escape");
        parse_err("k=\\u 123", NULL, "line 1: malformed \\uXXXX escape");
        parse_err("k=\\uD800", NULL, "line 1: unpaired surrogate \\uD800");
        parse_err("k=\\uD800x", NULL, "line 1: unpaired surrogate \\uD800");
        parse_err("k=\\uD800\\u0041", NULL, "line 1: unpaired surrogate \\uD800");
        parse_err("k=\\uD800\\\\uDC00", NULL, "line 1: unpaired surrogate \\uD800");
        parse_err("k=\\udc00", NULL, "line 1: unpaired surrogate \\uDC00");
        parse_err("k=\\uDE00\\uD83D", NULL, "line 1: unpaired surrogate \\uDE00");
        parse_err("k=\\u0000", NULL, "line 1: \\u0000 is not allowed");
        /* the error names the physical line of the escape, not the first line */
        parse_err("# c\nk=first\\\n  second\\\n  \\uQQQQ\n", NULL,
                  "line 4: malformed \\uXXXX escape");
        parse_err("# c\nk\\\n  ey\\uQ=first\\\n  second\n", NULL,
                  "line 3: malformed \\uXXXX escape");
        /* the origin prefixes the message */
        parse_err("\n\nk=\\uZ", "conf/worker.properties",
                  "conf/worker.properties: line 3: malformed \\uXXXX escape");
        /* malformed escapes are errors even when a later duplicate would win */
        parse_err("k=\\uZ\nk=ok", NULL, "line 1: malformed \\uXXXX escape");
}

static void test_nul_byte(void **state) {
        (void)state;
        kco_props_t *p = kco_props_new();
        char err[64];
        static const char text[] = "a=1\nb=x\0y\n";
        assert_int_equal(kco_props_parse(p, text, sizeof(text) - 1, NULL, err, sizeof(err)), -1);
        assert_string_equal(err, "line 2: NUL byte");
        assert_int_equal(kco_props_count(p), 0);
        /* a NUL inside a comment is harmless */
        static const char text2[] = "#x\0y\na=1";
        assert_int_equal(kco_props_parse(p, text2, sizeof(text2) - 1, NULL, err, sizeof(err)), 0);
        assert_prop(p, "a", "1");
        kco_props_destroy(p);
}

static void test_err_buffer_limits(void **state) {
        (void)state;
        kco_props_t *p = kco_props_new();
        assert_int_equal(kco_props_parse(p, "k=\\uZ", 5, "origin", NULL, 0), -1);
        char small[8];
        memset(small, 'x', sizeof(small));
        assert_int_equal(kco_props_parse(p, "k=\\uZ", 5, "origin", small, sizeof(small)), -1);
        assert_int_equal(strlen(small), sizeof(small) - 1);
        assert_memory_equal(small, "origin:", 7);
        /* length is honoured: bytes after len are not read */
        assert_int_equal(kco_props_parse(p, "a=1\\uZZZZ", 3, NULL, small, sizeof(small)), 0);
        assert_prop(p, "a", "1");
        kco_props_destroy(p);
}

/* ---------------------------------------------------------------- files */

static void test_load_file(void **state) {
        (void)state;
        char path[] = "/tmp/kco_test_props_XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        static const char body[] = "# worker\r\nbootstrap.servers = localhost:9092\r\n"
                                   "key.converter=org.apache.kafka.connect.storage.StringConverter\r\n"
                                   "list=a,\\\r\n     b,\\\r\n     c\r\n";
        assert_int_equal(write(fd, body, sizeof(body) - 1), (ssize_t)(sizeof(body) - 1));
        close(fd);

        kco_props_t *p = kco_props_new();
        char err[512];
        assert_int_equal(kco_props_load_file(p, path, err, sizeof(err)), 0);
        assert_int_equal(kco_props_count(p), 3);
        assert_prop(p, "bootstrap.servers", "localhost:9092");
        assert_prop(p, "key.converter", "org.apache.kafka.connect.storage.StringConverter");
        assert_prop(p, "list", "a,b,c");

        /* parse errors name the file */
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs("a=1\nb=\\uD800\n", f);
        fclose(f);
        char want[512];
        snprintf(want, sizeof(want), "%s: line 2: unpaired surrogate \\uD800", path);
        assert_int_equal(kco_props_load_file(p, path, err, sizeof(err)), -1);
        assert_string_equal(err, want);
        assert_int_equal(kco_props_count(p), 3);

        /* an empty file is fine */
        f = fopen(path, "w");
        fclose(f);
        assert_int_equal(kco_props_load_file(p, path, err, sizeof(err)), 0);
        unlink(path);

        assert_int_equal(kco_props_load_file(p, path, err, sizeof(err)), -1);
        snprintf(want, sizeof(want), "%s: cannot read: No such file or directory", path);
        assert_string_equal(err, want);

        assert_int_equal(kco_props_load_file(p, "/tmp", err, sizeof(err)), -1);
        assert_string_equal(err, "/tmp: cannot read: Is a directory");
        kco_props_destroy(p);
}

static void test_large_file_text(void **state) {
        (void)state;
        /* many lines, long values: exercises buffer growth and the index */
        size_t cap = 1 << 20, len = 0;
        char *text = malloc(cap);
        assert_non_null(text);
        for (int i = 0; i < 5000; i++) {
                len += (size_t)snprintf(text + len, cap - len, "key%d = %0*d\n", i, 100, i);
        }
        kco_props_t *p = parse_ok_n(text, len);
        assert_int_equal(kco_props_count(p), 5000);
        char want[128];
        snprintf(want, sizeof(want), "%0*d", 100, 4321);
        assert_prop(p, "key4321", want);
        kco_props_destroy(p);
        free(text);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_map_basic),
                cmocka_unit_test(test_map_aliasing),
                cmocka_unit_test(test_map_many),
                cmocka_unit_test(test_map_copy),
                cmocka_unit_test(test_separators),
                cmocka_unit_test(test_separator_subtleties),
                cmocka_unit_test(test_comments),
                cmocka_unit_test(test_blank_lines),
                cmocka_unit_test(test_continuation),
                cmocka_unit_test(test_continuation_at_eof),
                cmocka_unit_test(test_continuation_of_nothing),
                cmocka_unit_test(test_escapes),
                cmocka_unit_test(test_unicode_escapes),
                cmocka_unit_test(test_raw_bytes),
                cmocka_unit_test(test_line_ends),
                cmocka_unit_test(test_duplicates),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_nul_byte),
                cmocka_unit_test(test_err_buffer_limits),
                cmocka_unit_test(test_load_file),
                cmocka_unit_test(test_large_file_text),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
