/// Bounds-checked little-endian access to a byte buffer at explicit offsets: the only way this
/// package reads or writes media bytes (never by reinterpreting a Swift struct's memory).
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init<C: Collection>(_ bytes: C) where C.Element == UInt8 { self.bytes = Array(bytes) }
    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = Array(bytes) }

    public var count: Int { bytes.count }

    public func u8(_ offset: Int) -> UInt8 { bytes[offset] }
    public func u16(_ offset: Int) -> UInt16 { UInt16(truncatingIfNeeded: le(offset, 2)) }
    public func u32(_ offset: Int) -> UInt32 { UInt32(truncatingIfNeeded: le(offset, 4)) }
    public func u64(_ offset: Int) -> UInt64 { le(offset, 8) }
    public func slice(_ offset: Int, _ length: Int) -> [UInt8] { Array(bytes[offset..<offset + length]) }

    /// A NUL-terminated string field of `length` bytes (the field need not hold a NUL).
    public func cString(_ offset: Int, _ length: Int) -> [UInt8] {
        let field = bytes[offset..<offset + length]
        return Array(field.prefix { $0 != 0 })
    }

    private func le(_ offset: Int, _ width: Int) -> UInt64 {
        precondition(offset >= 0 && offset + width <= bytes.count, "ByteReader: read past the buffer")
        return bytes.withUnsafeBytes { p in
            switch width {
            case 8: return UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            case 4: return UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            default: return UInt64(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
            }
        }
    }
}

/// Builds an on-media structure in a zeroed buffer, so padding and unused tails are always zero
/// (the reference CRCs cover them).
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]
    public init(size: Int) { bytes = [UInt8](repeating: 0, count: size) }

    public mutating func u16(_ offset: Int, _ value: UInt16) { put(offset, UInt64(value), 2) }
    public mutating func u32(_ offset: Int, _ value: UInt32) { put(offset, UInt64(value), 4) }
    public mutating func u64(_ offset: Int, _ value: UInt64) { put(offset, value, 8) }
    public mutating func raw(_ offset: Int, _ data: [UInt8]) {
        bytes.replaceSubrange(offset..<offset + data.count, with: data)
    }
    /// Copies at most `length` bytes of `data` into a zero-filled field (`strncpy` semantics).
    public mutating func field(_ offset: Int, _ length: Int, _ data: [UInt8]) {
        raw(offset, Array(data.prefix(length)))
    }

    private mutating func put(_ offset: Int, _ value: UInt64, _ width: Int) {
        for i in 0..<width { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }
}
