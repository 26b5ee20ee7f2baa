import Glibc
import SystemPackage
import Testing
@testable import FuseProtocol

@Suite("ProtocolHandler byte vectors")
struct ProtocolVectorTests {
    @Test("INIT: 7.45 offer → exact reply; requested flags ⊆ offered")
    func initNegotiation() throws {
        let fs = HelloFileSystem(extraWanted: .daxFmap)
        let handler = ProtocolHandler(fileSystem: fs)
        let offered: InitFlags = [
            .asyncRead, .posixLocks, .bigWrites, .flockLocks, .doReaddirplus, .readdirplusAuto,
            .parallelDirops, .maxPages, .initExt, .directIOAllowMmap, .daxFmap, .passthrough,
        ]
        let body =
            le32(7) + le32(45) + le32(131072)  // major, minor, max_readahead
            + le32(0x4044_6423)  // flags: ASYNC_READ|POSIX_LOCKS|BIG_WRITES|FLOCK|RDPLUS|RDPLUS_AUTO|PARALLEL_DIROPS|MAX_PAGES|INIT_EXT
            + le32(0x0000_0830)  // flags2: bit 36 DIRECT_IO_ALLOW_MMAP, 37 PASSTHROUGH, 43 DAX_FMAP
            + [UInt8](repeating: 0, count: 44)  // unused[11]
        #expect(body == InitIn(major: 7, minor: 45, maxReadahead: 131072, flags: offered).encoded())
        let reply = try #require(send(handler, request(26, unique: 1, node: 0, body: body)))
        let expected =
            outHeader(length: 80, unique: 1)
            + le32(7) + le32(45)  // major, minor
            + le32(131072)  // max_readahead
            + le32(0x4044_6421)  // flags: offered ∩ wanted (no POSIX_LOCKS)
            + le16(64) + le16(48)  // max_background, congestion_threshold
            + le32(1 << 20)  // max_write
            + le32(1)  // time_gran
            + le16(256) + le16(0)  // max_pages, map_alignment
            + le32(0x0000_0810)  // flags2: DIRECT_IO_ALLOW_MMAP, DAX_FMAP (no PASSTHROUGH)
            + le32(0)  // max_stack_depth
            + le16(0)  // request_timeout
            + [UInt8](repeating: 0, count: 22)  // unused
        #expect(reply == expected)
        let granted = try #require(handler.connection).flags
        #expect(granted.isSubset(of: offered))
        #expect(fs.state.withLock { $0.granted } == granted)
    }

    @Test("INIT: flags the kernel does not offer are never requested")
    func initOnlyOffered() throws {
        let handler = ProtocolHandler(fileSystem: HelloFileSystem(extraWanted: .daxFmap))
        let offer = InitIn(major: 7, minor: 38, maxReadahead: 65536, flags: [.asyncRead])
        let reply = try #require(send(handler, request(26, unique: 9, node: 0, body: offer.encoded())))
        #expect(reply.count == 80)
        #expect(Array(reply[16..<20]) == le32(7) && Array(reply[20..<24]) == le32(38))
        #expect(Array(reply[28..<32]) == le32(1))  // only ASYNC_READ
        #expect(Array(reply[48..<52]) == le32(0))  // no flags2
    }

    @Test("requests before INIT get EIO")
    func beforeInit() throws {
        let handler = ProtocolHandler(fileSystem: HelloFileSystem())
        let reply = try #require(send(handler, request(1, body: cstr("hello"))))
        #expect(reply == outHeader(length: 16, error: -EIO))
    }

    @Test("LOOKUP → fuse_entry_out")
    func lookup() throws {
        let handler = initializedHandler()
        let reply = try #require(send(handler, request(1, body: cstr("hello"))))
        let expected =
            outHeader(length: 144)
            + le64(2) + le64(1)  // nodeid, generation
            + le64(60) + le64(0)  // entry_valid, attr_valid
            + le32(0) + le32(0)  // entry_valid_nsec, attr_valid_nsec
            + le64(2) + le64(14) + le64(1)  // attr: ino, size, blocks
            + le64(0) + le64(0) + le64(0)  // atime, mtime, ctime
            + le32(0) + le32(0) + le32(0)  // nsecs
            + le32(0o100644) + le32(1)  // mode, nlink
            + le32(0) + le32(0) + le32(0)  // uid, gid, rdev
            + le32(4096) + le32(0)  // blksize, flags
        #expect(reply == expected)
    }

    @Test("LOOKUP of a missing name → negative entry (node 0)")
    func negativeLookup() throws {
        let reply = try #require(send(initializedHandler(), request(1, body: cstr("nope"))))
        #expect(reply.count == 144)
        #expect(Array(reply[16..<24]) == le64(0))
        #expect(Array(reply[32..<40]) == le64(60))
    }

