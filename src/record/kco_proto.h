/*
 * kco_proto.h - protobuf message schemas, for ParquetJsonFormat: the
 * messages, fields and enums of the .proto files protoc compiles (or of a
 * descriptor set file), and the Java class names the Java connector's
 * oss.parquet.protobuf.schema.class gives them.
 *
 * Owns: kco_proto_t, every message, field, enum and name loaded into it (one
 * arena), and the protobuf text format of each message's DescriptorProto
 * (the Parquet footer's parquet.proto.descriptor). Loading runs once, on the
 * thread that builds the format; the loaded schemas are immutable and any
 * thread may read them. Must never: parse .proto text itself (protoc does),
 * or hand out a message that cannot be written (see kco_proto_find).
 *
 * Java names (protoc's rules, as protobuf-java generates classes):
 *   package    option java_package, else the proto package
 *   outer      option java_outer_classname, else the file name without
 *              ".proto" in CamelCase (parquet_test.proto -> ParquetTest), with
 *              "OuterClass" appended when a message or enum of the file (a
 *              top-level one or, as protoc checks, a nested one) or a service
 *              has that name
 *   class      package.Outer$Message$Nested; with option java_multiple_files
 *              top-level messages are package.Message$Nested.
 * A proto full name (package.Message.Nested) is accepted as well.
 */
#ifndef KCO_PROTO_H
#define KCO_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "core/kco_err.h"

/* FieldDescriptorProto.Type numbers. */
typedef enum {
        KCO_PROTO_DOUBLE = 1,
        KCO_PROTO_FLOAT = 2,
        KCO_PROTO_INT64 = 3,
        KCO_PROTO_UINT64 = 4,
        KCO_PROTO_INT32 = 5,
        KCO_PROTO_FIXED64 = 6,
        KCO_PROTO_FIXED32 = 7,
        KCO_PROTO_BOOL = 8,
        KCO_PROTO_STRING = 9,
        KCO_PROTO_GROUP = 10,
        KCO_PROTO_MESSAGE = 11,
        KCO_PROTO_BYTES = 12,
        KCO_PROTO_UINT32 = 13,
        KCO_PROTO_ENUM = 14,
        KCO_PROTO_SFIXED32 = 15,
        KCO_PROTO_SFIXED64 = 16,
        KCO_PROTO_SINT32 = 17,
        KCO_PROTO_SINT64 = 18,
} kco_proto_type_t;

/* FieldDescriptorProto.Label numbers. */
typedef enum {
        KCO_PROTO_LABEL_OPTIONAL = 1,
        KCO_PROTO_LABEL_REQUIRED = 2,
        KCO_PROTO_LABEL_REPEATED = 3,
} kco_proto_label_t;

/* Messages whose JSON form is special (protobuf's JSON mapping). */
typedef enum {
        KCO_PROTO_WKT_NONE = 0,
        KCO_PROTO_WKT_TIMESTAMP,  /* google.protobuf.Timestamp: "1972-01-01T10:00:20.021Z" */
        KCO_PROTO_WKT_DURATION,   /* google.protobuf.Duration: "1.000340012s" */
        KCO_PROTO_WKT_WRAPPER,    /* google.protobuf.{Double,Float,Int64,UInt64,Int32,UInt32,Bool,String,Bytes}Value:
                                   * the JSON of its one field "value" */
        KCO_PROTO_WKT_FIELD_MASK, /* google.protobuf.FieldMask: "a.fooBar,b" */
        KCO_PROTO_WKT_EMPTY,      /* google.protobuf.Empty: {} */
} kco_proto_wkt_t;

typedef struct kco_proto_msg_s kco_proto_msg_t;

typedef struct kco_proto_enum_value_s {
        const char *name;
        int32_t number;
} kco_proto_enum_value_t;

typedef struct kco_proto_enum_s {
        const char *full_name; /* package.Outer.Enum */
        const char *name;      /* Enum */
        int closed;            /* proto2: a number that is not a value is an error; proto3: kept */
        size_t nvalues;
        const kco_proto_enum_value_t *values; /* declaration order; values[0] is the default */
} kco_proto_enum_t;

typedef struct kco_proto_field_s {
        const char *name;      /* as declared (snake_case usually) */
        const char *json_name; /* lowerCamelCase, or the json_name option */
        int32_t number;
        kco_proto_label_t label;
        kco_proto_type_t type;
        /* 1: unset means absent (proto2 fields, proto3 `optional`, members of a oneof, messages); 0: an unset
         * proto3 scalar is its default (0, false, "", the enum's first value). Repeated fields and maps: 0. */
        int has_presence;
        int oneof;                  /* index of its (real, not synthetic) oneof in msg->oneofs, or -1 */
        const kco_proto_msg_t *msg; /* MESSAGE / GROUP: the type; for a map: the map entry (key = fields[0],
                                     * value = fields[1]) */
        const kco_proto_enum_t *en; /* ENUM */
        int is_map;                 /* map<K, V>: label REPEATED, type MESSAGE, msg->map_entry */
} kco_proto_field_t;

struct kco_proto_msg_s {
        const char *full_name;  /* package.Outer.Inner, without a leading dot */
        const char *name;       /* Inner */
        const char *java_class; /* com.example.Outer$Inner */
        int proto3;
        int map_entry;
        kco_proto_wkt_t wkt;
        size_t nfields;
        const kco_proto_field_t *fields; /* declaration order (Descriptor.getFields), not number order */
        size_t noneofs;
        const char *const *oneofs; /* names of the real oneofs */
        const char *descriptor_text; /* protobuf text format of its DescriptorProto (parquet.proto.descriptor) */
};

typedef struct kco_proto_s kco_proto_t;

kco_proto_t *kco_proto_new(void);
void kco_proto_destroy(kco_proto_t *p);

/* Loads a path: a directory (every *.proto below it is compiled by `protoc` with the directory as the import
 * root, and every *.desc / *.pb / *.protoset in it is read as a descriptor set), a single .proto file (its
 * directory is the import root), or a descriptor set file (FileDescriptorSet, as protoc
 * --descriptor_set_out --include_imports writes). 0, or -1 with KCO_ERR_CONFIG naming the file and protoc's
 * message. Files already loaded (by name) are skipped. */
int kco_proto_load(kco_proto_t *p, const char *path, kco_err_t *err);

/* Loads one FileDescriptorSet held in memory. Same result as kco_proto_load. */
int kco_proto_load_set(kco_proto_t *p, const void *data, size_t len, const char *origin, kco_err_t *err);

/* The message a Java class name (or a proto full name) names. NULL with KCO_ERR_CONFIG when no loaded file
 * defines it (the message lists what was loaded), or when it cannot be written to Parquet: a recursive
 * message, a group without fields, google.protobuf.Any / Struct / Value / ListValue. */
const kco_proto_msg_t *kco_proto_find(const kco_proto_t *p, const char *name, kco_err_t *err);

#endif
