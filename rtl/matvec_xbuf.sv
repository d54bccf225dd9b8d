// matvec_xbuf.sv - the int16 activation buffer of the matrix-vector unit: the
// quantized input x (act16, docs/numerics.md section 3) in rows of XR = 2 x
// SEG_BYTES elements (the x of one SEG_BYTES segment of INT4 weights, or of two
// INT8 segments), one copy per segment of a bus beat, so each of the NSEG
// segments of a weight beat reads its own row in the same cycle (the segments of
// one beat may belong to different rows of the matrix, at different offsets).
//
// Writes come from the act_quant pass, 8 consecutive elements j0 .. j0 + 7 per
// cycle, into all copies at once. Short matrix rows (a stride below SEG_BYTES)
// put several whole rows in one segment, so their x must repeat with a period of
// P elements (the row's elements in a segment): element j is stored at every
// position b of row 0 with (b mod P) == j, wmask_i = P - 1 (P a power of two;
// XR - 1 for no repetition). The writer passes lane l = x[l mod P] when P < 8.
// Not here: the quantization itself, the choice of rows to read (matvec_unit).
module matvec_xbuf #(
  parameter int unsigned BUS_BYTES  = 64,
  parameter int unsigned SEG_BYTES  = 16,
  parameter int unsigned VREG_WORDS = 4096,
  // derived, not to be overridden
  parameter int unsigned NSEG = BUS_BYTES / SEG_BYTES,        // segments per beat
  parameter int unsigned XR   = 2 * SEG_BYTES,                // elements per row
  parameter int unsigned XAW  = $clog2(VREG_WORDS / XR),      // row address bits
  parameter int unsigned JW   = $clog2(VREG_WORDS)            // element index bits
) (
  input  logic                        clk_i,
  input  logic                        we_i,
  input  logic [JW-1:0]               wj_i,     // element index of lane 0, multiple of 8
  input  logic [$clog2(XR)-1:0]       wmask_i,  // repetition period - 1
  input  logic [8*16-1:0]             wdata_i,  // lane l: element wj_i + l
  input  logic                        re_i,     // read (the outputs hold otherwise)
  input  logic [NSEG*XAW-1:0]         raddr_i,  // copy s reads row raddr_i[s]
  output logic [NSEG*XR*16-1:0]       rdata_o   // copy s: element i of its row at [(s*XR+i)*16]
);
  localparam int unsigned NSUB = XR / 8;         // 8-element sub-banks per row
  localparam int unsigned XRW  = $clog2(XR);

  // A sub-bank k (positions 8k .. 8k+7 of a row) takes the 8 elements when its
  // positions repeat j0 .. j0+7 under the period: (8k mod P) / 8 == (j0 mod P) / 8.
  logic [NSUB-1:0] sub_we;
  for (genvar k = 0; k < NSUB; k++) begin : g_we
    assign sub_we[k] = we_i &&
        (((XRW'(8 * k) & wmask_i) >> 3) == ((wj_i[XRW-1:0] & wmask_i) >> 3));
  end

  for (genvar s = 0; s < NSEG; s++) begin : g_copy
    for (genvar k = 0; k < NSUB; k++) begin : g_sub
      matvec_ram #(.W(8 * 16), .D(VREG_WORDS / XR)) u_ram (
        .clk_i,
        .we_i   (sub_we[k]),
        .waddr_i(wj_i[JW-1:XRW]),
        .wdata_i(wdata_i),
        .re_i,
        .raddr_i(raddr_i[s*XAW +: XAW]),
        .rdata_o(rdata_o[(s*XR + 8*k)*16 +: 8*16])
      );
    end
  end
endmodule
