/*
 * test_proto_json.c - protobuf JSON -> message values (kco_proto_json.c)
 * against the hand-built schemas of kco_test_proto.h: every scalar type with
 * its accepted and rejected JSON (int64 / uint64 extremes as numbers and
 * strings, exact integers beyond 2^53, BigDecimal's grammar, NaN/Infinity,
 * float range), base64 in both alphabets, enums (names, numbers, aliases,
 * open vs closed), repeated fields, maps with string/int/bool keys and
 * message / enum values, oneofs, null, duplicates (json_name + name),
 * required fields, proto3 defaults and presence, the well-known types
 * (Timestamp with offsets and bounds, Duration, wrappers, FieldMask, Empty),
 * depth limits, invalid JSON / UTF-8, and full error texts with their paths.
 *
 * Values are rendered compactly for comparison: INT32 as 5, INT64 as 5L,
 * FLOAT32 as 1.5f, FLOAT64 as 1.5, BOOLEAN true/false, STRING "..", BYTES
 * b"..", NULL null, ARRAY [..], STRUCT {..}. JSON in the tests is written
 * with ' for " (see q()).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/kco_proto_json.h"
#include "kco_test_proto.h"

static kco_proto_json_t *pj;
static kco_arena_t *arena;
static kco_err_t err;
static kco_value_t val;
static char text[16384]; /* the JSON last parsed */

/* ---- helpers ---- */

/* s with ' turned into " (the tests' JSON). */
static const char *q(const char *s) {
        size_t n = strlen(s);
        assert_true(n < sizeof(text));
        for (size_t i = 0; i <= n; i++)
                text[i] = s[i] == '\'' ? '"' : s[i];
        return text;
}

static int parse_n(const kco_proto_msg_t *m, const char *p, size_t n) {
        kco_err_clear(&err);
        kco_arena_reset(arena);
        memset(&val, 0x5A, sizeof(val));
        int rc = kco_proto_json_parse(pj, m, p, n, arena, &val, &err);
        if (rc) {
                assert_int_equal(rc, -1);
                assert_int_equal(err.code, KCO_ERR_DATA);
                assert_int_equal(val.type, KCO_TYPE_NULL); /* never a partly filled value */
        } else {
                assert_int_equal(val.type, KCO_TYPE_STRUCT);
                assert_int_equal(val.u.c.n, m->nfields);
        }
        return rc;
}

static int parse(const kco_proto_msg_t *m, const char *json) {
        const char *t = q(json);
        return parse_n(m, t, strlen(t));
}

/* test.All needs its required req_id: {'reqId':1,<members>}. */
static int parse_all(const char *members) {
        char buf[sizeof(text)];
        snprintf(buf, sizeof(buf), "{'reqId':1%s%s}", *members ? "," : "", members);
        return parse(&tp_all, buf);
}

static void render(const kco_value_t *v, char *out, size_t cap, size_t *o) {
#define PUT(...) (*o += (size_t)snprintf(out + *o, *o < cap ? cap - *o : 0, __VA_ARGS__))
        switch (v->type) {
        case KCO_TYPE_NULL:
                PUT("null");
                break;
        case KCO_TYPE_INT32:
                PUT("%lld", (long long)v->u.i);
                break;
        case KCO_TYPE_INT64:
                PUT("%lldL", (long long)v->u.i);
                break;
        case KCO_TYPE_FLOAT32:
                assert_true(isnan(v->u.d) || v->u.d == (double)(float)v->u.d);
                PUT("%.9gf", v->u.d);
                break;
        case KCO_TYPE_FLOAT64: {
                char b[64];
                snprintf(b, sizeof(b), "%.15g", v->u.d);
                if (!isnan(v->u.d) && strtod(b, NULL) != v->u.d)
                        snprintf(b, sizeof(b), "%.17g", v->u.d);
                PUT("%s", b);
                break;
        }
        case KCO_TYPE_BOOLEAN:
                assert_true(v->u.i == 0 || v->u.i == 1);
                PUT("%s", v->u.i ? "true" : "false");
                break;
        case KCO_TYPE_STRING:
        case KCO_TYPE_BYTES:
                assert_non_null(v->u.s.ptr);
                PUT("%s\"", v->type == KCO_TYPE_BYTES ? "b" : "");
                for (size_t i = 0; i < v->u.s.len; i++) {
                        unsigned char ch = (unsigned char)v->u.s.ptr[i];
                        if (ch < 0x20 || ch >= 0x7F || ch == '"' || ch == '\\')
                                PUT("\\x%02x", ch);
                        else
                                PUT("%c", ch);
                }
                PUT("\"");
                break;
        case KCO_TYPE_ARRAY:
        case KCO_TYPE_STRUCT:
                PUT("%c", v->type == KCO_TYPE_ARRAY ? '[' : '{');
                for (size_t i = 0; i < v->u.c.n; i++) {
                        if (i)
                                PUT(",");
                        render(&v->u.c.items[i], out, cap, o);
                }
                PUT("%c", v->type == KCO_TYPE_ARRAY ? ']' : '}');
                break;
        default:
                fail_msg("unexpected value type %d", (int)v->type);
        }
#undef PUT
}

static const char *show(const kco_value_t *v) {
        static char buf[8192];
        size_t o = 0;
        render(v, buf, sizeof(buf), &o);
        assert_true(o < sizeof(buf));
        return buf;
}

static const kco_value_t *item(size_t i) {
        assert_int_equal(val.type, KCO_TYPE_STRUCT);
        assert_true(i < val.u.c.n);
        return &val.u.c.items[i];
}

/* The rendering of field i of the last parsed value. */
static const char *fld(size_t i) {
        return show(item(i));
}

#define EXPECT_STR(got, want)                                                                              \
        do {                                                                                               \
                const char *g_ = (got), *w_ = (want);                                                      \
                if (strcmp(g_, w_))                                                                        \
                        fail_msg("%s\n  got  %s\n  want %s", text, g_, w_);                                \
        } while (0)

/* test.All with members: field i renders as want. */
static void all_ok(const char *members, size_t i, const char *want) {
        if (parse_all(members))
                fail_msg("parse %s: %s", text, err.msg);
        EXPECT_STR(fld(i), want);
}

/* test.P3: field i renders as want. */
static void p3_ok(const char *json, size_t i, const char *want) {
        if (parse(&tp_p3, json))
                fail_msg("parse %s: %s", text, err.msg);
        EXPECT_STR(fld(i), want);
}

static void expect_fail(int rc, const char *want) {
        if (!rc)
                fail_msg("%s: expected the error\n  %s\n  got %s", text, want, show(&val));
        EXPECT_STR(err.msg, want);
}

/* The error must contain part. */
static void expect_fail_part(int rc, const char *part) {
        if (!rc)
                fail_msg("%s: expected an error containing '%s', got %s", text, part, show(&val));
        if (!strstr(err.msg, part))
                fail_msg("%s\n  error '%s'\n  lacks '%s'", text, err.msg, part);
}

#define ALL_FAIL(members, part) expect_fail_part(parse_all(members), part)
#define P3_FAIL(json, part) expect_fail_part(parse(&tp_p3, json), part)

static int setup(void **state) {
        (void)state;
        pj = kco_proto_json_new();
        arena = kco_arena_new(4096);
        return 0;
}

static int teardown(void **state) {
        (void)state;
        kco_proto_json_destroy(pj);
        kco_arena_destroy(arena);
        return 0;
}

/* ---- tests ---- */

