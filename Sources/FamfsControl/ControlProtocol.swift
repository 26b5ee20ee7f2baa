import FamfsFormat

/// What a famfs daemon and the famfs programs say to each other, defined once: the extended
/// attributes a mount answers, the control channel's socket name, and its requests and replies
/// with their byte encoding. The daemon (`ControlChannel`) and the command line (`DaemonClient`)
/// both use only this.
///
/// A master daemon keeps the replayed log in memory; `famfs creat` and `famfs mkdir` ask it to
/// create through a UNIX socket instead of replaying the whole log in every process. One request
/// per connection, one reply, each a frame: a 4-byte little-endian length, then that many bytes
/// (at most `maxFrame`). The rules (exists with another size, master only, root only) are
/// checked by the daemon; a program only presents the `failure` it gets back.
public enum ControlProtocol {
    /// The `user.famfs.*` extended attributes of a famfs mount.
    public enum Xattr {
        /// Files: the map, in the reference's shadow YAML format.
        public static let fmap = "user.famfs.fmap"
        /// Every node: the device path, the file system's UUID, this mount's role, this host's UUID.
        public static let device = "user.famfs.device"
        public static let uuid = "user.famfs.uuid"
        public static let role = "user.famfs.role"
        public static let host = "user.famfs.host"
        /// The root, for root only: the daemon's pid (`famfs umount` waits for it to exit).
        public static let daemonPID = "user.famfs.daemon_pid"
        /// The root of a master mount, for root only: the control channel's socket name.
        public static let control = "user.famfs.control"
        /// Files: reading it drops this host's cached pages of the file ("1" when done).
        public static let invalidate = "user.famfs.invalidate"
        /// The root: reading it replays new log entries now ("<entries> <files> <dirs>").
        public static let refresh = "user.famfs.refresh"
        /// The root: the daemon's runtime directory (status socket, mount record).
        public static let shadow = "user.famfs.shadow"
    }

    /// The control socket's name in the abstract namespace (nothing left on disk after a kill -9).
    public static func socketName(daemonPID: Int32) -> String { "famfs-control-\(daemonPID)" }

    /// `sockaddr_un.sun_path` bytes for an abstract name: a NUL, then the name.
    public static func abstractAddress(_ name: String) -> [UInt8] { [0] + Array(name.utf8) }

    /// A frame larger than this is refused unread (a request is a path and a few numbers; the
    /// largest reply is a `mkdir -p` of every component of a 79-byte path).
    public static let maxFrame = 16 << 10
    /// Longest string field accepted (paths are at most `Media.maxPathLength` bytes on media;
    /// longer ones must still reach the daemon to be refused with a message).
    public static let maxString = 4096
}

/// A request to a master's daemon. `requester` is the asking host's system UUID: only the master
/// may create, and one machine can play several hosts.
public enum ControlRequest: Equatable, Sendable {
    /// What is at `path` (relative to the mount point).
    case lookup(path: String)
    /// Create `path`, or return the file already there: with `size` 0 of any size, else only of
    /// that size. A missing file with `size` 0 is an error.
    case createFile(CreateFile)
    /// Create directory `path` (with `parents`, its missing ancestors too, and an existing
    /// directory is no error).
    case mkdir(path: String, mode: UInt32, uid: UInt32, gid: UInt32, parents: Bool, requester: FamfsUUID)

    public struct CreateFile: Equatable, Sendable {
        public var path: String
        public var size: UInt64
        public var mode: UInt32
        public var uid: UInt32
        public var gid: UInt32
        public var nbuckets: UInt64
        public var nstrips: UInt64
        public var chunkSize: UInt64
        public var requester: FamfsUUID
        public init(path: String, size: UInt64, mode: UInt32, uid: UInt32, gid: UInt32,
                    nbuckets: UInt64, nstrips: UInt64, chunkSize: UInt64, requester: FamfsUUID) {
            self.path = path
            self.size = size
            self.mode = mode
            self.uid = uid
            self.gid = gid
            self.nbuckets = nbuckets
            self.nstrips = nstrips
            self.chunkSize = chunkSize
            self.requester = requester
        }
    }

    private enum Tag: UInt8 { case lookup = 1, createFile = 2, mkdir = 3 }

