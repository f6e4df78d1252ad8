/* placeholder until the avro converter lands */
#include "convert/kco_converter.h"

kco_converter_t *kco_converter_avro_new(int is_key, const kco_conf_t *conf, kco_err_t *err) {
        (void)is_key, (void)conf;
        kco_err_set(err, KCO_ERR_CONFIG, 0, "the avro converter is not built yet");
        return NULL;
}
