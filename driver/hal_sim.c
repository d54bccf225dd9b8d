/*
 * hal_sim.c - the "sim" backend: the HAL port to the virtual card, the Verilated
 * RTL with an AXI memory model (sim/card_sim.h). The simulator is a C++ shared
 * library built by `make sim`; this port loads it at run time, so the C driver
 * builds and runs without Verilator, and says how to get the library when it is
 * missing. It is looked for in $RWKVACC_SIM_LIB, then next to the running
 * program (DIR/sim/, DIR/../sim/, as build/rwkvacc and build/asan/rwkvacc lie).
 */
#include "backend_card.h"
#include "card_sim.h"
#include "error.h"
#include "rwkvacc_hw.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SIM_LIB "librwkvacc_sim.so"
#define SIM_CLOCK_KHZ 250000u /* card time for the timeout: a 250 MHz clock */

typedef struct sim_dev {
    void *lib;
    const rw_sim_api *api;
    rw_sim *s;
} sim_dev;

/* dlopen of the first candidate that loads; the tried path in tried. */
static void *load_lib(char *tried, size_t len)
{
    const char *env = getenv("RWKVACC_SIM_LIB");
    char exe[PATH_MAX], path[PATH_MAX + 32];
    ssize_t n;
    void *h;
    if (env && *env) {
        snprintf(tried, len, "%s", env);
        return dlopen(env, RTLD_NOW | RTLD_LOCAL);
    }
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        n = 0;
    exe[n] = '\0';
    if (strrchr(exe, '/'))
        *strrchr(exe, '/') = '\0';
    snprintf(path, sizeof path, "%s/sim/" SIM_LIB, exe);
    snprintf(tried, len, "%s", path);
    if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) != NULL)
        return h;
    snprintf(path, sizeof path, "%s/../sim/" SIM_LIB, exe);
    return dlopen(path, RTLD_NOW | RTLD_LOCAL);
}

static rwkvacc_status sim_hal_open(uint64_t mem_bytes, const rwkvacc_ctx_options *opt,
                                   void **dev, rwkvacc_error *err)
{
    sim_dev *d = calloc(1, sizeof *d);
    rw_sim_config cfg = {mem_bytes, opt->mem_latency, opt->mem_bytes_per_cycle, opt->trace};
    char tried[PATH_MAX + 32] = "", why[256] = "";
    if (!d)
        return rw_fail(err, RWKVACC_E_NOMEM, "sim backend: out of memory");
    if (!(d->lib = load_lib(tried, sizeof tried))) {
        free(d);
        return rw_fail(err, RWKVACC_E_BACKEND, "sim backend: cannot load the virtual card "
                       "%s (build it with 'make sim', or set RWKVACC_SIM_LIB)", tried);
    }
    d->api = (const rw_sim_api *)dlsym(d->lib, "rw_sim_api_table");
    if (!d->api || d->api->abi != RW_SIM_ABI) {
        dlclose(d->lib);
        free(d);
        return rw_fail(err, RWKVACC_E_BACKEND, "sim backend: %s is not a virtual card of "
                       "this driver (rebuild it with 'make sim')", tried);
    }
    if (!(d->s = d->api->open(&cfg, why, sizeof why))) {
        dlclose(d->lib);
        free(d);
        return rw_fail(err, RWKVACC_E_BACKEND, "sim backend: %s", why);
    }
    *dev = d;
    return RWKVACC_OK;
}

static void sim_hal_close(void *dev)
{
    sim_dev *d = dev;
    d->api->close(d->s);
    /* the library stays loaded: Verilator's globals do not expect an unload */
    free(d);
}

static uint32_t sim_reg_read(void *dev, uint32_t off)
{
    sim_dev *d = dev;
    return d->api->reg_read(d->s, off);
}

static void sim_reg_write(void *dev, uint32_t off, uint32_t v)
{
    sim_dev *d = dev;
    d->api->reg_write(d->s, off, v);
}

static void sim_mem_write(void *dev, uint64_t addr, const void *src, size_t n)
{
    sim_dev *d = dev;
    d->api->mem_write(d->s, addr, src, n);
}

static void sim_mem_read(void *dev, uint64_t addr, void *dst, size_t n)
{
    sim_dev *d = dev;
    d->api->mem_read(d->s, addr, dst, n);
}

static rwkvacc_status sim_wait(void *dev, uint32_t timeout_ms, rwkvacc_error *err)
{
    sim_dev *d = dev;
    if (d->api->wait(d->s, (uint64_t)timeout_ms * SIM_CLOCK_KHZ) != 0)
        return rw_fail(err, RWKVACC_E_TIMEOUT, "sim backend: the card is still busy after "
                       "%u ms of card time (%llu cycles at 250 MHz)", timeout_ms,
                       (unsigned long long)timeout_ms * SIM_CLOCK_KHZ);
    return RWKVACC_OK;
}

static const rw_hal hal_sim = {
    .name = "sim",
    .summary = "the RTL, Verilated, with an AXI memory model (make sim)",
    .open = sim_hal_open,
    .close = sim_hal_close,
    .reg_read = sim_reg_read,
    .reg_write = sim_reg_write,
    .mem_write = sim_mem_write,
    .mem_read = sim_mem_read,
    .wait = sim_wait,
};

static rwkvacc_status sim_dev_open(const rwkvacc_model *m, const rwkvacc_ctx_options *opt,
                                   void **dev, rwkvacc_error *err)
{
    return rw_card_dev_open(&hal_sim, m, opt, dev, err);
}

const rw_backend rw_backend_sim =
    RW_CARD_BACKEND("sim", "the RTL, Verilated, with an AXI memory model (make sim)",
                    sim_dev_open);
