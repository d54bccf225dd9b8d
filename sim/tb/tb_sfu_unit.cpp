// tb_sfu_unit.cpp - Verilator harness of rtl/sfu_unit.sv (the SFU instruction)
// against the golden C functions rw_sigmoid, rw_tanh, rw_decay6, rw_decay7
// (cmodel/golden/sfu.c) on identical operands. The harness models the vector
// register file (32 registers x 4096 words, read data exactly one cycle after
// rd0_en_o, random garbage otherwise) and checks, per operation:
//   - every DST word 0 .. n-1, dst_e_o and dst_n_o against the C function
//     (SUB 0/1: rw_normalize'd block-floating vector; SUB 2/3: the raw uint32
//     words with e = 0), words n .. 4095 of DST and every other register untouched;
//   - the protocol: busy_o from the cycle after start_i through done_o, one
//     done_o pulse, reads only of SRC0 words 0 .. n-1, writes only of DST words
//     0 .. n-1 and only after every source word was read (DST may be SRC0);
//   - err_o (with done_o, nothing written) exactly when the card refuses the
//     operands: SUB > 3, n != SRC0's length, n > 4096, |e| > 2^24, |m| > 2^30;
//   - throughput: done_o 2n + 10 cycles after start_i.
// Stimulus: >= 10,000 in-domain vectors per SUB, n from 1 to 4096 (mostly
// short), mantissas of 0 .. 30 bits and +-2^30, exponents from -2^24 to 2^24
// (so conversions clamp, shift left, round and vanish), exact table knots and
// domain edges, conversion ties, zero vectors, DST = SRC0; plus error cases.
// Then every sigmoid/tanh/decay6/decay7 record of one conformance set
// (sim/tb/tb_conform.h) is replayed through the unit, every DST word, dst_e_o and
// dst_n_o compared with the recorded output (replay_conformance below).
// Run from the repository root (the tables are read as rtl/tables/NAME.mem).
#include "Vsfu_unit.h"
#include "verilated.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "golden/bfv.h"
#include "golden/sfu.h"
#include "golden/tables.h"
}

#include "tb_conform.h"

// The RTL hard-codes these table parameters (rtl/sfu_unit.sv): fail to compile
// when the generated tables change under it.
static_assert(RW_TAB_SIGMOID_F == 24 && RW_TAB_TANH_F == 24 && RW_TAB_DECAY6_F == 24 &&
                  RW_TAB_DECAY7_F == 24, "sfu_unit assumes F = 24");
static_assert(RW_TAB_SIGMOID_LO == -268435456 && RW_TAB_SIGMOID_HI == 268435456 &&
                  RW_TAB_SIGMOID_N == 4096 && RW_TAB_SIGMOID_S == 17 && RW_TAB_SIGMOID_G == 30,
              "sigmoid parameters");
static_assert(RW_TAB_TANH_LO == -134217728 && RW_TAB_TANH_HI == 134217728 &&
                  RW_TAB_TANH_N == 8192 && RW_TAB_TANH_S == 15 && RW_TAB_TANH_G == 30,
              "tanh parameters");
static_assert(RW_TAB_DECAY6_LO == -402653184 && RW_TAB_DECAY6_HI == 134217728 &&
                  RW_TAB_DECAY6_N == 8192 && RW_TAB_DECAY6_S == 16 && RW_TAB_DECAY6_G == 32,
              "decay6 parameters");
static_assert(RW_TAB_DECAY7_LO == -402653184 && RW_TAB_DECAY7_HI == 268435456 &&
                  RW_TAB_DECAY7_N == 10240 && RW_TAB_DECAY7_S == 16 && RW_TAB_DECAY7_G == 32,
              "decay7 parameters");

static const uint64_t SEED = 0x53f0a11dULL;
static const int NREG = 32;
static const int VW = 4096;
static const int32_t MANT_MAX = 1 << 30;
static const int32_t EXP_MAX = 1 << 24;

static uint64_t rng_state = SEED;
static uint64_t rnd64()
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL); // splitmix64
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static uint32_t rnd32() { return (uint32_t)rnd64(); }
// uniform in [lo, hi]
static int64_t rrange(int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rnd64() % (uint64_t)(hi - lo + 1));
}

