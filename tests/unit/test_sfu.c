/*
 * test_sfu.c - the special-function unit of the golden datapath (cmodel/golden/
 * sfu.c with the tables of scripts/gen_tables.py): accuracy sweeps against
 * double-precision math, bit exactness against an independent re-implementation
 * of the conversion and lookup, corner cases (zero, extreme mantissas and
 * exponents, domain edges, clamp counts, interpolation ties), the long-context
 * decay check and the generator's drift check.
 */
#include "check.h"
#include "golden/sfu.h"
#include "golden/tables.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VEC 16        /* elements per vector in the sweeps (one exponent each) */
#define N_SWEEP 131072 /* inputs per sweep (grid and random each) */
#define N_EXACT 4096  /* random inputs of the exactness checks */
#define LSB32 (1.0 / 4294967296.0)
#define LSB30 (1.0 / 1073741824.0)

/* ---- deterministic random numbers (splitmix64) ---- */

static uint64_t rng = UINT64_C(0x243F6A8885A308D3);

static uint64_t rnd(void)
{
    return check_rand(&rng);
}

/* Uniform in [lo, hi]. */
static int64_t rnd_in(int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

/* A random nonzero int32 mantissa: random sign and bit length 1..31 (so some
 * are far from normalized), or one of the extremes +-2^30 and INT32_MIN. */
static int32_t rnd_mant(void)
{
    uint64_t r = rnd();
    uint32_t bits = 1 + (uint32_t)(r % 31);
    int64_t m = (int64_t)((r >> 8) & ((UINT64_C(1) << bits) - 1)) | ((int64_t)1 << (bits - 1));
    switch ((r >> 5) % 64) {
    case 0: return (int32_t)1 << 30;
    case 1: return -((int32_t)1 << 30);
    case 2: return INT32_MIN;
    default: return (int32_t)((r >> 60) & 1 ? -m : m);
    }
}

/* ---- the independent integer model: tables as tables.h describes them ---- */

typedef struct tdesc {
    const char *name;
    const int32_t *s32;
    const uint32_t *u32;
    int64_t F, LO, HI, S, N, G;
} tdesc;

#define TD(NAME, name, s, u) \
    {#name, s, u, NAME##_F, NAME##_LO, NAME##_HI, NAME##_S, NAME##_N, NAME##_G}

static const tdesc t_sigmoid = TD(RW_TAB_SIGMOID, sigmoid, rw_tab_sigmoid, NULL);
static const tdesc t_tanh = TD(RW_TAB_TANH, tanh, rw_tab_tanh, NULL);
static const tdesc t_exp = TD(RW_TAB_EXP_Q16, exp_q16, rw_tab_exp_q16, NULL);
static const tdesc t_decay6 = TD(RW_TAB_DECAY6, decay6, NULL, rw_tab_decay6);
static const tdesc t_decay7 = TD(RW_TAB_DECAY7, decay7, NULL, rw_tab_decay7);
static const tdesc t_recip = TD(RW_TAB_RECIP, recip, rw_tab_recip, NULL);
static const tdesc t_rsqrt = TD(RW_TAB_RSQRT, rsqrt, rw_tab_rsqrt, NULL);

static const tdesc *const all_tabs[] = {&t_sigmoid, &t_tanh, &t_exp, &t_decay6,
                                        &t_decay7, &t_recip, &t_rsqrt};

static int64_t ent(const tdesc *t, int64_t j)
{
    return t->u32 ? (int64_t)t->u32[j] : (int64_t)t->s32[j];
}

/* num / den rounded to nearest, ties to even (den > 0), by division. */
static int64_t div_rne(int64_t num, int64_t den)
{
    int64_t q = num / den, r = num % den;
    if (r < 0) {
        q -= 1;
        r += den;
    }
    if (2 * r > den || (2 * r == den && q % 2 != 0))
        q += 1;
    return q;
}

static int64_t pow2(int64_t k)
{
    int64_t v = 1;
    while (k-- > 0)
        v *= 2;
    return v;
}

static int64_t ref_lookup(const tdesc *t, int64_t x)
{
    int64_t w = pow2(t->S), u = x - t->LO, j = u / w, r = u % w;
    if (j == t->N)
        return ent(t, j);
    return ent(t, j) + div_rne((ent(t, j + 1) - ent(t, j)) * r, w);
}

/* m * 2^e in Q.F, rounded to nearest even, clamped to [LO, HI - 1]. */
static int64_t ref_fix(const tdesc *t, int32_t m, int32_t e, uint32_t *clamps)
{
    int64_t k = (int64_t)e + t->F, x;
    if (m == 0 || k < -62)
        x = 0;
    else if (k > 31)
        x = m < 0 ? t->LO - 1 : t->HI;
    else if (k >= 0)
        x = (int64_t)m * pow2(k);
    else
        x = div_rne(m, pow2(-k));
    if (x < t->LO || x >= t->HI) {
        ++*clamps;
        return x < t->LO ? t->LO : t->HI - 1;
    }
    return x;
}

/* Number of significant bits, by counting. */
static int64_t nbits(uint64_t a)
{
    int64_t b = 0;
    for (; a; a /= 2)
        b++;
    return b;
}

/* ---- double-precision references ---- */

static double d_sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

/* 1 - w, accurately. */
static double d_omw6(double x)
{
    return -expm1(-exp(x));
}

static double d_omw7(double x)
{
    return -expm1(-0.606531 * d_sigmoid(x));
}

/* ---- accuracy sweeps ---- */

typedef uint32_t (*act_fn)(rw_bfv *, rw_cbfv, int64_t *);
typedef uint32_t (*decay_fn)(uint32_t *, rw_cbfv);

/* Inputs for the sweeps: vector v of VEC elements, first half a dense grid of
 * x_fix over the domain widened by a quarter of its width on each side (exponent
 * -F), then random mantissas and exponents e in [elo, ehi]. */
static void sweep_input(const tdesc *t, uint32_t v, int32_t *m, int32_t *e, int32_t elo,
                        int32_t ehi)
{
    if (v < N_SWEEP / VEC) {
        int64_t span = (t->HI - t->LO) * 3 / 2, step = span / N_SWEEP;
        for (uint32_t i = 0; i < VEC; i++)
            m[i] = (int32_t)(t->LO - span / 6 + (int64_t)(v * VEC + i) * step + (int64_t)i);
        *e = (int32_t)-t->F;
    } else {
        for (uint32_t i = 0; i < VEC; i++)
            m[i] = rnd_mant();
        *e = (int32_t)rnd_in(elo, ehi);
    }
}

static void sweep_act(const char *name, act_fn fn, const tdesc *t, double (*ref)(double),
                      double bound)
{
    int32_t m[VEC], ym[VEC], e;
    int64_t tmp[VEC];
    double worst = 0, at = 0;
    for (uint32_t v = 0; v < 2 * N_SWEEP / VEC; v++) {
        rw_bfv y = {ym, 0, VEC};
        rw_cbfv x;
        sweep_input(t, v, m, &e, -60, -22);
        x = (rw_cbfv){m, e, VEC};
        fn(&y, x, tmp);
        for (uint32_t i = 0; i < VEC; i++) {
            double xi = ldexp(m[i], e), err = fabs(ldexp(ym[i], y.e) - ref(xi));
            if (!(err <= worst))
                worst = err, at = xi;
        }
    }
    printf("# %s: max abs error %.3g (at x = %.6g) over %d inputs\n", name, worst, at,
           2 * N_SWEEP);
    check(worst <= bound, name, "max abs error %.3g > %.3g at x = %.9g", worst, bound, at);
}

/* Decays: |error of (1 - w)| <= rel * (1 - w) + lsb * 2^-32 (Q0.32 cannot do
 * better than 0.5 LSB). Reports the max error in LSBs of Q0.32, overall and near
 * w = 1, and the max relative error of 1 - w where 1 - w > 1e-9, 1e-5 and 1e-4. */
static void sweep_decay(const char *name, decay_fn fn, const tdesc *t, double (*omw)(double),
                        double rel, double lsb)
{
    int32_t m[VEC], e;
    uint32_t w[VEC];
    double worst_lsb = 0, near1_lsb = 0, worst_rel[3] = {0, 0, 0}, worst_bound = 0, at = 0;
    static const double floor_omw[3] = {1e-9, 1e-5, 1e-4};
    for (uint32_t v = 0; v < 2 * N_SWEEP / VEC; v++) {
        rw_cbfv x;
        sweep_input(t, v, m, &e, -60, -22);
        x = (rw_cbfv){m, e, VEC};
        fn(w, x);
        for (uint32_t i = 0; i < VEC; i++) {
            double xi = ldexp(m[i], e), want = omw(xi);
            double got = (4294967296.0 - w[i]) * LSB32, err = fabs(got - want);
            double b = err / (rel * want + lsb * LSB32);
            if (err / LSB32 > worst_lsb)
                worst_lsb = err / LSB32;
            if (want < 1e-5 && err / LSB32 > near1_lsb)
                near1_lsb = err / LSB32;
            for (int k = 0; k < 3; k++)
                if (want > floor_omw[k] && err / want > worst_rel[k])
                    worst_rel[k] = err / want;
            if (!(b <= worst_bound))
                worst_bound = b, at = xi;
        }
    }
    printf("# %s: max error %.3g LSB of Q0.32 (%.3g where 1-w < 1e-5); max relative error "
           "of 1-w: %.3g where 1-w > 1e-9, %.3g where > 1e-5, %.3g where > 1e-4 (%d inputs)\n",
           name, worst_lsb, near1_lsb, worst_rel[0], worst_rel[1], worst_rel[2], 2 * N_SWEEP);
    check(worst_bound <= 1.0, name, "error %.3g x (%.3g (1-w) + %.3g LSB) at x = %.9g",
          worst_bound, rel, lsb, at);
}

/* exp_q16, exhaustive: |error| <= 1e-5 * e^d + 1 LSB (Q1.30). Reports the max error
 * in LSBs and the max relative error where e^d > 2^-13 and > 2^-20. */
static void sweep_exp(void)
{
    double worst_lsb = 0, worst_rel = 0, worst_rel20 = 0, worst_bound = 0, at = 0;
    for (int32_t d = -33 * 65536; d <= 0; d++) {
        double want = exp(d / 65536.0), got = rw_exp_q16(d) * LSB30;
        double err = fabs(got - want), b = err / (1e-5 * want + LSB30);
        if (err / LSB30 > worst_lsb)
            worst_lsb = err / LSB30;
        if (want > 0x1p-13 && err / want > worst_rel)
            worst_rel = err / want;
        if (want > 0x1p-20 && err / want > worst_rel20)
            worst_rel20 = err / want;
        if (b > worst_bound)
            worst_bound = b, at = d / 65536.0;
    }
    printf("# exp_q16: max error %.3g LSB of Q1.30; max relative error %.3g where e^d > "
           "2^-13, %.3g where > 2^-20 (%d inputs)\n",
           worst_lsb, worst_rel, worst_rel20, 33 * 65536 + 1);
    check(worst_bound <= 1.0, "exp_q16-accuracy",
          "error %.3g x (1e-5 e^d + 1 LSB) at d = %.9g", worst_bound, at);
}

static void sweep_recip(void)
{
    double worst = 0, at = 0;
    for (uint32_t k = 0; k < 2 * N_SWEEP; k++) {
        int32_t m = k < N_SWEEP ? (int32_t)((1u << 30) + k * 8191u) : rnd_mant();
        int32_t e = k < N_SWEEP ? -30 : (int32_t)rnd_in(-200, 200), ym;
        int32_t et;
        int64_t tmp;
        rw_bfv y = {&ym, 0, 1};
        rw_cbfv x = {&m, e, 1};
        double want, err;
        rw_recip(&y, x, &tmp, &et);
        want = 1.0 / ldexp(m, e);
        err = fabs(ldexp(ym, y.e) / want - 1.0);
        if (!(err <= worst))
            worst = err, at = ldexp(m, e);
    }
    printf("# recip: max relative error %.3g (at x = %.9g) over %d inputs\n", worst, at,
           2 * N_SWEEP);
    check(worst <= 2e-6, "recip-accuracy", "max relative error %.3g at x = %.9g", worst, at);
}

static void sweep_rsqrt(void)
{
    double worst = 0, at = 0;
    for (uint32_t k = 0; k < 2 * N_SWEEP; k++) {
        /* the grid covers t in [1, 4): mantissas [2^29, 2^31) at exponents -29, -30 */
        int32_t m = k < N_SWEEP ? (int32_t)((1u << 29) + (k / 2) * 24575u) : rnd_mant();
        int32_t e = k < N_SWEEP ? -29 - (int32_t)(k & 1) : (int32_t)rnd_in(-201, 201), ym;
        rw_bfv y = {&ym, 0, 1};
        rw_cbfv x;
        double err;
        if (m < 0)
            m = m == INT32_MIN ? INT32_MAX : -m;
        x = (rw_cbfv){&m, e, 1};
        rw_rsqrt(&y, x);
        err = fabs(ldexp(ym, y.e) * sqrt(ldexp(m, e)) - 1.0);
        if (!(err <= worst))
            worst = err, at = ldexp(m, e);
    }
    printf("# rsqrt: max relative error %.3g (at x = %.9g) over %d inputs\n", worst, at,
           2 * N_SWEEP);
    check(worst <= 2e-6, "rsqrt-accuracy", "max relative error %.3g at x = %.9g", worst, at);
}

/* ---- exactness against the independent model ---- */

static int32_t rnd_exp_near(const tdesc *t)
{
    return (int32_t)rnd_in(-t->F - 34, -t->F + 8);
}

/* Random vectors through fn and through the independent model: every element
 * and the clamp count must agree exactly. */
static void exact_act(const char *name, act_fn fn, const tdesc *t)
{
    int32_t m[VEC], ym[VEC];
    int64_t tmp[VEC];
    int bad = 0;
    char first[200] = "";
    for (int v = 0; v < N_EXACT / VEC; v++) {
        rw_bfv y = {ym, 0, VEC};
        int32_t e = rnd_exp_near(t);
        uint32_t c, want_c = 0;
        for (int i = 0; i < VEC; i++)
            m[i] = rnd_mant();
        c = fn(&y, (rw_cbfv){m, e, VEC}, tmp);
        for (int i = 0; i < VEC; i++) {
            int64_t want = ref_lookup(t, ref_fix(t, m[i], e, &want_c));
            if (ldexp(ym[i], y.e) != ldexp((double)want, (int)-t->G) && !bad++)
                snprintf(first, sizeof first, "m %d e %d: got %d*2^%d, want %lld*2^-%lld", m[i],
                         e, ym[i], y.e, (long long)want, (long long)t->G);
        }
        if (c != want_c && !bad++)
            snprintf(first, sizeof first, "e %d: clamps %u, want %u", e, c, want_c);
    }
    check(bad == 0, name, "%d mismatches; first %s", bad, first);
}

static void exact_decay(const char *name, decay_fn fn, const tdesc *t)
{
    int32_t m[VEC];
    uint32_t w[VEC];
    int bad = 0;
    char first[200] = "";
    for (int v = 0; v < N_EXACT / VEC; v++) {
        int32_t e = rnd_exp_near(t);
        uint32_t c, want_c = 0;
        for (int i = 0; i < VEC; i++)
            m[i] = rnd_mant();
        c = fn(w, (rw_cbfv){m, e, VEC});
        for (int i = 0; i < VEC; i++) {
            int64_t want = ref_lookup(t, ref_fix(t, m[i], e, &want_c));
            if ((int64_t)w[i] != want && !bad++)
                snprintf(first, sizeof first, "m %d e %d: got %u, want %lld", m[i], e, w[i],
                         (long long)want);
        }
        if (c != want_c && !bad++)
            snprintf(first, sizeof first, "e %d: clamps %u, want %u", e, c, want_c);
    }
    check(bad == 0, name, "%d mismatches; first %s", bad, first);
}

static void exact_exp(void)
{
    int bad = 0;
    char first[200] = "";
    for (int k = 0; k < 100000; k++) {
        int32_t d = (int32_t)rnd_in(-33 * 65536, 0);
        int64_t want = d < t_exp.LO ? 0 : ref_lookup(&t_exp, d);
        if (rw_exp_q16(d) != want && !bad++)
            snprintf(first, sizeof first, "d %d: got %d, want %lld", d, rw_exp_q16(d),
                     (long long)want);
    }
    check(bad == 0, "exp_q16-exact", "%d mismatches; first %s", bad, first);
}

/* recip: t = |m| * 2^(31 - b) by doubling; 1/x = +-T(t) * 2^(-29 - b - e). */
static int recip_ok(int32_t m, int32_t e, double *got, double *want)
{
    int32_t ym, et;
    int64_t tmp, b = nbits(m < 0 ? 0u - (uint64_t)(int64_t)m : (uint64_t)m);
    int64_t t = m < 0 ? -(int64_t)m : m, v;
    rw_bfv y = {&ym, 0, 1};
    for (int64_t k = b; k < 31; k++)
        t *= 2;
    if (b == 32)
        t /= 2;
    v = ref_lookup(&t_recip, t);
    rw_recip(&y, (rw_cbfv){&m, e, 1}, &tmp, &et);
    *got = ldexp(ym, y.e);
    *want = ldexp(m < 0 ? (double)-v : (double)v, (int)(-29 - b - e));
    return *got == *want;
}

/* rsqrt: p = b - 1 + e, t = m * 2^(31 - b + (p odd)), 1/sqrt(x) = T(t) * 2^(-30 - k),
 * k = (p - (p odd)) / 2. */
static int rsqrt_ok(int32_t m, int32_t e, double *got, double *want)
{
    int32_t ym;
    int64_t b = nbits((uint64_t)m), p = b - 1 + e, odd = ((p % 2) + 2) % 2;
    int64_t t = m * pow2(31 - b + odd), k = (p - odd) / 2;
    rw_bfv y = {&ym, 0, 1};
    rw_rsqrt(&y, (rw_cbfv){&m, e, 1});
    *got = ldexp(ym, y.e);
    *want = ldexp((double)ref_lookup(&t_rsqrt, t), (int)(-30 - k));
    return *got == *want;
}

static void exact_recip_rsqrt(void)
{
    int bad_r = 0, bad_s = 0;
    char first_r[200] = "", first_s[200] = "";
    double got, want;
    for (int k = 0; k < N_EXACT; k++) {
        int32_t m = rnd_mant(), e = (int32_t)rnd_in(-210, 210);
        if (!recip_ok(m, e, &got, &want) && !bad_r++)
            snprintf(first_r, sizeof first_r, "m %d e %d: got %.17g want %.17g", m, e, got,
                     want);
        m = m < 0 ? (m == INT32_MIN ? INT32_MAX : -m) : m;
        if (!rsqrt_ok(m, e, &got, &want) && !bad_s++)
            snprintf(first_s, sizeof first_s, "m %d e %d: got %.17g want %.17g", m, e, got,
                     want);
    }
    check(bad_r == 0, "recip-exact", "%d mismatches; first %s", bad_r, first_r);
    check(bad_s == 0, "rsqrt-exact", "%d mismatches; first %s", bad_s, first_s);
}

/* ---- corner cases ---- */

/* Runs an activation on n <= 16 mantissas with exponent e: the output values
 * in out, the clamp count returned. */
static uint32_t act1(act_fn fn, const int32_t *m, uint32_t n, int32_t e, double *out)
{
    int32_t ym[16];
    int64_t tmp[16];
    rw_bfv y = {ym, 0, n};
    uint32_t c = fn(&y, (rw_cbfv){m, e, n}, tmp);
    for (uint32_t i = 0; i < n; i++)
        out[i] = ldexp(ym[i], y.e);
    return c;
}

/* Domain edges at exponent -F: LO, LO + 1, HI - 1 (inside), LO - 1, HI (clamped);
 * +-2^30, INT32_MIN (clamped) and 0 at exponent 200; +-2^30 and 0 at exponent -200
 * (all x_fix = 0). Checks values against the independent model and the counts. */
static void edges_act(const char *name, act_fn fn, const tdesc *t)
{
    int32_t m[5] = {(int32_t)t->LO, (int32_t)t->LO + 1, (int32_t)t->HI - 1,
                    (int32_t)t->LO - 1, (int32_t)t->HI};
    int32_t big[4] = {1 << 30, -(1 << 30), INT32_MIN, 0};
    int32_t tiny[3] = {1 << 30, -(1 << 30), 0};
    double out[5], want;
    uint32_t c = act1(fn, m, 5, (int32_t)-t->F, out), bad = 0;
    char nm[64];
    int64_t fx[5] = {t->LO, t->LO + 1, t->HI - 1, t->LO, t->HI - 1};
    for (int i = 0; i < 5; i++)
        bad += out[i] != ldexp((double)ref_lookup(t, fx[i]), (int)-t->G);
    snprintf(nm, sizeof nm, "%s-edges", name);
    check(c == 2 && bad == 0 && out[0] == ldexp(ent(t, 0), (int)-t->G), nm,
          "clamps %u (want 2), %u wrong values", c, bad);
    c = act1(fn, big, 4, 200, out);
    snprintf(nm, sizeof nm, "%s-huge-exponent", name);
    check(c == 3 && out[0] == ldexp((double)ref_lookup(t, t->HI - 1), (int)-t->G) &&
              out[1] == ldexp((double)ref_lookup(t, t->LO), (int)-t->G) && out[2] == out[1] &&
              out[3] == ldexp((double)ref_lookup(t, 0), (int)-t->G),
          nm, "clamps %u, values %.9g %.9g %.9g %.9g", c, out[0], out[1], out[2], out[3]);
    c = act1(fn, tiny, 3, -200, out);
    want = ldexp((double)ref_lookup(t, 0), (int)-t->G);
    snprintf(nm, sizeof nm, "%s-tiny-exponent", name);
    check(c == 0 && out[0] == want && out[1] == want && out[2] == want, nm,
          "clamps %u, values %.9g %.9g %.9g, want %.9g", c, out[0], out[1], out[2], want);
}

static void corners_act(void)
{
    int32_t z[4] = {0, 0, 0, 0}, ym[4];
    int64_t tmp[4];
    rw_bfv y = {ym, 0, 4};
    uint32_t c;
    int32_t half[2] = {1, 3}; /* x_fix = 0.5 and 1.5 LSB: ties round to 0 and 2 */
    double out[2];

    c = rw_sigmoid(&y, (rw_cbfv){z, 0, 4}, tmp);
    check(c == 0 && ym[0] == 1 << 29 && ym[3] == 1 << 29 && y.e == -30, "sigmoid-zero",
          "clamps %u, m %d e %d", c, ym[0], y.e);
    c = rw_tanh(&y, (rw_cbfv){z, 7, 4}, tmp);
    check(c == 0 && ym[0] == 0 && ym[3] == 0 && y.e == 0, "tanh-zero", "m %d e %d", ym[0],
          y.e);
    edges_act("sigmoid", rw_sigmoid, &t_sigmoid);
    edges_act("tanh", rw_tanh, &t_tanh);
    act1(rw_tanh, half, 2, (int32_t)-t_tanh.F - 1, out);
    check(out[0] == 0 && out[1] == ldexp((double)ref_lookup(&t_tanh, 2), -30),
          "tanh-input-rounding", "got %.9g %.9g", out[0], out[1]);
}

static void corners_decay(const char *name, decay_fn fn, const tdesc *t, double w_hi)
{
    int32_t m[8] = {(int32_t)t->LO, (int32_t)t->LO - 1, (int32_t)t->HI - 1, (int32_t)t->HI,
                    0, 1 << 30, -(1 << 30), INT32_MIN};
    uint32_t w[8], c;
    char nm[64];
    c = fn(w, (rw_cbfv){m, (int32_t)-t->F, 5});
    snprintf(nm, sizeof nm, "%s-edges", name);
    check(c == 2 && w[0] == t->u32[0] && w[1] == t->u32[0] &&
              w[2] == (uint32_t)ref_lookup(t, t->HI - 1) && w[3] == w[2] &&
              w[4] == (uint32_t)ref_lookup(t, 0),
          nm, "clamps %u, w %u %u %u %u %u", c, w[0], w[1], w[2], w[3], w[4]);
    c = fn(w, (rw_cbfv){m + 4, 200, 4});
    snprintf(nm, sizeof nm, "%s-huge-exponent", name);
    check(c == 3 && w[0] == (uint32_t)ref_lookup(t, 0) &&
              w[1] == (uint32_t)ref_lookup(t, t->HI - 1) && w[2] == UINT32_MAX &&
              w[3] == UINT32_MAX,
          nm, "clamps %u, w %u %u %u %u", c, w[0], w[1], w[2], w[3]);
    /* below the domain 2^32 - 1; above it the limit */
    m[0] = -(1 << 30);
    m[1] = 1 << 30;
    c = fn(w, (rw_cbfv){m, 10, 2});
    snprintf(nm, sizeof nm, "%s-limits", name);
    check(c == 2 && w[0] == UINT32_MAX && fabs(w[1] - w_hi * 4294967296.0) <= 256, nm,
          "w %u %u, want 2^32-1 and %.1f", w[0], w[1], w_hi * 4294967296.0);
}

/* Interpolation ties: r = 2^(S-1) with T[j+1] - T[j] odd is an exact half. */
static void ties(const char *name, const tdesc *t, act_fn afn, decay_fn dfn)
{
    int found = 0, bad = 0;
    for (int64_t j = 0; j < t->N && found < 8; j++) {
        int64_t diff = ent(t, j + 1) - ent(t, j), x = t->LO + j * pow2(t->S) + pow2(t->S - 1);
        int64_t lo_c = diff >= 0 ? diff / 2 : -((-diff + 1) / 2), want, got;
        int32_t m = (int32_t)x;
        if (diff % 2 == 0)
            continue;
        want = ent(t, j) + (lo_c % 2 == 0 ? lo_c : lo_c + 1); /* the even neighbour */
        if (afn) {
            double out;
            act1(afn, &m, 1, (int32_t)-t->F, &out);
            got = (int64_t)ldexp(out, (int)t->G);
        } else {
            uint32_t w;
            dfn(&w, (rw_cbfv){&m, (int32_t)-t->F, 1});
            got = w;
        }
        bad += got != want || want != ref_lookup(t, x);
        found++;
    }
    check(found == 8 && bad == 0, name, "%d ties found, %d wrong", found, bad);
}

static void corners_exp(void)
{
    int32_t lo = (int32_t)t_exp.LO;
    check(rw_exp_q16(0) == 1 << 30 && rw_exp_q16(lo) == t_exp.s32[0] && rw_exp_q16(lo) == 0 &&
              rw_exp_q16(lo - 1) == 0 && rw_exp_q16(INT32_MIN) == 0 &&
              rw_exp_q16(-1) == (int32_t)ref_lookup(&t_exp, -1) &&
              llabs(rw_exp_q16(-65536) - llround(exp(-1.0) * 0x1p30)) <= 1,
          "exp_q16-corners", "e^0 %d, e^-1 %d, e^-2^-16 %d", rw_exp_q16(0), rw_exp_q16(-65536),
          rw_exp_q16(-1));
}

static void corners_recip(void)
{
    int32_t m[4] = {1 << 30, -(1 << 30), INT32_MIN, 3}, ym[4], et[4];
    int64_t tmp[4];
    rw_bfv y = {ym, 0, 4};
    double got, want;
    int ok = 1;
    rw_recip(&y, (rw_cbfv){m, -30, 4}, tmp, et); /* 1, -1, -2, 3 * 2^-30 */
    ok = ldexp(ym[0], y.e) == 1.0 && ldexp(ym[1], y.e) == -1.0 && ldexp(ym[2], y.e) == -0.5;
    ok = ok && fabs(ldexp(ym[3], y.e) - 0x1p30 / 3) <= 0x1p30 / 3 * 2e-6;
    check(ok, "recip-vector", "got %.9g %.9g %.9g %.9g", ldexp(ym[0], y.e), ldexp(ym[1], y.e),
          ldexp(ym[2], y.e), ldexp(ym[3], y.e));
    ok = 1;
    for (int e = -200; e <= 200; e += 400) {
        ok = ok && recip_ok(1 << 30, e, &got, &want) && got == ldexp(1, -30 - e);
        ok = ok && recip_ok(INT32_MIN, e, &got, &want) && got == -ldexp(1, -31 - e);
        ok = ok && recip_ok(1, e, &got, &want) && got == ldexp(1, -e);
    }
    check(ok, "recip-extremes", "2^30, INT32_MIN, 1 at exponents +-200");
}

/* rsqrt at odd and even, positive and negative exponents; the powers of 4 exact. */
static void corners_rsqrt(void)
{
    static const struct {
        int32_t m, e;
        int exact;
    } c[] = {{1 << 30, -30, 1}, {1 << 30, -28, 1}, {1, 0, 1},   {1, -200, 1},  {1, 200, 1},
             {1 << 30, 170, 1}, {1, 1, 0},         {1, -201, 0}, {1, 201, 0},  {3, -203, 0},
             {INT32_MAX, 0, 0}, {INT32_MAX, -1, 0}, {(1 << 30) + 1, -31, 0}};
    int bad = 0;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        double got, want, ideal = 1.0 / sqrt(ldexp(c[i].m, c[i].e));
        int ok = rsqrt_ok(c[i].m, c[i].e, &got, &want);
        if (!ok || fabs(got / ideal - 1) > 2e-6 || (c[i].exact && got != ideal)) {
            bad++;
            printf("# rsqrt(%d * 2^%d) = %.17g, want %.17g\n", c[i].m, c[i].e, got, ideal);
        }
    }
    check(bad == 0, "rsqrt-corners", "%d wrong", bad);
}

/* ---- long context: w^10000 in integer arithmetic ---- */

static void long_context(const char *name, decay_fn fn, double x, double (*omw)(double))
{
    int32_t m = (int32_t)llround(x * 16777216.0);
    uint32_t w;
    double xr = ldexp(m, -24), w_real = 1.0 - omw(xr), want, got;
    int64_t acc = (int64_t)1 << 30;
    fn(&w, (rw_cbfv){&m, -24, 1});
    for (int k = 0; k < 10000; k++)
        acc = rw_shr_rne(acc * (int64_t)w, 32);
    got = acc * LSB30;
    want = pow(w_real, 10000);
    printf("# %s: w = %.9f (Q0.32 %u), w^10000 = %.7f in integers, %.7f in double "
           "(relative %.3g)\n",
           name, w_real, w, got, want, fabs(got / want - 1));
    check(fabs(got / want - 1) <= 1e-4 && fabs(want - 0.905) < 0.001, name,
          "w^10000 %.7f, want %.7f", got, want);
}

static void long_contexts(void)
{
    double s = 1.000005e-5 / 0.606531; /* -ln(0.99999) / 0.606531 */
    long_context("decay6-long-context", rw_decay6, log(-log(0.99999)), d_omw6);
    long_context("decay7-long-context", rw_decay7, log(s / (1 - s)), d_omw7);
}

/* ---- the generator's drift check ---- */

static void drift(void)
{
    char line[512], msg[512] = "";
    FILE *f = fopen("scripts/gen_tables.py", "r"), *p;
    int rc;
    if (!f) {
        check_skip("tables-drift", "scripts/gen_tables.py not found (run from the top)");
        return;
    }
    fclose(f);
    if (system("python3 -c pass >/dev/null 2>&1") != 0) {
        check_skip("tables-drift", "python3 missing");
        return;
    }
    p = popen("python3 scripts/gen_tables.py --check 2>&1", "r");
    if (!p) {
        check(0, "tables-drift", "cannot run python3");
        return;
    }
    while (fgets(line, sizeof line, p)) {
        printf("# %s", line);
        if (!msg[0] && strstr(line, "stale"))
            snprintf(msg, sizeof msg, "%s", line);
    }
    rc = pclose(p);
    msg[strcspn(msg, "\n")] = 0;
    check(rc == 0, "tables-drift", "%s", msg[0] ? msg : "gen_tables.py --check failed");
}

int main(void)
{
    size_t total = 0;
    for (size_t i = 0; i < sizeof all_tabs / sizeof all_tabs[0]; i++) {
        const tdesc *t = all_tabs[i];
        printf("# table %s: %lld entries, %lld bytes (F %lld, S %lld, G %lld)\n", t->name,
               (long long)t->N + 1, 4 * ((long long)t->N + 1), (long long)t->F,
               (long long)t->S, (long long)t->G);
        total += 4 * ((size_t)t->N + 1);
    }
    printf("# tables: %zu bytes in all\n", total);

    sweep_act("sigmoid-accuracy", rw_sigmoid, &t_sigmoid, d_sigmoid, 2e-6);
    sweep_act("tanh-accuracy", rw_tanh, &t_tanh, tanh, 2e-6);
    sweep_exp();
    sweep_decay("decay6-accuracy", rw_decay6, &t_decay6, d_omw6, 2e-5, 1.1);
    sweep_decay("decay7-accuracy", rw_decay7, &t_decay7, d_omw7, 2e-5, 1.1);
    sweep_recip();
    sweep_rsqrt();

    exact_act("sigmoid-exact", rw_sigmoid, &t_sigmoid);
    exact_act("tanh-exact", rw_tanh, &t_tanh);
    exact_exp();
    exact_decay("decay6-exact", rw_decay6, &t_decay6);
    exact_decay("decay7-exact", rw_decay7, &t_decay7);
    exact_recip_rsqrt();

    corners_act();
    corners_decay("decay6", rw_decay6, &t_decay6, 0.0);
    corners_decay("decay7", rw_decay7, &t_decay7, exp(-0.606531));
    corners_exp();
    corners_recip();
    corners_rsqrt();
    ties("sigmoid-ties", &t_sigmoid, rw_sigmoid, NULL);
    ties("tanh-ties", &t_tanh, rw_tanh, NULL);
    ties("decay6-ties", &t_decay6, NULL, rw_decay6);
    ties("decay7-ties", &t_decay7, NULL, rw_decay7);

    long_contexts();
    drift();
    return check_exit();
}
