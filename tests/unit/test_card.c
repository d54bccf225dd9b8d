/*
 * test_card.c - the card's C model (cmodel/golden/card.c) through its registers
 * and device memory only: hand-assembled programs run every opcode on random
 * inputs, and each result (STOREV'd to IO, or the WKV state written back) equals
 * the golden unit called directly on the same inputs, bit for bit. Then the
 * register map (reset values, RO, write-1-to-clear, doorbell, DONE and the
 * interrupt line), every error path (code, PC, nothing changed), and 1,000
 * random instruction streams (card_streams.c) on a small memory that must end or
 * fail cleanly without writing outside the RW regions.
 */
#include "card_streams.h"
#include "check.h"
#include "golden/bfv.h"
#include "golden/card.h"
#include "golden/matvec.h"
#include "golden/norm.h"
#include "golden/sfu.h"
#include "golden/wkv.h"
#include "rwkvacc_hw.h"

#include <stdlib.h>
#include <string.h>

#define VW RWKVACC_HW_CFG_VREG_WORDS

/* Memory map of the op and error tests. */
enum {
    MEM = 0x100000,
    IMG_BASE = 0x00000, IMG_SIZE = 0x40000,
    ST_BASE = 0x40000, ST_SIZE = 0x40000,
    IO_BASE = 0x80000, IO_SIZE = 0x40000,
    SC_BASE = 0xC0000, SC_SIZE = 0x20000, /* 0xE0000..: in no region */
    SLOT = 0x1000,                        /* IO bytes per input vector */
    OUT_SLOT = 30,                        /* IO slot of the result */
    DST = 20,
};

static uint64_t rs = 0x5eed0fca2d000001ull;
static uint64_t rnd(void)
{
    return check_rand(&rs);
}
static int32_t rnd_range(int32_t lo, int32_t hi) /* inclusive */
{
    int64_t v = lo + (int64_t)(rnd() % (uint64_t)((int64_t)hi - lo + 1));
    return (int32_t)v;
}

/* ---- the assembler: A, I(...), assemble() in card_streams.h ---- */

/* A program being built: instructions at IMAGE offset 0. */
typedef struct prog {
    A a[64];
    uint32_t n;
} prog;

static void emit(prog *p, A a)
{
    if (p->n < 64)
        p->a[p->n++] = a;
}

/* ---- memory helpers ---- */

