/*
 * kco_registry.h - a Confluent Schema Registry client for the AvroConverter:
 * a schema by its id, and the version of a schema under a subject.
 *
 * Owns: one libcurl easy handle (kept alive between requests), the base
 * URLs and the basic-auth user info. One converter, one task thread; no
 * locking. Must never: print the user info or a URL's credentials (every
 * message names the URL through kco_registry_redact_url), or retry a 4xx
 * other than 408/429 (it would fail the same way).
 */
#ifndef KCO_REGISTRY_H
#define KCO_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "core/kco_buf.h"
#include "convert/kco_converter.h"
#include "core/kco_err.h"
#include "worker/kco_conf.h"

typedef struct kco_registry_s kco_registry_t;

/* Performs one request: method "GET" or "POST" (body: a JSON text, else NULL) on url. 0 with the HTTP status
 * and the body appended to resp, or -1 when no answer came (why says what happened, without credentials). */
typedef int (*kco_registry_transport_fn)(void *opaque, const char *method, const char *url, const char *body,
                                         long *status, kco_buf_t *resp, char *why, size_t whylen);

/* urls: tried in turn (the first that answers is used first next time); user_info: "user:password" for
 * basic auth, NULL or "" for none. */
kco_registry_t *kco_registry_new(const kco_strlist_t *urls, const char *user_info);
void kco_registry_destroy(kco_registry_t *r);
/* Replaces libcurl (tests: a fake registry, faults). */
void kco_registry_set_transport(kco_registry_t *r, kco_registry_transport_fn fn, void *opaque);
/* The registry client of an AvroConverter (to give it another transport). */
kco_registry_t *kco_converter_avro_registry(kco_converter_t *cv);

/* GET {url}/schemas/ids/{id}. 0 with the schema text (caller frees) and the version from the answer's
 * metadata property confluent:version (-1 when absent). Errors: unreachable registry, 5xx, 408, 429:
 * KCO_ERR_IO, retriable; not found (40403): KCO_ERR_DATA; a schema that is not Avro or has references:
 * KCO_ERR_DATA; other answers: KCO_ERR_CONFIG. */
int kco_registry_schema(kco_registry_t *r, int32_t id, char **schema, int *version, kco_err_t *err);
/* POST {url}/subjects/{subject} {"schema": ...}: the schema's version under subject, -1 when the registry
 * answers 404 (no such subject, or the schema is not registered under it). Errors as above. */
int kco_registry_version(kco_registry_t *r, const char *subject, const char *schema, int *version, kco_err_t *err);

/* Helpers, public for the tests. */
/* url without "user:password@" (and without anything after a '?' or '#'). */
void kco_registry_redact_url(const char *url, char *out, size_t outlen);
/* base + path, base's trailing slashes dropped. Caller frees. */
char *kco_registry_join(const char *base, const char *path);
/* subject with every byte outside [A-Za-z0-9._~-] percent-encoded. Caller frees. */
char *kco_registry_escape(const char *subject);
/* A /schemas/ids answer: 0 with schema (caller frees) and version (-1 when absent); -1 with why. */
int kco_registry_parse_schema(const char *body, size_t len, char **schema, int *version, char *why, size_t whylen);
/* A /subjects/{subject} answer: 0 with version; -1 with why. */
int kco_registry_parse_version(const char *body, size_t len, int *version, char *why, size_t whylen);
/* An error answer {"error_code": n, "message": "..."}: the code (0 if none) and the message ("" if none). */
int kco_registry_parse_error(const char *body, size_t len, char *msg, size_t msglen);

#endif
