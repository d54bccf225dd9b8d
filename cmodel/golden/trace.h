/*
 * trace.h - the golden model's trace hook: every unit operation of every layer
 * of every token reports its kind and place, its inputs (before it runs) and
 * its outputs (after). driver/trace.c writes these as golden vectors (docs/conformance.md);
 * driver/conform.c replays them. Costs nothing when no hook is set.
 */
#ifndef RWKVACC_TRACE_H
#define RWKVACC_TRACE_H

#include <stddef.h>
#include <stdint.h>

typedef enum rw_opnd_type {
    RW_OT_BFV = 1,    /* int32 mantissas, exponent e */
    RW_OT_ACT16 = 2,  /* int16 values, exponent e */
    RW_OT_U32 = 3,    /* uint32 values (Q0.32 decays) */
    RW_OT_I32 = 4,    /* int32 values (Q15.16, counts) */
    RW_OT_WEIGHT = 5  /* a weight matrix, by its quantized-file name (data: char*) */
} rw_opnd_type;

typedef struct rw_opnd {
    const char *role; /* operand name within the unit: "a", "x", "S", ... */
    rw_opnd_type type;
    uint32_t n;       /* elements (WEIGHT: name length) */
    int32_t e;        /* exponent (BFV, ACT16) */
    const void *data;
} rw_opnd;

typedef struct rw_trace_hook {
    /* unit: the operation's kind ("add", "matvec", "wkv7", ...); name: where in
     * the model ("att.k_mix"); layer: index, or UINT32_MAX outside the layers.
     * Then every input (out = 0) before the unit runs, every output (out = 1)
     * after, then end. */
    void (*begin)(void *ctx, const char *unit, const char *name, uint32_t layer);
    void (*operand)(void *ctx, int out, const rw_opnd *o);
    void (*end)(void *ctx);
    void *ctx;
} rw_trace_hook;

#endif
