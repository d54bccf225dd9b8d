#!/bin/sh
# test_cli.sh - the rwkvacc command: info, tokenize/detokenize, logits, generate,
# eval, bench, and one-line errors with the right exit status for bad input.
# Run by scripts/run-tests.sh (make test) with $RWKVACC and $SHARED set.
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

R=$RWKVACC
M=$SHARED/models
PROMPT_FILE=$M/reference-prompt.txt
M4=$M/tiny-rwkv-4v0-660K-FP32.bin
M51=$M/tiny-rwkv-5v1-730K-FP32.bin
M52=$M/tiny-rwkv-5v2-730K-FP32.bin
M6=$M/tiny-rwkv-6v0-1m-FP32.bin
M7=$M/tiny-rwkv-7v0-834K-FP32.bin
VOCAB=$SHARED/vocab/rwkv_vocab_v20230424.txt

# clean NAME FILE: FILE (stderr of a run that should succeed) holds no sanitizer
# report and nothing else; prints FAIL and returns 1 otherwise.
clean() {
    if [ -s "$2" ]; then
        fail "$1" "unexpected stderr: $(head -c 300 "$2")"
        return 1
    fi
    return 0
}

# tokfile OUT ID...: writes the ids as little-endian uint32.
tokfile() {
    out=$1
    shift
    : >"$out"
    for id in "$@"; do
        b0=$((id % 256)) b1=$((id / 256 % 256)) b2=$((id / 65536 % 256)) b3=$((id / 16777216 % 256))
        # shellcheck disable=SC2059 # the format is the octal escapes built here
        printf "\\$(printf %03o "$b0")\\$(printf %03o "$b1")\\$(printf %03o "$b2")\\$(printf %03o "$b3")" >>"$out"
    done
}

# ------------------------------------------------------------ help, version

if "$R" --help >"$TMP/o" 2>"$TMP/e" && grep -q '^usage: rwkvacc' "$TMP/o" && clean help "$TMP/e"; then
    ok help
else
    fail help "rwkvacc --help: $(head -c 200 "$TMP/o" "$TMP/e")"
fi

bad=""
for c in info logits generate eval tokenize detokenize bench backends; do
    "$R" "$c" --help >"$TMP/o" 2>"$TMP/e" && grep -q "^usage: rwkvacc $c" "$TMP/o" && [ ! -s "$TMP/e" ] ||
        bad="$bad $c"
done
if [ -z "$bad" ]; then ok help_commands; else fail help_commands "--help failed for:$bad"; fi

if "$R" --version >"$TMP/o" 2>"$TMP/e" && grep -qE '^rwkvacc [0-9]+\.[0-9]+' "$TMP/o"; then
    ok version
else
    fail version "$(cat "$TMP/o" "$TMP/e")"
fi

if "$R" backends >"$TMP/o" 2>"$TMP/e" && grep -qE '^ref ' "$TMP/o" && clean backends "$TMP/e"; then
    ok backends
else
    fail backends "ref not listed: $(cat "$TMP/o" "$TMP/e")"
fi

# --------------------------------------------------------------------- info

# info_check NAME MODEL VERSION N_VOCAB N_EMBD N_LAYER HEADS
info_check() {
    name=$1
    if ! "$R" info "$2" >"$TMP/info" 2>"$TMP/e"; then
        fail "$name" "exit status $?: $(head -c 300 "$TMP/e")"
        return
    fi
    clean "$name" "$TMP/e" || return
    for kv in "version: $3" "n_vocab: $4" "n_embd: $5" "n_layer: $6" "heads: $7" \
        "file_format: rwkv.cpp" "file_dtype: FP32" "file_bytes: $(wc -c <"$2" | tr -d ' ')"; do
        if ! grep -qxF "$kv" "$TMP/info"; then
            fail "$name" "no line '$kv' in: $(tr '\n' ';' <"$TMP/info")"
            return
        fi
    done
    if ! grep -qE '^n_params: [1-9][0-9]*$' "$TMP/info"; then
        fail "$name" "no parameter count"
        return
    fi
    ok "$name"
}

