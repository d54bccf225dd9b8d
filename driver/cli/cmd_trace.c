/*
 * cmd_trace.c - `rwkvacc trace`: golden vectors, every unit operation of every
 * layer of every token with its inputs and outputs (docs/conformance.md); and
 * `rwkvacc conform`: replays a set against the golden units, counting mismatches.
 */
#include "cli.h"
#include "golden/golden.h"
#include "model.h"
#include "trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char trace_help[] =
    "usage: rwkvacc trace --model MODEL [--weights int8|int4] [--group G]\n"
    "                     [--prompt TEXT] [--vocab FILE] [--tokens N] --out DIR\n"
    "\n"
    "Runs the golden model on the first N tokens of TEXT (default 4 tokens of a\n"
    "pangram) and writes golden vectors to DIR: model.rq (the quantized model),\n"
    "vectors.bin (one record per unit operation: inputs and outputs) and\n"
    "manifest.tsv (one line per record). Format: docs/conformance.md.\n";

static const char conform_help[] =
    "usage: rwkvacc conform DIR\n"
    "\n"
    "Replays every record of DIR/vectors.bin through the golden unit it names, with\n"
    "the weights of DIR/model.rq, and compares the outputs exactly. Prints records\n"
    "and mismatches per unit; exits 1 if anything differs.\n";

/* The quantized model to trace: the file's own, or the float model quantized. */
static int trace_model(cli_session *s, const rwkvacc_ctx_options *o, rw_qmodel **owned,
                       const rw_qmodel **q)
{
    rwkvacc_error err;
    rw_quant_options qo = {o->weight_bits, o->group ? o->group : 64};
    rwkvacc_status st;
    *owned = NULL;
    if (s->model->q && !o->weight_bits) {
        *q = s->model->q;
        return CLI_EXIT_OK;
    }
    if (s->model->q)
        return cli_usage("trace: the model is already quantized; drop --weights");
    if (!o->weight_bits)
        return cli_usage("trace: a float model needs --weights int8 or int4");
    if ((st = rw_quantize(s->model, &qo, owned, &err)) != RWKVACC_OK)
        return cli_lib_fail(&err, st);
    *q = *owned;
    return CLI_EXIT_OK;
}

static int write_model(const rw_qmodel *q, const char *dir)
{
    char path[4096];
    rwkvacc_error err;
    rwkvacc_status st;
    snprintf(path, sizeof path, "%s/model.rq", dir);
    st = rw_qmodel_write(q, path, &err);
    return st == RWKVACC_OK ? CLI_EXIT_OK : cli_lib_fail(&err, st);
}

static int run_trace(const rw_qmodel *q, const uint32_t *ids, size_t n, const char *dir)
{
    char vp[4096], mp[4096];
    cli_out vo, mo;
    rw_trace_writer w;
    rw_golden *g = rw_golden_new(q);
    rw_bfv logits = {NULL, 0, 0};
    int rc;
    memset(&vo, 0, sizeof vo);
    memset(&mo, 0, sizeof mo);
    snprintf(vp, sizeof vp, "%s/vectors.bin", dir);
    snprintf(mp, sizeof mp, "%s/manifest.tsv", dir);
    logits.m = malloc(q->info.n_vocab * sizeof *logits.m);
    if (!g || !logits.m) {
        rc = cli_fail("out of memory for the golden model");
        goto done;
    }
    if ((rc = cli_out_open(&vo, vp)) || (rc = cli_out_open(&mo, mp)))
        goto done;
    fprintf(mo.f, "# rwkvacc golden vectors, format 1 (docs/conformance.md)\n"
                  "# arch %s, n_embd %u, n_layer %u, heads %u x %u, weights INT%u%s\n"
                  "# index\ttoken\tlayer\tunit\tname\toffset\tbytes\n",
            rwkvacc_arch_name(q->info.arch), q->info.n_embd, q->info.n_layer, q->info.n_head,
            q->info.head_size, q->weight_bits, q->weight_bits == 4 ? " (grouped)" : "");
    rw_trace_writer_init(&w, vo.f, mo.f);
    g->hook = &w.hook;
    for (size_t t = 0; t < n; t++)
        rw_golden_token(g, ids[t], &logits);
    rw_trace_writer_finish(&w);
    rc = w.failed ? cli_fail("out of memory or write error writing %s", vp) : CLI_EXIT_OK;
    if (!rc) {
        printf("records: %u\ntokens: %zu\nbytes: %llu\n", w.index, n,
               (unsigned long long)w.offset);
        rc = cli_out_commit(&vo);
    }
    if (!rc)
        rc = cli_out_commit(&mo);
    rw_trace_writer_free(&w);
done:
    cli_out_abort(&vo);
    cli_out_abort(&mo);
    free(logits.m);
    rw_golden_free(g);
    return rc;
}

