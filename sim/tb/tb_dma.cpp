// tb_dma.cpp - Verilator harness of rtl/dma.sv (default parameters: 4 read and 2
// write streams, BUS_BYTES 64, MAX_BURSTS 8, bursts of 16 beats) against the AXI4
// memory model sim/tb/axi_mem.h.
//
// The expected values never come from the RTL: read data is compared with the
// memory model's bytes (backdoor) at the request's address, the padding of the
// last beat with zeros; written bytes are compared with an independent shadow of
// the write areas kept by this harness from the requests it made; every touched
// memory page outside the write areas must still hold its initial content.
//
// Random phases (fixed seed): requests on all streams at once with random 4-byte
// alignment (some beat-aligned, some just below a 4 KB boundary), lengths from 0
// and 4 bytes up to 64 KB (log-uniform, plus small and whole-beat ones), random
// gaps, random stream back-pressure (rdy/vld low) and random memory stalls,
// latencies 1 .. 100, bandwidth 64 and 32 bytes/cycle, read data reordered and
// interleaved between IDs. The read area spans the 4 GB line (bit 32 carries),
// the write areas are above 2^40. After the writes, their areas are read back
// through the DMA. Checks: every delivered byte and the beat count of every
// request, every written byte when its done pulses (bytes not rewritten by a
// later request), and that the model's B responses for the stream cover the
// request's bytes by then, one done per request in order, the whole write areas
// at the end, untouched memory, AXI rule violations = 0, no error pulses.
// Then error responses (SLVERR) reach mrd_err / mwr_err, and throughput:
// a 1 MB read at latency 100 and BUS_BYTES per cycle (cycles per beat, must be
// <= 1.02), unaligned, two streams together (total and fairness), all streams
// together, half the bandwidth (<= 2.02), a 1 MB write, a read and a write
// together; each also fails on wrong data. Then figures (no pass/fail): cycles per
// beat against the latency, and the rate of back-to-back small requests.
#include "Vdma.h"
#include "verilated.h"

#include "axi_mem.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

static const uint64_t SEED = 0xd3a5eed5ULL;
// The DMA's parameters as built (the Makefile builds the defaults; a variant can
// be built with verilator -GBUS_BYTES=.. -GN_RD=.. -GN_WR=.. and these -D's).
#ifndef TB_BB
#define TB_BB 64
#endif
#ifndef TB_N_RD
#define TB_N_RD 4
#endif
#ifndef TB_N_WR
#define TB_N_WR 2
#endif
static const unsigned BB = TB_BB;    // BUS_BYTES
static const unsigned N_RD = TB_N_RD, N_WR = TB_N_WR;
static_assert(N_RD >= 2 && N_WR >= 1, "the error and fairness tests use two read streams");
static const uint64_t RD_BASE = 0xFFE00000ULL;        // 4 MB across 2^32
static const uint64_t RD_SIZE = 4ULL << 20;
static const uint64_t WR_BASE = 0x0000012340000000ULL; // write area s at + s * WR_SIZE
static const uint64_t WR_SIZE = 2ULL << 20;
static const uint32_t MAX_LEN = 65536;

static uint64_t rng_state = SEED;
static uint64_t rnd64()
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static uint64_t rnd(uint64_t n) { return n ? rnd64() % n : 0; }
static double rndf() { return (double)(rnd64() >> 11) * (1.0 / 9007199254740992.0); }
static bool chance(double p) { return p >= 1.0 || rndf() < p; }

template <class T>
static uint8_t *bytes_of(T &sig) { return reinterpret_cast<uint8_t *>(&sig); }

static int n_ok = 0, n_fail = 0;
static void result(bool ok, const std::string &name, const std::string &what)
{
    if (ok) {
        printf("ok %s (%s)\n", name.c_str(), what.c_str());
        n_ok++;
    } else {
        printf("FAIL %s: %s\n", name.c_str(), what.c_str());
        n_fail++;
    }
}

struct RdReq {
    uint64_t addr;
    uint32_t bytes;
};

struct WrReq {
    uint64_t addr;
    uint32_t bytes;
    uint32_t serial;
    uint64_t cum;               // bytes of this stream's requests up to this one
    std::vector<uint8_t> data;  // whole beats; bytes past `bytes` are garbage
};

struct RdStream {
    std::deque<RdReq> todo;
    bool req_on = false;
    RdReq cur{};
    std::deque<RdReq> expect;   // granted, beats due
    uint64_t beat = 0;          // beats received of expect.front()
    uint64_t t_last = 0, beats = 0;
    int gap = 0;
};

struct WrStream {
    std::deque<std::shared_ptr<WrReq>> todo, sending, pend;
    bool req_on = false, vld_on = false;
    std::shared_ptr<WrReq> cur;
    uint64_t beat = 0;          // beats sent of sending.front()
    uint64_t cum = 0;
    uint64_t t_done = 0;
    int gap = 0;
};

struct Phase {
    double rdy_p = 1.0, vld_p = 1.0;
    int max_gap = 0;
};

