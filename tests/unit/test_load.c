/*
 * test_load.c - bad model files never crash, never read out of bounds, and always
 * fail with one line naming the file and the problem: truncations, wrong magic,
 * unknown / missing tensors, inconsistent shapes, absurd dimensions, and 1,000
 * random corruptions. Bad tokens leave a context's state unchanged.
 * Mutations are made in memory on copies of the tiny models; this test walks the
 * rwkv.cpp records itself rather than trusting the parser under test.
 */
#include "check.h"
#include "rwkvacc.h"

#include <stdlib.h>
#include <string.h>

typedef struct rec {
    size_t off, name_off, dims_off, data_off, end; /* byte offsets in the file */
    uint32_t ndim, klen;
} rec;

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The tensor records of a well-formed file; returns their count. */
static size_t walk(const uint8_t *b, size_t len, rec *r, size_t max)
{
    size_t o = 24, n = 0;
    while (o + 12 <= len && n < max) {
        uint32_t nd = rd32(b + o), kl = rd32(b + o + 4), type = rd32(b + o + 8);
        uint64_t numel = 1;
        r[n].off = o;
        r[n].ndim = nd;
        r[n].klen = kl;
        r[n].dims_off = o + 12;
        for (uint32_t i = 0; i < nd; i++)
            numel *= rd32(b + o + 12 + 4 * i);
        r[n].name_off = o + 12 + 4 * nd;
        r[n].data_off = r[n].name_off + kl;
        r[n].end = r[n].data_off + numel * (type == 0 ? 4 : 2);
        o = r[n++].end;
    }
    return n;
}

static const rec *find_rec(const uint8_t *b, const rec *r, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].klen == strlen(name) && memcmp(b + r[i].name_off, name, r[i].klen) == 0)
            return &r[i];
    return NULL;
}

/* Loads buf; the load must fail with `status` (or any failure if status < 0) and a
 * one-line message that names the file and contains `want`. */
static void expect_fail(const char *test, const void *buf, size_t len, int status,
                        const char *want)
{
    rwkvacc_model *m = NULL;
    rwkvacc_error err;
    rwkvacc_status s;
    memset(&err, 0, sizeof err);
    s = rwkvacc_model_load_mem(buf, len, "bad.bin", &m, &err);
    if (s == RWKVACC_OK) {
        rwkvacc_model_free(m);
        check(0, test, "loaded without error");
        return;
    }
    check_failed(test, (int)s, rwkvacc_status_str(s), err.msg, status, "bad.bin", want);
}

static uint8_t *load_tiny(const char *tag, size_t *len)
{
    char rel[128], path[512];
    snprintf(rel, sizeof rel, "models/tiny-rwkv-%s-FP32.bin", tag);
    if (!check_shared_path(path, sizeof path, rel, "load-data"))
        return NULL;
    return check_read_file(path, len);
}

