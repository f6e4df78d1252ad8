/*
 * kco_converter_avro.c - io.confluent.connect.avro.AvroConverter: Confluent
 * wire format (magic byte 0, a 4-byte big-endian schema id, an Avro binary
 * datum) to a Connect value.
 *
 * Owns: a Schema Registry client and a cache of parsed schemas keyed by
 * (schema id, topic) - the topic because the Connect schema carries the
 * schema's version under the subject <topic>-key or <topic>-value, looked
 * up once as Confluent's deserializer does. Up to KCO_AVRO_CACHE_MAX
 * entries; beyond that the cache starts over. A schema that cannot be used
 * (not Avro, not convertible) is cached as such, so a stream of such records
 * does not query the registry for each. Task thread of its task; no locking.
 *
 * Must never: free a Connect schema that values of the current batch may
 * still point at. Dropped schemas are retired and unreferenced only once the
 * batch arena was seen to be reset (its used count went down since the last
 * call); formats that keep a schema hold their own reference anyway.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/kco_avro_decode.h"
#include "convert/kco_avro_schema.h"
#include "convert/kco_converter.h"
#include "convert/kco_registry.h"
#include "core/kco_log.h"
#include "core/kco_mem.h"

#define KCO_AVRO_CACHE_MAX 1000 /* AvroConverter's schema.cache.size default */
#define KCO_AVRO_BUCKETS 1024

typedef struct kco_avro_entry_s {
        int32_t id;
        char *topic;
        char *text;                /* the schema's JSON text */
        kco_avro_schema_t *schema; /* NULL: unusable, error says why */
        char *error;
        struct kco_avro_entry_s *next;
} kco_avro_entry_t;

typedef struct kco_converter_avro_s {
        kco_converter_t base;
        kco_registry_t *registry;
        kco_avro_entry_t *buckets[KCO_AVRO_BUCKETS];
        size_t nentries;
        kco_avro_schema_t **retired; /* dropped from the cache, maybe still in use by the batch */
        size_t nretired, capretired;
        const kco_arena_t *arena; /* the arena of the last call and its used count after it */
        size_t arena_used;
} kco_converter_avro_t;

static size_t kco_avro_bucket(int32_t id, const char *topic) {
        uint64_t h = 1469598103934665603ull ^ (uint32_t)id;
        for (const unsigned char *p = (const unsigned char *)topic; *p; p++)
                h = (h ^ *p) * 1099511628211ull;
        return (size_t)(h ^ h >> 29) % KCO_AVRO_BUCKETS;
}

static kco_avro_entry_t *kco_avro_cache_get(kco_converter_avro_t *c, int32_t id, const char *topic) {
        for (kco_avro_entry_t *e = c->buckets[kco_avro_bucket(id, topic)]; e; e = e->next)
                if (e->id == id && !strcmp(e->topic, topic))
                        return e;
        return NULL;
}

/* The text of schema id under any topic, or NULL. */
static const char *kco_avro_cache_text(kco_converter_avro_t *c, int32_t id) {
        for (size_t b = 0; b < KCO_AVRO_BUCKETS; b++)
                for (kco_avro_entry_t *e = c->buckets[b]; e; e = e->next)
                        if (e->id == id)
                                return e->text;
        return NULL;
}

static void kco_avro_retire(kco_converter_avro_t *c, kco_avro_schema_t *s) {
        if (!s)
                return;
        if (c->nretired == c->capretired) {
                c->capretired = c->capretired ? 2 * c->capretired : 64;
                c->retired = kco_realloc(c->retired, c->capretired * sizeof(*c->retired));
        }
        c->retired[c->nretired++] = s;
}

static void kco_avro_free_retired(kco_converter_avro_t *c) {
        for (size_t i = 0; i < c->nretired; i++)
                kco_avro_schema_free(c->retired[i]);
        c->nretired = 0;
}

/* Empties the cache; schemas are retired, not freed. */
static void kco_avro_cache_clear(kco_converter_avro_t *c, int free_now) {
        for (size_t b = 0; b < KCO_AVRO_BUCKETS; b++) {
                kco_avro_entry_t *e = c->buckets[b];
                while (e) {
                        kco_avro_entry_t *next = e->next;
                        if (free_now)
                                kco_avro_schema_free(e->schema);
                        else
                                kco_avro_retire(c, e->schema);
                        free(e->topic);
                        free(e->text);
                        free(e->error);
                        free(e);
                        e = next;
                }
                c->buckets[b] = NULL;
        }
        c->nentries = 0;
}

/* Fetches, versions and parses schema id for topic, and caches it (also when it is unusable). NULL with err
 * set when the registry cannot tell (nothing cached then: the next record asks again). */
