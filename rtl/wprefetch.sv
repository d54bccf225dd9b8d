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
// is taken with req && gnt, then ceil(bytes / W) beats on vld/rdy/data of W
// bytes, byte 0 in bits 7:0 of the first beat, the last beat zero-padded; several
// requests may be queued on the DMA, their beats follow in request order. Bits
// 1:0 of addresses and byte counts are ignored (as by the DMA), also when hints
// and requests are compared. W is BUS_BYTES on the DMA side (mrd) and
// CR * BUS_BYTES on the consumer side (c_): consumer beat ("word") j holds stream
// bytes [j * CR * BUS_BYTES, (j + 1) * CR * BUS_BYTES), so the consumer can take
// CR bus beats per cycle (CR = 1: both sides alike).
//
// How:
// - Hint queue: NQ entries in order. Each is issued to the DMA (mrd) as one
//   request of its whole size as soon as possible, in order (the DMA throttles
//   by rdy). Beats arriving go into the data FIFO (a dual-port RAM,
//   sdp_ram, of DEPTH / CR words of CR beats) while it has room (mrd_rdy_o
//   low when full). CR > 1: the beats are packed CR at a time into a word (the
//   first CR - 1 in a packing register, the word written with the CR-th); the
//   packing restarts at each request's first beat, and the request's last beat
//   writes its last word at once, zero past that beat (its remaining beats do
//   not exist). For that the beat counts of the issued requests are kept in
//   order (arrival queue, 2 * NQ entries, at most NQ + 1 used: the queued issued
//   hints and the active request), cleared with everything else on a miss or
//   flush.
// - A consumer request (c_req_i) equal to the oldest hint not yet consumed (the
//   queue's head) is granted once that hint has been issued, and served from the
//   FIFO: exactly its words, in order, as they arrive. The next hint's words
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
//   request's last word was delivered (and a c_req_i meanwhile is not a miss).
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
// Throughput: one bus beat per cycle into the FIFO and one consumer word (CR
// beats) out of it, together (the RAM has one write and one read port). A
// request whose words are buffered is delivered at one word per cycle from the
// cycle after its grant; between two requests one cycle is lost (grant after
// the last word). Fed by the DMA at one beat per cycle (nothing buffered), a
// word leaves every CR cycles, each two cycles after its last beat arrived (so
// the first word CR - 1 cycles later than at CR = 1). The FIFO holds DEPTH / CR
// words plus one in the output register (DEPTH + CR beats when they fill whole
// words; mrd_rdy_o is low while the RAM is full, even when the beat would only
// go to the packing register). A request of b beats takes ceil(b / CR) words.
// Sizes: bytes up to 2^32 - 4 per request; the count of beats in flight is 40
// bits (the DMA queues a few requests; 40 bits would hold 2^14 of 4 GB each).
`include "rwkvacc_hw.svh"

module wprefetch #(
  parameter int unsigned BUS_BYTES = rwkvacc_hw_pkg::CFG_BUS_BYTES,  // power of 2, >= 8
  parameter int unsigned DEPTH     = 8192,  // beats of the data FIFO, power of 2, >= 2 * CR
  parameter int unsigned NQ        = 4,     // hints queued, power of 2, >= 2
  parameter int unsigned CR        = 1      // consumer word = CR bus beats, power of 2, >= 1
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
  output logic [CR*BUS_BYTES*8-1:0] c_data_o
);
  localparam int unsigned LW  = $clog2(BUS_BYTES / 4);  // log2(4-byte words per beat)
  localparam int unsigned CL  = $clog2(CR);             // log2(beats per consumer word)
  localparam int unsigned DB  = BUS_BYTES * 8;          // bits of a bus beat
  localparam int unsigned CB  = CR * DB;                // bits of a consumer word
  localparam int unsigned WD  = DEPTH / CR;             // FIFO words
  localparam int unsigned QW  = $clog2(NQ);
  localparam int unsigned PW  = $clog2(WD);
  localparam int unsigned BW  = 40;                     // beats in flight

  // Bus beats of a request of w 4-byte words.
  function automatic logic [31:0] beats_of(input logic [29:0] w);
    logic [31:0] s;
    s = {2'b00, w} + 32'(BUS_BYTES / 4 - 1);
    beats_of = s >> LW;
  endfunction

  // Consumer words of a request of w 4-byte words.
  function automatic logic [31:0] words_of(input logic [29:0] w);
    logic [31:0] s;
    s = {2'b00, w} + 32'(CR * BUS_BYTES / 4 - 1);
    words_of = s >> (LW + CL);
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
  logic [31:0]   cons_q, cons_d;     // words still to deliver to the consumer

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
  logic          beat_in, push, wr;
  logic [PW:0]   fcnt_q, fcnt_d;     // words in the RAM (not counting the output register)
  logic [PW-1:0] wptr_q, wptr_d, rptr_q, rptr_d;
  logic          dv_q, dv_d, re;
  logic [CB-1:0] wdata;

  assign mrd_rdy_o = (drop_q != '0) || (fcnt_q != (PW+1)'(WD));
  assign beat_in   = mrd_vld_i && mrd_rdy_o;
  assign push      = beat_in && (drop_q == '0);   // a beat kept

  always_comb begin
    infl_d = infl_q + (iss ? BW'(beats_of(iss_b)) : '0) - BW'(beat_in);
    if (flush_i || miss) drop_d = infl_d;
    else                 drop_d = drop_q - BW'(beat_in && (drop_q != '0));
  end

  // ---------------------------------------------------------------- data FIFO
  // The RAM's output register is the consumer's data (dv: it holds a word); it is
  // refilled in the cycle its word is taken, so one word per cycle flows out.

  assign pop     = c_vld_o && c_rdy_i;
  assign re      = (fcnt_q != '0) && (!dv_q || pop);
  assign c_vld_o = dv_q && active;

  always_comb begin
    wptr_d = wptr_q + PW'(wr);
    if (flush_i || miss) begin
      rptr_d = wptr_d;
      fcnt_d = '0;
      dv_d   = 1'b0;
    end else begin
      rptr_d = rptr_q + PW'(re);
      fcnt_d = fcnt_q + (PW+1)'(wr) - (PW+1)'(re);
      dv_d   = re || (dv_q && !pop);
    end
    if (flush_i)     cons_d = '0;
    else if (take_c) cons_d = words_of(head_b);
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

  // ---------------------------------------------------------------- packing
  // wr: a word is written (wdata); push without wr: the beat went to the packing
  // register.

  if (CR == 1) begin : g_nopack
    assign wr    = push;
    assign wdata = mrd_data_i;
  end else begin : g_pack
    localparam int unsigned AQ  = 2 * NQ;       // arrival queue entries
    localparam int unsigned AQW = $clog2(AQ);

    // Arrival queue: the beat counts (> 0) of the issued, kept requests whose
    // beats have not all arrived, in order; entries ah .. ah + ac - 1 (mod AQ).
    // aidx: beats of the oldest (ah) arrived so far.
    logic [AQ*32-1:0]  aq_q;
    logic [AQW-1:0]    ah_q, ah_d, at_idx;
    logic [AQW:0]      ac_q, ac_d;
    logic [31:0]       aidx_q, aidx_d, iss_beats, head_beats;
    logic [CL-1:0]     pos;
    logic              last, aq_push, aq_pop;
    logic [CB-DB-1:0]  pk_q;                    // beats 0 .. CR - 2 of the word

    assign iss_beats  = beats_of(iss_b);
    assign aq_push    = iss && (iss_beats != '0);
    assign at_idx     = ah_q + AQW'(ac_q);
    assign head_beats = aq_q[32'(ah_q) * 32 +: 32];
    assign pos        = aidx_q[CL-1:0];
    assign last       = (aidx_q + 32'd1 == head_beats);
    assign aq_pop     = push && last;
    assign wr         = push && (last || pos == CL'(CR - 1));

    // The word: the packed beats below pos, the arriving beat at pos, zero above
    // (the beats past a request's last one).
    always_comb begin
      for (int j = 0; j < CR - 1; j++) begin
        if (CL'(j) == pos)     wdata[j*DB +: DB] = mrd_data_i;
        else if (CL'(j) < pos) wdata[j*DB +: DB] = pk_q[j*DB +: DB];
        else                   wdata[j*DB +: DB] = '0;
      end
      wdata[CB-DB +: DB] = (pos == CL'(CR - 1)) ? mrd_data_i : '0;
    end

    always_comb begin
      ah_d   = ah_q;
      ac_d   = ac_q;
      aidx_d = aidx_q;
      if (flush_i || miss) begin
        ac_d   = '0;
        aidx_d = '0;
      end else begin
        ah_d = ah_q + AQW'(aq_pop);
        ac_d = ac_q + (AQW+1)'(aq_push) - (AQW+1)'(aq_pop);
        if (aq_pop)    aidx_d = '0;
        else if (push) aidx_d = aidx_q + 32'd1;
      end
    end

    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        ah_q   <= '0;
        ac_q   <= '0;
        aidx_q <= '0;
      end else begin
        ah_q   <= ah_d;
        ac_q   <= ac_d;
        aidx_q <= aidx_d;
      end
    end

    // Storage without reset (only entries below ac, only slots below pos are used).
    always_ff @(posedge clk_i) begin
      for (int i = 0; i < AQ; i++) begin
        if (aq_push && AQW'(i) == at_idx) aq_q[i*32 +: 32] <= iss_beats;
      end
      for (int j = 0; j < CR - 1; j++) begin
        if (push && CL'(j) == pos) pk_q[j*DB +: DB] <= mrd_data_i;
      end
    end

`ifndef SYNTHESIS
    arrival_queue_count: assert property (@(posedge clk_i) disable iff (!rst_ni)
        ac_q <= (AQW+1)'(NQ + 1));
    beat_without_arrival: assert property (@(posedge clk_i) disable iff (!rst_ni)
        !(push && ac_q == '0));
`endif
  end

  sdp_ram #(
    .WIDTH(CB),
    .DEPTH(WD)
  ) u_ram (
    .clk_i  (clk_i),
    .we_i   (wr),
    .waddr_i(wptr_q),
    .wdata_i(wdata),
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
      !(wr && fcnt_q == (PW+1)'(WD)));
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
