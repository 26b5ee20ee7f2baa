#!/usr/bin/env python3
"""memcpy baseline for Benchmarks/io-bench.sh.

mmap(MAP_SHARED, PROT_READ) a byte range of the emulated famfs device file and copy it, 1 MiB at a
time, into one 1 MiB buffer (the same access pattern as `dd bs=1M of=/dev/null`: the source
streams, the destination stays in cache). The copy is a memoryview slice assignment, which CPython
performs with memcpy(); per-chunk interpreter overhead is ~1 us per MiB, i.e. well under 1 %.

usage: memcpy-mmap.py DEVICE OFFSET LENGTH RUNS
prints: "<cold GB/s> <best warm GB/s> <median warm GB/s>"  (GB = 1e9 bytes); cold = first pass
right after mmap (page-table faults included), warm = the RUNS following passes.
"""
import mmap
import os
import sys
import time

dev, off, n, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
chunk = 1 << 20
fd = os.open(dev, os.O_RDONLY)
mm = mmap.mmap(fd, n, mmap.MAP_SHARED, mmap.PROT_READ, offset=off)
src = memoryview(mm)
buf = bytearray(chunk)
dst = memoryview(buf)


def one_pass():
    t = time.perf_counter()
    for o in range(0, n - chunk + 1, chunk):
        dst[:] = src[o:o + chunk]
    return n / (time.perf_counter() - t) / 1e9


cold = one_pass()
warm = sorted(one_pass() for _ in range(runs))
print(f"{cold:.2f} {warm[-1]:.2f} {warm[len(warm) // 2]:.2f}")
del src, dst
mm.close()
os.close(fd)
