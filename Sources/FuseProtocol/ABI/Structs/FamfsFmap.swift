/// Wire shapes of the famfs FUSE messages (protocol 7.46 famfs additions, from the famfs kernel
/// and libfuse patches, `include/uapi/linux/fuse.h` and `fs/fuse/famfs.c`):
///
/// - FUSE_GET_FMAP (54): the kernel (`fuse_get_fmap`) sends **no in-arg** and a variable-size
///   out buffer of one page (`kernelBufferSize`, 4096 bytes); the first patches sent a
///   `struct fuse_getxattr_in {u32 size; u32 padding}` instead (`FamfsGetFmapIn`). The reply is
///   a `fuse_famfs_fmap_header` followed by either `nextents` × `fuse_famfs_simple_ext`, or per
///   interleaved extent one `fuse_famfs_iext` followed by `ie_nstrips` × `fuse_famfs_simple_ext`.
///   The kernel (`famfs_fuse_meta_alloc`) takes 1 to `maxExtents` extents, 1 to `maxStrips`
///   strips per interleaved extent, device index 0, offsets, lengths and chunk sizes aligned to
///   `alignment` (PMD_SIZE), and maps that hold at least the file size.
/// - FUSE_GET_DAXDEV (55): no in-arg; the device index travels in `fuse_in_header.nodeid`; the
///   reply is a `fuse_daxdev_out`.
///
/// Only byte layouts and the kernel's limits live here (this module knows nothing of famfs);
/// the daemon decides what to put in them. All fields are little-endian, written through
/// `WireWriter`.
public enum FamfsFmapWire {
    /// `FAMFS_FMAP_VERSION`.
    public static let version: UInt16 = 1
    /// `FAMFS_FMAP_MAX`: the largest fmap message the kernel patch asks for.
    public static let maxMessageSize = 32768
    /// `fmap_msg_min_size()`: a header plus one simple extent (56 bytes).
    public static let minMessageSize = FamfsFmapHeader.size + FamfsSimpleExt.size
    /// `DAXDEV_NAME_MAX`: the `name` field of `fuse_daxdev_out`, NUL included.
    public static let daxdevNameMax = 256
    /// `FMAP_BUFSIZE` (PAGE_SIZE): the out buffer of the kernel's GET_FMAP.
    public static let kernelBufferSize = 4096
    /// `FUSE_FAMFS_MAX_EXTENTS`: most extents (simple or interleaved) in one message.
    public static let maxExtents = 32
    /// `FUSE_FAMFS_MAX_STRIPS`: most strips in one interleaved extent.
    public static let maxStrips = 32
    /// PMD_SIZE: what every extent offset, length and chunk size must be a multiple of
    /// (`famfs_check_ext_alignment`).
    public static let alignment: UInt64 = 0x20_0000

    /// `enum fuse_famfs_file_type`.
    public enum FileType: UInt8, Sendable {
        /// `FUSE_FAMFS_FILE_REG`
        case regular = 0
        /// `FUSE_FAMFS_FILE_SUPERBLOCK`
        case superblock = 1
        /// `FUSE_FAMFS_FILE_LOG`
        case log = 2
    }

    /// `enum famfs_ext_type`.
    public enum ExtentType: UInt32, Sendable {
        /// `FUSE_FAMFS_EXT_SIMPLE`
        case simple = 0
        /// `FUSE_FAMFS_EXT_INTERLEAVE`
        case interleave = 1
    }

    /// A whole simple fmap message: header (with `nextents` and `fmap_size` filled) + extents.
    public static func simpleMessage(fileType: UInt8, fileSize: UInt64, extents: [FamfsSimpleExt]) -> [UInt8] {
        let total = FamfsFmapHeader.size + extents.count * FamfsSimpleExt.size
        var w = WireWriter(capacity: total)
        FamfsFmapHeader(fileType: fileType, extentType: ExtentType.simple.rawValue, nextents: UInt32(extents.count),
                        fmapSize: UInt32(total), fileSize: fileSize).encode(into: &w)
        for e in extents { e.encode(into: &w) }
        return w.bytes
    }

    /// A whole message with one interleaved extent: header (`nextents` = 1) + iext + strips.
    public static func interleavedMessage(fileType: UInt8, fileSize: UInt64, iext: FamfsInterleavedExt,
                                          strips: [FamfsSimpleExt]) -> [UInt8] {
        let total = FamfsFmapHeader.size + FamfsInterleavedExt.size + strips.count * FamfsSimpleExt.size
        var w = WireWriter(capacity: total)
        FamfsFmapHeader(fileType: fileType, extentType: ExtentType.interleave.rawValue, nextents: 1,
                        fmapSize: UInt32(total), fileSize: fileSize).encode(into: &w)
        iext.encode(into: &w)
        for s in strips { s.encode(into: &w) }
        return w.bytes
    }
}

/// `struct fuse_famfs_fmap_header` (32 bytes).
///
/// | off | field |
/// |---|---|
/// | 0 | u8 file_type (`enum fuse_famfs_file_type`) |
/// | 1 | u8 reserved |
/// | 2 | u16 fmap_version (= `FAMFS_FMAP_VERSION` 1) |
/// | 4 | u32 ext_type (`enum famfs_ext_type`) |
/// | 8 | u32 nextents (simple: extents; interleave: interleaved extents) |
/// | 12 | u32 fmap_size (`reserved0` in the first patches): total message size |
/// | 16 | u64 file_size |
/// | 24 | u64 reserved1 |
///
/// `fmap_size` is the later libfuse patches' name for offset 12: the total size of the whole
/// message, so a kernel whose buffer was too small can retry with that size.
/// Kernels that still call it `reserved0` ignore it.
public struct FamfsFmapHeader: Equatable, Sendable {
    public static let size = 32
    public var fileType: UInt8
    public var fmapVersion: UInt16
    public var extentType: UInt32
    public var nextents: UInt32
    public var fmapSize: UInt32
    public var fileSize: UInt64

