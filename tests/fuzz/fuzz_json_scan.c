/*
 * fuzz_json_scan.c - libFuzzer target for kco_json_scan.c.
 *
 * Owns: nothing between runs. Single-threaded (libFuzzer's). Must never keep
 * state across inputs.
 *
 * kco_json_scan_valid is compared with a second validator written here the
 * plain way: recursive descent over RFC 8259, decoding each UTF-8 character
 * to a code point and checking its range, instead of the scanner's tables,
 * SSE2 blocks and bit stack. (jansson is not used as the reference: it
 * rejects integers and reals that overflow, "\u0000" without a flag, and has
 * its own depth limit, so its grammar is not the same.) kco_utf8_valid is
 * compared with the same code-point decoder. For valid input,
 * kco_json_scan_to_line must give one line (no CR or LF) that is itself
 * valid, no longer than the input, and unchanged by a second pass.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_buf.h"
#include "format/kco_json_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ------------------------------------------------- reference validator */

typedef struct {
        const uint8_t *s;
        size_t n;
        size_t i;
} ref_t;

static int ref_peek(const ref_t *r) {
        return r->i < r->n ? r->s[r->i] : -1;
}

static void ref_ws(ref_t *r) {
        for (;;) {
                int c = ref_peek(r);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                        return;
                r->i++;
        }
}

