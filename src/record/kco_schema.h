/*
 * kco_schema.h - Connect schemas: type, optional, name, version, doc,
 * parameters, default, logical type; array/map element schemas and struct
 * fields. Equal in power to org.apache.kafka.connect.data.Schema.
 *
 * Owns: a schema tree. The root holds an arena with every node, string and
 * default value of the tree, and a reference count; children are freed with
 * their root. A tree is immutable once built and may be shared by threads
 * (kco_schema_ref / kco_schema_unref are atomic). Must never: be changed
 * after it has been handed to another owner.
 */
#ifndef KCO_SCHEMA_H
#define KCO_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "core/kco_arena.h"
#include "core/kco_buf.h"

typedef enum {
        KCO_TYPE_NULL = 0, /* a value only: null */
        KCO_TYPE_INT8,
        KCO_TYPE_INT16,
        KCO_TYPE_INT32,
        KCO_TYPE_INT64,
        KCO_TYPE_FLOAT32,
        KCO_TYPE_FLOAT64,
        KCO_TYPE_BOOLEAN,
        KCO_TYPE_STRING,
        KCO_TYPE_BYTES,
        KCO_TYPE_ARRAY,
        KCO_TYPE_MAP,
        KCO_TYPE_STRUCT,
} kco_type_t;

/* Connect's logical types, recognised by schema name. */
typedef enum {
        KCO_LOGICAL_NONE = 0,
        KCO_LOGICAL_DECIMAL,   /* BYTES: big-endian two's complement unscaled value; parameter "scale" */
        KCO_LOGICAL_DATE,      /* INT32: days since 1970-01-01 */
        KCO_LOGICAL_TIME,      /* INT32: milliseconds since midnight */
        KCO_LOGICAL_TIMESTAMP, /* INT64: milliseconds since the epoch */
} kco_logical_t;

#define KCO_DECIMAL_NAME "org.apache.kafka.connect.data.Decimal"
#define KCO_DATE_NAME "org.apache.kafka.connect.data.Date"
#define KCO_TIME_NAME "org.apache.kafka.connect.data.Time"
#define KCO_TIMESTAMP_NAME "org.apache.kafka.connect.data.Timestamp"
#define KCO_DECIMAL_SCALE "scale"

typedef struct kco_schema_s kco_schema_t;
typedef struct kco_value_s kco_value_t;

typedef struct kco_field_s {
        const char *name;
        int index;
        kco_schema_t *schema;
} kco_field_t;

typedef struct kco_param_s {
        const char *key;
        const char *value;
} kco_param_t;

struct kco_schema_s {
        kco_type_t type;
        int optional;
        const char *name;    /* NULL when unnamed */
        int has_version;     /* version is set */
        int version;
        const char *doc;     /* NULL when none */
        kco_param_t *params; /* in insertion order */
        size_t nparams;
        const kco_value_t *default_value; /* NULL when none (a null default is a value of type NULL) */
        kco_logical_t logical;            /* from name; set by kco_schema_finish */
        int scale;                        /* KCO_LOGICAL_DECIMAL */
        kco_schema_t *key;                /* MAP */
        kco_schema_t *value;              /* ARRAY, MAP */
        kco_field_t *fields;              /* STRUCT */
        size_t nfields;
        kco_schema_t *root; /* the tree's root (itself for a root) */
        /* root only */
        kco_arena_t *arena;
        int refs;
};

/* A new tree whose root has the given type; one reference. */
kco_schema_t *kco_schema_new(kco_type_t type);
/* A node of root's tree (not yet attached anywhere). */
kco_schema_t *kco_schema_node(kco_schema_t *root, kco_type_t type);
/* Strings are copied into the tree. */
void kco_schema_set_name(kco_schema_t *s, const char *name);
void kco_schema_set_doc(kco_schema_t *s, const char *doc);
void kco_schema_add_param(kco_schema_t *s, const char *key, const char *value);
const char *kco_schema_param(const kco_schema_t *s, const char *key);
/* STRUCT: room for n fields; then kco_schema_set_field(s, i, name, child) for each i < n. */
void kco_schema_alloc_fields(kco_schema_t *s, size_t n);
void kco_schema_set_field(kco_schema_t *s, size_t i, const char *name, kco_schema_t *child);
const kco_field_t *kco_schema_field(const kco_schema_t *s, const char *name);
/* Recognises logical types by name (and reads the decimal scale) in the whole tree. 0, or -1 with a reason in
 * why (e.g. a Decimal without a numeric scale). Call once the tree is complete. */
int kco_schema_finish(kco_schema_t *root, char *why, size_t whylen);

/* A deep copy of src (any tree) as a node of root's tree, default values included. */
kco_schema_t *kco_schema_copy(kco_schema_t *root, const kco_schema_t *src);
/* Deep equality of two values (types, numbers bit for bit, bytes, children); schemas are not compared. */
int kco_value_equal(const kco_value_t *a, const kco_value_t *b);
/* A deep copy of v into arena (strings included). */
kco_value_t *kco_value_copy(kco_arena_t *arena, const kco_value_t *v);

kco_schema_t *kco_schema_ref(const kco_schema_t *s);   /* s must be a root; returns it */
void kco_schema_unref(const kco_schema_t *s);          /* NULL is fine */

/* Deep equality: type, optional, name, version, doc, parameters, default, children. */
int kco_schema_equal(const kco_schema_t *a, const kco_schema_t *b);
/* A readable one-line description for errors: "struct com.example.Click{id:int64,...}". */
void kco_schema_describe(const kco_schema_t *s, kco_buf_t *out);
const char *kco_type_name(kco_type_t t); /* "int32", "struct", ... */

/* Connect's Schema.OPTIONAL_BYTES_SCHEMA and OPTIONAL_STRING_SCHEMA: static, never freed (ref/unref are no-ops). */
extern const kco_schema_t kco_schema_optional_bytes;
extern const kco_schema_t kco_schema_optional_string;

#endif
