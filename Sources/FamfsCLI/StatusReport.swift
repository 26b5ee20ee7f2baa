#if canImport(Glibc)
import Glibc
#endif
import FamfsCore
import FamfsDaemon

/// `famfs status`: every famfs mount on this host, from its daemon's status socket, or — for a
/// daemon that is gone — from the record it left and from the device itself.
enum StatusReport {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The mounts to report: all famfs mounts, or the one at `mountPoint`.
    static func collect(mountPoint: String?) throws(Failure) -> [MountStatus] {
        var mounts = MountTable.mounts().filter { $0.type == "fuse.famfs" }
        if let mountPoint {
            let mpt = realPath(mountPoint) ?? mountPoint
            mounts = mounts.filter { $0.mountPoint == mpt }
            guard !mounts.isEmpty else { throw Failure(description: "\(mountPoint) is not a famfs mount point") }
        }
        return mounts.map { status(of: $0) }
    }

    static func status(of m: MountTable.Mount) -> MountStatus {
        let dir = RuntimeDirectory.directory(forMountPoint: m.mountPoint)
        let socket = RuntimeDirectory.socket(inDirectory: dir)
        var socketProblem = "no status socket"
        do {
            let reply = try StatusSocketClient.request(socket, path: "/status", timeoutSeconds: 3)
            if reply.status == 200, let v = try? JSONValue.parse(reply.body), let s = MountStatus(json: v) { return s }
            socketProblem = "status socket answered \(reply.status)"
        } catch {
            socketProblem = "\(error)"
        }
        // No answer: what the daemon recorded when it started (root only), then the device.
        let root = geteuid() == 0
        var s = recorded(dir) ?? MountStatus(mountPoint: m.mountPoint, device: m.source, alive: false)
        s.mountPoint = m.mountPoint
        s.socket = socket
        s.uptimeSeconds = nil
        s.lastErrorAt = nil
        if let pid = s.pid, pid > 0, pid <= Int64(Int32.max) {
            s.alive = MountLiveness.isDaemon(Int32(pid))
        } else {
            // Unknown pid: statfs reaches the daemon, and the kernel answers ENOTCONN once it is gone.
            var st = statvfs()
            s.alive = !(statvfs(m.mountPoint, &st) != 0 && errno == ENOTCONN)
        }
        if !s.alive && root { try? s.readDevice(identity: nil) }
        if !root { s = s.redacted }
        s.lastError = s.alive
            ? "the daemon does not answer on its status socket (\(socketProblem))"
            : "the daemon is not running\(s.pid.map { " (pid \($0) is gone)" } ?? ""); 'famfs mount' or 'famfs umount' cleans up"
        return s
    }

    static func recorded(_ dir: String) -> MountStatus? {
        guard let text = RuntimeDirectory.readRecord(inDirectory: dir), let v = try? JSONValue.parse(text) else { return nil }
        return MountStatus(json: v)
    }

    // MARK: output

    /// `--json`: the one mount asked for as an object, or `{"mounts": [...]}`.
    static func json(_ statuses: [MountStatus], single: Bool) -> JSONValue {
        if single, statuses.count == 1 { return statuses[0].json }
        return .object([("mounts", .array(statuses.map(\.json)))])
    }

    static func text(_ statuses: [MountStatus]) -> String {
        if statuses.isEmpty { return "no famfs mounts\n" }
        return statuses.map(text).joined(separator: "\n")
    }

    static func text(_ s: MountStatus) -> String {
        var out = "\(s.mountPoint): \(s.role ?? "famfs") mount of \(s.device)\n"
        func row(_ label: String, _ value: String) { out += "  " + label.padding(12) + value + "\n" }
        let daemon = s.alive ? "running" : "NOT RUNNING"
        row("daemon", "\(daemon)\(s.pid.map { ", pid \($0)" } ?? "")\(s.uptimeSeconds.map { ", up \(duration($0))" } ?? "")")
        if let h = s.hostUUID { row("host", h) }
        if let used = s.logEntriesUsed, let total = s.logEntriesTotal {
            var line = "\(used) of \(total) entries used"
            if let done = s.replayedEntries {
                line += "; replayed \(done)" + (s.entriesBehind.map { $0 == 0 ? " (up to date)" : " (\($0) behind)" } ?? "")
            }
            row("log", line)
        }
        if let f = s.files, let d = s.directories { row("contents", "\(f) files, \(d) directories") }
        if let free = s.freeBytes, let cap = s.capacityBytes { row("space", "\(bytes(free)) free of \(bytes(cap))") }
        if let r = s.refreshIntervalSeconds { row("refresh", r == 0 ? "on lookups only" : "every \(seconds(r))") }
        if let ro = s.readOnly { row("access", ro ? "read-only" : "read-write") }
        if let d = s.logDestination { row("logging", d + (s.logLevel.map { " (level \($0))" } ?? "")) }
        if let sock = s.socket { row("socket", sock) }
        row("last error", s.lastError ?? "none")
        return out
    }

    static func duration(_ secs: Int64) -> String {
        let (d, h, m, s) = (secs / 86400, secs % 86400 / 3600, secs % 3600 / 60, secs % 60)
        if d > 0 { return "\(d)d\(h)h" }
        if h > 0 { return "\(h)h\(m)m" }
        if m > 0 { return "\(m)m\(s)s" }
        return "\(s)s"
    }

    static func seconds(_ v: Double) -> String {
        v.rounded() == v ? "\(Int64(v)) s" : "\(v) s"
    }

    static func bytes(_ n: UInt64) -> String { binaryUnits(n) }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
