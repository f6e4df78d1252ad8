/*
 * kco_format_parquet.c - the Parquet formats: a Parquet file (".parquet") per
 * object, as the Java connector writes them.
 *   ParquetAvroFormat  records with a Connect schema, through AvroData and
 *                      parquet-avro's AvroParquetWriter (3-level lists; see
 *                      format/parquet/kco_pq_shred.h for the mapping)
 *   ParquetJsonFormat  JSON text read as a protobuf message (protobuf's JSON
 *                      parser, convert/kco_proto_json.h), written as
 *                      parquet-protobuf's ProtoParquetWriter does
 *                      (format/parquet/kco_pq_proto.h)
 *
 * Owns: the state of one file (kco_parquet_writer_t): the shredder (with a
 * reference to the file's Connect schema, or the topic's protobuf message),
 * the Parquet writer (the current row group), the Avro schema JSON for the
 * footer; for JSON, the parser and an arena for one record's values.
 *
 * The file's schema is the first record's value schema, which must be a
 * struct (parquet-avro only writes records). Each record is shredded into
 * the writer; full row groups (oss.parquet.block.size) stream out of write,
 * the last one and the footer (parquet.avro.schema, writer.model.name=avro)
 * out of close. Settings: oss.parquet.compression.codec, oss.parquet.page.size,
 * oss.parquet.block.size (config table); dictionary pages up to 1 MiB a
 * column chunk, as parquet-java.
 *
 * Task thread; one writer per open file. Must never: keep pointers into a
 * record after write returns (the writer copies values), or put a slot of a
 * record that failed its schema check into the file.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/kco_mem.h"
#include "convert/kco_proto_json.h"
#include "core/kco_arena.h"
#include "format/kco_avro_from_connect.h"
#include "format/kco_format.h"
#include "format/parquet/kco_pq_proto.h"
#include "format/parquet/kco_pq_shred.h"
#include "format/parquet/kco_pq_writer.h"

#define KCO_PARQUET_DICT_BYTES 1048576 /* parquet-java's parquet.dictionary.page.size */

typedef struct kco_parquet_writer_s {
        kco_format_writer_t base; /* first: the sink sees this */
        kco_pq_shred_t *shred;    /* NULL until the first record */
        kco_pq_writer_t *pq;
        kco_buf_t json; /* the Avro schema, for the footer */
        /* ParquetJsonFormat */
        kco_pq_proto_t *proto;      /* NULL until the first record */
        const kco_proto_msg_t *msg; /* the file's message */
        const char *java_class;     /* as configured (the footer's parquet.proto.class) */
        kco_proto_json_t *parser;
        kco_arena_t *arena; /* one record's values */
} kco_parquet_writer_t;

static void kco_parquet_put(void *sink, size_t col, int def, int rep, const kco_pq_val_t *v) {
        kco_pq_put((kco_pq_writer_t *)sink, col, def, rep, v);
}

static void kco_parquet_end_row(void *sink) {
        kco_pq_end_row((kco_pq_writer_t *)sink);
}

static void kco_parquet_put_row(void *sink, const kco_pq_slot_t *slots, size_t n) {
        kco_pq_put_row((kco_pq_writer_t *)sink, slots, n);
}

static const kco_pq_sink_ops_t kco_parquet_sink = {kco_parquet_put, kco_parquet_end_row, kco_parquet_put_row};

static const char *kco_format_parquet_extension(const kco_format_t *fmt) {
        (void)fmt;
        return ".parquet";
}

/* Settings from the config table (validated there; codec values are Parquet's codec numbers). */
static void kco_parquet_opts(const kco_conf_t *conf, kco_pq_writer_opts_t *o) {
        memset(o, 0, sizeof(*o));
        o->level = -1;
        o->dictionary = 1;
        o->dict_check = 1;
        o->dict_max_bytes = KCO_PARQUET_DICT_BYTES;
        o->created_by = "kafka-connect-oss";
        o->codec = conf->parquet_codec;
        o->page_size = (size_t)conf->parquet_page_size;
        o->row_group_size = (size_t)conf->parquet_block_size;
}

static void kco_parquet_teardown(kco_parquet_writer_t *w) {
        kco_pq_writer_destroy(w->pq);
        w->pq = NULL;
        kco_pq_shred_destroy(w->shred);
        w->shred = NULL;
        kco_pq_proto_destroy(w->proto);
        w->proto = NULL;
        w->json.len = 0;
}

