/*
 * test_ref.c - the float reference against the official RWKV implementation's
 * logits (../shared/models/reference-logits-*.bin) for all five versions, against
 * rwkv.cpp's own acceptance for 4, 6.0 and 7.0, sequence mode against token by
 * token, and state save / restore.
 */
#include "check.h"
#include "rwkvacc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const models[] = {"4v0-660K", "5v1-730K", "5v2-730K", "6v0-1m",
                                     "7v0-834K"};

typedef struct run {
    rwkvacc_model *m;
    rwkvacc_ctx *c;
    uint32_t V;
} run;

static int open_model(run *r, const char *tag, const char *test)
{
    char rel[128], path[512];
    rwkvacc_error err;
    rwkvacc_model_info info;
    snprintf(rel, sizeof rel, "models/tiny-rwkv-%s-FP32.bin", tag);
    if (!check_shared_path(path, sizeof path, rel, test))
        return 0;
    if (rwkvacc_model_load(path, &r->m, &err) != RWKVACC_OK)
        return check(0, test, "load: %s", err.msg);
    if (rwkvacc_ctx_open("ref", r->m, NULL, &r->c, &err) != RWKVACC_OK) {
        rwkvacc_model_free(r->m);
        return check(0, test, "open: %s", err.msg);
    }
    rwkvacc_model_get_info(r->m, &info);
    r->V = info.n_vocab;
    return 1;
}

static void close_run(run *r)
{
    rwkvacc_ctx_close(r->c);
    rwkvacc_model_free(r->m);
}

static double max_abs_diff(const float *a, const float *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]);
        if (!(d <= m)) /* NaN counts as infinitely wrong */
            m = isnan(d) ? INFINITY : d;
    }
    return m;
}

/* Logits after every byte of the reference prompt, fed one at a time. */
static float *feed_one_by_one(run *r, const uint32_t *tok, size_t T)
{
    float *out = malloc(T * r->V * sizeof(float));
    rwkvacc_error err;
    rwkvacc_ctx_reset(r->c);
    for (size_t t = 0; t < T; t++)
        if (rwkvacc_ctx_feed(r->c, tok + t, 1, out + t * r->V, 0, &err) != RWKVACC_OK) {
            check(0, "feed", "%s", err.msg);
            free(out);
            return NULL;
        }
    return out;
}

static uint32_t *prompt_tokens(size_t *T)
{
    char path[512];
    uint8_t *text;
    uint32_t *tok;
    if (!check_shared_path(path, sizeof path, "models/reference-prompt.txt", "prompt"))
        return NULL;
    text = check_read_file(path, T);
    tok = malloc(*T * sizeof *tok);
    for (size_t i = 0; i < *T; i++)
        tok[i] = text[i];
    free(text);
    return tok;
}

static void test_model(const char *tag, const uint32_t *tok, size_t T)
{
    char name[128], path[512], rel[128];
    run r;
    float *one, *seq, *ref;
    size_t len;
    rwkvacc_error err;
    snprintf(name, sizeof name, "ref-official-%s", tag);
    if (!open_model(&r, tag, name))
        return;
    one = feed_one_by_one(&r, tok, T);
    snprintf(rel, sizeof rel, "models/reference-logits-%s.bin", tag);
    check_shared_path(path, sizeof path, rel, name);
    ref = check_read_file(path, &len);
    if (!one || !ref || len != T * r.V * 4) {
        check(0, name, "reference logits missing or of the wrong size");
    } else {
        double d = max_abs_diff(one, ref, T * r.V);
        check(d <= 1e-3, name, "max |logit - official| = %.3g over %zu x %u (limit 1e-3)", d,
              T, r.V);
        printf("# %s: max |diff| vs official = %.3g\n", tag, d);
    }
    /* sequence mode: the whole prompt in one call, chunked by the backend */
    snprintf(name, sizeof name, "ref-sequence-%s", tag);
    seq = malloc(T * r.V * sizeof(float));
    rwkvacc_ctx_reset(r.c);
    if (rwkvacc_ctx_feed(r.c, tok, T, seq, 1, &err) != RWKVACC_OK) {
        check(0, name, "%s", err.msg);
    } else {
        double d = max_abs_diff(one, seq, T * r.V);
        check(d <= 1e-4, name, "sequence vs token-by-token max diff %.3g (limit 1e-4)", d);
    }
    free(seq);
    free(ref);
    free(one);
    close_run(&r);
}

