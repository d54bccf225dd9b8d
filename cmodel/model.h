/*
 * model.h - the float model as the reference and the quantizer see it: every
 * tensor converted to float32 and put in one canonical orientation, whatever file
 * it came from. Matrices are row-major "out x in" (y = W x) everywhere, including
 * the low-rank matrices the PyTorch checkpoints store as "in x out".
 *
 * Not a file format: docs/formats.md describes the files; model_bind.c maps
 * their tensors onto this struct.
 */
#ifndef RWKVACC_MODEL_H
#define RWKVACC_MODEL_H

#include "rwkvacc.h"

typedef struct rw_mat {
    float *w;         /* rows x cols, row-major */
    uint32_t rows, cols;
} rw_mat;

/* Fields a version does not use stay NULL / zero. Vectors have n_embd entries. */
typedef struct rw_layer {
    float *ln1_w, *ln1_b, *ln2_w, *ln2_b;

    /* time mixing, 4 to 6 */
    float *mix_k, *mix_v, *mix_r, *mix_g; /* 4, 5.x: lerp weights of the new token */
    float *decay; /* 4: -exp(t); 5.x: exp(-exp(t)) per channel; 6: t */
    float *first; /* 4: t (time_first); 5.x, 6: the bonus u per channel */
    /* 6: data-dependent token shift and decay */
    float *maa_x, *maa_w, *maa_k, *maa_v, *maa_r, *maa_g;
    rw_mat maa_w1;    /* (5*d_mix) x C */
    rw_mat maa_w2[5]; /* C x d_mix each, in the order w, k, v, r, g */
    rw_mat decay_w1;  /* d_decay x C */
    rw_mat decay_w2;  /* C x d_decay */

    /* 7 */
    float *x_r, *x_w, *x_k, *x_v, *x_a, *x_g;
    float *w0, *a0, *v0, *k_k, *k_a, *r_k; /* v0 NULL in layer 0 */
    rw_mat w1, w2, a1, a2, v1, v2, g1, g2;  /* w1: d_w x C, w2: C x d_w, ... */

    rw_mat Wr, Wk, Wv, Wg, Wo; /* Wg: 5.2, 6 */
    float *lnx_w, *lnx_b;      /* per-head group norm, 5.x to 7 */

    /* channel mixing */
    float *ffn_mix_k, *ffn_mix_r; /* 4, 5.x: time_mix; 6: time_maa; 7: x_k only */
    rw_mat ffn_Wk, ffn_Wv, ffn_Wr; /* Wk: n_ffn x C, Wv: C x n_ffn, Wr: C x C (not 7) */
} rw_layer;

struct rwkvacc_model {
    rwkvacc_model_info info;
    float *emb;        /* n_vocab x C */
    float *ln0_w, *ln0_b;
    float *ln_out_w, *ln_out_b;
    rw_mat head;       /* n_vocab x C */
    rw_layer *layers;  /* n_layer */
    struct rw_qmodel *q; /* set when loaded from a quantized file; float tensors then absent */
    void **allocs;     /* every buffer the model owns */
    size_t n_allocs, cap_allocs;
};

#endif
