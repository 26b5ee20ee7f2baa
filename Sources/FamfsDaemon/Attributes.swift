#if canImport(Glibc)
import Glibc
#endif
import FamfsCore
import FamfsFormat
import FuseProtocol

/// What the kernel sees of a node: one resolved view of a namespace node or meta node.
struct NodeView {
    var id: UInt64
    var isDirectory: Bool
    var mode: UInt32
    var uid: UInt32
    var gid: UInt32
    var size: UInt64
    /// Device bytes the file owns (what `du` should count).
    var allocated: UInt64
    var meta: FileMeta?
    var subdirectories: Int

    init(node: Namespace.Node, subdirectories: Int) {
        id = node.id
        isDirectory = node.isDirectory
        mode = node.mode
        uid = node.uid
        gid = node.gid
        size = node.size
        allocated = node.file?.fmap.allocatedBytes ?? 0
        meta = node.file
        self.subdirectories = subdirectories
    }

    init(meta node: MetaNode, superblock: Superblock) {
        id = node.rawValue
        isDirectory = node == .directory
        mode = isDirectory ? 0o555 : 0o444
        uid = 0
        gid = 0
        meta = node.meta(superblock)
        size = meta?.size ?? 0
        allocated = size
        subdirectories = 0
    }

    /// Attributes; `stripWrite` removes write permission (client mounts are read-only).
    func attr(time: FuseTime, stripWrite: Bool) -> Attr {
        var perms = mode & 0o7777
        if stripWrite && !isDirectory { perms &= ~0o222 }
        return Attr(ino: id, size: isDirectory ? 4096 : size, blocks: isDirectory ? 8 : (allocated + 511) / 512,
                    atime: time, mtime: time, ctime: time,
                    mode: (isDirectory ? UInt32(S_IFDIR) : UInt32(S_IFREG)) | perms,
                    nlink: isDirectory ? UInt32(2 + subdirectories) : 1, uid: uid, gid: gid, blksize: 1 << 21)
    }
}
