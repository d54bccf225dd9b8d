/*
 * cmd_bench.c - `rwkvacc bench`: tokens per second of a backend, one token per
 * call (generation) and all tokens in one call (sequence mode, prefill).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char bench_help[] =
    "usage: rwkvacc bench --model MODEL [--backend NAME] [-n TOKENS] [--runs R]\n"
    "\n"
    "After one warm-up run, R runs each feed TOKENS tokens one per call from the\n"
    "all-zero state; then one warm-up and R runs feed them in a single call\n"
    "(sequence mode). Prints `key: value` lines: the median, minimum and maximum\n"
    "tokens per second of each mode.\n"
    "\n"
    "  --model, -m MODEL    model file (rwkv.cpp .bin or safetensors)\n"
    "  --backend, -b NAME   backend (default ref; see rwkvacc backends)\n"
    "  -n TOKENS            tokens per run, 1 to 1048576 (default 64)\n"
    "  --runs R             timed runs per mode, 1 to 1000 (default 5)\n"
    "  --weights int8|int4  quantize a float model on the fly (integer backends;\n"
    "                       default: the weights as the model file has them)\n"
    "  --group G            INT4 group size, even, 32 to 128 (default 64)\n";

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* One run: reset, feed n tokens (one per call or all at once); tokens/s in *rate. */
static int run(rwkvacc_ctx *c, const uint32_t *t, size_t n, int serial, float *logits,
               double *rate)
{
    rwkvacc_error err;
    memset(&err, 0, sizeof err);
    rwkvacc_ctx_reset(c);
    double t0 = cli_now();
    if (serial) {
        for (size_t i = 0; i < n; i++) {
            rwkvacc_status st = rwkvacc_ctx_feed(c, t + i, 1, logits, 0, &err);
            if (st != RWKVACC_OK)
                return cli_lib_fail(&err, st);
        }
    } else {
        rwkvacc_status st = rwkvacc_ctx_feed(c, t, n, logits, 0, &err);
        if (st != RWKVACC_OK)
            return cli_lib_fail(&err, st);
    }
    double dt = cli_now() - t0;
    *rate = dt > 0 ? (double)n / dt : 0;
    return CLI_EXIT_OK;
}

int cmd_bench(int argc, char **argv)
{
    const char *model = NULL, *backend = "ref";
    uint64_t n = 64, runs = 5;
    cli_weights wopt = {NULL, 0};
    cli_opt opts[] = {
        {"--model", "-m", CLI_STR, &model, 0, 0, 1, 0},
        {"--backend", "-b", CLI_STR, &backend, 0, 0, 0, 0},
        {"-n", NULL, CLI_UINT, &n, 1, 1048576, 0, 0},
        {"--runs", NULL, CLI_UINT, &runs, 1, 1000, 0, 0},
        CLI_WEIGHT_OPTS(wopt),
        {NULL, NULL, CLI_STR, NULL, 0, 0, 0, 0},
    };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("bench", bench_help, argc, argv, opts, pos, 0, &n_pos);
    if (rc != CLI_CONTINUE)
        return rc;
    rwkvacc_ctx_options copt;
    memset(&copt, 0, sizeof copt);
    rc = cli_weight_options("bench", &wopt, &copt.weight_bits, &copt.group);
    if (rc != CLI_CONTINUE)
        return rc;

    cli_session s;
    rc = cli_session_open_opt(&s, CLI_WANT_CTX, model, backend, NULL, &copt);
    if (rc)
        return rc;
    uint32_t nv = rwkvacc_ctx_n_vocab(s.ctx);
    uint32_t *tokens = malloc((size_t)n * sizeof *tokens);
    float *logits = malloc((size_t)nv * sizeof *logits);
    double *rates = malloc((size_t)runs * sizeof *rates);
    double res[2][3]; /* [serial, sequence][median, min, max] */
    if (!tokens || !logits || !rates) {
        rc = cli_fail("out of memory for %llu tokens", (unsigned long long)n);
        goto done;
    }
    /* English-like bytes, folded into the vocabulary. */
    static const char text[] = "The quick brown fox jumps over the lazy dog. ";
    for (size_t i = 0; i < n; i++)
        tokens[i] = (uint32_t)(unsigned char)text[i % (sizeof text - 1)] % nv;

    for (int mode = 0; mode < 2; mode++) {
        int serial = mode == 0;
        double warm;
        rc = run(s.ctx, tokens, n, serial, logits, &warm);
        if (rc)
            goto done;
        for (size_t r = 0; r < runs; r++) {
            rc = run(s.ctx, tokens, n, serial, logits, &rates[r]);
            if (rc)
                goto done;
        }
        res[mode][0] = median(rates, runs);
        res[mode][1] = rates[0];
        res[mode][2] = rates[runs - 1];
    }
    printf("model: %s\n", model);
    printf("version: %s\n", rwkvacc_arch_name(s.info.arch));
    printf("backend: %s\n", backend);
    printf("tokens: %llu\n", (unsigned long long)n);
    printf("runs: %llu\n", (unsigned long long)runs);
    static const char *const mode_name[2] = {"serial", "sequence"};
    for (int mode = 0; mode < 2; mode++) {
        printf("%s_tokens_per_s: %.1f\n", mode_name[mode], res[mode][0]);
        printf("%s_tokens_per_s_min: %.1f\n", mode_name[mode], res[mode][1]);
        printf("%s_tokens_per_s_max: %.1f\n", mode_name[mode], res[mode][2]);
    }
    rc = CLI_EXIT_OK;
done:
    free(rates);
    free(logits);
    free(tokens);
    cli_session_close(&s);
    return rc;
}
