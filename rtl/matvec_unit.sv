// matvec_unit.sv - the matrix-vector unit (MATVEC, docs/isa.md): y = W x with
//   x  = rw_act_quant(SRC0's words imm_i .. imm_i + cols - 1, SRC0's exponent),
//   y  = rw_matvec(W, x)   (cmodel/golden/matvec.c, docs/numerics.md 3-4),
// bit-exact with the golden model; sub_i 0 writes y into DST, sub_i 1 writes it
// to device memory at out_addr_i (int32 e, then rows int32 words). It makes
// card.c's operand checks that concern it (mat_check's shape rules, imm + cols
// <= SRC0's length, rows <= VREG_WORDS for sub 0, dom() on the x slice: |m| <=
// 2^30, |e| <= 2^24): a violation ends the operation with err_o, nothing
// written (streams already requested are read to their end first).
// Not here: the matrix record (the sequencer reads it and drives rows_i ..
// s_addr_i), region/span checks, the DMA (the three streams of docs/rtl.md).
//
// Weights (docs/isa.md "Matrices in memory"): q rows at q_stride_i (rb bytes
// then zeros; rb >= SEG_BYTES: a multiple of SEG_BYTES, else the next power of
// two), read as one stream of rows * q_stride bytes (mrd0); scales per row ng
// uint16 sm then int16 se, one stream (mrd1). Every SEG_BYTES segment of a beat
// lies in one row, and in one group when a group has >= SEG_BYTES bytes.
// Both streams are requested before the x pass, which runs while the first
// beats are on their way (the weights' memory latency hides it).
//
// How (the register file side is wide: rows of VL words, docs/rtl.md):
//  1. x pass 1, one register row (VL words) per cycle: dom() check and OR of
//     the magnitudes (bitlen of the OR = bitlen of the max) over the lanes of
//     the slice (the slice starts at word imm_i, any lane: the first and last
//     rows are masked). x pass 2 reads the rows again: act_quant of VL words
//     per cycle, realigned (lane l of chunk c = slice element c VL + l, from
//     this row and the previous one) into matvec_xbuf (one copy per segment;
//     short rows get their x repeated, see there).
//  2. weights: one beat per cycle: each segment reads its x row (its offset in
//     its row), matvec_mul forms the lane products, matvec_tree sums NSEG units
//     (segments, or U-byte pieces of them when rows or groups are shorter than a
//     segment: then SEG_BYTES / U cycles per beat), matvec_rowacc sums groups,
//     multiplies by sm, sums rows (int64-exact) and tracks T of
//     normalize_each; rows go to matvec_rowbuf with their se.
//  3. output pass: m = shift(acc, se + 30 - Tm) with Tm = max(bitlen + se)
//     (e_x cancels; |m| <= 2^30, so a 32-bit result shifter, norm32),
//     exponent Tm + e_x - 30, all-zero: e = 0. Sub 0: VL rows
//     per cycle, one DST row (masked past rows). Sub 1: one bus beat of
//     BUS_BYTES / 4 words per cycle; the stream starts with e, so beat b holds
//     the last row of group b - 1 (or e) and rows of group b but its last
//     (ceil((rows + 1) / (BUS_BYTES / 4)) beats, the words past the rows zero).
// The scale entries a cycle needs (an sm per group ending, an se per row ending,
// up to 2 NSEG) come from matvec_ring; the stage waits when they are not there.
//
// Throughput: one weight beat per cycle in steady state when the units are whole
// segments (INT8 rows of >= SEG_BYTES bytes, INT4 rows >= SEG_BYTES bytes and
// groups >= 2 SEG_BYTES weights), else SEG_BYTES / U cycles per beat. Fixed
// costs per operation: 2 ceil(cols / VL) + 3 to 5 cycles (x; the weights'
// memory latency hides up to that much of it), about 10 (pipeline), and
// ceil(rows / VL) (sub 0) or ceil((rows + 1) / (BUS_BYTES / 4)) (sub 1) (output).
//
// Ports and protocol: docs/rtl.md "Unit interface" and "streams", with the wide
// register-file ports (rd0_data_i, wr_data_o: word j of a row in bits
// 32j+31:32j; wr_mask_o). Operands are held stable by the sequencer from
// start_i to done_o. VL: a power of two, 1 .. 64, VREG_WORDS / VL >= 2 rows.

