import Testing
@testable import FamfsFormat

@Suite("Fmap YAML and the random data pattern")
struct YAMLAndRandomTests {
    static let file2 = """
        ---
        file:
          path: file2
          size: 5242887
          flags: 2
          mode: 0600
          uid: 0
          gid: 0
          nextents: 1
          simple_ext_list:
          - devindex: 0
            offset: 0xc00000
            length: 0x600000
        ...

        """

    static let striped = """
        ---
        file:
          path: striped
          size: 16777216
          flags: 2
          mode: 0644
          uid: 0
          gid: 0
          nextents: 1
          striped_ext_list:
          - nstrips: 2
            chunk_size: 0x200000
            simple_ext_list:
            - devindex: 0
              offset: 0x40000000
              length: 0x800000
            - devindex: 0
              offset: 0x80000000
              length: 0x800000
        ...

        """

    @Test("D.5 file2 emits byte-exact and parses back")
    func simple() throws {
        let m = FileMeta(path: "file2", size: 5_242_887, mode: 0o600, uid: 0, gid: 0,
                         fmap: .simple([SimpleExtent(offset: 0xc0_0000, length: 0x60_0000)]))
        #expect(FmapYAML.emit(m) == Self.file2)
        #expect(try FmapYAML.parse(Self.file2) == m)
    }

    @Test("the original's interleaved shadow-file example emits byte-exact and parses back")
    func interleaved() throws {
        let m = FileMeta(path: "striped", size: 16 << 20, mode: 0o644, uid: 0, gid: 0,
                         fmap: .interleaved(InterleavedExtent(chunkSize: 0x20_0000, strips: [
                            SimpleExtent(offset: 0x4000_0000, length: 0x80_0000), SimpleExtent(offset: 0x8000_0000, length: 0x80_0000)])))
        #expect(FmapYAML.emit(m) == Self.striped)
        #expect(try FmapYAML.parse(Self.striped) == m)
    }

    @Test("parse rejects unknown keys, count mismatches, missing length")
    func strict() {
        #expect(throws: FormatError.self) { try FmapYAML.parse(Self.file2.replacingOccurrences(of: "flags:", with: "flagz:")) }
        #expect(throws: FormatError.self) { try FmapYAML.parse(Self.file2.replacingOccurrences(of: "nextents: 1", with: "nextents: 2")) }
        #expect(throws: FormatError.self) { try FmapYAML.parse(Self.striped.replacingOccurrences(of: "nstrips: 2", with: "nstrips: 3")) }
        #expect(throws: FormatError.self) { try FmapYAML.parse(Self.file2.replacingOccurrences(of: "    length: 0x600000\n", with: "")) }
        #expect(throws: FormatError.self) { try FmapYAML.parse("garbage") }
    }

    @Test("parse accepts other key orders and extents without devindex")
    func lenient() throws {
        let text = "---\nfile:\n  size: 10\n  path: p\n  nextents: 1\n  simple_ext_list:\n  - offset: 0x200000\n    length: 2097152\n...\n"
        let m = try FmapYAML.parse(text)
        #expect(m.path == "p" && m.size == 10 && m.fmap == .simple([SimpleExtent(offset: 0x20_0000, length: 0x20_0000)]))
    }

    @Test("random fill vectors (the original's famfs_cp/verify stream)", arguments: [
        (UInt64(1), "28 49 91 ee 66 b6 fb 34 3a 87 ca 18 de 44 17 78 e8 a8 66"),
        (42, "98 5f 52 e2 7a fb 0c 3d f8 8c 82 2b 40 22 49 e5 d5 78 1c"),
        (0xdead_beef, "bd f4 6a aa 2e fa ef de ea 1e 61 35 22 77 41 1a 6b 63 c1"),
        (0x1_0000_0001, "28 49 91 ee 66 b6 fb 34 3a 87 ca 18 de 44 17 78 e8 a8 66"),
    ])
    func randomFill(seed: UInt64, expected: String) {
        #expect(RandomFill.bytes(seed: seed, count: 19) == hexBytes(expected))
    }

    @Test("seed 42 first outputs; a mismatch is found at its word")
    func randomOutputs() {
        var g = RandomFill(seed: 42)
        #expect(g.next() == 0xe6c7_1559_e252_5f98)
        #expect(g.next() == 0xc47d_5759_3d0c_fb7a)
        var bytes = RandomFill.bytes(seed: 7, count: 4096)
        var v = RandomFill(seed: 7)
        #expect(bytes.withUnsafeBytes { v.firstMismatch($0) } == nil)
        bytes[1001] ^= 1
        var v2 = RandomFill(seed: 7)
        #expect(bytes.withUnsafeBytes { v2.firstMismatch($0) } == 1000)
    }
}
