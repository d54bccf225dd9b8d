// rw_num_pkg.sv - the integer primitives of docs/numerics.md section 2 as
// functions, shared by every datapath unit: bit length, magnitude, the
// round-to-nearest-even right shift and the exact/rounding shift. Pure
// combinational functions; the C definitions are in cmodel/golden/bfv.h
// (rw_bitlen, rw_mag, rw_shr_rne, rw_shift). Not a unit: no state, no ports.
// Functions assign their name (Yosys 0.23 rejects `return`).
package rw_num_pkg;

  // Number of significant bits of v (0 for 0).
  function automatic logic [6:0] bitlen64(input logic [63:0] v);
    bitlen64 = 7'd0;
    for (int i = 0; i < 64; i++) begin
      if (v[i]) bitlen64 = 7'(i + 1);
    end
  endfunction

  // |v| as unsigned (2^63 for the most negative value).
  function automatic logic [63:0] mag64(input logic signed [63:0] v);
    mag64 = v[63] ? 64'(-v) : 64'(v);
  endfunction

  // v / 2^s rounded to nearest, ties to even, on the magnitude; s > 63 gives 0.
  function automatic logic signed [63:0] shr_rne64(input logic signed [63:0] v,
                                                   input logic [7:0] s);
    logic [63:0] u, q, rem, half;
    u = mag64(v);
    if (s == 8'd0) begin
      shr_rne64 = v;
    end else if (s > 8'd63) begin
      shr_rne64 = 64'sd0;
    end else begin
      q    = u >> s;
      rem  = u & ((64'd1 << s) - 64'd1);
      half = 64'd1 << (s - 8'd1);
      q    = q + {63'd0, (rem > half) | ((rem == half) & q[0])};
      shr_rne64 = v[63] ? -$signed(q) : $signed(q);
    end
  endfunction

  // v * 2^k: exact for 0 <= k < 63 (the caller keeps the result in range),
  // 0 for k >= 63, shr_rne64(v, -k) for k < 0.
  function automatic logic signed [63:0] shift64(input logic signed [63:0] v,
                                                 input logic signed [31:0] k);
    if (k >= 0) begin
      shift64 = (k < 63) ? (v <<< k[5:0]) : 64'sd0;
    end else if (k < -32'sd63) begin
      shift64 = 64'sd0;
    end else begin
      shift64 = shr_rne64(v, 8'(-k));
    end
  endfunction

endpackage
