/*
 * cmd_info.c - `rwkvacc info MODEL` and `rwkvacc backends`.
 */
#include "cli.h"
#include "compile.h"
#include "golden/card.h"
#include "golden/golden.h"
#include "model.h"
#include "rwkvacc_hw.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char info_help[] =
    "usage: rwkvacc info MODEL\n"
    "       rwkvacc info --model MODEL\n"
    "       rwkvacc info MODEL --image [--weights int8|int4] [--group G]\n"
    "\n"
    "Loads a model (rwkv.cpp .bin or safetensors) and prints one `key: value` per\n"
    "line: version, n_vocab, n_embd, n_layer, heads (count x size), n_ffn, the\n"
    "low-rank sizes the version has, parameter count, file size, format and dtype.\n"
    "\n"
    "With --image it also compiles the model (quantized with --weights, which a\n"
    "float model needs) into the card's image, runs one token on the C model of\n"
    "the card and prints: image_bytes, instructions_per_token, matvec_per_token,\n"
    "weight_bytes_minimum (q, sm and se of every matrix, each read once),\n"
    "weight_bytes_read (the card's RD_WEIGHT_BYTES, which adds the 32-byte record\n"
    "of each matrix), weight_read_ratio, bytes_read, bytes_written, state_bytes.\n"
    "Formula: docs/architecture.md, \"Bytes and instructions per token\".\n";

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

static uint64_t reg64(rw_card *c, uint32_t lo, uint32_t hi)
{
    return (uint64_t)rw_card_reg_read(c, lo) | (uint64_t)rw_card_reg_read(c, hi) << 32;
}

/* The empty state (the golden model's, as backend_card.c loads it) into
 * device memory at addr; 0 when the sizes disagree or memory runs out. */
static int put_empty_state(rw_card *card, const rw_qmodel *q, uint64_t addr, uint64_t bytes)
{
    rw_golden *g = rw_golden_new(q);
    int32_t *w = g && rw_golden_state_words(g) * 4 == bytes ? malloc(bytes ? bytes : 1) : NULL;
    uint8_t *mem = rw_card_mem(card) + addr;
    if (w) {
        rw_golden_state_get(g, w);
        for (uint64_t i = 0; i < bytes / 4; i++)
            for (int k = 0; k < 4; k++)
                mem[4 * i + (uint64_t)k] = (uint8_t)((uint32_t)w[i] >> (8 * k));
    }
    rw_golden_free(g);
    free(w);
    return w != NULL;
}

/* --image: compile (quantizing a float model to bits), run one token on the C
 * model of the card, print the counts. */
