/*
 * kco_file.c - writes one object: records are formatted into a staging
 * buffer; every KCO_FILE_CHUNK bytes the buffer goes through the codec (if
 * any) to the store upload. Task thread.
 */
#include "sink/kco_file.h"

#include <stdlib.h>

#include "core/kco_mem.h"

#define KCO_FILE_CHUNK (256 * 1024)

static void kco_file_free(kco_file_t *f) {
        kco_codec_destroy(f->codec);
        kco_buf_free(&f->raw);
        kco_buf_free(&f->z);
        free(f->encoded);
        free(f->key);
        free(f);
}

/* Moves staged bytes towards the store; final also ends the codec stream. */
static int kco_file_drain(kco_file_t *f, int final, kco_err_t *err) {
        kco_buf_t *send = &f->raw;
        if (f->codec) {
                if (f->raw.len && kco_codec_write(f->codec, f->raw.data, f->raw.len, &f->z, err))
                        return -1;
                f->raw.len = 0;
                if (final && kco_codec_finish(f->codec, &f->z, err))
                        return -1;
                send = &f->z;
        }
        if (send->len) {
                if (kco_upload_write(f->up, send->data, send->len, err))
                        return -1;
                f->bytes_out += send->len;
                send->len = 0;
        }
        return 0;
}

kco_file_t *kco_file_open(kco_format_t *fmt, kco_store_t *st, int compression, int level, const char *encoded,
                          const char *key, int64_t start_offset, kco_err_t *err) {
        kco_file_t *f = kco_calloc(1, sizeof(*f));
        f->encoded = kco_strdup(encoded);
        f->key = kco_strdup(key);
        f->start_offset = start_offset;
        kco_buf_init(&f->raw);
        kco_buf_init(&f->z);
        f->up = kco_store_open(st, key, err);
        if (!f->up) {
                kco_file_free(f);
                return NULL;
        }
        f->codec = kco_codec_new(compression, level);
        f->fw = fmt->ops->open(fmt, &f->raw, err);
        if (!f->fw) {
                kco_upload_abort(f->up);
                kco_file_free(f);
                return NULL;
        }
        return f;
}

int kco_file_append(kco_file_t *f, const kco_record_t *rec, kco_err_t *err) {
        size_t before = f->raw.len;
        if (f->fw->fmt->ops->write(f->fw, rec, &f->raw, err))
                return -1;
        f->bytes_in += f->raw.len - before;
        f->records++;
        if (f->raw.len >= KCO_FILE_CHUNK)
                return kco_file_drain(f, 0, err);
        return 0;
}

/* Ends the format and the codec and sends every byte to the upload; aborts the upload on error. */
static int kco_file_finish_bytes(kco_file_t *f, kco_err_t *err) {
        kco_format_writer_t *fw = f->fw;
        f->fw = NULL;
        int rc = fw->fmt->ops->close(fw, &f->raw, err);
        if (!rc)
                rc = kco_file_drain(f, 1, err);
        if (rc)
                kco_upload_abort(f->up);
        return rc;
}

int kco_file_commit(kco_file_t *f, uint64_t *bytes_out, kco_err_t *err) {
        int rc = kco_file_finish_bytes(f, err);
        if (!rc)
                rc = kco_upload_commit(f->up, err);
        *bytes_out = f->bytes_out;
        kco_file_free(f);
        return rc;
}

char *kco_file_prepare(kco_file_t *f, uint64_t *bytes_out, kco_err_t *err) {
        char *token = NULL;
        if (!kco_file_finish_bytes(f, err))
                token = kco_upload_prepare(f->up, err);
        *bytes_out = f->bytes_out;
        kco_file_free(f);
        return token;
}

size_t kco_file_held(const kco_file_t *f) {
        size_t n = f->raw.cap + f->z.cap;
        if (f->fw && f->fw->fmt->ops->held)
                n += f->fw->fmt->ops->held(f->fw);
        return n + kco_upload_held(f->up);
}

void kco_file_abort(kco_file_t *f) {
        if (f->fw)
                f->fw->fmt->ops->discard(f->fw);
        kco_upload_abort(f->up);
        kco_file_free(f);
}
