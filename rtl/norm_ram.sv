// norm_ram.sv - the norm unit's internal buffer: a simple dual-port synchronous
// RAM (one write port, one read port, read data registered: valid one cycle after
// re_i), in the form Yosys maps to block RAM. Not a register file: no reset, no
// initial contents, and the user never reads an address in the cycle it writes it.
module norm_ram #(
  parameter int unsigned AW = 12,  // 2^AW words
  parameter int unsigned DW = 32
) (
  input  logic          clk_i,
  input  logic          we_i,
  input  logic [AW-1:0] waddr_i,
  input  logic [DW-1:0] wdata_i,
  input  logic          re_i,
  input  logic [AW-1:0] raddr_i,
  output logic [DW-1:0] rdata_o
);
  logic [DW-1:0] mem [2**AW];

  // A RAM is its own state: written in place rather than as x_q <= x_d, so that
  // the memory inference sees the plain write-port / registered-read pattern.
  always_ff @(posedge clk_i) begin
    if (we_i) mem[waddr_i] <= wdata_i;
  end

  always_ff @(posedge clk_i) begin
    if (re_i) rdata_o <= mem[raddr_i];
  end
endmodule
