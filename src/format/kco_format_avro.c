/*
 * kco_format_avro.c - AvroFormat: an Avro object container file (".avro")
 * per object, as com.aliyun.oss.connect.kafka.format.avro.AvroFormat writes
 * it through Avro Java's DataFileWriter.
 *
 * Owns: the state of one file (kco_avro_writer_t): the file's Connect
 * schema (a reference), the avro-c schema, class and reusable value made
 * from it, the block being filled and the codec's scratch.
 *
 * The file's schema is the first record's value schema (Connect's optional
 * bytes / optional string for ByteArrayConverter / StringConverter data).
 * Every record is set into one avro-c generic value (fields by index) and
 * encoded with avro_value_write into the block; the container framing
 * around it is written here, because the file is streamed into upload parts
 * (avro-c's file writer wants a FILE *):
 *
 *   header  "Obj" 1, metadata map {avro.schema, avro.codec}, 16-byte sync
 *   block   record count, byte size, data (null / raw deflate / snappy +
 *           big-endian CRC-32 of the uncompressed data), sync
 *
 * A block is emitted once it holds 64000 bytes (Avro Java's default sync
 * interval) and at close. The sync marker is the MD5 of "topic/partition/
 * offset" of the file's first record, so that a replay writes the same
 * object byte for byte. The header goes out with the first record written,
 * so a file whose first record fails holds nothing.
 *
 * Task thread; one writer per open file. Must never: keep pointers into a
 * record after write returns (the value is reset after each record), leave
 * bytes in out from a record that failed, or share avro-c objects between
 * writers.
 */
#include <avro.h>
#include <errno.h>
#include <openssl/evp.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "format/kco_avro_from_connect.h"
#include "format/kco_format.h"
#include "record/kco_path.h"

#define KCO_AVRO_BLOCK_BYTES 64000

typedef struct kco_avro_writer_s {
        kco_format_writer_t base; /* first: the sink sees this */
        int started;              /* schema and avro-c objects set up */
        int header_written;
        const kco_schema_t *schema; /* the file's value schema (a node of schema_ref's tree, or static) */
        kco_schema_t *schema_ref;
        avro_schema_t aschema;
        avro_value_iface_t *iface;
        avro_value_t value;
        avro_writer_t aw;
        kco_buf_t json; /* the Avro schema */
        unsigned char sync[16];
        kco_buf_t block; /* encoded records not yet in a block */
        long count;
        kco_buf_t z;   /* compressed block */
        kco_buf_t key; /* a NUL-terminated map key */
        z_stream zs;
        int zs_ready;
} kco_avro_writer_t;

/* Where a value sits in the record, for errors: value.address.zip, value.tags[2], value.attrs["k"]. */
/* Data errors name where in the value they are. */
#define kco_avro_bad(err, p, ...) kco_path_error(err, "AvroFormat", p, __VA_ARGS__)

static int kco_avro_lib(kco_err_t *err, const kco_path_t *p, const char *what) {
        return kco_avro_bad(err, p, "%s: %s", what, avro_strerror());
}

static int kco_avro_null(const kco_value_t *v) {
        return !v || v->type == KCO_TYPE_NULL;
}

static int kco_avro_encode(kco_avro_writer_t *w, avro_value_t *dst, const kco_schema_t *s, const kco_value_t *v,
                           int req, const kco_path_t *p, kco_err_t *err);

static int kco_avro_set_null(avro_value_t *u, int branch, kco_err_t *err, const kco_path_t *p) {
        avro_value_t br;
        if (avro_value_set_branch(u, branch, &br) || avro_value_set_null(&br))
                return kco_avro_lib(err, p, "null");
        return 0;
}

