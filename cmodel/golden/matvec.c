/*
 * matvec.c - the golden matrix-vector unit (see matvec.h). Per row: integer dot
 * products per group, each times its 16-bit scale mantissa, summed exactly in
 * 64 bits; then one normalization over the rows' exponents. Integer addition is
 * associative, so any order or lane count that keeps these sums exact (the card
 * uses 48-bit group accumulators) gives the same bits.
 */
#include "matvec.h"

#include <assert.h>

uint32_t rw_qmat_groups(const rw_qmat *W)
{
    return (W->cols + W->group - 1) / W->group;
}

/* Element i of the nibble or byte stream that holds row r. */
static size_t q_index(const rw_qmat *W, uint32_t r, uint32_t j)
{
    if (!W->stride)
        return (size_t)r * W->cols + j;
    return (size_t)r * W->stride * (W->bits == 8 ? 1u : 2u) + j;
}

int32_t rw_qmat_q(const rw_qmat *W, uint32_t r, uint32_t j)
{
    size_t i = q_index(W, r, j);
    uint32_t nib;
    if (W->bits == 8)
        return W->q8[i];
    nib = (uint32_t)(W->q4[i / 2] >> ((i & 1u) * 4)) & 0xfu;
    return nib >= 8 ? (int32_t)nib - 16 : (int32_t)nib;
}

/* |sum| <= 127 * 32767 * cols < 2^46 for cols <= 2^24. */
static int64_t dot8(const int8_t *w, const int16_t *x, uint32_t n)
{
    int64_t s = 0;
    for (size_t i = 0; i < n; i += 256) { /* blocks of 256 stay below 2^31 */
        size_t m = n - i < 256 ? n - i : 256;
        const int8_t *wp = w + i;
        const int16_t *xp = x + i;
        int32_t b = 0;
        for (size_t k = 0; k < m; k++)
            b += (int32_t)wp[k] * xp[k];
        s += b;
    }
    return s;
}

static int64_t dot4(const rw_qmat *W, uint32_t r, const int16_t *x, uint32_t j0, uint32_t n)
{
    int64_t s = 0;
    for (uint32_t j = j0; j < j0 + n; j++)
        s += (int64_t)rw_qmat_q(W, r, j) * x[j];
    return s;
}

static int64_t row_acc(const rw_qmat *W, uint32_t r, const int16_t *x, uint32_t *over)
{
    uint32_t ng = rw_qmat_groups(W);
    const uint16_t *sm = W->sm + (size_t)r * ng;
    int64_t acc = 0;
    for (uint32_t g = 0; g < ng; g++) {
        uint32_t j0 = g * W->group;
        uint32_t n = W->cols - j0 < W->group ? W->cols - j0 : W->group;
        int64_t p = W->bits == 8 ? dot8(W->q8 + q_index(W, r, j0), x + j0, n)
                                 : dot4(W, r, x, j0, n);
        *over += p >= ((int64_t)1 << 47) || p <= -((int64_t)1 << 47);
        acc += p * sm[g]; /* < 2^46 * 2^16 per row in all */
    }
    return acc;
}

uint32_t rw_matvec(rw_bfv *y, const rw_qmat *W, const rw_act16 *x, int64_t *acc,
                   int32_t *eacc)
{
    uint32_t over = 0;
    assert(x->n == W->cols && W->cols <= RW_QMAT_MAX_COLS);
    for (uint32_t r = 0; r < W->rows; r++) {
        acc[r] = row_acc(W, r, x->q, &over);
        eacc[r] = W->se[r] + x->e;
    }
    rw_normalize_each(y, acc, eacc, W->rows);
    return over;
}
