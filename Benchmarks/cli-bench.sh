#!/usr/bin/env bash
# Wall time of famfs CLI processes on a real famfs mount (master), beside the reference and tmpfs.
#
# usage: Benchmarks/cli-bench.sh [BIN_DIR]     (BIN_DIR defaults to .build/release; nothing is built)
# Needs root and /dev/fuse, python3 (to generate the source tree).
# Environment: CREATS (default 30), PRE (log size for the second creat series, default 10000),
#              CP_FILES (default 1000), CP_RUNS (default 3).
#
# What is measured
#   1. One `famfs creat -s 4k <mount>/fN` process, CREATS times in a row, on a log of ~0 entries,
#      then again after growing the log to PRE entries with `famfs-bench create-loop` (in-process
#      creates of 4 KiB files while mounted; the daemon follows the log). Wall time of each process
#      by bash's $EPOCHREALTIME (no extra fork); the table shows the median, min and max.
#      Baseline: the reference's ~100 ms per `famfs creat`, growing with the log (issue #60)
#      (a quoted number, not run here), and the floor of spawning /bin/true.
#   2. `famfs cp -r <src> <mount>/copyK` of CP_FILES files of 4-64 KiB (random sizes and bytes,
#      fixed seed) from a directory in /dev/shm, beside `cp -r` of the same tree into tmpfs
#      (/dev/shm); CP_RUNS runs each into a new destination, median shown; each famfs copy is
#      checked with `diff -r`.
# The emulated device is a 64 GiB sparse file in /dev/shm: every famfs file takes at least one
# 2 MiB allocation unit, so 10,000 + 3 x 1,000 files need ~26 GiB of address space (tmpfs only
# stores the pages actually written).
set -euo pipefail
export LC_ALL=C

BIN=${1:-.build/release}
CREATS=${CREATS:-30}
PRE=${PRE:-10000}
CP_FILES=${CP_FILES:-1000}
CP_RUNS=${CP_RUNS:-3}
for p in famfs mkfs.famfs famfs-bench; do
    [[ -x $BIN/$p ]] || { echo "cli-bench: $BIN/$p not found (build first, pass the binaries directory)" >&2; exit 2; }
done
BIN=$(cd "$BIN" && pwd)
[[ $(id -u) == 0 ]] || { echo "cli-bench: needs root (FUSE mount)" >&2; exit 2; }

TAG=famfs-clibench-$$
DEV=/dev/shm/$TAG.img
SRC=/dev/shm/$TAG.src
TMPDST=/dev/shm/$TAG.tmpfs-dst
MPT=/tmp/$TAG.mnt
export FAMFS_SYSTEM_UUID_FILE=/dev/shm/$TAG.uuid
mounted=0

