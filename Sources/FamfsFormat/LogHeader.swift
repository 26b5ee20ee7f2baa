/// `struct famfs_log` header (48 bytes at the start of the log; entries follow).
///
/// | off | field |
/// |---|---|
/// | 0 | famfs_log_magic u64 |
/// | 8 | famfs_log_len u64 |
/// | 16 | famfs_log_last_index u64 |
/// | 24 | famfs_log_crc (crc32 of bytes 0..<24) |
/// | 32 | famfs_log_next_seqnum u64 (not CRC-covered: it moves) |
/// | 40 | famfs_log_next_index u64 (not CRC-covered) |
public struct LogHeader: Equatable, Sendable {
    public var length: UInt64
    public var lastIndex: UInt64
    public var nextSeqnum: UInt64 = 0
    public var nextIndex: UInt64 = 0

    public enum Offset {
        public static let magic = 0, length = 8, lastIndex = 16, crc = 24, nextSeqnum = 32, nextIndex = 40
    }

    /// A fresh header for a log of `length` bytes.
    public init(length: UInt64) {
        self.length = length
        self.lastIndex = Media.logSlots(forLength: length) &- 1
    }

    public var slots: UInt64 { lastIndex + 1 }
    public var isFull: Bool { nextIndex > lastIndex }

    public func encoded() -> [UInt8] {
        var w = ByteWriter(size: Media.logHeaderSize)
        w.u64(Offset.magic, Media.logMagic)
        w.u64(Offset.length, length)
        w.u64(Offset.lastIndex, lastIndex)
        w.u64(Offset.crc, UInt64(CRC32.checksum(w.bytes[Media.logHeaderCRCRange])))
        w.u64(Offset.nextSeqnum, nextSeqnum)
        w.u64(Offset.nextIndex, nextIndex)
        return w.bytes
    }

    /// Decodes and validates magic, CRC, the length agreed with the superblock, the 544-byte entry
    /// geometry, and counters that stay inside the log.
    public static func decode<C: Collection>(_ raw: C, expectedLength: UInt64) throws(FormatError) -> LogHeader
    where C.Element == UInt8 {
        let r = ByteReader(raw.prefix(Media.logHeaderSize))
        guard r.count == Media.logHeaderSize else {
            throw .truncated(structure: "log header", needed: Media.logHeaderSize, available: r.count)
        }
        let magic = r.u64(Offset.magic)
        guard magic == Media.logMagic else {
            throw .badMagic(structure: "log header", offset: Offset.magic, found: magic, expected: Media.logMagic)
        }
        let stored = r.u64(Offset.crc)
        let computed = CRC32.checksum(r.bytes[Media.logHeaderCRCRange])
        guard stored == UInt64(computed) else {
            throw .badCRC(structure: "log header", offset: Offset.crc, stored: stored, computed: computed)
        }
        var h = LogHeader(length: r.u64(Offset.length))
        guard h.length == expectedLength else {
            throw .badField(structure: "log header", field: "famfs_log_len", offset: Offset.length,
                            value: h.length, reason: "differs from the superblock's log length \(expectedLength)")
        }
        let lastIndex = r.u64(Offset.lastIndex)
        guard lastIndex == h.lastIndex else {
            throw .badField(structure: "log header", field: "famfs_log_last_index", offset: Offset.lastIndex,
                            value: lastIndex, reason: "not the geometry of 544-byte entries (expected \(h.lastIndex))")
        }
        h.nextSeqnum = r.u64(Offset.nextSeqnum)
        h.nextIndex = r.u64(Offset.nextIndex)
        guard h.nextIndex <= h.slots else {
            throw .badField(structure: "log header", field: "famfs_log_next_index", offset: Offset.nextIndex,
                            value: h.nextIndex, reason: "beyond the log's \(h.slots) slots")
        }
        // next_seqnum is not checked against next_index: a writer stopped between the two stores
        // leaves seqnum one ahead, and next_index alone says which entries are committed.
        return h
    }
}
