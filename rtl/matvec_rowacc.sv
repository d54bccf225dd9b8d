// matvec_rowacc.sv - the accumulators of the matrix-vector unit (cmodel/golden/
// matvec.c row_acc, docs/numerics.md section 4), after the reduction tree:
//   p[g]   = sum of the unit sums of group g (exact),
//   acc[r] = sum over g < ng of p[g] * sm[g] (exact, AW bits),
// and the first pass of normalize_each: T = max over acc != 0 of
// bitlen(|acc|) + se (the common input exponent e_x is added by the caller).
// Input per cycle: NSEG consecutive units of the weight stream (matvec_tree)
// with their flags; a group or a row may end after any unit and continue in the
// next cycle, so both sums are segmented prefix sums carried across cycles.
// Three stages: group sums (R1), products p * sm (R2), row sums (R3); the rows
// of R3 (0 .. NSEG per cycle, in order) go to the row buffer.
// Not here: the flags (matvec_unit's chunk control), the row buffer, the second
// pass of normalize_each (matvec_unit's output pass).
module matvec_rowacc #(
  parameter int unsigned NSEG = 4,
  parameter int unsigned USW  = 28,   // unit sum bits
  parameter int unsigned PW   = 36,   // group sum bits
  parameter int unsigned AW   = 52    // row sum bits (>= PW + 16)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   clr_i,     // new operation: carries and T cleared
  input  logic                   vld_i,
  input  logic [NSEG*USW-1:0]    us_i,      // unit sums
  input  logic [NSEG-1:0]        uvld_i,    // unit belongs to a row of the matrix
  input  logic [NSEG-1:0]        gend_i,    // its group ends after it
  input  logic [NSEG-1:0]        gemit_i,   // ... and is one of the row's ng groups
  input  logic [NSEG-1:0]        rend_i,    // its row ends after it
  input  logic [NSEG*16-1:0]     sm_i,      // sm of the group ending (gemit)
  input  logic [NSEG*16-1:0]     se_i,      // se of the row ending (rend)
  output logic [$clog2(NSEG+1)-1:0] wn_o,   // rows completed this cycle
  output logic [NSEG*AW-1:0]     wacc_o,    // their acc, in order
  output logic [NSEG*16-1:0]     wse_o,     // their se
  output logic signed [31:0]     tmax_o,    // max bitlen(|acc|) + se over acc != 0
  output logic                   tany_o     // some acc != 0
);
  localparam int unsigned NW = $clog2(NSEG + 1);

  // ---------------------------------------------------------------- R1: groups
  logic signed [PW-1:0]      pc_q, pc_d;   // open group's partial sum
  logic [NSEG*PW-1:0]        gp;
  always_comb begin
    logic signed [PW-1:0] run;
    run = pc_q;
    for (int u = 0; u < NSEG; u++) begin
      run   = run + (uvld_i[u] ? $signed({{(PW-USW){us_i[u*USW+USW-1]}}, us_i[u*USW +: USW]})
                               : PW'(0));
      gp[u*PW +: PW] = run;
      if (gend_i[u]) run = '0;
    end
    pc_d = vld_i ? run : pc_q;
    if (clr_i) pc_d = '0;
  end

  logic                    r1_vld_q;
  logic [NSEG*PW-1:0]      r1_p_q;
  logic [NSEG-1:0]         r1_gemit_q, r1_rend_q;
  logic [NSEG*16-1:0]      r1_sm_q, r1_se_q;

  // ---------------------------------------------------------------- R2: products
  logic [NSEG*AW-1:0]      prod;
  for (genvar u = 0; u < NSEG; u++) begin : g_prod
    logic signed [AW-1:0] pr;   // |p * sm| < 2^(PW-1+16): exact
    assign pr      = $signed(r1_p_q[u*PW +: PW]) * $signed({1'b0, r1_sm_q[u*16 +: 16]});
    assign prod[u*AW +: AW] = r1_gemit_q[u] ? pr : '0;
  end

  logic                    r2_vld_q;
  logic [NSEG*AW-1:0]      r2_prod_q;
  logic [NSEG-1:0]         r2_rend_q;
  logic [NSEG*16-1:0]      r2_se_q;

  // ---------------------------------------------------------------- R3: rows
  logic signed [AW-1:0]    rc_q, rc_d;   // open row's partial sum
  logic [NW-1:0]           rn;
  logic [NSEG*AW-1:0]      rv;
  logic [NSEG*16-1:0]      rse;
  always_comb begin
    logic signed [AW-1:0] run;
    run = rc_q;
    rn  = '0;
    rv  = '0;
    rse = '0;
    for (int u = 0; u < NSEG; u++) begin
      run = run + $signed(r2_prod_q[u*AW +: AW]);
      if (r2_rend_q[u]) begin
        rv[32'(rn)*AW +: AW]  = run;
        rse[32'(rn)*16 +: 16] = r2_se_q[u*16 +: 16];
        rn      = rn + NW'(1);
        run     = '0;
      end
    end
    rc_d = r2_vld_q ? run : rc_q;
    if (!r2_vld_q) rn = '0;
    if (clr_i) rc_d = '0;
  end

  logic [NW-1:0]           r3_n_q;
  logic [NSEG*AW-1:0]      r3_v_q;
  logic [NSEG*16-1:0]      r3_se_q;

  // ---------------------------------------------------------------- T
  logic signed [31:0] tmax_q, tmax_d;
  logic               tany_q, tany_d;
  always_comb begin
    tmax_d = tmax_q;
    tany_d = tany_q;
    for (int k = 0; k < NSEG; k++) begin
      logic signed [63:0] v;
      logic signed [31:0] t;
      v = $signed({{(64-AW){r3_v_q[k*AW + AW-1]}}, r3_v_q[k*AW +: AW]});
      t = $signed({25'd0, rw_num_pkg::bitlen64(rw_num_pkg::mag64(v))}) +
          $signed({{16{r3_se_q[k*16 + 15]}}, r3_se_q[k*16 +: 16]});
      if (NW'(k) < r3_n_q && v != 64'sd0 && (!tany_d || t > tmax_d)) begin
        tmax_d = t;
        tany_d = 1'b1;
      end
    end
    if (clr_i) begin
      tmax_d = '0;
      tany_d = 1'b0;
    end
  end

  // ---------------------------------------------------------------- registers
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      pc_q     <= '0;
      rc_q     <= '0;
      r1_vld_q <= 1'b0;
      r2_vld_q <= 1'b0;
      r3_n_q   <= '0;
      tmax_q   <= '0;
      tany_q   <= 1'b0;
    end else begin
      pc_q     <= pc_d;
      rc_q     <= rc_d;
      r1_vld_q <= vld_i && !clr_i;
      r2_vld_q <= r1_vld_q && !clr_i;
      r3_n_q   <= clr_i ? '0 : rn;
      tmax_q   <= tmax_d;
      tany_q   <= tany_d;
    end
  end

  always_ff @(posedge clk_i) begin
    r1_p_q     <= gp;
    r1_gemit_q <= vld_i ? gemit_i : '0;
    r1_rend_q  <= vld_i ? rend_i : '0;
    r1_sm_q    <= sm_i;
    r1_se_q    <= se_i;
    r2_prod_q  <= prod;
    r2_rend_q  <= r1_vld_q ? r1_rend_q : '0;
    r2_se_q    <= r1_se_q;
    r3_v_q     <= rv;
    r3_se_q    <= rse;
  end

  assign wn_o   = r3_n_q;
  assign wacc_o = r3_v_q;
  assign wse_o  = r3_se_q;
  assign tmax_o = tmax_q;
  assign tany_o = tany_q;
endmodule
