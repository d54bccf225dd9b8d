/*
 * wkv_common.c - the state-matrix steps shared by the 5.x/6 and 7 WKV units:
 * state times an int16 vector, decay by Q0.32 factors, outer products.
 */
#include "wkv_common.h"

void rw_state_matvec(rw_bfv *y, const rw_bfv *M, const int16_t *x, int32_t ex,
                     uint32_t rows, uint32_t cols, int transpose, int64_t *tmp)
{
    uint32_t n = transpose ? cols : rows;
    for (uint32_t o = 0; o < n; o++) {
        int64_t s = 0; /* |M| <= 2^30, |x| <= 2^15: below 2^61 for up to 2^16 terms */
        uint32_t len = transpose ? rows : cols;
        for (uint32_t t = 0; t < len; t++) {
            size_t idx = transpose ? (size_t)t * cols + o : (size_t)o * cols + t;
            s += (int64_t)M->m[idx] * x[t];
        }
        tmp[o] = s;
    }
    rw_normalize(y, tmp, M->e + ex, n);
}

void rw_state_decay(rw_bfv *D, const rw_bfv *M, const uint32_t *w, uint32_t N, int by_row)
{
    for (uint32_t i = 0; i < N; i++)
        for (uint32_t j = 0; j < N; j++) {
            size_t idx = (size_t)i * N + j;
            int64_t p = (int64_t)M->m[idx] * (int64_t)w[by_row ? i : j]; /* < 2^62 */
            D->m[idx] = (int32_t)rw_shr_rne_fast(p, 32); /* |p| < 2^62 */
        }
    D->e = M->e;
    D->n = N * N;
}

void rw_outer(rw_bfv *P, rw_cbfv a, rw_cbfv b, int64_t *tmp)
{
    for (uint32_t i = 0; i < a.n; i++)
        for (uint32_t j = 0; j < b.n; j++)
            tmp[(size_t)i * b.n + j] = (int64_t)a.m[i] * b.m[j];
    rw_normalize(P, tmp, a.e + b.e, a.n * b.n);
}

void rw_stage(rw_wkv_ws *ws, const rw_bfv *t, uint32_t off)
{
    for (uint32_t i = 0; i < t->n; i++) {
        ws->st[off + i] = t->m[i];
        ws->est[off + i] = t->e;
    }
}
