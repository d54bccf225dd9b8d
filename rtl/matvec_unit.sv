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
//
// How:
//  1. x pass (1 word/cycle from the register file): dom() check, OR of the
//     magnitudes (bitlen of the OR = bitlen of the max) and a copy in a raw
//     buffer; then act_quant, 8 words/cycle, into matvec_xbuf (one copy per
//     segment; short rows get their x repeated, see there).
//  2. weights: one beat per cycle: each segment reads its x row (its offset in
//     its row), matvec_mul forms the lane products, matvec_tree sums NSEG units
//     (segments, or U-byte pieces of them when rows or groups are shorter than a
//     segment: then SEG_BYTES / U cycles per beat), matvec_rowacc sums groups,
//     multiplies by sm, sums rows (int64-exact) and tracks T of
//     normalize_each; rows go to matvec_rowbuf with their se.
//  3. output pass, 1 row/cycle: m = shift(acc, se + 30 - Tm) with Tm = max
//     (bitlen + se) (e_x cancels), exponent Tm + e_x - 30, all-zero: e = 0.
// The scale entries a cycle needs (an sm per group ending, an se per row ending,
// up to 2 NSEG) come from matvec_ring; the stage waits when they are not there.
//
// Throughput: one weight beat per cycle in steady state when the units are whole
// segments (INT8 rows of >= SEG_BYTES bytes, INT4 rows >= SEG_BYTES bytes and
// groups >= 2 SEG_BYTES weights), else SEG_BYTES / U cycles per beat. Fixed
// costs per operation: cols + cols/8 cycles (x), about 8 (pipeline) and rows
// (output).
//
// Ports and protocol: docs/rtl.md "Unit interface" and "streams". Operands are
// held stable by the sequencer from start_i to done_o.

