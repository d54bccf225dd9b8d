// tb_ldst_unit.cpp - the load/store unit (rtl/ldst_unit.sv) against its
// definitions: LOADV and STOREV move a vector's exponent and words exactly
// (docs/isa.md, "Memory formats"); EMBED is rw_normalize of the int16 row with
// the row's int16 exponent (docs/numerics.md section 2), checked with the golden
// function and on every `embed` record of the golden vectors.
// Models: device memory is a byte array served through the unit's read stream
// (requests queue, each with its own latency; random grant and valid delays;
// the last beat's unused bytes zero or, for half of the operations, junk) and
// write stream (random ready, done after a delay). The vector register file is
// rows of VL words (docs/rtl.md); every read and every masked write lane is
// checked against what the operation may touch (its source or destination, words
// below its length), and the destination's words 0 .. n-1 are scrambled before
// each load so that a word not written shows. Works for any BUS_BYTES and VL the
// model was Verilated with (-GBUS_BYTES=, -GVL=): both are read off the ports.
// Last: the cycles of each operation at n = 768 with memory latency 100 and no
// stalls, checked against the one-beat-per-cycle target.
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
#include <deque>
#include <memory>
#include <random>
#include <vector>

namespace {

constexpr unsigned kBus = sizeof(Vldst_unit::mrd_data_i);     // BUS_BYTES of the build
constexpr unsigned kVL = sizeof(Vldst_unit::rd0_data_i) / 4;  // VL of the build
constexpr unsigned kW = kBus / 4;                             // words per beat
constexpr unsigned kWords = RWKVACC_HW_CFG_VREG_WORDS;
constexpr unsigned kRows = kWords / kVL;  // rows per register
constexpr unsigned log2c(unsigned v) { return v <= 1 ? 0 : 1 + log2c(v / 2); }
constexpr unsigned kRIW = log2c(kRows);
constexpr uint64_t kMem = 1u << 20;
static_assert(kBus >= 4 && (kBus & (kBus - 1)) == 0, "BUS_BYTES");
static_assert(kVL >= 1 && (kVL & (kVL - 1)) == 0 && kRows * kVL == kWords, "VL");
static_assert(sizeof(Vldst_unit::wr_data_o) == 4 * kVL, "wr_data_o");

std::mt19937_64 rng(0x1d57u);
uint64_t rnd(uint64_t n) { return n ? rng() % n : 0; }

template <class T>
void sig_set(T& sig, const void* src) {
  memcpy(&sig, src, sizeof(T));
}
template <class T>
void sig_get(const T& sig, void* dst) {
  memcpy(dst, &sig, sizeof(T));
}

struct RdReq {
  uint64_t addr, left, ready;
};

struct Bench {
  Vldst_unit m;
  std::vector<uint8_t> mem = std::vector<uint8_t>(kMem);
  std::vector<uint32_t> vrf = std::vector<uint32_t>(32 * kWords);
  std::deque<RdReq> rq;  // granted read requests, served in order
  // the write stream being collected
  bool wr_on = false, wr_done_due = false;
  uint64_t wr_addr = 0, wr_left = 0;
  int wr_done_in = 0;
  bool rd_pend = false;
  uint32_t rd_row = 0;
  uint64_t cycles = 0;
  int stall = 30;       // percent of cycles a stream handshake is withheld
  int lat_max = 12;     // read latency: 0 .. lat_max cycles after the grant
  int lat_fixed = -1;   // >= 0: that latency, and the write's done that long
  bool pad_junk = false;
  // what the running operation may touch
  int rd_reg = -1, wr_reg = -1;
  uint32_t rd_n = 0, wr_n = 0;
  long viol = 0;
  char vwhy[200] = "";
  long last = 0;  // cycles of the last operation

  void violation(const char* what, uint32_t addr) {
    if (!viol++) snprintf(vwhy, sizeof vwhy, "%s (row address 0x%x)", what, addr);
  }