static int kco_parquet_writer_start(kco_parquet_writer_t *w, const kco_pq_schema_elem_t *e, size_t ne,
                                    const kco_pq_column_desc_t *c, size_t nc, kco_err_t *err) {
        kco_pq_writer_opts_t o;
        kco_parquet_opts(w->base.fmt->conf, &o);
        w->pq = kco_pq_writer_new(e, ne, c, nc, &o);
        if (!w->pq) {
                kco_parquet_teardown(w);
                return kco_err_set(err, KCO_ERR_DATA, 0, "%s: cannot start a Parquet writer", w->base.fmt->ops->name);
        }
        return 0;
}

/* After a record went into the writer: a full row group streams out. */
static int kco_parquet_flush(kco_parquet_writer_t *w, kco_buf_t *out, kco_err_t *err) {
        size_t entry = out->len;
        if (kco_pq_flush(w->pq, out, 0, err)) {
                out->len = entry;
                return -1;
        }
        return 0;
}

static int kco_parquet_start(kco_parquet_writer_t *w, const kco_schema_t *s, kco_err_t *err) {
        w->shred = kco_pq_shred_new(s, err);
        if (!w->shred)
                return -1;
        w->json.len = 0;
        if (kco_avro_schema_json(s, &w->json, err)) {
                kco_parquet_teardown(w);
                return -1;
        }
        size_t ne, nc;
        const kco_pq_schema_elem_t *e = kco_pq_shred_schema(w->shred, &ne);
        const kco_pq_column_desc_t *c = kco_pq_shred_columns(w->shred, &nc);
        return kco_parquet_writer_start(w, e, ne, c, nc, err);
}

static kco_format_writer_t *kco_format_parquet_open(kco_format_t *fmt, kco_buf_t *out, kco_err_t *err) {
        (void)out, (void)err;
        kco_parquet_writer_t *w = kco_calloc(1, sizeof(*w));
        w->base.fmt = fmt;
        kco_buf_init(&w->json);
        return &w->base;
}

static int kco_format_parquet_write(kco_format_writer_t *fw, const kco_record_t *rec, kco_buf_t *out,
                                    kco_err_t *err) {
        kco_parquet_writer_t *w = (kco_parquet_writer_t *)fw;
        const kco_data_t *d = &rec->value;
        if (d->type == KCO_DATA_NULL)
                return kco_err_set(err, KCO_ERR_DATA, 0,
                                   "ParquetAvroFormat: a null value (tombstone) cannot be written (%s-%d@%lld)",
                                   rec->topic, (int)rec->partition, (long long)rec->offset);
        if (d->type != KCO_DATA_VALUE || !d->v || !d->v->schema)
                return kco_err_set(err, KCO_ERR_DATA, 0,
                                   "ParquetAvroFormat needs struct records with a schema (use schemas.enable=true "
                                   "or AvroConverter)");
        const kco_value_t *v = d->v;
        const kco_schema_t *s = v->schema;
        int fresh = 0;
        if (!w->shred) {
                if (kco_parquet_start(w, s, err))
                        return -1;
                fresh = 1;
        } else {
                const kco_schema_t *fs = kco_pq_shred_connect_schema(w->shred);
                if (s != fs && !kco_schema_equal(s, fs))
                        return kco_err_set(err, KCO_ERR_DATA, 0,
                                           "ParquetAvroFormat: schema changed within a file (%s-%d@%lld)", rec->topic,
                                           (int)rec->partition, (long long)rec->offset);
        }
        if (kco_pq_shred_record(w->shred, &kco_parquet_sink, w->pq, v, err)) {
                if (fresh)
                        kco_parquet_teardown(w);
                return -1;
        }
        return kco_parquet_flush(w, out, err);
}

static size_t kco_format_parquet_held(const kco_format_writer_t *fw) {
        const kco_parquet_writer_t *w = (const kco_parquet_writer_t *)fw;
        return w->pq ? kco_pq_buffered(w->pq) : 0;
}

static void kco_format_parquet_discard(kco_format_writer_t *fw) {
        kco_parquet_writer_t *w = (kco_parquet_writer_t *)fw;
        kco_parquet_teardown(w);
        kco_buf_free(&w->json);
        kco_proto_json_destroy(w->parser);
        kco_arena_destroy(w->arena);
        free(w);
}

