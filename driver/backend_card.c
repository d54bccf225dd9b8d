/*
 * backend_card.c - a card behind the backend interface, through the HAL only
 * (hal.h): the model is compiled into an image (compile.c) and loaded once per
 * device; each stream owns one STATE block in device memory, and each of its
 * tokens is one run of the program: point region STATE at the block, write TOKEN,
 * ring the doorbell, wait, read the logits vector from region IO. Device memory:
 * IMAGE at 0, then IO, then max_streams STATE blocks. A failed run restores the
 * stream's state, so a failed call changes nothing.
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
#define CARD_DEFAULT_STREAMS 8u

typedef struct card {
    const rw_hal *hal;
    void *dev;
    rw_qmodel *owned;
    uint32_t n_vocab;
    uint64_t state_bytes, io_addr, io_bytes;
    uint64_t slots_addr, slot_stride; /* STATE block i at slots_addr + i * slot_stride */
    uint32_t n_slots;
    uint8_t *used;     /* n_slots flags */
    uint8_t *initial;  /* the empty state */
    uint8_t *io;       /* host copy of the logits vector */
} card;

/* One stream: its STATE block, and a host copy of it taken before each call. */
typedef struct card_stream {
    card *c;
    uint32_t slot;
    uint64_t state_addr;
    uint8_t *saved;
} card_stream;

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

static void set_region(card *c, uint32_t r, uint64_t base, uint64_t size)
{
    reg_w(c, RWKVACC_HW_REG_REGION_BASE_LO(r), (uint32_t)base);
    reg_w(c, RWKVACC_HW_REG_REGION_BASE_HI(r), (uint32_t)(base >> 32));
    reg_w(c, RWKVACC_HW_REG_REGION_SIZE(r), (uint32_t)size);
}

static void program_regions(card *c, const rw_image *img)
{
    set_region(c, RWKVACC_HW_REGION_IMAGE, 0, img->len);
    set_region(c, RWKVACC_HW_REGION_IO, c->io_addr, c->io_bytes);
    set_region(c, RWKVACC_HW_REGION_STATE, c->slots_addr, 0); /* set per stream */
    set_region(c, RWKVACC_HW_REGION_SCRATCH, 0, 0);
    reg_w(c, RWKVACC_HW_REG_PROG_OFFSET, img->prog_offset);
    reg_w(c, RWKVACC_HW_REG_PROG_LEN, img->prog_len);
}

static rwkvacc_status load(card *c, const rw_qmodel *q, const rwkvacc_ctx_options *opt,
                           rwkvacc_error *err)
{
    rw_image img, hdr;
    rwkvacc_status s = rw_compile(q, &img, err);
    uint32_t cfg0, cfg1;
    if (s)
        return s;
    c->state_bytes = img.state_bytes;
    c->io_bytes = img.io_bytes;
    c->io_addr = align_up(img.len, 4096);
    c->slots_addr = align_up(c->io_addr + c->io_bytes, 4096);
    c->slot_stride = align_up(c->state_bytes, 4096);
    s = c->hal->open(c->slots_addr + c->n_slots * c->slot_stride, opt, &c->dev, err);
    if (!s) {
        cfg0 = c->hal->reg_read(c->dev, RWKVACC_HW_REG_CONFIG0);
        cfg1 = c->hal->reg_read(c->dev, RWKVACC_HW_REG_CONFIG1);
        s = rw_image_check(img.bytes, img.len, cfg0, cfg1, &hdr, err);
    }
    if (!s && !((c->initial = empty_state(q, c->state_bytes)) &&
                (c->io = malloc(c->io_bytes)) && (c->used = calloc(c->n_slots, 1))))
        s = rw_fail(err, RWKVACC_E_NOMEM, "%s backend: out of memory", c->hal->name);
    if (!s) {
        c->hal->mem_write(c->dev, 0, img.bytes, img.len);
        program_regions(c, &img);
    }
    rw_image_free(&img);
    return s;
}

rwkvacc_status rw_card_dev_open(const rw_hal *hal, const rwkvacc_model *m,
                                const rwkvacc_ctx_options *opt, void **dev,
                                rwkvacc_error *err)
{
    card *c = calloc(1, sizeof *c);
    const rw_qmodel *q = m->q;
    rwkvacc_status s = RWKVACC_OK;
    if (!c)
        return rw_fail(err, RWKVACC_E_NOMEM, "%s backend: out of memory", hal->name);
    c->hal = hal;
    c->n_slots = opt && opt->max_streams ? opt->max_streams : CARD_DEFAULT_STREAMS;
    if (!q) {
        rw_quant_options qo = {opt ? opt->weight_bits : 0, opt && opt->group ? opt->group : 64};
        if (qo.weight_bits != 8 && qo.weight_bits != 4)
            s = rw_fail(err, RWKVACC_E_ARG, "%s backend: a float model needs --weights int8 "
                        "or int4 (or quantize it with rwkvacc quantize)", hal->name);
        else
            s = rw_quantize(m, &qo, &c->owned, err);
        q = c->owned;
    }
    if (!s && c->n_slots > 4096)
        s = rw_fail(err, RWKVACC_E_ARG, "%s backend: %u streams per device; at most 4096",
                    hal->name, c->n_slots);
    if (!s) {
        c->n_vocab = q->info.n_vocab;
        rwkvacc_ctx_options none;
        memset(&none, 0, sizeof none);
        s = load(c, q, opt ? opt : &none, err);
    }
    if (s) {
        rw_card_dev_close(c);
        return s;
    }
    *dev = c;
    return RWKVACC_OK;
}

