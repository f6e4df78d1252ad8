/*
 * test_time.c - unit tests for src/partition/kco_tz.c and kco_timefmt.c
 * (kco_time.h): zones, Joda's convertLocalToUTC around DST gaps and
 * overlaps, TimeBasedPartitioner bucket starts, every Joda pattern letter,
 * quoting, errors, locale names and the ISO-8601 parser. Every expected value
 * is worked out by hand in the comments (epoch milliseconds too), not taken
 * from the code under test.
 * Owns: the zones and formatters each test creates. Single-threaded.
 * Must never: depend on the process's TZ or locale, or on test order.
 *
 * Anchors used below (days since 1970-01-01 * 86400000):
 *   2019-01-01 = day 17897 -> 1546300800000
 *   2019-03-10 = 17897 + 31 + 28 + 9  = 17965 -> 1552176000000
 *   2019-03-31 = 17897 + 31 + 28 + 30 = 17986 -> 1553990400000
 *   2019-06-12 = 17897 + 151 + 11     = 18059 -> 1560297600000
 *   2019-10-05 = 17897 + 273 + 4      = 18174 -> 1570233600000
 *   2019-10-27 = 17897 + 273 + 26     = 18196 -> 1572134400000
 *   2019-11-03 = 17897 + 304 + 2      = 18203 -> 1572739200000
 *   2018-12-31 = 17896                        -> 1546214400000
 *   2021-01-01 = 17897 + 365 + 366    = 18628 -> 1609459200000
 *   0001-01-01 = -62135596800000 (719162 days before 1970)
 *   1000-01-01 = 0001-01-01 + (999 * 365 + 249 - 9 + 2 leap days) days
 *              = -62135596800000 + 364877 * 86400000 = -30610224000000
 *   0000-01-01 = 0001-01-01 - 366 days (year 0 is a leap year) = -62167219200000
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/kco_buf.h"
#include "partition/kco_time.h"

#define H 3600000LL
#define MIN 60000LL
#define D (24 * H)

static kco_tz_t *tz_ok(const char *id) {
        kco_err_t err;
        kco_err_clear(&err);
        kco_tz_t *tz = kco_tz_new(id, &err);
        if (!tz)
                fail_msg("zone %s refused: %s", id, err.msg);
        return tz;
}

/* Formats utc_ms in zone with pattern / locale and compares. */
static void fmt_is(const char *zone, const char *locale, const char *pattern, int64_t utc_ms, const char *want) {
        kco_err_t err;
        kco_err_clear(&err);
        kco_tz_t *tz = tz_ok(zone);
        kco_timefmt_t *f = kco_timefmt_new(pattern, locale, &err);
        if (!f)
                fail_msg("pattern %s refused: %s", pattern, err.msg);
        kco_buf_t out;
        kco_buf_init(&out);
        kco_timefmt_format(f, tz, utc_ms, &out);
        if (strcmp(kco_buf_cstr(&out), want))
                fail_msg("%s %s '%s' at %lld: got '%s', want '%s'", zone, locale, pattern, (long long)utc_ms,
                         kco_buf_cstr(&out), want);
        kco_buf_free(&out);
        kco_timefmt_destroy(f);
        kco_tz_destroy(tz);
}

/* The partitioner's whole path: bucket start of ts, formatted; and the
 * bucket start itself. */
static void bucket_is(const char *zone, int64_t dur, const char *pattern, int64_t ts, int64_t want_start,
                      const char *want) {
        kco_tz_t *tz = tz_ok(zone);
        int64_t start = kco_tz_bucket(tz, ts, dur);
        if (start != want_start)
                fail_msg("%s dur %lld ts %lld: bucket start %lld, want %lld", zone, (long long)dur, (long long)ts,
                         (long long)start, (long long)want_start);
        kco_tz_destroy(tz);
        fmt_is(zone, "en", pattern, start, want);
}

static void pattern_err(const char *pattern, const char *want_substr) {
        kco_err_t err;
        kco_err_clear(&err);
        kco_timefmt_t *f = kco_timefmt_new(pattern, "en", &err);
        if (f)
                fail_msg("pattern '%s' accepted", pattern);
        assert_int_equal(err.code, KCO_ERR_CONFIG);
        if (!strstr(err.msg, want_substr))
                fail_msg("pattern '%s': message '%s' lacks '%s'", pattern, err.msg, want_substr);
}

/* ---------------------------------------------------------------- zones */

