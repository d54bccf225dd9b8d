/*
 * model_bind.c - maps a tensor directory (from either file format) onto the float
 * model of model.h: detects the architecture version from tensor names, derives
 * every dimension from shapes, checks every shape, converts to float32 and undoes
 * the layout differences between rwkv.cpp files and PyTorch checkpoints.
 * It reads no file itself (model_load.c does) and computes nothing.
 */
#include "model_bind.h"

#include "error.h"
#include "golden/qmodel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct binder {
    rw_tensor_dir *dir;
    rwkvacc_model *m;
    rwkvacc_error *err;
    rwkvacc_status status; /* the first failure sticks; later calls do nothing */
    char prefix[32];       /* "blocks.3." or "" */
} binder;

typedef float (*rw_elem_fn)(float);

static int is_st(const binder *b)
{
    return b->dir->format == RW_FMT_SAFETENSORS;
}

static float *model_alloc(binder *b, uint64_t n)
{
    rwkvacc_model *m = b->m;
    float *p;
    if (b->status)
        return NULL;
    if (m->n_allocs == m->cap_allocs) {
        size_t cap = m->cap_allocs ? 2 * m->cap_allocs : 256;
        void **a = realloc(m->allocs, cap * sizeof *a);
        if (!a) {
            b->status = rw_fail(b->err, RWKVACC_E_NOMEM, "%s: out of memory", b->dir->file);
            return NULL;
        }
        m->allocs = a;
        m->cap_allocs = cap;
    }
    p = n ? calloc((size_t)n, sizeof *p) : NULL;
    if (!p) {
        b->status = rw_fail(b->err, RWKVACC_E_NOMEM, "%s: out of memory for %llu floats",
                            b->dir->file, (unsigned long long)n);
        return NULL;
    }
    m->allocs[m->n_allocs++] = p;
    return p;
}

/* The tensor PREFIX+suffix, marked used; NULL (and an error) when missing. */
static const rw_tensor *find(binder *b, const char *suffix)
{
    char name[RW_MAX_NAME + 32];
    rw_tensor *t;
    if (b->status)
        return NULL;
    snprintf(name, sizeof name, "%s%s", b->prefix, suffix);
    t = (rw_tensor *)rw_dir_find(b->dir, name);
    if (!t)
        b->status = rw_fail(b->err, RWKVACC_E_TENSOR, "%s: missing tensor '%s'",
                            b->dir->file, name);
    else
        t->used = 1;
    return t;
}

static int exists(const binder *b, const char *suffix)
{
    char name[RW_MAX_NAME + 32];
    snprintf(name, sizeof name, "%s%s", b->prefix, suffix);
    return rw_dir_find(b->dir, name) != NULL;
}

static void shape_str(char *s, size_t len, const uint64_t *d, uint32_t n)
{
    size_t o = 0;
    o += (size_t)snprintf(s, len, "(");
    for (uint32_t i = 0; i < n && o < len; i++)
        o += (size_t)snprintf(s + o, len - o, i ? ", %llu" : "%llu", (unsigned long long)d[i]);
    if (o < len)
        snprintf(s + o, len - o, ")");
}

/* Shapes match when they agree after dropping every size-1 dimension. */
static int check_shape(binder *b, const rw_tensor *t, const uint64_t *want, uint32_t nwant)
{
    uint64_t a[RW_MAX_DIMS], w[RW_MAX_DIMS];
    uint32_t na = 0, nw = 0;
    char sa[96], sw[96];
    for (uint32_t i = 0; i < t->ndim; i++)
        if (t->dims[i] != 1)
            a[na++] = t->dims[i];
    for (uint32_t i = 0; i < nwant; i++)
        if (want[i] != 1)
            w[nw++] = want[i];
    if (na == nw && memcmp(a, w, na * sizeof a[0]) == 0)
        return 1;
    shape_str(sa, sizeof sa, t->dims, t->ndim);
    shape_str(sw, sizeof sw, want, nwant);
    b->status = rw_fail(b->err, RWKVACC_E_SHAPE, "%s: tensor '%s' has shape %s, expected %s",
                        b->dir->file, t->name, sa, sw);
    return 0;
}

