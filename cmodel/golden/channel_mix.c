/*
 * channel_mix.c - the golden channel mixing ("FFN"): token shift, squared-ReLU
 * MLP and, for 4 to 6, the sigmoid receptance gate. Mirrors cmodel/ref.
 */
#include "golden.h"
#include "golden_ops.h"


void rw_golden_channel_mix(rw_golden *g, uint32_t layer)
{
    const rw_qlayer *L = &g->q->layers[layer];
    rw_gws *w = &g->ws;
    rw_bfv *shift = &g->layers[layer].ffn_shift, *kx = &w->mix[2], *rx = &w->mix[0];
    rw_cbfv prev = rw_cview(shift), xx = rw_cview(&w->xx);
    rwkvacc_arch a = g->q->info.arch;
    if (a == RWKVACC_ARCH_V6_0 || a == RWKVACC_ARCH_V7_0) { /* x + (prev - x) * mix */
        g_lerp(g, "ffn.k_mix", kx, xx, prev, L->ffn_mix_k);
        if (a == RWKVACC_ARCH_V6_0)
            g_lerp(g, "ffn.r_mix", rx, xx, prev, L->ffn_mix_r);
    } else { /* prev + (x - prev) * mix */
        g_lerp(g, "ffn.k_mix", kx, prev, xx, L->ffn_mix_k);
        g_lerp(g, "ffn.r_mix", rx, prev, xx, L->ffn_mix_r);
    }
    g_copy(g, "ffn.shift", shift, xx);
    g_mv(g, "ffn_Wk", &w->hid, &L->ffn_Wk, rw_cview(kx));
    g_relu_sq(g, "ffn.relu_sq", &w->hid, rw_cview(&w->hid));
    g_mv(g, "ffn_Wv", &w->out, &L->ffn_Wv, rw_cview(&w->hid));
    if (a == RWKVACC_ARCH_V7_0)
        return;
    g_mv(g, "ffn_Wr", &w->proj[0], &L->ffn_Wr, rw_cview(rx));
    g_sigmoid(g, "ffn.r", &w->proj[0], rw_cview(&w->proj[0]));
    g_mul(g, "ffn.gate", &w->out, rw_cview(&w->out), rw_cview(&w->proj[0]));
}