static void test_proto2_all_types(void **state) {
        (void)state;
        if (parse_all("'fDouble':1.5,'fFloat':-2.25,'fInt64':-7,'fUint64':7,'fInt32':-8,'fFixed64':9,"
                      "'fFixed32':10,'fBool':true,'fString':'hi','fBytes':'aGk=','fUint32':11,'fSfixed32':-12,"
                      "'fSfixed64':-13,'fSint32':-14,'fSint64':-15,'fColor':'GREEN','fInner':{'name':'n','id':3},"
                      "'rInt32':[1,2,3],'rInner':[{'id':1},{'id':2,'name':'b'}],'rColor':['RED',3,'2'],"
                      "'mStrInt':{'a':1,'b':2},'mLongInner':{'-5':{'id':6}},'mBoolStr':{'true':'y','false':'n'},"
                      "'mU64Str':{'18446744073709551615':'max'},'mSintColor':{'-1':'BLUE','0':1},'oInner':{'id':4},"
                      "'customName':77,'fNode':{'child':{'v':1}},'nv':null"))
                fail_msg("%s", err.msg);
        EXPECT_STR(show(&val), "{1.5,-2.25f,-7L,7L,-8,9L,10L,true,\"hi\",b\"hi\",11L,-12,-13L,-14,-15L,\"GREEN\","
                               "{\"n\",3},[1,2,3],[{null,1},{\"b\",2}],[\"RED\",\"BLUE\",\"GREEN\"],"
                               "[{\"a\",1},{\"b\",2}],[{-5L,{null,6}}],[{true,\"y\"},{false,\"n\"}],"
                               "[{-1L,\"max\"}],[{-1,\"BLUE\"},{0,\"RED\"}],null,null,{null,4},1L,77,"
                               "{{null,1},null},\"NULL_VALUE\"}");
        /* the types of the values, field by field */
        static const kco_type_t want[TP_ALL_NFIELDS] = {
                KCO_TYPE_FLOAT64, KCO_TYPE_FLOAT32, KCO_TYPE_INT64,  KCO_TYPE_INT64,  KCO_TYPE_INT32,
                KCO_TYPE_INT64,   KCO_TYPE_INT64,   KCO_TYPE_BOOLEAN, KCO_TYPE_STRING, KCO_TYPE_BYTES,
                KCO_TYPE_INT64,   KCO_TYPE_INT32,   KCO_TYPE_INT64,  KCO_TYPE_INT32,  KCO_TYPE_INT64,
                KCO_TYPE_STRING,  KCO_TYPE_STRUCT,  KCO_TYPE_ARRAY,  KCO_TYPE_ARRAY,  KCO_TYPE_ARRAY,
                KCO_TYPE_ARRAY,   KCO_TYPE_ARRAY,   KCO_TYPE_ARRAY,  KCO_TYPE_ARRAY,  KCO_TYPE_ARRAY,
                KCO_TYPE_NULL,    KCO_TYPE_NULL,    KCO_TYPE_STRUCT, KCO_TYPE_INT64,  KCO_TYPE_INT32,
                KCO_TYPE_STRUCT,  KCO_TYPE_STRING,
        };
        for (size_t i = 0; i < TP_ALL_NFIELDS; i++)
                if (item(i)->type != want[i] || item(i)->schema)
                        fail_msg("field %s: type %d, want %d", tp_all_fields[i].name, (int)item(i)->type,
                                 (int)want[i]);
        /* a map entry is a STRUCT of 2 */
        const kco_value_t *e = &item(TP_ALL_M_LONG_INNER)->u.c.items[0];
        assert_int_equal(e->type, KCO_TYPE_STRUCT);
        assert_int_equal(e->u.c.n, 2);
        assert_int_equal(e->u.c.items[1].type, KCO_TYPE_STRUCT);
        assert_int_equal(e->u.c.items[1].u.c.n, 2);

        /* proto2: nothing given, nothing set (no defaults) */
        if (parse_all(""))
                fail_msg("%s", err.msg);
        EXPECT_STR(show(&val), "{null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,"
                               "null,[],[],[],[],[],[],[],[],null,null,null,1L,null,null,null}");
}

static void test_int_text(void **state) {
        (void)state;
        all_ok("'fInt32':'12'", TP_ALL_F_INT32, "12");
        all_ok("'fInt32':'-3'", TP_ALL_F_INT32, "-3");
        all_ok("'fInt32':1e2", TP_ALL_F_INT32, "100");
        all_ok("'fInt32':'1e2'", TP_ALL_F_INT32, "100");
        all_ok("'fInt32':'5.0'", TP_ALL_F_INT32, "5");
        all_ok("'fInt32':5.000", TP_ALL_F_INT32, "5");
        all_ok("'fInt32':'+7'", TP_ALL_F_INT32, "7");
        all_ok("'fInt32':'007'", TP_ALL_F_INT32, "7");
        all_ok("'fInt32':'0.5e1'", TP_ALL_F_INT32, "5");
        all_ok("'fInt32':'50E-1'", TP_ALL_F_INT32, "5");
        all_ok("'fInt32':'.5e1'", TP_ALL_F_INT32, "5");
        all_ok("'fInt32':'5.'", TP_ALL_F_INT32, "5");
        all_ok("'fInt32':'-0'", TP_ALL_F_INT32, "0");
        all_ok("'fInt32':'0e999'", TP_ALL_F_INT32, "0");
        all_ok("'fInt32':-2147483648", TP_ALL_F_INT32, "-2147483648");
        all_ok("'fInt32':'2147483647'", TP_ALL_F_INT32, "2147483647");
        all_ok("'fSint32':'-2147483648'", TP_ALL_F_SINT32, "-2147483648");
        all_ok("'fSfixed32':2147483647", TP_ALL_F_SFIXED32, "2147483647");
        ALL_FAIL("'fInt32':2147483648", "value.f_int32: Not an int32 value: 2147483648");
        ALL_FAIL("'fInt32':-2147483649", "Not an int32 value: -2147483649");
        ALL_FAIL("'fInt32':1.5", "Not an int32 value: 1.5");
        ALL_FAIL("'fInt32':'1.5'", "Not an int32 value: \"1.5\"");
        ALL_FAIL("'fInt32':'123.450e1'", "Not an int32 value");
        ALL_FAIL("'fInt32':' 1'", "Not an int32 value: \" 1\"");
        ALL_FAIL("'fInt32':'1 '", "Not an int32 value");
        ALL_FAIL("'fInt32':''", "Not an int32 value: \"\"");
        ALL_FAIL("'fInt32':'-'", "Not an int32 value");
        ALL_FAIL("'fInt32':'1e'", "Not an int32 value");
        ALL_FAIL("'fInt32':'.'", "Not an int32 value");
        ALL_FAIL("'fInt32':'0x10'", "Not an int32 value");
        ALL_FAIL("'fInt32':'1e99999999999'", "Not an int32 value");
        ALL_FAIL("'fInt32':true", "Not an int32 value: true");
        ALL_FAIL("'fInt32':[1]", "Not an int32 value: [1]");
        ALL_FAIL("'fInt32':{'a':1}", "Not an int32 value: {\"a\":1}");
        ALL_FAIL("'fInt32':1e10", "Not an int32 value: 1e10");
}

static void test_int64_extremes(void **state) {
        (void)state;
        all_ok("'fInt64':-9223372036854775808", TP_ALL_F_INT64, "-9223372036854775808L");
        all_ok("'fInt64':'-9223372036854775808'", TP_ALL_F_INT64, "-9223372036854775808L");
        all_ok("'fInt64':9223372036854775807", TP_ALL_F_INT64, "9223372036854775807L");
        all_ok("'fInt64':'9223372036854775807'", TP_ALL_F_INT64, "9223372036854775807L");
        all_ok("'fInt64':'9.223372036854775807e18'", TP_ALL_F_INT64, "9223372036854775807L");
        all_ok("'fSint64':-9223372036854775808", TP_ALL_F_SINT64, "-9223372036854775808L");
        all_ok("'fSfixed64':'9223372036854775807'", TP_ALL_F_SFIXED64, "9223372036854775807L");
        /* 2^53 + 1: exact, never through a double */
        all_ok("'fInt64':9007199254740993", TP_ALL_F_INT64, "9007199254740993L");
        all_ok("'fInt64':'9007199254740993'", TP_ALL_F_INT64, "9007199254740993L");
        all_ok("'fInt64':'-9007199254740993.000'", TP_ALL_F_INT64, "-9007199254740993L");
        all_ok("'fUint64':9007199254740993", TP_ALL_F_UINT64, "9007199254740993L");
        ALL_FAIL("'fInt64':9223372036854775808", "Not an int64 value: 9223372036854775808");
        ALL_FAIL("'fInt64':'-9223372036854775809'", "Not an int64 value: \"-9223372036854775809\"");
        ALL_FAIL("'fInt64':99999999999999999999999", "Not an int64 value");
        ALL_FAIL("'fInt64':9007199254740993.5", "Not an int64 value");

        /* uint64: the bit pattern of values beyond int64 */
        all_ok("'fUint64':18446744073709551615", TP_ALL_F_UINT64, "-1L");
        all_ok("'fUint64':'18446744073709551615'", TP_ALL_F_UINT64, "-1L");
        assert_int_equal((uint64_t)item(TP_ALL_F_UINT64)->u.i, UINT64_MAX);
        all_ok("'fFixed64':9223372036854775808", TP_ALL_F_FIXED64, "-9223372036854775808L");
        all_ok("'fUint64':1e19", TP_ALL_F_UINT64, "-8446744073709551616L");
        assert_int_equal((uint64_t)item(TP_ALL_F_UINT64)->u.i, 10000000000000000000ULL);
        all_ok("'fUint64':'-0'", TP_ALL_F_UINT64, "0L");
        expect_fail(parse_all("'fUint64':18446744073709551616"),
                    "ParquetJsonFormat: value.f_uint64: Out of range uint64 value: 18446744073709551616");
        ALL_FAIL("'fUint64':-1", "Out of range uint64 value: -1");
        ALL_FAIL("'fUint64':1e20", "Out of range uint64 value: 1e20");
        ALL_FAIL("'fUint64':'0.5'", "Not an uint64 value: \"0.5\"");
        ALL_FAIL("'fUint64':'x'", "Not an uint64 value: \"x\"");

        /* uint32 / fixed32: INT64 in [0, 2^32) */
        all_ok("'fUint32':4294967295", TP_ALL_F_UINT32, "4294967295L");
        all_ok("'fFixed32':'4294967295'", TP_ALL_F_FIXED32, "4294967295L");
        all_ok("'fUint32':0", TP_ALL_F_UINT32, "0L");
        ALL_FAIL("'fUint32':4294967296", "Out of range uint32 value: 4294967296");
        ALL_FAIL("'fFixed32':-1", "Out of range uint32 value: -1");
        ALL_FAIL("'fUint32':-0.5", "Not an uint32 value: -0.5");
}

