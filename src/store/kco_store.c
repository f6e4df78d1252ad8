/*
 * kco_store.c - picks the store implementation for storage.class and checks
 * its settings.
 * Main thread, at connector start.
 */
#include "store/kco_store.h"

kco_store_t *kco_store_new(const kco_conf_t *conf, kco_err_t *err) {
        switch (conf->storage) {
        case KCO_STORAGE_LOCAL:
                return kco_store_local_new(conf, err);
        default:
                return kco_store_cloud_new(conf, err);
        }
}

void kco_store_check_conf(const kco_conf_t *conf, kco_conf_errs_t *errs) {
        if (conf->storage != KCO_STORAGE_LOCAL && kco_props_get(conf->raw, "storage.class"))
                kco_store_cloud_check(conf, errs);
}
