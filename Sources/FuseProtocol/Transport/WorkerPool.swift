import Glibc
import Logging
import SystemPackage
import SystemSupport

/// Threads that each block in read(2) on their own /dev/fuse descriptor, hand each request
/// to the `ProtocolHandler`, and write the reply. A worker ends when the connection is gone
/// (ENODEV after unmount or abort).
final class WorkerPool: Sendable {
    private let handler: ProtocolHandler
    private let session: FuseChannel
    private let bufferSize: Int
    private let logger: Logger
    private let running = RunningCount()

    init(handler: ProtocolHandler, session: FuseChannel, bufferSize: Int, logger: Logger) {
        self.handler = handler
        self.session = session
        self.bufferSize = bufferSize
        self.logger = logger
    }

    /// Starts `count` workers: the first reads the session descriptor, the others clones
    /// (or the session descriptor too, if cloning fails).
    func start(count: Int) {
        for index in 0..<max(1, count) {
            var channel = session
            if index > 0 {
                do {
                    channel = try session.cloned()
                } catch {
                    logger.warning("FUSE_DEV_IOC_CLONE failed; sharing the session fd", metadata: ["errno": "\(error)"])
                }
            }
            running.enter()
            let started = BackgroundThread.detach(stackSize: 1 << 20) { [self, channel] in
                serve(channel, index: index)
                running.leave()
            }
            if !started {
                running.leave()
                logger.error("cannot start a FUSE worker thread", metadata: ["worker": "\(index)"])
            }
        }
    }

    /// Blocks until every worker has ended.
    func wait() { _ = running.waitForZero(seconds: nil) }

    /// Waits at most `seconds`; true when all workers ended.
    func wait(seconds: Double) -> Bool { running.waitForZero(seconds: seconds) }

    private func serve(_ channel: FuseChannel, index: Int) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 4096)
        defer { buffer.deallocate() }
        while true {
            switch Sys.read(channel.fd, into: buffer) {
            case .failure(let e) where e == .interrupted || e == .noSuchFileOrDirectory
                || e == .resourceTemporarilyUnavailable:
                continue  // interrupted, or a request aborted before we read it
            case .failure(let e) where e == Errno(rawValue: ENODEV):
                return  // unmounted
            case .failure(let e):
                logger.error("reading /dev/fuse failed", metadata: ["worker": "\(index)", "errno": "\(e)"])
                return
            case .success(let count):
                let request = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                guard let reply = handler.handle(request) else { continue }
                do {
                    try channel.send(reply)
                } catch {
                    logger.warning("writing a reply failed", metadata: ["unique": "\(reply.unique)", "errno": "\(error)"])
                }
            }
        }
    }
}
