/*
 * kco_pq_shred.h - a Connect value schema -> the Parquet schema parquet-avro
 * (AvroSchemaConverter, 3-level lists) makes from AvroData's Avro schema of
 * it, its leaf column descriptors, and the record shredder (Dremel
 * definition/repetition levels) that feeds a Parquet writer.
 *
 * Owns: the flattened schema elements, the column descriptors and their
 * paths, a reference to the Connect schema (whose names they point at), the
 * root's name, and a scratch list of the slots of the record being shredded.
 * One file, one thread (the task's). Must never: hand a slot of a record to
 * the sink before the whole record has been checked against the schema.
 *
 * Mapping (Connect -> Parquet; optional -> OPTIONAL, else REQUIRED):
 *   root                 group named after the Avro record's full name
 *                        (schema name, or io.confluent.connect.avro.ConnectDefault)
 *   INT8, INT16, INT32   INT32 (AvroData makes them Avro "int": no annotation)
 *   INT64                INT64
 *   FLOAT32 / FLOAT64    FLOAT / DOUBLE
 *   BOOLEAN              BOOLEAN
 *   STRING               BYTE_ARRAY STRING (UTF8)
 *   BYTES                BYTE_ARRAY
 *   Decimal              BYTE_ARRAY DECIMAL(scale, precision: connect.decimal.precision, else 64)
 *   Date                 INT32 DATE
 *   Time                 INT32 TIME(MILLIS, adjusted) / TIME_MILLIS
 *   Timestamp            INT64 TIMESTAMP(MILLIS, adjusted) / TIMESTAMP_MILLIS
 *   STRUCT               group of its fields
 *   union STRUCT         (io.confluent.connect.avro.Union, an Avro union) group of optional member0, member1, ...
 *   ARRAY                <name> (LIST) { repeated group list { <rep> element; } }
 *   MAP, required string keys
 *                        <name> (MAP) { repeated group key_value { required binary key (STRING); <rep> value; } }
 *   MAP, any other keys  (AvroData: an array of MapEntry records)
 *                        <name> (LIST) { repeated group list { required group element { key; value; } } }
 * Not supported (KCO_ERR_DATA): a value schema that is not a struct (or is a
 * union), structs without fields, unions of more than 16 branches.
 */
#ifndef KCO_PQ_SHRED_H
#define KCO_PQ_SHRED_H

#include <stddef.h>

#include "core/kco_err.h"
#include "format/parquet/kco_pq_schema.h"
#include "format/parquet/kco_pq_writer.h"
#include "record/kco_schema.h"
#include "record/kco_value.h"

typedef struct kco_pq_shred_s kco_pq_shred_t;

/* A shredder for values of schema (a STRUCT; it is referenced, not copied). NULL with KCO_ERR_DATA in err
 * when the schema cannot be written (see above). */
kco_pq_shred_t *kco_pq_shred_new(const kco_schema_t *schema, kco_err_t *err);
void kco_pq_shred_destroy(kco_pq_shred_t *s);

/* The flattened schema (root first, depth-first) and its leaves; valid until destroy. */
const kco_pq_schema_elem_t *kco_pq_shred_schema(const kco_pq_shred_t *s, size_t *n);
const kco_pq_column_desc_t *kco_pq_shred_columns(const kco_pq_shred_t *s, size_t *n);
const kco_schema_t *kco_pq_shred_connect_schema(const kco_pq_shred_t *s);

/* Emits every leaf slot of v (a struct of the shredder's schema), then end_row. 0, or -1 with KCO_ERR_DATA
 * naming the field (value.a.b[2]) and nothing emitted. Slot values may point into v: the sink copies them. */
int kco_pq_shred_record(kco_pq_shred_t *s, const kco_pq_sink_ops_t *ops, void *sink, const kco_value_t *v,
                        kco_err_t *err);

#endif
