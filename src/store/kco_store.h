/*
 * kco_store.h - the object store interface: stream an object's bytes, then
 * make it visible and durable at once (commit) or throw it away (abort).
 * For the two-phase commit of rotations that a replay would not repeat
 * (sink/kco_sink.c), an upload can also be prepared: durable, invisible, and
 * named by a token that any process can later finish (make visible) or
 * cancel, once the Kafka offset commit has decided which.
 *
 * Owns: a store's connection state; an upload owns its in-progress object.
 * A store is shared by the tasks of a connector and must be thread-safe; an
 * upload is used by one task thread at a time.
 * Must never: make an object visible before commit, or leave a half-written
 * object under its final key.
 */
#ifndef KCO_STORE_H
#define KCO_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/kco_buf.h"
#include "core/kco_err.h"
#include "worker/kco_conf.h"

typedef struct kco_store_s kco_store_t;
typedef struct kco_upload_s kco_upload_t;

typedef struct kco_store_ops_s {
        const char *name;
        kco_upload_t *(*open)(kco_store_t *st, const char *key, kco_err_t *err);
        int (*write)(kco_upload_t *up, const void *p, size_t n, kco_err_t *err);
        /* Durable and visible under its key on success; the upload is freed
         * either way. */
        int (*commit)(kco_upload_t *up, kco_err_t *err);
        /* Discards everything written; frees the upload. */
        void (*abort)(kco_upload_t *up);
        /* 1 and *size if the object exists, 0 if not, -1 on error. */
        int (*head)(kco_store_t *st, const char *key, int64_t *size, kco_err_t *err);
        /* Calls cb for every object whose key starts with prefix, in key
         * order; stops early (returning 0) when cb returns nonzero. */
        int (*list)(kco_store_t *st, const char *prefix,
                    int (*cb)(void *opaque, const char *key, int64_t size), void *opaque, kco_err_t *err);
        /* Deletes an object; deleting a missing one is not an error. */
        int (*remove)(kco_store_t *st, const char *key, kco_err_t *err);
        /* Two-phase commit, phase one: everything written is durable on the
         * store but not visible under its key; returns a token (printable
         * ASCII, no spaces) that finish or cancel take with the key, in this
         * process or another. Frees the upload either way; NULL on error. */
        char *(*prepare)(kco_upload_t *up, kco_err_t *err);
        /* Phase two: the prepared object becomes visible under key. Also 0
         * when that was done before (the token's upload is gone and the object
         * exists); an error when neither the upload nor the object exists. */
        int (*finish)(kco_store_t *st, const char *key, const char *token, kco_err_t *err);
        /* Throws a prepared object away; 0 also when it is gone already. */
        int (*cancel)(kco_store_t *st, const char *key, const char *token, kco_err_t *err);
        /* Reads a whole (small) object: 1 with its bytes appended to out, 0 if
         * it does not exist, -1 on error. */
        int (*get)(kco_store_t *st, const char *key, kco_buf_t *out, kco_err_t *err);
        /* Discards what crashed writers left behind below prefix: uploads in
         * progress or prepared (id: the upload's name, which a prepared one's
         * token starts with, up to a ';' or its end) for which discard answers
         * nonzero. Returns how many it discarded, or -1 (err set). */
        int (*sweep)(kco_store_t *st, const char *prefix,
                     int (*discard)(void *opaque, const char *key, const char *id), void *opaque, kco_err_t *err);
        /* Shutdown is overdue: fail pending requests at once, retry nothing
         * (NULL when there is nothing to hurry). Any thread. */
        void (*hurry)(kco_store_t *st);
        void (*destroy)(kco_store_t *st);
        /* Bytes an upload holds in memory (a part being filled, parts in
         * flight); NULL: none (written through). */
        size_t (*held)(const kco_upload_t *up);
} kco_store_ops_t;

struct kco_store_s {
        const kco_store_ops_t *ops;
};

struct kco_upload_s {
        kco_store_t *store;
};

/* Creates the store that conf->storage names. */
kco_store_t *kco_store_new(const kco_conf_t *conf, kco_err_t *err);
kco_store_t *kco_store_local_new(const kco_conf_t *conf, kco_err_t *err);
kco_store_t *kco_store_cloud_new(const kco_conf_t *conf, kco_err_t *err);
/* Adds every problem of the store settings (bucket, endpoint, credentials,
 * core-site.xml) to errs, without connecting. */
void kco_store_check_conf(const kco_conf_t *conf, kco_conf_errs_t *errs);
void kco_store_cloud_check(const kco_conf_t *conf, kco_conf_errs_t *errs);

static inline void kco_store_destroy(kco_store_t *st) {
        if (st)
                st->ops->destroy(st);
}
static inline kco_upload_t *kco_store_open(kco_store_t *st, const char *key, kco_err_t *err) {
        return st->ops->open(st, key, err);
}
static inline int kco_upload_write(kco_upload_t *up, const void *p, size_t n, kco_err_t *err) {
        return up->store->ops->write(up, p, n, err);
}
static inline int kco_upload_commit(kco_upload_t *up, kco_err_t *err) {
        return up->store->ops->commit(up, err);
}
static inline void kco_upload_abort(kco_upload_t *up) {
        up->store->ops->abort(up);
}
static inline int kco_store_head(kco_store_t *st, const char *key, int64_t *size, kco_err_t *err) {
        return st->ops->head(st, key, size, err);
}
static inline int kco_store_list(kco_store_t *st, const char *prefix,
                                 int (*cb)(void *opaque, const char *key, int64_t size), void *opaque,
                                 kco_err_t *err) {
        return st->ops->list(st, prefix, cb, opaque, err);
}
static inline char *kco_upload_prepare(kco_upload_t *up, kco_err_t *err) {
        return up->store->ops->prepare(up, err);
}
static inline int kco_store_finish(kco_store_t *st, const char *key, const char *token, kco_err_t *err) {
        return st->ops->finish(st, key, token, err);
}
static inline int kco_store_cancel(kco_store_t *st, const char *key, const char *token, kco_err_t *err) {
        return st->ops->cancel(st, key, token, err);
}
static inline int kco_store_get(kco_store_t *st, const char *key, kco_buf_t *out, kco_err_t *err) {
        return st->ops->get(st, key, out, err);
}
static inline int kco_store_sweep(kco_store_t *st, const char *prefix,
                                  int (*discard)(void *opaque, const char *key, const char *id), void *opaque,
                                  kco_err_t *err) {
        return st->ops->sweep(st, prefix, discard, opaque, err);
}
static inline void kco_store_hurry(kco_store_t *st) {
        if (st->ops->hurry)
                st->ops->hurry(st);
}
static inline size_t kco_upload_held(const kco_upload_t *up) {
        return up->store->ops->held ? up->store->ops->held(up) : 0;
}
static inline int kco_store_remove(kco_store_t *st, const char *key, kco_err_t *err) {
        return st->ops->remove(st, key, err);
}

#endif
