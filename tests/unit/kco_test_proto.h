/*
 * kco_test_proto.h - protobuf message schemas built by hand (the structs of
 * record/kco_proto.h, as the loader would fill them), shared by
 * test_proto_json.c and fuzz_proto_json.c. Static data only; no loader.
 *
 *   test.All (proto2)     every scalar type, a closed enum (with an alias), a
 *                         nested message with a required field, repeated
 *                         scalars / messages / enums, map<string,int32>,
 *                         map<int64,Inner>, map<bool,string>,
 *                         map<uint64,string>, map<sint32,Color>, a oneof, a
 *                         required int64, a custom json_name, a recursive
 *                         message, google.protobuf.NullValue
 *   test.P3 (proto3)      implicit presence, `optional`, an open enum, the
 *                         well-known types (Timestamp, Duration, every wrapper,
 *                         FieldMask, Empty), repeated enum / Timestamp,
 *                         map<string,P3Inner>, a oneof
 *   test.Node (proto2)    recursive (child = 1), for the depth limit
 * The TP_ALL_* / TP_P3_* constants are field indexes (declaration order).
 */
#ifndef KCO_TEST_PROTO_H
#define KCO_TEST_PROTO_H

#include <stddef.h>

#include "record/kco_proto.h"

#define TP_UNUSED __attribute__((unused))
#define TP_N(a) (sizeof(a) / sizeof((a)[0]))

/* name, json_name, number, label, type, has_presence, oneof, msg, en, is_map */
#define TP_F(nm, js, num, lab, ty, pres, oo, m, e, mp)                                                     \
        {                                                                                                  \
                nm, js, num, KCO_PROTO_LABEL_##lab, KCO_PROTO_##ty, pres, oo, m, e, mp                     \
        }
#define TP_MSG(full, nm, p3, entry, wkt, fields, nfields, oneofs, noneofs)                                 \
        {                                                                                                  \
                full, nm, "com.example." nm, p3, entry, wkt, nfields, fields, noneofs, oneofs, NULL        \
        }

/* ---- enums ---- */

static const kco_proto_enum_value_t tp_color_values[] = {{"RED", 1}, {"GREEN", 2}, {"BLUE", 3}, {"SCARLET", 1}};
static const kco_proto_enum_t tp_color = {"test.Color", "Color", 1, TP_N(tp_color_values), tp_color_values};

static const kco_proto_enum_value_t tp_mood_values[] = {{"MOOD_UNSPECIFIED", 0}, {"HAPPY", 1}, {"SAD", 2}};
static const kco_proto_enum_t tp_mood = {"test.Mood", "Mood", 0, TP_N(tp_mood_values), tp_mood_values};

static const kco_proto_enum_value_t tp_null_values[] = {{"NULL_VALUE", 0}};
static const kco_proto_enum_t tp_null_value = {"google.protobuf.NullValue", "NullValue", 0, TP_N(tp_null_values),
                                               tp_null_values};

/* ---- well-known types ---- */

static const kco_proto_field_t tp_secs_nanos_fields[] = {
        TP_F("seconds", "seconds", 1, OPTIONAL, INT64, 0, -1, NULL, NULL, 0),
        TP_F("nanos", "nanos", 2, OPTIONAL, INT32, 0, -1, NULL, NULL, 0),
};
static const kco_proto_msg_t tp_timestamp = TP_MSG("google.protobuf.Timestamp", "Timestamp", 1, 0,
                                                   KCO_PROTO_WKT_TIMESTAMP, tp_secs_nanos_fields, 2, NULL, 0);
static const kco_proto_msg_t tp_duration = TP_MSG("google.protobuf.Duration", "Duration", 1, 0,
                                                  KCO_PROTO_WKT_DURATION, tp_secs_nanos_fields, 2, NULL, 0);

