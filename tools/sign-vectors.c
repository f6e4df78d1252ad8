/*
 * sign-vectors.c - kco-sign-vectors: signs request shapes with our
 * kco_sign_request, so tests can hold the result against the official
 * signers (tests/node/sign-vectors.mjs; tests/integration/test_sign_vectors.sh).
 *
 *   kco-sign-vectors < shapes.json
 *
 * stdin: a JSON array of shapes
 *   {"id", "signer": "s3v4"|"ossv1"|"ossv4", "method", "scheme", "endpoint",
 *    "bucket", "key", "path_style": bool, "query": [[name, value|null]...],
 *    "headers": [[name, value]...], "region", "time": "2026-11-25T10:30:00Z",
 *    "id_key", "secret", "token": null|"...", "payload_sha256"}
 * stdout: one JSON line per shape, in input order:
 *   {"id", "authorization", "url", "signed_headers": [[name, value]...],
 *    "canonical": the canonical request (V4) or string to sign (V1)}
 *
 * Main thread only. Prints no secret: the secret goes into the signer and
 * nowhere else. Exits 2 on a malformed shape, naming it.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kco_buf.h"
#include "store/kco_sign.h"

static const char *sv_str(json_t *o, const char *k) {
        json_t *v = json_object_get(o, k);
        return json_is_string(v) ? json_string_value(v) : NULL;
}

static int sv_die(size_t i, const char *what) {
        fprintf(stderr, "kco-sign-vectors: shape %zu: %s\n", i, what);
        return 2;
}

/* [[name, value|null]...] into l; -1 if it is not that shape. */
static int sv_pairs(json_t *a, kco_kvlist_t *l, int allow_null) {
        if (!a || json_is_null(a))
                return 0;
        if (!json_is_array(a))
                return -1;
        size_t i;
        json_t *p;
        json_array_foreach(a, i, p) {
                json_t *n = json_array_get(p, 0), *v = json_array_get(p, 1);
                if (!json_is_array(p) || json_array_size(p) != 2 || !json_is_string(n))
                        return -1;
                if (json_is_null(v) && allow_null)
                        kco_kvlist_add(l, json_string_value(n), NULL);
                else if (json_is_string(v))
                        kco_kvlist_add(l, json_string_value(n), json_string_value(v));
                else
                        return -1;
        }
        return 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" as a UTC time; -1 if malformed. */
static int sv_time(const char *s, time_t *out) {
        struct tm tm;
        memset(&tm, 0, sizeof(tm));
        char z = 0;
        if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                         &tm.tm_min, &tm.tm_sec, &z) != 7 ||
            z != 'Z')
                return -1;
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        *out = timegm(&tm);
        return 0;
}

static int sv_one(size_t i, json_t *s) {
        if (!json_is_object(s))
                return sv_die(i, "not an object");
        const char *signer = sv_str(s, "signer");
        kco_sign_kind_t kind;
        if (signer && !strcmp(signer, "s3v4"))
                kind = KCO_SIGN_S3V4;
        else if (signer && !strcmp(signer, "ossv1"))
                kind = KCO_SIGN_OSSV1;
        else if (signer && !strcmp(signer, "ossv4"))
                kind = KCO_SIGN_OSSV4;
        else
                return sv_die(i, "\"signer\" must be s3v4, ossv1 or ossv4");
        time_t now;
        if (sv_time(sv_str(s, "time"), &now))
                return sv_die(i, "\"time\" must look like 2026-11-25T10:30:00Z");
        kco_objreq_t r;
        memset(&r, 0, sizeof(r));
        r.method = sv_str(s, "method");
        r.scheme = sv_str(s, "scheme");
        r.endpoint = sv_str(s, "endpoint");
        r.bucket = sv_str(s, "bucket");
        r.key = sv_str(s, "key");
        r.path_style = json_is_true(json_object_get(s, "path_style"));
        if (!r.method || !r.endpoint)
                return sv_die(i, "\"method\" and \"endpoint\" are required strings");
        int rc = 0;
        if (sv_pairs(json_object_get(s, "query"), &r.query, 1) ||
            sv_pairs(json_object_get(s, "headers"), &r.headers, 0)) {
                rc = sv_die(i, "\"query\" / \"headers\" must be [[name, value]...]");
                goto out;
        }
        kco_creds_t creds = {sv_str(s, "id_key"), sv_str(s, "secret"), sv_str(s, "token")};
        if (!creds.id || !creds.secret) {
                rc = sv_die(i, "\"id_key\" and \"secret\" are required strings");
                goto out;
        }
        kco_buf_t text;
        kco_buf_init(&text);
        kco_sign_request_text(kind, &r, &creds, sv_str(s, "region"), sv_str(s, "payload_sha256"), now, &text);
        char *url = kco_objreq_url(&r);

        json_t *o = json_object(), *hs = json_array();
        json_t *id = json_object_get(s, "id");
        json_object_set(o, "id", id ? id : json_null());
        const char *auth = kco_kvlist_get(&r.headers, "authorization");
        json_object_set_new(o, "authorization", json_string(auth ? auth : ""));
        json_object_set_new(o, "url", json_string(url));
        for (size_t k = 0; k < r.headers.n; k++)
                json_array_append_new(hs, json_pack("[ss]", r.headers.v[k].name,
                                                    r.headers.v[k].value ? r.headers.v[k].value : ""));
        json_object_set_new(o, "signed_headers", hs);
        json_object_set_new(o, "canonical", json_stringn(text.data ? text.data : "", text.len));
        char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!line) {
                rc = sv_die(i, "result is not valid UTF-8 (a key, query or header with invalid UTF-8?)");
        } else {
                puts(line);
                free(line);
        }
        json_decref(o);
        free(url);
        kco_buf_free(&text);
out:
        kco_kvlist_free(&r.query);
        kco_kvlist_free(&r.headers);
        return rc;
}

int main(int argc, char **argv) {
        (void)argv;
        if (argc != 1) {
                fprintf(stderr, "usage: kco-sign-vectors < shapes.json\n");
                return 2;
        }
        json_error_t err;
        json_t *all = json_loadf(stdin, 0, &err);
        if (!all) {
                fprintf(stderr, "kco-sign-vectors: stdin: line %d: %s\n", err.line, err.text);
                return 2;
        }
        if (!json_is_array(all)) {
                fprintf(stderr, "kco-sign-vectors: stdin: expected a JSON array of shapes\n");
                json_decref(all);
                return 2;
        }
        size_t i;
        json_t *s;
        int rc = 0;
        json_array_foreach(all, i, s) {
                if ((rc = sv_one(i, s)))
                        break;
        }
        json_decref(all);
        return rc;
}
