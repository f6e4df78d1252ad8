/*
 * region_partitioner.c - an example custom partitioner: records go to
 * region=<r> by a country field of the value, e.g. region=eu for
 * {"country":"FR", ...}. It demonstrates the whole plugin contract and uses
 * nothing but kco_partitioner_plugin.h: reading its own configuration keys
 * in create (refusing a bad one with a message), a per-task state, the host's
 * field_text to read a (nested) field of the converted value, and data errors
 * from encode.
 *
 * Configuration (in the connector's properties, next to partitioner.class):
 *   region.field  dotted path of the field holding the country (default country)
 *   region.map    COUNTRY:REGION pairs, comma-separated (required),
 *                 e.g. FR:eu,DE:eu,US:us,CN:ap; other countries go to region=other
 *
 * Build and use:
 *   make build/libkco-region.so      (part of make all), or by hand:
 *   cc -std=c11 -shared -fPIC -o libkco-region.so examples/plugin/region_partitioner.c
 *   partitioner.class=/absolute/path/to/libkco-region.so
 *   region.map=FR:eu,DE:eu,US:us,CN:ap
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/partition/kco_partitioner_plugin.h"

#define REGION_MAX_PAIRS 256

typedef struct {
        char *field;
        char *map; /* region.map, cut into the NUL-terminated strings pairs point at */
        const char *country[REGION_MAX_PAIRS];
        const char *region[REGION_MAX_PAIRS];
        size_t n;
} region_state_t;

static char *region_strdup(const char *s) {
        size_t n = strlen(s) + 1;
        char *c = malloc(n);
        if (c)
                memcpy(c, s, n);
        return c;
}

static void region_destroy(void *state) {
        region_state_t *st = state;
        if (!st)
                return;
        free(st->field);
        free(st->map);
        free(st);
}

/* s without leading and trailing blanks, cut in place. */
static char *region_trim(char *s) {
        while (*s == ' ' || *s == '\t')
                s++;
        size_t n = strlen(s);
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
                s[--n] = '\0';
        return s;
}

/* A region becomes a directory name: letters, digits, '-' and '_' only. */
static int region_name_ok(const char *s) {
        if (!*s)
                return 0;
        for (; *s; s++)
                if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
                      *s == '_'))
                        return 0;
        return 1;
}

/* Cuts st->map into pairs. 0, or -1 with err set. */
static int region_parse_map(region_state_t *st, char *err, size_t errcap) {
        char *p = st->map;
        for (;;) {
                char *comma = strchr(p, ',');
                if (comma)
                        *comma = '\0';
                char *colon = strchr(p, ':');
                if (!colon) {
                        snprintf(err, errcap, "region.map: \"%s\" is not COUNTRY:REGION", region_trim(p));
                        return -1;
                }
                *colon = '\0';
                char *country = region_trim(p), *region = region_trim(colon + 1);
                if (!*country || !region_name_ok(region)) {
                        snprintf(err, errcap,
                                 "region.map: \"%s:%s\" needs a country and a region of letters, digits, '-', '_'",
                                 country, region);
                        return -1;
                }
                if (st->n == REGION_MAX_PAIRS) {
                        snprintf(err, errcap, "region.map: more than %d pairs", REGION_MAX_PAIRS);
                        return -1;
                }
                st->country[st->n] = country;
                st->region[st->n] = region;
                st->n++;
                if (!comma)
                        return 0;
                p = comma + 1;
        }
}

static void *region_create(const char *const *keys, const char *const *values, size_t n, char *err, size_t errcap) {
        const char *field = "country", *map = NULL;
        for (size_t i = 0; i < n; i++) {
                if (!strcmp(keys[i], "region.field"))
                        field = values[i];
                else if (!strcmp(keys[i], "region.map"))
                        map = values[i];
        }
        if (!*field) {
                snprintf(err, errcap, "region.field must not be empty");
                return NULL;
        }
        if (!map || !*map) {
                snprintf(err, errcap, "region.map is required (e.g. FR:eu,DE:eu,US:us,CN:ap)");
                return NULL;
        }
        region_state_t *st = calloc(1, sizeof(*st));
        if (!st || !(st->field = region_strdup(field)) || !(st->map = region_strdup(map))) {
                snprintf(err, errcap, "out of memory");
                region_destroy(st);
                return NULL;
        }
        if (region_parse_map(st, err, errcap)) {
                region_destroy(st);
                return NULL;
        }
        return st;
}

static int region_encode(void *state, const kco_plugin_record_t *rec, char *out, size_t cap, char *err,
                         size_t errcap) {
        const region_state_t *st = state;
        char country[128];
        size_t len;
        if (rec->host->field_text(rec->hctx, st->field, country, sizeof(country), &len)) {
                snprintf(err, errcap, "field %s missing", st->field);
                return -1;
        }
        const char *region = "other";
        for (size_t i = 0; i < st->n; i++)
                if (!strcmp(st->country[i], country)) {
                        region = st->region[i];
                        break;
                }
        int n = snprintf(out, cap, "region=%s", region);
        if (n < 0 || (size_t)n >= cap) {
                snprintf(err, errcap, "region %s does not fit", region);
                return -1;
        }
        return n;
}

static const kco_partitioner_plugin_t region_plugin = {
        .abi = KCO_PARTITIONER_PLUGIN_ABI,
        .name = "RegionPartitioner",
        .create = region_create,
        .destroy = region_destroy,
        .encode = region_encode,
};

const kco_partitioner_plugin_t *kco_partitioner_plugin(void);

const kco_partitioner_plugin_t *kco_partitioner_plugin(void) {
        return &region_plugin;
}
