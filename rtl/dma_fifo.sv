// dma_fifo.sv - a first-word-fall-through FIFO for the DMA (docs/rtl.md, "streams"):
// the head is on data_o while empty_o is low, pop_i takes it. Storage is an array
// with an asynchronous read (LUT RAM or flops), pointers and count are reset. It
// is not a clock-domain crossing and has no almost-full logic: the DMA reserves
// space from count_o before it pushes, so a push while full is a caller bug
// (ignored, and flagged by an assertion in simulation).
module dma_fifo #(
  parameter int unsigned WIDTH = 8,
  parameter int unsigned DEPTH = 4,                // a power of 2, >= 2
  parameter int unsigned CW    = $clog2(DEPTH + 1) // count width: do not override
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             push_i,
  input  logic [WIDTH-1:0] data_i,
  input  logic             pop_i,   // ignored while empty
  output logic [WIDTH-1:0] data_o,
  output logic             empty_o,
  output logic             full_o,
  output logic [CW-1:0]    count_o
);
  localparam int unsigned PW = $clog2(DEPTH);

  logic [WIDTH-1:0] mem [DEPTH];
  logic [PW-1:0]    wptr_q, wptr_d, rptr_q, rptr_d;
  logic [CW-1:0]    cnt_q, cnt_d;
  logic             do_push, do_pop;

  assign empty_o = (cnt_q == '0);
  assign full_o  = (cnt_q == CW'(DEPTH));
  assign count_o = cnt_q;
  assign data_o  = mem[rptr_q];
  assign do_push = push_i && !full_o;
  assign do_pop  = pop_i && !empty_o;

  always_comb begin
    wptr_d = wptr_q + PW'(do_push);
    rptr_d = rptr_q + PW'(do_pop);
    cnt_d  = cnt_q + CW'(do_push) - CW'(do_pop);
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      wptr_q <= '0;
      rptr_q <= '0;
      cnt_q  <= '0;
    end else begin
      wptr_q <= wptr_d;
      rptr_q <= rptr_d;
      cnt_q  <= cnt_d;
    end
  end

  // The storage has no reset (it may be RAM); only written entries are ever read.
  always_ff @(posedge clk_i) begin
    if (do_push) mem[wptr_q] <= data_i;
  end

`ifndef SYNTHESIS
  push_when_full: assert property (@(posedge clk_i) disable iff (!rst_ni) !(push_i && full_o));
`endif
endmodule
