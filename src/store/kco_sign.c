/*
 * kco_sign.c - object-store request URLs and signatures (see kco_sign.h):
 * AWS Signature V4 for S3, OSS V1 (HMAC-SHA1) and OSS V4 (OSS4-HMAC-SHA256).
 *
 * Owns: the header/query lists it is handed while it edits them, and its
 * scratch buffers; no state between calls. Pure functions, any thread
 * (OpenSSL's one-shot digests and HMAC() are thread-safe).
 * Must never: log, return or leave behind the secret or a key derived from
 * it (scratch key material is cleansed before it is freed); sign a path or
 * query other than the one kco_objreq_url() builds (both come from
 * kco_sign_path() and kco_sign_pct()); modify r->query (the transport
 * shares it between the attempts of a call).
 *
 * The rules each signer follows, and where they come from:
 *
 * S3V4 (AWS "Signature Calculations for the Authorization Header"):
 *   canonical URI = the encoded path exactly as sent (S3 does not encode
 *   twice); query names and values RFC 3986-encoded, sorted by name then
 *   value, a bare name signed as "name="; header names lowercased, values
 *   with CR/LF turned into spaces, runs of spaces/tabs collapsed and the ends
 *   trimmed (what the AWS SDK does), duplicates joined with ','. Headers the
 *   AWS SDK never signs (hop-by-hop, proxy-rewritten, user-agent) are left
 *   out so a proxy cannot break the signature.
 *
 * OSSV1 ("Include a V1 signature in the Authorization header"):
 *   VERB, Content-MD5, Content-Type, Date (x-oss-date wins when the caller
 *   set one, as the OSS SDKs do), then "name:value\n" for every x-oss-*
 *   header (lowercased, trimmed, sorted), then the resource: /bucket/key
 *   raw, not encoded, "/bucket/" for a bucket and "/" for the service, plus
 *   the sub-resources among the query parameters, sorted, values raw, an
 *   empty value signed as the bare name. Which names are sub-resources is
 *   the union of the lists in the official OSS SDKs (Go v1 and v2, Python);
 *   names starting "x-oss-" are sub-resources too (Go SDK v2).
 *
 * OSSV4 ("Include a V4 signature in the Authorization header"):
 *   canonical URI = "/bucket/key" (or "/") encoded with '/' kept, whatever
 *   the URL style; query like S3 except that a bare or empty value is
 *   signed as the name alone (the Go, Python and Java SDKs; see
 *   kco_sign_query); canonical headers = content-type, content-md5, x-oss-*
 *   and the additional header host, values trimmed; payload
 *   "UNSIGNED-PAYLOAD"; key chain from "aliyun_v4" + secret through date,
 *   region, "oss", "aliyun_v4_request".
 */
#include "store/kco_sign.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/kco_mem.h"

/* ---- name/value lists ------------------------------------------------- */

void kco_kvlist_add(kco_kvlist_t *l, const char *name, const char *value) {
        l->v = kco_realloc(l->v, (l->n + 1) * sizeof(*l->v));
        l->v[l->n].name = kco_strdup(name);
        l->v[l->n].value = value ? kco_strdup(value) : NULL;
        l->n++;
}

void kco_kvlist_set(kco_kvlist_t *l, const char *name, const char *value) {
        for (size_t i = 0; i < l->n; i++) {
                if (strcasecmp(l->v[i].name, name))
                        continue;
                free(l->v[i].name);
                free(l->v[i].value);
                l->v[i].name = kco_strdup(name);
                l->v[i].value = value ? kco_strdup(value) : NULL;
                return;
        }
        kco_kvlist_add(l, name, value);
}

const char *kco_kvlist_get(const kco_kvlist_t *l, const char *name) {
        for (size_t i = 0; i < l->n; i++)
                if (!strcasecmp(l->v[i].name, name))
                        return l->v[i].value;
        return NULL;
}

void kco_kvlist_free(kco_kvlist_t *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->v[i].name);
                free(l->v[i].value);
        }
        free(l->v);
        l->v = NULL;
        l->n = 0;
}

