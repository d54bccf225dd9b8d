// tb_vec_unit.cpp - Verilator harness of rtl/vec_unit.sv against the golden C
// model: MOVE (card.c op_move: words, exponent, length), ADD/SUB (rw_add/rw_sub,
// SRC1 scalar broadcast), MUL (rw_mul), LERP (rw_lerp), RELU_SQ (rw_relu_sq),
// and card.c's operand-domain errors (op_elementwise/vdom, mirrored in dom()
// below because card.c keeps it static): on err_o nothing may be written.
//
// The harness models the wide vector register file of docs/rtl.md (32 x 4096
// int32, e, n per register, read and written in rows of VL words: row address
// {reg, i / VL}, lane i % VL; VL is the width of the unit's data ports, so a
// build with -GVL=4 tests 4 lanes) with the unit's three read ports (the row
// exactly one cycle after en, garbage otherwise; lanes at or above the source's
// length are fresh garbage on every read, so they must never matter) and its
// masked write port. Every case copies the sources, runs the golden function on
// the copies, runs the unit, then checks every written word (inside DST, index
// < n, each once), DST's words, dst_e_o, dst_n_o, err_o, the read rows (only
// the op's sources, rows holding elements below their length), that no row is
// read and written in one cycle, and the start/busy/done protocol. Operations
// are interleaved in random order with random idle gaps; sources alias each
// other and DST at random; lengths include every row boundary case (multiples
// of VL, one off either way) and n = 4096. measure768() times each operation at
// n = 768 (printed at the end). Then it replays every add, sub, mul, lerp,
// relu_sq and copy (MOVE) record of one conformance set (sim/tb/tb_conform.h)
// through the unit and compares every DST word, dst_e_o and dst_n_o with the
// recorded y (replay_conformance below).
// Prints "ok NAME" / "FAIL NAME: why" lines; exits non-zero on any mismatch.
#include <verilated.h>

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "Vvec_unit.h"

extern "C" {
#include "golden/bfv.h"
#include "rwkvacc_hw.h"
}

#include "tb_conform.h"

