/// `struct famfs_simple_extent` (24 bytes): devindex u64 @0, offset u64 @8, len u64 @16.
public struct SimpleExtent: Equatable, Hashable, Sendable {
    public var devIndex: UInt64
    public var offset: UInt64
    public var length: UInt64
    public init(devIndex: UInt64 = 0, offset: UInt64, length: UInt64) {
        self.devIndex = devIndex
        self.offset = offset
        self.length = length
    }
    public static let size = 24
}

/// `struct famfs_interleaved_ext` (400 bytes): nstrips u64 @0, chunk_size u64 @8, 16 strips @16.
/// Strip k holds chunks k, k+nstrips, k+2·nstrips… of the file.
public struct InterleavedExtent: Equatable, Sendable {
    public var chunkSize: UInt64
    public var strips: [SimpleExtent]
    public init(chunkSize: UInt64, strips: [SimpleExtent]) {
        self.chunkSize = chunkSize
        self.strips = strips
    }
    public static let size = 400
}

/// `struct famfs_log_fmap` (416 bytes): where a file's bytes live on the device.
///
/// | off | field |
/// |---|---|
/// | 0 | fmap_ext_type u32 (0 simple, 1 interleave) |
/// | 8 | fmap_nextents / fmap_niext u32 (one storage) |
/// | 16 | se[16] (384 bytes) or ie[1] (400 bytes) |
public enum Fmap: Equatable, Sendable {
    case simple([SimpleExtent])
    case interleaved(InterleavedExtent)

    public static let size = 416
    static let extTypeSimple: UInt32 = 0
    static let extTypeInterleave: UInt32 = 1

    /// Every device range the map owns (extents, or strips).
    public var extents: [SimpleExtent] {
        switch self {
        case .simple(let e): return e
        case .interleaved(let ie): return ie.strips
        }
    }

    /// Total bytes allocated to the file.
    public var allocatedBytes: UInt64 { extents.reduce(0) { $0 + $1.length } }

    /// `fmap_nextents` as stored: the number of extents, or 1 interleaved extent.
    public var storedExtentCount: Int {
        switch self {
        case .simple(let e): return e.count
        case .interleaved: return 1
        }
    }

    func encode(into w: inout ByteWriter, at base: Int) {
        switch self {
        case .simple(let extents):
            w.u32(base, Self.extTypeSimple)
            w.u32(base + 8, UInt32(extents.count))
            for (i, e) in extents.enumerated() { Self.put(e, into: &w, at: base + 16 + i * SimpleExtent.size) }
        case .interleaved(let ie):
            w.u32(base, Self.extTypeInterleave)
            w.u32(base + 8, 1)
            w.u64(base + 16, UInt64(ie.strips.count))
            w.u64(base + 24, ie.chunkSize)
            for (i, s) in ie.strips.enumerated() { Self.put(s, into: &w, at: base + 32 + i * SimpleExtent.size) }
        }
    }

    private static func put(_ e: SimpleExtent, into w: inout ByteWriter, at off: Int) {
        w.u64(off, e.devIndex)
        w.u64(off + 8, e.offset)
        w.u64(off + 16, e.length)
    }
}
