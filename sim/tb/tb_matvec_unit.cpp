// tb_matvec_unit.cpp - Verilator testbench of rtl/matvec_unit.sv (MATVEC) against
// the golden model: rw_act_quant of the x slice, then rw_matvec
// (cmodel/golden/bfv.c, matvec.c) on the same numbers. The golden runs on the
// matrix in its packed form (rw_qmat stride 0: INT8 rows x cols, INT4 a nibble
// stream); the unit reads the device-memory layout of docs/isa.md ("Matrices in
// memory"), which layout() below builds from the packed form: q rows at
// rw_card_row_stride(row bytes) (card.c) with zero padding, scales per row as ng
// u16 sm then the i16 se. So the tb checks the unit's reading of the layout too.
//
// The harness models the vector register file (32 x 4096 words in rows of VL
// words, docs/rtl.md: row address {reg, i / VL}; a read returns the row's VL
// words one cycle after rd0_en_o, random words otherwise; writes take the lanes
// of wr_mask_o), the two read streams (q on mrd0, scales on mrd1: grant after a
// random delay, then an optional latency before the first beat, beats with
// random gaps, the last beat's unused bytes zero) and the write stream (sub 1:
// random ready, done after a random delay). It checks every result word, the
// exponent and the length (sub 0: dst_e_o/dst_n_o and DST's words; sub 1: the
// bytes written: e, then rows words, the last beat zero-padded), every
// request's address and size, that all beats of a requested stream are taken
// by done_o, that only rows of SRC0 holding words of the slice are read and
// only DST words < rows are written (each once), and the start/busy/done
// protocol. The slice starts at any word (imm not a multiple of VL most of the
// time). VL is the unit's parameter (default CFG_VEC_LANES); a build with
// Verilator -GVL=n passes -DTB_VL=n too (checked against the ports' widths).
// Errors: card.c's dom() on the slice (restated in dom_ok below: card.c keeps
// it static) and its shape checks (mat_check, imm + cols <= n, rows <=
// VREG_WORDS for sub 0): err_o with done_o, nothing written, no write request.
// A no-stall run measures cycles per weight beat (also at a memory latency of
// 100 cycles, and the 65,536-row head with SUB 1).
// Golden vectors (docs/conformance.md, tb_conform.h): every matvec record of one
// conformance set is replayed through the unit (x from the record at a random
// slice of a register, W from the set's model.rq laid out by layout()) and the
// unit's words, exponent and length are compared with the recorded y (check
// "matvec_conform"). The head (outside the layers, y in memory on the card) runs
// with SUB 1, every other record with SUB 0, as the compiler issues them.
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
#include <vector>

#include "Vmatvec_unit.h"

extern "C" {
#include "golden/bfv.h"
#include "golden/card.h"
#include "golden/matvec.h"
#include "rwkvacc_hw.h"
}

#include "tb_conform.h"

namespace {

#ifndef TB_VL
#define TB_VL RWKVACC_HW_CFG_VEC_LANES
#endif

constexpr int NV = 32;
constexpr uint32_t VW = RWKVACC_HW_CFG_VREG_WORDS;
constexpr uint32_t VL = TB_VL;                   // words per register row
constexpr uint32_t NROW = VW / VL;               // rows per register
constexpr int LNROW = __builtin_ctz(NROW);       // row address: {reg, row}
constexpr uint32_t BB = RWKVACC_HW_CFG_MV_LANES; // the unit's beat: MV_LANES weight bytes
constexpr uint32_t WPB = BB / 4;
constexpr uint32_t MAX_ROWS = 65536;
constexpr int32_t MANT_MAX = INT32_C(1) << 30;
constexpr int32_t EXP_MAX = INT32_C(1) << 24;
constexpr uint64_t SEED = 0x4d41545645433031ull; // "MATVEC01"

// ------------------------------------------------------------ random numbers

uint64_t rng_state = SEED;
uint64_t rnd()
{
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
int64_t urange(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)); }
bool chance(int percent) { return (int)(rnd() % 100) < percent; }

// ------------------------------------------------------------ machine state

struct VReg {
    int32_t m[VW];
    int32_t e;
    uint32_t n;
};
VReg vrf[NV];

std::unique_ptr<VerilatedContext> ctx;
std::unique_ptr<Vmatvec_unit> top;
uint64_t cycle_no = 0;

// ------------------------------------------------------------ a case

struct Case {
    int bits = 8;
    uint32_t rows = 1, cols = 1, group = 1;
    int sub = 0;
    uint32_t imm = 0;
    int src = 0, dst = 1;
    int64_t stride_delta = 0; // != 0: drive a wrong q_stride (shape error)
    uint32_t bits_drive = 0;  // != 0: drive this bits value instead
    bool expect_shape_err = false;
    // the matrix, packed (golden form)
    std::vector<int8_t> q8;
    std::vector<uint8_t> q4;
    std::vector<uint16_t> sm;
    std::vector<int16_t> se;
    // device memory images of the streams
    std::vector<uint8_t> qmem, smem;
    uint64_t qa = 0, sa = 0, oa = 0;
    // stream behaviour
    int stall = 30;     // percent of cycles a stream holds back (no valid / no ready)
    int gnt_delay = 8;  // max grant delay
    int lat = 0;        // cycles from a read grant to its first beat
};

uint32_t ngroups(const Case &c) { return c.group ? (c.cols + c.group - 1) / c.group : 0; }
uint32_t row_bytes(const Case &c) { return c.bits == 8 ? c.cols : c.cols / 2; }

// q at the stride of the layout (card.c rw_card_row_stride), the padding zero
// or (half the matrices) random bytes, which the unit must ignore (docs/isa.md);
// scales per row: ng sm (u16) then se (i16), little-endian.
void layout(Case &c)
{
    uint32_t rb = row_bytes(c), qs = rw_card_row_stride(rb), ng = ngroups(c);
    bool junk = chance(50);
    c.qmem.assign((size_t)c.rows * qs, 0);
    for (uint32_t r = 0; r < c.rows; r++) {
        uint8_t *row = &c.qmem[(size_t)r * qs];
        for (uint32_t b = rb; junk && b < qs; b++)
            row[b] = (uint8_t)urange(0, 255);
        for (uint32_t j = 0; j < c.cols; j++) {
            size_t i = (size_t)r * c.cols + j;
            if (c.bits == 8) {
                row[j] = (uint8_t)c.q8[i];
            } else {
                uint32_t nib = (c.q4[i / 2] >> ((i & 1) * 4)) & 15u;
                row[j / 2] |= (uint8_t)(nib << ((j & 1) * 4));
            }
        }
    }
    c.smem.clear();
    for (uint32_t r = 0; r < c.rows; r++) {
        for (uint32_t g = 0; g <= ng; g++) {
            uint16_t v = g < ng ? c.sm[(size_t)r * ng + g] : (uint16_t)c.se[r];
            c.smem.push_back((uint8_t)v);
            c.smem.push_back((uint8_t)(v >> 8));
        }
    }
}

