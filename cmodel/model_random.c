/*
 * model_random.c - writes random-weight RWKV models in the rwkv.cpp format (see
 * model_random.h). One table of tensors per version family, each with a shape and
 * a value distribution; a splitmix64 stream makes the output a pure function of
 * the spec.
 */
#include "model_random.h"

#include "error.h"
#include "tensor_file.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Value distributions. */
typedef enum {
    D_NORM_W,  /* layer-norm weight: 1 +- 0.2 */
    D_SMALL,   /* biases and similar: +- 0.1 */
    D_MIX,     /* token-shift mixes: [0, 1] */
    D_LINEAR,  /* matrix, unit gain: +- sqrt(3 / in) */
    D_OUT,     /* output projection into the residual: half gain */
    D_LORA,    /* low-rank factors: +- 0.5 sqrt(3 / in) */
    D_EMB,     /* embedding: +- 1 */
    D_DECAY4,  /* 4: -exp(t), t in [-6, 1] */
    D_DECAY5,  /* 5.x: exp(-exp(t)), t in [-8, 1] */
    D_DECAY_T, /* 6: t in [-8, 1]; 7 w0: in [-8, 1] */
    D_FIRST,   /* bonus u: [-1, 1] */
    D_ONE      /* k_a and similar: 1 +- 0.2 */
} rw_dist;

/* Shape symbols, resolved against the spec. */
enum { S_1 = 1, S_C = -1, S_V = -2, S_F = -3, S_H = -4, S_N = -5, S_5DM = -6, S_DM = -7,
       S_DD = -8, S_DW = -9, S_DA = -10, S_DV = -11, S_DG = -12, S_5 = 5, S_6 = 6 };

typedef struct tdef {
    const char *name; /* "%u" is replaced by the layer index */
    int dims[3];      /* PyTorch order as rwkv.cpp stores it (0 = unused) */
    rw_dist dist;
    int in_dim;       /* which dims entry is the fan-in for D_LINEAR etc. */
    int layer0_only, not_layer0, matrix;
} tdef;

