/*
 * test_real_shapes.c - the golden model (INT8) against the float reference on
 * random-weight models (cmodel/model_random.h) of real shapes: head size 64,
 * vocabulary 65,536, n_embd 256 for every version and n_embd 768 (the RWKV-7
 * 0.1B shape: 12 layers) for every version. Over 64 tokens: the RMS error of the
 * golden logits divided by the standard deviation of the reference logits, over
 * all tokens and vocabulary entries, at most 5%; no accumulator event; the state
 * normalized (docs/numerics.md) after the last token.
 */
#include "../unit/check.h"
#include "../unit/golden_util.h"
#include "../unit/state_scan.h"
#include "model_random.h"
#include "rwkvacc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { T = 64, V = 65536 };

#define RMS_LIMIT 0.05

typedef struct shape {
    rwkvacc_arch arch;
    uint32_t n_embd, n_layer;
} shape;

static const shape shapes[] = {
    {RWKVACC_ARCH_V4, 256, 4},    {RWKVACC_ARCH_V5_1, 256, 4}, {RWKVACC_ARCH_V5_2, 256, 4},
    {RWKVACC_ARCH_V6_0, 256, 4},  {RWKVACC_ARCH_V7_0, 256, 4}, {RWKVACC_ARCH_V7_0, 768, 12},
    {RWKVACC_ARCH_V6_0, 768, 12}, {RWKVACC_ARCH_V5_2, 768, 12}, {RWKVACC_ARCH_V5_1, 768, 12},
    {RWKVACC_ARCH_V4, 768, 12},
};

static void run(const shape *sh)
{
    char name[96], tag[48], why[RWKVACC_ERROR_LEN + 64] = "";
    rw_random_spec s;
    rwkvacc_model *m = NULL;
    rwkvacc_ctx *r = NULL, *g = NULL;
    rwkvacc_error err;
    uint8_t *buf = NULL, *blob = NULL;
    size_t len, ns, NV = (size_t)T * V;
    state_scan sc;
    uint32_t tok[T];
    float *lr = NULL;
    int32_t *raw = NULL;
    double mean = 0, var = 0, se = 0, max_err = 0;
    uint64_t agree = 0;
    clock_t t0 = clock();

    memset(&s, 0, sizeof s);
    memset(&err, 0, sizeof err);
    s.arch = sh->arch;
    s.n_vocab = V;
    s.n_embd = sh->n_embd;
    s.n_layer = sh->n_layer;
    s.head_size = 64;
    s.seed = 7000 + (uint64_t)sh->arch * 100 + sh->n_embd;
    snprintf(tag, sizeof tag, "%s-C%u-L%u", rwkvacc_arch_name(sh->arch), sh->n_embd,
             sh->n_layer);
    snprintf(name, sizeof name, "real-shapes-run-%s", tag);
    if (rw_random_model(&s, &buf, &len, &err) != RWKVACC_OK ||
        rwkvacc_model_load_mem(buf, len, tag, &m, &err) != RWKVACC_OK) {
        check(0, name, "%s", err.msg);
        goto done;
    }
    free(buf);
    buf = NULL;
    {
        rwkvacc_ctx_options o;
        memset(&o, 0, sizeof o);
        o.weight_bits = 8;
        if (rwkvacc_ctx_open("ref", m, NULL, &r, &err) != RWKVACC_OK ||
            rwkvacc_ctx_open("golden", m, &o, &g, &err) != RWKVACC_OK) {
            check(0, name, "%s", err.msg);
            goto done;
        }
    }
    for (int t = 0; t < T; t++)
        tok[t] = (uint32_t)((t * 7919u + 13u) % V);
    lr = malloc(NV * sizeof *lr);
    raw = malloc((size_t)T * (1 + V) * sizeof *raw);
    if (!check(lr && raw && rwkvacc_ctx_feed(r, tok, T, lr, 1, &err) == RWKVACC_OK &&
                   rwkvacc_ctx_feed_raw(g, tok, T, raw, &err) == RWKVACC_OK,
               name, "%s", lr && raw ? err.msg : "out of memory"))
        goto done;

    /* RMS(golden - ref) / std(ref) over all T x V logits; top-1 agreement. */
    for (size_t i = 0; i < NV; i++)
        mean += lr[i];
    mean /= (double)NV;
    for (size_t t = 0; t < T; t++) {
        const int32_t *row = raw + t * (1 + (size_t)V);
        const float *ref = lr + t * V;
        size_t ar = 0, ag = 0;
        for (size_t i = 0; i < V; i++) {
            double gv = ldexp(row[1 + i], row[0]), d = gv - ref[i];
            var += (ref[i] - mean) * (ref[i] - mean);
            se += d * d;
            max_err = fabs(d) > max_err ? fabs(d) : max_err;
            ar = ref[i] > ref[ar] ? i : ar;
            ag = row[1 + i] > row[1 + ag] ? i : ag;
        }
        agree += ar == ag;
    }
    {
        double rms = sqrt(se / (double)NV), sd = sqrt(var / (double)NV);
        double ratio = sd > 0 ? rms / sd : HUGE_VAL;
        printf("# %s: ref logits mean %.4f std %.4f; golden INT8 RMS error %.5f = %.3f%% of "
               "std, max |error| %.4f, top-1 agreement %llu/%d; %.1f s CPU\n", tag, mean, sd, rms,
               100 * ratio, max_err, (unsigned long long)agree, T,
               (double)(clock() - t0) / CLOCKS_PER_SEC);
        snprintf(name, sizeof name, "real-shapes-rms-%s", tag);
        check(ratio <= RMS_LIMIT, name, "RMS error %.3f%% of the ref logits' std (limit %.0f%%)",
              100 * ratio, 100 * RMS_LIMIT);
    }
    snprintf(name, sizeof name, "real-shapes-no-acc-events-%s", tag);
    gu_check_events(g, tag, name);
    ns = rwkvacc_ctx_state_size(g);
    blob = malloc(ns);
    snprintf(name, sizeof name, "real-shapes-state-normalized-%s", tag);
    if (!blob || rwkvacc_ctx_state_save(g, blob, ns, &err) != RWKVACC_OK)
        check(0, name, "%s", blob ? err.msg : "out of memory");
    else if (memset(&sc, 0, sizeof sc),
             check(scan_state(blob, ns, &sc, why, sizeof why), name, "%s", why))
        printf("# %s: %zu state vectors, all normalized\n", tag, sc.vectors);
done:
    free(buf);
    free(blob);
    free(lr);
    free(raw);
    rwkvacc_ctx_close(r);
    rwkvacc_ctx_close(g);
    rwkvacc_model_free(m);
}

int main(void)
{
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        run(&shapes[i]);
    return check_exit();
}
