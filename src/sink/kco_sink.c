/*
 * kco_sink.c - per Kafka partition, the rotation / commit state machine of
 * the Java connector's TopicPartitionWriter, without its bugs.
 *
 * For each assigned partition: one record counter across all its open files
 * (one file per encoded partition). Before a record is written, the files
 * rotate if rotate.interval.ms is set and the record's time (the time-based
 * partitioners' timestamp.extractor, else the Kafka timestamp) is that far
 * past the first record of the files or its encoded partition differs from
 * the previous record's; after it is written they rotate when the counter
 * reaches flush.size. Rotation commits ALL open files of the partition, then
 * marks last offset + 1 ready to commit to Kafka. Every decision depends on
 * the records only, so a replay from the committed offset rebuilds the same
 * objects under the same keys. The boundaries that do not (the wall clock of
 * rotate.schedule.interval.ms and idle commits, partitioner.max.open.files,
 * and every boundary and key under timestamp.extractor=Wallclock) commit in
 * two phases (commit/kco_commit.h): files prepared, the offset committed
 * naming them, then the files made visible.
 *
 * Task thread only. Must never: commit a file partially, mark an offset ready
 * before its files are committed.
 */
#include "sink/kco_sink.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commit/kco_commit.h"
#include "core/kco_budget.h"
#include "core/kco_log.h"
#include "core/kco_mem.h"
#include "format/kco_codec.h"
#include "format/kco_format.h"
#include "partition/kco_partitioner.h"
#include "record/kco_project.h"
#include "sink/kco_file.h"
#include "format/kco_metadata.h"

typedef struct kco_tpw_s {
        struct kco_tpw_s *next; /* hash chain */
        char *topic;
        int32_t partition;
        kco_file_t **files;
        int nfiles;
        int last_file; /* index of the most recently used file */
        int64_t count;          /* records in open files */
        int64_t base_ts;        /* timestamp of the first record in open files */
        char *cur_encoded;      /* encoded partition of the last record */
        kco_schema_t *schema;   /* value schema of the last record in open files (a reference) */
        int64_t resume_offset;  /* first offset not in a committed object (-1 unknown) */
        int64_t last_offset;    /* offset of the last record seen (-1 none) */
        int64_t ready_offset;   /* offset to commit to Kafka (-1 none) */
        int64_t sent_offset;    /* highest offset sent for commit */
        int64_t kafka_committed; /* highest offset Kafka confirmed */
        int64_t next_schedule;   /* rotate.schedule.interval.ms: wall-clock time of the next commit (-1 none) */
        int rewind_pending;      /* a commit outside this partition's own write failed: consume again */
        /* schema.compatibility BACKWARD / FORWARD / FULL: the current value schema, kept across commits (as the
         * Java writer keeps it), reset when the partition is (re)assigned or rewound */
        int compat_set;
        kco_schema_t *compat_schema;
        int64_t held;            /* bytes its open files hold (counted in the memory budget) */
        char *manifest;          /* the two-phase commit's manifest object, deleted once a later commit succeeds */
        int sweep_pending;       /* assigned and recovered; what crashed writers left is not swept yet */
        char *keep_manifest;     /* the manifest its committed offset names: the sweep keeps it */
        int64_t manifest_offset; /* the offset committed with it */
} kco_tpw_t;

struct kco_sink_s {
        const kco_conf_t *conf;
        kco_store_t *store;
        kco_stats_t *stats;
        int task_id;
        kco_format_t *fmt;
        kco_partitioner_t *pt;
        char *ext;
        kco_tpw_t **buckets;
        size_t nbuckets;
        size_t ntpw;
        kco_buf_t enc; /* scratch: encoded partition */
        kco_tz_t *sched_tz;     /* rotate.schedule.interval.ms: its time zone */
        kco_arena_t *proj_arena; /* schema.compatibility: the projected value of the record being written */
        kco_metadata_t *meta;   /* format.metadata.fields.enable */
        kco_arena_t *meta_arena; /* the value with metadata of the record being written */
        kco_commit_kafka_t kafka; /* synchronous commits for the two-phase commit (commit NULL: one phase) */
        int all_two_phase;        /* timestamp.extractor=Wallclock: no boundary or key is repeated by a replay */
        kco_budget_t *budget;     /* buffer.memory (NULL: none) */
        int64_t held;             /* bytes all its open files hold */
};

static void kco_sink_sweep(kco_sink_t *s, const char *topic);

static size_t kco_sink_hash(const char *topic, int32_t partition) {
        size_t h = 1469598103934665603ULL;
        for (const char *p = topic; *p; p++)
                h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        return h ^ ((size_t)(uint32_t)partition * 2654435761U);
}

static kco_tpw_t *kco_sink_find(kco_sink_t *s, const char *topic, int32_t partition) {
        kco_tpw_t *t = s->buckets[kco_sink_hash(topic, partition) & (s->nbuckets - 1)];
        for (; t; t = t->next)
                if (t->partition == partition && !strcmp(t->topic, topic))
                        return t;
        return NULL;
}

