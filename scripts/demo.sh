#!/usr/bin/env bash
# Builds famfs and shows it working end to end on an emulated device: mkfs, a master mount and
# a client mount (another host identity on the same machine), a directory copied in on the
# master and read back on the client, fsck. Needs root and /dev/fuse. Cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib
bin=$(swift build -c release --show-bin-path)

work=$(mktemp -d /tmp/famfs-demo.XXXXXX)
dev=/dev/shm/famfs-demo-$$.img
master=$work/master client=$work/client
export FAMFS_SYSTEM_UUID_FILE=$work/master.uuid
cleanup() {
    "$bin/famfs" umount "$client" 2>/dev/null || true
    "$bin/famfs" umount "$master" 2>/dev/null || true
    rm -rf "$work" "$dev"
}
trap cleanup EXIT
mkdir -p "$master" "$client"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "mkfs.famfs on a 4 GiB emulated device ($dev)"
"$bin/mkfs.famfs" --create 4g "$dev" | tail -8

step "mount as the master, and as a client (another host identity)"
"$bin/famfs" mount "$dev" "$master"
FAMFS_SYSTEM_UUID_FILE=$work/client.uuid "$bin/famfs" mount "$dev" "$client"
grep "$dev" /proc/mounts

step "copy a directory in on the master"
mkdir -p "$work/src/sub"
seq 1 100000 > "$work/src/numbers.txt"
head -c 3000000 /dev/urandom > "$work/src/sub/random.bin"
echo "hello from famfs" > "$work/src/hello.txt"
"$bin/famfs" cp -r "$work/src" "$master/data"
"$bin/famfs" creat -s 10m -r -S 42 "$master/data/seeded"

step "read it on the client (no logplay: the client follows the log)"
sleep 1
ls -lR "$client/data"
cat "$client/data/hello.txt"
for f in numbers.txt sub/random.bin hello.txt; do
    cmp "$work/src/$f" "$client/data/$f" && echo "identical on the client: $f"
done
FAMFS_SYSTEM_UUID_FILE=$work/client.uuid "$bin/famfs" verify -f "$client/data/seeded" -S 42
touch "$client/data/new" 2>&1 || echo "(clients cannot create files: expected)"

step "df and fsck"
df -h "$master" "$client"
"$bin/famfs" fsck -h "$master" | tail -12