static void w32(rw_card *c, uint64_t addr, uint32_t v)
{
    uint8_t *p = rw_card_mem(c) + addr;
    for (int k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}
static uint32_t r32(rw_card *c, uint64_t addr)
{
    const uint8_t *p = rw_card_mem(c) + addr;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void w16(rw_card *c, uint64_t addr, uint16_t v)
{
    uint8_t *p = rw_card_mem(c) + addr;
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void wvec(rw_card *c, uint64_t addr, int32_t e, const int32_t *m, uint32_t n)
{
    w32(c, addr, (uint32_t)e);
    for (uint32_t i = 0; i < n; i++)
        w32(c, addr + 4 + 4 * (uint64_t)i, (uint32_t)m[i]);
}

/* Compares the vector at addr (e, n words) with y; names the first mismatch. */
static int same_vec(rw_card *c, uint64_t addr, const int32_t *m, int32_t e, uint32_t n,
                    char *why, size_t wl)
{
    if ((int32_t)r32(c, addr) != e) {
        snprintf(why, wl, "exponent %d, expected %d", (int32_t)r32(c, addr), e);
        return 0;
    }
    for (uint32_t i = 0; i < n; i++)
        if ((int32_t)r32(c, addr + 4 + 4 * (uint64_t)i) != m[i]) {
            snprintf(why, wl, "word %u: %d, expected %d", i,
                     (int32_t)r32(c, addr + 4 + 4 * (uint64_t)i), m[i]);
            return 0;
        }
    return 1;
}

static void set_regions(rw_card *c)
{
    const uint32_t base[4] = {IMG_BASE, ST_BASE, IO_BASE, SC_BASE};
    const uint32_t size[4] = {IMG_SIZE, ST_SIZE, IO_SIZE, SC_SIZE};
    for (uint32_t r = 0; r < 4; r++) {
        rw_card_reg_write(c, RWKVACC_HW_REG_REGION_BASE_LO(r), base[r]);
        rw_card_reg_write(c, RWKVACC_HW_REG_REGION_BASE_HI(r), 0);
        rw_card_reg_write(c, RWKVACC_HW_REG_REGION_SIZE(r), size[r]);
    }
}

/* Writes p at IMAGE offset 0 and rings the doorbell; returns ERR_CODE. */
static uint32_t run(rw_card *c, const prog *p)
{
    for (uint32_t i = 0; i < p->n; i++) {
        rwkvacc_hw_insn ins = assemble(p->a[i]);
        rwkvacc_hw_insn_store(&ins, rw_card_mem(c) + IMG_BASE + 16 * i);
    }
    rw_card_reg_write(c, RWKVACC_HW_REG_PROG_OFFSET, 0);
    rw_card_reg_write(c, RWKVACC_HW_REG_PROG_LEN, p->n);
    rw_card_reg_write(c, RWKVACC_HW_REG_CTRL, RWKVACC_HW_CTRL_START_MASK);
    return rw_card_reg_read(c, RWKVACC_HW_REG_ERR_CODE);
}

static uint32_t status(rw_card *c)
{
    return rw_card_reg_read(c, RWKVACC_HW_REG_STATUS);
}

/* ---- random operands ---- */

typedef struct vec {
    int32_t m[VW];
    int32_t e;
    uint32_t n;
} vec;

static rw_cbfv cv(const vec *v)
{
    rw_cbfv r = {v->m, v->e, v->n};
    return r;
}

/* Block-floating: |m| <= 2^30, exponent in [elo, ehi]. */
static void rand_bfv(vec *v, uint32_t n, int32_t elo, int32_t ehi)
{
    int bits = (int)(rnd() % 3) + 28; /* max |m| 2^28 .. 2^30 */
    v->n = n;
    v->e = rnd_range(elo, ehi);
    for (uint32_t i = 0; i < n; i++)
        v->m[i] = rnd_range(-(INT32_C(1) << bits), INT32_C(1) << bits);
}

static void rand_words(vec *v, uint32_t n, int32_t lo, int32_t hi)
{
    v->n = n;
    v->e = 0;
    for (uint32_t i = 0; i < n; i++)
        v->m[i] = rnd_range(lo, hi);
}

/* Loads inputs in[0..k) into v0..v(k-1) from IO slots, then op (its SRCs set by
 * the caller), then STOREV of DST to the out slot, END. */
static uint32_t run_op(rw_card *c, vec *const *in, int k, A op, uint32_t out_n)
{
    prog p = {.n = 0};
    for (int i = 0; i < k; i++) {
        wvec(c, IO_BASE + (uint64_t)i * SLOT, in[i]->e, in[i]->m, in[i]->n);
        emit(&p, I(.op = RWKVACC_HW_OP_LOADV, .dst = (uint32_t)i, .region = 2,
                   .off = (uint32_t)i * SLOT, .len = in[i]->n));
    }
    emit(&p, op);
    emit(&p, I(.op = RWKVACC_HW_OP_STOREV, .s0 = DST, .region = 2, .off = OUT_SLOT * SLOT,
               .len = out_n));
    emit(&p, I(.op = RWKVACC_HW_OP_END));
    return run(c, &p);
}

static void expect_vec(rw_card *c, const char *name, uint32_t err, const int32_t *m, int32_t e,
                       uint32_t n)
{
    char why[128];
    snprintf(why, sizeof why, "ERR_CODE 0x%x (%s)", err, rwkvacc_hw_error_name(err & 0xff));
    check(err == 0 && (status(c) & RWKVACC_HW_STATUS_DONE_MASK) &&
              same_vec(c, IO_BASE + OUT_SLOT * SLOT, m, e, n, why, sizeof why),
          name, "%s", why);
}

/* Scratch for the direct calls. */
static int64_t g_tmp[2 * VW];
static int32_t g_e32[VW], g_d32[VW], g_a[VW], g_b[VW], g_c[VW], g_d[VW], g_q32[VW];
static int64_t g_st[VW];
static int16_t g_q16[VW], g_q1[VW], g_q2[VW];

static rw_norm_ws norm_ws(void)
{
    rw_norm_ws w = {g_tmp, g_e32, g_d32, g_q16};
    return w;
}
static rw_wkv_ws wkv_ws(void)
{
    rw_wkv_ws w = {g_tmp, g_st, g_e32, g_a, g_b, g_c, g_d, g_q32, g_q1, g_q2};
    return w;
}

static vec V[8], Y;
static vec *const VIN[8] = {&V[0], &V[1], &V[2], &V[3], &V[4], &V[5], &V[6], &V[7]};

static void test_elementwise(rw_card *c)
{
    static const struct { const char *name; uint32_t op, sub; int k; } ops[] = {
        {"card-add", RWKVACC_HW_OP_ADD, 0, 2},      {"card-sub", RWKVACC_HW_OP_SUB, 0, 2},
        {"card-mul", RWKVACC_HW_OP_MUL, 0, 2},      {"card-lerp", RWKVACC_HW_OP_LERP, 0, 3},
        {"card-relu-sq", RWKVACC_HW_OP_RELU_SQ, 0, 1}, {"card-sigmoid", RWKVACC_HW_OP_SFU, 0, 1},
        {"card-tanh", RWKVACC_HW_OP_SFU, 1, 1},     {"card-decay6", RWKVACC_HW_OP_SFU, 2, 1},
        {"card-decay7", RWKVACC_HW_OP_SFU, 3, 1},
    };
    for (size_t t = 0; t < sizeof ops / sizeof ops[0]; t++) {
        uint32_t n = 1 + (uint32_t)(rnd() % 300), err;
        rw_bfv y = {Y.m, 0, n};
        for (int i = 0; i < 3; i++)
            rand_bfv(&V[i], n, ops[t].op == RWKVACC_HW_OP_SFU ? -33 : -40,
                     ops[t].op == RWKVACC_HW_OP_SFU ? -26 : 10);
        err = run_op(c, VIN, ops[t].k,
                     I(.op = ops[t].op, .dst = DST, .s0 = 0, .s1 = 1, .s2 = 2, .len = n,
                       .sub = ops[t].sub),
                     n);
        switch (ops[t].op) {
        case RWKVACC_HW_OP_ADD: rw_add(&y, cv(&V[0]), cv(&V[1]), g_tmp); break;
        case RWKVACC_HW_OP_SUB: rw_sub(&y, cv(&V[0]), cv(&V[1]), g_tmp); break;
        case RWKVACC_HW_OP_MUL: rw_mul(&y, cv(&V[0]), cv(&V[1]), g_tmp); break;
        case RWKVACC_HW_OP_LERP: rw_lerp(&y, cv(&V[0]), cv(&V[1]), cv(&V[2]), g_tmp); break;
        case RWKVACC_HW_OP_RELU_SQ: rw_relu_sq(&y, cv(&V[0]), g_tmp); break;
        default:
            if (ops[t].sub == 0) {
                rw_sigmoid(&y, cv(&V[0]), g_tmp);
            } else if (ops[t].sub == 1) {
                rw_tanh(&y, cv(&V[0]), g_tmp);
            } else {
                uint32_t w[VW];
                if (ops[t].sub == 2)
                    rw_decay6(w, cv(&V[0]));
                else
                    rw_decay7(w, cv(&V[0]));
                for (uint32_t i = 0; i < n; i++)
                    y.m[i] = (int32_t)w[i];
                y.e = 0;
            }
        }
        expect_vec(c, ops[t].name, err, y.m, y.e, n);
    }
    /* ADD and SUB with a scalar SRC1: broadcast */
    for (int neg = 0; neg < 2; neg++) {
        uint32_t n = 77, err;
        rw_bfv y = {Y.m, 0, n};
        rand_bfv(&V[0], n, -30, 0);
        rand_bfv(&V[1], 1, -30, 0);
        err = run_op(c, VIN, 2,
                     I(.op = neg ? RWKVACC_HW_OP_SUB : RWKVACC_HW_OP_ADD, .dst = DST, .s0 = 0,
                       .s1 = 1, .len = n),
                     n);
        if (neg)
            rw_sub(&y, cv(&V[0]), cv(&V[1]), g_tmp);
        else
            rw_add(&y, cv(&V[0]), cv(&V[1]), g_tmp);
        expect_vec(c, neg ? "card-sub-broadcast" : "card-add-broadcast", err, y.m, y.e, n);
    }
    /* MOVE: DST = SRC0, whatever the words */
    {
        uint32_t err;
        rand_words(&V[0], 123, INT32_MIN, INT32_MAX);
        V[0].e = -123456789;
        err = run_op(c, VIN, 1, I(.op = RWKVACC_HW_OP_MOVE, .dst = DST, .s0 = 0, .len = 123),
                     123);
        expect_vec(c, "card-move", err, V[0].m, V[0].e, 123);
    }
}

/* docs/isa.md, "Matrices in memory": the row stride for rows of rb bytes. */
static uint32_t layout_stride(uint32_t rb)
{
    uint32_t s = 1;
    if (rb >= 16)
        return (rb + 15) / 16 * 16;
    while (s < rb)
        s <<= 1;
    return s;
}

/* Matrix record at IMAGE:rec in the documented layout (q one bus beat after the
 * record, rows at their stride over random filler; s 4-aligned after q, with a
 * gap); fills W with packed copies for the direct call. */
static uint8_t mq[1 << 16];
static uint16_t msm[1 << 14];
static int16_t mse[4096];

static void put_matrix(rw_card *c, uint32_t rec, uint32_t rows, uint32_t cols, uint32_t bits,
                       uint32_t group, rw_qmat *W)
{
    uint32_t ng = (cols + group - 1) / group, rb = bits == 8 ? cols : cols / 2;
    uint32_t qs = layout_stride(rb), qo = rec + 64, so = qo + rows * qs + 4;
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t b = 0; b < qs; b++) {
            uint8_t v = 0;
            if (b < rb && bits == 8) {
                v = (uint8_t)(int8_t)rnd_range(-127, 127);
            } else if (b < rb) {
                uint32_t lo = (uint32_t)rnd_range(-7, 7) & 15u, hi = (uint32_t)rnd_range(-7, 7) & 15u;
                v = (uint8_t)(lo | hi << 4);
            }
            if (b < rb)
                mq[r * rb + b] = v;
            rw_card_mem(c)[IMG_BASE + qo + r * qs + b] = v; /* the padding is zero */
        }
    for (uint32_t r = 0; r < rows; r++) {
        for (uint32_t g = 0; g < ng; g++) {
            msm[r * ng + g] = (uint16_t)rnd();
            w16(c, IMG_BASE + so + 2 * (r * (ng + 1) + g), msm[r * ng + g]);
        }
        mse[r] = (int16_t)rnd_range(-40, -10);
        w16(c, IMG_BASE + so + 2 * (r * (ng + 1) + ng), (uint16_t)mse[r]);
    }
    w32(c, IMG_BASE + rec, rows);
    w32(c, IMG_BASE + rec + 4, cols);
    w32(c, IMG_BASE + rec + 8, bits);
    w32(c, IMG_BASE + rec + 12, group);
    w32(c, IMG_BASE + rec + 16, qo);
    w32(c, IMG_BASE + rec + 20, so);
    w32(c, IMG_BASE + rec + 24, qs);
    w32(c, IMG_BASE + rec + 28, 0);
    memset(W, 0, sizeof *W);
    W->rows = rows;
    W->cols = cols;
    W->bits = bits;
    W->group = group;
    W->q8 = (const int8_t *)mq;
    W->q4 = mq;
    W->sm = msm;
    W->se = mse;
}

static int64_t mv_acc[VW];
static int32_t mv_eacc[VW];

static void test_matvec(rw_card *c)
{
    static const struct { const char *name; uint32_t bits, group, sub, cols; } cs[] = {
        {"card-matvec-int8", 8, 64, 0, 64},
        {"card-matvec-int4", 4, 16, 0, 64},
        {"card-matvec-int8-head-to-io", 8, 64, 1, 64},
        {"card-matvec-int4-partial-group", 4, 8, 0, 62},  /* stride 32, last group 6 */
        {"card-matvec-int8-padded-rows", 8, 61, 0, 61},   /* stride 64 */
        {"card-matvec-int8-multi-beat-rows", 8, 100, 0, 100}, /* stride 112 */
        {"card-matvec-int4-rows-per-beat", 4, 8, 0, 24},  /* 12 bytes: stride 16 */
        {"card-matvec-int8-short-rows", 8, 6, 0, 6},      /* stride 8 */
    };
    for (size_t t = 0; t < sizeof cs / sizeof cs[0]; t++) {
        uint32_t rows = 40 + (uint32_t)t, cols = cs[t].cols, imm = 8, err;
        uint32_t rec = 0x1000;
        rw_qmat W;
        rw_act16 xq = {g_q16, 0, cols};
        rw_bfv y = {Y.m, 0, rows};
        rw_cbfv xs;
        prog p = {.n = 0};
        char why[128] = "";
        put_matrix(c, rec, rows, cols, cs[t].bits, cs[t].group, &W);
        rand_bfv(&V[0], cols + imm + 5, -20, 0);
        wvec(c, IO_BASE + SLOT, V[0].e, V[0].m, V[0].n);
        emit(&p, I(.op = RWKVACC_HW_OP_LOADV, .dst = 3, .region = 2, .off = SLOT, .len = V[0].n));
        emit(&p, I(.op = RWKVACC_HW_OP_MATVEC, .dst = DST, .s0 = 3, .region = 0, .off = rec,
                   .imm = imm, .len = rows, .sub = cs[t].sub));
        if (cs[t].sub == 0)
            emit(&p, I(.op = RWKVACC_HW_OP_STOREV, .s0 = DST, .region = 2,
                       .off = OUT_SLOT * SLOT, .len = rows));
        emit(&p, I(.op = RWKVACC_HW_OP_END));
        err = run(c, &p);
        xs.m = V[0].m + imm;
        xs.e = V[0].e;
        xs.n = cols;
        rw_act_quant(&xq, xs);
        rw_matvec(&y, &W, &xq, mv_acc, mv_eacc);
        if (cs[t].sub == 0) {
            expect_vec(c, cs[t].name, err, y.m, y.e, rows);
        } else {
            uint64_t rd = (uint64_t)rw_card_reg_read(c, RWKVACC_HW_REG_RD_BYTES_LO) |
                          (uint64_t)rw_card_reg_read(c, RWKVACC_HW_REG_RD_BYTES_HI) << 32;
            uint64_t exp_rd = 4 + 4 * (uint64_t)V[0].n + 32 + (uint64_t)rows * cols +
                              2 * (uint64_t)rows + 2 * (uint64_t)rows;
            snprintf(why, sizeof why, "ERR_CODE 0x%x", err);
            check(err == 0 && same_vec(c, IO_BASE, y.m, y.e, rows, why, sizeof why), cs[t].name,
                  "%s", why);
            check(rd == exp_rd, "card-matvec-rd-bytes", "RD_BYTES %llu, expected %llu",
                  (unsigned long long)rd, (unsigned long long)exp_rd);
            check(rw_card_reg_read(c, RWKVACC_HW_REG_WR_BYTES_LO) == 4 + 4 * rows,
                  "card-matvec-wr-bytes", "WR_BYTES %u",
                  rw_card_reg_read(c, RWKVACC_HW_REG_WR_BYTES_LO));
        }
    }
}

static void test_norms(rw_card *c)
{
    rw_norm_ws ws = norm_ws();
    uint32_t n = 64, groups = 4, err;
    rw_bfv y = {Y.m, 0, n};
    rand_bfv(&V[0], n, -25, -5);
    rand_bfv(&V[1], n, -30, -28);
    rand_bfv(&V[2], n, -35, -30);
    V[3].n = 1, V[3].e = -33, V[3].m[0] = INT32_C(1) << 29; /* 1/16 */
    V[4].n = 1, V[4].e = -45, V[4].m[0] = 703687441;        /* ~1e-5 */
    err = run_op(c, VIN, 5,
                 I(.op = RWKVACC_HW_OP_NORM, .dst = DST, .s0 = 0, .s1 = 1, .s2 = 2, .s3 = 3,
                   .s4 = 4, .imm = groups, .len = n),
                 n);
    rw_groupnorm(&y, cv(&V[0]), cv(&V[1]), cv(&V[2]), groups, cv(&V[3]), cv(&V[4]), &ws);
    expect_vec(c, "card-norm", err, y.m, y.e, n);

    rand_bfv(&V[0], n, -25, -5);
    V[1].n = 1, V[1].e = -60, V[1].m[0] = 1 << 29;
    err = run_op(c, VIN, 2,
                 I(.op = RWKVACC_HW_OP_L2NORM, .dst = DST, .s0 = 0, .s1 = 1, .imm = 2, .len = n),
                 n);
    rw_l2norm(&y, cv(&V[0]), 2, cv(&V[1]), &ws);
    expect_vec(c, "card-l2norm", err, y.m, y.e, n);
}

static int32_t st_ref[VW * 8];

/* Runs a WKV instruction twice (two tokens) against the direct call. */
static void test_wkv(rw_card *c)
{
    rw_wkv_ws ws = wkv_ws();
    char why[160];
    /* RWKV-4: C = 48; state aa, bb, pp at STATE:0x100 */
    {
        uint32_t C = 48, soff = 0x100, err = 0;
        int32_t aa[64], bb[64], pp[64];
        rw_wkv4_state s = {{aa, 0, C}, {bb, 0, C}, pp};
        int ok = 1;
        rand_bfv(&V[4], C, -30, -20);
        s.aa.e = V[4].e;
        memcpy(aa, V[4].m, C * 4);
        s.bb.e = -31;
        for (uint32_t i = 0; i < C; i++) {
            bb[i] = rnd_range(1 << 28, 1 << 30);
            pp[i] = rnd_range(-(1 << 20), 1 << 20);
        }
        wvec(c, ST_BASE + soff, s.aa.e, aa, C);
        wvec(c, ST_BASE + soff + 4 + 4 * C, s.bb.e, bb, C);
        for (uint32_t i = 0; i < C; i++)
            w32(c, ST_BASE + soff + 8 + 8 * C + 4 * i, (uint32_t)pp[i]);
        for (int tok = 0; tok < 2 && ok; tok++) {
            rw_bfv y = {Y.m, 0, C};
            rand_bfv(&V[0], C, -30, -28);
            rand_bfv(&V[1], C, -30, -25);
            rand_words(&V[2], C, -(1 << 17), -1);
            rand_words(&V[3], C, -(1 << 17), 1 << 17);
            err = run_op(c, VIN, 4,
                         I(.op = RWKVACC_HW_OP_WKV, .dst = DST, .s0 = 0, .s1 = 1, .s2 = 2,
                           .s3 = 3, .region = 1, .off = soff, .len = C, .sub = 4),
                         C);
            rw_wkv4(&y, cv(&V[0]), cv(&V[1]), V[2].m, V[3].m, &s, &ws);
            why[0] = 0;
            ok = err == 0 && same_vec(c, IO_BASE + OUT_SLOT * SLOT, y.m, y.e, C, why, sizeof why) &&
                 same_vec(c, ST_BASE + soff, aa, s.aa.e, C, why, sizeof why) &&
                 same_vec(c, ST_BASE + soff + 4 + 4 * C, bb, s.bb.e, C, why, sizeof why);
            for (uint32_t i = 0; ok && i < C; i++)
                ok = (int32_t)r32(c, ST_BASE + soff + 8 + 8 * C + 4 * i) == pp[i];
        }
        check(ok, "card-wkv4", "err 0x%x %s", err, why);
    }
    /* 5.x/6 and 7: H = 3 heads of N = 16 at STATE:0x2000 */
    for (int v7 = 0; v7 < 2; v7++) {
        uint32_t H = 3, N = 16, n = H * N, soff = 0x2000, err = 0, hw = 1 + N * N;
        rw_bfv S[3];
        int ok = 1;
        for (uint32_t h = 0; h < H; h++) {
            S[h].m = st_ref + h * N * N;
            S[h].n = N * N;
            S[h].e = rnd_range(-40, -30);
            for (uint32_t i = 0; i < N * N; i++)
                S[h].m[i] = rnd_range(-(1 << 30), 1 << 30);
            wvec(c, ST_BASE + soff + 4 * h * hw, S[h].e, S[h].m, N * N);
        }
        for (int tok = 0; tok < 2 && ok; tok++) {
            rw_bfv y = {Y.m, 0, n};
            uint32_t wi = v7 ? 1 : 3;
            A op = v7 ? I(.op = RWKVACC_HW_OP_WKV, .dst = DST, .s0 = 0, .s1 = 1, .s2 = 2, .s3 = 3,
                          .s4 = 4, .s5 = 5, .region = 1, .off = soff, .imm = H, .len = n, .sub = 7)
                      : I(.op = RWKVACC_HW_OP_WKV, .dst = DST, .s0 = 0, .s1 = 1, .s2 = 2, .s3 = 3,
                          .s4 = 4, .region = 1, .off = soff, .imm = H, .len = n, .sub = 5);
            for (uint32_t i = 0; i < 6; i++)
                rand_bfv(&V[i], n, -32, -28);
            rand_words(&V[wi], n, INT32_MIN, INT32_MAX); /* Q0.32 decays, any bits */
            err = run_op(c, VIN, v7 ? 6 : 5, op, n);
            if (v7)
                rw_wkv7(&y, cv(&V[0]), (const uint32_t *)V[1].m, cv(&V[2]), cv(&V[3]), cv(&V[4]),
                        cv(&V[5]), S, H, N, &ws);
            else
                rw_wkv5(&y, cv(&V[0]), cv(&V[1]), cv(&V[2]), (const uint32_t *)V[3].m, cv(&V[4]),
                        S, H, N, &ws);
            why[0] = 0;
            ok = err == 0 && same_vec(c, IO_BASE + OUT_SLOT * SLOT, y.m, y.e, n, why, sizeof why);
            for (uint32_t h = 0; ok && h < H; h++)
                ok = same_vec(c, ST_BASE + soff + 4 * h * hw, S[h].m, S[h].e, N * N, why,
                              sizeof why);
        }
        check(ok, v7 ? "card-wkv7" : "card-wkv5", "err 0x%x %s", err, why);
    }
    /* BONUS7: H = 4, N = 8 */
    {
        uint32_t n = 32, err;
        rw_bfv y = {Y.m, 0, n};
        for (int i = 0; i < 4; i++)
            rand_bfv(&V[i], n, -31, -29);
        err = run_op(c, VIN, 4,
                     I(.op = RWKVACC_HW_OP_BONUS7, .dst = DST, .s0 = 0, .s1 = 1, .s2 = 2, .s3 = 3,
                       .imm = 4, .len = n),
                     n);
        rw_bonus7(&y, cv(&V[0]), cv(&V[1]), cv(&V[2]), cv(&V[3]), 4, 8, &ws);
        expect_vec(c, "card-bonus7", err, y.m, y.e, n);
    }
}

/* Embedding record at IMAGE:0x8000, table at unaligned offsets. */
enum { EMB_REC = 0x8000, EMB_VOCAB = 10, EMB_N = 48 };
static int16_t emb_q[EMB_VOCAB * EMB_N], emb_e[EMB_VOCAB];

static void put_embedding(rw_card *c)
{
    uint32_t qo = EMB_REC + 0x11, eo = EMB_REC + 0x1001;
    for (int i = 0; i < EMB_VOCAB * EMB_N; i++) {
        emb_q[i] = (int16_t)rnd_range(-32768, 32767);
        w16(c, IMG_BASE + qo + 2 * (uint32_t)i, (uint16_t)emb_q[i]);
    }
    for (int i = 0; i < EMB_VOCAB; i++) {
        emb_e[i] = (int16_t)rnd_range(-30, -10);
        w16(c, IMG_BASE + eo + 2 * (uint32_t)i, (uint16_t)emb_e[i]);
    }
    w32(c, IMG_BASE + EMB_REC, EMB_VOCAB);
    w32(c, IMG_BASE + EMB_REC + 4, EMB_N);
    w32(c, IMG_BASE + EMB_REC + 8, qo);
    w32(c, IMG_BASE + EMB_REC + 12, eo);
}

static void test_embed(rw_card *c)
{
    prog p = {.n = 0};
    int64_t row[EMB_N];
    rw_bfv y = {Y.m, 0, EMB_N};
    uint32_t tok = 7, err;
    put_embedding(c);
    rw_card_reg_write(c, RWKVACC_HW_REG_TOKEN, tok);
    emit(&p, I(.op = RWKVACC_HW_OP_EMBED, .dst = DST, .region = 0, .off = EMB_REC, .len = EMB_N));
    emit(&p, I(.op = RWKVACC_HW_OP_STOREV, .s0 = DST, .region = 2, .off = OUT_SLOT * SLOT,
               .len = EMB_N));
    emit(&p, I(.op = RWKVACC_HW_OP_END));
    err = run(c, &p);
    for (int i = 0; i < EMB_N; i++)
        row[i] = emb_q[tok * EMB_N + (uint32_t)i];
    rw_normalize(&y, row, emb_e[tok], EMB_N);
    expect_vec(c, "card-embed", err, y.m, y.e, EMB_N);
}

/* ---- registers ---- */

static void test_registers(void)
{
    rw_card *c = rw_card_new(4096);
    static const struct { uint32_t off, reset; } ro[] = {
        {RWKVACC_HW_REG_ID, RWKVACC_HW_RESET_ID},
        {RWKVACC_HW_REG_VERSION, RWKVACC_HW_RESET_VERSION},
        {RWKVACC_HW_REG_CONFIG0, RWKVACC_HW_RESET_CONFIG0},
        {RWKVACC_HW_REG_CONFIG1, RWKVACC_HW_RESET_CONFIG1},
        {RWKVACC_HW_REG_STATUS, RWKVACC_HW_RESET_STATUS},
        {RWKVACC_HW_REG_ERR_CODE, RWKVACC_HW_RESET_ERR_CODE},
        {RWKVACC_HW_REG_CYCLES_LO, 0}, {RWKVACC_HW_REG_CYCLES_HI, 0},
        {RWKVACC_HW_REG_RD_BYTES_LO, 0}, {RWKVACC_HW_REG_RD_BYTES_HI, 0},
        {RWKVACC_HW_REG_WR_BYTES_LO, 0}, {RWKVACC_HW_REG_WR_BYTES_HI, 0},
    };
    uint32_t rw_regs[3 + 12];
    int ok = 1, n_rw = 0;
    prog p = {.n = 0};
    if (!check(c != NULL, "card-new", "out of memory"))
        return;
    for (size_t i = 0; i < sizeof ro / sizeof ro[0]; i++)
        ok &= rw_card_reg_read(c, ro[i].off) == ro[i].reset;
    ok &= rw_card_reg_read(c, RWKVACC_HW_REG_CTRL) == RWKVACC_HW_RESET_CTRL;
    ok &= rw_card_reg_read(c, RWKVACC_HW_REG_IRQ_STATUS) == RWKVACC_HW_RESET_IRQ_STATUS;
    rw_regs[n_rw++] = RWKVACC_HW_REG_PROG_OFFSET;
    rw_regs[n_rw++] = RWKVACC_HW_REG_PROG_LEN;
    rw_regs[n_rw++] = RWKVACC_HW_REG_TOKEN;
    for (uint32_t r = 0; r < 4; r++) {
        rw_regs[n_rw++] = RWKVACC_HW_REG_REGION_BASE_LO(r);
        rw_regs[n_rw++] = RWKVACC_HW_REG_REGION_BASE_HI(r);
        rw_regs[n_rw++] = RWKVACC_HW_REG_REGION_SIZE(r);
    }
    for (int i = 0; i < n_rw; i++)
        ok &= rw_card_reg_read(c, rw_regs[i]) == 0;
    check(ok, "card-reset-values", "a register is not at its reset value");
    ok = rw_card_irq(c) == 0;
    for (size_t i = 0; i < sizeof ro / sizeof ro[0]; i++) {
        rw_card_reg_write(c, ro[i].off, 0xffffffffu);
        ok &= rw_card_reg_read(c, ro[i].off) == ro[i].reset;
    }
    check(ok, "card-ro-ignores-writes", "an RO register changed");
    ok = 1;
    for (int i = 0; i < n_rw; i++) {
        rw_card_reg_write(c, rw_regs[i], 0xa5a50000u + (uint32_t)i);
        ok &= rw_card_reg_read(c, rw_regs[i]) == 0xa5a50000u + (uint32_t)i;
    }
    for (int i = 0; i < n_rw; i++)
        rw_card_reg_write(c, rw_regs[i], 0);
    for (uint32_t off = 0; off < 0x200; off += 1) {
        int known = off <= 0x028 || (off >= 0x040 && off < 0x080 && (off & 0xf) != 0xc) ||
                    (off >= 0x080 && off <= 0x094);
        if ((off & 3) || !known) {
            rw_card_reg_write(c, off, 0xffffffffu);
            ok &= rw_card_reg_read(c, off) == 0;
        }
    }
    check(ok, "card-rw-and-unknown-registers", "RW registers read back, unknown read 0");
    /* CTRL: START and ABORT read 0, IRQ_EN sticks */
    rw_card_reg_write(c, RWKVACC_HW_REG_CTRL, RWKVACC_HW_CTRL_ABORT_MASK | RWKVACC_HW_CTRL_IRQ_EN_MASK);
    check(rw_card_reg_read(c, RWKVACC_HW_REG_CTRL) == RWKVACC_HW_CTRL_IRQ_EN_MASK, "card-ctrl",
          "CTRL reads 0x%x", rw_card_reg_read(c, RWKVACC_HW_REG_CTRL));
    rw_card_reg_write(c, RWKVACC_HW_REG_CTRL, 0);
    /* doorbell: LOADV, STOREV, NOP, END in a 4 KiB memory */
    rw_card_reg_write(c, RWKVACC_HW_REG_REGION_SIZE(0), 1024);
    rw_card_reg_write(c, RWKVACC_HW_REG_REGION_BASE_LO(2), 2048);
    rw_card_reg_write(c, RWKVACC_HW_REG_REGION_SIZE(2), 2048);
    emit(&p, I(.op = RWKVACC_HW_OP_LOADV, .dst = 1, .region = 0, .off = 512, .len = 5));
    emit(&p, I(.op = RWKVACC_HW_OP_STOREV, .s0 = 1, .region = 2, .off = 100, .len = 5));
    emit(&p, I(.op = RWKVACC_HW_OP_NOP));
    emit(&p, I(.op = RWKVACC_HW_OP_END));
    for (int i = 0; i < 24; i++)
        rw_card_mem(c)[512 + i] = (uint8_t)(i * 7 + 1);
    for (uint32_t i = 0; i < p.n; i++) {
        rwkvacc_hw_insn ins = assemble(p.a[i]);
        rwkvacc_hw_insn_store(&ins, rw_card_mem(c) + 16 * i);
    }
    rw_card_reg_write(c, RWKVACC_HW_REG_PROG_LEN, p.n);
    rw_card_reg_write(c, RWKVACC_HW_REG_CTRL, RWKVACC_HW_CTRL_START_MASK);
    check(status(c) == RWKVACC_HW_STATUS_DONE_MASK &&
              rw_card_reg_read(c, RWKVACC_HW_REG_IRQ_STATUS) == RWKVACC_HW_IRQ_STATUS_DONE_MASK &&
              rw_card_reg_read(c, RWKVACC_HW_REG_ERR_CODE) == 0 &&
              rw_card_reg_read(c, RWKVACC_HW_REG_CTRL) == 0 &&
              !memcmp(rw_card_mem(c) + 2048 + 100, rw_card_mem(c) + 512, 24),
          "card-doorbell-done", "STATUS 0x%x IRQ_STATUS 0x%x", status(c),
          rw_card_reg_read(c, RWKVACC_HW_REG_IRQ_STATUS));
    check(rw_card_reg_read(c, RWKVACC_HW_REG_CYCLES_LO) == 4 &&
              rw_card_reg_read(c, RWKVACC_HW_REG_RD_BYTES_LO) == 24 &&
              rw_card_reg_read(c, RWKVACC_HW_REG_WR_BYTES_LO) == 24 &&
              rw_card_reg_read(c, RWKVACC_HW_REG_CYCLES_HI) == 0,
          "card-counters", "CYCLES %u RD %u WR %u", rw_card_reg_read(c, RWKVACC_HW_REG_CYCLES_LO),
          rw_card_reg_read(c, RWKVACC_HW_REG_RD_BYTES_LO),
          rw_card_reg_read(c, RWKVACC_HW_REG_WR_BYTES_LO));
    /* interrupt line and write-1-to-clear */
    ok = rw_card_irq(c) == 0; /* IRQ_EN off */
    rw_card_reg_write(c, RWKVACC_HW_REG_CTRL, RWKVACC_HW_CTRL_IRQ_EN_MASK);
    ok &= rw_card_irq(c) == 1;
    rw_card_reg_write(c, RWKVACC_HW_REG_IRQ_STATUS, RWKVACC_HW_IRQ_STATUS_ERROR_MASK);
    ok &= rw_card_irq(c) == 1 && rw_card_reg_read(c, RWKVACC_HW_REG_IRQ_STATUS) == 1;
    rw_card_reg_write(c, RWKVACC_HW_REG_IRQ_STATUS, RWKVACC_HW_IRQ_STATUS_DONE_MASK);
    ok &= rw_card_irq(c) == 0 && rw_card_reg_read(c, RWKVACC_HW_REG_IRQ_STATUS) == 0;
    /* an error raises IRQ_STATUS.ERROR; DONE stays until cleared */
    rw_card_reg_write(c, RWKVACC_HW_REG_PROG_LEN, 2); /* LOADV, STOREV, no END */
    rw_card_reg_write(c, RWKVACC_HW_REG_CTRL,
                      RWKVACC_HW_CTRL_START_MASK | RWKVACC_HW_CTRL_IRQ_EN_MASK);
    ok &= rw_card_irq(c) == 1 && status(c) == RWKVACC_HW_STATUS_ERROR_MASK &&
          rw_card_reg_read(c, RWKVACC_HW_REG_IRQ_STATUS) == RWKVACC_HW_IRQ_STATUS_ERROR_MASK;
    rw_card_reg_write(c, RWKVACC_HW_REG_PROG_LEN, 4);
    rw_card_reg_write(c, RWKVACC_HW_REG_CTRL,
                      RWKVACC_HW_CTRL_START_MASK | RWKVACC_HW_CTRL_IRQ_EN_MASK);
    ok &= status(c) == RWKVACC_HW_STATUS_DONE_MASK &&
          rw_card_reg_read(c, RWKVACC_HW_REG_IRQ_STATUS) == 3 &&
          rw_card_reg_read(c, RWKVACC_HW_REG_ERR_CODE) == 0;
    rw_card_reg_write(c, RWKVACC_HW_REG_IRQ_STATUS, 3);
    ok &= rw_card_irq(c) == 0;
    check(ok, "card-irq-w1c", "interrupt line or IRQ_STATUS wrong");
    check(rw_card_mem_size(c) == 4096, "card-mem-size", "%llu",
          (unsigned long long)rw_card_mem_size(c));
    rw_card_free(c);
}

/* ---- errors ---- */

static uint64_t sum_mem(rw_card *c, uint64_t lo, uint64_t hi)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint64_t i = lo; i < hi; i++)
        h = (h ^ rw_card_mem(c)[i]) * 0x100000001b3ull;
    return h;
}

