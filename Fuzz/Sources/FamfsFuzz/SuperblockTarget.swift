import FamfsFormat

/// `Superblock.decode` on raw bytes, and again with the CRC made right so the fuzzer gets past
/// it to the field checks. What decodes must encode to bytes that decode to the same value.
enum SuperblockTarget {
    static let target = FuzzTarget(name: "superblock") { data in
        var bytes = Array(data)
        check(bytes)
        guard bytes.count >= Media.superblockSize else { return }
        CRCFix.store(&bytes, crcAt: 96, over: Media.superblockCRCRange, width: 8)
        check(bytes)
    }

    static func check(_ bytes: [UInt8]) {
        guard let sb = try? Superblock.decode(bytes) else { return }
        let again = try? Superblock.decode(sb.encoded())
        invariant(again == sb, "superblock does not survive encode → decode")
        invariant(sb.reservedBytes > sb.logOffset, "accepted a superblock with an empty log")
    }
}

/// Puts a correct little-endian CRC32 into a buffer.
enum CRCFix {
    static func store(_ bytes: inout [UInt8], crcAt offset: Int, over range: Range<Int>, width: Int) {
        let crc = UInt64(CRC32.checksum(bytes[range]))
        for i in 0..<width { bytes[offset + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt64(i))) }
    }
}