struct Tb {
    Vdma *top = nullptr;
    std::unique_ptr<axi_mem::AxiMem> mem;
    axi_mem::Port port;
    uint64_t cyc = 0, last_progress = 0;
    RdStream rd[N_RD];
    WrStream wr[N_WR];
    Phase ph;
    std::vector<uint8_t> shadow[N_WR];
    std::vector<uint32_t> owner[N_WR];
    uint32_t serial = 0;
    // results
    uint64_t rd_reqs = 0, rd_beats = 0, rd_bad = 0, rd_extra = 0;
    uint64_t wr_reqs = 0, wr_checked_bytes = 0, wr_bad = 0, done_bad = 0, bcover_bad = 0;
    uint64_t rd_err_pulses[N_RD] = {}, wr_err_pulses[N_WR] = {};
    std::string rd_first, wr_first, done_first;
    bool hung = false;

    explicit Tb(Vdma *t) : top(t)
    {
        AXI_MEM_PORT(port, top, m_axi_);
        for (unsigned s = 0; s < N_WR; s++) {
            shadow[s].resize(WR_SIZE);
            owner[s].assign(WR_SIZE, 0);
        }
    }

    uint64_t viol_before = 0;   // violations of the memory models replaced so far

    void new_mem(const axi_mem::Config &c)
    {
        if (mem) viol_before += mem->stats().violations;
        mem.reset(new axi_mem::AxiMem(port, c));
        for (unsigned s = 0; s < N_WR; s++)
            for (uint64_t i = 0; i < WR_SIZE; i++) {
                shadow[s][i] = axi_mem::default_fill(WR_BASE + s * WR_SIZE + i);
                owner[s][i] = 0;
            }
    }

