// dma_arb.sv - round-robin arbiter of the DMA: among the requesters in req_i it
// grants the first after the last winner (cyclically), so N requesters that stay
// busy get one grant each in turn. The grant is combinational from req_i; the
// pointer moves only when the caller uses the grant (take_i), so a refused grant
// keeps its turn. Not a priority arbiter, no weights.
module dma_arb #(
  parameter int unsigned N  = 4,
  parameter int unsigned IW = (N > 1) ? $clog2(N) : 1 // index width: do not override
) (
  input  logic          clk_i,
  input  logic          rst_ni,
  input  logic [N-1:0]  req_i,
  input  logic          take_i,  // the grant below is used this cycle
  output logic          vld_o,   // some requester is granted
  output logic [IW-1:0] idx_o    // which one
);
  logic [IW-1:0] last_q, last_d;

  always_comb begin
    int unsigned j;
    vld_o = 1'b0;
    idx_o = '0;
    // The first requester after the last winner, cyclically.
    for (int k = 0; k < N; k++) begin
      j = 32'(last_q) + 32'd1 + 32'(k);
      if (j >= N) j = j - N;
      if (!vld_o && req_i[j]) begin
        vld_o = 1'b1;
        idx_o = IW'(j);
      end
    end
    last_d = (take_i && vld_o) ? idx_o : last_q;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) last_q <= IW'(N - 1);  // requester 0 first after reset
    else         last_q <= last_d;
  end
endmodule
