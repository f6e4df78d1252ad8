/*
 * kco_conf.c - the config table and what is driven by it: parsing properties
 * into kco_conf_t, validation (all errors at once), "did you mean" hints,
 * redaction of secrets, and docs/CONFIGURATION.md.
 *
 * Main thread only. Adding a key = one row in kco_conf_defs[] + one field.
 * Must never: print a secret's value; silently accept an invalid value.
 */
#include "worker/kco_conf.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/kco_log.h"
#include "core/kco_mem.h"
#include "record/kco_proto.h"

#define OFF(f) offsetof(kco_conf_t, f)

static const kco_conf_enum_t converter_enums[] = {
        {"org.apache.kafka.connect.converters.ByteArrayConverter", KCO_CONVERTER_BYTEARRAY, 0},
        {"ByteArrayConverter", KCO_CONVERTER_BYTEARRAY, 1},
        {"bytearray", KCO_CONVERTER_BYTEARRAY, 1},
        {"org.apache.kafka.connect.storage.StringConverter", KCO_CONVERTER_STRING, 0},
        {"StringConverter", KCO_CONVERTER_STRING, 1},
        {"string", KCO_CONVERTER_STRING, 1},
        {"org.apache.kafka.connect.json.JsonConverter", KCO_CONVERTER_JSON, 0},
        {"JsonConverter", KCO_CONVERTER_JSON, 1},
        {"json", KCO_CONVERTER_JSON, 1},
        {"io.confluent.connect.avro.AvroConverter", KCO_CONVERTER_AVRO, 0},
        {"AvroConverter", KCO_CONVERTER_AVRO, 1},
        {"avro", KCO_CONVERTER_AVRO, 1},
        {NULL, 0, 0},
};

static const kco_conf_enum_t connector_enums[] = {
        {"com.aliyun.oss.connect.kafka.OSSSinkConnector", 0, 0},
        {"OSSSinkConnector", 0, 1},
        {"oss-sink", 0, 1},
        {NULL, 0, 0},
};

static const kco_conf_enum_t format_enums[] = {
        {"com.aliyun.oss.connect.kafka.format.bytearray.ByteArrayFormat", KCO_FORMAT_BYTEARRAY, 0},
        {"ByteArrayFormat", KCO_FORMAT_BYTEARRAY, 1},
        {"bytearray", KCO_FORMAT_BYTEARRAY, 1},
        {"com.aliyun.oss.connect.kafka.format.json.JsonFormat", KCO_FORMAT_JSON, 0},
        {"JsonFormat", KCO_FORMAT_JSON, 1},
        {"json", KCO_FORMAT_JSON, 1},
        {"com.aliyun.oss.connect.kafka.format.avro.AvroFormat", KCO_FORMAT_AVRO, 0},
        {"AvroFormat", KCO_FORMAT_AVRO, 1},
        {"avro", KCO_FORMAT_AVRO, 1},
        {"com.aliyun.oss.connect.kafka.format.parquet.ParquetAvroFormat", KCO_FORMAT_PARQUET_AVRO, 0},
        {"ParquetAvroFormat", KCO_FORMAT_PARQUET_AVRO, 1},
        {"parquet-avro", KCO_FORMAT_PARQUET_AVRO, 1},
        {"parquet", KCO_FORMAT_PARQUET_AVRO, 1},
        {"com.aliyun.oss.connect.kafka.format.parquet.ParquetJsonFormat", KCO_FORMAT_PARQUET_JSON, 0},
        {"ParquetJsonFormat", KCO_FORMAT_PARQUET_JSON, 1},
        {"parquet-json", KCO_FORMAT_PARQUET_JSON, 1},
        {NULL, 0, 0},
};

static const kco_conf_enum_t storage_enums[] = {
        {"local", KCO_STORAGE_LOCAL, 0},
        {"com.aliyun.oss.connect.kafka.storage.OSSStorage", KCO_STORAGE_OSS, 0},
        {"oss", KCO_STORAGE_OSS, 1},
        {"io.confluent.connect.s3.storage.S3Storage", KCO_STORAGE_S3, 0},
        {"s3", KCO_STORAGE_S3, 1},
        {NULL, 0, 0},
};

static const kco_conf_enum_t compression_enums[] = {
        {"none", KCO_COMPRESS_NONE, 0},
        {"gzip", KCO_COMPRESS_GZIP, 0},
        {"zstd", KCO_COMPRESS_ZSTD, 0},
        {NULL, 0, 0},
};

static const kco_conf_enum_t partitioner_enums[] = {
        {"io.confluent.connect.storage.partitioner.DefaultPartitioner", KCO_PARTITIONER_DEFAULT, 0},
        {"DefaultPartitioner", KCO_PARTITIONER_DEFAULT, 1},
        {"default", KCO_PARTITIONER_DEFAULT, 1},
        {"io.confluent.connect.storage.partitioner.FieldPartitioner", KCO_PARTITIONER_FIELD, 0},
        {"FieldPartitioner", KCO_PARTITIONER_FIELD, 1},
        {"field", KCO_PARTITIONER_FIELD, 1},
        {"io.confluent.connect.storage.partitioner.TimeBasedPartitioner", KCO_PARTITIONER_TIME, 0},
        {"TimeBasedPartitioner", KCO_PARTITIONER_TIME, 1},
        {"time", KCO_PARTITIONER_TIME, 1},
        {"io.confluent.connect.storage.partitioner.DailyPartitioner", KCO_PARTITIONER_DAILY, 0},
        {"DailyPartitioner", KCO_PARTITIONER_DAILY, 1},
        {"daily", KCO_PARTITIONER_DAILY, 1},
        {"io.confluent.connect.storage.partitioner.HourlyPartitioner", KCO_PARTITIONER_HOURLY, 0},
        {"HourlyPartitioner", KCO_PARTITIONER_HOURLY, 1},
        {"hourly", KCO_PARTITIONER_HOURLY, 1},
        {NULL, 0, 0},
};

static const kco_conf_enum_t compat_enums[] = {
        {"NONE", KCO_COMPAT_NONE, 0},
        {"BACKWARD", KCO_COMPAT_BACKWARD, 0},
        {"FORWARD", KCO_COMPAT_FORWARD, 0},
        {"FULL", KCO_COMPAT_FULL, 0},
        {NULL, 0, 0},
};

static const kco_conf_enum_t extractor_enums[] = {
        {"Wallclock", KCO_TS_WALLCLOCK, 0},
        {"io.confluent.connect.storage.partitioner.TimeBasedPartitioner$WallclockTimestampExtractor",
         KCO_TS_WALLCLOCK, 1},
        {"wallclock", KCO_TS_WALLCLOCK, 1},
        {"Record", KCO_TS_RECORD, 0},
        {"io.confluent.connect.storage.partitioner.TimeBasedPartitioner$RecordTimestampExtractor", KCO_TS_RECORD,
         1},
        {"record", KCO_TS_RECORD, 1},
        {"RecordField", KCO_TS_RECORD_FIELD, 0},
        {"io.confluent.connect.storage.partitioner.TimeBasedPartitioner$RecordFieldTimestampExtractor",
         KCO_TS_RECORD_FIELD, 1},
        {"recordfield", KCO_TS_RECORD_FIELD, 1},
        {NULL, 0, 0},
};