static void test_utc_and_fixed(void **state) {
        (void)state;
        /* 2019-06-12T08:40:00Z = 1560297600000 + 8h40m = 1560328800000 */
        int64_t ts = 1560328800000LL;
        bucket_is("UTC", H, "YYYY-MM-dd-HH", ts, 1560297600000LL + 8 * H, "2019-06-12-08");
        /* +05:30: local 14:10; a 15-minute bucket starts at local 14:00, i.e.
         * 08:30Z; the hour bucket too (14:00 local = 08:30Z). */
        bucket_is("+05:30", 15 * MIN, "HH:mm", ts, ts - 10 * MIN, "14:00");
        bucket_is("+05:30", H, "HH:mm", ts, ts - 10 * MIN, "14:00");
        /* -0800: local 00:40 on the 12th; the day bucket starts at local
         * midnight = 08:00Z. */
        bucket_is("-0800", D, "YYYY-MM-dd-HH", ts, 1560297600000LL + 8 * H, "2019-06-12-00");

        kco_tz_t *tz = tz_ok("-0800");
        assert_string_equal(kco_tz_id(tz), "-08:00"); /* Joda's printOffset form */
        assert_int_equal(kco_tz_offset(tz, ts), -8 * H);
        assert_int_equal(kco_tz_local_to_utc(tz, 0), 8 * H);
        kco_tz_destroy(tz);
        tz = tz_ok("+00:00"); /* Joda: a zero offset is UTC */
        assert_string_equal(kco_tz_id(tz), "UTC");
        kco_tz_destroy(tz);
        tz = tz_ok("+05:45:30");
        assert_string_equal(kco_tz_id(tz), "+05:45:30");
        kco_tz_destroy(tz);
        tz = tz_ok("Asia/Kolkata"); /* kept as given (ICU would say Asia/Calcutta) */
        assert_string_equal(kco_tz_id(tz), "Asia/Kolkata");
        assert_int_equal(kco_tz_offset(tz, ts), 5 * H + 30 * MIN);
        kco_tz_destroy(tz);
        /* Etc/GMT+5 is five hours *behind* UTC (POSIX sign) */
        tz = tz_ok("Etc/GMT+5");
        assert_int_equal(kco_tz_offset(tz, ts), -5 * H);
        kco_tz_destroy(tz);
}

static void test_zone_errors(void **state) {
        (void)state;
        const char *bad[] = {"Mars/Base", "", "asia/shanghai", "Etc/Unknown", "PST", "GMT+05:00",
                             "+24:00", "+8", "+08:0", "+08:60", "+0800x", "Asia/Shanghai ", NULL};
        for (int i = 0; bad[i]; i++) {
                kco_err_t err;
                kco_err_clear(&err);
                kco_tz_t *tz = kco_tz_new(bad[i], &err);
                if (tz)
                        fail_msg("zone '%s' accepted", bad[i]);
                assert_int_equal(err.code, KCO_ERR_CONFIG);
        }
        kco_err_t err;
        kco_err_clear(&err);
        assert_null(kco_tz_new("Mars/Base", &err));
        assert_string_equal(err.msg, "The datetime zone id 'Mars/Base' is not recognised");
}

/* The Java connector's README example: Asia/Shanghai (+08:00, no DST since
 * 1991), path.format YYYY-MM-dd-HH, partition.duration.ms 3600000.
 * 2019-06-12T08:40:00Z is 16:40 in Shanghai: the hour bucket starts at local
 * 16:00 = 08:00Z, named 2019-06-12-16. */
static void test_shanghai_readme(void **state) {
        (void)state;
        bucket_is("Asia/Shanghai", H, "YYYY-MM-dd-HH", 1560328800000LL, 1560297600000LL + 8 * H,
                  "2019-06-12-16");
        /* 7 hours: local hours since the epoch at 2019-06-12 00:00 are
         * 18059 * 24 = 433416 = 7 * 61916 + 4, so local 7 h boundaries fall at
         * 03:00, 10:00, 17:00; 16:40 is in [10:00, 17:00): starts 10:00 local
         * = 02:00Z. */
        bucket_is("Asia/Shanghai", 7 * H, "YYYY-MM-dd-HH", 1560328800000LL, 1560297600000LL + 2 * H,
                  "2019-06-12-10");
}

