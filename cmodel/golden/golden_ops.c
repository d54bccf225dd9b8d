/*
 * golden_ops.c - the golden model's unit operations with event counting and the
 * trace hook (see golden_ops.h). Each traced operation reports its inputs before
 * it runs, so in-place operations record what they consumed.
 */
#include "golden_ops.h"

#include "sfu.h"

#include <stdio.h>
#include <string.h>

static void t_begin(rw_golden *g, const char *unit, const char *name)
{
    g->hook->begin(g->hook->ctx, unit, name, g->layer);
}

static void t_bfv(rw_golden *g, int out, const char *role, rw_cbfv v)
{
    rw_opnd o = {role, RW_OT_BFV, v.n, v.e, v.m};
    g->hook->operand(g->hook->ctx, out, &o);
}

static void t_raw(rw_golden *g, int out, const char *role, rw_opnd_type t, uint32_t n,
                  const void *data)
{
    rw_opnd o = {role, t, n, 0, data};
    g->hook->operand(g->hook->ctx, out, &o);
}

static void t_end(rw_golden *g)
{
    g->hook->end(g->hook->ctx);
}

/* y = f(a, b) for the two-operand elementwise units. */
typedef void (*rw_binop)(rw_bfv *, rw_cbfv, rw_cbfv, int64_t *);
static void binary(rw_golden *g, const char *unit, const char *name, rw_binop f, rw_bfv *y,
                   rw_cbfv a, rw_cbfv b)
{
    if (g->hook) {
        t_begin(g, unit, name);
        t_bfv(g, 0, "a", a);
        t_bfv(g, 0, "b", b);
    }
    f(y, a, b, g->ws.tmp);
    if (g->hook) {
        t_bfv(g, 1, "y", rw_cview(y));
        t_end(g);
    }
}

void g_copy(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv x)
{
    if (g->hook) {
        t_begin(g, "copy", name);
        t_bfv(g, 0, "x", x);
    }
    memcpy(y->m, x.m, x.n * sizeof *x.m);
    y->e = x.e;
    y->n = x.n;
    if (g->hook) {
        t_bfv(g, 1, "y", rw_cview(y));
        t_end(g);
    }
}

void g_add(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv a, rw_cbfv b)
{
    binary(g, "add", name, rw_add, y, a, b);
}

void g_sub(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv a, rw_cbfv b)
{
    binary(g, "sub", name, rw_sub, y, a, b);
}

void g_mul(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv a, rw_cbfv b)
{
    binary(g, "mul", name, rw_mul, y, a, b);
}

void g_lerp(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv a, rw_cbfv b, rw_cbfv t)
{
    if (g->hook) {
        t_begin(g, "lerp", name);
        t_bfv(g, 0, "a", a);
        t_bfv(g, 0, "b", b);
        t_bfv(g, 0, "t", t);
    }
    rw_lerp(y, a, b, t, g->ws.tmp);
    if (g->hook) {
        t_bfv(g, 1, "y", rw_cview(y));
        t_end(g);
    }
}

/* y = f(x) for the one-operand units; f returns its clamp count. */
typedef uint32_t (*rw_unop)(rw_bfv *, rw_cbfv, int64_t *);
static void unary(rw_golden *g, const char *unit, const char *name, rw_unop f, rw_event ev,
                  rw_bfv *y, rw_cbfv x)
{
    uint32_t n;
    if (g->hook) {
        t_begin(g, unit, name);
        t_bfv(g, 0, "x", x);
    }
    n = f(y, x, g->ws.tmp);
    if (ev < RW_EV_COUNT)
        g->events[ev] += n;
    if (g->hook) {
        t_bfv(g, 1, "y", rw_cview(y));
        t_end(g);
    }
}

static uint32_t relu_sq(rw_bfv *y, rw_cbfv a, int64_t *tmp)
{
    rw_relu_sq(y, a, tmp);
    return 0;
}

void g_relu_sq(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv a)
{
    unary(g, "relu_sq", name, relu_sq, RW_EV_COUNT, y, a);
}

void g_sigmoid(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv x)
{
    unary(g, "sigmoid", name, rw_sigmoid, RW_EV_SIGMOID_CLAMP, y, x);
}

