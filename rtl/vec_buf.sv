// vec_buf.sv - the vector unit's wide scratch buffer: DEPTH x WIDTH simple
// dual-port RAM, one synchronous write port and one synchronous read port
// (rdata_o holds mem[raddr_i] from the cycle after re_i). vec_unit uses it as
// VREG_WORDS / VL rows of VL x 64 bits: one whole row read and one whole row
// written per cycle (no lane enables: the unit writes every lane of a row,
// 0 in the lanes at or above n). Written so that Yosys and FPGA tools infer
// block RAM: no reset, no read-during-write guarantee (the vector unit never
// reads and writes one address in the same cycle), no initial contents. Not a
// register file: it only holds one operation's unnormalized int64 values
// between the passes of vec_unit.
module vec_buf #(
  parameter int unsigned DEPTH = 4096,
  parameter int unsigned WIDTH = 64,
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

  // One always_ff for both ports: the template RAM inference recognizes.
  always_ff @(posedge clk_i) begin
    if (we_i) begin
      mem_q[waddr_i] <= wdata_i;
    end
    if (re_i) begin
      rdata_o <= mem_q[raddr_i];
    end
  end

endmodule