namespace {

constexpr int NV = 32;
constexpr uint32_t VW = 4096;
constexpr int IW = 12; // word index bits (the harness's own word addresses)

// The unit's row: VL words, VL from the width of its read data port (IData,
// QData or VlWide<VL>), so the harness follows a -GVL= override.
using RowT = std::remove_reference_t<decltype(std::declval<Vvec_unit &>().rd0_data_i)>;
constexpr uint32_t VL = sizeof(RowT) / 4;
constexpr uint32_t NROWS = VW / VL; // rows per register
constexpr int ilog2(uint32_t v) { return v <= 1 ? 0 : 1 + ilog2(v / 2); }
constexpr int RIW = ilog2(NROWS); // row index bits of a row address
static_assert(VL >= 1 && VL <= 64 && (VL & (VL - 1)) == 0 && NROWS * VL == VW,
              "VL must be a power of two dividing 4096");
static_assert(sizeof(std::remove_reference_t<decltype(std::declval<Vvec_unit &>().wr_data_o)>) ==
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
constexpr int32_t MANT_MAX = INT32_C(1) << 30;
constexpr int32_t EXP_MAX = INT32_C(1) << 24;
constexpr uint64_t SEED = 0x5eed7ec0u;
constexpr int CASES_PER_OP = 10000; // valid cases per op (MOVE: all cases)
constexpr int ERR_CASES_PER_OP = 1000;

uint64_t rng_state = SEED;
uint64_t rnd()
{
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
// uniform in [lo, hi]
int64_t urange(int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}
bool chance(int percent) { return (int)(rnd() % 100) < percent; }

struct VReg {
    int32_t m[VW];
    int32_t e;
    uint32_t n;
};
VReg vrf[NV];

enum Op { MOVE, ADD, SUB, MUL, LERP, RELU, NOPS };
const char *op_name[NOPS] = {"MOVE", "ADD", "SUB", "MUL", "LERP", "RELU_SQ"};
const uint32_t op_code[NOPS] = {RWKVACC_HW_OP_MOVE, RWKVACC_HW_OP_ADD, RWKVACC_HW_OP_SUB,
                                RWKVACC_HW_OP_MUL,  RWKVACC_HW_OP_LERP, RWKVACC_HW_OP_RELU_SQ};
int op_nsrc(int op) { return op == LERP ? 3 : (op == MOVE || op == RELU) ? 1 : 2; }

// ------------------------------------------------------------------ stimulus

enum Cls { C_UNIF, C_NORM, C_SMALL, C_TIE, C_ZERO, C_SPARSE, C_EXT, C_ONE, C_MIX, NCLS };

int32_t gen_elem(int cls, int L, int j)
{
    int32_t s = chance(50) ? -1 : 1;
    switch (cls) {
    case C_UNIF:
    case C_NORM: return (int32_t)urange(-MANT_MAX, MANT_MAX);
    case C_SMALL: return (int32_t)urange(-((INT64_C(1) << L) - 1), (INT64_C(1) << L) - 1);
    case C_TIE: {
        // an odd number of 1 to 4 bits at bit j: shifts right by j + 1 .. j + 4
        // are exact ties or near them, for alignment and normalization alike
        int w = (int)urange(1, 4);
        int jj = j + (int)urange(-2, 2);
        if (jj < 0)
            jj = 0;
        if (jj > 30 - w)
            jj = 30 - w;
        int64_t q = (int64_t)(urange(0, (1 << (w - 1)) - 1) * 2 + 1);
        return s * (int32_t)(q << jj);
    }
    case C_ZERO: return 0;
    case C_SPARSE:
        if (chance(90))
            return 0;
        return chance(50) ? gen_elem(C_UNIF, L, j) : gen_elem(C_TIE, L, j);
    case C_EXT: {
        static const int32_t v[] = {0,
                                    1,
                                    MANT_MAX,
                                    MANT_MAX - 1,
                                    MANT_MAX / 2,
                                    MANT_MAX / 2 + 1,
                                    MANT_MAX / 2 - 1,
                                    3 << 28,
                                    (1 << 29) + (1 << 28),
                                    2};
        return s * v[rnd() % (sizeof v / sizeof v[0])];
    }
    default: return gen_elem((int)(rnd() % C_ONE), L, j);
    }
}

void gen_vec(int32_t *m, uint32_t n)
{
    int cls = (int)(rnd() % NCLS);
    int L = (int)urange(1, 30), j = (int)urange(0, 29);
    if (cls == C_ONE) {
        for (uint32_t i = 0; i < n; i++)
            m[i] = 0;
        if (n)
            m[rnd() % n] = gen_elem(chance(50) ? C_TIE : C_UNIF, L, j);
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        m[i] = gen_elem(cls, L, j);
    if (cls == C_NORM && n) {
        int32_t s = chance(50) ? -1 : 1;
        m[rnd() % n] = s * (int32_t)urange(MANT_MAX / 2, MANT_MAX);
    }
}

int32_t clamp_e(int64_t e) { return (int32_t)(e > EXP_MAX ? EXP_MAX : e < -EXP_MAX ? -EXP_MAX : e); }

int32_t gen_base_e()
{
    int r = (int)(rnd() % 100);
    if (r < 70)
        return (int32_t)urange(-300, 300);
    if (r < 90)
        return (int32_t)urange(-EXP_MAX, EXP_MAX);
    return (int32_t)((chance(50) ? 1 : -1) * (EXP_MAX - urange(0, 64)));
}

int32_t gen_e(int32_t base)
{
    int r = (int)(rnd() % 100);
    int64_t d;
    if (r < 50)
        d = urange(-8, 8);
    else if (r < 80)
        d = urange(-40, 40); // around the 31 limit of the alignment
    else if (r < 95)
        d = urange(-100, 100);
    else
        d = urange(-2 * (int64_t)EXP_MAX, 2 * (int64_t)EXP_MAX);
    return clamp_e(base + d);
}

uint32_t gen_n()
{
    int r = (int)(rnd() % 1000);
    if (r < 10)
        return 0;
    if (r < 30)
        return VW;
    if (r < 80)
        return (uint32_t)urange(1025, VW - 1);
    if (r < 110) { // a row boundary: a multiple of VL, one less, one more
        int64_t v = urange(1, NROWS) * VL + urange(-1, 1);
        return (uint32_t)(v < 1 ? 1 : v > VW ? VW : v);
    }
    if (r < 230)
        return (uint32_t)urange(65, 1024);
    return (uint32_t)urange(1, 64);
}

// card.c dom(): within the golden units' domain
bool dom(const int32_t *m, int32_t e, uint32_t n)
{
    if (e > EXP_MAX || e < -EXP_MAX)
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (m[i] > MANT_MAX || m[i] < -MANT_MAX)
            return false;
    return true;
}

// ------------------------------------------------------------------ harness

std::unique_ptr<VerilatedContext> ctx;
std::unique_ptr<Vvec_unit> top;
uint64_t cycle_count = 0;

// per-operation bookkeeping the port model checks against
struct PortRule {
    bool allowed;
    int reg;
    uint32_t n;
};
PortRule rule[3];
std::vector<uint32_t> writes;
std::string port_err;  // first port violation of the running op

uint32_t garbage() { return (uint32_t)rnd(); }

// One clock: the read ports' rows (lanes at or above the source's length and
// disabled ports: garbage) and the masked write of the row the unit presents.
void tick()
{
    top->eval();
    uint8_t en[3] = {top->rd0_en_o, top->rd1_en_o, top->rd2_en_o};
    uint32_t addr[3] = {top->rd0_addr_o, top->rd1_addr_o, top->rd2_addr_o};
    uint32_t data[3][VL];
    for (int k = 0; k < 3; k++) {
        uint32_t r = addr[k] >> RIW, row = addr[k] & (NROWS - 1);
        if (en[k] && port_err.empty() &&
            (!rule[k].allowed || (int)r != rule[k].reg || row * VL >= rule[k].n)) {
            char b[160];
            snprintf(b, sizeof b, "read port %d reads v%u row %u (allowed: %s v%d, n %u)", k, r, row,
                     rule[k].allowed ? "yes" : "no", rule[k].reg, rule[k].n);
            port_err = b;
        }
        for (uint32_t j = 0; j < VL; j++) {
            uint32_t i = row * VL + j;
            bool live = en[k] && (!rule[k].allowed || i < rule[k].n);
            data[k][j] = live ? (uint32_t)vrf[r].m[i] : garbage();
        }
    }
    if (top->wr_en_o) {
        uint32_t a = top->wr_addr_o, r = a >> RIW, row = a & (NROWS - 1);
        uint64_t mask = (uint64_t)top->wr_mask_o;
        for (int k = 0; k < 3; k++)
            if (en[k] && addr[k] == a && port_err.empty())
                port_err = "read and write of one row in one cycle";
        for (uint32_t j = 0; j < VL; j++) {
            if (!((mask >> j) & 1))
                continue;
            uint32_t i = row * VL + j;
            writes.push_back(r << IW | i);
            vrf[r].m[i] = (int32_t)row_get(top->wr_data_o, j);
        }
    }
    top->clk_i = 1;
    top->eval();
    for (uint32_t j = 0; j < VL; j++) {
        row_set(top->rd0_data_i, j, data[0][j]);
        row_set(top->rd1_data_i, j, data[1][j]);
        row_set(top->rd2_data_i, j, data[2][j]);
    }
    top->clk_i = 0;
    top->eval();
    cycle_count++;
}

// ------------------------------------------------------------------ checks

int failures = 0;
struct Stat {
    long cases = 0, err_cases = 0, mismatches = 0, elems = 0, cycles = 0;
    long cyc4096 = 0, n4096 = 0, cyc768 = 0, n768 = 0;
    bool reported = false;
} stat[NOPS];
long protocol_fail = 0, port_fail = 0;
long last_cycles = 0; // start_i to done_o (inclusive) of the last valid case

struct Case {
    int op;
    uint32_t n;
    int src[3], dst;
    bool want_err;
};

void describe(char *b, size_t len, const Case &c, const std::vector<int32_t> *cp, const int32_t *ce,
              const uint32_t *cn, uint32_t idx)
{
    int o = snprintf(b, len, "%s n=%u dst=v%d", op_name[c.op], c.n, c.dst);
    for (int k = 0; k < op_nsrc(c.op) && o < (int)len; k++) {
        o += snprintf(b + o, len - o, " src%d=v%d(e=%d n=%u", k, c.src[k], ce[k], cn[k]);
        if (o < (int)len && idx < cn[k])
            o += snprintf(b + o, len - o, " m[%u]=%d", idx, cp[k][idx]);
        else if (o < (int)len && cn[k] == 1)
            o += snprintf(b + o, len - o, " m[0]=%d", cp[k][0]);
        if (o < (int)len)
            o += snprintf(b + o, len - o, ")");
    }
}

void mismatch(const Case &c, const std::string &why)
{
    Stat &s = stat[c.op];
    s.mismatches++;
    if (!s.reported) {
        s.reported = true;
        printf("FAIL vec_unit %s: %s\n", op_name[c.op], why.c_str());
        fflush(stdout);
    }
}

std::vector<int32_t> ym(VW);
std::vector<int64_t> tmp(VW);

void run_case(Case c)
{
    Stat &s = stat[c.op];
    int ns = op_nsrc(c.op);
    // copies of the sources as the golden model sees them
    std::vector<int32_t> cp[3];
    int32_t ce[3] = {0, 0, 0};
    uint32_t cn[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        const VReg &r = vrf[c.src[k]];
        cp[k].assign(r.m, r.m + VW);
        ce[k] = r.e;
        cn[k] = r.n;
    }
    // expected error (card.c op_move / op_elementwise, domain part)
    bool want_err = false;
    if (c.op != MOVE)
        for (int k = 0; k < ns; k++)
            if (!dom(cp[k].data(), ce[k], cn[k]))
                want_err = true;
    // expected result
    rw_bfv y = {ym.data(), 0, 0};
    rw_cbfv a = {cp[0].data(), ce[0], cn[0]}, b = {cp[1].data(), ce[1], cn[1]},
            t = {cp[2].data(), ce[2], cn[2]};
    if (!want_err) {
        switch (c.op) {
        case MOVE:
            memcpy(ym.data(), cp[0].data(), c.n * sizeof(int32_t));
            y.e = ce[0];
            y.n = cn[0];
            break;
        case ADD: rw_add(&y, a, b, tmp.data()); break;
        case SUB: rw_sub(&y, a, b, tmp.data()); break;
        case MUL: rw_mul(&y, a, b, tmp.data()); break;
        case LERP: rw_lerp(&y, a, b, t, tmp.data()); break;
        default: rw_relu_sq(&y, a, tmp.data()); break;
        }
    }

    // drive the unit
    for (int k = 0; k < 3; k++)
        rule[k] = PortRule{k < ns, c.src[k], k < ns ? cn[k] : 0};
    writes.clear();
    port_err.clear();
    top->op_i = op_code[c.op];
    top->n_i = c.n;
    top->src0_i = c.src[0];
    top->src1_i = c.src[1];
    top->src2_i = c.src[2];
    top->dst_i = c.dst;
    top->src0_e_i = (uint32_t)vrf[c.src[0]].e;
    top->src1_e_i = (uint32_t)vrf[c.src[1]].e;
    top->src2_e_i = (uint32_t)vrf[c.src[2]].e;
    top->src0_n_i = vrf[c.src[0]].n;
    top->src1_n_i = vrf[c.src[1]].n;
    top->src2_n_i = vrf[c.src[2]].n;
    top->eval();
    std::string proto;
    if (top->busy_o || top->done_o)
        proto = "busy_o or done_o before start_i";
    top->start_i = 1;
    tick();
    top->start_i = 0;
    long cyc = 1, limit = 8L * ((c.n + VL - 1) / VL) + 400;
    bool done = false, err = false;
    int32_t got_e = 0;
    uint32_t got_n = 0;
    while (cyc < limit) {
        top->eval();
        if (!top->busy_o && proto.empty())
            proto = "busy_o low before done_o";
        if (top->done_o) {
            done = true;
            err = top->err_o;
            got_e = (int32_t)top->dst_e_o;
            got_n = top->dst_n_o;
            tick();
            cyc++;
            break;
        }
        if (top->err_o && proto.empty())
            proto = "err_o without done_o";
        tick();
        cyc++;
    }
    top->eval();
    if (done && (top->busy_o || top->done_o) && proto.empty())
        proto = "busy_o/done_o still high after done_o";

    char msg[640], d[512];
    if (!done) {
        describe(d, sizeof d, c, cp, ce, cn, 0);
        snprintf(msg, sizeof msg, "no done_o within %ld cycles: %s", limit, d);
        mismatch(c, msg);
        // restart the unit
        top->rst_ni = 0;
        tick();
        tick();
        top->rst_ni = 1;
        return;
    }
    if (!proto.empty()) {
        protocol_fail++;
        if (protocol_fail == 1)
            printf("FAIL vec_unit protocol: %s (%s n=%u)\n", proto.c_str(), op_name[c.op], c.n);
    }
    if (!port_err.empty()) {
        port_fail++;
        if (port_fail == 1)
            printf("FAIL vec_unit ports: %s (%s n=%u)\n", port_err.c_str(), op_name[c.op], c.n);
    }

    if (want_err) {
        s.err_cases++;
        if (!err) {
            describe(d, sizeof d, c, cp, ce, cn, 0);
            snprintf(msg, sizeof msg, "err_o expected, not set: %s", d);
            mismatch(c, msg);
        } else if (!writes.empty()) {
            snprintf(msg, sizeof msg, "err_o set but %zu words written (first v%u[%u])", writes.size(),
                     writes[0] >> IW, writes[0] & (VW - 1));
            mismatch(c, msg);
        }
        return; // nothing changes in the register file
    }
    s.cases++;
    s.elems += c.n;
    s.cycles += cyc;
    if (c.n == VW) {
        s.cyc4096 += cyc;
        s.n4096++;
    }
    if (c.n == 768) {
        s.cyc768 += cyc;
        s.n768++;
    }
    last_cycles = cyc;
    if (err) {
        describe(d, sizeof d, c, cp, ce, cn, 0);
        snprintf(msg, sizeof msg, "err_o set for operands in the domain: %s", d);
        mismatch(c, msg);
        return;
    }
    // every write inside DST, index < n, each index once
    std::vector<uint8_t> seen(VW, 0);
    for (uint32_t a : writes) {
        uint32_t r = a >> IW, i = a & (VW - 1);
        if ((int)r != c.dst || i >= c.n || seen[i]) {
            snprintf(msg, sizeof msg, "%s write v%u[%u] (dst v%d, n %u)", seen[i] ? "repeated" : "stray",
                     r, i, c.dst, c.n);
            mismatch(c, msg);
            return;
        }
        seen[i] = 1;
    }
    if (writes.size() != c.n) {
        snprintf(msg, sizeof msg, "%zu words written, n = %u", writes.size(), c.n);
        mismatch(c, msg);
        return;
    }
    for (uint32_t i = 0; i < c.n; i++) {
        if (vrf[c.dst].m[i] != ym[i]) {
            describe(d, sizeof d, c, cp, ce, cn, i);
            snprintf(msg, sizeof msg, "m[%u] = %d, golden %d (e %d/%d): %s", i, vrf[c.dst].m[i], ym[i],
                     got_e, y.e, d);
            mismatch(c, msg);
            return;
        }
    }
    if (got_e != y.e || got_n != y.n) {
        describe(d, sizeof d, c, cp, ce, cn, 0);
        snprintf(msg, sizeof msg, "e/n = %d/%u, golden %d/%u: %s", got_e, got_n, y.e, y.n, d);
        mismatch(c, msg);
        return;
    }
    vrf[c.dst].e = got_e; // as the sequencer would
    vrf[c.dst].n = got_n;
}

// ------------------------------------------------------------------ case setup

// Fills register r as an operand of length n (domain-valid unless told).
void fill(int r, uint32_t n, int32_t base_e, bool any_words)
{
    VReg &v = vrf[r];
    v.n = n;
    if (any_words) {
        // MOVE copies anything: full int32 words and exponents
        for (uint32_t i = 0; i < n; i++)
            v.m[i] = chance(80) ? (int32_t)(uint32_t)rnd() : gen_elem(C_EXT, 1, 0);
        if (n && chance(20))
            v.m[rnd() % n] = INT32_MIN;
        v.e = chance(50) ? (int32_t)(uint32_t)rnd() : gen_e(base_e);
        return;
    }
    gen_vec(v.m, n);
    v.e = gen_e(base_e);
}

Case make_case(int op, bool inject_err)
{
    Case c{};
    c.op = op;
    int ns = op_nsrc(op);
    // registers: a few numbers so that sources alias each other and DST
    for (int k = 0; k < 3; k++)
        c.src[k] = (int)(rnd() % NV);
    if (chance(20))
        c.src[1] = c.src[0];
    if (chance(10))
        c.src[2] = c.src[(int)(rnd() % 2)];
    c.dst = chance(35) ? c.src[(int)(rnd() % ns)] : (int)(rnd() % NV);
    bool scalar = (op == ADD || op == SUB) && c.src[1] != c.src[0] && chance(30);
    int32_t base = gen_base_e();

    // chaining: sometimes SRC0 keeps what an earlier case left (a normalized
    // result of the unit), and n is its length
    bool keep0 = op != MOVE && vrf[c.src[0]].n > 0 && dom(vrf[c.src[0]].m, vrf[c.src[0]].e, vrf[c.src[0]].n) &&
                 chance(15);
    c.n = keep0 ? vrf[c.src[0]].n : gen_n();
    if (keep0)
        base = vrf[c.src[0]].e;
    bool filled[NV] = {};
    if (keep0)
        filled[c.src[0]] = true;
    for (int k = 0; k < ns; k++) {
        int r = c.src[k];
        if (filled[r])
            continue;
        filled[r] = true;
        fill(r, (k == 1 && scalar) ? 1 : c.n, base, op == MOVE);
    }
    // sources the op does not use: garbage the unit must ignore
    for (int k = ns; k < 3; k++) {
        int r = c.src[k];
        if (filled[r])
            continue;
        filled[r] = true;
        VReg &v = vrf[r];
        v.n = (uint32_t)urange(0, VW);
        v.e = chance(50) ? (int32_t)(uint32_t)rnd() : base;
        for (uint32_t i = 0; i < 4 && v.n; i++)
            v.m[rnd() % v.n] = (int32_t)(uint32_t)rnd();
    }
    if (inject_err) {
        int k = (int)(rnd() % ns);
        VReg &v = vrf[c.src[k]];
        int how = (int)(rnd() % 4);
        if (how == 0 || v.n == 0) {
            v.e = (chance(50) ? 1 : -1) * (chance(70) ? EXP_MAX + 1 : (int32_t)urange(EXP_MAX + 1, INT32_MAX));
        } else {
            uint32_t i = how == 1 ? v.n - 1 : how == 2 ? 0 : (uint32_t)(rnd() % v.n);
            int32_t bad = chance(60) ? MANT_MAX + 1 : (int32_t)urange(MANT_MAX + 1, INT32_MAX);
            v.m[i] = chance(50) ? bad : (chance(80) ? -bad : INT32_MIN);
        }
    }
    return c;
}

// Directed corner cases (run before the random ones, counted with them).
void set_reg(int r, uint32_t n, int32_t e, int32_t fillv, int pattern)
{
    VReg &v = vrf[r];
    v.n = n;
    v.e = e;
    for (uint32_t i = 0; i < n; i++) {
        switch (pattern) {
        case 0: v.m[i] = fillv; break;                                      // constant
        case 1: v.m[i] = (i & 1) ? -fillv : fillv; break;                   // alternating sign
        case 2: v.m[i] = (int32_t)((int64_t)fillv * (int64_t)(i % 7) / 7); // ramp
            break;
        default: v.m[i] = gen_elem(C_TIE, 1, (int)(i % 30)); break;
        }
    }
}

void run_directed(int op, uint32_t n, int s0, int s1, int s2, int dst)
{
    Case c{};
    c.op = op;
    c.n = n;
    c.src[0] = s0;
    c.src[1] = s1;
    c.src[2] = s2;
    c.dst = dst;
    run_case(c);
    tick();
}

void directed()
{
    const int32_t M = MANT_MAX;
    // the length extremes, the row boundaries around VL and a few rows, and
    // lengths that are not multiples of VL
    const uint32_t ns[] = {0,   1,   2,           3,      VL - 1, VL, VL + 1, 2 * VL + 3,
                           767, 768, VW - VL + 1, VW - 1, VW};
    for (uint32_t n : ns) {
        // every op at the length extremes with |m| = 2^30 and the exponent limits
        for (int op = 0; op < NOPS; op++) {
            set_reg(1, n, EXP_MAX, M, 1);
            set_reg(2, (op == ADD || op == SUB) && n == 3 ? 1 : n, -EXP_MAX, -M, 0);
            set_reg(3, n, 7, M / 2 + 1, 1);
            run_directed(op, n, 1, 2, 3, 4);
            // all-zero operands in every position, exponents far apart both ways
            for (int z = 0; z < 3; z++) {
                for (int32_t de : {-200, -32, -31, -30, 0, 30, 31, 32, 200}) {
                    set_reg(1, n, 100, z == 0 ? 0 : M - 1, z == 0 ? 0 : 3);
                    set_reg(2, n, 100 + de, z == 1 ? 0 : -(M / 2 + 1), z == 1 ? 0 : 1);
                    set_reg(3, n, 100 - de, z == 2 ? 0 : M, 2);
                    run_directed(op, n, 1, 2, 3, op == MOVE ? 1 : 2);
                }
            }
        }
        // everything zero (both zero: bfv.c gives e = 0), a == b for LERP/SUB
        for (int op = 0; op < NOPS; op++) {
            set_reg(5, n, -9, 0, 0);
            run_directed(op, n, 5, 5, 5, 5);
            set_reg(6, n, 3, M, 3);
            run_directed(op, n, 6, 6, 6, 7);
        }
        // domain edges: 2^30 + 1, -2^30 - 1, |e| = 2^24 + 1, each source
        for (int op = ADD; op < NOPS; op++) {
            for (int k = 0; k < op_nsrc(op); k++) {
                for (int how = 0; how < 4; how++) {
                    set_reg(1, n, 5, M, 2);
                    set_reg(2, n, 6, -M, 2);
                    set_reg(3, n, 7, M, 0);
                    VReg &v = vrf[1 + k];
                    if (how == 0)
                        v.e = EXP_MAX + 1;
                    else if (how == 1)
                        v.e = -EXP_MAX - 1;
                    else if (n)
                        v.m[n - 1] = how == 2 ? M + 1 : -M - 1;
                    run_directed(op, n, 1, 2, 3, 1 + k);
                }
            }
        }
    }
    // scalar SRC1 of ADD/SUB, including n = 0 with an out-of-domain scalar
    for (int op : {ADD, SUB}) {
        for (uint32_t n : ns) {
            for (int32_t sv : {0, 1, -M, M, M + 1, -M - 1}) {
                for (int32_t de : {-40, 0, 40}) {
                    set_reg(8, n, 0, M / 3, 2);
                    set_reg(9, 1, de, sv, 0);
                    run_directed(op, n, 8, 9, 0, chance(50) ? 8 : 9);
                }
            }
        }
    }
}

// Throughput at n = 768 (a typical embedding width): each op on uniform random
// operands, and ADD with an all-zero SRC1 far above SRC0 (the rerun of the
// alignment pass). Checked like every case; the cycles are printed at the end.
long cyc768[NOPS], cyc768_rerun;
void measure768()
{
    const uint32_t n = 768;
    for (int op = 0; op < NOPS; op++) {
        for (int r = 1; r <= 3; r++) {
            VReg &v = vrf[r];
            v.n = n;
            v.e = (int32_t)urange(-20, 20);
            for (uint32_t i = 0; i < n; i++)
                v.m[i] = (int32_t)urange(-MANT_MAX, MANT_MAX);
        }
        last_cycles = 0;
        run_directed(op, n, 1, 2, 3, 4);
        cyc768[op] = last_cycles;
    }
    // SRC1 all zero, 40 above SRC0: the first pass rounds SRC0, so it reruns
    set_reg(1, n, 10, MANT_MAX / 3, 3);
    set_reg(2, n, 50, 0, 0);
    last_cycles = 0;
    run_directed(ADD, n, 1, 2, 3, 4);
    cyc768_rerun = last_cycles;
}

// ------------------------------------------------------------------ golden vectors

// Replays every add, sub, mul, lerp, relu_sq and copy record of one conformance
// set (sim/tb/tb_conform.h, docs/conformance.md) through the unit, with
// driver/conform.c's operand mapping: add/sub/mul a -> SRC0, b -> SRC1 (a
// one-element b of add/sub is the scalar SRC1, bfv.c's broadcast), lerp a, b, t
// -> SRC0, SRC1, SRC2, relu_sq x -> SRC0, copy (MOVE) x -> SRC0; n = SRC0's
// length. Every word of DST 0 .. n-1, dst_e_o and dst_n_o must equal the
// recorded output y (words, exponent, length); the writes, reads and the
// protocol are checked as in run_case. A record the unit cannot express (an
// input missing or not a block-floating vector, lengths the ISA does not allow,
// more than 4096 elements, no y) is a mismatch with its reason, never skipped.

struct ConformUnit {
    const char *unit;
    int op;
    long records = 0, mismatches = 0;
};
ConformUnit conform_units[] = {{"add", ADD},   {"sub", SUB},         {"mul", MUL},
                               {"lerp", LERP}, {"relu_sq", RELU},    {"copy", MOVE}};

// Runs the unit on the operation c (sources in vrf) to done_o, as run_case does.
struct UnitOut {
    bool done = false, err = false;
    int32_t e = 0;
    uint32_t n = 0;
    long cycles = 0;
    std::string proto;
};
UnitOut drive(const Case &c)
{
    UnitOut o;
    int ns = op_nsrc(c.op);
    for (int k = 0; k < 3; k++)
        rule[k] = PortRule{k < ns, c.src[k], k < ns ? vrf[c.src[k]].n : 0};
    writes.clear();
    port_err.clear();
    top->op_i = op_code[c.op];
    top->n_i = c.n;
    top->src0_i = c.src[0];
    top->src1_i = c.src[1];
    top->src2_i = c.src[2];
    top->dst_i = c.dst;
    top->src0_e_i = (uint32_t)vrf[c.src[0]].e;
    top->src1_e_i = (uint32_t)vrf[c.src[1]].e;
    top->src2_e_i = (uint32_t)vrf[c.src[2]].e;
    top->src0_n_i = vrf[c.src[0]].n;
    top->src1_n_i = vrf[c.src[1]].n;
    top->src2_n_i = vrf[c.src[2]].n;
    top->eval();
    if (top->busy_o || top->done_o)
        o.proto = "busy_o or done_o before start_i";
    top->start_i = 1;
    tick();
    top->start_i = 0;
    long cyc = 1, limit = 8L * ((c.n + VL - 1) / VL) + 400;
    while (cyc < limit) {
        top->eval();
        if (!top->busy_o && o.proto.empty())
            o.proto = "busy_o low before done_o";
        if (top->done_o) {
            o.done = true;
            o.err = top->err_o;
            o.e = (int32_t)top->dst_e_o;
            o.n = top->dst_n_o;
            tick();
            cyc++;
            break;
        }
        if (top->err_o && o.proto.empty())
            o.proto = "err_o without done_o";
        tick();
        cyc++;
    }
    o.cycles = cyc;
    top->eval();
    if (o.done && (top->busy_o || top->done_o) && o.proto.empty())
        o.proto = "busy_o/done_o still high after done_o";
    if (!o.done) { // restart the unit
        top->rst_ni = 0;
        tick();
        tick();
        top->rst_ni = 1;
    }
    return o;
}

// One record through the unit; false with why on a mismatch.
bool replay_record(const rw_trace_rec &r, int op, std::string &why)
{
    static const char *const roles[NOPS][3] = {{"x"},           {"a", "b"}, {"a", "b"},
                                               {"a", "b"},      {"a", "b", "t"}, {"x"}};
    char b[320];
    int ns = op_nsrc(op);
    const rw_trace_opnd *in[3] = {nullptr, nullptr, nullptr};
    for (int k = 0; k < ns; k++) {
        in[k] = conform_opnd(r, 0, roles[op][k]);
        if (!in[k] || in[k]->type != RW_OT_BFV || in[k]->n > VW) {
            snprintf(b, sizeof b, "input '%s' %s: the unit cannot express it", roles[op][k],
                     !in[k] ? "missing" : in[k]->type != RW_OT_BFV ? "not a block-floating vector"
                                                                  : "longer than a register");
            why = b;
            return false;
        }
    }
    const rw_trace_opnd *y = conform_opnd(r, 1, "y");
    if (!y || y->type != RW_OT_BFV) {
        why = "output 'y' missing or not a block-floating vector";
        return false;
    }
    // lengths the ISA allows: every source n, SRC1 of ADD/SUB also 1
    uint32_t n = in[0]->n;
    for (int k = 1; k < ns; k++)
        if (in[k]->n != n && !(k == 1 && (op == ADD || op == SUB) && in[k]->n == 1)) {
            snprintf(b, sizeof b, "input '%s' has %u elements, '%s' %u: the unit cannot express it",
                     roles[op][k], in[k]->n, roles[op][0], n);
            why = b;
            return false;
        }

    // registers: rotate with the record index; sources and DST distinct
    Case c{};
    c.op = op;
    c.n = n;
    for (int k = 0; k < 3; k++)
        c.src[k] = (int)((r.index + (uint32_t)k) % NV);
    c.dst = (int)((r.index + 3) % NV);
    for (int k = 0; k < ns; k++) {
        std::vector<int32_t> w = conform_words(in[k]);
        VReg &v = vrf[c.src[k]];
        std::copy(w.begin(), w.end(), v.m);
        v.e = in[k]->e;
        v.n = in[k]->n;
    }
    for (int k = ns; k < 3; k++) { // unused sources: whatever length, ignored
        vrf[c.src[k]].n = (uint32_t)urange(0, VW);
        vrf[c.src[k]].e = (int32_t)(uint32_t)rnd();
    }
    for (uint32_t i = 0; i < VW; i++)
        vrf[c.dst].m[i] = (int32_t)(uint32_t)rnd();

    UnitOut o = drive(c);
    if (!o.done) {
        snprintf(b, sizeof b, "no done_o within %ld cycles", o.cycles);
        why = b;
        return false;
    }
    if (!o.proto.empty() || !port_err.empty()) {
        why = !o.proto.empty() ? "protocol: " + o.proto : "ports: " + port_err;
        return false;
    }
    if (o.err) {
        why = "err_o set";
        return false;
    }
    std::vector<uint8_t> seen(VW, 0);
    for (uint32_t a : writes) {
        uint32_t reg = a >> IW, i = a & (VW - 1);
        if ((int)reg != c.dst || i >= n || seen[i]) {
            snprintf(b, sizeof b, "%s write v%u[%u] (dst v%d, n %u)", seen[i] ? "repeated" : "stray",
                     reg, i, c.dst, n);
            why = b;
            return false;
        }
        seen[i] = 1;
    }
    if (writes.size() != n) {
        snprintf(b, sizeof b, "%zu words written, n = %u", writes.size(), n);
        why = b;
        return false;
    }
    if (o.n != y->n) {
        snprintf(b, sizeof b, "dst_n_o %u, recorded length %u", o.n, y->n);
        why = b;
        return false;
    }
    std::vector<int32_t> want = conform_words(y);
    for (uint32_t i = 0; i < n; i++)
        if (vrf[c.dst].m[i] != want[i]) {
            snprintf(b, sizeof b, "word y[%u] = %d, recorded %d (dst_e_o %d, recorded e %d)", i,
                     vrf[c.dst].m[i], want[i], o.e, y->e);
            why = b;
            return false;
        }
    if (o.e != y->e) {
        snprintf(b, sizeof b, "dst_e_o %d, recorded e %d", o.e, y->e);
        why = b;
        return false;
    }
    return true;
}

// conform_open printed FAIL rather than skip: under CI=true, or the set is there
// but does not parse.
bool conform_open_failed(const ConformSet &s)
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
int replay_conformance()
{
    const char *name = "vec_unit conform";
    ConformSet s;
    if (!conform_open(s, name))
        return conform_open_failed(s) ? 1 : 0;
    static const char *const units[] = {"add", "sub", "mul", "lerp", "relu_sq", "copy", nullptr};
    long bad = 0;
    std::string first;
    long n = conform_each(s, units, name, [&](const rw_trace_rec &r) {
        ConformUnit *u = nullptr;
        for (ConformUnit &cu : conform_units)
            if (!strcmp(r.unit, cu.unit))
                u = &cu;
        std::string why;
        u->records++;
        if (!replay_record(r, u->op, why)) {
            u->mismatches++;
            if (bad++ == 0) {
                char b[200];
                snprintf(b, sizeof b, "record %u (%s %s, token %u, layer %d): ", r.index, r.unit,
                         r.name, r.token, (int)r.layer);
                first = b + why;
            }
        }
        tick(); // an idle cycle between operations
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
    for (ConformUnit &cu : conform_units) {
        char b[80];
        snprintf(b, sizeof b, "%s%s %ld (%ld mismatches)", counts.empty() ? "" : ", ", cu.unit,
                 cu.records, cu.mismatches);
        counts += b;
    }
    printf("# vec_unit conform: %s (%u records): %ld replayed: %s\n", s.dir.c_str(), total, n,
           counts.c_str());
    if (n == 0) {
        printf("FAIL %s: no add/sub/mul/lerp/relu_sq/copy record in %s\n", name, s.dir.c_str());
        return 1;
    }
    if (bad) {
        printf("FAIL %s: %ld of %ld records mismatch; first: %s\n", name, bad, n, first.c_str());
        return 1;
    }
    printf("ok %s: %ld records of %s, every word, exponent and length exact\n", name, n,
           s.dir.c_str());
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    top = std::make_unique<Vvec_unit>(ctx.get());
    printf("tb_vec_unit: seed 0x%" PRIx64 "\n", SEED);
    for (int r = 0; r < NV; r++) {
        vrf[r].n = 0;
        vrf[r].e = 0;
        for (uint32_t i = 0; i < VW; i++)
            vrf[r].m[i] = (int32_t)(uint32_t)rnd();
    }
    top->clk_i = 0;
    top->rst_ni = 0;
    top->start_i = 0;
    for (int i = 0; i < 4; i++)
        tick();
    top->rst_ni = 1;
    tick();

    printf("tb_vec_unit: VL = %u lanes, %u rows per register\n", VL, NROWS);
    directed();
    measure768();

    // schedule: every op's valid and error cases, interleaved at random
    std::vector<std::pair<int, bool>> sched;
    for (int op = 0; op < NOPS; op++) {
        for (int i = 0; i < CASES_PER_OP; i++)
            sched.push_back({op, false});
        if (op != MOVE)
            for (int i = 0; i < ERR_CASES_PER_OP; i++)
                sched.push_back({op, true});
    }
    for (size_t i = sched.size(); i > 1; i--)
        std::swap(sched[i - 1], sched[rnd() % i]);

    for (auto &s : sched) {
        Case c = make_case(s.first, s.second);
        run_case(c);
        int gap = (int)(rnd() % 4);
        for (int i = 0; i < gap; i++)
            tick();
    }

    for (int op = 0; op < NOPS; op++) {
        Stat &s = stat[op];
        if (s.mismatches == 0)
            printf("ok vec_unit %s: %ld cases (%ld elements), %ld error cases, 0 mismatches\n",
                   op_name[op], s.cases, s.elems, s.err_cases);
        else
            printf("FAIL vec_unit %s: %ld mismatches in %ld cases + %ld error cases\n", op_name[op],
                   s.mismatches, s.cases, s.err_cases);
        failures += s.mismatches != 0;
    }
    if (protocol_fail == 0)
        printf("ok vec_unit protocol: start/busy/done/err\n");
    else
        printf("FAIL vec_unit protocol: %ld cases\n", protocol_fail);
    if (port_fail == 0)
        printf("ok vec_unit ports: reads only the op's sources below their length, no read/write "
               "collision\n");
    else
        printf("FAIL vec_unit ports: %ld cases\n", port_fail);
    failures += protocol_fail != 0;
    failures += port_fail != 0;

    failures += replay_conformance();

    printf("cycles per element (valid cases: total cycles / total elements; n = 4096):\n");
    for (int op = 0; op < NOPS; op++) {
        Stat &s = stat[op];
        printf("  %-8s %.3f  (n=4096: %.1f cycles, %.4f per element, %ld cases)\n", op_name[op],
               s.elems ? (double)s.cycles / s.elems : 0.0,
               s.n4096 ? (double)s.cyc4096 / s.n4096 : 0.0,
               s.n4096 ? (double)s.cyc4096 / s.n4096 / VW : 0.0, s.n4096);
    }
    printf("cycles at n = 768 (start_i to done_o, %u lanes, %u rows per pass):", VL, (768 + VL - 1) / VL);
    for (int op = 0; op < NOPS; op++)
        printf(" %s %ld,", op_name[op], cyc768[op]);
    printf(" ADD with the all-zero rerun %ld\n", cyc768_rerun);
    for (int op = 0; op < NOPS; op++) {
        Stat &s = stat[op];
        if (s.n768)
            printf("  %-8s n=768: %.1f cycles on average over %ld cases\n", op_name[op],
                   (double)s.cyc768 / s.n768, s.n768);
    }
    printf("%" PRIu64 " clock cycles simulated\n", cycle_count);
    top->final();
    return failures ? 1 : 0;
}
