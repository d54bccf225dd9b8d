/*
 * rwkvacc.h - public API of librwkvacc: load an RWKV model, open a context on a
 * backend (the float reference now; the integer golden model, the C model of the
 * card, the simulated RTL and real cards later), feed tokens, read logits, and
 * save or restore the recurrent state.
 *
 * It is not the hardware interface: register map and image layout live in the
 * hardware spec header. Every call returns an rwkvacc_status; calls that can fail
 * for a reason worth telling a user also fill an rwkvacc_error (which may be NULL)
 * with a one-line message naming the file or argument and the problem. A failed
 * call leaves its outputs and the context's state unchanged.
 */
#ifndef RWKVACC_H
#define RWKVACC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rwkvacc_status {
    RWKVACC_OK = 0,
    RWKVACC_E_IO,          /* file missing, unreadable or unwritable */
    RWKVACC_E_FORMAT,      /* malformed file: bad magic, truncated, bad header */
    RWKVACC_E_UNSUPPORTED, /* well-formed but not supported (data type, version) */
    RWKVACC_E_TENSOR,      /* unknown, missing or duplicated tensor */
    RWKVACC_E_SHAPE,       /* tensor shapes inconsistent or absurd */
    RWKVACC_E_NOMEM,       /* allocation failed */
    RWKVACC_E_ARG,         /* invalid argument */
    RWKVACC_E_TOKEN,       /* token id >= n_vocab */
    RWKVACC_E_STATE,       /* state blob does not belong to this model/backend */
    RWKVACC_E_BACKEND,     /* unknown backend or backend failure */
    RWKVACC_E_VOCAB,       /* malformed vocabulary file */
    RWKVACC_E_TIMEOUT,     /* the device did not finish in time */
    RWKVACC_E_DEVICE,      /* the device reported an error (its error register) */
    RWKVACC_E_IMAGE,       /* compiled image does not match the device's configuration */
    RWKVACC_STATUS_COUNT
} rwkvacc_status;

/* A short fixed description of a status ("malformed file", ...). */
const char *rwkvacc_status_str(rwkvacc_status s);

#define RWKVACC_ERROR_LEN 320
typedef struct rwkvacc_error {
    rwkvacc_status status;
    char msg[RWKVACC_ERROR_LEN]; /* one line, no trailing newline */
} rwkvacc_error;

/* ---------------------------------------------------------------- models */

/* Architecture versions, named as rwkv.cpp names them (see docs/formats.md). */
typedef enum rwkvacc_arch {
    RWKVACC_ARCH_V4 = 40,
    RWKVACC_ARCH_V5_1 = 51, /* ln_x, no gate */
    RWKVACC_ARCH_V5_2 = 52, /* ln_x and gate */
    RWKVACC_ARCH_V6_0 = 60,
    RWKVACC_ARCH_V7_0 = 70
} rwkvacc_arch;

typedef struct rwkvacc_model rwkvacc_model; /* a float model, read-only once loaded */

typedef struct rwkvacc_model_info {
    rwkvacc_arch arch;
    uint32_t n_vocab, n_embd, n_layer;
    uint32_t n_head, head_size; /* v4: n_head = 0, head_size = 0 */
    uint32_t n_ffn;             /* hidden size of the channel-mixing MLP */
    uint32_t d_mix, d_decay;    /* v6 low-rank sizes (0 otherwise) */
    uint32_t d_w, d_a, d_v, d_g; /* v7 low-rank sizes (0 otherwise) */
    uint64_t n_params;          /* number of weights */
    uint64_t file_bytes;        /* size of the file it came from */
    const char *file_format;    /* "rwkv.cpp" or "safetensors" */
    const char *file_dtype;     /* "FP32", "FP16", "BF16" or "mixed" */
} rwkvacc_model_info;

/* Reads an rwkv.cpp .bin (version 100/101, FP32/FP16), a safetensors file
 * holding a PyTorch RWKV state dict (F32/F16/BF16), or a quantized model written
 * by `rwkvacc quantize` (integer backends only). */
