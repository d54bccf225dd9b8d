// tb_wprefetch.cpp - Verilator harness of rtl/wprefetch.sv (the weight prefetcher)
// with a C++ model of the DMA read stream on one side and of the consumer (the
// matvec unit's weight stream) and the hint source (the sequencer) on the other.
//
// The expected values never come from the RTL:
// - Memory is a function of (address, DMA request): every word of device memory is
//   a hash of its address and of the serial number of the DMA request that reads
//   it, so a beat from any other request (a dropped hint, a stale beat, a beat of
//   the next hint) never looks right. Each consumer request is checked word by
//   word (a consumer word: CR bus beats, CR * BUS_BYTES bytes) against the bytes
//   of its own (addr, bytes) read by the DMA request that serves it, byte exact,
//   with the zero padding of the last word (past the request's end, also where
//   whole bus beats of it do not exist), and must get exactly
//   ceil(bytes / (CR * BUS_BYTES)) words.
// - Which DMA request serves it comes from a reference model of the hint queue
//   written from the specification (not from the RTL): hints queue in order, are
//   issued in order, one request each, whole size; a consumer request (evaluated
//   when no request is active and no flush) equal to the oldest hint not consumed
//   (bits 1:0 ignored) waits for it to be issued and is granted, any other one
//   drops everything and becomes the only entry (a hint of that same cycle
//   behind it); flush drops everything, accepts nothing.
// - Every cycle: hint_rdy_o, c_gnt_o, mrd_req_o (+ addr, bytes of the next entry
//   to issue) and idle_o (queue empty, no request active, no beat outstanding at
//   the DMA) equal the reference's; c_vld_o only while a request is active.
//
// Random phase (fixed seed): "programs" of 1 .. 12 consumer requests (0 bytes
// to 12,000 beats, 4-byte or beat aligned, anywhere in 64-bit space), hints
// running 0 .. 2 requests ahead, some missing, some wrong (one address bit or a
// few bytes off), some junk hints, junk in bits 1:0, requests made early (while
// the previous one is still delivering: must not be granted), idle waits (short,
// or long enough to fill the FIFO), flush between programs (or none: stale hints
// carry over), sometimes an abrupt flush in the middle; DMA latency 1 .. 80,
// random gaps, random grant stalls, random consumer rdy stalls. At least 12,000
// consumer requests. The first mismatch fails. When the hints run more than NQ
// ahead and nothing is left to consume them, the driver drops the hint after
// 16 cycles (a source that waits there hangs: see wprefetch.sv); counted.
// Directed: FIFO capacity (DEPTH + CR beats taken, then rdy low; all
// delivered), a fully prefetched request of min(4096, DEPTH) beats delivered at
// one word per cycle, four back-to-back hint-then-request streams of 4096 beats
// with the DMA at one beat per cycle (DMA bound: at most one lost cycle per
// boundary), the miss latency (figure; with the DMA at one beat per cycle
// the words of an unprefetched request leave every CR cycles: checked on 64 and
// 4096 beats), the misses that follow one missing hint when hints run one
// request ahead (figure), a 50 MB request (the vocabulary head), a request of
// 2^32 - 4 bytes (partly delivered, then flushed and drained; idle after).
//
// The build's BUS_BYTES and CR come from the model's port widths (mrd_data_i,
// c_data_o); DEPTH and NQ from -DTB_DEPTH / -DTB_NQ (default 8192, 4: the RTL
// defaults). One source serves every build:
// - `make build/rtl/tb_wprefetch`: CR 1, DEPTH 8192, NQ 4.
// - CR 2 (the lead's Makefile rule build/rtl/tb_wprefetch_cr2), exactly:
//   verilator -Wall -Irtl/include -y rtl rtl/lint_waivers.vlt rtl/rw_num_pkg.sv \
//     --cc --exe --build -j 2 -O3 --x-assign fast --x-initial fast -GCR=2 \
//     --top-module wprefetch --Mdir build/rtl/obj_wprefetch_cr2 \
//     -o $PWD/build/rtl/tb_wprefetch_cr2 -CFLAGS '-std=c++17 -O1' \
//     rtl/wprefetch.sv $PWD/sim/tb/tb_wprefetch.cpp
//   (the Makefile pattern rule's -CFLAGS/-LDFLAGS also work: nothing of them is
//   needed, the harness links no C model). -GCR=4: the same with _cr4.
// - Small FIFO (the full path on most requests), with the RTL assertions on
//   (any CR: add -GCR=N, e.g. _d64_cr2):
//   verilator -Wall -Irtl/include -y rtl rtl/lint_waivers.vlt rtl/rw_num_pkg.sv \
//     --cc --exe --build -j 2 -O3 --x-assign fast --x-initial fast --assert \
//     -GDEPTH=64 -GNQ=2 -CFLAGS '-O1 -DTB_DEPTH=64 -DTB_NQ=2' --top-module wprefetch \
//     --Mdir build/rtl/obj_wprefetch_d64 -o $PWD/build/rtl/tb_wprefetch_d64 \
//     rtl/wprefetch.sv $PWD/sim/tb/tb_wprefetch.cpp
// (the capacity test checks that DEPTH and TB_DEPTH agree).
#include "Vwprefetch.h"
#include "verilated.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#ifndef TB_DEPTH
#define TB_DEPTH 8192
#endif
#ifndef TB_NQ
#define TB_NQ 4
#endif
// BUS_BYTES and CR as built, from the port widths (a port wider than 64 bits is a
// VlWide of 32-bit words; BUS_BYTES >= 16 here).
static const unsigned BB = sizeof(((Vwprefetch *)nullptr)->mrd_data_i);
static const unsigned CR = sizeof(((Vwprefetch *)nullptr)->c_data_o) / BB;
static const unsigned CW = CR * BB;       // bytes of a consumer word
static const unsigned WORDS = BB / 4;     // 32-bit words of a bus beat
static const unsigned CWORDS = CW / 4;    // 32-bit words of a consumer word
static_assert(BB >= 16 && (BB & (BB - 1)) == 0, "BUS_BYTES: a power of 2, >= 16 for this harness");
static_assert(CR >= 1 && (CR & (CR - 1)) == 0 && CW == sizeof(((Vwprefetch *)nullptr)->c_data_o),
              "c_data_o: CR bus beats, CR a power of 2");
