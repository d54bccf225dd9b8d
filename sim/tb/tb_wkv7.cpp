// tb_wkv7.cpp - Verilator testbench of rtl/wkv7.sv (and, compiled with
// WKV_SUB 5 from tb_wkv5.cpp, of rtl/wkv5.sv) against the golden rw_wkv7 /
// rw_wkv5 (cmodel/golden/wkv7.c, wkv5.c) with card.c op_wkv_matrix's checks.
// The harness models the vector register file (32 x 4096 words, exponent and
// length per register; read data one cycle after the enable, garbage
// otherwise) and a DMA over a byte memory: requests granted after random
// delays, read beats with random gaps, write beats taken with random
// back-pressure, each write's mwr_done_i after a random delay. Each case
// compares the whole register file (DST's n words, exponent and length; every
// other word unchanged), every byte of the state and 256 bytes around it
// (writes elsewhere are flagged as they happen), err_o against the card's
// checks (then nothing may be written or requested for writing), that DST is
// written only after the last source read, that done_o comes after every
// write's mwr_done_i, and the protocol (padding bytes zero, data only for a
// granted request). States come from golden runs over random tokens from the
// zero state and from random words. Last, UNIT_conform replays every wkv7 (or,
// built for SUB 5, wkv5) record of one conformance set (sim/tb/tb_conform.h,
// docs/conformance.md) through the unit with the same harness, comparing y and
// every head's state exponent and words with the recorded outputs. Run from
// the repository root.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#ifndef WKV_SUB
#define WKV_SUB 7
#endif

#if WKV_SUB == 7
#include "Vwkv7.h"
typedef Vwkv7 Top;
#define NSRC 6
#define UNIT "wkv7"
#else
#include "Vwkv5.h"
typedef Vwkv5 Top;
#define NSRC 5
#define UNIT "wkv5"
#endif
#include "verilated.h"

#include "tb_conform.h"

extern "C" {
#include "golden/bfv.h"
#include "golden/wkv.h"
}

namespace {

const uint64_t SEED = WKV_SUB == 7 ? 0x77c0ffeeULL : 0x55c0ffeeULL;
const int NV = 32, VW = 4096, MAXN = 64, BUS = 64;
const int32_t MANT_MAX = 1 << 30, EXP_MAX = 1 << 24;
// the source carrying the raw Q0.32 decay (not domain-checked)
const int WSRC = WKV_SUB == 7 ? 1 : 3;
const size_t MEM_BYTES = (size_t)3 << 20;

uint64_t rng_state = SEED;
uint64_t rnd()  // splitmix64
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
uint32_t rndn(uint32_t n) { return (uint32_t)(rnd() % n); }

// ------------------------------------------------------------ operands

int32_t rand_mant(int kind)
{
    int32_t s = rndn(2) ? -1 : 1;
    switch (kind) {
    case 0: {  // any bit length
        uint32_t b = rndn(32);
        if (b == 0) return 0;
        if (b == 31) return s * (rndn(4) ? (int32_t)(rnd() & (MANT_MAX - 1)) : MANT_MAX);
        uint32_t top = 1u << (b - 1);
        return s * (int32_t)(top | (uint32_t)(rnd() & (top - 1)));
    }
    case 1:  // few significant bits: ties in the rounding shifts
        return s * (int32_t)((1 + rndn(15)) << rndn(27));
    case 2:  // normalized-looking
        return s * (int32_t)((1u << 29) + (uint32_t)rndn(1u << 29));
    case 3:  // small
        return s * (int32_t)rndn(256);
    default:
        return rndn(8) ? 0 : s * (int32_t)rndn(MANT_MAX + 1u);
    }
}

int32_t rand_exp()
{
    switch (rndn(8)) {
    case 0: return (int32_t)rndn(2 * EXP_MAX + 1) - EXP_MAX;
    case 1: return rndn(2) ? EXP_MAX - (int32_t)rndn(4) : -EXP_MAX + (int32_t)rndn(4);
    default: return (int32_t)rndn(121) - 60;
    }
}

// n words: all one kind, mixed kinds, all zero, or one nonzero.
void rand_vec(int32_t *m, uint32_t n)
{
    uint32_t shape = rndn(14);
    int kind = (int)rndn(5);
    for (uint32_t i = 0; i < n; i++) {
        if (shape <= 1) m[i] = 0;
        else if (shape <= 5) m[i] = rand_mant((int)rndn(5));
        else m[i] = rand_mant(kind);
    }
    if (shape == 1 && n) {
        int32_t x = rand_mant(0);
        m[rndn(n)] = x ? x : 1;
    }
    if (shape == 13 && n) {
        // a largest magnitude just below 2^b: act_quant rounds it to 32768,
        // clamped to 32767 (or lands on a tie)
        uint32_t b = 16 + rndn(15);
        int32_t x = (int32_t)((1u << b) - 1 - rndn(1u << (b - 16)));
        for (uint32_t i = 0; i < n; i++) m[i] = (int32_t)(m[i] % (1 << (b - 1)));
        m[rndn(n)] = rndn(2) ? x : -x;
    }
}

// Q0.32 decays: near 1 (real models), anywhere, the extremes.
void rand_decay(int32_t *m, uint32_t n)
{
    uint32_t shape = rndn(4);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t w;
        if (shape == 0) w = (uint32_t)rnd();
        else if (shape == 1) w = rndn(3) == 0 ? 0xffffffffu - rndn(4) : rndn(3) == 0 ? rndn(4) : (uint32_t)rnd();
        else w = 0xffffffffu - (uint32_t)(rnd() >> (32 + rndn(31)));
        m[i] = (int32_t)w;
    }
}

