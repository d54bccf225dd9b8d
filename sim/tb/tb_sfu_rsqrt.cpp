// tb_sfu_rsqrt.cpp - Verilator testbench of rtl/sfu_rsqrt.sv against the golden
// rw_rsqrt (cmodel/golden/sfu.c): every result mantissa and exponent compared,
// operands streamed with random gaps between requests, each answer checked to
// arrive exactly LATENCY cycles after its request. Run from the repository root
// (the table is read as rtl/tables/rsqrt.mem).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

#include "Vsfu_rsqrt.h"
#include "verilated.h"

extern "C" {
#include "golden/bfv.h"
#include "golden/sfu.h"
}

namespace {

const int LATENCY = 4;
const uint64_t SEED = 0x5f3759dfULL;

uint64_t rng_state = SEED;
uint64_t rnd()  // splitmix64
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
uint32_t rndn(uint32_t n) { return (uint32_t)(rnd() % n); }

struct Op {
    int32_t m, e;
};

struct Check {
    std::string name;
    std::vector<Op> ops;
};

// A positive mantissa of 1 to 31 bits.
int32_t rand_m()
{
    uint32_t bits = 1 + rndn(31);
    uint32_t top = 1u << (bits - 1);
    return (int32_t)(top | (uint32_t)(rnd() & (top - 1)));
}

int32_t rand_e()
{
    switch (rndn(4)) {
    case 0: return (int32_t)(uint32_t)rnd();                     // anywhere in int32
    case 1: return (int32_t)rndn(129) - 64;                       // around 1
    case 2: return (int32_t)rndn(1u << 25) - (1 << 24);           // the card's domain
    default: return rndn(2) ? INT32_MAX - (int32_t)rndn(64) : INT32_MIN + (int32_t)rndn(64);
    }
}

struct Sim {
    Vsfu_rsqrt *top;
    uint64_t cycle = 0;
    explicit Sim(Vsfu_rsqrt *t) : top(t) {}
    void tick()
    {
        top->clk_i = 1;
        top->eval();
        top->clk_i = 0;
        top->eval();
        cycle++;
    }
};

// Streams the operands with random gaps; returns the number of mismatches.
long run(Sim &s, const Check &c)
{
    struct Exp {
        Op op;
        int32_t m, e;
        uint64_t due;
    };
    std::deque<Exp> q;
    size_t next = 0;
    long bad = 0;
    bool printed = false;
    auto fail = [&](const char *why, const Exp *x, int32_t gm, int32_t ge) {
        if (!printed) {
            if (x)
                printf("FAIL %s: %s for m=%" PRId32 " e=%" PRId32 ": got (%" PRId32 ", %" PRId32
                       ") want (%" PRId32 ", %" PRId32 ")\n",
                       c.name.c_str(), why, x->op.m, x->op.e, gm, ge, x->m, x->e);
            else
                printf("FAIL %s: %s at cycle %" PRIu64 "\n", c.name.c_str(), why, s.cycle);
        }
        printed = true;
        bad++;
    };
    while (next < c.ops.size() || !q.empty()) {
        bool req = next < c.ops.size() && rndn(4) != 0;  // 1 in 4 cycles idle
        s.top->req_i = req;
        if (req) {
            Op op = c.ops[next++];
            int32_t ym = 0;
            rw_bfv y = {&ym, 0, 1};
            rw_cbfv x = {&op.m, op.e, 1};
            rw_rsqrt(&y, x);
            s.top->m_i = (uint32_t)op.m;
            s.top->e_i = (uint32_t)op.e;
            q.push_back({op, ym, y.e, s.cycle + LATENCY});
        } else {
            // garbage on the operand lines while idle
            s.top->m_i = (uint32_t)rnd();
            s.top->e_i = (uint32_t)rnd();
        }
        s.tick();
        // a request driven while s.cycle == c is answered when s.cycle reaches
        // c + LATENCY (s.cycle counts clock edges)
        if (s.top->vld_o) {
            if (q.empty()) {
                fail("vld_o without a request", nullptr, 0, 0);
                continue;
            }
            Exp x = q.front();
            q.pop_front();
            if (x.due != s.cycle)
                fail("answer not LATENCY cycles after its request", &x, (int32_t)s.top->m_o,
                     (int32_t)s.top->e_o);
            else if ((int32_t)s.top->m_o != x.m || (int32_t)s.top->e_o != x.e)
                fail("mismatch", &x, (int32_t)s.top->m_o, (int32_t)s.top->e_o);
        } else if (!q.empty() && s.cycle > q.front().due) {
            fail("missing answer", &q.front(), 0, 0);
            q.pop_front();
        }
    }
    if (!bad)
        printf("ok %s (%zu operands, 0 mismatches)\n", c.name.c_str(), c.ops.size());
    else
        printf("    %s: %ld mismatches in %zu operands\n", c.name.c_str(), bad, c.ops.size());
    return bad;
}

}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    Vsfu_rsqrt *top = new Vsfu_rsqrt;
    Sim s(top);
    printf("# tb_sfu_rsqrt seed 0x%" PRIx64 "\n", SEED);

    top->clk_i = 0;
    top->rst_ni = 0;
    top->req_i = 0;
    top->m_i = 0;
    top->e_i = 0;
    top->eval();
    for (int i = 0; i < 4; i++)
        s.tick();
    top->rst_ni = 1;
    long bad = 0;

    // after reset nothing may come out
    {
        bool spurious = false;
        for (int i = 0; i < 8; i++) {
            s.tick();
            spurious |= top->vld_o != 0;
        }
        if (spurious) {
            printf("FAIL sfu_rsqrt_reset: vld_o without a request after reset\n");
            bad++;
        } else {
            printf("ok sfu_rsqrt_reset\n");
        }
    }

    std::vector<Check> checks;
    {
        Check c{"sfu_rsqrt_random", {}};
        for (int i = 0; i < 100000; i++)
            c.ops.push_back({rand_m(), rand_e()});
        checks.push_back(c);
    }
    {
        // powers of two and their neighbours, odd and even exponents
        Check c{"sfu_rsqrt_pow2", {}};
        for (int b = 0; b < 31; b++)
            for (int32_t e = -70; e <= 70; e++) {
                int32_t p = (int32_t)(1u << b);
                c.ops.push_back({p, e});
                if (p > 1)
                    c.ops.push_back({p - 1, e});
                if (b < 30)
                    c.ops.push_back({p + 1, e});
            }
        checks.push_back(c);
    }
    {
        Check c{"sfu_rsqrt_corners", {}};
        const int32_t ms[] = {1, 2, 3, 1 << 29, (1 << 29) + 1, (1 << 30) - 1, 1 << 30,
                              (1 << 30) + 1, INT32_MAX, INT32_MAX - 1, 3 << 28, 0x55555555};
        const int32_t es[] = {0, 1, -1, 2, -2, -30, -29, -31, 30, 31, 1 << 24, -(1 << 24),
                              (1 << 24) + 1, INT32_MAX, INT32_MAX - 1, INT32_MIN, INT32_MIN + 1,
                              INT32_MAX - 30, INT32_MIN + 30};
        for (int32_t m : ms)
            for (int32_t e : es)
                c.ops.push_back({m, e});
        // every table segment's start, middle and end, both parities of p
        for (uint32_t j = 0; j < 3072; j++)
            for (uint32_t r : {0u, 1u << 19, (1u << 20) - 1})
                for (int32_t e : {-31, -32}) {
                    // t = 2^30 + j 2^20 + r in [2^30, 2^32): m = t >> 1 for b = 31, o = 1
                    // (e = -31: p = -1), or t itself halved when it fits 31 bits
                    uint64_t t = (1ull << 30) + ((uint64_t)j << 20) + r;
                    if (t < (1ull << 31))
                        c.ops.push_back({(int32_t)t, e});  // b = 31, p = 30 + e
                    c.ops.push_back({(int32_t)(t >> 1), e});
                }
        checks.push_back(c);
    }
    for (const Check &c : checks)
        bad += run(s, c);

    top->final();
    delete top;
    printf("# tb_sfu_rsqrt: %ld mismatches\n", bad);
    return bad ? 1 : 0;
}
