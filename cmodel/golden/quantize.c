/*
 * quantize.c - the quantizer: float model (model.h) -> quantized model (qmodel.h).
 * It runs offline, in double precision, and is deterministic to the bit: every
 * step is an exact scaling by a power of two, one IEEE division or a frexp,
 * each followed by one round to nearest, ties to even (nearbyint in the default
 * rounding mode). The rules (docs/formats.md, "Quantized model"):
 *
 *   vector -> block-floating (rw_cbfv): e = E - 30 where max|v| < 2^E (frexp);
 *             m = RNE(v * 2^-e), so max |m| lies in [2^29, 2^30];
 *   INT8 row: s = amax / 127 = f 2^E (f in [0.5, 1)); sm = RNE(f 2^16) (65536
 *             becomes 32768 with E + 1); se = E - 16; q = clamp(RNE(w / (sm 2^se)), +-127);
 *   INT4 row: s_g = amax_g / 7 per group of G; se from the largest s_g as above;
 *             sm_g = RNE(s_g 2^-se) (<= 65535); q = clamp(RNE(w / (sm_g 2^se)), +-7);
 *   embedding row: e = E - 15; q = clamp(RNE(v 2^-e), +-32767);
 *   RWKV-4 decay, first: Q15.16; 5.x decay w: Q0.32.
 *
 * The list of tensors per version (rw_qmodel_tensors) is shared with the file
 * reader and writer (qmodel_io.c), so that the three always agree.
 */
#include "qmodel.h"

#include "error.h"
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ conversions */

static double rne(double x)
{
    return nearbyint(x); /* the default rounding mode: to nearest, ties to even */
}

static int32_t clamp_i32(double x, int32_t lo, int32_t hi)
{
    if (x <= (double)lo)
        return lo;
    if (x >= (double)hi)
        return hi;
    return (int32_t)x;
}

int rw_quant_bfv(const float *v, uint32_t n, int32_t *m, int32_t *e)
{
    double mx = 0;
    int E;
    for (uint32_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            return -1;
        if (fabs((double)v[i]) > mx)
            mx = fabs((double)v[i]);
    }
    if (mx == 0) {
        memset(m, 0, (size_t)n * sizeof *m);
        *e = 0;
        return 0;
    }
    (void)frexp(mx, &E); /* mx < 2^E */
    *e = E - RW_BFV_BITS;
    for (uint32_t i = 0; i < n; i++)
        m[i] = (int32_t)rne(ldexp((double)v[i], RW_BFV_BITS - E)); /* |m| <= 2^30 */
    return 0;
}

int rw_quant_bfv_scalar(double v, int32_t *m, int32_t *e)
{
    int E;
    if (!isfinite(v))
        return -1;
    if (v == 0) {
        *m = 0;
        *e = 0;
        return 0;
    }
    (void)frexp(fabs(v), &E);
    *e = E - RW_BFV_BITS;
    *m = (int32_t)rne(ldexp(v, RW_BFV_BITS - E));
    return 0;
}

/* The 16-bit mantissa and exponent of a positive scale s: s ~ sm 2^se with sm in
 * [2^15, 2^16). */
static void scale_of(double s, uint16_t *sm, int16_t *se)
{
    int E;
    double f = frexp(s, &E); /* f in [0.5, 1) */
    double r = rne(ldexp(f, 16));
    if (r >= 65536.0) {
        r = 32768.0;
        E += 1;
    }
    *sm = (uint16_t)r;
    *se = (int16_t)(E - 16);
}

static int row_amax(const float *w, uint32_t n, double *amax)
{
    double a = 0;
    for (uint32_t j = 0; j < n; j++) {
        if (!isfinite(w[j]))
            return -1;
        if (fabs((double)w[j]) > a)
            a = fabs((double)w[j]);
    }
    *amax = a;
    return 0;
}

int rw_quant_row8(const float *w, uint32_t cols, int8_t *q, uint16_t *sm, int16_t *se)
{
    double amax, scale;
    if (row_amax(w, cols, &amax))
        return -1;
    if (amax == 0) {
        memset(q, 0, cols);
        *sm = 0;
        *se = 0;
        return 0;
    }
    scale_of(amax / 127.0, sm, se);
    scale = ldexp((double)*sm, *se);
    for (uint32_t j = 0; j < cols; j++)
        q[j] = (int8_t)clamp_i32(rne((double)w[j] / scale), -127, 127);
    return 0;
}

