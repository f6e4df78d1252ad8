#!/usr/bin/env bash
# tests/fuzz/run.sh - build and run every libFuzzer target tests/fuzz/fuzz_*.c.
#
#   tests/fuzz/run.sh          exploratory: each target for FUZZ_SECONDS (default 20)
#                              on build-fuzz/corpus/<target>, which keeps growing
#                              across runs (seeded from tests/fuzz/corpus/<target>)
#   tests/fuzz/run.sh smoke    the test suite's mode: each target for FUZZ_SECONDS
#                              on a fresh copy of its seed corpus
#   tests/fuzz/run.sh build    build only
#
# All of src/**/*.c except src/worker/main.c, plus the C code generated for
# descriptor.proto (`make BUILD=build-fuzz gen`), is compiled once with
# -fsanitize=fuzzer-no-link,address,undefined into build-fuzz/libkco.a, so a
# new parser is covered by adding one tests/fuzz/fuzz_<name>.c (and, ideally, a
# seed directory tests/fuzz/corpus/fuzz_<name>/ and a libFuzzer dictionary
# tests/fuzz/fuzz_<name>.dict). Objects and fuzzers are only
# rebuilt when a source or a header they include is newer, or the flags change.
#
# Prints "PASS fuzz_<name> ..." or "FAIL fuzz_<name>" followed by the crash
# output, and exits non-zero if anything failed.
# Environment: FUZZ_SECONDS, FUZZ_TARGETS (space-separated names to run),
# FUZZ_CC (default clang).
set -euo pipefail

cd "$(dirname "$0")/../.."

mode=${1:-explore}
case $mode in
explore | smoke | build) ;;
*)
        echo "usage: $0 [smoke|build]" >&2
        exit 2
        ;;
esac
secs=${FUZZ_SECONDS:-20}
out=build-fuzz
cc=${FUZZ_CC:-clang}
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-std=gnu11 -g -O1 -fno-omit-frame-pointer -Isrc -I$out/gen -D_GNU_SOURCE -pthread"
libs=$(make -s --no-print-directory print-libs) # one list of libraries: the Makefile's

if ! command -v "$cc" >/dev/null; then
        echo "FAIL fuzz: $cc not found (libFuzzer needs clang)"
        exit 1
fi

mkdir -p "$out/obj"
# One run at a time: concurrent runs would share objects, logs and corpora.
exec 9>"$out/.lock"
if ! flock -n 9; then
        echo "  (waiting for another tests/fuzz/run.sh to finish)"
        flock 9
fi
# Generated sources (the C code for descriptor.proto) from the Makefile's rule.
if ! make -s --no-print-directory BUILD="$out" gen; then
        echo "FAIL fuzz build (make gen failed)"
        exit 1
fi

# Different flags or compiler: start over.
stamp="$cc $cflags $san"
if [[ ! -e $out/flags || $(cat "$out/flags") != "$stamp" ]]; then
        rm -rf "$out/obj" "$out/libkco.a" "$out"/fuzz_*
        mkdir -p "$out/obj"
        printf '%s' "$stamp" >"$out/flags"
fi

# stale TARGET DEPFILE FILE...: true when TARGET is missing, or older than any
# FILE or any prerequisite listed in the compiler-written DEPFILE.
stale() {
        local t=$1 d=$2 f
        shift 2
        [[ -e $t ]] || return 0
        for f in "$@"; do
                [[ $f -nt $t ]] && return 0
        done
        [[ -e $d ]] || return 0
        # shellcheck disable=SC2013 # prerequisites are words, not lines
        for f in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$d"); do
                [[ ! -e $f || $f -nt $t ]] && return 0
        done
        return 1
}

