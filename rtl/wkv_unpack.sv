// wkv_unpack.sv - read-stream gearbox of the matrix WKV unit: turns the DMA's
// bus beats (W words each, byte 0 of the stream in the first word) of one
// head's state (the exponent word, then N x N mantissas row-major) into the
// unit's row beats: the e word alone, then per row R = ceil(N / L) beats of
// L lanes, lane l of beat b holding column b L + l (zero past the row's end).
// Every stream's word count is given when its request is granted (load_i);
// the padding of its last bus beat is dropped. Streams of consecutive heads
// may follow each other without a gap: the parser counts e + N x N words per
// head. A buffer of W + L words lets the output run at one row beat per cycle
// while W >= L. Not a FIFO of beats, no alignment to addresses (the DMA does
// that); L must be a power of two.
module wkv_unpack #(
  parameter int unsigned W   = 16,  // words per bus beat
  parameter int unsigned L   = 1,   // lanes: words per row beat (power of two)
  parameter int unsigned HSW = 7,   // bits of the head size
  parameter int unsigned SWW = 16   // bits of a stream's word count
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             clear_i,     // a new operation: empty, expect an e word
  input  logic [HSW-1:0]   hs_i,        // head size N (stable during the operation)

  input  logic             load_i,      // a stream of words_i words follows
  input  logic [SWW-1:0]   words_i,
  output logic             busy_o,      // words of the current stream still to come

  input  logic             vld_i,
  output logic             rdy_o,
  input  logic [W*32-1:0]  data_i,

  output logic             out_vld_o,   // an item is ready (taken with take_i)
  output logic             out_e_o,     // the item is a head's exponent word (lane 0)
  output logic [L*32-1:0]  out_data_o,
  output logic [HSW-1:0]   out_row_o,   // row beat: its row
  output logic [HSW-1:0]   out_beat_o,  //           and beat in the row
  output logic             out_rl_o,    //           the row's last beat
  output logic [HSW:0]     out_cnt_o,   //           lanes holding a column (1..L)
  input  logic             take_i
);

  localparam int unsigned CAP = W + L;
  localparam int unsigned CW  = $clog2(CAP + 1);
  localparam int unsigned LB  = $clog2(L);

  logic [CAP*32-1:0]    buf_q, buf_d;   // word p in bits 32p +: 32
  logic [CW-1:0]        cnt_q, cnt_d;
  logic [SWW-1:0]       left_q, left_d;
  logic                 at_e_q, at_e_d;
  logic [HSW-1:0]       row_q, row_d, beat_q, beat_d;

  logic [HSW-1:0]       rbeats;   // R = ceil(N / L)
  logic [HSW:0]         rem;      // columns from this beat to the row's end
  logic [CW-1:0]        need, taken, c_after, nacc;
  logic                 emit, accept;

  // Output side: registered state only (take_i does not feed back into it).
  always_comb begin
    rbeats = HSW'(({1'b0, hs_i} + (HSW+1)'(L - 1)) >> LB);
    rem    = {1'b0, hs_i} - ({1'b0, beat_q} << LB);
    if (at_e_q) need = CW'(1);
    else if (rem >= (HSW+1)'(L)) need = CW'(L);
    else need = CW'(rem);
    out_vld_o = (cnt_q >= need);
    out_e_o   = at_e_q;
    for (int l = 0; l < L; l++) begin
      out_data_o[32*l +: 32] = (CW'(l) < need) ? buf_q[32*l +: 32] : 32'd0;
    end
    out_row_o  = row_q;
    out_beat_o = beat_q;
    out_rl_o   = (beat_q == rbeats - HSW'(1));
    out_cnt_o  = (HSW+1)'(need);
    busy_o     = (left_q != '0);
  end

  // Input side and the next state.
  always_comb begin
    emit    = out_vld_o && take_i;
    taken   = emit ? need : '0;
    c_after = cnt_q - taken;
    rdy_o   = (left_q != '0) && (32'(c_after) + W <= CAP);
    accept  = vld_i && rdy_o;
    nacc    = (left_q >= SWW'(W)) ? CW'(W) : CW'(left_q);

    for (int p = 0; p < CAP; p++) begin
      buf_d[32*p +: 32] = 32'd0;
      if (CW'(p) < c_after) begin
        // (the bound keeps p + t inside the buffer)
        for (int t = 0; t < ((CAP - p < L + 1) ? CAP - p : L + 1); t++) begin
          if (CW'(t) == taken) buf_d[32*p +: 32] = buf_q[32*(p + t) +: 32];
        end
      end else if (accept) begin
        for (int q = 0; q < W; q++) begin
          if (32'(c_after) + q == p && CW'(q) < nacc) buf_d[32*p +: 32] = data_i[32*q +: 32];
        end
      end
    end
    cnt_d  = c_after + (accept ? nacc : '0);
    left_d = left_q - (accept ? SWW'(nacc) : '0);
    if (load_i) left_d = words_i;

    at_e_d = at_e_q;
    row_d  = row_q;
    beat_d = beat_q;
    if (emit) begin
      if (at_e_q) begin
        at_e_d = 1'b0;
        row_d  = '0;
        beat_d = '0;
      end else if (beat_q == rbeats - HSW'(1)) begin
        beat_d = '0;
        if (row_q == hs_i - HSW'(1)) at_e_d = 1'b1;
        else row_d = row_q + HSW'(1);
      end else begin
        beat_d = beat_q + HSW'(1);
      end
    end

    if (clear_i) begin
      cnt_d  = '0;
      at_e_d = 1'b1;
      if (!load_i) left_d = '0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      cnt_q  <= '0;
      left_q <= '0;
      at_e_q <= 1'b1;
    end else begin
      cnt_q  <= cnt_d;
      left_q <= left_d;
      at_e_q <= at_e_d;
    end
  end

  always_ff @(posedge clk_i) begin
    buf_q  <= buf_d;
    row_q  <= row_d;
    beat_q <= beat_d;
  end

endmodule
