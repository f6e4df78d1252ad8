/*
 * kco_metadata.h - format.metadata.fields.enable: the Kafka coordinates of a
 * record (__topic, __partition, __offset, __timestamp, __key, __headers)
 * added as fields of the value that is written.
 *
 * Owns: a small cache from value schemas to their extended schemas (each
 * entry holds a reference on both). Task thread (one per sink). Must never:
 * change the record it reads; allocate values outside the batch arena.
 */
#ifndef KCO_METADATA_H
#define KCO_METADATA_H

#include "core/kco_arena.h"
#include "core/kco_buf.h"
#include "core/kco_err.h"
#include "record/kco_record.h"

typedef struct kco_metadata_s kco_metadata_t;

kco_metadata_t *kco_metadata_new(void);
void kco_metadata_destroy(kco_metadata_t *m);

/* *out = the record's value with the metadata fields, in arena:
 *   struct value            -> the same struct (same name/version) with the fields appended
 *   schemaless map value    -> the same map with the entries added
 *   anything else, or null  -> a struct (a map when schemaless) with the field __value holding it
 * Keys are written as text: strings as they are, bytes as UTF-8 when valid (base64 otherwise), typed keys as
 * their JSON rendering. */
int kco_metadata_apply(kco_metadata_t *m, const kco_record_t *rec, kco_arena_t *arena, kco_data_t *out,
                       kco_err_t *err);

/* StringConverter text holding a JSON object: JsonFormat adds the metadata members to the object itself
 * (kco_metadata_append_json) instead of wrapping the text as __value. */
int kco_metadata_json_object(const kco_data_t *d);
/* Appends the metadata members, "__topic":...,"__headers":{...} (no braces, no leading comma). */
int kco_metadata_append_json(kco_metadata_t *m, const kco_record_t *rec, kco_arena_t *arena, kco_buf_t *out,
                             kco_err_t *err);

#endif
