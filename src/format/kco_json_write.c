/*
 * kco_json_write.c - JSON text for strings, bytes, numbers and typed Connect
 * values (see kco_json_write.h).
 *
 * Output follows Kafka Connect's JsonConverter.convertToJson with
 * schemas.enable=false and Jackson's default serializer, so a line is what
 * the Java JsonFormat writes for the same value, with these choices:
 *   - doubles and floats: the digits of JDK 19+ Double/Float.toString
 *     (shortest that round-trip; when one digit would do, the closest two),
 *     laid out as Java does ("1.0", "0.001", "1.0E7"). Older JDKs print a
 *     longer decimal for some values; both read back to the same number.
 *   - NaN/Infinity: JSON has no such numbers; Jackson's default
 *     (QUOTE_NON_NUMERIC_NUMBERS) writes them as strings, and so do we.
 *   - a null whose schema is required and has no default: Connect throws
 *     ("null value for field that is required"); we write null. The JSON
 *     converter never produces one; other producers of values (metadata
 *     fields for a null struct) should not lose the record for it.
 *   - map entries keep their order (Java iterates a HashMap).
 *   - string escapes: \" \\ \n \r \t, other control characters \u00XX
 *     (Jackson writes \b and \f short and uses upper-case hex: the same
 *     text once parsed).
 *
 * Any thread; stateless. Must never: append a partial value on error.
 */
#include "format/kco_json_write.h"

#include <float.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/kco_json_scan.h"

static const char kco_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void kco_json_write_base64(const unsigned char *p, size_t n, kco_buf_t *out) {
        kco_buf_reserve(out, (n + 2) / 3 * 4 + 2);
        char *o = out->data + out->len;
        *o++ = '"';
        size_t i = 0;
        for (; i + 3 <= n; i += 3) {
                unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
                *o++ = kco_b64[v >> 18];
                *o++ = kco_b64[(v >> 12) & 63];
                *o++ = kco_b64[(v >> 6) & 63];
                *o++ = kco_b64[v & 63];
        }
        if (i < n) {
                unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
                *o++ = kco_b64[v >> 18];
                *o++ = kco_b64[(v >> 12) & 63];
                *o++ = i + 1 < n ? kco_b64[(v >> 6) & 63] : '=';
                *o++ = '=';
        }
        *o++ = '"';
        out->len = (size_t)(o - out->data);
}

