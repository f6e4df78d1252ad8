/*
 * kco_commit.c - the two-phase commit and the recovery of kco_commit.h: the
 * metadata and manifest format (JSON through jansson), the commit sequence,
 * and the sweep of what crashed writers left.
 *
 * Task thread. Must never: log a token as if it were harmless to lose, or
 * cancel a prepared file once an offset naming it may be committed.
 */
#include "commit/kco_commit.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_log.h"
#include "core/kco_mem.h"

char *kco_commit_manifest_key(const kco_conf_t *conf, const char *topic, int32_t partition, int64_t next_offset) {
        const char *dd = conf->directory_delim, *fd = conf->file_delim;
        if (*conf->topics_dir)
                return kco_asprintf("%s%s.kco-pending%s%s%s%d%s%" PRId64 ".json", conf->topics_dir, dd, dd, topic, fd,
                                    (int)partition, fd, next_offset);
        return kco_asprintf(".kco-pending%s%s%s%d%s%" PRId64 ".json", dd, topic, fd, (int)partition, fd, next_offset);
}

/* The manifests' prefix for topic-partition ("...<topic>+<partition>+"). */
static char *kco_commit_manifest_prefix(const kco_conf_t *conf, const char *topic, int32_t partition) {
        char *k = kco_commit_manifest_key(conf, topic, partition, 0);
        k[strlen(k) - strlen("0.json")] = '\0';
        return k;
}

void kco_commit_pending_free(kco_pending_t *p, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(p[i].key);
                free(p[i].token);
        }
        free(p);
}

/* {"kco":1,"pending":[[key,token],...]} */
static char *kco_commit_list_json(const kco_pending_t *p, size_t n) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, json_pack("[ss]", p[i].key, p[i].token));
        json_t *o = json_pack("{s:i,s:o}", "kco", 1, "pending", arr);
        char *s = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        return s;
}

static int kco_commit_list_parse(json_t *arr, kco_pending_t **out, size_t *nout) {
        size_t n = json_array_size(arr);
        kco_pending_t *p = kco_calloc(n + 1, sizeof(*p));
        for (size_t i = 0; i < n; i++) {
                const char *k, *t;
                if (json_unpack(json_array_get(arr, i), "[ss]", &k, &t)) {
                        kco_commit_pending_free(p, i);
                        return -1;
                }
                p[i].key = kco_strdup(k);
                p[i].token = kco_strdup(t);
        }
        *out = p;
        *nout = n;
        return 0;
}

int kco_commit_parse(kco_store_t *st, const char *metadata, kco_pending_t **p, size_t *n, char **manifest,
                     kco_err_t *err) {
        *p = NULL;
        *n = 0;
        *manifest = NULL;
        if (!metadata || strncmp(metadata, "{\"kco\":", 7))
                return 0;
        json_error_t je;
        json_t *o = json_loads(metadata, 0, &je);
        json_t *list = o ? json_object_get(o, "pending") : NULL;
        const char *mkey = o ? json_string_value(json_object_get(o, "manifest")) : NULL;
        int rc = 1;
        if (!o || (!json_is_array(list) && !mkey)) {
                rc = kco_err_set(err, KCO_ERR_DATA, 0, "unreadable commit metadata: %.200s", metadata);
        } else if (list) {
                if (kco_commit_list_parse(list, p, n))
                        rc = kco_err_set(err, KCO_ERR_DATA, 0, "unreadable commit metadata: %.200s", metadata);
        } else {
                kco_buf_t b;
                kco_buf_init(&b);
                int g = kco_store_get(st, mkey, &b, err);
                json_t *m = g == 1 ? json_loadb(b.data ? b.data : "", b.len, 0, &je) : NULL;
                json_t *ml = m ? json_object_get(m, "pending") : NULL;
                if (g < 0)
                        rc = -1;
                else if (g == 0)
                        rc = kco_err_set(err, KCO_ERR_IO, 0, "the committed offset names manifest %s, which does not "
                                         "exist",
                                         mkey);
                else if (!json_is_array(ml) || kco_commit_list_parse(ml, p, n))
                        rc = kco_err_set(err, KCO_ERR_DATA, 0, "manifest %s is unreadable", mkey);
                else
                        *manifest = kco_strdup(mkey);
                json_decref(m);
                kco_buf_free(&b);
        }
        json_decref(o);
        return rc;
}

