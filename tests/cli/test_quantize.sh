#!/bin/sh
# test_quantize.sh - `rwkvacc quantize`: the same input gives the same bytes,
# `info` describes the result, bad arguments are one-line usage errors (exit 2),
# a failure leaves an existing OUT unchanged, and the float reference refuses a
# quantized model. Run by scripts/run-tests.sh (make test) with $RWKVACC, $SHARED.
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

R=$RWKVACC
M=$SHARED/models
M4=$M/tiny-rwkv-4v0-660K-FP32.bin
M7=$M/tiny-rwkv-7v0-834K-FP32.bin

# expect_status NAME STATUS PATTERN CMD...: CMD exits with STATUS and prints
# exactly one line on stderr matching PATTERN, and nothing on stdout.
expect_status() {
    name=$1 want=$2 pat=$3
    shift 3
    "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    lines=$(wc -l <"$TMP/err")
    if [ "$rc" -ne "$want" ]; then fail "$name" "exit status $rc, expected $want: $(head -c 300 "$TMP/err")"
    elif grep -qE 'Sanitizer|runtime error' "$TMP/err"; then fail "$name" "sanitizer: $(grep -m1 -E 'Sanitizer|runtime error' "$TMP/err")"
    elif [ "$lines" -ne 1 ]; then fail "$name" "expected one line on stderr, got $lines: $(head -c 300 "$TMP/err")"
    elif ! grep -qE "$pat" "$TMP/err"; then fail "$name" "stderr '$(cat "$TMP/err")' does not match '$pat'"
    elif [ -s "$TMP/out" ]; then fail "$name" "unexpected stdout: $(head -c 200 "$TMP/out")"
    else ok "$name"; fi
}

