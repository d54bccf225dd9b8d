/*
 * test_streams.c - several streams on one device: two streams fed in turns,
 * token by token, give exactly the logits each gives alone on a device of its
 * own (raw integers for golden and isa, floats for ref), for every tiny model;
 * a stream's state moves to another stream of the same device; a card refuses
 * a stream beyond max_streams and takes it once one is closed; a device closed
 * before its streams stays usable until the last stream closes.
 */
#include "check.h"
#include "golden_util.h"

#include <stdlib.h>
#include <string.h>

enum { NTOK = 48 };

/* One row of output per token: raw (1 + V int32) or float (V). */
static size_t row_bytes(const char *backend, uint32_t V)
{
    return strcmp(backend, "ref") ? (1 + (size_t)V) * 4 : (size_t)V * 4;
}

static int feed_one(rwkvacc_ctx *c, const char *backend, uint32_t tok, void *row,
                    rwkvacc_error *err)
{
    if (strcmp(backend, "ref") == 0)
        return rwkvacc_ctx_feed(c, &tok, 1, row, 0, err);
    return rwkvacc_ctx_feed_raw(c, &tok, 1, row, err);
}

static rwkvacc_ctx_options opts(const char *backend, uint32_t max_streams)
{
    rwkvacc_ctx_options o;
    memset(&o, 0, sizeof o);
    o.weight_bits = strcmp(backend, "ref") ? 8 : 0;
    o.max_streams = max_streams;
    return o;
}

/* Outputs of tok[0..n) on a context of its own. */
static uint8_t *alone(rwkvacc_model *m, const char *backend, const uint32_t *tok, size_t n,
                      const char *test)
{
    rwkvacc_ctx_options o = opts(backend, 0);
    rwkvacc_ctx *c;
    rwkvacc_error err;
    uint8_t *out = NULL;
    size_t rb;
    if (rwkvacc_ctx_open(backend, m, &o, &c, &err) != RWKVACC_OK) {
        check(0, test, "open: %s", err.msg);
        return NULL;
    }
    rb = row_bytes(backend, rwkvacc_ctx_n_vocab(c));
    out = malloc(n * rb);
    for (size_t t = 0; out && t < n; t++)
        if (feed_one(c, backend, tok[t], out + t * rb, &err) != RWKVACC_OK) {
            check(0, test, "feed: %s", err.msg);
            free(out);
            out = NULL;
        }
    rwkvacc_ctx_close(c);
    return out;
}

/* Streams a and b on one device, fed in turns (a's token t, then b's token t). */
static void interleaved(rwkvacc_model *m, const char *backend, const char *tag,
                        const uint32_t *ta, const uint32_t *tb, size_t n)
{
    char name[96];
    rwkvacc_ctx_options o = opts(backend, 2);
    rwkvacc_dev *d;
    rwkvacc_ctx *a = NULL, *b = NULL;
    rwkvacc_error err;
    uint8_t *ra, *rb_, *ga = NULL, *gb = NULL;
    size_t rb = 0, bad_a = 0, bad_b = 0;
    snprintf(name, sizeof name, "streams-interleaved-%s-%s", backend, tag);
    ra = alone(m, backend, ta, n, name);
    rb_ = alone(m, backend, tb, n, name);
    if (!ra || !rb_ || rwkvacc_dev_open(backend, m, &o, &d, &err) != RWKVACC_OK) {
        check(ra && rb_ && 0, name, "device: %s", err.msg);
        free(ra);
        free(rb_);
        return;
    }
    if (rwkvacc_ctx_open_dev(d, &a, &err) == RWKVACC_OK &&
        rwkvacc_ctx_open_dev(d, &b, &err) == RWKVACC_OK) {
        rb = row_bytes(backend, rwkvacc_ctx_n_vocab(a));
        ga = malloc(rb);
        gb = malloc(rb);
        for (size_t t = 0; ga && gb && t < n; t++) {
            if (feed_one(a, backend, ta[t], ga, &err) || feed_one(b, backend, tb[t], gb, &err))
                break;
            bad_a += memcmp(ga, ra + t * rb, rb) != 0;
            bad_b += memcmp(gb, rb_ + t * rb, rb) != 0;
        }
    }
    check(a && b && ga && gb && bad_a == 0 && bad_b == 0, name,
          "%zu and %zu of %zu tokens differ from the streams alone (%s)", bad_a, bad_b, n,
          a && b ? "" : err.msg);
    rwkvacc_ctx_close(a);
    rwkvacc_ctx_close(b);
    rwkvacc_dev_close(d);
    free(ra);
    free(rb_);
    free(ga);
    free(gb);
}

