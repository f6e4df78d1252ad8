/*
 * bench-codec.c - kco-bench-codec: the Avro decode step (AvroConverter's
 * datum decoder) and the AvroFormat encode step alone, on one core, for
 * make bench. Not part of the worker.
 *
 *   kco-bench-codec FRAMES.bin SCHEMA.avsc
 *
 * FRAMES.bin holds frames as tools/produce.c reads them (values in
 * Confluent's wire format); SCHEMA.avsc is their writer schema. Prints
 * records/s of each step (best of 3 passes over the records, repeated to at
 * least 500,000 records per pass): decode, AvroFormat encode, ParquetAvro
 * encode with snappy and zstd (and the size of one file of the records). Owns nothing beyond its run.
 * Must never: assert a time (numbers only).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "convert/kco_avro_decode.h"
#include "convert/kco_avro_schema.h"
#include "core/kco_arena.h"
#include "format/kco_format.h"
#include "worker/kco_props.h"

static char *slurp(const char *path, size_t *n) {
        FILE *f = fopen(path, "rb");
        if (!f)
                return NULL;
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *p = malloc((size_t)len + 1);
        if (!p || fread(p, 1, (size_t)len, f) != (size_t)len) {
                fclose(f);
                free(p);
                return NULL;
        }
        p[len] = '\0';
        fclose(f);
        *n = (size_t)len;
        return p;
}

static uint32_t be32(const unsigned char *p) {
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Encodes the n values reps times into files of format (avro | parquet) with codec; best of 3 passes.
 * *size: the bytes of one file of the n values. */
static int bench_encode(const char *format, const char *codec, const kco_props_t *extra, const kco_data_t *data,
                        size_t n, size_t reps, kco_buf_t *out, double *best, size_t *size) {
        kco_props_t *props = kco_props_new();
        kco_props_set(props, "name", "bench");
        kco_props_set(props, "topics", "bench");
        kco_props_set(props, "flush.size", "1000");
        kco_props_set(props, "format.class", format);
        kco_props_set(props, "oss.parquet.compression.codec", codec);
        kco_props_set(props, "storage.class", "local");
        kco_props_set(props, "store.url", "file:///tmp");
        for (size_t i = 0; extra && i < kco_props_count(extra); i++)
                kco_props_set(props, kco_props_key(extra, i), kco_props_value(extra, i));
        kco_conf_errs_t errs;
        kco_conf_errs_init(&errs);
        kco_conf_t *conf = kco_conf_new(NULL, props, &errs);
        if (errs.n) {
                fprintf(stderr, "kco-bench-codec: %s\n", errs.msg[0]);
                kco_conf_destroy(conf);
                kco_conf_errs_free(&errs);
                kco_props_destroy(props);
                return 1;
        }
        kco_format_t *fmt = kco_format_new(conf);
        kco_err_t err;
        int rc = 0;
        *best = 1e9;
        for (int pass = 0; pass < 3 && !rc; pass++) {
                double t0 = now();
                for (size_t r = 0; r < reps && !rc; r++) {
                        out->len = 0;
                        kco_format_writer_t *w = fmt->ops->open(fmt, out, &err);
                        for (size_t i = 0; i < n && !rc; i++) {
                                kco_record_t rec = {.topic = "bench", .partition = 0, .offset = (int64_t)i};
                                rec.value = data[i];
                                if (!w || fmt->ops->write(w, &rec, out, &err)) {
                                        fprintf(stderr, "kco-bench-codec: %s encode %zu: %s\n", format, i, err.msg);
                                        rc = 1;
                                }
                        }
                        if (!rc && fmt->ops->close(w, out, &err)) {
                                fprintf(stderr, "kco-bench-codec: %s close: %s\n", format, err.msg);
                                rc = 1;
                        }
                }
                if (now() - t0 < *best)
                        *best = now() - t0;
        }
        *size = out->len;
        kco_format_destroy(fmt);
        kco_conf_destroy(conf);
        kco_conf_errs_free(&errs);
        kco_props_destroy(props);
        return rc;
}

/* --json RECORDS PROTO_PATH CLASS [OUT_PREFIX] */
static int bench_json(int argc, char **argv) {
        size_t fn = 0;
        char *text = slurp(argv[2], &fn);
        if (!text) {
                fprintf(stderr, "kco-bench-codec: cannot read %s\n", argv[2]);
                return 2;
        }
        size_t cap = 1024, n = 0;
        kco_data_t *data = malloc(cap * sizeof(*data));
        for (char *p = text, *nl; p < text + fn; p = nl + 1) {
                nl = memchr(p, '\n', (size_t)(text + fn - p));
                if (!nl)
                        nl = text + fn;
                if (nl == p)
                        continue;
                if (n == cap)
                        data = realloc(data, (cap *= 2) * sizeof(*data));
                data[n++] = (kco_data_t){.type = KCO_DATA_STRING, .ptr = p, .len = (size_t)(nl - p)};
        }
        kco_props_t *extra = kco_props_new();
        char cls[1024];
        snprintf(cls, sizeof(cls), "bench,%s", argv[4]);
        kco_props_set(extra, "oss.parquet.protobuf.schema.class", cls);
        kco_props_set(extra, "oss.parquet.protobuf.proto.path", argv[3]);
        size_t reps = (500000 + n - 1) / (n ? n : 1);
        double total = (double)(n * reps);
        kco_buf_t out;
        kco_buf_init(&out);
        int rc = n ? 0 : 1;
        static const char *const codecs[] = {"snappy", "zstd"};
        for (size_t k = 0; k < 2 && !rc; k++) {
                double best = 0;
                size_t size = 0;
                rc = bench_encode("parquet-json", codecs[k], extra, data, n, reps, &out, &best, &size);
                if (rc)
                        break;
                printf("%s %.0f %zu\n", codecs[k], total / best, size);
                if (argc > 5) {
                        char path[4096];
                        snprintf(path, sizeof(path), "%s-%s.parquet", argv[5], codecs[k]);
                        FILE *f = fopen(path, "wb");
                        if (!f || fwrite(out.data, 1, out.len, f) != out.len)
                                rc = 1;
                        if (f)
                                fclose(f);
                }
        }
        kco_buf_free(&out);
        kco_props_destroy(extra);
        free(data);
        free(text);
        return rc;
}

