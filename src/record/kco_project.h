/*
 * kco_project.h - a value of one schema as a value of another: Kafka
 * Connect's SchemaProjector, which schema.compatibility=BACKWARD / FORWARD /
 * FULL uses to write records of another version of a schema into files of
 * the current one.
 *
 * Owns: nothing; projected values are built in the caller's arena (they may
 * share unchanged leaves with the source). Any thread. Must never: modify the
 * source value, or return a value that does not match the target schema.
 *
 * Rules (org.apache.kafka.connect.data.SchemaProjector), checked at every
 * node the value reaches, on the schemas first:
 *   - types must match, except the numeric promotions
 *     INT8 < INT16 < INT32 < INT64 < FLOAT32 < FLOAT64 (a source may widen to
 *     any later one; an integer becomes float/double by conversion);
 *   - names and parameters must match ("Schema name mismatch ..." / "Schema
 *     parameters not equal ...", parameters compared as a map); logical types
 *     therefore project only to themselves. Versions are not compared, as in
 *     Connect: the projection is from one version of a schema to another;
 *   - the source schema optional and the target not: an error ("Source schema
 *     is optional, but target schema does not have a default value") whenever
 *     the target has no default, whatever the value, as in Connect;
 *   - a null value: the target's default when the source is optional and the
 *     target is not; null when the target is optional (Connect keeps the null;
 *     in a struct field it then reads as the field's default, so the default
 *     is written there, see STRUCT); the target's default, else an error, when
 *     both are required (a null in a required source is bad data);
 *   - STRUCT: every target field from the source field of the same name (a
 *     null there read as the source field's default, as Connect's Struct.get
 *     does; a null result replaced by the target field's default), or, when
 *     the source has none, the target field's default (optional without
 *     default: null; required without default: an error "Required field `x`
 *     is missing from source schema: <source schema>"); source fields the
 *     target lacks are dropped;
 *   - ARRAY: each element; MAP: each key and value. Like Connect, element
 *     schemas are only checked when there is an element; kco_project_check
 *     checks them regardless.
 * Errors are KCO_ERR_DATA naming the path (value.a.b, value.m["k"],
 * value.a[2]) and the reason, from "schema.compatibility".
 */
#ifndef KCO_PROJECT_H
#define KCO_PROJECT_H

#include "core/kco_arena.h"
#include "core/kco_err.h"
#include "record/kco_schema.h"
#include "record/kco_value.h"

/* v (of schema from; v->schema may be NULL for nested values, from is authoritative) as a value of schema to,
 * in *out (its schema pointers set to the nodes of to). 0, or -1 with KCO_ERR_DATA. */
int kco_project(const kco_schema_t *from, const kco_value_t *v, const kco_schema_t *to, kco_arena_t *arena,
                kco_value_t *out, kco_err_t *err);

/* Whether every value of from can be projected to to (the same checks on the schemas alone, every node
 * visited whether or not a value would reach it; array elements and map entries shown as ["*"]): 0, or -1 with
 * KCO_ERR_DATA and the reason. When it returns 0, kco_project fails only on a value that does not match from. */
int kco_project_check(const kco_schema_t *from, const kco_schema_t *to, kco_err_t *err);

#endif
