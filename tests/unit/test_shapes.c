/*
 * test_shapes.c - the loader and the float reference on random-weight models of
 * real shapes (head size 64, vocabulary 65536) for every version: dimensions come
 * out as generated, logits are finite, and sequence mode agrees with token by
 * token. Guards against anything tuned to the tiny models' shapes.
 */
#include "check.h"
#include "model_random.h"
#include "rwkvacc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { T = 12 };

static void run(rwkvacc_arch arch, uint32_t C, uint32_t V, int fp16)
{
    rw_random_spec s;
    rwkvacc_model *m;
    rwkvacc_model_info I;
    rwkvacc_ctx *c;
    rwkvacc_error err;
    uint8_t *buf;
    size_t len;
    uint32_t tok[T];
    float *one, *seq;
    char name[96];
    double maxd = 0;
    int finite = 1;

    memset(&s, 0, sizeof s);
    s.arch = arch;
    s.n_vocab = V;
    s.n_embd = C;
    s.n_layer = 2;
    s.seed = 1234 + arch;
    s.fp16 = fp16;
    snprintf(name, sizeof name, "shapes-%s-C%u-V%u%s", rwkvacc_arch_name(arch), C, V,
             fp16 ? "-fp16" : "");
    if (rw_random_model(&s, &buf, &len, &err) != RWKVACC_OK ||
        rwkvacc_model_load_mem(buf, len, name, &m, &err) != RWKVACC_OK) {
        check(0, name, "%s", err.msg);
        return;
    }
    free(buf);
    rwkvacc_model_get_info(m, &I);
    check(I.arch == arch && I.n_embd == C && I.n_vocab == V && I.n_layer == 2 &&
              (arch == RWKVACC_ARCH_V4 || (I.head_size == 64 && I.n_head == C / 64)) &&
              I.n_ffn == (arch == RWKVACC_ARCH_V6_0 ? C * 7 / 2 : C * 4),
          name, "info: arch %d C %u V %u H %u N %u F %u", (int)I.arch, I.n_embd, I.n_vocab,
          I.n_head, I.head_size, I.n_ffn);
    for (int t = 0; t < T; t++)
        tok[t] = (uint32_t)((t * 7919u + 13u) % V);
    one = malloc((size_t)T * V * sizeof(float));
    seq = malloc((size_t)T * V * sizeof(float));
    rwkvacc_ctx_open("ref", m, NULL, &c, &err);
    for (int t = 0; t < T; t++)
        rwkvacc_ctx_feed(c, tok + t, 1, one + (size_t)t * V, 0, &err);
    rwkvacc_ctx_reset(c);
    rwkvacc_ctx_feed(c, tok, T, seq, 1, &err);
    for (size_t i = 0; i < (size_t)T * V; i++) {
        finite &= isfinite(one[i]) != 0;
        if (fabs((double)one[i] - seq[i]) > maxd)
            maxd = fabs((double)one[i] - seq[i]);
    }
    snprintf(name + strlen(name), sizeof name - strlen(name), "-seq");
    check(finite && maxd <= 1e-4, name, "finite %d, sequence vs one-by-one max diff %.3g",
          finite, maxd);
    free(one);
    free(seq);
    rwkvacc_ctx_close(c);
    rwkvacc_model_free(m);
}

int main(void)
{
    static const rwkvacc_arch archs[] = {RWKVACC_ARCH_V4, RWKVACC_ARCH_V5_1, RWKVACC_ARCH_V5_2,
                                         RWKVACC_ARCH_V6_0, RWKVACC_ARCH_V7_0};
    for (size_t i = 0; i < 5; i++)
        run(archs[i], 256, 1024, 0);
    run(RWKVACC_ARCH_V7_0, 256, 65536, 0);
    run(RWKVACC_ARCH_V6_0, 192, 65536, 1);
    return check_exit();
}
