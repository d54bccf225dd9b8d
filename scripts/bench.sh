#!/bin/sh
# bench.sh - tokens per second of the reference backend on each tiny model in
# $SHARED/models, as a table. Run by `make bench`, which builds build/rwkvacc
# first; this script builds nothing.
#
# Environment: SHARED (default ../shared), RWKVACC (default build/rwkvacc),
# BACKEND (default ref), BENCH_TOKENS (default 64), BENCH_RUNS (default 5).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
SHARED="${SHARED:-$(cd "$top/.." && pwd)/shared}"
RWKVACC="${RWKVACC:-$top/build/rwkvacc}"
BACKEND="${BACKEND:-ref}"
BENCH_TOKENS="${BENCH_TOKENS:-64}"
BENCH_RUNS="${BENCH_RUNS:-5}"

if [ ! -x "$RWKVACC" ]; then
    echo "bench: $RWKVACC not built (run make bench)" >&2
    exit 1
fi
if [ ! -d "$SHARED/models" ]; then
    echo "bench: skipped: no test models in $SHARED/models"
    exit 0
fi

echo "backend $BACKEND, $BENCH_TOKENS tokens, median of $BENCH_RUNS runs (tokens/s)"
printf '%-30s %-8s %12s %12s\n' model version one-by-one sequence
status=0
found=0
for m in "$SHARED"/models/tiny-rwkv-*.bin; do
    [ -f "$m" ] || continue
    found=1
    name=$(basename "$m" .bin)
    if ! out=$("$RWKVACC" bench --model "$m" --backend "$BACKEND" -n "$BENCH_TOKENS" \
        --runs "$BENCH_RUNS" 2>&1); then
        printf '%-30s %s\n' "$name" "$out"
        status=1
        continue
    fi
    get() { printf '%s\n' "$out" | sed -n "s/^$1: //p"; }
    printf '%-30s %-8s %12s %12s\n' "$name" "$(get version)" \
        "$(get serial_tokens_per_s)" "$(get sequence_tokens_per_s)"
done
[ "$found" -eq 1 ] || echo "bench: skipped: no tiny-rwkv-*.bin in $SHARED/models"
exit $status
