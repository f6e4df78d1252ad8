/*
 * kco_json_lex.c - JSON tokens (see kco_json_lex.h): the slow part of a
 * string (after its plain ASCII prefix: escapes, UTF-8 checked with
 * kco_utf8_char_len, control characters), unescaping, numbers.
 *
 * Caller's thread. Must never: read past the end of the text.
 */
#include "convert/kco_json_lex.h"

#include <string.h>

#include "format/kco_json_scan.h"

int kco_json_lex_fail(kco_json_lex_t *lx, const char *what) {
        return kco_err_set(lx->err, KCO_ERR_DATA, 0, "invalid JSON at byte %zu: %s", (size_t)(lx->p - lx->start),
                           what);
}

static int kco_json_lex_hex(unsigned ch) {
        if (ch >= '0' && ch <= '9')
                return (int)(ch - '0');
        ch |= 0x20;
        return ch >= 'a' && ch <= 'f' ? (int)(ch - 'a' + 10) : -1;
}

static unsigned kco_json_lex_hex4(const unsigned char *q) {
        return (unsigned)(kco_json_lex_hex(q[0]) << 12 | kco_json_lex_hex(q[1]) << 8 | kco_json_lex_hex(q[2]) << 4 |
                          kco_json_lex_hex(q[3]));
}

/* From q on (every byte in [body, q) is plain ASCII): to the closing quote. */
int kco_json_lex_string_rest(kco_json_lex_t *lx, const char *body, const char *qc, const char **out, size_t *n) {
        const unsigned char *q = (const unsigned char *)qc, *e = (const unsigned char *)lx->end;
        int esc = 0;
        for (;;) {
                /* eight plain ASCII bytes at a time: none below 0x20, above 0x7F, '"' or '\\' */
                while (e - q >= 8) {
                        uint64_t w, qt, bs;
                        memcpy(&w, q, 8);
                        qt = w ^ 0x2222222222222222ULL;
                        bs = w ^ 0x5C5C5C5C5C5C5C5CULL;
                        if (((w | ((w - 0x2020202020202020ULL) & ~w) | ((qt - 0x0101010101010101ULL) & ~qt) |
                              ((bs - 0x0101010101010101ULL) & ~bs)) &
                             0x8080808080808080ULL))
                                break;
                        q += 8;
                }
                while (q < e && *q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\')
                        q++;
                if (q >= e) {
                        lx->p = (const char *)q;
                        return kco_json_lex_fail(lx, "unterminated string");
                }
                unsigned ch = *q;
                if (ch == '"')
                        break;
                lx->p = (const char *)q; /* for errors */
                if (ch == '\\') {
                        unsigned x = q + 1 < e ? q[1] : 0;
                        esc = 1;
                        if (x == 'u' && e - q >= 6 && kco_json_lex_hex(q[2]) >= 0 && kco_json_lex_hex(q[3]) >= 0 &&
                            kco_json_lex_hex(q[4]) >= 0 && kco_json_lex_hex(q[5]) >= 0)
                                q += 6;
                        else if (x && strchr("\"\\/bfnrt", (int)x))
                                q += 2;
                        else
                                return kco_json_lex_fail(lx, "invalid escape in string");
                } else if (ch < 0x20) {
                        return kco_json_lex_fail(lx, "control character in string");
                } else {
                        size_t l = kco_utf8_char_len((const char *)q, (size_t)(e - q));
                        if (!l)
                                return kco_json_lex_fail(lx, "invalid UTF-8 in string");
                        q += l;
                }
        }
        *out = body;
        *n = (size_t)((const char *)q - body);
        lx->p = (const char *)q + 1;
        return esc;
}

static size_t kco_json_lex_utf8_put(char *o, unsigned cp) {
        if (cp < 0x80) {
                o[0] = (char)cp;
                return 1;
        }
        if (cp < 0x800) {
                o[0] = (char)(0xC0 | cp >> 6);
                o[1] = (char)(0x80 | (cp & 63));
                return 2;
        }
        if (cp < 0x10000) {
                o[0] = (char)(0xE0 | cp >> 12);
                o[1] = (char)(0x80 | ((cp >> 6) & 63));
                o[2] = (char)(0x80 | (cp & 63));
                return 3;
        }
        o[0] = (char)(0xF0 | cp >> 18);
        o[1] = (char)(0x80 | ((cp >> 12) & 63));
        o[2] = (char)(0x80 | ((cp >> 6) & 63));
        o[3] = (char)(0x80 | (cp & 63));
        return 4;
}

char *kco_json_lex_unescape(kco_arena_t *a, const char *body, size_t n, size_t *outlen) {
        const unsigned char *r = (const unsigned char *)body, *e = r + n;
        char *buf = kco_arena_alloc(a, n + 1);
        size_t o = 0;
        while (r < e) {
                if (*r != '\\') {
                        buf[o++] = (char)*r++;
                        continue;
                }
                unsigned x = r[1];
                if (x != 'u') {
                        static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";
                        const char *k = strchr(from, (int)x);
                        buf[o++] = k ? to[k - from] : (char)x;
                        r += 2;
                        continue;
                }
                unsigned cp = kco_json_lex_hex4(r + 2);
                r += 6;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                        unsigned lo = e - r >= 6 && r[0] == '\\' && r[1] == 'u' ? kco_json_lex_hex4(r + 2) : 0;
                        if (lo >= 0xDC00 && lo <= 0xDFFF) {
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                r += 6;
                        } else {
                                cp = 0xFFFD;
                        }
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        cp = 0xFFFD;
                }
                o += kco_json_lex_utf8_put(buf + o, cp);
        }
        buf[o] = '\0';
        *outlen = o;
        return buf;
}

static int kco_json_lex_digit(const kco_json_lex_t *lx, const char *q) {
        return q < lx->end && *q >= '0' && *q <= '9';
}

int kco_json_lex_number(kco_json_lex_t *lx, const char **p, size_t *n, int *integral) {
        const char *q = lx->p;
        *integral = 1;
        if (q < lx->end && *q == '-')
                q++;
        if (!kco_json_lex_digit(lx, q))
                return kco_json_lex_fail(lx, "invalid number");
        if (*q == '0')
                q++;
        else
                while (kco_json_lex_digit(lx, q))
                        q++;
        if (q < lx->end && *q == '.') {
                *integral = 0;
                if (!kco_json_lex_digit(lx, ++q))
                        return kco_json_lex_fail(lx, "invalid number");
                while (kco_json_lex_digit(lx, q))
                        q++;
        }
        if (q < lx->end && (*q == 'e' || *q == 'E')) {
                *integral = 0;
                q++;
                if (q < lx->end && (*q == '+' || *q == '-'))
                        q++;
                if (!kco_json_lex_digit(lx, q))
                        return kco_json_lex_fail(lx, "invalid number");
                while (kco_json_lex_digit(lx, q))
                        q++;
        }
        *p = lx->p;
        *n = (size_t)(q - lx->p);
        lx->p = q;
        return 0;
}
