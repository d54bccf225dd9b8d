/*
 * sampler.h - picking the next token from logits: temperature, nucleus (top-p)
 * filtering and a seeded PRNG of its own, so a seed gives the same text on every
 * machine and run. Internal to rwkvacc (the command uses it), not public API.
 */
#ifndef RWKVACC_SAMPLER_H
#define RWKVACC_SAMPLER_H

#include <stddef.h>
#include <stdint.h>

#include "rwkvacc.h"

/* xoshiro256** seeded through splitmix64. */
typedef struct rw_rng {
    uint64_t s[4];
} rw_rng;

void rw_rng_seed(rw_rng *r, uint64_t seed);
uint64_t rw_rng_next(rw_rng *r);
/* Uniform in [0, 1), 53 random bits. */
double rw_rng_uniform(rw_rng *r);

struct rw_sampler_entry {
    double p;
    uint32_t id;
};

typedef struct rw_sampler {
    double temperature; /* 0: greedy (highest logit, lowest id on ties) */
    double top_p;       /* keep the most probable tokens whose total reaches top_p */
    rw_rng rng;
    uint32_t cap;       /* scratch size in tokens */
    struct rw_sampler_entry *scratch;
} rw_sampler;

/* temperature >= 0 and top_p in [0, 1], both finite; n_vocab >= 1 sizes the
 * scratch (larger inputs grow it). */
rwkvacc_status rw_sampler_init(rw_sampler *s, double temperature, double top_p,
                               uint64_t seed, uint32_t n_vocab, rwkvacc_error *err);
void rw_sampler_free(rw_sampler *s);

/* Picks a token id < n from n logits. NaN logits count as -infinity, +infinity as
 * the largest float. Softmax is computed in double, relative to the maximum;
 * the sorted probabilities (ties: lower id first) are cut after the shortest
 * prefix reaching top_p (at least one token) and one token is drawn from that
 * prefix. Returns RWKVACC_E_NOMEM if the scratch cannot grow. */
rwkvacc_status rw_sampler_sample(rw_sampler *s, const float *logits, uint32_t n,
                                 uint32_t *out, rwkvacc_error *err);

#endif
