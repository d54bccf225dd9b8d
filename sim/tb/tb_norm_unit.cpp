// tb_norm_unit.cpp - Verilator testbench of rtl/norm_unit.sv (NORM and L2NORM)
// against the golden rw_groupnorm / rw_l2norm (cmodel/golden/norm.c). The harness
// models the wide vector register file (rows of VL words: row address
// {reg, i / VL}, lane i % VL; three read ports answering one cycle after the
// enable, one write port with a lane mask; VL is the width of the unit's data
// ports, so a build with -GVL=4 tests 4 lanes), starts the unit with random
// operands at random times, and compares every written word, the result
// exponent and length with the golden function on the same inputs. Lanes of a
// read row at or beyond n hold random words. It also checks the unit's protocol
// (busy_o from the cycle after start_i through done_o, done_o one cycle, err_o
// only with done_o), that it reads only its source registers (rows holding
// vector words below n, scalars in row 0), writes only DST words below n, each
// once, and nothing on err_o. The expected errors are the data checks of
// cmodel/golden/card.c op_norm (vdom, pos_scalar, lengths, groups), restated in
// expect_err() below. Group sizes below VL and not multiples of VL (rows that
// two or more groups share) have a test of their own (norm_geometry).
// Last, norm_conform replays every norm and l2norm record of one conformance set
// (sim/tb/tb_conform.h, docs/conformance.md) through the unit with the same
// harness and compares the written words, exponent and length exactly with the
// recorded output, mapping the operands as driver/conform.c replay_norm does.
// Run from the repository root (rtl/tables/rsqrt.mem).
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "Vnorm_unit.h"
#include "tb_conform.h"
#include "verilated.h"

extern "C" {
#include "golden/bfv.h"
#include "golden/norm.h"
#include "golden/qmodel.h"
}