/* Squared error of a group rounded to [-7, 7] with this scale. */
static double int4_error(const float *w, uint32_t n, double scale)
{
    double e = 0;
    for (uint32_t j = 0; j < n; j++) {
        double d = (double)w[j] - scale * clamp_i32(rne((double)w[j] / scale), -7, 7);
        e += d * d;
    }
    return e;
}

/* A group's scale mantissa: of the scales amax/7 * (1 - k/64), k = 0..19, the one
 * with the least squared error (the first on ties). Clipping the largest weight a
 * little often rounds the others much better; with 15 levels this matters. */
static uint16_t int4_group_scale(const float *w, uint32_t n, double amax, int16_t se)
{
    uint16_t best = 0;
    double best_err = 0;
    for (int k = 0; k < 20; k++) {
        uint16_t m = (uint16_t)clamp_i32(rne(ldexp(amax / 7.0 * (1.0 - k / 64.0), -se)), 0,
                                         65535);
        double e;
        if (m == 0)
            break;
        e = int4_error(w, n, ldexp((double)m, se));
        if (k == 0 || e < best_err) {
            best = m;
            best_err = e;
        }
    }
    return best;
}

/* Keeps the row's largest mantissa in [2^15, 2^16) after the scale search:
 * doubling every mantissa and lowering the exponent by one is exact. */
static void renormalize_row(uint16_t *sm, uint32_t ng, int16_t *se)
{
    uint16_t top = 0;
    for (uint32_t g = 0; g < ng; g++)
        top = sm[g] > top ? sm[g] : top;
    while (top && top < 0x8000u) {
        for (uint32_t g = 0; g < ng; g++)
            sm[g] = (uint16_t)(sm[g] * 2u);
        top = (uint16_t)(top * 2u);
        (*se)--;
    }
}

int rw_quant_row4(const float *w, uint32_t cols, uint32_t group, uint8_t *q4,
                  uint16_t *sm, int16_t *se)
{
    uint32_t ng = (cols + group - 1) / group;
    double smax = 0;
    uint16_t top;
    if (cols % 2 || group == 0)
        return -1;
    for (uint32_t g = 0; g < ng; g++) {
        uint32_t j0 = g * group, n = cols - j0 < group ? cols - j0 : group;
        double amax;
        if (row_amax(w + j0, n, &amax))
            return -1;
        if (amax / 7.0 > smax)
            smax = amax / 7.0;
    }
    memset(q4, 0, cols / 2);
    if (smax == 0) {
        memset(sm, 0, (size_t)ng * sizeof *sm);
        *se = 0;
        return 0;
    }
    scale_of(smax, &top, se);
    for (uint32_t g = 0; g < ng; g++) {
        uint32_t j0 = g * group, n = cols - j0 < group ? cols - j0 : group;
        double amax = 0, scale;
        (void)row_amax(w + j0, n, &amax);
        sm[g] = int4_group_scale(w + j0, n, amax, *se);
        if (sm[g] == 0)
            continue; /* q stays 0 */
        scale = ldexp((double)sm[g], *se);
        for (uint32_t j = j0; j < j0 + n; j++) {
            int32_t v = clamp_i32(rne((double)w[j] / scale), -7, 7);
            uint32_t nib = (uint32_t)v & 0xfu;
            q4[j / 2] = (uint8_t)(q4[j / 2] | (nib << ((j & 1u) * 4)));
        }
    }
    renormalize_row(sm, ng, se);
    return 0;
}

int rw_quant_emb_row(const float *v, uint32_t n, int16_t *q, int16_t *e)
{
    double amax;
    int E;
    if (row_amax(v, n, &amax))
        return -1;
    if (amax == 0) {
        memset(q, 0, (size_t)n * sizeof *q);
        *e = 0;
        return 0;
    }
    (void)frexp(amax, &E);
    *e = (int16_t)(E - 15);
    for (uint32_t j = 0; j < n; j++)
        q[j] = (int16_t)clamp_i32(rne(ldexp((double)v[j], 15 - E)), -32767, 32767);
    return 0;
}