    // Resets the DUT and forgets the harness's stream state (call when idle).
    void reset()
    {
        for (unsigned s = 0; s < N_RD; s++) rd[s] = RdStream();
        for (unsigned s = 0; s < N_WR; s++) wr[s] = WrStream();
        top->rst_ni = 0;
        top->mrd_req_i = 0;
        top->mwr_req_i = 0;
        top->mrd_rdy_i = 0;
        top->mwr_vld_i = 0;
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

    bool busy() const
    {
        for (unsigned s = 0; s < N_RD; s++)
            if (!rd[s].todo.empty() || rd[s].req_on || !rd[s].expect.empty()) return true;
        for (unsigned s = 0; s < N_WR; s++)
            if (!wr[s].todo.empty() || wr[s].req_on || !wr[s].sending.empty() ||
                !wr[s].pend.empty())
                return true;
        return !mem->idle();
    }

    void check_beat(unsigned s)
    {
        RdStream &r = rd[s];
        const uint8_t *d = bytes_of(top->mrd_data_o) + s * BB;
        rd_beats++;
        r.beats++;
        r.t_last = cyc;
        if (r.expect.empty()) {
            if (rd_extra++ == 0 && rd_first.empty())
                rd_first = "stream " + std::to_string(s) + ": a beat with no request pending";
            return;
        }
        RdReq &q = r.expect.front();
        uint8_t exp[BB];
        uint64_t off = r.beat * BB;
        unsigned n = (unsigned)std::min<uint64_t>(BB, q.bytes - off);
        mem->read(q.addr + off, exp, n);
        std::memset(exp + n, 0, BB - n);
        if (std::memcmp(d, exp, BB) != 0) {
            rd_bad++;
            if (rd_first.empty()) {
                unsigned j = 0;
                while (d[j] == exp[j]) j++;
                char buf[256];
                snprintf(buf, sizeof buf,
                         "stream %u request addr 0x%" PRIx64 " bytes %u: beat %" PRIu64
                         " byte %u is 0x%02x, memory 0x%02x%s",
                         s, q.addr, q.bytes, r.beat, j, d[j], exp[j],
                         off + j >= q.bytes ? " (padding)" : "");
                rd_first = buf;
            }
        }
        r.beat++;
        if (r.beat * BB >= q.bytes) {
            r.expect.pop_front();
            r.beat = 0;
            rd_reqs++;
        }
    }

    void on_grant_wr(unsigned s, std::shared_ptr<WrReq> q)
    {
        WrStream &w = wr[s];
        w.cum += q->bytes;
        q->cum = w.cum;
        uint64_t base = q->addr - (WR_BASE + s * WR_SIZE);
        for (uint32_t i = 0; i < q->bytes; i++) {
            shadow[s][base + i] = q->data[i];
            owner[s][base + i] = q->serial;
        }
        w.sending.push_back(q);
        w.pend.push_back(q);
    }

    void on_done(unsigned s)
    {
        WrStream &w = wr[s];
        w.t_done = cyc;
        if (w.pend.empty()) {
            done_bad++;
            if (done_first.empty()) done_first = "stream " + std::to_string(s) + ": done with no request";
            return;
        }
        std::shared_ptr<WrReq> q = w.pend.front();
        w.pend.pop_front();
        if (!w.sending.empty() && w.sending.front() == q) {
            done_bad++;
            if (done_first.empty()) done_first = "stream " + std::to_string(s) + ": done before all data was sent";
        }
        uint64_t base = q->addr - (WR_BASE + s * WR_SIZE);
        for (uint32_t i = 0; i < q->bytes; i++) {
            if (owner[s][base + i] != q->serial) continue;  // rewritten by a later request
            wr_checked_bytes++;
            uint8_t m = mem->peek(q->addr + i);
            if (m != q->data[i]) {
                wr_bad++;
                if (wr_first.empty()) {
                    char buf[256];
                    snprintf(buf, sizeof buf,
                             "stream %u request addr 0x%" PRIx64 " bytes %u: at done byte %u is 0x%02x, "
                             "written 0x%02x",
                             s, q->addr, q->bytes, i, m, q->data[i]);
                    wr_first = buf;
                }
            }
        }
        if (mem->b_bytes(s) < q->cum) {
            bcover_bad++;
            if (done_first.empty()) {
                char buf[200];
                snprintf(buf, sizeof buf,
                         "stream %u: done when B responses cover %" PRIu64 " bytes of %" PRIu64, s,
                         mem->b_bytes(s), q->cum);
                done_first = buf;
            }
        }
        wr_reqs++;
    }

    void step()
    {
        mem->drive();
        // read streams
        uint8_t req = 0, rdy = 0;
        for (unsigned s = 0; s < N_RD; s++) {
            RdStream &r = rd[s];
            if (r.gap > 0) r.gap--;
            if (!r.req_on && r.gap == 0 && !r.todo.empty()) {
                r.cur = r.todo.front();
                r.todo.pop_front();
                r.req_on = true;
            }
            uint64_t a = r.req_on ? r.cur.addr : rnd64();   // junk while req is low
            uint32_t b = r.req_on ? r.cur.bytes : (uint32_t)rnd64();
            std::memcpy(bytes_of(top->mrd_addr_i) + 8 * s, &a, 8);
            std::memcpy(bytes_of(top->mrd_bytes_i) + 4 * s, &b, 4);
            if (r.req_on) req |= 1u << s;
            if (chance(ph.rdy_p)) rdy |= 1u << s;
        }
        top->mrd_req_i = req;
        top->mrd_rdy_i = rdy;
        // write streams
        uint8_t wreq = 0, wvld = 0;
        for (unsigned s = 0; s < N_WR; s++) {
            WrStream &w = wr[s];
            if (w.gap > 0) w.gap--;
            if (!w.req_on && w.gap == 0 && !w.todo.empty()) {
                w.cur = w.todo.front();
                w.todo.pop_front();
                w.req_on = true;
            }
            uint64_t a = w.req_on ? w.cur->addr : rnd64();
            uint32_t b = w.req_on ? w.cur->bytes : (uint32_t)rnd64();
            std::memcpy(bytes_of(top->mwr_addr_i) + 8 * s, &a, 8);
            std::memcpy(bytes_of(top->mwr_bytes_i) + 4 * s, &b, 4);
            if (w.req_on) wreq |= 1u << s;
            // data: once valid, held until taken (a stream's usual rule)
            while (!w.sending.empty() && w.sending.front()->bytes == 0) w.sending.pop_front();
            if (!w.sending.empty() && (w.vld_on || chance(ph.vld_p))) {
                w.vld_on = true;
                std::memcpy(bytes_of(top->mwr_data_i) + BB * s,
                            w.sending.front()->data.data() + BB * w.beat, BB);
            } else {
                w.vld_on = false;
                for (unsigned j = 0; j < BB; j += 8) {
                    uint64_t g = rnd64();
                    std::memcpy(bytes_of(top->mwr_data_i) + BB * s + j, &g, 8);
                }
            }
            if (w.vld_on) wvld |= 1u << s;
        }
        top->mwr_req_i = wreq;
        top->mwr_vld_i = wvld;

        top->eval();
        mem->sample();

        bool progress = false;
        for (unsigned s = 0; s < N_RD; s++) {
            RdStream &r = rd[s];
            if (((req >> s) & 1) && ((top->mrd_gnt_o >> s) & 1)) {
                if (r.cur.bytes != 0) r.expect.push_back(r.cur);
                else rd_reqs++;
                r.req_on = false;
                r.gap = ph.max_gap ? (int)rnd(ph.max_gap + 1) : 0;
                progress = true;
            }
            if (((top->mrd_vld_o >> s) & 1) && ((rdy >> s) & 1)) {
                check_beat(s);
                progress = true;
            }
            if ((top->mrd_err_o >> s) & 1) rd_err_pulses[s]++;
        }
        for (unsigned s = 0; s < N_WR; s++) {
            WrStream &w = wr[s];
            if (((wreq >> s) & 1) && ((top->mwr_gnt_o >> s) & 1)) {
                on_grant_wr(s, w.cur);
                w.req_on = false;
                w.gap = ph.max_gap ? (int)rnd(ph.max_gap + 1) : 0;
                progress = true;
            }
            if (((wvld >> s) & 1) && ((top->mwr_rdy_o >> s) & 1)) {
                w.vld_on = false;
                w.beat++;
                if (w.beat * BB >= w.sending.front()->bytes) {
                    w.sending.pop_front();
                    w.beat = 0;
                }
                progress = true;
            }
            if ((top->mwr_done_o >> s) & 1) {
                on_done(s);
                if ((top->mwr_err_o >> s) & 1) wr_err_pulses[s]++;
                progress = true;
            }
        }
        if (progress) last_progress = cyc;

        top->clk_i = 1;
        top->eval();
        top->clk_i = 0;
        cyc++;
    }

    // Runs until every queued request is done; false if nothing moved for 200k cycles.
    bool run(uint64_t limit = 50000000)
    {
        uint64_t c0 = cyc;
        last_progress = cyc;
        while (busy()) {
            step();
            if (cyc - last_progress > 200000 || cyc - c0 > limit) {
                hung = true;
                return false;
            }
        }
        for (int i = 0; i < 4; i++) step();  // trailing pulses, if any
        return true;
    }

    std::shared_ptr<WrReq> make_wr(unsigned s, uint64_t addr, uint32_t bytes)
    {
        auto q = std::make_shared<WrReq>();
        q->addr = addr;
        q->bytes = bytes;
        q->serial = ++serial;
        q->data.resize(((uint64_t)bytes + BB - 1) / BB * BB + BB);
        for (auto &x : q->data) x = (uint8_t)rnd64();
        (void)s;
        return q;
    }
};

static uint32_t rand_len()
{
    uint64_t r = rnd(100);
    if (r < 1) return 0;
    if (r < 15) return 4 * (uint32_t)(1 + rnd(32));           // 4 .. 128
    if (r < 25) return BB * (uint32_t)(1 + rnd(64));          // whole beats up to 4 KB
    if (r < 28) return MAX_LEN - 4 * (uint32_t)rnd(4);        // the largest
    double e = 2.0 + 14.0 * rndf();                           // log-uniform 4 .. 64 KB
    uint32_t v = (uint32_t)std::pow(2.0, e) & ~3u;
    return v < 4 ? 4 : (v > MAX_LEN ? MAX_LEN : v);
}

static uint64_t rand_off(uint64_t size, uint32_t len)
{
    uint64_t span = size - len;   // last start offset
    uint64_t r = rnd(100), off;
    if (r < 20) {
        off = rnd(span / BB + 1) * BB;
    } else if (r < 35) {
        // just below (or at) a 4 KB boundary
        off = rnd(size / 4096) * 4096 + 4096 - 4 * rnd(40);
        if (off > span) off = span & ~3ULL;
    } else {
        off = rnd(span / 4 + 1) * 4;
    }
    return off;
}

static void queue_random(Tb &tb, int n_rd, int n_wr, bool rd_from_wr_areas)
{
    for (int i = 0; i < n_rd; i++) {
        unsigned s = (unsigned)rnd(N_RD);
        uint32_t len = rand_len();
        RdReq q;
        if (rd_from_wr_areas) {
            unsigned a = (unsigned)rnd(N_WR);
            q.addr = WR_BASE + a * WR_SIZE + rand_off(WR_SIZE, len);
        } else {
            q.addr = RD_BASE + rand_off(RD_SIZE, len);
        }
        q.bytes = len;
        tb.rd[s].todo.push_back(q);
    }
    for (int i = 0; i < n_wr; i++) {
        unsigned s = (unsigned)rnd(N_WR);
        uint32_t len = rand_len();
        uint64_t addr = WR_BASE + s * WR_SIZE + rand_off(WR_SIZE, len);
        tb.wr[s].todo.push_back(tb.make_wr(s, addr, len));
    }
}

struct RandPhase {
    const char *name;
    unsigned latency, bw;
    double stall;
    bool reorder, interleave;
    double rdy_p, vld_p;
    int max_gap;
    int n_rd, n_wr;
    bool readback;
};

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    Vdma *top = new Vdma;
    printf("# tb_dma: seed 0x%" PRIx64 ", %u read + %u write streams, BUS_BYTES %u\n", SEED, N_RD,
           N_WR, BB);
    Tb tb(top);

