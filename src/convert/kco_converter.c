/*
 * kco_converter.c - the converters that need no schema: ByteArrayConverter
 * (bytes as they are) and StringConverter (bytes as text). Both pass the
 * message's bytes through without copying or parsing.
 *
 * Task thread. Must never: parse what need not be parsed.
 */
#include "convert/kco_converter.h"

#include <stdlib.h>

#include "core/kco_mem.h"

static int kco_converter_bytes(kco_converter_t *cv, const char *topic, const void *p, size_t n, kco_data_t *out,
                               kco_err_t *err) {
        (void)cv, (void)topic, (void)err;
        out->type = p ? KCO_DATA_BYTES : KCO_DATA_NULL;
        out->ptr = p;
        out->len = n;
        return 0;
}

static int kco_converter_string(kco_converter_t *cv, const char *topic, const void *p, size_t n, kco_data_t *out,
                                kco_err_t *err) {
        (void)cv, (void)topic, (void)err;
        out->type = p ? KCO_DATA_STRING : KCO_DATA_NULL;
        out->ptr = p;
        out->len = n;
        return 0;
}

static const kco_converter_ops_t kco_converter_ops[] = {
        [KCO_CONVERTER_BYTEARRAY] = {"ByteArrayConverter", kco_converter_bytes},
        [KCO_CONVERTER_STRING] = {"StringConverter", kco_converter_string},
};

kco_converter_t *kco_converter_new(int kind, const kco_conf_t *conf) {
        (void)conf;
        kco_converter_t *cv = kco_calloc(1, sizeof(*cv));
        cv->ops = &kco_converter_ops[kind];
        return cv;
}

void kco_converter_destroy(kco_converter_t *cv) {
        free(cv);
}
