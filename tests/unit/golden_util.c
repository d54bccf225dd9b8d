/*
 * golden_util.c - helpers shared by the golden-model tests (golden_util.h).
 */
#include "golden_util.h"

#include "check.h"

#include <stdlib.h>
#include <string.h>

rwkvacc_ctx *gu_open(const rwkvacc_model *m, const char *backend, uint32_t bits,
                     uint32_t group, const char *test)
{
    rwkvacc_ctx_options o;
    rwkvacc_ctx *c;
    rwkvacc_error err;
    memset(&o, 0, sizeof o);
    o.weight_bits = bits;
    o.group = group;
    if (rwkvacc_ctx_open(backend, m, &o, &c, &err) != RWKVACC_OK) {
        check(0, test, "open %s: %s", backend, err.msg);
        return NULL;
    }
    return c;
}

rwkvacc_model *gu_tiny(const char *tag, const char *test)
{
    char rel[128], path[512];
    rwkvacc_model *m;
    rwkvacc_error err;
    snprintf(rel, sizeof rel, "models/tiny-rwkv-%s-FP32.bin", tag);
    if (!check_shared_path(path, sizeof path, rel, test))
        return NULL;
    if (rwkvacc_model_load(path, &m, &err) != RWKVACC_OK) {
        check(0, test, "%s", err.msg);
        return NULL;
    }
    return m;
}

uint32_t *gu_text_tokens(size_t max_bytes, size_t *n, const char *test)
{
    size_t len;
    unsigned char *text = check_read_file(EVAL_TEXT, &len);
    uint32_t *tok;
    const char *ci = getenv("CI");
    if (!text) {
        if (ci && strcmp(ci, "true") == 0)
            check(0, test, "%s is missing (Debian's base-files provides it)", EVAL_TEXT);
        else
            check_skip(test, EVAL_TEXT " is missing");
        return NULL;
    }
    *n = len < max_bytes ? len : max_bytes;
    tok = malloc(*n * sizeof *tok);
    for (size_t i = 0; i < *n; i++)
        tok[i] = text[i];
    free(text);
    return tok;
}

void gu_check_events(rwkvacc_ctx *c, const char *tag, const char *name)
{
    uint64_t counts[32];
    const char *names[32];
    size_t k = 32, used = 0;
    char line[512] = "";
    rwkvacc_ctx_events(c, counts, names, &k);
    for (size_t i = 0; i < k && used < sizeof line; i++)
        used += (size_t)snprintf(line + used, sizeof line - used, " %s=%llu", names[i],
                                 (unsigned long long)counts[i]);
    printf("# %s events:%s\n", tag, line);
    check(k > 0 && strcmp(names[0], "matvec_acc48") == 0 && counts[0] == 0, name,
          "%zu counters, matvec_acc48 = %llu", k, k ? (unsigned long long)counts[0] : 0ull);
}
