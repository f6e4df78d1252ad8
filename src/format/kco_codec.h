/*
 * kco_codec.h - streaming whole-file compression (oss.compression.type):
 * gzip (zlib, one gzip member) and zstd (one frame).
 *
 * Owns: the compressor state of one file. Task thread.
 * Must never: buffer unboundedly; output is appended to the caller's buffer.
 */
#ifndef KCO_CODEC_H
#define KCO_CODEC_H

#include <stddef.h>

#include "core/kco_buf.h"
#include "core/kco_err.h"

typedef struct kco_codec_s kco_codec_t;

/* type: KCO_COMPRESS_*; level -1 = default. Returns NULL for none. */
kco_codec_t *kco_codec_new(int type, int level);
int kco_codec_write(kco_codec_t *c, const void *in, size_t n, kco_buf_t *out, kco_err_t *err);
/* Ends the stream (trailer); the codec may not be written afterwards. */
int kco_codec_finish(kco_codec_t *c, kco_buf_t *out, kco_err_t *err);
void kco_codec_destroy(kco_codec_t *c);
/* ".gz", ".zst" or "" */
const char *kco_codec_extension(int type);

#endif
