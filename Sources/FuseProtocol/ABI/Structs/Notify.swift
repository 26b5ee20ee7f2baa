/// `struct fuse_notify_inval_inode_out` (24 bytes).
struct NotifyInvalInodeOut {
    static let size = 24
    var ino: UInt64
    var offset: Int64
    var length: Int64

    func encode(into w: inout WireWriter) {
        w.u64(ino)
        w.i64(offset)
        w.i64(length)
    }
}

/// `struct fuse_notify_inval_entry_out` (16 bytes); the name and a NUL follow.
struct NotifyInvalEntryOut {
    static let size = 16
    static let expireOnly: UInt32 = 1 << 0  // FUSE_EXPIRE_ONLY
    var parent: UInt64
    var nameLength: UInt32
    var flags: UInt32

    func encode(into w: inout WireWriter) {
        w.u64(parent)
        w.u32(nameLength)
        w.u32(flags)
    }
}