/* rwkv.cpp's acceptance: logits after '"in' summed against expected-logits. */
static void test_rwkvcpp(const char *tag)
{
    static const uint32_t tok[3] = {34, 105, 110};
    char name[128], path[512], rel[128];
    run r;
    float *exp_l, *out;
    size_t len;
    snprintf(name, sizeof name, "ref-rwkvcpp-%s", tag);
    if (!open_model(&r, tag, name))
        return;
    snprintf(rel, sizeof rel, "models/expected-logits-%s.bin", tag);
    check_shared_path(path, sizeof path, rel, name);
    exp_l = check_read_file(path, &len);
    out = feed_one_by_one(&r, tok, 3);
    if (!exp_l || !out || len != r.V * 4) {
        check(0, name, "expected logits missing or of the wrong size");
    } else {
        double sum = 0;
        for (uint32_t i = 0; i < r.V; i++)
            sum += (double)out[2 * r.V + i] - exp_l[i];
        check(fabs(sum) <= 0.00105, name, "sum of differences %.6f (limit 0.00105)", sum);
    }
    free(exp_l);
    free(out);
    close_run(&r);
}

/* Save after 40 tokens, restore into a fresh context, continue: same logits. */
static void test_state(const char *tag, const uint32_t *tok, size_t T)
{
    char name[128];
    run a, b;
    rwkvacc_error err;
    size_t n;
    void *blob;
    float *la, *lb;
    snprintf(name, sizeof name, "ref-state-restore-%s", tag);
    if (!open_model(&a, tag, name) || !open_model(&b, tag, name))
        return;
    n = rwkvacc_ctx_state_size(a.c);
    blob = malloc(n);
    la = malloc((T - 40) * a.V * sizeof(float));
    lb = malloc((T - 40) * a.V * sizeof(float));
    rwkvacc_ctx_feed(a.c, tok, 40, NULL, 0, &err);
    rwkvacc_ctx_state_save(a.c, blob, n, &err);
    rwkvacc_ctx_feed(a.c, tok + 40, T - 40, la, 1, &err);
    if (rwkvacc_ctx_state_load(b.c, blob, n, &err) != RWKVACC_OK)
        check(0, name, "%s", err.msg);
    rwkvacc_ctx_feed(b.c, tok + 40, T - 40, lb, 1, &err);
    check(memcmp(la, lb, (T - 40) * a.V * sizeof(float)) == 0, name,
          "restored run differs from the uninterrupted one");
    /* a truncated blob is refused and leaves the state alone */
    check(rwkvacc_ctx_state_load(b.c, blob, n - 4, &err) == RWKVACC_E_STATE,
          tag[0] == '7' ? "ref-state-reject-size-7" : "ref-state-reject-size-4", "truncated blob accepted");
    ((char *)blob)[20] ^= 1; /* n_embd */
    check(rwkvacc_ctx_state_load(b.c, blob, n, &err) == RWKVACC_E_STATE,
          tag[0] == '7' ? "ref-state-reject-shape-7" : "ref-state-reject-shape-4", "blob of another shape accepted");
    free(blob);
    free(la);
    free(lb);
    close_run(&a);
    close_run(&b);
}

int main(void)
{
    size_t T = 0;
    uint32_t *tok = prompt_tokens(&T);
    if (tok) {
        for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
            test_model(models[i], tok, T);
        test_rwkvcpp("4v0-660K");
        test_rwkvcpp("6v0-1m");
        test_rwkvcpp("7v0-834K");
        test_state("7v0-834K", tok, T);
        test_state("4v0-660K", tok, T);
    }
    free(tok);
    return check_exit();
}