struct Tab {
    const char *name;
    int64_t lo, hi;
    int s, n;
};
static const Tab TABS[4] = {
    {"sigmoid", RW_TAB_SIGMOID_LO, RW_TAB_SIGMOID_HI, RW_TAB_SIGMOID_S, RW_TAB_SIGMOID_N},
    {"tanh", RW_TAB_TANH_LO, RW_TAB_TANH_HI, RW_TAB_TANH_S, RW_TAB_TANH_N},
    {"decay6", RW_TAB_DECAY6_LO, RW_TAB_DECAY6_HI, RW_TAB_DECAY6_S, RW_TAB_DECAY6_N},
    {"decay7", RW_TAB_DECAY7_LO, RW_TAB_DECAY7_HI, RW_TAB_DECAY7_S, RW_TAB_DECAY7_N},
};

// ------------------------------------------------------------------ the DUT
static Vsfu_unit *top;
static std::vector<uint32_t> rf(NREG *VW); // the vector register file
static long total_cycles;

static void tick()
{
    top->clk_i = 1;
    top->eval();
    top->clk_i = 0;
    top->eval();
    total_cycles++;
}

struct Op {
    int sub;        // 0..255
    uint32_t n;     // n_i
    uint32_t src_n; // src0_n_i
    int src, dst;
    int32_t e;
    std::vector<int32_t> m; // src_n words placed in SRC0 (at least n when valid)
};

struct Result {
    bool ok = true;     // protocol held
    std::string why;    // first protocol violation
    bool err = false;   // err_o with done_o
    int32_t e = 0;      // dst_e_o
    uint32_t n = 0;     // dst_n_o
    long cycles = 0;    // start_i to done_o
    long writes = 0;
};

static void violation(Result &r, const std::string &why)
{
    if (r.ok) {
        r.ok = false;
        r.why = why;
    }
}

