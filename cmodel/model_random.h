/*
 * model_random.h - random-weight RWKV models of any shape, written as rwkv.cpp
 * .bin bytes, so that every shape real models use (head size 64, vocabulary
 * 65536, n_embd 768 and more) can be tested without downloading a checkpoint.
 * The values follow the ranges trained models show (decays, mixes, norms), so the
 * numerics see realistic inputs; the text they produce is noise.
 */
#ifndef RWKVACC_MODEL_RANDOM_H
#define RWKVACC_MODEL_RANDOM_H

#include "rwkvacc.h"

typedef struct rw_random_spec {
    rwkvacc_arch arch;
    uint32_t n_vocab, n_embd, n_layer;
    uint32_t head_size;  /* 5.x to 7; 0 = 64 */
    uint32_t n_ffn;      /* 0 = 3.5 C for 6.0, 4 C otherwise */
    uint32_t d_mix, d_decay;             /* 6.0; 0 = 32, 64 */
    uint32_t d_w, d_a, d_v, d_g;         /* 7.0; 0 = 64, 64, 32, 128 */
    uint64_t seed;
    int fp16;            /* matrices as FP16, as rwkv.cpp's FP16 files */
} rw_random_spec;

/* A malloc'd rwkv.cpp file in *buf, *len bytes. */
rwkvacc_status rw_random_model(const rw_random_spec *spec, uint8_t **buf, size_t *len,
                               rwkvacc_error *err);

#endif