static const uint64_t DEPTH = TB_DEPTH;
static const size_t NQ = TB_NQ;
static const uint64_t SEED = 0x77f3e7c4a11dULL;
static const unsigned DMA_QMAX = 4;   // requests the DMA model queues (like dma_rd's RQ_DEPTH)

static uint64_t rng_state = SEED;
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static uint64_t rnd64() { return mix64(rng_state += 0x9e3779b97f4a7c15ULL); }
static uint64_t rnd(uint64_t n) { return n ? rnd64() % n : 0; }
static double rndf() { return (double)(rnd64() >> 11) * (1.0 / 9007199254740992.0); }
static bool chance(double p) { return p > 0 && (p >= 1.0 || rndf() < p); }

static int n_ok = 0, n_fail = 0;
static void result(bool ok, const std::string &name, const std::string &what)
{
    printf(ok ? "ok %s (%s)\n" : "FAIL %s: %s\n", name.c_str(), what.c_str());
    (ok ? n_ok : n_fail)++;
}

// ---------------------------------------------------------------- memory model

static uint64_t beats_of(uint32_t bytes) { return ((uint64_t)(bytes & ~3u) + BB - 1) / BB; }
static uint64_t words_of(uint32_t bytes) { return ((uint64_t)(bytes & ~3u) + CW - 1) / CW; }
static uint32_t mem_word(uint64_t addr, uint64_t id)
{
    return (uint32_t)mix64((addr >> 2) ^ (id * 0xd1b54a32d192ed03ULL) ^ 0x5851f42d4c957f2dULL);
}
// Bytes [b * unit, (b + 1) * unit) of the stream (addr, bytes) as read by DMA
// request id, zero past its end, as unit / 4 32-bit words: unit BB is the DMA's
// beat b, unit CW the consumer's word b.
static void stream_words(uint64_t addr, uint32_t bytes, uint64_t id, uint64_t b, unsigned unit, uint32_t *w)
{
    addr &= ~3ULL;
    bytes &= ~3u;
    for (unsigned i = 0; i < unit / 4; i++) {
        uint64_t off = b * unit + 4 * i;
        w[i] = off < bytes ? mem_word(addr + off, id) : 0;
    }
}

// ---------------------------------------------------------------- harness state

struct Req {
    uint64_t addr;
    uint32_t bytes;
};
static bool same(uint64_t a0, uint32_t b0, uint64_t a1, uint32_t b1)
{
    return (a0 & ~3ULL) == (a1 & ~3ULL) && (b0 & ~3u) == (b1 & ~3u);
}

struct DReq {
    uint64_t addr;
    uint32_t bytes;
    uint64_t beats, id, t_ready;
};
struct Dma {
    std::deque<DReq> q;
    uint64_t idx = 0, next_id = 1, outstanding = 0;
    bool held = false, gnt = false, vld = false;
    unsigned lat_min = 1, lat_max = 1;
    double gap_p = 0, stall_p = 0;
    uint64_t n_req = 0, n_beats = 0, t_last_beat = 0;
};

