/*
 * kco_json_scan.c - JSON validator, JSON-to-one-line copier, UTF-8 validator.
 *
 * Owns: nothing; read-only lookup tables only. Runs on the sink task threads
 * for every String record value written as JSON lines, so it must never
 * allocate, recurse, or read outside [p, p+n) (the input is not
 * NUL-terminated; every byte access is bounds-checked, and the 16-byte SSE2
 * loads only happen when 16 bytes remain).
 *
 * Shape: one iterative loop over the grammar with three states (value,
 * object key, after a value) and the open containers kept as a stack of
 * bits (1 = object, 0 = array). String bodies are skipped 16 bytes at a time
 * until a quote, a backslash, a control byte or a non-ASCII byte shows up.
 */
#include "format/kco_json_scan.h"

#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* 1 for the four JSON whitespace bytes. */
static const uint8_t kco_json_ws[256] = {
        ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, [' '] = 1,
};

/* 1 for bytes that may appear in a string body without further checks. */
#define KCO_R4(v) v, v, v, v
#define KCO_R16(v) KCO_R4(v), KCO_R4(v), KCO_R4(v), KCO_R4(v)
static const uint8_t kco_json_plain[256] = {
        KCO_R16(0), KCO_R16(0),                     /* 0x00-0x1f: control */
        1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20-0x2f: '"' */
        KCO_R16(1), KCO_R16(1),                     /* 0x30-0x4f */
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50-0x5f: '\\' */
        KCO_R16(1), KCO_R16(1),                     /* 0x60-0x7f */
        KCO_R16(0), KCO_R16(0), KCO_R16(0), KCO_R16(0), /* 0x80-0xbf */
        KCO_R16(0), KCO_R16(0), KCO_R16(0), KCO_R16(0), /* 0xc0-0xff */
};

/* Hex digit value, or 0xff. */
static const uint8_t kco_json_hexval[256] = {
        KCO_R16(0xff), KCO_R16(0xff), KCO_R16(0xff),
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 10, 11, 12, 13, 14, 15, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        KCO_R16(0xff),
        0xff, 10, 11, 12, 13, 14, 15, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        KCO_R16(0xff),
        KCO_R16(0xff), KCO_R16(0xff), KCO_R16(0xff), KCO_R16(0xff),
        KCO_R16(0xff), KCO_R16(0xff), KCO_R16(0xff), KCO_R16(0xff),
};
#undef KCO_R4
#undef KCO_R16

/* Length of the valid UTF-8 sequence starting with a non-ASCII byte at s,
 * or 0 if it is invalid or truncated. */
