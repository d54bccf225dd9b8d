/*
 * card_streams.c - the card tests' assembler and random instruction streams
 * (card_streams.h). The draws from the random state are made in one fixed order,
 * so a seed gives the same streams on every platform.
 */
#include "card_streams.h"

#include "check.h"

#include <string.h>

rwkvacc_hw_insn assemble(A a)
{
    rwkvacc_hw_insn i;
    memset(&i, 0, sizeof i);
    rwkvacc_hw_insn_set_opcode(&i, a.op);
    rwkvacc_hw_insn_set_dst(&i, a.dst);
    rwkvacc_hw_insn_set_src0(&i, a.s0);
    rwkvacc_hw_insn_set_src1(&i, a.s1);
    rwkvacc_hw_insn_set_src2(&i, a.s2);
    rwkvacc_hw_insn_set_src3(&i, a.s3);
    rwkvacc_hw_insn_set_src4(&i, a.s4);
    rwkvacc_hw_insn_set_src5(&i, a.s5);
    rwkvacc_hw_insn_set_region(&i, a.region);
    rwkvacc_hw_insn_set_imm(&i, a.imm);
    rwkvacc_hw_insn_set_offset(&i, a.off);
    rwkvacc_hw_insn_set_len(&i, a.len);
    rwkvacc_hw_insn_set_sub(&i, a.sub);
    return i;
}

/* The random state of the stream being made. */
static uint64_t *fz_rs;

static uint64_t rnd(void)
{
    return check_rand(fz_rs);
}
static int32_t rnd_range(int32_t lo, int32_t hi) /* inclusive */
{
    int64_t v = lo + (int64_t)(rnd() % (uint64_t)((int64_t)hi - lo + 1));
    return (int32_t)v;
}

