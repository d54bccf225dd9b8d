/*
 * wkv7.c - the RWKV-7 WKV recurrence in float32 (the generalised delta rule): per
 * head an N x N state indexed [value][key]. Every term of an update reads the
 * state from before the update, as the official implementation does.
 */
#include "wkv.h"

#include <stddef.h>

static void wkv7_head(float *out, const float *r, const float *w, const float *k,
                      const float *v, const float *kk, const float *a, float *S,
                      uint32_t N)
{
    for (uint32_t i = 0; i < N; i++) {
        float *s = S + (size_t)i * N;
        float sa = 0.0f, y = 0.0f;
        for (uint32_t j = 0; j < N; j++)
            sa -= s[j] * kk[j]; /* (S (-kk))_i */
        for (uint32_t j = 0; j < N; j++) {
            s[j] = s[j] * w[j] + sa * kk[j] * a[j] + v[i] * k[j];
            y += s[j] * r[j];
        }
        out[i] = y;
    }
}

void ref_wkv7(float *out, const float *r, const float *w, const float *k,
              const float *v, const float *kk, const float *a, float *S, uint32_t H,
              uint32_t N, uint32_t T)
{
    size_t C = (size_t)H * N;
    for (uint32_t t = 0; t < T; t++)
        for (uint32_t h = 0; h < H; h++) {
            size_t o = t * C + (size_t)h * N;
            wkv7_head(out + o, r + o, w + o, k + o, v + o, kk + o, a + o,
                      S + (size_t)h * N * N, N);
        }
}
