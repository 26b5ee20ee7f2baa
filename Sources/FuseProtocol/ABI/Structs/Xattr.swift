/// `struct fuse_getxattr_in` (8 bytes), head of GETXATTR (name follows) and all of LISTXATTR.
struct GetxattrIn {
    static let size = 8
    var size: UInt32

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> GetxattrIn {
        GetxattrIn(size: try r.u32(at: b))
    }
}

/// `struct fuse_getxattr_out` (8 bytes): the answer to a size query (size 0 in the request).
struct GetxattrOut {
    static let size = 8
    var size: UInt32

    func encode(into w: inout WireWriter) {
        w.u32(size)
        w.u32(0)  // padding
    }
}

/// `struct fuse_setxattr_in`: 16 bytes with FUSE_SETXATTR_EXT, else the 8-byte
/// `FUSE_COMPAT_SETXATTR_IN_SIZE` form. Name and value follow.
struct SetxattrIn {
    static let size = 16
    static let compatSize = 8
    var size: UInt32
    var flags: UInt32
    var setxattrFlags: UInt32

    static func decode(_ r: WireReader, at b: Int, extended: Bool) throws(RequestError) -> SetxattrIn {
        SetxattrIn(
            size: try r.u32(at: b), flags: try r.u32(at: b + 4),
            setxattrFlags: extended ? try r.u32(at: b + 8) : 0)
    }
}