rwkvacc_status rwkvacc_model_load(const char *path, rwkvacc_model **out,
                                  rwkvacc_error *err);
/* The same from memory; name is used in messages. buf is not kept. */
rwkvacc_status rwkvacc_model_load_mem(const void *buf, size_t len, const char *name,
                                      rwkvacc_model **out, rwkvacc_error *err);
void rwkvacc_model_free(rwkvacc_model *m);
void rwkvacc_model_get_info(const rwkvacc_model *m, rwkvacc_model_info *info);
const char *rwkvacc_arch_name(rwkvacc_arch a); /* "4", "5.1", ... */

/* -------------------------------------------------------------- contexts */

/* One inference stream on one backend, with its own recurrent state. */
typedef struct rwkvacc_ctx rwkvacc_ctx;

typedef struct rwkvacc_ctx_options {
    uint32_t max_chunk; /* tokens processed together in sequence mode; 0 = default */
    uint32_t weight_bits; /* 0: as the model file is; 8 or 4: quantize a float model on the fly */
    uint32_t group;       /* INT4 group size (default 64) */
    uint32_t max_streams; /* streams a device holds at once; 0 = 8 (card backends) */
    /* simulated cards (backend sim) */
    const char *trace;            /* write an FST waveform of the card here; NULL: none */
    uint32_t mem_latency;         /* memory latency in cycles; 0 = 100 */
    uint32_t mem_bytes_per_cycle; /* memory bandwidth; 0 = BUS_BYTES */
} rwkvacc_ctx_options;

/* Backends are listed by name; index runs from 0 while the result is non-NULL. */
const char *rwkvacc_backend_name(size_t index);
const char *rwkvacc_backend_summary(size_t index);

/* The model must outlive the context. opt may be NULL. */
/* A device: one backend with the model loaded once; several streams (contexts)
 * share it, each with its own state (on a card: its own STATE block in device
 * memory). rwkvacc_dev_close may come before the streams are closed: the
 * device goes away with the last of them. Calls on the streams of one device
 * must not run concurrently. */
typedef struct rwkvacc_dev rwkvacc_dev;
rwkvacc_status rwkvacc_dev_open(const char *backend, const rwkvacc_model *m,
                                const rwkvacc_ctx_options *opt, rwkvacc_dev **out,
                                rwkvacc_error *err);
void rwkvacc_dev_close(rwkvacc_dev *d);
/* A new stream on the device, with the empty state; RWKVACC_E_NOMEM when the
 * device holds opt->max_streams streams already. */
rwkvacc_status rwkvacc_ctx_open_dev(rwkvacc_dev *d, rwkvacc_ctx **out, rwkvacc_error *err);

/* A stream on a device of its own (rwkvacc_dev_open + rwkvacc_ctx_open_dev). */
rwkvacc_status rwkvacc_ctx_open(const char *backend, const rwkvacc_model *m,
                                const rwkvacc_ctx_options *opt, rwkvacc_ctx **out,
                                rwkvacc_error *err);
void rwkvacc_ctx_close(rwkvacc_ctx *c);
uint32_t rwkvacc_ctx_n_vocab(const rwkvacc_ctx *c);

/* Back to the initial (all-zero) state. */
void rwkvacc_ctx_reset(rwkvacc_ctx *c);

/* Feeds n >= 1 tokens in sequence mode (prefill). logits receives the logits
 * after every token (n x n_vocab floats) when all_logits is non-zero, else only
 * after the last (n_vocab floats); it may be NULL. Token ids are checked before
 * anything runs: on error the state is unchanged. */
rwkvacc_status rwkvacc_ctx_feed(rwkvacc_ctx *c, const uint32_t *tokens, size_t n,
                                float *logits, int all_logits, rwkvacc_error *err);

/* Integer backends only: the datapath's own logits after every token, n x
 * (1 + n_vocab) int32: the exponent e, then the mantissas m (logit = m * 2^e).
 * RWKVACC_E_UNSUPPORTED on a float backend. Checks as rwkvacc_ctx_feed. */
