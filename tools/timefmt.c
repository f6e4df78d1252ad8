/*
 * timefmt.c - kco-timefmt: prints what the time-based partitioners make of
 * timestamps (kco_tz_bucket, then kco_timefmt_format on the bucket start), so
 * tests can hold it against an independent computation
 * (tests/integration/check/time_expect.py; test_time_buckets.sh).
 *
 *   kco-timefmt [LOCALE] < lines
 *
 * stdin: one case a line, "TS_MS ZONE DURATION_MS PATTERN" (the pattern is the
 * rest of the line, spaces included). stdout: one line per case, the formatted
 * bucket start, or "ERROR <message>" when the zone or pattern is refused.
 * Main thread only; keeps the last zone and pattern compiled.
 * Must never: assert anything (it reports; the test compares).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_buf.h"
#include "partition/kco_time.h"

int main(int argc, char **argv) {
        const char *locale = argc > 1 ? argv[1] : "en";
        char line[4096], zone[256] = "", pattern[4096] = "";
        kco_tz_t *tz = NULL;
        kco_timefmt_t *fmt = NULL;
        kco_err_t zerr, ferr;
        kco_buf_t out;
        kco_buf_init(&out);
        kco_err_clear(&zerr);
        kco_err_clear(&ferr);
        while (fgets(line, sizeof(line), stdin)) {
                size_t n = strlen(line);
                while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                        line[--n] = '\0';
                if (!n)
                        continue;
                char z[256];
                int64_t ts, dur;
                int off = 0;
                if (sscanf(line, "%" SCNd64 " %255s %" SCNd64 " %n", &ts, z, &dur, &off) != 3 || !off) {
                        printf("ERROR malformed line: %s\n", line);
                        continue;
                }
                const char *pat = line + off;
                if (!tz || strcmp(z, zone)) {
                        kco_tz_destroy(tz);
                        kco_err_clear(&zerr);
                        tz = kco_tz_new(z, &zerr);
                        snprintf(zone, sizeof(zone), "%s", z);
                }
                if (!fmt || strcmp(pat, pattern)) {
                        kco_timefmt_destroy(fmt);
                        kco_err_clear(&ferr);
                        fmt = kco_timefmt_new(pat, locale, &ferr);
                        snprintf(pattern, sizeof(pattern), "%s", pat);
                }
                if (!tz || !fmt) {
                        printf("ERROR %s\n", !tz ? zerr.msg : ferr.msg);
                        continue;
                }
                out.len = 0;
                kco_timefmt_format(fmt, tz, kco_tz_bucket(tz, ts, dur > 0 ? dur : 1), &out);
                printf("%s\n", kco_buf_cstr(&out));
        }
        kco_buf_free(&out);
        kco_tz_destroy(tz);
        kco_timefmt_destroy(fmt);
        return 0;
}
