/*
 * golden.c - the golden model's stream: state and scratch allocation, the token
 * pass (embedding, ln0, layers, ln_out, head), state save/restore as int32 words,
 * and event counting. The per-layer blocks are in time_mix.c and channel_mix.c.
 */
#include "golden.h"
#include "golden_ops.h"

#include <stdlib.h>
#include <string.h>

static const char *const event_names[RW_EV_COUNT] = {
    "matvec_acc48", "sigmoid_clamp", "tanh_clamp", "decay6_clamp", "decay7_clamp",
    "wkv4_k_clamp",
};

const char *rw_event_name(rw_event e)
{
    return (unsigned)e < RW_EV_COUNT ? event_names[e] : "?";
}

static void *grab(rw_golden *g, size_t n, size_t size)
{
    void *p;
    if (g->alloc_failed)
        return NULL;
    if (g->n_allocs == g->cap_allocs) {
        size_t cap = g->cap_allocs ? 2 * g->cap_allocs : 64;
        void **a = realloc(g->allocs, cap * sizeof *a);
        if (!a) {
            g->alloc_failed = 1;
            return NULL;
        }
        g->allocs = a;
        g->cap_allocs = cap;
    }
    if (!(p = calloc(n ? n : 1, size))) {
        g->alloc_failed = 1;
        return NULL;
    }
    g->allocs[g->n_allocs++] = p;
    return p;
}

static void vec(rw_golden *g, rw_bfv *v, uint32_t n)
{
    v->m = grab(g, n, sizeof(int32_t));
    v->e = 0;
    v->n = n;
}

static uint32_t max_of(const uint32_t *v, size_t n)
{
    uint32_t m = 0;
    for (size_t i = 0; i < n; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}

static void alloc_ws(rw_golden *g)
{
    const rwkvacc_model_info *I = &g->q->info;
    rw_gws *w = &g->ws;
    uint32_t C = I->n_embd, NN = I->head_size * I->head_size;
    uint32_t lr[] = {I->n_ffn, 5 * I->d_mix, I->d_decay, I->d_w, I->d_a, I->d_v, I->d_g};
    uint32_t hid = max_of(lr, 7);
    uint32_t big[] = {C, NN, hid}, wide[] = {I->n_vocab, C, hid};
    uint32_t n = max_of(big, 3), rows = max_of(wide, 3);
    rw_bfv *c_vecs[] = {&w->x, &w->xx, &w->d, &w->out, &w->kk, &w->v_first, &w->y, &w->t,
                        &w->mix[0], &w->mix[1], &w->mix[2], &w->mix[3], &w->mix[4],
                        &w->mix[5], &w->proj[0], &w->proj[1], &w->proj[2], &w->proj[3],
                        &w->proj[4], &w->proj[5]};
    for (size_t i = 0; i < sizeof c_vecs / sizeof c_vecs[0]; i++)
        vec(g, c_vecs[i], C);
    vec(g, &w->hid, hid);
    vec(g, &w->hid2, hid);
    w->act.q = grab(g, n, sizeof(int16_t));
    w->acc = grab(g, rows, sizeof(int64_t));
    w->eacc = grab(g, rows, sizeof(int32_t));
    w->tmp = grab(g, 2 * (size_t)n, sizeof(int64_t));
    w->etmp = grab(g, n, sizeof(int32_t));
    w->wq = grab(g, C, sizeof(uint32_t));
    w->norm.tmp = grab(g, 2 * (size_t)C, sizeof(int64_t));
    w->norm.etmp = grab(g, C, sizeof(int32_t));
    w->norm.d = grab(g, C, sizeof(int32_t));
    w->norm.q = grab(g, C, sizeof(int16_t));
    w->wkv.tmp = grab(g, n, sizeof(int64_t));
    w->wkv.st = grab(g, C, sizeof(int64_t));
    w->wkv.est = grab(g, C, sizeof(int32_t));
    w->wkv.a = grab(g, n, sizeof(int32_t));
    w->wkv.b = grab(g, n, sizeof(int32_t));
    w->wkv.c = grab(g, n, sizeof(int32_t));
    w->wkv.d = grab(g, n, sizeof(int32_t));
    w->wkv.q32 = grab(g, C, sizeof(int32_t));
    w->wkv.q1 = grab(g, C, sizeof(int16_t));
    w->wkv.q2 = grab(g, C, sizeof(int16_t));
}

static void alloc_state(rw_golden *g)
{
    const rwkvacc_model_info *I = &g->q->info;
    uint32_t C = I->n_embd, H = I->n_head, NN = I->head_size * I->head_size;
    g->layers = grab(g, I->n_layer, sizeof *g->layers);
    for (uint32_t l = 0; l < I->n_layer && g->layers; l++) {
        rw_glayer_state *s = &g->layers[l];
        vec(g, &s->att_shift, C);
        vec(g, &s->ffn_shift, C);
        if (I->arch == RWKVACC_ARCH_V4) {
            vec(g, &s->wkv4.aa, C);
            vec(g, &s->wkv4.bb, C);
            s->wkv4.pp = grab(g, C, sizeof(int32_t));
            continue;
        }
        s->S = grab(g, H, sizeof *s->S);
        for (uint32_t h = 0; h < H && s->S; h++)
            vec(g, &s->S[h], NN);
    }
}

rw_golden *rw_golden_new(const rw_qmodel *q)
{
    rw_golden *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->q = q;
    alloc_ws(g);
    alloc_state(g);
    if (g->alloc_failed) {
        rw_golden_free(g);
        return NULL;
    }
    rw_golden_reset(g);
    return g;
}

void rw_golden_free(rw_golden *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n_allocs; i++)
        free(g->allocs[i]);
    free(g->allocs);
    free(g);
}

