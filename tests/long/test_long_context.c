/*
 * test_long_context.c - the golden model (INT8) against the float reference over
 * the whole evaluation text (GPL-3, 35,149 bytes), fed byte by byte in lockstep
 * from the zero state, on each of the five tiny models. The relative increase of
 * cross-entropy is measured separately on the first and on the last 2,000
 * predictions: each at most +0.5%, and the last no more than 0.5 percentage points
 * above the first (the integer state does not drift away from the float one).
 */
#include "../unit/check.h"
#include "../unit/golden_util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { WINDOW = 2000, MIN_TEXT = 20000 };

#define REL_LIMIT 0.005   /* +0.5% relative CE, each window */
#define DRIFT_LIMIT 0.005 /* last - first, 0.5 percentage points */

static const char *const tags[] = {"4v0-660K", "5v1-730K", "5v2-730K", "6v0-1m", "7v0-834K"};

static void run_model(const char *tag, const uint32_t *tok, size_t n)
{
    char name[96];
    rwkvacc_model *m = gu_tiny(tag, "long-context-model");
    rwkvacc_ctx *r, *g;
    rwkvacc_eval_stats sr[2], sg[2];
    rwkvacc_error err;
    double rel[2];
    size_t rest = n - WINDOW;
    clock_t t0 = clock();
    if (!m)
        return;
    r = gu_open(m, "ref", 0, 0, "long-context-open");
    g = gu_open(m, "golden", 8, 0, "long-context-open");
    memset(sr, 0, sizeof sr);
    memset(sg, 0, sizeof sg);
    memset(&err, 0, sizeof err);
    snprintf(name, sizeof name, "long-context-run-%s", tag);
    /* The first WINDOW predictions (of bytes 1 .. WINDOW), then from there on the
     * rest of the text, scoring only its last WINDOW predictions. */
    if (!r || !g ||
        !check(rwkvacc_eval_tokens(g, r, tok, WINDOW + 1, 0, &sg[0], &sr[0], &err) ==
                       RWKVACC_OK &&
                   rwkvacc_eval_tokens(g, r, tok + WINDOW, rest, rest - 1 - WINDOW, &sg[1],
                                       &sr[1], &err) == RWKVACC_OK,
               name, "%s", err.msg))
        goto done;
    for (int w = 0; w < 2; w++) {
        rel[w] = sg[w].bits / sr[w].bits - 1;
        printf("# %s %s %d bytes: ref %.4f golden %.4f bits/byte (%+.3f%%), top-1 agreement "
               "%.2f%%\n", tag, w ? "last" : "first", (int)sg[w].scored,
               sr[w].bits / (double)sr[w].scored, sg[w].bits / (double)sg[w].scored,
               100 * rel[w], 100 * (double)sg[w].agree / (double)sg[w].scored);
    }
    printf("# %s: %zu bytes, %.1f s CPU\n", tag, n, (double)(clock() - t0) / CLOCKS_PER_SEC);
    snprintf(name, sizeof name, "long-context-scored-%s", tag);
    check(sg[0].scored == WINDOW && sg[1].scored == WINDOW && sr[1].scored == WINDOW, name,
          "scored %llu and %llu positions, %d each expected",
          (unsigned long long)sg[0].scored, (unsigned long long)sg[1].scored, WINDOW);
    snprintf(name, sizeof name, "long-context-first-%s", tag);
    check(rel[0] <= REL_LIMIT, name, "CE %+.3f%% on the first %d bytes (limit %+.1f%%)",
          100 * rel[0], WINDOW, 100 * REL_LIMIT);
    snprintf(name, sizeof name, "long-context-last-%s", tag);
    check(rel[1] <= REL_LIMIT, name, "CE %+.3f%% on the last %d bytes (limit %+.1f%%)",
          100 * rel[1], WINDOW, 100 * REL_LIMIT);
    snprintf(name, sizeof name, "long-context-no-drift-%s", tag);
    check(rel[1] - rel[0] <= DRIFT_LIMIT, name, "last %+.3f%% vs first %+.3f%%: %+.3f "
          "points (limit %+.1f)", 100 * rel[1], 100 * rel[0], 100 * (rel[1] - rel[0]),
          100 * DRIFT_LIMIT);
done:
    rwkvacc_ctx_close(r);
    rwkvacc_ctx_close(g);
    rwkvacc_model_free(m);
}

int main(void)
{
    size_t n = 0;
    uint32_t *tok = gu_text_tokens((size_t)1 << 30, &n, "long-context-text");
    if (tok && check(n >= MIN_TEXT, "long-context-text", "%s has %zu bytes, %d needed",
                     EVAL_TEXT, n, MIN_TEXT))
        for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
            run_model(tags[i], tok, n);
    free(tok);
    return check_exit();
}
