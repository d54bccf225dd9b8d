// dma_wr_align.sv - write realigner of one DMA write stream: takes the stream's
// beats (byte 0 of the request in bits 7:0 of the first beat, BUS_BYTES per beat)
// and produces the AXI beats of the BUS_BYTES-aligned span the request covers,
// each with its WSTRB (only the request's bytes: partial first and last beats),
// into a FIFO of DEPTH beats that the W channel drains. A request whose word
// offset o = addr mod BUS_BYTES / 4 is not 0 needs one output beat more than
// input beats exactly when its tail spills into a further aligned beat; that beat
// is produced without input (a flush). Not a burst splitter (dma_bgen) and not
// the W channel (dma_wr). Bytes past the request's end in the stream's last beat
// are ignored.
module dma_wr_align #(
  parameter int unsigned BUS_BYTES = 64,   // power of 2, >= 8
  parameter int unsigned DEPTH     = 32,   // power of 2
  parameter int unsigned CW        = $clog2(DEPTH + 1) // do not override
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // request (load_i only while !busy_o)
  input  logic                   load_i,
  input  logic [$clog2(BUS_BYTES)-3:0] off_i,   // word offset of the first byte in its beat
  input  logic [31:0]            bytes_i,       // > 0, multiple of 4
  output logic                   busy_o,        // input beats or a flush are pending
  // the stream's data
  input  logic                   vld_i,
  output logic                   rdy_o,
  input  logic [BUS_BYTES*8-1:0] data_i,
  // the AXI beats (FIFO head)
  input  logic                   pop_i,
  output logic [BUS_BYTES*8-1:0] wdata_o,
  output logic [BUS_BYTES-1:0]   wstrb_o,
  output logic [CW-1:0]          count_o
);
  localparam int unsigned DW    = BUS_BYTES * 8;
  localparam int unsigned OFF_W = $clog2(BUS_BYTES);
  localparam int unsigned WORDS = BUS_BYTES / 4;
  localparam int unsigned WO_W  = OFF_W - 2;

  logic              act_q, act_d, first_q, first_d;
  logic [WO_W-1:0]   o_q, o_d;
  logic [31:0]       rem_q, rem_d;     // request bytes not yet placed in an output beat
  logic [31:0]       inleft_q, inleft_d; // input beats not yet taken
  logic [DW-1:0]     prev_q;
  logic              full, take_in, flush, produce;
  logic [DW-1:0]     cur, out;
  logic [2*DW-1:0]   cat;
  logic [WO_W:0]     lo_w, hi_w;
  logic [31:0]       cnt_w, room_w;
  logic [WORDS-1:0]  wmask;
  logic [BUS_BYTES-1:0] strb;
  logic              unused_empty;

  assign busy_o  = act_q;
  // Ready depends on state only (no path from vld_i).
  assign rdy_o   = act_q && (inleft_q != 32'd0) && !full;
  assign take_in = vld_i && rdy_o;
  // After the last input beat, bytes still unplaced go out in a flush beat.
  assign flush   = act_q && (inleft_q == 32'd0) && (rem_q != 32'd0) && !full;
  assign produce = take_in || flush;

  always_comb begin
    cur = take_in ? data_i : '0;
    cat = {cur, prev_q};
    // Output word w is word w - o of this input beat, or of the previous one for w < o.
    if (o_q == '0) out = cur;
    else           out = cat[(32'(WORDS) - 32'(o_q)) * 32 +: DW];
    // Words placed: from o (first beat) or 0, as many as are left and fit.
    lo_w   = first_q ? {1'b0, o_q} : '0;
    room_w = 32'(WORDS) - 32'(lo_w);
    cnt_w  = (32'(rem_q[31:2]) < room_w) ? 32'(rem_q[31:2]) : room_w;
    hi_w   = lo_w + (WO_W+1)'(cnt_w);
    for (int w = 0; w < WORDS; w++) begin
      wmask[w] = ((WO_W+1)'(w) >= lo_w) && ((WO_W+1)'(w) < hi_w);
      strb[w*4 +: 4] = {4{wmask[w]}};
    end

    act_d    = act_q;
    first_d  = first_q;
    o_d      = o_q;
    rem_d    = rem_q;
    inleft_d = inleft_q;
    if (load_i) begin
      act_d    = 1'b1;
      first_d  = 1'b1;
      o_d      = off_i;
      rem_d    = bytes_i;
      inleft_d = 32'((34'(bytes_i) + 34'(BUS_BYTES) - 34'd1) >> OFF_W);
    end else if (produce) begin
      first_d  = 1'b0;
      rem_d    = rem_q - {cnt_w[29:0], 2'b00};
      inleft_d = inleft_q - 32'(take_in);
      act_d    = (rem_q != {cnt_w[29:0], 2'b00});
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      act_q    <= 1'b0;
      first_q  <= 1'b0;
      o_q      <= '0;
      rem_q    <= '0;
      inleft_q <= '0;
    end else begin
      act_q    <= act_d;
      first_q  <= first_d;
      o_q      <= o_d;
      rem_q    <= rem_d;
      inleft_q <= inleft_d;
    end
  end

  // The previous input beat feeds the low words of the next output beat; cleared
  // at a new request so the first beat's unstrobed lanes carry zeros, not stale data.
  always_ff @(posedge clk_i) begin
    if (!rst_ni || load_i) prev_q <= '0;
    else if (take_in)      prev_q <= cur;
  end

  dma_fifo #(
    .WIDTH(DW + BUS_BYTES),
    .DEPTH(DEPTH)
  ) u_fifo (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .push_i (produce),
    .data_i ({strb, out}),
    .pop_i  (pop_i),
    .data_o ({wstrb_o, wdata_o}),
    .empty_o(unused_empty),
    .full_o (full),
    .count_o(count_o)
  );

  logic unused_cnt;
  assign unused_cnt = ^{cnt_w[31:30], rem_q[1:0]};
endmodule
