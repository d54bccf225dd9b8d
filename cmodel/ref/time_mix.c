/*
 * time_mix.c - RWKV's time mixing (the "attention" block) in float32, one function
 * per architecture family: 4, 5.x, 6 and 7. Each mixes the token shift, projects,
 * runs its WKV recurrence (wkv4.c, wkv5.c, wkv7.c) and projects the result back.
 * Scratch: ws->mix[] holds mixed inputs, ws->proj[] projections, in the order
 * r, w, k, v, a, g; the result goes to ws->out.
 */
#include "ref.h"
#include "ref_ops.h"
#include "wkv.h"

#include <math.h>
#include <string.h>

enum { R, W, K, V, A, G };

static void save_shift(rw_ref *r, uint32_t layer, uint32_t T)
{
    uint32_t C = r->m->info.n_embd;
    memcpy(rw_ref_att_shift(r, layer), r->ws.xx + (size_t)(T - 1) * C, C * sizeof(float));
}

static void mul_v(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] *= x[i];
}

static void time_mix_v4(rw_ref *r, const rw_layer *L, uint32_t layer, uint32_t T)
{
    rw_ref_ws *ws = &r->ws;
    uint32_t C = r->m->info.n_embd;
    float *shift = rw_ref_att_shift(r, layer), *S = rw_ref_wkv_state(r, layer);
    ref_lerp_mix(ws->mix[K], ws->xx, shift, L->mix_k, C, T);
    ref_lerp_mix(ws->mix[V], ws->xx, shift, L->mix_v, C, T);
    ref_lerp_mix(ws->mix[R], ws->xx, shift, L->mix_r, C, T);
    save_shift(r, layer, T);
    ref_matmul(ws->proj[K], &L->Wk, ws->mix[K], T);
    ref_matmul(ws->proj[V], &L->Wv, ws->mix[V], T);
    ref_matmul(ws->proj[R], &L->Wr, ws->mix[R], T);
    ref_sigmoid_v(ws->proj[R], (size_t)T * C);
    ref_wkv4(ws->mix[W], ws->proj[K], ws->proj[V], L->decay, L->first, S, S + C, S + 2 * C,
             C, T);
    mul_v(ws->mix[W], ws->proj[R], (size_t)T * C);
    ref_matmul(ws->out, &L->Wo, ws->mix[W], T);
}

/* 5.x, 6, 7: per-head group norm of the WKV output, then the optional gate. */
static void norm_gate_out(rw_ref *r, const rw_layer *L, float *y, const float *g,
                          uint32_t T)
{
    const rwkvacc_model_info *I = &r->m->info;
    ref_groupnorm(y, y, L->lnx_w, L->lnx_b, I->n_head, I->head_size, RW_GN_EPS, T);
    if (g)
        mul_v(y, g, (size_t)T * I->n_embd);
    ref_matmul(r->ws.out, &L->Wo, y, T);
}

static void time_mix_v5(rw_ref *r, const rw_layer *L, uint32_t layer, uint32_t T)
{
    const rwkvacc_model_info *I = &r->m->info;
    rw_ref_ws *ws = &r->ws;
    uint32_t C = I->n_embd;
    float *shift = rw_ref_att_shift(r, layer);
    int gated = L->Wg.w != NULL;
    ref_lerp_mix(ws->mix[K], ws->xx, shift, L->mix_k, C, T);
    ref_lerp_mix(ws->mix[V], ws->xx, shift, L->mix_v, C, T);
    ref_lerp_mix(ws->mix[R], ws->xx, shift, L->mix_r, C, T);
    if (gated)
        ref_lerp_mix(ws->mix[G], ws->xx, shift, L->mix_g, C, T);
    save_shift(r, layer, T);
    ref_matmul(ws->proj[R], &L->Wr, ws->mix[R], T);
    ref_matmul(ws->proj[K], &L->Wk, ws->mix[K], T);
    ref_matmul(ws->proj[V], &L->Wv, ws->mix[V], T);
    if (gated) {
        ref_matmul(ws->proj[G], &L->Wg, ws->mix[G], T);
        ref_silu_v(ws->proj[G], (size_t)T * C);
    }
    ref_wkv5(ws->mix[W], ws->proj[R], ws->proj[K], ws->proj[V], L->decay, 0, L->first,
             rw_ref_wkv_state(r, layer), I->n_head, I->head_size, T);
    norm_gate_out(r, L, ws->mix[W], gated ? ws->proj[G] : NULL, T);
}