static void test_targeted(const uint8_t *orig, size_t len)
{
    rec r[512];
    size_t n = walk(orig, len, r, 512);
    uint8_t *b = malloc(len + 4096);
    const rec *t;

    memcpy(b, orig, len);
    expect_fail("load-empty", b, 0, RWKVACC_E_FORMAT, "empty");
    expect_fail("load-short-header", b, 20, RWKVACC_E_FORMAT, "too short");
    wr32(b, 0x12345678);
    expect_fail("load-wrong-magic", b, len, RWKVACC_E_FORMAT, "magic");
    memcpy(b, orig, len);
    wr32(b + 4, 99);
    expect_fail("load-wrong-version", b, len, RWKVACC_E_UNSUPPORTED, "version 99");
    memcpy(b, orig, len);
    /* truncated in a tensor header, in a name, in the data, and clean at a record */
    expect_fail("load-trunc-header", b, r[3].off + 6, RWKVACC_E_FORMAT, "truncated");
    expect_fail("load-trunc-name", b, r[3].name_off + 2, RWKVACC_E_FORMAT, "truncated");
    expect_fail("load-trunc-data", b, r[3].data_off + 10, RWKVACC_E_FORMAT, "bytes of data");
    expect_fail("load-missing-tensor", b, r[n - 1].off, RWKVACC_E_TENSOR, "missing tensor");
    /* an extra, unknown tensor appended */
    {
        static const char nm[] = "blocks.0.att.bogus";
        uint8_t *p = b + len;
        wr32(p, 1);
        wr32(p + 4, (uint32_t)strlen(nm));
        wr32(p + 8, 0);
        wr32(p + 12, 4);
        memcpy(p + 16, nm, strlen(nm));
        memset(p + 16 + strlen(nm), 0, 16);
        expect_fail("load-unknown-tensor", b, len + 32 + strlen(nm), RWKVACC_E_TENSOR,
                    "unknown tensor 'blocks.0.att.bogus'");
    }
    /* the same tensor twice */
    t = find_rec(orig, r, n, "ln_out.bias");
    if (t) {
        memcpy(b + len, orig + t->off, t->end - t->off);
        expect_fail("load-duplicate-tensor", b, len + (t->end - t->off), RWKVACC_E_TENSOR,
                    "appears twice");
    }
    /* a non-square matrix with its dimensions swapped: same size, wrong shape */
    t = find_rec(orig, r, n, "blocks.1.ffn.key.weight");
    if (t) {
        uint32_t d0 = rd32(b + t->dims_off), d1 = rd32(b + t->dims_off + 4);
        wr32(b + t->dims_off, d1);
        wr32(b + t->dims_off + 4, d0);
        expect_fail("load-inconsistent-shape", b, len, RWKVACC_E_SHAPE,
                    "'blocks.1.ffn.key.weight' has shape");
        memcpy(b, orig, len);
    }
    wr32(b + 12, 0x80000000u); /* n_embd = 2^31 in the header */
    expect_fail("load-absurd-header-embd", b, len, RWKVACC_E_SHAPE, "header says");
    memcpy(b, orig, len);
    wr32(b + r[0].dims_off, 0x80000000u); /* emb.weight row length 2^31 */
    expect_fail("load-absurd-dim", b, len, RWKVACC_E_SHAPE, "dimension");
    memcpy(b, orig, len);
    wr32(b + r[5].off, 7); /* 7 dimensions */
    expect_fail("load-too-many-dims", b, len, RWKVACC_E_FORMAT, "dimensions");
    memcpy(b, orig, len);
    wr32(b + r[5].off + 8, 9); /* a rwkv.cpp quantized type */
    expect_fail("load-quantized-type", b, len, RWKVACC_E_UNSUPPORTED, "Q8_0");
    free(b);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    return check_rand(&rng_state);
}

/* One random corruption: a few bytes, biased towards headers, or a truncation.
 * Returns the new length. */
static size_t corrupt(uint8_t *b, size_t len, const rec *r, size_t n)
{
    int k = 1 + (int)(rnd() % 8);
    if (rnd() % 10 == 0)
        return rnd() % len;
    while (k--) {
        size_t at;
        if (rnd() % 2) { /* inside some record's header or name */
            const rec *x = &r[rnd() % n];
            at = x->off + rnd() % (x->data_off - x->off);
        } else if (rnd() % 4 == 0) {
            at = rnd() % 24;
        } else {
            at = rnd() % len;
        }
        b[at] = rnd() % 3 ? (uint8_t)rnd() : (uint8_t)(b[at] ^ (1u << (rnd() % 8)));
    }
    return len;
}

