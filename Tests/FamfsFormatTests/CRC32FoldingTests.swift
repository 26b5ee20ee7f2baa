import FamfsTestSupport
import Testing
import FamfsFormat

/// The folded CRC-32 (carry-less multiply, C) and the portable slicing-by-8 table (Swift) must
/// agree everywhere: the known check values, and random inputs of every length and alignment
/// around the folding's 16- and 64-byte steps.
@Suite("CRC-32: folded and portable implementations agree")
struct CRC32FoldingTests {
    /// zlib's `crc32()` of each input.
    static let golden: [(String, UInt32)] = [
        ("", 0), ("a", 0xe8b7_be43), ("abc", 0x3524_41c2), ("123456789", 0xcbf4_3926),
        ("The quick brown fox jumps over the lazy dog", 0x414f_a339),
    ]

    /// CRC-32 one bit at a time, straight from the definition.
    static func bitwise(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    @Test("this CPU has the folded implementation (x86_64 with PCLMULQDQ, or arm64 with CRC32)")
    func available() {
        #if arch(x86_64) || arch(arm64)
        #expect(CRC32.isAccelerated, "no carry-less multiply on this CPU: the portable table is used")
        #endif
    }

    @Test("golden vectors, through both implementations")
    func goldenVectors() {
        for (text, value) in Self.golden {
            let bytes = Array(text.utf8)
            let expected = value
            #expect(Self.bitwise(bytes) == expected, "\(text.prefix(20))")
            bytes.withUnsafeBytes { raw in
                #expect(CRC32.portableChecksum(raw) == expected)
                if let folded = CRC32.foldedChecksum(raw) { #expect(folded == expected) }
                #expect(CRC32.checksum(raw) == expected)
            }
        }
    }

    @Test("random inputs of 0 to 2,100 bytes at every alignment")
    func randomInputs() {
        var rng = SplitMix(state: 0xC0FFEE)
        var buffer = [UInt8](repeating: 0, count: 4096 + 16)
        for i in buffer.indices { buffer[i] = UInt8.random(in: 0...255, using: &rng) }
        var compared = 0
        buffer.withUnsafeBytes { all in
            for length in Array(0...300) + (0..<200).map({ _ in Int.random(in: 0...2100, using: &rng) }) + [536, 544, 4096] {
                let start = Int.random(in: 0..<16, using: &rng)
                let slice = UnsafeRawBufferPointer(rebasing: all[start..<start + length])
                let portable = CRC32.portableChecksum(slice)
                if length <= 64 { #expect(portable == Self.bitwise(Array(slice))) }
                if let folded = CRC32.foldedChecksum(slice) {
                    #expect(folded == portable, "length \(length) at +\(start)")
                    compared += 1
                }
            }
        }
        #if arch(x86_64) || arch(arm64)
        #expect(compared > 500)
        #endif
    }

    @Test("every log entry of a full log: folded equals portable")
    func logEntries() {
        var rng = SplitMix(state: 42)
        var entry = [UInt8](repeating: 0, count: Media.logEntrySize)
        for _ in 0..<2000 {
            for i in stride(from: 0, to: entry.count, by: 8) where Int.random(in: 0..<3, using: &rng) == 0 {
                entry[i] = UInt8.random(in: 0...255, using: &rng)
            }
            entry.withUnsafeBytes { raw in
                let crcRange = UnsafeRawBufferPointer(rebasing: raw[Media.logEntryCRCRange])
                #expect(CRC32.checksum(crcRange) == CRC32.portableChecksum(crcRange))
            }
        }
    }
}