static void w32(uint8_t *mem, uint64_t addr, uint32_t v)
{
    uint8_t *p = mem + addr;
    for (int k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static uint32_t fz_word(void)
{
    /* small values often, so that some vectors are in the units' domain */
    switch (rnd() % 16) {
    case 0: case 1: case 2: case 3: return (uint32_t)rnd_range(-40, 40);
    case 4: case 5: case 6: case 7: case 8: case 9: case 10:
        return (uint32_t)rnd_range(-(1 << 30), 1 << 30);
    case 11: case 12: case 13: return (uint32_t)rnd_range(0, 16);
    case 14: return (uint32_t)rnd_range(0x3f000000, 0x7fffffff); /* Q0.32 decays */
    default: return (uint32_t)rnd();
    }
}

void fz_set_regions(fz_reg_write_fn *wr, void *dev)
{
    wr(dev, RWKVACC_HW_REG_REGION_SIZE(0), FZ_IMG);
    wr(dev, RWKVACC_HW_REG_REGION_BASE_LO(1), FZ_IMG);
    wr(dev, RWKVACC_HW_REG_REGION_SIZE(1), FZ_ST);
    wr(dev, RWKVACC_HW_REG_REGION_BASE_LO(2), FZ_IMG + FZ_ST);
    wr(dev, RWKVACC_HW_REG_REGION_SIZE(2), FZ_IO);
    wr(dev, RWKVACC_HW_REG_REGION_BASE_LO(3), FZ_IMG + FZ_ST + FZ_IO);
    wr(dev, RWKVACC_HW_REG_REGION_SIZE(3), FZ_SC);
}

void fz_stream_make(uint8_t *mem, int s, uint64_t *rs, fz_stream *st)
{
    static const uint32_t ops[] = {
        RWKVACC_HW_OP_NOP,    RWKVACC_HW_OP_END,   RWKVACC_HW_OP_EMBED,  RWKVACC_HW_OP_LOADV,
        RWKVACC_HW_OP_STOREV, RWKVACC_HW_OP_MOVE,  RWKVACC_HW_OP_ADD,    RWKVACC_HW_OP_SUB,
        RWKVACC_HW_OP_MUL,    RWKVACC_HW_OP_LERP,  RWKVACC_HW_OP_RELU_SQ, RWKVACC_HW_OP_SFU,
        RWKVACC_HW_OP_MATVEC, RWKVACC_HW_OP_NORM,  RWKVACC_HW_OP_L2NORM, RWKVACC_HW_OP_WKV,
        RWKVACC_HW_OP_BONUS7, RWKVACC_HW_OP_PREFETCH,
    };
    uint32_t len, base = 0;
    fz_rs = rs;
    memset(st, 0, sizeof *st);
    len = 1 + (uint32_t)(rnd() % FZ_MAX_LEN);
    /* memory: random words, a few plausible records in IMAGE */
    for (uint32_t a = 0; a < FZ_MEM; a += 4)
        w32(mem, a, fz_word());
    for (int r = 0; r < 4; r++) {
        uint32_t rec = 0x1000 + 0x100 * (uint32_t)r;
        w32(mem, rec, 1 + (uint32_t)(rnd() % 64));           /* rows / n_vocab */
        w32(mem, rec + 4, 1 + (uint32_t)(rnd() % 64));       /* cols / n_embd */
        w32(mem, rec + 8, rnd() % 2 ? 8 : rnd() % 2 ? 4 : 0x1400); /* bits / q */
        w32(mem, rec + 12, 1 + (uint32_t)(rnd() % 64));      /* group / e */
        w32(mem, rec + 16, 0x1400 + (uint32_t)(rnd() % 0x2000));
        w32(mem, rec + 20, 0x1400 + (uint32_t)(rnd() % 0x2000));
        w32(mem, rec + 24, 0x1400 + (uint32_t)(rnd() % 0x2000));
    }
    if (rnd() % 8 == 0)
        base = 16 * (uint32_t)(rnd() % 16);
    if (s % 2) { /* half the streams: loads of in-domain vectors first */
        for (uint32_t a = 0; a < FZ_IO; a += 4)
            w32(mem, FZ_IMG + FZ_ST + a, (uint32_t)rnd_range(-(1 << 30), 1 << 30));
        for (uint32_t a = 0; a < FZ_IO; a += 0x100)
            w32(mem, FZ_IMG + FZ_ST + a, (uint32_t)rnd_range(-40, 0));
    }
    for (uint32_t i = 0; i < len; i++) {
        rwkvacc_hw_insn ins;
        if (s % 2 && i < 8) { /* v0..v6: 16 words, v7: a positive scalar */
            A a = {.op = RWKVACC_HW_OP_LOADV, .dst = i, .region = 2, .off = 0x100 * i,
                   .len = i == 7 ? 1 : 16};
            if (i == 7)
                w32(mem, FZ_IMG + FZ_ST + 0x100 * i + 4, 1 << 29);
            ins = assemble(a);
        } else if (rnd() % 10 == 0) {
            for (int k = 0; k < 4; k++)
                ins.w[k] = (uint32_t)rnd();
        } else {
            A a = {0};
            a.op = ops[rnd() % (sizeof ops / sizeof ops[0])];
            if (a.op == RWKVACC_HW_OP_END && rnd() % 2)
                a.op = RWKVACC_HW_OP_NOP;
            a.dst = (uint32_t)(rnd() % 8);
            a.s0 = (uint32_t)(rnd() % 8), a.s1 = (uint32_t)(rnd() % 8);
            a.s2 = (uint32_t)(rnd() % 8), a.s3 = (uint32_t)(rnd() % 8);
            a.s4 = (uint32_t)(rnd() % 8), a.s5 = (uint32_t)(rnd() % 8);
            a.region = (uint32_t)(rnd() % 4);
            a.imm = (uint32_t)(rnd() % 5);
            a.off = rnd() % 4 == 0 ? 0x1000 + 0x100 * (uint32_t)(rnd() % 4)
                                   : rnd() % 8 == 0 ? (uint32_t)rnd()
                                                    : 4 * (uint32_t)(rnd() % 0x1000);
            if (s % 2) { /* consistent operands */
                a.len = 16, a.imm = (uint32_t)(1 + rnd() % 2);
                a.s3 = a.op == RWKVACC_HW_OP_NORM ? 7 : a.s3;
                a.s4 = a.op == RWKVACC_HW_OP_NORM ? 7 : a.s4;
                a.s1 = a.op == RWKVACC_HW_OP_L2NORM ? 7 : a.s1;
                a.region = a.op == RWKVACC_HW_OP_WKV ? 1 : a.op == RWKVACC_HW_OP_STOREV ? 3 : a.region;
                a.off = a.op == RWKVACC_HW_OP_WKV || a.op == RWKVACC_HW_OP_STOREV
                            ? 0x400 * (uint32_t)(rnd() % 8) : a.off;
            } else {
                a.len = rnd() % 16 == 0 ? (uint32_t)rnd()
                        : rnd() % 2     ? (uint32_t)(rnd() % 70)
                                        : (uint32_t[]){1, 8, 16, 32, 64}[rnd() % 5];
            }
            a.sub = rnd() % 6 == 0 ? (uint32_t)(rnd() % 8) : 0;
            if (a.op == RWKVACC_HW_OP_SFU)
                a.sub = (uint32_t)(rnd() % 5);
            if (a.op == RWKVACC_HW_OP_WKV)
                a.sub = rnd() % 2 ? 4 + (uint32_t)(rnd() % 4) : a.sub;
            ins = assemble(a);
        }
        st->ins[i] = ins;
        if (base + 16 * i + 16 <= FZ_IMG)
            rwkvacc_hw_insn_store(&ins, mem + base + 16 * i);
    }
    st->len = len;
    st->prog_offset = base;
    st->prog_len = rnd() % 16 == 0 ? (uint32_t)rnd() % 4096 : len;
    st->token = (uint32_t)(rnd() % 80);
    fz_rs = NULL;
}