/* Numbers as JSON numbers and as strings (the fast and the general paths) give strtod's double and the exact
 * integer, over random decimals of 1..20 digits with and without fractions and exponents. */
static void test_numbers_match_strtod(void **state) {
        (void)state;
        uint64_t x = 0x9E3779B97F4A7C15ULL;
        for (int i = 0; i < 20000; i++) {
                char num[64], json[128];
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                int nd = 1 + (int)(x % 20), point = (int)((x >> 8) % (nd + 2)), o = 0;
                if ((x >> 16) & 1)
                        num[o++] = '-';
                for (int d = 0; d < nd; d++) {
                        if (d == point && d)
                                num[o++] = '.';
                        num[o++] = (char)('0' + (d == 0 && nd > 1 && point != 1 ? 1 + (x >> (20 + d)) % 9
                                                                                   : (x >> (3 * d + 5)) % 10));
                }
                if (((x >> 40) & 7) == 0)
                        o += snprintf(num + o, sizeof(num) - (size_t)o, "e%d", (int)((x >> 44) % 40) - 20);
                num[o] = '\0';
                double want = strtod(num, NULL);
                for (int quoted = 0; quoted < 2; quoted++) {
                        snprintf(json, sizeof(json), quoted ? "'fDouble':'%s'" : "'fDouble':%s", num);
                        if (parse_all(json))
                                fail_msg("%s: %s", json, err.msg);
                        if (item(TP_ALL_F_DOUBLE)->u.d != want || signbit(item(TP_ALL_F_DOUBLE)->u.d) != signbit(want))
                                fail_msg("%s: %.17g, strtod %.17g", json, item(TP_ALL_F_DOUBLE)->u.d, want);
                        snprintf(json, sizeof(json), quoted ? "'fFloat':'%s'" : "'fFloat':%s", num);
                        if (fabs(want) < 1e38) {
                                if (parse_all(json))
                                        fail_msg("%s: %s", json, err.msg);
                                assert_true(item(TP_ALL_F_FLOAT)->u.d == (double)(float)want);
                        }
                        long long ll;
                        char *end;
                        errno = 0;
                        ll = strtoll(num, &end, 10);
                        if (!*end && !errno) {
                                snprintf(json, sizeof(json), quoted ? "'fInt64':'%s'" : "'fInt64':%s", num);
                                if (parse_all(json))
                                        fail_msg("%s: %s", json, err.msg);
                                assert_int_equal(item(TP_ALL_F_INT64)->u.i, ll);
                        }
                }
        }
}

static void test_floats(void **state) {
        (void)state;
        all_ok("'fDouble':1.5", TP_ALL_F_DOUBLE, "1.5");
        all_ok("'fDouble':'-2.5e3'", TP_ALL_F_DOUBLE, "-2500");
        all_ok("'fDouble':1e308", TP_ALL_F_DOUBLE, "1e+308");
        all_ok("'fDouble':'NaN'", TP_ALL_F_DOUBLE, "nan");
        assert_true(isnan(item(TP_ALL_F_DOUBLE)->u.d));
        all_ok("'fDouble':'Infinity'", TP_ALL_F_DOUBLE, "inf");
        all_ok("'fDouble':'-Infinity'", TP_ALL_F_DOUBLE, "-inf");
        all_ok("'fDouble':4.9e-324", TP_ALL_F_DOUBLE, "4.94065645841247e-324");
        assert_true(item(TP_ALL_F_DOUBLE)->u.d == 4.9406564584124654e-324);
        all_ok("'fDouble':1e-400", TP_ALL_F_DOUBLE, "0");
        all_ok("'fDouble':9007199254740993", TP_ALL_F_DOUBLE, "9007199254740992");
        expect_fail(parse_all("'fDouble':1e309"),
                    "ParquetJsonFormat: value.f_double: Out of range double value: 1e309");
        ALL_FAIL("'fDouble':'nan'", "Not a double value: \"nan\"");
        ALL_FAIL("'fDouble':'inf'", "Not a double value");
        ALL_FAIL("'fDouble':'+Infinity'", "Not a double value");
        ALL_FAIL("'fDouble':' 1'", "Not a double value");
        ALL_FAIL("'fDouble':true", "Not a double value: true");
        ALL_FAIL("'fDouble':null,'fDouble':[1]", "Not a double value: [1]");

        /* float: stored rounded to float */
        all_ok("'fFloat':0.1", TP_ALL_F_FLOAT, "0.100000001f");
        assert_true(item(TP_ALL_F_FLOAT)->u.d == (double)0.1f);
        all_ok("'fFloat':'3.4028235e38'", TP_ALL_F_FLOAT, "3.40282347e+38f");
        assert_true(item(TP_ALL_F_FLOAT)->u.d == FLT_MAX);
        /* within JsonFormat's 1e-6 tolerance: rounds as Java's (float) does */
        all_ok("'fFloat':3.40282350e38", TP_ALL_F_FLOAT, "3.40282347e+38f");
        all_ok("'fFloat':3.4028236e38", TP_ALL_F_FLOAT, "inff");
        all_ok("'fFloat':-3.4028236e38", TP_ALL_F_FLOAT, "-inff");
        all_ok("'fFloat':'NaN'", TP_ALL_F_FLOAT, "nanf");
        all_ok("'fFloat':'-Infinity'", TP_ALL_F_FLOAT, "-inff");
        all_ok("'fFloat':1e-50", TP_ALL_F_FLOAT, "0f");
        expect_fail(parse_all("'fFloat':1e39"), "ParquetJsonFormat: value.f_float: Out of range float value: 1e39");
        ALL_FAIL("'fFloat':'-3.5e38'", "Out of range float value: \"-3.5e38\"");
        ALL_FAIL("'fFloat':1e400", "Out of range float value");
        ALL_FAIL("'fFloat':'x'", "Not a float value: \"x\"");
}

