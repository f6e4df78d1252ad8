/*
 * kco_pq_meta.h - the subset of parquet.thrift's footer (FileMetaData) and
 * PageHeader this writer emits, as plain C structs, and their Thrift
 * compact serialization.
 *
 * Owns: nothing. Every pointer in these structs is borrowed from the caller
 * and only read while serializing; nothing here allocates or frees. Task
 * thread (the file writer's).
 * Must never: write a field the caller left unset (KCO_PQ_UNSET, NULL or a
 * zero has_ flag), or reorder fields away from parquet.thrift's ids.
 *
 * Enum values below are parquet.thrift's numeric values.
 */
#ifndef KCO_PQ_META_H
#define KCO_PQ_META_H

#include <stddef.h>
#include <stdint.h>

#include "core/kco_buf.h"

/* An optional i32/enum field that is not written. */
#define KCO_PQ_UNSET INT32_MIN

enum { /* Type */
        KCO_PQ_BOOLEAN = 0,
        KCO_PQ_INT32 = 1,
        KCO_PQ_INT64 = 2,
        KCO_PQ_INT96 = 3,
        KCO_PQ_FLOAT = 4,
        KCO_PQ_DOUBLE = 5,
        KCO_PQ_BYTE_ARRAY = 6,
        KCO_PQ_FIXED_LEN_BYTE_ARRAY = 7,
};

enum { /* ConvertedType (the ones we use) */
        KCO_PQ_CT_UTF8 = 0,
        KCO_PQ_CT_MAP = 1,
        KCO_PQ_CT_MAP_KEY_VALUE = 2,
        KCO_PQ_CT_LIST = 3,
        KCO_PQ_CT_ENUM = 4,
        KCO_PQ_CT_DECIMAL = 5,
        KCO_PQ_CT_DATE = 6,
        KCO_PQ_CT_TIME_MILLIS = 7,
        KCO_PQ_CT_TIME_MICROS = 8,
        KCO_PQ_CT_TIMESTAMP_MILLIS = 9,
        KCO_PQ_CT_TIMESTAMP_MICROS = 10,
        KCO_PQ_CT_UINT_8 = 11,
        KCO_PQ_CT_UINT_16 = 12,
        KCO_PQ_CT_UINT_32 = 13,
        KCO_PQ_CT_UINT_64 = 14,
        KCO_PQ_CT_INT_8 = 15,
        KCO_PQ_CT_INT_16 = 16,
        KCO_PQ_CT_INT_32 = 17,
        KCO_PQ_CT_INT_64 = 18,
        KCO_PQ_CT_JSON = 19,
        KCO_PQ_CT_BSON = 20,
};

enum { /* FieldRepetitionType */
        KCO_PQ_REQUIRED = 0,
        KCO_PQ_OPTIONAL = 1,
        KCO_PQ_REPEATED = 2,
};

enum { /* Encoding */
        KCO_PQ_ENC_PLAIN = 0,
        KCO_PQ_ENC_PLAIN_DICTIONARY = 2,
        KCO_PQ_ENC_RLE = 3,
        KCO_PQ_ENC_BIT_PACKED = 4,
        KCO_PQ_ENC_DELTA_BINARY_PACKED = 5,
        KCO_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
        KCO_PQ_ENC_DELTA_BYTE_ARRAY = 7,
        KCO_PQ_ENC_RLE_DICTIONARY = 8,
        KCO_PQ_ENC_BYTE_STREAM_SPLIT = 9,
};

enum { /* CompressionCodec */
        KCO_PQ_CODEC_UNCOMPRESSED = 0,
        KCO_PQ_CODEC_SNAPPY = 1,
        KCO_PQ_CODEC_GZIP = 2,
        KCO_PQ_CODEC_ZSTD = 6,
        KCO_PQ_CODEC_LZ4_RAW = 7,
};

enum { /* PageType */
        KCO_PQ_PAGE_DATA = 0,
        KCO_PQ_PAGE_INDEX = 1,
        KCO_PQ_PAGE_DICTIONARY = 2,
        KCO_PQ_PAGE_DATA_V2 = 3,
};

