// vrf.sv - the vector register file: N_VREG registers of VREG_WORDS int32
// mantissas (exponents and lengths live in the sequencer), stored as rows of VL
// words: register r, element i is word i % VL of row {r, i / VL}. NRD read ports
// of one row each, one cycle of latency, and one write port of one row with a
// per-word mask; each read port is its own copy of the memory, written together,
// so every port reads any row in any cycle (a plain dual-port RAM per copy, with
// byte-enable-style word writes). Units that move one word at a time reach it
// through vrf_narrow. Not a datapath: it stores words, nothing else.
module vrf #(
  parameter int unsigned N_VREG     = 32,
  parameter int unsigned VREG_WORDS = 4096,
  parameter int unsigned NRD        = 4,
  parameter int unsigned VL         = 16,
  localparam int unsigned ROWS      = N_VREG * VREG_WORDS / VL,
  localparam int unsigned RAW       = $clog2(ROWS)
) (
  input  logic                 clk_i,
  input  logic [NRD-1:0]       rd_en_i,
  input  logic [NRD*RAW-1:0]   rd_addr_i,
  output logic [NRD*VL*32-1:0] rd_data_o,
  input  logic                 wr_en_i,
  input  logic [RAW-1:0]       wr_addr_i,
  input  logic [VL*32-1:0]     wr_data_i,
  input  logic [VL-1:0]        wr_mask_i
);
  for (genvar k = 0; k < NRD; k++) begin : g_copy
    logic [VL*32-1:0] mem [ROWS];
    logic [VL*32-1:0] q;
    always_ff @(posedge clk_i) begin
      if (wr_en_i) begin
        for (int j = 0; j < VL; j++) begin
          if (wr_mask_i[j]) mem[wr_addr_i][32*j +: 32] <= wr_data_i[32*j +: 32];
        end
      end
      if (rd_en_i[k]) q <= mem[rd_addr_i[RAW*k +: RAW]];
    end
    assign rd_data_o[VL*32*k +: VL*32] = q;
  end
endmodule