/* A tensor of the given PyTorch-order shape, as floats, with fn applied. */
static float *take(binder *b, const char *suffix, uint32_t ndim, const uint64_t *dims,
                   rw_elem_fn fn)
{
    const rw_tensor *t = find(b, suffix);
    float *p;
    if (!t || !check_shape(b, t, dims, ndim) || !(p = model_alloc(b, t->numel)))
        return NULL;
    for (uint64_t i = 0; i < t->numel; i++) {
        p[i] = rw_tensor_get(t, i);
        if (fn)
            p[i] = fn(p[i]);
    }
    return p;
}

static float *vec(binder *b, const char *suffix)
{
    uint64_t d = b->m->info.n_embd;
    return take(b, suffix, 1, &d, NULL);
}

static float *vec_fn(binder *b, const char *suffix, rw_elem_fn fn)
{
    uint64_t d = b->m->info.n_embd;
    return take(b, suffix, 1, &d, fn);
}

static rw_mat mat(binder *b, const char *suffix, uint32_t rows, uint32_t cols)
{
    uint64_t d[2] = {rows, cols};
    rw_mat r = {take(b, suffix, 2, d, NULL), rows, cols};
    return r;
}

static void transpose_into(float *dst, const float *src, uint32_t rows, uint32_t cols)
{
    /* src is cols x rows; dst becomes rows x cols */
    for (uint32_t i = 0; i < rows; i++)
        for (uint32_t j = 0; j < cols; j++)
            dst[(size_t)i * cols + j] = src[(size_t)j * rows + i];
}

/* A matrix PyTorch stores as "in x out" and rwkv.cpp stored transposed. */
static rw_mat mat_t(binder *b, const char *suffix, uint32_t rows, uint32_t cols)
{
    uint64_t d[2] = {cols, rows};
    rw_mat r = {NULL, rows, cols};
    float *src, *dst;
    if (!is_st(b))
        return mat(b, suffix, rows, cols);
    if ((src = take(b, suffix, 2, d, NULL)) && (dst = model_alloc(b, (uint64_t)rows * cols))) {
        transpose_into(dst, src, rows, cols);
        r.w = dst;
    }
    return r;
}

/* A per-channel value stored as (C) or as (heads, head size), or a per-head
 * value (5.1), expanded to n_embd channels. */
static float *per_channel(binder *b, const char *suffix, rw_elem_fn fn)
{
    uint32_t C = b->m->info.n_embd, H = b->m->info.n_head, N = b->m->info.head_size;
    const rw_tensor *t;
    float *p;
    uint64_t dh = H, dc[2] = {H, N}, dflat = C;
    if (b->status || !(t = find(b, suffix)))
        return NULL;
    if (t->numel == C) {
        uint32_t nontrivial = 0;
        for (uint32_t i = 0; i < t->ndim; i++)
            nontrivial += t->dims[i] != 1;
        return nontrivial <= 1 ? take(b, suffix, 1, &dflat, fn) : take(b, suffix, 2, dc, fn);
    }
    if (!(p = take(b, suffix, 1, &dh, fn)))
        return NULL;
    {
        float *e = model_alloc(b, C);
        if (e)
            for (uint32_t c = 0; c < C; c++)
                e[c] = p[c / N];
        return e;
    }
}

/* -------------------------------------------------- PyTorch -> rwkv.cpp values */

static float neg_exp(float t) { return (float)-exp((double)t); }
static float exp_neg_exp(float t) { return (float)exp(-exp((double)t)); }
static float exp_f(float t) { return (float)exp((double)t); }

/* ------------------------------------------------------------------ layers */

