/*
 * ref.h - the float32 reference model of RWKV 4, 5.1, 5.2, 6.0 and 7.0: the
 * specification the integer datapath is measured against. One rw_ref is one
 * stream: the model (shared, read-only), its recurrent state and scratch space.
 *
 * The state is one block of floats (docs/state.md), per layer:
 *   att_shift[C]  ln1 output of the previous token
 *   ffn_shift[C]  ln2 output of the previous token
 *   wkv           4: aa[C], bb[C], pp[C]; 5.x, 6: S[H][key N][value N];
 *                 7: S[H][value N][key N]
 * All zeros is the initial state for every version.
 */
#ifndef RWKVACC_REF_H
#define RWKVACC_REF_H

#include "model.h"

/* Scratch rows for a block of up to t_max tokens (each T x C unless noted). */
typedef struct rw_ref_ws {
    uint32_t t_max;
    float *x;      /* residual stream */
    float *xx;     /* normalised input of the current block */
    float *d;      /* token-shift difference prev - x (6, 7) */
    float *mix[6]; /* mixed inputs: r, w, k, v, a, g */
    float *proj[6]; /* their projections */
    float *kk, *v_first, *out;
    float *hid;    /* T x max(n_ffn, 5 * d_mix, low-rank sizes) */
} rw_ref_ws;

typedef struct rw_ref {
    const rwkvacc_model *m;
    float *state;
    size_t state_floats, layer_floats;
    rw_ref_ws ws;
} rw_ref;

/* t_max = tokens processed together in sequence mode (0: 64). NULL on no memory. */
rw_ref *rw_ref_new(const rwkvacc_model *m, uint32_t t_max);
void rw_ref_free(rw_ref *r);
void rw_ref_reset(rw_ref *r);

/* Feeds T tokens (any T; ids must be < n_vocab, checked by the caller). logits:
 * T x n_vocab if all, else n_vocab (after the last token); may be NULL. */
void rw_ref_forward(rw_ref *r, const uint32_t *tokens, size_t T, float *logits, int all);

float *rw_ref_att_shift(const rw_ref *r, uint32_t layer);
float *rw_ref_ffn_shift(const rw_ref *r, uint32_t layer);
float *rw_ref_wkv_state(const rw_ref *r, uint32_t layer);
size_t rw_ref_wkv_floats(const rwkvacc_model_info *I);

/* The blocks of one layer over ws->xx (T tokens); they write ws->out. */
void ref_time_mix(rw_ref *r, uint32_t layer, uint32_t T);
void ref_channel_mix(rw_ref *r, uint32_t layer, uint32_t T);

#endif
