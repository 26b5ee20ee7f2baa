#!/usr/bin/env bash
# The metadata speed figures in one run: fsck of a full and an empty log, start-up, mount of a
# full log until its files are visible, a client catching up on 1,000 entries, famfs creat and
# mkdir -p into a nearly full log, and the in-process replay/fsck/CRC behind them; each with its
# target and ratio. The images (64 GiB sparse, full 8 MiB log) are built by famfs-bench itself.
#
# usage: Benchmarks/metadata-bench.sh [BIN_DIR] [--before DIR] [--reference DIR] [--runs N]
#   BIN_DIR      our release binaries (default .build/release; nothing is built here)
#   --before     an older build of ours, timed side by side in the same run
#   --reference  the original famfs's binaries (famfs); without it the table shows the
#                original's figures measured on this image earlier (31 ms fsck, 26 ms empty, 47 ms creat)
# Needs root and /dev/fuse.
set -euo pipefail
BIN=.build/release
if [[ $# -gt 0 && $1 != --* ]]; then BIN=$1; shift; fi
for p in famfs famfs_fused mkfs.famfs famfs-bench; do
    [[ -x $BIN/$p ]] || { echo "metadata-bench: $BIN/$p not found (build first: swift build -c release)" >&2; exit 2; }
done
[[ $(id -u) == 0 ]] || { echo "metadata-bench: needs root (FUSE mounts)" >&2; exit 2; }
BIN=$(cd "$BIN" && pwd)
exec "$BIN/famfs-bench" metadata --bin "$BIN" "$@"