if need_shared info; then
    info_check info_4v0 "$M4" 4 256 128 4 "-"
    info_check info_5v1 "$M51" 5.1 256 64 12 "8 x 8"
    info_check info_5v2 "$M52" 5.2 256 64 12 "8 x 8"
    info_check info_6v0 "$M6" 6.0 256 64 12 "8 x 8"
    info_check info_7v0 "$M7" 7.0 256 64 12 "1 x 64"
    # Low-rank sizes appear only where the version has them.
    "$R" info --model "$M6" >"$TMP/o6" 2>/dev/null
    "$R" info "$M52" >"$TMP/o5" 2>/dev/null
    if grep -qE '^d_mix: [1-9]' "$TMP/o6" && grep -qE '^d_decay: [1-9]' "$TMP/o6" &&
        ! grep -q '^d_' "$TMP/o5"; then
        ok info_lowrank
    else
        fail info_lowrank "6.0 lacks d_mix/d_decay or 5.2 shows low-rank sizes"
    fi
fi

# ------------------------------------------------------- tokenize/detokenize

printf 'Hello, world!\n\tbytes: \001\177\200\377 end' >"$TMP/text.bin"
if "$R" tokenize --file "$TMP/text.bin" >"$TMP/ids" 2>"$TMP/e" && clean tok_roundtrip "$TMP/e"; then
    if [ "$(wc -l <"$TMP/ids")" -ne "$(wc -c <"$TMP/text.bin")" ]; then
        fail tok_roundtrip "byte tokenizer: $(wc -l <"$TMP/ids") ids for $(wc -c <"$TMP/text.bin") bytes"
    elif [ "$(head -n 1 "$TMP/ids")" != 72 ]; then
        fail tok_roundtrip "first id of 'Hello' is $(head -n 1 "$TMP/ids"), not 72"
    elif ! "$R" detokenize --file "$TMP/ids" >"$TMP/back" 2>"$TMP/e"; then
        fail tok_roundtrip "detokenize --file: $(cat "$TMP/e")"
    elif ! cmp -s "$TMP/text.bin" "$TMP/back"; then
        fail tok_roundtrip "detokenize --file does not give the text back"
    elif ! "$R" detokenize <"$TMP/ids" >"$TMP/back2" 2>"$TMP/e" || ! cmp -s "$TMP/text.bin" "$TMP/back2"; then
        fail tok_roundtrip "detokenize from stdin does not give the text back"
    elif ! "$R" detokenize --ids "$(tr '\n' ' ' <"$TMP/ids")" >"$TMP/back3" 2>"$TMP/e" ||
        ! cmp -s "$TMP/text.bin" "$TMP/back3"; then
        fail tok_roundtrip "detokenize --ids does not give the text back"
    else
        ok tok_roundtrip
    fi
else
    fail tok_roundtrip "tokenize --file: $(cat "$TMP/e")"
fi

if [ "$("$R" tokenize --text "AB" 2>&1 | tr '\n' ' ')" = "65 66 " ]; then
    ok tok_text
else
    fail tok_text "tokenize --text AB: $("$R" tokenize --text AB 2>&1)"
fi

if [ -f "$VOCAB" ]; then
    printf 'In a shocking finding, scientists discovered a herd of dragons. \344\275\240\345\245\275\n' >"$TMP/w.txt"
    if ! "$R" tokenize --vocab "$VOCAB" --file "$TMP/w.txt" >"$TMP/wids" 2>"$TMP/e"; then
        fail tok_world "tokenize: $(cat "$TMP/e")"
    elif [ "$(wc -l <"$TMP/wids")" -ge "$(wc -c <"$TMP/w.txt")" ]; then
        fail tok_world "World vocabulary gives $(wc -l <"$TMP/wids") ids for $(wc -c <"$TMP/w.txt") bytes"
    elif ! "$R" detokenize --vocab "$VOCAB" --file "$TMP/wids" >"$TMP/wback" 2>"$TMP/e" ||
        ! cmp -s "$TMP/w.txt" "$TMP/wback"; then
        fail tok_world "round trip through the World vocabulary differs: $(cat "$TMP/e")"
    else
        ok tok_world
    fi