namespace {

const uint64_t SEED = 0x4e4f524d31ULL;  // "NORM1"
const int NV = 32, VW = 4096;
const int OP_NORM = 33, OP_L2NORM = 34, OP_ADD = 16;
const int32_t MANT_MAX = 1 << 30, EXP_MAX = 1 << 24;

// The unit's row: VL words, VL from the width of its read data port (IData,
// QData or VlWide<VL>), so the harness follows a -GVL= override.
using RowT = std::remove_reference_t<decltype(std::declval<Vnorm_unit &>().rd0_data_i)>;
constexpr uint32_t VL = sizeof(RowT) / 4;
constexpr uint32_t NROWS = VW / VL;  // rows per register
constexpr int ilog2(uint32_t v) { return v <= 1 ? 0 : 1 + ilog2(v / 2); }
constexpr int RB = ilog2(NROWS);  // row index bits of a row address
static_assert(VL >= 1 && VL <= 64 && (VL & (VL - 1)) == 0 && NROWS * VL == (uint32_t)VW,
              "VL must be a power of two dividing 4096");
static_assert(sizeof(std::remove_reference_t<decltype(std::declval<Vnorm_unit &>().wr_data_o)>) ==
                  sizeof(RowT),
              "read and write rows differ");

// word j of a row port
uint32_t row_get(const IData &p, uint32_t) { return p; }
uint32_t row_get(const QData &p, uint32_t j) { return (uint32_t)(p >> (32 * j)); }
template <std::size_t N> uint32_t row_get(const VlWide<N> &p, uint32_t j) { return p.at(j); }
void row_set(IData &p, uint32_t, uint32_t v) { p = v; }
void row_set(QData &p, uint32_t j, uint32_t v)
{
    p = (p & ~(UINT64_C(0xffffffff) << (32 * j))) | ((uint64_t)v << (32 * j));
}
template <std::size_t N> void row_set(VlWide<N> &p, uint32_t j, uint32_t v) { p.at(j) = v; }

// ------------------------------------------------------------ random numbers

uint64_t rng_state = SEED;
uint64_t rnd()  // splitmix64
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
uint32_t rndn(uint32_t n) { return (uint32_t)(rnd() % n); }
int32_t rnd_range(int32_t lo, int32_t hi) { return lo + (int32_t)(rnd() % (uint64_t)((int64_t)hi - lo + 1)); }
double rnd_unit() { return (double)(rnd() >> 11) / 9007199254740992.0; }
double gauss()
{
    double u = rnd_unit() + 1e-300, v = rnd_unit();
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

// A value with exactly `bits` significant bits (0..30), or 2^30 for bits 31.
int32_t mant_bits(uint32_t bits, bool neg)
{
    int32_t v;
    if (bits == 0)
        return 0;
    if (bits >= 31)
        v = MANT_MAX;
    else {
        uint32_t top = 1u << (bits - 1);
        v = (int32_t)(top | (uint32_t)(rnd() & (top - 1)));
    }
    return neg ? -v : v;
}

int32_t rand_mant() { return mant_bits(rndn(32), rndn(2)); }

int32_t rand_exp()
{
    switch (rndn(8)) {
    case 0: return rnd_range(-EXP_MAX, EXP_MAX);
    case 1: return rndn(2) ? EXP_MAX - (int32_t)rndn(40) : -EXP_MAX + (int32_t)rndn(40);
    case 2: return rnd_range(-200, 200);
    default: return rnd_range(-45, 10);
    }
}

struct Bfv {
    std::vector<int32_t> m;
    int32_t e = 0;
};

// Values v * 2^e normalized by the golden rw_normalize (stimulus only).
Bfv from_int64(const std::vector<int64_t> &v, int32_t e)
{
    Bfv r;
    r.m.resize(v.size());
    rw_bfv y = {r.m.data(), 0, (uint32_t)v.size()};
    rw_normalize(&y, v.data(), e, (uint32_t)v.size());
    r.e = y.e;
    return r;
}

// Doubles as integers v * 2^-frac, frac lowered so that |v| < 2^52.
Bfv from_doubles(const std::vector<double> &d, int32_t frac)
{
    std::vector<int64_t> v(d.size());
    double mx = 0;
    for (double x : d)
        mx = fabs(x) > mx ? fabs(x) : mx;
    while (frac > -200 && ldexp(mx, frac) >= 0x1p52)
        frac--;
    for (size_t i = 0; i < d.size(); i++)
        v[i] = (int64_t)llrint(ldexp(d[i], frac));
    return from_int64(v, -frac);
}

// A random vector of n elements with group size gs, in one of many shapes.
std::vector<int32_t> rand_vec(uint32_t n, uint32_t gs, int kind)
{
    std::vector<int32_t> m(n);
    switch (kind) {
    case 0:  // random widths, per element
        for (auto &x : m)
            x = rand_mant();
        break;
    case 1: {  // one width for all
        uint32_t b = 1 + rndn(31);
        for (auto &x : m)
            x = mant_bits(1 + rndn(b), rndn(2));
        break;
    }
    case 2: {  // a constant vector (variance 0)
        int32_t c = rand_mant();
        for (auto &x : m)
            x = c;
        break;
    }
    case 3:  // all zero
        break;
    case 4:  // sparse
        for (auto &x : m)
            x = rndn(8) ? 0 : rand_mant();
        break;
    case 5:  // per group: zero, constant, or random
        for (uint32_t g = 0; g < n / gs; g++) {
            int k = (int)rndn(3);
            int32_t c = rand_mant();
            for (uint32_t i = 0; i < gs; i++)
                m[g * gs + i] = k == 0 ? 0 : k == 1 ? c : rand_mant();
        }
        break;
    case 6: {  // ties for the roundings: a half below a power of two
        uint32_t k = 1 + rndn(20);
        for (auto &x : m) {
            int32_t v = (int32_t)((rnd() & (uint64_t)(MANT_MAX - 1)) & ~((1ull << k) - 1)) |
                        (int32_t)(1u << (k - 1));
            x = rndn(2) ? -v : v;
        }
        break;
    }
    case 7:  // extremes
        for (auto &x : m) {
            static const int32_t ex[] = {MANT_MAX, -MANT_MAX, MANT_MAX - 1, -(MANT_MAX - 1),
                                         1 << 29, -(1 << 29), 1, -1, 0};
            x = ex[rndn(9)];
        }
        break;
    case 8: {  // one large element, the rest tiny
        for (auto &x : m)
            x = mant_bits(rndn(4), rndn(2));
        m[rndn(n)] = mant_bits(28 + rndn(4), rndn(2));
        break;
    }
    default: {  // normalized uniform
        for (auto &x : m)
            x = (int32_t)(rnd() % (2ull * MANT_MAX + 1)) - MANT_MAX;
        break;
    }
    }
    return m;
}
const int N_KINDS = 10;

// ------------------------------------------------------------ register file model

struct Vreg {
    std::vector<int32_t> m = std::vector<int32_t>(VW);
    int32_t e = 0;
    uint32_t n = 0;
};

struct Case {
    int op = OP_NORM;
    uint32_t n = 0, groups = 1;
    int src[5] = {0, 1, 2, 3, 4};
    int dst = 5;
    Bfv x, w, b;            // NORM: x, w, b; L2NORM: x
    int32_t inv_m = 0, inv_e = 0, eps_m = 0, eps_e = 0;
    // error tests: lengths given to the unit (default n, or 1 for scalars)
    int32_t len[5] = {-1, -1, -1, -1, -1};
    std::string what;
};

struct Result {
    bool done = false, err = false;
    int32_t e = 0;
    uint32_t n = 0;
    std::string proto;  // first protocol / port violation
    uint64_t cycles = 0;
};

Vreg vrf[NV];

struct Sim {
    Vnorm_unit *t;
    uint64_t cycle = 0;
    explicit Sim(Vnorm_unit *top) : t(top) {}
};

bool allowed_read(const Case &c, uint32_t addr, std::string &why)
{
    int r = (int)(addr >> RB);
    uint32_t row = addr & (NROWS - 1);
    bool vec = r == c.src[0] || (c.op == OP_NORM && (r == c.src[1] || r == c.src[2]));
    bool sca = (c.op == OP_NORM && (r == c.src[3] || r == c.src[4])) ||
               (c.op == OP_L2NORM && r == c.src[1]);
    if (c.op != OP_NORM && c.op != OP_L2NORM)  // not its opcode: the scalar fetch only
        sca = r == c.src[1] || r == c.src[3] || r == c.src[4];
    if ((vec && row * VL < c.n) || (sca && row == 0))
        return true;
    char buf[96];
    snprintf(buf, sizeof buf, "read of register %d row %u", r, row);
    why = buf;
    return false;
}

// Runs one operation; the register file holds the operands.
Result run(Sim &s, const Case &c, std::vector<int> &writes)
{
    Vnorm_unit *t = s.t;
    Result res;
    auto viol = [&](const std::string &w) {
        if (res.proto.empty())
            res.proto = w + " (cycle " + std::to_string(res.cycles) + ")";
    };
    // idle cycles before the start, random operand noise on the data lines
    for (uint32_t k = rndn(4); k > 0; k--) {
        t->start_i = 0;
        t->clk_i = 1;
        t->eval();
        t->clk_i = 0;
        t->eval();
    }
    const int *sr = c.src;
    t->op_i = (uint8_t)c.op;
    t->n_i = (uint16_t)c.n;
    t->imm_i = (uint16_t)c.groups;
    t->src0_i = sr[0];
    t->src1_i = sr[1];
    t->src2_i = sr[2];
    t->src3_i = sr[3];
    t->src4_i = sr[4];
    t->src0_e_i = (uint32_t)vrf[sr[0]].e;
    t->src1_e_i = (uint32_t)vrf[sr[1]].e;
    t->src2_e_i = (uint32_t)vrf[sr[2]].e;
    t->src3_e_i = (uint32_t)vrf[sr[3]].e;
    t->src4_e_i = (uint32_t)vrf[sr[4]].e;
    t->src0_n_i = (uint16_t)vrf[sr[0]].n;
    t->src1_n_i = (uint16_t)vrf[sr[1]].n;
    t->src2_n_i = (uint16_t)vrf[sr[2]].n;
    t->src3_n_i = (uint16_t)vrf[sr[3]].n;
    t->src4_n_i = (uint16_t)vrf[sr[4]].n;
    t->dst_i = c.dst;
    t->start_i = 1;
    if (t->busy_o)
        viol("busy_o high before start");
    uint64_t limit = 40ull * c.n + 400ull * (c.groups ? c.groups : 1) + 2000;
    bool started = false;
    writes.assign(c.n, 0);
    for (res.cycles = 0; res.cycles < limit; res.cycles++) {
        // sample the unit's outputs of this cycle
        bool en[3] = {t->rd0_en_o != 0, t->rd1_en_o != 0, t->rd2_en_o != 0};
        uint32_t ad[3] = {t->rd0_addr_o, t->rd1_addr_o, t->rd2_addr_o};
        bool wen = t->wr_en_o;
        uint32_t wad = t->wr_addr_o;
        uint64_t wmask = (uint64_t)t->wr_mask_o;
        uint32_t wda[VL];
        for (uint32_t j = 0; j < VL; j++)
            wda[j] = row_get(t->wr_data_o, j);
        int wreg = (int)(wad >> RB);
        uint32_t wrow = wad & (NROWS - 1);
        bool done = t->done_o, err = t->err_o, busy = t->busy_o;
        if (started && !busy)
            viol("busy_o low before done_o");
        if (err && !done)
            viol("err_o without done_o");
        std::string why;
        for (int k = 0; k < 3; k++)
            if (en[k] && !allowed_read(c, ad[k], why))
                viol(why + " on rd" + std::to_string(k));
        if (wen) {
            if (wmask == 0)
                viol("a write with no lane enabled");
            for (uint32_t j = 0; j < VL; j++) {
                if (!((wmask >> j) & 1))
                    continue;
                uint32_t i = wrow * VL + j;
                if (wreg != c.dst || i >= c.n)
                    viol("write of register " + std::to_string(wreg) + " word " +
                         std::to_string(i));
                else
                    writes[i]++;
            }
        }
        if (done) {
            res.done = true;
            res.err = err;
            res.e = (int32_t)t->dst_e_o;
            res.n = t->dst_n_o;
        }
        // the clock edge
        t->clk_i = 1;
        t->eval();
        if (wen && wreg == c.dst)
            for (uint32_t j = 0; j < VL; j++)
                if ((wmask >> j) & 1)
                    vrf[wreg].m[wrow * VL + j] = (int32_t)wda[j];
        if (!started) {
            t->start_i = 0;
            started = true;
            if (!t->busy_o)
                viol("busy_o low after start");
        }
        // a row: every lane of the register's row (lanes at or beyond n hold
        // whatever the model holds there: random words), or noise
        for (uint32_t j = 0; j < VL; j++) {
            uint32_t w[3];
            for (int k = 0; k < 3; k++)
                w[k] = en[k] ? (uint32_t)vrf[ad[k] >> RB].m[(ad[k] & (NROWS - 1)) * VL + j]
                             : (uint32_t)rnd();
            row_set(t->rd0_data_i, j, w[0]);
            row_set(t->rd1_data_i, j, w[1]);
            row_set(t->rd2_data_i, j, w[2]);
        }
        // random changes of the operand fields other than the held ones would
        // break the interface contract, so only the data lines carry noise
        t->clk_i = 0;
        t->eval();
        if (done) {
            if (t->done_o)
                viol("done_o longer than one cycle");
            if (t->busy_o)
                viol("busy_o high after done_o");
            break;
        }
    }
    if (!res.done)
        viol("no done_o within " + std::to_string(limit) + " cycles");
    return res;
}

// ------------------------------------------------------------ golden and checks

// card.c dom / vdom / pos_scalar, as op_norm applies them.
bool vdom(const Vreg &v)
{
    if (v.e > EXP_MAX || v.e < -EXP_MAX)
        return false;
    for (uint32_t i = 0; i < v.n; i++)
        if (v.m[i] > MANT_MAX || v.m[i] < -MANT_MAX)
            return false;
    return true;
}
bool pos_scalar(const Vreg &v) { return v.n == 1 && vdom(v) && v.m[0] > 0; }

bool expect_err(const Case &c)
{
    const Vreg &x = vrf[c.src[0]];
    uint32_t n = c.n, g = c.groups;
    if (c.op != OP_NORM && c.op != OP_L2NORM)
        return true;  // not this unit's opcode
    if (x.n != n || g == 0 || n % g || !vdom(x))
        return true;
    if (c.op == OP_NORM) {
        const Vreg &w = vrf[c.src[1]], &b = vrf[c.src[2]];
        if (w.n != n || b.n != n || !vdom(w) || !vdom(b) || !pos_scalar(vrf[c.src[3]]) ||
            !pos_scalar(vrf[c.src[4]]))
            return true;
    } else if (!pos_scalar(vrf[c.src[1]])) {
        return true;
    }
    return false;
}

std::vector<int64_t> ws_tmp(2 * VW + 8);
std::vector<int32_t> ws_etmp(VW + 8), ws_d(VW + 8), g_out(VW + 8);
std::vector<int16_t> ws_q(VW + 8);

// The golden result of the operation on the register file's operands.
rw_bfv golden(const Case &c)
{
    rw_norm_ws ws = {ws_tmp.data(), ws_etmp.data(), ws_d.data(), ws_q.data()};
    rw_bfv y = {g_out.data(), 0, c.n};
    auto cv = [&](int r, uint32_t n) {
        rw_cbfv v = {vrf[r].m.data(), vrf[r].e, n};
        return v;
    };
    if (c.op == OP_NORM)
        rw_groupnorm(&y, cv(c.src[0], c.n), cv(c.src[1], c.n), cv(c.src[2], c.n), c.groups,
                     cv(c.src[3], 1), cv(c.src[4], 1), &ws);
    else
        rw_l2norm(&y, cv(c.src[0], c.n), c.groups, cv(c.src[1], 1), &ws);
    return y;
}

// Loads the case's operands into the register file (garbage elsewhere).
void load(const Case &c)
{
    // garbage just beyond the operands (reads beyond n are caught anyway)
    auto put = [&](int r, const Bfv &v, uint32_t n) {
        Vreg &R = vrf[r];
        int end = (int)((v.m.size() + VL - 1) / VL * VL + VL + 16);  // past the last row
        end = end < VW ? end : VW;
        for (int i = 0; i < end; i++)
            R.m[i] = i < (int)v.m.size() ? v.m[i] : (int32_t)rnd();
        R.e = v.e;
        R.n = n;
    };
    auto put_sca = [&](int r, int32_t m, int32_t e) {
        Bfv s;
        s.m = {m};
        s.e = e;
        put(r, s, 1);
    };
    // the destination starts as garbage unless it aliases a source
    for (uint32_t i = 0; i < c.n + VL + 16 && i < (uint32_t)VW; i++)
        vrf[c.dst].m[i] = (int32_t)rnd();
    vrf[c.dst].n = rndn(VW);
    vrf[c.dst].e = (int32_t)rnd();
    if (c.op == OP_NORM) {
        put_sca(c.src[3], c.inv_m, c.inv_e);
        put_sca(c.src[4], c.eps_m, c.eps_e);
        put(c.src[2], c.b, c.n);
        put(c.src[1], c.w, c.n);
        put(c.src[0], c.x, c.n);
    } else {
        put_sca(c.src[1], c.eps_m, c.eps_e);
        put(c.src[0], c.x, c.n);
    }
    for (int k = 0; k < 5; k++)
        if (c.len[k] >= 0)
            vrf[c.src[k]].n = (uint32_t)c.len[k];
}

struct Stats {
    long cases = 0, bad = 0;
    bool printed = false;
};

std::string describe(const Case &c)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s n=%u groups=%u e_x=%d", c.op == OP_NORM ? "NORM" : "L2NORM",
             c.n, c.groups, vrf[c.src[0]].e);
    std::string s = buf;
    if (c.op == OP_NORM) {
        snprintf(buf, sizeof buf, " e_w=%d e_b=%d inv=(%d,%d) eps=(%d,%d)", vrf[c.src[1]].e,
                 vrf[c.src[2]].e, vrf[c.src[3]].m[0], vrf[c.src[3]].e, vrf[c.src[4]].m[0],
                 vrf[c.src[4]].e);
    } else {
        snprintf(buf, sizeof buf, " eps_sq=(%d,%d)", vrf[c.src[1]].m[0], vrf[c.src[1]].e);
    }
    s += buf;
    if (!c.what.empty())
        s += " [" + c.what + "]";
    return s;
}

