/*
 * kco_conf.h - the one configuration table: every key the program reads.
 *
 * Owns: kco_conf_t, the typed, validated settings of one connector (the worker
 * properties overlaid by the connector's own), and the table that parses,
 * validates, documents and redacts them. Runs on the main thread before any
 * task starts; a kco_conf_t is read-only afterwards and shared by the tasks.
 * Must never: print a secret value (rows flagged KCO_CONF_SECRET).
 */
#ifndef KCO_CONF_H
#define KCO_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "worker/kco_props.h"

typedef enum {
        KCO_CONF_STRING,
        KCO_CONF_INT,  /* int */
        KCO_CONF_LONG, /* int64_t */
        KCO_CONF_BOOL,
        KCO_CONF_LIST, /* comma separated, kco_strlist_t */
        KCO_CONF_ENUM, /* a name (or alias, e.g. a Java class name) -> int */
} kco_conf_type_t;

#define KCO_CONF_SECRET 0x1   /* never printed */
#define KCO_CONF_REQUIRED 0x2 /* no default: must be given */
#define KCO_CONF_RAW 0x4      /* value kept verbatim (no trimming) */

typedef struct kco_strlist_s {
        char **v;
        int n;
} kco_strlist_t;

typedef struct kco_conf_enum_s {
        const char *name; /* canonical name first, then aliases */
        int value;
        int alias; /* 1: accepted but not listed as canonical in docs */
} kco_conf_enum_t;

/* Converters (key.converter / value.converter). */
enum { KCO_CONVERTER_BYTEARRAY, KCO_CONVERTER_STRING, KCO_CONVERTER_JSON, KCO_CONVERTER_AVRO };
/* format.class */
enum { KCO_FORMAT_BYTEARRAY, KCO_FORMAT_JSON, KCO_FORMAT_AVRO, KCO_FORMAT_PARQUET_AVRO, KCO_FORMAT_PARQUET_JSON };
/* oss.parquet.compression.codec: Parquet's CompressionCodec numbers */
enum { KCO_PARQUET_UNCOMPRESSED = 0, KCO_PARQUET_SNAPPY = 1, KCO_PARQUET_GZIP = 2, KCO_PARQUET_ZSTD = 6,
       KCO_PARQUET_LZ4_RAW = 7 };
/* avro.codec */
enum { KCO_AVRO_CODEC_NULL, KCO_AVRO_CODEC_DEFLATE, KCO_AVRO_CODEC_SNAPPY };
/* errors.tolerance */
enum { KCO_ERRORS_NONE, KCO_ERRORS_ALL };
/* storage.class */
enum { KCO_STORAGE_LOCAL, KCO_STORAGE_OSS, KCO_STORAGE_S3 };
/* oss.signature.version */
enum { KCO_OSS_SIGN_V1, KCO_OSS_SIGN_V4 };
/* oss.compression.type */
enum { KCO_COMPRESS_NONE, KCO_COMPRESS_GZIP, KCO_COMPRESS_ZSTD };
/* partitioner.class */
enum { KCO_PARTITIONER_DEFAULT, KCO_PARTITIONER_FIELD, KCO_PARTITIONER_TIME, KCO_PARTITIONER_DAILY,
       KCO_PARTITIONER_HOURLY, KCO_PARTITIONER_PLUGIN };
/* schema.compatibility */
enum { KCO_COMPAT_NONE, KCO_COMPAT_BACKWARD, KCO_COMPAT_FORWARD, KCO_COMPAT_FULL };
/* timestamp.extractor */
enum { KCO_TS_WALLCLOCK, KCO_TS_RECORD, KCO_TS_RECORD_FIELD };
/* behavior.on.null.values */
enum { KCO_NULL_IGNORE, KCO_NULL_FAIL, KCO_NULL_WRITE };

