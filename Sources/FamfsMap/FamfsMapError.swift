#if canImport(Glibc)
import Glibc
#endif

/// Why a famfs file could not be mapped. Each case names the file (and the device where that
/// matters) and reads as one line; `errnoValue` is what the C entry points return (negated).
public enum FamfsMapError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path is not a file of a famfs mount (not on FUSE, no `user.famfs.fmap`, not a
    /// regular file). C: -ENOTTY (the reference's answer to famfs ioctls on other files).
    case notFamfs(path: String, reason: String)
    /// The path could not be inspected (stat, statfs, getxattr failed for another reason).
    /// C: -errno.
    case system(path: String, operation: String, errno: Int32)
    /// Opening the device (or opening the file with the requested access) failed: permission,
    /// read-only mount, missing device. C: -errno of the open.
    case noAccess(path: String, target: String, errno: Int32)
    /// The file's size or map changed while it was being mapped, or its size disagrees with its
    /// map. C: -ESTALE.
    case fileChanged(path: String, reason: String)
    /// The map is unusable: an extent outside the device, unaligned, a device index other than 0,
    /// a map too small for the file, an unparseable `user.famfs.fmap`. C: -EINVAL.
    case badMap(path: String, reason: String)
    /// mmap(2) refused the reservation or an extent. C: -errno of mmap.
    case mmapFailed(path: String, errno: Int32)

    public var description: String {
        switch self {
        case let .notFamfs(path, reason): return "\(path): not a famfs file (\(reason))"
        case let .system(path, op, e): return "\(path): \(op) failed: \(Self.message(e))"
        case let .noAccess(path, target, e):
            return target == path ? "\(path): no access: \(Self.message(e))"
                : "\(path): no access to \(target): \(Self.message(e))"
        case let .fileChanged(path, reason): return "\(path): file changed (\(reason))"
        case let .badMap(path, reason): return "\(path): bad famfs map: \(reason)"
        case let .mmapFailed(path, e): return "\(path): mmap failed: \(Self.message(e))"
        }
    }

    /// Positive errno for C callers.
    public var errnoValue: Int32 {
        switch self {
        case .notFamfs: return ENOTTY
        case let .system(_, _, e): return e
        case let .noAccess(_, _, e): return e
        case .fileChanged: return ESTALE
        case .badMap: return EINVAL
        case let .mmapFailed(_, e): return e
        }
    }

    static func message(_ e: Int32) -> String {
        guard let s = strerror(e) else { return "errno \(e)" }
        return String(cString: s)
    }
}
