/*
 * kco_proto_text.c - protobuf text format of a protobuf-c message, printed
 * the way protobuf-java's TextFormat.printToString prints a message: the
 * fields that are set, in field-number order, "name: value" one per line
 * (one line per element of a repeated field), nested messages as
 * "name {" ... "}" indented by two spaces, enums by value name, strings and
 * bytes quoted with TextFormat's escapes (\a \b \f \n \r \t \v \\ \' \", other
 * bytes outside 0x20..0x7e as three-digit octal, so UTF-8 text is escaped
 * byte by byte). Used for the DescriptorProto parquet-protobuf stores in the
 * Parquet footer (parquet.proto.descriptor).
 *
 * Owns: nothing (the text goes to the caller's arena). Runs on the thread
 * that loads the schemas. Must never: print a field that is not set, or
 * depend on the locale. Unknown fields (options protoc did not know) and
 * extensions are not printed.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/kco_proto_internal.h"

static void kco_proto_text_msg(kco_buf_t *b, const ProtobufCMessage *m, int depth);

static void kco_proto_text_indent(kco_buf_t *b, int depth) {
        for (int i = 0; i < depth; i++)
                kco_buf_puts(b, "  ");
}

static void kco_proto_text_quoted(kco_buf_t *b, const uint8_t *s, size_t n) {
        kco_buf_putc(b, '"');
        for (size_t i = 0; i < n; i++) {
                uint8_t c = s[i];
                const char *esc = NULL;
                switch (c) {
                case 0x07:
                        esc = "\\a";
                        break;
                case '\b':
                        esc = "\\b";
                        break;
                case '\f':
                        esc = "\\f";
                        break;
                case '\n':
                        esc = "\\n";
                        break;
                case '\r':
                        esc = "\\r";
                        break;
                case '\t':
                        esc = "\\t";
                        break;
                case '\v':
                        esc = "\\v";
                        break;
                case '\\':
                        esc = "\\\\";
                        break;
                case '\'':
                        esc = "\\'";
                        break;
                case '"':
                        esc = "\\\"";
                        break;
                default:
                        break;
                }
                if (esc) {
                        kco_buf_puts(b, esc);
                } else if (c >= 0x20 && c <= 0x7e) {
                        kco_buf_putc(b, (char)c);
                } else {
                        char o[5] = {'\\', (char)('0' + ((c >> 6) & 3)), (char)('0' + ((c >> 3) & 7)),
                                     (char)('0' + (c & 7)), '\0'};
                        kco_buf_puts(b, o);
                }
        }
        kco_buf_putc(b, '"');
}

/* Java's Double.toString / Float.toString for the usual values: the shortest decimal that reads back as the
 * same number, with ".0" for integral values, "E" exponents outside [1e-3, 1e7), "NaN", "Infinity". */
static void kco_proto_text_real(kco_buf_t *b, double v, int is_float) {
        char s[64];
        if (isnan(v)) {
                kco_buf_puts(b, "NaN");
                return;
        }
        if (isinf(v)) {
                kco_buf_puts(b, v < 0 ? "-Infinity" : "Infinity");
                return;
        }
        int prec;
        for (prec = 1; prec < 17; prec++) {
                snprintf(s, sizeof(s), "%.*e", prec - 1, v);
                if (is_float ? (float)strtod(s, NULL) == (float)v : strtod(s, NULL) == v)
                        break;
        }
        snprintf(s, sizeof(s), "%.*e", prec - 1, v);
        /* s = [-]d[.ddd]e[+-]xx: digits and exponent */
        char digits[32];
        size_t nd = 0;
        const char *p = s;
        int neg = 0;
        if (*p == '-') {
                neg = 1;
                p++;
        }
        for (; *p && *p != 'e'; p++)
                if (*p >= '0' && *p <= '9')
                        digits[nd++] = *p;
        int exp10 = *p == 'e' ? atoi(p + 1) : 0;
        while (nd > 1 && digits[nd - 1] == '0')
                nd--;
        if (neg)
                kco_buf_putc(b, '-');
        double a = fabs(v);
        if (a == 0 || (a >= 1e-3 && a < 1e7)) {
                if (exp10 >= 0) {
                        for (int i = 0; i <= exp10; i++)
                                kco_buf_putc(b, (size_t)i < nd ? digits[i] : '0');
                        kco_buf_putc(b, '.');
                        if ((size_t)exp10 + 1 >= nd)
                                kco_buf_putc(b, '0');
                        else
                                kco_buf_append(b, digits + exp10 + 1, nd - (size_t)exp10 - 1);
                } else {
                        kco_buf_puts(b, "0.");
                        for (int i = -1; i > exp10; i--)
                                kco_buf_putc(b, '0');
                        kco_buf_append(b, digits, nd);
                }
        } else {
                kco_buf_putc(b, digits[0]);
                kco_buf_putc(b, '.');
                if (nd > 1)
                        kco_buf_append(b, digits + 1, nd - 1);
                else
                        kco_buf_putc(b, '0');
                char e[16];
                snprintf(e, sizeof(e), "E%d", exp10);
                kco_buf_puts(b, e);
        }
}

