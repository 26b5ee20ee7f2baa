import FamfsFormat
import SystemPackage

/// What went wrong in Core, naming the device, path or index at fault. `description` is the
/// one-line message the programs print.
public enum CoreError: Error, Sendable, CustomStringConvertible {
    case system(operation: String, path: String, errno: Errno)
    case deviceTooSmall(path: String, size: UInt64, needed: UInt64, reason: String)
    case unsupportedDevice(path: String, reason: String)
    case notFamfs(device: String, FormatError)
    case badLog(device: String, FormatError)
    case notMaster(device: String)
    case logFull(device: String, slots: UInt64)
    case noSpace(device: String, path: String, bytes: UInt64)
    case exists(path: String)
    case notFound(path: String)
    case notDirectory(path: String)
    case isDirectory(path: String)
    case invalidPath(FormatError)
    case invalidArgument(String)
    case hostIdentity(path: String, reason: String)

    public var description: String {
        switch self {
        case let .system(op, path, errno): return "\(op) \(path): \(errno)"
        case let .deviceTooSmall(path, size, needed, reason): return "\(path): \(size) bytes is too small (\(reason), needs \(needed))"
        case let .unsupportedDevice(path, reason): return "\(path): \(reason)"
        case let .notFamfs(dev, e): return "\(dev): no valid famfs superblock: \(e)"
        case let .badLog(dev, e): return "\(dev): invalid famfs log: \(e)"
        case let .notMaster(dev): return "\(dev): this host is not the master of this famfs (only the host that ran mkfs may change it)"
        case let .logFull(dev, slots): return "\(dev): the famfs log is full (all \(slots) entries used)"
        case let .noSpace(dev, path, bytes): return "\(dev): out of space: cannot allocate \(bytes) bytes for \(path)"
        case let .exists(path): return "\(path): already exists"
        case let .notFound(path): return "\(path): no such file or directory"
        case let .notDirectory(path): return "\(path): not a directory"
        case let .isDirectory(path): return "\(path): is a directory"
        case let .invalidPath(e): return "invalid path: \(e)"
        case let .invalidArgument(s): return s
        case let .hostIdentity(path, reason): return "system uuid file \(path): \(reason)"
        }
    }

    /// The errno a POSIX caller (the FUSE daemon) should see for this error.
    public var errno: Errno {
        switch self {
        case .system(_, _, let e): return e
        case .deviceTooSmall, .unsupportedDevice, .notFamfs, .badLog: return .ioError
        case .notMaster: return .readOnlyFileSystem
        case .logFull, .noSpace: return .noSpace
        case .exists: return .fileExists
        case .notFound: return .noSuchFileOrDirectory
        case .notDirectory: return .notDirectory
        case .isDirectory: return .isDirectory
        case .invalidPath: return .invalidArgument
        case .invalidArgument: return .invalidArgument
        case .hostIdentity: return .permissionDenied
        }
    }
}
