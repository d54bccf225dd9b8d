/*
 * compile.c - quantized model -> card image (docs/isa.md). The data part lays out
 * every matrix, embedding and constant of the model. The program is recorded
 * from the golden model itself: one token runs with a trace hook that maps each
 * operand's storage (a workspace vector -> a vector register, a model constant
 * -> its place in the image, a state vector -> its place in STATE) and emits the
 * instruction that performs the same unit operation. So the program does what
 * the golden model does, in the same order, by construction.
 */
#include "compile.h"

#include "error.h"
#include "golden/card.h"
#include "golden/golden.h"
#include "rwkvacc_hw.h"

#include <stdlib.h>
#include <string.h>

enum { N_SCRATCH = 6, MAX_OPS = 48 };

/* Where a pointer the golden model uses lives on the card. */
typedef enum { LOC_NONE, LOC_VREG, LOC_IMAGE, LOC_STATE, LOC_IO } loc_kind;

typedef struct loc_entry {
    const void *p;   /* base pointer */
    size_t words;    /* extent in 4-byte words (vregs: slices inside are allowed) */
    loc_kind kind;
    uint32_t where;  /* vreg number, or byte offset in its region */
} loc_entry;

typedef struct rec_op {
    int out;
    rw_opnd o;
    char copy[RW_QNAME_MAX + 1]; /* weight names and scalars, copied when reported */
} rec_op;

typedef struct builder {
    uint8_t *b;
    size_t len, cap;
    loc_entry *loc;
    size_t n_loc, cap_loc;
    const rw_qtensor *list;
    size_t n_list;
    uint32_t *mat_off; /* per list entry: record offset (matrices, embedding) */
    /* the program, emitted separately and appended at the end */
    rwkvacc_hw_insn *prog;
    size_t n_prog, cap_prog;
    /* the operation being recorded */
    char unit[16];
    rec_op ops[MAX_OPS];
    size_t n_ops;
    uint32_t n_matvec;
    rwkvacc_status st;
    rwkvacc_error *err;
} builder;

/* ---------------------------------------------------------------- bytes */

static int grow(builder *B, size_t n)
{
    if (B->st)
        return 0;
    if (B->len + n > B->cap) {
        size_t cap = B->cap ? 2 * B->cap : 1 << 16;
        uint8_t *p;
        while (cap < B->len + n)
            cap *= 2;
        if (!(p = realloc(B->b, cap))) {
            B->st = rw_fail(B->err, RWKVACC_E_NOMEM, "compile: out of memory");
            return 0;
        }
        memset(p + B->cap, 0, cap - B->cap);
        B->b = p;
        B->cap = cap;
    }
    return 1;
}

static void align(builder *B, size_t a)
{
    size_t pad = (a - B->len % a) % a;
    if (grow(B, pad))
        B->len += pad;
}

static void put(builder *B, const void *p, size_t n)
{
    if (grow(B, n)) {
        memcpy(B->b + B->len, p, n);
        B->len += n;
    }
}

static void put32(builder *B, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(B, x, 4);
}

static void put16s(builder *B, const void *p, size_t n)
{
    const uint16_t *v = p;
    for (size_t i = 0; i < n; i++) {
        uint8_t x[2] = {(uint8_t)v[i], (uint8_t)(v[i] >> 8)};
        put(B, x, 2);
    }
}