static void test_bool_string_bytes(void **state) {
        (void)state;
        all_ok("'fBool':true", TP_ALL_F_BOOL, "true");
        all_ok("'fBool':false", TP_ALL_F_BOOL, "false");
        all_ok("'fBool':'true'", TP_ALL_F_BOOL, "true");
        all_ok("'fBool':'false'", TP_ALL_F_BOOL, "false");
        expect_fail(parse_all("'fBool':1"), "ParquetJsonFormat: value.f_bool: Invalid bool value: 1");
        ALL_FAIL("'fBool':'True'", "Invalid bool value: \"True\"");
        ALL_FAIL("'fBool':{}", "Invalid bool value: {}");

        /* strings: unescaped ones point into the text, escaped ones are copied into the arena */
        all_ok("'fString':'plain'", TP_ALL_F_STRING, "\"plain\"");
        const kco_value_t *s = item(TP_ALL_F_STRING);
        assert_true(s->u.s.ptr > text && s->u.s.ptr < text + strlen(text));
        all_ok("'fString':'caf\\u00e9 \\n\\u0000x'", TP_ALL_F_STRING, "\"caf\\xc3\\xa9 \\x0a\\x00x\"");
        s = item(TP_ALL_F_STRING);
        assert_int_equal(s->u.s.len, 9);
        assert_false(s->u.s.ptr >= text && s->u.s.ptr < text + sizeof(text));
        all_ok("'fString':''", TP_ALL_F_STRING, "\"\"");
        all_ok("'fString':'\\ud83d\\ude00'", TP_ALL_F_STRING, "\"\\xf0\\x9f\\x98\\x80\"");
        expect_fail(parse_all("'fString':12"), "ParquetJsonFormat: value.f_string: Not a string value: 12");
        ALL_FAIL("'fString':true", "Not a string value: true");

        /* bytes: standard or URL-safe base64, padding optional */
        all_ok("'fBytes':'aGk='", TP_ALL_F_BYTES, "b\"hi\"");
        all_ok("'fBytes':'aGk'", TP_ALL_F_BYTES, "b\"hi\"");
        all_ok("'fBytes':'aGVsbG8gd29ybGQ='", TP_ALL_F_BYTES, "b\"hello world\"");
        all_ok("'fBytes':'+/8='", TP_ALL_F_BYTES, "b\"\\xfb\\xff\"");
        all_ok("'fBytes':'-_8'", TP_ALL_F_BYTES, "b\"\\xfb\\xff\"");
        all_ok("'fBytes':'-_8='", TP_ALL_F_BYTES, "b\"\\xfb\\xff\"");
        all_ok("'fBytes':'AAECAw=='", TP_ALL_F_BYTES, "b\"\\x00\\x01\\x02\\x03\"");
        all_ok("'fBytes':''", TP_ALL_F_BYTES, "b\"\"");
        assert_int_equal(item(TP_ALL_F_BYTES)->u.s.len, 0);
        all_ok("'fBytes':'aGk=='", TP_ALL_F_BYTES, "b\"hi\""); /* Guava trims every trailing '=' */
        ALL_FAIL("'fBytes':'+_8='", "Not a bytes value (base64 string): \"+_8=\"");
        ALL_FAIL("'fBytes':'a'", "Not a bytes value (base64 string): \"a\"");
        ALL_FAIL("'fBytes':'aGk=aGk='", "Not a bytes value");
        ALL_FAIL("'fBytes':'aG k'", "Not a bytes value");
        ALL_FAIL("'fBytes':5", "Not a bytes value (base64 string): 5");
}

static void test_enums(void **state) {
        (void)state;
        all_ok("'fColor':'BLUE'", TP_ALL_F_COLOR, "\"BLUE\"");
        all_ok("'fColor':2", TP_ALL_F_COLOR, "\"GREEN\"");
        all_ok("'fColor':'3'", TP_ALL_F_COLOR, "\"BLUE\"");
        all_ok("'fColor':'2.0'", TP_ALL_F_COLOR, "\"GREEN\"");
        all_ok("'fColor':1", TP_ALL_F_COLOR, "\"RED\"");          /* the first value with the number */
        all_ok("'fColor':'SCARLET'", TP_ALL_F_COLOR, "\"SCARLET\""); /* an alias by name */
        /* closed (proto2) enum: only declared numbers */
        expect_fail(parse_all("'fColor':7"),
                    "ParquetJsonFormat: value.f_color: Invalid enum value: 7 for enum type: test.Color");
        expect_fail(parse_all("'fColor':'PURPLE'"),
                    "ParquetJsonFormat: value.f_color: Invalid enum value: PURPLE for enum type: test.Color");
        ALL_FAIL("'fColor':'red'", "Invalid enum value: red for enum type: test.Color");
        ALL_FAIL("'fColor':1.5", "Invalid enum value: 1.5");
        ALL_FAIL("'fColor':true", "Invalid enum value: true");
        ALL_FAIL("'fColor':2147483648", "Invalid enum value: 2147483648");
        ALL_FAIL("'rColor':['RED','NOPE']", "value.r_color[1]: Invalid enum value: NOPE for enum type: test.Color");
        /* open (proto3) enum: any int32 */
        p3_ok("{'mood':'SAD'}", TP_P3_MOOD, "\"SAD\"");
        p3_ok("{'mood':1}", TP_P3_MOOD, "\"HAPPY\"");
        p3_ok("{'mood':5}", TP_P3_MOOD, "\"UNKNOWN_ENUM_VALUE_Mood_5\"");
        p3_ok("{'mood':'-7'}", TP_P3_MOOD, "\"UNKNOWN_ENUM_VALUE_Mood_-7\"");
        p3_ok("{'rMood':['HAPPY',9,0]}", TP_P3_R_MOOD,
              "[\"HAPPY\",\"UNKNOWN_ENUM_VALUE_Mood_9\",\"MOOD_UNSPECIFIED\"]");
        expect_fail(parse(&tp_p3, "{'mood':'ANGRY'}"),
                    "ParquetJsonFormat: value.mood: Invalid enum value: ANGRY for enum type: test.Mood");
        P3_FAIL("{'mood':2147483648}", "Invalid enum value: 2147483648 for enum type: test.Mood");
        /* google.protobuf.NullValue: null is NULL_VALUE */
        all_ok("'nv':null", TP_ALL_NV, "\"NULL_VALUE\"");
        all_ok("'nv':'NULL_VALUE'", TP_ALL_NV, "\"NULL_VALUE\"");
        all_ok("'nv':0", TP_ALL_NV, "\"NULL_VALUE\"");
}

static void test_repeated(void **state) {
        (void)state;
        all_ok("'rInt32':[]", TP_ALL_R_INT32, "[]");
        all_ok("'rInt32':null", TP_ALL_R_INT32, "[]");
        all_ok("'rInt32':[1,'2',3e0]", TP_ALL_R_INT32, "[1,2,3]");
        all_ok("'rInner':[{'id':1},{'id':2,'name':'x'}]", TP_ALL_R_INNER, "[{null,1},{\"x\",2}]");
        expect_fail(parse_all("'rInt32':[1,null]"),
                    "ParquetJsonFormat: value.r_int32[1]: Repeated field elements cannot be null in field: r_int32");
        ALL_FAIL("'rInner':[null]", "value.r_inner[0]: Repeated field elements cannot be null in field: r_inner");
        expect_fail(parse_all("'rInt32':5"),
                    "ParquetJsonFormat: value.r_int32: Expected an array for r_int32 but found 5");
        ALL_FAIL("'rInt32':{'a':1}", "Expected an array for r_int32 but found {\"a\":1}");
        ALL_FAIL("'rInt32':[1,'x']", "value.r_int32[1]: Not an int32 value: \"x\"");
        ALL_FAIL("'rInner':[{'id':1},{}]", "value.r_inner[1]: Message missing required fields: id");
        ALL_FAIL("'rInt32':[[1]]", "value.r_int32[0]: Not an int32 value: [1]");
}

