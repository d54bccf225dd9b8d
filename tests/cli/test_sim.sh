#!/bin/sh
# test_sim.sh - the virtual card (backend sim: the Verilated RTL behind the real
# register protocol, build/sim/librwkvacc_sim.so): raw logits byte-identical to
# the golden model on three tiny models for 8 tokens (INT8 RWKV-7, INT4 RWKV-4, INT8
# RWKV-5.2; all five over 64 tokens run in make test-long), a waveform written with
# --trace, and one-line errors for a missing simulator and an unwritable trace.
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

R=$RWKVACC
need_shared sim_models || exit 0
TEXT=$(head -c 8 /usr/share/common-licenses/GPL-3)

same() { # NAME MODEL BITS
    m=$SHARED/models/tiny-rwkv-$2-FP32.bin
    if ! "$R" logits -m "$m" -b sim --weights "$3" --raw -p "$TEXT" -o "$TMP/s" 2>"$TMP/err"; then
        fail "$1" "sim: $(head -c 300 "$TMP/err")"
    elif ! "$R" logits -m "$m" -b golden --weights "$3" --raw -p "$TEXT" -o "$TMP/g" 2>"$TMP/err"; then
        fail "$1" "golden: $(head -c 300 "$TMP/err")"
    elif cmp -s "$TMP/s" "$TMP/g" && [ -s "$TMP/g" ]; then ok "$1"
    else fail "$1" "raw logits differ: $(cmp "$TMP/s" "$TMP/g" 2>&1 | head -c 200)"; fi
}
same sim_equals_golden_7v0_int8 7v0-834K int8
same sim_equals_golden_4v0_int4 4v0-660K int4
same sim_equals_golden_5v2_int8 5v2-730K int8  # WKV SUB 5 on the shared engine

M7=$SHARED/models/tiny-rwkv-7v0-834K-FP32.bin
if "$R" generate -m "$M7" -b sim --weights int8 -p "A" -n 1 --trace "$TMP/w.fst" \
    >/dev/null 2>"$TMP/err" && [ "$(head -c 1 "$TMP/w.fst" | od -An -tx1 | tr -d ' ')" = 00 ] &&
    [ "$(wc -c <"$TMP/w.fst")" -gt 100000 ]; then ok sim_trace_fst
else fail sim_trace_fst "$(head -c 300 "$TMP/err")"; fi

expect_error sim_trace_unwritable 'cannot write the waveform' \
    "$R" generate -m "$M7" -b sim --weights int8 -p "A" -n 1 --trace /nonexistent/w.fst
expect_error sim_library_missing "make sim" env RWKVACC_SIM_LIB=/nonexistent/librwkvacc_sim.so \
    "$R" generate -m "$M7" -b sim --weights int8 -p "A" -n 1
exit 0