// card.c dom(): the operand domain of the x slice
bool dom_ok(const int32_t *m, int32_t e, uint32_t n)
{
    if (e > EXP_MAX || e < -EXP_MAX)
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (m[i] > MANT_MAX || m[i] < -MANT_MAX)
            return false;
    return true;
}

// ------------------------------------------------------------ stimulus

// x: elements with bit length <= B (B = 0 .. 31: 2^30 itself for 31), in one of
// several classes; the slice gets an exact maximum most of the time.
int32_t mant_bits(int b, bool neg)
{
    int32_t v;
    if (b <= 0)
        return 0;
    if (b >= 31)
        v = MANT_MAX;
    else
        v = (int32_t)((INT64_C(1) << (b - 1)) | (int64_t)(rnd() & ((UINT64_C(1) << (b - 1)) - 1)));
    return neg ? -v : v;
}

void gen_x(int32_t *m, uint32_t n)
{
    int cls = (int)(rnd() % 8);
    int B = (int)urange(0, 31);
    if (chance(40))
        B = (int)urange(29, 31); // normalized vectors, the common case
    int s = B > 15 ? B - 15 : 0;  // act_quant's shift for this maximum
    for (uint32_t i = 0; i < n; i++) {
        bool neg = chance(50);
        switch (cls) {
        case 0: // uniform within the bit length
            m[i] = B ? (int32_t)urange(-(INT64_C(1) << (B - 1)) * 2 + 1, (INT64_C(1) << (B - 1)) * 2 - 1) : 0;
            if (B == 31)
                m[i] = (int32_t)urange(-MANT_MAX, MANT_MAX);
            break;
        case 1: // all bit lengths up to B
            m[i] = mant_bits((int)urange(0, B), neg);
            break;
        case 2: // ties of the act_quant rounding: k * 2^s + 2^(s-1)
            if (s > 0) {
                int64_t k = urange(0, 32767);
                int64_t v = k * (INT64_C(1) << s) + (INT64_C(1) << (s - 1));
                if (v > MANT_MAX)
                    v = MANT_MAX;
                m[i] = (int32_t)(neg ? -v : v);
            } else {
                m[i] = mant_bits(B, neg);
            }
            break;
        case 3: // sparse
            m[i] = chance(85) ? 0 : mant_bits((int)urange(0, B), neg);
            break;
        case 4: { // extremes: 2^30, 2^30 - 1 (rounds to 32768: clamped), small
            static const int32_t v[] = {MANT_MAX, MANT_MAX - 1, MANT_MAX / 2, MANT_MAX / 2 - 1,
                                        (1 << 15) - 1, 1 << 15, 1, 0, 65535, 65536};
            m[i] = v[rnd() % (sizeof v / sizeof v[0])] * (neg ? -1 : 1);
            break;
        }
        case 5: // all zero
            m[i] = 0;
            break;
        case 6: // just below a power of two: rounds up to the clamp
            m[i] = B > 16 ? (int32_t)(((INT64_C(1) << (B - 1)) - 1 - (int64_t)(rnd() % (1u << (B - 17)))) *
                                      (neg ? -1 : 1))
                          : mant_bits(B, neg);
            break;
        default:
            m[i] = mant_bits(B, neg);
            break;
        }
    }
    if (n && cls != 5 && chance(70)) // make the maximum exact
        m[rnd() % n] = mant_bits(B, chance(50));
}

int32_t gen_exp()
{
    switch (rnd() % 4) {
    case 0: return (int32_t)urange(-40, 40);
    case 1: return (int32_t)urange(-EXP_MAX, EXP_MAX);
    case 2: return chance(50) ? EXP_MAX : -EXP_MAX;
    default: return (int32_t)urange(-300, 300);
    }
}

void gen_matrix(Case &c)
{
    uint32_t ng = ngroups(c);
    size_t n = (size_t)c.rows * c.cols;
    int qcls = (int)(rnd() % 6);
    int qmax = c.bits == 8 ? 127 : 7;
    if (c.bits == 8)
        c.q8.assign(n, 0);
    else
        c.q4.assign((n + 1) / 2, 0);
    std::vector<uint8_t> zero_row(c.rows, 0);
    if (qcls == 4)
        for (uint32_t r = 0; r < c.rows; r++)
            zero_row[r] = chance(30);
    for (size_t i = 0; i < n; i++) {
        int v;
        switch (qcls) {
        case 0: v = (int)urange(-qmax, qmax); break;
        case 1: v = chance(50) ? qmax : -qmax; break; // extremes
        case 2: v = (int)urange(-2, 2); break;
        case 3: v = chance(80) ? 0 : (int)urange(-qmax, qmax); break;
        case 4: v = zero_row[i / c.cols] ? 0 : (int)urange(-qmax, qmax); break;
        default: v = chance(2) ? -qmax - 1 : (int)urange(-qmax, qmax); break; // -128 / -8 too
        }
        if (c.bits == 8)
            c.q8[i] = (int8_t)v;
        else
            c.q4[i / 2] |= (uint8_t)(((unsigned)v & 15u) << ((i & 1) * 4));
    }
    c.sm.assign((size_t)c.rows * ng, 0);
    int scls = (int)(rnd() % 4);
    for (size_t i = 0; i < c.sm.size(); i++) {
        switch (scls) {
        case 0: c.sm[i] = (uint16_t)rnd(); break;
        case 1: c.sm[i] = chance(50) ? 65535 : (uint16_t)urange(32768, 65535); break;
        case 2: c.sm[i] = (uint16_t)(chance(10) ? 0 : urange(0, 65535)); break;
        default: c.sm[i] = (uint16_t)urange(0, 3); break;
        }
    }
    c.se.assign(c.rows, 0);
    int ecls = (int)(rnd() % 4);
    int16_t e0 = (int16_t)urange(-40, 0);
    for (uint32_t r = 0; r < c.rows; r++) {
        switch (ecls) {
        case 0: c.se[r] = (int16_t)urange(-30, 5); break;
        case 1: c.se[r] = (int16_t)rnd(); break; // the whole int16 range
        case 2: c.se[r] = e0; break;
        default: c.se[r] = (int16_t)(e0 + urange(-3, 3)); break;
        }
    }
}

