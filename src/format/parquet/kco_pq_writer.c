/*
 * kco_pq_writer.c - the streaming Parquet file writer (see kco_pq_writer.h).
 *
 * Per column, the current row group is held as: one byte per level slot for
 * the repetition and definition levels (when the column has them; while
 * every slot so far has repetition level 0, or definition level max_def,
 * only their count: most columns never need the bytes), the PLAIN encoding
 * of the values that have no dictionary index (booleans: one byte each),
 * and each indexed value's index (its PLAIN bytes are its dictionary
 * entry's). Pages are cut as values arrive: a page ends once its PLAIN
 * value bytes reach page_size, and for repeated columns only before a slot
 * with repetition level 0, so every page starts a record; the row group is
 * encoded page by page when it is full.
 *
 * Dictionary check (parquet-java's, at a chunk's first page): once a chunk's
 * values reach one page (or at its end), a dictionary that does not make
 * them smaller than PLAIN (dictionary bytes + bit-packed indices >= PLAIN
 * bytes: unique ids, timestamps, measurements) is dropped and the whole
 * chunk is written PLAIN (the indexed values written out PLAIN then). The
 * same test runs once earlier, after KCO_PQ_DICT_EARLY values, so that
 * columns of unique values stop hashing (and missing the cache) long before
 * a page is full.
 * Dictionary fallback: values put before the dictionary outgrew
 * dict_max_bytes have an index; a page whose values all have one is written
 * RLE_DICTIONARY, every later page PLAIN. The dictionary page (PLAIN) comes
 * first in the chunk when at least one page uses it.
 * Dictionary lookups: an open-addressing table whose slots hold the hash,
 * the entry and where its key is, so a hit reads the slot and the key.
 *
 * Memory: buffers keep their room from one row group to the next; the first
 * row group's are sized for the whole group once KCO_PQ_SIZE_ROWS rows show
 * its bytes per row, instead of being copied at each doubling.
 * kco_pq_buffered counts the levels as one byte a slot whether or not they
 * are stored, so row groups end where they would if they were.
 */
#include "format/parquet/kco_pq_writer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_short.h"
#include "core/kco_mem.h"
#include "format/parquet/kco_pq_codec.h"
#include "format/parquet/kco_pq_encode.h"

#define KCO_PQ_DICT_EARLY 1024
#define KCO_PQ_SIZE_ROWS 16384           /* rows of the first row group that size its buffers */
#define KCO_PQ_SIZE_MAX (256u << 20)     /* the most room sized that way (beyond: doubling) */

/* One dictionary entry: where its key bytes sit in dict_plain. */
typedef struct kco_pq_dent_s {
        size_t off;
        uint32_t len;
        uint32_t hash;
} kco_pq_dent_t;

/* Where a data page of the current chunk ends: before slot `slot` and value `val`, after `plain` PLAIN bytes
 * of values. */
typedef struct kco_pq_cut_s {
        size_t slot, val, plain;
} kco_pq_cut_t;

/* A slot of a dictionary's hash table: all a lookup reads before the key bytes (in dict_plain). */
typedef struct kco_pq_hslot_s {
        uint32_t hash;
        uint32_t entry; /* + 1; 0: empty */
        uint32_t off;   /* of the key in dict_plain */
        uint32_t len;
} kco_pq_hslot_t;

/* The metadata of one column chunk already written, kept for the footer. */
typedef struct kco_pq_chunk_s {
        kco_pq_column_chunk_t cc;
        int32_t encodings[4];
        kco_pq_stats_t stats;
        uint8_t *min, *max;
} kco_pq_chunk_t;

typedef struct kco_pq_col_s {
        kco_pq_column_desc_t d;
        int fixed; /* value size in the PLAIN buffer; 0 for BYTE_ARRAY */
        /* the current row group */
        kco_buf_t rep, def;  /* one byte per slot (only when max_rep / max_def > 0), but see rep_run / def_run */
        int rep_run;         /* every slot so far has repetition level 0: rep holds nothing yet */
        int def_run;         /* every slot so far has definition level max_def: def holds nothing yet */
        size_t nslots;
        kco_buf_t vals;      /* PLAIN values [dict_nvals, nvals): those without an index (BOOLEAN: a byte each) */
        size_t nvals;
        size_t plain;        /* PLAIN bytes of all nvals values (indexed ones: as their dictionary entry) */
        size_t prefix_plain; /* of those, the bytes of the indexed values [0, dict_nvals) */
        /* data pages, cut as values arrive (see the top) */
        kco_pq_cut_t *cuts;
        size_t ncuts, cuts_cap;
        size_t pg_bytes; /* PLAIN bytes of the page being filled */
        int pg_full;     /* it has page_size: it ends before the next slot that starts a record */
        int64_t nulls;
        /* dictionary */
        int dict_on;         /* still taking new entries */
        int dict_checked;    /* the first-page check is done (or not wanted: !dict_check) */
        size_t dict_nvals;   /* values [0, dict_nvals) have an index */
        uint32_t *idx;
        size_t idx_cap;
        kco_buf_t dict_plain;
        kco_pq_dent_t *dent;
        size_t ndent, dent_cap;
        kco_pq_hslot_t *ht; /* open addressing, load up to 1/2 */
        size_t ht_cap;
        /* statistics */
        int has_mm;
        union {
                int64_t i;
                double d;
        } mn, mx;
        kco_buf_t bmin, bmax;
} kco_pq_col_t;

