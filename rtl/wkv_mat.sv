// wkv_mat.sv - the matrix-state WKV unit of RWKV 5.x/6 (WKV SUB 5) and RWKV-7
// (WKV SUB 7), bit-exact with rw_wkv5 / rw_wkv7 (cmodel/golden/wkv5.c, wkv7.c,
// wkv_common.c, bfv.c) and card.c op_wkv_matrix's checks; sub7_i selects the
// variant (rtl/wkv5.sv and rtl/wkv7.sv tie it). Operands:
//   SUB 5: DST, SRC0 r, SRC1 k, SRC2 v, SRC3 w (raw Q0.32), SRC4 u
//   SUB 7: DST, SRC0 r, SRC1 w (raw Q0.32), SRC2 k, SRC3 v, SRC4 kk, SRC5 a
// IMM heads H, head size N = n / H (1..MAXN). The state, H heads of (int32 e,
// N x N int32 mantissas row-major), is at byte address state_addr_i of device
// memory, read through the mrd stream and written back through mwr.
//
// Checks (card.c): every source's length is n; every source but w in the
// domain (|m| <= 2^30, |e| <= 2^24); heads_ok; every head's state in the
// domain. The state check is a read pass over all heads before anything is
// written: on a violation err_o with done_o, and neither DST nor the state is
// written.
//
// Order of work:
//   prepass over n (VRF, concurrent with the state check stream): domain
//     checks, act_quant's maxima of r (and kk), 7: OR of |kk a| (ka's norm)
//   per head:
//     LOAD   the head's slices of the sources into on-chip buffers (N cycles):
//            7: w, kk_q, ka, k, v, r_q; 5: w, r_q, r, v, k, u; per-head maxima
//     A      the state streams in (mrd), L state elements per cycle: the decay
//            D = RNE(S w / 2^32) into the state RAM, 7: sa = S kk_q by row
//            (exact), 5: o1 = S^T r_q by column (exact), and whether D is 0
//     7 B    OR of |shift(D) + shift(T1)|, T1 = normalize(sa ka^T) per element
//     C      7: D2 = normalize(D + T1) back into the RAM; OR of
//            |shift(D2) + shift(T2)|, T2 = normalize(v k^T); 5: the same with
//            D and P = normalize(k v^T)
//     D      S' = normalize(that sum) streamed out (mwr) after its exponent;
//            7: out = S' r_q by row (exact)
//   the head's output (the vector sequencer wkv_mat "vf", one element per
//   cycle, overlapping the next head's work): 7: normalize(out); 5: o1
//   normalized plus the bonus mul_scalar(v, sum(mul(mul(r, u), k))), each
//   step one normalization as in wkv5.c; staged in wkv_merge, which writes
//   DST with normalize_each after the last head.
// Every normalization's shift comes from the OR of the magnitudes (bitlen of
// the OR = bitlen of the maximum), or, for outer products, from the product of
// the two factors' largest magnitudes. Passes B to D recompute the terms from
// the RAM word instead of storing 62-bit sums.
//
// Throughput: WKV_LANES (L, a power of two) state elements per cycle in every
// pass. Per head, with R = ceil(N / L): the state check read (N^2 / 16 cycles
// at 64-byte beats), LOAD (N + 3), passes A and D (N R, or the memory's
// N^2 / 16 beats if slower), B (7 only) and C (N R + 9 each), about 20 cycles
// of setup; the vf overlaps them. Measured without memory stalls, per further
// head at N = 64 (sim/tb/tb_wkv7.cpp, tb_wkv5.cpp "perf"):
//            L = 1           L = 4          L = 16
//   wkv7     16,816 (4.11 N^2)  4,528 (1.11)   1,456 (0.36)
//   wkv5     12,703 (3.10 N^2)  3,487 (0.85)   1,183 (0.29)
// The state RAM holds one head: MAXN x ceil(MAXN / L) words of L x 32 bits.
// Protocols: docs/rtl.md. A read request covers one stream (the whole state
// for the check, then one head each); a head's read is requested as soon as
// the previous head's stream has been received. One write request per head;
// mwr_done_i pulses once per granted write request; done_o comes after every
// write is done. Not here: the region check of the state address (the
// sequencer's), RWKV-4 (wkv4).

