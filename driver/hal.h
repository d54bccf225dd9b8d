/*
 * hal.h - the hooks a card port implements: register access, device memory, and
 * waiting for the card. The card backend (backend_card.c) drives the hardware
 * only through these, so the C model of the card (hal_isa.c), the simulated RTL,
 * OpenCL/XRT and a PCIe card each add one file and nothing else.
 */
#ifndef RWKVACC_HAL_H
#define RWKVACC_HAL_H

#include "rwkvacc.h"

typedef struct rw_hal {
    const char *name;    /* the backend name users pass to --backend */
    const char *summary;
    /* A device with at least mem_bytes of device memory from address 0; opt (never
     * NULL) carries what a port may use (a simulated card's trace and memory). */
    rwkvacc_status (*open)(uint64_t mem_bytes, const rwkvacc_ctx_options *opt, void **dev,
                           rwkvacc_error *err);
    void (*close)(void *dev);
    uint32_t (*reg_read)(void *dev, uint32_t offset);
    void (*reg_write)(void *dev, uint32_t offset, uint32_t value);
    void (*mem_write)(void *dev, uint64_t addr, const void *src, size_t n);
    void (*mem_read)(void *dev, uint64_t addr, void *dst, size_t n);
    /* Waits until STATUS.BUSY is clear; RWKVACC_E_TIMEOUT, with a message naming
     * the wait, when it does not clear in time. */
    rwkvacc_status (*wait)(void *dev, uint32_t timeout_ms, rwkvacc_error *err);
} rw_hal;

#endif
