/*
 * kco_pq_meta.c - FileMetaData and PageHeader to Thrift compact bytes (see
 * kco_pq_meta.h). Field ids are parquet.thrift's (apache/parquet-format,
 * src/main/thrift/parquet.thrift); each is named in a comment next to its
 * write so it can be checked against the spec line by line.
 *
 * Owns: nothing. Task thread. Must never: write a struct's fields out of
 * ascending id order (the compact protocol allows it, but every field
 * header would then take the long form and our tests expect spec order).
 */
#include "format/parquet/kco_pq_meta.h"

#include <string.h>

#include "format/parquet/kco_thrift.h"

void kco_pq_schema_elem_init(kco_pq_schema_elem_t *e) {
        memset(e, 0, sizeof(*e));
        e->type = KCO_PQ_UNSET;
        e->type_length = KCO_PQ_UNSET;
        e->repetition = KCO_PQ_UNSET;
        e->num_children = KCO_PQ_UNSET;
        e->converted_type = KCO_PQ_UNSET;
        e->scale = KCO_PQ_UNSET;
        e->precision = KCO_PQ_UNSET;
        e->field_id = KCO_PQ_UNSET;
        e->logical.kind = KCO_PQ_LT_NONE;
}

static void kco_pq_opt_i32(kco_thrift_w_t *w, int16_t id, int32_t v) {
        if (v != KCO_PQ_UNSET)
                kco_thrift_field_i32(w, id, v);
}

/* An empty struct as a field: header + stop. */
static void kco_pq_empty_struct(kco_thrift_w_t *w, int16_t id) {
        kco_thrift_field_struct_begin(w, id);
        kco_thrift_struct_end(w);
}

/* TimeType / TimestampType: 1 isAdjustedToUTC, 2 unit (TimeUnit union:
 * 1 MILLIS, 2 MICROS, 3 NANOS, each an empty struct). */
static void kco_pq_time_like(kco_thrift_w_t *w, const kco_pq_logical_t *lt) {
        kco_thrift_field_bool(w, 1, lt->adjusted_to_utc);
        kco_thrift_field_struct_begin(w, 2);
        kco_pq_empty_struct(w, (int16_t)lt->unit);
        kco_thrift_struct_end(w);
}

/* LogicalType union: member id = lt->kind. */
static void kco_pq_logical(kco_thrift_w_t *w, int16_t id, const kco_pq_logical_t *lt) {
        kco_thrift_field_struct_begin(w, id);
        kco_thrift_field_struct_begin(w, (int16_t)lt->kind);
        switch (lt->kind) {
        case KCO_PQ_LT_DECIMAL: /* DecimalType: 1 scale, 2 precision */
                kco_thrift_field_i32(w, 1, lt->scale);
                kco_thrift_field_i32(w, 2, lt->precision);
                break;
        case KCO_PQ_LT_TIME:
        case KCO_PQ_LT_TIMESTAMP:
                kco_pq_time_like(w, lt);
                break;
        case KCO_PQ_LT_INTEGER: /* IntType: 1 bitWidth (i8), 2 isSigned */
                kco_thrift_field_i8(w, 1, lt->bit_width);
                kco_thrift_field_bool(w, 2, lt->is_signed);
                break;
        default: /* STRING, MAP, LIST, ENUM, DATE: empty structs */
                break;
        }
        kco_thrift_struct_end(w);
        kco_thrift_struct_end(w);
}

/* SchemaElement: 1 type, 2 type_length, 3 repetition_type, 4 name,
 * 5 num_children, 6 converted_type, 7 scale, 8 precision, 9 field_id,
 * 10 logicalType. */
static void kco_pq_schema_elem(kco_thrift_w_t *w, const kco_pq_schema_elem_t *e) {
        kco_thrift_struct_begin(w);
        kco_pq_opt_i32(w, 1, e->type);
        kco_pq_opt_i32(w, 2, e->type_length);
        kco_pq_opt_i32(w, 3, e->repetition);
        kco_thrift_field_string(w, 4, e->name);
        kco_pq_opt_i32(w, 5, e->num_children);
        kco_pq_opt_i32(w, 6, e->converted_type);
        kco_pq_opt_i32(w, 7, e->scale);
        kco_pq_opt_i32(w, 8, e->precision);
        kco_pq_opt_i32(w, 9, e->field_id);
        if (e->logical.kind != KCO_PQ_LT_NONE)
                kco_pq_logical(w, 10, &e->logical);
        kco_thrift_struct_end(w);
}

/* list<KeyValue>; KeyValue: 1 key, 2 value (optional). */
static void kco_pq_kv_list(kco_thrift_w_t *w, int16_t id, const kco_pq_kv_t *kv, size_t n) {
        kco_thrift_field_list(w, id, KCO_THRIFT_STRUCT, n);
        for (size_t i = 0; i < n; i++) {
                kco_thrift_struct_begin(w);
                kco_thrift_field_string(w, 1, kv[i].key);
                if (kv[i].value)
                        kco_thrift_field_string(w, 2, kv[i].value);
                kco_thrift_struct_end(w);
        }
}

/* Statistics: 3 null_count, 5 max_value, 6 min_value (the deprecated
 * 1 max / 2 min are not written). */
static void kco_pq_stats(kco_thrift_w_t *w, int16_t id, const kco_pq_stats_t *s) {
        kco_thrift_field_struct_begin(w, id);
        if (s->has_null_count)
                kco_thrift_field_i64(w, 3, s->null_count);
        if (s->max_value)
                kco_thrift_field_binary(w, 5, s->max_value, s->max_len);
        if (s->min_value)
                kco_thrift_field_binary(w, 6, s->min_value, s->min_len);
        kco_thrift_struct_end(w);
}