static inline size_t kco_utf8_seq(const uint8_t *s, const uint8_t *e) {
        uint8_t c = s[0];
        size_t avail = (size_t)(e - s);
        uint8_t lo = 0x80, hi = 0xBF;
        if (c < 0xC2) /* stray continuation byte, or C0/C1 overlong lead */
                return 0;
        if (c < 0xE0) {
                if (avail < 2 || (s[1] & 0xC0) != 0x80)
                        return 0;
                return 2;
        }
        if (c < 0xF0) {
                if (c == 0xE0)
                        lo = 0xA0; /* overlong */
                else if (c == 0xED)
                        hi = 0x9F; /* U+D800-U+DFFF */
                if (avail < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
                        return 0;
                return 3;
        }
        if (c < 0xF5) {
                if (c == 0xF0)
                        lo = 0x90; /* overlong */
                else if (c == 0xF4)
                        hi = 0x8F; /* above U+10FFFF */
                if (avail < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 ||
                    (s[3] & 0xC0) != 0x80)
                        return 0;
                return 4;
        }
        return 0;
}

size_t kco_utf8_char_len(const char *p, size_t n) {
        const uint8_t *s = (const uint8_t *)p;
        if (!n)
                return 0;
        return s[0] < 0x80 ? 1 : kco_utf8_seq(s, s + n);
}

int kco_utf8_valid(const char *p, size_t n) {
        if (!n)
                return 1; /* p may be NULL */
        const uint8_t *s = (const uint8_t *)p, *e = s + n;
        while (s < e) {
#ifdef __SSE2__
                while (e - s >= 16) {
                        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
                        unsigned m = (unsigned)_mm_movemask_epi8(v);
                        if (m) {
                                s += __builtin_ctz(m);
                                goto multibyte;
                        }
                        s += 16;
                }
#endif
                while (s < e && *s < 0x80)
                        s++;
                if (s == e)
                        return 1;
#ifdef __SSE2__
        multibyte:;
#endif
                size_t k = kco_utf8_seq(s, e);
                if (!k)
                        return 0;
                s += k;
        }
        return 1;
}

/* Four hex digits at s (caller checked they are in bounds), or -1. */
static inline int32_t kco_json_hex4(const uint8_t *s) {
        uint32_t a = kco_json_hexval[s[0]], b = kco_json_hexval[s[1]];
        uint32_t c = kco_json_hexval[s[2]], d = kco_json_hexval[s[3]];
        if ((a | b | c | d) & 0xF0)
                return -1;
        return (int32_t)(a << 12 | b << 8 | c << 4 | d);
}

/* s points just past the opening quote. Returns the position just past the
 * closing quote, or NULL if the string is invalid or unterminated. */
static inline const uint8_t *kco_json_scan_str(const uint8_t *s, const uint8_t *e) {
        for (;;) {
#ifdef __SSE2__
                const __m128i quote = _mm_set1_epi8('"');
                const __m128i bslash = _mm_set1_epi8('\\');
                const __m128i space = _mm_set1_epi8(0x20);
                while (e - s >= 16) {
                        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
                        /* signed compare: catches both < 0x20 and >= 0x80 */
                        __m128i x = _mm_or_si128(
                                _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                _mm_cmplt_epi8(v, space));
                        unsigned m = (unsigned)_mm_movemask_epi8(x);
                        if (m) {
                                s += __builtin_ctz(m);
                                goto special;
                        }
                        s += 16;
                }
#endif
                while (s < e && kco_json_plain[*s])
                        s++;
                if (s == e)
                        return NULL;
#ifdef __SSE2__
        special:;
#endif
                uint8_t c = *s;
                if (c == '"')
                        return s + 1;
                if (c == '\\') {
                        if (e - s < 2)
                                return NULL;
                        switch (s[1]) {
                        case '"':
                        case '\\':
                        case '/':
                        case 'b':
                        case 'f':
                        case 'n':
                        case 'r':
                        case 't':
                                s += 2;
                                break;
                        case 'u': {
                                if (e - s < 6)
                                        return NULL;
                                int32_t cp = kco_json_hex4(s + 2);
                                if (cp < 0)
                                        return NULL;
                                s += 6;
                                if (cp >= 0xD800 && cp <= 0xDBFF) {
                                        if (e - s < 6 || s[0] != '\\' || s[1] != 'u')
                                                return NULL;
                                        int32_t lo = kco_json_hex4(s + 2);
                                        if (lo < 0xDC00 || lo > 0xDFFF)
                                                return NULL;
                                        s += 6;
                                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                                        return NULL;
                                }
                                break;
                        }
                        default:
                                return NULL;
                        }
                        continue;
                }
                if (c < 0x20)
                        return NULL;
                size_t k = kco_utf8_seq(s, e);
                if (!k)
                        return NULL;
                s += k;
        }
}

#define KCO_IS_DIGIT(c) ((uint8_t)((c) - '0') < 10)

int kco_json_scan_valid(const char *p, size_t n) {
        if (!n)
                return 0; /* p may be NULL */
        const uint8_t *s = (const uint8_t *)p, *e = s + n;
        uint64_t stack[KCO_JSON_SCAN_MAX_DEPTH / 64] = {0};
        unsigned depth = 0;
        unsigned in_obj = 0; /* type of the innermost open container */

#define KCO_SKIP_WS()                                                          \
        do {                                                                   \
                while (s < e && kco_json_ws[*s])                               \
                        s++;                                                   \
        } while (0)

        KCO_SKIP_WS();
value:
        if (s == e)
                return 0;
        switch (*s) {
        case '{':
                if (depth == KCO_JSON_SCAN_MAX_DEPTH)
                        return 0;
                stack[depth >> 6] |= (uint64_t)1 << (depth & 63);
                depth++;
                in_obj = 1;
                s++;
                KCO_SKIP_WS();
                if (s < e && *s == '}') {
                        s++;
                        goto pop;
                }
                goto key;
        case '[':
                if (depth == KCO_JSON_SCAN_MAX_DEPTH)
                        return 0;
                stack[depth >> 6] &= ~((uint64_t)1 << (depth & 63));
                depth++;
                in_obj = 0;
                s++;
                KCO_SKIP_WS();
                if (s < e && *s == ']') {
                        s++;
                        goto pop;
                }
                goto value;
        case '"':
                s = kco_json_scan_str(s + 1, e);
                if (!s)
                        return 0;
                goto after;
        case 't':
                if (e - s < 4 || memcmp(s, "true", 4))
                        return 0;
                s += 4;
                goto after;
        case 'f':
                if (e - s < 5 || memcmp(s, "false", 5))
                        return 0;
                s += 5;
                goto after;
        case 'n':
                if (e - s < 4 || memcmp(s, "null", 4))
                        return 0;
                s += 4;
                goto after;
        case '-':
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
        case '8':
        case '9':
                if (*s == '-' && ++s == e)
                        return 0;
                if (*s == '0') {
                        s++;
                } else if (KCO_IS_DIGIT(*s)) {
                        s++;
                        while (s < e && KCO_IS_DIGIT(*s))
                                s++;
                } else {
                        return 0;
                }
                if (s < e && *s == '.') {
                        s++;
                        if (s == e || !KCO_IS_DIGIT(*s))
                                return 0;
                        while (s < e && KCO_IS_DIGIT(*s))
                                s++;
                }
                if (s < e && (*s == 'e' || *s == 'E')) {
                        s++;
                        if (s < e && (*s == '+' || *s == '-'))
                                s++;
                        if (s == e || !KCO_IS_DIGIT(*s))
                                return 0;
                        while (s < e && KCO_IS_DIGIT(*s))
                                s++;
                }
                goto after;
        default:
                return 0;
        }

key:
        if (s == e || *s != '"')
                return 0;
        s = kco_json_scan_str(s + 1, e);
        if (!s)
                return 0;
        KCO_SKIP_WS();
        if (s == e || *s != ':')
                return 0;
        s++;
        KCO_SKIP_WS();
        goto value;

pop:
        depth--;
        in_obj = depth ? (unsigned)(stack[(depth - 1) >> 6] >> ((depth - 1) & 63)) & 1 : 0;
after:
        KCO_SKIP_WS();
        if (!depth)
                return s == e;
        if (s == e)
                return 0;
        if (*s == ',') {
                s++;
                KCO_SKIP_WS();
                if (in_obj)
                        goto key;
                goto value;
        }
        if (*s == (in_obj ? '}' : ']')) {
                s++;
                goto pop;
        }
        return 0;
#undef KCO_SKIP_WS
}

void kco_json_scan_to_line(const char *p, size_t n, kco_buf_t *out) {
        if (!n)
                return;
        const char *b = p, *e = p + n;
        while (b < e && kco_json_ws[(uint8_t)*b])
                b++;
        while (e > b && kco_json_ws[(uint8_t)e[-1]])
                e--;
        size_t len = (size_t)(e - b);
        kco_buf_reserve(out, len);
        char *d = out->data + out->len;
        for (size_t i = 0; i < len; i++) {
                char c = b[i];
                d[i] = (c == '\r' || c == '\n') ? ' ' : c;
        }
        out->len += len;
}
