/*
 * kco_json_write.h - JSON text out of bytes, text and typed Connect values,
 * the way Kafka Connect's JsonConverter (schemas.enable=false, Jackson's
 * default generator) serializes them: what JsonFormat writes.
 *
 * Owns: nothing (pure functions appending to the caller's buffer). Any
 * thread. Must never: emit a line break (every output is one line with no
 * spaces between tokens) or invalid JSON.
 */
#ifndef KCO_JSON_WRITE_H
#define KCO_JSON_WRITE_H

#include <stddef.h>

#include "core/kco_buf.h"
#include "core/kco_err.h"
#include "record/kco_value.h"

/* Deepest value kco_json_write_value renders (arrays, maps and structs). */
#define KCO_JSON_WRITE_MAX_DEPTH 256

/* Appends s as a JSON string literal: '"' and '\\' escaped, \n \r \t short,
 * other control characters as \u00XX, bytes that are not valid UTF-8
 * replaced by U+FFFD (one per byte, as Java's decoder does). */
void kco_json_write_string(const char *s, size_t n, kco_buf_t *out);

/* Appends the standard base64 (RFC 4648, padded) of p as a JSON string
 * literal, as Jackson writes a binary node. */
void kco_json_write_base64(const unsigned char *p, size_t n, kco_buf_t *out);

/* Appends d as Java's Double.toString (JDK 19+) writes it: the shortest
 * digits that read back as d, "123.0", "0.001", "1.0E7", "-4.9E-324".
 * NaN and infinities are not JSON numbers: they are written as the strings
 * "NaN", "Infinity", "-Infinity", as Jackson does by default
 * (QUOTE_NON_NUMERIC_NUMBERS). */
void kco_json_write_double(double d, kco_buf_t *out);

/* The same for a float (Float.toString: the shortest digits that read back
 * as f as a float). */
void kco_json_write_float(float f, kco_buf_t *out);

/* Appends v as JsonConverter with schemas.enable=false serializes it:
 *   null                 null (a null with a schema default: the default)
 *   int8..int64          the integer (Date, Time: int32; Timestamp: int64 ms)
 *   float32, float64     kco_json_write_float / kco_json_write_double
 *   boolean              true / false
 *   string               a JSON string
 *   bytes                a base64 string (Decimal: of the unscaled value,
 *                        Connect's default decimal.format=BASE64)
 *   array                [..]
 *   map                  {"k":v,..} when keys are strings (the key schema's
 *                        type; schemaless: every key), else [[k,v],..]
 *   struct               {"field":v,..} in schema field order
 * One line, no spaces. 0, or -1 with err set (KCO_ERR_DATA: a struct
 * without a schema or of the wrong size, an unknown type, nesting deeper
 * than KCO_JSON_WRITE_MAX_DEPTH); on error out is left as it was. */
int kco_json_write_value(const kco_value_t *v, kco_buf_t *out, kco_err_t *err);

#endif
