/// `FOPEN_*` bits of `struct fuse_open_out.open_flags`.
public struct OpenReplyFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let directIO = OpenReplyFlags(rawValue: 1 << 0)  // FOPEN_DIRECT_IO
    public static let keepCache = OpenReplyFlags(rawValue: 1 << 1)  // FOPEN_KEEP_CACHE
    public static let nonSeekable = OpenReplyFlags(rawValue: 1 << 2)  // FOPEN_NONSEEKABLE
    public static let cacheDir = OpenReplyFlags(rawValue: 1 << 3)  // FOPEN_CACHE_DIR
    public static let stream = OpenReplyFlags(rawValue: 1 << 4)  // FOPEN_STREAM
    public static let noFlush = OpenReplyFlags(rawValue: 1 << 5)  // FOPEN_NOFLUSH
    public static let parallelDirectWrites = OpenReplyFlags(rawValue: 1 << 6)  // FOPEN_PARALLEL_DIRECT_WRITES
    public static let passthrough = OpenReplyFlags(rawValue: 1 << 7)  // FOPEN_PASSTHROUGH
}

/// `FATTR_*` bits of `struct fuse_setattr_in.valid`: which fields a SETATTR changes.
public struct SetattrValid: OptionSet, Sendable, Hashable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let mode = SetattrValid(rawValue: 1 << 0)  // FATTR_MODE
    public static let uid = SetattrValid(rawValue: 1 << 1)  // FATTR_UID
    public static let gid = SetattrValid(rawValue: 1 << 2)  // FATTR_GID
    public static let size = SetattrValid(rawValue: 1 << 3)  // FATTR_SIZE
    public static let atime = SetattrValid(rawValue: 1 << 4)  // FATTR_ATIME
    public static let mtime = SetattrValid(rawValue: 1 << 5)  // FATTR_MTIME
    public static let fh = SetattrValid(rawValue: 1 << 6)  // FATTR_FH
    public static let atimeNow = SetattrValid(rawValue: 1 << 7)  // FATTR_ATIME_NOW
    public static let mtimeNow = SetattrValid(rawValue: 1 << 8)  // FATTR_MTIME_NOW
    public static let lockOwner = SetattrValid(rawValue: 1 << 9)  // FATTR_LOCKOWNER
    public static let ctime = SetattrValid(rawValue: 1 << 10)  // FATTR_CTIME
    public static let killSuidgid = SetattrValid(rawValue: 1 << 11)  // FATTR_KILL_SUIDGID
}
