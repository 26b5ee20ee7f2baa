#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// The one place a C system call's `-1` and `errno` become a typed `Errno` (swift-system's),
/// for the calls swift-system's `FileDescriptor` does not cover (ioctl, mmap, mount, fstat …).
/// The targets above wrap it with their own error (Core: `CoreError.system` naming the path).
public enum SystemCall {
    /// Calls `body` until it returns something other than -1 with EINTR; any other -1 throws
    /// its errno.
    @inline(__always)
    public static func retrying<T: BinaryInteger>(_ body: () -> T) throws(Errno) -> T {
        while true {
            let r = body()
            if r != -1 { return r }
            let e = Errno(rawValue: errno)
            if e != .interrupted { throw e }
        }
    }

    /// Calls `body` once: -1 throws its errno (EINTR too, for callers that handle it).
    @inline(__always)
    public static func once<T: BinaryInteger>(_ body: () -> T) throws(Errno) -> T {
        let r = body()
        if r == -1 { throw Errno(rawValue: errno) }
        return r
    }

    /// The errno of the call that just failed.
    public static var lastError: Errno { Errno(rawValue: errno) }
}