int rw_quant_q16(float x, int32_t *out)
{
    if (isnan(x))
        return -1;
    *out = clamp_i32(rne(ldexp((double)x, 16)), INT32_MIN, INT32_MAX);
    return 0;
}

int rw_quant_q32(float x, uint32_t *out)
{
    double r;
    if (isnan(x))
        return -1;
    r = rne(ldexp((double)x, 32));
    if (r <= 0)
        *out = 0;
    else if (r >= 4294967295.0)
        *out = UINT32_MAX;
    else
        *out = (uint32_t)r;
    return 0;
}

/* ------------------------------------------------------------ storage */

void *rw_qmodel_alloc(rw_qmodel *q, size_t bytes)
{
    void *p;
    if (q->n_allocs == q->cap_allocs) {
        size_t cap = q->cap_allocs ? 2 * q->cap_allocs : 256;
        void **a = realloc(q->allocs, cap * sizeof *a);
        if (!a)
            return NULL;
        q->allocs = a;
        q->cap_allocs = cap;
    }
    p = calloc(1, bytes ? bytes : 1);
    if (p)
        q->allocs[q->n_allocs++] = p;
    return p;
}

void rw_qmodel_free(rw_qmodel *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->n_allocs; i++)
        free(q->allocs[i]);
    free(q->allocs);
    free(q->layers);
    free(q);
}

rwkvacc_status rw_qmodel_derive(rw_qmodel *q, rwkvacc_error *err)
{
    enum { N_DERIVED = 6 };
    int32_t *m = rw_qmodel_alloc(q, N_DERIVED * sizeof *m);
    rw_cbfv *dst[N_DERIVED] = {&q->inv_embd, &q->inv_head, &q->ln_eps,
                               &q->gn_eps,   &q->l2_eps_sq, &q->one};
    const rwkvacc_model_info *I = &q->info;
    double v[N_DERIVED] = {I->n_embd ? 1.0 / I->n_embd : 0.0,
                           I->head_size ? 1.0 / I->head_size : 0.0, 1e-5, 64e-5, 1e-24, 1.0};
    if (!m)
        return rw_fail(err, RWKVACC_E_NOMEM, "quantized model: out of memory");
    for (int i = 0; i < N_DERIVED; i++) {
        int32_t e = 0;
        (void)rw_quant_bfv_scalar(v[i], &m[i], &e);
        dst[i]->m = &m[i];
        dst[i]->e = e;
        dst[i]->n = 1;
    }
    return RWKVACC_OK;
}

/* ------------------------------------------------------------ tensor list */

typedef struct tlist {
    rw_qtensor *t;
    size_t n, cap;
    rwkvacc_status st;
    rwkvacc_error *err;
    const char *prefix;
} tlist;

static void add(tlist *l, rw_qkind kind, const char *name, uint32_t rows, uint32_t cols,
                void *dst, const float *src)
{
    rw_qtensor *t;
    if (l->st)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        rw_qtensor *p = realloc(l->t, cap * sizeof *p);
        if (!p) {
            l->st = rw_fail(l->err, RWKVACC_E_NOMEM, "quantized model: out of memory");
            return;
        }
        l->t = p;
        l->cap = cap;
    }
    t = &l->t[l->n++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s%s", l->prefix, name);
    t->kind = kind;
    t->rows = rows;
    t->cols = cols;
    t->dst = dst;
    t->src = src;
}

static void add_mat(tlist *l, const char *name, uint32_t rows, uint32_t cols, rw_qmat *dst,
                    const rw_mat *src)
{
    if (!l->st && src && (src->rows != rows || src->cols != cols))
        l->st = rw_fail(l->err, RWKVACC_E_SHAPE, "quantize: tensor '%s%s' is %u x %u, "
                        "expected %u x %u", l->prefix, name, src->rows, src->cols, rows, cols);
    add(l, RW_QK_QMAT, name, rows, cols, dst, src ? src->w : NULL);
}

#define VEC(f) add(l, RW_QK_BFV, #f, 1, C, &L->f, M ? M->f : NULL)
#define MAT(f, r, c) add_mat(l, #f, r, c, &L->f, M ? &M->f : NULL)

