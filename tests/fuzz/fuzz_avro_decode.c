/*
 * fuzz_avro_decode.c - libFuzzer target for the Avro schema parser and the
 * binary decoder (kco_avro_schema.c, kco_avro_decode.c).
 *
 * Owns: one arena, reset after every input, and nothing else between runs.
 * Single-threaded (libFuzzer's). Must never: keep a schema across inputs.
 *
 * Input: if the first byte is below the number of built-in schemas, that
 * schema and the rest of the input as the datum (so the decoder is explored
 * against rich schemas); otherwise the bytes up to the first NUL are an Avro
 * schema's JSON text and the bytes after it the datum.
 *
 * Checks, for arbitrary bytes:
 *   - parsing the same text twice gives equal Connect schemas (or the same
 *     error), and a parsed schema can be described;
 *   - a decoded value has a schema on every node, of the node's type (a
 *     null only for an optional schema), structs have one item per field,
 *     and every string is valid UTF-8 (invalid input is replaced);
 *   - decoding the same datum twice gives equal results;
 *   - on failure the error is a KCO_ERR_DATA with a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/kco_avro_decode.h"
#include "convert/kco_avro_schema.h"
#include "format/kco_json_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_avro_schemas[] = {
        "{\"type\": \"record\", \"name\": \"Order\", \"namespace\": \"shop\", \"fields\": ["
        "{\"name\": \"id\", \"type\": \"long\"},"
        "{\"name\": \"customer\", \"type\": {\"type\": \"record\", \"name\": \"Customer\", \"fields\": ["
        "  {\"name\": \"name\", \"type\": \"string\"}, {\"name\": \"vip\", \"type\": \"boolean\"}]}},"
        "{\"name\": \"lines\", \"type\": {\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": \"Line\", "
        "  \"fields\": [{\"name\": \"sku\", \"type\": \"string\"}, {\"name\": \"qty\", \"type\": \"int\"}]}}},"
        "{\"name\": \"tags\", \"type\": {\"type\": \"map\", \"values\": \"string\"}},"
        "{\"name\": \"note\", \"type\": [\"null\", \"string\"]},"
        "{\"name\": \"extra\", \"type\": [\"null\", \"int\", \"Customer\", \"float\"]},"
        "{\"name\": \"state\", \"type\": {\"type\": \"enum\", \"name\": \"State\", \"symbols\": [\"NEW\", \"PAID\"]}},"
        "{\"name\": \"hash\", \"type\": {\"type\": \"fixed\", \"name\": \"Hash\", \"size\": 2}},"
        "{\"name\": \"price\", \"type\": {\"type\": \"bytes\", \"logicalType\": \"decimal\", \"scale\": 2}},"
        "{\"name\": \"small\", \"type\": {\"type\": \"int\", \"connect.type\": \"int8\"}},"
        "{\"name\": \"d\", \"type\": \"double\"}]}",
        "{\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": \"io.confluent.connect.avro.MapEntry\", "
        "\"fields\": [{\"name\": \"key\", \"type\": [\"null\", \"string\"]}, {\"name\": \"value\", \"type\": "
        "{\"type\": \"map\", \"values\": {\"type\": \"array\", \"items\": \"long\"}}}]}}",
        "{\"type\": \"array\", \"items\": {\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": \"E\", "
        "\"fields\": [{\"name\": \"z\", \"type\": {\"type\": \"fixed\", \"name\": \"Z\", \"size\": 0}}]}}}",
        "{\"type\": \"map\", \"values\": {\"type\": \"map\", \"values\": {\"type\": \"map\", \"values\": "
        "{\"type\": \"array\", \"items\": {\"type\": \"array\", \"items\": {\"type\": \"array\", \"items\": "
        "{\"type\": \"array\", \"items\": {\"type\": \"array\", \"items\": [\"null\", \"string\", "
        "{\"type\": \"array\", \"items\": \"boolean\"}]}}}}}}}}",
        "[\"int\", \"string\", \"null\", {\"type\": \"enum\", \"name\": \"One\", \"symbols\": [\"A\"]}]",
};
#define FUZZ_AVRO_NSCHEMAS (sizeof(fuzz_avro_schemas) / sizeof(fuzz_avro_schemas[0]))

static kco_arena_t *fuzz_avro_arena;

static void fuzz_avro_die(const char *what) {
        fprintf(stderr, "fuzz_avro_decode invariant broken: %s\n", what);
        abort();
}

static void fuzz_avro_check(const kco_value_t *v, int depth, int max_depth) {
        if (depth > max_depth)
                fuzz_avro_die("a value nested deeper than allowed");
        if (!v->schema)
                fuzz_avro_die("a value without a schema");
        if (v->type == KCO_TYPE_NULL) {
                if (!v->schema->optional)
                        fuzz_avro_die("a null for a required schema");
                return;
        }
        if (v->type != v->schema->type)
                fuzz_avro_die("a value of another type than its schema");
        switch (v->type) {
        case KCO_TYPE_STRING:
                if (!kco_utf8_valid(v->u.s.ptr, v->u.s.len))
                        fuzz_avro_die("a string that is not UTF-8");
                break;
        case KCO_TYPE_STRUCT:
                if (v->u.c.n != v->schema->nfields)
                        fuzz_avro_die("a struct with the wrong number of fields");
                for (size_t i = 0; i < v->u.c.n; i++) {
                        if (v->u.c.items[i].schema != v->schema->fields[i].schema)
                                fuzz_avro_die("a struct field with another schema than the field's");
                        fuzz_avro_check(&v->u.c.items[i], depth + 1, max_depth);
                }
                break;
        case KCO_TYPE_ARRAY:
                for (size_t i = 0; i < v->u.c.n; i++)
                        fuzz_avro_check(&v->u.c.items[i], depth + 1, max_depth);
                break;
        case KCO_TYPE_MAP:
                for (size_t i = 0; i < 2 * v->u.c.n; i++)
                        fuzz_avro_check(&v->u.c.items[i], depth + 1, max_depth);
                break;
        default:
                break;
        }
}

/* Every default value in the tree is a well-formed value of its schema. */
static void fuzz_avro_check_defaults(const kco_schema_t *s, int depth) {
        if (depth > KCO_AVRO_MAX_SCHEMA_DEPTH + 2)
                fuzz_avro_die("a schema nested deeper than allowed");
        if (s->default_value) {
                if (s->default_value->schema != s)
                        fuzz_avro_die("a default value with another schema than its own");
                fuzz_avro_check(s->default_value, 0, KCO_AVRO_MAX_SCHEMA_DEPTH + 2);
        }
        if (s->key)
                fuzz_avro_check_defaults(s->key, depth + 1);
        if (s->value)
                fuzz_avro_check_defaults(s->value, depth + 1);
        for (size_t i = 0; i < s->nfields; i++)
                fuzz_avro_check_defaults(s->fields[i].schema, depth + 1);
}