// Runs a case and compares; returns true if it matched.
bool check(Sim &s, const Case &c, Stats &st, const char *name, uint64_t *cycles = nullptr)
{
    load(c);
    bool want_err = expect_err(c);
    Case cc = c;
    // copies of the operands for the golden model (DST may alias a source)
    Vreg save[5];
    for (int k = 0; k < 5; k++)
        save[k] = vrf[c.src[k]];
    std::vector<int> writes;
    Result r = run(s, c, writes);
    if (cycles)
        *cycles = r.cycles;
    std::string why;
    if (!r.proto.empty())
        why = r.proto;
    else if (r.err != want_err)
        why = want_err ? "no err_o on an operand outside the definition"
                       : "err_o on valid operands";
    else if (want_err) {
        for (uint32_t i = 0; i < c.n && why.empty(); i++)
            if (writes[i])
                why = "a write despite err_o";
    } else {
        // restore the operands for the golden model, then compare
        std::vector<int32_t> got(vrf[c.dst].m.begin(), vrf[c.dst].m.begin() + c.n);
        for (int k = 0; k < 5; k++)
            vrf[c.src[k]] = save[k];
        rw_bfv y = golden(c);
        if (r.n != y.n || r.e != y.e) {
            char buf[128];
            snprintf(buf, sizeof buf, "dst (e, n) = (%d, %u), want (%d, %u)", r.e, r.n, y.e, y.n);
            why = buf;
        }
        for (uint32_t i = 0; i < c.n && why.empty(); i++) {
            if (writes[i] != 1) {
                why = "word " + std::to_string(i) + " written " + std::to_string(writes[i]) +
                      " times";
            } else if (got[i] != y.m[i]) {
                char buf[160];
                snprintf(buf, sizeof buf, "word %u = %d, want %d (x[%u] = %d)", i, got[i],
                         y.m[i], i, vrf[c.src[0]].m[i]);
                why = buf;
            }
        }
    }
    st.cases++;
    if (why.empty())
        return true;
    st.bad++;
    if (!st.printed) {
        // the operands as loaded (restore them: DST may have overwritten one)
        for (int k = 0; k < 5; k++)
            vrf[c.src[k]] = save[k];
        printf("FAIL %s: %s; %s\n", name, why.c_str(), describe(cc).c_str());
        st.printed = true;
    }
    return false;
}

