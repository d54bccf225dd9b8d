/*
 * time_mix.c - the golden time mixing ("attention" block), one function per
 * architecture family, mirroring cmodel/ref/time_mix.c step for step: token-shift
 * mixes, projections, the WKV unit, group norm, gate, output projection. Every
 * step is a named unit operation (golden_ops.h), so it can be traced.
 * Scratch: ws.mix[] mixed inputs, ws.proj[] projections, in the order r, w, k, v,
 * a, g; the result goes to ws.out.
 */
#include "golden.h"
#include "golden_ops.h"

enum { R, W, K, V, A, G };

static rw_cbfv cv(const rw_bfv *v)
{
    return rw_cview(v);
}

static void keep_shift(rw_golden *g, uint32_t layer)
{
    g_copy(g, "att.shift", &g->layers[layer].att_shift, cv(&g->ws.xx));
}

/* y = x * sigmoid(x), in place. */
static void silu(rw_golden *g, const char *name, rw_bfv *y)
{
    g_sigmoid(g, name, &g->ws.t, cv(y));
    g_mul(g, name, y, cv(y), cv(&g->ws.t));
}

/* 4, 5.x: prev + (x - prev) * mix. */
static void lerp_prev(rw_golden *g, const char *name, rw_bfv *y, uint32_t layer, rw_cbfv mix)
{
    g_lerp(g, name, y, cv(&g->layers[layer].att_shift), cv(&g->ws.xx), mix);
}

static void time_mix_v4(rw_golden *g, const rw_qlayer *L, uint32_t layer)
{
    rw_gws *w = &g->ws;
    lerp_prev(g, "att.k_mix", &w->mix[K], layer, L->mix_k);
    lerp_prev(g, "att.v_mix", &w->mix[V], layer, L->mix_v);
    lerp_prev(g, "att.r_mix", &w->mix[R], layer, L->mix_r);
    keep_shift(g, layer);
    g_mv(g, "Wk", &w->proj[K], &L->Wk, cv(&w->mix[K]));
    g_mv(g, "Wv", &w->proj[V], &L->Wv, cv(&w->mix[V]));
    g_mv(g, "Wr", &w->proj[R], &L->Wr, cv(&w->mix[R]));
    g_sigmoid(g, "att.r", &w->proj[R], cv(&w->proj[R]));
    g_wkv4(g, &w->y, cv(&w->proj[K]), cv(&w->proj[V]), L->decay_q16, L->first_q16,
           &g->layers[layer].wkv4);
    g_mul(g, "att.gate", &w->y, cv(&w->y), cv(&w->proj[R]));
    g_mv(g, "Wo", &w->out, &L->Wo, cv(&w->y));
}

/* 5.x to 7: per-head group norm of the WKV output, the gate, the output. */
static void norm_gate_out(rw_golden *g, const rw_qlayer *L, const rw_bfv *gate)
{
    const rw_qmodel *q = g->q;
    rw_gws *w = &g->ws;
    g_norm(g, "att.ln_x", &w->y, cv(&w->y), L->lnx_w, L->lnx_b, q->info.n_head, q->inv_head,
           q->gn_eps);
    if (gate)
        g_mul(g, "att.gate", &w->y, cv(&w->y), cv(gate));
    g_mv(g, "Wo", &w->out, &L->Wo, cv(&w->y));
}

static void time_mix_v5(rw_golden *g, const rw_qlayer *L, uint32_t layer)
{
    rw_gws *w = &g->ws;
    int gated = L->Wg.rows != 0;
    lerp_prev(g, "att.k_mix", &w->mix[K], layer, L->mix_k);
    lerp_prev(g, "att.v_mix", &w->mix[V], layer, L->mix_v);
    lerp_prev(g, "att.r_mix", &w->mix[R], layer, L->mix_r);
    if (gated)
        lerp_prev(g, "att.g_mix", &w->mix[G], layer, L->mix_g);
    keep_shift(g, layer);
    g_mv(g, "Wr", &w->proj[R], &L->Wr, cv(&w->mix[R]));
    g_mv(g, "Wk", &w->proj[K], &L->Wk, cv(&w->mix[K]));
    g_mv(g, "Wv", &w->proj[V], &L->Wv, cv(&w->mix[V]));
    if (gated) {
        g_mv(g, "Wg", &w->proj[G], &L->Wg, cv(&w->mix[G]));
        silu(g, "att.g_silu", &w->proj[G]);
    }
    g_wkv5(g, &w->y, cv(&w->proj[R]), cv(&w->proj[K]), cv(&w->proj[V]), L->decay_w, L->first,
           g->layers[layer].S);
    norm_gate_out(g, L, gated ? &w->proj[G] : NULL);
}

