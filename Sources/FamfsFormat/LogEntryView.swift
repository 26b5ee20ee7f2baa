/// One log slot read in place, after its seqnum and CRC were checked: the fields of the entry
/// without copying the slot or allocating. Replay and fsck read every entry of the log through
/// this; `decoded()` builds the owned `LogEntry` (strings, extent arrays) only where it is kept.
public struct LogEntryView {
    /// The slot's 544 bytes.
    public let raw: UnsafeRawBufferPointer
    public let index: UInt64

    /// Checks the seqnum (== index) and the CRC of `raw` (at least 544 bytes), once.
    public init(verifying raw: UnsafeRawBufferPointer, index: UInt64) throws(FormatError) {
        try LogEntry.verify(raw, index: index)
        self.raw = UnsafeRawBufferPointer(rebasing: raw[0..<Media.logEntrySize])
        self.index = index
    }

    typealias Offset = LogEntry.Offset

    func u32(_ off: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: off, as: UInt32.self)) }
    func u64(_ off: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: off, as: UInt64.self)) }

    public var seqnum: UInt64 { u64(Offset.seqnum) }
    public var type: UInt32 { u32(Offset.type) }

    // FILE fields.
    public var fileSize: UInt64 { u64(Offset.fileSize) }
    public var fileFlags: UInt32 { u32(Offset.fileFlags) }
    public var fileUID: UInt32 { u32(Offset.fileUID) }
    public var fileGID: UInt32 { u32(Offset.fileGID) }
    public var fileMode: UInt32 { u32(Offset.fileMode) }
    /// The path bytes up to the first NUL of the 80-byte field.
    public var filePath: UnsafeRawBufferPointer { cString(Offset.filePath) }
    /// The map, with the structural checks of `Fmap` (extent counts, chunk size).
    public func fileFmap() throws(FormatError) -> FmapView { try FmapView(raw, at: Offset.fileFmap) }

    // MKDIR fields.
    public var dirUID: UInt32 { u32(Offset.dirUID) }
    public var dirGID: UInt32 { u32(Offset.dirGID) }
    public var dirMode: UInt32 { u32(Offset.dirMode) }
    public var dirPath: UnsafeRawBufferPointer { cString(Offset.dirPath) }

    private func cString(_ off: Int) -> UnsafeRawBufferPointer {
        let field = UnsafeRawBufferPointer(rebasing: raw[off..<off + Media.pathFieldLength])
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return UnsafeRawBufferPointer(rebasing: field[..<end])
    }

    /// The owned entry (what `LogEntry.decode` returns); throws for a FILE whose map is malformed.
    public func decoded() throws(FormatError) -> LogEntry {
        let body: LogEntry.Body
        switch type {
        case LogEntry.EntryType.file:
            body = .file(FileMeta(path: String(decoding: filePath, as: UTF8.self), size: fileSize, mode: fileMode,
                                  uid: fileUID, gid: fileGID, fmap: try fileFmap().fmap, flags: fileFlags))
        case LogEntry.EntryType.mkdir:
            body = .mkdir(DirectoryMeta(path: String(decoding: dirPath, as: UTF8.self), mode: dirMode, uid: dirUID, gid: dirGID))
        case LogEntry.EntryType.delete: body = .delete
        case LogEntry.EntryType.addDaxdev:
            let uuid = FamfsUUID(unchecked: Array(raw[Offset.daxUUID..<Offset.daxUUID + 16]))
            body = .addDaxdev(DaxdevMeta(size: u64(Offset.daxSize), uuid: uuid, index: u32(Offset.daxIndex)))
        case LogEntry.EntryType.invalid: body = .invalid
        case let other: body = .unknown(type: other)
        }
        return LogEntry(seqnum: seqnum, body: body)
    }
}

/// A file map read in place from an entry: the extents (or strips) without an array.
public struct FmapView: RandomAccessCollection {
    let raw: UnsafeRawBufferPointer
    /// Where the first extent (or strip) sits in `raw`.
    let first: Int
    public let isInterleaved: Bool
    /// The interleaved extent's chunk size (0 for a simple map).
    public let chunkSize: UInt64
    public let startIndex = 0
    public let endIndex: Int

    /// The structural checks of the format: 1–16 simple extents, or one interleaved extent of
    /// 1–16 strips with a power-of-two chunk size. `base` is the map's offset in `raw`.
    init(_ raw: UnsafeRawBufferPointer, at base: Int) throws(FormatError) {
        func u32(_ o: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        self.raw = raw
        let type = u32(base)
        let count = u32(base + 8)
        switch type {
        case Fmap.extTypeSimple:
            guard count >= 1 && count <= UInt32(Media.maxSimpleExtents) else {
                throw .badField(structure: "fmap", field: "fmap_nextents", offset: base + 8, value: UInt64(count),
                                reason: "a simple map has 1 to \(Media.maxSimpleExtents) extents")
            }
            isInterleaved = false
            chunkSize = 0
            first = base + 16
            endIndex = Int(count)
        case Fmap.extTypeInterleave:
            guard count == 1 else {
                throw .badField(structure: "fmap", field: "fmap_niext", offset: base + 8, value: UInt64(count),
                                reason: "an interleaved map has exactly 1 interleaved extent")
            }
            let nstrips = u64(base + 16)
            let chunk = u64(base + 24)
            guard nstrips >= 1 && nstrips <= UInt64(Media.maxStrips) else {
                throw .badField(structure: "fmap", field: "ie_nstrips", offset: base + 16, value: nstrips,
                                reason: "an interleaved extent has 1 to \(Media.maxStrips) strips")
            }
            guard chunk > 0 && chunk & (chunk - 1) == 0 else {
                throw .badField(structure: "fmap", field: "ie_chunk_size", offset: base + 24, value: chunk,
                                reason: "the chunk size must be a non-zero power of two")
            }
            isInterleaved = true
            chunkSize = chunk
            first = base + 32
            endIndex = Int(nstrips)
        default:
            throw .badField(structure: "fmap", field: "fmap_ext_type", offset: base, value: UInt64(type),
                            reason: "unknown extent type (0 simple, 1 interleave)")
        }
    }

    public subscript(i: Int) -> SimpleExtent {
        let off = first + i * SimpleExtent.size
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        return SimpleExtent(devIndex: u64(off), offset: u64(off + 8), length: u64(off + 16))
    }

    /// How many file bytes the map can hold (interleaved: whole stripes of the shortest strip),
    /// the same number as `Fmap.capacity`; saturates instead of overflowing on hostile lengths.
    public var capacity: UInt64 {
        if !isInterleaved {
            var sum: UInt64 = 0
            for e in self {
                let (s, o) = sum.addingReportingOverflow(e.length)
                sum = o ? .max : s
            }
            return sum
        }
        var minStrip = UInt64.max
        for e in self { minStrip = Swift.min(minStrip, e.length) }
        let (c, o) = ((minStrip / chunkSize) * chunkSize).multipliedReportingOverflow(by: UInt64(count))
        return o ? .max : c
    }

    /// The owned map.
    public var fmap: Fmap {
        isInterleaved ? .interleaved(InterleavedExtent(chunkSize: chunkSize, strips: Array(self))) : .simple(Array(self))
    }
}