static Result run(const Op &op)
{
    Result res;
    char buf[200];
    const uint32_t nrd = op.n; // source words the unit may read
    std::vector<char> was_read(VW, 0), was_written(VW, 0);
    uint32_t n_read = 0;

    // idle cycles before start: busy_o must stay low
    int idle = (int)(rnd64() % 3);
    for (int i = 0; i < idle; i++) {
        top->start_i = 0;
        top->rd0_data_i = rnd32();
        top->eval();
        if (top->busy_o || top->done_o || top->rd0_en_o || top->wr_en_o)
            violation(res, "activity while idle");
        tick();
    }
    top->start_i = 1;
    top->sub_i = (uint8_t)op.sub;
    top->n_i = op.n;
    top->src0_i = op.src;
    top->dst_i = op.dst;
    top->src0_e_i = (uint32_t)op.e;
    top->src0_n_i = op.src_n;
    top->eval();
    if (top->busy_o)
        violation(res, "busy_o high at start_i");
    bool have_data = false;
    uint32_t data = 0;
    long limit = 2L * op.n + 200;
    long cyc = 0;
    for (;;) {
        // drive inputs of this cycle
        top->rd0_data_i = have_data ? data : rnd32();
        top->eval();
        if (cyc > 0) {
            if (!top->busy_o) {
                snprintf(buf, sizeof buf, "busy_o low in cycle %ld before done_o", cyc);
                violation(res, buf);
            }
        }
        // sample the ports before the clock edge
        bool rd = top->rd0_en_o, wr = top->wr_en_o, done = top->done_o;
        uint32_t ra = top->rd0_addr_o, wa = top->wr_addr_o, wd = top->wr_data_o;
        if (cyc == 0 && (rd || wr || done))
            violation(res, "activity in the start_i cycle");
        have_data = false;
        if (rd) {
            int reg = (int)(ra >> 12);
            uint32_t idx = ra & (VW - 1);
            if (reg != op.src || idx >= nrd) {
                snprintf(buf, sizeof buf, "read of r%d[%u] (src r%d, n %u)", reg, idx, op.src,
                         nrd);
                violation(res, buf);
            } else if (!was_read[idx]) {
                was_read[idx] = 1;
                n_read++;
            }
            have_data = true;
            data = rf[ra % (NREG * VW)];
        }
        if (wr) {
            int reg = (int)(wa >> 12);
            uint32_t idx = wa & (VW - 1);
            res.writes++;
            if (reg != op.dst || idx >= op.n) {
                snprintf(buf, sizeof buf, "write of r%d[%u] (dst r%d, n %u)", reg, idx, op.dst,
                         op.n);
                violation(res, buf);
            } else {
                if (n_read != nrd) {
                    snprintf(buf, sizeof buf, "write of [%u] after %u of %u source reads", idx,
                             n_read, nrd);
                    violation(res, buf);
                }
                if (was_written[idx]) {
                    snprintf(buf, sizeof buf, "word %u written twice", idx);
                    violation(res, buf);
                }
                was_written[idx] = 1;
                rf[wa] = wd;
            }
        }
        if (done) {
            res.err = top->err_o;
            res.e = (int32_t)top->dst_e_o;
            res.n = top->dst_n_o;
            res.cycles = cyc;
            if (rd || wr)
                violation(res, "read or write with done_o");
            if (!top->busy_o)
                violation(res, "busy_o low with done_o");
        } else if (top->err_o) {
            violation(res, "err_o without done_o");
        }
        tick();
        top->start_i = 0;
        // the operands stay stable until done_o (docs/rtl.md)
        cyc++;
        if (done)
            break;
        if (cyc > limit) {
            violation(res, "no done_o");
            // reset, so that one hang does not spoil the cases after it
            top->rst_ni = 0;
            tick();
            tick();
            top->rst_ni = 1;
            top->eval();
            return res;
        }
    }
    // the cycle after done_o: idle again
    top->rd0_data_i = rnd32();
    top->eval();
    if (top->busy_o || top->done_o || top->rd0_en_o || top->wr_en_o)
        violation(res, "not idle after done_o");
    if (!res.err) {
        for (uint32_t i = 0; i < op.n; i++)
            if (!was_written[i]) {
                snprintf(buf, sizeof buf, "word %u not written", i);
                violation(res, buf);
                break;
            }
    }
    return res;
}

// ------------------------------------------------------------------ checks
struct Check {
    std::string name;
    long cases = 0, elems = 0, bad = 0;
    std::string first;
    void fail(const std::string &why)
    {
        if (bad++ == 0)
            first = why;
    }
    int report() const
    {
        if (bad || cases == 0) {
            printf("FAIL %s: %ld of %ld cases wrong; first: %s\n", name.c_str(), bad, cases,
                   cases ? first.c_str() : "no cases");
            return 1;
        }
        printf("ok %s (%ld cases, %ld elements)\n", name.c_str(), cases, elems);
        return 0;
    }
};

static std::string op_str(const Op &op)
{
    char buf[160];
    snprintf(buf, sizeof buf, "sub %d n %u (src_n %u) src r%d dst r%d e %d", op.sub, op.n,
             op.src_n, op.src, op.dst, op.e);
    return buf;
}

// golden expectation of an in-domain op: words, exponent
static void golden(const Op &op, std::vector<uint32_t> &w, int32_t &e, uint32_t &clamps)
{
    rw_cbfv x = {op.m.data(), op.e, op.n};
    w.assign(op.n, 0);
    if (op.sub <= 1) {
        std::vector<int32_t> ym(op.n + 1);
        std::vector<int64_t> tmp(op.n + 1);
        rw_bfv y = {ym.data(), 0, 0};
        clamps = op.sub == 0 ? rw_sigmoid(&y, x, tmp.data()) : rw_tanh(&y, x, tmp.data());
        for (uint32_t i = 0; i < op.n; i++)
            w[i] = (uint32_t)ym[i];
        e = y.e;
    } else {
        clamps = op.sub == 2 ? rw_decay6(w.data(), x) : rw_decay7(w.data(), x);
        e = 0;
    }
}

static long cycle_bad = 0;
static std::string cycle_first;
static long max_extra = 0;

