/*
 * evaluate.c - scoring a context's predictions of a token sequence: cross-entropy
 * (log-softmax in double), top-1 accuracy, and agreement of the argmax with a
 * second context fed in lockstep (the integer backends against ref). Host-side
 * float code: not part of any datapath.
 */
#include "error.h"
#include "rwkvacc.h"

#include <math.h>
#include <stdlib.h>

#define EVAL_CHUNK 64 /* tokens per feed: sequence mode where the backend has it */

/* -log2 p(target) and the argmax of one row of logits. */
static double score_row(const float *l, uint32_t V, uint32_t target, uint32_t *best)
{
    double mx = l[0], sum = 0;
    uint32_t b = 0;
    for (uint32_t i = 1; i < V; i++)
        if (l[i] > mx) {
            mx = l[i];
            b = i;
        }
    for (uint32_t i = 0; i < V; i++)
        sum += exp((double)l[i] - mx);
    *best = b;
    return (mx + log(sum) - (double)l[target]) / log(2.0);
}

static void score_chunk(const float *l, uint32_t V, const uint32_t *next, size_t k, size_t t0,
                        size_t first, rwkvacc_eval_stats *s, uint32_t *best)
{
    for (size_t j = 0; j < k; j++) {
        double b = score_row(l + j * V, V, next[j], &best[j]);
        if (t0 + j < first)
            continue;
        s->scored++;
        s->bits += b;
        s->top1 += best[j] == next[j];
    }
}

rwkvacc_status rwkvacc_eval_tokens(rwkvacc_ctx *c, rwkvacc_ctx *other, const uint32_t *tokens,
                                   size_t n, size_t first, rwkvacc_eval_stats *s,
                                   rwkvacc_eval_stats *os, rwkvacc_error *err)
{
    uint32_t V = rwkvacc_ctx_n_vocab(c);
    float *la = malloc((size_t)EVAL_CHUNK * V * sizeof *la);
    float *lb = other ? malloc((size_t)EVAL_CHUNK * V * sizeof *lb) : NULL;
    uint32_t ba[EVAL_CHUNK], bb[EVAL_CHUNK];
    rwkvacc_status st = RWKVACC_OK;
    if (!la || (other && !lb))
        st = rw_fail(err, RWKVACC_E_NOMEM, "out of memory for logits");
    if (other && !st && rwkvacc_ctx_n_vocab(other) != V)
        st = rw_fail(err, RWKVACC_E_ARG, "the two contexts have different vocabularies");
    for (size_t t = 0; !st && t + 1 < n; t += EVAL_CHUNK) {
        size_t k = n - 1 - t < EVAL_CHUNK ? n - 1 - t : EVAL_CHUNK;
        st = rwkvacc_ctx_feed(c, tokens + t, k, la, 1, err);
        if (!st && other)
            st = rwkvacc_ctx_feed(other, tokens + t, k, lb, 1, err);
        if (st)
            break;
        score_chunk(la, V, tokens + t + 1, k, t, first, s, ba);
        if (!other)
            continue;
        score_chunk(lb, V, tokens + t + 1, k, t, first, os, bb);
        for (size_t j = 0; j < k; j++)
            if (t + j >= first && ba[j] == bb[j]) {
                s->agree++;
                os->agree++;
            }
    }
    free(la);
    free(lb);
    return st;
}
