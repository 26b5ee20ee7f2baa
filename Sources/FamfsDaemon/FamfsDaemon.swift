#if canImport(Glibc)
import Glibc
#endif
import FamfsCore
import FuseProtocol
import Logging

/// Runs one famfs mount: opens the device, mounts, serves until unmounted or signalled.
public enum FamfsDaemon {
    public enum Failure: Error, CustomStringConvertible {
        case core(CoreError)
        case mount(MountError)
        public var description: String {
            switch self {
            case .core(let e): return "\(e)"
            case .mount(let e): return "mount failed: \(e)"
            }
        }
    }

    /// Mounts `device` on `mountPoint`; calls `ready` once the mount answers (or with the error),
    /// then serves until the file system is unmounted.
    public static func run(device: String, mountPoint: String, options: DaemonOptions, logger: Logger,
                           diagnostics: DaemonDiagnostics = DaemonDiagnostics(), ready: (Failure?) -> Void) {
        let identity = try? HostIdentity.load()
        let volume: FamfsVolume
        do {
            // Master mounts map the device read-write (data writes); clients only if asked. The
            // probe reads only the superblock: the log is replayed once, by the volume served.
            let probe = try FamfsVolume(path: device, writable: false, identity: identity, replaying: false)
            let writable = probe.role == .master || options.clientWritable
            volume = try FamfsVolume(path: device, writable: writable, identity: identity)
        } catch {
            ready(.core(error))
            return
        }
        let fs = FamfsFileSystem(volume: volume, options: options, logger: logger, diagnostics: diagnostics)
        // A mount whose daemon died (kill -9) answers ENOTCONN until it is unmounted; a daemon
        // started again for it (famfs mount, systemd's Restart=) takes its place.
        let target = realPath(mountPoint) ?? mountPoint
        if case .dead(let why) = MountLiveness.state(of: target) {
            logger.notice("cleaning up a dead famfs mount", metadata: ["mountpoint": "\(target)", "reason": "\(why)"])
            try? MountLiveness.cleanUp(target)
        }
        var mo = MountOptions()
        mo.fsName = volume.device.path
        mo.subtype = "famfs"
        mo.allowOther = options.allowOther
        mo.defaultPermissions = options.defaultPermissions
        mo.readOnly = options.readOnlyMount
        mo.workerCount = options.workers
        mo.logger = logger
        let session: FuseSession
        do {
            session = try FuseSession.mount(fs, at: mountPoint, options: mo)
        } catch {
            ready(.mount(error))
            return
        }
        fs.attach(session.notifier)
        session.installSignalHandlers()
        session.start()
        let follower = LogFollower(fs: fs, interval: options.refreshInterval)
        follower.start()
        let control = volume.role == .master && volume.device.writable ? ControlChannel(fs: fs) : nil
        control?.start()
        fs.controlName.withLock { $0 = control?.name }
        let runtime = RuntimeFiles.prepare(mountPoint: session.mountpoint, shadow: options.shadowDirectory, logger: logger)
        let source = StatusSource(fs: fs, mountPoint: session.mountpoint, diagnostics: diagnostics, socketPath: runtime?.socketPath)
        let status = runtime.flatMap { StatusSocket(path: $0.socketPath, source: source, logger: logger) }
        status?.start()
        fs.shadowDirectory.withLock { $0 = status == nil ? nil : runtime?.directory }
        runtime?.writeRecord(source.record, logger: logger)
        logger.notice("famfs mounted", metadata: ["device": "\(volume.device.path)", "mountpoint": "\(session.mountpoint)",
                                                  "role": "\(volume.role.rawValue)", "entries": "\(volume.report.entries)",
                                                  "socket": "\(status?.path ?? "none")", "log": "\(diagnostics.logDestination)"])
        if volume.report.errorCount > 0 {
            logger.error("the log has entries that were skipped", metadata: ["problems": "\(volume.report.errorCount)",
                                                                            "first": "\(volume.report.problems.first ?? "")"])
        }
        logger.debug("daemon options", metadata: ["refresh_interval": "\(options.refreshInterval)", "cache_timeout": "\(options.cacheTimeout)",
                                                  "workers": "\(options.workers)", "read_only": "\(fs.readOnly)",
                                                  "allow_other": "\(options.allowOther)", "default_permissions": "\(options.defaultPermissions)"])
        ready(nil)
        SystemdNotify.send("READY=1\nSTATUS=serving \(volume.device.path) on \(session.mountpoint)\nMAINPID=\(getpid())")
        session.wait()
        SystemdNotify.send("STOPPING=1")
        follower.stop()
        control?.stop()
        status?.stop()
        runtime?.remove()
        logger.notice("famfs unmounted", metadata: ["mountpoint": "\(session.mountpoint)"])
    }
}
