#!/bin/sh
# test_golden_cli.sh - the golden backend through the command: raw integer logits
# (T x (1 + n_vocab) int32) are byte-identical whether the model is quantized on
# the fly or read from a quantized file, and eval --compare prints both backends'
# figures side by side.
. tests/cli/lib.sh
need_shared golden-cli || exit 0
M="$SHARED/models"
P="The quick brown fox jumps over the lazy dog."
for v in 4v0-660K 7v0-834K; do
    bin="$M/tiny-rwkv-$v-FP32.bin"
    for w in int8 int4; do
        name="golden-raw-$w-$v"
        if "$RWKVACC" logits -m "$bin" -b golden --weights $w --raw -p "$P" -o "$TMP/a" 2>"$TMP/err" &&
           "$RWKVACC" quantize "$bin" "$TMP/q" --weights $w 2>>"$TMP/err" &&
           "$RWKVACC" logits -m "$TMP/q" -b golden --raw -p "$P" -o "$TMP/b" 2>>"$TMP/err"; then
            size=$(wc -c <"$TMP/a")
            want=$(( ${#P} * 257 * 4 ))
            if ! cmp -s "$TMP/a" "$TMP/b"; then fail "$name" "on-the-fly and file raw logits differ"
            elif [ "$size" -ne "$want" ]; then fail "$name" "raw file has $size bytes, want $want"
            else ok "$name"; fi
        else
            fail "$name" "$(cat "$TMP/err")"
        fi
    done
done
out=$("$RWKVACC" eval -m "$M/tiny-rwkv-7v0-834K-FP32.bin" -b golden --weights int8 --compare ref \
      --text "$M/reference-prompt.txt" 2>&1)
if echo "$out" | grep -q '^compare_bits_per_byte: ' && echo "$out" | grep -q '^cross_entropy_change: ' &&
   echo "$out" | grep -q '^top1_agreement: ' && echo "$out" | grep -q '^events_matvec_acc48: 0$'; then
    ok eval-compare
else
    fail eval-compare "output lacks the comparison: $(echo "$out" | tr '\n' ' ' | head -c 300)"
fi
expect_error eval-compare-unknown "unknown backend 'nope'" \
    "$RWKVACC" eval -m "$M/tiny-rwkv-7v0-834K-FP32.bin" --compare nope --text "$M/reference-prompt.txt"