kco_sink_t *kco_sink_new(const kco_conf_t *conf, kco_store_t *st, kco_stats_t *stats, int task_id, kco_err_t *err) {
        kco_partitioner_t *pt = kco_partitioner_new(conf, err);
        if (!pt)
                return NULL;
        kco_sink_t *s = kco_calloc(1, sizeof(*s));
        s->conf = conf;
        s->store = st;
        s->stats = stats;
        s->task_id = task_id;
        s->fmt = kco_format_new(conf);
        s->pt = pt;
        s->ext = kco_asprintf("%s%s", s->fmt->ops->extension(s->fmt), kco_codec_extension(conf->compression));
        s->nbuckets = 64;
        s->buckets = kco_calloc(s->nbuckets, sizeof(*s->buckets));
        kco_buf_init(&s->enc);
        if (conf->schema_compat != KCO_COMPAT_NONE)
                s->proj_arena = kco_arena_new(16 * 1024);
        if (conf->rotate_schedule_ms > 0) {
                s->sched_tz = kco_tz_new(conf->timezone, err); /* validated with the configuration */
                if (!s->sched_tz) {
                        kco_sink_destroy(s);
                        return NULL;
                }
        }
        s->all_two_phase = kco_conf_time_based(conf) && conf->ts_extractor == KCO_TS_WALLCLOCK;
        if (conf->metadata_fields) {
                s->meta = kco_metadata_new();
                s->meta_arena = kco_arena_new(16 * 1024);
        }
        return s;
}

char *kco_sink_object_key(const kco_conf_t *conf, const char *ext, const char *topic, int32_t partition,
                          const char *encoded, int64_t start_offset) {
        const char *dd = conf->directory_delim, *fd = conf->file_delim;
        char off[32];
        snprintf(off, sizeof(off), "%0*" PRId64, conf->pad_width, start_offset);
        if (*conf->topics_dir)
                return kco_asprintf("%s%s%s%s%s%s%s%s%d%s%s%s", conf->topics_dir, dd, topic, dd, encoded, dd, topic,
                                    fd, (int)partition, fd, off, ext);
        return kco_asprintf("%s%s%s%s%s%s%d%s%s%s", topic, dd, encoded, dd, topic, fd, (int)partition, fd, off, ext);
}

/* A file leaves t (committed, prepared or discarded): its bytes leave the budget. */
static void kco_sink_release(kco_sink_t *s, kco_tpw_t *t, kco_file_t *f) {
        kco_budget_add(s->budget, -f->held);
        t->held -= f->held;
        s->held -= f->held;
        f->held = 0;
}

/* After a record went into f: the budget learns what f holds now. */
static void kco_sink_account(kco_sink_t *s, kco_tpw_t *t, kco_file_t *f) {
        int64_t now = (int64_t)kco_file_held(f), delta = now - f->held;
        f->held = now;
        t->held += delta;
        s->held += delta;
        kco_budget_add(s->budget, delta);
}

static void kco_tpw_discard(kco_sink_t *s, kco_tpw_t *t, const char *why) {
        for (int i = 0; i < t->nfiles; i++) {
                kco_sink_release(s, t, t->files[i]);
                kco_debug("sink", "task %d: discarding %s (%" PRId64 " records): %s", s->task_id, t->files[i]->key,
                          t->files[i]->records, why);
                kco_file_abort(t->files[i]);
                kco_stats_add(s->stats->files_discarded, 1);
        }
        t->nfiles = 0;
        t->count = 0;
        free(t->cur_encoded);
        t->cur_encoded = NULL;
        kco_schema_unref(t->schema);
        t->schema = NULL;
}

static void kco_tpw_compat_reset(kco_tpw_t *t) {
        kco_schema_unref(t->compat_schema);
        t->compat_schema = NULL;
        t->compat_set = 0;
}

static void kco_tpw_free(kco_tpw_t *t) {
        kco_tpw_compat_reset(t);
        free(t->manifest);
        free(t->keep_manifest);
        kco_schema_unref(t->schema);
        free(t->files);
        free(t->topic);
        free(t->cur_encoded);
        free(t);
}

static void kco_sink_grow(kco_sink_t *s) {
        size_t n = s->nbuckets * 2;
        kco_tpw_t **b = kco_calloc(n, sizeof(*b));
        for (size_t i = 0; i < s->nbuckets; i++) {
                kco_tpw_t *t = s->buckets[i];
                while (t) {
                        kco_tpw_t *next = t->next;
                        size_t h = kco_sink_hash(t->topic, t->partition) & (n - 1);
                        t->next = b[h];
                        b[h] = t;
                        t = next;
                }
        }
        free(s->buckets);
        s->buckets = b;
        s->nbuckets = n;
}

void kco_sink_assign(kco_sink_t *s, const char *topic, int32_t partition) {
        if (kco_sink_find(s, topic, partition))
                return;
        if (s->ntpw + 1 > s->nbuckets)
                kco_sink_grow(s);
        kco_tpw_t *t = kco_calloc(1, sizeof(*t));
        t->topic = kco_strdup(topic);
        t->partition = partition;
        t->resume_offset = -1;
        t->last_offset = -1;
        t->ready_offset = -1;
        t->sent_offset = -1;
        t->kafka_committed = -1;
        size_t h = kco_sink_hash(topic, partition) & (s->nbuckets - 1);
        t->next = s->buckets[h];
        s->buckets[h] = t;
        s->ntpw++;
}

