/*
 * mock-broker.c - kco-mock-broker: librdkafka's mock Kafka cluster as a
 * helper process for the integration tests.
 *
 * Owns: one rd_kafka_t (producer handle, never produces) and the mock cluster
 * hung on it. The main thread reads control commands from stdin and signals
 * from a signalfd; librdkafka's own threads serve the Kafka protocol on
 * 127.0.0.1 and are the only ones touching the cluster's state (every
 * rd_kafka_mock_*() call below is a synchronous request to them).
 * Must never: write anything to stdout but the BOOTSTRAP line and one reply
 * line per command (tests parse it); exit on stdin EOF (see below).
 *
 * Protocol. First line on stdout: "BOOTSTRAP=<host:port,...>". Then one line
 * per command read on stdin, answered by exactly one line "ok" or
 * "error <reason>", flushed at once. Blank lines and lines starting with '#'
 * are ignored and get no reply. Commands:
 *
 *   ping                                  liveness check
 *   topic NAME PARTITIONS                 create a topic (replication 1)
 *   down BROKER_ID | up BROKER_ID         take a broker off / back on line
 *   rtt BROKER_ID MS                      add latency to a broker's replies
 *   leader TOPIC PARTITION BROKER_ID      move a partition's leader
 *   coordinator group|transaction KEY BROKER_ID
 *   error APIKEY ERRCODE COUNT            next COUNT requests of APIKEY fail
 *   clear-errors APIKEY                   forget pushed errors for APIKEY
 *   broker-error BROKER_ID APIKEY ERRCODE RTT_MS COUNT
 *                                         the same, on one broker, delayed
 *   topic-error TOPIC ERRCODE             topic-level error in Metadata
 *   committed GROUP TOPIC PARTITION       answers "ok OFFSET[ METADATA]": the
 *                                         group's committed offset (-1001 if
 *                                         none) as a throwaway client sees it;
 *                                         metadata bytes outside printable
 *                                         ASCII, and '\', print as \xNN
 *   committed-sum GROUP TOPIC PARTITIONS  answers "ok SUM": the group's
 *                                         committed offsets of partitions
 *                                         0..PARTITIONS-1 added up (those
 *                                         without one count 0), in one request
 *   quit                                  destroy the cluster, exit 0
 *
 * APIKEY is a number or a Kafka request name (Produce, Fetch, OffsetCommit,
 * ...); ERRCODE a number or an error name as librdkafka spells it without the
 * RD_KAFKA_RESP_ERR_ prefix (NOT_LEADER_FOR_PARTITION, _TRANSPORT, ...).
 *
 * Lifetime. On stdin EOF the process does NOT exit: it keeps serving until
 * SIGTERM or SIGINT, so tests may start it in the background with </dev/null
 * and stop it with kill. "quit", SIGTERM and SIGINT all destroy the cluster
 * and exit 0. With --die-with-parent the process also gets SIGTERM when its
 * parent dies, so a killed test script leaves no broker behind.
 *
 * Mock cluster limits worth knowing in tests: unknown topics auto-create with
 * 4 partitions; a partition keeps only ~5 MiB or 100k batches; the consumer
 * group coordinator delays the first join (about 3 s).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define KCO_MOCK_LINE_MAX 4096
#define KCO_MOCK_ARGS_MAX 8
#define KCO_MOCK_TOPICS_MAX 64
#define KCO_MOCK_ERRCNT_MAX 100000

typedef struct kco_mock_topic_s {
        char *name;
        int partitions;
} kco_mock_topic_t;

/* Kafka protocol request names, so tests can say "error OffsetCommit ...". */
static const struct {
        const char *name;
        int16_t key;
} kco_mock_apikeys[] = {
    {"Produce", 0},         {"Fetch", 1},
    {"ListOffsets", 2},     {"Metadata", 3},
    {"OffsetCommit", 8},    {"OffsetFetch", 9},
    {"FindCoordinator", 10}, {"JoinGroup", 11},
    {"Heartbeat", 12},      {"LeaveGroup", 13},
    {"SyncGroup", 14},      {"DescribeGroups", 15},
    {"ListGroups", 16},     {"SaslHandshake", 17},
    {"ApiVersions", 18},    {"CreateTopics", 19},
    {"DeleteTopics", 20},   {"DeleteRecords", 21},
    {"InitProducerId", 22}, {"OffsetForLeaderEpoch", 23},
    {"AddPartitionsToTxn", 24}, {"AddOffsetsToTxn", 25},
    {"EndTxn", 26},         {"TxnOffsetCommit", 28},
};

