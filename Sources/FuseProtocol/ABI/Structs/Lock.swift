/// `struct fuse_file_lock` (24 bytes): a byte-range lock, or a whole-file flock.
public struct FileLock: Sendable, Hashable {
    public static let size = 24

    public var start: UInt64
    public var end: UInt64
    /// F_RDLCK, F_WRLCK or F_UNLCK.
    public var type: UInt32
    public var pid: UInt32

    public init(start: UInt64, end: UInt64, type: UInt32, pid: UInt32) {
        self.start = start
        self.end = end
        self.type = type
        self.pid = pid
    }

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> FileLock {
        FileLock(
            start: try r.u64(at: b), end: try r.u64(at: b + 8), type: try r.u32(at: b + 16),
            pid: try r.u32(at: b + 20))
    }

    func encode(into w: inout WireWriter) {
        w.u64(start)
        w.u64(end)
        w.u32(type)
        w.u32(pid)
    }
}

/// `struct fuse_lk_in` (48 bytes), request of GETLK, SETLK and SETLKW; the reply to GETLK is
/// `struct fuse_lk_out` (a `fuse_file_lock`, 24 bytes).
struct LkIn {
    static let size = 48
    static let flagFlock: UInt32 = 1 << 0  // FUSE_LK_FLOCK
    var fh: UInt64
    var owner: UInt64
    var lock: FileLock
    var lkFlags: UInt32

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> LkIn {
        LkIn(
            fh: try r.u64(at: b), owner: try r.u64(at: b + 8),
            lock: try FileLock.decode(r, at: b + 16), lkFlags: try r.u32(at: b + 40))
    }
}