void kco_sink_revoke(kco_sink_t *s, const char *topic, int32_t partition) {
        kco_tpw_t **pp = &s->buckets[kco_sink_hash(topic, partition) & (s->nbuckets - 1)];
        for (; *pp; pp = &(*pp)->next) {
                kco_tpw_t *t = *pp;
                if (t->partition != partition || strcmp(t->topic, topic))
                        continue;
                kco_tpw_discard(s, t, "partition revoked");
                *pp = t->next;
                kco_tpw_free(t);
                s->ntpw--;
                return;
        }
}

void kco_sink_revoke_all(kco_sink_t *s) {
        for (size_t i = 0; i < s->nbuckets; i++) {
                kco_tpw_t *t = s->buckets[i];
                while (t) {
                        kco_tpw_t *next = t->next;
                        kco_tpw_discard(s, t, "partition revoked");
                        kco_tpw_free(t);
                        t = next;
                }
                s->buckets[i] = NULL;
        }
        s->ntpw = 0;
}

void kco_sink_destroy(kco_sink_t *s) {
        if (!s)
                return;
        kco_sink_revoke_all(s);
        if (s->budget)
                atomic_fetch_sub(&s->budget->holders, 1);
        free(s->buckets);
        kco_format_destroy(s->fmt);
        kco_partitioner_destroy(s->pt);
        kco_tz_destroy(s->sched_tz);
        kco_arena_destroy(s->proj_arena);
        kco_buf_free(&s->enc);
        kco_metadata_destroy(s->meta);
        kco_arena_destroy(s->meta_arena);
        free(s->ext);
        free(s);
}

/* After files are committed: counters, the offset ready to commit to Kafka, the log line. */
static void kco_tpw_committed(kco_sink_t *s, kco_tpw_t *t, int64_t last_offset, int64_t records, const char *why) {
        kco_stats_add(s->stats->records_committed, (uint64_t)records);
        t->nfiles = 0;
        t->count = 0;
        kco_schema_unref(t->schema);
        t->schema = NULL;
        t->resume_offset = last_offset + 1;
        t->ready_offset = last_offset + 1;
        kco_info("sink", "Files committed (%s). Target commit offset for %s-%d is %" PRId64, why, t->topic,
                 (int)t->partition, t->ready_offset);
}

static void kco_sink_file_done(kco_sink_t *s, const char *key, int64_t records, uint64_t bytes) {
        kco_info("sink", "File %s committed (%" PRId64 " records, %" PRIu64 " bytes)", key, records, bytes);
        kco_stats_add(s->stats->files_committed, 1);
        kco_stats_add(s->stats->bytes_committed, bytes);
}

/* t's open files prepared for a two-phase commit (see commit/kco_commit.h). */
typedef struct kco_tpw_prep_s {
        kco_tpw_t *t;
        int64_t last_offset;
        kco_pending_t *p;
        size_t np;
        int64_t *recs;
        uint64_t *bytes;
        int64_t records;
} kco_tpw_prep_t;

static void kco_tpw_prep_free(kco_tpw_prep_t *pr) {
        kco_commit_pending_free(pr->p, pr->np);
        free(pr->recs);
        free(pr->bytes);
}

/* Phase one: every open file of t uploaded, none visible; t has no open file after. On error nothing is left. */
static int kco_tpw_prepare(kco_sink_t *s, kco_tpw_t *t, int64_t last_offset, kco_tpw_prep_t *pr, kco_err_t *err) {
        size_t n = (size_t)t->nfiles;
        *pr = (kco_tpw_prep_t){t, last_offset, kco_calloc(n + 1, sizeof(*pr->p)), 0, kco_calloc(n + 1, sizeof(int64_t)),
                               kco_calloc(n + 1, sizeof(uint64_t)), 0};
        int rc = 0;
        for (size_t i = 0; i < n; i++) {
                kco_file_t *f = t->files[i];
                t->files[i] = NULL;
                kco_sink_release(s, t, f);
                if (rc) {
                        kco_file_abort(f);
                        continue;
                }
                pr->recs[pr->np] = f->records;
                char *key = kco_strdup(f->key);
                char *token = kco_file_prepare(f, &pr->bytes[pr->np], err);
                if (!token) {
                        free(key);
                        rc = -1;
                        continue;
                }
                pr->records += pr->recs[pr->np];
                pr->p[pr->np].key = key;
                pr->p[pr->np++].token = token;
        }
        t->nfiles = 0;
        t->count = 0;
        if (rc) {
                for (size_t i = 0; i < pr->np; i++) {
                        kco_err_t e;
                        kco_store_cancel(s->store, pr->p[i].key, pr->p[i].token, &e);
                }
                kco_tpw_prep_free(pr);
        }
        return rc;
}

