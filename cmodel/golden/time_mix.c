/*
 * time_mix.c - the golden time mixing ("attention" block), one function per
 * architecture family, mirroring cmodel/ref/time_mix.c step for step: token-shift
 * mixes, projections, the WKV unit, group norm, gate, output projection.
 * Scratch: ws.mix[] mixed inputs, ws.proj[] projections, in the order r, w, k, v,
 * a, g; the result goes to ws.out.
 */
#include "golden.h"
#include "sfu.h"

#include <string.h>

enum { R, W, K, V, A, G };

static rw_cbfv cv(const rw_bfv *v)
{
    return rw_cview(v);
}

static void keep_shift(rw_golden *g, uint32_t layer)
{
    rw_bfv *s = &g->layers[layer].att_shift;
    memcpy(s->m, g->ws.xx.m, s->n * sizeof *s->m);
    s->e = g->ws.xx.e;
}

static void sigmoid(rw_golden *g, rw_bfv *y, rw_cbfv x)
{
    g->events[RW_EV_SIGMOID_CLAMP] += rw_sigmoid(y, x, g->ws.tmp);
}

static void tanh_(rw_golden *g, rw_bfv *y, rw_cbfv x)
{
    g->events[RW_EV_TANH_CLAMP] += rw_tanh(y, x, g->ws.tmp);
}

/* y = x * sigmoid(x), in place. */
static void silu(rw_golden *g, rw_bfv *y)
{
    sigmoid(g, &g->ws.t, cv(y));
    rw_mul(y, cv(y), cv(&g->ws.t), g->ws.tmp);
}

/* 4, 5.x: prev + (x - prev) * mix. */
static void lerp_prev(rw_golden *g, rw_bfv *y, uint32_t layer, rw_cbfv mix)
{
    rw_lerp(y, cv(&g->layers[layer].att_shift), cv(&g->ws.xx), mix, g->ws.tmp);
}

static void time_mix_v4(rw_golden *g, const rw_qlayer *L, uint32_t layer)
{
    rw_gws *w = &g->ws;
    lerp_prev(g, &w->mix[K], layer, L->mix_k);
    lerp_prev(g, &w->mix[V], layer, L->mix_v);
    lerp_prev(g, &w->mix[R], layer, L->mix_r);
    keep_shift(g, layer);
    rw_golden_mv(g, &w->proj[K], &L->Wk, cv(&w->mix[K]));
    rw_golden_mv(g, &w->proj[V], &L->Wv, cv(&w->mix[V]));
    rw_golden_mv(g, &w->proj[R], &L->Wr, cv(&w->mix[R]));
    sigmoid(g, &w->proj[R], cv(&w->proj[R]));
    g->events[RW_EV_WKV4_K_CLAMP] += rw_wkv4(&w->y, cv(&w->proj[K]), cv(&w->proj[V]),
                                             L->decay_q16, L->first_q16,
                                             &g->layers[layer].wkv4, &w->wkv);
    rw_mul(&w->y, cv(&w->y), cv(&w->proj[R]), w->tmp);
    rw_golden_mv(g, &w->out, &L->Wo, cv(&w->y));
}

/* 5.x to 7: per-head group norm of the WKV output, the gate, the output. */
static void norm_gate_out(rw_golden *g, const rw_qlayer *L, const rw_bfv *gate)
{
    const rw_qmodel *q = g->q;
    rw_gws *w = &g->ws;
    rw_groupnorm(&w->y, cv(&w->y), L->lnx_w, L->lnx_b, q->info.n_head, q->inv_head,
                 q->gn_eps, &w->norm);
    if (gate)
        rw_mul(&w->y, cv(&w->y), cv(gate), w->tmp);
    rw_golden_mv(g, &w->out, &L->Wo, cv(&w->y));
}

static void time_mix_v5(rw_golden *g, const rw_qlayer *L, uint32_t layer)
{
    const rwkvacc_model_info *I = &g->q->info;
    rw_gws *w = &g->ws;
    int gated = L->Wg.rows != 0;
    lerp_prev(g, &w->mix[K], layer, L->mix_k);
    lerp_prev(g, &w->mix[V], layer, L->mix_v);
    lerp_prev(g, &w->mix[R], layer, L->mix_r);
    if (gated)
        lerp_prev(g, &w->mix[G], layer, L->mix_g);
    keep_shift(g, layer);
    rw_golden_mv(g, &w->proj[R], &L->Wr, cv(&w->mix[R]));
    rw_golden_mv(g, &w->proj[K], &L->Wk, cv(&w->mix[K]));
    rw_golden_mv(g, &w->proj[V], &L->Wv, cv(&w->mix[V]));
    if (gated) {
        rw_golden_mv(g, &w->proj[G], &L->Wg, cv(&w->mix[G]));
        silu(g, &w->proj[G]);
    }
    rw_wkv5(&w->y, cv(&w->proj[R]), cv(&w->proj[K]), cv(&w->proj[V]), L->decay_w, L->first,
            g->layers[layer].S, I->n_head, I->head_size, &w->wkv);
    norm_gate_out(g, L, gated ? &w->proj[G] : NULL);
}

