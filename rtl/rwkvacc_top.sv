// rwkvacc_top.sv - the card: AXI4-Lite registers (regfile, generated from the
// hardware spec), the sequencer, the vector register file, the datapath units
// and the DMA behind one AXI4 master, and the interrupt line. One instruction
// runs at a time, so the units share the register-file ports and the DMA streams
// through multiplexers selected by the sequencer's running unit. This file is
// wiring only: every decision is in the modules it connects.
`include "rwkvacc_hw.svh"

module rwkvacc_top #(
  parameter int unsigned BUS_BYTES  = rwkvacc_hw_pkg::CFG_BUS_BYTES,
  parameter int unsigned VREG_WORDS = rwkvacc_hw_pkg::CFG_VREG_WORDS,
  parameter int unsigned N_VREG     = rwkvacc_hw_pkg::CFG_N_VREG,
  parameter int unsigned MAX_BURSTS = rwkvacc_hw_pkg::CFG_MAX_BURSTS,
  parameter int unsigned VL         = rwkvacc_hw_pkg::CFG_VEC_LANES,
  parameter int unsigned MV_MAX_ROWS = 65536,
  parameter int unsigned PF_BEATS   = 16384,  // weight prefetch FIFO (512 KB at 64-byte beats)
  parameter int unsigned PF_S_BEATS = 512,   // scale prefetch FIFO
  parameter int unsigned ID_W       = 4
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // AXI4-Lite slave: the registers
  input  logic [11:0]            s_axil_awaddr_i,
  input  logic                   s_axil_awvalid_i,
  output logic                   s_axil_awready_o,
  input  logic [31:0]            s_axil_wdata_i,
  input  logic [3:0]             s_axil_wstrb_i,
  input  logic                   s_axil_wvalid_i,
  output logic                   s_axil_wready_o,
  output logic [1:0]             s_axil_bresp_o,
  output logic                   s_axil_bvalid_o,
  input  logic                   s_axil_bready_i,
  input  logic [11:0]            s_axil_araddr_i,
  input  logic                   s_axil_arvalid_i,
  output logic                   s_axil_arready_o,
  output logic [31:0]            s_axil_rdata_o,
  output logic [1:0]             s_axil_rresp_o,
  output logic                   s_axil_rvalid_o,
  input  logic                   s_axil_rready_i,
  // AXI4 master: device memory
  output logic [ID_W-1:0]        m_axi_awid_o,
  output logic [63:0]            m_axi_awaddr_o,
  output logic [7:0]             m_axi_awlen_o,
  output logic [2:0]             m_axi_awsize_o,
  output logic [1:0]             m_axi_awburst_o,
  output logic [3:0]             m_axi_awcache_o,
  output logic [2:0]             m_axi_awprot_o,
  output logic                   m_axi_awvalid_o,
  input  logic                   m_axi_awready_i,
  output logic [BUS_BYTES*8-1:0] m_axi_wdata_o,
  output logic [BUS_BYTES-1:0]   m_axi_wstrb_o,
  output logic                   m_axi_wlast_o,
  output logic                   m_axi_wvalid_o,
  input  logic                   m_axi_wready_i,
  input  logic [ID_W-1:0]        m_axi_bid_i,
  input  logic [1:0]             m_axi_bresp_i,
  input  logic                   m_axi_bvalid_i,
  output logic                   m_axi_bready_o,
  output logic [ID_W-1:0]        m_axi_arid_o,
  output logic [63:0]            m_axi_araddr_o,
  output logic [7:0]             m_axi_arlen_o,
  output logic [2:0]             m_axi_arsize_o,
  output logic [1:0]             m_axi_arburst_o,
  output logic [3:0]             m_axi_arcache_o,
  output logic [2:0]             m_axi_arprot_o,
  output logic                   m_axi_arvalid_o,
  input  logic                   m_axi_arready_i,
  input  logic [ID_W-1:0]        m_axi_rid_i,
  input  logic [BUS_BYTES*8-1:0] m_axi_rdata_i,
  input  logic [1:0]             m_axi_rresp_i,
  input  logic                   m_axi_rlast_i,
  input  logic                   m_axi_rvalid_i,
  output logic                   m_axi_rready_o,
  output logic                   irq_o
);
  localparam int unsigned NU = 8;   // units, numbered as in sequencer.sv
  localparam int unsigned NRD = 6;  // register-file read ports (WKV 7 reads six sources)
  localparam int unsigned AW = $clog2(N_VREG * VREG_WORDS);
  localparam int unsigned DW = BUS_BYTES * 8;
  localparam int unsigned RAW = AW - $clog2(VL);  // register-file row address bits
  // The matrix-vector unit takes MVB weight bytes per cycle (one INT8 MAC each):
  // MCR bus beats, so the weights the prefetcher read ahead drain MCR times faster
  // than the bus fills, and prefetching turns into overlap.
  localparam int unsigned MVB = rwkvacc_hw_pkg::CFG_MV_LANES;
  localparam int unsigned MCR = MVB / BUS_BYTES;
  localparam int unsigned MDW = MVB * 8;
  localparam int unsigned U_LDST = 0, U_VEC = 1, U_SFU = 2, U_MATVEC = 3, U_NORM = 4,
                          U_WKV4 = 5, U_WKVM = 6, U_BONUS7 = 7;

  // ---------------------------------------------------------------- registers
  logic start, busy, done, error, irq_done_set, irq_error_set;
  logic [31:0] prog_offset, prog_len, token, err_code;
  logic [4*64-1:0] region_base;
  logic [4*32-1:0] region_size;
  logic [63:0] cycles, rd_bytes, wr_bytes, rd_weight_bytes;
  logic ctrl_abort, ctrl_irq_en;

  regfile #(.AW(12)) u_regfile (
    .clk_i, .rst_ni,
    .awaddr_i(s_axil_awaddr_i), .awvalid_i(s_axil_awvalid_i), .awready_o(s_axil_awready_o),
    .wdata_i(s_axil_wdata_i), .wstrb_i(s_axil_wstrb_i), .wvalid_i(s_axil_wvalid_i),
    .wready_o(s_axil_wready_o), .bresp_o(s_axil_bresp_o), .bvalid_o(s_axil_bvalid_o),
    .bready_i(s_axil_bready_i), .araddr_i(s_axil_araddr_i), .arvalid_i(s_axil_arvalid_i),
    .arready_o(s_axil_arready_o), .rdata_o(s_axil_rdata_o), .rresp_o(s_axil_rresp_o),
    .rvalid_o(s_axil_rvalid_o), .rready_i(s_axil_rready_i),
    .ctrl_start_o(start), .ctrl_abort_o(ctrl_abort), .ctrl_irq_en_o(ctrl_irq_en),
    .status_busy_i(busy), .status_done_i(done), .status_error_i(error),
    .irq_status_done_set_i(irq_done_set), .irq_status_error_set_i(irq_error_set),
    .err_code_code_i(err_code[7:0]), .err_code_pc_i(err_code[31:8]),
    .prog_offset_o(prog_offset), .prog_len_o(prog_len), .token_o(token),
    .region_base_o(region_base), .region_size_o(region_size),
    .cycles_i(cycles), .rd_bytes_i(rd_bytes), .wr_bytes_i(wr_bytes),
    .rd_weight_bytes_i(rd_weight_bytes), .irq_o
  );

  // ---------------------------------------------------------------- sequencer
  logic [NU-1:0] u_start, u_done, u_err;
  logic [NU*32-1:0] u_dst_e;
  logic [NU*13-1:0] u_dst_n;
  logic [$clog2(NU)-1:0] unit;
  logic [7:0] op, sub;
  logic [4:0] dst;
  logic [6*5-1:0] src;
  logic [6*32-1:0] src_e;
  logic [6*13-1:0] src_n;
  logic [12:0] n;
  logic [15:0] imm;
  logic [63:0] addr, addr2, io_addr;
  logic [31:0] mat_rows, mat_group, mat_stride;
  logic [12:0] mat_cols;
  logic [7:0] mat_bits;
  // DMA streams: read 0 the sequencer, 1 the running unit, 2 the matrix scales and
  // 3 the matrix weights (both through their prefetchers); write 0 the running unit
  logic [3:0] rd_req, rd_gnt, rd_vld, rd_rdy, rd_err;
  logic [4*64-1:0] rd_addr;
  logic [4*32-1:0] rd_bytes_req;
  logic [4*DW-1:0] rd_data;
  // PREFETCH hints and the matrix-vector unit's two streams, served by the prefetchers
  logic pf_hint_vld, pf_flush;
  logic [1:0] pf_hint_rdy, pf_idle;
  logic [63:0] pf_q_addr, pf_s_addr;
  logic [31:0] pf_q_bytes, pf_s_bytes;
  logic mvq_req, mvq_gnt, mvq_vld, mvq_rdy, mvs_req, mvs_gnt, mvs_vld, mvs_rdy;
  logic [63:0] mvq_addr, mvs_addr;
  logic [31:0] mvq_bytes, mvs_bytes;
  logic [MDW-1:0] mvq_data, mvs_data, mvw_data;
  logic mvw_req, mvw_gnt, mvw_vld, mvw_rdy, mvw_done;
  logic [63:0] mvw_addr;
  logic [31:0] mvw_bytes;
  logic wr_req, wr_gnt, wr_vld, wr_rdy, wr_done, wr_err;
  logic [63:0] wr_addr;
  logic [31:0] wr_bytes_req;
  logic [DW-1:0] wr_data;

  sequencer #(.BUS_BYTES(BUS_BYTES), .N_VREG(N_VREG), .VREG_WORDS(VREG_WORDS),
              .N_UNITS(NU)) u_sequencer (
    .clk_i, .rst_ni, .start_i(start), .prog_offset_i(prog_offset), .prog_len_i(prog_len),
    .token_i(token), .region_base_i(region_base), .region_size_i(region_size),
    .busy_o(busy), .done_o(done), .error_o(error), .err_code_o(err_code),
    .irq_done_set_o(irq_done_set), .irq_error_set_o(irq_error_set),
    .cycles_o(cycles), .rd_bytes_o(rd_bytes), .wr_bytes_o(wr_bytes),
    .rd_weight_bytes_o(rd_weight_bytes),
    .unit_start_o(u_start), .unit_o(unit), .op_o(op), .sub_o(sub), .dst_o(dst),
    .src_o(src), .src_e_o(src_e), .src_n_o(src_n), .n_o(n), .imm_o(imm), .addr_o(addr),
    .addr2_o(addr2), .io_addr_o(io_addr), .mat_rows_o(mat_rows), .mat_cols_o(mat_cols),
    .mat_bits_o(mat_bits), .mat_group_o(mat_group), .mat_stride_o(mat_stride),
    .unit_done_i(u_done), .unit_err_i(u_err), .unit_dst_e_i(u_dst_e), .unit_dst_n_i(u_dst_n),
    .mrd_req_o(rd_req[0]), .mrd_gnt_i(rd_gnt[0]), .mrd_addr_o(rd_addr[0 +: 64]),
    .mrd_bytes_o(rd_bytes_req[0 +: 32]), .mrd_vld_i(rd_vld[0]), .mrd_rdy_o(rd_rdy[0]),
    .mrd_data_i(rd_data[0 +: DW]),
    .pf_hint_vld_o(pf_hint_vld), .pf_hint_rdy_i(pf_hint_rdy), .pf_q_addr_o(pf_q_addr),
    .pf_q_bytes_o(pf_q_bytes), .pf_s_addr_o(pf_s_addr), .pf_s_bytes_o(pf_s_bytes),
    .pf_flush_o(pf_flush), .pf_idle_i(&pf_idle)
  );

  // ---------------------------------------------------------------- weight prefetch
  wprefetch #(.BUS_BYTES(BUS_BYTES), .DEPTH(PF_BEATS), .CR(MCR)) u_pf_q (
    .clk_i, .rst_ni, .hint_vld_i(pf_hint_vld), .hint_rdy_o(pf_hint_rdy[0]),
    .hint_addr_i(pf_q_addr), .hint_bytes_i(pf_q_bytes), .flush_i(pf_flush), .idle_o(pf_idle[0]),
    .mrd_req_o(rd_req[3]), .mrd_gnt_i(rd_gnt[3]), .mrd_addr_o(rd_addr[192 +: 64]),
    .mrd_bytes_o(rd_bytes_req[96 +: 32]), .mrd_vld_i(rd_vld[3]), .mrd_rdy_o(rd_rdy[3]),
    .mrd_data_i(rd_data[3*DW +: DW]),
    .c_req_i(mvq_req), .c_gnt_o(mvq_gnt), .c_addr_i(mvq_addr), .c_bytes_i(mvq_bytes),
    .c_vld_o(mvq_vld), .c_rdy_i(mvq_rdy), .c_data_o(mvq_data)
  );
  wprefetch #(.BUS_BYTES(BUS_BYTES), .DEPTH(PF_S_BEATS), .CR(MCR)) u_pf_s (
    .clk_i, .rst_ni, .hint_vld_i(pf_hint_vld), .hint_rdy_o(pf_hint_rdy[1]),
    .hint_addr_i(pf_s_addr), .hint_bytes_i(pf_s_bytes), .flush_i(pf_flush), .idle_o(pf_idle[1]),
    .mrd_req_o(rd_req[2]), .mrd_gnt_i(rd_gnt[2]), .mrd_addr_o(rd_addr[128 +: 64]),
    .mrd_bytes_o(rd_bytes_req[64 +: 32]), .mrd_vld_i(rd_vld[2]), .mrd_rdy_o(rd_rdy[2]),
    .mrd_data_i(rd_data[2*DW +: DW]),
    .c_req_i(mvs_req), .c_gnt_o(mvs_gnt), .c_addr_i(mvs_addr), .c_bytes_i(mvs_bytes),
    .c_vld_o(mvs_vld), .c_rdy_i(mvs_rdy), .c_data_o(mvs_data)
  );


  // ---------------------------------------------------------------- register file
  // Row-wide units (WIDE) drive w_* themselves, VL words per access; the others
  // move one word per access on u_* and reach the rows through vrf_narrow.
  localparam logic [NU-1:0] WIDE = NU'(1) << U_LDST | (NU'(1) << U_VEC) | (NU'(1) << U_MATVEC) | (NU'(1) << U_NORM);
  logic [NU*NRD-1:0] u_rd_en;       // narrow ports
  logic [NU*NRD*AW-1:0] u_rd_addr;
  logic [NU*NRD*32-1:0] u_rd_data;
  logic [NU-1:0] u_wr_en;
  logic [NU*AW-1:0] u_wr_addr;
  logic [NU*32-1:0] u_wr_data;
  logic [NU*NRD-1:0] w_rd_en;       // row ports
  logic [NU*NRD*RAW-1:0] w_rd_addr;
  logic [NU-1:0] w_wr_en;
  logic [NU*RAW-1:0] w_wr_addr;
  logic [NU*VL*32-1:0] w_wr_data;
  logic [NU*VL-1:0] w_wr_mask;
  logic [NRD*VL*32-1:0] vrf_rd_data;

  for (genvar u = 0; u < NU; u++) begin : g_vport
    if (WIDE[u]) begin : g_wide  // the narrow lines of a row-wide unit: unused
      assign u_rd_data[NRD*32*u +: NRD*32] = '0;
      assign u_rd_en[NRD*u +: NRD] = '0;
      assign u_rd_addr[NRD*AW*u +: NRD*AW] = '0;
      assign u_wr_en[u] = 1'b0;
      assign u_wr_addr[AW*u +: AW] = '0;
      assign u_wr_data[32*u +: 32] = '0;
      logic unused_narrow;
      assign unused_narrow = ^{u_rd_en[NRD*u +: NRD], u_rd_addr[NRD*AW*u +: NRD*AW], u_wr_en[u],
                               u_wr_addr[AW*u +: AW], u_wr_data[32*u +: 32]};
    end else begin : g_narrow
      vrf_narrow #(.NRD(NRD), .AW(AW), .VL(VL)) u_narrow (
        .clk_i, .rd_en_i(u_rd_en[NRD*u +: NRD]), .rd_addr_i(u_rd_addr[NRD*AW*u +: NRD*AW]),
        .rd_data_o(u_rd_data[NRD*32*u +: NRD*32]), .wr_en_i(u_wr_en[u]),
        .wr_addr_i(u_wr_addr[AW*u +: AW]), .wr_data_i(u_wr_data[32*u +: 32]),
        .rd_en_o(w_rd_en[NRD*u +: NRD]), .rd_addr_o(w_rd_addr[NRD*RAW*u +: NRD*RAW]),
        .rd_data_i(vrf_rd_data), .wr_en_o(w_wr_en[u]), .wr_addr_o(w_wr_addr[RAW*u +: RAW]),
        .wr_data_o(w_wr_data[VL*32*u +: VL*32]), .wr_mask_o(w_wr_mask[VL*u +: VL])
      );
    end
  end

  logic unused_rd_data;  // the words of read ports a unit does not have
  assign unused_rd_data = ^u_rd_data;

  vrf #(.N_VREG(N_VREG), .VREG_WORDS(VREG_WORDS), .NRD(NRD), .VL(VL)) u_vrf (
    .clk_i, .rd_en_i(w_rd_en[NRD*unit +: NRD]), .rd_addr_i(w_rd_addr[NRD*RAW*unit +: NRD*RAW]),
    .rd_data_o(vrf_rd_data), .wr_en_i(w_wr_en[unit]), .wr_addr_i(w_wr_addr[RAW*unit +: RAW]),
    .wr_data_i(w_wr_data[VL*32*unit +: VL*32]), .wr_mask_i(w_wr_mask[VL*unit +: VL])
  );

  // ---------------------------------------------------------------- unit streams
  // stream 1 (read) and the write stream: one request/data set per unit
  logic [NU-1:0] u_mrd_req, u_mrd_rdy, u_mwr_req, u_mwr_vld;
  logic [NU*64-1:0] u_mrd_addr, u_mwr_addr;
  logic [NU*32-1:0] u_mrd_bytes, u_mwr_bytes;
  logic [NU*DW-1:0] u_mwr_data;
  logic [NU-1:0] sel;
  assign sel = NU'(1) << unit;

  assign rd_req[1] = u_mrd_req[unit];
  assign rd_addr[64 +: 64] = u_mrd_addr[64*unit +: 64];
  assign rd_bytes_req[32 +: 32] = u_mrd_bytes[32*unit +: 32];
  assign rd_rdy[1] = u_mrd_rdy[unit];
  assign wr_req = u_mwr_req[unit];
  assign wr_addr = u_mwr_addr[64*unit +: 64];
  assign wr_bytes_req = u_mwr_bytes[32*unit +: 32];
  assign wr_vld = u_mwr_vld[unit];
  assign wr_data = u_mwr_data[DW*unit +: DW];

  // what a unit sees of the shared streams: only while it is the running one
  logic [NU-1:0] g_rgnt, g_rvld, g_wgnt, g_wrdy, g_wdone;
  assign g_rgnt  = sel & {NU{rd_gnt[1]}};
  assign g_rvld  = sel & {NU{rd_vld[1]}};
  assign g_wgnt  = sel & {NU{wr_gnt}};
  assign g_wrdy  = sel & {NU{wr_rdy}};
  assign g_wdone = sel & {NU{wr_done}};
  logic [DW-1:0] rdata1;
  assign rdata1 = rd_data[DW +: DW];

  // units without a stream or a port: tied off
  assign u_mrd_req[U_VEC] = 1'b0;   assign u_mrd_rdy[U_VEC] = 1'b0;
  assign u_mrd_req[U_MATVEC] = 1'b0; assign u_mrd_rdy[U_MATVEC] = 1'b0;
  assign u_mrd_addr[64*U_MATVEC +: 64] = '0; assign u_mrd_bytes[32*U_MATVEC +: 32] = '0;
  assign u_mrd_req[U_SFU] = 1'b0;   assign u_mrd_rdy[U_SFU] = 1'b0;
  assign u_mrd_req[U_NORM] = 1'b0;  assign u_mrd_rdy[U_NORM] = 1'b0;
  assign u_mrd_req[U_BONUS7] = 1'b0; assign u_mrd_rdy[U_BONUS7] = 1'b0;
  assign u_mwr_req[U_VEC] = 1'b0;   assign u_mwr_vld[U_VEC] = 1'b0;
  assign u_mwr_req[U_SFU] = 1'b0;   assign u_mwr_vld[U_SFU] = 1'b0;
  assign u_mwr_req[U_NORM] = 1'b0;  assign u_mwr_vld[U_NORM] = 1'b0;
  assign u_mwr_req[U_BONUS7] = 1'b0; assign u_mwr_vld[U_BONUS7] = 1'b0;
  assign u_mrd_addr[64*U_VEC +: 64] = '0;    assign u_mrd_bytes[32*U_VEC +: 32] = '0;
  assign u_mrd_addr[64*U_SFU +: 64] = '0;    assign u_mrd_bytes[32*U_SFU +: 32] = '0;
  assign u_mrd_addr[64*U_NORM +: 64] = '0;   assign u_mrd_bytes[32*U_NORM +: 32] = '0;
  assign u_mrd_addr[64*U_BONUS7 +: 64] = '0; assign u_mrd_bytes[32*U_BONUS7 +: 32] = '0;
  assign u_mwr_addr[64*U_VEC +: 64] = '0;    assign u_mwr_bytes[32*U_VEC +: 32] = '0;
  assign u_mwr_addr[64*U_SFU +: 64] = '0;    assign u_mwr_bytes[32*U_SFU +: 32] = '0;
  assign u_mwr_addr[64*U_NORM +: 64] = '0;   assign u_mwr_bytes[32*U_NORM +: 32] = '0;
  assign u_mwr_addr[64*U_BONUS7 +: 64] = '0; assign u_mwr_bytes[32*U_BONUS7 +: 32] = '0;
  assign u_mwr_data[DW*U_VEC +: DW] = '0;
  assign u_mwr_data[DW*U_SFU +: DW] = '0;
  assign u_mwr_data[DW*U_NORM +: DW] = '0;
  assign u_mwr_data[DW*U_BONUS7 +: DW] = '0;

  // read ports a unit does not have
  assign w_rd_en[NRD*U_LDST + 1 +: 5] = '0;
  assign w_rd_addr[NRD*RAW*U_LDST + RAW +: 5*RAW] = '0;
  assign w_rd_en[NRD*U_VEC + 3 +: 3] = '0;
  assign w_rd_addr[NRD*RAW*U_VEC + 3*RAW +: 3*RAW] = '0;
  assign u_rd_en[NRD*U_SFU + 1 +: 5] = '0;
  assign u_rd_addr[NRD*AW*U_SFU + AW +: 5*AW] = '0;
  assign w_rd_en[NRD*U_MATVEC + 1 +: 5] = '0;
  assign w_rd_addr[NRD*RAW*U_MATVEC + RAW +: 5*RAW] = '0;
  assign w_rd_en[NRD*U_NORM + 3 +: 3] = '0;
  assign w_rd_addr[NRD*RAW*U_NORM + 3*RAW +: 3*RAW] = '0;
  assign u_rd_en[NRD*U_WKV4 + 4 +: 2] = '0;
  assign u_rd_addr[NRD*AW*U_WKV4 + 4*AW +: 2*AW] = '0;
  assign u_rd_en[NRD*U_BONUS7 + 4 +: 2] = '0;
  assign u_rd_addr[NRD*AW*U_BONUS7 + 4*AW +: 2*AW] = '0;

  // ---------------------------------------------------------------- units
  logic [NU-1:0] u_busy;

  ldst_unit #(.BUS_BYTES(BUS_BYTES), .VREG_WORDS(VREG_WORDS), .N_VREG(N_VREG), .VL(VL)) u_ldst (
    .clk_i, .rst_ni, .start_i(u_start[U_LDST]), .op_i(op),
    .n_i(op == 8'(rwkvacc_hw_pkg::OP_STOREV) ? src_n[0 +: 13] : n), .dst_i(dst), .src0_i(src[0 +: 5]),
    .src0_e_i(src_e[0 +: 32]), .addr_i(addr), .eaddr_i(addr2), .busy_o(u_busy[U_LDST]),
    .done_o(u_done[U_LDST]), .dst_e_o(u_dst_e[32*U_LDST +: 32]),
    .dst_n_o(u_dst_n[13*U_LDST +: 13]),
    .rd0_en_o(w_rd_en[NRD*U_LDST + 0]), .rd0_addr_o(w_rd_addr[NRD*RAW*U_LDST + 0*RAW +: RAW]),
    .rd0_data_i(vrf_rd_data[VL*32*0 +: VL*32]),
    .wr_en_o(w_wr_en[U_LDST]), .wr_addr_o(w_wr_addr[RAW*U_LDST +: RAW]),
    .wr_data_o(w_wr_data[VL*32*U_LDST +: VL*32]), .wr_mask_o(w_wr_mask[VL*U_LDST +: VL]),
    .mrd_req_o(u_mrd_req[U_LDST]), .mrd_gnt_i(g_rgnt[U_LDST]),
    .mrd_addr_o(u_mrd_addr[64*U_LDST +: 64]), .mrd_bytes_o(u_mrd_bytes[32*U_LDST +: 32]),
    .mrd_vld_i(g_rvld[U_LDST]), .mrd_rdy_o(u_mrd_rdy[U_LDST]), .mrd_data_i(rdata1),
    .mwr_req_o(u_mwr_req[U_LDST]), .mwr_gnt_i(g_wgnt[U_LDST]),
    .mwr_addr_o(u_mwr_addr[64*U_LDST +: 64]), .mwr_bytes_o(u_mwr_bytes[32*U_LDST +: 32]),
    .mwr_vld_o(u_mwr_vld[U_LDST]), .mwr_rdy_i(g_wrdy[U_LDST]),
    .mwr_data_o(u_mwr_data[DW*U_LDST +: DW]), .mwr_done_i(g_wdone[U_LDST])
  );
  assign u_err[U_LDST] = 1'b0;

  vec_unit #(.VREG_WORDS(VREG_WORDS), .VL(VL)) u_vec (
    .clk_i, .rst_ni, .start_i(u_start[U_VEC]), .busy_o(u_busy[U_VEC]),
    .done_o(u_done[U_VEC]), .err_o(u_err[U_VEC]), .op_i(op), .n_i(n),
    .src0_i(src[0 +: 5]), .src1_i(src[5 +: 5]), .src2_i(src[10 +: 5]), .dst_i(dst),
    .src0_e_i(src_e[0 +: 32]), .src1_e_i(src_e[32 +: 32]), .src2_e_i(src_e[64 +: 32]),
    .src0_n_i(src_n[0 +: 13]), .src1_n_i(src_n[13 +: 13]), .src2_n_i(src_n[26 +: 13]),
    .dst_e_o(u_dst_e[32*U_VEC +: 32]), .dst_n_o(u_dst_n[13*U_VEC +: 13]),
    .rd0_en_o(w_rd_en[NRD*U_VEC + 0]), .rd0_addr_o(w_rd_addr[NRD*RAW*U_VEC + 0*RAW +: RAW]),
    .rd0_data_i(vrf_rd_data[VL*32*0 +: VL*32]),
    .rd1_en_o(w_rd_en[NRD*U_VEC + 1]), .rd1_addr_o(w_rd_addr[NRD*RAW*U_VEC + 1*RAW +: RAW]),
    .rd1_data_i(vrf_rd_data[VL*32*1 +: VL*32]),
    .rd2_en_o(w_rd_en[NRD*U_VEC + 2]), .rd2_addr_o(w_rd_addr[NRD*RAW*U_VEC + 2*RAW +: RAW]),
    .rd2_data_i(vrf_rd_data[VL*32*2 +: VL*32]),
    .wr_en_o(w_wr_en[U_VEC]), .wr_addr_o(w_wr_addr[RAW*U_VEC +: RAW]),
    .wr_data_o(w_wr_data[VL*32*U_VEC +: VL*32]), .wr_mask_o(w_wr_mask[VL*U_VEC +: VL])
  );

  sfu_unit #(.VREG_WORDS(VREG_WORDS)) u_sfu (
    .clk_i, .rst_ni, .start_i(u_start[U_SFU]), .busy_o(u_busy[U_SFU]),
    .done_o(u_done[U_SFU]), .err_o(u_err[U_SFU]), .sub_i(sub), .n_i(n), .src0_i(src[0 +: 5]),
    .dst_i(dst), .src0_e_i(src_e[0 +: 32]), .src0_n_i(src_n[0 +: 13]),
    .dst_e_o(u_dst_e[32*U_SFU +: 32]), .dst_n_o(u_dst_n[13*U_SFU +: 13]),
    .rd0_en_o(u_rd_en[NRD*U_SFU]), .rd0_addr_o(u_rd_addr[NRD*AW*U_SFU +: AW]),
    .rd0_data_i(u_rd_data[NRD*32*U_SFU + 0 +: 32]),
    .wr_en_o(u_wr_en[U_SFU]), .wr_addr_o(u_wr_addr[AW*U_SFU +: AW]),
    .wr_data_o(u_wr_data[32*U_SFU +: 32])
  );

  matvec_unit #(.BUS_BYTES(MVB), .MV_LANES(MVB), .VREG_WORDS(VREG_WORDS), .VL(VL),
                .MAX_ROWS(MV_MAX_ROWS)) u_matvec (
    .clk_i, .rst_ni, .start_i(u_start[U_MATVEC]), .busy_o(u_busy[U_MATVEC]),
    .done_o(u_done[U_MATVEC]), .err_o(u_err[U_MATVEC]), .sub_i(sub[0]),
    .rows_i(mat_rows), .cols_i(mat_cols), .bits_i(mat_bits), .group_i(mat_group),
    .q_addr_i(addr), .q_stride_i(mat_stride), .s_addr_i(addr2), .imm_i(imm),
    .out_addr_i(io_addr), .src0_i(src[0 +: 5]), .src0_e_i(src_e[0 +: 32]), .src0_n_i(src_n[0 +: 13]), .dst_i(dst),
    .dst_e_o(u_dst_e[32*U_MATVEC +: 32]), .dst_n_o(u_dst_n[13*U_MATVEC +: 13]),
    .rd0_en_o(w_rd_en[NRD*U_MATVEC + 0]), .rd0_addr_o(w_rd_addr[NRD*RAW*U_MATVEC + 0*RAW +: RAW]),
    .rd0_data_i(vrf_rd_data[VL*32*0 +: VL*32]),
    .wr_en_o(w_wr_en[U_MATVEC]), .wr_addr_o(w_wr_addr[RAW*U_MATVEC +: RAW]),
    .wr_data_o(w_wr_data[VL*32*U_MATVEC +: VL*32]), .wr_mask_o(w_wr_mask[VL*U_MATVEC +: VL]),
    .mrd0_req_o(mvq_req), .mrd0_gnt_i(mvq_gnt), .mrd0_addr_o(mvq_addr),
    .mrd0_bytes_o(mvq_bytes), .mrd0_vld_i(mvq_vld), .mrd0_rdy_o(mvq_rdy), .mrd0_data_i(mvq_data),
    .mrd1_req_o(mvs_req), .mrd1_gnt_i(mvs_gnt), .mrd1_addr_o(mvs_addr),
    .mrd1_bytes_o(mvs_bytes), .mrd1_vld_i(mvs_vld), .mrd1_rdy_o(mvs_rdy), .mrd1_data_i(mvs_data),
    .mwr_req_o(mvw_req), .mwr_gnt_i(mvw_gnt), .mwr_addr_o(mvw_addr), .mwr_bytes_o(mvw_bytes),
    .mwr_vld_o(mvw_vld), .mwr_rdy_i(mvw_rdy), .mwr_data_o(mvw_data), .mwr_done_i(mvw_done)
  );
  // its output stream (MATVEC SUB 1) onto the bus-wide write stream
  if (MCR > 1) begin : g_mv_split
    dma_wr_split #(.BUS_BYTES(BUS_BYTES), .R(MCR)) u_mv_split (
      .clk_i, .rst_ni, .req_i(mvw_req), .gnt_o(mvw_gnt), .addr_i(mvw_addr), .bytes_i(mvw_bytes),
      .vld_i(mvw_vld), .rdy_o(mvw_rdy), .data_i(mvw_data), .done_o(mvw_done),
      .req_o(u_mwr_req[U_MATVEC]), .gnt_i(g_wgnt[U_MATVEC]), .addr_o(u_mwr_addr[64*U_MATVEC +: 64]),
      .bytes_o(u_mwr_bytes[32*U_MATVEC +: 32]), .vld_o(u_mwr_vld[U_MATVEC]),
      .rdy_i(g_wrdy[U_MATVEC]), .data_o(u_mwr_data[DW*U_MATVEC +: DW]),
      .done_i(g_wdone[U_MATVEC])
    );
  end else begin : g_mv_direct
    assign u_mwr_req[U_MATVEC] = mvw_req;
    assign mvw_gnt = g_wgnt[U_MATVEC];
    assign u_mwr_addr[64*U_MATVEC +: 64] = mvw_addr;
    assign u_mwr_bytes[32*U_MATVEC +: 32] = mvw_bytes;
    assign u_mwr_vld[U_MATVEC] = mvw_vld;
    assign mvw_rdy = g_wrdy[U_MATVEC];
    assign u_mwr_data[DW*U_MATVEC +: DW] = mvw_data;
    assign mvw_done = g_wdone[U_MATVEC];
  end

  norm_unit #(.VREG_WORDS(VREG_WORDS), .VL(VL)) u_norm (
    .clk_i, .rst_ni, .start_i(u_start[U_NORM]), .busy_o(u_busy[U_NORM]),
    .done_o(u_done[U_NORM]), .err_o(u_err[U_NORM]), .op_i(op), .n_i(n), .imm_i(imm),
    .src0_i(src[0 +: 5]), .src1_i(src[5 +: 5]), .src2_i(src[10 +: 5]), .src3_i(src[15 +: 5]), .src4_i(src[20 +: 5]),
    .src0_e_i(src_e[0 +: 32]), .src1_e_i(src_e[32 +: 32]), .src2_e_i(src_e[64 +: 32]), .src3_e_i(src_e[96 +: 32]), .src4_e_i(src_e[128 +: 32]),
    .src0_n_i(src_n[0 +: 13]), .src1_n_i(src_n[13 +: 13]), .src2_n_i(src_n[26 +: 13]), .src3_n_i(src_n[39 +: 13]), .src4_n_i(src_n[52 +: 13]),
    .dst_i(dst), .dst_e_o(u_dst_e[32*U_NORM +: 32]), .dst_n_o(u_dst_n[13*U_NORM +: 13]),
    .rd0_en_o(w_rd_en[NRD*U_NORM + 0]), .rd0_addr_o(w_rd_addr[NRD*RAW*U_NORM + 0*RAW +: RAW]),
    .rd0_data_i(vrf_rd_data[VL*32*0 +: VL*32]),
    .rd1_en_o(w_rd_en[NRD*U_NORM + 1]), .rd1_addr_o(w_rd_addr[NRD*RAW*U_NORM + 1*RAW +: RAW]),
    .rd1_data_i(vrf_rd_data[VL*32*1 +: VL*32]),
    .rd2_en_o(w_rd_en[NRD*U_NORM + 2]), .rd2_addr_o(w_rd_addr[NRD*RAW*U_NORM + 2*RAW +: RAW]),
    .rd2_data_i(vrf_rd_data[VL*32*2 +: VL*32]),
    .wr_en_o(w_wr_en[U_NORM]), .wr_addr_o(w_wr_addr[RAW*U_NORM +: RAW]),
    .wr_data_o(w_wr_data[VL*32*U_NORM +: VL*32]), .wr_mask_o(w_wr_mask[VL*U_NORM +: VL])
  );

  wkv4 #(.BUS_BYTES(BUS_BYTES), .VREG_WORDS(VREG_WORDS)) u_wkv4 (
    .clk_i, .rst_ni, .start_i(u_start[U_WKV4]), .busy_o(u_busy[U_WKV4]),
    .done_o(u_done[U_WKV4]), .err_o(u_err[U_WKV4]), .n_i(n), .dst_i(dst),
    .src0_i(src[0 +: 5]), .src1_i(src[5 +: 5]), .src2_i(src[10 +: 5]), .src3_i(src[15 +: 5]),
    .src0_e_i(src_e[0 +: 32]), .src1_e_i(src_e[32 +: 32]), .src2_e_i(src_e[64 +: 32]), .src3_e_i(src_e[96 +: 32]),
    .src0_n_i(src_n[0 +: 13]), .src1_n_i(src_n[13 +: 13]), .src2_n_i(src_n[26 +: 13]), .src3_n_i(src_n[39 +: 13]),
    .dst_e_o(u_dst_e[32*U_WKV4 +: 32]), .dst_n_o(u_dst_n[13*U_WKV4 +: 13]),
    .rd0_en_o(u_rd_en[NRD*U_WKV4 + 0]), .rd0_addr_o(u_rd_addr[NRD*AW*U_WKV4 + 0*AW +: AW]),
    .rd0_data_i(u_rd_data[NRD*32*U_WKV4 + 0 +: 32]),
    .rd1_en_o(u_rd_en[NRD*U_WKV4 + 1]), .rd1_addr_o(u_rd_addr[NRD*AW*U_WKV4 + 1*AW +: AW]),
    .rd1_data_i(u_rd_data[NRD*32*U_WKV4 + 32 +: 32]),
    .rd2_en_o(u_rd_en[NRD*U_WKV4 + 2]), .rd2_addr_o(u_rd_addr[NRD*AW*U_WKV4 + 2*AW +: AW]),
    .rd2_data_i(u_rd_data[NRD*32*U_WKV4 + 64 +: 32]),
    .rd3_en_o(u_rd_en[NRD*U_WKV4 + 3]), .rd3_addr_o(u_rd_addr[NRD*AW*U_WKV4 + 3*AW +: AW]),
    .rd3_data_i(u_rd_data[NRD*32*U_WKV4 + 96 +: 32]),
    .wr_en_o(u_wr_en[U_WKV4]), .wr_addr_o(u_wr_addr[AW*U_WKV4 +: AW]),
    .wr_data_o(u_wr_data[32*U_WKV4 +: 32]), .state_addr_i(addr),
    .mrd_req_o(u_mrd_req[U_WKV4]), .mrd_gnt_i(g_rgnt[U_WKV4]),
    .mrd_addr_o(u_mrd_addr[64*U_WKV4 +: 64]), .mrd_bytes_o(u_mrd_bytes[32*U_WKV4 +: 32]),
    .mrd_vld_i(g_rvld[U_WKV4]), .mrd_rdy_o(u_mrd_rdy[U_WKV4]), .mrd_data_i(rdata1),
    .mwr_req_o(u_mwr_req[U_WKV4]), .mwr_gnt_i(g_wgnt[U_WKV4]),
    .mwr_addr_o(u_mwr_addr[64*U_WKV4 +: 64]), .mwr_bytes_o(u_mwr_bytes[32*U_WKV4 +: 32]),
    .mwr_vld_o(u_mwr_vld[U_WKV4]), .mwr_rdy_i(g_wrdy[U_WKV4]),
    .mwr_data_o(u_mwr_data[DW*U_WKV4 +: DW]), .mwr_done_i(g_wdone[U_WKV4])
  );

  // one engine for WKV SUB 5 (5.x, 6) and SUB 7 (the wkv5/wkv7 wrappers tie sub7_i)
  wkv_mat #(.WKV_LANES(rwkvacc_hw_pkg::CFG_WKV_LANES), .BUS_BYTES(BUS_BYTES),
            .VREG_WORDS(VREG_WORDS)) u_wkv_mat (
    .clk_i, .rst_ni, .start_i(u_start[U_WKVM]), .busy_o(u_busy[U_WKVM]),
    .done_o(u_done[U_WKVM]), .err_o(u_err[U_WKVM]), .sub7_i(sub == 8'd7), .n_i(n), .imm_i(imm),
    .src0_i(src[0 +: 5]), .src1_i(src[5 +: 5]), .src2_i(src[10 +: 5]), .src3_i(src[15 +: 5]), .src4_i(src[20 +: 5]), .src5_i(src[25 +: 5]),
    .dst_i(dst),
    .src0_e_i(src_e[0 +: 32]), .src1_e_i(src_e[32 +: 32]), .src2_e_i(src_e[64 +: 32]), .src3_e_i(src_e[96 +: 32]), .src4_e_i(src_e[128 +: 32]),
    .src5_e_i(src_e[160 +: 32]),
    .src0_n_i(src_n[0 +: 13]), .src1_n_i(src_n[13 +: 13]), .src2_n_i(src_n[26 +: 13]), .src3_n_i(src_n[39 +: 13]), .src4_n_i(src_n[52 +: 13]),
    .src5_n_i(src_n[65 +: 13]),
    .dst_e_o(u_dst_e[32*U_WKVM +: 32]), .dst_n_o(u_dst_n[13*U_WKVM +: 13]),
    .rd0_en_o(u_rd_en[NRD*U_WKVM + 0]), .rd0_addr_o(u_rd_addr[NRD*AW*U_WKVM + 0*AW +: AW]),
    .rd0_data_i(u_rd_data[NRD*32*U_WKVM + 0 +: 32]),
    .rd1_en_o(u_rd_en[NRD*U_WKVM + 1]), .rd1_addr_o(u_rd_addr[NRD*AW*U_WKVM + 1*AW +: AW]),
    .rd1_data_i(u_rd_data[NRD*32*U_WKVM + 32 +: 32]),
    .rd2_en_o(u_rd_en[NRD*U_WKVM + 2]), .rd2_addr_o(u_rd_addr[NRD*AW*U_WKVM + 2*AW +: AW]),
    .rd2_data_i(u_rd_data[NRD*32*U_WKVM + 64 +: 32]),
    .rd3_en_o(u_rd_en[NRD*U_WKVM + 3]), .rd3_addr_o(u_rd_addr[NRD*AW*U_WKVM + 3*AW +: AW]),
    .rd3_data_i(u_rd_data[NRD*32*U_WKVM + 96 +: 32]),
    .rd4_en_o(u_rd_en[NRD*U_WKVM + 4]), .rd4_addr_o(u_rd_addr[NRD*AW*U_WKVM + 4*AW +: AW]),
    .rd4_data_i(u_rd_data[NRD*32*U_WKVM + 128 +: 32]),
    .rd5_en_o(u_rd_en[NRD*U_WKVM + 5]), .rd5_addr_o(u_rd_addr[NRD*AW*U_WKVM + 5*AW +: AW]),
    .rd5_data_i(u_rd_data[NRD*32*U_WKVM + 160 +: 32]),
    .wr_en_o(u_wr_en[U_WKVM]), .wr_addr_o(u_wr_addr[AW*U_WKVM +: AW]),
    .wr_data_o(u_wr_data[32*U_WKVM +: 32]), .state_addr_i(addr),
    .mrd_req_o(u_mrd_req[U_WKVM]), .mrd_gnt_i(g_rgnt[U_WKVM]),
    .mrd_addr_o(u_mrd_addr[64*U_WKVM +: 64]), .mrd_bytes_o(u_mrd_bytes[32*U_WKVM +: 32]),
    .mrd_vld_i(g_rvld[U_WKVM]), .mrd_rdy_o(u_mrd_rdy[U_WKVM]), .mrd_data_i(rdata1),
    .mwr_req_o(u_mwr_req[U_WKVM]), .mwr_gnt_i(g_wgnt[U_WKVM]),
    .mwr_addr_o(u_mwr_addr[64*U_WKVM +: 64]), .mwr_bytes_o(u_mwr_bytes[32*U_WKVM +: 32]),
    .mwr_vld_o(u_mwr_vld[U_WKVM]), .mwr_rdy_i(g_wrdy[U_WKVM]),
    .mwr_data_o(u_mwr_data[DW*U_WKVM +: DW]), .mwr_done_i(g_wdone[U_WKVM])
  );

  bonus7 #(.VREG_WORDS(VREG_WORDS)) u_bonus7 (
    .clk_i, .rst_ni, .start_i(u_start[U_BONUS7]), .busy_o(u_busy[U_BONUS7]),
    .done_o(u_done[U_BONUS7]), .err_o(u_err[U_BONUS7]), .n_i(n), .imm_i(imm),
    .src0_i(src[0 +: 5]), .src1_i(src[5 +: 5]), .src2_i(src[10 +: 5]), .src3_i(src[15 +: 5]), .dst_i(dst),
    .src0_e_i(src_e[0 +: 32]), .src1_e_i(src_e[32 +: 32]), .src2_e_i(src_e[64 +: 32]), .src3_e_i(src_e[96 +: 32]),
    .src0_n_i(src_n[0 +: 13]), .src1_n_i(src_n[13 +: 13]), .src2_n_i(src_n[26 +: 13]), .src3_n_i(src_n[39 +: 13]),
    .dst_e_o(u_dst_e[32*U_BONUS7 +: 32]), .dst_n_o(u_dst_n[13*U_BONUS7 +: 13]),
    .rd0_en_o(u_rd_en[NRD*U_BONUS7 + 0]),
    .rd0_addr_o(u_rd_addr[NRD*AW*U_BONUS7 + 0*AW +: AW]), .rd0_data_i(u_rd_data[NRD*32*U_BONUS7 + 0 +: 32]),
    .rd1_en_o(u_rd_en[NRD*U_BONUS7 + 1]),
    .rd1_addr_o(u_rd_addr[NRD*AW*U_BONUS7 + 1*AW +: AW]), .rd1_data_i(u_rd_data[NRD*32*U_BONUS7 + 32 +: 32]),
    .rd2_en_o(u_rd_en[NRD*U_BONUS7 + 2]),
    .rd2_addr_o(u_rd_addr[NRD*AW*U_BONUS7 + 2*AW +: AW]), .rd2_data_i(u_rd_data[NRD*32*U_BONUS7 + 64 +: 32]),
    .rd3_en_o(u_rd_en[NRD*U_BONUS7 + 3]),
    .rd3_addr_o(u_rd_addr[NRD*AW*U_BONUS7 + 3*AW +: AW]), .rd3_data_i(u_rd_data[NRD*32*U_BONUS7 + 96 +: 32]),
    .wr_en_o(u_wr_en[U_BONUS7]), .wr_addr_o(u_wr_addr[AW*U_BONUS7 +: AW]),
    .wr_data_o(u_wr_data[32*U_BONUS7 +: 32])
  );

  // ---------------------------------------------------------------- DMA
  dma #(.N_RD(4), .N_WR(1), .BUS_BYTES(BUS_BYTES), .MAX_BURSTS(MAX_BURSTS), .ID_W(ID_W)) u_dma (
    .clk_i, .rst_ni,
    .mrd_req_i(rd_req), .mrd_gnt_o(rd_gnt), .mrd_addr_i(rd_addr), .mrd_bytes_i(rd_bytes_req),
    .mrd_vld_o(rd_vld), .mrd_rdy_i(rd_rdy), .mrd_data_o(rd_data), .mrd_err_o(rd_err),
    .mwr_req_i(wr_req), .mwr_gnt_o(wr_gnt), .mwr_addr_i(wr_addr), .mwr_bytes_i(wr_bytes_req),
    .mwr_vld_i(wr_vld), .mwr_rdy_o(wr_rdy), .mwr_data_i(wr_data), .mwr_done_o(wr_done),
    .mwr_err_o(wr_err),
    .m_axi_awid_o, .m_axi_awaddr_o, .m_axi_awlen_o, .m_axi_awsize_o, .m_axi_awburst_o,
    .m_axi_awcache_o, .m_axi_awprot_o, .m_axi_awvalid_o, .m_axi_awready_i,
    .m_axi_wdata_o, .m_axi_wstrb_o, .m_axi_wlast_o, .m_axi_wvalid_o, .m_axi_wready_i,
    .m_axi_bid_i, .m_axi_bresp_i, .m_axi_bvalid_i, .m_axi_bready_o,
    .m_axi_arid_o, .m_axi_araddr_o, .m_axi_arlen_o, .m_axi_arsize_o, .m_axi_arburst_o,
    .m_axi_arcache_o, .m_axi_arprot_o, .m_axi_arvalid_o, .m_axi_arready_i,
    .m_axi_rid_i, .m_axi_rdata_i, .m_axi_rresp_i, .m_axi_rlast_i, .m_axi_rvalid_i,
    .m_axi_rready_o
  );

  // Not used yet: ABORT (a program always runs to END or an error), the units'
  // busy lines (the sequencer waits for done), bus error responses (SLVERR is
  // not reported: device memory is plain RAM here) and IRQ_EN (regfile's irq_o).
  logic unused;
  assign unused = ^{ctrl_abort, ctrl_irq_en, u_busy, rd_err, wr_err};
endmodule
