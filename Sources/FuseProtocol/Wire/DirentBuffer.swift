/// Packs directory entries for a READDIR (`struct fuse_dirent`) or READDIRPLUS
/// (`struct fuse_direntplus` = `fuse_entry_out` + `fuse_dirent`) reply, each record padded to
/// 8 bytes, never more than the size the kernel asked for.
///
/// The file system appends entries starting after the request's `offset` until an append
/// returns `false` (full; that entry was not added, offer it again at the next call).
/// `nextOffset` is the cookie the kernel passes back to continue after that entry; it must
/// not be 0.
///
/// For READDIRPLUS every entry whose `entry.node` is not `.none` counts as a LOOKUP of that
/// node (the kernel will FORGET it later), except the names "." and "..", which the kernel
/// does not link. Give "." and ".." (if listed at all) an entry with node `.none`.
public struct DirentBuffer: Sendable {
    /// `offsetof(struct fuse_dirent, name)`.
    public static let direntHeaderSize = 24
    /// `offsetof(struct fuse_direntplus, dirent.name)`.
    public static let direntplusHeaderSize = Entry.size + direntHeaderSize

    /// Maximum reply payload size (the request's `size`).
    public let capacity: Int
    /// READDIRPLUS records (with an entry) rather than READDIR records.
    public let isPlus: Bool
    /// Records added so far.
    public private(set) var count = 0
    /// Set once an append did not fit.
    public private(set) var isFull = false
    private var writer: WireWriter

    public init(capacity: Int, plus: Bool) {
        self.capacity = max(0, capacity)
        self.isPlus = plus
        self.writer = WireWriter(capacity: min(self.capacity, 1 << 16))
    }

    /// The packed records.
    public var bytes: [UInt8] { writer.bytes }

    /// The size of one record for a name of `nameLength` bytes (`FUSE_DIRENT_SIZE`,
    /// `FUSE_DIRENTPLUS_SIZE`).
    public static func recordSize(nameLength: Int, plus: Bool) -> Int {
        let raw = (plus ? direntplusHeaderSize : direntHeaderSize) + nameLength
        return (raw + 7) & ~7
    }

    /// Appends a READDIR record; in a READDIRPLUS buffer the entry part is a negative entry
    /// (node 0: listed, not looked up). `mode` gives the type (`S_IFDIR` …).
    public mutating func append(name: String, ino: UInt64, mode: UInt32, nextOffset: UInt64) -> Bool {
        guard isPlus else { return appendRecord(name: name, entry: nil, ino: ino, mode: mode, nextOffset: nextOffset) }
        var entry = Entry.negative(timeout: .zero)
        entry.attr.ino = ino
        entry.attr.mode = mode
        return appendRecord(name: name, entry: entry, ino: ino, mode: mode, nextOffset: nextOffset)
    }

    /// Appends a READDIRPLUS record (a READDIR record from `entry.attr` in a plain buffer).
    public mutating func append(name: String, entry: Entry, nextOffset: UInt64) -> Bool {
        appendRecord(
            name: name, entry: isPlus ? entry : nil, ino: entry.attr.ino, mode: entry.attr.mode,
            nextOffset: nextOffset)
    }

    private mutating func appendRecord(
        name: String, entry: Entry?, ino: UInt64, mode: UInt32, nextOffset: UInt64
    ) -> Bool {
        let nameBytes = Array(name.utf8)
        let size = Self.recordSize(nameLength: nameBytes.count, plus: entry != nil)
        guard !isFull, writer.count + size <= capacity else {
            isFull = true
            return false
        }
        entry?.encode(into: &writer)
        writer.u64(ino)  // ino
        writer.u64(nextOffset)  // off
        writer.u32(UInt32(nameBytes.count))  // namelen
        writer.u32((mode & 0o170000) >> 12)  // type: DT_* from S_IFMT
        writer.raw(nameBytes)
        writer.alignTo8()
        count += 1
        return true
    }
}
