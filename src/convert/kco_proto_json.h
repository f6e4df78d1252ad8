/*
 * kco_proto_json.h - JSON text -> the values of a protobuf message, parsed
 * the way protobuf's JSON parser (protobuf-java-util JsonFormat.parser(),
 * which the Java connector's ParquetJsonFormat uses) reads it, strictly.
 *
 * Owns: a parser (kco_proto_json_t): its scratch (unescaped names, the
 * stacks of the arrays and objects being read) and a name table per message
 * it has read, kept: the messages must outlive the parser. The values it
 * returns live in the caller's arena (strings may point into the text).
 * One parser per thread (the task's). Must never: accept a record the Java
 * parser rejects, or return a partly filled value on error.
 *
 * JSON rules (protobuf's JSON mapping):
 *   - a member name is the field's json_name (lowerCamelCase) or its declared
 *     name (a name two fields have is the later field's, as JsonFormat's
 *     name map); an unknown name is an error ("Cannot find field: x in
 *     message M");
 *     the same field given under both names is an error once it holds a
 *     value (JsonFormat's "has already been set": not after null, [] / {} or
 *     a proto3 default value); duplicate JSON keys: the last one counts;
 *   - null leaves a field unset (for a proto3 implicit-presence scalar: its
 *     default; for the enum google.protobuf.NullValue: NULL_VALUE); null
 *     inside a repeated field or as a map value is an error;
 *   - int32 / uint32 / sint32 / fixed32 / sfixed32 and the 64-bit kinds accept a
 *     number or a string holding one ("12", "-3", "1e2", "5.0", "+7"; the
 *     grammar of java.math.BigDecimal, no spaces), integral and in the type's
 *     range, read exactly from the text; float / double accept numbers,
 *     numeric strings and the strings "NaN", "Infinity", "-Infinity" (a finite
 *     number beyond the type's range is an error, with JsonFormat's 1e-6
 *     tolerance); bool only true / false (or the strings "true" / "false", as
 *     JsonFormat); string only strings; bytes a standard or URL-safe base64
 *     string, padding optional;
 *   - an enum: its value name, or an int32 (number or string; proto2 / closed
 *     enums: only a declared number);
 *   - a map: a JSON object whose keys are parsed as the key type (bool keys
 *     "true" / "false", integer keys as canonical decimal text: -?(0|[1-9]
 *     [0-9]*), so that distinct names are distinct keys);
 *   - more than one member of one oneof set (non-null) is an error;
 *   - proto2 required fields must be present ("Message missing required
 *     fields: a, b"), checked as each message closes (as JsonFormat builds
 *     each sub-message), so a nested one is reported at its own path
 *     ("value.b: Message missing required fields: c");
 *   - the well-known types: Timestamp (RFC 3339 with upper-case 'T', "Z" or
 *     an offset +-HH:MM, an optional fraction of 1-9 digits, years
 *     0001-9999 after the offset is applied), Duration ("-1.5s", within
 *     +-315576000000 s), the wrappers (the bare value), FieldMask ("a.fooBar,b"
 *     -> paths a.foo_bar, b), Empty ({}).
 *
 * Values (kco_value_t, schema NULL), by field:
 *   message              STRUCT, u.c.n == msg->nfields, items in field order;
 *                        an unset field with presence is NULL; an unset proto3
 *                        scalar without presence holds its default
 *   repeated             ARRAY of the element values (n 0 when absent or [])
 *   map<K, V>            ARRAY of STRUCT {key, value} (2 items), in JSON order
 *   int32 sint32 sfixed32                 INT32, u.i
 *   uint32 fixed32                        INT64, u.i in [0, 2^32)
 *   int64 sint64 sfixed64                 INT64, u.i
 *   uint64 fixed64                        INT64, u.i = the 64 bits (as uint64_t)
 *   float                                 FLOAT32, u.d (a float value)
 *   double                                FLOAT64, u.d
 *   bool                                  BOOLEAN, u.i 0 / 1
 *   string                                STRING, u.s (UTF-8)
 *   bytes                                 BYTES, u.s (decoded)
 *   enum                                  STRING, the value's name; a number
 *                                         of an open enum that has no value:
 *                                         "UNKNOWN_ENUM_VALUE_<Enum>_<number>"
 *   well-known types                      the STRUCT of their fields
 *                                         (Timestamp: {seconds, nanos})
 */
#ifndef KCO_PROTO_JSON_H
#define KCO_PROTO_JSON_H

#include <stddef.h>

#include "core/kco_arena.h"
#include "core/kco_err.h"
#include "record/kco_proto.h"
#include "record/kco_value.h"

typedef struct kco_proto_json_s kco_proto_json_t;

kco_proto_json_t *kco_proto_json_new(void);
void kco_proto_json_destroy(kco_proto_json_t *j);

/* Parses the JSON text [p, p+n) as message m into out (a STRUCT). 0, or -1 with KCO_ERR_DATA in err:
 * "<where>: <reason>", where is a value path (value.items[2].name, value.attrs["k"]) and reason says what was
 * expected and what came, e.g. "value.count: Not an int32 value: \"x\""; invalid JSON gives
 * "invalid JSON at byte N: ...". Nesting deeper than 100 messages or JSON levels is an error. */
int kco_proto_json_parse(kco_proto_json_t *j, const kco_proto_msg_t *m, const char *p, size_t n,
                         kco_arena_t *arena, kco_value_t *out, kco_err_t *err);

#endif
