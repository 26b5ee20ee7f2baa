#if canImport(Glibc)
import Glibc
#endif

/// Frame I/O on a connected control socket, with a deadline for the whole message, for both
/// ends. Writes never raise SIGPIPE (MSG_NOSIGNAL): a peer that is gone is an error, not the end
/// of the process.
public struct ControlSocket {
    public let fd: Int32
    public init(fd: Int32) { self.fd = fd }

    /// Why a frame could not be sent or received.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case system(String, Int32)
        case timedOut(String)
        case closed
        case protocolError(ControlProtocolError)

        public var description: String {
            switch self {
            case let .system(op, e): return "\(op): \(String(cString: strerror(e)))"
            case let .timedOut(op): return "\(op): timed out"
            case .closed: return "the other end closed the connection"
            case let .protocolError(e): return "\(e)"
            }
        }
        public var errno: Int32 {
            switch self {
            case let .system(_, e): return e
            case .timedOut: return ETIMEDOUT
            case .closed: return ECONNRESET
            case .protocolError: return EPROTO
            }
        }
    }

    /// A new stream socket connected to abstract `name`, giving up after `timeoutMilliseconds`
    /// (a daemon whose backlog is full, or one that stopped accepting, must not hang us).
    public static func connect(abstract name: String, timeoutMilliseconds: Int32) throws(Failure) -> ControlSocket {
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard s >= 0 else { throw .system("socket", errno) }
        var (addr, len) = address(name)
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(s, $0, len) } }
        if rc != 0 {
            let e = errno
            // A full backlog makes a non-blocking UNIX connect fail with EAGAIN; wait and retry.
            guard e == EAGAIN || e == EINPROGRESS else { Glibc.close(s); throw .system("connect to @\(name)", e) }
            let deadline = Deadline(milliseconds: timeoutMilliseconds)
            while true {
                guard let left = deadline.remaining else { Glibc.close(s); throw .timedOut("connect to @\(name)") }
                if e == EINPROGRESS {
                    var p = pollfd(fd: s, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&p, 1, min(left, 50))
                    var err: Int32 = 0
                    var elen = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &elen)
                    if p.revents != 0 { if err == 0 { break }; Glibc.close(s); throw .system("connect to @\(name)", err) }
                    continue
                }
                usleep(UInt32(min(left, 20)) * 1000)
                let again = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(s, $0, len) } }
                if again == 0 { break }
                if errno != EAGAIN { let e2 = errno; Glibc.close(s); throw .system("connect to @\(name)", e2) }
            }
        }
        return ControlSocket(fd: s)
    }

    public static func address(_ name: String) -> (sockaddr_un, socklen_t) {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = ControlProtocol.abstractAddress(name)
        withUnsafeMutableBytes(of: &addr.sun_path) { p in for (i, b) in bytes.enumerated() where i < p.count { p[i] = b } }
        return (addr, socklen_t(MemoryLayout<sa_family_t>.size + min(bytes.count, MemoryLayout.size(ofValue: addr.sun_path))))
    }

    /// Sends one frame within the deadline.
    public func send(_ message: [UInt8], timeoutMilliseconds: Int32) throws(Failure) {
        let frame = ControlFrame.wrap(message)
        let deadline = Deadline(milliseconds: timeoutMilliseconds)
        var done = 0
        while done < frame.count {
            let n = frame.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + done, frame.count - done, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
            if n > 0 { done += n; continue }
            let e = errno
            guard n < 0, e == EAGAIN || e == EINTR else { throw .system("send", n == 0 ? EPIPE : e) }
            try wait(for: Int16(POLLOUT), deadline, "send")
        }
    }

    /// Receives one frame within the deadline (refusing one longer than `maxFrame` unread).
    public func receive(what: String, timeoutMilliseconds: Int32) throws(Failure) -> [UInt8] {
        let deadline = Deadline(milliseconds: timeoutMilliseconds)
        let header = try read(4, deadline)
        let n: Int
        do { n = try ControlFrame.length(header: header, what: what) } catch { throw .protocolError(error) }
        return try read(n, deadline)
    }

    private func read(_ count: Int, _ deadline: Deadline) throws(Failure) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + done, count - done, Int32(MSG_DONTWAIT)) }
            if n > 0 { done += n; continue }
            if n == 0 { throw .closed }
            let e = errno
            guard e == EAGAIN || e == EINTR else { throw .system("receive", e) }
            try wait(for: Int16(POLLIN), deadline, "receive")
        }
        return out
    }

    private func wait(for events: Int16, _ deadline: Deadline, _ op: String) throws(Failure) {
        guard let left = deadline.remaining else { throw .timedOut(op) }
        var p = pollfd(fd: fd, events: events, revents: 0)
        let rc = poll(&p, 1, left)
        if rc < 0 && errno != EINTR { throw .system("poll", errno) }
    }

    public func close() { _ = Glibc.close(fd) }
}

/// A point in CLOCK_MONOTONIC time.
struct Deadline {
    let end: Int64
    init(milliseconds: Int32) { end = Self.now() + Int64(milliseconds) }
    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
    /// Milliseconds left, nil once passed.
    var remaining: Int32? {
        let left = end - Self.now()
        return left > 0 ? Int32(min(left, Int64(Int32.max))) : nil
    }
}
