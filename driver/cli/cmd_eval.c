/*
 * cmd_eval.c - `rwkvacc eval`: how well a model predicts a text. For every
 * position t it scores token t+1: cross-entropy in bits per token and per byte,
 * and top-1 accuracy.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char eval_help[] =
    "usage: rwkvacc eval --model MODEL [--backend NAME] [--weights W] [--compare NAME]\n"
    "                    [--vocab FILE] --text FILE\n"
    "\n"
    "Tokenizes FILE, feeds it from the all-zero state and scores the prediction of\n"
    "every token after the first. Prints one `key: value` per line:\n"
    "  tokens, bytes              of the whole text\n"
    "  predicted_tokens, predicted_bytes\n"
    "                             the tokens scored (all but the first), their bytes\n"
    "  bits_per_token             sum of -log2 p(token) / predicted_tokens\n"
    "  bits_per_byte              the same sum / predicted_bytes\n"
    "  top1_accuracy              percent of tokens that had the highest logit\n"
    "  events_NAME                an integer backend's event counters\n"
    "With --compare NAME, the same figures for backend NAME fed in lockstep\n"
    "(compare_*), the relative change in cross-entropy (cross_entropy_change) and\n"
    "how often both pick the same top-1 token (top1_agreement).\n"
    "\n"
    "  --model, -m MODEL    model file (rwkv.cpp .bin or safetensors)\n"
    "  --backend, -b NAME   backend (default ref; see rwkvacc backends)\n"
    "  --vocab FILE         World vocabulary (default: bytes are tokens)\n"
    "  --text FILE          the text to score (- for stdin)\n"
    "  --compare NAME       also run backend NAME (e.g. ref) and compare\n"
    "  --weights int8|int4  quantize a float model on the fly (integer backends;\n"
    "                       default: the weights as the model file has them)\n"
    "  --group G            INT4 group size, even, 32 to 128 (default 64)\n";

static void print_stats(const char *prefix, const rwkvacc_eval_stats *st, uint64_t bytes)
{
    printf("%sbits_per_token: %.6f\n", prefix, st->bits / (double)st->scored);
    if (bytes)
        printf("%sbits_per_byte: %.6f\n", prefix, st->bits / (double)bytes);
    else
        printf("%sbits_per_byte: -\n", prefix);
    printf("%stop1_accuracy: %.2f%%\n", prefix, 100.0 * (double)st->top1 / (double)st->scored);
}

/* Integer backends: their event counters (docs/numerics.md). */
static void print_events(const rwkvacc_ctx *c)
{
    uint64_t counts[32];
    const char *names[32];
    size_t k = 32;
    rwkvacc_ctx_events(c, counts, names, &k);
    for (size_t i = 0; i < k; i++)
        printf("events_%s: %llu\n", names[i], (unsigned long long)counts[i]);
}

int cmd_eval(int argc, char **argv)
{
    const char *model = NULL, *backend = "ref", *vocab = NULL, *text = NULL, *compare = NULL;
    cli_weights wopt = {NULL, 0};
    cli_opt opts[] = {
        {"--model", "-m", CLI_STR, &model, 0, 0, 1, 0},
        {"--backend", "-b", CLI_STR, &backend, 0, 0, 0, 0},
        {"--vocab", NULL, CLI_STR, &vocab, 0, 0, 0, 0},
        {"--text", NULL, CLI_STR, &text, 0, 0, 1, 0},
        {"--compare", NULL, CLI_STR, &compare, 0, 0, 0, 0},
        CLI_WEIGHT_OPTS(wopt),
        {NULL, NULL, CLI_STR, NULL, 0, 0, 0, 0},
    };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("eval", eval_help, argc, argv, opts, pos, 0, &n_pos);
    if (rc != CLI_CONTINUE)
        return rc;
    rwkvacc_ctx_options copt;
    memset(&copt, 0, sizeof copt);
    rc = cli_weight_options("eval", &wopt, &copt.weight_bits, &copt.group);
    if (rc != CLI_CONTINUE)
        return rc;

    char *buf = NULL;
    size_t len = 0;
    /* Read the text first: a missing file should not wait for a model load. */
    rc = cli_read_file(text, &buf, &len);
    if (rc)
        return rc;
    cli_session s;
    rc = cli_session_open_opt(&s, CLI_WANT_TOK | CLI_WANT_CTX, model, backend, vocab, &copt);
    if (rc) {
        free(buf);
        return rc;
    }

    rwkvacc_error err;
    memset(&err, 0, sizeof err);
    uint32_t *ids = NULL;
    size_t n = 0;
    rwkvacc_ctx *other = NULL;
    rwkvacc_status st = rwkvacc_tokenizer_encode(s.tok, buf, len, &ids, &n, &err);
    if (st != RWKVACC_OK) {
        ids = NULL;
        rc = cli_lib_fail(&err, st);
        goto done;
    }
    if (n < 2) {
        rc = cli_fail("%s: %zu token%s: at least 2 are needed to score a prediction", text,
                      n, n == 1 ? "" : "s");
        goto done;
    }
    if (compare && (st = rwkvacc_ctx_open(compare, s.model, NULL, &other, &err)) != RWKVACC_OK) {
        rc = cli_lib_fail(&err, st);
        goto done;
    }
    rwkvacc_eval_stats a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    st = rwkvacc_eval_tokens(s.ctx, other, ids, n, 0, &a, &b, &err);
    if (st != RWKVACC_OK) {
        rc = cli_lib_fail(&err, st);
        goto done;
    }
    uint64_t pred_bytes = 0;
    for (size_t i = 1; i < n; i++) {
        size_t tl = 0;
        (void)rwkvacc_tokenizer_token(s.tok, ids[i], &tl);
        pred_bytes += tl;
    }
    printf("tokens: %zu\n", n);
    printf("bytes: %zu\n", len);
    printf("predicted_tokens: %llu\n", (unsigned long long)a.scored);
    printf("predicted_bytes: %llu\n", (unsigned long long)pred_bytes);
    print_stats("", &a, pred_bytes);
    if (other) {
        printf("compare_backend: %s\n", compare);
        print_stats("compare_", &b, pred_bytes);
        printf("cross_entropy_change: %+.3f%%\n", 100.0 * (a.bits / b.bits - 1.0));
        printf("top1_agreement: %.2f%%\n", 100.0 * (double)a.agree / (double)a.scored);
    }
    print_events(s.ctx);
    rc = CLI_EXIT_OK;
done:
    rwkvacc_ctx_close(other);
    free(ids);
    free(buf);
    cli_session_close(&s);
    return rc;
}
