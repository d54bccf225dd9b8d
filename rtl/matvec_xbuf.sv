// matvec_xbuf.sv - the int16 activation buffer of the matrix-vector unit: the
// quantized input x (act16, docs/numerics.md section 3) in rows of XR = 2 x
// SEG_BYTES elements (the x of one SEG_BYTES segment of INT4 weights, or of two
// INT8 segments), one copy per segment of a bus beat, so each of the NSEG
// segments of a weight beat reads its own row in the same cycle (the segments of
// one beat may belong to different rows of the matrix, at different offsets).
//
// Writes come from the act_quant pass, W consecutive elements j0 .. j0 + W - 1
// per cycle (j0 a multiple of W, W a power of two: the register file's row
// width), into all copies at once: W <= XR fills W-element sub-banks of one
// row, W > XR fills W / XR rows (row banks: row a in bank a mod (W / XR)).
// Short matrix rows (a stride below SEG_BYTES) put several whole rows in one
// segment, so their x must repeat with a period of P elements (the row's
// elements in a segment): element j is stored at every position b of row 0 with
// (b mod P) == j, wmask_i = P - 1 (P a power of two; XR - 1 for no repetition).
// The writer passes lane l = x[l mod P] when P < W (then x has one write).
// Not here: the quantization itself, the choice of rows to read (matvec_unit).
module matvec_xbuf #(
  parameter int unsigned BUS_BYTES  = 64,
  parameter int unsigned SEG_BYTES  = 16,
  parameter int unsigned VREG_WORDS = 4096,
  parameter int unsigned W          = 16,                     // elements per write
  // derived, not to be overridden
  parameter int unsigned NSEG = BUS_BYTES / SEG_BYTES,        // segments per beat
  parameter int unsigned XR   = 2 * SEG_BYTES,                // elements per row
  parameter int unsigned XAW  = $clog2(VREG_WORDS / XR),      // row address bits
  parameter int unsigned JW   = $clog2(VREG_WORDS)            // element index bits
) (
  input  logic                        clk_i,
  input  logic                        we_i,
  input  logic [JW-1:0]               wj_i,     // element index of lane 0, multiple of W
  input  logic [$clog2(XR)-1:0]       wmask_i,  // repetition period - 1
  input  logic [W*16-1:0]             wdata_i,  // lane l: element wj_i + l
  input  logic                        re_i,     // read (the outputs hold otherwise)
  input  logic [NSEG*XAW-1:0]         raddr_i,  // copy s reads row raddr_i[s]
  output logic [NSEG*XR*16-1:0]       rdata_o   // copy s: element i of its row at [(s*XR+i)*16]
);
  localparam int unsigned XRW  = $clog2(XR);
  localparam int unsigned WS   = (W < XR) ? W : XR;      // sub-bank width, elements
  localparam int unsigned NSUB = XR / WS;                // sub-banks per row
  localparam int unsigned NRB  = (W > XR) ? W / XR : 1;  // row banks
  localparam int unsigned LRB  = $clog2(NRB);
  localparam int unsigned BAW  = XAW - LRB;              // bank address bits

  if ((1 << $clog2(W)) != W || VREG_WORDS / XR < 2 * NRB) begin : g_cfg
    $error("matvec_xbuf: W must be a power of two with VREG_WORDS >= 2 W");
  end

  // A sub-bank k (positions WS k .. WS k + WS - 1 of a row) takes the elements
  // when its positions repeat j0 .. j0 + WS - 1 under the period:
  // (WS k mod P) / WS == (j0 mod P) / WS (always when P <= W: one write).
  logic [NSUB-1:0] sub_we;
  if (W >= XR) begin : g_wide
    logic unused_wj;   // whole rows: no repetition (one write), j0 a multiple of W
    assign unused_wj = ^{wmask_i, wj_i[XRW+LRB-1:0]};
  end
  for (genvar k = 0; k < NSUB; k++) begin : g_we
    if (W >= XR) begin : g_all
      assign sub_we[k] = we_i;
    end else begin : g_sel
      logic [XRW-1:0] pk, pj;   // positions mod P
      assign pk = XRW'(WS * k) & wmask_i;
      assign pj = wj_i[XRW-1:0] & wmask_i;
      assign sub_we[k] = we_i && (32'(pk) / WS == 32'(pj) / WS);
    end
  end

  for (genvar s = 0; s < NSEG; s++) begin : g_copy
    logic [NRB*XR*16-1:0] bank_rd;
    for (genvar i = 0; i < NRB; i++) begin : g_rbank
      for (genvar k = 0; k < NSUB; k++) begin : g_sub
        matvec_ram #(.W(WS * 16), .D(VREG_WORDS / XR / NRB)) u_ram (
          .clk_i,
          .we_i   (sub_we[k]),
          .waddr_i(wj_i[JW-1:XRW+LRB]),
          .wdata_i(wdata_i[i*XR*16 +: WS*16]),   // W < XR: i = 0, the whole write
          .re_i,
          .raddr_i(raddr_i[s*XAW + LRB +: BAW]),
          .rdata_o(bank_rd[(i*XR + k*WS)*16 +: WS*16])
        );
      end
    end
    if (NRB == 1) begin : g_one
      assign rdata_o[s*XR*16 +: XR*16] = bank_rd;
    end else begin : g_sel
      logic [LRB-1:0] sel_q;
      always_ff @(posedge clk_i) begin
        if (re_i) sel_q <= raddr_i[s*XAW +: LRB];
      end
      assign rdata_o[s*XR*16 +: XR*16] = bank_rd[32'(sel_q)*XR*16 +: XR*16];
    end
  end
endmodule
