import FamfsCore
import FamfsFormat

/// `.meta/.superblock` and `.meta/.log`: read-only files over the superblock region and the
/// log, as in the reference (which names the region with a one-extent map at offset 0 / 2 MiB).
enum MetaNode: UInt64, CaseIterable {
    case directory = 2
    case superblock = 3
    case log = 4

    static let directoryName = ".meta"

    var name: String {
        switch self {
        case .directory: return ".meta"
        case .superblock: return ".superblock"
        case .log: return ".log"
        }
    }

    static func file(named name: String) -> MetaNode? {
        switch name {
        case ".superblock": return .superblock
        case ".log": return .log
        default: return nil
        }
    }

    /// The file's map, as the reference's shadow YAML describes it (flags 0, mode 0444).
    func meta(_ sb: Superblock) -> FileMeta? {
        switch self {
        case .directory: return nil
        case .superblock: return MetaFiles.superblock
        case .log: return MetaFiles.log(logLength: sb.logLength)
        }
    }
}
