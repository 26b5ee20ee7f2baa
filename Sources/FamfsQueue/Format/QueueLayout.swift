/// Where every on-media field of a pcq queue lives: the reference's `struct pcq` (producer file),
/// `struct pcq_consumer` (consumer file) and bucket layout, on x86_64/arm64 (LP64, little-endian,
/// `unsigned long` = 8 bytes). Nothing else in this package names an offset.
public enum QueueLayout {
    // MARK: producer file (`<queue>`): header, then the buckets

    public static let producerMagic: UInt64 = 0x0BEE_BEE3
    public static let producerMagicOffset = 0
    public static let nbucketsOffset = 8
    public static let bucketSizeOffset = 16
    public static let bucketArrayOffsetOffset = 24
    /// Written only by the producer. The next bucket it will fill; the queue is empty when it
    /// equals the consumer index.
    public static let producerIndexOffset = 32
    /// 1024 bytes of padding keep `next_seq` off `producer_index`'s cache line.
    public static let producerNextSeqOffset = 1064
    /// Host-local bookkeeping of the reference (the size it mapped); written at create, never trusted.
    public static let producerMappedSizeOffset = 1072
    /// `sizeof(struct pcq)`.
    public static let producerHeaderSize = 1080

    // MARK: consumer file (`<queue>.consumer`)

    public static let consumerMagic: UInt32 = 0x0BEE_BEE4
    public static let consumerMagicOffset = 0
    /// Written only by the consumer. The next bucket it will read.
    public static let consumerIndexOffset = 8
    /// After 1 MiB of padding (the reference's `pad2`).
    public static let consumerNextSeqOffset = 1_048_592
    public static let consumerMappedSizeOffset = 1_048_600
    /// `sizeof(struct pcq_consumer)`.
    public static let consumerHeaderSize = 1_048_608

    // MARK: files

    /// The buckets start 2 MiB into the producer file (a huge-page boundary); the consumer file is
    /// 2 MiB long.
    public static let bucketArrayOffset: UInt64 = 2 << 20
    public static let consumerFileSize: UInt64 = 2 << 20
    public static let consumerSuffix = ".consumer"

    public static func producerFileSize(nbuckets: UInt64, bucketSize: UInt64) -> UInt64? {
        let (bytes, o1) = nbuckets.multipliedReportingOverflow(by: bucketSize)
        let (total, o2) = bytes.addingReportingOverflow(bucketArrayOffset)
        return o1 || o2 ? nil : total
    }

    // MARK: buckets

    /// Each bucket ends with the message's sequence number and a CRC: payload
    /// `[0, size-16)`, `seq` u64 at `size-16`, `crc` at `size-8` (an `unsigned long` holding
    /// zlib's crc32, seed 0, of the bucket's first `size-8` bytes; its high half is zero).
    public static let trailerSize = 16
    /// The smallest bucket: just the trailer (no payload), which the reference accepts too.
    public static let minimumBucketSize: UInt64 = 16

    public static func sequenceOffset(bucketSize: Int) -> Int { bucketSize - 16 }
    public static func crcOffset(bucketSize: Int) -> Int { bucketSize - 8 }
    public static func payloadSize(bucketSize: Int) -> Int { bucketSize - trailerSize }
}

/// Little-endian access at explicit offsets of mapped memory, bounds-checked by the caller's
/// buffer. The queue never reinterprets a Swift struct's memory as media bytes.
enum LittleEndian {
    static func u64(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
    static func u32(_ p: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
    static func store(_ p: UnsafeMutableRawPointer, _ offset: Int, _ value: UInt64) {
        p.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self)
    }
    static func store(_ p: UnsafeMutableRawPointer, _ offset: Int, _ value: UInt32) {
        p.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
    }
}
