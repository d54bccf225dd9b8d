/*
 * check.h - the unit tests' tiny harness. Each check prints one line the runner
 * counts: "ok NAME", "FAIL NAME: why" or "skip NAME: why". main() returns
 * check_exit(), non-zero when anything failed.
 */
#ifndef RWKVACC_CHECK_H
#define RWKVACC_CHECK_H

#include <stdint.h>
#include <stdio.h>

extern int check_failures;

/* Reports one named check; returns cond. */
int check(int cond, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void check_skip(const char *name, const char *why);
int check_exit(void);

/* 1 when msg is one line that starts with "FILE: " (the library's message form). */
int check_names_file(const char *msg, const char *file);
/* Checks a call that had to fail: status got is want (any failure when want < 0),
 * the message names the file, and it contains want_text (when not NULL). */
int check_failed(const char *test, int got, const char *got_text, const char *msg, int want,
                 const char *file, const char *want_text);

/* The shared test data folder ($SHARED, default ../shared), or NULL when it is
 * missing. Under CI=true a missing folder is a failure, reported once. */
const char *check_shared_dir(void);
/* $SHARED/models/FILE into buf; NULL (and a skip or failure) when missing. */
const char *check_shared_path(char *buf, size_t len, const char *sub, const char *test);

/* Reads a whole file (malloc'd); NULL on error. */
void *check_read_file(const char *path, size_t *len);

/* The tests' deterministic random numbers: splitmix64, advancing *state (any
 * seed); the same stream on every platform. */
uint64_t check_rand(uint64_t *state);

#endif