struct Vrf {
    std::vector<int32_t> m;  // NV x VW
    int32_t e[NV];
    uint32_t n[NV];
    Vrf() : m((size_t)NV * VW) {}
    int32_t *reg(int r) { return &m[(size_t)r * VW]; }
};

struct Ws {
    std::vector<int64_t> tmp, st;
    std::vector<int32_t> est, a, b, c, d, q32;
    std::vector<int16_t> q1, q2;
    rw_wkv_ws ws;
    Ws()
        : tmp(VW), st(VW), est(VW), a(VW), b(VW), c(VW), d(VW), q32(VW), q1(VW), q2(VW)
    {
        ws.tmp = tmp.data();
        ws.st = st.data();
        ws.est = est.data();
        ws.a = a.data();
        ws.b = b.data();
        ws.c = c.data();
        ws.d = d.data();
        ws.q32 = q32.data();
        ws.q1 = q1.data();
        ws.q2 = q2.data();
    }
};

// The golden unit on H heads of state st (e, N x N words per head, as in
// memory); src[i] are the sources in instruction order.
void golden(int32_t *y, int32_t *ye, const rw_cbfv *src, uint32_t n, uint32_t H, uint32_t N,
            int32_t *st, Ws &w)
{
    std::vector<rw_bfv> S(H);
    std::vector<int32_t> m((size_t)H * N * N);
    for (uint32_t h = 0; h < H; h++) {
        S[h].m = &m[(size_t)h * N * N];
        S[h].e = st[(size_t)h * (1 + N * N)];
        S[h].n = N * N;
        memcpy(S[h].m, &st[(size_t)h * (1 + N * N) + 1], (size_t)N * N * 4);
    }
    rw_bfv out = {y, 0, n};
#if WKV_SUB == 7
    rw_wkv7(&out, src[0], (const uint32_t *)src[1].m, src[2], src[3], src[4], src[5], S.data(), H,
            N, &w.ws);
#else
    rw_wkv5(&out, src[0], src[1], src[2], (const uint32_t *)src[3].m, src[4], S.data(), H, N,
            &w.ws);
#endif
    *ye = out.e;
    for (uint32_t h = 0; h < H; h++) {
        st[(size_t)h * (1 + N * N)] = S[h].e;
        memcpy(&st[(size_t)h * (1 + N * N) + 1], S[h].m, (size_t)N * N * 4);
    }
}

// A state of H heads: golden runs over a few random tokens from zero, random
// words, all zero, or a mix per head.
void rand_state(int32_t *st, uint32_t H, uint32_t N, Ws &w)
{
    uint32_t hw = 1 + N * N, n = H * N;
    uint32_t kind = rndn(6);
    memset(st, 0, (size_t)H * hw * 4);
    if (kind <= 2) {
        std::vector<int32_t> srcm((size_t)NSRC * n), y(n);
        rw_cbfv src[NSRC];
        uint32_t tokens = 1 + rndn(kind == 0 ? 6 : 2);
        for (uint32_t t = 0; t < tokens; t++) {
            for (int i = 0; i < NSRC; i++) {
                int32_t *m = &srcm[(size_t)i * n];
                if (i == WSRC) rand_decay(m, n);
                else rand_vec(m, n);
                src[i] = {m, rand_exp() / 256, n};  // keeps the state in the domain
            }
            int32_t ye;
            golden(y.data(), &ye, src, n, H, N, st, w);
        }
    }
    for (uint32_t h = 0; h < H; h++) {
        int32_t *hs = &st[(size_t)h * hw];
        if (kind > 2 && kind != 5) {
            rand_vec(hs + 1, N * N);
            hs[0] = rand_exp();
        } else if (kind == 5 && rndn(3) == 0) {
            hs[0] = rand_exp();  // a zero head with any exponent
        }
    }
}

// ------------------------------------------------------------ the DMA and the harness

struct Stream {
    uint64_t addr;
    uint32_t bytes, done;  // bytes moved
};

struct Sim {
    Top *top;
    Vrf *vrf;
    std::vector<uint8_t> mem;
    uint64_t cycle = 0;
    // stall settings of the case
    uint32_t p_gnt = 2, p_vld = 2, p_rdy = 2;  // 1 in p cycles stalls
    // per operation
    long vwrites = 0, mwrites_req = 0, reads_req = 0;
    int64_t last_read = -1, first_write = -1;
    uint64_t lo = 0, hi = 0;  // the bytes the unit may write
    std::string proto;        // first protocol violation
    std::deque<Stream> rd, wr;
    bool beat_up = false;
    uint8_t beat[BUS];
    std::deque<uint64_t> dones;  // cycles of pending mwr_done_i pulses
    long writes_pending = 0;     // granted writes whose done has not come

    Sim() : mem(MEM_BYTES) {}

    void flag(const char *what)
    {
        if (proto.empty()) {
            char b[200];
            snprintf(b, sizeof b, "%s at cycle %" PRIu64, what, cycle);
            proto = b;
        }
    }

