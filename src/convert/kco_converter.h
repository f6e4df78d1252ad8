/*
 * kco_converter.h - Kafka bytes -> typed data (key.converter, value.converter).
 *
 * Owns: per-converter state (none yet; schema caches later). Each task owns
 * its converters; no locking. Must never: keep pointers into the message.
 */
#ifndef KCO_CONVERTER_H
#define KCO_CONVERTER_H

#include "core/kco_err.h"
#include "record/kco_record.h"
#include "worker/kco_conf.h"

typedef struct kco_converter_s kco_converter_t;

typedef struct kco_converter_ops_s {
        const char *name;
        int (*convert)(kco_converter_t *cv, const char *topic, const void *p, size_t n, kco_data_t *out,
                       kco_err_t *err);
} kco_converter_ops_t;

struct kco_converter_s {
        const kco_converter_ops_t *ops;
};

/* kind: KCO_CONVERTER_* from kco_conf.h */
kco_converter_t *kco_converter_new(int kind, const kco_conf_t *conf);
void kco_converter_destroy(kco_converter_t *cv);

static inline int kco_converter_convert(kco_converter_t *cv, const char *topic, const void *p, size_t n,
                                        kco_data_t *out, kco_err_t *err) {
        return cv->ops->convert(cv, topic, p, n, out, err);
}

#endif