#define L(n) "blocks.%u." n
static const tdef common[] = {
    {L("ln1.weight"), {S_C}, D_NORM_W, 0, 0, 0, 0}, {L("ln1.bias"), {S_C}, D_SMALL, 0, 0, 0, 0},
    {L("ln2.weight"), {S_C}, D_NORM_W, 0, 0, 0, 0}, {L("ln2.bias"), {S_C}, D_SMALL, 0, 0, 0, 0},
    {L("ln0.weight"), {S_C}, D_NORM_W, 0, 1, 0, 0}, {L("ln0.bias"), {S_C}, D_SMALL, 0, 1, 0, 0},
    {L("att.receptance.weight"), {S_C, S_C}, D_LINEAR, 1, 0, 0, 1},
    {L("att.key.weight"), {S_C, S_C}, D_LINEAR, 1, 0, 0, 1},
    {L("att.value.weight"), {S_C, S_C}, D_LINEAR, 1, 0, 0, 1},
    {L("att.output.weight"), {S_C, S_C}, D_OUT, 1, 0, 0, 1},
    {L("ffn.key.weight"), {S_F, S_C}, D_LINEAR, 1, 0, 0, 1},
    {L("ffn.value.weight"), {S_C, S_F}, D_OUT, 1, 0, 0, 1},
};
static const tdef ffn_r = {L("ffn.receptance.weight"), {S_C, S_C}, D_LINEAR, 1, 0, 0, 1};
static const tdef lnx[] = {
    {L("att.ln_x.weight"), {S_C}, D_NORM_W, 0, 0, 0, 0},
    {L("att.ln_x.bias"), {S_C}, D_SMALL, 0, 0, 0, 0},
};
static const tdef v4[] = {
    {L("att.time_decay"), {S_C}, D_DECAY4, 0, 0, 0, 0},
    {L("att.time_first"), {S_C}, D_FIRST, 0, 0, 0, 0},
    {L("att.time_mix_k"), {S_C}, D_MIX, 0, 0, 0, 0}, {L("att.time_mix_v"), {S_C}, D_MIX, 0, 0, 0, 0},
    {L("att.time_mix_r"), {S_C}, D_MIX, 0, 0, 0, 0}, {L("ffn.time_mix_k"), {S_C}, D_MIX, 0, 0, 0, 0},
    {L("ffn.time_mix_r"), {S_C}, D_MIX, 0, 0, 0, 0},
};
static const tdef v51[] = {
    {L("att.time_decay"), {S_H, 1, 1}, D_DECAY5, 0, 0, 0, 0},
    {L("att.time_first"), {S_H, 1, 1}, D_NORM_W, 0, 0, 0, 0}, /* stored exp(t) > 0 */
};
static const tdef v52[] = {
    {L("att.time_decay"), {S_H, S_N, 1}, D_DECAY5, 0, 0, 0, 0},
    {L("att.time_faaaa"), {S_H, S_N, 1}, D_FIRST, 0, 0, 0, 0},
    {L("att.time_mix_g"), {S_C}, D_MIX, 0, 0, 0, 0},
    {L("att.gate.weight"), {S_C, S_C}, D_LINEAR, 1, 0, 0, 1},
};
static const tdef v6[] = {
    {L("att.time_maa_x"), {S_C}, D_MIX, 0, 0, 0, 0}, {L("att.time_maa_w"), {S_C}, D_MIX, 0, 0, 0, 0},
    {L("att.time_maa_k"), {S_C}, D_MIX, 0, 0, 0, 0}, {L("att.time_maa_v"), {S_C}, D_MIX, 0, 0, 0, 0},
    {L("att.time_maa_r"), {S_C}, D_MIX, 0, 0, 0, 0}, {L("att.time_maa_g"), {S_C}, D_MIX, 0, 0, 0, 0},
    {L("att.time_maa_w1"), {S_5DM, S_C}, D_LORA, 1, 0, 0, 1},
    {L("att.time_maa_w2"), {S_5, S_C, S_DM}, D_LORA, 2, 0, 0, 1},
    {L("att.time_decay"), {S_H, S_N, 1}, D_DECAY_T, 0, 0, 0, 0},
    {L("att.time_decay_w1"), {S_DD, S_C}, D_LORA, 1, 0, 0, 1},
    {L("att.time_decay_w2"), {S_C, S_DD}, D_LORA, 1, 0, 0, 1},
    {L("att.time_faaaa"), {S_H, S_N, 1}, D_FIRST, 0, 0, 0, 0},
    {L("att.gate.weight"), {S_C, S_C}, D_LINEAR, 1, 0, 0, 1},
    {L("ffn.time_maa_k"), {S_C}, D_MIX, 0, 0, 0, 0}, {L("ffn.time_maa_r"), {S_C}, D_MIX, 0, 0, 0, 0},
};
static const tdef v7[] = {
    {L("att.x_rwkvag"), {S_6, 1, S_C}, D_MIX, 0, 0, 0, 0},
    {L("att.w0"), {1, 1, S_C}, D_DECAY_T, 0, 0, 0, 0},
    {L("att.w1"), {S_DW, S_C}, D_LORA, 1, 0, 0, 1}, {L("att.w2"), {S_C, S_DW}, D_LORA, 1, 0, 0, 1},
    {L("att.a0"), {1, 1, S_C}, D_SMALL, 0, 0, 0, 0},
    {L("att.a1"), {S_DA, S_C}, D_LORA, 1, 0, 0, 1}, {L("att.a2"), {S_C, S_DA}, D_LORA, 1, 0, 0, 1},
    {L("att.v0"), {1, 1, S_C}, D_SMALL, 0, 0, 1, 0},
    {L("att.v1"), {S_DV, S_C}, D_LORA, 1, 0, 1, 1}, {L("att.v2"), {S_C, S_DV}, D_LORA, 1, 0, 1, 1},
    {L("att.g1"), {S_DG, S_C}, D_LORA, 1, 0, 0, 1}, {L("att.g2"), {S_C, S_DG}, D_LORA, 1, 0, 0, 1},
    {L("att.k_k"), {1, 1, S_C}, D_ONE, 0, 0, 0, 0}, {L("att.k_a"), {1, 1, S_C}, D_ONE, 0, 0, 0, 0},
    {L("att.r_k"), {S_H, S_N}, D_SMALL, 0, 0, 0, 0},
    {L("ffn.x_k"), {1, 1, S_C}, D_MIX, 0, 0, 0, 0},
};
#undef L