    void tick()
    {
        Top *t = top;
        // inputs of this cycle
        if (!beat_up && !rd.empty() && rndn(p_vld) == 0) {
            Stream &s = rd.front();
            for (int i = 0; i < BUS; i++)
                beat[i] = s.done + i < s.bytes ? mem[s.addr + s.done + i] : 0;
            beat_up = true;
        }
        t->mrd_vld_i = beat_up;
        for (int i = 0; i < BUS / 4; i++)
            t->mrd_data_i[i] = (uint32_t)beat[4 * i] | (uint32_t)beat[4 * i + 1] << 8 |
                               (uint32_t)beat[4 * i + 2] << 16 | (uint32_t)beat[4 * i + 3] << 24;
        t->mwr_rdy_i = rndn(p_rdy) == 0;
        t->mwr_done_i = !dones.empty() && dones.front() <= cycle;
        t->mrd_gnt_i = 0;
        t->mwr_gnt_i = 0;
        t->clk_i = 0;
        t->eval();
        bool rgnt = t->mrd_req_o && rndn(p_gnt) == 0;
        bool wgnt = t->mwr_req_o && rndn(p_gnt) == 0;
        t->mrd_gnt_i = rgnt;
        t->mwr_gnt_i = wgnt;
        t->eval();
        // sample
        bool ren[6] = {(bool)t->rd0_en_o, (bool)t->rd1_en_o, (bool)t->rd2_en_o,
                       (bool)t->rd3_en_o, (bool)t->rd4_en_o, false};
        uint32_t ra[6] = {t->rd0_addr_o, t->rd1_addr_o, t->rd2_addr_o,
                          t->rd3_addr_o, t->rd4_addr_o, 0};
#if WKV_SUB == 7
        ren[5] = t->rd5_en_o;
        ra[5] = t->rd5_addr_o;
#endif
        bool wen = t->wr_en_o;
        uint32_t wa = t->wr_addr_o, wd = t->wr_data_o;
        bool rtake = beat_up && t->mrd_rdy_o;
        bool wtake = t->mwr_vld_o && t->mwr_rdy_i;
        uint8_t wbeat[BUS];
        for (int i = 0; i < BUS / 4; i++)
            for (int b = 0; b < 4; b++) wbeat[4 * i + b] = (uint8_t)(t->mwr_data_o[i] >> (8 * b));
        uint64_t raddr = t->mrd_addr_o, waddr = t->mwr_addr_o;
        uint32_t rbytes = t->mrd_bytes_o, wbytes = t->mwr_bytes_o;
        bool done_pulse = t->mwr_done_i;
        // edge
        t->clk_i = 1;
        t->eval();
        // the model after the edge
        uint32_t rdv[6];
        for (int k = 0; k < 6; k++) {
            if (ren[k]) {
                rdv[k] = (uint32_t)vrf->m[(size_t)(ra[k] >> 12) * VW + (ra[k] & 0xfff)];
                last_read = (int64_t)cycle;
            } else {
                rdv[k] = (uint32_t)rnd();
            }
        }
        if (wen) {
            vrf->m[(size_t)(wa >> 12) * VW + (wa & 0xfff)] = (int32_t)wd;
            if (first_write < 0) first_write = (int64_t)cycle;
            vwrites++;
        }
        t->rd0_data_i = rdv[0];
        t->rd1_data_i = rdv[1];
        t->rd2_data_i = rdv[2];
        t->rd3_data_i = rdv[3];
        t->rd4_data_i = rdv[4];
#if WKV_SUB == 7
        t->rd5_data_i = rdv[5];
#endif
        if (rgnt) {
            if (raddr % 4 || rbytes == 0 || raddr + rbytes > mem.size()) flag("bad read request");
            else rd.push_back({raddr, rbytes, 0});
            reads_req++;
        }
        if (rtake) {
            Stream &s = rd.front();
            s.done += BUS;
            if (s.done >= s.bytes) rd.pop_front();
            beat_up = false;
        }
        if (wgnt) {
            if (waddr < lo || waddr + wbytes > hi || waddr % 4 || wbytes == 0) flag("write request outside the state");
            wr.push_back({waddr, wbytes, 0});
            writes_pending++;
            mwrites_req++;
        }
        if (wtake) {
            if (wr.empty()) {
                flag("write data without a granted request");
            } else {
                Stream &s = wr.front();
                for (int i = 0; i < BUS; i++) {
                    if (s.done + i < s.bytes) {
                        uint64_t a = s.addr + s.done + i;
                        if (a < lo || a >= hi) flag("write outside the state");
                        else mem[a] = wbeat[i];
                    } else if (wbeat[i]) {
                        flag("nonzero padding in the last write beat");
                    }
                }
                s.done += BUS;
                if (s.done >= s.bytes) {
                    wr.pop_front();
                    dones.push_back(cycle + 1 + rndn(p_rdy == 1 ? 2 : 40));
                }
            }
        }
        if (done_pulse) {
            dones.pop_front();
            writes_pending--;
        }
        cycle++;
    }
};

struct Case {
    uint32_t n, H;
    int src[NSRC], dst;
    uint64_t base;
};

int dom(const int32_t *m, int32_t e, uint32_t n)
{
    if (e > EXP_MAX || e < -EXP_MAX) return 0;
    for (uint32_t i = 0; i < n; i++)
        if (m[i] > MANT_MAX || m[i] < -MANT_MAX) return 0;
    return 1;
}

int32_t rd32(const std::vector<uint8_t> &m, uint64_t a)
{
    return (int32_t)((uint32_t)m[a] | (uint32_t)m[a + 1] << 8 | (uint32_t)m[a + 2] << 16 |
                     (uint32_t)m[a + 3] << 24);
}
void wr32(std::vector<uint8_t> &m, uint64_t a, int32_t v)
{
    for (int b = 0; b < 4; b++) m[a + b] = (uint8_t)((uint32_t)v >> (8 * b));
}

struct Stats {
    long cases = 0, bad = 0, errs = 0, heads = 0, why[4] = {0, 0, 0, 0};
    uint64_t cycles = 0;
    bool printed = false;
};

