/*
 * test_sign.c - unit tests for src/store/kco_sign.c against values computed
 * by someone else:
 *   - AWS's published SigV4 examples for S3 ("Signature Calculations for the
 *     Authorization Header: Transferring Payload in a Single Chunk": GET
 *     Object, PUT Object, GET Bucket Lifecycle, GET Bucket (List Objects));
 *   - the worked V1 example of the OSS documentation ("Include a V1
 *     signature in the Authorization header": PUT /oss-example/nelson) and
 *     three V1 vectors of the official Go SDK v2 (oss/signer/signer_test.go:
 *     x-oss-date, ?acl, which query parameters are sub-resources);
 *   - OSS V4 requests signed by ali-oss 6.23.0 (lib/common/signUtils.js,
 *     authorizationV4 with additional header host), canonical request and
 *     Authorization both.
 * Plus URL encoding of awkward keys, query ordering, bare names ("uploads"),
 * re-signing and the secret staying out of everything we produce.
 * Owns: the requests each test builds. Single-threaded.
 * Must never: depend on test order or on the local time zone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/kco_sign.h"

#define AWS_ID "AKIAIOSFODNN7EXAMPLE"
#define AWS_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define T_20130524 ((time_t)1369353600) /* 2013-05-24T00:00:00Z */
#define T_20261125 ((time_t)1795602600) /* 2026-11-25T10:30:00Z */

static kco_objreq_t req(const char *method, const char *endpoint, const char *bucket, const char *key,
                        int path_style) {
        kco_objreq_t r;
        memset(&r, 0, sizeof(r));
        r.method = method;
        r.scheme = "https";
        r.endpoint = endpoint;
        r.bucket = bucket;
        r.key = key;
        r.path_style = path_style;
        return r;
}

static void req_free(kco_objreq_t *r) {
        kco_kvlist_free(&r->query);
        kco_kvlist_free(&r->headers);
}

/* Signs r and returns its Authorization; *text (if given) gets what was
 * signed. Both are the caller's. */
static char *sign(kco_sign_kind_t kind, kco_objreq_t *r, const char *id, const char *secret, const char *token,
                  const char *region, const char *payload, time_t now, char **text) {
        kco_creds_t c = {id, secret, token};
        kco_buf_t t;
        kco_buf_init(&t);
        kco_sign_request_text(kind, r, &c, region, payload, now, &t);
        const char *a = kco_kvlist_get(&r->headers, "Authorization");
        assert_non_null(a);
        if (text)
                *text = kco_strdup(kco_buf_cstr(&t));
        kco_buf_free(&t);
        return kco_strdup(a);
}

static size_t count_named(const kco_kvlist_t *l, const char *name) {
        size_t n = 0;
        for (size_t i = 0; i < l->n; i++)
                if (!strcasecmp(l->v[i].name, name))
                        n++;
        return n;
}

/* ---------------------------------------------------------------- S3 V4 */

