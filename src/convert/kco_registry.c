/*
 * kco_registry.c - Schema Registry requests over a libcurl easy handle (see
 * kco_registry.h). The handle is reset before each request but keeps its
 * connection cache, so consecutive requests to one registry reuse the
 * connection. Connect timeout 10 s, whole request 30 s, answers above 16 MiB
 * refused.
 *
 * Task thread of the owning converter. Must never: put the user info into
 * a message or a log line; follow a redirect (credentials would travel).
 */
#include "convert/kco_registry.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_mem.h"

#define KCO_REGISTRY_MAX_BODY (16u << 20)
#define KCO_REGISTRY_MEDIA "application/vnd.schemaregistry.v1+json"


struct kco_registry_s {
        char **urls;
        int nurls;
        int current; /* the URL that answered last */
        char *user_info; /* NULL for none */
        CURL *curl;
        struct curl_slist *hdr_get, *hdr_post;
        kco_registry_transport_fn fn;
        void *opaque;
};

static pthread_once_t kco_registry_once = PTHREAD_ONCE_INIT;
static void kco_registry_global_init(void) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t kco_registry_write_cb(char *p, size_t sz, size_t n, void *opaque) {
        kco_buf_t *b = opaque;
        if (b->len + sz * n > KCO_REGISTRY_MAX_BODY)
                return 0; /* aborts the transfer */
        kco_buf_append(b, p, sz * n);
        return sz * n;
}

static int kco_registry_curl(void *opaque, const char *method, const char *url, const char *body, long *status,
                             kco_buf_t *resp, char *why, size_t whylen) {
        kco_registry_t *r = opaque;
        char errbuf[CURL_ERROR_SIZE];
        if (!r->curl && !(r->curl = curl_easy_init())) {
                snprintf(why, whylen, "curl_easy_init failed");
                return -1;
        }
        CURL *c = r->curl;
        curl_easy_reset(c);
        errbuf[0] = '\0';
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, kco_registry_write_cb);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "kafka-connect-oss");
#if LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
        if (r->user_info) {
                curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
                curl_easy_setopt(c, CURLOPT_USERPWD, r->user_info);
        }
        if (!strcmp(method, "POST")) {
                curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->hdr_post);
                curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
                curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
        } else {
                curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->hdr_get);
        }
        CURLcode rc = curl_easy_perform(c);
        if (rc != CURLE_OK) {
                snprintf(why, whylen, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
                return -1;
        }
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
        return 0;
}

kco_registry_t *kco_registry_new(const kco_strlist_t *urls, const char *user_info) {
        pthread_once(&kco_registry_once, kco_registry_global_init);
        kco_registry_t *r = kco_calloc(1, sizeof(*r));
        r->nurls = urls->n;
        r->urls = kco_calloc((size_t)(urls->n ? urls->n : 1), sizeof(*r->urls));
        for (int i = 0; i < urls->n; i++)
                r->urls[i] = kco_strdup(urls->v[i]);
        r->user_info = user_info && *user_info ? kco_strdup(user_info) : NULL;
        const char *accept = "Accept: " KCO_REGISTRY_MEDIA ", application/vnd.schemaregistry+json; qs=0.9, "
                             "application/json; qs=0.5";
        r->hdr_get = curl_slist_append(NULL, accept);
        r->hdr_post = curl_slist_append(NULL, accept);
        r->hdr_post = curl_slist_append(r->hdr_post, "Content-Type: " KCO_REGISTRY_MEDIA);
        r->fn = kco_registry_curl;
        r->opaque = r;
        return r;
}

void kco_registry_destroy(kco_registry_t *r) {
        if (!r)
                return;
        for (int i = 0; i < r->nurls; i++)
                free(r->urls[i]);
        free(r->urls);
        if (r->user_info) {
                memset(r->user_info, 0, strlen(r->user_info));
                free(r->user_info);
        }
        if (r->curl)
                curl_easy_cleanup(r->curl);
        curl_slist_free_all(r->hdr_get);
        curl_slist_free_all(r->hdr_post);
        free(r);
}

void kco_registry_set_transport(kco_registry_t *r, kco_registry_transport_fn fn, void *opaque) {
        r->fn = fn ? fn : kco_registry_curl;
        r->opaque = fn ? opaque : r;
}

/* ---------------------------------------------------------------- helpers */