static void test_maps(void **state) {
        (void)state;
        all_ok("'mStrInt':{}", TP_ALL_M_STR_INT, "[]");
        all_ok("'mStrInt':null", TP_ALL_M_STR_INT, "[]");
        all_ok("'mStrInt':{'b':2,'a':'1','':3}", TP_ALL_M_STR_INT, "[{\"b\",2},{\"a\",1},{\"\",3}]");
        /* the last duplicate wins, at the place of the first (Gson's JsonObject) */
        all_ok("'mStrInt':{'a':1,'b':2,'a':3}", TP_ALL_M_STR_INT, "[{\"a\",3},{\"b\",2}]");
        all_ok("'mStrInt':{'k\\u00e9':1}", TP_ALL_M_STR_INT, "[{\"k\\xc3\\xa9\",1}]");
        all_ok("'mLongInner':{'0':{'id':1},'-9223372036854775808':{'id':2,'name':'m'}}", TP_ALL_M_LONG_INNER,
               "[{0L,{null,1}},{-9223372036854775808L,{\"m\",2}}]");
        all_ok("'mBoolStr':{'false':'f'}", TP_ALL_M_BOOL_STR, "[{false,\"f\"}]");
        all_ok("'mU64Str':{'0':'a','9223372036854775808':'b'}", TP_ALL_M_U64_STR,
               "[{0L,\"a\"},{-9223372036854775808L,\"b\"}]");
        all_ok("'mSintColor':{'2147483647':'GREEN','-2147483648':3}", TP_ALL_M_SINT_COLOR,
               "[{2147483647,\"GREEN\"},{-2147483648,\"BLUE\"}]");
        expect_fail(parse_all("'mStrInt':{'a':null}"),
                    "ParquetJsonFormat: value.m_str_int[\"a\"]: Map value cannot be null.");
        expect_fail(parse_all("'mLongInner':{'01':{'id':1}}"),
                    "ParquetJsonFormat: value.m_long_inner[\"01\"]: Not an int64 value: \"01\"");
        ALL_FAIL("'mLongInner':{'-0':{'id':1}}", "Not an int64 value: \"-0\"");
        ALL_FAIL("'mLongInner':{'1e2':{'id':1}}", "Not an int64 value: \"1e2\"");
        ALL_FAIL("'mLongInner':{' 1':{'id':1}}", "Not an int64 value: \" 1\"");
        ALL_FAIL("'mLongInner':{'':{'id':1}}", "Not an int64 value: \"\"");
        ALL_FAIL("'mLongInner':{'9223372036854775808':{'id':1}}", "Not an int64 value: \"9223372036854775808\"");
        ALL_FAIL("'mLongInner':{'5':{}}", "value.m_long_inner[\"5\"]: Message missing required fields: id");
        ALL_FAIL("'mLongInner':{'5':3}", "value.m_long_inner[\"5\"]: Expect message object but got: 3");
        ALL_FAIL("'mBoolStr':{'TRUE':'x'}", "value.m_bool_str[\"TRUE\"]: Invalid bool value: \"TRUE\"");
        ALL_FAIL("'mBoolStr':{'1':'x'}", "Invalid bool value: \"1\"");
        ALL_FAIL("'mU64Str':{'-1':'x'}", "Out of range uint64 value: \"-1\"");
        ALL_FAIL("'mU64Str':{'18446744073709551616':'x'}", "Out of range uint64 value");
        ALL_FAIL("'mSintColor':{'1':'PINK'}", "value.m_sint_color[\"1\"]: Invalid enum value: PINK");
        ALL_FAIL("'mSintColor':{'2147483648':'RED'}", "Not an int32 value: \"2147483648\"");
        ALL_FAIL("'mStrInt':{'a':'x'}", "value.m_str_int[\"a\"]: Not an int32 value: \"x\"");
        expect_fail(parse_all("'mStrInt':[1]"),
                    "ParquetJsonFormat: value.m_str_int: Expect a map object but found: [1]");
        /* proto3 map with message values */
        p3_ok("{'mStrInner':{'x':{'label':'l','nums':[1]},'y':{}}}", TP_P3_M_STR_INNER,
              "[{\"x\",{\"l\",[1]}},{\"y\",{\"\",[]}}]");
        P3_FAIL("{'mStrInner':{'x':null}}", "Map value cannot be null.");
}

static void test_oneof(void **state) {
        (void)state;
        all_ok("'oStr':'s'", TP_ALL_O_STR, "\"s\"");
        assert_int_equal(item(TP_ALL_O_INT)->type, KCO_TYPE_NULL);
        assert_int_equal(item(TP_ALL_O_INNER)->type, KCO_TYPE_NULL);
        all_ok("'oStr':null,'oInt':5", TP_ALL_O_INT, "5");
        assert_int_equal(item(TP_ALL_O_STR)->type, KCO_TYPE_NULL);
        all_ok("'oInt':5,'oStr':null", TP_ALL_O_INT, "5");
        all_ok("'oInt':0", TP_ALL_O_INT, "0");
        expect_fail(parse_all("'oStr':'a','oInt':1"),
                    "ParquetJsonFormat: value.o_int: Cannot set field test.All.o_int because another field "
                    "test.All.o_str belonging to the same oneof has already been set");
        ALL_FAIL("'oInt':0,'oInner':{'id':1}", "another field test.All.o_int belonging to the same oneof");
        /* proto3: a oneof member set to its default is set */
        p3_ok("{'kMood':'MOOD_UNSPECIFIED'}", TP_P3_K_MOOD, "\"MOOD_UNSPECIFIED\"");
        assert_int_equal(item(TP_P3_K_STR)->type, KCO_TYPE_NULL);
        P3_FAIL("{'kStr':'','kMood':1}", "Cannot set field test.P3.k_mood because another field test.P3.k_str");
}

static void test_names_and_duplicates(void **state) {
        (void)state;
        all_ok("'f_int32':4", TP_ALL_F_INT32, "4");
        all_ok("'customName':4", TP_ALL_RENAMED, "4");
        all_ok("'renamed_field':5", TP_ALL_RENAMED, "5");
        ALL_FAIL("'req_id':7", "value.req_id: Field test.All.req_id has already been set."); /* after reqId */
        if (parse(&tp_all, "{'req_id':7}"))
                fail_msg("%s", err.msg);
        EXPECT_STR(fld(TP_ALL_REQ_ID), "7L");
        if (parse(&tp_all, "{'reqId':7,'reqId':8}")) /* the same JSON key twice: the last counts */
                fail_msg("%s", err.msg);
        EXPECT_STR(fld(TP_ALL_REQ_ID), "8L");
        expect_fail(parse_all("'fInt32':1,'f_int32':2"),
                    "ParquetJsonFormat: value.f_int32: Field test.All.f_int32 has already been set.");
        ALL_FAIL("'f_int32':null,'fInt32':null,'f_int32':1", "has already been set"); /* f_int32 again */
        ALL_FAIL("'fInt32':1,'f_int32':null", "Field test.All.f_int32 has already been set.");
        ALL_FAIL("'customName':1,'renamed_field':2", "Field test.All.renamed_field has already been set.");
        ALL_FAIL("'rInt32':[1],'r_int32':[]", "Field test.All.r_int32 has already been set.");
        ALL_FAIL("'mStrInt':{'a':1},'m_str_int':{}", "Field test.All.m_str_int has already been set.");
        ALL_FAIL("'fInner':{'id':1},'f_inner':null", "Field test.All.f_inner has already been set.");
        /* not set yet: after null, [] / {} or a proto3 default */
        all_ok("'fInt32':null,'f_int32':3", TP_ALL_F_INT32, "3");
        all_ok("'rInt32':[],'r_int32':[4]", TP_ALL_R_INT32, "[4]");
        all_ok("'rInt32':null,'r_int32':[4]", TP_ALL_R_INT32, "[4]");
        all_ok("'mStrInt':{},'m_str_int':{'a':1}", TP_ALL_M_STR_INT, "[{\"a\",1}]");
        p3_ok("{'anInt':0,'an_int':5}", TP_P3_AN_INT, "5");
        P3_FAIL("{'anInt':5,'an_int':0}", "Field test.P3.an_int has already been set.");
        p3_ok("{'optI32':null,'opt_i32':0}", TP_P3_OPT_I32, "0");
        P3_FAIL("{'optI32':0,'opt_i32':0}", "Field test.P3.opt_i32 has already been set.");
        /* unknown names */
        expect_fail(parse(&tp_p3, "{'nope':1}"),
                    "ParquetJsonFormat: value: Cannot find field: nope in message test.P3");
        P3_FAIL("{'AnInt':1}", "Cannot find field: AnInt in message test.P3");
        P3_FAIL("{'an_int\\u0000':1}", "Cannot find field: an_int  in message test.P3");
        expect_fail(parse_all("'fInner':{'id':1,'x':2}"),
                    "ParquetJsonFormat: value.f_inner: Cannot find field: x in message test.Inner");
        expect_fail(parse(&tp_p3, "{'inner':{'nums':[1,2,'y']}}"),
                    "ParquetJsonFormat: value.inner.nums[2]: Not an int32 value: \"y\"");
}

static void test_required(void **state) {
        (void)state;
        expect_fail(parse(&tp_all, "{}"), "ParquetJsonFormat: value: Message missing required fields: req_id");
        expect_fail(parse(&tp_all, "{'reqId':null}"),
                    "ParquetJsonFormat: value: Message missing required fields: req_id");
        expect_fail(parse_all("'fInner':{'name':'x'}"),
                    "ParquetJsonFormat: value.f_inner: Message missing required fields: id");
        expect_fail(parse_all("'fInner':{}"), "ParquetJsonFormat: value.f_inner: Message missing required fields: id");
        ALL_FAIL("'oInner':{'id':null}", "value.o_inner: Message missing required fields: id");
        all_ok("'fInner':null", TP_ALL_F_INNER, "null");
        all_ok("'fInner':{'id':0}", TP_ALL_F_INNER, "{null,0}");
}