`include "rwkvacc_hw.svh"

module wkv_mat #(
  // state elements per cycle, a power of two (1 .. 64 tested exact); MAXN a
  // power of two; BUS_BYTES a multiple of 4
  parameter int unsigned WKV_LANES  = 1,
  parameter int unsigned BUS_BYTES  = rwkvacc_hw_pkg::CFG_BUS_BYTES,
  parameter int unsigned VREG_WORDS = rwkvacc_hw_pkg::CFG_VREG_WORDS,
  parameter int unsigned MAXN       = rwkvacc_hw_pkg::CFG_MAX_HEAD_SIZE,
  parameter int unsigned IW         = $clog2(VREG_WORDS)  // element index bits
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic                   start_i,
  output logic                   busy_o,
  output logic                   done_o,
  output logic                   err_o,
  input  logic                   sub7_i,    // 1: WKV SUB 7, 0: SUB 5
  input  logic [IW:0]            n_i,
  input  logic [15:0]            imm_i,
  input  logic [4:0]             src0_i,
  input  logic [4:0]             src1_i,
  input  logic [4:0]             src2_i,
  input  logic [4:0]             src3_i,
  input  logic [4:0]             src4_i,
  input  logic [4:0]             src5_i,
  input  logic [4:0]             dst_i,
  input  logic signed [31:0]     src0_e_i,
  input  logic signed [31:0]     src1_e_i,
  input  logic signed [31:0]     src2_e_i,
  input  logic signed [31:0]     src3_e_i,
  input  logic signed [31:0]     src4_e_i,
  input  logic signed [31:0]     src5_e_i,
  input  logic [IW:0]            src0_n_i,
  input  logic [IW:0]            src1_n_i,
  input  logic [IW:0]            src2_n_i,
  input  logic [IW:0]            src3_n_i,
  input  logic [IW:0]            src4_n_i,
  input  logic [IW:0]            src5_n_i,
  output logic signed [31:0]     dst_e_o,
  output logic [IW:0]            dst_n_o,

  output logic                   rd0_en_o,
  output logic [IW+4:0]          rd0_addr_o,
  input  logic [31:0]            rd0_data_i,
  output logic                   rd1_en_o,
  output logic [IW+4:0]          rd1_addr_o,
  input  logic [31:0]            rd1_data_i,
  output logic                   rd2_en_o,
  output logic [IW+4:0]          rd2_addr_o,
  input  logic [31:0]            rd2_data_i,
  output logic                   rd3_en_o,
  output logic [IW+4:0]          rd3_addr_o,
  input  logic [31:0]            rd3_data_i,
  output logic                   rd4_en_o,
  output logic [IW+4:0]          rd4_addr_o,
  input  logic [31:0]            rd4_data_i,
  output logic                   rd5_en_o,
  output logic [IW+4:0]          rd5_addr_o,
  input  logic [31:0]            rd5_data_i,

  output logic                   wr_en_o,
  output logic [IW+4:0]          wr_addr_o,
  output logic [31:0]            wr_data_o,

  input  logic [63:0]            state_addr_i,
  output logic                   mrd_req_o,
  input  logic                   mrd_gnt_i,
  output logic [63:0]            mrd_addr_o,
  output logic [31:0]            mrd_bytes_o,
  input  logic                   mrd_vld_i,
  output logic                   mrd_rdy_o,
  input  logic [BUS_BYTES*8-1:0] mrd_data_i,
  output logic                   mwr_req_o,
  input  logic                   mwr_gnt_i,
  output logic [63:0]            mwr_addr_o,
  output logic [31:0]            mwr_bytes_o,
  output logic                   mwr_vld_o,
  input  logic                   mwr_rdy_i,
  output logic [BUS_BYTES*8-1:0] mwr_data_o,
  input  logic                   mwr_done_i
);

  // ---------------------------------------------------------------- constants
  localparam int unsigned L     = WKV_LANES;
  localparam int unsigned LB    = $clog2(L);
  localparam int unsigned W     = BUS_BYTES / 4;          // words per bus beat
  localparam int unsigned RMAX  = (MAXN + L - 1) / L;     // beats per row at most
  localparam int unsigned CB    = RMAX * L;               // buffer entries (>= MAXN)
  localparam int unsigned DEPTH = MAXN * RMAX;            // state RAM words (of L lanes)
  localparam int unsigned RAW   = (DEPTH > 1) ? $clog2(DEPTH) : 1;
  localparam int unsigned BW    = $clog2(DEPTH + 1);      // beat counts
  localparam int unsigned HSW   = $clog2(MAXN + 1);       // head size
  localparam int unsigned PW    = $clog2(L + 1);          // lane counts
  localparam int unsigned SWW   = 16;                     // a head's words (1 + N^2)
  localparam int unsigned TWW   = 24;                     // all heads' words
  localparam int unsigned CBW   = $clog2(CB);             // buffer index

  localparam logic signed [31:0] MantMax = 32'sd1073741824;  // 2^30 (card.c MANT_MAX)
  localparam logic signed [31:0] ExpMax  = 32'sd16777216;    // 2^24 (RW_CARD_EXP_MAX)

  // ---------------------------------------------------------------- helpers
  function automatic logic mant_bad(input logic [31:0] w);
    mant_bad = ($signed(w) > MantMax) || ($signed(w) < -MantMax);
  endfunction

  function automatic logic exp_bad(input logic signed [31:0] e);
    exp_bad = (e > ExpMax) || (e < -ExpMax);
  endfunction

  // rw_normalize's shift for a largest magnitude v: 30 - bitlen(v).
  function automatic logic signed [31:0] norm_k(input logic [63:0] v);
    norm_k = 32'sd30 - $signed({25'd0, rw_num_pkg::bitlen64(v)});
  endfunction

  function automatic logic [31:0] mag32(input logic [31:0] v);
    mag32 = v[31] ? 32'(-v) : v;
  endfunction

  // bfv.c align_exp: the exponent both addends are aligned to; an all-zero
  // operand (za, zb) does not count.
  function automatic logic signed [31:0] align_exp(input logic signed [31:0] ea,
                                                   input logic signed [31:0] eb,
                                                   input logic za,
                                                   input logic zb);
    logic signed [31:0] a, b, hi, lo;
    a = za ? eb : ea;
    b = zb ? ea : eb;
    hi = (a > b) ? a : b;
    lo = (a > b) ? b : a;
    align_exp = (lo > hi - 32'sd31) ? lo : hi - 32'sd31;
  endfunction

  // shift(v, k) of rw_num_pkg narrowed to the 32 bits every normalized or
  // aligned-and-rounded word fits in.
  function automatic logic signed [31:0] sh32(input logic signed [63:0] v,
                                              input logic signed [31:0] k);
    sh32 = 32'(rw_num_pkg::shift64(v, k));
  endfunction

  // act_quant of one word with the vector's shift s: RNE, clamped to +-32767.
  function automatic logic signed [15:0] quant(input logic [31:0] m, input logic [4:0] s);
    logic signed [63:0] q;
    q = rw_num_pkg::shr_rne64(64'($signed(m)), {3'd0, s});
    if (q > 64'sd32767) quant = 16'sd32767;
    else if (q < -64'sd32767) quant = -16'sd32767;
    else quant = q[15:0];
  endfunction

  // act_quant's shift and exponent for a largest magnitude mx.
  function automatic logic [4:0] quant_s(input logic [31:0] mx);
    logic [6:0] b;
    b = rw_num_pkg::bitlen64({32'd0, mx});
    quant_s = (b > 7'd15) ? 5'(b - 7'd15) : 5'd0;
  endfunction

  // ---------------------------------------------------------------- operand roles
  logic               sub7;
  logic [31:0]        d_r, d_w, d_k, d_v, d_x4, d_a;   // this cycle's VRF words by role
  logic signed [31:0] e_r, e_k, e_v, e_x4, e_a;        // exponents by role (x4: kk or u)
  assign sub7 = sub7_i;
  assign d_r  = rd0_data_i;
  assign d_w  = sub7 ? rd1_data_i : rd3_data_i;
  assign d_k  = sub7 ? rd2_data_i : rd1_data_i;
  assign d_v  = sub7 ? rd3_data_i : rd2_data_i;
  assign d_x4 = rd4_data_i;
  assign d_a  = rd5_data_i;
  assign e_r  = src0_e_i;
  assign e_k  = sub7 ? src2_e_i : src1_e_i;
  assign e_v  = sub7 ? src3_e_i : src2_e_i;
  assign e_x4 = src4_e_i;
  assign e_a  = src5_e_i;

  // Checks at the start: exponents of every source but w, every length.
  logic start_bad;
  assign start_bad = exp_bad(e_r) || exp_bad(e_k) || exp_bad(e_v) || exp_bad(e_x4) ||
                     (sub7 && exp_bad(e_a)) ||
                     (src0_n_i != n_i) || (src1_n_i != n_i) || (src2_n_i != n_i) ||
                     (src3_n_i != n_i) || (src4_n_i != n_i) || (sub7 && src5_n_i != n_i);

  // ---------------------------------------------------------------- head size
  logic           div_start, div_done, div_ok;
  logic [HSW-1:0] hs;

  wkv_hdiv #(.MAXN(MAXN), .NW(IW + 1), .HW(16), .HSW(HSW)) u_div (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .start_i (div_start),
    .n_i     (n_i),
    .h_i     (imm_i),
    .done_o  (div_done),
    .ok_o    (div_ok),
    .hs_o    (hs)
  );

  // ---------------------------------------------------------------- declarations
  typedef enum logic [4:0] {
    SIdle, SDiv, SGeo, SPre0, SPre, SPreSet, SLoad, SLoadRun, SLoadSet, SPassA,
    SSetA1, SSetA2, SSetA3, SSetA4, SPassB, SSetB1, SSetB2, SPassC, SSetC,
    SPassDq, SPassDe, SPassD, SKick7, SNext, SFin, SOut, SWaitWr, SDone
  } state_e;
  typedef enum logic [1:0] {QIdle, QReq, QData} rq_e;
  typedef enum logic [1:0] {WIdle, WReq, WData} wq_e;
  typedef enum logic [3:0] {
    VIdle, V1, V2, V3, VS3a, VS3b, VWaitA, V4, VS4a, VS4b, V5, VS5, V6, VCommit
  } vf_e;

  state_e             state_q, state_d;
  logic               err_q, err_d;
  logic signed [31:0] dst_e_q, dst_e_d;
  logic [IW-1:0]      head_q, head_d;      // current head
  logic [IW:0]        off_q, off_d;        // its first element
  logic [63:0]        haddr_q, haddr_d;    // its state's byte address

  // geometry, set in SGeo
  logic [HSW-1:0]     rb_q;                // R = ceil(N / L) beats per row
  logic [BW-1:0]      nbeats_q;            // N R beats per head
  logic [31:0]        hb_q;                // bytes per head, 4 + 4 N^2
  logic [SWW-1:0]     hwords_q;            // words per head, 1 + N^2
  logic [TWW-1:0]     twords_q;            // words of all heads

  // global scalars (prepass)
  logic [31:0]        maxr_q, maxkk_q;     // max |r|, max |kk|
  logic [63:0]        orka_q;              // OR |kk a|
  logic [4:0]         s_r_q, s_kk_q;       // act_quant shifts of r and kk
  logic signed [31:0] e_rq_q, e_kkq_q;     // ... and exponents
  logic signed [31:0] k_ka_q, e_ka_q;      // ka = mul(kk, a): shift, exponent

  // per-head scalars
  logic [31:0]        maxa_q, maxb_q, maxc_q;   // max |bufa|, |bufb|, |bufc| of the head
  logic signed [31:0] es_q;                      // the state's exponent
  logic               nzd_q;                     // D has a nonzero word
  logic [51:0]        maxsa_q;                   // 7: max |sa| (exact)
  logic signed [31:0] k_sa_q, e_sa_q;            // 7: sa's normalization
  logic [31:0]        maxsam_q;                  // 7: max |normalized sa|
  logic signed [31:0] k1_q, e1_q;                // 7: T1's normalization
  logic               z1_q;
  logic signed [31:0] sd_q, st1_q, t_q;          // 7: D + T1 alignment
  logic [63:0]        or_q;                      // OR of the pass's magnitudes
  logic signed [31:0] k2_q, e2_q;                // 7: D2's normalization
  logic               z2_q;
  logic signed [31:0] k3_q, e3_q;                // T2 (7) / P (5)
  logic               z3_q;
  logic signed [31:0] sx_q, st2_q, t2_q;         // X + T2 alignment (X = D2 or D)
  logic signed [31:0] k4_q, enew_q;              // S': normalization, exponent
  logic [51:0]        oro_q;                     // 7: OR of |out|
  logic signed [51:0] oacc_q;                    // 7: the row's partial out

  // buffers: index j = element of the current head. Columns are read L at a
  // time (beat b: j = b L + l), rows one at a time (j = i).
  logic [31:0]        bufw_q [CB];   // 7: w (column); 5: w (row)
  logic signed [15:0] bufq_q [CB];   // 7: kk_q (column); 5: r_q (row)
  logic signed [31:0] bufa_q [CB];   // 7: ka normalized (column); 5: r (vf)
  logic signed [31:0] bufb_q [CB];   // 7: k (column); 5: v (column, vf)
  logic signed [31:0] bufc_q [CB];   // 7: v (row); 5: k (row, vf)
  logic signed [15:0] bufr_q [CB];   // 7: r_q (column)
  logic signed [31:0] bufu_q [CB];   // 5: u (vf)
  logic signed [51:0] acc_q  [CB];   // 7: sa by row (A), out by row (D); 5: o1 by column

  // ---------------------------------------------------------------- VRF read pass (prepass, LOAD)
  logic [IW:0]        iss_q, iss_d;        // next element (absolute)
  logic [IW:0]        iend_q, iend_d;      // end of the read pass
  logic               rd_issue, rd_pre, rd_drained;
  logic               rv1_q, rv2_q;        // valid: VRF word (stage 1), stage 2
  logic               rpre1_q, rpre2_q;    // ... of the prepass (else LOAD)
  logic [CBW-1:0]     rj1_q, rj2_q;        // LOAD: element in the head
  logic               pre_bad;
  logic signed [63:0] d_ka;                // kk a of the VRF words
  logic signed [63:0] pka2_q;
  logic [31:0]        r2_q, w2_q, k2w_q, v2w_q, x42_q;
  logic signed [15:0] qr2_q, qkk2_q;
  logic signed [31:0] ka2;                 // normalized ka of stage 2

  assign rd_pre     = (state_q == SPre);
  assign rd_issue   = (rd_pre || state_q == SLoadRun) && (iss_q != iend_q);
  assign rd_drained = (iss_q == iend_q) && !rv1_q && !rv2_q;

  assign rd0_en_o   = rd_issue;
  assign rd0_addr_o = {src0_i, iss_q[IW-1:0]};
  assign rd1_en_o   = rd_issue && (!rd_pre || !sub7);   // 7: w is not checked
  assign rd1_addr_o = {src1_i, iss_q[IW-1:0]};
  assign rd2_en_o   = rd_issue;
  assign rd2_addr_o = {src2_i, iss_q[IW-1:0]};
  assign rd3_en_o   = rd_issue && (!rd_pre || sub7);    // 5: w is not checked
  assign rd3_addr_o = {src3_i, iss_q[IW-1:0]};
  assign rd4_en_o   = rd_issue;
  assign rd4_addr_o = {src4_i, iss_q[IW-1:0]};
  assign rd5_en_o   = rd_issue && sub7;
  assign rd5_addr_o = {src5_i, iss_q[IW-1:0]};

  assign d_ka    = 64'($signed(d_x4)) * 64'($signed(d_a));
  assign ka2     = sh32(pka2_q, k_ka_q);
  assign pre_bad = rv1_q && rpre1_q &&
                   (mant_bad(d_r) || mant_bad(d_k) || mant_bad(d_v) || mant_bad(d_x4) ||
                    (sub7 && mant_bad(d_a)));

  // ---------------------------------------------------------------- read requests
  rq_e             rq_q, rq_d;
  logic [63:0]     rq_addr_q, rq_addr_d;
  logic [IW:0]     rq_left_q, rq_left_d;   // head streams still to request
  logic            ck_mode_q, ck_mode_d;   // the read stream is the check stream
  logic            rq_kick_chk, rq_kick_heads;
  logic [TWW-1:0]  ck_left_q, ck_left_d;   // check words still to come
  logic [SWW-1:0]  ck_pos_q, ck_pos_d;     // position in its head of the next word
  logic            ck_bad_q, ck_bad_d;
  logic            up_load, up_busy, up_rdy;
  logic            up_vld, up_e, up_rl, up_take;
  logic [L*32-1:0] up_data;
  logic [HSW-1:0]  up_row, up_beat;
  logic [HSW:0]    up_cnt;

  assign mrd_req_o   = (rq_q == QReq);
  assign mrd_addr_o  = rq_addr_q;
  assign mrd_bytes_o = ck_mode_q ? (32'(twords_q) << 2) : hb_q;
  assign mrd_rdy_o   = (rq_q == QData) && (ck_mode_q || up_rdy);
  assign up_load     = (rq_q == QReq) && mrd_gnt_i && !ck_mode_q;

  always_comb begin
    rq_d      = rq_q;
    rq_addr_d = rq_addr_q;
    rq_left_d = rq_left_q;
    ck_mode_d = ck_mode_q;
    unique case (rq_q)
      QIdle: begin
        if (rq_kick_chk) begin
          ck_mode_d = 1'b1;
          rq_addr_d = state_addr_i;
          rq_d      = QReq;
        end else if (rq_kick_heads) begin
          ck_mode_d = 1'b0;
          rq_addr_d = state_addr_i;
          rq_left_d = (IW+1)'(imm_i);
          rq_d      = QReq;
        end
      end
      QReq: if (mrd_gnt_i) rq_d = QData;
      QData: begin
        if (ck_mode_q) begin
          if (ck_left_q == '0) rq_d = QIdle;
        end else if (!up_busy) begin
          // this head's stream is in: request the next one
          rq_left_d = rq_left_q - (IW+1)'(1);
          rq_addr_d = rq_addr_q + 64'(hb_q);
          rq_d      = (rq_left_q == (IW+1)'(1)) ? QIdle : QReq;
        end
      end
      default: rq_d = QIdle;
    endcase
  end

  // The check stream: word p of a head (p = 0 its exponent) must be in the
  // domain; the heads follow each other without gaps.
  logic [SWW-1:0] pos;    // (the check's loop variables)
  logic [31:0]    word;
  always_comb begin
    word      = '0;
    ck_left_d = ck_left_q;
    ck_pos_d  = ck_pos_q;
    ck_bad_d  = ck_bad_q;
    pos       = ck_pos_q;
    if (rq_kick_chk) begin
      ck_left_d = twords_q;
      ck_pos_d  = '0;
      ck_bad_d  = 1'b0;
    end else if (ck_mode_q && rq_q == QData && mrd_vld_i) begin
      for (int q = 0; q < W; q++) begin
        word = mrd_data_i[32*q +: 32];
        if (TWW'(q) < ck_left_q) begin
          if ((pos == '0) ? exp_bad(word) : mant_bad(word)) ck_bad_d = 1'b1;
        end
        pos = (pos == hwords_q - SWW'(1)) ? '0 : pos + SWW'(1);
      end
      ck_pos_d  = pos;
      ck_left_d = (ck_left_q > TWW'(W)) ? ck_left_q - TWW'(W) : '0;
    end
  end

  wkv_unpack #(.W(W), .L(L), .HSW(HSW), .SWW(SWW)) u_unpack (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .clear_i    (start_i),
    .hs_i       (hs),
    .load_i     (up_load),
    .words_i    (hwords_q),
    .busy_o     (up_busy),
    .vld_i      (mrd_vld_i && !ck_mode_q && rq_q == QData),
    .rdy_o      (up_rdy),
    .data_i     (mrd_data_i),
    .out_vld_o  (up_vld),
    .out_e_o    (up_e),
    .out_data_o (up_data),
    .out_row_o  (up_row),
    .out_beat_o (up_beat),
    .out_rl_o   (up_rl),
    .out_cnt_o  (up_cnt),
    .take_i     (up_take)
  );

  // ---------------------------------------------------------------- write requests
  wq_e             wq_q, wq_d;
  logic            wq_kick;
  logic [IW+1:0]   wout_q, wout_d;         // granted writes not yet done
  logic            pk_start, pk_push, pk_rdy, pk_idle;
  logic [PW-1:0]   pk_cnt;
  logic [L*32-1:0] pk_data;

  // The request keeps its own address: a small head's pass D can end (its
  // words all in the packer) before the grant, and the next head starts.
  logic [63:0]     wq_addr_q, wq_addr_d;
  assign mwr_req_o   = (wq_q == WReq);
  assign mwr_addr_o  = wq_addr_q;
  assign mwr_bytes_o = hb_q;

  always_comb begin
    wq_d      = wq_q;
    wq_addr_d = wq_kick ? haddr_q : wq_addr_q;
    wout_d    = wout_q;
    if (mwr_req_o && mwr_gnt_i) wout_d = wout_d + (IW+2)'(1);
    if (mwr_done_i) wout_d = wout_d - (IW+2)'(1);
    unique case (wq_q)
      WIdle:   if (wq_kick) wq_d = WReq;
      WReq:    if (mwr_gnt_i) wq_d = WData;
      WData:   if (pk_idle) wq_d = WIdle;
      default: wq_d = WIdle;
    endcase
  end

  wkv_pack #(.W(W), .L(L), .SWW(SWW)) u_pack (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .start_i     (pk_start),
    .words_i     (hwords_q),
    .push_i      (pk_push),
    .push_cnt_i  (pk_cnt),
    .push_data_i (pk_data),
    .rdy_o       (pk_rdy),
    .en_i        (wq_q == WData),
    .vld_o       (mwr_vld_o),
    .data_o      (mwr_data_o),
    .rdy_i       (mwr_rdy_i),
    .idle_o      (pk_idle)
  );

  // ---------------------------------------------------------------- state RAM
  logic            ram_we, ram_re;
  logic [RAW-1:0]  ram_waddr, ram_raddr;
  logic [L*32-1:0] ram_wdata, ram_rdata;

  wkv_ram #(.DEPTH(DEPTH), .WIDTH(L * 32), .AW(RAW)) u_ram (
    .clk_i   (clk_i),
    .we_i    (ram_we),
    .waddr_i (ram_waddr),
    .wdata_i (ram_wdata),
    .re_i    (ram_re),
    .raddr_i (ram_raddr),
    .rdata_o (ram_rdata)
  );

  // ---------------------------------------------------------------- pass A
  // A1: the row beat with its factors; A2: products; A3: D, row sum; then the
  // effects (RAM write, sa / o1 accumulation, D's zero flag).
  logic                 a1_v_q, a2_v_q, a3_v_q;
  logic [CBW-1:0]       a1_i_q, a2_i_q, a3_i_q;
  logic [HSW-1:0]       a1_b_q, a2_b_q, a3_b_q;
  logic                 a1_rl_q, a2_rl_q, a3_rl_q;
  logic [RAW-1:0]       a1_ad_q, a2_ad_q, a3_ad_q;
  logic [L*32-1:0]   a1_s_q, a1_w_q, a1_w_d, a3_d_q, a3_d_d;
  logic [L*16-1:0]   a1_q_q, a1_q_d;
  logic [L*64-1:0]   a2_m1_q, a2_m1_d;
  logic [L*48-1:0]   a2_m2_q, a2_m2_d, a3_m2_q;
  logic signed [51:0]   a3_sum_q, a3_sum_d;
  logic [BW-1:0]        acnt_q, acnt_d;      // row beats taken
  logic [RAW-1:0]       aad_q, aad_d;        // RAM address of the next row beat
  logic signed [51:0]   racc_q, racc_d;      // 7: the row's partial sa
  logic                 a_e_seen_q, a_e_seen_d;
  logic                 a_done_q, a_done_d;  // pass A of the current head is complete
  logic                 a_take_beat, a_take_e, a_drained;
  logic signed [51:0]   a_row_sum;

  // Take the head's e word first, then its N R row beats (the next head's e
  // word waits for the next pass A).
  assign up_take     = (state_q == SPassA) && up_vld && (!up_e || !a_e_seen_q);
  assign a_take_e    = up_take && up_e;
  assign a_take_beat = up_take && !up_e;
  assign a_drained   = a_e_seen_q && (acnt_q == nbeats_q) && !a1_v_q && !a2_v_q && !a3_v_q;
  assign a_row_sum   = racc_q + a3_sum_q;

  logic unused_up_cnt;
  assign unused_up_cnt = ^{up_cnt, up_row};  // the row indexes the buffers by its low bits

  always_comb begin
    for (int l = 0; l < L; l++) begin
      // 7: w and kk_q of column j = b L + l; 5: w and r_q of row i
      a1_w_d[32*l +: 32]  = sub7 ? bufw_q[CBW'((32'(up_beat) << LB) + l)] : bufw_q[CBW'(up_row)];
      a1_q_d[16*l +: 16]  = sub7 ? bufq_q[CBW'((32'(up_beat) << LB) + l)] : bufq_q[CBW'(up_row)];
      a2_m1_d[64*l +: 64] = 64'($signed(a1_s_q[32*l +: 32])) * $signed({32'd0, a1_w_q[32*l +: 32]});
      a2_m2_d[48*l +: 48] = 48'($signed(a1_s_q[32*l +: 32])) * 48'($signed(a1_q_q[16*l +: 16]));
      a3_d_d[32*l +: 32]  = sh32($signed(a2_m1_q[64*l +: 64]), -32'sd32);   // RNE(S w / 2^32)
    end
    a3_sum_d = '0;
    for (int l = 0; l < L; l++) begin
      a3_sum_d = a3_sum_d + 52'($signed(a2_m2_q[48*l +: 48]));
    end
  end

  // ---------------------------------------------------------------- passes B, C, D
  // P0 issue (RAM read, row and column factors) -> P1 (RAM word) -> P2
  // products -> P3 T1, T2 -> P4 v2 = D + T1 -> P5 X (D2 or D) -> P6 v3 = X +
  // T2 -> P7 S' -> P8 out row sum. adv freezes P0..P7 while pass D's word
  // cannot go into the packer.
  logic                adv, p_issue, p_drained, pb_last;
  logic                in_b, in_c, in_d, in_bcd;
  logic [BW-1:0]       pcnt_q, pcnt_d;
  logic [HSW-1:0]      pi_q, pi_d, pb_q, pb_d;
  logic                p1_v_q, p2_v_q, p3_v_q, p4_v_q, p5_v_q, p6_v_q, p7_v_q, p8_v_q;
  logic [CBW-1:0]      p1_i_q, p2_i_q, p3_i_q, p4_i_q, p5_i_q, p6_i_q, p7_i_q, p8_i_q;
  logic                p1_rl_q, p2_rl_q, p3_rl_q, p4_rl_q, p5_rl_q, p6_rl_q, p7_rl_q, p8_rl_q;
  logic [RAW-1:0]      p1_ad_q, p2_ad_q, p3_ad_q, p4_ad_q, p5_ad_q, p6_ad_q;
  logic [PW-1:0]       p1_c_q, p2_c_q, p3_c_q, p4_c_q, p5_c_q, p6_c_q, p7_c_q;
  logic signed [31:0]  p1_sa_q, p1_rc_q, p1_sa_d;
  logic [L*32-1:0]  p1_ca_q, p1_cb_q, p1_ca_d, p1_cb_d;
  logic [L*16-1:0]  p1_cr_q, p1_cr_d, p2_cr_q, p3_cr_q, p4_cr_q, p5_cr_q, p6_cr_q, p7_cr_q;
  logic [L*32-1:0]  p2_d_q, p3_d_q, p4_d_q;
  logic [L*64-1:0]  p2_pa_q, p2_pb_q, p2_pa_d, p2_pb_d;
  logic [L*32-1:0]  p3_t1_q, p3_t2_q, p3_t1_d, p3_t2_d, p4_t2_q, p5_t2_q;
  logic [L*64-1:0]  p4_v2_q, p4_v2_d, p6_v3_q, p6_v3_d;
  logic [L*32-1:0]  p5_x_q, p5_x_d, p6_x_q, p7_s_q, p7_s_d;
  logic signed [51:0]  p8_sum_q, p8_sum_d, p8_row;
  logic [PW-1:0]       p_cnt;
  logic [HSW:0]        p_rem;
  logic [63:0]         p4_or, p6_or;

  assign in_b      = (state_q == SPassB);
  assign in_c      = (state_q == SPassC);
  assign in_d      = (state_q == SPassD);
  assign in_bcd    = in_b || in_c || in_d;
  assign adv       = !(in_d && p7_v_q && !pk_rdy);
  assign p_issue   = in_bcd && (pcnt_q != nbeats_q) && adv;
  assign p_drained = (pcnt_q == nbeats_q) &&
                     !(p1_v_q | p2_v_q | p3_v_q | p4_v_q | p5_v_q | p6_v_q | p7_v_q | p8_v_q);
  assign pb_last   = (pb_q == rb_q - HSW'(1));
  assign p8_row    = oacc_q + p8_sum_q;

  always_comb begin
    p_rem = {1'b0, hs} - ({1'b0, pb_q} << LB);
    p_cnt = (p_rem >= (HSW+1)'(L)) ? PW'(L) : PW'(p_rem);
    // P0: sa of the row normalized and negated (wkv7.c: S (-kk))
    p1_sa_d = sh32(-(64'(acc_q[CBW'(pi_q)])), k_sa_q);
    for (int l = 0; l < L; l++) begin
      if (PW'(l) < p_cnt) begin
        p1_ca_d[32*l +: 32] = bufa_q[CBW'((32'(pb_q) << LB) + l)];
        p1_cb_d[32*l +: 32] = bufb_q[CBW'((32'(pb_q) << LB) + l)];
        p1_cr_d[16*l +: 16] = bufr_q[CBW'((32'(pb_q) << LB) + l)];
      end else begin
        p1_ca_d[32*l +: 32] = 32'd0;
        p1_cb_d[32*l +: 32] = 32'd0;
        p1_cr_d[16*l +: 16] = 16'd0;
      end
    end
    p4_or = '0;
    p6_or = '0;
    for (int l = 0; l < L; l++) begin
      // P1: T1 = sa[i] ka[j] (7); T2 = v[i] k[j] (7) / P = k[i] v[j] (5)
      p2_pa_d[64*l +: 64] = 64'(p1_sa_q) * 64'($signed(p1_ca_q[32*l +: 32]));
      p2_pb_d[64*l +: 64] = 64'(p1_rc_q) * 64'($signed(p1_cb_q[32*l +: 32]));
      // P2: the outer products normalized
      p3_t1_d[32*l +: 32] = sh32($signed(p2_pa_q[64*l +: 64]), k1_q);
      p3_t2_d[32*l +: 32] = sh32($signed(p2_pb_q[64*l +: 64]), k3_q);
      // P3: D + T1 aligned (7)
      p4_v2_d[64*l +: 64] = rw_num_pkg::shift64(64'($signed(p3_d_q[32*l +: 32])), sd_q) +
                   rw_num_pkg::shift64(64'($signed(p3_t1_q[32*l +: 32])), st1_q);
      // P4: X = D2 = normalize(D + T1) in pass C of 7, else the RAM word
      p5_x_d[32*l +: 32] = (in_c && sub7) ? sh32($signed(p4_v2_q[64*l +: 64]), k2_q) : p4_d_q[32*l +: 32];
      // P5: X + T2 aligned
      p6_v3_d[64*l +: 64] = rw_num_pkg::shift64(64'($signed(p5_x_q[32*l +: 32])), sx_q) +
                   rw_num_pkg::shift64(64'($signed(p5_t2_q[32*l +: 32])), st2_q);
      // P6: S' = normalize(X + T2)
      p7_s_d[32*l +: 32] = sh32($signed(p6_v3_q[64*l +: 64]), k4_q);
      p4_or = p4_or | rw_num_pkg::mag64(p4_v2_q[64*l +: 64]);
      p6_or = p6_or | rw_num_pkg::mag64(p6_v3_q[64*l +: 64]);
    end
    // P7: out[i] = sum_j S'[i][j] r_q[j] (7), this beat's part
    p8_sum_d = '0;
    for (int l = 0; l < L; l++) begin
      p8_sum_d = p8_sum_d + 52'(48'($signed(p7_s_q[32*l +: 32])) * 48'($signed(p7_cr_q[16*l +: 16])));
    end
  end

  assign pk_push = (in_d && p7_v_q && pk_rdy) || (state_q == SPassDe && pk_rdy);
  assign pk_cnt  = (state_q == SPassDe) ? PW'(1) : p7_c_q;
  always_comb begin
    pk_data = p7_s_q;
    if (state_q == SPassDe) begin
      pk_data = '0;
      pk_data[31:0] = enew_q;
    end
  end

  // RAM ports: pass A writes D, pass C of 7 writes D2 back; B, C, D read.
  assign ram_re    = p_issue;
  assign ram_raddr = RAW'(pcnt_q);
  always_comb begin
    ram_we    = 1'b0;
    ram_waddr = a3_ad_q;
    ram_wdata = a3_d_q;
    if (a3_v_q) begin
      ram_we = 1'b1;
    end else if (in_c && sub7 && p6_v_q) begin
      ram_we    = 1'b1;
      ram_waddr = p6_ad_q;
      ram_wdata = p6_x_q;
    end
  end

  // ---------------------------------------------------------------- vector sequencer (vf)
  // One element per cycle over the head: f1 buffer words -> f2 products ->
  // f3 shifts -> f4 products, sums -> f5 shifts. Steps (wkv5.c head_out):
  //   V1 OR |r u|; V2 OR |t1 k|; V3 sum t2 -> s, then vb's normalization from
  //   bitlen(max|v| |s|); [wait for pass A] V4 OR |o1|; V5 OR |o1 + vb|
  //   aligned; V6 stage normalize(o1 + vb).
  // 7 runs V6 alone with o1 = out, no vb and no shift after o1's: the staged
  // word is normalize(out).
  vf_e                vf_q, vf_d;
  logic               vf_kick5, vf_kick7, vf_issue, vf_drained, vf_run;
  logic [HSW-1:0]     vj_q, vj_d;          // next element
  logic               f1_v_q, f2_v_q, f3_v_q, f4_v_q, f5_v_q;
  logic [HSW-1:0]     f1_j_q, f2_j_q, f3_j_q, f4_j_q, f5_j_q;
  logic signed [31:0] f1_r_q, f1_u_q, f1_k_q, f1_vv_q;
  logic signed [51:0] f1_acc_q;
  logic signed [63:0] f2_pru_q, f2_vs_q, f4_ptk_q, f4_x_q;
  logic signed [63:0] f2_pru_d, f2_vs_d, f4_ptk_d, f4_x_d;
  logic signed [31:0] f2_o1m_q, f2_k_q, f3_t1_q, f3_vb_q, f3_o1m_q, f3_k_q, f5_t2_q, f5_o_q;
  logic signed [31:0] f2_o1m_d, f3_t1_d, f3_vb_d, f5_t2_d, f5_o_d;
  logic [63:0]        vor_q, vor_d;
  logic signed [63:0] vsum_q, vsum_d;
  logic [IW-1:0]      vhead_q, vhead_d;
  logic [IW:0]        voff_q, voff_d;
  logic signed [31:0] vkt1_q, vkt1_d, vet1_q, vet1_d, vkt2_q, vkt2_d, vet2_q, vet2_d;
  logic signed [31:0] vsm_q, vsm_d, ves_q, ves_d, vkvb_q, vkvb_d, vevb_q, vevb_d;
  logic               vzvb_q, vzvb_d, vzo1_q, vzo1_d;
  logic signed [31:0] vko1_q, vko1_d, veo1_q, veo1_d, vt_q, vt_d, vat;
  logic signed [31:0] vso1_q, vso1_d, vsvb_q, vsvb_d, vk5_q, vk5_d, veo_q, veo_d;
  logic [63:0]        vb_prod;
  logic               mg_hd_we, mg_out_start, mg_out_done;
  logic signed [31:0] mg_e;

  assign vf_run     = (vf_q == V1 || vf_q == V2 || vf_q == V3 || vf_q == V4 ||
                       vf_q == V5 || vf_q == V6);
  assign vf_issue   = vf_run && (vj_q != hs);
  assign vf_drained = (vj_q == hs) && !(f1_v_q | f2_v_q | f3_v_q | f4_v_q | f5_v_q);
  assign vb_prod    = 64'(maxb_q) * 64'(mag32(vsm_q));
  assign vat        = align_exp(veo1_q, vevb_q, vzo1_q, vzvb_q);

  always_comb begin
    vf_d     = vf_q;
    vj_d     = vf_issue ? vj_q + HSW'(1) : vj_q;
    vor_d    = vor_q;
    vsum_d   = vsum_q;
    vhead_d  = vhead_q;
    voff_d   = voff_q;
    vkt1_d   = vkt1_q;
    vet1_d   = vet1_q;
    vkt2_d   = vkt2_q;
    vet2_d   = vet2_q;
    vsm_d    = vsm_q;
    ves_d    = ves_q;
    vkvb_d   = vkvb_q;
    vevb_d   = vevb_q;
    vzvb_d   = vzvb_q;
    vzo1_d   = vzo1_q;
    vko1_d   = vko1_q;
    veo1_d   = veo1_q;
    vt_d     = vt_q;
    vso1_d   = vso1_q;
    vsvb_d   = vsvb_q;
    vk5_d    = vk5_q;
    veo_d    = veo_q;
    mg_hd_we = 1'b0;
    // reductions (stage k's registers are valid with fk_v_q)
    if (vf_q == V1 && f2_v_q) vor_d = vor_q | rw_num_pkg::mag64(f2_pru_q);
    if (vf_q == V2 && f4_v_q) vor_d = vor_q | rw_num_pkg::mag64(f4_ptk_q);
    if (vf_q == V3 && f5_v_q) vsum_d = vsum_q + 64'(f5_t2_q);
    if (vf_q == V4 && f1_v_q) vor_d = vor_q | rw_num_pkg::mag64(64'(f1_acc_q));
    if (vf_q == V5 && f4_v_q) vor_d = vor_q | rw_num_pkg::mag64(f4_x_q);
    unique case (vf_q)
      VIdle: begin
        vj_d    = '0;
        vor_d   = '0;
        vsum_d  = '0;
        vhead_d = head_q;
        voff_d  = off_q;
        if (vf_kick5) begin
          vf_d = V1;
        end else if (vf_kick7) begin
          // out = S' r_q normalized: o1's shift alone
          vko1_d = norm_k(64'(oro_q));
          veo_d  = (oro_q == '0) ? 32'sd0 : enew_q + e_rq_q - norm_k(64'(oro_q));
          vzvb_d = 1'b1;
          vso1_d = 32'sd0;
          vsvb_d = 32'sd0;
          vk5_d  = 32'sd0;
          vf_d   = V6;
        end
      end
      V1: begin
        if (vf_drained) begin
          // t = mul(r, u) over the head
          vkt1_d = norm_k(vor_q);
          vet1_d = (vor_q == '0) ? 32'sd0 : e_r + e_x4 - norm_k(vor_q);
          vor_d  = '0;
          vj_d   = '0;
          vf_d   = V2;
        end
      end
      V2: begin
        if (vf_drained) begin
          // t = mul(t, k)
          vkt2_d = norm_k(vor_q);
          vet2_d = (vor_q == '0) ? 32'sd0 : vet1_q + e_k - norm_k(vor_q);
          vor_d  = '0;
          vj_d   = '0;
          vf_d   = V3;
        end
      end
      V3: if (vf_drained) vf_d = VS3a;
      VS3a: begin
        // s = sum(t)
        vsm_d = sh32(vsum_q, norm_k(rw_num_pkg::mag64(vsum_q)));
        ves_d = (vsum_q == '0) ? 32'sd0 : vet2_q - norm_k(rw_num_pkg::mag64(vsum_q));
        vf_d  = VS3b;
      end
      VS3b: begin
        // vb = mul_scalar(v, s): bitlen of max |v s| = bitlen(max|v| |s|)
        vkvb_d = norm_k(vb_prod);
        vzvb_d = (vb_prod == '0);
        vevb_d = (vb_prod == '0) ? 32'sd0 : e_v + ves_q - norm_k(vb_prod);
        vf_d   = VWaitA;
      end
      VWaitA: begin
        if (a_done_q) begin
          vj_d  = '0;
          vor_d = '0;
          vf_d  = V4;
        end
      end
      V4: if (vf_drained) vf_d = VS4a;
      VS4a: begin
        // o1 = normalize(S^T r_q) at e_S + e_rq
        vko1_d = norm_k(vor_q);
        vzo1_d = (vor_q == '0);
        veo1_d = (vor_q == '0) ? 32'sd0 : es_q + e_rq_q - norm_k(vor_q);
        vf_d   = VS4b;
      end
      VS4b: begin
        // add(o1, vb): align
        vt_d   = vat;
        vso1_d = veo1_q - vat;
        vsvb_d = vevb_q - vat;
        vor_d  = '0;
        vj_d   = '0;
        vf_d   = V5;
      end
      V5: if (vf_drained) vf_d = VS5;
      VS5: begin
        vk5_d = norm_k(vor_q);
        veo_d = (vor_q == '0) ? 32'sd0 : vt_q - norm_k(vor_q);
        vj_d  = '0;
        vf_d  = V6;
      end
      V6: if (vf_drained) vf_d = VCommit;
      VCommit: begin
        mg_hd_we = 1'b1;
        vf_d     = VIdle;
      end
      default: vf_d = VIdle;
    endcase
  end

  always_comb begin
    f2_pru_d = 64'(f1_r_q) * 64'(f1_u_q);
    f2_vs_d  = vzvb_q ? 64'sd0 : 64'(f1_vv_q) * 64'(vsm_q);
    f2_o1m_d = sh32(64'(f1_acc_q), vko1_q);
    f3_t1_d  = sh32(f2_pru_q, vkt1_q);
    f3_vb_d  = sh32(f2_vs_q, vkvb_q);
    f4_ptk_d = 64'(f3_t1_q) * 64'(f3_k_q);
    f4_x_d   = rw_num_pkg::shift64(64'(f3_o1m_q), vso1_q) +
               rw_num_pkg::shift64(64'(f3_vb_q), vsvb_q);
    f5_t2_d  = sh32(f4_ptk_q, vkt2_q);
    f5_o_d   = sh32(f4_x_q, vk5_q);
  end

  wkv_merge #(.VREG_WORDS(VREG_WORDS), .IW(IW), .HSW(HSW)) u_merge (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .clear_i     (start_i),
    .st_we_i     (vf_q == V6 && f5_v_q),
    .st_idx_i    (voff_q[IW-1:0] + IW'(f5_j_q)),
    .st_m_i      (f5_o_q),
    .hd_we_i     (mg_hd_we),
    .hd_idx_i    (vhead_q),
    .hd_e_i      (veo_q),
    .out_start_i (mg_out_start),
    .n_i         (n_i),
    .hs_i        (hs),
    .dst_i       (dst_i),
    .out_done_o  (mg_out_done),
    .e_o         (mg_e),
    .wr_en_o     (wr_en_o),
    .wr_addr_o   (wr_addr_o),
    .wr_data_o   (wr_data_o)
  );

  // ---------------------------------------------------------------- main control
  logic [63:0] prod_t1, prod_t2;
  logic [31:0] sam;
  logic signed [31:0] at1, at2;
  assign prod_t1  = 64'(maxsam_q) * 64'(maxa_q);
  assign prod_t2  = 64'(maxc_q) * 64'(maxb_q);
  assign sam      = sh32($signed({12'd0, maxsa_q}), k_sa_q);  // shift is monotonic
  assign at1      = align_exp(es_q, e1_q, !nzd_q, z1_q);
  assign at2      = sub7 ? align_exp(e2_q, e3_q, z2_q, z3_q) : align_exp(es_q, e3_q, !nzd_q, z3_q);

  always_comb begin
    state_d    = state_q;
    err_d      = err_q | pre_bad;
    dst_e_d    = dst_e_q;
    head_d     = head_q;
    off_d      = off_q;
    haddr_d    = haddr_q;
    iss_d      = rd_issue ? iss_q + (IW+1)'(1) : iss_q;
    iend_d     = iend_q;
    acnt_d     = acnt_q + (a_take_beat ? BW'(1) : '0);
    aad_d      = aad_q + (a_take_beat ? RAW'(1) : '0);
    a_e_seen_d = a_e_seen_q | a_take_e;
    a_done_d   = a_done_q;
    racc_d     = racc_q;
    pcnt_d     = p_issue ? pcnt_q + BW'(1) : pcnt_q;
    pi_d       = pi_q;
    pb_d       = pb_q;
    if (p_issue) begin
      if (pb_last) begin
        pb_d = '0;
        pi_d = pi_q + HSW'(1);
      end else begin
        pb_d = pb_q + HSW'(1);
      end
    end
    if (a3_v_q && sub7) racc_d = a3_rl_q ? 52'sd0 : a_row_sum;
    div_start     = 1'b0;
    rq_kick_chk   = 1'b0;
    rq_kick_heads = 1'b0;
    wq_kick       = 1'b0;
    pk_start      = 1'b0;
    vf_kick5      = 1'b0;
    vf_kick7      = 1'b0;
    mg_out_start  = 1'b0;

    unique case (state_q)
      SIdle: begin
        if (start_i) begin
          err_d = 1'b0;
          if (start_bad) begin
            err_d   = 1'b1;
            state_d = SDone;
          end else begin
            div_start = 1'b1;
            state_d   = SDiv;
          end
        end
      end
      SDiv: begin
        if (div_done) begin
          if (!div_ok) begin
            err_d   = 1'b1;
            state_d = SDone;
          end else begin
            state_d = SGeo;
          end
        end
      end
      SGeo: state_d = SPre0;       // geometry (flops)
      SPre0: begin
        // the state check stream and the VRF prepass, concurrently
        rq_kick_chk = 1'b1;
        iss_d       = '0;
        iend_d      = n_i;
        state_d     = SPre;
      end
      SPre: begin
        if (rq_q == QIdle && rd_drained) begin
          if (err_q || ck_bad_q) begin
            err_d   = 1'b1;
            state_d = SDone;
          end else begin
            state_d = SPreSet;
          end
        end
      end
      SPreSet: begin                // act_quant and ka's norm (flops)
        rq_kick_heads = 1'b1;
        head_d  = '0;
        off_d   = '0;
        haddr_d = state_addr_i;
        state_d = SLoad;
      end
      SLoad: begin
        // 5: the vf of the previous head reads the buffers
        if (sub7 || vf_q == VIdle) begin
          iss_d   = off_q;
          iend_d  = off_q + (IW+1)'(hs);
          state_d = SLoadRun;
        end
      end
      SLoadRun: if (rd_drained) state_d = SLoadSet;
      SLoadSet: begin
        // T2 / P's normalization (flops); 7: acc is free once the previous
        // head's out is staged
        if (vf_q == VIdle) begin
          acnt_d     = '0;
          aad_d      = '0;
          a_e_seen_d = 1'b0;
          a_done_d   = 1'b0;
          racc_d     = '0;
          vf_kick5   = !sub7;
          state_d    = SPassA;
        end
      end
      SPassA: begin
        if (a_drained) begin
          a_done_d = 1'b1;
          state_d  = sub7 ? SSetA1 : SSetB2;
        end
      end
      SSetA1: state_d = SSetA2;    // sa's normalization (flops)
      SSetA2: state_d = SSetA3;    // max |normalized sa|
      SSetA3: state_d = SSetA4;    // T1's normalization
      SSetA4: begin                // D + T1 alignment; pass B
        pcnt_d  = '0;
        pi_d    = '0;
        pb_d    = '0;
        state_d = SPassB;
      end
      SPassB: if (p_drained) state_d = SSetB1;
      SSetB1: state_d = SSetB2;    // D2's normalization
      SSetB2: begin                // X + T2 alignment; pass C
        pcnt_d  = '0;
        pi_d    = '0;
        pb_d    = '0;
        state_d = SPassC;
      end
      SPassC: if (p_drained) state_d = SSetC;
      SSetC: state_d = SPassDq;    // S's normalization
      SPassDq: begin
        if (wq_q == WIdle) begin
          wq_kick  = 1'b1;
          pk_start = 1'b1;
          state_d  = SPassDe;
        end
      end
      SPassDe: begin               // the exponent word first
        if (pk_rdy) begin
          pcnt_d  = '0;
          pi_d    = '0;
          pb_d    = '0;
          state_d = SPassD;
        end
      end
      SPassD: if (p_drained) state_d = sub7 ? SKick7 : SNext;
      SKick7: begin
        if (vf_q == VIdle) begin
          vf_kick7 = 1'b1;
          state_d  = SNext;
        end
      end
      SNext: begin
        head_d  = head_q + IW'(1);
        off_d   = off_q + (IW+1)'(hs);
        haddr_d = haddr_q + 64'(hb_q);
        state_d = (off_q + (IW+1)'(hs) == n_i) ? SFin : SLoad;
      end
      SFin: begin
        if (vf_q == VIdle) begin
          mg_out_start = 1'b1;
          state_d      = SOut;
        end
      end
      SOut: begin
        if (mg_out_done) begin
          dst_e_d = mg_e;
          state_d = SWaitWr;
        end
      end
      SWaitWr: if (wq_q == WIdle && wout_q == '0) state_d = SDone;
      SDone:   state_d = SIdle;
      default: state_d = SIdle;
    endcase
  end

  assign busy_o  = (state_q != SIdle);
  assign done_o  = (state_q == SDone);
  assign err_o   = (state_q == SDone) & err_q;
  assign dst_e_o = dst_e_q;
  assign dst_n_o = n_i;

  // ---------------------------------------------------------------- flops: control
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q   <= SIdle;
      err_q     <= 1'b0;
      dst_e_q   <= 32'sd0;
      rq_q      <= QIdle;
      wq_q      <= WIdle;
      wout_q    <= '0;
      vf_q      <= VIdle;
      ck_mode_q <= 1'b0;
      ck_left_q <= '0;
      rv1_q     <= 1'b0;
      rv2_q     <= 1'b0;
      a1_v_q    <= 1'b0;
      a2_v_q    <= 1'b0;
      a3_v_q    <= 1'b0;
      a_done_q  <= 1'b0;
      p1_v_q    <= 1'b0;
      p2_v_q    <= 1'b0;
      p3_v_q    <= 1'b0;
      p4_v_q    <= 1'b0;
      p5_v_q    <= 1'b0;
      p6_v_q    <= 1'b0;
      p7_v_q    <= 1'b0;
      p8_v_q    <= 1'b0;
      f1_v_q    <= 1'b0;
      f2_v_q    <= 1'b0;
      f3_v_q    <= 1'b0;
      f4_v_q    <= 1'b0;
      f5_v_q    <= 1'b0;
    end else begin
      state_q   <= state_d;
      err_q     <= err_d;
      dst_e_q   <= dst_e_d;
      rq_q      <= rq_d;
      wq_q      <= wq_d;
      wout_q    <= wout_d;
      vf_q      <= vf_d;
      ck_mode_q <= ck_mode_d;
      ck_left_q <= ck_left_d;
      rv1_q     <= rd_issue;
      rv2_q     <= rv1_q;
      a1_v_q    <= a_take_beat;
      a2_v_q    <= a1_v_q;
      a3_v_q    <= a2_v_q;
      a_done_q  <= a_done_d;
      if (adv) begin
        p1_v_q <= p_issue;
        p2_v_q <= p1_v_q;
        p3_v_q <= p2_v_q;
        p4_v_q <= p3_v_q;
        p5_v_q <= p4_v_q;
        p6_v_q <= p5_v_q;
        p7_v_q <= p6_v_q;
      end
      p8_v_q    <= p7_v_q && adv && in_d && sub7;
      f1_v_q    <= vf_issue;
      f2_v_q    <= f1_v_q;
      f3_v_q    <= f2_v_q;
      f4_v_q    <= f3_v_q;
      f5_v_q    <= f4_v_q;
    end
  end

  // ---------------------------------------------------------------- flops: counters, vf
  always_ff @(posedge clk_i) begin
    head_q     <= head_d;
    off_q      <= off_d;
    haddr_q    <= haddr_d;
    iss_q      <= iss_d;
    iend_q     <= iend_d;
    rq_addr_q  <= rq_addr_d;
    wq_addr_q  <= wq_addr_d;
    rq_left_q  <= rq_left_d;
    ck_pos_q   <= ck_pos_d;
    ck_bad_q   <= ck_bad_d;
    acnt_q     <= acnt_d;
    aad_q      <= aad_d;
    a_e_seen_q <= a_e_seen_d;
    racc_q     <= racc_d;
    pcnt_q     <= pcnt_d;
    pi_q       <= pi_d;
    pb_q       <= pb_d;
    vj_q       <= vj_d;
    vor_q      <= vor_d;
    vsum_q     <= vsum_d;
    vhead_q    <= vhead_d;
    voff_q     <= voff_d;
    vkt1_q     <= vkt1_d;
    vet1_q     <= vet1_d;
    vkt2_q     <= vkt2_d;
    vet2_q     <= vet2_d;
    vsm_q      <= vsm_d;
    ves_q      <= ves_d;
    vkvb_q     <= vkvb_d;
    vevb_q     <= vevb_d;
    vzvb_q     <= vzvb_d;
    vzo1_q     <= vzo1_d;
    vko1_q     <= vko1_d;
    veo1_q     <= veo1_d;
    vt_q       <= vt_d;
    vso1_q     <= vso1_d;
    vsvb_q     <= vsvb_d;
    vk5_q      <= vk5_d;
    veo_q      <= veo_d;
  end

  // ---------------------------------------------------------------- flops: scalars, buffers
  always_ff @(posedge clk_i) begin
    // geometry
    if (state_q == SGeo) begin
      rb_q     <= HSW'(({1'b0, hs} + (HSW+1)'(L - 1)) >> LB);
      nbeats_q <= BW'(32'(hs) * ((32'(hs) + L - 1) >> LB));
      hb_q     <= 32'd4 + 32'd4 * 32'(hs) * 32'(hs);
      hwords_q <= SWW'(32'd1 + 32'(hs) * 32'(hs));
      twords_q <= TWW'(32'(imm_i) * (32'd1 + 32'(hs) * 32'(hs)));
    end

    // prepass: maxima of r and kk, OR |kk a|; act_quant and ka's norm after it
    if (state_q == SPre0) begin
      maxr_q  <= '0;
      maxkk_q <= '0;
      orka_q  <= '0;
    end else begin
      if (rv1_q && rpre1_q) begin
        if (mag32(d_r) > maxr_q) maxr_q <= mag32(d_r);
        if (mag32(d_x4) > maxkk_q) maxkk_q <= mag32(d_x4);
      end
      if (rv2_q && rpre2_q && sub7) orka_q <= orka_q | rw_num_pkg::mag64(pka2_q);
    end
    if (state_q == SPreSet) begin
      s_r_q   <= quant_s(maxr_q);
      e_rq_q  <= (maxr_q == '0) ? 32'sd0 : e_r + 32'($signed({27'd0, quant_s(maxr_q)}));
      s_kk_q  <= quant_s(maxkk_q);
      e_kkq_q <= (maxkk_q == '0) ? 32'sd0 : e_x4 + 32'($signed({27'd0, quant_s(maxkk_q)}));
      k_ka_q  <= norm_k(orka_q);
      e_ka_q  <= (orka_q == '0) ? 32'sd0 : e_x4 + e_a - norm_k(orka_q);
    end

    // VRF read pipeline: stage 1 (word) -> stage 2
    rpre1_q <= rd_pre;
    rpre2_q <= rpre1_q;
    rj1_q   <= CBW'(iss_q - off_q);
    rj2_q   <= rj1_q;
    pka2_q  <= d_ka;
    r2_q    <= d_r;
    w2_q    <= d_w;
    k2w_q   <= d_k;
    v2w_q   <= d_v;
    x42_q   <= d_x4;
    qr2_q   <= quant(d_r, s_r_q);
    qkk2_q  <= quant(d_x4, s_kk_q);

    // LOAD: stage 2 into the buffers, with the head's maxima
    if (state_q == SLoad) begin
      maxa_q <= '0;
      maxb_q <= '0;
      maxc_q <= '0;
    end else if (rv2_q && !rpre2_q) begin
      bufw_q[rj2_q] <= w2_q;
      if (sub7) begin
        bufq_q[rj2_q] <= qkk2_q;
        bufa_q[rj2_q] <= ka2;
        bufb_q[rj2_q] <= k2w_q;
        bufc_q[rj2_q] <= v2w_q;
        bufr_q[rj2_q] <= qr2_q;
        if (mag32(ka2) > maxa_q) maxa_q <= mag32(ka2);
        if (mag32(k2w_q) > maxb_q) maxb_q <= mag32(k2w_q);
        if (mag32(v2w_q) > maxc_q) maxc_q <= mag32(v2w_q);
      end else begin
        bufq_q[rj2_q] <= qr2_q;
        bufa_q[rj2_q] <= r2_q;
        bufb_q[rj2_q] <= v2w_q;
        bufc_q[rj2_q] <= k2w_q;
        bufu_q[rj2_q] <= x42_q;
        if (mag32(v2w_q) > maxb_q) maxb_q <= mag32(v2w_q);
        if (mag32(k2w_q) > maxc_q) maxc_q <= mag32(k2w_q);
      end
    end
    if (state_q == SLoadSet) begin
      k3_q <= norm_k(prod_t2);
      z3_q <= (prod_t2 == '0);
      e3_q <= (prod_t2 == '0) ? 32'sd0 : e_v + e_k - norm_k(prod_t2);
    end

    // pass A: the exponent word, then the row beats
    if (a_take_e) es_q <= $signed(up_data[31:0]);
    if (state_q == SLoadSet) begin
      nzd_q   <= 1'b0;
      maxsa_q <= '0;
    end
    a1_i_q   <= CBW'(up_row);
    a1_b_q   <= up_beat;
    a1_rl_q  <= up_rl;
    a1_ad_q  <= aad_q;
    a1_s_q   <= up_data;
    a1_w_q   <= a1_w_d;
    a1_q_q   <= a1_q_d;
    a2_i_q   <= a1_i_q;
    a2_b_q   <= a1_b_q;
    a2_rl_q  <= a1_rl_q;
    a2_ad_q  <= a1_ad_q;
    a2_m1_q  <= a2_m1_d;
    a2_m2_q  <= a2_m2_d;
    a3_i_q   <= a2_i_q;
    a3_b_q   <= a2_b_q;
    a3_rl_q  <= a2_rl_q;
    a3_ad_q  <= a2_ad_q;
    a3_d_q   <= a3_d_d;
    a3_m2_q  <= a2_m2_q;
    a3_sum_q <= a3_sum_d;
    if (a3_v_q && (a3_d_q != '0)) nzd_q <= 1'b1;

    // acc: 7 sa by row (A), out by row (D, stage P8); 5 o1 by column (A)
    if (state_q == SLoadSet && !sub7) begin
      for (int j = 0; j < CB; j++) acc_q[j] <= '0;
    end
    if (a3_v_q) begin
      if (sub7) begin
        if (a3_rl_q) begin
          acc_q[a3_i_q] <= a_row_sum;
          if (rw_num_pkg::mag64(64'(a_row_sum)) > 64'(maxsa_q)) begin
            maxsa_q <= 52'(rw_num_pkg::mag64(64'(a_row_sum)));
          end
        end
      end else begin
        for (int l = 0; l < L; l++) begin
          acc_q[CBW'((32'(a3_b_q) << LB) + l)] <= acc_q[CBW'((32'(a3_b_q) << LB) + l)] +
                                                   52'($signed(a3_m2_q[48*l +: 48]));
        end
      end
    end
    if (state_q == SPassDe) begin
      oro_q  <= '0;
      oacc_q <= '0;
    end
    if (p8_v_q) begin
      if (p8_rl_q) begin
        acc_q[p8_i_q] <= p8_row;
        oro_q  <= oro_q | 52'(rw_num_pkg::mag64(64'(p8_row)));
        oacc_q <= '0;
      end else begin
        oacc_q <= p8_row;
      end
    end

    // setup between passes
    if (state_q == SSetA1) begin
      k_sa_q <= norm_k(64'(maxsa_q));
      e_sa_q <= (maxsa_q == '0) ? 32'sd0 : es_q + e_kkq_q - norm_k(64'(maxsa_q));
    end
    if (state_q == SSetA2) maxsam_q <= sam;
    if (state_q == SSetA3) begin
      k1_q <= norm_k(prod_t1);
      z1_q <= (prod_t1 == '0);
      e1_q <= (prod_t1 == '0) ? 32'sd0 : e_sa_q + e_ka_q - norm_k(prod_t1);
    end
    if (state_q == SSetA4) begin
      t_q   <= at1;
      sd_q  <= es_q - at1;
      st1_q <= e1_q - at1;
    end
    if (state_q == SSetA4 || state_q == SSetB2) or_q <= '0;
    else if (in_b && p4_v_q && adv) or_q <= or_q | p4_or;
    else if (in_c && p6_v_q && adv) or_q <= or_q | p6_or;
    if (state_q == SSetB1) begin
      k2_q <= norm_k(or_q);
      z2_q <= (or_q == '0);
      e2_q <= (or_q == '0) ? 32'sd0 : t_q - norm_k(or_q);
    end
    if (state_q == SSetB2) begin
      // X = D2 (7) or D (5), aligned with T2 / P
      t2_q  <= at2;
      sx_q  <= (sub7 ? e2_q : es_q) - at2;
      st2_q <= e3_q - at2;
    end
    if (state_q == SSetC) begin
      k4_q   <= norm_k(or_q);
      enew_q <= (or_q == '0) ? 32'sd0 : t2_q - norm_k(or_q);
    end

    // pipeline of passes B, C, D (frozen with adv)
    if (adv) begin
      p1_i_q  <= CBW'(pi_q);
      p1_rl_q <= pb_last;
      p1_ad_q <= RAW'(pcnt_q);
      p1_c_q  <= p_cnt;
      p1_sa_q <= p1_sa_d;
      p1_rc_q <= bufc_q[CBW'(pi_q)];
      p1_ca_q <= p1_ca_d;
      p1_cb_q <= p1_cb_d;
      p1_cr_q <= p1_cr_d;
      p2_i_q  <= p1_i_q;
      p2_rl_q <= p1_rl_q;
      p2_ad_q <= p1_ad_q;
      p2_c_q  <= p1_c_q;
      p2_cr_q <= p1_cr_q;
      p2_d_q  <= ram_rdata;
      p2_pa_q <= p2_pa_d;
      p2_pb_q <= p2_pb_d;
      p3_i_q  <= p2_i_q;
      p3_rl_q <= p2_rl_q;
      p3_ad_q <= p2_ad_q;
      p3_c_q  <= p2_c_q;
      p3_cr_q <= p2_cr_q;
      p3_d_q  <= p2_d_q;
      p3_t1_q <= p3_t1_d;
      p3_t2_q <= p3_t2_d;
      p4_i_q  <= p3_i_q;
      p4_rl_q <= p3_rl_q;
      p4_ad_q <= p3_ad_q;
      p4_c_q  <= p3_c_q;
      p4_cr_q <= p3_cr_q;
      p4_d_q  <= p3_d_q;
      p4_t2_q <= p3_t2_q;
      p4_v2_q <= p4_v2_d;
      p5_i_q  <= p4_i_q;
      p5_rl_q <= p4_rl_q;
      p5_ad_q <= p4_ad_q;
      p5_c_q  <= p4_c_q;
      p5_cr_q <= p4_cr_q;
      p5_t2_q <= p4_t2_q;
      p5_x_q  <= p5_x_d;
      p6_i_q  <= p5_i_q;
      p6_rl_q <= p5_rl_q;
      p6_ad_q <= p5_ad_q;
      p6_c_q  <= p5_c_q;
      p6_cr_q <= p5_cr_q;
      p6_x_q  <= p5_x_q;
      p6_v3_q <= p6_v3_d;
      p7_i_q  <= p6_i_q;
      p7_rl_q <= p6_rl_q;
      p7_c_q  <= p6_c_q;
      p7_cr_q <= p6_cr_q;
      p7_s_q  <= p7_s_d;
    end
    p8_i_q   <= p7_i_q;
    p8_rl_q  <= p7_rl_q;
    p8_sum_q <= p8_sum_d;

    // vf pipeline
    f1_j_q   <= vj_q;
    f1_r_q   <= bufa_q[CBW'(vj_q)];
    f1_u_q   <= bufu_q[CBW'(vj_q)];
    f1_k_q   <= bufc_q[CBW'(vj_q)];
    f1_vv_q  <= bufb_q[CBW'(vj_q)];
    f1_acc_q <= acc_q[CBW'(vj_q)];
    f2_j_q   <= f1_j_q;
    f2_pru_q <= f2_pru_d;
    f2_vs_q  <= f2_vs_d;
    f2_o1m_q <= f2_o1m_d;
    f2_k_q   <= f1_k_q;
    f3_j_q   <= f2_j_q;
    f3_t1_q  <= f3_t1_d;
    f3_vb_q  <= f3_vb_d;
    f3_o1m_q <= f2_o1m_q;
    f3_k_q   <= f2_k_q;
    f4_j_q   <= f3_j_q;
    f4_ptk_q <= f4_ptk_d;
    f4_x_q   <= f4_x_d;
    f5_j_q   <= f4_j_q;
    f5_t2_q  <= f5_t2_d;
    f5_o_q   <= f5_o_d;
  end

endmodule
