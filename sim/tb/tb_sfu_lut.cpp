// tb_sfu_lut.cpp - Verilator harness of rtl/sfu_lut.sv with its default
// parameters (the sigmoid table: rtl/tables/sigmoid.mem, N = 4096, S = 17).
// Expected values are re-derived here from the C array rw_tab_sigmoid
// (cmodel/golden/tables.c) with the formula of docs/numerics.md section 6,
// "Lookup", and an independent round-half-even written with division:
//   j = u >> S, r = u mod 2^S, y = T[j] + rne((T[j+1] - T[j]) * r / 2^S),
//   j >= N: y = T[N].
// Every segment is checked at r = 0 (every entry, so the .mem file equals the C
// array), r = 2^S - 1, the tie r = 2^(S-1) and its neighbours, and random r;
// plus u at and beyond the end. Requests come with random gaps, and vld_o must
// follow req_i exactly 2 cycles later. The other tables are exercised through
// the SFU unit (tb_sfu_unit). Run from the repository root (the table path is
// relative).
#include "Vsfu_lut.h"
#include "verilated.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <vector>

extern "C" {
#include "golden/tables.h"
}

static_assert(RW_TAB_SIGMOID_N == 4096 && RW_TAB_SIGMOID_S == 17,
              "sfu_lut's default parameters are the sigmoid table's");

static const uint64_t SEED = 0x5f0c1a7eULL;
static const int N = RW_TAB_SIGMOID_N;
static const int S = RW_TAB_SIGMOID_S;

