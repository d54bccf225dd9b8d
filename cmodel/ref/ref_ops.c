/*
 * ref_ops.c - float32 primitives of the reference model (see ref_ops.h).
 * Plain loops; sums of more than a few terms use several partial sums, as BLAS
 * does, which the compiler can vectorise without reassociating anything itself.
 */
#include "ref_ops.h"

#include <math.h>

void ref_layernorm(float *y, const float *x, const float *w, const float *b, uint32_t n,
                   uint32_t T)
{
    ref_groupnorm(y, x, w, b, 1, n, RW_LN_EPS, T);
}

static void norm_group(float *y, const float *x, const float *w, const float *b,
                       uint32_t n, float eps)
{
    double mean = 0, var = 0;
    float inv;
    for (uint32_t i = 0; i < n; i++)
        mean += x[i];
    mean /= n;
    for (uint32_t i = 0; i < n; i++)
        var += (x[i] - mean) * (x[i] - mean);
    var /= n;
    inv = (float)(1.0 / sqrt(var + eps));
    for (uint32_t i = 0; i < n; i++)
        y[i] = ((float)(x[i] - mean)) * inv * w[i] + b[i];
}

void ref_groupnorm(float *y, const float *x, const float *w, const float *b,
                   uint32_t ngroups, uint32_t gs, float eps, uint32_t T)
{
    for (uint32_t t = 0; t < T; t++)
        for (uint32_t g = 0; g < ngroups; g++) {
            size_t o = ((size_t)t * ngroups + g) * gs;
            norm_group(y + o, x + o, w + (size_t)g * gs, b + (size_t)g * gs, gs, eps);
        }
}

float ref_dot(const float *a, const float *b, uint32_t n)
{
    float acc[8] = {0};
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            acc[k] += a[i + k] * b[i + k];
    for (; i < n; i++)
        acc[0] += a[i] * b[i];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

void ref_matmul(float *Y, const rw_mat *W, const float *X, uint32_t T)
{
    /* Row-outer: each weight row is read once for all T tokens (prefill). */
    for (uint32_t i = 0; i < W->rows; i++) {
        const float *w = W->w + (size_t)i * W->cols;
        for (uint32_t t = 0; t < T; t++)
            Y[(size_t)t * W->rows + i] = ref_dot(w, X + (size_t)t * W->cols, W->cols);
    }
}

float ref_sigmoid(float x)
{
    return 1.0f / (1.0f + expf(-x));
}

void ref_sigmoid_v(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = ref_sigmoid(x[i]);
}

void ref_tanh_v(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = tanhf(x[i]);
}

void ref_silu_v(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = x[i] * ref_sigmoid(x[i]);
}

void ref_relu_sq_v(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = x[i] > 0 ? x[i] * x[i] : 0.0f;
}

const float *ref_prev(const float *state_row, const float *x, uint32_t t, uint32_t n)
{
    return t == 0 ? state_row : x + (size_t)(t - 1) * n;
}

void ref_lerp_mix(float *y, const float *x, const float *state_row, const float *mix,
                  uint32_t n, uint32_t T)
{
    for (uint32_t t = 0; t < T; t++) {
        const float *p = ref_prev(state_row, x, t, n);
        const float *xt = x + (size_t)t * n;
        float *yt = y + (size_t)t * n;
        for (uint32_t i = 0; i < n; i++)
            yt[i] = xt[i] * mix[i] + p[i] * (1.0f - mix[i]);
    }
}

void ref_shift_diff(float *d, const float *x, const float *state_row, uint32_t n,
                    uint32_t T)
{
    for (uint32_t t = 0; t < T; t++) {
        const float *p = ref_prev(state_row, x, t, n);
        for (uint32_t i = 0; i < n; i++)
            d[(size_t)t * n + i] = p[i] - x[(size_t)t * n + i];
    }
}

void ref_add_mul(float *y, const float *x, const float *d, const float *m1,
                 const float *m2, uint32_t n, uint32_t T)
{
    for (uint32_t t = 0; t < T; t++)
        for (uint32_t i = 0; i < n; i++) {
            size_t o = (size_t)t * n + i;
            y[o] = x[o] + d[o] * (m2 ? m1[i] + m2[o] : m1[i]);
        }
}
