/*
 * qmodel.h - the quantized model the golden datapath runs: matrices as INT8 or
 * INT4 with scales (rw_qmat), every other tensor as a constant block-floating
 * vector or a fixed-point vector, plus a few derived constants. Produced by the
 * quantizer from a float model (quantize.c) or read from a quantized model file
 * (qmodel_io.c, format in docs/formats.md). Mirrors rw_layer of model.h.
 */
#ifndef RWKVACC_QMODEL_H
#define RWKVACC_QMODEL_H

#include "matvec.h"
#include "rwkvacc.h"

/* Embedding rows: int16 with one exponent per row. */
typedef struct rw_qemb {
    const int16_t *q; /* n_vocab x n_embd */
    const int16_t *e; /* n_vocab */
} rw_qemb;

typedef struct rw_qlayer {
    rw_cbfv ln1_w, ln1_b, ln2_w, ln2_b;
    /* 4, 5.x: token-shift lerp weights of the current token */
    rw_cbfv mix_k, mix_v, mix_r, mix_g;
    const int32_t *decay_q16; /* 4: -exp(time_decay), Q15.16 */
    const int32_t *first_q16; /* 4: time_first, Q15.16 */
    const uint32_t *decay_w;  /* 5.x: exp(-exp(t)) per channel, Q0.32 */
    rw_cbfv first;            /* 5.x, 6: the bonus u per channel */
    /* 6 */
    rw_cbfv maa_x, maa_w, maa_k, maa_v, maa_r, maa_g, decay_t;
    rw_qmat maa_w1, maa_w2[5], decay_w1, decay_w2;
    /* 7 */
    rw_cbfv x_r, x_w, x_k, x_v, x_a, x_g, w0, a0, v0, k_k, k_a, r_k;
    rw_qmat w1, w2, a1, a2, v1, v2, g1, g2;
    rw_qmat Wr, Wk, Wv, Wg, Wo;
    rw_cbfv lnx_w, lnx_b;
    rw_cbfv ffn_mix_k, ffn_mix_r;
    rw_qmat ffn_Wk, ffn_Wv, ffn_Wr;
} rw_qlayer;

typedef struct rw_qmodel {
    rwkvacc_model_info info;
    uint32_t weight_bits; /* 8 or 4 */
    uint32_t group;       /* INT4 group size (0 for INT8) */
    rw_qemb emb;
    rw_cbfv ln0_w, ln0_b, ln_out_w, ln_out_b;
    rw_qmat head;
    rw_qlayer *layers;
    /* constants derived from the shape (scalars, n = 1) */
    rw_cbfv inv_embd, inv_head; /* 1 / n_embd, 1 / head_size */
    rw_cbfv ln_eps, gn_eps;     /* 1e-5 and 64e-5 */
    rw_cbfv l2_eps_sq;          /* 1e-24: 7.0's kk normalisation floor, squared */
    rw_cbfv one;                /* 1.0 (7.0's 1 + (a - 1) k_a) */
    void **allocs;              /* storage owned by the model */
    size_t n_allocs, cap_allocs;
} rw_qmodel;

typedef struct rw_quant_options {
    uint32_t weight_bits; /* 8 or 4 */
    uint32_t group;       /* INT4: 32 to 128 and even; ignored for INT8 */
} rw_quant_options;

/* Quantizes a float model; deterministic to the bit. */
rwkvacc_status rw_quantize(const rwkvacc_model *m, const rw_quant_options *opt,
                           rw_qmodel **out, rwkvacc_error *err);
void rw_qmodel_free(rw_qmodel *q);

/* ======================================================================
 * Quantizer internals and the quantized model file (quantize.c, qmodel_io.c).
 * Added for `rwkvacc quantize`; format in docs/formats.md, section
 * "Quantized model (`rwkvacc quantize`)".
 * ====================================================================== */

/* --- conversions (quantize.c); each returns 0, or -1 for a value it cannot
 * represent (NaN, or an infinity where no clamp applies). RNE throughout. */

