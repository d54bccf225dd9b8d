/*
 * cmd_logits.c - `rwkvacc logits`: the logits after every token of a prompt or a
 * token file, T x n_vocab little-endian float32, written atomically.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char logits_help[] =
    "usage: rwkvacc logits --model MODEL [--backend NAME] [--vocab FILE]\n"
    "                      (--prompt TEXT | --tokens FILE) --out FILE\n"
    "\n"
    "Feeds a token sequence from the all-zero state and writes the logits after\n"
    "every token: T x n_vocab little-endian float32, row by row.\n"
    "\n"
    "  --model, -m MODEL   model file (rwkv.cpp .bin or safetensors)\n"
    "  --backend, -b NAME  backend (default ref; see rwkvacc backends)\n"
    "  --vocab FILE        World vocabulary for --prompt (default: bytes are tokens;\n"
    "                      not used with --tokens)\n"
    "  --prompt, -p TEXT   the text to feed, tokenized\n"
    "  --tokens FILE       the token ids to feed, little-endian uint32\n"
    "  --out, -o FILE      output file, replaced only on success (- for stdout)\n"
    "  --weights int8|int4 quantize a float model on the fly (integer backends;\n"
    "                      default: the weights as the model file has them)\n"
    "  --group G           INT4 group size, even, 32 to 128 (default 64)\n"
    "  --raw               raw integer logits (integer backends only)\n"
    CLI_CARD_HELP;

/* Reads a file of little-endian uint32 token ids, each < n_vocab. */
static int read_tokens(const char *path, uint32_t n_vocab, const char *model,
                       uint32_t **ids, size_t *n)
{
    char *buf;
    size_t len;
    *ids = NULL;
    *n = 0;
    int rc = cli_read_file(path, &buf, &len);
    if (rc)
        return rc;
    if (len % 4) {
        free(buf);
        return cli_fail("%s: size %zu bytes is not a multiple of 4 (little-endian uint32 "
                        "token ids)", path, len);
    }
    if (len == 0) {
        free(buf);
        return cli_fail("%s: no tokens (the file is empty)", path);
    }
    size_t count = len / 4;
    uint32_t *t = malloc(count * sizeof *t);
    if (!t) {
        free(buf);
        return cli_fail("%s: out of memory for %zu tokens", path, count);
    }
    const unsigned char *b = (const unsigned char *)buf;
    for (size_t i = 0; i < count; i++) {
        t[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
               (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
        if (t[i] >= n_vocab) {
            rc = cli_fail("%s: token id %u at index %zu is out of range (model %s has "
                          "n_vocab %u)", path, (unsigned)t[i], i, model, (unsigned)n_vocab);
            free(t);
            free(buf);
            return rc;
        }
    }
    free(buf);
    *ids = t;
    *n = count;
    return CLI_EXIT_OK;
}

int cmd_logits(int argc, char **argv)
{
    const char *model = NULL, *backend = "ref", *vocab = NULL, *prompt = NULL;
    const char *tokens = NULL, *out = NULL;
    cli_weights wopt = {NULL, 0};
    cli_card card = {NULL, 0, 0};
    int raw = 0; /* integer logits as the integer backends compute them */
    cli_opt opts[] = {
        {"--model", "-m", CLI_STR, &model, 0, 0, 1, 0},
        {"--backend", "-b", CLI_STR, &backend, 0, 0, 0, 0},
        {"--vocab", NULL, CLI_STR, &vocab, 0, 0, 0, 0},
        {"--prompt", "-p", CLI_STR, &prompt, 0, 0, 0, 0},
        {"--tokens", NULL, CLI_STR, &tokens, 0, 0, 0, 0},
        {"--out", "-o", CLI_STR, &out, 0, 0, 1, 0},
        {"--raw", NULL, CLI_FLAG, &raw, 0, 0, 0, 0},
        CLI_WEIGHT_OPTS(wopt),
        CLI_CARD_OPTS(card),
        {NULL, NULL, CLI_STR, NULL, 0, 0, 0, 0},
    };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("logits", logits_help, argc, argv, opts, pos, 0, &n_pos);
    if (rc != CLI_CONTINUE)
        return rc;
    rwkvacc_ctx_options copt;
    memset(&copt, 0, sizeof copt);
    rc = cli_weight_options("logits", &wopt, &copt.weight_bits, &copt.group);
    cli_card_options(&card, &copt);
    if (rc != CLI_CONTINUE)
        return rc;
    if (prompt && tokens)
        return cli_usage("logits: give either --prompt or --tokens, not both");
    if (!prompt && !tokens)
        return cli_usage("logits: missing --prompt or --tokens (see rwkvacc logits --help)");

    cli_session s;
    rc = cli_session_open_opt(&s, CLI_WANT_CTX | (prompt ? CLI_WANT_TOK : 0), model,
                              backend, vocab, &copt);
    if (rc)
        return rc;

    uint32_t *ids = NULL;
    size_t n = 0;
    void *logits = NULL; /* float, or int32 with --raw */
    cli_out o;
    memset(&o, 0, sizeof o);
    rwkvacc_error err;
    memset(&err, 0, sizeof err);
    if (prompt) {
        rwkvacc_status st =
            rwkvacc_tokenizer_encode(s.tok, prompt, strlen(prompt), &ids, &n, &err);
        if (st != RWKVACC_OK) {
            ids = NULL;
            rc = cli_lib_fail(&err, st);
            goto done;
        }
        if (n == 0) {
            rc = cli_usage("logits: --prompt gives no tokens");
            goto done;
        }
    } else {
        rc = read_tokens(tokens, s.info.n_vocab, model, &ids, &n);
        if (rc)
            goto done;
    }

    uint32_t nv = rwkvacc_ctx_n_vocab(s.ctx);
    size_t chunk = cli_chunk_tokens(nv);
    if (chunk > n)
        chunk = n;
    /* raw: per token the exponent then n_vocab mantissas (docs/formats.md) */
    logits = malloc(chunk * (raw ? nv + 1 : nv) * 4);
    if (!logits) {
        rc = cli_fail("out of memory for the logits of %zu tokens", chunk);
        goto done;
    }
    rc = cli_out_open(&o, out);
    if (rc)
        goto done;
    for (size_t i = 0; i < n; i += chunk) {
        size_t k = n - i < chunk ? n - i : chunk;
        rwkvacc_status st = raw ? rwkvacc_ctx_feed_raw(s.ctx, ids + i, k, logits, &err)
                                : rwkvacc_ctx_feed(s.ctx, ids + i, k, logits, 1, &err);
        if (st != RWKVACC_OK) {
            cli_out_abort(&o);
            rc = cli_lib_fail(&err, st);
            goto done;
        }
        rc = cli_out_write_le32(&o, logits, k * (raw ? nv + 1 : nv));
        if (rc)
            goto done;
    }
    rc = cli_out_commit(&o);
done:
    cli_out_abort(&o);
    free(logits);
    free(ids);
    cli_session_close(&s);
    return rc;
}
