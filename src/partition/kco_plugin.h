/*
 * kco_plugin.h - the host side of custom partitioners: a shared library
 * named by partitioner.class=/abs/path/libmine.so that exports the table of
 * kco_partitioner_plugin.h (the contract plugins are written against).
 *
 * Owns: the library handle and one plugin state (one per task). Threads:
 * kco_plugin_open / kco_plugin_close on the thread that starts the task,
 * kco_plugin_encode on that task's thread only. Must never: call into the
 * plugin after kco_plugin_close, unload the library while its state is
 * alive, or trust what the plugin returns without checking it (every
 * encoded partition is bounded and checked to be a sane object key part).
 */
#ifndef KCO_PLUGIN_H
#define KCO_PLUGIN_H

#include "core/kco_buf.h"
#include "core/kco_err.h"
#include "record/kco_record.h"
#include "worker/kco_props.h"

typedef struct kco_plugin_s kco_plugin_t;

/* Loads the plugin at path (absolute) and creates its state from every key/value of config (NULL: none).
 * NULL with KCO_ERR_CONFIG naming the path and the reason: not absolute, cannot be loaded, no
 * kco_partitioner_plugin symbol, another ABI, an incomplete table, or the plugin's own refusal. */
kco_plugin_t *kco_plugin_open(const char *path, const kco_props_t *config, kco_err_t *err);
/* Destroys the state, then unloads the library. NULL is a no-op. */
void kco_plugin_close(kco_plugin_t *p);

/* The plugin's name (for logs and errors); valid until kco_plugin_close. */
const char *kco_plugin_name(const kco_plugin_t *p);

/* Appends the encoded partition of rec to out. KCO_ERR_DATA "<name>: <reason>" when the plugin refuses the
 * record or returns something that cannot be part of an object key (empty, longer than 1023 bytes, a leading
 * or trailing '/', "//", "..", a NUL or another control character); out is then unchanged. */
int kco_plugin_encode(kco_plugin_t *p, const kco_record_t *rec, kco_buf_t *out, kco_err_t *err);

#endif
