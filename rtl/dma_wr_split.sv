// dma_wr_split.sv - a write stream R bus beats wide (a unit that produces R *
// BUS_BYTES bytes per cycle) onto a DMA write stream of BUS_BYTES (docs/rtl.md
// "streams"): requests and done pass through; each wide beat leaves as R bus
// beats in order, byte 0 first, and only the ceil(bytes / BUS_BYTES) beats the
// request has (the last wide beat may hold fewer). One bus beat per cycle: the
// next wide beat is taken in the cycle the last part of the previous one leaves.
// Not here: any buffering beyond one wide beat, address arithmetic.
module dma_wr_split #(
  parameter int unsigned BUS_BYTES = 64,
  parameter int unsigned R         = 2   // a power of two >= 2
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // the unit's side: R * BUS_BYTES per beat
  input  logic                     req_i,
  output logic                     gnt_o,
  input  logic [63:0]              addr_i,
  input  logic [31:0]              bytes_i,
  input  logic                     vld_i,
  output logic                     rdy_o,
  input  logic [R*BUS_BYTES*8-1:0] data_i,
  output logic                     done_o,
  // the DMA's side
  output logic                     req_o,
  input  logic                     gnt_i,
  output logic [63:0]              addr_o,
  output logic [31:0]              bytes_o,
  output logic                     vld_o,
  input  logic                     rdy_i,
  output logic [BUS_BYTES*8-1:0]   data_o,
  input  logic                     done_i
);
  localparam int unsigned RW = $clog2(R);
  localparam int unsigned BW = $clog2(BUS_BYTES);

  logic [R*BUS_BYTES*8-1:0] hold_q, hold_d;
  logic [RW:0] parts_q, parts_d;     // bus beats of hold_q still to send (0: empty)
  logic [RW-1:0] idx_q, idx_d;       // the next of them
  logic [31:0] left_q, left_d;       // bus beats of the request not yet taken in

  assign req_o   = req_i;
  assign gnt_o   = gnt_i;
  assign addr_o  = addr_i;
  assign bytes_o = bytes_i;
  assign done_o  = done_i;

  logic send, last_part;
  logic [31:0] left_now;  // a wide beat may come in the cycle of its request's grant
  assign left_now = (req_i && gnt_i) ? (bytes_i + 32'(BUS_BYTES - 1)) >> BW : left_q;
  assign vld_o = (parts_q != '0);
  assign data_o = hold_q[BUS_BYTES*8*idx_q +: BUS_BYTES*8];
  assign send = vld_o && rdy_i;
  assign last_part = (parts_q == (RW+1)'(1));
  assign rdy_o = (parts_q == '0) || (send && last_part);

  always_comb begin
    hold_d = hold_q;
    parts_d = parts_q;
    idx_d = idx_q;
    left_d = left_q;
    left_d = left_now;
    if (send) begin
      parts_d = parts_q - (RW+1)'(1);
      idx_d = idx_q + RW'(1);
    end
    if (vld_i && rdy_o) begin
      hold_d = data_i;
      idx_d = '0;
      parts_d = (left_now < 32'(R)) ? left_now[RW:0] : (RW+1)'(R);
      left_d = (left_now < 32'(R)) ? 32'd0 : left_now - 32'(R);
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      hold_q <= '0;
      parts_q <= '0;
      idx_q <= '0;
      left_q <= '0;
    end else begin
      hold_q <= hold_d;
      parts_q <= parts_d;
      idx_q <= idx_d;
      left_q <= left_d;
    end
  end
endmodule
