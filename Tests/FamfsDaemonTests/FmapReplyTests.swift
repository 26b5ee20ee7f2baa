import Testing
import FamfsFormat
@testable import FamfsDaemon
import SystemPackage

/// Bytes from a row of hex pairs ("00 01 ff"), so each vector reads like a hexdump.
func hex(_ rows: String...) -> [UInt8] {
    rows.joined(separator: " ").split(separator: " ").map { UInt8($0, radix: 16)! }
}

private let MiB: UInt64 = 1 << 20

/// GET_FMAP / GET_DAXDEV replies of the daemon, checked against hand-written byte vectors in the
/// layout of the famfs kernel patch (`fuse_famfs_fmap_header` 32 B, `fuse_famfs_simple_ext` 24 B,
/// `fuse_famfs_iext` 24 B, `fuse_daxdev_out` 280 B; all little-endian).
@Suite("FmapReplies byte vectors")
struct FmapReplyTests {
    @Test("simple file, one extent")
    func simpleOne() throws {
        let meta = FileMeta(path: "f", size: 5_000_001, mode: 0o644, uid: 0, gid: 0,
                            fmap: .simple([SimpleExtent(offset: 0x120_0000, length: 0x60_0000)]))
        let got = try FmapReplies.fmap(fileType: 0, meta: meta, maxSize: 32768)
        #expect(got == hex(
            "00 00 01 00",               // file_type 0 REG, reserved, fmap_version 1
            "00 00 00 00",               // ext_type 0 simple
            "01 00 00 00",               // nextents 1
            "38 00 00 00",               // fmap_size 56 = 32 + 24
            "41 4b 4c 00 00 00 00 00",   // file_size 5_000_001 = 0x4c4b41
            "00 00 00 00 00 00 00 00",   // reserved1
            "00 00 00 00 00 00 00 00",   // se_devindex 0, reserved
            "00 00 20 01 00 00 00 00",   // se_offset 0x1200000
            "00 00 60 00 00 00 00 00"))  // se_len 0x600000
    }

    static let threeExtents = FileMeta(path: "g", size: 0x70_0005, mode: 0o644, uid: 0, gid: 0, fmap: .simple([
        SimpleExtent(offset: 0xc0a0_0000, length: 0x20_0000),
        SimpleExtent(offset: 0xc000_0000, length: 0x40_0000),
        SimpleExtent(offset: 0xc140_0000, length: 0x20_0000),
    ]))

    @Test("simple file, three extents")
    func simpleThree() throws {
        let got = try FmapReplies.fmap(fileType: 0, meta: Self.threeExtents, maxSize: 32768)
        #expect(got == hex(
            "00 00 01 00  00 00 00 00",  // REG, v1, simple
            "03 00 00 00  68 00 00 00",  // nextents 3, fmap_size 104 = 32 + 3*24
            "05 00 70 00 00 00 00 00",   // file_size 0x700005
            "00 00 00 00 00 00 00 00",   // reserved1
            "00 00 00 00 00 00 00 00",   // ext 0: devindex 0
            "00 00 a0 c0 00 00 00 00",   //        offset 0xc0a00000
            "00 00 20 00 00 00 00 00",   //        len 0x200000
            "00 00 00 00 00 00 00 00",   // ext 1: devindex 0
            "00 00 00 c0 00 00 00 00",   //        offset 0xc0000000
            "00 00 40 00 00 00 00 00",   //        len 0x400000
            "00 00 00 00 00 00 00 00",   // ext 2: devindex 0
            "00 00 40 c1 00 00 00 00",   //        offset 0xc1400000
            "00 00 20 00 00 00 00 00"))  //        len 0x200000
        // A buffer of exactly the message size is enough.
        #expect(try FmapReplies.fmap(fileType: 0, meta: Self.threeExtents, maxSize: 104) == got)
    }

    @Test("interleaved file, two strips")
    func interleaved() throws {
        let meta = FileMeta(path: "s", size: 9 * MiB + 123, mode: 0o644, uid: 0, gid: 0, fmap: .interleaved(
            InterleavedExtent(chunkSize: 2 * MiB, strips: [
                SimpleExtent(offset: 0x4000_0000, length: 0x60_0000),
                SimpleExtent(offset: 0x8000_0000, length: 0x60_0000),
            ])))
        let got = try FmapReplies.fmap(fileType: 0, meta: meta, maxSize: 32768)
        #expect(got == hex(
            "00 00 01 00",               // REG, reserved, v1
            "01 00 00 00",               // ext_type 1 interleave
            "01 00 00 00",               // nextents 1 (one interleaved extent)
            "68 00 00 00",               // fmap_size 104 = 32 + 24 + 2*24
            "7b 00 90 00 00 00 00 00",   // file_size 9 MiB + 123 = 0x90007b
            "00 00 00 00 00 00 00 00",   // reserved1
            "02 00 00 00",               // ie_nstrips 2
            "00 00 20 00",               // ie_chunk_size 0x200000
            "7b 00 90 00 00 00 00 00",   // ie_nbytes = file size
            "00 00 00 00 00 00 00 00",   // reserved
            "00 00 00 00 00 00 00 00",   // strip 0: devindex 0
            "00 00 00 40 00 00 00 00",   //          offset 0x40000000
            "00 00 60 00 00 00 00 00",   //          len 0x600000
            "00 00 00 00 00 00 00 00",   // strip 1: devindex 0
            "00 00 00 80 00 00 00 00",   //          offset 0x80000000
            "00 00 60 00 00 00 00 00"))  //          len 0x600000
    }

    @Test(".meta/.superblock and .meta/.log")
    func metaFiles() throws {
        #expect(try FmapReplies.fmap(fileType: FmapReplies.fileTypeSuperblock, meta: MetaFiles.superblock, maxSize: 32768) == hex(
            "01 00 01 00  00 00 00 00",  // file_type 1 SUPERBLOCK, v1, simple
            "01 00 00 00  38 00 00 00",  // nextents 1, fmap_size 56
            "00 00 20 00 00 00 00 00",   // file_size 2 MiB
            "00 00 00 00 00 00 00 00",   // reserved1
            "00 00 00 00 00 00 00 00",   // devindex 0
            "00 00 00 00 00 00 00 00",   // offset 0
            "00 00 20 00 00 00 00 00"))  // len 2 MiB
        #expect(try FmapReplies.fmap(fileType: FmapReplies.fileTypeLog, meta: MetaFiles.log(logLength: 0x80_0000), maxSize: 32768) == hex(
            "02 00 01 00  00 00 00 00",  // file_type 2 LOG, v1, simple
            "01 00 00 00  38 00 00 00",  // nextents 1, fmap_size 56
            "00 00 80 00 00 00 00 00",   // file_size 8 MiB (log_len)
            "00 00 00 00 00 00 00 00",   // reserved1
            "00 00 00 00 00 00 00 00",   // devindex 0
            "00 00 20 00 00 00 00 00",   // offset 0x200000
            "00 00 80 00 00 00 00 00"))  // len 8 MiB
    }

    @Test("buffer too small: the header alone, with nextents and fmap_size of the full message")
    func tooSmall() throws {
        let got = try FmapReplies.fmap(fileType: 0, meta: Self.threeExtents, maxSize: 103)
        #expect(got == hex(
            "00 00 01 00  00 00 00 00",  // REG, v1, simple
            "03 00 00 00  68 00 00 00",  // nextents 3, fmap_size 104: retry with 104 bytes
            "05 00 70 00 00 00 00 00",   // file_size
            "00 00 00 00 00 00 00 00"))  // reserved1
        #expect(try FmapReplies.fmap(fileType: 0, meta: Self.threeExtents, maxSize: 32).count == 32)
        #expect(throws: Errno.outOfRange) { try FmapReplies.fmap(fileType: 0, meta: Self.threeExtents, maxSize: 31) }
    }

    @Test("extents past the device are refused when the device size is known")
    func pastDevice() throws {
        #expect(throws: Errno.ioError) {
            try FmapReplies.fmap(fileType: 0, meta: Self.threeExtents, maxSize: 32768, deviceSize: 0xc140_0000)
        }
        #expect(try FmapReplies.fmap(fileType: 0, meta: Self.threeExtents, maxSize: 32768, deviceSize: 0xc160_0000).count == 104)
    }

    @Test("GET_DAXDEV for /dev/dax0.0")
    func daxdev() throws {
        let got = try FmapReplies.daxdev(name: "/dev/dax0.0")
        #expect(got.count == 280)
        #expect(Array(got[0..<24]) == hex(
            "00 00 00 00",               // index 0, reserved
            "00 00 00 00",               // reserved2
            "00 00 00 00 00 00 00 00",   // reserved3
            "00 00 00 00 00 00 00 00"))  // reserved4
        #expect(Array(got[24..<36]) == hex("2f 64 65 76 2f 64 61 78 30 2e 30 00"))  // "/dev/dax0.0" NUL
        #expect(got[36...].allSatisfy { $0 == 0 })
        #expect(try FmapReplies.daxdev(name: "/dev/dax1.0", index: 1)[0..<2] == [1, 0])
    }

    @Test("GET_DAXDEV name too long")
    func daxdevTooLong() throws {
        let longest = "/" + String(repeating: "d", count: 254)  // 255 bytes + NUL = 256
        let got = try FmapReplies.daxdev(name: longest)
        #expect(got.count == 280 && got[278] == UInt8(ascii: "d") && got[279] == 0)
        #expect(throws: Errno.fileNameTooLong) { try FmapReplies.daxdev(name: longest + "d") }
        #expect(throws: Errno.invalidArgument) { try FmapReplies.daxdev(name: "/dev/dax\u{0}0") }
    }

    @Test("maps the famfs kernel would refuse are EIO: not 2 MiB aligned, more than 32 strips' worth, an empty striped file")
    func outsideKernelLimits() throws {
        func attempt(_ fmap: Fmap, size: UInt64 = 4096) -> Bool {
            let meta = FileMeta(path: "k", size: size, mode: 0o644, uid: 0, gid: 0, fmap: fmap)
            do { _ = try FmapReplies.fmap(fileType: 0, meta: meta, maxSize: 4096); return false } catch {
                return error == .ioError
            }
        }
        #expect(attempt(.simple([SimpleExtent(offset: 0x40_1000, length: 2 * MiB)])))
        #expect(attempt(.simple([SimpleExtent(offset: 0x40_0000, length: 4096)])))
        #expect(attempt(.simple([])))
        #expect(attempt(.simple([SimpleExtent(devIndex: 1, offset: 0x40_0000, length: 2 * MiB)])))
        #expect(attempt(.interleaved(InterleavedExtent(chunkSize: 4096, strips: [SimpleExtent(offset: 0x40_0000, length: 2 * MiB)]))))
        #expect(attempt(.interleaved(InterleavedExtent(chunkSize: 2 * MiB, strips: [SimpleExtent(offset: 0x40_0000, length: 2 * MiB)])), size: 0))
        let many = (0..<17).map { SimpleExtent(offset: UInt64($0 + 1) * 2 * MiB, length: 2 * MiB) }
        #expect(attempt(.interleaved(InterleavedExtent(chunkSize: 2 * MiB, strips: many))))
        #expect(attempt(.simple(many)))
        // A file smaller than its map is fine; a file larger than its map is not.
        #expect(!attempt(.simple([SimpleExtent(offset: 0x40_0000, length: 2 * MiB)]), size: 1))
        #expect(attempt(.simple([SimpleExtent(offset: 0x40_0000, length: 2 * MiB)]), size: 2 * MiB + 1))
    }
}
