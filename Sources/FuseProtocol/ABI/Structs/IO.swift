/// `struct fuse_open_in` (8 bytes), request of OPEN and OPENDIR.
struct OpenIn {
    static let size = 8
    var flags: UInt32  // open(2) flags
    var openFlags: UInt32  // FUSE_OPEN_KILL_SUIDGID

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> OpenIn {
        OpenIn(flags: try r.u32(at: b), openFlags: try r.u32(at: b + 4))
    }
}

/// `struct fuse_create_in` (16 bytes), head of a CREATE request (name follows).
struct CreateIn {
    static let size = 16
    var flags: UInt32
    var mode: UInt32
    var umask: UInt32
    var openFlags: UInt32

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> CreateIn {
        CreateIn(
            flags: try r.u32(at: b), mode: try r.u32(at: b + 4), umask: try r.u32(at: b + 8),
            openFlags: try r.u32(at: b + 12))
    }
}

/// `struct fuse_open_out` (16 bytes): the reply to OPEN, OPENDIR, and the tail of CREATE.
public struct OpenReply: Sendable, Hashable {
    public static let size = 16

    public var handle: FileHandleID
    public var flags: OpenReplyFlags
    /// `backing_id` for FOPEN_PASSTHROUGH; 0 otherwise.
    public var backingID: Int32

    public init(handle: FileHandleID, flags: OpenReplyFlags = [], backingID: Int32 = 0) {
        self.handle = handle
        self.flags = flags
        self.backingID = backingID
    }

    func encode(into w: inout WireWriter) {
        w.u64(handle.rawValue)
        w.u32(flags.rawValue)
        w.i32(backingID)
    }
}

/// `struct fuse_read_in` (40 bytes), request of READ, READDIR and READDIRPLUS.
struct ReadIn {
    static let size = 40
    var fh: UInt64
    var offset: UInt64
    var size: UInt32
    var readFlags: UInt32
    var lockOwner: UInt64
    var flags: UInt32

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> ReadIn {
        ReadIn(
            fh: try r.u64(at: b), offset: try r.u64(at: b + 8), size: try r.u32(at: b + 16),
            readFlags: try r.u32(at: b + 20), lockOwner: try r.u64(at: b + 24),
            flags: try r.u32(at: b + 32))  // padding u32 at 36
    }
}

/// `struct fuse_write_in` (40 bytes), head of a WRITE request (data follows).
struct WriteIn {
    static let size = 40
    var fh: UInt64
    var offset: UInt64
    var size: UInt32
    var writeFlags: UInt32
    var lockOwner: UInt64
    var flags: UInt32

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> WriteIn {
        WriteIn(
            fh: try r.u64(at: b), offset: try r.u64(at: b + 8), size: try r.u32(at: b + 16),
            writeFlags: try r.u32(at: b + 20), lockOwner: try r.u64(at: b + 24),
            flags: try r.u32(at: b + 32))
    }
}

/// `struct fuse_write_out` (8 bytes).
struct WriteOut {
    static let size = 8
    var size: UInt32

    func encode(into w: inout WireWriter) {
        w.u32(size)
        w.u32(0)  // padding
    }
}

/// `struct fuse_release_in` (24 bytes), request of RELEASE and RELEASEDIR.
struct ReleaseIn {
    static let size = 24
    var fh: UInt64
    var flags: UInt32
    var releaseFlags: UInt32
    var lockOwner: UInt64

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> ReleaseIn {
        ReleaseIn(
            fh: try r.u64(at: b), flags: try r.u32(at: b + 8), releaseFlags: try r.u32(at: b + 12),
            lockOwner: try r.u64(at: b + 16))
    }
}

/// `struct fuse_flush_in` (24 bytes).
struct FlushIn {
    static let size = 24
    var fh: UInt64
    var lockOwner: UInt64

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> FlushIn {
        FlushIn(fh: try r.u64(at: b), lockOwner: try r.u64(at: b + 16))  // unused, padding at 8
    }
}

/// `struct fuse_fsync_in` (16 bytes), request of FSYNC and FSYNCDIR.
struct FsyncIn {
    static let size = 16
    var fh: UInt64
    var fsyncFlags: UInt32  // FUSE_FSYNC_FDATASYNC

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> FsyncIn {
        FsyncIn(fh: try r.u64(at: b), fsyncFlags: try r.u32(at: b + 8))
    }
}

/// `struct fuse_getattr_in` (16 bytes).
struct GetattrIn {
    static let size = 16
    static let flagFH: UInt32 = 1 << 0  // FUSE_GETATTR_FH
    var getattrFlags: UInt32
    var fh: UInt64

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> GetattrIn {
        GetattrIn(getattrFlags: try r.u32(at: b), fh: try r.u64(at: b + 8))
    }
}

/// `struct fuse_fallocate_in` (32 bytes).
struct FallocateIn {
    static let size = 32
    var fh: UInt64
    var offset: UInt64
    var length: UInt64
    var mode: UInt32

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> FallocateIn {
        FallocateIn(
            fh: try r.u64(at: b), offset: try r.u64(at: b + 8), length: try r.u64(at: b + 16),
            mode: try r.u32(at: b + 24))
    }
}

/// `struct fuse_lseek_in` (24 bytes); the reply is `struct fuse_lseek_out` (8 bytes).
struct LseekIn {
    static let size = 24
    static let outSize = 8
    var fh: UInt64
    var offset: UInt64
    var whence: UInt32

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> LseekIn {
        LseekIn(fh: try r.u64(at: b), offset: try r.u64(at: b + 8), whence: try r.u32(at: b + 16))
    }
}
