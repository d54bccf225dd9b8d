/*
 * ref.c - the float32 reference forward pass: embedding, ln0, the layers (time
 * mixing and channel mixing with residuals), ln_out and the head; the state block
 * and the scratch space. Sequence mode runs layer by layer over up to t_max tokens
 * at once, the way the card's prefill will; one token is the case T = 1.
 */
#include "ref.h"
#include "ref_ops.h"

#include <stdlib.h>
#include <string.h>

size_t rw_ref_wkv_floats(const rwkvacc_model_info *I)
{
    if (I->arch == RWKVACC_ARCH_V4)
        return 3 * (size_t)I->n_embd;
    return (size_t)I->n_head * I->head_size * I->head_size;
}

float *rw_ref_att_shift(const rw_ref *r, uint32_t layer)
{
    return r->state + layer * r->layer_floats;
}

float *rw_ref_ffn_shift(const rw_ref *r, uint32_t layer)
{
    return rw_ref_att_shift(r, layer) + r->m->info.n_embd;
}

float *rw_ref_wkv_state(const rw_ref *r, uint32_t layer)
{
    return rw_ref_att_shift(r, layer) + 2 * (size_t)r->m->info.n_embd;
}

static size_t hid_width(const rwkvacc_model_info *I)
{
    uint32_t w = I->n_ffn;
    uint32_t lr[] = {5 * I->d_mix, I->d_decay, I->d_w, I->d_a, I->d_v, I->d_g};
    for (size_t i = 0; i < sizeof lr / sizeof lr[0]; i++)
        if (lr[i] > w)
            w = lr[i];
    return w;
}

static int ws_alloc(rw_ref_ws *ws, const rwkvacc_model_info *I, uint32_t t_max)
{
    float **rows[] = {&ws->x, &ws->xx, &ws->d, &ws->kk, &ws->v_first, &ws->out,
                      &ws->mix[0], &ws->mix[1], &ws->mix[2], &ws->mix[3], &ws->mix[4],
                      &ws->mix[5], &ws->proj[0], &ws->proj[1], &ws->proj[2],
                      &ws->proj[3], &ws->proj[4], &ws->proj[5]};
    ws->t_max = t_max;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (!(*rows[i] = calloc((size_t)t_max * I->n_embd, sizeof(float))))
            return 0;
    return (ws->hid = calloc((size_t)t_max * hid_width(I), sizeof(float))) != NULL;
}

static void ws_free(rw_ref_ws *ws)
{
    float *rows[] = {ws->x, ws->xx, ws->d, ws->kk, ws->v_first, ws->out, ws->hid};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        free(rows[i]);
    for (int i = 0; i < 6; i++) {
        free(ws->mix[i]);
        free(ws->proj[i]);
    }
}

rw_ref *rw_ref_new(const rwkvacc_model *m, uint32_t t_max)
{
    rw_ref *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->m = m;
    r->layer_floats = 2 * (size_t)m->info.n_embd + rw_ref_wkv_floats(&m->info);
    r->state_floats = r->layer_floats * m->info.n_layer;
    r->state = calloc(r->state_floats, sizeof(float));
    if (!r->state || !ws_alloc(&r->ws, &m->info, t_max ? t_max : 64)) {
        rw_ref_free(r);
        return NULL;
    }
    return r;
}

void rw_ref_free(rw_ref *r)
{
    if (!r)
        return;
    ws_free(&r->ws);
    free(r->state);
    free(r);
}

void rw_ref_reset(rw_ref *r)
{
    memset(r->state, 0, r->state_floats * sizeof(float));
}

static void add_v(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] += x[i];
}

/* T <= t_max tokens through every layer; logits as rw_ref_forward. */
static void forward_block(rw_ref *r, const uint32_t *tok, uint32_t T, float *logits, int all)
{
    const rwkvacc_model *m = r->m;
    const rwkvacc_model_info *I = &m->info;
    rw_ref_ws *ws = &r->ws;
    uint32_t C = I->n_embd, first = all ? 0 : T - 1;
    size_t n = (size_t)T * C;
    for (uint32_t t = 0; t < T; t++)
        memcpy(ws->x + (size_t)t * C, m->emb + (size_t)tok[t] * C, C * sizeof(float));
    ref_layernorm(ws->x, ws->x, m->ln0_w, m->ln0_b, C, T);
    for (uint32_t l = 0; l < I->n_layer; l++) {
        const rw_layer *L = &m->layers[l];
        ref_layernorm(ws->xx, ws->x, L->ln1_w, L->ln1_b, C, T);
        ref_time_mix(r, l, T);
        add_v(ws->x, ws->out, n);
        ref_layernorm(ws->xx, ws->x, L->ln2_w, L->ln2_b, C, T);
        ref_channel_mix(r, l, T);
        add_v(ws->x, ws->out, n);
    }
    if (!logits)
        return;
    ref_layernorm(ws->xx, ws->x + (size_t)first * C, m->ln_out_w, m->ln_out_b, C,
                  T - first);
    ref_matmul(logits, &m->head, ws->xx, T - first);
}

void rw_ref_forward(rw_ref *r, const uint32_t *tokens, size_t T, float *logits, int all)
{
    size_t V = r->m->info.n_vocab;
    for (size_t done = 0; done < T;) {
        uint32_t n = (uint32_t)(T - done < r->ws.t_max ? T - done : r->ws.t_max);
        int last = done + n == T;
        float *out = NULL;
        if (logits && all)
            out = logits + done * V;
        else if (logits && last)
            out = logits;
        forward_block(r, tokens + done, n, out, all);
        done += n;
    }
}
