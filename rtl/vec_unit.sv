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
// How: one element per cycle per pass through a 4-stage pipeline.
//   arithmetic pass: read the sources (and/or the buffer), compute the exact
//     int64 values of the operation into vec_buf, OR their magnitudes
//     (bitlen of the OR = bitlen of the maximum, as rw_normalize);
//   write pass: read vec_buf, shift each by k = 30 - B (RNE) into DST.
// ADD/SUB/MUL/RELU_SQ: 2 passes. LERP: sub, mul, add, write = 4 passes; the
// intermediate normalized vectors are never stored: the next pass normalizes
// the buffer word as it reads it (same shift64 as the write pass), then
// overwrites it in place. MOVE: one streaming pass (each word is written after
// it was read, 1 cycle per element).
// ADD/SUB alignment (bfv.c align_exp) needs to know whether an operand is all
// zero, which is only known after reading it. The first pass assumes neither
// is; if one turns out to be all zero and the other one was shifted right (so
// rounded), the pass is run again with the exponent bfv.c would have used.
// If the other one was shifted left the values are that operand times 2^j,
// exact, and normalize gives the same words and exponent, so no rerun.
//
// Ports and protocol: docs/rtl.md "Unit interface". Operands are held stable
// by the sequencer from start_i to done_o, so they are used directly.

