// axi_mem.h - AXI4 slave memory model for the Verilator testbenches (header only).
//
// What it is: a cycle-based AXI4 slave with a sparse byte memory (4 KB pages made
// on first touch; untouched bytes read as fill(addr)), a configurable read latency
// (cycles from the AR handshake to the first R beat), a bandwidth limit per
// direction (bytes per cycle, token bucket), optional random stalls of every
// channel, optional reordering and beat-level interleaving of read data of
// different IDs, and a checker of the master's side of the protocol that counts
// violations:
//   - AxBURST: INCR, FIXED (at most 16 beats) and WRAP (2/4/8/16 beats, aligned
//     start) are served; 3 (reserved) is a violation,
//   - AxSIZE larger than the bus,
//   - INCR bursts crossing a 4 KB boundary,
//   - AxVALID dropped or the payload changed before AxREADY (same for W),
//   - WLAST not exactly on the last beat of its burst (by AWLEN),
//   - WSTRB bits set on byte lanes outside the beat's addressed bytes,
//   - B/R of an ID the model never saw are impossible by construction: the
//     model answers each ID in its request order (AXI per-ID ordering), which
//     is what it offers the master to rely on, and never more.
// It counts AR/AW bursts, R/W beats, bytes read (beats x 2^size) and written
// (strobed bytes), and per ID the written bytes whose B handshake is done.
// What it is not: a timing-accurate DRAM, an exclusive-access monitor, an
// AXI-Lite slave, a checker of the slave side (it is the slave).
//
// Connecting it (any Verilated top whose AXI signals are plain ports):
//
//   axi_mem::Port p;
//   AXI_MEM_PORT(p, top, m_axi_);   // binds top->m_axi_arvalid_o, ..._arready_i, ...
//   // or bind fields by hand: p.arvalid = axi_mem::Sig(top->my_arvalid); ...
//   axi_mem::Config cfg; cfg.bus_bytes = 64; cfg.latency = 100;
//   axi_mem::AxiMem mem(p, cfg);
//   every cycle (clk low at entry):
//     mem.drive();                 // the slave's outputs for this cycle
//     ... drive the other inputs ...; top->eval();
//     mem.sample();                // sees this cycle's handshakes (settled signals)
//     top->clk_i = 1; top->eval(); top->clk_i = 0;
// The slave's outputs depend only on its state (never combinationally on the
// master's outputs of the same cycle). The macro needs the master-side names
// PREFIX{aw,w,b,ar,r}NAME_{o,i} (outputs of the master _o, inputs _i); for other
// names fill Port by hand. Unbound optional fields: awid/bid/arid/rid (ID 0),
// awsize/arsize (full width), awburst/arburst (INCR), rresp/bresp.
// Signals of any width bind: CData/SData/IData/QData and VlWide<N> (little-endian
// host: byte k of the bus is byte k of the Verilated storage).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace axi_mem {

// A reference to one Verilated signal of any width.
struct Sig {
  void* p = nullptr;
  unsigned bytes = 0;
  Sig() = default;
  template <class T>
  explicit Sig(T& r) : p(static_cast<void*>(&r)), bytes(sizeof(T)) {}
  bool bound() const { return p != nullptr; }
  uint64_t get() const {
    uint64_t v = 0;
    std::memcpy(&v, p, bytes < 8 ? bytes : 8);
    return v;
  }
  void set(uint64_t v) const { std::memcpy(p, &v, bytes < 8 ? bytes : 8); }
  void get_bytes(uint8_t* dst, unsigned n) const { std::memcpy(dst, p, n); }
  void set_bytes(const uint8_t* src, unsigned n) const { std::memcpy(p, src, n); }
};

struct Port {
  Sig awid, awaddr, awlen, awsize, awburst, awvalid, awready;
  Sig wdata, wstrb, wlast, wvalid, wready;
  Sig bid, bresp, bvalid, bready;
  Sig arid, araddr, arlen, arsize, arburst, arvalid, arready;
  Sig rid, rdata, rresp, rlast, rvalid, rready;
};