static uint64_t rng_state = SEED;
static uint64_t rnd64()
{
    // splitmix64
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// v / 2^s rounded to nearest, ties to even, on the magnitude (s >= 1), by
// division rather than the shifts of rw_shr_rne.
static int64_t rne_div(int64_t v, int s)
{
    int64_t d = (int64_t)1 << s;
    int64_t a = v < 0 ? -v : v;
    int64_t q = a / d, rem = a % d;
    if (2 * rem > d || (2 * rem == d && (q % 2) == 1))
        q += 1;
    return v < 0 ? -q : q;
}

static int64_t expect(uint32_t u)
{
    uint64_t j = u / ((uint64_t)1 << S);
    uint64_t r = u % ((uint64_t)1 << S);
    if (j >= (uint64_t)N)
        return rw_tab_sigmoid[N];
    int64_t t0 = rw_tab_sigmoid[j], t1 = rw_tab_sigmoid[j + 1];
    return t0 + rne_div((t1 - t0) * (int64_t)r, S);
}

enum Kind { K_KNOT, K_END, K_TIE, K_NEAR_TIE, K_RANDOM, K_BEYOND, K_COUNT };
static const char *kind_name[K_COUNT] = {"knots", "segment-ends", "ties", "near-ties",
                                         "random", "beyond"};

struct Req {
    uint32_t u;
    Kind kind;
};

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    Vsfu_lut *top = new Vsfu_lut;
    printf("# tb_sfu_lut: seed 0x%" PRIx64 ", table sigmoid N %d S %d\n", SEED, N, S);

    std::vector<Req> reqs;
    const uint32_t seg = 1u << S;
    for (int j = 0; j < N; j++) {
        uint32_t base = (uint32_t)j * seg;
        reqs.push_back({base, K_KNOT});
        reqs.push_back({base + seg - 1, K_END});
        reqs.push_back({base + seg / 2, K_TIE});
        reqs.push_back({base + seg / 2 - 1, K_NEAR_TIE});
        reqs.push_back({base + seg / 2 + 1, K_NEAR_TIE});
        for (int t = 0; t < 3; t++)
            reqs.push_back({base + (uint32_t)(rnd64() % seg), K_RANDOM});
    }
    reqs.push_back({(uint32_t)N * seg, K_KNOT}); // j = N: T[N]
    reqs.push_back({(uint32_t)N * seg + 1, K_BEYOND});
    reqs.push_back({(uint32_t)N * seg + seg, K_BEYOND});
    reqs.push_back({0xffffffffu, K_BEYOND});
    for (int t = 0; t < 200; t++)
        reqs.push_back({(uint32_t)N * seg + (uint32_t)(rnd64() % (0xffffffffu - (uint32_t)N * seg)),
                        K_BEYOND});

    // tie cases where the rounding direction matters: odd entry difference
    long odd_ties = 0;
    for (int j = 0; j < N; j++)
        if ((rw_tab_sigmoid[j + 1] - rw_tab_sigmoid[j]) & 1)
            odd_ties++;

    long n_checked[K_COUNT] = {0}, n_bad[K_COUNT] = {0};
    char first[K_COUNT][200];
    memset(first, 0, sizeof first);
    long lat_bad = 0;
    char lat_first[200] = "";

    // pipeline model: what was requested 1 and 2 cycles ago
    struct Slot {
        bool v;
        Req r;
    };
    std::deque<Slot> pipe(2, Slot{false, {0, K_KNOT}});

    size_t next = 0;
    long cycle = 0;
    top->clk_i = 0;
    top->req_i = 0;
    top->u_i = 0;
    top->eval();
    // vld_o has no reset: let two idle cycles flush it before checking
    for (int i = 0; i < 2; i++) {
        top->clk_i = 1;
        top->eval();
        top->clk_i = 0;
        top->eval();
    }
    while (next < reqs.size() || pipe[0].v || pipe[1].v) {
        Slot cur = {false, {0, K_KNOT}};
        // random gaps: about one cycle in four has no request
        if (next < reqs.size() && (rnd64() % 4) != 0) {
            cur.v = true;
            cur.r = reqs[next++];
            top->req_i = 1;
            top->u_i = cur.r.u;
        } else {
            top->req_i = 0;
            top->u_i = (uint32_t)rnd64(); // garbage while idle
        }
        top->eval();
        // outputs in this cycle belong to the request of two cycles ago (pipe[0])
        Slot done = pipe.front();
        pipe.pop_front();
        pipe.push_back(cur);
        if ((bool)top->vld_o != done.v) {
            if (lat_bad++ == 0)
                snprintf(lat_first, sizeof lat_first, "cycle %ld: vld_o %d, want %d", cycle,
                         (int)top->vld_o, (int)done.v);
        }
        if (done.v) {
            int64_t want = expect(done.r.u);
            int64_t got = (int64_t)top->y_o;
            Kind k = done.r.kind;
            n_checked[k]++;
            if (got != want && n_bad[k]++ == 0)
                snprintf(first[k], sizeof first[k], "u 0x%08x (j %u r %u): got %" PRId64
                         ", want %" PRId64, done.r.u, done.r.u >> S, done.r.u & (seg - 1), got,
                         want);
        }
        top->clk_i = 1;
        top->eval();
        top->clk_i = 0;
        cycle++;
    }

    int fails = 0;
    for (int k = 0; k < K_COUNT; k++) {
        if (n_bad[k] || n_checked[k] == 0) {
            fails++;
            printf("FAIL sfu_lut-%s: %ld of %ld lookups differ; first: %s\n", kind_name[k],
                   n_bad[k], n_checked[k], n_checked[k] ? first[k] : "none checked");
        } else {
            printf("ok sfu_lut-%s (%ld lookups)\n", kind_name[k], n_checked[k]);
        }
    }
    if (lat_bad) {
        fails++;
        printf("FAIL sfu_lut-latency: %ld cycles with vld_o wrong; first: %s\n", lat_bad,
               lat_first);
    } else {
        printf("ok sfu_lut-latency (vld_o = req_i 2 cycles earlier, %ld cycles)\n", cycle);
    }
    if (odd_ties == 0) {
        fails++;
        printf("FAIL sfu_lut-tie-coverage: no segment with an odd difference\n");
    } else {
        printf("ok sfu_lut-tie-coverage (%ld segments whose tie rounds to even)\n", odd_ties);
    }
    top->final();
    delete top;
    return fails ? 1 : 0;
}
