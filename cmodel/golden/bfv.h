/*
 * bfv.h - the integer number system of the golden datapath (docs/numerics.md):
 * block-floating vectors (int32 mantissas sharing one exponent), the rounding
 * shift that every narrowing uses, and the elementwise operations on them.
 * Pure integer code: no float, no division, no implementation-defined shifts.
 *
 * A vector's value is m[i] * 2^e. Every operation returns its result normalized:
 * 2^29 <= max |m[i]| <= 2^30, or all zero with e = 0; every operand has
 * |m[i]| <= 2^30.
 */
#ifndef RWKVACC_BFV_H
#define RWKVACC_BFV_H

#include <stddef.h>
#include <stdint.h>

#define RW_BFV_BITS 30 /* normalized mantissas: max |m| in [2^29, 2^30] */
#define RW_ACT_BITS 16 /* matrix-vector inputs: int16, |q| <= 32767 */

typedef struct rw_bfv {
    int32_t *m;
    int32_t e;
    uint32_t n;
} rw_bfv;

/* A read-only block-floating vector (model constants). */
typedef struct rw_cbfv {
    const int32_t *m;
    int32_t e;
    uint32_t n;
} rw_cbfv;

/* Matrix-vector input: value q[i] * 2^e. */
typedef struct rw_act16 {
    int16_t *q;
    int32_t e;
    uint32_t n;
} rw_act16;

/* Number of significant bits of |v| (0 for 0). */
static inline uint32_t rw_bitlen(uint64_t v)
{
#if defined(__GNUC__)
    return v ? 64u - (uint32_t)__builtin_clzll(v) : 0u;
#else
    uint32_t n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n;
#endif
}

/* |v| as unsigned (exact for INT64_MIN too). */
static inline uint64_t rw_mag(int64_t v)
{
    return v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
}

/* v / 2^s rounded to nearest, ties to even; any s (s > 63 gives 0). Computed on
 * the magnitude, so no negative value is shifted. */
static inline int64_t rw_shr_rne(int64_t v, uint32_t s)
{
    uint64_t u, q, rem, half;
    if (s == 0)
        return v;
    if (s > 63)
        return 0;
    u = rw_mag(v);
    q = u >> s;
    rem = u & ((UINT64_C(1) << s) - 1);
    half = UINT64_C(1) << (s - 1);
    q += (uint64_t)(rem > half) | ((uint64_t)(rem == half) & q);
    return v < 0 ? -(int64_t)q : (int64_t)q;
}
/* RNE(v / 2^s) for |v| < 2^62 and 1 <= s <= 61, in unsigned arithmetic that
 * vectorizes: with u = v + 2^62 >= 0 (2^62 / 2^s is even, so the parity of the
 * quotient is unchanged), floor((u + 2^(s-1) - 1 + q0) / 2^s) with q0 the parity
 * of floor(u / 2^s) rounds ties to even; then the bias is taken off again.
 * Equal to rw_shr_rne on that domain (tests/unit/test_bfv.c); the loops use it
 * where the domain holds, the definition stays rw_shr_rne. */
static inline int64_t rw_shr_rne_fast(int64_t v, uint32_t s)
{
    const uint64_t bias = UINT64_C(1) << 62;
    uint64_t u = (uint64_t)v + bias;
    uint64_t q = (u + (UINT64_C(1) << (s - 1)) - 1 + ((u >> s) & 1u)) >> s;
    return (int64_t)(q - (bias >> s));
}

/* v * 2^k: exact for k >= 0 (the caller guarantees the result fits; done as a
 * multiplication, never a signed shift), rw_shr_rne(v, -k) for k < 0. */
static inline int64_t rw_shift(int64_t v, int32_t k)
{
    if (k >= 0)
        return k < 63 ? v * ((int64_t)1 << k) : 0 * v;
    return rw_shr_rne(v, (uint32_t)-k);
}

/* y = v * 2^e, normalized. v holds n values with |v| < 2^62. */
void rw_normalize(rw_bfv *y, const int64_t *v, int32_t e, uint32_t n);
/* y = v[i] * 2^e[i] (one exponent per element), normalized. */
void rw_normalize_each(rw_bfv *y, const int64_t *v, const int32_t *e, uint32_t n);

/* View of a constant as a read-only vector and back. */
rw_cbfv rw_cview(const rw_bfv *a);

/* Elementwise; y may be a or b (not t). tmp: n int64 of scratch. In add and sub,
 * b may be a scalar (n = 1), broadcast. */
void rw_add(rw_bfv *y, rw_cbfv a, rw_cbfv b, int64_t *tmp);
void rw_sub(rw_bfv *y, rw_cbfv a, rw_cbfv b, int64_t *tmp);
void rw_mul(rw_bfv *y, rw_cbfv a, rw_cbfv b, int64_t *tmp);
/* y = a + (b - a) * t, as sub, mul, add (three roundings). y must not alias a,
 * b or t. */
void rw_lerp(rw_bfv *y, rw_cbfv a, rw_cbfv b, rw_cbfv t, int64_t *tmp);
/* y = a * s[0] (s a scalar: n = 1). */
void rw_mul_scalar(rw_bfv *y, rw_cbfv a, rw_cbfv s, int64_t *tmp);
/* y = max(a, 0)^2. */
void rw_relu_sq(rw_bfv *y, rw_cbfv a, int64_t *tmp);
/* Sign of a - b for scalars: -1, 0, 1. */
int rw_cmp_scalar(rw_cbfv a, rw_cbfv b);
/* Scalar sum of a's elements (y->n = 1). */
void rw_sum(rw_bfv *y, rw_cbfv a);

/* q = a rounded to int16 with a shared exponent (RNE; 32768 becomes 32767). */
void rw_act_quant(rw_act16 *q, rw_cbfv a);

#endif
