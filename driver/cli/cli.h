/*
 * cli.h - what the subcommands of the rwkvacc command share: option parsing,
 * opening a model, tokenizer and context, reading and atomically writing files,
 * and the one-line error messages.
 *
 * Exit statuses: 0 success, 1 a failure (a file, the model, the library), 2 a
 * usage error (unknown or missing option, bad number, empty prompt, ...). Every
 * failure prints exactly one line to stderr, "rwkvacc: " and the problem.
 */
#ifndef RWKVACC_CLI_H
#define RWKVACC_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rwkvacc.h"

#define CLI_VERSION "0.1.0"

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2
/* cli_parse's "go on" (every other value is an exit status to return now). */
#define CLI_CONTINUE (-1)

#if defined(__GNUC__)
#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CLI_PRINTF(a, b)
#endif

/* ------------------------------------------------------------- messages */

/* Prints "rwkvacc: MESSAGE" as one line on stderr (control characters in the
 * message become spaces) and returns CLI_EXIT_FAIL. */
int cli_fail(const char *fmt, ...) CLI_PRINTF(1, 2);
/* The same, returning CLI_EXIT_USAGE. */
int cli_usage(const char *fmt, ...) CLI_PRINTF(1, 2);
/* Prints the library's message (or the status text when it left none) and
 * returns CLI_EXIT_FAIL. */
int cli_lib_fail(const rwkvacc_error *err, rwkvacc_status st);

/* -------------------------------------------------------------- options */

typedef enum cli_kind {
    CLI_STR,    /* dest: const char **, not empty */
    CLI_TEXT,   /* dest: const char **, may be empty */
    CLI_UINT,   /* dest: uint64_t *, decimal digits only, within [min, max] */
    CLI_DOUBLE, /* dest: double *, finite, within [min, max] */
    CLI_FLAG    /* dest: int *, set to 1; takes no value */
} cli_kind;

typedef struct cli_opt {
    const char *name;  /* "--model"; NULL ends the table */
    const char *alias; /* "-n" or NULL */
    cli_kind kind;
    void *dest;
    double min, max;   /* numbers only */
    int required;
    int seen;          /* set by cli_parse */
} cli_opt;

/* Parses argv[1..argc-1] of subcommand cmd (argv[0] is the subcommand's name):
 * "--name value", "--name=value", "-n value"; "--" ends options; --help/-h
 * prints help to stdout. Up to max_pos positional arguments go to pos (*n_pos
 * of them). Returns CLI_CONTINUE, or the exit status to return at once after a
 * message (0 after --help, CLI_EXIT_USAGE after a usage error). */
int cli_parse(const char *cmd, const char *help, int argc, char **argv, cli_opt *opts,
              const char **pos, size_t max_pos, size_t *n_pos);

/* ------------------------------------------------------------- sessions */

typedef struct cli_session {
    rwkvacc_tokenizer *tok;
    rwkvacc_model *model;
    rwkvacc_model_info info;
    rwkvacc_ctx *ctx;
} cli_session;

enum { CLI_WANT_TOK = 1, CLI_WANT_MODEL = 2, CLI_WANT_CTX = 4 };

/* Loads what want asks for (the tokenizer from
 * vocab, or the byte tokenizer when vocab is NULL; the model; a context on the
 * backend) and checks that the tokenizer's ids fit the model. Returns
 * CLI_EXIT_OK, or an exit status after printing the error (everything freed). */
int cli_session_open(cli_session *s, int want, const char *model_path,
                     const char *backend, const char *vocab);
/* The same with context options (opt may be NULL). */
int cli_session_open_opt(cli_session *s, int want, const char *model_path,
                         const char *backend, const char *vocab,
                         const rwkvacc_ctx_options *opt);

/* --weights int8|int4 and --group G, as logits, generate, eval and bench take
 * them: put CLI_WEIGHT_OPTS(w) in the option table, then cli_weight_options. */