    @Test("GETATTR → fuse_attr_out")
    func getattr() throws {
        let body = le32(0) + le32(0) + le64(0)  // getattr_flags, dummy, fh
        let reply = try #require(send(initializedHandler(), request(3, node: 3, body: body)))
        let expected =
            outHeader(length: 120)
            + le64(0) + le32(0) + le32(0)  // attr_valid, attr_valid_nsec, dummy
            + le64(3) + le64(0) + le64(0)  // ino, size, blocks
            + [UInt8](repeating: 0, count: 36)  // times
            + le32(0o040755) + le32(2)  // mode, nlink
            + le32(0) + le32(0) + le32(0) + le32(4096) + le32(0)
        #expect(reply == expected)
    }

    @Test("READ with zero-copy regions: header then the regions, cut to size")
    func readRegions() throws {
        let handler = initializedHandler()
        let body =
            le64(200) + le64(7)  // fh, offset
            + le32(5) + le32(0)  // size, read_flags
            + le64(0) + le32(0) + le32(0)  // lock_owner, flags, padding
        let raw = request(15, node: 2, body: body)
        let reply = try #require(raw.withUnsafeBytes { handler.handle($0) })
        guard case .regions(let regions) = reply.payload else {
            Issue.record("expected regions")
            return
        }
        #expect(regions.count == 2)
        #expect(reply.flattened() == outHeader(length: 21) + Array("world".utf8))
    }

    @Test("READDIR packs fuse_dirent records, 8-byte aligned, within size")
    func readdir() throws {
        let handler = initializedHandler()
        func readdir(size: UInt32, offset: UInt64) -> [UInt8]? {
            let body = le64(7) + le64(offset) + le32(size) + le32(0) + le64(0) + le32(0) + le32(0)
            return send(handler, request(28, body: body))
        }
        // ".", "..", "hello", "dir": 32 bytes each.
        let all = try #require(readdir(size: 4096, offset: 0))
        #expect(all.count == 16 + 4 * 32)
        let dot = le64(1) + le64(1) + le32(1) + le32(4) + [0x2E] + [UInt8](repeating: 0, count: 7)
        #expect(Array(all[16..<48]) == dot)
        let hello = le64(2) + le64(3) + le32(5) + le32(8) + Array("hello".utf8) + [0, 0, 0]
        #expect(Array(all[80..<112]) == hello)
        // 70 bytes hold two records; the third does not fit.
        let partial = try #require(readdir(size: 70, offset: 0))
        #expect(partial.count == 16 + 64)
        // Continue after cookie 2.
        let rest = try #require(readdir(size: 4096, offset: 2))
        #expect(rest.count == 16 + 64)
        #expect(Array(rest[16..<48]) == hello)
    }

    @Test("READDIRPLUS records are entry_out + dirent")
    func readdirplus() throws {
        let body = le64(7) + le64(2) + le32(4096) + le32(0) + le64(0) + le32(0) + le32(0)
        let reply = try #require(send(initializedHandler(), request(44, body: body)))
        #expect(reply.count == 16 + 160 + 160)  // "hello", "dir"
        #expect(Array(reply[16..<24]) == le64(2))  // entry_out.nodeid of hello
        #expect(Array(reply[144..<168]) == le64(2) + le64(3) + le32(5) + le32(8))
    }

    @Test("GETXATTR: size 0 asks the size; too small is ERANGE; enough gets the value")
    func getxattr() throws {
        let handler = initializedHandler()
        let query = try #require(send(handler, request(22, node: 2, body: le32(0) + le32(0) + cstr("user.test"))))
        #expect(query == outHeader(length: 24) + le32(5) + le32(0))
        let small = try #require(send(handler, request(22, node: 2, body: le32(4) + le32(0) + cstr("user.test"))))
        #expect(small == outHeader(length: 16, error: -ERANGE))
        let value = try #require(send(handler, request(22, node: 2, body: le32(64) + le32(0) + cstr("user.test"))))
        #expect(value == outHeader(length: 21) + Array("value".utf8))
        let list = try #require(send(handler, request(23, node: 2, body: le32(0) + le32(0))))
        #expect(list == outHeader(length: 24) + le32(10) + le32(0))
        let missing = try #require(send(handler, request(22, node: 2, body: le32(64) + le32(0) + cstr("user.x"))))
        #expect(missing == outHeader(length: 16, error: -ENODATA))
    }

    @Test("unknown opcode → ENOSYS")
    func unknownOpcode() throws {
        let reply = try #require(send(initializedHandler(), request(999)))
        #expect(reply == outHeader(length: 16, error: -ENOSYS))
        let bmap = try #require(send(initializedHandler(), request(37, body: le64(0) + le32(0) + le32(0))))
        #expect(bmap == outHeader(length: 16, error: -ENOSYS))
    }

