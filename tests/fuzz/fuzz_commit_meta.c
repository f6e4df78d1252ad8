/*
 * fuzz_commit_meta.c - libFuzzer target for the two-phase commit's metadata
 * reader (kco_commit_parse): what another owner of a partition committed with
 * its offset, inline or naming a manifest object, read from a local store in
 * a temporary directory that holds one valid and one broken manifest.
 *
 * Owns: the store (created once, kept for the process). Single-threaded
 * (libFuzzer's). Must never: crash, leak, or report success with an entry
 * missing its key or token; an error must say why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commit/kco_commit.h"
#include "core/kco_mem.h"
#include "store/kco_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kco_store_t *fuzz_store;
static kco_conf_t *fuzz_conf;

static void fuzz_put(const char *key, const char *text) {
        kco_err_t err;
        kco_upload_t *up = kco_store_open(fuzz_store, key, &err);
        if (!up || kco_upload_write(up, text, strlen(text), &err) || kco_upload_commit(up, &err))
                abort();
}

static void fuzz_setup(void) {
        static char dir[] = "/tmp/kco-fuzz-commit-XXXXXX";
        if (!mkdtemp(dir))
                abort();
        char *text = kco_asprintf("name=f\ntopics=t\nformat.class=json\nstorage.class=local\nstore.url=file://%s\n"
                                  "value.converter=string\n",
                                  dir);
        kco_props_t *p = kco_props_new();
        char e[256];
        if (kco_props_parse(p, text, strlen(text), "fuzz", e, sizeof(e)))
                abort();
        kco_conf_errs_t errs;
        kco_conf_errs_init(&errs);
        fuzz_conf = kco_conf_new(NULL, p, &errs);
        kco_err_t err;
        fuzz_store = fuzz_conf ? kco_store_new(fuzz_conf, &err) : NULL;
        if (!fuzz_store)
                abort();
        kco_conf_errs_free(&errs);
        kco_props_destroy(p);
        free(text);
        fuzz_put(".kco-pending/m1.json", "{\"kco\":1,\"pending\":[[\"a/b.json\",\".b.json.1-2.kco-tmp\"]]}");
        fuzz_put(".kco-pending/m2.json", "{\"kco\":1,\"pending\":[[\"a\",2]]}");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (!fuzz_store)
                fuzz_setup();
        char *meta = kco_strndup((const char *)data, size);
        kco_pending_t *p = NULL;
        size_t n = 0;
        char *manifest = NULL;
        kco_err_t err;
        kco_err_clear(&err);
        int rc = kco_commit_parse(fuzz_store, meta, &p, &n, &manifest, &err);
        if (rc == 1) {
                for (size_t i = 0; i < n; i++)
                        if (!p[i].key || !p[i].token)
                                abort();
        } else if (rc == -1) {
                if (!err.msg[0])
                        abort();
        } else if (rc != 0 || p || n || manifest) {
                abort();
        }
        kco_commit_pending_free(p, n);
        free(manifest);
        free(meta);
        return 0;
}
