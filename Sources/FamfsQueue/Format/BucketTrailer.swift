import FamfsFormat

/// The last 16 bytes of a bucket: the message's sequence number and the CRC that covers the
/// payload and the sequence number.
public struct BucketTrailer: Equatable, Sendable {
    public var seq: UInt64
    public var crc: UInt64

    /// Stamps `seq` and the CRC into a bucket whose payload is already written.
    @discardableResult
    public static func seal(_ bucket: UnsafeMutableRawBufferPointer, seq: UInt64) -> BucketTrailer {
        let n = bucket.count
        let p = bucket.baseAddress!
        LittleEndian.store(p, QueueLayout.sequenceOffset(bucketSize: n), seq)
        let crc = UInt64(CRC32.checksum(UnsafeRawBufferPointer(start: p, count: QueueLayout.crcOffset(bucketSize: n))))
        LittleEndian.store(p, QueueLayout.crcOffset(bucketSize: n), crc)
        return BucketTrailer(seq: seq, crc: crc)
    }

    /// Reads the trailer of a bucket.
    public static func read(_ bucket: UnsafeRawBufferPointer) -> BucketTrailer {
        let n = bucket.count
        let p = bucket.baseAddress!
        return BucketTrailer(seq: LittleEndian.u64(p, QueueLayout.sequenceOffset(bucketSize: n)),
                             crc: LittleEndian.u64(p, QueueLayout.crcOffset(bucketSize: n)))
    }

    /// The CRC the bucket's bytes call for (compare with `read(_:).crc`).
    public static func expectedCRC(_ bucket: UnsafeRawBufferPointer) -> UInt64 {
        UInt64(CRC32.checksum(UnsafeRawBufferPointer(start: bucket.baseAddress, count: QueueLayout.crcOffset(bucketSize: bucket.count))))
    }
}
