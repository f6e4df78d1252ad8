/*
 * kco_partitioner.c - the partitioners (see kco_partitioner.h) and the
 * timestamp extractors of the time-based ones.
 *
 * Task thread; each task owns its partitioner. Must never: allocate per
 * record beyond the output buffer (encode runs for every record).
 */
#include "partition/kco_partitioner.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kco_mem.h"
#include "partition/kco_plugin.h"

#define KCO_PT_DAY_MS 86400000LL
#define KCO_PT_HOUR_MS 3600000LL

static void kco_pt_digits(kco_buf_t *out, int64_t v) {
        char digits[24], *d = digits + sizeof(digits);
        uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
        do
                *--d = (char)('0' + u % 10);
        while (u /= 10);
        if (v < 0)
                *--d = '-';
        kco_buf_append(out, d, (size_t)(digits + sizeof(digits) - d));
}

/* ---- DefaultPartitioner ---- */

static int kco_pt_default_encode(kco_partitioner_t *pt, const kco_record_t *rec, kco_buf_t *out, int64_t *ts,
                                 kco_err_t *err) {
        (void)pt, (void)err;
        kco_buf_append(out, "partition=", 10);
        kco_pt_digits(out, rec->partition);
        *ts = rec->timestamp;
        return 0;
}

/* ---- FieldPartitioner ---- */

/* The value of rec to look fields up in, or an error saying why there is none. */
static const kco_value_t *kco_pt_value(const kco_record_t *rec, const char *who, kco_err_t *err) {
        if (rec->value.type == KCO_DATA_VALUE && rec->value.v)
                return rec->value.v;
        kco_err_set(err, KCO_ERR_DATA, 0,
                    "%s: the value is %s, not a struct or JSON object (use JsonConverter or AvroConverter)", who,
                    rec->value.type == KCO_DATA_NULL ? "null" : rec->value.type == KCO_DATA_STRING ? "text" : "bytes");
        return NULL;
}

static int kco_pt_field_encode(kco_partitioner_t *pt, const kco_record_t *rec, kco_buf_t *out, int64_t *ts,
                               kco_err_t *err) {
        const kco_strlist_t *fields = &pt->conf->partition_fields;
        const kco_value_t *root = kco_pt_value(rec, "FieldPartitioner", err);
        *ts = rec->timestamp;
        if (!root)
                return -1;
        size_t entry = out->len;
        for (int i = 0; i < fields->n; i++) {
                const char *name = fields->v[i];
                char why[160];
                const kco_value_t *v = kco_value_lookup(root, name, why, sizeof(why));
                if (!v || v->type == KCO_TYPE_NULL) {
                        out->len = entry;
                        return kco_err_set(err, KCO_ERR_DATA, 0, "FieldPartitioner: partition.field.name %s: %s", name,
                                           v ? "the value is null" : why);
                }
                if (i)
                        kco_buf_puts(out, pt->conf->directory_delim);
                kco_buf_puts(out, name);
                kco_buf_putc(out, '=');
                switch (v->type) {
                case KCO_TYPE_INT8:
                case KCO_TYPE_INT16:
                case KCO_TYPE_INT32:
                case KCO_TYPE_INT64:
                        kco_pt_digits(out, v->u.i);
                        break;
                case KCO_TYPE_BOOLEAN:
                        kco_buf_puts(out, v->u.i ? "true" : "false");
                        break;
                case KCO_TYPE_STRING:
                        kco_buf_append(out, v->u.s.ptr, v->u.s.len);
                        break;
                default:
                        out->len = entry;
                        return kco_err_set(err, KCO_ERR_DATA, 0,
                                           "FieldPartitioner: partition.field.name %s is %s; only integers, strings "
                                           "and booleans name partitions",
                                           name, kco_type_name(v->type));
                }
        }
        return 0;
}

/* ---- timestamps ---- */

static int64_t kco_pt_now_ms(void) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int kco_partitioner_timestamp(const kco_partitioner_t *pt, const kco_record_t *rec, int64_t *ts, kco_err_t *err) {
        const kco_conf_t *c = pt->conf;
        switch (c->ts_extractor) {
        case KCO_TS_WALLCLOCK:
                *ts = kco_pt_now_ms();
                return 0;
        case KCO_TS_RECORD:
                *ts = rec->timestamp;
                if (rec->timestamp < 0)
                        return kco_err_set(err, KCO_ERR_DATA, 0,
                                           "timestamp.extractor=Record: the record has no timestamp");
                return 0;
        default:
                break;
        }
        const kco_value_t *root = kco_pt_value(rec, "timestamp.extractor=RecordField", err);
        if (!root)
                return -1;
        char why[160];
        const kco_value_t *v = kco_value_lookup(root, c->ts_field, why, sizeof(why));
        if (!v || v->type == KCO_TYPE_NULL)
                return kco_err_set(err, KCO_ERR_DATA, 0, "timestamp.field %s: %s", c->ts_field,
                                   v ? "the value is null" : why);
        const kco_schema_t *s = v->schema;
        switch (v->type) {
        case KCO_TYPE_INT32:
                /* a Date counts days; plain int32 values are milliseconds, as the Java extractor reads them */
                *ts = s && s->logical == KCO_LOGICAL_DATE ? v->u.i * KCO_PT_DAY_MS : v->u.i;
                return 0;
        case KCO_TYPE_INT64: /* Timestamp (milliseconds) or a number of milliseconds */
                *ts = v->u.i;
                return 0;
        case KCO_TYPE_STRING:
                if (kco_time_parse_iso(v->u.s.ptr, v->u.s.len, ts))
                        return kco_err_set(err, KCO_ERR_DATA, 0, "timestamp.field %s: \"%.*s\" is not an ISO-8601 time",
                                           c->ts_field, (int)(v->u.s.len > 64 ? 64 : v->u.s.len), v->u.s.ptr);
                return 0;
        default:
                return kco_err_set(err, KCO_ERR_DATA, 0,
                                   "timestamp.field %s is %s; expected a Timestamp, a Date, int32/int64 milliseconds "
                                   "or an ISO-8601 string",
                                   c->ts_field, kco_type_name(v->type));
        }
}

