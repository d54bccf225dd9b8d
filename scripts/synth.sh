#!/bin/sh
# synth.sh - Yosys 0.23 on the card's default configuration (rtl/rwkvacc_top.sv):
#   1. generic `synth` up to technology mapping, with memories kept as memories
#      (Yosys's generic flow has no RAM library and would turn the 3 MB of
#      register-file and buffer RAM into flip-flops): proves the design
#      synthesizes and counts its cells;
#   2. `synth_xilinx -family xc7`: LUT, FF, DSP and BRAM counts.
# Writes build/synth/*.log and the table of docs/resources.md (between its
# markers). Exit 1 on any Yosys error. Usage: scripts/synth.sh [--generic-only]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=build/synth
mkdir -p "$out"
files="rtl/rw_num_pkg.sv $(ls rtl/*.sv | grep -v rw_num_pkg.sv | tr '\n' ' ')"
read="read_verilog -sv -Irtl/include $files"

echo "synth: generic (yosys synth -run begin:fine, memories kept) ..." >&2
yosys -q -l "$out/generic.log" -p "$read; synth -top rwkvacc_top -run begin:fine; stat" \
    >/dev/null || { echo "synth: generic synthesis failed, see $out/generic.log" >&2; exit 1; }
[ "${1:-}" = --generic-only ] && exit 0

echo "synth: synth_xilinx -family xc7 ..." >&2
yosys -q -l "$out/xilinx.log" -p "$read; synth_xilinx -family xc7 -top rwkvacc_top; stat" \
    >/dev/null || { echo "synth: synth_xilinx failed, see $out/xilinx.log" >&2; exit 1; }
