// wkv4_ram.sv - a simple dual-port synchronous RAM (one write port, one read
// port, read data one cycle after re_i) for the RWKV-4 WKV unit's on-chip copy of
// the state (aa, bb, pp: one instance each). Written so that Yosys and FPGA tools
// infer block RAM: no reset, no read-during-write rule is relied on (the unit
// never reads and writes one address in the same cycle). Not initialised.
module wkv4_ram #(
  parameter int unsigned DEPTH = 4096,
  parameter int unsigned WIDTH = 32,
  parameter int unsigned AW    = $clog2(DEPTH)
) (
  input  logic             clk_i,
  input  logic             we_i,
  input  logic [AW-1:0]    waddr_i,
  input  logic [WIDTH-1:0] wdata_i,
  input  logic             re_i,
  input  logic [AW-1:0]    raddr_i,
  output logic [WIDTH-1:0] rdata_o
);
  logic [WIDTH-1:0] mem [0:DEPTH-1];

  always_ff @(posedge clk_i) begin
    if (we_i) mem[waddr_i] <= wdata_i;
  end

  always_ff @(posedge clk_i) begin
    if (re_i) rdata_o <= mem[raddr_i];
  end
endmodule