// cols from 1 (INT4: 2) to VW, many small, the segment edges, some real widths
uint32_t gen_cols(int bits)
{
    static const uint32_t edge[] = {1,  2,  3,  4,   5,   7,   8,   9,   15,  16,  17,   24,   31,  32,
                                    33, 48, 63, 64,  65,  96,  100, 127, 128, 129, 160,  192,  255, 256,
                                    257, 320, 500, 512, 768, 1000, 1024, 1536, 2048, 3072, 4095, 4096};
    uint32_t c;
    int k = (int)(rnd() % 100);
    if (k < 35)
        c = edge[rnd() % (sizeof edge / sizeof edge[0])];
    else if (k < 75)
        c = (uint32_t)urange(1, 130);
    else if (k < 95)
        c = (uint32_t)urange(1, 1100);
    else
        c = (uint32_t)urange(1, VW);
    if (bits == 4) {
        c &= ~1u;
        if (c == 0)
            c = 2;
    }
    return c;
}

uint32_t gen_group(int bits, uint32_t cols)
{
    if (bits == 8) // one scale per row; sometimes a power-of-two group below cols
        return (cols > 2 && chance(10)) ? 1u << urange(0, 31 - __builtin_clz(cols - 1)) : cols;
    int k = (int)(rnd() % 100);
    if (k < 80)
        return 32u << urange(0, 2); // the quantizer's 32, 64, 128
    if (k < 92)
        return 2u << urange(0, 3); // 2 .. 16: units below a segment
    return 256u << urange(0, 4);   // groups across beats
}

// imm of a slice of cols words: a multiple of VL, one lane before a row's end,
// or anywhere (mostly not a multiple of VL)
uint32_t pick_imm(uint32_t cols)
{
    uint32_t hi = VW - cols, imm = (uint32_t)urange(0, hi);
    int k = (int)(rnd() % 4);
    if (k == 0)
        imm &= ~(VL - 1);
    else if (k == 1 && imm >= VL - 1)
        imm = ((imm - (VL - 1)) & ~(VL - 1)) + (VL - 1);
    return imm;
}

void finish_case(Case &c)
{
    // operands: x slice in SRC0 at imm
    uint32_t extra = (uint32_t)urange(0, 3);
    uint32_t maxn = VW;
    c.imm = pick_imm(c.cols);
    uint32_t n = c.imm + c.cols + extra;
    if (n > VW)
        n = VW;
    c.src = (int)(rnd() % NV);
    c.dst = chance(10) ? c.src : (int)(rnd() % NV);
    for (uint32_t i = 0; i < VW; i++)
        vrf[c.src].m[i] = (int32_t)(uint32_t)rnd(); // garbage outside the slice
    gen_x(&vrf[c.src].m[c.imm], c.cols);
    vrf[c.src].e = gen_exp();
    vrf[c.src].n = n;
    c.qa = (uint64_t)urange(0, 1 << 20) * BB;
    c.sa = (uint64_t)urange(0, 1 << 28) * 4;
    c.oa = (uint64_t)urange(0, 1 << 28) * 4;
    gen_matrix(c);
    layout(c);
}

// ------------------------------------------------------------ stream models

struct RdStream {
    const std::vector<uint8_t> *buf = nullptr;
    uint64_t exp_addr = 0;
    int reqs = 0;       // requests granted
    bool granted = false;
    int delay = 0;
    uint64_t bytes = 0, beats = 0, sent = 0;
    int lat_left = 0;
    bool vld = false;
    uint32_t beat[BB / 4];
    std::string err;

    void reset(const std::vector<uint8_t> *b, uint64_t a)
    {
        buf = b;
        exp_addr = a;
        reqs = 0;
        granted = false;
        delay = -1;
        bytes = beats = sent = 0;
        vld = false;
    }
    void load_beat()
    {
        memset(beat, 0, sizeof beat);
        for (uint32_t i = 0; i < BB; i++) {
            uint64_t a = sent * BB + i;
            if (a < bytes && a < buf->size()) // a wrong size is reported at the grant
                beat[i / 4] |= (uint32_t)(*buf)[a] << ((i % 4) * 8);
        }
    }
};

struct WrStream {
    int reqs = 0;
    bool granted = false;
    int delay = -1, done_delay = -1;
    uint64_t bytes = 0, beats = 0, got = 0;
    std::vector<uint8_t> data;
    bool done_sent = false;
    std::string err;
    void reset()
    {
        reqs = 0;
        granted = false;
        delay = done_delay = -1;
        bytes = beats = got = 0;
        data.clear();
        done_sent = false;
    }
};

RdStream s_q, s_s;
WrStream s_w;

void tick()
{
    top->clk_i = 1;
    top->eval();
    top->clk_i = 0;
    top->eval();
    cycle_no++;
}

// ------------------------------------------------------------ one operation

struct Outcome {
    bool err = false;
    int32_t e = 0;
    uint32_t n = 0;
    std::vector<int32_t> m;
    uint64_t cycles = 0;
    uint64_t first_q = 0, last_q = 0; // cycles of the first and last q beat
    std::string fail;                  // protocol/check failure
};

template <typename W> void set_wide(W &w, const uint32_t *v, int n)
{
    for (int i = 0; i < n; i++)
        w[i] = v[i];
}

