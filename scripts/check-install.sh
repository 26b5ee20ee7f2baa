#!/usr/bin/env bash
# What an administrator gets from scripts/install.sh, checked end to end on the release build:
# installs into a scratch prefix (building release binaries and the self-contained libraries),
# lists every installed program and library with its size and what ldd says it loads, fails if
# anything comes from outside the system directories, runs the programs with `env -i` (no
# toolchain on PATH or the library path), uninstalls, and fails if anything but a file that was
# there before is left. CI runs it after the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(mktemp -d /tmp/famfs-install-check.XXXXXX)
dev=/dev/shm/famfs-install-check-$$.img
uuid=/dev/shm/famfs-install-check-$$.uuid
trap 'rm -rf "$prefix"; rm -f "$dev" "$uuid"' EXIT
mkdir "$prefix/bin"
echo "not famfs" > "$prefix/bin/keep-me"

scripts/install.sh --prefix "$prefix" "$@"

fail=0
printf '%-26s %12s  %s\n' file bytes "ldd"
for f in bin/famfs bin/mkfs.famfs bin/famfs_fused bin/pcq sbin/mount.famfs lib/libfamfsmap.so lib/libfamfs_preload.so; do
    [ -e "$prefix/$f" ] || { echo "check-install: $f was not installed" >&2; fail=1; continue; }
    deps=$(ldd "$prefix/$f" | awk '{print ($2 == "=>") ? $3 : $1}' | tr '\n' ' ')
    printf '%-26s %12d  %s\n' "$f" "$(stat -c %s "$prefix/$f")" "$deps"
    foreign=$(ldd "$prefix/$f" | grep -vE '^\s*(linux-vdso|/lib64/ld-linux)' | grep -vE '=> /(usr/)?lib(64)?/' || true)
    if [ -n "$foreign" ]; then echo "check-install: $f loads from outside the system: $foreign" >&2; fail=1; fi
done

run() { env -i PATH="$prefix/bin:$prefix/sbin:/usr/bin:/bin" FAMFS_SYSTEM_UUID_FILE="$uuid" "$@"; }
for p in famfs mkfs.famfs famfs_fused pcq mount.famfs; do
    v=$(run "$p" --version) || { echo "check-install: $p --version failed" >&2; fail=1; continue; }
    [ "$v" = "$p $(run famfs --version | awk '{print $2}')" ] || { echo "check-install: $p --version says '$v'" >&2; fail=1; }
done
run mkfs.famfs --create 4g "$dev" >/dev/null
run famfs fsck "$dev" | grep -q " 0 bad log entries" || { echo "check-install: fsck of a new device failed" >&2; fail=1; }

scripts/install.sh --prefix "$prefix" --uninstall >/dev/null
left=$(cd "$prefix" && find . -mindepth 1 | sort | tr '\n' ' ')
if [ "$left" != "./bin ./bin/keep-me " ]; then echo "check-install: uninstall left: $left" >&2; fail=1; fi
[ $fail = 0 ] && echo "check-install: ok (installed, self-contained, ran with env -i, uninstalled exactly)"
exit $fail