// Runs one case on the unit and on the golden model; returns 1 on a mismatch.
// The state's words are at c.base in s.mem; hb_valid: its true size in bytes.
// why_out (the replay): the mismatch, "" when none.
int run_case(Sim &s, Vrf &v, const Case &c, Ws &w, Stats &st, const char *name,
             std::string *why_out = nullptr)
{
    uint32_t N = 0;
    bool err = false;
    // card.c op_wkv_matrix: lengths, domain of every source but w, heads_ok,
    // then the domain of every head's state
    int why_err = 0;  // 1 source, 2 heads, 3 state
    for (int i = 0; i < NSRC; i++)
        if (v.n[c.src[i]] != c.n || (i != WSRC && !dom(v.reg(c.src[i]), v.e[c.src[i]], c.n)))
            err = true, why_err = 1;
    if (c.H == 0 || c.n % c.H || c.n / c.H == 0 || c.n / c.H > MAXN) err = true, why_err = 2;
    else N = c.n / c.H;
    uint64_t bytes = err ? 0 : (uint64_t)c.H * (4 + 4ull * N * N);
    std::vector<int32_t> state(bytes / 4);
    for (size_t i = 0; i < state.size(); i++) state[i] = rd32(s.mem, c.base + 4 * i);
    if (!err)
        for (uint32_t h = 0; h < c.H && !err; h++)
            if (!dom(&state[(size_t)h * (1 + N * N) + 1], state[(size_t)h * (1 + N * N)], N * N))
                err = true, why_err = 3;
    std::vector<int32_t> state0 = state;
    // expected register file and memory window
    Vrf exp = v;
    int32_t exp_e = 0;
    const uint64_t GUARD = 256;
    uint64_t wlo = c.base >= GUARD ? c.base - GUARD : 0;
    uint64_t whi = c.base + (bytes ? bytes : 4) + GUARD;
    std::vector<uint8_t> expmem(s.mem.begin() + wlo, s.mem.begin() + whi);
    if (!err) {
        std::vector<int32_t> y(c.n);
        rw_cbfv a[NSRC];
        for (int i = 0; i < NSRC; i++) a[i] = {v.reg(c.src[i]), v.e[c.src[i]], c.n};
        golden(y.data(), &exp_e, a, c.n, c.H, N, state.data(), w);
        memcpy(exp.reg(c.dst), y.data(), c.n * sizeof(int32_t));
        exp.e[c.dst] = exp_e;
        exp.n[c.dst] = c.n;
        std::vector<uint8_t> tmp(bytes);
        for (size_t i = 0; i < state.size(); i++) {
            uint32_t u = (uint32_t)state[i];
            for (int b = 0; b < 4; b++) expmem[c.base - wlo + 4 * i + b] = (uint8_t)(u >> (8 * b));
        }
    }

    Top *t = s.top;
    t->n_i = c.n;
    t->imm_i = c.H;
    t->src0_i = c.src[0];
    t->src1_i = c.src[1];
    t->src2_i = c.src[2];
    t->src3_i = c.src[3];
    t->src4_i = c.src[4];
    t->src0_e_i = (uint32_t)v.e[c.src[0]];
    t->src1_e_i = (uint32_t)v.e[c.src[1]];
    t->src2_e_i = (uint32_t)v.e[c.src[2]];
    t->src3_e_i = (uint32_t)v.e[c.src[3]];
    t->src4_e_i = (uint32_t)v.e[c.src[4]];
    t->src0_n_i = v.n[c.src[0]];
    t->src1_n_i = v.n[c.src[1]];
    t->src2_n_i = v.n[c.src[2]];
    t->src3_n_i = v.n[c.src[3]];
    t->src4_n_i = v.n[c.src[4]];
#if WKV_SUB == 7
    t->src5_i = c.src[5];
    t->src5_e_i = (uint32_t)v.e[c.src[5]];
    t->src5_n_i = v.n[c.src[5]];
#endif
    t->dst_i = c.dst;
    t->state_addr_i = c.base;
    s.vwrites = 0;
    s.mwrites_req = 0;
    s.reads_req = 0;
    s.last_read = -1;
    s.first_write = -1;
    s.lo = c.base;
    s.hi = c.base + bytes;
    s.proto.clear();
    uint64_t c0 = s.cycle;
    t->start_i = 1;
    s.tick();
    t->start_i = 0;
    bool done = false, got_err = false, busy_ok = true, dones_ok = true;
    int32_t got_e = 0;
    uint32_t got_n = 0;
    uint64_t limit = 100000 + 12ull * (bytes / 4) * (s.p_gnt + s.p_vld + s.p_rdy) + 60ull * c.n;
    while (!done && s.cycle - c0 < limit) {
        t->clk_i = 0;
        t->eval();
        if (!t->busy_o) busy_ok = false;
        if (t->done_o) {
            done = true;
            got_err = t->err_o;
            got_e = (int32_t)t->dst_e_o;
            got_n = t->dst_n_o;
            if (s.writes_pending || !s.wr.empty()) dones_ok = false;
        }
        s.tick();
    }
    // drain what the DMA still holds (only after a failure)
    for (int k = 0; k < 200 && (!s.rd.empty() || !s.dones.empty()); k++) s.tick();
    st.cycles += s.cycle - c0;
    st.cases++;
    st.heads += err ? 0 : c.H;
    if (err) st.errs++;
    if (err) st.why[why_err]++;
    if (done && !got_err) {
        v.e[c.dst] = got_e;
        v.n[c.dst] = got_n;
    }

    std::string why;
    char buf[300];
    if (!done) {
        why = "no done_o";
    } else if (!busy_ok) {
        why = "busy_o low before done_o";
    } else if (!s.proto.empty()) {
        why = "protocol: " + s.proto;
    } else if (got_err != err) {
        snprintf(buf, sizeof buf, "err_o %d, card.c says %d", got_err, err);
        why = buf;
    } else if (err && (s.vwrites || s.mwrites_req)) {
        snprintf(buf, sizeof buf, "%ld words and %ld memory writes with err_o", s.vwrites,
                 s.mwrites_req);
        why = buf;
    } else if (!dones_ok) {
        why = "done_o before every mwr_done_i";
    } else if (!s.rd.empty()) {
        why = "read data requested but not taken";
    } else if (!err && s.first_write >= 0 && s.first_write <= s.last_read) {
        why = "DST written before the last source read";
    } else if (!err && (got_e != exp_e || got_n != c.n)) {
        snprintf(buf, sizeof buf, "dst e/n %d/%u, want %d/%u", got_e, got_n, exp_e, c.n);
        why = buf;
    } else if (!err && s.vwrites != (long)c.n) {
        snprintf(buf, sizeof buf, "%ld DST writes for n = %u", s.vwrites, c.n);
        why = buf;
    } else {
        for (size_t i = 0; i < expmem.size() && why.empty(); i++)
            if (s.mem[wlo + i] != expmem[i]) {
                int64_t off = (int64_t)(wlo + i) - (int64_t)c.base;
                if (off >= 0 && (uint64_t)off < bytes) {
                    uint64_t wi = (uint64_t)off / 4, hw = 1 + (uint64_t)N * N;
                    snprintf(buf, sizeof buf,
                             "state head %" PRIu64 " word %" PRIu64 " = %d, want %d",
                             wi / hw, wi % hw, rd32(s.mem, c.base + 4 * wi),
                             rd32(expmem, c.base - wlo + 4 * wi));
                } else {
                    snprintf(buf, sizeof buf, "memory byte at state %+" PRId64 " changed", off);
                }
                why = buf;
            }
        for (int r = 0; r < NV && why.empty(); r++)
            for (int i = 0; i < VW; i++)
                if (v.m[(size_t)r * VW + i] != exp.m[(size_t)r * VW + i]) {
                    snprintf(buf, sizeof buf, "v%d[%d] = %d, want %d%s", r, i,
                             v.m[(size_t)r * VW + i], exp.m[(size_t)r * VW + i],
                             r == c.dst && (uint32_t)i < c.n ? "" : " (not a DST word)");
                    why = buf;
                    break;
                }
    }
    if (why_out) *why_out = why;
    if (!why.empty()) {
        st.bad++;
        if (!st.printed) {
            printf("FAIL %s: case %ld: %s (n=%u H=%u N=%u state at 0x%" PRIx64 " src=", name,
                   st.cases - 1, why.c_str(), c.n, c.H, N, c.base);
            for (int i = 0; i < NSRC; i++)
                printf("v%d(e=%d)%s", c.src[i], v.e[c.src[i]], i + 1 < NSRC ? "," : "");
            printf(" dst=v%d stalls 1/%u,1/%u,1/%u)\n", c.dst, s.p_gnt, s.p_vld, s.p_rdy);
            st.printed = true;
            if (getenv("WKV_TB_DUMP") && !err) {  // the whole case, for debugging
                for (int i = 0; i < NSRC; i++) {
                    printf("#  src%d e=%d:", i, v.e[c.src[i]]);
                    for (uint32_t j = 0; j < c.n && j < 64; j++) printf(" %d", v.reg(c.src[i])[j]);
                    printf("\n");
                }
                for (size_t i = 0; i < state.size() && i < 64; i++)
                    printf("#  state[%zu] before %d want %d got %d\n", i, state0[i], state[i],
                           rd32(s.mem, c.base + 4 * i));
            }
        }
        v = exp;  // continue from the expected state
        memcpy(&s.mem[wlo], expmem.data(), expmem.size());
        s.dones.clear();
        s.rd.clear();
        s.wr.clear();
        s.writes_pending = 0;
        s.beat_up = false;
        return 1;
    }
    return 0;
}