/* 6: the five data-dependent mixes from one low-rank bottleneck. */
static void mix_v6(rw_ref *r, const rw_layer *L, uint32_t T)
{
    rw_ref_ws *ws = &r->ws;
    uint32_t C = r->m->info.n_embd, D = r->m->info.d_mix;
    static const int slot[5] = {W, K, V, R, G}; /* time_maa_w2's order */
    const float *maa[5] = {L->maa_w, L->maa_k, L->maa_v, L->maa_r, L->maa_g};
    ref_add_mul(ws->mix[A], ws->xx, ws->d, L->maa_x, NULL, C, T);
    ref_matmul(ws->hid, &L->maa_w1, ws->mix[A], T);
    ref_tanh_v(ws->hid, (size_t)T * 5 * D);
    for (int i = 0; i < 5; i++) {
        for (uint32_t t = 0; t < T; t++)
            ref_matmul(ws->proj[slot[i]] + (size_t)t * C, &L->maa_w2[i],
                       ws->hid + ((size_t)t * 5 + (size_t)i) * D, 1);
        ref_add_mul(ws->mix[slot[i]], ws->xx, ws->d, maa[i], ws->proj[slot[i]], C, T);
    }
}

static void time_mix_v6(rw_ref *r, const rw_layer *L, uint32_t layer, uint32_t T)
{
    const rwkvacc_model_info *I = &r->m->info;
    rw_ref_ws *ws = &r->ws;
    uint32_t C = I->n_embd;
    float *w = ws->mix[A];
    ref_shift_diff(ws->d, ws->xx, rw_ref_att_shift(r, layer), C, T);
    save_shift(r, layer, T);
    mix_v6(r, L, T);
    /* decay per token: exp(-exp(time_decay + lora(wx))) */
    ref_matmul(ws->hid, &L->decay_w1, ws->mix[W], T);
    ref_tanh_v(ws->hid, (size_t)T * I->d_decay);
    ref_matmul(w, &L->decay_w2, ws->hid, T);
    for (size_t i = 0; i < (size_t)T * C; i++)
        w[i] = expf(-expf(L->decay[i % C] + w[i]));
    ref_matmul(ws->proj[R], &L->Wr, ws->mix[R], T);
    ref_matmul(ws->proj[K], &L->Wk, ws->mix[K], T);
    ref_matmul(ws->proj[V], &L->Wv, ws->mix[V], T);
    ref_matmul(ws->proj[G], &L->Wg, ws->mix[G], T);
    ref_silu_v(ws->proj[G], (size_t)T * C);
    ref_wkv5(ws->mix[W], ws->proj[R], ws->proj[K], ws->proj[V], w, C, L->first,
             rw_ref_wkv_state(r, layer), I->n_head, I->head_size, T);
    norm_gate_out(r, L, ws->mix[W], ws->proj[G], T);
}

/* y = B (A x) for T tokens, with an optional activation between. */
static void lowrank(rw_ref *r, float *y, const rw_mat *Am, const rw_mat *Bm,
                    void (*act)(float *, size_t), const float *x, uint32_t T)
{
    ref_matmul(r->ws.hid, Am, x, T);
    if (act)
        act(r->ws.hid, (size_t)T * Am->rows);
    ref_matmul(y, Bm, r->ws.hid, T);
}

static void l2norm_heads(float *y, const float *k, const float *k_k, uint32_t H,
                         uint32_t N, uint32_t T)
{
    for (size_t o = 0; o < (size_t)T * H * N; o += N) {
        double ss = 0;
        float inv;
        for (uint32_t j = 0; j < N; j++) {
            y[o + j] = k[o + j] * k_k[(o + j) % ((size_t)H * N)];
            ss += (double)y[o + j] * y[o + j];
        }
        inv = 1.0f / fmaxf((float)sqrt(ss), RW_L2_EPS);
        for (uint32_t j = 0; j < N; j++)
            y[o + j] *= inv;
    }
}

