/*
 * context.c - the public device and context API (rwkvacc_dev_*, rwkvacc_ctx_*):
 * opens a backend's device by name and streams on it, checks every argument
 * before the backend sees it, so that a failed call changes nothing, and wraps
 * backend states in self-describing blobs (docs/state.md).
 */
#include "backend.h"
#include "error.h"
#include "tensor_file.h"

#include <stdlib.h>
#include <string.h>

struct rwkvacc_dev {
    const rw_backend *be;
    void *impl;
    const rwkvacc_model *model;
    rwkvacc_model_info info;
    uint32_t refs; /* the handle (until rwkvacc_dev_close) and each open stream */
};

struct rwkvacc_ctx {
    const rw_backend *be;
    void *impl;
    rwkvacc_dev *dev;
    rwkvacc_model_info info;
};

#define STATE_MAGIC "RWKVSTAT"
#define STATE_FORMAT 1u
#define STATE_NAME_LEN 16
enum { STATE_HEADER_BYTES = 8 + 4 * 8 + STATE_NAME_LEN + 8 };

rwkvacc_status rwkvacc_dev_open(const char *backend, const rwkvacc_model *m,
                                const rwkvacc_ctx_options *opt, rwkvacc_dev **out,
                                rwkvacc_error *err)
{
    const rw_backend *be = rw_backend_find(backend ? backend : "ref");
    rwkvacc_dev *d;
    rwkvacc_status s;
    if (!be)
        return rw_fail(err, RWKVACC_E_BACKEND, "unknown backend '%s' (see 'rwkvacc "
                       "backends')", backend);
    if (!m)
        return rw_fail(err, RWKVACC_E_ARG, "no model given");
    if (!(d = calloc(1, sizeof *d)))
        return rw_fail(err, RWKVACC_E_NOMEM, "out of memory");
    d->be = be;
    d->model = m;
    d->refs = 1;
    rwkvacc_model_get_info(m, &d->info);
    if ((s = be->dev_open(m, opt, &d->impl, err)) != RWKVACC_OK) {
        free(d);
        return s;
    }
    *out = d;
    return RWKVACC_OK;
}

static void dev_unref(rwkvacc_dev *d)
{
    if (--d->refs == 0) {
        d->be->dev_close(d->impl);
        free(d);
    }
}

void rwkvacc_dev_close(rwkvacc_dev *d)
{
    if (d)
        dev_unref(d);
}

rwkvacc_status rwkvacc_ctx_open_dev(rwkvacc_dev *d, rwkvacc_ctx **out, rwkvacc_error *err)
{
    rwkvacc_ctx *c = calloc(1, sizeof *c);
    rwkvacc_status s;
    if (!c)
        return rw_fail(err, RWKVACC_E_NOMEM, "out of memory");
    c->be = d->be;
    c->dev = d;
    c->info = d->info;
    if ((s = d->be->open(d->impl, &c->impl, err)) != RWKVACC_OK) {
        free(c);
        return s;
    }
    d->refs++;
    *out = c;
    return RWKVACC_OK;
}

rwkvacc_status rwkvacc_ctx_open(const char *backend, const rwkvacc_model *m,
                                const rwkvacc_ctx_options *opt, rwkvacc_ctx **out,
                                rwkvacc_error *err)
{
    rwkvacc_dev *d = NULL;
    rwkvacc_ctx_options one = opt ? *opt : (rwkvacc_ctx_options){0};
    rwkvacc_status s;
    one.max_streams = 1; /* a device for this stream alone */
    if ((s = rwkvacc_dev_open(backend, m, &one, &d, err)) != RWKVACC_OK)
        return s;
    s = rwkvacc_ctx_open_dev(d, out, err);
    dev_unref(d); /* the stream keeps it */
    return s;
}

void rwkvacc_ctx_close(rwkvacc_ctx *c)
{
    if (!c)
        return;
    c->be->close(c->impl);
    dev_unref(c->dev);
    free(c);
}

uint32_t rwkvacc_ctx_n_vocab(const rwkvacc_ctx *c)
{
    return c->info.n_vocab;
}

void rwkvacc_ctx_reset(rwkvacc_ctx *c)
{
    c->be->reset(c->impl);
}

static rwkvacc_status check_tokens(const rwkvacc_ctx *c, const uint32_t *tokens, size_t n,
                                   rwkvacc_error *err)
{
    if (n == 0 || !tokens)
        return rw_fail(err, RWKVACC_E_ARG, "no tokens to feed");
    for (size_t i = 0; i < n; i++)
        if (tokens[i] >= c->info.n_vocab)
            return rw_fail(err, RWKVACC_E_TOKEN, "token %zu has id %u, but the model's "
                           "vocabulary has %u tokens", i, tokens[i], c->info.n_vocab);
    return RWKVACC_OK;
}