    @Test("a truncated or inconsistent request gets an error reply, not a crash")
    func truncated() throws {
        let handler = initializedHandler()
        // READ with 8 of its 40 bytes.
        let short = try #require(send(handler, request(15, node: 2, body: le64(1))))
        #expect(short == outHeader(length: 16, error: -EINVAL))
        // Name without its NUL.
        let noNul = try #require(send(handler, request(1, body: Array("hello".utf8))))
        #expect(noNul == outHeader(length: 16, error: -EINVAL))
        // Header length disagrees with the bytes.
        var bad = request(3, body: [UInt8](repeating: 0, count: 16))
        bad[0] = 99
        #expect(send(handler, bad) == outHeader(length: 16, error: -EIO))
        // Header cut after `unique`: EIO; cut before it: nothing to answer.
        #expect(send(handler, Array(request(3).prefix(20))) == outHeader(length: 16, error: -EIO))
        #expect(send(handler, Array(request(3).prefix(10))) == nil)
        // WRITE whose size exceeds the data.
        let write = le64(200) + le64(0) + le32(100) + le32(0) + le64(0) + le32(0) + le32(0) + [1, 2]
        #expect(send(handler, request(16, node: 2, body: write)) == outHeader(length: 16, error: -EINVAL))
        // BATCH_FORGET claiming more entries than present: no reply either way.
        #expect(send(handler, request(42, body: le32(1000) + le32(0))) == nil)
    }

    @Test("FORGET, BATCH_FORGET and INTERRUPT get no reply")
    func noReply() {
        let handler = initializedHandler()
        #expect(send(handler, request(2, node: 2, body: le64(1))) == nil)
        #expect(send(handler, request(42, body: le32(1) + le32(0) + le64(2) + le64(1))) == nil)
        #expect(send(handler, request(36, body: le64(0x1122))) == nil)
    }

    @Test("WRITE takes the payload in place and answers fuse_write_out")
    func write() throws {
        let fs = HelloFileSystem()
        let handler = initializedHandler(fs)
        let body = le64(200) + le64(0) + le32(3) + le32(0) + le64(0) + le32(0) + le32(0) + Array("Yo!".utf8)
        let reply = try #require(send(handler, request(16, node: 2, body: body)))
        #expect(reply == outHeader(length: 24) + le32(3) + le32(0))
        #expect(Array(fs.storage[0..<5]) == Array("Yo!lo".utf8))
    }

    @Test("GET_FMAP as the famfs kernel sends it (no in-arg) gets a reply of up to 4096 bytes")
    func getFmapKernelShape() throws {
        let handler = initializedHandler(HelloFmapFileSystem())
        // fuse_get_fmap: in_numargs = 0, one variable out arg of FMAP_BUFSIZE (4096 = 0x1000).
        let fmap = try #require(send(handler, request(54, node: 2)))
        #expect(fmap == outHeader(length: 19) + [0xF0, 2, 0x10])
        // The first patches' fuse_getxattr_in {size 0x8000, padding}: size is the limit.
        #expect(send(handler, request(54, node: 2, body: le32(0x8000) + le32(0))) == outHeader(length: 19) + [0xF0, 2, 0x80])
        // Three bytes are neither shape.
        #expect(send(handler, request(54, node: 2, body: [1, 2, 3])) == outHeader(length: 16, error: -EINVAL))
    }

    @Test("a GET_FMAP reply longer than the kernel's buffer never reaches the kernel (ERANGE)")
    func getFmapLimit() throws {
        #expect(send(initializedHandler(HelloFmapFileSystem(fmapReplySize: 4096)), request(54, node: 2))?.count == 16 + 4096)
        #expect(send(initializedHandler(HelloFmapFileSystem(fmapReplySize: 4097)), request(54, node: 2))
                == outHeader(length: 16, error: -ERANGE))
    }

    @Test("GET_DAXDEV takes the index from the header's nodeid, with no in-arg")
    func getDaxdevKernelShape() throws {
        let handler = initializedHandler(HelloFmapFileSystem())
        #expect(send(handler, request(55, node: 3)) == outHeader(length: 18) + [0xDA, 3])
    }

    @Test("a file system without the fmap extension gets opcodes 54 and 55 as unknown operations")
    func fmapOpcodesWithoutExtension() throws {
        let handler = initializedHandler()
        #expect(send(handler, request(54, node: 2)) == outHeader(length: 20) + [0xDA, 54, 2, 0])
        #expect(send(handler, request(55, node: 3, body: [9, 9, 9, 9])) == outHeader(length: 20) + [0xDA, 55, 3, 4])
    }

    @Test("SETLK with FUSE_LK_FLOCK reaches setlk as a flock")
    func flock() throws {
        let fs = HelloFileSystem()
        let handler = initializedHandler(fs)
        let body = le64(200) + le64(77) + le64(0) + le64(UInt64.max) + le32(UInt32(F_WRLCK)) + le32(1) + le32(1) + le32(0)
        #expect(send(handler, request(33, node: 2, body: body)) == outHeader(length: 16))
        #expect(fs.state.withLock { $0.flocks } == [UInt32(F_WRLCK)])
    }

    @Test("mkdir refusal carries the file system's errno")
    func mkdirErrno() {
        let reply = send(initializedHandler(), request(9, body: le32(0o755) + le32(0o022) + cstr("new")))
        #expect(reply == outHeader(length: 16, error: -ENOSPC))
    }

    @Test("notification message: inval_entry bytes")
    func invalEntryBytes() {
        let message = Notifier.invalEntryMessage(parent: .root, name: "later")
        #expect(message == outHeader(length: 38, error: 3, unique: 0) + le64(1) + le32(5) + le32(0) + cstr("later"))
    }
}
