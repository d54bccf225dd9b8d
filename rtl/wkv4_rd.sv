// wkv4_rd.sv - the RWKV-4 WKV unit's memory read stream (docs/rtl.md, mrd_*): one
// request of nwords_i 32-bit words at addr_i, then the bus beats unpacked into at
// most one word per cycle (word_vld_o/word_o, in stream order, little-endian:
// word 0 is bits 31:0 of the first beat). The consumer takes every word it is
// given (the unit writes them straight into its RAMs), so there is no word-level
// back-pressure; beats are accepted only when the previous beat is used up.
// Not a DMA: alignment, bursts and AXI are the DMA's.
`include "rwkvacc_hw.svh"

module wkv4_rd #(
  parameter int unsigned BUS_BYTES = rwkvacc_hw_pkg::CFG_BUS_BYTES,
  parameter int unsigned NW_W      = 16   // word count bits
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   start_i,   // pulse while idle: read nwords_i words at addr_i
  input  logic [63:0]            addr_i,
  input  logic [NW_W-1:0]        nwords_i,
  output logic                   word_vld_o,
  output logic [31:0]            word_o,
  output logic                   mrd_req_o,
  input  logic                   mrd_gnt_i,
  output logic [63:0]            mrd_addr_o,
  output logic [31:0]            mrd_bytes_o,
  input  logic                   mrd_vld_i,
  output logic                   mrd_rdy_o,
  input  logic [BUS_BYTES*8-1:0] mrd_data_i
);
  localparam int unsigned WPB = BUS_BYTES / 4;  // words per beat
  localparam int unsigned CW  = $clog2(WPB + 1);

  logic                   req_d, req_q;
  logic [63:0]            addr_d, addr_q;
  logic [NW_W-1:0]        nw_d, nw_q;    // words requested
  logic [NW_W-1:0]        rem_d, rem_q;  // words still to come from the bus
  logic [BUS_BYTES*8-1:0] buf_d, buf_q;  // current beat, next word in bits 31:0
  logic [CW-1:0]          cnt_d, cnt_q;  // words left in buf_q
  logic [CW-1:0]          take;

  // A new beat is taken when the buffer is empty or gives its last word now, so a
  // beat every WPB cycles keeps one word per cycle flowing. Only registers drive
  // the ready (no combinational path from the valid).
  assign mrd_rdy_o   = !req_q && (rem_q != '0) && (cnt_q <= CW'(1));
  assign mrd_req_o   = req_q;
  assign mrd_addr_o  = addr_q;
  assign mrd_bytes_o = 32'({nw_q, 2'b00});
  assign word_vld_o  = cnt_q != '0;
  assign word_o      = buf_q[31:0];

  always_comb begin
    req_d  = req_q;
    addr_d = addr_q;
    nw_d   = nw_q;
    rem_d  = rem_q;
    buf_d  = buf_q;
    cnt_d  = cnt_q;
    take   = (rem_q < NW_W'(WPB)) ? CW'(rem_q) : CW'(WPB);
    if (start_i) begin
      req_d  = 1'b1;
      addr_d = addr_i;
      nw_d   = nwords_i;
      rem_d  = nwords_i;
      cnt_d  = '0;
    end else begin
      if (req_q && mrd_gnt_i) req_d = 1'b0;
      if (cnt_q != '0) begin
        buf_d = buf_q >> 32;
        cnt_d = cnt_q - CW'(1);
      end
      if (mrd_vld_i && mrd_rdy_o) begin
        buf_d = mrd_data_i;
        cnt_d = take;
        rem_d = rem_q - NW_W'(take);
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      req_q <= 1'b0;
      rem_q <= '0;
      cnt_q <= '0;
    end else begin
      req_q <= req_d;
      rem_q <= rem_d;
      cnt_q <= cnt_d;
    end
  end

  always_ff @(posedge clk_i) begin
    addr_q <= addr_d;
    nw_q   <= nw_d;
    buf_q  <= buf_d;
  end
endmodule
