// wprefetch_ram.sv - simple dual-port RAM of the weight prefetcher's data FIFO
// (wprefetch.sv): one write port, one read port with a registered output that
// holds its value while re_i is low (rdata_o is mem[raddr_i] of the last cycle
// re_i was high). wprefetch drives the consumer's data straight from rdata_o, so
// the hold is required: a RAM with an extra output pipeline stage does not fit.
// Written in the form FPGA tools map to block RAM (or UltraRAM for wprefetch's
// default 8192 x 512 bits; 4096 x 1024 at CR = 2). No reset, no byte enables,
// no read-during-write forwarding: the FIFO never reads a word in the cycle it
// is written.
module wprefetch_ram #(
  parameter int unsigned WIDTH = 512,
  parameter int unsigned DEPTH = 8192,
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
