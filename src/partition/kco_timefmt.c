/*
 * kco_timefmt.c - the pattern half of kco_time.h: compiles a Joda-Time
 * DateTimeFormat pattern, formats instants with it (calendar fields computed
 * here from local milliseconds: proleptic Gregorian, ISO weeks), and parses
 * the ISO-8601 subset of kco_time_parse_iso.
 *
 * Owns: the compiled fields and literals, the locale's month, weekday, era and
 * half-day names (UTF-8, read once from ICU), and the ICU formatters that
 * name the zone for z / zzzz (opened on first use, kept for the last zone).
 * Runs on the thread that owns the kco_timefmt_t; not thread-safe.
 * Must never: use localtime / gmtime / strftime / setlocale / TZ, let ICU's
 * default locale (the environment) pick names, or print anything but the
 * pattern's fields and literals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/udat.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#include "core/kco_date.h"
#include "core/kco_mem.h"
#include "partition/kco_time.h"

#define TF_MS_DAY 86400000LL

typedef struct {
        char letter; /* pattern letter, or 0 for a literal */
        int count;
        size_t lit, lit_len; /* literal: offset and length in lits */
} tf_item_t;

struct kco_timefmt_s {
        tf_item_t *items;
        size_t n;
        kco_buf_t lits;
        char locale[96]; /* ICU locale id, Gregorian calendar */
        char *eras[2];   /* BC, AD */
        char *months[12], *short_months[12];
        char *days[8], *short_days[8]; /* 1 = Monday .. 7 = Sunday */
        char *halfdays[2];
        /* z / zzzz: ICU formatters for the zone named zone_id:
         * [0] "z", [1] "zzzz", [2] "O", [3] "OOOO" (the localized GMT form
         * ICU prints when it has no name: then the offset is printed). */
        char zone_id[72];
        UDateFormat *zfmt[4];
};

/* ---------------------------------------------------------------- calendar */

static int64_t tf_floor_div(int64_t a, int64_t b) {
        int64_t q = a / b;
        if ((a % b) < 0)
                q--;
        return q;
}

static int tf_month_days(int64_t y, int m) {
        static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
                return 29;
        return len[m - 1];
}

typedef struct {
        int64_t year, weekyear;
        int month, day, doy, dow, week;
        int hour, minute, second, millis;
} tf_fields_t;

static void tf_fields(int64_t local, tf_fields_t *t) {
        int64_t days = tf_floor_div(local, TF_MS_DAY);
        int64_t msod = local % TF_MS_DAY; /* not local - days * day: overflows at INT64_MIN */
        if (msod < 0)
                msod += TF_MS_DAY;
        kco_civil_from_days(days, &t->year, &t->month, &t->day);
        t->doy = (int)(days - kco_days_from_civil(t->year, 1, 1) + 1);
        t->dow = (int)(((days + 3) % 7 + 7) % 7) + 1; /* 1970-01-01 was a Thursday (4) */
        /* ISO week: the week belongs to the year of its Thursday. */
        int64_t thu = days - (t->dow - 1) + 3;
        int m, d;
        kco_civil_from_days(thu, &t->weekyear, &m, &d);
        t->week = (int)((thu - kco_days_from_civil(t->weekyear, 1, 1)) / 7 + 1);
        t->hour = (int)(msod / 3600000);
        t->minute = (int)(msod / 60000 % 60);
        t->second = (int)(msod / 1000 % 60);
        t->millis = (int)(msod % 1000);
}

/* ---------------------------------------------------------------- printing */

/* FormatUtils.appendPaddedInteger: '-' then at least n digits. */
static void tf_pad(kco_buf_t *out, int64_t v, int n) {
        char tmp[24];
        int len = 0;
        uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        if (v < 0)
                kco_buf_putc(out, '-');
        do {
                tmp[len++] = (char)('0' + u % 10);
                u /= 10;
        } while (u);
        for (int i = len; i < n; i++)
                kco_buf_putc(out, '0');
        while (len)
                kco_buf_putc(out, tmp[--len]);
}

