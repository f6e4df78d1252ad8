/*
 * kco_props.c - ordered string map plus a java.util.Properties text reader.
 *
 * Owns: the entries of each map (keys and values are private copies) and a
 * hash index over them. Called from whichever thread owns the map (the main
 * thread at startup, the REST thread for connector configs); no globals, no
 * locks. Must never: keep pointers into the caller's text, leave a map
 * half-updated when parsing fails, or print anything (errors go into the
 * caller's buffer).
 *
 * Parsing works in two steps, as Properties.load does: first gather one
 * logical line (skip blank and comment lines and leading whitespace, join
 * continuation lines), then split it into key and value and decode escapes.
 * Where each natural line starts in the joined buffer is remembered so an
 * error can name the line the bad escape is on.
 */
#include "worker/kco_props.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/kco_buf.h"
#include "core/kco_mem.h"

typedef struct kco_props_entry_s {
        char *key;
        char *value;
        size_t keylen;
        uint32_t hash;
} kco_props_entry_t;

struct kco_props_s {
        kco_props_entry_t *ents;
        size_t cnt;
        size_t cap;
        uint32_t *slots; /* entry index + 1; 0 = empty. Power-of-two size. */
        size_t nslots;
};

/* ------------------------------------------------------------------ map */

static uint32_t kco_props_hash(const char *s, size_t n) {
        uint32_t h = 2166136261u;
        for (size_t i = 0; i < n; i++) {
                h ^= (unsigned char)s[i];
                h *= 16777619u;
        }
        return h;
}

static void kco_props_index_rebuild(kco_props_t *p) {
        size_t want = 16;
        while (want < p->cnt * 2 + 2)
                want *= 2;
        if (want != p->nslots) {
                free(p->slots);
                p->slots = kco_calloc(want, sizeof(*p->slots));
                p->nslots = want;
        } else {
                memset(p->slots, 0, want * sizeof(*p->slots));
        }
        for (size_t i = 0; i < p->cnt; i++) {
                size_t s = p->ents[i].hash & (p->nslots - 1);
                while (p->slots[s])
                        s = (s + 1) & (p->nslots - 1);
                p->slots[s] = (uint32_t)(i + 1);
        }
}

/* Returns the entry index of key, or SIZE_MAX. */
static size_t kco_props_find(const kco_props_t *p, const char *key, size_t keylen, uint32_t h) {
        if (!p->nslots)
                return SIZE_MAX;
        size_t s = h & (p->nslots - 1);
        while (p->slots[s]) {
                const kco_props_entry_t *e = &p->ents[p->slots[s] - 1];
                if (e->hash == h && e->keylen == keylen && !memcmp(e->key, key, keylen))
                        return p->slots[s] - 1;
                s = (s + 1) & (p->nslots - 1);
        }
        return SIZE_MAX;
}

kco_props_t *kco_props_new(void) {
        return kco_calloc(1, sizeof(kco_props_t));
}

void kco_props_destroy(kco_props_t *p) {
        if (!p)
                return;
        for (size_t i = 0; i < p->cnt; i++) {
                free(p->ents[i].key);
                free(p->ents[i].value);
        }
        free(p->ents);
        free(p->slots);
        free(p);
}

const char *kco_props_get(const kco_props_t *p, const char *key) {
        size_t n = strlen(key);
        size_t i = kco_props_find(p, key, n, kco_props_hash(key, n));
        return i == SIZE_MAX ? NULL : p->ents[i].value;
}

void kco_props_set(kco_props_t *p, const char *key, const char *value) {
        size_t n = strlen(key);
        uint32_t h = kco_props_hash(key, n);
        size_t i = kco_props_find(p, key, n, h);
        if (i != SIZE_MAX) {
                char *v = kco_strdup(value); /* value may alias the old one */
                free(p->ents[i].value);
                p->ents[i].value = v;
                return;
        }
        if (p->cnt == p->cap) {
                p->cap = p->cap ? p->cap * 2 : 16;
                p->ents = kco_realloc(p->ents, p->cap * sizeof(*p->ents));
        }
        kco_props_entry_t *e = &p->ents[p->cnt++];
        e->key = kco_strndup(key, n);
        e->value = kco_strdup(value);
        e->keylen = n;
        e->hash = h;
        if (p->cnt * 2 + 2 > p->nslots) {
                kco_props_index_rebuild(p);
        } else {
                size_t s = h & (p->nslots - 1);
                while (p->slots[s])
                        s = (s + 1) & (p->nslots - 1);
                p->slots[s] = (uint32_t)p->cnt;
        }
}