// A head size: mostly small real ones, sometimes 64 or any 1..64.
uint32_t rand_N(int big)
{
    static const uint32_t real[4] = {8, 16, 32, 64};
    if (big) return rndn(3) ? 64 : real[rndn(4)];
    uint32_t x = rndn(100);
    if (x < 50) return 8;
    if (x < 72) return 16;
    if (x < 80) return 32;
    if (x < 83) return 64;
    return 1 + rndn(x < 95 ? 24 : MAXN);
}

// Sources (some aliased), destination, a state at a random aligned address.
void make_case(Sim &s, Vrf &v, Case &c, uint32_t N, uint32_t H, Ws &w, bool plain = false)
{
    c.n = N * H;
    c.H = H;
    for (int i = 0; i < NSRC; i++) {
        bool again;
        do {  // distinct registers ...
            c.src[i] = (int)rndn(NV);
            again = false;
            for (int j = 0; j < i; j++) again |= c.src[j] == c.src[i];
        } while (again);
        if (rndn(12) == 0 && i && !plain) {  // ... or aliases; onto w only sometimes
            c.src[i] = c.src[rndn(i)];       // (an error: w's words are raw decays)
            if (c.src[i] == c.src[WSRC] && i > WSRC && rndn(4)) c.src[i] = c.src[0] == c.src[WSRC] ? c.src[i] : c.src[0];
        }
    }
    c.dst = rndn(4) == 0 ? c.src[rndn(NSRC)] : (int)rndn(NV);
    for (int i = 0; i < NSRC; i++) {
        bool seen = false;
        for (int j = 0; j < i; j++) seen |= c.src[j] == c.src[i];
        if (seen) continue;
        int r = c.src[i];
        // w aliasing another source gets that source's words (still valid)
        if (i == WSRC) {
            rand_decay(v.reg(r), c.n);
            v.e[r] = rndn(3) ? 0 : (int32_t)rnd();  // never checked
        } else {
            rand_vec(v.reg(r), c.n);
            v.e[r] = rand_exp();
        }
        v.n[r] = c.n;
    }
    uint64_t bytes = (uint64_t)H * (4 + 4ull * N * N);
    c.base = 512 + 4 * (uint64_t)rndn((uint32_t)((MEM_BYTES - bytes - 1024) / 4));
    std::vector<int32_t> st((size_t)H * (1 + N * N));
    rand_state(st.data(), H, N, w);
    for (size_t i = 0; i < st.size(); i++) wr32(s.mem, c.base + 4 * i, st[i]);
    // garbage around it
    for (int i = 1; i <= 256; i++) {
        s.mem[c.base - i] = (uint8_t)rnd();
        s.mem[c.base + bytes + i - 1] = (uint8_t)rnd();
    }
}

