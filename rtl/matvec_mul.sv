// matvec_mul.sv - the multipliers of the matrix-vector unit: one lane per weight
// byte of a bus beat (MV_LANES = BUS_BYTES), registered. Lane value = the byte's
// contribution to its segment's dot product:
//   INT8: q * x (int8 x int16, one DSP-sized product),
//   INT4: lo * x[2i] + hi * x[2i+1] (the two nibbles of the byte, two's
//         complement; the high product is shift-and-add, so it stays in LUTs).
// |lane| <= 128 * 32768 = 2^22 (any int8/int16 operands), 24 bits signed.
// Not here: which x row each segment reads (matvec_unit), the sums (matvec_tree).
module matvec_mul #(
  parameter int unsigned BUS_BYTES = 64,
  parameter int unsigned SEG_BYTES = 16,
  // derived, not to be overridden
  parameter int unsigned NSEG = BUS_BYTES / SEG_BYTES,
  parameter int unsigned XR   = 2 * SEG_BYTES
) (
  input  logic                      clk_i,
  input  logic                      ld_i,     // register a new beat
  input  logic                      bits4_i,
  input  logic [NSEG-1:0]           half_i,   // INT8: segment s uses elements XR/2.. of its row
  input  logic [BUS_BYTES*8-1:0]    q_i,      // the weight beat
  input  logic [NSEG*XR*16-1:0]     x_i,      // segment s's x row (matvec_xbuf)
  output logic [BUS_BYTES*24-1:0]   lanes_o
);
  logic [BUS_BYTES*24-1:0] lanes_d, lanes_q;

  for (genvar s = 0; s < NSEG; s++) begin : g_seg
    for (genvar i = 0; i < SEG_BYTES; i++) begin : g_lane
      logic        [7:0]  qb;
      logic signed [7:0]  a0;
      logic signed [15:0] xa, xb;
      logic signed [23:0] m0, m1, xbw;
      assign qb  = q_i[(s*SEG_BYTES + i)*8 +: 8];
      assign a0  = bits4_i ? $signed({{4{qb[3]}}, qb[3:0]}) : $signed(qb);
      assign xa  = bits4_i  ? $signed(x_i[(s*XR + 2*i)*16 +: 16]) :
                   half_i[s] ? $signed(x_i[(s*XR + SEG_BYTES + i)*16 +: 16]) :
                               $signed(x_i[(s*XR + i)*16 +: 16]);
      assign xb  = $signed(x_i[(s*XR + 2*i + 1)*16 +: 16]);
      assign xbw = {{8{xb[15]}}, xb};
      assign m0  = a0 * xa;
      // hi nibble h3..h0 = -8 h3 + 4 h2 + 2 h1 + h0
      assign m1  = !bits4_i ? 24'sd0 :
                   (qb[4] ? xbw : 24'sd0) + (qb[5] ? (xbw <<< 1) : 24'sd0) +
                   (qb[6] ? (xbw <<< 2) : 24'sd0) - (qb[7] ? (xbw <<< 3) : 24'sd0);
      assign lanes_d[(s*SEG_BYTES + i)*24 +: 24] = m0 + m1;
    end
  end

  always_ff @(posedge clk_i) begin
    if (ld_i) lanes_q <= lanes_d;
  end

  assign lanes_o = lanes_q;
endmodule