    public func encoded() -> [UInt8] {
        var w = ControlWriter()
        switch self {
        case .lookup(let path):
            w.u8(Tag.lookup.rawValue); w.string(path)
        case .createFile(let c):
            w.u8(Tag.createFile.rawValue); w.string(c.path); w.u64(c.size); w.u32(c.mode); w.u32(c.uid); w.u32(c.gid)
            w.u64(c.nbuckets); w.u64(c.nstrips); w.u64(c.chunkSize); w.uuid(c.requester)
        case let .mkdir(path, mode, uid, gid, parents, requester):
            w.u8(Tag.mkdir.rawValue); w.string(path); w.u32(mode); w.u32(uid); w.u32(gid); w.u8(parents ? 1 : 0)
            w.uuid(requester)
        }
        return w.bytes
    }

    public static func decode<C: Collection>(_ bytes: C) throws(ControlProtocolError) -> ControlRequest where C.Element == UInt8 {
        var r = ControlReader(Array(bytes), what: "request")
        let request: ControlRequest
        switch Tag(rawValue: try r.u8()) {
        case .lookup:
            request = .lookup(path: try r.string())
        case .createFile:
            request = .createFile(CreateFile(path: try r.string(), size: try r.u64(), mode: try r.u32(), uid: try r.u32(),
                                             gid: try r.u32(), nbuckets: try r.u64(), nstrips: try r.u64(),
                                             chunkSize: try r.u64(), requester: try r.uuid()))
        case .mkdir:
            request = .mkdir(path: try r.string(), mode: try r.u32(), uid: try r.u32(), gid: try r.u32(),
                             parents: try r.bool(), requester: try r.uuid())
        case nil:
            throw .malformed("request", reason: "unknown request type")
        }
        try r.end()
        return request
    }
}

/// The daemon's answer.
public enum ControlReply: Equatable, Sendable {
    /// Nothing at the path.
    case none
    case directory
    /// A file; `created` tells a new file from one that was already there.
    case file(FileMeta, created: Bool)
    /// `mkdir`: the paths created, outermost first.
    case directoriesCreated([String])
    /// The request was refused: the errno a program exits or reports with, and a one-line message.
    case failure(errno: Int32, message: String)

    private enum Tag: UInt8 { case absent = 1, directory = 2, file = 3, directoriesCreated = 4, failure = 5 }

    public func encoded() -> [UInt8] {
        var w = ControlWriter()
        switch self {
        case .none: w.u8(Tag.absent.rawValue)
        case .directory: w.u8(Tag.directory.rawValue)
        case let .file(meta, created):
            // The file as its log entry: the one byte layout of a file's metadata, CRC-covered.
            w.u8(Tag.file.rawValue); w.u8(created ? 1 : 0); w.raw(LogEntry(seqnum: 0, body: .file(meta)).encoded())
        case .directoriesCreated(let paths):
            w.u8(Tag.directoriesCreated.rawValue); w.u32(UInt32(paths.count)); for p in paths { w.string(p) }
        case let .failure(errno, message):
            w.u8(Tag.failure.rawValue); w.u32(UInt32(bitPattern: errno)); w.string(String(message.utf8.prefix(ControlProtocol.maxString)) ?? "")
        }
        return w.bytes
    }

    public static func decode<C: Collection>(_ bytes: C) throws(ControlProtocolError) -> ControlReply where C.Element == UInt8 {
        var r = ControlReader(Array(bytes), what: "reply")
        let reply: ControlReply
        switch Tag(rawValue: try r.u8()) {
        case .absent: reply = .none
        case .directory: reply = .directory
        case .file:
            let created = try r.bool()
            let raw = try r.raw(Media.logEntrySize)
            let entry: LogEntry
            do { entry = try LogEntry.decode(raw, index: 0) } catch { throw .malformed("reply", reason: "file entry: \(error)") }
            guard case .file(let meta) = entry.body else { throw .malformed("reply", reason: "file entry is not a FILE") }
            reply = .file(meta, created: created)
        case .directoriesCreated:
            let n = try r.u32()
            // Each path takes at least its 2-byte length: a count the frame cannot hold is a lie.
            guard Int(n) <= r.remaining / 2 else { throw .malformed("reply", reason: "\(n) paths in a \(r.remaining)-byte frame") }
            var paths: [String] = []
            for _ in 0..<n { paths.append(try r.string()) }
            reply = .directoriesCreated(paths)
        case .failure:
            reply = .failure(errno: Int32(bitPattern: try r.u32()), message: try r.string())
        case nil:
            throw .malformed("reply", reason: "unknown reply type")
        }
        try r.end()
        return reply
    }
}

