/*
 * test_bfv.c - the golden datapath's core operations (bfv.c, matvec.c) against
 * independent re-implementations of their definitions in docs/numerics.md, written
 * here with 128-bit arithmetic: rounding shifts with ties, normalization,
 * add/sub alignment, mul, act_quant's clamp, INT8/INT4 matrix-vector products.
 * Random vectors plus corner cases: zeros, +-2^30, most negative, ties.
 */
#include "check.h"
#include "golden/bfv.h"
#include "golden/matvec.h"

#include <stdlib.h>
#include <string.h>

typedef __int128 i128;

static uint64_t rs = 88172645463325252ull;
static uint64_t rnd(void)
{
    return check_rand(&rs);
}

/* RNE of n / 2^s (s >= 0) by floor division on 128 bits. */
static i128 ref_rne(i128 n, int s)
{
    i128 d = (i128)1 << s, q, r;
    if (s == 0)
        return n;
    q = n >= 0 ? n / d : -((-n + d - 1) / d);
    r = n - q * d;
    if (2 * r > d || (2 * r == d && (q & 1)))
        q++;
    return q;
}

static i128 ref_shift(i128 v, int k)
{
    return k >= 0 ? v * ((i128)1 << k) : (k < -100 ? 0 : ref_rne(v, -k));
}

static int bitlen128(i128 v)
{
    int n = 0;
    if (v < 0)
        v = -v;
    while (v) {
        n++;
        v >>= 1;
    }
    return n;
}

static int64_t rand_i64(int bits)
{
    int64_t v = (int64_t)(rnd() >> (64 - bits));
    return rnd() & 1 ? -v : v;
}

static void test_shr(void)
{
    int bad = 0;
    static const struct { int64_t v; uint32_t s; int64_t want; } ties[] = {
        {1, 1, 0}, {3, 1, 2}, {5, 1, 2}, {-1, 1, 0}, {-3, 1, -2}, {-5, 1, -2},
        {6, 2, 2}, {10, 2, 2}, {-6, 2, -2}, {INT64_MAX, 63, 1}, {INT64_MIN, 63, -1},
        {INT64_MIN, 1, INT64_MIN / 2}, {7, 0, 7}, {12345, 64, 0},
    };
    for (size_t i = 0; i < sizeof ties / sizeof ties[0]; i++)
        if (rw_shr_rne(ties[i].v, ties[i].s) != ties[i].want) {
            printf("# shr_rne(%lld, %u) = %lld, want %lld\n", (long long)ties[i].v, ties[i].s,
                   (long long)rw_shr_rne(ties[i].v, ties[i].s), (long long)ties[i].want);
            bad++;
        }
    check(bad == 0, "bfv-shr-rne-ties", "%d wrong", bad);
    bad = 0;
    for (int i = 0; i < 200000; i++) {
        int64_t v = rand_i64(1 + (int)(rnd() % 63));
        uint32_t s = (uint32_t)(rnd() % 64);
        bad += (i128)rw_shr_rne(v, s) != ref_rne(v, (int)s);
    }
    check(bad == 0, "bfv-shr-rne-random", "%d of 200000 differ", bad);
    bad = 0;
    for (int i = 0; i < 200000; i++) { /* the vectorizable form, on its domain */
        int64_t v = rand_i64(1 + (int)(rnd() % 62));
        uint32_t s = 1 + (uint32_t)(rnd() % 61);
        if (i < 64) /* ties and extremes */
            v = (i & 1 ? -1 : 1) * (((int64_t)(i / 2 % 5) << s) + ((int64_t)1 << (s - 1)));
        bad += (i128)rw_shr_rne_fast(v, s) != ref_rne(v, (int)s);
    }
    check(bad == 0, "bfv-shr-rne-fast", "%d of 200000 differ from the definition", bad);
}

/* The normalize definition on 128 bits. */
static void ref_normalize(int32_t *m, int32_t *e, const int64_t *v, int32_t e0, uint32_t n)
{
    i128 mx = 0;
    int b, k;
    for (uint32_t i = 0; i < n; i++)
        if ((v[i] < 0 ? -(i128)v[i] : v[i]) > mx)
            mx = v[i] < 0 ? -(i128)v[i] : v[i];
    if (!mx) {
        memset(m, 0, n * sizeof *m);
        *e = 0;
        return;
    }
    b = bitlen128(mx);
    k = 30 - b;
    for (uint32_t i = 0; i < n; i++)
        m[i] = (int32_t)ref_shift(v[i], k);
    *e = e0 - k;
}

static int normalized(const rw_bfv *y)
{
    int32_t mx = 0;
    for (uint32_t i = 0; i < y->n; i++)
        mx = abs(y->m[i]) > mx ? abs(y->m[i]) : mx;
    return mx == 0 ? y->e == 0 : (mx >= (1 << 29) && mx <= (1 << 30));
}

enum { N = 37 };

