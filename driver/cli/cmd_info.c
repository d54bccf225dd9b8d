/*
 * cmd_info.c - `rwkvacc info MODEL` and `rwkvacc backends`.
 */
#include "cli.h"

#include <inttypes.h>

static const char info_help[] =
    "usage: rwkvacc info MODEL\n"
    "       rwkvacc info --model MODEL\n"
    "\n"
    "Loads a model (rwkv.cpp .bin or safetensors) and prints one `key: value` per\n"
    "line: version, n_vocab, n_embd, n_layer, heads (count x size), n_ffn, the\n"
    "low-rank sizes the version has, parameter count, file size, format and dtype.\n";

int cmd_info(int argc, char **argv)
{
    const char *model = NULL;
    cli_opt opts[] = {
        {"--model", "-m", CLI_STR, &model, 0, 0, 0, 0},
        {NULL, NULL, CLI_STR, NULL, 0, 0, 0, 0},
    };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("info", info_help, argc, argv, opts, pos, 1, &n_pos);
    if (rc != CLI_CONTINUE)
        return rc;
    if (n_pos && model)
        return cli_usage("info: give the model once, as MODEL or --model");
    if (n_pos)
        model = pos[0];
    if (!model)
        return cli_usage("info: missing MODEL (see rwkvacc info --help)");

    cli_session s;
    rc = cli_session_open(&s, CLI_WANT_MODEL, model, NULL, NULL);
    if (rc)
        return rc;
    const rwkvacc_model_info *in = &s.info;
    printf("file: %s\n", model);
    printf("version: %s\n", rwkvacc_arch_name(in->arch));
    printf("n_vocab: %" PRIu32 "\n", in->n_vocab);
    printf("n_embd: %" PRIu32 "\n", in->n_embd);
    printf("n_layer: %" PRIu32 "\n", in->n_layer);
    if (in->n_head)
        printf("heads: %" PRIu32 " x %" PRIu32 "\n", in->n_head, in->head_size);
    else
        printf("heads: -\n");
    printf("n_ffn: %" PRIu32 "\n", in->n_ffn);
    const struct {
        const char *name;
        uint32_t v;
    } lowrank[] = {{"d_mix", in->d_mix}, {"d_decay", in->d_decay}, {"d_w", in->d_w},
                   {"d_a", in->d_a},     {"d_v", in->d_v},         {"d_g", in->d_g}};
    for (size_t i = 0; i < sizeof lowrank / sizeof lowrank[0]; i++)
        if (lowrank[i].v)
            printf("%s: %" PRIu32 "\n", lowrank[i].name, lowrank[i].v);
    printf("n_params: %" PRIu64 "\n", in->n_params);
    printf("file_bytes: %" PRIu64 "\n", in->file_bytes);
    printf("file_format: %s\n", in->file_format ? in->file_format : "?");
    printf("file_dtype: %s\n", in->file_dtype ? in->file_dtype : "?");
    cli_session_close(&s);
    return CLI_EXIT_OK;
}

static const char backends_help[] =
    "usage: rwkvacc backends\n"
    "\n"
    "Lists the backends a context can be opened on (the --backend of the other\n"
    "commands), one per line: name, then a summary.\n";

int cmd_backends(int argc, char **argv)
{
    cli_opt opts[] = {{NULL, NULL, CLI_STR, NULL, 0, 0, 0, 0}};
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("backends", backends_help, argc, argv, opts, pos, 0, &n_pos);
    if (rc != CLI_CONTINUE)
        return rc;
    for (size_t i = 0; rwkvacc_backend_name(i); i++) {
        const char *sum = rwkvacc_backend_summary(i);
        printf("%-10s %s\n", rwkvacc_backend_name(i), sum ? sum : "");
    }
    return CLI_EXIT_OK;
}