`include "rwkvacc_hw.svh"

module matvec_unit #(
  parameter int unsigned BUS_BYTES  = rwkvacc_hw_pkg::CFG_MV_LANES,  // its beat: MV_LANES weight bytes
  parameter int unsigned MV_LANES   = rwkvacc_hw_pkg::CFG_MV_LANES,
  parameter int unsigned SEG_BYTES  = rwkvacc_hw_pkg::CFG_MV_SEG_BYTES,
  parameter int unsigned VREG_WORDS = rwkvacc_hw_pkg::CFG_VREG_WORDS,
  parameter int unsigned VL         = rwkvacc_hw_pkg::CFG_VEC_LANES,  // words per register row
  parameter int unsigned MAX_ROWS   = 65536,                 // sub 1 rows, power of 2
  parameter int unsigned IW         = $clog2(VREG_WORDS),    // element index bits
  parameter int unsigned RW         = 5 + $clog2(VREG_WORDS / VL)  // register row address bits
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,

  input  logic                     start_i,
  output logic                     busy_o,
  output logic                     done_o,
  output logic                     err_o,
  input  logic                     sub_i,       // 0: into DST, 1: to memory
  input  logic [31:0]              rows_i,
  input  logic [IW:0]              cols_i,
  input  logic [7:0]               bits_i,      // 8 or 4
  input  logic [31:0]              group_i,
  input  logic [63:0]              q_addr_i,
  input  logic [31:0]              q_stride_i,
  input  logic [63:0]              s_addr_i,
  input  logic [15:0]              imm_i,       // first word of SRC0
  input  logic [63:0]              out_addr_i,  // sub 1
  input  logic [4:0]               src0_i,
  input  logic signed [31:0]       src0_e_i,
  input  logic [IW:0]              src0_n_i,
  input  logic [4:0]               dst_i,
  output logic signed [31:0]       dst_e_o,
  output logic [IW:0]              dst_n_o,

  output logic                     rd0_en_o,
  output logic [RW-1:0]            rd0_addr_o,
  input  logic [VL*32-1:0]         rd0_data_i,
  output logic                     wr_en_o,
  output logic [RW-1:0]            wr_addr_o,
  output logic [VL*32-1:0]         wr_data_o,
  output logic [VL-1:0]            wr_mask_o,

  // q stream
  output logic                     mrd0_req_o,
  input  logic                     mrd0_gnt_i,
  output logic [63:0]              mrd0_addr_o,
  output logic [31:0]              mrd0_bytes_o,
  input  logic                     mrd0_vld_i,
  output logic                     mrd0_rdy_o,
  input  logic [BUS_BYTES*8-1:0]   mrd0_data_i,
  // scale stream
  output logic                     mrd1_req_o,
  input  logic                     mrd1_gnt_i,
  output logic [63:0]              mrd1_addr_o,
  output logic [31:0]              mrd1_bytes_o,
  input  logic                     mrd1_vld_i,
  output logic                     mrd1_rdy_o,
  input  logic [BUS_BYTES*8-1:0]   mrd1_data_i,
  // result stream (sub 1)
  output logic                     mwr_req_o,
  input  logic                     mwr_gnt_i,
  output logic [63:0]              mwr_addr_o,
  output logic [31:0]              mwr_bytes_o,
  output logic                     mwr_vld_o,
  input  logic                     mwr_rdy_i,
  output logic [BUS_BYTES*8-1:0]   mwr_data_o,
  input  logic                     mwr_done_i
);

  // ---------------------------------------------------------------- constants

  localparam int unsigned LV    = $clog2(VL);                // log2 lanes
  localparam int unsigned NROW  = VREG_WORDS / VL;           // register rows
  localparam int unsigned XIW   = $clog2(NROW);              // register row index bits
  localparam int unsigned LVW   = (LV > 0) ? LV : 1;         // lane index bits (>= 1)

  if (MV_LANES != BUS_BYTES) begin : g_cfg_lanes
    $error("matvec_unit: one lane per weight byte of a beat, MV_LANES must equal BUS_BYTES");
  end
  if (BUS_BYTES % SEG_BYTES != 0 || BUS_BYTES / SEG_BYTES < 2 || SEG_BYTES < 8) begin : g_cfg_seg
    $error("matvec_unit: SEG_BYTES must divide BUS_BYTES (>= 2 segments) and be >= 8");
  end
  if (VL < 1 || VL > 64 || (1 << LV) != VL || NROW < 2 || NROW * VL != VREG_WORDS ||
      RW != 5 + XIW || IW != $clog2(VREG_WORDS)) begin : g_cfg_vl
    $error("matvec_unit: VL must be a power of two <= 64 with VREG_WORDS / VL >= 2 rows");
  end

  localparam int unsigned BB    = BUS_BYTES;
  localparam int unsigned NSEG  = BB / SEG_BYTES;            // units per cycle
  localparam int unsigned LGS   = $clog2(SEG_BYTES);
  localparam int unsigned LUW   = $clog2(LGS + 1);           // log2(unit) bits
  localparam int unsigned XR    = 2 * SEG_BYTES;             // x buffer row, elements
  localparam int unsigned XRW   = $clog2(XR);
  localparam int unsigned XAW   = $clog2(VREG_WORDS / XR);
  localparam int unsigned RIW   = $clog2(MAX_ROWS);          // row index bits
  localparam int unsigned RCW   = ((RIW > IW) ? RIW : IW) + 1; // row count bits (rows <= VREG_WORDS too)
  localparam int unsigned USW   = 24 + LGS;                  // unit sum bits
  localparam int unsigned PW    = 24 + IW;                   // group sum: |p| < 2^22 cols
  localparam int unsigned AW    = PW + 16;                   // row sum: |acc| < 2^38 cols
  localparam int unsigned EPB   = BB / 2;                    // scale entries per beat
  localparam int unsigned RCNW  = $clog2(2 * EPB + 1);
  localparam int unsigned NOUT  = 2 * NSEG;                  // entries a cycle may need
  localparam int unsigned PCW   = $clog2(NOUT + 1);
  localparam int unsigned NW    = $clog2(NSEG + 1);
  localparam int unsigned WPB   = BB / 4;                    // result words per beat
  localparam int unsigned SBW   = 4 * NSEG + 32 * NSEG;      // tree sideband
  // output pass: NO lanes (VL rows for sub 0, WPB for sub 1), from row-buffer
  // lines of NRB rows; a group's first row is a multiple of GM
  localparam int unsigned NO    = (VL > WPB) ? VL : WPB;
  localparam int unsigned GM    = (VL < WPB) ? VL : WPB;
  localparam int unsigned NRB   = (NO > NSEG) ? NO : NSEG;   // row buffer banks
  localparam int unsigned LNB   = $clog2(NRB);
  localparam int unsigned NSEL  = NRB / GM;                  // groups of GM rows in a line
  localparam int unsigned LSEL  = (NSEL > 1) ? $clog2(NSEL) : 1;
  localparam int unsigned RBW   = AW + 16;                   // row buffer entry

  localparam logic signed [31:0] MantMax = 32'sd1073741824;  // 2^30 (card.c MANT_MAX)
  localparam logic signed [31:0] ExpMax  = 32'sd16777216;    // 2^24 (RW_CARD_EXP_MAX)

  // act_quant of one word: RNE(m / 2^s) clamped to +-32767 (rw_act_quant; s
  // <= 17), on a 32-bit magnitude: quotient, round bit, sticky bits below it.
  function automatic logic [15:0] act_q16(input logic [31:0] m, input logic [4:0] s);
    logic [31:0] u, q;
    logic        up;
    u  = m[31] ? 32'(-m) : m;        // |m| (2^31 for -2^31)
    q  = u >> s;
    // round bit (bit s - 1) and sticky bits (below it)
    up = (s != 5'd0) && 1'(u >> (s - 5'd1)) &&
         (q[0] || ((u & ~(32'hffffffff << (s - 5'd1))) != 32'd0));
    q  = q + 32'(up);
    if (q > 32'd32767) q = 32'd32767;
    act_q16 = m[31] ? 16'(-q) : 16'(q);
  endfunction

  // normalize_each's shift of one row: shift64(acc, k) (rw_shift) where the
  // result is known to fit 31 bits (|acc 2^k| <= 2^30 rounded: k <= 30 -
  // bitlen(acc), so acc = 0 when k > 29), on the AW-bit magnitude.
  function automatic logic [31:0] norm32(input logic [AW-1:0] acc, input logic signed [31:0] k);
    logic [AW-1:0] u;
    logic [31:0]   q;
    logic [5:0]    s;
    logic          up;
    u = acc[AW-1] ? AW'(-$signed(acc)) : acc;
    if (k >= 0) begin
      q = (k > 32'sd31) ? 32'd0 : (u[31:0] << k[4:0]);
    end else begin
      s  = (k < -32'sd63) ? 6'd63 : 6'(-k);   // |acc| < 2^(AW-1): 0 from s = AW + 1 on
      q  = 32'(u >> s);
      up = 1'(u >> (s - 6'd1)) && (q[0] || ((u & ~({AW{1'b1}} << (s - 6'd1))) != '0));
      q  = q + 32'(up);
    end
    norm32 = acc[AW-1] ? 32'(-q) : q;
  endfunction

  typedef enum logic [3:0] {
    StIdle, StChk, StX1, StX2, StXW1, StXW2, StComp, StOReq, StOut, StDrain, StDone
  } state_e;

  state_e state_q, state_d;

  // ---------------------------------------------------------------- configuration
  // Derived from the operands on start_i (they are stable until done_o).

  logic            k_bits4, k_short, k_gsmall, k_gpow2, k_err;
  logic [IW:0]     k_rb;
  logic [6:0]      k_blr, k_lgg, k_lggb;
  logic [31:0]     k_qs;
  logic [LUW-1:0]  k_lgq, k_lgu;
  logic [IW:0]     k_ng;
  logic [15:0]     k_upr, k_gmask, k_spr;
  logic [4:0]      k_gsh;
  logic [XRW-1:0]  k_xm;
  logic [16:0]     k_immend;
  logic [31:0]     k_off, k_nch;
  logic [31:0]     k_xend, k_zx;    // x written up to k_xend: k_zx more chunks, of zeros
  logic [XIW:0]    k_nrd;

  always_comb begin
    k_bits4  = (bits_i == 8'd4);
    k_rb     = k_bits4 ? (cols_i >> 1) : cols_i;
    k_short  = (k_rb < (IW+1)'(SEG_BYTES));
    k_blr    = rw_num_pkg::bitlen64(64'(k_rb) - 64'd1);
    if (k_short) begin
      k_qs  = 32'd1 << k_blr;
      k_lgq = LUW'(k_blr);
    end else begin
      k_qs  = (32'(k_rb) + 32'(SEG_BYTES - 1)) & ~32'(SEG_BYTES - 1);
      k_lgq = LUW'(LGS);
    end
    k_gsmall = (group_i < 32'(cols_i));
    k_gpow2  = (group_i != 32'd0) && ((group_i & (group_i - 32'd1)) == 32'd0);
    k_lgg    = rw_num_pkg::bitlen64(64'(group_i)) - 7'd1;
    k_lggb   = k_bits4 ? k_lgg - 7'd1 : k_lgg;
    // unit = min(group bytes, row bytes when short, segment)
    k_lgu    = (k_gsmall && k_lggb < 7'(k_lgq)) ? LUW'(k_lggb) : k_lgq;
    k_ng     = k_gsmall ? (IW+1)'((32'(cols_i) + group_i - 32'd1) >> k_lgg) : (IW+1)'(1);
    k_upr    = 16'(k_qs >> k_lgu);
    k_gsh    = k_gsmall ? 5'(k_lggb - 7'(k_lgu)) : 5'd16;
    k_gmask  = k_gsmall ? 16'((17'd1 << k_gsh) - 17'd1) : 16'hffff;
    k_spr    = 16'(k_qs >> LGS);
    k_xm     = !k_short ? XRW'(XR - 1) :
               k_bits4  ? XRW'((k_qs << 1) - 32'd1) : XRW'(k_qs - 32'd1);
    k_immend = 17'(imm_i) + 17'(cols_i);
    // the x slice in register rows: lane offset, rows read, VL-element chunks
    k_off    = 32'(imm_i) & 32'(VL - 1);
    k_nrd    = (XIW+1)'((k_off + 32'(cols_i) + 32'(VL - 1)) >> LV);
    k_nch    = (32'(cols_i) + 32'(VL - 1)) >> LV;
    // x past cols meets the rows' padding (ignored by definition, docs/isa.md):
    // it must be zero up to the end of the last x buffer row the weights read,
    // or of the period P of short rows (P < VL: the one chunk repeats x)
    k_xend   = k_short ? 32'(k_xm) + 32'd1 : (32'(cols_i) + 32'(XR - 1)) & ~32'(XR - 1);
    k_zx     = ((k_nch << LV) < k_xend && !(k_short && k_xend < VL)) ?
               (k_xend - (k_nch << LV) + 32'(VL - 1)) >> LV : 32'd0;
    k_err    = (bits_i != 8'd8 && !k_bits4) ||
               cols_i == '0 || 32'(cols_i) > VREG_WORDS || (k_bits4 && cols_i[0]) ||
               k_immend > 17'(src0_n_i) ||
               group_i == 32'd0 ||
               (k_bits4 && (group_i < 32'd2 || !k_gpow2)) ||
               // INT8 groups other than cols: powers of two only (docs/isa.md: cols)
               (!k_bits4 && k_gsmall && !k_gpow2) ||
               rows_i == 32'd0 || rows_i > MAX_ROWS || (!sub_i && rows_i > VREG_WORDS) ||
               q_stride_i != k_qs ||
               src0_e_i > ExpMax || src0_e_i < -ExpMax;
  end

  logic            cfg_bits4, cfg_short, cfg_sub, cfg_err;
  logic [RCW-1:0]  cfg_rows;
  logic [IW:0]     cfg_ng;
  logic [31:0]     cfg_qs;
  logic [LUW-1:0]  cfg_lgu;
  logic [15:0]     cfg_upr, cfg_gmask, cfg_spr;
  logic [4:0]      cfg_gsh;
  logic [XRW-1:0]  cfg_xm;
  logic [LGS-1:0]  cfg_nchm1;    // chunks per beat - 1
  logic [LVW-1:0]  cfg_off;      // lane of slice element 0
  logic [LVW-1:0]  cfg_endl;     // lane of the slice's last element
  logic [XIW-1:0]  cfg_r0;       // register row of slice element 0
  logic [XIW:0]    cfg_nrd;      // register rows the slice touches
  logic [XIW:0]    cfg_k2;       // cycles of x pass 2: chunks, + 1 when realigned

  always_ff @(posedge clk_i) begin
    if (state_q == StIdle && start_i) begin
      cfg_bits4 <= k_bits4;
      cfg_short <= k_short;
      cfg_sub   <= sub_i;
      cfg_err   <= k_err;
      cfg_rows  <= RCW'(rows_i);
      cfg_ng    <= k_ng;
      cfg_qs    <= k_qs;
      cfg_lgu   <= k_lgu;
      cfg_upr   <= k_upr;
      cfg_gmask <= k_gmask;
      cfg_spr   <= k_spr;
      cfg_gsh   <= k_gsh;
      cfg_xm    <= k_xm;
      cfg_nchm1 <= LGS'((SEG_BYTES >> k_lgu) - 1);
      cfg_off   <= LVW'(k_off);
      cfg_endl  <= LVW'((32'(imm_i) + 32'(cols_i) - 32'd1) & 32'(VL - 1));
      cfg_r0    <= XIW'(32'(imm_i) >> LV);
      cfg_nrd   <= k_nrd;
      cfg_k2    <= (XIW+1)'(k_nch + ((k_off != 32'd0) ? 32'd1 : 32'd0) + k_zx);
    end
  end

  // Stream sizes (the operands are checked first: rows <= MAX_ROWS).
  logic [31:0] q_bytes, s_bytes;
  assign q_bytes = 32'(cfg_rows) * cfg_qs;
  assign s_bytes = 32'(cfg_rows) * (32'(cfg_ng) * 32'd2 + 32'd2);

  // ---------------------------------------------------------------- streams in

  logic        req0_q, req1_q, wreq_q;
  logic [31:0] b0_left_q, b1_left_q;     // beats still to come
  logic        s0_fire, s1_fire;          // q beat, scale beat taken
  logic        ring_space, ring_active;

  assign mrd0_req_o   = req0_q;
  assign mrd0_addr_o  = q_addr_i;
  assign mrd0_bytes_o = q_bytes;
  assign mrd1_req_o   = req1_q;
  assign mrd1_addr_o  = s_addr_i;
  assign mrd1_bytes_o = s_bytes;

  // The scale ring fills from the request on (it does not depend on x).
  assign ring_active = (state_q == StX1 || state_q == StX2 || state_q == StXW1 ||
                        state_q == StXW2 || state_q == StComp);
  assign mrd1_rdy_o  = (b1_left_q != 32'd0) &&
                       ((ring_active && ring_space) || state_q == StDrain);
  assign s1_fire     = mrd1_vld_i && mrd1_rdy_o;

  // ---------------------------------------------------------------- x passes
  // Both read the slice's register rows cfg_r0 .. cfg_r0 + cfg_nrd - 1, one per
  // cycle. Pass 2 takes ceil(cols / VL) cycles, one more when the slice is not
  // row-aligned (row k completes chunk k - 1; when the last chunk ends in the
  // last row, its cycle reads nothing: its upper lanes lie past the slice).

  logic [XIW:0]    k_q;             // x pass row / cycle counter
  logic            p1_vld_q;        // rd0_data_i holds a pass 1 row
  logic            p1_first_q, p1_last_q;
  logic [31:0]     or_q, or_d;
  logic            bad_q, bad_d;
  logic [4:0]      sh_q, sh_d;      // act_quant shift s
  logic signed [31:0] ex_q, ex_d;   // act_quant exponent e_x
  logic [6:0]      bl_or;

  assign rd0_en_o   = (state_q == StX1) || (state_q == StX2 && k_q < cfg_nrd);
  assign rd0_addr_o = {src0_i, cfg_r0 + k_q[XIW-1:0]};

  // pass 1: the lanes of the slice: l >= off in its first row, l <= endl in its last
  always_comb begin
    logic [31:0] orl;
    logic        badl;
    orl  = '0;
    badl = 1'b0;
    for (int l = 0; l < VL; l++) begin
      logic signed [31:0] m;
      logic               in;
      m  = $signed(rd0_data_i[l*32 +: 32]);
      in = (!p1_first_q || LVW'(l) >= cfg_off) && (!p1_last_q || LVW'(l) <= cfg_endl);
      if (in) begin
        orl  = orl | (m[31] ? 32'(-m) : 32'(m));
        badl = badl | (m > MantMax) | (m < -MantMax);
      end
    end
    or_d  = or_q;
    bad_d = bad_q;
    if (p1_vld_q) begin
      or_d  = or_q | orl;
      bad_d = bad_q | badl;
    end
    bl_or = rw_num_pkg::bitlen64(64'(or_d));
    sh_d  = (bl_or > 7'd15) ? 5'(bl_or - 7'd15) : 5'd0;
    ex_d  = (or_d != 32'd0) ? src0_e_i + 32'(sh_d) : 32'sd0;
  end

  // pass 2: act_quant of a row, q = RNE(m / 2^s) clamped to +-32767, then
  // realigned: chunk c lane l = slice element c VL + l = lane off + l of
  // row c (the previous row) or lane off + l - VL of row c + 1 (this one).
  logic            p2_vld_q;
  logic [XIW:0]    p2_k_q;
  logic [VL*16-1:0] qrow, prev_q, chunk;
  logic            ch_vld_q, emit;
  logic [XIW-1:0]  ch_idx_q;
  logic [VL*16-1:0] ch_q;

  always_comb begin
    logic [VL*16-1:0] al;
    logic [31:0] cbase;
    for (int l = 0; l < VL; l++) begin
      qrow[l*16 +: 16] = act_q16(rd0_data_i[l*32 +: 32], sh_q);
    end
    for (int l = 0; l < VL; l++) begin
      int unsigned src;
      src = 32'(cfg_off) + 32'(l);
      if (src < VL && cfg_off != '0) al[l*16 +: 16] = prev_q[src*16 +: 16];
      else                           al[l*16 +: 16] = qrow[(src % VL)*16 +: 16];
    end
    // short rows with x repeating every P < VL elements: lane l = x[l mod P];
    // elements at or past cols are zero (they meet only the rows' padding)
    cbase = (32'(p2_k_q) - ((cfg_off == '0) ? 32'd0 : 32'd1)) << LV;
    for (int l = 0; l < VL; l++) begin
      int unsigned li, el;
      li = (cfg_short && 32'(cfg_xm) + 32'd1 < VL) ? (32'(l) & 32'(cfg_xm)) : 32'(l);
      el = (cfg_short && 32'(cfg_xm) + 32'd1 < VL) ? li : cbase + 32'(l);
      chunk[l*16 +: 16] = (el < 32'(cols_i)) ? al[li*16 +: 16] : 16'd0;
    end
    // row k completes chunk k - 1 (aligned: chunk k)
    emit = p2_vld_q && (cfg_off == '0 || p2_k_q != '0);
  end

  // ---------------------------------------------------------------- weights: S0, S1
  // S0 takes a beat and reads each segment's x row; S1 holds beat and rows.

  logic                s1_vld_q, s2_vld_q, s1_ready, s2_ready, s2_free;
  logic [15:0]         sir_q, sir_d;           // segment-in-row of the next beat's segment 0
  logic [NSEG*XAW-1:0] xaddr;
  logic [NSEG-1:0]     xhalf, s1_half_q;
  logic [BB*8-1:0]     s1_beat_q;
  logic [NSEG*XR*16-1:0] xrow;

  assign mrd0_rdy_o = (b0_left_q != 32'd0) &&
                      ((state_q == StComp && s1_ready) || state_q == StDrain);
  assign s0_fire    = mrd0_vld_i && mrd0_rdy_o;

  always_comb begin
    logic [15:0] sr;
    sr    = sir_q;
    xaddr = '0;
    xhalf = '0;
    for (int s = 0; s < NSEG; s++) begin
      if (!cfg_short) begin
        // INT8: a segment's SEG_BYTES elements are half an x row
        xaddr[s*XAW +: XAW] = cfg_bits4 ? XAW'(sr) : XAW'(sr >> 1);
        xhalf[s]            = !cfg_bits4 && sr[0];
      end
      sr = (sr + 16'd1 == cfg_spr) ? 16'd0 : sr + 16'd1;
    end
    sir_d = sr;
  end

  matvec_xbuf #(.BUS_BYTES(BB), .SEG_BYTES(SEG_BYTES), .VREG_WORDS(VREG_WORDS), .W(VL)) u_xbuf (
    .clk_i,
    .we_i   (ch_vld_q),
    .wj_i   (IW'(ch_idx_q) << LV),
    .wmask_i(cfg_xm),
    .wdata_i(ch_q),
    .re_i   (s0_fire && state_q == StComp),
    .raddr_i(xaddr),
    .rdata_o(xrow)
  );

  assign s1_ready = !s1_vld_q || s2_ready;
  assign s2_ready = !s2_vld_q || s2_free;

  // ---------------------------------------------------------------- S2: lanes, chunks

  logic [BB*24-1:0] lanes;
  matvec_mul #(.BUS_BYTES(BB), .SEG_BYTES(SEG_BYTES)) u_mul (
    .clk_i,
    .ld_i   (s1_vld_q && s2_ready),
    .bits4_i(cfg_bits4),
    .half_i (s1_half_q),
    .q_i    (s1_beat_q),
    .x_i    (xrow),
    .lanes_o(lanes)
  );

  // The chunk's units: row/group position, which end a group or a row, which
  // scale entries they take (in stream order: an sm per group < ng ending, the
  // se of each row ending).
  logic [LGS-1:0]      c_q;          // chunk of the beat in S2
  logic [15:0]         uir_q, uir_d; // unit-in-row of the chunk's unit 0
  logic [RCW-1:0]      rl_q, rl_d;   // rows not yet ended
  logic [NSEG-1:0]     u_vld, u_gend, u_gemit, u_rend;
  logic [PCW-1:0]      need;
  logic [NW-1:0]       nre;
  logic [NSEG*PCW-1:0] u_pos;
  logic                last_chunk, chunk_fire;
  logic [RCNW-1:0]     ring_cnt;
  logic [NOUT*16-1:0]  win;
  logic [NSEG*16-1:0]  u_sm, u_se;

  always_comb begin
    logic [15:0]   uir;
    logic [NW-1:0] roff;
    logic [15:0]   g;
    uir  = uir_q;
    roff = '0;
    need = '0;
    nre  = '0;
    for (int u = 0; u < NSEG; u++) begin
      u_vld[u]   = RCW'(roff) < rl_q;
      u_rend[u]  = u_vld[u] && (uir == cfg_upr - 16'd1);
      u_gend[u]  = u_vld[u] && (u_rend[u] || ((uir + 16'd1) & cfg_gmask) == 16'd0);
      g          = uir >> cfg_gsh;
      u_gemit[u] = u_gend[u] && (g < 16'(cfg_ng));
      u_pos[u*PCW +: PCW] = need;
      need = need + PCW'(u_gemit[u]) + PCW'(u_rend[u]);
      nre  = nre + NW'(u_rend[u]);
      roff = roff + NW'(u_rend[u]);
      uir  = u_rend[u] ? 16'd0 : uir + 16'd1;
    end
    uir_d      = uir;
    rl_d       = rl_q - RCW'(nre);
    last_chunk = (c_q == cfg_nchm1) || (rl_d == '0);
    chunk_fire = s2_vld_q && (RCNW'(need) <= ring_cnt);
    for (int u = 0; u < NSEG; u++) begin
      logic [PCW-1:0] p, q;
      p = u_pos[u*PCW +: PCW];
      q = p + PCW'(u_gemit[u]);
      u_sm[u*16 +: 16] = win[32'(p)*16 +: 16];
      u_se[u*16 +: 16] = win[32'(q)*16 +: 16];
    end
  end
  assign s2_free = chunk_fire && last_chunk;

  matvec_ring #(.BUS_BYTES(BB), .NOUT(NOUT)) u_ring (
    .clk_i,
    .rst_ni,
    .clr_i  (state_q == StChk),
    .push_i (s1_fire && ring_active),
    .data_i (mrd1_data_i),
    .pop_i  (chunk_fire ? need : PCW'(0)),
    .space_o(ring_space),
    .cnt_o  (ring_cnt),
    .win_o  (win)
  );

  // ---------------------------------------------------------------- S3: tree; rows

  logic              t_vld;
  logic [NSEG*USW-1:0] t_us;
  logic [SBW-1:0]    t_sb;
  matvec_tree #(.BUS_BYTES(BB), .SEG_BYTES(SEG_BYTES), .SBW(SBW)) u_tree (
    .clk_i,
    .rst_ni,
    .vld_i  (chunk_fire),
    .chunk_i(c_q),
    .lgu_i  (cfg_lgu),
    .lanes_i(lanes),
    .sb_i   ({u_se, u_sm, u_rend, u_gemit, u_gend, u_vld}),
    .vld_o  (t_vld),
    .us_o   (t_us),
    .sb_o   (t_sb)
  );

  logic [NW-1:0]      wn;
  logic [NSEG*AW-1:0] wacc;
  logic [NSEG*16-1:0] wse;
  logic signed [31:0] tmax;
  logic               tany;
  matvec_rowacc #(.NSEG(NSEG), .USW(USW), .PW(PW), .AW(AW)) u_rowacc (
    .clk_i,
    .rst_ni,
    .clr_i  (state_q == StChk),
    .vld_i  (t_vld),
    .us_i   (t_us),
    .uvld_i (t_sb[0 +: NSEG]),
    .gend_i (t_sb[NSEG +: NSEG]),
    .gemit_i(t_sb[2*NSEG +: NSEG]),
    .rend_i (t_sb[3*NSEG +: NSEG]),
    .sm_i   (t_sb[4*NSEG +: 16*NSEG]),
    .se_i   (t_sb[20*NSEG +: 16*NSEG]),
    .wn_o   (wn),
    .wacc_o (wacc),
    .wse_o  (wse),
    .tmax_o (tmax),
    .tany_o (tany)
  );

  logic [RCW-1:0] rcnt_q;        // rows in the row buffer

  // ---------------------------------------------------------------- output pass
  // Groups of VL (sub 0) or WPB (sub 1) rows, one per cycle: issue (row buffer
  // read) -> O1 (line registered; normalize) -> O2 (words registered) -> DST row
  // or the beat buffer. Sub 1 issues one group more than the rows need when
  // (rows + 1) is not covered: the stream has one word (e) before the rows.

  logic [RCW-1:0]   o_r_q;        // first row of the next group
  logic [RCW-1:0]   o1_r_q, o2_r_q;
  logic             o1_vld_q, o2_vld_q, oadv, o_issue, o_more;
  logic [NRB*RBW-1:0] rb_rd;
  logic [NO*32-1:0] o1_w, o2_w_q;
  logic [NO-1:0]    o1_m, o2_m_q;
  logic [LSEL-1:0]  o1_sel;
  logic signed [31:0] ey_q, ey_d;
  logic             take, ob_take;
  logic [BB*8-1:0]  ob_q, beat;
  logic [31:0]      carry_q;      // the word of the next beat's position 0
  logic             ob_vld_q, wdone_q;
  logic [RCW-1:0]   wsent_q, wtotal;

  assign o_more  = cfg_sub ? (o_r_q <= cfg_rows) : (o_r_q < cfg_rows);
  assign o_issue = (state_q == StOut) && o_more && oadv;

  matvec_rowbuf #(.NB(NRB), .NWR(NSEG), .MAX_ROWS(MAX_ROWS), .AW(AW)) u_rowbuf (
    .clk_i,
    .wn_i   (wn),
    .wbase_i(rcnt_q[RIW-1:0]),
    .wacc_i (wacc),
    .wse_i  (wse),
    .re_i   (o_issue),
    .raddr_i(o_r_q[RIW-1:LNB]),
    .rdata_o(rb_rd)
  );

  // normalize_each, second pass: k = e_r - (T - 30) = se + 30 - Tm. Lane l of
  // a group is row o1_r_q + l: bank (o1_r_q + l) mod NRB, where o1_r_q mod NRB
  // is a multiple of GM (of both group sizes).
  assign o1_sel = LSEL'(32'(o1_r_q[LNB-1:0]) / GM);
  always_comb begin
    for (int l = 0; l < NO; l++) begin
      int unsigned        b;
      logic [RBW-1:0]     e;
      logic signed [31:0] k;
      b = ((32'(o1_sel) + 32'(l) / GM) % NSEL) * GM + 32'(l) % GM;
      e = rb_rd[b*RBW +: RBW];
      k = $signed({{16{e[AW+15]}}, e[AW+15:AW]}) + 32'sd30 - tmax;
      o1_w[l*32 +: 32] = norm32(e[AW-1:0], k);
      o1_m[l] = (32'(l) < (cfg_sub ? WPB : VL)) && (32'(o1_r_q) + 32'(l) < 32'(cfg_rows));
    end
  end

  // sub 1: beat = {rows of the group but its last, the carried word}
  always_comb begin
    for (int w = 0; w < WPB; w++) begin
      if (w == 0)          beat[w*32 +: 32] = carry_q;
      else if (o2_m_q[w-1]) beat[w*32 +: 32] = o2_w_q[(w-1)*32 +: 32];
      else                  beat[w*32 +: 32] = 32'd0;
    end
  end

  assign ob_take   = ob_vld_q && mwr_rdy_i;
  assign oadv      = !(cfg_sub && o2_vld_q && ob_vld_q && !mwr_rdy_i);
  assign take      = (state_q == StOut) && cfg_sub && o2_vld_q && oadv;
  assign wtotal    = RCW'((32'(cfg_rows) + 32'd1 + 32'(WPB - 1)) / WPB);

  assign ey_d = tany ? tmax + ex_q - 32'sd30 : 32'sd0;

  assign wr_en_o   = (state_q == StOut) && !cfg_sub && o2_vld_q;
  assign wr_addr_o = {dst_i, o2_r_q[IW-1:LV]};
  assign wr_data_o = o2_w_q[VL*32-1:0];
  assign wr_mask_o = o2_m_q[VL-1:0];

  assign mwr_req_o   = wreq_q;
  assign mwr_addr_o  = out_addr_i;
  assign mwr_bytes_o = 32'd4 + 32'd4 * 32'(cfg_rows);
  assign mwr_vld_o   = ob_vld_q;
  assign mwr_data_o  = ob_q;

  // ---------------------------------------------------------------- FSM

  always_comb begin
    state_d = state_q;
    unique case (state_q)
      StIdle:  if (start_i) state_d = StChk;
      StChk:   state_d = cfg_err ? StDone : StX1;
      StX1:    if (k_q == cfg_nrd - (XIW+1)'(1)) state_d = StX2;
      StX2: begin
        // its first cycle sees pass 1's last row: the slice is checked
        if (p1_vld_q && bad_d) state_d = StDrain;
        else if (k_q == cfg_k2 - (XIW+1)'(1)) state_d = StXW1;
      end
      StXW1:   state_d = StXW2;   // last row -> chunk register
      StXW2:   state_d = StComp;  // chunk register -> x buffer
      StComp:  if (rcnt_q == cfg_rows) state_d = cfg_sub ? StOReq : StOut;
      StOReq:  if (mwr_gnt_i) state_d = StOut;
      StOut: begin
        if (!cfg_sub && o2_vld_q && 32'(o2_r_q) + VL >= 32'(cfg_rows)) state_d = StDone;
        if (cfg_sub && wsent_q == wtotal && (wdone_q || mwr_done_i)) state_d = StDone;
      end
      StDrain: if (b0_left_q == 32'd0 && b1_left_q == 32'd0 && !req0_q && !req1_q) state_d = StDone;
      StDone:  state_d = StIdle;
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q   <= StIdle;
      req0_q    <= 1'b0;
      req1_q    <= 1'b0;
      wreq_q    <= 1'b0;
      b0_left_q <= '0;
      b1_left_q <= '0;
      p1_vld_q  <= 1'b0;
      p2_vld_q  <= 1'b0;
      ch_vld_q  <= 1'b0;
      s1_vld_q  <= 1'b0;
      s2_vld_q  <= 1'b0;
      o1_vld_q  <= 1'b0;
      o2_vld_q  <= 1'b0;
      ob_vld_q  <= 1'b0;
      bad_q     <= 1'b0;
    end else begin
      state_q <= state_d;

      // stream requests and beat counts
      if (state_q == StChk && !cfg_err) begin
        req0_q    <= 1'b1;
        req1_q    <= 1'b1;
        b0_left_q <= (q_bytes + 32'(BB - 1)) / BB;
        b1_left_q <= (s_bytes + 32'(BB - 1)) / BB;
      end else begin
        if (mrd0_gnt_i) req0_q <= 1'b0;
        if (mrd1_gnt_i) req1_q <= 1'b0;
        if (s0_fire) b0_left_q <= b0_left_q - 32'd1;
        if (s1_fire) b1_left_q <= b1_left_q - 32'd1;
      end
      if (state_q == StComp && rcnt_q == cfg_rows && cfg_sub) wreq_q <= 1'b1;
      else if (mwr_gnt_i) wreq_q <= 1'b0;

      // x passes
      p1_vld_q <= (state_q == StX1);
      p2_vld_q <= (state_q == StX2);
      ch_vld_q <= emit;
      bad_q    <= (state_q == StChk) ? 1'b0 : bad_d;

      // weights pipeline
      if (s1_ready) s1_vld_q <= s0_fire && state_q == StComp;
      if (s2_ready) s2_vld_q <= s1_vld_q;

      // output pipeline
      if (oadv) begin
        o1_vld_q <= o_issue;
        o2_vld_q <= o1_vld_q;
      end
      if (state_q == StOReq) ob_vld_q <= 1'b0;
      else if (take) ob_vld_q <= 1'b1;
      else if (ob_take) ob_vld_q <= 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    // x passes
    if (state_q == StChk || (state_q == StX1 && state_d != StX1)) k_q <= '0;
    else if (state_q == StX1 || state_q == StX2) k_q <= k_q + (XIW+1)'(1);
    if (state_q == StChk) or_q <= '0;
    else                  or_q <= or_d;
    p1_first_q <= (k_q == '0);
    p1_last_q  <= (k_q == cfg_nrd - (XIW+1)'(1));
    if (state_q == StX2 && p1_vld_q) begin
      sh_q <= sh_d;
      ex_q <= ex_d;
    end
    p2_k_q <= k_q;
    if (p2_vld_q) prev_q <= qrow;
    ch_q     <= chunk;
    ch_idx_q <= XIW'(p2_k_q - ((cfg_off == '0) ? (XIW+1)'(0) : (XIW+1)'(1)));

    // weights
    if (state_q == StChk) sir_q <= '0;
    else if (s0_fire && state_q == StComp) sir_q <= sir_d;
    if (s1_ready) begin
      s1_beat_q <= mrd0_data_i;
      s1_half_q <= xhalf;
    end
    if (state_q == StChk) begin
      c_q    <= '0;
      uir_q  <= '0;
      rl_q   <= cfg_rows;
      rcnt_q <= '0;
    end else begin
      if (chunk_fire) begin
        c_q   <= last_chunk ? '0 : c_q + LGS'(1);
        uir_q <= uir_d;
        rl_q  <= rl_d;
      end
      rcnt_q <= rcnt_q + RCW'(wn);
    end

    // output
    if (state_q == StComp) begin
      o_r_q <= '0;
      ey_q  <= ey_d;
    end else if (o_issue) begin
      o_r_q <= o_r_q + (cfg_sub ? RCW'(WPB) : RCW'(VL));
    end
    if (oadv) begin
      o1_r_q <= o_r_q;
      o2_r_q <= o1_r_q;
      o2_w_q <= o1_w;
      o2_m_q <= o1_m;
    end
    if (state_q == StOReq) begin
      carry_q <= ey_q;
      wsent_q <= '0;
      wdone_q <= 1'b0;
    end else begin
      if (take) begin
        ob_q    <= beat;
        carry_q <= o2_w_q[(WPB-1)*32 +: 32];   // used only if the next group has rows
      end
      if (ob_take) wsent_q <= wsent_q + RCW'(1);
      if (mwr_done_i) wdone_q <= 1'b1;
    end
  end

  // ---------------------------------------------------------------- outputs

  assign busy_o  = (state_q != StIdle);
  assign done_o  = (state_q == StDone);
  assign err_o   = (state_q == StDone) && (cfg_err || bad_q);
  assign dst_e_o = ey_q;
  assign dst_n_o = cfg_rows[IW:0];

endmodule
