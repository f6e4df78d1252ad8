/*
 * kco_partitioner_plugin.h - the public C interface of custom partitioners:
 * a shared library named by partitioner.class=/path/to/libmine.so exports
 * kco_partitioner_plugin(), which returns its table. This header is all a
 * plugin includes; it depends on nothing else of the project and changes
 * only with KCO_PARTITIONER_PLUGIN_ABI.
 *
 * Threads: create/destroy run on the thread that starts a task; encode on
 * that task's thread only (a plugin state is used by one task; several tasks
 * have several states). A plugin must never: keep pointers into a record
 * after encode returns, block, or produce a name that depends on anything
 * but the record and its configuration (object names must be deterministic
 * for exactly-once delivery).
 */
#ifndef KCO_PARTITIONER_PLUGIN_H
#define KCO_PARTITIONER_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define KCO_PARTITIONER_PLUGIN_ABI 1

/* What the host offers a plugin about the record being partitioned. */
typedef struct kco_plugin_host_s {
        /* The value's field at a dotted path ("address.zip": struct fields, JSON object members) as text:
         * integers in decimal, booleans true/false, strings as they are. Writes at most cap - 1 bytes and a NUL
         * to buf. 0 with *len, or -1 (buf empty) when the field is missing, null or of another type, or when its
         * text does not fit in cap - 1 bytes (it is never truncated). */
        int (*field_text)(const void *hctx, const char *path, char *buf, size_t cap, size_t *len);
} kco_plugin_host_t;

typedef struct kco_plugin_record_s {
        const char *topic;
        int32_t partition;
        int64_t offset;
        int64_t timestamp;   /* the Kafka timestamp (ms), -1 when none */
        const void *key;     /* the Kafka key as consumed (NULL: none) */
        size_t key_len;
        const void *value;   /* the Kafka value as consumed (NULL: a tombstone) */
        size_t value_len;
        const kco_plugin_host_t *host;
        const void *hctx;    /* pass to host functions */
} kco_plugin_record_t;

typedef struct kco_partitioner_plugin_s {
        int abi;          /* KCO_PARTITIONER_PLUGIN_ABI */
        const char *name; /* for logs */
        /* A state for one task from the connector's configuration (every key as given, n pairs). NULL with a
         * message in err (NUL-terminated, at most errcap bytes) refuses the configuration. */
        void *(*create)(const char *const *keys, const char *const *values, size_t n, char *err, size_t errcap);
        void (*destroy)(void *state);
        /* The encoded partition of rec (the directories between the topic and the file name, e.g. "region=eu"),
         * written to out (at most cap - 1 bytes and a NUL). Its length, or -1 with err set: the record is a data
         * error (dead-letter topic with errors.tolerance=all, else the task stops). The host refuses, as a data
         * error, a length of cap or more and a partition that is empty, starts or ends with '/', or contains
         * "//", "..", a NUL or a control character. */
        int (*encode)(void *state, const kco_plugin_record_t *rec, char *out, size_t cap, char *err, size_t errcap);
} kco_partitioner_plugin_t;

/* The one symbol a plugin exports. */
typedef const kco_partitioner_plugin_t *(*kco_partitioner_plugin_fn)(void);
#define KCO_PARTITIONER_PLUGIN_SYMBOL "kco_partitioner_plugin"

#endif