/// Why bytes on the control socket are not a request or reply.
public enum ControlProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String, reason: String)
    case tooLarge(String, bytes: Int)

    public var description: String {
        switch self {
        case let .malformed(what, reason): return "malformed control \(what): \(reason)"
        case let .tooLarge(what, bytes): return "control \(what) of \(bytes) bytes exceeds \(ControlProtocol.maxFrame)"
        }
    }
}

/// Frames: a 4-byte little-endian length, then the message.
public enum ControlFrame {
    public static func wrap(_ message: [UInt8]) -> [UInt8] {
        let n = UInt32(message.count)
        return [UInt8(n & 0xff), UInt8(n >> 8 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 24)] + message
    }

    /// The message length a 4-byte frame header announces, refused above `maxFrame`.
    public static func length(header: [UInt8], what: String) throws(ControlProtocolError) -> Int {
        guard header.count == 4 else { throw .malformed(what, reason: "frame header of \(header.count) bytes") }
        let n = Int(header[0]) | Int(header[1]) << 8 | Int(header[2]) << 16 | Int(header[3]) << 24
        guard n <= ControlProtocol.maxFrame else { throw .tooLarge(what, bytes: n) }
        return n
    }
}

private struct ControlWriter {
    var bytes: [UInt8] = []
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
    mutating func u64(_ v: UInt64) { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
    mutating func raw(_ b: [UInt8]) { bytes += b }
    mutating func uuid(_ u: FamfsUUID) { bytes += u.bytes }
    /// u16 length and the UTF-8 bytes (cut at `maxString`; the daemon refuses what is too long anyway).
    mutating func string(_ s: String) {
        let b = Array(s.utf8.prefix(ControlProtocol.maxString))
        bytes.append(UInt8(b.count & 0xff)); bytes.append(UInt8(b.count >> 8)); bytes += b
    }
}

/// Bounds-checked reading that throws (never traps) on short or hostile input.
private struct ControlReader {
    let bytes: [UInt8]
    let what: String
    var at = 0
    init(_ bytes: [UInt8], what: String) { self.bytes = bytes; self.what = what }

    var remaining: Int { bytes.count - at }

    mutating func raw(_ n: Int) throws(ControlProtocolError) -> [UInt8] {
        guard n >= 0, n <= remaining else { throw .malformed(what, reason: "truncated at byte \(at)") }
        defer { at += n }
        return Array(bytes[at..<at + n])
    }
    mutating func u8() throws(ControlProtocolError) -> UInt8 { try raw(1)[0] }
    mutating func bool() throws(ControlProtocolError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        default: throw .malformed(what, reason: "flag at byte \(at - 1) is neither 0 nor 1")
        }
    }
    mutating func u32() throws(ControlProtocolError) -> UInt32 {
        try raw(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
    mutating func u64() throws(ControlProtocolError) -> UInt64 {
        try raw(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
    mutating func uuid() throws(ControlProtocolError) -> FamfsUUID {
        guard let u = FamfsUUID(bytes: try raw(16)) else { throw .malformed(what, reason: "bad UUID") }
        return u
    }
    /// Names are bytes on media but Strings here: bytes that are not UTF-8 are refused rather
    /// than rewritten (a rewritten name would alias another).
    mutating func string() throws(ControlProtocolError) -> String {
        let lo = try u8(), hi = try u8()
        let n = Int(lo) | Int(hi) << 8
        guard n <= ControlProtocol.maxString else { throw .malformed(what, reason: "string of \(n) bytes") }
        let b = try raw(n)
        guard let s = String(validating: b, as: UTF8.self) else {
            throw .malformed(what, reason: "string at byte \(at - n) is not UTF-8")
        }
        return s
    }
    func end() throws(ControlProtocolError) {
        guard at == bytes.count else { throw .malformed(what, reason: "\(remaining) bytes after the end") }
    }
}
