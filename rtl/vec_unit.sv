// vec_unit.sv - the vector unit: MOVE, ADD, SUB, MUL, LERP and RELU_SQ on the
// block-floating vector registers, bit-exact with cmodel/golden/bfv.c (rw_add,
// rw_sub with a scalar SRC1 broadcast, rw_mul, rw_lerp, rw_relu_sq, and
// rw_normalize for every result) and with cmodel/golden/card.c op_move. It also
// makes card.c's operand-domain checks (op_elementwise/vdom: |m| <= 2^30 and
// |e| <= 2^24 for every source the operation uses; MOVE checks nothing): a
// violation ends the operation with err_o and nothing written.
//
// Not here: the sequencer's checks (opcode, register numbers, lengths: n_i is
// taken to equal every source's length, SRC1's may be 1 for ADD/SUB), the
// register file itself, SFU operations.
//
// How: wide. The register file is read and written in rows of VL words (row
// address {reg, i / VL}, lane i % VL; docs/rtl.md); every pass takes one row,
// VL elements, per cycle through a 4-stage pipeline with VL copies of the
// per-element arithmetic (its shifts cut to the ranges they meet: norm_shift,
// align_shift; checked against rw_num_pkg::shift64 in simulation). Lanes of
// the last row at or above n are zeroed as they are read, so they never reach
// a result, an OR, a zero flag or a domain check, and are masked off on the
// write port (wr_mask_o).
//   arithmetic pass: read the sources (and/or the buffer), compute the exact
//     int64 values of the operation into vec_buf (one row of VL x 64 bits per
//     cycle), OR their magnitudes over the lanes and the rows (bitlen of the
//     OR = bitlen of the maximum, as rw_normalize);
//   write pass: read vec_buf, shift each by k = 30 - B (RNE) into DST.
// ADD/SUB/MUL/RELU_SQ: 2 passes. LERP: sub, mul, add, write = 4 passes; the
// intermediate normalized vectors are never stored: the next pass normalizes
// the buffer word as it reads it (same norm_shift as the write pass), then
// overwrites it in place. MOVE: one streaming pass (each row is written after
// it was read). A pass over n elements issues ceil(n / VL) rows back to back;
// between passes the pipeline drains (about 6 cycles).
// ADD/SUB alignment (bfv.c align_exp) needs to know whether an operand is all
// zero, which is only known after reading it. The first pass assumes neither
// is; if one turns out to be all zero and the other one was shifted right (so
// rounded), the pass is run again with the exponent bfv.c would have used.
// If the other one was shifted left the values are that operand times 2^j,
// exact, and normalize gives the same words and exponent, so no rerun.
// ADD/SUB with a one-element SRC1 reads SRC1's row 0 once and broadcasts its
// lane 0 (bfv.c: b.m[0]).
//
// Ports and protocol: docs/rtl.md "Unit interface" with the wide read and
// write ports (rdK_data_i, wr_data_o: word j of a row in bits 32j+31:32j).
// Operands are held stable by the sequencer from start_i to done_o, so they
// are used directly. VL: a power of two, VREG_WORDS / VL >= 2 rows.

