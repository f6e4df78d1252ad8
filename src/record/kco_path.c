/*
 * kco_path.c - rendering value paths into data error messages (see
 * kco_path.h). Map keys are shown up to 64 bytes.
 */
#include "record/kco_path.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/kco_buf.h"

static void kco_path_render(const kco_path_t *p, kco_buf_t *out) {
        if (!p) {
                kco_buf_puts(out, "value");
                return;
        }
        kco_path_render(p->up, out);
        if (p->field) {
                kco_buf_putc(out, '.');
                kco_buf_puts(out, p->field);
        } else if (p->key) {
                kco_buf_puts(out, "[\"");
                kco_buf_append(out, p->key, p->keylen < 64 ? p->keylen : 64);
                kco_buf_puts(out, "\"]");
        } else {
                char n[32];
                snprintf(n, sizeof(n), "[%zu]", p->index);
                kco_buf_puts(out, n);
        }
}

int kco_path_error(kco_err_t *err, const char *who, const kco_path_t *p, const char *fmt, ...) {
        kco_buf_t where;
        kco_buf_init(&where);
        kco_path_render(p, &where);
        char what[300];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        kco_err_set(err, KCO_ERR_DATA, 0, "%s: %s: %s", who, kco_buf_cstr(&where), what);
        kco_buf_free(&where);
        return -1;
}