void report(const char *name, const Stats &st)
{
    if (st.bad == 0)
        printf("ok %s (%ld cases, 0 mismatches)\n", name, st.cases);
    else
        printf("    %s: %ld mismatches in %ld cases\n", name, st.bad, st.cases);
}

// ------------------------------------------------------------ stimulus

std::vector<uint32_t> divisors(uint32_t n)
{
    std::vector<uint32_t> d;
    for (uint32_t k = 1; k <= n; k++)
        if (n % k == 0)
            d.push_back(k);
    return d;
}

uint32_t rand_n()
{
    uint32_t k = rndn(100);
    if (k < 45)
        return 1 + rndn(64);
    if (k < 75)
        return 65 + rndn(192);
    if (k < 93)
        return 257 + rndn(768);
    if (k < 96) {
        static const uint32_t common[] = {64, 128, 256, 512, 768, 1024, 2048};
        return common[rndn(7)];
    }
    return 1025 + rndn(3072);
}

uint32_t rand_groups(uint32_t n)
{
    std::vector<uint32_t> d = divisors(n);
    uint32_t pick = rndn(8);
    if (pick == 0 || pick == 1)
        return 1;
    if (pick == 2 && n % 2 == 0)
        return 2;
    if (pick == 3 && n % 12 == 0)
        return 12;
    if (pick == 4 && n % 64 == 0)
        return n / 64;
    if (pick == 5 && n <= 512)
        return n;  // groups of one element
    uint32_t g = d[rndn((uint32_t)d.size())];
    // keep the group count moderate for long vectors (time)
    if (n > 512 && n / g < 8)
        return 1;
    return g;
}

void rand_scalar(int32_t &m, int32_t &e)
{
    m = mant_bits(1 + rndn(31), false);
    e = rndn(3) ? rnd_range(-60, 10) : rand_exp();
}