static const kco_conf_enum_t null_enums[] = {
        {"ignore", KCO_NULL_IGNORE, 0},
        {"fail", KCO_NULL_FAIL, 0},
        {"write", KCO_NULL_WRITE, 0},
        {NULL, 0, 0},
};

static const kco_conf_enum_t bool_enums[] = {{NULL, 0, 0}};

static const kco_conf_enum_t avro_codec_enums[] = {
        {"null", KCO_AVRO_CODEC_NULL, 0},
        {"deflate", KCO_AVRO_CODEC_DEFLATE, 0},
        {"snappy", KCO_AVRO_CODEC_SNAPPY, 0},
        {NULL, 0, 0},
};

static const kco_conf_enum_t parquet_codec_enums[] = {
        {"snappy", KCO_PARQUET_SNAPPY, 0},
        {"uncompressed", KCO_PARQUET_UNCOMPRESSED, 0},
        {"none", KCO_PARQUET_UNCOMPRESSED, 1},
        {"gzip", KCO_PARQUET_GZIP, 0},
        {"zstd", KCO_PARQUET_ZSTD, 0},
        {"lz4_raw", KCO_PARQUET_LZ4_RAW, 0},
        {"lz4", KCO_PARQUET_LZ4_RAW, 1},
        {NULL, 0, 0},
};

static const kco_conf_enum_t errors_enums[] = {
        {"none", KCO_ERRORS_NONE, 0},
        {"all", KCO_ERRORS_ALL, 0},
        {NULL, 0, 0},
};

static const kco_conf_enum_t oss_sign_enums[] = {
        {"v4", KCO_OSS_SIGN_V4, 0},
        {"v1", KCO_OSS_SIGN_V1, 0},
        {NULL, 0, 0},
};

#define W "Worker"
#define C "Connector"
#define S "Storage"
#define F "Format"
#define P "Partitioner"