typedef struct gen {
    rw_random_spec s;
    uint64_t rng;
    uint8_t *buf;
    size_t len, cap;
    int ok;
} gen;

static uint64_t next(gen *g)
{
    uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double uniform(gen *g, double lo, double hi)
{
    return lo + (hi - lo) * (double)(next(g) >> 11) * (1.0 / 9007199254740992.0);
}

static uint32_t resolve(const gen *g, int d)
{
    const rw_random_spec *s = &g->s;
    switch (d) {
    case S_C: return s->n_embd;
    case S_V: return s->n_vocab;
    case S_F: return s->n_ffn;
    case S_H: return s->n_embd / s->head_size;
    case S_N: return s->head_size;
    case S_5DM: return 5 * s->d_mix;
    case S_DM: return s->d_mix;
    case S_DD: return s->d_decay;
    case S_DW: return s->d_w;
    case S_DA: return s->d_a;
    case S_DV: return s->d_v;
    case S_DG: return s->d_g;
    default: return (uint32_t)d;
    }
}

static double sample(gen *g, rw_dist d, uint32_t fan_in)
{
    double a = sqrt(3.0 / fan_in);
    switch (d) {
    case D_NORM_W: return uniform(g, 0.8, 1.2);
    case D_SMALL: return uniform(g, -0.1, 0.1);
    case D_MIX: return uniform(g, 0.0, 1.0);
    case D_LINEAR: return uniform(g, -a, a);
    case D_OUT: return uniform(g, -0.5 * a, 0.5 * a);
    case D_LORA: return uniform(g, -0.5 * a, 0.5 * a);
    case D_EMB: return uniform(g, -1.0, 1.0);
    case D_DECAY4: return -exp(uniform(g, -6.0, 1.0));
    case D_DECAY5: return exp(-exp(uniform(g, -8.0, 1.0)));
    case D_DECAY_T: return uniform(g, -8.0, 1.0);
    case D_FIRST: return uniform(g, -1.0, 1.0);
    case D_ONE: return uniform(g, 0.8, 1.2);
    }
    return 0.0;
}

static void put(gen *g, const void *p, size_t n)
{
    if (!g->ok)
        return;
    if (g->len + n > g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 1 << 20;
        uint8_t *b;
        while (cap < g->len + n)
            cap *= 2;
        if (!(b = realloc(g->buf, cap))) {
            g->ok = 0;
            return;
        }
        g->buf = b;
        g->cap = cap;
    }
    memcpy(g->buf + g->len, p, n);
    g->len += n;
}

static void put32(gen *g, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(g, b, 4);
}

static void tensor(gen *g, const char *name, const uint32_t *dims, uint32_t nd, rw_dist d,
                   uint32_t fan_in, int matrix)
{
    uint64_t numel = 1;
    int half = matrix && g->s.fp16;
    put32(g, nd);
    put32(g, (uint32_t)strlen(name));
    put32(g, half ? 1 : 0);
    for (uint32_t i = 0; i < nd; i++) {
        put32(g, dims[nd - 1 - i]); /* rwkv.cpp: row length first */
        numel *= dims[i];
    }
    put(g, name, strlen(name));
    for (uint64_t i = 0; i < numel && g->ok; i++) {
        float f = (float)sample(g, d, fan_in);
        if (half) {
            uint16_t h = rw_float_to_half(f);
            uint8_t b[2] = {(uint8_t)h, (uint8_t)(h >> 8)};
            put(g, b, 2);
        } else {
            uint32_t u;
            memcpy(&u, &f, 4);
            put32(g, u);
        }
    }
}

static void emit(gen *g, const tdef *t, uint32_t layer)
{
    char name[96];
    uint32_t dims[3], nd = 0;
    if ((t->layer0_only && layer != 0) || (t->not_layer0 && layer == 0))
        return;
    snprintf(name, sizeof name, t->name, layer);
    for (int i = 0; i < 3 && t->dims[i]; i++)
        dims[nd++] = resolve(g, t->dims[i]);
    tensor(g, name, dims, nd, t->dist, t->matrix ? dims[t->in_dim] : 1, t->matrix);
}

static void emit_all(gen *g, const tdef *t, size_t n, uint32_t layer)
{
    for (size_t i = 0; i < n; i++)
        emit(g, &t[i], layer);
}

#define EMIT(g, table, layer) emit_all(g, table, sizeof table / sizeof table[0], layer)

static void emit_layer(gen *g, uint32_t l)
{
    rwkvacc_arch a = g->s.arch;
    EMIT(g, common, l);
    if (a != RWKVACC_ARCH_V7_0)
        emit(g, &ffn_r, l);
    if (a != RWKVACC_ARCH_V4)
        EMIT(g, lnx, l);
    if (a == RWKVACC_ARCH_V4 || a == RWKVACC_ARCH_V5_1 || a == RWKVACC_ARCH_V5_2) {
        /* 4's mixes; for 5.x its decay/first are replaced below */
        for (size_t i = 2; i < sizeof v4 / sizeof v4[0]; i++)
            emit(g, &v4[i], l);
    }
    if (a == RWKVACC_ARCH_V4)
        emit_all(g, v4, 2, l);
    else if (a == RWKVACC_ARCH_V5_1)
        EMIT(g, v51, l);
    else if (a == RWKVACC_ARCH_V5_2)
        EMIT(g, v52, l);
    else if (a == RWKVACC_ARCH_V6_0)
        EMIT(g, v6, l);
    else
        EMIT(g, v7, l);
}

static void defaults(rw_random_spec *s)
{
    if (!s->head_size)
        s->head_size = 64;
    if (!s->n_ffn)
        s->n_ffn = s->arch == RWKVACC_ARCH_V6_0 ? s->n_embd * 7 / 2 : s->n_embd * 4;
    if (!s->d_mix)
        s->d_mix = 32;
    if (!s->d_decay)
        s->d_decay = 64;
    if (!s->d_w)
        s->d_w = 64;
    if (!s->d_a)
        s->d_a = 64;
    if (!s->d_v)
        s->d_v = 32;
    if (!s->d_g)
        s->d_g = 128;
}

rwkvacc_status rw_random_model(const rw_random_spec *spec, uint8_t **buf, size_t *len,
                               rwkvacc_error *err)
{
    gen g;
    uint32_t ve[2];
    memset(&g, 0, sizeof g);
    g.s = *spec;
    g.ok = 1;
    g.rng = spec->seed;
    defaults(&g.s);
    if (!g.s.n_vocab || !g.s.n_embd || !g.s.n_layer || g.s.n_embd % g.s.head_size)
        return rw_fail(err, RWKVACC_E_ARG, "random model: n_embd %u must be a positive "
                       "multiple of head size %u, with n_vocab and n_layer > 0",
                       g.s.n_embd, g.s.head_size);
    put32(&g, 0x67676d66u);
    put32(&g, 101);
    put32(&g, g.s.n_vocab);
    put32(&g, g.s.n_embd);
    put32(&g, g.s.n_layer);
    put32(&g, g.s.fp16 ? 1 : 0);
    ve[0] = g.s.n_vocab;
    ve[1] = g.s.n_embd;
    tensor(&g, "emb.weight", ve, 2, D_EMB, 1, 1);
    for (uint32_t l = 0; l < g.s.n_layer; l++)
        emit_layer(&g, l);
    tensor(&g, "ln_out.weight", ve + 1, 1, D_NORM_W, 1, 0);
    tensor(&g, "ln_out.bias", ve + 1, 1, D_SMALL, 1, 0);
    tensor(&g, "head.weight", ve, 2, D_LINEAR, g.s.n_embd, 1);
    if (!g.ok) {
        free(g.buf);
        return rw_fail(err, RWKVACC_E_NOMEM, "random model: out of memory");
    }
    *buf = g.buf;
    *len = g.len;
    return RWKVACC_OK;
}