static void set32(builder *B, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        B->b[at + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static void add_loc(builder *B, const void *p, size_t words, loc_kind k, uint32_t where)
{
    if (B->st || !p)
        return;
    if (B->n_loc == B->cap_loc) {
        size_t cap = B->cap_loc ? 2 * B->cap_loc : 256;
        loc_entry *l = realloc(B->loc, cap * sizeof *l);
        if (!l) {
            B->st = rw_fail(B->err, RWKVACC_E_NOMEM, "compile: out of memory");
            return;
        }
        B->loc = l;
        B->cap_loc = cap;
    }
    B->loc[B->n_loc++] = (loc_entry){p, words, k, where};
}

/* The location of p, and its word offset inside a vector register. */
static const loc_entry *find_loc(const builder *B, const void *p, uint32_t *elem)
{
    for (size_t i = 0; i < B->n_loc; i++) {
        const loc_entry *l = &B->loc[i];
        const uint8_t *base = l->p, *q = p;
        if (q == base || (l->kind == LOC_VREG && q > base && q < base + 4 * l->words)) {
            *elem = (uint32_t)((size_t)(q - base) / 4);
            return l;
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------- data */

/* A vector: exponent, then n words. */
static uint32_t put_vector(builder *B, int32_t e, const void *words, uint32_t n)
{
    uint32_t at;
    align(B, 16);
    at = (uint32_t)B->len;
    put32(B, (uint32_t)e);
    for (uint32_t i = 0; i < n; i++)
        put32(B, ((const uint32_t *)words)[i]);
    return at;
}

/* A matrix as the matrix-vector unit streams it (docs/isa.md): the record, the
 * q rows at the card's row stride (zero padding) from a bus-aligned start, then
 * per row its ng scale mantissas and its exponent. *bytes counts the minimum:
 * q and scales without padding. */
static uint32_t put_matrix(builder *B, const rw_qmat *W, uint64_t *bytes)
{
    uint32_t ng = rw_qmat_groups(W), at, q_at, s_at;
    uint32_t rb = W->bits == 8 ? W->cols : W->cols / 2, qs = rw_card_row_stride(rb);
    const uint8_t *q = W->bits == 8 ? (const uint8_t *)W->q8 : W->q4;
    if (W->bits == 4 && (W->group & (W->group - 1u))) {
        if (!B->st)
            B->st = rw_fail(B->err, RWKVACC_E_ARG, "compile: INT4 groups of %u weights: the "
                            "card takes groups that are powers of two (32, 64, 128)", W->group);
        return 0;
    }
    align(B, 16);
    at = (uint32_t)B->len;
    put(B, (uint8_t[32]){0}, 32);
    align(B, RWKVACC_HW_CFG_BUS_BYTES);
    q_at = (uint32_t)B->len;
    for (uint32_t r = 0; r < W->rows && grow(B, qs); r++) {
        memcpy(B->b + B->len, q + (size_t)r * rb, rb); /* the tail stays zero (grow) */
        B->len += qs;
    }
    align(B, 4);
    s_at = (uint32_t)B->len;
    for (uint32_t r = 0; r < W->rows; r++) {
        put16s(B, W->sm + (size_t)r * ng, ng);
        put16s(B, W->se + r, 1);
    }
    if (!B->st) {
        uint32_t hdr[8] = {W->rows, W->cols, W->bits, W->group, q_at, s_at, qs, 0};
        for (int i = 0; i < 8; i++)
            set32(B, at + 4u * (uint32_t)i, hdr[i]);
    }
    *bytes += (uint64_t)W->rows * rb + 2ull * W->rows * (ng + 1u);
    return at;
}

static uint32_t put_embedding(builder *B, const rw_qemb *E, uint32_t V, uint32_t C)
{
    uint32_t at, q_at, e_at;
    align(B, 16);
    at = (uint32_t)B->len;
    put(B, (uint8_t[16]){0}, 16);
    q_at = (uint32_t)B->len;
    put16s(B, E->q, (size_t)V * C);
    align(B, 4);
    e_at = (uint32_t)B->len;
    put16s(B, E->e, V);
    if (!B->st) {
        set32(B, at, V);
        set32(B, at + 4, C);
        set32(B, at + 8, q_at);
        set32(B, at + 12, e_at);
    }
    return at;
}

/* Every tensor of the model, and the derived constants. */
static void lay_out_data(builder *B, const rw_qmodel *q, uint64_t *matrix_bytes)
{
    const rw_cbfv *derived[] = {&q->inv_embd, &q->inv_head, &q->ln_eps,
                                &q->gn_eps,   &q->l2_eps_sq, &q->one};
    for (size_t i = 0; i < B->n_list && !B->st; i++) {
        const rw_qtensor *t = &B->list[i];
        uint32_t n = t->cols;
        switch (t->kind) {
        case RW_QK_BFV: {
            const rw_cbfv *v = t->dst;
            add_loc(B, v->m, v->n, LOC_IMAGE, put_vector(B, v->e, v->m, v->n));
            break;
        }
        case RW_QK_I32:
        case RW_QK_U32: {
            const void *const *p = t->dst;
            add_loc(B, *p, n, LOC_IMAGE, put_vector(B, 0, *p, n));
            break;
        }
        case RW_QK_QMAT:
            B->mat_off[i] = put_matrix(B, t->dst, matrix_bytes);
            break;
        case RW_QK_EMB:
            B->mat_off[i] = put_embedding(B, t->dst, q->info.n_vocab, q->info.n_embd);
            break;
        }
    }
    for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++)
        add_loc(B, derived[i]->m, 1, LOC_IMAGE, put_vector(B, derived[i]->e, derived[i]->m, 1));
}

/* ------------------------------------------------------------- program */

static rwkvacc_hw_insn *emit(builder *B, uint32_t opcode)
{
    rwkvacc_hw_insn *I;
    if (B->st)
        return NULL;
    if (B->n_prog == B->cap_prog) {
        size_t cap = B->cap_prog ? 2 * B->cap_prog : 1024;
        rwkvacc_hw_insn *p = realloc(B->prog, cap * sizeof *p);
        if (!p) {
            B->st = rw_fail(B->err, RWKVACC_E_NOMEM, "compile: out of memory");
            return NULL;
        }
        B->prog = p;
        B->cap_prog = cap;
    }
    I = &B->prog[B->n_prog++];
    memset(I, 0, sizeof *I);
    rwkvacc_hw_insn_set_opcode(I, opcode);
    return I;
}

static void fail_op(builder *B, const char *why, const char *role)
{
    if (!B->st)
        B->st = rw_fail(B->err, RWKVACC_E_BACKEND, "compile: unit '%s', operand '%s': %s",
                        B->unit, role, why);
}

/* An input operand as a vector register: loaded into scratch register k when it
 * is a constant or a state vector. elem: its word offset in the register. */
static uint32_t src_reg(builder *B, const rw_opnd *o, uint32_t k, uint32_t *elem)
{
    uint32_t off = 0;
    const loc_entry *l = find_loc(B, o->data, &off);
    rwkvacc_hw_insn *I;
    if (elem)
        *elem = off;
    if (!l) {
        fail_op(B, "storage the compiler does not know", o->role);
        return 0;
    }
    if (l->kind == LOC_VREG) {
        if (off && !elem)
            fail_op(B, "a slice where the unit takes a whole register", o->role);
        return l->where;
    }
    if (l->kind != LOC_IMAGE && l->kind != LOC_STATE) {
        fail_op(B, "not readable", o->role);
        return 0;
    }
    if ((I = emit(B, RWKVACC_HW_OP_LOADV))) {
        rwkvacc_hw_insn_set_dst(I, RWKVACC_HW_CFG_N_VREG - N_SCRATCH + k);
        rwkvacc_hw_insn_set_region(I, l->kind == LOC_IMAGE ? 0 : 1);
        rwkvacc_hw_insn_set_offset(I, l->where);
        rwkvacc_hw_insn_set_len(I, o->n);
    }
    return RWKVACC_HW_CFG_N_VREG - N_SCRATCH + k;
}

static const rw_opnd *op_in(builder *B, size_t i)
{
    size_t k = 0;
    for (size_t j = 0; j < B->n_ops; j++)
        if (!B->ops[j].out && k++ == i)
            return &B->ops[j].o;
    return NULL;
}

static const rw_opnd *op_out(builder *B)
{
    for (size_t j = 0; j < B->n_ops; j++)
        if (B->ops[j].out)
            return &B->ops[j].o;
    return NULL;
}

static void set_src(rwkvacc_hw_insn *I, int i, uint32_t r)
{
    switch (i) {
    case 0: rwkvacc_hw_insn_set_src0(I, r); break;
    case 1: rwkvacc_hw_insn_set_src1(I, r); break;
    case 2: rwkvacc_hw_insn_set_src2(I, r); break;
    case 3: rwkvacc_hw_insn_set_src3(I, r); break;
    case 4: rwkvacc_hw_insn_set_src4(I, r); break;
    default: rwkvacc_hw_insn_set_src5(I, r); break;
    }
}

/* Vector inputs 0 .. n-1 as SRC0 .. SRCn-1 (scratch loads emitted first), the
 * first output as DST; returns the instruction. */
static rwkvacc_hw_insn *simple(builder *B, uint32_t opcode, uint32_t sub, int n_in)
{
    uint32_t src[6];
    const rw_opnd *y = op_out(B);
    rwkvacc_hw_insn *I;
    uint32_t off;
    const loc_entry *l = y ? find_loc(B, y->data, &off) : NULL;
    for (int i = 0; i < n_in; i++) {
        const rw_opnd *o = op_in(B, (size_t)i);
        src[i] = o ? src_reg(B, o, (uint32_t)i, NULL) : 0;
    }
    if (!l || l->kind != LOC_VREG || off) {
        fail_op(B, "the result is not a whole vector register", y ? y->role : "y");
        return NULL;
    }
    if (!(I = emit(B, opcode)))
        return NULL;
    rwkvacc_hw_insn_set_dst(I, l->where);
    rwkvacc_hw_insn_set_sub(I, sub);
    rwkvacc_hw_insn_set_len(I, y->n);
    for (int i = 0; i < n_in; i++)
        set_src(I, i, src[i]);
    return I;
}

/* The int32 value of a one-element input (groups counts). */
static uint32_t scalar_in(builder *B, const char *role)
{
    for (size_t j = 0; j < B->n_ops; j++)
        if (!B->ops[j].out && !strcmp(B->ops[j].o.role, role))
            return *(const uint32_t *)B->ops[j].o.data;
    fail_op(B, "missing", role);
    return 0;
}

static uint32_t matrix_offset(builder *B, const rw_opnd *w)
{
    char name[RW_QNAME_MAX + 1];
    size_t n = w->n < RW_QNAME_MAX ? w->n : RW_QNAME_MAX;
    memcpy(name, w->data, n);
    name[n] = '\0';
    for (size_t i = 0; i < B->n_list; i++)
        if (B->list[i].kind == RW_QK_QMAT && !strcmp(B->list[i].name, name))
            return B->mat_off[i];
    fail_op(B, "unknown weight", name);
    return 0;
}

static void emit_matvec(builder *B)
{
    const rw_opnd *x = op_in(B, 0), *w = op_in(B, 1), *y = op_out(B);
    uint32_t elem = 0, off = 0, src = x ? src_reg(B, x, 0, &elem) : 0;
    const loc_entry *l = y ? find_loc(B, y->data, &off) : NULL;
    rwkvacc_hw_insn *I;
    if (!w || !l || off || (l->kind != LOC_VREG && l->kind != LOC_IO)) {
        fail_op(B, "malformed matvec", "y");
        return;
    }
    if (!(I = emit(B, RWKVACC_HW_OP_MATVEC)))
        return;
    rwkvacc_hw_insn_set_src0(I, src);
    rwkvacc_hw_insn_set_imm(I, elem);
    rwkvacc_hw_insn_set_region(I, 0);
    rwkvacc_hw_insn_set_offset(I, matrix_offset(B, w));
    rwkvacc_hw_insn_set_len(I, y->n);
    if (l->kind == LOC_VREG)
        rwkvacc_hw_insn_set_dst(I, l->where);
    else
        rwkvacc_hw_insn_set_sub(I, 1);
    B->n_matvec++;
}

static void emit_prefetch(builder *B, uint32_t matrix_off)
{
    rwkvacc_hw_insn *I = emit(B, RWKVACC_HW_OP_PREFETCH);
    if (I) {
        rwkvacc_hw_insn_set_region(I, 0);
        rwkvacc_hw_insn_set_offset(I, matrix_off);
    }
}

/* copy: a register move, a store to the state, or a load from it. */
static void emit_copy(builder *B)
{
    const rw_opnd *x = op_in(B, 0), *y = op_out(B);
    uint32_t off = 0;
    const loc_entry *l = y ? find_loc(B, y->data, &off) : NULL;
    rwkvacc_hw_insn *I;
    if (l && l->kind == LOC_STATE) {
        uint32_t src = src_reg(B, x, 0, NULL);
        if ((I = emit(B, RWKVACC_HW_OP_STOREV))) {
            rwkvacc_hw_insn_set_src0(I, src);
            rwkvacc_hw_insn_set_region(I, 1);
            rwkvacc_hw_insn_set_offset(I, l->where);
            rwkvacc_hw_insn_set_len(I, x->n);
        }
        return;
    }
    simple(B, RWKVACC_HW_OP_MOVE, 0, 1);
}

/* The state block an operand points into (WKV units). */
static uint32_t state_offset(builder *B, const char *role)
{
    for (size_t j = 0; j < B->n_ops; j++) {
        uint32_t off;
        const loc_entry *l;
        if (B->ops[j].out || strcmp(B->ops[j].o.role, role))
            continue;
        l = find_loc(B, B->ops[j].o.data, &off);
        if (l && l->kind == LOC_STATE)
            return l->where;
        break;
    }
    fail_op(B, "state not in STATE", role);
    return 0;
}

static void emit_wkv(builder *B, const rwkvacc_model_info *I)
{
    const char *u = B->unit;
    uint32_t variant = !strcmp(u, "wkv4") ? 4 : !strcmp(u, "wkv5") ? 5 : 7;
    int n_in = variant == 4 ? 4 : variant == 5 ? 5 : 6;
    uint32_t st = state_offset(B, variant == 4 ? "aa" : "S");
    rwkvacc_hw_insn *J = simple(B, RWKVACC_HW_OP_WKV, variant, n_in);
    if (!J)
        return;
    rwkvacc_hw_insn_set_region(J, 1);
    rwkvacc_hw_insn_set_offset(J, st);
    rwkvacc_hw_insn_set_imm(J, variant == 4 ? 0 : I->n_head);
}

static void translate(builder *B, const rwkvacc_model_info *I, uint32_t emb_off)
{
    static const struct { const char *unit; uint32_t op, sub; int n_in; } table[] = {
        {"add", RWKVACC_HW_OP_ADD, 0, 2},     {"sub", RWKVACC_HW_OP_SUB, 0, 2},
        {"mul", RWKVACC_HW_OP_MUL, 0, 2},     {"lerp", RWKVACC_HW_OP_LERP, 0, 3},
        {"relu_sq", RWKVACC_HW_OP_RELU_SQ, 0, 1}, {"sigmoid", RWKVACC_HW_OP_SFU, 0, 1},
        {"tanh", RWKVACC_HW_OP_SFU, 1, 1},    {"decay6", RWKVACC_HW_OP_SFU, 2, 1},
        {"decay7", RWKVACC_HW_OP_SFU, 3, 1},  {"bonus7", RWKVACC_HW_OP_BONUS7, 0, 4},
    };
    const char *u = B->unit;
    rwkvacc_hw_insn *J;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (!strcmp(u, table[i].unit)) {
            J = simple(B, table[i].op, table[i].sub, table[i].n_in);
            if (J && table[i].op == RWKVACC_HW_OP_BONUS7)
                rwkvacc_hw_insn_set_imm(J, I->n_head);
            return;
        }
    if (!strcmp(u, "matvec")) {
        emit_matvec(B);
    } else if (!strcmp(u, "copy")) {
        emit_copy(B);
    } else if (!strcmp(u, "norm") || !strcmp(u, "l2norm")) {
        uint32_t groups = scalar_in(B, "groups");
        /* inputs without "groups": norm x, w, b, inv_n, eps; l2norm x, eps_sq */
        size_t keep = 0;
        for (size_t j = 0; j < B->n_ops; j++)
            if (B->ops[j].out || strcmp(B->ops[j].o.role, "groups"))
                B->ops[keep++] = B->ops[j];
        B->n_ops = keep;
        J = simple(B, !strcmp(u, "norm") ? RWKVACC_HW_OP_NORM : RWKVACC_HW_OP_L2NORM, 0,
                   !strcmp(u, "norm") ? 5 : 2);
        if (J)
            rwkvacc_hw_insn_set_imm(J, groups);
    } else if (!strcmp(u, "embed")) {
        const rw_opnd *y = op_out(B);
        uint32_t off;
        const loc_entry *l = y ? find_loc(B, y->data, &off) : NULL;
        if (!l || l->kind != LOC_VREG || !(J = emit(B, RWKVACC_HW_OP_EMBED)))
            return fail_op(B, "malformed embed", "y");
        rwkvacc_hw_insn_set_dst(J, l->where);
        rwkvacc_hw_insn_set_region(J, 0);
        rwkvacc_hw_insn_set_offset(J, emb_off);
        rwkvacc_hw_insn_set_len(J, y->n);
    } else if (!strncmp(u, "wkv", 3)) {
        emit_wkv(B, I);
    } else {
        fail_op(B, "no instruction for this unit", "-");
    }
}

typedef struct recorder {
    builder *B;
    const rwkvacc_model_info *info;
    uint32_t emb_off;
} recorder;

static void on_begin(void *ctx, const char *unit, const char *name, uint32_t layer)
{
    builder *B = ((recorder *)ctx)->B;
    (void)name;
    (void)layer;
    snprintf(B->unit, sizeof B->unit, "%s", unit);
    B->n_ops = 0;
}

static void on_operand(void *ctx, int out, const rw_opnd *o)
{
    builder *B = ((recorder *)ctx)->B;
    rec_op *r;
    if (B->n_ops == MAX_OPS) {
        fail_op(B, "too many operands", o->role);
        return;
    }
    r = &B->ops[B->n_ops++];
    r->out = out;
    r->o = *o;
    /* the unit's own buffers for these may not outlive the report */
    if (o->type == RW_OT_WEIGHT || (o->type == RW_OT_I32 && o->n == 1)) {
        size_t n = o->type == RW_OT_WEIGHT ? (o->n < RW_QNAME_MAX ? o->n : RW_QNAME_MAX) : 4;
        memcpy(r->copy, o->data, n);
        r->o.data = r->copy;
    }
}

static void on_end(void *ctx)
{
    recorder *r = ctx;
    translate(r->B, r->info, r->emb_off);
}

/* Registers the golden stream's vectors: workspace -> registers, state -> STATE. */
static uint64_t map_stream(builder *B, const rw_golden *g)
{
    const rw_gws *w = &g->ws;
    const rwkvacc_model_info *I = &g->q->info;
    const rw_bfv *regs[] = {&w->x, &w->xx, &w->d, &w->out, &w->kk, &w->v_first, &w->y,
                            &w->t, &w->mix[0], &w->mix[1], &w->mix[2], &w->mix[3],
                            &w->mix[4], &w->mix[5], &w->proj[0], &w->proj[1], &w->proj[2],
                            &w->proj[3], &w->proj[4], &w->proj[5], &w->hid, &w->hid2};
    uint32_t n = 0, C = I->n_embd, NN = I->head_size * I->head_size;
    uint64_t at = 0;
    for (; n < sizeof regs / sizeof regs[0]; n++) /* extent: the buffer's real size */
        add_loc(B, regs[n]->m, regs[n]->n, LOC_VREG, n);
    add_loc(B, w->wq, C, LOC_VREG, n++);
    if (n + N_SCRATCH > RWKVACC_HW_CFG_N_VREG)
        B->st = rw_fail(B->err, RWKVACC_E_BACKEND, "compile: %u vector registers needed", n);
    for (uint32_t l = 0; l < I->n_layer; l++) {
        const rw_glayer_state *s = &g->layers[l];
        /* a vector's place is its exponent word; the mantissas follow */
        add_loc(B, s->att_shift.m, C, LOC_STATE, (uint32_t)at);
        at += 4 * (1 + (uint64_t)C);
        add_loc(B, s->ffn_shift.m, C, LOC_STATE, (uint32_t)at);
        at += 4 * (1 + (uint64_t)C);
        if (I->arch == RWKVACC_ARCH_V4) {
            add_loc(B, s->wkv4.aa.m, C, LOC_STATE, (uint32_t)at);
            at += 4 * (3 * (uint64_t)C + 2);
        } else {
            add_loc(B, s->S[0].m, NN, LOC_STATE, (uint32_t)at);
            at += 4 * (uint64_t)I->n_head * (1 + NN);
        }
    }
    return at;
}

static void write_header(builder *B, const rw_qmodel *q, const rw_image *img)
{
    const rwkvacc_model_info *I = &q->info;
    uint32_t f[14] = {RW_IMAGE_FORMAT, RWKVACC_HW_RESET_VERSION, RWKVACC_HW_RESET_CONFIG0,
                      RWKVACC_HW_RESET_CONFIG1, (uint32_t)I->arch, I->n_vocab, I->n_embd,
                      I->n_layer, I->n_head, I->head_size, img->prog_offset, img->prog_len,
                      (uint32_t)img->state_bytes, (uint32_t)img->io_bytes};
    memcpy(B->b, RW_IMAGE_MAGIC, 8);
    for (int i = 0; i < 14; i++)
        set32(B, 8 + 4 * (size_t)i, f[i]);
}

/* PREFETCH hints: matrices 0 .. PREFETCH_AHEAD - 1 at the start, matrix k +
 * PREFETCH_AHEAD just before the MATVEC of matrix k, so the card reads the next
 * matrices while it runs everything between (docs/isa.md). The hints change no
 * result. */
#define PREFETCH_AHEAD 3u
static void add_prefetch_hints(builder *B)
{
    size_t n = B->n_prog, k = 0, n_mv = 0;
    rwkvacc_hw_insn *old = B->prog, *out;
    uint32_t *mv;
    for (size_t i = 0; i < n; i++)
        n_mv += rwkvacc_hw_insn_get_opcode(&old[i]) == RWKVACC_HW_OP_MATVEC;
    if (B->st || !n_mv)
        return;
    mv = malloc(n_mv * sizeof *mv);
    out = malloc((n + n_mv) * sizeof *out);
    if (!mv || !out) {
        free(mv);
        free(out);
        B->st = rw_fail(B->err, RWKVACC_E_NOMEM, "compile: out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (rwkvacc_hw_insn_get_opcode(&old[i]) == RWKVACC_HW_OP_MATVEC)
            mv[k++] = rwkvacc_hw_insn_get_offset(&old[i]);
    B->prog = out;
    B->n_prog = 0;
    B->cap_prog = n + n_mv;
    for (size_t j = 0; j < PREFETCH_AHEAD && j < n_mv; j++)
        emit_prefetch(B, mv[j]);
    k = 0; /* the matrix of the next MATVEC */
    for (size_t i = 0; i < n; i++) {
        if (rwkvacc_hw_insn_get_opcode(&old[i]) == RWKVACC_HW_OP_MATVEC) {
            if (k + PREFETCH_AHEAD < n_mv)
                emit_prefetch(B, mv[k + PREFETCH_AHEAD]);
            k++;
        }
        B->prog[B->n_prog++] = old[i];
    }
    free(old);
    free(mv);
}

static void record_program(builder *B, const rw_qmodel *q, rw_image *img, uint32_t emb_off)
{
    rw_golden *g = rw_golden_new(q);
    recorder r = {B, &q->info, emb_off};
    rw_trace_hook hook = {on_begin, on_operand, on_end, &r};
    rw_bfv logits = {NULL, 0, 0};
    if (!g || !(logits.m = malloc(q->info.n_vocab * sizeof *logits.m))) {
        B->st = rw_fail(B->err, RWKVACC_E_NOMEM, "compile: out of memory");
    } else {
        img->state_bytes = map_stream(B, g);
        add_loc(B, logits.m, q->info.n_vocab, LOC_IO, 0);
        g->hook = &hook;
        rw_golden_token(g, 0, &logits); /* the program does not depend on the token */
        emit(B, RWKVACC_HW_OP_END);
        add_prefetch_hints(B);
    }
    free(logits.m);
    rw_golden_free(g);
}

rwkvacc_status rw_compile(const rw_qmodel *q, rw_image *img, rwkvacc_error *err)
{
    builder B;
    rw_qtensor *list = NULL;
    uint32_t emb_off = 0;
    memset(&B, 0, sizeof B);
    memset(img, 0, sizeof *img);
    B.err = err;
    B.st = rw_qmodel_tensors((rw_qmodel *)q, NULL, &list, &B.n_list, err);
    B.list = list;
    if (!B.st && !(B.mat_off = calloc(B.n_list ? B.n_list : 1, sizeof *B.mat_off)))
        B.st = rw_fail(err, RWKVACC_E_NOMEM, "compile: out of memory");
    if (grow(&B, RW_IMAGE_HEADER_BYTES))
        B.len = RW_IMAGE_HEADER_BYTES;
    lay_out_data(&B, q, &img->matrix_bytes);
    for (size_t i = 0; i < B.n_list; i++)
        if (B.list[i].kind == RW_QK_EMB)
            emb_off = B.mat_off[i];
    record_program(&B, q, img, emb_off);
    align(&B, 16);
    img->prog_offset = (uint32_t)B.len;
    img->prog_len = (uint32_t)B.n_prog;
    for (size_t i = 0; i < B.n_prog && !B.st; i++)
        for (int k = 0; k < 4; k++)
            put32(&B, B.prog[i].w[k]);
    img->io_bytes = 4 * (1 + (uint64_t)q->info.n_vocab);
    img->n_matvec = B.n_matvec;
    if (!B.st && (B.len > UINT32_MAX || img->state_bytes > UINT32_MAX))
        B.st = rw_fail(err, RWKVACC_E_BACKEND, "compile: image of %zu bytes exceeds the "
                       "32-bit offsets of the instruction set", B.len);
    if (!B.st)
        write_header(&B, q, img);
    free(B.prog);
    free(B.loc);
    free(B.mat_off);
    free(list);
    if (B.st) {
        free(B.b);
        memset(img, 0, sizeof *img);
        return B.st;
    }
    img->bytes = B.b;
    img->len = B.len;
    return RWKVACC_OK;
}

void rw_image_free(rw_image *img)
{
    free(img->bytes);
    memset(img, 0, sizeof *img);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

rwkvacc_status rw_image_check(const uint8_t *b, size_t len, uint32_t config0,
                              uint32_t config1, rw_image *info, rwkvacc_error *err)
{
    if (len < RW_IMAGE_HEADER_BYTES || memcmp(b, RW_IMAGE_MAGIC, 8) != 0 ||
        rd32(b + 8) != RW_IMAGE_FORMAT)
        return rw_fail(err, RWKVACC_E_FORMAT, "not a card image of format %u", RW_IMAGE_FORMAT);
    if (rd32(b + 16) != config0 || rd32(b + 20) != config1)
        return rw_fail(err, RWKVACC_E_IMAGE, "image built for configuration "
                       "0x%08x/0x%08x, the card is 0x%08x/0x%08x", rd32(b + 16), rd32(b + 20),
                       config0, config1);
    memset(info, 0, sizeof *info);
    info->prog_offset = rd32(b + 48);
    info->prog_len = rd32(b + 52);
    info->state_bytes = rd32(b + 56);
    info->io_bytes = rd32(b + 60);
    if ((uint64_t)info->prog_offset + 16ull * info->prog_len > len || info->prog_len == 0)
        return rw_fail(err, RWKVACC_E_FORMAT, "image program outside the image");
    return RWKVACC_OK;
}
