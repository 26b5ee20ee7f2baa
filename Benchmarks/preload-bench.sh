#!/usr/bin/env bash
# libfamfs_preload.so against tmpfs and the plain mount: programs that were not written for famfs.
#
# usage: Benchmarks/preload-bench.sh [BIN_DIR]   (default .build/release; nothing is built)
# Build first: swift build -c release && scripts/build-libs.sh release
# Needs root, /dev/fuse, fio, /usr/bin/python3 with numpy and pyarrow.
# Environment: RUNS (default 3, the median is shown), FIO_SECONDS (default 3), FILE_MIB (default
# 1024), NP_MIB (numpy row, default 512), ARROW_MIB (Arrow row, default 256), STARTS (default 200).
#
# Same machine, same run: a FILE_MIB famfs file on an 8 GiB emulated device in /dev/shm, created
# by the master and read on a CLIENT mount (another host identity); "tmpfs" is a byte-identical
# copy in /dev/shm; "mount" is the client mount without the preload.
#   fio rows      MiB/s (higher is better), one job, --ioengine=psync|mmap, --time_based.
#   numpy/Arrow   ms per run (lower is better), each run a new process and a new mapping.
#   non-famfs     fio psync 4 KiB randread of the tmpfs copy, runs with and without the preload
#                 alternating.
#   start-up      CPU ms (user+sys) per exec of /bin/true and python3 -c pass, execs with and
#                 without the preload interleaved; the difference is the preload's cost.
set -euo pipefail
export LC_ALL=C
BIN=${1:-.build/release}
RUNS=${RUNS:-3}
FIO_SECONDS=${FIO_SECONDS:-3}
FILE_MIB=${FILE_MIB:-1024}
NP_MIB=${NP_MIB:-512}
ARROW_MIB=${ARROW_MIB:-256}
STARTS=${STARTS:-200}
PY=/usr/bin/python3
for p in famfs mkfs.famfs libfamfs_preload.so libfamfsmap.so; do
    [[ -e $BIN/$p ]] || { echo "preload-bench: $BIN/$p not found (swift build -c release && scripts/build-libs.sh release)" >&2; exit 2; }
done
command -v fio >/dev/null || { echo "preload-bench: fio not found" >&2; exit 2; }
$PY -c 'import numpy, pyarrow' || { echo "preload-bench: $PY needs numpy and pyarrow" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "preload-bench: needs root (FUSE mounts)" >&2; exit 2; }
BIN=$(cd "$BIN" && pwd)
PRELOAD=$BIN/libfamfs_preload.so

TAG=famfs-plbench-$$
DEV=/dev/shm/$TAG.img
COPY=/dev/shm/$TAG.copy
ACOPY=/dev/shm/$TAG.arrow
M=/tmp/$TAG.master
C=/tmp/$TAG.client
MID=/dev/shm/$TAG.master.uuid
CID=/dev/shm/$TAG.client.uuid
cleanup() {
    set +e
    for mp in "$C" "$M"; do
        grep -q " $mp " /proc/mounts && { FAMFS_SYSTEM_UUID_FILE=$MID "$BIN/famfs" umount "$mp" || umount -l "$mp"; }
        rmdir "$mp" 2>/dev/null
    done
    rm -f "$DEV" "$COPY" "$ACOPY" "$MID" "$CID"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== setup: $FILE_MIB MiB file by the master, read on a client mount"
mkdir -p "$M" "$C"
FAMFS_SYSTEM_UUID_FILE=$MID "$BIN/mkfs.famfs" --create 8g "$DEV" >/dev/null
FAMFS_SYSTEM_UUID_FILE=$MID "$BIN/famfs" mount "$DEV" "$M"
FAMFS_SYSTEM_UUID_FILE=$MID "$BIN/famfs" creat -s "${FILE_MIB}m" -r -S 5 "$M/big" >/dev/null
$PY - "$ACOPY" "$ARROW_MIB" <<'PYEOF'
import sys, pyarrow as pa, pyarrow.ipc
n = int(sys.argv[2]) * (1 << 20) // 8
t = pa.table({"x": pa.array(range(n), type=pa.int64())})
with pa.ipc.new_file(sys.argv[1], t.schema) as w:
    w.write_table(t)
PYEOF
FAMFS_SYSTEM_UUID_FILE=$MID "$BIN/famfs" cp "$ACOPY" "$M/table.arrow" >/dev/null
FAMFS_SYSTEM_UUID_FILE=$CID "$BIN/famfs" mount "$DEV" "$C"
for _ in $(seq 100); do [[ -e $C/table.arrow ]] && break; sleep 0.05; done
cp "$M/big" "$COPY"
cmp "$C/big" "$COPY"
dbg=$(FAMFS_PRELOAD_DEBUG=1 LD_PRELOAD=$PRELOAD cat "$C/big" 2>&1 >/dev/null)
[[ $dbg == *"direct from"* ]] || { echo "preload-bench: the preload does not map $C/big: $dbg" >&2; exit 1; }
echo "kernel $(uname -r), $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2fx\n", a / b }'; }

