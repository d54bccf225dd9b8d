// sdp_ram.sv - simple dual-port RAM: one write port, one read port with a
// registered output (rdata_o is mem[raddr_i] of the last cycle re_i was high,
// held otherwise: the DMA's read buffer and the weight prefetcher's FIFO drive
// their data straight from it). Written in the form FPGA tools map to block RAM
// (or UltraRAM). No reset, no byte enables, no read-during-write forwarding: its
// users never read a word in the cycle it is written.
module sdp_ram #(
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
