// tb_sfu_recip.cpp - sfu_recip (rtl/sfu_recip.sv) against rw_recip of the golden
// model: for each m the RTL's v_o must equal rw_recip's tmp[i] and eoff_o - e its
// etmp[i] (rw_recip is called on a one-element vector with a random exponent e,
// and its scratch arrays are read back). Inputs: every power of two and its
// negation (1 .. 2^30, -2^31), +-(2^k - 1), +-(2^k + 1), 2^31 - 1, +-2^30, every
// segment boundary of the table at several bit lengths, and 400,000 random m of
// random bit length and sign. One request per cycle with random idle cycles.
// Prints "ok NAME" / "FAIL NAME: why"; exits non-zero on any mismatch.
#include "Vsfu_recip.h"
#include "verilated.h"

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <vector>

extern "C" {
#include "golden/sfu.h"
}

namespace {

uint64_t rng_state = 0x0dec'afba'd5ee'd001ull;

uint64_t rnd()
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

struct Req {
    int32_t m;
    int age;
};

} // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    printf("# tb_sfu_recip: seed 0x%016" PRIx64 "\n", rng_state);

    std::vector<int32_t> in;
    for (int k = 0; k <= 30; k++) {
        int64_t p = int64_t(1) << k;
        for (int64_t x : {p, p - 1, p + 1})
            if (x != 0 && x <= INT32_MAX) {
                in.push_back((int32_t)x);
                in.push_back((int32_t)-x);
            }
    }
    in.push_back(INT32_MIN);       // |m| = 2^31, b = 32: reachable in C
    in.push_back(INT32_MAX);
    in.push_back(INT32_MIN + 1);
    // segment boundaries: t = 2^30 + j * 2^19 (+-1), seen through bit lengths 31 and 20
    for (int64_t j = 0; j < 2048; j++) {
        int64_t t = (int64_t(1) << 30) + j * (int64_t(1) << 19);
        for (int64_t x : {t, t + 1, t - 1 + (int64_t(1) << 19)}) {
            in.push_back((int32_t)x);
            in.push_back((int32_t)-x);
        }
        in.push_back((int32_t)(t >> 11)); // bitlen 20, exact segment start
    }
    const size_t n_fixed = in.size();
    for (int i = 0; i < 400000; i++) {
        int bits = 1 + (int)(rnd() % 31);                       // 1 .. 31
        int64_t m = (int64_t)(rnd() & ((uint64_t(1) << bits) - 1)) | (int64_t(1) << (bits - 1));
        in.push_back((int32_t)((rnd() & 1) ? -m : m));
    }

    Vsfu_recip dut;
    dut.clk_i = 0;
    dut.req_i = 0;
    dut.m_i = 0;
    dut.eval();

    size_t next = 0;
    std::deque<Req> inflight;
    uint64_t checked = 0, mism = 0, vld_errs = 0;
    char first[256] = "";
    while (next < in.size() || !inflight.empty()) {
        bool req = next < in.size() && (rnd() % 5) != 0;
        dut.req_i = req;
        dut.m_i = req ? (uint32_t)in[next] : (uint32_t)rnd();
        dut.clk_i = 1;
        dut.eval();
        dut.clk_i = 0;
        dut.eval();
        for (auto &r : inflight)
            r.age++;
        if (req)
            inflight.push_back({in[next++], 1}); // its first clock edge was this one
        bool want_vld = !inflight.empty() && inflight.front().age == 2;
        if ((dut.vld_o != 0) != want_vld)
            vld_errs++;
        if (!want_vld)
            continue;
        int32_t m = inflight.front().m;
        inflight.pop_front();
        // golden: one element with a random exponent; tmp/etmp are its scratch
        int32_t e = (int32_t)(rnd() % 4000001) - 2000000;
        int32_t xm = m, ym = 0, et = 0;
        int64_t tmp = 0;
        rw_cbfv x = {&xm, e, 1};
        rw_bfv y = {&ym, 0, 1};
        rw_recip(&y, x, &tmp, &et);
        int32_t got_v = (int32_t)dut.v_o;
        int32_t got_eoff = (int8_t)dut.eoff_o;
        checked++;
        if ((got_v != tmp || got_eoff - e != et) && !mism++)
            snprintf(first, sizeof first,
                     "m %" PRId32 " (e %" PRId32 "): got v %" PRId32 " etmp %" PRId32
                     ", want tmp %" PRId64 " etmp %" PRId32,
                     m, e, got_v, got_eoff - e, tmp, et);
    }
    bool pass = checked == in.size() && mism == 0;
    if (pass)
        printf("ok sfu_recip-tmp-etmp (%" PRIu64 " inputs: %zu fixed corner cases, %zu random)\n",
               checked, n_fixed, in.size() - n_fixed);
    else
        printf("FAIL sfu_recip-tmp-etmp: %" PRIu64 " mismatches of %" PRIu64 "; first %s\n", mism,
               checked, first);
    if (vld_errs == 0)
        printf("ok sfu_recip-valid\n");
    else
        printf("FAIL sfu_recip-valid: vld_o wrong in %" PRIu64 " cycles\n", vld_errs);
    dut.final();
    return (pass && vld_errs == 0) ? 0 : 1;
}