  // one clock cycle: inputs from the models, evaluate, sample, edge
  void tick() {
    uint8_t beat[kBus];
    m.mrd_gnt_i = rq.size() < 4 && (int)rnd(100) >= stall;
    m.mrd_vld_i = !rq.empty() && cycles >= rq.front().ready && (int)rnd(100) >= stall;
    if (m.mrd_vld_i) {
      const RdReq& r = rq.front();
      uint64_t n = r.left < kBus ? r.left : kBus;
      for (unsigned k = 0; k < kBus; k++) beat[k] = pad_junk ? (uint8_t)rng() : 0;
      memcpy(beat, &mem[r.addr], n);
    } else {
      for (unsigned k = 0; k < kBus; k++) beat[k] = (uint8_t)rng();  // garbage unless valid
    }
    sig_set(m.mrd_data_i, beat);
    m.mwr_gnt_i = !wr_on && (int)rnd(100) >= stall;
    m.mwr_rdy_i = wr_on && wr_left && (int)rnd(100) >= stall;
    m.mwr_done_i = wr_done_due && wr_done_in == 0;
    uint32_t row[kVL];
    for (unsigned j = 0; j < kVL; j++)
      row[j] = rd_pend ? vrf[(size_t)rd_row * kVL + j] : (uint32_t)rng();  // garbage unless read
    sig_set(m.rd0_data_i, row);
    m.eval();
    // sample this cycle's handshakes and ports
    if (m.mrd_vld_i && m.mrd_rdy_o) {
      RdReq& r = rq.front();
      uint64_t n = r.left < kBus ? r.left : kBus;
      r.addr += n;
      r.left -= n;
      if (!r.left) rq.pop_front();
    }
    if (m.mrd_req_o && m.mrd_gnt_i && m.mrd_bytes_o) {
      int lat = lat_fixed >= 0 ? lat_fixed : (int)rnd(lat_max + 1);
      rq.push_back({m.mrd_addr_o & ~UINT64_C(3), m.mrd_bytes_o & ~3u, cycles + 1 + lat});
    }
    if (m.mwr_req_o && m.mwr_gnt_i) {
      wr_on = true;
      wr_addr = m.mwr_addr_o;
      wr_left = m.mwr_bytes_o;
    }
    if (m.mwr_vld_o && m.mwr_rdy_i) {
      uint64_t n = wr_left < kBus ? wr_left : kBus;
      sig_get(m.mwr_data_o, beat);
      memcpy(&mem[wr_addr], beat, n);
      wr_addr += n;
      wr_left -= n;
      if (!wr_left) {
        wr_done_due = true;
        wr_done_in = lat_fixed >= 0 ? lat_fixed : (int)rnd(20);
      }
    }
    if (m.mwr_done_i) wr_done_due = wr_on = false;
    else if (wr_done_due && wr_done_in > 0) wr_done_in--;
    rd_pend = m.rd0_en_o;
    if (rd_pend) {
      rd_row = m.rd0_addr_o;
      if ((int)(rd_row >> kRIW) != rd_reg || (rd_row % kRows) * kVL >= rd_n)
        violation("read outside the source", rd_row);
    }
    if (m.wr_en_o) {
      uint32_t a = m.wr_addr_o, w[kVL];
      uint64_t mask = (uint64_t)m.wr_mask_o;
      sig_get(m.wr_data_o, w);
      for (unsigned j = 0; j < kVL; j++) {
        if (!(mask >> j & 1)) continue;
        if ((int)(a >> kRIW) != wr_reg || (a % kRows) * kVL + j >= wr_n)
          violation("write outside words 0 .. n-1 of DST", a);
        vrf[(size_t)a * kVL + j] = w[j];
      }
    }
    m.clk_i = 1;
    m.eval();
    m.clk_i = 0;
    cycles++;
  }