static void bind_common(binder *b, rw_layer *L)
{
    const rwkvacc_model_info *I = &b->m->info;
    L->ln1_w = vec(b, "ln1.weight");
    L->ln1_b = vec(b, "ln1.bias");
    L->ln2_w = vec(b, "ln2.weight");
    L->ln2_b = vec(b, "ln2.bias");
    L->Wr = mat(b, "att.receptance.weight", I->n_embd, I->n_embd);
    L->Wk = mat(b, "att.key.weight", I->n_embd, I->n_embd);
    L->Wv = mat(b, "att.value.weight", I->n_embd, I->n_embd);
    L->Wo = mat(b, "att.output.weight", I->n_embd, I->n_embd);
    L->ffn_Wk = mat(b, "ffn.key.weight", I->n_ffn, I->n_embd);
    L->ffn_Wv = mat(b, "ffn.value.weight", I->n_embd, I->n_ffn);
    if (I->arch != RWKVACC_ARCH_V7_0)
        L->ffn_Wr = mat(b, "ffn.receptance.weight", I->n_embd, I->n_embd);
    if (I->arch != RWKVACC_ARCH_V4) {
        L->lnx_w = vec(b, "att.ln_x.weight");
        L->lnx_b = vec(b, "att.ln_x.bias");
    }
}

static void bind_v4_v5(binder *b, rw_layer *L)
{
    rwkvacc_arch a = b->m->info.arch;
    L->mix_k = vec(b, "att.time_mix_k");
    L->mix_v = vec(b, "att.time_mix_v");
    L->mix_r = vec(b, "att.time_mix_r");
    L->ffn_mix_k = vec(b, "ffn.time_mix_k");
    L->ffn_mix_r = vec(b, "ffn.time_mix_r");
    if (a == RWKVACC_ARCH_V4) {
        L->decay = vec_fn(b, "att.time_decay", is_st(b) ? neg_exp : NULL);
        L->first = vec(b, "att.time_first");
        return;
    }
    L->decay = per_channel(b, "att.time_decay", is_st(b) ? exp_neg_exp : NULL);
    if (exists(b, "att.time_faaaa"))
        L->first = per_channel(b, "att.time_faaaa", NULL);
    else
        L->first = per_channel(b, "att.time_first", is_st(b) ? exp_f : NULL);
    if (a == RWKVACC_ARCH_V5_2) {
        L->mix_g = vec(b, "att.time_mix_g");
        L->Wg = mat(b, "att.gate.weight", b->m->info.n_embd, b->m->info.n_embd);
    }
}

static void bind_v6(binder *b, rw_layer *L)
{
    const rwkvacc_model_info *I = &b->m->info;
    uint32_t C = I->n_embd, D = I->d_mix;
    L->maa_x = vec(b, "att.time_maa_x");
    L->maa_w = vec(b, "att.time_maa_w");
    L->maa_k = vec(b, "att.time_maa_k");
    L->maa_v = vec(b, "att.time_maa_v");
    L->maa_r = vec(b, "att.time_maa_r");
    L->maa_g = vec(b, "att.time_maa_g");
    L->maa_w1 = mat_t(b, "att.time_maa_w1", 5 * D, C);
    {
        /* rwkv.cpp: (5, C, D); PyTorch: (5, D, C) */
        uint64_t d[3] = {5, is_st(b) ? D : C, is_st(b) ? C : D};
        float *w2 = take(b, "att.time_maa_w2", 3, d, NULL);
        for (int i = 0; i < 5 && w2; i++) {
            rw_mat m = {w2 + (size_t)i * C * D, C, D};
            if (is_st(b) && (m.w = model_alloc(b, (uint64_t)C * D)))
                transpose_into(m.w, w2 + (size_t)i * C * D, C, D);
            L->maa_w2[i] = m;
        }
    }
    L->decay = per_channel(b, "att.time_decay", NULL);
    L->decay_w1 = mat_t(b, "att.time_decay_w1", I->d_decay, C);
    L->decay_w2 = mat_t(b, "att.time_decay_w2", C, I->d_decay);
    L->first = per_channel(b, "att.time_faaaa", NULL);
    L->Wg = mat(b, "att.gate.weight", C, C);
    L->ffn_mix_k = vec(b, "ffn.time_maa_k");
    L->ffn_mix_r = vec(b, "ffn.time_maa_r");
}

