/*
 * state_scan.h - reading a golden state blob (docs/state.md, "Integer state") in
 * the tests and checking that every vector in it is normalized: the proof that
 * the integer state neither overflowed nor lost its precision.
 */
#ifndef RWKVACC_STATE_SCAN_H
#define RWKVACC_STATE_SCAN_H

#include <stddef.h>
#include <stdint.h>

/* What a scan of state blobs found (accumulates over calls). */
typedef struct state_scan {
    size_t vectors, zero_vectors;
    int32_t e_min, e_max; /* over non-zero vectors */
    int64_t max_m;        /* largest |m| seen */
} state_scan;

/* 1 when the blob parses and every vector is normalized (2^29 <= max |m| <= 2^30,
 * or all zero with exponent 0); else 0 with the reason in why. */
int scan_state(const uint8_t *b, size_t len, state_scan *sc, char *why, size_t wlen);

#endif
