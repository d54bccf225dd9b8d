// norm_unit.sv - the norm unit: NORM (rw_groupnorm: per-group layer norm with
// weight and bias) and L2NORM (rw_l2norm: 7.0's per-head L2 normalisation), bit
// for bit as cmodel/golden/norm.c and docs/numerics.md section 5, with the data
// checks of cmodel/golden/card.c op_norm (err_o, nothing written).
//
// How: every block-floating normalization needs the maximum of the values it
// normalizes before it can shift any of them, so each group is processed in
// passes over its elements, one element per cycle, with the scalars of the
// golden model computed between passes by a small sequential scalar datapath
// (one shifter, one multiplier, one bit-length unit, sfu_rsqrt). Maxima that are
// a monotone function of values already known are derived instead of measured
// (max|x - mean| from max x and min x; max|d * r| = max|d| * r for r > 0), which
// saves two passes. NORM, per group:
//   SUM     sum x, max x, min x, zero tests; domain of x, w, b
//   CENTER  d = normalize(x - mean) into the buffer; q = act_quant(d); sum q^2
//   OUT1    t1 = normalize(d * r), max |t1 * w|
//   OUT2    t2 = normalize(t1 * w), max |t2 + b| (aligned)
//   OUT3    y = normalize(t2 + b) into the buffer, the group exponent into gexp
// L2NORM, per group: L2MAX (max |x|, domain), L2SQ (sum q^2), L2OUT (y = x * r).
// Then FINAL: normalize_each over the groups, written to DST.
// Cost: NORM 6 cycles per element (5 passes per group + FINAL), L2NORM 4, plus
// per group about 75 (NORM) / 30 (L2NORM) cycles of pipeline drains and scalar
// steps (measured: NORM n = 768 in 4,704 cycles as one group, 5,529 as 12;
// L2NORM 768 in 12 groups 3,441). The destination is written only in FINAL,
// after every source word has been read, so DST may be a source.
// Not here: instruction decoding and register-number checks (the sequencer's);
// of the sequencer's checks only the cheap ones are repeated (groups = 0,
// n % groups, operand lengths, n > VREG_WORDS), as err_o.
`include "rwkvacc_hw.svh"

module norm_unit #(
  parameter int unsigned VREG_WORDS = rwkvacc_hw_pkg::CFG_VREG_WORDS,
  parameter              RSQRT_MEMFILE = "rtl/tables/rsqrt.mem"
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        start_i,
  output logic        busy_o,
  output logic        done_o,
  output logic        err_o,
  input  logic [7:0]  op_i,        // OP_NORM or OP_L2NORM
  input  logic [12:0] n_i,
  input  logic [15:0] imm_i,       // groups
  input  logic [4:0]  src0_i,      // x
  input  logic [4:0]  src1_i,      // NORM: w; L2NORM: eps_sq (scalar)
  input  logic [4:0]  src2_i,      // NORM: b
  input  logic [4:0]  src3_i,      // NORM: 1/n (scalar)
  input  logic [4:0]  src4_i,      // NORM: eps (scalar)
  input  logic [31:0] src0_e_i,
  input  logic [31:0] src1_e_i,
  input  logic [31:0] src2_e_i,
  input  logic [31:0] src3_e_i,
  input  logic [31:0] src4_e_i,
  input  logic [12:0] src0_n_i,
  input  logic [12:0] src1_n_i,
  input  logic [12:0] src2_n_i,
  input  logic [12:0] src3_n_i,
  input  logic [12:0] src4_n_i,
  input  logic [4:0]  dst_i,
  output logic [31:0] dst_e_o,
  output logic [12:0] dst_n_o,
  output logic        rd0_en_o,
  output logic [16:0] rd0_addr_o,
  input  logic [31:0] rd0_data_i,
  output logic        rd1_en_o,
  output logic [16:0] rd1_addr_o,
  input  logic [31:0] rd1_data_i,
  output logic        rd2_en_o,
  output logic [16:0] rd2_addr_o,
  input  logic [31:0] rd2_data_i,
  output logic        wr_en_o,
  output logic [16:0] wr_addr_o,
  output logic [31:0] wr_data_o
);
  localparam int unsigned IW = $clog2(VREG_WORDS);  // element index bits (12)

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
  logic [12:0] cnt_q, cnt_d;      // element within the group
  logic [3:0]  dcnt_q, dcnt_d;    // divider bit
  logic [15:0] rem_q, rem_d;
  logic [12:0] quo_q, quo_d;

  // scalars
  logic signed [31:0] minv_q, minv_d;   // 1/n mantissa
  logic signed [31:0] epsm_q, epsm_d;   // eps (eps_sq) mantissa
  logic signed [63:0] sum_q, sum_d;     // exact group sum of x
  logic signed [31:0] xmax_q, xmax_d, xmin_q, xmin_d;
  logic               xnz_q, xnz_d, bnz_q, bnz_d, domerr_q, domerr_d;
  logic        [31:0] mx_q, mx_d;       // L2: max |x| of the group
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
  logic        [63:0] maxp_q, maxp_d, maxu_q, maxu_d;
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

  // element pipeline: issue and buffers
  logic          iss;              // an element read this cycle
  logic [IW-1:0] iss_idx;
  logic          pipe_busy;

  logic          buf_re, buf_we;
  logic [IW-1:0] buf_raddr, buf_waddr;
  logic [31:0]   buf_wdata, buf_rdata;
  logic          gx_re, gx_we;
  logic [IW-1:0] gx_raddr, gx_waddr;
  logic [31:0]   gx_wdata, gx_rdata;

  // d, then the group results y: one word per element
  norm_ram #(.AW(IW), .DW(32)) u_buf (
    .clk_i   (clk_i),
    .we_i    (buf_we),
    .waddr_i (buf_waddr),
    .wdata_i (buf_wdata),
    .re_i    (buf_re),
    .raddr_i (buf_raddr),
    .rdata_o (buf_rdata)
  );

  // the result exponent of each group
  norm_ram #(.AW(IW), .DW(32)) u_gexp (
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
  logic               start_clr, grp_clr, ss_clr, maxp_clr, maxu_clr;

  always_comb begin
    chk_bad = 1'b0;
    if ((op_i != 8'(rwkvacc_hw_pkg::OP_NORM)) && (op_i != 8'(rwkvacc_hw_pkg::OP_L2NORM)))
      chk_bad = 1'b1;
    if ((imm_i == 16'd0) || ({19'd0, n_i} > VREG_WORDS) || (src0_n_i != n_i) || !edom(ex))
      chk_bad = 1'b1;
    if (op_i == 8'(rwkvacc_hw_pkg::OP_NORM)) begin
      if ((src1_n_i != n_i) || (src2_n_i != n_i) || !edom(ew) || !edom(eb) ||
          !pos_scalar(src3_n_i, einv, $signed(rd0_data_i)) ||
          !pos_scalar(src4_n_i, $signed(src4_e_i), $signed(rd1_data_i)))
        chk_bad = 1'b1;
    end else begin
      if (!pos_scalar(src1_n_i, $signed(src1_e_i), $signed(rd1_data_i)))
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
      ST_L2Q: bl_v = $signed({32'd0, mx_q});
      ST_T1: begin
        mu_a = maxd_q;
        mu_b = rm_q;
      end
      ST_L2Y0: begin
        mu_a = $signed(mx_q);
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
    cnt_d    = cnt_q;
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

    iss      = 1'b0;
    iss_idx  = IW'(base_q + cnt_q);
    rd0_en_o = 1'b0;
    rd1_en_o = 1'b0;
    rd2_en_o = 1'b0;
    rd0_addr_o = {src0_i, 12'(iss_idx)};
    rd1_addr_o = {src1_i, 12'(iss_idx)};
    rd2_addr_o = {src2_i, 12'(iss_idx)};
    buf_re    = 1'b0;
    buf_raddr = iss_idx;
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
    maxp_clr = 1'b0;
    maxu_clr = 1'b0;

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
        rd0_addr_o = {src3_i, 12'd0};
        rd1_en_o   = 1'b1;
        rd1_addr_o = {(l2_q ? src1_i : src4_i), 12'd0};
        state_d    = ST_CHK;
      end
      ST_CHK: begin
        minv_d = $signed(rd0_data_i);
        epsm_d = $signed(rd1_data_i);
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
        cnt_d   = 13'd0;
        pass_d  = l2_q ? P_L2MAX : P_SUM;
        state_d = ST_PASS;
      end
      ST_PASS: begin
        iss = 1'b1;
        unique case (pass_q)
          P_SUM: begin
            rd0_en_o = 1'b1;
            rd1_en_o = 1'b1;
            rd2_en_o = 1'b1;
          end
          P_CENTER, P_L2MAX, P_L2SQ, P_L2OUT: rd0_en_o = 1'b1;
          P_OUT1: begin
            rd1_en_o = 1'b1;
            buf_re   = 1'b1;
          end
          P_OUT2, P_OUT3: begin
            rd1_en_o = 1'b1;
            rd2_en_o = 1'b1;
            buf_re   = 1'b1;
          end
          P_FINAL: begin
            buf_re = 1'b1;
            gx_re  = 1'b1;
          end
          default: ;
        endcase
        if (cnt_q == gs_q - 13'd1) begin
          cnt_d = 13'd0;
          if ((pass_q == P_FINAL) && ({3'd0, grp_q} != groups_q - 16'd1)) begin
            grp_d  = grp_q + 13'd1;
            base_d = base_q + gs_q;
          end else begin
            state_d = ST_DRAIN;
          end
        end else begin
          cnt_d = cnt_q + 13'd1;
        end
      end
      ST_DRAIN: begin
        if (!pipe_busy) begin
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
        cnt_d   = 13'd0;
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
        maxp_clr = 1'b1;
        cnt_d   = 13'd0;
        pass_d  = P_OUT1;
        state_d = ST_PASS;
      end
      // t2 = mul(t1, w): its shift from the measured max |t1 * w|
      ST_T2: begin
        nrm_v_d = $signed(maxp_q);
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
        maxu_clr = 1'b1;
        cnt_d   = 13'd0;
        pass_d  = P_OUT2;
        state_d = ST_PASS;
      end
      ST_T3: begin
        nrm_v_d = $signed(maxu_q);
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
        cnt_d   = 13'd0;
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
          eq_d    = (mx_q != 32'd0) ? ex + 32'(sq_c) : 32'sd0;
          ss_clr  = 1'b1;
          cnt_d   = 13'd0;
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
        cnt_d   = 13'd0;
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
        cnt_d = 13'd0;
        if ({3'd0, grp_q} == groups_q - 16'd1) begin
          ey_d    = anynz_q ? top_q - 32'sd30 : 32'sd0;
          grp_d   = 13'd0;
          base_d  = 13'd0;
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

  // ------------------------------------------------------------ element pipeline
  // Issue (cycle 0): source words, buffer word and group exponent are read.
  // R (cycle 1, r_v_q): the words arrive. Then, for the passes that use them:
  //   R  : SUM, L2MAX accumulate; L2SQ feeds the quantizer;
  //        pa = (L2OUT ? x : buf) * r, or FINAL: pa = buf, shift = gexp - ey
  //   S1 : t1 = shift(pa, k1) -> L2OUT: buffer, FINAL: DST
  //   S2 : p = t1 * w
  //   S3 : OUT1: max |p|;  t2 = shift(p, k2)
  //   S4 : u = CENTER ? shift(x, ka) - mean : shift(t2, ka) + shift(b, kb)
  //   S5 : OUT2: max |u|;  y = shift(u, k5) -> CENTER (d), OUT3: buffer
  //   Q1..Q3: q = act_quant(y or x), sum q^2 (CENTER, L2SQ)

  logic                r_v_q;
  logic [IW-1:0]       r_idx_q;
  logic                s1_v_q, s1_v_d, s2_v_q, s2_v_d, s3_v_q, s3_v_d;
  logic                s4_v_q, s4_v_d, s5_v_q, s5_v_d;
  logic [IW-1:0]       s1_idx_q, s2_idx_q, s3_idx_q, s4_idx_q, s5_idx_q;
  logic signed [63:0]  s1_pa_q, s1_pa_d;
  logic signed [31:0]  s1_k_q, s1_k_d;
  logic signed [31:0]  s1_x_q, s1_w_q, s1_b_q;
  logic signed [31:0]  s2_t1_q, s2_t1_d, s2_x_q, s2_w_q, s2_b_q;
  logic signed [63:0]  s3_p_q, s3_p_d;
  logic signed [31:0]  s3_x_q, s3_b_q;
  logic signed [31:0]  s4_t2_q, s4_t2_d, s4_x_q, s4_b_q;
  logic signed [63:0]  s5_u_q, s5_u_d;
  logic                q1_v_q, q1_v_d, q2_v_q, q2_v_d, q3_v_q, q3_v_d;
  logic signed [31:0]  q1_val_q, q1_val_d;
  logic signed [15:0]  q2_q_q, q2_q_d;
  logic        [31:0]  q3_sq_q, q3_sq_d;
  logic                bw_v_q, bw_v_d;          // buffer write
  logic [IW-1:0]       bw_a_q, bw_a_d;
  logic signed [31:0]  bw_d_q, bw_d_d;
  logic                xw_v_q, xw_v_d;          // DST write
  logic [IW-1:0]       xw_a_q, xw_a_d;
  logic signed [31:0]  xw_d_q, xw_d_d;

  logic signed [31:0]  x_r, w_r, b_r, buf_r, a_r;
  logic signed [31:0]  t1_s1, y_s5;
  logic signed [63:0]  q_full;
  logic        [31:0]  xmag_r;

  assign x_r   = $signed(rd0_data_i);
  assign w_r   = $signed(rd1_data_i);
  assign b_r   = $signed(rd2_data_i);
  assign buf_r = $signed(buf_rdata);

  always_comb begin
    // R
    a_r     = (pass_q == P_L2OUT) ? x_r : buf_r;
    s1_v_d  = r_v_q && ((pass_q == P_OUT1) || (pass_q == P_OUT2) || (pass_q == P_OUT3) ||
                        (pass_q == P_CENTER) || (pass_q == P_L2OUT) || (pass_q == P_FINAL));
    s1_pa_d = (pass_q == P_FINAL) ? 64'(buf_r) : 64'(a_r) * 64'(rm_q);
    s1_k_d  = (pass_q == P_FINAL) ? $signed(gx_rdata) - ey_q : k1_q;
    // S1
    t1_s1   = 32'(sh(s1_pa_q, s1_k_q));  // normalized: |t1| <= 2^30
    s2_v_d  = s1_v_q && (pass_q != P_L2OUT) && (pass_q != P_FINAL);
    s2_t1_d = t1_s1;
    // S2
    s3_v_d  = s2_v_q;
    s3_p_d  = 64'(s2_t1_q) * 64'(s2_w_q);
    // S3
    s4_v_d  = s3_v_q && (pass_q != P_OUT1);
    s4_t2_d = 32'(sh(s3_p_q, k2_q));
    // S4
    s5_v_d  = s4_v_q;
    if (pass_q == P_CENTER)
      s5_u_d = sh(64'(s4_x_q), al_ka_q) - mean_q;
    else
      s5_u_d = sh(64'(s4_t2_q), al_ka_q) + sh(64'(s4_b_q), al_kb_q);
    // S5
    y_s5    = 32'(sh(s5_u_q, k5_q));

    // quantizer: act_quant's rounding, clamped to +-32767, and the square
    q1_v_d   = 1'b0;
    q1_val_d = x_r;
    if (pass_q == P_L2SQ) begin
      q1_v_d   = r_v_q;
      q1_val_d = x_r;
    end else if (pass_q == P_CENTER) begin
      q1_v_d   = s5_v_q;
      q1_val_d = y_s5;
    end
    q_full  = rw_num_pkg::shr_rne64(64'(q1_val_q), {3'd0, sq_q});
    q2_v_d  = q1_v_q;
    q2_q_d  = (q_full > 64'sd32767) ? 16'sd32767 :
              (q_full < -64'sd32767) ? -16'sd32767 : 16'(q_full);
    q3_v_d  = q2_v_q;
    q3_sq_d = 32'(32'(q2_q_q) * 32'(q2_q_q));

    // writes: the buffer (CENTER d, OUT3 y, L2OUT y) and DST (FINAL)
    bw_v_d = 1'b0;
    bw_a_d = s5_idx_q;
    bw_d_d = y_s5;
    xw_v_d = 1'b0;
    xw_a_d = s1_idx_q;
    xw_d_d = t1_s1;
    if (pass_q == P_L2OUT) begin
      bw_v_d = s1_v_q;
      bw_a_d = s1_idx_q;
      bw_d_d = t1_s1;
    end else if ((pass_q == P_CENTER) || (pass_q == P_OUT3)) begin
      bw_v_d = s5_v_q;
    end else if (pass_q == P_FINAL) begin
      xw_v_d = s1_v_q;
    end

    // accumulators
    xmag_r   = x_r[31] ? 32'(-x_r) : 32'(x_r);  // 2^31 for the most negative
    sum_d    = sum_q;
    xmax_d   = xmax_q;
    xmin_d   = xmin_q;
    xnz_d    = xnz_q;
    bnz_d    = bnz_q;
    domerr_d = domerr_q;
    mx_d     = mx_q;
    ss_d     = ss_q;
    maxp_d   = maxp_q;
    maxu_d   = maxu_q;
    if (grp_clr) begin
      sum_d  = 64'sd0;
      xmax_d = 32'sh80000000;
      xmin_d = 32'sh7fffffff;
      xnz_d  = 1'b0;
      bnz_d  = 1'b0;
      mx_d   = 32'd0;
    end
    if (start_clr) domerr_d = 1'b0;
    if (ss_clr) ss_d = 64'sd0;
    if (maxp_clr) maxp_d = 64'd0;
    if (maxu_clr) maxu_d = 64'd0;
    if (r_v_q && (pass_q == P_SUM)) begin
      sum_d  = sum_q + 64'(x_r);
      xmax_d = (x_r > xmax_q) ? x_r : xmax_q;
      xmin_d = (x_r < xmin_q) ? x_r : xmin_q;
      xnz_d  = xnz_q || (x_r != 32'sd0);
      bnz_d  = bnz_q || (b_r != 32'sd0);
      if (!mdom(x_r) || !mdom(w_r) || !mdom(b_r)) domerr_d = 1'b1;
    end
    if (r_v_q && (pass_q == P_L2MAX)) begin
      mx_d = (xmag_r > mx_q) ? xmag_r : mx_q;
      if (!mdom(x_r)) domerr_d = 1'b1;
    end
    if (q3_v_q) ss_d = ss_q + 64'(q3_sq_q);
    if (s3_v_q && (pass_q == P_OUT1)) begin
      if (rw_num_pkg::mag64(s3_p_q) > maxp_q) maxp_d = rw_num_pkg::mag64(s3_p_q);
    end
    if (s5_v_q && (pass_q == P_OUT2)) begin
      if (rw_num_pkg::mag64(s5_u_q) > maxu_q) maxu_d = rw_num_pkg::mag64(s5_u_q);
    end
  end

  assign pipe_busy = r_v_q | s1_v_q | s2_v_q | s3_v_q | s4_v_q | s5_v_q |
                     q1_v_q | q2_v_q | q3_v_q | bw_v_q | xw_v_q;

  assign buf_we    = bw_v_q;
  assign buf_waddr = bw_a_q;
  assign buf_wdata = bw_d_q;

  // ------------------------------------------------------------ outputs

  assign busy_o     = (state_q != ST_IDLE);
  assign done_o     = (state_q == ST_DONE);
  assign err_o      = (state_q == ST_DONE) && err_q;
  assign dst_e_o    = err_q ? 32'd0 : ey_q;
  assign dst_n_o    = err_q ? 13'd0 : n_q;
  assign wr_en_o    = xw_v_q;
  assign wr_addr_o  = {dst_i, 12'(xw_a_q)};
  assign wr_data_o  = xw_d_q;

  // ------------------------------------------------------------ flops

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q  <= ST_IDLE;
      ret_q    <= ST_IDLE;
      pass_q   <= P_SUM;
      l2_q     <= 1'b0;
      err_q    <= 1'b0;
      r_v_q    <= 1'b0;
      s1_v_q   <= 1'b0;
      s2_v_q   <= 1'b0;
      s3_v_q   <= 1'b0;
      s4_v_q   <= 1'b0;
      s5_v_q   <= 1'b0;
      q1_v_q   <= 1'b0;
      q2_v_q   <= 1'b0;
      q3_v_q   <= 1'b0;
      bw_v_q   <= 1'b0;
      xw_v_q   <= 1'b0;
    end else begin
      state_q  <= state_d;
      ret_q    <= ret_d;
      pass_q   <= pass_d;
      l2_q     <= l2_d;
      err_q    <= err_d;
      r_v_q    <= iss;
      s1_v_q   <= s1_v_d;
      s2_v_q   <= s2_v_d;
      s3_v_q   <= s3_v_d;
      s4_v_q   <= s4_v_d;
      s5_v_q   <= s5_v_d;
      q1_v_q   <= q1_v_d;
      q2_v_q   <= q2_v_d;
      q3_v_q   <= q3_v_d;
      bw_v_q   <= bw_v_d;
      xw_v_q   <= xw_v_d;
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
    cnt_q    <= cnt_d;
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
    mx_q     <= mx_d;
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
    maxp_q   <= maxp_d;
    maxu_q   <= maxu_d;
    top_q    <= top_d;
    anynz_q  <= anynz_d;
    ey_q     <= ey_d;

    r_idx_q  <= iss_idx;
    s1_idx_q <= r_idx_q;
    s1_pa_q  <= s1_pa_d;
    s1_k_q   <= s1_k_d;
    s1_x_q   <= x_r;
    s1_w_q   <= w_r;
    s1_b_q   <= b_r;
    s2_idx_q <= s1_idx_q;
    s2_t1_q  <= s2_t1_d;
    s2_x_q   <= s1_x_q;
    s2_w_q   <= s1_w_q;
    s2_b_q   <= s1_b_q;
    s3_idx_q <= s2_idx_q;
    s3_p_q   <= s3_p_d;
    s3_x_q   <= s2_x_q;
    s3_b_q   <= s2_b_q;
    s4_idx_q <= s3_idx_q;
    s4_t2_q  <= s4_t2_d;
    s4_x_q   <= s3_x_q;
    s4_b_q   <= s3_b_q;
    s5_idx_q <= s4_idx_q;
    s5_u_q   <= s5_u_d;
    q1_val_q <= q1_val_d;
    q2_q_q   <= q2_q_d;
    q3_sq_q  <= q3_sq_d;
    bw_a_q   <= bw_a_d;
    bw_d_q   <= bw_d_d;
    xw_a_q   <= xw_a_d;
    xw_d_q   <= xw_d_d;
  end
endmodule