static void test_s3_get_object_example(void **state) {
        (void)state;
        kco_objreq_t r = req("GET", "s3.amazonaws.com", "examplebucket", "test.txt", 0);
        kco_kvlist_add(&r.headers, "Range", "bytes=0-9");
        char *text;
        char *a = sign(KCO_SIGN_S3V4, &r, AWS_ID, AWS_SECRET, NULL, "us-east-1", EMPTY_SHA256, T_20130524, &text);
        assert_string_equal(a, "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                               "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                               "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
        /* The canonical request as the documentation prints it. */
        assert_string_equal(text, "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
                                  "x-amz-content-sha256:" EMPTY_SHA256 "\nx-amz-date:20130524T000000Z\n\n"
                                  "host;range;x-amz-content-sha256;x-amz-date\n" EMPTY_SHA256);
        assert_string_equal(kco_kvlist_get(&r.headers, "host"), "examplebucket.s3.amazonaws.com");
        assert_string_equal(kco_kvlist_get(&r.headers, "x-amz-date"), "20130524T000000Z");
        assert_string_equal(kco_kvlist_get(&r.headers, "x-amz-content-sha256"), EMPTY_SHA256);
        assert_null(kco_kvlist_get(&r.headers, "x-amz-security-token"));
        char *url = kco_objreq_url(&r);
        assert_string_equal(url, "https://examplebucket.s3.amazonaws.com/test.txt");
        free(url);
        free(a);
        free(text);
        req_free(&r);
}

static void test_s3_put_object_example(void **state) {
        (void)state;
        const char *body = "Welcome to Amazon S3.";
        char sha[65];
        kco_sign_sha256_hex(body, strlen(body), sha);
        assert_string_equal(sha, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
        kco_objreq_t r = req("PUT", "s3.amazonaws.com", "examplebucket", "test$file.text", 0);
        kco_kvlist_add(&r.headers, "Date", "Fri, 24 May 2013 00:00:00 GMT");
        kco_kvlist_add(&r.headers, "x-amz-storage-class", "REDUCED_REDUNDANCY");
        char *a = sign(KCO_SIGN_S3V4, &r, AWS_ID, AWS_SECRET, NULL, "us-east-1", sha, T_20130524, NULL);
        assert_string_equal(a, "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                               "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
                               "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
        char *url = kco_objreq_url(&r);
        assert_string_equal(url, "https://examplebucket.s3.amazonaws.com/test%24file.text");
        free(url);
        free(a);
        req_free(&r);
}

static void test_s3_lifecycle_example_bare_name(void **state) {
        (void)state;
        kco_objreq_t r = req("GET", "s3.amazonaws.com", "examplebucket", NULL, 0);
        kco_kvlist_add(&r.query, "lifecycle", NULL); /* "?lifecycle" signs as "lifecycle=" */
        char *text;
        char *a = sign(KCO_SIGN_S3V4, &r, AWS_ID, AWS_SECRET, NULL, "us-east-1", EMPTY_SHA256, T_20130524, &text);
        assert_non_null(strstr(text, "GET\n/\nlifecycle=\n"));
        assert_non_null(strstr(a, "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "));
        assert_non_null(strstr(a, "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
        char *url = kco_objreq_url(&r);
        assert_string_equal(url, "https://examplebucket.s3.amazonaws.com/?lifecycle");
        free(url);
        free(a);
        free(text);
        req_free(&r);
}

static void test_s3_list_example_query_sorted(void **state) {
        (void)state;
        kco_objreq_t r = req("GET", "s3.amazonaws.com", "examplebucket", "", 0);
        kco_kvlist_add(&r.query, "prefix", "J"); /* out of order on purpose */
        kco_kvlist_add(&r.query, "max-keys", "2");
        char *text;
        char *a = sign(KCO_SIGN_S3V4, &r, AWS_ID, AWS_SECRET, NULL, "us-east-1", EMPTY_SHA256, T_20130524, &text);
        assert_non_null(strstr(text, "GET\n/\nmax-keys=2&prefix=J\n"));
        assert_non_null(strstr(a, "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
        /* The URL keeps the caller's order; only the canonical form sorts. */
        char *url = kco_objreq_url(&r);
        assert_string_equal(url, "https://examplebucket.s3.amazonaws.com/?prefix=J&max-keys=2");
        free(url);
        free(a);
        free(text);
        req_free(&r);
}

static void test_s3_query_duplicates_and_encoding(void **state) {
        (void)state;
        kco_objreq_t r = req("GET", "minio:9000", "bkt", NULL, 1);
        kco_kvlist_add(&r.query, "b", "2");
        kco_kvlist_add(&r.query, "a", "x y");
        kco_kvlist_add(&r.query, "a", "1");
        kco_kvlist_add(&r.query, "uploads", NULL);
        kco_kvlist_add(&r.query, "Z", "*~'");
        char *text;
        char *a = sign(KCO_SIGN_S3V4, &r, "id", "secret", NULL, "us-east-1", "UNSIGNED-PAYLOAD", T_20261125, &text);
        /* sorted by encoded name, then value; bytewise, so 'Z' before 'a' */
        assert_non_null(strstr(text, "GET\n/bkt\nZ=%2A~%27&a=1&a=x%20y&b=2&uploads=\n"));
        char *url = kco_objreq_url(&r);
        assert_string_equal(url, "https://minio:9000/bkt?b=2&a=x%20y&a=1&uploads&Z=%2A~%27");
        free(url);
        free(a);
        free(text);
        req_free(&r);
}

static void test_s3_headers_unsigned_and_trimmed(void **state) {
        (void)state;
        kco_objreq_t r = req("PUT", "s3.us-west-2.amazonaws.com", "bkt", "k", 0);
        kco_kvlist_add(&r.headers, "User-Agent", "kafka-connect-oss");
        kco_kvlist_add(&r.headers, "Expect", "100-continue");
        kco_kvlist_add(&r.headers, "Transfer-Encoding", "chunked");
        kco_kvlist_add(&r.headers, "Proxy-Authorization", "x");
        kco_kvlist_add(&r.headers, "X-Amz-Meta-Note", "  a \t b\r\n c  ");
        kco_kvlist_add(&r.headers, "x-amz-meta-note", "second");
        kco_kvlist_add(&r.headers, "Authorization", "stale");
        kco_kvlist_add(&r.headers, "X-Amz-Date", "19700101T000000Z");
        char *text;
        char *a = sign(KCO_SIGN_S3V4, &r, "id", "secret", "sess/token+1", "us-west-2", "UNSIGNED-PAYLOAD",
                       T_20261125, &text);
        assert_non_null(strstr(a, "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-meta-note;"
                                  "x-amz-security-token, "));
        /* collapsed whitespace, duplicates joined in order */
        assert_non_null(strstr(text, "\nx-amz-meta-note:a b c,second\n"));
        assert_non_null(strstr(text, "\nx-amz-security-token:sess/token+1\n"));
        assert_non_null(strstr(text, "\nx-amz-date:20261125T103000Z\n"));
        assert_int_equal(count_named(&r.headers, "authorization"), 1);
        assert_int_equal(count_named(&r.headers, "x-amz-date"), 1);
        assert_string_equal(kco_kvlist_get(&r.headers, "x-amz-date"), "20261125T103000Z");
        assert_string_equal(kco_kvlist_get(&r.headers, "x-amz-security-token"), "sess/token+1");
        free(a);
        free(text);
        req_free(&r);
}

/* ---------------------------------------------------------------- OSS V1 */

static void test_ossv1_documented_example(void **state) {
        (void)state;
        kco_objreq_t r = req("PUT", "oss-cn-hangzhou.aliyuncs.com", "oss-example", "nelson", 0);
        kco_kvlist_add(&r.headers, "Content-Md5", "ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=");
        kco_kvlist_add(&r.headers, "Content-Type", "text/html");
        kco_kvlist_add(&r.headers, "X-OSS-Meta-Author", "foo@bar.com");
        kco_kvlist_add(&r.headers, "X-OSS-Magic", "abracadabra");
        char *text;
        char *a = sign(KCO_SIGN_OSSV1, &r, "44CF9590006BF252F707", "OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV", NULL,
                       NULL, NULL, (time_t)1132253398 /* Thu, 17 Nov 2005 18:49:58 GMT */, &text);
        assert_string_equal(text, "PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\n"
                                  "Thu, 17 Nov 2005 18:49:58 GMT\nx-oss-magic:abracadabra\n"
                                  "x-oss-meta-author:foo@bar.com\n/oss-example/nelson");
        assert_string_equal(a, "OSS 44CF9590006BF252F707:26NBxoKdsyly4EDv6inkoDft/yA=");
        assert_string_equal(kco_kvlist_get(&r.headers, "Date"), "Thu, 17 Nov 2005 18:49:58 GMT");
        assert_string_equal(kco_kvlist_get(&r.headers, "Host"), "oss-example.oss-cn-hangzhou.aliyuncs.com");
        free(a);
        free(text);
        req_free(&r);
}

/* The Go SDK v2's V1 vectors: x-oss-date is signed and is the Date line. */
static void test_ossv1_go_sdk_vectors(void **state) {
        (void)state;
        const time_t t = (time_t)1672223261; /* Wed, 28 Dec 2022 10:27:41 GMT */
        kco_objreq_t r = req("PUT", "oss-cn-hangzhou.aliyuncs.com", "examplebucket", "nelson", 0);
        kco_kvlist_add(&r.query, "acl", NULL);
        kco_kvlist_add(&r.headers, "Content-MD5", "eB5eJF1ptWaXm4bijSPyxw==");
        kco_kvlist_add(&r.headers, "Content-Type", "text/html");
        kco_kvlist_add(&r.headers, "x-oss-meta-author", "alice");
        kco_kvlist_add(&r.headers, "x-oss-meta-magic", "abracadabra");
        kco_kvlist_add(&r.headers, "x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT");
        char *text;
        char *a = sign(KCO_SIGN_OSSV1, &r, "ak", "sk", NULL, NULL, NULL, t, &text);
        assert_string_equal(text, "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\n"
                                  "x-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\n"
                                  "x-oss-meta-magic:abracadabra\n/examplebucket/nelson?acl");
        assert_string_equal(a, "OSS ak:/afkugFbmWDQ967j1vr6zygBLQk=");
        free(a);
        free(text);
        req_free(&r);

        /* Bucket level: "/bucket/", a non-sub-resource parameter left out. */
        r = req("GET", "oss-cn-hangzhou.aliyuncs.com", "examplebucket", NULL, 0);
        kco_kvlist_add(&r.query, "resourceGroup", NULL);
        kco_kvlist_add(&r.query, "non-resousce", "null");
        kco_kvlist_add(&r.headers, "x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT");
        a = sign(KCO_SIGN_OSSV1, &r, "ak", "sk", NULL, NULL, NULL, t, &text);
        assert_string_equal(text, "GET\n\n\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\n"
                                  "/examplebucket/?resourceGroup");
        assert_string_equal(a, "OSS ak:vkQmfuUDyi1uDi3bKt67oemssIs=");
        free(a);
        free(text);
        req_free(&r);

        /* Sub-resources sorted. */
        r = req("GET", "oss-cn-hangzhou.aliyuncs.com", "examplebucket", NULL, 0);
        kco_kvlist_add(&r.query, "resourceGroup", NULL);
        kco_kvlist_add(&r.query, "acl", NULL);
        kco_kvlist_add(&r.headers, "x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT");
        a = sign(KCO_SIGN_OSSV1, &r, "ak", "sk", NULL, NULL, NULL, t, NULL);
        assert_string_equal(a, "OSS ak:x3E5TgOvl/i7PN618s5mEvpJDYk=");
        free(a);
        req_free(&r);
}

static void test_ossv1_resource_raw_and_subresources(void **state) {
        (void)state;
        kco_objreq_t r = req("PUT", "oss-cn-hangzhou.aliyuncs.com", "bkt", "a b/ü+~*.json", 1);
        kco_kvlist_add(&r.query, "uploadId", "u/+=1");
        kco_kvlist_add(&r.query, "partNumber", "7");
        kco_kvlist_add(&r.query, "prefix", "not-signed");
        kco_kvlist_add(&r.query, "x-oss-process", "image/resize,w_1");
        kco_kvlist_add(&r.query, "response-content-type", "");
        char *text;
        char *a = sign(KCO_SIGN_OSSV1, &r, "id", "sec", "STS.tok", NULL, NULL, T_20261125, &text);
        /* key and values not encoded; empty value signed as the bare name */
        assert_string_equal(text, "PUT\n\n\nWed, 25 Nov 2026 10:30:00 GMT\nx-oss-security-token:STS.tok\n"
                                  "/bkt/a b/ü+~*.json?partNumber=7&response-content-type&uploadId=u/+=1"
                                  "&x-oss-process=image/resize,w_1");
        assert_string_equal(kco_kvlist_get(&r.headers, "x-oss-security-token"), "STS.tok");
        free(a);
        free(text);
        req_free(&r);

        /* Service level. */
        r = req("GET", "oss-cn-hangzhou.aliyuncs.com", NULL, NULL, 0);
        a = sign(KCO_SIGN_OSSV1, &r, "id", "sec", NULL, NULL, NULL, T_20261125, &text);
        assert_string_equal(text, "GET\n\n\nWed, 25 Nov 2026 10:30:00 GMT\n/");
        free(a);
        free(text);
        req_free(&r);
}

/* ---------------------------------------------------------------- OSS V4 */

#define V4_ID "LTAI5tExampleId"
#define V4_SECRET "ExampleSecretKeyForOSSv4Test"
#define V4_CRED "OSS4-HMAC-SHA256 Credential=LTAI5tExampleId/20261125/cn-hangzhou/oss/aliyun_v4_request,"

static void test_ossv4_put_awkward_key_token(void **state) {
        (void)state;
        kco_objreq_t r = req("PUT", "oss-cn-hangzhou.aliyuncs.com", "examplebucket", "topics/a b/ü+~*!.json", 0);
        kco_kvlist_add(&r.headers, "Content-Type", "application/octet-stream");
        kco_kvlist_add(&r.headers, "x-oss-meta-author", "alice");
        kco_kvlist_add(&r.headers, "User-Agent", "not signed in V4");
        char *text;
        char *a = sign(KCO_SIGN_OSSV4, &r, V4_ID, V4_SECRET, "CAISexampletoken", "cn-hangzhou", NULL, T_20261125,
                       &text);
        assert_string_equal(text, "PUT\n/examplebucket/topics/a%20b/%C3%BC%2B~%2A%21.json\n\n"
                                  "content-type:application/octet-stream\n"
                                  "host:examplebucket.oss-cn-hangzhou.aliyuncs.com\n"
                                  "x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20261125T103000Z\n"
                                  "x-oss-meta-author:alice\nx-oss-security-token:CAISexampletoken\n\n"
                                  "host\nUNSIGNED-PAYLOAD");
        assert_string_equal(a, V4_CRED "AdditionalHeaders=host,"
                               "Signature=65a54916a11b166c3cf15cf5abc0dd15385099811a157e3e61fbdb050e022763");
        char *url = kco_objreq_url(&r);
        assert_string_equal(url, "https://examplebucket.oss-cn-hangzhou.aliyuncs.com/topics/a%20b/%C3%BC%2B~%2A%21.json");
        free(url);
        free(a);
        free(text);
        req_free(&r);
}

static void test_ossv4_upload_part_path_style(void **state) {
        (void)state;
        kco_objreq_t r = req("PUT", "127.0.0.1:9000", "examplebucket", "dir/obj.bin", 1);
        kco_kvlist_add(&r.query, "uploadId", "0004B9894A22E5B1888A1E29F823****");
        kco_kvlist_add(&r.query, "partNumber", "3");
        kco_kvlist_add(&r.headers, "Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==");
        char *text;
        char *a = sign(KCO_SIGN_OSSV4, &r, V4_ID, V4_SECRET, NULL, "cn-hangzhou", NULL, T_20261125, &text);
        /* the canonical URI is /bucket/key whatever the URL style */
        assert_string_equal(text, "PUT\n/examplebucket/dir/obj.bin\n"
                                  "partNumber=3&uploadId=0004B9894A22E5B1888A1E29F823%2A%2A%2A%2A\n"
                                  "content-md5:1B2M2Y8AsgTpgAmY7PhCfg==\nhost:127.0.0.1:9000\n"
                                  "x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20261125T103000Z\n\n"
                                  "host\nUNSIGNED-PAYLOAD");
        assert_string_equal(a, V4_CRED "AdditionalHeaders=host,"
                               "Signature=0c6ead224588b31ef7463f3e4dd46904c1a0be186e6d806cec18e355c247202a");
        char *url = kco_objreq_url(&r);
        assert_string_equal(url, "https://127.0.0.1:9000/examplebucket/dir/obj.bin"
                                 "?uploadId=0004B9894A22E5B1888A1E29F823%2A%2A%2A%2A&partNumber=3");
        free(url);
        free(a);
        free(text);
        req_free(&r);
}

static void test_ossv4_bare_uploads_and_listing(void **state) {
        (void)state;
        kco_objreq_t r = req("POST", "oss-cn-hangzhou.aliyuncs.com", "examplebucket", "dir/obj.bin", 0);
        kco_kvlist_add(&r.query, "uploads", NULL);
        char *text;
        char *a = sign(KCO_SIGN_OSSV4, &r, V4_ID, V4_SECRET, NULL, "cn-hangzhou", NULL, T_20261125, &text);
        assert_non_null(strstr(text, "POST\n/examplebucket/dir/obj.bin\nuploads\n"));
        assert_string_equal(a, V4_CRED "AdditionalHeaders=host,"
                               "Signature=8354ad90627fca7cebfe71c51dff8baedc0c06e8ab915e381ad04deb37b1f416");
        char *url = kco_objreq_url(&r);
        assert_string_equal(url, "https://examplebucket.oss-cn-hangzhou.aliyuncs.com/dir/obj.bin?uploads");
        free(url);
        free(a);
        free(text);
        req_free(&r);

        r = req("GET", "oss-cn-hangzhou.aliyuncs.com", "examplebucket", NULL, 0);
        kco_kvlist_add(&r.query, "list-type", "2");
        kco_kvlist_add(&r.query, "prefix", "topics/t/");
        kco_kvlist_add(&r.query, "continuation-token", "ab+c/d=");
        kco_kvlist_add(&r.query, "max-keys", "1000");
        a = sign(KCO_SIGN_OSSV4, &r, V4_ID, V4_SECRET, NULL, "cn-hangzhou", NULL, T_20261125, &text);
        assert_non_null(strstr(text, "GET\n/examplebucket/\n"
                                     "continuation-token=ab%2Bc%2Fd%3D&list-type=2&max-keys=1000&prefix=topics%2Ft%2F\n"));
        assert_string_equal(a, V4_CRED "AdditionalHeaders=host,"
                               "Signature=79aa17f3c542a2230f553a8518752dab895675334759423787e6187639608314");
        free(a);
        free(text);
        req_free(&r);
}

/* ---------------------------------------------------------------- URLs */

static void test_url_awkward_keys(void **state) {
        (void)state;
        kco_objreq_t r = req("GET", "s3.example.com", "bkt", "a b/ü+~*!'()$&=?#%:@,;.txt", 0);
        char *url = kco_objreq_url(&r);
        assert_string_equal(url, "https://bkt.s3.example.com/a%20b/%C3%BC%2B~%2A%21%27%28%29%24%26%3D%3F%23%25%3A%40%2C%3B.txt");
        free(url);
        r.path_style = 1;
        r.key = "//x//";
        url = kco_objreq_url(&r);
        assert_string_equal(url, "https://s3.example.com/bkt///x//");
        free(url);
        r.key = NULL; /* the bucket itself: no trailing slash */
        url = kco_objreq_url(&r);
        assert_string_equal(url, "https://s3.example.com/bkt");
        free(url);
        r.key = "";
        url = kco_objreq_url(&r);
        assert_string_equal(url, "https://s3.example.com/bkt");
        free(url);
        r.bucket = NULL;
        r.scheme = "http";
        kco_kvlist_add(&r.query, "prefix", "");
        kco_kvlist_add(&r.query, "a b", "c&d=e");
        url = kco_objreq_url(&r);
        assert_string_equal(url, "http://s3.example.com/?prefix=&a%20b=c%26d%3De");
        free(url);
        char *host = kco_objreq_host(&r);
        assert_string_equal(host, "s3.example.com");
        free(host);
        r.bucket = "bkt";
        r.path_style = 0;
        host = kco_objreq_host(&r);
        assert_string_equal(host, "bkt.s3.example.com");
        free(host);
        req_free(&r);
}

/* ---------------------------------------------------------------- misc */

static void test_resign_is_stable_and_secret_free(void **state) {
        (void)state;
        static const char *secret = "Sup3r/Secret+Value==";
        for (int kind = KCO_SIGN_S3V4; kind <= KCO_SIGN_OSSV4; kind++) {
                kco_objreq_t r = req("PUT", "endpoint.example", "bkt", "k", 0);
                kco_kvlist_add(&r.headers, "Content-Type", "text/plain");
                kco_kvlist_add(&r.query, "uploadId", "u");
                char *t1, *t2;
                char *a1 = sign((kco_sign_kind_t)kind, &r, "id", secret, "tok", "rg", EMPTY_SHA256, T_20261125, &t1);
                size_t n = r.headers.n;
                /* a retry signs the already-signed copy again: same result, no
                 * duplicated headers */
                char *a2 = sign((kco_sign_kind_t)kind, &r, "id", secret, "tok", "rg", EMPTY_SHA256, T_20261125, &t2);
                assert_string_equal(a1, a2);
                assert_string_equal(t1, t2);
                assert_int_equal(r.headers.n, n);
                for (size_t i = 0; i < r.headers.n; i++) {
                        assert_null(strstr(r.headers.v[i].name, secret));
                        assert_null(strstr(r.headers.v[i].value, secret));
                }
                assert_null(strstr(t1, secret));
                free(a1);
                free(a2);
                free(t1);
                free(t2);
                req_free(&r);
        }
}

static void test_kvlist(void **state) {
        (void)state;
        kco_kvlist_t l = {NULL, 0};
        kco_kvlist_add(&l, "Content-Type", "a");
        kco_kvlist_add(&l, "uploads", NULL);
        kco_kvlist_add(&l, "content-type", "b");
        assert_string_equal(kco_kvlist_get(&l, "CONTENT-TYPE"), "a");
        assert_null(kco_kvlist_get(&l, "uploads"));
        assert_null(kco_kvlist_get(&l, "missing"));
        kco_kvlist_set(&l, "content-TYPE", "c");
        assert_int_equal(l.n, 3);
        assert_string_equal(l.v[0].name, "content-TYPE");
        assert_string_equal(l.v[0].value, "c");
        assert_string_equal(l.v[2].value, "b");
        kco_kvlist_set(&l, "New", NULL);
        assert_int_equal(l.n, 4);
        assert_null(l.v[3].value);
        kco_kvlist_free(&l);
        assert_int_equal(l.n, 0);
        assert_null(l.v);
        kco_kvlist_free(&l); /* twice is fine */
}

static void test_digests(void **state) {
        (void)state;
        char hex[65], b64[25];
        kco_sign_sha256_hex("", 0, hex);
        assert_string_equal(hex, EMPTY_SHA256);
        kco_sign_sha256_hex("abc", 3, hex);
        assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        kco_sign_md5_base64("", 0, b64);
        assert_string_equal(b64, "1B2M2Y8AsgTpgAmY7PhCfg==");
        kco_sign_md5_base64("0123456789", 10, b64);
        assert_string_equal(b64, "eB5eJF1ptWaXm4bijSPyxw==");
}

int main(void) {
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_s3_get_object_example),
            cmocka_unit_test(test_s3_put_object_example),
            cmocka_unit_test(test_s3_lifecycle_example_bare_name),
            cmocka_unit_test(test_s3_list_example_query_sorted),
            cmocka_unit_test(test_s3_query_duplicates_and_encoding),
            cmocka_unit_test(test_s3_headers_unsigned_and_trimmed),
            cmocka_unit_test(test_ossv1_documented_example),
            cmocka_unit_test(test_ossv1_go_sdk_vectors),
            cmocka_unit_test(test_ossv1_resource_raw_and_subresources),
            cmocka_unit_test(test_ossv4_put_awkward_key_token),
            cmocka_unit_test(test_ossv4_upload_part_path_style),
            cmocka_unit_test(test_ossv4_bare_uploads_and_listing),
            cmocka_unit_test(test_url_awkward_keys),
            cmocka_unit_test(test_resign_is_stable_and_secret_free),
            cmocka_unit_test(test_kvlist),
            cmocka_unit_test(test_digests),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
