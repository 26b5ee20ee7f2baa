#if canImport(Glibc)
import Glibc
#endif
import FamfsCore
import FamfsMap

/// Why a queue could not be created, opened or used. Each case names the file (and the field or
/// bucket) at fault and reads as one line.
public enum QueueError: Error, Sendable, CustomStringConvertible {
    /// `<queue>` or `<queue>.consumer` does not exist.
    case notFound(queue: String, missing: String)
    /// Create found something at one of the two names.
    case exists(queue: String, path: String)
    /// A create argument the queue cannot have.
    case badArgument(queue: String, reason: String)
    /// The path is not in a mounted famfs, or this host is not the master (only it may create).
    case notCreatable(queue: String, reason: String)
    /// A header's magic number is not a pcq's: the file is not (this side of) a queue.
    case badMagic(file: String, field: String, found: UInt64, expected: UInt64)
    /// The file is smaller than its header.
    case tooSmall(file: String, size: UInt64, needed: UInt64)
    /// A geometry field of the producer header is impossible.
    case badGeometry(file: String, field: String, value: UInt64, reason: String)
    /// An index read from shared memory points outside the bucket array.
    case corruptIndex(file: String, field: String, value: UInt64, nbuckets: UInt64)
    /// A message's CRC stayed wrong after the retries (its bytes are not what the producer wrote).
    case badChecksum(file: String, bucket: UInt64, seq: UInt64, stored: UInt64, computed: UInt64, retries: Int)
    /// A message with a good CRC carries another sequence number than the consumer expects
    /// (a message lost, repeated, or a second producer or consumer).
    case badSequence(file: String, bucket: UInt64, expected: UInt64, found: UInt64)
    /// The payload handed to `put` is larger than a bucket's payload.
    case payloadTooLarge(queue: String, size: Int, payloadSize: Int)
    /// Mapping one of the files failed (not a famfs file, no access, …).
    case mapping(FamfsMapError)
    /// famfs refused to create a file.
    case famfs(queue: String, CoreError)
    /// A system call failed.
    case system(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case let .notFound(queue, missing): return "\(queue): pcq files not found for queue (no \(missing))"
        case let .exists(queue, path):
            return "\(queue): can't create pcq - something with that name already exists (\(path))"
        case let .badArgument(queue, reason): return "\(queue): \(reason)"
        case let .notCreatable(queue, reason): return "\(queue): cannot create the queue: \(reason)"
        case let .badMagic(file, field, found, expected):
            return "\(file): not a pcq queue file: \(field) is 0x\(hex(found)), expected 0x\(hex(expected))"
        case let .tooSmall(file, size, needed):
            return "\(file): not a pcq queue file: \(size) bytes is smaller than its \(needed)-byte header"
        case let .badGeometry(file, field, value, reason): return "\(file): bad pcq header: \(field)=\(value): \(reason)"
        case let .corruptIndex(file, field, value, nbuckets):
            return "\(file): corrupt pcq: \(field)=\(value) is not below nbuckets=\(nbuckets)"
        case let .badChecksum(file, bucket, seq, stored, computed, retries):
            return "\(file): bad msg in bucket \(bucket) (seq \(seq)): crc 0x\(hex(stored)) but the bytes give 0x\(hex(computed)) after \(retries) retries"
        case let .badSequence(file, bucket, expected, found):
            return "\(file): seq mismatch in bucket \(bucket): found \(found), expected \(expected)"
        case let .payloadTooLarge(queue, size, payloadSize):
            return "\(queue): a \(size)-byte message does not fit a bucket's \(payloadSize)-byte payload"
        case let .mapping(e): return e.description
        case let .famfs(queue, e): return "\(queue): \(e)"
        case let .system(path, op, e): return "\(path): \(op) failed: \(String(cString: strerror(e)))"
        }
    }
}

private func hex(_ v: UInt64) -> String { String(v, radix: 16) }