# fio_mibs [env...] -- FIO ARGS: MiB/s of one fio run (read bandwidth), median of RUNS
fio_mibs() {
    local pre=() v
    while [[ $1 != -- ]]; do pre+=("$1"); shift; done
    shift
    for ((r = 0; r < RUNS; r++)); do
        env "${pre[@]}" fio --output-format=json --name=b --numjobs=1 --time_based --runtime="$FIO_SECONDS" \
            --size="${FILE_MIB}m" "$@" 2>/dev/null |
            $PY -c 'import json,sys; j=json.load(sys.stdin); print(round(j["jobs"][0]["read"]["bw_bytes"] / 1048576, 1))'
    done | median
}

# py_ms [env...] -- SCRIPT ARGS: ms one python run reports, median of RUNS
py_ms() {
    local pre=()
    while [[ $1 != -- ]]; do pre+=("$1"); shift; done
    shift
    for ((r = 0; r < RUNS; r++)); do env "${pre[@]}" $PY -c "$@"; done | median
}

NP='import sys, time, numpy as np
t = time.perf_counter(); a = np.memmap(sys.argv[1], dtype=np.uint8, mode="r", shape=(int(sys.argv[2]) << 20,))
s = int(a.sum(dtype=np.uint64)); print(round((time.perf_counter() - t) * 1000, 1))'
AR='import sys, time, pyarrow as pa, pyarrow.ipc, pyarrow.compute as pc
t = time.perf_counter(); tb = pa.ipc.open_file(pa.memory_map(sys.argv[1], "r")).read_all()
s = pc.sum(tb.column("x")).as_py(); print(round((time.perf_counter() - t) * 1000, 1))'