static void test_proto3(void **state) {
        (void)state;
        /* implicit presence: defaults; presence (optional, messages, oneof members): null */
        if (parse(&tp_p3, "{}"))
                fail_msg("%s", err.msg);
        EXPECT_STR(show(&val), "{0,0L,0L,0L,0f,0,false,\"\",b\"\",\"MOOD_UNSPECIFIED\",null,null,null,null,null,null,"
                               "null,null,null,null,null,null,null,null,null,[],[],[],null,null}");
        assert_int_equal(item(TP_P3_S)->type, KCO_TYPE_STRING);
        assert_int_equal(item(TP_P3_S)->u.s.len, 0);
        assert_non_null(item(TP_P3_S)->u.s.ptr);
        assert_int_equal(item(TP_P3_BY)->type, KCO_TYPE_BYTES);
        assert_int_equal(item(TP_P3_BY)->u.s.len, 0);
        /* null: the default for implicit presence, unset otherwise */
        if (parse(&tp_p3, "{'anInt':null,'i64':null,'f':null,'b':null,'s':null,'by':null,'mood':null,'optI32':null,"
                          "'inner':null,'ts':null,'wI32':null,'mask':null,'empty':null,'rMood':null,"
                          "'mStrInner':null,'kStr':null}"))
                fail_msg("%s", err.msg);
        EXPECT_STR(show(&val), "{0,0L,0L,0L,0f,0,false,\"\",b\"\",\"MOOD_UNSPECIFIED\",null,null,null,null,null,null,"
                               "null,null,null,null,null,null,null,null,null,[],[],[],null,null}");
        p3_ok("{'optI32':0}", TP_P3_OPT_I32, "0");
        p3_ok("{'optI32':-1}", TP_P3_OPT_I32, "-1");
        p3_ok("{'anInt':'42','i64':'-1','u32':1,'u64':2,'f':1.5,'d':2.5,'b':true,'s':'x','by':'AA=='}", TP_P3_BY,
              "b\"\\x00\"");
        EXPECT_STR(show(&val), "{42,-1L,1L,2L,1.5f,2.5,true,\"x\",b\"\\x00\",\"MOOD_UNSPECIFIED\",null,null,null,"
                               "null,null,null,null,null,null,null,null,null,null,null,null,[],[],[],null,null}");
        p3_ok("{'inner':{}}", TP_P3_INNER, "{\"\",[]}");
        p3_ok("{'empty':{}}", TP_P3_EMPTY, "{}");
        assert_int_equal(item(TP_P3_EMPTY)->type, KCO_TYPE_STRUCT);
        assert_int_equal(item(TP_P3_EMPTY)->u.c.n, 0);
        expect_fail(parse(&tp_p3, "{'empty':{'a':1}}"),
                    "ParquetJsonFormat: value.empty: Cannot find field: a in message google.protobuf.Empty");
        P3_FAIL("{'empty':[]}", "value.empty: Expect message object but got: []");
}

static void test_timestamp(void **state) {
        (void)state;
        p3_ok("{'ts':'1970-01-01T00:00:00Z'}", TP_P3_TS, "{0L,0}");
        p3_ok("{'ts':'1970-01-01T01:00:00+01:00'}", TP_P3_TS, "{0L,0}");
        p3_ok("{'ts':'1969-12-31T19:00:00-05:00'}", TP_P3_TS, "{0L,0}");
        p3_ok("{'ts':'1972-01-01T10:00:20.021Z'}", TP_P3_TS, "{63108020L,21000000}");
        p3_ok("{'ts':'2024-02-29T12:34:56.123456789+05:30'}", TP_P3_TS, "{1709190296L,123456789}");
        p3_ok("{'ts':'1969-12-31T23:59:59.5Z'}", TP_P3_TS, "{-1L,500000000}");
        p3_ok("{'ts':'0001-01-01T00:00:00Z'}", TP_P3_TS, "{-62135596800L,0}");
        p3_ok("{'ts':'0001-01-01T00:30:00+00:30'}", TP_P3_TS, "{-62135596800L,0}");
        p3_ok("{'ts':'9999-12-31T23:59:59.999999999Z'}", TP_P3_TS, "{253402300799L,999999999}");
        p3_ok("{'ts':'2000-02-29T00:00:00Z'}", TP_P3_TS, "{951782400L,0}");
        p3_ok("{'rTs':['1970-01-01T00:00:01Z','1970-01-01T00:00:02.1Z']}", TP_P3_R_TS, "[{1L,0},{2L,100000000}]");
        expect_fail(parse(&tp_p3, "{'ts':'0001-01-01T00:00:00+01:00'}"),
                    "ParquetJsonFormat: value.ts: Failed to parse timestamp: \"0001-01-01T00:00:00+01:00\"");
        expect_fail(parse(&tp_p3, "{'ts':'1970-01-01T00:00:00'}"),
                    "ParquetJsonFormat: value.ts: Failed to parse timestamp: \"1970-01-01T00:00:00\"");
        static const char *const bad[] = {
                "9999-12-31T23:00:00-01:00", "0000-12-31T00:00:00Z",        "1900-02-29T00:00:00Z",
                "2001-02-29T00:00:00Z",      "2000-13-01T00:00:00Z",        "2000-04-31T00:00:00Z",
                "2000-01-01T24:00:00Z",      "2000-01-01T00:60:00Z",        "2000-01-01T00:00:60Z",
                "2000-01-01t00:00:00Z",      "2000-01-01T00:00:00z",        "2000-01-01T00:00:00.Z",
                "2000-01-01T00:00:00.1234567890Z", "2000-01-01T00:00:00+0100", "2000-01-01T00:00:00+01:00Z",
                "2000-01-01T00:00:00+24:00", "2000-01-01 00:00:00Z",        "2000-1-01T00:00:00Z",
                "2000-01-01T00:00:00ZZ",     "",                            "12345-01-01T00:00:00Z",
                "2000-01-01T00:00:00.1x2Z",  "2000-01-01T00:00:00+1:00",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char buf[128];
                snprintf(buf, sizeof(buf), "{'ts':'%s'}", bad[i]);
                P3_FAIL(buf, "value.ts: Failed to parse timestamp: \"");
        }
        P3_FAIL("{'ts':0}", "value.ts: Failed to parse timestamp: 0");
        P3_FAIL("{'ts':{'seconds':1}}", "Failed to parse timestamp: {\"seconds\":1}");
        P3_FAIL("{'rTs':[null]}", "value.r_ts[0]: Repeated field elements cannot be null in field: r_ts");
        /* a Timestamp as the record itself */
        if (parse(&tp_timestamp, "'1970-01-02T00:00:00.000000001Z'"))
                fail_msg("%s", err.msg);
        EXPECT_STR(show(&val), "{86400L,1}");
}

static void test_duration(void **state) {
        (void)state;
        p3_ok("{'dur':'1.5s'}", TP_P3_DUR, "{1L,500000000}");
        p3_ok("{'dur':'-1.5s'}", TP_P3_DUR, "{-1L,-500000000}");
        p3_ok("{'dur':'-0.5s'}", TP_P3_DUR, "{0L,-500000000}");
        p3_ok("{'dur':'0s'}", TP_P3_DUR, "{0L,0}");
        p3_ok("{'dur':'1.000340012s'}", TP_P3_DUR, "{1L,340012}");
        p3_ok("{'dur':'315576000000.999999999s'}", TP_P3_DUR, "{315576000000L,999999999}");
        p3_ok("{'dur':'-315576000000s'}", TP_P3_DUR, "{-315576000000L,0}");
        expect_fail(parse(&tp_p3, "{'dur':'315576000001s'}"),
                    "ParquetJsonFormat: value.dur: Failed to parse duration: \"315576000001s\"");
        static const char *const bad[] = {"1", "s", "-s", "1.s", ".5s", "1.0000000001s", "1 s", "+1s", "--1s",
                                          "1e3s", "99999999999999999999999s", "1.5S", ""};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char buf[128];
                snprintf(buf, sizeof(buf), "{'dur':'%s'}", bad[i]);
                P3_FAIL(buf, "value.dur: Failed to parse duration: \"");
        }
        P3_FAIL("{'dur':1}", "Failed to parse duration: 1");
}