/* Runs p, which must fail at pc with code, leaving register DST as the previous
 * instructions left it (n = want_n) and the memory outside nothing changed. */
static void expect_error(rw_card *c, const char *name, const prog *p, uint32_t code, uint32_t pc,
                         uint32_t want_n)
{
    uint64_t before, after;
    uint32_t err, st, n;
    int32_t e;
    /* the whole memory except the program: nothing may change */
    before = sum_mem(c, 0x400, MEM);
    err = run(c, p);
    after = sum_mem(c, 0x400, MEM);
    st = status(c);
    rw_card_vreg_peek(c, DST, &e, &n, NULL);
    check(st == RWKVACC_HW_STATUS_ERROR_MASK && err == (code | pc << 8) && before == after &&
              n == want_n &&
              (rw_card_reg_read(c, RWKVACC_HW_REG_IRQ_STATUS) & RWKVACC_HW_IRQ_STATUS_ERROR_MASK),
          name, "STATUS 0x%x ERR_CODE 0x%x (want 0x%x), memory %s, DST n %u (want %u)", st, err,
          code | pc << 8, before == after ? "same" : "CHANGED", n, want_n);
    rw_card_reg_write(c, RWKVACC_HW_REG_IRQ_STATUS, 3);
}

/* p = LOADV DST (n 8) from IO, LOADV v1 (n 8), LOADV v2 (n 1), then op. */
static prog pre(void)
{
    prog p = {.n = 0};
    emit(&p, I(.op = RWKVACC_HW_OP_LOADV, .dst = DST, .region = 2, .off = 0, .len = 8));
    emit(&p, I(.op = RWKVACC_HW_OP_LOADV, .dst = 1, .region = 2, .off = SLOT, .len = 8));
    emit(&p, I(.op = RWKVACC_HW_OP_LOADV, .dst = 2, .region = 2, .off = 2 * SLOT, .len = 1));
    return p;
}

