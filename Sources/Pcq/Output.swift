#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// stdout and stderr for both worker threads and the status thread: whole lines, in order.
/// stdout is buffered here (a verbose run prints a line per message) and written before anything
/// goes to stderr and at exit.
enum Out {
    private static let buffer = Mutex<[UInt8]>([])

    static func line(_ s: String) {
        buffer.withLock { b in
            b += s.utf8
            b.append(10)
            if b.count >= 1 << 16 { drain(&b) }
        }
    }

    static func err(_ s: String) {
        buffer.withLock { b in
            drain(&b)
            writeAll(Array((s + "\n").utf8), to: STDERR_FILENO)
        }
    }

    static func flush() { buffer.withLock { drain(&$0) } }

    private static func drain(_ b: inout [UInt8]) {
        writeAll(b, to: STDOUT_FILENO)
        b.removeAll(keepingCapacity: true)
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) {
        var done = 0
        bytes.withUnsafeBytes { p in
            while done < p.count {
                let n = write(fd, p.baseAddress! + done, p.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                done += n
            }
        }
    }

    /// Ends the process now (a worker that cannot open its queue, as the original's worker does:
    /// the other thread would otherwise run forever).
    static func exitNow(_ status: Int32) -> Never {
        flush()
        exit(status)
    }
}

/// The status file of `-f`: truncated at start, written once at the end.
struct StatusFile {
    let path: String?

    init(_ path: String?) throws(PcqFailure) {
        self.path = path
        if let path {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw PcqFailure(message: "\(path): cannot open the status file: \(String(cString: strerror(errno)))", status: 1) }
            close(fd)
        }
    }

    func write(_ value: Int64) {
        guard let path else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { Out.err("\(path): cannot write the status file: \(String(cString: strerror(errno)))"); return }
        let text = Array("\(value)".utf8)
        _ = text.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}

/// A refusal with the message and exit status the original gives.
struct PcqFailure: Error {
    var message: String
    var status: Int32
    var showsUsage = false
}

/// `%m-%d %H:%M:%S` in local time, as the original's status lines begin.
func statusTimestamp() -> String {
    var now = time(nil)
    var parts = tm()
    localtime_r(&now, &parts)
    var buf = [CChar](repeating: 0, count: 32)
    let n = strftime(&buf, buf.count, "%m-%d %H:%M:%S", &parts)
    return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