static void test_wrappers_and_field_mask(void **state) {
        (void)state;
        p3_ok("{'wI32':5}", TP_P3_W_I32, "{5}");
        p3_ok("{'wI32':0}", TP_P3_W_I32, "{0}");
        p3_ok("{'wI64':'-9223372036854775808'}", TP_P3_W_I64, "{-9223372036854775808L}");
        p3_ok("{'wU32':4294967295}", TP_P3_W_U32, "{4294967295L}");
        p3_ok("{'wU64':'18446744073709551615'}", TP_P3_W_U64, "{-1L}");
        p3_ok("{'wF':'Infinity'}", TP_P3_W_F, "{inff}");
        p3_ok("{'wD':0.25}", TP_P3_W_D, "{0.25}");
        p3_ok("{'wB':false}", TP_P3_W_B, "{false}");
        p3_ok("{'wS':''}", TP_P3_W_S, "{\"\"}");
        p3_ok("{'wBy':'aGk'}", TP_P3_W_BY, "{b\"hi\"}");
        p3_ok("{'wI32':null}", TP_P3_W_I32, "null");
        expect_fail(parse(&tp_p3, "{'wI32':'x'}"), "ParquetJsonFormat: value.w_i32: Not an int32 value: \"x\"");
        P3_FAIL("{'wI32':{'value':1}}", "value.w_i32: Not an int32 value: {\"value\":1}");
        P3_FAIL("{'wU32':-1}", "value.w_u32: Out of range uint32 value: -1");
        P3_FAIL("{'wS':1}", "value.w_s: Not a string value: 1");
        expect_fail(parse(&tp_int32_value, "null"),
                    "ParquetJsonFormat: value: Invalid null value for wrapper type: google.protobuf.Int32Value");
        if (parse(&tp_string_value, "'top'"))
                fail_msg("%s", err.msg);
        EXPECT_STR(show(&val), "{\"top\"}");

        p3_ok("{'mask':'a.fooBar,b'}", TP_P3_MASK, "{[\"a.foo_bar\",\"b\"]}");
        p3_ok("{'mask':''}", TP_P3_MASK, "{[]}");
        p3_ok("{'mask':',a,,B,'}", TP_P3_MASK, "{[\"a\",\"b\"]}");
        p3_ok("{'mask':'FooBar.bazQux,ABC'}", TP_P3_MASK, "{[\"foo_bar.baz_qux\",\"a_b_c\"]}");
        p3_ok("{'mask':'x\\u0041y'}", TP_P3_MASK, "{[\"x_ay\"]}");
        P3_FAIL("{'mask':['a']}", "value.mask: Failed to parse field mask: [\"a\"]");
}

static void test_depth(void **state) {
        (void)state;
        /* {"child":{"child":...{"v":1}...}}: n objects deep */
        static char buf[4096];
        for (int n = 99; n <= 101; n++) {
                size_t o = 0;
                for (int i = 0; i < n - 1; i++)
                        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "{\"child\":");
                o += (size_t)snprintf(buf + o, sizeof(buf) - o, "{\"v\":%d}", n);
                for (int i = 0; i < n - 1; i++)
                        buf[o++] = '}';
                buf[o] = '\0';
                strcpy(text, buf);
                int rc = parse_n(&tp_node, buf, o);
                if (n <= 100) {
                        if (rc)
                                fail_msg("depth %d: %s", n, err.msg);
                        const kco_value_t *v = &val;
                        for (int i = 0; i < n - 1; i++) {
                                assert_int_equal(v->u.c.items[1].type, KCO_TYPE_NULL);
                                v = &v->u.c.items[0];
                                assert_int_equal(v->type, KCO_TYPE_STRUCT);
                        }
                        assert_int_equal(v->u.c.items[0].type, KCO_TYPE_NULL);
                        assert_int_equal(v->u.c.items[1].u.i, n);
                } else {
                        expect_fail_part(rc, "ParquetJsonFormat: value: invalid JSON at byte 900: nested too deeply");
                }
        }
        /* deep arrays are bounded the same way, whatever the schema */
        size_t o = 0;
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "{\"rInt32\":");
        for (int i = 0; i < 200; i++)
                buf[o++] = '[';
        for (int i = 0; i < 200; i++)
                buf[o++] = ']';
        buf[o++] = '}';
        buf[o] = '\0';
        strcpy(text, buf);
        expect_fail_part(parse_n(&tp_all, buf, o), "nested too deeply");
}

static void test_invalid_json(void **state) {
        (void)state;
        expect_fail(parse(&tp_p3, "{'anInt':"),
                    "ParquetJsonFormat: value: invalid JSON at byte 9: unexpected end of input");
        expect_fail(parse(&tp_p3, "{'s':'\xff'}"),
                    "ParquetJsonFormat: value: invalid JSON at byte 6: invalid UTF-8 in string");
        P3_FAIL("{'s':'\xc3'}", "invalid UTF-8 in string");
        P3_FAIL("{'s':'\xed\xa0\x80'}", "invalid UTF-8 in string"); /* an encoded surrogate */
        P3_FAIL("{'s':'a'} x", "unexpected data after the JSON value");
        P3_FAIL("{'anInt':01}", "invalid JSON");
        P3_FAIL("{'anInt':NaN}", "invalid JSON");
        P3_FAIL("{anInt:1}", "invalid JSON");
        P3_FAIL("{'anInt':1,}", "invalid JSON");
        P3_FAIL("{'s':'tab\there'}", "control character in string");
        expect_fail(parse(&tp_p3, ""),
                    "ParquetJsonFormat: value: Expect message object but got: nothing (empty JSON text)");
        P3_FAIL("  \n", "Expect message object but got: nothing");
        expect_fail(parse(&tp_p3, "null"), "ParquetJsonFormat: value: Expect message object but got: null");
        expect_fail(parse(&tp_p3, "[1]"), "ParquetJsonFormat: value: Expect message object but got: [1]");
        P3_FAIL("'x'", "Expect message object but got: \"x\"");
        /* a NUL byte inside the text is not JSON */
        strcpy(text, "{}");
        expect_fail_part(parse_n(&tp_p3, "{}\0", 3), "invalid JSON");
        /* leading BOM and surrounding whitespace are fine */
        strcpy(text, "\xef\xbb\xbf {\"anInt\":3} \n");
        if (parse_n(&tp_p3, text, strlen(text)))
                fail_msg("%s", err.msg);
        EXPECT_STR(fld(TP_P3_AN_INT), "3");
}

static void test_error_text_clipping(void **state) {
        (void)state;
        /* long offending values are cut after 40 bytes, at a character boundary; quotes and controls escaped */
        expect_fail(parse(&tp_p3, "{'anInt':'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'}"),
                    "ParquetJsonFormat: value.an_int: Not an int32 value: "
                    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"");
        expect_fail(parse(&tp_p3, "{'anInt':'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9zzzz'}"),
                    "ParquetJsonFormat: value.an_int: Not an int32 value: "
                    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"");
        expect_fail(parse(&tp_p3, "{'anInt':'a\\'b\\n'}"),
                    "ParquetJsonFormat: value.an_int: Not an int32 value: \"a\\\"b\\u000a\"");
        expect_fail(parse(&tp_p3, "{'anInt':[1,\n 2]}"),
                    "ParquetJsonFormat: value.an_int: Not an int32 value: [1,  2]");
}

static void test_reuse_and_arena(void **state) {
        (void)state;
        /* one parser, many records; values stay valid after the next parse (the caller's arena is not reset) */
        kco_arena_t *a = kco_arena_new(1024);
        kco_value_t v1, v2;
        const char *t1 = "{\"s\":\"esc\\u0041ped\",\"mStrInner\":{\"k\\u0042\":{\"label\":\"L\\u0043\"}}}";
        const char *t2 = "{\"s\":\"other\"}";
        assert_int_equal(kco_proto_json_parse(pj, &tp_p3, t1, strlen(t1), a, &v1, &err), 0);
        assert_int_equal(kco_proto_json_parse(pj, &tp_p3, t2, strlen(t2), a, &v2, &err), 0);
        for (int i = 0; i < 50; i++) /* churn the parser's scratch */
                assert_int_equal(kco_proto_json_parse(pj, &tp_p3, t1, strlen(t1), arena, &val, &err), 0);
        EXPECT_STR(show(&v1.u.c.items[TP_P3_S]), "\"escAped\"");
        EXPECT_STR(show(&v1.u.c.items[TP_P3_M_STR_INNER]), "[{\"kB\",{\"LC\",[]}}]");
        EXPECT_STR(show(&v2.u.c.items[TP_P3_S]), "\"other\"");
        /* an error leaves out NULL */
        memset(&v2, 0x33, sizeof(v2));
        assert_int_equal(kco_proto_json_parse(pj, &tp_p3, "{\"x\":1}", 7, a, &v2, &err), -1);
        assert_int_equal(v2.type, KCO_TYPE_NULL);
        kco_arena_destroy(a);
}

/* JsonFormat has the whole text as a tree first: a name given twice counts once (its last value, at the place of
 * the first), and invalid JSON anywhere is the error, even after a bad field. The parser streams the text and
 * reads it again in two passes when that matters: the results must be the same. */