rwkvacc_status rwkvacc_ctx_feed_raw(rwkvacc_ctx *c, const uint32_t *tokens, size_t n,
                                    int32_t *raw, rwkvacc_error *err);

/* Event counters of an integer backend since the context was opened (clamps,
 * accumulator bound checks: docs/numerics.md); *n in: capacity, out: count
 * (0 for a backend without counters). */
void rwkvacc_ctx_events(const rwkvacc_ctx *c, uint64_t *counts, const char **names,
                        size_t *n);

/* State blobs: a header naming the model's shape and the backend, then the
 * backend's state (docs/state.md). */
/* A card's counters for the last token it ran (registers CYCLES, RD_BYTES,
 * WR_BYTES, RD_WEIGHT_BYTES; docs/regmap.md). RWKVACC_E_UNSUPPORTED on a backend
 * that is not a card. On the C model of the card, cycles counts instructions. */
typedef struct rwkvacc_card_counters {
    uint64_t cycles, bytes_read, bytes_written, weight_bytes_read;
} rwkvacc_card_counters;
rwkvacc_status rwkvacc_ctx_card_counters(const rwkvacc_ctx *c, rwkvacc_card_counters *out,
                                         rwkvacc_error *err);

size_t rwkvacc_ctx_state_size(const rwkvacc_ctx *c);
rwkvacc_status rwkvacc_ctx_state_save(const rwkvacc_ctx *c, void *buf, size_t len,
                                      rwkvacc_error *err);
rwkvacc_status rwkvacc_ctx_state_load(rwkvacc_ctx *c, const void *buf, size_t len,
                                      rwkvacc_error *err);

/* ------------------------------------------------------------ evaluation */

/* How well a context predicts a token sequence. */
typedef struct rwkvacc_eval_stats {
    uint64_t scored;  /* positions scored */
    double bits;      /* sum of -log2 p(next token) */
    uint64_t top1;    /* positions where the next token had the highest logit */
    uint64_t agree;   /* positions where the argmax equals the other context's */
} rwkvacc_eval_stats;

/* Feeds tokens[0 .. n-2] to c (and to other, when not NULL, in lockstep) from
 * their current states and scores the prediction of tokens[t + 1] for every
 * t >= first. Accumulates into *s (and *os for other); agree counts are filled
 * when other is given. */
rwkvacc_status rwkvacc_eval_tokens(rwkvacc_ctx *c, rwkvacc_ctx *other, const uint32_t *tokens,
                                   size_t n, size_t first, rwkvacc_eval_stats *s,
                                   rwkvacc_eval_stats *os, rwkvacc_error *err);

/* ------------------------------------------------------------ tokenizers */

typedef struct rwkvacc_tokenizer rwkvacc_tokenizer;

/* vocab_path NULL gives the byte-level tokenizer (ids 0..255 are the bytes). */
rwkvacc_status rwkvacc_tokenizer_load(const char *vocab_path, rwkvacc_tokenizer **out,
                                      rwkvacc_error *err);
void rwkvacc_tokenizer_free(rwkvacc_tokenizer *t);
/* Largest token id + 1. */
uint32_t rwkvacc_tokenizer_n_vocab(const rwkvacc_tokenizer *t);
/* Encodes len bytes; *ids is malloc'd (caller frees), *n_ids its length. Every
 * byte string encodes (the vocabularies cover all 256 bytes). */
rwkvacc_status rwkvacc_tokenizer_encode(const rwkvacc_tokenizer *t, const char *text,
                                        size_t len, uint32_t **ids, size_t *n_ids,
                                        rwkvacc_error *err);
/* The bytes of one token; NULL with *len = 0 for an id that has none. */
const char *rwkvacc_tokenizer_token(const rwkvacc_tokenizer *t, uint32_t id,
                                    size_t *len);
/* Decodes n ids into a malloc'd buffer (caller frees), not NUL-terminated. */
rwkvacc_status rwkvacc_tokenizer_decode(const rwkvacc_tokenizer *t, const uint32_t *ids,
                                        size_t n, char **text, size_t *len,
                                        rwkvacc_error *err);

#ifdef __cplusplus
}
#endif
#endif