/* A struct standing for an Avro union: its first non-null field picks the branch. */
static int kco_avro_encode_union(kco_avro_writer_t *w, avro_value_t *dst, const kco_schema_t *s,
                                 const kco_value_t *v, int req, const kco_path_t *p, kco_err_t *err) {
        int opt = s->optional && !req;
        if (!kco_avro_null(v)) {
                if (v->type != KCO_TYPE_STRUCT || v->u.c.n != s->nfields)
                        return kco_avro_bad(err, p, "expected a union struct, got %s", kco_type_name(v->type));
                for (size_t i = 0; i < s->nfields; i++) {
                        const kco_schema_t *fs = s->fields[i].schema;
                        const kco_value_t *item = &v->u.c.items[i];
                        if (kco_avro_null(item) && kco_avro_has_default(fs))
                                item = fs->default_value;
                        if (kco_avro_null(item))
                                continue;
                        avro_value_t br;
                        kco_path_t here = {p, s->fields[i].name, NULL, 0, 0};
                        if (avro_value_set_branch(dst, (int)i + opt, &br))
                                return kco_avro_lib(err, &here, "union branch");
                        return kco_avro_encode(w, &br, fs, item, 1, &here, err);
                }
        }
        if (!opt)
                return kco_avro_bad(err, p, "null for a required union");
        return kco_avro_set_null(dst, 0, err, p);
}