/* Joda's Fraction printer (appendFractionOfSecond(n, n)): the millisecond
 * scaled to n digits, truncated; its quirks for n > 15 kept. */
static void tf_fraction(kco_buf_t *out, int millis, int n) {
        if (millis == 0) {
                for (int i = 0; i < n; i++)
                        kco_buf_putc(out, '0');
                return;
        }
        int max = n;
        int64_t scalar, prod;
        for (;;) {
                scalar = 1;
                if (max >= 1 && max <= 18) {
                        for (int i = 0; i < max; i++)
                                scalar *= 10;
                }
                if (!__builtin_mul_overflow((int64_t)1000, scalar, &prod))
                        break;
                max--;
        }
        char str[24];
        int len = snprintf(str, sizeof(str), "%lld", (long long)(millis * scalar / 1000));
        int digits = max, min = n;
        while (len < digits) {
                kco_buf_putc(out, '0');
                min--;
                digits--;
        }
        if (min < digits) {
                int keep = len;
                while (min < digits && keep > 1 && str[keep - 1] == '0') {
                        digits--;
                        keep--;
                }
                len = keep;
        }
        kco_buf_append(out, str, (size_t)len);
}

/* Joda's printOffset: +hh:mm, then :ss and .SSS when not zero. */
static void tf_print_offset(kco_buf_t *out, int32_t off) {
        int64_t a = off < 0 ? -(int64_t)off : off;
        kco_buf_putc(out, off < 0 ? '-' : '+');
        tf_pad(out, a / 3600000, 2);
        kco_buf_putc(out, ':');
        tf_pad(out, a / 60000 % 60, 2);
        if (a % 60000) {
                kco_buf_putc(out, ':');
                tf_pad(out, a / 1000 % 60, 2);
                if (a % 1000) {
                        kco_buf_putc(out, '.');
                        tf_pad(out, a % 1000, 3);
                }
        }
}

/* Z / ZZ: appendTimeZoneOffset(null, "Z", sep, 2, 2): hours and minutes. */
static void tf_print_z(kco_buf_t *out, int32_t off, int sep) {
        int64_t a = off < 0 ? -(int64_t)off : off;
        kco_buf_putc(out, off < 0 ? '-' : '+');
        tf_pad(out, a / 3600000, 2);
        if (sep)
                kco_buf_putc(out, ':');
        tf_pad(out, a / 60000 % 60, 2);
}

static void tf_zone_close(kco_timefmt_t *f) {
        for (int i = 0; i < 4; i++) {
                if (f->zfmt[i])
                        udat_close(f->zfmt[i]);
                f->zfmt[i] = NULL;
        }
        f->zone_id[0] = '\0';
}

static int tf_zone_format(kco_timefmt_t *f, int which, int64_t utc, char *out, size_t cap) {
        static const char *const pats[4] = {"z", "zzzz", "O", "OOOO"};
        UErrorCode st = U_ZERO_ERROR;
        if (!f->zfmt[which]) {
                UChar zid[72], pat[8];
                u_uastrcpy(zid, f->zone_id);
                u_uastrcpy(pat, pats[which]);
                f->zfmt[which] = udat_open(UDAT_PATTERN, UDAT_PATTERN, f->locale, zid, -1, pat, -1, &st);
                if (U_FAILURE(st)) {
                        if (f->zfmt[which])
                                udat_close(f->zfmt[which]);
                        f->zfmt[which] = NULL;
                        return -1;
                }
        }
        UChar buf[128];
        st = U_ZERO_ERROR;
        int32_t n = udat_format(f->zfmt[which], (UDate)utc, buf, 128, NULL, &st);
        if (U_FAILURE(st) || n >= 128)
                return -1;
        st = U_ZERO_ERROR;
        u_strToUTF8(out, (int32_t)cap, NULL, buf, n, &st);
        return U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING ? -1 : 0;
}

