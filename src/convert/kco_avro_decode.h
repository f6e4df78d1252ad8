/*
 * kco_avro_decode.h - Avro data to Connect values: a binary datum (the
 * payload of a Confluent wire-format message after its 5-byte header) and
 * the JSON default values of a schema, each read against the Avro tree and
 * the Connect tree of a kco_avro_schema_t side by side.
 *
 * Owns: nothing. Values go into the caller's arena; strings and bytes point
 * into the input where they can (it must outlive the values). Any thread,
 * one call at a time per arena. Must never: read outside the input, trust a
 * length or count before checking it against what is left, recurse deeper
 * than KCO_AVRO_MAX_DEPTH, or allocate more than the input can justify.
 */
#ifndef KCO_AVRO_DECODE_H
#define KCO_AVRO_DECODE_H

#include <jansson.h>
#include <stddef.h>

#include "convert/kco_avro_schema.h"
#include "core/kco_arena.h"
#include "core/kco_err.h"
#include "record/kco_value.h"

/* Deepest nesting of records, arrays, maps and union structs in a datum. */
#define KCO_AVRO_MAX_DEPTH 64
/* A datum of n bytes may produce at most this many values (empty records and zero-size fixed items take
 * no bytes, so byte counts alone do not bound them). */
#define KCO_AVRO_MAX_VALUES(n) ((size_t)65536 + 16 * (size_t)(n))

/* Decodes one datum of s that takes exactly p[0..n) (trailing bytes are an error). *out is allocated in
 * arena; every node of it carries the Connect schema node it was read with. 0, or -1 with a KCO_ERR_DATA
 * err saying what is wrong and at which byte. */
int kco_avro_decode(const kco_avro_schema_t *s, const void *p, size_t n, kco_arena_t *arena, kco_value_t **out,
                    kco_err_t *err);

/* A JSON default value j of Avro type a as a Connect value of cs (AvroData.defaultValueFromAvro): numbers
 * narrowed as Java would, bytes from the ISO-8859-1 code points of a string, records from objects (a
 * missing field takes the field's own default), a union default belongs to its first branch. Allocates in
 * arena. 0, or -1 if j does not fit (the caller then ignores the default, as AvroData does). */
int kco_avro_decode_default(const kco_avro_node_t *a, const kco_schema_t *cs, const json_t *j, kco_arena_t *arena,
                            kco_value_t *out);

#endif
