// norm_unit.sv - the norm unit: NORM (rw_groupnorm: per-group layer norm with
// weight and bias) and L2NORM (rw_l2norm: 7.0's per-head L2 normalisation), bit
// for bit as cmodel/golden/norm.c and docs/numerics.md section 5, with the data
// checks of cmodel/golden/card.c op_norm (err_o, nothing written).
//
// Wide: the register file is read and written in rows of VL words (row address
// {reg, i / VL}, lane i % VL; docs/rtl.md), and every pass over a group's
// elements takes one row, VL elements, per cycle through a pipeline with VL
// copies of the per-element arithmetic; sums, maxima and ORs over the lanes are
// balanced trees (sums exact, as wide as they need to be).
//
// How: every block-floating normalization needs the maximum of the values it
// normalizes before it can shift any of them, so each group is processed in
// passes over its rows, with the scalars of the golden model computed between
// passes by a small sequential scalar datapath (one shifter, one multiplier,
// one bit-length unit, sfu_rsqrt). Maxima that are a monotone function of
// values already known are derived instead of measured (max|x - mean| from
// max x and min x; max|d * r| = max|d| * r for r > 0), which saves two passes.
// NORM, per group:
//   SUM     sum x, max x, min x, zero tests; domain of x, w, b
//   CENTER  d = normalize(x - mean) into the buffer; q = act_quant(d); sum q^2
//   OUT1    t1 = normalize(d * r), max |t1 * w|
//   OUT2    t2 = normalize(t1 * w), max |t2 + b| (aligned)
//   OUT3    y = normalize(t2 + b) into the buffer, the group exponent into gexp
// L2NORM, per group: L2MAX (max |x|, domain), L2SQ (sum q^2), L2OUT (y = x * r).
// Then FINAL: normalize_each over the groups, written to DST.
// Groups have n / IMM elements, which need not be a multiple of VL: a pass
// over group g reads the rows holding elements [g * gs, (g + 1) * gs) with the
// lanes outside the group masked off (they never reach a sum, a maximum, an OR,
// a domain check or a write); a row two groups share is read once per group.
// FINAL also goes group by group (the shift of a lane depends on its group's
// exponent), so a shared row is written once per group, with complementary
// lane masks. The buffer is VL lane RAMs with a write enable each.
// Cost: one cycle per row and pass (NORM: 5 passes per group + FINAL, L2NORM
// 3 + FINAL), plus per group about 77 (NORM) / 34 (L2NORM) cycles of pipeline
// drains and sequential scalar steps. Measured at VL = 16: NORM n = 768 as one
// group 384 cycles, as 12 groups 1,209; NORM 4,096 as one group 1,632, as 64
// groups 6,357; L2NORM 768 in 12 groups 597 (one lane per cycle: 4,704, 5,529,
// 24,672, 29,397, 3,441). The destination is written only in FINAL, after every
// source word has been read, so DST may be a source.
// Not here: instruction decoding and register-number checks (the sequencer's);
// of the sequencer's checks only the cheap ones are repeated (groups = 0,
// n % groups, operand lengths, n > VREG_WORDS), as err_o. Scalar operands
// (1/n, eps, eps_sq: length 1) are element 0: lane 0 of row 0.
`include "rwkvacc_hw.svh"

module norm_unit #(
  parameter int unsigned VREG_WORDS    = rwkvacc_hw_pkg::CFG_VREG_WORDS,
  parameter int unsigned VL            = rwkvacc_hw_pkg::CFG_VEC_LANES,  // words per row
  parameter              RSQRT_MEMFILE = "rtl/tables/rsqrt.mem",
  parameter int unsigned RW            = 5 + $clog2(VREG_WORDS / VL)     // row address bits
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             start_i,
  output logic             busy_o,
  output logic             done_o,
  output logic             err_o,
  input  logic [7:0]       op_i,        // OP_NORM or OP_L2NORM
  input  logic [12:0]      n_i,
  input  logic [15:0]      imm_i,       // groups
  input  logic [4:0]       src0_i,      // x
  input  logic [4:0]       src1_i,      // NORM: w; L2NORM: eps_sq (scalar)
  input  logic [4:0]       src2_i,      // NORM: b
  input  logic [4:0]       src3_i,      // NORM: 1/n (scalar)
  input  logic [4:0]       src4_i,      // NORM: eps (scalar)
  input  logic [31:0]      src0_e_i,
  input  logic [31:0]      src1_e_i,
  input  logic [31:0]      src2_e_i,
  input  logic [31:0]      src3_e_i,
  input  logic [31:0]      src4_e_i,
  input  logic [12:0]      src0_n_i,
  input  logic [12:0]      src1_n_i,
  input  logic [12:0]      src2_n_i,
  input  logic [12:0]      src3_n_i,
  input  logic [12:0]      src4_n_i,
  input  logic [4:0]       dst_i,
  output logic [31:0]      dst_e_o,
  output logic [12:0]      dst_n_o,
  output logic             rd0_en_o,
  output logic [RW-1:0]    rd0_addr_o,
  input  logic [VL*32-1:0] rd0_data_i,
  output logic             rd1_en_o,
  output logic [RW-1:0]    rd1_addr_o,
  input  logic [VL*32-1:0] rd1_data_i,
  output logic             rd2_en_o,
  output logic [RW-1:0]    rd2_addr_o,
  input  logic [VL*32-1:0] rd2_data_i,
  output logic             wr_en_o,
  output logic [RW-1:0]    wr_addr_o,
  output logic [VL*32-1:0] wr_data_o,
  output logic [VL-1:0]    wr_mask_o
);
  localparam int unsigned IW   = $clog2(VREG_WORDS);  // element index bits (12)
  localparam int unsigned LV   = $clog2(VL);          // log2 lanes
  localparam int          LVS  = $clog2(VL);          // the same, signed (tree loop)
  localparam int unsigned NROW = VREG_WORDS / VL;     // rows per register
  localparam int unsigned RB   = $clog2(NROW);        // row index bits
  localparam int unsigned SW   = 33 + LV;             // exact sum of VL 32-bit lanes
  localparam int unsigned PD   = 7;                   // pipeline stages after the issue

  if (VL < 1 || VL > 64 || (1 << LV) != VL || NROW < 2 || NROW * VL != VREG_WORDS ||
      RW != 5 + RB || VREG_WORDS > 4096) begin : g_cfg
    $error("norm_unit: VL must be a power of two (1..64) with VREG_WORDS / VL >= 2 rows");
  end

  localparam logic [12:0] LMASK = 13'(VL - 1);  // lane of an element index

  localparam logic signed [31:0] EXP_MAX  = 32'sd16777216;    // 2^24 (RW_CARD_EXP_MAX)
  localparam logic signed [31:0] MANT_MAX = 32'sd1073741824;  // 2^30

  typedef enum logic [5:0] {
    ST_IDLE, ST_RDSC, ST_CHK, ST_DIV, ST_DIVCHK, ST_GRP, ST_PASS, ST_DRAIN,
    ST_NRM_BL, ST_NRM_SH,
    // NORM
    ST_MEAN0, ST_MEAN1, ST_CEN0, ST_CEN1, ST_CEN2, ST_CEN3, ST_CEN4,
    ST_VAR0, ST_VAR1, ST_EPS0, ST_EPS1, ST_EPS2,
    ST_T1, ST_T1K, ST_T2, ST_T2K, ST_T3, ST_T3K,
    // L2NORM
    ST_L2Q, ST_L2SS, ST_CMP0, ST_CMP1, ST_CMP2, ST_L2Y0, ST_L2Y1,
    // both
    ST_RSQ0, ST_RSQ1, ST_NEXT, ST_DONE
  } state_e;

  typedef enum logic [3:0] {
    P_SUM, P_CENTER, P_OUT1, P_OUT2, P_OUT3, P_L2MAX, P_L2SQ, P_L2OUT, P_FINAL
  } pass_e;

  // ------------------------------------------------------------ helpers

  function automatic logic edom(input logic signed [31:0] e);
    edom = (e <= EXP_MAX) && (e >= -EXP_MAX);
  endfunction

  function automatic logic mdom(input logic signed [31:0] m);
    mdom = (m <= MANT_MAX) && (m >= -MANT_MAX);
  endfunction

  // card.c pos_scalar: one element, in the domain, positive.
  function automatic logic pos_scalar(input logic [12:0] n, input logic signed [31:0] e,
                                      input logic signed [31:0] m);
    pos_scalar = (n == 13'd1) && edom(e) && (m > 32'sd0) && (m <= MANT_MAX);
  endfunction

  // bfv.c align_exp: the exponent both addends are aligned to, the smaller one but
  // at most 31 below the larger; an all-zero operand takes the other's exponent.
  function automatic logic signed [31:0] align_exp(input logic za, input logic signed [31:0] ea,
                                                   input logic zb, input logic signed [31:0] eb);
    logic signed [31:0] a, b, hi, lo;
    a = za ? eb : ea;
    b = zb ? ea : eb;
    hi = (a > b) ? a : b;
    lo = (a > b) ? b : a;
    align_exp = (lo > hi - 32'sd31) ? lo : hi - 32'sd31;
  endfunction

  function automatic logic signed [63:0] sh(input logic signed [63:0] v,
                                            input logic signed [31:0] k);
    sh = rw_num_pkg::shift64(v, k);
  endfunction

  // The lanes' copies of rw_num_pkg::shr_rne64 and shift64: the same results
  // with less logic. Round to nearest, ties to even, is symmetric, so the two's
  // complement value can be rounded instead of its magnitude (no negations),
  // and the rounding is an addition before the floor shift:
  //   rne(v / 2^s) = (v + 2^(s-1) - 1 + f) >>> s,  f = bit s of v (the floor's
  // lowest bit): with v = f' 2^s + r, 0 <= r < 2^s, the sum carries into bit s
  // exactly when r > 2^(s-1), or r = 2^(s-1) and the floor is odd. One bit
  // wider than v, so that nothing overflows. rne_f: 1 <= s <= 63.
  function automatic logic signed [63:0] rne_f(input logic signed [63:0] v,
                                               input logic [5:0] s);
    logic        [63:0] lm;
    logic        [64:0] bias;
    logic signed [64:0] t;
    lm    = (64'd1 << (s - 6'd1)) - 64'd1;  // 2^(s-1) - 1
    bias  = {1'b0, lm} + {64'd0, v[s]};
    t     = 65'(v) + $signed(bias);
    t     = t >>> s;
    rne_f = t[63:0];
  endfunction

  function automatic logic signed [63:0] sh_f(input logic signed [63:0] v,
                                              input logic signed [31:0] k);
    if (k >= 0)
      sh_f = (k < 32'sd63) ? (v <<< k[5:0]) : 64'sd0;
    else if (k < -32'sd63)
      sh_f = 64'sd0;
    else
      sh_f = rne_f(v, 6'(-k));
  endfunction

  // The same on a word, 1 <= s <= 31.
  function automatic logic signed [31:0] rnew_f(input logic signed [31:0] v,
                                                input logic [4:0] s);
    logic        [31:0] lm;
    logic        [32:0] bias;
    logic signed [32:0] t;
    lm     = (32'd1 << (s - 5'd1)) - 32'd1;
    bias   = {1'b0, lm} + {32'd0, v[s]};
    t      = 33'(v) + $signed(bias);
    t      = t >>> s;
    rnew_f = t[31:0];
  endfunction

  // shift64 of a word: the same result as rw_num_pkg::shift64(v, k) for every
  // 32-bit v and every k (left by 0..62 exact, 0 from 63; right shifts of
  // |v| <= 2^31 by 32 or more round to 0), with a 32-bit right shifter.
  function automatic logic signed [63:0] shw_f(input logic signed [31:0] v,
                                               input logic signed [31:0] k);
    logic signed [31:0] r;
    r = rnew_f(v, 5'(-k));
    if (k >= 0)
      shw_f = (k < 32'sd63) ? (64'(v) <<< k[5:0]) : 64'sd0;
    else if (k < -32'sd31)
      shw_f = 64'sd0;
    else
      shw_f = 64'(r);
  endfunction

  // act_quant's rounding of a word by s <= 16 (31 at most)
  function automatic logic signed [31:0] rne32_f(input logic signed [31:0] v,
                                                 input logic [4:0] s);
    rne32_f = (s == 5'd0) ? v : rnew_f(v, s);
  endfunction

  // ------------------------------------------------------------ state

  state_e state_q, state_d, ret_q, ret_d;
  pass_e  pass_q, pass_d;
  logic   l2_q, l2_d;     // L2NORM
  logic   err_q, err_d;

  logic [12:0] n_q, n_d;
  logic [15:0] groups_q, groups_d;
  logic [12:0] gs_q, gs_d;        // group size
  logic [12:0] grp_q, grp_d;      // group index
  logic [12:0] base_q, base_d;    // first element of the group
  logic [12:0] row_q, row_d;      // row to issue (element index / VL)
  logic [3:0]  dcnt_q, dcnt_d;    // divider bit
  logic [15:0] rem_q, rem_d;
  logic [12:0] quo_q, quo_d;

  // scalars
  logic signed [31:0] minv_q, minv_d;   // 1/n mantissa
  logic signed [31:0] epsm_q, epsm_d;   // eps (eps_sq) mantissa
  logic signed [63:0] sum_q, sum_d;     // exact group sum of x
  logic signed [31:0] xmax_q, xmax_d, xmin_q, xmin_d;
  logic               xnz_q, xnz_d, bnz_q, bnz_d, domerr_q, domerr_d;
  logic        [63:0] amax_q, amax_d;   // L2MAX: max |x|; OUT1: max |t1 * w|; OUT2: max |u|
  logic signed [63:0] nrm_v_q, nrm_v_d; // normalize subroutine: value, exponent in
  logic signed [31:0] nrm_e_q, nrm_e_d;
  logic        [6:0]  nb_q, nb_d;       // its bit length
  logic signed [31:0] nrm_m_q, nrm_m_d, nrm_eo_q, nrm_eo_d;  // its result
  logic signed [31:0] al_t_q, al_t_d, al_ka_q, al_ka_d, al_kb_q, al_kb_d;
  logic signed [63:0] mean_q, mean_d;   // mean aligned to al_t
  logic signed [63:0] tmp_q, tmp_d;
  logic signed [31:0] ed_q, ed_d;       // exponent of d
  logic signed [31:0] maxd_q, maxd_d;   // max |d|
  logic        [4:0]  sq_q, sq_d;       // act_quant shift
  logic signed [31:0] eq_q, eq_d;       // act_quant exponent
  logic signed [63:0] ss_q, ss_d;       // sum of q^2
  logic signed [31:0] rm_q, rm_d, re_q, re_d;  // 1/sqrt
  logic signed [31:0] k1_q, k1_d, k2_q, k2_d, k5_q, k5_d;  // pipeline shifts
  logic signed [31:0] e1_q, e1_d;
  logic signed [31:0] top_q, top_d;     // normalize_each: max bitlen + exponent
  logic               anynz_q, anynz_d;
  logic signed [31:0] ey_q, ey_d;       // result exponent

  // shared scalar datapath
  logic signed [63:0] sh_v, sh_o;
  logic signed [31:0] sh_k;
  logic signed [31:0] mu_a, mu_b;
  logic signed [63:0] mu_o;
  logic signed [63:0] bl_v;
  logic        [6:0]  bl_o;

  assign sh_o = sh(sh_v, sh_k);
  assign mu_o = 64'(mu_a) * 64'(mu_b);
  assign bl_o = rw_num_pkg::bitlen64(rw_num_pkg::mag64(bl_v));

  // rsqrt
  logic               rs_req;
  logic signed [31:0] rs_m, rs_e;
  logic               rs_vld;
  logic signed [31:0] rs_mo, rs_eo;

  sfu_rsqrt #(
    .MEMFILE(RSQRT_MEMFILE)
  ) u_rsqrt (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .req_i  (rs_req),
    .m_i    (rs_m),
    .e_i    (rs_e),
    .vld_o  (rs_vld),
    .m_o    (rs_mo),
    .e_o    (rs_eo)
  );

  // row pipeline: issue, the stages' valid bits, lane masks and rows (stage s,
  // s cycles after the issue, at bits s - 1 of pv, VL*(s-1) +: VL of pm,
  // RB*(s-1) +: RB of pr)
  logic              iss;              // a row issued this cycle
  logic [VL-1:0]     iss_mask;         // its lanes inside the group
  logic [PD-1:0]     pv_q, pv_d;
  logic [PD*VL-1:0]  pm_q, pm_d;
  logic [PD*RB-1:0]  pr_q, pr_d;
  logic              pv_clr, pipe_busy;
  logic [PD:2]       v_s;              // stage s valid (stage 1 only in pipe_busy)
  logic [VL-1:0]     m2, m3, m4, m5, m6, m7;
  logic [RB-1:0]     r2, r3, r4, r7;

  assign v_s = pv_q[PD-1:1];
  assign m2  = pm_q[VL*1 +: VL];
  assign m3  = pm_q[VL*2 +: VL];
  assign m4  = pm_q[VL*3 +: VL];
  assign m5  = pm_q[VL*4 +: VL];
  assign m6  = pm_q[VL*5 +: VL];
  assign m7  = pm_q[VL*6 +: VL];
  assign r2  = pr_q[RB*1 +: RB];
  assign r3  = pr_q[RB*2 +: RB];
  assign r4  = pr_q[RB*3 +: RB];
  assign r7  = pr_q[RB*6 +: RB];

  // the group's rows: first, last, and the first of the next group
  logic [12:0] glast, rs_c, re_c, nxt_rs, lo_c, hi_c;

  assign glast  = base_q + gs_q - 13'd1;
  assign rs_c   = base_q >> LV;
  assign re_c   = glast >> LV;
  assign nxt_rs = (base_q + gs_q) >> LV;
  assign lo_c   = (row_q == rs_c) ? (base_q & LMASK) : 13'd0;
  assign hi_c   = (row_q == re_c) ? (glast & LMASK) : LMASK;

  // lanes lo_c .. hi_c of the issued row
  assign iss_mask = iss ? (({VL{1'b1}} << lo_c) & ({VL{1'b1}} >> (LMASK - hi_c))) : '0;

  // buffers
  logic              buf_re;
  logic [VL-1:0]     buf_we;
  logic [RB-1:0]     buf_raddr, buf_waddr;
  logic [VL*32-1:0]  buf_wdata, buf_rdata;
  logic              gx_re, gx_we;
  logic [IW-1:0]     gx_raddr, gx_waddr;
  logic [31:0]       gx_wdata, gx_rdata;

  // d, then the group results y: one word per element, a row per address
  norm_ram #(.AW(RB), .DW(32), .NL(VL)) u_buf (
    .clk_i   (clk_i),
    .we_i    (buf_we),
    .waddr_i (buf_waddr),
    .wdata_i (buf_wdata),
    .re_i    (buf_re),
    .raddr_i (buf_raddr),
    .rdata_o (buf_rdata)
  );

  // the result exponent of each group
  norm_ram #(.AW(IW), .DW(32), .NL(1)) u_gexp (
    .clk_i   (clk_i),
    .we_i    (gx_we),
    .waddr_i (gx_waddr),
    .wdata_i (gx_wdata),
    .re_i    (gx_re),
    .raddr_i (gx_raddr),
    .rdata_o (gx_rdata)
  );

  // ------------------------------------------------------------ control

  logic signed [31:0] ex, ew, eb, einv, eeps;
  assign ex   = $signed(src0_e_i);
  assign ew   = $signed(src1_e_i);
  assign eb   = $signed(src2_e_i);
  assign einv = $signed(src3_e_i);
  assign eeps = l2_q ? $signed(src1_e_i) : $signed(src4_e_i);

  logic               chk_bad;
  logic        [16:0] drem;
  logic        [63:0] vmag_a, vmag_b;
  logic signed [31:0] kfrom_nb;  // 30 - bitlen, the normalize shift (0 for zero)
  logic signed [31:0] top_c;     // bitlen(max |y|) + exponent of a group
  logic        [6:0]  sq_c;      // act_quant's shift max(bitlen - 15, 0)
  logic signed [31:0] al_c;
  logic               start_clr, grp_clr, ss_clr, amax_clr;

  // the scalars arrive in lane 0 of row 0 (ST_CHK)
  always_comb begin
    chk_bad = 1'b0;
    if ((op_i != 8'(rwkvacc_hw_pkg::OP_NORM)) && (op_i != 8'(rwkvacc_hw_pkg::OP_L2NORM)))
      chk_bad = 1'b1;
    if ((imm_i == 16'd0) || ({19'd0, n_i} > VREG_WORDS) || (src0_n_i != n_i) || !edom(ex))
      chk_bad = 1'b1;
    if (op_i == 8'(rwkvacc_hw_pkg::OP_NORM)) begin
      if ((src1_n_i != n_i) || (src2_n_i != n_i) || !edom(ew) || !edom(eb) ||
          !pos_scalar(src3_n_i, einv, $signed(rd0_data_i[31:0])) ||
          !pos_scalar(src4_n_i, $signed(src4_e_i), $signed(rd1_data_i[31:0])))
        chk_bad = 1'b1;
    end else begin
      if (!pos_scalar(src1_n_i, $signed(src1_e_i), $signed(rd1_data_i[31:0])))
        chk_bad = 1'b1;
    end
  end

  assign kfrom_nb = (nb_q == 7'd0) ? 32'sd0 : 32'sd30 - 32'($signed({1'b0, nb_q}));
  assign top_c    = 32'($signed({1'b0, bl_o})) + nrm_eo_q;
  assign sq_c     = (bl_o > 7'd15) ? bl_o - 7'd15 : 7'd0;

  // Operands of the shared scalar shifter, multiplier and bit-length unit, by
  // state (a block of its own, so that no block both drives and reads them).
  always_comb begin
    sh_v = 64'(nrm_m_q);
    sh_k = al_ka_q;
    mu_a = nrm_m_q;
    mu_b = minv_q;
    bl_v = nrm_v_q;
    unique case (state_q)
      ST_NRM_SH: begin
        sh_v = nrm_v_q;
        sh_k = kfrom_nb;
      end
      ST_CEN1: sh_k = al_kb_q;                 // mean aligned
      ST_CEN2: sh_v = 64'(xmax_q);
      ST_CEN3: sh_v = 64'(xmin_q);
      ST_EPS2, ST_CMP2: begin
        sh_v = 64'(epsm_q);
        sh_k = al_kb_q;
      end
      ST_CEN4, ST_T3K, ST_L2Y1: bl_v = 64'(nrm_m_q);
      ST_L2Q: bl_v = $signed({32'd0, amax_q[31:0]});  // max |x| <= 2^31
      ST_T1: begin
        mu_a = maxd_q;
        mu_b = rm_q;
      end
      ST_L2Y0: begin
        mu_a = $signed(amax_q[31:0]);  // max |x| <= 2^30 here (domain checked)
        mu_b = rm_q;
      end
      default: ;
    endcase
  end

  always_comb begin
    state_d  = state_q;
    ret_d    = ret_q;
    pass_d   = pass_q;
    l2_d     = l2_q;
    err_d    = err_q;
    n_d      = n_q;
    groups_d = groups_q;
    gs_d     = gs_q;
    grp_d    = grp_q;
    base_d   = base_q;
    row_d    = row_q;
    dcnt_d   = dcnt_q;
    rem_d    = rem_q;
    quo_d    = quo_q;
    minv_d   = minv_q;
    epsm_d   = epsm_q;
    nrm_v_d  = nrm_v_q;
    nrm_e_d  = nrm_e_q;
    nb_d     = nb_q;
    nrm_m_d  = nrm_m_q;
    nrm_eo_d = nrm_eo_q;
    al_t_d   = al_t_q;
    al_ka_d  = al_ka_q;
    al_kb_d  = al_kb_q;
    mean_d   = mean_q;
    tmp_d    = tmp_q;
    ed_d     = ed_q;
    maxd_d   = maxd_q;
    sq_d     = sq_q;
    eq_d     = eq_q;
    rm_d     = rm_q;
    re_d     = re_q;
    k1_d     = k1_q;
    k2_d     = k2_q;
    k5_d     = k5_q;
    e1_d     = e1_q;
    top_d    = top_q;
    anynz_d  = anynz_q;
    ey_d     = ey_q;

    rs_req = 1'b0;
    rs_m   = nrm_m_q;
    rs_e   = nrm_eo_q;

    // issue: x (rd0), the buffer and the group exponent at the issued row;
    // w (rd1) two and b (rd2) four cycles later, when the pipeline needs them
    iss        = 1'b0;
    rd0_en_o   = 1'b0;
    rd0_addr_o = {src0_i, RB'(row_q)};
    rd1_en_o   = v_s[2] && ((pass_q == P_SUM) || (pass_q == P_OUT1) ||
                            (pass_q == P_OUT2) || (pass_q == P_OUT3));
    rd1_addr_o = {src1_i, r2};
    rd2_en_o   = v_s[4] && ((pass_q == P_SUM) || (pass_q == P_OUT2) || (pass_q == P_OUT3));
    rd2_addr_o = {src2_i, r4};
    buf_re     = 1'b0;
    buf_raddr  = RB'(row_q);
    gx_re     = 1'b0;
    gx_raddr  = IW'(grp_q);
    gx_we     = 1'b0;
    gx_waddr  = IW'(grp_q);
    gx_wdata  = nrm_eo_q;

    drem   = {rem_q, n_q[dcnt_q]};
    vmag_a = 64'd0;
    vmag_b = 64'd0;
    al_c   = 32'sd0;
    start_clr = (state_q == ST_IDLE) && start_i;
    grp_clr  = 1'b0;
    ss_clr   = 1'b0;
    amax_clr = 1'b0;
    pv_clr   = 1'b0;

    unique case (state_q)
      ST_IDLE: begin
        if (start_i) begin
          l2_d     = (op_i == 8'(rwkvacc_hw_pkg::OP_L2NORM));
          err_d    = 1'b0;
          n_d      = n_i;
          groups_d = imm_i;
          dcnt_d   = 4'd12;
          rem_d    = 16'd0;
          quo_d    = 13'd0;
          ey_d     = 32'sd0;
          state_d  = ST_RDSC;
        end
      end
      // the scalars: 1/n on rd0 (NORM), eps (eps_sq) on rd1, word 0
      ST_RDSC: begin
        rd0_en_o   = !l2_q;
        rd0_addr_o = {src3_i, RB'(0)};
        rd1_en_o   = 1'b1;
        rd1_addr_o = {(l2_q ? src1_i : src4_i), RB'(0)};
        state_d    = ST_CHK;
      end
      ST_CHK: begin
        minv_d = $signed(rd0_data_i[31:0]);  // lane 0 of row 0: element 0
        epsm_d = $signed(rd1_data_i[31:0]);
        if (chk_bad) begin
          err_d   = 1'b1;
          state_d = ST_DONE;
        end else begin
          state_d = ST_DIV;
        end
      end
      // group size n / groups, restoring division, one bit per cycle
      ST_DIV: begin
        if (drem >= {1'b0, groups_q}) begin
          rem_d = 16'(drem - {1'b0, groups_q});
          quo_d[dcnt_q] = 1'b1;
        end else begin
          rem_d = drem[15:0];
        end
        dcnt_d = dcnt_q - 4'd1;
        if (dcnt_q == 4'd0) state_d = ST_DIVCHK;
      end
      ST_DIVCHK: begin
        gs_d    = quo_q;
        grp_d   = 13'd0;
        base_d  = 13'd0;
        anynz_d = 1'b0;
        top_d   = 32'sd0;
        if (rem_q != 16'd0) begin
          err_d   = 1'b1;  // n % groups (the sequencer's check, repeated)
          state_d = ST_DONE;
        end else if (n_q == 13'd0) begin
          state_d = ST_DONE;  // an empty vector: n = 0, e = 0
        end else begin
          state_d = ST_GRP;
        end
      end
      ST_GRP: begin
        grp_clr = 1'b1;
        row_d   = rs_c;
        pass_d  = l2_q ? P_L2MAX : P_SUM;
        state_d = ST_PASS;
      end
      ST_PASS: begin
        iss = 1'b1;
        unique case (pass_q)
          P_SUM, P_CENTER, P_L2MAX, P_L2SQ, P_L2OUT: rd0_en_o = 1'b1;
          P_OUT1, P_OUT2, P_OUT3: buf_re = 1'b1;
          P_FINAL: begin
            buf_re = 1'b1;
            gx_re  = 1'b1;
          end
          default: ;
        endcase
        if (row_q == re_c) begin
          if ((pass_q == P_FINAL) && ({3'd0, grp_q} != groups_q - 16'd1)) begin
            grp_d  = grp_q + 13'd1;
            base_d = base_q + gs_q;
            row_d  = nxt_rs;  // the same row again if the groups share it
          end else begin
            state_d = ST_DRAIN;
          end
        end else begin
          row_d = row_q + 13'd1;
        end
      end
      ST_DRAIN: begin
        if (!pipe_busy) begin
          pv_clr = 1'b1;  // rows still in stages this pass does not use
          unique case (pass_q)
            P_SUM:    state_d = ST_MEAN0;
            P_CENTER: state_d = ST_VAR0;
            P_OUT1:   state_d = ST_T2;
            P_OUT2:   state_d = ST_T3;
            P_OUT3:   state_d = ST_NEXT;
            P_L2MAX:  state_d = ST_L2Q;
            P_L2SQ:   state_d = ST_L2SS;
            P_L2OUT:  state_d = ST_NEXT;
            default:  state_d = ST_DONE;  // P_FINAL
          endcase
        end
      end

      // normalize(nrm_v, nrm_e) of one value: bit length, then the shift;
      // all zero gives 0 with exponent 0. Returns to ret_q.
      ST_NRM_BL: begin
        nb_d    = bl_o;
        state_d = ST_NRM_SH;
      end
      ST_NRM_SH: begin
        if (nb_q == 7'd0) begin
          nrm_m_d  = 32'sd0;
          nrm_eo_d = 32'sd0;
        end else begin
          nrm_m_d  = 32'(sh_o);
          nrm_eo_d = nrm_e_q - kfrom_nb;
        end
        state_d = ret_q;
      end

      // ---------------- NORM
      // mean = mul_scalar(sum(x), 1/n)
      ST_MEAN0: begin
        if (domerr_q) begin
          err_d   = 1'b1;
          state_d = ST_DONE;
        end else begin
          nrm_v_d = sum_q;
          nrm_e_d = ex;
          ret_d   = ST_MEAN1;
          state_d = ST_NRM_BL;
        end
      end
      ST_MEAN1: begin
        nrm_v_d = mu_o;
        nrm_e_d = nrm_eo_q + einv;
        ret_d   = ST_CEN0;
        state_d = ST_NRM_BL;
      end
      // d = sub(x, mean): the alignment (x zero: no x != 0 in the group)
      ST_CEN0: begin
        al_c    = align_exp(!xnz_q, ex, nrm_m_q == 32'sd0, nrm_eo_q);
        al_t_d  = al_c;
        al_ka_d = ex - al_c;
        al_kb_d = nrm_eo_q - al_c;
        state_d = ST_CEN1;
      end
      ST_CEN1: begin
        mean_d  = sh_o;
        state_d = ST_CEN2;
      end
      // max |x' - mean| is at max x or at min x (x' = shift(x, ka) is monotone)
      ST_CEN2: begin
        tmp_d   = sh_o - mean_q;
        state_d = ST_CEN3;
      end
      ST_CEN3: begin
        vmag_a  = rw_num_pkg::mag64(tmp_q);
        vmag_b  = rw_num_pkg::mag64(sh_o - mean_q);
        nrm_v_d = $signed((vmag_a > vmag_b) ? vmag_a : vmag_b);
        nrm_e_d = al_t_q;
        ret_d   = ST_CEN4;
        state_d = ST_NRM_BL;
      end
      // max |d| is the normalized max |x' - mean|; act_quant's shift from it
      ST_CEN4: begin
        maxd_d  = nrm_m_q;
        ed_d    = nrm_eo_q;
        k5_d    = kfrom_nb;
        sq_d    = 5'(sq_c);
        eq_d    = (nrm_m_q != 32'sd0) ? nrm_eo_q + 32'(sq_c) : 32'sd0;
        ss_clr  = 1'b1;
        row_d   = rs_c;
        pass_d  = P_CENTER;
        state_d = ST_PASS;
      end
      // variance = mul_scalar(normalize(sum q^2, 2 e_q), 1/n)
      ST_VAR0: begin
        nrm_v_d = ss_q;
        nrm_e_d = eq_q + eq_q;
        ret_d   = ST_VAR1;
        state_d = ST_NRM_BL;
      end
      ST_VAR1: begin
        nrm_v_d = mu_o;
        nrm_e_d = nrm_eo_q + einv;
        ret_d   = ST_EPS0;
        state_d = ST_NRM_BL;
      end
      // add(var, eps)
      ST_EPS0: begin
        al_c    = align_exp(nrm_m_q == 32'sd0, nrm_eo_q, epsm_q == 32'sd0, eeps);
        al_t_d  = al_c;
        al_ka_d = nrm_eo_q - al_c;
        al_kb_d = eeps - al_c;
        state_d = ST_EPS1;
      end
      ST_EPS1: begin
        tmp_d   = sh_o;
        state_d = ST_EPS2;
      end
      ST_EPS2: begin
        nrm_v_d = tmp_q + sh_o;
        nrm_e_d = al_t_q;
        ret_d   = ST_RSQ0;
        state_d = ST_NRM_BL;
      end
      // t1 = mul_scalar(d, r): its shift from max |d| * r (r > 0)
      ST_T1: begin
        nrm_v_d = mu_o;
        nrm_e_d = ed_q + re_q;
        ret_d   = ST_T1K;
        state_d = ST_NRM_BL;
      end
      ST_T1K: begin
        k1_d    = kfrom_nb;
        e1_d    = nrm_eo_q;
        amax_clr = 1'b1;
        row_d   = rs_c;
        pass_d  = P_OUT1;
        state_d = ST_PASS;
      end
      // t2 = mul(t1, w): its shift from the measured max |t1 * w|
      ST_T2: begin
        nrm_v_d = $signed(amax_q);
        nrm_e_d = e1_q + ew;
        ret_d   = ST_T2K;
        state_d = ST_NRM_BL;
      end
      // t3 = add(t2, b): the alignment (t2 zero: max |t1 * w| = 0; b zero: no
      // b != 0 in the group)
      ST_T2K: begin
        k2_d    = kfrom_nb;
        al_c    = align_exp(nb_q == 7'd0, nrm_eo_q, !bnz_q, eb);
        al_t_d  = al_c;
        al_ka_d = nrm_eo_q - al_c;
        al_kb_d = eb - al_c;
        amax_clr = 1'b1;
        row_d   = rs_c;
        pass_d  = P_OUT2;
        state_d = ST_PASS;
      end
      ST_T3: begin
        nrm_v_d = $signed(amax_q);
        nrm_e_d = al_t_q;
        ret_d   = ST_T3K;
        state_d = ST_NRM_BL;
      end
      // y = normalize(t3): the group's exponent and its normalize_each top
      ST_T3K: begin
        k5_d     = kfrom_nb;
        gx_we    = 1'b1;
        gx_wdata = nrm_eo_q;
        if (nb_q != 7'd0) begin
          anynz_d = 1'b1;
          top_d   = (!anynz_q || (top_c > top_q)) ? top_c : top_q;
        end
        row_d   = rs_c;
        pass_d  = P_OUT3;
        state_d = ST_PASS;
      end

      // ---------------- L2NORM
      // act_quant of x: its shift from max |x|
      ST_L2Q: begin
        if (domerr_q) begin
          err_d   = 1'b1;
          state_d = ST_DONE;
        end else begin
          sq_d    = 5'(sq_c);
          eq_d    = (amax_q != 64'd0) ? ex + 32'(sq_c) : 32'sd0;
          ss_clr  = 1'b1;
          row_d   = rs_c;
          pass_d  = P_L2SQ;
          state_d = ST_PASS;
        end
      end
      ST_L2SS: begin
        nrm_v_d = ss_q;
        nrm_e_d = eq_q + eq_q;
        ret_d   = ST_CMP0;
        state_d = ST_NRM_BL;
      end
      // ss = max(ss, eps_sq) by the sign of sub(ss, eps_sq) (rw_cmp_scalar)
      ST_CMP0: begin
        al_c    = align_exp(nrm_m_q == 32'sd0, nrm_eo_q, epsm_q == 32'sd0, eeps);
        al_t_d  = al_c;
        al_ka_d = nrm_eo_q - al_c;
        al_kb_d = eeps - al_c;
        state_d = ST_CMP1;
      end
      ST_CMP1: begin
        tmp_d   = sh_o;
        state_d = ST_CMP2;
      end
      ST_CMP2: begin
        if (tmp_q - sh_o < 64'sd0) begin
          nrm_v_d = 64'(epsm_q);
          nrm_e_d = eeps;
          ret_d   = ST_RSQ0;
          state_d = ST_NRM_BL;
        end else begin
          state_d = ST_RSQ0;
        end
      end
      // y = mul_scalar(x, r): its shift from max |x| * r
      ST_L2Y0: begin
        nrm_v_d = mu_o;
        nrm_e_d = ex + re_q;
        ret_d   = ST_L2Y1;
        state_d = ST_NRM_BL;
      end
      ST_L2Y1: begin
        k1_d     = kfrom_nb;
        gx_we    = 1'b1;
        gx_wdata = nrm_eo_q;
        if (nb_q != 7'd0) begin
          anynz_d = 1'b1;
          top_d   = (!anynz_q || (top_c > top_q)) ? top_c : top_q;
        end
        row_d   = rs_c;
        pass_d  = P_L2OUT;
        state_d = ST_PASS;
      end

      // ---------------- both
      // r = rsqrt(nrm_m, nrm_eo): one request, then its answer
      ST_RSQ0: begin
        rs_req  = 1'b1;
        rs_m    = nrm_m_q;
        rs_e    = nrm_eo_q;
        state_d = ST_RSQ1;
      end
      ST_RSQ1: begin
        if (rs_vld) begin
          rm_d    = rs_mo;
          re_d    = rs_eo;
          state_d = l2_q ? ST_L2Y0 : ST_T1;
        end
      end
      // next group, or the merge (normalize_each) into DST
      ST_NEXT: begin
        if ({3'd0, grp_q} == groups_q - 16'd1) begin
          ey_d    = anynz_q ? top_q - 32'sd30 : 32'sd0;
          grp_d   = 13'd0;
          base_d  = 13'd0;
          row_d   = 13'd0;
          pass_d  = P_FINAL;
          state_d = ST_PASS;
        end else begin
          grp_d   = grp_q + 13'd1;
          base_d  = base_q + gs_q;
          state_d = ST_GRP;
        end
      end
      ST_DONE: state_d = ST_IDLE;
      default: state_d = ST_IDLE;
    endcase
  end

  // ------------------------------------------------------------ row pipeline
  // Stage cS is S cycles after the issue (c0: the x row, the buffer row and the
  // group exponent are read); each pass uses the stages it needs:
  //   SUM     c2: sum, max, min of x, x != 0, x domain; c3: w domain;
  //           c5: b domain, b != 0
  //   CENTER  c1: u = shift(x, ka) - mean; c2: d = shift(u, k5); c3: d into the
  //           buffer, q = act_quant(d); c4: q^2; c5: sum of q^2
  //   OUT1    c1: pa = d * r; c2: t1 = shift(pa, k1); c3: p = t1 * w; c4: max |p|
  //   OUT2    as OUT1, then c4: t2 = shift(p, k2); c5: u = shift(t2, ka) +
  //           shift(b, kb); c6: max |u|
  //   OUT3    as OUT2, then c6: y = shift(u, k5); c7: y into the buffer
  //   L2MAX   c2: max |x|, x domain
  //   L2SQ    c2: q = act_quant(x); c3: q^2; c4: sum of q^2
  //   L2OUT   c1: pa = x * r; c2: y = shift(pa, k1); c3: y into the buffer
  //   FINAL   c1: pa = buffer y, k = gexp - ey; c2: shift(pa, k); c3: into DST
  // w is read at c2 (arriving at c3), b at c4 (arriving at c5), from the rows
  // the stages carry. Sums and maxima over the lanes of a stage are trees on
  // that stage's registers, accumulated at the end of the cycle.

  logic [VL*64-1:0]     pa_q, pa_d, p_q, p_d, u_q, u_d;
  logic [VL*32-1:0]     t1_q, t1_d, t2_q, t2_d, qv_q, qv_d, qs_q, qs_d;
  logic [VL*16-1:0]     qq_q, qq_d;
  logic signed [31:0]   s1_k_q, s1_k_d;  // the shift of c2
  logic signed [63:0]   nmean;
  logic                 qv_x;            // qv takes x (else y)
  logic [VL-1:0]        sum_m, umx_m;    // lanes of the tree stages
  logic [VL*SW-1:0]     sum_l;
  logic [VL*64-1:0]     umx_l;
  logic [VL*32-1:0]     smx_l, smn_l;
  logic [VL-1:0]        xnz_l, xbad_l, wbad_l, bbad_l, bnz_l;
  logic signed [SW-1:0] sum_r;
  logic [63:0]          umx_r;
  logic signed [31:0]   smx_r, smn_r;
  logic [PD-1:0]        live;            // the stages the pass uses

  assign nmean  = -mean_q;
  assign qv_x   = (pass_q == P_SUM) || (pass_q == P_L2MAX) || (pass_q == P_L2SQ);
  assign s1_k_d = (pass_q == P_FINAL) ? $signed(gx_rdata) - ey_q : k1_q;
  assign sum_m  = (pass_q == P_SUM) ? m2 : (pass_q == P_L2SQ) ? m4 : m5;
  assign umx_m  = (pass_q == P_L2MAX) ? m2 : (pass_q == P_OUT1) ? m4 : m6;

  // the lanes
  always_comb begin : c_lanes
    logic signed [31:0]   xj, wj, bj, bvj, aj, t1j, t2j, qvj, yj, qf;
    logic signed [63:0]   paj, pj, uj;
    logic signed [15:0]   qqj;
    logic signed [SW-1:0] sl;
    for (int j = 0; j < VL; j++) begin
      xj  = $signed(rd0_data_i[32*j +: 32]);
      wj  = $signed(rd1_data_i[32*j +: 32]);
      bj  = $signed(rd2_data_i[32*j +: 32]);
      bvj = $signed(buf_rdata[32*j +: 32]);
      paj = $signed(pa_q[64*j +: 64]);
      t1j = $signed(t1_q[32*j +: 32]);
      pj  = $signed(p_q[64*j +: 64]);
      t2j = $signed(t2_q[32*j +: 32]);
      uj  = $signed(u_q[64*j +: 64]);
      qvj = $signed(qv_q[32*j +: 32]);
      qqj = $signed(qq_q[16*j +: 16]);

      // c1: pa = (x or d) * r, or the buffer word (FINAL)
      aj = (pass_q == P_L2OUT) ? xj : bvj;
      if (pass_q == P_FINAL)
        pa_d[64*j +: 64] = 64'(bvj);
      else
        pa_d[64*j +: 64] = 64'(aj) * 64'(rm_q);
      // c2: t1 (normalized by its pass: |t1| <= 2^30)
      t1_d[32*j +: 32] = 32'(sh_f(paj, s1_k_q));
      // c3: p = t1 * w
      p_d[64*j +: 64] = 64'(t1j) * 64'(wj);
      // c4: t2
      t2_d[32*j +: 32] = 32'(sh_f(pj, k2_q));
      // c1 (CENTER) or c5: the aligned sum
      u_d[64*j +: 64] = shw_f((pass_q == P_CENTER) ? xj : t2j, al_ka_q) +
                        ((pass_q == P_CENTER) ? nmean : shw_f(bj, al_kb_q));
      // c2 (CENTER) or c6: y = normalize(u); or x (SUM, L2MAX, L2SQ)
      yj = 32'(sh_f(uj, k5_q));
      qv_d[32*j +: 32] = qv_x ? xj : yj;
      // act_quant's rounding, clamped to +-32767, and the square
      qf = rne32_f(qvj, sq_q);
      qq_d[16*j +: 16] = (qf > 32'sd32767) ? 16'sd32767 :
                         (qf < -32'sd32767) ? -16'sd32767 : 16'(qf);
      qs_d[32*j +: 32] = 32'(32'(qqj) * 32'(qqj));

      // tree leaves: masked lanes give the neutral value
      if (!sum_m[j])
        sl = '0;
      else if (pass_q == P_SUM)
        sl = SW'(qvj);
      else
        sl = SW'(qs_q[32*j +: 32]);
      sum_l[SW*j +: SW] = sl;
      if (!umx_m[j])
        umx_l[64*j +: 64] = 64'd0;
      else if (pass_q == P_L2MAX)
        umx_l[64*j +: 64] = rw_num_pkg::mag64(64'(qvj));
      else
        umx_l[64*j +: 64] = rw_num_pkg::mag64((pass_q == P_OUT1) ? pj : uj);
      smx_l[32*j +: 32] = m2[j] ? qvj : 32'sh80000000;
      smn_l[32*j +: 32] = m2[j] ? qvj : 32'sh7fffffff;
      xnz_l[j]  = m2[j] && (qvj != 32'sd0);
      xbad_l[j] = m2[j] && !mdom(qvj);
      wbad_l[j] = m3[j] && !mdom(wj);
      bbad_l[j] = m5[j] && !mdom(bj);
      bnz_l[j]  = m5[j] && (bj != 32'sd0);
    end
  end

  // balanced trees over the lanes: exact sum, unsigned max, signed max and min
  always_comb begin : c_trees
    logic [VL*SW-1:0] ts;
    logic [VL*64-1:0] tu;
    logic [VL*32-1:0] tx, tn;
    ts = sum_l;
    tu = umx_l;
    tx = smx_l;
    tn = smn_l;
    for (int l = 0; l < LVS; l++) begin
      for (int i = 0; i < (VL >> (l + 1)); i++) begin
        ts[SW*i +: SW] = SW'($signed(ts[SW*2*i +: SW]) + $signed(ts[SW*(2*i+1) +: SW]));
        tu[64*i +: 64] = (tu[64*2*i +: 64] > tu[64*(2*i+1) +: 64]) ?
                         tu[64*2*i +: 64] : tu[64*(2*i+1) +: 64];
        tx[32*i +: 32] = ($signed(tx[32*2*i +: 32]) > $signed(tx[32*(2*i+1) +: 32])) ?
                         tx[32*2*i +: 32] : tx[32*(2*i+1) +: 32];
        tn[32*i +: 32] = ($signed(tn[32*2*i +: 32]) < $signed(tn[32*(2*i+1) +: 32])) ?
                         tn[32*2*i +: 32] : tn[32*(2*i+1) +: 32];
      end
    end
    sum_r = $signed(ts[SW-1:0]);
    umx_r = tu[63:0];
    smx_r = $signed(tx[31:0]);
    smn_r = $signed(tn[31:0]);
  end

  // accumulators
  always_comb begin
    sum_d    = sum_q;
    xmax_d   = xmax_q;
    xmin_d   = xmin_q;
    xnz_d    = xnz_q;
    bnz_d    = bnz_q;
    domerr_d = domerr_q;
    amax_d   = amax_q;
    ss_d     = ss_q;
    if (grp_clr) begin
      sum_d  = 64'sd0;
      xmax_d = 32'sh80000000;
      xmin_d = 32'sh7fffffff;
      xnz_d  = 1'b0;
      bnz_d  = 1'b0;
      amax_d = 64'd0;
    end
    if (start_clr) domerr_d = 1'b0;
    if (ss_clr) ss_d = 64'sd0;
    if (amax_clr) amax_d = 64'd0;
    if (v_s[2] && (pass_q == P_SUM)) begin
      sum_d  = sum_q + 64'(sum_r);
      xmax_d = (smx_r > xmax_q) ? smx_r : xmax_q;
      xmin_d = (smn_r < xmin_q) ? smn_r : xmin_q;
      xnz_d  = xnz_q || (|xnz_l);
      if (|xbad_l) domerr_d = 1'b1;
    end
    if (v_s[3] && (pass_q == P_SUM) && (|wbad_l)) domerr_d = 1'b1;
    if (v_s[5] && (pass_q == P_SUM)) begin
      bnz_d = bnz_q || (|bnz_l);
      if (|bbad_l) domerr_d = 1'b1;
    end
    if (v_s[2] && (pass_q == P_L2MAX)) begin
      if (umx_r > amax_q) amax_d = umx_r;
      if (|xbad_l) domerr_d = 1'b1;
    end
    if ((v_s[4] && (pass_q == P_L2SQ)) || (v_s[5] && (pass_q == P_CENTER)))
      ss_d = ss_q + 64'(sum_r);
    if ((v_s[4] && (pass_q == P_OUT1)) || (v_s[6] && (pass_q == P_OUT2))) begin
      if (umx_r > amax_q) amax_d = umx_r;
    end
  end

  // the row pipeline's control: valid bits, lane masks, rows
  always_comb begin
    pv_d = {pv_q[PD-2:0], iss};
    pm_d = {pm_q[VL*(PD-1)-1:0], iss_mask};
    pr_d = {pr_q[RB*(PD-1)-1:0], RB'(row_q)};
    if (pv_clr) pv_d = '0;
    unique case (pass_q)
      P_SUM, P_CENTER: live = 7'b0011111;
      P_OUT1, P_L2SQ:  live = 7'b0001111;
      P_OUT2:          live = 7'b0111111;
      P_OUT3:          live = 7'b1111111;
      P_L2MAX:         live = 7'b0000011;
      default:         live = 7'b0000111;  // L2OUT, FINAL
    endcase
    pipe_busy = |(pv_q & live);
  end

  // buffer writes: d (CENTER, c3), y (L2OUT, c3; OUT3, c7)
  always_comb begin
    buf_we    = '0;
    buf_waddr = r3;
    buf_wdata = (pass_q == P_L2OUT) ? t1_q : qv_q;
    if (((pass_q == P_CENTER) || (pass_q == P_L2OUT)) && v_s[3]) buf_we = m3;
    if ((pass_q == P_OUT3) && v_s[7]) begin
      buf_we    = m7;
      buf_waddr = r7;
    end
  end

  // ------------------------------------------------------------ outputs

  assign busy_o     = (state_q != ST_IDLE);
  assign done_o     = (state_q == ST_DONE);
  assign err_o      = (state_q == ST_DONE) && err_q;
  assign dst_e_o    = err_q ? 32'd0 : ey_q;
  assign dst_n_o    = err_q ? 13'd0 : n_q;
  assign wr_en_o    = v_s[3] && (pass_q == P_FINAL);
  assign wr_addr_o  = {dst_i, r3};
  assign wr_data_o  = t1_q;
  assign wr_mask_o  = wr_en_o ? m3 : '0;

  // ------------------------------------------------------------ flops

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q  <= ST_IDLE;
      ret_q    <= ST_IDLE;
      pass_q   <= P_SUM;
      l2_q     <= 1'b0;
      err_q    <= 1'b0;
      pv_q     <= '0;
    end else begin
      state_q  <= state_d;
      ret_q    <= ret_d;
      pass_q   <= pass_d;
      l2_q     <= l2_d;
      err_q    <= err_d;
      pv_q     <= pv_d;
    end
  end

  // Datapath registers: not reset, each is written before it is read (the
  // control above decides when a value is valid).
  always_ff @(posedge clk_i) begin
    n_q      <= n_d;
    groups_q <= groups_d;
    gs_q     <= gs_d;
    grp_q    <= grp_d;
    base_q   <= base_d;
    row_q    <= row_d;
    dcnt_q   <= dcnt_d;
    rem_q    <= rem_d;
    quo_q    <= quo_d;
    minv_q   <= minv_d;
    epsm_q   <= epsm_d;
    sum_q    <= sum_d;
    xmax_q   <= xmax_d;
    xmin_q   <= xmin_d;
    xnz_q    <= xnz_d;
    bnz_q    <= bnz_d;
    domerr_q <= domerr_d;
    amax_q   <= amax_d;
    nrm_v_q  <= nrm_v_d;
    nrm_e_q  <= nrm_e_d;
    nb_q     <= nb_d;
    nrm_m_q  <= nrm_m_d;
    nrm_eo_q <= nrm_eo_d;
    al_t_q   <= al_t_d;
    al_ka_q  <= al_ka_d;
    al_kb_q  <= al_kb_d;
    mean_q   <= mean_d;
    tmp_q    <= tmp_d;
    ed_q     <= ed_d;
    maxd_q   <= maxd_d;
    sq_q     <= sq_d;
    eq_q     <= eq_d;
    ss_q     <= ss_d;
    rm_q     <= rm_d;
    re_q     <= re_d;
    k1_q     <= k1_d;
    k2_q     <= k2_d;
    k5_q     <= k5_d;
    e1_q     <= e1_d;
    top_q    <= top_d;
    anynz_q  <= anynz_d;
    ey_q     <= ey_d;

    pm_q     <= pm_d;
    pr_q     <= pr_d;
    s1_k_q   <= s1_k_d;
    pa_q     <= pa_d;
    t1_q     <= t1_d;
    p_q      <= p_d;
    t2_q     <= t2_d;
    u_q      <= u_d;
    qv_q     <= qv_d;
    qq_q     <= qq_d;
    qs_q     <= qs_d;
  end
endmodule
