/*
 * fuzz_sign.c - libFuzzer target for request URLs and signatures
 * (kco_sign.c): arbitrary keys, bucket names, query and header bytes.
 *
 * Owns: nothing between runs; every request it builds is freed before
 * returning. Single-threaded (libFuzzer's). Must never: keep state across
 * inputs.
 *
 * Input: byte 0 picks the signer, byte 1 is flags (path style, token,
 * bucket from the input, key NULL), the rest is NUL-separated fields: the
 * key, then (if flagged) the bucket, then name/value pairs; a pair whose
 * name starts with an even byte is a query parameter, otherwise a header
 * (that first byte is dropped); a query value "\x01" means a bare name.
 *
 * Checks:
 *   - the URL is scheme://host followed by a path and query made only of
 *     RFC 3986 unreserved bytes, '/', '?', '&', '=' and %XX (uppercase hex),
 *     and percent-decoding it gives back exactly the bucket, key, names and
 *     values it was built from, in order ("/bucket" for the bucket itself in
 *     path style), bare names without '=';
 *   - signing is deterministic (two fresh copies agree, on the Authorization
 *     and on the signed text) and a retry (signing the signed copy again)
 *     gives the same Authorization without duplicating any header;
 *   - there is exactly one Authorization, of the signer's form, and the
 *     query list is not touched;
 *   - the secret shows up nowhere (unless the input itself contains it).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/kco_buf.h"
#include "store/kco_sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_SECRET "fUzZ-s3cret/K+ey=="

static void fuzz_sign_die(const char *what) {
        fprintf(stderr, "fuzz_sign invariant broken: %s\n", what);
        abort();
}

static int fuzz_sign_hexval(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1; /* lowercase hex is not what we send */
}

static int fuzz_sign_plain(unsigned char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '.' || c == '_' || c == '~';
}

/* Decodes [p, end) up to a byte in stops into out; returns where it stopped. */
static const char *fuzz_sign_decode(const char *p, const char *end, const char *stops, kco_buf_t *out) {
        out->len = 0;
        while (p < end && !strchr(stops, *p)) {
                if (*p == '%') {
                        if (end - p < 3)
                                fuzz_sign_die("truncated %XX");
                        int h = fuzz_sign_hexval(p[1]), l = fuzz_sign_hexval(p[2]);
                        if (h < 0 || l < 0)
                                fuzz_sign_die("bad %XX");
                        char c = (char)(h * 16 + l);
                        if (fuzz_sign_plain((unsigned char)c))
                                fuzz_sign_die("unreserved byte was encoded");
                        kco_buf_putc(out, c);
                        p += 3;
                        continue;
                }
                if (!fuzz_sign_plain((unsigned char)*p) && *p != '/')
                        fuzz_sign_die("URL byte outside the allowed set");
                kco_buf_putc(out, *p++);
        }
        kco_buf_cstr(out);
        return p;
}

static void fuzz_sign_check_url(const kco_objreq_t *r, const char *url) {
        char *host = kco_objreq_host(r);
        char *prefix = kco_asprintf("%s://%s/", r->scheme, host);
        free(host);
        size_t pl = strlen(prefix);
        if (strncmp(url, prefix, pl))
                fuzz_sign_die("URL does not start with scheme://host/");
        free(prefix);
        const char *p = url + pl - 1, *end = url + strlen(url);
        kco_buf_t got, want;
        kco_buf_init(&got);
        kco_buf_init(&want);
        p = fuzz_sign_decode(p, end, "?&=", &got);
        kco_buf_putc(&want, '/');
        if (r->bucket && *r->bucket && r->path_style) {
                kco_buf_puts(&want, r->bucket);
                if (r->key && *r->key) /* the bucket itself is "/bucket" */
                        kco_buf_putc(&want, '/');
        }
        if (r->key)
                kco_buf_puts(&want, r->key);
        kco_buf_cstr(&want);
        if (strcmp(got.data, want.data))
                fuzz_sign_die("path does not decode to /[bucket/]key");
        for (size_t i = 0; i < r->query.n; i++) {
                if (p >= end || *p != (i ? '&' : '?'))
                        fuzz_sign_die("query separator missing");
                p = fuzz_sign_decode(p + 1, end, "?&=", &got);
                if (strcmp(got.data, r->query.v[i].name))
                        fuzz_sign_die("query name does not round-trip");
                if (!r->query.v[i].value) {
                        if (p < end && *p == '=')
                                fuzz_sign_die("bare name sent with '='");
                        continue;
                }
                if (p >= end || *p != '=')
                        fuzz_sign_die("'=' missing");
                p = fuzz_sign_decode(p + 1, end, "?&=", &got);
                if (strcmp(got.data, r->query.v[i].value))
                        fuzz_sign_die("query value does not round-trip");
        }
        if (p != end)
                fuzz_sign_die("bytes after the query");
        kco_buf_free(&got);
        kco_buf_free(&want);
}

static void fuzz_sign_copy(kco_kvlist_t *dst, const kco_kvlist_t *src) {
        for (size_t i = 0; i < src->n; i++)
                kco_kvlist_add(dst, src->v[i].name, src->v[i].value);
}

