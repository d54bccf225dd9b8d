/*
 * test_stability.c - the golden model (INT8) generating 20,000 tokens on each of
 * the five tiny models, sampled at temperature 1 from its own dequantized logits
 * with a fixed-seed PRNG: no accumulator event, every raw logit mantissa within
 * 2^30 and its value finite, and every 1,000 tokens a state blob whose vectors are
 * all normalized (docs/numerics.md: max |m| in [2^29, 2^30], or all zero with
 * exponent 0). Prints the clamp counters and the state's exponent range per model.
 */
#include "../unit/check.h"
#include "../unit/state_scan.h"

#define M_LIMIT (INT64_C(1) << 30) /* largest normalized mantissa */
#include "../unit/golden_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { N_GEN = 20000, STATE_EVERY = 1000 };


static const char *const tags[] = {"4v0-660K", "5v1-730K", "5v2-730K", "6v0-1m", "7v0-834K"};

static const char prompt[] =
    "The GNU General Public License is a free, copyleft license for software and "
    "other kinds of works.";

/* check_rand (splitmix64): a fixed-seed stream, the same on every platform. */
static double rng_unit(uint64_t *s)
{
    return (double)(check_rand(s) >> 11) * 0x1.0p-53;
}

static void run_model(const char *tag)
{
    char name[96], why[RWKVACC_ERROR_LEN + 64] = "", lwhy[160] = "";
    rwkvacc_model *m = gu_tiny(tag, "stability-model");
    rwkvacc_ctx *g;
    rwkvacc_error err;
    uint32_t V, tok, seen[65536 / 32];
    int32_t *raw;
    double *p;
    uint8_t *blob;
    size_t ns, distinct = 0, fed = 0;
    int logits_ok = 1, state_ok = 1, run_ok = 1;
    int64_t max_logit_m = 0;
    state_scan sc;
    uint64_t rng = UINT64_C(20000) + (uint64_t)tag[0];
    clock_t t0 = clock();

    if (!m)
        return;
    g = gu_open(m, "golden", 8, 0, "stability-open");
    if (!g) {
        rwkvacc_model_free(m);
        return;
    }
    V = rwkvacc_ctx_n_vocab(g);
    raw = malloc((1 + (size_t)V) * sizeof *raw);
    p = malloc((size_t)V * sizeof *p);
    ns = rwkvacc_ctx_state_size(g);
    blob = malloc(ns);
    memset(seen, 0, sizeof seen);
    memset(&err, 0, sizeof err);
    memset(&sc, 0, sizeof sc);

    /* The prompt, then 20,000 sampled tokens, one per call. */
    for (size_t i = 0; i + 1 < sizeof prompt && run_ok; i++) {
        tok = (uint32_t)(unsigned char)prompt[i] % V;
        run_ok = rwkvacc_ctx_feed_raw(g, &tok, 1, raw, &err) == RWKVACC_OK;
    }
    for (size_t t = 0; t < N_GEN && run_ok; t++) {
        double mx = -HUGE_VAL, sum = 0, u;
        uint32_t k;
        for (uint32_t i = 0; i < V; i++) {
            int64_t a = raw[1 + i] < 0 ? -(int64_t)raw[1 + i] : raw[1 + i];
            float f = (float)ldexp(raw[1 + i], raw[0]);
            max_logit_m = a > max_logit_m ? a : max_logit_m;
            if ((a > M_LIMIT || !isfinite(f)) && logits_ok) {
                logits_ok = 0;
                snprintf(lwhy, sizeof lwhy, "token %zu, logit %u: m = %d, e = %d", t, i,
                         (int)raw[1 + i], (int)raw[0]);
            }
            p[i] = f;
            mx = p[i] > mx ? p[i] : mx;
        }
        for (uint32_t i = 0; i < V; i++)
            sum += p[i] = exp(p[i] - mx);
        u = rng_unit(&rng) * sum;
        for (k = 0; k + 1 < V && u >= p[k]; k++)
            u -= p[k];
        if (k < 65536 && !(seen[k / 32] >> (k % 32) & 1)) {
            seen[k / 32] |= UINT32_C(1) << (k % 32);
            distinct++;
        }
        run_ok = rwkvacc_ctx_feed_raw(g, &k, 1, raw, &err) == RWKVACC_OK;
        fed++;
        if (run_ok && fed % STATE_EVERY == 0 && state_ok) {
            if (rwkvacc_ctx_state_save(g, blob, ns, &err) != RWKVACC_OK) {
                state_ok = 0;
                snprintf(why, sizeof why, "%s", err.msg);
            } else if (!scan_state(blob, ns, &sc, why, sizeof why)) {
                size_t n = strlen(why);
                state_ok = 0;
                snprintf(why + n, sizeof why - n, " after %zu tokens", fed);
            }
        }
    }
    snprintf(name, sizeof name, "stability-run-%s", tag);
    if (!check(run_ok, name, "%s", err.msg)) {
        free(raw);
        free(p);
        free(blob);
        rwkvacc_ctx_close(g);
        rwkvacc_model_free(m);
        return;
    }
    printf("# %s: %zu tokens generated (after a %zu-byte prompt), %zu distinct, %.1f s CPU\n",
           tag, fed, sizeof prompt - 1, distinct, (double)(clock() - t0) / CLOCKS_PER_SEC);
    snprintf(name, sizeof name, "stability-varied-%s", tag);
    check(distinct >= 16, name, "only %zu distinct tokens in %zu: stuck", distinct, fed);
    snprintf(name, sizeof name, "stability-logits-%s", tag);
    printf("# %s: largest logit mantissa 2^%.3f\n", tag, log2((double)max_logit_m));
    check(logits_ok, name, "%s", lwhy);
    snprintf(name, sizeof name, "stability-state-normalized-%s", tag);
    printf("# %s: state checked %d times: %zu vectors (%zu all zero), exponents %d to %d, "
           "largest |m| 2^%.3f\n", tag, N_GEN / STATE_EVERY, sc.vectors, sc.zero_vectors,
           (int)sc.e_min, (int)sc.e_max, sc.max_m ? log2((double)sc.max_m) : 0.0);
    check(state_ok, name, "%s", why);
    snprintf(name, sizeof name, "stability-no-acc-events-%s", tag);
    gu_check_events(g, tag, name);
    free(raw);
    free(p);
    free(blob);
    rwkvacc_ctx_close(g);
    rwkvacc_model_free(m);
}

int main(void)
{
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        run_model(tags[i]);
    return check_exit();
}
