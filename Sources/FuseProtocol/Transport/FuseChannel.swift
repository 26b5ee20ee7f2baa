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
    /// interrupted or aborted) is not an error. A reply that cannot go out (the kernel refuses
    /// it) is replaced by an EIO reply: a request never answered leaves its caller in D state
    /// until the daemon dies.
    func send(_ reply: Reply) throws(Errno) {
        let failure: Errno?
        switch reply.payload {
        case .bytes(let payload):
            failure = (reply.headerBytes + payload).withUnsafeBytes { Sys.write(fd, $0) }
        case .regions(let regions):
            if let parts = Reply.gathered(regions, limit: Reply.maxWriteParts - 1) {
                failure = reply.headerBytes.withUnsafeBytes { Sys.writev(fd, [$0] + parts) }
            } else {
                // More pieces than one writev takes (a map of tiny interleave chunks): one copy.
                failure = reply.flattened().withUnsafeBytes { Sys.write(fd, $0) }
            }
        }
        guard let failure, failure != .noSuchFileOrDirectory else { return }
        if reply.error == 0 {
            let fallback = Reply(unique: reply.unique, error: -Errno.ioError.rawValue)
            _ = fallback.headerBytes.withUnsafeBytes { Sys.write(fd, $0) }
        }
        throw failure
    }
}
