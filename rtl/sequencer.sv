// sequencer.sv - runs the program: fetches its 16-byte instructions from region
// IMAGE in blocks of up to IBUF (one read request, one memory round trip per
// block), decodes each, checks every operand as docs/isa.md says (opcode and SUB,
// register numbers, lengths, regions, matrix and embedding records) before
// anything moves, starts the one unit that executes it, and keeps each vector
// register's length and exponent. It stops on END (DONE) or on the first error
// (ERR_CODE: code and PC), so a failing instruction changes nothing. The same
// order of checks as the C model of the card (cmodel/golden/card.c); data-domain
// checks (|m| <= 2^30 and the like) are the units' (their err_o gives VREG).
// Not here: any arithmetic on vector data, and the AXI protocol (dma.sv).
`include "rwkvacc_hw.svh"

module sequencer #(
  parameter int unsigned BUS_BYTES  = rwkvacc_hw_pkg::CFG_BUS_BYTES,
  parameter int unsigned N_VREG     = rwkvacc_hw_pkg::CFG_N_VREG,
  parameter int unsigned VREG_WORDS = rwkvacc_hw_pkg::CFG_VREG_WORDS,
  parameter int unsigned MAX_HEAD   = rwkvacc_hw_pkg::CFG_MAX_HEAD_SIZE,
  parameter int unsigned N_UNITS    = 8,
  parameter int unsigned IBUF       = 32   // instructions fetched per block, a power of two
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // from the register file
  input  logic                   start_i,
  input  logic [31:0]            prog_offset_i,
  input  logic [31:0]            prog_len_i,
  input  logic [31:0]            token_i,
  input  logic [4*64-1:0]        region_base_i,
  input  logic [4*32-1:0]        region_size_i,
  // to the register file
  output logic                   busy_o,
  output logic                   done_o,      // STATUS.DONE (sticky until the next start)
  output logic                   error_o,     // STATUS.ERROR
  output logic [31:0]            err_code_o,
  output logic                   irq_done_set_o,
  output logic                   irq_error_set_o,
  output logic [63:0]            cycles_o,
  output logic [63:0]            rd_bytes_o,
  output logic [63:0]            wr_bytes_o,
  output logic [63:0]            rd_weight_bytes_o,
  // the decoded instruction, held while a unit runs
  output logic [N_UNITS-1:0]     unit_start_o,
  output logic [$clog2(N_UNITS)-1:0] unit_o,      // the unit that runs (or last ran) an instruction
  output logic [7:0]             op_o,
  output logic [7:0]             sub_o,
  output logic [4:0]             dst_o,
  output logic [6*5-1:0]         src_o,
  output logic [6*32-1:0]        src_e_o,
  output logic [6*13-1:0]        src_n_o,
  output logic [12:0]            n_o,         // LEN, as a vector length
  output logic [15:0]            imm_o,
  output logic [63:0]            addr_o,      // the memory operand: region base + offset
  output logic [63:0]            addr2_o,     // EMBED: its exponent; MATVEC: the scales
  output logic [63:0]            io_addr_o,   // MATVEC SUB 1: IO + 0
  output logic [31:0]            mat_rows_o,
  output logic [12:0]            mat_cols_o,
  output logic [7:0]             mat_bits_o,
  output logic [31:0]            mat_group_o,
  output logic [31:0]            mat_stride_o,
  input  logic [N_UNITS-1:0]     unit_done_i,
  input  logic [N_UNITS-1:0]     unit_err_i,
  input  logic [N_UNITS*32-1:0]  unit_dst_e_i,
  input  logic [N_UNITS*13-1:0]  unit_dst_n_i,
  // the sequencer's own read stream: instructions and records
  output logic                   mrd_req_o,
  input  logic                   mrd_gnt_i,
  output logic [63:0]            mrd_addr_o,
  output logic [31:0]            mrd_bytes_o,
  input  logic                   mrd_vld_i,
  output logic                   mrd_rdy_o,
  input  logic [BUS_BYTES*8-1:0] mrd_data_i,
  // PREFETCH: a hint to the two weight prefetchers (weights, scales), taken when both are ready
  output logic                   pf_hint_vld_o,
  input  logic [1:0]             pf_hint_rdy_i,
  output logic [63:0]            pf_q_addr_o,
  output logic [31:0]            pf_q_bytes_o,
  output logic [63:0]            pf_s_addr_o,
  output logic [31:0]            pf_s_bytes_o,
  output logic                   pf_flush_o,  // at the end of a program: drop what is left
  input  logic                   pf_idle_i    // both prefetchers have nothing left
);
  // units, in the order of unit_start_o
  localparam int unsigned U_LDST = 0, U_VEC = 1, U_SFU = 2, U_MATVEC = 3, U_NORM = 4,
                          U_WKV4 = 5, U_WKVM = 6, U_BONUS7 = 7;  // U_WKVM: SUB 5 and 7
  localparam int unsigned UW = $clog2(N_UNITS);
  localparam logic [7:0] ERR_OPCODE = 8'(rwkvacc_hw_pkg::ERR_OPCODE);
  localparam logic [7:0] ERR_REGION = 8'(rwkvacc_hw_pkg::ERR_REGION);
  localparam logic [7:0] ERR_VREG   = 8'(rwkvacc_hw_pkg::ERR_VREG);
  localparam logic [7:0] ERR_MATRIX = 8'(rwkvacc_hw_pkg::ERR_MATRIX);
  localparam logic [7:0] ERR_PROGRAM = 8'(rwkvacc_hw_pkg::ERR_PROGRAM);
  localparam logic [7:0] ERR_TOKEN  = 8'(rwkvacc_hw_pkg::ERR_TOKEN);
  localparam logic [1:0] R_IMAGE = 2'(rwkvacc_hw_pkg::REGION_IMAGE);
  localparam logic [1:0] R_STATE = 2'(rwkvacc_hw_pkg::REGION_STATE);
  localparam logic [1:0] R_IO    = 2'(rwkvacc_hw_pkg::REGION_IO);
  localparam logic [63:0] VW = 64'(VREG_WORDS);

  typedef enum logic [3:0] {
    S_IDLE, S_FETCH_REQ, S_FETCH, S_CHECK, S_REC_REQ, S_REC, S_REC_CHECK, S_EXEC, S_WAIT,
    S_END, S_HINT, S_DRAIN
  } state_e;

  state_e state_q, state_d;
  logic [31:0] pc_q, pc_d;
  logic [127:0] insn_q, insn_d;
  logic [255:0] rec_q, rec_d;       // a matrix (32 bytes) or embedding (16 bytes) record
  logic [7:0] err_q, err_d;         // the error that stops the program
  logic busy_q, busy_d, done_q, done_d, error_q, error_d;
  logic [31:0] err_code_q, err_code_d;
  logic [63:0] cycles_q, rd_q, wr_q, rdw_q, rd_d, wr_d, rdw_d;
  logic [63:0] prd_q, pwr_q, prdw_q, prd_d, pwr_d, prdw_d;  // the running instruction's counts
  logic [UW-1:0] unit_q, unit_d;       // the unit running the instruction
  logic [N_VREG*32-1:0] ve_q, ve_d; // per register: exponent
  logic [N_VREG*13-1:0] vn_q, vn_d; // per register: length

  // ---- the instruction buffer: instructions ib_base_q .. ib_base_q + ib_cnt_q - 1
  localparam int unsigned IPB = BUS_BYTES / 16;  // instructions per beat
  localparam int unsigned IBW = $clog2(IBUF);
  logic [127:0] ibuf_q [IBUF];
  logic [31:0] ib_base_q, ib_base_d;
  logic [IBW:0] ib_cnt_q, ib_cnt_d;     // valid instructions (0: empty)
  logic [IBW:0] ib_want_q, ib_want_d;   // instructions of the block being read
  logic [IBW:0] ib_got_q, ib_got_d;     // of which received
  logic ib_wr;                          // store the beat on mrd_data_i at ib_got_q

  // ---- instruction fields
  logic [7:0]  f_op, f_sub;
  logic [4:0]  f_dst;
  logic [4:0]  f_src [6];
  logic [1:0]  f_region;
  logic [15:0] f_imm;
  logic [31:0] f_off;
  logic [23:0] f_len;
  assign f_op     = insn_q[rwkvacc_hw_pkg::INSN_OPCODE_BIT +: 8];
  assign f_dst    = insn_q[rwkvacc_hw_pkg::INSN_DST_BIT +: 5];
  assign f_src[0] = insn_q[rwkvacc_hw_pkg::INSN_SRC0_BIT +: 5];
  assign f_src[1] = insn_q[rwkvacc_hw_pkg::INSN_SRC1_BIT +: 5];
  assign f_src[2] = insn_q[rwkvacc_hw_pkg::INSN_SRC2_BIT +: 5];
  assign f_src[3] = insn_q[rwkvacc_hw_pkg::INSN_SRC3_BIT +: 5];
  assign f_src[4] = insn_q[rwkvacc_hw_pkg::INSN_SRC4_BIT +: 5];
  assign f_src[5] = insn_q[rwkvacc_hw_pkg::INSN_SRC5_BIT +: 5];
  assign f_region = insn_q[rwkvacc_hw_pkg::INSN_REGION_BIT +: 2];
  assign f_imm    = insn_q[rwkvacc_hw_pkg::INSN_IMM_BIT +: 16];
  assign f_off    = insn_q[rwkvacc_hw_pkg::INSN_OFFSET_BIT +: 32];
  assign f_len    = insn_q[rwkvacc_hw_pkg::INSN_LEN_BIT +: 24];
  assign f_sub    = insn_q[rwkvacc_hw_pkg::INSN_SUB_BIT +: 8];

  // the length and exponent of each source register
  logic [12:0] sn [6];
  logic signed [31:0] se [6];
  for (genvar i = 0; i < 6; i++) begin : g_src
    assign sn[i] = vn_q[13*f_src[i] +: 13];
    assign se[i] = ve_q[32*f_src[i] +: 32];
  end
  logic [63:0] len64;
  assign len64 = 64'(f_len);

  // ---- regions: bytes [off, off + len) of region r, as card.c's span()
  function automatic logic span_ok(input logic [31:0] size, input logic [63:0] off,
                                   input logic [63:0] len);
    span_ok = (size != 32'd0) && (off <= 64'(size)) && (len <= 64'(size) - off);
  endfunction
  logic [63:0] rbase [4];
  logic [31:0] rsize [4];
  for (genvar r = 0; r < 4; r++) begin : g_region
    assign rbase[r] = region_base_i[64*r +: 64];
    assign rsize[r] = region_size_i[32*r +: 32];
  end

  // ---- record fields (little-endian words)
  logic [31:0] rw [8];
  for (genvar i = 0; i < 8; i++) begin : g_rec
    assign rw[i] = rec_q[32*i +: 32];
  end

  // heads: H = IMM, N = n / H with 1 <= N <= MAX_HEAD and H dividing n
  logic [23:0] heads_n;
  logic heads_ok;
  assign heads_n  = (f_imm == 16'd0) ? 24'd0 : f_len / 24'(f_imm);
  assign heads_ok = (f_imm != 16'd0) && (f_len % 24'(f_imm) == 24'd0) && (heads_n != 24'd0) &&
                    (heads_n <= 24'(MAX_HEAD));

  // the matrix record's checks (card.c mat_check)
  logic [31:0] m_rb, m_seg_stride, m_p2;
  logic m_bad;
  always_comb begin
    m_rb = (rw[2] == 32'd8) ? rw[1] : (rw[1] >> 1);
    m_seg_stride = (m_rb + 32'(rwkvacc_hw_pkg::CFG_MV_SEG_BYTES) - 32'd1) &
                   ~(32'(rwkvacc_hw_pkg::CFG_MV_SEG_BYTES) - 32'd1);
    m_p2 = 32'd1;
    for (int i = 0; i < 5; i++) begin
      if (m_p2 < m_rb) m_p2 = m_p2 << 1;
    end
    m_bad = ((rw[2] != 32'd8) && (rw[2] != 32'd4)) || (rw[3] == 32'd0) || (rw[1] == 32'd0) ||
            (rw[1] > 32'(VREG_WORDS));
    if (rw[2] == 32'd4 && (rw[1][0] || rw[3] < 32'd2 || ((rw[3] & (rw[3] - 32'd1)) != 32'd0)))
      m_bad = 1'b1;
    if (rw[3] < rw[1] && ((rw[3] & (rw[3] - 32'd1)) != 32'd0))  // groups within a row: 2^k
      m_bad = 1'b1;
    if (rw[6] != ((m_rb >= 32'(rwkvacc_hw_pkg::CFG_MV_SEG_BYTES)) ? m_seg_stride : m_p2) ||
        (rw[4] % 32'(BUS_BYTES)) != 32'd0 || rw[5][1:0] != 2'b00 || rw[0] == 32'd0)
      m_bad = 1'b1;
  end
  logic [31:0] m_ng;
  assign m_ng = (rw[3] == 32'd0) ? 32'd0 : (rw[1] + rw[3] - 32'd1) / rw[3];
  // the record's checks that do not depend on the registers (all PREFETCH needs: a
  // hint never reads outside region IMAGE)
  logic rec_static_ok;
  assign rec_static_ok = (f_off[3:0] == 4'd0) && !m_bad &&
                         span_ok(rsize[0], 64'(rw[4]), 64'(rw[0]) * 64'(rw[6])) &&
                         span_ok(rsize[0], 64'(rw[5]), 64'(rw[0]) * (64'(m_ng) + 64'd1) * 64'd2);
  // PREFETCH reads its record only when the record lies in IMAGE; otherwise a NOP
  logic pf_rec_ok;
  assign pf_rec_ok = (f_region == R_IMAGE) && (f_off[3:0] == 4'd0) &&
                     span_ok(rsize[0], 64'(f_off), 64'd32);

  // ---- the checks of one instruction before it runs (card.c execute() and op_*)
  logic [7:0] chk_err;     // 0: fine
  logic needs_rec;         // MATVEC and EMBED read their record first
  logic [UW-1:0] chk_unit;
  logic [63:0] chk_rd, chk_wr, chk_rdw;  // bytes the instruction moves (card.c's counts)
  logic known, has_sub;
  always_comb begin
    chk_err = 8'd0;
    needs_rec = 1'b0;
    chk_unit = UW'(U_VEC);
    chk_rd = '0;
    chk_wr = '0;
    chk_rdw = '0;
    unique case (f_op)
      8'(rwkvacc_hw_pkg::OP_NOP), 8'(rwkvacc_hw_pkg::OP_EMBED), 8'(rwkvacc_hw_pkg::OP_LOADV),
      8'(rwkvacc_hw_pkg::OP_STOREV), 8'(rwkvacc_hw_pkg::OP_MOVE), 8'(rwkvacc_hw_pkg::OP_ADD),
      8'(rwkvacc_hw_pkg::OP_SUB), 8'(rwkvacc_hw_pkg::OP_MUL), 8'(rwkvacc_hw_pkg::OP_LERP),
      8'(rwkvacc_hw_pkg::OP_RELU_SQ), 8'(rwkvacc_hw_pkg::OP_SFU), 8'(rwkvacc_hw_pkg::OP_MATVEC),
      8'(rwkvacc_hw_pkg::OP_NORM), 8'(rwkvacc_hw_pkg::OP_L2NORM), 8'(rwkvacc_hw_pkg::OP_WKV),
      8'(rwkvacc_hw_pkg::OP_BONUS7), 8'(rwkvacc_hw_pkg::OP_PREFETCH): known = 1'b1;
      default: known = 1'b0;
    endcase
    has_sub = (f_op == 8'(rwkvacc_hw_pkg::OP_SFU)) || (f_op == 8'(rwkvacc_hw_pkg::OP_MATVEC)) ||
              (f_op == 8'(rwkvacc_hw_pkg::OP_WKV));
    if (!known || (!has_sub && f_sub != 8'd0)) begin
      chk_err = ERR_OPCODE;
    end else if (32'(f_dst) >= N_VREG || 32'(f_src[0]) >= N_VREG || 32'(f_src[1]) >= N_VREG ||
                 32'(f_src[2]) >= N_VREG || 32'(f_src[3]) >= N_VREG ||
                 32'(f_src[4]) >= N_VREG || 32'(f_src[5]) >= N_VREG) begin
      chk_err = ERR_VREG;
    end else begin
      unique case (f_op)
        8'(rwkvacc_hw_pkg::OP_EMBED): begin
          chk_unit = UW'(U_LDST);
          if (f_region != R_IMAGE || !span_ok(rsize[f_region], 64'(f_off), 64'd16))
            chk_err = ERR_REGION;
          else
            needs_rec = 1'b1;
        end
        8'(rwkvacc_hw_pkg::OP_LOADV): begin
          chk_unit = UW'(U_LDST);
          if (len64 > VW) chk_err = ERR_VREG;
          else if (!span_ok(rsize[f_region], 64'(f_off), 64'd4 + 64'd4 * len64)) chk_err = ERR_REGION;
          chk_rd = 64'd4 + 64'd4 * len64;
        end
        8'(rwkvacc_hw_pkg::OP_STOREV): begin
          chk_unit = UW'(U_LDST);
          if (len64 != 64'(sn[0])) chk_err = ERR_VREG;
          else if (f_region == R_IMAGE ||
                   !span_ok(rsize[f_region], 64'(f_off), 64'd4 + 64'd4 * 64'(sn[0])))
            chk_err = ERR_REGION;
          chk_wr = 64'd4 + 64'd4 * 64'(sn[0]);
        end
        8'(rwkvacc_hw_pkg::OP_MOVE): begin
          if (len64 != 64'(sn[0])) chk_err = ERR_VREG;
        end
        8'(rwkvacc_hw_pkg::OP_ADD), 8'(rwkvacc_hw_pkg::OP_SUB): begin
          if (64'(sn[0]) != len64 || (64'(sn[1]) != len64 && sn[1] != 13'd1)) chk_err = ERR_VREG;
        end
        8'(rwkvacc_hw_pkg::OP_MUL): begin
          if (64'(sn[0]) != len64 || 64'(sn[1]) != len64) chk_err = ERR_VREG;
        end
        8'(rwkvacc_hw_pkg::OP_LERP): begin
          if (64'(sn[0]) != len64 || 64'(sn[1]) != len64 || 64'(sn[2]) != len64)
            chk_err = ERR_VREG;
        end
        8'(rwkvacc_hw_pkg::OP_RELU_SQ): begin
          if (64'(sn[0]) != len64) chk_err = ERR_VREG;
        end
        8'(rwkvacc_hw_pkg::OP_SFU): begin
          chk_unit = UW'(U_SFU);
          if (f_sub > 8'd3) chk_err = ERR_OPCODE;
          else if (64'(sn[0]) != len64) chk_err = ERR_VREG;
        end
        8'(rwkvacc_hw_pkg::OP_MATVEC): begin
          chk_unit = UW'(U_MATVEC);
          if (f_sub > 8'd1) chk_err = ERR_OPCODE;
          else if (f_region != R_IMAGE || !span_ok(rsize[f_region], 64'(f_off), 64'd32))
            chk_err = ERR_REGION;
          else
            needs_rec = 1'b1;
        end
        8'(rwkvacc_hw_pkg::OP_NORM), 8'(rwkvacc_hw_pkg::OP_L2NORM): begin
          chk_unit = UW'(U_NORM);
          if (64'(sn[0]) != len64 || f_imm == 16'd0 || (f_len % 24'(f_imm)) != 24'd0)
            chk_err = ERR_VREG;
          else if (f_op == 8'(rwkvacc_hw_pkg::OP_NORM) &&
                   (64'(sn[1]) != len64 || 64'(sn[2]) != len64 || sn[3] != 13'd1 ||
                    sn[4] != 13'd1))
            chk_err = ERR_VREG;
          else if (f_op == 8'(rwkvacc_hw_pkg::OP_L2NORM) && sn[1] != 13'd1)
            chk_err = ERR_VREG;
        end
        8'(rwkvacc_hw_pkg::OP_WKV): begin
          if (f_sub == 8'd4) begin
            chk_unit = UW'(U_WKV4);
            if (64'(sn[0]) != len64 || 64'(sn[1]) != len64 || 64'(sn[2]) != len64 ||
                64'(sn[3]) != len64)
              chk_err = ERR_VREG;
            else if (f_region != R_STATE ||
                     !span_ok(rsize[f_region], 64'(f_off), 64'd12 * len64 + 64'd8))
              chk_err = ERR_REGION;
            chk_rd = 64'd12 * len64 + 64'd8;
            chk_wr = chk_rd;
          end else if (f_sub == 8'd5 || f_sub == 8'd7) begin
            chk_unit = UW'(U_WKVM);
            if (64'(sn[0]) != len64 || 64'(sn[1]) != len64 || 64'(sn[2]) != len64 ||
                64'(sn[3]) != len64 || 64'(sn[4]) != len64 ||
                (f_sub == 8'd7 && 64'(sn[5]) != len64) || !heads_ok)
              chk_err = ERR_VREG;
            else if (f_region != R_STATE ||
                     !span_ok(rsize[f_region], 64'(f_off),
                              64'(f_imm) * (64'd4 + 64'd4 * 64'(heads_n) * 64'(heads_n))))
              chk_err = ERR_REGION;
            chk_rd = 64'(f_imm) * (64'd4 + 64'd4 * 64'(heads_n) * 64'(heads_n));
            chk_wr = chk_rd;
          end else begin
            chk_err = ERR_OPCODE;
          end
        end
        8'(rwkvacc_hw_pkg::OP_PREFETCH): begin
          needs_rec = pf_rec_ok;  // never an error: a hint
        end
        8'(rwkvacc_hw_pkg::OP_BONUS7): begin
          chk_unit = UW'(U_BONUS7);
          if (64'(sn[0]) != len64 || 64'(sn[1]) != len64 || 64'(sn[2]) != len64 ||
              64'(sn[3]) != len64 || !heads_ok)
            chk_err = ERR_VREG;
        end
        default: ;  // NOP
      endcase
    end
  end

  // ---- the record's checks (after it is read): EMBED and MATVEC
  logic [7:0] rec_err;
  logic [63:0] rec_rd, rec_wr, rec_rdw;
  always_comb begin
    rec_err = 8'd0;
    rec_rd = '0;
    rec_wr = '0;
    rec_rdw = '0;
    if (f_op == 8'(rwkvacc_hw_pkg::OP_EMBED)) begin
      // n_vocab, n_embd, q offset, e offset
      if (len64 > VW || 64'(rw[1]) != len64 || f_len[0]) rec_err = ERR_VREG;
      else if (!span_ok(rsize[0], 64'(rw[2]), 64'(rw[0]) * 64'(rw[1]) * 64'd2) ||
               !span_ok(rsize[0], 64'(rw[3]), 64'(rw[0]) * 64'd2))
        rec_err = ERR_MATRIX;
      else if (token_i >= rw[0]) rec_err = ERR_TOKEN;
      rec_rd = 64'd16 + 64'd2 * len64 + 64'd2;
    end else begin  // MATVEC: rows, cols, bits, group, q, s, stride
      if ((f_off[3:0] != 4'd0) || m_bad) rec_err = ERR_MATRIX;
      else if (64'(f_imm) + 64'(rw[1]) > 64'(sn[0])) rec_err = ERR_MATRIX;
      else if (len64 != 64'(rw[0]) || (f_sub == 8'd0 && 64'(rw[0]) > VW)) rec_err = ERR_VREG;
      else if (!span_ok(rsize[0], 64'(rw[4]), 64'(rw[0]) * 64'(rw[6])) ||
               !span_ok(rsize[0], 64'(rw[5]), 64'(rw[0]) * (64'(m_ng) + 64'd1) * 64'd2))
        rec_err = ERR_MATRIX;
      else if (f_sub == 8'd1 && !span_ok(rsize[R_IO], 64'd0, 64'd4 + 64'd4 * 64'(rw[0])))
        rec_err = ERR_REGION;
      rec_rdw = 64'd32 + 64'(rw[0]) * 64'(rw[6]) + 64'(rw[0]) * (64'(m_ng) + 64'd1) * 64'd2;
      rec_rd = rec_rdw;
      rec_wr = (f_sub == 8'd1) ? 64'd4 + 64'd4 * 64'(rw[0]) : 64'd0;
    end
  end

  logic is_nop;  // NOP, or a PREFETCH whose record is not in IMAGE
  assign is_nop = (f_op == 8'(rwkvacc_hw_pkg::OP_NOP)) ||
                  (f_op == 8'(rwkvacc_hw_pkg::OP_PREFETCH) && !pf_rec_ok);
  assign pf_q_addr_o  = rbase[0] + 64'(rw[4]);
  assign pf_q_bytes_o = rw[0] * rw[6];
  assign pf_s_addr_o  = rbase[0] + 64'(rw[5]);
  assign pf_s_bytes_o = rw[0] * (m_ng * 32'd2 + 32'd2);

  // ---- fetch and records through one read stream: one beat holds either
  logic [63:0] fetch_addr;
  assign fetch_addr = rbase[0] + 64'(prog_offset_i) + 64'd16 * 64'(pc_q);
  logic fetch_ok;
  assign fetch_ok = (pc_q < prog_len_i) && (prog_offset_i[3:0] == 4'd0) &&
                    span_ok(rsize[0], 64'(prog_offset_i) + 64'd16 * 64'(pc_q), 64'd16);
  // a block: from pc, at most IBUF instructions, none past the program or the region
  logic ib_hit;
  logic [31:0] ib_idx;
  logic [IBW:0] blk_cnt;
  logic [63:0] blk_room;
  logic [31:0] prog_left;
  assign prog_left = prog_len_i - pc_q;  // fetch_ok: pc < prog_len
  assign ib_idx = pc_q - ib_base_q;
  assign ib_hit = (pc_q >= ib_base_q) && (ib_idx < 32'(ib_cnt_q));
  always_comb begin
    blk_room = (64'(rsize[0]) - (64'(prog_offset_i) + 64'd16 * 64'(pc_q))) >> 4;  // fetch_ok: >= 1
    if (64'(prog_left) < blk_room) blk_room = 64'(prog_left);
    blk_cnt = (blk_room < 64'(IBUF)) ? blk_room[IBW:0] : (IBW+1)'(IBUF);
  end

  // ---- the decoded instruction to the units
  always_comb begin
    op_o  = f_op;
    sub_o = f_sub;
    dst_o = f_dst;
    for (int i = 0; i < 6; i++) begin
      src_o[5*i +: 5]     = f_src[i];
      src_e_o[32*i +: 32] = se[i];
      src_n_o[13*i +: 13] = sn[i];
    end
    n_o   = f_len[12:0];
    imm_o = f_imm;
    addr_o  = rbase[f_region] + 64'(f_off);
    addr2_o = '0;
    if (f_op == 8'(rwkvacc_hw_pkg::OP_EMBED)) begin
      addr_o  = rbase[0] + 64'(rw[2]) + 64'(token_i) * 64'(rw[1]) * 64'd2;
      addr2_o = rbase[0] + 64'(rw[3]) + 64'd2 * 64'(token_i);
    end else if (f_op == 8'(rwkvacc_hw_pkg::OP_MATVEC)) begin
      addr_o  = rbase[0] + 64'(rw[4]);
      addr2_o = rbase[0] + 64'(rw[5]);
    end
    io_addr_o    = rbase[R_IO];
    mat_rows_o   = rw[0];
    mat_cols_o   = rw[1][12:0];
    mat_bits_o   = rw[2][7:0];
    mat_group_o  = rw[3];
    mat_stride_o = rw[6];
  end

  // ---- the state machine
  always_comb begin
    state_d = state_q;
    pc_d = pc_q;
    insn_d = insn_q;
    rec_d = rec_q;
    err_d = err_q;
    busy_d = busy_q;
    done_d = done_q;
    error_d = error_q;
    err_code_d = err_code_q;
    rd_d = rd_q;
    wr_d = wr_q;
    rdw_d = rdw_q;
    prd_d = prd_q;
    pwr_d = pwr_q;
    prdw_d = prdw_q;
    unit_d = unit_q;
    ve_d = ve_q;
    vn_d = vn_q;
    ib_base_d = ib_base_q;
    ib_cnt_d = ib_cnt_q;
    ib_want_d = ib_want_q;
    ib_got_d = ib_got_q;
    ib_wr = 1'b0;
    unit_start_o = '0;
    pf_hint_vld_o = 1'b0;
    pf_flush_o = 1'b0;
    mrd_req_o = 1'b0;
    mrd_addr_o = fetch_addr;
    mrd_bytes_o = 32'd16;
    mrd_rdy_o = 1'b0;
    irq_done_set_o = 1'b0;
    irq_error_set_o = 1'b0;
    unique case (state_q)
      S_IDLE: if (start_i) begin
        pc_d = '0;
        busy_d = 1'b1;
        done_d = 1'b0;
        error_d = 1'b0;
        err_code_d = '0;
        rd_d = '0;
        wr_d = '0;
        rdw_d = '0;
        ve_d = '0;  // every register starts at n = 0, e = 0
        vn_d = '0;
        ib_cnt_d = '0;  // the image may have changed since the last run
        state_d = S_FETCH_REQ;
      end
      S_FETCH_REQ: begin
        if (!fetch_ok) begin
          err_d = ERR_PROGRAM;
          state_d = S_END;
        end else if (ib_hit) begin
          insn_d = ibuf_q[ib_idx[IBW-1:0]];
          state_d = S_CHECK;
        end else begin
          mrd_req_o = 1'b1;
          mrd_bytes_o = 32'd16 * 32'(blk_cnt);
          if (mrd_gnt_i) begin
            ib_base_d = pc_q;
            ib_cnt_d = '0;
            ib_want_d = blk_cnt;
            ib_got_d = '0;
            state_d = S_FETCH;
          end
        end
      end
      S_FETCH: if (mrd_vld_i) begin  // a beat of IPB instructions, the last one partly
        mrd_rdy_o = 1'b1;
        ib_wr = 1'b1;
        ib_got_d = ib_got_q + (IBW+1)'(IPB);
        if (ib_got_q + (IBW+1)'(IPB) >= ib_want_q) begin
          ib_cnt_d = ib_want_q;
          state_d = S_FETCH_REQ;
        end
      end
      S_CHECK: begin
        if (f_op == 8'(rwkvacc_hw_pkg::OP_END)) begin
          err_d = (f_sub != 8'd0) ? ERR_OPCODE : 8'd0;
          state_d = S_END;
        end else if (chk_err != 8'd0) begin
          err_d = chk_err;
          state_d = S_END;
        end else if (needs_rec) begin
          rec_d = '0;
          state_d = S_REC_REQ;
        end else begin
          prd_d = chk_rd;
          pwr_d = chk_wr;
          prdw_d = chk_rdw;
          unit_d = chk_unit;
          state_d = is_nop ? S_FETCH_REQ : S_EXEC;
          if (is_nop) pc_d = pc_q + 32'd1;
        end
      end
      S_REC_REQ: begin
        mrd_req_o = 1'b1;
        mrd_addr_o = rbase[0] + 64'(f_off);
        mrd_bytes_o = (f_op == 8'(rwkvacc_hw_pkg::OP_EMBED)) ? 32'd16 : 32'd32;
        if (mrd_gnt_i) state_d = S_REC;
      end
      S_REC: if (mrd_vld_i) begin
        mrd_rdy_o = 1'b1;
        rec_d = mrd_data_i[255:0];
        if (f_op == 8'(rwkvacc_hw_pkg::OP_EMBED)) rec_d[255:128] = '0;
        state_d = S_REC_CHECK;
      end
      S_REC_CHECK: begin
        if (f_op == 8'(rwkvacc_hw_pkg::OP_PREFETCH)) begin
          if (rec_static_ok) begin
            state_d = S_HINT;
          end else begin
            pc_d = pc_q + 32'd1;
            state_d = S_FETCH_REQ;
          end
        end else if (rec_err != 8'd0) begin
          err_d = rec_err;
          state_d = S_END;
        end else begin
          prd_d = rec_rd;
          pwr_d = rec_wr;
          prdw_d = rec_rdw;
          unit_d = chk_unit;
          state_d = S_EXEC;
        end
      end
      S_EXEC: begin
        unit_start_o[unit_q] = 1'b1;
        state_d = S_WAIT;
      end
      S_WAIT: if (unit_done_i[unit_q]) begin
        if (unit_err_i[unit_q]) begin
          err_d = ERR_VREG;  // nothing moved: nothing counted
          state_d = S_END;
        end else begin
          // the bytes a completed instruction moved (card.c's counts)
          rd_d = rd_q + prd_q;
          wr_d = wr_q + pwr_q;
          rdw_d = rdw_q + prdw_q;
          if (f_op != 8'(rwkvacc_hw_pkg::OP_STOREV) &&
              !(f_op == 8'(rwkvacc_hw_pkg::OP_MATVEC) && f_sub == 8'd1)) begin
            ve_d[32*f_dst +: 32] = unit_dst_e_i[32*unit_q +: 32];
            vn_d[13*f_dst +: 13] = unit_dst_n_i[13*unit_q +: 13];
          end
          pc_d = pc_q + 32'd1;
          state_d = S_FETCH_REQ;
        end
      end
      S_HINT: begin  // a hint the prefetchers have no room for is dropped: never a wait
        pf_hint_vld_o = (pf_hint_rdy_i == 2'b11);
        pc_d = pc_q + 32'd1;
        state_d = S_FETCH_REQ;
      end
      S_END: begin  // hints a program left unused are dropped before DONE/ERROR
        pf_flush_o = 1'b1;
        state_d = S_DRAIN;
      end
      S_DRAIN: if (pf_idle_i) begin
        busy_d = 1'b0;
        if (err_q != 8'd0) begin
          error_d = 1'b1;
          irq_error_set_o = 1'b1;
          err_code_d = {pc_q[23:0], err_q};
        end else begin
          done_d = 1'b1;
          irq_done_set_o = 1'b1;
        end
        err_d = 8'd0;
        state_d = S_IDLE;
      end
      default: state_d = S_IDLE;
    endcase
  end

  // the buffer itself: written a beat at a time, no reset needed (ib_cnt_q guards it)
  always_ff @(posedge clk_i) begin
    if (ib_wr) begin
      for (int i = 0; i < IPB; i++) begin
        if (32'(ib_got_q) + 32'(i) < 32'(IBUF)) ibuf_q[IBW'(32'(ib_got_q) + 32'(i))] <= mrd_data_i[128*i +: 128];
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= S_IDLE;
      pc_q <= '0;
      insn_q <= '0;
      rec_q <= '0;
      err_q <= '0;
      busy_q <= 1'b0;
      done_q <= 1'b0;
      error_q <= 1'b0;
      err_code_q <= '0;
      cycles_q <= '0;
      rd_q <= '0;
      wr_q <= '0;
      rdw_q <= '0;
      prd_q <= '0;
      pwr_q <= '0;
      prdw_q <= '0;
      unit_q <= '0;
      ve_q <= '0;
      vn_q <= '0;
      ib_base_q <= '0;
      ib_cnt_q <= '0;
      ib_want_q <= '0;
      ib_got_q <= '0;
    end else begin
      state_q <= state_d;
      pc_q <= pc_d;
      insn_q <= insn_d;
      rec_q <= rec_d;
      err_q <= err_d;
      busy_q <= busy_d;
      done_q <= done_d;
      error_q <= error_d;
      err_code_q <= err_code_d;
      // CYCLES: from the doorbell to DONE or ERROR
      cycles_q <= (state_q == S_IDLE && start_i) ? 64'd0 : (busy_q ? cycles_q + 64'd1 : cycles_q);
      rd_q <= rd_d;
      wr_q <= wr_d;
      rdw_q <= rdw_d;
      prd_q <= prd_d;
      pwr_q <= pwr_d;
      prdw_q <= prdw_d;
      unit_q <= unit_d;
      ve_q <= ve_d;
      vn_q <= vn_d;
      ib_base_q <= ib_base_d;
      ib_cnt_q <= ib_cnt_d;
      ib_want_q <= ib_want_d;
      ib_got_q <= ib_got_d;
    end
  end


  assign unit_o = unit_q;
  assign busy_o = busy_q;
  assign done_o = done_q;
  assign error_o = error_q;
  assign err_code_o = err_code_q;
  assign cycles_o = cycles_q;
  assign rd_bytes_o = rd_q;
  assign wr_bytes_o = wr_q;
  assign rd_weight_bytes_o = rdw_q;
endmodule
