import Testing
@testable import FamfsFormat

@Suite("Decoding refuses bad bytes and names the field")
struct ValidationTests {
    static func sb() -> Superblock {
        Superblock(fsUUID: .random(), deviceUUID: .random(), systemUUID: .random(), deviceSize: 4 << 30, daxdevName: "/dev/shm/x")
    }

    @Test("bad superblock magic")
    func badMagic() {
        var b = Self.sb().encoded()
        b[0] ^= 1
        #expect(throws: FormatError.self) { try Superblock.decode(b) }
    }

    @Test("version 49 and version 47 with OMF 1 are refused; 47 with OMF 2 is read")
    func versions() throws {
        var s = Self.sb()
        s.version = 49
        #expect(throws: FormatError.unsupportedVersion(found: 49, omfMajor: 2)) { try Superblock.decode(s.encoded()) }
        s.version = 47
        #expect(try Superblock.decode(s.encoded()).version == 47)
        s.omfMajor = 1
        #expect(throws: FormatError.unsupportedVersion(found: 47, omfMajor: 1)) { try Superblock.decode(s.encoded()) }
    }

    @Test("a flipped byte in the CRC range fails the superblock CRC")
    func sbCRC() {
        var b = Self.sb().encoded()
        b[50] ^= 0xff
        do { _ = try Superblock.decode(b); Issue.record("decoded") } catch {
            guard case .badCRC(let s, let off, _, _) = error else { Issue.record("\(error)"); return }
            #expect(s == "superblock" && off == 96)
        }
    }

    @Test("bytes outside the CRC range (flags, daxdev) do not matter")
    func outsideCRC() throws {
        var b = Self.sb().encoded()
        b[104] = 7
        #expect(try Superblock.decode(b).flags == 7)
    }

    @Test("allocation unit, log offset and log length are checked")
    func geometry() {
        var s = Self.sb()
        s.allocationUnit = 8192
        #expect(throws: FormatError.self) { try Superblock.decode(s.encoded()) }
        s = Self.sb()
        s.logLength = 3 << 20
        #expect(throws: FormatError.self) { try Superblock.decode(s.encoded()) }
    }

    @Test("a short buffer is reported as truncated")
    func truncated() {
        #expect(throws: FormatError.truncated(structure: "superblock", needed: 200, available: 10)) {
            try Superblock.decode([UInt8](repeating: 0, count: 10))
        }
    }

    @Test("log header: bad magic, bad CRC, wrong length, old entry geometry, next_index out of range")
    func logHeader() {
        let good = LogHeader(length: 8 << 20).encoded()
        var b = good; b[1] ^= 1
        #expect(throws: FormatError.self) { try LogHeader.decode(b, expectedLength: 8 << 20) }
        b = good; b[24] ^= 1
        #expect(throws: FormatError.self) { try LogHeader.decode(b, expectedLength: 8 << 20) }
        #expect(throws: FormatError.self) { try LogHeader.decode(good, expectedLength: 16 << 20) }
        var old = ByteWriter(size: 48)
        old.u64(0, Media.logMagic); old.u64(8, 8 << 20); old.u64(16, (8 << 20 - 48) / 368 - 1)
        old.u64(24, UInt64(CRC32.checksum(old.bytes[0..<24])))
        #expect(throws: FormatError.self) { try LogHeader.decode(old.bytes, expectedLength: 8 << 20) }
        var h = LogHeader(length: 8 << 20); h.nextIndex = 20000; h.nextSeqnum = 20000
        #expect(throws: FormatError.self) { try LogHeader.decode(h.encoded(), expectedLength: 8 << 20) }
    }

    @Test("entry: wrong seqnum, bad CRC, bad fmap")
    func entry() {
        let e = LogEntry(seqnum: 3, body: .mkdir(DirectoryMeta(path: "d", mode: 0o755, uid: 0, gid: 0))).encoded()
        #expect(throws: FormatError.badSeqnum(index: 4, found: 3)) { try LogEntry.decode(e, index: 4) }
        var b = e; b[200] = 1
        #expect(throws: FormatError.self) { try LogEntry.decode(b, index: 3) }
        var w = ByteWriter(size: 544)
        w.u64(0, 0); w.u32(8, 0); w.u32(120, 7)
        w.u64(536, UInt64(CRC32.checksum(w.bytes[0..<536])))
        #expect(throws: FormatError.self) { try LogEntry.decode(w.bytes, index: 0) }
    }

    @Test("log path rules", arguments: ["", "/abs", "a//b", "./a", "a/..", "../../etc/x", String(repeating: "x", count: 80)])
    func badPaths(path: String) {
        #expect(throws: FormatError.self) { try LogPath.validate(path) }
    }

    @Test("good log paths", arguments: ["a", "dirA/sub1/f3m_0600", String(repeating: "x", count: 79), "a.b/..c"])
    func goodPaths(path: String) throws { try LogPath.validate(path) }
}
