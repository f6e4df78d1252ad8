/*
 * kco_err.h - the error object every layer returns: a code, whether retrying
 * may help, and a message naming what failed (key, topic/partition/offset).
 *
 * Owns: nothing beyond its fixed message buffer. Any thread; stack-allocated.
 * Must never: carry a secret in msg.
 */
#ifndef KCO_ERR_H
#define KCO_ERR_H

#include <stdarg.h>
#include <stdio.h>

typedef enum {
        KCO_OK = 0,
        KCO_ERR_IO,     /* store / file system */
        KCO_ERR_DATA,   /* a record that cannot be written */
        KCO_ERR_CONFIG, /* bad configuration */
        KCO_ERR_KAFKA,  /* broker / client */
} kco_err_code_t;

typedef struct kco_err_s {
        kco_err_code_t code;
        int retriable;
        char msg[512];
} kco_err_t;

static inline void kco_err_clear(kco_err_t *e) {
        e->code = KCO_OK;
        e->retriable = 0;
        e->msg[0] = '\0';
}

__attribute__((format(printf, 4, 5))) static inline int kco_err_set(kco_err_t *e, kco_err_code_t code,
                                                                      int retriable, const char *fmt, ...) {
        va_list ap;
        e->code = code;
        e->retriable = retriable;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        va_end(ap);
        return -1;
}

#endif
