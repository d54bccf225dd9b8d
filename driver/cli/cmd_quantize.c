/*
 * cmd_quantize.c - `rwkvacc quantize IN OUT`: a float model to a quantized model
 * file (INT8 or INT4 weights) for the integer backends, written atomically.
 * The same input and options always give the same bytes.
 */
#include "cli.h"

#include <string.h>

#include "golden/qmodel.h"
#include "model.h"

static const char quantize_help[] =
    "usage: rwkvacc quantize IN OUT --weights int8|int4 [--group G]\n"
    "\n"
    "Quantizes a float model (rwkv.cpp .bin or safetensors) for the integer\n"
    "backends and writes it to OUT, which is replaced only on success (- for\n"
    "stdout). Matrices become INT8 with one scale per row, or INT4 with one scale\n"
    "per group of G weights along a row; the other tensors become block-floating\n"
    "or fixed-point vectors (docs/formats.md). The same IN and options give the\n"
    "same bytes. `rwkvacc info OUT` describes the result.\n"
    "\n"
    "  --weights int8|int4  weight precision (required)\n"
    "  --group G            INT4 group size, even, 32 to 128 (default 64)\n";

int cmd_quantize(int argc, char **argv)
{
    cli_weights wopt = {NULL, 0};
    cli_opt opts[] = {
        CLI_WEIGHT_OPTS(wopt),
        {NULL, NULL, CLI_STR, NULL, 0, 0, 0, 0},
    };
    const char *pos[2];
    size_t n_pos;
    rw_quant_options qo;
    int rc = cli_parse("quantize", quantize_help, argc, argv, opts, pos, 2, &n_pos);
    if (rc != CLI_CONTINUE)
        return rc;
    if (n_pos < 2)
        return cli_usage("quantize: missing %s (see rwkvacc quantize --help)",
                         n_pos ? "OUT" : "IN and OUT");
    if (!wopt.weights)
        return cli_usage("quantize: missing --weights int8|int4 (see rwkvacc quantize "
                         "--help)");
    rc = cli_weight_options("quantize", &wopt, &qo.weight_bits, &qo.group);
    if (rc != CLI_CONTINUE)
        return rc;
    if (!pos[1][0])
        return cli_usage("quantize: the output file name is empty");

    cli_session s;
    rc = cli_session_open(&s, CLI_WANT_MODEL, pos[0], NULL, NULL);
    if (rc)
        return rc;
    rwkvacc_error err;
    memset(&err, 0, sizeof err);
    rw_qmodel *q = NULL;
    cli_out o;
    memset(&o, 0, sizeof o);
    if (s.model->q) {
        rc = cli_fail("%s: already quantized (%s); quantize needs a float model", pos[0],
                      s.info.file_dtype);
        goto done;
    }
    rwkvacc_status st = rw_quantize(s.model, &qo, &q, &err);
    if (st != RWKVACC_OK) {
        rc = cli_fail("%s: %s", pos[0], err.msg[0] ? err.msg : rwkvacc_status_str(st));
        goto done;
    }
    /* Written under a temporary name and renamed only when complete. */
    if ((rc = cli_out_open(&o, pos[1])) != CLI_EXIT_OK)
        goto done;
    if ((st = rw_qmodel_write_stream(q, o.f, o.path, &err)) != RWKVACC_OK) {
        cli_out_abort(&o);
        rc = cli_lib_fail(&err, st);
        goto done;
    }
    rc = cli_out_commit(&o);
done:
    cli_out_abort(&o);
    rw_qmodel_free(q);
    cli_session_close(&s);
    return rc;
}
