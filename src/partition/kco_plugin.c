/*
 * kco_plugin.c - custom partitioners loaded with dlopen (see kco_plugin.h
 * and the contract, kco_partitioner_plugin.h).
 *
 * Owns: the dlopen handle, the plugin's state and a copy of its name.
 * Threads: open / close on the thread that starts the task, encode on the
 * task's thread (one state per task, so no locking). The library is loaded
 * RTLD_NOW (a missing symbol fails at start, not on the first record) and
 * RTLD_LOCAL (plugins cannot see each other's symbols).
 *
 * Must never: call the plugin after close or unload it while its state is
 * alive (close destroys first, then dlclose); let the plugin write past the
 * buffers it is given (sizes are passed, results bounded and NUL-terminated
 * here again); trust its output unchecked: an encoded partition becomes
 * part of an object key, so an empty one, a leading or trailing '/', "//",
 * "..", a NUL or a control character is refused as a data error.
 */
#include "partition/kco_plugin.h"

#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/kco_mem.h"
#include "partition/kco_partitioner_plugin.h"
#include "record/kco_value.h"

#define KCO_PLUGIN_OUT_CAP 1024
#define KCO_PLUGIN_ERR_CAP 256

struct kco_plugin_s {
        void *handle;
        const kco_partitioner_plugin_t *table;
        void *state;
        char *name;
};

/* ---- what the host offers the plugin: hctx is the kco_record_t being encoded ---- */

static int kco_plugin_field_text(const void *hctx, const char *path, char *buf, size_t cap, size_t *len) {
        const kco_record_t *rec = hctx;
        char why[64], num[24];
        const char *s;
        size_t n;
        if (!buf || !cap)
                return -1;
        buf[0] = '\0';
        if (!rec || !path || rec->value.type != KCO_DATA_VALUE || !rec->value.v)
                return -1;
        const kco_value_t *v = kco_value_lookup(rec->value.v, path, why, sizeof(why));
        if (!v)
                return -1;
        switch (v->type) {
        case KCO_TYPE_INT8:
        case KCO_TYPE_INT16:
        case KCO_TYPE_INT32:
        case KCO_TYPE_INT64:
                n = (size_t)snprintf(num, sizeof(num), "%" PRId64, v->u.i);
                s = num;
                break;
        case KCO_TYPE_BOOLEAN:
                s = v->u.i ? "true" : "false";
                n = strlen(s);
                break;
        case KCO_TYPE_STRING:
                s = v->u.s.ptr;
                n = v->u.s.len;
                break;
        default:
                return -1;
        }
        if (n >= cap)
                return -1;
        if (n)
                memcpy(buf, s, n);
        buf[n] = '\0';
        if (len)
                *len = n;
        return 0;
}

static const kco_plugin_host_t kco_plugin_host = {
        .field_text = kco_plugin_field_text,
};

/* ---- loading ---- */

static kco_plugin_t *kco_plugin_fail(kco_plugin_t *p, const char *path, const char *why, kco_err_t *err) {
        kco_err_set(err, KCO_ERR_CONFIG, 0, "partitioner.class %s: %s", path, why);
        if (p) {
                if (p->handle)
                        dlclose(p->handle);
                free(p->name);
                free(p);
        }
        return NULL;
}

kco_plugin_t *kco_plugin_open(const char *path, const kco_props_t *config, kco_err_t *err) {
        char why[KCO_PLUGIN_ERR_CAP + 64];
        if (!path || path[0] != '/') {
                kco_err_set(err, KCO_ERR_CONFIG, 0, "partitioner.class: a plugin path must be absolute: %s",
                            path ? path : "(none)");
                return NULL;
        }
        kco_plugin_t *p = kco_calloc(1, sizeof(*p));
        dlerror();
        p->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!p->handle) {
                const char *e = dlerror();
                snprintf(why, sizeof(why), "cannot load: %s", e ? e : "dlopen failed");
                return kco_plugin_fail(p, path, why, err);
        }
        dlerror();
        void *sym = dlsym(p->handle, KCO_PARTITIONER_PLUGIN_SYMBOL);
        if (!sym || dlerror())
                return kco_plugin_fail(p, path, "does not export " KCO_PARTITIONER_PLUGIN_SYMBOL, err);
        kco_partitioner_plugin_fn fn;
        memcpy(&fn, &sym, sizeof(fn)); /* object pointer -> function pointer, as POSIX allows */
        const kco_partitioner_plugin_t *t = fn();
        if (!t)
                return kco_plugin_fail(p, path, KCO_PARTITIONER_PLUGIN_SYMBOL "() returned no table", err);
        if (t->abi != KCO_PARTITIONER_PLUGIN_ABI) {
                snprintf(why, sizeof(why), "ABI %d, this program speaks %d", t->abi, KCO_PARTITIONER_PLUGIN_ABI);
                return kco_plugin_fail(p, path, why, err);
        }
        if (!t->create || !t->encode)
                return kco_plugin_fail(p, path, "its table lacks create or encode", err);
        p->table = t;
        p->name = kco_strdup(t->name && t->name[0] ? t->name : path);

        size_t n = config ? kco_props_count(config) : 0;
        const char **keys = kco_calloc(n ? n : 1, sizeof(*keys));
        const char **values = kco_calloc(n ? n : 1, sizeof(*values));
        for (size_t i = 0; i < n; i++) {
                keys[i] = kco_props_key(config, i);
                values[i] = kco_props_value(config, i);
        }
        char msg[KCO_PLUGIN_ERR_CAP] = "";
        p->state = t->create(keys, values, n, msg, sizeof(msg));
        msg[sizeof(msg) - 1] = '\0';
        free(keys);
        free(values);
        if (!p->state) {
                snprintf(why, sizeof(why), "%s refused the configuration: %s", p->name,
                         msg[0] ? msg : "(no reason given)");
                return kco_plugin_fail(p, path, why, err);
        }
        return p;
}

