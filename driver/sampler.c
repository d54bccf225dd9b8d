/*
 * sampler.c - temperature and nucleus sampling with a seeded xoshiro256**.
 */
#include "sampler.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* ----------------------------------------------------------------- PRNG */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void rw_rng_seed(rw_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t rw_rng_next(rw_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double rw_rng_uniform(rw_rng *r)
{
    return (double)(rw_rng_next(r) >> 11) * 0x1.0p-53;
}

/* -------------------------------------------------------------- sampler */

static rwkvacc_status reserve(rw_sampler *s, uint32_t n, rwkvacc_error *err)
{
    if (n <= s->cap)
        return RWKVACC_OK;
    struct rw_sampler_entry *e = malloc((size_t)n * sizeof *e);
    if (!e)
        return rw_fail(err, RWKVACC_E_NOMEM, "sampler: out of memory for %u tokens",
                       (unsigned)n);
    free(s->scratch);
    s->scratch = e;
    s->cap = n;
    return RWKVACC_OK;
}

rwkvacc_status rw_sampler_init(rw_sampler *s, double temperature, double top_p,
                               uint64_t seed, uint32_t n_vocab, rwkvacc_error *err)
{
    memset(s, 0, sizeof *s);
    if (!(temperature >= 0) || !isfinite(temperature))
        return rw_fail(err, RWKVACC_E_ARG, "sampler: temperature %g is not >= 0", temperature);
    if (!(top_p >= 0 && top_p <= 1))
        return rw_fail(err, RWKVACC_E_ARG, "sampler: top-p %g is not in [0, 1]", top_p);
    s->temperature = temperature;
    s->top_p = top_p;
    rw_rng_seed(&s->rng, seed);
    return reserve(s, n_vocab ? n_vocab : 1, err);
}

void rw_sampler_free(rw_sampler *s)
{
    free(s->scratch);
    memset(s, 0, sizeof *s);
}

static double clean(float x)
{
    if (isnan(x))
        return -INFINITY;
    if (isinf(x) && x > 0)
        return FLT_MAX;
    return x;
}

/* Probabilities descending, then ids ascending: a total order, so qsort gives
 * the same result everywhere. */
static int by_prob(const void *a, const void *b)
{
    const struct rw_sampler_entry *x = a, *y = b;
    if (x->p != y->p)
        return x->p > y->p ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

rwkvacc_status rw_sampler_sample(rw_sampler *s, const float *logits, uint32_t n,
                                 uint32_t *out, rwkvacc_error *err)
{
    if (n == 0)
        return rw_fail(err, RWKVACC_E_ARG, "sampler: no logits");
    uint32_t best = 0;
    double m = clean(logits[0]);
    for (uint32_t i = 1; i < n; i++) {
        double x = clean(logits[i]);
        if (x > m) {
            m = x;
            best = i;
        }
    }
    /* Greedy, or nothing finite to weigh. */
    if (s->temperature == 0 || m == -INFINITY) {
        *out = best;
        return RWKVACC_OK;
    }
    rwkvacc_status st = reserve(s, n, err);
    if (st != RWKVACC_OK)
        return st;
    struct rw_sampler_entry *e = s->scratch;
    double sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        e[i].p = exp((clean(logits[i]) - m) / s->temperature);
        e[i].id = i;
        sum += e[i].p;
    }
    /* sum >= 1: the maximum contributes exp(0). */
    for (uint32_t i = 0; i < n; i++)
        e[i].p /= sum;

    uint32_t kept = n;
    double mass = 1.0;
    if (s->top_p < 1) {
        qsort(e, n, sizeof *e, by_prob);
        double cum = 0;
        kept = 0;
        while (kept < n) {
            cum += e[kept++].p;
            if (cum >= s->top_p)
                break;
        }
        mass = cum;
    }
    double u = rw_rng_uniform(&s->rng) * mass;
    double cum = 0;
    for (uint32_t k = 0; k < kept; k++) {
        cum += e[k].p;
        if (u < cum) {
            *out = e[k].id;
            return RWKVACC_OK;
        }
    }
    /* Rounding left u at the very top: the last kept token with any weight. */
    for (uint32_t k = kept; k-- > 0;)
        if (e[k].p > 0) {
            *out = e[k].id;
            return RWKVACC_OK;
        }
    *out = best;
    return RWKVACC_OK;
}
