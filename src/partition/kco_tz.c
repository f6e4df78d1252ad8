/*
 * kco_tz.c - the zone half of kco_time.h: an IANA zone (ICU's copy of the tz
 * database) or a fixed offset, its offsets and transitions, Joda-Time's
 * DateTimeZone.convertLocalToUTC(local, strict = false), and the bucket start
 * of TimeBasedPartitioner.getPartition.
 *
 * Owns: one ICU calendar per zone and a one-interval offset cache ([lo, hi)
 * where the offset is known to be constant). Runs on whichever thread owns the
 * kco_tz_t (each task's partitioner has its own); not thread-safe.
 * Must never: read or set TZ or the process locale, fall back silently to GMT
 * for an id ICU does not know, or overflow int64 arithmetic (extreme instants
 * saturate instead).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "core/kco_mem.h"
#include "partition/kco_time.h"

/* ICU's UDate is a double: whole milliseconds are exact up to 2^53. Beyond
 * (about +-285,000 years) offsets are looked up at the clamp and not cached. */
#define TZ_ICU_LIMIT 9007199254740991LL

struct kco_tz_s {
        char id[72];
        UCalendar *cal; /* NULL: fixed offset */
        int32_t fixed_off;
        /* cache: off is the offset for every instant in [lo, hi) */
        int cached;
        int64_t lo, hi;
        int32_t off;
};

/* Java's old three-letter ids: ICU knows them, tz (and so Joda) does not. */
static const char *const tz_java_only[] = {
        "ACT", "AET", "AGT", "ART", "AST", "BET", "BST", "CAT", "CNT", "CST", "CTT", "EAT", "ECT",
        "IET", "IST", "JST", "MIT", "NET", "NST", "PLT", "PNT", "PRT", "PST", "SST", "VST",
};

static int64_t tz_sat_add(int64_t a, int64_t b) {
        int64_t r;
        if (__builtin_add_overflow(a, b, &r))
                return b > 0 ? INT64_MAX : INT64_MIN;
        return r;
}

static int64_t tz_sat_sub(int64_t a, int64_t b) {
        int64_t r;
        if (__builtin_sub_overflow(a, b, &r))
                return b < 0 ? INT64_MAX : INT64_MIN;
        return r;
}

/* Joda's DateTimeZone.printOffset: +hh:mm, then :ss and .SSS when not zero. */
static void tz_print_offset(char *out, size_t cap, int32_t off) {
        char sign = off < 0 ? '-' : '+';
        int64_t a = off < 0 ? -(int64_t)off : off;
        int h = (int)(a / 3600000), m = (int)(a / 60000 % 60), s = (int)(a / 1000 % 60), ms = (int)(a % 1000);
        if (ms)
                snprintf(out, cap, "%c%02d:%02d:%02d.%03d", sign, h, m, s, ms);
        else if (s)
                snprintf(out, cap, "%c%02d:%02d:%02d", sign, h, m, s);
        else
                snprintf(out, cap, "%c%02d:%02d", sign, h, m);
}

static int tz_digits(const char *p, int n) {
        for (int i = 0; i < n; i++) {
                if (p[i] < '0' || p[i] > '9')
                        return 0;
        }
        return 1;
}

/* Joda's offset id grammar: [+-]hh, hhmm, hh:mm, hhmmss, hh:mm:ss, with an
 * optional .SSS (or ,SSS) after the seconds. 0 with *off, or -1. */
