/*
 * kco_proto.c - protobuf message schemas (see kco_proto.h): decodes
 * FileDescriptorSets (protobuf-c, C code generated at build time from
 * descriptor.proto) into kco_proto_msg_t / kco_proto_field_t /
 * kco_proto_enum_t, names the messages as protobuf-java names their classes,
 * resolves type references, and refuses on lookup the messages Parquet
 * cannot hold.
 *
 * A load is all or nothing: the new files' types are built into the arena
 * and a table of their own, their references resolved against it and the
 * earlier loads, and only then added to the loaded names (a failed load
 * leaves some unreachable bytes in the arena, nothing else).
 *
 * Owns: kco_proto_t, its arena (every name, message, field, enum and text),
 * its name table; the unpacked descriptor set only during a load. Loading
 * runs on the thread that builds the format; afterwards everything is
 * immutable and kco_proto_find may run on any thread. Must never: parse
 * .proto text (protoc does, see kco_proto_protoc.c), keep a pointer into the
 * unpacked set, or return a message that cannot be written to Parquet.
 */
#include "record/kco_proto.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/kco_arena.h"
#include "core/kco_buf.h"
#include "core/kco_mem.h"
#include "google/protobuf/descriptor.pb-c.h"
#include "record/kco_proto_internal.h"

typedef Google__Protobuf__FileDescriptorSet kco_pb_set_t;
typedef Google__Protobuf__FileDescriptorProto kco_pb_file_t;
typedef Google__Protobuf__DescriptorProto kco_pb_msg_t;
typedef Google__Protobuf__FieldDescriptorProto kco_pb_field_t;
typedef Google__Protobuf__EnumDescriptorProto kco_pb_enum_t;

#define KCO_PROTO_LIST_MAX 10    /* class names listed when a lookup fails */
#define KCO_PROTO_LIST_BYTES 380 /* ... in at most this many bytes (with the name looked for) */

/* ------------------------------------------------------------ name table */

enum {
        KCO_PROTO_K_MSG = 1, /* full name -> kco_proto_msgx_t */
        KCO_PROTO_K_ENUM,    /* full name -> kco_proto_enum_t */
        KCO_PROTO_K_FILE,    /* file name -> (non-NULL) */
        KCO_PROTO_K_JAVA,    /* Java class name -> kco_proto_msgx_t */
};

typedef struct kco_proto_slot_s {
        const char *key; /* NULL: empty */
        int kind;
        void *val;
} kco_proto_slot_t;

typedef struct kco_proto_table_s {
        kco_proto_slot_t *slots;
        size_t cap, n; /* cap: 0 or a power of two */
} kco_proto_table_t;

static uint64_t kco_proto_hash(const char *s, int kind) {
        uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;
        for (; *s; s++) {
                h ^= (uint8_t)*s;
                h *= 1099511628211ULL;
        }
        return h;
}

/* The slot holding (key, kind), or the empty slot where it would go. t->cap > 0. */
static kco_proto_slot_t *kco_proto_table_slot(const kco_proto_table_t *t, const char *key, int kind) {
        size_t mask = t->cap - 1;
        size_t i = (size_t)kco_proto_hash(key, kind) & mask;
        for (;;) {
                kco_proto_slot_t *s = &t->slots[i];
                if (!s->key || (s->kind == kind && strcmp(s->key, key) == 0))
                        return s;
                i = (i + 1) & mask;
        }
}

static void *kco_proto_table_get(const kco_proto_table_t *t, const char *key, int kind) {
        if (!t->cap)
                return NULL;
        return kco_proto_table_slot(t, key, kind)->val;
}

/* Adds (key, kind) -> val unless the key is there already (the first stays). key must outlive the table. */
static void kco_proto_table_put(kco_proto_table_t *t, const char *key, int kind, void *val) {
        if ((t->n + 1) * 2 > t->cap) {
                kco_proto_table_t bigger = {kco_calloc(t->cap ? t->cap * 2 : 64, sizeof(kco_proto_slot_t)),
                                            t->cap ? t->cap * 2 : 64, 0};
                for (size_t i = 0; i < t->cap; i++)
                        if (t->slots[i].key) {
                                *kco_proto_table_slot(&bigger, t->slots[i].key, t->slots[i].kind) = t->slots[i];
                                bigger.n++;
                        }
                free(t->slots);
                *t = bigger;
        }
        kco_proto_slot_t *s = kco_proto_table_slot(t, key, kind);
        if (s->key)
                return;
        s->key = key;
        s->kind = kind;
        s->val = val;
        t->n++;
}

static void kco_proto_table_free(kco_proto_table_t *t) {
        free(t->slots);
        t->slots = NULL;
        t->cap = t->n = 0;
}