    // ------------------------------------------------------------ random phases
    const RandPhase phases[] = {
        {"lat100-stall5%-reorder-interleave", 100, 64, 0.05, true, true, 0.8, 0.8, 3, 4000, 1400, false},
        {"lat3-bw32-stall30%-backpressure", 3, 32, 0.30, true, false, 0.4, 0.5, 8, 2200, 800, false},
        {"lat1-full-rate", 1, 64, 0.0, false, false, 1.0, 1.0, 0, 2000, 800, false},
        {"lat20-readback-of-writes", 20, 64, 0.10, true, true, 0.7, 0.7, 2, 1200, 0, true},
    };
    axi_mem::Config cfg;
    cfg.bus_bytes = BB;
    cfg.rd_bw = cfg.wr_bw = BB;
    cfg.seed = SEED;
    tb.reset();
    tb.new_mem(cfg);
    uint64_t total_reqs = 0;
    bool all_ran = true;
    for (const RandPhase &p : phases) {
        axi_mem::Config c = cfg;
        c.latency = p.latency;
        c.rd_bw = c.wr_bw = p.bw;
        c.stall = p.stall;
        c.reorder = p.reorder;
        c.interleave = p.interleave;
        c.seed = rnd64();
        // The memory keeps its content: only the timing changes, between phases.
        tb.mem->set_config(c);
        tb.ph.rdy_p = p.rdy_p;
        tb.ph.vld_p = p.vld_p;
        tb.ph.max_gap = p.max_gap;
        queue_random(tb, p.n_rd, p.n_wr, p.readback);
        uint64_t c0 = tb.cyc, r0 = tb.rd_reqs + tb.wr_reqs;
        bool ran = tb.run();
        total_reqs += (uint64_t)p.n_rd + p.n_wr;
        printf("# phase %s: %d reads, %d writes, %" PRIu64 " cycles%s\n", p.name, p.n_rd, p.n_wr,
               tb.cyc - c0, ran ? "" : " (HUNG)");
        (void)r0;
        all_ran = all_ran && ran;
        if (!ran) break;
    }
    const axi_mem::Stats &st = tb.mem->stats();
    char buf[512];
    snprintf(buf, sizeof buf, "%" PRIu64 " requests, %" PRIu64 " cycles", total_reqs, tb.cyc);
    result(all_ran, "dma-random-completes", all_ran ? buf : "no progress for 200000 cycles");
    {
        bool ok = tb.rd_bad == 0 && tb.rd_extra == 0 && all_ran;
        snprintf(buf, sizeof buf, "%" PRIu64 " read requests, %" PRIu64 " beats, %" PRIu64
                 " mismatching beats, %" PRIu64 " unexpected beats%s%s",
                 tb.rd_reqs, tb.rd_beats, tb.rd_bad, tb.rd_extra, tb.rd_first.empty() ? "" : "; first: ",
                 tb.rd_first.c_str());
        result(ok, "dma-read-data", buf);
    }
    {
        bool ok = tb.wr_bad == 0 && all_ran;
        snprintf(buf, sizeof buf, "%" PRIu64 " write requests, %" PRIu64 " bytes checked at done, %" PRIu64
                 " mismatches%s%s",
                 tb.wr_reqs, tb.wr_checked_bytes, tb.wr_bad, tb.wr_first.empty() ? "" : "; first: ",
                 tb.wr_first.c_str());
        result(ok, "dma-write-data", buf);
    }
    {
        bool ok = tb.done_bad == 0 && tb.bcover_bad == 0 && all_ran;
        snprintf(buf, sizeof buf, "%" PRIu64 " done pulses in order, %" PRIu64 " bad, %" PRIu64
                 " before their B responses%s%s",
                 tb.wr_reqs, tb.done_bad, tb.bcover_bad, tb.done_first.empty() ? "" : "; first: ",
                 tb.done_first.c_str());
        result(ok, "dma-write-done", buf);
    }
    {
        // The whole write areas against the shadow; every other touched byte unchanged.
        uint64_t bad = 0, pages = 0;
        std::string first;
        for (unsigned s = 0; s < N_WR; s++)
            for (uint64_t i = 0; i < WR_SIZE; i++) {
                uint8_t m = tb.mem->peek(WR_BASE + s * WR_SIZE + i);
                if (m != tb.shadow[s][i] && bad++ == 0) {
                    snprintf(buf, sizeof buf, "write area byte 0x%" PRIx64 " is 0x%02x, expected 0x%02x",
                             WR_BASE + s * WR_SIZE + i, m, tb.shadow[s][i]);
                    first = buf;
                }
            }
        tb.mem->for_each_page([&](uint64_t base, const uint8_t *d) {
            pages++;
            if (base >= WR_BASE && base < WR_BASE + N_WR * WR_SIZE) return;
            for (unsigned i = 0; i < 4096; i++)
                if (d[i] != axi_mem::default_fill(base + i) && bad++ == 0) {
                    snprintf(buf, sizeof buf, "byte 0x%" PRIx64 " outside the write areas changed",
                             base + i);
                    first = buf;
                }
        });
        snprintf(buf, sizeof buf, "%" PRIu64 " MB of write areas and %" PRIu64 " touched pages, %" PRIu64
                 " wrong bytes%s%s",
                 (uint64_t)(N_WR * WR_SIZE >> 20), pages, bad, first.empty() ? "" : "; first: ",
                 first.c_str());
        result(bad == 0, "dma-memory-final", buf);
    }
    {
        uint64_t e = 0;
        for (unsigned s = 0; s < N_RD; s++) e += tb.rd_err_pulses[s];
        for (unsigned s = 0; s < N_WR; s++) e += tb.wr_err_pulses[s];
        snprintf(buf, sizeof buf, "%" PRIu64 " violations; %" PRIu64 " AR, %" PRIu64 " AW, %" PRIu64
                 " R beats, %" PRIu64 " W beats, %" PRIu64 " B; %" PRIu64 " bytes read, %" PRIu64
                 " written; %" PRIu64 " R beats interleaved, %" PRIu64 " bursts reordered; %" PRIu64
                 " error pulses",
                 st.violations, st.ar, st.aw, st.r_beats, st.w_beats, st.b, st.bytes_read,
                 st.bytes_written, st.r_interleaved, st.r_reordered, e);
        std::string w = buf;
        for (const auto &m : tb.mem->messages()) w += "; " + m;
        result(st.violations == 0 && e == 0 && st.ar > 0 && st.aw > 0, "dma-axi-rules", w);
    }

