/*
 * wkv4.c - the RWKV-4 WKV recurrence in float32, with the running maximum pp that
 * keeps exp() in range: the state holds aa = sum exp(w*dt + k - pp) v and
 * bb = sum exp(w*dt + k - pp). A state of all zeros is a valid empty state: it
 * represents the same (empty) sums as the official pp = -1e30 start.
 */
#include "wkv.h"

#include <math.h>

void ref_wkv4(float *out, const float *k, const float *v, const float *decay,
              const float *first, float *aa, float *bb, float *pp, uint32_t n,
              uint32_t T)
{
    for (uint32_t t = 0; t < T; t++) {
        const float *kt = k + (size_t)t * n, *vt = v + (size_t)t * n;
        float *ot = out + (size_t)t * n;
        for (uint32_t i = 0; i < n; i++) {
            /* output: include the current token with the bonus "first" */
            float ww = first[i] + kt[i];
            float p = fmaxf(pp[i], ww);
            float e1 = expf(pp[i] - p), e2 = expf(ww - p);
            ot[i] = (e1 * aa[i] + e2 * vt[i]) / (e1 * bb[i] + e2);
            /* state: decay the past, add the current token */
            ww = decay[i] + pp[i];
            p = fmaxf(ww, kt[i]);
            e1 = expf(ww - p);
            e2 = expf(kt[i] - p);
            aa[i] = e1 * aa[i] + e2 * vt[i];
            bb[i] = e1 * bb[i] + e2;
            pp[i] = p;
        }
    }
}