/* After phases two and three went well: t's counters, offsets and manifest. */
static void kco_tpw_prep_done(kco_sink_t *s, kco_tpw_prep_t *pr, char *manifest, const char *why) {
        kco_tpw_t *t = pr->t;
        for (size_t i = 0; i < pr->np; i++)
                kco_sink_file_done(s, pr->p[i].key, pr->recs[i], pr->bytes[i]);
        kco_stats_add(s->stats->commits_two_phase, 1);
        kco_tpw_committed(s, t, pr->last_offset, pr->records, why);
        /* committed already, with the metadata; a new commit of this offset would drop the metadata */
        t->sent_offset = t->kafka_committed = pr->last_offset + 1;
        if (t->manifest) { /* the previous manifest: no committed offset names it now */
                kco_err_t e;
                kco_store_remove(s->store, t->manifest, &e);
                free(t->manifest);
                t->manifest = NULL;
        }
        if (manifest) {
                t->manifest = manifest;
                t->manifest_offset = pr->last_offset + 1;
        }
}

/* The two-phase commit of t's open files. */
static int kco_tpw_commit2(kco_sink_t *s, kco_tpw_t *t, int64_t last_offset, const char *why, kco_err_t *err) {
        kco_tpw_prep_t pr;
        if (kco_tpw_prepare(s, t, last_offset, &pr, err))
                return -1;
        char *manifest = NULL;
        int rc = kco_commit_pending(s->store, s->conf, &s->kafka, t->topic, t->partition, last_offset + 1, pr.p,
                                    pr.np, &manifest, err);
        if (!rc)
                kco_tpw_prep_done(s, &pr, manifest, why);
        kco_tpw_prep_free(&pr);
        return rc;
}

/* Commits every open file of t; on success marks last_offset + 1 ready. nondet: a boundary a replay would not
 * draw again (two phases). */
static int kco_tpw_commit(kco_sink_t *s, kco_tpw_t *t, int64_t last_offset, const char *why, int nondet,
                          kco_err_t *err) {
        if ((nondet || s->all_two_phase) && s->kafka.commit)
                return kco_tpw_commit2(s, t, last_offset, why, err);
        int64_t records = 0;
        for (int i = 0; i < t->nfiles; i++) {
                kco_file_t *f = t->files[i];
                t->files[i] = NULL;
                kco_sink_release(s, t, f);
                int64_t n = f->records;
                char *key = kco_strdup(f->key);
                uint64_t bytes = 0;
                kco_debug("sink", "Start to commit file %s", key);
                if (kco_file_commit(f, &bytes, err)) {
                        free(key);
                        /* the rest are discarded; the caller rewinds */
                        for (int j = i + 1; j < t->nfiles; j++) {
                                kco_sink_release(s, t, t->files[j]);
                                kco_file_abort(t->files[j]);
                                t->files[j] = NULL;
                        }
                        t->nfiles = 0;
                        t->count = 0;
                        return -1;
                }
                kco_sink_file_done(s, key, n, bytes);
                free(key);
                records += n;
        }
        kco_tpw_committed(s, t, last_offset, records, why);
        return 0;
}

static void kco_tpw_drop_file(kco_sink_t *s, kco_tpw_t *t, int i) {
        kco_sink_release(s, t, t->files[i]);
        kco_file_abort(t->files[i]);
        t->files[i] = t->files[--t->nfiles];
        t->last_file = 0;
}

static int kco_tpw_has_file(const kco_tpw_t *t, const char *encoded) {
        for (int i = 0; i < t->nfiles; i++)
                if (!strcmp(t->files[i]->encoded, encoded))
                        return 1;
        return 0;
}

static kco_file_t *kco_tpw_file(kco_sink_t *s, kco_tpw_t *t, const kco_record_t *rec, const char *encoded,
                                kco_err_t *err) {
        if (t->nfiles && !strcmp(t->files[t->last_file]->encoded, encoded))
                return t->files[t->last_file];
        for (int i = 0; i < t->nfiles; i++)
                if (!strcmp(t->files[i]->encoded, encoded)) {
                        t->last_file = i;
                        return t->files[i];
                }
        char *key = kco_sink_object_key(s->conf, s->ext, rec->topic, rec->partition, encoded, rec->offset);
        kco_file_t *f = kco_file_open(s->fmt, s->store, s->conf->compression, s->conf->compression_level, encoded,
                                      key, rec->offset, err);
        free(key);
        if (!f)
                return NULL;
        t->files = kco_realloc(t->files, sizeof(*t->files) * (size_t)(t->nfiles + 1));
        t->last_file = t->nfiles;
        t->files[t->nfiles++] = f;
        return f;
}

#define KCO_SINK_DAY_MS 86400000LL

static int64_t kco_sink_now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next scheduled commit after now: the next multiple of the interval counted from the local midnight
 * (and no later than the next midnight), as Confluent's DateTimeUtils.getNextTimeAdjustedByDay. */
