/// The consumer file's header (`struct pcq_consumer`, 1,048,608 bytes at offset 0): the
/// consumer's index and the sequence number it expects next.
public struct ConsumerHeader: Equatable, Sendable {
    public var consumerIndex: UInt64
    public var nextSeq: UInt64
    public var mappedSize: UInt64

    public init(consumerIndex: UInt64 = 0, nextSeq: UInt64 = 0, mappedSize: UInt64 = 0) {
        self.consumerIndex = consumerIndex
        self.nextSeq = nextSeq
        self.mappedSize = mappedSize
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws(QueueError) -> ConsumerHeader {
        guard bytes.count >= QueueLayout.consumerHeaderSize, let p = bytes.baseAddress else {
            throw .tooSmall(file: file, size: UInt64(bytes.count), needed: UInt64(QueueLayout.consumerHeaderSize))
        }
        let magic = LittleEndian.u32(p, QueueLayout.consumerMagicOffset)
        guard magic == QueueLayout.consumerMagic else {
            throw .badMagic(file: file, field: "pcq_consumer_magic", found: UInt64(magic), expected: UInt64(QueueLayout.consumerMagic))
        }
        return ConsumerHeader(consumerIndex: LittleEndian.u64(p, QueueLayout.consumerIndexOffset),
                              nextSeq: LittleEndian.u64(p, QueueLayout.consumerNextSeqOffset),
                              mappedSize: LittleEndian.u64(p, QueueLayout.consumerMappedSizeOffset))
    }

    /// Writes the fields and zeroes the 4-byte pad after the magic (the 1 MiB pad is left alone).
    public func encode(into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= QueueLayout.consumerHeaderSize, "ConsumerHeader.encode: buffer too small")
        let p = bytes.baseAddress!
        LittleEndian.store(p, QueueLayout.consumerMagicOffset, QueueLayout.consumerMagic)
        LittleEndian.store(p, QueueLayout.consumerMagicOffset + 4, UInt32(0))
        LittleEndian.store(p, QueueLayout.consumerIndexOffset, consumerIndex)
        LittleEndian.store(p, QueueLayout.consumerNextSeqOffset, nextSeq)
        LittleEndian.store(p, QueueLayout.consumerMappedSizeOffset, mappedSize)
    }

    public func validate(nbuckets: UInt64, file: String) throws(QueueError) {
        guard consumerIndex < nbuckets else {
            throw .corruptIndex(file: file, field: "consumer_index", value: consumerIndex, nbuckets: nbuckets)
        }
    }
}