static void test_repeated_names_and_late_errors(void **state) {
        (void)state;
        /* the first value would fail, the last counts */
        all_ok("'fInt32':'bad','fInt32':5", TP_ALL_F_INT32, "5");
        all_ok("'fInner':{'id':'x'},'fInner':{'id':2}", TP_ALL_F_INNER, "{null,2}");
        all_ok("'fInner':{'id':1,'name':'a','id':2}", TP_ALL_F_INNER, "{\"a\",2}");
        all_ok("'rInner':[{'id':1,'id':2},{'id':3}]", TP_ALL_R_INNER, "[{null,2},{null,3}]");
        /* an unknown name stays unknown, whatever comes after it */
        ALL_FAIL("'nope':1,'fInt32':2,'nope':3", "value: Cannot find field: nope in message test.All");
        /* the oneof conflict goes away when the second member's last value is null */
        all_ok("'oStr':'a','oInt':1,'oInt':null", TP_ALL_O_STR, "\"a\"");
        assert_int_equal(item(TP_ALL_O_INT)->type, KCO_TYPE_NULL);
        /* ... and stays when it is not */
        ALL_FAIL("'oStr':'a','oInt':null,'oInt':1", "Cannot set field test.All.o_int because another field");
        /* the folded member sits where its name came first: fInt32 (2) is set before f_int32 (null) is seen */
        ALL_FAIL("'fInt32':1,'f_int32':null,'fInt32':2", "value.f_int32: Field test.All.f_int32 has already been set.");
        /* which error comes first follows the folded order too: fInt32 (its last value 'x') before fBool */
        ALL_FAIL("'fInt32':1,'fBool':'no','fInt32':'x'", "value.f_int32: Not an int32 value: \"x\"");
        /* invalid JSON after a field that is wrong: the JSON error */
        expect_fail(parse_all("'fInt32':'bad','fBool':}"),
                    "ParquetJsonFormat: value: invalid JSON at byte 34: unexpected character");
        expect_fail(parse_all("'nope':1,'fBool':tru}"),
                    "ParquetJsonFormat: value: invalid JSON at byte 28: invalid literal");
        ALL_FAIL("'fInner':{'id':'x'},'rInt32':[1,]", "invalid JSON");
        ALL_FAIL("'fInner':{'id':'x'}} ", "unexpected data after the JSON value");
        /* repeated map keys, past the size at which they are hashed */
        char buf[2048];
        size_t o = 0;
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "'mStrInt':{");
        for (int i = 0; i < 20; i++)
                o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s'k%d':%d", i ? "," : "", i, i);
        snprintf(buf + o, sizeof(buf) - o, ",'k3':33,'k19':'19'}");
        all_ok(buf, TP_ALL_M_STR_INT,
               "[{\"k0\",0},{\"k1\",1},{\"k2\",2},{\"k3\",33},{\"k4\",4},{\"k5\",5},{\"k6\",6},{\"k7\",7},{\"k8\",8},"
               "{\"k9\",9},{\"k10\",10},{\"k11\",11},{\"k12\",12},{\"k13\",13},{\"k14\",14},{\"k15\",15},{\"k16\",16},"
               "{\"k17\",17},{\"k18\",18},{\"k19\",19}]");
}

/* Member names: escapes, whitespace, any order, and a name two fields share (JsonFormat's fieldNameMap: name,
 * then json_name, field by field, so the later field has it). */
static void test_member_names(void **state) {
        (void)state;
        all_ok("'f\\u0049nt32':7", TP_ALL_F_INT32, "7");
        all_ok("'f_\\u0069nt32':8", TP_ALL_F_INT32, "8");
        all_ok("'f\\u0049nt32':7,'fInt32':8", TP_ALL_F_INT32, "8"); /* the same name: a repeat */
        ALL_FAIL("'f\\u0049nt32':7,'f_int32':8", "Field test.All.f_int32 has already been set.");
        if (parse(&tp_all, " {\n\t'reqId' :\r 1 ,\n 'fInt32'\t: 7 , 'rInt32' : [ 1 , 2 ] ,"
                           " 'fInner' : { 'id' : 3 } }\n"))
                fail_msg("%s", err.msg);
        EXPECT_STR(fld(TP_ALL_F_INT32), "7");
        EXPECT_STR(fld(TP_ALL_R_INT32), "[1,2]");
        EXPECT_STR(fld(TP_ALL_F_INNER), "{null,3}");
        /* reverse field order */
        all_ok("'nv':null,'fNode':{'v':2},'customName':3,'fString':'s','fDouble':0.5", TP_ALL_F_DOUBLE, "0.5");
        EXPECT_STR(fld(TP_ALL_RENAMED), "3");
        EXPECT_STR(fld(TP_ALL_F_STRING), "\"s\"");

        static const kco_proto_field_t amb_fields[] = {
                TP_F("a_b", "aB", 1, OPTIONAL, INT32, 1, -1, NULL, NULL, 0),
                TP_F("aB", "x", 2, OPTIONAL, INT32, 1, -1, NULL, NULL, 0),
        };
        static const kco_proto_msg_t amb = TP_MSG("test.Amb", "Amb", 0, 0, KCO_PROTO_WKT_NONE, amb_fields, 2, NULL, 0);
        if (parse(&amb, "{'aB':1}"))
                fail_msg("%s", err.msg);
        EXPECT_STR(show(&val), "{null,1}");
        if (parse(&amb, "{'a_b':1,'x':2}"))
                fail_msg("%s", err.msg);
        EXPECT_STR(show(&val), "{1,2}");
        expect_fail(parse(&amb, "{'x':1,'aB':2}"),
                    "ParquetJsonFormat: value.aB: Field test.Amb.aB has already been set.");
}

/* A message with more fields than the streaming reader tracks (64) is read in two passes, with the same rules. */
static void test_wide_message(void **state) {
        (void)state;
        enum { WIDE = 70 };
        static kco_proto_field_t fields[WIDE];
        static char names[WIDE][16];
        for (int i = 0; i < WIDE; i++) {
                snprintf(names[i], sizeof(names[i]), "f%d", i);
                fields[i] = (kco_proto_field_t)TP_F(names[i], names[i], i + 1, OPTIONAL, INT32, 1, -1, NULL, NULL, 0);
        }
        fields[WIDE - 1].json_name = "fLast";
        static const kco_proto_msg_t wide =
                TP_MSG("test.Wide", "Wide", 0, 0, KCO_PROTO_WKT_NONE, fields, WIDE, NULL, 0);
        if (parse(&wide, "{'fLast':null,'f69':1,'f0':2,'f3':4,'f0':5}"))
                fail_msg("%s", err.msg);
        assert_int_equal(item(0)->u.i, 5);
        assert_int_equal(item(3)->u.i, 4);
        assert_int_equal(item(69)->u.i, 1);
        assert_int_equal(item(1)->type, KCO_TYPE_NULL);
        expect_fail(parse(&wide, "{'f1':1,'f70':2}"),
                    "ParquetJsonFormat: value: Cannot find field: f70 in message test.Wide");
        expect_fail(parse(&wide, "{'f69':1,'fLast':2}"),
                    "ParquetJsonFormat: value.f69: Field test.Wide.f69 has already been set.");
        expect_fail(parse(&wide, "{'f1':'x','f1':[}"),
                    "ParquetJsonFormat: value: invalid JSON at byte 16: unexpected character");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_proto2_all_types),
                cmocka_unit_test(test_int_text),
                cmocka_unit_test(test_int64_extremes),
                cmocka_unit_test(test_floats),
                cmocka_unit_test(test_bool_string_bytes),
                cmocka_unit_test(test_enums),
                cmocka_unit_test(test_repeated),
                cmocka_unit_test(test_maps),
                cmocka_unit_test(test_oneof),
                cmocka_unit_test(test_names_and_duplicates),
                cmocka_unit_test(test_required),
                cmocka_unit_test(test_proto3),
                cmocka_unit_test(test_timestamp),
                cmocka_unit_test(test_duration),
                cmocka_unit_test(test_wrappers_and_field_mask),
                cmocka_unit_test(test_depth),
                cmocka_unit_test(test_numbers_match_strtod),
                cmocka_unit_test(test_invalid_json),
                cmocka_unit_test(test_error_text_clipping),
                cmocka_unit_test(test_reuse_and_arena),
                cmocka_unit_test(test_repeated_names_and_late_errors),
                cmocka_unit_test(test_member_names),
                cmocka_unit_test(test_wide_message),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
