#if canImport(Glibc)
import Glibc
#endif
import Logging

/// swift-log to syslog(3) (the journal on systemd hosts), ident "famfs" as the reference's.
struct SyslogLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    let label: String

    init(label: String) {
        self.label = label
        openlog("famfs", LOG_PID | LOG_NDELAY, LOG_DAEMON)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let (level, message) = (event.level, event.message)
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let text = "\(message)" + metadataSuffix(all)
        let priority: Int32
        switch level {
        case .trace, .debug: priority = LOG_DEBUG
        case .info: priority = LOG_INFO
        case .notice: priority = LOG_NOTICE
        case .warning: priority = LOG_WARNING
        case .error: priority = LOG_ERR
        case .critical: priority = LOG_CRIT
        }
        withVaList([text]) { vsyslog(priority, "%s", $0) }
    }
}

/// swift-log to a file (appending), for `famfs mount --log-file`.
struct FileLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    let fd: Int32

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let (level, message) = (event.level, event.message)
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        var t = time(nil)
        var tmv = tm()
        localtime_r(&t, &tmv)
        var buf = [CChar](repeating: 0, count: 32)
        strftime(&buf, 32, "%Y-%m-%d %H:%M:%S", &tmv)
        let stamp = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let text = "\(stamp) [\(getpid())] \(level): \(message)" + metadataSuffix(all) + "\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }
}

/// " key=value …" in key order, or "" without metadata.
private func metadataSuffix(_ m: Logger.Metadata) -> String {
    m.isEmpty ? "" : " " + m.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
}