void kco_json_write_string(const char *s, size_t n, kco_buf_t *out) {
        static const char hex[] = "0123456789abcdef";
        const unsigned char *p = (const unsigned char *)s;
        kco_buf_reserve(out, n + 2);
        kco_buf_putc(out, '"');
        size_t i = 0;
        while (i < n) {
                size_t run = i;
                while (run < n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
                        run++;
                kco_buf_append(out, p + i, run - i);
                i = run;
                if (i >= n)
                        break;
                unsigned c = p[i];
                if (c == '"' || c == '\\') {
                        char esc[2] = {'\\', (char)c};
                        kco_buf_append(out, esc, 2);
                        i++;
                } else if (c < 0x20) {
                        const char *short_esc = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
                        if (short_esc) {
                                kco_buf_append(out, short_esc, 2);
                        } else {
                                char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                                kco_buf_append(out, u, 6);
                        }
                        i++;
                } else {
                        size_t len = kco_utf8_char_len((const char *)p + i, n - i);
                        if (len) {
                                kco_buf_append(out, p + i, len);
                                i += len;
                        } else {
                                kco_buf_append(out, "\xef\xbf\xbd", 3); /* U+FFFD */
                                i++;
                        }
                }
        }
        kco_buf_putc(out, '"');
}

/* ------------------------------------------------------------ numbers */

/* Does the p-significant-digit rendering of d read back as d (as a float when is_float)? */
static int kco_json_roundtrips(double d, int is_float, int p, char *buf, size_t len) {
        snprintf(buf, len, "%.*e", p - 1, d);
        if (is_float)
                return strtof(buf, NULL) == (float)d;
        return strtod(buf, NULL) == d;
}

/* Java's layout of the finite, non-zero |d| given as digits dig[0..nd) (no trailing zeros) and exponent x
 * (d = dig[0].dig[1..] * 10^x): plain between 10^-3 and 10^7, else d.dddEx; always a digit after the point. */
static void kco_json_java_layout(const char *dig, int nd, int x, kco_buf_t *out) {
        char s[64];
        int o = 0;
        if (x >= -3 && x < 7) {
                if (x >= 0) {
                        for (int i = 0; i <= x; i++)
                                s[o++] = i < nd ? dig[i] : '0';
                        s[o++] = '.';
                        if (nd > x + 1)
                                for (int i = x + 1; i < nd; i++)
                                        s[o++] = dig[i];
                        else
                                s[o++] = '0';
                } else {
                        s[o++] = '0';
                        s[o++] = '.';
                        for (int i = 0; i < -x - 1; i++)
                                s[o++] = '0';
                        for (int i = 0; i < nd; i++)
                                s[o++] = dig[i];
                }
        } else {
                s[o++] = dig[0];
                s[o++] = '.';
                if (nd > 1)
                        for (int i = 1; i < nd; i++)
                                s[o++] = dig[i];
                else
                        s[o++] = '0';
                o += snprintf(s + o, sizeof(s) - (size_t)o, "E%d", x);
        }
        kco_buf_append(out, s, (size_t)o);
}

static void kco_json_write_real(double d, int is_float, kco_buf_t *out) {
        if (isnan(d)) {
                kco_buf_puts(out, "\"NaN\"");
                return;
        }
        if (isinf(d)) {
                kco_buf_puts(out, d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
                return;
        }
        if (signbit(d))
                kco_buf_putc(out, '-');
        d = fabs(d);
        if (d == 0) {
                kco_buf_puts(out, "0.0");
                return;
        }
        char buf[48];
        int hi = is_float ? 9 : 17, p, have = 0; /* buf holds the rendering with have digits */
        if (is_float ? (float)d < FLT_MIN : d < DBL_MIN) {
                /* subnormal: fewer significant bits, so search all lengths (binary search: a longer rendering is
                 * closer, and the intervals are symmetric) */
                int lo = 1;
                p = hi;
                while (lo < p) {
                        int mid = (lo + p) / 2;
                        if (kco_json_roundtrips(d, is_float, mid, buf, sizeof(buf)))
                                p = mid;
                        else
                                lo = mid + 1;
                }
        } else {
                /* Normal numbers: at FLT_DIG/DBL_DIG digits at most one decimal reads back as d, so when the
                 * correctly rounded one does, its digits without trailing zeros are the shortest; else one or two
                 * more digits (the closest such, as Java picks; at a power of two a different decimal of the same
                 * length could also read back, where we may print one digit more than Java). */
                for (p = is_float ? FLT_DIG : DBL_DIG; p < hi; p++)
                        if (kco_json_roundtrips(d, is_float, p, buf, sizeof(buf))) {
                                have = p;
                                break;
                        }
        }
        char dig[24];
        int nd, x;
        for (int pass = 0;; pass++) {
                if (have != p)
                        snprintf(buf, sizeof(buf), "%.*e", p - 1, d);
                const char *c = buf;
                for (nd = 0; *c && *c != 'e'; c++)
                        if (*c >= '0' && *c <= '9')
                                dig[nd++] = *c;
                x = *c == 'e' ? atoi(c + 1) : 0;
                while (nd > 1 && dig[nd - 1] == '0')
                        nd--;
                if (nd > 1 || pass)
                        break;
                p = 2; /* Java: when one digit suffices, the closest decimal of two digits */
        }
        kco_json_java_layout(dig, nd, x, out);
}

void kco_json_write_double(double d, kco_buf_t *out) {
        kco_json_write_real(d, 0, out);
}

void kco_json_write_float(float f, kco_buf_t *out) {
        kco_json_write_real((double)f, 1, out);
}

/* -------------------------------------------------------------- values */

static int kco_json_write_v(const kco_value_t *v, kco_buf_t *out, kco_err_t *err, int depth);

/* A key of a map written as an object: its text (Jackson's asText: strings as they are, anything else as its
 * JSON text). */
static int kco_json_write_key(const kco_value_t *k, kco_buf_t *out, kco_err_t *err, int depth) {
        if (k->type == KCO_TYPE_STRING) {
                kco_json_write_string(k->u.s.ptr, k->u.s.len, out);
                return 0;
        }
        kco_buf_t tmp;
        kco_buf_init(&tmp);
        int rc = kco_json_write_v(k, &tmp, err, depth);
        if (!rc) {
                if (tmp.len && tmp.data[0] == '"')
                        kco_buf_append(out, tmp.data, tmp.len);
                else
                        kco_json_write_string(tmp.data, tmp.len, out);
        }
        kco_buf_free(&tmp);
        return rc;
}

static int kco_json_write_map(const kco_value_t *v, kco_buf_t *out, kco_err_t *err, int depth) {
        const kco_value_t *it = v->u.c.items;
        int object = 1;
        if (v->schema && v->schema->key) {
                object = v->schema->key->type == KCO_TYPE_STRING;
        } else {
                for (size_t i = 0; i < v->u.c.n && object; i++)
                        object = it[2 * i].type == KCO_TYPE_STRING;
        }
        kco_buf_putc(out, object ? '{' : '[');
        for (size_t i = 0; i < v->u.c.n; i++) {
                if (i)
                        kco_buf_putc(out, ',');
                if (object) {
                        if (kco_json_write_key(&it[2 * i], out, err, depth + 1))
                                return -1;
                        kco_buf_putc(out, ':');
                } else {
                        kco_buf_putc(out, '[');
                        if (kco_json_write_v(&it[2 * i], out, err, depth + 1))
                                return -1;
                        kco_buf_putc(out, ',');
                }
                if (kco_json_write_v(&it[2 * i + 1], out, err, depth + 1))
                        return -1;
                if (!object)
                        kco_buf_putc(out, ']');
        }
        kco_buf_putc(out, object ? '}' : ']');
        return 0;
}

static int kco_json_write_struct(const kco_value_t *v, kco_buf_t *out, kco_err_t *err, int depth) {
        const kco_schema_t *s = v->schema;
        if (!s || s->type != KCO_TYPE_STRUCT || s->nfields != v->u.c.n)
                return kco_err_set(err, KCO_ERR_DATA, 0, "JSON writer: a struct value without a matching schema");
        kco_buf_putc(out, '{');
        for (size_t i = 0; i < s->nfields; i++) {
                if (i)
                        kco_buf_putc(out, ',');
                kco_json_write_string(s->fields[i].name, strlen(s->fields[i].name), out);
                kco_buf_putc(out, ':');
                if (kco_json_write_v(&v->u.c.items[i], out, err, depth + 1))
                        return -1;
        }
        kco_buf_putc(out, '}');
        return 0;
}

static int kco_json_write_v(const kco_value_t *v, kco_buf_t *out, kco_err_t *err, int depth) {
        if (depth > KCO_JSON_WRITE_MAX_DEPTH)
                return kco_err_set(err, KCO_ERR_DATA, 0, "JSON writer: value nested deeper than %d levels",
                                   KCO_JSON_WRITE_MAX_DEPTH);
        char num[24];
        switch (v->type) {
        case KCO_TYPE_NULL:
                if (v->schema && v->schema->default_value && v->schema->default_value->type != KCO_TYPE_NULL)
                        return kco_json_write_v(v->schema->default_value, out, err, depth + 1);
                kco_buf_append(out, "null", 4);
                return 0;
        case KCO_TYPE_INT8:
        case KCO_TYPE_INT16:
        case KCO_TYPE_INT32:
        case KCO_TYPE_INT64:
        {
                uint64_t u = v->u.i < 0 ? 0 - (uint64_t)v->u.i : (uint64_t)v->u.i;
                char *e = num + sizeof(num), *c = e;
                do
                        *--c = (char)('0' + u % 10);
                while (u /= 10);
                if (v->u.i < 0)
                        *--c = '-';
                kco_buf_append(out, c, (size_t)(e - c));
                return 0;
        }
        case KCO_TYPE_FLOAT32:
                kco_json_write_float((float)v->u.d, out);
                return 0;
        case KCO_TYPE_FLOAT64:
                kco_json_write_double(v->u.d, out);
                return 0;
        case KCO_TYPE_BOOLEAN:
                kco_buf_puts(out, v->u.i ? "true" : "false");
                return 0;
        case KCO_TYPE_STRING:
                kco_json_write_string(v->u.s.ptr, v->u.s.len, out);
                return 0;
        case KCO_TYPE_BYTES:
                kco_json_write_base64((const unsigned char *)v->u.s.ptr, v->u.s.len, out);
                return 0;
        case KCO_TYPE_ARRAY:
                kco_buf_putc(out, '[');
                for (size_t i = 0; i < v->u.c.n; i++) {
                        if (i)
                                kco_buf_putc(out, ',');
                        if (kco_json_write_v(&v->u.c.items[i], out, err, depth + 1))
                                return -1;
                }
                kco_buf_putc(out, ']');
                return 0;
        case KCO_TYPE_MAP:
                return kco_json_write_map(v, out, err, depth);
        case KCO_TYPE_STRUCT:
                return kco_json_write_struct(v, out, err, depth);
        }
        return kco_err_set(err, KCO_ERR_DATA, 0, "JSON writer: unknown value type %d", (int)v->type);
}

int kco_json_write_value(const kco_value_t *v, kco_buf_t *out, kco_err_t *err) {
        size_t mark = out->len;
        if (kco_json_write_v(v, out, err, 0)) {
                out->len = mark;
                return -1;
        }
        return 0;
}
