#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer and AddressSanitizer (LeakSanitizer included) and runs
# each for a fixed number of executions, starting from the seed corpora in Fuzz/corpus/.
#
#   Fuzz/run.sh [executions per target, default 1000000] [target ...]
#
# Prints one line per target (executions, seconds, crashes, leaks, hangs, out-of-memory) and
# exits non-zero if any target failed; the failing input is kept under .build/fuzz/runs/ with
# the command that replays it. Environment: FUZZ_SEED (libFuzzer -seed, default random),
# FUZZ_TIMEOUT (seconds before an input counts as a hang, default 10), FUZZ_BUILD_PATH (default
# .build/fuzz; another one keeps a long run's binary apart from the suite's builds).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH

runs=${1:-1000000}
shift || true
# target and its longest input (bytes): one superblock, a selector and a log header, a mode byte
# and 8 log entries, an fmap file, a sequence of FUSE requests, a mode byte and a control message.
declare -A max_len=([superblock]=256 [log-header]=64 [log-entry]=4353 [fmap-yaml]=4096 [fuse-request]=16384
                    [control-message]=4200)
all=(superblock log-header log-entry fmap-yaml fuse-request control-message)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
    [ -n "${max_len[$t]:-}" ] || { echo "run.sh: unknown target '$t' (targets: ${all[*]})" >&2; exit 2; }
done

build=${FUZZ_BUILD_PATH:-.build/fuzz}
log=$(mktemp)
start=$(date +%s.%N)
# SwiftPM passes each --sanitize as its own -sanitize= flag, in no fixed order, and swiftc keeps
# only the last: the one -Xswiftc flag (after them) gives Swift code both coverage and ASan.
if ! swift build --build-path "$build" --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address \
        -Xswiftc -DFUZZING --product FamfsFuzz >"$log" 2>&1; then
    grep -v "Cannot export local symbol" "$log" | tail -40 >&2
    echo "run.sh: building the fuzz targets failed" >&2
    exit 1
fi
binary=$build/debug/FamfsFuzz
# A binary whose Swift code has no coverage counters would be fuzzed blind: say so.
counters=$(FAMFS_FUZZ_TARGET=superblock "$binary" -runs=0 2>&1 | sed -n 's/.*(\([0-9]*\) inline 8-bit counters).*/\1/p' | head -1)
[ "${counters:-0}" -ge 5000 ] || echo "run.sh: WARNING: $binary has ${counters:-0} coverage counters (Swift code not instrumented): not coverage-guided" >&2
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
printf 'built %s in %s s\n' "$binary" "$(elapsed "$start")"

out=$build/runs/$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$out"
failed=0
printf '%-16s %12s %9s %9s %8s %6s %6s %5s\n' target executions "time (s)" "exec/s" crashes leaks hangs ooms
for t in "${targets[@]}"; do
    work=$out/$t
    mkdir -p "$work/corpus" "$work/artifacts"
    seed_args=()
    [ -z "${FUZZ_SEED:-}" ] || seed_args=(-seed="$FUZZ_SEED")
    t0=$(date +%s.%N)
    rc=0
    # SWIFT_BACKTRACE off: libFuzzer reports the crash itself (the Swift backtracer and ASan clash).
    FAMFS_FUZZ_TARGET=$t ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 SWIFT_BACKTRACE=enable=no "$binary" \
        -runs="$runs" -max_len="${max_len[$t]}" -timeout="${FUZZ_TIMEOUT:-10}" \
        -rss_limit_mb=2048 -malloc_limit_mb=1024 -detect_leaks=1 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" "${seed_args[@]}" \
        "$work/corpus" "Fuzz/corpus/$t" >"$work/log" 2>&1 || rc=$?
    seconds=$(elapsed "$t0")
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
    executions=${executions:-0}
    count() { find "$work/artifacts" -name "$1-*" | wc -l; }
    crashes=$(count crash); leaks=$(count leak); hangs=$(count timeout); ooms=$(count oom)
    # A failure that wrote no artifact (a crash in initialisation, say) still counts.
    if [ "$rc" -ne 0 ] && [ $((crashes + leaks + hangs + ooms)) -eq 0 ]; then crashes=1; fi
    printf '%-16s %12s %9.1f %9.0f %8s %6s %6s %5s\n' "$t" "$executions" "$seconds" \
        "$(awk -v n="$executions" -v s="$seconds" 'BEGIN { print n / (s + 0.001) }')" "$crashes" "$leaks" "$hangs" "$ooms"
    if [ "$rc" -ne 0 ] || [ "$executions" -lt "$runs" ]; then
        failed=$((failed + 1))
        { echo "--- $t failed (exit $rc): $work/log"; grep -E "ERROR|invariant|SUMMARY|Fatal error" "$work/log" | head -5
          for a in "$work"/artifacts/*; do [ -e "$a" ] && echo "replay: FAMFS_FUZZ_TARGET=$t $binary $a"; done; } >&2
    fi
done
echo "fuzz: ${#targets[@]} targets, $failed failed, $runs executions each (load: $(cut -d' ' -f1-3 /proc/loadavg))"
[ "$failed" -eq 0 ]
