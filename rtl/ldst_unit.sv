// ldst_unit.sv - moves vectors between device memory and the vector registers:
// LOADV (e, then n words into DST), STOREV (SRC0's e and words out), and EMBED
// (one int16 embedding row and its int16 exponent, normalized as rw_normalize
// of docs/numerics.md section 2). The sequencer has checked every address
// against its region and passes absolute byte addresses; this unit only moves
// and, for EMBED, normalizes. One word per cycle to or from the registers.
// Memory is read in aligned 32-bit words: EMBED's n is even, and its exponent is
// taken from the aligned word that holds it (regions are multiples of 4 bytes).
`include "rwkvacc_hw.svh"

module ldst_unit #(
  parameter int unsigned BUS_BYTES  = 64,
  parameter int unsigned VREG_WORDS = 4096,
  parameter int unsigned N_VREG     = 32
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     start_i,
  input  logic [7:0]               op_i,       // OP_LOADV, OP_STOREV, OP_EMBED
  input  logic [12:0]              n_i,        // words (LOADV, EMBED) or SRC0's length (STOREV)
  input  logic [4:0]               dst_i,
  input  logic [4:0]               src0_i,
  input  logic signed [31:0]       src0_e_i,
  input  logic [63:0]              addr_i,     // LOADV/STOREV: the vector; EMBED: the row
  input  logic [63:0]              eaddr_i,    // EMBED: the row's int16 exponent
  output logic                     busy_o,
  output logic                     done_o,
  output logic signed [31:0]       dst_e_o,
  output logic [12:0]              dst_n_o,
  // vector register file
  output logic                     rd0_en_o,
  output logic [16:0]              rd0_addr_o,
  input  logic [31:0]              rd0_data_i,
  output logic                     wr_en_o,
  output logic [16:0]              wr_addr_o,
  output logic [31:0]              wr_data_o,
  // DMA read stream
  output logic                     mrd_req_o,
  input  logic                     mrd_gnt_i,
  output logic [63:0]              mrd_addr_o,
  output logic [31:0]              mrd_bytes_o,
  input  logic                     mrd_vld_i,
  output logic                     mrd_rdy_o,
  input  logic [BUS_BYTES*8-1:0]   mrd_data_i,
  // DMA write stream
  output logic                     mwr_req_o,
  input  logic                     mwr_gnt_i,
  output logic [63:0]              mwr_addr_o,
  output logic [31:0]              mwr_bytes_o,
  output logic                     mwr_vld_o,
  input  logic                     mwr_rdy_i,
  output logic [BUS_BYTES*8-1:0]   mwr_data_o,
  input  logic                     mwr_done_i
);
  localparam int unsigned WPB = BUS_BYTES / 4;  // 32-bit words per beat
  localparam int unsigned HPB = BUS_BYTES / 2;  // 16-bit halves per beat
  localparam int unsigned WIW = $clog2(WPB);
  localparam int unsigned HIW = $clog2(HPB);

  typedef enum logic [3:0] {
    S_IDLE, S_RD_REQ, S_RD_DATA, S_E_REQ, S_E_DATA, S_ROW_REQ, S_ROW_DATA,
    S_NORM_RD, S_NORM_WR, S_WR_REQ, S_WR_DATA, S_WR_WAIT, S_DONE
  } state_e;

  state_e state_q, state_d;
  logic [13:0] idx_q, idx_d;             // stream position: words (or halves) done
  logic [WIW:0] sub_q, sub_d;            // word (half) within the current beat
  logic signed [31:0] e_q, e_d;          // LOADV: the exponent read; EMBED: the row's
  logic [4:0] bits_q, bits_d;            // EMBED: bit length of the largest |q|
  logic [BUS_BYTES*8-1:0] wbeat_q, wbeat_d;
  logic rd_pend_q, rd_pend_d;            // STOREV/EMBED: a register read is in flight

  logic is_load, is_store;
  assign is_load  = (op_i == 8'(rwkvacc_hw_pkg::OP_LOADV));
  assign is_store = (op_i == 8'(rwkvacc_hw_pkg::OP_STOREV));

  // the current word of the read beat (32-bit) and half (16-bit)
  logic [31:0] beat_word;
  logic signed [15:0] beat_half;
  assign beat_word = mrd_data_i[sub_q[WIW-1:0]*32 +: 32];
  assign beat_half = mrd_data_i[sub_q[HIW-1:0]*16 +: 16];

  // |q| of a sign-extended int16 and its bit length (<= 16)
  logic [15:0] half_mag;
  logic [4:0] half_bits;
  assign half_mag  = beat_half[15] ? 16'(-beat_half) : 16'(beat_half);
  always_comb begin
    half_bits = 5'd0;
    for (int i = 0; i < 16; i++) begin
      if (half_mag[i]) half_bits = 5'(i + 1);
    end
  end

  logic [13:0] total;   // LOADV: 1 + n words; STOREV: 1 + n; EMBED: n halves
  assign total = is_load || is_store ? 14'(n_i) + 14'd1 : 14'(n_i);

  always_comb begin
    state_d   = state_q;
    idx_d     = idx_q;
    sub_d     = sub_q;
    e_d       = e_q;
    bits_d    = bits_q;
    wbeat_d   = wbeat_q;
    rd_pend_d = 1'b0;
    mrd_req_o = 1'b0;
    mrd_addr_o = addr_i;
    mrd_bytes_o = 32'(total) * 32'd4;
    mrd_rdy_o = 1'b0;
    mwr_req_o = 1'b0;
    mwr_addr_o = addr_i;
    mwr_bytes_o = 32'(total) * 32'd4;
    mwr_vld_o = 1'b0;
    mwr_data_o = wbeat_q;
    rd0_en_o  = 1'b0;
    rd0_addr_o = {src0_i, 12'(idx_q)};
    wr_en_o   = 1'b0;
    wr_addr_o = {dst_i, 12'(idx_q)};
    wr_data_o = beat_word;
    done_o    = 1'b0;
    unique case (state_q)
      S_IDLE: if (start_i) begin
        idx_d = '0;
        sub_d = '0;
        bits_d = '0;
        wbeat_d = '0;
        state_d = is_load ? S_RD_REQ : is_store ? S_WR_REQ : S_E_REQ;
      end
      // LOADV: word 0 is the exponent, words 1..n go to DST[0..n-1]
      S_RD_REQ: begin
        mrd_req_o = 1'b1;
        if (mrd_gnt_i) state_d = S_RD_DATA;
      end
      S_RD_DATA: if (mrd_vld_i) begin
        if (idx_q == 14'd0) begin
          e_d = beat_word;
        end else begin
          wr_en_o   = 1'b1;
          wr_addr_o = {dst_i, 12'(idx_q - 14'd1)};
        end
        idx_d = idx_q + 14'd1;
        sub_d = sub_q + 1'b1;
        if (sub_q == (WIW+1)'(WPB - 1) || idx_q + 14'd1 == total) begin
          mrd_rdy_o = 1'b1;
          sub_d = '0;
        end
        if (idx_q + 14'd1 == total) state_d = S_DONE;
      end
      // EMBED: the exponent first, then the row
      S_E_REQ: begin
        mrd_req_o = 1'b1;
        mrd_addr_o = {eaddr_i[63:2], 2'b00};  // the aligned word holding it
        mrd_bytes_o = 32'd4;
        if (mrd_gnt_i) state_d = S_E_DATA;
      end
      S_E_DATA: if (mrd_vld_i) begin
        mrd_rdy_o = 1'b1;
        e_d = eaddr_i[1] ? 32'($signed(mrd_data_i[31:16])) : 32'($signed(mrd_data_i[15:0]));
        state_d = S_ROW_REQ;
      end
      S_ROW_REQ: begin
        mrd_req_o = 1'b1;
        mrd_bytes_o = 32'(n_i) * 32'd2;  // n is even (the sequencer checks)
        if (mrd_gnt_i) state_d = S_ROW_DATA;
      end
      S_ROW_DATA: if (mrd_vld_i) begin
        wr_en_o   = 1'b1;
        wr_data_o = 32'(beat_half);
        if (half_bits > bits_q) bits_d = half_bits;
        idx_d = idx_q + 14'd1;
        sub_d = sub_q + 1'b1;
        if (sub_q == (WIW+1)'(HPB - 1) || idx_q + 14'd1 == total) begin
          mrd_rdy_o = 1'b1;
          sub_d = '0;
        end
        if (idx_q + 14'd1 == total) begin
          idx_d = '0;
          state_d = S_NORM_RD;
        end
      end
      // EMBED: shift every element by 30 - B (exact: B <= 16), as rw_normalize
      S_NORM_RD: begin
        if (bits_q == 5'd0) begin
          state_d = S_DONE;  // all zero: m = 0 already, e = 0
        end else begin
          rd0_en_o = 1'b1;
          rd0_addr_o = {dst_i, 12'(idx_q)};
          state_d = S_NORM_WR;
        end
      end
      S_NORM_WR: begin
        wr_en_o   = 1'b1;
        wr_data_o = rd0_data_i << (5'd30 - bits_q);
        idx_d = idx_q + 14'd1;
        state_d = (idx_q + 14'd1 == total) ? S_DONE : S_NORM_RD;
      end
      // STOREV: the exponent, then SRC0's words, packed into beats
      S_WR_REQ: begin
        mwr_req_o = 1'b1;
        if (mwr_gnt_i) state_d = S_WR_DATA;
      end
      S_WR_DATA: begin
        // fill the beat one word per cycle; send it when full or at the end
        if (!rd_pend_q && idx_q < total && sub_q < (WIW+1)'(WPB)) begin
          if (idx_q == 14'd0) begin
            wbeat_d[0 +: 32] = src0_e_i;
            idx_d = 14'd1;
            sub_d = sub_q + 1'b1;
          end else begin
            rd0_en_o = 1'b1;
            rd0_addr_o = {src0_i, 12'(idx_q - 14'd1)};
            rd_pend_d = 1'b1;
          end
        end
        if (rd_pend_q) begin
          wbeat_d[sub_q[WIW-1:0]*32 +: 32] = rd0_data_i;
          idx_d = idx_q + 14'd1;
          sub_d = sub_q + 1'b1;
        end
        if (!rd_pend_q && !rd0_en_o && (sub_q == (WIW+1)'(WPB) || (idx_q == total && sub_q != '0))) begin
          mwr_vld_o = 1'b1;
          if (mwr_rdy_i) begin
            wbeat_d = '0;
            sub_d = '0;
            if (idx_q == total) state_d = S_WR_WAIT;
          end
        end
      end
      S_WR_WAIT: if (mwr_done_i) state_d = S_DONE;
      S_DONE: begin
        done_o = 1'b1;
        state_d = S_IDLE;
      end
      default: state_d = S_IDLE;
    endcase
  end

  // result exponent: LOADV the one read; EMBED e - (30 - B), 0 for an all-zero row
  always_comb begin
    dst_n_o = n_i;
    if (is_load)       dst_e_o = e_q;
    else if (is_store) dst_e_o = src0_e_i;
    else if (bits_q == 5'd0) dst_e_o = 32'sd0;
    else               dst_e_o = e_q - (32'sd30 - 32'($signed({1'b0, bits_q})));
  end

  assign busy_o = (state_q != S_IDLE);

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q   <= S_IDLE;
      idx_q     <= '0;
      sub_q     <= '0;
      e_q       <= '0;
      bits_q    <= '0;
      wbeat_q   <= '0;
      rd_pend_q <= 1'b0;
    end else begin
      state_q   <= state_d;
      idx_q     <= idx_d;
      sub_q     <= sub_d;
      e_q       <= e_d;
      bits_q    <= bits_d;
      wbeat_q   <= wbeat_d;
      rd_pend_q <= rd_pend_d;
    end
  end

  // unused: VREG_WORDS and N_VREG size the addresses the sequencer checks
  logic unused;
  assign unused = ^{VREG_WORDS, N_VREG, eaddr_i[0]};
endmodule
