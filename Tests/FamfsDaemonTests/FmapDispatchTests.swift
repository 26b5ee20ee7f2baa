import FamfsCore
@testable import FamfsDaemon
import FamfsFormat
import Foundation
import FuseProtocol
import Logging
import Testing

/// GET_FMAP / GET_DAXDEV as a famfs-enabled kernel would send them, through the daemon's real
/// dispatcher with no kernel (this one does not offer FUSE_DAX_FMAP).
@Suite("GET_FMAP and GET_DAXDEV through the protocol handler")
struct FmapDispatchTests {
    let c: Cluster
    let handler: ProtocolHandler
    let simple: Namespace.Node
    let striped: Namespace.Node
    let initReply: [UInt8]

    init() throws {
        c = try Cluster()
        let v = try c.engine()
        simple = try v.createFile("f", size: 4096, mode: 0o644, uid: 0, gid: 0)
        striped = try v.createFile("s", size: 10 << 20, mode: 0o644, uid: 0, gid: 0,
                                   interleave: InterleaveParameters(nbuckets: 4, nstrips: 2, chunkSize: 2 << 20))
        handler = ProtocolHandler(fileSystem: FamfsFileSystem(volume: v, options: DaemonOptions(), logger: Logger(label: "t")))
        // INIT first, as the kernel does: protocol 7.45 offering FUSE_DAX_FMAP (bit 43, in flags2).
        var b: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
        u32(104); u32(26); u32(1); u32(0); u32(0); u32(0); u32(0); u32(0); u32(0); u32(0)
        u32(7); u32(45); u32(1 << 17); u32(1 << 30); u32(1 << 11)
        for _ in 0..<11 { u32(0) }
        let h = handler
        let answer = b.withUnsafeBytes { h.handle($0)?.flattened() ?? [] }
        initReply = answer
        guard answer.count > 16, answer[4] == 0 else { throw CoreError.invalidArgument("INIT failed") }
    }

    /// A request exactly as the famfs kernel sends GET_FMAP and GET_DAXDEV (`fs/fuse/famfs.c`:
    /// `in_numargs = 0`): the 40-byte fuse_in_header alone, nodeid = the inode (GET_FMAP) or the
    /// device index (GET_DAXDEV). With `size`, the first patches' shape: + fuse_getxattr_in
    /// {size, padding}.
    func request(opcode: UInt32, nodeid: UInt64, size: UInt32? = nil) -> [UInt8] {
        var b: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
        u32(size == nil ? 40 : 48); u32(opcode); u64(77); u64(nodeid); u32(0); u32(0); u32(0); u32(0)
        if let size { u32(size); u32(0) }
        return b
    }

    func reply(_ req: [UInt8]) -> [UInt8] {
        req.withUnsafeBytes { handler.handle($0)?.flattened() ?? [] }
    }

    func le64(_ v: UInt64) -> String { withUnsafeBytes(of: v.littleEndian) { $0.map { String(format: "%02x", $0) }.joined(separator: " ") } }

    @Test("INIT: the daemon asks for FUSE_DAX_FMAP (bit 43 = flags2 bit 11) when the kernel offers it")
    func negotiatesDaxFmap() {
        // fuse_init_out.flags2 is at offset 32 of the reply payload.
        #expect(initReply.count >= 16 + 64)
        #expect(initReply[16 + 32 + 1] & 0x08 != 0)
    }

    @Test("a simple file: header (type 0, version 1, 1 extent, fmap_size 56, size 4096) + its extent")
    func simpleFile() {
        let r = reply(request(opcode: 54, nodeid: simple.id))
        let expected = hex("""
            48 00 00 00  00 00 00 00  4d 00 00 00 00 00 00 00
            00 00 01 00  00 00 00 00  01 00 00 00  38 00 00 00
            00 10 00 00 00 00 00 00   00 00 00 00 00 00 00 00
            00 00 00 00  00 00 00 00  00 00 a0 00 00 00 00 00  00 00 20 00 00 00 00 00
            """)
        #expect(r == expected)
    }