/* ColumnMetaData: 1 type, 2 encodings, 3 path_in_schema, 4 codec,
 * 5 num_values, 6 total_uncompressed_size, 7 total_compressed_size,
 * 8 key_value_metadata, 9 data_page_offset, 11 dictionary_page_offset,
 * 12 statistics. */
static void kco_pq_column_meta(kco_thrift_w_t *w, int16_t id, const kco_pq_column_meta_t *m) {
        kco_thrift_field_struct_begin(w, id);
        kco_thrift_field_i32(w, 1, m->type);
        kco_thrift_field_list(w, 2, KCO_THRIFT_I32, m->n_encodings);
        for (size_t i = 0; i < m->n_encodings; i++)
                kco_thrift_elem_i32(w, m->encodings[i]);
        kco_thrift_field_list(w, 3, KCO_THRIFT_BINARY, m->n_path);
        for (size_t i = 0; i < m->n_path; i++)
                kco_thrift_elem_string(w, m->path[i]);
        kco_thrift_field_i32(w, 4, m->codec);
        kco_thrift_field_i64(w, 5, m->num_values);
        kco_thrift_field_i64(w, 6, m->total_uncompressed_size);
        kco_thrift_field_i64(w, 7, m->total_compressed_size);
        if (m->n_kv)
                kco_pq_kv_list(w, 8, m->kv, m->n_kv);
        kco_thrift_field_i64(w, 9, m->data_page_offset);
        if (m->dictionary_page_offset >= 0)
                kco_thrift_field_i64(w, 11, m->dictionary_page_offset);
        if (m->stats)
                kco_pq_stats(w, 12, m->stats);
        kco_thrift_struct_end(w);
}

/* RowGroup: 1 columns (list<ColumnChunk>), 2 total_byte_size, 3 num_rows.
 * ColumnChunk: 2 file_offset, 3 meta_data. */
static void kco_pq_row_group(kco_thrift_w_t *w, const kco_pq_row_group_t *rg) {
        kco_thrift_struct_begin(w);
        kco_thrift_field_list(w, 1, KCO_THRIFT_STRUCT, rg->n_columns);
        for (size_t i = 0; i < rg->n_columns; i++) {
                kco_thrift_struct_begin(w);
                kco_thrift_field_i64(w, 2, rg->columns[i].file_offset);
                kco_pq_column_meta(w, 3, &rg->columns[i].meta);
                kco_thrift_struct_end(w);
        }
        kco_thrift_field_i64(w, 2, rg->total_byte_size);
        kco_thrift_field_i64(w, 3, rg->num_rows);
        kco_thrift_struct_end(w);
}

/* FileMetaData: 1 version, 2 schema, 3 num_rows, 4 row_groups,
 * 5 key_value_metadata, 6 created_by. */
void kco_pq_meta_write_file(kco_buf_t *out, const kco_pq_file_meta_t *fm) {
        kco_thrift_w_t w;
        kco_thrift_init(&w, out);
        kco_thrift_struct_begin(&w);
        kco_thrift_field_i32(&w, 1, fm->version);
        kco_thrift_field_list(&w, 2, KCO_THRIFT_STRUCT, fm->n_schema);
        for (size_t i = 0; i < fm->n_schema; i++)
                kco_pq_schema_elem(&w, &fm->schema[i]);
        kco_thrift_field_i64(&w, 3, fm->num_rows);
        kco_thrift_field_list(&w, 4, KCO_THRIFT_STRUCT, fm->n_row_groups);
        for (size_t i = 0; i < fm->n_row_groups; i++)
                kco_pq_row_group(&w, &fm->row_groups[i]);
        if (fm->n_kv)
                kco_pq_kv_list(&w, 5, fm->kv, fm->n_kv);
        if (fm->created_by)
                kco_thrift_field_string(&w, 6, fm->created_by);
        kco_thrift_struct_end(&w);
}

/* PageHeader: 1 type, 2 uncompressed_page_size, 3 compressed_page_size,
 * 5 data_page_header, 7 dictionary_page_header.
 * DataPageHeader: 1 num_values, 2 encoding, 3 definition_level_encoding,
 * 4 repetition_level_encoding. DictionaryPageHeader: 1 num_values,
 * 2 encoding. */
void kco_pq_meta_write_page_header(kco_buf_t *out, const kco_pq_page_header_t *ph) {
        kco_thrift_w_t w;
        kco_thrift_init(&w, out);
        kco_thrift_struct_begin(&w);
        kco_thrift_field_i32(&w, 1, ph->type);
        kco_thrift_field_i32(&w, 2, ph->uncompressed_page_size);
        kco_thrift_field_i32(&w, 3, ph->compressed_page_size);
        if (ph->has_data_page) {
                kco_thrift_field_struct_begin(&w, 5);
                kco_thrift_field_i32(&w, 1, ph->data_page.num_values);
                kco_thrift_field_i32(&w, 2, ph->data_page.encoding);
                kco_thrift_field_i32(&w, 3, ph->data_page.definition_level_encoding);
                kco_thrift_field_i32(&w, 4, ph->data_page.repetition_level_encoding);
                kco_thrift_struct_end(&w);
        }
        if (ph->has_dictionary_page) {
                kco_thrift_field_struct_begin(&w, 7);
                kco_thrift_field_i32(&w, 1, ph->dictionary_page.num_values);
                kco_thrift_field_i32(&w, 2, ph->dictionary_page.encoding);
                kco_thrift_struct_end(&w);
        }
        kco_thrift_struct_end(&w);
}