/* Removes every entry named name (case-insensitive). */
static void kco_sign_kv_del(kco_kvlist_t *l, const char *name) {
        size_t j = 0;
        for (size_t i = 0; i < l->n; i++) {
                if (!strcasecmp(l->v[i].name, name)) {
                        free(l->v[i].name);
                        free(l->v[i].value);
                        continue;
                }
                l->v[j++] = l->v[i];
        }
        l->n = j;
}

/* A header this signer owns: exactly one entry, with our value. */
static void kco_sign_kv_put(kco_kvlist_t *l, const char *name, const char *value) {
        kco_sign_kv_del(l, name);
        kco_kvlist_add(l, name, value);
}

/* ---- encoding ----------------------------------------------------------- */

static int kco_sign_unreserved(unsigned char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '.' || c == '_' || c == '~';
}

/* Appends s percent-encoded per RFC 3986 (uppercase hex); '/' is kept when
 * keep_slash. */
static void kco_sign_pct(kco_buf_t *b, const char *s, int keep_slash) {
        static const char hex[] = "0123456789ABCDEF";
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (kco_sign_unreserved(*p) || (keep_slash && *p == '/')) {
                        kco_buf_putc(b, (char)*p);
                } else {
                        char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
                        kco_buf_append(b, e, 3);
                }
        }
}

static int kco_sign_has(const char *s) {
        return s && *s;
}

char *kco_objreq_host(const kco_objreq_t *r) {
        if (kco_sign_has(r->bucket) && !r->path_style)
                return kco_asprintf("%s.%s", r->bucket, r->endpoint);
        return kco_strdup(r->endpoint);
}

/* The path as sent: "/key" (virtual-host style) or "/bucket/key"; for the
 * bucket itself "/" or "/bucket" (no trailing slash: S3 servers such as
 * s3rver canonicalize "/bucket/" to "/bucket" when they check a signature). */
static void kco_sign_path(kco_buf_t *b, const kco_objreq_t *r) {
        kco_buf_putc(b, '/');
        if (kco_sign_has(r->bucket) && r->path_style) {
                kco_sign_pct(b, r->bucket, 0);
                if (!kco_sign_has(r->key))
                        return;
                kco_buf_putc(b, '/');
        }
        if (r->key)
                kco_sign_pct(b, r->key, 1);
}

char *kco_objreq_url(const kco_objreq_t *r) {
        kco_buf_t b;
        kco_buf_init(&b);
        char *host = kco_objreq_host(r);
        kco_buf_puts(&b, r->scheme ? r->scheme : "https");
        kco_buf_puts(&b, "://");
        kco_buf_puts(&b, host);
        free(host);
        kco_sign_path(&b, r);
        for (size_t i = 0; i < r->query.n; i++) {
                kco_buf_putc(&b, i ? '&' : '?');
                kco_sign_pct(&b, r->query.v[i].name, 0);
                if (r->query.v[i].value) {
                        kco_buf_putc(&b, '=');
                        kco_sign_pct(&b, r->query.v[i].value, 0);
                }
        }
        kco_buf_cstr(&b);
        return b.data;
}

/* ---- digests -------------------------------------------------------------- */

static void kco_sign_hex(const unsigned char *d, size_t n, char *out) {
        static const char hex[] = "0123456789abcdef";
        for (size_t i = 0; i < n; i++) {
                out[2 * i] = hex[d[i] >> 4];
                out[2 * i + 1] = hex[d[i] & 15];
        }
        out[2 * n] = '\0';
}

static void kco_sign_digest(const EVP_MD *md, const void *p, size_t n, unsigned char *out) {
        unsigned int len = 0;
        if (!EVP_Digest(p, n, out, &len, md, NULL))
                abort(); /* only fails on allocation failure */
}

void kco_sign_sha256_hex(const void *p, size_t n, char out[65]) {
        unsigned char d[32];
        kco_sign_digest(EVP_sha256(), p, n, d);
        kco_sign_hex(d, 32, out);
}

