import FamfsControl
import FamfsFormat
import Foundation
import Testing

@Suite("the control protocol's encoding and its socket")
struct ControlProtocolTests {
    static let uuid = FamfsUUID(string: "01234567-89ab-cdef-0123-456789abcdef")!
    static let meta = FileMeta(path: "dir/file", size: 4096, mode: 0o644, uid: 1, gid: 2,
                               fmap: .simple([SimpleExtent(offset: 0x80_0000, length: 0x20_0000)]))
    static let requests: [ControlRequest] = [
        .lookup(path: "a/b"),
        .createFile(.init(path: "x", size: 1 << 20, mode: 0o600, uid: 3, gid: 4, nbuckets: 8, nstrips: 2, chunkSize: 2 << 20, requester: uuid)),
        .mkdir(path: "p/q/r", mode: 0o755, uid: 0, gid: 0, parents: true, requester: uuid),
    ]
    static let replies: [ControlReply] = [
        .none, .directory, .file(meta, created: true), .file(meta, created: false),
        .directoriesCreated(["p", "p/q"]), .failure(errno: 28, message: "the famfs log is full"),
    ]

    @Test("every request and reply decodes to what was encoded")
    func roundTrip() throws {
        for r in Self.requests { #expect(try ControlRequest.decode(r.encoded()) == r) }
        for r in Self.replies { #expect(try ControlReply.decode(r.encoded()) == r) }
    }

    @Test("every truncation, extension and single-byte change of a message is an error or a message, never a trap")
    func hostileBytes() {
        func check(_ bytes: [UInt8], _ decode: ([UInt8]) throws(ControlProtocolError) -> Void) {
            for n in 0..<bytes.count { #expect(throws: ControlProtocolError.self) { try decode(Array(bytes.prefix(n))) } }
            #expect(throws: ControlProtocolError.self) { try decode(bytes + [0]) }
            for i in 0..<bytes.count {
                for v: UInt8 in [0, 1, 0x7f, 0x80, 0xff] {
                    var b = bytes
                    b[i] = v
                    _ = try? decode(b)
                }
            }
        }
        for r in Self.requests { check(r.encoded()) { (b) throws(ControlProtocolError) in _ = try ControlRequest.decode(b) } }
        for r in Self.replies { check(r.encoded()) { (b) throws(ControlProtocolError) in _ = try ControlReply.decode(b) } }
    }

    @Test("a name that is not UTF-8 is refused, not rewritten")
    func notUTF8() {
        // lookup, 2-byte length, "x\xff"
        #expect(throws: ControlProtocolError.self) { try ControlRequest.decode([1, 2, 0, 0x78, 0xff]) }
    }

    @Test("a frame longer than the limit is refused from its header")
    func tooLarge() {
        #expect(throws: ControlProtocolError.self) { try ControlFrame.length(header: [0, 0, 1, 0], what: "request") }
    }

    /// A listening socket that never accepts, with its backlog already full.
    final class DeafListener {
        let name = "famfs-test-deaf-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd: Int32
        var queued: [ControlSocket] = []
        init() throws {
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var (addr, len) = ControlSocket.address(name)
            let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
            guard rc == 0, listen(fd, 0) == 0 else { throw ControlSocket.Failure.system("bind", errno) }
        }
        deinit { queued.forEach { $0.close() }; close(fd) }
    }

    @Test("a daemon that does not answer: the reply wait ends with a timeout")
    func replyTimeout() throws {
        let deaf = try DeafListener()
        let s = try ControlSocket.connect(abstract: deaf.name, timeoutMilliseconds: 1000)
        defer { s.close() }
        try s.send(ControlRequest.lookup(path: "a").encoded(), timeoutMilliseconds: 1000)
        #expect(throws: ControlSocket.Failure.timedOut("receive")) { try s.receive(what: "reply", timeoutMilliseconds: 200) }
    }

    @Test("a daemon that does not accept: connect ends with a timeout once the backlog is full")
    func connectTimeout() throws {
        let deaf = try DeafListener()
        var outcome: ControlSocket.Failure?
        for _ in 0..<8 {
            do { deaf.queued.append(try ControlSocket.connect(abstract: deaf.name, timeoutMilliseconds: 200)) } catch {
                outcome = error
                break
            }
        }
        #expect(outcome == .timedOut("connect to @\(deaf.name)"))
    }
}