/* LogicalType union: kind is the union member's field id. */
enum {
        KCO_PQ_LT_NONE = 0,
        KCO_PQ_LT_STRING = 1,
        KCO_PQ_LT_MAP = 2,
        KCO_PQ_LT_LIST = 3,
        KCO_PQ_LT_ENUM = 4,
        KCO_PQ_LT_DECIMAL = 5,
        KCO_PQ_LT_DATE = 6,
        KCO_PQ_LT_TIME = 7,
        KCO_PQ_LT_TIMESTAMP = 8,
        KCO_PQ_LT_INTEGER = 10,
};

enum { /* TimeUnit union member ids */
        KCO_PQ_UNIT_MILLIS = 1,
        KCO_PQ_UNIT_MICROS = 2,
        KCO_PQ_UNIT_NANOS = 3,
};

typedef struct kco_pq_logical_s {
        int kind;                /* KCO_PQ_LT_*; NONE writes no logicalType */
        int32_t scale;           /* DECIMAL */
        int32_t precision;       /* DECIMAL */
        int adjusted_to_utc;     /* TIME, TIMESTAMP */
        int unit;                /* TIME, TIMESTAMP: KCO_PQ_UNIT_* */
        int8_t bit_width;        /* INTEGER: 8, 16, 32, 64 */
        int is_signed;           /* INTEGER */
} kco_pq_logical_t;

typedef struct kco_pq_schema_elem_s {
        int32_t type;            /* KCO_PQ_<type>; UNSET for a group */
        int32_t type_length;     /* FIXED_LEN_BYTE_ARRAY; else UNSET */
        int32_t repetition;      /* UNSET for the root */
        const char *name;        /* required */
        int32_t num_children;    /* groups only */
        int32_t converted_type;
        int32_t scale;
        int32_t precision;
        int32_t field_id;
        kco_pq_logical_t logical;
} kco_pq_schema_elem_t;

typedef struct kco_pq_kv_s {
        const char *key;
        const char *value;       /* NULL: absent */
} kco_pq_kv_t;

typedef struct kco_pq_stats_s {
        int has_null_count;
        int64_t null_count;
        const void *min_value;   /* NULL: absent */
        size_t min_len;
        const void *max_value;   /* NULL: absent */
        size_t max_len;
} kco_pq_stats_t;

typedef struct kco_pq_column_meta_s {
        int32_t type;
        const int32_t *encodings;
        size_t n_encodings;
        const char *const *path;     /* path_in_schema */
        size_t n_path;
        int32_t codec;
        int64_t num_values;
        int64_t total_uncompressed_size;
        int64_t total_compressed_size;
        const kco_pq_kv_t *kv;       /* key_value_metadata; n_kv 0: absent */
        size_t n_kv;
        int64_t data_page_offset;
        int64_t dictionary_page_offset; /* < 0: absent */
        const kco_pq_stats_t *stats;    /* NULL: absent */
} kco_pq_column_meta_t;

typedef struct kco_pq_column_chunk_s {
        int64_t file_offset;
        kco_pq_column_meta_t meta;
} kco_pq_column_chunk_t;

typedef struct kco_pq_row_group_s {
        const kco_pq_column_chunk_t *columns;
        size_t n_columns;
        int64_t total_byte_size;
        int64_t num_rows;
} kco_pq_row_group_t;

typedef struct kco_pq_file_meta_s {
        int32_t version;
        const kco_pq_schema_elem_t *schema;
        size_t n_schema;
        int64_t num_rows;
        const kco_pq_row_group_t *row_groups;
        size_t n_row_groups;
        const kco_pq_kv_t *kv;       /* n_kv 0: absent */
        size_t n_kv;
        const char *created_by;      /* NULL: absent */
} kco_pq_file_meta_t;

typedef struct kco_pq_page_header_s {
        int32_t type;                /* KCO_PQ_PAGE_* */
        int32_t uncompressed_page_size;
        int32_t compressed_page_size;
        int has_data_page;
        struct {
                int32_t num_values;
                int32_t encoding;
                int32_t definition_level_encoding;
                int32_t repetition_level_encoding;
        } data_page;
        int has_dictionary_page;
        struct {
                int32_t num_values;
                int32_t encoding;
        } dictionary_page;
} kco_pq_page_header_t;

/* Sets every optional field of e to unset and the logical type to NONE. */
void kco_pq_schema_elem_init(kco_pq_schema_elem_t *e);

/* Appends the Thrift compact serialization. */
void kco_pq_meta_write_file(kco_buf_t *out, const kco_pq_file_meta_t *fm);
void kco_pq_meta_write_page_header(kco_buf_t *out, const kco_pq_page_header_t *ph);

#endif