static int tz_parse_offset(const char *s, int32_t *off) {
        int neg = s[0] == '-';
        const char *p = s + 1;
        if (!tz_digits(p, 2))
                return -1;
        int h = (p[0] - '0') * 10 + (p[1] - '0'), m = 0, sec = 0, ms = 0;
        p += 2;
        if (h > 23)
                return -1;
        if (*p) {
                int sep = *p == ':';
                p += sep;
                if (!tz_digits(p, 2))
                        return -1;
                m = (p[0] - '0') * 10 + (p[1] - '0');
                p += 2;
                if (m > 59)
                        return -1;
                if (*p) {
                        if (sep && *p++ != ':')
                                return -1;
                        if (!tz_digits(p, 2))
                                return -1;
                        sec = (p[0] - '0') * 10 + (p[1] - '0');
                        p += 2;
                        if (sec > 59)
                                return -1;
                        if (*p) {
                                if (*p != '.' && *p != ',')
                                        return -1;
                                p++;
                                int scale = 100, nd = 0;
                                while (*p >= '0' && *p <= '9' && nd < 3) {
                                        ms += (*p++ - '0') * scale;
                                        scale /= 10;
                                        nd++;
                                }
                                if (!nd || *p)
                                        return -1;
                        }
                }
        }
        int32_t v = ((h * 60 + m) * 60 + sec) * 1000 + ms;
        *off = neg ? -v : v;
        return 0;
}

static UCalendar *tz_open_icu(const char *id) {
        UChar uid[72], canon[128];
        UBool system = 0;
        UErrorCode st = U_ZERO_ERROR;
        size_t n = strlen(id);
        if (n == 0 || n >= sizeof(uid) / sizeof(uid[0]))
                return NULL;
        for (size_t i = 0; i < n; i++) {
                if ((unsigned char)id[i] < 0x21 || (unsigned char)id[i] > 0x7e)
                        return NULL;
        }
        for (size_t i = 0; i < sizeof(tz_java_only) / sizeof(tz_java_only[0]); i++) {
                if (!strcmp(id, tz_java_only[i]))
                        return NULL;
        }
        u_uastrncpy(uid, id, (int32_t)n);
        uid[n] = 0;
        /* ICU opens any id, unknown ones as GMT: ask first whether it is a
         * zone of its database. */
        ucal_getCanonicalTimeZoneID(uid, (int32_t)n, canon, (int32_t)(sizeof(canon) / sizeof(canon[0])),
                                    &system, &st);
        if (U_FAILURE(st) || !system)
                return NULL;
        st = U_ZERO_ERROR;
        UCalendar *cal = ucal_open(uid, (int32_t)n, "en_US_POSIX", UCAL_GREGORIAN, &st);
        if (U_FAILURE(st)) {
                if (cal)
                        ucal_close(cal);
                return NULL;
        }
        return cal;
}

kco_tz_t *kco_tz_new(const char *id, kco_err_t *err) {
        kco_tz_t *tz;
        if (!id || !*id) {
                kco_err_set(err, KCO_ERR_CONFIG, 0, "time zone id is empty");
                return NULL;
        }
        if (id[0] == '+' || id[0] == '-') {
                int32_t off;
                if (tz_parse_offset(id, &off)) {
                        kco_err_set(err, KCO_ERR_CONFIG, 0, "The datetime zone id '%.100s' is not recognised", id);
                        return NULL;
                }
                if (off != 0) {
                        tz = kco_calloc(1, sizeof(*tz));
                        tz->fixed_off = off;
                        tz_print_offset(tz->id, sizeof(tz->id), off);
                        return tz;
                }
                id = "UTC"; /* Joda: a zero offset is UTC */
        }
        UCalendar *cal = tz_open_icu(id);
        if (!cal) {
                kco_err_set(err, KCO_ERR_CONFIG, 0, "The datetime zone id '%.100s' is not recognised", id);
                return NULL;
        }
        tz = kco_calloc(1, sizeof(*tz));
        tz->cal = cal;
        snprintf(tz->id, sizeof(tz->id), "%s", id);
        return tz;
}

void kco_tz_destroy(kco_tz_t *tz) {
        if (!tz)
                return;
        if (tz->cal)
                ucal_close(tz->cal);
        free(tz);
}

const char *kco_tz_id(const kco_tz_t *tz) {
        return tz->id;
}

static int64_t tz_clamp(int64_t t) {
        return t > TZ_ICU_LIMIT ? TZ_ICU_LIMIT : t < -TZ_ICU_LIMIT ? -TZ_ICU_LIMIT : t;
}

