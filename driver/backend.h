/*
 * backend.h - the interface every backend implements: the float reference, the
 * integer golden model, and the card backends (C model, simulated RTL, OpenCL,
 * PCIe). A new backend adds one file defining an rw_backend and one line in
 * backends.c; the context layer (context.c) and the command use nothing else.
 */
#ifndef RWKVACC_BACKEND_H
#define RWKVACC_BACKEND_H

#include "rwkvacc.h"

typedef struct rw_backend {
    const char *name;
    const char *summary;
    rwkvacc_status (*open)(const rwkvacc_model *m, const rwkvacc_ctx_options *opt,
                           void **impl, rwkvacc_error *err);
    void (*close)(void *impl);
    void (*reset)(void *impl);
    /* tokens are already checked against n_vocab; logits as rwkvacc_ctx_feed */
    rwkvacc_status (*feed)(void *impl, const uint32_t *tokens, size_t n, float *logits,
                           int all_logits, rwkvacc_error *err);
    /* optional (NULL): integer logits, as rwkvacc_ctx_feed_raw */
    rwkvacc_status (*feed_raw)(void *impl, const uint32_t *tokens, size_t n, int32_t *raw,
                               rwkvacc_error *err);
    size_t (*state_size)(const void *impl);           /* bytes */
    void (*state_get)(const void *impl, void *buf);   /* state_size bytes */
    void (*state_set)(void *impl, const void *buf);
    /* optional (NULL): event counters, as rwkvacc_ctx_events */
    void (*events)(const void *impl, uint64_t *counts, const char **names, size_t *n);
} rw_backend;

/* The registry (backends.c). */
const rw_backend *rw_backend_find(const char *name);
const rw_backend *rw_backend_at(size_t index);

#endif
