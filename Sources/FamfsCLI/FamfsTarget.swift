import FamfsCore
import Foundation

/// Finds the famfs a command-line path belongs to: either a device (devdax, pmem, or a regular
/// file emulating one) or a path inside a mounted famfs, found by walking up to its mount point.
struct FamfsTarget {
    var device: String
    var mountPoint: String?
    /// Path relative to the mount point (for paths inside a mount).
    var relativePath: String?

    enum Purpose { case fsck, anyPath }

    static func resolve(_ path: String, purpose: Purpose) throws -> FamfsTarget {
        guard let real = realPath(path) else { throw CoreError.notFound(path: path) }
        let mounts = MountTable.mounts().filter { $0.type == "fuse.famfs" }
        // The longest mount point that contains `real`.
        if let m = mounts.filter({ real == $0.mountPoint || real.hasPrefix($0.mountPoint == "/" ? "/" : $0.mountPoint + "/") })
            .max(by: { $0.mountPoint.count < $1.mountPoint.count }) {
            let rel = real == m.mountPoint ? "" : String(real.dropFirst(m.mountPoint.count + 1))
            return FamfsTarget(device: m.source, mountPoint: m.mountPoint, relativePath: rel)
        }
        if let mpt = MountTable.mountPoint(ofDevice: real), purpose == .fsck {
            throw CoreError.invalidArgument("cannot fsck by device (\(path)) when mounted; use a path in \(mpt)")
        }
        return FamfsTarget(device: real, mountPoint: nil, relativePath: nil)
    }
}