/* Bytes one element of a repeated field of this type takes in protobuf-c's arrays. */
static size_t kco_proto_text_elt_size(ProtobufCType t) {
        switch (t) {
        case PROTOBUF_C_TYPE_INT32:
        case PROTOBUF_C_TYPE_SINT32:
        case PROTOBUF_C_TYPE_SFIXED32:
        case PROTOBUF_C_TYPE_UINT32:
        case PROTOBUF_C_TYPE_FIXED32:
        case PROTOBUF_C_TYPE_FLOAT:
        case PROTOBUF_C_TYPE_ENUM:
                return 4;
        case PROTOBUF_C_TYPE_INT64:
        case PROTOBUF_C_TYPE_SINT64:
        case PROTOBUF_C_TYPE_SFIXED64:
        case PROTOBUF_C_TYPE_UINT64:
        case PROTOBUF_C_TYPE_FIXED64:
        case PROTOBUF_C_TYPE_DOUBLE:
                return 8;
        case PROTOBUF_C_TYPE_BOOL:
                return sizeof(protobuf_c_boolean);
        case PROTOBUF_C_TYPE_STRING:
                return sizeof(char *);
        case PROTOBUF_C_TYPE_BYTES:
                return sizeof(ProtobufCBinaryData);
        case PROTOBUF_C_TYPE_MESSAGE:
                return sizeof(ProtobufCMessage *);
        }
        return 0;
}

/* Whether a singular value at p is set, for fields without a has_ flag (strings, bytes, messages, proto3). */
static int kco_proto_text_nonempty(const ProtobufCFieldDescriptor *f, const void *p) {
        switch (f->type) {
        case PROTOBUF_C_TYPE_STRING: {
                const char *s = *(const char *const *)p;
                if (!s || s == f->default_value)
                        return 0;
                return f->label != PROTOBUF_C_LABEL_NONE || s[0] != '\0';
        }
        case PROTOBUF_C_TYPE_MESSAGE:
                return *(const void *const *)p != NULL;
        case PROTOBUF_C_TYPE_BYTES: {
                const ProtobufCBinaryData *d = p;
                if (f->label != PROTOBUF_C_LABEL_NONE)
                        return d->data != NULL &&
                               !(f->default_value && d->data == ((const ProtobufCBinaryData *)f->default_value)->data);
                return d->len > 0;
        }
        default: {
                /* proto3 scalar: set when not zero */
                size_t n = kco_proto_text_elt_size(f->type);
                const uint8_t *b = p;
                for (size_t i = 0; i < n; i++)
                        if (b[i])
                                return 1;
                return 0;
        }
        }
}