/* ---- TimeBasedPartitioner, Daily, Hourly ---- */

static int kco_pt_time_encode(kco_partitioner_t *pt, const kco_record_t *rec, kco_buf_t *out, int64_t *ts,
                              kco_err_t *err) {
        if (kco_partitioner_timestamp(pt, rec, ts, err))
                return -1;
        int64_t bucket = kco_tz_bucket(pt->tz, *ts, pt->duration_ms);
        if (bucket != pt->last_bucket || !pt->last_text.len) {
                pt->last_text.len = 0;
                kco_timefmt_format(pt->fmt, pt->tz, bucket, &pt->last_text);
                pt->last_bucket = bucket;
        }
        kco_buf_append(out, pt->last_text.data, pt->last_text.len);
        return 0;
}

/* ---- a custom partitioner (shared library) ---- */

static int kco_pt_plugin_encode(kco_partitioner_t *pt, const kco_record_t *rec, kco_buf_t *out, int64_t *ts,
                                kco_err_t *err) {
        *ts = rec->timestamp;
        return kco_plugin_encode(pt->plugin, rec, out, err);
}

static const kco_partitioner_ops_t kco_partitioner_ops[] = {
        [KCO_PARTITIONER_DEFAULT] = {"DefaultPartitioner", kco_pt_default_encode},
        [KCO_PARTITIONER_FIELD] = {"FieldPartitioner", kco_pt_field_encode},
        [KCO_PARTITIONER_TIME] = {"TimeBasedPartitioner", kco_pt_time_encode},
        [KCO_PARTITIONER_DAILY] = {"DailyPartitioner", kco_pt_time_encode},
        [KCO_PARTITIONER_HOURLY] = {"HourlyPartitioner", kco_pt_time_encode},
        [KCO_PARTITIONER_PLUGIN] = {"custom partitioner", kco_pt_plugin_encode},
};

/* The pattern and bucket of a time-based partitioner (Daily and Hourly build theirs with directory.delim). */
static char *kco_pt_pattern(const kco_conf_t *c, int64_t *duration) {
        const char *d = c->directory_delim;
        switch (c->partitioner) {
        case KCO_PARTITIONER_DAILY:
                *duration = KCO_PT_DAY_MS;
                return kco_asprintf("'year'=YYYY%s'month'=MM%s'day'=dd", d, d);
        case KCO_PARTITIONER_HOURLY:
                *duration = KCO_PT_HOUR_MS;
                return kco_asprintf("'year'=YYYY%s'month'=MM%s'day'=dd%s'hour'=HH", d, d, d);
        default:
                *duration = c->partition_duration_ms;
                return kco_strdup(c->path_format);
        }
}

kco_partitioner_t *kco_partitioner_new(const kco_conf_t *conf, kco_err_t *err) {
        kco_partitioner_t *pt = kco_calloc(1, sizeof(*pt));
        pt->ops = &kco_partitioner_ops[conf->partitioner];
        pt->conf = conf;
        kco_buf_init(&pt->last_text);
        if (conf->partitioner == KCO_PARTITIONER_PLUGIN) {
                pt->plugin = kco_plugin_open(conf->partitioner_plugin, conf->raw, err);
                if (!pt->plugin) { /* loaded once by validation already: the plugin changed its mind */
                        kco_partitioner_destroy(pt);
                        return NULL;
                }
        } else if (kco_conf_time_based(conf)) {
                char *pattern = kco_pt_pattern(conf, &pt->duration_ms);
                pt->tz = kco_tz_new(conf->timezone, err);
                pt->fmt = pt->tz ? kco_timefmt_new(pattern, conf->locale, err) : NULL;
                free(pattern);
                if (!pt->fmt) { /* validated before: only an ICU failure gets here */
                        kco_partitioner_destroy(pt);
                        return NULL;
                }
        }
        return pt;
}

void kco_partitioner_destroy(kco_partitioner_t *pt) {
        if (!pt)
                return;
        kco_plugin_close(pt->plugin);
        kco_buf_free(&pt->last_text);
        kco_timefmt_destroy(pt->fmt);
        kco_tz_destroy(pt->tz);
        free(pt);
}
