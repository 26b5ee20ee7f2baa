import FamfsCore

/// What fsck and logplay are given: a path in a mounted famfs (found by `FamfsPath`), or a
/// device (devdax, pmem, or a regular file emulating one).
struct FamfsTarget {
    var device: String
    var mountPoint: String?

    enum Purpose { case fsck, anyPath }

    static func resolve(_ path: String, purpose: Purpose) throws -> FamfsTarget {
        guard let real = realPath(path) else { throw CoreError.notFound(path: path) }
        if let inMount = try? FamfsPath.resolve(real) {
            return FamfsTarget(device: inMount.device, mountPoint: inMount.mountPoint)
        }
        if purpose == .fsck, let mpt = MountTable.mountPoint(ofDevice: real) {
            throw PathError(path, "cannot fsck by device when mounted; use a path in \(mpt)")
        }
        return FamfsTarget(device: real, mountPoint: nil)
    }
}
