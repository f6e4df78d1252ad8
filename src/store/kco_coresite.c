/*
 * kco_coresite.c - core-site.xml through expat: collects the text of <name>
 * and <value> inside each <property> of <configuration>. Later properties
 * override earlier ones (as Hadoop's Configuration does); <final> and
 * <description> are ignored. Main thread.
 */
#include "store/kco_coresite.h"

#include <errno.h>
#include <stdint.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kco_buf.h"
#include "core/kco_mem.h"

typedef struct kco_coresite_ctx_s {
        kco_props_t *out;
        int depth;
        int in_property; /* depth of the open <property>, 0 if none */
        int field;       /* 1 name, 2 value, 0 other */
        kco_buf_t name, value, *cur;
        int have_name;
        XML_Parser parser;
        int refused; /* the document declared an entity */
} kco_coresite_ctx_t;

static void XMLCALL kco_coresite_start(void *opaque, const XML_Char *el, const XML_Char **attr) {
        (void)attr;
        kco_coresite_ctx_t *x = opaque;
        x->depth++;
        if (!strcmp(el, "property") && x->depth == 2) {
                x->in_property = x->depth;
                x->name.len = x->value.len = 0;
                x->have_name = 0;
        } else if (x->in_property && x->depth == x->in_property + 1) {
                if (!strcmp(el, "name")) {
                        x->cur = &x->name;
                        x->name.len = 0;
                        x->have_name = 1;
                } else if (!strcmp(el, "value")) {
                        x->cur = &x->value;
                        x->value.len = 0;
                }
        }
}

static void XMLCALL kco_coresite_end(void *opaque, const XML_Char *el) {
        kco_coresite_ctx_t *x = opaque;
        if (x->in_property && x->depth == x->in_property + 1)
                x->cur = NULL;
        if (x->in_property && x->depth == x->in_property && !strcmp(el, "property")) {
                if (x->have_name) {
                        /* Hadoop trims names and values */
                        const char *n = kco_buf_cstr(&x->name), *v = kco_buf_cstr(&x->value);
                        while (*n == ' ' || *n == '\t' || *n == '\n' || *n == '\r')
                                n++;
                        while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
                                v++;
                        char *nn = kco_strdup(n), *vv = kco_strdup(v);
                        for (size_t l = strlen(nn); l && strchr(" \t\r\n", nn[l - 1]); l--)
                                nn[l - 1] = '\0';
                        for (size_t l = strlen(vv); l && strchr(" \t\r\n", vv[l - 1]); l--)
                                vv[l - 1] = '\0';
                        if (*nn)
                                kco_props_set(x->out, nn, vv);
                        free(nn);
                        free(vv);
                }
                x->in_property = 0;
        }
        x->depth--;
}

static void XMLCALL kco_coresite_text(void *opaque, const XML_Char *s, int len) {
        kco_coresite_ctx_t *x = opaque;
        if (x->cur)
                kco_buf_append(x->cur, s, (size_t)len);
}

/* Refuse entity declarations (no billion-laughs expansion). */
static void XMLCALL kco_coresite_entity(void *opaque, const XML_Char *name, int pe, const XML_Char *value, int vlen,
                                        const XML_Char *base, const XML_Char *sys, const XML_Char *pub,
                                        const XML_Char *notation) {
        (void)name, (void)pe, (void)value, (void)vlen, (void)base, (void)sys, (void)pub, (void)notation;
        kco_coresite_ctx_t *x = opaque;
        x->refused = 1;
        XML_StopParser(x->parser, XML_FALSE);
}

int kco_coresite_parse(kco_props_t *out, const char *xml, size_t len, const char *origin, char *err, size_t errsz) {
        kco_coresite_ctx_t x;
        memset(&x, 0, sizeof(x));
        x.out = kco_props_new();
        kco_buf_init(&x.name);
        kco_buf_init(&x.value);
        XML_Parser p = XML_ParserCreate(NULL);
        if (!p)
                abort();
        x.parser = p;
        XML_SetUserData(p, &x);
        XML_SetElementHandler(p, kco_coresite_start, kco_coresite_end);
        XML_SetCharacterDataHandler(p, kco_coresite_text);
        XML_SetEntityDeclHandler(p, kco_coresite_entity);
        int rc = 0;
        if (len > INT32_MAX || XML_Parse(p, xml, (int)len, XML_TRUE) == XML_STATUS_ERROR) {
                snprintf(err, errsz, "%s: line %lu: %s", origin, (unsigned long)XML_GetCurrentLineNumber(p),
                         x.refused ? "entity declarations are not accepted"
                                   : XML_ErrorString(XML_GetErrorCode(p)));
                rc = -1;
        }
        XML_ParserFree(p);
        if (!rc)
                for (size_t i = 0; i < kco_props_count(x.out); i++)
                        kco_props_set(out, kco_props_key(x.out, i), kco_props_value(x.out, i));
        kco_props_destroy(x.out);
        kco_buf_free(&x.name);
        kco_buf_free(&x.value);
        return rc;
}

int kco_coresite_load(kco_props_t *out, const char *dir, char *err, size_t errsz) {
        char *path = kco_asprintf("%s/core-site.xml", dir);
        FILE *f = fopen(path, "rb");
        if (!f) {
                snprintf(err, errsz, "%s: cannot read: %s", path, strerror(errno));
                free(path);
                return -1;
        }
        kco_buf_t b;
        kco_buf_init(&b);
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len < 16 * 1024 * 1024)
                kco_buf_append(&b, chunk, n);
        fclose(f);
        int rc = kco_coresite_parse(out, b.data ? b.data : "", b.len, path, err, errsz);
        kco_buf_free(&b);
        free(path);
        return rc;
}