void g_tanh(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv x)
{
    unary(g, "tanh", name, rw_tanh, RW_EV_TANH_CLAMP, y, x);
}

typedef uint32_t (*rw_decayfn)(uint32_t *, rw_cbfv);
static void decay(rw_golden *g, const char *unit, const char *name, rw_decayfn f, rw_event ev,
                  uint32_t *w, rw_cbfv x)
{
    if (g->hook) {
        t_begin(g, unit, name);
        t_bfv(g, 0, "x", x);
    }
    g->events[ev] += f(w, x);
    if (g->hook) {
        t_raw(g, 1, "w", RW_OT_U32, x.n, w);
        t_end(g);
    }
}

void g_decay6(rw_golden *g, const char *name, uint32_t *w, rw_cbfv x)
{
    decay(g, "decay6", name, rw_decay6, RW_EV_DECAY6_CLAMP, w, x);
}

void g_decay7(rw_golden *g, const char *name, uint32_t *w, rw_cbfv x)
{
    decay(g, "decay7", name, rw_decay7, RW_EV_DECAY7_CLAMP, w, x);
}

void g_mv(rw_golden *g, const char *wname, rw_bfv *y, const rw_qmat *W, rw_cbfv x)
{
    rw_gws *w = &g->ws;
    if (g->hook) {
        char full[RW_QNAME_MAX + 1];
        int n = g->layer == UINT32_MAX ? snprintf(full, sizeof full, "%s", wname)
                                       : snprintf(full, sizeof full, "blocks.%u.%s", g->layer,
                                                  wname);
        t_begin(g, "matvec", wname);
        t_bfv(g, 0, "x", x);
        t_raw(g, 0, "W", RW_OT_WEIGHT, n > 0 && (size_t)n < sizeof full ? (uint32_t)n : 0, full);
    }
    rw_act_quant(&w->act, x);
    g->events[RW_EV_MATVEC_ACC48] += rw_matvec(y, W, &w->act, w->acc, w->eacc);
    if (g->hook) {
        t_bfv(g, 1, "y", rw_cview(y));
        t_end(g);
    }
}

void g_norm(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv x, rw_cbfv w, rw_cbfv b,
            uint32_t ngroups, rw_cbfv inv_gs, rw_cbfv eps)
{
    if (g->hook) {
        t_begin(g, "norm", name);
        t_bfv(g, 0, "x", x);
        t_bfv(g, 0, "w", w);
        t_bfv(g, 0, "b", b);
        t_raw(g, 0, "groups", RW_OT_I32, 1, &ngroups);
        t_bfv(g, 0, "inv_n", inv_gs);
        t_bfv(g, 0, "eps", eps);
    }
    rw_groupnorm(y, x, w, b, ngroups, inv_gs, eps, &g->ws.norm);
    if (g->hook) {
        t_bfv(g, 1, "y", rw_cview(y));
        t_end(g);
    }
}

void g_l2norm(rw_golden *g, const char *name, rw_bfv *y, rw_cbfv x, uint32_t ngroups,
              rw_cbfv eps_sq)
{
    if (g->hook) {
        t_begin(g, "l2norm", name);
        t_bfv(g, 0, "x", x);
        t_raw(g, 0, "groups", RW_OT_I32, 1, &ngroups);
        t_bfv(g, 0, "eps_sq", eps_sq);
    }
    rw_l2norm(y, x, ngroups, eps_sq, &g->ws.norm);
    if (g->hook) {
        t_bfv(g, 1, "y", rw_cview(y));
        t_end(g);
    }
}

void g_embed(rw_golden *g, uint32_t token, rw_bfv *x)
{
    const rw_qmodel *q = g->q;
    uint32_t C = q->info.n_embd;
    const int16_t *row = q->emb.q + (size_t)token * C;
    if (g->hook) {
        t_begin(g, "embed", "emb");
        t_raw(g, 0, "token", RW_OT_I32, 1, &token);
    }
    for (uint32_t i = 0; i < C; i++)
        g->ws.tmp[i] = row[i];
    rw_normalize(x, g->ws.tmp, q->emb.e[token], C);
    if (g->hook) {
        t_bfv(g, 1, "y", rw_cview(x));
        t_end(g);
    }
}

