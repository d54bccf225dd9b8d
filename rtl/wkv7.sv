// wkv7.sv - WKV SUB 7, the RWKV-7 WKV unit: rw_wkv7 (cmodel/golden/wkv7.c)
// with card.c op_wkv_matrix's checks. A thin wrapper of wkv_mat (the engine
// shared with WKV SUB 5) with sub7_i tied to 1; see wkv_mat.sv for the
// algorithm, the protocols and the cycle counts. Operands: DST, SRC0 r,
// SRC1 w (raw Q0.32), SRC2 k, SRC3 v, SRC4 kk, SRC5 a, IMM heads, the state
// at byte address state_addr_i (H heads of e, N x N words [value][key]).

`include "rwkvacc_hw.svh"

module wkv7 #(
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
  input  logic [4:0]             src5_i,
  input  logic [4:0]             dst_i,
  input  logic signed [31:0]     src0_e_i,
  input  logic signed [31:0]     src1_e_i,
  input  logic signed [31:0]     src2_e_i,
  input  logic signed [31:0]     src3_e_i,
  input  logic signed [31:0]     src4_e_i,
  input  logic signed [31:0]     src5_e_i,
  input  logic [IW:0]            src0_n_i,
  input  logic [IW:0]            src1_n_i,
  input  logic [IW:0]            src2_n_i,
  input  logic [IW:0]            src3_n_i,
  input  logic [IW:0]            src4_n_i,
  input  logic [IW:0]            src5_n_i,
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
  output logic                   rd5_en_o,
  output logic [IW+4:0]          rd5_addr_o,
  input  logic [31:0]            rd5_data_i,

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

  wkv_mat #(
    .WKV_LANES  (WKV_LANES),
    .BUS_BYTES  (BUS_BYTES),
    .VREG_WORDS (VREG_WORDS),
    .MAXN       (MAXN),
    .IW         (IW)
  ) u_mat (
    .clk_i, .rst_ni, .start_i, .busy_o, .done_o, .err_o,
    .sub7_i (1'b1),
    .n_i, .imm_i,
    .src0_i, .src1_i, .src2_i, .src3_i, .src4_i, .src5_i, .dst_i,
    .src0_e_i, .src1_e_i, .src2_e_i, .src3_e_i, .src4_e_i, .src5_e_i,
    .src0_n_i, .src1_n_i, .src2_n_i, .src3_n_i, .src4_n_i, .src5_n_i,
    .dst_e_o, .dst_n_o,
    .rd0_en_o, .rd0_addr_o, .rd0_data_i, .rd1_en_o, .rd1_addr_o, .rd1_data_i,
    .rd2_en_o, .rd2_addr_o, .rd2_data_i, .rd3_en_o, .rd3_addr_o, .rd3_data_i,
    .rd4_en_o, .rd4_addr_o, .rd4_data_i, .rd5_en_o, .rd5_addr_o, .rd5_data_i,
    .wr_en_o, .wr_addr_o, .wr_data_o,
    .state_addr_i,
    .mrd_req_o, .mrd_gnt_i, .mrd_addr_o, .mrd_bytes_o, .mrd_vld_i, .mrd_rdy_o, .mrd_data_i,
    .mwr_req_o, .mwr_gnt_i, .mwr_addr_o, .mwr_bytes_o, .mwr_vld_o, .mwr_rdy_i, .mwr_data_o,
    .mwr_done_i
  );

endmodule
