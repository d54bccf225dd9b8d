/*
 * test_card_errors.c - the card backend's error paths through a test HAL port: a
 * port over the C model of the card (cmodel/golden/card.h) that can be told to
 * misbehave. A card that stays busy gives RWKVACC_E_TIMEOUT, an instruction the
 * card rejects RWKVACC_E_DEVICE (naming the error and the instruction), a card of
 * another configuration RWKVACC_E_IMAGE at open; a failed call leaves the state
 * as it was. Then 1,000 randomly corrupted images of the tiny RWKV-7 model each
 * run one token on a fresh card: every run ends in DONE or ERROR, and device
 * memory outside STATE and IO is unchanged.
 */
#include "backend_card.h"
#include "check.h"
#include "compile.h"
#include "error.h"
#include "golden/card.h"
#include "golden/qmodel.h"
#include "golden_util.h"
#include "rwkvacc_hw.h"

#include <stdlib.h>
#include <string.h>

/* ---- the test HAL ---- */

static struct {
    int busy;         /* wait reports the card still busy */
    int other_config; /* CONFIG0 reads as another configuration */
    int opens, closes;
    rw_card *dev;     /* the last card opened */
} th;

static rwkvacc_status th_open(uint64_t mem_bytes, const rwkvacc_ctx_options *opt, void **dev,
                              rwkvacc_error *err)
{
    rw_card *c = rw_card_new(mem_bytes);
    if (!c)
        return rw_fail(err, RWKVACC_E_NOMEM, "test backend: out of memory");
    th.opens++;
    th.dev = c;
    *dev = c;
    return RWKVACC_OK;
}

static void th_close(void *dev)
{
    th.closes++;
    if (th.dev == dev)
        th.dev = NULL;
    rw_card_free(dev);
}

static uint32_t th_reg_read(void *dev, uint32_t off)
{
    uint32_t v = rw_card_reg_read(dev, off);
    if (th.other_config && off == RWKVACC_HW_REG_CONFIG0)
        v ^= 1;
    return v;
}

static void th_reg_write(void *dev, uint32_t off, uint32_t v)
{
    rw_card_reg_write(dev, off, v);
}

static void th_mem_write(void *dev, uint64_t addr, const void *src, size_t n)
{
    memcpy(rw_card_mem(dev) + addr, src, n);
}

static void th_mem_read(void *dev, uint64_t addr, void *dst, size_t n)
{
    memcpy(dst, rw_card_mem(dev) + addr, n);
}

/* As hal.h asks: E_TIMEOUT when BUSY does not clear in time. */
static rwkvacc_status th_wait(void *dev, uint32_t timeout_ms, rwkvacc_error *err)
{
    if (th.busy || (rw_card_reg_read(dev, RWKVACC_HW_REG_STATUS) & RWKVACC_HW_STATUS_BUSY_MASK))
        return rw_fail(err, RWKVACC_E_TIMEOUT, "test backend: still busy after %u ms",
                       timeout_ms);
    return RWKVACC_OK;
}

static const rw_hal test_hal = {
    .name = "test",
    .summary = "the C model of the card, misbehaving on request",
    .open = th_open,
    .close = th_close,
    .reg_read = th_reg_read,
    .reg_write = th_reg_write,
    .mem_write = th_mem_write,
    .mem_read = th_mem_read,
    .wait = th_wait,
};

/* A device with one stream (the stream is what the tests feed). */
static struct {
    void *dev, *stream;
} opened[4];

static rwkvacc_status open_one(const rwkvacc_ctx_options *o, const rwkvacc_model *m,
                               void **impl, rwkvacc_error *err)
{
    void *dev = NULL;
    rwkvacc_status s = rw_card_dev_open(&test_hal, m, o, &dev, err);
    if (!s && (s = rw_card_stream_open(dev, impl, err)) != RWKVACC_OK)
        rw_card_dev_close(dev);
    for (size_t i = 0; !s && i < sizeof opened / sizeof opened[0]; i++)
        if (!opened[i].dev) {
            opened[i].dev = dev;
            opened[i].stream = *impl;
            break;
        }
    return s;
}

static void card_close(void *impl)
{
    rw_card_close(impl);
    for (size_t i = 0; impl && i < sizeof opened / sizeof opened[0]; i++)
        if (opened[i].stream == impl) {
            rw_card_dev_close(opened[i].dev);
            opened[i].dev = opened[i].stream = NULL;
        }
}

static void *card_open(const rwkvacc_model *m, const char *test)
{
    rwkvacc_ctx_options o;
    rwkvacc_error err;
    void *impl = NULL;
    memset(&o, 0, sizeof o);
    o.weight_bits = 8;
    if (open_one(&o, m, &impl, &err) != RWKVACC_OK) {
        check(0, test, "open: %s", err.msg);
        return NULL;
    }
    return impl;
}

static const uint32_t toks[] = {72, 101, 108, 108, 111, 44, 32, 119};
enum { NT = sizeof toks / sizeof toks[0] };

