#!/bin/sh
# test_trace.sh - golden vectors: `rwkvacc trace` writes a set for every version
# and weight format, `rwkvacc conform` replays it with zero mismatches, and the
# replay does catch a single changed output word or a truncated file.
. tests/cli/lib.sh
need_shared trace || exit 0
M="$SHARED/models"
for v in 4v0-660K 5v1-730K 5v2-730K 6v0-1m 7v0-834K; do
    for w in int8 int4; do
        d="$TMP/$v-$w"
        if "$RWKVACC" trace -m "$M/tiny-rwkv-$v-FP32.bin" --weights $w -n 2 -o "$d" >"$TMP/out" 2>&1 &&
           "$RWKVACC" conform "$d" >"$TMP/out" 2>&1; then
            units=$(grep -cE '^[a-z0-9_]+ +[0-9]+ +0$' "$TMP/out")
            if grep -q ' 0 mismatches$' "$TMP/out" && [ "$units" -ge 8 ]; then ok "trace-conform-$v-$w"
            else fail "trace-conform-$v-$w" "$(tail -3 "$TMP/out" | tr '\n' ' ')"; fi
        else
            fail "trace-conform-$v-$w" "$(tail -3 "$TMP/out" | tr '\n' ' ')"
        fi
    done
done

# the checker must fail on one changed output word: change the last word of the
# records (before the 12-byte trailer): the last record's last output word
d="$TMP/7v0-834K-int8"
cp -r "$d" "$TMP/bad"
size=$(wc -c <"$TMP/bad/vectors.bin")
printf "\001" | dd of="$TMP/bad/vectors.bin" bs=1 seek=$((size - 12 - 2)) conv=notrunc 2>/dev/null
expect_error conform-detects-change 'record [0-9]+ differs' "$RWKVACC" conform "$TMP/bad"
head -c $((size / 2)) "$d/vectors.bin" >"$TMP/bad/vectors.bin"
expect_error conform-truncated 'vectors.bin: ' "$RWKVACC" conform "$TMP/bad"
expect_error conform-missing 'model.rq' "$RWKVACC" conform "$TMP/nonexistent"
expect_error trace-float-needs-weights 'needs --weights' \
    "$RWKVACC" trace -m "$M/tiny-rwkv-7v0-834K-FP32.bin" -o "$TMP/x"
