// bonus7.sv - BONUS7, RWKV-7's bonus term, bit-exact with rw_bonus7
// (cmodel/golden/wkv7.c) and card.c op_bonus7:
//   t = mul(mul(r, k), r_k)          over all n (two normalizations)
//   per head h: s = sum(t[h]) (normalized scalar), o = mul_scalar(v[h], s)
//   DST = normalize_each of the heads (wkv_merge)
// with SRC0 r, SRC1 k, SRC2 r_k, SRC3 v, IMM heads, head size n / IMM.
// Checks (card.c): every source's length is n and it lies in the domain
// |m| <= 2^30, |e| <= 2^24; heads_ok (wkv_hdiv). On a violation: err_o with
// done_o and nothing written.
//
// Passes, one element per cycle, pipelined (VRF word one cycle after the read):
//   P1  read r, k, r_k, v: domain checks, OR of |r k|        -> k1, e1
//   P2  read r, k, r_k: t1 = shift(r k, k1), OR of |t1 r_k|   -> k2, e2
//   per head: P3 read r, k, r_k, v over the head: sum of shift(t1 r_k, k2),
//             max |v| -> s = normalize(sum); the head's shift from
//             bitlen(max|v| |s|) (= bitlen of the largest |v s|);
//             P4 read v: shift(v s, k3) staged in wkv_merge
//   output pass of wkv_merge into DST.
// Cycles: about 4 n + 9 H + 30. Not here: the sequencer's register-number
// checks; the unit takes its operands held stable from start_i to done_o.

