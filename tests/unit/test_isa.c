/*
 * test_isa.c - the card's C model through the driver (backend "isa": compiled
 * image, registers, doorbell) against the golden model: the raw integer logits
 * are identical, token by token, for all five tiny models at INT8 and INT4 and
 * for a random-weight model with head size 64; a saved state restored into a
 * fresh device continues identically; an image for another configuration is
 * refused.
 */
#include "check.h"
#include "compile.h"
#include "golden_util.h"
#include "model_random.h"
#include "rwkvacc_hw.h"

#include <stdlib.h>
#include <string.h>

enum { TOKENS = 256 };

/* Raw logits of n tokens on a backend; NULL on failure (reported). */
static int32_t *raw_run(rwkvacc_model *m, const char *backend, uint32_t bits,
                        const uint32_t *tok, size_t n, const char *test)
{
    rwkvacc_ctx *c = gu_open(m, backend, bits, 64, test);
    uint32_t V;
    int32_t *raw;
    rwkvacc_error err;
    if (!c)
        return NULL;
    V = rwkvacc_ctx_n_vocab(c);
    raw = malloc(n * (1 + (size_t)V) * sizeof *raw);
    if (raw && rwkvacc_ctx_feed_raw(c, tok, n, raw, &err) != RWKVACC_OK) {
        check(0, test, "%s: %s", backend, err.msg);
        free(raw);
        raw = NULL;
    }
    rwkvacc_ctx_close(c);
    return raw;
}

/* The first token whose raw logits differ, or n. */
static size_t first_diff(const int32_t *a, const int32_t *b, size_t n, uint32_t V)
{
    for (size_t t = 0; t < n; t++)
        if (memcmp(a + t * (1 + (size_t)V), b + t * (1 + (size_t)V), (1 + (size_t)V) * 4))
            return t;
    return n;
}

static void compare(rwkvacc_model *m, const char *tag, uint32_t bits, const uint32_t *tok,
                    size_t n)
{
    char name[96];
    rwkvacc_model_info I;
    int32_t *g, *c;
    rwkvacc_model_get_info(m, &I);
    snprintf(name, sizeof name, "isa-equals-golden-int%u-%s", bits, tag);
    g = raw_run(m, "golden", bits, tok, n, name);
    c = raw_run(m, "isa", bits, tok, n, name);
    if (g && c) {
        size_t d = first_diff(g, c, n, I.n_vocab);
        check(d == n, name, "raw logits differ from token %zu of %zu", d, n);
    }
    free(g);
    free(c);
}

static void save_restore(rwkvacc_model *m, const uint32_t *tok)
{
    enum { CUT = 30, T = 60 };
    rwkvacc_ctx *a = gu_open(m, "isa", 8, 0, "isa-state"), *b = gu_open(m, "isa", 8, 0, "isa-state");
    uint32_t V = a ? rwkvacc_ctx_n_vocab(a) : 0;
    int32_t *ra = malloc((size_t)T * (V + 1) * 4), *rb = malloc((size_t)T * (V + 1) * 4);
    rwkvacc_error err;
    size_t ns;
    void *blob;
    if (!a || !b)
        return;
    rwkvacc_ctx_feed(a, tok, CUT, NULL, 0, &err);
    ns = rwkvacc_ctx_state_size(a);
    blob = malloc(ns);
    rwkvacc_ctx_state_save(a, blob, ns, &err);
    rwkvacc_ctx_feed_raw(a, tok + CUT, T - CUT, ra, &err);
    if (rwkvacc_ctx_state_load(b, blob, ns, &err) != RWKVACC_OK)
        check(0, "isa-state-restore", "%s", err.msg);
    rwkvacc_ctx_feed_raw(b, tok + CUT, T - CUT, rb, &err);
    check(first_diff(ra, rb, T - CUT, V) == T - CUT, "isa-state-restore",
          "a restored device continues differently");
    free(blob);
    free(ra);
    free(rb);
    rwkvacc_ctx_close(a);
    rwkvacc_ctx_close(b);
}

static void other_config(rwkvacc_model *m)
{
    rw_quant_options qo = {8, 64};
    rw_qmodel *q;
    rw_image img, info;
    rwkvacc_error err;
    if (rw_quantize(m, &qo, &q, &err) || rw_compile(q, &img, &err)) {
        check(0, "isa-image-config", "%s", err.msg);
        return;
    }
    check(rw_image_check(img.bytes, img.len, RWKVACC_HW_RESET_CONFIG0,
                         RWKVACC_HW_RESET_CONFIG1, &info, &err) == RWKVACC_OK,
          "isa-image-config-same", "%s", err.msg);
    check(rw_image_check(img.bytes, img.len, RWKVACC_HW_RESET_CONFIG0 ^ 1,
                         RWKVACC_HW_RESET_CONFIG1, &info, &err) == RWKVACC_E_IMAGE &&
              strstr(err.msg, "configuration"),
          "isa-image-config-other", "an image for another configuration was accepted");
    printf("# image: %zu bytes, %u instructions per token (%u matrix-vector), %llu bytes of "
           "matrices\n", img.len, img.prog_len, img.n_matvec,
           (unsigned long long)img.matrix_bytes);
    rw_image_free(&img);
    rw_qmodel_free(q);
}

int main(void)
{
    static const char *const tags[] = {"4v0-660K", "5v1-730K", "5v2-730K", "6v0-1m",
                                       "7v0-834K"};
    size_t n = 0;
    uint32_t *tok = gu_text_tokens(TOKENS, &n, "isa-text");
    for (size_t i = 0; tok && i < 5; i++) {
        rwkvacc_model *m = gu_tiny(tags[i], "isa-model");
        if (!m)
            break;
        compare(m, tags[i], 8, tok, n);
        compare(m, tags[i], 4, tok, n);
        if (i == 4) {
            save_restore(m, tok);
            other_config(m);
        }
        rwkvacc_model_free(m);
    }
    {
        /* real head size and a 65,536 vocabulary */
        static const rwkvacc_arch archs[] = {RWKVACC_ARCH_V7_0, RWKVACC_ARCH_V5_2};
        for (size_t i = 0; i < 2; i++) {
            rw_random_spec s;
            uint8_t *buf;
            size_t len;
            rwkvacc_model *m;
            rwkvacc_error err;
            uint32_t rt[16];
            char tag[32];
            memset(&s, 0, sizeof s);
            s.arch = archs[i];
            s.n_vocab = 65536;
            s.n_embd = 256;
            s.n_layer = 2;
            s.seed = 7 + i;
            for (int t = 0; t < 16; t++)
                rt[t] = (uint32_t)(t * 4099 + 11) % 65536;
            if (rw_random_model(&s, &buf, &len, &err) ||
                rwkvacc_model_load_mem(buf, len, "random", &m, &err)) {
                check(0, "isa-random", "%s", err.msg);
                continue;
            }
            free(buf);
            snprintf(tag, sizeof tag, "random-%s-h64", rwkvacc_arch_name(archs[i]));
            compare(m, tag, 8, rt, 16);
            rwkvacc_model_free(m);
        }
    }
    free(tok);
    return check_exit();
}