/* Durations that do not divide a day are aligned to the (local) epoch. */
static void test_odd_durations(void **state) {
        (void)state;
        int64_t ts = 1560328800000LL; /* 08:40Z */
        /* UTC 7 h: boundaries 03:00 and 10:00 (see above) */
        bucket_is("UTC", 7 * H, "YYYY-MM-dd-HH", ts, 1560297600000LL + 3 * H, "2019-06-12-03");
        /* UTC 25 min: minutes since the epoch 433416 * 60 + 520 = 26005480
         * = 25 * 1040219 + 5: the bucket started 5 minutes ago, 08:35 */
        bucket_is("UTC", 25 * MIN, "HH:mm", ts, ts - 5 * MIN, "08:35");
        /* a duration of one millisecond is the instant itself */
        bucket_is("UTC", 1, "HH:mm:ss.SSS", ts + 7, ts + 7, "08:40:00.007");
}

/* America/New_York 2019: DST from 2019-03-10 07:00Z (02:00 EST -> 03:00
 * EDT) to 2019-11-03 06:00Z (02:00 EDT -> 01:00 EST). */
static void test_new_york_dst(void **state) {
        (void)state;
        const int64_t mar10 = 1552176000000LL, nov3 = 1572739200000LL;
        const char *p = "YYYY-MM-dd-HH";
        /* 06:59:59.999Z = 01:59:59.999 EST: hour bucket local 01:00 = 06:00Z */
        bucket_is("America/New_York", H, p, mar10 + 7 * H - 1, mar10 + 6 * H, "2019-03-10-01");
        /* 07:00Z = 03:00 EDT: local 03:00. convertLocalToUTC(03:00): offset at
         * 03:00Z is -5 (before 07:00Z), 03:00 + 5 h = 08:00Z has -4; they
         * differ and -5 < 0, so the gap test: nextTransition(08:00Z) is in
         * November, and nextTransition(03:00 + 4 h = 07:00Z) is November
         * too (07:00Z itself is not *after* 07:00Z): same, not in the gap,
         * offset -4: 07:00Z. */
        bucket_is("America/New_York", H, p, mar10 + 7 * H, mar10 + 7 * H, "2019-03-10-03");
        /* 15 minutes: 07:10Z = 03:10 EDT -> local 03:00 -> 07:00Z */
        bucket_is("America/New_York", 15 * MIN, "HH:mm", mar10 + 7 * H + 10 * MIN, mar10 + 7 * H, "03:00");
        /* 24 h: 12:00Z = 08:00 EDT; the day bucket starts at local midnight,
         * 00:00 EST = 05:00Z (the day is 23 hours long) */
        bucket_is("America/New_York", D, p, mar10 + 12 * H, mar10 + 5 * H, "2019-03-10-00");
        /* and 2019-03-11T03:59Z = 23:59 EDT on the 10th: the same bucket */
        bucket_is("America/New_York", D, p, mar10 + D + 3 * H + 59 * MIN, mar10 + 5 * H, "2019-03-10-00");

        /* Fall back. 05:30Z = 01:30 EDT -> local 01:00: offset at 01:00Z is
         * -4 (before 06:00Z), 01:00 + 4 h = 05:00Z also -4: 05:00Z. */
        bucket_is("America/New_York", H, p, nov3 + 5 * H + 30 * MIN, nov3 + 5 * H, "2019-11-03-01");
        /* 06:30Z = 01:30 EST, the second 01:30: the same local bucket start,
         * the same conversion, 05:00Z - the earlier of the two 01:00s. Both
         * local hours 01:xx share one partition, as in Joda. */
        bucket_is("America/New_York", H, p, nov3 + 6 * H + 30 * MIN, nov3 + 5 * H, "2019-11-03-01");
        /* 07:00Z = 02:00 EST: local 02:00 -> offset at 02:00Z is -4, 06:00Z
         * has -5; differ, -4 < 0: nextTransition(06:00Z) is March 2020,
         * nextTransition(02:00 + 5 h = 07:00Z) March 2020: same, offset -5,
         * 07:00Z. */
        bucket_is("America/New_York", H, p, nov3 + 7 * H, nov3 + 7 * H, "2019-11-03-02");
        /* 24 h: local midnight is EDT, 04:00Z; the 25-hour day ends at
         * 2019-11-04T05:00Z, so 04:30Z on the 4th (23:30 EST) still belongs */
        bucket_is("America/New_York", D, p, nov3 + 20 * H, nov3 + 4 * H, "2019-11-03-00");
        bucket_is("America/New_York", D, p, nov3 + D + 4 * H + 30 * MIN, nov3 + 4 * H, "2019-11-03-00");
        bucket_is("America/New_York", D, p, nov3 + D + 5 * H, nov3 + D + 5 * H, "2019-11-04-00");
}