static void err_case(rw_card *c, const char *name, A op, uint32_t code)
{
    prog p = pre();
    emit(&p, op);
    emit(&p, I(.op = RWKVACC_HW_OP_END));
    expect_error(c, name, &p, code, 3, 8);
}

static void test_errors(rw_card *c)
{
    const uint32_t REG = RWKVACC_HW_ERR_REGION, VR = RWKVACC_HW_ERR_VREG,
                   MX = RWKVACC_HW_ERR_MATRIX;
    rw_qmat W;
    prog p;
    /* inputs in IO: slot 0, 1: small vectors of 8, slot 2: a scalar */
    for (int s = 0; s < 3; s++) {
        rand_bfv(&V[0], 8, -30, -20);
        wvec(c, IO_BASE + (uint64_t)s * SLOT, V[0].e, V[0].m, 8);
    }
    put_matrix(c, 0x1000, 8, 8, 8, 8, &W);
    put_embedding(c);
    /* OPCODE */
    err_case(c, "card-err-opcode", I(.op = 0x7f, .dst = DST), RWKVACC_HW_ERR_OPCODE);
    err_case(c, "card-err-opcode-sfu-sub", I(.op = RWKVACC_HW_OP_SFU, .dst = DST, .s0 = 1, .len = 8, .sub = 4),
             RWKVACC_HW_ERR_OPCODE);
    err_case(c, "card-err-opcode-wkv-sub",
             I(.op = RWKVACC_HW_OP_WKV, .dst = DST, .region = 1, .len = 8, .imm = 1, .sub = 6),
             RWKVACC_HW_ERR_OPCODE);
    err_case(c, "card-err-opcode-matvec-sub",
             I(.op = RWKVACC_HW_OP_MATVEC, .dst = DST, .s0 = 1, .off = 0x1000, .len = 8, .sub = 2),
             RWKVACC_HW_ERR_OPCODE);
    /* REGION */
    err_case(c, "card-err-region-too-far",
             I(.op = RWKVACC_HW_OP_LOADV, .dst = DST, .region = 2, .off = IO_SIZE - 4, .len = 1),
             REG);
    err_case(c, "card-err-region-offset-wraps",
             I(.op = RWKVACC_HW_OP_LOADV, .dst = DST, .region = 2, .off = 0xfffffffcu, .len = 2),
             REG);
    err_case(c, "card-err-storev-too-far",
             I(.op = RWKVACC_HW_OP_STOREV, .s0 = 1, .region = 3, .off = SC_SIZE - 32, .len = 8),
             REG);
    err_case(c, "card-err-storev-image",
             I(.op = RWKVACC_HW_OP_STOREV, .s0 = 1, .region = 0, .off = 0x2000, .len = 8), REG);
    rw_card_reg_write(c, RWKVACC_HW_REG_REGION_SIZE(3), 0);
    err_case(c, "card-err-region-disabled",
             I(.op = RWKVACC_HW_OP_STOREV, .s0 = 1, .region = 3, .off = 0, .len = 8), REG);
    rw_card_reg_write(c, RWKVACC_HW_REG_REGION_SIZE(3), SC_SIZE);
    /* a region that runs past the device memory */
    rw_card_reg_write(c, RWKVACC_HW_REG_REGION_BASE_LO(3), MEM - 16);
    err_case(c, "card-err-region-past-memory",
             I(.op = RWKVACC_HW_OP_STOREV, .s0 = 1, .region = 3, .off = 0, .len = 8), REG);
    rw_card_reg_write(c, RWKVACC_HW_REG_REGION_BASE_HI(3), 1);
    err_case(c, "card-err-region-base-hi",
             I(.op = RWKVACC_HW_OP_STOREV, .s0 = 1, .region = 3, .off = 0, .len = 8), REG);
    rw_card_reg_write(c, RWKVACC_HW_REG_REGION_BASE_HI(3), 0);
    rw_card_reg_write(c, RWKVACC_HW_REG_REGION_BASE_LO(3), SC_BASE);
    /* WKV 5, 1 head of 8, state crossing the end of STATE; and in IO */
    err_case(c, "card-err-wkv-state-crosses-end",
             I(.op = RWKVACC_HW_OP_WKV, .dst = DST, .s0 = 1, .s1 = 1, .s2 = 1, .s3 = 1, .s4 = 1,
               .region = 1, .off = ST_SIZE - 4 * 65 + 4, .imm = 1, .len = 8, .sub = 5),
             REG);
    err_case(c, "card-err-wkv-state-not-in-state",
             I(.op = RWKVACC_HW_OP_WKV, .dst = DST, .s0 = 1, .s1 = 1, .s2 = 1, .s3 = 1, .s4 = 1,
               .region = 2, .off = 0, .imm = 1, .len = 8, .sub = 5),
             REG);
    err_case(c, "card-err-wkv4-state-crosses-end",
             I(.op = RWKVACC_HW_OP_WKV, .dst = DST, .s0 = 1, .s1 = 1, .s2 = 1, .s3 = 1,
               .region = 1, .off = ST_SIZE - 12 * 8 - 4, .len = 8, .sub = 4),
             REG);
    {   /* MATVEC SUB 1 with an IO region too small for the 8 rows */
        prog q = {.n = 0};
        memcpy(rw_card_mem(c) + SC_BASE, rw_card_mem(c) + IO_BASE + SLOT, 36);
        emit(&q, I(.op = RWKVACC_HW_OP_LOADV, .dst = DST, .region = 3, .off = 0, .len = 8));
        emit(&q, I(.op = RWKVACC_HW_OP_MATVEC, .s0 = DST, .off = 0x1000, .len = 8, .sub = 1));
        emit(&q, I(.op = RWKVACC_HW_OP_END));
        rw_card_reg_write(c, RWKVACC_HW_REG_REGION_SIZE(2), 35);
        expect_error(c, "card-err-matvec-io-too-small", &q, REG, 1, 8);
        rw_card_reg_write(c, RWKVACC_HW_REG_REGION_SIZE(2), IO_SIZE);
    }
    /* VREG */
    err_case(c, "card-err-vreg-lengths",
             I(.op = RWKVACC_HW_OP_MUL, .dst = DST, .s0 = 1, .s1 = 2, .len = 8), VR);
    err_case(c, "card-err-vreg-len-field",
             I(.op = RWKVACC_HW_OP_ADD, .dst = DST, .s0 = 1, .s1 = 1, .len = 9), VR);
    err_case(c, "card-err-vreg-too-long",
             I(.op = RWKVACC_HW_OP_LOADV, .dst = DST, .region = 2, .off = 0, .len = VW + 1), VR);
    err_case(c, "card-err-vreg-storev-len",
             I(.op = RWKVACC_HW_OP_STOREV, .s0 = 1, .region = 2, .off = 0, .len = 7), VR);
    err_case(c, "card-err-vreg-heads",
             I(.op = RWKVACC_HW_OP_BONUS7, .dst = DST, .s0 = 1, .s1 = 1, .s2 = 1, .s3 = 1,
               .imm = 3, .len = 8),
             VR);
    err_case(c, "card-err-vreg-no-heads",
             I(.op = RWKVACC_HW_OP_BONUS7, .dst = DST, .s0 = 1, .s1 = 1, .s2 = 1, .s3 = 1,
               .imm = 0, .len = 8),
             VR);
    err_case(c, "card-err-vreg-norm-groups",
             I(.op = RWKVACC_HW_OP_L2NORM, .dst = DST, .s0 = 1, .s1 = 2, .imm = 3, .len = 8), VR);
    {   /* head size 65 > MAX_HEAD_SIZE */
        prog q = pre();
        uint32_t n = 65;
        rand_bfv(&V[0], n, -30, -20);
        wvec(c, IO_BASE + 3 * SLOT, V[0].e, V[0].m, n);
        emit(&q, I(.op = RWKVACC_HW_OP_LOADV, .dst = 3, .region = 2, .off = 3 * SLOT, .len = n));
        emit(&q, I(.op = RWKVACC_HW_OP_BONUS7, .dst = DST, .s0 = 3, .s1 = 3, .s2 = 3, .s3 = 3,
                   .imm = 1, .len = n));
        emit(&q, I(.op = RWKVACC_HW_OP_END));
        expect_error(c, "card-err-vreg-head-size", &q, VR, 4, 8);
    }
    {   /* an operand outside the units' domain: |m| > 2^30 */
        prog q = pre();
        int32_t big[2] = {INT32_MIN, 5};
        wvec(c, IO_BASE + 3 * SLOT, 0, big, 2);
        emit(&q, I(.op = RWKVACC_HW_OP_LOADV, .dst = 3, .region = 2, .off = 3 * SLOT, .len = 2));
        emit(&q, I(.op = RWKVACC_HW_OP_MUL, .dst = DST, .s0 = 3, .s1 = 3, .len = 2));
        emit(&q, I(.op = RWKVACC_HW_OP_END));
        expect_error(c, "card-err-vreg-domain", &q, VR, 4, 8);
    }
    /* MATRIX */
    {
        static const struct { const char *name; uint32_t word, value; } mc[] = {
            {"card-err-matrix-bits", 2, 5},
            {"card-err-matrix-group-0", 3, 0},
            {"card-err-matrix-cols", 1, 9},
            {"card-err-matrix-q-outside", 4, IMG_SIZE},
            {"card-err-matrix-s-outside", 5, 0xfffffff0u},
                {"card-err-matrix-s-misaligned", 5, 0x1000 + 64 + 8 * 8 + 2},
            {"card-err-matrix-stride", 6, 16},
            {"card-err-matrix-q-misaligned", 4, 0x1000 + 64 + 32},
        };
        for (size_t i = 0; i < sizeof mc / sizeof mc[0]; i++) {
            uint32_t old = r32(c, IMG_BASE + 0x1000 + 4 * mc[i].word);
            w32(c, IMG_BASE + 0x1000 + 4 * mc[i].word, mc[i].value);
            err_case(c, mc[i].name,
                     I(.op = RWKVACC_HW_OP_MATVEC, .dst = DST, .s0 = 1, .off = 0x1000, .len = 8), MX);
            w32(c, IMG_BASE + 0x1000 + 4 * mc[i].word, old);
        }
        /* INT8 groups within a row must be powers of two, as INT4's */
        w32(c, IMG_BASE + 0x1000 + 12, 6);
        err_case(c, "card-err-matrix-int8-group-not-power-of-two",
                 I(.op = RWKVACC_HW_OP_MATVEC, .dst = DST, .s0 = 1, .off = 0x1000, .len = 8), MX);
        w32(c, IMG_BASE + 0x1000 + 12, 8);
        /* INT4 over the same 8 columns: 4 bytes a row, stride 4 */
        w32(c, IMG_BASE + 0x1000 + 8, 4);
        w32(c, IMG_BASE + 0x1000 + 24, 4);
        w32(c, IMG_BASE + 0x1000 + 12, 3);
        err_case(c, "card-err-matrix-int4-odd-group",
                 I(.op = RWKVACC_HW_OP_MATVEC, .dst = DST, .s0 = 1, .off = 0x1000, .len = 8), MX);
        w32(c, IMG_BASE + 0x1000 + 12, 6);
        err_case(c, "card-err-matrix-int4-group-not-power-of-two",
                 I(.op = RWKVACC_HW_OP_MATVEC, .dst = DST, .s0 = 1, .off = 0x1000, .len = 8), MX);
        w32(c, IMG_BASE + 0x1000 + 12, 8);
        w32(c, IMG_BASE + 0x1000 + 24, 8);
        err_case(c, "card-err-matrix-int4-stride",
                 I(.op = RWKVACC_HW_OP_MATVEC, .dst = DST, .s0 = 1, .off = 0x1000, .len = 8), MX);
        w32(c, IMG_BASE + 0x1000 + 8, 8);
        w32(c, IMG_BASE + 0x1000 + 12, 8);
        err_case(c, "card-err-matrix-imm-beyond-input",
                 I(.op = RWKVACC_HW_OP_MATVEC, .dst = DST, .s0 = 1, .off = 0x1000, .imm = 1, .len = 8),
                 MX);
        err_case(c, "card-err-matrix-record-outside",
                 I(.op = RWKVACC_HW_OP_MATVEC, .dst = DST, .s0 = 1, .off = IMG_SIZE - 16, .len = 8),
                 REG);
        /* the matrix itself is fine: the same instruction runs */
        p = pre();
        emit(&p, I(.op = RWKVACC_HW_OP_MATVEC, .dst = DST, .s0 = 1, .off = 0x1000, .len = 8));
        emit(&p, I(.op = RWKVACC_HW_OP_END));
        check(run(c, &p) == 0, "card-err-matrix-control", "ERR_CODE 0x%x",
              rw_card_reg_read(c, RWKVACC_HW_REG_ERR_CODE));
    }
    /* TOKEN, and an embedding table outside IMAGE */
    rw_card_reg_write(c, RWKVACC_HW_REG_TOKEN, EMB_VOCAB);
    err_case(c, "card-err-token",
             I(.op = RWKVACC_HW_OP_EMBED, .dst = DST, .off = EMB_REC, .len = EMB_N),
             RWKVACC_HW_ERR_TOKEN);
    rw_card_reg_write(c, RWKVACC_HW_REG_TOKEN, 0);
    w32(c, IMG_BASE + EMB_REC, 0x7fffffff);
    err_case(c, "card-err-embed-table-outside",
             I(.op = RWKVACC_HW_OP_EMBED, .dst = DST, .off = EMB_REC, .len = EMB_N), MX);
    w32(c, IMG_BASE + EMB_REC, EMB_VOCAB);
    err_case(c, "card-err-embed-len",
             I(.op = RWKVACC_HW_OP_EMBED, .dst = DST, .off = EMB_REC, .len = EMB_N - 1), VR);
    w32(c, IMG_BASE + EMB_REC + 4, EMB_N - 1); /* a record for rows of 47: odd, refused */
    err_case(c, "card-err-embed-odd",
             I(.op = RWKVACC_HW_OP_EMBED, .dst = DST, .off = EMB_REC, .len = EMB_N - 1), VR);
    w32(c, IMG_BASE + EMB_REC + 4, EMB_N);
    /* PROGRAM: no END; program outside IMAGE; IMAGE disabled */
    p = pre();
    expect_error(c, "card-err-program-no-end", &p, RWKVACC_HW_ERR_PROGRAM, 3, 8);
    p = pre();
    emit(&p, I(.op = RWKVACC_HW_OP_END));
    rw_card_reg_write(c, RWKVACC_HW_REG_REGION_SIZE(0), 16 * 2);
    expect_error(c, "card-err-program-outside-image", &p, RWKVACC_HW_ERR_PROGRAM, 2, 8);
    rw_card_reg_write(c, RWKVACC_HW_REG_REGION_SIZE(0), 0);
    expect_error(c, "card-err-program-image-disabled", &p, RWKVACC_HW_ERR_PROGRAM, 0, 0);
    rw_card_reg_write(c, RWKVACC_HW_REG_REGION_SIZE(0), IMG_SIZE);
    {   /* PROG_OFFSET near 2^32: no wrap */
        uint32_t err;
        rw_card_reg_write(c, RWKVACC_HW_REG_PROG_OFFSET, 0xfffffff0u);
        rw_card_reg_write(c, RWKVACC_HW_REG_PROG_LEN, 4);
        rw_card_reg_write(c, RWKVACC_HW_REG_CTRL, RWKVACC_HW_CTRL_START_MASK);
        err = rw_card_reg_read(c, RWKVACC_HW_REG_ERR_CODE);
        check(err == RWKVACC_HW_ERR_PROGRAM && status(c) == RWKVACC_HW_STATUS_ERROR_MASK,
              "card-err-program-offset-wraps", "ERR_CODE 0x%x", err);
        rw_card_reg_write(c, RWKVACC_HW_REG_PROG_OFFSET, 0);
    }
    /* a failing WKV leaves the state and DST alone (checked by expect_error's
     * checksum): a state whose pp is out of range */
    {
        prog q = pre();
        for (uint32_t i = 0; i < 12 * 8 + 8; i += 4)
            w32(c, ST_BASE + 0x100 + i, 0);
        w32(c, ST_BASE + 0x100 + 8 + 8 * 8 + 4 * 3, 0x7fffffffu);
        emit(&q, I(.op = RWKVACC_HW_OP_WKV, .dst = DST, .s0 = 1, .s1 = 1, .s2 = 1, .s3 = 1,
                   .region = 1, .off = 0x100, .len = 8, .sub = 4));
        emit(&q, I(.op = RWKVACC_HW_OP_END));
        expect_error(c, "card-err-wkv4-bad-pp", &q, VR, 3, 8);
    }
}

