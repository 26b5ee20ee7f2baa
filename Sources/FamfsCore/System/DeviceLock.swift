#if canImport(Glibc)
import Glibc
#endif

/// The exclusive `flock` that serialises every writer of one device on the master (docs/ARCHITECTURE.md, "Metadata safety").
/// Held from `acquire` until `deinit`.
public struct DeviceLock: ~Copyable {
    private let fd: Int32

    /// Blocks until this process holds the lock on the open device `fd`.
    public init(fd: Int32, path: String) throws(CoreError) {
        _ = try syscall("lock", path) { flock(fd, LOCK_EX) }
        self.fd = fd
    }

    deinit { _ = flock(fd, LOCK_UN) }
}
