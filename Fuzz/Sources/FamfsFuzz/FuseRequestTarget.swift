import FuseProtocol
import Logging

/// The FUSE request decoder: `ProtocolHandler` (transport-free) after a normal INIT, fed a
/// sequence of requests. Input: a flags byte, then frames of a 2-byte little-endian length and
/// that many request bytes. Unless flags bit 0 is set, each frame's `len` field is made to
/// match the frame, so the fuzzer works past the length check. Every reply must be well
/// formed: its `unique` that of the request, an error reply carries no payload, and READ,
/// READDIR, GETXATTR, LISTXATTR and GET_FMAP replies fit the size the request allowed.
enum FuseRequestTarget {
    static let quiet = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }
    static let fileSystem = FuzzFileSystem()

    /// fuse_in_header + fuse_init_in of a 7.45 kernel offering everything, FUSE_DAX_FMAP included.
    static let initRequest: [UInt8] = {
        var b: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
        u32(104); u32(26); u32(1); u32(0); u32(0); u32(0); u32(0); u32(0); u32(0); u32(0)
        u32(7); u32(45); u32(1 << 17); u32(0xffff_ffff); u32(0xffff_ffff)
        for _ in 0..<11 { u32(0) }
        return b
    }()

    static let target = FuzzTarget(name: "fuse-request") { data in
        let handler = ProtocolHandler(fileSystem: fileSystem, maxWrite: 1 << 17, logger: quiet)
        _ = initRequest.withUnsafeBytes { handler.handle($0) }
        invariant(handler.connection != nil, "INIT failed")
        guard let flags = data.first else { return }
        var pos = 1
        while pos + 2 <= data.count {
            let length = Int(data[pos]) | Int(data[pos + 1]) << 8
            pos += 2
            var frame = Array(data[pos..<min(pos + length, data.count)])
            pos += length
            if flags & 1 == 0, frame.count >= 4 {
                let n = UInt32(frame.count)
                for i in 0..<4 { frame[i] = UInt8(truncatingIfNeeded: n >> (8 * UInt32(i))) }
            }
            frame.withUnsafeBytes { request in
                guard let reply = handler.handle(request) else { return }
                check(reply, request)
            }
        }
    }

    static func le32(_ p: UnsafeRawBufferPointer, _ at: Int) -> UInt32? {
        at + 4 <= p.count ? UInt32(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt32.self)) : nil
    }

    static func check(_ reply: Reply, _ request: UnsafeRawBufferPointer) {
        let bytes = reply.flattened()
        let lengthField = bytes.count >= 4 ? (0..<4).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) } : -1
        invariant(bytes.count == lengthField, "reply length field is not its size")
        invariant(reply.error <= 0 && reply.error > -4096, "reply error \(reply.error) is not a negated errno")
        invariant(reply.error == 0 || reply.payloadLength == 0, "error reply with a payload")
        guard request.count >= 16 else { return }
        invariant(reply.unique == request.loadUnaligned(fromByteOffset: 8, as: UInt64.self), "reply to another request")
        guard reply.error == 0, let opcode = le32(request, 4) else { return }
        if opcode == 54 {  // GET_FMAP: the kernel's one page, or the size the old shape gives
            let extensions = 8 * (Int(request[36]) | Int(request[37]) << 8)
            let limit = request.count - 40 - extensions == 0 ? 4096 : Int(le32(request, 40) ?? 0)
            invariant(reply.payloadLength <= limit, "GET_FMAP reply exceeds the kernel's buffer")
        }
        guard let size = le32(request, 40) else { return }
        switch opcode {
        case 15, 28, 44:  // READ, READDIR, READDIRPLUS: fuse_read_in.size at body offset 16
            if let limit = le32(request, 40 + 16) { invariant(reply.payloadLength <= Int(limit), "opcode \(opcode) reply exceeds size") }
        case 22, 23:  // GETXATTR, LISTXATTR: a size query gets fuse_getxattr_out (8 bytes)
            invariant(reply.payloadLength <= (size == 0 ? 8 : Int(size)), "xattr reply exceeds size")
        default:
            break
        }
    }
}