typedef struct cli_weights {
    const char *weights; /* NULL: as the model file is */
    uint64_t group;      /* 0: not given */
} cli_weights;
#define CLI_WEIGHT_OPTS(w)                                                               \
    {"--weights", NULL, CLI_STR, &(w).weights, 0, 0, 0, 0},                              \
    {"--group", NULL, CLI_UINT, &(w).group, 32, 128, 0, 0}
/* Checks the values ("int8" or "int4"; an even group, only with int4) and sets
 * *bits (0 when --weights is absent) and *group (64 by default). Returns
 * CLI_CONTINUE or CLI_EXIT_USAGE after a one-line message. */
int cli_weight_options(const char *cmd, const cli_weights *w, uint32_t *bits,
                       uint32_t *group);
void cli_session_close(cli_session *s);

/* The simulated card's options (backend sim): --trace FILE.fst, --mem-latency
 * CYCLES, --mem-bw BYTES per cycle; CLI_CARD_OPTS(c) in the option table, then
 * cli_card_options copies them into the context options. */
typedef struct cli_card {
    const char *trace;
    uint64_t latency, bw; /* 0: not given */
} cli_card;
#define CLI_CARD_OPTS(c)                                                                 \
    {"--trace", NULL, CLI_STR, &(c).trace, 0, 0, 0, 0},                                  \
    {"--mem-latency", NULL, CLI_UINT, &(c).latency, 1, 100000, 0, 0},                    \
    {"--mem-bw", NULL, CLI_UINT, &(c).bw, 1, 4096, 0, 0}
void cli_card_options(const cli_card *c, rwkvacc_ctx_options *opt);
#define CLI_CARD_HELP                                                                    \
    "  --trace FILE.fst    sim backend: write the card's waveform (FST)\n"                 \
    "  --mem-latency N     sim backend: memory latency in cycles (default 100)\n"          \
    "  --mem-bw N          sim backend: memory bytes per cycle (default the bus width)\n"

/* ---------------------------------------------------------------- files */

/* Reads a whole file (or standard input when path is NULL or "-") into a malloc'd
 * buffer with a NUL after the len bytes. Returns CLI_EXIT_OK or prints
 * "cannot read PATH: reason" and returns CLI_EXIT_FAIL. */
int cli_read_file(const char *path, char **buf, size_t *len);

/* A file written under a temporary name in the same folder and renamed over
 * path only by cli_out_commit, so a failure leaves path as it was. "-" is
 * standard output; an existing device or pipe (/dev/null) is written directly. */
typedef struct cli_out {
    const char *path;
    char *tmp;
    FILE *f;
} cli_out;

int cli_out_open(cli_out *o, const char *path);
/* Writes n floats as little-endian float32. */
int cli_out_write_f32(cli_out *o, const float *v, size_t n);
/* The same for any 4-byte words (int32, uint32), little-endian. */
int cli_out_write_le32(cli_out *o, const void *words, size_t n);
/* Flushes, syncs, closes and renames; on any failure removes the temporary
 * file. Returns CLI_EXIT_OK or prints the error and returns CLI_EXIT_FAIL. */
int cli_out_commit(cli_out *o);
/* Removes the temporary file, if still open; safe to call twice. */
void cli_out_abort(cli_out *o);

/* Monotonic seconds. */
double cli_now(void);

/* Tokens fed together in one call when all logits are wanted: enough to keep
 * about 16 MB of logits. */
size_t cli_chunk_tokens(uint32_t n_vocab);

/* ----------------------------------------------------------- subcommands */

int cmd_info(int argc, char **argv);
int cmd_backends(int argc, char **argv);
int cmd_logits(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_tokenize(int argc, char **argv);
int cmd_detokenize(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_quantize(int argc, char **argv);
int cmd_randmodel(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_conform(int argc, char **argv);
int cmd_cycles(int argc, char **argv);

#endif