struct QEnt {
    uint64_t addr;
    uint32_t bytes;
    bool issued;
    uint64_t id;
};

struct Rec {        // one granted consumer request
    uint64_t words, t_req, t_gnt, t_first, t_last;
    bool hit;
};

struct Cons {
    bool pend = false, early = false, missed = false;  // a request handed over, not granted
    Req r{};
    uint64_t t_req = 0;
    bool active = false;
    Req a{};
    uint64_t a_words = 0, a_idx = 0, a_id = 0;   // consumer words of the active request
    double stall_p = 0;
    bool req = false, rdy = false;
    std::vector<Rec> recs;
    uint64_t n_req = 0, n_hit = 0, n_miss = 0, n_words = 0, n_beats = 0, n_abandon = 0, n_zero = 0;
};

enum EvType { EV_H, EV_R, EV_W, EV_WD, EV_WC, EV_F, EV_FX, EV_WS };
struct Event {
    EvType t;
    Req r;
    uint64_t n;
    bool early;
};
static Event ev_h(Req r) { return Event{EV_H, r, 0, false}; }
static Event ev_r(Req r, bool early) { return Event{EV_R, r, 0, early}; }
static Event ev(EvType t, uint64_t n = 0) { return Event{t, Req{0, 0}, n, false}; }

static Vwprefetch *top;
static uint64_t cyc = 0, last_progress = 0;
static Dma dma;
static Cons con;
static std::deque<QEnt> refq;
static uint64_t n_mismatch = 0, n_flush = 0, n_flush_ep = 0, n_idle_after_flush = 0, n_hints = 0, n_hint_skip = 0, n_full = 0;
static bool flush_seen = false;

static void die(const char *what)
{
    printf("FAIL %s at cycle %" PRIu64 "\n", what, cyc);
    printf("# state: queue %zu, consumer pend %d active %d (word %" PRIu64 " of %" PRIu64 "), DMA queue %zu, "
           "beats due %" PRIu64 ", hint_vld %d hint_rdy %d mrd_rdy %d c_vld %d\n",
           refq.size(), con.pend, con.active, con.a_idx, con.a_words, dma.q.size(), dma.outstanding,
           top->hint_vld_i, top->hint_rdy_o, top->mrd_rdy_o, top->c_vld_o);
    printf("%d passed, %d failed\n", n_ok, n_fail + 1);
    top->final();
    exit(1);
}

static void reset()
{
    top->rst_ni = 0;
    top->hint_vld_i = 0;
    top->flush_i = 0;
    top->mrd_gnt_i = 0;
    top->mrd_vld_i = 0;
    top->c_req_i = 0;
    top->c_rdy_i = 0;
    for (int i = 0; i < 4; i++) {
        top->clk_i = 0;
        top->eval();
        top->clk_i = 1;
        top->eval();
    }
    top->clk_i = 0;
    top->rst_ni = 1;
    top->eval();
}

// ---------------------------------------------------------------- one cycle