const kco_conf_def_t kco_conf_defs[] = {
        /* Worker */
        {"bootstrap.servers", KCO_CONF_STRING, OFF(bootstrap_servers), "localhost:9092", 0, 0, NULL, 0, W,
         "Kafka brokers to bootstrap from, host:port[,host:port...]."},
        {"buffer.memory", KCO_CONF_LONG, OFF(buffer_memory), "536870912", -1, INT64_MAX, NULL, 0, W,
         "Bytes that open files may hold in memory, summed over every task and connector of the worker "
         "(staging buffers, Parquet row groups, upload parts not yet sent). When it is spent, the Kafka partition "
         "whose open files hold the most commits them at once (in two phases, as wall-clock commits: such a "
         "boundary is not replayed the same way), so memory stays bounded with many partitions or large row "
         "groups. -1: no limit. (Kafka's own fetch buffers come on top: consumer.queued.max.messages.kbytes.)"},
        {"key.converter", KCO_CONF_ENUM, OFF(key_converter), "org.apache.kafka.connect.converters.ByteArrayConverter",
         0, 0, converter_enums, 0, W,
         "Converter for record keys. May also be set per connector."},
        {"value.converter", KCO_CONF_ENUM, OFF(value_converter),
         "org.apache.kafka.connect.converters.ByteArrayConverter", 0, 0, converter_enums, 0, W,
         "Converter for record values. ByteArrayConverter passes bytes unchanged; StringConverter treats them as "
         "UTF-8 text (use it with JsonFormat when the topic holds JSON text); JsonConverter reads JSON with or "
         "without the schema envelope; AvroConverter reads Confluent's Avro wire format with a Schema Registry. "
         "May also be set per connector."},
        {"key.converter.schemas.enable", KCO_CONF_BOOL, OFF(key_schemas_enable), "true", 0, 0, bool_enums, 0, W,
         "JsonConverter keys: true reads the {\"schema\":...,\"payload\":...} envelope, false plain JSON "
         "(objects become maps)."},
        {"value.converter.schemas.enable", KCO_CONF_BOOL, OFF(value_schemas_enable), "true", 0, 0, bool_enums, 0, W,
         "JsonConverter values: true reads the {\"schema\":...,\"payload\":...} envelope, false plain JSON "
         "(objects become maps)."},
        {"key.converter.schema.registry.url", KCO_CONF_LIST, OFF(key_registry_url), "", 0, 0, NULL, 0, W,
         "AvroConverter keys: Schema Registry URL(s), comma separated; tried in turn."},
        {"value.converter.schema.registry.url", KCO_CONF_LIST, OFF(value_registry_url), "", 0, 0, NULL, 0, W,
         "AvroConverter values: Schema Registry URL(s), comma separated; tried in turn. Schemas are fetched by "
         "id once and cached; an unreachable registry is retried, an unknown id is a data error."},
        {"key.converter.basic.auth.user.info", KCO_CONF_STRING, OFF(key_registry_user_info), "", 0, 0, NULL,
         KCO_CONF_SECRET, W, "AvroConverter keys: user:password for the Schema Registry (HTTP basic auth)."},
        {"value.converter.basic.auth.user.info", KCO_CONF_STRING, OFF(value_registry_user_info), "", 0, 0, NULL,
         KCO_CONF_SECRET, W, "AvroConverter values: user:password for the Schema Registry (HTTP basic auth)."},
        {"log.level", KCO_CONF_STRING, OFF(log_level), "info", 0, 0, NULL, 0, W,
         "Log level: error, warn, info or debug."},
        /* Connector */
        {"name", KCO_CONF_STRING, OFF(name), NULL, 0, 0, NULL, KCO_CONF_REQUIRED, C,
         "Unique connector name. Its tasks consume in the consumer group connect-<name>, so every process "
         "running a connector of that name shares the topic partitions."},
        {"connector.class", KCO_CONF_ENUM, OFF(connector_class), "com.aliyun.oss.connect.kafka.OSSSinkConnector", 0, 0,
         connector_enums, 0, C, "The connector; only the OSS sink exists."},
        {"topics", KCO_CONF_LIST, OFF(topics), "", 0, 0, NULL, 0, C,
         "Topics to consume, comma separated. Exactly one of topics and topics.regex must be set."},
        {"topics.regex", KCO_CONF_STRING, OFF(topics_regex), "", 0, 0, NULL, 0, C,
         "Regular expression (whole topic name) of the topics to consume; new matching topics are picked up."},
        {"tasks.max", KCO_CONF_INT, OFF(tasks_max), "1", 1, 1024, NULL, 0, C,
         "Tasks (consumer threads) of this connector in this process. Partitions are spread over all tasks of "
         "all processes running the connector."},
        {"flush.size", KCO_CONF_LONG, OFF(flush_size), NULL, 1, INT64_MAX, NULL, KCO_CONF_REQUIRED, C,
         "Records of one Kafka partition after which its open files are committed. A file holds at most this "
         "many records."},
        {"rotate.interval.ms", KCO_CONF_LONG, OFF(rotate_interval_ms), "-1", -1, INT64_MAX, NULL, 0, C,
         "Commit open files when a record's time is this far past the first record of the files, or when its "
         "encoded partition differs from the previous record's. The time is the timestamp.extractor's with the "
         "time-based partitioners, else the Kafka record timestamp (deterministic, unless Wallclock). -1 "
         "disables. Unlike the Java connector this also works with the other partitioners."},
        {"rotate.schedule.interval.ms", KCO_CONF_LONG, OFF(rotate_schedule_ms), "-1", -1, INT64_MAX, NULL, 0, C,
         "Commit open files at every multiple of this interval of wall-clock time in timezone (counted from each "
         "local midnight, as Confluent's connectors do); -1 disables. Unlike the Java connector, a partition "
         "that receives no more records is committed on time too. Wall-clock boundaries are not deterministic, "
         "so these commits take two phases: the files are uploaded invisibly, the Kafka offset is committed "
         "naming them, then they are made visible (a crash at any point loses and duplicates nothing)."},
        {"rotate.size.bytes", KCO_CONF_LONG, OFF(rotate_size_bytes), "-1", -1, INT64_MAX, NULL, 0, C,
         "Commit a Kafka partition's open files once one of them holds this many bytes as the format wrote them "
         "(before oss.compression.type; Parquet counts its row groups as they are written); -1 disables."},
        {"partitioner.max.open.files", KCO_CONF_INT, OFF(max_open_files), "-1", -1, 1000000, NULL, 0, C,
         "The most files a task keeps open: opening one more first commits the open files of the Kafka partition "
         "that holds the most (bounding memory with many encoded partitions); -1 for no limit. Such commits "
         "depend on how partitions interleave, so they take two phases, as rotate.schedule.interval.ms's."},
        {"schema.compatibility", KCO_CONF_ENUM, OFF(schema_compat), "NONE", 0, 0, compat_enums, 0, C,
         "How records of another value schema version are written. NONE: any different schema commits the open "
         "files and starts new ones. BACKWARD and FULL: a newer version does; a record of an older version is "
         "projected to the current schema (new fields get their defaults). FORWARD: an older version does; a "
         "newer one is projected (its new fields dropped). BACKWARD/FORWARD/FULL need versioned schemas "
         "(AvroConverter, or JsonConverter schemas with a version); a record without one, or schemaless data "
         "after schema data, is a data error. Unlike the Java connector, an unknown value is refused."},
        {"behavior.on.null.values", KCO_CONF_ENUM, OFF(null_behavior), "ignore", 0, 0, null_enums, 0, C,
         "What a record with a null value (a tombstone) does: ignore (skipped, logged at debug level), fail (the "
         "task stops before it) or write (JsonFormat writes null, ByteArrayFormat an empty value)."},
        {"format.metadata.fields.enable", KCO_CONF_BOOL, OFF(metadata_fields), "false", 0, 0, bool_enums, 0, C,
         "Adds the Kafka coordinates to every written record: fields __topic, __partition, __offset, "
         "__timestamp (ms, null if none), __key (as text, null if none) and __headers (map of text, null "
         "values kept) after the value's own fields. A value that is not a struct or map becomes the field "
         "__value. JsonFormat and AvroFormat."},
        {"errors.tolerance", KCO_CONF_ENUM, OFF(errors_tolerance), "none", 0, 0, errors_enums, 0, C,
         "Bad records (data that does not convert or does not fit the format): none stops the task before the "
         "record (nothing past it is committed; the log names topic, partition, offset and the reason); all "
         "skips it, sending it to errors.deadletterqueue.topic.name when that is set."},
        {"retry.backoff.ms", KCO_CONF_LONG, OFF(retry_backoff_ms), "5000", 1, 86400000, NULL, 0, C,
         "After a retriable failure (the store unreachable or throttling past store.retry.attempts, Kafka or "
         "the schema registry away), the partition's open files are discarded and it is consumed again from "
         "its last committed file after this long; each consecutive failure doubles the wait, up to "
         "errors.retry.delay.max.ms."},
        {"errors.retry.timeout", KCO_CONF_LONG, OFF(errors_retry_timeout_ms), "-1", -1, INT64_MAX, NULL, 0, C,
         "How long (ms) a task keeps retrying while failures are retriable before it fails with the last one "
         "(nothing past it committed); -1 retries until stopped, 0 fails at the first. Kafka Connect's default "
         "is 0; ours keeps the task up through outages."},
        {"errors.retry.delay.max.ms", KCO_CONF_LONG, OFF(errors_retry_delay_max_ms), "60000", 1, 86400000, NULL,
         0, C, "The longest wait between two retries (see retry.backoff.ms)."},
        {"errors.deadletterqueue.topic.name", KCO_CONF_STRING, OFF(dlq_topic), "", 0, 0, NULL, 0, C,
         "Topic receiving bad records unchanged (key, value, headers) with errors.tolerance=all. Created if "
         "missing. The source offset is committed only once the dead-letter record is acknowledged."},
        {"errors.deadletterqueue.topic.replication.factor", KCO_CONF_INT, OFF(dlq_replication_factor), "3", -1,
         32767, NULL, 0, C, "Replication factor of the dead-letter topic when it is created (-1: broker default)."},
        {"errors.deadletterqueue.context.headers.enable", KCO_CONF_BOOL, OFF(dlq_context_headers), "false", 0, 0,
         bool_enums, 0, C,
         "Adds Connect's __connect.errors.* headers (topic, partition, offset, connector name, stage, exception "
         "class and message) to dead-letter records."},
        {"errors.log.enable", KCO_CONF_BOOL, OFF(errors_log), "false", 0, 0, bool_enums, 0, C,
         "With errors.tolerance=all, logs every tolerated bad record (topic, partition, offset, reason)."},
        {"errors.log.include.messages", KCO_CONF_BOOL, OFF(errors_log_messages), "false", 0, 0, bool_enums, 0, C,
         "With errors.log.enable, the log line also shows the record's key and value (up to 256 bytes each)."},
        /* Storage */
        {"storage.class", KCO_CONF_ENUM, OFF(storage), NULL, 0, 0, storage_enums, KCO_CONF_REQUIRED, S,
         "Where objects go: local (a directory, see store.url), OSS or S3."},
        {"store.url", KCO_CONF_STRING, OFF(store_url), "", 0, 0, NULL, 0, S,
         "For storage.class=local: file:///absolute/dir; the object with key K is the file dir/K, written under a "
         "temporary name and renamed when committed. For S3: the endpoint, e.g. http://127.0.0.1:9000 (default: "
         "https://s3.<s3.region>.amazonaws.com)."},
        {"store.local.fsync", KCO_CONF_BOOL, OFF(local_fsync), "true", 0, 0, bool_enums, 0, S,
         "For storage.class=local: fsync each file and its directory before its offsets are committed."},
        {"oss.bucket", KCO_CONF_STRING, OFF(oss_bucket), "", 0, 0, NULL, 0, S,
         "OSS bucket (storage.class=OSSStorage)."},
        {"oss.endpoint", KCO_CONF_STRING, OFF(oss_endpoint), "", 0, 0, NULL, 0, S,
         "OSS endpoint, e.g. oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000; https unless a scheme says "
         "otherwise (or core-site.xml sets fs.oss.connection.secure.enabled=false). Default: fs.oss.endpoint of "
         "core-site.xml."},
        {"oss.region", KCO_CONF_STRING, OFF(oss_region), "", 0, 0, NULL, 0, S,
         "Region for V4 signatures, e.g. cn-hangzhou. Default: taken from the endpoint "
         "(oss-<region>[-internal].aliyuncs.com)."},
        {"oss.access.key.id", KCO_CONF_STRING, OFF(oss_access_key_id), "", 0, 0, NULL, 0, S,
         "Access key id. Default: fs.oss.accessKeyId of core-site.xml, then OSS_ACCESS_KEY_ID."},
        {"oss.access.key.secret", KCO_CONF_STRING, OFF(oss_access_key_secret), "", 0, 0, NULL, KCO_CONF_SECRET, S,
         "Access key secret. Default: fs.oss.accessKeySecret of core-site.xml, then OSS_ACCESS_KEY_SECRET."},
        {"oss.security.token", KCO_CONF_STRING, OFF(oss_security_token), "", 0, 0, NULL, KCO_CONF_SECRET, S,
         "STS security token. Default: fs.oss.securityToken of core-site.xml, then OSS_SESSION_TOKEN."},
        {"oss.signature.version", KCO_CONF_ENUM, OFF(oss_signature_version), "v4", 0, 0, oss_sign_enums, 0, S,
         "OSS request signatures: v4 (OSS4-HMAC-SHA256) or v1 (HMAC-SHA1)."},
        {"oss.path.style.access.enabled", KCO_CONF_BOOL, OFF(oss_path_style), "false", 0, 0, bool_enums, 0, S,
         "Address the bucket in the path (endpoint/bucket/key) instead of the host name (bucket.endpoint/key). "
         "OSS's public endpoints require the host name; endpoints given as an IP address always use the path."},
        {"oss.part.size", KCO_CONF_LONG, OFF(oss_part_size), "4194304", 102400, 5368709120LL, NULL, 0, S,
         "Multipart upload part size in bytes (OSS minimum 100 KiB). Objects smaller than one part are sent in one "
         "request."},
        {"hadoop.conf.dir", KCO_CONF_STRING, OFF(hadoop_conf_dir), "", 0, 0, NULL, 0, S,
         "Directory holding a Hadoop core-site.xml whose fs.oss.* settings (endpoint, accessKeyId, "
         "accessKeySecret, securityToken, connection.secure.enabled, connection.maximum) are used where the "
         "connector's own keys are not set."},
        {"s3.bucket.name", KCO_CONF_STRING, OFF(s3_bucket), "", 0, 0, NULL, 0, S,
         "S3 bucket (storage.class=S3Storage)."},
        {"s3.region", KCO_CONF_STRING, OFF(s3_region), "us-west-2", 0, 0, NULL, 0, S,
         "S3 region; also the signing region of S3-compatible stores."},
        {"s3.path.style.access.enabled", KCO_CONF_BOOL, OFF(s3_path_style), "false", 0, 0, bool_enums, 0, S,
         "Address the bucket in the path instead of the host name (MinIO and most self-hosted stores)."},
        {"aws.access.key.id", KCO_CONF_STRING, OFF(aws_access_key_id), "", 0, 0, NULL, 0, S,
         "S3 access key id. Default: AWS_ACCESS_KEY_ID."},
        {"aws.secret.access.key", KCO_CONF_STRING, OFF(aws_secret_access_key), "", 0, 0, NULL, KCO_CONF_SECRET, S,
         "S3 secret access key. Default: AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for a session)."},
        {"s3.part.size", KCO_CONF_LONG, OFF(s3_part_size), "5242880", 5242880, 5368709120LL, NULL, 0, S,
         "S3 multipart upload part size in bytes (minimum 5 MiB). Each open file buffers up to one part, plus parts "
         "in flight (store.max.connections)."},
        {"s3.ssea.name", KCO_CONF_STRING, OFF(s3_sse), "", 0, 0, NULL, 0, S,
         "Server-side encryption: empty, AES256 or aws:kms."},
        {"s3.sse.kms.key.id", KCO_CONF_STRING, OFF(s3_kms_key_id), "", 0, 0, NULL, 0, S,
         "KMS key for s3.ssea.name=aws:kms."},
        {"s3.acl.canned", KCO_CONF_STRING, OFF(s3_acl), "", 0, 0, NULL, 0, S,
         "Canned ACL of new objects (e.g. bucket-owner-full-control); empty for the bucket's default."},
        {"store.max.connections", KCO_CONF_INT, OFF(store_max_connections), "8", 1, 1024, NULL, 0, S,
         "OSS/S3: concurrent requests (and kept-alive connections) per connector; also the most upload parts in "
         "flight per file. Default for OSS: fs.oss.connection.maximum of core-site.xml if set."},
        {"store.request.timeout.ms", KCO_CONF_INT, OFF(store_timeout_ms), "120000", 1000, 3600000, NULL, 0, S,
         "OSS/S3: one attempt of a request fails after this long."},
        {"store.retry.attempts", KCO_CONF_INT, OFF(store_retry_attempts), "10", 1, 100, NULL, 0, S,
         "OSS/S3: attempts per request for transient failures (5xx, throttling, timeouts, resets), with "
         "exponential backoff and jitter. After the last one the partition rewinds and tries again later."},
        {"store.retry.backoff.ms", KCO_CONF_INT, OFF(store_retry_backoff_ms), "200", 1, 600000, NULL, 0, S,
         "OSS/S3: first retry delay; doubled per attempt up to 20 s."},
        {"store.md5.enabled", KCO_CONF_BOOL, OFF(store_md5), "true", 0, 0, bool_enums, 0, S,
         "OSS/S3: send Content-MD5 with every object and part so the store rejects corrupted bodies."},
        {"store.tls.ca.file", KCO_CONF_STRING, OFF(store_ca_file), "", 0, 0, NULL, 0, S,
         "OSS/S3: CA bundle for https (default: the system's). Certificates are always verified."},
        {"topics.dir", KCO_CONF_STRING, OFF(topics_dir), "topics", 0, 0, NULL, 0, S,
         "Top-level directory (key prefix) of the objects; empty for none."},
        {"directory.delim", KCO_CONF_STRING, OFF(directory_delim), "/", 0, 0, NULL, KCO_CONF_RAW, S,
         "Delimiter between the directory parts of object keys."},
        {"file.delim", KCO_CONF_STRING, OFF(file_delim), "+", 0, 0, NULL, KCO_CONF_RAW, S,
         "Delimiter between topic, partition and start offset in object names."},
        {"filename.offset.zero.pad.width", KCO_CONF_INT, OFF(pad_width), "10", 0, 19, NULL, 0, S,
         "Start offsets in object names are zero-padded to this width."},
        /* Format */
        {"format.class", KCO_CONF_ENUM, OFF(format), NULL, 0, 0, format_enums, KCO_CONF_REQUIRED, F,
         "Output format. JsonFormat writes one JSON value per line: a String value holding JSON is written as "
         "that JSON (compacted onto one line), other strings as JSON strings, bytes as base64 strings, records "
         "with a schema (JsonConverter, AvroConverter) as Kafka Connect's JsonConverter renders them. AvroFormat "
         "writes Avro object container files (.avro) with the writer schema derived from the records' schema as "
         "Confluent's AvroData does; a file holds one schema. ParquetAvroFormat writes Parquet (.parquet) as "
         "parquet-avro does (3-level lists, maps as key_value groups, footer parquet.avro.schema); records must "
         "be structs with a schema. ParquetJsonFormat writes Parquet from JSON text values (StringConverter) "
         "read against a protobuf message (oss.parquet.protobuf.schema.class), laid out as parquet-protobuf "
         "does."},
        {"format.bytearray.extension", KCO_CONF_STRING, OFF(bytearray_extension), ".bin", 0, 0, NULL, 0, F,
         "File extension of ByteArrayFormat objects."},
        {"format.bytearray.separator", KCO_CONF_STRING, OFF(bytearray_separator), "\n", 0, 0, NULL, KCO_CONF_RAW, F,
         "Bytes written after each record by ByteArrayFormat (properties escapes such as \\n apply)."},
        {"avro.codec", KCO_CONF_ENUM, OFF(avro_codec), "null", 0, 0, avro_codec_enums, 0, F,
         "Block compression of AvroFormat files: null, deflate or snappy. bzip2, xz and zstandard are refused: "
         "the Avro C library here does not provide them."},
        {"avro.deflate.level", KCO_CONF_INT, OFF(avro_deflate_level), "-1", -1, 9, NULL, 0, F,
         "Level of avro.codec=deflate; -1 is zlib's default (6)."},
        {"oss.parquet.compression.codec", KCO_CONF_ENUM, OFF(parquet_codec), "snappy", 0, 0, parquet_codec_enums, 0,
         F,
         "Page compression of Parquet files: snappy, uncompressed, gzip, zstd or lz4_raw (lz4 is accepted and "
         "written as lz4_raw, the LZ4 codec current readers know). brotli is refused: no library here."},
        {"oss.parquet.page.size", KCO_CONF_LONG, OFF(parquet_page_size), "131072", 1024, 1073741824, NULL, 0, F,
         "Target size in bytes of a Parquet data page before compression."},
        {"oss.parquet.block.size", KCO_CONF_LONG, OFF(parquet_block_size), "67108864", 1024, 2147483647, NULL, 0,
         F,
         "Parquet row group size in bytes: a row group is written out (into the upload) once its buffered data "
         "reaches this; it bounds the memory of each open Parquet file. The Java connector's default was 256 "
         "MiB; ours is 64 MiB."},
        {"oss.parquet.protobuf.schema.class", KCO_CONF_LIST, OFF(parquet_proto_classes), "", 0, 0, NULL, 0, F,
         "ParquetJsonFormat: topic,class pairs (topic1,com.example.Outer$Message,topic2,...): the protobuf "
         "message each topic's JSON values are read as. A class is the Java name protoc gives the message "
         "(java_package or package, java_outer_classname or the file name in CamelCase, $Nested) or its proto "
         "full name (package.Message)."},
        {"oss.parquet.protobuf.proto.path", KCO_CONF_STRING, OFF(parquet_proto_path), "", 0, 0, NULL, 0, F,
         "ParquetJsonFormat: where the messages are defined: a directory whose .proto files (compiled with "
         "protoc at start, the directory as import root) and descriptor sets (.desc, .pb, .protoset) are loaded, "
         "one .proto file, or one descriptor set (protoc --include_imports --descriptor_set_out=FILE: no protoc "
         "needed at run time)."},
        {"oss.compression.type", KCO_CONF_ENUM, OFF(compression), "none", 0, 0, compression_enums, 0, F,
         "Compression of ByteArray and JSON objects: none, gzip (.gz appended to the extension) or zstd (.zst)."},
        {"oss.compression.level", KCO_CONF_INT, OFF(compression_level), "-1", -1, 22, NULL, 0, F,
         "Compression level; -1 is the codec's default (gzip 6, zstd 3)."},
        /* Partitioner */
        {"partitioner.class", KCO_CONF_ENUM, OFF(partitioner),
         "io.confluent.connect.storage.partitioner.DefaultPartitioner", 0, 0, partitioner_enums, 0, P,
         "How records map to directories. DefaultPartitioner: partition=<kafka partition>. FieldPartitioner: "
         "<field>=<value> for each of partition.field.name, joined by directory.delim. TimeBasedPartitioner: the "
         "start of the record's time bucket (partition.duration.ms, in timezone) formatted with path.format. "
         "DailyPartitioner: 'year'=YYYY/'month'=MM/'day'=dd; HourlyPartitioner: .../'hour'=HH. A custom "
         "partitioner is a shared library given by its absolute path (see src/partition/"
         "kco_partitioner_plugin.h and examples/plugin/)."},
        {"partition.field.name", KCO_CONF_LIST, OFF(partition_fields), "", 0, 0, NULL, 0, P,
         "FieldPartitioner: the value fields whose values name the directories, in order. A dotted name "
         "(address.country) reaches into nested structs and into schemaless JSON objects. Values must be "
         "integers, strings or booleans."},
        {"partition.duration.ms", KCO_CONF_LONG, OFF(partition_duration_ms), "-1", -1, INT64_MAX, NULL, 0, P,
         "TimeBasedPartitioner: the length of a time bucket in milliseconds (buckets start at multiples of it "
         "from the local epoch of timezone, as Confluent's partitioner computes them)."},
        {"path.format", KCO_CONF_STRING, OFF(path_format), "", 0, 0, NULL, 0, P,
         "TimeBasedPartitioner: a Joda-Time pattern for the directories of a bucket, e.g. "
         "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH (YYYY is the year of era, as in Joda-Time)."},
        {"locale", KCO_CONF_STRING, OFF(locale), "", 0, 0, NULL, 0, P,
         "Time-based partitioners: the locale of month and day names in path.format (en, fr, zh_CN, ...)."},
        {"timezone", KCO_CONF_STRING, OFF(timezone), "", 0, 0, NULL, 0, P,
         "Time-based partitioners: the IANA time zone of the buckets and of path.format (Asia/Shanghai, UTC, "
         "...); daylight saving time is followed."},
        {"timestamp.extractor", KCO_CONF_ENUM, OFF(ts_extractor), "Wallclock", 0, 0, extractor_enums, 0, P,
         "Time-based partitioners: where a record's time comes from. Record: the Kafka record timestamp; "
         "RecordField: the value field timestamp.field (Timestamp, Date, int32/int64 milliseconds or an "
         "ISO-8601 string; in structs and in schemaless JSON); Wallclock: the time it is written (not "
         "deterministic: a replay may name files differently)."},
        {"timestamp.field", KCO_CONF_STRING, OFF(ts_field), "timestamp", 0, 0, NULL, 0, P,
         "RecordField: the value field holding the time; dotted names reach into nested structs and objects."},
        {NULL, 0, 0, NULL, 0, 0, NULL, 0, NULL, NULL},
};

