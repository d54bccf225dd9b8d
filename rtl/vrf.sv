// vrf.sv - the vector register file: N_VREG registers of VREG_WORDS int32
// mantissas (exponents and lengths live in the sequencer). NRD read ports with
// one cycle of latency and one write port; each read port is its own copy of the
// memory, written together, so every port reads any word in any cycle (a plain
// dual-port RAM per copy). Not a datapath: it stores words, nothing else.
module vrf #(
  parameter int unsigned N_VREG     = 32,
  parameter int unsigned VREG_WORDS = 4096,
  parameter int unsigned NRD        = 4,
  localparam int unsigned AW        = $clog2(N_VREG * VREG_WORDS)
) (
  input  logic              clk_i,
  input  logic [NRD-1:0]    rd_en_i,
  input  logic [NRD*AW-1:0] rd_addr_i,
  output logic [NRD*32-1:0] rd_data_o,
  input  logic              wr_en_i,
  input  logic [AW-1:0]     wr_addr_i,
  input  logic [31:0]       wr_data_i
);
  for (genvar k = 0; k < NRD; k++) begin : g_copy
    logic [31:0] mem [N_VREG * VREG_WORDS];
    logic [31:0] q;
    always_ff @(posedge clk_i) begin
      if (wr_en_i) mem[wr_addr_i] <= wr_data_i;
      if (rd_en_i[k]) q <= mem[rd_addr_i[AW*k +: AW]];
    end
    assign rd_data_o[32*k +: 32] = q;
  end
endmodule