#define TP_WRAPPER(var, nm, ty)                                                                            \
        static const kco_proto_field_t var##_fields[] = {                                                  \
                TP_F("value", "value", 1, OPTIONAL, ty, 0, -1, NULL, NULL, 0)};                            \
        static const kco_proto_msg_t var = TP_MSG("google.protobuf." nm, nm, 1, 0, KCO_PROTO_WKT_WRAPPER,  \
                                                  var##_fields, 1, NULL, 0)
TP_WRAPPER(tp_int32_value, "Int32Value", INT32);
TP_WRAPPER(tp_int64_value, "Int64Value", INT64);
TP_WRAPPER(tp_uint32_value, "UInt32Value", UINT32);
TP_WRAPPER(tp_uint64_value, "UInt64Value", UINT64);
TP_WRAPPER(tp_float_value, "FloatValue", FLOAT);
TP_WRAPPER(tp_double_value, "DoubleValue", DOUBLE);
TP_WRAPPER(tp_bool_value, "BoolValue", BOOL);
TP_WRAPPER(tp_string_value, "StringValue", STRING);
TP_WRAPPER(tp_bytes_value, "BytesValue", BYTES);

static const kco_proto_field_t tp_field_mask_fields[] = {
        TP_F("paths", "paths", 1, REPEATED, STRING, 0, -1, NULL, NULL, 0),
};
static const kco_proto_msg_t tp_field_mask = TP_MSG("google.protobuf.FieldMask", "FieldMask", 1, 0,
                                                    KCO_PROTO_WKT_FIELD_MASK, tp_field_mask_fields, 1, NULL, 0);
static const kco_proto_msg_t tp_empty = TP_MSG("google.protobuf.Empty", "Empty", 1, 0, KCO_PROTO_WKT_EMPTY, NULL,
                                               0, NULL, 0);

/* ---- proto2 ---- */

static const kco_proto_field_t tp_inner_fields[] = {
        TP_F("name", "name", 1, OPTIONAL, STRING, 1, -1, NULL, NULL, 0),
        TP_F("id", "id", 2, REQUIRED, INT32, 1, -1, NULL, NULL, 0),
};
static const kco_proto_msg_t tp_inner = TP_MSG("test.Inner", "Inner", 0, 0, KCO_PROTO_WKT_NONE, tp_inner_fields,
                                               2, NULL, 0);

static const kco_proto_msg_t tp_node;
static const kco_proto_field_t tp_node_fields[] = {
        TP_F("child", "child", 1, OPTIONAL, MESSAGE, 1, -1, &tp_node, NULL, 0),
        TP_F("v", "v", 2, OPTIONAL, INT32, 1, -1, NULL, NULL, 0),
};
static const kco_proto_msg_t tp_node = TP_MSG("test.Node", "Node", 0, 0, KCO_PROTO_WKT_NONE, tp_node_fields, 2,
                                              NULL, 0);

#define TP_ENTRY(var, full, kty, vty, vmsg, ven)                                                           \
        static const kco_proto_field_t var##_fields[] = {                                                  \
                TP_F("key", "key", 1, OPTIONAL, kty, 1, -1, NULL, NULL, 0),                                \
                TP_F("value", "value", 2, OPTIONAL, vty, 1, -1, vmsg, ven, 0)};                            \
        static const kco_proto_msg_t var = TP_MSG(full, full, 0, 1, KCO_PROTO_WKT_NONE, var##_fields, 2, NULL, 0)
TP_ENTRY(tp_all_m_str_int, "test.All.MStrIntEntry", STRING, INT32, NULL, NULL);
TP_ENTRY(tp_all_m_long_inner, "test.All.MLongInnerEntry", INT64, MESSAGE, &tp_inner, NULL);
TP_ENTRY(tp_all_m_bool_str, "test.All.MBoolStrEntry", BOOL, STRING, NULL, NULL);
TP_ENTRY(tp_all_m_u64_str, "test.All.MU64StrEntry", UINT64, STRING, NULL, NULL);
TP_ENTRY(tp_all_m_sint_color, "test.All.MSintColorEntry", SINT32, ENUM, NULL, &tp_color);

enum {
        TP_ALL_F_DOUBLE,
        TP_ALL_F_FLOAT,
        TP_ALL_F_INT64,
        TP_ALL_F_UINT64,
        TP_ALL_F_INT32,
        TP_ALL_F_FIXED64,
        TP_ALL_F_FIXED32,
        TP_ALL_F_BOOL,
        TP_ALL_F_STRING,
        TP_ALL_F_BYTES,
        TP_ALL_F_UINT32,
        TP_ALL_F_SFIXED32,
        TP_ALL_F_SFIXED64,
        TP_ALL_F_SINT32,
        TP_ALL_F_SINT64,
        TP_ALL_F_COLOR,
        TP_ALL_F_INNER,
        TP_ALL_R_INT32,
        TP_ALL_R_INNER,
        TP_ALL_R_COLOR,
        TP_ALL_M_STR_INT,
        TP_ALL_M_LONG_INNER,
        TP_ALL_M_BOOL_STR,
        TP_ALL_M_U64_STR,
        TP_ALL_M_SINT_COLOR,
        TP_ALL_O_STR,
        TP_ALL_O_INT,
        TP_ALL_O_INNER,
        TP_ALL_REQ_ID,
        TP_ALL_RENAMED,
        TP_ALL_F_NODE,
        TP_ALL_NV,
        TP_ALL_NFIELDS
};

static const kco_proto_field_t tp_all_fields[] = {
        TP_F("f_double", "fDouble", 1, OPTIONAL, DOUBLE, 1, -1, NULL, NULL, 0),
        TP_F("f_float", "fFloat", 2, OPTIONAL, FLOAT, 1, -1, NULL, NULL, 0),
        TP_F("f_int64", "fInt64", 3, OPTIONAL, INT64, 1, -1, NULL, NULL, 0),
        TP_F("f_uint64", "fUint64", 4, OPTIONAL, UINT64, 1, -1, NULL, NULL, 0),
        TP_F("f_int32", "fInt32", 5, OPTIONAL, INT32, 1, -1, NULL, NULL, 0),
        TP_F("f_fixed64", "fFixed64", 6, OPTIONAL, FIXED64, 1, -1, NULL, NULL, 0),
        TP_F("f_fixed32", "fFixed32", 7, OPTIONAL, FIXED32, 1, -1, NULL, NULL, 0),
        TP_F("f_bool", "fBool", 8, OPTIONAL, BOOL, 1, -1, NULL, NULL, 0),
        TP_F("f_string", "fString", 9, OPTIONAL, STRING, 1, -1, NULL, NULL, 0),
        TP_F("f_bytes", "fBytes", 10, OPTIONAL, BYTES, 1, -1, NULL, NULL, 0),
        TP_F("f_uint32", "fUint32", 11, OPTIONAL, UINT32, 1, -1, NULL, NULL, 0),
        TP_F("f_sfixed32", "fSfixed32", 12, OPTIONAL, SFIXED32, 1, -1, NULL, NULL, 0),
        TP_F("f_sfixed64", "fSfixed64", 13, OPTIONAL, SFIXED64, 1, -1, NULL, NULL, 0),
        TP_F("f_sint32", "fSint32", 14, OPTIONAL, SINT32, 1, -1, NULL, NULL, 0),
        TP_F("f_sint64", "fSint64", 15, OPTIONAL, SINT64, 1, -1, NULL, NULL, 0),
        TP_F("f_color", "fColor", 16, OPTIONAL, ENUM, 1, -1, NULL, &tp_color, 0),
        TP_F("f_inner", "fInner", 17, OPTIONAL, MESSAGE, 1, -1, &tp_inner, NULL, 0),
        TP_F("r_int32", "rInt32", 18, REPEATED, INT32, 0, -1, NULL, NULL, 0),
        TP_F("r_inner", "rInner", 19, REPEATED, MESSAGE, 0, -1, &tp_inner, NULL, 0),
        TP_F("r_color", "rColor", 20, REPEATED, ENUM, 0, -1, NULL, &tp_color, 0),
        TP_F("m_str_int", "mStrInt", 21, REPEATED, MESSAGE, 0, -1, &tp_all_m_str_int, NULL, 1),
        TP_F("m_long_inner", "mLongInner", 22, REPEATED, MESSAGE, 0, -1, &tp_all_m_long_inner, NULL, 1),
        TP_F("m_bool_str", "mBoolStr", 23, REPEATED, MESSAGE, 0, -1, &tp_all_m_bool_str, NULL, 1),
        TP_F("m_u64_str", "mU64Str", 24, REPEATED, MESSAGE, 0, -1, &tp_all_m_u64_str, NULL, 1),
        TP_F("m_sint_color", "mSintColor", 25, REPEATED, MESSAGE, 0, -1, &tp_all_m_sint_color, NULL, 1),
        TP_F("o_str", "oStr", 26, OPTIONAL, STRING, 1, 0, NULL, NULL, 0),
        TP_F("o_int", "oInt", 27, OPTIONAL, INT32, 1, 0, NULL, NULL, 0),
        TP_F("o_inner", "oInner", 28, OPTIONAL, MESSAGE, 1, 0, &tp_inner, NULL, 0),
        TP_F("req_id", "reqId", 29, REQUIRED, INT64, 1, -1, NULL, NULL, 0),
        TP_F("renamed_field", "customName", 30, OPTIONAL, INT32, 1, -1, NULL, NULL, 0),
        TP_F("f_node", "fNode", 31, OPTIONAL, MESSAGE, 1, -1, &tp_node, NULL, 0),
        TP_F("nv", "nv", 32, OPTIONAL, ENUM, 1, -1, NULL, &tp_null_value, 0),
};
static const char *const tp_all_oneofs[] = {"choice"};
static const kco_proto_msg_t tp_all TP_UNUSED = TP_MSG("test.All", "All", 0, 0, KCO_PROTO_WKT_NONE, tp_all_fields,
                                                       TP_N(tp_all_fields), tp_all_oneofs, 1);

/* ---- proto3 ---- */

static const kco_proto_field_t tp_p3_inner_fields[] = {
        TP_F("label", "label", 1, OPTIONAL, STRING, 0, -1, NULL, NULL, 0),
        TP_F("nums", "nums", 2, REPEATED, INT32, 0, -1, NULL, NULL, 0),
};
static const kco_proto_msg_t tp_p3_inner = TP_MSG("test.P3Inner", "P3Inner", 1, 0, KCO_PROTO_WKT_NONE,
                                                  tp_p3_inner_fields, 2, NULL, 0);

static const kco_proto_field_t tp_p3_m_str_inner_fields[] = {
        TP_F("key", "key", 1, OPTIONAL, STRING, 0, -1, NULL, NULL, 0),
        TP_F("value", "value", 2, OPTIONAL, MESSAGE, 1, -1, &tp_p3_inner, NULL, 0),
};
static const kco_proto_msg_t tp_p3_m_str_inner = TP_MSG("test.P3.MStrInnerEntry", "MStrInnerEntry", 1, 1,
                                                        KCO_PROTO_WKT_NONE, tp_p3_m_str_inner_fields, 2, NULL, 0);

enum {
        TP_P3_AN_INT,
        TP_P3_I64,
        TP_P3_U32,
        TP_P3_U64,
        TP_P3_F,
        TP_P3_D,
        TP_P3_B,
        TP_P3_S,
        TP_P3_BY,
        TP_P3_MOOD,
        TP_P3_OPT_I32,
        TP_P3_INNER,
        TP_P3_TS,
        TP_P3_DUR,
        TP_P3_W_I32,
        TP_P3_W_I64,
        TP_P3_W_U32,
        TP_P3_W_U64,
        TP_P3_W_F,
        TP_P3_W_D,
        TP_P3_W_B,
        TP_P3_W_S,
        TP_P3_W_BY,
        TP_P3_MASK,
        TP_P3_EMPTY,
        TP_P3_R_MOOD,
        TP_P3_R_TS,
        TP_P3_M_STR_INNER,
        TP_P3_K_STR,
        TP_P3_K_MOOD,
        TP_P3_NFIELDS
};

static const kco_proto_field_t tp_p3_fields[] = {
        TP_F("an_int", "anInt", 1, OPTIONAL, INT32, 0, -1, NULL, NULL, 0),
        TP_F("i64", "i64", 2, OPTIONAL, INT64, 0, -1, NULL, NULL, 0),
        TP_F("u32", "u32", 3, OPTIONAL, UINT32, 0, -1, NULL, NULL, 0),
        TP_F("u64", "u64", 4, OPTIONAL, UINT64, 0, -1, NULL, NULL, 0),
        TP_F("f", "f", 5, OPTIONAL, FLOAT, 0, -1, NULL, NULL, 0),
        TP_F("d", "d", 6, OPTIONAL, DOUBLE, 0, -1, NULL, NULL, 0),
        TP_F("b", "b", 7, OPTIONAL, BOOL, 0, -1, NULL, NULL, 0),
        TP_F("s", "s", 8, OPTIONAL, STRING, 0, -1, NULL, NULL, 0),
        TP_F("by", "by", 9, OPTIONAL, BYTES, 0, -1, NULL, NULL, 0),
        TP_F("mood", "mood", 10, OPTIONAL, ENUM, 0, -1, NULL, &tp_mood, 0),
        TP_F("opt_i32", "optI32", 11, OPTIONAL, INT32, 1, -1, NULL, NULL, 0),
        TP_F("inner", "inner", 12, OPTIONAL, MESSAGE, 1, -1, &tp_p3_inner, NULL, 0),
        TP_F("ts", "ts", 13, OPTIONAL, MESSAGE, 1, -1, &tp_timestamp, NULL, 0),
        TP_F("dur", "dur", 14, OPTIONAL, MESSAGE, 1, -1, &tp_duration, NULL, 0),
        TP_F("w_i32", "wI32", 15, OPTIONAL, MESSAGE, 1, -1, &tp_int32_value, NULL, 0),
        TP_F("w_i64", "wI64", 16, OPTIONAL, MESSAGE, 1, -1, &tp_int64_value, NULL, 0),
        TP_F("w_u32", "wU32", 17, OPTIONAL, MESSAGE, 1, -1, &tp_uint32_value, NULL, 0),
        TP_F("w_u64", "wU64", 18, OPTIONAL, MESSAGE, 1, -1, &tp_uint64_value, NULL, 0),
        TP_F("w_f", "wF", 19, OPTIONAL, MESSAGE, 1, -1, &tp_float_value, NULL, 0),
        TP_F("w_d", "wD", 20, OPTIONAL, MESSAGE, 1, -1, &tp_double_value, NULL, 0),
        TP_F("w_b", "wB", 21, OPTIONAL, MESSAGE, 1, -1, &tp_bool_value, NULL, 0),
        TP_F("w_s", "wS", 22, OPTIONAL, MESSAGE, 1, -1, &tp_string_value, NULL, 0),
        TP_F("w_by", "wBy", 23, OPTIONAL, MESSAGE, 1, -1, &tp_bytes_value, NULL, 0),
        TP_F("mask", "mask", 24, OPTIONAL, MESSAGE, 1, -1, &tp_field_mask, NULL, 0),
        TP_F("empty", "empty", 25, OPTIONAL, MESSAGE, 1, -1, &tp_empty, NULL, 0),
        TP_F("r_mood", "rMood", 26, REPEATED, ENUM, 0, -1, NULL, &tp_mood, 0),
        TP_F("r_ts", "rTs", 27, REPEATED, MESSAGE, 0, -1, &tp_timestamp, NULL, 0),
        TP_F("m_str_inner", "mStrInner", 28, REPEATED, MESSAGE, 0, -1, &tp_p3_m_str_inner, NULL, 1),
        TP_F("k_str", "kStr", 29, OPTIONAL, STRING, 1, 0, NULL, NULL, 0),
        TP_F("k_mood", "kMood", 30, OPTIONAL, ENUM, 1, 0, NULL, &tp_mood, 0),
};
static const char *const tp_p3_oneofs[] = {"kind"};
static const kco_proto_msg_t tp_p3 TP_UNUSED = TP_MSG("test.P3", "P3", 1, 0, KCO_PROTO_WKT_NONE, tp_p3_fields,
                                                      TP_N(tp_p3_fields), tp_p3_oneofs, 1);

#endif
