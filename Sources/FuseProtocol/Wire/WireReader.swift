/// Bounds-checked little-endian reads at explicit offsets from a request buffer.
///
/// This is the only way request bytes are interpreted: never by reinterpreting Swift struct
/// memory. Every read throws `RequestError.truncated` instead of trapping on short input.
struct WireReader {
    let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var count: Int { bytes.count }

    private func check(_ offset: Int, _ size: Int) throws(RequestError) {
        guard offset >= 0, size >= 0, offset <= bytes.count - size else {
            throw .truncated(needed: offset + size, available: bytes.count)
        }
    }

    func u8(at offset: Int) throws(RequestError) -> UInt8 {
        try check(offset, 1)
        return bytes[offset]
    }

    func u16(at offset: Int) throws(RequestError) -> UInt16 {
        try check(offset, 2)
        return UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    func u32(at offset: Int) throws(RequestError) -> UInt32 {
        try check(offset, 4)
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    func i32(at offset: Int) throws(RequestError) -> Int32 {
        Int32(bitPattern: try u32(at: offset))
    }

    func u64(at offset: Int) throws(RequestError) -> UInt64 {
        try check(offset, 8)
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    func i64(at offset: Int) throws(RequestError) -> Int64 {
        Int64(bitPattern: try u64(at: offset))
    }

    /// `count` bytes starting at `offset`, without copying.
    func slice(at offset: Int, count: Int) throws(RequestError) -> UnsafeRawBufferPointer {
        try check(offset, count)
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    /// Everything from `offset` to the end, without copying.
    func rest(from offset: Int) throws(RequestError) -> UnsafeRawBufferPointer {
        try slice(at: offset, count: bytes.count - offset)
    }

    /// A NUL-terminated name starting at `offset`; returns the name and the offset just past
    /// its NUL. A name that is not UTF-8 is refused: rewriting it (U+FFFD) would make two
    /// different names one, so `mkdir x\xff` and `mkdir x\xfe` would alias.
    func cString(at offset: Int) throws(RequestError) -> (name: String, next: Int) {
        let tail = try rest(from: offset)
        guard let nul = tail.firstIndex(of: 0) else { throw .unterminatedName(offset: offset) }
        guard let name = String(validating: UnsafeRawBufferPointer(rebasing: tail[0..<nul]), as: UTF8.self) else {
            throw .nameNotUTF8(offset: offset)
        }
        return (name, offset + nul + 1)
    }
}
