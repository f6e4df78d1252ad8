/*
 * kco_log.c - formats and writes log lines (see kco_log.h).
 * Any thread. Format: "<UTC time> <LEVEL> [<facility>] <message>\n" on stderr.
 */
#include "core/kco_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int kco_log_level = KCO_LOG_INFO;

static const char *kco_log_names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

void kco_log_set_level(kco_log_level_t lvl) {
        kco_log_level = (int)lvl;
}

int kco_log_level_parse(const char *s) {
        static const char *names[] = {"error", "warn", "info", "debug"};
        for (int i = 0; i < 4; i++)
                if (!strcasecmp(s, names[i]))
                        return i;
        if (!strcasecmp(s, "warning"))
                return KCO_LOG_WARN;
        return -1;
}

void kco_log_write(kco_log_level_t lvl, const char *fac, const char *fmt, ...) {
        char line[4096];
        struct timeval tv;
        struct tm tm;
        gettimeofday(&tv, NULL);
        gmtime_r(&tv.tv_sec, &tm);
        int n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %-5s [%s] ",
                         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                         tm.tm_sec, (int)(tv.tv_usec / 1000), kco_log_names[lvl], fac);
        va_list ap;
        va_start(ap, fmt);
        int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
        va_end(ap);
        size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
        if (len > sizeof(line) - 2)
                len = sizeof(line) - 2;
        line[len++] = '\n';
        (void)!write(STDERR_FILENO, line, len);
}
