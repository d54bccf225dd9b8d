/*
 * wkv.h - the float WKV recurrences: the core of RWKV's time mixing, one per
 * state shape. Each processes T tokens in order, updating the state in place.
 * State layouts are those of docs/state.md.
 */
#ifndef RWKVACC_REF_WKV_H
#define RWKVACC_REF_WKV_H

#include <stddef.h>
#include <stdint.h>

/* 4: per channel, state aa, bb, pp (each n floats). decay = -exp(time_decay),
 * first = time_first. out[t] = the weighted average of past values. */
void ref_wkv4(float *out, const float *k, const float *v, const float *decay,
              const float *first, float *aa, float *bb, float *pp, uint32_t n,
              uint32_t T);

/* 5.x and 6: per head a state S[key][value] of N x N. w is the decay per channel:
 * one row for all tokens (w_stride 0, 5.x) or one row per token (w_stride = H*N,
 * 6). out[t][h][j] = sum_i r_i (u_i k_i v_j + S_ij); then S_ij = k_i v_j + w_i S_ij. */
void ref_wkv5(float *out, const float *r, const float *k, const float *v,
              const float *w, size_t w_stride, const float *u, float *S, uint32_t H,
              uint32_t N, uint32_t T);

/* 7: per head a state S[value][key] of N x N, with the generalised delta rule:
 * S = S diag(w) + (S (-kk)) (kk * a)^T + v k^T; out_i = sum_j S_ij r_j. */
void ref_wkv7(float *out, const float *r, const float *w, const float *k,
              const float *v, const float *kk, const float *a, float *S, uint32_t H,
              uint32_t N, uint32_t T);

#endif
