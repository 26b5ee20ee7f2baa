#if canImport(Glibc)
import Glibc
#endif
import CFamfsShims
import FamfsCore
import FamfsMemory
import FamfsMap

/// A single-producer/single-consumer queue kept in two famfs files, byte-compatible with the
/// reference's `pcq`: the producer file holds the geometry, the producer index and the buckets;
/// `<queue>.consumer` holds the consumer index. Each side maps its own file writable and the
/// other read-only, straight from the device (no FUSE request per message), and keeps the
/// reference's cache discipline for memory that is not coherent between hosts: the producer
/// writes a bucket, flushes it, then publishes the index and flushes that; the consumer
/// invalidates the producer index before reading it and the bucket before copying it, and
/// checks every message's CRC (re-reading twice before giving up) and sequence number.
///
/// One producer object and one consumer object per queue, each used by one thread at a time.
/// Everything read from shared memory is checked before it is used: an index outside the bucket
/// array is an error, never an access outside the mapping.
public final class FamfsQueue: @unchecked Sendable {
    public enum Role: Sendable {
        /// Maps the producer file writable, the consumer file read-only.
        case producer
        /// Maps the consumer file writable, the producer file read-only.
        case consumer
        /// Maps both read-only (`info`).
        case observer
    }

    /// The reference re-reads a message with a bad CRC twice (invalidating first) before it
    /// gives up on it.
    public static let checksumRetries = 2

    public let path: String
    public let consumerPath: String
    public let role: Role
    public let nbuckets: UInt64
    public let bucketSize: Int
    public var payloadSize: Int { QueueLayout.payloadSize(bucketSize: bucketSize) }
    /// False for the reference's `--dontflush`: no cache flushes or invalidates (correct only
    /// where the memory is coherent, e.g. one host).
    public let flushes: Bool
    public let counters = QueueCounters()

    private let producerFile: FamfsFileMapping
    private let consumerFile: FamfsFileMapping
    private let buckets: UnsafeMutableRawPointer
    private var scratch: UnsafeMutableRawBufferPointer

