/*
 * kco_coresite.h - reads a Hadoop core-site.xml (<configuration><property>
 * <name/><value/></property>...) into properties, so users of the Java
 * connector can point at the file they already have (hadoop.conf.dir).
 *
 * Owns: nothing after returning. Main thread, at validation / store creation.
 * Must never: echo a value in an error message (the file holds secrets).
 */
#ifndef KCO_CORESITE_H
#define KCO_CORESITE_H

#include <stddef.h>

#include "worker/kco_props.h"

/* Parses XML text; returns -1 with "origin: line N: reason" in err. */
int kco_coresite_parse(kco_props_t *out, const char *xml, size_t len, const char *origin, char *err, size_t errsz);
/* Loads <dir>/core-site.xml. */
int kco_coresite_load(kco_props_t *out, const char *dir, char *err, size_t errsz);

#endif