#define AXI_MEM_PORT(port, top, P)                                                  \
  do {                                                                              \
    axi_mem::Port& p_ = (port);                                                     \
    p_.awid = axi_mem::Sig((top)->P##awid_o);                                       \
    p_.awaddr = axi_mem::Sig((top)->P##awaddr_o);                                   \
    p_.awlen = axi_mem::Sig((top)->P##awlen_o);                                     \
    p_.awsize = axi_mem::Sig((top)->P##awsize_o);                                   \
    p_.awburst = axi_mem::Sig((top)->P##awburst_o);                                 \
    p_.awvalid = axi_mem::Sig((top)->P##awvalid_o);                                 \
    p_.awready = axi_mem::Sig((top)->P##awready_i);                                 \
    p_.wdata = axi_mem::Sig((top)->P##wdata_o);                                     \
    p_.wstrb = axi_mem::Sig((top)->P##wstrb_o);                                     \
    p_.wlast = axi_mem::Sig((top)->P##wlast_o);                                     \
    p_.wvalid = axi_mem::Sig((top)->P##wvalid_o);                                   \
    p_.wready = axi_mem::Sig((top)->P##wready_i);                                   \
    p_.bid = axi_mem::Sig((top)->P##bid_i);                                         \
    p_.bresp = axi_mem::Sig((top)->P##bresp_i);                                     \
    p_.bvalid = axi_mem::Sig((top)->P##bvalid_i);                                   \
    p_.bready = axi_mem::Sig((top)->P##bready_o);                                   \
    p_.arid = axi_mem::Sig((top)->P##arid_o);                                       \
    p_.araddr = axi_mem::Sig((top)->P##araddr_o);                                   \
    p_.arlen = axi_mem::Sig((top)->P##arlen_o);                                     \
    p_.arsize = axi_mem::Sig((top)->P##arsize_o);                                   \
    p_.arburst = axi_mem::Sig((top)->P##arburst_o);                                 \
    p_.arvalid = axi_mem::Sig((top)->P##arvalid_o);                                 \
    p_.arready = axi_mem::Sig((top)->P##arready_i);                                 \
    p_.rid = axi_mem::Sig((top)->P##rid_i);                                         \
    p_.rdata = axi_mem::Sig((top)->P##rdata_i);                                     \
    p_.rresp = axi_mem::Sig((top)->P##rresp_i);                                     \
    p_.rlast = axi_mem::Sig((top)->P##rlast_i);                                     \
    p_.rvalid = axi_mem::Sig((top)->P##rvalid_i);                                   \
    p_.rready = axi_mem::Sig((top)->P##rready_o);                                   \
  } while (0)

struct Config {
  unsigned bus_bytes = 64;        // data bus width in bytes (power of 2, <= 128)
  unsigned latency = 100;         // cycles from AR handshake to the first R beat (>= 1)
  unsigned b_latency = 10;        // cycles from the last W beat to BVALID (>= 1)
  unsigned rd_bw = 64;            // read bytes per cycle (a beat needs bus_bytes tokens)
  unsigned wr_bw = 64;            // write bytes per cycle
  double stall = 0.0;             // per cycle and channel: probability of a stall
  bool reorder = false;           // serve ready IDs in random order (else AR/AW order)
  bool interleave = false;        // switch ID between R beats of unfinished bursts
  unsigned max_rd = 64;           // ARREADY low while this many read bursts are open
  unsigned max_wr = 64;           // AWREADY low while this many write bursts are open
  uint64_t err_lo = 1, err_hi = 0;  // bytes in [err_lo, err_hi] answer SLVERR
                                    // (writes there are dropped; reads return data)
  uint64_t seed = 1;
  unsigned max_messages = 20;     // violation messages kept
};

struct Stats {
  uint64_t cycles = 0;
  uint64_t ar = 0, aw = 0, b = 0;     // handshakes
  uint64_t r_beats = 0, w_beats = 0;
  uint64_t bytes_read = 0, bytes_written = 0;
  uint64_t violations = 0;
  uint64_t slverr = 0;                // bursts answered with SLVERR
  uint64_t r_interleaved = 0;         // R beats of another burst while one was unfinished
  uint64_t r_reordered = 0;           // read bursts begun while an older one was open
};

// Default content of untouched memory: a hash of the byte address.
inline uint8_t default_fill(uint64_t a) {
  uint64_t z = (a >> 3) + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return static_cast<uint8_t>(z >> (8 * (a & 7)));
}

class AxiMem {
 public:
  std::function<uint8_t(uint64_t)> fill = default_fill;

  AxiMem(const Port& p, const Config& c) : p_(p), c_(c), rng_(c.seed) {
    r_tokens_ = c_.bus_bytes;
    w_tokens_ = c_.bus_bytes;
    rbuf_.assign(c_.bus_bytes, 0);
  }

  // New timing/stall parameters (bus_bytes must stay); the content and the open
  // bursts are kept. Meant for between phases of a test.
  void set_config(const Config& c) {
    c_ = c;
    rng_.seed(c.seed);
  }
  const Config& config() const { return c_; }

  // ---- backdoor (no protocol, no statistics)
  uint8_t peek(uint64_t a) { return page(a)[a & 4095]; }
  void poke(uint64_t a, uint8_t v) { page(a)[a & 4095] = v; }
  void read(uint64_t a, uint8_t* dst, size_t n) {
    while (n) {
      size_t k = std::min<size_t>(n, 4096 - (a & 4095));
      std::memcpy(dst, page(a) + (a & 4095), k);
      a += k; dst += k; n -= k;
    }
  }
  void write(uint64_t a, const uint8_t* src, size_t n) {
    while (n) {
      size_t k = std::min<size_t>(n, 4096 - (a & 4095));
      std::memcpy(page(a) + (a & 4095), src, k);
      a += k; src += k; n -= k;
    }
  }
  // f(page_base_address, const uint8_t* 4096 bytes) for every page touched so far.
  template <class F>
  void for_each_page(F f) const {
    for (const auto& kv : pages_) f(kv.first << 12, static_cast<const uint8_t*>(kv.second.get()));
  }

  const Stats& stats() const { return st_; }
  const std::vector<std::string>& messages() const { return msgs_; }
  // Strobed bytes of the write bursts of this ID whose B handshake is done.
  uint64_t b_bytes(unsigned id) const {
    auto it = b_bytes_.find(id);
    return it == b_bytes_.end() ? 0 : it->second;
  }
  // Nothing open on any channel.
  bool idle() const { return rd_.empty() && wr_.empty() && !r_on_ && !b_on_; }
  uint64_t now() const { return now_; }

  // ---- clocking
  void drive() {
    // AR, AW: ready from state only.
    ar_ready_ = rd_.size() < c_.max_rd && !stall();
    p_.arready.set(ar_ready_);
    aw_ready_ = wr_.size() < c_.max_wr && !stall();
    p_.awready.set(aw_ready_);
    // R: keep a presented beat until it is taken.
    if (!r_on_ && r_tokens_ >= c_.bus_bytes && !stall()) pick_r();
    p_.rvalid.set(r_on_);
    if (r_on_) {
      RB& b = rd_[r_idx_];
      if (p_.rid.bound()) p_.rid.set(b.id);
      if (p_.rresp.bound()) p_.rresp.set(b.err ? 2 : 0);
      p_.rlast.set(b.beat == b.len);
      p_.rdata.set_bytes(rbuf_.data(), c_.bus_bytes);
    }
    // W: only for a burst whose AW came (legal: the slave may wait for AW).
    w_ready_ = false;
    for (auto& b : wr_)
      if (b.beat <= b.len) { w_ready_ = true; break; }
    w_ready_ = w_ready_ && w_tokens_ >= c_.bus_bytes && !stall();
    p_.wready.set(w_ready_);
    // B
    if (!b_on_ && !stall()) pick_b();
    p_.bvalid.set(b_on_);
    if (b_on_) {
      WB& b = wr_[b_idx_];
      if (p_.bid.bound()) p_.bid.set(b.id);
      if (p_.bresp.bound()) p_.bresp.set(b.err ? 2 : 0);
    }
  }

  void sample() {
    // ---- AR
    bool arv = p_.arvalid.get() & 1;
    Req ar = get_req(p_.arid, p_.araddr, p_.arlen, p_.arsize, p_.arburst);
    if (ar_wait_ && (!arv || !(ar == ar_prev_))) violation("AR changed or dropped before ARREADY");
    if (arv && ar_ready_) {
      st_.ar++;
      RB b;
      static_cast<Req&>(b) = ar;
      b.t = now_ + c_.latency;
      b.err = check_req("AR", ar);
      if (b.err) st_.slverr++;
      rd_.push_back(b);
    }
    ar_wait_ = arv && !ar_ready_;
    ar_prev_ = ar;
    // ---- R
    if (r_on_ && (p_.rready.get() & 1)) {
      RB& b = rd_[r_idx_];
      st_.r_beats++;
      st_.bytes_read += 1ull << b.size;
      r_tokens_ -= c_.bus_bytes;
      r_on_ = false;
      if (b.beat == b.len) {
        rd_.erase(rd_.begin() + r_idx_);
        r_cur_ = -1;
      } else {
        b.beat++;
        r_cur_ = static_cast<long>(r_idx_);
      }
    }
    // ---- AW
    bool awv = p_.awvalid.get() & 1;
    Req aw = get_req(p_.awid, p_.awaddr, p_.awlen, p_.awsize, p_.awburst);
    if (aw_wait_ && (!awv || !(aw == aw_prev_))) violation("AW changed or dropped before AWREADY");
    if (awv && aw_ready_) {
      st_.aw++;
      WB b;
      static_cast<Req&>(b) = aw;
      b.err = check_req("AW", aw);
      if (b.err) st_.slverr++;
      wr_.push_back(b);
    }
    aw_wait_ = awv && !aw_ready_;
    aw_prev_ = aw;
    // ---- W
    bool wv = p_.wvalid.get() & 1;
    unsigned sb = (c_.bus_bytes + 7) / 8;
    wbuf_.resize(c_.bus_bytes);
    strb_.resize(sb);
    p_.wdata.get_bytes(wbuf_.data(), c_.bus_bytes);
    p_.wstrb.get_bytes(strb_.data(), sb);
    bool wl = p_.wlast.get() & 1;
    if (w_wait_ && (!wv || wl != w_prev_last_ || wbuf_ != w_prev_data_ || strb_ != w_prev_strb_))
      violation("W changed or dropped before WREADY");
    if (wv && w_ready_) w_beat(wl);
    w_wait_ = wv && !w_ready_;
    w_prev_last_ = wl;
    w_prev_data_ = wbuf_;
    w_prev_strb_ = strb_;
    // ---- B
    if (b_on_ && (p_.bready.get() & 1)) {
      WB& b = wr_[b_idx_];
      st_.b++;
      b_bytes_[b.id] += b.bytes;
      wr_.erase(wr_.begin() + b_idx_);
      b_on_ = false;
    }
    // ---- time
    r_tokens_ = std::min<uint64_t>(r_tokens_ + c_.rd_bw, std::max(c_.rd_bw, c_.bus_bytes));
    w_tokens_ = std::min<uint64_t>(w_tokens_ + c_.wr_bw, std::max(c_.wr_bw, c_.bus_bytes));
    now_++;
    st_.cycles = now_;
  }

 private:
  struct Req {
    uint64_t id = 0, addr = 0, len = 0, size = 0, burst = 1;
    bool operator==(const Req& o) const {
      return id == o.id && addr == o.addr && len == o.len && size == o.size && burst == o.burst;
    }
  };
  struct RB : Req {
    uint64_t t = 0, beat = 0;
    bool err = false;
  };
  struct WB : Req {
    uint64_t beat = 0, bytes = 0, t = 0;
    bool err = false;
  };

  Port p_;
  Config c_;
  std::mt19937_64 rng_;
  std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> pages_;
  std::unordered_map<uint64_t, uint64_t> b_bytes_;
  std::deque<RB> rd_;   // open read bursts in AR order
  std::deque<WB> wr_;   // open write bursts in AW order
  Stats st_;
  std::vector<std::string> msgs_;
  uint64_t now_ = 0, r_tokens_ = 0, w_tokens_ = 0;
  bool ar_ready_ = false, aw_ready_ = false, w_ready_ = false;
  bool r_on_ = false, b_on_ = false;
  size_t r_idx_ = 0, b_idx_ = 0;
  long r_cur_ = -1;     // burst in progress on R (for no interleaving)
  bool ar_wait_ = false, aw_wait_ = false, w_wait_ = false, w_prev_last_ = false;
  Req ar_prev_, aw_prev_;
  std::vector<uint8_t> rbuf_, wbuf_, strb_, w_prev_data_, w_prev_strb_;

  uint8_t* page(uint64_t a) {
    auto& pg = pages_[a >> 12];
    if (!pg) {
      pg.reset(new uint8_t[4096]);
      uint64_t base = a & ~4095ull;
      for (unsigned i = 0; i < 4096; i++) pg[i] = fill(base + i);
    }
    return pg.get();
  }

  bool stall() {
    if (c_.stall <= 0.0) return false;
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < c_.stall;
  }

  void violation(const std::string& m) {
    st_.violations++;
    if (msgs_.size() < c_.max_messages)
      msgs_.push_back("cycle " + std::to_string(now_) + ": " + m);
  }

  static Req get_req(const Sig& id, const Sig& addr, const Sig& len, const Sig& size,
                     const Sig& burst) {
    Req r;
    r.id = id.bound() ? id.get() : 0;
    r.addr = addr.get();
    r.len = len.get() & 255;
    r.size = size.bound() ? size.get() & 7 : 0xff;
    r.burst = burst.bound() ? burst.get() & 3 : 1;
    return r;
  }

  // Checks a burst request; returns whether it is answered with SLVERR.
  bool check_req(const char* ch, Req& r) {
    unsigned full = 0;
    while ((1u << full) < c_.bus_bytes) full++;
    if (r.size == 0xff) r.size = full;
    char buf[160];
    if (r.size > full) {
      std::snprintf(buf, sizeof buf, "%s size %llu wider than the bus", ch, (unsigned long long)r.size);
      violation(buf);
      r.size = full;
    }
    uint64_t nb = 1ull << r.size;
    if (r.burst == 3) {
      violation(std::string(ch) + " burst type 3 (reserved)");
      r.burst = 1;
    }
    if (r.burst == 0 && r.len > 15) violation(std::string(ch) + " FIXED burst longer than 16");
    if (r.burst == 2 && ((r.len != 1 && r.len != 3 && r.len != 7 && r.len != 15) ||
                         (r.addr & (nb - 1)))) {
      violation(std::string(ch) + " WRAP burst with bad length or unaligned start");
      r.burst = 1;
    }
    if (r.burst == 1) {
      uint64_t last = (r.addr & ~(nb - 1)) + (r.len + 1) * nb - 1;
      if ((last >> 12) != (r.addr >> 12)) {
        std::snprintf(buf, sizeof buf, "%s INCR burst crosses 4 KB: addr 0x%llx len %llu size %llu", ch,
                      (unsigned long long)r.addr, (unsigned long long)r.len + 1,
                      (unsigned long long)nb);
        violation(buf);
      }
    }
    // Error window.
    for (uint64_t i = 0; i <= r.len; i++) {
      uint64_t lo, hi;
      lanes(r, i, lo, hi);
      uint64_t a0 = beat_addr(r, i) - (beat_addr(r, i) % c_.bus_bytes);
      if (a0 + hi >= c_.err_lo && a0 + lo <= c_.err_hi) return true;
    }
    return false;
  }

  // Address of beat i (AXI4 A3.4.1).
  uint64_t beat_addr(const Req& r, uint64_t i) const {
    uint64_t nb = 1ull << r.size;
    uint64_t aligned = r.addr & ~(nb - 1);
    if (r.burst == 0 || i == 0) return r.addr;
    if (r.burst == 2) {
      uint64_t tot = nb * (r.len + 1);
      uint64_t lower = r.addr & ~(tot - 1);
      return lower + ((r.addr - lower + i * nb) % tot);
    }
    return aligned + i * nb;
  }
  // Byte lanes [lo, hi] that beat i carries.
  void lanes(const Req& r, uint64_t i, uint64_t& lo, uint64_t& hi) const {
    uint64_t nb = 1ull << r.size;
    uint64_t a = beat_addr(r, i);
    uint64_t db = a - (a % c_.bus_bytes);
    lo = a - db;
    hi = (a & ~(nb - 1)) + nb - 1 - db;
  }

  // Chooses the next R beat: the oldest burst of each ID is a candidate once its
  // latency has passed.
  void pick_r() {
    long pick = -1;
    if (!c_.interleave && r_cur_ >= 0) {
      pick = r_cur_;
    } else {
      std::vector<size_t> cand;
      std::vector<uint64_t> seen;
      for (size_t i = 0; i < rd_.size(); i++) {
        bool first = true;
        for (uint64_t s : seen)
          if (s == rd_[i].id) { first = false; break; }
        if (!first) continue;
        seen.push_back(rd_[i].id);
        if (rd_[i].t <= now_) cand.push_back(i);
      }
      if (cand.empty()) return;
      size_t k = c_.reorder ? std::uniform_int_distribution<size_t>(0, cand.size() - 1)(rng_) : 0;
      pick = static_cast<long>(cand[k]);
    }
    r_idx_ = static_cast<size_t>(pick);
    RB& b = rd_[r_idx_];
    if (r_cur_ >= 0 && pick != r_cur_) st_.r_interleaved++;
    if (b.beat == 0 && r_idx_ != 0) st_.r_reordered++;
    uint64_t lo, hi;
    lanes(b, b.beat, lo, hi);
    uint64_t a = beat_addr(b, b.beat);
    uint64_t db = a - (a % c_.bus_bytes);
    std::fill(rbuf_.begin(), rbuf_.end(), 0);
    read(db + lo, rbuf_.data() + lo, hi - lo + 1);
    r_on_ = true;
  }

  void pick_b() {
    std::vector<size_t> cand;
    std::vector<uint64_t> seen;
    for (size_t i = 0; i < wr_.size(); i++) {
      bool first = true;
      for (uint64_t s : seen)
        if (s == wr_[i].id) { first = false; break; }
      if (!first) continue;
      seen.push_back(wr_[i].id);
      if (wr_[i].beat > wr_[i].len && wr_[i].t <= now_) cand.push_back(i);
    }
    if (cand.empty()) return;
    size_t k = c_.reorder ? std::uniform_int_distribution<size_t>(0, cand.size() - 1)(rng_) : 0;
    b_idx_ = cand[k];
    b_on_ = true;
  }

  void w_beat(bool wl) {
    WB* bp = nullptr;
    for (auto& b : wr_)
      if (b.beat <= b.len) { bp = &b; break; }
    WB& b = *bp;  // w_ready_ implies one
    st_.w_beats++;
    w_tokens_ -= c_.bus_bytes;
    if (wl != (b.beat == b.len)) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "WLAST %d on beat %llu of %llu", wl ? 1 : 0,
                    (unsigned long long)b.beat + 1, (unsigned long long)b.len + 1);
      violation(buf);
    }
    uint64_t lo, hi;
    lanes(b, b.beat, lo, hi);
    uint64_t a = beat_addr(b, b.beat);
    uint64_t db = a - (a % c_.bus_bytes);
    bool bad = false;
    for (uint64_t j = 0; j < c_.bus_bytes; j++) {
      if (!((strb_[j >> 3] >> (j & 7)) & 1)) continue;
      if (j < lo || j > hi) { bad = true; continue; }
      b.bytes++;
      st_.bytes_written++;
      if (!b.err) poke(db + j, wbuf_[j]);
    }
    if (bad) violation("WSTRB set outside the beat's byte lanes");
    b.beat++;
    if (b.beat > b.len) b.t = now_ + c_.b_latency;
  }
};

}  // namespace axi_mem
