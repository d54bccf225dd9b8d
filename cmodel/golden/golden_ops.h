/*
 * golden_ops.h - the golden model's unit operations as the layer code calls them:
 * each runs one unit function (bfv.h, matvec.h, norm.h, sfu.h, wkv.h) with the
 * stream's scratch, counts its events, and reports it to the trace hook when one
 * is set. `name` says where in the layer the operation is ("att.k_mix").
 */
#ifndef RWKVACC_GOLDEN_OPS_H
#define RWKVACC_GOLDEN_OPS_H

#include "golden.h"

/* y = x: a move between registers, or a store to / load from the state. */
void g_copy(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv x);
void g_add(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv a, rw_cbfv b);
void g_sub(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv a, rw_cbfv b);
void g_mul(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv a, rw_cbfv b);
void g_lerp(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv a, rw_cbfv b, rw_cbfv t);
void g_relu_sq(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv a);
/* y = W x (int16 rounding of x, then the matrix-vector unit); wname is the
 * weight's field name in the layer ("Wk") or model ("head"). */
void g_mv(rw_golden *g, const char *wname, rw_bfv *y, const rw_qmat *W, rw_cbfv x);
void g_norm(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv x, rw_cbfv w, rw_cbfv b,
            uint32_t ngroups, rw_cbfv inv_gs, rw_cbfv eps);
void g_l2norm(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv x, uint32_t ngroups,
              rw_cbfv eps_sq);
void g_sigmoid(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv x);
void g_tanh(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv x);
void g_decay6(rw_golden *g, const char *name, uint32_t *w, rw_cbfv x);
void g_decay7(rw_golden *g, const char *name, uint32_t *w, rw_cbfv x);
void g_embed(rw_golden *g, uint32_t token, rw_bfv *x);
void g_wkv4(rw_golden *g, rw_bfv *y, rw_cbfv k, rw_cbfv v, const int32_t *decay,
            const int32_t *first, rw_wkv4_state *s);
void g_wkv5(rw_golden *g, rw_bfv *y, rw_cbfv r, rw_cbfv k, rw_cbfv v, const uint32_t *w,
            rw_cbfv u, rw_bfv *S);
void g_wkv7(rw_golden *g, rw_bfv *y, rw_cbfv r, const uint32_t *w, rw_cbfv k, rw_cbfv v,
            rw_cbfv kk, rw_cbfv a, rw_bfv *S);
void g_bonus7(rw_golden *g, rw_bfv *y, rw_cbfv r, rw_cbfv k, rw_cbfv r_k, rw_cbfv v);

#endif
