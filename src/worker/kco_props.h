/*
 * kco_props.h - an ordered string map and a reader for Java .properties text.
 *
 * Owns: copies of every key and value it holds. Not thread-safe; one owner at
 * a time (the worker builds a map at startup or on a REST request, then hands
 * read-only copies around).
 *
 * The reader follows java.util.Properties.load: '#' / '!' comment lines,
 * key and value split at the first unescaped '=', ':' or whitespace,
 * continuation lines ending in an odd number of backslashes, escapes
 * \t \n \r \f \uXXXX and "\x" -> "x", CR / LF / CRLF line ends, later keys
 * override earlier ones. Deliberate differences (a C string cannot carry them,
 * or Java would silently mangle them):
 *   - bytes are taken as they are (a UTF-8 file stays UTF-8); Java's
 *     InputStream overload would decode them as ISO-8859-1;
 *   - \uXXXX is emitted as UTF-8, an escaped surrogate pair becomes one
 *     4-byte character, and an unpaired escaped surrogate is an error;
 *   - a NUL byte or \u0000 is an error;
 *   - a \u escape with fewer than four hex digits is an error (Java 8 reads
 *     past the end of the line);
 *   - the map keeps insertion order (a key keeps the position of its first
 *     occurrence); Java's Hashtable has none.
 */
#ifndef KCO_PROPS_H
#define KCO_PROPS_H

#include <stddef.h>

typedef struct kco_props_s kco_props_t;

kco_props_t *kco_props_new(void);
void kco_props_destroy(kco_props_t *p);

/* Parses text and adds its entries to p. On error returns -1, leaves p
 * unchanged and writes "origin: line N: reason" (or "line N: reason" when
 * origin is NULL) into err. Returns 0 on success. */
int kco_props_parse(kco_props_t *p, const char *text, size_t len, const char *origin, char *err,
                    size_t errsz);
/* Reads a whole file and parses it with the path as origin. A read failure
 * is reported as "path: cannot read: strerror". */
int kco_props_load_file(kco_props_t *p, const char *path, char *err, size_t errsz);

/* NULL if absent. The pointer is valid until the key is set again or unset. */
const char *kco_props_get(const kco_props_t *p, const char *key);
/* Inserts at the end, or replaces the value in place. */
void kco_props_set(kco_props_t *p, const char *key, const char *value);
/* Returns 1 if the key was present and is now removed, else 0. */
int kco_props_unset(kco_props_t *p, const char *key);

/* Entries in insertion order; i < kco_props_count(p). */
size_t kco_props_count(const kco_props_t *p);
const char *kco_props_key(const kco_props_t *p, size_t i);
const char *kco_props_value(const kco_props_t *p, size_t i);

kco_props_t *kco_props_copy(const kco_props_t *p);

#endif
