/*
 * kco_avro_schema.h - an Avro schema (its JSON text) parsed twice over: into
 * the Avro tree the binary decoder walks, and into the Connect schema that
 * Confluent's AvroData.toConnectSchema would build from it (with the
 * AvroConverter's defaults: connect.meta.data=true, enhanced support,
 * generalized sum types and scrubbing off, singleton unions flattened).
 *
 * Owns: a kco_avro_schema_t, whose Avro nodes, Connect nodes, strings and
 * default values all live in the arena of the Connect root; the handle holds
 * one reference to that root. Built by the task thread that needs it;
 * immutable afterwards (may be read by any thread). Must never: build a
 * recursive Connect tree (recursive Avro records are refused), or grow
 * without bound on a hostile schema (depth and node counts are capped).
 */
#ifndef KCO_AVRO_SCHEMA_H
#define KCO_AVRO_SCHEMA_H

#include <jansson.h>
#include <stddef.h>

#include "core/kco_err.h"
#include "record/kco_schema.h"

/* Deepest nesting of types a schema may have, and most Connect nodes its
 * expansion may produce (a named type is expanded at each use). */
#define KCO_AVRO_MAX_SCHEMA_DEPTH 256
#define KCO_AVRO_MAX_CONNECT_NODES 100000

typedef enum {
        KCO_AVRO_NULL = 0,
        KCO_AVRO_BOOLEAN,
        KCO_AVRO_INT,
        KCO_AVRO_LONG,
        KCO_AVRO_FLOAT,
        KCO_AVRO_DOUBLE,
        KCO_AVRO_BYTES,
        KCO_AVRO_STRING,
        KCO_AVRO_RECORD,
        KCO_AVRO_ENUM,
        KCO_AVRO_ARRAY,
        KCO_AVRO_MAP,
        KCO_AVRO_UNION,
        KCO_AVRO_FIXED,
} kco_avro_kind_t;

/* How a union appears in Connect. */
typedef enum {
        KCO_AVRO_UNION_STRUCT = 0, /* struct io.confluent.connect.avro.Union: one optional field per non-null
                                    * branch; optional itself when a branch is null */
        KCO_AVRO_UNION_OPTIONAL,   /* [null, X] or [X, null]: X's schema, optional */
        KCO_AVRO_UNION_SINGLE,     /* [X]: X's schema (flatten.singleton.unions) */
} kco_avro_union_mode_t;

typedef struct kco_avro_node_s kco_avro_node_t;

typedef struct kco_avro_field_s {
        const char *name;
        kco_avro_node_t *type;
        const char *doc;     /* NULL when none */
        json_t *dflt;        /* "default"; only while kco_avro_schema_parse runs, NULL afterwards */
        json_t *json;        /* the field's object; likewise */
} kco_avro_field_t;

struct kco_avro_node_s {
        kco_avro_kind_t kind;
        const char *fullname; /* RECORD, ENUM, FIXED: namespace.name */
        const char *name;     /* RECORD, ENUM, FIXED: the name without its namespace */
        const char *doc;      /* RECORD, ENUM: NULL when none */
        kco_avro_field_t *fields; /* RECORD */
        size_t nfields;
        const char **symbols; /* ENUM */
        size_t *symlens;
        size_t nsymbols;
        const char *enum_default; /* ENUM: NULL when none */
        size_t size;              /* FIXED */
        kco_avro_node_t *items;   /* ARRAY: the items; MAP: the values */
        kco_avro_node_t **branches; /* UNION */
        size_t nbranches;
        kco_avro_union_mode_t union_mode;
        int null_branch; /* UNION: index of the null branch, -1 if none */
        int map_entry;   /* ARRAY of io.confluent.connect.avro.MapEntry records: a Connect MAP */
        int entry_key;   /* map_entry: index of the "key" field of the entry record (the other is "value") */
        size_t min_size; /* fewest bytes a datum of this type can take (bounds claimed item counts) */
        /* private to the parser */
        json_t *json;
        int state;
};

typedef struct kco_avro_schema_s {
        kco_avro_node_t *avro;  /* the writer's schema */
        kco_schema_t *connect;  /* its Connect schema (root); the handle owns one reference */
} kco_avro_schema_t;

/* Parses the JSON text of an Avro schema. version >= 0 is the Schema Registry version, set on the
 * Connect root unless the schema carries connect.version (AvroData.toConnectData(schema, value,
 * version)); -1 for none. NULL with a KCO_ERR_DATA err naming what is wrong. */
kco_avro_schema_t *kco_avro_schema_parse(const char *text, size_t len, int version, kco_err_t *err);
/* Drops the handle's reference (the tree lives on while others hold one). NULL is fine. */
void kco_avro_schema_free(kco_avro_schema_t *s);

#endif
