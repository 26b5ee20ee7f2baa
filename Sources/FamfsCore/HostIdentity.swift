#if canImport(Glibc)
import Glibc
#endif
import FamfsFormat
import SystemPackage

/// This host's system UUID, which decides its role: the host whose UUID the superblock carries is
/// the master (the only writer), every other host is a client.
///
/// The file is `/opt/famfs/system_uuid` as in the reference (36 characters and a NUL, created
/// with a random UUID when missing). `FAMFS_SYSTEM_UUID_FILE` names another file, so that one
/// machine can play several hosts (each mount of one device file with its own identity).
public struct HostIdentity: Sendable {
    public static let defaultPath = "/opt/famfs/system_uuid"
    public static let environmentVariable = "FAMFS_SYSTEM_UUID_FILE"

    public let uuid: FamfsUUID
    public let path: String

    public static var configuredPath: String {
        if let p = getenv(environmentVariable), let s = String(validatingCString: p), !s.isEmpty { return s }
        return defaultPath
    }

    /// Reads the identity file, creating it (and its directory, mode 0755) when missing.
    public static func load(path: String = configuredPath) throws(CoreError) -> HostIdentity {
        if access(path, F_OK) != 0 { try create(path: path) }
        let text: String
        do { text = try readSmallFile(path) } catch { throw .hostIdentity(path: path, reason: "\(error)") }
        let token = String(text.prefix { $0 != "\0" && $0 != "\n" && $0 != " " })
        guard let uuid = FamfsUUID(string: token) else {
            throw .hostIdentity(path: path, reason: "does not hold a UUID")
        }
        return HostIdentity(uuid: uuid, path: path)
    }

    static func create(path: String) throws(CoreError) {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            let dir = String(path[..<slash])
            if access(dir, F_OK) != 0, mkdir(dir, 0o755) != 0, errno != EEXIST {
                throw .hostIdentity(path: path, reason: "cannot create \(dir): \(Errno(rawValue: errno))")
            }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        if fd < 0 {
            if errno == EEXIST { return }  // another process made it first
            throw .hostIdentity(path: path, reason: "cannot create: \(Errno(rawValue: errno))")
        }
        defer { close(fd) }
        let bytes = Array(FamfsUUID.random().description.utf8) + [0]
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard n == bytes.count else { throw .hostIdentity(path: path, reason: "cannot write") }
    }
}

/// A host's relation to a file system.
public enum Role: String, Sendable {
    case master
    case client

    /// The word fsck prints ("role of this node:").
    public var fsckName: String { self == .master ? "Owner" : "Client" }
}
