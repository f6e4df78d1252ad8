/*
 * kco_conf_check.c - the configuration checks that load what the keys name:
 * the .proto files and the message of each topic (ParquetJsonFormat), the
 * time zone and path.format pattern of the time-based partitioners, a custom
 * partitioner's library; with the Java partitioners' messages.
 *
 * Owns: nothing but what it loads into the kco_conf_t (the protobuf schemas,
 * kept for the tasks). Main thread, while a configuration is built. Must
 * never: keep a zone, pattern or plugin loaded (the tasks load their own).
 */
#include <inttypes.h>
#include <string.h>

#include "core/kco_mem.h"
#include "partition/kco_plugin.h"
#include "partition/kco_time.h"
#include "record/kco_proto.h"
#include "worker/kco_conf.h"

/* ParquetJsonFormat: loads the .proto files and finds each topic's message, so that validate reports what
 * is missing or cannot be written. */
void kco_conf_check_proto(kco_conf_t *c, kco_conf_errs_t *errs) {
        const kco_strlist_t *l = &c->parquet_proto_classes;
        if (c->metadata_fields)
                kco_conf_errs_add(errs, "format.metadata.fields.enable = \"true\": not available with "
                                        "ParquetJsonFormat (the protobuf message defines the columns)");
        if (c->value_converter != KCO_CONVERTER_STRING && c->value_converter != KCO_CONVERTER_BYTEARRAY)
                kco_conf_errs_add(errs, "value.converter = \"%s\": ParquetJsonFormat reads JSON text; use "
                                        "org.apache.kafka.connect.storage.StringConverter",
                                  kco_conf_enum_name("value.converter", c->value_converter));
        if (!l->n) {
                kco_conf_errs_add(errs, "oss.parquet.protobuf.schema.class: required by ParquetJsonFormat "
                                        "(topic,class pairs), no value given");
                return;
        }
        if (l->n % 2) {
                kco_conf_errs_add(errs, "oss.parquet.protobuf.schema.class: expected topic,class pairs, got %d "
                                        "items", l->n);
                return;
        }
        for (int t = 0; t < c->topics.n; t++) {
                int found = 0;
                for (int i = 0; i < l->n && !found; i += 2)
                        found = !strcmp(l->v[i], c->topics.v[t]);
                if (!found)
                        kco_conf_errs_add(errs, "oss.parquet.protobuf.schema.class: no class for topic \"%s\"",
                                          c->topics.v[t]);
        }
        if (!*c->parquet_proto_path) {
                kco_conf_errs_add(errs, "oss.parquet.protobuf.proto.path: required by ParquetJsonFormat (a directory "
                                        "of .proto files or a descriptor set), no value given");
                return;
        }
        kco_err_t err;
        kco_err_clear(&err);
        c->proto = kco_proto_new();
        if (kco_proto_load(c->proto, c->parquet_proto_path, &err)) {
                kco_conf_errs_add(errs, "oss.parquet.protobuf.proto.path = \"%s\": %s", c->parquet_proto_path,
                                  err.msg);
                return;
        }
        c->proto_msgs = kco_calloc((size_t)l->n / 2, sizeof(*c->proto_msgs));
        for (int i = 0; i < l->n; i += 2) {
                c->proto_msgs[i / 2] = kco_proto_find(c->proto, l->v[i + 1], &err);
                if (!c->proto_msgs[i / 2])
                        kco_conf_errs_add(errs, "oss.parquet.protobuf.schema.class = \"%s\" (topic %s): %s",
                                          l->v[i + 1], l->v[i], err.msg);
        }
}

const struct kco_proto_msg_s *kco_conf_proto_msg(const kco_conf_t *c, const char *topic, const char **java_class) {
        const kco_strlist_t *l = &c->parquet_proto_classes;
        if (!c->proto_msgs)
                return NULL;
        for (int i = 0; i + 1 < l->n; i += 2)
                if (!strcmp(l->v[i], topic)) {
                        *java_class = l->v[i + 1];
                        return c->proto_msgs[i / 2];
                }
        return NULL;
}

