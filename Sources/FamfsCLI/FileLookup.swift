import FamfsCore
import FamfsFormat

/// What a path relative to a mount point names, for the commands that work on whole files
/// (flush, getmap, chkread, verify): a logged file, one of the `.meta` files that every mount
/// shows (`ls` lists them, so `famfs flush $(find $MPT -type f)` must accept them), a
/// directory, or nothing.
enum FileLookup {
    case file(FileMeta)
    case directory
    case missing

    init(_ relative: String, in volume: FamfsVolume) {
        if let meta = MetaFiles.file(at: relative, logLength: volume.superblock.logLength) {
            self = .file(meta)
        } else if relative == MetaFiles.directory {
            self = .directory
        } else if let node = volume.lookup(relative) {
            self = node.file.map { .file($0) } ?? .directory
        } else {
            self = .missing
        }
    }
}