static int kco_commit_put(kco_store_t *st, const char *key, const char *text, kco_err_t *err) {
        kco_upload_t *up = kco_store_open(st, key, err);
        if (!up)
                return -1;
        if (kco_upload_write(up, text, strlen(text), err)) {
                kco_upload_abort(up);
                return -1;
        }
        return kco_upload_commit(up, err);
}

static void kco_commit_cancel_all(kco_store_t *st, const kco_pending_t *p, size_t n) {
        for (size_t i = 0; i < n; i++) {
                kco_err_t e;
                kco_err_clear(&e);
                if (kco_store_cancel(st, p[i].key, p[i].token, &e))
                        kco_warn("commit", "%s; a later start sweeps it", e.msg);
        }
}

static int kco_commit_finish_all(kco_store_t *st, const kco_pending_t *p, size_t n, kco_err_t *err) {
        for (size_t i = 0; i < n; i++)
                if (kco_store_finish(st, p[i].key, p[i].token, err))
                        return -1;
        return 0;
}

/* An item's metadata: the list inline, or the name of a manifest object holding it (written here). NULL with
 * it->err on error (its files cancelled). */
static char *kco_commit_meta(kco_store_t *st, const kco_conf_t *conf, kco_commit_item_t *it) {
        char *list = kco_commit_list_json(it->p, it->n);
        if (strlen(list) <= KCO_COMMIT_META_MAX)
                return list;
        char *mkey = kco_commit_manifest_key(conf, it->topic, it->partition, it->next_offset);
        if (kco_commit_put(st, mkey, list, &it->err)) {
                kco_commit_cancel_all(st, it->p, it->n);
                it->err.retriable = 1;
                free(mkey);
                free(list);
                return NULL;
        }
        free(list);
        json_t *o = json_pack("{s:i,s:s}", "kco", 1, "manifest", mkey);
        char *meta = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        it->manifest = mkey;
        return meta;
}

/* The commit of it failed or its answer was lost: what did Kafka keep? 0 when it holds meta after all. */
static int kco_commit_resolve(kco_store_t *st, const kco_commit_kafka_t *k, kco_commit_item_t *it, const char *meta) {
        int64_t off = -1;
        char *got = NULL;
        kco_err_t e2;
        kco_err_clear(&e2);
        int rc = -1;
        if (k->committed(k->opaque, it->topic, it->partition, &off, &got, &e2)) {
                kco_err_t first = it->err; /* not formatted into itself */
                kco_err_set(&it->err, KCO_ERR_KAFKA, 0,
                            "%s-%d: the offset commit naming %zu prepared file%s failed (%s) and the committed offset "
                            "cannot be read (%s); the partition's next owner decides",
                            it->topic, (int)it->partition, it->n, it->n == 1 ? "" : "s", first.msg, e2.msg);
        } else if (off == it->next_offset && got && !strcmp(got, meta)) {
                kco_err_clear(&it->err); /* it was committed */
                rc = 0;
        } else {
                kco_commit_cancel_all(st, it->p, it->n);
                if (it->manifest) {
                        kco_store_remove(st, it->manifest, &e2);
                        free(it->manifest);
                        it->manifest = NULL;
                }
                it->err.retriable = 1;
        }
        free(got);
        return rc;
}