    // ------------------------------------------------------------ error responses
    {
        tb.reset();
        axi_mem::Config c = cfg;
        c.latency = 10;
        c.err_lo = RD_BASE + 0x10000;
        c.err_hi = RD_BASE + 0x10000 + BB - 1;   // one beat
        tb.new_mem(c);
        tb.ph = Phase();
        uint64_t rd0[N_RD], wr0[N_WR];
        for (unsigned s = 0; s < N_RD; s++) rd0[s] = tb.rd_err_pulses[s];
        for (unsigned s = 0; s < N_WR; s++) wr0[s] = tb.wr_err_pulses[s];
        // the last stream reads across the error beat, stream 0 reads next to it
        const unsigned SE = N_RD - 1, SW = N_WR - 1;
        tb.rd[SE].todo.push_back({RD_BASE + 0xff00, 0x200});
        tb.rd[0].todo.push_back({RD_BASE + 0x10000 + BB, 0x100});
        // write stream 0 elsewhere: no error (when it is not also the erroneous one)
        if (SW != 0) tb.wr[0].todo.push_back(tb.make_wr(0, WR_BASE + 0x100, 0x40));
        bool ran = tb.run(1000000);
        uint64_t e_rd2 = tb.rd_err_pulses[SE] - rd0[SE], e_rd1 = tb.rd_err_pulses[0] - rd0[0];
        uint64_t e_wr0 = tb.wr_err_pulses[0] - wr0[0];
        // Write stream SW into the error window (dropped by the memory, done with
        // err), driven by hand: it is outside the write areas the harness shadows.
        top->mwr_req_i = 0;
        bool got_done = false, got_err = false;
        {
            uint64_t a = RD_BASE + 0x10020;
            uint32_t b = 0x40;
            std::memcpy(bytes_of(top->mwr_addr_i) + 8 * SW, &a, 8);
            std::memcpy(bytes_of(top->mwr_bytes_i) + 4 * SW, &b, 4);
            const unsigned beats = (b + BB - 1) / BB;
            unsigned sent = 0;
            bool req = true;
            for (int t = 0; t < 2000 && !got_done; t++) {
                tb.mem->drive();
                top->mwr_req_i = req ? (1u << SW) : 0;
                top->mwr_vld_i = sent < beats ? (1u << SW) : 0;
                std::memset(bytes_of(top->mwr_data_i) + BB * SW, 0xa5, BB);
                top->eval();
                tb.mem->sample();
                bool took = !req && sent < beats && ((top->mwr_rdy_o >> SW) & 1);
                if (req && ((top->mwr_gnt_o >> SW) & 1)) req = false;
                if (took) sent++;
                if ((top->mwr_done_o >> SW) & 1) {
                    got_done = true;
                    got_err = (top->mwr_err_o >> SW) & 1;
                }
                top->clk_i = 1;
                top->eval();
                top->clk_i = 0;
                tb.cyc++;
            }
        }
        bool untouched = tb.mem->peek(RD_BASE + 0x10020) == axi_mem::default_fill(RD_BASE + 0x10020);
        bool ok = ran && e_rd2 > 0 && e_rd1 == 0 && e_wr0 == 0 && got_done && got_err && untouched &&
                  tb.rd_bad == 0;
        snprintf(buf, sizeof buf,
                 "ran %d; read across SLVERR beat: %" PRIu64 " mrd_err pulses (data still checked), neighbour: %" PRIu64
                 ", write into it: done %d err %d, memory unchanged %d, clean write err pulses %" PRIu64,
                 (int)ran, e_rd2, e_rd1, got_done, got_err, untouched, e_wr0);
        result(ok, "dma-error-responses", buf);
    }