static void kco_proto_text_value(kco_buf_t *b, const ProtobufCFieldDescriptor *f, const void *p, int depth) {
        char s[40];
        kco_proto_text_indent(b, depth);
        kco_buf_puts(b, f->name);
        switch (f->type) {
        case PROTOBUF_C_TYPE_MESSAGE:
                kco_buf_puts(b, " {\n");
                kco_proto_text_msg(b, *(const ProtobufCMessage *const *)p, depth + 1);
                kco_proto_text_indent(b, depth);
                kco_buf_puts(b, "}\n");
                return;
        case PROTOBUF_C_TYPE_INT32:
        case PROTOBUF_C_TYPE_SINT32:
        case PROTOBUF_C_TYPE_SFIXED32:
                snprintf(s, sizeof(s), "%" PRId32, *(const int32_t *)p);
                break;
        case PROTOBUF_C_TYPE_UINT32:
        case PROTOBUF_C_TYPE_FIXED32:
                snprintf(s, sizeof(s), "%" PRIu32, *(const uint32_t *)p);
                break;
        case PROTOBUF_C_TYPE_INT64:
        case PROTOBUF_C_TYPE_SINT64:
        case PROTOBUF_C_TYPE_SFIXED64:
                snprintf(s, sizeof(s), "%" PRId64, *(const int64_t *)p);
                break;
        case PROTOBUF_C_TYPE_UINT64:
        case PROTOBUF_C_TYPE_FIXED64:
                snprintf(s, sizeof(s), "%" PRIu64, *(const uint64_t *)p);
                break;
        case PROTOBUF_C_TYPE_BOOL:
                snprintf(s, sizeof(s), "%s", *(const protobuf_c_boolean *)p ? "true" : "false");
                break;
        case PROTOBUF_C_TYPE_ENUM: {
                int v = *(const int *)p;
                const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(f->descriptor, v);
                if (ev) {
                        kco_buf_puts(b, ": ");
                        kco_buf_puts(b, ev->name);
                        kco_buf_putc(b, '\n');
                        return;
                }
                snprintf(s, sizeof(s), "%d", v);
                break;
        }
        case PROTOBUF_C_TYPE_FLOAT:
        case PROTOBUF_C_TYPE_DOUBLE:
                kco_buf_puts(b, ": ");
                if (f->type == PROTOBUF_C_TYPE_FLOAT)
                        kco_proto_text_real(b, *(const float *)p, 1);
                else
                        kco_proto_text_real(b, *(const double *)p, 0);
                kco_buf_putc(b, '\n');
                return;
        case PROTOBUF_C_TYPE_STRING: {
                const char *str = *(const char *const *)p;
                kco_buf_puts(b, ": ");
                kco_proto_text_quoted(b, (const uint8_t *)(str ? str : ""), str ? strlen(str) : 0);
                kco_buf_putc(b, '\n');
                return;
        }
        case PROTOBUF_C_TYPE_BYTES: {
                const ProtobufCBinaryData *d = p;
                kco_buf_puts(b, ": ");
                kco_proto_text_quoted(b, d->data, d->data ? d->len : 0);
                kco_buf_putc(b, '\n');
                return;
        }
        }
        kco_buf_puts(b, ": ");
        kco_buf_puts(b, s);
        kco_buf_putc(b, '\n');
}

static void kco_proto_text_msg(kco_buf_t *b, const ProtobufCMessage *m, int depth) {
        if (!m)
                return;
        const ProtobufCMessageDescriptor *d = m->descriptor;
        const uint8_t *base = (const uint8_t *)m;
        /* protobuf-c keeps the field descriptors sorted by number: TextFormat's order */
        for (unsigned i = 0; i < d->n_fields; i++) {
                const ProtobufCFieldDescriptor *f = &d->fields[i];
                const void *member = base + f->offset;
                if (f->label == PROTOBUF_C_LABEL_REPEATED) {
                        size_t n = *(const size_t *)(base + f->quantifier_offset);
                        const uint8_t *arr = *(const uint8_t *const *)member;
                        size_t sz = kco_proto_text_elt_size(f->type);
                        for (size_t k = 0; arr && k < n; k++)
                                kco_proto_text_value(b, f, arr + k * sz, depth);
                        continue;
                }
                int set;
                if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
                        set = *(const uint32_t *)(base + f->quantifier_offset) == f->id;
                } else if (f->label == PROTOBUF_C_LABEL_REQUIRED) {
                        set = f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE
                                      ? *(const void *const *)member != NULL
                                      : 1;
                } else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_STRING &&
                           f->type != PROTOBUF_C_TYPE_MESSAGE) {
                        set = *(const protobuf_c_boolean *)(base + f->quantifier_offset) != 0;
                } else {
                        set = kco_proto_text_nonempty(f, member);
                }
                if (set)
                        kco_proto_text_value(b, f, member, depth);
        }
}

char *kco_proto_text(kco_arena_t *a, const ProtobufCMessage *m) {
        kco_buf_t b;
        kco_buf_init(&b);
        kco_proto_text_msg(&b, m, 0);
        char *s = kco_arena_strndup(a, b.data ? b.data : "", b.len);
        kco_buf_free(&b);
        return s;
}
