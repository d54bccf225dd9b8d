// matvec_ram.sv - a simple dual-port synchronous RAM of the matrix-vector unit
// (one write port, one read port with a read enable; the read data is registered
// and holds while re_i is low, so a stalled pipeline stage keeps its operand).
// Not a FIFO and no reset of the contents: every location is written before it
// is read within one operation. No read-during-write ordering is relied on.
module matvec_ram #(
  parameter int unsigned W = 16,  // bits per word
  parameter int unsigned D = 32   // words, >= 2
) (
  input  logic                 clk_i,
  input  logic                 we_i,
  input  logic [$clog2(D)-1:0] waddr_i,
  input  logic [W-1:0]         wdata_i,
  input  logic                 re_i,
  input  logic [$clog2(D)-1:0] raddr_i,
  output logic [W-1:0]         rdata_o
);
  logic [W-1:0] mem_q [D];
  logic [W-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (we_i) mem_q[waddr_i] <= wdata_i;
    if (re_i) rdata_q <= mem_q[raddr_i];
  end

  assign rdata_o = rdata_q;
endmodule