struct kco_pq_writer_s {
        kco_pq_schema_elem_t *schema;
        size_t nschema;
        kco_pq_col_t *cols;
        size_t ncols;
        kco_pq_writer_opts_t o;
        char *created_by;
        int started;
        int64_t written; /* bytes handed out so far: file offsets */
        int64_t rows_rg, rows_total;
        size_t held; /* kco_pq_buffered, kept up to date by every change it counts */
        /* row groups written */
        kco_pq_row_group_t *rgs;
        kco_pq_chunk_t **rg_chunks;
        size_t nrg, rg_cap;
        /* scratch */
        kco_buf_t page, hdr;
        uint32_t *lv;
        size_t lv_cap;
        kco_pq_codec_t codec; /* the page compressor */
};

static inline void kco_pq_put_le(uint8_t *p, uint64_t v, int n) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (n == 8) { /* one store: a load of it right after is then forwarded */
                memcpy(p, &v, 8);
                return;
        }
        if (n == 4) {
                uint32_t u = (uint32_t)v;
                memcpy(p, &u, 4);
                return;
        }
#endif
        for (int i = 0; i < n; i++)
                p[i] = (uint8_t)(v >> (8 * i));
}

/* The dictionary's hash (never written anywhere: only its table depends on it). */
static inline uint32_t kco_pq_hash(const void *p, size_t n) {
        const uint8_t *s = p;
        uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w = 0;
        for (; n >= 8; s += 8, n -= 8) {
                memcpy(&w, s, 8);
                h = (h ^ w) * 0xff51afd7ed558ccdULL;
                h ^= h >> 32;
        }
        if (n >= 4) {
                uint32_t a, b;
                memcpy(&a, s, 4);
                memcpy(&b, s + n - 4, 4);
                w = (uint64_t)a << 32 | b;
        } else {
                w = n ? (uint64_t)s[0] | (uint64_t)s[n / 2] << 8 | (uint64_t)s[n - 1] << 16 : 0;
        }
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 29;
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        return (uint32_t)h;
}

static char *kco_pq_dup_opt(const char *s) {
        return s ? kco_strdup(s) : NULL;
}

kco_pq_writer_t *kco_pq_writer_new(const kco_pq_schema_elem_t *schema, size_t nschema,
                                   const kco_pq_column_desc_t *cols, size_t ncols, const kco_pq_writer_opts_t *opts) {
        kco_pq_writer_t *w = kco_calloc(1, sizeof(*w));
        w->schema = kco_calloc(nschema ? nschema : 1, sizeof(*w->schema));
        w->nschema = nschema;
        for (size_t i = 0; i < nschema; i++) {
                w->schema[i] = schema[i];
                w->schema[i].name = kco_pq_dup_opt(schema[i].name);
        }
        w->o = *opts;
        kco_pq_codec_init(&w->codec, opts->codec, opts->level);
        if (!w->o.page_size)
                w->o.page_size = 1024 * 1024;
        w->created_by = kco_pq_dup_opt(opts->created_by);
        w->o.created_by = w->created_by;
        w->cols = kco_calloc(ncols ? ncols : 1, sizeof(*w->cols));
        w->ncols = ncols;
        for (size_t i = 0; i < ncols; i++) {
                kco_pq_col_t *c = &w->cols[i];
                c->d = cols[i];
                char **path = kco_calloc(cols[i].npath ? (size_t)cols[i].npath : 1, sizeof(*path));
                for (int k = 0; k < cols[i].npath; k++)
                        path[k] = kco_strdup(cols[i].path[k]);
                c->d.path = (const char *const *)path;
                switch (c->d.physical) {
                case KCO_PQ_BOOLEAN: c->fixed = 1; break;
                case KCO_PQ_INT32:
                case KCO_PQ_FLOAT: c->fixed = 4; break;
                case KCO_PQ_INT64:
                case KCO_PQ_DOUBLE: c->fixed = 8; break;
                case KCO_PQ_FIXED_LEN_BYTE_ARRAY: c->fixed = c->d.type_length; break;
                default: c->fixed = 0; break;
                }
                c->dict_on = opts->dictionary && c->d.physical != KCO_PQ_BOOLEAN;
                c->rep_run = c->def_run = 1;
                c->dict_checked = !opts->dict_check;
        }
        return w;
}

/* What kco_pq_buffered counts of column c (w->held is their sum). */
static size_t kco_pq_col_held(const kco_pq_col_t *c) {
        return (c->d.max_rep > 0 ? c->nslots : 0) + (c->d.max_def > 0 ? c->nslots : 0) + c->plain +
               c->dict_plain.len + c->dict_nvals * sizeof(uint32_t) +
               c->ndent * sizeof(kco_pq_dent_t) + c->ht_cap * sizeof(*c->ht) + c->bmin.len + c->bmax.len;
}