/* 7: r, w, k, v, a, g and kk from the six mixed inputs. */
static void project_v7(rw_ref *r, const rw_layer *L, uint32_t layer, uint32_t T)
{
    const rwkvacc_model_info *I = &r->m->info;
    rw_ref_ws *ws = &r->ws;
    uint32_t C = I->n_embd;
    size_t n = (size_t)T * C;
    float **p = ws->proj;
    ref_matmul(p[R], &L->Wr, ws->mix[R], T);
    lowrank(r, p[W], &L->w1, &L->w2, ref_tanh_v, ws->mix[W], T);
    ref_matmul(p[K], &L->Wk, ws->mix[K], T);
    ref_matmul(p[V], &L->Wv, ws->mix[V], T);
    lowrank(r, p[A], &L->a1, &L->a2, NULL, ws->mix[A], T);
    lowrank(r, p[G], &L->g1, &L->g2, ref_sigmoid_v, ws->mix[G], T);
    l2norm_heads(ws->kk, p[K], L->k_k, I->n_head, I->head_size, T);
    for (size_t i = 0; i < n; i++) {
        uint32_t c = (uint32_t)(i % C);
        p[A][i] = ref_sigmoid(L->a0[c] + p[A][i]);
        p[K][i] = p[K][i] * (1.0f + (p[A][i] - 1.0f) * L->k_a[c]);
        p[W][i] = expf(-0.606531f * ref_sigmoid(L->w0[c] + p[W][i]));
    }
    if (layer == 0) {
        memcpy(ws->v_first, p[V], n * sizeof(float));
        return;
    }
    lowrank(r, ws->mix[R], &L->v1, &L->v2, NULL, ws->mix[V], T); /* mix[R] is free now */
    for (size_t i = 0; i < n; i++)
        p[V][i] += (ws->v_first[i] - p[V][i]) * ref_sigmoid(L->v0[i % C] + ws->mix[R][i]);
}

static void time_mix_v7(rw_ref *r, const rw_layer *L, uint32_t layer, uint32_t T)
{
    const rwkvacc_model_info *I = &r->m->info;
    rw_ref_ws *ws = &r->ws;
    uint32_t C = I->n_embd, N = I->head_size;
    const float *xm[6] = {L->x_r, L->x_w, L->x_k, L->x_v, L->x_a, L->x_g};
    float *y = ws->mix[W], **p = ws->proj;
    ref_shift_diff(ws->d, ws->xx, rw_ref_att_shift(r, layer), C, T);
    save_shift(r, layer, T);
    for (int i = 0; i < 6; i++)
        ref_add_mul(ws->mix[i], ws->xx, ws->d, xm[i], NULL, C, T);
    project_v7(r, L, layer, T);
    ref_wkv7(y, p[R], p[W], p[K], p[V], ws->kk, p[A], rw_ref_wkv_state(r, layer),
             I->n_head, N, T);
    ref_groupnorm(y, y, L->lnx_w, L->lnx_b, I->n_head, N, RW_GN_EPS, T);
    /* the bonus: per head (sum of r k r_k) times v */
    for (size_t o = 0; o < (size_t)T * C; o += N) {
        float s = 0.0f;
        for (uint32_t j = 0; j < N; j++)
            s += p[R][o + j] * p[K][o + j] * L->r_k[(o + j) % C];
        for (uint32_t j = 0; j < N; j++)
            y[o + j] += s * p[V][o + j];
    }
    mul_v(y, p[G], (size_t)T * C);
    ref_matmul(ws->out, &L->Wo, y, T);
}

void ref_time_mix(rw_ref *r, uint32_t layer, uint32_t T)
{
    const rw_layer *L = &r->m->layers[layer];
    switch (r->m->info.arch) {
    case RWKVACC_ARCH_V4:
        time_mix_v4(r, L, layer, T);
        break;
    case RWKVACC_ARCH_V5_1:
    case RWKVACC_ARCH_V5_2:
        time_mix_v5(r, L, layer, T);
        break;
    case RWKVACC_ARCH_V6_0:
        time_mix_v6(r, L, layer, T);
        break;
    case RWKVACC_ARCH_V7_0:
        time_mix_v7(r, L, layer, T);
        break;
    }
}
