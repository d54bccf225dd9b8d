/*
 * bfv.c - block-floating vectors: rounding shifts, normalization and elementwise
 * operations of the golden datapath (see bfv.h and docs/numerics.md). Rounding is
 * always to nearest with ties to even, computed on magnitudes so that no signed
 * value is ever shifted.
 */
#include "bfv.h"

#include <assert.h>

static void set_zero(rw_bfv *y, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        y->m[i] = 0;
    y->e = 0;
    y->n = n;
}

/* dst[i] = shift(src[i], k) for one k and |src| < 2^62: the loop every
 * normalization ends in. */
static void shift_all(int32_t *dst, const int64_t *src, int32_t k, uint32_t n)
{
    if (k >= 0) {
        int64_t f = (int64_t)1 << k;
        for (uint32_t i = 0; i < n; i++)
            dst[i] = (int32_t)(src[i] * f);
    } else if (k >= -61) {
        uint32_t s = (uint32_t)-k;
        for (uint32_t i = 0; i < n; i++)
            dst[i] = (int32_t)rw_shr_rne_fast(src[i], s);
    } else {
        for (uint32_t i = 0; i < n; i++)
            dst[i] = (int32_t)rw_shr_rne(src[i], (uint32_t)-k);
    }
}

void rw_normalize(rw_bfv *y, const int64_t *v, int32_t e, uint32_t n)
{
    uint64_t all = 0; /* bitlen(OR of magnitudes) = bitlen(max magnitude) */
    int32_t k;
    for (uint32_t i = 0; i < n; i++)
        all |= rw_mag(v[i]);
    if (all == 0) {
        set_zero(y, n);
        return;
    }
    assert(all < (UINT64_C(1) << 62));
    k = RW_BFV_BITS - (int32_t)rw_bitlen(all);
    shift_all(y->m, v, k, n);
    y->e = e - k;
    y->n = n;
}

void rw_normalize_each(rw_bfv *y, const int64_t *v, const int32_t *e, uint32_t n)
{
    int64_t top = INT64_MIN; /* max over nonzero elements of bitlen + exponent */
    int32_t ey;
    for (uint32_t i = 0; i < n; i++)
        if (v[i] != 0 && (int64_t)rw_bitlen(rw_mag(v[i])) + e[i] > top)
            top = (int64_t)rw_bitlen(rw_mag(v[i])) + e[i];
    if (top == INT64_MIN) {
        set_zero(y, n);
        return;
    }
    ey = (int32_t)(top - RW_BFV_BITS);
    for (uint32_t i = 0; i < n; i++) {
        int32_t k = e[i] - ey;
        y->m[i] = (int32_t)(k >= -61 && k < 0 && rw_mag(v[i]) < (UINT64_C(1) << 62)
                                ? rw_shr_rne_fast(v[i], (uint32_t)-k)
                                : rw_shift(v[i], k));
    }
    y->e = ey;
    y->n = n;
}

rw_cbfv rw_cview(const rw_bfv *a)
{
    rw_cbfv c = {a->m, a->e, a->n};
    return c;
}

static int is_zero(rw_cbfv a)
{
    for (uint32_t i = 0; i < a.n; i++)
        if (a.m[i])
            return 0;
    return 1;
}

/* The exponent both operands of an addition are aligned to: the smaller one,
 * but at most 31 below the larger, so that with |m| <= 2^30 the aligned sum stays
 * below 2^62. A zero operand does not count. */
static int32_t align_exp(rw_cbfv a, rw_cbfv b)
{
    int za = is_zero(a), zb = is_zero(b);
    int32_t ea = za ? b.e : a.e, eb = zb ? a.e : b.e;
    int32_t hi = ea > eb ? ea : eb, lo = ea > eb ? eb : ea;
    return lo > hi - 31 ? lo : hi - 31;
}

/* acc[i] (+)= sign * shift(m[i * stride], k), |m| <= 2^31: sign 0 stores. One
 * loop per case, so each is a plain vectorizable loop. */
