/*
 * produce.c - kco-produce: produces binary messages read as frames from
 * stdin, for the tests and the bench (kcat cannot send arbitrary bytes, null
 * values and headers in one batch). Test tooling only.
 *
 *   kco-produce BROKERS TOPIC [PARTITION|-1] [-X KEY=VALUE]...
 *
 * Owns: one librdkafka producer and stdin. Reads the frames one after
 * another, produces each as one message to TOPIC (to PARTITION, or with -1 or
 * no PARTITION to the partition librdkafka's default partitioner picks:
 * keyed messages hash to a fixed partition, null keys go anywhere), then
 * flushes. -X sets any librdkafka producer property (after the defaults
 * below, so it overrides them).
 * Must never: report success unless every message was acknowledged, or
 * write to stdout anything but the final PRODUCED line.
 *
 * Frame format (all integers unsigned big-endian; every field is required):
 *
 *   u32 key length     0xFFFFFFFF: null key (no key bytes follow)
 *   key bytes
 *   u32 value length   0xFFFFFFFF: null value, a tombstone (no bytes follow)
 *   value bytes
 *   u32 header count   0 for none
 *   per header:
 *     u16 name length, name bytes (not NUL-terminated; may be empty)
 *     u32 value length (0xFFFFFFFF: null value), value bytes
 *
 * A frame ends where its last header ends; the next frame follows at once.
 * End of input between frames ends the run; end of input inside a frame is
 * an error (exit 2, nothing of that frame is produced). Lengths are capped at
 * 256 MiB per field.
 *
 * Output: "PRODUCED=<n>" on stdout, n = messages acknowledged by the broker.
 * Exit status: 0 when every frame was read and every message acknowledged;
 * 1 when a delivery failed (the first error goes to stderr); 2 on bad input,
 * bad arguments or a producer that cannot be created.
 *
 * Defaults (fast for bulk loads): linger.ms=50, batch.size=16000000,
 * batch.num.messages=100000, queue.buffering.max.messages=1000000,
 * queue.buffering.max.kbytes=1048576, message.max.bytes=16000000,
 * message.timeout.ms=60000, compression off, acks=all.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#define KCO_PRODUCE_NULL_LEN 0xFFFFFFFFu
#define KCO_PRODUCE_MAX_FIELD (256u * 1024u * 1024u)

static int64_t kco_produce_acked;
static int64_t kco_produce_failed;

static void kco_produce_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
        (void)rk, (void)opaque;
        if (m->err) {
                if (kco_produce_failed++ == 0)
                        fprintf(stderr, "kco-produce: delivery failed: %s\n", rd_kafka_err2str(m->err));
        } else {
                kco_produce_acked++;
        }
}

/* Reads exactly n bytes; 1 when done, 0 at a clean EOF before the first byte, -1 at EOF inside or on error. */
static int kco_produce_read(FILE *in, void *buf, size_t n) {
        size_t got = fread(buf, 1, n, in);
        if (got == n)
                return 1;
        if (ferror(in)) {
                fprintf(stderr, "kco-produce: reading stdin: %s\n", strerror(errno));
                return -1;
        }
        return got == 0 ? 0 : -1;
}

/* A u32 or u16 field; *eof is set when input ended cleanly before it (only allowed where a frame starts). */
static int kco_produce_u32(FILE *in, uint32_t *v, int *eof) {
        unsigned char b[4];
        int r = kco_produce_read(in, b, 4);
        if (r == 0 && eof) {
                *eof = 1;
                return 0;
        }
        if (r != 1)
                return -1;
        *v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
        return 0;
}

static int kco_produce_u16(FILE *in, uint16_t *v) {
        unsigned char b[2];
        if (kco_produce_read(in, b, 2) != 1)
                return -1;
        *v = (uint16_t)(b[0] << 8 | b[1]);
        return 0;
}

