/*
 * test_proto.c - unit tests for src/record/kco_proto*.c: loading .proto files
 * (through protoc) and descriptor sets, Java class names, field attributes,
 * enums, well-known types, the messages kco_proto_find refuses, errors, and
 * the text format of a message's DescriptorProto.
 * Fixtures: tests/unit/data/proto (the tests run from the repo root).
 * Owns: the schemas and temporary directories each test creates.
 * Single-threaded. Must never: depend on test order, or leave files behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/kco_buf.h"
#include "google/protobuf/descriptor.pb-c.h"
#include "record/kco_proto.h"

#define DATA "tests/unit/data/proto"
#define TEST_MESSAGE "com.aliyun.oss.connect.kafka.format.parquet.Parquet$TestMessage"

/* ---------------------------------------------------------------- helpers */

static kco_proto_t *load_ok(const char *path) {
        kco_proto_t *p = kco_proto_new();
        kco_err_t err;
        kco_err_clear(&err);
        if (kco_proto_load(p, path, &err) != 0)
                fail_msg("load %s: %s", path, err.msg);
        return p;
}

static const kco_proto_msg_t *find_ok(const kco_proto_t *p, const char *name) {
        kco_err_t err;
        kco_err_clear(&err);
        const kco_proto_msg_t *m = kco_proto_find(p, name, &err);
        if (!m)
                fail_msg("find %s: %s", name, err.msg);
        return m;
}

/* Asserts that finding name fails with a KCO_ERR_CONFIG message containing every given part. */
static void find_err(const kco_proto_t *p, const char *name, ...) {
        kco_err_t err;
        kco_err_clear(&err);
        const kco_proto_msg_t *m = kco_proto_find(p, name, &err);
        if (m)
                fail_msg("find %s: found %s", name, m->full_name);
        assert_int_equal(err.code, KCO_ERR_CONFIG);
        va_list ap;
        va_start(ap, name);
        for (const char *part = va_arg(ap, const char *); part; part = va_arg(ap, const char *))
                if (!strstr(err.msg, part))
                        fail_msg("error for %s lacks \"%s\": %s", name, part, err.msg);
        va_end(ap);
}

static const kco_proto_field_t *field(const kco_proto_msg_t *m, const char *name) {
        for (size_t i = 0; i < m->nfields; i++)
                if (strcmp(m->fields[i].name, name) == 0)
                        return &m->fields[i];
        fail_msg("%s has no field %s", m->full_name, name);
        return NULL;
}

static char *make_tmpdir(void) {
        const char *t = getenv("TMPDIR");
        char *path;
        if (asprintf(&path, "%s/kco-test-proto-XXXXXX", t && t[0] ? t : "/tmp") < 0)
                fail_msg("asprintf");
        if (!mkdtemp(path))
                fail_msg("mkdtemp: %s", strerror(errno));
        return path;
}

static char *path_in(const char *dir, const char *name) {
        char *path;
        if (asprintf(&path, "%s/%s", dir, name) < 0)
                fail_msg("asprintf");
        return path;
}