/* v[0..n) -> m[i] * 2^e with max |m| in [2^29, 2^30] (all zero: e = 0). */
int rw_quant_bfv(const float *v, uint32_t n, int32_t *m, int32_t *e);
/* One scalar (a derived constant) the same way. */
int rw_quant_bfv_scalar(double v, int32_t *m, int32_t *e);
/* One INT8 row: q[cols], *sm and *se (one group). */
int rw_quant_row8(const float *w, uint32_t cols, int8_t *q, uint16_t *sm, int16_t *se);
/* One INT4 row (cols even): q4[cols / 2] packed, sm[ceil(cols / group)], *se. */
int rw_quant_row4(const float *w, uint32_t cols, uint32_t group, uint8_t *q4,
                  uint16_t *sm, int16_t *se);
/* One embedding row: q[n] int16 and its exponent (value q * 2^e). */
int rw_quant_emb_row(const float *v, uint32_t n, int16_t *q, int16_t *e);
/* Q15.16 (RWKV-4 decay and first), clamped to the int32 range; NaN -> -1. */
int rw_quant_q16(float x, int32_t *out);
/* Q0.32 (5.x decay w = exp(-exp(t)) in [0, 1]), clamped to [0, 2^32 - 1]. */
int rw_quant_q32(float x, uint32_t *out);

/* --- the tensor list shared by the quantizer, the writer and the reader */

typedef enum rw_qkind {
    RW_QK_BFV = 1,  /* rw_cbfv */
    RW_QK_I32 = 2,  /* const int32_t * (Q15.16) */
    RW_QK_U32 = 3,  /* const uint32_t * (Q0.32) */
    RW_QK_QMAT = 4, /* rw_qmat */
    RW_QK_EMB = 5   /* rw_qemb */
} rw_qkind;

#define RW_QNAME_MAX 63 /* longest tensor name in a quantized file */

typedef struct rw_qtensor {
    char name[RW_QNAME_MAX + 1]; /* "emb", "blocks.3.Wk", ... */
    rw_qkind kind;
    uint32_t rows, cols; /* QMAT, EMB: the shape; vectors: rows 1, cols = n */
    void *dst;           /* the field of the rw_qmodel this tensor fills */
    const float *src;    /* the float tensor, when listed against a float model */
} rw_qtensor;

/* Every tensor a model of q->info's version and shape holds, in file order,
 * pointing into q (q->layers must be allocated, n_layer entries); src is filled
 * from m when m is not NULL. *list is malloc'd (caller frees). */
rwkvacc_status rw_qmodel_tensors(rw_qmodel *q, const rwkvacc_model *m, rw_qtensor **list,
                                 size_t *n, rwkvacc_error *err);
/* Zeroed storage owned by q (freed by rw_qmodel_free); NULL when out of memory. */
void *rw_qmodel_alloc(rw_qmodel *q, size_t bytes);
/* Fills inv_embd, inv_head, ln_eps, gn_eps, l2_eps_sq and one from q->info. */
rwkvacc_status rw_qmodel_derive(rw_qmodel *q, rwkvacc_error *err);

/* --- the quantized model file (qmodel_io.c) */

#include <stdio.h> /* FILE, for rw_qmodel_write_stream */

#define RW_QFILE_MAGIC "RWKVACCQ" /* 8 bytes, no NUL in the file */
#define RW_QFILE_VERSION 1u
#define RW_QFILE_HEADER_BYTES 80u
#define RW_QFILE_EXP_MAX 256 /* every exponent in a file lies in [-256, 256] */

/* Writes q to path: to path.tmp-XXXXXX first, renamed over path only when
 * complete (an existing device such as /dev/null is written directly). */
rwkvacc_status rw_qmodel_write(const rw_qmodel *q, const char *path, rwkvacc_error *err);
/* The same bytes to an open stream (not flushed or closed); name is used in
 * messages. For callers that manage their own output file (the command). */
rwkvacc_status rw_qmodel_write_stream(const rw_qmodel *q, FILE *f, const char *name,
                                      rwkvacc_error *err);
/* The same bytes into a malloc'd buffer (caller frees). */
rwkvacc_status rw_qmodel_write_mem(const rw_qmodel *q, uint8_t **buf, size_t *len,
                                   rwkvacc_error *err);
/* Parses and validates a whole file; name is used in messages ("NAME: problem").
 * The result owns copies of everything (buf is not kept). */
rwkvacc_status rw_qmodel_read_mem(const uint8_t *buf, size_t len, const char *name,
                                  rw_qmodel **out, rwkvacc_error *err);
/* Non-zero when buf starts with the quantized model magic. */
int rw_qmodel_is_file(const uint8_t *buf, size_t len);

#endif