/* ------------------------------------------------------------ the loaded schemas */

/* A message and its position in kco_proto_t.msgs (for the checks of kco_proto_find). */
typedef struct kco_proto_msgx_s {
        kco_proto_msg_t pub;
        size_t index;
} kco_proto_msgx_t;

struct kco_proto_s {
        kco_arena_t *arena;
        kco_proto_table_t names;
        kco_proto_msgx_t **msgs; /* load order, nested after their parent */
        size_t nmsgs, capmsgs;
};

kco_proto_t *kco_proto_new(void) {
        kco_proto_t *p = kco_calloc(1, sizeof(*p));
        p->arena = kco_arena_new(64 * 1024);
        return p;
}

void kco_proto_destroy(kco_proto_t *p) {
        if (!p)
                return;
        kco_proto_table_free(&p->names);
        free(p->msgs);
        kco_arena_destroy(p->arena);
        free(p);
}

/* ------------------------------------------------------------ names */

/* a + sep + b, or b when a is empty. */
static char *kco_proto_join(kco_arena_t *a, const char *x, const char *sep, const char *y) {
        if (!x || !x[0])
                return kco_arena_strdup(a, y);
        size_t nx = strlen(x), ns = strlen(sep), ny = strlen(y);
        char *s = kco_arena_alloc(a, nx + ns + ny + 1);
        memcpy(s, x, nx);
        memcpy(s + nx, sep, ns);
        memcpy(s + nx + ns, y, ny + 1);
        return s;
}

/* protoc's default JSON name: underscores dropped, the letter after one upper-cased. */
static char *kco_proto_json_name(kco_arena_t *a, const char *name) {
        char *s = kco_arena_alloc(a, strlen(name) + 1);
        size_t o = 0;
        int up = 0;
        for (const char *c = name; *c; c++) {
                if (*c == '_') {
                        up = 1;
                } else if (up) {
                        s[o++] = (*c >= 'a' && *c <= 'z') ? (char)(*c - 'a' + 'A') : *c;
                        up = 0;
                } else {
                        s[o++] = *c;
                }
        }
        s[o] = '\0';
        return s;
}

static size_t kco_proto_count_fields(const kco_pb_msg_t *d) {
        size_t n = d->n_field;
        for (size_t i = 0; i < d->n_nested_type; i++)
                n += kco_proto_count_fields(d->nested_type[i]);
        return n;
}

/* Java's message descriptors (what the Java connector prints into parquet.proto.descriptor) carry a field's
 * json_name only when the .proto sets it; a descriptor set from protoc carries protoc's default on every field.
 * So the text is printed with the defaults hidden: each is set aside (restore 0), then put back (restore 1), in
 * the same order. */
static void kco_proto_default_json_names(kco_arena_t *a, kco_pb_msg_t *d, char ***stash, int restore) {
        for (size_t i = 0; i < d->n_field; i++) {
                kco_pb_field_t *f = d->field[i];
                char **slot = (*stash)++;
                if (restore) {
                        if (*slot)
                                f->json_name = *slot;
                } else if (f->json_name && f->name && !strcmp(f->json_name, kco_proto_json_name(a, f->name))) {
                        *slot = f->json_name;
                        f->json_name = NULL;
                } else {
                        *slot = NULL;
                }
        }
        for (size_t i = 0; i < d->n_nested_type; i++)
                kco_proto_default_json_names(a, d->nested_type[i], stash, restore);
}

/* The protobuf text format of d as Java prints its descriptor (see above). */
static char *kco_proto_java_text(kco_arena_t *a, const kco_pb_msg_t *d) {
        kco_pb_msg_t *m = (kco_pb_msg_t *)d; /* changed and restored below */
        char **stash = kco_arena_calloc(a, kco_proto_count_fields(d) + 1, sizeof(*stash));
        char **p = stash;
        kco_proto_default_json_names(a, m, &p, 0);
        char *text = kco_proto_text(a, &d->base);
        p = stash;
        kco_proto_default_json_names(a, m, &p, 1);
        return text;
}

static int kco_proto_msg_has_name(const kco_pb_msg_t *m, const char *name) {
        if (m->name && strcmp(m->name, name) == 0)
                return 1;
        for (size_t i = 0; i < m->n_nested_type; i++)
                if (kco_proto_msg_has_name(m->nested_type[i], name))
                        return 1;
        for (size_t i = 0; i < m->n_enum_type; i++)
                if (m->enum_type[i]->name && strcmp(m->enum_type[i]->name, name) == 0)
                        return 1;
        return 0;
}

/* protobuf-java's outer class name: option java_outer_classname, else the file's base name without ".proto"
 * in CamelCase (a letter after a non-letter upper-cased, digits kept, anything else dropped), with
 * "OuterClass" appended when a message or enum of the file (nested ones too) or a service has that name. */