static void rand_bfv(rw_bfv *a, int32_t *buf, int zero)
{
    int bits = 1 + (int)(rnd() % 30);
    a->m = buf;
    a->n = N;
    a->e = (int32_t)(rnd() % 121) - 60;
    for (int i = 0; i < N; i++)
        buf[i] = zero ? 0 : (int32_t)rand_i64(bits);
    if (!zero && rnd() % 8 == 0)
        buf[rnd() % N] = rnd() & 1 ? (1 << 30) : -(1 << 30);
}

/* add/sub per the definition: alignment exponent, shifts, normalize. */
static void ref_addsub(int32_t *m, int32_t *e, const rw_bfv *a, const rw_bfv *b, int neg)
{
    int za = 1, zb = 1;
    int64_t v[N];
    int32_t ea, eb, hi, lo, t;
    for (int i = 0; i < N; i++) {
        za &= a->m[i] == 0;
        zb &= b->m[i] == 0;
    }
    ea = za ? b->e : a->e;
    eb = zb ? a->e : b->e;
    hi = ea > eb ? ea : eb;
    lo = ea > eb ? eb : ea;
    t = lo > hi - 31 ? lo : hi - 31;
    for (int i = 0; i < N; i++) {
        i128 x = ref_shift(a->m[i], a->e - t), z = ref_shift(b->m[i], b->e - t);
        v[i] = (int64_t)(neg ? x - z : x + z);
    }
    ref_normalize(m, e, v, t, N);
}

static void test_elementwise(void)
{
    int bad_add = 0, bad_sub = 0, bad_mul = 0, bad_norm = 0;
    int32_t ba[N], bb[N], by[N], rm[N];
    int64_t tmp[N];
    for (int it = 0; it < 20000; it++) {
        rw_bfv a, b, y = {by, 0, N};
        int32_t re;
        int64_t p[N];
        rand_bfv(&a, ba, it % 50 == 0);
        rand_bfv(&b, bb, it % 70 == 1);
        if (it % 3 == 0)
            b.e = a.e + (int32_t)(rnd() % 80) - 40;
        rw_add(&y, rw_cview(&a), rw_cview(&b), tmp);
        ref_addsub(rm, &re, &a, &b, 0);
        bad_add += memcmp(rm, y.m, sizeof rm) != 0 || re != y.e || !normalized(&y);
        rw_sub(&y, rw_cview(&a), rw_cview(&b), tmp);
        ref_addsub(rm, &re, &a, &b, 1);
        bad_sub += memcmp(rm, y.m, sizeof rm) != 0 || re != y.e || !normalized(&y);
        rw_mul(&y, rw_cview(&a), rw_cview(&b), tmp);
        for (int i = 0; i < N; i++)
            p[i] = (int64_t)a.m[i] * b.m[i];
        ref_normalize(rm, &re, p, a.e + b.e, N);
        bad_mul += memcmp(rm, y.m, sizeof rm) != 0 || re != y.e || !normalized(&y);
        for (int i = 0; i < N; i++)
            p[i] = rand_i64(1 + (int)(rnd() % 61));
        rw_normalize(&y, p, -7, N);
        ref_normalize(rm, &re, p, -7, N);
        bad_norm += memcmp(rm, y.m, sizeof rm) != 0 || re != y.e || !normalized(&y);
    }
    check(bad_add == 0, "bfv-add", "%d of 20000 differ from the definition", bad_add);
    check(bad_sub == 0, "bfv-sub", "%d of 20000 differ from the definition", bad_sub);
    check(bad_mul == 0, "bfv-mul", "%d of 20000 differ from the definition", bad_mul);
    check(bad_norm == 0, "bfv-normalize", "%d of 20000 differ from the definition", bad_norm);
}

static void test_corners(void)
{
    int32_t am[2] = {1 << 30, -(1 << 30)}, bm[2] = {1 << 30, 1 << 30}, ym[2];
    int32_t zm[2] = {0, 0};
    int64_t tmp[2];
    int16_t q[2];
    rw_bfv a = {am, 5, 2}, b = {bm, 5, 2}, y = {ym, 0, 2}, z = {zm, 12345, 2};
    rw_act16 aq = {q, 0, 2};
    /* largest operands: 2^30 + 2^30 = 2^31 renormalizes to 2^29 at e + 2 */
    rw_add(&y, rw_cview(&a), rw_cview(&b), tmp);
    check(ym[0] == (1 << 29) && ym[1] == 0 && y.e == 7, "bfv-add-saturated",
          "got %d %d e %d", ym[0], ym[1], y.e);
    /* a zero operand with a far-away exponent does not cost precision */
    am[0] = 0x2aaaaaab;
    am[1] = -0x15555555;
    a.e = -200;
    rw_add(&y, rw_cview(&z), rw_cview(&a), tmp);
    check(ym[0] == 0x2aaaaaab && ym[1] == -0x15555555 && y.e == -200, "bfv-add-zero-operand",
          "got %d %d e %d", ym[0], ym[1], y.e);
    rw_mul(&y, rw_cview(&z), rw_cview(&a), tmp);
    check(ym[0] == 0 && ym[1] == 0 && y.e == 0, "bfv-mul-zero", "zero product not canonical");
    /* into int16: (2^30 - 1) / 2^15 rounds to 32768 and clamps to 32767; 2^30 itself
     * has 31 bits and shifts by 16 */
    am[0] = (1 << 30) - 1;
    am[1] = -((1 << 30) - 1);
    a.e = 0;
    rw_act_quant(&aq, rw_cview(&a));
    check(q[0] == 32767 && q[1] == -32767 && aq.e == 15, "bfv-act-quant-clamp",
          "got %d %d e %d", q[0], q[1], aq.e);
    am[0] = (1 << 30) - (1 << 15) - (1 << 14); /* 32766.5 * 2^15: tie, to even 32766 */
    am[1] = 3;
    rw_act_quant(&aq, rw_cview(&a));
    check(q[0] == 32766 && q[1] == 0 && aq.e == 15, "bfv-act-quant-tie", "got %d %d e %d", q[0],
          q[1], aq.e);
    am[0] = 1 << 30;
    rw_act_quant(&aq, rw_cview(&a));
    check(q[0] == 16384 && aq.e == 16, "bfv-act-quant-top", "got %d e %d", q[0], aq.e);
    rw_act_quant(&aq, rw_cview(&z));
    check(q[0] == 0 && aq.e == 0, "bfv-act-quant-zero", "zero vector not canonical");
}

