/*
 * kco_converter.h - Kafka bytes -> typed data (key.converter, value.converter).
 *
 * Owns: per-converter state (schema caches, a Schema Registry client). Each
 * task owns its converters; no locking. Must never: keep pointers into the
 * message past the batch; allocate a value anywhere but the batch arena.
 */
#ifndef KCO_CONVERTER_H
#define KCO_CONVERTER_H

#include "core/kco_arena.h"
#include "core/kco_err.h"
#include "record/kco_record.h"
#include "worker/kco_conf.h"

typedef struct kco_converter_s kco_converter_t;

typedef struct kco_converter_ops_s {
        const char *name;
        /* p is NULL for a Kafka null. Values go into arena (reset by the task after each batch). A bad message is
         * KCO_ERR_DATA (not retriable) with the reason; an unreachable registry is retriable. */
        int (*convert)(kco_converter_t *cv, const char *topic, const void *p, size_t n, kco_arena_t *arena,
                       kco_data_t *out, kco_err_t *err);
        void (*destroy)(kco_converter_t *cv); /* NULL: free(cv) */
} kco_converter_ops_t;

/* Implementations embed this first. */
struct kco_converter_s {
        const kco_converter_ops_t *ops;
        int is_key; /* converts keys (subject <topic>-key) rather than values (<topic>-value) */
};

/* kind: KCO_CONVERTER_* from kco_conf.h. NULL with err set when the converter cannot start. */
kco_converter_t *kco_converter_new(int kind, int is_key, const kco_conf_t *conf, kco_err_t *err);
void kco_converter_destroy(kco_converter_t *cv);

static inline int kco_converter_convert(kco_converter_t *cv, const char *topic, const void *p, size_t n,
                                        kco_arena_t *arena, kco_data_t *out, kco_err_t *err) {
        return cv->ops->convert(cv, topic, p, n, arena, out, err);
}

/* The converters in their own files. */
kco_converter_t *kco_converter_json_new(int is_key, const kco_conf_t *conf, kco_err_t *err);
kco_converter_t *kco_converter_avro_new(int is_key, const kco_conf_t *conf, kco_err_t *err);

#endif
