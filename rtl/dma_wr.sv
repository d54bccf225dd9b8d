// dma_wr.sv - the write half of the DMA (docs/rtl.md, "streams"): N_WR write
// streams on one AXI4 AW/W/B channel set. Not the AXI interface as a whole
// (dma.sv adds the constant fields), no address checks.
//
// How it works:
// - Request: a stream's (addr, bytes) is accepted when the stream has neither
//   data to take nor bursts to issue of its previous request (earlier requests
//   may still wait for their B responses: done pulses come in request order).
// - Data: dma_wr_align realigns the stream's beats to AXI beats with WSTRB into a
//   per-stream FIFO of WBUF_BEATS beats.
// - AW: a burst (dma_bgen: aligned, ends on a BURST_BEATS boundary, so never
//   across 4 KB) is issued only when all its beats are in the FIFO, so W never
//   waits for a slow producer in the middle of a burst and one stream cannot
//   hold the W channel. Round-robin among ready streams, one AW per cycle.
//   AWID = stream index.
// - W: beats follow AW order (AXI4 has no write interleaving) from a small queue
//   of (stream, length) written at AW time.
// - B: same-ID responses come in order; a per-stream queue written at AW time
//   says which B ends a request; mwr_done pulses after the last B of a request
//   (with err if any B of it was not OKAY). A zero-byte request gets a queue entry
//   that needs no B, so its done still comes in order.
module dma_wr #(
  parameter int unsigned N_WR        = 2,
  parameter int unsigned BUS_BYTES   = 64,   // power of 2, >= 8
  parameter int unsigned BURST_BEATS = 16,   // power of 2, 2 .. 4096 / BUS_BYTES
  parameter int unsigned WBUF_BEATS  = 32,   // per stream, power of 2, >= BURST_BEATS
  parameter int unsigned MAX_WB      = 8,    // write bursts awaiting B per stream, power of 2
  parameter int unsigned ID_W        = 4,    // >= $clog2(N_WR)
  parameter int unsigned WQ_DEPTH    = 4     // AW issued, W not yet sent, power of 2
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  // streams (stream s in bits [s*W +: W])
  input  logic [N_WR-1:0]             req_i,
  output logic [N_WR-1:0]             gnt_o,
  input  logic [N_WR*64-1:0]          addr_i,
  input  logic [N_WR*32-1:0]          bytes_i,
  input  logic [N_WR-1:0]             vld_i,
  output logic [N_WR-1:0]             rdy_o,
  input  logic [N_WR*BUS_BYTES*8-1:0] data_i,
  output logic [N_WR-1:0]             done_o,
  output logic [N_WR-1:0]             err_o,   // with done_o: some B response was not OKAY
  // AXI4 AW, W, B
  output logic [ID_W-1:0]             awid_o,
  output logic [63:0]                 awaddr_o,
  output logic [7:0]                  awlen_o,
  output logic                        awvalid_o,
  input  logic                        awready_i,
  output logic [BUS_BYTES*8-1:0]      wdata_o,
  output logic [BUS_BYTES-1:0]        wstrb_o,
  output logic                        wlast_o,
  output logic                        wvalid_o,
  input  logic                        wready_i,
  input  logic [ID_W-1:0]             bid_i,
  input  logic [1:0]                  bresp_i,
  input  logic                        bvalid_i,
  output logic                        bready_o
);
  localparam int unsigned DW    = BUS_BYTES * 8;
  localparam int unsigned OFF_W = $clog2(BUS_BYTES);
  localparam int unsigned SI_W  = (N_WR > 1) ? $clog2(N_WR) : 1;
  localparam int unsigned FC_W  = $clog2(WBUF_BEATS + 1);
  localparam int unsigned WQ_W  = SI_W + 9;                   // {stream, beats}

  logic [N_WR-1:0]           gen_busy, gen_take, gen_last, al_busy, al_pop, al_load;
  logic [N_WR*64-1:0]        gen_addr;
  logic [N_WR*9-1:0]         gen_len;
  logic [N_WR*FC_W-1:0]      al_cnt;
  logic [N_WR*DW-1:0]        al_data;
  logic [N_WR*BUS_BYTES-1:0] al_strb;
  logic [N_WR-1:0]           dq_push, dq_pop, dq_empty, dq_full;
  logic [N_WR*2-1:0]         dq_wdata, dq_rdata;    // {no B needed, last of request}
  logic [N_WR-1:0]           zero_req;

  // ---------------------------------------------------------------- requests, data
  for (genvar s = 0; s < N_WR; s++) begin : g_stream
    logic [63:0] a;
    logic [31:0] b, na;
    logic [33:0] sum;
    logic [$clog2(MAX_WB+1)-1:0] unused_dq_cnt;

    assign a   = {addr_i[s*64+2 +: 62], 2'b00};
    assign b   = {bytes_i[s*32+2 +: 30], 2'b00};
    assign sum = 34'(b) + 34'(a[OFF_W-1:0]) + 34'(BUS_BYTES) - 34'd1;
    assign na  = 32'(sum >> OFF_W);

    assign gnt_o[s]    = !al_busy[s] && !gen_busy[s] && !dq_full[s];
    assign al_load[s]  = req_i[s] && gnt_o[s] && (b != 32'd0);
    assign zero_req[s] = req_i[s] && gnt_o[s] && (b == 32'd0);

    dma_bgen #(
      .BUS_BYTES  (BUS_BYTES),
      .BURST_BEATS(BURST_BEATS)
    ) u_bgen (
      .clk_i  (clk_i),
      .rst_ni (rst_ni),
      .load_i (al_load[s]),
      .addr_i (a),
      .beats_i(na),
      .take_i (gen_take[s]),
      .busy_o (gen_busy[s]),
      .baddr_o(gen_addr[s*64 +: 64]),
      .blen_o (gen_len[s*9 +: 9]),
      .blast_o(gen_last[s])
    );

    dma_wr_align #(
      .BUS_BYTES(BUS_BYTES),
      .DEPTH    (WBUF_BEATS)
    ) u_align (
      .clk_i  (clk_i),
      .rst_ni (rst_ni),
      .load_i (al_load[s]),
      .off_i  (a[OFF_W-1:2]),
      .bytes_i(b),
      .busy_o (al_busy[s]),
      .vld_i  (vld_i[s]),
      .rdy_o  (rdy_o[s]),
      .data_i (data_i[s*DW +: DW]),
      .pop_i  (al_pop[s]),
      .wdata_o(al_data[s*DW +: DW]),
      .wstrb_o(al_strb[s*BUS_BYTES +: BUS_BYTES]),
      .count_o(al_cnt[s*FC_W +: FC_W])
    );

    dma_fifo #(
      .WIDTH(2),
      .DEPTH(MAX_WB)
    ) u_dq (
      .clk_i  (clk_i),
      .rst_ni (rst_ni),
      .push_i (dq_push[s]),
      .data_i (dq_wdata[s*2 +: 2]),
      .pop_i  (dq_pop[s]),
      .data_o (dq_rdata[s*2 +: 2]),
      .empty_o(dq_empty[s]),
      .full_o (dq_full[s]),
      .count_o(unused_dq_cnt)
    );
  end

  // ---------------------------------------------------------------- AW
  logic [N_WR-1:0]      aw_cand;
  logic                 aw_free, aw_any, aw_take;
  logic [SI_W-1:0]      aw_idx;
  logic [N_WR*FC_W-1:0] clm_q, clm_d;        // FIFO beats already given to an issued AW
  logic                 awvalid_q, awvalid_d;
  logic [ID_W-1:0]      awid_q, awid_d;
  logic [63:0]          awaddr_q, awaddr_d;
  logic [7:0]           awlen_q, awlen_d;
  logic                 wq_push, wq_pop, wq_empty, wq_full;
  logic [WQ_W-1:0]      wq_wdata, wq_rdata;
  logic [$clog2(WQ_DEPTH+1)-1:0] unused_wq_cnt;

  assign aw_free = !awvalid_q || awready_i;

  always_comb begin
    for (int s = 0; s < N_WR; s++) begin
      // All of the burst's beats are in the FIFO and not claimed by an earlier AW.
      aw_cand[s] = gen_busy[s] && !dq_full[s] && !wq_full
                && (32'(al_cnt[s*FC_W +: FC_W]) - 32'(clm_q[s*FC_W +: FC_W])
                    >= 32'(gen_len[s*9 +: 9]));
    end
  end

  dma_arb #(.N(N_WR)) u_aw_arb (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .req_i (aw_cand),
    .take_i(aw_free),
    .vld_o (aw_any),
    .idx_o (aw_idx)
  );

  assign aw_take  = aw_free && aw_any;
  assign wq_push  = aw_take;
  assign wq_wdata = {aw_idx, gen_len[aw_idx*9 +: 9]};

  always_comb begin
    awvalid_d = awvalid_q;
    awid_d    = awid_q;
    awaddr_d  = awaddr_q;
    awlen_d   = awlen_q;
    if (aw_free) begin
      awvalid_d = aw_any;
      if (aw_any) begin
        awid_d   = ID_W'(aw_idx);
        awaddr_d = gen_addr[aw_idx*64 +: 64];
        awlen_d  = 8'(gen_len[aw_idx*9 +: 9] - 9'd1);
      end
    end
    for (int s = 0; s < N_WR; s++) begin
      gen_take[s] = aw_take && (aw_idx == SI_W'(s));
      // Zero-byte requests only come while the stream has no burst to issue.
      dq_push[s]           = gen_take[s] || zero_req[s];
      dq_wdata[s*2 +: 2]   = gen_take[s] ? {1'b0, gen_last[s]} : 2'b11;
    end
  end

  assign awvalid_o = awvalid_q;
  assign awid_o    = awid_q;
  assign awaddr_o  = awaddr_q;
  assign awlen_o   = awlen_q;

  dma_fifo #(
    .WIDTH(WQ_W),
    .DEPTH(WQ_DEPTH)
  ) u_wq (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .push_i (wq_push),
    .data_i (wq_wdata),
    .pop_i  (wq_pop),
    .data_o (wq_rdata),
    .empty_o(wq_empty),
    .full_o (wq_full),
    .count_o(unused_wq_cnt)
  );

  // ---------------------------------------------------------------- W
  logic [SI_W-1:0] w_s;
  logic [8:0]      w_len;
  logic [7:0]      wbeat_q, wbeat_d;
  logic            w_hs;

  assign {w_s, w_len} = wq_rdata;
  // The FIFO holds every beat of an issued burst, so W never waits for data.
  assign wvalid_o = !wq_empty;
  assign wdata_o  = al_data[w_s*DW +: DW];
  assign wstrb_o  = al_strb[w_s*BUS_BYTES +: BUS_BYTES];
  assign wlast_o  = (9'(wbeat_q) + 9'd1 == w_len);
  assign w_hs     = wvalid_o && wready_i;
  assign wq_pop   = w_hs && wlast_o;

  always_comb begin
    wbeat_d = wbeat_q;
    if (w_hs) wbeat_d = wlast_o ? 8'd0 : wbeat_q + 8'd1;
    clm_d = clm_q;
    for (int s = 0; s < N_WR; s++) begin
      al_pop[s] = w_hs && (w_s == SI_W'(s));
      clm_d[s*FC_W +: FC_W] = clm_q[s*FC_W +: FC_W]
          + ((aw_take && (aw_idx == SI_W'(s))) ? FC_W'(gen_len[s*9 +: 9]) : FC_W'(0))
          - FC_W'(al_pop[s]);
    end
  end

  // ---------------------------------------------------------------- B, done
  logic            nob_head;   // some stream's next done needs no B (zero-byte request)
  logic            b_hs, b_ok;
  logic [SI_W-1:0] b_s;
  logic [N_WR-1:0] done_q, done_d, errp_q, errp_d, erracc_q, erracc_d;

  always_comb begin
    nob_head = 1'b0;
    for (int s = 0; s < N_WR; s++) nob_head = nob_head || (!dq_empty[s] && dq_rdata[s*2+1]);
  end

  // Hold B for the cycle a zero-byte entry leaves its queue, so a queue never pops twice.
  assign bready_o = !nob_head;
  assign b_hs     = bvalid_i && bready_o;
  assign b_ok     = b_hs && (32'(bid_i) < N_WR);
  assign b_s      = SI_W'(bid_i);

  always_comb begin
    done_d   = '0;
    errp_d   = '0;
    erracc_d = erracc_q;
    for (int s = 0; s < N_WR; s++) begin
      logic mine, berr;
      mine = b_ok && (b_s == SI_W'(s)) && !dq_empty[s];
      berr = mine && (bresp_i != 2'b00);
      dq_pop[s] = (!dq_empty[s] && dq_rdata[s*2+1]) || mine;
      if (dq_pop[s] && dq_rdata[s*2]) begin
        done_d[s]   = 1'b1;
        errp_d[s]   = erracc_q[s] || berr;
        erracc_d[s] = 1'b0;
      end else if (berr) begin
        erracc_d[s] = 1'b1;
      end
    end
  end

  assign done_o = done_q;
  assign err_o  = errp_q;

  // ---------------------------------------------------------------- flops
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      awvalid_q <= 1'b0;
      awid_q    <= '0;
      awaddr_q  <= '0;
      awlen_q   <= '0;
      clm_q     <= '0;
      wbeat_q   <= '0;
      done_q    <= '0;
      errp_q    <= '0;
      erracc_q  <= '0;
    end else begin
      awvalid_q <= awvalid_d;
      awid_q    <= awid_d;
      awaddr_q  <= awaddr_d;
      awlen_q   <= awlen_d;
      clm_q     <= clm_d;
      wbeat_q   <= wbeat_d;
      done_q    <= done_d;
      errp_q    <= errp_d;
      erracc_q  <= erracc_d;
    end
  end

  logic unused_sig;
  assign unused_sig = ^{addr_i, bytes_i, bid_i};
endmodule
