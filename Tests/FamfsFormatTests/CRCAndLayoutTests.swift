import Testing
@testable import FamfsFormat

@Suite("CRC-32 and structure layouts")
struct CRCAndLayoutTests {
    @Test("zlib check value")
    func zlibCheck() { #expect(CRC32.checksum(Array("123456789".utf8)) == 0xcbf4_3926) }

    @Test("superblock with UUID bytes 00..2f has the reference CRC", arguments: [(UInt64(48), UInt32(0x5eff_8a3a)), (47, 0x8d6e_ac68)])
    func superblockCRC(version: UInt64, crc: UInt32) {
        var sb = Superblock(fsUUID: FamfsUUID(bytes: Array(0..<16))!, deviceUUID: FamfsUUID(bytes: Array(16..<32))!,
                            systemUUID: FamfsUUID(bytes: Array(32..<48))!, deviceSize: 0, daxdevName: "")
        sb.version = version
        let bytes = sb.encoded()
        #expect(bytes.count == 200)
        #expect(ByteReader(bytes).u64(96) == UInt64(crc))
    }

    @Test("8 MiB log header: last index 15419, CRC 0xa5875078, and the bytes the original's mkfs writes")
    func logHeader() throws {
        var h = LogHeader(length: 0x80_0000)
        #expect(h.lastIndex == 15419)
        h.nextSeqnum = 5
        h.nextIndex = 5
        let bytes = h.encoded()
        #expect(bytes.count == 48)
        #expect(Array(bytes[0..<32]) == hexBytes("0d f0 fe ca ad 0b 00 00 00 00 80 00 00 00 00 00 3b 3c 00 00 00 00 00 00 78 50 87 a5 00 00 00 00"))
        #expect(try LogHeader.decode(bytes, expectedLength: 0x80_0000) == h)
    }

    static let fileEntryVectors: [(String, UInt64, UInt32, UInt32, UInt32, Fmap, UInt64, UInt32)] = [
        // path, size, mode, uid, gid, fmap, seqnum, crc
        ("file0", 1_048_576, 0o644, 0, 0, .simple([SimpleExtent(offset: 0xa0_0000, length: 0x20_0000)]), 0, 0xfe2c_a6d4),
        ("dir1/file1", 1_048_576, 0o644, 1000, 1000, .simple([SimpleExtent(offset: 0xa0_0000, length: 0x20_0000)]), 1, 0xdcb9_c258),
        ("dir1/file1", 1_048_576, 0o644, 0, 0, .simple([SimpleExtent(offset: 0xa0_0000, length: 0x20_0000)]), 1, 0xc9ff_d50e),
        ("file2", 0x50_0007, 0o600, 0, 0, .simple([SimpleExtent(offset: 0xc0_0000, length: 0x60_0000)]), 2, 0x811f_3661),
        ("striped", 10 << 20, 0o644, 0, 0, .interleaved(InterleavedExtent(chunkSize: 0x20_0000, strips: [
            SimpleExtent(offset: 0x1_8000_0000, length: 0x60_0000), SimpleExtent(offset: 0x1_0000_0000, length: 0x60_0000)])), 3, 0x2779_7cdb),
        ("small_in_stripe_mode", 4096, 0o644, 0, 0, .simple([SimpleExtent(offset: 0x120_0000, length: 0x20_0000)]), 4, 0xa236_03cc),
    ]

    @Test("FILE entries have the reference CRCs (vectors from the original's code)", arguments: fileEntryVectors)
    func fileEntryCRC(v: (String, UInt64, UInt32, UInt32, UInt32, Fmap, UInt64, UInt32)) throws {
        let meta = FileMeta(path: v.0, size: v.1, mode: v.2, uid: v.3, gid: v.4, fmap: v.5)
        let entry = LogEntry(seqnum: v.6, body: .file(meta))
        let bytes = entry.encoded()
        #expect(bytes.count == 544)
        #expect(ByteReader(bytes).u64(536) == UInt64(v.7))
        #expect(try LogEntry.decode(bytes, index: v.6) == entry)
    }

    @Test("MKDIR entries have the reference CRCs", arguments: [("dir0", UInt64(1), UInt32(0x6ee8_ebcd)), ("dir1", 0, 0xd6db_820b)])
    func mkdirCRC(path: String, seq: UInt64, crc: UInt32) throws {
        let entry = LogEntry(seqnum: seq, body: .mkdir(DirectoryMeta(path: path, mode: 0o755, uid: 0, gid: 0)))
        let bytes = entry.encoded()
        #expect(ByteReader(bytes).u64(536) == UInt64(crc))
        #expect(try LogEntry.decode(bytes, index: seq) == entry)
    }

    @Test("entry field offsets: type @8, fm_size @16, relpath @40, fmap @120, extents @136")
    func entryOffsets() {
        let meta = FileMeta(path: "dir1/file1", size: 0x10_0000, mode: 0o644, uid: 1000, gid: 1000,
                            fmap: .simple([SimpleExtent(offset: 0xa0_0000, length: 0x20_0000)]))
        let b = LogEntry(seqnum: 1, body: .file(meta)).encoded()
        #expect(Array(b[0x10..<0x20]) == hexBytes("00 00 10 00 00 00 00 00 02 00 00 00 e8 03 00 00"))
        #expect(Array(b[0x20..<0x30]) == hexBytes("e8 03 00 00 a4 01 00 00 64 69 72 31 2f 66 69 6c"))
        #expect(b[0x80] == 1)
        #expect(Array(b[0x90..<0xa0]) == hexBytes("00 00 a0 00 00 00 00 00 00 00 20 00 00 00 00 00"))
    }

    @Test("the D.1 superblock encodes to the reference bytes")
    func superblockBytes() throws {
        let sb = Superblock(fsUUID: FamfsUUID(string: "45de18ba-59f2-4a1d-9e1c-ca70e4de830b")!,
                            deviceUUID: FamfsUUID(string: "8943bea4-9ab3-44f7-a469-4cfa1f5a0ced")!,
                            systemUUID: FamfsUUID(string: "1080a258-7c4e-4066-bc28-8005741ae3a2")!,
                            deviceSize: 0x2_0000_0000, daxdevName: "/dev/dax0.0")
        let b = sb.encoded()
        #expect(Array(b[0x60..<0x68]) == hexBytes("cf c2 9f 56 00 00 00 00"))
        #expect(Array(b[0x70..<0x78]) == hexBytes("00 00 00 00 02 00 00 00"))
        #expect(Array(b[0x88..<0x93]) == Array("/dev/dax0.0".utf8))
        #expect(b[0x93..<200].allSatisfy { $0 == 0 })
        #expect(try Superblock.decode(b) == sb)
    }

    @Test("ADD_DAXDEV, DELETE, INVALID and unknown types round-trip")
    func otherTypes() throws {
        let bodies: [LogEntry.Body] = [.addDaxdev(DaxdevMeta(size: 1 << 34, uuid: .random(), index: 1)), .delete, .invalid, .unknown(type: 9)]
        for (i, body) in bodies.enumerated() {
            let e = LogEntry(seqnum: UInt64(i), body: body)
            #expect(try LogEntry.decode(e.encoded(), index: UInt64(i)) == e)
        }
    }
}