static int kco_format_parquet_close(kco_format_writer_t *fw, kco_buf_t *out, kco_err_t *err) {
        kco_parquet_writer_t *w = (kco_parquet_writer_t *)fw;
        int rc;
        if (!w->pq) {
                rc = kco_err_set(err, KCO_ERR_DATA, 0, "%s: no record was written to the file", fw->fmt->ops->name);
        } else if (w->msg) {
                const kco_pq_kv_t kv[] = {
                        {"parquet.proto.class", w->java_class},
                        {"parquet.proto.descriptor", w->msg->descriptor_text},
                        {"parquet.proto.writeSpecsCompliant", "false"},
                        {"writer.model.name", "protobuf"},
                };
                rc = kco_pq_close(w->pq, out, kv, sizeof(kv) / sizeof(kv[0]), err);
        } else {
                const kco_pq_kv_t kv[] = {
                        {"parquet.avro.schema", kco_buf_cstr(&w->json)},
                        {"writer.model.name", "avro"},
                };
                rc = kco_pq_close(w->pq, out, kv, sizeof(kv) / sizeof(kv[0]), err);
        }
        kco_format_parquet_discard(fw);
        return rc;
}

const kco_format_ops_t kco_format_parquet_avro_ops = {
        "ParquetAvroFormat",      kco_format_parquet_extension, kco_format_parquet_open,
        kco_format_parquet_write, kco_format_parquet_close,     kco_format_parquet_discard,
        kco_format_parquet_held,
};

/* ---- ParquetJsonFormat ---- */

static kco_format_writer_t *kco_format_parquet_json_open(kco_format_t *fmt, kco_buf_t *out, kco_err_t *err) {
        kco_parquet_writer_t *w = (kco_parquet_writer_t *)kco_format_parquet_open(fmt, out, err);
        w->parser = kco_proto_json_new();
        w->arena = kco_arena_new(16384);
        return &w->base;
}

/* The file's first record: its topic's message starts the writer. */
static int kco_parquet_json_start(kco_parquet_writer_t *w, const kco_record_t *rec, kco_err_t *err) {
        w->msg = kco_conf_proto_msg(w->base.fmt->conf, rec->topic, &w->java_class);
        if (!w->msg)
                return kco_err_set(err, KCO_ERR_DATA, 0,
                                   "ParquetJsonFormat: no protobuf message for topic %s in "
                                   "oss.parquet.protobuf.schema.class (%s-%d@%lld)",
                                   rec->topic, rec->topic, (int)rec->partition, (long long)rec->offset);
        w->proto = kco_pq_proto_new(w->msg, err);
        if (!w->proto) {
                w->msg = NULL;
                return -1;
        }
        size_t ne, nc;
        const kco_pq_schema_elem_t *e = kco_pq_proto_schema(w->proto, &ne);
        const kco_pq_column_desc_t *c = kco_pq_proto_columns(w->proto, &nc);
        if (kco_parquet_writer_start(w, e, ne, c, nc, err)) {
                w->msg = NULL;
                return -1;
        }
        return 0;
}

static int kco_format_parquet_json_write(kco_format_writer_t *fw, const kco_record_t *rec, kco_buf_t *out,
                                         kco_err_t *err) {
        kco_parquet_writer_t *w = (kco_parquet_writer_t *)fw;
        const kco_data_t *d = &rec->value;
        if (d->type != KCO_DATA_STRING && d->type != KCO_DATA_BYTES)
                return kco_err_set(err, KCO_ERR_DATA, 0,
                                   "ParquetJsonFormat: %s value at %s-%d@%lld; it reads JSON text (use "
                                   "StringConverter)",
                                   d->type == KCO_DATA_NULL ? "a null (tombstone)" : "a typed", rec->topic,
                                   (int)rec->partition, (long long)rec->offset);
        int fresh = 0;
        if (!w->msg) {
                if (kco_parquet_json_start(w, rec, err))
                        return -1;
                fresh = 1;
        }
        kco_arena_reset(w->arena);
        kco_value_t v;
        if (kco_proto_json_parse(w->parser, w->msg, d->ptr, d->len, w->arena, &v, err) ||
            kco_pq_proto_record(w->proto, &kco_parquet_sink, w->pq, &v, err)) {
                if (fresh) {
                        kco_parquet_teardown(w);
                        w->msg = NULL;
                }
                return -1;
        }
        return kco_parquet_flush(w, out, err);
}

const kco_format_ops_t kco_format_parquet_json_ops = {
        "ParquetJsonFormat",           kco_format_parquet_extension, kco_format_parquet_json_open,
        kco_format_parquet_json_write, kco_format_parquet_close,     kco_format_parquet_discard,
        kco_format_parquet_held,
};