else
    skip tok_world "no $VOCAB"
fi

# ------------------------------------------------------------------- logits

if need_shared logits; then
    "$R" tokenize --file "$PROMPT_FILE" >"$TMP/pids" 2>/dev/null
    # shellcheck disable=SC2046
    tokfile "$TMP/prompt.tok" $(cat "$TMP/pids")
    T=$(wc -c <"$PROMPT_FILE" | tr -d ' ')
    if ! "$R" logits --model "$M7" --prompt "$(cat "$PROMPT_FILE")" --out "$TMP/lp.bin" 2>"$TMP/e"; then
        fail logits_prompt "exit status $?: $(head -c 300 "$TMP/e")"
    elif clean logits_prompt "$TMP/e"; then
        size=$(wc -c <"$TMP/lp.bin" | tr -d ' ')
        if [ "$size" -eq $((T * 256 * 4)) ]; then ok logits_size; else fail logits_size "$size bytes, want $((T * 256 * 4))"; fi
        if ! "$R" logits --model "$M7" --tokens "$TMP/prompt.tok" --out "$TMP/lt.bin" 2>"$TMP/e"; then
            fail logits_tokens "exit status $?: $(head -c 300 "$TMP/e")"
        elif cmp -s "$TMP/lp.bin" "$TMP/lt.bin"; then
            ok logits_prompt_vs_tokens
        else
            fail logits_prompt_vs_tokens "--prompt and --tokens files differ"
        fi
        # The first row depends only on the first token: a one-token run gives it.
        tokfile "$TMP/one.tok" "$(head -n 1 "$TMP/pids")"
        "$R" logits --model "$M7" --tokens "$TMP/one.tok" --out "$TMP/l1.bin" 2>/dev/null
        if [ "$(wc -c <"$TMP/l1.bin" | tr -d ' ')" -eq 1024 ] && head -c 1024 "$TMP/lp.bin" | cmp -s - "$TMP/l1.bin"; then
            ok logits_first_row
        else
            fail logits_first_row "logits of the first token alone differ from row 0"
        fi
        # A successful run replaces an existing file, and leaves no temporary file.
        echo old >"$TMP/replace.bin"
        if "$R" logits --model "$M7" --tokens "$TMP/one.tok" --out "$TMP/replace.bin" 2>/dev/null &&
            cmp -s "$TMP/replace.bin" "$TMP/l1.bin" && [ -z "$(find "$TMP" -name '*.tmp-*')" ]; then
            ok logits_replace
        else
            fail logits_replace "output not replaced or temporary file left: $(ls -a "$TMP")"
        fi
    fi
fi

# ----------------------------------------------------------------- generate

