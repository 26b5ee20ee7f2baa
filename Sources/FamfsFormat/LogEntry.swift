/// `struct famfs_log_file_meta`: the body of a FILE entry (520 bytes at entry offset 16).
///
/// | entry off | field |
/// |---|---|
/// | 16 | fm_size u64 |
/// | 24 | fm_flags u32 |
/// | 28 | fm_uid u32 |
/// | 32 | fm_gid u32 |
/// | 36 | fm_mode u32 (permission bits only) |
/// | 40 | fm_relpath char[80] |
/// | 120 | fm_fmap (416 bytes) |
public struct FileMeta: Equatable, Sendable {
    public var size: UInt64
    public var flags: UInt32 = Media.fileFlagsAllHostsRW
    public var uid: UInt32
    public var gid: UInt32
    public var mode: UInt32
    public var path: String
    public var fmap: Fmap
    public init(path: String, size: UInt64, mode: UInt32, uid: UInt32, gid: UInt32, fmap: Fmap,
                flags: UInt32 = Media.fileFlagsAllHostsRW) {
        self.path = path
        self.size = size
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.fmap = fmap
        self.flags = flags
    }
}

/// `struct famfs_log_mkdir` (92 bytes at entry offset 16): uid @16, gid @20, mode @24, relpath @28.
public struct DirectoryMeta: Equatable, Sendable {
    public var uid: UInt32
    public var gid: UInt32
    public var mode: UInt32
    public var path: String
    public init(path: String, mode: UInt32, uid: UInt32, gid: UInt32) {
        self.path = path
        self.mode = mode
        self.uid = uid
        self.gid = gid
    }
}

/// `struct famfs_log_add_daxdev` (32 bytes at entry offset 16): size @16, uuid @24, index @40.
public struct DaxdevMeta: Equatable, Sendable {
    public var size: UInt64
    public var uuid: FamfsUUID
    public var index: UInt32
    public init(size: UInt64, uuid: FamfsUUID, index: UInt32) {
        self.size = size
        self.uuid = uuid
        self.index = index
    }
}

/// `struct famfs_log_entry` (544 bytes): seqnum u64 @0, type u32 @8, 4 bytes of zero padding,
/// the 520-byte union @16, crc @536 (crc32 of bytes 0..<536, padding and unused union tail included).
public struct LogEntry: Equatable, Sendable {
    public enum Body: Equatable, Sendable {
        case file(FileMeta)
        case mkdir(DirectoryMeta)
        /// `FAMFS_LOG_DELETE`: defined by the reference, never written by it; kept and ignored.
        case delete
        case addDaxdev(DaxdevMeta)
        /// `FAMFS_LOG_INVALID`.
        case invalid
        case unknown(type: UInt32)
    }

    public enum EntryType {
        public static let file: UInt32 = 0, mkdir: UInt32 = 1, delete: UInt32 = 2
        public static let addDaxdev: UInt32 = 3, invalid: UInt32 = 4
    }

    public enum Offset {
        public static let seqnum = 0, type = 8, body = 16, crc = 536
        public static let fileSize = 16, fileFlags = 24, fileUID = 28, fileGID = 32, fileMode = 36
        public static let filePath = 40, fileFmap = 120
        public static let dirUID = 16, dirGID = 20, dirMode = 24, dirPath = 28
        public static let daxSize = 16, daxUUID = 24, daxIndex = 40
    }

    public var seqnum: UInt64
    public var body: Body

    public init(seqnum: UInt64, body: Body) {
        self.seqnum = seqnum
        self.body = body
    }

    /// The 544 bytes, built in a zeroed buffer, CRC last.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(size: Media.logEntrySize)
        w.u64(Offset.seqnum, seqnum)
        switch body {
        case .file(let f):
            w.u32(Offset.type, EntryType.file)
            w.u64(Offset.fileSize, f.size)
            w.u32(Offset.fileFlags, f.flags)
            w.u32(Offset.fileUID, f.uid)
            w.u32(Offset.fileGID, f.gid)
            w.u32(Offset.fileMode, f.mode)
            w.field(Offset.filePath, Media.maxPathLength, Array(f.path.utf8))
            f.fmap.encode(into: &w, at: Offset.fileFmap)
        case .mkdir(let d):
            w.u32(Offset.type, EntryType.mkdir)
            w.u32(Offset.dirUID, d.uid)
            w.u32(Offset.dirGID, d.gid)
            w.u32(Offset.dirMode, d.mode)
            w.field(Offset.dirPath, Media.maxPathLength, Array(d.path.utf8))
        case .delete:
            w.u32(Offset.type, EntryType.delete)
        case .addDaxdev(let d):
            w.u32(Offset.type, EntryType.addDaxdev)
            w.u64(Offset.daxSize, d.size)
            w.raw(Offset.daxUUID, d.uuid.bytes)
            w.u32(Offset.daxIndex, d.index)
        case .invalid:
            w.u32(Offset.type, EntryType.invalid)
        case .unknown(let type):
            w.u32(Offset.type, type)
        }
        w.u64(Offset.crc, UInt64(CRC32.checksum(w.bytes[Media.logEntryCRCRange])))
        return w.bytes
    }

    /// Checks the seqnum (== index) and CRC of a raw slot without decoding the body.
    public static func verify(_ raw: UnsafeRawBufferPointer, index: UInt64) throws(FormatError) {
        guard raw.count >= Media.logEntrySize else {
            throw .truncated(structure: "log entry \(index)", needed: Media.logEntrySize, available: raw.count)
        }
        let seq = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: Offset.seqnum, as: UInt64.self))
        guard seq == index else { throw .badSeqnum(index: index, found: seq) }
        let stored = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: Offset.crc, as: UInt64.self))
        let computed = CRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[Media.logEntryCRCRange]))
        guard stored == UInt64(computed) else {
            throw .badCRC(structure: "log entry \(index)", offset: Offset.crc, stored: stored, computed: computed)
        }
    }

    public static func verify<C: Collection>(_ raw: C, index: UInt64) throws(FormatError) where C.Element == UInt8 {
        let bytes = Array(raw.prefix(Media.logEntrySize))
        let result = bytes.withUnsafeBytes { p in Result { () throws(FormatError) in try verify(p, index: index) } }
        try result.get()
    }

    public static func decode<C: Collection>(_ raw: C, index: UInt64) throws(FormatError) -> LogEntry
    where C.Element == UInt8 {
        let bytes = Array(raw.prefix(Media.logEntrySize))
        let result = bytes.withUnsafeBytes { p in Result { () throws(FormatError) in try decode(p, index: index) } }
        return try result.get()
    }

    /// Verifies and decodes slot `index`. Paths are returned as stored (not validated here:
    /// replay decides what to do with a path that breaks `LogPath`'s rules).
    public static func decode(_ raw: UnsafeRawBufferPointer, index: UInt64) throws(FormatError) -> LogEntry {
        try LogEntryView(verifying: raw, index: index).decoded()
    }
}
