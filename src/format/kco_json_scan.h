/*
 * kco_json_scan.h - single-pass JSON and UTF-8 validation for the hot path.
 *
 * Owns: nothing (pure functions, no allocation except appending to the
 * caller's buffer in kco_json_scan_to_line). Any thread.
 */
#ifndef KCO_JSON_SCAN_H
#define KCO_JSON_SCAN_H

#include <stddef.h>

#include "core/kco_buf.h"

/* Deepest nesting of arrays and objects kco_json_scan_valid accepts. */
#define KCO_JSON_SCAN_MAX_DEPTH 512

/* Returns 1 if [p, p+n) is exactly one valid JSON value (RFC 8259 grammar),
 * optionally surrounded by whitespace (space, tab, CR, LF), else 0.
 * Also rejected: string bytes that are not valid UTF-8 (overlongs, encoded
 * surrogates, code points above U+10FFFF, truncated sequences), raw control
 * characters below 0x20 inside strings, \u escapes of unpaired surrogates
 * (a \uD800-\uDBFF escape must be followed by a \uDC00-\uDFFF escape; the
 * string would not be Unicode text otherwise), and nesting deeper than
 * KCO_JSON_SCAN_MAX_DEPTH. Numbers are not range-checked. Never allocates. */
int kco_json_scan_valid(const char *p, size_t n);

/* Appends the value to out as a single line: the bytes with leading and
 * trailing whitespace removed and every CR or LF replaced by a space (in
 * valid JSON these can only be insignificant whitespace). No newline is
 * appended. Only call on input kco_json_scan_valid accepted. */
void kco_json_scan_to_line(const char *p, size_t n, kco_buf_t *out);

/* Returns 1 if [p, p+n) is valid UTF-8 (no overlongs, no encoded surrogates,
 * nothing above U+10FFFF, no truncated sequence), else 0. NUL bytes are
 * valid. */
int kco_utf8_valid(const char *p, size_t n);

/* Length (1-4) of the valid UTF-8 character at p, or 0 if the bytes there
 * are not one (or n is 0). */
size_t kco_utf8_char_len(const char *p, size_t n);

#endif
