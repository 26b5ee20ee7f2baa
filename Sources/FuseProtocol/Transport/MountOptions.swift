import Logging

/// How to mount and serve a FUSE file system.
public struct MountOptions: Sendable {
    /// The mount's source (`fsname`), shown in /proc/mounts.
    public var fsName: String = "fuse"
    /// The mount type becomes `fuse.<subtype>`.
    public var subtype: String? = nil
    public var allowOther = false
    public var defaultPermissions = false
    public var readOnly = false
    /// `max_read` mount option; nil = kernel default.
    public var maxRead: UInt32? = nil
    /// `max_write` this server proposes (buffers are sized from it). Default 1 MiB.
    public var maxWrite: UInt32 = 1 << 20
    /// Worker threads reading /dev/fuse, each on its own cloned descriptor.
    public var workerCount = 4
    public var logger = Logger(label: "FuseProtocol")

    public init() {}

    /// Size of each worker's request buffer: max_write plus room for headers, and never less
    /// than FUSE_MIN_READ_BUFFER nor than a largest xattr value (64 KiB) plus headers.
    var requestBufferSize: Int { max(Int(maxWrite), 1 << 16) + 4096 }

    /// The `data` string for mount(2).
    func kernelOptions(fd: Int32, uid: UInt32, gid: UInt32) -> String {
        var parts = ["fd=\(fd)", "rootmode=40000", "user_id=\(uid)", "group_id=\(gid)"]
        parts += commonOptions
        return parts.joined(separator: ",")
    }

    /// The `-o` string for fusermount3.
    var fusermountOptions: String {
        var parts = ["fsname=\(fsName)"]
        if let subtype { parts.append("subtype=\(subtype)") }
        parts.append(readOnly ? "ro" : "rw")
        parts += ["nosuid", "nodev"]
        parts += commonOptions
        return parts.joined(separator: ",")
    }

    private var commonOptions: [String] {
        var parts: [String] = []
        if allowOther { parts.append("allow_other") }
        if defaultPermissions { parts.append("default_permissions") }
        if let maxRead { parts.append("max_read=\(maxRead)") }
        return parts
    }

    /// The mount(2) file system type.
    var fsType: String { subtype.map { "fuse.\($0)" } ?? "fuse" }
}

/// Why mounting or unmounting failed, naming what could not be reached.
public enum MountError: Error, Sendable, Equatable {
    /// `/dev/fuse` could not be opened (is the fuse module loaded?).
    case openDevice(errno: Int32)
    case mount(target: String, errno: Int32)
    case unmount(target: String, errno: Int32)
    /// fusermount3 could not be run or did not hand over a descriptor.
    case fusermount(target: String, reason: String)
}