/* Decodes one UTF-8 character at s[0..n); returns its length or 0. */
static size_t ref_utf8_char(const uint8_t *s, size_t n, uint32_t *cp_out) {
        uint8_t b = s[0];
        size_t len;
        uint32_t cp, min;
        if (b < 0x80) {
                *cp_out = b;
                return 1;
        } else if ((b & 0xE0) == 0xC0) {
                len = 2;
                cp = b & 0x1F;
                min = 0x80;
        } else if ((b & 0xF0) == 0xE0) {
                len = 3;
                cp = b & 0x0F;
                min = 0x800;
        } else if ((b & 0xF8) == 0xF0) {
                len = 4;
                cp = b & 0x07;
                min = 0x10000;
        } else {
                return 0;
        }
        if (n < len)
                return 0;
        for (size_t k = 1; k < len; k++) {
                if ((s[k] & 0xC0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return 0;
        *cp_out = cp;
        return len;
}

static int ref_utf8_valid(const uint8_t *s, size_t n) {
        size_t i = 0;
        uint32_t cp;
        while (i < n) {
                size_t k = ref_utf8_char(s + i, n - i, &cp);
                if (!k)
                        return 0;
                i += k;
        }
        return 1;
}

static int ref_hex4(ref_t *r, uint32_t *out) {
        uint32_t v = 0;
        for (int k = 0; k < 4; k++) {
                int c = ref_peek(r);
                int d;
                if (c >= '0' && c <= '9')
                        d = c - '0';
                else if (c >= 'a' && c <= 'f')
                        d = c - 'a' + 10;
                else if (c >= 'A' && c <= 'F')
                        d = c - 'A' + 10;
                else
                        return 0;
                v = v * 16 + (uint32_t)d;
                r->i++;
        }
        *out = v;
        return 1;
}

static int ref_string(ref_t *r) {
        if (ref_peek(r) != '"')
                return 0;
        r->i++;
        for (;;) {
                int c = ref_peek(r);
                if (c < 0)
                        return 0;
                if (c == '"') {
                        r->i++;
                        return 1;
                }
                if (c < 0x20)
                        return 0;
                if (c == '\\') {
                        r->i++;
                        c = ref_peek(r);
                        if (c < 0)
                                return 0;
                        r->i++;
                        if (strchr("\"\\/bfnrt", c) && c != 0)
                                continue;
                        if (c != 'u')
                                return 0;
                        uint32_t u;
                        if (!ref_hex4(r, &u))
                                return 0;
                        if (u >= 0xDC00 && u <= 0xDFFF)
                                return 0;
                        if (u >= 0xD800 && u <= 0xDBFF) {
                                uint32_t lo;
                                if (ref_peek(r) != '\\')
                                        return 0;
                                r->i++;
                                if (ref_peek(r) != 'u')
                                        return 0;
                                r->i++;
                                if (!ref_hex4(r, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                                        return 0;
                        }
                        continue;
                }
                uint32_t cp;
                size_t k = ref_utf8_char(r->s + r->i, r->n - r->i, &cp);
                if (!k)
                        return 0;
                r->i += k;
        }
}

static int ref_digits(ref_t *r) {
        size_t start = r->i;
        while (ref_peek(r) >= '0' && ref_peek(r) <= '9')
                r->i++;
        return r->i > start;
}

static int ref_number(ref_t *r) {
        if (ref_peek(r) == '-')
                r->i++;
        if (ref_peek(r) == '0') {
                r->i++;
        } else if (ref_peek(r) >= '1' && ref_peek(r) <= '9') {
                ref_digits(r);
        } else {
                return 0;
        }
        if (ref_peek(r) == '.') {
                r->i++;
                if (!ref_digits(r))
                        return 0;
        }
        if (ref_peek(r) == 'e' || ref_peek(r) == 'E') {
                r->i++;
                if (ref_peek(r) == '+' || ref_peek(r) == '-')
                        r->i++;
                if (!ref_digits(r))
                        return 0;
        }
        return 1;
}

static int ref_word(ref_t *r, const char *w) {
        size_t l = strlen(w);
        if (r->n - r->i < l || memcmp(r->s + r->i, w, l))
                return 0;
        r->i += l;
        return 1;
}

static int ref_value(ref_t *r, int depth);

static int ref_array(ref_t *r, int depth) {
        r->i++; /* [ */
        ref_ws(r);
        if (ref_peek(r) == ']') {
                r->i++;
                return 1;
        }
        for (;;) {
                if (!ref_value(r, depth))
                        return 0;
                ref_ws(r);
                int c = ref_peek(r);
                r->i++;
                if (c == ']')
                        return 1;
                if (c != ',')
                        return 0;
                ref_ws(r);
        }
}

static int ref_object(ref_t *r, int depth) {
        r->i++; /* { */
        ref_ws(r);
        if (ref_peek(r) == '}') {
                r->i++;
                return 1;
        }
        for (;;) {
                if (!ref_string(r))
                        return 0;
                ref_ws(r);
                if (ref_peek(r) != ':')
                        return 0;
                r->i++;
                ref_ws(r);
                if (!ref_value(r, depth))
                        return 0;
                ref_ws(r);
                int c = ref_peek(r);
                r->i++;
                if (c == '}')
                        return 1;
                if (c != ',')
                        return 0;
                ref_ws(r);
        }
}

/* depth = number of containers already open around this value */
static int ref_value(ref_t *r, int depth) {
        switch (ref_peek(r)) {
        case '[':
                return depth < KCO_JSON_SCAN_MAX_DEPTH && ref_array(r, depth + 1);
        case '{':
                return depth < KCO_JSON_SCAN_MAX_DEPTH && ref_object(r, depth + 1);
        case '"':
                return ref_string(r);
        case 't':
                return ref_word(r, "true");
        case 'f':
                return ref_word(r, "false");
        case 'n':
                return ref_word(r, "null");
        default:
                return ref_number(r);
        }
}

static int ref_valid(const uint8_t *s, size_t n) {
        ref_t r = {s, n, 0};
        ref_ws(&r);
        if (!ref_value(&r, 0))
                return 0;
        ref_ws(&r);
        return r.i == n;
}

/* ---------------------------------------------------------------- target */

static void fuzz_json_die(const char *what, const uint8_t *data, size_t size) {
        fprintf(stderr, "fuzz_json_scan invariant broken: %s (input %zu bytes)\n", what, size);
        (void)data;
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *p = (const char *)data;
        int got = kco_json_scan_valid(p, size);
        int want = ref_valid(data, size);
        if (got != want)
                fuzz_json_die(got ? "scanner accepts what the reference rejects"
                                  : "scanner rejects what the reference accepts",
                              data, size);
        if (kco_utf8_valid(p, size) != ref_utf8_valid(data, size))
                fuzz_json_die("kco_utf8_valid disagrees with the reference", data, size);

        /* The same bytes wrapped as a string body: exercises the string path
         * on arbitrary bytes, with the block loop at every alignment. */
        if (size <= 4096) {
                uint8_t *q = kco_malloc(size + 2);
                q[0] = '"';
                memcpy(q + 1, data, size);
                q[size + 1] = '"';
                if (kco_json_scan_valid((const char *)q, size + 2) != ref_valid(q, size + 2))
                        fuzz_json_die("scanner and reference disagree on a string", q, size + 2);
                free(q);
        }

        if (!got)
                return 0;
        kco_buf_t a, b;
        kco_buf_init(&a);
        kco_buf_init(&b);
        kco_json_scan_to_line(p, size, &a);
        if (a.len > size || a.len == 0)
                fuzz_json_die("to_line length", data, size);
        if (memchr(a.data, '\n', a.len) || memchr(a.data, '\r', a.len))
                fuzz_json_die("to_line left a line end", data, size);
        if (!kco_json_scan_valid(a.data, a.len))
                fuzz_json_die("to_line output is not valid", data, size);
        kco_json_scan_to_line(a.data, a.len, &b);
        if (b.len != a.len || memcmp(a.data, b.data, a.len))
                fuzz_json_die("to_line is not idempotent", data, size);
        kco_buf_free(&a);
        kco_buf_free(&b);
        return 0;
}