if need_shared generate; then
    differs=0
    for m in "$M52" "$M6" "$M7"; do
        v=$(basename "$m" | sed 's/tiny-rwkv-\([0-9v]*\)-.*/\1/')
        "$R" generate --model "$m" --prompt "In a shocking finding" -n 40 --seed 7 >"$TMP/g1" 2>"$TMP/e1"
        rc1=$?
        "$R" generate --model "$m" --prompt "In a shocking finding" -n 40 --seed 7 >"$TMP/g2" 2>"$TMP/e2"
        rc2=$?
        "$R" generate --model "$m" --prompt "In a shocking finding" -n 40 --seed 8 >"$TMP/g3" 2>/dev/null
        if [ "$rc1" -ne 0 ] || [ "$rc2" -ne 0 ]; then
            fail "generate_$v" "exit status $rc1/$rc2: $(head -c 300 "$TMP/e1")"
        elif ! clean "generate_$v" "$TMP/e1"; then
            :
        elif [ "$(wc -c <"$TMP/g1" | tr -d ' ')" -ne 40 ]; then
            fail "generate_$v" "40 byte tokens gave $(wc -c <"$TMP/g1") bytes"
        elif ! cmp -s "$TMP/g1" "$TMP/g2"; then
            fail "generate_$v" "the same seed gave different text"
        else
            ok "generate_$v"
        fi
        cmp -s "$TMP/g1" "$TMP/g3" || differs=1
    done
    if [ "$differs" -eq 1 ]; then ok generate_seed_matters; else fail generate_seed_matters "seeds 7 and 8 gave the same text for all models"; fi

    # Greedy ignores the seed; -n 0 prints nothing.
    "$R" generate --model "$M52" --prompt "The " -n 30 --temperature 0 --seed 1 >"$TMP/g1" 2>/dev/null
    "$R" generate --model "$M52" --prompt "The " -n 30 --temperature 0 --seed 2 >"$TMP/g2" 2>/dev/null
    if [ -s "$TMP/g1" ] && cmp -s "$TMP/g1" "$TMP/g2"; then ok generate_greedy; else fail generate_greedy "greedy output depends on the seed"; fi
    # --top-p 0 keeps only the most probable token: the same as greedy.
    "$R" generate --model "$M52" --prompt "The " -n 30 --top-p 0 --seed 5 >"$TMP/g3" 2>/dev/null
    if cmp -s "$TMP/g1" "$TMP/g3"; then ok generate_top_p_0; else fail generate_top_p_0 "--top-p 0 differs from greedy"; fi
    if "$R" generate --model "$M52" --prompt "x" -n 0 >"$TMP/g0" 2>"$TMP/e" && [ ! -s "$TMP/g0" ]; then
        ok generate_n0
    else
        fail generate_n0 "-n 0 printed something or failed: $(cat "$TMP/e")"
    fi
    # The prompt fed in sequence mode and one byte at a time give the same text:
    # --echo prints the prompt first, then the same continuation.
    "$R" generate --model "$M7" --prompt "Hi" -n 20 --seed 3 >"$TMP/g1" 2>/dev/null
    "$R" generate --model "$M7" --prompt "Hi" -n 20 --seed 3 --echo >"$TMP/g2" 2>/dev/null
    if { printf 'Hi'; cat "$TMP/g1"; } | cmp -s - "$TMP/g2"; then ok generate_echo; else fail generate_echo "--echo output is not prompt + text"; fi
fi

# --------------------------------------------------------------------- eval

if need_shared eval; then
    # 6.0 is documented as poorly trained (byte 0 everywhere): above 8 bits.
    for m in "$M4" "$M51" "$M52" "$M7"; do
        v=$(basename "$m" | sed 's/tiny-rwkv-\([0-9v]*\)-.*/\1/')
        if ! "$R" eval --model "$m" --text "$PROMPT_FILE" >"$TMP/ev" 2>"$TMP/e"; then
            fail "eval_$v" "exit status $?: $(head -c 300 "$TMP/e")"
            continue
        fi
        clean "eval_$v" "$TMP/e" || continue
        bpb=$(sed -n 's/^bits_per_byte: //p' "$TMP/ev")
        bpt=$(sed -n 's/^bits_per_token: //p' "$TMP/ev")
        acc=$(sed -n 's/^top1_accuracy: \([0-9.]*\)%$/\1/p' "$TMP/ev")
        if ! grep -qx 'tokens: 121' "$TMP/ev" || ! grep -qx 'bytes: 121' "$TMP/ev" ||
            ! grep -qx 'predicted_tokens: 120' "$TMP/ev" || [ -z "$acc" ]; then
            fail "eval_$v" "figures missing: $(tr '\n' ';' <"$TMP/ev")"
        elif ! awk -v b="$bpb" -v t="$bpt" -v a="$acc" 'BEGIN { exit !(b > 0 && b < 8 && b == t && a >= 0 && a <= 100) }'; then
            fail "eval_$v" "bits per byte $bpb (per token $bpt, top-1 $acc%) not in (0, 8)"
        else
            ok "eval_$v"
        fi
    done
fi

# -------------------------------------------------------------------- bench

