// wkv4_wr.sv - the RWKV-4 WKV unit's memory write stream (docs/rtl.md, mwr_*): one
// request of nwords_i 32-bit words at addr_i; the words are packed into bus beats
// (word 0 in bits 31:0 of the first beat, the last beat's unused bytes zero) and
// sent with valid/ready; done_o pulses once every beat is accepted and the DMA
// reports the write complete (mwr_done_i).
// Word interface: while take_o is high the caller may issue one word read (from a
// RAM with one cycle of latency); the word arrives with word_vld_i the next cycle.
// take_o depends only on registers. One beat is filled while the previous one
// waits on the bus; without stalls a beat takes WPB + 1 cycles. Not a DMA: alignment, bursts and AXI are the DMA's.
`include "rwkvacc_hw.svh"

module wkv4_wr #(
  parameter int unsigned BUS_BYTES = rwkvacc_hw_pkg::CFG_BUS_BYTES,
  parameter int unsigned NW_W      = 16   // word count bits
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   start_i,   // pulse while idle: write nwords_i words at addr_i
  input  logic [63:0]            addr_i,
  input  logic [NW_W-1:0]        nwords_i,
  output logic                   take_o,    // issue a word now; it comes back next cycle
  input  logic                   word_vld_i,
  input  logic [31:0]            word_i,
  output logic                   done_o,    // pulse: the write is complete in memory
  output logic                   mwr_req_o,
  input  logic                   mwr_gnt_i,
  output logic [63:0]            mwr_addr_o,
  output logic [31:0]            mwr_bytes_o,
  output logic                   mwr_vld_o,
  input  logic                   mwr_rdy_i,
  output logic [BUS_BYTES*8-1:0] mwr_data_o,
  input  logic                   mwr_done_i
);
  localparam int unsigned WPB = BUS_BYTES / 4;  // words per beat
  localparam int unsigned CW  = $clog2(WPB + 1);

  logic                   act_d, act_q;     // from start_i to done_o
  logic                   req_d, req_q;     // request not yet granted
  logic                   mdone_d, mdone_q; // mwr_done_i seen
  logic [63:0]            addr_d, addr_q;
  logic [NW_W-1:0]        nw_d, nw_q;
  logic [NW_W-1:0]        rem_d, rem_q;     // words not yet moved to the output beat
  logic [CW-1:0]          icnt_d, icnt_q;   // words issued into the filling beat
  logic [CW-1:0]          fcnt_d, fcnt_q;   // words landed in it
  logic [BUS_BYTES*8-1:0] fill_d, fill_q;   // the beat being filled
  logic [BUS_BYTES*8-1:0] obuf_d, obuf_q;   // the beat on the bus
  logic                   ovld_d, ovld_q;
  logic [CW-1:0]          bw;               // words in the filling beat
  logic                   move;

  assign bw          = (rem_q < NW_W'(WPB)) ? CW'(rem_q) : CW'(WPB);
  assign take_o      = act_q && (icnt_q < bw);
  assign mwr_req_o   = req_q;
  assign mwr_addr_o  = addr_q;
  assign mwr_bytes_o = 32'({nw_q, 2'b00});
  // beats go out only after the request is granted
  assign mwr_vld_o   = ovld_q && act_q && !req_q;
  assign mwr_data_o  = obuf_q;
  assign done_o      = act_q && !req_q && (rem_q == '0) && !ovld_q && mdone_q;

  always_comb begin
    act_d   = act_q;
    req_d   = req_q;
    mdone_d = mdone_q;
    addr_d  = addr_q;
    nw_d    = nw_q;
    rem_d   = rem_q;
    icnt_d  = icnt_q;
    fcnt_d  = fcnt_q;
    fill_d  = fill_q;
    obuf_d  = obuf_q;
    ovld_d  = ovld_q;
    move    = 1'b0;
    if (start_i) begin
      act_d   = 1'b1;
      req_d   = 1'b1;
      mdone_d = 1'b0;
      addr_d  = addr_i;
      nw_d    = nwords_i;
      rem_d   = nwords_i;
      icnt_d  = '0;
      fcnt_d  = '0;
      fill_d  = '0;
      ovld_d  = 1'b0;
    end else if (act_q) begin
      if (req_q && mwr_gnt_i) req_d = 1'b0;
      if (!req_q && mwr_done_i) mdone_d = 1'b1;
      if (take_o) icnt_d = icnt_q + CW'(1);
      if (word_vld_i) begin
        for (int w = 0; w < WPB; w++) begin
          if (fcnt_q == CW'(w)) fill_d[w*32 +: 32] = word_i;
        end
        fcnt_d = fcnt_q + CW'(1);
      end
      if (mwr_vld_o && mwr_rdy_i) ovld_d = 1'b0;
      // The filled beat (with a word landing now) moves out when the bus beat
      // is free or leaves now; every word of it was issued, so none is in flight.
      move = (bw != '0) && (fcnt_d == bw) && (!ovld_q || (mwr_vld_o && mwr_rdy_i));
      if (move) begin
        obuf_d = fill_d;
        ovld_d = 1'b1;
        fill_d = '0;
        icnt_d = '0;
        fcnt_d = '0;
        rem_d  = rem_q - NW_W'(bw);
      end
      if (done_o) act_d = 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      act_q   <= 1'b0;
      req_q   <= 1'b0;
      mdone_q <= 1'b0;
      rem_q   <= '0;
      icnt_q  <= '0;
      fcnt_q  <= '0;
      ovld_q  <= 1'b0;
    end else begin
      act_q   <= act_d;
      req_q   <= req_d;
      mdone_q <= mdone_d;
      rem_q   <= rem_d;
      icnt_q  <= icnt_d;
      fcnt_q  <= fcnt_d;
      ovld_q  <= ovld_d;
    end
  end

  always_ff @(posedge clk_i) begin
    addr_q <= addr_d;
    nw_q   <= nw_d;
    fill_q <= fill_d;
    obuf_q <= obuf_d;
  end
endmodule
