/*
 * norm.c - the golden norm unit (see norm.h). For each group: the mean from the
 * exact integer sum times 1/n; the variance from the centred values rounded to
 * int16 (squares summed exactly); 1/sqrt from the special-function unit. Groups
 * are computed with their own exponents and merged into one vector at the end.
 */
#include "norm.h"

#include "sfu.h"

/* The sum of squares of a vector as a scalar: exact on its int16 rounding. */
static void sum_squares(rw_bfv *ss, rw_cbfv x, int16_t *q)
{
    rw_act16 a = {q, 0, x.n};
    int64_t s = 0;
    rw_act_quant(&a, x);
    for (uint32_t i = 0; i < x.n; i++)
        s += (int32_t)q[i] * q[i]; /* < 2^30 each */
    rw_normalize(ss, &s, 2 * a.e, 1);
}

/* Copies group g's result t into the merge buffers. */
static void stage(rw_norm_ws *ws, const rw_bfv *t, uint32_t off)
{
    for (uint32_t i = 0; i < t->n; i++) {
        ws->tmp[off + i] = t->m[i];
        ws->etmp[off + i] = t->e;
    }
}

static void layernorm_group(rw_bfv *t, rw_cbfv x, rw_cbfv w, rw_cbfv b, rw_cbfv inv_gs,
                            rw_cbfv eps, rw_norm_ws *ws, int64_t *tmp)
{
    int32_t sm[2];
    rw_bfv s = {&sm[0], 0, 1}, r = {&sm[1], 0, 1};
    rw_sum(&s, x);
    rw_mul_scalar(&s, rw_cview(&s), inv_gs, tmp); /* mean */
    rw_sub(t, x, rw_cview(&s), tmp);              /* centred */
    sum_squares(&s, rw_cview(t), ws->q);
    rw_mul_scalar(&s, rw_cview(&s), inv_gs, tmp); /* variance */
    rw_add(&s, rw_cview(&s), eps, tmp);
    rw_rsqrt(&r, rw_cview(&s));
    rw_mul_scalar(t, rw_cview(t), rw_cview(&r), tmp);
    rw_mul(t, rw_cview(t), w, tmp);
    rw_add(t, rw_cview(t), b, tmp);
}

static rw_cbfv slice(rw_cbfv v, uint32_t off, uint32_t n)
{
    rw_cbfv s = {v.m + off, v.e, n};
    return s;
}

void rw_groupnorm(rw_bfv *y, rw_cbfv x, rw_cbfv w, rw_cbfv b, uint32_t ngroups,
                  rw_cbfv inv_gs, rw_cbfv eps, rw_norm_ws *ws)
{
    uint32_t gs = x.n / ngroups;
    rw_bfv t = {ws->d, 0, gs};
    for (uint32_t g = 0; g < ngroups; g++) {
        uint32_t o = g * gs;
        layernorm_group(&t, slice(x, o, gs), slice(w, o, gs), slice(b, o, gs), inv_gs, eps,
                        ws, ws->tmp + x.n);
        stage(ws, &t, o);
    }
    rw_normalize_each(y, ws->tmp, ws->etmp, x.n);
}

void rw_l2norm(rw_bfv *y, rw_cbfv x, uint32_t ngroups, rw_cbfv eps_sq, rw_norm_ws *ws)
{
    uint32_t gs = x.n / ngroups;
    int32_t sm[2];
    rw_bfv s = {&sm[0], 0, 1}, r = {&sm[1], 0, 1}, t = {ws->d, 0, gs};
    for (uint32_t g = 0; g < ngroups; g++) {
        rw_cbfv xg = slice(x, g * gs, gs);
        sum_squares(&s, xg, ws->q);
        if (rw_cmp_scalar(rw_cview(&s), eps_sq) < 0)
            rw_normalize(&s, (const int64_t[]){eps_sq.m[0]}, eps_sq.e, 1);
        rw_rsqrt(&r, rw_cview(&s));
        rw_mul_scalar(&t, xg, rw_cview(&r), ws->tmp + x.n);
        stage(ws, &t, g * gs);
    }
    rw_normalize_each(y, ws->tmp, ws->etmp, x.n);
}