int cmd_trace(int argc, char **argv)
{
    const char *model = NULL, *vocab = NULL, *out = NULL;
    const char *prompt = "The quick brown fox jumps over the lazy dog.";
    uint64_t ntok = 4;
    cli_weights wopt = {NULL, 0};
    cli_opt opts[] = {
        {"--model", "-m", CLI_STR, &model, 0, 0, 1, 0},
        {"--vocab", NULL, CLI_STR, &vocab, 0, 0, 0, 0},
        {"--prompt", "-p", CLI_STR, &prompt, 0, 0, 0, 0},
        {"--tokens", "-n", CLI_UINT, &ntok, 1, 1 << 20, 0, 0},
        {"--out", "-o", CLI_STR, &out, 0, 0, 1, 0},
        CLI_WEIGHT_OPTS(wopt),
        {NULL, NULL, CLI_STR, NULL, 0, 0, 0, 0},
    };
    const char *pos[1];
    size_t n_pos, n = 0;
    rwkvacc_ctx_options copt;
    cli_session s;
    rw_qmodel *owned = NULL;
    const rw_qmodel *q = NULL;
    uint32_t *ids = NULL;
    rwkvacc_error err;
    rwkvacc_status st;
    int rc = cli_parse("trace", trace_help, argc, argv, opts, pos, 0, &n_pos);
    if (rc != CLI_CONTINUE)
        return rc;
    memset(&copt, 0, sizeof copt);
    if ((rc = cli_weight_options("trace", &wopt, &copt.weight_bits, &copt.group)) != CLI_CONTINUE)
        return rc;
    if (mkdir(out, 0777) != 0 && errno != EEXIST)
        return cli_fail("%s: cannot create the folder: %s", out, strerror(errno));
    if ((rc = cli_session_open_opt(&s, CLI_WANT_TOK | CLI_WANT_MODEL, model, "golden", vocab, &copt)))
        return rc;
    if ((rc = trace_model(&s, &copt, &owned, &q)))
        goto done;
    if ((st = rwkvacc_tokenizer_encode(s.tok, prompt, strlen(prompt), &ids, &n, &err))) {
        ids = NULL;
        rc = cli_lib_fail(&err, st);
        goto done;
    }
    if (n == 0) {
        rc = cli_usage("trace: --prompt gives no tokens");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (ids[i] >= q->info.n_vocab) {
            rc = cli_fail("token %u of the prompt is beyond the model's %u", ids[i],
                          q->info.n_vocab);
            goto done;
        }
    if (ntok < n)
        n = (size_t)ntok;
    if (!(rc = write_model(q, out)))
        rc = run_trace(q, ids, n, out);
done:
    free(ids);
    rw_qmodel_free(owned);
    cli_session_close(&s);
    return rc;
}

int cmd_conform(int argc, char **argv)
{
    cli_opt opts[] = {{NULL, NULL, CLI_STR, NULL, 0, 0, 0, 0}};
    const char *pos[1];
    size_t n_pos, len = 0;
    char path[4096];
    char *buf = NULL;
    rwkvacc_model *m = NULL;
    rwkvacc_error err;
    rwkvacc_status st;
    rw_conform res;
    uint64_t total = 0, bad = 0;
    int rc = cli_parse("conform", conform_help, argc, argv, opts, pos, 1, &n_pos);
    if (rc != CLI_CONTINUE)
        return rc;
    if (n_pos != 1)
        return cli_usage("conform: give the folder of a golden-vector set");
    snprintf(path, sizeof path, "%s/model.rq", pos[0]);
    if ((st = rwkvacc_model_load(path, &m, &err)) != RWKVACC_OK)
        return cli_lib_fail(&err, st);
    if (!m->q) {
        rwkvacc_model_free(m);
        return cli_fail("%s: not a quantized model", path);
    }
    snprintf(path, sizeof path, "%s/vectors.bin", pos[0]);
    if ((rc = cli_read_file(path, &buf, &len))) {
        rwkvacc_model_free(m);
        return rc;
    }
    st = rw_conform_run(m->q, (const uint8_t *)buf, len, path, &res, &err);
    if (st == RWKVACC_OK) {
        printf("%-10s %10s %10s\n", "unit", "records", "mismatches");
        for (size_t i = 0; i < res.n_units; i++) {
            printf("%-10s %10llu %10llu\n", res.units[i].unit,
                   (unsigned long long)res.units[i].records,
                   (unsigned long long)res.units[i].mismatches);
            total += res.units[i].records;
            bad += res.units[i].mismatches;
        }
        printf("%llu records, %llu mismatches\n", (unsigned long long)total,
               (unsigned long long)bad);
        rc = bad ? cli_fail("%s: record %llu differs: %s", path,
                            (unsigned long long)res.first_bad, res.first_bad_what)
                 : CLI_EXIT_OK;
    } else {
        rc = cli_lib_fail(&err, st);
    }
    free(buf);
    rwkvacc_model_free(m);
    return rc;
}
