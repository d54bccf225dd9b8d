// card_sim.cpp - the virtual card (card_sim.h): Vrwkvacc_top clocked with the
// AXI4 memory model of sim/tb/axi_mem.h on its master port; the host reaches the
// registers through AXI4-Lite transactions it drives cycle by cycle, exactly as
// a PCIe bridge would. Exported as the table rw_sim_api for dlopen.
#include "card_sim.h"

#include "Vrwkvacc_top.h"
#include "Vrwkvacc_top___024root.h"
#include "tb/axi_mem.h"
#include "verilated.h"
#include "verilated_fst_c.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

extern "C" {
#include "rwkvacc_hw.h"
}

struct rw_sim {
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<Vrwkvacc_top> top;
  std::unique_ptr<axi_mem::AxiMem> mem;
  std::unique_ptr<VerilatedFstC> fst;
  axi_mem::Port port;
  uint64_t mem_bytes = 0, cycle = 0;
  // RWKVACC_SIM_PROFILE set: cycles by sequencer phase and by opcode (and SUB),
  // printed on stderr at close. Reads the sequencer's state and instruction
  // registers (names follow rtl/sequencer.sv's enum and rtl/rwkvacc_top.sv's
  // instance names).
  bool profile = false;
  uint64_t prof_fetch = 0, prof_rec = 0, prof_end = 0, prof_cyc[256][8] = {}, prof_n[256][8] = {};

  void profile_cycle() {
    const auto* r = top->rootp;
    unsigned st = r->rwkvacc_top__DOT__u_sequencer__DOT__state_q;
    uint32_t w0 = r->rwkvacc_top__DOT__u_sequencer__DOT__insn_q[RWKVACC_HW_INSN_OPCODE_WORD];
    uint32_t w3 = r->rwkvacc_top__DOT__u_sequencer__DOT__insn_q[RWKVACC_HW_INSN_SUB_WORD];
    unsigned op = (w0 & RWKVACC_HW_INSN_OPCODE_MASK) >> RWKVACC_HW_INSN_OPCODE_SHIFT;
    unsigned sub = ((w3 & RWKVACC_HW_INSN_SUB_MASK) >> RWKVACC_HW_INSN_SUB_SHIFT) & 7u;
    enum { S_FETCH_REQ = 1, S_CHECK = 3, S_REC_REQ = 4, S_REC_CHECK = 6, S_EXEC = 7, S_WAIT = 8,
           S_END = 9, S_HINT = 10, S_DRAIN = 11 };
    if (st >= S_FETCH_REQ && st <= S_CHECK) prof_fetch++;
    else if ((st >= S_REC_REQ && st <= S_REC_CHECK) || st == S_HINT) prof_rec++;
    else if (st == S_END || st == S_DRAIN) prof_end++;
    else if (st == S_EXEC || st == S_WAIT) {
      prof_cyc[op][sub]++;
      prof_n[op][sub] += (st == S_EXEC);
    }
  }

  void profile_print() const {
    uint64_t total = prof_fetch + prof_rec + prof_end;
    for (int o = 0; o < 256; o++)
      for (int u = 0; u < 8; u++) total += prof_cyc[o][u];
    if (!total) return;
    fprintf(stderr, "%-10s %3s %10s %14s %9s %6s\n", "phase/op", "sub", "count", "cycles",
            "per-insn", "share");
    fprintf(stderr, "%-10s %3s %10s %14llu %9s %5.1f%%\n", "fetch", "", "",
            (unsigned long long)prof_fetch, "", 100.0 * prof_fetch / total);
    fprintf(stderr, "%-10s %3s %10s %14llu %9s %5.1f%%\n", "record", "", "",
            (unsigned long long)prof_rec, "", 100.0 * prof_rec / total);
    fprintf(stderr, "%-10s %3s %10s %14llu %9s %5.1f%%\n", "end", "", "",
            (unsigned long long)prof_end, "", 100.0 * prof_end / total);
    for (int o = 0; o < 256; o++)
      for (int u = 0; u < 8; u++)
        if (prof_n[o][u])
          fprintf(stderr, "op %-7d %3d %10llu %14llu %9.1f %5.1f%%\n", o, u,
                  (unsigned long long)prof_n[o][u], (unsigned long long)prof_cyc[o][u],
                  (double)prof_cyc[o][u] / prof_n[o][u], 100.0 * prof_cyc[o][u] / total);
  }

  // one clock cycle: memory model drives, the design settles, both sample the edge
  void tick() {
    mem->drive();
    top->eval();
    mem->sample();
    if (profile) profile_cycle();
    if (fst) fst->dump(2 * cycle);
    top->clk_i = 1;
    top->eval();
    if (fst) fst->dump(2 * cycle + 1);
    top->clk_i = 0;
    cycle++;
  }
};

