import FamfsCore
import FamfsFormat
import FuseProtocol
import SystemPackage

/// FUSE_GET_FMAP (54) and FUSE_GET_DAXDEV (55): on a famfs-enabled kernel (FUSE_DAX_FMAP
/// negotiated) the kernel asks once per file for its map and then resolves reads, writes and
/// mmap faults itself, with no upcall.
extension FamfsFileSystem: FuseFmapFileSystem {
    public func getFmap(node: NodeID, limit: Int, context: RequestContext) throws(Errno) -> [UInt8] {
        guard let v = view(node.rawValue) else { throw .noSuchFileOrDirectory }
        guard let meta = v.meta else { throw .isDirectory }
        let type: UInt8
        switch MetaNode(rawValue: v.id) {
        case .superblock: type = FmapReplies.fileTypeSuperblock
        case .log: type = FmapReplies.fileTypeLog
        default: type = FmapReplies.fileTypeRegular
        }
        return try FmapReplies.fmap(fileType: type, meta: meta, maxSize: limit, deviceSize: volume.device.size)
    }

    /// Index 0 is the file system's only device today (the log's ADD_DAXDEV entries are not
    /// used by the reference either).
    public func getDaxdev(index: UInt64, context: RequestContext) throws(Errno) -> [UInt8] {
        guard index == 0 else { throw .invalidArgument }
        return try FmapReplies.daxdev(name: volume.device.path)
    }
}
