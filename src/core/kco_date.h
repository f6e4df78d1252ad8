/*
 * kco_date.h - proleptic Gregorian dates <-> days since 1970-01-01, for any
 * year (year 0 = 1 BC), without the C library's time functions (no time
 * zone, no locale, no range limit).
 *
 * Owns: nothing. Any thread. Must never: consult the process's TZ.
 */
#ifndef KCO_DATE_H
#define KCO_DATE_H

#include <stdint.h>

/* Days since 1970-01-01 of year-month-day (month 1-12). */
static inline int64_t kco_days_from_civil(int64_t y, int m, int d) {
        y -= m <= 2;
        int64_t era = (y >= 0 ? y : y - 399) / 400;
        int64_t yoe = y - era * 400;
        int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

/* The date of day z since 1970-01-01. */
static inline void kco_civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
        z += 719468;
        int64_t era = (z >= 0 ? z : z - 146096) / 146097;
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp = (5 * doy + 2) / 153;
        *d = (int)(doy - (153 * mp + 2) / 5 + 1);
        *m = (int)(mp < 10 ? mp + 3 : mp - 9);
        *y = yoe + era * 400 + (*m <= 2);
}

#endif
