#!/usr/bin/env bash
# Sequential read/write throughput through a real famfs mount (master), beside tmpfs and memcpy.
#
# usage: Benchmarks/io-bench.sh [BIN_DIR]      (BIN_DIR defaults to .build/release; nothing is built)
# Needs root and /dev/fuse, python3 (for the memcpy baseline), dd (coreutils).
# Environment: RUNS (default 5), MAP_RUNS (famfs-bench map --runs, default 3), FILE_MIB (default 1024), SMALL_MIB (bytes moved by the 4 KiB rows,
# default 256: each 4 KiB request is one FUSE round trip, so a full GiB takes seconds per run).
#
# What is measured
#   famfs   dd on <mount>/big, a 1 GiB famfs file (one extent) on an 8 GiB sparse emulated device
#           in /dev/shm, mounted by `famfs mount` as the master.
#   tmpfs   the same dd parameters on a byte-identical copy of the file in /dev/shm (tmpfs);
#           O_DIRECT is supported by tmpfs on Linux >= 6.6, otherwise the row shows n/a.
#   memcpy  Benchmarks/memcpy-mmap.py: mmap(MAP_SHARED) of the device file at the file's extent,
#           copied 1 MiB at a time into one 1 MiB buffer (dd bs=1M's pattern) with memcpy.
#   Writes read /dev/zero (both for famfs and tmpfs), conv=notrunc, never past the file size.
# Each dd row is run RUNS times; the table shows the MEDIAN (and the best in brackets). GB/s is
# 1e9 bytes/s. "vs tmpfs" = famfs / tmpfs with the same parameters; "vs tmpfs rd 1M" = famfs /
# tmpfs buffered 1 MiB read (the brief's target: famfs 1 MiB reads >= 0.5x tmpfs read).
# Afterwards it runs `famfs-bench map --mount-path <mount>/big` and prints its table.
set -euo pipefail
export LC_ALL=C

BIN=${1:-.build/release}
HERE=$(cd "$(dirname "$0")" && pwd)
RUNS=${RUNS:-5}
MAP_RUNS=${MAP_RUNS:-3}
FILE_MIB=${FILE_MIB:-1024}
SMALL_MIB=${SMALL_MIB:-256}
for p in famfs mkfs.famfs famfs-bench; do
    [[ -x $BIN/$p ]] || { echo "io-bench: $BIN/$p not found (build first, pass the binaries directory)" >&2; exit 2; }
done
BIN=$(cd "$BIN" && pwd)
[[ $(id -u) == 0 ]] || { echo "io-bench: needs root (FUSE mount)" >&2; exit 2; }

TAG=famfs-iobench-$$
DEV=/dev/shm/$TAG.img
COPY=/dev/shm/$TAG.copy
MPT=/tmp/$TAG.mnt
export FAMFS_SYSTEM_UUID_FILE=/dev/shm/$TAG.uuid
MAPPID=""
mounted=0

