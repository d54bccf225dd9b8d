# lib.sh - helpers for the command-line tests (sourced). Each check prints one line
# the runner counts: "ok NAME", "FAIL NAME: why", "skip NAME: why".
# $RWKVACC is the command under test (the sanitizer build), $SHARED the test data.
: "${RWKVACC:=build/asan/rwkvacc}"
: "${SHARED:=../shared}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "skip $1: $2"; }

# need_shared NAME: returns 1 (and skips, or fails under CI=true) without test data.
need_shared() {
    [ -d "$SHARED/models" ] && return 0
    if [ "${CI:-}" = true ]; then fail "$1" "$SHARED/models missing under CI"; else skip "$1" "no ../shared test data"; fi
    return 1
}

# expect_error NAME PATTERN CMD...: CMD must exit non-zero with exactly one line on
# stderr matching PATTERN (grep -E), and no sanitizer report.
expect_error() {
    name=$1 pat=$2
    shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    lines=$(wc -l <"$TMP/err")
    if [ "$rc" -eq 0 ]; then fail "$name" "exit status 0"
    elif [ "$rc" -ge 128 ]; then fail "$name" "killed by signal (status $rc): $(head -c 300 "$TMP/err")"
    elif grep -qE 'Sanitizer|runtime error' "$TMP/err"; then fail "$name" "sanitizer: $(grep -m1 -E 'Sanitizer|runtime error' "$TMP/err")"
    elif [ "$lines" -ne 1 ]; then fail "$name" "expected one line on stderr, got $lines: $(head -c 300 "$TMP/err")"
    elif ! grep -qE "$pat" "$TMP/err"; then fail "$name" "stderr '$(cat "$TMP/err")' does not match '$pat'"
    else ok "$name"; fi
}