/* max_streams, closing order, and moving a state between streams of one device. */
static void lifecycle(rwkvacc_model *m, const char *backend, const uint32_t *tok, size_t n)
{
    char name[96];
    rwkvacc_ctx_options o = opts(backend, 2);
    rwkvacc_dev *d;
    rwkvacc_ctx *a = NULL, *b = NULL, *c = NULL;
    rwkvacc_error err;
    rwkvacc_status s;
    uint8_t *want = alone(m, backend, tok, n, "streams-lifecycle"), *got = NULL, *blob = NULL;
    size_t rb, sz;
    if (!want || rwkvacc_dev_open(backend, m, &o, &d, &err) != RWKVACC_OK) {
        check(0, "streams-lifecycle", "%s", want ? err.msg : "no reference run");
        free(want);
        return;
    }
    s = rwkvacc_ctx_open_dev(d, &a, &err);
    if (!s)
        s = rwkvacc_ctx_open_dev(d, &b, &err);
    rb = a ? row_bytes(backend, rwkvacc_ctx_n_vocab(a)) : 0;
    got = malloc(rb ? rb : 1);
    if (strcmp(backend, "isa") == 0) { /* a card has room for max_streams states */
        rwkvacc_status s3 = rwkvacc_ctx_open_dev(d, &c, &err);
        check(!s && s3 == RWKVACC_E_NOMEM && c == NULL && strstr(err.msg, "streams"),
              "streams-max-refused-isa", "third stream on a 2-stream device: status %d, '%s'",
              (int)s3, err.msg);
    }
    /* the device handle goes first; the streams keep it */
    rwkvacc_dev_close(d);
    /* a runs half the tokens, its state moves to b, b runs the rest */
    sz = a ? rwkvacc_ctx_state_size(a) : 0;
    blob = malloc(sz ? sz : 1);
    for (size_t t = 0; !s && t < n / 2; t++)
        s = feed_one(a, backend, tok[t], got, &err);
    if (!s)
        s = rwkvacc_ctx_state_save(a, blob, sz, &err);
    rwkvacc_ctx_close(a); /* frees a slot */
    if (!s)
        s = rwkvacc_ctx_open_dev(d, &c, &err); /* the slot is free again */
    if (!s)
        s = rwkvacc_ctx_state_load(b, blob, sz, &err);
    size_t bad = 0;
    for (size_t t = n / 2; !s && t < n; t++) {
        s = feed_one(b, backend, tok[t], got, &err);
        bad += !s && memcmp(got, want + t * rb, rb) != 0;
    }
    snprintf(name, sizeof name, "streams-state-moves-%s", backend);
    check(s == RWKVACC_OK && bad == 0, name, "status %d (%s), %zu of %zu tokens differ",
          (int)s, s ? err.msg : "", bad, n - n / 2);
    rwkvacc_ctx_close(b);
    rwkvacc_ctx_close(c); /* the last stream: the device goes (ASan sees any leak) */
    free(want);
    free(got);
    free(blob);
}

int main(void)
{
    static const char *const tags[] = {"4v0-660K", "5v1-730K", "5v2-730K", "6v0-1m",
                                       "7v0-834K"};
    static const char *const backends[] = {"ref", "golden", "isa"};
    size_t n = 0;
    uint32_t *text = gu_text_tokens(2 * NTOK, &n, "streams-text");
    if (text && n == 2 * NTOK) {
        for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
            rwkvacc_model *m = gu_tiny(tags[i], "streams-model");
            for (size_t b = 0; m && b < sizeof backends / sizeof backends[0]; b++)
                interleaved(m, backends[b], tags[i], text, text + NTOK, NTOK);
            if (m && strcmp(tags[i], "7v0-834K") == 0)
                for (size_t b = 0; b < sizeof backends / sizeof backends[0]; b++)
                    lifecycle(m, backends[b], text, NTOK);
            rwkvacc_model_free(m);
        }
    }
    free(text);
    return check_exit();
}
