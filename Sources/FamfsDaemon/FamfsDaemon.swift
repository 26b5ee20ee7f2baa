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
                           ready: (Failure?) -> Void) {
        let identity = try? HostIdentity.load()
        let volume: FamfsVolume
        do {
            // Master mounts map the device read-write (data writes); clients only if asked.
            let probe = try FamfsVolume(path: device, writable: false, identity: identity)
            let writable = probe.role == .master || options.clientWritable
            volume = writable ? try FamfsVolume(path: device, writable: true, identity: identity) : probe
        } catch {
            ready(.core(error))
            return
        }
        let fs = FamfsFileSystem(volume: volume, options: options, logger: logger)
        var mo = MountOptions()
        mo.fsName = volume.device.path
        mo.subtype = "famfs"
        mo.allowOther = options.allowOther
        mo.defaultPermissions = options.defaultPermissions
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
        logger.notice("famfs mounted", metadata: ["device": "\(volume.device.path)", "mountpoint": "\(mountPoint)",
                                                  "role": "\(volume.role.rawValue)", "entries": "\(volume.report.entries)"])
        ready(nil)
        session.wait()
        follower.stop()
        control?.stop()
        logger.notice("famfs unmounted", metadata: ["mountpoint": "\(mountPoint)"])
    }
}