void kco_registry_redact_url(const char *url, char *out, size_t outlen) {
        kco_buf_t b;
        kco_buf_init(&b);
        const char *s = strstr(url, "://");
        const char *host = s ? s + 3 : url;
        const char *end = host + strcspn(host, "/?#");
        const char *at = NULL;
        for (const char *p = host; p < end; p++)
                if (*p == '@')
                        at = p;
        kco_buf_append(&b, url, (size_t)(host - url));
        const char *rest = at ? at + 1 : host;
        kco_buf_append(&b, rest, strcspn(rest, "?#"));
        snprintf(out, outlen, "%s", kco_buf_cstr(&b));
        kco_buf_free(&b);
}

char *kco_registry_join(const char *base, const char *path) {
        size_t l = strlen(base);
        while (l && base[l - 1] == '/')
                l--;
        return kco_asprintf("%.*s%s", (int)l, base, path);
}

char *kco_registry_escape(const char *subject) {
        kco_buf_t b;
        kco_buf_init(&b);
        for (const unsigned char *p = (const unsigned char *)subject; *p; p++) {
                if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                    strchr("-._~", *p)) {
                        kco_buf_putc(&b, (char)*p);
                } else {
                        char hex[4];
                        snprintf(hex, sizeof(hex), "%%%02X", *p);
                        kco_buf_puts(&b, hex);
                }
        }
        char *s = kco_strdup(kco_buf_cstr(&b));
        kco_buf_free(&b);
        return s;
}

static json_t *kco_registry_load(const char *body, size_t len) {
        json_t *j = body && len ? json_loadb(body, len, 0, NULL) : NULL;
        if (j && !json_is_object(j)) {
                json_decref(j);
                j = NULL;
        }
        return j;
}

/* Integer.parseInt, or -1. */
static int kco_registry_parse_int(const char *s) {
        char *end;
        if (!s || !*s || (*s != '+' && *s != '-' && (*s < '0' || *s > '9')))
                return -1;
        long long v = strtoll(s, &end, 10);
        return *end || v < 0 || v > INT32_MAX ? -1 : (int)v;
}

int kco_registry_parse_schema(const char *body, size_t len, char **schema, int *version, char *why, size_t whylen) {
        json_t *j = kco_registry_load(body, len);
        int rc = -1;
        if (!j) {
                snprintf(why, whylen, "the answer is not a JSON object");
                return -1;
        }
        json_t *s = json_object_get(j, "schema"), *t = json_object_get(j, "schemaType");
        json_t *refs = json_object_get(j, "references");
        if (!json_is_string(s)) {
                snprintf(why, whylen, "the answer has no \"schema\" string");
        } else if (t && !json_is_null(t) && (!json_is_string(t) || strcmp(json_string_value(t), "AVRO"))) {
                snprintf(why, whylen, "the schema is of type %.40s, not AVRO",
                         json_is_string(t) ? json_string_value(t) : "?");
                rc = -2;
        } else if (json_array_size(refs)) {
                snprintf(why, whylen, "the schema has references to other schemas, which are not supported");
                rc = -2;
        } else {
                json_t *m = json_object_get(json_object_get(json_object_get(j, "metadata"), "properties"),
                                            "confluent:version");
                *version = kco_registry_parse_int(json_string_value(m));
                *schema = kco_strndup(json_string_value(s), json_string_length(s));
                rc = 0;
        }
        json_decref(j);
        return rc;
}

int kco_registry_parse_version(const char *body, size_t len, int *version, char *why, size_t whylen) {
        json_t *j = kco_registry_load(body, len);
        json_t *v = json_object_get(j, "version");
        int rc = -1;
        if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= INT32_MAX) {
                *version = (int)json_integer_value(v);
                rc = 0;
        } else {
                snprintf(why, whylen, "the answer has no \"version\" number");
        }
        json_decref(j);
        return rc;
}

int kco_registry_parse_error(const char *body, size_t len, char *msg, size_t msglen) {
        json_t *j = kco_registry_load(body, len);
        json_t *c = json_object_get(j, "error_code"), *m = json_object_get(j, "message");
        int code = json_is_integer(c) ? (int)json_integer_value(c) : 0;
        snprintf(msg, msglen, "%s", json_is_string(m) ? json_string_value(m) : "");
        json_decref(j);
        return code;
}

/* ---------------------------------------------------------------- requests */

/* Sends the request to each URL in turn, from the one that answered last, until one answers with something
 * other than a transient failure. 0 with its status and body (url: the redacted URL), or -1 with the last
 * failure (retriable). */