// Runs one op; dst words must equal want (when !want_err), everything else untouched.
static void run_check(Check &c, const Op &op, bool want_err, const std::vector<uint32_t> &want,
                      int32_t want_e)
{
    // place the operand; snapshot DST afterwards (DST may be SRC0)
    for (size_t i = 0; i < op.m.size(); i++)
        rf[(size_t)op.src * VW + i] = (uint32_t)op.m[i];
    std::vector<uint32_t> before(rf.begin() + (size_t)op.dst * VW,
                                 rf.begin() + (size_t)(op.dst + 1) * VW);
    Result r = run(op);
    c.cases++;
    c.elems += op.n <= (uint32_t)VW ? op.n : 0;
    char buf[300];
    if (!r.ok) {
        c.fail(op_str(op) + ": protocol: " + r.why);
        return;
    }
    if (r.err != want_err) {
        snprintf(buf, sizeof buf, ": err_o %d, want %d", (int)r.err, (int)want_err);
        c.fail(op_str(op) + buf);
        return;
    }
    const uint32_t *d = &rf[(size_t)op.dst * VW];
    if (want_err) {
        if (r.writes)
            c.fail(op_str(op) + ": writes with err_o");
        else if (memcmp(d, before.data(), VW * sizeof *d))
            c.fail(op_str(op) + ": DST changed with err_o");
        return;
    }
    if (r.n != op.n || r.e != want_e) {
        snprintf(buf, sizeof buf, ": dst_n_o %u dst_e_o %d, want %u %d", r.n, r.e, op.n, want_e);
        c.fail(op_str(op) + buf);
        return;
    }
    for (uint32_t i = 0; i < op.n; i++)
        if (d[i] != want[i]) {
            snprintf(buf, sizeof buf, ": word %u (m %d): got 0x%08x (%d), want 0x%08x (%d)", i,
                     op.m[i], d[i], (int32_t)d[i], want[i], (int32_t)want[i]);
            c.fail(op_str(op) + buf);
            return;
        }
    for (uint32_t i = op.n; i < (uint32_t)VW; i++)
        if (d[i] != before[i]) {
            snprintf(buf, sizeof buf, ": word %u beyond n changed", i);
            c.fail(op_str(op) + buf);
            return;
        }
    long want_cycles = op.n ? 2L * op.n + 10 : 1;
    if (r.cycles != want_cycles && cycle_bad++ == 0) {
        snprintf(buf, sizeof buf, ": %ld cycles, want %ld", r.cycles, want_cycles);
        cycle_first = op_str(op) + buf;
    }
    max_extra = std::max(max_extra, r.cycles - 2L * op.n);
}

// ------------------------------------------------------------------ stimulus
static uint32_t pick_n()
{
    uint64_t p = rnd64() % 1000;
    if (p < 700)
        return (uint32_t)rrange(1, 16);
    if (p < 930)
        return (uint32_t)rrange(17, 256);
    if (p < 990)
        return (uint32_t)rrange(257, 1024);
    return (uint32_t)rrange(1025, VW);
}

// a random mantissa of b bits (b = 0: zero), random sign
static int32_t mant_bits(int b)
{
    if (b == 0)
        return 0;
    int64_t v = (b >= 31) ? MANT_MAX : (int64_t)(((uint64_t)1 << (b - 1)) |
                                                 (rnd64() & (((uint64_t)1 << (b - 1)) - 1)));
    if (v > MANT_MAX)
        v = MANT_MAX;
    return (rnd64() & 1) ? (int32_t)-v : (int32_t)v;
}

static int32_t pick_e()
{
    uint64_t p = rnd64() % 100;
    if (p < 55)
        return (int32_t)rrange(-60, 10);
    if (p < 70)
        return (int32_t)rrange(-100, 40);
    if (p < 80) { // the conversion's boundaries: k = e + 24 in {29, 30, 31, -32 .. -35, ...}
        static const int ks[] = {28, 29, 30, 31, 32, 61, 62, 63, -1, -31, -32, -33, -34, -35, -62,
                                 -63, -64, -65, 0, 1};
        return ks[rnd64() % (sizeof ks / sizeof ks[0])] - 24;
    }
    if (p < 90)
        return (int32_t)rrange(-EXP_MAX, EXP_MAX);
    if (p < 95)
        return (rnd64() & 1) ? EXP_MAX : -EXP_MAX;
    return (int32_t)rrange(-30, -18);
}

