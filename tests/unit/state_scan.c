/*
 * state_scan.c - golden state blobs parsed and checked for normalization (see
 * state_scan.h).
 */
#include "state_scan.h"

#include "rwkvacc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define M_LIMIT (INT64_C(1) << 30)
#define M_NORM (INT64_C(1) << 29)

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One block-floating vector (exponent, then n mantissas) at w; 0 and a reason in
 * why when it is not normalized. */
static int scan_vec(const uint8_t *w, uint32_t n, state_scan *sc, char *why, size_t wlen)
{
    int32_t e = (int32_t)le32(w);
    int64_t mx = 0;
    for (uint32_t i = 0; i < n; i++) {
        int64_t m = (int32_t)le32(w + 4 * (1 + (size_t)i));
        m = m < 0 ? -m : m;
        mx = m > mx ? m : mx;
    }
    sc->vectors++;
    sc->max_m = mx > sc->max_m ? mx : sc->max_m;
    if (mx == 0) {
        sc->zero_vectors++;
        if (e != 0)
            snprintf(why, wlen, "all-zero vector with exponent %d", (int)e);
        return e == 0;
    }
    if (sc->vectors - sc->zero_vectors == 1 || e < sc->e_min)
        sc->e_min = e;
    if (sc->vectors - sc->zero_vectors == 1 || e > sc->e_max)
        sc->e_max = e;
    if (mx > M_LIMIT || mx < M_NORM) {
        snprintf(why, wlen, "vector of %u with max |m| = %lld (2^%.2f), exponent %d", n,
                 (long long)mx, log2((double)mx), (int)e);
        return 0;
    }
    return 1;
}

/* A golden state blob (docs/state.md, "Integer state"): the header, then per
 * layer att_shift and ffn_shift (exponent + C mantissas each), then for 4 aa and
 * bb (the same) and pp (C words, Q15.16, not block-floating), for 5.x to 7 H
 * matrices (exponent + N*N mantissas). 1 when it parses and every vector is
 * normalized; else 0 with the reason in why. */
int scan_state(const uint8_t *b, size_t len, state_scan *sc, char *why, size_t wlen)
{
    uint32_t arch, C, L, H, N;
    uint64_t P, words;
    size_t off = 64;
    if (len < 64 || memcmp(b, "RWKVSTAT", 8) != 0 || le32(b + 8) != 1 ||
        strncmp((const char *)b + 40, "golden", 16) != 0) {
        snprintf(why, wlen, "not a golden state blob (format 1)");
        return 0;
    }
    arch = le32(b + 12);
    C = le32(b + 20);
    L = le32(b + 24);
    H = le32(b + 28);
    N = le32(b + 32);
    P = (uint64_t)le32(b + 56) | (uint64_t)le32(b + 60) << 32;
    words = arch == RWKVACC_ARCH_V4 ? (uint64_t)L * (4 * (1 + (uint64_t)C) + C)
                                    : (uint64_t)L * (2 * (1 + (uint64_t)C) +
                                                     H * (1 + (uint64_t)N * N));
    if (P != len - 64 || P != 4 * words) {
        snprintf(why, wlen, "payload of %llu bytes, %zu in the blob, %llu expected",
                 (unsigned long long)P, len - 64, (unsigned long long)(4 * words));
        return 0;
    }
    for (uint32_t l = 0; l < L; l++) {
        uint32_t nv = arch == RWKVACC_ARCH_V4 ? 4 : 2 + H;
        for (uint32_t v = 0; v < nv; v++) {
            uint32_t n = v < 2 || arch == RWKVACC_ARCH_V4 ? C : N * N;
            if (!scan_vec(b + off, n, sc, why, wlen)) {
                size_t k = strlen(why);
                snprintf(why + k, wlen - k, " (layer %u, vector %u)", l, v);
                return 0;
            }
            off += 4 * (1 + (size_t)n);
        }
        if (arch == RWKVACC_ARCH_V4)
            off += 4 * (size_t)C; /* pp */
    }
    return 1;
}