# start_pair CMD...: "with without difference" in ms of CPU (user+sys, from wait4) per exec,
# the two interleaved exec by exec (STARTS pairs; median of RUNS). CPU time, not wall time: on a
# loaded machine the wall time of a 1 ms exec varies by more than what is measured.
start_pair() {
    for ((r = 0; r < RUNS; r++)); do
        $PY - "$STARTS" "$PRELOAD" "$@" <<'PYEOF'
import os, sys, subprocess
n, lib, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
plain = dict(os.environ); plain.pop("LD_PRELOAD", None)
pre = dict(plain, LD_PRELOAD=lib)
t = {0: 0.0, 1: 0.0}
for i in range(n):
    for k, env in ((0, pre), (1, plain)) if i % 2 == 0 else ((1, plain), (0, pre)):
        p = subprocess.Popen(cmd, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = 0
        if status != 0:
            sys.exit(f"{cmd} failed")
        t[k] += ru.ru_utime + ru.ru_stime
print(round(t[0] * 1000 / n, 3), round(t[1] * 1000 / n, 3), round((t[0] - t[1]) * 1000 / n, 3))
PYEOF
    done | sort -g -k3 | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'
}

# fio_pair FIO ARGS: "with without" MiB/s, runs alternating (median of RUNS each)
fio_pair() {
    local w=() o=()
    for ((r = 0; r < RUNS; r++)); do
        w+=("$(RUNS=1 fio_mibs "LD_PRELOAD=$PRELOAD" -- "$@")")
        o+=("$(RUNS=1 fio_mibs -- "$@")")
    done
    echo "$(printf '%s\n' "${w[@]}" | median) $(printf '%s\n' "${o[@]}" | median)"
}

P="LD_PRELOAD=$PRELOAD"
R4="--rw=randread --bs=4k"
R1="--rw=read --bs=1m"
echo "== fio (${FIO_SECONDS}s each, median of $RUNS)"
f4p=$(fio_mibs "$P" -- --ioengine=psync $R4 --filename="$C/big")
f4t=$(fio_mibs -- --ioengine=psync $R4 --filename="$COPY")
f4m=$(fio_mibs -- --ioengine=psync $R4 --filename="$C/big")
f1p=$(fio_mibs "$P" -- --ioengine=psync $R1 --filename="$C/big")
f1t=$(fio_mibs -- --ioengine=psync $R1 --filename="$COPY")
f1m=$(fio_mibs -- --ioengine=psync $R1 --filename="$C/big")
fmp=$(fio_mibs "$P" -- --ioengine=mmap $R4 --filename="$C/big")
fmt=$(fio_mibs -- --ioengine=mmap $R4 --filename="$COPY")
fmm=$(fio_mibs -- --ioengine=mmap $R4 --filename="$C/big")
read -r nfp nft <<<"$(fio_pair --ioengine=psync $R4 --filename="$COPY")"
echo "== numpy / Arrow (new process and mapping per run, median of $RUNS)"
npp=$(py_ms "$P" -- "$NP" "$C/big" "$NP_MIB")
npt=$(py_ms -- "$NP" "$COPY" "$NP_MIB")
npm=$(py_ms -- "$NP" "$C/big" "$NP_MIB")
arp=$(py_ms "$P" -- "$AR" "$C/table.arrow")
art=$(py_ms -- "$AR" "$ACOPY")
arm=$(py_ms -- "$AR" "$C/table.arrow")
OPEN='import os, sys, time
t = []
for p in sys.argv[1:]:
    s = time.perf_counter(); fd = os.open(p, os.O_RDONLY); t.append((time.perf_counter() - s) * 1000); os.close(fd)
print(round(t[0], 2), round(t[1], 2))'
echo "== open (first famfs open in a process loads libfamfsmap; median of $RUNS)"
read -r o1p o2p <<<"$(for ((r = 0; r < RUNS; r++)); do env "$P" $PY -c "$OPEN" "$C/big" "$C/table.arrow"; done | sort -g | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }')"
read -r o1m o2m <<<"$(for ((r = 0; r < RUNS; r++)); do $PY -c "$OPEN" "$C/big" "$C/table.arrow"; done | sort -g | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }')"
echo "== start-up ($STARTS execs, median of $RUNS)"
read -r stp stt std <<<"$(start_pair /bin/true)"
read -r spp spt spd <<<"$(STARTS=$((STARTS / 4)) start_pair $PY -c pass)"
load=$(cut -d' ' -f1-3 /proc/loadavg)

row() { printf '%-34s %12s %12s %12s %10s %10s  %s\n' "$@"; }
echo
echo "preload benchmark: ${FILE_MIB} MiB file on a client mount; fio MiB/s (higher better), others ms (lower better)"
row "measure" "preload" "tmpfs" "mount" "pre/tmpfs" "pre/mount" "target"
row "fio psync 4 KiB randread MiB/s" "$f4p" "$f4t" "$f4m" "$(ratio "$f4p" "$f4t")" "$(ratio "$f4p" "$f4m")" ">= 1.0x tmpfs"
row "fio psync 1 MiB read MiB/s" "$f1p" "$f1t" "$f1m" "$(ratio "$f1p" "$f1t")" "$(ratio "$f1p" "$f1m")" ">= 1.0x tmpfs"
row "fio mmap 4 KiB randread MiB/s" "$fmp" "$fmt" "$fmm" "$(ratio "$fmp" "$fmt")" "$(ratio "$fmp" "$fmm")" ">= 0.9x tmpfs"
row "numpy.memmap sum ${NP_MIB} MiB ms" "$npp" "$npt" "$npm" "$(ratio "$npp" "$npt")" "$(ratio "$npp" "$npm")" "<= 1.2x tmpfs time"
row "pyarrow.memory_map IPC ${ARROW_MIB} MiB ms" "$arp" "$art" "$arm" "$(ratio "$arp" "$art")" "$(ratio "$arp" "$arm")" "<= 1.2x tmpfs time"
echo
row "non-famfs (tmpfs file)" "preload" "none" "" "pre/none" "" ""
row "fio psync 4 KiB randread MiB/s" "$nfp" "$nft" "" "$(ratio "$nfp" "$nft")" "" ">= 0.95x (<= 1.05x the time)"
row "open(2) of a famfs file, first ms" "$o1p" "" "$o1m" "" "$(ratio "$o1p" "$o1m")" "(once per process: loads libfamfsmap)"
row "open(2) of a famfs file, next ms" "$o2p" "" "$o2m" "" "$(ratio "$o2p" "$o2m")" "(maps the file)"
row "start-up /bin/true CPU ms" "$stp" "$stt" "" "$std ms" "" "<= +1 ms"
row "start-up python3 -c pass CPU ms" "$spp" "$spt" "" "$spd ms" "" "<= +1 ms"
echo
echo "load average before/after: see above / $load ($(nproc) CPUs)"
