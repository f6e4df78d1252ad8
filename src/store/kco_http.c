/*
 * kco_http.c - libcurl multi transport with retries (see kco_http.h).
 *
 * The transport thread owns the multi handle and every easy handle; task
 * threads only touch the submit queue (under h->lock) and a call's done flag
 * (under call->lock). A call is re-signed before every attempt, so a retry an
 * hour later still carries a fresh date.
 */
#include "store/kco_http.h"

#include <curl/curl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/kco_log.h"
#include "core/kco_mem.h"

struct kco_http_s {
        kco_http_opts_t opts;
        char *ca_file;
        CURLM *multi;
        pthread_t thread;
        pthread_mutex_t lock;
        kco_http_call_t *submitted; /* FIFO, under lock */
        kco_http_call_t **submitted_tail;
        atomic_int stop;
        atomic_int hurry;
        /* transport thread only */
        kco_http_call_t *waiting; /* not started, maybe backing off */
        kco_http_call_t *active;  /* transfers in the multi handle */
        int running;
        uint64_t rnd;
};

static pthread_once_t kco_http_once = PTHREAD_ONCE_INIT;
static void kco_http_global_init(void) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int64_t kco_http_now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void kco_http_call_init(kco_http_call_t *c) {
        c->status = 0;
        c->curl_code = 0;
        c->curl_err[0] = '\0';
        c->attempts = 0;
        kco_buf_init(&c->resp);
        c->sent_headers.v = NULL;
        c->sent_headers.n = 0;
        c->etag[0] = '\0';
        c->request_id[0] = '\0';
        c->done = 0;
        c->not_before_ms = 0;
        c->next = NULL;
        c->easy = NULL;
        c->hdrs = NULL;
        c->url = NULL;
        c->sent = 0;
        pthread_mutex_init(&c->lock, NULL);
        pthread_cond_init(&c->cond, NULL);
}

void kco_http_call_clear(kco_http_call_t *c) {
        kco_buf_free(&c->resp);
        kco_kvlist_free(&c->sent_headers);
        kco_kvlist_free(&c->req.query);
        kco_kvlist_free(&c->req.headers);
        free(c->url);
        c->url = NULL;
        pthread_mutex_destroy(&c->lock);
        pthread_cond_destroy(&c->cond);
}

static size_t kco_http_write_cb(char *p, size_t sz, size_t n, void *opaque) {
        kco_http_call_t *c = opaque;
        kco_buf_append(&c->resp, p, sz * n);
        return sz * n;
}

static size_t kco_http_read_cb(char *p, size_t sz, size_t n, void *opaque) {
        kco_http_call_t *c = opaque;
        size_t left = c->body_len - c->sent, want = sz * n;
        if (want > left)
                want = left;
        memcpy(p, c->body + c->sent, want);
        c->sent += want;
        return want;
}

static void kco_http_copy_header(char *dst, size_t dstsz, const char *v, size_t n) {
        while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
                n--;
        while (n && *v == ' ')
                v++, n--;
        if (n >= dstsz)
                n = dstsz - 1;
        memcpy(dst, v, n);
        dst[n] = '\0';
}

static size_t kco_http_header_cb(char *p, size_t sz, size_t n, void *opaque) {
        kco_http_call_t *c = opaque;
        size_t len = sz * n;
        const char *colon = memchr(p, ':', len);
        if (colon) {
                size_t nl = (size_t)(colon - p);
                const char *v = colon + 1;
                size_t vl = len - nl - 1;
                if (nl == 4 && !strncasecmp(p, "etag", 4))
                        kco_http_copy_header(c->etag, sizeof(c->etag), v, vl);
                else if (nl == 14 && !strncasecmp(p, "content-length", 14)) {
                        char num[32];
                        kco_http_copy_header(num, sizeof(num), v, vl);
                        c->content_length = strtoll(num, NULL, 10);
                } else if ((nl == 16 && !strncasecmp(p, "x-oss-request-id", 16)) ||
                         (nl == 16 && !strncasecmp(p, "x-amz-request-id", 16)))
                        kco_http_copy_header(c->request_id, sizeof(c->request_id), v, vl);
        }
        return len;
}

