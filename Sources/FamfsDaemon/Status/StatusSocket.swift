#if canImport(Glibc)
import Glibc
#endif
import CFamfsShims
import FamfsCore
import Logging
import Synchronization
import SystemSupport

/// The daemon's diagnostic interface: HTTP/1.x over a UNIX socket at `<runtime dir>/sock` (or
/// `<shadow>/sock`), the paths the original's daemon answers plus `/status`:
///
/// | request | reply |
/// |---|---|
/// | `GET /status` | the mount's `MountStatus` as JSON (`application/json`) |
/// | `GET /pid` | `pid: <n>` (YAML) |
/// | `GET /icache_stats` | `icache_stats:` with `search_count` (lookups), `nodes_scanned` (one per lookup: nodes are found by id, not by a scan), `search_fail_ct` (misses), `nodes` |
/// | `GET /icache_dump` | root: writes every node to the daemon's log |
/// | `GET /log_level` | the level as a syslog number 0–7 |
/// | `POST`/`PUT /log_level` | root: body `<n>`, `level=<n>` or a name; `log level set to <n> (from <m>)` |
///
/// Anyone may connect (the socket is 0666): status is what `famfs status` shows every user,
/// with the secret fields withheld from non-root peers (SO_PEERCRED). One thread serves every
/// connection with poll(2), so peers that connect and say nothing cannot hold anyone up: each
/// has `timeoutSeconds` to send its request, and beyond `maxConnections` the oldest is dropped.
final class StatusSocket: Sendable {
    static let maxConnections = 64
    static let maxRequestBytes = 8192
    static let timeoutSeconds = 2.0
    let path: String
    private let fd: Int32
    private let source: StatusSource
    private let logger: Logger
    private let stopped = Atomic<Bool>(false)

    /// Binds `path` (removing a socket a dead daemon left there). Nil when it cannot.
    init?(path: String, source: StatusSource, logger: Logger) {
        self.path = path
        self.source = source
        self.logger = logger
        var st = stat()
        if lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFSOCK { unlink(path) }
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard s >= 0 else { return nil }
        guard UnixSocketAddress.bind(s, path: path) else {
            logger.warning("status socket: cannot bind", metadata: ["path": "\(path)", "error": "\(String(cString: strerror(errno)))"])
            close(s)
            return nil
        }
        chmod(path, 0o666)
        guard listen(s, 64) == 0 else { close(s); unlink(path); return nil }
        fd = s
    }

    private struct Peer {
        let fd: Int32
        let deadline: Double
        var data: [UInt8] = []
    }

    func start() {
        BackgroundThread.detach { [self] in serveLoop() }
    }

