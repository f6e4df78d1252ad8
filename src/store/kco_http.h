/*
 * kco_http.h - the HTTP transport of the object stores: one thread per store
 * drives every request through libcurl's multi interface (keep-alive
 * connections, several transfers in flight), re-signing and retrying each
 * request with bounded exponential backoff and jitter when the failure is
 * transient (5xx, 429, SlowDown, timeouts, resets).
 *
 * Owns: the multi handle, the easy handles, the transport thread and the
 * queue of submitted calls. Calls are submitted from task threads; their
 * outcome is read after kco_http_wait (or in on_done, which runs on the
 * transport thread and must not block).
 * Must never: log a request's headers (they carry credentials); retry a
 * client error (4xx other than 408/429) — it would fail the same way.
 */
#ifndef KCO_HTTP_H
#define KCO_HTTP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/kco_buf.h"
#include "store/kco_sign.h"

typedef struct kco_http_s kco_http_t;
typedef struct kco_http_call_s kco_http_call_t;

typedef struct kco_http_opts_s {
        int max_connections;  /* transfers in flight, and pooled connections */
        int connect_timeout_ms;
        int timeout_ms;       /* a whole attempt; a stalled transfer fails after this */
        int low_speed_secs;   /* abort an attempt below 1 KiB/s for this long (0: off) */
        int max_attempts;     /* per call, >= 1 */
        int backoff_ms;       /* first retry delay; doubled each time, with jitter */
        int backoff_max_ms;
        int verify_tls;
        const char *ca_file;  /* NULL: the system's */
} kco_http_opts_t;

struct kco_http_call_s {
        /* in: set before submit. Before every attempt a copy of req (with a
         * copy of its headers) is passed to sign(), which signs the copy. */
        kco_objreq_t req;
        const char *body;
        size_t body_len;
        void (*sign)(kco_objreq_t *copy, void *sign_opaque);
        void *sign_opaque;
        void (*on_done)(kco_http_call_t *call); /* optional; on the transport thread */
        void *opaque;
        /* out */
        long status;         /* HTTP status of the last attempt, 0 if none */
        int curl_code;       /* CURLcode of the last attempt */
        char curl_err[256];
        int attempts;
        kco_buf_t resp;      /* response body of the last attempt */
        char etag[128];
        char request_id[128];
        int64_t content_length; /* from the response headers, -1 if none */
        /* private */
        int done;
        int64_t not_before_ms;
        kco_http_call_t *next;   /* queue link */
        kco_http_call_t *anext;  /* link in the transport's active list */
        void *easy;
        kco_kvlist_t sent_headers; /* the signed copy's headers, alive during an attempt */
        struct curl_slist *hdrs;
        char *url;
        size_t sent;
        pthread_mutex_t lock;
        pthread_cond_t cond;
};

kco_http_t *kco_http_new(const kco_http_opts_t *opts);
/* Fails every call not yet done (status 0, curl_err "shutting down"). */
void kco_http_destroy(kco_http_t *h);

/* Prepares a call for (re)use: clears the outputs. req is left as set. */
void kco_http_call_init(kco_http_call_t *c);
/* Frees outputs and req's lists. */
void kco_http_call_clear(kco_http_call_t *c);

void kco_http_submit(kco_http_t *h, kco_http_call_t *c);
/* Shutting down: from now on nothing is retried, and calls queued or in
 * flight fail at once ("shutting down"), so waiting threads return. */
void kco_http_hurry(kco_http_t *h);
void kco_http_wait(kco_http_call_t *c);
int kco_http_is_done(kco_http_call_t *c);

/* 1 if the outcome of the last attempt is worth another try later. */
int kco_http_retriable(const kco_http_call_t *c);
/* The store's error code in an S3/OSS XML error body (<Code>…</Code>), or "". */
void kco_http_error_code(const kco_http_call_t *c, char *out, size_t outsz);

#endif