static void kco_pq_col_reset(kco_pq_col_t *c, int dictionary, int dict_check) {
        c->rep.len = c->def.len = c->vals.len = 0;
        c->rep_run = c->def_run = 1;
        c->prefix_plain = c->ncuts = c->pg_bytes = 0;
        c->pg_full = 0;
        c->nslots = c->nvals = c->plain = 0;
        c->nulls = 0;
        c->dict_on = dictionary && c->d.physical != KCO_PQ_BOOLEAN;
        c->dict_checked = !dict_check;
        c->dict_nvals = 0;
        c->dict_plain.len = 0;
        c->ndent = 0;
        free(c->ht); /* sized for the last chunk's dictionary: start small again */
        c->ht = NULL;
        c->ht_cap = 0;
        c->has_mm = 0;
}

void kco_pq_writer_destroy(kco_pq_writer_t *w) {
        if (!w)
                return;
        for (size_t i = 0; i < w->nschema; i++)
                free((char *)w->schema[i].name);
        free(w->schema);
        for (size_t i = 0; i < w->ncols; i++) {
                kco_pq_col_t *c = &w->cols[i];
                for (int k = 0; k < c->d.npath; k++)
                        free((char *)c->d.path[k]);
                free((void *)c->d.path);
                kco_buf_free(&c->rep);
                kco_buf_free(&c->def);
                kco_buf_free(&c->vals);
                kco_buf_free(&c->dict_plain);
                kco_buf_free(&c->bmin);
                kco_buf_free(&c->bmax);
                free(c->idx);
                free(c->dent);
                free(c->ht);
                free(c->cuts);
        }
        free(w->cols);
        for (size_t r = 0; r < w->nrg; r++) {
                for (size_t i = 0; i < w->ncols; i++) {
                        free(w->rg_chunks[r][i].min);
                        free(w->rg_chunks[r][i].max);
                }
                free(w->rg_chunks[r]);
        }
        free(w->rg_chunks);
        free(w->rgs);
        free(w->created_by);
        kco_buf_free(&w->page);
        kco_buf_free(&w->hdr);
        free(w->lv);
        kco_pq_codec_free(&w->codec);
        free(w);
}

/* ---- dictionary ---- */

static void kco_pq_ht_grow(kco_pq_writer_t *w, kco_pq_col_t *c) {
        size_t cap = c->ht_cap ? c->ht_cap * 2 : 64;
        free(c->ht);
        c->ht = kco_calloc(cap, sizeof(*c->ht));
        w->held += (cap - c->ht_cap) * sizeof(*c->ht);
        c->ht_cap = cap;
        for (size_t e = 0; e < c->ndent; e++) {
                size_t s = c->dent[e].hash & (cap - 1);
                while (c->ht[s].entry)
                        s = (s + 1) & (cap - 1);
                c->ht[s] = (kco_pq_hslot_t){c->dent[e].hash, (uint32_t)(e + 1), (uint32_t)c->dent[e].off,
                                            c->dent[e].len};
        }
}

/* The PLAIN encoding of dictionary entry ix: where it starts in dict_plain, its length. */
static inline size_t kco_pq_dent_plain(const kco_pq_col_t *c, uint32_t ix, size_t *len) {
        const kco_pq_dent_t *e = &c->dent[ix];
        *len = c->fixed ? (size_t)c->fixed : 4 + (size_t)e->len;
        return c->fixed ? e->off : e->off - 4;
}

/* Appends the PLAIN encoding of the indexed values [from, to) to out. */
static void kco_pq_dict_plain(const kco_pq_col_t *c, size_t from, size_t to, kco_buf_t *out) {
        for (size_t i = from; i < to; i++) {
                size_t len, at = kco_pq_dent_plain(c, c->idx[i], &len);
                kco_buf_append(out, c->dict_plain.data + at, len);
        }
}

/* The first-page check (see the top): a dictionary that does not pay is dropped for the whole chunk, its
 * values written out PLAIN. final: the check at the first page (else the early one, after which the
 * first-page one still comes). */
static void kco_pq_dict_check(kco_pq_writer_t *w, kco_pq_col_t *c, int final) {
        c->dict_checked = final;
        if (!c->dict_on || !c->nvals)
                return;
        size_t bits = (size_t)kco_pq_bit_width(c->ndent ? c->ndent - 1 : 0);
        if (c->dict_plain.len + (c->nvals * bits + 7) / 8 < c->plain)
                return;
        /* the indexed values' PLAIN bytes go before the others, in the buffer (which keeps its room) */
        size_t rest = c->vals.len;
        kco_buf_reserve(&c->vals, c->prefix_plain);
        if (rest)
                memmove(c->vals.data + c->prefix_plain, c->vals.data, rest);
        c->vals.len = 0;
        kco_pq_dict_plain(c, 0, c->dict_nvals, &c->vals);
        c->vals.len += rest;
        w->held -= c->dict_plain.len + c->dict_nvals * sizeof(uint32_t) + c->ndent * sizeof(kco_pq_dent_t) +
                   c->ht_cap * sizeof(*c->ht);
        c->dict_on = 0;
        c->dict_nvals = 0;
        c->prefix_plain = 0;
        c->dict_plain.len = 0;
        c->ndent = 0;
        free(c->ht);
        c->ht = NULL;
        c->ht_cap = 0;
}

/* The index of key p/n (PLAIN: plen bytes, the key after a 4-byte length for BYTE_ARRAY), added if new
 * (*added); -1 when the dictionary would outgrow dict_max_bytes. */