cleanup() {
    local rc=$?
    set +e
    if [[ -n $MAPPID ]]; then
        kill "$MAPPID" 2>/dev/null; wait "$MAPPID" 2>/dev/null
        rm -f "/dev/shm/famfs-bench-map-$MAPPID.img" "/dev/shm/famfs-bench-map-$MAPPID.uuid"
    fi
    if [[ $mounted == 1 ]] || grep -q " $MPT " /proc/mounts; then
        "$BIN/famfs" umount "$MPT" || umount -l "$MPT"
    fi
    rmdir "$MPT" 2>/dev/null
    rm -f "$DEV" "$COPY" "$FAMFS_SYSTEM_UUID_FILE"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "io-bench: failed (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

# dd_gbps ARGS...: runs dd, prints GB/s (bytes / seconds, from dd's own report), or "n/a" on failure.
dd_gbps() {
    local out
    if ! out=$(dd "$@" 2>&1); then
        echo "io-bench: dd $* failed: $(echo "$out" | grep -v records | head -2 | tr '\n' ' ')" >&2
        echo n/a; return
    fi
    echo "$out" | awk '/ copied, / { for (i = 1; i <= NF; i++) if ($i == "s,") { printf "%.2f\n", $1 / $(i-1) / 1e9; exit } }'
}

# measure ARGS...: RUNS dd runs; prints "median best" (or "n/a n/a").
measure() {
    local vals=() v
    for ((r = 0; r < RUNS; r++)); do
        v=$(dd_gbps "$@")
        [[ $v == n/a ]] && { echo "n/a n/a"; return; }
        vals+=("$v")
    done
    printf '%s\n' "${vals[@]}" | sort -g | awk '{ a[NR] = $1 } END { printf "%s %s\n", a[int((NR + 1) / 2)], a[NR] }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "-"; else printf "%.2fx\n", a / b }'; }

echo "== setup"
mkdir -p "$MPT"
"$BIN/mkfs.famfs" --create 8g "$DEV" >/dev/null
"$BIN/famfs" mount "$DEV" "$MPT"
mounted=1
"$BIN/famfs" creat -s "${FILE_MIB}m" -r -S 1 "$MPT/big"
"$BIN/famfs" verify -S 1 -f "$MPT/big"
dd if="$MPT/big" of="$COPY" bs=1M status=none
cmp "$MPT/big" "$COPY" && echo "tmpfs copy $COPY matches $MPT/big"
EXT=$("$BIN/famfs" getmap --json "$MPT/big" | python3 -c 'import json,sys; e=json.load(sys.stdin)["extents"]; print(len(e), e[0]["offset"], e[0]["length"])')
read -r NEXT OFF LEN <<<"$EXT"
echo "big: $NEXT extent(s), first at device offset $OFF, length $LEN"
BYTES=$((FILE_MIB << 20))
SMALL=$(((SMALL_MIB < FILE_MIB ? SMALL_MIB : FILE_MIB) << 20))
echo "kernel $(uname -r), $(nproc) CPUs, $RUNS runs per row"
echo

# name | famfs dd args | tmpfs dd args
declare -a NAMES FAMFS TMPFS
add() { NAMES+=("$1"); FAMFS+=("$2"); TMPFS+=("$3"); }
C1=$((BYTES >> 20)); C4=$((SMALL >> 12))
add "read  1 MiB buffered"  "if=$MPT/big of=/dev/null bs=1M count=$C1"                 "if=$COPY of=/dev/null bs=1M count=$C1"
add "read  1 MiB O_DIRECT"  "if=$MPT/big of=/dev/null bs=1M count=$C1 iflag=direct"    "if=$COPY of=/dev/null bs=1M count=$C1 iflag=direct"
add "read  4 KiB buffered"  "if=$MPT/big of=/dev/null bs=4k count=$C4"                 "if=$COPY of=/dev/null bs=4k count=$C4"
add "read  4 KiB O_DIRECT"  "if=$MPT/big of=/dev/null bs=4k count=$C4 iflag=direct"    "if=$COPY of=/dev/null bs=4k count=$C4 iflag=direct"
add "write 1 MiB buffered"  "if=/dev/zero of=$MPT/big bs=1M count=$C1 conv=notrunc"    "if=/dev/zero of=$COPY bs=1M count=$C1 conv=notrunc"
add "write 1 MiB O_DIRECT"  "if=/dev/zero of=$MPT/big bs=1M count=$C1 conv=notrunc oflag=direct" "if=/dev/zero of=$COPY bs=1M count=$C1 conv=notrunc oflag=direct"
add "write 4 KiB buffered"  "if=/dev/zero of=$MPT/big bs=4k count=$C4 conv=notrunc"    "if=/dev/zero of=$COPY bs=4k count=$C4 conv=notrunc"
add "write 4 KiB O_DIRECT"  "if=/dev/zero of=$MPT/big bs=4k count=$C4 conv=notrunc oflag=direct" "if=/dev/zero of=$COPY bs=4k count=$C4 conv=notrunc oflag=direct"

# The memcpy baseline first, while the file still holds its random bytes.
read -r MC_COLD MC_BEST MC_MED <<<"$(python3 "$HERE/memcpy-mmap.py" "$DEV" "$OFF" "$BYTES" "$RUNS")"

declare -a RES_F RES_T
for i in "${!NAMES[@]}"; do
    # shellcheck disable=SC2206
    fa=(${FAMFS[$i]}); ta=(${TMPFS[$i]})
    RES_F[i]=$(measure "${fa[@]}")
    RES_T[i]=$(measure "${ta[@]}")
done

# Writes must have reached the device itself (shared memory: no page cache may hold them).
if cmp -s -n "$BYTES" "$MPT/big" /dev/zero; then wr_mount=ok; else wr_mount=FAILED; fi
wr_dev=$(python3 - "$DEV" "$OFF" "$BYTES" <<'EOF'
import mmap, os, sys
dev, off, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fd = os.open(dev, os.O_RDONLY)
m = mmap.mmap(fd, n, mmap.MAP_SHARED, mmap.PROT_READ, offset=off)
z = bytes(1 << 20)
print("ok" if all(m[o:o + (1 << 20)] == z[:min(1 << 20, n - o)] for o in range(0, n, 1 << 20)) else "FAILED")
EOF
)

read -r TR1 _ <<<"${RES_T[0]}"
printf '\nfamfs I/O benchmark: %d MiB file (1 MiB rows), %d MiB moved by 4 KiB rows; GB/s = 1e9 B/s, median of %d runs [best]\n\n' \
    "$FILE_MIB" "$((SMALL >> 20))" "$RUNS"
printf '%-24s %-16s %-16s %-10s %s\n' "measure" "famfs (mount)" "tmpfs same dd" "vs tmpfs" "vs tmpfs rd 1M"
for i in "${!NAMES[@]}"; do
    read -r fm fb <<<"${RES_F[i]}"
    read -r tm tb <<<"${RES_T[i]}"
    printf '%-24s %-16s %-16s %-10s %s\n' "${NAMES[i]}" "$fm [$fb]" "$tm [$tb]" "$(ratio "$fm" "$tm")" "$(ratio "$fm" "$TR1")"
done
printf '%-24s %-16s %-16s %-10s %s\n' "memcpy dev mmap 1 MiB" "$MC_MED [$MC_BEST]" "-" "-" "$(ratio "$MC_MED" "$TR1")"
printf '  (memcpy: python3 mmap of %s at offset %s, 1 MiB chunks into a 1 MiB buffer; cold first pass %s GB/s)\n' "$DEV" "$OFF" "$MC_COLD"
read -r fm _ <<<"${RES_F[0]}"
target=$(awk -v a="$fm" -v b="$TR1" 'BEGIN { if (a == "n/a" || b == "n/a") print "n/a"; else print (a / b >= 0.5 ? "MET" : "NOT MET") }')
echo "target famfs 1 MiB buffered read >= 0.5x tmpfs read: $target"
echo "after the writes, file reads as zeros via the mount: $wr_mount; on the device mapping: $wr_dev"

echo
echo "== famfs-bench map --mount-path $MPT/big (its own 4 GiB device in /dev/shm for rows (a) and (d))"
# The file now holds zeros (written above); rows (b)/(c) read it through the mount.
"$BIN/famfs-bench" map --dir /dev/shm --runs "$MAP_RUNS" --mount-path "$MPT/big" &
MAPPID=$!
wait "$MAPPID"
MAPPID=""