/* 6: x + (prev - x) * (maa + lora_i(x + (prev - x) * maa_x)) for w, k, v, r, g. */
static void mix_v6(rw_golden *g, const rw_qlayer *L, uint32_t layer)
{
    rw_gws *w = &g->ws;
    static const int slot[5] = {W, K, V, R, G}; /* time_maa_w2's order */
    const rw_cbfv maa[5] = {L->maa_w, L->maa_k, L->maa_v, L->maa_r, L->maa_g};
    rw_cbfv prev = cv(&g->layers[layer].att_shift), xx = cv(&w->xx);
    uint32_t D = g->q->info.d_mix;
    rw_lerp(&w->mix[A], xx, prev, L->maa_x, w->tmp);
    rw_golden_mv(g, &w->hid, &L->maa_w1, cv(&w->mix[A]));
    tanh_(g, &w->hid, cv(&w->hid));
    for (int i = 0; i < 5; i++) {
        rw_cbfv h = {w->hid.m + (size_t)i * D, w->hid.e, D};
        rw_bfv *m = &w->proj[slot[i]];
        rw_golden_mv(g, m, &L->maa_w2[i], h);
        rw_add(m, maa[i], cv(m), w->tmp);
        rw_lerp(&w->mix[slot[i]], xx, prev, cv(m), w->tmp);
    }
}

static void time_mix_v6(rw_golden *g, const rw_qlayer *L, uint32_t layer)
{
    const rwkvacc_model_info *I = &g->q->info;
    rw_gws *w = &g->ws;
    mix_v6(g, L, layer);
    keep_shift(g, layer);
    /* decay per token: exp(-exp(time_decay + lora(wx))) */
    rw_golden_mv(g, &w->hid, &L->decay_w1, cv(&w->mix[W]));
    tanh_(g, &w->hid, cv(&w->hid));
    rw_golden_mv(g, &w->t, &L->decay_w2, cv(&w->hid));
    rw_add(&w->t, L->decay_t, cv(&w->t), w->tmp);
    g->events[RW_EV_DECAY6_CLAMP] += rw_decay6(w->wq, cv(&w->t));
    rw_golden_mv(g, &w->proj[R], &L->Wr, cv(&w->mix[R]));
    rw_golden_mv(g, &w->proj[K], &L->Wk, cv(&w->mix[K]));
    rw_golden_mv(g, &w->proj[V], &L->Wv, cv(&w->mix[V]));
    rw_golden_mv(g, &w->proj[G], &L->Wg, cv(&w->mix[G]));
    silu(g, &w->proj[G]);
    rw_wkv5(&w->y, cv(&w->proj[R]), cv(&w->proj[K]), cv(&w->proj[V]), w->wq, L->first,
            g->layers[layer].S, I->n_head, I->head_size, &w->wkv);
    norm_gate_out(g, L, &w->proj[G]);
}

/* y = B act(A x): the low-rank paths of 7. act NULL: none. */
typedef uint32_t (*rw_act_fn)(rw_bfv *, rw_cbfv, int64_t *);
static uint32_t lowrank(rw_golden *g, rw_bfv *y, const rw_qmat *Am, const rw_qmat *Bm,
                        rw_act_fn act, rw_cbfv x)
{
    uint32_t n = 0;
    rw_golden_mv(g, &g->ws.hid, Am, x);
    if (act)
        n = act(&g->ws.hid, cv(&g->ws.hid), g->ws.tmp);
    rw_golden_mv(g, y, Bm, cv(&g->ws.hid));
    return n;
}

/* 7: k = k * (1 + (a - 1) * k_a). */
static void k_adjust(rw_golden *g, const rw_qlayer *L)
{
    rw_gws *w = &g->ws;
    static const int32_t one_m = INT32_C(1) << 29;
    const rw_cbfv one = {&one_m, -29, 1};
    rw_sub(&w->t, cv(&w->proj[A]), one, w->tmp);
    rw_mul(&w->t, cv(&w->t), L->k_a, w->tmp);
    rw_mul(&w->t, cv(&w->t), cv(&w->proj[K]), w->tmp);
    rw_add(&w->proj[K], cv(&w->proj[K]), cv(&w->t), w->tmp);
}