enum Style { ST_RANDOM, ST_KNOTS, ST_TIES, ST_ZERO, ST_SAME, ST_EDGES, ST_COUNT };
static const char *style_name[ST_COUNT] = {"random", "knots", "conv-ties", "zero", "same",
                                           "edges"};

// fills op.m (op.n words) in a style; may set op.e
static void fill(Op &op, Style st, const Tab &t)
{
    op.m.assign(op.n, 0);
    switch (st) {
    case ST_RANDOM: {
        // per vector: bit lengths spread over 0..31, or concentrated
        int bmax = (int)rrange(1, 31), bmin = (int)rrange(0, bmax);
        for (auto &v : op.m)
            v = mant_bits((int)rrange(bmin, bmax));
        op.e = pick_e();
        break;
    }
    case ST_KNOTS: {
        // x_fix = LO + j * 2^S exactly (j = 0..N, j = N is HI: clamps), shifted to
        // an exponent e = -24 + s with m = x_fix / 2^s exact; near knots +-1 LSB,
        // and the segment midpoint (the interpolation's tie for odd differences)
        int s = (int)rrange(0, std::min(t.s, 6));
        op.e = -24 + s;
        for (auto &v : op.m) {
            int64_t j = rrange(0, t.n);
            int64_t x = t.lo + j * ((int64_t)1 << t.s);
            uint64_t p = rnd64() % 4;
            if (p == 1)
                x += ((int64_t)1 << (t.s - 1)); // midpoint
            x >>= s;                            // exact: 2^s divides x (s < S)
            if (p == 2)
                x += 1;
            if (p == 3)
                x -= 1;
            v = (int32_t)std::max<int64_t>(-MANT_MAX, std::min<int64_t>(MANT_MAX, x));
        }
        break;
    }
    case ST_TIES: {
        // k = e + 24 = -s < 0: m = q * 2^s + 2^(s-1) is exactly halfway
        int s = (int)rrange(1, 29);
        op.e = -24 - s;
        int qb = 30 - s;
        for (auto &v : op.m) {
            int64_t q = (int64_t)(rnd64() % ((uint64_t)1 << std::min(qb, 20)));
            if (qb > 20 && (rnd64() & 1))
                q = (int64_t)(rnd64() % ((uint64_t)1 << (qb - 1)));
            int64_t x = q * ((int64_t)1 << s) + ((int64_t)1 << (s - 1));
            if (x > MANT_MAX)
                x = MANT_MAX;
            v = (rnd64() & 1) ? (int32_t)-x : (int32_t)x;
        }
        break;
    }
    case ST_ZERO:
        op.e = pick_e();
        break;
    case ST_SAME: {
        int32_t v = mant_bits((int)rrange(0, 31));
        for (auto &x : op.m)
            x = v;
        op.e = pick_e();
        break;
    }
    case ST_EDGES: {
        // the domain ends LO - 1, LO, HI - 1, HI at e = -24, and the extremes of m
        op.e = -24;
        for (auto &v : op.m) {
            static const int64_t d[] = {-2, -1, 0, 1};
            int64_t x = (rnd64() & 1) ? t.lo : t.hi;
            x += d[rnd64() % 4];
            if (rnd64() % 4 == 0)
                x = (rnd64() & 1) ? MANT_MAX : -MANT_MAX;
            v = (int32_t)x;
        }
        break;
    }
    default:
        break;
    }
}

static void pick_regs(Op &op)
{
    op.src = (int)(rnd64() % NREG);
    op.dst = (rnd64() % 3 == 0) ? op.src : (int)(rnd64() % NREG);
}