static int kco_avro_encode(kco_avro_writer_t *w, avro_value_t *dst, const kco_schema_t *s, const kco_value_t *v,
                           int req, const kco_path_t *p, kco_err_t *err) {
        if (s->type == KCO_TYPE_STRUCT && kco_avro_is_union(s))
                return kco_avro_encode_union(w, dst, s, v, req, p, err);
        if (s->optional && !req) {
                int nb = kco_avro_null_branch(s);
                if (kco_avro_null(v))
                        return kco_avro_set_null(dst, nb, err, p);
                avro_value_t br;
                if (avro_value_set_branch(dst, !nb, &br))
                        return kco_avro_lib(err, p, "union branch");
                return kco_avro_encode(w, &br, s, v, 1, p, err);
        }
        if (kco_avro_null(v))
                return kco_avro_bad(err, p, "null for a required %s", kco_type_name(s->type));
        if (v->type != s->type)
                return kco_avro_bad(err, p, "expected %s, got %s", kco_type_name(s->type), kco_type_name(v->type));
        int rc = 0;
        avro_wrapped_buffer_t wb;
        switch (s->type) {
        case KCO_TYPE_INT8:
        case KCO_TYPE_INT16:
        case KCO_TYPE_INT32: {
                int64_t lim = s->type == KCO_TYPE_INT8 ? 128 : s->type == KCO_TYPE_INT16 ? 32768 : 2147483648LL;
                if (v->u.i < -lim || v->u.i >= lim)
                        return kco_avro_bad(err, p, "%lld is out of range for %s", (long long)v->u.i,
                                            kco_type_name(s->type));
                rc = avro_value_set_int(dst, (int32_t)v->u.i);
                break;
        }
        case KCO_TYPE_INT64:
                rc = avro_value_set_long(dst, v->u.i);
                break;
        case KCO_TYPE_FLOAT32:
                rc = avro_value_set_float(dst, (float)v->u.d);
                break;
        case KCO_TYPE_FLOAT64:
                rc = avro_value_set_double(dst, v->u.d);
                break;
        case KCO_TYPE_BOOLEAN:
                rc = avro_value_set_boolean(dst, v->u.i != 0);
                break;
        case KCO_TYPE_STRING:
                /* Lent, not copied: avro-c's string length counts a NUL it never reads when writing. */
                avro_wrapped_buffer_new(&wb, v->u.s.len ? v->u.s.ptr : "", v->u.s.len + 1);
                rc = avro_value_give_string_len(dst, &wb);
                break;
        case KCO_TYPE_BYTES:
                avro_wrapped_buffer_new(&wb, v->u.s.len ? v->u.s.ptr : "", v->u.s.len);
                rc = avro_value_give_bytes(dst, &wb);
                break;
        case KCO_TYPE_ARRAY:
                for (size_t i = 0; i < v->u.c.n; i++) {
                        avro_value_t el;
                        kco_path_t here = {p, NULL, NULL, 0, i};
                        if (avro_value_append(dst, &el, NULL))
                                return kco_avro_lib(err, &here, "array");
                        if (kco_avro_encode(w, &el, s->value, &v->u.c.items[i], 0, &here, err))
                                return -1;
                }
                break;
        case KCO_TYPE_MAP:
                for (size_t i = 0; i < v->u.c.n; i++) {
                        const kco_value_t *k = &v->u.c.items[2 * i], *val = &v->u.c.items[2 * i + 1];
                        kco_path_t here = {p, NULL, "?", 1, 0};
                        if (k->type == KCO_TYPE_STRING) {
                                here.key = k->u.s.len ? k->u.s.ptr : "";
                                here.keylen = k->u.s.len;
                        }
                        avro_value_t el, kv;
                        if (kco_avro_map_is_native(s)) {
                                if (k->type != KCO_TYPE_STRING)
                                        return kco_avro_bad(err, &here, "map key: expected string, got %s",
                                                            kco_type_name(k->type));
                                if (memchr(here.key, 0, k->u.s.len))
                                        return kco_avro_bad(err, &here, "map key contains a NUL byte");
                                w->key.len = 0;
                                kco_buf_append(&w->key, here.key, k->u.s.len);
                                if (avro_value_add(dst, kco_buf_cstr(&w->key), &el, NULL, NULL))
                                        return kco_avro_lib(err, &here, "map");
                                if (kco_avro_encode(w, &el, s->value, val, 0, &here, err))
                                        return -1;
                        } else {
                                if (avro_value_append(dst, &el, NULL) || avro_value_get_by_index(&el, 0, &kv, NULL))
                                        return kco_avro_lib(err, &here, "map entry");
                                if (kco_avro_encode(w, &kv, s->key, k, 0, &here, err))
                                        return -1;
                                if (avro_value_get_by_index(&el, 1, &kv, NULL))
                                        return kco_avro_lib(err, &here, "map entry");
                                if (kco_avro_encode(w, &kv, s->value, val, 0, &here, err))
                                        return -1;
                        }
                }
                break;
        case KCO_TYPE_STRUCT:
                if (v->u.c.n != s->nfields)
                        return kco_avro_bad(err, p, "struct has %zu fields, its schema %zu", v->u.c.n, s->nfields);
                for (size_t i = 0; i < s->nfields; i++) {
                        const kco_schema_t *fs = s->fields[i].schema;
                        const kco_value_t *item = &v->u.c.items[i];
                        kco_path_t here = {p, s->fields[i].name, NULL, 0, 0};
                        avro_value_t f;
                        if (kco_avro_null(item) && kco_avro_has_default(fs))
                                item = fs->default_value; /* Connect's Struct.get */
                        if (avro_value_get_by_index(dst, i, &f, NULL))
                                return kco_avro_lib(err, &here, "record field");
                        if (kco_avro_encode(w, &f, fs, item, 0, &here, err))
                                return -1;
                }
                break;
        default:
                return kco_avro_bad(err, p, "no Avro type for %s", kco_type_name(s->type));
        }
        if (rc)
                return kco_avro_lib(err, p, kco_type_name(s->type));
        return 0;
}

static void kco_avro_put_long(kco_buf_t *out, int64_t v) {
        uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
        kco_buf_reserve(out, 10);
        while (z >= 0x80) {
                out->data[out->len++] = (char)(z | 0x80);
                z >>= 7;
        }
        out->data[out->len++] = (char)z;
}

static void kco_avro_put_bytes(kco_buf_t *out, const void *p, size_t n) {
        kco_avro_put_long(out, (int64_t)n);
        kco_buf_append(out, p, n);
}

