/// `struct fuse_in_header` (40 bytes): the head of every request.
public struct InHeader: Sendable, Hashable {
    public static let size = 40

    public var length: UInt32  // len
    public var opcode: UInt32
    public var unique: UInt64
    public var nodeid: UInt64
    public var uid: UInt32
    public var gid: UInt32
    public var pid: UInt32
    /// Length of request extensions at the end of the request, in 8-byte units.
    public var totalExtlen: UInt16

    public init(
        length: UInt32, opcode: UInt32, unique: UInt64, nodeid: UInt64,
        uid: UInt32 = 0, gid: UInt32 = 0, pid: UInt32 = 0, totalExtlen: UInt16 = 0
    ) {
        self.length = length
        self.opcode = opcode
        self.unique = unique
        self.nodeid = nodeid
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.totalExtlen = totalExtlen
    }

    static func decode(_ r: WireReader) throws(RequestError) -> InHeader {
        InHeader(
            length: try r.u32(at: 0), opcode: try r.u32(at: 4), unique: try r.u64(at: 8),
            nodeid: try r.u64(at: 16), uid: try r.u32(at: 24), gid: try r.u32(at: 28),
            pid: try r.u32(at: 32), totalExtlen: try r.u16(at: 36))  // padding u16 at 38
    }

    /// Encodes the header (for tests and request builders).
    public func encoded() -> [UInt8] {
        var w = WireWriter()
        w.u32(length)
        w.u32(opcode)
        w.u64(unique)
        w.u64(nodeid)
        w.u32(uid)
        w.u32(gid)
        w.u32(pid)
        w.u16(totalExtlen)
        w.u16(0)  // padding
        return w.bytes
    }
}

/// `struct fuse_out_header` (16 bytes): the head of every reply and notification.
struct OutHeader {
    static let size = 16

    var length: UInt32  // len, including this header
    var error: Int32  // 0, -errno, or a notify code when unique == 0
    var unique: UInt64

    func encode(into w: inout WireWriter) {
        w.u32(length)
        w.i32(error)
        w.u64(unique)
    }
}