void quant_scalar(double v, int32_t &m, int32_t &e) { rw_quant_bfv_scalar(v, &m, &e); }

// Random register numbers: distinct, DST sometimes one of the sources.
void rand_regs(Case &c)
{
    int used[NV] = {0};
    for (int k = 0; k < 5; k++) {
        int r;
        do
            r = (int)rndn(NV);
        while (used[r]);
        used[r] = 1;
        c.src[k] = r;
    }
    if (rndn(4) == 0)
        c.dst = c.src[c.op == OP_NORM ? rndn(3) : 0];  // the destination is a source
    else {
        int r;
        do
            r = (int)rndn(NV);
        while (used[r]);
        c.dst = r;
    }
}

Bfv rand_bfv(uint32_t n, uint32_t gs)
{
    Bfv v;
    v.m = rand_vec(n, gs, (int)rndn(N_KINDS));
    v.e = rand_exp();
    return v;
}

Case rand_norm()
{
    Case c;
    c.op = OP_NORM;
    c.n = rand_n();
    c.groups = rand_groups(c.n);
    uint32_t gs = c.n / c.groups;
    rand_regs(c);
    c.x = rand_bfv(c.n, gs);
    c.w = rand_bfv(c.n, gs);
    c.b = rand_bfv(c.n, gs);
    if (rndn(3) == 0) {
        // exponents close together: the alignments that do not saturate
        c.w.e = c.x.e + rnd_range(-40, 40);
        c.b.e = c.x.e + rnd_range(-40, 40);
        if (c.w.e > EXP_MAX || c.w.e < -EXP_MAX)
            c.w.e = c.x.e;
        if (c.b.e > EXP_MAX || c.b.e < -EXP_MAX)
            c.b.e = c.x.e;
    }
    switch (rndn(4)) {
    case 0: quant_scalar(1.0 / gs, c.inv_m, c.inv_e); quant_scalar(1e-5, c.eps_m, c.eps_e); break;
    case 1: quant_scalar(1.0 / gs, c.inv_m, c.inv_e); quant_scalar(64e-5, c.eps_m, c.eps_e); break;
    case 2:
        quant_scalar(1.0 / gs, c.inv_m, c.inv_e);
        rand_scalar(c.eps_m, c.eps_e);
        break;
    default:
        rand_scalar(c.inv_m, c.inv_e);
        rand_scalar(c.eps_m, c.eps_e);
        break;
    }
    return c;
}

// Layer norm and group norm as the model runs them: residual-stream-like x,
// weights near 1, small biases, 1/n and eps as rw_qmodel_derive builds them.
Case real_norm()
{
    Case c;
    c.op = OP_NORM;
    static const uint32_t ns[] = {64, 128, 256, 512, 768, 1024, 2048, 4096};
    c.n = ns[rndn(rndn(4) ? 5 : 8)];
    bool gn = rndn(2);
    uint32_t hs = rndn(3) ? 64 : (rndn(2) ? 32 : 128);
    c.groups = gn && c.n % hs == 0 ? c.n / hs : 1;
    uint32_t gs = c.n / c.groups;
    rand_regs(c);
    double scale = ldexp(1.0, rnd_range(-8, 8)), mean = gauss() * scale * 0.3;
    std::vector<double> x(c.n), w(c.n), b(c.n);
    for (uint32_t i = 0; i < c.n; i++) {
        x[i] = mean + gauss() * scale * (rndn(50) ? 1.0 : 30.0);  // a few outliers
        w[i] = 1.0 + 0.2 * gauss();
        b[i] = 0.05 * gauss();
    }
    c.x = from_doubles(x, 40 - rnd_range(-8, 8));
    c.w = from_doubles(w, 32);
    c.b = from_doubles(b, 40);
    quant_scalar(1.0 / gs, c.inv_m, c.inv_e);
    quant_scalar(gn ? 64e-5 : 1e-5, c.eps_m, c.eps_e);
    c.what = gn ? "group norm" : "layer norm";
    return c;
}

Case rand_l2()
{
    Case c;
    c.op = OP_L2NORM;
    c.n = rand_n();
    c.groups = rand_groups(c.n);
    rand_regs(c);
    c.x = rand_bfv(c.n, c.n / c.groups);
    switch (rndn(3)) {
    case 0: quant_scalar(1e-24, c.eps_m, c.eps_e); break;
    case 1: rand_scalar(c.eps_m, c.eps_e); break;
    default: {
        // eps_sq right at some group's sum of squares, off by -1, 0 or +1 in the
        // mantissa: both branches of the max (stimulus from the golden primitives)
        uint32_t gs = c.n / c.groups, g = rndn(c.groups);
        std::vector<int16_t> q(gs);
        rw_act16 a = {q.data(), 0, gs};
        rw_cbfv xg = {c.x.m.data() + g * gs, c.x.e, gs};
        rw_act_quant(&a, xg);
        int64_t s = 0;
        for (uint32_t i = 0; i < gs; i++)
            s += (int32_t)q[i] * q[i];
        int32_t sm = 0;
        rw_bfv ss = {&sm, 0, 1};
        rw_normalize(&ss, &s, 2 * a.e, 1);
        if (sm > 0) {
            c.eps_m = sm + rnd_range(-1, 1);
            c.eps_e = ss.e;
            if (c.eps_e > EXP_MAX || c.eps_e < -EXP_MAX)
                quant_scalar(1e-24, c.eps_m, c.eps_e);
        } else {
            quant_scalar(1e-24, c.eps_m, c.eps_e);
        }
        c.what = "eps_sq at a group's sum of squares";
        break;
    }
    }
    if (rndn(8) == 0) {
        c.x.e = rnd_range(-EXP_MAX, -EXP_MAX + 100);  // tiny: ss < eps_sq
        c.what = "tiny x";
    }
    return c;
}

Case real_l2()
{
    Case c;
    c.op = OP_L2NORM;
    static const uint32_t ns[] = {64, 128, 256, 768, 1024, 2048, 4096};
    c.n = ns[rndn(rndn(4) ? 4 : 7)];
    c.groups = c.n / 64;
    rand_regs(c);
    std::vector<double> x(c.n);
    double scale = ldexp(1.0, rnd_range(-12, 6));
    for (auto &v : x)
        v = gauss() * scale;
    c.x = from_doubles(x, 40);
    quant_scalar(1e-24, c.eps_m, c.eps_e);
    c.what = "kk heads";
    return c;
}

