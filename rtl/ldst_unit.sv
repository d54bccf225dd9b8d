// ldst_unit.sv - the load/store unit: moves vectors between device memory and
// the vector registers: LOADV (int32 e, then n int32 words, into DST), STOREV
// (SRC0's e and n words out), EMBED (one int16 embedding row and its int16
// exponent, normalized as rw_normalize of docs/numerics.md section 2).
//
// Not here: address or region checks (the sequencer's: it passes absolute byte
// addresses), operand-domain checks (none: this unit never sets an error), the
// register file itself. EMBED's n is even (the sequencer checks), so its row is
// a multiple of 4 bytes; its exponent is taken from the aligned word holding it.
//
// How: wide. The register file is read and written in rows of VL words (row
// address {reg, i / VL}, lane i % VL; docs/rtl.md), the DMA streams move
// BUS_BYTES (W = BUS_BYTES / 4 words) per beat, realigned so that byte 0 of the
// stream is in bits 7:0 of its first beat.
//   LOADV: one read request of 4 (n + 1) bytes. Stream word 0 is e, so DST word
//     i is stream word i + 1: every row straddles two beats. The "in gearbox"
//     keeps the last VL - 1 words of the previous beat (acc) and cuts rows out
//     of {beat, acc}: for W >= VL each beat gives W / VL rows, one per cycle
//     (one beat per cycle when W = VL, e.g. the defaults); for W < VL it takes
//     one beat per cycle and writes a row every VL / W beats. After the last
//     beat a zero beat flushes the last row.
//   STOREV: one write request of 4 (n + 1) bytes; rows of SRC0 are read one per
//     cycle and packed into beats behind the carried word (e first, then the
//     last word of each row): W >= VL assembles W / VL rows per beat (a one-beat
//     output buffer absorbs the write stream's back-pressure), W < VL sends VL / W
//     beats per row. Either way min(W, VL) words per cycle.
//   EMBED: two queued read requests, the exponent's aligned word then the row
//     (2n bytes). Normalization needs the maximum before any shift, so the row
//     is first buffered raw in DST itself, two int16 per word (words 0 .. n/2-1,
//     the in gearbox without the one-word offset, min(W, VL) words per cycle,
//     i.e. one beat per cycle at the defaults), ORing the magnitudes of each
//     beat. Then the write pass reads packed row k (2 VL halves) and writes rows
//     2k and 2k + 1, each half sign-extended and shifted left by 30 - B (exact,
//     B <= 16), going from the last packed row down so that no packed row is
//     overwritten before it is read: one row written per cycle.
// Cycles at n words, memory latency L, no stalls (P = min(W, VL) words per
// cycle): LOADV L + (n + 1) / P + 2; STOREV (n + 1) / P + 2 + the write's done
// latency; EMBED L + n / (2P) + n / VL + 4. Combinational paths: the read
// stream's data to the write port (LOADV, EMBED), the register read data to the
// write port (EMBED) and to the write stream (STOREV), and the write stream's
// rdy to the register read enable (STOREV: a row is read only if the beat it
// completes will have a place; the DMA's rdy depends only on its state).
//
// Ports and protocol: docs/rtl.md "Unit interface" (wide read/write ports, word j
// of a row in bits 32j+31:32j, wr_mask_o) and "streams". Operands are held
// stable by the sequencer from start_i to done_o. Only words 0 .. n-1 of DST
// are written (EMBED's buffer is words 0 .. n/2-1 of DST); lanes of a row read
// at or above the vector's end only reach masked-off lanes or beat bytes past
// the end of a write (which the DMA ignores).
// Parameters: BUS_BYTES a power of two >= 4, VL a power of two with
// VREG_WORDS / VL >= 2 rows.
`include "rwkvacc_hw.svh"

module ldst_unit #(
  parameter int unsigned BUS_BYTES  = rwkvacc_hw_pkg::CFG_BUS_BYTES,
  parameter int unsigned VREG_WORDS = rwkvacc_hw_pkg::CFG_VREG_WORDS,
  parameter int unsigned N_VREG     = rwkvacc_hw_pkg::CFG_N_VREG,
  parameter int unsigned VL         = rwkvacc_hw_pkg::CFG_VEC_LANES,  // words per row
  parameter int unsigned IW         = $clog2(VREG_WORDS),             // element index bits
  parameter int unsigned RW         = 5 + $clog2(VREG_WORDS / VL)     // row address bits
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     start_i,
  input  logic [7:0]               op_i,       // OP_LOADV, OP_STOREV, OP_EMBED
  input  logic [IW:0]              n_i,        // words (LOADV, EMBED) or SRC0's length (STOREV)
  input  logic [4:0]               dst_i,
  input  logic [4:0]               src0_i,
  input  logic signed [31:0]       src0_e_i,
  input  logic [63:0]              addr_i,     // LOADV/STOREV: the vector; EMBED: the row
  input  logic [63:0]              eaddr_i,    // EMBED: the row's int16 exponent
  output logic                     busy_o,
  output logic                     done_o,
  output logic signed [31:0]       dst_e_o,
  output logic [IW:0]              dst_n_o,
  // vector register file (wide)
  output logic                     rd0_en_o,
  output logic [RW-1:0]            rd0_addr_o,
  input  logic [VL*32-1:0]         rd0_data_i,
  output logic                     wr_en_o,
  output logic [RW-1:0]            wr_addr_o,
  output logic [VL*32-1:0]         wr_data_o,
  output logic [VL-1:0]            wr_mask_o,
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
  // ---------------------------------------------------------------- constants
  localparam int unsigned W    = BUS_BYTES / 4;          // 32-bit words per beat
  localparam int unsigned LW   = $clog2(W);
  localparam int unsigned LV   = $clog2(VL);
  localparam int unsigned NROW = VREG_WORDS / VL;        // rows per register
  localparam int unsigned RIW  = $clog2(NROW);           // row index bits
  localparam bit          WIDE = (W >= VL);              // a beat holds >= 1 row
  localparam int unsigned M    = WIDE ? W / VL : 1;      // rows per beat (WIDE)
  localparam int unsigned MB   = WIDE ? 1 : VL / W;      // beats per row (!WIDE)
  localparam int unsigned PHW  = (M * MB > 1) ? $clog2(M * MB) : 1;
  localparam int unsigned GW   = WIDE ? W : VL + 1;      // gear register, words
  localparam int unsigned XW   = W + VL - 1;             // {beat, acc}, words
  localparam int unsigned AWD  = (VL > 1) ? VL - 1 : 1;  // acc, words
  localparam int unsigned CW   = IW + 2;                 // row and beat counters

  if (W < 1 || (1 << LW) != W || W * 4 != BUS_BYTES || VL < 1 || (1 << LV) != VL ||
      NROW < 2 || NROW * VL != VREG_WORDS || RW != 5 + RIW || IW != $clog2(VREG_WORDS)) begin : g_cfg
    $error("ldst_unit: BUS_BYTES and VL must be powers of two, BUS_BYTES >= 4, VREG_WORDS / VL >= 2");
  end

  typedef enum logic [3:0] {
    S_IDLE, S_LD_REQ, S_E_REQ, S_ROW_REQ, S_IN, S_NORM, S_WR_REQ, S_WR_DATA, S_WR_WAIT, S_DONE
  } state_e;

  // ---------------------------------------------------------------- state
  state_e state_q, state_d;
  logic [CW-1:0] k_q, k_d;            // rows written (in) / read (STOREV) / packed rows left (norm)
  logic [CW-1:0] bl_q, bl_d;          // in: beats left to take; STOREV: beats sent
  logic [PHW-1:0] ph_q, ph_d;         // row within the beat (WIDE) or beat within the row
  logic [PHW-1:0] lph_q, lph_d;       // STOREV, WIDE: the landing row's place in its beat
  logic first_q, first_d;             // LOADV: the next step takes e
  logic egot_q, egot_d;               // EMBED: the exponent beat is in
  logic lp_q, lp_d;                   // a register read lands this cycle
  logic ov_q, ov_d;                   // STOREV: obuf full (WIDE) / a row is in gear (!WIDE)
  logic hi_q, hi_d;                   // EMBED write pass: gear's upper half is still to write
  logic np_q, np_d;                   // EMBED write pass: 1 = the packed row lands
  logic signed [31:0] e_q, e_d;       // LOADV: the exponent read; EMBED: the row's
  logic [15:0] or_q, or_d;            // EMBED: OR of the row's magnitudes
  logic [GW*32-1:0] gear_q, gear_d;   // acc (in), assembly or row (STOREV), packed row (norm)
  logic [W*32-1:0] obuf_q, obuf_d;    // STOREV, WIDE: a complete beat not yet taken

  // ---------------------------------------------------------------- the operation
  logic is_load, is_store;
  assign is_load  = (op_i == 8'(rwkvacc_hw_pkg::OP_LOADV));
  assign is_store = (op_i == 8'(rwkvacc_hw_pkg::OP_STOREV));

  logic [CW-1:0] nw, nh, lim_in, rows_n, rows_in, beats_v, beats_in;
  assign nw       = CW'(n_i);
  assign nh       = nw >> 1;                                   // EMBED: packed words
  assign lim_in   = is_load ? nw : nh;                         // words the in pass writes
  assign rows_n   = (nw + CW'(VL - 1)) >> LV;
  assign rows_in  = (lim_in + CW'(VL - 1)) >> LV;
  assign beats_v  = (nw + CW'(W)) >> LW;                       // ceil((n + 1) / W)
  assign beats_in = is_load ? beats_v : (nh + CW'(W - 1)) >> LW;

  // ---------------------------------------------------------------- in gearbox
  // (LOADV with the one-word offset of e, EMBED's raw row without)
  logic in_real;                      // a beat of the stream is due (else a zero beat)
  logic [W*32-1:0] beat_w;
  logic [XW*32-1:0] xw;               // {beat, acc}
  logic [VL*32-1:0] in_row;           // the row this step writes
  logic in_wr, ph_last;
  assign in_real = (bl_q != '0);
  assign beat_w  = in_real ? mrd_data_i : '0;

  logic [AWD*32-1:0] acc_nxt;        // acc after a beat: the top VL - 1 words of xw
  if (VL > 1) begin : g_x
    assign xw      = {beat_w, gear_q[0 +: (VL-1)*32]};
    assign acc_nxt = xw[W*32 +: (VL-1)*32];
  end else begin : g_x1
    assign xw      = beat_w;          // no acc: a row is one word
    assign acc_nxt = '0;
  end

  if (WIDE) begin : g_in_wide
    // step ph of beat b: LOADV row b*M + ph - 1 = xw[ph*VL +: VL]; EMBED row
    // b*M + ph = the beat's words ph*VL +: VL
    logic [31:0] base;
    assign base    = (M > 1 ? 32'(ph_q) * VL : 32'd0) + (is_load ? 32'd0 : 32'(VL - 1));
    assign in_row  = xw[base*32 +: VL*32];
    assign in_wr   = !(is_load && first_q) && (k_q < rows_in);
    assign ph_last = (ph_q == PHW'(M - 1));
  end else begin : g_in_narrow
    // one beat per step, shifted through acc; LOADV writes a row when the beat
    // holding its last word (ph 0) arrives, EMBED at the row's last beat
    assign in_row  = is_load ? xw[0 +: VL*32] : xw[(W-1)*32 +: VL*32];
    assign in_wr   = (is_load ? (ph_q == '0 && !first_q) : (ph_q == PHW'(MB - 1))) &&
                     (k_q < rows_in);
    assign ph_last = 1'b1;
  end

  // EMBED: OR of the magnitudes of the beat's halves (none past the row's end)
  logic [15:0] beat_or, hv, hmag;
  logic [LW:0] hmod;
  assign hmod = n_i[LW:0];            // halves in the last beat, 0 = all
  always_comb begin
    beat_or = '0;
    hv = '0;
    hmag = '0;
    for (int h = 0; h < 2 * W; h++) begin
      hv   = mrd_data_i[16*h +: 16];
      hmag = hv[15] ? 16'(-hv) : hv;
      if (bl_q != CW'(1) || hmod == '0 || (LW+1)'(h) < hmod) beat_or = beat_or | hmag;
    end
  end

  // bit length of the largest |q| (<= 16) and the shift 30 - B
  logic [4:0] bits, sh;
  always_comb begin
    bits = 5'd0;
    for (int i = 0; i < 16; i++) begin
      if (or_q[i]) bits = 5'(i + 1);
    end
  end
  assign sh = 5'd30 - bits;

  // EMBED write pass: a row of VL halves, sign-extended and shifted
  logic [VL*16-1:0] nsrc;
  logic [VL*32-1:0] norm_row;
  assign nsrc = np_q ? rd0_data_i[0 +: VL*16] : gear_q[VL*16 +: VL*16];
  always_comb begin
    for (int l = 0; l < VL; l++) begin
      norm_row[32*l +: 32] = 32'($signed(nsrc[16*l +: 16])) << sh;
    end
  end

  // ---------------------------------------------------------------- STOREV beats
  logic out_vld, out_hs, iss_ok, land_cmp, out_flush, row_end;
  logic [W*32-1:0] out_beat;
  logic [W*32-1:0] cb;                // WIDE: the beat the landing row completes
  logic [GW*32-1:0] st_gear;          // gear after this cycle's landing row

  if (WIDE) begin : g_out_wide
    // gear = {rows of the beat, carried word}; row p of a beat goes to words
    // 1 + p*VL; the last row's top word is the next beat's carried word
    if (VL > 1) begin : g_cb
      assign cb = {rd0_data_i[0 +: (VL-1)*32], gear_q[0 +: ((M-1)*VL+1)*32]};
    end else begin : g_cb1
      assign cb = gear_q[0 +: W*32];
    end
    assign land_cmp  = lp_q && (lph_q == PHW'(M - 1));
    assign out_flush = (k_q == rows_n) && !lp_q && !ov_q && (bl_q < beats_v);
    assign out_vld   = ov_q || land_cmp || out_flush;
    assign out_beat  = ov_q ? obuf_q : land_cmp ? cb : gear_q[0 +: W*32];
    assign row_end   = 1'b0;
    if (M > 1) begin : g_ins
      always_comb begin
        st_gear = gear_q;
        if (land_cmp) st_gear[0 +: 32] = rd0_data_i[(VL-1)*32 +: 32];
        else if (lp_q) st_gear[(32'(lph_q) * VL + 1) * 32 +: VL*32] = rd0_data_i;
      end
    end else begin : g_ins1
      always_comb begin
        st_gear = gear_q;
        if (land_cmp) st_gear[0 +: 32] = rd0_data_i[(VL-1)*32 +: 32];
      end
    end
  end else begin : g_out_narrow
    // gear = {row, carried word}; beat s of the row = {row, carry}[s*W +: W]
    logic [(VL+1)*32-1:0] yw;
    assign yw        = lp_q ? {rd0_data_i, gear_q[0 +: 32]} : gear_q[0 +: (VL+1)*32];
    assign cb        = '0;
    assign land_cmp  = 1'b0;
    assign out_flush = (k_q == rows_n) && !lp_q && !ov_q && (bl_q < beats_v);
    assign out_vld   = lp_q || ov_q || out_flush;
    assign out_beat  = yw[32'(ph_q)*W*32 +: W*32];
    assign row_end   = out_hs && (ph_q == PHW'(MB - 1));
    always_comb begin
      st_gear = gear_q;
      if (lp_q) st_gear[32 +: VL*32] = rd0_data_i;
      if (row_end) st_gear[0 +: 32] = yw[VL*32 +: 32];
    end
  end
  assign out_hs = out_vld && mwr_rdy_i && (state_q == S_WR_DATA);

  // ---------------------------------------------------------------- write mask
  logic [CW-1:0] wrow, wlim;          // the row written and the words it may hold
  logic wfull;
  assign wfull = (wrow < (wlim >> LV));
  if (LV > 0) begin : g_mask
    always_comb begin
      for (int l = 0; l < VL; l++) wr_mask_o[l] = wfull || (LV'(l) < wlim[LV-1:0]);
    end
  end else begin : g_mask1
    assign wr_mask_o = wfull;
  end

  // ---------------------------------------------------------------- control
  always_comb begin
    state_d = state_q;
    k_d     = k_q;
    bl_d    = bl_q;
    ph_d    = ph_q;
    lph_d   = lph_q;
    first_d = first_q;
    egot_d  = egot_q;
    lp_d    = 1'b0;
    ov_d    = ov_q;
    hi_d    = hi_q;
    np_d    = np_q;
    e_d     = e_q;
    or_d    = or_q;
    gear_d  = gear_q;
    obuf_d  = obuf_q;
    iss_ok  = 1'b0;

    mrd_req_o   = 1'b0;
    mrd_addr_o  = addr_i;
    mrd_bytes_o = (32'(nw) + 32'd1) * 32'd4;
    mrd_rdy_o   = 1'b0;
    mwr_req_o   = 1'b0;
    mwr_addr_o  = addr_i;
    mwr_bytes_o = (32'(nw) + 32'd1) * 32'd4;
    mwr_vld_o   = out_vld && (state_q == S_WR_DATA);
    mwr_data_o  = out_beat;
    rd0_en_o    = 1'b0;
    rd0_addr_o  = {src0_i, k_q[RIW-1:0]};
    wr_en_o     = 1'b0;
    wr_addr_o   = {dst_i, k_q[RIW-1:0]};
    wr_data_o   = in_row;
    wrow        = k_q;
    wlim        = lim_in;
    done_o      = 1'b0;

    unique case (state_q)
      S_IDLE: if (start_i) begin
        k_d     = '0;
        ph_d    = '0;
        first_d = 1'b1;
        egot_d  = 1'b0;
        ov_d    = 1'b0;
        or_d    = '0;
        gear_d  = '0;
        gear_d[0 +: 32] = src0_e_i;        // STOREV: e is the first carried word
        if (is_load) begin
          bl_d    = beats_in;
          state_d = S_LD_REQ;
        end else if (is_store) begin
          bl_d    = '0;
          state_d = S_WR_REQ;
        end else begin
          bl_d    = beats_in;
          state_d = S_E_REQ;
        end
      end

      // ------------------------------------------------ LOADV and EMBED: read
      S_LD_REQ: begin
        mrd_req_o = 1'b1;
        if (mrd_gnt_i) state_d = S_IN;
      end
      S_E_REQ: begin
        mrd_req_o   = 1'b1;
        mrd_addr_o  = {eaddr_i[63:2], 2'b00};  // the aligned word holding it
        mrd_bytes_o = 32'd4;
        if (mrd_gnt_i) state_d = S_ROW_REQ;
      end
      S_ROW_REQ, S_IN: begin
        if (state_q == S_ROW_REQ) begin
          // the row's request, queued behind the exponent's (none for n = 0)
          mrd_req_o   = (nw != '0);
          mrd_bytes_o = 32'(nh) * 32'd4;   // 2n bytes
          if (mrd_gnt_i || nw == '0) state_d = S_IN;
        end
        if (!is_load && !egot_q) begin
          // EMBED: the exponent's beat comes first
          if (mrd_vld_i) begin
            mrd_rdy_o = 1'b1;
            egot_d    = 1'b1;
            e_d = eaddr_i[1] ? 32'($signed(mrd_data_i[31:16])) : 32'($signed(mrd_data_i[15:0]));
          end
        end else if (state_q == S_IN && (!in_real || mrd_vld_i)) begin
          // one step of the in gearbox
          first_d = 1'b0;
          if (is_load && first_q) e_d = beat_w[31:0];
          if (in_wr) begin
            wr_en_o = 1'b1;
            k_d     = k_q + CW'(1);
          end
          if (in_real && (ph_last || (in_wr && k_q + CW'(1) == rows_in) || rows_in == '0)) begin
            mrd_rdy_o = 1'b1;
            bl_d      = bl_q - CW'(1);
            or_d      = or_q | beat_or;
          end
          if (ph_last) gear_d[0 +: AWD*32] = acc_nxt;
          ph_d = (WIDE && ph_last) ? '0 : ph_q + PHW'(1);
          if ((in_wr && k_q + CW'(1) == rows_in) || rows_in == '0) begin
            if (is_load) begin
              state_d = S_DONE;
            end else begin
              state_d = S_NORM;
              k_d     = (nh + CW'(VL - 1)) >> LV;  // packed rows
              np_d    = 1'b0;
              hi_d    = 1'b0;
            end
          end
        end
      end

      // ------------------------------------------------ EMBED: write pass
      // np 0: write the held upper half (row 2k+1), read packed row k-1;
      // np 1: it lands: write its lower half (row 2(k-1)), hold it
      S_NORM: begin
        wlim      = nw;
        wr_data_o = norm_row;
        if (!np_q) begin
          wrow      = {k_q[CW-2:0], 1'b1};
          wr_addr_o = {dst_i, wrow[RIW-1:0]};
          wr_en_o   = hi_q;
          hi_d      = 1'b0;
          if (k_q != '0) begin
            rd0_en_o   = 1'b1;
            rd0_addr_o = {dst_i, RIW'(k_q - CW'(1))};
            lp_d       = 1'b1;
            np_d       = 1'b1;
          end else begin
            state_d = S_DONE;
          end
        end else begin
          wrow      = {k_q[CW-2:0] - (CW-1)'(1), 1'b0};
          wr_addr_o = {dst_i, wrow[RIW-1:0]};
          wr_en_o   = 1'b1;
          gear_d[0 +: VL*32] = rd0_data_i;
          hi_d      = ({k_q[CW-2:0] - (CW-1)'(1), 1'b1} < rows_n);
          k_d       = k_q - CW'(1);
          np_d      = 1'b0;
        end
      end

      // ------------------------------------------------ STOREV
      S_WR_REQ, S_WR_DATA: begin
        if (state_q == S_WR_REQ) begin
          mwr_req_o = 1'b1;
          if (mwr_gnt_i) state_d = S_WR_DATA;
        end
        if (out_hs) begin
          bl_d = bl_q + CW'(1);
          if (bl_q + CW'(1) == beats_v) state_d = S_WR_WAIT;
        end
        if (WIDE) begin
          // obuf: full until taken; a completing row lands only into an empty one
          if (ov_q) begin
            ov_d = !out_hs;
          end else if (land_cmp && !out_hs) begin
            ov_d   = 1'b1;
            obuf_d = cb;
          end
          gear_d = st_gear;
          // a row that completes a beat is read only if obuf is empty next cycle
          iss_ok = (k_q < rows_n) && ((k_q[PHW-1:0] & PHW'(M - 1)) != PHW'(M - 1) || !ov_d);
          lph_d  = k_q[PHW-1:0] & PHW'(M - 1);
        end else begin
          // gear holds the row while its VL / W beats go out
          if (out_hs) ph_d = ph_q + PHW'(1);
          gear_d = st_gear;
          ov_d   = (lp_q || ov_q) && !row_end;
          iss_ok = (k_q < rows_n) && !ov_d;
        end
        if (iss_ok) begin
          rd0_en_o = 1'b1;
          lp_d     = 1'b1;
          k_d      = k_q + CW'(1);
        end
      end
      S_WR_WAIT: if (mwr_done_i) state_d = S_DONE;

      S_DONE: begin
        done_o  = 1'b1;
        state_d = S_IDLE;
      end
      default: state_d = S_IDLE;
    endcase
  end

  // result: LOADV the exponent read; EMBED e - (30 - B), 0 for an all-zero row
  always_comb begin
    dst_n_o = n_i;
    if (is_load)            dst_e_o = e_q;
    else if (is_store)      dst_e_o = src0_e_i;
    else if (bits == 5'd0)  dst_e_o = 32'sd0;
    else                    dst_e_o = e_q - 32'($signed({1'b0, sh}));
  end

  assign busy_o = (state_q != S_IDLE);

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= S_IDLE;
      k_q     <= '0;
      bl_q    <= '0;
      ph_q    <= '0;
      lph_q   <= '0;
      first_q <= 1'b0;
      egot_q  <= 1'b0;
      lp_q    <= 1'b0;
      ov_q    <= 1'b0;
      hi_q    <= 1'b0;
      np_q    <= 1'b0;
      e_q     <= '0;
      or_q    <= '0;
      gear_q  <= '0;
      obuf_q  <= '0;
    end else begin
      state_q <= state_d;
      k_q     <= k_d;
      bl_q    <= bl_d;
      ph_q    <= ph_d;
      lph_q   <= lph_d;
      first_q <= first_d;
      egot_q  <= egot_d;
      lp_q    <= lp_d;
      ov_q    <= ov_d;
      hi_q    <= hi_d;
      np_q    <= np_d;
      e_q     <= e_d;
      or_q    <= or_d;
      gear_q  <= gear_d;
      obuf_q  <= obuf_d;
    end
  end

`ifndef SYNTHESIS
  // STOREV, WIDE: a row completing a beat never lands while obuf is full
  obuf_overrun: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                 !(WIDE && ov_q && land_cmp));
`endif

  // unused: N_VREG sizes the register numbers the sequencer checks; eaddr_i[0]
  // (exponents are 2-byte aligned)
  logic unused;
  assign unused = ^{N_VREG, eaddr_i[0]};
endmodule
