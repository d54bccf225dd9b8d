/*
 * backend_card.c - a card behind the backend interface, through the HAL only
 * (hal.h): the model is compiled into an image (compile.c) and loaded once; each
 * token is one run of the program: write TOKEN, ring the doorbell, wait, read the
 * logits vector from region IO. Device memory: IMAGE at 0, then STATE, then IO.
 * A failed run restores the state, so a failed call changes nothing.
 */
#include "backend_card.h"

#include "compile.h"
#include "error.h"
#include "golden/golden.h"
#include "model.h"
#include "rwkvacc_hw.h"
#include "tensor_file.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CARD_TIMEOUT_MS 10000u

typedef struct card {
    const rw_hal *hal;
    void *dev;
    rw_qmodel *owned;
    uint32_t n_vocab;
    uint64_t state_addr, state_bytes, io_addr, io_bytes;
    uint8_t *initial;  /* the empty state */
    uint8_t *saved;    /* the state before a call, restored when it fails */
    uint8_t *io;       /* host copy of the logits vector */
} card;

static void reg_w(card *c, uint32_t off, uint32_t v)
{
    c->hal->reg_write(c->dev, off, v);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

/* The empty state in the golden model's layout (the same bytes STATE holds). */
static uint8_t *empty_state(const rw_qmodel *q, uint64_t bytes)
{
    rw_golden *g = rw_golden_new(q);
    uint8_t *s = g && rw_golden_state_words(g) * 4 == bytes ? malloc(bytes) : NULL;
    if (s) {
        int32_t *w = malloc(bytes);
        if (w) {
            rw_golden_state_get(g, w);
            for (uint64_t i = 0; i < bytes / 4; i++)
                for (int k = 0; k < 4; k++)
                    s[4 * i + (uint64_t)k] = (uint8_t)((uint32_t)w[i] >> (8 * k));
        } else {
            free(s);
            s = NULL;
        }
        free(w);
    }
    rw_golden_free(g);
    return s;
}

static void program_regions(card *c, const rw_image *img)
{
    const uint64_t base[3] = {0, c->state_addr, c->io_addr};
    const uint64_t size[3] = {img->len, c->state_bytes, c->io_bytes};
    for (uint32_t r = 0; r < 3; r++) {
        reg_w(c, RWKVACC_HW_REG_REGION_BASE_LO(r), (uint32_t)base[r]);
        reg_w(c, RWKVACC_HW_REG_REGION_BASE_HI(r), (uint32_t)(base[r] >> 32));
        reg_w(c, RWKVACC_HW_REG_REGION_SIZE(r), (uint32_t)size[r]);
    }
    reg_w(c, RWKVACC_HW_REG_REGION_SIZE(3), 0);
    reg_w(c, RWKVACC_HW_REG_PROG_OFFSET, img->prog_offset);
    reg_w(c, RWKVACC_HW_REG_PROG_LEN, img->prog_len);
}

static rwkvacc_status load(card *c, const rw_qmodel *q, rwkvacc_error *err)
{
    rw_image img, hdr;
    rwkvacc_status s = rw_compile(q, &img, err);
    uint32_t cfg0, cfg1;
    if (s)
        return s;
    c->state_bytes = img.state_bytes;
    c->io_bytes = img.io_bytes;
    c->state_addr = align_up(img.len, 4096);
    c->io_addr = align_up(c->state_addr + c->state_bytes, 4096);
    s = c->hal->open(c->io_addr + c->io_bytes, &c->dev, err);
    if (!s) {
        cfg0 = c->hal->reg_read(c->dev, RWKVACC_HW_REG_CONFIG0);
        cfg1 = c->hal->reg_read(c->dev, RWKVACC_HW_REG_CONFIG1);
        s = rw_image_check(img.bytes, img.len, cfg0, cfg1, &hdr, err);
    }
    if (!s && !((c->initial = empty_state(q, c->state_bytes)) &&
                (c->saved = malloc(c->state_bytes)) && (c->io = malloc(c->io_bytes))))
        s = rw_fail(err, RWKVACC_E_NOMEM, "%s backend: out of memory", c->hal->name);
    if (!s) {
        c->hal->mem_write(c->dev, 0, img.bytes, img.len);
        c->hal->mem_write(c->dev, c->state_addr, c->initial, c->state_bytes);
        program_regions(c, &img);
    }
    rw_image_free(&img);
    return s;
}

rwkvacc_status rw_card_open(const rw_hal *hal, const rwkvacc_model *m,
                            const rwkvacc_ctx_options *opt, void **impl, rwkvacc_error *err)
{
    card *c = calloc(1, sizeof *c);
    const rw_qmodel *q = m->q;
    rwkvacc_status s = RWKVACC_OK;
    if (!c)
        return rw_fail(err, RWKVACC_E_NOMEM, "%s backend: out of memory", hal->name);
    c->hal = hal;
    if (!q) {
        rw_quant_options qo = {opt ? opt->weight_bits : 0, opt && opt->group ? opt->group : 64};
        if (qo.weight_bits != 8 && qo.weight_bits != 4)
            s = rw_fail(err, RWKVACC_E_ARG, "%s backend: a float model needs --weights int8 "
                        "or int4 (or quantize it with rwkvacc quantize)", hal->name);
        else
            s = rw_quantize(m, &qo, &c->owned, err);
        q = c->owned;
    }
    if (!s) {
        c->n_vocab = q->info.n_vocab;
        s = load(c, q, err);
    }
    if (s) {
        rw_card_close(c);
        return s;
    }
    *impl = c;
    return RWKVACC_OK;
}

void rw_card_close(void *impl)
{
    card *c = impl;
    if (!c)
        return;
    if (c->dev)
        c->hal->close(c->dev);
    rw_qmodel_free(c->owned);
    free(c->initial);
    free(c->saved);
    free(c->io);
    free(c);
}

void rw_card_reset(void *impl)
{
    card *c = impl;
    c->hal->mem_write(c->dev, c->state_addr, c->initial, c->state_bytes);
}

/* One program run for one token; the logits vector lands in c->io. */
static rwkvacc_status run_token(card *c, uint32_t token, rwkvacc_error *err)
{
    uint32_t status, code;
    rwkvacc_status s;
    reg_w(c, RWKVACC_HW_REG_IRQ_STATUS, RWKVACC_HW_IRQ_STATUS_DONE_MASK |
                                            RWKVACC_HW_IRQ_STATUS_ERROR_MASK);
    reg_w(c, RWKVACC_HW_REG_TOKEN, token);
    reg_w(c, RWKVACC_HW_REG_CTRL, RWKVACC_HW_CTRL_START_MASK);
    /* a port reports a card that does not finish as RWKVACC_E_TIMEOUT (hal.h) */
    if ((s = c->hal->wait(c->dev, CARD_TIMEOUT_MS, err)) != RWKVACC_OK)
        return s;
    status = c->hal->reg_read(c->dev, RWKVACC_HW_REG_STATUS);
    if (status & RWKVACC_HW_STATUS_ERROR_MASK) {
        code = c->hal->reg_read(c->dev, RWKVACC_HW_REG_ERR_CODE);
        return rw_fail(err, RWKVACC_E_DEVICE, "%s backend: the card stopped with error %s "
                       "at instruction %u", c->hal->name,
                       rwkvacc_hw_error_name((code & RWKVACC_HW_ERR_CODE_CODE_MASK) >>
                                             RWKVACC_HW_ERR_CODE_CODE_SHIFT),
                       (code & RWKVACC_HW_ERR_CODE_PC_MASK) >> RWKVACC_HW_ERR_CODE_PC_SHIFT);
    }
    if (!(status & RWKVACC_HW_STATUS_DONE_MASK))
        return rw_fail(err, RWKVACC_E_BACKEND, "%s backend: the card is idle but not done",
                       c->hal->name);
    c->hal->mem_read(c->dev, c->io_addr, c->io, c->io_bytes);
    return RWKVACC_OK;
}

static void put_float(const card *c, float *dst)
{
    int32_t e = (int32_t)rw_le32(c->io);
    for (uint32_t i = 0; i < c->n_vocab; i++)
        dst[i] = (float)ldexp((double)(int32_t)rw_le32(c->io + 4 * (1 + (size_t)i)), e);
}

static void put_raw(const card *c, int32_t *dst)
{
    for (uint32_t i = 0; i <= c->n_vocab; i++)
        dst[i] = (int32_t)rw_le32(c->io + 4 * (size_t)i);
}

/* Runs the tokens; on failure puts the state back as it was. */
static rwkvacc_status run(card *c, const uint32_t *tokens, size_t n, float *logits, int all,
                          int32_t *raw, rwkvacc_error *err)
{
    rwkvacc_status s = RWKVACC_OK;
    c->hal->mem_read(c->dev, c->state_addr, c->saved, c->state_bytes);
    for (size_t t = 0; t < n && !s; t++) {
        if ((s = run_token(c, tokens[t], err)) != RWKVACC_OK)
            break;
        if (raw)
            put_raw(c, raw + t * (1 + (size_t)c->n_vocab));
        else if (logits && (all || t + 1 == n))
            put_float(c, logits + (all ? t : 0) * (size_t)c->n_vocab);
    }
    if (s)
        c->hal->mem_write(c->dev, c->state_addr, c->saved, c->state_bytes);
    return s;
}

rwkvacc_status rw_card_feed(void *impl, const uint32_t *tokens, size_t n, float *logits,
                            int all, rwkvacc_error *err)
{
    return run(impl, tokens, n, logits, all, NULL, err);
}

rwkvacc_status rw_card_feed_raw(void *impl, const uint32_t *tokens, size_t n, int32_t *raw,
                                rwkvacc_error *err)
{
    return run(impl, tokens, n, NULL, 1, raw, err);
}

size_t rw_card_state_size(const void *impl)
{
    return (size_t)((const card *)impl)->state_bytes;
}

void rw_card_state_get(const void *impl, void *buf)
{
    const card *c = impl;
    c->hal->mem_read(c->dev, c->state_addr, buf, c->state_bytes);
}

void rw_card_state_set(void *impl, const void *buf)
{
    card *c = impl;
    c->hal->mem_write(c->dev, c->state_addr, buf, c->state_bytes);
}