/* Keys of Kafka Connect workers and of the Java connector that this version
 * reads nowhere; accepted without a typo warning. */
static const char *const kco_conf_known_ignored[] = {
        "s3.credentials.provider.class", "s3.compression.type",
        "group.id", "offset.storage.file.filename", "offset.flush.interval.ms", "plugin.path",
        "internal.key.converter",
        "internal.value.converter", "internal.key.converter.schemas.enable",
        "internal.value.converter.schemas.enable", "rest.port", "rest.host.name", "listeners",
        "offset.storage.topic", "config.storage.topic", "status.storage.topic",
        "offset.storage.replication.factor", "config.storage.replication.factor",
        "status.storage.replication.factor", NULL,
};

/* Keys of the Java connector that a later version honours; given now they
 * have no effect, which the user is told. */
static const char *const kco_conf_not_yet[] = {
        "schema.cache.size", "enhanced.avro.schema.support", "connect.meta.data", NULL,
};

/* Avro codecs of the Java connector (or the Avro spec) that avro-c here lacks. */
static int kco_conf_avro_unavailable(const char *v) {
        return !strcasecmp(v, "bzip2") || !strcasecmp(v, "xz") || !strcasecmp(v, "zstandard") ||
               !strcasecmp(v, "lzma");
}

void kco_conf_errs_init(kco_conf_errs_t *e) {
        memset(e, 0, sizeof(*e));
}