static inline int64_t kco_pq_dict_find(kco_pq_writer_t *w, kco_pq_col_t *c, const uint8_t *p, size_t n,
                                       size_t plen, int *added) {
        if (c->ht_cap == 0 || (c->ndent + 1) * 2 > c->ht_cap)
                kco_pq_ht_grow(w, c);
        uint32_t h = kco_pq_hash(p, n);
        size_t s = h & (c->ht_cap - 1);
        *added = 0;
        for (const kco_pq_hslot_t *e; (e = &c->ht[s])->entry; s = (s + 1) & (c->ht_cap - 1))
                if (e->hash == h && e->len == n && kco_short_eq(c->dict_plain.data + e->off, p, n))
                        return (int64_t)e->entry - 1;
        if (c->dict_plain.len + plen > w->o.dict_max_bytes || c->dict_plain.len + plen > UINT32_MAX)
                return -1;
        if (c->ndent == c->dent_cap) {
                c->dent_cap = c->dent_cap ? c->dent_cap * 2 : 256;
                c->dent = kco_realloc(c->dent, c->dent_cap * sizeof(*c->dent));
        }
        kco_pq_dent_t *e = &c->dent[c->ndent];
        e->off = c->dict_plain.len + (plen - n);
        e->len = (uint32_t)n;
        e->hash = h;
        kco_buf_reserve(&c->dict_plain, plen);
        if (plen != n) {
                kco_pq_put_le((uint8_t *)c->dict_plain.data + c->dict_plain.len, (uint32_t)n, 4);
                c->dict_plain.len += 4;
        }
        kco_short_copy(c->dict_plain.data + c->dict_plain.len, p, n);
        c->dict_plain.len += n;
        c->ht[s] = (kco_pq_hslot_t){h, (uint32_t)(c->ndent + 1), (uint32_t)e->off, (uint32_t)n};
        w->held += plen + sizeof(kco_pq_dent_t);
        *added = 1;
        return (int64_t)c->ndent++;
}

/* ---- put ---- */

static int kco_pq_bytes_less(const void *a, size_t an, const void *b, size_t bn) {
        size_t n = an < bn ? an : bn, i = 0;
        const uint8_t *x = a, *y = b;
        for (; i + 8 <= n; i += 8) { /* eight bytes at a time, as big-endian numbers */
                uint64_t u, v;
                memcpy(&u, x + i, 8), memcpy(&v, y + i, 8);
                if (u != v) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                        u = __builtin_bswap64(u), v = __builtin_bswap64(v);
#endif
                        return u < v;
                }
        }
        for (; i < n; i++) /* (an empty minimum has no buffer yet: NULL, never read) */
                if (x[i] != y[i])
                        return x[i] < y[i];
        return an < bn;
}

static void kco_pq_stats_bytes(kco_pq_writer_t *w, kco_buf_t *b, const void *p, size_t n) {
        w->held += n - b->len;
        b->len = 0;
        kco_buf_reserve(b, n);
        kco_short_copy(b->data, p, n);
        b->len = n;
}

static void kco_pq_stats_put(kco_pq_writer_t *w, kco_pq_col_t *c, const kco_pq_val_t *v) {
        switch (c->d.physical) {
        case KCO_PQ_BOOLEAN:
        case KCO_PQ_INT32:
        case KCO_PQ_INT64: {
                int64_t x = c->d.physical == KCO_PQ_BOOLEAN ? (v->boolean != 0)
                            : c->d.physical == KCO_PQ_INT32 ? v->i32
                                                             : v->i64;
                if (!c->d.stats_signed && c->d.physical != KCO_PQ_BOOLEAN) {
                        /* unsigned order: flip the sign bit and compare signed */
                        x = c->d.physical == KCO_PQ_INT32 ? (int64_t)(uint32_t)v->i32
                                                          : (int64_t)((uint64_t)v->i64 ^ (1ULL << 63));
                }
                if (!c->has_mm || x < c->mn.i)
                        c->mn.i = x;
                if (!c->has_mm || x > c->mx.i)
                        c->mx.i = x;
                c->has_mm = 1;
                break;
        }
        case KCO_PQ_FLOAT:
        case KCO_PQ_DOUBLE: {
                double x = c->d.physical == KCO_PQ_FLOAT ? (double)v->f : v->d;
                if (isnan(x))
                        break;
                if (!c->has_mm || x < c->mn.d || (x == 0 && c->mn.d == 0 && signbit(x)))
                        c->mn.d = x;
                if (!c->has_mm || x > c->mx.d || (x == 0 && c->mx.d == 0 && !signbit(x)))
                        c->mx.d = x;
                c->has_mm = 1;
                break;
        }
        default: {
                size_t n = c->d.physical == KCO_PQ_FIXED_LEN_BYTE_ARRAY ? (size_t)c->d.type_length : v->b.n;
                if (!c->has_mm || kco_pq_bytes_less(v->b.p, n, c->bmin.data, c->bmin.len))
                        kco_pq_stats_bytes(w, &c->bmin, v->b.p, n);
                if (!c->has_mm || kco_pq_bytes_less(c->bmax.data, c->bmax.len, v->b.p, n))
                        kco_pq_stats_bytes(w, &c->bmax, v->b.p, n);
                c->has_mm = 1;
                break;
        }
        }
}

