/*
 * card.c - the card in C (card.h): registers, device memory and the sequencer
 * of docs/isa.md, executing each instruction with the golden units. Datapath
 * code: integers only (it builds with -mgeneral-regs-only).
 *
 * Each instruction is decoded, then checked completely - opcode and SUB, region
 * bounds of every byte it will touch (64-bit arithmetic, so nothing wraps),
 * register numbers and lengths, matrix and embedding records, the operands'
 * numeric domain - and only then executed, so a failing instruction changes
 * nothing. Device memory is read and written byte by byte (little-endian), never
 * through casts to wider types, whatever its alignment.
 */
#include "card.h"

#include "bfv.h"
#include "matvec.h"
#include "norm.h"
#include "rwkvacc_hw.h"
#include "sfu.h"
#include "wkv.h"

#include <stdlib.h>
#include <string.h>

#define NV RWKVACC_HW_CFG_N_VREG
#define VW RWKVACC_HW_CFG_VREG_WORDS
#define MAXN RWKVACC_HW_CFG_MAX_HEAD_SIZE
#define NR RWKVACC_HW_CFG_N_REGIONS
#define MANT_MAX (INT32_C(1) << RW_BFV_BITS)
#define MAT_RECORD_BYTES 32u

uint32_t rw_card_row_stride(uint32_t row_bytes)
{
    const uint32_t seg = RWKVACC_HW_CFG_MV_SEG_BYTES;
    uint32_t s = 1;
    if (row_bytes >= seg)
        return (row_bytes + seg - 1) / seg * seg;
    while (s < row_bytes)
        s *= 2;
    return s;
}
#define EMB_RECORD_BYTES 16u

typedef struct vreg {
    int32_t *m; /* VW words */
    int32_t e;
    uint32_t n;
} vreg;

typedef struct insn {
    uint32_t op, dst, src[6], region, imm, off, len, sub;
} insn;

struct rw_card {
    uint8_t *mem;
    uint64_t mem_size;
    uint32_t ctrl, status, irq_status, err_code, prog_offset, prog_len, token;
    uint32_t base_lo[NR], base_hi[NR], size[NR];
    uint64_t cycles, rd_bytes, wr_bytes, rd_weight_bytes;
    vreg v[NV];
    int32_t *vmem;  /* NV x VW */
    int32_t *res;   /* VW: a result before it goes to DST */
    int64_t *tmp;   /* VW */
    int16_t *q16;   /* VW: MATVEC's int16 input */
    int32_t *state; /* VW x MAXN: WKV state being updated */
    rw_bfv *heads;  /* VW */
    rw_norm_ws nws;
    rw_wkv_ws wws;
    /* MATVEC scratch, grown to the largest matrix seen */
    size_t mv_rows, mv_sm;
    int64_t *mv_acc;
    int32_t *mv_eacc, *mv_out;
    uint16_t *mv_smv;
    int16_t *mv_se;
};

/* ------------------------------------------------------------ memory */

static uint32_t rd32(const rw_card *c, uint64_t a)
{
    const uint8_t *p = c->mem + a;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const rw_card *c, uint64_t a)
{
    const uint8_t *p = c->mem + a;
    return (uint16_t)((uint32_t)p[0] | (uint32_t)p[1] << 8);
}