static char *kco_proto_java_outer(kco_arena_t *a, const kco_pb_file_t *fd) {
        if (fd->options && fd->options->java_outer_classname)
                return kco_arena_strdup(a, fd->options->java_outer_classname);
        const char *base = strrchr(fd->name, '/');
        base = base ? base + 1 : fd->name;
        size_t n = strlen(base);
        if (n > 11 && strcmp(base + n - 11, ".protodevel") == 0)
                n -= 11;
        else if (n > 6 && strcmp(base + n - 6, ".proto") == 0)
                n -= 6;
        char *s = kco_arena_alloc(a, n + sizeof("OuterClass"));
        size_t o = 0;
        int cap = 1;
        for (size_t i = 0; i < n; i++) {
                char c = base[i];
                if (c >= 'a' && c <= 'z') {
                        s[o++] = cap ? (char)(c - 'a' + 'A') : c;
                        cap = 0;
                } else if (c >= 'A' && c <= 'Z') {
                        s[o++] = (i == 0 && !cap) ? (char)(c - 'A' + 'a') : c;
                        cap = 0;
                } else if (c >= '0' && c <= '9') {
                        s[o++] = c;
                        cap = 1;
                } else {
                        cap = 1;
                }
        }
        s[o] = '\0';
        int clash = 0;
        for (size_t i = 0; !clash && i < fd->n_enum_type; i++)
                clash = fd->enum_type[i]->name && strcmp(fd->enum_type[i]->name, s) == 0;
        for (size_t i = 0; !clash && i < fd->n_service; i++)
                clash = fd->service[i]->name && strcmp(fd->service[i]->name, s) == 0;
        for (size_t i = 0; !clash && i < fd->n_message_type; i++)
                clash = kco_proto_msg_has_name(fd->message_type[i], s);
        if (clash)
                strcpy(s + o, "OuterClass");
        return s;
}

static kco_proto_wkt_t kco_proto_wkt_of(const char *full) {
        static const char *const wrappers[] = {"DoubleValue", "FloatValue", "Int64Value",
                                               "UInt64Value", "Int32Value", "UInt32Value",
                                               "BoolValue",   "StringValue", "BytesValue"};
        if (strncmp(full, "google.protobuf.", 16) != 0)
                return KCO_PROTO_WKT_NONE;
        const char *n = full + 16;
        if (strcmp(n, "Timestamp") == 0)
                return KCO_PROTO_WKT_TIMESTAMP;
        if (strcmp(n, "Duration") == 0)
                return KCO_PROTO_WKT_DURATION;
        if (strcmp(n, "FieldMask") == 0)
                return KCO_PROTO_WKT_FIELD_MASK;
        if (strcmp(n, "Empty") == 0)
                return KCO_PROTO_WKT_EMPTY;
        for (size_t i = 0; i < sizeof(wrappers) / sizeof(wrappers[0]); i++)
                if (strcmp(n, wrappers[i]) == 0)
                        return KCO_PROTO_WKT_WRAPPER;
        return KCO_PROTO_WKT_NONE;
}

/* Messages with no Parquet mapping (their JSON form is free-form). */
static int kco_proto_unsupported(const char *full) {
        return strcmp(full, "google.protobuf.Any") == 0 || strcmp(full, "google.protobuf.Struct") == 0 ||
               strcmp(full, "google.protobuf.Value") == 0 || strcmp(full, "google.protobuf.ListValue") == 0;
}

/* ------------------------------------------------------------ building one load */

/* A field whose type name is resolved once every new type is known. */
typedef struct kco_proto_ref_s {
        kco_proto_field_t *f;
        const kco_proto_msg_t *owner;
        const char *type_name; /* points into the unpacked set */
        const char *file;      /* the file declaring the field (in the unpacked set) */
        int typed;             /* the descriptor gave the field's type */
} kco_proto_ref_t;

typedef struct kco_proto_build_s {
        kco_proto_t *p;
        kco_arena_t *a;
        const char *origin;
        kco_proto_table_t names; /* this load's types and files */
        kco_proto_msgx_t **msgs;
        size_t nmsgs, capmsgs;
        kco_proto_ref_t *refs;
        size_t nrefs, caprefs;
        /* the file being built */
        const char *file;
        const char *java_prefix; /* "java.package." or "" */
        const char *outer;
        int multiple_files;
        int proto3;
} kco_proto_build_t;

static int kco_proto_bad(kco_proto_build_t *b, kco_err_t *err, const char *what, const char *name) {
        return kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema %s: %s: %s%s%s", b->origin,
                           b->file ? b->file : "descriptor set", what, name ? " " : "", name ? name : "");
}

