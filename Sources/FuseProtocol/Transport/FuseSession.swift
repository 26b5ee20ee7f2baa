import Dispatch
import Glibc
import Logging
import Synchronization
import SystemPackage

/// A mounted FUSE file system and the threads serving it.
///
///     let session = try FuseSession.mount(myFS, at: "/mnt/x", options: opts)
///     session.installSignalHandlers()   // SIGINT/SIGTERM → stop()
///     session.run()                     // blocks until unmounted
public final class FuseSession: Sendable {
    public let mountpoint: String
    public let handler: ProtocolHandler
    /// Cache invalidation for the file system; valid for the session's lifetime.
    public let notifier: Notifier
    private let channel: FuseChannel
    private let options: MountOptions
    private let pool: WorkerPool
    private let deviceID: String?
    private let phase = Mutex<Phase>(.mounted)
    private let signalSources = Mutex(SignalSources())

    private enum Phase { case mounted, started, unmounted }

    private init(mountpoint: String, fd: Int32, fileSystem: any FuseFileSystem, options: MountOptions) {
        self.mountpoint = mountpoint
        self.options = options
        self.channel = FuseChannel(adopting: fd)
        self.handler = ProtocolHandler(
            fileSystem: fileSystem, maxWrite: options.maxWrite, logger: options.logger)
        self.notifier = Notifier(channel: channel)
        self.pool = WorkerPool(
            handler: handler, session: channel, bufferSize: options.requestBufferSize,
            logger: options.logger)
        self.deviceID = Mounter.deviceID(of: mountpoint)
    }

    /// Mounts `fileSystem` on `mountpoint` (mount(2) as root, fusermount3 otherwise). Nothing
    /// is served until `start()` or `run()`; file-system calls on the mount block until then.
    public static func mount(
        _ fileSystem: any FuseFileSystem, at mountpoint: String, options: MountOptions = MountOptions()
    ) throws(MountError) -> FuseSession {
        let target = Sys.realPath(mountpoint)
        let fd = try Mounter.mount(at: target, options: options)
        options.logger.info("mounted", metadata: ["mountpoint": "\(target)", "type": "\(options.fsType)"])
        return FuseSession(mountpoint: target, fd: fd, fileSystem: fileSystem, options: options)
    }

    /// Starts the worker threads and returns.
    public func start() {
        let shouldStart = phase.withLock { phase -> Bool in
            guard phase == .mounted else { return false }
            phase = .started
            return true
        }
        if shouldStart { pool.start(count: options.workerCount) }
    }

    /// Blocks until every worker has ended (the file system was unmounted or `stop()` was
    /// called), then tells the file system `destroy()`.
    public func wait() {
        pool.wait()
        handler.destroyOnce()
    }

    /// `start()` then `wait()`.
    public func run() {
        start()
        wait()
    }

    /// Unmounts (lazily), which ends the workers once the kernel lets go of the connection.
    /// Safe to call more than once and from any thread, including a signal handler source.
    /// If files stay open past `abortAfter` seconds, aborts the connection through fusectl
    /// when it is mounted.
    public func stop(abortAfter seconds: Double = 5) {
        let wasMounted = phase.withLock { phase -> Bool in
            let was = phase != .unmounted
            phase = .unmounted
            return was
        }
        guard wasMounted else { return }
        do {
            try Mounter.unmount(mountpoint)
        } catch {
            options.logger.warning("unmount failed", metadata: ["error": "\(error)"])
        }
        if !pool.wait(seconds: seconds), let deviceID {
            _ = Mounter.abortConnection(deviceID: deviceID)
        }
    }

    /// Calls `stop()` on SIGINT and SIGTERM (their default action is disabled).
    public func installSignalHandlers() {
        let queue = DispatchQueue(label: "FuseSession.signals")
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [weak self] in
                self?.options.logger.info("signal \(sig): unmounting")
                self?.stop()
            }
            source.resume()
            sources.append(source)
        }
        signalSources.withLock { $0.list += sources }
    }
}

/// Keeps the signal sources alive; only touched under the session's mutex.
private struct SignalSources: @unchecked Sendable {
    var list: [DispatchSourceSignal] = []
}