build_lib() {
        local s o changed=0
        local -a objs=()
        while IFS= read -r s; do
                o=$out/obj/${s#"$out"/}
                o=${o%.c}.o
                objs+=("$o")
                if stale "$o" "${o%.o}.d" "$s"; then
                        mkdir -p "$(dirname "$o")"
                        echo "  CC   $s"
                        # shellcheck disable=SC2086
                        $cc $cflags $san -fsanitize=fuzzer-no-link -MMD -MP -MF "${o%.o}.d" \
                                -c "$s" -o "$o" || return 1
                        changed=1
                fi
        done < <({
                find src -name '*.c' ! -path src/worker/main.c | LC_ALL=C sort
                echo "$out/gen/google/protobuf/descriptor.pb-c.c"
        })
        local list
        list=$(printf '%s\n' "${objs[@]}")
        if [[ $changed == 1 || ! -e $out/libkco.a || ! -e $out/libkco.list ||
                $(cat "$out/libkco.list") != "$list" ]]; then
                echo "  AR   $out/libkco.a"
                rm -f "$out/libkco.a"
                ar rcs "$out/libkco.a" "${objs[@]}" || return 1
                printf '%s' "$list" >"$out/libkco.list"
        fi
}

build_fuzzer() {
        local src=$1 name bin
        name=$(basename "$src" .c)
        bin=$out/$name
        if stale "$bin" "$out/$name.d" "$src" "$out/libkco.a"; then
                echo "  LINK $bin"
                # shellcheck disable=SC2086
                $cc $cflags $san -fsanitize=fuzzer -MMD -MP -MF "$out/$name.d" \
                        "$src" "$out/libkco.a" $libs -o "$bin" || return 1
        fi
}

stat_of() { # stat_of LOG KEY
        sed -n "s/^stat::$2: *\([0-9]*\).*/\1/p" "$1" | tail -n 1
}

run_fuzzer() {
        local name=$1 bin=$out/$1 seeds=tests/fuzz/corpus/$1 corpus log art rc
        art=$out/artifacts/$name/
        log=$out/logs/$name.log
        mkdir -p "$art" "$out/logs"
        if [[ $mode == smoke ]]; then
                mkdir -p "$out/run"
                corpus=$(mktemp -d "$out/run/$name.XXXXXX")
        else
                corpus=$out/corpus/$name
                mkdir -p "$corpus"
        fi
        if [[ -d $seeds ]]; then
                cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
        fi
        local -a opts=(-max_total_time="$secs" -max_len=4096 -timeout=25 -rss_limit_mb=2048
                -print_final_stats=1 -artifact_prefix="$art")
        if [[ -e tests/fuzz/$name.dict ]]; then
                opts+=(-dict="tests/fuzz/$name.dict")
        fi
        rc=0
        "$bin" "${opts[@]}" "$corpus" >"$log" 2>&1 || rc=$?
        if [[ $mode == smoke ]]; then
                rm -rf "$corpus"
        fi
        if [[ $rc == 0 ]]; then
                echo "PASS $name ($(stat_of "$log" number_of_executed_units) runs," \
                        "$(stat_of "$log" average_exec_per_sec) exec/s, ${secs}s," \
                        "$(stat_of "$log" new_units_added) new units)"
                return 0
        fi
        echo "FAIL $name (exit $rc; full log $log)"
        # The crash report: from the sanitizer/libFuzzer banner to the end.
        awk '/^==[0-9]+==|ERROR: libFuzzer|runtime error|invariant broken|^SUMMARY/{p=1} p' "$log" |
                head -n 80
        local a
        for a in "$art"*; do
                [[ -e $a ]] && echo "  reproduce: $bin $a"
        done
        return 1
}

if ! build_lib; then
        echo "FAIL fuzz build (src/ does not compile with $cc)"
        exit 1
fi

status=0
targets=()
for src in tests/fuzz/fuzz_*.c; do
        [[ -e $src ]] || continue
        name=$(basename "$src" .c)
        if [[ -n ${FUZZ_TARGETS:-} && " $FUZZ_TARGETS " != *" $name "* ]]; then
                continue
        fi
        if build_fuzzer "$src"; then
                targets+=("$name")
        else
                echo "FAIL $name (does not build)"
                status=1
        fi
done

[[ $mode == build ]] && exit $status

for name in "${targets[@]}"; do
        run_fuzzer "$name" || status=1
done
exit $status
