/*
 * kco_json_dom.h - a JSON message parsed into a tree of nodes that keeps
 * what JsonConverter needs and jansson drops: the exact text of numbers
 * (Decimal payloads, integers beyond int64) and of every array and object
 * (the schema cache key). Strings without escapes point into the message.
 * Its tokens are kco_json_lex's; it also checks text without building
 * anything (kco_json_dom_check, kco_json_dom_skip), with the same errors.
 *
 * Owns: nothing but the parser's node stack; nodes and unescaped strings
 * live in the arena given to kco_json_dom_parse. One thread per parser.
 * Must never: accept what RFC 8259 rejects (but see kco_json_dom_parse on
 * lone surrogate escapes), or recurse deeper than the depth it is given.
 */
#ifndef KCO_JSON_DOM_H
#define KCO_JSON_DOM_H

#include <stddef.h>
#include <stdint.h>

#include "core/kco_arena.h"
#include "core/kco_err.h"
#include "convert/kco_json_lex.h"

typedef enum {
        KCO_JSON_NULL = 0,
        KCO_JSON_FALSE,
        KCO_JSON_TRUE,
        KCO_JSON_NUMBER,
        KCO_JSON_STRING,
        KCO_JSON_ARRAY,
        KCO_JSON_OBJECT,
} kco_json_kind_t;

#define KCO_JSON_INTEGRAL 0x1 /* NUMBER: no fraction, no exponent */
#define KCO_JSON_OWNED 0x2    /* STRING: unescaped into the arena (NUL-terminated); else p points into the input */
#define KCO_JSON_LAZY 0x4     /* the value was checked, not built: only kind, p and len are set */

typedef struct kco_json_node_s kco_json_node_t;
struct kco_json_node_s {
        uint8_t kind; /* kco_json_kind_t */
        uint8_t flags;
        uint32_t n;             /* ARRAY: items; OBJECT: members (distinct keys) */
        const char *p;          /* NUMBER: its text; STRING: the UTF-8 bytes; ARRAY/OBJECT: the raw JSON text */
        size_t len;
        kco_json_node_t *items; /* ARRAY: n items; OBJECT: 2n: key, value, key, value... */
        uint32_t *index;        /* OBJECT with many members: hash slots (member index + 1) */
        uint32_t mask;
};

typedef struct kco_json_dom_s {
        kco_json_node_t *stack; /* children of the containers being parsed */
        size_t nstack, capstack;
} kco_json_dom_t;

void kco_json_dom_init(kco_json_dom_t *d);
void kco_json_dom_free(kco_json_dom_t *d);

/* Parses [p, p+n): exactly one JSON value with optional whitespace around it
 * and an optional leading UTF-8 byte order mark. Returns 1 with *out set, 0
 * for input that is empty or whitespace only, or -1 with err (KCO_ERR_DATA,
 * "invalid JSON at byte N: ...") for invalid JSON, invalid UTF-8 in a
 * string, or arrays/objects nested deeper than max_depth. Duplicate object
 * keys: the last value wins, at the place of the first (as Jackson's
 * ObjectNode). An unpaired \uD800-\uDFFF escape decodes to U+FFFD.
 * lazy (or NULL): when the value is an object, its members of that name are
 * checked but not built (KCO_JSON_LAZY: parse their text again when needed),
 * e.g. the "schema" of a JsonConverter envelope found in a cache. */
int kco_json_dom_parse(kco_json_dom_t *d, kco_arena_t *arena, const char *p, size_t n, int max_depth,
                       const char *lazy, kco_json_node_t *out, kco_err_t *err);

/* Checks [p, p+n) as kco_json_dom_parse would parse it (same results and errors) without building
 * anything: 1, 0 (empty) or -1 with err. */
int kco_json_dom_check(const char *p, size_t n, int max_depth, kco_err_t *err);

/* Checks the JSON value after the cursor's whitespace as kco_json_dom_parse checks a value found at depth
 * (containers nested to max_depth) and moves the cursor past it. 0, or -1 with lx->err. */
int kco_json_dom_skip(kco_json_lex_t *lx, int depth, int max_depth);

/* The member name of an object (NULL when absent or obj is no object). */
const kco_json_node_t *kco_json_dom_get(const kco_json_node_t *obj, const char *name, size_t n);

/* A NUMBER as int64: 0, -1 when it has a fraction or exponent, -2 when out of range. */
int kco_json_dom_int64(const kco_json_node_t *j, int64_t *out);
/* A NUMBER as the nearest double (float when f32): 0, or -1 when beyond the type's range. */
int kco_json_dom_real(const kco_json_node_t *j, int f32, double *out);

/* Jackson's JsonNodeType name: "NULL", "BOOLEAN", "NUMBER", "STRING", "ARRAY", "OBJECT"; "MISSING" for NULL. */
const char *kco_json_dom_kind_name(const kco_json_node_t *j);

/* FNV-1a. */
uint64_t kco_json_dom_hash(const char *p, size_t n);

#endif