/* Calls f on every state vector of a layer, in the order of docs/state.md. */
static void each_state_vec(rw_golden *g, uint32_t l, void (*f)(rw_bfv *, void *), void *arg)
{
    rw_glayer_state *s = &g->layers[l];
    f(&s->att_shift, arg);
    f(&s->ffn_shift, arg);
    if (g->q->info.arch == RWKVACC_ARCH_V4) {
        f(&s->wkv4.aa, arg);
        f(&s->wkv4.bb, arg);
        return;
    }
    for (uint32_t h = 0; h < g->q->info.n_head; h++)
        f(&s->S[h], arg);
}

static void zero_vec(rw_bfv *v, void *arg)
{
    (void)arg;
    memset(v->m, 0, v->n * sizeof *v->m);
    v->e = 0;
}

void rw_golden_reset(rw_golden *g)
{
    const rwkvacc_model_info *I = &g->q->info;
    for (uint32_t l = 0; l < I->n_layer; l++) {
        each_state_vec(g, l, zero_vec, NULL);
        if (I->arch == RWKVACC_ARCH_V4)
            for (uint32_t i = 0; i < I->n_embd; i++)
                g->layers[l].wkv4.pp[i] = RW_PP_MIN;
    }
}

typedef struct cursor {
    int32_t *w;
    const int32_t *r;
    size_t n;
} cursor;

static void count_vec(rw_bfv *v, void *arg)
{
    ((cursor *)arg)->n += 1 + v->n;
}

static void put_vec(rw_bfv *v, void *arg)
{
    cursor *c = arg;
    c->w[c->n++] = v->e;
    memcpy(c->w + c->n, v->m, v->n * sizeof *v->m);
    c->n += v->n;
}

static void get_vec(rw_bfv *v, void *arg)
{
    cursor *c = arg;
    v->e = c->r[c->n++];
    memcpy(v->m, c->r + c->n, v->n * sizeof *v->m);
    c->n += v->n;
}

size_t rw_golden_state_words(const rw_golden *g)
{
    cursor c = {NULL, NULL, 0};
    for (uint32_t l = 0; l < g->q->info.n_layer; l++) {
        each_state_vec((rw_golden *)g, l, count_vec, &c);
        if (g->q->info.arch == RWKVACC_ARCH_V4)
            c.n += g->q->info.n_embd;
    }
    return c.n;
}

void rw_golden_state_get(const rw_golden *g, int32_t *w)
{
    cursor c = {w, NULL, 0};
    uint32_t C = g->q->info.n_embd;
    for (uint32_t l = 0; l < g->q->info.n_layer; l++) {
        each_state_vec((rw_golden *)g, l, put_vec, &c);
        if (g->q->info.arch == RWKVACC_ARCH_V4) {
            memcpy(w + c.n, g->layers[l].wkv4.pp, C * sizeof *w);
            c.n += C;
        }
    }
}

void rw_golden_state_set(rw_golden *g, const int32_t *w)
{
    cursor c = {NULL, w, 0};
    uint32_t C = g->q->info.n_embd;
    for (uint32_t l = 0; l < g->q->info.n_layer; l++) {
        each_state_vec(g, l, get_vec, &c);
        if (g->q->info.arch == RWKVACC_ARCH_V4) {
            memcpy(g->layers[l].wkv4.pp, w + c.n, C * sizeof *w);
            c.n += C;
        }
    }
}

static void layernorm(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv x, rw_cbfv w,
                      rw_cbfv b)
{
    g_norm(g, name, y, x, w, b, 1, g->q->inv_embd, g->q->ln_eps);
}

void rw_golden_token(rw_golden *g, uint32_t token, rw_bfv *logits)
{
    const rw_qmodel *q = g->q;
    rw_gws *w = &g->ws;
    g->layer = UINT32_MAX;
    g_embed(g, token, &w->x);
    layernorm(g, "ln0", &w->x, rw_cview(&w->x), q->ln0_w, q->ln0_b);
    for (uint32_t l = 0; l < q->info.n_layer; l++) {
        const rw_qlayer *L = &q->layers[l];
        g->layer = l;
        layernorm(g, "ln1", &w->xx, rw_cview(&w->x), L->ln1_w, L->ln1_b);
        rw_golden_time_mix(g, l);
        g_add(g, "att.residual", &w->x, rw_cview(&w->x), rw_cview(&w->out));
        layernorm(g, "ln2", &w->xx, rw_cview(&w->x), L->ln2_w, L->ln2_b);
        rw_golden_channel_mix(g, l);
        g_add(g, "ffn.residual", &w->x, rw_cview(&w->x), rw_cview(&w->out));
    }
    g->layer = UINT32_MAX;
    if (!logits)
        return;
    layernorm(g, "ln_out", &w->xx, rw_cview(&w->x), q->ln_out_w, q->ln_out_b);
    g_mv(g, "head", logits, &q->head, rw_cview(&w->xx));
}