static void axil_idle(Vrwkvacc_top* t) {
  t->s_axil_awvalid_i = 0;
  t->s_axil_wvalid_i = 0;
  t->s_axil_bready_i = 0;
  t->s_axil_arvalid_i = 0;
  t->s_axil_rready_i = 0;
}

static rw_sim* sim_open(const rw_sim_config* cfg, char* err, size_t errlen) {
  auto s = std::make_unique<rw_sim>();
  axi_mem::Config mc;
  s->ctx = std::make_unique<VerilatedContext>();
  s->ctx->traceEverOn(cfg->trace != nullptr);
  s->top = std::make_unique<Vrwkvacc_top>(s->ctx.get());
  AXI_MEM_PORT(s->port, s->top.get(), m_axi_);
  mc.bus_bytes = RWKVACC_HW_CFG_BUS_BYTES;
  mc.latency = cfg->latency ? cfg->latency : 100;
  mc.rd_bw = mc.wr_bw = cfg->bytes_per_cycle ? cfg->bytes_per_cycle : RWKVACC_HW_CFG_BUS_BYTES;
  s->mem = std::make_unique<axi_mem::AxiMem>(s->port, mc);
  s->mem_bytes = cfg->mem_bytes;
  s->profile = getenv("RWKVACC_SIM_PROFILE") != nullptr;
  if (cfg->trace) {
    s->fst = std::make_unique<VerilatedFstC>();
    s->top->trace(s->fst.get(), 99);
    s->fst->open(cfg->trace);
    if (!s->fst->isOpen()) {
      snprintf(err, errlen, "%s: cannot write the waveform", cfg->trace);
      return nullptr;
    }
  }
  axil_idle(s->top.get());
  s->top->clk_i = 0;
  s->top->rst_ni = 0;
  for (int i = 0; i < 8; i++) s->tick();
  s->top->rst_ni = 1;
  s->tick();
  return s.release();
}

static void sim_close(rw_sim* s) {
  if (s && s->fst) s->fst->close();
  if (s && s->profile) s->profile_print();
  delete s;
}

static void sim_reg_write(rw_sim* s, uint32_t off, uint32_t v) {
  Vrwkvacc_top* t = s->top.get();
  bool aw = false, w = false;
  t->s_axil_awaddr_i = off;
  t->s_axil_wdata_i = v;
  t->s_axil_wstrb_i = 0xf;
  while (!aw || !w) {
    t->s_axil_awvalid_i = !aw;
    t->s_axil_wvalid_i = !w;
    t->eval();
    bool a = t->s_axil_awready_o && !aw, d = t->s_axil_wready_o && !w;
    s->tick();
    aw |= a;
    w |= d;
  }
  t->s_axil_awvalid_i = 0;
  t->s_axil_wvalid_i = 0;
  t->s_axil_bready_i = 1;
  for (;;) {
    t->eval();
    bool b = t->s_axil_bvalid_o;
    s->tick();
    if (b) break;
  }
  axil_idle(t);
}

static uint32_t sim_reg_read(rw_sim* s, uint32_t off) {
  Vrwkvacc_top* t = s->top.get();
  uint32_t v = 0;
  t->s_axil_araddr_i = off;
  t->s_axil_arvalid_i = 1;
  for (;;) {
    t->eval();
    bool a = t->s_axil_arready_o;
    s->tick();
    if (a) break;
  }
  t->s_axil_arvalid_i = 0;
  t->s_axil_rready_i = 1;
  for (;;) {
    t->eval();
    bool r = t->s_axil_rvalid_o;
    v = t->s_axil_rdata_o;
    s->tick();
    if (r) break;
  }
  axil_idle(t);
  return v;
}

static void sim_mem_write(rw_sim* s, uint64_t a, const void* src, size_t n) {
  s->mem->write(a, static_cast<const uint8_t*>(src), n);
}

static void sim_mem_read(rw_sim* s, uint64_t a, void* dst, size_t n) {
  s->mem->read(a, static_cast<uint8_t*>(dst), n);
}

// Polls STATUS every 256 cycles (a driver would take the interrupt).
static int sim_wait(rw_sim* s, uint64_t max_cycles) {
  uint64_t end = s->cycle + max_cycles;
  while (sim_reg_read(s, RWKVACC_HW_REG_STATUS) & RWKVACC_HW_STATUS_BUSY_MASK) {
    if (s->cycle >= end) return -1;
    for (int i = 0; i < 256; i++) s->tick();
  }
  return 0;
}

static uint64_t sim_cycles(const rw_sim* s) { return s->cycle; }

extern "C" {
extern const rw_sim_api rw_sim_api_table;
const rw_sim_api rw_sim_api_table = {RW_SIM_ABI, sim_open,     sim_close,    sim_reg_read,
                                     sim_reg_write, sim_mem_write, sim_mem_read, sim_wait,
                                     sim_cycles};
}