/* Registers a new message or enum full name; -1 when some loaded or new type has it. */
static int kco_proto_add_type(kco_proto_build_t *b, const char *full, int kind, void *val, kco_err_t *err) {
        if (kco_proto_table_get(&b->names, full, KCO_PROTO_K_MSG) ||
            kco_proto_table_get(&b->names, full, KCO_PROTO_K_ENUM) ||
            kco_proto_table_get(&b->p->names, full, KCO_PROTO_K_MSG) ||
            kco_proto_table_get(&b->p->names, full, KCO_PROTO_K_ENUM))
                return kco_proto_bad(b, err, "defined twice:", full);
        kco_proto_table_put(&b->names, full, kind, val);
        return 0;
}

static int kco_proto_build_enum(kco_proto_build_t *b, const kco_pb_enum_t *ed, const char *scope, kco_err_t *err) {
        if (!ed->name || !ed->name[0])
                return kco_proto_bad(b, err, "an enum without a name in", scope[0] ? scope : NULL);
        kco_proto_enum_t *e = kco_arena_calloc(b->a, 1, sizeof(*e));
        e->name = kco_arena_strdup(b->a, ed->name);
        e->full_name = kco_proto_join(b->a, scope, ".", e->name);
        e->closed = !b->proto3;
        if (ed->n_value == 0)
                return kco_proto_bad(b, err, "an enum without values:", e->full_name);
        kco_proto_enum_value_t *v = kco_arena_calloc(b->a, ed->n_value, sizeof(*v));
        for (size_t i = 0; i < ed->n_value; i++) {
                if (!ed->value[i]->name || !ed->value[i]->name[0])
                        return kco_proto_bad(b, err, "an enum value without a name in", e->full_name);
                v[i].name = kco_arena_strdup(b->a, ed->value[i]->name);
                v[i].number = ed->value[i]->number;
        }
        e->nvalues = ed->n_value;
        e->values = v;
        return kco_proto_add_type(b, e->full_name, KCO_PROTO_K_ENUM, e, err);
}

static int kco_proto_build_fields(kco_proto_build_t *b, kco_proto_msgx_t *mx, const kco_pb_msg_t *d,
                                  kco_err_t *err) {
        kco_proto_msg_t *m = &mx->pub;
        /* real oneofs: a oneof is synthetic when its one field is a proto3 `optional` */
        size_t nd = d->n_oneof_decl;
        int *real = nd ? kco_calloc(nd, sizeof(int)) : NULL;
        const char **names = nd ? kco_arena_calloc(b->a, nd, sizeof(char *)) : NULL;
        size_t nreal = 0;
        int rc = 0;
        for (size_t o = 0; o < nd; o++) {
                size_t count = 0;
                int p3opt = 0;
                for (size_t i = 0; i < d->n_field; i++) {
                        const kco_pb_field_t *fd = d->field[i];
                        if (fd->has_oneof_index && fd->oneof_index >= 0 && (size_t)fd->oneof_index == o) {
                                count++;
                                p3opt = fd->has_proto3_optional && fd->proto3_optional;
                        }
                }
                if (count == 1 && p3opt) {
                        real[o] = -1;
                } else {
                        const char *on = d->oneof_decl[o]->name ? d->oneof_decl[o]->name : "";
                        real[o] = (int)nreal;
                        names[nreal++] = kco_arena_strdup(b->a, on);
                }
        }
        m->noneofs = nreal;
        m->oneofs = names;

        kco_proto_field_t *fields = d->n_field ? kco_arena_calloc(b->a, d->n_field, sizeof(*fields)) : NULL;
        for (size_t i = 0; rc == 0 && i < d->n_field; i++) {
                const kco_pb_field_t *fd = d->field[i];
                kco_proto_field_t *f = &fields[i];
                if (!fd->name || !fd->name[0]) {
                        rc = kco_proto_bad(b, err, "a field without a name in", m->full_name);
                        break;
                }
                f->name = kco_arena_strdup(b->a, fd->name);
                f->json_name = fd->json_name ? kco_arena_strdup(b->a, fd->json_name)
                                             : kco_proto_json_name(b->a, fd->name);
                f->number = fd->number;
                f->label = fd->has_label ? (kco_proto_label_t)(int)fd->label : KCO_PROTO_LABEL_OPTIONAL;
                f->oneof = -1;
                if (!fd->has_number || fd->number <= 0 || f->label < KCO_PROTO_LABEL_OPTIONAL ||
                    f->label > KCO_PROTO_LABEL_REPEATED ||
                    (fd->has_type && ((int)fd->type < (int)KCO_PROTO_DOUBLE || (int)fd->type > (int)KCO_PROTO_SINT64))) {
                        char what[300];
                        snprintf(what, sizeof(what), "%s.%s", m->full_name, f->name);
                        rc = kco_proto_bad(b, err, "a field with a bad number, label or type:", what);
                        break;
                }
                if (fd->has_oneof_index) {
                        if (fd->oneof_index < 0 || (size_t)fd->oneof_index >= nd) {
                                rc = kco_proto_bad(b, err, "a field of an undeclared oneof:", f->name);
                                break;
                        }
                        f->oneof = real[fd->oneof_index];
                }
                int needs_ref = !fd->has_type || fd->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE ||
                                fd->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP ||
                                fd->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM;
                f->type = fd->has_type ? (kco_proto_type_t)(int)fd->type : KCO_PROTO_MESSAGE;
                if (needs_ref) {
                        if (!fd->type_name || !fd->type_name[0]) {
                                rc = kco_proto_bad(b, err, "a field without its type name:", f->name);
                                break;
                        }
                        if (b->nrefs == b->caprefs) {
                                b->caprefs = b->caprefs ? b->caprefs * 2 : 64;
                                b->refs = kco_realloc(b->refs, b->caprefs * sizeof(*b->refs));
                        }
                        b->refs[b->nrefs++] = (kco_proto_ref_t){f, m, fd->type_name, b->file, fd->has_type};
                }
                /* presence: see kco_proto.h (an untyped field's presence is settled when it is resolved) */
                f->has_presence = f->label != KCO_PROTO_LABEL_REPEATED &&
                                  (!b->proto3 || (fd->has_proto3_optional && fd->proto3_optional) || f->oneof >= 0 ||
                                   f->type == KCO_PROTO_MESSAGE || f->type == KCO_PROTO_GROUP);
        }
        free(real);
        if (rc != 0)
                return -1;
        m->nfields = d->n_field;
        m->fields = fields;
        if (m->map_entry && (m->nfields != 2 || fields[0].number != 1 || fields[1].number != 2 ||
                             fields[0].label == KCO_PROTO_LABEL_REPEATED || fields[1].label == KCO_PROTO_LABEL_REPEATED))
                return kco_proto_bad(b, err, "a map entry that is not {key = 1, value = 2}:", m->full_name);
        return 0;
}

