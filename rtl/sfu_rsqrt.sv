// sfu_rsqrt.sv - scalar reciprocal square root of the special-function unit,
// rw_rsqrt of cmodel/golden/sfu.c (docs/numerics.md section 6): for x = m * 2^e,
// m > 0,
//   b = bitlen(m), p = b - 1 + e, o = p mod 2, k = floor(p / 2),
//   t = m << (31 - b + o) in [2^30, 2^32), v = lookup(rsqrt, t),
//   y = normalize(v, -30 - k).
// Pipelined: one request per cycle, result 4 cycles after req_i
// (input register, the two sfu_lut stages, the normalization register).
// Not defined for m <= 0 (the golden model asserts m > 0): the result is then
// meaningless, but the pipeline still answers after 4 cycles.
module sfu_rsqrt #(
  parameter MEMFILE = "rtl/tables/rsqrt.mem",
  parameter int unsigned N = 3072,  // RW_TAB_RSQRT_N
  parameter int unsigned S = 20     // RW_TAB_RSQRT_S
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               req_i,   // a new operand this cycle
  input  logic signed [31:0] m_i,     // mantissa, > 0
  input  logic signed [31:0] e_i,     // exponent
  output logic               vld_o,   // m_o, e_o valid (req_i 4 cycles earlier)
  output logic signed [31:0] m_o,     // normalized result mantissa
  output logic signed [31:0] e_o      // its exponent
);
  // stage 0: operand register (keeps the requester's logic out of the ROM address)
  logic               req_q, req_d;
  logic signed [31:0] m_q, m_d, e_q, e_d;

  always_comb begin
    req_d = req_i;
    m_d   = req_i ? m_i : m_q;
    e_d   = req_i ? e_i : e_q;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      req_q <= 1'b0;
      m_q   <= 32'sd0;
      e_q   <= 32'sd0;
    end else begin
      req_q <= req_d;
      m_q   <= m_d;
      e_q   <= e_d;
    end
  end

  // Range reduction, x = t * 4^k with t in [1, 4): exact. p needs 34 bits (any
  // int32 e); k = floor(p / 2) is the arithmetic shift of the two's complement p,
  // o its low bit, as in the C model's (uint64)p & 1.
  logic        [6:0]  b;
  logic signed [33:0] p, k;
  logic               odd;
  logic        [5:0]  lsh;
  logic        [31:0] t;
  logic        [31:0] u;

  always_comb begin
    b   = rw_num_pkg::bitlen64({32'd0, m_q});
    p   = 34'(b) - 34'sd1 + 34'(e_q);
    odd = p[0];
    k   = p >>> 1;
    lsh = 6'(7'd31 - b + {6'd0, odd});
    t   = $unsigned(m_q) << lsh;     // < 2^32 for 0 < m < 2^31
    u   = t - 32'd1073741824;        // t - LO (LO = 2^30)
  end

  logic               lut_vld;
  logic signed [63:0] lut_y;

  sfu_lut #(
    .MEMFILE         (MEMFILE),
    .N               (N),
    .S               (S),
    .UNSIGNED_ENTRIES(1'b0)
  ) u_lut (
    .clk_i (clk_i),
    .req_i (req_q),
    .u_i   (u),
    .vld_o (lut_vld),
    .y_o   (lut_y)
  );

  // k travels with the lookup; vld_q is reset, so the answer is clean even if the
  // table's (unreset) pipeline starts with garbage.
  logic        [1:0]  vld_q, vld_d;
  logic signed [33:0] k1_q, k1_d, k2_q, k2_d;

  always_comb begin
    vld_d = {vld_q[0], req_q};
    k1_d  = k;
    k2_d  = k1_q;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      vld_q <= 2'b00;
      k1_q  <= 34'sd0;
      k2_q  <= 34'sd0;
    end else begin
      vld_q <= vld_d;
      k1_q  <= k1_d;
      k2_q  <= k2_d;
    end
  end

  // Normalization of the single value v (> 0 for m > 0): B = bitlen(v),
  // m' = shift(v, 30 - B), e' = -30 - k - (30 - B).
  logic               out_vld_q, out_vld_d;
  logic signed [31:0] out_m_q, out_m_d, out_e_q, out_e_d;
  logic        [6:0]  vb;
  logic signed [31:0] nk;

  always_comb begin
    vb        = rw_num_pkg::bitlen64(rw_num_pkg::mag64(lut_y));
    nk        = 32'sd30 - 32'($signed({1'b0, vb}));
    out_vld_d = lut_vld & vld_q[1];
    out_m_d   = out_m_q;
    out_e_d   = out_e_q;
    if (vld_q[1]) begin
      if (vb == 7'd0) begin
        out_m_d = 32'sd0;  // all zero gives m = 0, e = 0 (cannot occur for m > 0)
        out_e_d = 32'sd0;
      end else begin
        out_m_d = 32'(rw_num_pkg::shift64(lut_y, nk));  // |v| <= 2^30 after it
        out_e_d = 32'(-34'sd30 - k2_q) - nk;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      out_vld_q <= 1'b0;
      out_m_q   <= 32'sd0;
      out_e_q   <= 32'sd0;
    end else begin
      out_vld_q <= out_vld_d;
      out_m_q   <= out_m_d;
      out_e_q   <= out_e_d;
    end
  end

  assign vld_o = out_vld_q;
  assign m_o   = out_m_q;
  assign e_o   = out_e_q;

endmodule
