/*
 * kco_store_cloud.c - Alibaba OSS and S3-compatible object stores (one
 * implementation, two dialects): endpoint, bucket and credentials from the
 * connector's keys, then core-site.xml (OSS), then the environment; objects
 * smaller than a part go in one PUT, larger ones stream as a multipart upload
 * whose parts are sent while encoding continues (kco_http runs them, several
 * in flight) and which becomes visible only when completed at commit.
 *
 * Owns: the resolved settings, the transport (one kco_http per connector)
 * and the uploads. The store is shared by the connector's tasks; an upload is
 * used by one task thread; part completion runs on the transport thread and
 * only flips the part's done flag.
 * Must never: put the secret in a log line or error; complete an upload that
 * lost a part; leave an upload behind on abort (it is aborted on the server).
 */
#include <ctype.h>
#include <expat.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/kco_log.h"
#include "core/kco_mem.h"
#include "store/kco_coresite.h"
#include "store/kco_http.h"
#include "store/kco_sign.h"
#include "store/kco_store.h"
#include "store/kco_store_cloud.h"

typedef struct kco_cloud_s {
        kco_store_t base;
        kco_cloud_cfg_t cfg;
        const kco_conf_t *conf;
        kco_http_t *http;
        const char *name; /* "OSS" or "S3", for messages */
} kco_cloud_t;

typedef struct kco_cloud_part_s {
        kco_http_call_t call;
        int number;
        kco_buf_t data;
        char md5[25];
} kco_cloud_part_t;

typedef struct kco_cloud_upload_s {
        kco_upload_t base;
        char *key;
        kco_buf_t cur;       /* bytes of the part being filled */
        kco_md5_t *md5;      /* running Content-MD5 of cur (store.md5.enabled) */
        char *upload_id;     /* NULL until a multipart upload was initiated */
        kco_cloud_part_t **parts;
        int nparts;
        int nwaited;         /* parts[0..nwaited) are known done */
} kco_cloud_upload_t;

/* ---- settings ------------------------------------------------------------ */

void kco_cloud_cfg_free(kco_cloud_cfg_t *g) {
        free(g->scheme);
        free(g->endpoint);
        free(g->bucket);
        free(g->region);
        free(g->id);
        free(g->secret);
        free(g->token);
        memset(g, 0, sizeof(*g));
}

/* first non-empty of a, b, c (NULL if none) */
static const char *kco_cloud_pick(const char *a, const char *b, const char *c) {
        if (a && *a)
                return a;
        if (b && *b)
                return b;
        if (c && *c)
                return c;
        return NULL;
}

static int kco_cloud_is_ip(const char *host) {
        if (*host == '[')
                return 1;
        for (const char *p = host; *p && *p != ':'; p++)
                if (!isdigit((unsigned char)*p) && *p != '.')
                        return 0;
        return 1;
}

/* Splits "[scheme://]host[:port][/]" into scheme and host[:port]. */
static void kco_cloud_split_url(const char *url, const char *dflt_scheme, char **scheme, char **host) {
        const char *p = strstr(url, "://");
        if (p) {
                *scheme = kco_strndup(url, (size_t)(p - url));
                for (char *s = *scheme; *s; s++)
                        *s = (char)tolower((unsigned char)*s);
                url = p + 3;
        } else {
                *scheme = kco_strdup(dflt_scheme);
        }
        size_t n = strcspn(url, "/");
        *host = kco_strndup(url, n);
}

/* oss-cn-hangzhou[-internal].aliyuncs.com -> cn-hangzhou */
static char *kco_cloud_oss_region(const char *host) {
        if (strncmp(host, "oss-", 4))
                return NULL;
        size_t n = strcspn(host + 4, ".:");
        char *r = kco_strndup(host + 4, n);
        size_t l = strlen(r);
        if (l > 9 && !strcmp(r + l - 9, "-internal"))
                r[l - 9] = '\0';
        return r;
}