static void kco_http_end_attempt(kco_http_t *h, kco_http_call_t *c) {
        for (kco_http_call_t **pp = &h->active; *pp; pp = &(*pp)->anext)
                if (*pp == c) {
                        *pp = c->anext;
                        break;
                }
        if (c->easy) {
                curl_multi_remove_handle(h->multi, c->easy);
                curl_easy_cleanup(c->easy);
                c->easy = NULL;
        }
        curl_slist_free_all(c->hdrs);
        c->hdrs = NULL;
        kco_kvlist_free(&c->sent_headers);
        free(c->url);
        c->url = NULL;
}

static void kco_http_start(kco_http_t *h, kco_http_call_t *c) {
        kco_objreq_t r = c->req;
        r.headers.v = NULL;
        r.headers.n = 0;
        for (size_t i = 0; i < c->req.headers.n; i++)
                kco_kvlist_add(&r.headers, c->req.headers.v[i].name, c->req.headers.v[i].value);
        r.query = c->req.query; /* read-only for signing */
        c->sign(&r, c->sign_opaque);
        c->sent_headers = r.headers;
        c->url = kco_objreq_url(&r);

        CURL *e = curl_easy_init();
        if (!e)
                abort();
        c->easy = e;
        c->sent = 0;
        c->resp.len = 0;
        c->etag[0] = c->request_id[0] = '\0';
        c->content_length = -1;
        int has_ctype = 0;
        for (size_t i = 0; i < r.headers.n; i++) {
                char *line = kco_asprintf("%s: %s", r.headers.v[i].name, r.headers.v[i].value);
                c->hdrs = curl_slist_append(c->hdrs, line);
                free(line);
                if (!strcasecmp(r.headers.v[i].name, "content-type"))
                        has_ctype = 1;
        }
        /* nothing curl would add on its own may change what was signed */
        c->hdrs = curl_slist_append(c->hdrs, "Expect:");
        if (!has_ctype)
                c->hdrs = curl_slist_append(c->hdrs, "Content-Type:");
        curl_easy_setopt(e, CURLOPT_URL, c->url);
        curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L); /* keys may hold "/./" or "/../": send what was signed */
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->hdrs);
        curl_easy_setopt(e, CURLOPT_PRIVATE, c);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, kco_http_write_cb);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, kco_http_header_cb);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, c);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->curl_err);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)h->opts.connect_timeout_ms);
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)h->opts.timeout_ms);
        if (h->opts.low_speed_secs > 0) {
                curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1024L);
                curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)h->opts.low_speed_secs);
        }
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, h->opts.verify_tls ? 1L : 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, h->opts.verify_tls ? 2L : 0L);
        if (h->ca_file)
                curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_file);
        const char *m = r.method;
        if (!strcmp(m, "PUT")) {
                curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
                curl_easy_setopt(e, CURLOPT_READFUNCTION, kco_http_read_cb);
                curl_easy_setopt(e, CURLOPT_READDATA, c);
                curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)c->body_len);
        } else if (!strcmp(m, "POST")) {
                curl_easy_setopt(e, CURLOPT_POST, 1L);
                curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->body ? c->body : "");
                curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)c->body_len);
        } else if (!strcmp(m, "HEAD")) {
                curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        } else if (strcmp(m, "GET")) {
                curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
        }
        c->curl_err[0] = '\0';
        curl_multi_add_handle(h->multi, e);
        c->anext = h->active;
        h->active = c;
        h->running++;
}

int kco_http_retriable(const kco_http_call_t *c) {
        switch (c->curl_code) {
        case CURLE_OK:
                break;
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
                return 0; /* configuration, not weather */
        default:
                return 1; /* connect, resolve, timeout, reset, partial transfer */
        }
        long s = c->status;
        if (s == 501 || s == 505)
                return 0; /* Not Implemented, HTTP Version Not Supported: it will not change */
        if (s >= 500 || s == 408 || s == 429)
                return 1;
        if (s == 400 || s == 403) {
                char code[64];
                kco_http_error_code(c, code, sizeof(code));
                return !strcmp(code, "RequestTimeout") || !strcmp(code, "RequestTimeTooSkewed") ||
                       !strcmp(code, "SlowDown");
        }
        return 0;
}

