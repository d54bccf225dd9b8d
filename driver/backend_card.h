/*
 * backend_card.h - the card backend over a HAL port: compiles the model into an
 * image, loads it, programs the regions and runs the program once per token
 * through the registers. A port defines its rw_backend with RW_CARD_BACKEND.
 */
#ifndef RWKVACC_BACKEND_CARD_H
#define RWKVACC_BACKEND_CARD_H

#include "backend.h"
#include "hal.h"

/* The device (image loaded, regions programmed) and the streams on it. */
rwkvacc_status rw_card_dev_open(const rw_hal *hal, const rwkvacc_model *m,
                                const rwkvacc_ctx_options *opt, void **dev,
                                rwkvacc_error *err);
void rw_card_dev_close(void *dev);
rwkvacc_status rw_card_stream_open(void *dev, void **impl, rwkvacc_error *err);
void rw_card_close(void *impl);
void rw_card_reset(void *impl);
rwkvacc_status rw_card_feed(void *impl, const uint32_t *tokens, size_t n, float *logits,
                            int all, rwkvacc_error *err);
rwkvacc_status rw_card_feed_raw(void *impl, const uint32_t *tokens, size_t n, int32_t *raw,
                                rwkvacc_error *err);
void rw_card_counters(const void *impl, rwkvacc_card_counters *out);
size_t rw_card_state_size(const void *impl);
void rw_card_state_get(const void *impl, void *buf);
void rw_card_state_set(void *impl, const void *buf);

/* The rw_backend of a port whose dev_open function calls rw_card_dev_open with its
 * HAL. */
#define RW_CARD_BACKEND(NAME, SUMMARY, DEV_OPEN)                                           \
    {                                                                                      \
        .name = NAME, .summary = SUMMARY, .dev_open = DEV_OPEN,                            \
        .dev_close = rw_card_dev_close, .open = rw_card_stream_open, .close = rw_card_close, \
        .reset = rw_card_reset, .feed = rw_card_feed, .feed_raw = rw_card_feed_raw,        \
        .state_size = rw_card_state_size, .state_get = rw_card_state_get,                  \
        .state_set = rw_card_state_set, .card_counters = rw_card_counters,                  \
    }

#endif
