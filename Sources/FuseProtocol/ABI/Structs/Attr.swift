/// A time stamp as FUSE carries it: seconds plus nanoseconds.
public struct FuseTime: Sendable, Hashable {
    public var seconds: UInt64
    public var nanoseconds: UInt32

    public init(seconds: UInt64, nanoseconds: UInt32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static let zero = FuseTime(seconds: 0)

    /// A cache timeout from a `Duration` (negative durations become zero).
    public init(_ duration: Duration) {
        let (secs, atto) = duration.components
        if secs < 0 {
            self.init(seconds: 0)
        } else {
            self.init(seconds: UInt64(secs), nanoseconds: UInt32(clamping: max(0, atto) / 1_000_000_000))
        }
    }
}

/// `struct fuse_attr` (88 bytes): the attributes of a node.
public struct Attr: Sendable, Hashable {
    public static let size = 88

    public var ino: UInt64
    public var size: UInt64
    public var blocks: UInt64  // 512-byte units
    public var atime: FuseTime
    public var mtime: FuseTime
    public var ctime: FuseTime
    public var mode: UInt32  // file type and permission bits (S_IFREG | 0o644 …)
    public var nlink: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var rdev: UInt32
    public var blksize: UInt32
    public var flags: UInt32  // FUSE_ATTR_SUBMOUNT, FUSE_ATTR_DAX

    public init(
        ino: UInt64, size: UInt64 = 0, blocks: UInt64 = 0, atime: FuseTime = .zero,
        mtime: FuseTime = .zero, ctime: FuseTime = .zero, mode: UInt32, nlink: UInt32 = 1,
        uid: UInt32 = 0, gid: UInt32 = 0, rdev: UInt32 = 0, blksize: UInt32 = 4096,
        flags: UInt32 = 0
    ) {
        self.ino = ino
        self.size = size
        self.blocks = blocks
        self.atime = atime
        self.mtime = mtime
        self.ctime = ctime
        self.mode = mode
        self.nlink = nlink
        self.uid = uid
        self.gid = gid
        self.rdev = rdev
        self.blksize = blksize
        self.flags = flags
    }

    func encode(into w: inout WireWriter) {
        w.u64(ino)  // 0
        w.u64(size)  // 8
        w.u64(blocks)  // 16
        w.u64(atime.seconds)  // 24
        w.u64(mtime.seconds)  // 32
        w.u64(ctime.seconds)  // 40
        w.u32(atime.nanoseconds)  // 48
        w.u32(mtime.nanoseconds)  // 52
        w.u32(ctime.nanoseconds)  // 56
        w.u32(mode)  // 60
        w.u32(nlink)  // 64
        w.u32(uid)  // 68
        w.u32(gid)  // 72
        w.u32(rdev)  // 76
        w.u32(blksize)  // 80
        w.u32(flags)  // 84
    }
}

/// `struct fuse_attr_out` (104 bytes): the reply to GETATTR and SETATTR.
public struct AttrReply: Sendable, Hashable {
    public static let size = 104

    public var attr: Attr
    public var timeout: FuseTime  // attr_valid, attr_valid_nsec

    public init(attr: Attr, timeout: FuseTime = FuseTime(seconds: 1)) {
        self.attr = attr
        self.timeout = timeout
    }

    func encode(into w: inout WireWriter) {
        w.u64(timeout.seconds)
        w.u32(timeout.nanoseconds)
        w.u32(0)  // dummy
        attr.encode(into: &w)
    }
}

/// `struct fuse_entry_out` (128 bytes): the reply to LOOKUP, MKDIR, MKNOD, SYMLINK, LINK,
/// CREATE, and the head of each READDIRPLUS record.
public struct Entry: Sendable, Hashable {
    public static let size = 128

    /// `.none` (0) makes a negative entry the kernel caches for `entryTimeout`.
    public var node: NodeID
    public var generation: UInt64
    public var entryTimeout: FuseTime
    public var attrTimeout: FuseTime
    public var attr: Attr

    public init(
        node: NodeID, generation: UInt64 = 0, attr: Attr,
        entryTimeout: FuseTime = FuseTime(seconds: 1), attrTimeout: FuseTime = FuseTime(seconds: 1)
    ) {
        self.node = node
        self.generation = generation
        self.attr = attr
        self.entryTimeout = entryTimeout
        self.attrTimeout = attrTimeout
    }

    /// A negative entry: "no such name", cached by the kernel for `timeout`.
    public static func negative(timeout: FuseTime) -> Entry {
        Entry(node: .none, attr: Attr(ino: 0, mode: 0), entryTimeout: timeout, attrTimeout: .zero)
    }

    func encode(into w: inout WireWriter) {
        w.u64(node.rawValue)
        w.u64(generation)
        w.u64(entryTimeout.seconds)
        w.u64(attrTimeout.seconds)
        w.u32(entryTimeout.nanoseconds)
        w.u32(attrTimeout.nanoseconds)
        attr.encode(into: &w)
    }
}