void kco_conf_errs_free(kco_conf_errs_t *e) {
        for (int i = 0; i < e->n; i++)
                free(e->msg[i]);
        for (int i = 0; i < e->nwarn; i++)
                free(e->warn[i]);
        free(e->msg);
        free(e->warn);
        kco_conf_errs_init(e);
}

static void kco_conf_errs_vpush(char ***arr, int *n, const char *fmt, va_list ap) {
        va_list cp;
        va_copy(cp, ap);
        int len = vsnprintf(NULL, 0, fmt, cp);
        va_end(cp);
        char *s = kco_malloc((size_t)len + 1);
        vsnprintf(s, (size_t)len + 1, fmt, ap);
        *arr = kco_realloc(*arr, sizeof(char *) * (size_t)(*n + 1));
        (*arr)[(*n)++] = s;
}

void kco_conf_errs_add(kco_conf_errs_t *e, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        kco_conf_errs_vpush(&e->msg, &e->n, fmt, ap);
        va_end(ap);
}

void kco_conf_errs_warn(kco_conf_errs_t *e, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        kco_conf_errs_vpush(&e->warn, &e->nwarn, fmt, ap);
        va_end(ap);
}

const kco_conf_def_t *kco_conf_def_find(const char *name) {
        for (const kco_conf_def_t *d = kco_conf_defs; d->name; d++)
                if (!strcmp(d->name, name))
                        return d;
        return NULL;
}

