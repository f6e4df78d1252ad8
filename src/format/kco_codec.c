/*
 * kco_codec.c - gzip (zlib deflate with a gzip wrapper) and zstd streaming
 * compressors behind one small interface. Task thread.
 */
#include "format/kco_codec.h"

#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include "core/kco_mem.h"
#include "worker/kco_conf.h"

struct kco_codec_s {
        int type;
        z_stream z;
        ZSTD_CCtx *zc;
};

const char *kco_codec_extension(int type) {
        return type == KCO_COMPRESS_GZIP ? ".gz" : type == KCO_COMPRESS_ZSTD ? ".zst" : "";
}

kco_codec_t *kco_codec_new(int type, int level) {
        if (type == KCO_COMPRESS_NONE)
                return NULL;
        kco_codec_t *c = kco_calloc(1, sizeof(*c));
        c->type = type;
        if (type == KCO_COMPRESS_GZIP) {
                /* 15 + 16: a gzip header and trailer around raw deflate */
                if (deflateInit2(&c->z, level < 0 ? 6 : level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
                        abort(); /* only fails on bad arguments or no memory */
        } else {
                c->zc = ZSTD_createCCtx();
                if (!c->zc)
                        abort();
                ZSTD_CCtx_setParameter(c->zc, ZSTD_c_compressionLevel, level < 0 ? 3 : level);
                ZSTD_CCtx_setParameter(c->zc, ZSTD_c_checksumFlag, 1);
        }
        return c;
}

static int kco_codec_gzip(kco_codec_t *c, const void *in, size_t n, int flush, kco_buf_t *out, kco_err_t *err) {
        c->z.next_in = (Bytef *)(uintptr_t)in;
        c->z.avail_in = (uInt)n;
        for (;;) {
                kco_buf_reserve(out, 64 * 1024);
                c->z.next_out = (Bytef *)out->data + out->len;
                c->z.avail_out = (uInt)(out->cap - out->len);
                int rc = deflate(&c->z, flush);
                out->len = out->cap - c->z.avail_out;
                if (rc == Z_STREAM_END)
                        return 0;
                if (rc != Z_OK && rc != Z_BUF_ERROR)
                        return kco_err_set(err, KCO_ERR_IO, 0, "gzip compression failed (%d)", rc);
                if (c->z.avail_in == 0 && c->z.avail_out != 0 && flush == Z_NO_FLUSH)
                        return 0;
        }
}

static int kco_codec_zstd(kco_codec_t *c, const void *in, size_t n, ZSTD_EndDirective mode, kco_buf_t *out,
                          kco_err_t *err) {
        ZSTD_inBuffer ib = {in, n, 0};
        for (;;) {
                kco_buf_reserve(out, ZSTD_CStreamOutSize());
                ZSTD_outBuffer ob = {out->data + out->len, out->cap - out->len, 0};
                size_t rem = ZSTD_compressStream2(c->zc, &ob, &ib, mode);
                out->len += ob.pos;
                if (ZSTD_isError(rem))
                        return kco_err_set(err, KCO_ERR_IO, 0, "zstd compression failed: %s", ZSTD_getErrorName(rem));
                if (mode == ZSTD_e_end ? rem == 0 : ib.pos == ib.size)
                        return 0;
        }
}

int kco_codec_write(kco_codec_t *c, const void *in, size_t n, kco_buf_t *out, kco_err_t *err) {
        if (c->type == KCO_COMPRESS_GZIP)
                return kco_codec_gzip(c, in, n, Z_NO_FLUSH, out, err);
        return kco_codec_zstd(c, in, n, ZSTD_e_continue, out, err);
}

int kco_codec_finish(kco_codec_t *c, kco_buf_t *out, kco_err_t *err) {
        if (c->type == KCO_COMPRESS_GZIP)
                return kco_codec_gzip(c, NULL, 0, Z_FINISH, out, err);
        return kco_codec_zstd(c, NULL, 0, ZSTD_e_end, out, err);
}

void kco_codec_destroy(kco_codec_t *c) {
        if (!c)
                return;
        if (c->type == KCO_COMPRESS_GZIP)
                deflateEnd(&c->z);
        else
                ZSTD_freeCCtx(c->zc);
        free(c);
}
