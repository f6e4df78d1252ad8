/* placeholder until AvroFormat lands */
#include "format/kco_format.h"

static const char *kco_format_avro_extension(const kco_format_t *fmt) {
        (void)fmt;
        return ".avro";
}

static int kco_format_avro_write(kco_format_writer_t *w, const kco_record_t *rec, kco_buf_t *out, kco_err_t *err) {
        (void)w, (void)rec, (void)out;
        return kco_err_set(err, KCO_ERR_CONFIG, 0, "AvroFormat is not built yet");
}

const kco_format_ops_t kco_format_avro_ops = {
        "AvroFormat",         kco_format_avro_extension, kco_format_plain_open,
        kco_format_avro_write, kco_format_plain_close,     kco_format_plain_discard,
};