size_t kco_commit_pending_many(kco_store_t *st, const kco_conf_t *conf, const kco_commit_kafka_t *k,
                               kco_commit_item_t *items, size_t n) {
        char **meta = kco_calloc(n + 1, sizeof(*meta));
        kco_commit_offset_t *o = kco_calloc(n + 1, sizeof(*o));
        kco_err_t *errs = kco_calloc(n + 1, sizeof(*errs));
        size_t *idx = kco_calloc(n + 1, sizeof(*idx)), no = 0, failed = 0;
        for (size_t i = 0; i < n; i++) {
                kco_commit_item_t *it = &items[i];
                it->manifest = NULL;
                kco_err_clear(&it->err);
                if (!(meta[i] = kco_commit_meta(st, conf, it)))
                        continue;
                o[no] = (kco_commit_offset_t){it->topic, it->partition, it->next_offset, meta[i]};
                idx[no++] = i;
        }
        /* phase two: one request names every item's files */
        if (no)
                k->commit(k->opaque, o, no, errs);
        size_t ndone = 0;
        for (size_t j = 0; j < no; j++) {
                kco_commit_item_t *it = &items[idx[j]];
                if (errs[j].code != KCO_OK) {
                        it->err = errs[j];
                        if (kco_commit_resolve(st, k, it, meta[idx[j]]))
                                continue;
                }
                /* phase three */
                if (kco_commit_finish_all(st, it->p, it->n, &it->err)) {
                        kco_err_t e = it->err;
                        kco_err_set(&it->err, e.code, 0, "%s-%d: offset %" PRId64 " is committed but its files "
                                    "cannot be made visible (%s); the partition's next owner finishes them",
                                    it->topic, (int)it->partition, it->next_offset, e.msg);
                        continue;
                }
                o[ndone] = (kco_commit_offset_t){it->topic, it->partition, it->next_offset, NULL};
                idx[ndone++] = idx[j];
        }
        /* done: the same offsets again without metadata, so that no later owner finishes these again; a manifest
         * goes once nothing names it */
        if (ndone)
                k->commit(k->opaque, o, ndone, errs);
        for (size_t j = 0; j < ndone; j++) {
                kco_commit_item_t *it = &items[idx[j]];
                kco_err_t e2;
                if (errs[j].code != KCO_OK)
                        kco_debug("commit", "%s (the next commit clears the metadata)", errs[j].msg);
                else if (it->manifest && !kco_store_remove(st, it->manifest, &e2)) {
                        free(it->manifest);
                        it->manifest = NULL;
                }
        }
        for (size_t i = 0; i < n; i++) {
                if (items[i].err.code != KCO_OK) {
                        failed++;
                        free(items[i].manifest);
                        items[i].manifest = NULL;
                }
                free(meta[i]);
        }
        free(meta);
        free(o);
        free(errs);
        free(idx);
        return failed;
}

int kco_commit_pending(kco_store_t *st, const kco_conf_t *conf, const kco_commit_kafka_t *k, const char *topic,
                       int32_t partition, int64_t next_offset, const kco_pending_t *p, size_t n, char **manifest,
                       kco_err_t *err) {
        kco_commit_item_t it = {topic, partition, next_offset, p, n, NULL, {KCO_OK, 0, ""}};
        size_t failed = kco_commit_pending_many(st, conf, k, &it, 1);
        *manifest = it.manifest;
        if (failed)
                *err = it.err;
        return failed ? -1 : 0;
}

typedef struct kco_commit_sweep_s {
        const kco_conf_t *conf;
        const char *topic;
        const int32_t *partitions;
        size_t nparts;
        const kco_pending_t *p; /* the pending files of all of them */
        size_t n;
} kco_commit_sweep_t;

/* Whether the upload (key, id) is a leftover of one of the partitions: its object is named
 * <topic><file.delim><partition><file.delim>..., and no committed offset names it (a pending file's token starts
 * with id, then ends or goes on with ';'). */
static int kco_commit_discard(void *opaque, const char *key, const char *id) {
        const kco_commit_sweep_t *sw = opaque;
        const char *dd = sw->conf->directory_delim, *fd = sw->conf->file_delim;
        const char *obj = key, *q;
        while ((q = strstr(obj, dd)))
                obj = q + strlen(dd);
        size_t tl = strlen(sw->topic), fl = strlen(fd);
        if (strncmp(obj, sw->topic, tl) || strncmp(obj + tl, fd, fl))
                return 0;
        char *end;
        long part = strtol(obj + tl + fl, &end, 10);
        if (end == obj + tl + fl || strncmp(end, fd, fl))
                return 0;
        size_t i;
        for (i = 0; i < sw->nparts && sw->partitions[i] != part; i++)
                ;
        if (i == sw->nparts)
                return 0;
        size_t il = strlen(id);
        for (i = 0; i < sw->n; i++)
                if (!strcmp(sw->p[i].key, key) && !strncmp(sw->p[i].token, id, il) &&
                    (sw->p[i].token[il] == '\0' || sw->p[i].token[il] == ';'))
                        return 0;
        return 1;
}

