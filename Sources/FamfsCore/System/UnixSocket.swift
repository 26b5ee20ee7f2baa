#if canImport(Glibc)
import Glibc
#endif

/// `sockaddr_un` for a path: binding and connecting by file name.
public enum UnixSocketAddress {
    /// Longest path `sun_path` holds with its NUL.
    public static let maxPathLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    static func withAddress<R>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R? {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count <= maxPathLength else { return nil }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { p in for (i, b) in bytes.enumerated() { p[i] = b } }
        let len = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
        return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, len) } }
    }

    public static func connect(_ fd: Int32, path: String) -> Bool {
        withAddress(path) { Glibc.connect(fd, $0, $1) == 0 } ?? false
    }

    public static func bind(_ fd: Int32, path: String) -> Bool {
        withAddress(path) { Glibc.bind(fd, $0, $1) == 0 } ?? false
    }
}

/// A client of a daemon's status socket: one HTTP/1.0 request per connection, as curl
/// `--unix-socket` sends it.
public enum StatusSocketClient {
    public struct Reply: Sendable {
        public var status: Int
        public var body: String
    }

    /// Why a request got no reply: nothing listens there (the daemon is gone), or it did not answer in time.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case noSocket(path: String, errno: Int32)
        case noAnswer(path: String, reason: String)
        public var description: String {
            switch self {
            case let .noSocket(path, e): return "\(path): \(String(cString: strerror(e)))"
            case let .noAnswer(path, reason): return "\(path): \(reason)"
            }
        }
    }

    public static func request(_ socketPath: String, method: String = "GET", path: String, body: String = "",
                               timeoutSeconds: Int = 5) throws(Failure) -> Reply {
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw .noSocket(path: socketPath, errno: errno) }
        defer { close(s) }
        var limit = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard UnixSocketAddress.connect(s, path: socketPath) else { throw .noSocket(path: socketPath, errno: errno) }
        var text = "\(method) \(path) HTTP/1.0\r\nHost: localhost\r\n"
        if !body.isEmpty { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + body
        var bytes = Array(text.utf8)
        let sent = bytes.withUnsafeMutableBytes { send(s, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw .noAnswer(path: socketPath, reason: "cannot send the request") }
        var reply: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 16384)
        while reply.count < 1 << 20 {
            let n = buf.withUnsafeMutableBytes { recv(s, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw .noAnswer(path: socketPath, reason: "no reply within \(timeoutSeconds) s") }
            if n == 0 { break }
            reply += buf[0..<n]
        }
        let whole = String(decoding: reply, as: UTF8.self)
        guard let statusLine = whole.split(separator: "\r\n", maxSplits: 1).first,
              let code = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw .noAnswer(path: socketPath, reason: "not an HTTP reply")
        }
        let bodyText = whole.components(separatedBy: "\r\n\r\n", maxSplits: 1).dropFirst().first ?? ""
        return Reply(status: code, body: bodyText)
    }
}

extension String {
    /// Split at the first `maxSplits` occurrences of `separator` (no Foundation here).
    func components(separatedBy separator: String, maxSplits: Int) -> [String] {
        var out: [String] = []
        var rest = Substring(self)
        while out.count < maxSplits, let r = rest.range(of: separator) {
            out.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        out.append(String(rest))
        return out
    }
}