// Runs the event list to its end; returns the cycles it took.
static uint64_t run(const std::vector<Event> &evs)
{
    size_t ei = 0;
    uint64_t c0 = cyc, ev_t0 = cyc, stable = 0;
    last_progress = cyc;
    while (ei < evs.size()) {
        const Event &e = evs[ei];
        bool adv = false;
        bool cons_done = !con.pend && !con.active;

        // ---- inputs (from harness state only)
        bool hint_vld = e.t == EV_H;
        top->hint_vld_i = hint_vld;
        top->hint_addr_i = hint_vld ? e.r.addr : rnd64();
        top->hint_bytes_i = hint_vld ? e.r.bytes : (uint32_t)rnd64();
        bool flush = e.t == EV_FX || (e.t == EV_F && cons_done);
        top->flush_i = flush;

        dma.gnt = dma.q.size() < DMA_QMAX && !chance(dma.stall_p);
        top->mrd_gnt_i = dma.gnt;
        dma.vld = !dma.q.empty() && cyc >= dma.q.front().t_ready && (dma.held || !chance(dma.gap_p));
        top->mrd_vld_i = dma.vld;
        {
            uint32_t w[WORDS];
            if (dma.vld) stream_words(dma.q.front().addr, dma.q.front().bytes, dma.q.front().id, dma.idx, BB, w);
            else for (unsigned i = 0; i < WORDS; i++) w[i] = (uint32_t)rnd64();
            for (unsigned i = 0; i < WORDS; i++) top->mrd_data_i[i] = w[i];
        }

        con.req = con.pend && (!con.active || con.early);
        con.rdy = !chance(con.stall_p);
        top->c_req_i = con.req;
        top->c_rdy_i = con.rdy;
        // Outside a request the address lines carry junk (gnt may follow them, harmlessly).
        uint64_t c_addr = con.req ? con.r.addr : rnd64();
        uint32_t c_bytes = con.req ? con.r.bytes : (uint32_t)rnd64();
        top->c_addr_i = c_addr;
        top->c_bytes_i = c_bytes;

        top->eval();

        // ---- checks against the reference (state before this edge)
        size_t nu = 0;
        while (nu < refq.size() && refq[nu].issued) nu++;
        bool unissued = nu < refq.size();
        bool head_match = !refq.empty() && same(refq[0].addr, refq[0].bytes, c_addr, c_bytes);
        bool gnt_exp = !flush && !con.active && !refq.empty() && refq[0].issued && head_match;
        bool miss = con.req && !flush && !con.active && !head_match;
        bool idle_exp = refq.empty() && !con.active && dma.outstanding == 0;
        char buf[256];
        if (top->hint_rdy_o != (!flush && refq.size() < NQ)) {
            snprintf(buf, sizeof buf, "hint_rdy_o %d, expected %d (queue %zu, flush %d)", top->hint_rdy_o,
                     !top->hint_rdy_o, refq.size(), flush);
            die(buf);
        }
        if (top->c_gnt_o != gnt_exp) {
            snprintf(buf, sizeof buf, "c_gnt_o %d, expected %d (active %d, queue %zu, head issued %d, match %d)",
                     top->c_gnt_o, gnt_exp, con.active, refq.size(), !refq.empty() && refq[0].issued,
                     head_match);
            die(buf);
        }
        if (top->mrd_req_o != unissued) {
            snprintf(buf, sizeof buf, "mrd_req_o %d, expected %d", top->mrd_req_o, unissued);
            die(buf);
        }
        if (unissued && !same(top->mrd_addr_o, top->mrd_bytes_o, refq[nu].addr, refq[nu].bytes)) {
            snprintf(buf, sizeof buf, "DMA request (%#" PRIx64 ", %u), expected hint (%#" PRIx64 ", %u)",
                     (uint64_t)top->mrd_addr_o, top->mrd_bytes_o, refq[nu].addr & ~3ULL,
                     refq[nu].bytes & ~3u);
            die(buf);
        }
        if (top->idle_o != idle_exp) {
            snprintf(buf, sizeof buf, "idle_o %d, expected %d (queue %zu, active %d, DMA beats due %" PRIu64 ")",
                     top->idle_o, idle_exp, refq.size(), con.active, dma.outstanding);
            die(buf);
        }
        if (top->c_vld_o && !con.active) die("c_vld_o without an active request");
        if (flush_seen && top->idle_o) {
            n_idle_after_flush++;
            flush_seen = false;
        }

        // ---- handshakes
        bool hint_push = hint_vld && top->hint_rdy_o;
        bool beat_in = dma.vld && top->mrd_rdy_o;
        bool issue = top->mrd_req_o && dma.gnt;
        bool take = con.req && top->c_gnt_o;
        bool pop = top->c_vld_o && con.rdy;
        n_full += dma.vld && !top->mrd_rdy_o;
        if (hint_push || beat_in || issue || take || pop || flush) last_progress = cyc;

        // DMA model
        if (beat_in) {
            dma.idx++;
            dma.outstanding--;
            dma.n_beats++;
            dma.held = false;
            dma.t_last_beat = cyc;
            if (dma.idx == dma.q.front().beats) {
                dma.q.pop_front();
                dma.idx = 0;
            }
        } else if (dma.vld) {
            dma.held = true;
        }
        if (issue) {
            DReq d{(uint64_t)top->mrd_addr_o & ~3ULL, top->mrd_bytes_o & ~3u, beats_of(top->mrd_bytes_o),
                   dma.next_id++, 0};
            d.t_ready = cyc + 1 + dma.lat_min + rnd(dma.lat_max - dma.lat_min + 1);
            if (d.beats) dma.q.push_back(d);
            dma.outstanding += d.beats;
            dma.n_req++;
            refq[nu].issued = true;
            refq[nu].id = d.id;
        }

        // consumer word (every bit of it, the zero padding too)
        if (pop) {
            uint32_t w[CWORDS];
            stream_words(con.a.addr, con.a.bytes, con.a_id, con.a_idx, CW, w);
            for (unsigned i = 0; i < CWORDS; i++) {
                if (top->c_data_o[i] != w[i]) {
                    n_mismatch++;
                    snprintf(buf, sizeof buf,
                             "data: request (%#" PRIx64 ", %u) consumer word %" PRIu64 " of %" PRIu64
                             " (CR %u), 32-bit word %u: %08x, expected %08x",
                             con.a.addr, con.a.bytes, con.a_idx, con.a_words, CR, i, top->c_data_o[i], w[i]);
                    die(buf);
                }
            }
            Rec &rc = con.recs.back();
            if (con.a_idx == 0) rc.t_first = cyc;
            rc.t_last = cyc;
            uint64_t nb = beats_of(con.a.bytes) - con.a_idx * CR;   // bus beats this word holds
            con.n_beats += nb < CR ? nb : CR;
            con.a_idx++;
            con.n_words++;
            if (con.a_idx == con.a_words) con.active = false;
        }

        // reference queue
        if (flush) {
            refq.clear();
            if (con.active) con.n_abandon++;
            con.active = false;
            n_flush++;
            n_flush_ep += !flush_seen;
            flush_seen = true;
            adv = true;
        } else {
            if (miss) {
                refq.clear();
                refq.push_back(QEnt{con.r.addr, con.r.bytes, false, 0});
                con.missed = true;
            } else if (take) {
                QEnt h = refq.front();
                refq.pop_front();
                con.pend = false;
                con.a = con.r;
                con.a_words = words_of(con.r.bytes);
                con.a_idx = 0;
                con.a_id = h.id;
                con.active = con.a_words != 0;
                con.n_req++;
                con.n_zero += con.a_words == 0;
                (con.missed ? con.n_miss : con.n_hit)++;
                con.recs.push_back(Rec{con.a_words, con.t_req, cyc, 0, 0, !con.missed});
            }
            if (hint_push) {
                refq.push_back(QEnt{e.r.addr, e.r.bytes, false, 0});
                n_hints++;
                adv = true;
            }
        }

        // driver
        switch (e.t) {
        case EV_H:
            // More hints ahead than the queue holds, and nothing left to consume
            // them: a sequencer that waits would hang here; this one drops the hint.
            stable = (!hint_push && cons_done) ? stable + 1 : 0;
            if (stable >= 16) {
                adv = true;
                n_hint_skip++;
            }
            break;
        case EV_R:
            if (!con.pend) {
                con.pend = true;
                con.early = e.early;
                con.missed = false;
                con.r = e.r;
                con.t_req = cyc + 1;
                adv = true;
            }
            break;
        case EV_W:
            adv = cyc + 1 - ev_t0 >= e.n;
            break;
        case EV_WD:
            adv = dma.outstanding == 0 && cyc - dma.t_last_beat >= e.n;
            break;
        case EV_WC:
            adv = !con.pend && !con.active;
            break;
        case EV_WS:
            stable = beat_in ? 0 : stable + 1;
            adv = stable >= e.n;
            break;
        default:
            break;
        }

        // ---- clock edge
        top->clk_i = 1;
        top->eval();
        top->clk_i = 0;
        cyc++;
        if (adv) {
            ei++;
            ev_t0 = cyc;
            stable = 0;
        }
        if (e.t != EV_W && e.t != EV_WS && e.t != EV_WD && cyc - last_progress > 100000) die("no progress for 100000 cycles");
    }
    return cyc - c0;
}

