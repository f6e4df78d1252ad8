/*
 * fuzz_timefmt.c - libFuzzer target for the Joda pattern compiler and
 * formatter (kco_timefmt.c), the zone code (kco_tz.c) and the ISO-8601 parser.
 *
 * Owns: nothing between runs; every zone, formatter and buffer it creates is
 * freed before returning. Single-threaded (libFuzzer's). Must never: keep
 * state across inputs, or accept two different results for the same input.
 *
 * Input: the first line is a pattern, the second (if any) a zone id, the
 * rest is ignored by those; the whole input is also an ISO-8601 candidate.
 * Checks:
 *   - a refused pattern / zone gives KCO_ERR_CONFIG and a message;
 *   - a compiled pattern formats a few fixed instants (extremes of int64
 *     included) in a few zones, twice, with the same text both times;
 *   - bucket starts never exceed ts for UTC / fixed zones, and are within a
 *     day of ts for any zone and duration up to a day;
 *   - an accepted ISO text formats back (UTC, yyyy-MM-dd'T'HH:mm:ss.SSS) to
 *     text that parses to the same instant.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_buf.h"
#include "partition/kco_time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_time_die(const char *what) {
        fprintf(stderr, "fuzz_timefmt invariant broken: %s\n", what);
        abort();
}

static const int64_t fuzz_time_instants[] = {
        0, -1, 1560328800123LL, 1552201200000LL, 1572760800000LL, -62167219200001LL, 253402300799999LL,
        -30610224000000LL, INT64_MAX, INT64_MIN, INT64_MAX / 2, INT64_MIN / 2,
};
static const char *const fuzz_time_zones[] = {"UTC", "America/New_York", "Australia/Lord_Howe", "-09:30"};
static const int64_t fuzz_time_durations[] = {1, 15 * 60000LL, 3600000LL, 7 * 3600000LL, 86400000LL};

static void fuzz_time_zone(kco_tz_t *tz, kco_timefmt_t *f, int fixed) {
        kco_buf_t a, b;
        kco_buf_init(&a);
        kco_buf_init(&b);
        for (size_t i = 0; i < sizeof(fuzz_time_instants) / sizeof(fuzz_time_instants[0]); i++) {
                int64_t ts = fuzz_time_instants[i];
                a.len = b.len = 0;
                if (f) {
                        kco_timefmt_format(f, tz, ts, &a);
                        kco_timefmt_format(f, tz, ts, &b);
                        if (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len)))
                                fuzz_time_die("same instant formatted twice differently");
                }
                if (ts > INT64_MAX / 4 || ts < INT64_MIN / 4)
                        continue;
                for (size_t d = 0; d < sizeof(fuzz_time_durations) / sizeof(fuzz_time_durations[0]); d++) {
                        int64_t s = kco_tz_bucket(tz, ts, fuzz_time_durations[d]);
                        if (fixed && (s > ts || ts - s >= fuzz_time_durations[d]))
                                fuzz_time_die("fixed-offset bucket does not hold its instant");
                        if (s - ts > 86400000LL || ts - s > 2 * 86400000LL)
                                fuzz_time_die("bucket start more than a day away");
                }
        }
        kco_buf_free(&a);
        kco_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 4096)
                return 0;
        char *text = malloc(size + 1);
        memcpy(text, data, size);
        text[size] = '\0';
        char *nl = memchr(text, '\n', size);
        char *zone_line = NULL;
        if (nl) {
                *nl = '\0';
                zone_line = nl + 1;
                char *nl2 = strchr(zone_line, '\n');
                if (nl2)
                        *nl2 = '\0';
        }

        kco_err_t err;
        kco_err_clear(&err);
        const char *locale = (size && (data[size - 1] & 1)) ? "zh_CN" : "en";
        kco_timefmt_t *f = kco_timefmt_new(text, locale, &err);
        if (!f && (err.code != KCO_ERR_CONFIG || !err.msg[0]))
                fuzz_time_die("refused pattern without a config error message");
        for (size_t z = 0; z < sizeof(fuzz_time_zones) / sizeof(fuzz_time_zones[0]); z++) {
                kco_tz_t *tz = kco_tz_new(fuzz_time_zones[z], &err);
                if (!tz)
                        fuzz_time_die("fixed zone refused");
                fuzz_time_zone(tz, f, z == 0 || z == 3);
                kco_tz_destroy(tz);
        }
        if (zone_line) {
                kco_err_clear(&err);
                kco_tz_t *tz = kco_tz_new(zone_line, &err);
                if (tz) {
                        if (!kco_tz_id(tz)[0])
                                fuzz_time_die("zone without an id");
                        fuzz_time_zone(tz, f, 0);
                        kco_tz_destroy(tz);
                } else if (err.code != KCO_ERR_CONFIG || !err.msg[0]) {
                        fuzz_time_die("refused zone without a config error message");
                }
        }
        kco_timefmt_destroy(f);

        int64_t ms;
        if (kco_time_parse_iso((const char *)data, size, &ms) == 0) {
                kco_tz_t *utc = kco_tz_new("UTC", &err);
                kco_timefmt_t *iso = kco_timefmt_new("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "en", &err);
                if (!utc || !iso)
                        fuzz_time_die("fixed ISO pattern refused");
                kco_buf_t out;
                kco_buf_init(&out);
                kco_timefmt_format(iso, utc, ms, &out);
                int64_t back;
                /* an offset can move the instant outside 0000-9999 */
                if (out.len == 24 && kco_time_parse_iso(out.data, out.len, &back) == 0) {
                        if (back != ms)
                                fuzz_time_die("ISO text does not round-trip");
                } else if (ms >= -62167219200000LL && ms <= 253402300799999LL) {
                        fuzz_time_die("formatted ISO text of an accepted instant does not parse");
                }
                kco_buf_free(&out);
                kco_timefmt_destroy(iso);
                kco_tz_destroy(utc);
        }
        free(text);
        return 0;
}