/* Deep equality of two decoded values of the same parse. */
static int fuzz_avro_same(const kco_value_t *a, const kco_value_t *b) {
        return a->schema == b->schema && kco_value_equal(a, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (!fuzz_avro_arena)
                fuzz_avro_arena = kco_arena_new(64 * 1024);
        const char *text;
        size_t tlen;
        const uint8_t *datum;
        size_t dlen;
        if (size && data[0] < FUZZ_AVRO_NSCHEMAS) {
                text = fuzz_avro_schemas[data[0]];
                tlen = strlen(text);
                datum = data + 1;
                dlen = size - 1;
        } else {
                const uint8_t *nul = memchr(data, 0, size);
                text = (const char *)data;
                tlen = nul ? (size_t)(nul - data) : size;
                datum = nul ? nul + 1 : NULL;
                dlen = nul ? size - tlen - 1 : 0;
        }
        /* the datum in an allocation of its own size, so ASan sees any overread */
        uint8_t *copy = dlen ? kco_malloc(dlen) : NULL;
        if (dlen)
                memcpy(copy, datum, dlen);

        kco_err_t e1, e2;
        kco_avro_schema_t *s = kco_avro_schema_parse(text, tlen, 1, &e1);
        kco_avro_schema_t *s2 = kco_avro_schema_parse(text, tlen, 1, &e2);
        if (!s != !s2)
                fuzz_avro_die("two parses of one schema disagree");
        if (!s) {
                if (e1.code != KCO_ERR_DATA || !e1.msg[0] || strcmp(e1.msg, e2.msg))
                        fuzz_avro_die("a schema error without a stable message");
                free(copy);
                return 0;
        }
        if (!kco_schema_equal(s->connect, s2->connect))
                fuzz_avro_die("two parses of one schema give different Connect schemas");
        kco_avro_schema_free(s2);
        fuzz_avro_check_defaults(s->connect, 0);
        kco_buf_t d;
        kco_buf_init(&d);
        kco_schema_describe(s->connect, &d);
        kco_buf_free(&d);

        kco_value_t *v1 = NULL, *v2 = NULL;
        int r1 = kco_avro_decode(s, copy, dlen, fuzz_avro_arena, &v1, &e1);
        int r2 = kco_avro_decode(s, copy, dlen, fuzz_avro_arena, &v2, &e2);
        if (r1 != r2)
                fuzz_avro_die("two decodes of one datum disagree");
        if (r1) {
                if (e1.code != KCO_ERR_DATA || e1.retriable || !e1.msg[0] || strcmp(e1.msg, e2.msg))
                        fuzz_avro_die("a decode error without a stable message");
        } else {
                fuzz_avro_check(v1, 0, KCO_AVRO_MAX_DEPTH + 2);
                if (!fuzz_avro_same(v1, v2))
                        fuzz_avro_die("two decodes of one datum give different values");
        }
        kco_avro_schema_free(s);
        kco_arena_reset(fuzz_avro_arena);
        free(copy);
        return 0;
}