// ---------------------------------------------------------------- random programs

static uint64_t rand_addr()
{
    uint64_t a;
    switch (rnd(4)) {
    case 0: a = rnd64() & 0x7ffffffffffffffcULL; break;       // anywhere
    case 1: a = 0xffff0000ULL + rnd(1u << 20) * 4; break;    // across the 4 GB line
    default: a = 0x40000000ULL + rnd(1u << 24) * 4; break;   // a weight image
    }
    if (chance(0.5)) a &= ~(uint64_t)(BB - 1);
    return a;
}
static uint32_t rand_bytes()
{
    uint64_t beats;
    double p = rndf();
    if (p < 0.02) return 0;
    if (p < 0.22) beats = 1 + rnd(4);
    else if (p < 0.70) beats = 1 + rnd(64);
    else if (p < 0.97) beats = 1 + rnd(1024);
    else beats = 1024 + rnd(11000);
    return (uint32_t)(beats * BB - 4 * rnd(WORDS));
}
static Req junk_bits(Req r)
{
    if (chance(0.15)) r.addr |= rnd(4);
    if (chance(0.15)) r.bytes |= (uint32_t)rnd(4);
    return r;
}
static Req wrong(Req r)
{
    if (chance(0.5)) r.addr ^= 4ULL << rnd(61);
    else r.bytes ^= 4u << rnd(16);   // at most 256 KB more: a dropped stream drains quickly
    return r;
}

