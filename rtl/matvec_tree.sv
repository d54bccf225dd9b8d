// matvec_tree.sv - the reduction tree of the matrix-vector unit: the NSEG unit
// sums of one chunk of a registered beat of lane products (matvec_mul),
// registered with the chunk's sideband (one stage).
//
// A unit is U = 2^lgu_i bytes of the beat that lie in one matrix row and one
// scale group (docs/isa.md "Matrices in memory": every SEG_BYTES segment of a
// beat lies in one row and, for groups of at least SEG_BYTES bytes, one group).
// U = SEG_BYTES: the units are the NSEG segments, the whole beat is one chunk.
// U < SEG_BYTES (rows shorter than a segment, or INT4 groups below 2 x
// SEG_BYTES weights): the beat holds BUS_BYTES / U units, taken NSEG per cycle
// as chunks c = 0 .. SEG_BYTES / U - 1; unit u of chunk c is bytes (NSEG c + u) U
// .. + U - 1, a node at level log2(U) of its segment's tree, which the output
// selects. (The registered lanes are held for the chunks of a beat.)
// Sums are exact: |lane| <= 2^22, so SEG_BYTES lanes fit 24 + log2(SEG_BYTES) bits.
// Not here: which units end a group or a row, the scales (matvec_rowacc).
module matvec_tree #(
  parameter int unsigned BUS_BYTES = 64,
  parameter int unsigned SEG_BYTES = 16,
  parameter int unsigned SBW       = 8,                       // sideband bits
  // derived, not to be overridden
  parameter int unsigned NSEG = BUS_BYTES / SEG_BYTES,
  parameter int unsigned LGS  = $clog2(SEG_BYTES),
  parameter int unsigned USW  = 24 + LGS                      // unit sum bits
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    vld_i,
  input  logic [LGS-1:0]          chunk_i,
  input  logic [$clog2(LGS+1)-1:0] lgu_i,   // log2(U), 0 .. LGS
  input  logic [BUS_BYTES*24-1:0] lanes_i,
  input  logic [SBW-1:0]          sb_i,
  output logic                    vld_o,
  output logic [NSEG*USW-1:0]     us_o,     // unit u at [u*USW +: USW]
  output logic [SBW-1:0]          sb_o
);
  // One balanced tree per segment, as a heap: node n = node 2n + node 2n+1,
  // leaves (lanes) at SEG_BYTES .., level k (sums of 2^k lanes) at SEG_BYTES >> k ..
  logic [NSEG*2*SEG_BYTES*USW-1:0] t;
  for (genvar s = 0; s < NSEG; s++) begin : g_seg
    logic [2*SEG_BYTES*USW-1:0] h;
    always_comb begin
      h[USW-1:0] = '0;
      for (int i = 0; i < SEG_BYTES; i++) begin
        h[(SEG_BYTES + i)*USW +: USW] = {{(USW-24){lanes_i[(s*SEG_BYTES + i)*24 + 23]}},
                                         lanes_i[(s*SEG_BYTES + i)*24 +: 24]};
      end
      for (int n = SEG_BYTES - 1; n >= 1; n--) begin
        h[n*USW +: USW] = h[2*n*USW +: USW] + h[(2*n + 1)*USW +: USW];
      end
    end
    assign t[s*2*SEG_BYTES*USW +: 2*SEG_BYTES*USW] = h;
  end

  // Unit u of the chunk: the root of segment u, or for U = 2^k < SEG_BYTES
  // the level-k node of byte offset (NSEG c + u) 2^k.
  logic [NSEG*USW-1:0] us_d, us_q;
  always_comb begin
    for (int u = 0; u < NSEG; u++) begin
      us_d[u*USW +: USW] = t[(u*2*SEG_BYTES + 1)*USW +: USW];
      for (int k = 0; k < LGS; k++) begin
        if (32'(lgu_i) == k) begin
          for (int c = 0; c < (SEG_BYTES >> k); c++) begin
            if (32'(chunk_i) == c) begin
              us_d[u*USW +: USW] =
                  t[((((NSEG*c + u) << k) / SEG_BYTES) * 2*SEG_BYTES +
                     (SEG_BYTES >> k) + ((((NSEG*c + u) << k) % SEG_BYTES) >> k))*USW +: USW];
            end
          end
        end
      end
    end
  end

  logic           vld_q;
  logic [SBW-1:0] sb_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) vld_q <= 1'b0;
    else         vld_q <= vld_i;
  end
  always_ff @(posedge clk_i) begin
    if (vld_i) begin
      us_q <= us_d;
      sb_q <= sb_i;
    end
  end

  assign vld_o = vld_q;
  assign us_o  = us_q;
  assign sb_o  = sb_q;
endmodule
