/*
 * backends.c - the list of backends the context layer can open by name.
 */
#include "backend.h"

#include <string.h>

extern const rw_backend rw_backend_ref;
extern const rw_backend rw_backend_golden;
extern const rw_backend rw_backend_isa;
extern const rw_backend rw_backend_sim;

static const rw_backend *const backends[] = {
    &rw_backend_ref,
    &rw_backend_golden,
    &rw_backend_isa,
    &rw_backend_sim,
};

const rw_backend *rw_backend_at(size_t index)
{
    return index < sizeof backends / sizeof backends[0] ? backends[index] : NULL;
}

const rw_backend *rw_backend_find(const char *name)
{
    for (size_t i = 0; rw_backend_at(i); i++)
        if (strcmp(backends[i]->name, name) == 0)
            return backends[i];
    return NULL;
}

const char *rwkvacc_backend_name(size_t index)
{
    const rw_backend *b = rw_backend_at(index);
    return b ? b->name : NULL;
}

const char *rwkvacc_backend_summary(size_t index)
{
    const rw_backend *b = rw_backend_at(index);
    return b ? b->summary : NULL;
}
