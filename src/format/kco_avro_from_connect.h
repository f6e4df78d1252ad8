/*
 * kco_avro_from_connect.h - Connect schema -> Avro schema JSON, as
 * Confluent's AvroData.fromConnectSchema writes it with its default settings
 * (connect.meta.data=true, enhanced.avro.schema.support=false,
 * discard.type.doc.default=false, scrub.invalid.names=false), and the
 * shape rules the AvroFormat encoder needs to put values into that schema.
 *
 * Owns: nothing (the JSON is appended to the caller's buffer). Any thread;
 * pure functions. Must never: keep pointers into the schema.
 *
 * Shapes (s is a Connect schema node):
 *   optional s, s a struct           ["null", record]
 *   optional s with a default        [X, "null"]   (X = s as if required)
 *   optional s without a default     ["null", X]
 *   struct named io.confluent.connect.avro.Union (or with the parameter
 *   org.apache.kafka.connect.data.Union): a union of its fields' schemas
 *   (taken as required), led by "null" if the struct is optional
 *   map with required string keys    map
 *   any other map                    array of records {key, value}
 */
#ifndef KCO_AVRO_FROM_CONNECT_H
#define KCO_AVRO_FROM_CONNECT_H

#include "core/kco_buf.h"
#include "core/kco_err.h"
#include "record/kco_schema.h"
#include "record/kco_value.h"

/* Appends the Avro schema (compact JSON, byte for byte what Avro Java's Schema.toString prints for
 * AvroData's result) of s to out. 0, or -1 with KCO_ERR_DATA in err and out as it was (e.g. two
 * different schemas with one record name, a Decimal without a usable scale). */
int kco_avro_schema_json(const kco_schema_t *s, kco_buf_t *out, kco_err_t *err);

/* 1 when s (a struct) stands for an Avro union. */
int kco_avro_is_union(const kco_schema_t *s);
/* 1 when s (a map) is written as an Avro map, 0 as an array of key/value records. */
int kco_avro_map_is_native(const kco_schema_t *s);
/* 1 when s has a default value (a null default counts as none, as in Connect). */
int kco_avro_has_default(const kco_schema_t *s);
/* For an optional s that is not a union struct: the branch of "null" in its union (0 or 1). */
int kco_avro_null_branch(const kco_schema_t *s);

#endif
