// sfu_recip.sv - the per-element part of rw_recip (cmodel/golden/sfu.c,
// docs/numerics.md section 6): for an int32 mantissa m != 0, with a = |m| and
// b = bitlen(a), t = a * 2^(31 - b) in [2^30, 2^31) (exact; b = 32 only for
// m = -2^31), v = lookup(recip, t); it gives tmp = sign(m) * v and the exponent
// offset -29 - b, so that rw_recip's etmp = eoff_o - e for the vector's exponent e.
// Pipelined: one element per cycle, outputs valid 2 cycles after req_i.
// Not the normalize_each that merges the elements (the caller's), and not
// defined for m = 0 (C asserts; the WKV unit refuses a zero denominator).
module sfu_recip (
  input  logic               clk_i,
  input  logic               req_i,   // an element this cycle
  input  logic signed [31:0] m_i,     // != 0
  output logic               vld_o,   // outputs valid (req_i two cycles earlier)
  output logic signed [31:0] v_o,     // tmp: sign(m) * v, |v| in [2^29, 2^30]
  output logic signed [7:0]  eoff_o   // -29 - bitlen(|m|), -61 .. -30
);
  // The table's domain start, 1.0 in Q.30 (RW_TAB_RECIP_LO).
  localparam logic [31:0] Lo = 32'h4000_0000;

  logic [31:0] a;
  logic [6:0]  b;
  logic [63:0] t64;
  logic [31:0] t, u;
  always_comb begin
    a   = 32'(rw_num_pkg::mag64(64'(m_i)));     // 2^31 for m = -2^31
    b   = rw_num_pkg::bitlen64({32'd0, a});
    // a * 2^(32 - b) lies in [2^31, 2^32); halving it is exact (its low bit is 0
    // for b <= 31, and a = 2^31 for b = 32), which covers both cases of C's
    // rw_shift(a, 31 - b) with one left shift.
    t64 = ({32'd0, a} << (7'd32 - b)) >> 1;
    t   = t64[31:0];
    u   = t - Lo;
  end

  // Sign and bit length travel with the lookup through sfu_lut's two stages.
  logic       neg1_d, neg1_q, neg2_d, neg2_q;
  logic [6:0] b1_d, b1_q, b2_d, b2_q;
  always_comb begin
    neg1_d = m_i[31];
    b1_d   = b;
    neg2_d = neg1_q;
    b2_d   = b1_q;
  end
  always_ff @(posedge clk_i) begin
    neg1_q <= neg1_d;
    b1_q   <= b1_d;
    neg2_q <= neg2_d;
    b2_q   <= b2_d;
  end

  logic signed [63:0] y_lut;
  sfu_lut #(
    .MEMFILE         ("rtl/tables/recip.mem"),
    .N               (2048),
    .S               (19),
    .UNSIGNED_ENTRIES(1'b0)
  ) u_lut (
    .clk_i (clk_i),
    .req_i (req_i),
    .u_i   (u),
    .vld_o (vld_o),
    .y_o   (y_lut)
  );

  // Entries lie in [2^29, 2^30] and y between two of them: 32 bits hold +-y.
  assign v_o    = neg2_q ? -$signed(y_lut[31:0]) : $signed(y_lut[31:0]);
  assign eoff_o = -8'sd29 - $signed({1'b0, b2_q});

  logic unused_hi;
  assign unused_hi = ^{y_lut[63:32], t64[63:32]};
endmodule