/* The partitioner's keys, with the Java partitioners' messages where they have one. */
void kco_conf_check_partitioner(kco_conf_t *c, kco_conf_errs_t *errs) {
        if (c->partitioner == KCO_PARTITIONER_PLUGIN) { /* loading it shows what it makes of the configuration */
                kco_err_t err;
                kco_err_clear(&err);
                kco_plugin_t *p = kco_plugin_open(c->partitioner_plugin, c->raw, &err);
                if (!p)
                        kco_conf_errs_add(errs, "partitioner.class = \"%s\": %s", c->partitioner_plugin, err.msg);
                kco_plugin_close(p);
        }
        if (c->rotate_schedule_ms > 0) {
                kco_err_t err;
                kco_tz_t *tz = *c->timezone ? kco_tz_new(c->timezone, &err) : NULL;
                if (!*c->timezone)
                        kco_conf_errs_add(errs, "rotate.schedule.interval.ms = \"%" PRId64 "\": Timezone cannot be "
                                                "empty when using scheduled file rotation.", c->rotate_schedule_ms);
                else if (!tz && !kco_conf_time_based(c)) /* else reported below */
                        kco_conf_errs_add(errs, "timezone = \"%s\": %s", c->timezone, err.msg);
                kco_tz_destroy(tz);
        }
        if (!c->rotate_schedule_ms || !c->rotate_size_bytes || !c->max_open_files)
                kco_conf_errs_add(errs, "rotate.schedule.interval.ms, rotate.size.bytes and "
                                        "partitioner.max.open.files take -1 (off) or a positive number, not 0");
        if (c->partitioner == KCO_PARTITIONER_FIELD && !c->partition_fields.n)
                kco_conf_errs_add(errs, "partition.field.name: required by FieldPartitioner, no value given");
        for (int i = 0; i < c->partition_fields.n; i++) {
                const char *f = c->partition_fields.v[i];
                if (!*f || *f == '.' || f[strlen(f) - 1] == '.' || strstr(f, ".."))
                        kco_conf_errs_add(errs, "partition.field.name = \"%s\": not a field name or dotted path", f);
        }
        if (!kco_conf_time_based(c))
                return;
        if (c->partitioner == KCO_PARTITIONER_TIME) {
                if (c->partition_duration_ms <= 0)
                        kco_conf_errs_add(errs, "partition.duration.ms = \"%" PRId64 "\": Partition duration needs "
                                                "to be a positive.", c->partition_duration_ms);
                size_t dl = strlen(c->directory_delim), pl = strlen(c->path_format);
                if (!pl || !strcmp(c->path_format, c->directory_delim))
                        kco_conf_errs_add(errs, "path.format = \"%s\": Path format cannot be empty.", c->path_format);
                else if (dl && pl > dl && !strcmp(c->path_format + pl - dl, c->directory_delim))
                        c->path_format[pl - dl] = '\0'; /* as the Java partitioner: a trailing delimiter is dropped */
        }
        if (!*c->locale)
                kco_conf_errs_add(errs, "locale = \"\": Locale cannot be empty.");
        if (!*c->timezone) {
                kco_conf_errs_add(errs, "timezone = \"\": Timezone cannot be empty.");
                return;
        }
        kco_err_t err;
        kco_err_clear(&err);
        kco_tz_t *tz = kco_tz_new(c->timezone, &err);
        if (!tz)
                kco_conf_errs_add(errs, "timezone = \"%s\": %s", c->timezone, err.msg);
        kco_tz_destroy(tz);
        if (c->partitioner == KCO_PARTITIONER_TIME && *c->path_format && *c->locale) {
                kco_timefmt_t *f = kco_timefmt_new(c->path_format, c->locale, &err);
                if (!f)
                        kco_conf_errs_add(errs, "path.format = \"%s\": %s", c->path_format, err.msg);
                kco_timefmt_destroy(f);
        }
        if (c->ts_extractor == KCO_TS_RECORD_FIELD && !*c->ts_field)
                kco_conf_errs_add(errs, "timestamp.field = \"\": RecordField needs a field name");
}
