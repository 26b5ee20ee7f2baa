/// `.meta/.superblock` and `.meta/.log`: the two files every famfs shows over its own superblock
/// region and log, described as the reference's shadow YAML describes them (one extent, flags 0,
/// owned by root). The daemon serves them, the commands accept them like any file, and the
/// shadow tree writes them; their maps are defined here once.
public enum MetaFiles {
    public static let directory = ".meta"
    public static let superblockPath = ".meta/.superblock"
    public static let logPath = ".meta/.log"

    public static let superblock = FileMeta(
        path: superblockPath, size: Media.superblockRegionSize, mode: 0o444, uid: 0, gid: 0,
        fmap: .simple([SimpleExtent(offset: 0, length: Media.superblockRegionSize)]), flags: 0)

    /// The log file; the reference's shadow stub says 0644 on the master and 0444 elsewhere,
    /// while the mounted file is read-only everywhere (only famfs commands append).
    public static func log(logLength: UInt64, mode: UInt32 = 0o444) -> FileMeta {
        FileMeta(path: logPath, size: logLength, mode: mode, uid: 0, gid: 0,
                 fmap: .simple([SimpleExtent(offset: Media.logOffset, length: logLength)]), flags: 0)
    }

    /// The meta file at a path relative to the mount point, or nil.
    public static func file(at relativePath: String, logLength: UInt64) -> FileMeta? {
        switch relativePath {
        case superblockPath: return superblock
        case logPath: return log(logLength: logLength)
        default: return nil
        }
    }
}