static int kco_proto_build_msg(kco_proto_build_t *b, const kco_pb_msg_t *d, const char *scope, const char *java_parent,
                               kco_err_t *err) {
        if (!d->name || !d->name[0])
                return kco_proto_bad(b, err, "a message without a name in", scope[0] ? scope : NULL);
        kco_proto_msgx_t *mx = kco_arena_calloc(b->a, 1, sizeof(*mx));
        kco_proto_msg_t *m = &mx->pub;
        m->name = kco_arena_strdup(b->a, d->name);
        m->full_name = kco_proto_join(b->a, scope, ".", m->name);
        if (java_parent) {
                m->java_class = kco_proto_join(b->a, java_parent, "$", m->name);
        } else if (b->multiple_files) {
                m->java_class = kco_proto_join(b->a, b->java_prefix, "", m->name);
        } else {
                char *outer = kco_proto_join(b->a, b->java_prefix, "", b->outer);
                m->java_class = kco_proto_join(b->a, outer, "$", m->name);
        }
        m->proto3 = b->proto3;
        m->map_entry = d->options && d->options->has_map_entry && d->options->map_entry;
        m->wkt = kco_proto_wkt_of(m->full_name);
        if (kco_proto_add_type(b, m->full_name, KCO_PROTO_K_MSG, mx, err) != 0)
                return -1;
        if (kco_proto_build_fields(b, mx, d, err) != 0)
                return -1;
        m->descriptor_text = kco_proto_java_text(b->a, d);
        if (b->nmsgs == b->capmsgs) {
                b->capmsgs = b->capmsgs ? b->capmsgs * 2 : 64;
                b->msgs = kco_realloc(b->msgs, b->capmsgs * sizeof(*b->msgs));
        }
        b->msgs[b->nmsgs++] = mx;
        for (size_t i = 0; i < d->n_nested_type; i++)
                if (kco_proto_build_msg(b, d->nested_type[i], m->full_name, m->java_class, err) != 0)
                        return -1;
        for (size_t i = 0; i < d->n_enum_type; i++)
                if (kco_proto_build_enum(b, d->enum_type[i], m->full_name, err) != 0)
                        return -1;
        return 0;
}