rwkvacc_status rwkvacc_ctx_feed(rwkvacc_ctx *c, const uint32_t *tokens, size_t n,
                                float *logits, int all_logits, rwkvacc_error *err)
{
    rwkvacc_status s = check_tokens(c, tokens, n, err);
    if (s != RWKVACC_OK)
        return s;
    return c->be->feed(c->impl, tokens, n, logits, all_logits, err);
}

rwkvacc_status rwkvacc_ctx_feed_raw(rwkvacc_ctx *c, const uint32_t *tokens, size_t n,
                                    int32_t *raw, rwkvacc_error *err)
{
    rwkvacc_status s;
    if (!c->be->feed_raw)
        return rw_fail(err, RWKVACC_E_UNSUPPORTED, "backend '%s' has no integer logits "
                       "(--raw needs an integer backend such as golden)", c->be->name);
    if ((s = check_tokens(c, tokens, n, err)) != RWKVACC_OK)
        return s;
    return c->be->feed_raw(c->impl, tokens, n, raw, err);
}

void rwkvacc_ctx_events(const rwkvacc_ctx *c, uint64_t *counts, const char **names, size_t *n)
{
    if (c->be->events)
        c->be->events(c->impl, counts, names, n);
    else
        *n = 0;
}

rwkvacc_status rwkvacc_ctx_card_counters(const rwkvacc_ctx *c, rwkvacc_card_counters *out,
                                         rwkvacc_error *err)
{
    if (!c->be->card_counters)
        return rw_fail(err, RWKVACC_E_UNSUPPORTED, "backend '%s' is not a card: no card "
                       "counters (try isa or sim)", c->be->name);
    c->be->card_counters(c->impl, out);
    return RWKVACC_OK;
}

size_t rwkvacc_ctx_state_size(const rwkvacc_ctx *c)
{
    return STATE_HEADER_BYTES + c->be->state_size(c->impl);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The header as this context would write it. */
static void state_header(const rwkvacc_ctx *c, uint8_t *h)
{
    const rwkvacc_model_info *I = &c->info;
    uint32_t f[8] = {STATE_FORMAT, (uint32_t)I->arch, I->n_vocab, I->n_embd,
                     I->n_layer, I->n_head, I->head_size, I->n_ffn};
    uint64_t payload = c->be->state_size(c->impl);
    memset(h, 0, STATE_HEADER_BYTES);
    memcpy(h, STATE_MAGIC, 8);
    for (int i = 0; i < 8; i++)
        put32(h + 8 + 4 * i, f[i]);
    strncpy((char *)h + 40, c->be->name, STATE_NAME_LEN - 1);
    put32(h + 56, (uint32_t)payload);
    put32(h + 60, (uint32_t)(payload >> 32));
}

rwkvacc_status rwkvacc_ctx_state_save(const rwkvacc_ctx *c, void *buf, size_t len,
                                      rwkvacc_error *err)
{
    if (len < rwkvacc_ctx_state_size(c))
        return rw_fail(err, RWKVACC_E_ARG, "state buffer of %zu bytes, %zu needed", len,
                       rwkvacc_ctx_state_size(c));
    state_header(c, buf);
    c->be->state_get(c->impl, (uint8_t *)buf + STATE_HEADER_BYTES);
    return RWKVACC_OK;
}

rwkvacc_status rwkvacc_ctx_state_load(rwkvacc_ctx *c, const void *buf, size_t len,
                                      rwkvacc_error *err)
{
    uint8_t want[STATE_HEADER_BYTES];
    const uint8_t *h = buf;
    if (len != rwkvacc_ctx_state_size(c) || memcmp(h, STATE_MAGIC, 8) != 0)
        return rw_fail(err, RWKVACC_E_STATE, "state blob of %zu bytes is not a state of "
                       "this model (%zu bytes expected)", len, rwkvacc_ctx_state_size(c));
    state_header(c, want);
    if (memcmp(h + 40, want + 40, STATE_NAME_LEN) != 0)
        return rw_fail(err, RWKVACC_E_STATE, "state blob comes from backend '%.15s', not "
                       "'%s'", (const char *)h + 40, c->be->name);
    if (memcmp(h, want, STATE_HEADER_BYTES) != 0)
        return rw_fail(err, RWKVACC_E_STATE, "state blob comes from a model of another "
                       "version or shape (version %s, n_embd %u)",
                       rwkvacc_arch_name((rwkvacc_arch)rw_le32(h + 12)), rw_le32(h + 20));
    c->be->state_set(c->impl, h + STATE_HEADER_BYTES);
    return RWKVACC_OK;
}
