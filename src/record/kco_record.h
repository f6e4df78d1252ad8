/*
 * kco_record.h - one Kafka record after conversion: where it came from and
 * its key and value as typed data.
 *
 * Owns: nothing; the bytes it points at belong to the consumed message and
 * typed values to the task's batch arena; both live only until the record
 * has been written (formats copy what they keep). Any thread, one record at
 * a time.
 */
#ifndef KCO_RECORD_H
#define KCO_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "record/kco_value.h"

typedef enum {
        KCO_DATA_NULL = 0, /* Kafka null (a tombstone when it is the value) */
        KCO_DATA_BYTES,    /* opaque bytes (ByteArrayConverter) */
        KCO_DATA_STRING,   /* text (StringConverter); not necessarily valid UTF-8 */
        KCO_DATA_VALUE,    /* a typed Connect value (JsonConverter, AvroConverter): v */
} kco_data_type_t;

typedef struct kco_data_s {
        kco_data_type_t type;
        const char *ptr; /* BYTES, STRING */
        size_t len;
        const kco_value_t *v; /* VALUE; v->schema is NULL when schemaless, v->type NULL for a null with a schema */
} kco_data_t;

typedef struct kco_header_s {
        const char *key; /* NUL-terminated */
        const void *value; /* NULL for a null header value */
        size_t len;
} kco_header_t;

typedef struct kco_record_s {
        const char *topic;
        int32_t partition;
        int64_t offset;
        int64_t timestamp; /* ms since the epoch; -1 if the record has none */
        kco_data_t key;
        kco_data_t value;
        const kco_header_t *headers; /* the Kafka record's headers, in order */
        size_t nheaders;
        const void *raw_key; /* the Kafka key / value bytes as consumed (plugins) */
        size_t raw_key_len;
        const void *raw_value;
        size_t raw_value_len;
} kco_record_t;

#endif
