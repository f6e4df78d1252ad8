/*
 * kco_proto_internal.h - the parts of the protobuf schema loader (kco_proto.h)
 * that kco_proto.c shares with its helpers: finding schema files and running
 * protoc (kco_proto_protoc.c), and printing a protobuf-c message in protobuf
 * text format (kco_proto_text.c).
 *
 * Owns: nothing beyond the lists and buffers the caller passes. Runs on the
 * thread that loads the schemas. Must never: be included outside
 * src/record/kco_proto*.c.
 */
#ifndef KCO_PROTO_INTERNAL_H
#define KCO_PROTO_INTERNAL_H

#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

#include "core/kco_arena.h"
#include "core/kco_buf.h"
#include "core/kco_err.h"

/* A growable list of heap strings. */
typedef struct kco_proto_list_s {
        char **v;
        size_t n, cap;
} kco_proto_list_t;

void kco_proto_list_add(kco_proto_list_t *l, char *s); /* takes s */
void kco_proto_list_free(kco_proto_list_t *l);

/* Every *.proto (into protos) and *.desc / *.pb / *.protoset (into sets) below dir, recursively, as paths
 * relative to dir, each list sorted bytewise. Hidden entries (".name") are skipped. 0, or -1 with
 * KCO_ERR_CONFIG. */
int kco_proto_scan_dir(const char *dir, kco_proto_list_t *protos, kco_proto_list_t *sets, kco_err_t *err);

/* Runs `protoc --include_imports --descriptor_set_out=TMP -I. files...` in dir (no shell) and appends the
 * descriptor set it wrote to out. 0, or -1 with KCO_ERR_CONFIG naming origin and quoting protoc's messages. */
int kco_proto_run_protoc(const char *dir, const kco_proto_list_t *files, const char *origin, kco_buf_t *out,
                         kco_err_t *err);

/* Appends the whole file to out. 0, or -1 with KCO_ERR_CONFIG. */
int kco_proto_read_file(const char *path, kco_buf_t *out, kco_err_t *err);

/* The protobuf text format of m (as protobuf-java's TextFormat.printToString prints it), in the arena. */
char *kco_proto_text(kco_arena_t *a, const ProtobufCMessage *m);

#endif
