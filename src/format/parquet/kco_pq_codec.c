/*
 * kco_pq_codec.c - the page compressor of the Parquet writer (see
 * kco_pq_codec.h): snappy, gzip (zlib, a gzip stream as parquet-java's
 * GzipCodec writes), zstd (one frame a page, level 3 unless set), lz4 raw.
 *
 * Owns: the zlib stream and zstd context (made at first use, kept for the
 * file's pages), the output buffer. The file writer's thread.
 */
#include "format/parquet/kco_pq_codec.h"

#include <lz4.h>
#include <snappy-c.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "format/parquet/kco_pq_meta.h"

void kco_pq_codec_init(kco_pq_codec_t *c, int codec, int level) {
        memset(c, 0, sizeof(*c));
        c->codec = codec;
        c->level = level;
        kco_buf_init(&c->out);
}

void kco_pq_codec_free(kco_pq_codec_t *c) {
        if (c->z) {
                deflateEnd(c->z);
                free(c->z);
        }
        ZSTD_freeCCtx(c->zc);
        kco_buf_free(&c->out);
        c->z = NULL;
        c->zc = NULL;
}

int kco_pq_codec_compress(kco_pq_codec_t *w, const kco_buf_t *in, const kco_buf_t **res, kco_err_t *err) {
        kco_buf_t *out = &w->out;
        out->len = 0;
        switch (w->codec) {
        case KCO_PQ_CODEC_UNCOMPRESSED: *res = in; return 0;
        case KCO_PQ_CODEC_SNAPPY: {
                size_t n = snappy_max_compressed_length(in->len);
                kco_buf_reserve(out, n);
                if (snappy_compress(in->data ? in->data : "", in->len, out->data, &n) != SNAPPY_OK)
                        return kco_err_set(err, KCO_ERR_IO, 0, "parquet: snappy compression failed");
                out->len = n;
                break;
        }
        case KCO_PQ_CODEC_GZIP: {
                z_stream *z = w->z;
                if (!z) {
                        int lvl = w->level < 0 ? 6 : w->level;
                        z = kco_calloc(1, sizeof(*z));
                        if (deflateInit2(z, lvl, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
                                free(z);
                                return kco_err_set(err, KCO_ERR_IO, 0, "parquet: gzip init failed");
                        }
                        w->z = z;
                } else {
                        deflateReset(z);
                }
                size_t bound = deflateBound(z, (uLong)in->len) + 32;
                kco_buf_reserve(out, bound);
                z->next_in = (Bytef *)(uintptr_t)(in->data ? in->data : "");
                z->avail_in = (uInt)in->len;
                z->next_out = (Bytef *)out->data;
                z->avail_out = (uInt)bound;
                int rc = deflate(z, Z_FINISH);
                if (rc != Z_STREAM_END)
                        return kco_err_set(err, KCO_ERR_IO, 0, "parquet: gzip compression failed (%d)", rc);
                out->len = bound - z->avail_out;
                break;
        }
        case KCO_PQ_CODEC_ZSTD: {
                if (!w->zc) {
                        w->zc = ZSTD_createCCtx();
                        if (!w->zc)
                                return kco_err_set(err, KCO_ERR_IO, 0, "parquet: zstd init failed");
                }
                size_t bound = ZSTD_compressBound(in->len);
                kco_buf_reserve(out, bound);
                size_t n = ZSTD_compressCCtx(w->zc, out->data, bound, in->data ? in->data : "", in->len,
                                             w->level < 0 ? 3 : w->level);
                if (ZSTD_isError(n))
                        return kco_err_set(err, KCO_ERR_IO, 0, "parquet: zstd compression failed: %s",
                                           ZSTD_getErrorName(n));
                out->len = n;
                break;
        }
        case KCO_PQ_CODEC_LZ4_RAW: {
                if (in->len > (size_t)LZ4_MAX_INPUT_SIZE)
                        return kco_err_set(err, KCO_ERR_IO, 0, "parquet: page too large for lz4");
                int bound = LZ4_compressBound((int)in->len);
                kco_buf_reserve(out, (size_t)bound + 1);
                int n = LZ4_compress_default(in->data ? in->data : "", out->data, (int)in->len, bound);
                if (n <= 0 && in->len > 0)
                        return kco_err_set(err, KCO_ERR_IO, 0, "parquet: lz4 compression failed");
                out->len = (size_t)(n > 0 ? n : 0);
                break;
        }
        default: return kco_err_set(err, KCO_ERR_CONFIG, 0, "parquet: unknown codec %d", w->codec);
        }
        *res = out;
        return 0;
}