    @Test("an interleaved file: header (type 0, ext_type 1, 1 iext) + iext (2 strips, 2 MiB, nbytes) + 2 strips")
    func interleavedFile() {
        guard case .interleaved(let ie) = striped.file?.fmap else { Issue.record("not interleaved"); return }
        let r = reply(request(opcode: 54, nodeid: striped.id))
        let expected = hex("""
            78 00 00 00  00 00 00 00  4d 00 00 00 00 00 00 00
            00 00 01 00  01 00 00 00  01 00 00 00  68 00 00 00
            00 00 a0 00 00 00 00 00   00 00 00 00 00 00 00 00
            02 00 00 00  00 00 20 00  00 00 a0 00 00 00 00 00  00 00 00 00 00 00 00 00
            00 00 00 00  00 00 00 00  \(le64(ie.strips[0].offset))  00 00 60 00 00 00 00 00
            00 00 00 00  00 00 00 00  \(le64(ie.strips[1].offset))  00 00 60 00 00 00 00 00
            """)
        #expect(r == expected)
    }

    @Test("the meta files: superblock type 1 {0, 0, 2 MiB}; log type 2 {0, 0x200000, 8 MiB}")
    func metaFiles() {
        #expect(reply(request(opcode: 54, nodeid: 3)) == hex("""
            48 00 00 00  00 00 00 00  4d 00 00 00 00 00 00 00
            01 00 01 00  00 00 00 00  01 00 00 00  38 00 00 00
            00 00 20 00 00 00 00 00   00 00 00 00 00 00 00 00
            00 00 00 00  00 00 00 00  00 00 00 00 00 00 00 00  00 00 20 00 00 00 00 00
            """))
        #expect(reply(request(opcode: 54, nodeid: 4)) == hex("""
            48 00 00 00  00 00 00 00  4d 00 00 00 00 00 00 00
            02 00 01 00  00 00 00 00  01 00 00 00  38 00 00 00
            00 00 80 00 00 00 00 00   00 00 00 00 00 00 00 00
            00 00 00 00  00 00 00 00  00 00 20 00 00 00 00 00  00 00 80 00 00 00 00 00
            """))
    }

    @Test("the first patches' shape (fuse_getxattr_in with the buffer size) gets the same bytes")
    func explicitSize() {
        #expect(reply(request(opcode: 54, nodeid: simple.id, size: 32768)) == reply(request(opcode: 54, nodeid: simple.id)))
        #expect(reply(request(opcode: 54, nodeid: 3, size: 56)) == reply(request(opcode: 54, nodeid: 3)))
    }

    @Test("every reply fits the kernel's one-page buffer and its limits (1 to 32 extents, 2 MiB aligned)")
    func withinKernelLimits() {
        for node in [simple.id, striped.id, 3, 4] {
            let r = reply(request(opcode: 54, nodeid: node))
            #expect(r.count > 16 + 32 && r.count <= 16 + 4096 && r[4] == 0)
            let nextents = r[16 + 8]
            #expect(nextents >= 1 && nextents <= 32)
        }
    }

    @Test("an unknown node is ENOENT, a directory EISDIR, a small buffer gets the header alone")
    func errors() {
        #expect(reply(request(opcode: 54, nodeid: 999)) == hex("10 00 00 00  fe ff ff ff  4d 00 00 00 00 00 00 00"))
        #expect(reply(request(opcode: 54, nodeid: 1)) == hex("10 00 00 00  eb ff ff ff  4d 00 00 00 00 00 00 00"))
        let short = reply(request(opcode: 54, nodeid: simple.id, size: 40))
        #expect(short.count == 16 + 32 && short[16 + 12] == 56, "header only, fmap_size says 56")
    }

    @Test("GET_DAXDEV: index 0 is the device's path in a 280-byte reply; index 1 is EINVAL")
    func daxdev() {
        let r = reply(request(opcode: 55, nodeid: 0))
        #expect(Array(r.prefix(8)) == hex("28 01 00 00  00 00 00 00"))
        guard r.count == 16 + 280 else { Issue.record("reply of \(r.count) bytes"); return }
        let name = Array(c.device.utf8)
        #expect(Array(r[16 + 24..<16 + 24 + name.count]) == name)
        #expect(r[(16 + 24 + name.count)...].allSatisfy { $0 == 0 })
        #expect(reply(request(opcode: 55, nodeid: 1)) == hex("10 00 00 00  ea ff ff ff  4d 00 00 00 00 00 00 00"))
    }

    func hex(_ s: String) -> [UInt8] {
        s.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { UInt8($0, radix: 16) }
    }
}