/* Stores level lv of the next slot in b, first the run of `run_level`s its slots so far had (*run). */
static inline void kco_pq_level(kco_pq_col_t *c, kco_buf_t *b, int *run, int run_level, int lv) {
        if (*run) {
                kco_buf_reserve(b, c->nslots + 1);
                memset(b->data, run_level, c->nslots);
                b->len = c->nslots;
                *run = 0;
        }
        kco_buf_putc(b, (char)(uint8_t)lv);
}

/* One slot. */
static void kco_pq_put_one(kco_pq_writer_t *w, const kco_pq_slot_t *sl) {
        kco_pq_col_t *c = &w->cols[sl->col];
        int def = sl->def, rep = sl->rep;
        const kco_pq_val_t *v = sl->has_value ? &sl->v : NULL;
        if (c->pg_full && (c->d.max_rep == 0 || rep == 0)) {
                if (c->ncuts == c->cuts_cap) {
                        c->cuts_cap = c->cuts_cap ? 2 * c->cuts_cap : 16;
                        c->cuts = kco_realloc(c->cuts, c->cuts_cap * sizeof(*c->cuts));
                }
                c->cuts[c->ncuts++] = (kco_pq_cut_t){c->nslots, c->nvals, c->plain};
                c->pg_bytes = 0;
                c->pg_full = 0;
        }
        if (c->d.max_rep > 0) {
                if (!c->rep_run || rep != 0)
                        kco_pq_level(c, &c->rep, &c->rep_run, 0, rep);
                w->held++; /* counted as stored (row groups end where they did when every level was) */
        }
        if (c->d.max_def > 0) {
                if (!c->def_run || def != c->d.max_def)
                        kco_pq_level(c, &c->def, &c->def_run, c->d.max_def, def);
                w->held++;
        }
        c->nslots++;
        if (!v || def < c->d.max_def) {
                c->nulls++;
                return;
        }
        uint8_t tmp[8];
        const uint8_t *key = tmp;
        size_t klen = (size_t)c->fixed, plen = (size_t)c->fixed;
        switch (c->d.physical) {
        case KCO_PQ_BOOLEAN: tmp[0] = v->boolean != 0; break;
        case KCO_PQ_INT32:
        case KCO_PQ_FLOAT: kco_pq_put_le(tmp, (uint32_t)v->i32, 4); break; /* f shares i32's bits */
        case KCO_PQ_INT64:
        case KCO_PQ_DOUBLE: kco_pq_put_le(tmp, (uint64_t)v->i64, 8); break;
        case KCO_PQ_FIXED_LEN_BYTE_ARRAY: key = v->b.p; break;
        default: /* BYTE_ARRAY: 4-byte length, then the bytes */
                key = v->b.p;
                klen = v->b.n;
                plen = 4 + klen;
                break;
        }
        int fresh = 1; /* a value the statistics have not seen: a repeat of a dictionary entry has been */
        c->plain += plen;
        w->held += plen;
        c->pg_bytes += plen;
        c->pg_full = c->pg_bytes >= w->o.page_size;
        if (c->dict_on) {
                int64_t ix = kco_pq_dict_find(w, c, key, klen, plen, &fresh);
                if (ix >= 0) {
                        if (c->nvals == c->idx_cap) {
                                c->idx_cap = c->idx_cap ? c->idx_cap * 2 : 1024;
                                c->idx = kco_realloc(c->idx, c->idx_cap * sizeof(*c->idx));
                        }
                        c->idx[c->nvals] = (uint32_t)ix;
                        c->dict_nvals = c->nvals + 1;
                        c->prefix_plain = c->plain;
                        w->held += sizeof(uint32_t);
                        goto indexed;
                }
                c->dict_on = 0; /* from here on PLAIN */
                fresh = 1;
        }
        kco_buf_reserve(&c->vals, plen);
        uint8_t *o = (uint8_t *)c->vals.data + c->vals.len;
        c->vals.len += plen;
        if (plen == 8 && klen == 8) { /* (constant sizes: no call) */
                memcpy(o, key, 8);
        } else if (klen == 4 && plen == 4) {
                memcpy(o, key, 4);
        } else {
                if (plen != klen) {
                        kco_pq_put_le(o, (uint32_t)klen, 4);
                        o += 4;
                }
                kco_short_copy(o, key, klen);
        }
indexed:
        c->nvals++;
        if (!c->dict_checked && (c->plain >= w->o.page_size || c->nvals == KCO_PQ_DICT_EARLY))
                kco_pq_dict_check(w, c, c->plain >= w->o.page_size);
        if (fresh && !c->d.stats_none)
                kco_pq_stats_put(w, c, v);
}

void kco_pq_put(kco_pq_writer_t *w, size_t col, int def, int rep, const kco_pq_val_t *v) {
        kco_pq_slot_t sl = {col, def, rep, v != NULL, {0}};
        if (v)
                sl.v = *v;
        kco_pq_put_one(w, &sl);
}

static void kco_pq_room(kco_buf_t *b, size_t n) {
        if (n > b->cap) {
                b->data = kco_realloc(b->data, n);
                b->cap = n;
        }
}

/* Once the first row group has KCO_PQ_SIZE_ROWS rows: every buffer that grows with the rows gets the room the
 * whole row group is projected to need (address space until written), rather than a copy at each doubling. */