static char *fuzz_sign_once(kco_sign_kind_t kind, const kco_objreq_t *base, const kco_creds_t *c,
                            kco_objreq_t *signed_out, kco_buf_t *text) {
        *signed_out = *base;
        signed_out->headers.v = NULL;
        signed_out->headers.n = 0;
        fuzz_sign_copy(&signed_out->headers, &base->headers);
        kco_sign_request_text(kind, signed_out, c, "cn-hangzhou", "UNSIGNED-PAYLOAD", 1795602600, text);
        const char *a = kco_kvlist_get(&signed_out->headers, "authorization");
        if (!a)
                fuzz_sign_die("no Authorization");
        return kco_strdup(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size < 2)
                return 0;
        kco_sign_kind_t kind = (kco_sign_kind_t)(data[0] % 3);
        uint8_t flags = data[1];
        /* fields: a private NUL-terminated copy, split at NULs */
        char *buf = kco_malloc(size - 2 + 1);
        memcpy(buf, data + 2, size - 2);
        buf[size - 2] = '\0';
        const char *end = buf + (size - 2);
        const char *fields[256];
        size_t nf = 0;
        for (const char *p = buf; p <= end && nf < 256; p += strlen(p) + 1)
                fields[nf++] = p;

        kco_objreq_t r;
        memset(&r, 0, sizeof(r));
        r.method = (flags & 0x10) ? "PUT" : "GET";
        r.scheme = (flags & 0x20) ? "http" : "https";
        r.endpoint = "oss-cn-hangzhou.aliyuncs.com:8443";
        r.path_style = flags & 1;
        size_t f = 0;
        r.key = (flags & 8) ? NULL : fields[f];
        f++;
        /* A bucket from the input only where the URL encodes it (path
         * style); in a host name it must be a valid DNS label, which the
         * configuration checks before it gets here. */
        r.bucket = "bkt";
        if ((flags & 4) && f < nf) {
                if (r.path_style)
                        r.bucket = fields[f];
                f++;
        }
        for (; f + 1 < nf; f += 2) {
                const char *name = fields[f], *value = fields[f + 1];
                if (!*name)
                        continue;
                if (((unsigned char)name[0] & 1) == 0)
                        kco_kvlist_add(&r.query, name + 1, strcmp(value, "\x01") ? value : NULL);
                else
                        kco_kvlist_add(&r.headers, name + 1, value);
        }
        kco_creds_t c = {"LTAIfuzz", FUZZ_SECRET, (flags & 2) ? "STS.fuzz-token" : NULL};

        char *url = kco_objreq_url(&r);
        fuzz_sign_check_url(&r, url);

        size_t qn = r.query.n;
        kco_buf_t t1, t2;
        kco_buf_init(&t1);
        kco_buf_init(&t2);
        kco_objreq_t s1, s2;
        char *a1 = fuzz_sign_once(kind, &r, &c, &s1, &t1);
        char *a2 = fuzz_sign_once(kind, &r, &c, &s2, &t2);
        if (strcmp(a1, a2) || t1.len != t2.len || (t1.len && memcmp(t1.data, t2.data, t1.len)))
                fuzz_sign_die("signing is not deterministic");
        if (r.query.n != qn)
                fuzz_sign_die("signing changed the query");
        static const char *const form[] = {"AWS4-HMAC-SHA256 Credential=LTAIfuzz/20261125/cn-hangzhou/s3/aws4_request, ",
                                           "OSS LTAIfuzz:",
                                           ("OSS4-HMAC-SHA256 Credential=LTAIfuzz/20261125/cn-hangzhou/oss/"
                                            "aliyun_v4_request,AdditionalHeaders=host,Signature=")};
        if (strncmp(a1, form[kind], strlen(form[kind])))
                fuzz_sign_die("Authorization of the wrong form");

        /* A retry signs the signed copy again. */
        size_t hn = s1.headers.n;
        kco_sign_request(kind, &s1, &c, "cn-hangzhou", "UNSIGNED-PAYLOAD", 1795602600);
        if (s1.headers.n != hn || strcmp(kco_kvlist_get(&s1.headers, "authorization"), a1))
                fuzz_sign_die("re-signing differs or adds headers");
        size_t nauth = 0;
        for (size_t i = 0; i < s1.headers.n; i++)
                if (!strcasecmp(s1.headers.v[i].name, "authorization"))
                        nauth++;
        if (nauth != 1)
                fuzz_sign_die("not exactly one Authorization");

        if (!memmem(data, size, FUZZ_SECRET, strlen(FUZZ_SECRET))) {
                kco_buf_cstr(&t1);
                if (strstr(t1.data, FUZZ_SECRET) || strstr(url, FUZZ_SECRET))
                        fuzz_sign_die("secret in the signed text or URL");
                for (size_t i = 0; i < s1.headers.n; i++)
                        if (strstr(s1.headers.v[i].name, FUZZ_SECRET) ||
                            (s1.headers.v[i].value && strstr(s1.headers.v[i].value, FUZZ_SECRET)))
                                fuzz_sign_die("secret in a header");
        }

        free(a1);
        free(a2);
        free(url);
        kco_buf_free(&t1);
        kco_buf_free(&t2);
        kco_kvlist_free(&s1.headers);
        kco_kvlist_free(&s2.headers);
        kco_kvlist_free(&r.query);
        kco_kvlist_free(&r.headers);
        free(buf);
        return 0;
}