const char *kco_conf_display(const char *key, const char *value) {
        const kco_conf_def_t *d = kco_conf_def_find(key);
        if (d && (d->flags & KCO_CONF_SECRET))
                return "<redacted>";
        return value;
}

const char *kco_conf_enum_name(const char *key, int value) {
        const kco_conf_def_t *d = kco_conf_def_find(key);
        if (!d || !d->enums)
                return "?";
        for (const kco_conf_enum_t *e = d->enums; e->name; e++)
                if (e->value == value)
                        return e->name;
        return "?";
}

static char *kco_conf_trim(const char *s) {
        while (isspace((unsigned char)*s))
                s++;
        size_t n = strlen(s);
        while (n && isspace((unsigned char)s[n - 1]))
                n--;
        return kco_strndup(s, n);
}

static void kco_conf_list_parse(kco_strlist_t *l, const char *s) {
        l->v = NULL;
        l->n = 0;
        const char *p = s;
        while (*p) {
                const char *comma = strchr(p, ',');
                size_t len = comma ? (size_t)(comma - p) : strlen(p);
                char *item = kco_strndup(p, len);
                char *t = kco_conf_trim(item);
                free(item);
                if (*t) {
                        l->v = kco_realloc(l->v, sizeof(char *) * (size_t)(l->n + 1));
                        l->v[l->n++] = t;
                } else {
                        free(t);
                }
                if (!comma)
                        break;
                p = comma + 1;
        }
}

static void kco_conf_list_free(kco_strlist_t *l) {
        for (int i = 0; i < l->n; i++)
                free(l->v[i]);
        free(l->v);
        l->v = NULL;
        l->n = 0;
}

static int kco_conf_parse_int64(const char *s, int64_t *out) {
        if (!*s)
                return -1;
        errno = 0;
        char *end;
        long long v = strtoll(s, &end, 10);
        if (errno || *end)
                return -1;
        *out = v;
        return 0;
}

/* Parses one value into its field; on a bad value adds an error. */
static void kco_conf_set(kco_conf_t *c, const kco_conf_def_t *d, const char *raw, kco_conf_errs_t *errs) {
        char *field = (char *)c + d->offset;
        char *v = (d->flags & KCO_CONF_RAW) ? kco_strdup(raw) : kco_conf_trim(raw);
        const char *shown = kco_conf_display(d->name, v);
        switch (d->type) {
        case KCO_CONF_STRING:
                free(*(char **)field);
                *(char **)field = v;
                return;
        case KCO_CONF_LIST:
                kco_conf_list_free((kco_strlist_t *)field);
                kco_conf_list_parse((kco_strlist_t *)field, v);
                break;
        case KCO_CONF_INT:
        case KCO_CONF_LONG: {
                int64_t n;
                if (kco_conf_parse_int64(v, &n)) {
                        kco_conf_errs_add(errs, "%s = \"%s\": not an integer", d->name, shown);
                } else if (n < d->min || n > d->max) {
                        if (d->max == INT64_MAX)
                                kco_conf_errs_add(errs, "%s = \"%s\": must be at least %" PRId64, d->name, shown,
                                                  d->min);
                        else
                                kco_conf_errs_add(errs, "%s = \"%s\": must be between %" PRId64 " and %" PRId64,
                                                  d->name, shown, d->min, d->max);
                } else if (d->type == KCO_CONF_INT) {
                        *(int *)field = (int)n;
                } else {
                        *(int64_t *)field = n;
                }
                break;
        }
        case KCO_CONF_BOOL:
                if (!strcasecmp(v, "true"))
                        *(int *)field = 1;
                else if (!strcasecmp(v, "false"))
                        *(int *)field = 0;
                else
                        kco_conf_errs_add(errs, "%s = \"%s\": must be true or false", d->name, shown);
                break;
        case KCO_CONF_ENUM: {
                const kco_conf_enum_t *e;
                for (e = d->enums; e->name; e++)
                        if (!strcasecmp(e->name, v))
                                break;
                if (e->name) {
                        *(int *)field = e->value;
                } else if (!strcmp(d->name, "partitioner.class") && strchr(v, '/')) {
                        *(int *)field = KCO_PARTITIONER_PLUGIN; /* a custom partitioner: a shared library */
                        free(c->partitioner_plugin);
                        c->partitioner_plugin = kco_strdup(v);
                } else if ((!strcmp(d->name, "avro.codec") && kco_conf_avro_unavailable(v)) ||
                           (!strcmp(d->name, "oss.parquet.compression.codec") && !strcasecmp(v, "brotli"))) {
                        /* kco_conf_validate says why */
                } else {
                        char allowed[1024] = "";
                        size_t off = 0;
                        for (e = d->enums; e->name && off < sizeof(allowed) - 1; e++)
                                off += (size_t)snprintf(allowed + off, sizeof(allowed) - off, "%s%s",
                                                        off ? ", " : "", e->name);
                        kco_conf_errs_add(errs, "%s = \"%s\": unknown value; expected one of: %s%s", d->name, shown,
                                          allowed,
                                          strcmp(d->name, "partitioner.class")
                                                  ? ""
                                                  : " (a custom partitioner is a shared library: "
                                                    "partitioner.class=/path/to/libmine.so)");
                }
                break;
        }
        }
        free(v);
}

