#!/bin/sh
# bench-rtl.sh - cycles per token of the RTL (the sim backend: Verilated,
# cycle-accurate, memory latency 100 cycles, 64 bytes per cycle) for the five tiny
# models and a random-weight model of the RWKV-7 0.1B shape, INT8, and the
# bandwidth efficiency (weight bytes per token / BUS_BYTES) / cycles per token
# (issue 5's target: 0.90). Counts, not timings: the same on every machine.
# The 0.1B token takes several minutes of simulation; BENCH_RTL_BIG=0 skips it.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
R=${RWKVACC:-build/rwkvacc}
SHARED=${SHARED:-../shared}
big=build/bench/rwkv7-0.1b-random.bin
printf '%-24s %12s %14s %10s\n' model cycles/token weight-bytes efficiency
row() {
    out=$("$R" cycles -m "$2" -b sim --weights int8 -n 1 2>&1) || { echo "$1: $out"; return 1; }
    get() { echo "$out" | sed -n "s/^$1: //p"; }
    printf '%-24s %12s %14s %10s\n' "$1" "$(get cycles_per_token)" \
        "$(get weight_bytes_per_token)" "$(get bandwidth_efficiency)"
}
status=0
for v in 4v0-660K 5v1-730K 5v2-730K 6v0-1m 7v0-834K; do
    row "tiny-rwkv-$v" "$SHARED/models/tiny-rwkv-$v-FP32.bin" || status=1
done
if [ "${BENCH_RTL_BIG:-1}" != 0 ]; then
    if [ ! -f "$big" ]; then
        mkdir -p build/bench && "$R" randmodel --version 7 --n-embd 768 --layers 12 \
            --vocab 65536 --head-size 64 --seed 1 --out "$big" >/dev/null || exit 1
    fi
    row rwkv7-0.1b-random "$big" || status=1
fi
exit $status