cleanup() {
    local rc=$?
    set +e
    if [[ $mounted == 1 ]] || grep -q " $MPT " /proc/mounts; then
        "$BIN/famfs" umount "$MPT" || umount -l "$MPT"
    fi
    rmdir "$MPT" 2>/dev/null
    rm -rf "$DEV" "$SRC" "$TMPDST" "$FAMFS_SYSTEM_UUID_FILE"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "cli-bench: failed (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

now_ns() { local t=${EPOCHREALTIME/./}; echo "${t}000"; }   # microseconds -> ns
# stats MS...: prints "median min max" of the given milliseconds.
stats() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { printf "%.1f %.1f %.1f\n", a[int((NR + 1) / 2)], a[1], a[NR] }'; }
log_entries() { "$BIN/famfs" fsck "$MPT" | awk '/# of log entries in use:/ { print $7 }'; }

# creat_series PREFIX: CREATS `famfs creat` processes; prints "median min max" in ms.
creat_series() {
    local ms=() i t0 t1
    for ((i = 0; i < CREATS; i++)); do
        t0=$(now_ns)
        "$BIN/famfs" creat -s 4k "$MPT/$1$i" >/dev/null
        t1=$(now_ns)
        ms+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')")
    done
    stats "${ms[@]}"
}

echo "== setup"
mkdir -p "$MPT"
"$BIN/mkfs.famfs" --create 64g "$DEV" >/dev/null
"$BIN/famfs" mount "$DEV" "$MPT"
mounted=1
echo "kernel $(uname -r), $(nproc) CPUs; device $DEV (64 GiB sparse), mount $MPT"

# Spawn floor.
ms=()
for ((i = 0; i < CREATS; i++)); do t0=$(now_ns); /bin/true; t1=$(now_ns); ms+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')"); done
read -r TRUE_MED TRUE_MIN TRUE_MAX <<<"$(stats "${ms[@]}")"

E0=$(log_entries)
read -r C0_MED C0_MIN C0_MAX <<<"$(creat_series a)"
E0B=$(log_entries)
echo "creat series 1: log $E0 -> $E0B entries"

GROW=$((PRE - E0B))
t0=$(now_ns)
"$BIN/famfs-bench" create-loop --device "$DEV" --prefix pre- --count "$GROW" >/dev/null
t1=$(now_ns)
GROW_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
E1=$(log_entries)
echo "grew the log by $GROW entries (famfs-bench create-loop) in $GROW_S s -> $E1 entries"
# The daemon must show them without a logplay (it follows the log).
seen=0
for ((i = 0; i < 50; i++)); do
    seen=$(find "$MPT" -maxdepth 1 -name 'pre-*' | wc -l)
    [[ $seen -ge $GROW ]] && break
    sleep 0.1
done
echo "mount shows $seen of $GROW pre-* files"

read -r C1_MED C1_MIN C1_MAX <<<"$(creat_series b)"
E1B=$(log_entries)
echo "creat series 2: log $E1 -> $E1B entries"
for p in a b; do
    n=$(find "$MPT" -maxdepth 1 -name "$p*" -size 4k | wc -l)
    [[ $n == "$CREATS" ]] || echo "cli-bench: ODD: $n of $CREATS $p* files of 4 KiB visible in the mount" >&2
done

echo "generating $CP_FILES source files (4-64 KiB) in $SRC"
python3 - "$SRC" "$CP_FILES" <<'EOF'
import os, random, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
rng = random.Random(1)
total = 0
for i in range(n):
    size = rng.randint(4096, 65536)
    with open(os.path.join(d, f"f{i:04d}"), "wb") as f:
        f.write(rng.randbytes(size))
    total += size
print(f"  {n} files, {total} bytes")
EOF
sync

CPF=(); CPT=()
for ((r = 1; r <= CP_RUNS; r++)); do
    t0=$(now_ns)
    "$BIN/famfs" cp -r "$SRC" "$MPT/copy$r" >/dev/null
    t1=$(now_ns)
    CPF+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')")
    diff -r "$SRC" "$MPT/copy$r" >/dev/null || echo "cli-bench: ODD: $MPT/copy$r differs from $SRC" >&2
    rm -rf "$TMPDST"; mkdir -p "$TMPDST"
    t0=$(now_ns)
    cp -r "$SRC" "$TMPDST/copy$r"
    t1=$(now_ns)
    CPT+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')")
done
read -r CPF_MED CPF_MIN CPF_MAX <<<"$(stats "${CPF[@]}")"
read -r CPT_MED CPT_MIN CPT_MAX <<<"$(stats "${CPT[@]}")"
echo "famfs cp runs (ms): ${CPF[*]}; tmpfs cp runs (ms): ${CPT[*]}; log now $(log_entries) entries"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.1fx\n", a / b }'; }
echo
printf 'famfs CLI benchmark: wall time per process (ms), median [min-max]; %d creats per series, %d cp runs\n\n' "$CREATS" "$CP_RUNS"
printf '%-40s %-22s %-24s %s\n' "measure" "ours" "baseline" "baseline/ours"
printf '%-40s %-22s %-24s %s\n' "famfs creat -s 4k, log of $E0 entries" "$C0_MED [$C0_MIN-$C0_MAX]" "~100 (ref, issue #60)" "$(ratio 100 "$C0_MED")"
printf '%-40s %-22s %-24s %s\n' "famfs creat -s 4k, log of $E1 entries" "$C1_MED [$C1_MIN-$C1_MAX]" "~100+, grows (ref)" "$(ratio 100 "$C1_MED")"
printf '%-40s %-22s %-24s %s\n' "  growth with the log (ours)" "$(ratio "$C1_MED" "$C0_MED")" "" ""
printf '%-40s %-22s %-24s %s\n' "spawn floor: /bin/true" "$TRUE_MED [$TRUE_MIN-$TRUE_MAX]" "" ""
printf '%-40s %-22s %-24s %s\n' "cp -r $CP_FILES files (4-64 KiB)" "$CPF_MED [$CPF_MIN-$CPF_MAX]" "$CPT_MED [$CPT_MIN-$CPT_MAX] tmpfs" "$(ratio "$CPT_MED" "$CPF_MED")"
printf '%-40s %-22s %-24s %s\n' "  per file" "$(awk -v a="$CPF_MED" -v n="$CP_FILES" 'BEGIN { printf "%.3f", a / n }')" "$(awk -v a="$CPT_MED" -v n="$CP_FILES" 'BEGIN { printf "%.3f", a / n }') tmpfs" ""
printf '%-40s %-22s %-24s %s\n' "in-process creates (create-loop), $GROW" "$GROW_S s total" "" ""
