/*
 * channel_mix.c - the golden channel mixing ("FFN"): token shift, squared-ReLU
 * MLP and, for 4 to 6, the sigmoid receptance gate. Mirrors cmodel/ref.
 */
#include "golden.h"
#include "sfu.h"

#include <string.h>

/* Saves xx as the layer's token-shift row. */
static void keep_shift(rw_bfv *shift, const rw_bfv *xx)
{
    memcpy(shift->m, xx->m, xx->n * sizeof *xx->m);
    shift->e = xx->e;
}

void rw_golden_channel_mix(rw_golden *g, uint32_t layer)
{
    const rw_qmodel *q = g->q;
    const rw_qlayer *L = &q->layers[layer];
    rw_gws *w = &g->ws;
    rw_bfv *shift = &g->layers[layer].ffn_shift, *kx = &w->mix[2], *rx = &w->mix[0];
    rwkvacc_arch a = q->info.arch;
    if (a == RWKVACC_ARCH_V6_0 || a == RWKVACC_ARCH_V7_0) {
        /* x + (prev - x) * mix */
        rw_lerp(kx, rw_cview(&w->xx), rw_cview(shift), L->ffn_mix_k, w->tmp);
        if (a == RWKVACC_ARCH_V6_0)
            rw_lerp(rx, rw_cview(&w->xx), rw_cview(shift), L->ffn_mix_r, w->tmp);
    } else { /* prev + (x - prev) * mix */
        rw_lerp(kx, rw_cview(shift), rw_cview(&w->xx), L->ffn_mix_k, w->tmp);
        rw_lerp(rx, rw_cview(shift), rw_cview(&w->xx), L->ffn_mix_r, w->tmp);
    }
    keep_shift(shift, &w->xx);
    rw_golden_mv(g, &w->hid, &L->ffn_Wk, rw_cview(kx));
    rw_relu_sq(&w->hid, rw_cview(&w->hid), w->tmp);
    rw_golden_mv(g, &w->out, &L->ffn_Wv, rw_cview(&w->hid));
    if (a == RWKVACC_ARCH_V7_0)
        return;
    rw_golden_mv(g, &w->proj[0], &L->ffn_Wr, rw_cview(rx));
    g->events[RW_EV_SIGMOID_CLAMP] += rw_sigmoid(&w->proj[0], rw_cview(&w->proj[0]), w->tmp);
    rw_mul(&w->out, rw_cview(&w->out), rw_cview(&w->proj[0]), w->tmp);
}
