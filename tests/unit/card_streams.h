/*
 * card_streams.h - the card tests' instruction assembler and their random
 * instruction streams, shared by test_card.c (the streams on the C model of the
 * card: they must end or fail cleanly) and test_sim_streams.c (the same streams
 * on the C model and on the RTL: both must agree byte for byte).
 *
 * A stream is a whole small device memory (FZ_MEM bytes: every word random, a
 * few plausible matrix / embedding records in IMAGE, a random program of 1..48
 * instructions at a random 16-byte offset of IMAGE) and the values of the
 * PROG_OFFSET, PROG_LEN and TOKEN registers. Odd streams first load in-domain
 * vectors from IO and use consistent operands, so that some of them run to END.
 * Not here: running a stream or checking what it did.
 */
#ifndef RWKVACC_CARD_STREAMS_H
#define RWKVACC_CARD_STREAMS_H

#include "rwkvacc_hw.h"

#include <stdint.h>

/* ---- the assembler ---- */

/* One instruction's fields (docs/isa.md); I(.op = ..., .len = ...) builds one. */
typedef struct A {
    uint32_t op, dst, s0, s1, s2, s3, s4, s5, region, imm, off, len, sub;
} A;
#define I(...) ((A){__VA_ARGS__})

rwkvacc_hw_insn assemble(A a);

/* ---- random instruction streams ---- */

/* The streams' memory: IMAGE [0, 16K), STATE [16K, 32K), IO [32K, 44K),
 * SCRATCH [44K, 56K), then 8 KiB in no region. */
enum { FZ_MEM = 0x10000, FZ_IMG = 0x4000, FZ_ST = 0x4000, FZ_IO = 0x3000, FZ_SC = 0x3000 };
enum { FZ_MAX_LEN = 48 }; /* instructions a stream generates at most */

/* A register write of the card under test (the C model's or the simulator's). */
typedef void fz_reg_write_fn(void *dev, uint32_t offset, uint32_t value);

/* Sets the region registers of a card fresh from reset to the layout above
 * (writes only the registers whose reset value differs). */
void fz_set_regions(fz_reg_write_fn *wr, void *dev);

typedef struct fz_stream {
    uint32_t prog_offset, prog_len, token; /* the registers to write before START */
    uint32_t len;                          /* instructions generated */
    rwkvacc_hw_insn ins[FZ_MAX_LEN];       /* as generated (those past IMAGE are not in mem) */
} fz_stream;

/* Stream number s drawn from the random state *rs: overwrites all FZ_MEM bytes
 * of mem (the program included) and fills *st. */
void fz_stream_make(uint8_t *mem, int s, uint64_t *rs, fz_stream *st);

#endif