// Breaks one of card.c's conditions.
void break_case(Sim &s, Vrf &v, Case &c)
{
    int i = (int)rndn(NSRC);
    if (i == WSRC) i = 0;
    int r = c.src[i];
    uint32_t N = c.n / c.H, hw = 1 + N * N;
    int32_t bad = rndn(2) ? MANT_MAX + 1 + (int32_t)rndn(1000)
                          : MANT_MAX + (int32_t)rndn((uint32_t)INT32_MAX - MANT_MAX) + 1;
    if (rndn(2)) bad = -bad;
    switch (rndn(9)) {
    case 0: v.reg(r)[rndn(c.n)] = bad; break;
    case 1: v.reg(r)[c.n - 1] = INT32_MIN; break;
    case 2:  // exponent outside 2^24
        v.e[r] = rndn(2) ? EXP_MAX + 1 + (int32_t)rndn(100) : -EXP_MAX - 1 - (int32_t)rndn(100);
        break;
    case 3: {  // a length that differs (w's too)
        int j = (int)rndn(NSRC);
        v.n[c.src[j]] = c.n + 1 + rndn(3) <= (uint32_t)VW ? c.n + 1 + rndn(3) : c.n - 1;
        break;
    }
    case 4:  // heads that do not divide n, zero heads, a head size above 64
        c.H = rndn(3) == 0 ? 0 : rndn(2) ? c.n + 1 + rndn(5) : (c.n > 64 ? 1 : 0);
        if (c.H == 0 && rndn(2)) c.H = 7 * (c.n % 7 != 0);
        break;
    case 5: case 6: {  // a state mantissa outside 2^30, in some head (often the last word)
        uint32_t h = rndn(c.H);
        uint32_t k = rndn(3) == 0 ? N * N : 1 + rndn(N * N);
        if (rndn(3) == 0) h = c.H - 1;
        wr32(s.mem, c.base + 4ull * (h * hw + k), bad);
        break;
    }
    default: {  // a state exponent outside 2^24
        uint32_t h = rndn(c.H);
        int32_t e = rndn(2) ? EXP_MAX + 1 + (int32_t)rndn(1u << 20) : -EXP_MAX - 1 - (int32_t)rndn(4);
        wr32(s.mem, c.base + 4ull * h * hw, e);
        break;
    }
    }
}

// ------------------------------------------------------------ golden-vector replay

// The record's inputs in instruction order (driver/conform.c replay_wkv_matrix).
#if WKV_SUB == 7
const char *const ROLES[NSRC] = {"r", "w", "k", "v", "kk", "a"};
#else
const char *const ROLES[NSRC] = {"r", "k", "v", "w", "u"};
#endif