static int image_info(cli_session *s, uint32_t bits, uint32_t group)
{
    rwkvacc_error err;
    rwkvacc_status st;
    rw_qmodel *owned = NULL;
    const rw_qmodel *q = s->model->q;
    rw_image img;
    rw_card *card = NULL;
    int rc = CLI_EXIT_OK;
    if (!q) {
        rw_quant_options qo = {bits, group};
        if ((st = rw_quantize(s->model, &qo, &owned, &err)) != RWKVACC_OK)
            return cli_lib_fail(&err, st);
        q = owned;
    }
    if ((st = rw_compile(q, &img, &err)) != RWKVACC_OK) {
        rw_qmodel_free(owned);
        return cli_lib_fail(&err, st);
    }
    uint64_t state_at = align_up(img.len, 4096);
    uint64_t io_at = align_up(state_at + img.state_bytes, 4096);
    if (!(card = rw_card_new(io_at + img.io_bytes)) ||
        !put_empty_state(card, q, state_at, img.state_bytes)) {
        rc = cli_fail("out of memory for the C model of the card");
        goto done;
    }
    memcpy(rw_card_mem(card), img.bytes, img.len);
    const uint64_t base[3] = {0, state_at, io_at};
    const uint64_t size[3] = {img.len, img.state_bytes, img.io_bytes};
    for (uint32_t r = 0; r < 3; r++) {
        rw_card_reg_write(card, RWKVACC_HW_REG_REGION_BASE_LO(r), (uint32_t)base[r]);
        rw_card_reg_write(card, RWKVACC_HW_REG_REGION_BASE_HI(r), (uint32_t)(base[r] >> 32));
        rw_card_reg_write(card, RWKVACC_HW_REG_REGION_SIZE(r), (uint32_t)size[r]);
    }
    rw_card_reg_write(card, RWKVACC_HW_REG_PROG_OFFSET, img.prog_offset);
    rw_card_reg_write(card, RWKVACC_HW_REG_PROG_LEN, img.prog_len);
    rw_card_reg_write(card, RWKVACC_HW_REG_TOKEN, 0);
    rw_card_reg_write(card, RWKVACC_HW_REG_CTRL, RWKVACC_HW_CTRL_START_MASK);
    uint32_t status = rw_card_reg_read(card, RWKVACC_HW_REG_STATUS);
    if (!(status & RWKVACC_HW_STATUS_DONE_MASK)) {
        uint32_t ec = rw_card_reg_read(card, RWKVACC_HW_REG_ERR_CODE);
        rc = cli_fail("the C model of the card stopped with error %" PRIu32
                      " at instruction %" PRIu32,
                      (ec & RWKVACC_HW_ERR_CODE_CODE_MASK) >> RWKVACC_HW_ERR_CODE_CODE_SHIFT,
                      (ec & RWKVACC_HW_ERR_CODE_PC_MASK) >> RWKVACC_HW_ERR_CODE_PC_SHIFT);
        goto done;
    }
    uint64_t wread = reg64(card, RWKVACC_HW_REG_RD_WEIGHT_BYTES_LO,
                           RWKVACC_HW_REG_RD_WEIGHT_BYTES_HI);
    printf("image_weights: int%" PRIu32 "\n", q->weight_bits);
    printf("image_bytes: %zu\n", img.len);
    printf("instructions_per_token: %" PRIu32 "\n", img.prog_len);
    printf("matvec_per_token: %" PRIu32 "\n", img.n_matvec);
    printf("weight_bytes_minimum: %" PRIu64 "\n", img.matrix_bytes);
    printf("weight_bytes_read: %" PRIu64 "\n", wread);
    printf("weight_read_ratio: %.4f\n",
           img.matrix_bytes ? (double)wread / (double)img.matrix_bytes : 0.0);
    printf("bytes_read: %" PRIu64 "\n",
           reg64(card, RWKVACC_HW_REG_RD_BYTES_LO, RWKVACC_HW_REG_RD_BYTES_HI));
    printf("bytes_written: %" PRIu64 "\n",
           reg64(card, RWKVACC_HW_REG_WR_BYTES_LO, RWKVACC_HW_REG_WR_BYTES_HI));
    printf("state_bytes: %" PRIu64 "\n", img.state_bytes);
done:
    rw_card_free(card);
    rw_image_free(&img);
    rw_qmodel_free(owned);
    return rc;
}

int cmd_info(int argc, char **argv)
{
    const char *model = NULL;
    int image = 0;
    cli_weights wopt = {NULL, 0};
    uint32_t bits, group;
    cli_opt opts[] = {
        {"--model", "-m", CLI_STR, &model, 0, 0, 0, 0},
        {"--image", NULL, CLI_FLAG, &image, 0, 0, 0, 0},
        CLI_WEIGHT_OPTS(wopt),
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
    if (!image && (wopt.weights || wopt.group))
        return cli_usage("info: --weights and --group go with --image");
    rc = cli_weight_options("info", &wopt, &bits, &group);
    if (rc != CLI_CONTINUE)
        return rc;

    cli_session s;
    rc = cli_session_open(&s, CLI_WANT_MODEL, model, NULL, NULL);
    if (rc)
        return rc;
    if (image && s.model->q && bits)
        rc = cli_usage("info: the model is already quantized; drop --weights");
    else if (image && !s.model->q && !bits)
        rc = cli_usage("info: --image of a float model needs --weights int8 or int4");
    if (rc) {
        cli_session_close(&s);
        return rc;
    }
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
    rc = image ? image_info(&s, bits, group) : CLI_EXIT_OK;
    cli_session_close(&s);
    return rc;
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