static void wr32(rw_card *c, uint64_t a, uint32_t v)
{
    uint8_t *p = c->mem + a;
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Two's complement reinterpretations without implementation-defined casts. */
static int32_t s32(uint32_t v)
{
    return v < 0x80000000u ? (int32_t)v : (int32_t)(v - 0x80000000u) - INT32_MAX - 1;
}

static uint32_t u32(int32_t v)
{
    return (uint32_t)v;
}

static int16_t s16(uint16_t v)
{
    return (int16_t)(v < 0x8000u ? (int32_t)v : (int32_t)v - 0x10000);
}

/* Device address of bytes [off, off + len) of region r; 0 when any of them lies
 * outside the region or the device memory, or the region is disabled. */
static int span(const rw_card *c, uint32_t r, uint64_t off, uint64_t len, uint64_t *addr)
{
    uint64_t base, size;
    if (r >= NR)
        return 0;
    base = (uint64_t)c->base_hi[r] << 32 | c->base_lo[r];
    size = c->size[r];
    if (size == 0 || off > size || len > size - off)
        return 0;
    if (base > c->mem_size || off + len > c->mem_size - base)
        return 0;
    *addr = base + off;
    return 1;
}

/* ------------------------------------------------------------ operands */

static rw_cbfv cv(const vreg *v)
{
    rw_cbfv r = {v->m, v->e, v->n};
    return r;
}

static rw_cbfv cslice(const vreg *v, uint32_t off, uint32_t n)
{
    rw_cbfv r = {v->m + off, v->e, n};
    return r;
}

/* Within the units' domain as a block-floating vector. */
static int dom(const int32_t *m, int32_t e, uint32_t n)
{
    if (e > RW_CARD_EXP_MAX || e < -RW_CARD_EXP_MAX)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        if (m[i] > MANT_MAX || m[i] < -MANT_MAX)
            return 0;
    return 1;
}

static int vdom(const vreg *v)
{
    return dom(v->m, v->e, v->n);
}

/* A positive scalar in the domain (1/n, eps). */
static int pos_scalar(const vreg *v)
{
    return v->n == 1 && vdom(v) && v->m[0] > 0;
}

static void put(rw_card *c, uint32_t dst, const int32_t *m, int32_t e, uint32_t n)
{
    if (m != c->v[dst].m)
        memmove(c->v[dst].m, m, (size_t)n * sizeof *m);
    c->v[dst].e = e;
    c->v[dst].n = n;
}

static void put_res(rw_card *c, uint32_t dst, const rw_bfv *y)
{
    put(c, dst, y->m, y->e, y->n);
}

static rw_bfv res_view(rw_card *c, uint32_t n)
{
    rw_bfv y = {c->res, 0, n};
    return y;
}

/* ------------------------------------------------------------ instructions */

static uint32_t op_embed(rw_card *c, const insn *d)
{
    uint64_t ra, qa, ea;
    uint32_t n_vocab, n_embd, qo, eo, n = d->len;
    rw_bfv y;
    if (d->region != RWKVACC_HW_REGION_IMAGE || !span(c, d->region, d->off, EMB_RECORD_BYTES, &ra))
        return RWKVACC_HW_ERR_REGION;
    n_vocab = rd32(c, ra);
    n_embd = rd32(c, ra + 4);
    qo = rd32(c, ra + 8);
    eo = rd32(c, ra + 12);
    if (n > VW || n_embd != n || (n & 1u)) /* even: the row is whole 32-bit words */
        return RWKVACC_HW_ERR_VREG;
    if (!span(c, RWKVACC_HW_REGION_IMAGE, qo, (uint64_t)n_vocab * n_embd * 2u, &qa) ||
        !span(c, RWKVACC_HW_REGION_IMAGE, eo, (uint64_t)n_vocab * 2u, &ea))
        return RWKVACC_HW_ERR_MATRIX;
    if (c->token >= n_vocab)
        return RWKVACC_HW_ERR_TOKEN;
    qa += (uint64_t)c->token * n_embd * 2u;
    for (uint32_t i = 0; i < n; i++)
        c->tmp[i] = s16(rd16(c, qa + 2u * i));
    y = res_view(c, n);
    rw_normalize(&y, c->tmp, s16(rd16(c, ea + 2u * c->token)), n);
    put_res(c, d->dst, &y);
    c->rd_bytes += EMB_RECORD_BYTES + 2u * (uint64_t)n + 2u;
    return 0;
}

static uint32_t op_loadv(rw_card *c, const insn *d)
{
    uint64_t a;
    vreg *y = &c->v[d->dst];
    if (d->len > VW)
        return RWKVACC_HW_ERR_VREG;
    if (!span(c, d->region, d->off, 4u + 4u * (uint64_t)d->len, &a))
        return RWKVACC_HW_ERR_REGION;
    y->e = s32(rd32(c, a));
    for (uint32_t i = 0; i < d->len; i++)
        y->m[i] = s32(rd32(c, a + 4u + 4u * (uint64_t)i));
    y->n = d->len;
    c->rd_bytes += 4u + 4u * (uint64_t)d->len;
    return 0;
}

static uint32_t op_storev(rw_card *c, const insn *d)
{
    uint64_t a;
    const vreg *x = &c->v[d->src[0]];
    if (d->len != x->n)
        return RWKVACC_HW_ERR_VREG;
    if (d->region == RWKVACC_HW_REGION_IMAGE ||
        !span(c, d->region, d->off, 4u + 4u * (uint64_t)x->n, &a))
        return RWKVACC_HW_ERR_REGION;
    wr32(c, a, u32(x->e));
    for (uint32_t i = 0; i < x->n; i++)
        wr32(c, a + 4u + 4u * (uint64_t)i, u32(x->m[i]));
    c->wr_bytes += 4u + 4u * (uint64_t)x->n;
    return 0;
}

static uint32_t op_move(rw_card *c, const insn *d)
{
    const vreg *x = &c->v[d->src[0]];
    if (d->len != x->n)
        return RWKVACC_HW_ERR_VREG;
    put(c, d->dst, x->m, x->e, x->n);
    return 0;
}

/* ADD, SUB, MUL, LERP, RELU_SQ, SFU: elementwise. */
static uint32_t op_elementwise(rw_card *c, const insn *d)
{
    const vreg *a = &c->v[d->src[0]], *b = &c->v[d->src[1]], *t = &c->v[d->src[2]];
    uint32_t n = d->len;
    rw_bfv y = res_view(c, n);
    if (d->op == RWKVACC_HW_OP_SFU && d->sub > 3)
        return RWKVACC_HW_ERR_OPCODE;
    if (a->n != n || !vdom(a))
        return RWKVACC_HW_ERR_VREG;
    switch (d->op) {
    case RWKVACC_HW_OP_ADD:
    case RWKVACC_HW_OP_SUB:
        if ((b->n != n && b->n != 1) || !vdom(b))
            return RWKVACC_HW_ERR_VREG;
        if (d->op == RWKVACC_HW_OP_ADD)
            rw_add(&y, cv(a), cv(b), c->tmp);
        else
            rw_sub(&y, cv(a), cv(b), c->tmp);
        break;
    case RWKVACC_HW_OP_MUL:
        if (b->n != n || !vdom(b))
            return RWKVACC_HW_ERR_VREG;
        rw_mul(&y, cv(a), cv(b), c->tmp);
        break;
    case RWKVACC_HW_OP_LERP:
        if (b->n != n || t->n != n || !vdom(b) || !vdom(t))
            return RWKVACC_HW_ERR_VREG;
        rw_lerp(&y, cv(a), cv(b), cv(t), c->tmp);
        break;
    case RWKVACC_HW_OP_RELU_SQ:
        rw_relu_sq(&y, cv(a), c->tmp);
        break;
    default: /* SFU */
        if (d->sub == 0) {
            rw_sigmoid(&y, cv(a), c->tmp);
        } else if (d->sub == 1) {
            rw_tanh(&y, cv(a), c->tmp);
        } else {
            uint32_t *w = (uint32_t *)c->res; /* Q0.32 words, then as int32 in place */
            if (d->sub == 2)
                rw_decay6(w, cv(a));
            else
                rw_decay7(w, cv(a));
            for (uint32_t i = 0; i < n; i++)
                c->res[i] = s32(w[i]);
            y.e = 0;
            y.n = n;
        }
        break;
    }
    put_res(c, d->dst, &y);
    return 0;
}

/* Grows the MATVEC scratch; 0 when out of host memory. */
static int mv_grow(rw_card *c, size_t rows, size_t sm)
{
    if (rows > c->mv_rows) {
        int64_t *acc = realloc(c->mv_acc, rows * sizeof *acc);
        int32_t *eacc, *out;
        int16_t *se;
        if (acc)
            c->mv_acc = acc;
        eacc = realloc(c->mv_eacc, rows * sizeof *eacc);
        if (eacc)
            c->mv_eacc = eacc;
        out = realloc(c->mv_out, rows * sizeof *out);
        if (out)
            c->mv_out = out;
        se = realloc(c->mv_se, rows * sizeof *se);
        if (se)
            c->mv_se = se;
        if (!acc || !eacc || !out || !se)
            return 0;
        c->mv_rows = rows;
    }
    if (sm > c->mv_sm) {
        uint16_t *p = realloc(c->mv_smv, sm * sizeof *p);
        if (!p)
            return 0;
        c->mv_smv = p;
        c->mv_sm = sm;
    }
    return 1;
}

/* The matrix record into f[8], checked: shape, format, and the layout the
 * matrix-vector unit streams (docs/isa.md). 1 when it is refused. */
static int mat_check(const rw_card *c, uint64_t ra, uint32_t *f)
{
    uint32_t rows, cols, bits, group, rb;
    for (int i = 0; i < 8; i++)
        f[i] = rd32(c, ra + 4u * (uint32_t)i);
    rows = f[0], cols = f[1], bits = f[2], group = f[3];
    if ((bits != 8 && bits != 4) || group == 0 || cols == 0 || cols > VW)
        return 1;
    if (bits == 4 && ((cols & 1u) || group < 2 || (group & (group - 1u))))
        return 1;
    if (group < cols && (group & (group - 1u))) /* groups within a row: powers of two */
        return 1;
    rb = bits == 8 ? cols : cols / 2;
    if (f[6] != rw_card_row_stride(rb) || f[4] % RWKVACC_HW_CFG_BUS_BYTES || (f[5] & 3u) ||
        rows == 0)
        return 1;
    return 0;
}

static uint32_t op_matvec(rw_card *c, const insn *d)
{
    const vreg *x = &c->v[d->src[0]];
    uint64_t ra, qa, sa, oa = 0, qbytes, sbytes;
    uint32_t f[8], rows, cols, ng;
    rw_qmat W;
    rw_act16 xq;
    rw_bfv y;
    if (d->sub > 1)
        return RWKVACC_HW_ERR_OPCODE;
    if (d->region != RWKVACC_HW_REGION_IMAGE || !span(c, d->region, d->off, MAT_RECORD_BYTES, &ra))
        return RWKVACC_HW_ERR_REGION;
    if ((d->off & 15u) || mat_check(c, ra, f))
        return RWKVACC_HW_ERR_MATRIX;
    rows = f[0], cols = f[1];
    if ((uint64_t)d->imm + cols > x->n)
        return RWKVACC_HW_ERR_MATRIX;
    if (d->len != rows || (d->sub == 0 && rows > VW))
        return RWKVACC_HW_ERR_VREG;
    if (!dom(x->m + d->imm, x->e, cols))
        return RWKVACC_HW_ERR_VREG;
    ng = (cols + f[3] - 1) / f[3];
    qbytes = (uint64_t)rows * f[6];
    sbytes = (uint64_t)rows * (ng + 1u) * 2u;
    if (!span(c, RWKVACC_HW_REGION_IMAGE, f[4], qbytes, &qa) ||
        !span(c, RWKVACC_HW_REGION_IMAGE, f[5], sbytes, &sa))
        return RWKVACC_HW_ERR_MATRIX;
    if (d->sub == 1 && !span(c, RWKVACC_HW_REGION_IO, 0, 4u + 4u * (uint64_t)rows, &oa))
        return RWKVACC_HW_ERR_REGION;
    /* rows and rows x ng are bounded by the memory they lie in */
    if (!mv_grow(c, (size_t)rows + 1u, (size_t)rows * ng + 1u))
        return RWKVACC_HW_ERR_ABORTED; /* the host ran out of memory */
    for (uint32_t r = 0; r < rows; r++) {
        uint64_t at = sa + (uint64_t)r * (ng + 1u) * 2u;
        for (uint32_t g = 0; g < ng; g++)
            c->mv_smv[(size_t)r * ng + g] = rd16(c, at + 2u * g);
        c->mv_se[r] = s16(rd16(c, at + 2u * ng));
    }
    W.rows = rows;
    W.cols = cols;
    W.bits = f[2];
    W.group = f[3];
    W.stride = f[6];
    W.q8 = (const int8_t *)(c->mem + qa); /* bytes: any alignment */
    W.q4 = c->mem + qa;
    W.sm = c->mv_smv;
    W.se = c->mv_se;
    xq.q = c->q16;
    xq.e = 0;
    xq.n = cols;
    rw_act_quant(&xq, cslice(x, d->imm, cols));
    y.m = c->mv_out;
    y.e = 0;
    y.n = rows;
    rw_matvec(&y, &W, &xq, c->mv_acc, c->mv_eacc);
    /* the whole matrix: record, q rows at their stride, scales */
    qbytes += MAT_RECORD_BYTES + sbytes;
    c->rd_bytes += qbytes;
    c->rd_weight_bytes += qbytes;
    if (d->sub == 0) {
        put_res(c, d->dst, &y);
    } else {
        wr32(c, oa, u32(y.e));
        for (uint32_t r = 0; r < rows; r++)
            wr32(c, oa + 4u + 4u * (uint64_t)r, u32(y.m[r]));
        c->wr_bytes += 4u + 4u * (uint64_t)rows;
    }
    return 0;
}

static uint32_t op_norm(rw_card *c, const insn *d)
{
    const vreg *x = &c->v[d->src[0]];
    uint32_t n = d->len, g = d->imm;
    rw_bfv y = res_view(c, n);
    if (x->n != n || g == 0 || n % g || !vdom(x))
        return RWKVACC_HW_ERR_VREG;
    if (d->op == RWKVACC_HW_OP_NORM) {
        const vreg *w = &c->v[d->src[1]], *b = &c->v[d->src[2]];
        const vreg *inv = &c->v[d->src[3]], *eps = &c->v[d->src[4]];
        if (w->n != n || b->n != n || !vdom(w) || !vdom(b) || !pos_scalar(inv) ||
            !pos_scalar(eps))
            return RWKVACC_HW_ERR_VREG;
        rw_groupnorm(&y, cv(x), cv(w), cv(b), g, cv(inv), cv(eps), &c->nws);
    } else {
        const vreg *eps = &c->v[d->src[1]];
        if (!pos_scalar(eps))
            return RWKVACC_HW_ERR_VREG;
        rw_l2norm(&y, cv(x), g, cv(eps), &c->nws);
    }
    put_res(c, d->dst, &y);
    return 0;
}

/* Heads H = IMM of N = n / H channels, 1 <= N <= MAXN. */
static int heads_ok(uint32_t n, uint32_t H, uint32_t *N)
{
    if (H == 0 || n % H || n / H == 0 || n / H > MAXN)
        return 0;
    *N = n / H;
    return 1;
}

static void load_words(const rw_card *c, uint64_t a, int32_t *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        m[i] = s32(rd32(c, a + 4u * (uint64_t)i));
}

static void store_words(rw_card *c, uint64_t a, const int32_t *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        wr32(c, a + 4u * (uint64_t)i, u32(m[i]));
}

static uint32_t op_wkv4(rw_card *c, const insn *d)
{
    const vreg *k = &c->v[d->src[0]], *v = &c->v[d->src[1]];
    const vreg *decay = &c->v[d->src[2]], *first = &c->v[d->src[3]];
    uint32_t C = d->len;
    uint64_t a, bytes = 12u * (uint64_t)C + 8u;
    int32_t *aa = c->state, *bb = c->state + C, *pp = c->state + 2u * C;
    rw_wkv4_state s;
    rw_bfv y = res_view(c, C);
    if (k->n != C || v->n != C || decay->n != C || first->n != C || !vdom(k) || !vdom(v))
        return RWKVACC_HW_ERR_VREG;
    if (d->region != RWKVACC_HW_REGION_STATE || !span(c, d->region, d->off, bytes, &a))
        return RWKVACC_HW_ERR_REGION;
    s.aa.m = aa;
    s.aa.e = s32(rd32(c, a));
    s.aa.n = C;
    load_words(c, a + 4u, aa, C);
    s.bb.m = bb;
    s.bb.e = s32(rd32(c, a + 4u + 4u * (uint64_t)C));
    s.bb.n = C;
    load_words(c, a + 8u + 4u * (uint64_t)C, bb, C);
    s.pp = pp;
    load_words(c, a + 8u + 8u * (uint64_t)C, pp, C);
    if (!dom(aa, s.aa.e, C) || !dom(bb, s.bb.e, C))
        return RWKVACC_HW_ERR_VREG;
    for (uint32_t i = 0; i < C; i++)
        if (pp[i] < RW_PP_MIN || pp[i] > RW_LOG_MAX)
            return RWKVACC_HW_ERR_VREG;
    if (!rw_wkv4_defined(cv(k), first->m, &s, &c->wws))
        return RWKVACC_HW_ERR_VREG;
    rw_wkv4(&y, cv(k), cv(v), decay->m, first->m, &s, &c->wws);
    wr32(c, a, u32(s.aa.e));
    store_words(c, a + 4u, aa, C);
    wr32(c, a + 4u + 4u * (uint64_t)C, u32(s.bb.e));
    store_words(c, a + 8u + 4u * (uint64_t)C, bb, C);
    store_words(c, a + 8u + 8u * (uint64_t)C, pp, C);
    c->rd_bytes += bytes;
    c->wr_bytes += bytes;
    put_res(c, d->dst, &y);
    return 0;
}

/* WKV 5 (r k v w u) and 7 (r w k v kk a); w raw Q0.32 words. */
static uint32_t op_wkv_matrix(rw_card *c, const insn *d)
{
    uint32_t n = d->len, H = d->imm, N = 0, wi = d->sub == 5 ? 3 : 1;
    uint64_t a, hb, bytes;
    rw_bfv y = res_view(c, n);
    for (int i = 0; i < 6; i++) {
        const vreg *x = &c->v[d->src[i]];
        if (x->n != n || ((uint32_t)i != wi && !vdom(x)))
            return RWKVACC_HW_ERR_VREG;
        if (d->sub == 5 && i == 4)
            break;
    }
    if (!heads_ok(n, H, &N))
        return RWKVACC_HW_ERR_VREG;
    hb = 4u + 4u * (uint64_t)N * N;
    bytes = (uint64_t)H * hb;
    if (d->region != RWKVACC_HW_REGION_STATE || !span(c, d->region, d->off, bytes, &a))
        return RWKVACC_HW_ERR_REGION;
    for (uint32_t h = 0; h < H; h++) {
        rw_bfv *S = &c->heads[h];
        S->m = c->state + (size_t)h * N * N;
        S->e = s32(rd32(c, a + h * hb));
        S->n = N * N;
        load_words(c, a + h * hb + 4u, S->m, (size_t)N * N);
        if (!dom(S->m, S->e, N * N))
            return RWKVACC_HW_ERR_VREG;
    }
    if (d->sub == 5)
        rw_wkv5(&y, cv(&c->v[d->src[0]]), cv(&c->v[d->src[1]]), cv(&c->v[d->src[2]]),
                (const uint32_t *)c->v[d->src[3]].m, cv(&c->v[d->src[4]]), c->heads, H, N,
                &c->wws);
    else
        rw_wkv7(&y, cv(&c->v[d->src[0]]), (const uint32_t *)c->v[d->src[1]].m,
                cv(&c->v[d->src[2]]), cv(&c->v[d->src[3]]), cv(&c->v[d->src[4]]),
                cv(&c->v[d->src[5]]), c->heads, H, N, &c->wws);
    for (uint32_t h = 0; h < H; h++) {
        wr32(c, a + h * hb, u32(c->heads[h].e));
        store_words(c, a + h * hb + 4u, c->heads[h].m, (size_t)N * N);
    }
    c->rd_bytes += bytes;
    c->wr_bytes += bytes;
    put_res(c, d->dst, &y);
    return 0;
}

static uint32_t op_wkv(rw_card *c, const insn *d)
{
    if (d->sub == 4)
        return op_wkv4(c, d);
    if (d->sub == 5 || d->sub == 7)
        return op_wkv_matrix(c, d);
    return RWKVACC_HW_ERR_OPCODE;
}

static uint32_t op_bonus7(rw_card *c, const insn *d)
{
    uint32_t n = d->len, N = 0;
    rw_bfv y = res_view(c, n);
    for (int i = 0; i < 4; i++)
        if (c->v[d->src[i]].n != n || !vdom(&c->v[d->src[i]]))
            return RWKVACC_HW_ERR_VREG;
    if (!heads_ok(n, d->imm, &N))
        return RWKVACC_HW_ERR_VREG;
    rw_bonus7(&y, cv(&c->v[d->src[0]]), cv(&c->v[d->src[1]]), cv(&c->v[d->src[2]]),
              cv(&c->v[d->src[3]]), d->imm, N, &c->wws);
    put_res(c, d->dst, &y);
    return 0;
}

static insn decode(const rwkvacc_hw_insn *I)
{
    insn d;
    d.op = rwkvacc_hw_insn_get_opcode(I);
    d.dst = rwkvacc_hw_insn_get_dst(I);
    d.src[0] = rwkvacc_hw_insn_get_src0(I);
    d.src[1] = rwkvacc_hw_insn_get_src1(I);
    d.src[2] = rwkvacc_hw_insn_get_src2(I);
    d.src[3] = rwkvacc_hw_insn_get_src3(I);
    d.src[4] = rwkvacc_hw_insn_get_src4(I);
    d.src[5] = rwkvacc_hw_insn_get_src5(I);
    d.region = rwkvacc_hw_insn_get_region(I);
    d.imm = rwkvacc_hw_insn_get_imm(I);
    d.off = rwkvacc_hw_insn_get_offset(I);
    d.len = rwkvacc_hw_insn_get_len(I);
    d.sub = rwkvacc_hw_insn_get_sub(I);
    return d;
}

/* Executes one instruction other than END: 0 or an error code, with nothing
 * changed on error. */
static uint32_t execute(rw_card *c, const insn *d)
{
    int has_sub = d->op == RWKVACC_HW_OP_SFU || d->op == RWKVACC_HW_OP_MATVEC ||
                  d->op == RWKVACC_HW_OP_WKV;
    if (!strcmp(rwkvacc_hw_opcode_name(d->op), "?") || (!has_sub && d->sub != 0))
        return RWKVACC_HW_ERR_OPCODE;
    if (d->dst >= NV)
        return RWKVACC_HW_ERR_VREG;
    for (int i = 0; i < 6; i++)
        if (d->src[i] >= NV)
            return RWKVACC_HW_ERR_VREG;
    switch (d->op) {
    case RWKVACC_HW_OP_NOP:
    case RWKVACC_HW_OP_PREFETCH: return 0; /* a hint: no effect on any result */
    case RWKVACC_HW_OP_EMBED: return op_embed(c, d);
    case RWKVACC_HW_OP_LOADV: return op_loadv(c, d);
    case RWKVACC_HW_OP_STOREV: return op_storev(c, d);
    case RWKVACC_HW_OP_MOVE: return op_move(c, d);
    case RWKVACC_HW_OP_MATVEC: return op_matvec(c, d);
    case RWKVACC_HW_OP_NORM:
    case RWKVACC_HW_OP_L2NORM: return op_norm(c, d);
    case RWKVACC_HW_OP_WKV: return op_wkv(c, d);
    case RWKVACC_HW_OP_BONUS7: return op_bonus7(c, d);
    default: return op_elementwise(c, d);
    }
}

/* Runs the program: PC from 0 until END or an error. CYCLES counts one per
 * instruction fetched for now (no timing model yet); RD_BYTES and WR_BYTES count
 * the device-memory bytes the instructions read and wrote (vectors, matrix and
 * embedding records and data, WKV state; instruction fetch not included);
 * RD_WEIGHT_BYTES counts the part of RD_BYTES the MATVEC instructions read
 * (matrix record, q, sm and se). */
static void run(rw_card *c)
{
    uint32_t pc = 0, err = 0;
    for (uint32_t r = 0; r < NV; r++) {
        c->v[r].n = 0;
        c->v[r].e = 0;
    }
    c->cycles = c->rd_bytes = c->wr_bytes = c->rd_weight_bytes = 0;
    c->err_code = 0;
    c->status = RWKVACC_HW_STATUS_BUSY_MASK;
    for (;; pc++) {
        uint64_t a;
        rwkvacc_hw_insn I;
        insn d;
        if (pc >= c->prog_len || (c->prog_offset & 15u) ||
            !span(c, RWKVACC_HW_REGION_IMAGE, (uint64_t)c->prog_offset + 16u * (uint64_t)pc,
                  16u, &a)) {
            err = RWKVACC_HW_ERR_PROGRAM;
            break;
        }
        I = rwkvacc_hw_insn_load(c->mem + a);
        d = decode(&I);
        c->cycles++;
        if (d.op == RWKVACC_HW_OP_END) {
            if (d.sub != 0)
                err = RWKVACC_HW_ERR_OPCODE;
            break;
        }
        if ((err = execute(c, &d)) != 0)
            break;
    }
    if (err) {
        c->status = RWKVACC_HW_STATUS_ERROR_MASK;
        c->irq_status |= RWKVACC_HW_IRQ_STATUS_ERROR_MASK;
        c->err_code = (err << RWKVACC_HW_ERR_CODE_CODE_SHIFT & RWKVACC_HW_ERR_CODE_CODE_MASK) |
                      (pc << RWKVACC_HW_ERR_CODE_PC_SHIFT & RWKVACC_HW_ERR_CODE_PC_MASK);
    } else {
        c->status = RWKVACC_HW_STATUS_DONE_MASK;
        c->irq_status |= RWKVACC_HW_IRQ_STATUS_DONE_MASK;
    }
}

/* ------------------------------------------------------------ registers */

uint32_t rw_card_reg_read(rw_card *c, uint32_t off)
{
    if (off & 3u)
        return 0;
    if (off >= 0x040u && off < 0x040u + NR * 0x10u) {
        uint32_t r = (off - 0x040u) / 0x10u, k = (off - 0x040u) % 0x10u;
        return k == 0 ? c->base_lo[r] : k == 4 ? c->base_hi[r] : k == 8 ? c->size[r] : 0;
    }
    switch (off) {
    case RWKVACC_HW_REG_ID: return RWKVACC_HW_RESET_ID;
    case RWKVACC_HW_REG_VERSION: return RWKVACC_HW_RESET_VERSION;
    case RWKVACC_HW_REG_CONFIG0: return RWKVACC_HW_RESET_CONFIG0;
    case RWKVACC_HW_REG_CONFIG1: return RWKVACC_HW_RESET_CONFIG1;
    case RWKVACC_HW_REG_CTRL: return c->ctrl;
    case RWKVACC_HW_REG_STATUS: return c->status;
    case RWKVACC_HW_REG_IRQ_STATUS: return c->irq_status;
    case RWKVACC_HW_REG_ERR_CODE: return c->err_code;
    case RWKVACC_HW_REG_PROG_OFFSET: return c->prog_offset;
    case RWKVACC_HW_REG_PROG_LEN: return c->prog_len;
    case RWKVACC_HW_REG_TOKEN: return c->token;
    case RWKVACC_HW_REG_CYCLES_LO: return (uint32_t)c->cycles;
    case RWKVACC_HW_REG_CYCLES_HI: return (uint32_t)(c->cycles >> 32);
    case RWKVACC_HW_REG_RD_BYTES_LO: return (uint32_t)c->rd_bytes;
    case RWKVACC_HW_REG_RD_BYTES_HI: return (uint32_t)(c->rd_bytes >> 32);
    case RWKVACC_HW_REG_WR_BYTES_LO: return (uint32_t)c->wr_bytes;
    case RWKVACC_HW_REG_WR_BYTES_HI: return (uint32_t)(c->wr_bytes >> 32);
    case RWKVACC_HW_REG_RD_WEIGHT_BYTES_LO: return (uint32_t)c->rd_weight_bytes;
    case RWKVACC_HW_REG_RD_WEIGHT_BYTES_HI: return (uint32_t)(c->rd_weight_bytes >> 32);
    default: return 0;
    }
}

void rw_card_reg_write(rw_card *c, uint32_t off, uint32_t value)
{
    if (off & 3u)
        return;
    if (off >= 0x040u && off < 0x040u + NR * 0x10u) {
        uint32_t r = (off - 0x040u) / 0x10u, k = (off - 0x040u) % 0x10u;
        if (k == 0)
            c->base_lo[r] = value;
        else if (k == 4)
            c->base_hi[r] = value;
        else if (k == 8)
            c->size[r] = value;
        return;
    }
    switch (off) {
    case RWKVACC_HW_REG_CTRL:
        c->ctrl = value & RWKVACC_HW_CTRL_IRQ_EN_MASK; /* START, ABORT read 0 */
        if (value & RWKVACC_HW_CTRL_START_MASK)
            run(c);
        break;
    case RWKVACC_HW_REG_IRQ_STATUS:
        c->irq_status &= ~value;
        break;
    case RWKVACC_HW_REG_PROG_OFFSET: c->prog_offset = value; break;
    case RWKVACC_HW_REG_PROG_LEN: c->prog_len = value; break;
    case RWKVACC_HW_REG_TOKEN: c->token = value; break;
    default: break; /* RO or unknown */
    }
}

uint8_t *rw_card_mem(rw_card *c)
{
    return c->mem;
}

uint64_t rw_card_mem_size(const rw_card *c)
{
    return c->mem_size;
}

int rw_card_irq(const rw_card *c)
{
    return (c->ctrl & RWKVACC_HW_CTRL_IRQ_EN_MASK) && c->irq_status != 0;
}

int rw_card_vreg_peek(const rw_card *c, uint32_t r, int32_t *e, uint32_t *n, int32_t *m)
{
    if (r >= NV)
        return 0;
    *e = c->v[r].e;
    *n = c->v[r].n;
    if (m)
        memcpy(m, c->v[r].m, (size_t)c->v[r].n * sizeof *m);
    return 1;
}

/* ------------------------------------------------------------ lifetime */

rw_card *rw_card_new(uint64_t mem_bytes)
{
    rw_card *c;
    if (mem_bytes > SIZE_MAX)
        return NULL;
    c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->mem_size = mem_bytes;
    c->mem = calloc(mem_bytes ? (size_t)mem_bytes : 1, 1);
    c->vmem = calloc((size_t)NV * VW, sizeof *c->vmem);
    c->res = calloc(VW, sizeof *c->res);
    c->tmp = calloc(VW, sizeof *c->tmp);
    c->q16 = calloc(VW, sizeof *c->q16);
    c->state = calloc((size_t)VW * MAXN, sizeof *c->state);
    c->heads = calloc(VW, sizeof *c->heads);
    c->nws.tmp = calloc(2 * VW, sizeof *c->nws.tmp);
    c->nws.etmp = calloc(VW, sizeof *c->nws.etmp);
    c->nws.d = calloc(VW, sizeof *c->nws.d);
    c->nws.q = calloc(VW, sizeof *c->nws.q);
    c->wws.tmp = calloc(VW, sizeof *c->wws.tmp);
    c->wws.st = calloc(VW, sizeof *c->wws.st);
    c->wws.est = calloc(VW, sizeof *c->wws.est);
    c->wws.a = calloc(VW, sizeof *c->wws.a);
    c->wws.b = calloc(VW, sizeof *c->wws.b);
    c->wws.c = calloc(VW, sizeof *c->wws.c);
    c->wws.d = calloc(VW, sizeof *c->wws.d);
    c->wws.q32 = calloc(VW, sizeof *c->wws.q32);
    c->wws.q1 = calloc(VW, sizeof *c->wws.q1);
    c->wws.q2 = calloc(VW, sizeof *c->wws.q2);
    if (!c->mem || !c->vmem || !c->res || !c->tmp || !c->q16 || !c->state || !c->heads ||
        !c->nws.tmp || !c->nws.etmp || !c->nws.d || !c->nws.q || !c->wws.tmp || !c->wws.st ||
        !c->wws.est || !c->wws.a || !c->wws.b || !c->wws.c || !c->wws.d || !c->wws.q32 ||
        !c->wws.q1 || !c->wws.q2) {
        rw_card_free(c);
        return NULL;
    }
    for (uint32_t r = 0; r < NV; r++)
        c->v[r].m = c->vmem + (size_t)r * VW;
    c->ctrl = RWKVACC_HW_RESET_CTRL;
    c->status = RWKVACC_HW_RESET_STATUS;
    c->irq_status = RWKVACC_HW_RESET_IRQ_STATUS;
    c->err_code = RWKVACC_HW_RESET_ERR_CODE;
    c->prog_offset = RWKVACC_HW_RESET_PROG_OFFSET;
    c->prog_len = RWKVACC_HW_RESET_PROG_LEN;
    c->token = RWKVACC_HW_RESET_TOKEN;
    for (uint32_t r = 0; r < NR; r++) {
        c->base_lo[r] = RWKVACC_HW_RESET_REGION_BASE_LO;
        c->base_hi[r] = RWKVACC_HW_RESET_REGION_BASE_HI;
        c->size[r] = RWKVACC_HW_RESET_REGION_SIZE;
    }
    return c;
}

void rw_card_free(rw_card *c)
{
    if (!c)
        return;
    free(c->mem);
    free(c->vmem);
    free(c->res);
    free(c->tmp);
    free(c->q16);
    free(c->state);
    free(c->heads);
    free(c->nws.tmp);
    free(c->nws.etmp);
    free(c->nws.d);
    free(c->nws.q);
    free(c->wws.tmp);
    free(c->wws.st);
    free(c->wws.est);
    free(c->wws.a);
    free(c->wws.b);
    free(c->wws.c);
    free(c->wws.d);
    free(c->wws.q32);
    free(c->wws.q1);
    free(c->wws.q2);
    free(c->mv_acc);
    free(c->mv_eacc);
    free(c->mv_out);
    free(c->mv_smv);
    free(c->mv_se);
    free(c);
}
