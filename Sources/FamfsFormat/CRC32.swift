import CFamfsCRC

/// zlib's CRC-32 (reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF, zlib seed 0),
/// the checksum of the superblock, the log header and every log entry. Replay and fsck check every
/// entry of the log (8 MiB when full), so this is on the hot path: where the CPU has carry-less
/// multiply (x86_64 PCLMULQDQ) or the ARMv8 CRC32 instructions, the C folding in CFamfsCRC runs
/// near memory speed; elsewhere the portable slicing-by-8 table below (~1–2 GB/s) is used. The
/// choice is made once, at run time, from the CPU's feature bits.
public enum CRC32 {
    /// Whether `checksum` uses the folded (hardware) implementation on this CPU.
    public static let isAccelerated: Bool = famfs_crc32_folded_available() != 0

    public static func checksum(_ buffer: UnsafeRawBufferPointer) -> UInt32 {
        guard isAccelerated, let base = buffer.baseAddress else { return portableChecksum(buffer) }
        return famfs_crc32_folded(0xFFFF_FFFF, base, buffer.count) ^ 0xFFFF_FFFF
    }

    public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        if let fast = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) { return fast }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }

    /// The folded implementation, or nil on a CPU without it (tests compare it with the portable one).
    public static func foldedChecksum(_ buffer: UnsafeRawBufferPointer) -> UInt32? {
        guard famfs_crc32_folded_available() != 0 else { return nil }
        guard let base = buffer.baseAddress else { return 0 }
        return famfs_crc32_folded(0xFFFF_FFFF, base, buffer.count) ^ 0xFFFF_FFFF
    }

    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 { t[k * 256 + n] = (t[(k - 1) * 256 + n] >> 8) ^ t[Int(t[(k - 1) * 256 + n] & 0xFF)] }
        }
        return t
    }()

    /// Table-driven slicing-by-8: the fallback on CPUs without carry-less multiply.
    public static func portableChecksum(_ buffer: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        tables.withUnsafeBufferPointer { t in
            var i = 0
            let n = buffer.count
            while i + 8 <= n {
                let lo = buffer.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian ^ crc
                let hi = buffer.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self).littleEndian
                crc = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
                i += 8
            }
            while i < n {
                crc = t[Int((crc ^ UInt32(buffer[i])) & 0xFF)] ^ (crc >> 8)
                i += 1
            }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
