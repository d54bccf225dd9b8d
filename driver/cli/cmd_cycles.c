/*
 * cmd_cycles.c - `rwkvacc cycles`: runs tokens on a card backend (sim: the
 * cycle-accurate RTL; isa: the C model, whose CYCLES counts instructions) and
 * prints the card's counters for the last token, with the bandwidth efficiency
 * (weight bytes per token / BUS_BYTES) / cycles per token of issue 5. This is
 * what `make bench-rtl` reports; it measures cycles, not host time.
 */
#include "cli.h"
#include "rwkvacc_hw.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char cycles_help[] =
    "usage: rwkvacc cycles --model MODEL [--backend sim|isa] [-n TOKENS]\n"
    "\n"
    "Feeds TOKENS tokens (bytes of 'The ', repeated; default 2) from the empty\n"
    "state to a card backend and prints the card's counters for the last token:\n"
    "cycles_per_token, weight_bytes_per_token, bytes_read_per_token,\n"
    "bytes_written_per_token and bandwidth_efficiency = weight bytes / BUS_BYTES /\n"
    "cycles (1.0: the card streams weights every cycle; memory-bound).\n"
    "\n"
    "  --model, -m MODEL   model file\n"
    "  --backend, -b NAME  sim (default) or isa\n"
    "  -n TOKENS           tokens to run, 1 to 1000 (default 2)\n"
    "  --weights int8|int4 quantize a float model on the fly\n"
    "  --group G           INT4 group size (default 64)\n"
    CLI_CARD_HELP;

int cmd_cycles(int argc, char **argv)
{
    const char *model = NULL, *backend = "sim";
    uint64_t n = 2;
    cli_weights wopt = {NULL, 0};
    cli_card card = {NULL, 0, 0};
    cli_opt opts[] = {
        {"--model", "-m", CLI_STR, &model, 0, 0, 1, 0},
        {"--backend", "-b", CLI_STR, &backend, 0, 0, 0, 0},
        {"-n", NULL, CLI_UINT, &n, 1, 1000, 0, 0},
        CLI_WEIGHT_OPTS(wopt),
        CLI_CARD_OPTS(card),
        {NULL, NULL, CLI_STR, NULL, 0, 0, 0, 0},
    };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("cycles", cycles_help, argc, argv, opts, pos, 0, &n_pos);
    if (rc != CLI_CONTINUE)
        return rc;
    rwkvacc_ctx_options copt;
    memset(&copt, 0, sizeof copt);
    rc = cli_weight_options("cycles", &wopt, &copt.weight_bits, &copt.group);
    if (rc != CLI_CONTINUE)
        return rc;
    cli_card_options(&card, &copt);
    cli_session s;
    rc = cli_session_open_opt(&s, CLI_WANT_CTX, model, backend, NULL, &copt);
    if (rc)
        return rc;
    rwkvacc_error err;
    rwkvacc_card_counters k;
    rwkvacc_status st = RWKVACC_OK;
    static const char text[] = "The ";
    for (uint64_t t = 0; t < n && !st; t++) {
        uint32_t tok = (uint8_t)text[t % 4] % rwkvacc_ctx_n_vocab(s.ctx);
        st = rwkvacc_ctx_feed(s.ctx, &tok, 1, NULL, 0, &err);
    }
    if (!st)
        st = rwkvacc_ctx_card_counters(s.ctx, &k, &err);
    if (st) {
        rc = cli_lib_fail(&err, st);
    } else {
        printf("backend: %s\n", backend);
        printf("cycles_per_token: %" PRIu64 "\n", k.cycles);
        printf("weight_bytes_per_token: %" PRIu64 "\n", k.weight_bytes_read);
        printf("bytes_read_per_token: %" PRIu64 "\n", k.bytes_read);
        printf("bytes_written_per_token: %" PRIu64 "\n", k.bytes_written);
        printf("bandwidth_efficiency: %.4f\n",
               k.cycles ? (double)k.weight_bytes_read / RWKVACC_HW_CFG_BUS_BYTES /
                              (double)k.cycles
                        : 0.0);
    }
    cli_session_close(&s);
    return rc;
}
