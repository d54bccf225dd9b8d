/*
 * channel_mix.c - RWKV's channel mixing (the "FFN") in float32: token shift,
 * squared-ReLU MLP, and for 4 to 6 a sigmoid receptance gate.
 */
#include "ref.h"
#include "ref_ops.h"

#include <string.h>

void ref_channel_mix(rw_ref *r, uint32_t layer, uint32_t T)
{
    const rwkvacc_model_info *I = &r->m->info;
    const rw_layer *L = &r->m->layers[layer];
    rw_ref_ws *ws = &r->ws;
    uint32_t C = I->n_embd;
    float *shift = rw_ref_ffn_shift(r, layer);
    float *kx = ws->mix[2], *rx = ws->mix[0], *rr = ws->proj[0];

    if (I->arch == RWKVACC_ARCH_V6_0 || I->arch == RWKVACC_ARCH_V7_0) {
        ref_shift_diff(ws->d, ws->xx, shift, C, T);
        ref_add_mul(kx, ws->xx, ws->d, L->ffn_mix_k, NULL, C, T);
        if (L->ffn_mix_r)
            ref_add_mul(rx, ws->xx, ws->d, L->ffn_mix_r, NULL, C, T);
    } else {
        ref_lerp_mix(kx, ws->xx, shift, L->ffn_mix_k, C, T);
        ref_lerp_mix(rx, ws->xx, shift, L->ffn_mix_r, C, T);
    }
    memcpy(shift, ws->xx + (size_t)(T - 1) * C, C * sizeof *shift);

    ref_matmul(ws->hid, &L->ffn_Wk, kx, T);
    ref_relu_sq_v(ws->hid, (size_t)T * I->n_ffn);
    ref_matmul(ws->out, &L->ffn_Wv, ws->hid, T);
    if (I->arch == RWKVACC_ARCH_V7_0)
        return;
    ref_matmul(rr, &L->ffn_Wr, rx, T);
    ref_sigmoid_v(rr, (size_t)T * C);
    for (size_t i = 0; i < (size_t)T * C; i++)
        ws->out[i] *= rr[i];
}