static int kco_registry_call(kco_registry_t *r, const char *method, const char *path, const char *body,
                             long *status, kco_buf_t *resp, char *url, size_t urllen, kco_err_t *err) {
        char why[CURL_ERROR_SIZE + 64], msg[200];
        if (!r->nurls)
                return kco_err_set(err, KCO_ERR_CONFIG, 0, "no schema registry URL configured");
        for (int k = 0; k < r->nurls; k++) {
                int i = (r->current + k) % r->nurls;
                char *full = kco_registry_join(r->urls[i], path);
                resp->len = 0;
                why[0] = '\0';
                *status = 0;
                int rc = r->fn(r->opaque, method, full, body, status, resp, why, sizeof(why));
                kco_registry_redact_url(full, url, urllen);
                free(full);
                if (rc) {
                        kco_err_set(err, KCO_ERR_IO, 1, "schema registry %s unreachable: %s", url, why);
                        continue;
                }
                if (*status >= 500 || *status == 429 || *status == 408) {
                        kco_registry_parse_error(resp->data, resp->len, msg, sizeof(msg));
                        kco_err_set(err, KCO_ERR_IO, 1, "schema registry %s answered HTTP %ld%s%s", url, *status,
                                    *msg ? ": " : "", msg);
                        continue;
                }
                r->current = i;
                return 0;
        }
        return -1;
}

static int kco_registry_refused(const char *method, const char *url, long status, const kco_buf_t *resp,
                                kco_err_t *err) {
        char msg[200], code_s[32] = "";
        int code = kco_registry_parse_error(resp->data, resp->len, msg, sizeof(msg));
        if (code)
                snprintf(code_s, sizeof(code_s), " (error code %d)", code);
        return kco_err_set(err, KCO_ERR_CONFIG, 0, "schema registry refused %s %s: HTTP %ld%s%s%s", method, url,
                           status, code_s, *msg ? ": " : "", msg);
}

int kco_registry_schema(kco_registry_t *r, int32_t id, char **schema, int *version, kco_err_t *err) {
        char path[64], url[512], why[256];
        long status;
        kco_buf_t resp;
        kco_buf_init(&resp);
        snprintf(path, sizeof(path), "/schemas/ids/%" PRId32, id);
        int rc = kco_registry_call(r, "GET", path, NULL, &status, &resp, url, sizeof(url), err);
        if (rc) {
                /* already set */
        } else if (status >= 200 && status < 300) {
                int prc = kco_registry_parse_schema(resp.data, resp.len, schema, version, why, sizeof(why));
                if (prc == -2)
                        rc = kco_err_set(err, KCO_ERR_DATA, 0, "schema id %" PRId32 ": %s", id, why);
                else if (prc)
                        rc = kco_err_set(err, KCO_ERR_CONFIG, 0, "unexpected answer from schema registry %s: %s", url,
                                         why);
        } else if (status == 404 && kco_registry_parse_error(resp.data, resp.len, why, sizeof(why)) == 40403) {
                rc = kco_err_set(err, KCO_ERR_DATA, 0, "schema id %" PRId32 " not found in the registry (%s)", id, url);
        } else {
                rc = kco_registry_refused("GET", url, status, &resp, err);
        }
        kco_buf_free(&resp);
        return rc;
}

int kco_registry_version(kco_registry_t *r, const char *subject, const char *schema, int *version, kco_err_t *err) {
        char url[512], why[256];
        long status;
        kco_buf_t resp;
        kco_buf_init(&resp);
        char *esc = kco_registry_escape(subject);
        char *path = kco_asprintf("/subjects/%s", esc);
        json_t *req = json_pack("{s:s}", "schema", schema);
        char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
        int rc;
        if (!body) {
                rc = kco_err_set(err, KCO_ERR_DATA, 0, "cannot encode the schema for the version lookup");
        } else if ((rc = kco_registry_call(r, "POST", path, body, &status, &resp, url, sizeof(url), err))) {
                /* already set */
        } else if (status >= 200 && status < 300) {
                if (kco_registry_parse_version(resp.data, resp.len, version, why, sizeof(why)))
                        rc = kco_err_set(err, KCO_ERR_CONFIG, 0, "unexpected answer from schema registry %s: %s", url,
                                         why);
        } else if (status == 404) {
                *version = -1; /* subject unknown, or the schema is not registered under it */
        } else {
                rc = kco_registry_refused("POST", url, status, &resp, err);
        }
        free(body);
        json_decref(req);
        free(path);
        free(esc);
        kco_buf_free(&resp);
        return rc;
}
