/*
 * backend_ref.c - the "ref" backend: the float32 reference model (cmodel/ref)
 * behind the backend interface. Its state blob is the reference state block.
 */
#include "backend.h"
#include "error.h"
#include "model.h"
#include "ref/ref.h"

#include <stdlib.h>
#include <string.h>

/* The device: the float model (read-only, shared) and the chunk size. */
typedef struct ref_dev {
    const rwkvacc_model *m;
    uint32_t max_chunk;
} ref_dev;

static rwkvacc_status ref_dev_open(const rwkvacc_model *m, const rwkvacc_ctx_options *opt,
                                   void **dev, rwkvacc_error *err)
{
    ref_dev *d;
    if (m->q && !m->layers)
        return rw_fail(err, RWKVACC_E_UNSUPPORTED, "ref needs a float model; this one was "
                       "read from a quantized file (%s)", m->info.file_dtype);
    if (opt && opt->weight_bits)
        return rw_fail(err, RWKVACC_E_ARG, "ref runs float weights: %u-bit weights need an "
                       "integer backend", opt->weight_bits);
    if (!(d = malloc(sizeof *d)))
        return rw_fail(err, RWKVACC_E_NOMEM, "ref backend: out of memory");
    d->m = m;
    d->max_chunk = opt ? opt->max_chunk : 0;
    *dev = d;
    return RWKVACC_OK;
}

static void ref_dev_close(void *dev)
{
    free(dev);
}

static rwkvacc_status ref_open(void *dev, void **impl, rwkvacc_error *err)
{
    const ref_dev *d = dev;
    rw_ref *r = rw_ref_new(d->m, d->max_chunk);
    if (!r)
        return rw_fail(err, RWKVACC_E_NOMEM, "ref backend: out of memory");
    *impl = r;
    return RWKVACC_OK;
}

static void ref_close(void *impl)
{
    rw_ref_free(impl);
}

static void ref_reset(void *impl)
{
    rw_ref_reset(impl);
}

static rwkvacc_status ref_feed(void *impl, const uint32_t *tokens, size_t n, float *logits,
                               int all_logits, rwkvacc_error *err)
{
    rw_ref_forward(impl, tokens, n, logits, all_logits);
    return RWKVACC_OK;
}

static size_t ref_state_size(const void *impl)
{
    return ((const rw_ref *)impl)->state_floats * sizeof(float);
}

static void ref_state_get(const void *impl, void *buf)
{
    memcpy(buf, ((const rw_ref *)impl)->state, ref_state_size(impl));
}

static void ref_state_set(void *impl, const void *buf)
{
    memcpy(((rw_ref *)impl)->state, buf, ref_state_size(impl));
}

const rw_backend rw_backend_ref = {
    .name = "ref",
    .summary = "float32 reference model in C (the specification)",
    .dev_open = ref_dev_open,
    .dev_close = ref_dev_close,
    .open = ref_open,
    .close = ref_close,
    .reset = ref_reset,
    .feed = ref_feed,
    .state_size = ref_state_size,
    .state_get = ref_state_get,
    .state_set = ref_state_set,
};
