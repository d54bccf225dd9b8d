// wkv4.sv - the RWKV-4 WKV unit: instruction WKV SUB 4 (docs/isa.md), bit-exact
// with rw_wkv4 of cmodel/golden/wkv4.c (docs/numerics.md section 7) and with the
// checks of card.c op_wkv4. DST = out; k = SRC0, v = SRC1, decay = SRC2 and
// first = SRC3 (both raw Q15.16 words); the state at state_addr_i in device
// memory is aa (int32 e, then C words), bb (e, C words), pp (C words, Q15.16),
// C = n_i, read whole through the mrd stream and written back through mwr.
//
// Sequence (cycles for C channels, BUS_BYTES = 64, no stalls):
//   READ   the state, 3C + 2 words, into three on-chip RAMs (aa, bb, pp), one
//          word per cycle, checking it as it arrives: |e| <= 2^24, |m| <= 2^30,
//          pp in [-2^29, 2^28]                                     3C + ~5
//   PASS 1..5 stream the C channels (k, v, decay, first from read ports rd0..rd3,
//          aa, bb, pp from the RAMs) through wkv4_pipe, one per cycle; between
//          passes its vector-wide reductions become scalars (SCAL, 4 cycles).
//          Pass 1 checks k and v, pass 3 the denominator (rw_wkv4_defined).
//          Pass 5 writes DST and puts the new aa, bb, pp into the RAMs in
//          place.                                                   5 x (C + 19)
//   WRITE  the new state from the RAMs through mwr, one word per cycle and one
//          more per beat, done when the DMA reports it in memory
//          (mwr_done_i).                                            3.2C + ~5
// Measured: 45,933 cycles for C = 4096 (11.2 per channel) with an ideal DMA;
// the tb's random stalls add the stream latencies.
//
// Nothing is written before every check has passed: any failure (operand
// lengths differing from n_i or n_i > VREG_WORDS, |e| or |m| of k, v, aa, bb out
// of the domain, pp out of range, a zero denominator) ends the instruction
// after pass 3 (or at once for the operands' lengths and exponents) with err_o
// and done_o, DST and the state in memory untouched. In pass 5, DST word i is
// written only after every source word the unit still reads is at an index
// above i, so DST may be any of the sources.
// Not checked here (the sequencer's): the region of the state, the
// instruction's fields.
`include "rwkvacc_hw.svh"

module wkv4 #(
  parameter int unsigned BUS_BYTES  = rwkvacc_hw_pkg::CFG_BUS_BYTES,
  parameter int unsigned VREG_WORDS = rwkvacc_hw_pkg::CFG_VREG_WORDS
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // control
  input  logic                   start_i,
  output logic                   busy_o,
  output logic                   done_o,
  output logic                   err_o,
  input  logic [12:0]            n_i,
  // operands: SRC0 k, SRC1 v, SRC2 decay, SRC3 first
  input  logic [4:0]             dst_i,
  input  logic [4:0]             src0_i,
  input  logic [4:0]             src1_i,
  input  logic [4:0]             src2_i,
  input  logic [4:0]             src3_i,
  input  logic [31:0]            src0_e_i,
  input  logic [31:0]            src1_e_i,
  input  logic [31:0]            src2_e_i,
  input  logic [31:0]            src3_e_i,
  input  logic [12:0]            src0_n_i,
  input  logic [12:0]            src1_n_i,
  input  logic [12:0]            src2_n_i,
  input  logic [12:0]            src3_n_i,
  output logic [31:0]            dst_e_o,
  output logic [12:0]            dst_n_o,
  // vector register file: read ports 0..3 (one per source), write port
  output logic                   rd0_en_o,
  output logic [16:0]            rd0_addr_o,
  input  logic [31:0]            rd0_data_i,
  output logic                   rd1_en_o,
  output logic [16:0]            rd1_addr_o,
  input  logic [31:0]            rd1_data_i,
  output logic                   rd2_en_o,
  output logic [16:0]            rd2_addr_o,
  input  logic [31:0]            rd2_data_i,
  output logic                   rd3_en_o,
  output logic [16:0]            rd3_addr_o,
  input  logic [31:0]            rd3_data_i,
  output logic                   wr_en_o,
  output logic [16:0]            wr_addr_o,
  output logic [31:0]            wr_data_o,
  // the state in device memory
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
  localparam int unsigned IW   = $clog2(VREG_WORDS);  // element index bits
  localparam int unsigned NW_W = 16;                  // state words: 3C + 2 < 2^16
  localparam logic signed [31:0] ExpMax  = 32'sd16777216;   // RW_CARD_EXP_MAX, 2^24
  localparam logic signed [31:0] MantMax = 32'sd1073741824; // 2^30
  localparam logic signed [31:0] PpMin   = -32'sd536870912; // RW_PP_MIN, -2^29
  localparam logic signed [31:0] PpMax   = 32'sd268435456;  // RW_LOG_MAX, 2^28

  typedef enum logic [2:0] {
    StIdle, StRead, StPass, StDrain, StScal, StWrite, StDone
  } state_e;

  // Position in the state's word sequence: aa's e, aa's words, bb's e, bb's
  // words, pp's words; walked word by word when reading and when writing.
  typedef enum logic [2:0] {
    SegAe, SegAa, SegBe, SegBb, SegPp, SegEnd
  } seg_e;

  state_e             st_d, st_q;
  seg_e               seg_d, seg_q;
  logic [IW-1:0]      widx_d, widx_q;   // word index within the segment
  logic [IW-1:0]      cnt_d, cnt_q;     // channel issued in a pass
  logic [2:0]         pass_d, pass_q;
  logic [1:0]         scnt_d, scnt_q;   // cycles in StScal
  logic               err_d, err_q;     // the instruction fails
  logic               bad_d, bad_q;     // a check of the operands or the state failed
  logic [12:0]        n_d, n_q;
  logic [4:0]         dst_d, dst_q, s0_d, s0_q, s1_d, s1_q, s2_d, s2_q, s3_d, s3_q;
  logic signed [31:0] ke_d, ke_q, ve_d, ve_q, aae_d, aae_q, bbe_d, bbe_q;
  logic [63:0]        addr_d, addr_q;
  logic               iss_d, iss_q;     // a channel's reads were issued last cycle
  logic [IW-1:0]      iidx_d, iidx_q;
  logic               wv_d, wv_q;       // a state word was issued to the writer last cycle
  seg_e               wseg_d, wseg_q;

  // ------------------------------------------------------------ submodules

  logic            rd_start, rd_vld;
  logic [31:0]     rd_word;
  logic            wr_start, wr_take, wr_done;
  logic [31:0]     wr_word;
  logic [NW_W-1:0] rd_nwords, wr_nwords;

  // 3C + 2 words (C <= VREG_WORDS); the read starts with start_i, from the
  // inputs, the write from the latched operands
  assign rd_nwords = NW_W'(n_i) + NW_W'(n_i) + NW_W'(n_i) + NW_W'(2);
  assign wr_nwords = NW_W'(n_q) + NW_W'(n_q) + NW_W'(n_q) + NW_W'(2);

  wkv4_rd #(
    .BUS_BYTES(BUS_BYTES),
    .NW_W     (NW_W)
  ) u_rd (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .start_i    (rd_start),
    .addr_i     (state_addr_i),
    .nwords_i   (rd_nwords),
    .word_vld_o (rd_vld),
    .word_o     (rd_word),
    .mrd_req_o  (mrd_req_o),
    .mrd_gnt_i  (mrd_gnt_i),
    .mrd_addr_o (mrd_addr_o),
    .mrd_bytes_o(mrd_bytes_o),
    .mrd_vld_i  (mrd_vld_i),
    .mrd_rdy_o  (mrd_rdy_o),
    .mrd_data_i (mrd_data_i)
  );

  wkv4_wr #(
    .BUS_BYTES(BUS_BYTES),
    .NW_W     (NW_W)
  ) u_wr (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .start_i    (wr_start),
    .addr_i     (addr_q),
    .nwords_i   (wr_nwords),
    .take_o     (wr_take),
    .word_vld_i (wv_q),
    .word_i     (wr_word),
    .done_o     (wr_done),
    .mwr_req_o  (mwr_req_o),
    .mwr_gnt_i  (mwr_gnt_i),
    .mwr_addr_o (mwr_addr_o),
    .mwr_bytes_o(mwr_bytes_o),
    .mwr_vld_o  (mwr_vld_o),
    .mwr_rdy_i  (mwr_rdy_i),
    .mwr_data_o (mwr_data_o),
    .mwr_done_i (mwr_done_i)
  );

  // the state on chip: one RAM per array, written while reading (READ) and in
  // pass 5 (the new state, in place), read in every pass and while writing
  logic          aa_we, bb_we, pp_we, ram_re;
  logic [IW-1:0] ram_waddr, ram_raddr;
  logic [31:0]   aa_wdata, bb_wdata, pp_wdata, aa_rdata, bb_rdata, pp_rdata;

  wkv4_ram #(.DEPTH(VREG_WORDS), .WIDTH(32)) u_aa (
    .clk_i  (clk_i),
    .we_i   (aa_we),
    .waddr_i(ram_waddr),
    .wdata_i(aa_wdata),
    .re_i   (ram_re),
    .raddr_i(ram_raddr),
    .rdata_o(aa_rdata)
  );
  wkv4_ram #(.DEPTH(VREG_WORDS), .WIDTH(32)) u_bb (
    .clk_i  (clk_i),
    .we_i   (bb_we),
    .waddr_i(ram_waddr),
    .wdata_i(bb_wdata),
    .re_i   (ram_re),
    .raddr_i(ram_raddr),
    .rdata_o(bb_rdata)
  );
  wkv4_ram #(.DEPTH(VREG_WORDS), .WIDTH(32)) u_pp (
    .clk_i  (clk_i),
    .we_i   (pp_we),
    .waddr_i(ram_waddr),
    .wdata_i(pp_wdata),
    .re_i   (ram_re),
    .raddr_i(ram_raddr),
    .rdata_o(pp_rdata)
  );

  logic               p_clr, p_scal, p_idle, p_kv_bad, p_den_zero;
  logic               res_vld;
  logic [IW-1:0]      res_idx;
  logic signed [31:0] res_out, res_aa, res_bb, res_pp, out_e, new_aa_e, new_bb_e;

  wkv4_pipe #(.IW(IW)) u_pipe (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .clr_i     (p_clr),
    .pass_i    (pass_q),
    .scal_i    (p_scal),
    .k_e_i     (ke_q),
    .v_e_i     (ve_q),
    .aa_e_i    (aae_q),
    .bb_e_i    (bbe_q),
    .vld_i     (iss_q),
    .idx_i     (iidx_q),
    .k_i       (rd0_data_i),
    .v_i       (rd1_data_i),
    .decay_i   (rd2_data_i),
    .first_i   (rd3_data_i),
    .aa_i      (aa_rdata),
    .bb_i      (bb_rdata),
    .pp_i      (pp_rdata),
    .idle_o    (p_idle),
    .kv_bad_o  (p_kv_bad),
    .den_zero_o(p_den_zero),
    .res_vld_o (res_vld),
    .res_idx_o (res_idx),
    .res_out_o (res_out),
    .res_aa_o  (res_aa),
    .res_bb_o  (res_bb),
    .res_pp_o  (res_pp),
    .out_e_o   (out_e),
    .aa_e_o    (new_aa_e),
    .bb_e_o    (new_bb_e)
  );

  // ------------------------------------------------------------- sequencing

  function automatic logic e_bad(input logic signed [31:0] e);
    e_bad = e > ExpMax || e < -ExpMax;
  endfunction

  function automatic logic m_bad(input logic signed [31:0] m);
    m_bad = m > MantMax || m < -MantMax;
  endfunction

  logic start_bad, last, seg_adv, issue;
  seg_e seg_next;
  logic [IW-1:0] widx_next;

  // card.c op_wkv4's checks that need no data: every source has n words
  // (n <= VREG_WORDS), k and v have exponents in the domain
  assign start_bad = src0_n_i != n_i || src1_n_i != n_i || src2_n_i != n_i ||
                     src3_n_i != n_i || n_i > 13'(VREG_WORDS) ||
                     e_bad($signed(src0_e_i)) || e_bad($signed(src1_e_i));

  // the next position in the word sequence (segments of C words are skipped
  // for C = 0)
  assign last = {1'b0, widx_q} == n_q - 13'd1;
  always_comb begin
    seg_next  = seg_q;
    widx_next = widx_q + IW'(1);
    unique case (seg_q)
      SegAe: begin
        seg_next  = (n_q == '0) ? SegBe : SegAa;
        widx_next = '0;
      end
      SegAa: if (last) begin
        seg_next  = SegBe;
        widx_next = '0;
      end
      SegBe: begin
        seg_next  = (n_q == '0) ? SegEnd : SegBb;
        widx_next = '0;
      end
      SegBb: if (last) begin
        seg_next  = SegPp;
        widx_next = '0;
      end
      SegPp: if (last) begin
        seg_next  = SegEnd;
        widx_next = '0;
      end
      default: widx_next = '0;
    endcase
  end

  always_comb begin
    st_d     = st_q;
    seg_d    = seg_q;
    widx_d   = widx_q;
    cnt_d    = cnt_q;
    pass_d   = pass_q;
    scnt_d   = scnt_q;
    err_d    = err_q;
    bad_d    = bad_q;
    n_d      = n_q;
    dst_d    = dst_q;
    s0_d     = s0_q;
    s1_d     = s1_q;
    s2_d     = s2_q;
    s3_d     = s3_q;
    ke_d     = ke_q;
    ve_d     = ve_q;
    aae_d    = aae_q;
    bbe_d    = bbe_q;
    addr_d   = addr_q;
    iss_d    = 1'b0;
    iidx_d   = cnt_q;
    wv_d     = 1'b0;
    wseg_d   = seg_q;
    rd_start = 1'b0;
    wr_start = 1'b0;
    p_clr    = 1'b0;
    seg_adv  = 1'b0;
    issue    = 1'b0;
    unique case (st_q)
      StIdle: begin
        if (start_i) begin
          n_d    = n_i;
          dst_d  = dst_i;
          s0_d   = src0_i;
          s1_d   = src1_i;
          s2_d   = src2_i;
          s3_d   = src3_i;
          ke_d   = $signed(src0_e_i);
          ve_d   = $signed(src1_e_i);
          addr_d = state_addr_i;
          err_d  = start_bad;
          bad_d  = start_bad;
          seg_d  = SegAe;
          widx_d = '0;
          pass_d = 3'd1;
          p_clr  = 1'b1;
          rd_start = !start_bad;
          st_d   = start_bad ? StDone : StRead;
        end
      end
      StRead: begin
        if (rd_vld) begin
          seg_adv = 1'b1;
          unique case (seg_q)
            SegAe: begin
              aae_d = $signed(rd_word);
              if (e_bad($signed(rd_word))) bad_d = 1'b1;
            end
            SegBe: begin
              bbe_d = $signed(rd_word);
              if (e_bad($signed(rd_word))) bad_d = 1'b1;
            end
            SegAa, SegBb: if (m_bad($signed(rd_word))) bad_d = 1'b1;
            SegPp: if ($signed(rd_word) < PpMin || $signed(rd_word) > PpMax) bad_d = 1'b1;
            default: ;
          endcase
        end
        if (seg_q == SegEnd) begin
          cnt_d = '0;
          st_d  = StPass;
        end
      end
      StPass: begin
        if (n_q == '0) begin
          st_d = StDrain;
        end else begin
          issue  = 1'b1;
          iss_d  = 1'b1;
          cnt_d  = cnt_q + IW'(1);
          if ({1'b0, cnt_q} == n_q - 13'd1) st_d = StDrain;
        end
      end
      StDrain: begin
        if (!iss_q && p_idle) begin
          scnt_d = 2'd0;
          st_d   = StScal;
        end
      end
      StScal: begin
        scnt_d = scnt_q + 2'd1;
        if (scnt_q == 2'd3) begin
          cnt_d = '0;
          if (pass_q == 3'd3 && (bad_q || p_kv_bad || p_den_zero)) begin
            err_d = 1'b1;
            st_d  = StDone;
          end else if (pass_q == 3'd5) begin
            seg_d    = SegAe;
            widx_d   = '0;
            wr_start = 1'b1;
            st_d     = StWrite;
          end else begin
            pass_d = pass_q + 3'd1;
            st_d   = StPass;
          end
        end
      end
      StWrite: begin
        if (wr_take) begin
          seg_adv = 1'b1;
          wv_d    = 1'b1;
          wseg_d  = seg_q;
        end
        if (wr_done) st_d = StDone;
      end
      StDone: st_d = StIdle;
      default: st_d = StIdle;
    endcase
    if (seg_adv) begin
      seg_d  = seg_next;
      widx_d = widx_next;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      st_q   <= StIdle;
      seg_q  <= SegAe;
      widx_q <= '0;
      cnt_q  <= '0;
      pass_q <= 3'd1;
      scnt_q <= 2'd0;
      err_q  <= 1'b0;
      bad_q  <= 1'b0;
      iss_q  <= 1'b0;
      wv_q   <= 1'b0;
    end else begin
      st_q   <= st_d;
      seg_q  <= seg_d;
      widx_q <= widx_d;
      cnt_q  <= cnt_d;
      pass_q <= pass_d;
      scnt_q <= scnt_d;
      err_q  <= err_d;
      bad_q  <= bad_d;
      iss_q  <= iss_d;
      wv_q   <= wv_d;
    end
  end

  always_ff @(posedge clk_i) begin
    n_q    <= n_d;
    dst_q  <= dst_d;
    s0_q   <= s0_d;
    s1_q   <= s1_d;
    s2_q   <= s2_d;
    s3_q   <= s3_d;
    ke_q   <= ke_d;
    ve_q   <= ve_d;
    aae_q  <= aae_d;
    bbe_q  <= bbe_d;
    addr_q <= addr_d;
    iidx_q <= iidx_d;
    wseg_q <= wseg_d;
  end

  assign p_scal = st_q == StScal;

  // ------------------------------------------------------------ datapaths

  // RAMs: the reader's words while reading, the new state in pass 5
  always_comb begin
    ram_waddr = (st_q == StRead) ? widx_q : res_idx;
    aa_we     = (st_q == StRead) ? (rd_vld && seg_q == SegAa) : res_vld;
    bb_we     = (st_q == StRead) ? (rd_vld && seg_q == SegBb) : res_vld;
    pp_we     = (st_q == StRead) ? (rd_vld && seg_q == SegPp) : res_vld;
    aa_wdata  = (st_q == StRead) ? rd_word : res_aa;
    bb_wdata  = (st_q == StRead) ? rd_word : res_bb;
    pp_wdata  = (st_q == StRead) ? rd_word : res_pp;
    ram_re    = issue || (st_q == StWrite && wr_take);
    ram_raddr = (st_q == StPass) ? cnt_q : widx_q;
  end

  // the writer's word, one cycle after it was issued
  always_comb begin
    unique case (wseg_q)
      SegAe:   wr_word = new_aa_e;
      SegAa:   wr_word = aa_rdata;
      SegBe:   wr_word = new_bb_e;
      SegBb:   wr_word = bb_rdata;
      default: wr_word = pp_rdata;
    endcase
  end

  // vector register file
  assign rd0_en_o   = issue;
  assign rd1_en_o   = issue;
  assign rd2_en_o   = issue;
  assign rd3_en_o   = issue;
  assign rd0_addr_o = 17'({s0_q, cnt_q});
  assign rd1_addr_o = 17'({s1_q, cnt_q});
  assign rd2_addr_o = 17'({s2_q, cnt_q});
  assign rd3_addr_o = 17'({s3_q, cnt_q});
  assign wr_en_o    = res_vld;
  assign wr_addr_o  = 17'({dst_q, res_idx});
  assign wr_data_o  = res_out;

  // control outputs
  assign busy_o  = st_q != StIdle;
  assign done_o  = st_q == StDone;
  assign err_o   = st_q == StDone && err_q;
  assign dst_e_o = out_e;
  assign dst_n_o = n_q;

  // decay's and first's exponents mean nothing (raw Q15.16 words)
  logic unused_src_e;
  assign unused_src_e = ^{src2_e_i, src3_e_i};
endmodule
