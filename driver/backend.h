/*
 * backend.h - the interface every backend implements: the float reference, the
 * integer golden model, and the card backends (C model, simulated RTL, OpenCL,
 * PCIe). A new backend adds one file defining an rw_backend and one line in
 * backends.c; the context layer (context.c) and the command use nothing else.
 * A device holds what streams share (the model on the device); a stream holds
 * one recurrent state. Calls on the streams of one device are not concurrent.
 */
#ifndef RWKVACC_BACKEND_H
#define RWKVACC_BACKEND_H

#include "rwkvacc.h"

typedef struct rw_backend {
    const char *name;
    const char *summary;
    /* A device: the model loaded once (weights, compiled image), shared by its
     * streams. opt->max_streams bounds the streams where the device needs to know. */
    rwkvacc_status (*dev_open)(const rwkvacc_model *m, const rwkvacc_ctx_options *opt,
                               void **dev, rwkvacc_error *err);
    void (*dev_close)(void *dev); /* after its last stream is closed */
    /* A stream on a device, with its own recurrent state, starting empty. */
    rwkvacc_status (*open)(void *dev, void **impl, rwkvacc_error *err);
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
    /* optional (NULL): a card's counters, as rwkvacc_ctx_card_counters */
    void (*card_counters)(const void *impl, rwkvacc_card_counters *out);
    /* optional (NULL): event counters, as rwkvacc_ctx_events */
    void (*events)(const void *impl, uint64_t *counts, const char **names, size_t *n);
} rw_backend;

/* The registry (backends.c). */
const rw_backend *rw_backend_find(const char *name);
const rw_backend *rw_backend_at(size_t index);

#endif