# no_temps NAME DIR: no temporary file left behind in DIR.
no_temps() {
    for f in "$2"/*tmp-* "$2"/.*tmp-*; do
        if [ -e "$f" ]; then
            fail "$1" "temporary file left: $f"
            return
        fi
    done
    ok "$1"
}

# --------------------------------------------------------------- usage

if "$R" quantize --help >"$TMP/o" 2>"$TMP/e" && grep -q '^usage: rwkvacc quantize' "$TMP/o" &&
    [ ! -s "$TMP/e" ] && "$R" --help | grep -q 'quantize IN OUT'; then
    ok quantize-help
else
    fail quantize-help "no usage for quantize: $(head -c 200 "$TMP/o" "$TMP/e")"
fi

expect_status quantize-missing-args 2 'missing IN and OUT' "$R" quantize --weights int8
expect_status quantize-missing-out 2 'missing OUT' "$R" quantize "$M4" --weights int8
expect_status quantize-missing-weights 2 'missing --weights' "$R" quantize "$M4" "$TMP/x.rq"
expect_status quantize-weights-int3 2 "'int3' is not int8 or int4" \
    "$R" quantize "$M4" "$TMP/x.rq" --weights int3
expect_status quantize-group-7 2 'out of range \(32 to 128\)' \
    "$R" quantize "$M4" "$TMP/x.rq" --weights int4 --group 7
expect_status quantize-group-200 2 'out of range \(32 to 128\)' \
    "$R" quantize "$M4" "$TMP/x.rq" --weights int4 --group 200
expect_status quantize-group-odd 2 '33 is odd' \
    "$R" quantize "$M4" "$TMP/x.rq" --weights int4 --group 33
expect_status quantize-group-int8 2 'needs --weights int4' \
    "$R" quantize "$M4" "$TMP/x.rq" --weights int8 --group 64
expect_status quantize-extra-arg 2 "unexpected argument" \
    "$R" quantize "$M4" "$TMP/x.rq" extra --weights int8
echo "some text" >"$TMP/text.txt"
for c in logits generate eval bench; do
    case $c in
        logits) set -- -p hi -o "$TMP/l.bin" ;;
        generate) set -- -p hi -n 1 ;;
        eval) set -- --text "$TMP/text.txt" ;;
        bench) set -- -n 1 --runs 1 ;;
    esac
    expect_status "$c-weights-int3" 2 "^rwkvacc: $c: --weights: 'int3' is not int8 or int4" \
        "$R" "$c" -m "$M4" "$@" --weights int3
    expect_status "$c-group-odd" 2 "^rwkvacc: $c: --group: 65 is odd" \
        "$R" "$c" -m "$M4" "$@" --weights int4 --group 65
    expect_status "$c-group-range" 2 "^rwkvacc: $c: --group: 7 is out of range" \
        "$R" "$c" -m "$M4" "$@" --weights int4 --group 7
    expect_status "$c-weights-on-ref" 1 "ref runs float weights" \
        "$R" "$c" -m "$M4" "$@" --weights int8
done
expect_status logits-raw-ref 1 'needs an integer backend' \
    "$R" logits -m "$M4" -p hi -o "$TMP/l.bin" --raw
[ -e "$TMP/x.rq" ] && fail quantize-usage-no-output "a usage error wrote $TMP/x.rq"

# ----------------------------------------------------------- quantizing

if need_shared quantize-deterministic; then
    mkdir -p "$TMP/q"
    for w in int8 int4; do
        if "$R" quantize "$M7" "$TMP/q/a-$w.rq" --weights "$w" 2>"$TMP/e" &&
            "$R" quantize "$M7" "$TMP/q/b-$w.rq" --weights "$w" 2>>"$TMP/e" &&
            [ ! -s "$TMP/e" ] && cmp -s "$TMP/q/a-$w.rq" "$TMP/q/b-$w.rq"; then
            ok "quantize-deterministic-$w"
        else
            fail "quantize-deterministic-$w" "$(head -c 300 "$TMP/e")"
        fi
    done
    "$R" quantize "$M7" "$TMP/q/g128.rq" --weights int4 --group=128 2>"$TMP/e"
    if ! cmp -s "$TMP/q/g128.rq" "$TMP/q/a-int4.rq" && [ ! -s "$TMP/e" ]; then
        ok quantize-group-differs
    else
        fail quantize-group-differs "--group 128 gave the bytes of --group 64, or: $(head -c 200 "$TMP/e")"
    fi
    no_temps quantize-no-temporaries "$TMP/q"

    # info describes the quantized file
    if "$R" info "$TMP/q/a-int4.rq" >"$TMP/o" 2>"$TMP/e" && [ ! -s "$TMP/e" ] &&
        grep -qx 'file_format: rwkvacc-quant' "$TMP/o" && grep -qx 'file_dtype: INT4-g64' "$TMP/o" &&
        grep -qx 'version: 7.0' "$TMP/o" && grep -qx 'n_embd: 64' "$TMP/o" &&
        grep -qx "file_bytes: $(wc -c <"$TMP/q/a-int4.rq" | tr -d ' ')" "$TMP/o"; then
        ok quantize-info-int4
    else
        fail quantize-info-int4 "$(head -c 400 "$TMP/o" "$TMP/e")"
    fi
    if "$R" info "$TMP/q/a-int8.rq" >"$TMP/o" 2>"$TMP/e" && grep -qx 'file_dtype: INT8' "$TMP/o" &&
        "$R" info "$M7" | grep -v '^file' >"$TMP/f" && grep -v '^file' "$TMP/o" | cmp -s - "$TMP/f"; then
        ok quantize-info-int8
    else
        fail quantize-info-int8 "$(head -c 400 "$TMP/o" "$TMP/e")"
    fi

    # failures leave an existing OUT unchanged and no temporary file
    echo "keep me" >"$TMP/q/out.rq"
    cp "$TMP/q/out.rq" "$TMP/q/out.orig"
    expect_status quantize-already-quantized 1 "a-int8.rq: already quantized \(INT8\)" \
        "$R" quantize "$TMP/q/a-int8.rq" "$TMP/q/out.rq" --weights int4
    expect_status quantize-bad-input 1 "bad magic" \
        "$R" quantize "$TMP/q/out.orig" "$TMP/q/out.rq" --weights int8
    expect_status quantize-missing-input 1 "no-such.bin" \
        "$R" quantize "$TMP/no-such.bin" "$TMP/q/out.rq" --weights int8
    if cmp -s "$TMP/q/out.rq" "$TMP/q/out.orig"; then ok quantize-failure-keeps-out
    else fail quantize-failure-keeps-out "OUT changed after a failed quantize"; fi
    expect_status quantize-out-dir-missing 1 "cannot write .*no-dir/x.rq" \
        "$R" quantize "$M4" "$TMP/no-dir/x.rq" --weights int8
    expect_status quantize-out-is-dir 1 "cannot write" \
        "$R" quantize "$M4" "$TMP/q" --weights int8
    no_temps quantize-failure-no-temporaries "$TMP/q"

    # a successful quantize replaces OUT
    if "$R" quantize "$M7" "$TMP/q/out.rq" --weights int8 2>"$TMP/e" &&
        cmp -s "$TMP/q/out.rq" "$TMP/q/a-int8.rq"; then ok quantize-replaces-out
    else fail quantize-replaces-out "$(head -c 200 "$TMP/e")"; fi

    # the float reference refuses a quantized model, naming the file
    expect_status ref-refuses-quantized 1 "a-int8.rq: ref needs a float model" \
        "$R" logits -m "$TMP/q/a-int8.rq" -p hi -o "$TMP/l.bin"
    [ -e "$TMP/l.bin" ] && fail ref-refuses-no-output "logits wrote $TMP/l.bin"

    # an integer backend, when there is one: the file runs as the on-the-fly
    # quantization of the same float model does
    if "$R" backends | grep -q '^golden '; then
        for w in int8 int4; do
            if "$R" logits -b golden -m "$TMP/q/a-$w.rq" -p "Hello" -o "$TMP/l1.bin" 2>"$TMP/e" &&
                "$R" logits -b golden -m "$M7" --weights "$w" -p "Hello" -o "$TMP/l2.bin" 2>>"$TMP/e" &&
                cmp -s "$TMP/l1.bin" "$TMP/l2.bin"; then
                ok "quantize-file-equals-on-the-fly-$w"
            else
                fail "quantize-file-equals-on-the-fly-$w" "$(head -c 300 "$TMP/e")"
            fi
        done
    else
        skip quantize-file-equals-on-the-fly "no golden backend in this build"
    fi
fi

# ----------------------------------------------------------- randmodel

# A random-weight model of a real shape (head size 64) loads with the dimensions
# asked for, is the same file for the same seed, and FP16 halves the matrices.
"$R" randmodel --version 7 --n-embd 128 --layers 2 --vocab 1000 --seed 5 -o "$TMP/r1.bin" &&
    "$R" randmodel --version 7 --n-embd 128 --layers 2 --vocab 1000 --seed 5 -o "$TMP/r2.bin"
if cmp -s "$TMP/r1.bin" "$TMP/r2.bin" &&
   "$R" info "$TMP/r1.bin" | grep -q '^heads: 2 x 64$' &&
   "$R" info "$TMP/r1.bin" | grep -q '^n_vocab: 1000$'; then
    ok randmodel-deterministic-shape
else
    fail randmodel-deterministic-shape "different files or wrong shape: $("$R" info "$TMP/r1.bin" 2>&1 | tr '\n' ' ')"
fi
expect_status randmodel-bad-head 2 'n-embd' \
    "$R" randmodel --version 7 --n-embd 100 --layers 2 --vocab 1000 -o "$TMP/r3.bin"
