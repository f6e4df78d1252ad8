/*
 * kco_store_local.c - a local directory as an object store (storage.class=local).
 *
 * The object with key K is the file <root>/K. An upload writes a hidden temp
 * file next to its final name (".<name>.<pid>-<seq>.kco-tmp"); commit fsyncs
 * it (store.local.fsync), renames it over the final name (atomic, so a reader
 * sees the old object or the new one, never half of one) and fsyncs the
 * directory. Abort unlinks the temp file. Prepare (two-phase commit) fsyncs
 * and closes the temp file and hands out its name as the token; finish
 * renames it, cancel and sweep unlink it.
 *
 * Thread-safe: no shared mutable state except an atomic sequence number.
 * Must never: write to the final name directly.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kco_mem.h"
#include "store/kco_store.h"

typedef struct kco_store_local_s {
        kco_store_t base;
        char *root;
        int fsync;
        atomic_ulong seq;
} kco_store_local_t;

typedef struct kco_upload_local_s {
        kco_upload_t base;
        char *path;
        char *tmp;
        int fd;
} kco_upload_local_t;

/* A key is a relative path whose segments are neither empty, "." nor ".."
 * ("my..topic" is a fine topic name; "a/../b" is not a key). */
static int kco_store_local_key_ok(const char *key) {
        const char *seg = key;
        for (;;) {
                size_t n = strcspn(seg, "/");
                if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
                        return 0;
                if (!seg[n])
                        return 1;
                seg += n + 1;
        }
}

/* mkdir -p of the directory part of path (path itself is a file). */
static int kco_store_local_mkdirs(const char *path, kco_err_t *err) {
        char *p = kco_strdup(path);
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = '\0';
                if (mkdir(p, 0755) && errno != EEXIST) {
                        kco_err_set(err, KCO_ERR_IO, 0, "cannot create directory %s: %s", p, strerror(errno));
                        free(p);
                        return -1;
                }
                *s = '/';
        }
        free(p);
        return 0;
}

static kco_upload_t *kco_store_local_open(kco_store_t *st, const char *key, kco_err_t *err) {
        kco_store_local_t *ls = (kco_store_local_t *)st;
        if (!kco_store_local_key_ok(key)) {
                kco_err_set(err, KCO_ERR_DATA, 0, "object key %s would leave the store directory", key);
                return NULL;
        }
        char *path = kco_asprintf("%s/%s", ls->root, key);
        if (kco_store_local_mkdirs(path, err)) {
                free(path);
                return NULL;
        }
        const char *slash = strrchr(path, '/');
        char *tmp = kco_asprintf("%.*s/.%s.%ld-%lu.kco-tmp", (int)(slash - path), path, slash + 1, (long)getpid(),
                                 (unsigned long)atomic_fetch_add(&ls->seq, 1));
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
                kco_err_set(err, KCO_ERR_IO, errno == ENOSPC || errno == EINTR, "cannot create %s: %s", tmp,
                            strerror(errno));
                free(tmp);
                free(path);
                return NULL;
        }
        kco_upload_local_t *up = kco_calloc(1, sizeof(*up));
        up->base.store = st;
        up->path = path;
        up->tmp = tmp;
        up->fd = fd;
        return &up->base;
}

static int kco_store_local_write(kco_upload_t *u, const void *p, size_t n, kco_err_t *err) {
        kco_upload_local_t *up = (kco_upload_local_t *)u;
        const char *c = p;
        while (n) {
                ssize_t w = write(up->fd, c, n);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        return kco_err_set(err, KCO_ERR_IO, errno == ENOSPC, "cannot write %s: %s", up->tmp,
                                           strerror(errno));
                }
                c += w;
                n -= (size_t)w;
        }
        return 0;
}

static void kco_upload_local_free(kco_upload_local_t *up) {
        free(up->path);
        free(up->tmp);
        free(up);
}

static void kco_store_local_abort(kco_upload_t *u) {
        kco_upload_local_t *up = (kco_upload_local_t *)u;
        close(up->fd);
        unlink(up->tmp);
        kco_upload_local_free(up);
}