// A case with groups of gs elements: n = gs * groups, random operands of every
// shape (groups of gs < VL or gs not a multiple of VL share rows).
Case geom_case(int op, uint32_t gs, uint32_t groups)
{
    Case c = op == OP_NORM ? rand_norm() : rand_l2();
    c.n = gs * groups;
    c.groups = groups;
    c.x = rand_bfv(c.n, gs);
    if (op == OP_NORM) {
        c.w = rand_bfv(c.n, gs);
        c.b = rand_bfv(c.n, gs);
        if (rndn(2))
            quant_scalar(1.0 / gs, c.inv_m, c.inv_e);
    } else if (rndn(2)) {
        quant_scalar(1e-24, c.eps_m, c.eps_e);
    }
    c.what = "group geometry";
    return c;
}

// An operand outside the unit's definition (or a malformed instruction).
Case err_case(int op)
{
    Case c = op == OP_NORM ? rand_norm() : rand_l2();
    if (c.n > 256) {  // short ones are enough here
        c.n = 1 + rndn(256);
        c.groups = rand_groups(c.n);
        c.x.m.resize(c.n);
        c.w.m.resize(c.n);
        c.b.m.resize(c.n);
    }
    if (c.dst == c.src[0] || c.dst == c.src[1] || c.dst == c.src[2]) {
        // a separate destination, so that "nothing written" is observable
        int r = 0;
        while (r == c.src[0] || r == c.src[1] || r == c.src[2] || r == c.src[3] || r == c.src[4])
            r++;
        c.dst = r;
    }
    static const int32_t bad_m[] = {MANT_MAX + 1, -MANT_MAX - 1, INT32_MAX, INT32_MIN,
                                    (int32_t)0x80000001};
    static const int32_t bad_e[] = {EXP_MAX + 1, -EXP_MAX - 1, INT32_MAX, INT32_MIN};
    Bfv *vecs[3] = {&c.x, &c.w, &c.b};
    int nvec = op == OP_NORM ? 3 : 1;
    switch (rndn(op == OP_NORM ? 9 : 7)) {
    case 0:
        vecs[rndn(nvec)]->m[rndn(c.n)] = bad_m[rndn(5)];
        c.what = "mantissa outside 2^30";
        break;
    case 1:
        vecs[rndn(nvec)]->e = bad_e[rndn(4)];
        c.what = "exponent outside 2^24";
        break;
    case 2: {
        int32_t m[] = {0, -1, -MANT_MAX, MANT_MAX + 1, INT32_MIN};
        c.eps_m = m[rndn(5)];
        c.what = "eps not positive / outside";
        break;
    }
    case 3:
        c.eps_e = bad_e[rndn(4)];
        c.what = "eps exponent";
        break;
    case 4:
        c.len[op == OP_NORM ? 4 : 1] = rndn(2) ? 0 : 2;
        c.what = "eps not a scalar";
        break;
    case 5:
        if (rndn(2))
            c.groups = 0;
        else {
            c.groups = c.n + 1 + rndn(3);  // n % groups != 0
            if (rndn(2) && c.n > 2) {
                for (uint32_t g = 2; g < c.n; g++)
                    if (c.n % g) {
                        c.groups = g;
                        break;
                    }
            }
        }
        c.what = "groups";
        break;
    case 6:
        if (rndn(2))
            c.len[0] = (int32_t)c.n + 1;
        else
            c.op = OP_ADD;
        c.what = "length / opcode";
        break;
    case 7: {
        int32_t m[] = {0, -1, MANT_MAX + 1};
        if (rndn(2))
            c.inv_m = m[rndn(3)];
        else if (rndn(2))
            c.inv_e = bad_e[rndn(4)];
        else
            c.len[3] = 2;
        c.what = "1/n";
        break;
    }
    default:
        c.len[1 + rndn(2)] = (int32_t)c.n + 1;
        c.what = "w/b length";
        break;
    }
    return c;
}

// ------------------------------------------------------------ golden vectors

struct ConformStats {
    long records = 0, bad = 0, n_norm = 0, n_l2 = 0;
    uint64_t cycles = 0;
    std::string first;  // the first mismatch
};

// A record's operand as a register-file vector (mantissas, exponent, length).
bool conform_bfv(const rw_trace_rec &r, const char *role, Bfv &v, uint32_t &n, std::string &why)
{
    const rw_trace_opnd *o = conform_opnd(r, 0, role);
    if (!o || o->type != RW_OT_BFV) {
        why = std::string("input '") + role + "' missing or not a BFV";
        return false;
    }
    v.m = conform_words(o);
    v.e = o->e;
    n = o->n;
    return true;
}

