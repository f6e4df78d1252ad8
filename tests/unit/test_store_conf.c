/*
 * test_store_conf.c - where an OSS or S3 store's settings come from: the
 * connector's keys win over core-site.xml, which wins over the environment;
 * endpoints with and without a scheme, regions derived from OSS endpoints,
 * path-style forced for IP endpoints, and every missing piece reported.
 * Also core-site.xml parsing itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/kco_coresite.h"
#include "store/kco_store_cloud.h"

static char sitedir[64];

static void write_site(const char *body) {
        char path[128];
        snprintf(path, sizeof(path), "%s/core-site.xml", sitedir);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f, "<?xml version=\"1.0\"?>\n<configuration>\n%s</configuration>\n", body);
        fclose(f);
}

static kco_conf_t *conf_of(const char *text, kco_conf_errs_t *e) {
        kco_props_t *p = kco_props_new();
        char err[256];
        assert_int_equal(kco_props_parse(p, text, strlen(text), "test", err, sizeof(err)), 0);
        kco_conf_errs_init(e);
        kco_conf_t *c = kco_conf_new(NULL, p, e);
        kco_props_destroy(p);
        return c;
}

static int has(const kco_conf_errs_t *e, const char *needle) {
        for (int i = 0; i < e->n; i++)
                if (strstr(e->msg[i], needle))
                        return 1;
        return 0;
}

#define BASE "name=x\ntopics=t\nflush.size=1\nformat.class=json\n"

static int setup(void **state) {
        (void)state;
        strcpy(sitedir, "/tmp/kco-test-site-XXXXXX");
        assert_non_null(mkdtemp(sitedir));
        unsetenv("OSS_ACCESS_KEY_ID");
        unsetenv("OSS_ACCESS_KEY_SECRET");
        unsetenv("OSS_SESSION_TOKEN");
        unsetenv("AWS_ACCESS_KEY_ID");
        unsetenv("AWS_SECRET_ACCESS_KEY");
        unsetenv("AWS_SESSION_TOKEN");
        return 0;
}

static int teardown(void **state) {
        (void)state;
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", sitedir);
        return system(cmd);
}

static void test_coresite_parse(void **state) {
        (void)state;
        const char *xml = "<?xml version=\"1.0\"?><configuration>"
                          "<property><name> fs.oss.endpoint </name><value>\n oss-cn-beijing.aliyuncs.com\n</value>"
                          "<description>where</description></property>"
                          "<property><name>a</name><value>1</value></property>"
                          "<property><name>a</name><value>2</value><final>true</final></property>"
                          "<property><name>empty</name><value/></property>"
                          "</configuration>";
        kco_props_t *p = kco_props_new();
        char err[256];
        assert_int_equal(kco_coresite_parse(p, xml, strlen(xml), "t.xml", err, sizeof(err)), 0);
        assert_string_equal(kco_props_get(p, "fs.oss.endpoint"), "oss-cn-beijing.aliyuncs.com");
        assert_string_equal(kco_props_get(p, "a"), "2");
        assert_string_equal(kco_props_get(p, "empty"), "");
        assert_null(kco_props_get(p, "description"));
        const char *bad = "<configuration>\n<property><name>x</name>\n</configuration>";
        assert_int_equal(kco_coresite_parse(p, bad, strlen(bad), "bad.xml", err, sizeof(err)), -1);
        assert_non_null(strstr(err, "bad.xml: line 3"));
        const char *ent = "<!DOCTYPE c [<!ENTITY e \"secret\">]><configuration/>";
        assert_int_equal(kco_coresite_parse(p, ent, strlen(ent), "e.xml", err, sizeof(err)), -1);
        assert_non_null(strstr(err, "entity"));
        kco_props_destroy(p);
}

static void test_oss_precedence(void **state) {
        (void)state;
        write_site("<property><name>fs.oss.endpoint</name><value>oss-cn-shanghai-internal.aliyuncs.com</value></property>"
                   "<property><name>fs.oss.accessKeyId</name><value>SITEID</value></property>"
                   "<property><name>fs.oss.accessKeySecret</name><value>SITESECRET</value></property>"
                   "<property><name>fs.oss.securityToken</name><value>SITETOKEN</value></property>"
                   "<property><name>fs.oss.connection.secure.enabled</name><value>false</value></property>"
                   "<property><name>fs.oss.connection.maximum</name><value>32</value></property>");
        setenv("OSS_ACCESS_KEY_ID", "ENVID", 1);
        setenv("OSS_ACCESS_KEY_SECRET", "ENVSECRET", 1);
        char text[512];
        snprintf(text, sizeof(text), BASE "storage.class=com.aliyun.oss.connect.kafka.storage.OSSStorage\n"
                                          "oss.bucket=bkt\nhadoop.conf.dir=%s\noss.access.key.id=KEYID\n",
                 sitedir);
        kco_conf_errs_t e;
        kco_conf_t *c = conf_of(text, &e);
        assert_int_equal(e.n, 0);
        kco_cloud_cfg_t g;
        assert_int_equal(kco_cloud_cfg_resolve(c, &g, &e), 0);
        assert_int_equal(g.dialect, KCO_CLOUD_OSS);
        assert_int_equal(g.sign, KCO_SIGN_OSSV4);
        assert_string_equal(g.scheme, "http"); /* secure.enabled=false */
        assert_string_equal(g.endpoint, "oss-cn-shanghai-internal.aliyuncs.com");
        assert_string_equal(g.region, "cn-shanghai");
        assert_string_equal(g.id, "KEYID");          /* the key wins */
        assert_string_equal(g.secret, "SITESECRET"); /* core-site.xml over the environment */
        assert_string_equal(g.token, "SITETOKEN");
        assert_int_equal(g.max_conn, 32);
        assert_int_equal(g.path_style, 0);
        kco_cloud_cfg_free(&g);
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);
}

