/*
 * wkv5.c - the matrix-state WKV recurrence of RWKV 5.x and 6 in float32: per head
 * an N x N state indexed [key][value], decayed per key channel. 5.x and 6 differ
 * only in where the decay comes from (a constant, or computed per token).
 */
#include "wkv.h"

#include <stddef.h>

static void wkv5_head(float *out, const float *r, const float *k, const float *v,
                      const float *w, const float *u, float *S, uint32_t N)
{
    for (uint32_t j = 0; j < N; j++)
        out[j] = 0.0f;
    for (uint32_t i = 0; i < N; i++) {
        float *s = S + (size_t)i * N;
        for (uint32_t j = 0; j < N; j++) {
            float a = k[i] * v[j];
            out[j] += r[i] * (u[i] * a + s[j]);
            s[j] = a + w[i] * s[j];
        }
    }
}

void ref_wkv5(float *out, const float *r, const float *k, const float *v,
              const float *w, size_t w_stride, const float *u, float *S, uint32_t H,
              uint32_t N, uint32_t T)
{
    size_t C = (size_t)H * N;
    for (uint32_t t = 0; t < T; t++)
        for (uint32_t h = 0; h < H; h++) {
            size_t o = t * C + (size_t)h * N;
            wkv5_head(out + o, r + o, k + o, v + o, w + t * w_stride + (size_t)h * N,
                      u + (size_t)h * N, S + (size_t)h * N * N, N);
        }
}