  // runs one operation to done; its cycles (start to done), or -1 on a hang
  long run(uint8_t op, uint32_t n, uint32_t dst, uint32_t src, int32_t src_e, uint64_t addr,
           uint64_t eaddr) {
    m.op_i = op;
    m.n_i = n;
    m.dst_i = dst;
    m.src0_i = src;
    m.src0_e_i = (uint32_t)src_e;
    m.addr_i = addr;
    m.eaddr_i = eaddr;
    rd_reg = op == RWKVACC_HW_OP_STOREV ? (int)src : op == RWKVACC_HW_OP_EMBED ? (int)dst : -1;
    rd_n = op == RWKVACC_HW_OP_STOREV ? n : n / 2;
    wr_reg = op == RWKVACC_HW_OP_STOREV ? -1 : (int)dst;
    wr_n = n;
    viol = 0;
    uint64_t c0 = cycles;
    m.start_i = 1;
    tick();
    m.start_i = 0;
    for (int t = 0; t < 200000; t++) {
      bool d = m.done_o;
      tick();
      if (d) {
        bool idle = rq.empty() && !wr_on && !m.busy_o;
        return last = idle ? (long)(cycles - c0 - 1) : -1;
      }
    }
    return -1;
  }

  // the destination's words 0 .. n-1 scrambled: a word the unit skips shows
  void scramble(uint32_t r, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) vrf[(size_t)r * kWords + i] = (uint32_t)rng();
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

// the lengths every configuration must get right: around rows and beats
std::vector<uint32_t> corner_ns(bool even) {
  std::vector<uint32_t> v;
  for (uint32_t b : {0u, 1u, 2u, 3u, 4u, kVL, 2 * kVL, 3 * kVL, kW, 2 * kW, 4 * kW, kWords})
    for (int d = -3; d <= 3; d++) {
      int64_t n = (int64_t)b + d;
      if (n >= 0 && n <= (int64_t)kWords && (!even || n % 2 == 0)) v.push_back((uint32_t)n);
    }
  return v;
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
  b.scramble(dst, n);
  b.pad_junk = rnd(2);
  if (b.run(RWKVACC_HW_OP_EMBED, n, dst, 0, 0, row, ea) < 0) {
    snprintf(why, 200, "EMBED n=%u hangs", n);
    return false;
  }
  if (b.viol) {
    snprintf(why, 200, "EMBED n=%u: %s", n, b.vwhy);
    return false;
  }
  if ((int32_t)b.m.dst_e_o != want_e || b.m.dst_n_o != n) {
    snprintf(why, 200, "EMBED n=%u: e %d n %u, want e %d", n, (int32_t)b.m.dst_e_o,
             (unsigned)b.m.dst_n_o, want_e);
    return false;
  }
  for (uint32_t i = 0; i < n; i++)
    if ((int32_t)b.vrf[dst * kWords + i] != want[i]) {
      snprintf(why, 200, "EMBED n=%u word %u: %d, want %d", n, i, (int32_t)b.vrf[dst * kWords + i],
               want[i]);
      return false;
    }
  return true;
}

// one LOADV of a random vector, then its STOREV elsewhere; false with why
bool load_store(Bench& b, uint32_t n, char* why) {
  uint32_t r = (uint32_t)rnd(32);
  // loaded from the lower half, stored to the upper half: never overlapping
  uint64_t a = 4 * rnd((kMem / 2 - 4 * kWords - 8) / 4);
  uint64_t o = kMem / 2 + 4 * rnd((kMem / 2 - 4 * kWords - 8) / 4);
  int32_t e = (int32_t)rng();
  put32(b.mem, a, (uint32_t)e);
  for (uint32_t i = 0; i < n; i++) put32(b.mem, a + 4 + 4 * i, (uint32_t)rng());
  b.scramble(r, n);
  b.pad_junk = rnd(2);
  if (b.run(RWKVACC_HW_OP_LOADV, n, r, 0, 0, a, 0) < 0) {
    snprintf(why, 200, "LOADV n=%u hangs", n);
    return false;
  }
  if (b.viol) {
    snprintf(why, 200, "LOADV n=%u: %s", n, b.vwhy);
    return false;
  }
  if ((int32_t)b.m.dst_e_o != e || b.m.dst_n_o != n) {
    snprintf(why, 200, "LOADV n=%u: e %d n %u, want %d", n, (int32_t)b.m.dst_e_o,
             (unsigned)b.m.dst_n_o, e);
    return false;
  }
  for (uint32_t i = 0; i < n; i++)
    if (b.vrf[r * kWords + i] != get32(b.mem, a + 4 + 4 * i)) {
      snprintf(why, 200, "LOADV n=%u word %u differs", n, i);
      return false;
    }
  // store it back elsewhere: the bytes must equal the loaded ones, and the
  // bytes around the stored vector must stay as they were
  uint32_t guard0 = o >= 4 ? get32(b.mem, o - 4) : 0, guard1 = get32(b.mem, o + 4 + 4 * n);
  if (b.run(RWKVACC_HW_OP_STOREV, n, 0, r, e, o, 0) < 0) {
    snprintf(why, 200, "STOREV n=%u hangs", n);
    return false;
  }
  if (b.viol) {
    snprintf(why, 200, "STOREV n=%u: %s", n, b.vwhy);
    return false;
  }
  if (b.m.dst_n_o != n || (int32_t)b.m.dst_e_o != e) {
    snprintf(why, 200, "STOREV n=%u: e %d n %u", n, (int32_t)b.m.dst_e_o, (unsigned)b.m.dst_n_o);
    return false;
  }
  for (uint32_t i = 0; i <= n; i++)
    if (get32(b.mem, o + 4 * i) != get32(b.mem, a + 4 * i)) {
      snprintf(why, 200, "STOREV n=%u word %u differs", n, i);
      return false;
    }
  if (o >= 4 && (get32(b.mem, o - 4) != guard0 || get32(b.mem, o + 4 + 4 * n) != guard1)) {
    snprintf(why, 200, "STOREV n=%u wrote outside its vector", n);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  auto b = std::make_unique<Bench>();
  printf("# seed 0x1d57, BUS_BYTES %u, VL %u\n", kBus, kVL);
  for (auto& w : b->vrf) w = (uint32_t)rng();  // junk past every vector's end
  b->m.clk_i = 0;
  b->m.rst_ni = 0;
  for (int i = 0; i < 4; i++) b->tick();
  b->m.rst_ni = 1;
  char why[256] = "";
  int fails = 0;

  // LOADV then STOREV: the corner lengths, then random vectors at random
  // aligned addresses
  std::vector<uint32_t> cn = corner_ns(false);
  long bad = 0, cases = 0;
  for (long t = 0; t < 10000 + (long)cn.size() && !bad; t++, cases++) {
    uint32_t n = t < (long)cn.size() ? cn[t]
                 : t < 9000 ? (uint32_t)rnd(4 * kW + 4 * kVL + 16)
                            : rand_n();
    if (!load_store(*b, n, why)) bad++;
  }
  if (bad) printf("FAIL ldst_loadv_storev: %s (case %ld)\n", why, cases), fails++;
  else printf("ok ldst_loadv_storev\n# %ld LOADV + STOREV pairs\n", cases);

  // EMBED: the corner lengths, then random rows: zeros, +-32767/-32768, small
  // values, random exponents
  std::vector<uint32_t> ce = corner_ns(true);
  bad = 0;
  cases = 0;
  for (long t = 0; t < 10000 + (long)ce.size() && !bad; t++, cases++) {
    uint32_t n = t < (long)ce.size() ? ce[t]
                 : 2 * (uint32_t)(t < 9000 ? 1 + rnd(2 * kW + 2 * kVL + 8) : 1 + rnd(kWords / 2));
    std::vector<int16_t> q(n);
    int kind = (int)rnd(6);
    for (auto& v : q)
      v = kind == 0 ? 0 : kind == 1 ? (int16_t)(rnd(2) ? -32768 : 32767)
                         : kind == 2 ? (int16_t)((int)rnd(5) - 2)
                         : kind == 3 ? (int16_t)((int)rng() >> (16 + rnd(16)))
                                     : (int16_t)rng();
    if (kind == 4 && n) q[rnd(n)] = -32768;  // the largest magnitude anywhere, even last
    int16_t e = (int16_t)rng();
    if (!embed_on(*b, q.data(), e, n, (uint32_t)rnd(32), why)) bad++;
  }
  if (bad) printf("FAIL ldst_embed: %s (case %ld)\n", why, cases), fails++;
  else printf("ok ldst_embed\n# %ld EMBED rows\n", cases);

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
      b->scramble(7, C);
      if (b->run(RWKVACC_HW_OP_EMBED, C, 7, 0, 0, row, ea) < 0 || b->viol ||
          (int32_t)b->m.dst_e_o != y->e || b->m.dst_n_o != C ||
          memcmp(&b->vrf[7 * kWords], want.data(), 4 * (size_t)C) != 0) {
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

  // throughput: n = 768, memory latency 100 (and 0), no stalls. Target: one
  // beat (or one row if narrower) per cycle, so at most latency + the beats or
  // rows of the stream + a few cycles of pipeline and handshakes
  {
    const uint32_t n = 768, L = 100;
    b->stall = 0;
    b->pad_junk = false;
    long cyc[2][3];
    for (int li = 0; li < 2; li++) {
      b->lat_fixed = li ? 0 : (int)L;
      for (uint32_t i = 0; i < n; i++) put32(b->mem, 8 + 4 * i, (uint32_t)rng());
      cyc[li][0] = b->run(RWKVACC_HW_OP_LOADV, n, 3, 0, 0, 4, 0);
      cyc[li][1] = b->run(RWKVACC_HW_OP_STOREV, n, 0, 3, 5, kMem / 2, 0);
      std::vector<int16_t> q(n);
      for (auto& v : q) v = (int16_t)rng();
      char w2[200];
      cyc[li][2] = embed_on(*b, q.data(), 3, n, 9, w2) ? b->last : -1;
    }
    auto per = [](uint32_t words, uint32_t per_cycle) { return (words + per_cycle - 1) / per_cycle; };
    uint32_t mv = kW < kVL ? kW : kVL;                 // words per cycle through the unit
    long lim_ld = L + per(n + 1, mv) + 8;              // LOADV: latency + the stream
    long lim_st = L + per(n + 1, mv) + 8;              // STOREV: the stream + done latency
    long lim_em = L + per(n / 2, mv) + per(n, kVL) + 12;  // EMBED: raw row, then the write pass
    printf("# n=%u cycles at latency %u: LOADV %ld STOREV %ld EMBED %ld (limits %ld %ld %ld)\n", n,
           L, cyc[0][0], cyc[0][1], cyc[0][2], lim_ld, lim_st, lim_em);
    printf("# n=%u cycles at latency 0: LOADV %ld STOREV %ld EMBED %ld\n", n, cyc[1][0], cyc[1][1],
           cyc[1][2]);
    if (b->viol || cyc[0][0] < 0 || cyc[0][1] < 0 || cyc[0][2] < 0 || cyc[0][0] > lim_ld ||
        cyc[0][1] > lim_st || cyc[0][2] > lim_em)
      printf("FAIL ldst_throughput: above the one-beat-per-cycle limits\n"), fails++;
    else
      printf("ok ldst_throughput\n");
  }
  printf("# %llu cycles simulated\n", (unsigned long long)b->cycles);
  return fails ? 1 : 0;
}