void rw_card_dev_close(void *dev)
{
    card *c = dev;
    if (!c)
        return;
    if (c->dev)
        c->hal->close(c->dev);
    rw_qmodel_free(c->owned);
    free(c->initial);
    free(c->io);
    free(c->used);
    free(c);
}

rwkvacc_status rw_card_stream_open(void *dev, void **impl, rwkvacc_error *err)
{
    card *c = dev;
    card_stream *st;
    uint32_t i = 0;
    while (i < c->n_slots && c->used[i])
        i++;
    if (i == c->n_slots)
        return rw_fail(err, RWKVACC_E_NOMEM, "%s backend: the device holds %u streams "
                       "already (raise max_streams)", c->hal->name, c->n_slots);
    if (!(st = calloc(1, sizeof *st)) || !(st->saved = malloc(c->state_bytes))) {
        free(st);
        return rw_fail(err, RWKVACC_E_NOMEM, "%s backend: out of memory", c->hal->name);
    }
    st->c = c;
    st->slot = i;
    st->state_addr = c->slots_addr + i * c->slot_stride;
    c->used[i] = 1;
    c->hal->mem_write(c->dev, st->state_addr, c->initial, c->state_bytes);
    *impl = st;
    return RWKVACC_OK;
}

void rw_card_close(void *impl)
{
    card_stream *st = impl;
    if (!st)
        return;
    st->c->used[st->slot] = 0;
    free(st->saved);
    free(st);
}

void rw_card_reset(void *impl)
{
    card_stream *st = impl;
    st->c->hal->mem_write(st->c->dev, st->state_addr, st->c->initial, st->c->state_bytes);
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

/* Runs the tokens on the stream's state; on failure puts it back as it was. */
static rwkvacc_status run(card_stream *st, const uint32_t *tokens, size_t n, float *logits,
                          int all, int32_t *raw, rwkvacc_error *err)
{
    card *c = st->c;
    rwkvacc_status s = RWKVACC_OK;
    set_region(c, RWKVACC_HW_REGION_STATE, st->state_addr, c->state_bytes);
    c->hal->mem_read(c->dev, st->state_addr, st->saved, c->state_bytes);
    for (size_t t = 0; t < n && !s; t++) {
        if ((s = run_token(c, tokens[t], err)) != RWKVACC_OK)
            break;
        if (raw)
            put_raw(c, raw + t * (1 + (size_t)c->n_vocab));
        else if (logits && (all || t + 1 == n))
            put_float(c, logits + (all ? t : 0) * (size_t)c->n_vocab);
    }
    if (s)
        c->hal->mem_write(c->dev, st->state_addr, st->saved, c->state_bytes);
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

static uint64_t reg64(const card *c, uint32_t lo, uint32_t hi)
{
    return (uint64_t)c->hal->reg_read(c->dev, hi) << 32 | c->hal->reg_read(c->dev, lo);
}

void rw_card_counters(const void *impl, rwkvacc_card_counters *out)
{
    const card *c = ((const card_stream *)impl)->c;
    out->cycles = reg64(c, RWKVACC_HW_REG_CYCLES_LO, RWKVACC_HW_REG_CYCLES_HI);
    out->bytes_read = reg64(c, RWKVACC_HW_REG_RD_BYTES_LO, RWKVACC_HW_REG_RD_BYTES_HI);
    out->bytes_written = reg64(c, RWKVACC_HW_REG_WR_BYTES_LO, RWKVACC_HW_REG_WR_BYTES_HI);
    out->weight_bytes_read =
        reg64(c, RWKVACC_HW_REG_RD_WEIGHT_BYTES_LO, RWKVACC_HW_REG_RD_WEIGHT_BYTES_HI);
}

size_t rw_card_state_size(const void *impl)
{
    return (size_t)((const card_stream *)impl)->c->state_bytes;
}

void rw_card_state_get(const void *impl, void *buf)
{
    const card_stream *st = impl;
    st->c->hal->mem_read(st->c->dev, st->state_addr, buf, st->c->state_bytes);
}

void rw_card_state_set(void *impl, const void *buf)
{
    card_stream *st = impl;
    st->c->hal->mem_write(st->c->dev, st->state_addr, buf, st->c->state_bytes);
}
