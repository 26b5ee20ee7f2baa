#if canImport(Glibc)
import Glibc
#endif
import FamfsCore

/// The one place a running daemon describes its mount: the status socket's `/status`, and the
/// record it leaves in its runtime directory for `famfs status` to read should it die.
final class StatusSource: Sendable {
    let fs: FamfsFileSystem
    let mountPoint: String
    let diagnostics: DaemonDiagnostics
    let socketPath: String?

    init(fs: FamfsFileSystem, mountPoint: String, diagnostics: DaemonDiagnostics, socketPath: String?) {
        self.fs = fs
        self.mountPoint = mountPoint
        self.diagnostics = diagnostics
        self.socketPath = socketPath
    }

    /// What does not change while the daemon runs (the record file).
    var record: MountStatus {
        let v = fs.volume
        var s = MountStatus(mountPoint: mountPoint, device: v.device.path, alive: true)
        s.role = v.role.rawValue
        s.hostUUID = v.identity?.uuid.description
        s.fsUUID = v.superblock.fsUUID.description
        s.pid = Int64(getpid())
        s.startedAt = diagnostics.startedAt
        s.refreshIntervalSeconds = fs.options.refreshInterval
        s.cacheTimeoutSeconds = fs.options.cacheTimeout
        s.readOnly = fs.readOnly
        s.logDestination = diagnostics.logDestination
        s.socket = socketPath
        return s
    }

    /// The status now. The log head is read from the device (not replayed), so a mount that has
    /// fallen behind shows by how much.
    func current(privileged: Bool) -> MountStatus {
        var s = record
        let v = fs.volume
        let snap = v.snapshot
        s.uptimeSeconds = Int64(diagnostics.uptimeSeconds)
        s.logEntriesUsed = (try? v.readHeader())?.nextIndex
        s.logEntriesTotal = (try? v.readHeader())?.slots
        s.replayedEntries = snap.nextIndex
        s.files = snap.report.filesCreated
        s.directories = snap.report.directoriesCreated
        let usage = v.usage
        s.capacityBytes = usage.capacity
        s.usedBytes = usage.used
        s.freeBytes = usage.free
        s.logLevel = diagnostics.logLevel.rawValue
        s.nodes = UInt64(snap.namespace.nodes.count)
        s.lookups = diagnostics.lookups.load(ordering: .relaxed)
        s.lookupMisses = diagnostics.lookupMisses.load(ordering: .relaxed)
        if let e = diagnostics.lastError {
            s.lastError = e.message
            s.lastErrorAt = e.at
        }
        return privileged ? s : s.redacted
    }
}
