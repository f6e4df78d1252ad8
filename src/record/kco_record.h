/*
 * kco_record.h - one Kafka record after conversion: where it came from and
 * its key and value as typed data.
 *
 * Owns: nothing; the bytes it points at belong to the consumed message and
 * live only until the record has been written (formats copy what they keep).
 * Any thread, one record at a time.
 */
#ifndef KCO_RECORD_H
#define KCO_RECORD_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
        KCO_DATA_NULL = 0, /* Kafka null (a tombstone when it is the value) */
        KCO_DATA_BYTES,    /* opaque bytes (ByteArrayConverter) */
        KCO_DATA_STRING,   /* text (StringConverter); not necessarily valid UTF-8 */
} kco_data_type_t;

typedef struct kco_data_s {
        kco_data_type_t type;
        const char *ptr;
        size_t len;
} kco_data_t;

typedef struct kco_record_s {
        const char *topic;
        int32_t partition;
        int64_t offset;
        int64_t timestamp; /* ms since the epoch; -1 if the record has none */
        kco_data_t key;
        kco_data_t value;
} kco_record_t;

#endif
