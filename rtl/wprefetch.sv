// wprefetch.sv - the weight prefetcher: it reads the weights of the next MATVEC
// from device memory ahead of time, into a large FIFO, while other units work,
// and serves the matrix-vector unit's weight stream (mrd0) from that FIFO. The
// compiler's PREFETCH instruction becomes a hint (addr, bytes) from the
// sequencer; the hint says "the consumer will ask for exactly this stream". Hints
// only change timing: whatever the hints, the consumer gets the bytes of memory
// it asks for (a wrong or missing hint costs the prefetched bandwidth, not data).
// Not here: the hint's region/span checks (the sequencer's), any cancel of a DMA
// request (the DMA has none: dropped streams are read to their end and thrown
// away), more than one consumer stream.
//
// Stream protocol on both sides (dma.sv's read streams): a request (addr, bytes)
// is taken with req && gnt, then ceil(bytes / BUS_BYTES) beats on vld/rdy/data,
// byte 0 in bits 7:0 of the first beat, the last beat zero-padded; several
// requests may be queued on the DMA, their beats follow in request order. Bits
// 1:0 of addresses and byte counts are ignored (as by the DMA), also when hints
// and requests are compared.
//
// How:
// - Hint queue: NQ entries in order. Each is issued to the DMA (mrd) as one
//   request of its whole size as soon as possible, in order (the DMA throttles
//   by rdy). Beats arriving go into the data FIFO (DEPTH beats of a dual-port
//   RAM, wprefetch_ram) while it has room (mrd_rdy_o low when full).
// - A consumer request (c_req_i) equal to the oldest hint not yet consumed (the
//   queue's head) is granted once that hint has been issued, and served from the
//   FIFO: exactly its beats, in order, as they arrive. The next hint's beats
//   follow in the FIFO (and may wait in the RAM's output register).
// - Any other consumer request (empty queue, or a different head): every hint,
//   every buffered beat and every beat in flight is dropped (in-flight beats are
//   counted, and drained as they arrive: rdy high, nothing stored), the request
//   itself becomes the only queue entry, is issued to the DMA (the next cycle)
//   and then granted like a hit: correct, just not early. A hint taken in that
//   same cycle is queued behind it. So with hints more than one request ahead,
//   one miss also drops the hints of the following requests, which then miss in
//   turn (each drops the hints pushed meanwhile) until the hints realign.
// - One consumer request at a time: c_gnt_o stays low until the previous
//   request's last beat was delivered (and a c_req_i meanwhile is not a miss).
// - hint_rdy_o is low while NQ hints are queued. The queue drains only by
//   grants, misses and flush: a source that waits on hint_rdy_o must never get
//   more than NQ hints ahead of the consumer requests already started (whose
//   grants would make room), or it waits forever (better drop the hint then).
// - flush_i (program start/end): drops every hint, the active consumer request
//   and every beat not yet delivered. Nothing is accepted in a flush cycle
//   (hint_rdy_o and c_gnt_o low). idle_o: nothing queued, requested, in flight
//   or buffered, no consumer request active (after a flush: once the in-flight
//   beats have arrived and been dropped).
// Handshake dependencies: hint_rdy_o depends on state and flush_i; c_gnt_o on
// state, flush_i and c_addr_i/c_bytes_i (the comparison with the head), never on
// c_req_i; mrd_req_o/mrd_addr_o/mrd_bytes_o/mrd_rdy_o on state only; c_vld_o
// and c_data_o are the RAM's output register (with a flag). The RAM read enable
// depends on c_rdy_i (the output register is refilled in the cycle it is taken).
//
// Throughput: one beat per cycle into the FIFO and one out of it, together
// (the RAM has one write and one read port). A request whose beats are buffered
// is delivered at one beat per cycle from the cycle after its grant; between
// two requests one cycle is lost (grant after the last beat). The FIFO holds
// DEPTH beats plus one in the output register.
// Sizes: bytes up to 2^32 - 4 per request; the count of beats in flight is 40
// bits (the DMA queues a few requests; 40 bits would hold 2^14 of 4 GB each).
`include "rwkvacc_hw.svh"

module wprefetch #(
  parameter int unsigned BUS_BYTES = rwkvacc_hw_pkg::CFG_BUS_BYTES,  // power of 2, >= 8
  parameter int unsigned DEPTH     = 8192,  // beats of the data FIFO, power of 2, >= 2
  parameter int unsigned NQ        = 4      // hints queued, power of 2, >= 2
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // hints: a future consumer request
  input  logic                   hint_vld_i,
  output logic                   hint_rdy_o,
  input  logic [63:0]            hint_addr_i,
  input  logic [31:0]            hint_bytes_i,
  input  logic                   flush_i,
  output logic                   idle_o,
  // to the DMA: one read stream
  output logic                   mrd_req_o,
  input  logic                   mrd_gnt_i,
  output logic [63:0]            mrd_addr_o,
  output logic [31:0]            mrd_bytes_o,
  input  logic                   mrd_vld_i,
  output logic                   mrd_rdy_o,
  input  logic [BUS_BYTES*8-1:0] mrd_data_i,
  // from the consumer (the matvec unit's weight stream)
  input  logic                   c_req_i,
  output logic                   c_gnt_o,
  input  logic [63:0]            c_addr_i,
  input  logic [31:0]            c_bytes_i,
  output logic                   c_vld_o,
  input  logic                   c_rdy_i,
  output logic [BUS_BYTES*8-1:0] c_data_o
);
  localparam int unsigned LW  = $clog2(BUS_BYTES / 4);  // log2(words per beat)
  localparam int unsigned QW  = $clog2(NQ);
  localparam int unsigned PW  = $clog2(DEPTH);
  localparam int unsigned BW  = 40;                     // beats in flight

  // Beats of a request of w 4-byte words.
  function automatic logic [31:0] beats_of(input logic [29:0] w);
    logic [31:0] s;
    s = {2'b00, w} + 32'(BUS_BYTES / 4 - 1);
    beats_of = s >> LW;
  endfunction

  // ---------------------------------------------------------------- hint queue
  // Entries head .. head + qcnt - 1 (mod NQ); the first niss of them are issued.

  logic [NQ*62-1:0] qa_q;            // entry i: addr[63:2] in bits [62i +: 62]
  logic [NQ*30-1:0] qb_q;            // entry i: bytes[31:2] in bits [30i +: 30]
  logic [61:0]   head_a, iss_a;
  logic [29:0]   head_b, iss_b;
  logic [QW-1:0] head_q, head_d;
  logic [QW:0]   qcnt_q, qcnt_d, niss_q, niss_d;
  logic [QW-1:0] iss_idx, tail_idx, hint_idx;
  logic          head_match, active, miss, push_h, iss, take_c, pop;
  logic [31:0]   cons_q, cons_d;     // beats still to deliver to the consumer

  assign iss_idx  = head_q + QW'(niss_q);
  assign tail_idx = head_q + QW'(qcnt_q);
  assign active   = (cons_q != 32'd0);
  assign head_a   = qa_q[32'(head_q) * 62 +: 62];
  assign head_b   = qb_q[32'(head_q) * 30 +: 30];
  assign iss_a    = qa_q[32'(iss_idx) * 62 +: 62];
  assign iss_b    = qb_q[32'(iss_idx) * 30 +: 30];

  assign head_match = (qcnt_q != '0) && (head_a == c_addr_i[63:2]) && (head_b == c_bytes_i[31:2]);

  assign hint_rdy_o = !flush_i && (qcnt_q != (QW+1)'(NQ));
  assign push_h     = hint_vld_i && hint_rdy_o;
  assign c_gnt_o    = !flush_i && !active && (niss_q != '0) && head_match;
  assign take_c     = c_req_i && c_gnt_o;
  assign miss       = c_req_i && !flush_i && !active && !head_match;

  assign mrd_req_o   = (niss_q != qcnt_q);
  assign mrd_addr_o  = {iss_a, 2'b00};
  assign mrd_bytes_o = {iss_b, 2'b00};
  assign iss         = mrd_req_o && mrd_gnt_i;

  // On a miss the consumer's request is written at the head, a hint taken in the
  // same cycle behind it.
  assign hint_idx = miss ? head_q + QW'(1) : tail_idx;

  always_comb begin
    head_d = head_q;
    qcnt_d = qcnt_q;
    niss_d = niss_q;
    if (flush_i) begin
      qcnt_d = '0;
      niss_d = '0;
    end else if (miss) begin
      qcnt_d = (QW+1)'(1) + (QW+1)'(push_h);
      niss_d = '0;
    end else begin
      head_d = head_q + QW'(take_c);
      qcnt_d = qcnt_q + (QW+1)'(push_h) - (QW+1)'(take_c);
      niss_d = niss_q + (QW+1)'(iss) - (QW+1)'(take_c);
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      head_q <= '0;
      qcnt_q <= '0;
      niss_q <= '0;
    end else begin
      head_q <= head_d;
      qcnt_q <= qcnt_d;
      niss_q <= niss_d;
    end
  end

  // Entry storage: no reset (only entries below qcnt are ever used).
  always_ff @(posedge clk_i) begin
    for (int i = 0; i < NQ; i++) begin
      if (miss && QW'(i) == head_q) begin
        qa_q[i*62 +: 62] <= c_addr_i[63:2];
        qb_q[i*30 +: 30] <= c_bytes_i[31:2];
      end else if (push_h && QW'(i) == hint_idx) begin
        qa_q[i*62 +: 62] <= hint_addr_i[63:2];
        qb_q[i*30 +: 30] <= hint_bytes_i[31:2];
      end
    end
  end

  // ---------------------------------------------------------------- DMA side
  // infl: beats requested from the DMA and not yet arrived; drop: how many of the
  // next arriving beats belong to dropped requests (drop <= infl).

  logic [BW-1:0] infl_q, infl_d, drop_q, drop_d;
  logic          beat_in, push;
  logic [PW:0]   fcnt_q, fcnt_d;     // beats in the RAM (not counting the output register)
  logic [PW-1:0] wptr_q, wptr_d, rptr_q, rptr_d;
  logic          dv_q, dv_d, re;

  assign mrd_rdy_o = (drop_q != '0) || (fcnt_q != (PW+1)'(DEPTH));
  assign beat_in   = mrd_vld_i && mrd_rdy_o;
  assign push      = beat_in && (drop_q == '0);

  always_comb begin
    infl_d = infl_q + (iss ? BW'(beats_of(iss_b)) : '0) - BW'(beat_in);
    if (flush_i || miss) drop_d = infl_d;
    else                 drop_d = drop_q - BW'(beat_in && (drop_q != '0));
  end

  // ---------------------------------------------------------------- data FIFO
  // The RAM's output register is the consumer's data (dv: it holds a beat); it is
  // refilled in the cycle its beat is taken, so one beat per cycle flows out.

  assign pop     = c_vld_o && c_rdy_i;
  assign re      = (fcnt_q != '0) && (!dv_q || pop);
  assign c_vld_o = dv_q && active;

  always_comb begin
    wptr_d = wptr_q + PW'(push);
    if (flush_i || miss) begin
      rptr_d = wptr_d;
      fcnt_d = '0;
      dv_d   = 1'b0;
    end else begin
      rptr_d = rptr_q + PW'(re);
      fcnt_d = fcnt_q + (PW+1)'(push) - (PW+1)'(re);
      dv_d   = re || (dv_q && !pop);
    end
    if (flush_i)     cons_d = '0;
    else if (take_c) cons_d = beats_of(head_b);
    else             cons_d = cons_q - 32'(pop);
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      infl_q <= '0;
      drop_q <= '0;
      fcnt_q <= '0;
      wptr_q <= '0;
      rptr_q <= '0;
      dv_q   <= 1'b0;
      cons_q <= '0;
    end else begin
      infl_q <= infl_d;
      drop_q <= drop_d;
      fcnt_q <= fcnt_d;
      wptr_q <= wptr_d;
      rptr_q <= rptr_d;
      dv_q   <= dv_d;
      cons_q <= cons_d;
    end
  end

  wprefetch_ram #(
    .WIDTH(BUS_BYTES * 8),
    .DEPTH(DEPTH)
  ) u_ram (
    .clk_i  (clk_i),
    .we_i   (push),
    .waddr_i(wptr_q),
    .wdata_i(mrd_data_i),
    .re_i   (re),
    .raddr_i(rptr_q),
    .rdata_o(c_data_o)
  );

  assign idle_o = (qcnt_q == '0) && (infl_q == '0) && (fcnt_q == '0) && !dv_q && !active;

  // Bits 1:0 are ignored, like the DMA does.
  logic unused_low;
  assign unused_low = ^{hint_addr_i[1:0], hint_bytes_i[1:0], c_addr_i[1:0], c_bytes_i[1:0]};

`ifndef SYNTHESIS
  fifo_overflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(push && fcnt_q == (PW+1)'(DEPTH)));
  fifo_underflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(re && fcnt_q == '0));
  beat_not_requested: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(beat_in && infl_q == '0));
  drop_le_infl: assert property (@(posedge clk_i) disable iff (!rst_ni) drop_q <= infl_q);
  queue_counts: assert property (@(posedge clk_i) disable iff (!rst_ni)
      niss_q <= qcnt_q && qcnt_q <= (QW+1)'(NQ));
  hint_when_full: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(push_h && qcnt_q == (QW+1)'(NQ)));
  grant_while_active: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(take_c && active));
  beat_without_request: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(pop && cons_q == '0));
`endif
endmodule