int32_t kco_tz_offset(kco_tz_t *tz, int64_t utc_ms) {
        if (!tz->cal)
                return tz->fixed_off;
        if (tz->cached && utc_ms >= tz->lo && utc_ms < tz->hi)
                return tz->off;
        int64_t t = tz_clamp(utc_ms);
        UErrorCode st = U_ZERO_ERROR;
        ucal_setMillis(tz->cal, (UDate)t, &st);
        int32_t off = ucal_get(tz->cal, UCAL_ZONE_OFFSET, &st);
        off += ucal_get(tz->cal, UCAL_DST_OFFSET, &st);
        if (U_FAILURE(st))
                return 0;
        if (t != utc_ms) /* outside ICU's exact range: no cache */
                return off;
        UDate d;
        int64_t lo = INT64_MIN, hi = INT64_MAX;
        st = U_ZERO_ERROR;
        if (ucal_getTimeZoneTransitionDate(tz->cal, UCAL_TZ_TRANSITION_PREVIOUS_INCLUSIVE, &d, &st) &&
            U_SUCCESS(st))
                lo = (int64_t)d;
        st = U_ZERO_ERROR;
        if (ucal_getTimeZoneTransitionDate(tz->cal, UCAL_TZ_TRANSITION_NEXT, &d, &st) && U_SUCCESS(st))
                hi = (int64_t)d;
        if (lo <= utc_ms && utc_ms < hi) {
                tz->cached = 1;
                tz->lo = lo;
                tz->hi = hi;
                tz->off = off;
        }
        return off;
}

/* Joda's nextTransition: the first instant after t where the offset changes,
 * or t itself when there is none. */
static int64_t tz_next_transition(kco_tz_t *tz, int64_t t) {
        if (!tz->cal || t != tz_clamp(t))
                return t;
        UErrorCode st = U_ZERO_ERROR;
        UDate d;
        ucal_setMillis(tz->cal, (UDate)t, &st);
        if (U_FAILURE(st))
                return t;
        if (!ucal_getTimeZoneTransitionDate(tz->cal, UCAL_TZ_TRANSITION_NEXT, &d, &st) || U_FAILURE(st))
                return t;
        return (int64_t)d;
}

int64_t kco_tz_local_to_utc(kco_tz_t *tz, int64_t local_ms) {
        /* First estimate: the offset at the local value read as an instant;
         * then the offset at the instant that estimate gives. */
        int32_t off_local = kco_tz_offset(tz, local_ms);
        int64_t guess = tz_sat_sub(local_ms, off_local);
        int32_t off = kco_tz_offset(tz, guess);
        if (off_local != off && off_local < 0) {
                /* West of Greenwich the second offset is the one after a gap
                 * when local_ms is inside the gap: if the next transitions
                 * seen from the two candidates differ, local_ms is in a gap,
                 * and the offset before it applies (the instant lands after
                 * the gap). East of Greenwich off is already that offset. */
                int64_t adj = tz_sat_sub(local_ms, off);
                int64_t next_local = tz_next_transition(tz, guess);
                if (next_local == guess)
                        next_local = INT64_MAX;
                int64_t next_adj = tz_next_transition(tz, adj);
                if (next_adj == adj)
                        next_adj = INT64_MAX;
                if (next_local != next_adj)
                        off = off_local;
        }
        return tz_sat_sub(local_ms, off);
}

int64_t kco_tz_bucket(kco_tz_t *tz, int64_t ts, int64_t duration_ms) {
        if (duration_ms <= 0)
                duration_ms = 1;
        int64_t local = tz_sat_add(ts, kco_tz_offset(tz, ts));
        int64_t q = local / duration_ms, r = local % duration_ms;
        if (r < 0)
                q--; /* floor, not truncation: before 1970 too */
        int64_t start;
        if (__builtin_mul_overflow(q, duration_ms, &start))
                start = local; /* only at the very ends of int64 */
        return kco_tz_local_to_utc(tz, start);
}