static int64_t kco_sink_next_schedule(kco_sink_t *s, int64_t now) {
        int64_t iv = s->conf->rotate_schedule_ms;
        int64_t day = kco_tz_bucket(s->sched_tz, now, KCO_SINK_DAY_MS);
        int64_t local = now + kco_tz_offset(s->sched_tz, now);
        int64_t local_day = local - ((local % KCO_SINK_DAY_MS) + KCO_SINK_DAY_MS) % KCO_SINK_DAY_MS;
        int64_t next_day = kco_tz_local_to_utc(s->sched_tz, local_day + KCO_SINK_DAY_MS);
        int64_t next = day + ((now - day) / iv + 1) * iv;
        return next < next_day ? next : next_day;
}

/* A commit that a limit forces on the partition holding the most (most != NULL): cur is the partition of the
 * record at hand, whose files end at cur_last; a failure of another partition makes that one consume again,
 * unless it leaves a state only a restart resolves (then the task stops). */
static int kco_sink_commit_most(kco_sink_t *s, kco_tpw_t *most, kco_tpw_t *cur, int64_t cur_last, const char *why,
                                kco_err_t *err) {
        kco_stats_add(s->stats->rotations_nondeterministic, 1);
        if (most == cur)
                return kco_tpw_commit(s, cur, cur_last, why, 1, err);
        kco_err_t e2;
        kco_err_clear(&e2);
        if (kco_tpw_commit(s, most, most->last_offset, why, 1, &e2)) {
                if (!e2.retriable) {
                        *err = e2;
                        return -1;
                }
                kco_warn("sink", "task %d: %s-%d: %s", s->task_id, most->topic, (int)most->partition, e2.msg);
                most->rewind_pending = 1;
        }
        return 0;
}

/* The partition of this task with the most open files (by_bytes 0) or the most bytes held in them (1). */
static kco_tpw_t *kco_sink_most(kco_sink_t *s, int by_bytes) {
        kco_tpw_t *most = NULL;
        for (size_t i = 0; i < s->nbuckets; i++)
                for (kco_tpw_t *t = s->buckets[i]; t; t = t->next)
                        if (t->nfiles && (!most || (by_bytes ? t->held > most->held : t->nfiles > most->nfiles)))
                                most = t;
        return most;
}

/* partitioner.max.open.files: before a file is opened, the Kafka partition with the most open files commits
 * them (before the record at cur_offset). */
static int kco_sink_make_room(kco_sink_t *s, kco_tpw_t *cur, int64_t cur_offset, kco_err_t *err) {
        if (s->conf->max_open_files <= 0 || kco_sink_open_files(s) < s->conf->max_open_files)
                return 0;
        kco_tpw_t *most = kco_sink_most(s, 0);
        return most ? kco_sink_commit_most(s, most, cur, cur_offset - 1, "partitioner.max.open.files", err) : 0;
}

/* buffer.memory is spent: the partition of this task whose open files hold the most commits them (two phases: the
 * boundary depends on memory, not on the records), if this task holds its part of the memory (else the memory is
 * elsewhere - other tasks, parts in flight - and is given back there). cur: the partition of the record just
 * written (NULL from the timer). */
static int kco_sink_relieve(kco_sink_t *s, kco_tpw_t *cur, kco_err_t *err) {
        if (!kco_budget_should_relieve(s->budget, s->held))
                return 0;
        kco_tpw_t *most = kco_sink_most(s, 1);
        if (!most)
                return 0;
        atomic_fetch_add_explicit(&s->budget->relief_commits, 1, memory_order_relaxed);
        return kco_sink_commit_most(s, most, cur, cur ? cur->last_offset : -1, "buffer.memory", err);
}

/* A partition whose timer commit failed: consumed again, or (-1) the task must stop. */
static int kco_sink_timer_failed(kco_sink_t *s, kco_tpw_t *t, const kco_err_t *err) {
        if (!err->retriable) {
                kco_error("sink", "task %d: %s", s->task_id, err->msg);
                return -1;
        }
        kco_warn("sink", "task %d: %s-%d: %s", s->task_id, t->topic, (int)t->partition, err->msg);
        t->rewind_pending = 1;
        return 0;
}

