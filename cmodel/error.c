/*
 * error.c - status descriptions and the rw_fail helper behind every error message.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const status_text[RWKVACC_STATUS_COUNT] = {
    [RWKVACC_OK] = "success",
    [RWKVACC_E_IO] = "input/output error",
    [RWKVACC_E_FORMAT] = "malformed file",
    [RWKVACC_E_UNSUPPORTED] = "unsupported",
    [RWKVACC_E_TENSOR] = "unknown or missing tensor",
    [RWKVACC_E_SHAPE] = "inconsistent shapes",
    [RWKVACC_E_NOMEM] = "out of memory",
    [RWKVACC_E_ARG] = "invalid argument",
    [RWKVACC_E_TOKEN] = "token id out of range",
    [RWKVACC_E_STATE] = "state does not match",
    [RWKVACC_E_BACKEND] = "backend error",
    [RWKVACC_E_VOCAB] = "malformed vocabulary",
    [RWKVACC_E_TIMEOUT] = "device timed out",
    [RWKVACC_E_DEVICE] = "the device reported an error",
    [RWKVACC_E_IMAGE] = "image does not match the device",
};

const char *rwkvacc_status_str(rwkvacc_status s)
{
    if ((unsigned)s >= RWKVACC_STATUS_COUNT)
        return "unknown status";
    return status_text[s];
}

rwkvacc_status rw_fail(rwkvacc_error *err, rwkvacc_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = status;
        /* Messages are one line by contract. */
        for (char *p = err->msg; *p; p++)
            if (*p == '\n' || *p == '\r')
                *p = ' ';
    }
    return status;
}