/* ---- timeout, device error, other configuration ---- */

static void timeout(const rwkvacc_model *m)
{
    void *a = card_open(m, "card-timeout"), *b = card_open(m, "card-timeout");
    size_t ns = a ? rw_card_state_size(a) : 0;
    uint8_t *before = malloc(ns ? ns : 1), *after = malloc(ns ? ns : 1);
    int32_t *ra = NULL, *rb = NULL;
    rwkvacc_error err;
    rwkvacc_status s;
    if (a && b && before && after) {
        rwkvacc_model_info I;
        uint32_t V;
        rwkvacc_model_get_info(m, &I);
        V = I.n_vocab;
        ra = malloc((1 + (size_t)V) * 4);
        rb = malloc((1 + (size_t)V) * 4);
        rw_card_feed(a, toks, 4, NULL, 0, &err);
        rw_card_feed(b, toks, 4, NULL, 0, &err);
        rw_card_state_get(a, before);
        th.busy = 1;
        s = rw_card_feed(a, toks + 4, 2, NULL, 0, &err);
        th.busy = 0;
        rw_card_state_get(a, after);
        check(s == RWKVACC_E_TIMEOUT && err.status == RWKVACC_E_TIMEOUT &&
                  strstr(err.msg, "still busy"),
              "card-timeout-status", "status %d (%s), message '%s'", (int)s,
              rwkvacc_status_str(s), err.msg);
        check(!memcmp(before, after, ns), "card-timeout-state-unchanged",
              "the state changed across a timed-out call");
        /* once the card answers again, it continues as one that never timed out */
        if (ra && rb && !rw_card_feed_raw(a, toks + 4, 1, ra, &err) &&
            !rw_card_feed_raw(b, toks + 4, 1, rb, &err))
            check(!memcmp(ra, rb, (1 + (size_t)V) * 4), "card-timeout-continues",
                  "logits after the timeout differ from an undisturbed card");
        else
            check(0, "card-timeout-continues", "%s", err.msg);
    }
    free(ra);
    free(rb);
    free(before);
    free(after);
    card_close(a);
    card_close(b);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void device_error(const rwkvacc_model *m)
{
    void *a = card_open(m, "card-device-error");
    size_t ns = a ? rw_card_state_size(a) : 0;
    uint8_t *before = malloc(ns ? ns : 1), *after = malloc(ns ? ns : 1);
    rwkvacc_error err;
    rwkvacc_status s;
    if (a && before && after && th.dev) {
        uint8_t hdr[64], bad = 0xEE;
        uint32_t prog_off, prog_len, pc;
        char want[48];
        th_mem_read(th.dev, 0, hdr, sizeof hdr);
        prog_off = rd32(hdr + 48);
        prog_len = rd32(hdr + 52);
        rw_card_feed(a, toks, 3, NULL, 0, &err);
        rw_card_state_get(a, before);
        /* the last instruction (END): every state write of the token happened */
        pc = prog_len - 1;
        th_mem_write(th.dev, prog_off + 16ull * pc + RWKVACC_HW_INSN_OPCODE_WORD * 4, &bad, 1);
        s = rw_card_feed(a, toks + 3, 1, NULL, 0, &err);
        rw_card_state_get(a, after);
        snprintf(want, sizeof want, "instruction %u", pc);
        check(s == RWKVACC_E_DEVICE && err.status == RWKVACC_E_DEVICE &&
                  strstr(err.msg, "OPCODE") && strstr(err.msg, want),
              "card-device-error-status", "status %d (%s), message '%s' (want OPCODE, %s)",
              (int)s, rwkvacc_status_str(s), err.msg, want);
        check(!memcmp(before, after, ns), "card-device-error-state-unchanged",
              "the state changed across a failed call");
    }
    free(before);
    free(after);
    card_close(a);
}

static void other_config(const rwkvacc_model *m)
{
    rwkvacc_ctx_options o;
    rwkvacc_error err;
    rwkvacc_status s;
    void *impl = NULL;
    int opens = th.opens, closes = th.closes;
    memset(&o, 0, sizeof o);
    o.weight_bits = 8;
    th.other_config = 1;
    s = open_one(&o, m, &impl, &err);
    th.other_config = 0;
    check(s == RWKVACC_E_IMAGE && err.status == RWKVACC_E_IMAGE &&
              strstr(err.msg, "configuration"),
          "card-other-config-status", "status %d (%s), message '%s'", (int)s,
          rwkvacc_status_str(s), err.msg);
    check(impl == NULL && th.opens - opens == 1 && th.closes - closes == 1,
          "card-other-config-nothing-open", "impl %p, %d devices opened, %d closed", impl,
          th.opens - opens, th.closes - closes);
    if (s == RWKVACC_OK)
        card_close(impl);
}

/* ---- 1,000 corrupted images ---- */

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

static void corrupted_images(const rwkvacc_model *m)
{
    enum { RUNS = 1000 };
    const char *test = "card-corrupt-images";
    rw_quant_options qo = {8, 64};
    rw_qmodel *q = NULL;
    rw_image img;
    rwkvacc_error err;
    uint64_t rs = 0xc0ffee5eed000007ull, st_addr, io_addr, mem;
    uint8_t *copy = NULL, *snap = NULL, *init = NULL;
    void *a = NULL;
    unsigned done = 0, error = 0, bad_end = 0, bad_mem = 0;
    memset(&img, 0, sizeof img);
    if (rw_quantize(m, &qo, &q, &err) || rw_compile(q, &img, &err)) {
        check(0, test, "%s", err.msg);
        rw_qmodel_free(q);
        return;
    }
    /* the layout backend_card.c uses; the empty state from an opened card */
    st_addr = align_up(img.len, 4096);
    io_addr = align_up(st_addr + img.state_bytes, 4096);
    mem = io_addr + img.io_bytes;
    a = card_open(m, test);
    copy = malloc(img.len);
    snap = malloc(mem);
    init = malloc(img.state_bytes);
    if (!a || !copy || !snap || !init) {
        check(0, test, "setup failed");
        goto out;
    }
    rw_card_state_get(a, init);
    for (int run = 0; run < RUNS; run++) {
        const uint64_t biased = 64 + 16ull * img.prog_len;
        int flips = 1 + (int)(check_rand(&rs) % 8);
        rw_card *c = rw_card_new(mem);
        const uint64_t base[3] = {0, st_addr, io_addr};
        const uint64_t size[3] = {img.len, img.state_bytes, img.io_bytes};
        uint32_t status;
        uint8_t *d;
        if (!c) {
            check(0, test, "no memory for a card");
            goto out;
        }
        memcpy(copy, img.bytes, img.len);
        for (int f = 0; f < flips; f++) {
            uint64_t r = check_rand(&rs), at;
            if (r & 1) { /* the header or the program */
                at = (r >> 1) % biased;
                if (at >= 64)
                    at = img.prog_offset + (at - 64);
            } else {
                at = (r >> 1) % img.len;
            }
            copy[at] ^= (uint8_t)(1 + check_rand(&rs) % 255);
        }
        d = rw_card_mem(c);
        memcpy(d, copy, img.len);
        memcpy(d + st_addr, init, img.state_bytes);
        for (uint32_t r = 0; r < 3; r++) {
            rw_card_reg_write(c, RWKVACC_HW_REG_REGION_BASE_LO(r), (uint32_t)base[r]);
            rw_card_reg_write(c, RWKVACC_HW_REG_REGION_BASE_HI(r), (uint32_t)(base[r] >> 32));
            rw_card_reg_write(c, RWKVACC_HW_REG_REGION_SIZE(r), (uint32_t)size[r]);
        }
        rw_card_reg_write(c, RWKVACC_HW_REG_REGION_SIZE(3), 0);
        rw_card_reg_write(c, RWKVACC_HW_REG_PROG_OFFSET, img.prog_offset);
        rw_card_reg_write(c, RWKVACC_HW_REG_PROG_LEN, img.prog_len);
        memcpy(snap, d, mem);
        rw_card_reg_write(c, RWKVACC_HW_REG_TOKEN, toks[run % NT]);
        rw_card_reg_write(c, RWKVACC_HW_REG_CTRL, RWKVACC_HW_CTRL_START_MASK);
        status = rw_card_reg_read(c, RWKVACC_HW_REG_STATUS);
        if (status & RWKVACC_HW_STATUS_BUSY_MASK)
            bad_end++;
        else if (status & RWKVACC_HW_STATUS_ERROR_MASK)
            error++;
        else if (status & RWKVACC_HW_STATUS_DONE_MASK)
            done++;
        else
            bad_end++;
        /* IMAGE and the gaps: everything below IO except STATE */
        if (memcmp(d, snap, st_addr) ||
            memcmp(d + st_addr + img.state_bytes, snap + st_addr + img.state_bytes,
                   io_addr - st_addr - img.state_bytes))
            bad_mem++;
        rw_card_free(c);
    }
    check(bad_end == 0, "card-corrupt-images-end", "%u of %d runs ended neither DONE nor ERROR",
          bad_end, RUNS);
    check(bad_mem == 0, "card-corrupt-images-memory",
          "%u of %d runs changed device memory outside STATE and IO", bad_mem, RUNS);
    printf("# corrupted images: %u ran to DONE, %u to ERROR (of %d)\n", done, error, RUNS);
out:
    card_close(a);
    free(copy);
    free(snap);
    free(init);
    rw_image_free(&img);
    rw_qmodel_free(q);
}

int main(void)
{
    rwkvacc_model *m = gu_tiny("7v0-834K", "card-errors-model");
    if (m) {
        timeout(m);
        device_error(m);
        other_config(m);
        corrupted_images(m);
        rwkvacc_model_free(m);
    }
    check(th.opens == th.closes, "card-errors-all-closed", "%d devices opened, %d closed",
          th.opens, th.closes);
    return check_exit();
}
