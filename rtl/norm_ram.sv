// norm_ram.sv - the norm unit's internal buffers: a simple dual-port synchronous
// RAM of NL lanes of DW bits per word (one write port with a write enable per
// lane, one read port reading all lanes; read data registered: valid one cycle
// after re_i), one plain RAM per lane, in the form Yosys maps to block RAM.
// Not a register file: no reset, no initial contents, and the user never reads
// an address in the cycle it writes it.
module norm_ram #(
  parameter int unsigned AW = 12,  // 2^AW words
  parameter int unsigned DW = 32,  // bits per lane
  parameter int unsigned NL = 1    // lanes per word
) (
  input  logic             clk_i,
  input  logic [NL-1:0]    we_i,     // lane l of the word at waddr_i is written
  input  logic [AW-1:0]    waddr_i,
  input  logic [NL*DW-1:0] wdata_i,  // lane l in bits DW*l +: DW
  input  logic             re_i,
  input  logic [AW-1:0]    raddr_i,
  output logic [NL*DW-1:0] rdata_o
);
  for (genvar l = 0; l < NL; l++) begin : g_lane
    logic [DW-1:0] mem [2**AW];
    logic [DW-1:0] q;

    // A RAM is its own state: written in place rather than as x_q <= x_d, so
    // that the memory inference sees the plain write-port / registered-read
    // pattern.
    always_ff @(posedge clk_i) begin
      if (we_i[l]) mem[waddr_i] <= wdata_i[DW*l +: DW];
    end

    always_ff @(posedge clk_i) begin
      if (re_i) q <= mem[raddr_i];
    end

    assign rdata_o[DW*l +: DW] = q;
  end
endmodule