// Replays one record: its sources loaded into distinct random registers with
// their recorded words, exponents and lengths (w, uint32, with exponent 0), its
// H = model.rq's n_head states (int32 e, then N x N words each) written to
// memory at a random address, the unit run through run_case (protocol, card.c's
// checks, every register and state byte against the golden function), then the
// unit's DST words, exponent and length and every head's state exponent and
// words compared with the recorded y and S'. Returns "" when all match.
std::string replay_record(Sim &s, Vrf &v, Ws &w, const ConformSet &set, const rw_trace_rec &r,
                          uint64_t &cycles)
{
    char buf[300];
    uint32_t H = set.q->info.n_head, N = set.q->info.head_size;
    const rw_trace_opnd *o[NSRC];
    for (int i = 0; i < NSRC; i++) {
        o[i] = conform_opnd(r, 0, ROLES[i]);
        uint32_t type = i == WSRC ? RW_OT_U32 : RW_OT_BFV;
        if (!o[i] || o[i]->type != type)
            return std::string("input '") + ROLES[i] + "' missing or not " +
                   (i == WSRC ? "uint32" : "a BFV");
        if (o[i]->n > (uint32_t)VW)
            return std::string("input '") + ROLES[i] + "' longer than a vector register";
    }
    const rw_trace_opnd *y = conform_opnd(r, 1, "y");
    if (!y || y->type != RW_OT_BFV) return "output 'y' missing or not a BFV";
    uint32_t n = o[0]->n;
    if (H == 0 || N == 0 || N > (uint32_t)MAXN || (uint64_t)H * N != n) {
        snprintf(buf, sizeof buf, "n_head %u x head_size %u of model.rq is not r's %u words", H,
                 N, n);
        return buf;
    }
    if (conform_opnd(r, 0, "S", H) || conform_opnd(r, 1, "S'", H))
        return "more states than model.rq's n_head";
    uint32_t hw = 1 + N * N;
    uint64_t bytes = 4ull * H * hw;
    Case c;
    c.n = n;
    c.H = H;
    for (int i = 0; i < NSRC; i++) {
        bool again;
        do {
            c.src[i] = (int)rndn(NV);
            again = false;
            for (int j = 0; j < i; j++) again |= c.src[j] == c.src[i];
        } while (again);
        std::vector<int32_t> m = conform_words(o[i]);
        memcpy(v.reg(c.src[i]), m.data(), m.size() * sizeof(int32_t));
        v.e[c.src[i]] = i == WSRC ? 0 : o[i]->e;
        v.n[c.src[i]] = o[i]->n;
    }
    c.dst = rndn(4) == 0 ? c.src[rndn(NSRC)] : (int)rndn(NV);
    c.base = 512 + 4 * (uint64_t)rndn((uint32_t)((MEM_BYTES - bytes - 1024) / 4));
    for (uint32_t h = 0; h < H; h++) {
        const rw_trace_opnd *S = conform_opnd(r, 0, "S", h);
        const rw_trace_opnd *Sp = conform_opnd(r, 1, "S'", h);
        if (!S || S->type != RW_OT_BFV || S->n != N * N || !Sp || Sp->type != RW_OT_BFV ||
            Sp->n != N * N) {
            snprintf(buf, sizeof buf, "state S or S' of head %u missing or not %u x %u words", h,
                     N, N);
            return buf;
        }
        std::vector<int32_t> m = conform_words(S);
        uint64_t a = c.base + 4ull * h * hw;
        wr32(s.mem, a, S->e);
        for (uint32_t i = 0; i < N * N; i++) wr32(s.mem, a + 4 + 4ull * i, m[i]);
    }
    s.p_gnt = 1 + rndn(4);
    s.p_vld = 1 + rndn(4);
    s.p_rdy = 1 + rndn(4);
    Stats one;
    one.printed = true;  // the replay reports
    std::string why;
    run_case(s, v, c, w, one, UNIT "_conform", &why);
    cycles = one.cycles;
    if (!why.empty()) return "the unit against the golden function: " + why;
    if (one.errs)
        return "err_o: operands outside card.c op_wkv_matrix's checks, which the golden "
               "function computes anyway";
    if (v.e[c.dst] != y->e || v.n[c.dst] != y->n) {
        snprintf(buf, sizeof buf, "dst (e, n) = (%d, %u), recorded (%d, %u)", v.e[c.dst],
                 v.n[c.dst], y->e, y->n);
        return buf;
    }
    std::vector<int32_t> want = conform_words(y);
    for (uint32_t i = 0; i < n; i++)
        if (v.reg(c.dst)[i] != want[i]) {
            snprintf(buf, sizeof buf, "y word %u = %d, recorded %d", i, v.reg(c.dst)[i], want[i]);
            return buf;
        }
    for (uint32_t h = 0; h < H; h++) {
        const rw_trace_opnd *Sp = conform_opnd(r, 1, "S'", h);
        uint64_t a = c.base + 4ull * h * hw;
        if (rd32(s.mem, a) != Sp->e) {
            snprintf(buf, sizeof buf, "S' head %u exponent %d, recorded %d", h, rd32(s.mem, a),
                     Sp->e);
            return buf;
        }
        std::vector<int32_t> m = conform_words(Sp);
        for (uint32_t i = 0; i < N * N; i++)
            if (rd32(s.mem, a + 4 + 4ull * i) != m[i]) {
                snprintf(buf, sizeof buf, "S' head %u word %u = %d, recorded %d", h, i,
                         rd32(s.mem, a + 4 + 4ull * i), m[i]);
                return buf;
            }
    }
    return "";
}