/* 6: x + (prev - x) * (maa + lora_i(x + (prev - x) * maa_x)) for w, k, v, r, g. */
static void mix_v6(rw_golden *g, const rw_qlayer *L, uint32_t layer)
{
    rw_gws *w = &g->ws;
    static const int slot[5] = {W, K, V, R, G}; /* time_maa_w2's order */
    static const char *const w2[5] = {"maa_w2.w", "maa_w2.k", "maa_w2.v", "maa_w2.r",
                                      "maa_w2.g"};
    static const char *const mixn[5] = {"att.w_mix", "att.k_mix", "att.v_mix", "att.r_mix",
                                        "att.g_mix"};
    const rw_cbfv maa[5] = {L->maa_w, L->maa_k, L->maa_v, L->maa_r, L->maa_g};
    rw_cbfv prev = cv(&g->layers[layer].att_shift), xx = cv(&w->xx);
    uint32_t D = g->q->info.d_mix;
    g_lerp(g, "att.x_mix", &w->mix[A], xx, prev, L->maa_x);
    g_mv(g, "maa_w1", &w->hid, &L->maa_w1, cv(&w->mix[A]));
    g_tanh(g, "att.maa_tanh", &w->hid, cv(&w->hid));
    for (int i = 0; i < 5; i++) {
        rw_cbfv h = {w->hid.m + (size_t)i * D, w->hid.e, D};
        rw_bfv *m = &w->proj[slot[i]];
        g_mv(g, w2[i], m, &L->maa_w2[i], h);
        g_add(g, mixn[i], m, maa[i], cv(m));
        g_lerp(g, mixn[i], &w->mix[slot[i]], xx, prev, cv(m));
    }
}

static void time_mix_v6(rw_golden *g, const rw_qlayer *L, uint32_t layer)
{
    rw_gws *w = &g->ws;
    mix_v6(g, L, layer);
    keep_shift(g, layer);
    /* decay per token: exp(-exp(time_decay + lora(wx))) */
    g_mv(g, "decay_w1", &w->hid, &L->decay_w1, cv(&w->mix[W]));
    g_tanh(g, "att.decay_tanh", &w->hid, cv(&w->hid));
    g_mv(g, "decay_w2", &w->t, &L->decay_w2, cv(&w->hid));
    g_add(g, "att.decay", &w->t, L->decay_t, cv(&w->t));
    g_decay6(g, "att.decay", w->wq, cv(&w->t));
    g_mv(g, "Wr", &w->proj[R], &L->Wr, cv(&w->mix[R]));
    g_mv(g, "Wk", &w->proj[K], &L->Wk, cv(&w->mix[K]));
    g_mv(g, "Wv", &w->proj[V], &L->Wv, cv(&w->mix[V]));
    g_mv(g, "Wg", &w->proj[G], &L->Wg, cv(&w->mix[G]));
    silu(g, "att.g_silu", &w->proj[G]);
    g_wkv5(g, &w->y, cv(&w->proj[R]), cv(&w->proj[K]), cv(&w->proj[V]), w->wq, L->first,
           g->layers[layer].S);
    norm_gate_out(g, L, &w->proj[G]);
}

/* 7: k = k * (1 + (a - 1) * k_a), as k + ((a - 1) * k_a) * k. */
static void k_adjust(rw_golden *g, const rw_qlayer *L)
{
    rw_gws *w = &g->ws;
    g_sub(g, "att.k_adjust", &w->t, cv(&w->proj[A]), g->q->one);
    g_mul(g, "att.k_adjust", &w->t, cv(&w->t), L->k_a);
    g_mul(g, "att.k_adjust", &w->t, cv(&w->t), cv(&w->proj[K]));
    g_add(g, "att.k_adjust", &w->proj[K], cv(&w->proj[K]), cv(&w->t));
}

/* 7: v mixed towards layer 0's value (v_first); layer 0 keeps its v as v_first. */
static void v_residual(rw_golden *g, const rw_qlayer *L, uint32_t layer)
{
    rw_gws *w = &g->ws;
    rw_bfv *v = &w->proj[V];
    if (layer == 0) {
        g_copy(g, "att.v_first", &w->v_first, cv(v));
        return;
    }
    g_mv(g, "v1", &w->hid, &L->v1, cv(&w->mix[V]));
    g_mv(g, "v2", &w->t, &L->v2, cv(&w->hid));
    g_add(g, "att.v_gate", &w->t, L->v0, cv(&w->t));
    g_sigmoid(g, "att.v_gate", &w->t, cv(&w->t));
    g_lerp(g, "att.v_residual", &w->mix[R], cv(v), cv(&w->v_first), cv(&w->t)); /* mix[R] is free */
    g_copy(g, "att.v_residual", v, cv(&w->mix[R]));
}

