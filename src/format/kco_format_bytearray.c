/*
 * kco_format_bytearray.c - ByteArrayFormat: each value's bytes followed by
 * format.bytearray.separator, extension format.bytearray.extension.
 *
 * Task thread. Tombstones reach it only with behavior.on.null.values=write and
 * are written as an empty value (the Java connector crashes on them).
 */
#include "format/kco_format.h"

static const char *kco_format_bytearray_extension(const kco_format_t *fmt) {
        return fmt->conf->bytearray_extension;
}

static int kco_format_bytearray_write(kco_format_writer_t *w, const kco_record_t *rec, kco_buf_t *out,
                                      kco_err_t *err) {
        const char *sep = w->fmt->conf->bytearray_separator;
        const char *p = rec->value.ptr;
        size_t n = rec->value.len;
        if (rec->value.type == KCO_DATA_VALUE) {
                const kco_value_t *v = rec->value.v;
                if (v->type != KCO_TYPE_BYTES && v->type != KCO_TYPE_STRING && v->type != KCO_TYPE_NULL)
                        return kco_err_set(err, KCO_ERR_DATA, 0, "ByteArrayFormat writes bytes or strings, not %s",
                                           kco_type_name(v->type));
                p = v->type == KCO_TYPE_NULL ? NULL : v->u.s.ptr;
                n = v->type == KCO_TYPE_NULL ? 0 : v->u.s.len;
        }
        kco_buf_reserve(out, n + strlen(sep));
        kco_buf_append(out, p, n);
        kco_buf_puts(out, sep);
        return 0;
}

const kco_format_ops_t kco_format_bytearray_ops = {
        "ByteArrayFormat",       kco_format_bytearray_extension, kco_format_plain_open,
        kco_format_bytearray_write, kco_format_plain_close,         kco_format_plain_discard,
        NULL,
};
