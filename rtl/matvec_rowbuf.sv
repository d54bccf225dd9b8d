// matvec_rowbuf.sv - the row buffer of the matrix-vector unit: each row's exact
// accumulator acc (AW bits) and scale exponent se, kept between the two passes
// of normalize_each (docs/numerics.md section 2), MAX_ROWS rows, in NB banks:
// row r in bank r mod NB, word r / NB.
// Writes: up to NWR (<= NB) consecutive rows per cycle at any row (the rows
// completed in one cycle of the weight stream), each bank with its own enable.
// Reads: one line of NB consecutive rows raddr_i * NB .. + NB - 1 per cycle
// (the output pass takes VL or BUS_BYTES / 4 rows per cycle: NB is at least
// both), registered, held while re_i is low.
// Not here: the rows' computation (matvec_rowacc), their normalization or which
// rows of a line are used (matvec_unit's output pass).
module matvec_rowbuf #(
  parameter int unsigned NB       = 16,     // banks, a power of 2, >= NWR
  parameter int unsigned NWR      = 4,      // rows written per cycle, a power of 2 >= 2
  parameter int unsigned MAX_ROWS = 65536,  // a multiple of 2 NB
  parameter int unsigned AW       = 52,
  // derived, not to be overridden
  parameter int unsigned RIW = $clog2(MAX_ROWS),   // row index bits
  parameter int unsigned LB  = $clog2(NB),
  parameter int unsigned NW  = $clog2(NWR + 1)
) (
  input  logic                 clk_i,
  input  logic [NW-1:0]        wn_i,      // rows to write: wbase_i .. wbase_i + wn_i - 1
  input  logic [RIW-1:0]       wbase_i,
  input  logic [NWR*AW-1:0]    wacc_i,    // row wbase_i + k at [k*AW +: AW]
  input  logic [NWR*16-1:0]    wse_i,
  input  logic                 re_i,
  input  logic [RIW-LB-1:0]    raddr_i,   // line: rows raddr_i * NB ..
  output logic [NB*(AW+16)-1:0] rdata_o   // row raddr_i * NB + b: {se, acc} at [b*(AW+16) +: AW+16]
);
  localparam int unsigned LWR = $clog2(NWR);

  if (NB < NWR || (1 << LB) != NB || (1 << LWR) != NWR || NWR < 2 ||
      MAX_ROWS % (2 * NB) != 0) begin : g_cfg
    $error("matvec_rowbuf: NB, NWR powers of two, 2 <= NWR <= NB, MAX_ROWS a multiple of 2 NB");
  end

  for (genvar b = 0; b < NB; b++) begin : g_bank
    logic [LB-1:0]     k;    // which of the written rows lands in this bank
    logic [LB:0]       low;  // wbase_i mod NB + k = b + NB * carry
    logic [RIW-LB-1:0] word; // (wbase_i + k) / NB
    logic [LWR-1:0]    ks;   // k when it is one of the rows written (k < wn_i <= NWR)
    assign k    = LB'(b) - wbase_i[LB-1:0];
    assign low  = {1'b0, wbase_i[LB-1:0]} + {1'b0, k};
    assign word = wbase_i[RIW-1:LB] + (RIW-LB)'(low[LB]);
    assign ks   = k[LWR-1:0];
    matvec_ram #(.W(AW + 16), .D(MAX_ROWS / NB)) u_ram (
      .clk_i,
      .we_i   ((LB+1)'(k) < (LB+1)'(wn_i)),
      .waddr_i(word),
      .wdata_i({wse_i[32'(ks)*16 +: 16], wacc_i[32'(ks)*AW +: AW]}),
      .re_i,
      .raddr_i(raddr_i),
      .rdata_o(rdata_o[b*(AW+16) +: AW+16])
    );
  end

endmodule
