/*
 * kco_json_lex.h - the tokens of JSON text (RFC 8259): whitespace, strings
 * (checked: escapes, control characters, UTF-8; unescaped on request),
 * numbers, the literals, and the error text "invalid JSON at byte N: ...".
 * Shared by the JSON DOM (kco_json_dom.c: the JSON converter) and the
 * protobuf JSON parser (kco_proto_json.c), which reads a record's text
 * straight into its message without a DOM; one grammar, one set of messages.
 *
 * Owns: nothing; a lexer is a cursor over the caller's text. Caller's
 * thread. Must never: read past the end it is given.
 */
#ifndef KCO_JSON_LEX_H
#define KCO_JSON_LEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/kco_arena.h"
#include "core/kco_err.h"

typedef struct kco_json_lex_s {
        const char *start; /* of the text: error offsets count from here */
        const char *p;     /* the cursor */
        const char *end;
        kco_err_t *err;
} kco_json_lex_t;

static inline void kco_json_lex_init(kco_json_lex_t *lx, const char *p, size_t n, kco_err_t *err) {
        lx->start = lx->p = p;
        lx->end = p + n;
        lx->err = err;
}

/* KCO_ERR_DATA "invalid JSON at byte <cursor>: what". Returns -1. */
int kco_json_lex_fail(kco_json_lex_t *lx, const char *what);

static inline void kco_json_lex_ws(kco_json_lex_t *lx) {
        if (lx->p < lx->end && (unsigned char)*lx->p > ' ')
                return; /* the usual case: no whitespace */
        while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r'))
                lx->p++;
}

int kco_json_lex_string_rest(kco_json_lex_t *lx, const char *body, const char *q, const char **out, size_t *n);

/* The string whose opening quote is at the cursor: its bytes between the quotes in [*body, *body + *n), the
 * cursor after the closing quote. 0: no escapes (the bytes are the text); 1: escapes (decode the bytes with
 * kco_json_lex_unescape); -1 with the error (the cursor at the offending byte). */
static inline int kco_json_lex_string(kco_json_lex_t *lx, const char **body, size_t *n) {
        const char *start = lx->p + 1, *q = start, *e = lx->end;
        /* eight plain ASCII bytes at a time: none below 0x20, above 0x7F, '"' or '\\' */
        while (e - q >= 8) {
                uint64_t w, qt, bs;
                memcpy(&w, q, 8);
                qt = w ^ 0x2222222222222222ULL;
                bs = w ^ 0x5C5C5C5C5C5C5C5CULL;
                uint64_t m = (w | ((w - 0x2020202020202020ULL) & ~w) | ((qt - 0x0101010101010101ULL) & ~qt) |
                              ((bs - 0x0101010101010101ULL) & ~bs)) &
                             0x8080808080808080ULL;
                if (m) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                        q += __builtin_ctzll(m) >> 3; /* the first flagged byte (the lowest flag is exact) */
#endif
                        break;
                }
                q += 8;
        }
        if (q < e && *q == '"') {
                *body = start;
                *n = (size_t)(q - start);
                lx->p = q + 1;
                return 0;
        }
        return kco_json_lex_string_rest(lx, start, q, body, n);
}

/* The text of a checked string body with escapes, decoded into a (NUL-terminated; never longer than the body).
 * A \uD800-\uDFFF escape that is not half of a pair decodes to U+FFFD. */
char *kco_json_lex_unescape(kco_arena_t *a, const char *body, size_t n, size_t *outlen);

/* The number at the cursor: its text in [*p, *p + *n), *integral when it has neither fraction nor exponent;
 * the cursor after it. 0, or -1 with the error (at the number's start). */
int kco_json_lex_number(kco_json_lex_t *lx, const char **p, size_t *n, int *integral);

/* The literal w (n bytes: "true", "false", "null") at the cursor; 0, or -1 "invalid literal". */
static inline int kco_json_lex_word(kco_json_lex_t *lx, const char *w, size_t n) {
        if ((size_t)(lx->end - lx->p) < n || memcmp(lx->p, w, n))
                return kco_json_lex_fail(lx, "invalid literal");
        lx->p += n;
        return 0;
}

#endif