static void kco_mock_usage(FILE *fp) {
        fprintf(fp,
                "usage: kco-mock-broker [--brokers N] [--topic NAME:PARTITIONS]..."
                " [--die-with-parent] [--debug CONTEXTS]\n"
                "Prints BOOTSTRAP=<servers>, then answers control commands on"
                " stdin\n(see the comment atop tools/mock-broker.c). Runs until"
                " 'quit', SIGTERM or SIGINT.\n");
}

/* Parses a whole decimal integer in [min, max]; -1 if it is not one. */
static int kco_mock_parse_long(const char *s, long min, long max, long *out) {
        char *end;
        long v;

        if (!s || !*s)
                return -1;
        errno = 0;
        v     = strtol(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return -1;
        *out = v;
        return 0;
}

static int kco_mock_parse_apikey(const char *s, int16_t *out) {
        long v;
        size_t i;

        if (!kco_mock_parse_long(s, 0, 32767, &v)) {
                *out = (int16_t)v;
                return 0;
        }
        for (i = 0; i < sizeof(kco_mock_apikeys) / sizeof(kco_mock_apikeys[0]); i++) {
                if (!strcasecmp(s, kco_mock_apikeys[i].name)) {
                        *out = kco_mock_apikeys[i].key;
                        return 0;
                }
        }
        return -1;
}

static int kco_mock_parse_err(const char *s, rd_kafka_resp_err_t *out) {
        const struct rd_kafka_err_desc *descs;
        size_t cnt, i;
        long v;

        if (!kco_mock_parse_long(s, -1000000, 1000000, &v)) {
                *out = (rd_kafka_resp_err_t)v;
                return 0;
        }
        if (!strncasecmp(s, "RD_KAFKA_RESP_ERR_", 18))
                s += 18;
        rd_kafka_get_err_descs(&descs, &cnt);
        for (i = 0; i < cnt; i++) {
                if (descs[i].name && !strcasecmp(s, descs[i].name)) {
                        *out = descs[i].code;
                        return 0;
                }
        }
        return -1;
}

static void kco_mock_reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void kco_mock_reply(const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vfprintf(stdout, fmt, ap);
        va_end(ap);
        fputc('\n', stdout);
        fflush(stdout);
}

static void kco_mock_reply_err(rd_kafka_resp_err_t err) {
        if (err)
                kco_mock_reply("error %s: %s", rd_kafka_err2name(err),
                         rd_kafka_err2str(err));
        else
                kco_mock_reply("ok");
}

/* Checks the argument count; replies with the usage line when it is wrong. */
static int kco_mock_want(int argc, int want, const char *usage) {
        if (argc == want)
                return 0;
        kco_mock_reply("error usage: %s", usage);
        return -1;
}

/*
 * Asks the cluster for GROUP's committed offset of TOPIC [PARTITION] through a
 * short-lived consumer that never joins the group (so the group under test
 * is not rebalanced), and replies with it.
 */
static void kco_mock_committed(rd_kafka_mock_cluster_t *mc, const char *group,
                         const char *topic, int32_t partition, int32_t sum_of) {
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_topic_partition_list_t *parts;
        rd_kafka_topic_partition_t *p;
        rd_kafka_resp_err_t err;
        rd_kafka_t *rk;
        char errstr[512];
        char line[KCO_MOCK_LINE_MAX];
        size_t len, i;

        if (rd_kafka_conf_set(conf, "bootstrap.servers",
                              rd_kafka_mock_cluster_bootstraps(mc), errstr,
                              sizeof(errstr)) ||
            rd_kafka_conf_set(conf, "group.id", group, errstr,
                              sizeof(errstr)) ||
            rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr,
                              sizeof(errstr)) ||
            rd_kafka_conf_set(conf, "log_level", "3", errstr,
                              sizeof(errstr))) {
                rd_kafka_conf_destroy(conf);
                kco_mock_reply("error %s", errstr);
                return;
        }
        rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
        if (!rk) {
                kco_mock_reply("error %s", errstr);
                return;
        }
        parts = rd_kafka_topic_partition_list_new(sum_of > 0 ? sum_of : 1);
        if (sum_of > 0)
                for (i = 0; i < (size_t)sum_of; i++)
                        rd_kafka_topic_partition_list_add(parts, topic, (int32_t)i);
        else
                rd_kafka_topic_partition_list_add(parts, topic, partition);
        err = rd_kafka_committed(rk, parts, 10000);
        p   = &parts->elems[0];
        if (!err)
                err = p->err;
        if (!err && sum_of > 0) {
                int64_t sum = 0;
                for (i = 0; i < (size_t)parts->cnt && !err; i++) {
                        err = parts->elems[i].err;
                        if (parts->elems[i].offset > 0)
                                sum += parts->elems[i].offset;
                }
                if (err)
                        kco_mock_reply_err(err);
                else
                        kco_mock_reply("ok %" PRId64, sum);
        } else if (err) {
                kco_mock_reply_err(err);
        } else {
                len = (size_t)snprintf(line, sizeof(line), "ok %" PRId64,
                                       p->offset);
                if (p->metadata_size > 0 && len < sizeof(line))
                        line[len++] = ' ';
                for (i = 0; i < p->metadata_size && len + 5 < sizeof(line);
                     i++) {
                        unsigned char c = ((const unsigned char *)p->metadata)[i];
                        if (c >= 0x20 && c < 0x7f && c != '\\')
                                line[len++] = (char)c;
                        else
                                len += (size_t)snprintf(line + len,
                                                        sizeof(line) - len,
                                                        "\\x%02x", c);
                }
                line[len < sizeof(line) ? len : sizeof(line) - 1] = '\0';
                kco_mock_reply("%s", line);
        }
        rd_kafka_topic_partition_list_destroy(parts);
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
}