// Replays one norm / l2norm record through the unit: the operands as
// driver/conform.c replay_norm hands them to rw_groupnorm / rw_l2norm (x, w, b as
// vectors; inv_n, eps, eps_sq as scalars; groups an int32), loaded into random
// registers with their recorded lengths; every written word, the exponent and the
// length are compared with the recorded output 'y'. Returns "" when it matches.
std::string replay_record(Sim &s, const rw_trace_rec &r, uint64_t &cycles)
{
    std::string why;
    Case c;
    bool norm = !strcmp(r.unit, "norm");
    c.op = norm ? OP_NORM : OP_L2NORM;
    uint32_t nx = 0, nw = 0, nb = 0, ni = 0, ne = 0;
    Bfv inv, eps;
    const rw_trace_opnd *g = conform_opnd(r, 0, "groups");
    const rw_trace_opnd *y = conform_opnd(r, 1, "y");
    if (!g || g->type != RW_OT_I32 || g->n != 1)
        return "input 'groups' missing or not one int32";
    if (!y || y->type != RW_OT_BFV)
        return "output 'y' missing or not a BFV";
    if (!conform_bfv(r, "x", c.x, nx, why))
        return why;
    if (norm) {
        if (!conform_bfv(r, "w", c.w, nw, why) || !conform_bfv(r, "b", c.b, nb, why) ||
            !conform_bfv(r, "inv_n", inv, ni, why) || !conform_bfv(r, "eps", eps, ne, why))
            return why;
    } else if (!conform_bfv(r, "eps_sq", eps, ne, why)) {
        return why;
    }
    int32_t groups = conform_words(g)[0];
    // what the unit's ports cannot carry: said, never skipped
    if (nx > (uint32_t)VW || nw > (uint32_t)VW || nb > (uint32_t)VW || ni > (uint32_t)VW ||
        ne > (uint32_t)VW)
        return "an operand longer than a vector register (" + std::to_string(VW) +
               " words): the unit cannot take it";
    if (groups <= 0 || groups > 65535)
        return "groups = " + std::to_string(groups) + " does not fit imm_i (1..65535)";
    c.n = nx;
    c.groups = (uint32_t)groups;
    rand_regs(c);
    // scalars: their first word through load(); every operand with its recorded
    // length (x's is n), so that a length the unit rejects shows
    c.inv_m = ni ? inv.m[0] : 0;
    c.inv_e = inv.e;
    c.eps_m = ne ? eps.m[0] : 0;
    c.eps_e = eps.e;
    if (norm) {
        c.len[1] = (int32_t)nw;
        c.len[2] = (int32_t)nb;
        c.len[3] = (int32_t)ni;
        c.len[4] = (int32_t)ne;
    } else {
        c.len[1] = (int32_t)ne;
    }
    load(c);
    if (expect_err(c))
        return "operands outside the unit's definition (card.c op_norm: lengths, groups, "
               "mantissas within 2^30, exponents within 2^24, positive scalars), which the "
               "golden function computes anyway";
    std::vector<int> writes;
    Result res = run(s, c, writes);
    cycles = res.cycles;
    if (!res.proto.empty())
        return res.proto;
    if (res.err)
        return "err_o on a recorded operation";
    std::vector<int32_t> want = conform_words(y);
    char buf[200];
    if (res.n != y->n || res.e != y->e) {
        snprintf(buf, sizeof buf, "dst (e, n) = (%d, %u), recorded (%d, %u)", res.e, res.n, y->e,
                 y->n);
        return buf;
    }
    for (uint32_t i = 0; i < c.n; i++) {
        if (writes[i] != 1)
            return "word " + std::to_string(i) + " written " + std::to_string(writes[i]) +
                   " times";
        if (vrf[c.dst].m[i] != want[i]) {
            snprintf(buf, sizeof buf, "first differing word %u = %d, recorded %d", i,
                     vrf[c.dst].m[i], want[i]);
            return buf;
        }
    }
    return "";
}