/* Levenshtein distance, capped; for "did you mean" hints. */
static int kco_conf_distance(const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        if (la > 64 || lb > 64)
                return 99;
        int prev[65], cur[65];
        for (size_t j = 0; j <= lb; j++)
                prev[j] = (int)j;
        for (size_t i = 1; i <= la; i++) {
                cur[0] = (int)i;
                for (size_t j = 1; j <= lb; j++) {
                        int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                        int m = prev[j] + 1;
                        if (cur[j - 1] + 1 < m)
                                m = cur[j - 1] + 1;
                        if (prev[j - 1] + cost < m)
                                m = prev[j - 1] + cost;
                        cur[j] = m;
                }
                memcpy(prev, cur, sizeof(int) * (lb + 1));
        }
        return prev[lb];
}

static int kco_conf_in_list(const char *const *list, const char *key) {
        for (; *list; list++)
                if (!strcmp(*list, key))
                        return 1;
        return 0;
}

static void kco_conf_check_unknown(const char *key, kco_conf_errs_t *errs) {
        if (kco_conf_def_find(key) || kco_conf_in_list(kco_conf_known_ignored, key))
                return;
        if (!strncmp(key, "consumer.", 9) || !strncmp(key, "producer.", 9) || !strncmp(key, "admin.", 6))
                return;
        if (kco_conf_in_list(kco_conf_not_yet, key)) {
                kco_conf_errs_warn(errs, "%s: not supported by this version yet; ignored", key);
                return;
        }
        const char *best = NULL;
        int bestd = 3;
        for (const kco_conf_def_t *d = kco_conf_defs; d->name; d++) {
                int dist = kco_conf_distance(key, d->name);
                if (dist < bestd) {
                        bestd = dist;
                        best = d->name;
                }
        }
        if (best)
                kco_conf_errs_warn(errs, "%s: unknown key; did you mean %s?", key, best);
}

static void kco_conf_apply(kco_conf_t *c, const kco_props_t *p, kco_props_t *given, kco_conf_errs_t *errs) {
        if (!p)
                return;
        for (size_t i = 0; i < kco_props_count(p); i++) {
                const char *k = kco_props_key(p, i), *v = kco_props_value(p, i);
                kco_props_set(c->raw, k, v);
                if (!strncmp(k, "consumer.override.", 18))
                        kco_props_set(c->consumer, k + 18, v);
                else if (!strncmp(k, "consumer.", 9))
                        kco_props_set(c->consumer, k + 9, v);
                else if (!strncmp(k, "producer.override.", 18))
                        kco_props_set(c->producer, k + 18, v);
                else if (!strncmp(k, "producer.", 9))
                        kco_props_set(c->producer, k + 9, v);
                const kco_conf_def_t *d = kco_conf_def_find(k);
                if (d) {
                        kco_conf_set(c, d, v, errs);
                        kco_props_set(given, k, "1");
                } else {
                        kco_conf_check_unknown(k, errs);
                }
        }
}


static void kco_conf_validate(kco_conf_t *c, const kco_props_t *given, kco_conf_errs_t *errs) {
        for (const kco_conf_def_t *d = kco_conf_defs; d->name; d++)
                if ((d->flags & KCO_CONF_REQUIRED) && !kco_props_get(given, d->name))
                        kco_conf_errs_add(errs, "%s: required, no value given", d->name);
        if (c->name && !*c->name)
                kco_conf_errs_add(errs, "name = \"\": must not be empty");
        if (c->topics.n && *c->topics_regex)
                kco_conf_errs_add(errs, "topics and topics.regex: set one of them, not both");
        if (!c->topics.n && !*c->topics_regex)
                kco_conf_errs_add(errs, "topics: required (or topics.regex), no value given");
        if (!*c->bootstrap_servers)
                kco_conf_errs_add(errs, "bootstrap.servers = \"\": must not be empty");
        if (kco_log_level_parse(c->log_level) < 0)
                kco_conf_errs_add(errs, "log.level = \"%s\": expected error, warn, info or debug", c->log_level);
        if (!*c->directory_delim)
                kco_conf_errs_add(errs, "directory.delim = \"\": must not be empty");
        if (!*c->file_delim)
                kco_conf_errs_add(errs, "file.delim = \"\": must not be empty");
        if (kco_props_get(given, "storage.class") && c->storage == KCO_STORAGE_LOCAL &&
            strncmp(c->store_url, "file:///", 8))
                kco_conf_errs_add(errs, "store.url = \"%s\": storage.class=local needs file:///absolute/dir",
                                  c->store_url);
        if (c->compression_level > 9 && c->compression == KCO_COMPRESS_GZIP)
                kco_conf_errs_add(errs, "oss.compression.level = \"%d\": gzip levels are 1-9 (or -1)",
                                  c->compression_level);
        if (c->compression_level == 0 && c->compression != KCO_COMPRESS_NONE)
                kco_conf_errs_add(errs, "oss.compression.level = \"0\": use 1-9 for gzip, 1-22 for zstd, or -1");
        const char *codec = kco_props_get(c->raw, "avro.codec");
        if (codec && kco_conf_avro_unavailable(codec))
                kco_conf_errs_add(errs, "avro.codec = \"%s\": not available (the Avro C library here has no %s); use "
                                        "null, deflate or snappy", codec, codec);
        if (c->compression != KCO_COMPRESS_NONE && (c->format == KCO_FORMAT_AVRO || c->format == KCO_FORMAT_PARQUET_AVRO ||
                                                    c->format == KCO_FORMAT_PARQUET_JSON))
                kco_conf_errs_add(errs, "oss.compression.type = \"%s\": compresses ByteArrayFormat and JsonFormat "
                                        "objects only; %s compresses inside the file (%s)",
                                  kco_conf_enum_name("oss.compression.type", c->compression),
                                  kco_conf_enum_name("format.class", c->format),
                                  c->format == KCO_FORMAT_AVRO ? "avro.codec" : "oss.parquet.compression.codec");
        if (c->format == KCO_FORMAT_PARQUET_JSON)
                kco_conf_check_proto(c, errs);
        kco_conf_check_partitioner(c, errs);
        const char *pcodec = kco_props_get(c->raw, "oss.parquet.compression.codec");
        if (pcodec && !strcasecmp(pcodec, "brotli"))
                kco_conf_errs_add(errs, "oss.parquet.compression.codec = \"brotli\": not available (no brotli library "
                                        "here); use snappy, gzip, zstd, lz4_raw or uncompressed");
        if (c->key_converter == KCO_CONVERTER_AVRO && !c->key_registry_url.n)
                kco_conf_errs_add(errs, "key.converter.schema.registry.url: required by AvroConverter, no value given");
        if (c->value_converter == KCO_CONVERTER_AVRO && !c->value_registry_url.n)
                kco_conf_errs_add(errs,
                                  "value.converter.schema.registry.url: required by AvroConverter, no value given");
        if (c->format == KCO_FORMAT_JSON && c->value_converter == KCO_CONVERTER_BYTEARRAY &&
            kco_props_get(given, "format.class"))
                kco_conf_errs_warn(errs, "value.converter is ByteArrayConverter: JsonFormat writes values as base64 "
                                         "strings; use org.apache.kafka.connect.storage.StringConverter to write "
                                         "JSON text as JSON");
}

