import FamfsFormat
import Testing

/// Whether replay's byte-level path check accepts `bytes`.
private func accepted(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { p in (try? LogPath.check(bytes: p)) != nil }
}

@Suite("names and lengths from hostile media or users")
struct HostileNameTests {
    @Test("a newline or other control character in a name is refused (it would start a YAML line)")
    func controlCharacters() {
        for bad in ["a\nb", "dir/x\n  - offset: 0", "tab\there", "bell\u{7}", "del\u{7f}"] {
            #expect(throws: FormatError.self, "\(bad.debugDescription)") { try LogPath.check(bad) }
            #expect(!accepted(Array(bad.utf8)))
        }
    }

    @Test("'.meta' at the root is reserved; elsewhere it is a name like any other")
    func reservedMeta() throws {
        for bad in [".meta", ".meta/x", ".meta/.superblock"] {
            #expect(throws: FormatError.self) { try LogPath.check(bad) }
            #expect(!accepted(Array(bad.utf8)))
        }
        try LogPath.check("a/.meta")
        try LogPath.check(".metadata")
    }

    @Test("bytes that are not UTF-8 in a logged path are refused, not rewritten to U+FFFD")
    func notUTF8() {
        for bytes: [UInt8] in [[0x78, 0xff], [0x78, 0xfe], [0xc3], [0x61, 0x2f, 0xed, 0xa0, 0x80]] {
            #expect(!accepted(bytes))
        }
    }

    @Test("a superblock's log length above 256 MiB is refused on read")
    func logLengthBound() throws {
        let sb = Superblock(fsUUID: .random(), deviceUUID: .random(), systemUUID: .random(), deviceSize: 64 << 30,
                            daxdevName: "/dev/dax0.0", logLength: Media.maxLogLength)
        #expect(try Superblock.decode(sb.encoded()).logLength == Media.maxLogLength)
        for length: UInt64 in [Media.maxLogLength * 2, 1 << 30, 1 << 40] {
            var big = sb
            big.logLength = length
            #expect(throws: FormatError.self, "\(length)") { _ = try Superblock.decode(big.encoded()) }
        }
    }
}