// Word j of a register-row port (VlWide for VL >= 4, QData for 2, IData for 1).
template <std::size_t N> void put_word(VlWide<N> &w, uint32_t j, uint32_t v) { w[j] = v; }
template <std::size_t N> uint32_t get_word(const VlWide<N> &w, uint32_t j) { return w[j]; }
inline void put_word(QData &w, uint32_t j, uint32_t v)
{
    w = (w & ~(UINT64_C(0xffffffff) << (32 * j))) | (uint64_t)v << (32 * j);
}
inline uint32_t get_word(const QData &w, uint32_t j) { return (uint32_t)(w >> (32 * j)); }
inline void put_word(IData &w, uint32_t, uint32_t v) { w = v; }
inline uint32_t get_word(const IData &w, uint32_t) { return w; }
static_assert(sizeof(Vmatvec_unit::rd0_data_i) == VL * 4 && sizeof(Vmatvec_unit::wr_data_o) == VL * 4,
              "TB_VL does not match the unit's VL parameter");

Outcome run(const Case &c, uint64_t limit)
{
    Outcome o;
    uint32_t rb = row_bytes(c), qs = rw_card_row_stride(rb), ng = ngroups(c);
    int64_t qstride = (int64_t)qs + c.stride_delta;
    s_q.reset(&c.qmem, c.qa);
    s_s.reset(&c.smem, c.sa);
    s_w.reset();
    std::vector<int> written(c.rows < VW ? VW : c.rows, 0);
    std::vector<int32_t> dst_before(vrf[c.dst].m, vrf[c.dst].m + VW);
    VReg *d = &vrf[c.dst];
    int wr_count = 0;

    for (int gap = (int)urange(0, 3) - 1; gap > 0; gap--) // idle cycles between operations
        tick();
    top->sub_i = c.sub;
    top->rows_i = c.rows;
    top->cols_i = c.cols;
    top->bits_i = c.bits_drive ? c.bits_drive : (uint32_t)c.bits;
    top->group_i = c.group;
    top->q_addr_i = c.qa;
    top->q_stride_i = (uint32_t)qstride;
    top->s_addr_i = c.sa;
    top->imm_i = c.imm;
    top->out_addr_i = c.oa;
    top->src0_i = c.src;
    top->src0_e_i = vrf[c.src].e;
    top->src0_n_i = vrf[c.src].n;
    top->dst_i = c.dst;
    top->start_i = 1;
    top->mrd0_gnt_i = top->mrd1_gnt_i = top->mwr_gnt_i = 0;
    top->mrd0_vld_i = top->mrd1_vld_i = 0;
    top->mwr_rdy_i = 0;
    top->mwr_done_i = 0;
    top->eval();
    if (top->busy_o)
        o.fail = "busy_o high before start";
    tick();
    top->start_i = 0;

    bool rd_pend = false;
    uint32_t rd_addr = 0;
    uint64_t cyc = 0;
    for (;;) {
        cyc++;
        if (cyc > limit) {
            o.fail = "timeout";
            top->rst_ni = 0; // so that the next cases still test something
            top->mrd0_vld_i = top->mrd1_vld_i = 0;
            for (int i = 0; i < 3; i++)
                tick();
            top->rst_ni = 1;
            break;
        }
        // ---- drive inputs for this cycle
        for (uint32_t j = 0; j < VL; j++)
            put_word(top->rd0_data_i, j,
                     rd_pend ? (uint32_t)vrf[rd_addr >> LNROW].m[(rd_addr & (NROW - 1)) * VL + j] : (uint32_t)rnd());
        rd_pend = false;
        RdStream *rs[2] = {&s_q, &s_s};
        bool req[2] = {(bool)top->mrd0_req_o, (bool)top->mrd1_req_o};
        uint64_t raddr[2] = {top->mrd0_addr_o, top->mrd1_addr_o};
        uint32_t rbytes[2] = {top->mrd0_bytes_o, top->mrd1_bytes_o};
        bool gnt[2] = {false, false};
        for (int k = 0; k < 2; k++) {
            RdStream &s = *rs[k];
            if (req[k] && !s.granted) {
                if (s.delay < 0)
                    s.delay = (int)urange(0, c.gnt_delay);
                if (s.delay-- == 0) {
                    gnt[k] = true;
                    s.granted = true;
                    s.reqs++;
                    s.bytes = rbytes[k];
                    s.beats = (s.bytes + BB - 1) / BB;
                    s.lat_left = c.lat;
                    uint64_t want = k == 0 ? (uint64_t)c.rows * qs : (uint64_t)c.rows * (ng + 1) * 2;
                    if (raddr[k] != s.exp_addr || s.bytes != want) {
                        char b[160];
                        snprintf(b, sizeof b, "stream %d request addr %" PRIx64 " bytes %" PRIu64 ", expected %" PRIx64 " %" PRIu64,
                                 k, raddr[k], s.bytes, s.exp_addr, want);
                        o.fail = b;
                    }
                }
            }
            if (s.granted && s.lat_left > 0)
                s.lat_left--;
            else if (s.granted && !s.vld && s.sent < s.beats && !chance(c.stall)) {
                s.vld = true;
                s.load_beat();
            }
        }
        top->mrd0_gnt_i = gnt[0];
        top->mrd1_gnt_i = gnt[1];
        top->mrd0_vld_i = s_q.vld;
        top->mrd1_vld_i = s_s.vld;
        if (s_q.vld)
            set_wide(top->mrd0_data_i, s_q.beat, BB / 4);
        else
            for (uint32_t i = 0; i < BB / 4; i++)
                top->mrd0_data_i[i] = (uint32_t)rnd();
        if (s_s.vld)
            set_wide(top->mrd1_data_i, s_s.beat, BB / 4);
        else
            for (uint32_t i = 0; i < BB / 4; i++)
                top->mrd1_data_i[i] = (uint32_t)rnd();
        // write stream
        bool wgnt = false;
        if (top->mwr_req_o && !s_w.granted) {
            if (s_w.delay < 0)
                s_w.delay = (int)urange(0, c.gnt_delay);
            if (s_w.delay-- == 0) {
                wgnt = true;
                s_w.granted = true;
                s_w.reqs++;
                s_w.bytes = top->mwr_bytes_o;
                s_w.beats = (s_w.bytes + BB - 1) / BB;
                s_w.data.assign(s_w.beats * BB, 0xa5);
                if (top->mwr_addr_o != c.oa || s_w.bytes != 4 + 4 * (uint64_t)c.rows)
                    o.fail = "write request address or size";
            }
        }
        top->mwr_gnt_i = wgnt;
        top->mwr_rdy_i = s_w.granted && s_w.got < s_w.beats && !chance(c.stall);
        top->mwr_done_i = 0;
        if (s_w.granted && s_w.got == s_w.beats && !s_w.done_sent) {
            if (s_w.done_delay < 0)
                s_w.done_delay = (int)urange(0, 10);
            if (s_w.done_delay-- == 0) {
                top->mwr_done_i = 1;
                s_w.done_sent = true;
            }
        }
        top->eval();

        // ---- observe
        if (!top->busy_o && !top->done_o)
            o.fail = "busy_o low before done_o";
        if (top->err_o && !top->done_o)
            o.fail = "err_o without done_o";
        if (top->rd0_en_o) {
            uint32_t a = top->rd0_addr_o;
            uint32_t reg = a >> LNROW, row = a & (NROW - 1);
            // the row must hold a word of the slice
            if ((int)reg != c.src || (row + 1) * VL <= c.imm || row * VL >= c.imm + c.cols)
                o.fail = "read outside the x slice";
            rd_pend = true;
            rd_addr = a;
        }
        if (top->wr_en_o) {
            uint32_t a = top->wr_addr_o;
            uint32_t reg = a >> LNROW, row = a & (NROW - 1);
            uint64_t mask = (uint64_t)top->wr_mask_o;
            for (uint32_t j = 0; j < VL; j++) {
                if (!(mask >> j & 1))
                    continue;
                uint32_t idx = row * VL + j;
                wr_count++;
                if ((int)reg != c.dst || idx >= c.rows || c.sub)
                    o.fail = "write outside DST's rows";
                else if (written[idx]++)
                    o.fail = "a DST word written twice";
                vrf[reg].m[idx] = (int32_t)get_word(top->wr_data_o, j);
            }
        }
        if (s_q.vld && top->mrd0_rdy_o) {
            if (s_q.sent == 0)
                o.first_q = cyc;
            o.last_q = cyc;
            s_q.sent++;
            s_q.vld = false;
        }
        if (s_s.vld && top->mrd1_rdy_o) {
            s_s.sent++;
            s_s.vld = false;
        }
        if (top->mwr_vld_o && !s_w.granted)
            o.fail = "write data before the grant";
        if (top->mwr_vld_o && top->mwr_rdy_i) {
            for (uint32_t i = 0; i < BB; i++)
                s_w.data[s_w.got * BB + i] = (uint8_t)(top->mwr_data_o[i / 4] >> ((i % 4) * 8));
            s_w.got++;
        }
        if (top->done_o) {
            o.err = top->err_o;
            o.e = (int32_t)top->dst_e_o;
            o.n = top->dst_n_o;
            o.cycles = cyc;
            tick();
            if (top->done_o || top->busy_o)
                o.fail = "done_o or busy_o high after done";
            break;
        }
        tick();
    }
    if (!o.fail.empty())
        return o;
    // streams complete, requests once
    for (RdStream *s : {&s_q, &s_s}) {
        if (s->reqs > 1)
            o.fail = "stream requested twice";
        if (s->reqs && s->sent != s->beats)
            o.fail = "stream not read to its end";
    }
    if (o.err) {
        if (wr_count)
            o.fail = "write with err_o";
        if (s_w.reqs)
            o.fail = "write stream requested with err_o";
        if (memcmp(dst_before.data(), d->m, sizeof d->m))
            o.fail = "DST changed with err_o";
        return o;
    }
    if (c.sub == 0) {
        o.m.assign(d->m, d->m + c.rows);
        if (wr_count != (int)c.rows && o.fail.empty())
            o.fail = "not every DST row written";
        d->e = o.e;
        d->n = o.n;
    } else {
        if (s_w.reqs != 1 || s_w.got != s_w.beats || !s_w.done_sent || s_w.data.size() < 4 + 4 * (size_t)c.rows) {
            o.fail = "write stream incomplete";
            return o;
        }
        if (wr_count)
            o.fail = "register write with sub 1";
        o.e = (int32_t)(s_w.data[0] | s_w.data[1] << 8 | s_w.data[2] << 16 | (uint32_t)s_w.data[3] << 24);
        o.n = c.rows;
        o.m.resize(c.rows);
        for (uint32_t r = 0; r < c.rows; r++) {
            const uint8_t *p = &s_w.data[4 + 4 * (size_t)r];
            o.m[r] = (int32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
        }
        for (size_t i = 4 + 4 * (size_t)c.rows; i < s_w.data.size(); i++)
            if (s_w.data[i] != 0)
                o.fail = "last write beat not zero-padded";
    }
    return o;
}

// ------------------------------------------------------------ checking

struct Check {
    const char *name;
    uint64_t cases = 0, bad = 0;
    std::string first;
};

std::string describe(const Case &c)
{
    char b[256];
    snprintf(b, sizeof b, "INT%d rows %u cols %u group %u sub %d imm %u src v%d (e %d n %u) dst v%d lat %d VL %u",
             c.bits, c.rows, c.cols, c.group, c.sub, c.imm, c.src, vrf[c.src].e, vrf[c.src].n, c.dst, c.lat, VL);
    return b;
}

// Runs one case and compares it with the golden model; returns the cycles.
uint64_t check_case(Check &ck, Case &c, uint64_t *first_q = nullptr, uint64_t *last_q = nullptr)
{
    if (ck.bad >= 20) // a broken unit: keep the run short
        return 0;
    std::string why;
    std::string desc = describe(c);
    bool exp_err = c.expect_shape_err || !dom_ok(&vrf[c.src].m[c.imm], vrf[c.src].e, c.cols);
    rw_bfv y = {nullptr, 0, 0};
    std::vector<int32_t> ym(c.rows);
    std::vector<int64_t> acc(c.rows);
    std::vector<int32_t> eacc(c.rows);
    std::vector<int16_t> xq16(VW);
    uint32_t over = 0;
    if (!exp_err) {
        rw_act16 xq = {xq16.data(), 0, 0};
        rw_cbfv xs = {&vrf[c.src].m[c.imm], vrf[c.src].e, c.cols};
        rw_act_quant(&xq, xs);
        rw_qmat W;
        memset(&W, 0, sizeof W);
        W.rows = c.rows;
        W.cols = c.cols;
        W.bits = (uint32_t)c.bits;
        W.group = c.group;
        W.q8 = c.q8.data();
        W.q4 = c.q4.data();
        W.sm = c.sm.data();
        W.se = c.se.data();
        W.stride = 0; // packed: the tb's layout() is checked too
        y.m = ym.data();
        over = rw_matvec(&y, &W, &xq, acc.data(), eacc.data());
    }
    // generous: 16 cycles per beat (chunks), 60% stalls, grant delays
    uint64_t limit = 3000 + (uint64_t)c.lat + 8ull * c.cols +
                     40ull * ((uint64_t)c.rows * rw_card_row_stride(row_bytes(c)) / BB + c.rows);
    Outcome o = run(c, limit);
    ck.cases++;
    if (!o.fail.empty()) {
        why = o.fail;
    } else if (o.err != exp_err) {
        why = exp_err ? "no err_o on an operand error" : "err_o on valid operands";
    } else if (!exp_err) {
        if (over)
            why = "golden reports a 48-bit accumulator overflow";
        else if (o.e != y.e || o.n != y.n)
            why = "exponent/length " + std::to_string(o.e) + "/" + std::to_string(o.n) + ", golden " +
                  std::to_string(y.e) + "/" + std::to_string(y.n);
        else
            for (uint32_t r = 0; r < c.rows; r++)
                if (o.m[r] != ym[r]) {
                    why = "row " + std::to_string(r) + ": " + std::to_string(o.m[r]) + ", golden " +
                          std::to_string(ym[r]) + " (acc " + std::to_string(acc[r]) + ", se " +
                          std::to_string(c.se[r]) + ")";
                    break;
                }
    }
    if (!why.empty()) {
        if (ck.bad++ == 0)
            ck.first = why + " [" + desc + "]";
        if (ck.bad <= 5)
            fprintf(stderr, "mismatch %s: %s [%s]\n", ck.name, why.c_str(), desc.c_str());
    }
    if (first_q)
        *first_q = o.first_q;
    if (last_q)
        *last_q = o.last_q;
    return o.cycles;
}

int report(const Check &ck)
{
    if (ck.bad == 0) {
        printf("ok %s\n", ck.name);
        return 0;
    }
    printf("FAIL %s: %" PRIu64 " of %" PRIu64 " cases; first: %s\n", ck.name, ck.bad, ck.cases, ck.first.c_str());
    return 1;
}

Case random_case(int bits, uint32_t max_rows)
{
    Case c;
    c.bits = bits;
    c.cols = gen_cols(bits);
    c.group = gen_group(bits, c.cols);
    int k = (int)(rnd() % 100);
    c.rows = k < 50 ? (uint32_t)urange(1, 40) : k < 90 ? (uint32_t)urange(1, 150) : (uint32_t)urange(1, max_rows);
    if (c.cols > 1100 && c.rows > 40) // keep the big ones few
        c.rows = (uint32_t)urange(1, 40);
    c.sub = chance(15) ? 1 : 0;
    c.stall = chance(20) ? 0 : (int)urange(5, 60);
    c.gnt_delay = (int)urange(0, 20);
    c.lat = chance(25) ? (int)urange(1, 120) : 0;
    finish_case(c);
    return c;
}

// ------------------------------------------------------------ golden vectors

// The unit's form of a model.rq matrix: packed q (golden form) and its device
// layout, built once per matrix (rw_qmat_q reads any stride).
Case conform_matrix(const rw_qmat &W)
{
    Case c;
    c.bits = (int)W.bits;
    c.rows = W.rows;
    c.cols = W.cols;
    c.group = W.group;
    size_t n = (size_t)W.rows * W.cols;
    if (c.bits == 8)
        c.q8.assign(n, 0);
    else
        c.q4.assign((n + 1) / 2, 0);
    for (uint32_t r = 0; r < W.rows; r++)
        for (uint32_t j = 0; j < W.cols; j++) {
            size_t i = (size_t)r * W.cols + j;
            int32_t v = rw_qmat_q(&W, r, j);
            if (c.bits == 8)
                c.q8[i] = (int8_t)v;
            else
                c.q4[i / 2] |= (uint8_t)(((unsigned)v & 15u) << ((i & 1) * 4));
        }
    uint32_t ng = rw_qmat_groups(&W);
    c.sm.assign(W.sm, W.sm + (size_t)W.rows * ng);
    c.se.assign(W.se, W.se + W.rows);
    layout(c);
    return c;
}

// Replays every matvec record of the conformance set; returns 1 on a failure.
int replay_conform()
{
    static const char *const units[] = {"matvec", nullptr};
    const char *name = "matvec_conform";
    ConformSet s;
    if (!conform_open(s, name)) {
        const char *ci = getenv("CI");
        return ci && !strcmp(ci, "true") ? 1 : 0; // skip, or FAIL under CI (printed)
    }
    // the trailer (not read by the helper): the set is whole, its tokens known
    const uint8_t *t = s.buf.size() >= RW_TRACE_END_BYTES ? &s.buf[s.buf.size() - RW_TRACE_END_BYTES] : nullptr;
    if (!t || memcmp(t, RW_TRACE_END_MAGIC, 4)) {
        printf("FAIL %s: %s/vectors.bin has no trailer (truncated)\n", name, s.dir.c_str());
        return 1;
    }
    uint32_t n_tok = (uint32_t)t[8] | (uint32_t)t[9] << 8 | (uint32_t)t[10] << 16 | (uint32_t)t[11] << 24;
    std::vector<uint64_t> per_tok(n_tok, 0);
    std::vector<std::pair<const rw_qmat *, Case>> mats; // few: a linear search
    uint64_t bad = 0, n_sub1 = 0, cyc0 = cycle_no;
    std::string first;
    long n = conform_each(s, units, name, [&](const rw_trace_rec &r) {
        char b[400];
        std::string why;
        const rw_trace_opnd *xo = conform_opnd(r, 0, "x"), *yo = conform_opnd(r, 1, "y");
        const rw_qmat *W = conform_weight(s, r);
        Outcome o;
        if (r.token < n_tok)
            per_tok[r.token]++;
        if (!W || !xo || !yo || xo->type != 1 || yo->type != 1 || xo->n != W->cols || yo->n != W->rows ||
            W->cols == 0 || W->cols > VW || r.token >= n_tok) {
            why = "record malformed: weight unknown, x/y missing, not BFV, or of the wrong size";
        } else {
            size_t k = 0;
            while (k < mats.size() && mats[k].first != W)
                k++;
            if (k == mats.size())
                mats.emplace_back(W, conform_matrix(*W));
            Case c = mats[k].second;
            // as the compiler issues it: the head's y goes to memory (SUB 1)
            c.sub = (r.layer == 0xffffffffu && !strcmp(r.name, "head")) || W->rows > VW ? 1 : 0;
            n_sub1 += (uint64_t)c.sub;
            c.stall = chance(20) ? 0 : (int)urange(5, 60);
            c.gnt_delay = (int)urange(0, 20);
            c.lat = chance(25) ? (int)urange(1, 120) : 0;
            c.imm = pick_imm(c.cols);
            uint32_t xn = c.imm + c.cols + (uint32_t)urange(0, 3);
            c.src = (int)(rnd() % NV);
            c.dst = chance(10) ? c.src : (int)(rnd() % NV);
            for (uint32_t i = 0; i < VW; i++)
                vrf[c.src].m[i] = (int32_t)(uint32_t)rnd(); // garbage outside the slice
            std::vector<int32_t> xm = conform_words(xo), want = conform_words(yo);
            std::copy(xm.begin(), xm.end(), &vrf[c.src].m[c.imm]);
            vrf[c.src].e = xo->e;
            vrf[c.src].n = xn < VW ? xn : VW;
            c.qa = (uint64_t)urange(0, 1 << 20) * BB;
            c.sa = (uint64_t)urange(0, 1 << 28) * 4;
            c.oa = (uint64_t)urange(0, 1 << 28) * 4;
            uint64_t limit = 3000 + (uint64_t)c.lat + 8ull * c.cols +
                             40ull * ((uint64_t)c.rows * rw_card_row_stride(row_bytes(c)) / BB + c.rows);
            o = run(c, limit);
            if (!o.fail.empty())
                why = o.fail;
            else if (o.err)
                why = "err_o on a recorded operation";
            else if (o.n != yo->n || o.e != yo->e) {
                snprintf(b, sizeof b, "exponent/length %d/%u, recorded %d/%u", o.e, o.n, yo->e, yo->n);
                why = b;
            } else
                for (uint32_t i = 0; i < yo->n; i++)
                    if (o.m[i] != want[i]) {
                        snprintf(b, sizeof b, "first differing word y[%u]: %d, recorded %d", i, o.m[i], want[i]);
                        why = b;
                        break;
                    }
            if (!why.empty())
                why += " [" + describe(c) + "]";
        }
        if (!why.empty()) {
            snprintf(b, sizeof b, "record %u (token %u layer %d %s): ", r.index, r.token, (int)r.layer, r.name);
            if (bad++ == 0)
                first = b + why;
            if (bad <= 5)
                fprintf(stderr, "mismatch %s: %s%s\n", name, b, why.c_str());
        }
        return bad < 20; // a broken unit: keep the run short
    });
    if (n < 0)
        return 1; // FAIL printed by the helper
    printf("# %s: %ld matvec records replayed (%" PRIu64 " with SUB 1) of %u tokens from %s, %zu matrices, "
           "%" PRIu64 " mismatches, %" PRIu64 " cycles\n",
           name, n, n_sub1, n_tok, s.dir.c_str(), mats.size(), bad, cycle_no - cyc0);
    if (bad) {
        printf("FAIL %s: %" PRIu64 " of %ld records; first: %s\n", name, bad, n, first.c_str());
        return 1;
    }
    if (n == 0) {
        printf("FAIL %s: no matvec record in %s\n", name, s.dir.c_str());
        return 1;
    }
    for (uint32_t k = 0; k < n_tok; k++)
        if (!per_tok[k]) {
            printf("FAIL %s: no matvec record of token %u (of %u)\n", name, k, n_tok);
            return 1;
        }
    printf("ok %s\n", name);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    top = std::make_unique<Vmatvec_unit>(ctx.get());
    printf("tb_matvec_unit: seed 0x%" PRIx64 ", VL %u\n", SEED, VL);
    for (int r = 0; r < NV; r++) {
        vrf[r].n = 0;
        vrf[r].e = 0;
        for (uint32_t i = 0; i < VW; i++)
            vrf[r].m[i] = (int32_t)(uint32_t)rnd();
    }
    top->clk_i = 0;
    top->rst_ni = 0;
    top->start_i = 0;
    top->eval();
    for (int i = 0; i < 4; i++)
        tick();
    top->rst_ni = 1;
    tick();

    int fails = 0;
    int n_small = argc > 1 ? atoi(argv[1]) : 5000;

    // ---- random small operations, both formats
    Check c8 = {"matvec_int8"}, c4 = {"matvec_int4"};
    for (int i = 0; i < 2 * n_small; i++) {
        int bits = (i & 1) ? 4 : 8;
        Case c = random_case(bits, 300);
        check_case(bits == 8 ? c8 : c4, c);
    }
    fails += report(c8);
    fails += report(c4);

    // ---- every cols 1 .. 130 (INT4: 2 .. 130) with the three INT4 groups, few rows
    Check cs = {"matvec_shapes"};
    for (int bits : {8, 4}) {
        for (uint32_t cols = bits == 8 ? 1 : 2; cols <= 130; cols += bits == 8 ? 1 : 2) {
            for (uint32_t group : {32u, 64u, 128u}) {
                if (bits == 8 && group != 32)
                    continue;
                Case c;
                c.bits = bits;
                c.cols = cols;
                c.group = bits == 8 ? cols : group;
                c.rows = (uint32_t)urange(1, 70);
                c.sub = chance(20);
                c.stall = (int)urange(0, 50);
                finish_case(c);
                check_case(cs, c);
            }
        }
    }
    fails += report(cs);

    // ---- all-zero results: zero weights, zero scales or a zero x (e must be 0)
    Check c0 = {"matvec_zero"};
    for (int i = 0; i < 60; i++) {
        Case c = random_case(i & 1 ? 4 : 8, 80);
        switch (i % 3) {
        case 0:
            std::fill(c.q8.begin(), c.q8.end(), 0);
            std::fill(c.q4.begin(), c.q4.end(), 0);
            break;
        case 1: std::fill(c.sm.begin(), c.sm.end(), 0); break;
        default: std::fill(&vrf[c.src].m[c.imm], &vrf[c.src].m[c.imm] + c.cols, 0); break;
        }
        layout(c);
        check_case(c0, c);
    }
    fails += report(c0);

    // ---- operand errors: x outside the domain (|m| > 2^30 or |e| > 2^24)
    Check ce = {"matvec_err_data"};
    for (int i = 0; i < 300; i++) {
        Case c = random_case(chance(50) ? 8 : 4, 60);
        if (chance(50)) {
            int32_t v = chance(50) ? MANT_MAX + (int32_t)urange(1, 1000) : INT32_MIN + (int32_t)urange(0, 1000);
            if (chance(20))
                v = chance(50) ? MANT_MAX + 1 : -MANT_MAX - 1;
            vrf[c.src].m[c.imm + rnd() % c.cols] = chance(50) ? v : -v;
        } else {
            vrf[c.src].e = chance(50) ? EXP_MAX + (int32_t)urange(1, 5) : -EXP_MAX - (int32_t)urange(1, 1 << 20);
        }
        check_case(ce, c);
    }
    fails += report(ce);

    // ---- shape errors (card.c mat_check and op_matvec's length checks)
    Check cz = {"matvec_err_shape"};
    for (int i = 0; i < 300; i++) {
        Case c = random_case(chance(50) ? 8 : 4, 60);
        switch (i % 8) {
        case 0: c.stride_delta = chance(50) ? 16 : -1; break;         // not the layout's stride
        case 1: c.bits_drive = chance(50) ? 16 : 0x84; break;         // bits not 4 or 8
        case 2: c.bits_drive = 4; c.cols |= 1; break;                 // INT4 odd cols
        case 3: c.group = c.bits == 8 ? 0 : (chance(50) ? 48 : 1); break; // group 0 / INT4 not 2^k >= 2
        case 4: vrf[c.src].n = c.imm + c.cols - 1; break;             // slice beyond SRC0
        case 5: c.rows = 0; break;
        case 6: c.sub = 0; c.rows = VW + (uint32_t)urange(1, 100); break; // too many rows for DST
        default: c.sub = 1; c.rows = MAX_ROWS + 1; break;              // beyond the row buffer
        }
        c.expect_shape_err = true; // no stream may be requested: qmem/smem are not used
        check_case(cz, c);
    }
    fails += report(cz);

    // ---- large: full-size rows, 4096-row matrices, the row buffer full
    Check cl = {"matvec_large"};
    {
        struct { int bits; uint32_t rows, cols, group; int sub; } big[] = {
            {8, 4096, 4096, 4096, 0}, {4, 4096, 4096, 128, 0}, {4, 4096, 768, 32, 0},
            {8, 4096, 100, 100, 1},   {4, 300, 4096, 64, 1},   {8, MAX_ROWS, 48, 48, 1},
            {4, 4096, 2, 32, 0},      {8, 4096, 1, 1, 0}};
        for (auto &b : big) {
            Case c;
            c.bits = b.bits;
            c.rows = b.rows;
            c.cols = b.cols;
            c.group = b.group;
            c.sub = b.sub;
            c.stall = 20;
            finish_case(c);
            check_case(cl, c);
        }
    }
    fails += report(cl);

    // ---- throughput: no stalls, immediate grants
    Check ct = {"matvec_throughput"};
    {
        // sub 1 / memory latency 100 (the virtual card's): the layer shapes and the head
        struct { int bits; uint32_t rows, cols, group; int sub = 0; int lat = 0; } tp[] = {
            {8, 768, 768, 768, 0, 100}, {8, 3072, 768, 768, 0, 100}, {8, 768, 3072, 3072, 0, 100},
            {8, MAX_ROWS, 768, 768, 1, 0}, {8, MAX_ROWS, 768, 768, 1, 100},
            {8, 768, 768, 768},   {8, 3072, 768, 768}, {8, 768, 3072, 3072}, {4, 768, 768, 32},
            {4, 768, 768, 64},    {4, 768, 768, 128},  {4, 3072, 768, 128},  {4, 768, 3072, 128},
            {8, 768, 48, 48},     {8, 768, 64, 64},    {4, 768, 64, 64},     {8, 4096, 4096, 4096},
            {8, 768, 8, 8},       {4, 768, 16, 32},    {4, 768, 768, 16}};
        for (auto &t : tp) {
            Case c;
            c.bits = t.bits;
            c.rows = t.rows;
            c.cols = t.cols;
            c.group = t.group;
            c.sub = t.sub;
            c.lat = t.lat;
            c.stall = 0;
            c.gnt_delay = 0;
            finish_case(c);
            uint64_t fq = 0, lq = 0;
            uint64_t cyc = check_case(ct, c, &fq, &lq);
            uint64_t qs = rw_card_row_stride(row_bytes(c));
            uint64_t beats = ((uint64_t)c.rows * qs + BB - 1) / BB;
            // whole-segment units (rows >= 16 bytes, INT4 groups >= 32): one beat per cycle
            bool full = row_bytes(c) >= 16 && (c.bits == 8 || c.group >= 32);
            if (full && lq - fq + 1 != beats) {
                if (ct.bad++ == 0)
                    ct.first = "q beats not one per cycle [" + describe(c) + "]";
            }
            printf("  throughput INT%d %5u x %4u g %4u sub %d lat %3d imm %4u: %7" PRIu64 " beats, %7" PRIu64
                   " cycles start..done (%.3f per beat), q beats in %7" PRIu64 " cycles (%.3f per beat)\n",
                   c.bits, c.rows, c.cols, c.group, c.sub, c.lat, c.imm, beats, cyc, (double)cyc / (double)beats, lq - fq + 1,
                   (double)(lq - fq + 1) / (double)beats);
        }
    }
    fails += report(ct);

    // ---- golden vectors: every matvec record of one conformance set
    fails += replay_conform();

    uint64_t total = c8.cases + c4.cases + cs.cases + c0.cases + ce.cases + cz.cases + cl.cases + ct.cases;
    uint64_t bad = c8.bad + c4.bad + cs.bad + c0.bad + ce.bad + cz.bad + cl.bad + ct.bad;
    printf("tb_matvec_unit: %" PRIu64 " operations, %" PRIu64 " mismatches, %" PRIu64 " cycles\n", total, bad,
           cycle_no);
    top->final();
    return fails ? 1 : 0;
}
