/*
 * kco_pq_writer.h - a Parquet file writer that streams: values arrive one
 * leaf slot at a time with their definition and repetition levels (already
 * shredded), or a record's slots at once (kco_pq_put_row); a row group is
 * encoded into column chunks (data pages v1,
 * RLE_DICTIONARY with fallback to PLAIN, page codec, statistics) once it
 * holds row_group_size bytes, and handed out; the footer comes at close.
 *
 * Owns: the schema copy, per column: the buffered levels and values of the
 * current row group, its dictionary, statistics; the file's row groups'
 * metadata. One file, one thread (the task's). Must never: buffer more than
 * one row group; emit a byte of a row group before the whole group is
 * encoded (out only ever grows by complete row groups, then the footer).
 */
#ifndef KCO_PQ_WRITER_H
#define KCO_PQ_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "core/kco_buf.h"
#include "core/kco_err.h"
#include "format/parquet/kco_pq_meta.h"

/* A leaf column of the schema, in depth-first schema order. */
typedef struct kco_pq_column_desc_s {
        int32_t physical;    /* KCO_PQ_BOOLEAN ... KCO_PQ_FIXED_LEN_BYTE_ARRAY (not INT96) */
        int32_t type_length; /* FIXED_LEN_BYTE_ARRAY */
        int max_def;
        int max_rep;
        const char *const *path; /* path_in_schema: names from below the root to the leaf */
        int npath;
        int stats_signed; /* 1: statistics compare as signed numbers (INT32/INT64 except unsigned logical types,
                           * FLOAT, DOUBLE, BOOLEAN); 0: unsigned bytewise (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY:
                           * strings, decimals stored as bytes are NOT written with statistics: stats_none) */
        int stats_none;   /* 1: no min/max (e.g. decimals in BYTE_ARRAY/FLBA, whose order is signed) */
} kco_pq_column_desc_t;

typedef struct kco_pq_writer_opts_s {
        int codec;             /* KCO_PQ_CODEC_UNCOMPRESSED | SNAPPY | GZIP | ZSTD | LZ4_RAW (7) */
        int level;             /* codec level; -1 default */
        size_t page_size;      /* a data page is cut once its values reach this many bytes (oss.parquet.page.size) */
        size_t row_group_size; /* a row group is emitted once its buffered data reaches this (oss.parquet.block.size) */
        size_t dict_max_bytes; /* a column's dictionary beyond this falls back to PLAIN for the rest of the chunk */
        int dictionary;        /* 0: PLAIN only */
        int dict_check;        /* 1: parquet-java's first-page check drops a dictionary that does not pay */
        const char *created_by;
} kco_pq_writer_opts_t;

/* One value of a leaf slot. For BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY, b.p/b.n (copied by the writer). */
typedef union kco_pq_val_u {
        int32_t i32;
        int64_t i64;
        float f;
        double d;
        int boolean;
        struct {
                const void *p;
                size_t n;
        } b;
} kco_pq_val_t;

/* One leaf slot of a shredded record: column, levels, and the value when has_value. */
typedef struct kco_pq_slot_s {
        size_t col;
        int def, rep;
        int has_value;
        kco_pq_val_t v;
} kco_pq_slot_t;

typedef struct kco_pq_writer_s kco_pq_writer_t;

/* schema: the flattened schema elements (root first, depth-first, as in FileMetaData.schema); cols: its
 * leaves in the same order. Both are copied. */
kco_pq_writer_t *kco_pq_writer_new(const kco_pq_schema_elem_t *schema, size_t nschema,
                                   const kco_pq_column_desc_t *cols, size_t ncols, const kco_pq_writer_opts_t *opts);
void kco_pq_writer_destroy(kco_pq_writer_t *w);

/* One leaf slot of column col: v is NULL exactly when def < max_def. */
void kco_pq_put(kco_pq_writer_t *w, size_t col, int def, int rep, const kco_pq_val_t *v);
/* Ends a record (every column got its slots for it). */
void kco_pq_end_row(kco_pq_writer_t *w);
/* A whole record: kco_pq_put of each of the n slots in order, then kco_pq_end_row. */
void kco_pq_put_row(kco_pq_writer_t *w, const kco_pq_slot_t *slots, size_t n);

/* Appends to out: "PAR1" the first time, then the current row group if it is full (or if force). 0, or -1
 * with err (a codec failure). */
int kco_pq_flush(kco_pq_writer_t *w, kco_buf_t *out, int force, kco_err_t *err);
/* Emits the last row group (if it has rows), the footer with the key-value metadata, its length and "PAR1". */
int kco_pq_close(kco_pq_writer_t *w, kco_buf_t *out, const kco_pq_kv_t *kv, size_t nkv, kco_err_t *err);

/* Bytes held for the current row group (for the memory budget). */
size_t kco_pq_buffered(const kco_pq_writer_t *w);
int64_t kco_pq_rows(const kco_pq_writer_t *w);

#endif
