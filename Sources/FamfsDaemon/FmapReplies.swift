import FamfsFormat
import FuseProtocol
import SystemPackage

/// Reply payloads of the famfs FUSE opcodes FUSE_GET_FMAP (54) and FUSE_GET_DAXDEV (55), in the
/// wire format of the famfs kernel patches (`FamfsFmapWire`). Pure functions: the daemon's
/// `getFmap`/`getDaxdev` (FmapHooks.swift) find the file or device and call these.
///
/// Daemon-side rules (the caller's part): unknown node → ENOENT; unknown device index → EINVAL;
/// `.meta/.superblock` is sent with file type 1 and one extent {0, 0, 2 MiB}, `.meta/.log` with
/// file type 2 and {0, 0x200000, log_len} (`MetaFiles`).
public enum FmapReplies {
    /// `fuse_famfs_file_type` values.
    public static let fileTypeRegular: UInt8 = FamfsFmapWire.FileType.regular.rawValue
    public static let fileTypeSuperblock: UInt8 = FamfsFmapWire.FileType.superblock.rawValue
    public static let fileTypeLog: UInt8 = FamfsFmapWire.FileType.log.rawValue

    /// The GET_FMAP reply for `meta`.
    ///
    /// Simple map: header + one `fuse_famfs_simple_ext` per extent. Interleaved map: header
    /// (`nextents` = 1) + one `fuse_famfs_iext` (`ie_nbytes` = file size, as famfs_fused sends) +
    /// `nstrips` simple extents. `fmap_size` (header offset 12) is always the full message size.
    ///
    /// Only maps the famfs kernel takes are sent (`famfs_fuse_meta_alloc`): `Fmap.validate`
    /// with the kernel's 2 MiB alignment and the device size (when given), at most
    /// `FamfsFmapWire.maxExtents` extents and `maxStrips` strips, a non-empty file for an
    /// interleaved map; anything else is EIO, since the kernel would refuse it less helpfully and
    /// the daemon never hands out a range outside the device.
    ///
    /// When the full message is larger than `maxSize` (the kernel's buffer), only the 32-byte
    /// header is returned, with the true `nextents` and `fmap_size`: a truncated extent list
    /// would be a wrong map, and an error would give the kernel no hint, while the header tells
    /// a kernel that understands `fmap_size` exactly how big a buffer to retry with; an older
    /// kernel sees a message shorter than header + one extent and rejects it. `maxSize` smaller
    /// than the header itself → ERANGE (as for getxattr).
    public static func fmap(fileType: UInt8, meta: FileMeta, maxSize: Int,
                            deviceSize: UInt64? = nil) throws(Errno) -> [UInt8] {
        guard maxSize >= FamfsFmapHeader.size else { throw .outOfRange }
        do {
            try meta.validate(deviceSize: deviceSize ?? .max, alignment: FamfsFmapWire.alignment)
        } catch {
            throw .ioError
        }
        let message: [UInt8]
        switch meta.fmap {
        case .simple(let extents):
            guard extents.count <= FamfsFmapWire.maxExtents else { throw .ioError }
            message = FamfsFmapWire.simpleMessage(fileType: fileType, fileSize: meta.size,
                                                  extents: extents.map(wire))
        case .interleaved(let ie):
            guard ie.strips.count <= FamfsFmapWire.maxStrips, meta.size > 0,
                  let chunk = UInt32(exactly: ie.chunkSize) else { throw .ioError }
            message = FamfsFmapWire.interleavedMessage(
                fileType: fileType, fileSize: meta.size,
                iext: FamfsInterleavedExt(nstrips: UInt32(ie.strips.count), chunkSize: chunk, nbytes: meta.size),
                strips: ie.strips.map(wire))
        }
        guard message.count <= maxSize else { return Array(message[0..<FamfsFmapHeader.size]) }
        return message
    }

    /// The GET_DAXDEV reply (`fuse_daxdev_out`, 280 bytes) naming device `name` (e.g.
    /// "/dev/dax0.0"). The name must fit `char name[256]` with its NUL: more than 255 bytes →
    /// ENAMETOOLONG; an embedded NUL → EINVAL.
    public static func daxdev(name: String, index: UInt16 = 0) throws(Errno) -> [UInt8] {
        let bytes = Array(name.utf8)
        guard bytes.count < FamfsFmapWire.daxdevNameMax else { throw .fileNameTooLong }
        guard let out = FamfsDaxdevOut(index: index, name: bytes) else { throw .invalidArgument }
        return out.encoded()
    }

    /// A validated extent (device index 0) in its wire form.
    private static func wire(_ e: SimpleExtent) -> FamfsSimpleExt {
        FamfsSimpleExt(devIndex: UInt32(truncatingIfNeeded: e.devIndex), offset: e.offset, length: e.length)
    }
}