if need_shared bench; then
    if "$R" bench --model "$M52" -n 4 --runs 3 >"$TMP/b" 2>"$TMP/e" && clean bench "$TMP/e"; then
        if grep -qE '^serial_tokens_per_s: [0-9.]+$' "$TMP/b" && grep -qE '^sequence_tokens_per_s: [0-9.]+$' "$TMP/b" &&
            grep -qx 'version: 5.2' "$TMP/b"; then
            ok bench
        else
            fail bench "figures missing: $(tr '\n' ';' <"$TMP/b")"
        fi
    else
        fail bench "$(head -c 300 "$TMP/e")"
    fi
fi

# ------------------------------------------------------------------- errors

# Usage errors need no test data; their exit status is 2.
usage_status() {
    name=$1
    shift
    "$R" "$@" >/dev/null 2>&1
    rc=$?
    if [ "$rc" -eq 2 ]; then ok "$name"; else fail "$name" "exit status $rc, want 2"; fi
}

expect_error err_no_command '^rwkvacc: missing command' "$R"
expect_error err_unknown_command "^rwkvacc: unknown command 'frob'" "$R" frob
expect_error err_unknown_option "^rwkvacc: .*unknown option '--frob'" "$R" generate --model x --prompt a --frob
usage_status err_unknown_option_status generate --model x --prompt a --frob
expect_error err_missing_model '^rwkvacc: .*missing required option --model' "$R" generate --prompt a
usage_status err_missing_model_status generate --prompt a
expect_error err_missing_out '^rwkvacc: .*missing required option --out' "$R" logits --model x --prompt a
expect_error err_missing_input '^rwkvacc: .*--prompt or --tokens' "$R" logits --model x --out "$TMP/x"
expect_error err_prompt_and_tokens '^rwkvacc: .*not both' "$R" logits --model x --prompt a --tokens y --out "$TMP/x"
expect_error err_missing_value '^rwkvacc: .*-n needs a value' "$R" generate --model x --prompt a -n
expect_error err_bad_n "^rwkvacc: .*-n: 'abc' is not a whole number" "$R" generate --model x --prompt a -n abc
usage_status err_bad_n_status generate --model x --prompt a -n abc
expect_error err_bad_n_negative "^rwkvacc: .*-n: '-3'" "$R" generate --model x --prompt a -n -3
expect_error err_bad_n_trailing "^rwkvacc: .*-n: '5x'" "$R" generate --model x --prompt a -n 5x
expect_error err_bad_top_p '^rwkvacc: .*--top-p: 2 is out of range' "$R" generate --model x --prompt a --top-p 2
expect_error err_bad_top_p_nan "^rwkvacc: .*--top-p: nan is out of range" "$R" generate --model x --prompt a --top-p nan
expect_error err_bad_temperature "^rwkvacc: .*--temperature: -1 is out of range" "$R" generate --model x --prompt a --temperature -1
expect_error err_bad_temperature_text "^rwkvacc: .*--temperature: 'hot' is not a number" "$R" generate --model x --prompt a --temperature hot
expect_error err_bad_seed "^rwkvacc: .*--seed: '-1'" "$R" generate --model x --prompt a --seed -1
expect_error err_seed_too_big '^rwkvacc: .*--seed: .* out of range' "$R" generate --model x --prompt a --seed 99999999999999999999999
expect_error err_bench_n0 '^rwkvacc: .*-n: 0 is out of range' "$R" bench --model x -n 0
expect_error err_bench_runs '^rwkvacc: .*--runs: .* is not a whole number' "$R" bench --model x --runs 1.5
expect_error err_flag_value '^rwkvacc: .*--echo takes no value' "$R" generate --model x --prompt a --echo=1
expect_error err_extra_arg "^rwkvacc: .*unexpected argument 'extra'" "$R" generate --model x --prompt a extra
expect_error err_info_no_model '^rwkvacc: info: missing MODEL' "$R" info
expect_error err_tokenize_no_input '^rwkvacc: .*--text or --file' "$R" tokenize
expect_error err_detok_bad_id "^rwkvacc: .*'1,2' is not a token id" "$R" detokenize --ids "1,2"
expect_error err_detok_big_id '^rwkvacc: .*token id 256 is out of range' "$R" detokenize --ids "1 256"
expect_error err_detok_huge_id '^rwkvacc: .*token id 99999999999999999999 is out of range' "$R" detokenize --ids 99999999999999999999
expect_error err_tokenize_missing_file "^rwkvacc: cannot read $TMP/nope.txt" "$R" tokenize --file "$TMP/nope.txt"
expect_error err_vocab_missing "$TMP/nope.txt" "$R" tokenize --vocab "$TMP/nope.txt" --text a
expect_error err_empty_model '^rwkvacc: .*--model is empty' "$R" info --model ""
expect_error err_empty_text_file '^rwkvacc: .*--text is empty' "$R" eval --model x --text ""
if [ -w /dev/full ]; then
    # shellcheck disable=SC2016 # $1 expands in the inner shell
    expect_error err_stdout_full '^rwkvacc: cannot write standard output' sh -c '"$1" tokenize --text abc >/dev/full' sh "$R"