static void widen(int64_t *acc, const int32_t *m, uint32_t stride, int32_t k, uint32_t n,
                  int sign)
{
    int64_t f = k >= 0 && k < 62 ? (int64_t)1 << k : 0;
    if (k < 0) {
        uint32_t s = (uint32_t)-k;
        for (uint32_t i = 0; i < n; i++) {
            int64_t v = s <= 61 ? rw_shr_rne_fast(m[i * stride], s) : 0;
            acc[i] = sign == 0 ? v : acc[i] + sign * v;
        }
        return;
    }
    if (sign == 0) {
        for (uint32_t i = 0; i < n; i++)
            acc[i] = m[i * stride] * f;
    } else {
        for (uint32_t i = 0; i < n; i++)
            acc[i] += sign * (m[i * stride] * f);
    }
}

/* b may be a scalar (n = 1), broadcast over a. Each operand's shift is one
 * constant, so the loops are plain multiplications or rounding shifts. */
static void add_sub(rw_bfv *y, rw_cbfv a, rw_cbfv b, int64_t *tmp, int neg)
{
    int32_t et = align_exp(a, b), ka = a.e - et, kb = b.e - et;
    uint32_t bs = b.n == 1 ? 0 : 1;
    assert(a.n == b.n || b.n == 1);
    widen(tmp, a.m, 1, ka, a.n, 0);
    widen(tmp, b.m, bs, kb, a.n, neg ? -1 : 1);
    rw_normalize(y, tmp, et, a.n);
}

void rw_add(rw_bfv *y, rw_cbfv a, rw_cbfv b, int64_t *tmp)
{
    add_sub(y, a, b, tmp, 0);
}

void rw_sub(rw_bfv *y, rw_cbfv a, rw_cbfv b, int64_t *tmp)
{
    add_sub(y, a, b, tmp, 1);
}

void rw_mul(rw_bfv *y, rw_cbfv a, rw_cbfv b, int64_t *tmp)
{
    assert(a.n == b.n);
    for (uint32_t i = 0; i < a.n; i++)
        tmp[i] = (int64_t)a.m[i] * b.m[i];
    rw_normalize(y, tmp, a.e + b.e, a.n);
}

void rw_mul_scalar(rw_bfv *y, rw_cbfv a, rw_cbfv s, int64_t *tmp)
{
    for (uint32_t i = 0; i < a.n; i++)
        tmp[i] = (int64_t)a.m[i] * s.m[0];
    rw_normalize(y, tmp, a.e + s.e, a.n);
}

void rw_relu_sq(rw_bfv *y, rw_cbfv a, int64_t *tmp)
{
    for (uint32_t i = 0; i < a.n; i++)
        tmp[i] = a.m[i] > 0 ? (int64_t)a.m[i] * a.m[i] : 0;
    rw_normalize(y, tmp, 2 * a.e, a.n);
}

void rw_sum(rw_bfv *y, rw_cbfv a)
{
    int64_t s = 0;
    for (uint32_t i = 0; i < a.n; i++)
        s += a.m[i];
    rw_normalize(y, &s, a.e, 1);
}

void rw_act_quant(rw_act16 *q, rw_cbfv a)
{
    uint64_t mx = 0;
    uint32_t b, s;
    for (uint32_t i = 0; i < a.n; i++)
        if (rw_mag(a.m[i]) > mx)
            mx = rw_mag(a.m[i]);
    b = rw_bitlen(mx);
    s = b > 15 ? b - 15 : 0;
    for (uint32_t i = 0; i < a.n; i++) {
        int64_t v = rw_shr_rne(a.m[i], s);
        q->q[i] = (int16_t)(v > 32767 ? 32767 : v < -32767 ? -32767 : v);
    }
    q->e = mx ? a.e + (int32_t)s : 0;
    q->n = a.n;
}

void rw_lerp(rw_bfv *y, rw_cbfv a, rw_cbfv b, rw_cbfv t, int64_t *tmp)
{
    rw_sub(y, b, a, tmp);
    rw_mul(y, rw_cview(y), t, tmp);
    rw_add(y, a, rw_cview(y), tmp);
}

int rw_cmp_scalar(rw_cbfv a, rw_cbfv b)
{
    int32_t m = 0;
    rw_bfv d = {&m, 0, 1};
    int64_t t;
    add_sub(&d, a, b, &t, 1);
    return (m > 0) - (m < 0);
}