void kco_http_error_code(const kco_http_call_t *c, char *out, size_t outsz) {
        out[0] = '\0';
        if (!c->resp.len)
                return;
        const char *b = c->resp.data, *end = b + c->resp.len;
        const char *p = memmem(b, c->resp.len, "<Code>", 6);
        if (!p)
                return;
        p += 6;
        const char *q = memmem(p, (size_t)(end - p), "</Code>", 7);
        if (!q)
                return;
        size_t n = (size_t)(q - p);
        if (n >= outsz)
                n = outsz - 1;
        memcpy(out, p, n);
        out[n] = '\0';
}

static void kco_http_complete(kco_http_call_t *c) {
        pthread_mutex_lock(&c->lock);
        c->done = 1;
        pthread_cond_broadcast(&c->cond);
        pthread_mutex_unlock(&c->lock);
}

static void kco_http_finish(kco_http_t *h, kco_http_call_t *c, CURLcode cc) {
        long status = 0;
        curl_easy_getinfo((CURL *)c->easy, CURLINFO_RESPONSE_CODE, &status);
        kco_http_end_attempt(h, c);
        h->running--;
        c->status = cc == CURLE_OK ? status : 0;
        c->curl_code = (int)cc;
        if (cc != CURLE_OK && !c->curl_err[0])
                snprintf(c->curl_err, sizeof(c->curl_err), "%s", curl_easy_strerror(cc));
        c->attempts++;
        int ok = cc == CURLE_OK && status >= 200 && status < 300;
        if (!ok && kco_http_retriable(c) && c->attempts < h->opts.max_attempts && !atomic_load(&h->stop) &&
            !atomic_load(&h->hurry)) {
                int64_t delay = (int64_t)h->opts.backoff_ms << (c->attempts - 1 > 20 ? 20 : c->attempts - 1);
                if (delay > h->opts.backoff_max_ms)
                        delay = h->opts.backoff_max_ms;
                h->rnd ^= h->rnd << 13, h->rnd ^= h->rnd >> 7, h->rnd ^= h->rnd << 17;
                delay = delay / 2 + (int64_t)(h->rnd % (uint64_t)(delay / 2 + 1)); /* jitter: [d/2, d] */
                char what[300];
                if (cc != CURLE_OK) {
                        snprintf(what, sizeof(what), "%s", c->curl_err);
                } else {
                        char code[64];
                        kco_http_error_code(c, code, sizeof(code));
                        snprintf(what, sizeof(what), "HTTP %ld %s", status, code);
                }
                kco_warn("store", "%s %s/%s: %s; attempt %d of %d, retrying in %lld ms", c->req.method,
                         c->req.bucket ? c->req.bucket : "", c->req.key ? c->req.key : "", what, c->attempts,
                         h->opts.max_attempts, (long long)delay);
                c->not_before_ms = kco_http_now_ms() + delay;
                c->next = h->waiting;
                h->waiting = c;
                return;
        }
        if (c->on_done)
                c->on_done(c);
        kco_http_complete(c);
}

static void kco_http_fail_list(kco_http_call_t *c);

static void *kco_http_main(void *arg) {
        kco_http_t *h = arg;
        while (!atomic_load(&h->stop)) {
                pthread_mutex_lock(&h->lock);
                kco_http_call_t *sub = h->submitted;
                h->submitted = NULL;
                h->submitted_tail = &h->submitted;
                pthread_mutex_unlock(&h->lock);
                if (sub) { /* keep submission order: append */
                        kco_http_call_t **tail = &h->waiting;
                        while (*tail)
                                tail = &(*tail)->next;
                        *tail = sub;
                }
                if (atomic_load(&h->hurry)) { /* fail everything, now */
                        while (h->active) {
                                kco_http_call_t *c = h->active;
                                kco_http_end_attempt(h, c);
                                h->running--;
                                c->next = NULL;
                                kco_http_fail_list(c);
                        }
                        kco_http_call_t *w = h->waiting;
                        h->waiting = NULL;
                        kco_http_fail_list(w);
                }
                int64_t now = kco_http_now_ms(), wake = now + 1000;
                kco_http_call_t **pp = &h->waiting;
                while (*pp) {
                        kco_http_call_t *c = *pp;
                        if (c->not_before_ms <= now && h->running < h->opts.max_connections) {
                                *pp = c->next;
                                c->next = NULL;
                                kco_http_start(h, c);
                                continue;
                        }
                        if (c->not_before_ms > now && c->not_before_ms < wake)
                                wake = c->not_before_ms;
                        pp = &c->next;
                }
                int still;
                curl_multi_perform(h->multi, &still);
                CURLMsg *msg;
                int left;
                while ((msg = curl_multi_info_read(h->multi, &left))) {
                        if (msg->msg != CURLMSG_DONE)
                                continue;
                        kco_http_call_t *c = NULL;
                        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
                        kco_http_finish(h, c, msg->data.result);
                }
                int wait_ms = (int)(wake - kco_http_now_ms());
                if (wait_ms < 0)
                        wait_ms = 0;
                if (wait_ms > 1000)
                        wait_ms = 1000;
                curl_multi_poll(h->multi, NULL, 0, wait_ms, NULL);
        }
        return NULL;
}

