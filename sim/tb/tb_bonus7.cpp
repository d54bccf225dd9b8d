// tb_bonus7.cpp - Verilator testbench of rtl/bonus7.sv against the golden
// rw_bonus7 (cmodel/golden/wkv7.c) with card.c op_bonus7's operand checks:
// a C++ vector register file (32 x 4096 words, exponent and length per
// register) serves the unit's read ports (data one cycle after the enable,
// random garbage otherwise) and takes its write port. Each case compares the
// whole register file after the operation (DST's n words, exponent and length
// from the golden function; every other word unchanged), err_o against the
// card's checks (nothing written on error), and that no DST word is written
// before the last source word was read. Last, bonus7_conform replays every
// bonus7 record of one conformance set (sim/tb/tb_conform.h,
// docs/conformance.md) through the unit, comparing every DST word, the
// exponent and the length with the recorded y. Run from the repository root.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "Vbonus7.h"
#include "verilated.h"

#include "tb_conform.h"

extern "C" {
#include "golden/bfv.h"
#include "golden/wkv.h"
}

namespace {

const uint64_t SEED = 0xb0b5ee7ULL;
const int NV = 32, VW = 4096, MAXN = 64;
const int32_t MANT_MAX = 1 << 30, EXP_MAX = 1 << 24;

uint64_t rng_state = SEED;
uint64_t rnd()  // splitmix64
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
uint32_t rndn(uint32_t n) { return (uint32_t)(rnd() % n); }

struct Vrf {
    std::vector<int32_t> m;  // NV x VW
    int32_t e[NV];
    uint32_t n[NV];
    Vrf() : m((size_t)NV * VW) {}
    int32_t *reg(int r) { return &m[(size_t)r * VW]; }
};

// A mantissa within |m| <= 2^30 of a random kind.
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
    switch (rndn(6)) {
    case 0: return (int32_t)rndn(2 * EXP_MAX + 1) - EXP_MAX;
    case 1: return rndn(2) ? EXP_MAX - (int32_t)rndn(4) : -EXP_MAX + (int32_t)rndn(4);
    default: return (int32_t)rndn(121) - 60;
    }
}

// A vector of n words: all one kind, mixed kinds, all zero, one nonzero.
void rand_vec(int32_t *m, uint32_t n)
{
    uint32_t shape = rndn(12);
    int kind = (int)rndn(5);
    for (uint32_t i = 0; i < n; i++) {
        if (shape == 0) m[i] = 0;
        else if (shape == 1) m[i] = 0;
        else if (shape <= 4) m[i] = rand_mant((int)rndn(5));
        else m[i] = rand_mant(kind);
    }
    if (shape == 1 && n) {
        int32_t x = rand_mant(0);
        m[rndn(n)] = x ? x : 1;
    }
}

struct Sim {
    Vbonus7 *top;
    Vrf *vrf;
    uint64_t cycle = 0;
    // per operation
    long writes = 0;
    int64_t last_read = -1, first_write = -1;
    std::vector<uint32_t> write_addrs;

    void tick()
    {
        top->clk_i = 0;
        top->eval();
        bool ren[4] = {(bool)top->rd0_en_o, (bool)top->rd1_en_o, (bool)top->rd2_en_o,
                       (bool)top->rd3_en_o};
        uint32_t ra[4] = {top->rd0_addr_o, top->rd1_addr_o, top->rd2_addr_o, top->rd3_addr_o};
        bool wen = top->wr_en_o;
        uint32_t wa = top->wr_addr_o, wd = top->wr_data_o;
        top->clk_i = 1;
        top->eval();
        uint32_t rdv[4];
        for (int k = 0; k < 4; k++) {
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
            writes++;
            write_addrs.push_back(wa);
        }
        top->rd0_data_i = rdv[0];
        top->rd1_data_i = rdv[1];
        top->rd2_data_i = rdv[2];
        top->rd3_data_i = rdv[3];
        cycle++;
    }
};

struct Case {
    uint32_t n, H;
    int src[4], dst;
};

int dom(const int32_t *m, int32_t e, uint32_t n)
{
    if (e > EXP_MAX || e < -EXP_MAX) return 0;
    for (uint32_t i = 0; i < n; i++)
        if (m[i] > MANT_MAX || m[i] < -MANT_MAX) return 0;
    return 1;
}

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

