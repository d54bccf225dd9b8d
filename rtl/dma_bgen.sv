// dma_bgen.sv - burst generator of one DMA stream: splits a request of `beats`
// BUS_BYTES-wide beats starting at a BUS_BYTES-aligned address into AXI INCR
// bursts that end on BURST_BEATS * BUS_BYTES boundaries (the first burst may be
// shorter, the last one too). Since BURST_BEATS * BUS_BYTES divides 4 KB, no burst
// crosses a 4 KB boundary (the AXI rule) without any separate check.
// It only proposes the next burst (baddr_o, blen_o); the engine's arbiter issues
// it (take_i). Not an address checker: the address range is the caller's.
module dma_bgen #(
  parameter int unsigned BUS_BYTES   = 64,
  parameter int unsigned BURST_BEATS = 16  // power of 2, 2 .. 4096 / BUS_BYTES
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        load_i,   // a new request (only while !busy_o)
  input  logic [63:0] addr_i,   // its first byte; the low bits are ignored
  input  logic [31:0] beats_i,  // its beats, >= 1
  input  logic        take_i,   // the proposed burst is issued (only while busy_o)
  output logic        busy_o,   // bursts are left to issue
  output logic [63:0] baddr_o,  // the next burst: address (BUS_BYTES aligned),
  output logic [8:0]  blen_o,   //   beats (1 .. BURST_BEATS),
  output logic        blast_o   //   and whether it ends the request
);
  localparam int unsigned OFF_W = $clog2(BUS_BYTES);
  localparam int unsigned BA_W  = 64 - OFF_W;          // beat address bits
  localparam int unsigned BB_W  = $clog2(BURST_BEATS);

  logic [BA_W-1:0] q_q, q_d;       // beat address of the next burst
  logic [31:0]     left_q, left_d; // beats left to issue
  logic            busy_q, busy_d;
  logic [31:0]     room, len;

  // Beats up to the next BURST_BEATS boundary, and the burst length.
  assign room    = 32'(BURST_BEATS) - 32'(q_q[BB_W-1:0]);
  assign len     = (left_q < room) ? left_q : room;
  assign busy_o  = busy_q;
  assign baddr_o = {q_q, {OFF_W{1'b0}}};
  assign blen_o  = len[8:0];
  assign blast_o = (left_q == len);

  always_comb begin
    q_d    = q_q;
    left_d = left_q;
    busy_d = busy_q;
    if (load_i) begin
      q_d    = addr_i[63:OFF_W];
      left_d = beats_i;
      busy_d = (beats_i != 32'd0);
    end else if (take_i) begin
      q_d    = q_q + BA_W'(len);
      left_d = left_q - len;
      busy_d = (left_q != len);
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      q_q    <= '0;
      left_q <= '0;
      busy_q <= 1'b0;
    end else begin
      q_q    <= q_d;
      left_q <= left_d;
      busy_q <= busy_d;
    end
  end

  logic unused_addr;
  assign unused_addr = ^{addr_i[OFF_W-1:0], len[31:9]};
endmodule