/* Runs one command line (modified in place). Returns 1 on "quit". */
static int kco_mock_command(rd_kafka_mock_cluster_t *mc, char *line) {
        char *argv[KCO_MOCK_ARGS_MAX + 1];
        char *save = NULL, *tok;
        int argc = 0;
        long a, b;
        int16_t apikey;
        rd_kafka_resp_err_t code;
        const char *cmd;

        for (tok = strtok_r(line, " \t\r", &save); tok;
             tok = strtok_r(NULL, " \t\r", &save)) {
                if (argc == KCO_MOCK_ARGS_MAX) {
                        kco_mock_reply("error too many arguments");
                        return 0;
                }
                argv[argc++] = tok;
        }
        if (argc == 0 || argv[0][0] == '#')
                return 0;
        cmd = argv[0];

        if (!strcmp(cmd, "quit")) {
                kco_mock_reply("ok");
                return 1;
        } else if (!strcmp(cmd, "ping")) {
                kco_mock_reply("ok");
        } else if (!strcmp(cmd, "topic")) {
                if (kco_mock_want(argc, 3, "topic NAME PARTITIONS"))
                        return 0;
                if (kco_mock_parse_long(argv[2], 1, 100000, &a)) {
                        kco_mock_reply("error bad partition count '%s'", argv[2]);
                        return 0;
                }
                kco_mock_reply_err(rd_kafka_mock_topic_create(mc, argv[1], (int)a, 1));
        } else if (!strcmp(cmd, "down") || !strcmp(cmd, "up")) {
                if (kco_mock_want(argc, 2, "down|up BROKER_ID"))
                        return 0;
                if (kco_mock_parse_long(argv[1], 0, INT32_MAX, &a)) {
                        kco_mock_reply("error bad broker id '%s'", argv[1]);
                        return 0;
                }
                kco_mock_reply_err(cmd[0] == 'd'
                                 ? rd_kafka_mock_broker_set_down(mc, (int32_t)a)
                                 : rd_kafka_mock_broker_set_up(mc, (int32_t)a));
        } else if (!strcmp(cmd, "rtt")) {
                if (kco_mock_want(argc, 3, "rtt BROKER_ID MS"))
                        return 0;
                if (kco_mock_parse_long(argv[1], 0, INT32_MAX, &a) ||
                    kco_mock_parse_long(argv[2], 0, 3600000, &b)) {
                        kco_mock_reply("error bad broker id or milliseconds");
                        return 0;
                }
                kco_mock_reply_err(
                    rd_kafka_mock_broker_set_rtt(mc, (int32_t)a, (int)b));
        } else if (!strcmp(cmd, "leader")) {
                if (kco_mock_want(argc, 4, "leader TOPIC PARTITION BROKER_ID"))
                        return 0;
                if (kco_mock_parse_long(argv[2], 0, INT32_MAX, &a) ||
                    kco_mock_parse_long(argv[3], -1, INT32_MAX, &b)) {
                        kco_mock_reply("error bad partition or broker id");
                        return 0;
                }
                kco_mock_reply_err(rd_kafka_mock_partition_set_leader(
                    mc, argv[1], (int32_t)a, (int32_t)b));
        } else if (!strcmp(cmd, "coordinator")) {
                if (kco_mock_want(argc, 4,
                            "coordinator group|transaction KEY BROKER_ID"))
                        return 0;
                if (strcmp(argv[1], "group") &&
                    strcmp(argv[1], "transaction")) {
                        kco_mock_reply("error key type must be group or transaction,"
                                 " not '%s'",
                                 argv[1]);
                        return 0;
                }
                if (kco_mock_parse_long(argv[3], 0, INT32_MAX, &a)) {
                        kco_mock_reply("error bad broker id '%s'", argv[3]);
                        return 0;
                }
                kco_mock_reply_err(rd_kafka_mock_coordinator_set(mc, argv[1], argv[2],
                                                           (int32_t)a));
        } else if (!strcmp(cmd, "error") || !strcmp(cmd, "broker-error")) {
                int bk            = !strcmp(cmd, "broker-error");
                long broker = 0, rtt = 0;
                rd_kafka_resp_err_t *errs;
                int i = bk ? 1 : 0;

                if (kco_mock_want(argc, bk ? 6 : 4,
                            bk ? "broker-error BROKER_ID APIKEY ERRCODE RTT_MS"
                                 " COUNT"
                               : "error APIKEY ERRCODE COUNT"))
                        return 0;
                if (bk && (kco_mock_parse_long(argv[1], 0, INT32_MAX, &broker) ||
                           kco_mock_parse_long(argv[4], 0, 3600000, &rtt))) {
                        kco_mock_reply("error bad broker id or milliseconds");
                        return 0;
                }
                if (kco_mock_parse_apikey(argv[i + 1], &apikey)) {
                        kco_mock_reply("error unknown api key '%s'", argv[i + 1]);
                        return 0;
                }
                if (kco_mock_parse_err(argv[i + 2], &code)) {
                        kco_mock_reply("error unknown error code '%s'", argv[i + 2]);
                        return 0;
                }
                if (kco_mock_parse_long(argv[argc - 1], 1, KCO_MOCK_ERRCNT_MAX, &a)) {
                        kco_mock_reply("error count must be 1..%d", KCO_MOCK_ERRCNT_MAX);
                        return 0;
                }
                if (bk) {
                        rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
                        /* One call per error: the rtts variant is varargs. */
                        for (b = 0; b < a && !err; b++)
                                err = rd_kafka_mock_broker_push_request_error_rtts(
                                    mc, (int32_t)broker, apikey, 1, code,
                                    (int)rtt);
                        kco_mock_reply_err(err);
                        return 0;
                }
                errs = calloc((size_t)a, sizeof(*errs));
                if (!errs) {
                        kco_mock_reply("error out of memory");
                        return 0;
                }
                for (b = 0; b < a; b++)
                        errs[b] = code;
                rd_kafka_mock_push_request_errors_array(mc, apikey, (size_t)a,
                                                        errs);
                free(errs);
                kco_mock_reply("ok");
        } else if (!strcmp(cmd, "clear-errors")) {
                if (kco_mock_want(argc, 2, "clear-errors APIKEY"))
                        return 0;
                if (kco_mock_parse_apikey(argv[1], &apikey)) {
                        kco_mock_reply("error unknown api key '%s'", argv[1]);
                        return 0;
                }
                rd_kafka_mock_clear_request_errors(mc, apikey);
                kco_mock_reply("ok");
        } else if (!strcmp(cmd, "topic-error")) {
                if (kco_mock_want(argc, 3, "topic-error TOPIC ERRCODE"))
                        return 0;
                if (kco_mock_parse_err(argv[2], &code)) {
                        kco_mock_reply("error unknown error code '%s'", argv[2]);
                        return 0;
                }
                rd_kafka_mock_topic_set_error(mc, argv[1], code);
                kco_mock_reply("ok");
        } else if (!strcmp(cmd, "committed")) {
                if (kco_mock_want(argc, 4, "committed GROUP TOPIC PARTITION"))
                        return 0;
                if (kco_mock_parse_long(argv[3], 0, INT32_MAX, &a)) {
                        kco_mock_reply("error bad partition '%s'", argv[3]);
                        return 0;
                }
                kco_mock_committed(mc, argv[1], argv[2], (int32_t)a, 0);
        } else if (!strcmp(cmd, "committed-sum")) {
                if (kco_mock_want(argc, 4, "committed-sum GROUP TOPIC PARTITIONS"))
                        return 0;
                if (kco_mock_parse_long(argv[3], 1, 100000, &a)) {
                        kco_mock_reply("error bad partition count '%s'", argv[3]);
                        return 0;
                }
                kco_mock_committed(mc, argv[1], argv[2], 0, (int32_t)a);
        } else {
                kco_mock_reply("error unknown command '%s'", cmd);
        }
        return 0;
}