/* 7: r, w (as Q0.32 decays), k, v, a, g and kk from the six mixed inputs. */
static void project_v7(rw_golden *g, const rw_qlayer *L, uint32_t layer)
{
    const rw_qmodel *q = g->q;
    rw_gws *w = &g->ws;
    rw_bfv *p = w->proj;
    g_mv(g, "Wr", &p[R], &L->Wr, cv(&w->mix[R]));
    g_mv(g, "w1", &w->hid, &L->w1, cv(&w->mix[W]));
    g_tanh(g, "att.w_tanh", &w->hid, cv(&w->hid));
    g_mv(g, "w2", &p[W], &L->w2, cv(&w->hid));
    g_add(g, "att.decay", &p[W], L->w0, cv(&p[W]));
    g_decay7(g, "att.decay", w->wq, cv(&p[W]));
    g_mv(g, "Wk", &p[K], &L->Wk, cv(&w->mix[K]));
    g_mv(g, "Wv", &p[V], &L->Wv, cv(&w->mix[V]));
    g_mv(g, "a1", &w->hid, &L->a1, cv(&w->mix[A]));
    g_mv(g, "a2", &p[A], &L->a2, cv(&w->hid));
    g_add(g, "att.a", &p[A], L->a0, cv(&p[A]));
    g_sigmoid(g, "att.a", &p[A], cv(&p[A]));
    g_mv(g, "g1", &w->hid, &L->g1, cv(&w->mix[G]));
    g_sigmoid(g, "att.g_sigmoid", &w->hid, cv(&w->hid));
    g_mv(g, "g2", &p[G], &L->g2, cv(&w->hid));
    g_mul(g, "att.kk", &w->kk, cv(&p[K]), L->k_k);
    g_l2norm(g, "att.kk", &w->kk, cv(&w->kk), q->info.n_head, q->l2_eps_sq);
    k_adjust(g, L);
    v_residual(g, L, layer);
}

static void time_mix_v7(rw_golden *g, const rw_qlayer *L, uint32_t layer)
{
    const rw_qmodel *q = g->q;
    rw_gws *w = &g->ws;
    static const char *const names[6] = {"att.r_mix", "att.w_mix", "att.k_mix",
                                          "att.v_mix", "att.a_mix", "att.g_mix"};
    const rw_cbfv xm[6] = {L->x_r, L->x_w, L->x_k, L->x_v, L->x_a, L->x_g};
    for (int i = 0; i < 6; i++)
        g_lerp(g, names[i], &w->mix[i], cv(&w->xx), cv(&g->layers[layer].att_shift), xm[i]);
    keep_shift(g, layer);
    project_v7(g, L, layer);
    g_wkv7(g, &w->y, cv(&w->proj[R]), w->wq, cv(&w->proj[K]), cv(&w->proj[V]), cv(&w->kk),
           cv(&w->proj[A]), g->layers[layer].S);
    g_norm(g, "att.ln_x", &w->y, cv(&w->y), L->lnx_w, L->lnx_b, q->info.n_head, q->inv_head,
           q->gn_eps);
    g_bonus7(g, &w->t, cv(&w->proj[R]), cv(&w->proj[K]), L->r_k, cv(&w->proj[V]));
    g_add(g, "att.bonus", &w->y, cv(&w->y), cv(&w->t));
    g_mul(g, "att.gate", &w->y, cv(&w->y), cv(&w->proj[G]));
    g_mv(g, "Wo", &w->out, &L->Wo, cv(&w->y));
}

void rw_golden_time_mix(rw_golden *g, uint32_t layer)
{
    const rw_qlayer *L = &g->q->layers[layer];
    switch (g->q->info.arch) {
    case RWKVACC_ARCH_V4:
        time_mix_v4(g, L, layer);
        break;
    case RWKVACC_ARCH_V5_1:
    case RWKVACC_ARCH_V5_2:
        time_mix_v5(g, L, layer);
        break;
    case RWKVACC_ARCH_V6_0:
        time_mix_v6(g, L, layer);
        break;
    case RWKVACC_ARCH_V7_0:
        time_mix_v7(g, L, layer);
        break;
    }
}
