/*
 * kco_format_json.c - JsonFormat: one JSON value per line (".json").
 *
 * A String value that holds valid JSON is written as that JSON, compacted onto
 * one line (line breaks between tokens become spaces). Any other String is
 * written as a JSON string (invalid UTF-8 replaced by U+FFFD, as Java's
 * StringConverter decodes it). Bytes are written as a base64 JSON string, as
 * Kafka Connect's JsonConverter renders BYTES. A tombstone (only with
 * behavior.on.null.values=write) is the line "null". A typed value (JsonConverter,
 * AvroConverter) is written as Kafka Connect's JsonConverter with
 * schemas.enable=false serializes it (kco_json_write_value).
 *
 * Deliberate difference from the Java connector, which writes a String value
 * as a quoted JSON string even when it holds JSON: users of JSON topics expect
 * their objects, not strings of escaped objects.
 *
 * Task thread; stateless per file.
 */
#include "format/kco_format.h"
#include "format/kco_json_scan.h"
#include "format/kco_json_write.h"
#include "format/kco_metadata.h"

#include <stdlib.h>

#include "core/kco_mem.h"

/* With format.metadata.fields.enable, a writer that can add the metadata to
 * StringConverter text holding a JSON object (other values arrive with the
 * metadata already added by the sink). */
typedef struct kco_json_writer_s {
        kco_format_writer_t base;
        kco_metadata_t *meta;
        kco_arena_t *arena;
} kco_json_writer_t;

static const char *kco_format_json_extension(const kco_format_t *fmt) {
        (void)fmt;
        return ".json";
}

static kco_format_writer_t *kco_format_json_open(kco_format_t *fmt, kco_buf_t *out, kco_err_t *err) {
        if (!fmt->conf->metadata_fields)
                return kco_format_plain_open(fmt, out, err);
        kco_json_writer_t *w = kco_calloc(1, sizeof(*w));
        w->base.fmt = fmt;
        w->meta = kco_metadata_new();
        w->arena = kco_arena_new(4096);
        return &w->base;
}

static void kco_format_json_discard(kco_format_writer_t *fw) {
        if (fw->fmt->conf->metadata_fields) {
                kco_json_writer_t *w = (kco_json_writer_t *)fw;
                kco_metadata_destroy(w->meta);
                kco_arena_destroy(w->arena);
        }
        kco_format_plain_discard(fw);
}

static int kco_format_json_close(kco_format_writer_t *fw, kco_buf_t *out, kco_err_t *err) {
        (void)out, (void)err;
        kco_format_json_discard(fw);
        return 0;
}

/* The object's text on one line with the metadata members before its closing brace. */
static int kco_format_json_object_meta(kco_json_writer_t *w, const kco_record_t *rec, kco_buf_t *out,
                                       kco_err_t *err) {
        size_t mark = out->len;
        kco_json_scan_to_line(rec->value.ptr, rec->value.len, out);
        while (out->len > mark && out->data[out->len - 1] != '}')
                out->len--; /* trailing spaces */
        out->len--;         /* the closing brace */
        size_t j = out->len;
        while (j > mark && (out->data[j - 1] == ' '))
                j--;
        out->len = j;
        if (out->data[j - 1] != '{')
                kco_buf_putc(out, ',');
        kco_arena_reset(w->arena);
        if (kco_metadata_append_json(w->meta, rec, w->arena, out, err)) {
                out->len = mark;
                return -1;
        }
        kco_buf_putc(out, '}');
        return 0;
}

static int kco_format_json_write(kco_format_writer_t *w, const kco_record_t *rec, kco_buf_t *out, kco_err_t *err) {
        const kco_data_t *v = &rec->value;
        if (w->fmt->conf->metadata_fields && kco_metadata_json_object(v)) {
                if (kco_format_json_object_meta((kco_json_writer_t *)w, rec, out, err))
                        return -1;
                kco_buf_putc(out, '\n');
                return 0;
        }
        switch (v->type) {
        case KCO_DATA_VALUE:
                if (kco_json_write_value(v->v, out, err))
                        return -1; /* nothing appended */
                break;
        case KCO_DATA_NULL:
                kco_buf_append(out, "null", 4);
                break;
        case KCO_DATA_BYTES:
                kco_json_write_base64((const unsigned char *)v->ptr, v->len, out);
                break;
        case KCO_DATA_STRING:
                if (kco_json_scan_valid(v->ptr, v->len))
                        kco_json_scan_to_line(v->ptr, v->len, out);
                else
                        kco_json_write_string(v->ptr, v->len, out);
                break;
        }
        kco_buf_putc(out, '\n');
        return 0;
}

const kco_format_ops_t kco_format_json_ops = {
        "JsonFormat",         kco_format_json_extension, kco_format_json_open,
        kco_format_json_write, kco_format_json_close,      kco_format_json_discard,
        NULL,
};
