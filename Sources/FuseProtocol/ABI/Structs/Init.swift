/// `struct fuse_init_in`: 64 bytes since 7.36 (with `flags2`), 16 bytes before.
public struct InitIn: Sendable, Hashable {
    public static let size = 64
    /// Size of the pre-7.36 layout without `flags2`.
    static let compatSize = 16

    public var major: UInt32
    public var minor: UInt32
    public var maxReadahead: UInt32
    /// `flags | flags2 << 32`; `flags2` only counts when `FUSE_INIT_EXT` is set in `flags`.
    public var flags: InitFlags

    public init(major: UInt32, minor: UInt32, maxReadahead: UInt32, flags: InitFlags) {
        self.major = major
        self.minor = minor
        self.maxReadahead = maxReadahead
        self.flags = flags
    }

    static func decode(_ r: WireReader, at base: Int) throws(RequestError) -> InitIn {
        let low = try r.u32(at: base + 12)
        var high: UInt32 = 0
        if low & InitFlags.initExt.low != 0, r.count >= base + 20 {
            high = try r.u32(at: base + 16)
        }
        return InitIn(
            major: try r.u32(at: base), minor: try r.u32(at: base + 4),
            maxReadahead: try r.u32(at: base + 8), flags: InitFlags(low: low, high: high))
    }

    /// Encodes the 64-byte form (for tests).
    public func encoded() -> [UInt8] {
        var w = WireWriter()
        w.u32(major)
        w.u32(minor)
        w.u32(maxReadahead)
        w.u32(flags.low)
        w.u32(flags.high)
        w.zeros(44)  // unused[11]
        return w.bytes
    }
}

/// `struct fuse_init_out` (64 bytes; layout of protocol 7.43+, where `request_timeout` took the
/// first two bytes of the former `unused[6]`).
struct InitOut: Hashable {
    static let size = 64
    /// `FUSE_COMPAT_22_INIT_OUT_SIZE`: what a kernel older than 7.23 accepts.
    static let compat22Size = 24

    var major: UInt32
    var minor: UInt32
    var maxReadahead: UInt32
    var flags: InitFlags
    var maxBackground: UInt16
    var congestionThreshold: UInt16
    var maxWrite: UInt32
    var timeGran: UInt32
    var maxPages: UInt16
    var mapAlignment: UInt16
    var maxStackDepth: UInt32
    var requestTimeout: UInt16

    func encode(into w: inout WireWriter) {
        w.u32(major)  // 0
        w.u32(minor)  // 4
        w.u32(maxReadahead)  // 8
        w.u32(flags.low)  // 12 flags
        w.u16(maxBackground)  // 16
        w.u16(congestionThreshold)  // 18
        w.u32(maxWrite)  // 20
        w.u32(timeGran)  // 24
        w.u16(maxPages)  // 28
        w.u16(mapAlignment)  // 30
        w.u32(flags.high)  // 32 flags2
        w.u32(maxStackDepth)  // 36
        w.u16(requestTimeout)  // 40
        w.zeros(22)  // 42 unused[11]
    }
}