static kco_avro_entry_t *kco_avro_load(kco_converter_avro_t *c, int32_t id, const char *topic, kco_err_t *err) {
        char *text = NULL;
        int version = -1;
        const char *known = kco_avro_cache_text(c, id);
        if (known)
                text = kco_strdup(known);
        else if (kco_registry_schema(c->registry, id, &text, &version, err))
                return NULL;
        if (version < 0) {
                char *subject = kco_asprintf("%s-%s", topic, c->base.is_key ? "key" : "value");
                int rc = kco_registry_version(c->registry, subject, text, &version, err);
                free(subject);
                if (rc) {
                        free(text);
                        return NULL;
                }
        }
        kco_err_t perr;
        kco_err_clear(&perr);
        kco_avro_schema_t *s = kco_avro_schema_parse(text, strlen(text), version, &perr);
        if (s)
                kco_debug("avro", "%s schema id %" PRId32 " for topic %s: version %d", c->base.is_key ? "key" : "value",
                          id, topic, version);
        else
                kco_warn("avro", "%s schema id %" PRId32 " for topic %s cannot be used: %s",
                         c->base.is_key ? "key" : "value", id, topic, perr.msg);
        if (c->nentries >= KCO_AVRO_CACHE_MAX)
                kco_avro_cache_clear(c, 0);
        kco_avro_entry_t *e = kco_calloc(1, sizeof(*e));
        e->id = id;
        e->topic = kco_strdup(topic);
        e->text = text;
        e->schema = s;
        e->error = s ? NULL : kco_strdup(perr.msg);
        size_t b = kco_avro_bucket(id, topic);
        e->next = c->buckets[b];
        c->buckets[b] = e;
        c->nentries++;
        return e;
}

static int kco_avro_convert(kco_converter_t *cv, const char *topic, const void *p, size_t n, kco_arena_t *arena,
                            kco_data_t *out, kco_err_t *err) {
        kco_converter_avro_t *c = (kco_converter_avro_t *)cv;
        const uint8_t *b = p;
        out->ptr = NULL;
        out->len = 0;
        out->v = NULL;
        /* a reset of the batch arena means no value points at a retired schema any more */
        if (c->nretired && arena == c->arena && arena->used < c->arena_used)
                kco_avro_free_retired(c);
        if (!p) {
                out->type = KCO_DATA_NULL;
                return 0;
        }
        if (n && b[0] != 0)
                return kco_err_set(err, KCO_ERR_DATA, 0,
                                   "Failed to deserialize data for topic %s to Avro: unknown magic byte 0x%02x (not "
                                   "Confluent Avro wire format)", topic, b[0]);
        if (n < 5)
                return kco_err_set(err, KCO_ERR_DATA, 0,
                                   "Failed to deserialize data for topic %s to Avro: message too short (%zu bytes; the "
                                   "wire format needs at least 5)", topic, n);
        int32_t id = (int32_t)((uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 8 | b[4]);
        kco_avro_entry_t *e = kco_avro_cache_get(c, id, topic);
        if (!e && !(e = kco_avro_load(c, id, topic, err)))
                return -1;
        if (!e->schema)
                return kco_err_set(err, KCO_ERR_DATA, 0, "Failed to deserialize data for topic %s to Avro: schema id "
                                   "%" PRId32 ": %s", topic, id, e->error);
        kco_value_t *v;
        if (e->schema->avro->kind == KCO_AVRO_BYTES) {
                /* Confluent writes a top-level bytes schema's value raw, without a length */
                v = kco_arena_alloc(arena, sizeof(*v));
                v->type = KCO_TYPE_BYTES;
                v->schema = e->schema->connect;
                v->u.s.ptr = (const char *)b + 5;
                v->u.s.len = n - 5;
        } else if (kco_avro_decode(e->schema, b + 5, n - 5, arena, &v, err)) {
                char why[sizeof(err->msg)];
                memcpy(why, err->msg, sizeof(why));
                return kco_err_set(err, KCO_ERR_DATA, 0,
                                   "Failed to deserialize data for topic %s to Avro: schema id %" PRId32 ": %s", topic,
                                   id, why);
        }
        out->type = KCO_DATA_VALUE;
        out->v = v;
        c->arena = arena;
        c->arena_used = arena->used;
        return 0;
}

static void kco_avro_destroy(kco_converter_t *cv) {
        kco_converter_avro_t *c = (kco_converter_avro_t *)cv;
        kco_avro_cache_clear(c, 1);
        kco_avro_free_retired(c);
        free(c->retired);
        kco_registry_destroy(c->registry);
        free(c);
}

static const kco_converter_ops_t kco_converter_avro_ops = {"AvroConverter", kco_avro_convert, kco_avro_destroy};

kco_converter_t *kco_converter_avro_new(int is_key, const kco_conf_t *conf, kco_err_t *err) {
        const kco_strlist_t *urls = is_key ? &conf->key_registry_url : &conf->value_registry_url;
        if (!urls->n) {
                kco_err_set(err, KCO_ERR_CONFIG, 0, "%s.converter.schema.registry.url: required by AvroConverter",
                            is_key ? "key" : "value");
                return NULL;
        }
        kco_converter_avro_t *c = kco_calloc(1, sizeof(*c));
        c->base.ops = &kco_converter_avro_ops;
        c->base.is_key = is_key;
        c->registry = kco_registry_new(urls, is_key ? conf->key_registry_user_info : conf->value_registry_user_info);
        return &c->base;
}

kco_registry_t *kco_converter_avro_registry(kco_converter_t *cv) {
        return ((kco_converter_avro_t *)cv)->registry;
}
