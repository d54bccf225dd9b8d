#!/bin/sh
# test_formats.sh - the same weights in other files give the same logits: an
# official-style safetensors checkpoint (F32, F16, BF16) written by
# scripts/bin2safetensors.py, which undoes rwkv.cpp's tensor transforms
# independently of the C loader, and an FP16 rwkv.cpp file from scripts/bin2fp16.py.
. tests/cli/lib.sh
need_shared formats || exit 0
M="$SHARED/models"
PROMPT=$(cat "$M/reference-prompt.txt")

# compare NAME LIMIT A B
compare() {
    if r=$(python3 scripts/cmp_logits.py "$3" "$4" --max-abs "$2"); then ok "$1"; echo "# $1: $r"
    else fail "$1" "$r (limit $2)"; fi
}

for v in 4v0-660K 5v1-730K 5v2-730K 6v0-1m 7v0-834K; do
    bin="$M/tiny-rwkv-$v-FP32.bin"
    "$RWKVACC" logits --model "$bin" --prompt "$PROMPT" --out "$TMP/$v.f32" 2>"$TMP/err" ||
        { fail "formats-$v" "$(cat "$TMP/err")"; continue; }
    for dt in F32 F16 BF16; do
        st="$TMP/$v-$dt.safetensors"
        if ! python3 scripts/bin2safetensors.py "$bin" "$st" --dtype "$dt" >"$TMP/err" 2>&1 ||
           ! "$RWKVACC" logits --model "$st" --prompt "$PROMPT" --out "$TMP/$v-$dt.st" 2>"$TMP/err"; then
            fail "safetensors-$dt-$v" "$(cat "$TMP/err")"
            continue
        fi
        # F32: only the rounding of undoing and redoing rwkv.cpp's transforms (seen: 0).
        # F16/BF16 here round every tensor, the decays' logarithms too, unlike an
        # rwkv.cpp FP16 file (matrices only; limit 2e-2 below). Seen: F16 <= 0.022,
        # BF16 <= 0.17 (6.0 and 7.0 were trained in bf16: exactly 0).
        case $dt in F32) lim=1e-4 ;; F16) lim=5e-2 ;; BF16) lim=0.25 ;; esac
        compare "safetensors-$dt-$v" $lim "$TMP/$v.f32" "$TMP/$v-$dt.st"
        rm -f "$st"
    done
    if python3 scripts/bin2fp16.py "$bin" "$TMP/$v-fp16.bin" >"$TMP/err" 2>&1 &&
       "$RWKVACC" logits --model "$TMP/$v-fp16.bin" --prompt "$PROMPT" --out "$TMP/$v.f16" 2>"$TMP/err"; then
        compare "fp16-bin-$v" 2e-2 "$TMP/$v.f32" "$TMP/$v.f16"
    else
        fail "fp16-bin-$v" "$(cat "$TMP/err")"
    fi
done
