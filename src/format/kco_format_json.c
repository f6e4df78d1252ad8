/*
 * kco_format_json.c - JsonFormat: one JSON value per line (".json").
 *
 * A String value that holds valid JSON is written as that JSON, compacted onto
 * one line (line breaks between tokens become spaces). Any other String is
 * written as a JSON string (invalid UTF-8 replaced by U+FFFD, as Java's
 * StringConverter decodes it). Bytes are written as a base64 JSON string, as
 * Kafka Connect's JsonConverter renders BYTES. A tombstone (only with
 * behavior.on.null.values=write) is the line "null".
 *
 * Deliberate difference from the Java connector, which writes a String value
 * as a quoted JSON string even when it holds JSON: users of JSON topics expect
 * their objects, not strings of escaped objects.
 *
 * Task thread; stateless per file.
 */
#include "format/kco_format.h"
#include "format/kco_json_scan.h"

static const char kco_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void kco_format_json_base64(const unsigned char *p, size_t n, kco_buf_t *out) {
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

/* Appends s as a JSON string literal. */
static void kco_format_json_string(const char *s, size_t n, kco_buf_t *out) {
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

static const char *kco_format_json_extension(const kco_format_t *fmt) {
        (void)fmt;
        return ".json";
}

static int kco_format_json_write(kco_format_writer_t *w, const kco_record_t *rec, kco_buf_t *out, kco_err_t *err) {
        (void)w;
        const kco_data_t *v = &rec->value;
        switch (v->type) {
        case KCO_DATA_VALUE:
                return kco_err_set(err, KCO_ERR_DATA, 0, "JsonFormat: typed values are not written yet");
        case KCO_DATA_NULL:
                kco_buf_append(out, "null", 4);
                break;
        case KCO_DATA_BYTES:
                kco_format_json_base64((const unsigned char *)v->ptr, v->len, out);
                break;
        case KCO_DATA_STRING:
                if (kco_json_scan_valid(v->ptr, v->len))
                        kco_json_scan_to_line(v->ptr, v->len, out);
                else
                        kco_format_json_string(v->ptr, v->len, out);
                break;
        }
        kco_buf_putc(out, '\n');
        return 0;
}

const kco_format_ops_t kco_format_json_ops = {
        "JsonFormat",         kco_format_json_extension, kco_format_plain_open,
        kco_format_json_write, kco_format_plain_close,     kco_format_plain_discard,
};