static void kco_pq_size(kco_pq_writer_t *w) {
        size_t goal = w->o.row_group_size < KCO_PQ_SIZE_MAX ? w->o.row_group_size : KCO_PQ_SIZE_MAX, lin = 0;
        for (size_t i = 0; i < w->ncols; i++) { /* the bytes that grow with the rows (not dictionaries) */
                const kco_pq_col_t *c = &w->cols[i];
                lin += (c->d.max_rep > 0 ? c->nslots : 0) + (c->d.max_def > 0 ? c->nslots : 0) + c->plain +
                       c->dict_nvals * sizeof(uint32_t);
        }
        if (!lin || w->held >= goal)
                return;
        double f = (double)(goal - (w->held - lin)) / (double)lin * 1.0625; /* the group's rows / these rows */
        for (size_t i = 0; i < w->ncols; i++) {
                kco_pq_col_t *c = &w->cols[i];
                kco_pq_room(&c->vals, (size_t)((double)c->vals.len * f));
                kco_pq_room(&c->rep, (size_t)((double)c->rep.len * f));
                kco_pq_room(&c->def, (size_t)((double)c->def.len * f));
                size_t ni = c->dict_on ? (size_t)((double)c->nvals * f) : 0;
                if (ni > c->idx_cap) {
                        c->idx = kco_realloc(c->idx, ni * sizeof(*c->idx));
                        c->idx_cap = ni;
                }
        }
}

static inline void kco_pq_row_done(kco_pq_writer_t *w) {
        if (++w->rows_rg == KCO_PQ_SIZE_ROWS && w->nrg == 0)
                kco_pq_size(w);
}

void kco_pq_end_row(kco_pq_writer_t *w) {
        kco_pq_row_done(w);
}

void kco_pq_put_row(kco_pq_writer_t *w, const kco_pq_slot_t *slots, size_t n) {
        for (size_t i = 0; i < n; i++)
                kco_pq_put_one(w, &slots[i]);
        kco_pq_row_done(w);
}

size_t kco_pq_buffered(const kco_pq_writer_t *w) {
        return w->held;
}

int64_t kco_pq_rows(const kco_pq_writer_t *w) {
        return w->rows_total + w->rows_rg;
}

/* ---- encoding a row group ---- */

/* Writes the page in w->page (header ph with type-specific fields set) to out; adds its sizes. */
static int kco_pq_emit_page(kco_pq_writer_t *w, kco_pq_page_header_t *ph, kco_buf_t *out, int64_t *unc,
                            int64_t *cmp, kco_err_t *err) {
        const kco_buf_t *body = &w->page;
        if (kco_pq_codec_compress(&w->codec, &w->page, &body, err) < 0)
                return -1;
        if (w->page.len > INT32_MAX || body->len > INT32_MAX)
                return kco_err_set(err, KCO_ERR_DATA, 0, "parquet: page larger than 2 GiB");
        ph->uncompressed_page_size = (int32_t)w->page.len;
        ph->compressed_page_size = (int32_t)body->len;
        w->hdr.len = 0;
        kco_pq_meta_write_page_header(&w->hdr, ph);
        kco_buf_append(out, w->hdr.data, w->hdr.len);
        kco_buf_append(out, body->data, body->len);
        *unc += (int64_t)(w->hdr.len + w->page.len);
        *cmp += (int64_t)(w->hdr.len + body->len);
        return 0;
}

static void kco_pq_levels(kco_pq_writer_t *w, const kco_buf_t *lv, int run, size_t from, size_t n, int max,
                          int run_level) {
        if (run) {
                kco_pq_rle_encode_const(&w->page, (uint32_t)run_level, n, kco_pq_bit_width((uint64_t)max), 1);
                return;
        }
        if (n > w->lv_cap) {
                w->lv_cap = n + 1024;
                free(w->lv);
                w->lv = kco_malloc(w->lv_cap * sizeof(*w->lv));
        }
        const uint8_t *p = (const uint8_t *)lv->data + from;
        for (size_t i = 0; i < n; i++)
                w->lv[i] = p[i];
        kco_pq_rle_encode(&w->page, w->lv, n, kco_pq_bit_width((uint64_t)max), 1);
}

static size_t kco_pq_stat_bytes(const kco_pq_col_t *c, int max, uint8_t **outp) {
        uint8_t *p = NULL;
        size_t n = 0;
        switch (c->d.physical) {
        case KCO_PQ_BOOLEAN:
                n = 1;
                p = kco_malloc(1);
                p[0] = (uint8_t)(max ? c->mx.i : c->mn.i);
                break;
        case KCO_PQ_INT32:
        case KCO_PQ_INT64: {
                int64_t x = max ? c->mx.i : c->mn.i;
                if (!c->d.stats_signed && c->d.physical == KCO_PQ_INT64)
                        x = (int64_t)((uint64_t)x ^ (1ULL << 63));
                n = (size_t)c->fixed;
                p = kco_malloc(n);
                kco_pq_put_le(p, (uint64_t)x, (int)n);
                break;
        }
        case KCO_PQ_FLOAT:
        case KCO_PQ_DOUBLE: {
                double x = max ? c->mx.d : c->mn.d;
                if (x == 0)
                        x = max ? 0.0 : -0.0;
                n = (size_t)c->fixed;
                p = kco_malloc(n);
                if (c->d.physical == KCO_PQ_FLOAT) {
                        float f = (float)x;
                        uint32_t u;
                        memcpy(&u, &f, 4);
                        kco_pq_put_le(p, u, 4);
                } else {
                        uint64_t u;
                        memcpy(&u, &x, 8);
                        kco_pq_put_le(p, u, 8);
                }
                break;
        }
        default: {
                const kco_buf_t *b = max ? &c->bmax : &c->bmin;
                n = b->len;
                p = kco_malloc(n ? n : 1);
                if (n)
                        memcpy(p, b->data, n);
                break;
        }
        }
        *outp = p;
        return n;
}