    public init(path: String, role: Role, flushes: Bool = true) throws(QueueError) {
        self.path = path
        consumerPath = path + QueueLayout.consumerSuffix
        self.role = role
        self.flushes = flushes
        for p in [consumerPath, path] {
            var st = stat()
            if stat(p, &st) != 0 { throw .notFound(queue: path, missing: p) }
        }
        producerFile = try Self.map(path, writable: role == .producer)
        consumerFile = try Self.map(consumerPath, writable: role == .consumer)
        CacheControl.invalidate(producerFile.base, min(producerFile.size, QueueLayout.producerHeaderSize))
        let header = try ProducerHeader.decode(producerFile.bytes, file: path)
        try header.validate(fileSize: UInt64(producerFile.size), file: path)
        CacheControl.invalidate(consumerFile.base, min(consumerFile.size, QueueLayout.consumerHeaderSize))
        let consumer = try ConsumerHeader.decode(consumerFile.bytes, file: consumerPath)
        try consumer.validate(nbuckets: header.nbuckets, file: consumerPath)
        nbuckets = header.nbuckets
        bucketSize = Int(header.bucketSize)
        buckets = producerFile.base + Int(header.bucketArrayOffset)
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: bucketSize, alignment: 64)
        scratch.initializeMemory(as: UInt8.self, repeating: 0)
    }

    deinit {
        scratch.deallocate()
        close()
    }

    /// Unmaps both files (also done when the object goes away).
    public func close() {
        producerFile.unmap()
        consumerFile.unmap()
    }

    // MARK: the shared words

    private var producerIndexWord: UnsafeMutableRawPointer { producerFile.base + QueueLayout.producerIndexOffset }
    private var consumerIndexWord: UnsafeMutableRawPointer { consumerFile.base + QueueLayout.consumerIndexOffset }

    private func index(_ word: UnsafeMutableRawPointer, file: String, field: String) throws(QueueError) -> UInt64 {
        let v = UInt64(littleEndian: famfs_load_acquire_u64(word))
        guard v < nbuckets else { throw .corruptIndex(file: file, field: field, value: v, nbuckets: nbuckets) }
        return v
    }

    private func producerIndex() throws(QueueError) -> UInt64 {
        try index(producerIndexWord, file: path, field: "producer_index")
    }

    private func consumerIndex() throws(QueueError) -> UInt64 {
        try index(consumerIndexWord, file: consumerPath, field: "consumer_index")
    }

    private func flush(_ p: UnsafeRawPointer, _ n: Int) { if flushes { CacheControl.flush(p, n) } }
    private func invalidate(_ p: UnsafeRawPointer, _ n: Int) { if flushes { CacheControl.invalidate(p, n) } }

    private func bucket(_ i: UInt64) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: buckets + Int(i) * bucketSize, count: bucketSize)
    }

    // MARK: producing

    /// Puts one message whose payload `fill` writes in place, straight into the bucket in shared
    /// memory (`payloadSize` bytes; bytes it leaves alone keep what the bucket held). Returns the
    /// message's sequence number and bucket, or nil if the queue stayed full for the whole `wait`.
    @discardableResult
    public func put(wait: QueueWait = .forever, fill: (UnsafeMutableRawBufferPointer) -> Void) throws(QueueError) -> Message? {
        precondition(role == .producer, "FamfsQueue.put on a queue not opened as the producer")
        let put = try producerIndex()
        let next = (put + 1) % nbuckets
        var looked = false
        var round = 0
        while try consumerIndex() == next {
            if !looked {
                looked = true
                QueueCounters.bump(counters.fullCount)
            }
            guard wait.pause(&round) else { return nil }
            invalidate(consumerIndexWord, 8)
        }
        let header = producerFile.base
        let seq = LittleEndian.u64(header, QueueLayout.producerNextSeqOffset)
        let b = bucket(put)
        fill(UnsafeMutableRawBufferPointer(rebasing: b[0..<payloadSize]))
        BucketTrailer.seal(b, seq: seq)
        flush(b.baseAddress!, bucketSize)
        LittleEndian.store(header, QueueLayout.producerNextSeqOffset, seq &+ 1)
        famfs_store_release_u64(producerIndexWord, next.littleEndian)
        flush(producerIndexWord, 8)
        flush(header + QueueLayout.producerNextSeqOffset, 8)
        QueueCounters.bump(counters.sentCount)
        return Message(seq: seq, bucket: put, retried: false)
    }

    /// Puts a copy of `payload` (at most `payloadSize` bytes; the rest of the payload is zeroed).
    @discardableResult
    public func put(_ payload: UnsafeRawBufferPointer, wait: QueueWait = .forever) throws(QueueError) -> Message? {
        guard payload.count <= payloadSize else {
            throw .payloadTooLarge(queue: path, size: payload.count, payloadSize: payloadSize)
        }
        return try put(wait: wait) { dst in
            if let src = payload.baseAddress { dst.baseAddress!.copyMemory(from: src, byteCount: payload.count) }
            if payload.count < dst.count {
                (dst.baseAddress! + payload.count).initializeMemory(as: UInt8.self, repeating: 0, count: dst.count - payload.count)
            }
        }
    }

    @discardableResult
    public func put(_ payload: [UInt8], wait: QueueWait = .forever) throws(QueueError) -> Message? {
        var result: Result<Message?, QueueError> = .success(nil)
        payload.withUnsafeBytes { p in result = Result { () throws(QueueError) in try put(p, wait: wait) } }
        return try result.get()
    }

    // MARK: consuming

    /// One message put into or taken from the queue.
    public struct Message: Sendable, Equatable {
        public var seq: UInt64
        /// The bucket it was in.
        public var bucket: UInt64
        /// True when the first read had a bad CRC and a re-read was good.
        public var retried: Bool
    }

    /// Takes the next message into `buffer` (at least `bucketSize` bytes: the whole bucket is
    /// copied and the copy checked, so the bytes checked are the bytes returned; the payload is
    /// the first `payloadSize`). Returns nil if the queue stayed empty for the whole `wait`.
    /// A message whose CRC stays wrong, or whose sequence number is not the next one, throws
    /// and is left in the queue.
    public func get(into buffer: UnsafeMutableRawBufferPointer, wait: QueueWait = .forever) throws(QueueError) -> Message? {
        precondition(role == .consumer, "FamfsQueue.get on a queue not opened as the consumer")
        precondition(buffer.count >= bucketSize, "FamfsQueue.get: buffer smaller than a bucket")
        let get = try consumerIndex()
        var looked = false
        var round = 0
        while true {
            invalidate(producerIndexWord, 8)
            if try producerIndex() != get { break }
            if !looked {
                looked = true
                QueueCounters.bump(counters.emptyCount)
            }
            guard wait.pause(&round) else { return nil }
        }
        let header = consumerFile.base
        let expect = LittleEndian.u64(header, QueueLayout.consumerNextSeqOffset)
        let b = bucket(get)
        let copy = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<bucketSize])
        var retried = false
        var attempt = 0
        while true {
            invalidate(b.baseAddress!, bucketSize)
            copy.baseAddress!.copyMemory(from: b.baseAddress!, byteCount: bucketSize)
            let trailer = BucketTrailer.read(UnsafeRawBufferPointer(copy))
            let crc = BucketTrailer.expectedCRC(UnsafeRawBufferPointer(copy))
            if crc == trailer.crc {
                guard trailer.seq == expect else {
                    throw .badSequence(file: path, bucket: get, expected: expect, found: trailer.seq)
                }
                break
            }
            if !retried {
                retried = true
                QueueCounters.bump(counters.retryCount)
            }
            guard attempt < Self.checksumRetries else {
                throw .badChecksum(file: path, bucket: get, seq: expect, stored: trailer.crc, computed: crc, retries: attempt)
            }
            attempt += 1
        }
        LittleEndian.store(header, QueueLayout.consumerNextSeqOffset, expect &+ 1)
        famfs_store_release_u64(consumerIndexWord, ((get + 1) % nbuckets).littleEndian)
        flush(consumerIndexWord, 8)
        flush(header + QueueLayout.consumerNextSeqOffset, 8)
        QueueCounters.bump(counters.receivedCount)
        return Message(seq: expect, bucket: get, retried: retried)
    }

    /// Takes the next message and returns its payload (a copy), or nil if none came in `wait`.
    public func get(wait: QueueWait = .forever) throws(QueueError) -> (message: Message, payload: [UInt8])? {
        guard let m = try get(into: scratch, wait: wait) else { return nil }
        return (m, Array(UnsafeRawBufferPointer(rebasing: scratch[0..<payloadSize])))
    }

    /// Runs `body` on the payload of the next message without copying it out of this object's
    /// buffer (valid only during the call).
    public func withNextMessage<T>(wait: QueueWait = .forever,
                                   _ body: (Message, UnsafeRawBufferPointer) -> T) throws(QueueError) -> T? {
        guard let m = try get(into: scratch, wait: wait) else { return nil }
        return body(m, UnsafeRawBufferPointer(rebasing: scratch[0..<payloadSize]))
    }

    /// Takes messages until the queue is empty (without waiting); returns how many.
    public func drain() throws(QueueError) -> UInt64 {
        var n: UInt64 = 0
        while try get(into: scratch, wait: .never) != nil { n += 1 }
        return n
    }

    // MARK: state

    /// The queue as both headers say now.
    public struct Status: Sendable, Equatable {
        public var nbuckets: UInt64
        public var bucketSize: UInt64
        public var producerIndex: UInt64
        public var consumerIndex: UInt64
        public var producerNextSeq: UInt64
        public var consumerNextSeq: UInt64
        /// Messages put and not yet got.
        public var messages: UInt64 {
            producerIndex >= consumerIndex ? producerIndex - consumerIndex : producerIndex + nbuckets - consumerIndex
        }
    }

    public func status() throws(QueueError) -> Status {
        invalidate(producerFile.base, QueueLayout.producerHeaderSize)
        invalidate(consumerIndexWord, 8)
        invalidate(consumerFile.base + QueueLayout.consumerNextSeqOffset, 8)
        let p = try producerIndex()
        let c = try consumerIndex()
        return Status(nbuckets: nbuckets, bucketSize: UInt64(bucketSize), producerIndex: p, consumerIndex: c,
                      producerNextSeq: LittleEndian.u64(producerFile.base, QueueLayout.producerNextSeqOffset),
                      consumerNextSeq: LittleEndian.u64(consumerFile.base, QueueLayout.consumerNextSeqOffset))
    }
}
