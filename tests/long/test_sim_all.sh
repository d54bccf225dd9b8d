#!/bin/sh
# test_sim_all.sh - issue 5's acceptance on the virtual card: raw logits of the
# sim backend byte-identical to golden for all five tiny models, INT8 and INT4,
# over 64 tokens of English, and for random-weight models with head size 64 and
# n_embd 256 (RWKV-7 and 5.2, 2 layers, vocabulary 4096). Two runs at a time
# (2 cores); about half an hour. Run by make test-long with the optimized build.
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/../cli/lib.sh"

R=$RWKVACC
need_shared sim_all_models || exit 0
TEXT=$(head -c 64 /usr/share/common-licenses/GPL-3)

one() { # NAME MODEL BITS: prints the result line
    s=$(date +%s)
    if ! "$R" logits -m "$2" -b sim --weights "$3" --raw -p "$TEXT" -o "$TMP/$1.s" 2>"$TMP/$1.e"; then
        fail "$1" "sim: $(head -c 300 "$TMP/$1.e")"
    elif ! "$R" logits -m "$2" -b golden --weights "$3" --raw -p "$TEXT" -o "$TMP/$1.g" 2>"$TMP/$1.e"; then
        fail "$1" "golden: $(head -c 300 "$TMP/$1.e")"
    elif cmp -s "$TMP/$1.s" "$TMP/$1.g" && [ -s "$TMP/$1.g" ]; then
        ok "$1"
        echo "# $1: 64 tokens in $(($(date +%s) - s)) s"
    else fail "$1" "raw logits differ: $(cmp "$TMP/$1.s" "$TMP/$1.g" 2>&1 | head -c 200)"; fi
}

for v in 7 5.2; do
    "$R" randmodel --version "$v" --n-embd 256 --layers 2 --vocab 4096 --head-size 64 \
        --seed 5 --out "$TMP/r$v.bin" >/dev/null 2>&1 || fail "sim_randmodel_$v" "randmodel failed"
done
set -- 7v0-834K 4v0-660K 5v1-730K 5v2-730K 6v0-1m
jobs=""
for v in "$@"; do
    for w in int8 int4; do
        one "sim_equals_golden_${v}_$w" "$SHARED/models/tiny-rwkv-$v-FP32.bin" $w &
        jobs="$jobs $!"
        [ "$(echo $jobs | wc -w)" -ge 2 ] && { wait; jobs=""; }
    done
done
wait
one sim_equals_golden_random7_h64_c256_int8 "$TMP/r7.bin" int8 &
one sim_equals_golden_random52_h64_c256_int4 "$TMP/r5.2.bin" int4 &
wait
exit 0