`include "rwkvacc_hw.svh"

module matvec_unit #(
  parameter int unsigned BUS_BYTES  = rwkvacc_hw_pkg::CFG_BUS_BYTES,
  parameter int unsigned MV_LANES   = rwkvacc_hw_pkg::CFG_MV_LANES,
  parameter int unsigned SEG_BYTES  = rwkvacc_hw_pkg::CFG_MV_SEG_BYTES,
  parameter int unsigned VREG_WORDS = rwkvacc_hw_pkg::CFG_VREG_WORDS,
  parameter int unsigned MAX_ROWS   = 65536,                 // sub 1 rows, power of 2
  parameter int unsigned IW         = $clog2(VREG_WORDS)     // element index bits
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
  output logic [IW+4:0]            rd0_addr_o,
  input  logic [31:0]              rd0_data_i,
  output logic                     wr_en_o,
  output logic [IW+4:0]            wr_addr_o,
  output logic [31:0]              wr_data_o,

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

  if (MV_LANES != BUS_BYTES) begin : g_cfg_lanes
    $error("matvec_unit: one lane per weight byte of a beat, MV_LANES must equal BUS_BYTES");
  end
  if (BUS_BYTES % SEG_BYTES != 0 || BUS_BYTES / SEG_BYTES < 2 || SEG_BYTES < 8) begin : g_cfg_seg
    $error("matvec_unit: SEG_BYTES must divide BUS_BYTES (>= 2 segments) and be >= 8");
  end

  localparam int unsigned BB    = BUS_BYTES;
  localparam int unsigned NSEG  = BB / SEG_BYTES;            // units per cycle
  localparam int unsigned LGS   = $clog2(SEG_BYTES);
  localparam int unsigned LUW   = $clog2(LGS + 1);           // log2(unit) bits
  localparam int unsigned XR    = 2 * SEG_BYTES;             // x buffer row, elements
  localparam int unsigned XRW   = $clog2(XR);
  localparam int unsigned XAW   = $clog2(VREG_WORDS / XR);
  localparam int unsigned QL    = 8;                         // act_quant lanes
  localparam int unsigned RAWAW = $clog2(VREG_WORDS / QL);
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
  localparam int unsigned PKW   = $clog2(WPB);
  localparam int unsigned SBW   = 4 * NSEG + 32 * NSEG;      // tree sideband

  localparam logic signed [31:0] MantMax = 32'sd1073741824;  // 2^30 (card.c MANT_MAX)
  localparam logic signed [31:0] ExpMax  = 32'sd16777216;    // 2^24 (RW_CARD_EXP_MAX)

  typedef enum logic [3:0] {
    StIdle, StChk, StX1, StX1W, StX2, StX2W, StComp, StOReq, StOut, StDrain, StDone
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
  logic [IW:0]     cfg_cols, cfg_ng;
  logic [31:0]     cfg_qs;
  logic [LUW-1:0]  cfg_lgu;
  logic [15:0]     cfg_upr, cfg_gmask, cfg_spr;
  logic [4:0]      cfg_gsh;
  logic [XRW-1:0]  cfg_xm;
  logic [LGS-1:0]  cfg_nchm1;    // chunks per beat - 1

  always_ff @(posedge clk_i) begin
    if (state_q == StIdle && start_i) begin
      cfg_bits4 <= k_bits4;
      cfg_short <= k_short;
      cfg_sub   <= sub_i;
      cfg_err   <= k_err;
      cfg_rows  <= RCW'(rows_i);
      cfg_cols  <= cols_i;
      cfg_ng    <= k_ng;
      cfg_qs    <= k_qs;
      cfg_lgu   <= k_lgu;
      cfg_upr   <= k_upr;
      cfg_gmask <= k_gmask;
      cfg_spr   <= k_spr;
      cfg_gsh   <= k_gsh;
      cfg_xm    <= k_xm;
      cfg_nchm1 <= LGS'((SEG_BYTES >> k_lgu) - 1);
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
  assign ring_active = (state_q == StX1 || state_q == StX1W || state_q == StX2 ||
                        state_q == StX2W || state_q == StComp);
  assign mrd1_rdy_o  = (b1_left_q != 32'd0) &&
                       ((ring_active && ring_space) || state_q == StDrain);
  assign s1_fire     = mrd1_vld_i && mrd1_rdy_o;

  // ---------------------------------------------------------------- x pass 1
  // Read the slice, check it, OR its magnitudes, keep it in the raw buffer.

  logic [IW:0]     j_q;             // next word to read
  logic            p1_vld_q;        // rd0_data_i holds word p1_j_q
  logic [IW-1:0]   p1_j_q;
  logic [31:0]     or_q, or_d;
  logic            bad_q, bad_d;
  logic [4:0]      sh_q, sh_d;      // act_quant shift s
  logic signed [31:0] ex_q, ex_d;   // act_quant exponent e_x
  logic [6:0]      bl_or;

  assign rd0_en_o   = (state_q == StX1);
  assign rd0_addr_o = {src0_i, imm_i[IW-1:0] + j_q[IW-1:0]};

  always_comb begin
    logic signed [31:0] m;
    m    = $signed(rd0_data_i);
    or_d = or_q;
    bad_d = bad_q;
    if (p1_vld_q) begin
      or_d  = or_q | (m[31] ? 32'(-m) : 32'(m));
      bad_d = bad_q | (m > MantMax) | (m < -MantMax);
    end
    bl_or = rw_num_pkg::bitlen64(64'(or_d));
    sh_d  = (bl_or > 7'd15) ? 5'(bl_or - 7'd15) : 5'd0;
    ex_d  = (or_d != 32'd0) ? src0_e_i + 32'(sh_d) : 32'sd0;
  end

  // raw buffer: word j in bank j mod 8, row j / 8
  logic [QL*32-1:0] raw_rd;
  logic [RAWAW-1:0] t_q;             // pass 2: raw row being read
  logic             p2_vld_q;
  logic [RAWAW-1:0] p2_t_q;

  for (genvar l = 0; l < QL; l++) begin : g_raw
    matvec_ram #(.W(32), .D(VREG_WORDS / QL)) u_raw (
      .clk_i,
      .we_i   (p1_vld_q && p1_j_q[2:0] == 3'(l)),
      .waddr_i(p1_j_q[IW-1:3]),
      .wdata_i(rd0_data_i),
      .re_i   (state_q == StX2),
      .raddr_i(t_q),
      .rdata_o(raw_rd[l*32 +: 32])
    );
  end

  // ---------------------------------------------------------------- x pass 2
  // act_quant of 8 words per cycle: q = RNE(m / 2^s) clamped to +-32767.

  logic [QL*16-1:0] xq;
  always_comb begin
    for (int l = 0; l < QL; l++) begin
      logic [31:0]        m;
      logic signed [63:0] v;
      // short rows with x repeating every P < 8 elements: lane l = x[l mod P]
      logic [2:0] li;
      li = 3'(l) & cfg_xm[2:0];
      m  = (32'(cfg_xm) < QL - 1) ? raw_rd[32'(li)*32 +: 32] : raw_rd[l*32 +: 32];
      v = rw_num_pkg::shr_rne64($signed({{32{m[31]}}, m}), {3'd0, sh_q});
      xq[l*16 +: 16] = (v > 64'sd32767)  ? 16'sd32767 :
                       (v < -64'sd32767) ? -16'sd32767 : v[15:0];
    end
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

  matvec_xbuf #(.BUS_BYTES(BB), .SEG_BYTES(SEG_BYTES), .VREG_WORDS(VREG_WORDS)) u_xbuf (
    .clk_i,
    .we_i   (p2_vld_q),
    .wj_i   ({p2_t_q, 3'd0}),
    .wmask_i(cfg_xm),
    .wdata_i(xq),
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

  logic [RCW-1:0]  o_r_q;        // next row to read
  logic            o1_vld_q, o2_vld_q, oadv, o_issue;
  logic [RCW-1:0]  o1_r_q, o2_r_q;
  logic [31:0]     o2_w_q, o1_w;
  logic [AW+15:0]  rb_rd;
  logic signed [31:0] ey_q, ey_d;
  logic            pk_complete, take_word, ob_take;
  logic [BB*8-1:0] pk_q, ob_q;
  logic [PKW-1:0]  pk_i_q;
  logic            ob_vld_q, wdone_q;
  logic [RCW-1:0]  wsent_q, wtotal;

  assign o_issue = (state_q == StOut) && (o_r_q < cfg_rows) && oadv;

  matvec_rowbuf #(.NB(NSEG), .MAX_ROWS(MAX_ROWS), .AW(AW)) u_rowbuf (
    .clk_i,
    .wn_i   (wn),
    .wbase_i(rcnt_q[RIW-1:0]),
    .wacc_i (wacc),
    .wse_i  (wse),
    .re_i   (o_issue),
    .raddr_i(o_r_q[RIW-1:0]),
    .rdata_o(rb_rd)
  );

  // normalize_each, second pass: k = e_r - (T - 30) = se + 30 - Tm
  logic [31:0] unused_o1_hi;   // the result fits 31 bits (|m| <= 2^30)
  always_comb begin
    logic signed [63:0] v;
    logic signed [31:0] k;
    logic signed [63:0] r;
    v    = $signed({{(64-AW){rb_rd[AW-1]}}, rb_rd[AW-1:0]});
    k    = $signed({{16{rb_rd[AW+15]}}, rb_rd[AW+15:AW]}) + 32'sd30 - tmax;
    r    = rw_num_pkg::shift64(v, k);
    o1_w = r[31:0];
    unused_o1_hi = r[63:32];
  end

  // the beat being filled with this cycle's word at position pk_i_q
  logic [BB*8-1:0] pk_next;
  for (genvar w = 0; w < WPB; w++) begin : g_pk
    assign pk_next[w*32 +: 32] = (pk_i_q == PKW'(w)) ? o2_w_q : pk_q[w*32 +: 32];
  end

  assign pk_complete = (pk_i_q == PKW'(WPB - 1)) || (o2_r_q == cfg_rows - RCW'(1));
  assign ob_take     = ob_vld_q && mwr_rdy_i;
  assign oadv        = !(o2_vld_q && cfg_sub && pk_complete && ob_vld_q && !mwr_rdy_i);
  assign take_word   = (state_q == StOut) && cfg_sub && o2_vld_q && oadv;
  assign wtotal      = RCW'((32'(cfg_rows) + 32'd1 + 32'(WPB - 1)) / WPB);

  assign ey_d = tany ? tmax + ex_q - 32'sd30 : 32'sd0;

  assign wr_en_o   = (state_q == StOut) && !cfg_sub && o2_vld_q;
  assign wr_addr_o = {dst_i, o2_r_q[IW-1:0]};
  assign wr_data_o = o2_w_q;

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
      StX1:    if (j_q == cfg_cols - (IW+1)'(1)) state_d = StX1W;
      StX1W:   state_d = bad_d ? StDrain : StX2;
      StX2:    if (t_q == RAWAW'((32'(cfg_cols) + 32'd7) / 32'd8 - 32'd1)) state_d = StX2W;
      StX2W:   state_d = StComp;
      StComp:  if (rcnt_q == cfg_rows) state_d = cfg_sub ? StOReq : StOut;
      StOReq:  if (mwr_gnt_i) state_d = StOut;
      StOut: begin
        if (!cfg_sub && o2_vld_q && o2_r_q == cfg_rows - RCW'(1)) state_d = StDone;
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
      else if (take_word && pk_complete) ob_vld_q <= 1'b1;
      else if (ob_take) ob_vld_q <= 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    // x pass 1
    if (state_q == StChk) begin
      j_q  <= '0;
      or_q <= '0;
    end else begin
      if (state_q == StX1) j_q <= j_q + (IW+1)'(1);
      or_q <= or_d;
    end
    p1_j_q <= j_q[IW-1:0];
    if (state_q == StX1W) begin
      sh_q <= sh_d;
      ex_q <= ex_d;
    end
    // x pass 2
    if (state_q == StX2) t_q <= t_q + RAWAW'(1);
    else                 t_q <= '0;
    p2_t_q <= t_q;

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
      o_r_q <= o_r_q + RCW'(1);
    end
    if (oadv) begin
      o1_r_q <= o_r_q;
      o2_r_q <= o1_r_q;
      o2_w_q <= o1_w;
    end
    if (state_q == StOReq) begin
      pk_q    <= {{(BB*8-32){1'b0}}, ey_q};
      pk_i_q  <= PKW'(1);
      wsent_q <= '0;
      wdone_q <= 1'b0;
    end else begin
      if (take_word) begin
        if (pk_complete) begin
          ob_q   <= pk_next;
          pk_q   <= '0;
          pk_i_q <= '0;
        end else begin
          pk_q   <= pk_next;
          pk_i_q <= pk_i_q + PKW'(1);
        end
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
