import Logging
import SystemPackage

/// One open `/dev/fuse` descriptor: the session's own, or a clone for one worker.
/// Closed when the last reference goes away.
public final class FuseChannel: Sendable {
    public let fd: Int32

    init(adopting fd: Int32) { self.fd = fd }

    deinit { Sys.close(fd) }

    /// A clone attached to the same connection (`FUSE_DEV_IOC_CLONE`), so each worker reads
    /// its own descriptor.
    func cloned() throws(Errno) -> FuseChannel {
        FuseChannel(adopting: try Sys.cloneDevice(fd))
    }

    /// Sends one reply. A reply the kernel no longer wants (ENOENT: the request was
    /// interrupted or aborted) is not an error.
    func send(_ reply: Reply) throws(Errno) {
        let failure: Errno?
        switch reply.payload {
        case .bytes(let payload):
            failure = (reply.headerBytes + payload).withUnsafeBytes { Sys.write(fd, $0) }
        case .regions(let regions):
            failure = reply.headerBytes.withUnsafeBytes { Sys.writev(fd, [$0] + regions.filter { $0.count > 0 }) }
        }
        if let failure, failure != .noSuchFileOrDirectory { throw failure }
    }
}
