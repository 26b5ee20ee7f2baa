/// One reply to the kernel: a `struct fuse_out_header` and its payload.
///
/// Not Sendable: `.regions` payloads point at memory owned by the file system.
public struct Reply {
    public var unique: UInt64
    /// 0, or a negated errno.
    public var error: Int32
    public var payload: ReplyData

    public init(unique: UInt64, error: Int32 = 0, payload: ReplyData = .empty) {
        self.unique = unique
        self.error = error
        self.payload = payload
    }

    /// The payload's length in bytes.
    public var payloadLength: Int {
        switch payload {
        case .bytes(let b): b.count
        case .regions(let r): r.reduce(0) { $0 + $1.count }
        }
    }

    /// The 16 header bytes.
    public var headerBytes: [UInt8] {
        var w = WireWriter(capacity: OutHeader.size)
        OutHeader(length: UInt32(OutHeader.size + payloadLength), error: error, unique: unique)
            .encode(into: &w)
        return w.bytes
    }

    /// The most parts one writev(2) takes (IOV_MAX on Linux); /dev/fuse takes a reply in one call.
    public static let maxWriteParts = 1024

    /// `regions` without empty ones and with neighbours in memory merged, or nil when more than
    /// `limit` parts remain (the caller then copies them into one buffer).
    public static func gathered(_ regions: [UnsafeRawBufferPointer], limit: Int) -> [UnsafeRawBufferPointer]? {
        var out: [UnsafeRawBufferPointer] = []
        for r in regions where r.count > 0 {
            if let last = out.last, let end = last.baseAddress.map({ $0 + last.count }), end == r.baseAddress {
                out[out.count - 1] = UnsafeRawBufferPointer(start: last.baseAddress, count: last.count + r.count)
            } else {
                if out.count == limit { return nil }
                out.append(r)
            }
        }
        return out
    }

    /// Header and payload in one array (copies regions; for tests and small replies).
    public func flattened() -> [UInt8] {
        var out = headerBytes
        switch payload {
        case .bytes(let b): out += b
        case .regions(let regions): for r in regions { out += r }
        }
        return out
    }
}