static void test_oss_env_and_scheme(void **state) {
        (void)state;
        setenv("OSS_ACCESS_KEY_ID", "ENVID", 1);
        setenv("OSS_ACCESS_KEY_SECRET", "ENVSECRET", 1);
        kco_conf_errs_t e;
        kco_conf_t *c = conf_of(BASE "storage.class=oss\noss.bucket=bkt\noss.endpoint=http://127.0.0.1:9000/\n"
                                     "oss.region=cn-hangzhou\noss.signature.version=v1\n",
                                &e);
        kco_cloud_cfg_t g;
        assert_int_equal(kco_cloud_cfg_resolve(c, &g, &e), 0);
        assert_string_equal(g.scheme, "http");
        assert_string_equal(g.endpoint, "127.0.0.1:9000");
        assert_int_equal(g.path_style, 1); /* an IP address cannot carry the bucket */
        assert_int_equal(g.sign, KCO_SIGN_OSSV1);
        assert_string_equal(g.id, "ENVID");
        assert_null(g.token);
        kco_cloud_cfg_free(&g);
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);
}

static void test_oss_missing_everything(void **state) {
        (void)state;
        unsetenv("OSS_ACCESS_KEY_ID");
        unsetenv("OSS_ACCESS_KEY_SECRET");
        kco_conf_errs_t e;
        kco_conf_t *c = conf_of(BASE "storage.class=oss\n", &e);
        kco_cloud_cfg_t g;
        assert_int_equal(kco_cloud_cfg_resolve(c, &g, &e), -1);
        assert_true(has(&e, "oss.endpoint: required"));
        assert_true(has(&e, "oss.bucket: required"));
        assert_true(has(&e, "no credentials"));
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);
        /* V4 needs a region it can derive or be given */
        setenv("OSS_ACCESS_KEY_ID", "I", 1);
        setenv("OSS_ACCESS_KEY_SECRET", "S", 1);
        c = conf_of(BASE "storage.class=oss\noss.bucket=bkt\noss.endpoint=storage.example.com\n", &e);
        assert_int_equal(kco_cloud_cfg_resolve(c, &g, &e), -1);
        assert_true(has(&e, "oss.region: required"));
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);
        /* the bucket goes into a host name */
        c = conf_of(BASE "storage.class=oss\noss.bucket=a/b@c\noss.endpoint=oss-cn-hangzhou.aliyuncs.com\n", &e);
        assert_int_equal(kco_cloud_cfg_resolve(c, &g, &e), -1);
        assert_true(has(&e, "oss.bucket = \"a/b@c\": not a bucket name"));
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);
}

static void test_s3(void **state) {
        (void)state;
        setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
        setenv("AWS_SECRET_ACCESS_KEY", "SKENV", 1);
        setenv("AWS_SESSION_TOKEN", "TOKENV", 1);
        kco_conf_errs_t e;
        kco_conf_t *c = conf_of(BASE "storage.class=io.confluent.connect.s3.storage.S3Storage\n"
                                     "s3.bucket.name=data\ns3.region=eu-central-1\n",
                                &e);
        kco_cloud_cfg_t g;
        assert_int_equal(kco_cloud_cfg_resolve(c, &g, &e), 0);
        assert_int_equal(g.sign, KCO_SIGN_S3V4);
        assert_string_equal(g.scheme, "https");
        assert_string_equal(g.endpoint, "s3.eu-central-1.amazonaws.com");
        assert_string_equal(g.id, "AKENV");
        assert_string_equal(g.token, "TOKENV");
        assert_int_equal(g.part_size, 5242880);
        kco_cloud_cfg_free(&g);
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);
        /* explicit keys: no session token from the environment */
        c = conf_of(BASE "storage.class=s3\ns3.bucket.name=data\nstore.url=http://localhost:9000\n"
                         "aws.access.key.id=AK\naws.secret.access.key=SK\ns3.ssea.name=DES\n",
                    &e);
        assert_int_equal(kco_cloud_cfg_resolve(c, &g, &e), -1);
        assert_true(has(&e, "s3.ssea.name = \"DES\""));
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);
        c = conf_of(BASE "storage.class=s3\ns3.bucket.name=data\nstore.url=http://localhost:9000\n"
                         "aws.access.key.id=AK\naws.secret.access.key=SK\n",
                    &e);
        assert_int_equal(kco_cloud_cfg_resolve(c, &g, &e), 0);
        assert_string_equal(g.endpoint, "localhost:9000");
        assert_int_equal(g.path_style, 0);
        assert_null(g.token);
        kco_cloud_cfg_free(&g);
        kco_conf_destroy(c);
        kco_conf_errs_free(&e);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_coresite_parse),         cmocka_unit_test(test_oss_precedence),
                cmocka_unit_test(test_oss_env_and_scheme),     cmocka_unit_test(test_oss_missing_everything),
                cmocka_unit_test(test_s3),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
