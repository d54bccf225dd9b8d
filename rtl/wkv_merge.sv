// wkv_merge.sv - the per-head results of a multi-head unit (WKV 5/7, BONUS7)
// merged into DST with rw_normalize_each (cmodel/golden/bfv.c): each head is
// staged as normalized mantissas with one exponent e_h; T = max over nonzero
// elements of bitlen(|m|) + e_h; the result exponent is T - 30 and each word
// is shift(m, e_h - (T - 30)). All heads zero: all words 0, exponent 0.
// The staged words live in a VREG_WORDS x 32 RAM, the head exponents in a
// second one (up to VREG_WORDS heads of one element), so nothing is written to
// DST before the output pass, which the unit starts only after it has read
// every source word. Output pass: one word per cycle, 3 cycles of latency.
// Not here: computing the heads' values; the caller stages every element of a
// head (st_we_i) before committing the head (hd_we_i, a later cycle).
module wkv_merge #(
  parameter int unsigned VREG_WORDS = 4096,
  parameter int unsigned IW         = $clog2(VREG_WORDS),
  parameter int unsigned HSW        = 7   // bits of the head size
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               clear_i,     // a new operation: no head yet

  input  logic               st_we_i,     // stage element st_idx_i of the current head
  input  logic [IW-1:0]      st_idx_i,
  input  logic [31:0]        st_m_i,
  input  logic               hd_we_i,     // the current head is complete
  input  logic [IW-1:0]      hd_idx_i,    // its number
  input  logic signed [31:0] hd_e_i,      // its exponent

  input  logic               out_start_i, // write the merged vector to DST
  input  logic [IW:0]        n_i,         // elements (held during the pass)
  input  logic [HSW-1:0]     hs_i,        // head size
  input  logic [4:0]         dst_i,
  output logic               out_done_o,  // pulse: every word written
  output logic signed [31:0] e_o,         // the merged exponent (valid with out_done_o)

  output logic               wr_en_o,
  output logic [IW+4:0]      wr_addr_o,
  output logic [31:0]        wr_data_o
);

  // ---------------------------------------------------------------- T
  logic [31:0]        hor_q, hor_d;   // OR of the current head's magnitudes
  logic               any_q, any_d;   // some head was nonzero
  logic signed [33:0] top_q, top_d;   // max over nonzero heads of bitlen + e_h
  logic signed [33:0] top_h;
  logic [31:0]        st_mag;

  always_comb begin
    st_mag = st_m_i[31] ? 32'(-st_m_i) : st_m_i;
    top_h  = $signed({27'd0, rw_num_pkg::bitlen64({32'd0, hor_q})}) + 34'(hd_e_i);
    hor_d  = hor_q | (st_we_i ? st_mag : 32'd0);
    any_d  = any_q;
    top_d  = top_q;
    if (hd_we_i) begin
      hor_d = st_we_i ? st_mag : 32'd0;
      if (hor_q != 32'd0) begin
        any_d = 1'b1;
        if (!any_q || top_h > top_q) top_d = top_h;
      end
    end
    if (clear_i) begin
      hor_d = 32'd0;
      any_d = 1'b0;
    end
  end

  // ---------------------------------------------------------------- storage
  logic          oe;
  logic [IW:0]   oi_q, oi_d;       // next element to read
  logic [IW-1:0] oh_q, oh_d;       // its head
  logic [HSW-1:0] oj_q, oj_d;      // its index in the head
  logic [31:0]   st_rdata, est_rdata;

  wkv_ram #(.DEPTH(VREG_WORDS), .WIDTH(32), .AW(IW)) u_st (
    .clk_i   (clk_i),
    .we_i    (st_we_i),
    .waddr_i (st_idx_i),
    .wdata_i (st_m_i),
    .re_i    (oe),
    .raddr_i (oi_q[IW-1:0]),
    .rdata_o (st_rdata)
  );

  wkv_ram #(.DEPTH(VREG_WORDS), .WIDTH(32), .AW(IW)) u_est (
    .clk_i   (clk_i),
    .we_i    (hd_we_i),
    .waddr_i (hd_idx_i),
    .wdata_i (hd_e_i),
    .re_i    (oe),
    .raddr_i (oh_q),
    .rdata_o (est_rdata)
  );

  // ---------------------------------------------------------------- output pass
  logic               run_q, run_d;
  logic               v1_q, v2_q, done_q;
  logic [IW-1:0]      i1_q, i2_q;
  logic [31:0]        y2_q;
  logic signed [31:0] ey;
  logic signed [63:0] y1;
  logic               unused_y1_hi;

  assign ey = any_q ? 32'(top_q - 34'sd30) : 32'sd0;

  always_comb begin
    run_d = run_q;
    oi_d  = oi_q;
    oh_d  = oh_q;
    oj_d  = oj_q;
    oe    = run_q && (oi_q != n_i);
    if (out_start_i) begin
      run_d = 1'b1;
      oi_d  = '0;
      oh_d  = '0;
      oj_d  = '0;
    end else if (oe) begin
      oi_d = oi_q + (IW+1)'(1);
      if (oj_q == hs_i - HSW'(1)) begin
        oj_d = '0;
        oh_d = oh_q + IW'(1);
      end else begin
        oj_d = oj_q + HSW'(1);
      end
    end else if (run_q && !v1_q && !v2_q) begin
      run_d = 1'b0;
    end
    // normalize_each's shift; k = e_h - ey <= 0 for every nonzero word (each
    // head is normalized: its largest magnitude has bitlen 30 or 31)
    y1 = rw_num_pkg::shift64(64'($signed(st_rdata)), $signed(est_rdata) - ey);
    unused_y1_hi = ^y1[63:32];
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      any_q  <= 1'b0;
      run_q  <= 1'b0;
      v1_q   <= 1'b0;
      v2_q   <= 1'b0;
      done_q <= 1'b0;
    end else begin
      any_q  <= any_d;
      run_q  <= run_d;
      v1_q   <= oe;
      v2_q   <= v1_q;
      done_q <= run_q && !run_d;
    end
  end

  always_ff @(posedge clk_i) begin
    hor_q <= hor_d;
    top_q <= top_d;
    oi_q  <= oi_d;
    oh_q  <= oh_d;
    oj_q  <= oj_d;
    i1_q  <= oi_q[IW-1:0];
    i2_q  <= i1_q;
    y2_q  <= y1[31:0];
  end

  assign wr_en_o    = v2_q;
  assign wr_addr_o  = {dst_i, i2_q};
  assign wr_data_o  = y2_q;
  assign out_done_o = done_q;
  assign e_o        = ey;

endmodule
