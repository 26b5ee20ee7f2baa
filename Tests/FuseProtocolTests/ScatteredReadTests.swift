import Foundation
import Glibc
import Synchronization
import SystemPackage
import Testing
@testable import FuseProtocol

/// One file, `/scattered`, whose every byte lives apart from its neighbours (stride 2 in a
/// long-lived buffer): a READ answers one region per byte, as a famfs map of tiny interleave
/// chunks would. `/adjacent` answers one region per byte too, but neighbours in memory.
final class ScatteredFileSystem: FuseFileSystem, @unchecked Sendable {
    static let size = 64 << 10
    static let scattered = NodeID(2), adjacent = NodeID(3)
    let storage: UnsafeMutableRawBufferPointer

    init() {
        storage = .allocate(byteCount: 2 * Self.size, alignment: 4096)
        for i in 0..<Self.size { storage[2 * i] = UInt8(truncatingIfNeeded: i &* 7 &+ i >> 8); storage[2 * i + 1] = 0xEE }
    }

    static func expected(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: i &* 7 &+ i >> 8) }

    func attr(_ node: NodeID) -> Attr? {
        switch node {
        case .root: return Attr(ino: 1, mode: S_IFDIR | 0o755, nlink: 2)
        case Self.scattered: return Attr(ino: 2, size: UInt64(Self.size), blocks: 1, mode: S_IFREG | 0o444)
        case Self.adjacent: return Attr(ino: 3, size: UInt64(Self.size), blocks: 1, mode: S_IFREG | 0o444)
        default: return nil
        }
    }

    func lookup(parent: NodeID, name: String, context: RequestContext) throws(Errno) -> Entry {
        let node: NodeID? = parent == .root ? ["scattered": Self.scattered, "adjacent": Self.adjacent][name] : nil
        guard let node, let a = attr(node) else { throw .noSuchFileOrDirectory }
        return Entry(node: node, generation: 1, attr: a, entryTimeout: FuseTime(seconds: 60), attrTimeout: FuseTime(seconds: 60))
    }

    func getattr(node: NodeID, handle: FileHandleID?, context: RequestContext) throws(Errno) -> AttrReply {
        guard let a = attr(node) else { throw .noSuchFileOrDirectory }
        return AttrReply(attr: a, timeout: .zero)
    }

    func open(node: NodeID, flags: UInt32, context: RequestContext) throws(Errno) -> OpenReply {
        OpenReply(handle: FileHandleID(node.rawValue), flags: [.directIO])
    }

    func read(node: NodeID, handle: FileHandleID, offset: UInt64, size: UInt32, context: RequestContext) throws(Errno) -> ReplyData {
        guard offset < UInt64(Self.size) else { return .empty }
        let end = min(Self.size, Int(offset) + Int(size))
        if node == Self.adjacent {
            // Adjacent single bytes of the second half of storage, filled as the expected bytes.
            return .regions((Int(offset)..<end).map { i in
                storage[Self.size + i] = Self.expected(i)
                return UnsafeRawBufferPointer(rebasing: storage[(Self.size + i)..<(Self.size + i + 1)])
            })
        }
        return .regions((Int(offset)..<end).map { UnsafeRawBufferPointer(rebasing: storage[(2 * $0)..<(2 * $0 + 1)]) })
    }
}

@Suite("READ replies with more pieces than one writev takes", .serialized, .enabled(if: geteuid() == 0))
struct ScatteredReadTests {
    @Test("neighbouring regions are merged and too many are copied: fewer than 1,024 parts")
    func gathering() {
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 8)
        defer { buf.deallocate() }
        let bytes = (0..<8).map { UnsafeRawBufferPointer(rebasing: buf[$0..<($0 + 1)]) }
        #expect(Reply.gathered(bytes, limit: 1)?.count == 1)
        #expect(Reply.gathered(bytes, limit: 1)?.first?.count == 8)
        let apart = [bytes[0], bytes[2], bytes[4]]
        #expect(Reply.gathered(apart, limit: 3)?.count == 3)
        #expect(Reply.gathered(apart, limit: 2) == nil)
    }

    @Test("a 64 KiB read answered with 65,536 one-byte regions returns every byte (and never hangs)")
    func scatteredRead() throws {
        let dir = try MountTests.makeMountpoint()
        defer { rmdir(dir) }
        let fs = ScatteredFileSystem()
        var options = MountOptions()
        options.fsName = "scatteredfs"
        options.subtype = "scattered"
        options.workerCount = 2
        let session = try FuseSession.mount(fs, at: dir, options: options)
        session.start()
        defer { session.stop(); session.wait() }

        // The connection's number in /sys/fs/fuse/connections is the mount's (anonymous) minor.
        var st = stat()
        try #require(stat(dir, &st) == 0)
        let connection = (UInt64(st.st_dev) & 0xff) | ((UInt64(st.st_dev) >> 12) & 0xfff00)
        for name in ["scattered", "adjacent"] {
            // In a child (dd): before the fix the kernel never got an answer and the reader
            // hung; a child can be killed after a while, so the test fails instead of hanging.
            let out = "/dev/shm/fuseproto-scattered-\(getpid())-\(name)"
            defer { unlink(out) }
            var pid: pid_t = 0
            let args: [String] = ["/bin/dd", "if=\(dir)/\(name)", "of=\(out)", "bs=\(ScatteredFileSystem.size)", "count=1", "status=none"]
            let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            try #require(posix_spawn(&pid, "/bin/dd", nil, nil, argv, environ) == 0)
            var status: Int32 = 0
            var finished = false
            for _ in 0..<200 {
                if waitpid(pid, &status, WNOHANG) == pid { finished = true; break }
                usleep(50_000)
            }
            if !finished {
                // The reader is in D state, deaf even to SIGKILL: abort the connection (mounting
                // fusectl if nobody has) so the test fails instead of hanging.
                let control = "/sys/fs/fuse/connections"
                if access(control + "/\(connection)", F_OK) != 0 { _ = mount("fusectl", control, "fusectl", 0, nil) }
                let abort = open(control + "/\(connection)/abort", O_WRONLY)
                if abort >= 0 { _ = write(abort, "1", 1); close(abort) }
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
            }
            #expect(finished, "\(name): the read was never answered")
            let got = [UInt8](FileManager.default.contents(atPath: out) ?? Data())
            #expect(got.count == ScatteredFileSystem.size, "\(name)")
            #expect(got.enumerated().allSatisfy { $0.element == ScatteredFileSystem.expected($0.offset) }, "\(name)")
        }
    }
}
