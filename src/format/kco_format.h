/*
 * kco_format.h - record -> bytes of one output file (format.class).
 *
 * Owns: a format's settings (kco_format_t, one per task) and the state of one
 * file being written (kco_format_writer_t: headers written, schema, ...).
 * Task thread; no locking. Must never: keep pointers into a record after
 * write returns (records die with their Kafka message).
 */
#ifndef KCO_FORMAT_H
#define KCO_FORMAT_H

#include "core/kco_buf.h"
#include "core/kco_err.h"
#include "record/kco_record.h"
#include "worker/kco_conf.h"

typedef struct kco_format_s kco_format_t;
typedef struct kco_format_writer_s kco_format_writer_t;

typedef struct kco_format_ops_s {
        const char *name;
        /* File extension, before any compression suffix (".json"). */
        const char *(*extension)(const kco_format_t *fmt);
        /* Starts a file; may append a header to out. */
        kco_format_writer_t *(*open)(kco_format_t *fmt, kco_buf_t *out, kco_err_t *err);
        /* Appends one record. On error nothing is appended. */
        int (*write)(kco_format_writer_t *w, const kco_record_t *rec, kco_buf_t *out, kco_err_t *err);
        /* Appends any trailer and frees the writer. */
        int (*close)(kco_format_writer_t *w, kco_buf_t *out, kco_err_t *err);
        /* Frees the writer without finishing the file. */
        void (*discard)(kco_format_writer_t *w);
        /* Bytes the writer holds in memory besides out (Parquet: the row group being built); NULL: none. */
        size_t (*held)(const kco_format_writer_t *w);
} kco_format_ops_t;

struct kco_format_s {
        const kco_format_ops_t *ops;
        const kco_conf_t *conf;
};

struct kco_format_writer_s {
        kco_format_t *fmt;
};

kco_format_t *kco_format_new(const kco_conf_t *conf);
void kco_format_destroy(kco_format_t *fmt);

extern const kco_format_ops_t kco_format_bytearray_ops;
extern const kco_format_ops_t kco_format_json_ops;
extern const kco_format_ops_t kco_format_avro_ops;
extern const kco_format_ops_t kco_format_parquet_avro_ops;
extern const kco_format_ops_t kco_format_parquet_json_ops;

/* Stateless formats share this writer: open/close/discard. */
kco_format_writer_t *kco_format_plain_open(kco_format_t *fmt, kco_buf_t *out, kco_err_t *err);
int kco_format_plain_close(kco_format_writer_t *w, kco_buf_t *out, kco_err_t *err);
void kco_format_plain_discard(kco_format_writer_t *w);

#endif
