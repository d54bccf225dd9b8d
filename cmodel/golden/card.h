/*
 * card.h - the card in C: device memory, the register map of
 * include/rwkvacc_hw.h and the instruction sequencer of docs/isa.md, whose
 * datapath is the golden units (bfv, matvec, norm, sfu, wkv). It is driven only
 * through registers and device memory, like the hardware.
 *
 * The C model has no concurrency: writing CTRL.START = 1 runs the program to END
 * or to an error before rw_card_reg_write returns (STATUS.BUSY is 0 again by
 * then). CTRL.ABORT is accepted and reads 0, but there is never a running
 * program to abort, so ERR_CODE ABORTED does not occur.
 *
 * Every instruction is checked completely before it changes anything (registers
 * or memory), so a failing instruction leaves the machine as it was. Beyond the
 * checks docs/isa.md lists, operands a unit takes as block-floating vectors must
 * be in the golden units' domain (|m| <= 2^30, |e| <= RW_CARD_EXP_MAX; NORM's
 * 1/n and eps and L2NORM's eps_sq positive scalars; RWKV-4's pp within
 * [RW_PP_MIN, RW_LOG_MAX] and a nonzero denominator), else error VREG: this
 * keeps a corrupted image from driving the units into undefined arithmetic.
 */
#ifndef RWKVACC_CARD_H
#define RWKVACC_CARD_H

#include <stdint.h>

/* Largest |exponent| of a block-floating operand the card accepts. */
#define RW_CARD_EXP_MAX (INT32_C(1) << 24)

typedef struct rw_card rw_card;

/* Bytes from one matrix row's weights to the next in device memory, for rows of
 * row_bytes bytes: row_bytes rounded up to a multiple of MV_SEG_BYTES, or the
 * next power of two for shorter rows, so that every MV_SEG_BYTES segment of a
 * bus beat belongs to one row or holds whole rows. docs/isa.md. */
uint32_t rw_card_row_stride(uint32_t row_bytes);

/* A card with mem_bytes of device memory (device address = offset into it) and
 * every register at its reset value; NULL when out of memory. */
rw_card *rw_card_new(uint64_t mem_bytes);
void rw_card_free(rw_card *c);

/* 32-bit register access at a byte offset of the register map. Unknown offsets
 * read 0 and ignore writes; RO registers ignore writes; IRQ_STATUS is
 * write-1-to-clear; CTRL.START = 1 runs the program (synchronously). */
uint32_t rw_card_reg_read(rw_card *c, uint32_t offset);
void rw_card_reg_write(rw_card *c, uint32_t offset, uint32_t value);

/* The device memory, for the driver's copy hooks. */
uint8_t *rw_card_mem(rw_card *c);
uint64_t rw_card_mem_size(const rw_card *c);

/* The interrupt line: CTRL.IRQ_EN and any IRQ_STATUS bit set. */
int rw_card_irq(const rw_card *c);

/* For tests and debugging, not part of the hardware interface: vector register
 * r's exponent and length, and its words into m (VREG_WORDS of room) unless m is
 * NULL. Returns 0 for r >= N_VREG. Registers are reset when a program starts, so
 * this shows what the last program left. */
int rw_card_vreg_peek(const rw_card *c, uint32_t r, int32_t *e, uint32_t *n, int32_t *m);

#endif
