import Testing
@testable import FuseProtocol

/// The famfs FUSE wire shapes against hand-written vectors (famfs kernel patch,
/// include/uapi/linux/fuse.h; little-endian x86_64 layout).
@Suite("famfs GET_FMAP / GET_DAXDEV wire shapes")
struct FamfsFmapWireTests {
    private func hex(_ rows: String...) -> [UInt8] {
        rows.joined(separator: " ").split(separator: " ").map { UInt8($0, radix: 16)! }
    }

    @Test("struct sizes", arguments: [
        ("fuse_famfs_fmap_header", FamfsFmapHeader.size, 32),
        ("fuse_famfs_simple_ext", FamfsSimpleExt.size, 24),
        ("fuse_famfs_iext", FamfsInterleavedExt.size, 24),
        ("fuse_daxdev_out", FamfsDaxdevOut.size, 280),
        ("fuse_get_daxdev_in", FamfsGetDaxdevIn.size, 4),
        ("fmap_msg_min_size()", FamfsFmapWire.minMessageSize, 56),
        ("FAMFS_FMAP_MAX", FamfsFmapWire.maxMessageSize, 32768),
        ("DAXDEV_NAME_MAX", FamfsFmapWire.daxdevNameMax, 256),
    ])
    func sizes(name: String, declared: Int, expected: Int) {
        #expect(declared == expected, "\(name)")
    }

    @Test("fuse_famfs_fmap_header")
    func header() {
        let h = FamfsFmapHeader(fileType: 2, extentType: 1, nextents: 0x0102_0304, fmapSize: 0x0a0b_0c0d,
                                fileSize: 0x1122_3344_5566_7788)
        #expect(h.encoded() == hex(
            "02",                        // @0 file_type 2 (LOG)
            "00",                        // @1 reserved
            "01 00",                     // @2 fmap_version 1
            "01 00 00 00",               // @4 ext_type 1 (interleave)
            "04 03 02 01",               // @8 nextents
            "0d 0c 0b 0a",               // @12 fmap_size
            "88 77 66 55 44 33 22 11",   // @16 file_size
            "00 00 00 00 00 00 00 00"))  // @24 reserved1
    }

    @Test("fuse_famfs_simple_ext and fuse_famfs_iext")
    func extents() {
        #expect(FamfsSimpleExt(devIndex: 3, offset: 0x1_0020_0000, length: 0x40_0000).encoded() == hex(
            "03 00 00 00",               // @0 se_devindex 3
            "00 00 00 00",               // @4 reserved
            "00 00 20 00 01 00 00 00",   // @8 se_offset 0x100200000
            "00 00 40 00 00 00 00 00"))  // @16 se_len 0x400000
        #expect(FamfsInterleavedExt(nstrips: 4, chunkSize: 0x20_0000, nbytes: 0x90_007b).encoded() == hex(
            "04 00 00 00",               // @0 ie_nstrips 4
            "00 00 20 00",               // @4 ie_chunk_size 2 MiB
            "7b 00 90 00 00 00 00 00",   // @8 ie_nbytes
            "00 00 00 00 00 00 00 00"))  // @16 reserved
    }

    @Test("whole messages set nextents and fmap_size")
    func messages() {
        let simple = FamfsFmapWire.simpleMessage(fileType: 0, fileSize: 10, extents: [
            FamfsSimpleExt(offset: 0x20_0000, length: 0x20_0000), FamfsSimpleExt(offset: 0x60_0000, length: 0x20_0000),
        ])
        #expect(simple.count == 80)
        #expect(Array(simple[0..<16]) == hex("00 00 01 00", "00 00 00 00", "02 00 00 00", "50 00 00 00"))
        let striped = FamfsFmapWire.interleavedMessage(
            fileType: 0, fileSize: 10, iext: FamfsInterleavedExt(nstrips: 3, chunkSize: 0x20_0000, nbytes: 10),
            strips: (0..<3).map { FamfsSimpleExt(offset: UInt64($0 + 1) << 30, length: 0x20_0000) })
        #expect(striped.count == 32 + 24 + 72)
        #expect(Array(striped[0..<16]) == hex("00 00 01 00", "01 00 00 00", "01 00 00 00", "80 00 00 00"))
        #expect(Array(striped[32..<36]) == hex("03 00 00 00"))
        #expect(Array(striped[56 + 24 + 8..<56 + 24 + 16]) == hex("00 00 00 80 00 00 00 00"))  // strip 1 offset 2 GiB
    }

    @Test("fuse_daxdev_out")
    func daxdevOut() throws {
        let out = try #require(FamfsDaxdevOut(index: 0x0102, name: Array("/dev/dax0.0".utf8)))
        let bytes = out.encoded()
        #expect(bytes.count == 280)
        #expect(Array(bytes[0..<24]) == hex(
            "02 01",                     // @0 index 0x0102
            "00 00",                     // @2 reserved
            "00 00 00 00",               // @4 reserved2
            "00 00 00 00 00 00 00 00",   // @8 reserved3
            "00 00 00 00 00 00 00 00"))  // @16 reserved4
        #expect(Array(bytes[24..<36]) == hex("2f 64 65 76 2f 64 61 78 30 2e 30 00"))  // @24 name "/dev/dax0.0\0"
        #expect(bytes[36...].allSatisfy { $0 == 0 })
        #expect(FamfsDaxdevOut(name: [UInt8](repeating: 0x61, count: 255)) != nil)
        #expect(FamfsDaxdevOut(name: [UInt8](repeating: 0x61, count: 256)) == nil)
        #expect(FamfsDaxdevOut(name: [0x61, 0, 0x62]) == nil)
    }
}