/* fsync (store.local.fsync) and close the temp file; on error it is removed. */
static int kco_store_local_seal(kco_upload_local_t *up, kco_err_t *err) {
        kco_store_local_t *ls = (kco_store_local_t *)up->base.store;
        if (ls->fsync && fsync(up->fd)) {
                kco_err_set(err, KCO_ERR_IO, 1, "cannot fsync %s: %s", up->tmp, strerror(errno));
                close(up->fd);
                unlink(up->tmp);
                return -1;
        }
        if (close(up->fd)) {
                kco_err_set(err, KCO_ERR_IO, 1, "cannot close %s: %s", up->tmp, strerror(errno));
                unlink(up->tmp);
                return -1;
        }
        return 0;
}

/* Renames tmp over path and (store.local.fsync) makes the rename durable. ENOENT leaves errno for the caller. */
static int kco_store_local_publish(kco_store_local_t *ls, const char *tmp, const char *path, kco_err_t *err) {
        if (rename(tmp, path))
                return kco_err_set(err, KCO_ERR_IO, 1, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        if (!ls->fsync)
                return 0;
        char *dir = kco_strndup(path, (size_t)(strrchr(path, '/') - path));
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int rc = dfd < 0 ? -1 : fsync(dfd);
        if (dfd >= 0)
                close(dfd);
        if (rc)
                kco_err_set(err, KCO_ERR_IO, 1, "cannot fsync directory %s: %s", dir, strerror(errno));
        free(dir);
        return rc ? -1 : 0;
}

static int kco_store_local_commit(kco_upload_t *u, kco_err_t *err) {
        kco_upload_local_t *up = (kco_upload_local_t *)u;
        int rc = kco_store_local_seal(up, err);
        if (!rc && (rc = kco_store_local_publish((kco_store_local_t *)u->store, up->tmp, up->path, err)))
                unlink(up->tmp);
        kco_upload_local_free(up);
        return rc;
}

/* ---- two-phase commit: the token is the temp file's name, next to the key's ---- */

static char *kco_store_local_prepare(kco_upload_t *u, kco_err_t *err) {
        kco_upload_local_t *up = (kco_upload_local_t *)u;
        char *token = NULL;
        if (!kco_store_local_seal(up, err))
                token = kco_strdup(strrchr(up->tmp, '/') + 1);
        kco_upload_local_free(up);
        return token;
}

static int kco_store_local_is_tmp(const char *name) {
        size_t n = strlen(name);
        return name[0] == '.' && n > 9 && !strcmp(name + n - 8, ".kco-tmp");
}

/* The temp file a token names (NULL with err for a token that is not one of ours). */
static char *kco_store_local_token_path(kco_store_local_t *ls, const char *key, const char *token, kco_err_t *err) {
        if (!kco_store_local_key_ok(key) || strchr(token, '/') || !kco_store_local_is_tmp(token)) {
                kco_err_set(err, KCO_ERR_DATA, 0, "pending object %s: invalid token %s", key, token);
                return NULL;
        }
        const char *slash = strrchr(key, '/');
        return slash ? kco_asprintf("%s/%.*s/%s", ls->root, (int)(slash - key), key, token)
                     : kco_asprintf("%s/%s", ls->root, token);
}

static int kco_store_local_finish(kco_store_t *st, const char *key, const char *token, kco_err_t *err) {
        kco_store_local_t *ls = (kco_store_local_t *)st;
        char *tmp = kco_store_local_token_path(ls, key, token, err);
        if (!tmp)
                return -1;
        char *path = kco_asprintf("%s/%s", ls->root, key);
        int rc = kco_store_local_publish(ls, tmp, path, err);
        if (rc && errno == ENOENT) {
                struct stat sb;
                rc = !stat(path, &sb) && S_ISREG(sb.st_mode)
                             ? 0 /* finished before */
                             : kco_err_set(err, KCO_ERR_IO, 0, "pending object %s is lost: neither %s nor the object "
                                           "exists",
                                           key, token);
        }
        free(path);
        free(tmp);
        return rc;
}

static int kco_store_local_cancel(kco_store_t *st, const char *key, const char *token, kco_err_t *err) {
        char *tmp = kco_store_local_token_path((kco_store_local_t *)st, key, token, err);
        if (!tmp)
                return -1;
        int rc = unlink(tmp) && errno != ENOENT
                         ? kco_err_set(err, KCO_ERR_IO, 1, "cannot delete %s: %s", tmp, strerror(errno))
                         : 0;
        free(tmp);
        return rc;
}

static int kco_store_local_get(kco_store_t *st, const char *key, kco_buf_t *out, kco_err_t *err) {
        kco_store_local_t *ls = (kco_store_local_t *)st;
        if (!kco_store_local_key_ok(key))
                return kco_err_set(err, KCO_ERR_DATA, 0, "object key %s would leave the store directory", key);
        char *path = kco_asprintf("%s/%s", ls->root, key);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        int rc = 1;
        if (fd < 0) {
                rc = errno == ENOENT ? 0 : kco_err_set(err, KCO_ERR_IO, 1, "cannot open %s: %s", path, strerror(errno));
        } else {
                for (;;) {
                        kco_buf_reserve(out, 64 * 1024);
                        ssize_t r = read(fd, out->data + out->len, out->cap - out->len);
                        if (r < 0 && errno == EINTR)
                                continue;
                        if (r < 0) {
                                rc = kco_err_set(err, KCO_ERR_IO, 1, "cannot read %s: %s", path, strerror(errno));
                                break;
                        }
                        if (r == 0)
                                break;
                        out->len += (size_t)r;
                }
                close(fd);
        }
        free(path);
        return rc;
}

typedef struct kco_local_sweep_s {
        const char *root;
        int (*discard)(void *, const char *, const char *);
        void *opaque;
        int removed;
} kco_local_sweep_t;

/* Temp files below rel (".<object>.<pid>-<seq>.kco-tmp"). */
static void kco_store_local_sweep_dir(kco_local_sweep_t *sw, const char *rel) {
        char *dir = *rel ? kco_asprintf("%s/%s", sw->root, rel) : kco_strdup(sw->root);
        DIR *d = opendir(dir);
        if (!d) {
                free(dir);
                return;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
                const char *n = e->d_name;
                if (!strcmp(n, ".") || !strcmp(n, ".."))
                        continue;
                char *full = kco_asprintf("%s/%s", dir, n);
                struct stat sb;
                if (lstat(full, &sb)) {
                        free(full);
                        continue;
                }
                if (S_ISDIR(sb.st_mode) && n[0] != '.') {
                        char *sub = *rel ? kco_asprintf("%s/%s", rel, n) : kco_strdup(n);
                        kco_store_local_sweep_dir(sw, sub);
                        free(sub);
                } else if (S_ISREG(sb.st_mode) && kco_store_local_is_tmp(n)) {
                        /* the object's name: without the dot, ".kco-tmp" and ".<pid>-<seq>" */
                        char *obj = kco_strndup(n + 1, strlen(n) - 9);
                        char *dot = strrchr(obj, '.');
                        if (dot)
                                *dot = '\0';
                        char *key = *rel ? kco_asprintf("%s/%s", rel, obj) : kco_strdup(obj);
                        if (sw->discard(sw->opaque, key, n) && !unlink(full))
                                sw->removed++;
                        free(key);
                        free(obj);
                }
                free(full);
        }
        closedir(d);
        free(dir);
}

static int kco_store_local_sweep(kco_store_t *st, const char *prefix,
                                 int (*discard)(void *, const char *, const char *), void *opaque, kco_err_t *err) {
        (void)err;
        kco_store_local_t *ls = (kco_store_local_t *)st;
        kco_local_sweep_t sw = {ls->root, discard, opaque, 0};
        const char *slash = strrchr(prefix, '/');
        char *start = slash ? kco_strndup(prefix, (size_t)(slash - prefix)) : kco_strdup("");
        kco_store_local_sweep_dir(&sw, start);
        free(start);
        return sw.removed;
}

static int kco_store_local_head(kco_store_t *st, const char *key, int64_t *size, kco_err_t *err) {
        kco_store_local_t *ls = (kco_store_local_t *)st;
        char *path = kco_asprintf("%s/%s", ls->root, key);
        struct stat sb;
        int rc = stat(path, &sb);
        int e = errno;
        free(path);
        if (!rc && S_ISREG(sb.st_mode)) {
                *size = (int64_t)sb.st_size;
                return 1;
        }
        if (!rc || e == ENOENT || e == ENOTDIR)
                return 0;
        return kco_err_set(err, KCO_ERR_IO, 0, "cannot stat %s: %s", key, strerror(e));
}

static int kco_store_local_cmp(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the keys (relative paths) of regular files below dir. */
static void kco_store_local_walk(const char *root, const char *rel, char ***keys, size_t *n) {
        char *dir = *rel ? kco_asprintf("%s/%s", root, rel) : kco_strdup(root);
        DIR *d = opendir(dir);
        free(dir);
        if (!d)
                return;
        struct dirent *e;
        while ((e = readdir(d))) {
                if (e->d_name[0] == '.') /* ".", "..", and our hidden temp files */
                        continue;
                char *k = *rel ? kco_asprintf("%s/%s", rel, e->d_name) : kco_strdup(e->d_name);
                char *full = kco_asprintf("%s/%s", root, k);
                struct stat sb;
                if (!lstat(full, &sb) && S_ISDIR(sb.st_mode)) {
                        kco_store_local_walk(root, k, keys, n);
                        free(k);
                } else if (S_ISREG(sb.st_mode)) {
                        *keys = kco_realloc(*keys, sizeof(**keys) * (*n + 1));
                        (*keys)[(*n)++] = k;
                } else {
                        free(k);
                }
                free(full);
        }
        closedir(d);
}

static int kco_store_local_list(kco_store_t *st, const char *prefix, int (*cb)(void *, const char *, int64_t),
                                void *opaque, kco_err_t *err) {
        (void)err;
        kco_store_local_t *ls = (kco_store_local_t *)st;
        /* walk from the deepest directory the prefix names */
        const char *slash = strrchr(prefix, '/');
        char *start = slash ? kco_strndup(prefix, (size_t)(slash - prefix)) : kco_strdup("");
        char **keys = NULL;
        size_t n = 0;
        kco_store_local_walk(ls->root, start, &keys, &n);
        free(start);
        if (n)
                qsort(keys, n, sizeof(*keys), kco_store_local_cmp);
        int stop = 0;
        for (size_t i = 0; i < n; i++) {
                int64_t size;
                kco_err_t ignored;
                if (!stop && !strncmp(keys[i], prefix, strlen(prefix)) &&
                    kco_store_local_head(st, keys[i], &size, &ignored) == 1)
                        stop = cb(opaque, keys[i], size);
                free(keys[i]);
        }
        free(keys);
        return 0;
}

static int kco_store_local_remove(kco_store_t *st, const char *key, kco_err_t *err) {
        kco_store_local_t *ls = (kco_store_local_t *)st;
        char *path = kco_asprintf("%s/%s", ls->root, key);
        int rc = unlink(path) && errno != ENOENT ? kco_err_set(err, KCO_ERR_IO, 0, "cannot delete %s: %s", key,
                                                                strerror(errno))
                                                  : 0;
        free(path);
        return rc;
}

static void kco_store_local_destroy(kco_store_t *st) {
        kco_store_local_t *ls = (kco_store_local_t *)st;
        free(ls->root);
        free(ls);
}

static const kco_store_ops_t kco_store_local_ops = {
        "local",
        kco_store_local_open,
        kco_store_local_write,
        kco_store_local_commit,
        kco_store_local_abort,
        kco_store_local_head,
        kco_store_local_list,
        kco_store_local_remove,
        kco_store_local_prepare,
        kco_store_local_finish,
        kco_store_local_cancel,
        kco_store_local_get,
        kco_store_local_sweep,
        NULL,
        kco_store_local_destroy,
        NULL,
};

kco_store_t *kco_store_local_new(const kco_conf_t *conf, kco_err_t *err) {
        const char *url = conf->store_url;
        if (strncmp(url, "file:///", 8)) {
                kco_err_set(err, KCO_ERR_CONFIG, 0, "store.url = \"%s\": expected file:///absolute/dir", url);
                return NULL;
        }
        const char *dir = url + 7;
        size_t n = strlen(dir);
        while (n > 1 && dir[n - 1] == '/')
                n--;
        kco_store_local_t *ls = kco_calloc(1, sizeof(*ls));
        ls->base.ops = &kco_store_local_ops;
        ls->root = kco_strndup(dir, n);
        ls->fsync = conf->local_fsync;
        char *probe = kco_asprintf("%s/x", ls->root);
        int rc = kco_store_local_mkdirs(probe, err);
        free(probe);
        if (rc || access(ls->root, W_OK)) {
                if (!rc)
                        kco_err_set(err, KCO_ERR_CONFIG, 0, "store.url: directory %s is not writable: %s", ls->root,
                                    strerror(errno));
                kco_store_local_destroy(&ls->base);
                return NULL;
        }
        return &ls->base;
}
