/*
 * kco_log.h - log lines with a level, a facility tag and context.
 *
 * Owns: the global log level and the output stream (stderr). Any thread;
 * one line is written with one fwrite so lines from threads never interleave.
 * Must never: print secrets. Callers pass redacted values only.
 */
#ifndef KCO_LOG_H
#define KCO_LOG_H

typedef enum {
        KCO_LOG_ERROR = 0,
        KCO_LOG_WARN = 1,
        KCO_LOG_INFO = 2,
        KCO_LOG_DEBUG = 3,
} kco_log_level_t;

extern int kco_log_level;

void kco_log_set_level(kco_log_level_t lvl);
/* Parses error|warn|info|debug; returns -1 if unknown. */
int kco_log_level_parse(const char *s);

void kco_log_write(kco_log_level_t lvl, const char *fac, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#define kco_log(lvl, fac, ...)                                                 \
        do {                                                                   \
                if ((int)(lvl) <= kco_log_level)                               \
                        kco_log_write(lvl, fac, __VA_ARGS__);                  \
        } while (0)
#define kco_error(fac, ...) kco_log(KCO_LOG_ERROR, fac, __VA_ARGS__)
#define kco_warn(fac, ...) kco_log(KCO_LOG_WARN, fac, __VA_ARGS__)
#define kco_info(fac, ...) kco_log(KCO_LOG_INFO, fac, __VA_ARGS__)
#define kco_debug(fac, ...) kco_log(KCO_LOG_DEBUG, fac, __VA_ARGS__)

#endif