static void list_layer(tlist *l, const rwkvacc_model_info *I, uint32_t i, rw_qlayer *L,
                       const rw_layer *M)
{
    static const char *const w2_names[5] = {"maa_w2.w", "maa_w2.k", "maa_w2.v", "maa_w2.r",
                                            "maa_w2.g"};
    char prefix[32];
    rwkvacc_arch a = I->arch;
    uint32_t C = I->n_embd, F = I->n_ffn;
    int v5 = a == RWKVACC_ARCH_V5_1 || a == RWKVACC_ARCH_V5_2;
    snprintf(prefix, sizeof prefix, "blocks.%u.", i);
    l->prefix = prefix;
    VEC(ln1_w);
    VEC(ln1_b);
    VEC(ln2_w);
    VEC(ln2_b);
    if (a == RWKVACC_ARCH_V4 || v5) {
        VEC(mix_k);
        VEC(mix_v);
        VEC(mix_r);
        if (a == RWKVACC_ARCH_V5_2)
            VEC(mix_g);
    }
    if (a == RWKVACC_ARCH_V4) {
        add(l, RW_QK_I32, "decay_q16", 1, C, &L->decay_q16, M ? M->decay : NULL);
        add(l, RW_QK_I32, "first_q16", 1, C, &L->first_q16, M ? M->first : NULL);
    }
    if (v5)
        add(l, RW_QK_U32, "decay_w", 1, C, &L->decay_w, M ? M->decay : NULL);
    if (v5 || a == RWKVACC_ARCH_V6_0)
        VEC(first);
    if (a == RWKVACC_ARCH_V6_0) {
        VEC(maa_x);
        VEC(maa_w);
        VEC(maa_k);
        VEC(maa_v);
        VEC(maa_r);
        VEC(maa_g);
        add(l, RW_QK_BFV, "decay_t", 1, C, &L->decay_t, M ? M->decay : NULL);
        MAT(maa_w1, 5 * I->d_mix, C);
        for (int k = 0; k < 5; k++)
            add_mat(l, w2_names[k], C, I->d_mix, &L->maa_w2[k], M ? &M->maa_w2[k] : NULL);
        MAT(decay_w1, I->d_decay, C);
        MAT(decay_w2, C, I->d_decay);
    }
    if (a == RWKVACC_ARCH_V7_0) {
        VEC(x_r);
        VEC(x_w);
        VEC(x_k);
        VEC(x_v);
        VEC(x_a);
        VEC(x_g);
        VEC(w0);
        VEC(a0);
        if (i > 0)
            VEC(v0);
        VEC(k_k);
        VEC(k_a);
        VEC(r_k);
        MAT(w1, I->d_w, C);
        MAT(w2, C, I->d_w);
        MAT(a1, I->d_a, C);
        MAT(a2, C, I->d_a);
        if (i > 0) {
            MAT(v1, I->d_v, C);
            MAT(v2, C, I->d_v);
        }
        MAT(g1, I->d_g, C);
        MAT(g2, C, I->d_g);
    }
    MAT(Wr, C, C);
    MAT(Wk, C, C);
    MAT(Wv, C, C);
    if (a == RWKVACC_ARCH_V5_2 || a == RWKVACC_ARCH_V6_0)
        MAT(Wg, C, C);
    MAT(Wo, C, C);
    if (a != RWKVACC_ARCH_V4) {
        VEC(lnx_w);
        VEC(lnx_b);
    }
    VEC(ffn_mix_k);
    if (a != RWKVACC_ARCH_V7_0)
        VEC(ffn_mix_r);
    MAT(ffn_Wk, F, C);
    MAT(ffn_Wv, C, F);
    if (a != RWKVACC_ARCH_V7_0)
        MAT(ffn_Wr, C, C);
    l->prefix = "";
}

#undef VEC
#undef MAT