static void bind_v7_mix(binder *b, rw_layer *L)
{
    float **dst[6] = {&L->x_r, &L->x_w, &L->x_k, &L->x_v, &L->x_a, &L->x_g};
    static const char *const names[6] = {"att.x_r", "att.x_w", "att.x_k",
                                         "att.x_v", "att.x_a", "att.x_g"};
    uint32_t C = b->m->info.n_embd;
    if (is_st(b)) {
        for (int i = 0; i < 6; i++)
            *dst[i] = vec(b, names[i]);
    } else {
        uint64_t d[2] = {6, C};
        float *all = take(b, "att.x_rwkvag", 2, d, NULL);
        for (int i = 0; i < 6 && all; i++)
            *dst[i] = all + (size_t)i * C;
    }
}

static void bind_v7(binder *b, rw_layer *L, uint32_t layer)
{
    const rwkvacc_model_info *I = &b->m->info;
    uint32_t C = I->n_embd;
    uint64_t dr[2] = {I->n_head, I->head_size};
    bind_v7_mix(b, L);
    L->w0 = vec(b, "att.w0");
    L->a0 = vec(b, "att.a0");
    L->k_k = vec(b, "att.k_k");
    L->k_a = vec(b, "att.k_a");
    L->r_k = take(b, "att.r_k", 2, dr, NULL);
    L->w1 = mat_t(b, "att.w1", I->d_w, C);
    L->w2 = mat_t(b, "att.w2", C, I->d_w);
    L->a1 = mat_t(b, "att.a1", I->d_a, C);
    L->a2 = mat_t(b, "att.a2", C, I->d_a);
    L->g1 = mat_t(b, "att.g1", I->d_g, C);
    L->g2 = mat_t(b, "att.g2", C, I->d_g);
    if (layer > 0) { /* layer 0's value is v_first itself: no residual mix */
        L->v0 = vec(b, "att.v0");
        L->v1 = mat_t(b, "att.v1", I->d_v, C);
        L->v2 = mat_t(b, "att.v2", C, I->d_v);
    }
    L->ffn_mix_k = vec(b, "ffn.x_k");
}

static void bind_layer(binder *b, uint32_t i)
{
    rw_layer *L = &b->m->layers[i];
    snprintf(b->prefix, sizeof b->prefix, "blocks.%u.", i);
    bind_common(b, L);
    switch (b->m->info.arch) {
    case RWKVACC_ARCH_V4:
    case RWKVACC_ARCH_V5_1:
    case RWKVACC_ARCH_V5_2:
        bind_v4_v5(b, L);
        break;
    case RWKVACC_ARCH_V6_0:
        bind_v6(b, L);
        break;
    case RWKVACC_ARCH_V7_0:
        bind_v7(b, L, i);
        break;
    }
    b->prefix[0] = '\0';
}

/* -------------------------------------------------------------- dimensions */

static rwkvacc_arch detect_arch(const rw_tensor_dir *dir)
{
    if (rw_dir_find(dir, "blocks.0.att.k_k"))
        return RWKVACC_ARCH_V7_0;
    if (rw_dir_find(dir, "blocks.0.att.time_maa_x"))
        return RWKVACC_ARCH_V6_0;
    if (rw_dir_find(dir, "blocks.0.att.gate.weight"))
        return RWKVACC_ARCH_V5_2;
    if (rw_dir_find(dir, "blocks.0.att.ln_x.weight"))
        return RWKVACC_ARCH_V5_1;
    return RWKVACC_ARCH_V4;
}

