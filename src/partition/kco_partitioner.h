/*
 * kco_partitioner.h - record -> encoded partition (the directory part of an
 * object key between the topic and the file name), as the Confluent
 * partitioners the Java connector uses:
 *   DefaultPartitioner     partition=<kafka partition>
 *   FieldPartitioner       <field>=<value>[<directory.delim><field>=<value>...]
 *   TimeBasedPartitioner   path.format of the start of the record's time bucket
 *   Daily / Hourly         'year'=YYYY/'month'=MM/'day'=dd[/'hour'=HH]
 *   a shared library       whatever its kco_partitioner_plugin.h table returns
 * and the record's time (timestamp.extractor) that rotate.interval.ms uses.
 *
 * Owns: per-partitioner settings and, for the time-based ones, the zone and
 * the compiled pattern. Each task owns its partitioner; no locking. Must
 * never: produce a value that depends on anything but the record and the
 * configuration (exactly-once naming depends on it being deterministic), the
 * Wallclock extractor excepted (documented as such).
 */
#ifndef KCO_PARTITIONER_H
#define KCO_PARTITIONER_H

#include <stdint.h>

#include "core/kco_buf.h"
#include "core/kco_err.h"
#include "partition/kco_time.h"
#include "record/kco_record.h"
#include "worker/kco_conf.h"

typedef struct kco_partitioner_s kco_partitioner_t;

typedef struct kco_partitioner_ops_s {
        const char *name;
        /* Appends the encoded partition of rec to out and sets *ts to the record's time (-1: none). KCO_ERR_DATA
         * naming the field when the record cannot be partitioned. */
        int (*encode)(kco_partitioner_t *pt, const kco_record_t *rec, kco_buf_t *out, int64_t *ts, kco_err_t *err);
} kco_partitioner_ops_t;

struct kco_partitioner_s {
        const kco_partitioner_ops_t *ops;
        const kco_conf_t *conf;
        struct kco_plugin_s *plugin; /* a custom partitioner */
        /* time-based */
        kco_tz_t *tz;
        kco_timefmt_t *fmt;
        int64_t duration_ms;
        int64_t last_bucket; /* the start of the last bucket formatted, and its text (records come in runs) */
        kco_buf_t last_text;
};

/* The configuration must have been validated (kco_conf_new without errors). NULL with KCO_ERR_CONFIG when a
 * custom partitioner refuses to start for this task, or ICU fails. */
kco_partitioner_t *kco_partitioner_new(const kco_conf_t *conf, kco_err_t *err);
void kco_partitioner_destroy(kco_partitioner_t *pt);

static inline int kco_partitioner_encode(kco_partitioner_t *pt, const kco_record_t *rec, kco_buf_t *out,
                                         int64_t *ts, kco_err_t *err) {
        return pt->ops->encode(pt, rec, out, ts, err);
}

/* The record's time by the connector's timestamp.extractor (rec->timestamp for Record; the value's
 * timestamp.field for RecordField; now for Wallclock). KCO_ERR_DATA naming the field when there is none. */
int kco_partitioner_timestamp(const kco_partitioner_t *pt, const kco_record_t *rec, int64_t *ts, kco_err_t *err);

#endif
