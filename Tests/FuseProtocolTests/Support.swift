@testable import FuseProtocol

/// Builds a request: `struct fuse_in_header` then `body`.
func request(
    _ opcode: UInt32, unique: UInt64 = 0x1122, node: UInt64 = 1, body: [UInt8] = [],
    uid: UInt32 = 1000, gid: UInt32 = 100, pid: UInt32 = 4242
) -> [UInt8] {
    let header = InHeader(
        length: UInt32(InHeader.size + body.count), opcode: opcode, unique: unique, nodeid: node,
        uid: uid, gid: gid, pid: pid)
    return header.encoded() + body
}

/// Little-endian helpers for writing expected vectors by hand.
func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
func le64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
func cstr(_ s: String) -> [UInt8] { Array(s.utf8) + [0] }

/// Out header bytes: len, error, unique.
func outHeader(length: Int, error: Int32 = 0, unique: UInt64 = 0x1122) -> [UInt8] {
    le32(UInt32(length)) + le32(UInt32(bitPattern: error)) + le64(unique)
}

/// A handler that has completed INIT with the kernel offering everything up to 7.45.
func initializedHandler(_ fs: any FuseFileSystem = HelloFileSystem()) -> ProtocolHandler {
    let handler = ProtocolHandler(fileSystem: fs)
    let offer = InitIn(major: 7, minor: 45, maxReadahead: 131072, flags: InitFlags(rawValue: (1 << 44) - 1))
    _ = send(handler, request(26, unique: 1, node: 0, body: offer.encoded()))
    return handler
}

/// Runs one request through the handler; the flattened reply, or nil.
func send(_ handler: ProtocolHandler, _ bytes: [UInt8]) -> [UInt8]? {
    bytes.withUnsafeBytes { handler.handle($0)?.flattened() }
}