struct Mode {
    unsigned lat_min, lat_max;
    double gap_p, stall_p, con_stall_p;
};
static void set_mode(const Mode &m)
{
    dma.lat_min = m.lat_min;
    dma.lat_max = m.lat_max;
    dma.gap_p = m.gap_p;
    dma.stall_p = m.stall_p;
    con.stall_p = m.con_stall_p;
}

static std::vector<Event> random_program()
{
    std::vector<Event> evs;
    size_t k = 1 + rnd(12);
    unsigned lead = (unsigned)rnd(3);
    double p_hint = chance(0.05) ? 0.0 : 0.95;
    std::vector<Req> reqs(k);
    for (auto &r : reqs) r = Req{rand_addr(), rand_bytes()};
    size_t nexth = 0;
    for (size_t i = 0; i < k; i++) {
        while (nexth < k && nexth <= i + lead) {
            if (chance(0.02)) evs.push_back(ev_h(junk_bits(Req{rand_addr(), rand_bytes()})));
            if (chance(p_hint)) {
                Req h = chance(0.03) ? wrong(reqs[nexth]) : reqs[nexth];
                evs.push_back(ev_h(junk_bits(h)));
            }
            nexth++;
        }
        double w = rndf();
        if (w < 0.5) evs.push_back(ev(EV_W, rnd(20)));
        else if (w < 0.6) evs.push_back(ev(EV_W, 500 + rnd(3000)));
        evs.push_back(ev_r(junk_bits(reqs[i]), chance(0.3)));
    }
    if (chance(0.03)) evs.insert(evs.begin() + (long)rnd(evs.size() + 1), ev(EV_FX));
    double f = rndf();
    if (f < 0.5) {
        evs.push_back(ev(EV_WC));
        evs.push_back(ev(EV_F));
        if (chance(0.5)) evs.push_back(ev(EV_WD, 1 + rnd(3)));   // let idle_o rise
        else if (chance(0.3)) evs.push_back(ev(EV_W, rnd(200)));
    }
    return evs;
}