/* Europe/London 2019: BST from 2019-03-31 01:00Z (01:00 GMT -> 02:00 BST) to
 * 2019-10-27 01:00Z (02:00 BST -> 01:00 GMT). Offsets >= 0: Joda takes the
 * second estimate without the gap test. */
static void test_london_dst(void **state) {
        (void)state;
        const int64_t mar31 = 1553990400000LL, oct27 = 1572134400000LL;
        const char *p = "YYYY-MM-dd-HH";
        /* 00:59Z = 00:59 GMT: bucket 00:00 local = 00:00Z */
        bucket_is("Europe/London", H, p, mar31 + 59 * MIN, mar31, "2019-03-31-00");
        /* 01:00Z = 02:00 BST: local 02:00; offset at 02:00Z is +1, at 01:00Z
         * +1 (the transition instant has the new offset): 01:00Z */
        bucket_is("Europe/London", H, p, mar31 + H, mar31 + H, "2019-03-31-02");
        /* 15 min: 01:20Z = 02:20 BST -> 02:15 local -> 01:15Z */
        bucket_is("Europe/London", 15 * MIN, "HH:mm", mar31 + H + 20 * MIN, mar31 + H + 15 * MIN, "02:15");
        /* 24 h: local midnight (GMT) = 00:00Z */
        bucket_is("Europe/London", D, p, mar31 + 12 * H, mar31, "2019-03-31-00");

        /* Fall back. 00:30Z = 01:30 BST -> local 01:00: offset at 01:00Z is 0
         * (already after the transition), 01:00 - 0 = 01:00Z has 0: 01:00Z,
         * i.e. 01:00 GMT, the *later* of the two 01:00s - later even than ts.
         * (Joda's non-strict conversion picks the later instant of an
         * overlap east of Greenwich, the earlier one west of it.) */
        bucket_is("Europe/London", H, p, oct27 + 30 * MIN, oct27 + H, "2019-10-27-01");
        /* 01:30Z = 01:30 GMT: the same bucket */
        bucket_is("Europe/London", H, p, oct27 + H + 30 * MIN, oct27 + H, "2019-10-27-01");
        /* 24 h: local midnight is BST: 2019-10-26T23:00Z */
        bucket_is("Europe/London", D, p, oct27 + 12 * H, oct27 - H, "2019-10-27-00");
        bucket_is("Europe/London", D, p, oct27 + 23 * H + 59 * MIN, oct27 - H, "2019-10-27-00");
}

/* A bucket that starts inside a spring-forward gap (Joda, strict = false). */
static void test_gap_bucket_start(void **state) {
        (void)state;
        const int64_t mar10 = 1552176000000LL, mar31 = 1553990400000LL, oct5 = 1570233600000LL;
        /* New York, 2 h buckets (local midnight is a boundary): 07:30Z =
         * 03:30 EDT is in the bucket [02:00, 04:00) local, whose start 02:00
         * does not exist. convertLocalToUTC(02:00): offsetLocal = offset at
         * 02:00Z = -5; 02:00 + 5 h = 07:00Z has offset -4; they differ and
         * -5 < 0: nextTransition(07:00Z) = 2019-11-03T06:00Z, but
         * nextTransition(02:00 + 4 h = 06:00Z) = 2019-03-10T07:00Z: they
         * differ, so 02:00 is in the gap and the offset before it (-5)
         * applies: 07:00Z, shown as 03:00 EDT. (Without the gap test the
         * offset -4 would give 06:00Z = 01:00 EST, a name from before the
         * bucket.) */
        bucket_is("America/New_York", 2 * H, "YYYY-MM-dd-HH:mm", mar10 + 7 * H + 30 * MIN, mar10 + 7 * H,
                  "2019-03-10-03:00");
        kco_tz_t *ny = tz_ok("America/New_York");
        assert_int_equal(kco_tz_local_to_utc(ny, mar10 + 2 * H + 30 * MIN), mar10 + 7 * H + 30 * MIN);
        /* just before and after the gap: ordinary */
        assert_int_equal(kco_tz_local_to_utc(ny, mar10 + 2 * H - 1), mar10 + 7 * H - 1);
        assert_int_equal(kco_tz_local_to_utc(ny, mar10 + 3 * H), mar10 + 7 * H);
        kco_tz_destroy(ny);

        /* London, 90-minute buckets (16 a day): 01:30Z = 02:30 BST is in
         * [01:30, 03:00) local; 01:30 local does not exist. offsetLocal =
         * offset at 01:30Z = +1, 01:30 - 1 h = 00:30Z has 0; offsets >= 0 take
         * the second: 01:30Z = 02:30 BST - again the offset before the gap. */
        bucket_is("Europe/London", 90 * MIN, "HH:mm", mar31 + H + 30 * MIN, mar31 + H + 30 * MIN, "02:30");

        /* Lord Howe (+10:30, DST +11:00 - a 30-minute shift) on 2019-10-06:
         * 02:00 local standard time = 2019-10-05T15:30Z jumps to 02:30. 15:45Z
         * = 02:45 local; its hour bucket starts at local 02:00, in the gap:
         * offsetLocal = offset at 02:00Z on the 6th = +11, 02:00 - 11 h =
         * 15:00Z on the 5th has +10:30: the second estimate, 15:30Z, which
         * reads 02:30. */
        bucket_is("Australia/Lord_Howe", H, "dd HH:mm", oct5 + 15 * H + 45 * MIN, oct5 + 15 * H + 30 * MIN,
                  "06 02:30");
}