/* The state matrices of a layer as operands S0, S1, ... */
static void t_heads(rw_golden *g, int out, const rw_bfv *S, uint32_t H)
{
    static const char *const role[2] = {"S", "S'"};
    for (uint32_t h = 0; h < H; h++)
        t_bfv(g, out, role[out], rw_cview(&S[h]));
}

void g_wkv4(rw_golden *g, rw_bfv *y, rw_cbfv k, rw_cbfv v, const int32_t *decay_q16,
            const int32_t *first, rw_wkv4_state *s)
{
    if (g->hook) {
        t_begin(g, "wkv4", "att.wkv");
        t_bfv(g, 0, "k", k);
        t_bfv(g, 0, "v", v);
        t_raw(g, 0, "decay", RW_OT_I32, k.n, decay_q16);
        t_raw(g, 0, "first", RW_OT_I32, k.n, first);
        t_bfv(g, 0, "aa", rw_cview(&s->aa));
        t_bfv(g, 0, "bb", rw_cview(&s->bb));
        t_raw(g, 0, "pp", RW_OT_I32, k.n, s->pp);
    }
    g->events[RW_EV_WKV4_K_CLAMP] += rw_wkv4(y, k, v, decay_q16, first, s, &g->ws.wkv);
    if (g->hook) {
        t_bfv(g, 1, "y", rw_cview(y));
        t_bfv(g, 1, "aa'", rw_cview(&s->aa));
        t_bfv(g, 1, "bb'", rw_cview(&s->bb));
        t_raw(g, 1, "pp'", RW_OT_I32, k.n, s->pp);
        t_end(g);
    }
}

void g_wkv5(rw_golden *g, rw_bfv *y, rw_cbfv r, rw_cbfv k, rw_cbfv v, const uint32_t *w,
            rw_cbfv u, rw_bfv *S)
{
    const rwkvacc_model_info *I = &g->q->info;
    if (g->hook) {
        t_begin(g, "wkv5", "att.wkv");
        t_bfv(g, 0, "r", r);
        t_bfv(g, 0, "k", k);
        t_bfv(g, 0, "v", v);
        t_raw(g, 0, "w", RW_OT_U32, k.n, w);
        t_bfv(g, 0, "u", u);
        t_heads(g, 0, S, I->n_head);
    }
    rw_wkv5(y, r, k, v, w, u, S, I->n_head, I->head_size, &g->ws.wkv);
    if (g->hook) {
        t_bfv(g, 1, "y", rw_cview(y));
        t_heads(g, 1, S, I->n_head);
        t_end(g);
    }
}

void g_wkv7(rw_golden *g, rw_bfv *y, rw_cbfv r, const uint32_t *w, rw_cbfv k, rw_cbfv v,
            rw_cbfv kk, rw_cbfv a, rw_bfv *S)
{
    const rwkvacc_model_info *I = &g->q->info;
    if (g->hook) {
        t_begin(g, "wkv7", "att.wkv");
        t_bfv(g, 0, "r", r);
        t_raw(g, 0, "w", RW_OT_U32, k.n, w);
        t_bfv(g, 0, "k", k);
        t_bfv(g, 0, "v", v);
        t_bfv(g, 0, "kk", kk);
        t_bfv(g, 0, "a", a);
        t_heads(g, 0, S, I->n_head);
    }
    rw_wkv7(y, r, w, k, v, kk, a, S, I->n_head, I->head_size, &g->ws.wkv);
    if (g->hook) {
        t_bfv(g, 1, "y", rw_cview(y));
        t_heads(g, 1, S, I->n_head);
        t_end(g);
    }
}

void g_bonus7(rw_golden *g, rw_bfv *y, rw_cbfv r, rw_cbfv k, rw_cbfv r_k, rw_cbfv v)
{
    const rwkvacc_model_info *I = &g->q->info;
    if (g->hook) {
        t_begin(g, "bonus7", "att.bonus");
        t_bfv(g, 0, "r", r);
        t_bfv(g, 0, "k", k);
        t_bfv(g, 0, "r_k", r_k);
        t_bfv(g, 0, "v", v);
    }
    rw_bonus7(y, r, k, r_k, v, I->n_head, I->head_size, &g->ws.wkv);
    if (g->hook) {
        t_bfv(g, 1, "y", rw_cview(y));
        t_end(g);
    }
}
