/*
 * kco_file.h - one output file being written: format -> (compression) ->
 * store upload, in chunks, so memory per open file stays bounded.
 *
 * Owns: the format writer, codec, staging buffers and upload of one file.
 * Task thread. Must never: make the object visible except in kco_file_commit.
 */
#ifndef KCO_FILE_H
#define KCO_FILE_H

#include <stdint.h>

#include "core/kco_buf.h"
#include "core/kco_err.h"
#include "format/kco_codec.h"
#include "format/kco_format.h"
#include "record/kco_record.h"
#include "store/kco_store.h"

typedef struct kco_file_s {
        char *encoded;        /* encoded partition it belongs to */
        char *key;            /* object key */
        int64_t start_offset; /* Kafka offset of its first record */
        int64_t records;
        uint64_t bytes_out; /* bytes handed to the store */
        uint64_t bytes_in;  /* bytes the format produced (before whole-object compression) */
        kco_upload_t *up;
        kco_format_writer_t *fw;
        kco_codec_t *codec;
        kco_buf_t raw; /* formatted, not yet compressed */
        kco_buf_t z;   /* compressed, not yet uploaded */
        int64_t held; /* the bytes last counted in the memory budget (the sink's) */
} kco_file_t;

kco_file_t *kco_file_open(kco_format_t *fmt, kco_store_t *st, int compression, int level, const char *encoded,
                          const char *key, int64_t start_offset, kco_err_t *err);
int kco_file_append(kco_file_t *f, const kco_record_t *rec, kco_err_t *err);
/* Finishes, uploads the rest and commits; frees f either way. */
int kco_file_commit(kco_file_t *f, uint64_t *bytes_out, kco_err_t *err);
/* Finishes and uploads the rest without making the object visible (the
 * store's two-phase commit); returns the store's token for it (the caller
 * frees it), NULL on error. Frees f either way. */
char *kco_file_prepare(kco_file_t *f, uint64_t *bytes_out, kco_err_t *err);
/* Bytes the file holds in memory now: staging buffers, the format's, the upload's. */
size_t kco_file_held(const kco_file_t *f);
/* Discards the file and its upload; frees f. */
void kco_file_abort(kco_file_t *f);

#endif