static int kco_proto_build_file(kco_proto_build_t *b, const kco_pb_file_t *fd, kco_err_t *err) {
        b->file = fd->name;
        if (fd->syntax && fd->syntax[0] && strcmp(fd->syntax, "proto2") != 0 && strcmp(fd->syntax, "proto3") != 0)
                return kco_proto_bad(b, err, "unsupported syntax", fd->syntax);
        b->proto3 = fd->syntax && strcmp(fd->syntax, "proto3") == 0;
        const char *pkg = fd->package ? fd->package : "";
        const char *jpkg = fd->options && fd->options->java_package ? fd->options->java_package : pkg;
        b->java_prefix = jpkg[0] ? kco_proto_join(b->a, jpkg, "", ".") : "";
        b->outer = kco_proto_java_outer(b->a, fd);
        b->multiple_files = fd->options && fd->options->has_java_multiple_files && fd->options->java_multiple_files;
        for (size_t i = 0; i < fd->n_message_type; i++)
                if (kco_proto_build_msg(b, fd->message_type[i], pkg, NULL, err) != 0)
                        return -1;
        for (size_t i = 0; i < fd->n_enum_type; i++)
                if (kco_proto_build_enum(b, fd->enum_type[i], pkg, err) != 0)
                        return -1;
        return 0;
}

static int kco_proto_resolve(kco_proto_build_t *b, kco_err_t *err) {
        for (size_t i = 0; i < b->nrefs; i++) {
                kco_proto_ref_t *r = &b->refs[i];
                kco_proto_field_t *f = r->f;
                b->file = r->file;
                char where[300];
                snprintf(where, sizeof(where), "%s.%s (%s)", r->owner->full_name, f->name, r->type_name);
                if (r->type_name[0] != '.')
                        return kco_proto_bad(b, err, "a type name that is not fully qualified in field", where);
                const char *key = r->type_name + 1;
                kco_proto_msgx_t *mx = kco_proto_table_get(&b->names, key, KCO_PROTO_K_MSG);
                if (!mx)
                        mx = kco_proto_table_get(&b->p->names, key, KCO_PROTO_K_MSG);
                kco_proto_enum_t *en = mx ? NULL : kco_proto_table_get(&b->names, key, KCO_PROTO_K_ENUM);
                if (!mx && !en)
                        en = kco_proto_table_get(&b->p->names, key, KCO_PROTO_K_ENUM);
                if (!mx && !en)
                        return kco_proto_bad(b, err, "an unknown type in field", where);
                if (!r->typed) {
                        f->type = mx ? KCO_PROTO_MESSAGE : KCO_PROTO_ENUM;
                        if (mx && f->label != KCO_PROTO_LABEL_REPEATED)
                                f->has_presence = 1;
                }
                if (f->type == KCO_PROTO_ENUM) {
                        if (!en)
                                return kco_proto_bad(b, err, "an enum field naming a message:", where);
                        f->en = en;
                } else {
                        if (!mx)
                                return kco_proto_bad(b, err, "a message field naming an enum:", where);
                        f->msg = &mx->pub;
                }
        }
        for (size_t i = 0; i < b->nmsgs; i++) {
                kco_proto_field_t *fields = (kco_proto_field_t *)b->msgs[i]->pub.fields;
                for (size_t k = 0; k < b->msgs[i]->pub.nfields; k++)
                        fields[k].is_map = fields[k].label == KCO_PROTO_LABEL_REPEATED &&
                                           fields[k].type == KCO_PROTO_MESSAGE && fields[k].msg &&
                                           fields[k].msg->map_entry;
        }
        return 0;
}

/* Adds this load's names and messages to the loaded ones. */
static void kco_proto_commit(kco_proto_build_t *b) {
        kco_proto_t *p = b->p;
        for (size_t i = 0; i < b->names.cap; i++)
                if (b->names.slots[i].key)
                        kco_proto_table_put(&p->names, b->names.slots[i].key, b->names.slots[i].kind,
                                            b->names.slots[i].val);
        for (size_t i = 0; i < b->nmsgs; i++) {
                kco_proto_msgx_t *mx = b->msgs[i];
                if (p->nmsgs == p->capmsgs) {
                        p->capmsgs = p->capmsgs ? p->capmsgs * 2 : 64;
                        p->msgs = kco_realloc(p->msgs, p->capmsgs * sizeof(*p->msgs));
                }
                mx->index = p->nmsgs;
                p->msgs[p->nmsgs++] = mx;
                kco_proto_table_put(&p->names, mx->pub.java_class, KCO_PROTO_K_JAVA, mx);
        }
}