/* ---- random instruction streams ---- */

/* A register write of the C model, for fz_set_regions. */
static void card_reg_write(void *dev, uint32_t offset, uint32_t value)
{
    rw_card_reg_write(dev, offset, value);
}

static void test_random_streams(void)
{
    rw_card *c = rw_card_new(FZ_MEM);
    uint8_t *mem;
    int done = 0, failed = 0, bad = 0;
    uint64_t executed = 0;
    uint32_t codes[8] = {0};
    if (!check(c != NULL, "card-random-streams-new", "out of memory"))
        return;
    mem = rw_card_mem(c);
    fz_set_regions(card_reg_write, c);
    for (int s = 0; s < 1000; s++) {
        fz_stream fs;
        uint64_t before, after, gap0, gap1;
        uint32_t st, err;
        fz_stream_make(mem, s, &rs, &fs);
        rw_card_reg_write(c, RWKVACC_HW_REG_PROG_OFFSET, fs.prog_offset);
        rw_card_reg_write(c, RWKVACC_HW_REG_PROG_LEN, fs.prog_len);
        rw_card_reg_write(c, RWKVACC_HW_REG_TOKEN, fs.token);
        before = sum_mem(c, 0, FZ_IMG);
        gap0 = sum_mem(c, FZ_IMG + FZ_ST + FZ_IO + FZ_SC, FZ_MEM);
        rw_card_reg_write(c, RWKVACC_HW_REG_CTRL, RWKVACC_HW_CTRL_START_MASK);
        after = sum_mem(c, 0, FZ_IMG);
        gap1 = sum_mem(c, FZ_IMG + FZ_ST + FZ_IO + FZ_SC, FZ_MEM);
        st = status(c);
        err = rw_card_reg_read(c, RWKVACC_HW_REG_ERR_CODE);
        executed += rw_card_reg_read(c, RWKVACC_HW_REG_CYCLES_LO);
        if (st == RWKVACC_HW_STATUS_DONE_MASK && err == 0)
            done++;
        else if (st == RWKVACC_HW_STATUS_ERROR_MASK && (err & 0xff) >= 1 && (err & 0xff) <= 6)
            failed++, codes[err & 7]++;
        else
            bad++;
        bad += before != after || gap0 != gap1;
        rw_card_reg_write(c, RWKVACC_HW_REG_IRQ_STATUS, 3);
    }
    check(bad == 0 && done + failed == 1000, "card-random-streams",
          "%d runs neither ended nor failed cleanly, or wrote outside the RW regions", bad);
    printf("# random streams: %llu instructions, %d ended, %d failed (OPCODE %u REGION %u VREG %u MATRIX %u "
           "PROGRAM %u TOKEN %u)\n",
           (unsigned long long)executed, done, failed, codes[1], codes[2], codes[3], codes[4], codes[5], codes[6]);
    rw_card_free(c);
}

int main(void)
{
    rw_card *c = rw_card_new(MEM);
    test_registers();
    if (!check(c != NULL, "card-new-1mib", "out of memory"))
        return check_exit();
    set_regions(c);
    test_elementwise(c);
    test_matvec(c);
    test_norms(c);
    test_wkv(c);
    test_embed(c);
    test_errors(c);
    rw_card_free(c);
    test_random_streams();
    return check_exit();
}
