/*
 * kco_format.c - the format table and the writer shared by formats that
 * keep no per-file state (ByteArray, JSON lines).
 * Task thread.
 */
#include "format/kco_format.h"

#include <stdlib.h>

#include "core/kco_mem.h"

static const kco_format_ops_t *const kco_formats[] = {
        [KCO_FORMAT_BYTEARRAY] = &kco_format_bytearray_ops,
        [KCO_FORMAT_JSON] = &kco_format_json_ops,
        [KCO_FORMAT_AVRO] = &kco_format_avro_ops,
        [KCO_FORMAT_PARQUET_AVRO] = &kco_format_parquet_avro_ops,
        [KCO_FORMAT_PARQUET_JSON] = &kco_format_parquet_json_ops,
};

kco_format_t *kco_format_new(const kco_conf_t *conf) {
        kco_format_t *fmt = kco_calloc(1, sizeof(*fmt));
        fmt->ops = kco_formats[conf->format];
        fmt->conf = conf;
        return fmt;
}

void kco_format_destroy(kco_format_t *fmt) {
        free(fmt);
}

kco_format_writer_t *kco_format_plain_open(kco_format_t *fmt, kco_buf_t *out, kco_err_t *err) {
        (void)out, (void)err;
        kco_format_writer_t *w = kco_calloc(1, sizeof(*w));
        w->fmt = fmt;
        return w;
}

int kco_format_plain_close(kco_format_writer_t *w, kco_buf_t *out, kco_err_t *err) {
        (void)out, (void)err;
        free(w);
        return 0;
}

void kco_format_plain_discard(kco_format_writer_t *w) {
        free(w);
}
