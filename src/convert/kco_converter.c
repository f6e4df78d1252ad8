/*
 * kco_converter.c - the converters that need no schema: ByteArrayConverter
 * (bytes as they are) and StringConverter (bytes as text), and the factory
 * for all converters. Both pass the message's bytes through without copying
 * or parsing.
 *
 * Task thread. Must never: parse what need not be parsed.
 */
#include "convert/kco_converter.h"

#include <stdlib.h>

#include "core/kco_mem.h"

static int kco_converter_bytes(kco_converter_t *cv, const char *topic, const void *p, size_t n, kco_arena_t *arena,
                               kco_data_t *out, kco_err_t *err) {
        (void)cv, (void)topic, (void)arena, (void)err;
        out->type = p ? KCO_DATA_BYTES : KCO_DATA_NULL;
        out->ptr = p;
        out->len = n;
        out->v = NULL;
        return 0;
}

static int kco_converter_string(kco_converter_t *cv, const char *topic, const void *p, size_t n, kco_arena_t *arena,
                                kco_data_t *out, kco_err_t *err) {
        (void)cv, (void)topic, (void)arena, (void)err;
        out->type = p ? KCO_DATA_STRING : KCO_DATA_NULL;
        out->ptr = p;
        out->len = n;
        out->v = NULL;
        return 0;
}

static const kco_converter_ops_t kco_converter_bytes_ops = {"ByteArrayConverter", kco_converter_bytes, NULL};
static const kco_converter_ops_t kco_converter_string_ops = {"StringConverter", kco_converter_string, NULL};

kco_converter_t *kco_converter_new(int kind, int is_key, const kco_conf_t *conf, kco_err_t *err) {
        kco_converter_t *cv;
        switch (kind) {
        case KCO_CONVERTER_JSON:
                return kco_converter_json_new(is_key, conf, err);
        case KCO_CONVERTER_AVRO:
                return kco_converter_avro_new(is_key, conf, err);
        case KCO_CONVERTER_STRING:
                cv = kco_calloc(1, sizeof(*cv));
                cv->ops = &kco_converter_string_ops;
                break;
        default:
                cv = kco_calloc(1, sizeof(*cv));
                cv->ops = &kco_converter_bytes_ops;
                break;
        }
        cv->is_key = is_key;
        return cv;
}

void kco_converter_destroy(kco_converter_t *cv) {
        if (!cv)
                return;
        if (cv->ops->destroy)
                cv->ops->destroy(cv);
        else
                free(cv);
}