// ------------------------------------------------------------------ golden vectors
// Replays every sigmoid, tanh, decay6 and decay7 record of one conformance set
// (sim/tb/tb_conform.h, docs/conformance.md) through the unit, with
// driver/conform.c's operand mapping: x -> SRC0 (n = its length), SUB 0 sigmoid,
// 1 tanh, 2 decay6, 3 decay7; DST words 0 .. n-1, dst_e_o and dst_n_o must equal
// the recorded output (y: words, exponent, length; w: the uint32 words, its
// exponent field 0, the unit's e for raw words), and run_check's protocol,
// untouched-words and 2n + 10 cycle checks hold. A record the unit cannot
// express (x missing, not a block-floating vector or longer than a register; the
// output missing, of another type or length) is a mismatch with its reason.
struct ConformSub {
    const char *unit;
    int sub;
    const char *out;    // output role
    uint32_t out_type;  // its operand type
    long records = 0, mismatches = 0;
};

// conform_open printed FAIL rather than skip: under CI=true, or the set is there
// but does not parse.
static bool conform_open_failed(const ConformSet &s)
{
    const char *ci = getenv("CI");
    if (ci && !strcmp(ci, "true"))
        return true;
    FILE *v = fopen((s.dir + "/vectors.bin").c_str(), "rb");
    FILE *q = fopen((s.dir + "/model.rq").c_str(), "rb");
    bool both = v && q;
    if (v)
        fclose(v);
    if (q)
        fclose(q);
    return both;
}

