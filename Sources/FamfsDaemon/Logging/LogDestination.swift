#if canImport(Glibc)
import Glibc
#endif
import FamfsCore
import Logging

/// Chooses where the daemon logs: a file if asked, standard error in the foreground, syslog when
/// the host has a syslog socket, and otherwise `RuntimeDirectory.logFile` (`/run/famfs/famfs.log`)
/// — a host without syslog must not lose the messages without a word.
public enum LogDestination {
    /// Opens the sink. `file` is `--log-file`; `foreground` is `--debug`/`-f`.
    public static func open(file: String?, foreground: Bool) -> (sink: LogSink, problem: String?) {
        if let file {
            let fd = Glibc.open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
            if fd >= 0 { return (.file(fd: fd, path: file), nil) }
            let e = errno
            return (fallback(), "cannot open log file \(file): \(String(cString: strerror(e)))")
        }
        if foreground { return (.standardError, nil) }
        if syslogAvailable() { return (.syslog, nil) }
        return (fallback(), nil)
    }

    /// The runtime directory's log file, or standard error if even that cannot be opened.
    static func fallback() -> LogSink {
        let path = RuntimeDirectory.logFile
        if let slash = path.lastIndex(of: "/") { try? RuntimeDirectory.makeDirectories(String(path[..<slash])) }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        return fd >= 0 ? .file(fd: fd, path: path) : .standardError
    }

    /// Whether something listens on /dev/log (syslog(3) drops messages silently otherwise).
    public static func syslogAvailable(path: String = "/dev/log") -> Bool {
        for type in [Int32(SOCK_DGRAM.rawValue), Int32(SOCK_STREAM.rawValue)] {
            let s = socket(AF_UNIX, type | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard s >= 0 else { continue }
            defer { close(s) }
            if UnixSocketAddress.connect(s, path: path) { return true }
        }
        return false
    }

    /// Installs the daemon's handler for every logger of the process and returns the daemon's logger.
    public static func bootstrap(_ sink: LogSink, diagnostics: DaemonDiagnostics) -> Logger {
        diagnostics.logDestination = sink.description
        LoggingSystem.bootstrap { _ in DaemonLogHandler(sink: sink, diagnostics: diagnostics) }
        return Logger(label: "famfs")
    }
}
