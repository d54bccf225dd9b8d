/*
 * wkv.h - the golden WKV unit: the recurrences of RWKV-4 (per-channel numerator,
 * denominator and log-domain maximum) and of 5.x, 6 and 7 (an N x N matrix per
 * head with its own exponent), on one token. Definitions in docs/numerics.md.
 */
#ifndef RWKVACC_GOLDEN_WKV_H
#define RWKVACC_GOLDEN_WKV_H

#include "bfv.h"

#define RW_PP_MIN (-(INT32_C(1) << 29)) /* 4: pp of the empty state, Q15.16 */
#define RW_LOG_MAX (INT32_C(1) << 28)   /* 4: |k|, |u|, |decay| clamp, Q15.16 */

/* Scratch; n = max(C, N * N). */
typedef struct rw_wkv_ws {
    int64_t *tmp;          /* n: one step's wide values */
    int64_t *st;           /* C: per-head results staged for merging */
    int32_t *est;          /* C: their exponents */
    int32_t *a, *b, *c, *d; /* n each */
    int32_t *q32;          /* C */
    int16_t *q1, *q2;      /* C */
} rw_wkv_ws;

/* RWKV-4 state of one layer. */
typedef struct rw_wkv4_state {
    rw_bfv aa, bb; /* C */
    int32_t *pp;   /* C, Q15.16 */
} rw_wkv4_state;

/* out = wkv(k, v) and the state update; decay and first in Q15.16. Returns the
 * number of k values clamped to +-RW_LOG_MAX. */
uint32_t rw_wkv4(rw_bfv *out, rw_cbfv k, rw_cbfv v, const int32_t *decay,
                 const int32_t *first, rw_wkv4_state *s, rw_wkv_ws *ws);

/* 1 when rw_wkv4 is defined for these inputs: its denominator e1 bb + e2 has no
 * zero element (only a corrupted state, with bb <= 0, can give one). */
int rw_wkv4_defined(rw_cbfv k, const int32_t *first, const rw_wkv4_state *s, rw_wkv_ws *ws);

/* 5.x, 6: S[h] is N x N [key i][value j]; w the decay per key channel, Q0.32.
 * out_j = sum_i r_i S_ij + (sum_i r_i u_i k_i) v_j; then S_ij = w_i S_ij + k_i v_j. */
void rw_wkv5(rw_bfv *out, rw_cbfv r, rw_cbfv k, rw_cbfv v, const uint32_t *w, rw_cbfv u,
             rw_bfv *S, uint32_t H, uint32_t N, rw_wkv_ws *ws);

/* 7: S[h] is N x N [value i][key j]; w per key channel, Q0.32.
 * S = S diag(w) + (S (-kk)) (kk a)^T + v k^T; out_i = sum_j S_ij r_j. */
void rw_wkv7(rw_bfv *out, rw_cbfv r, const uint32_t *w, rw_cbfv k, rw_cbfv v, rw_cbfv kk,
             rw_cbfv a, rw_bfv *S, uint32_t H, uint32_t N, rw_wkv_ws *ws);

/* 7's bonus: y_i = (sum over the head of r k r_k) v_i, per head. */
void rw_bonus7(rw_bfv *y, rw_cbfv r, rw_cbfv k, rw_cbfv r_k, rw_cbfv v, uint32_t H,
               uint32_t N, rw_wkv_ws *ws);

#endif
