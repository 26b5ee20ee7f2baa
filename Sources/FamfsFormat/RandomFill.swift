/// The reference's data pattern for `famfs creat --randomize` and `famfs verify`: xoroshiro128+
/// seeded by SplitMix64, the low 32 bits of each output stored little-endian per 4-byte word.
/// The reference passes the 64-bit CLI seed through an `unsigned int`, so only its low 32 bits count.
public struct RandomFill: Sendable {
    private var s0: UInt64
    private var s1: UInt64

    public init(seed: UInt64) {
        var s = UInt64(UInt32(truncatingIfNeeded: seed))
        func splitmix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix()
        s1 = splitmix()
    }

    public mutating func next() -> UInt64 {
        let a = s0
        var b = s1
        let result = a &+ b
        b ^= a
        s0 = ((a << 55) | (a >> 9)) ^ b ^ (b << 14)
        s1 = (b << 36) | (b >> 28)
        return result
    }

    /// Fills `buffer` with the stream's next bytes. Only the last call of a stream may have a length
    /// that is not a multiple of 4 (the reference's final partial word takes the low bytes).
    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        let words = buffer.count / 4
        for i in 0..<words {
            buffer.storeBytes(of: UInt32(truncatingIfNeeded: next()).littleEndian, toByteOffset: i * 4, as: UInt32.self)
        }
        let rest = buffer.count % 4
        if rest > 0 {
            let v = UInt32(truncatingIfNeeded: next())
            for j in 0..<rest { buffer[words * 4 + j] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(j))) }
        }
    }

    public static func bytes(seed: UInt64, count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var g = RandomFill(seed: seed)
        out.withUnsafeMutableBytes { g.fill($0) }
        return out
    }

    /// Compares `buffer` with the stream's next bytes; returns the offset within `buffer` of the first
    /// mismatching 4-byte word (the reference's `validate_random_buffer` convention), or nil.
    public mutating func firstMismatch(_ buffer: UnsafeRawBufferPointer) -> Int? {
        let words = buffer.count / 4
        for i in 0..<words {
            let expect = UInt32(truncatingIfNeeded: next())
            if UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) != expect { return i * 4 }
        }
        let rest = buffer.count % 4
        if rest > 0 {
            let v = UInt32(truncatingIfNeeded: next())
            for j in 0..<rest where buffer[words * 4 + j] != UInt8(truncatingIfNeeded: v >> (8 * UInt32(j))) {
                return words * 4
            }
        }
        return nil
    }
}