/* New York's offset in 2019 (see test_new_york_dst for the transitions). */
static int64_t ny_2019_offset(int64_t t) {
        const int64_t spring = 1552176000000LL + 7 * H, fall = 1572739200000LL + 6 * H;
        return t >= spring && t < fall ? -4 * H : -5 * H;
}

/* Offsets looked up in any order agree (the one-interval cache): every 15
 * minutes of 2019, forwards, and alternating between the two ends. */
static void test_offset_cache(void **state) {
        (void)state;
        const int64_t jan1 = 1546300800000LL, step = 15 * MIN, n = 365 * 96;
        kco_tz_t *a = tz_ok("America/New_York"), *b = tz_ok("America/New_York");
        for (int64_t i = 0; i < n; i++) {
                int64_t t = jan1 + i * step, u = (i & 1) ? t : jan1 + (n - 1 - i) * step;
                assert_int_equal(kco_tz_offset(a, t), ny_2019_offset(t));
                assert_int_equal(kco_tz_offset(b, u), ny_2019_offset(u));
        }
        /* the transition instant itself has the new offset */
        assert_int_equal(kco_tz_offset(a, 1552176000000LL + 7 * H - 1), -5 * H);
        assert_int_equal(kco_tz_offset(a, 1552176000000LL + 7 * H), -4 * H);
        assert_int_equal(kco_tz_offset(b, 1572739200000LL + 6 * H - 1), -4 * H);
        assert_int_equal(kco_tz_offset(b, 1572739200000LL + 6 * H), -5 * H);
        kco_tz_destroy(a);
        kco_tz_destroy(b);
}

/* ---------------------------------------------------------------- patterns */

static void test_year_ends(void **state) {
        (void)state;
        /* 2018-12-31 (a Monday) 12:00Z: its ISO week (Mon 31 Dec - Sun 6 Jan)
         * holds 2019-01-03, a Thursday: week 1 of weekyear 2019. */
        int64_t dec31 = 1546214400000LL + 12 * H;
        fmt_is("UTC", "en", "YYYY|xxxx|yyyy|ww|xx|e", dec31, "2018|2019|2018|01|19|1");
        /* 2021-01-01 (a Friday): its week (Mon 28 Dec - Sun 3 Jan) has its
         * Thursday on 2020-12-31; 2020 began on a Wednesday and is a leap
         * year, so it has 53 weeks: 2020-W53. */
        int64_t jan1 = 1609459200000LL + 12 * H;
        fmt_is("UTC", "en", "YYYY|xxxx|yyyy|ww|xx|e", jan1, "2021|2020|2021|53|20|5");
        /* the zone decides the year: 2018-12-31T20:00Z is 2019-01-01 04:00 in
         * Shanghai */
        fmt_is("Asia/Shanghai", "en", "YYYY-MM-dd-HH", 1546214400000LL + 20 * H, "2019-01-01-04");
}

