// wkv4_pipe.sv - the element datapath of the RWKV-4 WKV unit (wkv4.sv): for one
// channel per cycle, everything rw_wkv4 (cmodel/golden/wkv4.c, docs/numerics.md
// section 7) computes from k, v, decay, first and the state aa, bb, pp, through a
// fixed 13-stage pipeline with no stalls.
//
// Every block-floating operation of rw_wkv4 normalizes over the whole vector, so
// the unit streams the channels five times (pass_i 1..5) and this pipeline
// recomputes each element from its inputs every pass; what a pass adds is one
// level of vector-wide reductions, turned into scalars between passes (scal_i):
//   pass 1: bit lengths of the six products e1*aa, e2*v, e1*bb, e1'*aa, e2'*v,
//           e1'*bb and whether e2, e2' are all zero; k and v in the domain
//           -> the products' exponents and the alignments of the four additions
//   pass 2: bit lengths of the four aligned sums num, den, aa', bb'
//           -> their exponents
//   pass 3: den normalized: a zero element (rw_wkv4_defined fails); its
//           reciprocal's max(bitlen(tmp) + etmp) of rw_normalize_each
//           -> the reciprocal vector's exponent
//   pass 4: bit length of num * recip(den) -> the output's exponent
//   pass 5: results: out, aa', bb', pp' per element (res_*_o).
// e1, e2 (and e1', e2' of the state update) come from one exp lookup each: of a
// pair exp(x - p), exp(y - p) with p = max(x, y), one is exp(0) = 2^30 exactly.
// Not the sequencing, memory streams or state buffering (wkv4.sv), and no
// element-wise check of the state (wkv4.sv checks it as it arrives).
module wkv4_pipe #(
  parameter int unsigned IW = 12   // element index bits
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               clr_i,     // an instruction starts: clear reductions and flags
  input  logic [2:0]         pass_i,    // 1..5, constant from a pass's first element to its scalars
  input  logic               scal_i,    // held >= 4 cycles after pass_i drained: its scalars
  // exponents of k, v and of the state's aa, bb (constant during the instruction)
  input  logic signed [31:0] k_e_i,
  input  logic signed [31:0] v_e_i,
  input  logic signed [31:0] aa_e_i,
  input  logic signed [31:0] bb_e_i,
  // one channel: k, v mantissas, decay and first (raw Q15.16), the state's words
  input  logic               vld_i,
  input  logic [IW-1:0]      idx_i,
  input  logic signed [31:0] k_i,
  input  logic signed [31:0] v_i,
  input  logic signed [31:0] decay_i,
  input  logic signed [31:0] first_i,
  input  logic signed [31:0] aa_i,
  input  logic signed [31:0] bb_i,
  input  logic signed [31:0] pp_i,
  output logic               idle_o,      // no element in the pipeline
  output logic               kv_bad_o,    // pass 1 saw |k| or |v| > 2^30
  output logic               den_zero_o,  // pass 3 saw a zero denominator
  // pass 5: one channel's results, 13 cycles after its inputs
  output logic               res_vld_o,
  output logic [IW-1:0]      res_idx_o,
  output logic signed [31:0] res_out_o,
  output logic signed [31:0] res_aa_o,
  output logic signed [31:0] res_bb_o,
  output logic signed [31:0] res_pp_o,
  // exponents of the results: out (after pass 4), aa' and bb' (after pass 2)
  output logic signed [31:0] out_e_o,
  output logic signed [31:0] aa_e_o,
  output logic signed [31:0] bb_e_o
);
  localparam int unsigned NS = 13;                       // stages
  localparam logic signed [31:0] LogMax  = 32'sd268435456;  // RW_LOG_MAX, 2^28
  localparam logic signed [31:0] MantMax = 32'sd1073741824; // 2^30
  localparam logic        [31:0] One     = 32'h4000_0000;   // exp(0) = T[N] in Q1.30

  // ---------------------------------------------------------------- functions

  function automatic logic signed [63:0] sx64(input logic signed [31:0] x);
    sx64 = $signed({{32{x[31]}}, x});
  endfunction

  // clamp_log of wkv4.c: +-2^28
  function automatic logic signed [31:0] clamp_log(input logic signed [63:0] x);
    if (x > sx64(LogMax)) clamp_log = LogMax;
    else if (x < -sx64(LogMax)) clamp_log = -LogMax;
    else clamp_log = 32'(x);
  endfunction

  // to_q16 of wkv4.c for one element: m * 2^e in Q15.16, clamped to +-2^28.
  // Beyond 30 bits (sh > 0) C saturates to +-(2^28 + 1), which the clamp makes
  // +-2^28; otherwise rw_shift(m, sh), exact to the left, RNE to the right.
  function automatic logic signed [31:0] to_q16(input logic signed [31:0] m,
                                                input logic signed [31:0] e);
    logic signed [33:0] sh;
    logic [6:0]         len;
    logic signed [31:0] k;
    sh  = $signed({{2{e[31]}}, e}) + 34'sd16;
    len = rw_num_pkg::bitlen64(rw_num_pkg::mag64(sx64(m)));
    // shift amounts beyond +-64 act as 63 / -64 (the result is 0 or saturated)
    k   = (sh > 34'sd63) ? 32'sd63 : (sh < -34'sd64) ? -32'sd64 : 32'(sh);
    if (m != 32'sd0 && sh > 34'sd0 && sh + $signed({27'd0, len}) > 34'sd30) begin
      to_q16 = m[31] ? -LogMax : LogMax;
    end else begin
      to_q16 = clamp_log(rw_num_pkg::shift64(sx64(m), k));
    end
  endfunction

  // One element of rw_normalize for a vector of bit length b (|v| < 2^b):
  // shift(v, 30 - b); b = 0 means the zero vector.
  function automatic logic signed [31:0] norm30(input logic signed [63:0] v,
                                                input logic [6:0] b);
    norm30 = 32'(rw_num_pkg::shift64(v, 32'sd30 - $signed({25'd0, b})));
  endfunction

  // rw_normalize's exponent: e - (30 - b), or 0 for the zero vector (b = 0).
  function automatic logic signed [31:0] norm_e(input logic signed [31:0] e,
                                                input logic [6:0] b);
    norm_e = (b == 7'd0) ? 32'sd0 : e - 32'sd30 + $signed({25'd0, b});
  endfunction

  // align_exp of bfv.c: the smaller exponent, at most 31 below the larger; an
  // all-zero operand (za, zb) does not count.
  function automatic logic signed [31:0] align_t(input logic signed [31:0] ea_i,
                                                 input logic za,
                                                 input logic signed [31:0] eb_i,
                                                 input logic zb);
    logic signed [31:0] ea, eb, hi, lo;
    ea = za ? eb_i : ea_i;
    eb = zb ? ea_i : eb_i;
    hi = (ea > eb) ? ea : eb;
    lo = (ea > eb) ? eb : ea;
    align_t = (lo > hi - 32'sd31) ? lo : hi - 32'sd31;
  endfunction

  // An operand's alignment shift e - t, limited to -64 .. 63: a nonzero operand
  // has -inf .. 31 (anything below -63 rounds to 0 in shift64 as in C's widen),
  // and a zero operand's mantissas are 0 whatever the shift.
  function automatic logic signed [7:0] kclamp(input logic signed [31:0] x);
    kclamp = (x > 32'sd63) ? 8'sd63 : (x < -32'sd64) ? -8'sd64 : 8'(x);
  endfunction

  function automatic logic signed [63:0] shk(input logic signed [31:0] m,
                                             input logic signed [7:0] k);
    shk = rw_num_pkg::shift64(sx64(m), $signed({{24{k[7]}}, k}));
  endfunction

  // ------------------------------------------------------------ pipeline valid

  logic [NS:1]      vld_d, vld_q;
  logic [NS*IW-1:0] idx_d, idx_q;   // stage s's index in bits s*IW-1 -: IW

  always_comb begin
    vld_d = {vld_q[NS-1:1], vld_i};
    idx_d = {idx_q[(NS-1)*IW-1:0], idx_i};
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) vld_q <= '0;
    else         vld_q <= vld_d;
  end
  always_ff @(posedge clk_i) idx_q <= idx_d;

  assign idle_o = ~|vld_q;

  // ------------------------------------------------------- scalars (registers)

  // pass 1 reductions: OR of magnitudes (bitlen(OR) = bitlen(max))
  logic [63:0] or_ua_d, or_ua_q, or_yv_d, or_yv_q, or_ub_d, or_ub_q;
  logic [63:0] or_sa_d, or_sa_q, or_sv_d, or_sv_q, or_sb_d, or_sb_q;
  logic [31:0] or_e2_d, or_e2_q, or_f2_d, or_f2_q;
  logic        kvbad_d, kvbad_q;
  // pass 2 reductions
  logic [63:0] or_num_d, or_num_q, or_den_d, or_den_q, or_aan_d, or_aan_q, or_bbn_d, or_bbn_q;
  // pass 3 reductions
  logic               dzero_d, dzero_q;
  logic signed [7:0]  maxloc_d, maxloc_q;  // max of bitlen(|tmp|) - 29 - bitlen(|den|)
  // pass 4 reduction
  logic [63:0] or_out_d, or_out_q;

  // after pass 1: bit lengths and exponents of the normalized products
  //   ua = e1 * aa, yv = e2 * v, ub = e1 * bb (output); sa, sv, sb: the same with
  //   the state update's e1', e2'
  logic [6:0]         b_ua_d, b_ua_q, b_yv_d, b_yv_q, b_ub_d, b_ub_q;
  logic [6:0]         b_sa_d, b_sa_q, b_sv_d, b_sv_q, b_sb_d, b_sb_q;
  logic               z_e2_d, z_e2_q, z_f2_d, z_f2_q;   // e2, e2' all zero
  logic signed [31:0] e_ua_d, e_ua_q, e_yv_d, e_yv_q, e_ub_d, e_ub_q;
  logic signed [31:0] e_sa_d, e_sa_q, e_sv_d, e_sv_q, e_sb_d, e_sb_q;
  // ... and the four additions' alignment exponents t and operand shifts
  logic signed [31:0] t_num_d, t_num_q, t_den_d, t_den_q, t_aan_d, t_aan_q, t_bbn_d, t_bbn_q;
  logic signed [7:0]  ka_num_d, ka_num_q, kb_num_d, kb_num_q;
  logic signed [7:0]  ka_den_d, ka_den_q, kb_den_d, kb_den_q;
  logic signed [7:0]  ka_aan_d, ka_aan_q, kb_aan_d, kb_aan_q;
  logic signed [7:0]  ka_bbn_d, ka_bbn_q, kb_bbn_d, kb_bbn_q;
  // after pass 2: bit lengths and exponents of the sums
  logic [6:0]         b_num_d, b_num_q, b_den_d, b_den_q, b_aan_d, b_aan_q, b_bbn_d, b_bbn_q;
  logic signed [31:0] e_num_d, e_num_q, e_den_d, e_den_q, e_aan_d, e_aan_q, e_bbn_d, e_bbn_q;
  // after pass 3: exponent of recip(den) (rw_normalize_each: T - 30)
  logic signed [31:0] e_rcp_d, e_rcp_q;
  // after pass 4: the output's bit length and exponent
  logic [6:0]         b_out_d, b_out_q;
  logic signed [31:0] e_out_d, e_out_q;

  // ------------------------------------------------------------------ stages

  // s1: k in Q15.16 (to_q16); the rest passes through
  logic signed [31:0] s1_kq_d, s1_kq_q, s1_v_d, s1_v_q, s1_dec_d, s1_dec_q, s1_fst_d, s1_fst_q;
  logic signed [31:0] s1_aa_d, s1_aa_q, s1_bb_d, s1_bb_q, s1_pp_d, s1_pp_q;
  always_comb begin
    s1_kq_d  = to_q16(k_i, k_e_i);
    s1_v_d   = v_i;
    s1_dec_d = decay_i;
    s1_fst_d = first_i;
    s1_aa_d  = aa_i;
    s1_bb_d  = bb_i;
    s1_pp_d  = pp_i;
  end

  // s2: the two exp pairs. Output: x = pp, y = ww = clamp(first + kq); state:
  // x = ww' = clamp(decay + pp), y = kq. sel: x > y (then e1 = 1, e2 = exp(d)),
  // d = min - max <= 0; the state's new pp is max(ww', kq).
  logic signed [31:0] ww1, ww2;
  logic signed [31:0] s2_d1_d, s2_d1_q, s2_d2_d, s2_d2_q, s2_pn_d, s2_pn_q;
  logic               s2_sel1_d, s2_sel1_q, s2_sel2_d, s2_sel2_q;
  logic signed [31:0] s2_v_d, s2_v_q, s2_aa_d, s2_aa_q, s2_bb_d, s2_bb_q;
  always_comb begin
    ww1       = clamp_log(sx64(s1_fst_q) + sx64(s1_kq_q));
    ww2       = clamp_log(sx64(s1_dec_q) + sx64(s1_pp_q));
    s2_sel1_d = s1_pp_q > ww1;
    s2_d1_d   = s2_sel1_d ? ww1 - s1_pp_q : s1_pp_q - ww1;
    s2_sel2_d = ww2 > s1_kq_q;
    s2_d2_d   = s2_sel2_d ? s1_kq_q - ww2 : ww2 - s1_kq_q;
    s2_pn_d   = s2_sel2_d ? ww2 : s1_kq_q;
    s2_v_d    = s1_v_q;
    s2_aa_d   = s1_aa_q;
    s2_bb_d   = s1_bb_q;
  end

  // s3, s4: the exp lookups (sfu_exp, 2 cycles); the rest waits
  // The SFUs' own valids are not used: vld_q (reset) tracks every stage.
  logic [31:0] y1, y2;
  logic        unused_exp1_vld, unused_exp2_vld, unused_recip_vld;
  sfu_exp u_exp1 (
    .clk_i (clk_i),
    .req_i (vld_q[2]),
    .d_i   (s2_d1_q),
    .vld_o (unused_exp1_vld),
    .y_o   (y1)
  );
  sfu_exp u_exp2 (
    .clk_i (clk_i),
    .req_i (vld_q[2]),
    .d_i   (s2_d2_q),
    .vld_o (unused_exp2_vld),
    .y_o   (y2)
  );

  logic               s3_sel1_d, s3_sel1_q, s3_sel2_d, s3_sel2_q;
  logic signed [31:0] s3_pn_d, s3_pn_q, s3_v_d, s3_v_q, s3_aa_d, s3_aa_q, s3_bb_d, s3_bb_q;
  logic               s4_sel1_d, s4_sel1_q, s4_sel2_d, s4_sel2_q;
  logic signed [31:0] s4_pn_d, s4_pn_q, s4_v_d, s4_v_q, s4_aa_d, s4_aa_q, s4_bb_d, s4_bb_q;
  always_comb begin
    s3_sel1_d = s2_sel1_q;
    s3_sel2_d = s2_sel2_q;
    s3_pn_d   = s2_pn_q;
    s3_v_d    = s2_v_q;
    s3_aa_d   = s2_aa_q;
    s3_bb_d   = s2_bb_q;
    s4_sel1_d = s3_sel1_q;
    s4_sel2_d = s3_sel2_q;
    s4_pn_d   = s3_pn_q;
    s4_v_d    = s3_v_q;
    s4_aa_d   = s3_aa_q;
    s4_bb_d   = s3_bb_q;
  end

  // s5: the factors and the six products (|e| <= 2^30, |m| <= 2^30: < 2^61)
  logic [31:0]        e1, e2, f1, f2;   // output pair e1, e2; state pair f1, f2
  logic signed [63:0] s5_ua_d, s5_ua_q, s5_yv_d, s5_yv_q, s5_ub_d, s5_ub_q;
  logic signed [63:0] s5_sa_d, s5_sa_q, s5_sv_d, s5_sv_q, s5_sb_d, s5_sb_q;
  logic [31:0]        s5_e2_d, s5_e2_q, s5_f2_d, s5_f2_q;
  logic signed [31:0] s5_pn_d, s5_pn_q;
  always_comb begin
    e1      = s4_sel1_q ? One : y1;
    e2      = s4_sel1_q ? y1 : One;
    f1      = s4_sel2_q ? One : y2;
    f2      = s4_sel2_q ? y2 : One;
    s5_ua_d = $signed({32'd0, e1}) * sx64(s4_aa_q);
    s5_yv_d = $signed({32'd0, e2}) * sx64(s4_v_q);
    s5_ub_d = $signed({32'd0, e1}) * sx64(s4_bb_q);
    s5_sa_d = $signed({32'd0, f1}) * sx64(s4_aa_q);
    s5_sv_d = $signed({32'd0, f2}) * sx64(s4_v_q);
    s5_sb_d = $signed({32'd0, f1}) * sx64(s4_bb_q);
    s5_e2_d = e2;
    s5_f2_d = f2;
    s5_pn_d = s4_pn_q;
  end

  // s6: the products normalized with pass 1's bit lengths (rw_mul)
  logic signed [31:0] s6_ua_d, s6_ua_q, s6_yv_d, s6_yv_q, s6_ub_d, s6_ub_q;
  logic signed [31:0] s6_sa_d, s6_sa_q, s6_sv_d, s6_sv_q, s6_sb_d, s6_sb_q;
  logic [31:0]        s6_e2_d, s6_e2_q, s6_f2_d, s6_f2_q;
  logic signed [31:0] s6_pn_d, s6_pn_q;
  always_comb begin
    s6_ua_d = norm30(s5_ua_q, b_ua_q);
    s6_yv_d = norm30(s5_yv_q, b_yv_q);
    s6_ub_d = norm30(s5_ub_q, b_ub_q);
    s6_sa_d = norm30(s5_sa_q, b_sa_q);
    s6_sv_d = norm30(s5_sv_q, b_sv_q);
    s6_sb_d = norm30(s5_sb_q, b_sb_q);
    s6_e2_d = s5_e2_q;
    s6_f2_d = s5_f2_q;
    s6_pn_d = s5_pn_q;
  end

  // s7: the four additions, aligned (rw_add; e2, e2' enter as raw Q1.30 vectors)
  //   num = ua + yv, den = ub + e2, aa' = sa + sv, bb' = sb + f2
  logic signed [63:0] s7_num_d, s7_num_q, s7_den_d, s7_den_q;
  logic signed [63:0] s7_aan_d, s7_aan_q, s7_bbn_d, s7_bbn_q;
  logic signed [31:0] s7_pn_d, s7_pn_q;
  always_comb begin
    s7_num_d = shk(s6_ua_q, ka_num_q) + shk(s6_yv_q, kb_num_q);
    s7_den_d = shk(s6_ub_q, ka_den_q) + shk($signed(s6_e2_q), kb_den_q);
    s7_aan_d = shk(s6_sa_q, ka_aan_q) + shk(s6_sv_q, kb_aan_q);
    s7_bbn_d = shk(s6_sb_q, ka_bbn_q) + shk($signed(s6_f2_q), kb_bbn_q);
    s7_pn_d  = s6_pn_q;
  end

  // s8: the sums normalized with pass 2's bit lengths
  logic signed [31:0] s8_num_d, s8_num_q, s8_den_d, s8_den_q;
  logic signed [31:0] s8_aan_d, s8_aan_q, s8_bbn_d, s8_bbn_q, s8_pn_d, s8_pn_q;
  always_comb begin
    s8_num_d = norm30(s7_num_q, b_num_q);
    s8_den_d = norm30(s7_den_q, b_den_q);
    s8_aan_d = norm30(s7_aan_q, b_aan_q);
    s8_bbn_d = norm30(s7_bbn_q, b_bbn_q);
    s8_pn_d  = s7_pn_q;
  end

  // s9, s10: the reciprocal's lookup (sfu_recip, 2 cycles); the rest waits
  logic signed [31:0] rcp_v;
  logic signed [7:0]  rcp_eoff;
  sfu_recip u_recip (
    .clk_i  (clk_i),
    .req_i  (vld_q[8]),
    .m_i    (s8_den_q),
    .vld_o  (unused_recip_vld),
    .v_o    (rcp_v),
    .eoff_o (rcp_eoff)
  );

  logic signed [31:0] s9_num_d, s9_num_q, s9_aan_d, s9_aan_q, s9_bbn_d, s9_bbn_q, s9_pn_d, s9_pn_q;
  logic signed [31:0] s10_num_d, s10_num_q, s10_aan_d, s10_aan_q;
  logic signed [31:0] s10_bbn_d, s10_bbn_q, s10_pn_d, s10_pn_q;
  always_comb begin
    s9_num_d  = s8_num_q;
    s9_aan_d  = s8_aan_q;
    s9_bbn_d  = s8_bbn_q;
    s9_pn_d   = s8_pn_q;
    s10_num_d = s9_num_q;
    s10_aan_d = s9_aan_q;
    s10_bbn_d = s9_bbn_q;
    s10_pn_d  = s9_pn_q;
  end

  // s11: the reciprocal's element of rw_normalize_each: shift(tmp, etmp - ey)
  // with etmp = eoff - e_den and ey = maxloc - e_den - 30, i.e. a shift by
  // eoff + 30 - maxloc (<= 0 for every element, as maxloc is the maximum)
  logic signed [31:0] s11_rcp_d, s11_rcp_q, s11_num_d, s11_num_q;
  logic signed [31:0] s11_aan_d, s11_aan_q, s11_bbn_d, s11_bbn_q, s11_pn_d, s11_pn_q;
  logic signed [7:0]  rk;
  always_comb begin
    rk        = kclamp($signed({{24{rcp_eoff[7]}}, rcp_eoff}) + 32'sd30
                       - $signed({{24{maxloc_q[7]}}, maxloc_q}));
    s11_rcp_d = 32'(shk(rcp_v, rk));
    s11_num_d = s10_num_q;
    s11_aan_d = s10_aan_q;
    s11_bbn_d = s10_bbn_q;
    s11_pn_d  = s10_pn_q;
  end

  // s12: out = num * recip(den) (rw_mul), before normalization
  logic signed [63:0] s12_out_d, s12_out_q;
  logic signed [31:0] s12_aan_d, s12_aan_q, s12_bbn_d, s12_bbn_q, s12_pn_d, s12_pn_q;
  always_comb begin
    s12_out_d = sx64(s11_num_q) * sx64(s11_rcp_q);
    s12_aan_d = s11_aan_q;
    s12_bbn_d = s11_bbn_q;
    s12_pn_d  = s11_pn_q;
  end

  // s13: out normalized with pass 4's bit length
  logic signed [31:0] s13_out_d, s13_out_q, s13_aan_d, s13_aan_q;
  logic signed [31:0] s13_bbn_d, s13_bbn_q, s13_pn_d, s13_pn_q;
  always_comb begin
    s13_out_d = norm30(s12_out_q, b_out_q);
    s13_aan_d = s12_aan_q;
    s13_bbn_d = s12_bbn_q;
    s13_pn_d  = s12_pn_q;
  end

  always_ff @(posedge clk_i) begin
    s1_kq_q   <= s1_kq_d;
    s1_v_q    <= s1_v_d;
    s1_dec_q  <= s1_dec_d;
    s1_fst_q  <= s1_fst_d;
    s1_aa_q   <= s1_aa_d;
    s1_bb_q   <= s1_bb_d;
    s1_pp_q   <= s1_pp_d;
    s2_d1_q   <= s2_d1_d;
    s2_d2_q   <= s2_d2_d;
    s2_pn_q   <= s2_pn_d;
    s2_sel1_q <= s2_sel1_d;
    s2_sel2_q <= s2_sel2_d;
    s2_v_q    <= s2_v_d;
    s2_aa_q   <= s2_aa_d;
    s2_bb_q   <= s2_bb_d;
    s3_sel1_q <= s3_sel1_d;
    s3_sel2_q <= s3_sel2_d;
    s3_pn_q   <= s3_pn_d;
    s3_v_q    <= s3_v_d;
    s3_aa_q   <= s3_aa_d;
    s3_bb_q   <= s3_bb_d;
    s4_sel1_q <= s4_sel1_d;
    s4_sel2_q <= s4_sel2_d;
    s4_pn_q   <= s4_pn_d;
    s4_v_q    <= s4_v_d;
    s4_aa_q   <= s4_aa_d;
    s4_bb_q   <= s4_bb_d;
    s5_ua_q   <= s5_ua_d;
    s5_yv_q   <= s5_yv_d;
    s5_ub_q   <= s5_ub_d;
    s5_sa_q   <= s5_sa_d;
    s5_sv_q   <= s5_sv_d;
    s5_sb_q   <= s5_sb_d;
    s5_e2_q   <= s5_e2_d;
    s5_f2_q   <= s5_f2_d;
    s5_pn_q   <= s5_pn_d;
    s6_ua_q   <= s6_ua_d;
    s6_yv_q   <= s6_yv_d;
    s6_ub_q   <= s6_ub_d;
    s6_sa_q   <= s6_sa_d;
    s6_sv_q   <= s6_sv_d;
    s6_sb_q   <= s6_sb_d;
    s6_e2_q   <= s6_e2_d;
    s6_f2_q   <= s6_f2_d;
    s6_pn_q   <= s6_pn_d;
    s7_num_q  <= s7_num_d;
    s7_den_q  <= s7_den_d;
    s7_aan_q  <= s7_aan_d;
    s7_bbn_q  <= s7_bbn_d;
    s7_pn_q   <= s7_pn_d;
    s8_num_q  <= s8_num_d;
    s8_den_q  <= s8_den_d;
    s8_aan_q  <= s8_aan_d;
    s8_bbn_q  <= s8_bbn_d;
    s8_pn_q   <= s8_pn_d;
    s9_num_q  <= s9_num_d;
    s9_aan_q  <= s9_aan_d;
    s9_bbn_q  <= s9_bbn_d;
    s9_pn_q   <= s9_pn_d;
    s10_num_q <= s10_num_d;
    s10_aan_q <= s10_aan_d;
    s10_bbn_q <= s10_bbn_d;
    s10_pn_q  <= s10_pn_d;
    s11_rcp_q <= s11_rcp_d;
    s11_num_q <= s11_num_d;
    s11_aan_q <= s11_aan_d;
    s11_bbn_q <= s11_bbn_d;
    s11_pn_q  <= s11_pn_d;
    s12_out_q <= s12_out_d;
    s12_aan_q <= s12_aan_d;
    s12_bbn_q <= s12_bbn_d;
    s12_pn_q  <= s12_pn_d;
    s13_out_q <= s13_out_d;
    s13_aan_q <= s13_aan_d;
    s13_bbn_q <= s13_bbn_d;
    s13_pn_q  <= s13_pn_d;
  end

  // -------------------------------------------------------------- reductions

  logic [5:0]        rcp_len;
  logic signed [7:0] loc;
  always_comb begin
    // bitlen(|tmp|) + eoff: rw_normalize_each's bitlen + etmp, less e_den
    rcp_len  = 6'(rw_num_pkg::bitlen64(rw_num_pkg::mag64(sx64(rcp_v))));
    loc      = $signed({2'b00, rcp_len}) + rcp_eoff;

    or_ua_d  = or_ua_q;
    or_yv_d  = or_yv_q;
    or_ub_d  = or_ub_q;
    or_sa_d  = or_sa_q;
    or_sv_d  = or_sv_q;
    or_sb_d  = or_sb_q;
    or_e2_d  = or_e2_q;
    or_f2_d  = or_f2_q;
    kvbad_d  = kvbad_q;
    or_num_d = or_num_q;
    or_den_d = or_den_q;
    or_aan_d = or_aan_q;
    or_bbn_d = or_bbn_q;
    dzero_d  = dzero_q;
    maxloc_d = maxloc_q;
    or_out_d = or_out_q;
    if (clr_i) begin
      or_ua_d  = '0;
      or_yv_d  = '0;
      or_ub_d  = '0;
      or_sa_d  = '0;
      or_sv_d  = '0;
      or_sb_d  = '0;
      or_e2_d  = '0;
      or_f2_d  = '0;
      kvbad_d  = 1'b0;
      or_num_d = '0;
      or_den_d = '0;
      or_aan_d = '0;
      or_bbn_d = '0;
      dzero_d  = 1'b0;
      maxloc_d = -8'sd128;
      or_out_d = '0;
    end else begin
      // pass 1: k and v in the units' domain (card.c vdom), products
      if (vld_i && pass_i == 3'd1 &&
          (k_i > MantMax || k_i < -MantMax || v_i > MantMax || v_i < -MantMax)) begin
        kvbad_d = 1'b1;
      end
      if (vld_q[5] && pass_i == 3'd1) begin
        or_ua_d = or_ua_q | rw_num_pkg::mag64(s5_ua_q);
        or_yv_d = or_yv_q | rw_num_pkg::mag64(s5_yv_q);
        or_ub_d = or_ub_q | rw_num_pkg::mag64(s5_ub_q);
        or_sa_d = or_sa_q | rw_num_pkg::mag64(s5_sa_q);
        or_sv_d = or_sv_q | rw_num_pkg::mag64(s5_sv_q);
        or_sb_d = or_sb_q | rw_num_pkg::mag64(s5_sb_q);
        or_e2_d = or_e2_q | s5_e2_q;
        or_f2_d = or_f2_q | s5_f2_q;
      end
      // pass 2: the sums
      if (vld_q[7] && pass_i == 3'd2) begin
        or_num_d = or_num_q | rw_num_pkg::mag64(s7_num_q);
        or_den_d = or_den_q | rw_num_pkg::mag64(s7_den_q);
        or_aan_d = or_aan_q | rw_num_pkg::mag64(s7_aan_q);
        or_bbn_d = or_bbn_q | rw_num_pkg::mag64(s7_bbn_q);
      end
      // pass 3: rw_wkv4_defined, and rw_normalize_each's maximum
      if (vld_q[8] && pass_i == 3'd3 && s8_den_q == 32'sd0) dzero_d = 1'b1;
      if (vld_q[10] && pass_i == 3'd3 && loc > maxloc_q) maxloc_d = loc;
      // pass 4: the output's product
      if (vld_q[12] && pass_i == 3'd4) or_out_d = or_out_q | rw_num_pkg::mag64(s12_out_q);
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      kvbad_q  <= 1'b0;
      dzero_q  <= 1'b0;
    end else begin
      kvbad_q  <= kvbad_d;
      dzero_q  <= dzero_d;
    end
  end

  always_ff @(posedge clk_i) begin
    or_ua_q  <= or_ua_d;
    or_yv_q  <= or_yv_d;
    or_ub_q  <= or_ub_d;
    or_sa_q  <= or_sa_d;
    or_sv_q  <= or_sv_d;
    or_sb_q  <= or_sb_d;
    or_e2_q  <= or_e2_d;
    or_f2_q  <= or_f2_d;
    or_num_q <= or_num_d;
    or_den_q <= or_den_d;
    or_aan_q <= or_aan_d;
    or_bbn_q <= or_bbn_d;
    maxloc_q <= maxloc_d;
    or_out_q <= or_out_d;
  end

  // ---------------------------------------------------------------- scalars

  // While scal_i is held, each scalar is recomputed every cycle from the
  // reductions and from the scalars one level before it: after 4 cycles the
  // deepest chain (bit length -> exponent -> alignment t -> shifts) has settled.
  // One level per cycle keeps each of these paths short.
  always_comb begin
    b_ua_d   = b_ua_q;
    b_yv_d   = b_yv_q;
    b_ub_d   = b_ub_q;
    b_sa_d   = b_sa_q;
    b_sv_d   = b_sv_q;
    b_sb_d   = b_sb_q;
    z_e2_d   = z_e2_q;
    z_f2_d   = z_f2_q;
    e_ua_d   = e_ua_q;
    e_yv_d   = e_yv_q;
    e_ub_d   = e_ub_q;
    e_sa_d   = e_sa_q;
    e_sv_d   = e_sv_q;
    e_sb_d   = e_sb_q;
    t_num_d  = t_num_q;
    t_den_d  = t_den_q;
    t_aan_d  = t_aan_q;
    t_bbn_d  = t_bbn_q;
    ka_num_d = ka_num_q;
    kb_num_d = kb_num_q;
    ka_den_d = ka_den_q;
    kb_den_d = kb_den_q;
    ka_aan_d = ka_aan_q;
    kb_aan_d = kb_aan_q;
    ka_bbn_d = ka_bbn_q;
    kb_bbn_d = kb_bbn_q;
    b_num_d  = b_num_q;
    b_den_d  = b_den_q;
    b_aan_d  = b_aan_q;
    b_bbn_d  = b_bbn_q;
    e_num_d  = e_num_q;
    e_den_d  = e_den_q;
    e_aan_d  = e_aan_q;
    e_bbn_d  = e_bbn_q;
    e_rcp_d  = e_rcp_q;
    b_out_d  = b_out_q;
    e_out_d  = e_out_q;
    if (scal_i && pass_i == 3'd1) begin
      b_ua_d   = rw_num_pkg::bitlen64(or_ua_q);
      b_yv_d   = rw_num_pkg::bitlen64(or_yv_q);
      b_ub_d   = rw_num_pkg::bitlen64(or_ub_q);
      b_sa_d   = rw_num_pkg::bitlen64(or_sa_q);
      b_sv_d   = rw_num_pkg::bitlen64(or_sv_q);
      b_sb_d   = rw_num_pkg::bitlen64(or_sb_q);
      z_e2_d   = or_e2_q == '0;
      z_f2_d   = or_f2_q == '0;
      // rw_mul: the product of E (exponent -30) and x has exponent x.e - 30
      e_ua_d   = norm_e(aa_e_i - 32'sd30, b_ua_q);
      e_yv_d   = norm_e(v_e_i - 32'sd30, b_yv_q);
      e_ub_d   = norm_e(bb_e_i - 32'sd30, b_ub_q);
      e_sa_d   = norm_e(aa_e_i - 32'sd30, b_sa_q);
      e_sv_d   = norm_e(v_e_i - 32'sd30, b_sv_q);
      e_sb_d   = norm_e(bb_e_i - 32'sd30, b_sb_q);
      t_num_d  = align_t(e_ua_q, b_ua_q == 7'd0, e_yv_q, b_yv_q == 7'd0);
      t_den_d  = align_t(e_ub_q, b_ub_q == 7'd0, -32'sd30, z_e2_q);
      t_aan_d  = align_t(e_sa_q, b_sa_q == 7'd0, e_sv_q, b_sv_q == 7'd0);
      t_bbn_d  = align_t(e_sb_q, b_sb_q == 7'd0, -32'sd30, z_f2_q);
      ka_num_d = kclamp(e_ua_q - t_num_q);
      kb_num_d = kclamp(e_yv_q - t_num_q);
      ka_den_d = kclamp(e_ub_q - t_den_q);
      kb_den_d = kclamp(-32'sd30 - t_den_q);
      ka_aan_d = kclamp(e_sa_q - t_aan_q);
      kb_aan_d = kclamp(e_sv_q - t_aan_q);
      ka_bbn_d = kclamp(e_sb_q - t_bbn_q);
      kb_bbn_d = kclamp(-32'sd30 - t_bbn_q);
    end
    if (scal_i && pass_i == 3'd2) begin
      b_num_d = rw_num_pkg::bitlen64(or_num_q);
      b_den_d = rw_num_pkg::bitlen64(or_den_q);
      b_aan_d = rw_num_pkg::bitlen64(or_aan_q);
      b_bbn_d = rw_num_pkg::bitlen64(or_bbn_q);
      e_num_d = norm_e(t_num_q, b_num_q);
      e_den_d = norm_e(t_den_q, b_den_q);
      e_aan_d = norm_e(t_aan_q, b_aan_q);
      e_bbn_d = norm_e(t_bbn_q, b_bbn_q);
    end
    if (scal_i && pass_i == 3'd3) begin
      // T = max(bitlen + etmp) = maxloc - e_den; ey = T - 30
      e_rcp_d = $signed({{24{maxloc_q[7]}}, maxloc_q}) - e_den_q - 32'sd30;
    end
    if (scal_i && pass_i == 3'd4) begin
      b_out_d = rw_num_pkg::bitlen64(or_out_q);
      // rw_mul(num, recip): exponent e_num + ey
      e_out_d = norm_e(e_num_q + e_rcp_q, b_out_q);
    end
  end

  always_ff @(posedge clk_i) begin
    b_ua_q   <= b_ua_d;
    b_yv_q   <= b_yv_d;
    b_ub_q   <= b_ub_d;
    b_sa_q   <= b_sa_d;
    b_sv_q   <= b_sv_d;
    b_sb_q   <= b_sb_d;
    z_e2_q   <= z_e2_d;
    z_f2_q   <= z_f2_d;
    e_ua_q   <= e_ua_d;
    e_yv_q   <= e_yv_d;
    e_ub_q   <= e_ub_d;
    e_sa_q   <= e_sa_d;
    e_sv_q   <= e_sv_d;
    e_sb_q   <= e_sb_d;
    t_num_q  <= t_num_d;
    t_den_q  <= t_den_d;
    t_aan_q  <= t_aan_d;
    t_bbn_q  <= t_bbn_d;
    ka_num_q <= ka_num_d;
    kb_num_q <= kb_num_d;
    ka_den_q <= ka_den_d;
    kb_den_q <= kb_den_d;
    ka_aan_q <= ka_aan_d;
    kb_aan_q <= kb_aan_d;
    ka_bbn_q <= ka_bbn_d;
    kb_bbn_q <= kb_bbn_d;
    b_num_q  <= b_num_d;
    b_den_q  <= b_den_d;
    b_aan_q  <= b_aan_d;
    b_bbn_q  <= b_bbn_d;
    e_num_q  <= e_num_d;
    e_den_q  <= e_den_d;
    e_aan_q  <= e_aan_d;
    e_bbn_q  <= e_bbn_d;
    e_rcp_q  <= e_rcp_d;
    b_out_q  <= b_out_d;
    e_out_q  <= e_out_d;
  end

  // ---------------------------------------------------------------- outputs

  assign kv_bad_o   = kvbad_q;
  assign den_zero_o = dzero_q;
  assign res_vld_o  = vld_q[NS] && pass_i == 3'd5;
  assign res_idx_o  = idx_q[NS*IW-1 -: IW];
  assign res_out_o  = s13_out_q;
  assign res_aa_o   = s13_aan_q;
  assign res_bb_o   = s13_bbn_q;
  assign res_pp_o   = s13_pn_q;
  assign out_e_o    = e_out_q;
  assign aa_e_o     = e_aan_q;
  assign bb_e_o     = e_bbn_q;
endmodule
