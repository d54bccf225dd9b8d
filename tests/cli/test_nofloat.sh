#!/bin/sh
# test_nofloat.sh - the golden datapath is integer only: every cmodel/golden/*.c
# must compile with -mgeneral-regs-only (with gcc on x86-64 or AArch64 any float
# or vector register use is then an error), warnings as errors. One line per file.
# Exempt (skip line): the quantizer, which converts the float model offline and is
# not part of the datapath.
EXEMPT="quantize"
. tests/cli/lib.sh
CC=${CC:-cc}
FLAGS="-std=c11 -Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes -Wmissing-prototypes
       -Wno-unused-parameter -Iinclude -Icmodel -Idriver -D_POSIX_C_SOURCE=200809L -O2"

# The flag must exist and must reject float, else the test proves nothing.
printf 'double f(double x);\ndouble f(double x) { return x * 0.5; }\n' >"$TMP/probe.c"
printf 'int g(int x);\nint g(int x) { return x / 2; }\n' >"$TMP/int.c"
if ! $CC -mgeneral-regs-only -c "$TMP/int.c" -o "$TMP/int.o" 2>/dev/null; then
    skip nofloat "$CC does not support -mgeneral-regs-only"
    exit 0
fi
if $CC -mgeneral-regs-only -c "$TMP/probe.c" -o "$TMP/probe.o" 2>/dev/null; then
    skip nofloat "$CC -mgeneral-regs-only accepts float code"
    exit 0
fi

for f in cmodel/golden/*.c; do
    base=$(basename "$f" .c)
    name=nofloat-$base
    case " $EXEMPT " in *" $base "*) skip "$name" "exempt: offline float code"; continue ;; esac
    # shellcheck disable=SC2086
    if $CC $FLAGS -mgeneral-regs-only -c "$f" -o "$TMP/out.o" 2>"$TMP/err"; then ok "$name"
    else fail "$name" "$(grep -m1 -E 'error' "$TMP/err" || head -n 1 "$TMP/err")"; fi
done
