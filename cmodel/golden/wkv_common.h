/*
 * wkv_common.h - steps the matrix-state WKV units (wkv5.c, wkv7.c) share.
 */
#ifndef RWKVACC_WKV_COMMON_H
#define RWKVACC_WKV_COMMON_H

#include "wkv.h"

/* y_i = sum_j M[i][j] x_j (M: rows x cols at exponent em, x: int16), normalized.
 * With transpose, y_j = sum_i M[i][j] x_i. */
void rw_state_matvec(rw_bfv *y, const rw_bfv *M, const int16_t *x, int32_t ex,
                     uint32_t rows, uint32_t cols, int transpose, int64_t *tmp);
/* D[i][j] = M[i][j] * w (Q0.32), rounded, at M's exponent; w per row (by_row)
 * or per column. */
void rw_state_decay(rw_bfv *D, const rw_bfv *M, const uint32_t *w, uint32_t N, int by_row);
/* P = a b^T (N x N), normalized. */
void rw_outer(rw_bfv *P, rw_cbfv a, rw_cbfv b, int64_t *tmp);
/* Copies head h's result t into the merge buffers of ws at offset off. */
void rw_stage(rw_wkv_ws *ws, const rw_bfv *t, uint32_t off);

#endif
