/*
 * kco_pq_codec.h - compressing the pages of a Parquet file with its codec
 * (oss.parquet.compression.codec): UNCOMPRESSED, SNAPPY, GZIP, ZSTD,
 * LZ4_RAW.
 *
 * Owns: the codec's state and the compressed bytes of the last page. One
 * file writer, its thread. Must never: hand out a page that did not
 * compress completely.
 */
#ifndef KCO_PQ_CODEC_H
#define KCO_PQ_CODEC_H

#include "core/kco_buf.h"
#include "core/kco_err.h"

typedef struct kco_pq_codec_s {
        int codec; /* KCO_PQ_CODEC_* */
        int level; /* -1: the codec's default (gzip 6, zstd 3) */
        void *z;   /* z_stream (gzip) */
        void *zc;  /* ZSTD_CCtx */
        kco_buf_t out;
} kco_pq_codec_t;

void kco_pq_codec_init(kco_pq_codec_t *c, int codec, int level);
void kco_pq_codec_free(kco_pq_codec_t *c);

/* Compresses in: *res is then the compressed bytes (in itself when UNCOMPRESSED), valid until the next call.
 * 0, or -1 with KCO_ERR_IO (a codec failure) or KCO_ERR_CONFIG (an unknown codec). */
int kco_pq_codec_compress(kco_pq_codec_t *c, const kco_buf_t *in, const kco_buf_t **res, kco_err_t *err);

#endif
