/*
 * norm.h - the norm unit of the golden datapath: layer norm, the per-head group
 * norm of 5.x to 7, and 7.0's per-head L2 normalisation (docs/numerics.md).
 */
#ifndef RWKVACC_NORM_H
#define RWKVACC_NORM_H

#include "bfv.h"

/* Scratch for the norms: vectors of up to n elements. */
typedef struct rw_norm_ws {
    int64_t *tmp;   /* 2 n: n staged results, then a group's scratch */
    int32_t *etmp;  /* n */
    int32_t *d;     /* n: one group's centred values */
    int16_t *q;     /* n */
} rw_norm_ws;

/* y = (x - mean) / sqrt(var + eps) * w + b per group of gs = x.n / ngroups
 * elements; inv_gs = 1 / gs and eps are scalars. y may be x. */
void rw_groupnorm(rw_bfv *y, rw_cbfv x, rw_cbfv w, rw_cbfv b, uint32_t ngroups,
                  rw_cbfv inv_gs, rw_cbfv eps, rw_norm_ws *ws);
/* y = x / max(|x|, sqrt(eps_sq)) per group; y may be x. */
void rw_l2norm(rw_bfv *y, rw_cbfv x, uint32_t ngroups, rw_cbfv eps_sq, rw_norm_ws *ws);

#endif