/* z / zzzz: ICU's name for the zone at utc in the locale; where ICU has
 * none (it prints its localized GMT form instead) Joda's fallback, the
 * offset +hh:mm. A fixed-offset zone is named by its id, as in Joda. */
static void tf_zone_name(kco_timefmt_t *f, kco_tz_t *tz, int64_t utc, int32_t off, int lng, kco_buf_t *out) {
        const char *id = kco_tz_id(tz);
        char name[512], gmt[512];
        if (id[0] == '+' || id[0] == '-') {
                kco_buf_puts(out, id);
                return;
        }
        if (strcmp(f->zone_id, id)) {
                tf_zone_close(f);
                snprintf(f->zone_id, sizeof(f->zone_id), "%s", id);
        }
        if (utc > 9007199254740991LL || utc < -9007199254740991LL ||
            tf_zone_format(f, lng, utc, name, sizeof(name)) ||
            tf_zone_format(f, 2 + lng, utc, gmt, sizeof(gmt)) || (off != 0 && !strcmp(name, gmt))) {
                tf_print_offset(out, off);
                return;
        }
        kco_buf_puts(out, name);
}

static void tf_text(kco_buf_t *out, const char *s) {
        if (s)
                kco_buf_puts(out, s);
}

void kco_timefmt_format(kco_timefmt_t *f, kco_tz_t *tz, int64_t utc_ms, kco_buf_t *out) {
        int32_t off = kco_tz_offset(tz, utc_ms);
        int64_t local;
        if (__builtin_add_overflow(utc_ms, (int64_t)off, &local))
                local = off > 0 ? INT64_MAX : INT64_MIN;
        tf_fields_t t;
        tf_fields(local, &t);
        int64_t yoe = t.year > 0 ? t.year : 1 - t.year;
        for (size_t i = 0; i < f->n; i++) {
                const tf_item_t *it = &f->items[i];
                int c = it->count;
                switch (it->letter) {
                case 0:
                        kco_buf_append(out, f->lits.data + it->lit, it->lit_len);
                        break;
                case 'G':
                        tf_text(out, f->eras[t.year > 0]);
                        break;
                case 'C': /* ISO century of era: the year without its sign / 100 */
                        tf_pad(out, (t.year < 0 ? -t.year : t.year) / 100, c);
                        break;
                case 'y':
                        if (c == 2)
                                tf_pad(out, (t.year < 0 ? -t.year : t.year) % 100, 2);
                        else
                                tf_pad(out, t.year, c);
                        break;
                case 'Y':
                        if (c == 2) /* Joda: two-digit *year*, not year of era */
                                tf_pad(out, (t.year < 0 ? -t.year : t.year) % 100, 2);
                        else
                                tf_pad(out, yoe, c);
                        break;
                case 'x':
                        if (c == 2)
                                tf_pad(out, (t.weekyear < 0 ? -t.weekyear : t.weekyear) % 100, 2);
                        else
                                tf_pad(out, t.weekyear, c);
                        break;
                case 'w':
                        tf_pad(out, t.week, c);
                        break;
                case 'e':
                        tf_pad(out, t.dow, c);
                        break;
                case 'E':
                        tf_text(out, c >= 4 ? f->days[t.dow] : f->short_days[t.dow]);
                        break;
                case 'D':
                        tf_pad(out, t.doy, c);
                        break;
                case 'M':
                        if (c >= 4)
                                tf_text(out, f->months[t.month - 1]);
                        else if (c == 3)
                                tf_text(out, f->short_months[t.month - 1]);
                        else
                                tf_pad(out, t.month, c);
                        break;
                case 'd':
                        tf_pad(out, t.day, c);
                        break;
                case 'a':
                        tf_text(out, f->halfdays[t.hour >= 12]);
                        break;
                case 'K':
                        tf_pad(out, t.hour % 12, c);
                        break;
                case 'h':
                        tf_pad(out, t.hour % 12 ? t.hour % 12 : 12, c);
                        break;
                case 'H':
                        tf_pad(out, t.hour, c);
                        break;
                case 'k':
                        tf_pad(out, t.hour ? t.hour : 24, c);
                        break;
                case 'm':
                        tf_pad(out, t.minute, c);
                        break;
                case 's':
                        tf_pad(out, t.second, c);
                        break;
                case 'S':
                        tf_fraction(out, t.millis, c);
                        break;
                case 'z':
                        tf_zone_name(f, tz, utc_ms, off, c >= 4, out);
                        break;
                case 'Z':
                        if (c >= 3)
                                kco_buf_puts(out, kco_tz_id(tz));
                        else
                                tf_print_z(out, off, c == 2);
                        break;
                default:
                        break;
                }
        }
}

