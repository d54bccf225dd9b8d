// dma.sv - the card's DMA (docs/architecture.md, "DMA (AXI4 master)"; docs/rtl.md,
// "streams"): N_RD read streams and N_WR write streams of the units on one AXI4
// master port, BUS_BYTES wide, 64-bit addresses.
//
// Stream protocol (each stream s is the slice [s*W +: W] of the packed ports):
// - request: addr (4-byte aligned; bits 1:0 ignored) and bytes (a multiple of 4,
//   0 .. 2^32-4; bits 1:0 ignored) are taken in a cycle with req && gnt. gnt
//   depends only on the DMA's state, never on req. A zero-byte read produces no
//   beat; a zero-byte write gives only its done pulse.
// - read data: vld/rdy/data, ceil(bytes / BUS_BYTES) beats per request, byte 0 of
//   the request in bits 7:0 of its first beat, the last beat zero-padded. A read
//   stream may have several requests queued (see dma_rd); their beats follow in
//   request order, each request starting a new beat.
// - write data: vld/rdy/data, ceil(bytes / BUS_BYTES) beats, bytes past the end of
//   the last beat are ignored; rdy depends only on state. The next write request
//   is granted once the previous one's data is taken and its bursts issued.
// - mwr_done: one pulse per write request, in request order, after all B responses
//   of its bursts (mwr_err with it if any was not OKAY). mrd_err pulses when an R
//   beat of the stream carries an error (its data is still delivered).
//
// AXI side: INCR bursts of full-width beats (AxSIZE = log2(BUS_BYTES)), aligned to
// BUS_BYTES, at most BURST_BEATS beats, ending on BURST_BEATS * BUS_BYTES
// boundaries (never across 4 KB). AxID = stream index (reads and writes each
// number their streams from 0): same-ID order is all the DMA relies on; the
// memory may reorder and interleave read data of different streams. Up to
// MAX_BURSTS read bursts in flight; RREADY and BREADY are (almost) always high
// because read buffer space is reserved before AR (no head-of-line blocking
// between streams). Throughput and sizes: see dma_rd.sv and dma_wr.sv.
// Not here: address/region checks (the sequencer's), AXI4-Lite registers, any
// clock crossing, narrow or unaligned AXI transfers, exclusive access.
`include "rwkvacc_hw.svh"

module dma #(
  parameter int unsigned N_RD        = 4,
  parameter int unsigned N_WR        = 2,
  parameter int unsigned BUS_BYTES   = rwkvacc_hw_pkg::CFG_BUS_BYTES,   // power of 2, >= 8
  parameter int unsigned MAX_BURSTS  = rwkvacc_hw_pkg::CFG_MAX_BURSTS,
  parameter int unsigned BURST_BEATS = 16,  // power of 2, 2 .. 4096 / BUS_BYTES
  parameter int unsigned ID_W        = 4,   // >= $clog2(max(N_RD, N_WR))
  // Buffers: read ring per stream (must exceed latency + BURST_BEATS for one beat
  // per cycle on one stream), write FIFO per stream (two bursts: full rate).
  parameter int unsigned RING_BEATS  = MAX_BURSTS * BURST_BEATS,
  parameter int unsigned WBUF_BEATS  = 2 * BURST_BEATS
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  // read streams
  input  logic [N_RD-1:0]             mrd_req_i,
  output logic [N_RD-1:0]             mrd_gnt_o,
  input  logic [N_RD*64-1:0]          mrd_addr_i,
  input  logic [N_RD*32-1:0]          mrd_bytes_i,
  output logic [N_RD-1:0]             mrd_vld_o,
  input  logic [N_RD-1:0]             mrd_rdy_i,
  output logic [N_RD*BUS_BYTES*8-1:0] mrd_data_o,
  output logic [N_RD-1:0]             mrd_err_o,
  // write streams
  input  logic [N_WR-1:0]             mwr_req_i,
  output logic [N_WR-1:0]             mwr_gnt_o,
  input  logic [N_WR*64-1:0]          mwr_addr_i,
  input  logic [N_WR*32-1:0]          mwr_bytes_i,
  input  logic [N_WR-1:0]             mwr_vld_i,
  output logic [N_WR-1:0]             mwr_rdy_o,
  input  logic [N_WR*BUS_BYTES*8-1:0] mwr_data_i,
  output logic [N_WR-1:0]             mwr_done_o,
  output logic [N_WR-1:0]             mwr_err_o,
  // AXI4 master: write address
  output logic [ID_W-1:0]             m_axi_awid_o,
  output logic [63:0]                 m_axi_awaddr_o,
  output logic [7:0]                  m_axi_awlen_o,
  output logic [2:0]                  m_axi_awsize_o,
  output logic [1:0]                  m_axi_awburst_o,
  output logic [3:0]                  m_axi_awcache_o,
  output logic [2:0]                  m_axi_awprot_o,
  output logic                        m_axi_awvalid_o,
  input  logic                        m_axi_awready_i,
  // write data
  output logic [BUS_BYTES*8-1:0]      m_axi_wdata_o,
  output logic [BUS_BYTES-1:0]        m_axi_wstrb_o,
  output logic                        m_axi_wlast_o,
  output logic                        m_axi_wvalid_o,
  input  logic                        m_axi_wready_i,
  // write response
  input  logic [ID_W-1:0]             m_axi_bid_i,
  input  logic [1:0]                  m_axi_bresp_i,
  input  logic                        m_axi_bvalid_i,
  output logic                        m_axi_bready_o,
  // read address
  output logic [ID_W-1:0]             m_axi_arid_o,
  output logic [63:0]                 m_axi_araddr_o,
  output logic [7:0]                  m_axi_arlen_o,
  output logic [2:0]                  m_axi_arsize_o,
  output logic [1:0]                  m_axi_arburst_o,
  output logic [3:0]                  m_axi_arcache_o,
  output logic [2:0]                  m_axi_arprot_o,
  output logic                        m_axi_arvalid_o,
  input  logic                        m_axi_arready_i,
  // read data
  input  logic [ID_W-1:0]             m_axi_rid_i,
  input  logic [BUS_BYTES*8-1:0]      m_axi_rdata_i,
  input  logic [1:0]                  m_axi_rresp_i,
  input  logic                        m_axi_rlast_i,
  input  logic                        m_axi_rvalid_i,
  output logic                        m_axi_rready_o
);
  // Constant AXI fields: full-width INCR bursts; normal non-cacheable bufferable
  // memory (AxCACHE 0011), unprivileged secure data access (AxPROT 000).
  localparam logic [2:0] AXSIZE = 3'($clog2(BUS_BYTES));

  assign m_axi_awsize_o  = AXSIZE;
  assign m_axi_arsize_o  = AXSIZE;
  assign m_axi_awburst_o = 2'b01;
  assign m_axi_arburst_o = 2'b01;
  assign m_axi_awcache_o = 4'b0011;
  assign m_axi_arcache_o = 4'b0011;
  assign m_axi_awprot_o  = 3'b000;
  assign m_axi_arprot_o  = 3'b000;

  dma_rd #(
    .N_RD       (N_RD),
    .BUS_BYTES  (BUS_BYTES),
    .MAX_BURSTS (MAX_BURSTS),
    .BURST_BEATS(BURST_BEATS),
    .RING_BEATS (RING_BEATS),
    .ID_W       (ID_W),
    // A request has at least one burst: as many queued requests per stream as
    // bursts in flight, so small requests are limited by MAX_BURSTS, not by this.
    .RQ_DEPTH   (1 << $clog2(MAX_BURSTS))
  ) u_rd (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .req_i    (mrd_req_i),
    .gnt_o    (mrd_gnt_o),
    .addr_i   (mrd_addr_i),
    .bytes_i  (mrd_bytes_i),
    .vld_o    (mrd_vld_o),
    .rdy_i    (mrd_rdy_i),
    .data_o   (mrd_data_o),
    .err_o    (mrd_err_o),
    .arid_o   (m_axi_arid_o),
    .araddr_o (m_axi_araddr_o),
    .arlen_o  (m_axi_arlen_o),
    .arvalid_o(m_axi_arvalid_o),
    .arready_i(m_axi_arready_i),
    .rid_i    (m_axi_rid_i),
    .rdata_i  (m_axi_rdata_i),
    .rresp_i  (m_axi_rresp_i),
    .rlast_i  (m_axi_rlast_i),
    .rvalid_i (m_axi_rvalid_i),
    .rready_o (m_axi_rready_o)
  );

  dma_wr #(
    .N_WR       (N_WR),
    .BUS_BYTES  (BUS_BYTES),
    .BURST_BEATS(BURST_BEATS),
    .WBUF_BEATS (WBUF_BEATS),
    .MAX_WB     (MAX_BURSTS),
    .ID_W       (ID_W)
  ) u_wr (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .req_i    (mwr_req_i),
    .gnt_o    (mwr_gnt_o),
    .addr_i   (mwr_addr_i),
    .bytes_i  (mwr_bytes_i),
    .vld_i    (mwr_vld_i),
    .rdy_o    (mwr_rdy_o),
    .data_i   (mwr_data_i),
    .done_o   (mwr_done_o),
    .err_o    (mwr_err_o),
    .awid_o   (m_axi_awid_o),
    .awaddr_o (m_axi_awaddr_o),
    .awlen_o  (m_axi_awlen_o),
    .awvalid_o(m_axi_awvalid_o),
    .awready_i(m_axi_awready_i),
    .wdata_o  (m_axi_wdata_o),
    .wstrb_o  (m_axi_wstrb_o),
    .wlast_o  (m_axi_wlast_o),
    .wvalid_o (m_axi_wvalid_o),
    .wready_i (m_axi_wready_i),
    .bid_i    (m_axi_bid_i),
    .bresp_i  (m_axi_bresp_i),
    .bvalid_i (m_axi_bvalid_i),
    .bready_o (m_axi_bready_o)
  );
endmodule