typedef struct kco_commit_manifests_s {
        kco_store_t *st;
        const char *keep;
        int removed;
} kco_commit_manifests_t;

static int kco_commit_manifest_sweep(void *opaque, const char *key, int64_t size) {
        (void)size;
        kco_commit_manifests_t *m = opaque;
        kco_err_t e;
        if ((!m->keep || strcmp(key, m->keep)) && !kco_store_remove(m->st, key, &e))
                m->removed++;
        return 0;
}

/* One partition: finishes what its committed offset names; appends those files to *all, returns its manifest. */
static int kco_commit_recover_one(kco_store_t *st, const kco_commit_kafka_t *k, const char *topic,
                                  int32_t partition, kco_pending_t **all, size_t *nall, char **manifest,
                                  kco_err_t *err) {
        int64_t off = -1;
        char *meta = NULL;
        if (k->committed(k->opaque, topic, partition, &off, &meta, err))
                return -1;
        kco_pending_t *p = NULL;
        size_t n = 0;
        int rc = kco_commit_parse(st, meta, &p, &n, manifest, err);
        free(meta);
        if (rc < 0) {
                kco_err_t e = *err;
                return kco_err_set(err, e.code, 0, "%s-%d: committed offset %" PRId64 ": %s", topic, (int)partition,
                                   off, e.msg);
        }
        if (n && kco_commit_finish_all(st, p, n, err)) {
                kco_err_t e = *err;
                kco_err_set(err, e.code, 0, "%s-%d: the committed offset %" PRId64 " names files that cannot be made "
                            "visible: %s",
                            topic, (int)partition, off, e.msg);
                rc = -1;
        } else if (n) {
                kco_info("commit", "%s-%d: finished the %zu file%s the committed offset %" PRId64 " names", topic,
                         (int)partition, n, n == 1 ? "" : "s", off);
        }
        *all = kco_realloc(*all, sizeof(**all) * (*nall + n + 1));
        if (n)
                memcpy(*all + *nall, p, n * sizeof(*p));
        *nall += n;
        free(p);
        return rc < 0 ? -1 : 0;
}

int kco_commit_recover(kco_store_t *st, const kco_commit_kafka_t *k, const char *topic, const int32_t *partitions,
                       size_t nparts, char **manifests, kco_err_t *err) {
        kco_pending_t *all = NULL;
        size_t nall = 0;
        int rc = 0;
        for (size_t i = 0; i < nparts; i++)
                manifests[i] = NULL;
        for (size_t i = 0; i < nparts && !rc; i++)
                rc = kco_commit_recover_one(st, k, topic, partitions[i], &all, &nall, &manifests[i], err);
        kco_commit_pending_free(all, nall);
        return rc;
}

void kco_commit_sweep(kco_store_t *st, const kco_conf_t *conf, const char *topic, const int32_t *partitions,
                      const char *const *keep_manifests, size_t nparts) {
        const char *dd = conf->directory_delim;
        char *prefix = *conf->topics_dir ? kco_asprintf("%s%s%s%s", conf->topics_dir, dd, topic, dd)
                                         : kco_asprintf("%s%s", topic, dd);
        kco_commit_sweep_t sw = {conf, topic, partitions, nparts, NULL, 0};
        kco_err_t e;
        kco_err_clear(&e);
        int swept = kco_store_sweep(st, prefix, kco_commit_discard, &sw, &e);
        if (swept < 0)
                kco_warn("commit", "%s: %s", topic, e.msg);
        else if (swept)
                kco_info("commit", "%s: discarded %d unfinished upload%s of earlier writers", topic, swept,
                         swept == 1 ? "" : "s");
        free(prefix);
        for (size_t i = 0; i < nparts; i++) {
                char *mprefix = kco_commit_manifest_prefix(conf, topic, partitions[i]);
                kco_commit_manifests_t ms = {st, keep_manifests ? keep_manifests[i] : NULL, 0};
                if (kco_store_list(st, mprefix, kco_commit_manifest_sweep, &ms, &e))
                        kco_warn("commit", "%s-%d: %s", topic, (int)partitions[i], e.msg);
                free(mprefix);
        }
}
