#!/bin/sh
# test_image_info.sh - `rwkvacc info MODEL --image`: on a small random model of
# the RWKV-7 shape family, the instructions and weight bytes per token equal the
# analytic formula of docs/architecture.md ("Bytes and instructions per token"),
# computed here in awk; the card reads every weight byte once (ratio within 2%
# of 1); bad arguments are one-line usage errors.
# Run by scripts/run-tests.sh (make test) with $RWKVACC.
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

R=$RWKVACC
C=256 L=3 V=4096
M=$TMP/r7.bin
get() { sed -n "s/^$1: //p" "$TMP/info"; }

if ! "$R" randmodel --version 7 --n-embd $C --layers $L --vocab $V --head-size 64 \
    --seed 1 --out "$M" >/dev/null 2>"$TMP/err"; then
    fail image_randmodel "$(head -c 300 "$TMP/err")"
    exit 0
fi
if ! "$R" info "$M" --image --weights int8 >"$TMP/info" 2>"$TMP/err"; then
    fail image_info "$(head -c 300 "$TMP/err")"
    exit 0
fi
ok image_info

# The shape as info reports it (F = 4C; d_w, d_a, d_v, d_g from the C rule).
F=$(get n_ffn) DW=$(get d_w) DA=$(get d_a) DV=$(get d_v) DG=$(get d_g)
want=$(awk -v C="$C" -v L="$L" -v V="$V" -v F="$F" -v dw="$DW" -v da="$DA" \
    -v dv="$DV" -v dg="$DG" 'BEGIN {
    # INT8: q bytes, plus 4 bytes (sm, se) per row of every matrix
    lay = 4*C*C + 2*C*F + 2*C*(dw + da + dg) + 4*(8*C + F + dw + da + dg)
    v   = 2*C*dv + 4*(C + dv)               # the v low-rank pair, not in layer 0
    printf "%d %d %d\n", L*lay + (L - 1)*v + V*C + 4*V, 97*L + 6, 14*L - 1 }')
set -- $want
check() {
    got=$(get "$2")
    if [ "$got" = "$3" ]; then ok "$1"; else fail "$1" "$2 $got, formula $3"; fi
}
check image_weight_bytes_minimum weight_bytes_minimum "$1"
check image_instructions instructions_per_token "$2"
check image_matvec matvec_per_token "$3"
check image_weight_bytes_read weight_bytes_read "$(($1 + 32 * $3))"
ratio=$(get weight_read_ratio)
if awk -v r="$ratio" 'BEGIN { exit !(r >= 1 && r <= 1.02) }'; then ok image_ratio
else fail image_ratio "weight_read_ratio '$ratio' not within 2% of 1"; fi
for k in image_bytes bytes_read bytes_written state_bytes; do
    case $(get $k) in
    '' | *[!0-9]* | 0) fail "image_$k" "'$(get $k)'" ;;
    *) ok "image_$k" ;;
    esac
done

expect_error image_needs_weights 'needs --weights' "$R" info "$M" --image
expect_error image_weights_without_image 'go with --image' "$R" info "$M" --weights int8
expect_error image_bad_weights "'int9' is not" "$R" info "$M" --image --weights int9
expect_error image_group_int8 'needs --weights int4' "$R" info "$M" --image --weights int8 \
    --group 32
# the golden model takes any even group; the card's unit only powers of two
expect_error image_group_not_power_of_two 'powers of two' "$R" info "$M" --image \
    --weights int4 --group 48
if "$R" quantize "$M" "$TMP/r7.rq" --weights int8 >/dev/null 2>"$TMP/err"; then
    expect_error image_quantized_weights 'already quantized' "$R" info "$TMP/r7.rq" --image \
        --weights int8
    "$R" info "$TMP/r7.rq" --image >"$TMP/info" 2>"$TMP/err" &&
        check image_quantized_same weight_bytes_minimum "$1" ||
        fail image_quantized_same "$(head -c 300 "$TMP/err")"
else
    fail image_quantize "$(head -c 300 "$TMP/err")"
fi
exit 0