static void write_file(const char *dir, const char *name, const void *data, size_t len) {
        char *path = path_in(dir, name);
        FILE *f = fopen(path, "wb");
        if (!f)
                fail_msg("open %s: %s", path, strerror(errno));
        assert_int_equal(fwrite(data, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
        free(path);
}

/* Removes the given files of dir, then dir. */
static void remove_dir(char *dir, const char *const *files) {
        for (; *files; files++) {
                char *path = path_in(dir, *files);
                unlink(path);
                free(path);
        }
        assert_int_equal(rmdir(dir), 0);
        free(dir);
}

/* Runs a command (no shell); returns its exit status. */
static int run(char *const argv[]) {
        pid_t pid = fork();
        if (pid == 0) {
                execvp(argv[0], argv);
                _exit(127);
        }
        assert_true(pid > 0);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Every *.proto of the fixture directory, relative to it (kept in step with the fixtures). */
static const char *const fixture_files[] = {
        "clash.proto",      "defaults.proto", "foo_bar-baz2x.proto", "java_opts.proto",        "multi_files.proto",
        "nested_clash.proto", "parquet.proto", "refused.proto",      "sub/common/types.proto", "sub/orders/order3.proto",
};

/* Messages compared between loads. */
static const char *const compared[] = {
        TEST_MESSAGE,
        "com.example.javaopts.JavaOptsProto$Order",
        "acme.orders.Order3",
        "com.example.multi.Alpha",
        "acme.defaults.Defaults",
        "acme.refused.Diamond",
        "NestedClashOuterClass$Holder",
};

static void assert_same_msg(const kco_proto_msg_t *a, const kco_proto_msg_t *b, int depth) {
        assert_string_equal(a->full_name, b->full_name);
        assert_string_equal(a->name, b->name);
        assert_string_equal(a->java_class, b->java_class);
        assert_int_equal(a->proto3, b->proto3);
        assert_int_equal(a->map_entry, b->map_entry);
        assert_int_equal(a->wkt, b->wkt);
        assert_string_equal(a->descriptor_text, b->descriptor_text);
        assert_int_equal(a->noneofs, b->noneofs);
        for (size_t i = 0; i < a->noneofs; i++)
                assert_string_equal(a->oneofs[i], b->oneofs[i]);
        assert_int_equal(a->nfields, b->nfields);
        for (size_t i = 0; i < a->nfields; i++) {
                const kco_proto_field_t *x = &a->fields[i], *y = &b->fields[i];
                assert_string_equal(x->name, y->name);
                assert_string_equal(x->json_name, y->json_name);
                assert_int_equal(x->number, y->number);
                assert_int_equal(x->label, y->label);
                assert_int_equal(x->type, y->type);
                assert_int_equal(x->has_presence, y->has_presence);
                assert_int_equal(x->oneof, y->oneof);
                assert_int_equal(x->is_map, y->is_map);
                assert_int_equal(x->msg != NULL, y->msg != NULL);
                assert_int_equal(x->en != NULL, y->en != NULL);
                if (x->en) {
                        assert_string_equal(x->en->full_name, y->en->full_name);
                        assert_int_equal(x->en->closed, y->en->closed);
                        assert_int_equal(x->en->nvalues, y->en->nvalues);
                }
                if (x->msg && depth < 4)
                        assert_same_msg(x->msg, y->msg, depth + 1);
        }
}

/* ---------------------------------------------------------------- the Java connector's example */

static const char test_message_text[] = "name: \"TestMessage\"\n"
                                        "field {\n"
                                        "  name: \"boolean\"\n"
                                        "  number: 1\n"
                                        "  label: LABEL_OPTIONAL\n"
                                        "  type: TYPE_BOOL\n"
                                        "}\n"
                                        "field {\n"
                                        "  name: \"int\"\n"
                                        "  number: 2\n"
                                        "  label: LABEL_OPTIONAL\n"
                                        "  type: TYPE_INT32\n"
                                        "}\n"
                                        "field {\n"
                                        "  name: \"long\"\n"
                                        "  number: 3\n"
                                        "  label: LABEL_OPTIONAL\n"
                                        "  type: TYPE_INT64\n"
                                        "}\n"
                                        "field {\n"
                                        "  name: \"float\"\n"
                                        "  number: 4\n"
                                        "  label: LABEL_OPTIONAL\n"
                                        "  type: TYPE_FLOAT\n"
                                        "}\n"
                                        "field {\n"
                                        "  name: \"double\"\n"
                                        "  number: 5\n"
                                        "  label: LABEL_OPTIONAL\n"
                                        "  type: TYPE_DOUBLE\n"
                                        "}\n"
                                        "field {\n"
                                        "  name: \"map1\"\n"
                                        "  number: 6\n"
                                        "  label: LABEL_REPEATED\n"
                                        "  type: TYPE_MESSAGE\n"
                                        "  type_name: \".com.aliyun.oss.connect.kafka.format.parquet.TestMessage.Map1Entry\"\n"
                                        "}\n"
                                        "field {\n"
                                        "  name: \"map2\"\n"
                                        "  number: 7\n"
                                        "  label: LABEL_REPEATED\n"
                                        "  type: TYPE_MESSAGE\n"
                                        "  type_name: \".com.aliyun.oss.connect.kafka.format.parquet.TestMessage.Map2Entry\"\n"
                                        "}\n"
                                        "field {\n"
                                        "  name: \"list1\"\n"
                                        "  number: 8\n"
                                        "  label: LABEL_REPEATED\n"
                                        "  type: TYPE_STRING\n"
                                        "}\n"
                                        "field {\n"
                                        "  name: \"list2\"\n"
                                        "  number: 9\n"
                                        "  label: LABEL_REPEATED\n"
                                        "  type: TYPE_STRING\n"
                                        "}\n"
                                        "nested_type {\n"
                                        "  name: \"Map1Entry\"\n"
                                        "  field {\n"
                                        "    name: \"key\"\n"
                                        "    number: 1\n"
                                        "    label: LABEL_OPTIONAL\n"
                                        "    type: TYPE_STRING\n"
                                        "  }\n"
                                        "  field {\n"
                                        "    name: \"value\"\n"
                                        "    number: 2\n"
                                        "    label: LABEL_OPTIONAL\n"
                                        "    type: TYPE_STRING\n"
                                        "  }\n"
                                        "  options {\n"
                                        "    map_entry: true\n"
                                        "  }\n"
                                        "}\n"
                                        "nested_type {\n"
                                        "  name: \"Map2Entry\"\n"
                                        "  field {\n"
                                        "    name: \"key\"\n"
                                        "    number: 1\n"
                                        "    label: LABEL_OPTIONAL\n"
                                        "    type: TYPE_STRING\n"
                                        "  }\n"
                                        "  field {\n"
                                        "    name: \"value\"\n"
                                        "    number: 2\n"
                                        "    label: LABEL_OPTIONAL\n"
                                        "    type: TYPE_STRING\n"
                                        "  }\n"
                                        "  options {\n"
                                        "    map_entry: true\n"
                                        "  }\n"
                                        "}\n";

static void check_test_message(const kco_proto_msg_t *m) {
        assert_string_equal(m->full_name, "com.aliyun.oss.connect.kafka.format.parquet.TestMessage");
        assert_string_equal(m->name, "TestMessage");
        assert_string_equal(m->java_class, TEST_MESSAGE);
        assert_int_equal(m->proto3, 0);
        assert_int_equal(m->map_entry, 0);
        assert_int_equal(m->wkt, KCO_PROTO_WKT_NONE);
        assert_int_equal(m->noneofs, 0);
        assert_int_equal(m->nfields, 9);
        static const struct {
                const char *name;
                kco_proto_type_t type;
                kco_proto_label_t label;
        } want[] = {
                {"boolean", KCO_PROTO_BOOL, KCO_PROTO_LABEL_OPTIONAL},
                {"int", KCO_PROTO_INT32, KCO_PROTO_LABEL_OPTIONAL},
                {"long", KCO_PROTO_INT64, KCO_PROTO_LABEL_OPTIONAL},
                {"float", KCO_PROTO_FLOAT, KCO_PROTO_LABEL_OPTIONAL},
                {"double", KCO_PROTO_DOUBLE, KCO_PROTO_LABEL_OPTIONAL},
                {"map1", KCO_PROTO_MESSAGE, KCO_PROTO_LABEL_REPEATED},
                {"map2", KCO_PROTO_MESSAGE, KCO_PROTO_LABEL_REPEATED},
                {"list1", KCO_PROTO_STRING, KCO_PROTO_LABEL_REPEATED},
                {"list2", KCO_PROTO_STRING, KCO_PROTO_LABEL_REPEATED},
        };
        for (size_t i = 0; i < 9; i++) {
                const kco_proto_field_t *f = &m->fields[i];
                assert_string_equal(f->name, want[i].name);
                assert_string_equal(f->json_name, want[i].name);
                assert_int_equal(f->number, (int)i + 1);
                assert_int_equal(f->type, want[i].type);
                assert_int_equal(f->label, want[i].label);
                /* proto2: every singular field has presence; repeated ones and maps never */
                assert_int_equal(f->has_presence, f->label != KCO_PROTO_LABEL_REPEATED);
                assert_int_equal(f->oneof, -1);
                assert_int_equal(f->is_map, i == 5 || i == 6);
                assert_null(f->en);
        }
        const kco_proto_msg_t *e = m->fields[5].msg;
        assert_non_null(e);
        assert_int_equal(e->map_entry, 1);
        assert_string_equal(e->full_name, "com.aliyun.oss.connect.kafka.format.parquet.TestMessage.Map1Entry");
        assert_string_equal(e->java_class, TEST_MESSAGE "$Map1Entry");
        assert_int_equal(e->nfields, 2);
        assert_string_equal(e->fields[0].name, "key");
        assert_int_equal(e->fields[0].type, KCO_PROTO_STRING);
        assert_string_equal(e->fields[1].name, "value");
        assert_int_equal(e->fields[1].type, KCO_PROTO_STRING);
        assert_ptr_not_equal(m->fields[6].msg, e);
        assert_string_equal(m->descriptor_text, test_message_text);
}

static void test_java_example(void **state) {
        (void)state;
        kco_proto_t *p = load_ok(DATA);
        const kco_proto_msg_t *m = find_ok(p, TEST_MESSAGE);
        check_test_message(m);
        /* the same message by '.' instead of '$', by full name, by full name with a leading dot */
        assert_ptr_equal(find_ok(p, "com.aliyun.oss.connect.kafka.format.parquet.Parquet.TestMessage"), m);
        assert_ptr_equal(find_ok(p, "com.aliyun.oss.connect.kafka.format.parquet.TestMessage"), m);
        assert_ptr_equal(find_ok(p, ".com.aliyun.oss.connect.kafka.format.parquet.TestMessage"), m);
        kco_proto_destroy(p);

        /* the single file gives the same */
        p = load_ok(DATA "/parquet.proto");
        check_test_message(find_ok(p, TEST_MESSAGE));
        kco_proto_destroy(p);
}

/* ---------------------------------------------------------------- Java names */

static void test_java_names(void **state) {
        (void)state;
        kco_proto_t *p = load_ok(DATA);
        /* java_package + java_outer_classname, nested */
        const kco_proto_msg_t *order = find_ok(p, "com.example.javaopts.JavaOptsProto$Order");
        assert_string_equal(order->full_name, "acme.opts.Order");
        const kco_proto_msg_t *inner = find_ok(p, "com.example.javaopts.JavaOptsProto$Order$Line$Inner");
        assert_string_equal(inner->full_name, "acme.opts.Order.Line.Inner");
        assert_string_equal(inner->name, "Inner");
        assert_ptr_equal(find_ok(p, "com.example.javaopts.JavaOptsProto.Order.Line.Inner"), inner);
        assert_ptr_equal(find_ok(p, "acme.opts.Order.Line.Inner"), inner);
        /* java_multiple_files: top-level messages without the outer class */
        const kco_proto_msg_t *alpha = find_ok(p, "com.example.multi.Alpha");
        assert_string_equal(alpha->full_name, "acme.multi.Alpha");
        assert_string_equal(find_ok(p, "com.example.multi.Alpha$Beta")->full_name, "acme.multi.Alpha.Beta");
        assert_string_equal(find_ok(p, "com.example.multi.Alpha.Beta")->java_class, "com.example.multi.Alpha$Beta");
        find_err(p, "com.example.multi.MultiFiles$Alpha", "com.example.multi.MultiFiles$Alpha", "not found", NULL);
        /* the outer class clashes with a message: OuterClass appended (top-level, nested, file name = message) */
        assert_string_equal(find_ok(p, "acme.clash.Clash")->java_class, "acme.clash.ClashOuterClass$Clash");
        find_err(p, "acme.clash.Clash$Clash", "not found", NULL);
        assert_string_equal(find_ok(p, "Holder.NestedClash")->java_class, "NestedClashOuterClass$Holder$NestedClash");
        assert_string_equal(find_ok(p, "acme.orders.Order3")->java_class, "acme.orders.Order3OuterClass$Order3");
        /* snake_case file name with a dash and a digit; java_package only */
        assert_string_equal(find_ok(p, "acme.snake.FooBarBaz2X$SnakeMsg")->full_name, "acme.snake.SnakeMsg");
        assert_string_equal(find_ok(p, "com.example.common.Types$Money")->full_name, "acme.common.Money");
        assert_string_equal(find_ok(p, "acme.defaults.DefaultsOuterClass$Defaults")->name, "Defaults");
        /* close but wrong */
        find_err(p, "com.example.javaopts.JavaOptsProto$order", "not found", NULL);
        find_err(p, "com.example.javaopts.JavaOptsProto", "not found", NULL);
        find_err(p, "acme.opts", "not found", NULL);
        find_err(p, "", "no name", NULL);
        kco_proto_destroy(p);
}

/* ---------------------------------------------------------------- proto2: nested, enums, groups, required */

static void test_proto2_fields(void **state) {
        (void)state;
        kco_proto_t *p = load_ok(DATA);
        const kco_proto_msg_t *m = find_ok(p, "com.example.javaopts.JavaOptsProto$Order");
        assert_int_equal(m->proto3, 0);
        assert_int_equal(m->nfields, 4);
        const kco_proto_field_t *id = field(m, "id");
        assert_int_equal(id->label, KCO_PROTO_LABEL_REQUIRED);
        assert_int_equal(id->has_presence, 1);
        const kco_proto_field_t *st = field(m, "status");
        assert_int_equal(st->type, KCO_PROTO_ENUM);
        assert_int_equal(st->has_presence, 1);
        assert_non_null(st->en);
        assert_string_equal(st->en->full_name, "acme.opts.Order.Status");
        assert_string_equal(st->en->name, "Status");
        assert_int_equal(st->en->closed, 1);
        assert_int_equal(st->en->nvalues, 3);
        assert_string_equal(st->en->values[0].name, "PENDING");
        assert_int_equal(st->en->values[0].number, 0);
        assert_string_equal(st->en->values[1].name, "SHIPPED");
        assert_int_equal(st->en->values[1].number, 5);
        assert_string_equal(st->en->values[2].name, "DELIVERED");
        assert_int_equal(st->en->values[2].number, 7);
        const kco_proto_field_t *lines = field(m, "lines");
        assert_int_equal(lines->label, KCO_PROTO_LABEL_REPEATED);
        assert_int_equal(lines->type, KCO_PROTO_MESSAGE);
        assert_int_equal(lines->is_map, 0);
        assert_int_equal(lines->has_presence, 0);
        assert_string_equal(lines->msg->full_name, "acme.opts.Order.Line");
        assert_string_equal(lines->msg->java_class, "com.example.javaopts.JavaOptsProto$Order$Line");
        const kco_proto_field_t *inner = field(lines->msg, "inner");
        assert_string_equal(inner->msg->full_name, "acme.opts.Order.Line.Inner");
        assert_int_equal(field(inner->msg, "blob")->type, KCO_PROTO_BYTES);
        /* a group behaves as a message field */
        const kco_proto_field_t *extra = field(m, "extra");
        assert_int_equal(extra->type, KCO_PROTO_GROUP);
        assert_int_equal(extra->has_presence, 1);
        assert_non_null(extra->msg);
        assert_string_equal(extra->msg->full_name, "acme.opts.Order.Extra");
        assert_string_equal(extra->msg->fields[0].name, "note");
        assert_non_null(strstr(m->descriptor_text, "  type: TYPE_GROUP\n  type_name: \".acme.opts.Order.Extra\"\n"));
        assert_non_null(strstr(m->descriptor_text, "  default_value: \"SHIPPED\"\n"));
        assert_non_null(strstr(m->descriptor_text, "enum_type {\n  name: \"Status\"\n  value {\n    name: \"PENDING\"\n"
                                                   "    number: 0\n  }\n"));
        kco_proto_destroy(p);
}

/* ---------------------------------------------------------------- proto3: presence, oneofs, maps, WKT */

static void test_proto3_fields(void **state) {
        (void)state;
        kco_proto_t *p = load_ok(DATA);
        const kco_proto_msg_t *m = find_ok(p, "acme.orders.Order3OuterClass$Order3");
        assert_int_equal(m->proto3, 1);
        assert_int_equal(m->nfields, 16);
        /* declaration order */
        assert_string_equal(m->fields[0].name, "id");
        assert_string_equal(m->fields[15].name, "maybe_price");
        /* one real oneof; the synthetic _qty and _maybe_price are not listed */
        assert_int_equal(m->noneofs, 1);
        assert_string_equal(m->oneofs[0], "payment");

        const kco_proto_field_t *f = field(m, "id");
        assert_int_equal(f->has_presence, 0);
        assert_int_equal(f->oneof, -1);
        f = field(m, "qty");
        assert_int_equal(f->has_presence, 1);
        assert_int_equal(f->oneof, -1);
        assert_int_equal(f->label, KCO_PROTO_LABEL_OPTIONAL);
        f = field(m, "card");
        assert_int_equal(f->has_presence, 1);
        assert_int_equal(f->oneof, 0);
        f = field(m, "account");
        assert_int_equal(f->type, KCO_PROTO_INT64);
        assert_int_equal(f->has_presence, 1);
        assert_int_equal(f->oneof, 0);
        f = field(m, "maybe_price");
        assert_int_equal(f->has_presence, 1);
        assert_int_equal(f->oneof, -1);

        /* maps */
        f = field(m, "counts");
        assert_int_equal(f->is_map, 1);
        assert_int_equal(f->label, KCO_PROTO_LABEL_REPEATED);
        assert_int_equal(f->type, KCO_PROTO_MESSAGE);
        assert_int_equal(f->has_presence, 0);
        assert_int_equal(f->msg->map_entry, 1);
        assert_string_equal(f->msg->full_name, "acme.orders.Order3.CountsEntry");
        assert_int_equal(f->msg->fields[0].type, KCO_PROTO_STRING);
        assert_int_equal(f->msg->fields[1].type, KCO_PROTO_INT32);
        f = field(m, "by_id");
        assert_int_equal(f->is_map, 1);
        assert_string_equal(f->json_name, "byId");
        assert_int_equal(f->msg->fields[0].type, KCO_PROTO_INT64);
        assert_int_equal(f->msg->fields[1].type, KCO_PROTO_MESSAGE);
        assert_string_equal(f->msg->fields[1].msg->full_name, "acme.common.Money");
        f = field(m, "tags");
        assert_int_equal(f->is_map, 0);
        assert_int_equal(f->has_presence, 0);

        /* json names: protoc's, and the option */
        assert_string_equal(field(m, "created_at")->json_name, "createdAt");
        assert_string_equal(field(m, "renamed")->json_name, "customName");
        assert_string_equal(field(m, "maybe_price")->json_name, "maybePrice");

        /* well-known types and imports */
        f = field(m, "created_at");
        assert_int_equal(f->has_presence, 1);
        assert_int_equal(f->msg->wkt, KCO_PROTO_WKT_TIMESTAMP);
        assert_string_equal(f->msg->full_name, "google.protobuf.Timestamp");
        assert_string_equal(f->msg->java_class, "com.google.protobuf.Timestamp");
        assert_int_equal(field(m, "ttl")->msg->wkt, KCO_PROTO_WKT_DURATION);
        assert_int_equal(field(m, "mask")->msg->wkt, KCO_PROTO_WKT_FIELD_MASK);
        f = field(m, "maybe");
        assert_int_equal(f->msg->wkt, KCO_PROTO_WKT_WRAPPER);
        assert_string_equal(f->msg->fields[0].name, "value");
        assert_int_equal(f->msg->fields[0].type, KCO_PROTO_INT64);
        f = field(m, "price");
        assert_int_equal(f->msg->wkt, KCO_PROTO_WKT_NONE);
        assert_string_equal(f->msg->java_class, "com.example.common.Types$Money");
        assert_string_equal(field(f->msg, "currency_code")->json_name, "currencyCode");
        static const char *const wrappers[] = {"Double", "Float", "Int64", "UInt64", "Int32",
                                               "UInt32", "Bool",  "String", "Bytes"};
        for (size_t i = 0; i < 9; i++) {
                char name[64];
                snprintf(name, sizeof(name), "google.protobuf.%sValue", wrappers[i]);
                assert_int_equal(find_ok(p, name)->wkt, KCO_PROTO_WKT_WRAPPER);
        }
        assert_int_equal(find_ok(p, "google.protobuf.Timestamp")->wkt, KCO_PROTO_WKT_TIMESTAMP);

        /* open enums (proto3), imported and nested */
        f = field(m, "cur");
        assert_int_equal(f->type, KCO_PROTO_ENUM);
        assert_int_equal(f->has_presence, 0);
        assert_string_equal(f->en->full_name, "acme.common.Currency");
        assert_int_equal(f->en->closed, 0);
        assert_int_equal(f->en->nvalues, 3);
        assert_string_equal(f->en->values[0].name, "CURRENCY_UNSPECIFIED");
        f = field(m, "status");
        assert_string_equal(f->en->full_name, "acme.orders.Order3.Status");
        assert_int_equal(f->en->closed, 0);

        assert_non_null(strstr(m->descriptor_text, "oneof_decl {\n  name: \"payment\"\n}\n"
                                                   "oneof_decl {\n  name: \"_qty\"\n}\n"));
        assert_non_null(strstr(m->descriptor_text, "  oneof_index: 1\n  proto3_optional: true\n"));
        assert_null(strstr(m->descriptor_text, "json_name: \"qty\""));
        assert_non_null(strstr(m->descriptor_text, "  json_name: \"customName\"\n"));

        /* java_multiple_files with proto3 message fields */
        const kco_proto_msg_t *alpha = find_ok(p, "com.example.multi.Alpha");
        assert_int_equal(field(alpha, "beta")->has_presence, 1);
        assert_int_equal(field(alpha, "name")->has_presence, 0);
        kco_proto_destroy(p);
}

/* ---------------------------------------------------------------- text format escapes */

static void test_text_escapes(void **state) {
        (void)state;
        kco_proto_t *p = load_ok(DATA);
        const kco_proto_msg_t *m = find_ok(p, "acme.defaults.Defaults");
        /* string defaults as written; UTF-8 bytes and control characters in octal, ' " \ escaped */
        assert_non_null(strstr(m->descriptor_text, "  default_value: \"a\\\"b\\'c\\\\d\\n\\te\\001\\303\\251\"\n"));
        /* bytes defaults are C-escaped by protoc; the escapes themselves are escaped again */
        assert_non_null(strstr(m->descriptor_text, "  default_value: \"\\\\000\\\\377z\"\n"));
        assert_non_null(strstr(m->descriptor_text, "  type: TYPE_SINT64\n  default_value: \"-7\"\n"));
        kco_proto_destroy(p);
}

/* ---------------------------------------------------------------- refused messages */

static void test_refused(void **state) {
        (void)state;
        kco_proto_t *p = load_ok(DATA);
        find_err(p, "acme.refused.Node", "acme.refused.Node", "field next", "recursive", NULL);
        find_err(p, "acme.refused.HoldsNode", "acme.refused.HoldsNode", "field w.node.next", "acme.refused.Node",
                 "recursive", NULL);
        find_err(p, "acme.refused.Wrapper", "field node.next", "recursive", NULL);
        find_err(p, "acme.refused.PingA", "field b.a", "acme.refused.PingA", "recursive", NULL);
        find_err(p, "acme.refused.Refused$PingB", "acme.refused.PingB", "field a.b", "recursive", NULL);
        find_err(p, "acme.refused.HasAny", "acme.refused.HasAny", "field payload", "google.protobuf.Any", NULL);
        find_err(p, "acme.refused.HasStruct", "field attrs.value", "google.protobuf.Value", NULL);
        find_err(p, "acme.refused.HasEmpty", "field nothing", "google.protobuf.Empty", "no fields", NULL);
        find_err(p, "acme.refused.HasNoFields", "field none", "acme.refused.NoFields", "no fields", NULL);
        find_err(p, "acme.refused.NoFields", "acme.refused.NoFields", "no fields", NULL);
        find_err(p, "google.protobuf.Any", "google.protobuf.Any", "not supported", NULL);
        find_err(p, "google.protobuf.Struct", "google.protobuf.Struct", "not supported", NULL);
        find_err(p, "google.protobuf.Empty", "no fields", NULL);
        /* a message used twice (no cycle) is fine */
        const kco_proto_msg_t *d = find_ok(p, "acme.refused.Refused$Diamond");
        assert_ptr_equal(d->fields[0].msg, d->fields[1].msg);
        assert_ptr_equal(d->fields[0].msg, d->fields[2].msg);
        assert_non_null(find_ok(p, "acme.refused.Shared"));
        kco_proto_destroy(p);
}

/* ---------------------------------------------------------------- lookups that fail */

static void test_not_found(void **state) {
        (void)state;
        kco_proto_t *p = load_ok(DATA "/parquet.proto");
        find_err(p, "com.example.Missing", "com.example.Missing", "not found",
                 "loaded: com.aliyun.oss.connect.kafka.format.parquet.Parquet$TestMessage)", NULL);
        kco_proto_destroy(p);

        p = load_ok(DATA);
        /* at most ten names (as many as fit), then how many more; no map entries, no google.protobuf types */
        kco_err_t err;
        assert_null(kco_proto_find(p, "x.Y", &err));
        assert_non_null(strstr(err.msg, "protobuf message class x.Y not found"));
        assert_non_null(strstr(err.msg, "loaded: acme.clash.ClashOuterClass$Clash, "));
        size_t len = strlen(err.msg);
        assert_true(len > 7 && len < sizeof(err.msg) - 1);
        assert_string_equal(err.msg + len - 7, " more))");
        assert_null(strstr(err.msg, "Entry"));
        assert_null(strstr(err.msg, "com.google.protobuf"));
        size_t commas = 0;
        for (const char *c = err.msg; *c; c++)
                commas += *c == ',';
        assert_true(commas >= 5 && commas <= 10);
        kco_proto_destroy(p);

        p = kco_proto_new();
        find_err(p, "a.B", "a.B", "no message loaded", NULL);
        kco_proto_destroy(p);
}

/* ---------------------------------------------------------------- load errors */

static void test_protoc_errors(void **state) {
        (void)state;
        char *dir = make_tmpdir();
        static const char bad[] = "syntax = \"proto3\";\n\nmessage A {\n  int32 x = ;\n}\n";
        write_file(dir, "bad.proto", bad, sizeof(bad) - 1);
        static const char imp[] = "syntax = \"proto3\";\nimport \"nowhere/missing.proto\";\nmessage B { int32 y = 1; }\n";
        write_file(dir, "imp.proto", imp, sizeof(imp) - 1);
        kco_err_t err;

        kco_proto_t *p = kco_proto_new();
        char *bad_path = path_in(dir, "bad.proto");
        assert_int_equal(kco_proto_load(p, bad_path, &err), -1);
        assert_int_equal(err.code, KCO_ERR_CONFIG);
        assert_non_null(strstr(err.msg, bad_path));
        assert_non_null(strstr(err.msg, "protoc failed (exit 1)"));
        assert_non_null(strstr(err.msg, "bad.proto:4:"));
        free(bad_path);

        /* a directory: one protoc run over all its files */
        assert_int_equal(kco_proto_load(p, dir, &err), -1);
        assert_non_null(strstr(err.msg, "bad.proto:4:"));

        char *imp_path = path_in(dir, "imp.proto");
        assert_int_equal(kco_proto_load(p, imp_path, &err), -1);
        assert_non_null(strstr(err.msg, "nowhere/missing.proto"));
        free(imp_path);

        /* nothing to load */
        assert_int_equal(kco_proto_load(p, DATA "/no-such-file.proto", &err), -1);
        assert_non_null(strstr(err.msg, "no-such-file.proto"));
        char *empty = make_tmpdir();
        assert_int_equal(kco_proto_load(p, empty, &err), -1);
        assert_non_null(strstr(err.msg, "no .proto"));
        static const char *const none[] = {NULL};
        remove_dir(empty, none);

        /* a file that is not a descriptor set */
        char *txt = path_in(dir, "bad.proto");
        kco_buf_t junk;
        kco_buf_init(&junk);
        kco_buf_puts(&junk, "\xff\xff\xff\xff");
        assert_int_equal(kco_proto_load_set(p, junk.data, junk.len, "junk", &err), -1);
        assert_non_null(strstr(err.msg, "junk: not a descriptor set"));
        assert_int_equal(kco_proto_load_set(p, "", 0, "empty", &err), -1);
        assert_non_null(strstr(err.msg, "empty: the descriptor set holds no file"));
        kco_buf_free(&junk);
        free(txt);

        /* nothing was loaded by the failures */
        find_err(p, "A", "no message loaded", NULL);
        kco_proto_destroy(p);
        static const char *const files[] = {"bad.proto", "imp.proto", NULL};
        remove_dir(dir, files);
}

static void test_protoc_missing(void **state) {
        (void)state;
        char *empty = make_tmpdir();
        const char *old = getenv("PATH");
        char *saved = old ? strdup(old) : NULL;
        setenv("PATH", empty, 1);
        kco_proto_t *p = kco_proto_new();
        kco_err_t err;
        int rc = kco_proto_load(p, DATA "/parquet.proto", &err);
        if (saved)
                setenv("PATH", saved, 1);
        else
                unsetenv("PATH");
        free(saved);
        assert_int_equal(rc, -1);
        assert_int_equal(err.code, KCO_ERR_CONFIG);
        assert_non_null(strstr(err.msg, "protoc not found: install protobuf-compiler, or give a descriptor set file "
                                        "(protoc --descriptor_set_out=... --include_imports)"));
        assert_non_null(strstr(err.msg, "parquet.proto"));
        kco_proto_destroy(p);
        static const char *const none[] = {NULL};
        remove_dir(empty, none);
}

/* ---------------------------------------------------------------- descriptor sets */

static void test_descriptor_set(void **state) {
        (void)state;
        char *dir = make_tmpdir();
        char *desc = path_in(dir, "all.desc");
        char *out = NULL;
        if (asprintf(&out, "--descriptor_set_out=%s", desc) < 0)
                fail_msg("asprintf");
        size_t nf = sizeof(fixture_files) / sizeof(fixture_files[0]);
        char *argv[16];
        size_t argc = 0;
        argv[argc++] = (char *)"protoc";
        argv[argc++] = (char *)"--include_imports";
        argv[argc++] = out;
        argv[argc++] = (char *)"-I" DATA;
        for (size_t i = 0; i < nf; i++)
                argv[argc++] = (char *)fixture_files[i];
        argv[argc] = NULL;
        assert_int_equal(run(argv), 0);

        kco_proto_t *a = load_ok(DATA);
        kco_proto_t *b = load_ok(desc); /* a descriptor set file */
        kco_proto_t *c = load_ok(dir);  /* a directory holding one */
        /* from memory */
        kco_buf_t data;
        kco_buf_init(&data);
        FILE *f = fopen(desc, "rb");
        assert_non_null(f);
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
                kco_buf_append(&data, chunk, n);
        fclose(f);
        kco_proto_t *d = kco_proto_new();
        kco_err_t err;
        if (kco_proto_load_set(d, data.data, data.len, "memory", &err) != 0)
                fail_msg("load_set: %s", err.msg);
        for (size_t i = 0; i < sizeof(compared) / sizeof(compared[0]); i++) {
                const kco_proto_msg_t *m = find_ok(a, compared[i]);
                assert_same_msg(m, find_ok(b, compared[i]), 0);
                assert_same_msg(m, find_ok(c, compared[i]), 0);
                assert_same_msg(m, find_ok(d, compared[i]), 0);
        }
        check_test_message(find_ok(b, TEST_MESSAGE));
        find_err(b, "acme.refused.Node", "recursive", NULL);

        /* loading again skips the files already loaded */
        if (kco_proto_load(b, DATA, &err) != 0)
                fail_msg("reload: %s", err.msg);
        if (kco_proto_load_set(b, data.data, data.len, "again", &err) != 0)
                fail_msg("reload set: %s", err.msg);
        assert_same_msg(find_ok(a, TEST_MESSAGE), find_ok(b, TEST_MESSAGE), 0);
        kco_buf_free(&data);

        kco_proto_destroy(a);
        kco_proto_destroy(b);
        kco_proto_destroy(c);
        kco_proto_destroy(d);
        static const char *const files[] = {"all.desc", NULL};
        remove_dir(dir, files);
        free(desc);
        free(out);
}

static void test_conflicting_load(void **state) {
        (void)state;
        kco_proto_t *p = load_ok(DATA "/parquet.proto");
        char *dir = make_tmpdir();
        /* another file defining a loaded message, plus a new one: refused as a whole */
        static const char dup[] = "syntax = \"proto2\";\npackage com.aliyun.oss.connect.kafka.format.parquet;\n"
                                  "message Fresh { optional int32 a = 1; }\n"
                                  "message TestMessage { optional int32 x = 1; }\n";
        write_file(dir, "other.proto", dup, sizeof(dup) - 1);
        kco_err_t err;
        assert_int_equal(kco_proto_load(p, dir, &err), -1);
        assert_non_null(strstr(err.msg, "other.proto: defined twice: com.aliyun.oss.connect.kafka.format.parquet."
                                        "TestMessage"));
        find_err(p, "com.aliyun.oss.connect.kafka.format.parquet.Fresh", "not found", NULL);
        check_test_message(find_ok(p, TEST_MESSAGE));
        kco_proto_destroy(p);
        static const char *const files[] = {"other.proto", NULL};
        remove_dir(dir, files);
}

/* A descriptor set built by hand: what protoc never writes. */
static int load_built(kco_proto_t *p, Google__Protobuf__DescriptorProto **msgs, size_t n, const char *syntax,
                      kco_err_t *err) {
        Google__Protobuf__FileDescriptorProto file = GOOGLE__PROTOBUF__FILE_DESCRIPTOR_PROTO__INIT;
        file.name = (char *)"hand.proto";
        file.package = (char *)"hand";
        file.syntax = (char *)syntax;
        file.n_message_type = n;
        file.message_type = msgs;
        Google__Protobuf__FileDescriptorProto *files[] = {&file};
        Google__Protobuf__FileDescriptorSet set = GOOGLE__PROTOBUF__FILE_DESCRIPTOR_SET__INIT;
        set.n_file = 1;
        set.file = files;
        size_t len = google__protobuf__file_descriptor_set__get_packed_size(&set);
        uint8_t *buf = malloc(len ? len : 1);
        google__protobuf__file_descriptor_set__pack(&set, buf);
        int rc = kco_proto_load_set(p, buf, len, "hand", err);
        free(buf);
        return rc;
}

static void test_built_sets(void **state) {
        (void)state;
        Google__Protobuf__FieldDescriptorProto f1 = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__INIT;
        f1.name = (char *)"some_long_name";
        f1.has_number = 1;
        f1.number = 1;
        f1.has_label = 1;
        f1.label = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL;
        f1.has_type = 1;
        f1.type = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING;
        Google__Protobuf__FieldDescriptorProto *fields[] = {&f1};
        Google__Protobuf__DescriptorProto m = GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__INIT;
        m.name = (char *)"M";
        m.n_field = 1;
        m.field = fields;
        Google__Protobuf__DescriptorProto *msgs[] = {&m};
        kco_err_t err;

        /* no json_name: protoc's lowerCamelCase; proto3 without presence */
        kco_proto_t *p = kco_proto_new();
        if (load_built(p, msgs, 1, "proto3", &err) != 0)
                fail_msg("load: %s", err.msg);
        const kco_proto_msg_t *got = find_ok(p, "hand.Hand$M");
        assert_string_equal(got->fields[0].json_name, "someLongName");
        assert_int_equal(got->fields[0].has_presence, 0);
        assert_string_equal(got->descriptor_text, "name: \"M\"\nfield {\n  name: \"some_long_name\"\n  number: 1\n"
                                                  "  label: LABEL_OPTIONAL\n  type: TYPE_STRING\n}\n");
        kco_proto_destroy(p);

        /* a type name nobody defines */
        f1.type = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE;
        f1.type_name = (char *)".hand.Nowhere";
        p = kco_proto_new();
        assert_int_equal(load_built(p, msgs, 1, "proto3", &err), -1);
        assert_non_null(strstr(err.msg, "protobuf schema hand: hand.proto: an unknown type in field hand.M.some_long_name (.hand.Nowhere)"));
        find_err(p, "hand.M", "no message loaded", NULL);
        /* not fully qualified */
        f1.type_name = (char *)"M";
        assert_int_equal(load_built(p, msgs, 1, "proto3", &err), -1);
        assert_non_null(strstr(err.msg, "not fully qualified"));
        /* a message type naming itself resolves; the lookup refuses it */
        f1.type_name = (char *)".hand.M";
        if (load_built(p, msgs, 1, "proto2", &err) != 0)
                fail_msg("load: %s", err.msg);
        find_err(p, "hand.M", "field some_long_name", "recursive", NULL);
        kco_proto_destroy(p);

        /* a map entry that is not {key, value} */
        Google__Protobuf__MessageOptions opts = GOOGLE__PROTOBUF__MESSAGE_OPTIONS__INIT;
        opts.has_map_entry = 1;
        opts.map_entry = 1;
        m.options = &opts;
        f1.type = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING;
        f1.type_name = NULL;
        p = kco_proto_new();
        assert_int_equal(load_built(p, msgs, 1, "proto3", &err), -1);
        assert_non_null(strstr(err.msg, "a map entry that is not {key = 1, value = 2}: hand.M"));
        m.options = NULL;
        /* a bad label, a missing number, an unknown syntax */
        f1.label = (Google__Protobuf__FieldDescriptorProto__Label)7;
        assert_int_equal(load_built(p, msgs, 1, "proto3", &err), -1);
        assert_non_null(strstr(err.msg, "bad number, label or type: hand.M.some_long_name"));
        f1.label = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL;
        f1.has_number = 0;
        assert_int_equal(load_built(p, msgs, 1, "proto3", &err), -1);
        assert_non_null(strstr(err.msg, "bad number"));
        f1.has_number = 1;
        assert_int_equal(load_built(p, msgs, 1, "editions", &err), -1);
        assert_non_null(strstr(err.msg, "unsupported syntax editions"));
        /* two messages of the same name in one file */
        Google__Protobuf__DescriptorProto *twice[] = {&m, &m};
        assert_int_equal(load_built(p, twice, 2, "proto3", &err), -1);
        assert_non_null(strstr(err.msg, "defined twice: hand.M"));
        /* and then a good one still loads */
        if (load_built(p, msgs, 1, NULL, &err) != 0)
                fail_msg("load: %s", err.msg);
        assert_int_equal(find_ok(p, "hand.M")->proto3, 0);
        assert_int_equal(find_ok(p, "hand.M")->fields[0].has_presence, 1);
        kco_proto_destroy(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_java_example),  cmocka_unit_test(test_java_names),
                cmocka_unit_test(test_proto2_fields), cmocka_unit_test(test_proto3_fields),
                cmocka_unit_test(test_text_escapes),  cmocka_unit_test(test_refused),
                cmocka_unit_test(test_not_found),     cmocka_unit_test(test_protoc_errors),
                cmocka_unit_test(test_protoc_missing), cmocka_unit_test(test_descriptor_set),
                cmocka_unit_test(test_conflicting_load), cmocka_unit_test(test_built_sets),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
