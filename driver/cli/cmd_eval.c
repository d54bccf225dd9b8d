/*
 * cmd_eval.c - `rwkvacc eval`: how well a model predicts a text. For every
 * position t it scores token t+1: cross-entropy in bits per token and per byte,
 * and top-1 accuracy.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char eval_help[] =
    "usage: rwkvacc eval --model MODEL [--backend NAME] [--vocab FILE] --text FILE\n"
    "\n"
    "Tokenizes FILE, feeds it from the all-zero state and scores the prediction of\n"
    "every token after the first. Prints one `key: value` per line:\n"
    "  tokens, bytes              of the whole text\n"
    "  predicted_tokens, predicted_bytes\n"
    "                             the tokens scored (all but the first), their bytes\n"
    "  bits_per_token             sum of -log2 p(token) / predicted_tokens\n"
    "  bits_per_byte              the same sum / predicted_bytes\n"
    "  top1_accuracy              percent of tokens that had the highest logit\n"
    "\n"
    "  --model, -m MODEL    model file (rwkv.cpp .bin or safetensors)\n"
    "  --backend, -b NAME   backend (default ref; see rwkvacc backends)\n"
    "  --vocab FILE         World vocabulary (default: bytes are tokens)\n"
    "  --text FILE          the text to score (- for stdin)\n"
    "  --weights int8|int4  quantize a float model on the fly (integer backends;\n"
    "                       default: the weights as the model file has them)\n"
    "  --group G            INT4 group size, even, 32 to 128 (default 64)\n";

int cmd_eval(int argc, char **argv)
{
    const char *model = NULL, *backend = "ref", *vocab = NULL, *text = NULL;
    cli_weights wopt = {NULL, 0};
    cli_opt opts[] = {
        {"--model", "-m", CLI_STR, &model, 0, 0, 1, 0},
        {"--backend", "-b", CLI_STR, &backend, 0, 0, 0, 0},
        {"--vocab", NULL, CLI_STR, &vocab, 0, 0, 0, 0},
        {"--text", NULL, CLI_STR, &text, 0, 0, 1, 0},
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
    float *logits = NULL;
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
    uint32_t nv = rwkvacc_ctx_n_vocab(s.ctx);
    size_t chunk = cli_chunk_tokens(nv);
    if (chunk > n)
        chunk = n;
    logits = malloc(chunk * nv * sizeof *logits);
    if (!logits) {
        rc = cli_fail("out of memory for the logits of %zu tokens", chunk);
        goto done;
    }
    double bits = 0;
    uint64_t correct = 0, pred_bytes = 0;
    for (size_t i = 0; i + 1 < n; i += chunk) {
        /* The last token predicts nothing: feed tokens 0 .. n-2 only. */
        size_t k = n - 1 - i < chunk ? n - 1 - i : chunk;
        st = rwkvacc_ctx_feed(s.ctx, ids + i, k, logits, 1, &err);
        if (st != RWKVACC_OK) {
            rc = cli_lib_fail(&err, st);
            goto done;
        }
        for (size_t j = 0; j < k; j++) {
            const float *l = logits + j * nv;
            uint32_t target = ids[i + j + 1];
            uint32_t best = 0;
            double m = l[0];
            for (uint32_t v = 1; v < nv; v++)
                if (l[v] > m) {
                    m = l[v];
                    best = v;
                }
            double sum = 0;
            for (uint32_t v = 0; v < nv; v++)
                sum += exp((double)l[v] - m);
            double lse = m + log(sum);
            bits += (lse - (double)l[target]) / log(2.0);
            correct += best == target;
            size_t tl = 0;
            (void)rwkvacc_tokenizer_token(s.tok, target, &tl);
            pred_bytes += tl;
        }
    }
    size_t pred = n - 1;
    printf("tokens: %zu\n", n);
    printf("bytes: %zu\n", len);
    printf("predicted_tokens: %zu\n", pred);
    printf("predicted_bytes: %llu\n", (unsigned long long)pred_bytes);
    printf("bits_per_token: %.6f\n", bits / (double)pred);
    if (pred_bytes)
        printf("bits_per_byte: %.6f\n", bits / (double)pred_bytes);
    else
        printf("bits_per_byte: -\n");
    printf("top1_accuracy: %.2f%%\n", 100.0 * (double)correct / (double)pred);
    rc = CLI_EXIT_OK;
done:
    free(logits);
    free(ids);
    free(buf);
    cli_session_close(&s);
    return rc;
}
