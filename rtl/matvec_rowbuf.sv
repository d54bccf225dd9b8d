// matvec_rowbuf.sv - the row buffer of the matrix-vector unit: each row's exact
// accumulator acc (AW bits) and scale exponent se, kept between the two passes
// of normalize_each (docs/numerics.md section 2), MAX_ROWS rows. NB banks
// (row r in bank r mod NB, word r / NB) take up to NB consecutive rows per
// cycle; one row is read per cycle (registered, held while re_i is low).
// Not here: the rows' computation (matvec_rowacc) or their normalization.
module matvec_rowbuf #(
  parameter int unsigned NB       = 4,      // banks, a power of 2
  parameter int unsigned MAX_ROWS = 65536,  // a multiple of NB
  parameter int unsigned AW       = 52,
  // derived, not to be overridden
  parameter int unsigned RIW = $clog2(MAX_ROWS),   // row index bits
  parameter int unsigned NW  = $clog2(NB + 1)
) (
  input  logic                 clk_i,
  input  logic [NW-1:0]        wn_i,      // rows to write: wbase_i .. wbase_i + wn_i - 1
  input  logic [RIW-1:0]       wbase_i,
  input  logic [NB*AW-1:0]     wacc_i,    // row wbase_i + k at [k*AW +: AW]
  input  logic [NB*16-1:0]     wse_i,
  input  logic                 re_i,
  input  logic [RIW-1:0]       raddr_i,
  output logic [AW+15:0]       rdata_o    // {se, acc}
);
  localparam int unsigned LB = $clog2(NB);

  logic [NB*(AW+16)-1:0] bank_rd;
  logic [LB-1:0]         sel_q;

  for (genvar b = 0; b < NB; b++) begin : g_bank
    logic [LB-1:0]  k;       // which of the written rows lands in this bank
    logic [LB:0]       low;  // wbase_i mod NB + k = b + NB * carry
    logic [RIW-LB-1:0] word; // (wbase_i + k) / NB
    assign k    = LB'(b) - wbase_i[LB-1:0];
    assign low  = {1'b0, wbase_i[LB-1:0]} + {1'b0, k};
    assign word = wbase_i[RIW-1:LB] + (RIW-LB)'(low[LB]);
    matvec_ram #(.W(AW + 16), .D(MAX_ROWS / NB)) u_ram (
      .clk_i,
      .we_i   (NW'(k) < wn_i),
      .waddr_i(word),
      .wdata_i({wse_i[32'(k)*16 +: 16], wacc_i[32'(k)*AW +: AW]}),
      .re_i,
      .raddr_i(raddr_i[RIW-1:LB]),
      .rdata_o(bank_rd[b*(AW+16) +: AW+16])
    );
  end

  always_ff @(posedge clk_i) begin
    if (re_i) sel_q <= raddr_i[LB-1:0];
  end

  assign rdata_o = bank_rd[32'(sel_q)*(AW+16) +: AW+16];

endmodule
