"""famfs files as memory, from Python: a pure-Python layer (ctypes) over libfamfsmap.

``map(path)`` maps a file of a famfs mount straight from its device (one contiguous range, the
shared memory itself: no page cache, no copy) and returns a :class:`Mapping`, which exports the
buffer protocol, so ``numpy.frombuffer(m, ...)``, ``pyarrow.py_buffer(m)`` and
``pyarrow.ipc.open_file(pyarrow.BufferReader(...))`` read the device memory in place.

Cross-host rule (as for C callers): on cache-coherent shared memory a store through one host's
mapping is seen by every other host's mapping at once; otherwise the writer calls ``flush`` and
the reader ``invalidate``.
"""

import ctypes
import ctypes.util
import os

__all__ = ["map", "flush", "invalidate", "is_famfs", "Mapping", "FamfsError"]

FUSE_SUPER_MAGIC = 0x65735546
FAMFS_STATFS_MAGIC = 0x87B282FD
FMAP_ATTRIBUTE = "user.famfs.fmap"


class FamfsError(OSError):
    """A libfamfsmap call failed; ``errno`` and the library's one-line message."""


_lib = None


def _library():
    global _lib
    if _lib is None:
        path = os.environ.get("FAMFS_MAP_LIBRARY") or ctypes.util.find_library("famfsmap") or "libfamfsmap.so"
        lib = ctypes.CDLL(path)
        vp, sz, cvp = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p
        lib.famfs_map_file.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(vp), ctypes.POINTER(sz)]
        lib.famfs_map_file.restype = ctypes.c_int
        lib.famfs_unmap_file.argtypes = [vp]
        lib.famfs_unmap_file.restype = ctypes.c_int
        for name in ("famfs_map_flush", "famfs_map_invalidate"):
            getattr(lib, name).argtypes = [cvp, sz]
            getattr(lib, name).restype = ctypes.c_int
        lib.famfs_map_last_error.argtypes = []
        lib.famfs_map_last_error.restype = ctypes.c_char_p
        _lib = lib
    return _lib


def _check(rc, what):
    if rc != 0:
        msg = _library().famfs_map_last_error()
        raise FamfsError(-rc, msg.decode(errors="replace") if msg else f"{what}: {os.strerror(-rc)}")


class _MappingBase:
    """Methods of every Mapping; the buffer comes from the ctypes array type it is mixed into."""

    path = None
    writable = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    @property
    def address(self):
        """Start of the file's bytes in this process (the device mapping)."""
        return ctypes.addressof(self)

    @property
    def size(self):
        return ctypes.sizeof(self)

    @property
    def closed(self):
        return self._famfs_closed

    def flush(self, offset=0, length=None):
        """Write back CPU cache lines of the range (after storing, for other hosts)."""
        self._range_call("famfs_map_flush", offset, length)

    def invalidate(self, offset=0, length=None):
        """Drop CPU cache lines of the range (before loading what other hosts stored)."""
        self._range_call("famfs_map_invalidate", offset, length)

    def _range_call(self, name, offset, length):
        if self._famfs_closed:
            raise ValueError("famfs mapping is closed")
        n = self.size - offset if length is None else length
        if offset < 0 or n < 0 or offset + n > self.size:
            raise ValueError(f"range {offset}+{n} is outside the {self.size}-byte file")
        _check(getattr(_library(), name)(self._famfs_base + offset, n), name)

    def close(self):
        """Unmap. Views made from this mapping (numpy arrays, Arrow buffers) must be gone:
        their memory is unmapped with it (a later access faults)."""
        if not self._famfs_closed:
            self._famfs_closed = True
            _check(_library().famfs_unmap_file(self._famfs_base), "famfs_unmap_file")

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self):
        state = "closed" if self._famfs_closed else f"{self.size} bytes at {self._famfs_base:#x}"
        return f"<famfs.Mapping {self.path!r} {'rw' if self.writable else 'ro'} {state}>"


def map(path, writable=False):
    """Maps the famfs file at ``path`` from its device; ``writable`` maps it read-write (the file
    must be openable for writing: the master, or a client mounted ``-w``). Returns a
    :class:`Mapping` (buffer protocol; a context manager; ``close()``). A read-only mapping's
    memory is mapped PROT_READ: a store through it faults."""
    lib = _library()
    addr, size = ctypes.c_void_p(), ctypes.c_size_t()
    _check(lib.famfs_map_file(os.fsencode(path), 1 if writable else 0, ctypes.byref(addr), ctypes.byref(size)),
           f"{path}: famfs_map_file")
    # A zero-length file still gets one (2 MiB) mapping; expose one byte-less array of length 0.
    cls = type("Mapping", (_MappingBase, ctypes.c_ubyte * size.value), {})
    m = cls.from_address(addr.value)
    m._famfs_base = addr.value
    m._famfs_closed = False
    m.path = os.fspath(path)
    m.writable = bool(writable)
    return m


Mapping = _MappingBase


def _range_on_path(path, name):
    with map(path) as m:
        m._range_call(name, 0, None)


def flush(path):
    """Write back this host's CPU cache lines over the whole file ``path`` (or a Mapping)."""
    if isinstance(path, _MappingBase):
        return path.flush()
    _range_on_path(path, "famfs_map_flush")


def invalidate(path):
    """Drop this host's CPU cache lines over the whole file ``path`` (or a Mapping)."""
    if isinstance(path, _MappingBase):
        return path.invalidate()
    _range_on_path(path, "famfs_map_invalidate")


class _Statfs(ctypes.Structure):
    _fields_ = [("f_type", ctypes.c_long), ("rest", ctypes.c_byte * 112)]


def is_famfs(path):
    """True if ``path`` is a regular file of a famfs mount (FUSE with a famfs map)."""
    libc = ctypes.CDLL(None, use_errno=True)
    st = _Statfs()
    if libc.statfs(os.fsencode(path), ctypes.byref(st)) != 0:
        return False
    if (st.f_type & 0xFFFFFFFF) not in (FUSE_SUPER_MAGIC, FAMFS_STATFS_MAGIC):
        return False
    if not os.path.isfile(path):
        return False
    try:
        return len(os.getxattr(path, FMAP_ATTRIBUTE)) > 0
    except OSError:
        return False