kco_conf_t *kco_conf_new(const kco_props_t *worker, const kco_props_t *connector, kco_conf_errs_t *errs) {
        kco_conf_t *c = kco_calloc(1, sizeof(*c));
        c->consumer = kco_props_new();
        c->producer = kco_props_new();
        c->raw = kco_props_new();
        kco_props_t *given = kco_props_new();
        kco_conf_errs_t ignored;
        kco_conf_errs_init(&ignored);
        for (const kco_conf_def_t *d = kco_conf_defs; d->name; d++)
                if (d->dflt)
                        kco_conf_set(c, d, d->dflt, &ignored);
        kco_conf_apply(c, worker, given, errs);
        kco_conf_apply(c, connector, given, errs);
        kco_conf_validate(c, given, errs);
        kco_props_destroy(given);
        if (ignored.n) /* a default that does not parse is a bug in the table */
                abort();
        kco_conf_errs_free(&ignored);
        return c;
}

void kco_conf_destroy(kco_conf_t *c) {
        if (!c)
                return;
        for (const kco_conf_def_t *d = kco_conf_defs; d->name; d++) {
                char *field = (char *)c + d->offset;
                if (d->type == KCO_CONF_STRING)
                        free(*(char **)field);
                else if (d->type == KCO_CONF_LIST)
                        kco_conf_list_free((kco_strlist_t *)field);
        }
        kco_props_destroy(c->consumer);
        kco_props_destroy(c->producer);
        kco_props_destroy(c->raw);
        kco_proto_destroy(c->proto);
        free(c->proto_msgs);
        free(c->partitioner_plugin);
        free(c);
}

static void kco_conf_md_escape(FILE *out, const char *s) {
        for (; *s; s++) {
                if (*s == '\n')
                        fputs("\\n", out);
                else if (*s == '|')
                        fputs("\\|", out);
                else if (*s == '<')
                        fputs("&lt;", out);
                else if (*s == '>')
                        fputs("&gt;", out);
                else
                        fputc(*s, out);
        }
}

static const char *kco_conf_type_name(kco_conf_type_t t) {
        static const char *names[] = {"string", "int", "long", "boolean", "list", "class/enum"};
        return names[t];
}

void kco_conf_write_docs(FILE *out) {
        fputs("# Configuration reference\n\n"
              "Generated from the config table in `src/worker/kco_conf.c` by `kafka-connect-oss config-docs`;\n"
              "do not edit by hand (`make docs` regenerates it, the test suite checks it is current).\n\n"
              "Worker keys go in the worker properties file (the first file of `standalone`); connector keys in "
              "each connector file. A connector file may also set worker keys such as the converters; its "
              "value wins.\n\n"
              "Kafka consumer settings: `consumer.<librdkafka property>` in the worker file and\n"
              "`consumer.override.<property>` in a connector file are passed to librdkafka. The program sets\n"
              "`group.id=connect-<name>`, `enable.auto.commit=false`, `enable.auto.offset.store=false` and, unless\n"
              "given, `auto.offset.reset=earliest` and\n"
              "`queued.min.messages=1000000` (librdkafka counts it over all partitions of a task).\n"
              "The dead-letter queue producer takes `producer.<property>` (worker) and\n"
              "`producer.override.<property>` (connector) the same way; it always uses `acks=all` and\n"
              "idempotence.\n\n"
              "Values are trimmed of surrounding whitespace unless the key says otherwise. Class names of the Java\n"
              "connector and of Kafka Connect are accepted as they are, and so are the short aliases listed.\n",
              out);
        const char *groups[] = {"Worker", "Connector", "Storage", "Format", "Partitioner", NULL};
        for (int g = 0; groups[g]; g++) {
                fprintf(out, "\n## %s\n\n| key | type | default | valid values | description |\n|---|---|---|---|---|\n",
                        groups[g]);
                for (const kco_conf_def_t *d = kco_conf_defs; d->name; d++) {
                        if (strcmp(d->group, groups[g]))
                                continue;
                        fprintf(out, "| `%s` | %s | ", d->name, kco_conf_type_name(d->type));
                        if (d->flags & KCO_CONF_REQUIRED)
                                fputs("*required*", out);
                        else if (d->dflt && *d->dflt) {
                                fputc('`', out);
                                kco_conf_md_escape(out, d->dflt);
                                fputc('`', out);
                        } else
                                fputs("\"\"", out);
                        fputs(" | ", out);
                        if (d->type == KCO_CONF_ENUM) {
                                int first = 1;
                                for (const kco_conf_enum_t *e = d->enums; e->name; e++) {
                                        fprintf(out, "%s`%s`%s", first ? "" : ", ", e->name, e->alias ? " (alias)" : "");
                                        first = 0;
                                }
                        } else if (d->type == KCO_CONF_BOOL) {
                                fputs("true, false", out);
                        } else if (d->type == KCO_CONF_INT || d->type == KCO_CONF_LONG) {
                                if (d->max == INT64_MAX)
                                        fprintf(out, "≥ %" PRId64, d->min);
                                else
                                        fprintf(out, "%" PRId64 " … %" PRId64, d->min, d->max);
                        }
                        fputs(" | ", out);
                        kco_conf_md_escape(out, d->doc);
                        if (d->flags & KCO_CONF_SECRET)
                                fputs(" Secret: never logged or shown.", out);
                        fputs(" |\n", out);
                }
        }
        fputs("\n## Accepted but not yet honoured\n\nThese keys of the Java connector are recognised; setting them "
              "prints a warning because this version does not act on them yet:\n\n",
              out);
        for (int i = 0; kco_conf_not_yet[i]; i++)
                fprintf(out, "%s`%s`", i ? ", " : "", kco_conf_not_yet[i]);
        fputs("\n\nKafka Connect worker keys with no meaning here (accepted silently): ", out);
        for (int i = 0; kco_conf_known_ignored[i]; i++)
                fprintf(out, "%s`%s`", i ? ", " : "", kco_conf_known_ignored[i]);
        fputs(".\n", out);
}