int kco_props_unset(kco_props_t *p, const char *key) {
        size_t n = strlen(key);
        size_t i = kco_props_find(p, key, n, kco_props_hash(key, n));
        if (i == SIZE_MAX)
                return 0;
        free(p->ents[i].key);
        free(p->ents[i].value);
        memmove(&p->ents[i], &p->ents[i + 1], (p->cnt - i - 1) * sizeof(*p->ents));
        p->cnt--;
        kco_props_index_rebuild(p);
        return 1;
}

size_t kco_props_count(const kco_props_t *p) {
        return p->cnt;
}

const char *kco_props_key(const kco_props_t *p, size_t i) {
        return i < p->cnt ? p->ents[i].key : NULL;
}

const char *kco_props_value(const kco_props_t *p, size_t i) {
        return i < p->cnt ? p->ents[i].value : NULL;
}

kco_props_t *kco_props_copy(const kco_props_t *p) {
        kco_props_t *c = kco_props_new();
        for (size_t i = 0; i < p->cnt; i++)
                kco_props_set(c, p->ents[i].key, p->ents[i].value);
        return c;
}

/* --------------------------------------------------------------- parser */

typedef struct kco_props_seg_s {
        size_t off;      /* where this natural line starts in the joined line */
        unsigned lineno; /* 1-based line number in the text */
} kco_props_seg_t;

typedef struct kco_props_parser_s {
        const char *origin;
        char *err;
        size_t errsz;
        kco_buf_t line; /* the current logical line, continuations joined */
        kco_props_seg_t *segs;
        size_t nsegs;
        size_t segcap;
        kco_buf_t key;
        kco_buf_t value;
} kco_props_parser_t;