static void test_old_and_negative(void **state) {
        (void)state;
        /* -1 ms = 1969-12-31T23:59:59.999Z. The hour bucket is floored:
         * [-1 h, 0), named 1969-12-31-23 (Java's / would truncate to 0). */
        bucket_is("UTC", H, "YYYY-MM-dd-HH", -1, -H, "1969-12-31-23");
        bucket_is("UTC", D, "YYYY-MM-dd", -D - 1, -2 * D, "1969-12-30");
        fmt_is("UTC", "en", "yyyy-MM-dd HH:mm:ss.SSS", -1, "1969-12-31 23:59:59.999");
        /* 1000-01-01 - 1 ms = 0999-12-31T23:59:59.999: padded to the count */
        int64_t y1000 = -30610224000000LL;
        fmt_is("UTC", "en", "yyyy-MM-dd HH:mm:ss.SSS|YYYY|y|Y|yyyyy|C|CCC", y1000 - 1,
               "0999-12-31 23:59:59.999|0999|999|999|00999|9|009");
        fmt_is("UTC", "en", "yyyy-MM-dd D", y1000, "1000-01-01 1");
        /* 0001-01-01T00:00Z is a Monday of year 1 AD; 1 ms earlier is year 0
         * = 1 BC: y 0, Y (year of era) 1, G BC, yy/YY the last digits of
         * the *year*: 00 */
        int64_t y1 = -62135596800000LL;
        fmt_is("UTC", "en", "yyyy|YYYY|G|yy|YY|e|EEE", y1, "0001|0001|AD|01|01|1|Mon");
        fmt_is("UTC", "en", "yyyy-MM-dd|YYYY|G|yy|YY|C", y1 - 1, "0000-12-31|0001|BC|00|00|0");
        /* year 0 is a leap year (366 days): 0000-01-01 = -62167219200000;
         * 1 ms earlier: year -1 = 2 BC; y signed "-0001", Y 0002, yy/YY
         * |year| % 100 = 01 */
        int64_t y0 = -62167219200000LL;
        fmt_is("UTC", "en", "yyyy|YYYY|G|yy|YY|y|x", y0 - 1, "-0001|0002|BC|01|01|-1|-1");
        fmt_is("UTC", "en", "yyyy-MM-dd", y0 + 59 * D, "0000-02-29");
        /* -0099-01-01 (100 BC): the years -99..-1 have 99 * 365 days plus 24
         * leap days (-96, -92, ..., -4), 36159 days before 0000-01-01. Year of
         * era 100; ISO's century of era drops the year's sign: |-99| / 100 = 0 */
        fmt_is("UTC", "en", "yyyy-MM-dd|YYYY|C|G", y0 - 36159 * D, "-0099-01-01|0100|0|BC");
}

/* 2019-06-12T08:40:05.123Z (a Wednesday) in New York (EDT, -04:00) is
 * 04:40:05.123 local: every letter. Day of year 31+28+31+30+31+12 = 163; ISO
 * week: 2019-W01 began Mon 2018-12-31, 163 days later is Mon 10 June, week
 * 1 + 161/7 = 24. */