// Replays every norm and l2norm record of the set; returns the mismatches (a set
// that is missing: 0 after the helper's skip line, 1 under CI=true).
long replay_conform(Sim &s)
{
    const char *name = "norm_conform";
    static const char *const units[] = {"norm", "l2norm", nullptr};
    ConformSet set;
    if (!conform_open(set, name)) {
        const char *ci = getenv("CI");
        FILE *f = fopen((set.dir + "/vectors.bin").c_str(), "rb");
        FILE *q = fopen((set.dir + "/model.rq").c_str(), "rb");
        bool missing = !f || !q;
        if (f)
            fclose(f);
        if (q)
            fclose(q);
        return missing && !(ci && !strcmp(ci, "true")) ? 0 : 1;  // skip, or the FAIL printed
    }
    ConformStats st;
    long n = conform_each(set, units, name, [&](const rw_trace_rec &r) {
        uint64_t cyc = 0;
        std::string why = replay_record(s, r, cyc);
        st.records++;
        st.cycles += cyc;
        (strcmp(r.unit, "norm") ? st.n_l2 : st.n_norm)++;
        if (!why.empty()) {
            if (st.bad++ == 0) {
                char buf[160];
                snprintf(buf, sizeof buf, "record %u (%s %s, token %u, layer %d, n %u): ",
                         r.index, r.unit, r.name, r.token, (int)r.layer,
                         conform_opnd(r, 0, "x") ? conform_opnd(r, 0, "x")->n : 0);
                st.first = buf + why;
            }
        }
        return true;
    });
    if (n < 0)
        return 1;  // malformed file: the helper printed FAIL
    printf("# %s: %s: %ld norm + %ld l2norm records replayed, %ld mismatches, %" PRIu64
           " cycles\n",
           name, set.dir.c_str(), st.n_norm, st.n_l2, st.bad, st.cycles);
    if (st.records == 0) {
        printf("FAIL %s: no norm or l2norm records in %s\n", name, set.dir.c_str());
        return 1;
    }
    if (st.bad) {
        printf("FAIL %s: %s; %ld of %ld records differ\n", name, st.first.c_str(), st.bad,
               st.records);
        return st.bad;
    }
    printf("ok %s (%ld records, 0 mismatches)\n", name, st.records);
    return 0;
}

}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    setvbuf(stdout, nullptr, _IOLBF, 0);
    Vnorm_unit *top = new Vnorm_unit;
    Sim s(top);
    printf("# tb_norm_unit seed 0x%" PRIx64 ", VL %u\n", SEED, VL);
    top->clk_i = 0;
    top->rst_ni = 0;
    top->start_i = 0;
    top->eval();
    for (int i = 0; i < 4; i++) {
        top->clk_i = 1;
        top->eval();
        top->clk_i = 0;
        top->eval();
    }
    top->rst_ni = 1;
    long bad = 0;

    // fixed corner cases first
    {
        Stats st;
        const char *name = "norm_corners";
        for (int rep = 0; rep < 200; rep++) {
            Case c = rand_norm();
            uint32_t gs = c.n / c.groups;
            switch (rep % 10) {
            case 0: c.x.m.assign(c.n, 0); c.what = "x all zero"; break;
            case 1: c.x.m.assign(c.n, rand_mant()); c.what = "x constant"; break;
            case 2: c.w.m.assign(c.n, 0); c.what = "w all zero"; break;
            case 3: c.b.m.assign(c.n, 0); c.what = "b all zero"; break;
            case 4:
                c.x.m.assign(c.n, 0);
                c.b.m.assign(c.n, 0);
                c.what = "x and b zero: all-zero result";
                break;
            case 5:
                c.x.e = EXP_MAX;
                c.w.e = EXP_MAX;
                c.b.e = -EXP_MAX;
                c.what = "extreme exponents";
                break;
            case 6:
                c.x.e = -EXP_MAX;
                c.w.e = -EXP_MAX;
                c.b.e = EXP_MAX;
                c.what = "extreme exponents";
                break;
            case 7:
                c.x.m = rand_vec(c.n, gs, 5);
                c.b.m = rand_vec(c.n, gs, 5);
                c.what = "zero / constant groups";
                break;
            case 8:
                c.n = 1 + rndn(4);
                c.groups = rndn(2) ? 1 : c.n;
                c.x.m.resize(c.n);
                c.w.m.resize(c.n);
                c.b.m.resize(c.n);
                c.what = "tiny n";
                break;
            default:
                c.eps_m = MANT_MAX;
                c.eps_e = rand_exp();
                c.inv_m = 1;
                c.what = "extreme scalars";
                break;
            }
            check(s, c, st, name);
        }
        // n = 0: an empty result
        for (int rep = 0; rep < 20; rep++) {
            Case c = rand_norm();
            c.n = 0;
            c.groups = 1 + rndn(rep < 10 ? 5 : 65535);
            c.x.m.clear();
            c.w.m.clear();
            c.b.m.clear();
            c.what = "n = 0";
            check(s, c, st, name);
            Case d = rand_l2();
            d.n = 0;
            d.groups = c.groups;
            d.x.m.clear();
            d.what = "n = 0";
            check(s, d, st, name);
        }
        report(name, st);
        bad += st.bad;
    }
    {
        Stats st;
        const char *name = "l2norm_corners";
        for (int rep = 0; rep < 100; rep++) {
            Case c = rand_l2();
            switch (rep % 5) {
            case 0: c.x.m.assign(c.n, 0); c.what = "x all zero"; break;
            case 1: c.x.m.assign(c.n, rand_mant()); c.what = "x constant"; break;
            case 2: c.x.e = EXP_MAX; c.what = "huge x"; break;
            case 3: c.x.e = -EXP_MAX; c.what = "tiny x"; break;
            default:
                c.x.m = rand_vec(c.n, c.n / c.groups, 5);
                c.what = "zero / constant groups";
                break;
            }
            check(s, c, st, name);
        }
        report(name, st);
        bad += st.bad;
    }

    // group sizes around the row width: every gs in 1 .. 3 VL + 3 and a few
    // larger ones not a multiple of VL, with 1, 2, 3 and many groups (groups
    // that share rows, groups within one row, groups spanning rows)
    for (int op : {OP_NORM, OP_L2NORM}) {
        Stats st;
        const char *name = op == OP_NORM ? "norm_geometry" : "l2norm_geometry";
        std::vector<uint32_t> sizes;
        for (uint32_t gs = 1; gs <= 3 * VL + 3; gs++)
            sizes.push_back(gs);
        for (uint32_t gs : {5u * VL - 1, 5u * VL + 1, 7u * VL + VL / 2 + 1, 24u, 40u, 72u, 100u,
                            127u, 200u, 333u, 770u})
            sizes.push_back(gs);
        for (uint32_t gs : sizes) {
            uint32_t gmax = (uint32_t)VW / gs;
            uint32_t opts[] = {1, 2, 3, 1 + rndn(gmax < 40 ? gmax : 40),
                               1 + rndn(gmax < 300 ? gmax : 300)};
            for (uint32_t g : opts)
                if (g <= gmax)
                    check(s, geom_case(op, gs, g), st, name);
        }
        report(name, st);
        bad += st.bad;
    }

    // random
    {
        Stats st;
        const char *name = "norm_random";
        for (int i = 0; i < 10000; i++)
            check(s, rand_norm(), st, name);
        report(name, st);
        bad += st.bad;
    }
    {
        Stats st;
        const char *name = "norm_model_like";
        for (int i = 0; i < 300; i++)
            check(s, real_norm(), st, name);
        report(name, st);
        bad += st.bad;
    }
    {
        Stats st;
        const char *name = "l2norm_random";
        for (int i = 0; i < 10000; i++)
            check(s, rand_l2(), st, name);
        report(name, st);
        bad += st.bad;
    }
    {
        Stats st;
        const char *name = "l2norm_model_like";
        for (int i = 0; i < 200; i++)
            check(s, real_l2(), st, name);
        report(name, st);
        bad += st.bad;
    }
    {
        Stats st;
        const char *name = "norm_errors";
        for (int i = 0; i < 1000; i++)
            check(s, err_case(OP_NORM), st, name);
        report(name, st);
        bad += st.bad;
    }
    {
        Stats st;
        const char *name = "l2norm_errors";
        for (int i = 0; i < 600; i++)
            check(s, err_case(OP_L2NORM), st, name);
        report(name, st);
        bad += st.bad;
    }

    // cycle counts of typical shapes (information, also compared)
    {
        Stats st;
        struct {
            int op;
            uint32_t n, g;
        } shapes[] = {{OP_NORM, 768, 1},    {OP_NORM, 768, 12},   {OP_NORM, 4096, 1},
                      {OP_NORM, 4096, 64},  {OP_L2NORM, 768, 12}, {OP_L2NORM, 4096, 64},
                      {OP_L2NORM, 4096, 1}, {OP_NORM, 4096, 4096}};
        for (auto &sh : shapes) {
            Case c = sh.op == OP_NORM ? rand_norm() : rand_l2();
            c.n = sh.n;
            c.groups = sh.g;
            c.x.m = rand_vec(c.n, c.n / c.groups, 9);
            c.w.m = rand_vec(c.n, c.n / c.groups, 9);
            c.b.m = rand_vec(c.n, c.n / c.groups, 9);
            uint64_t cyc = 0;
            check(s, c, st, "norm_timing", &cyc);
            printf("# %s n=%u groups=%u: %" PRIu64 " cycles, %.2f per element\n",
                   sh.op == OP_NORM ? "NORM" : "L2NORM", sh.n, sh.g, cyc, (double)cyc / sh.n);
        }
        report("norm_timing", st);
        bad += st.bad;
    }

    // every norm and l2norm record of one conformance set
    bad += replay_conform(s);

    top->final();
    delete top;
    printf("# tb_norm_unit: %ld mismatches\n", bad);
    return bad ? 1 : 0;
}