/* y = W x by the definition with 128-bit sums. */
static void ref_matvec(int32_t *m, int32_t *e, const rw_qmat *W, const rw_act16 *x)
{
    int64_t v[64];
    int32_t ev[64];
    uint32_t ng = rw_qmat_groups(W);
    i128 mx = 0;
    int top = -100000;
    for (uint32_t r = 0; r < W->rows; r++) {
        i128 acc = 0;
        for (uint32_t g = 0; g < ng; g++) {
            i128 p = 0;
            for (uint32_t j = g * W->group; j < W->cols && j < (g + 1) * W->group; j++)
                p += (i128)rw_qmat_q(W, r, j) * x->q[j];
            acc += p * W->sm[r * ng + g];
        }
        v[r] = (int64_t)acc;
        ev[r] = W->se[r] + x->e;
        if (acc && bitlen128(acc) + ev[r] > top)
            top = bitlen128(acc) + ev[r];
        (void)mx;
    }
    if (top == -100000) {
        memset(m, 0, W->rows * sizeof *m);
        *e = 0;
        return;
    }
    for (uint32_t r = 0; r < W->rows; r++)
        m[r] = (int32_t)ref_shift(v[r], ev[r] - (top - 30));
    *e = top - 30;
}

static void test_matvec(int bits)
{
    enum { ROWS = 24, COLS = 600 };
    static int8_t q8[ROWS * COLS];
    static uint8_t q4[ROWS * COLS / 2];
    static uint16_t sm[ROWS * 20];
    static int16_t se[ROWS];
    static int16_t xq[COLS];
    int32_t ym[ROWS], rm[ROWS], re;
    int64_t acc[ROWS];
    int32_t eacc[ROWS];
    int bad = 0, over = 0;
    char name[32];
    for (int it = 0; it < 300; it++) {
        uint32_t group = bits == 8 ? COLS : 32 + 2 * (uint32_t)(rnd() % 49);
        rw_qmat W = {ROWS, COLS, (uint32_t)bits, group, q8, q4, sm, se, 0};
        rw_act16 x = {xq, (int32_t)(rnd() % 40) - 20, COLS};
        rw_bfv y = {ym, 0, ROWS};
        int extreme = it % 10 == 0; /* every weight and input at its maximum */
        for (int i = 0; i < ROWS * COLS; i++)
            q8[i] = extreme ? 127 : (int8_t)((int)(rnd() % 255) - 127);
        for (int i = 0; i < ROWS * COLS / 2; i++) {
            int lo = extreme ? 7 : (int)(rnd() % 15) - 7, hi = extreme ? -7 : (int)(rnd() % 15) - 7;
            q4[i] = (uint8_t)((lo & 15) | (hi & 15) << 4);
        }
        for (int i = 0; i < ROWS * 20; i++)
            sm[i] = extreme ? 65535 : (uint16_t)(rnd() & 0xffff);
        for (int r = 0; r < ROWS; r++)
            se[r] = (int16_t)((int)(rnd() % 30) - 40);
        for (int j = 0; j < COLS; j++)
            xq[j] = extreme ? 32767 : (int16_t)((int)(rnd() % 65535) - 32767);
        if (it == 5)
            memset(xq, 0, sizeof xq);
        over += (int)rw_matvec(&y, &W, &x, acc, eacc);
        ref_matvec(rm, &re, &W, &x);
        bad += memcmp(rm, ym, sizeof rm) != 0 || re != y.e || !normalized(&y);
    }
    snprintf(name, sizeof name, "matvec-int%d", bits);
    check(bad == 0 && over == 0, name, "%d of 300 differ from the definition, %d acc events",
          bad, over);
}

int main(void)
{
    test_shr();
    test_elementwise();
    test_corners();
    test_matvec(8);
    test_matvec(4);
    return check_exit();
}
