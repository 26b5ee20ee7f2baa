/// The producer file's header (`struct pcq`, 1080 bytes at offset 0): the queue's geometry, the
/// producer's index and its next sequence number.
public struct ProducerHeader: Equatable, Sendable {
    public var nbuckets: UInt64
    public var bucketSize: UInt64
    public var bucketArrayOffset: UInt64
    public var producerIndex: UInt64
    public var nextSeq: UInt64
    public var mappedSize: UInt64

    public init(nbuckets: UInt64, bucketSize: UInt64, bucketArrayOffset: UInt64 = QueueLayout.bucketArrayOffset,
                producerIndex: UInt64 = 0, nextSeq: UInt64 = 0, mappedSize: UInt64 = 0) {
        self.nbuckets = nbuckets
        self.bucketSize = bucketSize
        self.bucketArrayOffset = bucketArrayOffset
        self.producerIndex = producerIndex
        self.nextSeq = nextSeq
        self.mappedSize = mappedSize
    }

    /// Reads the header from the first bytes of a producer file. Checks only the magic: the
    /// geometry is checked against the file by `validate`.
    public static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws(QueueError) -> ProducerHeader {
        guard bytes.count >= QueueLayout.producerHeaderSize, let p = bytes.baseAddress else {
            throw .tooSmall(file: file, size: UInt64(bytes.count), needed: UInt64(QueueLayout.producerHeaderSize))
        }
        let magic = LittleEndian.u64(p, QueueLayout.producerMagicOffset)
        guard magic == QueueLayout.producerMagic else {
            throw .badMagic(file: file, field: "pcq_magic", found: magic, expected: QueueLayout.producerMagic)
        }
        return ProducerHeader(nbuckets: LittleEndian.u64(p, QueueLayout.nbucketsOffset),
                              bucketSize: LittleEndian.u64(p, QueueLayout.bucketSizeOffset),
                              bucketArrayOffset: LittleEndian.u64(p, QueueLayout.bucketArrayOffsetOffset),
                              producerIndex: LittleEndian.u64(p, QueueLayout.producerIndexOffset),
                              nextSeq: LittleEndian.u64(p, QueueLayout.producerNextSeqOffset),
                              mappedSize: LittleEndian.u64(p, QueueLayout.producerMappedSizeOffset))
    }

    /// Writes the header's fields (the padding is left as it is, as the reference does).
    public func encode(into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= QueueLayout.producerHeaderSize, "ProducerHeader.encode: buffer too small")
        let p = bytes.baseAddress!
        LittleEndian.store(p, QueueLayout.producerMagicOffset, QueueLayout.producerMagic)
        LittleEndian.store(p, QueueLayout.nbucketsOffset, nbuckets)
        LittleEndian.store(p, QueueLayout.bucketSizeOffset, bucketSize)
        LittleEndian.store(p, QueueLayout.bucketArrayOffsetOffset, bucketArrayOffset)
        LittleEndian.store(p, QueueLayout.producerIndexOffset, producerIndex)
        LittleEndian.store(p, QueueLayout.producerNextSeqOffset, nextSeq)
        LittleEndian.store(p, QueueLayout.producerMappedSizeOffset, mappedSize)
    }

    /// The geometry rules: a power-of-two bucket size of at least the trailer, at least two
    /// buckets (one is always full), a bucket array past the header that fits in the file, and a
    /// producer index inside it. Everything the queue later computes from these stays in the file.
    public func validate(fileSize: UInt64, file: String) throws(QueueError) {
        guard bucketSize >= QueueLayout.minimumBucketSize, bucketSize & (bucketSize - 1) == 0 else {
            throw .badGeometry(file: file, field: "bucket_size", value: bucketSize,
                               reason: "must be a power of 2 of at least \(QueueLayout.minimumBucketSize)")
        }
        guard nbuckets >= 2 else {
            throw .badGeometry(file: file, field: "nbuckets", value: nbuckets, reason: "a queue needs at least 2 buckets")
        }
        guard bucketArrayOffset >= UInt64(QueueLayout.producerHeaderSize), bucketArrayOffset % 8 == 0 else {
            throw .badGeometry(file: file, field: "bucket_array_offset", value: bucketArrayOffset,
                               reason: "must be 8-byte aligned and past the \(QueueLayout.producerHeaderSize)-byte header")
        }
        let (bytes, o1) = nbuckets.multipliedReportingOverflow(by: bucketSize)
        let (end, o2) = bytes.addingReportingOverflow(bucketArrayOffset)
        guard !o1, !o2, end <= fileSize else {
            throw .badGeometry(file: file, field: "nbuckets", value: nbuckets,
                               reason: "\(nbuckets) buckets of \(bucketSize) bytes at offset \(bucketArrayOffset) do not fit in the file's \(fileSize) bytes")
        }
        guard producerIndex < nbuckets else {
            throw .corruptIndex(file: file, field: "producer_index", value: producerIndex, nbuckets: nbuckets)
        }
    }

    public var payloadSize: Int { QueueLayout.payloadSize(bucketSize: Int(bucketSize)) }
}
