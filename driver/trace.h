/*
 * trace.h - golden vectors on disk (docs/conformance.md): the writer behind the
 * golden model's trace hook, and the reader and replay checker that run every
 * recorded operation through its unit again and count mismatches (the reference
 * testbench for HLS, RTL and other implementations).
 */
#ifndef RWKVACC_DRIVER_TRACE_H
#define RWKVACC_DRIVER_TRACE_H

#include "golden/golden.h"

#include <stdio.h>

#define RW_TRACE_MAGIC "RWOP"
#define RW_TRACE_END_MAGIC "RWND" /* trailer: magic, u32 records, u32 tokens */
#define RW_TRACE_END_BYTES 12
#define RW_TRACE_UNIT_LEN 16
#define RW_TRACE_NAME_LEN 32
#define RW_TRACE_ROLE_LEN 8

/* Writer: records to an open stream, and one manifest line each. */
typedef struct rw_trace_writer {
    FILE *vectors, *manifest;
    uint8_t *rec;           /* the record being built */
    size_t len, cap;
    uint32_t n_operands, index, token, layer;
    uint64_t offset;        /* of the record being built, in vectors */
    char unit[RW_TRACE_UNIT_LEN], name[RW_TRACE_NAME_LEN];
    int failed;
    rw_trace_hook hook;     /* points back to this writer */
} rw_trace_writer;

void rw_trace_writer_init(rw_trace_writer *w, FILE *vectors, FILE *manifest);
/* Writes the trailer that closes a vectors file. */
void rw_trace_writer_finish(rw_trace_writer *w);
void rw_trace_writer_free(rw_trace_writer *w);

/* One operand of a parsed record. */
typedef struct rw_trace_opnd {
    uint32_t out;
    char role[RW_TRACE_ROLE_LEN + 1];
    uint32_t type, n;
    int32_t e;
    const uint8_t *data; /* little-endian payload inside the vectors buffer */
} rw_trace_opnd;

typedef struct rw_trace_rec {
    uint32_t index, token, layer, n_operands;
    char unit[RW_TRACE_UNIT_LEN + 1], name[RW_TRACE_NAME_LEN + 1];
    rw_trace_opnd op[40];
} rw_trace_rec;

/* Parses the record at *off of buf and advances *off; fails on malformed input. */
rwkvacc_status rw_trace_read(const uint8_t *buf, size_t len, size_t *off, rw_trace_rec *r,
                             const char *file, rwkvacc_error *err);

/* Per-unit replay results. */
typedef struct rw_conform_count {
    char unit[RW_TRACE_UNIT_LEN + 1];
    uint64_t records, mismatches;
} rw_conform_count;

typedef struct rw_conform {
    rw_conform_count units[32];
    size_t n_units;
    uint64_t first_bad; /* index of the first mismatching record, or UINT64_MAX */
    char first_bad_what[256];
} rw_conform;

/* Replays every record of a vectors buffer against the golden units of q. */
rwkvacc_status rw_conform_run(const rw_qmodel *q, const uint8_t *buf, size_t len,
                              const char *file, rw_conform *res, rwkvacc_error *err);

#endif
