/*
 * conform.c - the reference testbench for golden vectors: reads every record,
 * runs its unit function (cmodel/golden) on the recorded inputs and compares the
 * outputs exactly, counting records and mismatches per unit. HLS and RTL
 * testbenches do the same with their own units.
 */
#include "trace.h"

#include "error.h"
#include "golden/sfu.h"
#include "tensor_file.h"

#include <stdlib.h>
#include <string.h>

/* Decoded operands of one record: int32 copies of every payload. */
typedef struct dec {
    const rw_trace_rec *r;
    int32_t *buf[40];
    rw_bfv got[40];   /* outputs as computed by the replay */
} dec;

static const rw_trace_opnd *opnd(const rw_trace_rec *r, uint32_t out, const char *role,
                                 uint32_t nth)
{
    for (uint32_t i = 0; i < r->n_operands; i++)
        if (r->op[i].out == out && strcmp(r->op[i].role, role) == 0 && nth-- == 0)
            return &r->op[i];
    return NULL;
}

static int32_t *words(dec *d, const rw_trace_opnd *o)
{
    size_t i = (size_t)(o - d->r->op);
    if (!d->buf[i]) {
        d->buf[i] = malloc((o->n ? o->n : 1) * sizeof(int32_t));
        for (uint32_t k = 0; d->buf[i] && k < o->n; k++)
            d->buf[i][k] = (int32_t)rw_le32(o->data + 4 * (size_t)k);
    }
    return d->buf[i];
}

/* An input as a vector (NULL data when the record lacks it). */
static rw_cbfv in_bfv(dec *d, const char *role, uint32_t nth)
{
    const rw_trace_opnd *o = opnd(d->r, 0, role, nth);
    rw_cbfv v = {NULL, 0, 0};
    if (o && o->type == RW_OT_BFV) {
        v.m = words(d, o);
        v.e = o->e;
        v.n = o->n;
    }
    return v;
}

/* A writable copy of an input vector (states updated in place). */
static rw_bfv in_copy(dec *d, const char *role, uint32_t nth)
{
    rw_cbfv c = in_bfv(d, role, nth);
    rw_bfv v = {NULL, c.e, c.n};
    if (c.m && (v.m = malloc((c.n ? c.n : 1) * sizeof *v.m)))
        memcpy(v.m, c.m, c.n * sizeof *v.m);
    return v;
}

static const int32_t *in_words(dec *d, const char *role)
{
    const rw_trace_opnd *o = opnd(d->r, 0, role, 0);
    return o ? words(d, o) : NULL;
}

/* Compares a computed vector with the recorded output; returns 0 when equal. */
static int differs(dec *d, const char *role, uint32_t nth, const int32_t *m, int32_t e,
                   uint32_t n, int has_e, char *why, size_t wl)
{
    const rw_trace_opnd *o = opnd(d->r, 1, role, nth);
    const int32_t *want;
    if (!o || o->n != n) {
        snprintf(why, wl, "output '%s' missing or of %u elements, computed %u", role,
                 o ? o->n : 0, n);
        return 1;
    }
    want = words(d, o);
    if (has_e && o->e != e) {
        snprintf(why, wl, "output '%s': exponent %d, recorded %d", role, e, o->e);
        return 1;
    }
    for (uint32_t i = 0; i < n; i++)
        if (want[i] != m[i]) {
            snprintf(why, wl, "output '%s'[%u]: %d, recorded %d", role, i, m[i], want[i]);
            return 1;
        }
    return 0;
}

static int vec_differs(dec *d, const char *role, uint32_t nth, const rw_bfv *v, char *why,
                       size_t wl)
{
    return differs(d, role, nth, v->m, v->e, v->n, 1, why, wl);
}

