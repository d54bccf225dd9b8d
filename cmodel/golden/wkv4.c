/*
 * wkv4.c - the golden WKV unit of RWKV-4: per channel a numerator aa and a
 * denominator bb (block-floating vectors) scaled by exp(-pp), with the running
 * maximum pp kept in Q15.16 so that one of the two exp() factors is always 1
 * (docs/numerics.md). The empty state has aa = bb = 0 and pp = RW_PP_MIN.
 */
#include "wkv.h"

#include "sfu.h"

static int32_t clamp_log(int64_t x)
{
    return (int32_t)(x > RW_LOG_MAX ? RW_LOG_MAX : x < -RW_LOG_MAX ? -RW_LOG_MAX : x);
}

/* k as Q15.16 clamped to +-RW_LOG_MAX; returns the number clamped. */
static uint32_t to_q16(int32_t *q, rw_cbfv k)
{
    uint32_t clamped = 0;
    for (uint32_t i = 0; i < k.n; i++) {
        int64_t m = k.m[i];
        int32_t sh = k.e + 16;
        uint32_t len = rw_bitlen((uint64_t)(m < 0 ? -m : m));
        int64_t x = m != 0 && sh > 0 && len + (uint32_t)sh > 30
                        ? (m < 0 ? -RW_LOG_MAX - 1 : RW_LOG_MAX + 1)
                        : rw_shift(m, sh);
        q[i] = clamp_log(x);
        clamped += x != q[i];
    }
    return clamped;
}

/* e1 = exp(x - p), e2 = exp(y - p) with p = max(x, y); returns p. */
static int32_t exp_pair(int32_t x, int32_t y, int32_t *e1, int32_t *e2)
{
    int32_t p = x > y ? x : y;
    *e1 = rw_exp_q16(x - p);
    *e2 = rw_exp_q16(y - p);
    return p;
}

/* y = e1 * a + e2 * b (e1, e2: Q1.30 vectors; b may be NULL for 1). */
static void mix2(rw_bfv *y, const int32_t *e1, rw_cbfv a, const int32_t *e2, const rw_cbfv *b,
                 int32_t *t, rw_wkv_ws *ws)
{
    uint32_t n = a.n;
    rw_cbfv E1 = {e1, -30, n}, E2 = {e2, -30, n};
    rw_bfv u = {t, 0, n};
    rw_mul(&u, E1, a, ws->tmp);
    if (b) {
        rw_mul(y, E2, *b, ws->tmp);
        rw_add(y, rw_cview(&u), rw_cview(y), ws->tmp);
    } else {
        rw_add(y, rw_cview(&u), E2, ws->tmp);
    }
}

/* k in Q15.16 (ws->q32) and the output's factors e1 (ws->a), e2 (ws->b). */
static uint32_t prepare(rw_cbfv k, const int32_t *first, const int32_t *pp, rw_wkv_ws *ws)
{
    uint32_t clamped = to_q16(ws->q32, k);
    for (uint32_t i = 0; i < k.n; i++)
        exp_pair(pp[i], clamp_log((int64_t)first[i] + ws->q32[i]), &ws->a[i], &ws->b[i]);
    return clamped;
}

int rw_wkv4_defined(rw_cbfv k, const int32_t *first, const rw_wkv4_state *s, rw_wkv_ws *ws)
{
    rw_bfv den = {ws->d, 0, k.n};
    prepare(k, first, s->pp, ws);
    mix2(&den, ws->a, rw_cview(&s->bb), ws->b, NULL, ws->c, ws);
    for (uint32_t i = 0; i < k.n; i++)
        if (den.m[i] == 0)
            return 0;
    return 1;
}

uint32_t rw_wkv4(rw_bfv *out, rw_cbfv k, rw_cbfv v, const int32_t *decay,
                 const int32_t *first, rw_wkv4_state *s, rw_wkv_ws *ws)
{
    uint32_t C = k.n, clamped = prepare(k, first, s->pp, ws);
    int32_t *e1 = ws->a, *e2 = ws->b;
    rw_bfv num = {ws->c, 0, C}, den = {ws->d, 0, C};
    mix2(&num, e1, rw_cview(&s->aa), e2, &v, out->m, ws);
    mix2(&den, e1, rw_cview(&s->bb), e2, NULL, out->m, ws);
    rw_recip(&den, rw_cview(&den), ws->tmp, out->m);
    rw_mul(out, rw_cview(&num), rw_cview(&den), ws->tmp);
    for (uint32_t i = 0; i < C; i++)
        s->pp[i] = exp_pair(clamp_log((int64_t)decay[i] + s->pp[i]), ws->q32[i], &e1[i], &e2[i]);
    mix2(&s->aa, e1, rw_cview(&s->aa), e2, &v, ws->c, ws);
    mix2(&s->bb, e1, rw_cview(&s->bb), e2, NULL, ws->c, ws);
    return clamped;
}
