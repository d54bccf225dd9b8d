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
// about 10 cycles of pipeline drain per pass and 50 (NORM) / 35 (L2NORM) cycles
// of scalar steps per group. The destination is written only in FINAL, after
// every source word has been read, so DST may be a source.
// Not here: the sequencer's checks beyond those of op_norm are repeated only
// where cheap (groups = 0, n % groups, lengths).
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
    ST_N1, ST_N2, ST_N3, ST_N4, ST_N5, ST_N6, ST_N7, ST_N8, ST_N9, ST_N10,
    ST_N11, ST_N12, ST_N13, ST_N14, ST_N15, ST_N16, ST_N17, ST_N18, ST_N19, ST_N20,
    ST_L1, ST_L2, ST_L3, ST_L4, ST_L5, ST_L6, ST_L7, ST_L8, ST_L9,
    ST_NEXT, ST_DONE
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
  logic signed [31:0] top_c;

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

    sh_v   = nrm_v_q;
    sh_k   = kfrom_nb;
    mu_a   = nrm_m_q;
    mu_b   = minv_q;
    bl_v   = nrm_v_q;
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
    vmag_a = rw_num_pkg::mag64(tmp_q);
    vmag_b = 64'd0;

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
      // the scalars: 1/n on rd0, eps (eps_sq) on rd1, word 0
      ST_RDSC: begin
        rd0_en_o   = 1'b1;
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
            P_SUM:    state_d = ST_N1;
            P_CENTER: state_d = ST_N8;
            P_OUT1:   state_d = ST_N17;
            P_OUT2:   state_d = ST_N19;
            P_OUT3:   state_d = ST_NEXT;
            P_L2MAX:  state_d = ST_L1;
            P_L2SQ:   state_d = ST_L2;
            P_L2OUT:  state_d = ST_NEXT;
            default:  state_d = ST_DONE;  // P_FINAL
          endcase
        end
      end

      // normalize(nrm_v, nrm_e) of one value: bit length, then the shift;
      // all zero gives 0 with exponent 0. Returns to ret_q.
      ST_NRM_BL: begin
        bl_v    = nrm_v_q;
        nb_d    = bl_o;
        state_d = ST_NRM_SH;
      end
      ST_NRM_SH: begin
        sh_v = nrm_v_q;
        sh_k = kfrom_nb;
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
      ST_N1: begin
        if (domerr_q) begin
          err_d   = 1'b1;
          state_d = ST_DONE;
        end else begin
          nrm_v_d = sum_q;
          nrm_e_d = ex;
          ret_d   = ST_N2;
          state_d = ST_NRM_BL;
        end
      end
      ST_N2: begin
        mu_a    = nrm_m_q;
        mu_b    = minv_q;
        nrm_v_d = mu_o;
        nrm_e_d = nrm_eo_q + einv;
        ret_d   = ST_N3;
        state_d = ST_NRM_BL;
      end
      // d = sub(x, mean): alignment
      ST_N3: begin
        al_t_d  = align_exp(!xnz_q, ex, nrm_m_q == 32'sd0, nrm_eo_q);
        state_d = ST_N4;
      end
      ST_N4: begin
        al_ka_d = ex - al_t_q;
        al_kb_d = nrm_eo_q - al_t_q;
        state_d = ST_N5;
      end
      ST_N5: begin
        sh_v    = 64'(nrm_m_q);
        sh_k    = al_kb_q;
        mean_d  = sh_o;
        state_d = ST_N6;
      end
      // max |x' - mean| is at max x or min x (x' = x aligned, monotone in x)
      ST_N6: begin
        sh_v    = 64'(xmax_q);
        sh_k    = al_ka_q;
        tmp_d   = sh_o - mean_q;
        state_d = ST_N7;
      end
      ST_N7: begin
        sh_v    = 64'(xmin_q);
        sh_k    = al_ka_q;
        vmag_a  = rw_num_pkg::mag64(tmp_q);
        vmag_b  = rw_num_pkg::mag64(sh_o - mean_q);
        nrm_v_d = $signed((vmag_a > vmag_b) ? vmag_a : vmag_b);
        nrm_e_d = al_t_q;
        ret_d   = ST_N8;
        state_d = ST_NRM_BL;
      end
      // max |d| = normalize of max |x' - mean|; act_quant's shift from it
      ST_N8: begin
        maxd_d  = nrm_m_q;
        ed_d    = nrm_eo_q;
        k5_d    = kfrom_nb;
        bl_v    = 64'(nrm_m_q);
        sq_d    = (bl_o > 7'd15) ? 5'(bl_o - 7'd15) : 5'd0;
        eq_d    = (nrm_m_q != 32'sd0) ? nrm_eo_q + 32'($signed({1'b0, bl_o})) - 32'sd15 : 32'sd0;
        if (bl_o <= 7'd15) eq_d = (nrm_m_q != 32'sd0) ? nrm_eo_q : 32'sd0;
        cnt_d   = 13'd0;
        pass_d  = P_CENTER;
        state_d = ST_PASS;
      end
      // variance = mul_scalar(normalize(sum q^2, 2 e_q), 1/n)
      ST_N9: begin
        nrm_v_d = ss_q;
        nrm_e_d = eq_q <<< 1;
        ret_d   = ST_N10;
        state_d = ST_NRM_BL;
      end
      ST_N10: begin
        mu_a    = nrm_m_q;
        mu_b    = minv_q;
        nrm_v_d = mu_o;
        nrm_e_d = nrm_eo_q + einv;
        ret_d   = ST_N11;
        state_d = ST_NRM_BL;
      end
      // add(var, eps)
      ST_N11: begin
        al_t_d  = align_exp(nrm_m_q == 32'sd0, nrm_eo_q, epsm_q == 32'sd0, eeps);
        state_d = ST_N12;
      end
      ST_N12: begin
        al_ka_d = nrm_eo_q - al_t_q;
        al_kb_d = eeps - al_t_q;
        state_d = ST_N13;
      end
      ST_N13: begin
        sh_v    = 64'(nrm_m_q);
        sh_k    = al_ka_q;
        tmp_d   = sh_o;
        state_d = ST_N14;
      end
      ST_N14: begin
        sh_v    = 64'(epsm_q);
        sh_k    = al_kb_q;
        nrm_v_d = tmp_q + sh_o;
        nrm_e_d = al_t_q;
        ret_d   = ST_N15;
        state_d = ST_NRM_BL;
      end
      // r = rsqrt(var + eps)
      ST_N15: begin
        rs_req  = 1'b1;
        rs_m    = nrm_m_q;
        rs_e    = nrm_eo_q;
        state_d = ST_N16;
      end
      ST_N16: begin
        if (rs_vld) begin
          rm_d    = rs_mo;
          re_d    = rs_eo;
          state_d = ST_N17;
        end
      end
      // t1 = mul_scalar(d, r): its shift from max |d| * r (r > 0)
      ST_N17: begin
        if (pass_q == P_CENTER) begin
          mu_a    = maxd_q;
          mu_b    = rm_q;
          nrm_v_d = mu_o;
          nrm_e_d = ed_q + re_q;
          ret_d   = ST_N18;
          state_d = ST_NRM_BL;
        end else begin
          // after OUT1: t2 = mul(t1, w), shift from the measured max |t1 * w|
          nrm_v_d = $signed(maxp_q);
          nrm_e_d = e1_q + ew;
          ret_d   = ST_N19;
          state_d = ST_NRM_BL;
        end
      end
      ST_N18: begin
        k1_d    = kfrom_nb;
        e1_d    = nrm_eo_q;
        cnt_d   = 13'd0;
        pass_d  = P_OUT1;
        state_d = ST_PASS;
      end
      ST_N19: begin
        if (pass_q == P_OUT1) begin
          // t3 = add(t2, b): alignment (t2 zero: max |t1 * w| = 0; b zero: no b != 0)
          k2_d    = kfrom_nb;
          al_t_d  = align_exp(nb_q == 7'd0, nrm_eo_q, !bnz_q, eb);
          tmp_d   = 64'(nrm_eo_q);
          state_d = ST_N20;
        end else begin
          // after OUT2: y = normalize(t3); its exponent and this group's top
          k5_d    = kfrom_nb;
          gx_we   = 1'b1;
          gx_wdata = nrm_eo_q;
          bl_v    = 64'(nrm_m_q);
          if (nb_q != 7'd0) begin
            anynz_d = 1'b1;
            top_d   = (!anynz_q || (top_c > top_q)) ? top_c : top_q;
          end
          cnt_d   = 13'd0;
          pass_d  = P_OUT3;
          state_d = ST_PASS;
        end
      end
      ST_N20: begin
        al_ka_d = 32'(tmp_q) - al_t_q;
        al_kb_d = eb - al_t_q;
        cnt_d   = 13'd0;
        pass_d  = P_OUT2;
        state_d = ST_PASS;
      end

      // ---------------- L2NORM
      // act_quant of x: shift from max |x|
      ST_L1: begin
        if (domerr_q) begin
          err_d   = 1'b1;
          state_d = ST_DONE;
        end else begin
          bl_v    = $signed({32'd0, mx_q});
          sq_d    = (bl_o > 7'd15) ? 5'(bl_o - 7'd15) : 5'd0;
          eq_d    = (mx_q == 32'd0) ? 32'sd0 :
                    (bl_o > 7'd15) ? ex + 32'($signed({1'b0, bl_o})) - 32'sd15 : ex;
          cnt_d   = 13'd0;
          pass_d  = P_L2SQ;
          state_d = ST_PASS;
        end
      end
      ST_L2: begin
        nrm_v_d = ss_q;
        nrm_e_d = eq_q <<< 1;
        ret_d   = ST_L3;
        state_d = ST_NRM_BL;
      end
      // ss = max(ss, eps_sq): the sign of sub(ss, eps_sq) (rw_cmp_scalar)
      ST_L3: begin
        al_t_d  = align_exp(nrm_m_q == 32'sd0, nrm_eo_q, epsm_q == 32'sd0, eeps);
        state_d = ST_L4;
      end
      ST_L4: begin
        al_ka_d = nrm_eo_q - al_t_q;
        al_kb_d = eeps - al_t_q;
        state_d = ST_L5;
      end
      ST_L5: begin
        sh_v    = 64'(nrm_m_q);
        sh_k    = al_ka_q;
        tmp_d   = sh_o;
        state_d = ST_L6;
      end
      ST_L6: begin
        sh_v = 64'(epsm_q);
        sh_k = al_kb_q;
        if (tmp_q - sh_o < 64'sd0) begin
          nrm_v_d = 64'(epsm_q);
          nrm_e_d = eeps;
          ret_d   = ST_L7;
          state_d = ST_NRM_BL;
        end else begin
          state_d = ST_L7;
        end
      end
      ST_L7: begin
        if (!rs_req_q) begin
          rs_req = 1'b1;
          rs_m   = nrm_m_q;
          rs_e   = nrm_eo_q;
        end else if (rs_vld) begin
          rm_d    = rs_mo;
          re_d    = rs_eo;
          state_d = ST_L8;
        end
      end
      // y = mul_scalar(x, r): shift from max |x| * r
      ST_L8: begin
        mu_a    = $signed(mx_q);
        mu_b    = rm_q;
        nrm_v_d = mu_o;
        nrm_e_d = ex + re_q;
        ret_d   = ST_L9;
        state_d = ST_NRM_BL;
      end
      ST_L9: begin
        k1_d     = kfrom_nb;
        gx_we    = 1'b1;
        gx_wdata = nrm_eo_q;
        bl_v     = 64'(nrm_m_q);
        if (nb_q != 7'd0) begin
          anynz_d = 1'b1;
          top_d   = (!anynz_q || (top_c > top_q)) ? top_c : top_q;
        end
        cnt_d   = 13'd0;
        pass_d  = P_L2OUT;
        state_d = ST_PASS;
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