int kco_proto_load_set(kco_proto_t *p, const void *data, size_t len, const char *origin, kco_err_t *err) {
        if (!origin)
                origin = "(descriptor set)";
        kco_pb_set_t *set = google__protobuf__file_descriptor_set__unpack(NULL, len, data);
        if (!set)
                return kco_err_set(err, KCO_ERR_CONFIG, 0,
                                   "protobuf schema %s: not a descriptor set (a FileDescriptorSet, as protoc "
                                   "--descriptor_set_out=... --include_imports writes)",
                                   origin);
        if (set->n_file == 0) {
                google__protobuf__file_descriptor_set__free_unpacked(set, NULL);
                return kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema %s: the descriptor set holds no file",
                                   origin);
        }
        kco_proto_build_t b;
        memset(&b, 0, sizeof(b));
        b.p = p;
        b.a = p->arena;
        b.origin = origin;
        int rc = 0;
        for (size_t i = 0; rc == 0 && i < set->n_file; i++) {
                const kco_pb_file_t *fd = set->file[i];
                if (!fd->name || !fd->name[0]) {
                        b.file = NULL;
                        rc = kco_proto_bad(&b, err, "a file without a name", NULL);
                        break;
                }
                if (kco_proto_table_get(&p->names, fd->name, KCO_PROTO_K_FILE) ||
                    kco_proto_table_get(&b.names, fd->name, KCO_PROTO_K_FILE))
                        continue; /* loaded already */
                kco_proto_table_put(&b.names, kco_arena_strdup(b.a, fd->name), KCO_PROTO_K_FILE, p);
                rc = kco_proto_build_file(&b, fd, err);
        }
        if (rc == 0)
                rc = kco_proto_resolve(&b, err);
        if (rc == 0)
                kco_proto_commit(&b);
        kco_proto_table_free(&b.names);
        free(b.msgs);
        free(b.refs);
        google__protobuf__file_descriptor_set__free_unpacked(set, NULL);
        return rc;
}

/* ------------------------------------------------------------ loading files */

static int kco_proto_load_file_set(kco_proto_t *p, const char *path, kco_err_t *err) {
        kco_buf_t data;
        kco_buf_init(&data);
        int rc = kco_proto_read_file(path, &data, err);
        if (rc == 0)
                rc = kco_proto_load_set(p, data.data, data.len, path, err);
        kco_buf_free(&data);
        return rc;
}

static int kco_proto_compile(kco_proto_t *p, const char *dir, const kco_proto_list_t *files, const char *origin,
                             kco_err_t *err) {
        kco_buf_t data;
        kco_buf_init(&data);
        int rc = kco_proto_run_protoc(dir, files, origin, &data, err);
        if (rc == 0)
                rc = kco_proto_load_set(p, data.data, data.len, origin, err);
        kco_buf_free(&data);
        return rc;
}

static int kco_proto_load_dir(kco_proto_t *p, const char *dir, kco_err_t *err) {
        kco_proto_list_t protos = {0}, sets = {0};
        int rc = kco_proto_scan_dir(dir, &protos, &sets, err);
        if (rc == 0 && protos.n == 0 && sets.n == 0)
                rc = kco_err_set(err, KCO_ERR_CONFIG, 0,
                                 "protobuf schema directory %s: no .proto, .desc, .pb or .protoset file in it", dir);
        if (rc == 0 && protos.n)
                rc = kco_proto_compile(p, dir, &protos, dir, err);
        for (size_t i = 0; rc == 0 && i < sets.n; i++) {
                char *path = kco_asprintf("%s/%s", dir, sets.v[i]);
                rc = kco_proto_load_file_set(p, path, err);
                free(path);
        }
        kco_proto_list_free(&protos);
        kco_proto_list_free(&sets);
        return rc;
}

int kco_proto_load(kco_proto_t *p, const char *path, kco_err_t *err) {
        struct stat st;
        if (!path || !path[0])
                return kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema: no path given");
        if (stat(path, &st) != 0)
                return kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema %s: %s", path, strerror(errno));
        if (S_ISDIR(st.st_mode))
                return kco_proto_load_dir(p, path, err);
        size_t n = strlen(path);
        if (n > 6 && strcmp(path + n - 6, ".proto") == 0) {
                const char *slash = strrchr(path, '/');
                char *dir = slash ? kco_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : kco_strdup(".");
                kco_proto_list_t files = {0};
                kco_proto_list_add(&files, kco_strdup(slash ? slash + 1 : path));
                int rc = kco_proto_compile(p, dir, &files, path, err);
                kco_proto_list_free(&files);
                free(dir);
                return rc;
        }
        return kco_proto_load_file_set(p, path, err);
}

/* ------------------------------------------------------------ lookup */

/* Java class name a, with '.' accepted for each '$'. */
static int kco_proto_java_dotted_eq(const char *java, const char *name) {
        for (; *java && *name; java++, name++)
                if (*java != *name && !(*java == '$' && *name == '.'))
                        return 0;
        return *java == *name;
}