/* The weight matrix a matvec record names. */
static const rw_qmat *weight(const rw_trace_rec *r, const rw_qtensor *list, size_t n)
{
    const rw_trace_opnd *o = opnd(r, 0, "W", 0);
    char name[RW_QNAME_MAX + 1];
    if (!o || o->type != RW_OT_WEIGHT || o->n > RW_QNAME_MAX)
        return NULL;
    memcpy(name, o->data, o->n);
    name[o->n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (list[i].kind == RW_QK_QMAT && strcmp(list[i].name, name) == 0)
            return list[i].dst;
    return NULL;
}

typedef struct replay_ctx {
    rw_golden *g;
    const rw_qtensor *list;
    size_t n_list;
} replay_ctx;

static int replay_elementwise(replay_ctx *c, dec *d, rw_bfv *y, char *why, size_t wl)
{
    const char *u = d->r->unit;
    int64_t *tmp = c->g->ws.tmp;
    rw_cbfv a = in_bfv(d, "a", 0), b = in_bfv(d, "b", 0), x = in_bfv(d, "x", 0);
    if (!strcmp(u, "add") || !strcmp(u, "sub") || !strcmp(u, "mul")) {
        if (!a.m || !b.m)
            return snprintf(why, wl, "inputs a, b missing"), 1;
        (!strcmp(u, "add") ? rw_add : !strcmp(u, "sub") ? rw_sub : rw_mul)(y, a, b, tmp);
    } else if (!strcmp(u, "lerp")) {
        rw_cbfv t = in_bfv(d, "t", 0);
        if (!a.m || !b.m || !t.m)
            return snprintf(why, wl, "inputs a, b, t missing"), 1;
        rw_lerp(y, a, b, t, tmp);
    } else {
        if (!x.m)
            return snprintf(why, wl, "input x missing"), 1;
        if (!strcmp(u, "copy")) {
            memcpy(y->m, x.m, x.n * sizeof *x.m);
            y->e = x.e;
            y->n = x.n;
        } else if (!strcmp(u, "relu_sq"))
            rw_relu_sq(y, x, tmp);
        else if (!strcmp(u, "sigmoid"))
            rw_sigmoid(y, x, tmp);
        else
            rw_tanh(y, x, tmp);
    }
    return vec_differs(d, "y", 0, y, why, wl);
}

static int replay_decay(dec *d, char *why, size_t wl)
{
    rw_cbfv x = in_bfv(d, "x", 0);
    uint32_t *w = malloc((x.n ? x.n : 1) * sizeof *w);
    int bad;
    if (!x.m || !w) {
        free(w);
        return snprintf(why, wl, "input x missing"), 1;
    }
    (strcmp(d->r->unit, "decay6") == 0 ? rw_decay6 : rw_decay7)(w, x);
    bad = differs(d, "w", 0, (const int32_t *)w, 0, x.n, 0, why, wl);
    free(w);
    return bad;
}

static int replay_matvec(replay_ctx *c, dec *d, rw_bfv *y, char *why, size_t wl)
{
    const rw_qmat *W = weight(d->r, c->list, c->n_list);
    rw_cbfv x = in_bfv(d, "x", 0);
    rw_gws *w = &c->g->ws;
    if (!W || !x.m || x.n != W->cols)
        return snprintf(why, wl, "weight unknown or input x missing / of the wrong size"), 1;
    rw_act_quant(&w->act, x);
    rw_matvec(y, W, &w->act, w->acc, w->eacc);
    return vec_differs(d, "y", 0, y, why, wl);
}

static int replay_norm(replay_ctx *c, dec *d, rw_bfv *y, char *why, size_t wl)
{
    const int32_t *groups = in_words(d, "groups");
    rw_cbfv x = in_bfv(d, "x", 0);
    if (!groups || !x.m || groups[0] <= 0 || x.n % (uint32_t)groups[0])
        return snprintf(why, wl, "inputs missing or inconsistent"), 1;
    if (!strcmp(d->r->unit, "norm"))
        rw_groupnorm(y, x, in_bfv(d, "w", 0), in_bfv(d, "b", 0), (uint32_t)groups[0],
                     in_bfv(d, "inv_n", 0), in_bfv(d, "eps", 0), &c->g->ws.norm);
    else
        rw_l2norm(y, x, (uint32_t)groups[0], in_bfv(d, "eps_sq", 0), &c->g->ws.norm);
    return vec_differs(d, "y", 0, y, why, wl);
}

static int replay_embed(replay_ctx *c, dec *d, rw_bfv *y, char *why, size_t wl)
{
    const int32_t *tok = in_words(d, "token");
    const rw_qmodel *q = c->g->q;
    if (!tok || (uint32_t)tok[0] >= q->info.n_vocab)
        return snprintf(why, wl, "token missing or out of range"), 1;
    for (uint32_t i = 0; i < q->info.n_embd; i++)
        c->g->ws.tmp[i] = q->emb.q[(size_t)(uint32_t)tok[0] * q->info.n_embd + i];
    rw_normalize(y, c->g->ws.tmp, q->emb.e[(uint32_t)tok[0]], q->info.n_embd);
    return vec_differs(d, "y", 0, y, why, wl);
}

static int replay_wkv4(replay_ctx *c, dec *d, rw_bfv *y, char *why, size_t wl)
{
    rw_wkv4_state s = {in_copy(d, "aa", 0), in_copy(d, "bb", 0), NULL};
    const int32_t *pp = in_words(d, "pp"), *decay = in_words(d, "decay"),
                  *first = in_words(d, "first");
    rw_cbfv k = in_bfv(d, "k", 0), v = in_bfv(d, "v", 0);
    int bad = 1;
    if (s.aa.m && s.bb.m && pp && decay && first && k.m && v.m &&
        (s.pp = malloc(k.n * sizeof *s.pp))) {
        memcpy(s.pp, pp, k.n * sizeof *s.pp);
        rw_wkv4(y, k, v, decay, first, &s, &c->g->ws.wkv);
        bad = vec_differs(d, "y", 0, y, why, wl) || vec_differs(d, "aa'", 0, &s.aa, why, wl) ||
              vec_differs(d, "bb'", 0, &s.bb, why, wl) ||
              differs(d, "pp'", 0, s.pp, 0, k.n, 0, why, wl);
    } else {
        snprintf(why, wl, "inputs missing");
    }
    free(s.aa.m);
    free(s.bb.m);
    free(s.pp);
    return bad;
}

/* 5.x/6 and 7: the state comes as one operand per head. */
static int replay_wkv_matrix(replay_ctx *c, dec *d, rw_bfv *y, char *why, size_t wl)
{
    const rwkvacc_model_info *I = &c->g->q->info;
    uint32_t H = I->n_head;
    rw_bfv *S = calloc(H ? H : 1, sizeof *S);
    const int32_t *w = in_words(d, "w");
    int bad = 1, ok = S && w;
    for (uint32_t h = 0; ok && h < H; h++)
        ok = (S[h] = in_copy(d, "S", h)).m != NULL && S[h].n == I->head_size * I->head_size;
    if (ok && !strcmp(d->r->unit, "wkv5"))
        rw_wkv5(y, in_bfv(d, "r", 0), in_bfv(d, "k", 0), in_bfv(d, "v", 0),
                (const uint32_t *)w, in_bfv(d, "u", 0), S, H, I->head_size, &c->g->ws.wkv);
    else if (ok)
        rw_wkv7(y, in_bfv(d, "r", 0), (const uint32_t *)w, in_bfv(d, "k", 0),
                in_bfv(d, "v", 0), in_bfv(d, "kk", 0), in_bfv(d, "a", 0), S, H,
                I->head_size, &c->g->ws.wkv);
    if (ok) {
        bad = vec_differs(d, "y", 0, y, why, wl);
        for (uint32_t h = 0; !bad && h < H; h++)
            bad = vec_differs(d, "S'", h, &S[h], why, wl);
    } else {
        snprintf(why, wl, "inputs missing or state of the wrong shape");
    }
    for (uint32_t h = 0; S && h < H; h++)
        free(S[h].m);
    free(S);
    return bad;
}

static int replay_bonus7(replay_ctx *c, dec *d, rw_bfv *y, char *why, size_t wl)
{
    const rwkvacc_model_info *I = &c->g->q->info;
    rw_cbfv r = in_bfv(d, "r", 0), k = in_bfv(d, "k", 0), rk = in_bfv(d, "r_k", 0),
            v = in_bfv(d, "v", 0);
    if (!r.m || !k.m || !rk.m || !v.m)
        return snprintf(why, wl, "inputs missing"), 1;
    rw_bonus7(y, r, k, rk, v, I->n_head, I->head_size, &c->g->ws.wkv);
    return vec_differs(d, "y", 0, y, why, wl);
}

/* Runs one record; returns 1 on a mismatch (why says where), -1 for an unknown unit. */
static int replay(replay_ctx *c, const rw_trace_rec *r, rw_bfv *y, char *why, size_t wl)
{
    static const char *const elementwise[] = {"add", "sub", "mul", "lerp", "relu_sq",
                                              "sigmoid", "tanh", "copy"};
    dec d;
    int res = -1;
    memset(&d, 0, sizeof d);
    d.r = r;
    for (size_t i = 0; i < sizeof elementwise / sizeof elementwise[0]; i++)
        if (!strcmp(r->unit, elementwise[i]))
            res = replay_elementwise(c, &d, y, why, wl);
    if (!strcmp(r->unit, "decay6") || !strcmp(r->unit, "decay7"))
        res = replay_decay(&d, why, wl);
    else if (!strcmp(r->unit, "matvec"))
        res = replay_matvec(c, &d, y, why, wl);
    else if (!strcmp(r->unit, "norm") || !strcmp(r->unit, "l2norm"))
        res = replay_norm(c, &d, y, why, wl);
    else if (!strcmp(r->unit, "embed"))
        res = replay_embed(c, &d, y, why, wl);
    else if (!strcmp(r->unit, "wkv4"))
        res = replay_wkv4(c, &d, y, why, wl);
    else if (!strcmp(r->unit, "wkv5") || !strcmp(r->unit, "wkv7"))
        res = replay_wkv_matrix(c, &d, y, why, wl);
    else if (!strcmp(r->unit, "bonus7"))
        res = replay_bonus7(c, &d, y, why, wl);
    for (size_t i = 0; i < sizeof d.buf / sizeof d.buf[0]; i++)
        free(d.buf[i]);
    return res;
}

static rw_conform_count *count_for(rw_conform *res, const char *unit)
{
    for (size_t i = 0; i < res->n_units; i++)
        if (!strcmp(res->units[i].unit, unit))
            return &res->units[i];
    if (res->n_units == sizeof res->units / sizeof res->units[0])
        return NULL;
    snprintf(res->units[res->n_units].unit, sizeof res->units[0].unit, "%s", unit);
    return &res->units[res->n_units++];
}

rwkvacc_status rw_conform_run(const rw_qmodel *q, const uint8_t *buf, size_t len,
                              const char *file, rw_conform *res, rwkvacc_error *err)
{
    replay_ctx c = {rw_golden_new(q), NULL, 0};
    rw_qtensor *list = NULL;
    rw_trace_rec *r = malloc(sizeof *r);
    rw_bfv y = {NULL, 0, 0};
    rwkvacc_status st = RWKVACC_OK;
    memset(res, 0, sizeof *res);
    res->first_bad = UINT64_MAX;
    if (!c.g || !r)
        st = rw_fail(err, RWKVACC_E_NOMEM, "%s: out of memory", file);
    else
        st = rw_qmodel_tensors((rw_qmodel *)q, NULL, &list, &c.n_list, err);
    c.list = list;
    /* outputs: up to the vocabulary (head) or the FFN width */
    if (!st && !(y.m = malloc(((size_t)q->info.n_vocab + q->info.n_embd * 8u) * sizeof *y.m)))
        st = rw_fail(err, RWKVACC_E_NOMEM, "%s: out of memory", file);
    /* the trailer says how many records there are: any truncation is caught */
    if (!st && (len < RW_TRACE_END_BYTES ||
                memcmp(buf + len - RW_TRACE_END_BYTES, RW_TRACE_END_MAGIC, 4) != 0))
        st = rw_fail(err, RWKVACC_E_FORMAT, "%s: no trailer: the file is truncated or not "
                     "golden vectors", file);
    if (!st)
        len -= RW_TRACE_END_BYTES;
    for (size_t off = 0; !st && off < len;) {
        char why[160] = "";
        rw_conform_count *k;
        int bad;
        if ((st = rw_trace_read(buf, len, &off, r, file, err)) != RWKVACC_OK)
            break;
        bad = replay(&c, r, &y, why, sizeof why);
        if (bad < 0) {
            st = rw_fail(err, RWKVACC_E_FORMAT, "%s: record %u has unknown unit '%s'", file,
                         r->index, r->unit);
            break;
        }
        if (!(k = count_for(res, r->unit)))
            continue;
        k->records++;
        k->mismatches += (uint64_t)bad;
        if (bad && res->first_bad == UINT64_MAX) {
            res->first_bad = r->index;
            snprintf(res->first_bad_what, sizeof res->first_bad_what, "%s %s: %s", r->unit,
                     r->name, why);
        }
    }
    if (!st && r && r->index + 1 != rw_le32(buf + len + 4))
        st = rw_fail(err, RWKVACC_E_FORMAT, "%s: %u records, the trailer says %u", file,
                     r->index + 1, rw_le32(buf + len + 4));
    free(y.m);
    free(list);
    free(r);
    rw_golden_free(c.g);
    return st;
}
