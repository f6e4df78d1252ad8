/*
 * kco_sign.h - one object-store HTTP request, its URL and its signature:
 * AWS Signature V4 (S3), OSS V1 (HMAC-SHA1) and OSS V4 (OSS4-HMAC-SHA256).
 *
 * Owns: the request description (kco_objreq_t: method, host, bucket, key,
 * query, headers) and the encoding rules shared by the URL and the canonical
 * request, so what is signed is exactly what is sent. Pure functions; any
 * thread. Must never: log or return the secret; sign something other than
 * what kco_objreq_url() produces.
 */
#ifndef KCO_SIGN_H
#define KCO_SIGN_H

#include <stddef.h>
#include <time.h>

#include "core/kco_buf.h"

typedef enum {
        KCO_SIGN_S3V4 = 0, /* AWS4-HMAC-SHA256, service s3 */
        KCO_SIGN_OSSV1,    /* "OSS id:base64(hmac-sha1)" */
        KCO_SIGN_OSSV4,    /* OSS4-HMAC-SHA256, service oss */
} kco_sign_kind_t;

typedef struct kco_kv_s {
        char *name;
        char *value; /* query: NULL = a bare name without '=' (e.g. "uploads") */
} kco_kv_t;

typedef struct kco_kvlist_s {
        kco_kv_t *v;
        size_t n;
} kco_kvlist_t;

void kco_kvlist_add(kco_kvlist_t *l, const char *name, const char *value);
/* Replaces the first entry with this name (case-insensitive) or adds it. */
void kco_kvlist_set(kco_kvlist_t *l, const char *name, const char *value);
const char *kco_kvlist_get(const kco_kvlist_t *l, const char *name); /* case-insensitive */
void kco_kvlist_free(kco_kvlist_t *l);

typedef struct kco_objreq_s {
        const char *method;   /* GET PUT POST DELETE HEAD */
        const char *scheme;   /* "http" or "https" */
        const char *endpoint; /* host[:port] of the service, without the bucket */
        const char *bucket;   /* NULL or "" for service-level requests */
        const char *key;      /* raw object key (not encoded); NULL or "" for bucket-level */
        int path_style;       /* 1: host=endpoint, path=/bucket/key; 0: host=bucket.endpoint, path=/key */
        kco_kvlist_t query;   /* raw names/values, in the order they go into the URL */
        kco_kvlist_t headers; /* raw header names/values; kco_sign_request adds its own */
} kco_objreq_t;

typedef struct kco_creds_s {
        const char *id;
        const char *secret;
        const char *token; /* STS / session token or NULL */
} kco_creds_t;

/* The Host header value: endpoint or bucket.endpoint. Caller frees. */
char *kco_objreq_host(const kco_objreq_t *r);
/* The full URL as sent: scheme://host/path?query, path and query
 * percent-encoded per RFC 3986 (unreserved A-Z a-z 0-9 - . _ ~ kept; '/' kept
 * in the key). Caller frees. */
char *kco_objreq_url(const kco_objreq_t *r);

/*
 * Signs r at time now: adds to r->headers the Host header, the date header
 * (S3V4: x-amz-date; OSSV4: x-oss-date; OSSV1: Date in RFC 1123),
 * x-amz-content-sha256 (S3V4, = payload_sha256) / x-oss-content-sha256
 * (OSSV4, "UNSIGNED-PAYLOAD"), the security token header if creds->token
 * (x-amz-security-token / x-oss-security-token), and Authorization.
 * payload_sha256: lowercase hex SHA-256 of the body or "UNSIGNED-PAYLOAD"
 * (S3V4 only). region: e.g. "us-east-1", "cn-hangzhou" (V4 only).
 * S3V4 signs every header it sends except those the AWS SDK leaves unsigned
 * (user-agent, authorization, the hop-by-hop and proxy-rewritten ones such as
 * expect, cache-control, connection, transfer-encoding, proxy-*, sec-*);
 * OSSV4 signs the default set (content-type, content-md5, x-oss-*) plus host.
 */
void kco_sign_request(kco_sign_kind_t kind, kco_objreq_t *r, const kco_creds_t *creds, const char *region,
                      const char *payload_sha256, time_t now);
/* kco_sign_request, also handing back the exact text it signed: the
 * canonical request (V4) or the string to sign (V1). It holds no secret;
 * for tests and for diagnosing a SignatureDoesNotMatch. signed_text may be
 * NULL; otherwise it is appended to. */
void kco_sign_request_text(kco_sign_kind_t kind, kco_objreq_t *r, const kco_creds_t *creds, const char *region,
                           const char *payload_sha256, time_t now, kco_buf_t *signed_text);

/* Lowercase hex SHA-256 of [p, p+n) into out[65]. */
void kco_sign_sha256_hex(const void *p, size_t n, char out[65]);
/* Base64 MD5 of [p, p+n) (Content-MD5) into out[25]. */
void kco_sign_md5_base64(const void *p, size_t n, char out[25]);

/* The same, fed piece by piece while a body is being built (the bytes are
 * hashed while still in cache rather than in a second pass). */
typedef struct kco_md5_s kco_md5_t;
kco_md5_t *kco_md5_new(void);
void kco_md5_update(kco_md5_t *m, const void *p, size_t n);
/* Writes the base64 digest and starts over. */
void kco_md5_final_base64(kco_md5_t *m, char out[25]);
void kco_md5_destroy(kco_md5_t *m);

#endif
