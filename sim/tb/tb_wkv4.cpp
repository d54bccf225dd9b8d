// tb_wkv4.cpp - the RWKV-4 WKV unit (rtl/wkv4.sv) against the golden model:
// rw_wkv4 (cmodel/golden/wkv4.c) with the checks of card.c op_wkv4 (vdom of k
// and v, dom of aa and bb, pp in [RW_PP_MIN, RW_LOG_MAX], rw_wkv4_defined;
// operand lengths), on identical inputs.
//
// The harness models the vector register file (4 read ports with one cycle of
// latency, garbage on cycles without a read; one write port) and a byte memory
// serving the mrd/mwr streams with random grant delays, random valid/ready
// stalls, a random delay before mwr_done_i, and protocol checks (one request per
// stream, data held while stalled, no beat before the grant, zero padding).
// Cases: C from 0 to 4096 (mostly small, some large, 4096 itself), states from
// running rw_wkv4 from the empty state over 1..6 random tokens, random states
// within the checks (wide exponents, mixed signs, ties of the exp pairs, the
// exp table's edges), inputs of all magnitudes and exponents (k clamps), register
// aliasing (DST = a source, sources sharing a register), and error cases (pp out
// of range, |m| or |e| too large in k, v, aa, bb, a denominator of exactly zero,
// lengths that differ). Every case compares DST's C words, its exponent and
// length, and every byte of the memory (the state written back, nothing else
// touched); an error case must write nothing at all.
// Prints one "ok NAME" / "FAIL NAME: why" line per check; exits non-zero on any
// failure. Seed fixed (printed); argv[1] may give another (hex).
#include "Vwkv4.h"
#include "verilated.h"

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "golden/bfv.h"
#include "golden/wkv.h"
}

namespace {

// ------------------------------------------------------------------ random

uint64_t rng_state = 0x3141'5926'5358'9793ull;

uint64_t rnd()
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
uint32_t rndu(uint32_t n) { return (uint32_t)(rnd() % n); }                 // 0 .. n-1
int64_t rndr(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)); }
bool chance(double p) { return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0) < p; }

const int NREG = 32, VW = 4096, BUS = 64;
const int32_t M30 = 1 << 30;
const int32_t EXP_MAX = 1 << 24;

// a mantissa of b significant bits (b = 0: zero), random sign, |m| <= 2^30
int32_t mant_bits(int b)
{
    if (b <= 0)
        return 0;
    if (b > 31)
        b = 31;
    int64_t m = b == 31 ? M30 : (int64_t)((rnd() & ((1ull << b) - 1)) | (1ull << (b - 1)));
    return (int32_t)(chance(0.5) ? -m : m);
}

// a block-floating vector's mantissas in one of several shapes
void gen_mants(std::vector<int32_t> &m, uint32_t C, bool positive = false)
{
    m.assign(C, 0);
    uint32_t shape = rndu(8);
    int fixb = 1 + (int)rndu(30);
    for (uint32_t i = 0; i < C; i++) {
        int32_t x;
        switch (shape) {
        case 0: // normalized-looking: 30-bit random
        case 1:
            x = (int32_t)rndr(-M30 + 1, M30 - 1);
            break;
        case 2: // every bit length
            x = mant_bits((int)rndu(32));
            break;
        case 3: // all zero
            x = 0;
            break;
        case 4: // mostly zero
            x = chance(0.15) ? mant_bits(1 + (int)rndu(31)) : 0;
            break;
        case 5: // small values with ties (powers of two and halves)
            x = chance(0.5) ? (int32_t)rndr(-8, 8) : mant_bits(fixb) & ~((1 << (fixb > 3 ? fixb - 3 : 0)) - 1);
            break;
        case 6: // extremes
            x = chance(0.5) ? (chance(0.5) ? M30 : -M30) : mant_bits(30);
            break;
        default: // one bit length for the whole vector
            x = mant_bits(fixb);
            break;
        }
        if (positive)
            x = x < 0 ? -x : x;
        m[i] = x;
    }
}

int32_t gen_exp(int mode)
{
    switch (mode) {
    case 0: return (int32_t)rndr(-36, -22);            // k, v of a model: |x| up to ~2^8
    case 1: return (int32_t)rndr(-90, 50);             // wide: clamps and rounding in to_q16
    case 2: return (int32_t)rndr(-EXP_MAX, EXP_MAX);   // anywhere in the domain
    default: return chance(0.5) ? EXP_MAX - (int32_t)rndu(40) : -EXP_MAX + (int32_t)rndu(40);
    }
}

int32_t gen_exp_any() { return gen_exp(rndu(10) < 5 ? 0 : rndu(10) < 7 ? 1 : rndu(10) < 8 ? 2 : 3); }