`include "rwkvacc_hw.svh"

module vec_unit #(
  parameter int unsigned VREG_WORDS = rwkvacc_hw_pkg::CFG_VREG_WORDS,
  parameter int unsigned VL         = rwkvacc_hw_pkg::CFG_VEC_LANES,  // words per row
  parameter int unsigned IW         = $clog2(VREG_WORDS),             // element index bits
  parameter int unsigned RW         = 5 + $clog2(VREG_WORDS / VL)     // row address bits
) (
  input  logic               clk_i,
  input  logic               rst_ni,

  input  logic               start_i,
  output logic               busy_o,
  output logic               done_o,
  output logic               err_o,
  input  logic [7:0]         op_i,
  input  logic [IW:0]        n_i,
  input  logic [4:0]         src0_i,
  input  logic [4:0]         src1_i,
  input  logic [4:0]         src2_i,
  input  logic [4:0]         dst_i,
  input  logic signed [31:0] src0_e_i,
  input  logic signed [31:0] src1_e_i,
  input  logic signed [31:0] src2_e_i,
  input  logic [IW:0]        src0_n_i,
  input  logic [IW:0]        src1_n_i,
  input  logic [IW:0]        src2_n_i,
  output logic signed [31:0] dst_e_o,
  output logic [IW:0]        dst_n_o,

  output logic               rd0_en_o,
  output logic [RW-1:0]      rd0_addr_o,
  input  logic [VL*32-1:0]   rd0_data_i,
  output logic               rd1_en_o,
  output logic [RW-1:0]      rd1_addr_o,
  input  logic [VL*32-1:0]   rd1_data_i,
  output logic               rd2_en_o,
  output logic [RW-1:0]      rd2_addr_o,
  input  logic [VL*32-1:0]   rd2_data_i,

  output logic               wr_en_o,
  output logic [RW-1:0]      wr_addr_o,
  output logic [VL*32-1:0]   wr_data_o,
  output logic [VL-1:0]      wr_mask_o
);

  // ---------------------------------------------------------------- constants

  localparam int unsigned LV   = $clog2(VL);             // log2 lanes
  localparam int unsigned NROW = VREG_WORDS / VL;         // rows per register
  localparam int unsigned RIW  = $clog2(NROW);            // row index bits

  if (VL < 1 || (1 << LV) != VL || NROW < 2 || NROW * VL != VREG_WORDS ||
      RW != 5 + RIW || IW != $clog2(VREG_WORDS)) begin : g_cfg
    $error("vec_unit: VL must be a power of two with VREG_WORDS / VL >= 2 rows");
  end

  localparam logic signed [31:0] MantMax = 32'sd1073741824;  // 2^30 (card.c MANT_MAX)
  localparam logic signed [31:0] ExpMax  = 32'sd16777216;    // 2^24 (RW_CARD_EXP_MAX)

  typedef enum logic [2:0] {
    SIdle, SScalRd, SScalCap, SPass, SEnd, SDone
  } state_e;

  // What a pass computes per element.
  typedef enum logic [2:0] {
    PkMove,   // dst[i] = src0[i]
    PkAdd,    // buf[i] = +-shift(X, kx) +- shift(Y, ky)
    PkMul,    // buf[i] = X * Y
    PkRelu,   // buf[i] = X > 0 ? X * X : 0
    PkWrite   // dst[i] = shift(buf[i], kn)
  } pass_e;

  // Where operand Y comes from (X is SRC0 or the normalized buffer word).
  localparam logic [1:0] YRd1  = 2'd0;
  localparam logic [1:0] YRd2  = 2'd1;
  localparam logic [1:0] YScal = 2'd2;
  localparam logic [1:0] YBuf  = 2'd3;

  // ---------------------------------------------------------------- helpers

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

  // Outside card.c's mantissa domain |m| <= 2^30.
  function automatic logic mant_bad(input logic [31:0] w);
    mant_bad = ($signed(w) > MantMax) || ($signed(w) < -MantMax);
  endfunction

  // Outside card.c's exponent domain |e| <= 2^24.
  function automatic logic exp_bad(input logic signed [31:0] e);
    exp_bad = (e > ExpMax) || (e < -ExpMax);
  endfunction

  // The lanes' shifts, cheaper than VL copies of rw_num_pkg::shift64 (64-bit
  // operand and result, any shift). The shift k is one per pass, decoded once
  // for all lanes: z (the result is 0), l (k >= 0), ls = k, rs = -k. The right
  // shifts round the two's complement value (floor, plus 1 when the bits
  // shifted out are above half, or exactly half with an odd floor); as
  // round-half-even is odd-symmetric this equals bfv.c's rounding of the
  // magnitude (rw_shr_rne) for every value.

  // rw_normalize's shift: shift64(v, k)[31:0] for every v and k, z = k > 31 or
  // k < -63, rs in 1..63.
  function automatic logic [31:0] norm_shift(input logic signed [63:0] v,
                                             input logic z,
                                             input logic l,
                                             input logic [4:0] ls,
                                             input logic [5:0] rs);
    logic [63:0] u, rbit;
    logic [31:0] q;
    logic        rb, st;
    u    = 64'(v);
    q    = 32'(v >>> rs);
    rbit = 64'd1 << (rs - 6'd1);
    rb   = |(u & rbit);
    st   = |(u & (rbit - 64'd1));
    if (z) begin
      norm_shift = 32'd0;
    end else if (l) begin
      norm_shift = u[31:0] << ls;
    end else begin
      norm_shift = q[31:0] + {31'd0, rb & (st | q[0])};
    end
  endfunction

  // bfv.c widen's shift of an operand: shift64(x, k) for |x| <= 2^30 when x is
  // 0 or k <= 31 (x outside the domain ends the operation with err_o; every
  // nonzero operand of an addition has k <= 31, docs in the datapath below).
  // z = k > 31 (only for a zero operand) or k < -30 (|x| / 2^31 rounds to 0),
  // rs in 1..30.
  function automatic logic signed [63:0] align_shift(input logic signed [31:0] x,
                                                     input logic z,
                                                     input logic l,
                                                     input logic [4:0] ls,
                                                     input logic [4:0] rs);
    logic [31:0] q, u, rbit;
    logic        rb, st;
    u    = 32'(x);
    q    = 32'(x >>> rs);
    rbit = 32'd1 << (rs - 5'd1);
    rb   = |(u & rbit);
    st   = |(u & (rbit - 32'd1));
    if (z) begin
      align_shift = 64'sd0;
    end else if (l) begin
      align_shift = 64'(x) <<< ls;
    end else begin
      align_shift = 64'($signed(q + {31'd0, rb & (st | q[0])}));
    end
  endfunction

  // ---------------------------------------------------------------- op decode

  logic op_move, op_add, op_sub, op_mul, op_lerp, op_relu, op_known, scalar_b;
  assign op_move  = (op_i == 8'(rwkvacc_hw_pkg::OP_MOVE));
  assign op_add   = (op_i == 8'(rwkvacc_hw_pkg::OP_ADD));
  assign op_sub   = (op_i == 8'(rwkvacc_hw_pkg::OP_SUB));
  assign op_mul   = (op_i == 8'(rwkvacc_hw_pkg::OP_MUL));
  assign op_lerp  = (op_i == 8'(rwkvacc_hw_pkg::OP_LERP));
  assign op_relu  = (op_i == 8'(rwkvacc_hw_pkg::OP_RELU_SQ));
  assign op_known = op_move | op_add | op_sub | op_mul | op_lerp | op_relu;
  // ADD/SUB with a one-element SRC1: bfv.c broadcasts b.m[0].
  assign scalar_b = (op_add | op_sub) && (src1_n_i == (IW+1)'(1));

  // Exponent checks of the sources each op uses (card.c vdom).
  logic start_bad;
  assign start_bad = !op_known ||
                     (!op_move && exp_bad(src0_e_i)) ||
                     ((op_add | op_sub | op_mul | op_lerp) && exp_bad(src1_e_i)) ||
                     (op_lerp && exp_bad(src2_e_i));

  // The sequencer's lengths are not needed beyond SRC1's (broadcast).
  logic unused_n;
  assign unused_n = ^{src0_n_i, src2_n_i};

  // Rows of a pass: ceil(n / VL) (n <= VREG_WORDS, so n + VL - 1 fits IW + 1 bits).
  logic [IW:0]  n_up;
  logic [RIW:0] nrows;
  logic         unused_n_up;
  assign n_up        = n_i + (IW+1)'(VL - 1);
  assign nrows       = (RIW+1)'(n_up >> LV);
  assign unused_n_up = ^n_up;

  // ---------------------------------------------------------------- state

  state_e             state_q, state_d;
  logic [1:0]         step_q, step_d;     // pass number within the op
  logic               err_q, err_d;
  logic signed [31:0] dst_e_q, dst_e_d;
  logic [IW:0]        dst_n_q, dst_n_d;
  logic [31:0]        scal_q, scal_d;     // broadcast SRC1 word

  // Configuration of the running pass.
  pass_e              pk_q, pk_d;
  logic               xbuf_q, xbuf_d;     // X is the normalized buffer word
  logic [1:0]         ysel_q, ysel_d;
  logic               negx_q, negx_d, negy_q, negy_d;
  logic               use0_q, use0_d, use1_q, use1_d, use2_q, use2_d, bufrd_q, bufrd_d;
  logic signed [31:0] ex_q, ex_d, ey_q, ey_d;  // exponents of X and Y
  logic signed [31:0] kx_q, kx_d, ky_q, ky_d;  // their alignment shifts
  logic signed [31:0] rese_q, rese_d;          // exponent of the buffer values
  logic signed [31:0] kn_q, kn_d;              // normalization of the buffer
  logic signed [31:0] prev_e_q, prev_e_d;      // normalized result exponent
  logic               a_zero_q, a_zero_d;      // LERP: SRC0 all zero

  // Pass progress and accumulators.
  logic [RIW:0]       iss_q, iss_d;       // next row to issue
  logic [63:0]        or_q, or_d;         // OR of |buf values|
  logic               nzx_q, nzx_d, nzy_q, nzy_d;  // X / Y had a nonzero word

  // Pipeline: stage 1 = read data, 2 = shift/multiply, 3 = sum/buffer write,
  // 4 = magnitude OR. One row (VL lanes) per stage; lmK: lanes below n.
  logic                  v1_q, v1_d, v2_q, v2_d, v3_q, v3_d, v4_q, v4_d;
  logic [RIW-1:0]        idx1_q, idx1_d, idx2_q, idx2_d, idx3_q, idx3_d;
  logic [VL-1:0]         lm1_q, lm1_d, lm2_q, lm2_d;
  logic [VL*32-1:0]      x1_q, x1_d, y1_q, y1_d;
  logic [VL*64-1:0]      a2_q, a2_d, b2_q, b2_d;
  logic [VL*64-1:0]      v4val_q, v4val_d;

  logic               issue, drained;
  assign issue   = (state_q == SPass) && (iss_q != nrows);
  assign drained = (iss_q == nrows) && !(v1_q | v2_q | v3_q | v4_q);

  // Lanes of the issued row holding elements < n: j < n - row * VL.
  logic [IW:0] left;
  assign left = n_i - ((IW+1)'(iss_q) << LV);
  always_comb begin
    for (int j = 0; j < VL; j++) begin
      lm1_d[j] = issue && ((IW+1)'(j) < left);
    end
  end

  // ---------------------------------------------------------------- buffer

  logic               buf_we, buf_re;
  logic [RIW-1:0]     buf_waddr;
  logic [VL*64-1:0]   buf_wdata, buf_rdata;

  vec_buf #(
    .DEPTH (NROW),
    .WIDTH (VL * 64),
    .AW    (RIW)
  ) u_buf (
    .clk_i   (clk_i),
    .we_i    (buf_we),
    .waddr_i (buf_waddr),
    .wdata_i (buf_wdata),
    .re_i    (buf_re),
    .raddr_i (iss_q[RIW-1:0]),
    .rdata_o (buf_rdata)
  );

  assign buf_re = issue & bufrd_q;

  // ---------------------------------------------------------------- ports

  assign rd0_en_o   = issue & use0_q;
  assign rd0_addr_o = {src0_i, iss_q[RIW-1:0]};
  assign rd1_en_o   = (issue & use1_q) | (state_q == SScalRd);
  assign rd1_addr_o = {src1_i, (state_q == SScalRd) ? {RIW{1'b0}} : iss_q[RIW-1:0]};
  assign rd2_en_o   = issue & use2_q;
  assign rd2_addr_o = {src2_i, iss_q[RIW-1:0]};

  // MOVE and write passes put the row out from stage 2.
  assign wr_en_o   = v2_q && (pk_q == PkMove || pk_q == PkWrite);
  assign wr_addr_o = {dst_i, idx2_q};
  assign wr_data_o = x1_q;
  assign wr_mask_o = wr_en_o ? lm2_q : '0;

  assign busy_o  = (state_q != SIdle);
  assign done_o  = (state_q == SDone);
  assign err_o   = (state_q == SDone) & err_q;
  assign dst_e_o = dst_e_q;
  assign dst_n_o = dst_n_q;

  // ---------------------------------------------------------------- datapath

  // The pass's shifts decoded once for all lanes (see norm_shift, align_shift).
  logic       knz, knl, kxz, kxl, kyz, kyl;
  logic [4:0] knls, kxls, kxrs, kyls, kyrs;
  logic [5:0] knrs;
  logic signed [31:0] kn_neg, kx_neg, ky_neg;
  logic       unused_kneg;
  always_comb begin
    kn_neg = -kn_q;
    kx_neg = -kx_q;
    ky_neg = -ky_q;
    knl  = !kn_q[31];
    knz  = knl ? (kn_q > 32'sd31) : (kn_q < -32'sd63);
    knls = kn_q[4:0];
    knrs = kn_neg[5:0];
    kxl  = !kx_q[31];
    kxz  = kxl ? (kx_q > 32'sd31) : (kx_q < -32'sd30);
    kxls = kx_q[4:0];
    kxrs = kx_neg[4:0];
    kyl  = !ky_q[31];
    kyz  = kyl ? (ky_q > 32'sd31) : (ky_q < -32'sd30);
    kyls = ky_q[4:0];
    kyrs = ky_neg[4:0];
  end
  assign unused_kneg = ^{kn_neg[31:6], kx_neg[31:5], ky_neg[31:5]};

  // Per-lane flags of stage 1 and magnitudes of stage 4.
  logic [VL-1:0]    bad_l, nzx_l, nzy_l;
  logic [VL*64-1:0] mag4;

  // The operands of an addition pass are in the domain (|m| <= 2^30, or the
  // operation ends with err_o and its values are never used) and each nonzero
  // one has k <= 31: bfv.c align_exp gives et >= max(ea, eb) - 31 when neither
  // operand counts as zero (the first ADD/SUB pass, LERP's first pass, LERP's
  // last one with both nonzero); when one is known to be zero (a rerun, LERP's
  // last pass) et is the other one's exponent, k = 0 (both zero: every value
  // is 0, whatever k). So align_shift is exact;
  // the simulation checks it against shift64 on every lane (below).
  for (genvar j = 0; j < VL; j++) begin : g_lane
    logic signed [63:0] xs, ys, prod, sum3;
    logic signed [63:0] a2, b2, x1e, y1e;
    logic signed [31:0] norm32, xw, yw, x1, y1;
    logic        [31:0] r0, r1, r2;

    always_comb begin
      // stage 1: the buffer word normalized as the previous pass's result
      // (rw_normalize's shift), the operands (0 in lanes >= n, negated for
      // b - a and a - b: shift(-x) = -shift(x)), the domain checks
      r0     = rd0_data_i[32*j +: 32];
      r1     = rd1_data_i[32*j +: 32];
      r2     = rd2_data_i[32*j +: 32];
      norm32 = norm_shift($signed(buf_rdata[64*j +: 64]), knz, knl, knls, knrs);
      xw     = xbuf_q ? norm32 : $signed(r0);
      unique case (ysel_q)
        YRd1:    yw = $signed(r1);
        YRd2:    yw = $signed(r2);
        YScal:   yw = $signed(scal_q);
        default: yw = norm32;
      endcase
      if (!lm1_q[j]) begin
        xw = 32'sd0;
        yw = 32'sd0;
      end
      if (pk_q == PkRelu) begin
        x1 = (xw > 32'sd0) ? xw : 32'sd0;
        y1 = x1;
      end else begin
        x1 = negx_q ? -xw : xw;
        y1 = negy_q ? -yw : yw;
      end

      // stage 2: alignment shifts (bfv.c widen) or the product; |m| <= 2^30
      // keeps every shift and product below 2^62
      x1e  = 64'($signed(x1_q[32*j +: 32]));
      y1e  = 64'($signed(y1_q[32*j +: 32]));
      xs   = align_shift($signed(x1_q[32*j +: 32]), kxz, kxl, kxls, kxrs);
      ys   = align_shift($signed(y1_q[32*j +: 32]), kyz, kyl, kyls, kyrs);
      prod = x1e * y1e;
      if (pk_q == PkAdd) begin
        a2 = xs;
        b2 = ys;
      end else begin
        a2 = prod;
        b2 = 64'sd0;
      end

      // stage 3: the exact value, into the buffer
      sum3 = $signed(a2_q[64*j +: 64]) + $signed(b2_q[64*j +: 64]);
    end

    assign x1_d[32*j +: 32]      = x1;
    assign y1_d[32*j +: 32]      = y1;
    assign a2_d[64*j +: 64]      = a2;
    assign b2_d[64*j +: 64]      = b2;
    assign buf_wdata[64*j +: 64] = sum3;
    assign v4val_d[64*j +: 64]   = sum3;
    assign bad_l[j] = lm1_q[j] &&
                      ((use0_q && mant_bad(r0)) || (use1_q && mant_bad(r1)) ||
                       (use2_q && mant_bad(r2)));
    assign nzx_l[j] = (xw != 32'sd0);
    assign nzy_l[j] = (yw != 32'sd0);
    // stage 4: magnitude
    assign mag4[64*j +: 64] = rw_num_pkg::mag64($signed(v4val_q[64*j +: 64]));

`ifndef SYNTHESIS
    // align_shift and norm_shift against the package's shift64 (see above);
    // plain if/$error so that it runs without --assert and stops the simulation
    always_ff @(posedge clk_i) begin
      if (rst_ni && v2_q && pk_q == PkAdd) begin
        if (!mant_bad(x1_q[32*j +: 32]) && xs != rw_num_pkg::shift64(x1e, kx_q)) begin
          $error("vec_unit: lane %0d align_shift(%0d, %0d) = %0d", j, x1e, kx_q, xs);
        end
        if (!mant_bad(y1_q[32*j +: 32]) && ys != rw_num_pkg::shift64(y1e, ky_q)) begin
          $error("vec_unit: lane %0d align_shift(%0d, %0d) = %0d", j, y1e, ky_q, ys);
        end
      end
      if (rst_ni && v1_q && bufrd_q &&
          norm32 != 32'(rw_num_pkg::shift64($signed(buf_rdata[64*j +: 64]), kn_q))) begin
        $error("vec_unit: lane %0d norm_shift(%0d, %0d) = %0d", j,
               $signed(buf_rdata[64*j +: 64]), kn_q, norm32);
      end
    end
`endif
  end

  // OR of the row's magnitudes (lanes >= n hold 0).
  logic [63:0] row_or;
  always_comb begin
    row_or = 64'd0;
    for (int j = 0; j < VL; j++) begin
      row_or = row_or | mag4[64*j +: 64];
    end
  end

  logic bad1;
  assign bad1 = v1_q && (pk_q != PkMove) && (|bad_l);

  always_comb begin
    buf_we    = v3_q;
    buf_waddr = idx3_q;

    // pipeline valid bits, row indices and lane masks; only arithmetic passes
    // go past stage 2
    v1_d   = issue;
    idx1_d = iss_q[RIW-1:0];
    v2_d   = v1_q;
    idx2_d = idx1_q;
    lm2_d  = lm1_q;
    v3_d   = v2_q && (pk_q == PkAdd || pk_q == PkMul || pk_q == PkRelu);
    idx3_d = idx2_q;
    v4_d   = v3_q;
  end

  // ---------------------------------------------------------------- pass results

  // At SEnd: the buffer's normalization (rw_normalize) and whether an ADD pass
  // must be rerun with bfv.c's alignment.
  logic [6:0]         blen;
  logic signed [31:0] kn_new, e_new, et_redo;
  logic               z_new, za, zb, redo;

  always_comb begin
    blen    = rw_num_pkg::bitlen64(or_q);
    kn_new  = 32'sd30 - $signed({25'd0, blen});
    z_new   = (or_q == 64'd0);
    e_new   = z_new ? 32'sd0 : rese_q - kn_new;
    za      = !nzx_q;
    zb      = !nzy_q;
    // exactly one all-zero operand, and the other one was rounded
    redo    = (pk_q == PkAdd) && (za != zb) && (za ? ky_q[31] : kx_q[31]);
    et_redo = za ? ey_q : ex_q;
  end

  // ---------------------------------------------------------------- next pass

  // Configuration of pass nstep: 0 from the start, step_q + 1 from SEnd.
  logic [1:0]         nstep;
  pass_e              n_pk;
  logic               n_xbuf, n_negx, n_negy, n_use0, n_use1, n_use2, n_zx, n_zy;
  logic [1:0]         n_ysel;
  logic signed [31:0] n_ex, n_ey, n_et;

  always_comb begin
    nstep  = (state_q == SEnd) ? step_q + 2'd1 : 2'd0;
    n_pk   = PkWrite;
    n_xbuf = 1'b1;
    n_ysel = YRd1;
    n_negx = 1'b0;
    n_negy = 1'b0;
    n_use0 = 1'b0;
    n_use1 = 1'b0;
    n_use2 = 1'b0;
    n_ex   = src0_e_i;
    n_ey   = src1_e_i;
    n_zx   = 1'b0;  // first ADD pass: assume neither operand is all zero
    n_zy   = 1'b0;
    if (op_move) begin
      n_pk   = PkMove;
      n_xbuf = 1'b0;
      n_use0 = 1'b1;
    end else if ((op_add | op_sub) && nstep == 2'd0) begin
      n_pk   = PkAdd;
      n_xbuf = 1'b0;
      n_ysel = scalar_b ? YScal : YRd1;
      n_negy = op_sub;
      n_use0 = 1'b1;
      n_use1 = !scalar_b;
    end else if (op_mul && nstep == 2'd0) begin
      n_pk   = PkMul;
      n_xbuf = 1'b0;
      n_use0 = 1'b1;
      n_use1 = 1'b1;
    end else if (op_relu && nstep == 2'd0) begin
      n_pk   = PkRelu;
      n_xbuf = 1'b0;
      n_use0 = 1'b1;
      n_ey   = src0_e_i;  // rese = 2 ea
    end else if (op_lerp && nstep == 2'd0) begin
      // y = b - a
      n_pk   = PkAdd;
      n_xbuf = 1'b0;
      n_negx = 1'b1;
      n_use0 = 1'b1;
      n_use1 = 1'b1;
    end else if (op_lerp && nstep == 2'd1) begin
      // y = y * t; y's exponent is the one just computed
      n_pk   = PkMul;
      n_xbuf = 1'b1;
      n_ysel = YRd2;
      n_use2 = 1'b1;
      n_ex   = e_new;
      n_ey   = src2_e_i;
    end else if (op_lerp && nstep == 2'd2) begin
      // y = a + y, both zero flags known exactly
      n_pk   = PkAdd;
      n_xbuf = 1'b0;
      n_ysel = YBuf;
      n_use0 = 1'b1;
      n_ey   = e_new;
      n_zx   = a_zero_q;
      n_zy   = z_new;
    end
    n_et = align_exp(n_ex, n_ey, n_zx, n_zy);
  end

  // ---------------------------------------------------------------- control

  always_comb begin
    state_d  = state_q;
    step_d   = step_q;
    err_d    = err_q | bad1;
    dst_e_d  = dst_e_q;
    dst_n_d  = dst_n_q;
    scal_d   = scal_q;
    pk_d     = pk_q;
    xbuf_d   = xbuf_q;
    ysel_d   = ysel_q;
    negx_d   = negx_q;
    negy_d   = negy_q;
    use0_d   = use0_q;
    use1_d   = use1_q;
    use2_d   = use2_q;
    bufrd_d  = bufrd_q;
    ex_d     = ex_q;
    ey_d     = ey_q;
    kx_d     = kx_q;
    ky_d     = ky_q;
    rese_d   = rese_q;
    kn_d     = kn_q;
    prev_e_d = prev_e_q;
    a_zero_d = a_zero_q;
    iss_d    = issue ? iss_q + (RIW+1)'(1) : iss_q;
    or_d     = v4_q ? (or_q | row_or) : or_q;
    nzx_d    = nzx_q | (v1_q && (|nzx_l));
    nzy_d    = nzy_q | (v1_q && (|nzy_l));

    // Start the pass nstep (configured by the block above).
    //   start_pass: from SIdle/SScalCap (nstep 0) or SEnd (next step)
    //   rerun:      the same ADD pass with bfv.c's alignment
    unique case (state_q)
      SIdle: begin
        if (start_i) begin
          err_d   = 1'b0;
          dst_n_d = n_i;
          if (start_bad) begin
            err_d   = 1'b1;
            state_d = SDone;
          end else if (scalar_b) begin
            state_d = SScalRd;
          end else begin
            state_d = SPass;
          end
        end
      end
      SScalRd: state_d = SScalCap;
      SScalCap: begin
        // SRC1's element 0: lane 0 of its row 0
        scal_d = rd1_data_i[31:0];
        if (mant_bad(rd1_data_i[31:0])) begin
          err_d   = 1'b1;
          state_d = SDone;
        end else begin
          state_d = SPass;
        end
      end
      SPass: if (drained) state_d = SEnd;
      SEnd: begin
        if (err_q) begin
          state_d = SDone;  // a source outside the domain: write nothing
        end else if (pk_q == PkMove) begin
          dst_e_d = src0_e_i;
          state_d = SDone;
        end else if (pk_q == PkWrite) begin
          dst_e_d = prev_e_q;
          state_d = SDone;
        end else if (redo) begin
          kx_d    = ex_q - et_redo;
          ky_d    = ey_q - et_redo;
          rese_d  = et_redo;
          iss_d   = '0;
          or_d    = '0;
          nzx_d   = 1'b0;
          nzy_d   = 1'b0;
          state_d = SPass;
        end else begin
          kn_d     = kn_new;
          prev_e_d = e_new;
          if (step_q == 2'd0) a_zero_d = za;  // LERP: X of the sub pass is a
          state_d  = SPass;
        end
      end
      SDone:   state_d = SIdle;
      default: state_d = SIdle;
    endcase

    // Entering SPass from anywhere but SPass itself or a rerun: a new pass.
    if (state_d == SPass && state_q != SPass && !(state_q == SEnd && redo)) begin
      step_d  = nstep;
      pk_d    = n_pk;
      xbuf_d  = n_xbuf;
      ysel_d  = n_ysel;
      negx_d  = n_negx;
      negy_d  = n_negy;
      use0_d  = n_use0;
      use1_d  = n_use1;
      use2_d  = n_use2;
      bufrd_d = n_xbuf | (n_ysel == YBuf);
      ex_d    = n_ex;
      ey_d    = n_ey;
      kx_d    = n_ex - n_et;
      ky_d    = n_ey - n_et;
      rese_d  = (n_pk == PkAdd) ? n_et : n_ex + n_ey;
      iss_d   = '0;
      or_d    = '0;
      nzx_d   = 1'b0;
      nzy_d   = 1'b0;
    end
  end

  // ---------------------------------------------------------------- flops

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q  <= SIdle;
      step_q   <= 2'd0;
      err_q    <= 1'b0;
      dst_e_q  <= 32'sd0;
      dst_n_q  <= '0;
      pk_q     <= PkMove;
      iss_q    <= '0;
      v1_q     <= 1'b0;
      v2_q     <= 1'b0;
      v3_q     <= 1'b0;
      v4_q     <= 1'b0;
    end else begin
      state_q  <= state_d;
      step_q   <= step_d;
      err_q    <= err_d;
      dst_e_q  <= dst_e_d;
      dst_n_q  <= dst_n_d;
      pk_q     <= pk_d;
      iss_q    <= iss_d;
      v1_q     <= v1_d;
      v2_q     <= v2_d;
      v3_q     <= v3_d;
      v4_q     <= v4_d;
    end
  end

  // Configuration, accumulators and pipeline data: qualified by state and the
  // valid bits, so they need no reset.
  always_ff @(posedge clk_i) begin
    scal_q   <= scal_d;
    xbuf_q   <= xbuf_d;
    ysel_q   <= ysel_d;
    negx_q   <= negx_d;
    negy_q   <= negy_d;
    use0_q   <= use0_d;
    use1_q   <= use1_d;
    use2_q   <= use2_d;
    bufrd_q  <= bufrd_d;
    ex_q     <= ex_d;
    ey_q     <= ey_d;
    kx_q     <= kx_d;
    ky_q     <= ky_d;
    rese_q   <= rese_d;
    kn_q     <= kn_d;
    prev_e_q <= prev_e_d;
    a_zero_q <= a_zero_d;
    or_q     <= or_d;
    nzx_q    <= nzx_d;
    nzy_q    <= nzy_d;
    idx1_q   <= idx1_d;
    idx2_q   <= idx2_d;
    idx3_q   <= idx3_d;
    lm1_q    <= lm1_d;
    lm2_q    <= lm2_d;
    x1_q     <= x1_d;
    y1_q     <= y1_d;
    a2_q     <= a2_d;
    b2_q     <= b2_d;
    v4val_q  <= v4val_d;
  end

endmodule
