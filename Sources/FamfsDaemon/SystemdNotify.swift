#if canImport(Glibc)
import Glibc
#endif

/// sd_notify(3) without libsystemd: one datagram to `$NOTIFY_SOCKET` when systemd started us
/// (`Type=notify` in famfs@.service), so that the unit is "started" only once the mount answers.
enum SystemdNotify {
    static func send(_ message: String) {
        guard let p = getenv("NOTIFY_SOCKET"), let path = String(validatingCString: p), path.count > 1 else { return }
        var bytes = Array(path.utf8)
        // "@name" is an abstract socket: a leading NUL instead of the @.
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 } else if bytes.first != UInt8(ascii: "/") { return }
        var addr = sockaddr_un()
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return }
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { d in for (i, b) in bytes.enumerated() { d[i] = b } }
        let len = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let s = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { return }
        defer { close(s) }
        var text = Array(message.utf8)
        _ = withUnsafePointer(to: &addr) { a in
            a.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                text.withUnsafeMutableBytes { sendto(s, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), sa, len) }
            }
        }
    }
}
