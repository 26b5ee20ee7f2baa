/// A kernel node id (`fuse_in_header.nodeid`, `fuse_entry_out.nodeid`). The kernel names files
/// by these; the file system chooses them in LOOKUP and friends.
public struct NodeID: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// `FUSE_ROOT_ID`.
    public static let root = NodeID(1)
    /// Node id 0: in an entry reply, a negative (cacheable "does not exist") entry.
    public static let none = NodeID(0)

    public var description: String { "node \(rawValue)" }
}

/// A file handle the file system returned from OPEN/OPENDIR/CREATE (`fuse_open_out.fh`).
public struct FileHandleID: Hashable, Sendable {
    public var rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public init(rawValue: UInt64) { self.rawValue = rawValue }
}

/// A request's `fuse_in_header.unique`.
public struct RequestID: Hashable, Sendable {
    public var rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
}

/// Who asked: the caller's credentials from `fuse_in_header` and the request's id.
public struct RequestContext: Sendable, Hashable {
    public var uid: UInt32
    public var gid: UInt32
    public var pid: UInt32
    public var unique: RequestID

    public init(uid: UInt32, gid: UInt32, pid: UInt32, unique: RequestID) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.unique = unique
    }
}