/* Parses "NAME:PARTITIONS" into t (name is strdup'ed). */
static int kco_mock_parse_topic_opt(const char *s, kco_mock_topic_t *t) {
        const char *colon = strrchr(s, ':');
        long parts;

        if (!colon || colon == s ||
            kco_mock_parse_long(colon + 1, 1, 100000, &parts))
                return -1;
        t->name = strndup(s, (size_t)(colon - s));
        if (!t->name)
                return -1;
        t->partitions = (int)parts;
        return 0;
}

/*
 * Serves stdin commands and signals until quit or a signal. After stdin EOF
 * only signals are waited for.
 */
static void kco_mock_serve(rd_kafka_mock_cluster_t *mc, int sigfd) {
        static char buf[KCO_MOCK_LINE_MAX];
        size_t len    = 0;
        int overflow  = 0;
        int stdin_fd  = STDIN_FILENO;

        for (;;) {
                struct pollfd pfd[2] = {{.fd = sigfd, .events = POLLIN},
                                        {.fd = stdin_fd, .events = POLLIN}};
                char chunk[1024];
                ssize_t r;
                ssize_t i;

                if (poll(pfd, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("kco-mock-broker: poll");
                        return;
                }
                if (pfd[0].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        if (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
                                fprintf(stderr,
                                        "kco-mock-broker: signal %u, "
                                        "shutting down\n",
                                        si.ssi_signo);
                        return;
                }
                if (stdin_fd < 0 || !pfd[1].revents)
                        continue;

                r = read(stdin_fd, chunk, sizeof(chunk));
                if (r < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (r <= 0) {
                        /* EOF (or error): run a last unterminated line, then
                         * wait for a signal only. */
                        if (len > 0 && !overflow) {
                                buf[len] = '\0';
                                if (kco_mock_command(mc, buf))
                                        return;
                        }
                        len      = 0;
                        stdin_fd = -1;
                        continue;
                }
                for (i = 0; i < r; i++) {
                        if (chunk[i] != '\n') {
                                if (len < sizeof(buf) - 1)
                                        buf[len++] = chunk[i];
                                else
                                        overflow = 1;
                                continue;
                        }
                        buf[len] = '\0';
                        len      = 0;
                        if (overflow) {
                                overflow = 0;
                                kco_mock_reply("error line longer than %d bytes",
                                         KCO_MOCK_LINE_MAX - 1);
                                continue;
                        }
                        if (kco_mock_command(mc, buf))
                                return;
                }
        }
}

int main(int argc, char **argv) {
        kco_mock_topic_t topics[KCO_MOCK_TOPICS_MAX];
        int topic_cnt = 0, brokers = 1, die_with_parent = 0, i, sigfd;
        const char *debug = NULL;
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        rd_kafka_mock_cluster_t *mc;
        sigset_t sigs;
        char errstr[512];
        long v;

        for (i = 1; i < argc; i++) {
                const char *opt = argv[i];
                const char *val = i + 1 < argc ? argv[i + 1] : NULL;

                if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
                        kco_mock_usage(stdout);
                        return 0;
                } else if (!strcmp(opt, "--die-with-parent")) {
                        die_with_parent = 1;
                        continue;
                } else if (!val) {
                        fprintf(stderr, "kco-mock-broker: %s needs a value\n",
                                opt);
                        kco_mock_usage(stderr);
                        return 2;
                } else if (!strcmp(opt, "--brokers")) {
                        if (kco_mock_parse_long(val, 1, 64, &v)) {
                                fprintf(stderr,
                                        "kco-mock-broker: --brokers must be "
                                        "1..64, not '%s'\n",
                                        val);
                                return 2;
                        }
                        brokers = (int)v;
                } else if (!strcmp(opt, "--topic")) {
                        if (topic_cnt == KCO_MOCK_TOPICS_MAX ||
                            kco_mock_parse_topic_opt(val, &topics[topic_cnt])) {
                                fprintf(stderr,
                                        "kco-mock-broker: --topic wants "
                                        "NAME:PARTITIONS (at most %d), not "
                                        "'%s'\n",
                                        KCO_MOCK_TOPICS_MAX, val);
                                return 2;
                        }
                        topic_cnt++;
                } else if (!strcmp(opt, "--debug")) {
                        debug = val;
                } else {
                        fprintf(stderr, "kco-mock-broker: unknown option %s\n",
                                opt);
                        kco_mock_usage(stderr);
                        return 2;
                }
                i++;
        }

        /* Block the stop signals before librdkafka starts its threads, so
         * they inherit the mask and only the signalfd ever sees them. */
        sigemptyset(&sigs);
        sigaddset(&sigs, SIGTERM);
        sigaddset(&sigs, SIGINT);
        pthread_sigmask(SIG_BLOCK, &sigs, NULL);
        signal(SIGPIPE, SIG_IGN);
        sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
        if (sigfd < 0) {
                perror("kco-mock-broker: signalfd");
                return 1;
        }
        if (die_with_parent) {
                pid_t parent = getppid();
                if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 ||
                    getppid() != parent) {
                        fprintf(stderr, "kco-mock-broker: parent is gone\n");
                        return 1;
                }
        }

        conf = rd_kafka_conf_new();
        /* The handle only hosts the cluster: hide its notice about having no
         * bootstrap.servers unless debugging was asked for. */
        if (!debug)
                rd_kafka_conf_set(conf, "log_level", "4", errstr,
                                  sizeof(errstr));
        if (debug &&
            rd_kafka_conf_set(conf, "debug", debug, errstr, sizeof(errstr))) {
                fprintf(stderr, "kco-mock-broker: --debug: %s\n", errstr);
                rd_kafka_conf_destroy(conf);
                return 2;
        }
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "kco-mock-broker: rd_kafka_new: %s\n", errstr);
                return 1;
        }
        mc = rd_kafka_mock_cluster_new(rk, brokers);
        if (!mc) {
                fprintf(stderr, "kco-mock-broker: cannot create the cluster\n");
                rd_kafka_destroy(rk);
                return 1;
        }
        for (i = 0; i < topic_cnt; i++) {
                rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(
                    mc, topics[i].name, topics[i].partitions, 1);
                if (err) {
                        fprintf(stderr,
                                "kco-mock-broker: topic %s: %s\n",
                                topics[i].name, rd_kafka_err2str(err));
                        rd_kafka_mock_cluster_destroy(mc);
                        rd_kafka_destroy(rk);
                        return 1;
                }
                free(topics[i].name);
        }

        printf("BOOTSTRAP=%s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);

        kco_mock_serve(mc, sigfd);

        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        close(sigfd);
        return 0;
}