`include "rwkvacc_hw.svh"

module bonus7 #(
  parameter int unsigned VREG_WORDS = rwkvacc_hw_pkg::CFG_VREG_WORDS,
  parameter int unsigned MAXN       = rwkvacc_hw_pkg::CFG_MAX_HEAD_SIZE,
  parameter int unsigned IW         = $clog2(VREG_WORDS)  // element index bits
) (
  input  logic               clk_i,
  input  logic               rst_ni,

  input  logic               start_i,
  output logic               busy_o,
  output logic               done_o,
  output logic               err_o,
  input  logic [IW:0]        n_i,
  input  logic [15:0]        imm_i,
  input  logic [4:0]         src0_i,
  input  logic [4:0]         src1_i,
  input  logic [4:0]         src2_i,
  input  logic [4:0]         src3_i,
  input  logic [4:0]         dst_i,
  input  logic signed [31:0] src0_e_i,
  input  logic signed [31:0] src1_e_i,
  input  logic signed [31:0] src2_e_i,
  input  logic signed [31:0] src3_e_i,
  input  logic [IW:0]        src0_n_i,
  input  logic [IW:0]        src1_n_i,
  input  logic [IW:0]        src2_n_i,
  input  logic [IW:0]        src3_n_i,
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
  output logic               rd3_en_o,
  output logic [IW+4:0]      rd3_addr_o,
  input  logic [31:0]        rd3_data_i,

  output logic               wr_en_o,
  output logic [IW+4:0]      wr_addr_o,
  output logic [31:0]        wr_data_o
);

  localparam int unsigned HSW = $clog2(MAXN + 1);
  localparam logic signed [31:0] MantMax = 32'sd1073741824;  // 2^30 (card.c MANT_MAX)
  localparam logic signed [31:0] ExpMax  = 32'sd16777216;    // 2^24 (RW_CARD_EXP_MAX)

  function automatic logic mant_bad(input logic [31:0] w);
    mant_bad = ($signed(w) > MantMax) || ($signed(w) < -MantMax);
  endfunction

  function automatic logic exp_bad(input logic signed [31:0] e);
    exp_bad = (e > ExpMax) || (e < -ExpMax);
  endfunction

  // 30 - bitlen(v): rw_normalize's shift for a largest magnitude v.
  function automatic logic signed [31:0] norm_k(input logic [63:0] v);
    norm_k = 32'sd30 - $signed({25'd0, rw_num_pkg::bitlen64(v)});
  endfunction

  // |v| of a 32-bit word.
  function automatic logic [31:0] mag32(input logic [31:0] v);
    mag32 = v[31] ? 32'(-v) : v;
  endfunction

  typedef enum logic [3:0] {
    SIdle, SDiv, SP1, SP2, SP3, SSet1, SSet2, SP4, SCommit, SOut, SDone
  } state_e;

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

  logic start_bad;
  assign start_bad = exp_bad(src0_e_i) || exp_bad(src1_e_i) || exp_bad(src2_e_i) ||
                     exp_bad(src3_e_i) || (src0_n_i != n_i) || (src1_n_i != n_i) ||
                     (src2_n_i != n_i) || (src3_n_i != n_i);

  // ---------------------------------------------------------------- state
  state_e             state_q, state_d;
  logic               err_q, err_d;
  logic signed [31:0] dst_e_q, dst_e_d;
  logic [IW:0]        iss_q, iss_d;       // next element to read (absolute)
  logic [IW:0]        end_q, end_d;       // one past the last element of the pass
  logic [IW-1:0]      head_q, head_d;     // current head
  logic [IW:0]        off_q, off_d;       // its first element
  logic signed [31:0] k1_q, k1_d, e1_q, e1_d;   // t1 = mul(r, k)
  logic signed [31:0] k2_q, k2_d, e2_q, e2_d;   // t2 = mul(t1, r_k)
  logic signed [31:0] k3_q, k3_d, eo_q, eo_d;   // the head's o = mul_scalar(v, s)
  logic signed [31:0] sm_q, sm_d, es_q, es_d;   // s: normalized mantissa, exponent
  logic [63:0]        or_q, or_d;         // OR of magnitudes (P1, P2)
  logic signed [63:0] sum_q, sum_d;       // P3: exact sum of the head's t2
  logic [31:0]        maxv_q, maxv_d;     // P3: max |v| of the head

  // Pipeline: 1 = VRF words, 2 = r k, 3 = t1, 4 = t1 r_k / v s, 5 = reduced.
  logic               v1_q, v2_q, v3_q, v4_q;
  logic [IW-1:0]      i2_q, i3_q;
  logic signed [63:0] p2_q, p4_q;
  logic signed [31:0] rk2_q, rk3_q, t3_q;
  logic signed [63:0] p2_d, p4_d, t2w, ow;
  logic signed [31:0] t3_d;

  logic issue, drained, in_p4;
  assign issue   = (state_q == SP1 || state_q == SP2 || state_q == SP3 || state_q == SP4) &&
                   (iss_q != end_q);
  assign drained = (iss_q == end_q) && !(v1_q | v2_q | v3_q | v4_q);
  assign in_p4   = (state_q == SP4);

  // ---------------------------------------------------------------- ports
  logic use_rk;
  assign use_rk = issue && !in_p4;
  assign rd0_en_o   = use_rk;
  assign rd0_addr_o = {src0_i, iss_q[IW-1:0]};
  assign rd1_en_o   = use_rk;
  assign rd1_addr_o = {src1_i, iss_q[IW-1:0]};
  assign rd2_en_o   = use_rk;
  assign rd2_addr_o = {src2_i, iss_q[IW-1:0]};
  assign rd3_en_o   = issue && (state_q != SP2);
  assign rd3_addr_o = {src3_i, iss_q[IW-1:0]};

  assign busy_o  = (state_q != SIdle);
  assign done_o  = (state_q == SDone);
  assign err_o   = (state_q == SDone) & err_q;
  assign dst_e_o = dst_e_q;
  assign dst_n_o = n_i;

  // ---------------------------------------------------------------- merge
  logic          mg_st_we, mg_hd_we, mg_out_start, mg_out_done;
  logic signed [31:0] mg_e;

  wkv_merge #(.VREG_WORDS(VREG_WORDS), .IW(IW), .HSW(HSW)) u_merge (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .clear_i     (start_i),
    .st_we_i     (mg_st_we),
    .st_idx_i    (i3_q),
    .st_m_i      (ow[31:0]),
    .hd_we_i     (mg_hd_we),
    .hd_idx_i    (head_q),
    .hd_e_i      (eo_q),
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

  // ---------------------------------------------------------------- datapath
  // Stage 1 (VRF words): P1 checks and r k; P4 v s. Stage 2: t1 = shift(r k, k1)
  // (|t1| <= 2^30). Stage 3: t1 r_k. Stage 4: P3's t2 = shift(t1 r_k, k2);
  // P4's o = shift(v s, k3) is staged from stage 2 (i3_q is its index).
  logic bad1;
  logic unused_hi;
  always_comb begin
    bad1 = v1_q && (state_q == SP1) &&
           (mant_bad(rd0_data_i) || mant_bad(rd1_data_i) || mant_bad(rd2_data_i) ||
            mant_bad(rd3_data_i));
    p2_d = in_p4 ? 64'($signed(rd3_data_i)) * 64'(sm_q)
                 : 64'($signed(rd0_data_i)) * 64'($signed(rd1_data_i));
    t3_d = 32'(rw_num_pkg::shift64(p2_q, k1_q));
    p4_d = 64'(t3_q) * 64'(rk3_q);
    t2w  = rw_num_pkg::shift64(p4_q, k2_q);
    ow   = rw_num_pkg::shift64(p2_q, k3_q);
    unused_hi = ^{t2w[63:32], ow[63:32]};
    mg_st_we = v2_q && in_p4;
  end

  // ---------------------------------------------------------------- control
  logic [63:0] maxvs;
  assign maxvs = 64'(maxv_q) * 64'(mag32(sm_q));

  always_comb begin
    state_d      = state_q;
    err_d        = err_q | bad1;
    dst_e_d      = dst_e_q;
    iss_d        = issue ? iss_q + (IW+1)'(1) : iss_q;
    end_d        = end_q;
    head_d       = head_q;
    off_d        = off_q;
    k1_d         = k1_q;
    e1_d         = e1_q;
    k2_d         = k2_q;
    e2_d         = e2_q;
    k3_d         = k3_q;
    eo_d         = eo_q;
    sm_d         = sm_q;
    es_d         = es_q;
    or_d         = or_q;
    sum_d        = sum_q;
    maxv_d       = maxv_q;
    div_start    = 1'b0;
    mg_hd_we     = 1'b0;
    mg_out_start = 1'b0;

    // reductions
    if (v2_q && state_q == SP1) or_d = or_q | rw_num_pkg::mag64(p2_q);
    if (v4_q && state_q == SP2) or_d = or_q | rw_num_pkg::mag64(p4_q);
    if (v4_q && state_q == SP3) sum_d = sum_q + t2w;
    if (v1_q && state_q == SP3 && mag32(rd3_data_i) > maxv_q) maxv_d = mag32(rd3_data_i);

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
            iss_d   = '0;
            end_d   = n_i;
            or_d    = '0;
            state_d = SP1;
          end
        end
      end
      SP1: begin
        if (drained) begin
          if (err_q) begin
            state_d = SDone;
          end else begin
            k1_d    = norm_k(or_q);
            e1_d    = (or_q == 64'd0) ? 32'sd0 : src0_e_i + src1_e_i - norm_k(or_q);
            iss_d   = '0;
            or_d    = '0;
            state_d = SP2;
          end
        end
      end
      SP2: begin
        if (drained) begin
          k2_d    = norm_k(or_q);
          e2_d    = (or_q == 64'd0) ? 32'sd0 : e1_q + src2_e_i - norm_k(or_q);
          head_d  = '0;
          off_d   = '0;
          iss_d   = '0;
          end_d   = (IW+1)'(hs);
          sum_d   = '0;
          maxv_d  = '0;
          state_d = SP3;
        end
      end
      SP3: if (drained) state_d = SSet1;
      SSet1: begin
        // s = rw_sum: normalize the exact sum at t2's exponent
        sm_d    = 32'(rw_num_pkg::shift64(sum_q, norm_k(rw_num_pkg::mag64(sum_q))));
        es_d    = (sum_q == 64'sd0) ? 32'sd0 : e2_q - norm_k(rw_num_pkg::mag64(sum_q));
        state_d = SSet2;
      end
      SSet2: begin
        // o = mul_scalar(v, s): bitlen of the largest |v s| = bitlen(max|v| |s|)
        k3_d    = norm_k(maxvs);
        eo_d    = (maxvs == 64'd0) ? 32'sd0 : src3_e_i + es_q - norm_k(maxvs);
        iss_d   = off_q;
        state_d = SP4;
      end
      SP4: if (drained) state_d = SCommit;
      SCommit: begin
        mg_hd_we = 1'b1;
        head_d   = head_q + IW'(1);
        off_d    = off_q + (IW+1)'(hs);
        iss_d    = off_q + (IW+1)'(hs);
        end_d    = end_q + (IW+1)'(hs);
        sum_d    = '0;
        maxv_d   = '0;
        if (end_q == n_i) begin
          mg_out_start = 1'b1;
          state_d      = SOut;
        end else begin
          state_d = SP3;
        end
      end
      SOut: begin
        if (mg_out_done) begin
          dst_e_d = mg_e;
          state_d = SDone;
        end
      end
      SDone:   state_d = SIdle;
      default: state_d = SIdle;
    endcase
  end

  // ---------------------------------------------------------------- flops
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= SIdle;
      err_q   <= 1'b0;
      dst_e_q <= 32'sd0;
      v1_q    <= 1'b0;
      v2_q    <= 1'b0;
      v3_q    <= 1'b0;
      v4_q    <= 1'b0;
    end else begin
      state_q <= state_d;
      err_q   <= err_d;
      dst_e_q <= dst_e_d;
      v1_q    <= issue;
      v2_q    <= v1_q;
      v3_q    <= v2_q && !in_p4;
      v4_q    <= v3_q;
    end
  end

  // Datapath and configuration registers, qualified by state and valid bits.
  always_ff @(posedge clk_i) begin
    iss_q  <= iss_d;
    end_q  <= end_d;
    head_q <= head_d;
    off_q  <= off_d;
    k1_q   <= k1_d;
    e1_q   <= e1_d;
    k2_q   <= k2_d;
    e2_q   <= e2_d;
    k3_q   <= k3_d;
    eo_q   <= eo_d;
    sm_q   <= sm_d;
    es_q   <= es_d;
    or_q   <= or_d;
    sum_q  <= sum_d;
    maxv_q <= maxv_d;
    i2_q   <= iss_q[IW-1:0];  // index of stage 1 (issued last cycle)
    i3_q   <= i2_q;           // index of stage 2
    p2_q   <= p2_d;
    rk2_q  <= $signed(rd2_data_i);
    rk3_q  <= rk2_q;
    t3_q   <= t3_d;
    p4_q   <= p4_d;
  end

endmodule
