/*
 * wkv5.c - the golden WKV unit of RWKV 5.x and 6: per head, the output from the
 * state before the update plus the bonus term, then the state decayed per key
 * channel and the outer product k v^T added (docs/numerics.md).
 */
#include "wkv.h"
#include "wkv_common.h"

static rw_cbfv cslice(rw_cbfv v, uint32_t off, uint32_t n)
{
    rw_cbfv s = {v.m + off, v.e, n};
    return s;
}

/* o = S^T r + (sum r u k) v for one head. */
static void head_out(rw_bfv *o, const rw_bfv *S, const rw_act16 *rq, rw_cbfv r, rw_cbfv k,
                     rw_cbfv v, rw_cbfv u, uint32_t off, rw_wkv_ws *ws)
{
    uint32_t N = r.n;
    int32_t sm;
    rw_bfv s = {&sm, 0, 1}, t = {ws->b, 0, N};
    rw_state_matvec(o, S, rq->q + off, rq->e, N, N, 1, ws->tmp);
    rw_mul(&t, r, u, ws->tmp);
    rw_mul(&t, rw_cview(&t), k, ws->tmp);
    rw_sum(&s, rw_cview(&t));
    rw_mul_scalar(&t, v, rw_cview(&s), ws->tmp);
    rw_add(o, rw_cview(o), rw_cview(&t), ws->tmp);
}

void rw_wkv5(rw_bfv *out, rw_cbfv r, rw_cbfv k, rw_cbfv v, const uint32_t *w, rw_cbfv u,
             rw_bfv *S, uint32_t H, uint32_t N, rw_wkv_ws *ws)
{
    rw_act16 rq = {ws->q1, 0, r.n};
    rw_act_quant(&rq, r);
    for (uint32_t h = 0; h < H; h++) {
        uint32_t off = h * N;
        rw_cbfv kh = cslice(k, off, N), vh = cslice(v, off, N);
        rw_bfv o = {ws->a, 0, N}, D = {ws->a, 0, N * N}, P = {ws->b, 0, N * N};
        head_out(&o, &S[h], &rq, cslice(r, off, N), kh, vh, cslice(u, off, N), off, ws);
        rw_stage(ws, &o, off);
        rw_state_decay(&D, &S[h], w + off, N, 1);
        rw_outer(&P, kh, vh, ws->tmp);
        rw_add(&S[h], rw_cview(&D), rw_cview(&P), ws->tmp);
    }
    rw_normalize_each(out, ws->st, ws->est, H * N);
}