    private func serveLoop() {
        var peers: [Peer] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while !stopped.load(ordering: .relaxed) {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)] + peers.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            let n = poll(&fds, nfds_t(fds.count), 200)
            if n < 0 && errno != EINTR { return }
            let now = DaemonDiagnostics.monotonicSeconds()
            var keep: [Peer] = []
            for (k, var peer) in peers.enumerated() {
                let revents = fds[k + 1].revents
                var done = false
                if revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                    let got = buf.withUnsafeMutableBytes { recv(peer.fd, $0.baseAddress, $0.count, 0) }
                    if got > 0 {
                        peer.data += buf[0..<got]
                        switch HTTPRequest.parse(peer.data, limit: Self.maxRequestBytes) {
                        case .incomplete: break
                        case .bad: respond(peer.fd, HTTPReply(400, "Bad Request\n")); done = true
                        case .complete(let request): respond(peer.fd, answer(request, root: famfs_peer_uid(peer.fd) == 0)); done = true
                        }
                    } else if got == 0 || (errno != EAGAIN && errno != EINTR) {
                        done = true
                    }
                }
                if !done && now > peer.deadline { respond(peer.fd, HTTPReply(408, "Request Timeout\n")); done = true }
                if done { close(peer.fd) } else { keep.append(peer) }
            }
            peers = keep
            if fds[0].revents & Int16(POLLIN) != 0 {
                while true {
                    let c = accept(fd, nil, nil)
                    if c < 0 { break }
                    _ = fcntl(c, F_SETFD, FD_CLOEXEC)
                    _ = fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK)
                    if peers.count >= Self.maxConnections { close(peers.removeFirst().fd) }
                    peers.append(Peer(fd: c, deadline: now + Self.timeoutSeconds))
                }
            }
        }
        for p in peers { close(p.fd) }
    }

    /// Stops accepting and removes the socket file.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        unlink(path)
    }

    /// Sends the reply; a peer that does not read it within a second loses the rest.
    private func respond(_ c: Int32, _ reply: HTTPReply) {
        _ = fcntl(c, F_SETFL, fcntl(c, F_GETFL) & ~O_NONBLOCK)
        var limit = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var bytes = Array(reply.serialized.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { send(c, $0.baseAddress! + done, $0.count - done, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            done += n
        }
    }

    func answer(_ r: HTTPRequest, root: Bool) -> HTTPReply {
        let diagnostics = source.diagnostics
        switch (r.path, r.method) {
        case ("/status", "GET"):
            return HTTPReply(200, source.current(privileged: root).json.pretty, type: "application/json")
        case ("/pid", "GET"):
            return HTTPReply(200, "pid: \(getpid())\n", type: "text/yaml")
        case ("/icache_stats", "GET"):
            let lookups = diagnostics.lookups.load(ordering: .relaxed)
            let nodes = source.fs.volume.snapshot.namespace.nodes.count
            return HTTPReply(200, "icache_stats:\n  search_count:   \(lookups)\n  nodes_scanned:  \(lookups)\n"
                + "  search_fail_ct: \(diagnostics.lookupMisses.load(ordering: .relaxed))\n  nodes:          \(nodes)\n",
                type: "text/yaml")
        case ("/icache_dump", "GET"):
            guard root else { return HTTPReply(403, "Forbidden: only root may dump the node cache\n") }
            BackgroundThread.detach { [self] in dumpNodes() }
            return HTTPReply(200, "icache: dumping icache to \(diagnostics.logDestination)\n", type: "text/yaml")
        case ("/log_level", "GET"):
            return HTTPReply(200, "\(SyslogLevel.number(diagnostics.logLevel))\n")
        case ("/log_level", "POST"), ("/log_level", "PUT"):
            guard root else { return HTTPReply(403, "Forbidden: only root may change the log level\n") }
            let text = r.body.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? ""
            let value = text.hasPrefix("level=") ? String(text.dropFirst(6)) : text
            let before = SyslogLevel.number(diagnostics.logLevel)
            guard let level = SyslogLevel.parse(value.trimmingSpaces) else {
                return HTTPReply(400, "Failed to set log level to \(value)\n")
            }
            diagnostics.logLevel = level
            let after = SyslogLevel.number(level)
            logger.notice("log level changed", metadata: ["from": "\(before)", "to": "\(after)"])
            return HTTPReply(200, "log level set to \(after) (from \(before))\n")
        case ("/status", _), ("/pid", _), ("/icache_stats", _), ("/icache_dump", _), ("/log_level", _):
            return HTTPReply(405, "Method Not Allowed\n")
        default:
            return HTTPReply(404, "Not Found\n")
        }
    }

    /// One log line per node, at notice level so that the default level shows them.
    private func dumpNodes() {
        let ns = source.fs.volume.snapshot.namespace
        logger.notice("node cache dump", metadata: ["nodes": "\(ns.nodes.count)"])
        for id in ns.nodes.keys.sorted() {
            guard let n = ns[id] else { continue }
            logger.notice("node", metadata: ["id": "\(id)", "parent": "\(n.parent)", "path": "\(n.path)",
                                             "type": "\(n.isDirectory ? "directory" : "file")", "size": "\(n.size)"])
        }
    }
}

/// One HTTP/1.x request: the request line, the headers (only Content-Length matters), a body.
struct HTTPRequest {
    var method: String
    /// Without the query string and a trailing slash.
    var path: String
    var body: String

    enum Parse { case incomplete, bad, complete(HTTPRequest) }

    /// A request from the bytes received so far.
    static func parse(_ data: [UInt8], limit: Int) -> Parse {
        guard let end = endOfHeaders(data) else { return data.count > limit ? .bad : .incomplete }
        let head = String(decoding: data[..<end.headers], as: UTF8.self)
        let lines = head.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" })
        guard let first = lines.first else { return .bad }
        let parts = first.split(separator: " ")
        guard parts.count >= 2, parts.count <= 3, parts[1].hasPrefix("/") else { return .bad }
        var path = String(parts[1].prefix { $0 != "?" })
        if path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        var length = 0
        for line in lines.dropFirst() {
            let kv = line.split(separator: ":", maxSplits: 1)
            if kv.count == 2, kv[0].lowercased() == "content-length" {
                guard let n = Int(String(kv[1]).trimmingSpaces), n >= 0, n <= limit else { return .bad }
                length = n
            }
        }
        let body = data[end.body...]
        guard body.count >= length else { return .incomplete }
        return .complete(HTTPRequest(method: String(parts[0]), path: path, body: String(decoding: body.prefix(length), as: UTF8.self)))
    }

    /// Where the headers end (CRLFCRLF, or LFLF from a hand-typed request) and the body starts.
    static func endOfHeaders(_ d: [UInt8]) -> (headers: Int, body: Int)? {
        var i = 0
        while i + 1 < d.count {
            if d[i] == 10 && d[i + 1] == 10 { return (i, i + 2) }
            if i + 3 < d.count, d[i] == 13, d[i + 1] == 10, d[i + 2] == 13, d[i + 3] == 10 { return (i, i + 4) }
            i += 1
        }
        return nil
    }
}

struct HTTPReply {
    var status: Int
    var body: String
    var type = "text/plain"

    init(_ status: Int, _ body: String, type: String = "text/plain") {
        self.status = status
        self.body = body
        self.type = type
    }

    var reason: String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        default: return "Error"
        }
    }

    var serialized: String {
        "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
