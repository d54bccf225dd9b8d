/*
 * cmd_randmodel.c - `rwkvacc randmodel`: a random-weight model of any shape
 * (cmodel/model_random.h) written as an rwkv.cpp .bin file, atomically. Used by
 * scripts/bench.sh for real-size shapes without a downloaded checkpoint. The same
 * options always give the same bytes.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_random.h"


static const char randmodel_help[] =
    "usage: rwkvacc randmodel --version V --n-embd C --layers L --vocab N\n"
    "                         [--head-size S] [--seed X] [--fp16] --out FILE\n"
    "\n"
    "Writes a model with random weights in the ranges trained models show, in the\n"
    "rwkv.cpp format, to FILE (replaced only on success; - for stdout). Its text is\n"
    "noise: it is for benchmarks and numerics tests at real shapes. The same options\n"
    "give the same bytes.\n"
    "\n"
    "  --version V      4, 5.1, 5.2, 6.0 or 7.0 (6 and 7 also accepted)\n"
    "  --n-embd C       embedding width, 1 to 16384\n"
    "  --layers L       number of layers, 1 to 1024\n"
    "  --vocab N        vocabulary size, 1 to 1048576\n"
    "  --head-size S    5.1 to 7.0: channels per head, dividing C (default 64)\n"
    "  --seed X         random seed (default 1)\n"
    "  --fp16           matrices as FP16, as rwkv.cpp's FP16 files (default FP32)\n"
    "  --out, -o FILE   output file\n";

static int parse_version(const char *v, rwkvacc_arch *a)
{
    static const struct {
        const char *name;
        rwkvacc_arch arch;
    } names[] = {
        {"4", RWKVACC_ARCH_V4},   {"5.1", RWKVACC_ARCH_V5_1}, {"5.2", RWKVACC_ARCH_V5_2},
        {"6", RWKVACC_ARCH_V6_0}, {"6.0", RWKVACC_ARCH_V6_0}, {"7", RWKVACC_ARCH_V7_0},
        {"7.0", RWKVACC_ARCH_V7_0},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(v, names[i].name)) {
            *a = names[i].arch;
            return 1;
        }
    return 0;
}

int cmd_randmodel(int argc, char **argv)
{
    const char *version = NULL, *out = NULL;
    uint64_t n_embd = 0, layers = 0, vocab = 0, head_size = 64, seed = 1;
    int fp16 = 0;
    cli_opt opts[] = {
        {"--version", NULL, CLI_STR, &version, 0, 0, 1, 0},
        {"--n-embd", NULL, CLI_UINT, &n_embd, 1, 16384, 1, 0},
        {"--layers", NULL, CLI_UINT, &layers, 1, 1024, 1, 0},
        {"--vocab", NULL, CLI_UINT, &vocab, 1, 1048576, 1, 0},
        {"--head-size", NULL, CLI_UINT, &head_size, 1, 16384, 0, 0},
        {"--seed", NULL, CLI_UINT, &seed, 0, 9007199254740991.0, 0, 0},
        {"--fp16", NULL, CLI_FLAG, &fp16, 0, 0, 0, 0},
        {"--out", "-o", CLI_STR, &out, 0, 0, 1, 0},
        {NULL, NULL, CLI_STR, NULL, 0, 0, 0, 0},
    };
    const char *pos[1];
    size_t n_pos;
    rw_random_spec spec;
    int rc = cli_parse("randmodel", randmodel_help, argc, argv, opts, pos, 0, &n_pos);
    if (rc != CLI_CONTINUE)
        return rc;
    memset(&spec, 0, sizeof spec);
    if (!parse_version(version, &spec.arch))
        return cli_usage("randmodel: --version: '%.20s' is not 4, 5.1, 5.2, 6.0 or 7.0",
                         version);
    if (spec.arch == RWKVACC_ARCH_V4) {
        if (opts[4].seen)
            return cli_usage("randmodel: --head-size applies to versions 5.1 to 7.0 only");
        head_size = n_embd; /* 4 has no heads; the generator only needs it to divide C */
    } else if (n_embd % head_size != 0) {
        return cli_usage("randmodel: --head-size %llu does not divide --n-embd %llu",
                         (unsigned long long)head_size, (unsigned long long)n_embd);
    }
    spec.n_vocab = (uint32_t)vocab;
    spec.n_embd = (uint32_t)n_embd;
    spec.n_layer = (uint32_t)layers;
    spec.head_size = (uint32_t)head_size;
    spec.seed = seed;
    spec.fp16 = fp16;

    rwkvacc_error err;
    memset(&err, 0, sizeof err);
    uint8_t *buf = NULL;
    size_t len = 0;
    rwkvacc_status st = rw_random_model(&spec, &buf, &len, &err);
    if (st != RWKVACC_OK)
        return cli_lib_fail(&err, st);
    cli_out o;
    if ((rc = cli_out_open(&o, out)) != CLI_EXIT_OK) {
        free(buf);
        return rc;
    }
    errno = 0;
    if (fwrite(buf, 1, len, o.f) != len) {
        int e = errno ? errno : EIO;
        cli_out_abort(&o);
        free(buf);
        return cli_fail("cannot write %s: %s", o.path, strerror(e));
    }
    free(buf);
    return cli_out_commit(&o);
}