static void kco_props_fail(kco_props_parser_t *ps, unsigned lineno, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void kco_props_fail(kco_props_parser_t *ps, unsigned lineno, const char *fmt, ...) {
        if (!ps->err || !ps->errsz)
                return;
        char reason[160];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(reason, sizeof(reason), fmt, ap);
        va_end(ap);
        if (ps->origin && *ps->origin)
                snprintf(ps->err, ps->errsz, "%s: line %u: %s", ps->origin, lineno, reason);
        else
                snprintf(ps->err, ps->errsz, "line %u: %s", lineno, reason);
}

static void kco_props_seg_push(kco_props_parser_t *ps, size_t off, unsigned lineno) {
        if (ps->nsegs == ps->segcap) {
                ps->segcap = ps->segcap ? ps->segcap * 2 : 8;
                ps->segs = kco_realloc(ps->segs, ps->segcap * sizeof(*ps->segs));
        }
        ps->segs[ps->nsegs].off = off;
        ps->segs[ps->nsegs].lineno = lineno;
        ps->nsegs++;
}

/* The text line that byte off of the joined line came from. */
static unsigned kco_props_lineno_at(const kco_props_parser_t *ps, size_t off) {
        unsigned ln = ps->segs[0].lineno;
        for (size_t i = 1; i < ps->nsegs && ps->segs[i].off <= off; i++)
                ln = ps->segs[i].lineno;
        return ln;
}

/* Whitespace as Properties sees it: no vertical tab, no line ends. */
static inline int kco_props_is_ws(char c) {
        return c == ' ' || c == '\t' || c == '\f';
}

static int kco_props_hex4(const char *s, size_t avail, unsigned *out) {
        if (avail < 4)
                return -1;
        unsigned v = 0;
        for (int i = 0; i < 4; i++) {
                char c = s[i];
                v <<= 4;
                if (c >= '0' && c <= '9')
                        v |= (unsigned)(c - '0');
                else if (c >= 'a' && c <= 'f')
                        v |= (unsigned)(c - 'a' + 10);
                else if (c >= 'A' && c <= 'F')
                        v |= (unsigned)(c - 'A' + 10);
                else
                        return -1;
        }
        *out = v;
        return 0;
}

static void kco_props_put_utf8(kco_buf_t *out, unsigned cp) {
        char b[4];
        size_t n;
        if (cp < 0x80) {
                b[0] = (char)cp;
                n = 1;
        } else if (cp < 0x800) {
                b[0] = (char)(0xC0 | (cp >> 6));
                b[1] = (char)(0x80 | (cp & 0x3F));
                n = 2;
        } else if (cp < 0x10000) {
                b[0] = (char)(0xE0 | (cp >> 12));
                b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                b[2] = (char)(0x80 | (cp & 0x3F));
                n = 3;
        } else {
                b[0] = (char)(0xF0 | (cp >> 18));
                b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
                b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
                b[3] = (char)(0x80 | (cp & 0x3F));
                n = 4;
        }
        kco_buf_append(out, b, n);
}

/* Decodes escapes in line[from, to) into out (NUL-terminated). */
static int kco_props_unescape(kco_props_parser_t *ps, size_t from, size_t to, kco_buf_t *out) {
        const char *s = ps->line.data;
        out->len = 0;
        size_t i = from;
        while (i < to) {
                size_t run = i;
                while (i < to && s[i] != '\\')
                        i++;
                kco_buf_append(out, s + run, i - run);
                if (i >= to)
                        break;
                size_t at = i++; /* the backslash */
                if (i >= to)
                        break; /* cannot happen: an odd trailing backslash continues the line */
                char c = s[i++];
                switch (c) {
                case 't':
                        kco_buf_putc(out, '\t');
                        break;
                case 'n':
                        kco_buf_putc(out, '\n');
                        break;
                case 'r':
                        kco_buf_putc(out, '\r');
                        break;
                case 'f':
                        kco_buf_putc(out, '\f');
                        break;
                case 'u': {
                        unsigned cp;
                        if (kco_props_hex4(s + i, to - i, &cp) < 0) {
                                kco_props_fail(ps, kco_props_lineno_at(ps, at),
                                               "malformed \\uXXXX escape");
                                return -1;
                        }
                        i += 4;
                        if (cp >= 0xD800 && cp <= 0xDBFF) {
                                unsigned lo;
                                if (to - i >= 6 && s[i] == '\\' && s[i + 1] == 'u' &&
                                    kco_props_hex4(s + i + 2, 4, &lo) == 0 && lo >= 0xDC00 &&
                                    lo <= 0xDFFF) {
                                        i += 6;
                                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                } else {
                                        kco_props_fail(ps, kco_props_lineno_at(ps, at),
                                                       "unpaired surrogate \\u%04X", cp);
                                        return -1;
                                }
                        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                                kco_props_fail(ps, kco_props_lineno_at(ps, at),
                                               "unpaired surrogate \\u%04X", cp);
                                return -1;
                        } else if (cp == 0) {
                                kco_props_fail(ps, kco_props_lineno_at(ps, at),
                                               "\\u0000 is not allowed");
                                return -1;
                        }
                        kco_props_put_utf8(out, cp);
                        break;
                }
                default:
                        kco_buf_putc(out, c); /* \\ \= \: \# \! \space and any other \x -> x */
                        break;
                }
        }
        kco_buf_cstr(out);
        return 0;
}

/* Splits the logical line into key and value and stores them in dst. */
static int kco_props_line_store(kco_props_parser_t *ps, kco_props_t *dst) {
        const char *b = ps->line.data;
        size_t n = ps->line.len;
        size_t klen = 0, vstart = n;
        int has_sep = 0, bs = 0;
        while (klen < n) {
                char c = b[klen];
                if ((c == '=' || c == ':') && !bs) {
                        vstart = klen + 1;
                        has_sep = 1;
                        break;
                }
                if (kco_props_is_ws(c) && !bs) {
                        vstart = klen + 1;
                        break;
                }
                bs = c == '\\' ? !bs : 0;
                klen++;
        }
        while (vstart < n) {
                char c = b[vstart];
                if (!kco_props_is_ws(c)) {
                        if (!has_sep && (c == '=' || c == ':'))
                                has_sep = 1;
                        else
                                break;
                }
                vstart++;
        }
        if (kco_props_unescape(ps, 0, klen, &ps->key) < 0 ||
            kco_props_unescape(ps, vstart, n, &ps->value) < 0)
                return -1;
        kco_props_set(dst, ps->key.data, ps->value.data);
        return 0;
}

/* Index just past the line end at t[i] (CR, LF or CRLF). */
static inline size_t kco_props_skip_eol(const char *t, size_t len, size_t i) {
        if (t[i] == '\r' && i + 1 < len && t[i + 1] == '\n')
                return i + 2;
        return i + 1;
}

static int kco_props_parse_into(kco_props_parser_t *ps, kco_props_t *dst, const char *t,
                                size_t len) {
        size_t i = 0;
        unsigned lineno = 1;
        while (i < len) {
                while (i < len && kco_props_is_ws(t[i]))
                        i++;
                if (i == len)
                        break;
                if (t[i] == '\r' || t[i] == '\n') { /* blank line */
                        i = kco_props_skip_eol(t, len, i);
                        lineno++;
                        continue;
                }
                if (t[i] == '#' || t[i] == '!') { /* comments never continue */
                        while (i < len && t[i] != '\r' && t[i] != '\n')
                                i++;
                        if (i < len) {
                                i = kco_props_skip_eol(t, len, i);
                                lineno++;
                        }
                        continue;
                }
                /* One logical line. */
                ps->line.len = 0;
                ps->nsegs = 0;
                kco_props_seg_push(ps, 0, lineno);
                int keep_empty = 0;
                for (;;) {
                        size_t s = i;
                        while (i < len && t[i] != '\r' && t[i] != '\n' && t[i] != '\0')
                                i++;
                        if (i < len && t[i] == '\0') {
                                kco_props_fail(ps, lineno, "NUL byte");
                                return -1;
                        }
                        kco_buf_append(&ps->line, t + s, i - s);
                        size_t nbs = 0;
                        while (nbs < i - s && t[i - 1 - nbs] == '\\')
                                nbs++;
                        if (!(nbs & 1)) {
                                if (i < len) {
                                        i = kco_props_skip_eol(t, len, i);
                                        lineno++;
                                }
                                break;
                        }
                        ps->line.len--; /* the continuation backslash */
                        if (i + 1 >= len) {
                                /* Properties.load (Java 9+) returns the line,
                                 * even an empty one, when input ends right
                                 * after the backslash or after a one-byte
                                 * line end following it (not after CRLF). */
                                keep_empty = 1;
                                i = len;
                                break;
                        }
                        i = kco_props_skip_eol(t, len, i);
                        lineno++;
                        if (ps->line.len == 0)
                                break; /* nothing yet: a new logical line
                                        * starts (comments count again) */
                        while (i < len && kco_props_is_ws(t[i]))
                                i++;
                        kco_props_seg_push(ps, ps->line.len, lineno);
                }
                if (ps->line.len == 0 && !keep_empty)
                        continue;
                kco_buf_cstr(&ps->line);
                if (kco_props_line_store(ps, dst) < 0)
                        return -1;
        }
        return 0;
}

int kco_props_parse(kco_props_t *p, const char *text, size_t len, const char *origin, char *err,
                    size_t errsz) {
        kco_props_parser_t ps;
        memset(&ps, 0, sizeof(ps));
        ps.origin = origin;
        ps.err = err;
        ps.errsz = errsz;
        kco_buf_init(&ps.line);
        kco_buf_init(&ps.key);
        kco_buf_init(&ps.value);

        /* Parse into a scratch map so a failure leaves p untouched. */
        kco_props_t *tmp = kco_props_new();
        int r = kco_props_parse_into(&ps, tmp, text, len);
        if (r == 0) {
                for (size_t i = 0; i < tmp->cnt; i++)
                        kco_props_set(p, tmp->ents[i].key, tmp->ents[i].value);
        }
        kco_props_destroy(tmp);
        kco_buf_free(&ps.line);
        kco_buf_free(&ps.key);
        kco_buf_free(&ps.value);
        free(ps.segs);
        return r;
}

int kco_props_load_file(kco_props_t *p, const char *path, char *err, size_t errsz) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                if (err && errsz)
                        snprintf(err, errsz, "%s: cannot read: %s", path, strerror(errno));
                return -1;
        }
        kco_buf_t b;
        kco_buf_init(&b);
        for (;;) {
                kco_buf_reserve(&b, 64 * 1024);
                ssize_t r = read(fd, b.data + b.len, b.cap - b.len);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0) {
                        int e = errno;
                        close(fd);
                        kco_buf_free(&b);
                        if (err && errsz)
                                snprintf(err, errsz, "%s: cannot read: %s", path, strerror(e));
                        return -1;
                }
                if (r == 0)
                        break;
                b.len += (size_t)r;
        }
        close(fd);
        int rc = kco_props_parse(p, b.data ? b.data : "", b.len, path, err, errsz);
        kco_buf_free(&b);
        return rc;
}
