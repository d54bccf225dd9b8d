#!/bin/sh
# Runs every test program given (unit test binaries and tests/cli/*.sh scripts) and
# counts their result lines: "ok NAME", "FAIL NAME: why", "skip NAME: why".
# A program that exits non-zero without printing FAIL counts as one failure.
# Ends with the line "N passed, N failed, N skipped"; exits 1 if anything failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
export RWKVACC="${RWKVACC:-$top/build/asan/rwkvacc}"
export SHARED="${SHARED:-$(cd "$top/.." && pwd)/shared}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
log=build/test-logs
mkdir -p "$log"
passed=0 failed=0 skipped=0
for t in "$@"; do
    name=$(basename "$t")
    out="$log/$name.log"
    case "$t" in
        *.sh) sh "$t" >"$out" 2>&1 ;;
        *) "$t" >"$out" 2>&1 ;;
    esac
    rc=$?
    p=$(grep -c '^ok ' "$out")
    f=$(grep -c '^FAIL ' "$out")
    s=$(grep -c '^skip ' "$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "FAIL $name: exited with status $rc" >>"$out"
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    printf '%-28s %4d passed %3d failed %3d skipped\n' "$name" "$p" "$f" "$s"
    grep -E '^(FAIL|skip) ' "$out" | sed 's/^/    /'
    [ "$f" -gt 0 ] && tail -n 20 "$out" | grep -vE '^(ok|FAIL|skip) ' | sed 's/^/    | /'
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
