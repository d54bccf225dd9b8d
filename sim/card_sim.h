/*
 * card_sim.h - the virtual card: the Verilated RTL (rtl/rwkvacc_top.sv) with an
 * AXI4 memory model, behind a C interface the driver's "sim" HAL port loads at
 * run time (build/sim/librwkvacc_sim.so, built by `make sim`). Registers are
 * reached through real AXI4-Lite transactions; device memory is the memory
 * model's, read and written by the host directly (as a DMA engine would).
 * Not thread-safe; one simulated clock, advanced only inside these calls.
 */
#ifndef RWKVACC_CARD_SIM_H
#define RWKVACC_CARD_SIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rw_sim rw_sim;

typedef struct rw_sim_config {
    uint64_t mem_bytes;       /* device memory from address 0 */
    uint32_t latency;         /* memory: cycles from AR to the first R beat (0: 100) */
    uint32_t bytes_per_cycle; /* memory bandwidth per direction (0: BUS_BYTES) */
    const char *trace;        /* write an FST waveform here (NULL: none) */
} rw_sim_config;

/* The function table the library exports as rw_sim_api (one dlsym). */
typedef struct rw_sim_api {
    uint32_t abi;             /* RW_SIM_ABI */
    rw_sim *(*open)(const rw_sim_config *cfg, char *err, size_t errlen);
    void (*close)(rw_sim *s);
    uint32_t (*reg_read)(rw_sim *s, uint32_t offset);
    void (*reg_write)(rw_sim *s, uint32_t offset, uint32_t value);
    void (*mem_write)(rw_sim *s, uint64_t addr, const void *src, size_t n);
    void (*mem_read)(rw_sim *s, uint64_t addr, void *dst, size_t n);
    /* Runs the clock until STATUS.BUSY is clear: 0, or -1 after max_cycles. */
    int (*wait)(rw_sim *s, uint64_t max_cycles);
    uint64_t (*cycles)(const rw_sim *s); /* clock cycles since open */
} rw_sim_api;

#define RW_SIM_ABI 1u

#ifdef __cplusplus
}
#endif

#endif