/* 7: r, w (as Q0.32 decays), k, v, a, g and kk from the six mixed inputs. */
static void project_v7(rw_golden *g, const rw_qlayer *L, uint32_t layer)
{
    const rw_qmodel *q = g->q;
    rw_gws *w = &g->ws;
    rw_bfv *p = w->proj;
    rw_golden_mv(g, &p[R], &L->Wr, cv(&w->mix[R]));
    g->events[RW_EV_TANH_CLAMP] += lowrank(g, &p[W], &L->w1, &L->w2, rw_tanh, cv(&w->mix[W]));
    rw_add(&p[W], L->w0, cv(&p[W]), w->tmp);
    g->events[RW_EV_DECAY7_CLAMP] += rw_decay7(w->wq, cv(&p[W]));
    rw_golden_mv(g, &p[K], &L->Wk, cv(&w->mix[K]));
    rw_golden_mv(g, &p[V], &L->Wv, cv(&w->mix[V]));
    lowrank(g, &p[A], &L->a1, &L->a2, NULL, cv(&w->mix[A]));
    rw_add(&p[A], L->a0, cv(&p[A]), w->tmp);
    sigmoid(g, &p[A], cv(&p[A]));
    g->events[RW_EV_SIGMOID_CLAMP] += lowrank(g, &p[G], &L->g1, &L->g2, rw_sigmoid,
                                              cv(&w->mix[G]));
    rw_mul(&w->kk, cv(&p[K]), L->k_k, w->tmp);
    rw_l2norm(&w->kk, cv(&w->kk), q->info.n_head, q->l2_eps_sq, &w->norm);
    k_adjust(g, L);
    if (layer == 0) {
        memcpy(w->v_first.m, p[V].m, p[V].n * sizeof *p[V].m);
        w->v_first.e = p[V].e;
        return;
    }
    lowrank(g, &w->t, &L->v1, &L->v2, NULL, cv(&w->mix[V]));
    rw_add(&w->t, L->v0, cv(&w->t), w->tmp);
    sigmoid(g, &w->t, cv(&w->t));
    rw_lerp(&w->mix[R], cv(&p[V]), cv(&w->v_first), cv(&w->t), w->tmp); /* mix[R] is free */
    memcpy(p[V].m, w->mix[R].m, p[V].n * sizeof *p[V].m);
    p[V].e = w->mix[R].e;
}

/* 7's bonus: y += per head (sum of r k r_k) times v. */
static void bonus_v7(rw_golden *g, const rw_qlayer *L)
{
    const rwkvacc_model_info *I = &g->q->info;
    rw_gws *w = &g->ws;
    uint32_t N = I->head_size;
    int32_t sm;
    rw_bfv s = {&sm, 0, 1};
    rw_mul(&w->t, cv(&w->proj[R]), cv(&w->proj[K]), w->tmp);
    rw_mul(&w->t, cv(&w->t), L->r_k, w->tmp);
    for (uint32_t h = 0; h < I->n_head; h++) {
        rw_cbfv th = {w->t.m + h * N, w->t.e, N}, vh = {w->proj[V].m + h * N, w->proj[V].e, N};
        rw_bfv o = {w->mix[A].m, 0, N}; /* mix[A] is free */
        rw_sum(&s, th);
        rw_mul_scalar(&o, vh, cv(&s), w->tmp);
        for (uint32_t j = 0; j < N; j++) {
            w->tmp[I->n_embd + h * N + j] = o.m[j];
            w->etmp[h * N + j] = o.e;
        }
    }
    rw_normalize_each(&w->t, w->tmp + I->n_embd, w->etmp, I->n_embd);
    rw_add(&w->y, cv(&w->y), cv(&w->t), w->tmp);
}

static void time_mix_v7(rw_golden *g, const rw_qlayer *L, uint32_t layer)
{
    const rwkvacc_model_info *I = &g->q->info;
    rw_gws *w = &g->ws;
    const rw_cbfv xm[6] = {L->x_r, L->x_w, L->x_k, L->x_v, L->x_a, L->x_g};
    for (int i = 0; i < 6; i++)
        rw_lerp(&w->mix[i], cv(&w->xx), cv(&g->layers[layer].att_shift), xm[i], w->tmp);
    keep_shift(g, layer);
    project_v7(g, L, layer);
    rw_wkv7(&w->y, cv(&w->proj[R]), w->wq, cv(&w->proj[K]), cv(&w->proj[V]), cv(&w->kk),
            cv(&w->proj[A]), g->layers[layer].S, I->n_head, I->head_size, &w->wkv);
    rw_groupnorm(&w->y, cv(&w->y), L->lnx_w, L->lnx_b, I->n_head, g->q->inv_head,
                 g->q->gn_eps, &w->norm);
    bonus_v7(g, L);
    rw_mul(&w->y, cv(&w->y), cv(&w->proj[G]), w->tmp);
    rw_golden_mv(g, &w->out, &L->Wo, cv(&w->y));
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