static void test_every_letter(void **state) {
        (void)state;
        const int64_t t = 1560297600000LL + 8 * H + 40 * MIN + 5123;
        const char *ny = "America/New_York";
        fmt_is(ny, "en", "G|C|CC|Y|x|w|e|E|EEEE|y|D|M|MM|MMM|MMMM|d|a|K|h|H|k|m|s|S|SS|SSS|SSSS", t,
               "AD|20|20|2019|2019|24|3|Wed|Wednesday|2019|163|6|06|Jun|June|12|AM|4|4|4|4|40|5|1|12|123|1230");
        fmt_is(ny, "en", "z|zzzz|Z|ZZ|ZZZ", t, "EDT|Eastern Daylight Time|-0400|-04:00|America/New_York");
        /* padding to the count; a count above the width only pads */
        fmt_is(ny, "en", "HHH|dddd|DDDDD|www|eee|mmm|sss|KK|hh|kk", t, "004|0012|00163|024|003|040|005|04|04|04");
        /* midnight and noon: k 24, h 12, K 0 */
        fmt_is("UTC", "en", "H k h K a", 1560297600000LL, "0 24 12 0 AM");
        fmt_is("UTC", "en", "H k h K a", 1560297600000LL + 12 * H, "12 12 12 0 PM");
        fmt_is("UTC", "en", "H k h K a", 1560297600000LL + 13 * H, "13 13 1 1 PM");
        /* fraction: truncated, never rounded: 999 ms with S is 9, SS 99 */
        fmt_is("UTC", "en", "S|SS|SSS|SSSSSS", 1560297600999LL, "9|99|999|999000");
        fmt_is("UTC", "en", "S|SS|SSS", 1560297600005LL, "0|00|005");
        /* Joda's fraction scales into at most 15 digits; beyond 18 letters it
         * prints zeros only */
        fmt_is("UTC", "en", "SSSSSSSSSSSSSSSS", 1560297600123LL, "123000000000000");
        fmt_is("UTC", "en", "SSSSSSSSSSSSSSSSSSS", 1560297600123LL, "0000000000000000000");
        /* Z of UTC is +0000 (Joda prints no "Z"); a fixed zone names itself */
        fmt_is("UTC", "en", "Z|ZZ|ZZZ|z", t, "+0000|+00:00|UTC|UTC");
        fmt_is("+05:30", "en", "Z|ZZ|ZZZ|z|zzzz", t, "+0530|+05:30|+05:30|+05:30|+05:30");
        /* a zone ICU has no short name for in the locale: the offset */
        fmt_is("Asia/Shanghai", "en", "z|zzzz", t, "+08:00|China Standard Time");
        fmt_is("Europe/London", "en", "z", 1546300800000LL, "GMT");
        /* offsets with seconds (local mean time before 1906 in Kolkata,
         * +05:21:10): Z drops the seconds */
        fmt_is("Asia/Kolkata", "en", "Z|ZZ", -2500000000000LL, "+0521|+05:21");
}

static void test_quotes_and_literals(void **state) {
        (void)state;
        const int64_t t = 1560328800000LL; /* 08:40Z */
        fmt_is("UTC", "en", "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", t, "year=2019/month=06/day=12/hour=08");
        fmt_is("UTC", "en", "HH 'o''clock'", t, "08 o'clock");
        fmt_is("UTC", "en", "''HH''", t, "'08'");
        fmt_is("UTC", "en", "'it''s' H", t, "it's 8");
        fmt_is("UTC", "en", "'yMd HH'", t, "yMd HH");
        fmt_is("UTC", "en", "''", t, "'");
        fmt_is("UTC", "en", "YYYY/MM/dd-HH_mm.ss #1 ~ é", t, "2019/06/12-08_40.00 #1 ~ é");
        /* adjacent runs of different letters are separate fields */
        fmt_is("UTC", "en", "yyyyMMddHHmmss", t, "20190612084000");
        fmt_is("UTC", "en", "'dt='yyyyMMdd'/hr='HH", t, "dt=20190612/hr=08");
}

static void test_pattern_errors(void **state) {
        (void)state;
        pattern_err("YYYY-MM-dd-HH-q", "Illegal pattern component: q");
        pattern_err("YYYY-MM-dd-HH-q", "YYYY-MM-dd-HH-q"); /* names the pattern */
        pattern_err("qq", "Illegal pattern component: qq"); /* a run is one component */
        pattern_err("yyyy-MM-ddTHH", "Illegal pattern component: T"); /* Joda wants 'T' */
        pattern_err("u", "Illegal pattern component: u");
        pattern_err("'year", "unterminated quote");
        pattern_err("YYYY 'it''s", "unterminated quote");
        pattern_err("", "Invalid pattern");
}

/* 2019-06-12T08:40Z is Wednesday 16:40 in Shanghai. */
static void test_locale_names(void **state) {
        (void)state;
        const int64_t t = 1560328800000LL;
        const char *p = "MMM|MMMM|EEE|EEEE|a|G";
        fmt_is("Asia/Shanghai", "en", p, t, "Jun|June|Wed|Wednesday|PM|AD");
        fmt_is("Asia/Shanghai", "en_US", p, t, "Jun|June|Wed|Wednesday|PM|AD");
        /* the Java connector README's locale=US: the language "us" does not
         * exist; English (not the process's default locale) */
        fmt_is("Asia/Shanghai", "US", p, t, "Jun|June|Wed|Wednesday|PM|AD");
        fmt_is("Asia/Shanghai", "xx_YY", p, t, "Jun|June|Wed|Wednesday|PM|AD");
        fmt_is("Asia/Shanghai", "fr", p, t, "juin|juin|mer.|mercredi|PM|ap. J.-C.");
        fmt_is("Asia/Shanghai", "fr", "EEE d MMM", t + 2 * D, "ven. 14 juin");
        fmt_is("Asia/Shanghai", "zh_CN", p, t, "6月|六月|周三|星期三|下午|公元");
        fmt_is("Asia/Shanghai", "zh_CN", "a", t - 12 * H, "上午");
        /* numbers stay ASCII digits whatever the locale */
        fmt_is("Asia/Shanghai", "zh_CN", "YYYY-MM-dd-HH", t, "2019-06-12-16");
}

