/*
 * wkv7.c - the golden WKV unit of RWKV-7 (the generalised delta rule): per head,
 * S = S diag(w) + (S (-kk)) (kk a)^T + v k^T, summed in that order with one
 * rounding per addition, then out = S r (docs/numerics.md).
 */
#include "wkv.h"
#include "wkv_common.h"

static rw_cbfv cslice(rw_cbfv v, uint32_t off, uint32_t n)
{
    rw_cbfv s = {v.m + off, v.e, n};
    return s;
}

static void head_update(rw_bfv *S, const rw_act16 *kkq, const uint32_t *w, rw_cbfv ka,
                        rw_cbfv k, rw_cbfv v, uint32_t off, rw_wkv_ws *ws)
{
    uint32_t N = k.n;
    rw_bfv sa = {ws->a, 0, N}, D = {ws->b, 0, N * N}, T = {ws->c, 0, N * N};
    rw_state_matvec(&sa, S, kkq->q + off, kkq->e, N, N, 0, ws->tmp);
    for (uint32_t i = 0; i < N; i++)
        sa.m[i] = -sa.m[i]; /* S (-kk): exact, |m| <= 2^30 */
    rw_state_decay(&D, S, w, N, 0);
    rw_outer(&T, rw_cview(&sa), ka, ws->tmp);
    rw_add(&D, rw_cview(&D), rw_cview(&T), ws->tmp);
    rw_outer(&T, v, k, ws->tmp);
    rw_add(S, rw_cview(&D), rw_cview(&T), ws->tmp);
}

void rw_wkv7(rw_bfv *out, rw_cbfv r, const uint32_t *w, rw_cbfv k, rw_cbfv v, rw_cbfv kk,
             rw_cbfv a, rw_bfv *S, uint32_t H, uint32_t N, rw_wkv_ws *ws)
{
    rw_act16 rq = {ws->q1, 0, r.n}, kkq = {ws->q2, 0, kk.n};
    rw_bfv ka = {ws->d, 0, kk.n};
    rw_act_quant(&rq, r);
    rw_act_quant(&kkq, kk);
    rw_mul(&ka, kk, a, ws->tmp);
    for (uint32_t h = 0; h < H; h++) {
        uint32_t off = h * N;
        rw_bfv o = {ws->a, 0, N};
        head_update(&S[h], &kkq, w + off, cslice(rw_cview(&ka), off, N), cslice(k, off, N),
                    cslice(v, off, N), off, ws);
        rw_state_matvec(&o, &S[h], rq.q + off, rq.e, N, N, 0, ws->tmp);
        rw_stage(ws, &o, off);
    }
    rw_normalize_each(out, ws->st, ws->est, H * N);
}

void rw_bonus7(rw_bfv *y, rw_cbfv r, rw_cbfv k, rw_cbfv r_k, rw_cbfv v, uint32_t H,
               uint32_t N, rw_wkv_ws *ws)
{
    int32_t sm;
    rw_bfv s = {&sm, 0, 1}, t = {ws->c, 0, r.n};
    rw_mul(&t, r, k, ws->tmp);
    rw_mul(&t, rw_cview(&t), r_k, ws->tmp);
    for (uint32_t h = 0; h < H; h++) {
        rw_bfv o = {ws->a, 0, N};
        rw_sum(&s, cslice(rw_cview(&t), h * N, N));
        rw_mul_scalar(&o, cslice(v, h * N, N), rw_cview(&s), ws->tmp);
        rw_stage(ws, &o, h * N);
    }
    rw_normalize_each(y, ws->st, ws->est, H * N);
}