    // ------------------------------------------------------------ the longest request
    {
        // A read of 2^32 - 4 bytes from an unaligned address: the first 20000 beats
        // are checked (the whole would take 67M cycles), then the DMA is reset.
        tb.reset();
        axi_mem::Config c = cfg;
        c.latency = 100;
        tb.new_mem(c);
        tb.ph = Phase();
        tb.ph.rdy_p = 0.9;
        tb.rd[1].todo.push_back({RD_BASE + 0x24, 0xFFFFFFFCu});
        uint64_t b0 = tb.rd_beats, bad0 = tb.rd_bad, c0 = tb.cyc;
        while (tb.rd_beats - b0 < 20000 && tb.cyc - c0 < 100000) tb.step();
        uint64_t got = tb.rd_beats - b0;
        snprintf(buf, sizeof buf, "read of 0xfffffffc bytes at offset 0x24: %" PRIu64 " beats checked in %" PRIu64
                 " cycles, %" PRIu64 " mismatches", got, tb.cyc - c0, tb.rd_bad - bad0);
        result(got == 20000 && tb.rd_bad == bad0, "dma-longest-request-start", buf);
        tb.reset();
    }

    // ------------------------------------------------------------ throughput
    struct Tp {
        double cpb;
        uint64_t cycles, beats, bad;
    };
    auto tp_run = [&](unsigned latency, unsigned bw, std::vector<std::pair<unsigned, uint64_t>> reads,
                      std::vector<std::pair<unsigned, uint64_t>> writes, uint32_t bytes,
                      uint64_t *t_end_rd, uint64_t *t_end_wr) -> Tp {
        tb.reset();
        axi_mem::Config c = cfg;
        c.latency = latency;
        c.rd_bw = c.wr_bw = bw;
        tb.new_mem(c);
        tb.ph = Phase();
        for (auto &r : reads) tb.rd[r.first].todo.push_back({r.second, bytes});
        for (auto &w : writes) tb.wr[w.first].todo.push_back(tb.make_wr(w.first, w.second, bytes));
        uint64_t beats0 = tb.rd_beats, c0 = tb.cyc, bad0 = tb.rd_bad + tb.wr_bad;
        bool ran = tb.run();
        Tp t;
        t.bad = tb.rd_bad + tb.wr_bad - bad0;
        uint64_t end = c0;
        for (auto &r : reads) {
            if (t_end_rd) t_end_rd[r.first] = tb.rd[r.first].t_last - c0 + 1;
            end = std::max(end, tb.rd[r.first].t_last + 1);
        }
        for (auto &w : writes) {
            if (t_end_wr) t_end_wr[w.first] = tb.wr[w.first].t_done - c0 + 1;
            end = std::max(end, tb.wr[w.first].t_done + 1);
        }
        t.cycles = end - c0;
        t.beats = tb.rd_beats - beats0;
        uint64_t b = (reads.size() + writes.size()) * (uint64_t)((bytes + BB - 1) / BB);
        t.cpb = ran ? (double)t.cycles / (double)b : 1e9;
        return t;
    };
    // A throughput check also fails on wrong data in its run.
    auto tp_result = [&](bool ok, const char *name, const Tp &t) {
        std::string w = buf;
        if (t.bad) w += "; " + std::to_string(t.bad) + " data mismatches";
        result(ok && t.bad == 0, name, w);
    };
    const uint32_t MB = 1u << 20;
    const uint64_t beats1 = MB / BB;
    {
        Tp t = tp_run(100, BB, {{0, RD_BASE}}, {}, MB, nullptr, nullptr);
        double steady = (double)(t.cycles - 100) / beats1;
        snprintf(buf, sizeof buf, "1 MB read, latency 100, %u B/cycle: %" PRIu64 " cycles, %.4f cycles/beat "
                 "(%.4f without the first latency)", BB, t.cycles, t.cpb, steady);
        tp_result(t.cpb <= 1.02, "dma-throughput-1rd", t);
    }
    {
        Tp t = tp_run(100, BB, {{N_RD - 1, RD_BASE + 0x2c}}, {}, MB, nullptr, nullptr);
        snprintf(buf, sizeof buf, "1 MB read at byte offset 44, latency 100: %" PRIu64 " cycles, %.4f cycles/beat",
                 t.cycles, t.cpb);
        tp_result(t.cpb <= 1.02, "dma-throughput-1rd-unaligned", t);
    }
    {
        uint64_t te[N_RD] = {};
        Tp t = tp_run(100, BB, {{0, RD_BASE}, {1, RD_BASE + 2 * MB + 4}}, {}, MB, te, nullptr);
        double share = (double)te[0] / (double)te[1];
        snprintf(buf, sizeof buf, "two 1 MB reads together, latency 100: %" PRIu64
                 " cycles, %.4f cycles/beat in total; stream 0 ends at %" PRIu64 ", stream 1 at %" PRIu64
                 " (ratio %.4f)", t.cycles, t.cpb, te[0], te[1], share);
        tp_result(t.cpb <= 1.02 && share > 0.97 && share < 1.03, "dma-throughput-2rd-fair", t);
    }
    {
        // every read stream, 512 KB each, different alignments
        uint64_t te[N_RD] = {};
        std::vector<std::pair<unsigned, uint64_t>> rs;
        for (unsigned s = 0; s < N_RD; s++) rs.push_back({s, RD_BASE + s * (RD_SIZE / N_RD & ~63ULL) + 4 * s});
        Tp t = tp_run(100, BB, rs, {}, MB / 2, te, nullptr);
        uint64_t lo = te[0], hi = te[0];
        for (unsigned s = 1; s < N_RD; s++) {
            lo = std::min(lo, te[s]);
            hi = std::max(hi, te[s]);
        }
        snprintf(buf, sizeof buf, "%u 512 KB reads together: %.4f cycles/beat in total; ends %" PRIu64
                 " .. %" PRIu64, N_RD, t.cpb, lo, hi);
        tp_result(t.cpb <= 1.02 && (double)hi / (double)lo < 1.03, "dma-throughput-allrd-fair", t);
    }
    {
        Tp t = tp_run(100, BB / 2, {{0, RD_BASE}}, {}, MB, nullptr, nullptr);
        snprintf(buf, sizeof buf, "1 MB read, latency 100, %u B/cycle: %.4f cycles/beat (memory limit 2.0)", BB / 2, t.cpb);
        tp_result(t.cpb <= 2.02, "dma-throughput-1rd-bw32", t);
    }
    {
        Tp t = tp_run(100, BB, {}, {{0, WR_BASE}}, MB, nullptr, nullptr);
        snprintf(buf, sizeof buf, "1 MB write, %u B/cycle, request to done: %" PRIu64 " cycles, %.4f cycles/beat",
                 BB, t.cycles, t.cpb);
        tp_result(t.cpb <= 1.02 && tb.wr_bad == 0, "dma-throughput-1wr", t);
    }
    {
        uint64_t tr[N_RD] = {}, tw[N_WR] = {};
        Tp t = tp_run(100, BB, {{0, RD_BASE}}, {{N_WR - 1, WR_BASE + (N_WR - 1) * WR_SIZE + 64}}, MB, tr, tw);
        double r = (double)tr[0] / beats1, w = (double)tw[N_WR - 1] / beats1;
        snprintf(buf, sizeof buf, "1 MB read and 1 MB write together: read %.4f, write %.4f cycles/beat", r, w);
        tp_result(r <= 1.02 && w <= 1.02, "dma-throughput-rd-wr", t);
    }
    {
        // Figures for dimensioning (no pass/fail): one stream against the latency,
        // and back-to-back small requests.
        std::string line = "# 1 MB read, one stream, cycles/beat by latency:";
        for (unsigned lat : {20u, 50u, 100u, 105u, 110u, 120u, 150u, 200u}) {
            Tp t = tp_run(lat, BB, {{0, RD_BASE}}, {}, MB, nullptr, nullptr);
            snprintf(buf, sizeof buf, " %u: %.3f", lat, t.cpb);
            line += buf;
        }
        printf("%s\n", line.c_str());
        for (unsigned nst : {1u, N_RD}) {
            for (uint32_t len : {4u, 64u, 256u}) {
                tb.reset();
                axi_mem::Config c = cfg;
                tb.new_mem(c);
                tb.ph = Phase();
                const int n = 2000;
                for (unsigned s = 0; s < nst; s++)
                    for (int i = 0; i < n; i++)
                        tb.rd[s].todo.push_back({RD_BASE + s * MB + (uint64_t)i * 256 + 4 * (i % 16), len});
                uint64_t c0 = tb.cyc;
                tb.run();
                printf("# %u stream(s) of %d reads of %u bytes, latency 100: %.2f cycles per request per stream\n",
                       nst, n, len, (double)(tb.cyc - c0) / n);
            }
        }
        tb.reset();
        {
            axi_mem::Config c = cfg;
            tb.new_mem(c);
            tb.ph = Phase();
            const int n = 2000;
            for (int i = 0; i < n; i++) tb.wr[0].todo.push_back(tb.make_wr(0, WR_BASE + (uint64_t)i * 512 + 4 * (i % 16), 64));
            uint64_t c0 = tb.cyc;
            tb.run();
            printf("# 1 stream of %d writes of 64 bytes: %.2f cycles per request\n", n, (double)(tb.cyc - c0) / n);
        }
    }
    {
        // Everything above must also have been correct.
        const axi_mem::Stats &s2 = tb.mem->stats();
        bool ok = tb.rd_bad == 0 && tb.rd_extra == 0 && tb.wr_bad == 0 && tb.done_bad == 0 &&
                  tb.bcover_bad == 0 && s2.violations + tb.viol_before == 0 && !tb.hung;
        snprintf(buf, sizeof buf, "data, done and AXI rules of the error and throughput runs: %" PRIu64
                 " read mismatches, %" PRIu64 " write mismatches, %" PRIu64 " violations",
                 tb.rd_bad, tb.wr_bad, s2.violations + tb.viol_before);
        result(ok, "dma-throughput-runs-correct", buf);
    }

    printf("%d passed, %d failed\n", n_ok, n_fail);
    top->final();
    delete top;
    return n_fail ? 1 : 0;
}
