// tb_ldst_unit.cpp - the load/store unit (rtl/ldst_unit.sv) against its
// definitions: LOADV and STOREV move a vector's exponent and words exactly
// (docs/isa.md, "Memory formats"); EMBED is rw_normalize of the int16 row with
// the row's int16 exponent (docs/numerics.md section 2), checked with the golden
// function and on every `embed` record of the golden vectors. Device memory is a
// byte array served through the unit's read and write streams with random
// grant, valid and ready delays.
#include "Vldst_unit.h"
#include "verilated.h"

#include "tb_conform.h"

extern "C" {
#include "golden/bfv.h"
#include "rwkvacc_hw.h"
}

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

namespace {

constexpr unsigned kBus = RWKVACC_HW_CFG_BUS_BYTES;
constexpr unsigned kWords = RWKVACC_HW_CFG_VREG_WORDS;
constexpr uint64_t kMem = 1u << 20;

std::mt19937_64 rng(0x1d57u);
uint64_t rnd(uint64_t n) { return n ? rng() % n : 0; }

struct Bench {
  Vldst_unit m;
  std::vector<uint8_t> mem = std::vector<uint8_t>(kMem);
  std::vector<int32_t> vrf = std::vector<int32_t>(32 * kWords);
  // the read stream being served
  bool rd_on = false;
  uint64_t rd_addr = 0, rd_left = 0;
  // the write stream being collected
  bool wr_on = false, wr_done_due = false;
  uint64_t wr_addr = 0, wr_left = 0;
  int wr_done_in = 0;
  uint32_t rd_q = 0;
  bool rd_pend = false;
  uint64_t cycles = 0;
  int stall = 30;  // percent of cycles a stream handshake is withheld

  void beat_out() {
    uint8_t b[kBus] = {};
    uint64_t n = rd_left < kBus ? rd_left : kBus;
    memcpy(b, &mem[rd_addr], n);
    memcpy(m.mrd_data_i.data(), b, kBus);
  }

  // one clock cycle: inputs from the models, evaluate, sample, edge
  void tick() {
    m.mrd_gnt_i = !rd_on && (int)rnd(100) >= stall;
    m.mrd_vld_i = rd_on && rd_left && (int)rnd(100) >= stall;
    if (rd_on && rd_left) beat_out();
    m.mwr_gnt_i = !wr_on && (int)rnd(100) >= stall;
    m.mwr_rdy_i = wr_on && wr_left && (int)rnd(100) >= stall;
    m.mwr_done_i = wr_done_due && wr_done_in == 0;
    m.rd0_data_i = rd_pend ? rd_q : (uint32_t)rng();  // garbage unless read
    m.eval();
    // sample this cycle's handshakes and ports
    if (m.mrd_req_o && m.mrd_gnt_i) {
      rd_on = true;
      rd_addr = m.mrd_addr_o;
      rd_left = m.mrd_bytes_o;
    }
    if (m.mrd_vld_i && m.mrd_rdy_o) {
      uint64_t n = rd_left < kBus ? rd_left : kBus;
      rd_addr += n;
      rd_left -= n;
      if (!rd_left) rd_on = false;
    }
    if (m.mwr_req_o && m.mwr_gnt_i) {
      wr_on = true;
      wr_addr = m.mwr_addr_o;
      wr_left = m.mwr_bytes_o;
    }
    if (m.mwr_vld_o && m.mwr_rdy_i) {
      uint64_t n = wr_left < kBus ? wr_left : kBus;
      memcpy(&mem[wr_addr], m.mwr_data_o.data(), n);
      wr_addr += n;
      wr_left -= n;
      if (!wr_left) {
        wr_done_due = true;
        wr_done_in = (int)rnd(20);
      }
    }
    if (m.mwr_done_i) wr_done_due = wr_on = false;
    else if (wr_done_due && wr_done_in > 0) wr_done_in--;
    rd_pend = m.rd0_en_o;
    if (rd_pend) rd_q = (uint32_t)vrf[m.rd0_addr_o];
    if (m.wr_en_o) vrf[m.wr_addr_o] = (int32_t)m.wr_data_o;
    m.clk_i = 1;
    m.eval();
    m.clk_i = 0;
    cycles++;
  }

