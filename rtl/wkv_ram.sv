// wkv_ram.sv - simple dual-port RAM of the WKV units: DEPTH x WIDTH, one
// synchronous write port and one synchronous read port with read enable
// (rdata_o holds mem[raddr_i] from the cycle after re_i and keeps it while
// re_i is low, so a stalled pipeline can hold the read word). Written in the
// template Yosys and FPGA tools infer as block RAM: no reset, no initial
// contents, no read-during-write guarantee (the WKV units never read and
// write one address in the same cycle). Not a FIFO, no bypass.
module wkv_ram #(
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

  logic [WIDTH-1:0] mem_q [DEPTH];

  always_ff @(posedge clk_i) begin
    if (we_i) begin
      mem_q[waddr_i] <= wdata_i;
    end
    if (re_i) begin
      rdata_o <= mem_q[raddr_i];
    end
  end

endmodule