// Replays every UNIT record of the set; returns the mismatches (a missing set:
// 0 after the helper's skip line, 1 under CI=true). Built for SUB 5 on an
// RWKV-7 set (the default) there are no wkv5 records: said, and nothing fails.
long replay_conform(Sim &s, Vrf &v, Ws &w)
{
    const char *name = UNIT "_conform";
    static const char *const units[] = {UNIT, nullptr};
    ConformSet set;
    if (!conform_open(set, name)) {
        const char *ci = getenv("CI");
        FILE *f = fopen((set.dir + "/vectors.bin").c_str(), "rb");
        FILE *q = fopen((set.dir + "/model.rq").c_str(), "rb");
        bool missing = !f || !q;
        if (f) fclose(f);
        if (q) fclose(q);
        return missing && !(ci && !strcmp(ci, "true")) ? 0 : 1;  // skip, or the FAIL printed
    }
    long records = 0, bad = 0;
    uint64_t cycles = 0;
    std::string first;
    long n = conform_each(set, units, name, [&](const rw_trace_rec &r) {
        uint64_t cyc = 0;
        std::string why = replay_record(s, v, w, set, r, cyc);
        records++;
        cycles += cyc;
        if (!why.empty() && bad++ == 0) {
            char buf[160];
            snprintf(buf, sizeof buf, "record %u (%s %s, token %u, layer %d): ", r.index, r.unit,
                     r.name, r.token, (int)r.layer);
            first = buf + why;
        }
        return true;
    });
    if (n < 0) return 1;  // malformed file: the helper printed FAIL
    printf("# %s: %s: %ld %s records replayed (n_head %u, head_size %u), %ld mismatches, "
           "%" PRIu64 " cycles\n",
           name, set.dir.c_str(), records, UNIT, set.q->info.n_head, set.q->info.head_size, bad,
           cycles);
    if (records == 0) {
#if WKV_SUB == 7
        printf("FAIL %s: no %s records in %s\n", name, UNIT, set.dir.c_str());
        return 1;
#else
        printf("# %s: no %s records in %s (not an RWKV-5 set): nothing replayed\n", name, UNIT,
               set.dir.c_str());
        return 0;
#endif
    }
    if (bad) {
        printf("FAIL %s: %s; %ld of %ld records differ\n", name, first.c_str(), bad, records);
        return bad;
    }
    printf("ok %s (%ld records, 0 mismatches)\n", name, records);
    return 0;
}

}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    Top *top = new Top;
    Vrf *vrf = new Vrf;
    for (int r = 0; r < NV; r++) {
        for (int i = 0; i < VW; i++) vrf->reg(r)[i] = (int32_t)rnd();
        vrf->e[r] = 0;
        vrf->n[r] = 0;
    }
    Sim s;
    s.top = top;
    s.vrf = vrf;
    Ws w;
    long scale = argc > 1 && !strcmp(argv[argc - 1], "--quick") ? 10 : 1;
    printf("# tb_%s seed 0x%" PRIx64 "\n", UNIT, SEED);

    top->clk_i = 0;
    top->rst_ni = 0;
    top->start_i = 0;
    top->eval();
    for (int i = 0; i < 4; i++) s.tick();
    top->rst_ni = 1;
    s.tick();

    long bad = 0;
    struct Group {
        const char *name;
        long count;
        int kind;  // 0 small, 1 large, 2 error, 3 no stalls
    } groups[] = {
        {UNIT "_small", 8500, 0},
        {UNIT "_nostall", 500, 3},
        {UNIT "_large", 12, 1},
        {UNIT "_err", 2000, 2},
    };
    for (const Group &g : groups) {
        Stats st;
        for (long k = 0; k < g.count / scale; k++) {
            Case c;
            uint32_t N = rand_N(g.kind == 1), H;
            if (g.kind == 1 && k % 4 == 3) N = 1 + rndn(4);  // many tiny heads
            uint32_t hmax = (uint32_t)VW / N;
            if (g.kind == 1) H = rndn(2) ? hmax : 1 + rndn(hmax);
            else H = 1 + rndn(rndn(16) == 0 ? (hmax < 64 ? hmax : 64) : (hmax < 4 ? hmax : 4));
            if (g.kind != 1) {
                // keep the small group small: about 40 K state words at most
                while (H > 1 && (uint64_t)H * N * N > 20000) H /= 2;
            }
            make_case(s, *vrf, c, N, H, w);
            if (g.kind == 2) break_case(s, *vrf, c);
            // stalls: 1 in p cycles grants / presents a beat / takes a beat;
            // sometimes very slow (a small head's pass D then ends before
            // its write is granted)
            s.p_gnt = g.kind == 3 ? 1 : 1 + rndn(rndn(8) ? 4 : 40);
            s.p_vld = g.kind == 3 ? 1 : 1 + rndn(rndn(8) ? 4 : 12);
            s.p_rdy = g.kind == 3 ? 1 : 1 + rndn(rndn(8) ? 4 : 12);
            bad += run_case(s, *vrf, c, w, st, g.name);
        }
        if (!st.bad)
            printf("ok %s (%ld cases, %ld with err [sources %ld, heads %ld, state %ld], %ld heads, "
                   "%" PRIu64 " cycles, 0 mismatches)\n",
                   g.name, st.cases, st.errs, st.why[1], st.why[2], st.why[3], st.heads, st.cycles);
        else
            printf("    %s: %ld mismatches in %ld cases\n", g.name, st.bad, st.cases);
        fflush(stdout);
    }
    // Cycles without stalls (the DMA grants at once, a beat every cycle): a
    // case of H heads costs fixed + H x per-head; per head from H = 1 and 5.
    {
        Stats st;
        static const uint32_t Ns[4] = {8, 16, 32, 64};
        for (int k = 0; k < 4; k++) {
            uint64_t cyc[2];
            for (int j = 0; j < 2; j++) {
                Case c;
                uint32_t H = j ? 5 : 1;
                make_case(s, *vrf, c, Ns[k], H, w, true);
                s.p_gnt = s.p_vld = s.p_rdy = 1;
                uint64_t c0 = st.cycles;
                bad += run_case(s, *vrf, c, w, st, UNIT "_perf");
                cyc[j] = st.cycles - c0;
            }
            if (st.errs) printf("# (a perf case was refused by the checks)\n");
            printf("# %s N=%u: %" PRIu64 " cycles for 1 head, %" PRIu64
                   " per further head (%.2f x N^2)\n",
                   UNIT, Ns[k], cyc[0], (cyc[1] - cyc[0]) / 4,
                   (double)(cyc[1] - cyc[0]) / 4 / (Ns[k] * Ns[k]));
        }
        if (!st.bad) printf("ok %s_perf (%ld cases, 0 mismatches)\n", UNIT, st.cases);
    }
    // every record of the unit in one conformance set
    bad += replay_conform(s, *vrf, w);
    delete top;
    delete vrf;
    if (bad) {
        printf("FAIL tb_%s: %ld mismatches\n", UNIT, bad);
        return 1;
    }
    return 0;
}
