// sfu_conv.sv - the special-function unit's input conversion (docs/numerics.md
// section 6, "Conversion"; cmodel/golden/sfu.c to_fix): one block-floating
// element m * 2^e to the offset u = clamp(x_fix, LO, HI - 1) - LO into a table
// with F input fraction bits, where x_fix = rw_shift(m, k), k = e + F: exact for
// k >= 0, rounded to nearest, ties to even (on the magnitude) for k < 0.
// Pipelined, one element per cycle, u_o valid LATENCY = 3 cycles after m_i.
// Not here: the operand domain check (the unit's), valid tracking (the caller
// counts its own pipeline: this is a datapath without reset), the lookup
// (sfu_lut), the clamp count (the card does not use it).
//
// Why narrower than the C: the C forms x_fix in 64 bits. Here the magnitude is
// saturated at 2^30 instead, because every table this serves has its domain
// inside (-2^30, 2^30) (|LO|, |HI| <= 1.5 * 2^28): any |x_fix| >= 2^30 clamps
// to the same end as the C's "beyond the domain" case (LO for m < 0, HI - 1
// otherwise), so the result u is identical. Both directions are one right shift
// of a * 2^30 (a = |m|) by sh = 30 - (k + 1) = 29 - k, clamped to 0..63: k > 29
// saturates every nonzero a, sh = 63 (k <= -34) leaves 0 like the C's
// rw_shift for k < -33 (|m| <= 2^31 is below half of 2^33).
module sfu_conv (
  input  logic               clk_i,
  input  logic signed [31:0] k_i,   // e + F; stable from the cycle before the first m_i
  input  logic signed [31:0] lo_i,  // domain [lo, hi) in input LSBs; stable as k_i
  input  logic signed [31:0] hi_i,
  input  logic        [31:0] m_i,   // the element's int32 mantissa
  output logic        [31:0] u_o    // clamp(x_fix, lo, hi - 1) - lo
);
  localparam logic [30:0] MagSat = 31'h4000_0000;  // 2^30: beyond every domain

  // ---- per-operation constants, from k_i (held stable by the caller) ----
  logic [5:0]         sh_d, sh_q;    // right shift of a * 2^30
  logic               sat_d, sat_q;  // k > 29: any nonzero a is >= 2^30
  logic signed [31:0] span_d, span_q; // hi - 1 - lo: u of the upper clamp

  always_comb begin
    sat_d  = (k_i > 32'sd29);
    if (k_i > 32'sd29) begin
      sh_d = 6'd0;
    end else if (k_i < -32'sd34) begin
      sh_d = 6'd63;
    end else begin
      sh_d = 6'(32'sd29 - k_i);
    end
    span_d = hi_i - 32'sd1 - lo_i;
  end

  // ---- stage 1: magnitude, shift, rounding bits ----
  logic        neg;
  logic [31:0] a;
  logic [61:0] wx, t, low;
  logic        guard, sticky, big_d, rnd_d;

  always_comb begin
    neg    = m_i[31];
    a      = neg ? (32'd0 - m_i) : m_i;  // 2^31 for -2^31, still exact unsigned
    wx     = {a, 30'd0};                 // a * 2^30: bit sh is the guard bit
    t      = wx >> sh_q;                 // t[61:1] = floor(a * 2^k), t[0] = guard
    low    = wx & ~({62{1'b1}} << sh_q); // the bits below the guard bit
    guard  = t[0];
    sticky = |low;
    // integer part >= 2^30 (t[61:31]) or k > 29 with a != 0: beyond the domain
    big_d  = (|t[61:31]) | (sat_q & (a != 32'd0));
    rnd_d  = guard & (sticky | t[1]);
  end

  logic        neg1_q, big1_q, rnd1_q;
  logic [29:0] q1_q;

  // ---- stage 2: rounded, saturated, signed value ----
  logic [30:0]        mag2;
  logic signed [31:0] x2_d, x2_q;

  always_comb begin
    mag2 = big1_q ? MagSat : ({1'b0, q1_q} + {30'd0, rnd1_q});
    x2_d = neg1_q ? -$signed({1'b0, mag2}) : $signed({1'b0, mag2});
  end

  // ---- stage 3: clamp to [lo, hi - 1], offset from lo ----
  logic [31:0] u_d, u_q;

  always_comb begin
    if (x2_q < lo_i) begin
      u_d = 32'd0;
    end else if (x2_q >= hi_i) begin
      u_d = span_q;
    end else begin
      u_d = x2_q - lo_i;
    end
  end

  always_ff @(posedge clk_i) begin
    sh_q   <= sh_d;
    sat_q  <= sat_d;
    span_q <= span_d;
    neg1_q <= neg;
    big1_q <= big_d;
    rnd1_q <= rnd_d;
    q1_q   <= t[30:1];
    x2_q   <= x2_d;
    u_q    <= u_d;
  end

  assign u_o = u_q;
endmodule