static void kco_proto_not_found(const kco_proto_t *p, const char *name, kco_err_t *err) {
        kco_buf_t list;
        kco_buf_init(&list);
        size_t shown = 0, total = 0;
        for (size_t i = 0; i < p->nmsgs; i++) {
                const kco_proto_msg_t *m = &p->msgs[i]->pub;
                if (m->map_entry || strncmp(m->full_name, "google.protobuf.", 16) == 0)
                        continue;
                total++;
                /* what fits in the error message (the name looked for comes first) */
                if (shown < KCO_PROTO_LIST_MAX && shown == total - 1 &&
                    list.len + strlen(m->java_class) + strlen(name) < KCO_PROTO_LIST_BYTES) {
                        if (shown)
                                kco_buf_puts(&list, ", ");
                        kco_buf_puts(&list, m->java_class);
                        shown++;
                }
        }
        if (total > shown) {
                char more[48];
                snprintf(more, sizeof(more), ", ... (%zu more)", total - shown);
                kco_buf_puts(&list, more);
        }
        kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf message class %s not found in the loaded schemas (%s%s)", name,
                    total ? "loaded: " : "no message loaded", kco_buf_cstr(&list));
        kco_buf_free(&list);
}

typedef struct kco_proto_check_s {
        const kco_proto_msg_t *root;
        uint8_t *color; /* by index: 0 unseen, 1 on the path, 2 checked */
        const char **path;
        size_t depth;
        kco_err_t *err;
} kco_proto_check_t;

__attribute__((format(printf, 2, 3))) static int kco_proto_check_fail(kco_proto_check_t *c, const char *fmt, ...) {
        kco_buf_t path;
        kco_buf_init(&path);
        for (size_t i = 0; i < c->depth; i++) {
                if (i)
                        kco_buf_putc(&path, '.');
                kco_buf_puts(&path, c->path[i]);
        }
        char what[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        kco_err_set(c->err, KCO_ERR_CONFIG, 0, "protobuf message %s cannot be written to Parquet: field %s: %s",
                    c->root->full_name, kco_buf_cstr(&path), what);
        kco_buf_free(&path);
        return -1;
}

static int kco_proto_check_msg(kco_proto_check_t *c, const kco_proto_msg_t *m) {
        size_t idx = ((const kco_proto_msgx_t *)m)->index;
        c->color[idx] = 1;
        for (size_t i = 0; i < m->nfields; i++) {
                const kco_proto_msg_t *t = m->fields[i].msg;
                if (!t)
                        continue;
                c->path[c->depth++] = m->fields[i].name;
                size_t ti = ((const kco_proto_msgx_t *)t)->index;
                if (kco_proto_unsupported(t->full_name))
                        return kco_proto_check_fail(c, "%s is not supported (it has no Parquet form)", t->full_name);
                if (t->nfields == 0)
                        return kco_proto_check_fail(c, "message %s has no fields (Parquet has no empty groups)",
                                                    t->full_name);
                if (c->color[ti] == 1)
                        return kco_proto_check_fail(c, "message %s is recursive (it contains itself)", t->full_name);
                if (c->color[ti] == 0 && kco_proto_check_msg(c, t) != 0)
                        return -1;
                c->depth--;
        }
        c->color[idx] = 2;
        return 0;
}

const kco_proto_msg_t *kco_proto_find(const kco_proto_t *p, const char *name, kco_err_t *err) {
        if (!name || !name[0]) {
                kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf message class: no name given");
                return NULL;
        }
        const kco_proto_msgx_t *mx = kco_proto_table_get(&p->names, name, KCO_PROTO_K_JAVA);
        if (!mx)
                mx = kco_proto_table_get(&p->names, name[0] == '.' ? name + 1 : name, KCO_PROTO_K_MSG);
        for (size_t i = 0; !mx && i < p->nmsgs; i++)
                if (kco_proto_java_dotted_eq(p->msgs[i]->pub.java_class, name))
                        mx = p->msgs[i];
        if (!mx) {
                kco_proto_not_found(p, name, err);
                return NULL;
        }
        const kco_proto_msg_t *m = &mx->pub;
        if (kco_proto_unsupported(m->full_name)) {
                kco_err_set(err, KCO_ERR_CONFIG, 0,
                            "protobuf message %s cannot be written to Parquet: it is not supported (no Parquet form)",
                            m->full_name);
                return NULL;
        }
        if (m->nfields == 0) {
                kco_err_set(err, KCO_ERR_CONFIG, 0,
                            "protobuf message %s cannot be written to Parquet: it has no fields (Parquet has no "
                            "empty groups)",
                            m->full_name);
                return NULL;
        }
        kco_proto_check_t c = {m, kco_calloc(p->nmsgs, 1), kco_calloc(p->nmsgs + 1, sizeof(char *)), 0, err};
        int rc = kco_proto_check_msg(&c, m);
        free(c.color);
        free(c.path);
        return rc == 0 ? m : NULL;
}