kco_http_t *kco_http_new(const kco_http_opts_t *opts) {
        pthread_once(&kco_http_once, kco_http_global_init);
        kco_http_t *h = kco_calloc(1, sizeof(*h));
        h->opts = *opts;
        if (h->opts.max_connections < 1)
                h->opts.max_connections = 1;
        if (h->opts.max_attempts < 1)
                h->opts.max_attempts = 1;
        h->ca_file = opts->ca_file ? kco_strdup(opts->ca_file) : NULL;
        h->rnd = (uint64_t)kco_http_now_ms() * 0x9e3779b97f4a7c15ULL | 1;
        h->multi = curl_multi_init();
        curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->opts.max_connections);
        curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)h->opts.max_connections);
        pthread_mutex_init(&h->lock, NULL);
        h->submitted_tail = &h->submitted;
        atomic_init(&h->stop, 0);
        atomic_init(&h->hurry, 0);
        if (pthread_create(&h->thread, NULL, kco_http_main, h))
                abort();
        return h;
}

static void kco_http_fail_list(kco_http_call_t *c) {
        while (c) {
                kco_http_call_t *next = c->next;
                c->status = 0;
                c->curl_code = CURLE_ABORTED_BY_CALLBACK;
                snprintf(c->curl_err, sizeof(c->curl_err), "shutting down");
                if (c->on_done)
                        c->on_done(c);
                kco_http_complete(c);
                c = next;
        }
}

void kco_http_destroy(kco_http_t *h) {
        if (!h)
                return;
        atomic_store(&h->stop, 1);
        curl_multi_wakeup(h->multi);
        pthread_join(h->thread, NULL);
        /* what never finished fails: transfers in flight, then the queues */
        while (h->active) {
                kco_http_call_t *c = h->active;
                kco_http_end_attempt(h, c);
                c->next = NULL;
                kco_http_fail_list(c);
        }
        kco_http_fail_list(h->waiting);
        h->waiting = NULL;
        pthread_mutex_lock(&h->lock);
        kco_http_call_t *sub = h->submitted;
        h->submitted = NULL;
        pthread_mutex_unlock(&h->lock);
        kco_http_fail_list(sub);
        curl_multi_cleanup(h->multi);
        pthread_mutex_destroy(&h->lock);
        free(h->ca_file);
        free(h);
}

void kco_http_submit(kco_http_t *h, kco_http_call_t *c) {
        pthread_mutex_lock(&h->lock);
        c->next = NULL;
        *h->submitted_tail = c;
        h->submitted_tail = &c->next;
        pthread_mutex_unlock(&h->lock);
        curl_multi_wakeup(h->multi);
}

void kco_http_hurry(kco_http_t *h) {
        atomic_store(&h->hurry, 1);
        curl_multi_wakeup(h->multi);
}

void kco_http_wait(kco_http_call_t *c) {
        pthread_mutex_lock(&c->lock);
        while (!c->done)
                pthread_cond_wait(&c->cond, &c->lock);
        pthread_mutex_unlock(&c->lock);
}

int kco_http_is_done(kco_http_call_t *c) {
        pthread_mutex_lock(&c->lock);
        int d = c->done;
        pthread_mutex_unlock(&c->lock);
        return d;
}