  // runs one operation to done; false on a hang
  bool run(uint8_t op, uint32_t n, uint32_t dst, uint32_t src, int32_t src_e, uint64_t addr,
           uint64_t eaddr) {
    m.op_i = op;
    m.n_i = n;
    m.dst_i = dst;
    m.src0_i = src;
    m.src0_e_i = (uint32_t)src_e;
    m.addr_i = addr;
    m.eaddr_i = eaddr;
    m.start_i = 1;
    tick();
    m.start_i = 0;
    for (int t = 0; t < 200000; t++) {
      bool d = m.done_o;
      if (d) {
        tick();
        return true;
      }
      tick();
    }
    return false;
  }
};

void put32(std::vector<uint8_t>& mem, uint64_t a, uint32_t v) {
  for (int k = 0; k < 4; k++) mem[a + k] = (uint8_t)(v >> (8 * k));
}
void put16(std::vector<uint8_t>& mem, uint64_t a, uint16_t v) {
  mem[a] = (uint8_t)v;
  mem[a + 1] = (uint8_t)(v >> 8);
}
uint32_t get32(const std::vector<uint8_t>& mem, uint64_t a) {
  return (uint32_t)mem[a] | (uint32_t)mem[a + 1] << 8 | (uint32_t)mem[a + 2] << 16 |
         (uint32_t)mem[a + 3] << 24;
}

uint32_t rand_n() {
  switch (rnd(4)) {
    case 0: return (uint32_t)rnd(17);
    case 1: return kWords - (uint32_t)rnd(3);
    default: return 1 + (uint32_t)rnd(kWords);
  }
}

// EMBED's expected result: rw_normalize of the row, with the row's exponent
void embed_golden(const int16_t* q, int16_t e, uint32_t n, std::vector<int32_t>& m, int32_t& ey) {
  std::vector<int64_t> v(n);
  for (uint32_t i = 0; i < n; i++) v[i] = q[i];
  m.assign(n ? n : 1, 0);
  rw_bfv y = {m.data(), 0, n};
  rw_normalize(&y, v.data(), e, n);
  ey = y.e;
}

// one EMBED on the unit: row q (n int16) and e placed at random aligned spots
bool embed_on(Bench& b, const int16_t* q, int16_t e, uint32_t n, uint32_t dst, char* why) {
  // the row in the lower half, its exponent (2-byte aligned) in the top quarter
  uint64_t row = 4 * rnd(kMem / 8), ea = kMem * 3 / 4 + 2 * rnd(kMem / 8 - 4);
  for (uint32_t i = 0; i < n; i++) put16(b.mem, row + 2 * i, (uint16_t)q[i]);
  put16(b.mem, ea, (uint16_t)e);
  std::vector<int32_t> want;
  int32_t want_e;
  embed_golden(q, e, n, want, want_e);
  if (!b.run(RWKVACC_HW_OP_EMBED, n, dst, 0, 0, row, ea)) {
    snprintf(why, 200, "EMBED n=%u hangs", n);
    return false;
  }
  if ((int32_t)b.m.dst_e_o != want_e || b.m.dst_n_o != n) {
    snprintf(why, 200, "EMBED n=%u: e %d n %u, want e %d", n, (int32_t)b.m.dst_e_o,
             (unsigned)b.m.dst_n_o, want_e);
    return false;
  }
  for (uint32_t i = 0; i < n; i++)
    if (b.vrf[dst * kWords + i] != want[i]) {
      snprintf(why, 200, "EMBED n=%u word %u: %d, want %d", n, i, b.vrf[dst * kWords + i],
               want[i]);
      return false;
    }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  auto b = std::make_unique<Bench>();
  printf("# seed 0x1d57\n");
  b->m.clk_i = 0;
  b->m.rst_ni = 0;
  for (int i = 0; i < 4; i++) b->tick();
  b->m.rst_ni = 1;
  char why[256] = "";
  int fails = 0;

  // LOADV then STOREV of random vectors at random aligned addresses
  long bad = 0, cases = 0;
  for (int t = 0; t < 10000 && !bad; t++, cases++) {
    uint32_t n = t < 9000 ? (uint32_t)rnd(80) : rand_n(), r = (uint32_t)rnd(32);
    // loaded from the lower half, stored to the upper half: never overlapping
    uint64_t a = 4 * rnd((kMem / 2 - 4 * kWords - 8) / 4);
    uint64_t o = kMem / 2 + 4 * rnd((kMem / 2 - 4 * kWords - 8) / 4);
    int32_t e = (int32_t)rng();
    put32(b->mem, a, (uint32_t)e);
    for (uint32_t i = 0; i < n; i++) put32(b->mem, a + 4 + 4 * i, (uint32_t)rng());
    if (!b->run(RWKVACC_HW_OP_LOADV, n, r, 0, 0, a, 0)) {
      snprintf(why, sizeof why, "LOADV n=%u hangs", n);
      bad++;
      break;
    }
    if ((int32_t)b->m.dst_e_o != e || b->m.dst_n_o != n) {
      snprintf(why, sizeof why, "LOADV n=%u: e %d n %u, want %d", n, (int32_t)b->m.dst_e_o,
               (unsigned)b->m.dst_n_o, e);
      bad++;
    }
    for (uint32_t i = 0; i < n && !bad; i++)
      if ((uint32_t)b->vrf[r * kWords + i] != get32(b->mem, a + 4 + 4 * i)) {
        snprintf(why, sizeof why, "LOADV n=%u word %u differs", n, i);
        bad++;
      }
    // store it back elsewhere: the bytes must equal the loaded ones, and the
    // bytes around the stored vector must stay as they were
    uint32_t guard0 = o >= 4 ? get32(b->mem, o - 4) : 0, guard1 = get32(b->mem, o + 4 + 4 * n);
    if (!bad && !b->run(RWKVACC_HW_OP_STOREV, n, 0, r, e, o, 0)) {
      snprintf(why, sizeof why, "STOREV n=%u hangs", n);
      bad++;
    }
    for (uint32_t i = 0; i <= n && !bad; i++)
      if (get32(b->mem, o + 4 * i) != get32(b->mem, a + 4 * i)) {
        snprintf(why, sizeof why, "STOREV n=%u word %u differs", n, i);
        bad++;
      }
    if (!bad && o >= 4 && (get32(b->mem, o - 4) != guard0 || get32(b->mem, o + 4 + 4 * n) != guard1)) {
      snprintf(why, sizeof why, "STOREV n=%u wrote outside its vector", n);
      bad++;
    }
  }
  if (bad) printf("FAIL ldst_loadv_storev: %s (case %ld)\n", why, cases), fails++;
  else printf("ok ldst_loadv_storev\n# %ld LOADV + STOREV pairs\n", cases);

  // EMBED on random rows: zeros, +-32767/-32768, small values, random exponents
  bad = 0;
  for (int t = 0; t < 10000 && !bad; t++) {
    uint32_t n = 2 * (uint32_t)(t < 9000 ? 1 + rnd(64) : 1 + rnd(kWords / 2));
    std::vector<int16_t> q(n);
    int kind = (int)rnd(5);
    for (auto& v : q)
      v = kind == 0 ? 0 : kind == 1 ? (int16_t)(rnd(2) ? -32768 : 32767)
                         : kind == 2 ? (int16_t)((int)rnd(5) - 2) : (int16_t)rng();
    int16_t e = (int16_t)rng();
    if (!embed_on(*b, q.data(), e, n, (uint32_t)rnd(32), why)) bad++;
  }
  if (bad) printf("FAIL ldst_embed: %s\n", why), fails++;
  else printf("ok ldst_embed\n");

  // every embed record of the golden vectors
  ConformSet set;
  if (conform_open(set, "ldst_embed_golden_vectors")) {
    const rw_qemb* emb = nullptr;
    for (size_t i = 0; i < set.n_list; i++)
      if (set.list[i].kind == RW_QK_EMB) emb = (const rw_qemb*)set.list[i].dst;
    static const char* const units[] = {"embed", nullptr};
    uint32_t C = set.q->info.n_embd;
    long bad_g = 0;
    long n = conform_each(set, units, "ldst_embed_golden_vectors", [&](const rw_trace_rec& r) {
      const rw_trace_opnd *tk = conform_opnd(r, 0, "token"), *y = conform_opnd(r, 1, "y");
      if (!emb || !tk || !y) {
        snprintf(why, sizeof why, "record %u: operands missing", r.index);
        bad_g++;
        return false;
      }
      uint32_t tok = (uint32_t)conform_words(tk)[0];
      uint64_t row = 4096, ea = 4096 + 2 * (uint64_t)C + 64;
      for (uint32_t i = 0; i < C; i++) put16(b->mem, row + 2 * i, (uint16_t)emb->q[(size_t)tok * C + i]);
      put16(b->mem, ea, (uint16_t)emb->e[tok]);
      std::vector<int32_t> want = conform_words(y);
      if (!b->run(RWKVACC_HW_OP_EMBED, C, 7, 0, 0, row, ea) || (int32_t)b->m.dst_e_o != y->e ||
          b->m.dst_n_o != C || memcmp(&b->vrf[7 * kWords], want.data(), 4 * (size_t)C) != 0) {
        snprintf(why, sizeof why, "record %u (token %u) differs", r.index, tok);
        bad_g++;
        return false;
      }
      return true;
    });
    if (n >= 0) {
      if (bad_g) printf("FAIL ldst_embed_golden_vectors: %s\n", why), fails++;
      else if (n == 0) printf("FAIL ldst_embed_golden_vectors: no embed records\n"), fails++;
      else printf("ok ldst_embed_golden_vectors\n# %ld embed records replayed\n", n);
    } else {
      fails++;
    }
  }
  printf("# %llu cycles simulated\n", (unsigned long long)b->cycles);
  return fails ? 1 : 0;
}