/* ---------------------------------------------------------------- names */

static char *tf_symbol(UDateFormat *df, UDateFormatSymbolType type, int32_t index) {
        UChar buf[128];
        char out[512];
        UErrorCode st = U_ZERO_ERROR;
        int32_t n = udat_getSymbols(df, type, index, buf, 128, &st);
        if (U_FAILURE(st) || n >= 128)
                return kco_strdup("");
        st = U_ZERO_ERROR;
        u_strToUTF8(out, sizeof(out), NULL, buf, n, &st);
        if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
                return kco_strdup("");
        return kco_strdup(out);
}

/* Opens a Gregorian date format for the Java locale string; when ICU lacks
 * the language (it would fall back to the process default) uses "en". */
static UDateFormat *tf_open_locale(const char *java, char *icu, size_t cap) {
        char req[48], canon[64], lang[16], got[16];
        size_t n = 0;
        UErrorCode st = U_ZERO_ERROR;
        for (; java && java[n] && n < sizeof(req) - 1; n++) {
                char c = java[n];
                if (c == '-')
                        c = '_';
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
                        break;
                req[n] = c;
        }
        req[n] = '\0';
        if (!java || java[n] || !n)
                snprintf(req, sizeof(req), "en");
        uloc_canonicalize(req, canon, sizeof(canon), &st);
        if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
                snprintf(canon, sizeof(canon), "en");
        char *kw = strchr(canon, '@'); /* keywords: only the calendar's, set below */
        if (kw)
                *kw = '\0';
        st = U_ZERO_ERROR;
        uloc_getLanguage(canon, lang, sizeof(lang), &st);
        if (U_FAILURE(st) || !lang[0])
                snprintf(canon, sizeof(canon), "en");
        for (int attempt = 0; attempt < 2; attempt++) {
                snprintf(icu, cap, "%s@calendar=gregorian", attempt ? "en" : canon);
                st = U_ZERO_ERROR;
                UDateFormat *df = udat_open(UDAT_DEFAULT, UDAT_DEFAULT, icu, u"UTC", -1, NULL, 0, &st);
                if (U_FAILURE(st)) {
                        if (df)
                                udat_close(df);
                        continue;
                }
                st = U_ZERO_ERROR;
                const char *valid = udat_getLocaleByType(df, ULOC_VALID_LOCALE, &st);
                got[0] = '\0';
                if (U_SUCCESS(st) && valid) {
                        st = U_ZERO_ERROR;
                        uloc_getLanguage(valid, got, sizeof(got), &st);
                        st = U_ZERO_ERROR;
                        uloc_getLanguage(canon, lang, sizeof(lang), &st);
                }
                if (attempt || (got[0] && !strcmp(got, lang)))
                        return df;
                udat_close(df);
        }
        return NULL;
}

