/*
 * cmd_generate.c - `rwkvacc generate`: feed a prompt, then sample N tokens and
 * write their bytes to stdout as they come.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sampler.h"

static const char generate_help[] =
    "usage: rwkvacc generate --model MODEL [--backend NAME] [--vocab FILE]\n"
    "                        --prompt TEXT [-n N] [--temperature T] [--top-p P]\n"
    "                        [--seed S] [--echo]\n"
    "\n"
    "Feeds the prompt from the all-zero state, then samples N tokens, writing the\n"
    "bytes of each to stdout as soon as it is chosen. The same seed gives the same\n"
    "text. Token 0 (end of text in the World vocabulary) prints nothing and does\n"
    "not stop the generation.\n"
    "\n"
    "  --model, -m MODEL     model file (rwkv.cpp .bin or safetensors)\n"
    "  --backend, -b NAME    backend (default ref; see rwkvacc backends)\n"
    "  --vocab FILE          World vocabulary (default: bytes are tokens)\n"
    "  --prompt, -p TEXT     text to start from (not empty)\n"
    "  -n N                  tokens to generate (default 100)\n"
    "  --temperature, -t T   softmax temperature, >= 0 (default 1.0; 0 = greedy)\n"
    "  --top-p P             nucleus sampling mass, 0 to 1 (default 0.85)\n"
    "  --seed, -s S          random seed, 0 to 2^64-1 (default 0)\n"
    "  --echo                write the prompt first\n"
    "  --weights int8|int4   quantize a float model on the fly (integer backends;\n"
    "                        default: the weights as the model file has them)\n"
    "  --group G             INT4 group size, even, 32 to 128 (default 64)\n"
    CLI_CARD_HELP;

int cmd_generate(int argc, char **argv)
{
    const char *model = NULL, *backend = "ref", *vocab = NULL, *prompt = NULL;
    uint64_t n_gen = 100, seed = 0;
    double temperature = 1.0, top_p = 0.85;
    int echo = 0;
    cli_weights wopt = {NULL, 0};
    cli_card card = {NULL, 0, 0};
    cli_opt opts[] = {
        {"--model", "-m", CLI_STR, &model, 0, 0, 1, 0},
        {"--backend", "-b", CLI_STR, &backend, 0, 0, 0, 0},
        {"--vocab", NULL, CLI_STR, &vocab, 0, 0, 0, 0},
        {"--prompt", "-p", CLI_STR, &prompt, 0, 0, 1, 0},
        {"-n", NULL, CLI_UINT, &n_gen, 0, 1e9, 0, 0},
        {"--temperature", "-t", CLI_DOUBLE, &temperature, 0, 1e6, 0, 0},
        {"--top-p", NULL, CLI_DOUBLE, &top_p, 0, 1, 0, 0},
        {"--seed", "-s", CLI_UINT, &seed, 0, 18446744073709551615.0, 0, 0},
        {"--echo", NULL, CLI_FLAG, &echo, 0, 0, 0, 0},
        CLI_WEIGHT_OPTS(wopt),
        CLI_CARD_OPTS(card),
        {NULL, NULL, CLI_STR, NULL, 0, 0, 0, 0},
    };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("generate", generate_help, argc, argv, opts, pos, 0, &n_pos);
    if (rc != CLI_CONTINUE)
        return rc;
    rwkvacc_ctx_options copt;
    memset(&copt, 0, sizeof copt);
    rc = cli_weight_options("generate", &wopt, &copt.weight_bits, &copt.group);
    cli_card_options(&card, &copt);
    if (rc != CLI_CONTINUE)
        return rc;

    cli_session s;
    rc = cli_session_open_opt(&s, CLI_WANT_TOK | CLI_WANT_CTX, model, backend, vocab, &copt);
    if (rc)
        return rc;

    rwkvacc_error err;
    memset(&err, 0, sizeof err);
    uint32_t *ids = NULL;
    size_t n_ids = 0;
    float *logits = NULL;
    rw_sampler smp;
    memset(&smp, 0, sizeof smp);
    uint32_t nv = rwkvacc_ctx_n_vocab(s.ctx);

    rwkvacc_status st = rwkvacc_tokenizer_encode(s.tok, prompt, strlen(prompt), &ids,
                                                 &n_ids, &err);
    if (st != RWKVACC_OK) {
        ids = NULL;
        rc = cli_lib_fail(&err, st);
        goto done;
    }
    if (n_ids == 0) {
        rc = cli_usage("generate: --prompt gives no tokens");
        goto done;
    }
    st = rw_sampler_init(&smp, temperature, top_p, seed, nv, &err);
    if (st != RWKVACC_OK) {
        rc = cli_lib_fail(&err, st);
        goto done;
    }
    logits = malloc((size_t)nv * sizeof *logits);
    if (!logits) {
        rc = cli_fail("out of memory for %u logits", (unsigned)nv);
        goto done;
    }
    /* The prompt in chunks: only the last logits matter. */
    size_t chunk = 4096;
    for (size_t i = 0; i < n_ids; i += chunk) {
        size_t k = n_ids - i < chunk ? n_ids - i : chunk;
        st = rwkvacc_ctx_feed(s.ctx, ids + i, k, logits, 0, &err);
        if (st != RWKVACC_OK) {
            rc = cli_lib_fail(&err, st);
            goto done;
        }
    }
    if (echo) {
        fputs(prompt, stdout);
        fflush(stdout);
    }
    for (uint64_t i = 0; i < n_gen; i++) {
        uint32_t tok;
        st = rw_sampler_sample(&smp, logits, nv, &tok, &err);
        if (st != RWKVACC_OK) {
            rc = cli_lib_fail(&err, st);
            goto done;
        }
        size_t len = 0;
        const char *bytes = rwkvacc_tokenizer_token(s.tok, tok, &len);
        if (bytes && len) {
            errno = 0;
            if (fwrite(bytes, 1, len, stdout) != len || fflush(stdout) != 0) {
                rc = cli_fail("cannot write standard output: %s",
                              errno ? strerror(errno) : "write error");
                goto done;
            }
        }
        if (i + 1 == n_gen)
            break; /* the last token's logits are never used */
        st = rwkvacc_ctx_feed(s.ctx, &tok, 1, logits, 0, &err);
        if (st != RWKVACC_OK) {
            rc = cli_lib_fail(&err, st);
            goto done;
        }
    }
    rc = CLI_EXIT_OK;
done:
    rw_sampler_free(&smp);
    free(logits);
    free(ids);
    cli_session_close(&s);
    return rc;
}
