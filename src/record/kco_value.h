/*
 * kco_value.h - a Connect value: null, a primitive, bytes/text, an array, a
 * map or a struct, with the schema it was read with (NULL when schemaless,
 * e.g. JsonConverter with schemas.enable=false).
 *
 * Owns: nothing; values and their children live in the arena of the batch
 * that converted them (reset once the batch is written), strings may point
 * into the Kafka message. Task thread. Must never: be kept past the batch.
 *
 *   type          payload
 *   NULL          -
 *   INT8..INT64   i (Date/Time: INT32, Timestamp: INT64 milliseconds)
 *   FLOAT32/64    d
 *   BOOLEAN       i (0 or 1)
 *   STRING        s.ptr/s.len (UTF-8, not NUL-terminated)
 *   BYTES         s.ptr/s.len (Decimal: big-endian two's complement unscaled value)
 *   ARRAY         c.items[0..c.n)
 *   MAP           c.items[0..2*c.n): key, value, key, value...
 *   STRUCT        c.items[0..c.n): one per schema field, in field order
 */
#ifndef KCO_VALUE_H
#define KCO_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "record/kco_schema.h"

struct kco_value_s {
        kco_type_t type;
        const kco_schema_t *schema; /* NULL when schemaless */
        union {
                int64_t i;
                double d;
                struct {
                        const char *ptr;
                        size_t len;
                } s;
                struct {
                        kco_value_t *items;
                        size_t n;
                } c;
        } u;
};

/* The value at a dotted path below v ("a.b.c"): a struct's field by name, a map's entry by string key (a
 * schemaless JSON object). NULL when a step does not exist, with *why saying which ("no field b in a") in
 * why[0..n). A null on the way is returned as that null value. */
const kco_value_t *kco_value_lookup(const kco_value_t *v, const char *path, char *why, size_t n);

#endif