static void tf_load_names(kco_timefmt_t *f, const char *locale) {
        UDateFormat *df = tf_open_locale(locale, f->locale, sizeof(f->locale));
        for (int i = 0; i < 2; i++) {
                f->eras[i] = df ? tf_symbol(df, UDAT_ERAS, i) : kco_strdup(i ? "AD" : "BC");
                f->halfdays[i] = df ? tf_symbol(df, UDAT_AM_PMS, i) : kco_strdup(i ? "PM" : "AM");
        }
        for (int i = 0; i < 12; i++) {
                f->months[i] = df ? tf_symbol(df, UDAT_MONTHS, i) : kco_strdup("");
                f->short_months[i] = df ? tf_symbol(df, UDAT_SHORT_MONTHS, i) : kco_strdup("");
        }
        /* ICU: 1 = Sunday .. 7 = Saturday; here 1 = Monday .. 7 = Sunday */
        for (int d = 1; d <= 7; d++) {
                int icu = d % 7 + 1;
                f->days[d] = df ? tf_symbol(df, UDAT_WEEKDAYS, icu) : kco_strdup("");
                f->short_days[d] = df ? tf_symbol(df, UDAT_SHORT_WEEKDAYS, icu) : kco_strdup("");
        }
        if (df)
                udat_close(df);
}

/* ---------------------------------------------------------------- compile */

static int tf_is_letter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static void tf_add(kco_timefmt_t *f, size_t *cap, tf_item_t it) {
        if (f->n == *cap) {
                *cap = *cap ? *cap * 2 : 8;
                f->items = kco_realloc(f->items, *cap * sizeof(*f->items));
        }
        f->items[f->n++] = it;
}

kco_timefmt_t *kco_timefmt_new(const char *pattern, const char *locale, kco_err_t *err) {
        if (!pattern || !*pattern) {
                kco_err_set(err, KCO_ERR_CONFIG, 0, "Invalid pattern specification (empty pattern)");
                return NULL;
        }
        kco_timefmt_t *f = kco_calloc(1, sizeof(*f));
        kco_buf_init(&f->lits);
        size_t cap = 0, len = strlen(pattern), i = 0;
        int names = 0, zone = 0;
        while (i < len) {
                char c = pattern[i];
                tf_item_t it = {0, 0, 0, 0};
                if (tf_is_letter(c)) {
                        /* a run of one letter is one field */
                        size_t j = i;
                        while (j + 1 < len && pattern[j + 1] == c)
                                j++;
                        it.letter = c;
                        it.count = (int)(j - i + 1);
                        if (!strchr("GCxyYMdahHkKmsSeEDwzZ", c)) {
                                int shown = it.count > 40 ? 40 : it.count;
                                kco_err_set(err, KCO_ERR_CONFIG, 0,
                                            "invalid date pattern '%.200s': Illegal pattern component: %.*s",
                                            pattern, shown, pattern + i);
                                kco_timefmt_destroy(f);
                                return NULL;
                        }
                        if (c == 'G' || c == 'a' || c == 'E' || (c == 'M' && it.count >= 3))
                                names = 1;
                        if (c == 'z')
                                zone = 1;
                        i = j + 1;
                } else {
                        /* literal text up to the next letter outside quotes;
                         * '' is a quote, inside quotes or out */
                        int quoted = 0;
                        it.lit = f->lits.len;
                        for (; i < len; i++) {
                                c = pattern[i];
                                if (c == '\'') {
                                        if (i + 1 < len && pattern[i + 1] == '\'') {
                                                kco_buf_putc(&f->lits, '\'');
                                                i++;
                                        } else {
                                                quoted = !quoted;
                                        }
                                } else if (!quoted && tf_is_letter(c)) {
                                        break;
                                } else {
                                        kco_buf_putc(&f->lits, c);
                                }
                        }
                        if (quoted) {
                                kco_err_set(err, KCO_ERR_CONFIG, 0, "invalid date pattern '%.200s': unterminated quote",
                                            pattern);
                                kco_timefmt_destroy(f);
                                return NULL;
                        }
                        it.lit_len = f->lits.len - it.lit;
                        if (!it.lit_len)
                                continue;
                }
                tf_add(f, &cap, it);
        }
        snprintf(f->locale, sizeof(f->locale), "en@calendar=gregorian");
        if (names) {
                tf_load_names(f, locale);
        } else if (zone) { /* zone names want the resolved locale too */
                UDateFormat *df = tf_open_locale(locale, f->locale, sizeof(f->locale));
                if (df)
                        udat_close(df);
        }
        return f;
}