static int kco_pq_write_chunk(kco_pq_writer_t *w, kco_pq_col_t *c, kco_pq_chunk_t *ch, kco_buf_t *out,
                              size_t base, kco_err_t *err) {
        int64_t unc = 0, cmp = 0;
        int64_t start = w->written + (int64_t)(out->len - base);
        int64_t dict_off = -1, data_off = -1;
        int used_dict = 0, used_plain = 0;
        if (!c->dict_checked)
                kco_pq_dict_check(w, c, 1);

        /* the pages: those cut while values arrived, then the last one (one, empty, for an empty chunk); the
         * dictionary page is written only if a page uses it */
        size_t npages = c->ncuts + 1;
        size_t(*pages)[3] = kco_malloc(npages * sizeof(*pages)); /* end slot, end value, end offset in vals */
        for (size_t p = 0; p < npages; p++) {
                kco_pq_cut_t cut = p < c->ncuts ? c->cuts[p] : (kco_pq_cut_t){c->nslots, c->nvals, c->plain};
                pages[p][0] = cut.slot;
                pages[p][1] = cut.val;
                pages[p][2] = cut.val <= c->dict_nvals ? 0 : cut.plain - c->prefix_plain;
        }
        size_t v0 = 0;
        for (size_t p = 0; p < npages; p++) {
                if (pages[p][1] > v0 && pages[p][1] <= c->dict_nvals)
                        used_dict = 1;
                v0 = pages[p][1];
        }
        if (used_dict) {
                dict_off = start;
                kco_pq_page_header_t ph;
                memset(&ph, 0, sizeof(ph));
                ph.type = KCO_PQ_PAGE_DICTIONARY;
                ph.has_dictionary_page = 1;
                ph.dictionary_page.num_values = (int32_t)c->ndent;
                ph.dictionary_page.encoding = KCO_PQ_ENC_PLAIN;
                w->page.len = 0;
                kco_buf_append(&w->page, c->dict_plain.data, c->dict_plain.len);
                if (kco_pq_emit_page(w, &ph, out, &unc, &cmp, err) < 0)
                        goto fail;
        }
        data_off = w->written + (int64_t)(out->len - base);
        int bw = kco_pq_bit_width(c->ndent ? c->ndent - 1 : 0);
        size_t s0 = 0;
        v0 = 0;
        size_t o0 = 0;
        for (size_t p = 0; p < npages; p++) {
                size_t s1 = pages[p][0], v1 = pages[p][1], o1 = pages[p][2];
                int dict = v1 > v0 && v1 <= c->dict_nvals;
                w->page.len = 0;
                if (c->d.max_rep > 0)
                        kco_pq_levels(w, &c->rep, c->rep_run, s0, s1 - s0, c->d.max_rep, 0);
                if (c->d.max_def > 0)
                        kco_pq_levels(w, &c->def, c->def_run, s0, s1 - s0, c->d.max_def, c->d.max_def);
                if (dict) {
                        used_dict = 1;
                        kco_buf_putc(&w->page, (char)bw);
                        kco_pq_rle_encode(&w->page, c->idx + v0, v1 - v0, bw, 0);
                } else {
                        used_plain = 1;
                        if (c->d.physical == KCO_PQ_BOOLEAN) {
                                kco_pq_plain_bool(&w->page, (const uint8_t *)c->vals.data + o0, v1 - v0);
                        } else {
                                kco_pq_dict_plain(c, v0, v1 < c->dict_nvals ? v1 : c->dict_nvals, &w->page);
                                kco_buf_append(&w->page, c->vals.data + o0, o1 - o0);
                        }
                }
                kco_pq_page_header_t ph;
                memset(&ph, 0, sizeof(ph));
                ph.type = KCO_PQ_PAGE_DATA;
                ph.has_data_page = 1;
                ph.data_page.num_values = (int32_t)(s1 - s0);
                ph.data_page.encoding = dict ? KCO_PQ_ENC_RLE_DICTIONARY : KCO_PQ_ENC_PLAIN;
                ph.data_page.definition_level_encoding = KCO_PQ_ENC_RLE;
                ph.data_page.repetition_level_encoding = KCO_PQ_ENC_RLE;
                if (kco_pq_emit_page(w, &ph, out, &unc, &cmp, err) < 0)
                        goto fail;
                s0 = s1;
                v0 = v1;
                o0 = o1;
        }
        free(pages);
        pages = NULL;

        size_t ne = 0;
        if (used_dict || used_plain)
                ch->encodings[ne++] = KCO_PQ_ENC_PLAIN; /* dictionary page or plain data pages */
        if (c->d.max_rep > 0 || c->d.max_def > 0)
                ch->encodings[ne++] = KCO_PQ_ENC_RLE;
        if (used_dict)
                ch->encodings[ne++] = KCO_PQ_ENC_RLE_DICTIONARY;
        memset(&ch->stats, 0, sizeof(ch->stats));
        ch->stats.has_null_count = 1;
        ch->stats.null_count = c->nulls;
        if (!c->d.stats_none && c->has_mm) {
                ch->stats.min_len = kco_pq_stat_bytes(c, 0, &ch->min);
                ch->stats.max_len = kco_pq_stat_bytes(c, 1, &ch->max);
                ch->stats.min_value = ch->min;
                ch->stats.max_value = ch->max;
        }
        kco_pq_column_meta_t *m = &ch->cc.meta;
        ch->cc.file_offset = start;
        m->type = c->d.physical;
        m->encodings = ch->encodings;
        m->n_encodings = ne;
        m->path = c->d.path;
        m->n_path = (size_t)c->d.npath;
        m->codec = w->o.codec;
        m->num_values = (int64_t)c->nslots;
        m->total_uncompressed_size = unc;
        m->total_compressed_size = cmp;
        m->data_page_offset = data_off;
        m->dictionary_page_offset = dict_off;
        m->stats = &ch->stats;
        return 0;
fail:
        free(pages);
        return -1;
}

