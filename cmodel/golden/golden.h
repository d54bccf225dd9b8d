/*
 * golden.h - the bit-exact integer model of RWKV 4, 5.1, 5.2, 6.0 and 7.0: the
 * definition HLS and RTL are checked against. One rw_golden is one stream: the
 * quantized model (shared, read-only), its integer state, scratch and counters.
 * Built only from the unit functions of bfv.h, matvec.h, norm.h, sfu.h, wkv.h.
 */
#ifndef RWKVACC_GOLDEN_H
#define RWKVACC_GOLDEN_H

#include "norm.h"
#include "qmodel.h"
#include "trace.h"
#include "wkv.h"

/* Events counted per operation (docs/numerics.md). The accumulators and the WKV
 * state cannot overflow by construction; their counters check that proof. */
typedef enum rw_event {
    RW_EV_MATVEC_ACC48,  /* a group's partial sum reached 2^47 (48-bit accumulator) */
    RW_EV_SIGMOID_CLAMP, /* input beyond the table's domain */
    RW_EV_TANH_CLAMP,
    RW_EV_DECAY6_CLAMP,
    RW_EV_DECAY7_CLAMP,
    RW_EV_WKV4_K_CLAMP,  /* 4: k beyond +-4096 in the log domain */
    RW_EV_COUNT
} rw_event;

const char *rw_event_name(rw_event e);

typedef struct rw_glayer_state {
    rw_bfv att_shift, ffn_shift; /* C each */
    rw_wkv4_state wkv4;          /* 4 */
    rw_bfv *S;                   /* 5.x to 7: n_head matrices of N x N */
} rw_glayer_state;

typedef struct rw_gws {
    rw_bfv x, xx, d, out, kk, v_first, y, t;
    rw_bfv mix[6], proj[6];
    rw_bfv hid, hid2;    /* max(n_ffn, 5 d_mix, low-rank sizes) */
    rw_act16 act;        /* max columns */
    int64_t *acc, *tmp; /* max(rows), 2 * max(C, N*N, hid) */
    int32_t *eacc, *etmp;
    uint32_t *wq;        /* C: decays, Q0.32 */
    rw_norm_ws norm;
    rw_wkv_ws wkv;
} rw_gws;

typedef struct rw_golden {
    const rw_qmodel *q;
    rw_glayer_state *layers;
    int32_t *state_words; /* every state mantissa, layer by layer */
    size_t n_state_words;
    rw_gws ws;
    uint64_t events[RW_EV_COUNT];
    const rw_trace_hook *hook; /* NULL: no tracing */
    uint32_t layer;            /* the layer being computed (UINT32_MAX outside) */
    void **allocs; /* everything above that the stream owns */
    size_t n_allocs, cap_allocs;
    int alloc_failed;
} rw_golden;

rw_golden *rw_golden_new(const rw_qmodel *q);
void rw_golden_free(rw_golden *g);
void rw_golden_reset(rw_golden *g);

/* One token; logits (n_vocab mantissas and their exponent) when non-NULL. */
void rw_golden_token(rw_golden *g, uint32_t token, rw_bfv *logits);

/* The state as int32 words (docs/state.md) and back. */
size_t rw_golden_state_words(const rw_golden *g);
void rw_golden_state_get(const rw_golden *g, int32_t *w);
void rw_golden_state_set(rw_golden *g, const int32_t *w);

/* Per-layer blocks over ws.xx; results in ws.out. */
void rw_golden_time_mix(rw_golden *g, uint32_t layer);
void rw_golden_channel_mix(rw_golden *g, uint32_t layer);

#endif