rwkvacc_status rw_qmodel_tensors(rw_qmodel *q, const rwkvacc_model *m, rw_qtensor **list,
                                 size_t *n, rwkvacc_error *err)
{
    const rwkvacc_model_info *I = &q->info;
    uint32_t C = I->n_embd;
    tlist l;
    memset(&l, 0, sizeof l);
    l.err = err;
    l.prefix = "";
    if (m && !m->layers)
        return rw_fail(err, RWKVACC_E_ARG, "quantize: the model has no float tensors "
                       "(it was read from a quantized file)");
    add(&l, RW_QK_EMB, "emb", I->n_vocab, C, &q->emb, m ? m->emb : NULL);
    add(&l, RW_QK_BFV, "ln0_w", 1, C, &q->ln0_w, m ? m->ln0_w : NULL);
    add(&l, RW_QK_BFV, "ln0_b", 1, C, &q->ln0_b, m ? m->ln0_b : NULL);
    for (uint32_t i = 0; i < I->n_layer && !l.st; i++)
        list_layer(&l, I, i, &q->layers[i], m ? &m->layers[i] : NULL);
    add(&l, RW_QK_BFV, "ln_out_w", 1, C, &q->ln_out_w, m ? m->ln_out_w : NULL);
    add(&l, RW_QK_BFV, "ln_out_b", 1, C, &q->ln_out_b, m ? m->ln_out_b : NULL);
    add_mat(&l, "head", I->n_vocab, C, &q->head, m ? &m->head : NULL);
    if (l.st) {
        free(l.t);
        return l.st;
    }
    *list = l.t;
    *n = l.n;
    return RWKVACC_OK;
}

/* ------------------------------------------------------------ quantizer */

static rwkvacc_status nomem(rwkvacc_error *err, const rw_qtensor *t)
{
    return rw_fail(err, RWKVACC_E_NOMEM, "quantize: out of memory for tensor '%s'", t->name);
}

static rwkvacc_status bad_value(rwkvacc_error *err, const rw_qtensor *t)
{
    /* fixed-point kinds clamp infinities: only NaN is refused there */
    int clamps = t->kind == RW_QK_I32 || t->kind == RW_QK_U32;
    size_t n = (size_t)t->rows * t->cols, i = 0;
    while (i < n && (clamps ? !isnan(t->src[i]) : isfinite(t->src[i])))
        i++;
    return rw_fail(err, RWKVACC_E_FORMAT, "quantize: tensor '%s': element %zu is %s", t->name,
                   i, i < n && isnan(t->src[i]) ? "NaN" : "infinite");
}

static rwkvacc_status quant_mat(rw_qmodel *q, const rw_qtensor *t, uint32_t group,
                                rwkvacc_error *err)
{
    rw_qmat *W = t->dst;
    uint32_t bits = q->weight_bits, ng;
    size_t qbytes;
    if (t->cols > RW_QMAT_MAX_COLS)
        return rw_fail(err, RWKVACC_E_SHAPE, "quantize: tensor '%s' has %u columns, more "
                       "than %u", t->name, t->cols, RW_QMAT_MAX_COLS);
    if (bits == 4 && t->cols % 2)
        return rw_fail(err, RWKVACC_E_SHAPE, "quantize: tensor '%s' has %u columns; INT4 "
                       "needs an even number", t->name, t->cols);
    W->rows = t->rows;
    W->cols = t->cols;
    W->bits = bits;
    W->group = bits == 8 ? t->cols : group;
    ng = rw_qmat_groups(W);
    qbytes = bits == 8 ? (size_t)t->rows * t->cols : (size_t)t->rows * t->cols / 2;
    {
        uint8_t *qb = rw_qmodel_alloc(q, qbytes);
        uint16_t *sm = rw_qmodel_alloc(q, (size_t)t->rows * ng * sizeof *sm);
        int16_t *se = rw_qmodel_alloc(q, (size_t)t->rows * sizeof *se);
        if (!qb || !sm || !se)
            return nomem(err, t);
        for (uint32_t r = 0; r < t->rows; r++) {
            const float *w = t->src + (size_t)r * t->cols;
            int bad = bits == 8 ? rw_quant_row8(w, t->cols, (int8_t *)qb + (size_t)r * t->cols,
                                                &sm[r], &se[r])
                                : rw_quant_row4(w, t->cols, group, qb + (size_t)r * t->cols / 2,
                                                sm + (size_t)r * ng, &se[r]);
            if (bad)
                return bad_value(err, t);
        }
        if (bits == 8)
            W->q8 = (const int8_t *)qb;
        else
            W->q4 = qb;
        W->sm = sm;
        W->se = se;
    }
    return RWKVACC_OK;
}

