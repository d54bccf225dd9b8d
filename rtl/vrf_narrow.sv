// vrf_narrow.sv - one word per access on the row-wide register file (vrf.sv):
// for a unit that reads and writes single elements (word address {reg, index}).
// A read asks for the element's row and picks its word from the row that comes
// back a cycle later; a write puts the word in its lane of a row and masks the
// other lanes. Not a buffer: no state but the lane of each read in flight.
module vrf_narrow #(
  parameter int unsigned NRD = 1,
  parameter int unsigned AW  = 17,  // word address bits
  parameter int unsigned VL  = 16,  // words per row, a power of two
  localparam int unsigned LW = (VL > 1) ? $clog2(VL) : 1,
  localparam int unsigned RAW = AW - $clog2(VL)
) (
  input  logic                 clk_i,
  // the unit's side: words
  input  logic [NRD-1:0]       rd_en_i,
  input  logic [NRD*AW-1:0]    rd_addr_i,
  output logic [NRD*32-1:0]    rd_data_o,
  input  logic                 wr_en_i,
  input  logic [AW-1:0]        wr_addr_i,
  input  logic [31:0]          wr_data_i,
  // the register file's side: rows
  output logic [NRD-1:0]       rd_en_o,
  output logic [NRD*RAW-1:0]   rd_addr_o,
  input  logic [NRD*VL*32-1:0] rd_data_i,
  output logic                 wr_en_o,
  output logic [RAW-1:0]       wr_addr_o,
  output logic [VL*32-1:0]     wr_data_o,
  output logic [VL-1:0]        wr_mask_o
);
  assign rd_en_o = rd_en_i;
  assign wr_en_o = wr_en_i;
  assign wr_data_o = {VL{wr_data_i}};
  if (VL == 1) begin : g_one
    assign rd_addr_o = rd_addr_i;
    assign rd_data_o = rd_data_i;
    assign wr_addr_o = wr_addr_i;
    assign wr_mask_o = 1'b1;
    logic unused_clk;
    assign unused_clk = clk_i;
  end else begin : g_rows
    for (genvar k = 0; k < NRD; k++) begin : g_port
      logic [LW-1:0] lane_q;  // the lane of the word read last cycle
      always_ff @(posedge clk_i) lane_q <= rd_addr_i[AW*k +: LW];
      assign rd_addr_o[RAW*k +: RAW] = rd_addr_i[AW*k + LW +: RAW];
      assign rd_data_o[32*k +: 32] = rd_data_i[VL*32*k + 32*lane_q +: 32];
    end
    assign wr_addr_o = wr_addr_i[AW-1:LW];
    assign wr_mask_o = VL'(1) << wr_addr_i[LW-1:0];
  end
endmodule
