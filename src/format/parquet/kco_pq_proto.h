/*
 * kco_pq_proto.h - a protobuf message -> the Parquet schema parquet-protobuf
 * (ProtoSchemaConverter, its default non-spec-compliant layout) makes of it,
 * and the shredder of the message values kco_proto_json parses.
 *
 * Owns: the flattened schema and its columns (names point into the
 * kco_proto_t the message came from, which must outlive it), the slots of
 * the record being shredded. One file, one thread (the task's). Must never:
 * put a slot of a record into the writer before the whole record is shredded.
 *
 * Mapping (field ids = field numbers; required -> REQUIRED, repeated ->
 * REPEATED, else OPTIONAL):
 *   root                     message named the proto full name
 *   int32 sint32 sfixed32 uint32 fixed32     INT32
 *   int64 sint64 sfixed64 uint64 fixed64     INT64
 *   float / double / bool                    FLOAT / DOUBLE / BOOLEAN
 *   string                                   BYTE_ARRAY STRING
 *   bytes                                    BYTE_ARRAY
 *   enum                                     BYTE_ARRAY ENUM (the value's name)
 *   message, group                           group of its fields
 *   repeated T                               repeated T (no LIST wrapper)
 *   map<K, V>                                repeated group name { optional K key = 1; optional V value = 2; }
 */
#ifndef KCO_PQ_PROTO_H
#define KCO_PQ_PROTO_H

#include "core/kco_err.h"
#include "format/parquet/kco_pq_schema.h"
#include "record/kco_proto.h"
#include "record/kco_value.h"

typedef struct kco_pq_proto_s kco_pq_proto_t;

/* NULL with KCO_ERR_DATA when the message cannot be written (a group without fields, nesting too deep). */
kco_pq_proto_t *kco_pq_proto_new(const kco_proto_msg_t *m, kco_err_t *err);
void kco_pq_proto_destroy(kco_pq_proto_t *p);

const kco_pq_schema_elem_t *kco_pq_proto_schema(const kco_pq_proto_t *p, size_t *n);
const kco_pq_column_desc_t *kco_pq_proto_columns(const kco_pq_proto_t *p, size_t *n);

/* Emits every leaf slot of v (as kco_proto_json_parse makes it for the message), then end_row. 0, or -1 with
 * KCO_ERR_DATA naming the field when v does not have the message's shape (nothing emitted). */
int kco_pq_proto_record(kco_pq_proto_t *p, const kco_pq_sink_ops_t *ops, void *sink, const kco_value_t *v,
                        kco_err_t *err);

#endif