/* Layers are counted from the names "blocks.N.ln1.weight". */
static uint32_t count_layers(const rw_tensor_dir *dir)
{
    uint32_t n = 0;
    char name[64];
    for (;;) {
        snprintf(name, sizeof name, "blocks.%u.ln1.weight", n);
        if (!rw_dir_find(dir, name) || n >= 4096)
            return n;
        n++;
    }
}

/* Dimension `idx` (PyTorch order) of a tensor, for deriving sizes; 0 on error. */
static uint32_t dim_of(binder *b, const char *name, uint32_t idx)
{
    const rw_tensor *t;
    if (b->status)
        return 0;
    t = rw_dir_find(b->dir, name);
    if (!t) {
        b->status = rw_fail(b->err, RWKVACC_E_TENSOR, "%s: missing tensor '%s'",
                            b->dir->file, name);
        return 0;
    }
    if (idx >= t->ndim || t->dims[idx] == 0 || t->dims[idx] > 0x40000000u) {
        b->status = rw_fail(b->err, RWKVACC_E_SHAPE, "%s: tensor '%s' has %u dimensions, "
                            "cannot read dimension %u", b->dir->file, name, t->ndim, idx);
        return 0;
    }
    return (uint32_t)t->dims[idx];
}

/* The low-rank size of a matrix that PyTorch stores "in x out" (C x D). */
static uint32_t lowrank(binder *b, const char *name)
{
    return dim_of(b, name, is_st(b) ? 1 : 0);
}

static void derive_heads(binder *b, rwkvacc_model_info *I)
{
    const char *src = I->arch == RWKVACC_ARCH_V7_0   ? "blocks.0.att.r_k"
                      : I->arch == RWKVACC_ARCH_V5_1 ? "blocks.0.att.time_decay"
                                                     : "blocks.0.att.time_faaaa";
    if (I->arch == RWKVACC_ARCH_V4)
        return;
    I->n_head = dim_of(b, src, 0);
    if (!b->status && (I->n_head == 0 || I->n_embd % I->n_head != 0))
        b->status = rw_fail(b->err, RWKVACC_E_SHAPE, "%s: n_embd %u is not a multiple of "
                            "the %u heads given by '%s'", b->dir->file, I->n_embd,
                            I->n_head, src);
    else if (!b->status)
        I->head_size = I->n_embd / I->n_head;
}

static void derive_dims(binder *b)
{
    rwkvacc_model_info *I = &b->m->info;
    const rw_tensor_dir *d = b->dir;
    I->arch = detect_arch(d);
    I->n_layer = count_layers(d);
    I->n_vocab = dim_of(b, "emb.weight", 0);
    I->n_embd = dim_of(b, "emb.weight", 1);
    I->n_ffn = dim_of(b, "blocks.0.ffn.key.weight", 0);
    if (b->status)
        return;
    if (I->n_layer == 0) {
        b->status = rw_fail(b->err, RWKVACC_E_TENSOR, "%s: missing tensor "
                            "'blocks.0.ln1.weight' (no layers)", d->file);
        return;
    }
    if (d->format == RW_FMT_GGML &&
        (d->hdr_n_vocab != I->n_vocab || d->hdr_n_embd != I->n_embd ||
         d->hdr_n_layer != I->n_layer)) {
        b->status = rw_fail(b->err, RWKVACC_E_SHAPE, "%s: header says n_vocab %u, n_embd "
                            "%u, n_layer %u but the tensors give %u, %u, %u", d->file,
                            d->hdr_n_vocab, d->hdr_n_embd, d->hdr_n_layer, I->n_vocab,
                            I->n_embd, I->n_layer);
        return;
    }
    derive_heads(b, I);
    if (I->arch == RWKVACC_ARCH_V6_0) {
        uint32_t d5 = lowrank(b, "blocks.0.att.time_maa_w1");
        I->d_mix = d5 / 5;
        if (!b->status && (d5 == 0 || d5 % 5 != 0))
            b->status = rw_fail(b->err, RWKVACC_E_SHAPE, "%s: time_maa_w1 has %u outputs, "
                                "not a multiple of 5", d->file, d5);
        I->d_decay = lowrank(b, "blocks.0.att.time_decay_w1");
    } else if (I->arch == RWKVACC_ARCH_V7_0) {
        I->d_w = lowrank(b, "blocks.0.att.w1");
        I->d_a = lowrank(b, "blocks.0.att.a1");
        I->d_g = lowrank(b, "blocks.0.att.g1");
        if (I->n_layer > 1)
            I->d_v = lowrank(b, "blocks.1.att.v1");
    }
}

