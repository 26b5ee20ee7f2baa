#!/usr/bin/env bash
# pcq throughput and latency between two mounts of one emulated device (a master and a client
# host identity), beside a memcpy-only ceiling of the same ring. Needs root and /dev/fuse.
#   Benchmarks/pcq-bench.sh            (builds release first)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
swift build -c release --product famfs >/dev/null
swift build -c release --product mkfs.famfs >/dev/null
swift build -c release --product famfs_fused >/dev/null
swift build -c release --product pcq-bench >/dev/null
bin=$(swift build -c release --show-bin-path)
tag=pcqb-$$
dev=/dev/shm/$tag.img
master=/tmp/$tag-m
client=/tmp/$tag-c
cleanup() {
    "$bin/famfs" umount "$client" 2>/dev/null || true
    "$bin/famfs" umount "$master" 2>/dev/null || true
    rmdir "$master" "$client" 2>/dev/null || true
    rm -f "$dev" /dev/shm/$tag.*.uuid
}
trap cleanup EXIT
mkdir -p "$master" "$client"
FAMFS_SYSTEM_UUID_FILE=/dev/shm/$tag.m.uuid "$bin/mkfs.famfs" --create 4g "$dev" >/dev/null
FAMFS_SYSTEM_UUID_FILE=/dev/shm/$tag.m.uuid "$bin/famfs" mount "$dev" "$master"
FAMFS_SYSTEM_UUID_FILE=/dev/shm/$tag.c.uuid "$bin/famfs" mount -w "$dev" "$client"
echo "load before: $(uptime)"
FAMFS_SYSTEM_UUID_FILE=/dev/shm/$tag.m.uuid "$bin/pcq-bench" "$master" "$client"
echo "load after:  $(uptime)"
