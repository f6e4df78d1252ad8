/*
 * kco_time.h - time zones and Joda-Time date patterns, for the time-based
 * partitioners: the instant a record's time bucket starts, and the text
 * path.format makes of it, exactly as Confluent's TimeBasedPartitioner
 * computes them with Joda-Time.
 *
 * Owns: a zone (kco_tz_t: an ICU calendar for one IANA zone; offsets and
 * transitions come from ICU's copy of the tz database) and a compiled pattern
 * (kco_timefmt_t: its fields and literals, the locale's month, weekday and
 * half-day names). Neither is thread-safe: each task's partitioner owns its
 * own. Must never: read or set the process's TZ or locale (no setenv("TZ"),
 * no localtime), or depend on anything but the arguments (object names must be
 * deterministic).
 *
 * Joda-Time semantics kept (DateTimeFormat.forPattern):
 *   G era, C century of era (>=0), Y year of era (>=0), x weekyear, w week of
 *   weekyear, e day of week (1 = Monday), E day of week text, y year, D day of
 *   year, M month of year (1-2 letters: number; 3: short text; 4+: full text),
 *   d day of month, a half-day text, K hour of half-day (0-11), h clock hour
 *   of half-day (1-12), H hour of day (0-23), k clock hour of day (1-24),
 *   m minute, s second, S fraction of second (n letters: n digits, truncated),
 *   z zone short name, Z offset (Z: -0800, ZZ: -08:00, ZZZ: the zone id),
 *   'text' literal, '' a quote; any other letter is an error; other
 *   characters are copied. Counts: a numeric field is zero-padded to the
 *   number of letters; yy / xx / YY print the last two digits of the year;
 *   YYYY is the year of era (not the week year: Joda is not java.time).
 *   More of Joda kept: a run of one letter is one field ("qq" is the illegal
 *   component "qq"); y and x are signed (-0001), Y and C are not (C drops
 *   the year's sign, as ISOChronology does); S truncates (Joda's Fraction
 *   printer, its limit of 15 significant digits included); Z prints +0000
 *   for UTC, never "Z", and drops seconds of an offset; zzzz is the long
 *   name. Names (months, weekdays, eras, AM/PM, zones) are ICU's, which can
 *   differ from a given JVM's: z is ICU's short name where the locale has
 *   one (EST, EDT, GMT, UTC), else Joda's fallback, the offset +08:00; a
 *   fixed-offset zone is named by its id. Departures from Joda: an
 *   unterminated quote is an error (Joda reads it as quoted to the end), and
 *   an empty pattern is an error (as in Joda).
 */
#ifndef KCO_TIME_H
#define KCO_TIME_H

#include <stdint.h>

#include "core/kco_buf.h"
#include "core/kco_err.h"

typedef struct kco_tz_s kco_tz_t;

/* An IANA zone id ("Asia/Shanghai", "America/New_York", "UTC", "Etc/GMT+5") or a fixed offset
 * ("+08:00", "-0530"). NULL with KCO_ERR_CONFIG when ICU does not know it. */
kco_tz_t *kco_tz_new(const char *id, kco_err_t *err);
void kco_tz_destroy(kco_tz_t *tz);
/* The zone's id: an IANA id as given (Joda resolves links to the tz
 * database's target, ICU to CLDR's canonical id; both differ from the
 * other), a fixed offset in Joda's form (+08:00, +05:45:30), "UTC" for a
 * zero offset. */
const char *kco_tz_id(const kco_tz_t *tz);
/* Offset from UTC in milliseconds at the instant utc_ms (standard + daylight). */
int32_t kco_tz_offset(kco_tz_t *tz, int64_t utc_ms);
/* Joda's DateTimeZone.convertLocalToUTC(local_ms, false): the instant whose local time is local_ms; in a gap
 * (spring forward) the offset before the gap applies (the instant lands after the gap); in an overlap, Joda's
 * estimate decides: west of Greenwich (negative offsets, e.g. New York) the earlier instant, elsewhere (e.g.
 * London, Berlin) usually the later one. Extreme values saturate instead of overflowing. */
int64_t kco_tz_local_to_utc(kco_tz_t *tz, int64_t local_ms);
/* The start of the bucket of duration_ms (> 0) holding ts: TimeBasedPartitioner.getPartition, the local time
 * floored to a multiple of duration_ms (from the local epoch), converted back to UTC. Floored also before 1970:
 * Java's integer division truncates toward zero there, which would name a pre-1970 record by the *next*
 * boundary; this is a deliberate difference. Near an overlap or gap the start can be later than ts (London,
 * 00:30Z on the day BST ends: the bucket "01" starts at 01:00Z). */
int64_t kco_tz_bucket(kco_tz_t *tz, int64_t ts, int64_t duration_ms);

typedef struct kco_timefmt_s kco_timefmt_t;

/* Compiles a Joda-Time pattern for locale (a Java locale string: "en", "US", "en_US", "zh_CN", "fr"); text
 * fields use the locale's names when ICU has the language, else English (Java's root locale). NULL with
 * KCO_ERR_CONFIG naming the pattern and the offending letter / unterminated quote. */
kco_timefmt_t *kco_timefmt_new(const char *pattern, const char *locale, kco_err_t *err);
void kco_timefmt_destroy(kco_timefmt_t *f);
/* Appends utc_ms as seen in tz, formatted. */
void kco_timefmt_format(kco_timefmt_t *f, kco_tz_t *tz, int64_t utc_ms, kco_buf_t *out);

/* ISO-8601 date-time text (Joda's ISODateTimeFormat.dateTimeParser subset): yyyy[-MM[-dd]] optionally followed
 * by 'T' hh[:mm[:ss[.fraction]]], the time optionally followed by 'Z' or +-hh[[:]mm] (none: UTC). Strict: exact
 * digit counts, ranges checked (day against the month, hour <= 23), fraction 1-9 digits truncated to
 * milliseconds, nothing after the text; reads only the n bytes of p. 0 with *ms, or -1. */
int kco_time_parse_iso(const char *p, size_t n, int64_t *ms);

#endif
