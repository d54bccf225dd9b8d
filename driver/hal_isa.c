/*
 * hal_isa.c - the "isa" backend: the HAL port to the C model of the card
 * (cmodel/golden/card.c), in process. Device memory is the model's memory; the
 * doorbell runs the program to completion, so waiting only checks BUSY.
 */
#include "backend_card.h"
#include "error.h"
#include "golden/card.h"
#include "rwkvacc_hw.h"

#include <string.h>

static rwkvacc_status isa_hal_open(uint64_t mem_bytes, const rwkvacc_ctx_options *opt,
                                   void **dev, rwkvacc_error *err)
{
    rw_card *c = rw_card_new(mem_bytes);
    if (!c)
        return rw_fail(err, RWKVACC_E_NOMEM, "isa backend: no memory for a card with %llu "
                       "bytes of device memory", (unsigned long long)mem_bytes);
    *dev = c;
    return RWKVACC_OK;
}

static void isa_hal_close(void *dev)
{
    rw_card_free(dev);
}

static uint32_t isa_reg_read(void *dev, uint32_t off)
{
    return rw_card_reg_read(dev, off);
}

static void isa_reg_write(void *dev, uint32_t off, uint32_t v)
{
    rw_card_reg_write(dev, off, v);
}

static void isa_mem_write(void *dev, uint64_t addr, const void *src, size_t n)
{
    memcpy(rw_card_mem(dev) + addr, src, n);
}

static void isa_mem_read(void *dev, uint64_t addr, void *dst, size_t n)
{
    memcpy(dst, rw_card_mem(dev) + addr, n);
}

static rwkvacc_status isa_wait(void *dev, uint32_t timeout_ms, rwkvacc_error *err)
{
    /* the model finishes inside the doorbell write: busy now means stuck */
    if (rw_card_reg_read(dev, RWKVACC_HW_REG_STATUS) & RWKVACC_HW_STATUS_BUSY_MASK)
        return rw_fail(err, RWKVACC_E_TIMEOUT, "isa backend: the card is still busy after "
                       "%u ms", timeout_ms);
    return RWKVACC_OK;
}

static const rw_hal hal_isa = {
    .name = "isa",
    .summary = "the card's instruction-level C model, through its registers",
    .open = isa_hal_open,
    .close = isa_hal_close,
    .reg_read = isa_reg_read,
    .reg_write = isa_reg_write,
    .mem_write = isa_mem_write,
    .mem_read = isa_mem_read,
    .wait = isa_wait,
};

static rwkvacc_status isa_dev_open(const rwkvacc_model *m, const rwkvacc_ctx_options *opt,
                                   void **dev, rwkvacc_error *err)
{
    return rw_card_dev_open(&hal_isa, m, opt, dev, err);
}

const rw_backend rw_backend_isa =
    RW_CARD_BACKEND("isa", "the card's instruction-level C model, through its registers",
                    isa_dev_open);