/* ---------------------------------------------------------------- ISO parse */

static void iso_ok(const char *s, int64_t want) {
        int64_t got = 0;
        if (kco_time_parse_iso(s, strlen(s), &got))
                fail_msg("'%s' refused", s);
        if (got != want)
                fail_msg("'%s': %lld, want %lld", s, (long long)got, (long long)want);
}

static void test_parse_iso(void **state) {
        (void)state;
        const int64_t t = 1560328800000LL; /* 2019-06-12T08:40:00Z */
        iso_ok("2019-06-12T08:40:00Z", t);
        iso_ok("2019-06-12T08:40:00", t); /* no offset: UTC */
        iso_ok("2019-06-12T16:40:00+08:00", t);
        iso_ok("2019-06-12T16:40+0800", t);
        iso_ok("2019-06-12T03:40-05", t);
        iso_ok("2019-06-12T08:40:00.123Z", t + 123);
        iso_ok("2019-06-12T08:40:00.1239Z", t + 123); /* truncated */
        iso_ok("2019-06-12T08:40:00,5Z", t + 500);
        iso_ok("2019-06-12T08", t - 40 * MIN);
        iso_ok("2019-06-12", 1560297600000LL);
        iso_ok("2019-06", 1560297600000LL - 11 * D);
        iso_ok("2019", 1546300800000LL);
        iso_ok("1969-12-31T23:59:59.999Z", -1);
        iso_ok("2020-02-29", 1582934400000LL); /* 18321 days: 17897 + 365 + 31 + 28 */
        iso_ok("0001-01-01T00:00:00Z", -62135596800000LL);

        const char *bad[] = {"", "2019-02-29", "1900-02-29", "2019-13-01", "2019-00-10", "2019-06-32",
                             "2019-06-00", "2019-04-31", "2019-06-12T25:00", "2019-06-12T24:00",
                             "2019-06-12T08:60", "2019-06-12T08:40:60", "2019-06-12T08:40:00Zjunk",
                             "2019-06-12 08:40", "19-06-12", "2019-6-12", "2019-06-12T", "2019-06-12T8",
                             "2019-06-12T08:40:00.", "2019-06-12T08:40:00.1234567890Z",
                             "2019-06-12T08:40:00+25:00", "2019-06-12T08:40:00+08:", "2019-06-12T08:40:00+8",
                             " 2019-06-12", "2019-06-12Z", "+2019-06-12", "2019-06-12T08:40:00z", NULL};
        for (int i = 0; bad[i]; i++) {
                int64_t got = 0;
                if (!kco_time_parse_iso(bad[i], strlen(bad[i]), &got))
                        fail_msg("'%s' accepted as %lld", bad[i], (long long)got);
        }
        /* only n bytes are read: the rest of the buffer is not the date's */
        int64_t got = 0;
        assert_int_equal(kco_time_parse_iso("2019-06-12T08:40:00Zxyz", 20, &got), 0);
        assert_int_equal(got, t);
        assert_int_equal(kco_time_parse_iso("2019-06-12", 7, &got), 0);
        assert_int_equal(got, 1560297600000LL - 11 * D);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_utc_and_fixed),
                cmocka_unit_test(test_zone_errors),
                cmocka_unit_test(test_shanghai_readme),
                cmocka_unit_test(test_odd_durations),
                cmocka_unit_test(test_new_york_dst),
                cmocka_unit_test(test_london_dst),
                cmocka_unit_test(test_gap_bucket_start),
                cmocka_unit_test(test_offset_cache),
                cmocka_unit_test(test_year_ends),
                cmocka_unit_test(test_old_and_negative),
                cmocka_unit_test(test_every_letter),
                cmocka_unit_test(test_quotes_and_literals),
                cmocka_unit_test(test_pattern_errors),
                cmocka_unit_test(test_locale_names),
                cmocka_unit_test(test_parse_iso),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
