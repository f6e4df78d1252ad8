/*
 * kco_store_cloud.h - the resolved settings of an OSS or S3 store: where the
 * endpoint, bucket, region and credentials of a connector come from (its own
 * keys, then core-site.xml for OSS, then the environment).
 *
 * Owns: the strings of a kco_cloud_cfg_t. Main thread (validation, store
 * creation). Must never: print the secret or the token.
 */
#ifndef KCO_STORE_CLOUD_H
#define KCO_STORE_CLOUD_H

#include <stdint.h>

#include "store/kco_sign.h"
#include "worker/kco_conf.h"

enum { KCO_CLOUD_S3, KCO_CLOUD_OSS };

typedef struct kco_cloud_cfg_s {
        int dialect;
        kco_sign_kind_t sign;
        char *scheme;   /* http | https */
        char *endpoint; /* host[:port] */
        char *bucket;
        char *region;
        int path_style;
        char *id, *secret, *token;
        int64_t part_size;
        int max_conn;
} kco_cloud_cfg_t;

/* Resolves the settings of conf; every problem goes to errs (returns -1). */
int kco_cloud_cfg_resolve(const kco_conf_t *c, kco_cloud_cfg_t *g, kco_conf_errs_t *errs);
void kco_cloud_cfg_free(kco_cloud_cfg_t *g);

#endif
