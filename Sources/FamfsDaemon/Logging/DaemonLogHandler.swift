#if canImport(Glibc)
import Glibc
#endif
import Logging

/// Where a daemon's log lines go.
public enum LogSink: Sendable {
    /// syslog(3), ident "famfs" as the original's (the journal on systemd hosts).
    case syslog
    /// Appended to an open file, one line per message with time and pid.
    case file(fd: Int32, path: String)
    /// Standard error (foreground and debug runs).
    case standardError

    public var description: String {
        switch self {
        case .syslog: return "syslog"
        case .file(_, let path): return "file \(path)"
        case .standardError: return "stderr"
        }
    }
}

/// swift-log to one sink. The level is the daemon's shared one (so the status socket can change
/// it while the daemon runs), and every error is remembered as the daemon's last error.
public struct DaemonLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    let sink: LogSink
    let diagnostics: DaemonDiagnostics

    public init(sink: LogSink, diagnostics: DaemonDiagnostics) {
        self.sink = sink
        self.diagnostics = diagnostics
        if case .syslog = sink { openlog("famfs", LOG_PID | LOG_NDELAY, LOG_DAEMON) }
    }

    public var logLevel: Logger.Level {
        get { diagnostics.logLevel }
        set { diagnostics.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let text = "\(event.message)" + metadataSuffix(all)
        if event.level >= .error { diagnostics.recordError(text) }
        switch sink {
        case .syslog:
            text.withCString { cs in withVaList([cs]) { vsyslog(priority(event.level), "%s", $0) } }
        case .file(let fd, _):
            writeLine(fd, "\(timestamp()) famfs_fused[\(getpid())] \(event.level): \(text)\n")
        case .standardError:
            writeLine(2, "famfs_fused[\(getpid())] \(event.level): \(text)\n")
        }
    }

    private func priority(_ level: Logger.Level) -> Int32 {
        switch level {
        case .trace, .debug: return LOG_DEBUG
        case .info: return LOG_INFO
        case .notice: return LOG_NOTICE
        case .warning: return LOG_WARNING
        case .error: return LOG_ERR
        case .critical: return LOG_CRIT
        }
    }
}

/// One write(2) per line, so lines of several daemons appending to one file do not interleave.
private func writeLine(_ fd: Int32, _ line: String) {
    var bytes = Array(line.utf8)
    _ = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
}

/// Local time as `2026-12-03 17:04:05`.
func timestamp() -> String {
    var t = time(nil)
    var tmv = tm()
    localtime_r(&t, &tmv)
    var buf = [CChar](repeating: 0, count: 32)
    let n = strftime(&buf, 32, "%Y-%m-%d %H:%M:%S", &tmv)
    return String(decoding: buf.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// " key=value …" in key order, or "" without metadata.
private func metadataSuffix(_ m: Logger.Metadata) -> String {
    m.isEmpty ? "" : " " + m.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
}