typedef struct kco_conf_s {
        /* worker */
        char *bootstrap_servers;
        int key_converter;
        int value_converter;
        char *log_level;
        /* connector */
        char *name;
        int connector_class;
        kco_strlist_t topics;
        char *topics_regex;
        int tasks_max;
        int format;
        int64_t flush_size;
        int64_t rotate_interval_ms;
        int64_t rotate_schedule_ms; /* rotate.schedule.interval.ms */
        int64_t rotate_size_bytes;  /* rotate.size.bytes */
        int max_open_files;         /* partitioner.max.open.files */
        int storage;
        char *store_url;
        char *topics_dir;
        char *directory_delim;
        char *file_delim;
        int pad_width;
        char *bytearray_extension;
        char *bytearray_separator;
        int compression;
        int compression_level;
        int partitioner;
        char *partitioner_plugin;       /* partitioner.class=/path/to/lib.so (KCO_PARTITIONER_PLUGIN) */
        kco_strlist_t partition_fields; /* partition.field.name */
        int64_t partition_duration_ms;
        char *path_format;
        char *locale;
        char *timezone;
        int ts_extractor;
        char *ts_field;
        int null_behavior;
        int schema_compat; /* schema.compatibility */
        int metadata_fields; /* format.metadata.fields.enable */
        /* converters: key.converter.* and value.converter.* */
        int key_schemas_enable;
        int value_schemas_enable;
        kco_strlist_t key_registry_url;
        kco_strlist_t value_registry_url;
        char *key_registry_user_info;   /* user:password for the registry's basic auth */
        char *value_registry_user_info;
        int avro_codec;
        int avro_deflate_level;
        int parquet_codec;
        int64_t parquet_page_size;
        int64_t parquet_block_size;
        kco_strlist_t parquet_proto_classes; /* oss.parquet.protobuf.schema.class: topic, class, topic, class... */
        char *parquet_proto_path;            /* oss.parquet.protobuf.proto.path */
        struct kco_proto_s *proto;           /* ParquetJsonFormat: the loaded .proto files (owned, immutable) */
        const struct kco_proto_msg_s **proto_msgs; /* ParquetJsonFormat: the message of each topic, class pair */
        /* errors */
        int errors_tolerance;
        int64_t retry_backoff_ms;          /* retry.backoff.ms: first wait after a retriable failure */
        int64_t buffer_memory;             /* buffer.memory: bytes open files may hold, worker-wide (-1: no limit) */
        int64_t errors_retry_timeout_ms;   /* errors.retry.timeout: -1 retry until stopped */
        int64_t errors_retry_delay_max_ms; /* errors.retry.delay.max.ms: the longest wait */
        char *dlq_topic;
        int dlq_replication_factor;
        int dlq_context_headers;
        int errors_log;
        int errors_log_messages;
        int local_fsync;
        /* OSS */
        char *oss_bucket;
        char *oss_endpoint;
        char *oss_region;
        char *oss_access_key_id;
        char *oss_access_key_secret;
        char *oss_security_token;
        int oss_signature_version;
        int oss_path_style;
        int64_t oss_part_size;
        char *hadoop_conf_dir;
        /* S3 */
        char *s3_bucket;
        char *s3_region;
        int s3_path_style;
        char *aws_access_key_id;
        char *aws_secret_access_key;
        int64_t s3_part_size;
        char *s3_sse;
        char *s3_kms_key_id;
        char *s3_acl;
        /* HTTP stores */
        int store_max_connections;
        int store_timeout_ms;
        int store_retry_attempts;
        int store_retry_backoff_ms;
        int store_md5;
        char *store_ca_file;
        /* librdkafka consumer properties: consumer.* (worker) and
         * consumer.override.* (connector), prefix stripped */
        kco_props_t *consumer;
        /* librdkafka producer properties (dead-letter queue): producer.* and producer.override.* */
        kco_props_t *producer;
        /* every key as given (for plugins that read their own keys) */
        kco_props_t *raw;
} kco_conf_t;

typedef struct kco_conf_def_s {
        const char *name;
        kco_conf_type_t type;
        size_t offset;
        const char *dflt; /* as text; NULL with KCO_CONF_REQUIRED */
        int64_t min, max; /* INT/LONG range (inclusive) */
        const kco_conf_enum_t *enums;
        unsigned flags;
        const char *group;
        const char *doc;
} kco_conf_def_t;

/* Collected validation problems: every error at once. */
typedef struct kco_conf_errs_s {
        char **msg;
        int n;
        char **warn;
        int nwarn;
} kco_conf_errs_t;

void kco_conf_errs_init(kco_conf_errs_t *e);
void kco_conf_errs_free(kco_conf_errs_t *e);
void kco_conf_errs_add(kco_conf_errs_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kco_conf_errs_warn(kco_conf_errs_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The table, NULL-name terminated. */
extern const kco_conf_def_t kco_conf_defs[];
const kco_conf_def_t *kco_conf_def_find(const char *name);

/*
 * Builds a connector's settings from worker properties (may be NULL) and the
 * connector's properties. Every error and warning is appended to errs; the
 * settings are usable only if no error was added (callers check errs->n, and
 * may run further checks on the result first).
 */
kco_conf_t *kco_conf_new(const kco_props_t *worker, const kco_props_t *connector,
                         kco_conf_errs_t *errs);
void kco_conf_destroy(kco_conf_t *c);

/* Checks of kco_conf_new that load what keys name (kco_conf_check.c): ParquetJsonFormat's .proto files and
 * messages (kept in c->proto); the partitioner's zone, pattern or plugin. Errors go to errs. */
void kco_conf_check_proto(kco_conf_t *c, kco_conf_errs_t *errs);
void kco_conf_check_partitioner(kco_conf_t *c, kco_conf_errs_t *errs);

/* TimeBased, Daily or Hourly. */
static inline int kco_conf_time_based(const kco_conf_t *c) {
        return c->partitioner == KCO_PARTITIONER_TIME || c->partitioner == KCO_PARTITIONER_DAILY ||
               c->partitioner == KCO_PARTITIONER_HOURLY;
}

/* ParquetJsonFormat: the message for topic and its class name as configured (*java_class), or NULL. */
const struct kco_proto_msg_s *kco_conf_proto_msg(const kco_conf_t *c, const char *topic, const char **java_class);

/* Canonical name of an enum value of the row named key (e.g. "json"). */
const char *kco_conf_enum_name(const char *key, int value);
/* Value of key for display: "<redacted>" for secrets. */
const char *kco_conf_display(const char *key, const char *value);
/* Writes docs/CONFIGURATION.md. */
void kco_conf_write_docs(FILE *out);

#endif
