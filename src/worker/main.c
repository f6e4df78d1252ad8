/*
 * main.c - the command line: standalone, validate, demo, config-docs, version.
 * Main thread.
 */
#include <stdio.h>
#include <string.h>

#include "worker/kco_conf.h"
#include "worker/kco_runtime.h"

#define KCO_VERSION "0.1.0"

static void kco_usage(FILE *out) {
        fputs("kafka-connect-oss " KCO_VERSION " - Kafka topics to OSS, S3 or a directory, exactly once\n\n"
              "usage:\n"
              "  kafka-connect-oss standalone worker.properties connector.properties [more.properties...]\n"
              "  kafka-connect-oss validate [worker.properties] connector.properties\n"
              "  kafka-connect-oss demo [--records N] [--partitions N] [--dir DIR]\n"
              "  kafka-connect-oss config-docs      print the configuration reference (Markdown)\n"
              "  kafka-connect-oss version\n",
              out);
}

int main(int argc, char **argv) {
        if (argc < 2) {
                kco_usage(stderr);
                return 2;
        }
        const char *cmd = argv[1];
        if (!strcmp(cmd, "standalone"))
                return kco_standalone_main(argc - 1, argv + 1);
        if (!strcmp(cmd, "validate"))
                return kco_validate_main(argc - 1, argv + 1);
        if (!strcmp(cmd, "demo"))
                return kco_demo_main(argc - 1, argv + 1);
        if (!strcmp(cmd, "config-docs")) {
                kco_conf_write_docs(stdout);
                return 0;
        }
        if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
                puts("kafka-connect-oss " KCO_VERSION);
                return 0;
        }
        if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
                kco_usage(stdout);
                return 0;
        }
        fprintf(stderr, "kafka-connect-oss: unknown command '%s'\n\n", cmd);
        kco_usage(stderr);
        return 2;
}
