// matvec_ring.sv - the scale-entry queue of the matrix-vector unit: the scale
// stream (per row ng uint16 sm then one int16 se, docs/isa.md) as 16-bit
// entries. A ring of two beats: a beat of EPB = BUS_BYTES / 2 entries is pushed
// into the free half (space_o: at most EPB entries held), and each cycle the
// consumer sees the next NOUT entries (win_o) and pops 0 .. NOUT of them.
// The consumer pops at most cnt_o entries; the ring does not check.
// Not here: which entries a chunk needs (matvec_unit).
module matvec_ring #(
  parameter int unsigned BUS_BYTES = 64,
  parameter int unsigned NOUT      = 8,
  // derived, not to be overridden
  parameter int unsigned EPB = BUS_BYTES / 2,       // entries per beat
  parameter int unsigned CW  = $clog2(2 * EPB + 1), // count bits
  parameter int unsigned PCW = $clog2(NOUT + 1)     // pop count bits
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   clr_i,      // empty the ring (new operation)
  input  logic                   push_i,     // a beat, only when space_o
  input  logic [BUS_BYTES*8-1:0] data_i,
  input  logic [PCW-1:0]         pop_i,
  output logic                   space_o,
  output logic [CW-1:0]          cnt_o,
  output logic [NOUT*16-1:0]     win_o       // entry i (i-th next) at [i*16 +: 16]
);
  localparam int unsigned RS  = 2 * EPB;
  localparam int unsigned RPW = $clog2(RS);

  logic [RS*16-1:0]    ent_q;
  logic [RPW-1:0]      rp_q, rp_d;
  logic [CW-1:0]       cnt_q, cnt_d;
  logic                wh_q, wh_d;       // half the next beat goes to

  always_comb begin
    rp_d  = rp_q + RPW'(pop_i);
    cnt_d = cnt_q - CW'(pop_i) + (push_i ? CW'(EPB) : CW'(0));
    wh_d  = wh_q ^ push_i;
    if (clr_i) begin
      rp_d  = '0;
      cnt_d = '0;
      wh_d  = 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rp_q  <= '0;
      cnt_q <= '0;
      wh_q  <= 1'b0;
    end else begin
      rp_q  <= rp_d;
      cnt_q <= cnt_d;
      wh_q  <= wh_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (push_i && !clr_i) begin
      if (wh_q) ent_q[RS*16-1:EPB*16] <= data_i[EPB*16-1:0];
      else      ent_q[EPB*16-1:0]     <= data_i[EPB*16-1:0];
    end
  end

  for (genvar i = 0; i < NOUT; i++) begin : g_win
    logic [RPW-1:0] a;
    assign a = rp_q + RPW'(i);
    assign win_o[i*16 +: 16] = ent_q[32'(a)*16 +: 16];
  end

  assign space_o = (cnt_q <= CW'(EPB));
  assign cnt_o   = cnt_q;
endmodule