struct Stats {
    long cases = 0, bad = 0, errs = 0;
    uint64_t cycles = 0;
    bool printed = false;
};

// Runs one case on the unit and on the golden model; returns 1 on a mismatch.
// why_out (the replay): the mismatch, "" when none.
int run_case(Sim &s, Vrf &v, const Case &c, Ws &w, Stats &st, const char *name,
             std::string *why_out = nullptr)
{
    // expected: card.c op_bonus7
    Vrf exp = v;
    int32_t exp_e = 0;
    uint32_t N = 0;
    bool err = false;
    for (int i = 0; i < 4; i++)
        if (v.n[c.src[i]] != c.n || !dom(v.reg(c.src[i]), v.e[c.src[i]], v.n[c.src[i]]))
            err = true;
    if (c.H == 0 || c.n % c.H || c.n / c.H == 0 || c.n / c.H > MAXN)
        err = true;
    else
        N = c.n / c.H;
    if (!err) {
        std::vector<int32_t> y(c.n);
        rw_bfv yb = {y.data(), 0, c.n};
        rw_cbfv a[4];
        for (int i = 0; i < 4; i++) a[i] = {v.reg(c.src[i]), v.e[c.src[i]], c.n};
        rw_bonus7(&yb, a[0], a[1], a[2], a[3], c.H, N, &w.ws);
        memcpy(exp.reg(c.dst), y.data(), c.n * sizeof(int32_t));
        exp_e = yb.e;
        exp.e[c.dst] = yb.e;
        exp.n[c.dst] = c.n;
    }

    Vbonus7 *t = s.top;
    t->n_i = c.n;
    t->imm_i = c.H;
    t->src0_i = c.src[0];
    t->src1_i = c.src[1];
    t->src2_i = c.src[2];
    t->src3_i = c.src[3];
    t->dst_i = c.dst;
    t->src0_e_i = (uint32_t)v.e[c.src[0]];
    t->src1_e_i = (uint32_t)v.e[c.src[1]];
    t->src2_e_i = (uint32_t)v.e[c.src[2]];
    t->src3_e_i = (uint32_t)v.e[c.src[3]];
    t->src0_n_i = v.n[c.src[0]];
    t->src1_n_i = v.n[c.src[1]];
    t->src2_n_i = v.n[c.src[2]];
    t->src3_n_i = v.n[c.src[3]];
    s.writes = 0;
    s.last_read = -1;
    s.first_write = -1;
    s.write_addrs.clear();
    uint64_t c0 = s.cycle;
    t->start_i = 1;
    s.tick();
    t->start_i = 0;
    bool done = false, got_err = false, busy_ok = true;
    int32_t got_e = 0;
    uint32_t got_n = 0;
    uint64_t limit = 200000 + 40ull * c.n + 100ull * c.H;
    while (!done && s.cycle - c0 < limit) {
        t->clk_i = 0;
        t->eval();
        if (!t->busy_o) busy_ok = false;
        if (t->done_o) {
            done = true;
            got_err = t->err_o;
            got_e = (int32_t)t->dst_e_o;
            got_n = t->dst_n_o;
        }
        s.tick();
    }
    st.cycles += s.cycle - c0;
    st.cases++;
    if (err) st.errs++;
    // the unit's result into the register metadata, as the sequencer would
    if (done && !got_err) {
        v.e[c.dst] = got_e;
        v.n[c.dst] = got_n;
    }

    std::string why;
    char buf[256];
    if (!done) {
        why = "no done_o";
    } else if (!busy_ok) {
        why = "busy_o low before done_o";
    } else if (got_err != err) {
        snprintf(buf, sizeof buf, "err_o %d, card.c says %d", got_err, err);
        why = buf;
    } else if (err && s.writes) {
        snprintf(buf, sizeof buf, "%ld words written with err_o", s.writes);
        why = buf;
    } else if (!err && s.first_write >= 0 && s.first_write <= s.last_read) {
        why = "DST written before the last source read";
    } else if (!err && (got_e != exp_e || got_n != c.n)) {
        snprintf(buf, sizeof buf, "dst e/n %d/%u, want %d/%u", got_e, got_n, exp_e, c.n);
        why = buf;
    } else {
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
    if (why.empty() && !err && s.writes != (long)c.n) {
        snprintf(buf, sizeof buf, "%ld writes for n = %u", s.writes, c.n);
        why = buf;
    }
    if (why_out) *why_out = why;
    if (!why.empty()) {
        st.bad++;
        if (!st.printed) {
            printf("FAIL %s: case %ld: %s (n=%u H=%u src=v%d,v%d,v%d,v%d e=%d,%d,%d,%d dst=v%d)\n",
                   name, st.cases - 1, why.c_str(), c.n, c.H, c.src[0], c.src[1], c.src[2],
                   c.src[3], v.e[c.src[0]], v.e[c.src[1]], v.e[c.src[2]], v.e[c.src[3]], c.dst);
            st.printed = true;
        }
        v = exp;  // continue from the expected state
        return 1;
    }
    return 0;
}

// A random head size: mostly the real ones, sometimes any 1..64.
uint32_t rand_N()
{
    static const uint32_t real[4] = {8, 16, 32, 64};
    return rndn(10) < 7 ? real[rndn(4)] : 1 + rndn(MAXN);
}

// Fills the four sources (distinct registers or aliases) with valid operands.
void make_case(Vrf &v, Case &c, uint32_t n, uint32_t H)
{
    c.n = n;
    c.H = H;
    for (int i = 0; i < 4; i++) {
        c.src[i] = (int)rndn(NV);
        if (rndn(10) == 0 && i) c.src[i] = c.src[rndn(i)];  // aliases
    }
    c.dst = rndn(4) == 0 ? c.src[rndn(4)] : (int)rndn(NV);
    for (int i = 0; i < 4; i++) {
        bool seen = false;
        for (int j = 0; j < i; j++) seen |= c.src[j] == c.src[i];
        if (seen) continue;
        int r = c.src[i];
        rand_vec(v.reg(r), n);
        v.e[r] = rand_exp();
        v.n[r] = n;
    }
}

// Breaks one of card.c's conditions.
void break_case(Vrf &v, Case &c)
{
    int i = (int)rndn(4), r = c.src[i];
    switch (rndn(6)) {
    case 0: {  // a mantissa just or far outside 2^30
        int32_t bad = rndn(2) ? MANT_MAX + 1 + (int32_t)rndn(1000)
                              : MANT_MAX + (int32_t)rndn((uint32_t)INT32_MAX - MANT_MAX) + 1;
        v.reg(r)[rndn(c.n)] = rndn(2) ? bad : -bad;
        break;
    }
    case 1:
        v.reg(r)[rndn(c.n)] = INT32_MIN;
        break;
    case 2:  // exponent outside 2^24
        v.e[r] = rndn(2) ? EXP_MAX + 1 + (int32_t)rndn(100) : -EXP_MAX - 1 - (int32_t)rndn(100);
        break;
    case 3:  // a length that differs
        v.n[r] = c.n + 1 + rndn(3) <= (uint32_t)VW ? c.n + 1 + rndn(3) : c.n - 1;
        break;
    case 4:  // heads that do not divide n, or zero heads
        c.H = rndn(3) == 0 ? 0 : c.n + 1 + rndn(5);
        if (c.n % 7 == 0 || c.n == 1) c.H = 0;
        else if (rndn(2)) c.H = 7;  // divides only some n
        break;
    default:  // a head size above MAX_HEAD_SIZE
        c.H = 1;
        if (c.n <= (uint32_t)MAXN) c.H = 0;
        break;
    }
}

// ------------------------------------------------------------ golden-vector replay

// Replays one record as driver/conform.c replay_bonus7 does: r, k, r_k, v (the
// sources in instruction order) loaded into distinct random registers with
// their recorded words, exponents and lengths, heads (IMM) = model.rq's n_head,
// the unit run through run_case (card.c's checks, every register against the
// golden function), then DST's words, exponent and length compared with the
// recorded y. Returns "" when all match.
std::string replay_record(Sim &s, Vrf &v, Ws &w, const ConformSet &set, const rw_trace_rec &r,
                          uint64_t &cycles)
{
    static const char *const roles[4] = {"r", "k", "r_k", "v"};
    char buf[300];
    uint32_t H = set.q->info.n_head, N = set.q->info.head_size;
    const rw_trace_opnd *o[4];
    for (int i = 0; i < 4; i++) {
        o[i] = conform_opnd(r, 0, roles[i]);
        if (!o[i] || o[i]->type != RW_OT_BFV)
            return std::string("input '") + roles[i] + "' missing or not a BFV";
        if (o[i]->n > (uint32_t)VW)
            return std::string("input '") + roles[i] + "' longer than a vector register";
    }
    const rw_trace_opnd *y = conform_opnd(r, 1, "y");
    if (!y || y->type != RW_OT_BFV) return "output 'y' missing or not a BFV";
    uint32_t n = o[0]->n;
    if (H == 0 || N == 0 || (uint64_t)H * N != n) {
        snprintf(buf, sizeof buf, "n_head %u x head_size %u of model.rq is not r's %u words", H,
                 N, n);
        return buf;
    }
    Case c;
    c.n = n;
    c.H = H;
    for (int i = 0; i < 4; i++) {
        bool again;
        do {
            c.src[i] = (int)rndn(NV);
            again = false;
            for (int j = 0; j < i; j++) again |= c.src[j] == c.src[i];
        } while (again);
        std::vector<int32_t> m = conform_words(o[i]);
        memcpy(v.reg(c.src[i]), m.data(), m.size() * sizeof(int32_t));
        v.e[c.src[i]] = o[i]->e;
        v.n[c.src[i]] = o[i]->n;
    }
    c.dst = rndn(4) == 0 ? c.src[rndn(4)] : (int)rndn(NV);
    Stats one;
    one.printed = true;  // the replay reports
    std::string why;
    run_case(s, v, c, w, one, "bonus7_conform", &why);
    cycles = one.cycles;
    if (!why.empty()) return "the unit against the golden function: " + why;
    if (one.errs)
        return "err_o: operands outside card.c op_bonus7's checks, which the golden function "
               "computes anyway";
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
    return "";
}

// Replays every bonus7 record of the set; returns the mismatches (a missing
// set: 0 after the helper's skip line, 1 under CI=true).
long replay_conform(Sim &s, Vrf &v, Ws &w)
{
    const char *name = "bonus7_conform";
    static const char *const units[] = {"bonus7", nullptr};
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
    printf("# %s: %s: %ld bonus7 records replayed (n_head %u, head_size %u), %ld mismatches, "
           "%" PRIu64 " cycles\n",
           name, set.dir.c_str(), records, set.q->info.n_head, set.q->info.head_size, bad,
           cycles);
    if (records == 0) {
        printf("FAIL %s: no bonus7 records in %s\n", name, set.dir.c_str());
        return 1;
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
    Vbonus7 *top = new Vbonus7;
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
    printf("# tb_bonus7 seed 0x%" PRIx64 "\n", SEED);

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
        int kind;  // 0 small, 1 large, 2 error, 3 heads of 1..7
    } groups[] = {
        {"bonus7_small", 9000, 0},
        {"bonus7_large", 60, 1},
        {"bonus7_tiny_heads", 1000, 3},
        {"bonus7_err", 1500, 2},
    };
    for (const Group &g : groups) {
        Stats st;
        for (long k = 0; k < g.count; k++) {
            Case c;
            uint32_t N, H;
            if (g.kind == 1) {
                N = rand_N();
                H = (uint32_t)VW / N - rndn(3);
                if (H == 0) H = 1;
            } else if (g.kind == 3) {
                N = 1 + rndn(7);
                H = 1 + rndn(rndn(4) == 0 ? (uint32_t)VW / N : 16);
            } else {
                N = rand_N();
                uint32_t hmax = (uint32_t)VW / N;
                H = 1 + rndn(rndn(8) == 0 ? hmax : (hmax < 4 ? hmax : 4));
            }
            make_case(*vrf, c, N * H, H);
            if (g.kind == 2) break_case(*vrf, c);
            bad += run_case(s, *vrf, c, w, st, g.name);
        }
        if (!st.bad)
            printf("ok %s (%ld cases, %ld with err, %" PRIu64 " cycles, 0 mismatches)\n", g.name,
                   st.cases, st.errs, st.cycles);
        else
            printf("    %s: %ld mismatches in %ld cases\n", g.name, st.bad, st.cases);
    }
    // every bonus7 record of one conformance set
    bad += replay_conform(s, *vrf, w);
    delete top;
    delete vrf;
    if (bad) {
        printf("FAIL tb_bonus7: %ld mismatches\n", bad);
        return 1;
    }
    return 0;
}