static rwkvacc_status quant_one(rw_qmodel *q, const rw_qtensor *t, uint32_t group,
                                rwkvacc_error *err)
{
    uint32_t n = t->cols;
    if (!t->src)
        return rw_fail(err, RWKVACC_E_TENSOR, "quantize: the float model has no tensor "
                       "for '%s'", t->name);
    switch (t->kind) {
    case RW_QK_BFV: {
        rw_cbfv *v = t->dst;
        int32_t *m = rw_qmodel_alloc(q, (size_t)n * sizeof *m);
        if (!m)
            return nomem(err, t);
        if (rw_quant_bfv(t->src, n, m, &v->e))
            return bad_value(err, t);
        v->m = m;
        v->n = n;
        return RWKVACC_OK;
    }
    case RW_QK_I32: {
        int32_t *p = rw_qmodel_alloc(q, (size_t)n * sizeof *p);
        if (!p)
            return nomem(err, t);
        for (uint32_t i = 0; i < n; i++)
            if (rw_quant_q16(t->src[i], &p[i]))
                return bad_value(err, t);
        *(const int32_t **)t->dst = p;
        return RWKVACC_OK;
    }
    case RW_QK_U32: {
        uint32_t *p = rw_qmodel_alloc(q, (size_t)n * sizeof *p);
        if (!p)
            return nomem(err, t);
        for (uint32_t i = 0; i < n; i++)
            if (rw_quant_q32(t->src[i], &p[i]))
                return bad_value(err, t);
        *(const uint32_t **)t->dst = p;
        return RWKVACC_OK;
    }
    case RW_QK_QMAT:
        return quant_mat(q, t, group, err);
    case RW_QK_EMB: {
        rw_qemb *E = t->dst;
        int16_t *qq = rw_qmodel_alloc(q, (size_t)t->rows * n * sizeof *qq);
        int16_t *e = rw_qmodel_alloc(q, (size_t)t->rows * sizeof *e);
        if (!qq || !e)
            return nomem(err, t);
        for (uint32_t r = 0; r < t->rows; r++)
            if (rw_quant_emb_row(t->src + (size_t)r * n, n, qq + (size_t)r * n, &e[r]))
                return bad_value(err, t);
        E->q = qq;
        E->e = e;
        return RWKVACC_OK;
    }
    }
    return rw_fail(err, RWKVACC_E_ARG, "quantize: tensor '%s' of unknown kind", t->name);
}

rwkvacc_status rw_quantize(const rwkvacc_model *m, const rw_quant_options *opt,
                           rw_qmodel **out, rwkvacc_error *err)
{
    rw_qmodel *q;
    rw_qtensor *list = NULL;
    size_t n = 0;
    rwkvacc_status st;
    uint32_t bits = opt ? opt->weight_bits : 0, group = opt ? opt->group : 0;
    if (!m)
        return rw_fail(err, RWKVACC_E_ARG, "quantize: no model given");
    if (bits != 8 && bits != 4)
        return rw_fail(err, RWKVACC_E_ARG, "quantize: weight bits %u: only 8 and 4 are "
                       "supported", bits);
    if (bits == 4 && (group < 32 || group > 128 || group % 2))
        return rw_fail(err, RWKVACC_E_ARG, "quantize: INT4 group size %u: it must be even "
                       "and 32 to 128", group);
    if (!(q = calloc(1, sizeof *q)))
        return rw_fail(err, RWKVACC_E_NOMEM, "quantize: out of memory");
    q->info = m->info;
    q->weight_bits = bits;
    q->group = bits == 4 ? group : 0;
    if (!(q->layers = calloc(m->info.n_layer ? m->info.n_layer : 1, sizeof *q->layers))) {
        rw_qmodel_free(q);
        return rw_fail(err, RWKVACC_E_NOMEM, "quantize: out of memory");
    }
    st = rw_qmodel_tensors(q, m, &list, &n, err);
    for (size_t i = 0; i < n && !st; i++)
        st = quant_one(q, &list[i], group, err);
    free(list);
    if (!st)
        st = rw_qmodel_derive(q, err);
    if (st) {
        rw_qmodel_free(q);
        return st;
    }
    *out = q;
    return RWKVACC_OK;
}