// raw Q15.16 words: decay (w = -exp(time_decay), <= 0 typically) and first (u)
int32_t gen_decay()
{
    uint32_t r = rndu(16);
    if (r < 10) return -(int32_t)rndu(1u << 22);
    if (r < 13) return (int32_t)rnd();
    if (r == 13) return chance(0.5) ? INT32_MIN : INT32_MAX;
    return (int32_t)rndr(-(1 << 28) - 4, (1 << 28) + 4);
}
int32_t gen_first()
{
    uint32_t r = rndu(16);
    if (r < 10) return (int32_t)rndr(-(1 << 20), 1 << 20);
    if (r < 13) return (int32_t)rnd();
    if (r == 13) return chance(0.5) ? INT32_MIN : INT32_MAX;
    return (int32_t)rndr(-(1 << 28) - 4, (1 << 28) + 4);
}
int32_t gen_pp()
{
    uint32_t r = rndu(8);
    if (r == 0) return RW_PP_MIN;
    if (r == 1) return RW_LOG_MAX;
    if (r == 2) return (int32_t)rndr(-(1 << 22), 1 << 22);
    return (int32_t)rndr(RW_PP_MIN, RW_LOG_MAX);
}

// ------------------------------------------------------------------ golden

struct Ws {
    std::vector<int64_t> tmp, st;
    std::vector<int32_t> est, a, b, c, d, q32;
    std::vector<int16_t> q1, q2;
    rw_wkv_ws ws;
    Ws()
        : tmp(VW), st(VW), est(VW), a(VW), b(VW), c(VW), d(VW), q32(VW), q1(VW), q2(VW)
    {
        ws = {tmp.data(), st.data(), est.data(), a.data(), b.data(),
              c.data(), d.data(), q32.data(), q1.data(), q2.data()};
    }
};

struct State {
    std::vector<int32_t> aa, bb, pp;
    int32_t aa_e = 0, bb_e = 0;
};

bool dom(const int32_t *m, int32_t e, uint32_t n)
{
    if (e > EXP_MAX || e < -EXP_MAX)
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (m[i] > M30 || m[i] < -M30)
            return false;
    return true;
}

// one token of rw_wkv4 on s (used to evolve states from the empty one); false,
// with s unchanged, when rw_wkv4 is not defined there (a denominator element
// rounds to zero next to a much larger one)
bool golden_step(State &s, uint32_t C, const std::vector<int32_t> &km, int32_t ke,
                 const std::vector<int32_t> &vm, int32_t ve, const std::vector<int32_t> &dec,
                 const std::vector<int32_t> &fst, Ws &w)
{
    std::vector<int32_t> out(C + 1);
    rw_bfv y = {out.data(), 0, C};
    rw_wkv4_state st = {{s.aa.data(), s.aa_e, C}, {s.bb.data(), s.bb_e, C}, s.pp.data()};
    rw_cbfv k = {km.data(), ke, C}, v = {vm.data(), ve, C};
    if (!rw_wkv4_defined(k, fst.data(), &st, &w.ws))
        return false;
    rw_wkv4(&y, k, v, dec.data(), fst.data(), &st, &w.ws);
    s.aa_e = st.aa.e;
    s.bb_e = st.bb.e;
    return true;
}

// ------------------------------------------------------------------ harness

struct Stats {
    uint64_t cases = 0, ok_cases = 0, err_cases = 0, words = 0, cycles = 0;
    uint64_t big = 0, alias_dst = 0, alias_src = 0, c4096 = 0, c0 = 0;
    uint64_t kinds_err[8] = {};
};

struct Tb {
    Vwkv4 dut;
    int32_t vrf[NREG][VW];
    int32_t reg_e[NREG];
    uint32_t reg_n[NREG];
    static const uint64_t MEM_BASE = 0x0000'0007'fff0'0000ull;
    static const size_t MEM_SIZE = 65536;
    std::vector<uint8_t> mem, mem_ref;
    uint64_t cycle = 0;

    // stream settings of the current case
    double p_vld = 1, p_rdy = 1;
    int gnt_delay_r = 0, gnt_delay_w = 0, done_delay = 0;

    Tb() : mem(MEM_SIZE), mem_ref(MEM_SIZE)
    {
        for (auto &r : vrf)
            for (auto &x : r)
                x = (int32_t)rnd();
        for (int r = 0; r < NREG; r++) {
            reg_e[r] = 0;
            reg_n[r] = 0;
        }
        for (auto &b : mem)
            b = (uint8_t)rnd();
        mem_ref = mem;
        dut.clk_i = 0;
        dut.rst_ni = 0;
        dut.start_i = 0;
        dut.mrd_gnt_i = 0;
        dut.mrd_vld_i = 0;
        dut.mwr_gnt_i = 0;
        dut.mwr_rdy_i = 0;
        dut.mwr_done_i = 0;
        for (int i = 0; i < 4; i++) {
            dut.clk_i = 0;
            dut.eval();
            dut.clk_i = 1;
            dut.eval();
        }
        dut.rst_ni = 1;
        dut.clk_i = 0;
        dut.eval();
    }
};

struct Result {
    bool timeout = false;
    bool done = false, err = false;
    int32_t dst_e = 0;
    uint32_t dst_n = 0;
    std::string proto; // first protocol violation
    uint64_t cycles = 0;
    uint32_t rd_reqs = 0, wr_reqs = 0;
    std::vector<int> written; // per index: times written
};

void put32(uint8_t *p, int32_t v)
{
    uint32_t u = (uint32_t)v;
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(u >> (8 * i));
}