    public init(fileType: UInt8, fmapVersion: UInt16 = FamfsFmapWire.version, extentType: UInt32, nextents: UInt32,
                fmapSize: UInt32, fileSize: UInt64) {
        self.fileType = fileType
        self.fmapVersion = fmapVersion
        self.extentType = extentType
        self.nextents = nextents
        self.fmapSize = fmapSize
        self.fileSize = fileSize
    }

    func encode(into w: inout WireWriter) {
        w.u8(fileType)
        w.u8(0)  // reserved
        w.u16(fmapVersion)
        w.u32(extentType)
        w.u32(nextents)
        w.u32(fmapSize)
        w.u64(fileSize)
        w.u64(0)  // reserved1
    }

    public func encoded() -> [UInt8] {
        var w = WireWriter(capacity: Self.size)
        encode(into: &w)
        return w.bytes
    }
}

/// `struct fuse_famfs_simple_ext` (24 bytes): u32 se_devindex @0, u32 reserved @4,
/// u64 se_offset @8, u64 se_len @16. Also the layout of each strip of an interleaved extent.
public struct FamfsSimpleExt: Equatable, Sendable {
    public static let size = 24
    public var devIndex: UInt32
    public var offset: UInt64
    public var length: UInt64

    public init(devIndex: UInt32 = 0, offset: UInt64, length: UInt64) {
        self.devIndex = devIndex
        self.offset = offset
        self.length = length
    }

    func encode(into w: inout WireWriter) {
        w.u32(devIndex)
        w.u32(0)  // reserved
        w.u64(offset)
        w.u64(length)
    }

    public func encoded() -> [UInt8] {
        var w = WireWriter(capacity: Self.size)
        encode(into: &w)
        return w.bytes
    }
}

/// `struct fuse_famfs_iext` (24 bytes), an interleaved extent: u32 ie_nstrips @0,
/// u32 ie_chunk_size @4, u64 ie_nbytes @8 (bytes of the file this extent holds; the strips may
/// hold more), u64 reserved @16. Followed on the wire by `ie_nstrips` simple extents.
public struct FamfsInterleavedExt: Equatable, Sendable {
    public static let size = 24
    public var nstrips: UInt32
    public var chunkSize: UInt32
    public var nbytes: UInt64

    public init(nstrips: UInt32, chunkSize: UInt32, nbytes: UInt64) {
        self.nstrips = nstrips
        self.chunkSize = chunkSize
        self.nbytes = nbytes
    }

    func encode(into w: inout WireWriter) {
        w.u32(nstrips)
        w.u32(chunkSize)
        w.u64(nbytes)
        w.u64(0)  // reserved
    }

    public func encoded() -> [UInt8] {
        var w = WireWriter(capacity: Self.size)
        encode(into: &w)
        return w.bytes
    }
}

/// `struct fuse_daxdev_out` (280 bytes), the GET_DAXDEV reply: u16 index @0, u16 reserved @2,
/// u32 reserved2 @4, u64 reserved3 @8, u64 reserved4 @16, char name[256] @24
/// (`DAXDEV_NAME_MAX`, NUL-terminated, zero-padded).
public struct FamfsDaxdevOut: Equatable, Sendable {
    public static let size = 280
    public static let nameOffset = 24
    public var index: UInt16
    /// Raw name bytes without the NUL; at most `daxdevNameMax - 1` (255) bytes.
    public var name: [UInt8]

    /// Fails (nil) when the name does not fit with its NUL or contains a NUL.
    public init?(index: UInt16 = 0, name: some Sequence<UInt8>) {
        let bytes = Array(name)
        guard bytes.count < FamfsFmapWire.daxdevNameMax, !bytes.contains(0) else { return nil }
        self.index = index
        self.name = bytes
    }

    func encode(into w: inout WireWriter) {
        w.u16(index)
        w.u16(0)  // reserved
        w.u32(0)  // reserved2
        w.u64(0)  // reserved3
        w.u64(0)  // reserved4
        w.raw(name)
        w.zeros(FamfsFmapWire.daxdevNameMax - name.count)  // NUL and padding
    }

    public func encoded() -> [UInt8] {
        var w = WireWriter(capacity: Self.size)
        encode(into: &w)
        return w.bytes
    }
}

/// The GET_FMAP request body. The famfs kernel sends none (the reply may fill its one-page
/// buffer); the first patches sent `struct fuse_getxattr_in {u32 size; u32 padding}`, whose
/// `size` is the buffer. Only `size` is needed, so 4 bytes suffice.
public enum FamfsGetFmapIn {
    /// The largest reply the kernel accepts: `kernelBufferSize` for an empty body, else `size`.
    /// A body of 1 to 3 bytes is neither shape (EINVAL).
    static func replyLimit(_ body: WireReader) throws(RequestError) -> Int {
        guard body.count > 0 else { return FamfsFmapWire.kernelBufferSize }
        return Int(try body.u32(at: 0))
    }
}

/// `struct fuse_get_daxdev_in` (4 bytes): u32 daxdev_num. The kernel sends no in-arg and puts
/// the index in the header's nodeid (libfuse reads it from there); this is here for completeness.
public struct FamfsGetDaxdevIn: Equatable, Sendable {
    public static let size = 4
    public var daxdevNum: UInt32
}
