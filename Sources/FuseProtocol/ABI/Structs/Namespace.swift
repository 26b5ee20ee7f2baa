/// `struct fuse_mknod_in` (16 bytes), head of MKNOD (name follows).
struct MknodIn {
    static let size = 16
    var mode: UInt32
    var rdev: UInt32
    var umask: UInt32

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> MknodIn {
        MknodIn(mode: try r.u32(at: b), rdev: try r.u32(at: b + 4), umask: try r.u32(at: b + 8))
    }
}

/// `struct fuse_mkdir_in` (8 bytes), head of MKDIR (name follows).
struct MkdirIn {
    static let size = 8
    var mode: UInt32
    var umask: UInt32

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> MkdirIn {
        MkdirIn(mode: try r.u32(at: b), umask: try r.u32(at: b + 4))
    }
}

/// `struct fuse_rename_in` (8 bytes) and `struct fuse_rename2_in` (16 bytes); old and new
/// names follow.
struct RenameIn {
    static let size = 8
    static let size2 = 16
    var newdir: UInt64
    var flags: UInt32

    static func decode(_ r: WireReader, at b: Int, v2: Bool) throws(RequestError) -> RenameIn {
        RenameIn(newdir: try r.u64(at: b), flags: v2 ? try r.u32(at: b + 8) : 0)
    }
}

/// `struct fuse_link_in` (8 bytes), head of LINK (new name follows).
struct LinkIn {
    static let size = 8
    var oldnodeid: UInt64

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> LinkIn {
        LinkIn(oldnodeid: try r.u64(at: b))
    }
}

/// `struct fuse_access_in` (8 bytes).
struct AccessIn {
    static let size = 8
    var mask: UInt32

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> AccessIn {
        AccessIn(mask: try r.u32(at: b))
    }
}

/// `struct fuse_forget_in` (8 bytes), `struct fuse_forget_one` (16 bytes),
/// `struct fuse_batch_forget_in` (8 bytes).
enum ForgetWire {
    static let forgetInSize = 8
    static let forgetOneSize = 16
    static let batchForgetInSize = 8
}

/// `struct fuse_interrupt_in` (8 bytes).
struct InterruptIn {
    static let size = 8
    var unique: UInt64

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> InterruptIn {
        InterruptIn(unique: try r.u64(at: b))
    }
}