`include "rwkvacc_hw.svh"

module vec_unit #(
  parameter int unsigned VREG_WORDS = rwkvacc_hw_pkg::CFG_VREG_WORDS,
  parameter int unsigned IW         = $clog2(VREG_WORDS)  // element index bits
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
  output logic [IW+4:0]      rd0_addr_o,
  input  logic [31:0]        rd0_data_i,
  output logic               rd1_en_o,
  output logic [IW+4:0]      rd1_addr_o,
  input  logic [31:0]        rd1_data_i,
  output logic               rd2_en_o,
  output logic [IW+4:0]      rd2_addr_o,
  input  logic [31:0]        rd2_data_i,

  output logic               wr_en_o,
  output logic [IW+4:0]      wr_addr_o,
  output logic [31:0]        wr_data_o
);

  // ---------------------------------------------------------------- constants

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
  logic [IW:0]        iss_q, iss_d;       // next element to issue
  logic [63:0]        or_q, or_d;         // OR of |buf values|
  logic               nzx_q, nzx_d, nzy_q, nzy_d;  // X / Y had a nonzero word

  // Pipeline: stage 1 = read data, 2 = shift/multiply, 3 = sum/buffer write,
  // 4 = magnitude OR.
  logic               v1_q, v1_d, v2_q, v2_d, v3_q, v3_d, v4_q, v4_d;
  logic [IW-1:0]      idx1_q, idx1_d, idx2_q, idx2_d, idx3_q, idx3_d;
  logic signed [31:0] x1_q, x1_d, y1_q, y1_d;
  logic signed [63:0] a2_q, a2_d, b2_q, b2_d;
  logic signed [63:0] v4val_q, v4val_d;

  logic               issue, drained;
  assign issue   = (state_q == SPass) && (iss_q != n_i);
  assign drained = (iss_q == n_i) && !(v1_q | v2_q | v3_q | v4_q);

  // ---------------------------------------------------------------- buffer

  logic               buf_we, buf_re;
  logic [IW-1:0]      buf_waddr;
  logic [63:0]        buf_wdata, buf_rdata;

  vec_buf #(
    .DEPTH (VREG_WORDS),
    .WIDTH (64),
    .AW    (IW)
  ) u_buf (
    .clk_i   (clk_i),
    .we_i    (buf_we),
    .waddr_i (buf_waddr),
    .wdata_i (buf_wdata),
    .re_i    (buf_re),
    .raddr_i (iss_q[IW-1:0]),
    .rdata_o (buf_rdata)
  );

  assign buf_re = issue & bufrd_q;

  // ---------------------------------------------------------------- ports

  assign rd0_en_o   = issue & use0_q;
  assign rd0_addr_o = {src0_i, iss_q[IW-1:0]};
  assign rd1_en_o   = (issue & use1_q) | (state_q == SScalRd);
  assign rd1_addr_o = {src1_i, (state_q == SScalRd) ? {IW{1'b0}} : iss_q[IW-1:0]};
  assign rd2_en_o   = issue & use2_q;
  assign rd2_addr_o = {src2_i, iss_q[IW-1:0]};

  // MOVE and write passes put the word out from stage 2.
  assign wr_en_o   = v2_q && (pk_q == PkMove || pk_q == PkWrite);
  assign wr_addr_o = {dst_i, idx2_q};
  assign wr_data_o = x1_q;

  assign busy_o  = (state_q != SIdle);
  assign done_o  = (state_q == SDone);
  assign err_o   = (state_q == SDone) & err_q;
  assign dst_e_o = dst_e_q;
  assign dst_n_o = dst_n_q;

  // ---------------------------------------------------------------- datapath

  logic signed [63:0] norm64, xs, ys, prod, sum3;
  logic signed [31:0] norm32, xw, yw;
  logic               bad1;
  logic               unused_norm_hi;  // the words fit 31 bits (normalized)

  always_comb begin
    // stage 1: the buffer word normalized as the previous pass's result
    // (rw_normalize's shift), the operands, the domain checks
    norm64 = rw_num_pkg::shift64($signed(buf_rdata), kn_q);
    norm32 = norm64[31:0];
    unused_norm_hi = ^norm64[63:32];
    xw = xbuf_q ? norm32 : $signed(rd0_data_i);
    unique case (ysel_q)
      YRd1:    yw = $signed(rd1_data_i);
      YRd2:    yw = $signed(rd2_data_i);
      YScal:   yw = $signed(scal_q);
      default: yw = norm32;
    endcase
    if (pk_q == PkRelu) begin
      x1_d = (xw > 32'sd0) ? xw : 32'sd0;
      y1_d = x1_d;
    end else begin
      x1_d = xw;
      y1_d = yw;
    end
    bad1 = v1_q && (pk_q != PkMove) &&
           ((use0_q && mant_bad(rd0_data_i)) || (use1_q && mant_bad(rd1_data_i)) ||
            (use2_q && mant_bad(rd2_data_i)));

    // stage 2: alignment shifts (bfv.c widen) or the product; |m| <= 2^30 keeps
    // every shift and product below 2^62
    xs   = rw_num_pkg::shift64(64'(x1_q), kx_q);
    ys   = rw_num_pkg::shift64(64'(y1_q), ky_q);
    prod = 64'(x1_q) * 64'(y1_q);
    if (pk_q == PkAdd) begin
      a2_d = negx_q ? -xs : xs;
      b2_d = negy_q ? -ys : ys;
    end else begin
      a2_d = prod;
      b2_d = 64'sd0;
    end

    // stage 3: the exact value, into the buffer
    sum3      = a2_q + b2_q;
    buf_we    = v3_q;
    buf_waddr = idx3_q;
    buf_wdata = sum3;
    v4val_d   = sum3;

    // pipeline valid bits and indices; only arithmetic passes go past stage 2
    v1_d   = issue;
    idx1_d = iss_q[IW-1:0];
    v2_d   = v1_q;
    idx2_d = idx1_q;
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
    iss_d    = issue ? iss_q + (IW+1)'(1) : iss_q;
    or_d     = v4_q ? (or_q | rw_num_pkg::mag64(v4val_q)) : or_q;
    nzx_d    = nzx_q | (v1_q && xw != 32'sd0);
    nzy_d    = nzy_q | (v1_q && yw != 32'sd0);

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
        scal_d = rd1_data_i;
        if (mant_bad(rd1_data_i)) begin
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
    x1_q     <= x1_d;
    y1_q     <= y1_d;
    a2_q     <= a2_d;
    b2_q     <= b2_d;
    v4val_q  <= v4val_d;
  end

endmodule
