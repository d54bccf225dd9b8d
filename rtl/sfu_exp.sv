// sfu_exp.sv - RWKV-4's exponential, rw_exp_q16 of cmodel/golden/sfu.c
// (docs/numerics.md section 6): e^d for a log-domain d <= 0 in Q15.16, as Q1.30
// (2^30 = 1.0), from the exp_q16 table through one sfu_lut. Pipelined: one lookup
// per cycle, y_o valid 2 cycles after req_i (sfu_lut's latency). d below the
// table's domain [-32 * 2^16, 0] gives 0, as in C.
// Not defined for d > 0 (the C function asserts; the WKV unit only asks for
// d = min - max <= 0): such d read past the last segment and give T[N] = 2^30.
// Not the pair logic (which factor is exactly 1): that is the caller's.
module sfu_exp (
  input  logic               clk_i,
  input  logic               req_i,  // a lookup this cycle
  input  logic signed [31:0] d_i,    // Q15.16, <= 0
  output logic               vld_o,  // y_o valid (req_i two cycles earlier)
  output logic        [31:0] y_o     // Q1.30, 0 .. 2^30
);
  // The table's domain start, -32 in Q15.16 (RW_TAB_EXP_Q16_LO).
  localparam logic signed [31:0] Lo = -32'sd2097152;

  // u = d - LO for the table; below the domain the lookup is replaced by 0, so
  // its index is irrelevant (0 keeps it in range).
  logic        below;
  logic [31:0] u;
  assign below = d_i < Lo;
  assign u     = below ? 32'd0 : 32'(d_i - Lo);

  // `below` travels with the lookup through sfu_lut's two stages.
  logic below1_d, below1_q, below2_d, below2_q;
  always_comb begin
    below1_d = below;
    below2_d = below1_q;
  end
  always_ff @(posedge clk_i) begin
    below1_q <= below1_d;
    below2_q <= below2_d;
  end

  logic signed [63:0] y_lut;
  sfu_lut #(
    .MEMFILE         ("rtl/tables/exp_q16.mem"),
    .N               (8192),
    .S               (8),
    .UNSIGNED_ENTRIES(1'b0)
  ) u_lut (
    .clk_i (clk_i),
    .req_i (req_i),
    .u_i   (u),
    .vld_o (vld_o),
    .y_o   (y_lut)
  );

  // Entries are 0 .. 2^30 and y lies between two of them: the low 32 bits hold it.
  assign y_o = below2_q ? 32'd0 : y_lut[31:0];

  logic unused_y_hi;
  assign unused_y_hi = ^y_lut[63:32];
endmodule