// The replay; returns the failures it adds (0 or 1).
static int replay_conformance()
{
    const char *name = "sfu-conform";
    ConformSet s;
    if (!conform_open(s, name))
        return conform_open_failed(s) ? 1 : 0;
    static ConformSub subs[] = {{"sigmoid", 0, "y", RW_OT_BFV},
                                {"tanh", 1, "y", RW_OT_BFV},
                                {"decay6", 2, "w", RW_OT_U32},
                                {"decay7", 3, "w", RW_OT_U32}};
    static const char *const units[] = {"sigmoid", "tanh", "decay6", "decay7", nullptr};
    Check c;
    c.name = name;
    long n = conform_each(s, units, name, [&](const rw_trace_rec &r) {
        ConformSub *u = nullptr;
        for (ConformSub &cs : subs)
            if (!strcmp(r.unit, cs.unit))
                u = &cs;
        u->records++;
        char where[200], buf[200];
        snprintf(where, sizeof where, "record %u (%s %s, token %u, layer %d): ", r.index, r.unit,
                 r.name, r.token, (int)r.layer);
        long bad0 = c.bad;
        const rw_trace_opnd *x = conform_opnd(r, 0, "x"), *y = conform_opnd(r, 1, u->out);
        if (!x || x->type != RW_OT_BFV || x->n > (uint32_t)VW) {
            c.cases++;
            c.fail(std::string("input 'x' ") +
                   (!x ? "missing" : x->type != RW_OT_BFV ? "not a block-floating vector"
                                                         : "longer than a register") +
                   ": the unit cannot express it");
        } else if (!y || y->type != u->out_type || y->n != x->n) {
            c.cases++;
            snprintf(buf, sizeof buf,
                     "output '%s' missing, of type %u (want %u) or of %u elements (x: %u)",
                     u->out, y ? y->type : 0, u->out_type, y ? y->n : 0, x->n);
            c.fail(buf);
        } else {
            Op op;
            op.sub = u->sub;
            op.n = op.src_n = x->n;
            op.src = (int)(r.index % NREG);
            op.dst = (int)((r.index + 1) % NREG);
            op.e = x->e;
            op.m = conform_words(x);
            std::vector<int32_t> yw = conform_words(y);
            std::vector<uint32_t> want(yw.begin(), yw.end());
            run_check(c, op, false, want, y->e);
        }
        if (c.bad != bad0) {
            u->mismatches++;
            if (bad0 == 0)
                c.first = where + c.first;
        }
        return true;
    });
    if (n < 0)
        return 1; // conform_each printed FAIL
    // conform_each stops 12 bytes before the end: those must be the trailer, or
    // the file was cut (at a record boundary the reader cannot tell)
    const uint8_t *end = s.buf.data() + s.buf.size() - RW_TRACE_END_BYTES;
    if (s.buf.size() < RW_TRACE_END_BYTES || memcmp(end, RW_TRACE_END_MAGIC, 4) != 0) {
        printf("FAIL %s: %s/vectors.bin has no trailer: truncated\n", name, s.dir.c_str());
        return 1;
    }
    uint32_t total = (uint32_t)end[4] | (uint32_t)end[5] << 8 | (uint32_t)end[6] << 16 |
                     (uint32_t)end[7] << 24;
    std::string counts;
    for (ConformSub &cs : subs) {
        char b[100];
        snprintf(b, sizeof b, "%s%s %ld (%ld mismatches)%s", counts.empty() ? "" : ", ", cs.unit,
                 cs.records, cs.mismatches, cs.records ? "" : " - none in this set");
        counts += b;
    }
    printf("# sfu-conform: %s (%u records): %ld replayed: %s\n", s.dir.c_str(), total, n,
           counts.c_str());
    if (n == 0) {
        printf("FAIL %s: no sigmoid/tanh/decay6/decay7 record in %s\n", name, s.dir.c_str());
        return 1;
    }
    if (c.bad) {
        printf("FAIL %s: %ld of %ld records mismatch; first: %s\n", name, c.bad, n,
               c.first.c_str());
        return 1;
    }
    printf("ok %s: %ld records of %s, every word, exponent and length exact\n", name, n,
           s.dir.c_str());
    return 0;
}

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    top = new Vsfu_unit;
    printf("# tb_sfu_unit: seed 0x%" PRIx64 "\n", SEED);
    int fails = 0;

    // the buffer-width argument of rtl/sfu_unit.sv: sigmoid/tanh entries within
    // (-2^30, 2^30) (decay entries are uint32 by type)
    {
        int32_t mx = 0;
        for (int j = 0; j <= RW_TAB_SIGMOID_N; j++)
            mx = std::max(mx, std::abs(rw_tab_sigmoid[j]));
        for (int j = 0; j <= RW_TAB_TANH_N; j++)
            mx = std::max(mx, std::abs(rw_tab_tanh[j]));
        if (mx >= MANT_MAX) {
            fails++;
            printf("FAIL sfu-entry-range: max |entry| %d of sigmoid/tanh >= 2^30\n", mx);
        } else {
            printf("ok sfu-entry-range (sigmoid/tanh max |entry| %d < 2^30)\n", mx);
        }
    }

    for (auto &w : rf)
        w = rnd32();
    top->clk_i = 0;
    top->rst_ni = 0;
    top->start_i = 0;
    top->eval();
    for (int i = 0; i < 4; i++)
        tick();
    top->rst_ni = 1;
    top->eval();
    tick();

    const int PER_SUB = 10000;
    for (int sub = 0; sub < 4; sub++) {
        const Tab &t = TABS[sub];
        Check c_style[ST_COUNT];
        for (int s = 0; s < ST_COUNT; s++)
            c_style[s].name = std::string("sfu-") + t.name + "-" + style_name[s];
        Check c_big;
        c_big.name = std::string("sfu-") + t.name + "-n-extremes";
        long clamps = 0, elems = 0;
        std::vector<uint32_t> want;
        int32_t want_e;
        uint32_t cl;
        // n = 1, 4096 and a few full vectors of each style
        for (int s = 0; s < ST_COUNT; s++) {
            for (uint32_t n : {1u, (uint32_t)VW, 2u, (uint32_t)VW - 1}) {
                Op op;
                op.sub = sub;
                op.n = op.src_n = n;
                pick_regs(op);
                fill(op, (Style)s, t);
                golden(op, want, want_e, cl);
                clamps += cl;
                elems += n;
                run_check(c_big, op, false, want, want_e);
            }
        }
        for (int i = 0; i < PER_SUB; i++) {
            uint64_t p = rnd64() % 100;
            Style st = p < 55 ? ST_RANDOM : p < 70 ? ST_KNOTS : p < 82 ? ST_TIES
                       : p < 88 ? ST_ZERO : p < 94 ? ST_SAME : ST_EDGES;
            Op op;
            op.sub = sub;
            op.n = op.src_n = pick_n();
            pick_regs(op);
            fill(op, st, t);
            golden(op, want, want_e, cl);
            clamps += cl;
            elems += op.n;
            run_check(c_style[st], op, false, want, want_e);
        }
        for (int s = 0; s < ST_COUNT; s++)
            fails += c_style[s].report();
        fails += c_big.report();
        // coverage: conversions both inside and outside the domain
        if (clamps == 0 || clamps == elems) {
            fails++;
            printf("FAIL sfu-%s-clamp-coverage: %ld clamps of %ld elements\n", t.name, clamps,
                   elems);
        } else {
            printf("ok sfu-%s-clamp-coverage (%ld clamps of %ld elements)\n", t.name, clamps,
                   elems);
        }
    }

    // operands the card refuses: err_o, nothing written
    {
        Check c;
        c.name = "sfu-errors";
        std::vector<uint32_t> none, want;
        int32_t want_e;
        uint32_t cl;
        for (int i = 0; i < 2000; i++) {
            Op op;
            op.sub = (int)(rnd64() % 4);
            op.n = op.src_n = pick_n();
            pick_regs(op);
            fill(op, ST_RANDOM, TABS[op.sub]);
            op.e = (int32_t)rrange(-EXP_MAX, EXP_MAX);
            switch (i % 6) {
            case 0: { // one mantissa out of |m| <= 2^30 (often the last)
                static const int32_t bad[] = {MANT_MAX + 1, -MANT_MAX - 1, INT32_MAX, INT32_MIN};
                uint32_t at = (rnd64() & 1) ? op.n - 1 : (uint32_t)(rnd64() % op.n);
                op.m[at] = bad[rnd64() % 4];
                break;
            }
            case 1: { // exponent out of |e| <= 2^24
                static const int32_t bad[] = {EXP_MAX + 1, -EXP_MAX - 1, INT32_MAX, INT32_MIN};
                op.e = (rnd64() & 1) ? bad[rnd64() % 4]
                                     : (int32_t)((rnd64() & 1) ? rrange(EXP_MAX + 1, INT32_MAX)
                                                               : rrange(INT32_MIN, -EXP_MAX - 1));
                break;
            }
            case 2: // no such SUB
                op.sub = (int)rrange(4, 255);
                break;
            case 3: // SRC0's length differs from n
                op.src_n = (uint32_t)((op.n + rrange(1, VW)) % (VW + 1));
                if (op.src_n > op.n)
                    op.m.resize(op.src_n, 0);
                break;
            case 4: // n beyond a register
                op.n = op.src_n = (uint32_t)rrange(VW + 1, 8191);
                op.m.clear();
                break;
            default: // in domain, at the limits: must not fail
                op.e = (rnd64() & 1) ? EXP_MAX : -EXP_MAX;
                op.m[rnd64() % op.n] = (rnd64() & 1) ? MANT_MAX : -MANT_MAX;
                break;
            }
            bool want_err = (i % 6) != 5;
            if (!want_err) {
                golden(op, want, want_e, cl);
                run_check(c, op, false, want, want_e);
            } else {
                run_check(c, op, true, none, 0);
            }
        }
        fails += c.report();
    }

    // n = 0: done at once, e = 0, nothing read or written
    {
        Check c;
        c.name = "sfu-n-zero";
        for (int sub = 0; sub < 4; sub++)
            for (int i = 0; i < 4; i++) {
                Op op;
                op.sub = sub;
                op.n = op.src_n = 0;
                pick_regs(op);
                op.e = pick_e();
                std::vector<uint32_t> none;
                run_check(c, op, false, none, 0);
            }
        fails += c.report();
    }

    // every golden vector of one conformance set (counted in the throughput check)
    fails += replay_conformance();

    if (cycle_bad) {
        fails++;
        printf("FAIL sfu-throughput: %ld ops not done in 2n + 10 cycles; first: %s\n", cycle_bad,
               cycle_first.c_str());
    } else {
        printf("ok sfu-throughput (done_o 2n + 10 cycles after start_i; n = 0: 1)\n");
    }
    printf("# %ld cycles simulated\n", total_cycles);
    top->final();
    delete top;
    return fails ? 1 : 0;
}