/* A length-prefixed field into *buf (grown as needed); *len = KCO_PRODUCE_NULL_LEN for null. */
static int kco_produce_field(FILE *in, unsigned char **buf, size_t *cap, uint32_t len, const char *what) {
        if (len == KCO_PRODUCE_NULL_LEN || len == 0)
                return 0;
        if (len > KCO_PRODUCE_MAX_FIELD) {
                fprintf(stderr, "kco-produce: %s length %" PRIu32 " is over the 256 MiB limit\n", what, len);
                return -1;
        }
        if (len > *cap) {
                unsigned char *n = realloc(*buf, len);
                if (!n) {
                        fprintf(stderr, "kco-produce: out of memory\n");
                        return -1;
                }
                *buf = n;
                *cap = len;
        }
        if (kco_produce_read(in, *buf, len) != 1) {
                fprintf(stderr, "kco-produce: input ends inside a %s\n", what);
                return -1;
        }
        return 0;
}

static void kco_produce_usage(void) {
        fprintf(stderr, "usage: kco-produce BROKERS TOPIC [PARTITION|-1] [-X KEY=VALUE]...\n"
                        "Reads frames on stdin (see the comment atop tools/produce.c), produces one message\n"
                        "each, prints PRODUCED=<n>.\n");
}

static int kco_produce_set(rd_kafka_conf_t *conf, const char *k, const char *v) {
        char errstr[512];
        if (rd_kafka_conf_set(conf, k, v, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
                fprintf(stderr, "kco-produce: %s=%s: %s\n", k, v, errstr);
                return -1;
        }
        return 0;
}

int main(int argc, char **argv) {
        const char *brokers, *topic;
        int32_t partition = RD_KAFKA_PARTITION_UA;
        int i = 3;

        if (argc < 3 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
                kco_produce_usage();
                return 2;
        }
        brokers = argv[1];
        topic = argv[2];
        if (argc > 3 && strcmp(argv[3], "-X")) {
                char *end;
                long p;
                errno = 0;
                p = strtol(argv[3], &end, 10);
                if (errno || *end || !*argv[3] || p < -1 || p > INT32_MAX) {
                        fprintf(stderr, "kco-produce: bad partition '%s'\n", argv[3]);
                        return 2;
                }
                partition = p < 0 ? RD_KAFKA_PARTITION_UA : (int32_t)p;
                i = 4;
        }

        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        static const char *const defaults[][2] = {
                {"linger.ms", "50"},
                {"batch.size", "16000000"},
                {"batch.num.messages", "100000"},
                {"queue.buffering.max.messages", "1000000"},
                {"queue.buffering.max.kbytes", "1048576"},
                {"message.max.bytes", "16000000"},
                {"message.timeout.ms", "60000"},
                {"acks", "all"},
        };
        for (size_t d = 0; d < sizeof(defaults) / sizeof(defaults[0]); d++)
                if (kco_produce_set(conf, defaults[d][0], defaults[d][1]))
                        return 2;
        if (kco_produce_set(conf, "bootstrap.servers", brokers))
                return 2;
        for (; i < argc; i += 2) { /* -X key=value */
                char *eq;
                if (strcmp(argv[i], "-X") || i + 1 >= argc || !(eq = strchr(argv[i + 1], '=')) ||
                    eq == argv[i + 1]) {
                        kco_produce_usage();
                        return 2;
                }
                *eq = '\0';
                if (kco_produce_set(conf, argv[i + 1], eq + 1))
                        return 2;
        }
        rd_kafka_conf_set_dr_msg_cb(conf, kco_produce_dr);

        char errstr[512];
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "kco-produce: cannot create the producer: %s\n", errstr);
                return 2;
        }

        static char inbuf[1 << 20];
        setvbuf(stdin, inbuf, _IOFBF, sizeof(inbuf));
        unsigned char *key = NULL, *val = NULL, *hval = NULL;
        size_t key_cap = 0, val_cap = 0, hval_cap = 0;
        char name[65536];
        int64_t frames = 0;
        int bad = 0;

        for (;;) {
                uint32_t klen, vlen, nh;
                int eof = 0;
                if (kco_produce_u32(stdin, &klen, &eof)) {
                        fprintf(stderr, "kco-produce: input ends inside a frame\n");
                        bad = 1;
                        break;
                }
                if (eof)
                        break;
                if (kco_produce_field(stdin, &key, &key_cap, klen, "key") || kco_produce_u32(stdin, &vlen, NULL) ||
                    kco_produce_field(stdin, &val, &val_cap, vlen, "value") || kco_produce_u32(stdin, &nh, NULL)) {
                        fprintf(stderr, "kco-produce: frame %" PRId64 " is cut short or too large\n", frames);
                        bad = 1;
                        break;
                }
                rd_kafka_headers_t *hdrs = NULL;
                if (nh > 0) {
                        if (nh > 65536) {
                                fprintf(stderr, "kco-produce: frame %" PRId64 ": %" PRIu32 " headers\n", frames,
                                        nh);
                                bad = 1;
                                break;
                        }
                        hdrs = rd_kafka_headers_new(nh);
                        for (uint32_t h = 0; h < nh && !bad; h++) {
                                uint16_t nlen;
                                uint32_t hlen;
                                if (kco_produce_u16(stdin, &nlen) ||
                                    (nlen && kco_produce_read(stdin, name, nlen) != 1) ||
                                    kco_produce_u32(stdin, &hlen, NULL) ||
                                    kco_produce_field(stdin, &hval, &hval_cap, hlen, "header value")) {
                                        fprintf(stderr, "kco-produce: frame %" PRId64 ": header %" PRIu32
                                                        " is cut short\n",
                                                frames, h);
                                        bad = 1;
                                        break;
                                }
                                rd_kafka_header_add(hdrs, name, nlen,
                                                    hlen == KCO_PRODUCE_NULL_LEN ? NULL : (hlen ? hval : (void *)""),
                                                    hlen == KCO_PRODUCE_NULL_LEN ? 0 : (ssize_t)hlen);
                        }
                        if (bad) {
                                rd_kafka_headers_destroy(hdrs);
                                break;
                        }
                }
                /* Empty but not null: a zero-length, non-NULL pointer. */
                void *kp = klen == KCO_PRODUCE_NULL_LEN ? NULL : (klen ? key : (void *)"");
                void *vp = vlen == KCO_PRODUCE_NULL_LEN ? NULL : (vlen ? val : (void *)"");
                size_t kl = klen == KCO_PRODUCE_NULL_LEN ? 0 : klen;
                size_t vl = vlen == KCO_PRODUCE_NULL_LEN ? 0 : vlen;
                for (;;) {
                        rd_kafka_resp_err_t err = rd_kafka_producev(
                            rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(kp, kl),
                            RD_KAFKA_V_VALUE(vp, vl), RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
                        if (!err)
                                break; /* the headers belong to the message now */
                        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                                rd_kafka_poll(rk, 100);
                                continue;
                        }
                        fprintf(stderr, "kco-produce: frame %" PRId64 ": %s\n", frames, rd_kafka_err2str(err));
                        if (hdrs)
                                rd_kafka_headers_destroy(hdrs);
                        bad = 1;
                        break;
                }
                if (bad)
                        break;
                frames++;
                rd_kafka_poll(rk, 0);
        }

        /* Every queued message gets its delivery report (success or failure) within message.timeout.ms. */
        while (rd_kafka_outq_len(rk) > 0)
                rd_kafka_flush(rk, 1000);
        rd_kafka_destroy(rk);
        free(key);
        free(val);
        free(hval);
        printf("PRODUCED=%" PRId64 "\n", kco_produce_acked);
        fflush(stdout);
        if (bad)
                return 2;
        if (kco_produce_failed) {
                fprintf(stderr, "kco-produce: %" PRId64 " of %" PRId64 " messages failed\n", kco_produce_failed,
                        frames);
                return 1;
        }
        return 0;
}