int kco_sink_tick(kco_sink_t *s) {
        kco_sink_sweep(s, NULL);
        if (kco_budget_over(s->budget)) {
                kco_err_t err;
                kco_err_clear(&err);
                if (kco_sink_relieve(s, NULL, &err) && !err.retriable) {
                        kco_error("sink", "task %d: %s", s->task_id, err.msg);
                        return -1;
                }
        }
        if (!s->sched_tz)
                return 0;
        int64_t now = kco_sink_now_ms();
        int failed = 0, fatal = 0;
        /* every partition whose time has come, prepared, then committed in one request */
        kco_tpw_prep_t *prep = NULL;
        size_t nprep = 0;
        for (size_t i = 0; i < s->nbuckets; i++)
                for (kco_tpw_t *t = s->buckets[i]; t; t = t->next) {
                        if (!t->nfiles || t->next_schedule < 0 || now < t->next_schedule)
                                continue;
                        kco_err_t err;
                        kco_err_clear(&err);
                        kco_stats_add(s->stats->rotations_nondeterministic, 1);
                        if (!s->kafka.commit) { /* one phase (no Kafka here: unit tests) */
                                if (kco_tpw_commit(s, t, t->last_offset, "rotate.schedule.interval.ms", 1, &err)) {
                                        failed++;
                                        fatal |= kco_sink_timer_failed(s, t, &err);
                                }
                                continue;
                        }
                        prep = kco_realloc(prep, sizeof(*prep) * (nprep + 1));
                        if (kco_tpw_prepare(s, t, t->last_offset, &prep[nprep], &err)) {
                                failed++;
                                fatal |= kco_sink_timer_failed(s, t, &err);
                                continue;
                        }
                        nprep++;
                }
        if (nprep) {
                kco_commit_item_t *items = kco_calloc(nprep, sizeof(*items));
                for (size_t i = 0; i < nprep; i++)
                        items[i] = (kco_commit_item_t){prep[i].t->topic, prep[i].t->partition, prep[i].last_offset + 1,
                                                       prep[i].p, prep[i].np, NULL, {KCO_OK, 0, ""}};
                kco_commit_pending_many(s->store, s->conf, &s->kafka, items, nprep);
                for (size_t i = 0; i < nprep; i++) {
                        if (items[i].err.code == KCO_OK) {
                                kco_tpw_prep_done(s, &prep[i], items[i].manifest, "rotate.schedule.interval.ms");
                        } else {
                                failed++;
                                fatal |= kco_sink_timer_failed(s, prep[i].t, &items[i].err);
                        }
                        kco_tpw_prep_free(&prep[i]);
                }
                free(items);
        }
        free(prep);
        return fatal ? -1 : failed;
}

void kco_sink_foreach_rewind(kco_sink_t *s, void (*cb)(void *, const char *, int32_t, int64_t), void *opaque) {
        for (size_t i = 0; i < s->nbuckets; i++)
                for (kco_tpw_t *t = s->buckets[i]; t; t = t->next)
                        if (t->rewind_pending) {
                                t->rewind_pending = 0;
                                cb(opaque, t->topic, t->partition, t->resume_offset);
                        }
}

static const char *kco_compat_name(int c) {
        return c == KCO_COMPAT_BACKWARD ? "BACKWARD" : c == KCO_COMPAT_FORWARD ? "FORWARD" : "FULL";
}

/* schema.compatibility BACKWARD / FORWARD / FULL (Confluent's StorageSchemaCompatibility): whether rec's value
 * schema replaces the current one (*change: the open files commit first), and otherwise the record projected
 * to the current schema in *out (a copy of rec with a new value, or rec itself). */
static int kco_sink_compat(kco_sink_t *s, kco_tpw_t *t, const kco_record_t *rec, kco_record_t *tmp,
                           const kco_record_t **out, int *change, kco_err_t *err) {
        const kco_schema_t *schema = rec->value.type == KCO_DATA_VALUE ? rec->value.v->schema : NULL;
        const kco_schema_t *cur = t->compat_schema;
        int mode = s->conf->schema_compat;
        *out = rec;
        *change = 0;
        if (!t->compat_set) {
                *change = 1;
        } else if (!cur && !schema) {
                return 0;
        } else if (!cur || !schema) {
                return kco_err_set(err, KCO_ERR_DATA, 0,
                                   "schema.compatibility=%s: Switch between schema-based and schema-less data is not "
                                   "supported",
                                   kco_compat_name(mode));
        } else if (!schema->has_version || !cur->has_version) {
                return kco_err_set(err, KCO_ERR_DATA, 0, "Schema version required for %s compatibility",
                                   kco_compat_name(mode));
        } else {
                *change = mode == KCO_COMPAT_FORWARD ? schema->version < cur->version : schema->version > cur->version;
        }
        if (*change) {
                kco_schema_unref(t->compat_schema);
                t->compat_schema = schema ? kco_schema_ref(schema->root) : NULL;
                t->compat_set = 1;
                return 0;
        }
        if (schema == cur || kco_schema_equal(schema, cur))
                return 0;
        kco_arena_reset(s->proj_arena);
        kco_value_t *v = kco_arena_alloc(s->proj_arena, sizeof(*v));
        if (kco_project(schema, rec->value.v, cur, s->proj_arena, v, err))
                return -1;
        *tmp = *rec;
        tmp->value.v = v;
        *out = tmp;
        return 0;
}

static int kco_sink_is_tombstone(const kco_record_t *rec) {
        return rec->value.type == KCO_DATA_NULL || (rec->value.type == KCO_DATA_VALUE && rec->value.v->type == KCO_TYPE_NULL);
}

/* A record that is not written (tombstone ignored, bad record tolerated). With no open files nothing before it
 * is pending, so the offset after it is ready to commit; otherwise the next commit covers it. */
static void kco_tpw_skipped(kco_tpw_t *t, int64_t offset) {
        if (offset > t->last_offset)
                t->last_offset = offset;
        if (t->resume_offset < 0)
                t->resume_offset = offset;
        if (t->nfiles == 0) {
                t->resume_offset = offset + 1;
                t->ready_offset = offset + 1;
        }
}

void kco_sink_skip(kco_sink_t *s, const kco_record_t *rec) {
        kco_tpw_t *t = kco_sink_find(s, rec->topic, rec->partition);
        if (t)
                kco_tpw_skipped(t, rec->offset);
}

