/*
 * kco_partitioner.c - the partitioner table and DefaultPartitioner, which
 * keeps Kafka's partitioning: "partition=<kafka partition>".
 *
 * Task thread.
 */
#include "partition/kco_partitioner.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/kco_mem.h"

static int kco_partitioner_default_encode(kco_partitioner_t *pt, const kco_record_t *rec, kco_buf_t *out,
                                          kco_err_t *err) {
        (void)pt, (void)err;
        /* per record: digits by hand rather than snprintf */
        char digits[12], *d = digits + sizeof(digits);
        uint32_t v = (uint32_t)rec->partition; /* Kafka partitions are >= 0 */
        do
                *--d = (char)('0' + v % 10);
        while (v /= 10);
        kco_buf_append(out, "partition=", 10);
        kco_buf_append(out, d, (size_t)(digits + sizeof(digits) - d));
        return 0;
}

static const kco_partitioner_ops_t kco_partitioner_ops[] = {
        [KCO_PARTITIONER_DEFAULT] = {"DefaultPartitioner", kco_partitioner_default_encode},
};

kco_partitioner_t *kco_partitioner_new(const kco_conf_t *conf) {
        kco_partitioner_t *pt = kco_calloc(1, sizeof(*pt));
        pt->ops = &kco_partitioner_ops[conf->partitioner];
        pt->conf = conf;
        return pt;
}

void kco_partitioner_destroy(kco_partitioner_t *pt) {
        free(pt);
}
