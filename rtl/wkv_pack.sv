// wkv_pack.sv - write-stream gearbox of the matrix WKV unit: collects one
// head's new state as the unit produces it (the exponent word, then row beats
// of 1..L words, in memory order) into bus beats of W words for the DMA
// (byte 0 of the stream in the first word, the last beat's unused words
// zero). start_i announces the stream's word count; beats go out only while
// en_i (the write request is granted). The buffer holds 2 W + L words and
// accepts a push while at most 2 W words wait; rdy_o depends on registered
// state only (no path from the bus's ready into the unit's pipeline), and the
// odd exponent word never halves the rate: with the bus ready every cycle a
// push of min(L, W) words per cycle never stalls. Not an address generator.
module wkv_pack #(
  parameter int unsigned W   = 16,  // words per bus beat
  parameter int unsigned L   = 1,   // largest push
  parameter int unsigned SWW = 16   // bits of a stream's word count
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            start_i,     // a new stream of words_i words (the last one is sent)
  input  logic [SWW-1:0]  words_i,

  input  logic            push_i,      // push_cnt_i words of push_data_i (lane 0 first)
  input  logic [$clog2(L+1)-1:0] push_cnt_i,
  input  logic [L*32-1:0] push_data_i,
  output logic            rdy_o,

  input  logic            en_i,
  output logic            vld_o,
  output logic [W*32-1:0] data_o,
  input  logic            rdy_i,
  output logic            idle_o       // every word of the stream pushed and sent
);

  localparam int unsigned CAP = 2 * W + L;
  localparam int unsigned CW  = $clog2(CAP + 1);
  localparam int unsigned PW  = $clog2(L + 1);

  logic [CAP*32-1:0]    buf_q, buf_d;   // word p in bits 32p +: 32
  logic [CW-1:0]        cnt_q, cnt_d, popped, c_after;
  logic [SWW-1:0]       left_q, left_d;   // words still to be pushed
  logic                 pop;

  always_comb begin
    rdy_o  = (cnt_q <= CW'(2 * W));
    vld_o  = en_i && ((cnt_q >= CW'(W)) || (left_q == '0 && cnt_q != '0));
    pop    = vld_o && rdy_i;
    popped = pop ? ((cnt_q >= CW'(W)) ? CW'(W) : cnt_q) : '0;
    c_after = cnt_q - popped;
    for (int p = 0; p < CAP; p++) begin
      buf_d[32*p +: 32] = 32'd0;
      if (CW'(p) < c_after) begin
        if (pop) begin
          if (p + W < CAP) buf_d[32*p +: 32] = buf_q[32*(p + W) +: 32];
        end else begin
          buf_d[32*p +: 32] = buf_q[32*p +: 32];
        end
      end else if (push_i) begin
        for (int q = 0; q < L; q++) begin
          if (32'(c_after) + q == p && PW'(q) < push_cnt_i) buf_d[32*p +: 32] = push_data_i[32*q +: 32];
        end
      end
    end
    cnt_d  = c_after + (push_i ? CW'(push_cnt_i) : '0);
    left_d = left_q - (push_i ? SWW'(push_cnt_i) : '0);
    if (start_i) left_d = words_i;
    for (int q = 0; q < W; q++) begin
      data_o[32*q +: 32] = buf_q[32*q +: 32];
    end
    idle_o = (left_q == '0) && (cnt_q == '0);
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      cnt_q  <= '0;
      left_q <= '0;
      buf_q  <= '0;
    end else begin
      cnt_q  <= cnt_d;
      left_q <= left_d;
      buf_q  <= buf_d;
    end
  end

endmodule