int kco_cloud_cfg_resolve(const kco_conf_t *c, kco_cloud_cfg_t *g, kco_conf_errs_t *errs) {
        memset(g, 0, sizeof(*g));
        int nerr = errs->n;
        if (c->storage == KCO_STORAGE_OSS) {
                kco_props_t *site = kco_props_new();
                if (*c->hadoop_conf_dir) {
                        char e[512];
                        if (kco_coresite_load(site, c->hadoop_conf_dir, e, sizeof(e)))
                                kco_conf_errs_add(errs, "hadoop.conf.dir: %s", e);
                }
                g->dialect = KCO_CLOUD_OSS;
                g->sign = c->oss_signature_version == KCO_OSS_SIGN_V1 ? KCO_SIGN_OSSV1 : KCO_SIGN_OSSV4;
                const char *secure = kco_props_get(site, "fs.oss.connection.secure.enabled");
                const char *ep = kco_cloud_pick(c->oss_endpoint, kco_props_get(site, "fs.oss.endpoint"), NULL);
                if (!ep)
                        kco_conf_errs_add(errs, "oss.endpoint: required (or fs.oss.endpoint in core-site.xml), "
                                                "e.g. oss-cn-hangzhou.aliyuncs.com");
                else
                        kco_cloud_split_url(ep, secure && !strcasecmp(secure, "false") ? "http" : "https",
                                            &g->scheme, &g->endpoint);
                if (*c->oss_bucket)
                        g->bucket = kco_strdup(c->oss_bucket);
                else
                        kco_conf_errs_add(errs, "oss.bucket: required with storage.class=OSSStorage");
                const char *v;
                if ((v = kco_cloud_pick(c->oss_access_key_id, kco_props_get(site, "fs.oss.accessKeyId"),
                                        getenv("OSS_ACCESS_KEY_ID"))))
                        g->id = kco_strdup(v);
                if ((v = kco_cloud_pick(c->oss_access_key_secret, kco_props_get(site, "fs.oss.accessKeySecret"),
                                        getenv("OSS_ACCESS_KEY_SECRET"))))
                        g->secret = kco_strdup(v);
                if ((v = kco_cloud_pick(c->oss_security_token, kco_props_get(site, "fs.oss.securityToken"),
                                        getenv("OSS_SESSION_TOKEN"))))
                        g->token = kco_strdup(v);
                if (!g->id || !g->secret)
                        kco_conf_errs_add(errs, "oss.access.key.id / oss.access.key.secret: no credentials (set the "
                                                "keys, fs.oss.accessKeyId/accessKeySecret in core-site.xml, or "
                                                "OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET)");
                if (*c->oss_region)
                        g->region = kco_strdup(c->oss_region);
                else if (g->endpoint)
                        g->region = kco_cloud_oss_region(g->endpoint);
                if (!g->region && g->sign == KCO_SIGN_OSSV4 && g->endpoint)
                        kco_conf_errs_add(errs, "oss.region: required for oss.signature.version=v4: it cannot be "
                                                "derived from endpoint %s",
                                          g->endpoint);
                g->path_style = c->oss_path_style;
                g->part_size = c->oss_part_size;
                g->max_conn = c->store_max_connections;
                const char *maxc = kco_props_get(site, "fs.oss.connection.maximum");
                if (maxc && !kco_props_get(c->raw, "store.max.connections")) {
                        int m = atoi(maxc);
                        if (m > 0)
                                g->max_conn = m > 64 ? 64 : m;
                }
                kco_props_destroy(site);
        } else {
                g->dialect = KCO_CLOUD_S3;
                g->sign = KCO_SIGN_S3V4;
                g->region = kco_strdup(c->s3_region);
                if (*c->store_url) {
                        kco_cloud_split_url(c->store_url, "https", &g->scheme, &g->endpoint);
                } else {
                        g->scheme = kco_strdup("https");
                        g->endpoint = kco_asprintf("s3.%s.amazonaws.com", c->s3_region);
                }
                if (*c->s3_bucket)
                        g->bucket = kco_strdup(c->s3_bucket);
                else
                        kco_conf_errs_add(errs, "s3.bucket.name: required with storage.class=S3Storage");
                const char *v;
                if ((v = kco_cloud_pick(c->aws_access_key_id, getenv("AWS_ACCESS_KEY_ID"), NULL)))
                        g->id = kco_strdup(v);
                if ((v = kco_cloud_pick(c->aws_secret_access_key, getenv("AWS_SECRET_ACCESS_KEY"), NULL)))
                        g->secret = kco_strdup(v);
                if (!*c->aws_access_key_id && (v = getenv("AWS_SESSION_TOKEN")) && *v)
                        g->token = kco_strdup(v);
                if (!g->id || !g->secret)
                        kco_conf_errs_add(errs, "aws.access.key.id / aws.secret.access.key: no credentials (set "
                                                "the keys or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)");
                g->path_style = c->s3_path_style;
                g->part_size = c->s3_part_size;
                g->max_conn = c->store_max_connections;
                if (*c->s3_sse && strcmp(c->s3_sse, "AES256") && strcmp(c->s3_sse, "aws:kms"))
                        kco_conf_errs_add(errs, "s3.ssea.name = \"%s\": expected AES256 or aws:kms", c->s3_sse);
        }
        if (g->bucket) {
                /* it goes into a host name: S3 and OSS naming rules (plus legacy upper case and '_') */
                size_t n = strspn(g->bucket, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");
                if (g->bucket[n] || n < 3 || n > 255)
                        kco_conf_errs_add(errs, "%s = \"%s\": not a bucket name (3-63 letters, digits, '.', '-')",
                                          g->dialect == KCO_CLOUD_OSS ? "oss.bucket" : "s3.bucket.name", g->bucket);
        }
        if (g->scheme && strcmp(g->scheme, "http") && strcmp(g->scheme, "https"))
                kco_conf_errs_add(errs, "endpoint scheme \"%s\": expected http or https", g->scheme);
        if (g->endpoint && !*g->endpoint)
                kco_conf_errs_add(errs, "endpoint: empty host");
        if (g->endpoint && kco_cloud_is_ip(g->endpoint))
                g->path_style = 1; /* bucket.1.2.3.4 is no host name */
        if (errs->n > nerr) {
                kco_cloud_cfg_free(g);
                return -1;
        }
        return 0;
}

void kco_store_cloud_check(const kco_conf_t *c, kco_conf_errs_t *errs) {
        kco_cloud_cfg_t g;
        if (!kco_cloud_cfg_resolve(c, &g, errs))
                kco_cloud_cfg_free(&g);
}

/* ---- requests ------------------------------------------------------------ */

static void kco_cloud_sign(kco_objreq_t *r, void *opaque) {
        kco_cloud_t *cs = opaque;
        kco_creds_t creds = {cs->cfg.id, cs->cfg.secret, cs->cfg.token};
        kco_sign_request(cs->cfg.sign, r, &creds, cs->cfg.region, "UNSIGNED-PAYLOAD", time(NULL));
}

static void kco_cloud_call_setup(kco_cloud_t *cs, kco_http_call_t *call, const char *method, const char *key) {
        memset(call, 0, sizeof(*call));
        kco_http_call_init(call);
        call->req.method = method;
        call->req.scheme = cs->cfg.scheme;
        call->req.endpoint = cs->cfg.endpoint;
        call->req.bucket = cs->cfg.bucket;
        call->req.key = key;
        call->req.path_style = cs->cfg.path_style;
        call->sign = kco_cloud_sign;
        call->sign_opaque = cs;
}

/* Error for a failed call: names store, bucket, endpoint, key, status, the
 * store's code and request id; never a credential. */
static int kco_cloud_fail(kco_cloud_t *cs, const kco_http_call_t *call, const char *what, kco_err_t *err) {
        char code[64];
        kco_http_error_code(call, code, sizeof(code));
        int retriable = kco_http_retriable(call);
        if (call->status)
                return kco_err_set(err, KCO_ERR_IO, retriable,
                                   "%s %s of %s failed (bucket %s, endpoint %s): HTTP %ld %s%s%s after %d attempt%s",
                                   cs->name, what, call->req.key ? call->req.key : "/", cs->cfg.bucket,
                                   cs->cfg.endpoint, call->status, code[0] ? code : "",
                                   call->request_id[0] ? ", request id " : "", call->request_id, call->attempts,
                                   call->attempts == 1 ? "" : "s");
        return kco_err_set(err, KCO_ERR_IO, retriable, "%s %s of %s failed (bucket %s, endpoint %s): %s after %d attempt%s",
                           cs->name, what, call->req.key ? call->req.key : "/", cs->cfg.bucket, cs->cfg.endpoint,
                           call->curl_err, call->attempts, call->attempts == 1 ? "" : "s");
}

static int kco_cloud_ok(const kco_http_call_t *call) {
        return call->status >= 200 && call->status < 300;
}

/* Headers of a new object (PUT or initiate). */
static void kco_cloud_object_headers(kco_cloud_t *cs, kco_kvlist_t *h) {
        const kco_conf_t *c = cs->conf;
        if (cs->cfg.dialect != KCO_CLOUD_S3)
                return;
        if (*c->s3_sse) {
                kco_kvlist_add(h, "x-amz-server-side-encryption", c->s3_sse);
                if (!strcmp(c->s3_sse, "aws:kms") && *c->s3_kms_key_id)
                        kco_kvlist_add(h, "x-amz-server-side-encryption-aws-kms-key-id", c->s3_kms_key_id);
        }
        if (*c->s3_acl)
                kco_kvlist_add(h, "x-amz-acl", c->s3_acl);
}

/* Text between <tag> and </tag> in a response body, or NULL. */
static char *kco_cloud_xml_text(const kco_buf_t *b, const char *tag) {
        char open[64], close[64];
        snprintf(open, sizeof(open), "<%s>", tag);
        snprintf(close, sizeof(close), "</%s>", tag);
        if (!b->len)
                return NULL;
        const char *p = memmem(b->data, b->len, open, strlen(open));
        if (!p)
                return NULL;
        p += strlen(open);
        const char *q = memmem(p, b->len - (size_t)(p - b->data), close, strlen(close));
        return q ? kco_strndup(p, (size_t)(q - p)) : NULL;
}

/* ---- uploads ------------------------------------------------------------- */

static kco_upload_t *kco_cloud_open(kco_store_t *st, const char *key, kco_err_t *err) {
        (void)err;
        kco_cloud_upload_t *up = kco_calloc(1, sizeof(*up));
        up->base.store = st;
        up->key = kco_strdup(key);
        kco_buf_init(&up->cur);
        if (((kco_cloud_t *)st)->conf->store_md5)
                up->md5 = kco_md5_new();
        return &up->base;
}

static int kco_cloud_initiate(kco_cloud_t *cs, kco_cloud_upload_t *up, kco_err_t *err) {
        kco_http_call_t call;
        kco_cloud_call_setup(cs, &call, "POST", up->key);
        kco_kvlist_add(&call.req.query, "uploads", NULL);
        kco_cloud_object_headers(cs, &call.req.headers);
        kco_http_submit(cs->http, &call);
        kco_http_wait(&call);
        int rc = 0;
        if (!kco_cloud_ok(&call)) {
                rc = kco_cloud_fail(cs, &call, "multipart initiate", err);
        } else if (!(up->upload_id = kco_cloud_xml_text(&call.resp, "UploadId"))) {
                rc = kco_err_set(err, KCO_ERR_IO, 1, "%s multipart initiate of %s: no UploadId in the answer",
                                 cs->name, up->key);
        }
        kco_http_call_clear(&call);
        return rc;
}

/* Waits for parts until at most `keep` are in flight; fails on a lost part. */
static int kco_cloud_wait_parts(kco_cloud_t *cs, kco_cloud_upload_t *up, int keep, kco_err_t *err) {
        while (up->nparts - up->nwaited > keep) {
                kco_cloud_part_t *p = up->parts[up->nwaited];
                kco_http_wait(&p->call);
                kco_buf_free(&p->data); /* its bytes are no longer needed */
                up->nwaited++;
                if (!kco_cloud_ok(&p->call) || !p->call.etag[0]) {
                        char what[64];
                        snprintf(what, sizeof(what), "upload of part %d", p->number);
                        return kco_cloud_fail(cs, &p->call, what, err);
                }
        }
        return 0;
}

static int kco_cloud_send_part(kco_cloud_t *cs, kco_cloud_upload_t *up, kco_err_t *err) {
        if (!up->upload_id && kco_cloud_initiate(cs, up, err))
                return -1;
        if (kco_cloud_wait_parts(cs, up, cs->cfg.max_conn - 1, err))
                return -1;
        kco_cloud_part_t *p = kco_calloc(1, sizeof(*p));
        p->number = up->nparts + 1;
        p->data = up->cur; /* the part takes the buffer */
        kco_buf_init(&up->cur);
        kco_cloud_call_setup(cs, &p->call, "PUT", up->key);
        char num[16];
        snprintf(num, sizeof(num), "%d", p->number);
        kco_kvlist_add(&p->call.req.query, "partNumber", num);
        kco_kvlist_add(&p->call.req.query, "uploadId", up->upload_id);
        if (up->md5) {
                kco_md5_final_base64(up->md5, p->md5);
                kco_kvlist_add(&p->call.req.headers, "Content-MD5", p->md5);
        }
        p->call.body = p->data.data;
        p->call.body_len = p->data.len;
        up->parts = kco_realloc(up->parts, sizeof(*up->parts) * (size_t)(up->nparts + 1));
        up->parts[up->nparts++] = p;
        kco_http_submit(cs->http, &p->call);
        return 0;
}

static int kco_cloud_write(kco_upload_t *u, const void *p, size_t n, kco_err_t *err) {
        kco_cloud_upload_t *up = (kco_cloud_upload_t *)u;
        kco_cloud_t *cs = (kco_cloud_t *)u->store;
        if (!up->cur.cap) /* one allocation per part (pages are only touched as they fill) */
                kco_buf_reserve(&up->cur, (size_t)cs->cfg.part_size + 1024 * 1024);
        kco_buf_append(&up->cur, p, n);
        if (up->md5)
                kco_md5_update(up->md5, p, n);
        if (up->cur.len >= (size_t)cs->cfg.part_size)
                return kco_cloud_send_part(cs, up, err);
        return 0;
}

static void kco_cloud_upload_free(kco_cloud_upload_t *up) {
        for (int i = 0; i < up->nparts; i++) {
                kco_http_call_clear(&up->parts[i]->call);
                kco_buf_free(&up->parts[i]->data);
                free(up->parts[i]);
        }
        free(up->parts);
        kco_buf_free(&up->cur);
        kco_md5_destroy(up->md5);
        free(up->upload_id);
        free(up->key);
        free(up);
}

static void kco_cloud_abort(kco_upload_t *u) {
        kco_cloud_upload_t *up = (kco_cloud_upload_t *)u;
        kco_cloud_t *cs = (kco_cloud_t *)u->store;
        for (int i = up->nwaited; i < up->nparts; i++)
                kco_http_wait(&up->parts[i]->call);
        if (up->upload_id) {
                kco_http_call_t call;
                kco_cloud_call_setup(cs, &call, "DELETE", up->key);
                kco_kvlist_add(&call.req.query, "uploadId", up->upload_id);
                kco_http_submit(cs->http, &call);
                kco_http_wait(&call);
                if (!kco_cloud_ok(&call) && call.status != 404) {
                        kco_err_t err;
                        kco_cloud_fail(cs, &call, "multipart abort", &err);
                        kco_warn("store", "%s; the store's lifecycle rules or a later start clean it up", err.msg);
                }
                kco_http_call_clear(&call);
        }
        kco_cloud_upload_free(up);
}

static int kco_cloud_put(kco_cloud_t *cs, kco_cloud_upload_t *up, kco_err_t *err) {
        kco_http_call_t call;
        char md5[25];
        kco_cloud_call_setup(cs, &call, "PUT", up->key);
        kco_cloud_object_headers(cs, &call.req.headers);
        if (up->md5) {
                kco_md5_final_base64(up->md5, md5);
                kco_kvlist_add(&call.req.headers, "Content-MD5", md5);
        }
        call.body = up->cur.data ? up->cur.data : "";
        call.body_len = up->cur.len;
        kco_http_submit(cs->http, &call);
        kco_http_wait(&call);
        int rc = kco_cloud_ok(&call) ? 0 : kco_cloud_fail(cs, &call, "PUT", err);
        kco_http_call_clear(&call);
        return rc;
}

/* CompleteMultipartUpload of key with parts 1..n (etags[i]: part i + 1's ETag, with or without quotes). */
static int kco_cloud_complete(kco_cloud_t *cs, const char *key, const char *upload_id, const char *const *etags,
                              int n, long *status, kco_err_t *err) {
        kco_buf_t xml;
        kco_buf_init(&xml);
        kco_buf_puts(&xml, "<CompleteMultipartUpload>");
        for (int i = 0; i < n; i++) {
                char part[256];
                const char *e = etags[i];
                size_t el = strlen(e);
                if (el >= 2 && e[0] == '"' && e[el - 1] == '"')
                        e++, el -= 2;
                snprintf(part, sizeof(part), "<Part><PartNumber>%d</PartNumber><ETag>\"%.*s\"</ETag></Part>", i + 1,
                         (int)el, e);
                kco_buf_puts(&xml, part);
        }
        kco_buf_puts(&xml, "</CompleteMultipartUpload>");
        kco_http_call_t call;
        kco_cloud_call_setup(cs, &call, "POST", key);
        kco_kvlist_add(&call.req.query, "uploadId", upload_id);
        kco_kvlist_add(&call.req.headers, "Content-Type", "application/xml");
        call.body = xml.data;
        call.body_len = xml.len;
        kco_http_submit(cs->http, &call);
        kco_http_wait(&call);
        int rc = 0;
        /* S3 may answer 200 and put the error in the body */
        if (!kco_cloud_ok(&call) || (call.resp.len && memmem(call.resp.data, call.resp.len, "<Error>", 7))) {
                if (kco_cloud_ok(&call))
                        call.status = 500;
                rc = kco_cloud_fail(cs, &call, "multipart complete", err);
        }
        if (status)
                *status = call.status;
        kco_http_call_clear(&call);
        kco_buf_free(&xml);
        return rc;
}

/* The ETags of an upload's parts, in order (pointers into the parts). */
static const char **kco_cloud_etags(const kco_cloud_upload_t *up) {
        const char **e = kco_calloc((size_t)up->nparts + 1, sizeof(*e));
        for (int i = 0; i < up->nparts; i++)
                e[i] = up->parts[i]->call.etag;
        return e;
}

static int kco_cloud_commit(kco_upload_t *u, kco_err_t *err) {
        kco_cloud_upload_t *up = (kco_cloud_upload_t *)u;
        kco_cloud_t *cs = (kco_cloud_t *)u->store;
        int rc;
        if (!up->upload_id) {
                rc = kco_cloud_put(cs, up, err);
                kco_cloud_upload_free(up);
                return rc;
        }
        rc = up->cur.len ? kco_cloud_send_part(cs, up, err) : 0;
        if (!rc)
                rc = kco_cloud_wait_parts(cs, up, 0, err);
        if (!rc) {
                const char **etags = kco_cloud_etags(up);
                rc = kco_cloud_complete(cs, up->key, up->upload_id, etags, up->nparts, NULL, err);
                free(etags);
        }
        if (rc) {
                kco_cloud_abort(u);
                return -1;
        }
        kco_cloud_upload_free(up);
        return 0;
}

/* ---- head, list, delete -------------------------------------------------- */

static int kco_cloud_head(kco_store_t *st, const char *key, int64_t *size, kco_err_t *err) {
        kco_cloud_t *cs = (kco_cloud_t *)st;
        kco_http_call_t call;
        kco_cloud_call_setup(cs, &call, "HEAD", key);
        kco_http_submit(cs->http, &call);
        kco_http_wait(&call);
        int rc;
        if (kco_cloud_ok(&call)) {
                *size = call.content_length;
                rc = 1;
        } else if (call.status == 404) {
                rc = 0;
        } else {
                rc = kco_cloud_fail(cs, &call, "HEAD", err);
        }
        kco_http_call_clear(&call);
        return rc;
}

static int kco_cloud_remove(kco_store_t *st, const char *key, kco_err_t *err) {
        kco_cloud_t *cs = (kco_cloud_t *)st;
        kco_http_call_t call;
        kco_cloud_call_setup(cs, &call, "DELETE", key);
        kco_http_submit(cs->http, &call);
        kco_http_wait(&call);
        int rc = kco_cloud_ok(&call) || call.status == 404 ? 0 : kco_cloud_fail(cs, &call, "DELETE", err);
        kco_http_call_clear(&call);
        return rc;
}

/* One page of a ListObjectsV2 answer, read with expat. */
typedef struct kco_cloud_listing_s {
        kco_buf_t text;  /* character data of the element being read */
        char *key;       /* of the <Contents> being read */
        int64_t size;
        int in_contents;
        int truncated;
        char *next_token;
        int (*cb)(void *, const char *, int64_t);
        void *opaque;
        int stopped;
} kco_cloud_listing_t;

static void XMLCALL kco_cloud_list_start(void *opaque, const XML_Char *el, const XML_Char **attr) {
        (void)attr;
        kco_cloud_listing_t *l = opaque;
        l->text.len = 0;
        if (!strcmp(el, "Contents")) {
                l->in_contents = 1;
                free(l->key);
                l->key = NULL;
                l->size = -1;
        }
}

static void XMLCALL kco_cloud_list_end(void *opaque, const XML_Char *el) {
        kco_cloud_listing_t *l = opaque;
        const char *t = kco_buf_cstr(&l->text);
        if (l->in_contents && !strcmp(el, "Key")) {
                free(l->key);
                l->key = kco_strdup(t);
        } else if (l->in_contents && !strcmp(el, "Size")) {
                l->size = strtoll(t, NULL, 10);
        } else if (!strcmp(el, "Contents")) {
                l->in_contents = 0;
                if (l->key && !l->stopped)
                        l->stopped = l->cb(l->opaque, l->key, l->size);
        } else if (!strcmp(el, "IsTruncated")) {
                l->truncated = !strcmp(t, "true");
        } else if (!strcmp(el, "NextContinuationToken")) {
                free(l->next_token);
                l->next_token = kco_strdup(t);
        }
        l->text.len = 0;
}

static void XMLCALL kco_cloud_list_text(void *opaque, const XML_Char *s, int len) {
        kco_cloud_listing_t *l = opaque;
        kco_buf_append(&l->text, s, (size_t)len);
}

static int kco_cloud_list(kco_store_t *st, const char *prefix, int (*cb)(void *, const char *, int64_t),
                          void *opaque, kco_err_t *err) {
        kco_cloud_t *cs = (kco_cloud_t *)st;
        kco_cloud_listing_t l;
        memset(&l, 0, sizeof(l));
        kco_buf_init(&l.text);
        l.cb = cb;
        l.opaque = opaque;
        int rc = 0;
        char *token = NULL;
        do {
                kco_http_call_t call;
                kco_cloud_call_setup(cs, &call, "GET", NULL);
                kco_kvlist_add(&call.req.query, "list-type", "2");
                kco_kvlist_add(&call.req.query, "prefix", prefix);
                kco_kvlist_add(&call.req.query, "max-keys", "1000");
                if (token)
                        kco_kvlist_add(&call.req.query, "continuation-token", token);
                kco_http_submit(cs->http, &call);
                kco_http_wait(&call);
                free(token);
                token = NULL;
                if (!kco_cloud_ok(&call)) {
                        rc = kco_cloud_fail(cs, &call, "LIST", err);
                        kco_http_call_clear(&call);
                        break;
                }
                l.truncated = 0;
                XML_Parser xp = XML_ParserCreate(NULL);
                if (!xp)
                        abort();
                XML_SetUserData(xp, &l);
                XML_SetElementHandler(xp, kco_cloud_list_start, kco_cloud_list_end);
                XML_SetCharacterDataHandler(xp, kco_cloud_list_text);
                if (XML_Parse(xp, call.resp.data ? call.resp.data : "", (int)call.resp.len, XML_TRUE) ==
                    XML_STATUS_ERROR)
                        rc = kco_err_set(err, KCO_ERR_IO, 1, "%s LIST of %s: unreadable answer: %s", cs->name,
                                         prefix, XML_ErrorString(XML_GetErrorCode(xp)));
                XML_ParserFree(xp);
                kco_http_call_clear(&call);
                if (!rc && l.truncated && l.next_token && !l.stopped) {
                        token = l.next_token;
                        l.next_token = NULL;
                }
        } while (!rc && token);
        free(l.key);
        free(l.next_token);
        kco_buf_free(&l.text);
        return rc;
}

/* ---- two-phase commit: a multipart upload with every part sent, not completed ---- */

/* The token: "<upload id>;<ETag of part 1>;<ETag of part 2>..." (ETags without quotes). */
static char *kco_cloud_prepare(kco_upload_t *u, kco_err_t *err) {
        kco_cloud_upload_t *up = (kco_cloud_upload_t *)u;
        kco_cloud_t *cs = (kco_cloud_t *)u->store;
        /* even a small object becomes a (one part) multipart upload: a PUT would be visible at once */
        int rc = up->cur.len || !up->nparts ? kco_cloud_send_part(cs, up, err) : 0;
        if (!rc)
                rc = kco_cloud_wait_parts(cs, up, 0, err);
        if (rc) {
                kco_cloud_abort(u);
                return NULL;
        }
        kco_buf_t t;
        kco_buf_init(&t);
        kco_buf_puts(&t, up->upload_id);
        for (int i = 0; i < up->nparts; i++) {
                const char *e = up->parts[i]->call.etag;
                size_t el = strlen(e);
                if (el >= 2 && e[0] == '"' && e[el - 1] == '"')
                        e++, el -= 2;
                kco_buf_putc(&t, ';');
                kco_buf_append(&t, e, el);
        }
        kco_buf_cstr(&t);
        kco_cloud_upload_free(up);
        return t.data;
}

/* Splits a token into its upload id and ETags (pointers into a copy the caller frees as fields[0]). */
static int kco_cloud_token_split(const char *token, char ***fields) {
        char *copy = kco_strdup(token);
        int n = 1;
        for (const char *p = copy; *p; p++)
                n += *p == ';';
        char **f = kco_calloc((size_t)n + 1, sizeof(*f));
        int i = 0;
        for (char *p = copy, *q; p; p = q) {
                q = strchr(p, ';');
                if (q)
                        *q++ = '\0';
                f[i++] = p;
        }
        *fields = f;
        return n;
}

static int kco_cloud_finish(kco_store_t *st, const char *key, const char *token, kco_err_t *err) {
        kco_cloud_t *cs = (kco_cloud_t *)st;
        char **f;
        int n = kco_cloud_token_split(token, &f);
        long status = 0;
        int rc = n < 2 || !*f[0] ? kco_err_set(err, KCO_ERR_DATA, 0, "pending object %s: invalid token", key)
                                 : kco_cloud_complete(cs, key, f[0], (const char *const *)f + 1, n - 1, &status, err);
        if (rc && status == 404) { /* NoSuchUpload: completed before (or lost) */
                int64_t size;
                kco_err_t e2;
                kco_err_clear(&e2);
                int h = kco_cloud_head(st, key, &size, &e2);
                if (h == 1)
                        rc = 0;
                else if (h == 0)
                        kco_err_set(err, KCO_ERR_IO, 0, "%s pending object %s is lost: its upload %s is gone and "
                                    "the object does not exist",
                                    cs->name, key, f[0]);
                else
                        *err = e2;
        }
        free(f[0]);
        free(f);
        return rc;
}

static int kco_cloud_abort_id(kco_cloud_t *cs, const char *key, const char *upload_id, kco_err_t *err) {
        kco_http_call_t call;
        kco_cloud_call_setup(cs, &call, "DELETE", key);
        kco_kvlist_add(&call.req.query, "uploadId", upload_id);
        kco_http_submit(cs->http, &call);
        kco_http_wait(&call);
        /* 405 / 501: a store without AbortMultipartUpload; an upload never completed is never visible */
        int rc = kco_cloud_ok(&call) || call.status == 404 || call.status == 405 || call.status == 501
                         ? 0
                         : kco_cloud_fail(cs, &call, "multipart abort", err);
        kco_http_call_clear(&call);
        return rc;
}

static int kco_cloud_cancel(kco_store_t *st, const char *key, const char *token, kco_err_t *err) {
        char *id = kco_strndup(token, strcspn(token, ";"));
        int rc = kco_cloud_abort_id((kco_cloud_t *)st, key, id, err);
        free(id);
        return rc;
}

static int kco_cloud_get(kco_store_t *st, const char *key, kco_buf_t *out, kco_err_t *err) {
        kco_cloud_t *cs = (kco_cloud_t *)st;
        kco_http_call_t call;
        kco_cloud_call_setup(cs, &call, "GET", key);
        kco_http_submit(cs->http, &call);
        kco_http_wait(&call);
        int rc = 1;
        if (kco_cloud_ok(&call))
                kco_buf_append(out, call.resp.data, call.resp.len);
        else if (call.status == 404)
                rc = 0;
        else
                rc = kco_cloud_fail(cs, &call, "GET", err);
        kco_http_call_clear(&call);
        return rc;
}

/* One page of a ListMultipartUploads answer. */
typedef struct kco_cloud_uploads_s {
        kco_buf_t text;
        char *key, *id;
        int truncated;
        char *next_key, *next_id;
        char **keys, **ids; /* the uploads found */
        int n;
} kco_cloud_uploads_t;

static void XMLCALL kco_cloud_uploads_start(void *opaque, const XML_Char *el, const XML_Char **attr) {
        (void)attr;
        (void)el;
        ((kco_cloud_uploads_t *)opaque)->text.len = 0;
}

static void XMLCALL kco_cloud_uploads_text(void *opaque, const XML_Char *s, int len) {
        kco_buf_append(&((kco_cloud_uploads_t *)opaque)->text, s, (size_t)len);
}

static void kco_cloud_set(char **field, const char *v) {
        free(*field);
        *field = kco_strdup(v);
}

static void XMLCALL kco_cloud_uploads_end(void *opaque, const XML_Char *el) {
        kco_cloud_uploads_t *l = opaque;
        const char *t = kco_buf_cstr(&l->text);
        if (!strcmp(el, "Key"))
                kco_cloud_set(&l->key, t);
        else if (!strcmp(el, "UploadId"))
                kco_cloud_set(&l->id, t);
        else if (!strcmp(el, "NextKeyMarker"))
                kco_cloud_set(&l->next_key, t);
        else if (!strcmp(el, "NextUploadIdMarker"))
                kco_cloud_set(&l->next_id, t);
        else if (!strcmp(el, "IsTruncated"))
                l->truncated = !strcmp(t, "true");
        else if (!strcmp(el, "Upload") && l->key && l->id) {
                l->keys = kco_realloc(l->keys, sizeof(*l->keys) * (size_t)(l->n + 1));
                l->ids = kco_realloc(l->ids, sizeof(*l->ids) * (size_t)(l->n + 1));
                l->keys[l->n] = l->key;
                l->ids[l->n++] = l->id;
                l->key = l->id = NULL;
        }
        l->text.len = 0;
}

/* Aborts the multipart uploads below prefix that discard (given the key and the upload id) picks. A store
 * without ListMultipartUploads (501) has nothing swept. */
static int kco_cloud_sweep(kco_store_t *st, const char *prefix, int (*discard)(void *, const char *, const char *),
                           void *opaque, kco_err_t *err) {
        kco_cloud_t *cs = (kco_cloud_t *)st;
        kco_cloud_uploads_t l;
        memset(&l, 0, sizeof(l));
        int rc = 0, removed = 0;
        do {
                kco_http_call_t call;
                kco_cloud_call_setup(cs, &call, "GET", NULL);
                kco_kvlist_add(&call.req.query, "uploads", NULL);
                kco_kvlist_add(&call.req.query, "prefix", prefix);
                if (l.next_key) {
                        kco_kvlist_add(&call.req.query, "key-marker", l.next_key);
                        kco_kvlist_add(&call.req.query, "upload-id-marker", l.next_id ? l.next_id : "");
                }
                kco_http_submit(cs->http, &call);
                kco_http_wait(&call);
                l.truncated = 0;
                if (call.status == 501 || call.status == 405) {
                        kco_debug("store", "%s: no ListMultipartUploads here; stale uploads are left to the store's "
                                  "lifecycle rules", cs->name);
                } else if (!kco_cloud_ok(&call)) {
                        rc = kco_cloud_fail(cs, &call, "list of multipart uploads", err);
                } else {
                        XML_Parser xp = XML_ParserCreate(NULL);
                        if (!xp)
                                abort();
                        XML_SetUserData(xp, &l);
                        XML_SetElementHandler(xp, kco_cloud_uploads_start, kco_cloud_uploads_end);
                        XML_SetCharacterDataHandler(xp, kco_cloud_uploads_text);
                        if (XML_Parse(xp, call.resp.data ? call.resp.data : "", (int)call.resp.len, XML_TRUE) ==
                            XML_STATUS_ERROR)
                                rc = kco_err_set(err, KCO_ERR_IO, 1, "%s list of uploads below %s: unreadable answer",
                                                 cs->name, prefix);
                        XML_ParserFree(xp);
                }
                kco_http_call_clear(&call);
        } while (!rc && l.truncated && l.next_key);
        for (int i = 0; i < l.n; i++) {
                if (!rc && discard(opaque, l.keys[i], l.ids[i])) {
                        kco_err_t e2;
                        if (kco_cloud_abort_id(cs, l.keys[i], l.ids[i], &e2))
                                kco_warn("store", "%s", e2.msg);
                        else
                                removed++;
                }
                free(l.keys[i]);
                free(l.ids[i]);
        }
        free(l.keys);
        free(l.ids);
        free(l.key);
        free(l.id);
        free(l.next_key);
        free(l.next_id);
        kco_buf_free(&l.text);
        return rc ? -1 : removed;
}

/* The part being filled (its pages are touched as it fills) and the parts not yet known sent. */
static size_t kco_cloud_held(const kco_upload_t *u) {
        const kco_cloud_upload_t *up = (const kco_cloud_upload_t *)u;
        size_t n = up->cur.len;
        for (int i = up->nwaited; i < up->nparts; i++)
                n += up->parts[i]->data.len;
        return n;
}

static void kco_cloud_hurry(kco_store_t *st) {
        kco_http_hurry(((kco_cloud_t *)st)->http);
}

static void kco_cloud_destroy(kco_store_t *st) {
        kco_cloud_t *cs = (kco_cloud_t *)st;
        kco_http_destroy(cs->http);
        kco_cloud_cfg_free(&cs->cfg);
        free(cs);
}

static const kco_store_ops_t kco_cloud_ops = {
        "cloud",          kco_cloud_open,   kco_cloud_write, kco_cloud_commit, kco_cloud_abort,
        kco_cloud_head,   kco_cloud_list,   kco_cloud_remove, kco_cloud_prepare, kco_cloud_finish,
        kco_cloud_cancel, kco_cloud_get,    kco_cloud_sweep, kco_cloud_hurry,  kco_cloud_destroy,
        kco_cloud_held,
};

kco_store_t *kco_store_cloud_new(const kco_conf_t *conf, kco_err_t *err) {
        kco_conf_errs_t errs;
        kco_conf_errs_init(&errs);
        kco_cloud_t *cs = kco_calloc(1, sizeof(*cs));
        if (kco_cloud_cfg_resolve(conf, &cs->cfg, &errs)) {
                kco_err_set(err, KCO_ERR_CONFIG, 0, "%s", errs.n ? errs.msg[0] : "invalid store settings");
                kco_conf_errs_free(&errs);
                free(cs);
                return NULL;
        }
        kco_conf_errs_free(&errs);
        cs->base.ops = &kco_cloud_ops;
        cs->conf = conf;
        cs->name = cs->cfg.dialect == KCO_CLOUD_OSS ? "OSS" : "S3";
        kco_http_opts_t o = {
                .max_connections = cs->cfg.max_conn,
                .connect_timeout_ms = 10000,
                .timeout_ms = conf->store_timeout_ms,
                .low_speed_secs = 30,
                .max_attempts = conf->store_retry_attempts,
                .backoff_ms = conf->store_retry_backoff_ms,
                .backoff_max_ms = 20000,
                .verify_tls = 1,
                .ca_file = *conf->store_ca_file ? conf->store_ca_file : NULL,
        };
        cs->http = kco_http_new(&o);
        kco_info("store", "%s: bucket %s at %s://%s (%s addressing, %s signatures, parts of %" PRId64 " bytes)",
                 cs->name, cs->cfg.bucket, cs->cfg.scheme, cs->cfg.endpoint,
                 cs->cfg.path_style ? "path-style" : "virtual-hosted",
                 cs->cfg.sign == KCO_SIGN_OSSV1 ? "OSS V1" : cs->cfg.sign == KCO_SIGN_OSSV4 ? "OSS V4" : "AWS V4",
                 cs->cfg.part_size);
        return &cs->base;
}
