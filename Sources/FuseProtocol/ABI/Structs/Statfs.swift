/// `struct fuse_kstatfs` (80 bytes), the whole of `struct fuse_statfs_out`.
public struct StatfsReply: Sendable, Hashable {
    public static let size = 80

    public var blocks: UInt64
    public var blocksFree: UInt64
    public var blocksAvailable: UInt64
    public var files: UInt64
    public var filesFree: UInt64
    public var blockSize: UInt32
    public var nameLength: UInt32
    public var fragmentSize: UInt32

    public init(
        blocks: UInt64 = 0, blocksFree: UInt64 = 0, blocksAvailable: UInt64 = 0,
        files: UInt64 = 0, filesFree: UInt64 = 0, blockSize: UInt32 = 4096,
        nameLength: UInt32 = 255, fragmentSize: UInt32 = 4096
    ) {
        self.blocks = blocks
        self.blocksFree = blocksFree
        self.blocksAvailable = blocksAvailable
        self.files = files
        self.filesFree = filesFree
        self.blockSize = blockSize
        self.nameLength = nameLength
        self.fragmentSize = fragmentSize
    }

    func encode(into w: inout WireWriter) {
        w.u64(blocks)
        w.u64(blocksFree)
        w.u64(blocksAvailable)
        w.u64(files)
        w.u64(filesFree)
        w.u32(blockSize)
        w.u32(nameLength)
        w.u32(fragmentSize)
        w.u32(0)  // padding
        w.zeros(24)  // spare[6]
    }
}