int kco_sink_write(kco_sink_t *s, const kco_record_t *rec, kco_err_t *err) {
        const kco_conf_t *c = s->conf;
        kco_tpw_t *t = kco_sink_find(s, rec->topic, rec->partition);
        if (!t) { /* outdated: the partition was revoked; its new owner reads it again */
                kco_debug("sink", "%s-%d@%" PRId64 ": partition not assigned; skipped", rec->topic,
                          (int)rec->partition, rec->offset);
                return 0;
        }
        if (t->sweep_pending) /* before the partition's first file */
                kco_sink_sweep(s, t->topic);
        if (rec->offset <= t->last_offset) /* a replayed or stale message: never write a record twice */
                return kco_err_set(err, KCO_ERR_KAFKA, 1, "offset %" PRId64 " arrived after offset %" PRId64,
                                   rec->offset, t->last_offset);
        if (t->resume_offset < 0)
                t->resume_offset = rec->offset;
        t->last_offset = rec->offset;
        kco_stats_add(s->stats->records_consumed, 1);

        if (kco_sink_is_tombstone(rec) && c->null_behavior != KCO_NULL_WRITE) {
                if (c->null_behavior == KCO_NULL_FAIL)
                        return kco_err_set(err, KCO_ERR_DATA, 0, "null value (tombstone) and behavior.on.null.values=fail");
                kco_debug("sink", "%s-%d@%" PRId64 ": tombstone ignored", rec->topic, (int)rec->partition,
                          rec->offset);
                kco_stats_add(s->stats->records_skipped, 1);
                kco_tpw_skipped(t, rec->offset);
                return 0;
        }

        s->enc.len = 0;
        int64_t ts = -1; /* the record's time: the time-based partitioners' extractor, else the Kafka timestamp */
        if (kco_partitioner_encode(s->pt, rec, &s->enc, &ts, err))
                return -1;
        const char *encoded = kco_buf_cstr(&s->enc);

        if (t->count > 0 && s->sched_tz && t->next_schedule >= 0 && kco_sink_now_ms() >= t->next_schedule) {
                kco_stats_add(s->stats->rotations_nondeterministic, 1);
                if (kco_tpw_commit(s, t, rec->offset - 1, "rotate.schedule.interval.ms", 1, err))
                        return -1;
        }
        if (t->count > 0 && c->rotate_interval_ms > 0 && ts >= 0 &&
            (ts - t->base_ts >= c->rotate_interval_ms || strcmp(encoded, t->cur_encoded))) {
                if (kco_tpw_commit(s, t, rec->offset - 1, "rotate.interval.ms", 0, err))
                        return -1;
        }

        int tombstone = kco_sink_is_tombstone(rec); /* (written) tombstones join the open files */
        kco_record_t projected;
        if (c->schema_compat != KCO_COMPAT_NONE && !tombstone) {
                int change;
                if (kco_sink_compat(s, t, rec, &projected, &rec, &change, err))
                        return -1;
                if (change && t->count > 0 && kco_tpw_commit(s, t, rec->offset - 1, "schema change", 0, err))
                        return -1;
        }
        /* schema.compatibility=NONE: a different value schema starts new files (with the others, the projected
         * record has the current schema) */
        const kco_schema_t *schema = rec->value.type == KCO_DATA_VALUE ? rec->value.v->schema : NULL;
        if (t->count > 0 && !tombstone && !kco_schema_equal(schema, t->schema)) {
                if (kco_tpw_commit(s, t, rec->offset - 1, "schema change", 0, err))
                        return -1;
        }

        kco_record_t with_meta;
        const kco_record_t *out = rec;
        if (s->meta && !(c->format == KCO_FORMAT_JSON && kco_metadata_json_object(&rec->value))) {
                kco_arena_reset(s->meta_arena);
                with_meta = *rec;
                if (kco_metadata_apply(s->meta, rec, s->meta_arena, &with_meta.value, err))
                        return -1;
                out = &with_meta;
        }
        if (c->max_open_files > 0 && !kco_tpw_has_file(t, encoded) && kco_sink_make_room(s, t, rec->offset, err))
                return -1;
        kco_file_t *f = kco_tpw_file(s, t, rec, encoded, err);
        if (!f)
                return -1;
        if (kco_file_append(f, out, err)) {
                if (f->records == 0) /* a file the failed record opened: nothing in it */
                        kco_tpw_drop_file(s, t, t->last_file);
                return -1;
        }
        if (t->count++ == 0) {
                t->base_ts = ts;
                t->next_schedule = s->sched_tz ? kco_sink_next_schedule(s, kco_sink_now_ms()) : -1;
        }
        if (!t->schema && schema && !tombstone)
                t->schema = kco_schema_ref(schema);
        if (!t->cur_encoded || strcmp(t->cur_encoded, encoded)) {
                free(t->cur_encoded);
                t->cur_encoded = kco_strdup(encoded);
        }
        kco_sink_account(s, t, f);
        if (t->count >= c->flush_size)
                return kco_tpw_commit(s, t, rec->offset, "flush.size", 0, err);
        if (c->rotate_size_bytes > 0 && f->bytes_in >= (uint64_t)c->rotate_size_bytes)
                return kco_tpw_commit(s, t, rec->offset, "rotate.size.bytes", 0, err);
        if (kco_budget_over(s->budget))
                return kco_sink_relieve(s, t, err);
        return 0;
}