// ---------------------------------------------------------------- main

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    top = new Vwprefetch;
    printf("# tb_wprefetch: seed 0x%" PRIx64 ", BUS_BYTES %u, CR %u (consumer word %u bytes), DEPTH %" PRIu64
           ", NQ %zu\n", SEED, BB, CR, CW, DEPTH, NQ);
    reset();
    char buf[1024];

    // ------------------------------------------------------------ capacity
    {
        set_mode(Mode{1, 1, 0, 0, 0});
        Req a{0x1234560000ULL, (uint32_t)((DEPTH + 100) * BB - 12)};
        uint64_t b0 = dma.n_beats;
        run({ev(EV_FX), ev(EV_WD, 2), ev_h(a), ev(EV_WS, 200)});
        uint64_t taken = dma.n_beats - b0;
        bool rdy_low = !top->mrd_rdy_o;
        uint64_t r0 = con.n_req;
        uint64_t w0 = con.n_words;
        run({ev_r(a, false), ev(EV_WC), ev(EV_W, 5)});
        bool ok = taken == DEPTH + CR && rdy_low && con.n_req == r0 + 1 && con.n_words - w0 == words_of(a.bytes) &&
                  top->idle_o;
        snprintf(buf, sizeof buf, "%" PRIu64 " beats taken before rdy low (DEPTH %" PRIu64 " + CR %u: the RAM and "
                 "the output register), then all %" PRIu64 " words delivered, idle", taken, DEPTH, CR,
                 words_of(a.bytes));
        result(ok, "capacity", buf);
    }

    // ------------------------------------------------------------ random programs
    {
        const Mode modes[] = {
            {1, 80, 0.1, 0.1, 0.1}, {1, 5, 0.0, 0.0, 0.0}, {20, 80, 0.5, 0.3, 0.5},
            {1, 30, 0.2, 0.0, 0.3}, {60, 80, 0.0, 0.5, 0.0}, {1, 1, 0.0, 0.0, 0.7},
        };
        uint64_t r0 = con.n_req, b0 = con.n_beats, w0 = con.n_words, c0 = cyc, programs = 0;
        while (con.n_req - r0 < 12000) {
            set_mode(modes[rnd(sizeof modes / sizeof modes[0])]);
            run(random_program());
            programs++;
        }
        // Quiet end: flush, wait for the drain, idle.
        run({ev(EV_WC), ev(EV_F), ev(EV_WD, 2), ev(EV_W, 2)});
        bool ok = n_mismatch == 0 && top->idle_o;
        snprintf(buf, sizeof buf,
                 "%" PRIu64 " consumer requests (%" PRIu64 " prefetched, %" PRIu64 " missed, %" PRIu64
                 " zero-byte) in %" PRIu64 " programs, %" PRIu64 " words (%" PRIu64 " beats), %" PRIu64
                 " hints, %" PRIu64
                 " flushes (%" PRIu64 " abandoned requests), %" PRIu64 " hints dropped by the driver (queue full, "
                 "nothing to consume them), %" PRIu64 " DMA requests, %" PRIu64
                 " cycles, %" PRIu64 " mismatches",
                 con.n_req - r0, con.n_hit, con.n_miss, con.n_zero, programs, con.n_words - w0, con.n_beats - b0,
                 n_hints, n_flush,
                 con.n_abandon, n_hint_skip, dma.n_req, cyc - c0, n_mismatch);
        result(ok, "random", buf);
        printf("# random: %" PRIu64 " cycles with a DMA beat waiting on a full FIFO, %" PRIu64
               " DMA beats dropped (flushes and misses)\n", n_full, dma.n_beats - con.n_beats);
        snprintf(buf, sizeof buf, "idle_o == (no hint, no active request, no beat due at the DMA) every cycle; "
                 "it rose after %" PRIu64 " of %" PRIu64 " flush episodes (%" PRIu64 " flush cycles; an episode "
                 "followed at once by hints need not reach idle)", n_idle_after_flush, n_flush_ep, n_flush);
        result(n_idle_after_flush * 3 >= n_flush_ep && n_flush_ep > 100, "idle-after-flush", buf);
    }

    // ------------------------------------------------------------ prefetched request: one beat per cycle
    {
        set_mode(Mode{20, 20, 0, 0, 0});
        uint64_t n = DEPTH < 4096 ? DEPTH : 4096;
        Req a{0x2000000040ULL, (uint32_t)(n * BB)};
        run({ev(EV_FX), ev(EV_WD, 2), ev_h(a), ev(EV_WD, 10), ev_r(a, false), ev(EV_WC)});
        const Rec &r = con.recs.back();
        uint64_t span = r.t_last - r.t_first + 1;
        bool ok = r.hit && r.words == n / CR && span == n / CR && r.t_first - r.t_gnt <= 1;
        snprintf(buf, sizeof buf, "%" PRIu64 " buffered beats (%" PRIu64 " words) delivered in %" PRIu64
                 " cycles (first word %" PRIu64 " cycle after the grant, grant %" PRIu64 " after the request)",
                 n, r.words, span, r.t_first - r.t_gnt, r.t_gnt - r.t_req);
        result(ok, "prefetched-rate", buf);
    }

    // ------------------------------------------------------------ back-to-back streams at one beat per cycle
    {
        set_mode(Mode{30, 30, 0, 0, 0});
        const uint64_t n = 4096;
        std::vector<Event> evs{ev(EV_FX), ev(EV_WD, 2)};
        for (int i = 0; i < 4; i++) {
            Req a{0x3000000000ULL + (uint64_t)i * 0x1000000 + 4 * i, (uint32_t)(n * BB - 8 * i)};
            evs.push_back(ev_h(a));
            evs.push_back(ev_r(a, true));
        }
        evs.push_back(ev(EV_WC));
        size_t k = con.recs.size();
        run(evs);
        const Rec &f = con.recs[k], &l = con.recs.back();
        uint64_t span = l.t_last - f.t_first + 1;
        bool hits = true;
        for (size_t i = k; i < con.recs.size(); i++) hits = hits && con.recs[i].hit;
        bool ok = hits && con.recs.size() == k + 4 && span <= 4 * n + 3;
        snprintf(buf, sizeof buf, "4 x %" PRIu64 " beats (%" PRIu64 " words), hint then request each, DMA 1 beat/cycle "
                 "at latency 30: %" PRIu64 " cycles first to last word (%.5f cycles/beat, %.5f cycles/word; at most "
                 "1 lost cycle per boundary)",
                 n, n / CR, span, (double)span / (4 * n), (double)span / (4 * n / CR));
        result(ok, "streaming-rate", buf);
    }

    // ------------------------------------------------------------ miss latency (figure)
    {
        set_mode(Mode{30, 30, 0, 0, 0});
        Req a{0x5000000000ULL, 64 * BB};
        run({ev(EV_FX), ev(EV_WD, 2), ev_r(a, false), ev(EV_WC)});
        const Rec &r = con.recs.back();
        uint64_t span = r.t_last - r.t_first + 1;
        // DMA at one beat per cycle: a word every CR cycles, the first with beat CR.
        snprintf(buf, sizeof buf, "no hint, DMA latency 30: request to first word %" PRIu64 " cycles, 64 beats (%" PRIu64
                 " words) in %" PRIu64 " cycles first to last word", r.t_first - r.t_req, r.words, span);
        result(!r.hit && r.words == 64 / CR && span == 64 - CR + 1, "miss-latency", buf);
    }

    // ------------------------------------------------------------ nothing prefetched: the DMA's rate
    {
        set_mode(Mode{30, 30, 0, 0, 0});
        const uint64_t n = 4096;
        Req a{0x5100000000ULL, (uint32_t)(n * BB)};
        run({ev(EV_FX), ev(EV_WD, 2), ev_r(a, false), ev(EV_WC)});
        const Rec &r = con.recs.back();
        uint64_t span = r.t_last - r.t_first + 1;
        snprintf(buf, sizeof buf, "no hint, DMA 1 beat/cycle: %" PRIu64 " beats (%" PRIu64 " words) in %" PRIu64
                 " cycles first to last word (%.4f cycles/word, %u expected)", n, r.words, span,
                 (double)span / (double)r.words, CR);
        result(!r.hit && r.words == n / CR && span == n - CR + 1, "unprefetched-rate", buf);
    }

    // ------------------------------------------------------------ a missing hint among hints 1 ahead (figure)
    {
        // The specified miss policy drops every hint: with hints running ahead,
        // the hints of the following requests go too, and each following request
        // misses in turn (it drops the hint pushed for the one after it).
        set_mode(Mode{30, 30, 0, 0, 0});
        const int k = 8;
        std::vector<Req> rq;
        for (int i = 0; i < k; i++) rq.push_back(Req{0x4000000000ULL + (uint64_t)i * 0x100000, 256 * BB});
        std::vector<Event> evs{ev(EV_FX), ev(EV_WD, 2), ev_h(rq[0])};
        for (int i = 0; i < k; i++) {
            if (i + 1 < k && i + 1 != 3) evs.push_back(ev_h(rq[i + 1]));
            evs.push_back(ev(EV_W, 300));
            evs.push_back(ev_r(rq[i], false));
            evs.push_back(ev(EV_WC));
        }
        size_t r0 = con.recs.size();
        run(evs);
        std::string s;
        int misses = 0;
        for (size_t i = r0; i < con.recs.size(); i++) {
            s += con.recs[i].hit ? "h" : "M";
            misses += !con.recs[i].hit;
        }
        snprintf(buf, sizeof buf, "8 requests, each hint pushed one request ahead, the hint of request 3 missing: "
                 "%d misses (%s)", misses, s.c_str());
        result(con.recs.size() == r0 + k, "miss-cascade", buf);
    }

    // ------------------------------------------------------------ 50 MB (the vocabulary head)
    {
        set_mode(Mode{40, 40, 0, 0, 0.05});
        Req a{0x6000000000ULL, 50u << 20};
        Req b{0x6100000000ULL, 4096};
        run({ev(EV_FX), ev(EV_WD, 2), ev_h(a), ev(EV_W, 5000), ev_h(b), ev_r(a, false), ev_r(b, true), ev(EV_WC)});
        const Rec &ra = con.recs[con.recs.size() - 2], &rb = con.recs.back();
        bool ok = ra.hit && rb.hit && ra.words == (50u << 20) / CW && rb.words == 4096 / CW && n_mismatch == 0;
        snprintf(buf, sizeof buf, "%" PRIu64 " words then a %" PRIu64 "-word request, both prefetched, %" PRIu64 " cycles",
                 ra.words, rb.words, rb.t_last - ra.t_gnt);
        result(ok, "50MB", buf);
    }

    // ------------------------------------------------------------ 2^32 - 4 bytes: counters; flush and drain
    {
        set_mode(Mode{10, 10, 0, 0, 0});
        Req a{0x7000000000ULL, 0xfffffffcu};
        uint64_t w0 = con.n_words, ab0 = con.n_abandon;
        run({ev(EV_FX), ev(EV_WD, 2), ev_h(a), ev_r(a, false), ev(EV_W, 100000), ev(EV_FX)});
        uint64_t got = con.n_words - w0;
        bool active_then = con.n_abandon == ab0 + 1;
        uint64_t c0 = cyc;
        run({ev(EV_WD, 1), ev(EV_W, 2)});
        bool ok = con.recs.back().words == (1ULL << 26) / CR && got * CR > 99000 && top->idle_o && active_then;
        snprintf(buf, sizeof buf, "request of %" PRIu64 " words (2^26 beats): %" PRIu64 " delivered, flushed, at most %"
                 PRIu64 " beats drained in %" PRIu64 " cycles, idle",
                 con.recs.back().words, got, (1ULL << 26) - got * CR, cyc - c0);
        result(ok, "4GB-request", buf);
    }

    printf("%d passed, %d failed\n", n_ok, n_fail);
    top->final();
    delete top;
    return n_fail ? 1 : 0;
}
