/*
 * matvec.h - the matrix-vector unit of the golden datapath: INT8 weights with one
 * scale per row, or INT4 weights with one scale per group of G weights along a
 * row, times an int16 activation vector with one exponent (docs/numerics.md).
 */
#ifndef RWKVACC_MATVEC_H
#define RWKVACC_MATVEC_H

#include "bfv.h"

#define RW_QMAT_MAX_COLS (1u << 24) /* keeps every accumulator below 2^63 */

/* Weight (r, j) = q[r][j] * sm[r][j / group] * 2^se[r]. sm is a 16-bit mantissa;
 * for each row the largest sm lies in [2^15, 2^16) unless the row is all zero. */
typedef struct rw_qmat {
    uint32_t rows, cols;
    uint32_t bits;  /* 8: q in [-127, 127]; 4: q in [-7, 7] */
    uint32_t group; /* weights per scale along a row; cols for INT8 */
    const int8_t *q8;   /* bits 8: rows x cols */
    const uint8_t *q4;  /* bits 4: rows x cols / 2 bytes; element j of a row in byte
                           j / 2, low nibble when j is even, two's complement */
    const uint16_t *sm; /* rows x ceil(cols / group) */
    const int16_t *se;  /* rows */
    uint32_t stride;    /* bytes from one row's q to the next; 0: packed rows (INT8 cols,
                           INT4 a continuous nibble stream) */
} rw_qmat;

uint32_t rw_qmat_groups(const rw_qmat *W);
/* The weight q[r][j] as an integer. */
int32_t rw_qmat_q(const rw_qmat *W, uint32_t r, uint32_t j);

/* y = W x. acc: rows int64 and eacc: rows int32 of scratch. Returns how many
 * group partial sums reached 2^47, the bound of a 48-bit hardware accumulator
 * (none can for groups of up to 2^24 weights; the count checks that). */
uint32_t rw_matvec(rw_bfv *y, const rw_qmat *W, const rw_act16 *x, int64_t *acc, int32_t *eacc);

#endif
