// wkv_hdiv.sv - head size of the multi-head units (WKV 5/7, BONUS7): divides
// the element count n by the head count H = IMM with a restoring division,
// one quotient bit per cycle (NW cycles), and checks card.c heads_ok:
// H != 0, n % H == 0 and 1 <= n / H <= MAXN. ok_o and hs_o (the head size N)
// are valid with done_o and held until the next start_i. Not a general
// divider: the quotient is only returned when it is a valid head size.
module wkv_hdiv #(
  parameter int unsigned MAXN = 64,               // largest head size
  parameter int unsigned NW   = 13,               // bits of n
  parameter int unsigned HW   = 16,               // bits of H (the IMM field)
  parameter int unsigned HSW  = $clog2(MAXN + 1)  // bits of the head size
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           start_i,
  input  logic [NW-1:0]  n_i,   // held stable until done_o
  input  logic [HW-1:0]  h_i,
  output logic           done_o,
  output logic           ok_o,
  output logic [HSW-1:0] hs_o
);

  localparam int unsigned CW = $clog2(NW + 1);

  logic          busy_q, busy_d, done_q, done_d, ok_q, ok_d;
  logic [CW-1:0] step_q, step_d;   // quotient bits still to compute
  logic [HW:0]   rem_q, rem_d;     // partial remainder, < 2 H
  logic [NW-1:0] quo_q, quo_d;
  logic [HW:0]   trial;            // remainder with the next dividend bit
  logic [CW-1:0] bitsel;           // that bit's index, NW-1 down to 0

  always_comb begin
    busy_d = busy_q;
    done_d = 1'b0;
    ok_d   = ok_q;
    step_d = step_q;
    rem_d  = rem_q;
    quo_d  = quo_q;
    bitsel = (step_q != '0) ? step_q - CW'(1) : '0;
    trial  = {rem_q[HW-1:0], n_i[bitsel]};
    if (start_i) begin
      busy_d = 1'b1;
      ok_d   = 1'b0;
      step_d = CW'(NW);
      rem_d  = '0;
      quo_d  = '0;
    end else if (busy_q) begin
      if (step_q != '0) begin
        step_d = step_q - CW'(1);
        if (trial >= {1'b0, h_i}) begin
          rem_d = trial - {1'b0, h_i};
          quo_d = {quo_q[NW-2:0], 1'b1};
        end else begin
          rem_d = trial;
          quo_d = {quo_q[NW-2:0], 1'b0};
        end
      end else begin
        busy_d = 1'b0;
        done_d = 1'b1;
        ok_d   = (h_i != '0) && (rem_q == '0) && (quo_q != '0) &&
                 (quo_q <= NW'(MAXN));
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      done_q <= 1'b0;
      ok_q   <= 1'b0;
    end else begin
      busy_q <= busy_d;
      done_q <= done_d;
      ok_q   <= ok_d;
    end
  end

  always_ff @(posedge clk_i) begin
    step_q <= step_d;
    rem_q  <= rem_d;
    quo_q  <= quo_d;
  end

  assign done_o = done_q;
  assign ok_o   = ok_q;
  assign hs_o   = quo_q[HSW-1:0];

endmodule