fi

if need_shared errors; then
    head -c 100000 "$M52" >"$TMP/trunc.bin"
    head -c 10 "$M52" >"$TMP/trunc10.bin"
    printf 'GGUF\003\000\000\000this is not an rwkv model at all' >"$TMP/magic.bin"
    : >"$TMP/empty.bin"
    tokfile "$TMP/big.tok" 1 2 256
    printf 'abc' >"$TMP/three.tok"
    printf 'a' >"$TMP/one.txt"

    expect_error err_model_missing "$TMP/nope.bin" "$R" info "$TMP/nope.bin"
    expect_error err_model_truncated "$TMP/trunc.bin" "$R" info "$TMP/trunc.bin"
    expect_error err_model_truncated_header "$TMP/trunc10.bin" "$R" info "$TMP/trunc10.bin"
    expect_error err_model_magic "$TMP/magic.bin" "$R" info "$TMP/magic.bin"
    expect_error err_model_empty "$TMP/empty.bin" "$R" info "$TMP/empty.bin"
    expect_error err_model_directory "$TMP" "$R" info "$TMP"
    expect_error err_generate_model_truncated "$TMP/trunc.bin" "$R" generate --model "$TMP/trunc.bin" --prompt a
    expect_error err_eval_model_magic "$TMP/magic.bin" "$R" eval --model "$TMP/magic.bin" --text "$PROMPT_FILE"
    expect_error err_bench_model_empty "$TMP/empty.bin" "$R" bench --model "$TMP/empty.bin"
    expect_error err_token_id "$TMP/big.tok.*256" "$R" logits --model "$M52" --tokens "$TMP/big.tok" --out "$TMP/x.bin"
    expect_error err_token_file_3 "$TMP/three.tok.*multiple of 4" "$R" logits --model "$M52" --tokens "$TMP/three.tok" --out "$TMP/x.bin"
    expect_error err_token_file_empty "$TMP/empty.bin" "$R" logits --model "$M52" --tokens "$TMP/empty.bin" --out "$TMP/x.bin"
    expect_error err_token_file_missing "$TMP/nope.tok" "$R" logits --model "$M52" --tokens "$TMP/nope.tok" --out "$TMP/x.bin"
    expect_error err_empty_prompt_generate '^rwkvacc: .*--prompt is empty' "$R" generate --model "$M52" --prompt ""
    usage_status err_empty_prompt_status generate --model "$M52" --prompt ""
    expect_error err_empty_prompt_logits '^rwkvacc: .*--prompt is empty' "$R" logits --model "$M52" --prompt "" --out "$TMP/x.bin"
    expect_error err_unknown_backend "^rwkvacc: .*backend 'nosuch'" "$R" generate --model "$M52" --backend nosuch --prompt a
    expect_error err_unknown_backend_bench "^rwkvacc: .*backend 'nosuch'" "$R" bench --model "$M52" --backend nosuch
    expect_error err_eval_missing_text "$TMP/nope.txt" "$R" eval --model "$M52" --text "$TMP/nope.txt"
    expect_error err_eval_short_text "$TMP/one.txt.*at least 2" "$R" eval --model "$M52" --text "$TMP/one.txt"
    expect_error err_out_directory "cannot write $TMP" "$R" logits --model "$M52" --prompt a --out "$TMP"
    expect_error err_out_no_dir "cannot write $TMP/nodir/x.bin" "$R" logits --model "$M52" --prompt a --out "$TMP/nodir/x.bin"
    if [ -f "$VOCAB" ]; then
        expect_error err_vocab_too_big "$VOCAB.*n_vocab 256" "$R" generate --model "$M52" --vocab "$VOCAB" --prompt a
        expect_error err_vocab_bad "$TMP/magic.bin" "$R" tokenize --vocab "$TMP/magic.bin" --text a
    fi

    # "-" is standard output; a device such as /dev/null is written, not replaced.
    "$R" logits --model "$M52" --prompt abc --out - >"$TMP/dash.bin" 2>"$TMP/e"
    if [ "$(wc -c <"$TMP/dash.bin" | tr -d ' ')" -eq 3072 ] && clean logits_stdout "$TMP/e"; then
        ok logits_stdout
    else
        fail logits_stdout "--out - wrote $(wc -c <"$TMP/dash.bin") bytes, want 3072"
    fi
    if "$R" logits --model "$M52" --prompt abc --out /dev/null 2>"$TMP/e" && [ -c /dev/null ] &&
        clean logits_dev_null "$TMP/e"; then
        ok logits_dev_null
    else
        fail logits_dev_null "--out /dev/null failed or /dev/null is no longer a device"
    fi
    expect_error err_unknown_backend_logits "^rwkvacc: .*backend 'nosuch'" "$R" logits --model "$M52" --backend nosuch --prompt a --out "$TMP/x.bin"

    # A failing run leaves an existing output file as it was, and no temporary file.
    printf 'keep me\n' >"$TMP/keep.bin"
    cp "$TMP/keep.bin" "$TMP/keep.orig"
    bad=""
    "$R" logits --model "$M52" --tokens "$TMP/big.tok" --out "$TMP/keep.bin" 2>/dev/null && bad="$bad token-id"
    cmp -s "$TMP/keep.bin" "$TMP/keep.orig" || bad="$bad token-id-changed"
    "$R" logits --model "$TMP/trunc.bin" --prompt abc --out "$TMP/keep.bin" 2>/dev/null && bad="$bad model"
    cmp -s "$TMP/keep.bin" "$TMP/keep.orig" || bad="$bad model-changed"
    "$R" logits --model "$M52" --backend nosuch --prompt abc --out "$TMP/keep.bin" 2>/dev/null && bad="$bad backend"
    cmp -s "$TMP/keep.bin" "$TMP/keep.orig" || bad="$bad backend-changed"
    [ -n "$(find "$TMP" -name '*.tmp-*')" ] && bad="$bad temporary-file-left"
    if [ -z "$bad" ]; then ok logits_failure_keeps_output; else fail logits_failure_keeps_output "$bad"; fi
    # Interrupted while writing: no output and no temporary file left.
    awk 'BEGIN { for (i = 0; i < 60000; i++) printf "x" }' >"$TMP/long.txt"
    "$R" logits --model "$M4" --prompt "$(cat "$TMP/long.txt")" --out "$TMP/keep2.bin" >/dev/null 2>&1 &
    pid=$!
    sleep 1
    kill -TERM "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null
    rc=$?
    if [ "$rc" -ne 143 ]; then
        skip logits_interrupted "the run ended (status $rc) before SIGTERM"
    elif [ ! -e "$TMP/keep2.bin" ] && [ -z "$(find "$TMP" -name '.keep2*')" ]; then
        ok logits_interrupted
    else
        fail logits_interrupted "output or temporary file left after SIGTERM: $(ls -a "$TMP" | tr '\n' ' ')"
    fi
fi
