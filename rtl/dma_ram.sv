// dma_ram.sv - simple dual-port RAM of the DMA's read buffer: one write port, one
// read port with a registered output (rdata_o is mem[raddr_i] of the cycle re_i
// was high, held otherwise). Written in the form FPGA tools map to block RAM.
// No reset, no byte enables, no read-during-write forwarding: the read engine
// never reads a word in the cycle it is written.
module dma_ram #(
  parameter int unsigned WIDTH = 512,
  parameter int unsigned DEPTH = 512,
  parameter int unsigned AW    = $clog2(DEPTH) // address width: do not override
) (
  input  logic             clk_i,
  input  logic             we_i,
  input  logic [AW-1:0]    waddr_i,
  input  logic [WIDTH-1:0] wdata_i,
  input  logic             re_i,
  input  logic [AW-1:0]    raddr_i,
  output logic [WIDTH-1:0] rdata_o
);
  logic [WIDTH-1:0] mem [DEPTH];

  always_ff @(posedge clk_i) begin
    if (we_i) mem[waddr_i] <= wdata_i;
  end

  always_ff @(posedge clk_i) begin
    if (re_i) rdata_o <= mem[raddr_i];
  end
endmodule
