"""Scenarios the preload tests run with /usr/bin/python3 (under LD_PRELOAD=libfamfs_preload.so
unless the test says otherwise). Each prints what it checked and exits non-zero on the first
difference. Usage: scenarios.py NAME ARGS...

The oracle for offsets is the kernel itself: every operation is done on the famfs file and on a
byte-identical copy in tmpfs, and results and offsets must agree at every step.
"""
import hashlib
import mmap
import os
import sys
import threading
import time


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def device_lines(device):
    with open("/proc/self/maps") as f:
        return [l for l in f if l.rstrip().endswith(device)]


def mapped_at(addr, device):
    for l in device_lines(device):
        lo, hi = (int(x, 16) for x in l.split()[0].split("-"))
        if lo <= addr < hi:
            return True
    return False


def offsets(famfs_path, copy_path, device):
    """read/lseek/pread/readv/preadv, dup, fork and threads agree with tmpfs."""
    a = os.open(famfs_path, os.O_RDONLY)
    b = os.open(copy_path, os.O_RDONLY)
    if not device_lines(device):
        fail("the famfs file is not mapped from the device while open (preload not in effect)")
    size = os.fstat(a).st_size
    steps = 0

    def same(what, x, y):
        nonlocal steps
        steps += 1
        if x != y:
            fail(f"{what}: famfs {x!r:.80} != tmpfs {y!r:.80}")
        pa, pb = os.lseek(a, 0, os.SEEK_CUR), os.lseek(b, 0, os.SEEK_CUR)
        if pa != pb:
            fail(f"after {what}: famfs offset {pa} != tmpfs offset {pb}")

    def both(fn, *args):
        return fn(a, *args), fn(b, *args)

    for n in (0, 1, 4095, 4096, 100000, 1 << 20):
        same(f"read {n}", *both(os.read, n))
    same("lseek SEEK_SET 7", *both(os.lseek, 7, os.SEEK_SET))
    same("read 13", *both(os.read, 13))
    same("lseek SEEK_CUR -5", *both(os.lseek, -5, os.SEEK_CUR))
    same("read 9", *both(os.read, 9))
    same("pread 4096 @ 12345", *both(os.pread, 4096, 12345))
    same("read 3 after pread", *both(os.read, 3))
    same("lseek SEEK_END -10", *both(os.lseek, -10, os.SEEK_END))
    same("read 100 across EOF (short)", *both(os.read, 100))
    same("read at EOF", *both(os.read, 100))
    same("pread past EOF", *both(os.pread, 10, size + 5))
    same("lseek past EOF", *both(os.lseek, size + 4096, os.SEEK_SET))
    same("read past EOF", *both(os.read, 10))
    same("lseek SEEK_SET 1000", *both(os.lseek, 1000, os.SEEK_SET))
    bufs = lambda: [bytearray(10), bytearray(5000), bytearray(3)]
    ba, bb = bufs(), bufs()
    same("readv 10+5000+3", (os.readv(a, ba), bytes(b"".join(ba))), (os.readv(b, bb), bytes(b"".join(bb))))
    ba, bb = bufs(), bufs()
    same("preadv @ size-20", (os.preadv(a, ba, size - 20), bytes(b"".join(ba))),
         (os.preadv(b, bb, size - 20), bytes(b"".join(bb))))
    # dup and fcntl(F_DUPFD) share the offset (one open file description)
    da, db = os.dup(a), os.dup(b)
    same("read 777 on dup", os.read(da, 777), os.read(db, 777))
    same("read 10 on original after dup read", *both(os.read, 10))
    os.close(da)
    os.close(db)
    same("read 10 after closing the dup", *both(os.read, 10))
    import fcntl
    da = fcntl.fcntl(a, fcntl.F_DUPFD_CLOEXEC, 100)
    db = fcntl.fcntl(b, fcntl.F_DUPFD_CLOEXEC, 100)
    same("read 5 on F_DUPFD_CLOEXEC fd", os.read(da, 5), os.read(db, 5))
    os.dup2(da, 200)
    os.dup2(db, 201)
    same("read 6 on dup2 fd", os.read(200, 6), os.read(201, 6))
    for fd in (da, db, 200, 201):
        os.close(fd)
    # fork: the child reads; the parent sees the offset move (shared description)
    pid = os.fork()
    if pid == 0:
        x, y = os.read(a, 4096 * 3 + 1), os.read(b, 4096 * 3 + 1)
        os._exit(0 if x == y else 3)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        fail(f"forked child saw different bytes (status {status})")
    same("read 50 in the parent after the child read", *both(os.read, 50))
    # threads: 4 threads read 4 KiB at a time from one fd; together they read each chunk once
    os.lseek(a, 0, os.SEEK_SET)
    chunks = []
    lock = threading.Lock()

    def reader():
        while True:
            c = os.read(a, 4096)
            if not c:
                return
            with lock:
                chunks.append(c)

    ts = [threading.Thread(target=reader) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    with open(copy_path, "rb") as f:
        whole = f.read()
    expect = sorted(whole[i:i + 4096] for i in range(0, len(whole), 4096))
    if sorted(chunks) != expect:
        fail(f"4 threads reading one fd: {len(chunks)} chunks, not each 4 KiB chunk of the file once")
    os.close(a)
    os.close(b)
    if device_lines(device):
        fail("device still mapped after the last close")
    print(f"offsets: {steps} steps agree with tmpfs; dup, fork and 4 threads ok; {size} bytes")


def writes(famfs_path, device):
    """On a writable open: write/pwrite/writev land in the file, offsets as the kernel keeps them,
    bytes past the end are dropped (short write), a write at the end fails with EFBIG."""
    fd = os.open(famfs_path, os.O_RDWR)
    if not device_lines(device):
        fail("not mapped from the device while open")
    size = os.fstat(fd).st_size
    if os.write(fd, b"hello") != 5 or os.lseek(fd, 0, os.SEEK_CUR) != 5:
        fail("write 5 at 0")
    if os.pwrite(fd, b"XY", 100) != 2 or os.lseek(fd, 0, os.SEEK_CUR) != 5:
        fail("pwrite must not move the offset")
    if os.writev(fd, [b"ab", b"cd"]) != 4 or os.lseek(fd, 0, os.SEEK_CUR) != 9:
        fail("writev")
    os.lseek(fd, size - 3, os.SEEK_SET)
    n = os.write(fd, b"123456")
    if n != 3 or os.lseek(fd, 0, os.SEEK_CUR) != size:
        fail(f"write across the end: {n} bytes, offset {os.lseek(fd, 0, os.SEEK_CUR)}")
    try:
        os.write(fd, b"z")
        fail("write at the end succeeded")
    except OSError as e:
        if e.errno != 27:  # EFBIG
            fail(f"write at the end: {e}")
    os.close(fd)
    with open(famfs_path, "rb") as f:  # (also through the preload)
        d = f.read()
    if d[:9] != b"helloabcd" or d[100:102] != b"XY" or d[-3:] != b"123":
        fail(f"bytes written are not in the file: {d[:12]!r} {d[100:102]!r} {d[-3:]!r}")
    print("writes: ok")


def manyfiles(directory, device, count):
    """Opens and closes `count` famfs files (each mapped, each read): no mapping left behind."""
    names = sorted(os.listdir(directory))[:count]
    if len(names) < count:
        fail(f"only {len(names)} files in {directory}")
    seen_mapped = 0
    for i, name in enumerate(names):
        fd = os.open(os.path.join(directory, name), os.O_RDONLY)
        if os.read(fd, 16) != name.encode().ljust(16, b".")[:16]:
            fail(f"{name}: wrong first bytes")
        if i % 100 == 0:
            seen_mapped += bool(device_lines(device))
        if i % 3 == 0:
            m = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
            if m[:4] != name.encode()[:4]:
                fail(f"{name}: wrong mmap bytes")
            m.close()
        os.close(fd)
    left = device_lines(device)
    if seen_mapped == 0:
        fail("no file was mapped from the device (preload not in effect)")
    if left:
        fail(f"{len(left)} device mappings left after closing {count} files: {left[0].strip()}")
    print(f"manyfiles: {count} files opened, read, closed; no mapping left")


def watch(famfs_path, device, ready_path, offset, expect_hex, seconds):
    """Client: an existing MAP_SHARED mapping sees the master's later store, no flush."""
    fd = os.open(famfs_path, os.O_RDONLY)
    m = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    expect = bytes.fromhex(expect_hex)
    before = m[offset:offset + len(expect)]
    if before == expect:
        fail("the bytes are already there")
    if not device_lines(device):
        fail("the client's mapping is not the device")
    with open(ready_path, "w") as f:
        f.write("ready\n")
    deadline = time.time() + float(seconds)
    while time.time() < deadline:
        if m[offset:offset + len(expect)] == expect:
            print("watch: the existing mapping shows the master's store")
            return
        time.sleep(0.01)
    fail(f"the existing mapping still shows {m[offset:offset + len(expect)].hex()} (want {expect_hex})")


def store(famfs_path, device, offset, data_hex):
    """Master: a store through a MAP_SHARED mapping of the file (no msync, no flush)."""
    fd = os.open(famfs_path, os.O_RDWR)
    m = mmap.mmap(fd, 0, access=mmap.ACCESS_WRITE)
    if not device_lines(device):
        fail("the master's mapping is not the device")
    data = bytes.fromhex(data_hex)
    m[offset:offset + len(data)] = data
    print("store: done")


def mappings(famfs_path, device):
    """On a writable open: shared stores reach the file (msync works), MAP_PRIVATE copies on
    write, a mapping at an unaligned page offset, mremap growing a mapping, munmap releasing it."""
    import ctypes
    fd = os.open(famfs_path, os.O_RDWR)
    size = os.fstat(fd).st_size
    m = mmap.mmap(fd, 0)
    if not mapped_at(ctypes.addressof(ctypes.c_char.from_buffer(m)), device):
        fail("shared mapping is not the device")
    m[10:14] = b"abcd"
    m.flush()
    if os.pread(fd, 4, 10) != b"abcd":
        fail("a shared store is not in the file")
    p = mmap.mmap(fd, 0, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    if not mapped_at(ctypes.addressof(ctypes.c_char.from_buffer(p)), device):
        fail("private mapping is not the device (an emulated device allows it)")
    p[10:14] = b"zzzz"
    if os.pread(fd, 4, 10) != b"abcd" or m[10:14] != b"abcd" or p[10:14] != b"zzzz":
        fail("MAP_PRIVATE store leaked into the file")
    p.close()
    u = mmap.mmap(fd, 8192, offset=4096 * 3)
    if u[:] != os.pread(fd, 8192, 4096 * 3):
        fail("mapping at page offset 3 shows other bytes")
    u.close()
    m.close()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.mremap.restype = ctypes.c_void_p
    libc.mremap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_int]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    before = len(device_lines(device))
    a = libc.mmap(None, 2 << 20, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
    if a in (None, ctypes.c_void_p(-1).value) or not mapped_at(a, device):
        fail("libc mmap of 2 MiB is not the device")
    b = libc.mremap(a, 2 << 20, 4 << 20, 1)  # MREMAP_MAYMOVE
    if b in (None, ctypes.c_void_p(-1).value):
        fail(f"mremap failed: errno {ctypes.get_errno()}")
    if ctypes.string_at(b + (3 << 20), 16) != os.pread(fd, 16, 3 << 20):
        fail("grown mapping shows other bytes past the old end")
    if libc.munmap(b, 4 << 20) != 0:
        fail("munmap of the grown mapping")
    if len(device_lines(device)) != before:
        fail(f"device mappings: {before} before, {len(device_lines(device))} after munmap")
    os.close(fd)
    print(f"mappings: shared, private, offset, mremap, munmap ok ({size} bytes)")


def md5(path):
    """md5 of a file read with read(2) in 1 MiB pieces, and whether it was mapped."""
    fd = os.open(path, os.O_RDONLY)
    h = hashlib.md5()
    while True:
        c = os.read(fd, 1 << 20)
        if not c:
            break
        h.update(c)
    print(h.hexdigest(), "mapped" if device_lines(sys.argv[-1]) else "not-mapped")


def package(path, device, arrow_path):
    """numpy and pyarrow through the famfs package: no copy (addresses inside the device mapping)."""
    import famfs
    import numpy as np
    import pyarrow as pa
    import pyarrow.ipc
    if not famfs.is_famfs(path) or famfs.is_famfs("/proc/self/status"):
        fail("is_famfs")
    with open(path, "rb") as f:
        want = hashlib.md5(f.read()).hexdigest()
    with famfs.map(path) as m:
        a = np.frombuffer(m, dtype=np.uint8)
        if not mapped_at(a.ctypes.data, device) or a.ctypes.data != m.address:
            fail("numpy array is not the device mapping")
        if hashlib.md5(a).hexdigest() != want:
            fail("numpy sees other bytes than read(2)")
        b = pa.py_buffer(m)
        if b.address != m.address or b.size != m.size:
            fail("pyarrow buffer is not the mapping")
        del a, b
    if not m.closed or device_lines(device):
        fail("still mapped after close")
    with famfs.map(arrow_path) as m:
        reader = pa.ipc.open_file(pa.BufferReader(pa.py_buffer(m)))
        t = reader.read_all()
        col = t.column("x").chunk(0)
        addr = col.buffers()[1].address
        if not (m.address <= addr < m.address + m.size) or not mapped_at(addr, device):
            fail("Arrow column buffer is not inside the device mapping (copied?)")
        if t.num_rows != 100000 or col[12345].as_py() != 12345 * 3:
            fail("Arrow table content")
        del reader, t, col
    famfs.flush(path)
    famfs.invalidate(path)
    try:
        famfs.map("/etc/hostname")
        fail("mapping a non-famfs file succeeded")
    except famfs.FamfsError as e:
        if e.errno != 25:
            fail(f"non-famfs file: errno {e.errno}")
    print("package: numpy and pyarrow read the device mapping in place")


def write_arrow(out):
    import pyarrow as pa
    import pyarrow.ipc
    t = pa.table({"x": pa.array([i * 3 for i in range(100000)], type=pa.int64())})
    with pa.ipc.new_file(out, t.schema) as w:
        w.write_table(t)


def preloaded_mmaps(npy_path, arrow_path, device):
    """numpy.memmap and pyarrow.memory_map under the preload are the device memory."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.ipc
    a = np.memmap(npy_path, dtype=np.uint8, mode="r")
    if not mapped_at(a.ctypes.data, device):
        fail("numpy.memmap is not the device mapping")
    total = int(a.sum(dtype=np.uint64))
    with open(npy_path, "rb") as f:
        if total != sum(f.read()):
            fail("numpy.memmap sum differs from read(2)")
    del a
    src = pa.memory_map(arrow_path, "r")
    t = pa.ipc.open_file(src).read_all()
    addr = t.column("x").chunk(0).buffers()[1].address
    if not mapped_at(addr, device):
        fail("pyarrow.memory_map buffer is not the device mapping")
    if t.column("x")[777].as_py() != 777 * 3:
        fail("Arrow content")
    print("preloaded_mmaps: numpy.memmap and pyarrow.memory_map map the device")


if __name__ == "__main__":
    name, args = sys.argv[1], sys.argv[2:]
    fn = globals()[name]
    if name == "manyfiles":
        fn(args[0], args[1], int(args[2]))
    elif name in ("watch",):
        fn(args[0], args[1], args[2], int(args[3]), args[4], args[5])
    elif name == "store":
        fn(args[0], args[1], int(args[2]), args[3])
    elif name == "md5":
        fn(args[0])
    else:
        fn(*args)