static void bind_model(binder *b)
{
    rwkvacc_model *m = b->m;
    const rwkvacc_model_info *I = &m->info;
    m->layers = calloc(I->n_layer, sizeof *m->layers);
    if (!m->layers) {
        b->status = rw_fail(b->err, RWKVACC_E_NOMEM, "%s: out of memory", b->dir->file);
        return;
    }
    m->emb = mat(b, "emb.weight", I->n_vocab, I->n_embd).w;
    m->ln0_w = vec(b, "blocks.0.ln0.weight");
    m->ln0_b = vec(b, "blocks.0.ln0.bias");
    m->ln_out_w = vec(b, "ln_out.weight");
    m->ln_out_b = vec(b, "ln_out.bias");
    m->head = mat(b, "head.weight", I->n_vocab, I->n_embd);
    for (uint32_t i = 0; i < I->n_layer && !b->status; i++)
        bind_layer(b, i);
}

static void check_all_used(binder *b)
{
    for (size_t i = 0; i < b->dir->n && !b->status; i++)
        if (!b->dir->t[i].used)
            b->status = rw_fail(b->err, RWKVACC_E_TENSOR, "%s: unknown tensor '%s' for an "
                                "RWKV %s model", b->dir->file, b->dir->t[i].name,
                                rwkvacc_arch_name(b->m->info.arch));
}

static void fill_info(binder *b)
{
    rwkvacc_model_info *I = &b->m->info;
    const rw_tensor *emb = rw_dir_find(b->dir, "emb.weight");
    I->n_params = 0;
    for (size_t i = 0; i < b->dir->n; i++)
        I->n_params += b->dir->t[i].numel;
    I->file_bytes = b->dir->file_bytes;
    I->file_format = is_st(b) ? "safetensors" : "rwkv.cpp";
    I->file_dtype = rw_dtype_name(emb->dtype);
}

rwkvacc_status rw_model_bind(rw_tensor_dir *dir, rwkvacc_model **out, rwkvacc_error *err)
{
    binder b = {dir, NULL, err, RWKVACC_OK, ""};
    b.status = rw_dir_check_unique(dir, err);
    if (!b.status && !(b.m = calloc(1, sizeof *b.m)))
        b.status = rw_fail(err, RWKVACC_E_NOMEM, "%s: out of memory", dir->file);
    if (!b.status)
        derive_dims(&b);
    if (!b.status)
        bind_model(&b);
    if (!b.status)
        check_all_used(&b);
    if (b.status) {
        rwkvacc_model_free(b.m);
        return b.status;
    }
    fill_info(&b);
    *out = b.m;
    return RWKVACC_OK;
}

void rwkvacc_model_free(rwkvacc_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_allocs; i++)
        free(m->allocs[i]);
    free(m->allocs);
    free(m->layers);
    rw_qmodel_free(m->q);
    free(m);
}

void rwkvacc_model_get_info(const rwkvacc_model *m, rwkvacc_model_info *info)
{
    *info = m->info;
}

const char *rwkvacc_arch_name(rwkvacc_arch a)
{
    switch (a) {
    case RWKVACC_ARCH_V4: return "4";
    case RWKVACC_ARCH_V5_1: return "5.1";
    case RWKVACC_ARCH_V5_2: return "5.2";
    case RWKVACC_ARCH_V6_0: return "6.0";
    case RWKVACC_ARCH_V7_0: return "7.0";
    }
    return "?";
}
