/*
 * kco_partitioner.h - record -> encoded partition (the directory part of an
 * object key between the topic and the file name), e.g. "partition=3".
 *
 * Owns: per-partitioner settings. Each task owns its partitioner; no locking.
 * Must never: produce a value that depends on anything but the record and the
 * configuration (exactly-once naming depends on it being deterministic).
 */
#ifndef KCO_PARTITIONER_H
#define KCO_PARTITIONER_H

#include "core/kco_buf.h"
#include "core/kco_err.h"
#include "record/kco_record.h"
#include "worker/kco_conf.h"

typedef struct kco_partitioner_s kco_partitioner_t;

typedef struct kco_partitioner_ops_s {
        const char *name;
        /* Appends the encoded partition of rec to out. */
        int (*encode)(kco_partitioner_t *pt, const kco_record_t *rec, kco_buf_t *out, kco_err_t *err);
} kco_partitioner_ops_t;

struct kco_partitioner_s {
        const kco_partitioner_ops_t *ops;
        const kco_conf_t *conf;
};

kco_partitioner_t *kco_partitioner_new(const kco_conf_t *conf);
void kco_partitioner_destroy(kco_partitioner_t *pt);

static inline int kco_partitioner_encode(kco_partitioner_t *pt, const kco_record_t *rec, kco_buf_t *out,
                                         kco_err_t *err) {
        return pt->ops->encode(pt, rec, out, err);
}

#endif