static void test_random(const uint8_t *orig, size_t len, const char *tag, int iters)
{
    rec r[512];
    size_t n = walk(orig, len, r, 512);
    uint8_t *b = malloc(len);
    int loaded = 0, bad = 0;
    char name[64];
    for (int i = 0; i < iters; i++) {
        rwkvacc_model *m = NULL;
        rwkvacc_error err;
        size_t l;
        memcpy(b, orig, len);
        l = corrupt(b, len, r, n);
        if (rwkvacc_model_load_mem(b, l, "bad.bin", &m, &err) == RWKVACC_OK) {
            rwkvacc_ctx *c;
            uint32_t tok = 65;
            float *logits = malloc(256 * 4 * 1024);
            loaded++;
            /* a corrupted weight may give NaNs, never a crash */
            if (rwkvacc_ctx_open("ref", m, NULL, &c, &err) == RWKVACC_OK) {
                rwkvacc_ctx_feed(c, &tok, 1, logits, 0, &err);
                rwkvacc_ctx_close(c);
            }
            free(logits);
            rwkvacc_model_free(m);
        } else if (!check_names_file(err.msg, "bad.bin")) {
            if (!bad++)
                printf("# bad message: '%s'\n", err.msg);
        }
    }
    snprintf(name, sizeof name, "load-random-corruption-%s", tag);
    check(bad == 0, name, "%d of %d failures had a message not naming the file", bad, iters);
    printf("# %s: %d corrupted files, %d still loaded (corrupted weights), rest refused\n",
           tag, iters, loaded);
    free(b);
}

static void test_bad_tokens(const uint8_t *orig, size_t len)
{
    rwkvacc_model *m;
    rwkvacc_ctx *c;
    rwkvacc_error err;
    uint32_t good[2] = {65, 66}, badt[2] = {65, 256};
    size_t n;
    uint8_t *before, *after;
    if (rwkvacc_model_load_mem(orig, len, "m.bin", &m, &err) != RWKVACC_OK ||
        rwkvacc_ctx_open("ref", m, NULL, &c, &err) != RWKVACC_OK) {
        check(0, "ctx-bad-token", "%s", err.msg);
        return;
    }
    n = rwkvacc_ctx_state_size(c);
    before = malloc(n);
    after = malloc(n);
    rwkvacc_ctx_feed(c, good, 2, NULL, 0, &err);
    rwkvacc_ctx_state_save(c, before, n, &err);
    check(rwkvacc_ctx_feed(c, badt, 2, NULL, 0, &err) == RWKVACC_E_TOKEN &&
              strstr(err.msg, "256"), "ctx-bad-token", "no token error: '%s'", err.msg);
    rwkvacc_ctx_state_save(c, after, n, &err);
    check(memcmp(before, after, n) == 0, "ctx-bad-token-state-unchanged",
          "a refused feed changed the state");
    check(rwkvacc_ctx_feed(c, good, 0, NULL, 0, &err) == RWKVACC_E_ARG, "ctx-empty-feed",
          "feeding 0 tokens accepted");
    check(rwkvacc_ctx_open("nope", m, NULL, &c, &err) == RWKVACC_E_BACKEND &&
              strstr(err.msg, "'nope'"), "ctx-unknown-backend", "'%s'", err.msg);
    free(before);
    free(after);
    rwkvacc_ctx_close(c);
    rwkvacc_model_free(m);
}

int main(void)
{
    static const char *const tags[] = {"4v0-660K", "5v1-730K", "5v2-730K", "6v0-1m",
                                       "7v0-834K"};
    rwkvacc_model *m;
    rwkvacc_error err;
    check(rwkvacc_model_load("/nonexistent/model.bin", &m, &err) == RWKVACC_E_IO &&
              strstr(err.msg, "/nonexistent/model.bin: "), "load-missing-file", "'%s'", err.msg);
    for (size_t i = 0; i < 5; i++) {
        size_t len;
        uint8_t *b = load_tiny(tags[i], &len);
        if (!b)
            break;
        if (i == 2) {
            test_targeted(b, len);
            test_bad_tokens(b, len);
        }
        test_random(b, len, tags[i], 200); /* 1,000 in all */
        free(b);
    }
    return check_exit();
}