void kco_sign_md5_base64(const void *p, size_t n, char out[25]) {
        unsigned char d[16];
        kco_sign_digest(EVP_md5(), p, n, d);
        EVP_EncodeBlock((unsigned char *)out, d, 16); /* 24 chars + NUL */
}

struct kco_md5_s {
        EVP_MD_CTX *ctx;
};

kco_md5_t *kco_md5_new(void) {
        kco_md5_t *m = kco_calloc(1, sizeof(*m));
        m->ctx = EVP_MD_CTX_new();
        if (!m->ctx || !EVP_DigestInit_ex(m->ctx, EVP_md5(), NULL))
                abort();
        return m;
}

void kco_md5_update(kco_md5_t *m, const void *p, size_t n) {
        if (n && !EVP_DigestUpdate(m->ctx, p, n))
                abort();
}

void kco_md5_final_base64(kco_md5_t *m, char out[25]) {
        unsigned char d[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        if (!EVP_DigestFinal_ex(m->ctx, d, &len) || !EVP_DigestInit_ex(m->ctx, EVP_md5(), NULL))
                abort();
        EVP_EncodeBlock((unsigned char *)out, d, 16);
}

void kco_md5_destroy(kco_md5_t *m) {
        if (!m)
                return;
        EVP_MD_CTX_free(m->ctx);
        free(m);
}

/* out = HMAC(md, key, msg); returns the MAC length. */
static unsigned int kco_sign_hmac(const EVP_MD *md, const void *key, size_t klen, const char *msg, size_t mlen,
                                  unsigned char out[EVP_MAX_MD_SIZE]) {
        unsigned int len = 0;
        if (!HMAC(md, key, (int)klen, (const unsigned char *)msg, mlen, out, &len))
                abort();
        return len;
}

/* The V4 key chain: HMAC(HMAC(HMAC(HMAC(prefix+secret, date), region),
 * service), terminator) into key (32 bytes used). */
static void kco_sign_v4_key(const char *prefix, const char *secret, const char *date, const char *region,
                            const char *service, const char *terminator, unsigned char key[EVP_MAX_MD_SIZE]) {
        size_t pl = strlen(prefix), sl = strlen(secret);
        unsigned char *k0 = kco_malloc(pl + sl);
        memcpy(k0, prefix, pl);
        memcpy(k0 + pl, secret, sl);
        unsigned char a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
        unsigned int n = kco_sign_hmac(EVP_sha256(), k0, pl + sl, date, strlen(date), a);
        n = kco_sign_hmac(EVP_sha256(), a, n, region, strlen(region), b);
        n = kco_sign_hmac(EVP_sha256(), b, n, service, strlen(service), a);
        kco_sign_hmac(EVP_sha256(), a, n, terminator, strlen(terminator), key);
        OPENSSL_cleanse(k0, pl + sl);
        OPENSSL_cleanse(a, sizeof(a));
        OPENSSL_cleanse(b, sizeof(b));
        free(k0);
}

/* ---- canonical pieces ------------------------------------------------------- */

typedef struct kco_sign_pair_s {
        char *name;  /* lowercased (headers) or encoded (query) */
        char *value; /* canonical value ("" for a bare query name) */
        size_t seq;  /* input position: keeps duplicates in order */
} kco_sign_pair_t;

static int kco_sign_pair_cmp_name(const void *a, const void *b) {
        const kco_sign_pair_t *x = a, *y = b;
        int c = strcmp(x->name, y->name);
        if (c)
                return c;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int kco_sign_pair_cmp_name_value(const void *a, const void *b) {
        const kco_sign_pair_t *x = a, *y = b;
        int c = strcmp(x->name, y->name);
        if (c)
                return c;
        c = strcmp(x->value ? x->value : "", y->value ? y->value : "");
        if (c)
                return c;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void kco_sign_pairs_free(kco_sign_pair_t *p, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(p[i].name);
                free(p[i].value);
        }
        free(p);
}

static char *kco_sign_lower(const char *s) {
        char *d = kco_strdup(s);
        for (char *p = d; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                        *p = (char)(*p - 'A' + 'a');
        return d;
}

static int kco_sign_ws(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* OSS: the value with ASCII whitespace trimmed from both ends. */
static char *kco_sign_trim(const char *s) {
        while (kco_sign_ws(*s))
                s++;
        size_t n = strlen(s);
        while (n && kco_sign_ws(s[n - 1]))
                n--;
        return kco_strndup(s, n);
}

/* AWS: CR/LF become spaces, runs of spaces and tabs one space, no space at
 * either end (the AWS SDK's rule; the spec's "Trimall"). */
static char *kco_sign_trimall(const char *s) {
        kco_buf_t b;
        kco_buf_init(&b);
        int space = 0;
        for (; *s; s++) {
                char c = *s;
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                        space = 1;
                        continue;
                }
                if (space && b.len)
                        kco_buf_putc(&b, ' ');
                space = 0;
                kco_buf_putc(&b, c);
        }
        kco_buf_cstr(&b);
        return b.data;
}

/*
 * Canonical query for V4: encoded names and values sorted by name then
 * value. A bare name (NULL value) is "name=" for S3 (its spec: an empty
 * value); for OSS a bare or empty value is the name alone - the OSS SDKs for
 * Go, Python and Java sign "a=" in a URL as "a", so the service must too.
 */
static void kco_sign_query(kco_buf_t *b, const kco_kvlist_t *q, int oss) {
        if (!q->n)
                return;
        kco_sign_pair_t *p = kco_calloc(q->n, sizeof(*p));
        for (size_t i = 0; i < q->n; i++) {
                kco_buf_t t;
                kco_buf_init(&t);
                kco_sign_pct(&t, q->v[i].name, 0);
                p[i].name = kco_strdup(kco_buf_cstr(&t));
                t.len = 0;
                if (q->v[i].value)
                        kco_sign_pct(&t, q->v[i].value, 0);
                p[i].value = kco_strdup(kco_buf_cstr(&t));
                p[i].seq = i;
                kco_buf_free(&t);
        }
        qsort(p, q->n, sizeof(*p), kco_sign_pair_cmp_name_value);
        for (size_t i = 0; i < q->n; i++) {
                if (i)
                        kco_buf_putc(b, '&');
                kco_buf_puts(b, p[i].name);
                if (!oss || *p[i].value) {
                        kco_buf_putc(b, '=');
                        kco_buf_puts(b, p[i].value);
                }
        }
        kco_sign_pairs_free(p, q->n);
}

typedef int (*kco_sign_hdr_filter_t)(const char *lower_name);

/*
 * Canonical headers for V4: the headers keep() accepts, names lowercased,
 * values canonicalized by canon(), sorted by name, duplicates joined with
 * ','. Appends "name:value\n" lines to lines and "a;b;c" to names.
 */
static void kco_sign_headers(const kco_kvlist_t *h, kco_sign_hdr_filter_t keep, char *(*canon)(const char *),
                             kco_buf_t *lines, kco_buf_t *names) {
        kco_sign_pair_t *p = kco_calloc(h->n ? h->n : 1, sizeof(*p));
        size_t n = 0;
        for (size_t i = 0; i < h->n; i++) {
                char *lower = kco_sign_lower(h->v[i].name);
                if (!keep(lower)) {
                        free(lower);
                        continue;
                }
                p[n].name = lower;
                p[n].value = canon(h->v[i].value ? h->v[i].value : "");
                p[n].seq = i;
                n++;
        }
        qsort(p, n, sizeof(*p), kco_sign_pair_cmp_name);
        for (size_t i = 0; i < n; i++) {
                if (i && !strcmp(p[i].name, p[i - 1].name)) {
                        lines->len--; /* the '\n' */
                        kco_buf_putc(lines, ',');
                } else {
                        kco_buf_puts(lines, p[i].name);
                        kco_buf_putc(lines, ':');
                        if (names->len)
                                kco_buf_putc(names, ';');
                        kco_buf_puts(names, p[i].name);
                }
                kco_buf_puts(lines, p[i].value);
                kco_buf_putc(lines, '\n');
        }
        kco_buf_cstr(names);
        kco_sign_pairs_free(p, n);
}

/* What the AWS SDK never signs: hop-by-hop headers, headers proxies rewrite,
 * and its own generated Authorization. */
static int kco_sign_s3_signed(const char *n) {
        static const char *const never[] = {"authorization", "cache-control", "connection", "expect",
                                            "from",          "keep-alive",    "max-forwards", "pragma",
                                            "referer",       "te",            "trailer",      "transfer-encoding",
                                            "upgrade",       "user-agent",    "x-amzn-trace-id"};
        for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
                if (!strcmp(n, never[i]))
                        return 0;
        return strncmp(n, "proxy-", 6) && strncmp(n, "sec-", 4);
}

static int kco_sign_oss4_signed(const char *n) {
        return !strcmp(n, "content-type") || !strcmp(n, "content-md5") || !strncmp(n, "x-oss-", 6) ||
               !strcmp(n, "host");
}

static int kco_sign_oss1_signed(const char *n) {
        return !strncmp(n, "x-oss-", 6);
}

/* ---- dates ------------------------------------------------------------------ */

static void kco_sign_tm(time_t now, struct tm *tm) {
        if (!gmtime_r(&now, tm))
                memset(tm, 0, sizeof(*tm));
}

/* Writes v (clamped to 0..10^w-1) as w decimal digits. */
static char *kco_sign_digits(char *p, int v, int w) {
        int max = 1;
        for (int i = 0; i < w; i++)
                max *= 10;
        if (v < 0)
                v = 0;
        if (v >= max)
                v = max - 1;
        for (int i = w - 1; i >= 0; i--) {
                p[i] = (char)('0' + v % 10);
                v /= 10;
        }
        return p + w;
}

/* yyyymmddThhmmssZ into out[17]; out8[9] gets yyyymmdd. */
static void kco_sign_iso8601(time_t now, char out[17], char out8[9]) {
        struct tm tm;
        kco_sign_tm(now, &tm);
        char *p = kco_sign_digits(out, tm.tm_year + 1900, 4);
        p = kco_sign_digits(p, tm.tm_mon + 1, 2);
        p = kco_sign_digits(p, tm.tm_mday, 2);
        *p++ = 'T';
        p = kco_sign_digits(p, tm.tm_hour, 2);
        p = kco_sign_digits(p, tm.tm_min, 2);
        p = kco_sign_digits(p, tm.tm_sec, 2);
        *p++ = 'Z';
        *p = '\0';
        memcpy(out8, out, 8);
        out8[8] = '\0';
}

/* RFC 1123 in GMT ("Wed, 25 Nov 2026 10:30:00 GMT"), whatever the locale. */
static void kco_sign_http_date(time_t now, char out[32]) {
        static const char wd[] = "SunMonTueWedThuFriSat";
        static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
        struct tm tm;
        kco_sign_tm(now, &tm);
        char *p = out;
        memcpy(p, wd + 3 * ((unsigned)tm.tm_wday % 7), 3);
        p += 3;
        *p++ = ',';
        *p++ = ' ';
        p = kco_sign_digits(p, tm.tm_mday, 2);
        *p++ = ' ';
        memcpy(p, mon + 3 * ((unsigned)tm.tm_mon % 12), 3);
        p += 3;
        *p++ = ' ';
        p = kco_sign_digits(p, tm.tm_year + 1900, 4);
        *p++ = ' ';
        p = kco_sign_digits(p, tm.tm_hour, 2);
        *p++ = ':';
        p = kco_sign_digits(p, tm.tm_min, 2);
        *p++ = ':';
        p = kco_sign_digits(p, tm.tm_sec, 2);
        memcpy(p, " GMT", 5);
}

/* ---- S3 V4 ------------------------------------------------------------------- */

/* The headers every signer adds before it signs: Host, its date header, the
 * payload hash header (if any) and the token header (if a token); any old
 * Authorization goes (a retry signs again). */
static void kco_sign_prepare(kco_objreq_t *r, const kco_creds_t *c, const char *date_name, const char *date,
                             const char *payload_name, const char *payload, const char *token_name) {
        char *host = kco_objreq_host(r);
        kco_sign_kv_del(&r->headers, "authorization");
        kco_sign_kv_put(&r->headers, "Host", host);
        kco_sign_kv_put(&r->headers, date_name, date);
        if (payload_name)
                kco_sign_kv_put(&r->headers, payload_name, payload);
        if (kco_sign_has(c->token))
                kco_sign_kv_put(&r->headers, token_name, c->token);
        free(host);
}

static void kco_sign_s3v4(kco_objreq_t *r, const kco_creds_t *c, const char *region, const char *payload,
                          time_t now, kco_buf_t *text) {
        char amzdate[17], date[9];
        kco_sign_iso8601(now, amzdate, date);
        kco_sign_prepare(r, c, "x-amz-date", amzdate, "x-amz-content-sha256", payload, "x-amz-security-token");

        kco_buf_t creq, lines, names;
        kco_buf_init(&creq);
        kco_buf_init(&lines);
        kco_buf_init(&names);
        kco_buf_puts(&creq, r->method);
        kco_buf_putc(&creq, '\n');
        kco_sign_path(&creq, r);
        kco_buf_putc(&creq, '\n');
        kco_sign_query(&creq, &r->query, 0);
        kco_buf_putc(&creq, '\n');
        kco_sign_headers(&r->headers, kco_sign_s3_signed, kco_sign_trimall, &lines, &names);
        kco_buf_append(&creq, lines.data, lines.len);
        kco_buf_putc(&creq, '\n');
        kco_buf_append(&creq, names.data, names.len);
        kco_buf_putc(&creq, '\n');
        kco_buf_puts(&creq, payload);

        char scope[256], creq_hash[65], sig[65];
        snprintf(scope, sizeof(scope), "%s/%s/s3/aws4_request", date, region);
        kco_sign_sha256_hex(creq.data, creq.len, creq_hash);
        char *sts = kco_asprintf("AWS4-HMAC-SHA256\n%s\n%s\n%s", amzdate, scope, creq_hash);
        unsigned char key[EVP_MAX_MD_SIZE], mac[EVP_MAX_MD_SIZE];
        kco_sign_v4_key("AWS4", c->secret, date, region, "s3", "aws4_request", key);
        kco_sign_hmac(EVP_sha256(), key, 32, sts, strlen(sts), mac);
        OPENSSL_cleanse(key, sizeof(key));
        kco_sign_hex(mac, 32, sig);
        char *auth = kco_asprintf("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s", c->id, scope,
                                  kco_buf_cstr(&names), sig);
        kco_sign_kv_put(&r->headers, "Authorization", auth);
        if (text)
                kco_buf_append(text, creq.data, creq.len);
        free(auth);
        free(sts);
        kco_buf_free(&creq);
        kco_buf_free(&lines);
        kco_buf_free(&names);
}

/* ---- OSS V1 ------------------------------------------------------------------ */

/* Query parameters OSS V1 signs: the union of the official SDKs' lists. */
static const char *const kco_sign_oss_subresources[] = {
    "acl", "append", "asyncFetch", "bucketInfo", "callback", "callback-var", "cloudboxes", "cname", "comp",
    "continuation-token", "cors", "delete", "encryption", "endTime", "group", "img", "inventory", "inventoryId",
    "lifecycle", "link", "live", "location", "logging", "metaQuery", "objectInfo", "objectMeta", "partNumber",
    "policy", "position", "qos", "qosInfo", "referer", "regionList", "replication", "replicationLocation",
    "replicationProgress", "requestPayment", "resourceGroup", "response-cache-control",
    "response-content-disposition", "response-content-encoding", "response-content-language",
    "response-content-type", "response-expires", "restore", "security-token", "sequential", "startTime", "stat",
    "status", "style", "styleName", "symlink", "tagging", "transferAcceleration", "udf", "udfApplication",
    "udfApplicationLog", "udfId", "udfImage", "udfImageDesc", "udfName", "uploadId", "uploads", "versionId",
    "versioning", "versions", "vod", "website", "withHashContext", "worm", "wormExtend", "wormId",
    /* x-oss-* names (x-oss-process, x-oss-traffic-limit, ...) by prefix */
};

static int kco_sign_oss_subresource(const char *name) {
        if (!strncmp(name, "x-oss-", 6))
                return 1;
        for (size_t i = 0; i < sizeof(kco_sign_oss_subresources) / sizeof(kco_sign_oss_subresources[0]); i++)
                if (!strcmp(name, kco_sign_oss_subresources[i]))
                        return 1;
        return 0;
}

static char *kco_sign_dup(const char *s) {
        return kco_strdup(s ? s : "");
}

static void kco_sign_ossv1(kco_objreq_t *r, const kco_creds_t *c, time_t now, kco_buf_t *text) {
        char date[32];
        kco_sign_http_date(now, date);
        kco_sign_prepare(r, c, "Date", date, NULL, NULL, "x-oss-security-token");

        kco_buf_t s, lines, names;
        kco_buf_init(&s);
        kco_buf_init(&lines);
        kco_buf_init(&names);
        const char *md5 = kco_kvlist_get(&r->headers, "content-md5");
        const char *ctype = kco_kvlist_get(&r->headers, "content-type");
        const char *xdate = kco_kvlist_get(&r->headers, "x-oss-date");
        kco_buf_puts(&s, r->method);
        kco_buf_putc(&s, '\n');
        kco_buf_puts(&s, md5 ? md5 : "");
        kco_buf_putc(&s, '\n');
        kco_buf_puts(&s, ctype ? ctype : "");
        kco_buf_putc(&s, '\n');
        kco_buf_puts(&s, kco_sign_has(xdate) ? xdate : date);
        kco_buf_putc(&s, '\n');
        kco_sign_headers(&r->headers, kco_sign_oss1_signed, kco_sign_trim, &lines, &names);
        kco_buf_append(&s, lines.data, lines.len);

        /* CanonicalizedResource: raw bytes, no encoding. */
        kco_buf_putc(&s, '/');
        if (kco_sign_has(r->bucket)) {
                kco_buf_puts(&s, r->bucket);
                kco_buf_putc(&s, '/');
                if (r->key)
                        kco_buf_puts(&s, r->key);
        }
        kco_sign_pair_t *p = kco_calloc(r->query.n ? r->query.n : 1, sizeof(*p));
        size_t n = 0;
        for (size_t i = 0; i < r->query.n; i++) {
                if (!kco_sign_oss_subresource(r->query.v[i].name))
                        continue;
                p[n].name = kco_sign_dup(r->query.v[i].name);
                p[n].value = kco_sign_dup(r->query.v[i].value);
                p[n].seq = i;
                n++;
        }
        qsort(p, n, sizeof(*p), kco_sign_pair_cmp_name);
        for (size_t i = 0; i < n; i++) {
                kco_buf_putc(&s, i ? '&' : '?');
                kco_buf_puts(&s, p[i].name);
                if (*p[i].value) {
                        kco_buf_putc(&s, '=');
                        kco_buf_puts(&s, p[i].value);
                }
        }
        kco_sign_pairs_free(p, n);

        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int ml = kco_sign_hmac(EVP_sha1(), c->secret, strlen(c->secret), s.data, s.len, mac);
        char b64[32];
        EVP_EncodeBlock((unsigned char *)b64, mac, (int)ml);
        char *auth = kco_asprintf("OSS %s:%s", c->id, b64);
        kco_sign_kv_put(&r->headers, "Authorization", auth);
        if (text)
                kco_buf_append(text, s.data, s.len);
        free(auth);
        kco_buf_free(&s);
        kco_buf_free(&lines);
        kco_buf_free(&names);
}

/* ---- OSS V4 ------------------------------------------------------------------ */

static void kco_sign_ossv4(kco_objreq_t *r, const kco_creds_t *c, const char *region, time_t now,
                           kco_buf_t *text) {
        char ossdate[17], date[9];
        kco_sign_iso8601(now, ossdate, date);
        kco_sign_prepare(r, c, "x-oss-date", ossdate, "x-oss-content-sha256", "UNSIGNED-PAYLOAD",
                         "x-oss-security-token");

        kco_buf_t creq, lines, names, uri;
        kco_buf_init(&creq);
        kco_buf_init(&lines);
        kco_buf_init(&names);
        kco_buf_init(&uri);
        kco_buf_putc(&uri, '/');
        if (kco_sign_has(r->bucket)) {
                kco_buf_puts(&uri, r->bucket);
                kco_buf_putc(&uri, '/');
                if (r->key)
                        kco_buf_puts(&uri, r->key);
        }
        kco_buf_puts(&creq, r->method);
        kco_buf_putc(&creq, '\n');
        kco_sign_pct(&creq, kco_buf_cstr(&uri), 1);
        kco_buf_putc(&creq, '\n');
        kco_sign_query(&creq, &r->query, 1);
        kco_buf_putc(&creq, '\n');
        kco_sign_headers(&r->headers, kco_sign_oss4_signed, kco_sign_trim, &lines, &names);
        kco_buf_append(&creq, lines.data, lines.len);
        kco_buf_putc(&creq, '\n');
        kco_buf_puts(&creq, "host\nUNSIGNED-PAYLOAD");

        char scope[256], creq_hash[65], sig[65];
        snprintf(scope, sizeof(scope), "%s/%s/oss/aliyun_v4_request", date, region);
        kco_sign_sha256_hex(creq.data, creq.len, creq_hash);
        char *sts = kco_asprintf("OSS4-HMAC-SHA256\n%s\n%s\n%s", ossdate, scope, creq_hash);
        unsigned char key[EVP_MAX_MD_SIZE], mac[EVP_MAX_MD_SIZE];
        kco_sign_v4_key("aliyun_v4", c->secret, date, region, "oss", "aliyun_v4_request", key);
        kco_sign_hmac(EVP_sha256(), key, 32, sts, strlen(sts), mac);
        OPENSSL_cleanse(key, sizeof(key));
        kco_sign_hex(mac, 32, sig);
        char *auth = kco_asprintf("OSS4-HMAC-SHA256 Credential=%s/%s,AdditionalHeaders=host,Signature=%s", c->id,
                                  scope, sig);
        kco_sign_kv_put(&r->headers, "Authorization", auth);
        if (text)
                kco_buf_append(text, creq.data, creq.len);
        free(auth);
        free(sts);
        kco_buf_free(&creq);
        kco_buf_free(&lines);
        kco_buf_free(&names);
        kco_buf_free(&uri);
}

/* ---- entry points ------------------------------------------------------------- */

void kco_sign_request_text(kco_sign_kind_t kind, kco_objreq_t *r, const kco_creds_t *creds, const char *region,
                           const char *payload_sha256, time_t now, kco_buf_t *signed_text) {
        kco_creds_t c = {creds->id ? creds->id : "", creds->secret ? creds->secret : "", creds->token};
        const char *reg = region ? region : "";
        switch (kind) {
        case KCO_SIGN_S3V4:
                kco_sign_s3v4(r, &c, reg, payload_sha256 ? payload_sha256 : "UNSIGNED-PAYLOAD", now, signed_text);
                break;
        case KCO_SIGN_OSSV1:
                kco_sign_ossv1(r, &c, now, signed_text);
                break;
        case KCO_SIGN_OSSV4:
                kco_sign_ossv4(r, &c, reg, now, signed_text);
                break;
        }
}

void kco_sign_request(kco_sign_kind_t kind, kco_objreq_t *r, const kco_creds_t *creds, const char *region,
                      const char *payload_sha256, time_t now) {
        kco_sign_request_text(kind, r, creds, region, payload_sha256, now, NULL);
}