// Runs one instruction on the DUT: start, then cycles until done_o.
Result run(Tb &tb, uint32_t C, int dst, const int src[4], uint64_t addr)
{
    Vwkv4 &d = tb.dut;
    Result r;
    r.written.assign(VW, 0);
    auto proto = [&](const std::string &s) {
        if (r.proto.empty())
            r.proto = s + " (cycle " + std::to_string(r.cycles) + ")";
    };

    // inputs held for the whole instruction
    d.n_i = C;
    d.dst_i = dst;
    d.src0_i = src[0];
    d.src1_i = src[1];
    d.src2_i = src[2];
    d.src3_i = src[3];
    d.src0_e_i = (uint32_t)tb.reg_e[src[0]];
    d.src1_e_i = (uint32_t)tb.reg_e[src[1]];
    d.src2_e_i = (uint32_t)tb.reg_e[src[2]];
    d.src3_e_i = (uint32_t)tb.reg_e[src[3]];
    d.src0_n_i = tb.reg_n[src[0]];
    d.src1_n_i = tb.reg_n[src[1]];
    d.src2_n_i = tb.reg_n[src[2]];
    d.src3_n_i = tb.reg_n[src[3]];
    d.state_addr_i = addr;

    // stream models
    int rd_state = 0; // 0 no request yet, 1 granting, 2 streaming, 3 finished
    int rd_wait = 0;
    uint64_t rd_addr = 0;
    uint32_t rd_bytes = 0, rd_beat = 0, rd_beats = 0;
    bool rd_vld = false;
    int wr_state = 0; // 0 none, 1 granting, 2 data, 3 done pending, 4 finished
    int wr_wait = 0;
    uint64_t wr_addr = 0;
    uint32_t wr_bytes = 0, wr_beat = 0, wr_beats = 0;
    bool prev_wvld_stalled = false;
    uint32_t prev_wdata[BUS / 4] = {};
    bool rd_en_prev[4] = {};
    uint32_t rd_addr_prev[4] = {};

    const uint64_t limit = 60ull * C + 20000;
    bool started = false;
    d.start_i = 1;
    for (;;) {
        // ---- drive inputs for this cycle
        d.clk_i = 0;
        // read port data: one cycle after the enable, garbage otherwise
        uint32_t *rdd[4] = {&d.rd0_data_i, &d.rd1_data_i, &d.rd2_data_i, &d.rd3_data_i};
        for (int p = 0; p < 4; p++) {
            if (rd_en_prev[p]) {
                uint32_t a = rd_addr_prev[p];
                *rdd[p] = (uint32_t)tb.vrf[(a >> 12) & 31][a & 4095];
            } else {
                *rdd[p] = (uint32_t)rnd();
            }
        }
        d.mrd_gnt_i = rd_state == 1 && rd_wait == 0;
        if (rd_state == 2 && !rd_vld && chance(tb.p_vld))
            rd_vld = true;
        d.mrd_vld_i = rd_vld;
        if (rd_vld) {
            size_t off = (size_t)(rd_addr - Tb::MEM_BASE) + (size_t)rd_beat * BUS;
            for (int w = 0; w < BUS / 4; w++) {
                uint32_t u = 0;
                for (int b = 0; b < 4; b++) {
                    size_t k = (size_t)rd_beat * BUS + (size_t)w * 4 + b;
                    uint8_t byte = k < rd_bytes ? tb.mem[off + (size_t)w * 4 + b] : 0;
                    u |= (uint32_t)byte << (8 * b);
                }
                d.mrd_data_i[w] = u;
            }
        } else {
            for (int w = 0; w < BUS / 4; w++)
                d.mrd_data_i[w] = (uint32_t)rnd();
        }
        d.mwr_gnt_i = wr_state == 1 && wr_wait == 0;
        d.mwr_rdy_i = wr_state == 2 && chance(tb.p_rdy);
        d.mwr_done_i = wr_state == 3 && wr_wait == 0;
        d.eval();

        // ---- sample outputs
        bool start = d.start_i;
        if (start && d.busy_o)
            proto("start while busy");
        if (started && !d.busy_o)
            proto("busy_o low before done_o");
        bool done = d.done_o, err = d.err_o;
        if (err && !done)
            proto("err_o without done_o");
        bool en[4] = {(bool)d.rd0_en_o, (bool)d.rd1_en_o, (bool)d.rd2_en_o, (bool)d.rd3_en_o};
        uint32_t ra[4] = {d.rd0_addr_o, d.rd1_addr_o, d.rd2_addr_o, d.rd3_addr_o};
        for (int p = 0; p < 4; p++)
            if (en[p] && (((ra[p] >> 12) & 31) != (uint32_t)src[p] || (ra[p] & 4095) >= C))
                proto("read port " + std::to_string(p) + " outside its source: addr " +
                      std::to_string(ra[p]));
        bool wen = d.wr_en_o;
        uint32_t wa = d.wr_addr_o;
        int32_t wdat = (int32_t)d.wr_data_o;
        bool mrd_req = d.mrd_req_o, mrd_rdy = d.mrd_rdy_o;
        uint64_t mrd_addr = d.mrd_addr_o;
        uint32_t mrd_bytes = d.mrd_bytes_o;
        bool mwr_req = d.mwr_req_o, mwr_vld = d.mwr_vld_o;
        uint64_t mwr_addr = d.mwr_addr_o;
        uint32_t mwr_bytes = d.mwr_bytes_o;
        uint32_t wdata[BUS / 4];
        for (int w = 0; w < BUS / 4; w++)
            wdata[w] = d.mwr_data_o[w];
        if (done) {
            r.done = true;
            r.err = err;
            r.dst_e = (int32_t)d.dst_e_o;
            r.dst_n = d.dst_n_o;
        }

        // ---- clock edge
        d.clk_i = 1;
        d.eval();
        r.cycles++;
        tb.cycle++;
        if (start) {
            d.start_i = 0;
            started = true;
        }

        // ---- models see the edge
        for (int p = 0; p < 4; p++) {
            rd_en_prev[p] = en[p];
            rd_addr_prev[p] = ra[p];
        }
        if (wen) {
            uint32_t reg = (wa >> 12) & 31, idx = wa & 4095;
            if ((int)reg != dst || idx >= C)
                proto("write outside DST[0..C-1]: addr " + std::to_string(wa));
            else {
                for (int p = 0; p < 4; p++)
                    if (en[p] && ra[p] == wa)
                        proto("read and write of one word in one cycle");
                r.written[idx]++;
                tb.vrf[reg][idx] = wdat;
            }
        }
        // read stream
        if (rd_state == 0 && mrd_req) {
            rd_state = 1;
            rd_wait = (int)rndu((uint32_t)tb.gnt_delay_r + 1);
            r.rd_reqs++;
        } else if (rd_state == 1) {
            if (!mrd_req)
                proto("mrd_req_o dropped before the grant");
            if (rd_wait == 0) {
                rd_addr = mrd_addr;
                rd_bytes = mrd_bytes;
                rd_beats = (rd_bytes + BUS - 1) / BUS;
                rd_beat = 0;
                rd_state = rd_beats ? 2 : 3;
                if (rd_addr < Tb::MEM_BASE || rd_addr + rd_bytes > Tb::MEM_BASE + Tb::MEM_SIZE ||
                    (rd_addr & 3)) {
                    proto("mrd request outside the memory");
                    rd_state = 3;
                }
            } else {
                rd_wait--;
            }
        } else if (rd_state >= 2 && mrd_req) {
            proto("second mrd request");
        }
        if (rd_state == 2 && rd_vld && mrd_rdy) {
            rd_vld = false;
            if (++rd_beat == rd_beats)
                rd_state = 3;
        }
        // write stream
        if (mwr_vld && wr_state != 2)
            proto("mwr_vld_o outside a granted write");
        if (wr_state == 0 && mwr_req) {
            wr_state = 1;
            wr_wait = (int)rndu((uint32_t)tb.gnt_delay_w + 1);
            r.wr_reqs++;
        } else if (wr_state == 1) {
            if (!mwr_req)
                proto("mwr_req_o dropped before the grant");
            if (wr_wait == 0) {
                wr_addr = mwr_addr;
                wr_bytes = mwr_bytes;
                wr_beats = (wr_bytes + BUS - 1) / BUS;
                wr_beat = 0;
                wr_state = 2;
                if (wr_addr < Tb::MEM_BASE || wr_addr + wr_bytes > Tb::MEM_BASE + Tb::MEM_SIZE ||
                    (wr_addr & 3) || wr_beats == 0) {
                    proto("mwr request outside the memory");
                    wr_state = 4;
                }
            } else {
                wr_wait--;
            }
        } else if (wr_state >= 2 && mwr_req) {
            proto("second mwr request");
        }
        if (wr_state == 2) {
            if (prev_wvld_stalled &&
                (!mwr_vld || memcmp(prev_wdata, wdata, sizeof wdata) != 0))
                proto("mwr beat changed or withdrawn while stalled");
            bool rdy = d.mwr_rdy_i; // what was driven this cycle
            if (mwr_vld && rdy) {
                size_t off = (size_t)(wr_addr - Tb::MEM_BASE) + (size_t)wr_beat * BUS;
                for (int w = 0; w < BUS / 4; w++)
                    for (int b = 0; b < 4; b++) {
                        size_t k = (size_t)wr_beat * BUS + (size_t)w * 4 + b;
                        uint8_t byte = (uint8_t)(wdata[w] >> (8 * b));
                        if (k < wr_bytes)
                            tb.mem[off + (size_t)w * 4 + b] = byte;
                        else if (byte != 0)
                            proto("nonzero padding in the last mwr beat");
                    }
                if (++wr_beat == wr_beats) {
                    wr_state = 3;
                    wr_wait = (int)rndu((uint32_t)tb.done_delay + 1);
                }
            }
            prev_wvld_stalled = mwr_vld && !rdy;
            memcpy(prev_wdata, wdata, sizeof wdata);
        } else if (wr_state == 3) {
            if (wr_wait == 0)
                wr_state = 4; // mwr_done_i was driven this cycle
            else
                wr_wait--;
        }

        if (done)
            break;
        if (r.cycles > limit) {
            r.timeout = true;
            break;
        }
    }
    if (r.done && r.wr_reqs && wr_state != 4)
        proto("done_o before the write completed");
    // one cycle after done_o the unit must be idle
    d.clk_i = 0;
    d.eval();
    if (d.busy_o)
        proto("busy_o high after done_o");
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    if (argc > 1 && argv[1][0] != '+')
        rng_state = strtoull(argv[1], nullptr, 16);
    printf("# tb_wkv4: seed 0x%016" PRIx64 "\n", rng_state);

    static Tb tb; // large: the register file
    Ws w;
    Stats st;
    uint64_t mism = 0, proto_fail = 0, err_fail = 0, untouched_fail = 0, timeouts = 0;
    std::string first_mism, first_proto, first_err, first_untouched;
    const uint32_t NCASES = 14000;
    uint64_t perf_cycles = 0;
    uint32_t perf_C = 0;

    for (uint32_t ci = 0; ci < NCASES; ci++) {
        // ---------------------------------------------------- the case
        uint32_t C;
        uint32_t r = rndu(1000);
        if (ci == 0 || ci == 1)
            C = 4096; // ci 0: no stalls, for the cycle count
        else if (r < 3)
            C = 0;
        else if (r < 620)
            C = 1 + rndu(16);
        else if (r < 920)
            C = 17 + rndu(112);
        else if (r < 985)
            C = 129 + rndu(896);
        else if (r < 995)
            C = 1025 + rndu(3071);
        else
            C = 4096;
        st.cases++;
        st.big += C > 1024;
        st.c4096 += C == 4096;
        st.c0 += C == 0;

        int dst = (int)rndu(NREG), src[4];
        {
            // distinct registers, then maybe aliasing
            int pool[NREG];
            for (int i = 0; i < NREG; i++)
                pool[i] = i;
            for (int i = 0; i < 5; i++) {
                int j = i + (int)rndu(NREG - i);
                std::swap(pool[i], pool[j]);
            }
            dst = pool[0];
            for (int i = 0; i < 4; i++)
                src[i] = pool[1 + i];
            if (ci >= 2 && chance(0.12)) {
                dst = src[rndu(4)];
                st.alias_dst++;
            }
            if (ci >= 2 && chance(0.06)) {
                int a = (int)rndu(4), b = (int)rndu(4);
                if (a != b) {
                    src[a] = src[b];
                    st.alias_src++;
                }
            }
        }

        // err category: 0 none, 1 pp range, 2 aa/bb mantissa, 3 aa/bb exponent,
        // 4 k/v mantissa, 5 k/v exponent, 6 zero denominator, 7 lengths
        int errk = 0;
        if (ci >= 2 && chance(0.16))
            errk = 1 + (int)rndu(7);
        if (C == 0 && (errk == 1 || errk == 2 || errk == 4 || errk == 6))
            errk = 0;

        // sources: k, v as block-floating vectors, decay and first raw
        std::vector<int32_t> km, vm, dec(C), fst(C);
        int32_t ke = gen_exp_any(), ve = gen_exp_any();
        if (rndu(3) == 0)
            ve = gen_exp(0);
        gen_mants(km, C);
        gen_mants(vm, C);
        bool typical = chance(0.5);
        for (uint32_t i = 0; i < C; i++) {
            dec[i] = typical ? -(int32_t)rndu(1u << 21) : gen_decay();
            fst[i] = typical ? (int32_t)rndr(-(1 << 19), 1 << 19) : gen_first();
        }

        // the state
        State s;
        s.aa.assign(C, 0);
        s.bb.assign(C, 0);
        s.pp.assign(C, RW_PP_MIN);
        uint32_t sk = rndu(10); // 0-3 evolved, 4 empty, 5-8 plausible, 9 anything
        if (sk < 4) {
            // from the empty state over 1..6 tokens of typical inputs
            int T = 1 + (int)rndu(6);
            std::vector<int32_t> tk, tv;
            std::vector<int32_t> tdec(C), tfst(C);
            // decays <= 0 as a model's w = -exp(time_decay): a positive one
            // from the empty state would leave bb = 0 under pp = 2^28 (undefined)
            for (uint32_t i = 0; i < C; i++) {
                tdec[i] = chance(0.9) ? -(int32_t)rndu(1u << 21) : -(int32_t)rndu(1u << 29);
                tfst[i] = chance(0.8) ? (int32_t)rndr(-(1 << 19), 1 << 19) : gen_first();
            }
            for (int t = 0; t < T; t++) {
                gen_mants(tk, C);
                gen_mants(tv, C);
                if (!golden_step(s, C, tk, gen_exp(rndu(4) ? 0 : 1), tv,
                                 gen_exp(rndu(4) ? 0 : 1), tdec, tfst, w))
                    break;
            }
            if (chance(0.5)) { // this token's decay and first as the history's
                dec = tdec;
                fst = tfst;
            }
        } else if (sk == 4) {
            // the empty state itself
        } else if (sk < 9) {
            // random and plausible: bb > 0 of moderate size (as a model's, which
            // are >= 1; elements far apart would round the small ones to 0
            // next to e2 and leave a zero denominator), pp near this token's ww
            // sk 8: exponents of the addition operands 0 .. 70 apart (the
            // alignment limit of 31 and the rounding of the smaller operand)
            gen_mants(s.aa, C);
            for (auto &x : s.bb)
                x = std::abs(mant_bits(23 + (int)rndu(9)));
            s.aa_e = chance(0.5) ? gen_exp(rndu(3) ? 1 : 0) : ve + (int32_t)rndr(-70, 70);
            s.aa_e = std::max(-EXP_MAX, std::min(EXP_MAX, s.aa_e));
            s.bb_e = sk == 8 ? -30 + (int32_t)rndr(-70, 70) : -30 + (int32_t)rndr(0, 10);
            for (uint32_t i = 0; i < C; i++)
                s.pp[i] = (int32_t)std::max<int64_t>(
                    RW_PP_MIN, std::min<int64_t>(RW_LOG_MAX, (int64_t)fst[i] + rndr(-(1 << 22), 1 << 22)));
            if (chance(0.15)) {
                // e2 = 0 (and often e2' = 0) in every channel: k = 0, pp more
                // than 32 above ww = first (and decay + pp more than 32 above
                // k = 0), so the additions see an all-zero E2 operand
                bool both = chance(0.5);
                for (uint32_t i = 0; i < C; i++) {
                    km[i] = 0;
                    fst[i] = (int32_t)rndr(-(1 << 26), 1 << 26);
                    s.pp[i] = fst[i] + (int32_t)rndr((1 << 21) + 1, 1 << 23);
                    if (both)
                        dec[i] = -s.pp[i] + (int32_t)rndr((1 << 21) + 1, 1 << 23);
                }
            }
        } else {
            // random, anywhere within the checks
            gen_mants(s.aa, C);
            gen_mants(s.bb, C, chance(0.7));
            s.aa_e = gen_exp(rndu(3) == 0 ? 2 : 1);
            s.bb_e = chance(0.5) ? s.aa_e + (int32_t)rndr(-40, 40) : gen_exp(rndu(3) == 0 ? 2 : 1);
            if (s.bb_e > EXP_MAX || s.bb_e < -EXP_MAX)
                s.bb_e = 0;
            for (uint32_t i = 0; i < C; i++)
                s.pp[i] = gen_pp();
            if (chance(0.4)) {
                // ties and the exp table's edges: k = 0 makes ww = clamp(first)
                // and the state pair's y = 0
                static const int64_t deltas[] = {0, 1, -1, 1 << 21, -(1 << 21), (1 << 21) + 1,
                                                 -(1 << 21) - 1, (1 << 21) - 1, -(1 << 21) + 1,
                                                 255, 256, -256, 128};
                for (uint32_t i = 0; i < C; i++) {
                    if (!chance(0.5))
                        continue;
                    km[i] = 0;
                    int64_t p = (int64_t)rndr(-(1 << 27), 1 << 27);
                    s.pp[i] = (int32_t)p;
                    fst[i] = (int32_t)(p + deltas[rndu(13)]);
                    dec[i] = (int32_t)(-p + deltas[rndu(13)]);
                }
            }
        }

        // errors
        uint32_t n_src[4] = {C, C, C, C};
        uint32_t j = C ? rndu(C) : 0;
        switch (errk) {
        case 1:
            s.pp[j] = chance(0.5) ? RW_PP_MIN - (int32_t)(1 + rndu(3)) : RW_LOG_MAX + (int32_t)(1 + rndu(3));
            if (chance(0.2))
                s.pp[j] = chance(0.5) ? INT32_MIN : INT32_MAX;
            break;
        case 2: {
            int32_t bad = chance(0.5) ? M30 + 1 : -M30 - 1;
            if (chance(0.3))
                bad = chance(0.5) ? INT32_MIN : INT32_MAX;
            (chance(0.5) ? s.aa : s.bb)[j] = bad;
            break;
        }
        case 3:
            (chance(0.5) ? s.aa_e : s.bb_e) = chance(0.5) ? EXP_MAX + 1 : (chance(0.5) ? -EXP_MAX - 1 : INT32_MIN);
            break;
        case 4: {
            int32_t bad = chance(0.5) ? M30 + 1 : (chance(0.5) ? -M30 - 1 : INT32_MIN);
            (chance(0.5) ? km : vm)[j] = bad;
            break;
        }
        case 5:
            (chance(0.5) ? ke : ve) = chance(0.5) ? EXP_MAX + 1 : -EXP_MAX - 1;
            break;
        case 6:
            // den_j = e1 bb_j + e2 with e1 = e2 = 1 (k_j = 0, first_j = pp_j) and
            // bb_j = -1 (bb's exponent -29); the other elements keep |bb| <= 2
            km[j] = 0;
            s.pp[j] = (int32_t)rndr(-(1 << 27), 1 << 27);
            fst[j] = s.pp[j];
            s.bb_e = -29;
            s.bb[j] = -(1 << 29);
            break;
        case 7:
            n_src[rndu(4)] = chance(0.5) ? C + 1 : (C ? C - 1 : 1);
            break;
        default:
            break;
        }

        // registers: sources written in order (a shared register holds the
        // last words; k's and v's exponents win over the raw words' meaningless ones)
        tb.reg_e[src[2]] = (int32_t)rnd();
        tb.reg_e[src[3]] = (int32_t)rnd();
        tb.reg_e[src[0]] = ke;
        tb.reg_e[src[1]] = ve;
        const std::vector<int32_t> *srcm[4] = {&km, &vm, &dec, &fst};
        for (int p = 0; p < 4; p++) {
            for (uint32_t i = 0; i < C; i++)
                tb.vrf[src[p]][i] = (*srcm[p])[i];
            tb.reg_n[src[p]] = n_src[p];
        }
        // the golden model reads what the registers hold
        std::vector<int32_t> gk(tb.vrf[src[0]], tb.vrf[src[0]] + C), gv(tb.vrf[src[1]], tb.vrf[src[1]] + C);
        std::vector<int32_t> gdec(tb.vrf[src[2]], tb.vrf[src[2]] + C), gfst(tb.vrf[src[3]], tb.vrf[src[3]] + C);
        int32_t gke = tb.reg_e[src[0]], gve = tb.reg_e[src[1]];
        gk.push_back(0);
        gv.push_back(0);
        gdec.push_back(0);
        gfst.push_back(0);

        // memory: the state at a random aligned offset
        uint32_t bytes = 12u * C + 8u;
        size_t off = 4u * rndu((uint32_t)((Tb::MEM_SIZE - bytes) / 4 + 1));
        uint64_t addr = Tb::MEM_BASE + off;
        {
            uint8_t *p = tb.mem.data() + off;
            put32(p, s.aa_e);
            for (uint32_t i = 0; i < C; i++)
                put32(p + 4 + 4 * i, s.aa[i]);
            put32(p + 4 + 4 * C, s.bb_e);
            for (uint32_t i = 0; i < C; i++)
                put32(p + 8 + 4 * C + 4 * i, s.bb[i]);
            for (uint32_t i = 0; i < C; i++)
                put32(p + 8 + 8 * C + 4 * i, s.pp[i]);
            tb.mem_ref = tb.mem;
        }

        // ---------------------------------------------------- golden
        bool want_err = false;
        for (int p = 0; p < 4; p++)
            want_err |= tb.reg_n[src[p]] != C;
        want_err |= !dom(gk.data(), gke, C) || !dom(gv.data(), gve, C);
        want_err |= !dom(s.aa.data(), s.aa_e, C) || !dom(s.bb.data(), s.bb_e, C);
        for (uint32_t i = 0; i < C; i++)
            want_err |= s.pp[i] < RW_PP_MIN || s.pp[i] > RW_LOG_MAX;
        State g = s;
        g.aa.push_back(0);
        g.bb.push_back(0);
        g.pp.push_back(0);
        std::vector<int32_t> gout(C + 1, 0);
        rw_bfv gy = {gout.data(), 0, C};
        if (!want_err) {
            rw_wkv4_state gs = {{g.aa.data(), g.aa_e, C}, {g.bb.data(), g.bb_e, C}, g.pp.data()};
            rw_cbfv k = {gk.data(), gke, C}, v = {gv.data(), gve, C};
            if (!rw_wkv4_defined(k, gfst.data(), &gs, &w.ws)) {
                want_err = true;
            } else {
                rw_wkv4(&gy, k, v, gdec.data(), gfst.data(), &gs, &w.ws);
                g.aa_e = gs.aa.e;
                g.bb_e = gs.bb.e;
            }
        }
        if (want_err) {
            st.err_cases++;
            st.kinds_err[errk]++;
        } else {
            st.ok_cases++;
            uint8_t *p = tb.mem_ref.data() + off;
            put32(p, g.aa_e);
            for (uint32_t i = 0; i < C; i++)
                put32(p + 4 + 4 * i, g.aa[i]);
            put32(p + 4 + 4 * C, g.bb_e);
            for (uint32_t i = 0; i < C; i++)
                put32(p + 8 + 4 * C + 4 * i, g.bb[i]);
            for (uint32_t i = 0; i < C; i++)
                put32(p + 8 + 8 * C + 4 * i, g.pp[i]);
        }
        std::vector<int32_t> dst_before(tb.vrf[dst], tb.vrf[dst] + VW);

        // ---------------------------------------------------- run
        if (ci == 0) {
            tb.p_vld = tb.p_rdy = 1.0;
            tb.gnt_delay_r = tb.gnt_delay_w = tb.done_delay = 0;
        } else {
            static const double pv[] = {1.0, 0.9, 0.6, 0.3};
            tb.p_vld = pv[rndu(4)];
            tb.p_rdy = pv[rndu(4)];
            tb.gnt_delay_r = (int)rndu(5);
            tb.gnt_delay_w = (int)rndu(5);
            tb.done_delay = (int)rndu(7);
        }
        // a few idle cycles between instructions
        for (uint32_t i = rndu(3); i > 0; i--) {
            tb.dut.clk_i = 0;
            tb.dut.eval();
            tb.dut.clk_i = 1;
            tb.dut.eval();
        }
        Result res = run(tb, C, dst, src, addr);
        st.cycles += res.cycles;
        if (ci == 0) {
            perf_cycles = res.cycles;
            perf_C = C;
        }

        // ---------------------------------------------------- compare
        char buf[512];
        snprintf(buf, sizeof buf,
                 "case %u: C %u, dst v%d, src v%d v%d v%d v%d, k.e %d, v.e %d, aa.e %d, bb.e %d, "
                 "err kind %d",
                 ci, C, dst, src[0], src[1], src[2], src[3], gke, gve, s.aa_e, s.bb_e, errk);
        std::string where = buf;
        if (res.timeout) {
            timeouts++;
            if (first_proto.empty())
                first_proto = "timeout; " + where;
            proto_fail++;
            break; // the DUT's state is unknown now
        }
        if (!res.proto.empty()) {
            if (!proto_fail++)
                first_proto = res.proto + "; " + where;
        }
        if (res.err != want_err) {
            if (!err_fail++)
                first_err = std::string("err_o ") + (res.err ? "1" : "0") + ", want " +
                            (want_err ? "1" : "0") + "; " + where;
        }
        if (want_err) {
            bool any_write = false;
            for (uint32_t i = 0; i < (uint32_t)VW; i++)
                any_write |= res.written[i] != 0 || tb.vrf[dst][i] != dst_before[i];
            if (any_write || res.wr_reqs != 0 || tb.mem != tb.mem_ref) {
                if (!untouched_fail++)
                    first_untouched = std::string(any_write ? "DST written" : "") +
                                      (res.wr_reqs ? " mwr request" : "") +
                                      (tb.mem != tb.mem_ref ? " memory changed" : "") + " in an error case; " + where;
            }
        } else if (!res.err) {
            std::string why;
            if (res.dst_e != gy.e || res.dst_n != C) {
                snprintf(buf, sizeof buf, "dst e %d n %u, want e %d n %u", res.dst_e, res.dst_n,
                         gy.e, C);
                why = buf;
            }
            for (uint32_t i = 0; i < C && why.empty(); i++) {
                if (res.written[i] != 1) {
                    snprintf(buf, sizeof buf, "DST[%u] written %d times", i, res.written[i]);
                    why = buf;
                } else if (tb.vrf[dst][i] != gout[i]) {
                    snprintf(buf, sizeof buf,
                             "DST[%u] = %d, want %d (k %d, v %d, decay %d, first %d, aa %d, bb %d, "
                             "pp %d)",
                             i, tb.vrf[dst][i], gout[i], gk[i], gv[i], gdec[i], gfst[i], s.aa[i],
                             s.bb[i], s.pp[i]);
                    why = buf;
                }
            }
            if (why.empty() && tb.mem != tb.mem_ref) {
                size_t k = 0;
                while (tb.mem[k] == tb.mem_ref[k])
                    k++;
                long rel = (long)k - (long)off;
                snprintf(buf, sizeof buf,
                         "memory byte %ld of the state (word %ld) = 0x%02x, want 0x%02x; new "
                         "aa.e %d bb.e %d",
                         rel, rel >= 0 ? rel / 4 : -1, tb.mem[k], tb.mem_ref[k], g.aa_e, g.bb_e);
                why = buf;
            }
            if (res.rd_reqs != 1 || res.wr_reqs != 1) {
                snprintf(buf, sizeof buf, "%u read and %u write requests", res.rd_reqs, res.wr_reqs);
                why = buf;
            }
            if (!why.empty() && !mism++)
                first_mism = why + "; " + where;
            st.words += C;
        }
        // continue from what the memory holds now (the reference on a mismatch)
        tb.mem = tb.mem_ref;
    }

    printf("# %" PRIu64 " cases (%" PRIu64 " computed, %" PRIu64 " errors: pp %" PRIu64
           ", aa/bb m %" PRIu64 ", aa/bb e %" PRIu64 ", k/v m %" PRIu64 ", k/v e %" PRIu64
           ", zero den %" PRIu64 ", lengths %" PRIu64 ", other %" PRIu64 "); %" PRIu64
           " with C > 1024, %" PRIu64 " with C = 4096, %" PRIu64 " with C = 0; DST aliased %" PRIu64
           ", sources aliased %" PRIu64 "; %" PRIu64 " cycles\n",
           st.cases, st.ok_cases, st.err_cases, st.kinds_err[1], st.kinds_err[2], st.kinds_err[3],
           st.kinds_err[4], st.kinds_err[5], st.kinds_err[6], st.kinds_err[7], st.kinds_err[0],
           st.big, st.c4096, st.c0, st.alias_dst, st.alias_src, st.cycles);
    printf("# cycles: %" PRIu64 " for C = %u without stalls (%.2f per channel)\n", perf_cycles,
           perf_C, perf_C ? (double)perf_cycles / perf_C : 0.0);

    int fails = 0;
    auto report = [&](const char *name, uint64_t bad, const std::string &first, const char *what) {
        if (bad == 0) {
            printf("ok %s (%s)\n", name, what);
        } else {
            printf("FAIL %s: %" PRIu64 " failing cases; first: %s\n", name, bad, first.c_str());
            fails++;
        }
    };
    char what[256];
    snprintf(what, sizeof what, "%" PRIu64 " cases, %" PRIu64 " output words and their states",
             st.ok_cases, st.words);
    report("wkv4-results", mism, first_mism, what);
    snprintf(what, sizeof what, "%" PRIu64 " cases", st.cases);
    report("wkv4-err", err_fail, first_err, what);
    snprintf(what, sizeof what, "%" PRIu64 " error cases", st.err_cases);
    report("wkv4-err-untouched", untouched_fail, first_untouched, what);
    report("wkv4-protocol", proto_fail, first_proto, "streams, ports, busy/done");
    // the stimulus must have reached every error kind and both outcomes
    bool cover = st.ok_cases >= 10000 && st.c4096 >= 2 && st.c0 >= 5;
    for (int k = 1; k < 8; k++)
        cover &= st.kinds_err[k] >= 20;
    if (cover) {
        printf("ok wkv4-coverage\n");
    } else {
        printf("FAIL wkv4-coverage: too few cases of some kind\n");
        fails++;
    }
    tb.dut.final();
    return fails ? 1 : 0;
}
