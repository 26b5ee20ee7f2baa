import FamfsFormat

/// `LogHeader.decode` against each log length the superblock may give (the input's first byte
/// picks one), raw and with the CRC made right. An accepted header must keep its counters
/// inside the log and survive encode → decode.
enum LogHeaderTarget {
    static let lengths: [UInt64] = [Media.defaultLogLength, 16 << 20, 1 << 30, 1 << 40]

    static let target = FuzzTarget(name: "log-header") { data in
        guard let selector = data.first else { return }
        let expected = lengths[Int(selector) % lengths.count]
        var bytes = Array(data.dropFirst())
        check(bytes, expected)
        guard bytes.count >= Media.logHeaderSize else { return }
        CRCFix.store(&bytes, crcAt: LogHeader.Offset.crc, over: Media.logHeaderCRCRange, width: 8)
        check(bytes, expected)
    }

    static func check(_ bytes: [UInt8], _ expected: UInt64) {
        guard let h = try? LogHeader.decode(bytes, expectedLength: expected) else { return }
        invariant(h.length == expected, "header length differs from the superblock's")
        invariant(h.nextIndex <= h.slots, "next_index beyond the log's slots")
        invariant(UInt64(Media.entryOffset(0)) + h.slots * UInt64(Media.logEntrySize) <= h.length,
                  "slots do not fit in the log")
        invariant((try? LogHeader.decode(h.encoded(), expectedLength: expected)) == h, "header does not survive encode → decode")
    }
}
