/*
 * golden_util.h - what the golden-model tests share: opening a tiny model on a
 * backend with given weights, and the English evaluation text.
 */
#ifndef RWKVACC_GOLDEN_UTIL_H
#define RWKVACC_GOLDEN_UTIL_H

#include "rwkvacc.h"

/* English prose from a Debian package every Debian system has (base-files). */
#define EVAL_TEXT "/usr/share/common-licenses/GPL-3"

/* Opens backend on model m with bits (0 = float) and group; NULL on failure
 * (reported as a failed check named test). */
rwkvacc_ctx *gu_open(const rwkvacc_model *m, const char *backend, uint32_t bits,
                     uint32_t group, const char *test);
/* Loads ../shared/models/tiny-rwkv-TAG-FP32.bin; NULL (skip or fail) if missing. */
rwkvacc_model *gu_tiny(const char *tag, const char *test);
/* The evaluation text's first max_bytes bytes as byte tokens; NULL if missing
 * (a failure under CI=true, else a skip). */
uint32_t *gu_text_tokens(size_t max_bytes, size_t *n, const char *test);

/* Prints a backend's event counters as one "# TAG events: ..." line and checks,
 * as test NAME, that no matrix-vector accumulator event happened. */
void gu_check_events(rwkvacc_ctx *c, const char *tag, const char *name);

#endif