int main(int argc, char **argv) {
        if (argc >= 5 && !strcmp(argv[1], "--json"))
                return bench_json(argc, argv);
        if (argc != 3) {
                fprintf(stderr, "usage: kco-bench-codec FRAMES.bin SCHEMA.avsc\n"
                                "       kco-bench-codec --json RECORDS.jsonl PROTO_PATH CLASS [OUT_PREFIX]\n");
                return 2;
        }
        size_t fn = 0, sn = 0;
        char *frames = slurp(argv[1], &fn), *schema = slurp(argv[2], &sn);
        if (!frames || !schema) {
                fprintf(stderr, "kco-bench-codec: cannot read input\n");
                return 2;
        }
        /* the datums: value bytes after the 5-byte wire header */
        size_t cap = 1024, n = 0;
        const unsigned char **datum = malloc(cap * sizeof(*datum));
        size_t *dlen = malloc(cap * sizeof(*dlen));
        const unsigned char *p = (const unsigned char *)frames, *end = p + fn;
        while (p + 4 <= end) {
                uint32_t kl = be32(p);
                p += 4 + (kl == 0xFFFFFFFFu ? 0 : kl);
                uint32_t vl = be32(p);
                p += 4;
                if (vl != 0xFFFFFFFFu && vl > 5) {
                        if (n == cap) {
                                cap *= 2;
                                datum = realloc(datum, cap * sizeof(*datum));
                                dlen = realloc(dlen, cap * sizeof(*dlen));
                        }
                        datum[n] = p + 5;
                        dlen[n++] = vl - 5;
                        p += vl;
                }
                uint32_t hc = be32(p);
                p += 4;
                if (hc) {
                        fprintf(stderr, "kco-bench-codec: frames with headers are not expected\n");
                        return 2;
                }
        }
        kco_err_t err;
        kco_avro_schema_t *as = kco_avro_schema_parse(schema, sn, -1, &err);
        if (!as || !n) {
                fprintf(stderr, "kco-bench-codec: %s\n", as ? "no records" : err.msg);
                return 2;
        }
        size_t reps = (500000 + n - 1) / n;
        kco_arena_t *arena = kco_arena_new(1 << 20);
        kco_value_t **vals = malloc(n * sizeof(*vals));
        kco_data_t *data = malloc(n * sizeof(*data));
        double best_dec = 1e9;
        for (int pass = 0; pass < 3; pass++) {
                double t0 = now();
                for (size_t r = 0; r < reps; r++) {
                        kco_arena_reset(arena);
                        for (size_t i = 0; i < n; i++)
                                if (kco_avro_decode(as, datum[i], dlen[i], arena, &vals[i], &err)) {
                                        fprintf(stderr, "kco-bench-codec: decode %zu: %s\n", i, err.msg);
                                        return 1;
                                }
                }
                if (now() - t0 < best_dec)
                        best_dec = now() - t0;
        }
        double total = (double)(n * reps);
        printf("%-34s %12.0f rec/s   (Avro datum -> Connect value, 1 core)\n", "decode step alone (AvroConverter)",
               total / best_dec);
        for (size_t i = 0; i < n; i++)
                data[i] = (kco_data_t){.type = KCO_DATA_VALUE, .v = vals[i]};
        static const struct {
                const char *label, *format, *codec;
        } steps[] = {
                {"encode step alone (AvroFormat)", "avro", "snappy"},
                {"encode step (ParquetAvro, snappy)", "parquet", "snappy"},
                {"encode step (ParquetAvro, zstd)", "parquet", "zstd"},
        };
        kco_buf_t out;
        kco_buf_init(&out);
        for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
                double best = 0;
                size_t size = 0;
                if (bench_encode(steps[k].format, steps[k].codec, NULL, data, n, reps, &out, &best, &size))
                        return 1;
                printf("%-34s %12.0f rec/s   (%zu records -> %zu bytes, 1 core)\n", steps[k].label, total / best,
                       n, size);
        }
        kco_buf_free(&out);
        kco_arena_destroy(arena);
        kco_avro_schema_free(as);
        free(vals);
        free(data);
        free(datum);
        free(dlen);
        free(frames);
        free(schema);
        return 0;
}
