// wkv5.sv - WKV SUB 5, the WKV unit of RWKV 5.x and 6: rw_wkv5
// (cmodel/golden/wkv5.c) with card.c op_wkv_matrix's checks. A thin wrapper
// of wkv_mat (the engine shared with WKV SUB 7) with sub7_i tied to 0; see
// wkv_mat.sv for the algorithm, the protocols and the cycle counts. Operands:
// DST, SRC0 r, SRC1 k, SRC2 v, SRC3 w (raw Q0.32), SRC4 u, IMM heads, the
// state at byte address state_addr_i (H heads of e, N x N words [key][value]).
// Five read ports: SRC5 is not an operand.

`include "rwkvacc_hw.svh"

module wkv5 #(
  parameter int unsigned WKV_LANES  = 1,
  parameter int unsigned BUS_BYTES  = rwkvacc_hw_pkg::CFG_BUS_BYTES,
  parameter int unsigned VREG_WORDS = rwkvacc_hw_pkg::CFG_VREG_WORDS,
  parameter int unsigned MAXN       = rwkvacc_hw_pkg::CFG_MAX_HEAD_SIZE,
  parameter int unsigned IW         = $clog2(VREG_WORDS)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic                   start_i,
  output logic                   busy_o,
  output logic                   done_o,
  output logic                   err_o,
  input  logic [IW:0]            n_i,
  input  logic [15:0]            imm_i,
  input  logic [4:0]             src0_i,
  input  logic [4:0]             src1_i,
  input  logic [4:0]             src2_i,
  input  logic [4:0]             src3_i,
  input  logic [4:0]             src4_i,
  input  logic [4:0]             dst_i,
  input  logic signed [31:0]     src0_e_i,
  input  logic signed [31:0]     src1_e_i,
  input  logic signed [31:0]     src2_e_i,
  input  logic signed [31:0]     src3_e_i,
  input  logic signed [31:0]     src4_e_i,
  input  logic [IW:0]            src0_n_i,
  input  logic [IW:0]            src1_n_i,
  input  logic [IW:0]            src2_n_i,
  input  logic [IW:0]            src3_n_i,
  input  logic [IW:0]            src4_n_i,
  output logic signed [31:0]     dst_e_o,
  output logic [IW:0]            dst_n_o,

  output logic                   rd0_en_o,
  output logic [IW+4:0]          rd0_addr_o,
  input  logic [31:0]            rd0_data_i,
  output logic                   rd1_en_o,
  output logic [IW+4:0]          rd1_addr_o,
  input  logic [31:0]            rd1_data_i,
  output logic                   rd2_en_o,
  output logic [IW+4:0]          rd2_addr_o,
  input  logic [31:0]            rd2_data_i,
  output logic                   rd3_en_o,
  output logic [IW+4:0]          rd3_addr_o,
  input  logic [31:0]            rd3_data_i,
  output logic                   rd4_en_o,
  output logic [IW+4:0]          rd4_addr_o,
  input  logic [31:0]            rd4_data_i,

  output logic                   wr_en_o,
  output logic [IW+4:0]          wr_addr_o,
  output logic [31:0]            wr_data_o,

  input  logic [63:0]            state_addr_i,
  output logic                   mrd_req_o,
  input  logic                   mrd_gnt_i,
  output logic [63:0]            mrd_addr_o,
  output logic [31:0]            mrd_bytes_o,
  input  logic                   mrd_vld_i,
  output logic                   mrd_rdy_o,
  input  logic [BUS_BYTES*8-1:0] mrd_data_i,
  output logic                   mwr_req_o,
  input  logic                   mwr_gnt_i,
  output logic [63:0]            mwr_addr_o,
  output logic [31:0]            mwr_bytes_o,
  output logic                   mwr_vld_o,
  input  logic                   mwr_rdy_i,
  output logic [BUS_BYTES*8-1:0] mwr_data_o,
  input  logic                   mwr_done_i
);

  // SUB 5 never reads a sixth source (wkv_mat enables rd5 only for SUB 7).
  logic          unused_rd5_en;
  logic [IW+4:0] unused_rd5_addr;
  logic          unused_rd5;
  assign unused_rd5 = unused_rd5_en ^ (^unused_rd5_addr);

  wkv_mat #(
    .WKV_LANES  (WKV_LANES),
    .BUS_BYTES  (BUS_BYTES),
    .VREG_WORDS (VREG_WORDS),
    .MAXN       (MAXN),
    .IW         (IW)
  ) u_mat (
    .clk_i, .rst_ni, .start_i, .busy_o, .done_o, .err_o,
    .sub7_i (1'b0),
    .n_i, .imm_i,
    .src0_i, .src1_i, .src2_i, .src3_i, .src4_i, .src5_i (5'd0), .dst_i,
    .src0_e_i, .src1_e_i, .src2_e_i, .src3_e_i, .src4_e_i, .src5_e_i (32'sd0),
    .src0_n_i, .src1_n_i, .src2_n_i, .src3_n_i, .src4_n_i, .src5_n_i (n_i),
    .dst_e_o, .dst_n_o,
    .rd0_en_o, .rd0_addr_o, .rd0_data_i, .rd1_en_o, .rd1_addr_o, .rd1_data_i,
    .rd2_en_o, .rd2_addr_o, .rd2_data_i, .rd3_en_o, .rd3_addr_o, .rd3_data_i,
    .rd4_en_o, .rd4_addr_o, .rd4_data_i,
    .rd5_en_o (unused_rd5_en), .rd5_addr_o (unused_rd5_addr), .rd5_data_i (32'd0),
    .wr_en_o, .wr_addr_o, .wr_data_o,
    .state_addr_i,
    .mrd_req_o, .mrd_gnt_i, .mrd_addr_o, .mrd_bytes_o, .mrd_vld_i, .mrd_rdy_o, .mrd_data_i,
    .mwr_req_o, .mwr_gnt_i, .mwr_addr_o, .mwr_bytes_o, .mwr_vld_o, .mwr_rdy_i, .mwr_data_o,
    .mwr_done_i
  );

endmodule
