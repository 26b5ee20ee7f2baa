#if canImport(Glibc)
import Glibc
#endif
import CFamfsShims
import FamfsCore
import FamfsFormat
import Logging

/// The daemon's control channel: a UNIX socket (abstract name, so nothing is left on disk) on
/// which `famfs creat/cp/mkdir` ask the daemon — which keeps the replayed log in memory — to
/// create files and directories, instead of replaying the whole log in every process. The
/// daemon appends under the same device flock as any other writer. Its name is the root's
/// `user.famfs.control` xattr.
///
/// Wire: one request line per connection, fields separated by 0x1F, and one reply:
/// - `lookup␟<relpath>` · `mkfile␟<relpath>␟size␟mode␟uid␟gid␟nbuckets␟nstrips␟chunk␟reuse(0|1)`
///   · `mkdir␟<relpath>␟mode␟uid␟gid␟parents(0|1)`
/// - reply `ok␟file␟<byte count>\n<fmap YAML>`, `ok␟dir[␟<created path>…]\n`, `ok␟none\n`, or
///   `err␟<errno>␟<message>\n`.
/// Creating needs root (as in the reference), checked with SO_PEERCRED.
final class ControlChannel: Sendable {
    static let separator: Character = "\u{1F}"
    let name: String
    private let fd: Int32
    private let fs: FamfsFileSystem

    init?(fs: FamfsFileSystem) {
        self.fs = fs
        name = "famfs-control-\(getpid())"
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { return nil }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = [UInt8(0)] + Array(name.utf8)  // abstract namespace: leading NUL
        withUnsafeMutableBytes(of: &addr.sun_path) { p in for (i, b) in bytes.enumerated() { p[i] = b } }
        let len = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) } } == 0
        guard ok, listen(s, 16) == 0 else { close(s); return nil }
        fd = s
    }

    func start() {
        BackgroundThread.detach { [self] in
            while true {
                let c = accept(fd, nil, nil)
                if c < 0 { if errno == EINTR || errno == ECONNABORTED { continue }; return }
                _ = fcntl(c, F_SETFD, FD_CLOEXEC)
                // A peer that connects and sends nothing must not hold up anyone else: each
                // connection gets its own thread and a few seconds to send its request.
                var limit = timeval(tv_sec: 5, tv_usec: 0)
                setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                BackgroundThread.detach { [self] in
                    serve(c)
                    close(c)
                }
            }
        }
    }

    func stop() { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }

    private func serve(_ c: Int32) {
        var request: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while !request.contains(10), request.count < 8192 {
            let n = read(c, &buf, buf.count)
            if n <= 0 { break }
            request += buf[0..<n]
        }
        let line = String(decoding: request.prefix { $0 != 10 }, as: UTF8.self)
        let reply = answer(line.split(separator: Self.separator, omittingEmptySubsequences: false).map(String.init),
                           root: famfs_peer_uid(c) == 0)
        _ = reply.withCString { write(c, $0, strlen($0)) }
    }

    private func answer(_ f: [String], root: Bool) -> String {
        let sep = String(Self.separator)
        func num(_ i: Int) -> UInt64? { i < f.count ? UInt64(f[i]) : nil }
        func entry(_ node: Namespace.Node?) -> String {
            guard let node else { return "ok\(sep)none\n" }
            guard let meta = node.file else { return "ok\(sep)dir\n" }
            let yaml = FmapYAML.emit(meta)
            return "ok\(sep)file\(sep)\(yaml.utf8.count)\n" + yaml
        }
        do {
            switch (f.first, f.count) {
            case ("lookup", 2):
                fs.volume.refresh()
                return entry(fs.volume.lookup(f[1]))
            case ("mkfile", 10):
                guard root else { return "err\(sep)\(EACCES)\(sep)creating files needs root\n" }
                guard let size = num(2), let mode = num(3), let uid = num(4), let gid = num(5),
                      let nb = num(6), let ns = num(7), let chunk = num(8), let reuse = num(9) else { break }
                let node = try fs.volume.createFile(f[1], size: size, mode: UInt32(truncatingIfNeeded: mode),
                                                    uid: UInt32(truncatingIfNeeded: uid), gid: UInt32(truncatingIfNeeded: gid),
                                                    interleave: InterleaveParameters(nbuckets: nb, nstrips: ns, chunkSize: chunk),
                                                    reuseExisting: reuse == 1)
                fs.invalidateAttributes(of: .init(node.parent))
                return entry(node)
            case ("mkdir", 6):
                guard root else { return "err\(sep)\(EACCES)\(sep)creating directories needs root\n" }
                guard let mode = num(2), let uid = num(3), let gid = num(4), let parents = num(5) else { break }
                let made = try fs.volume.mkdir(f[1], mode: UInt32(truncatingIfNeeded: mode), uid: UInt32(truncatingIfNeeded: uid),
                                               gid: UInt32(truncatingIfNeeded: gid), parents: parents == 1)
                for n in made { fs.invalidateAttributes(of: .init(n.parent)) }
                return (["ok", "dir"] + made.map(\.path)).joined(separator: sep) + "\n"
            default:
                break
            }
            return "err\(sep)\(EINVAL)\(sep)malformed control request\n"
        } catch {
            let message = "\(error)".replacingNewlines
            // The reference reports "out of space" as ENOMEM and a full log as ENOSPC; keep them apart.
            let code: Int32
            if case .noSpace = error { code = ENOMEM } else { code = error.errno.rawValue }
            return "err\(sep)\(code)\(sep)\(message)\n"
        }
    }
}

private extension String {
    var replacingNewlines: String { String(map { $0 == "\n" ? " " : $0 }) }
}
