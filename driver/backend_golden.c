/*
 * backend_golden.c - the "golden" backend: the bit-exact integer model
 * (cmodel/golden) behind the backend interface. It runs a quantized model file
 * as is, or quantizes a float model on open (--weights int8|int4). Logits are
 * dequantized to float32 here, outside the datapath; feed_raw gives the integers.
 */
#include "backend.h"
#include "error.h"
#include "golden/golden.h"
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The device: the quantized model, shared by the streams. */
typedef struct golden_dev {
    const rw_qmodel *q;
    rw_qmodel *owned; /* quantized on open from a float model */
} golden_dev;

typedef struct golden_impl {
    rw_golden *g;
    rw_bfv logits;
} golden_impl;

static rwkvacc_status golden_dev_open(const rwkvacc_model *m, const rwkvacc_ctx_options *opt,
                                      void **dev, rwkvacc_error *err)
{
    golden_dev *d = calloc(1, sizeof *d);
    rwkvacc_status s;
    if (!d)
        return rw_fail(err, RWKVACC_E_NOMEM, "golden backend: out of memory");
    d->q = m->q;
    if (!d->q) {
        rw_quant_options qo = {opt ? opt->weight_bits : 0, opt && opt->group ? opt->group : 64};
        if (qo.weight_bits != 8 && qo.weight_bits != 4)
            s = rw_fail(err, RWKVACC_E_ARG, "golden backend: a float model needs "
                        "--weights int8 or int4 (or quantize it with rwkvacc quantize)");
        else
            s = rw_quantize(m, &qo, &d->owned, err);
        if (s) {
            free(d);
            return s;
        }
        d->q = d->owned;
    }
    *dev = d;
    return RWKVACC_OK;
}

static void golden_dev_close(void *dev)
{
    golden_dev *d = dev;
    rw_qmodel_free(d->owned);
    free(d);
}

static void golden_close(void *impl)
{
    golden_impl *b = impl;
    if (!b)
        return;
    rw_golden_free(b->g);
    free(b->logits.m);
    free(b);
}

static rwkvacc_status golden_open(void *dev, void **impl, rwkvacc_error *err)
{
    const rw_qmodel *q = ((const golden_dev *)dev)->q;
    golden_impl *b = calloc(1, sizeof *b);
    if (!b)
        return rw_fail(err, RWKVACC_E_NOMEM, "golden backend: out of memory");
    b->g = rw_golden_new(q);
    b->logits.m = calloc(q->info.n_vocab, sizeof(int32_t));
    if (!b->g || !b->logits.m) {
        golden_close(b);
        return rw_fail(err, RWKVACC_E_NOMEM, "golden backend: out of memory");
    }
    *impl = b;
    return RWKVACC_OK;
}

static void golden_reset(void *impl)
{
    rw_golden_reset(((golden_impl *)impl)->g);
}

/* Runs n tokens; calls out(t) after each token that needs logits. */
static void run(golden_impl *b, const uint32_t *tokens, size_t n, int all,
                void (*out)(golden_impl *, size_t, void *), void *arg)
{
    for (size_t t = 0; t < n; t++) {
        int want = out && (all || t + 1 == n);
        rw_golden_token(b->g, tokens[t], want ? &b->logits : NULL);
        if (want)
            out(b, all ? t : 0, arg);
    }
}

static void put_float(golden_impl *b, size_t row, void *arg)
{
    float *dst = (float *)arg + row * b->logits.n;
    for (uint32_t i = 0; i < b->logits.n; i++)
        dst[i] = (float)ldexp((double)b->logits.m[i], b->logits.e);
}

static void put_raw(golden_impl *b, size_t row, void *arg)
{
    int32_t *dst = (int32_t *)arg + row * (1 + (size_t)b->logits.n);
    dst[0] = b->logits.e;
    memcpy(dst + 1, b->logits.m, b->logits.n * sizeof *dst);
}

static rwkvacc_status golden_feed(void *impl, const uint32_t *tokens, size_t n,
                                  float *logits, int all, rwkvacc_error *err)
{
    run(impl, tokens, n, all, logits ? put_float : NULL, logits);
    return RWKVACC_OK;
}

static rwkvacc_status golden_feed_raw(void *impl, const uint32_t *tokens, size_t n,
                                      int32_t *raw, rwkvacc_error *err)
{
    run(impl, tokens, n, 1, put_raw, raw);
    return RWKVACC_OK;
}

static size_t golden_state_size(const void *impl)
{
    return rw_golden_state_words(((const golden_impl *)impl)->g) * sizeof(int32_t);
}

static void golden_state_get(const void *impl, void *buf)
{
    rw_golden_state_get(((const golden_impl *)impl)->g, buf);
}

static void golden_state_set(void *impl, const void *buf)
{
    rw_golden_state_set(((golden_impl *)impl)->g, buf);
}

static void golden_events(const void *impl, uint64_t *counts, const char **names, size_t *n)
{
    const rw_golden *g = ((const golden_impl *)impl)->g;
    for (size_t i = 0; i < RW_EV_COUNT && i < *n; i++) {
        counts[i] = g->events[i];
        names[i] = rw_event_name((rw_event)i);
    }
    *n = RW_EV_COUNT < *n ? RW_EV_COUNT : *n;
}

const rw_backend rw_backend_golden = {
    .name = "golden",
    .summary = "bit-exact integer datapath in C (INT8/INT4 weights; the hardware's definition)",
    .dev_open = golden_dev_open,
    .dev_close = golden_dev_close,
    .open = golden_open,
    .close = golden_close,
    .reset = golden_reset,
    .feed = golden_feed,
    .feed_raw = golden_feed_raw,
    .state_size = golden_state_size,
    .state_get = golden_state_get,
    .state_set = golden_state_set,
    .events = golden_events,
};