int64_t kco_sink_rewind(kco_sink_t *s, const char *topic, int32_t partition, int64_t failed_offset) {
        kco_tpw_t *t = kco_sink_find(s, topic, partition);
        if (!t)
                return -1;
        kco_tpw_discard(s, t, "rewinding after an error");
        kco_tpw_compat_reset(t);
        t->last_offset = -1;
        /* a record that failed before the sink saw any (e.g. the converter could not reach the registry) */
        if (t->resume_offset < 0 || t->resume_offset > failed_offset)
                t->resume_offset = failed_offset;
        return t->resume_offset;
}

void kco_sink_foreach_ready(kco_sink_t *s, void (*cb)(void *, const char *, int32_t, int64_t), void *opaque) {
        for (size_t i = 0; i < s->nbuckets; i++)
                for (kco_tpw_t *t = s->buckets[i]; t; t = t->next)
                        if (t->ready_offset > t->sent_offset) {
                                t->sent_offset = t->ready_offset;
                                cb(opaque, t->topic, t->partition, t->ready_offset);
                        }
}

void kco_sink_commit_result(kco_sink_t *s, const char *topic, int32_t partition, int64_t offset, int ok) {
        kco_tpw_t *t = kco_sink_find(s, topic, partition);
        if (!t)
                return;
        if (ok) {
                if (offset > t->kafka_committed)
                        t->kafka_committed = offset;
                if (t->manifest && offset > t->manifest_offset) { /* the committed metadata no longer names it */
                        kco_err_t e;
                        if (kco_store_remove(s->store, t->manifest, &e))
                                kco_warn("sink", "%s; a later assignment deletes it", e.msg);
                        free(t->manifest);
                        t->manifest = NULL;
                }
        } else if (t->sent_offset == offset) {
                t->sent_offset = t->kafka_committed; /* offer it again */
        }
}

int kco_sink_open_files(kco_sink_t *s) {
        int n = 0;
        for (size_t i = 0; i < s->nbuckets; i++)
                for (kco_tpw_t *t = s->buckets[i]; t; t = t->next)
                        n += t->nfiles;
        return n;
}

void kco_sink_set_budget(kco_sink_t *s, kco_budget_t *b) {
        s->budget = b;
        if (b)
                atomic_fetch_add(&b->holders, 1);
}

void kco_sink_set_kafka(kco_sink_t *s, const kco_commit_kafka_t *k) {
        s->kafka = *k;
}

int kco_sink_recover(kco_sink_t *s, const char *topic, const int32_t *partitions, size_t n, kco_err_t *err) {
        if (!s->kafka.committed)
                return 0;
        char **manifests = kco_calloc(n + 1, sizeof(*manifests));
        int rc = kco_commit_recover(s->store, &s->kafka, topic, partitions, n, manifests, err);
        for (size_t i = 0; i < n; i++) {
                kco_tpw_t *t = rc ? NULL : kco_sink_find(s, topic, partitions[i]);
                if (t) {
                        t->sweep_pending = 1;
                        free(t->keep_manifest);
                        t->keep_manifest = manifests[i];
                } else {
                        free(manifests[i]);
                }
        }
        free(manifests);
        return rc;
}

/* Sweeps, in one pass per topic, what crashed writers left of the partitions recovered since and still without
 * an open file (topic NULL: of every topic). Task thread, outside the rebalance callback: the store may be slow. */
static void kco_sink_sweep(kco_sink_t *s, const char *topic) {
        for (;;) {
                const char *tp = topic;
                size_t n = 0, cap = 0;
                int32_t *parts = NULL;
                const char **keep = NULL;
                kco_tpw_t **ts = NULL;
                for (size_t i = 0; i < s->nbuckets; i++)
                        for (kco_tpw_t *t = s->buckets[i]; t; t = t->next) {
                                if (!t->sweep_pending || t->nfiles || (tp && strcmp(tp, t->topic)))
                                        continue;
                                tp = t->topic;
                                if (n == cap) {
                                        cap = cap ? cap * 2 : 16;
                                        parts = kco_realloc(parts, cap * sizeof(*parts));
                                        keep = kco_realloc(keep, cap * sizeof(*keep));
                                        ts = kco_realloc(ts, cap * sizeof(*ts));
                                }
                                parts[n] = t->partition;
                                keep[n] = t->keep_manifest;
                                ts[n++] = t;
                        }
                if (n)
                        kco_commit_sweep(s->store, s->conf, tp, parts, keep, n);
                for (size_t i = 0; i < n; i++) {
                        ts[i]->sweep_pending = 0;
                        free(ts[i]->keep_manifest);
                        ts[i]->keep_manifest = NULL;
                }
                free(parts);
                free(keep);
                free(ts);
                if (!n || topic)
                        return;
        }
}
