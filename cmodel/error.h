/*
 * error.h - filling an rwkvacc_error: one printf-style line per failure.
 * Not a logging facility; nothing is printed here.
 */
#ifndef RWKVACC_ERROR_INTERNAL_H
#define RWKVACC_ERROR_INTERNAL_H

#include "rwkvacc.h"

#if defined(__GNUC__)
#define RW_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define RW_PRINTF(a, b)
#endif

/* Sets err (if not NULL) to status and the formatted message; returns status. */
rwkvacc_status rw_fail(rwkvacc_error *err, rwkvacc_status status, const char *fmt, ...)
    RW_PRINTF(3, 4);

#endif