static int kco_pq_write_row_group(kco_pq_writer_t *w, kco_buf_t *out, kco_err_t *err) {
        size_t base = out->len;
        kco_pq_chunk_t *chunks = kco_calloc(w->ncols ? w->ncols : 1, sizeof(*chunks));
        int64_t total = 0;
        for (size_t i = 0; i < w->ncols; i++) {
                if (kco_pq_write_chunk(w, &w->cols[i], &chunks[i], out, base, err) < 0) {
                        for (size_t k = 0; k <= i; k++) {
                                free(chunks[k].min);
                                free(chunks[k].max);
                        }
                        free(chunks);
                        out->len = base; /* nothing of a failed row group is handed out */
                        return -1;
                }
                total += chunks[i].cc.meta.total_uncompressed_size;
        }
        if (w->nrg == w->rg_cap) {
                w->rg_cap = w->rg_cap ? w->rg_cap * 2 : 8;
                w->rgs = kco_realloc(w->rgs, w->rg_cap * sizeof(*w->rgs));
                w->rg_chunks = kco_realloc(w->rg_chunks, w->rg_cap * sizeof(*w->rg_chunks));
        }
        w->rg_chunks[w->nrg] = chunks;
        w->rgs[w->nrg].columns = NULL; /* set at close: chunks hold their own metadata */
        w->rgs[w->nrg].n_columns = w->ncols;
        w->rgs[w->nrg].total_byte_size = total;
        w->rgs[w->nrg].num_rows = w->rows_rg;
        w->nrg++;
        w->written += (int64_t)(out->len - base);
        w->rows_total += w->rows_rg;
        w->rows_rg = 0;
        w->held = 0;
        for (size_t i = 0; i < w->ncols; i++) {
                kco_pq_col_reset(&w->cols[i], w->o.dictionary, w->o.dict_check);
                w->held += kco_pq_col_held(&w->cols[i]); /* the statistics buffers keep their length */
        }
        return 0;
}

static void kco_pq_start(kco_pq_writer_t *w, kco_buf_t *out) {
        if (w->started)
                return;
        kco_buf_append(out, "PAR1", 4);
        w->written += 4;
        w->started = 1;
}

int kco_pq_flush(kco_pq_writer_t *w, kco_buf_t *out, int force, kco_err_t *err) {
        kco_pq_start(w, out);
        if (w->rows_rg > 0 && (force || kco_pq_buffered(w) >= w->o.row_group_size))
                return kco_pq_write_row_group(w, out, err);
        return 0;
}

int kco_pq_close(kco_pq_writer_t *w, kco_buf_t *out, const kco_pq_kv_t *kv, size_t nkv, kco_err_t *err) {
        if (kco_pq_flush(w, out, 1, err) < 0)
                return -1;
        /* the ColumnChunk arrays of each row group, contiguous */
        kco_pq_column_chunk_t *cc = kco_calloc(w->nrg * w->ncols + 1, sizeof(*cc));
        for (size_t r = 0; r < w->nrg; r++) {
                for (size_t i = 0; i < w->ncols; i++)
                        cc[r * w->ncols + i] = w->rg_chunks[r][i].cc;
                w->rgs[r].columns = cc + r * w->ncols;
        }
        kco_pq_file_meta_t fm = {.version = 1, .schema = w->schema, .n_schema = w->nschema,
                                 .num_rows = w->rows_total, .row_groups = w->rgs, .n_row_groups = w->nrg,
                                 .kv = kv, .n_kv = kv ? nkv : 0, .created_by = w->created_by};
        size_t at = out->len;
        kco_pq_meta_write_file(out, &fm);
        free(cc);
        uint8_t le[4];
        kco_pq_put_le(le, (uint32_t)(out->len - at), 4);
        kco_buf_append(out, le, 4);
        kco_buf_append(out, "PAR1", 4);
        w->written += (int64_t)(out->len - at);
        return 0;
}
