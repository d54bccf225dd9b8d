#!/bin/sh
# bench.sh - tokens per second of the reference backend and of the golden model
# (INT8 weights, quantized on open) side by side, one token per call and in
# sequence mode: on each tiny model in $SHARED/models, then on a random-weight
# model of the RWKV-7 0.1B shape (n_embd 768, 12 layers, vocabulary 65536, head
# size 64), generated once to build/bench/rwkv7-0.1b-random.bin and reused.
# After each table, per model: the weight bytes the C model of the card reads per
# token (INT8) against the minimum, every weight byte once (`rwkvacc info
# --image`); a ratio above 1.02 fails the bench.
# Run by `make bench`, which builds build/rwkvacc first; this script builds
# nothing else.
#
# Environment: SHARED (default ../shared), RWKVACC (default build/rwkvacc),
# BENCH_TOKENS (default 64), BENCH_RUNS (default 5) for the tiny models;
# BIG_TOKENS (default 32), BIG_RUNS (default 3) for the 0.1B shape, or BIG=0 to
# leave it out.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
SHARED="${SHARED:-$(cd "$top/.." && pwd)/shared}"
RWKVACC="${RWKVACC:-$top/build/rwkvacc}"
BENCH_TOKENS="${BENCH_TOKENS:-64}"
BENCH_RUNS="${BENCH_RUNS:-5}"
BIG_TOKENS="${BIG_TOKENS:-32}"
BIG_RUNS="${BIG_RUNS:-3}"
BIG="${BIG:-1}"
big_model=build/bench/rwkv7-0.1b-random.bin

if [ ! -x "$RWKVACC" ]; then
    echo "bench: $RWKVACC not built (run make bench)" >&2
    exit 1
fi

status=0
get() { printf '%s\n' "$1" | sed -n "s/^$2: //p"; }
# row NAME MODEL TOKENS RUNS: one table row, ref then golden INT8.
row() {
    r=$("$RWKVACC" bench --model "$2" --backend ref -n "$3" --runs "$4" 2>&1) ||
        { printf '%-30s %s\n' "$1" "$r"; status=1; return; }
    g=$("$RWKVACC" bench --model "$2" --backend golden --weights int8 -n "$3" \
        --runs "$4" 2>&1) || { printf '%-30s %s\n' "$1" "$g"; status=1; return; }
    printf '%-30s %-8s %11s %11s %11s %11s\n' "$1" "$(get "$r" version)" \
        "$(get "$r" serial_tokens_per_s)" "$(get "$r" sequence_tokens_per_s)" \
        "$(get "$g" serial_tokens_per_s)" "$(get "$g" sequence_tokens_per_s)"
}
# wrow NAME MODEL: weight bytes read per token against the minimum.
wrow() {
    w=$("$RWKVACC" info "$2" --image --weights int8 2>&1) ||
        { printf '%-30s %s\n' "$1" "$w"; status=1; return; }
    ratio=$(get "$w" weight_read_ratio)
    printf '%-30s %8s %15s %15s %8s\n' "$1" "$(get "$w" instructions_per_token)" \
        "$(get "$w" weight_bytes_read)" "$(get "$w" weight_bytes_minimum)" "$ratio"
    awk -v r="$ratio" 'BEGIN { exit !(r >= 1 && r <= 1.02) }' ||
        { echo "bench: $1: weight bytes read per token not within 2% of the minimum"; status=1; }
}
wheader() {
    echo
    echo "weight bytes per token, C model of the card, INT8 (rwkvacc info --image):"
    printf '%-30s %8s %15s %15s %8s\n' model insns read minimum ratio
}
header() {
    printf '%-30s %-8s %11s %11s %11s %11s\n' "" "" ref ref golden golden
    printf '%-30s %-8s %11s %11s %11s %11s\n' model version one-by-one sequence \
        one-by-one sequence
}

echo "tokens/s: ref (float32) and golden (INT8 weights), median of $BENCH_RUNS runs of" \
    "$BENCH_TOKENS tokens"
header
found=0
if [ -d "$SHARED/models" ]; then
    for m in "$SHARED"/models/tiny-rwkv-*.bin; do
        [ -f "$m" ] || continue
        found=1
        row "$(basename "$m" .bin)" "$m" "$BENCH_TOKENS" "$BENCH_RUNS"
    done
fi
[ "$found" -eq 1 ] || echo "bench: skipped tiny models: no tiny-rwkv-*.bin in $SHARED/models"
if [ "$found" -eq 1 ]; then
    wheader
    for m in "$SHARED"/models/tiny-rwkv-*.bin; do
        [ -f "$m" ] && wrow "$(basename "$m" .bin)" "$m"
    done
fi

[ "$BIG" = 0 ] && exit $status
echo
echo "random-weight model of the RWKV-7 0.1B shape: fewer tokens and runs, median of" \
    "$BIG_RUNS runs of $BIG_TOKENS tokens"
if [ ! -f "$big_model" ]; then
    echo "bench: generating $big_model (once; delete it to regenerate)"
    mkdir -p build/bench &&
        "$RWKVACC" randmodel --version 7 --n-embd 768 --layers 12 --vocab 65536 \
            --head-size 64 --seed 1 --out "$big_model" || exit 1
fi
header
row rwkv7-0.1b-random "$big_model" "$BIG_TOKENS" "$BIG_RUNS"
wheader
wrow rwkv7-0.1b-random "$big_model"
exit $status