void kco_timefmt_destroy(kco_timefmt_t *f) {
        if (!f)
                return;
        tf_zone_close(f);
        for (int i = 0; i < 2; i++) {
                free(f->eras[i]);
                free(f->halfdays[i]);
        }
        for (int i = 0; i < 12; i++) {
                free(f->months[i]);
                free(f->short_months[i]);
        }
        for (int i = 0; i < 8; i++) {
                free(f->days[i]);
                free(f->short_days[i]);
        }
        free(f->items);
        kco_buf_free(&f->lits);
        free(f);
}

/* ---------------------------------------------------------------- ISO parse */

static int tf_num(const char *p, size_t n, size_t *i, int digits, int *v) {
        if (*i + (size_t)digits > n)
                return -1;
        int r = 0;
        for (int k = 0; k < digits; k++) {
                char c = p[*i + (size_t)k];
                if (c < '0' || c > '9')
                        return -1;
                r = r * 10 + (c - '0');
        }
        *i += (size_t)digits;
        *v = r;
        return 0;
}

int kco_time_parse_iso(const char *p, size_t n, int64_t *ms) {
        size_t i = 0;
        int y, mo = 1, d = 1, h = 0, mi = 0, s = 0, frac = 0, oh = 0, om = 0, sign = 0;
        if (!p || tf_num(p, n, &i, 4, &y))
                return -1;
        if (i < n && p[i] == '-') {
                i++;
                if (tf_num(p, n, &i, 2, &mo) || mo < 1 || mo > 12)
                        return -1;
                if (i < n && p[i] == '-') {
                        i++;
                        if (tf_num(p, n, &i, 2, &d) || d < 1 || d > tf_month_days(y, mo))
                                return -1;
                }
        }
        if (i < n && p[i] == 'T') {
                i++;
                if (tf_num(p, n, &i, 2, &h) || h > 23)
                        return -1;
                if (i < n && p[i] == ':') {
                        i++;
                        if (tf_num(p, n, &i, 2, &mi) || mi > 59)
                                return -1;
                        if (i < n && p[i] == ':') {
                                i++;
                                if (tf_num(p, n, &i, 2, &s) || s > 59)
                                        return -1;
                                if (i < n && (p[i] == '.' || p[i] == ',')) {
                                        int nd = 0, scale = 100;
                                        for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++, nd++) {
                                                frac += (p[i] - '0') * scale;
                                                scale /= 10;
                                        }
                                        if (nd < 1 || nd > 9)
                                                return -1;
                                }
                        }
                }
                if (i < n && p[i] == 'Z') {
                        i++;
                } else if (i < n && (p[i] == '+' || p[i] == '-')) {
                        sign = p[i++] == '-' ? -1 : 1;
                        if (tf_num(p, n, &i, 2, &oh) || oh > 23)
                                return -1;
                        if (i < n) {
                                if (p[i] == ':')
                                        i++;
                                if (tf_num(p, n, &i, 2, &om) || om > 59)
                                        return -1;
                        }
                }
        }
        if (i != n)
                return -1;
        int64_t t = kco_days_from_civil(y, mo, d) * TF_MS_DAY + ((h * 60 + mi) * 60 + s) * 1000LL + frac;
        t -= sign * (oh * 60 + om) * 60000LL;
        *ms = t;
        return 0;
}
