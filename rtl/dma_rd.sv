// dma_rd.sv - the read half of the DMA (docs/rtl.md, "streams"): N_RD read streams
// on one AXI4 AR/R channel pair. It is not the AXI interface as a whole (dma.sv
// adds the constant fields) and it does not check addresses against regions.
//
// How it works:
// - Request: a stream's (addr, bytes) is accepted when its burst generator is idle
//   and its request queue has room, so requests pipeline (the next one is taken
//   as soon as the previous one's last burst is issued). Zero-byte requests are
//   accepted and produce nothing.
// - AR: each stream's dma_bgen proposes its next burst (BUS_BYTES-aligned, full
//   width, ending on a BURST_BEATS boundary, hence never crossing 4 KB). A
//   round-robin arbiter issues one burst per cycle among the streams whose ring
//   has room for the whole burst, while fewer than MAX_BURSTS bursts are in
//   flight (AR issued, RLAST not yet received).
// - IDs: ARID = stream index. AXI keeps same-ID data in order, so each stream's
//   data lands in order in its own ring (RING_BEATS beats of a shared RAM) at its
//   write pointer, whatever the memory does between IDs (reorder, interleave).
//   Space is reserved at AR time, so RREADY is always high: a slow consumer never
//   blocks the R channel for the other streams (no head-of-line blocking, no
//   cross-stream deadlock).
// - Output: a round-robin arbiter picks one stream per cycle that has a ring beat
//   (or a final flush) and room in its output FIFO; the RAM read (stage A) and the
//   realignment (stage B, one shifter shared by all streams) shift the aligned AXI
//   beats by the request's word offset so byte 0 of the request is in bits 7:0
//   and zero the bytes past its end.
// Throughput: one beat per cycle in total (AXI side and output side). One stream
// alone sustains it while latency + BURST_BEATS + 3 <= min(RING_BEATS,
// MAX_BURSTS * BURST_BEATS): with 8 bursts of 16 beats, memory latencies up to
// about 109 cycles (tb_dma measures 1.006 cycles/beat for 1 MB at latency 100).
// Small requests are bounded by MAX_BURSTS too: one burst each, so at most
// MAX_BURSTS of them per memory latency over all streams.
module dma_rd #(
  parameter int unsigned N_RD        = 4,
  parameter int unsigned BUS_BYTES   = 64,   // power of 2, >= 8
  parameter int unsigned MAX_BURSTS  = 8,
  parameter int unsigned BURST_BEATS = 16,   // power of 2, 2 .. 4096 / BUS_BYTES
  parameter int unsigned RING_BEATS  = 128,  // per stream, power of 2, >= BURST_BEATS
  parameter int unsigned ID_W        = 4,    // >= $clog2(N_RD)
  parameter int unsigned RQ_DEPTH    = 4,    // requests queued per stream, power of 2
  parameter int unsigned OUT_DEPTH   = 4     // output FIFO per stream, power of 2, >= 4
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  // streams (stream s in bits [s*W +: W])
  input  logic [N_RD-1:0]               req_i,
  output logic [N_RD-1:0]               gnt_o,
  input  logic [N_RD*64-1:0]            addr_i,
  input  logic [N_RD*32-1:0]            bytes_i,
  output logic [N_RD-1:0]               vld_o,
  input  logic [N_RD-1:0]               rdy_i,
  output logic [N_RD*BUS_BYTES*8-1:0]   data_o,
  output logic [N_RD-1:0]               err_o,   // pulse: an R beat of the stream had RRESP != OKAY
  // AXI4 AR and R
  output logic [ID_W-1:0]               arid_o,
  output logic [63:0]                   araddr_o,
  output logic [7:0]                    arlen_o,
  output logic                          arvalid_o,
  input  logic                          arready_i,
  input  logic [ID_W-1:0]               rid_i,
  input  logic [BUS_BYTES*8-1:0]        rdata_i,
  input  logic [1:0]                    rresp_i,
  input  logic                          rlast_i,
  input  logic                          rvalid_i,
  output logic                          rready_o
);
  localparam int unsigned DW    = BUS_BYTES * 8;
  localparam int unsigned OFF_W = $clog2(BUS_BYTES);
  localparam int unsigned WORDS = BUS_BYTES / 4;            // 32-bit words per beat
  localparam int unsigned WO_W  = $clog2(WORDS);            // word offset in a beat
  localparam int unsigned SI_W  = (N_RD > 1) ? $clog2(N_RD) : 1;
  localparam int unsigned RP_W  = $clog2(RING_BEATS);       // ring index
  localparam int unsigned RC_W  = RP_W + 1;                 // ring pointer with wrap bit
  localparam int unsigned OB_W  = $clog2(MAX_BURSTS + 1);
  localparam int unsigned RA_W  = $clog2(N_RD * RING_BEATS);
  localparam int unsigned RQ_W  = WO_W + 1 + 32 + 32;       // {offset, flush, bytes, beats}
  localparam int unsigned OC_W  = $clog2(OUT_DEPTH + 1);

  // ---------------------------------------------------------------- requests
  logic [N_RD-1:0]      gen_busy, gen_take, rq_push, rq_pop, rq_empty, rq_full;
  logic [N_RD*64-1:0]   gen_addr;
  logic [N_RD*9-1:0]    gen_len;
  logic [N_RD*RQ_W-1:0] rq_wdata, rq_rdata;
  logic [N_RD-1:0]      unused_blast;

  for (genvar s = 0; s < N_RD; s++) begin : g_req
    logic [63:0]       a;
    logic [31:0]       b, na;
    logic [33:0]       sum;
    logic [WO_W-1:0]   o;
    logic [WO_W:0]     r;
    logic              fl;
    logic [$clog2(RQ_DEPTH+1)-1:0] unused_rq_cnt;

    // Only 4-byte granules: the two low bits of address and length are ignored.
    assign a   = {addr_i[s*64+2 +: 62], 2'b00};
    assign b   = {bytes_i[s*32+2 +: 30], 2'b00};
    // Aligned beats the request touches: ceil((addr mod BUS_BYTES + bytes) / BUS_BYTES).
    assign sum = 34'(b) + 34'(a[OFF_W-1:0]) + 34'(BUS_BYTES) - 34'd1;
    assign na  = 32'(sum >> OFF_W);
    // With a word offset o != 0 the first aligned beat only fills the shifter, so
    // the output needs one cycle without a new beat at the end exactly when the
    // last output beat's r words fit in the last aligned beat: r + o <= WORDS.
    assign o   = a[OFF_W-1:2];
    assign r   = {1'b0, b[OFF_W-1:2] - WO_W'(1)} + (WO_W+1)'(1);
    assign fl  = (o != '0) && (32'({1'b0, o}) + 32'(r) <= WORDS);

    assign gnt_o[s]   = !gen_busy[s] && !rq_full[s];
    assign rq_push[s] = req_i[s] && gnt_o[s] && (b != 32'd0);
    assign rq_wdata[s*RQ_W +: RQ_W] = {o, fl, b, na};

    dma_bgen #(
      .BUS_BYTES  (BUS_BYTES),
      .BURST_BEATS(BURST_BEATS)
    ) u_bgen (
      .clk_i  (clk_i),
      .rst_ni (rst_ni),
      .load_i (rq_push[s]),
      .addr_i (a),
      .beats_i(na),
      .take_i (gen_take[s]),
      .busy_o (gen_busy[s]),
      .baddr_o(gen_addr[s*64 +: 64]),
      .blen_o (gen_len[s*9 +: 9]),
      .blast_o(unused_blast[s])
    );

    dma_fifo #(
      .WIDTH(RQ_W),
      .DEPTH(RQ_DEPTH)
    ) u_rq (
      .clk_i  (clk_i),
      .rst_ni (rst_ni),
      .push_i (rq_push[s]),
      .data_i (rq_wdata[s*RQ_W +: RQ_W]),
      .pop_i  (rq_pop[s]),
      .data_o (rq_rdata[s*RQ_W +: RQ_W]),
      .empty_o(rq_empty[s]),
      .full_o (rq_full[s]),
      .count_o(unused_rq_cnt)
    );
  end

  // ---------------------------------------------------------------- AR
  logic [N_RD-1:0]      ar_cand;
  logic                 ar_free, ar_any, ar_take;
  logic [SI_W-1:0]      ar_idx;
  logic [N_RD*RC_W-1:0] res_q, res_d;          // ring beats reserved (AR issued, not yet read out)
  logic [OB_W-1:0]      outst_q, outst_d;      // bursts in flight
  logic                 arvalid_q, arvalid_d;
  logic [ID_W-1:0]      arid_q, arid_d;
  logic [63:0]          araddr_q, araddr_d;
  logic [7:0]           arlen_q, arlen_d;
  logic                 r_hs, r_last_hs;

  assign r_hs      = rvalid_i;                 // rready_o is constantly high
  assign r_last_hs = rvalid_i && rlast_i;
  assign ar_free   = !arvalid_q || arready_i;

  always_comb begin
    for (int s = 0; s < N_RD; s++) begin
      ar_cand[s] = gen_busy[s]
                && (32'(res_q[s*RC_W +: RC_W]) + 32'(gen_len[s*9 +: 9]) <= RING_BEATS)
                && (32'(outst_q) < MAX_BURSTS);
    end
  end

  dma_arb #(.N(N_RD)) u_ar_arb (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .req_i (ar_cand),
    .take_i(ar_free),
    .vld_o (ar_any),
    .idx_o (ar_idx)
  );

  assign ar_take = ar_free && ar_any;

  always_comb begin
    for (int s = 0; s < N_RD; s++) gen_take[s] = ar_take && (ar_idx == SI_W'(s));
    arvalid_d = arvalid_q;
    arid_d    = arid_q;
    araddr_d  = araddr_q;
    arlen_d   = arlen_q;
    if (ar_free) begin
      arvalid_d = ar_any;
      if (ar_any) begin
        arid_d   = ID_W'(ar_idx);
        araddr_d = gen_addr[ar_idx*64 +: 64];
        arlen_d  = 8'(gen_len[ar_idx*9 +: 9] - 9'd1);
      end
    end
    outst_d = outst_q + OB_W'(ar_take) - OB_W'(r_last_hs);
  end

  assign arvalid_o = arvalid_q;
  assign arid_o    = arid_q;
  assign araddr_o  = araddr_q;
  assign arlen_o   = arlen_q;
  assign rready_o  = 1'b1;

  // ---------------------------------------------------------------- R -> rings
  logic                 r_ok;
  logic [SI_W-1:0]      r_s;
  logic [N_RD*RC_W-1:0] wptr_q, wptr_d, rptr_q, rptr_d;
  logic [N_RD-1:0]      err_q, err_d;
  logic                 ram_re;
  logic [RA_W-1:0]      ram_waddr, ram_raddr;
  logic [DW-1:0]        ram_rdata;

  // An ID that is no stream (a memory bug) is accepted and dropped.
  assign r_ok      = r_hs && (32'(rid_i) < N_RD);
  assign r_s       = SI_W'(rid_i);
  assign ram_waddr = RA_W'({r_s, wptr_q[r_s*RC_W +: RP_W]});

  always_comb begin
    wptr_d = wptr_q;
    err_d  = '0;
    if (r_ok) begin
      wptr_d[r_s*RC_W +: RC_W] = wptr_q[r_s*RC_W +: RC_W] + RC_W'(1);
      err_d[r_s] = (rresp_i != 2'b00);
    end
  end

  // ---------------------------------------------------------------- stage A
  // Per stream: the request being read out (from its queue): aligned beats left,
  // whether a flush cycle follows, whether the next beat is its first, and the
  // offset and length that stage B loads with the first beat.
  logic [N_RD-1:0]      act_q, act_d, fl_q, fl_d, first_q, first_d;
  logic [N_RD*32-1:0]   aleft_q, aleft_d, by_q, by_d;
  logic [N_RD*WO_W-1:0] o_q, o_d;
  logic [N_RD-1:0]      elig;
  logic [N_RD*OC_W-1:0] out_cnt;
  logic                 a_go;
  logic [SI_W-1:0]      a_s;
  logic                 a_flush;

  // Stage B registers.
  logic                 b_vld_q, b_fl_q, b_first_q;
  logic [SI_W-1:0]      b_s_q;
  logic [WO_W-1:0]      b_o_q;
  logic [31:0]          b_by_q;

  always_comb begin
    for (int s = 0; s < N_RD; s++) begin
      logic avail, credit;
      avail  = (wptr_q[s*RC_W +: RC_W] != rptr_q[s*RC_W +: RC_W]);
      // Output FIFO room counting the beat already in stage B (it may emit).
      credit = (32'(out_cnt[s*OC_W +: OC_W]) + 32'(b_vld_q && (b_s_q == SI_W'(s)))) < OUT_DEPTH;
      elig[s] = act_q[s] && credit
             && ((aleft_q[s*32 +: 32] != 32'd0) ? avail : fl_q[s]);
    end
  end

  dma_arb #(.N(N_RD)) u_out_arb (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .req_i (elig),
    .take_i(1'b1),
    .vld_o (a_go),
    .idx_o (a_s)
  );

  assign a_flush   = (aleft_q[a_s*32 +: 32] == 32'd0);
  assign ram_re    = a_go && !a_flush;
  assign ram_raddr = RA_W'({a_s, rptr_q[a_s*RC_W +: RP_W]});

  always_comb begin
    act_d   = act_q;
    fl_d    = fl_q;
    first_d = first_q;
    aleft_d = aleft_q;
    by_d    = by_q;
    o_d     = o_q;
    rptr_d  = rptr_q;
    res_d   = res_q;
    rq_pop  = '0;
    for (int s = 0; s < N_RD; s++) begin
      logic sel, rd, fin;
      logic [WO_W-1:0] qo;
      logic            qfl;
      logic [31:0]     qby, qna;
      sel = a_go && (a_s == SI_W'(s));
      rd  = sel && !a_flush;
      fin = sel && (a_flush || ((aleft_q[s*32 +: 32] == 32'd1) && !fl_q[s]));
      {qo, qfl, qby, qna} = rq_rdata[s*RQ_W +: RQ_W];
      if (rd) begin
        rptr_d[s*RC_W +: RC_W]  = rptr_q[s*RC_W +: RC_W] + RC_W'(1);
        aleft_d[s*32 +: 32]     = aleft_q[s*32 +: 32] - 32'd1;
      end
      if (sel) first_d[s] = 1'b0;
      res_d[s*RC_W +: RC_W] = res_q[s*RC_W +: RC_W]
                            + ((ar_take && (ar_idx == SI_W'(s))) ? RC_W'(gen_len[s*9 +: 9]) : RC_W'(0))
                            - RC_W'(rd);
      if ((!act_q[s] || fin) && !rq_empty[s]) begin
        rq_pop[s]           = 1'b1;
        act_d[s]            = 1'b1;
        first_d[s]          = 1'b1;
        fl_d[s]             = qfl;
        aleft_d[s*32 +: 32] = qna;
        by_d[s*32 +: 32]    = qby;
        o_d[s*WO_W +: WO_W] = qo;
      end else if (fin) begin
        act_d[s] = 1'b0;
      end
    end
  end

  // ---------------------------------------------------------------- stage B
  // Per stream: offset and bytes left of the request being output, and the
  // previous aligned beat (the shifter's upper half).
  logic [N_RD*WO_W-1:0] bo_q, bo_d;
  logic [N_RD*32-1:0]   brem_q, brem_d;
  logic [N_RD*DW-1:0]   prev_q;
  logic [WO_W-1:0]      o_eff;
  logic [31:0]          rem_eff, take;
  logic [DW-1:0]        cur, prv, out;
  logic [2*DW-1:0]      cat;
  logic                 emit;
  logic [N_RD-1:0]      ob_push;

  sdp_ram #(
    .WIDTH(DW),
    .DEPTH(N_RD * RING_BEATS)
  ) u_ram (
    .clk_i  (clk_i),
    .we_i   (r_ok),
    .waddr_i(ram_waddr),
    .wdata_i(rdata_i),
    .re_i   (ram_re),
    .raddr_i(ram_raddr),
    .rdata_o(ram_rdata)
  );

  always_comb begin
    o_eff   = b_first_q ? b_o_q  : bo_q[b_s_q*WO_W +: WO_W];
    rem_eff = b_first_q ? b_by_q : brem_q[b_s_q*32 +: 32];
    cur     = b_fl_q ? '0 : ram_rdata;
    prv     = prev_q[b_s_q*DW +: DW];
    cat     = {cur, prv};
    if (o_eff == '0) begin
      out  = cur;
      emit = 1'b1;
    end else begin
      // Output word w is word o+w of (previous beat, this beat).
      out  = cat[o_eff*32 +: DW];
      emit = b_fl_q || !b_first_q;
    end
    // Zero the words past the request's end.
    for (int w = 0; w < WORDS; w++) begin
      if (rem_eff[31:2] <= 30'(w)) out[w*32 +: 32] = 32'd0;
    end
    take = (rem_eff < BUS_BYTES) ? rem_eff : BUS_BYTES;
    bo_d   = bo_q;
    brem_d = brem_q;
    for (int s = 0; s < N_RD; s++) begin
      ob_push[s] = b_vld_q && emit && (b_s_q == SI_W'(s));
      if (b_vld_q && (b_s_q == SI_W'(s))) begin
        bo_d[s*WO_W +: WO_W] = o_eff;
        brem_d[s*32 +: 32]   = rem_eff - (emit ? take : 32'd0);
      end
    end
  end

  for (genvar s = 0; s < N_RD; s++) begin : g_out
    logic full_unused;
    logic empty;

    always_ff @(posedge clk_i) begin
      if (b_vld_q && !b_fl_q && (b_s_q == SI_W'(s))) prev_q[s*DW +: DW] <= cur;
    end

    dma_fifo #(
      .WIDTH(DW),
      .DEPTH(OUT_DEPTH)
    ) u_ob (
      .clk_i  (clk_i),
      .rst_ni (rst_ni),
      .push_i (ob_push[s]),
      .data_i (out),
      .pop_i  (rdy_i[s]),
      .data_o (data_o[s*DW +: DW]),
      .empty_o(empty),
      .full_o (full_unused),
      .count_o(out_cnt[s*OC_W +: OC_W])
    );
    assign vld_o[s] = !empty;
  end

  // ---------------------------------------------------------------- flops
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      res_q     <= '0;
      outst_q   <= '0;
      arvalid_q <= 1'b0;
      arid_q    <= '0;
      araddr_q  <= '0;
      arlen_q   <= '0;
      wptr_q    <= '0;
      rptr_q    <= '0;
      err_q     <= '0;
      act_q     <= '0;
      fl_q      <= '0;
      first_q   <= '0;
      aleft_q   <= '0;
      by_q      <= '0;
      o_q       <= '0;
      b_vld_q   <= 1'b0;
      b_fl_q    <= 1'b0;
      b_first_q <= 1'b0;
      b_s_q     <= '0;
      b_o_q     <= '0;
      b_by_q    <= '0;
      bo_q      <= '0;
      brem_q    <= '0;
    end else begin
      res_q     <= res_d;
      outst_q   <= outst_d;
      arvalid_q <= arvalid_d;
      arid_q    <= arid_d;
      araddr_q  <= araddr_d;
      arlen_q   <= arlen_d;
      wptr_q    <= wptr_d;
      rptr_q    <= rptr_d;
      err_q     <= err_d;
      act_q     <= act_d;
      fl_q      <= fl_d;
      first_q   <= first_d;
      aleft_q   <= aleft_d;
      by_q      <= by_d;
      o_q       <= o_d;
      b_vld_q   <= a_go;
      b_fl_q    <= a_flush;
      b_first_q <= first_q[a_s];
      b_s_q     <= a_s;
      b_o_q     <= o_q[a_s*WO_W +: WO_W];
      b_by_q    <= by_q[a_s*32 +: 32];
      bo_q      <= bo_d;
      brem_q    <= brem_d;
    end
  end

  assign err_o = err_q;

  logic unused_sig;
  assign unused_sig = ^{addr_i, bytes_i, rid_i, unused_blast};
endmodule
