/*
 * kco_store.c - picks the store implementation for storage.class.
 * Main thread, at connector start.
 */
#include "store/kco_store.h"

kco_store_t *kco_store_new(const kco_conf_t *conf, kco_err_t *err) {
        switch (conf->storage) {
        case KCO_STORAGE_LOCAL:
                return kco_store_local_new(conf, err);
        default:
                kco_err_set(err, KCO_ERR_CONFIG, 0, "storage.class %s is not available in this version",
                            kco_conf_enum_name("storage.class", conf->storage));
                return NULL;
        }
}