void kco_plugin_close(kco_plugin_t *p) {
        if (!p)
                return;
        if (p->state && p->table->destroy)
                p->table->destroy(p->state);
        p->state = NULL;
        dlclose(p->handle);
        free(p->name);
        free(p);
}

const char *kco_plugin_name(const kco_plugin_t *p) {
        return p->name;
}

/* ---- encoding ---- */

/* s[0..n) for a message: at most 120 bytes, bytes outside printable ASCII as \xNN. */
static void kco_plugin_quote(const char *s, size_t n, char *q, size_t cap) {
        static const char hex[] = "0123456789abcdef";
        size_t j = 0;
        for (size_t i = 0; i < n && i < 120 && j + 5 < cap; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c >= 0x20 && c < 0x7f && c != '\\') {
                        q[j++] = (char)c;
                } else {
                        q[j++] = '\\';
                        q[j++] = 'x';
                        q[j++] = hex[c >> 4];
                        q[j++] = hex[c & 15];
                }
        }
        if (n > 120 && j + 4 < cap) {
                memcpy(q + j, "...", 3);
                j += 3;
        }
        q[j] = '\0';
}

/* Why s[0..n) cannot be part of an object key, or NULL when it can. */
static const char *kco_plugin_insane(const char *s, size_t n) {
        if (!n)
                return "it is empty";
        if (s[0] == '/' || s[n - 1] == '/')
                return "it starts or ends with '/'";
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                if (!c)
                        return "it contains a NUL";
                if (c < 0x20 || c == 0x7f)
                        return "it contains a control character";
                if (i + 1 < n && c == '/' && s[i + 1] == '/')
                        return "it contains \"//\"";
                if (i + 1 < n && c == '.' && s[i + 1] == '.')
                        return "it contains \"..\"";
        }
        return NULL;
}

int kco_plugin_encode(kco_plugin_t *p, const kco_record_t *rec, kco_buf_t *out, kco_err_t *err) {
        kco_plugin_record_t r = {
                .topic = rec->topic,
                .partition = rec->partition,
                .offset = rec->offset,
                .timestamp = rec->timestamp,
                .key = rec->raw_key,
                .key_len = rec->raw_key ? rec->raw_key_len : 0,
                .value = rec->raw_value,
                .value_len = rec->raw_value ? rec->raw_value_len : 0,
                .host = &kco_plugin_host,
                .hctx = rec,
        };
        char enc[KCO_PLUGIN_OUT_CAP], msg[KCO_PLUGIN_ERR_CAP], q[512];
        memset(enc, 0, sizeof(enc)); /* what the plugin leaves unwritten reads as NUL, and is refused */
        msg[0] = '\0';
        int n = p->table->encode(p->state, &r, enc, sizeof(enc), msg, sizeof(msg));
        enc[sizeof(enc) - 1] = '\0';
        msg[sizeof(msg) - 1] = '\0';
        if (n < 0)
                return kco_err_set(err, KCO_ERR_DATA, 0, "%s: %s", p->name, msg[0] ? msg : "(no reason given)");
        if ((size_t)n >= sizeof(enc))
                return kco_err_set(err, KCO_ERR_DATA, 0, "%s: encoded partition longer than %zu bytes", p->name,
                                   sizeof(enc) - 1);
        const char *why = kco_plugin_insane(enc, (size_t)n);
        if (why) {
                kco_plugin_quote(enc, (size_t)n, q, sizeof(q));
                return kco_err_set(err, KCO_ERR_DATA, 0, "%s: encoded partition \"%s\" refused: %s", p->name, q,
                                   why);
        }
        kco_buf_append(out, enc, (size_t)n);
        return 0;
}
