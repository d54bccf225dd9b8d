/*
 * ref_ops.h - the float32 primitives of the reference model: norms, matrix
 * products over a block of tokens, activations and token-shift mixes. Each works
 * on T tokens stored row after row (T x n). These are the definitions the integer
 * operations of the golden model are measured against, written for clarity.
 */
#ifndef RWKVACC_REF_OPS_H
#define RWKVACC_REF_OPS_H

#include "model.h"

#define RW_LN_EPS 1e-5f         /* layer norm */
#define RW_GN_EPS 64e-5f        /* per-head group norm ln_x, 5.x to 7 (official) */
#define RW_L2_EPS 1e-12f        /* 7.0 kk normalisation */

/* y[t] = layernorm(x[t]) * w + b over n channels, for T tokens; y may be x. */
void ref_layernorm(float *y, const float *x, const float *w, const float *b, uint32_t n,
                   uint32_t T);
/* The same per group of gs channels (ngroups groups per token), eps as given. */
void ref_groupnorm(float *y, const float *x, const float *w, const float *b,
                   uint32_t ngroups, uint32_t gs, float eps, uint32_t T);
/* Y[t] = W X[t] for T tokens: X is T x W.cols, Y is T x W.rows. */
void ref_matmul(float *Y, const rw_mat *W, const float *X, uint32_t T);
float ref_dot(const float *a, const float *b, uint32_t n);

float ref_sigmoid(float x);
void ref_sigmoid_v(float *x, size_t n);
void ref_tanh_v(float *x, size_t n);
void ref_silu_v(float *x, size_t n);
void ref_relu_sq_v(float *x, size_t n);

/* The previous token's row for token t: the state's row for t = 0. */
const float *ref_prev(const float *state_row, const float *x, uint32_t t, uint32_t n);

/* 4, 5.x: y = x * mix + prev * (1 - mix) for T tokens. */
void ref_lerp_mix(float *y, const float *x, const float *state_row, const float *mix,
                  uint32_t n, uint32_t T);
/* 6, 7: d = prev - x for T tokens; then y = x + d * mix (ref_add_mul). */
void ref_shift_diff(float *d, const float *x, const float *state_row, uint32_t n,
                    uint32_t T);
/* y = x + d * (m1 + m2), m2 per token (T x n) or NULL. */
void ref_add_mul(float *y, const float *x, const float *d, const float *m1,
                 const float *m2, uint32_t n, uint32_t T);

#endif