static const char *kco_avro_codec_name(int codec) {
        return codec == KCO_AVRO_CODEC_DEFLATE ? "deflate" : codec == KCO_AVRO_CODEC_SNAPPY ? "snappy" : "null";
}

static void kco_avro_header(kco_avro_writer_t *w, kco_buf_t *out) {
        kco_buf_append(out, "Obj\x01", 4);
        kco_avro_put_long(out, 2);
        kco_avro_put_bytes(out, "avro.schema", 11);
        kco_avro_put_bytes(out, w->json.data, w->json.len);
        const char *codec = kco_avro_codec_name(w->base.fmt->conf->avro_codec);
        kco_avro_put_bytes(out, "avro.codec", 10);
        kco_avro_put_bytes(out, codec, strlen(codec));
        kco_avro_put_long(out, 0);
        kco_buf_append(out, w->sync, sizeof(w->sync));
        w->header_written = 1;
}

/* Appends the pending records to out as one block. On error out and the block are unchanged. */
static int kco_avro_flush_block(kco_avro_writer_t *w, kco_buf_t *out, kco_err_t *err) {
        if (!w->count)
                return 0;
        const kco_conf_t *conf = w->base.fmt->conf;
        const char *data = w->block.data;
        size_t len = w->block.len;
        if (conf->avro_codec == KCO_AVRO_CODEC_DEFLATE) {
                if (!w->zs_ready) {
                        memset(&w->zs, 0, sizeof(w->zs));
                        int level = conf->avro_deflate_level < 0 ? Z_DEFAULT_COMPRESSION : conf->avro_deflate_level;
                        if (deflateInit2(&w->zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
                                return kco_err_set(err, KCO_ERR_DATA, 0, "AvroFormat: deflate: cannot start");
                        w->zs_ready = 1;
                } else {
                        deflateReset(&w->zs);
                }
                w->z.len = 0;
                kco_buf_reserve(&w->z, deflateBound(&w->zs, (uLong)len));
                w->zs.next_in = (Bytef *)data;
                w->zs.avail_in = (uInt)len;
                w->zs.next_out = (Bytef *)w->z.data;
                w->zs.avail_out = (uInt)w->z.cap;
                if (deflate(&w->zs, Z_FINISH) != Z_STREAM_END)
                        return kco_err_set(err, KCO_ERR_DATA, 0, "AvroFormat: deflate failed");
                w->z.len = w->zs.total_out;
                data = w->z.data;
                len = w->z.len;
        } else if (conf->avro_codec == KCO_AVRO_CODEC_SNAPPY) {
                size_t zlen = snappy_max_compressed_length(len);
                w->z.len = 0;
                kco_buf_reserve(&w->z, zlen + 4);
                if (snappy_compress(data, len, w->z.data, &zlen) != SNAPPY_OK)
                        return kco_err_set(err, KCO_ERR_DATA, 0, "AvroFormat: snappy failed");
                uLong crc = crc32(0L, (const Bytef *)data, (uInt)len);
                unsigned char be[4] = {(unsigned char)(crc >> 24), (unsigned char)(crc >> 16), (unsigned char)(crc >> 8),
                                       (unsigned char)crc};
                memcpy(w->z.data + zlen, be, 4);
                w->z.len = zlen + 4;
                data = w->z.data;
                len = w->z.len;
        }
        kco_avro_put_long(out, w->count);
        kco_avro_put_long(out, (int64_t)len);
        kco_buf_append(out, data, len);
        kco_buf_append(out, w->sync, sizeof(w->sync));
        w->block.len = 0;
        w->count = 0;
        return 0;
}

/* Frees the avro-c objects and the schema reference (back to "not started"). */
static void kco_avro_teardown(kco_avro_writer_t *w) {
        if (w->value.self)
                avro_value_decref(&w->value);
        w->value.self = NULL;
        w->value.iface = NULL;
        if (w->iface)
                avro_value_iface_decref(w->iface);
        w->iface = NULL;
        if (w->aschema)
                avro_schema_decref(w->aschema);
        w->aschema = NULL;
        kco_schema_unref(w->schema_ref);
        w->schema_ref = NULL;
        w->schema = NULL;
        w->json.len = 0;
        w->started = 0;
}

static int kco_avro_start(kco_avro_writer_t *w, const kco_schema_t *s, const kco_record_t *rec, kco_err_t *err) {
        w->json.len = 0;
        if (kco_avro_schema_json(s, &w->json, err)) {
                size_t n = strlen(err->msg);
                snprintf(err->msg + n, sizeof(err->msg) - n, " (value schema of %s-%d@%lld)", rec->topic,
                         (int)rec->partition, (long long)rec->offset);
                return -1;
        }
        if (avro_schema_from_json_length(w->json.data, w->json.len, &w->aschema)) {
                w->aschema = NULL;
                kco_err_set(err, KCO_ERR_DATA, 0, "AvroFormat: the value schema is no valid Avro schema: %s",
                            avro_strerror());
                w->json.len = 0;
                return -1;
        }
        w->iface = avro_generic_class_from_schema(w->aschema);
        if (!w->iface || avro_generic_value_new(w->iface, &w->value)) {
                kco_err_set(err, KCO_ERR_DATA, 0, "AvroFormat: avro-c: %s", avro_strerror());
                kco_avro_teardown(w);
                return -1;
        }
        w->schema = s;
        w->schema_ref = kco_schema_ref(s);
        w->started = 1;
        if (!w->header_written) {
                char id[512];
                int n = snprintf(id, sizeof(id), "%s/%d/%lld", rec->topic ? rec->topic : "", (int)rec->partition,
                                 (long long)rec->offset);
                unsigned int mdlen = 0;
                EVP_Digest(id, (size_t)(n < (int)sizeof(id) ? n : (int)sizeof(id) - 1), w->sync, &mdlen, EVP_md5(),
                           NULL);
        }
        return 0;
}

/* Encodes the value now set in w->value onto the block. */
static int kco_avro_append_datum(kco_avro_writer_t *w, kco_err_t *err) {
        size_t room = 256;
        for (;;) {
                kco_buf_reserve(&w->block, room);
                avro_writer_memory_set_dest(w->aw, w->block.data + w->block.len, (int64_t)(w->block.cap - w->block.len));
                int rc = avro_value_write(w->aw, &w->value);
                if (!rc) {
                        w->block.len += (size_t)avro_writer_tell(w->aw);
                        return 0;
                }
                if (rc != ENOSPC || w->block.cap - w->block.len >= ((size_t)1 << 31))
                        return kco_err_set(err, KCO_ERR_DATA, 0, "AvroFormat: cannot encode record: %s", avro_strerror());
                room = 2 * (w->block.cap - w->block.len) + 256;
        }
}

static const char *kco_format_avro_extension(const kco_format_t *fmt) {
        (void)fmt;
        return ".avro";
}

static kco_format_writer_t *kco_format_avro_open(kco_format_t *fmt, kco_buf_t *out, kco_err_t *err) {
        (void)out, (void)err;
        kco_avro_writer_t *w = kco_calloc(1, sizeof(*w));
        w->base.fmt = fmt;
        kco_buf_init(&w->json);
        kco_buf_init(&w->block);
        kco_buf_init(&w->z);
        kco_buf_init(&w->key);
        static const char none[1];
        w->aw = avro_writer_memory(none, 0);
        return &w->base;
}

static int kco_format_avro_write(kco_format_writer_t *fw, const kco_record_t *rec, kco_buf_t *out, kco_err_t *err) {
        kco_avro_writer_t *w = (kco_avro_writer_t *)fw;
        const kco_conf_t *conf = fw->fmt->conf;
        const kco_data_t *d = &rec->value;
        const kco_schema_t *s = NULL;
        const kco_value_t *v = NULL;
        kco_value_t raw;
        switch (d->type) {
        case KCO_DATA_VALUE:
                v = d->v;
                s = v->schema;
                if (!s)
                        return kco_err_set(err, KCO_ERR_DATA, 0,
                                           "AvroFormat needs records with a schema (use schemas.enable=true or "
                                           "AvroConverter)");
                break;
        case KCO_DATA_BYTES:
        case KCO_DATA_STRING:
                s = d->type == KCO_DATA_BYTES ? &kco_schema_optional_bytes : &kco_schema_optional_string;
                memset(&raw, 0, sizeof(raw));
                raw.type = s->type;
                raw.schema = s;
                raw.u.s.ptr = d->ptr;
                raw.u.s.len = d->len;
                v = &raw;
                break;
        case KCO_DATA_NULL:
                s = w->started                                          ? w->schema
                    : conf->value_converter == KCO_CONVERTER_BYTEARRAY ? &kco_schema_optional_bytes
                    : conf->value_converter == KCO_CONVERTER_STRING    ? &kco_schema_optional_string
                                                                        : NULL;
                if (!s)
                        return kco_err_set(err, KCO_ERR_DATA, 0,
                                           "AvroFormat: a null value (tombstone) cannot start a file: it has no "
                                           "schema to write the file with");
                break;
        }
        int fresh = 0;
        if (!w->started) {
                if (kco_avro_start(w, s, rec, err))
                        return -1;
                fresh = 1;
        } else if (s != w->schema && !kco_schema_equal(s, w->schema)) {
                return kco_err_set(err, KCO_ERR_DATA, 0, "AvroFormat: schema changed within a file (%s-%d@%lld)",
                                   rec->topic, (int)rec->partition, (long long)rec->offset);
        }
        size_t entry = out->len, block_entry = w->block.len;
        int rc = kco_avro_encode(w, &w->value, w->schema, v, 0, NULL, err);
        if (!rc)
                rc = kco_avro_append_datum(w, err);
        avro_value_reset(&w->value); /* drops what it borrowed from the record */
        if (!rc) {
                w->count++;
                if (!w->header_written)
                        kco_avro_header(w, out);
                if (w->block.len >= KCO_AVRO_BLOCK_BYTES && kco_avro_flush_block(w, out, err)) {
                        w->count--; /* take the record back out: the caller may retry it */
                        w->block.len = block_entry;
                        out->len = entry;
                        if (fresh)
                                w->header_written = 0;
                        rc = -1;
                }
        }
        if (rc && fresh)
                kco_avro_teardown(w);
        return rc ? -1 : 0;
}

static void kco_format_avro_discard(kco_format_writer_t *fw) {
        kco_avro_writer_t *w = (kco_avro_writer_t *)fw;
        kco_avro_teardown(w);
        avro_writer_free(w->aw);
        if (w->zs_ready)
                deflateEnd(&w->zs);
        kco_buf_free(&w->json);
        kco_buf_free(&w->block);
        kco_buf_free(&w->z);
        kco_buf_free(&w->key);
        free(w);
}

static int kco_format_avro_close(kco_format_writer_t *fw, kco_buf_t *out, kco_err_t *err) {
        kco_avro_writer_t *w = (kco_avro_writer_t *)fw;
        int rc = 0;
        if (!w->header_written)
                rc = kco_err_set(err, KCO_ERR_DATA, 0, "AvroFormat: no record was written to the file");
        else
                rc = kco_avro_flush_block(w, out, err);
        kco_format_avro_discard(fw);
        return rc;
}

const kco_format_ops_t kco_format_avro_ops = {
        "AvroFormat",          kco_format_avro_extension, kco_format_avro_open,
        kco_format_avro_write, kco_format_avro_close,     kco_format_avro_discard,
        NULL,
};
