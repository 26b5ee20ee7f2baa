import Foundation
import Testing
@testable import FamfsFormat

/// Decodes the images written by the original famfs tools and compares with what they printed.
@Suite("Reference images decode as the original decoded them")
struct ReferenceImageTests {
    /// One line per entry in the style of `populated.decode.txt`.
    static func describe(_ e: LogEntry, index: Int) -> [String] {
        let at = 0x200000 + Media.entryOffset(UInt64(index))
        let head = "entry[\(index)] @img+0x\(String(at, radix: 16)) seq=\(e.seqnum)"
        switch e.body {
        case .mkdir(let d):
            return ["\(head) type=1 MKDIR '\(d.path)' uid=\(d.uid) gid=\(d.gid) mode=0\(String(d.mode, radix: 8))"]
        case .file(let f):
            var lines: [String] = []
            switch f.fmap {
            case .simple(let ext):
                lines.append("\(head) type=0 FILE '\(f.path)' size=\(f.size) flags=\(f.flags) uid=\(f.uid) gid=\(f.gid) mode=0\(String(f.mode, radix: 8)) ext_type=0 n=\(ext.count)")
                for (i, x) in ext.enumerated() {
                    lines.append("    se[\(i)] dev=\(x.devIndex) ofs=0x\(String(x.offset, radix: 16)) len=0x\(String(x.length, radix: 16))")
                }
            case .interleaved(let ie):
                lines.append("\(head) type=0 FILE '\(f.path)' size=\(f.size) flags=\(f.flags) uid=\(f.uid) gid=\(f.gid) mode=0\(String(f.mode, radix: 8)) ext_type=1 n=1")
                lines.append("    ie[0] nstrips=\(ie.strips.count) chunk_size=0x\(String(ie.chunkSize, radix: 16))")
                for (i, x) in ie.strips.enumerated() {
                    lines.append("      strip[\(i)] dev=\(x.devIndex) ofs=0x\(String(x.offset, radix: 16)) len=0x\(String(x.length, radix: 16))")
                }
            }
            return lines
        default:
            return ["\(head) other"]
        }
    }

    /// decode.txt without the crc fields, which our description leaves out.
    static func expectedEntries(_ text: String) -> [String] {
        text.split(separator: "\n").filter { $0.hasPrefix("entry[") || $0.hasPrefix("    ") }.map { line in
            String(line).replacingOccurrences(of: #" crc=0x[0-9a-f]+ OK"#, with: "", options: .regularExpression)
        }
    }

    static func decodeAll(_ img: [UInt8]) throws -> (Superblock, LogHeader, [LogEntry]) {
        let sb = try Superblock.decode(img)
        let log = Array(img[0x200000..<0x200000 + Int(sb.logLength)])
        let h = try LogHeader.decode(log, expectedLength: sb.logLength)
        var entries: [LogEntry] = []
        for i in 0..<h.nextIndex {
            let off = Media.entryOffset(i)
            entries.append(try LogEntry.decode(log[off..<off + Media.logEntrySize], index: i))
        }
        return (sb, h, entries)
    }

    @Test("populated: every entry as listed in populated.decode.txt")
    func populated() throws {
        let (sb, h, entries) = try Self.decodeAll(try Fixtures.imageHead("populated"))
        #expect(sb.fsUUID.description == "684b007d-069c-4a38-a810-bcbf27063b00")
        #expect(sb.systemUUID.description == "0a7ac1e0-0000-4000-8000-000000000001")
        #expect(sb.daxdevNameString == "/dev/dax0.0" && sb.deviceSize == 4_294_967_296)
        #expect(h.nextIndex == 11 && h.lastIndex == 15419)
        let ours = entries.enumerated().flatMap { Self.describe($0.element, index: $0.offset) }
        let theirs = Self.expectedEntries(try Fixtures.text("populated.decode.txt"))
            .map { $0.replacingOccurrences(of: #" type=(\d) (MKDIR|FILE)"#, with: " type=$1 $2", options: .regularExpression) }
        #expect(ours == theirs)
    }

    @Test("populated: emitting each file's fmap YAML gives the shadow files' bytes")
    func shadowYAML() throws {
        let (_, _, entries) = try Self.decodeAll(try Fixtures.imageHead("populated"))
        var checked = 0
        for case .file(let f) in entries.map(\.body) {
            let shadow = try Fixtures.text("populated.shadow/root/\(f.path)")
            #expect(FmapYAML.emit(f) == shadow, "\(f.path)")
            #expect(try FmapYAML.parse(shadow) == f)
            checked += 1
        }
        #expect(checked == 7)
    }

    @Test("fresh and fresh-log16m: geometry as decoded by the reference")
    func fresh() throws {
        let (sb, h, _) = try Self.decodeAll(try Fixtures.imageHead("fresh"))
        #expect(sb.logLength == 0x80_0000 && h.nextIndex == 0)
        let (sb16, h16, _) = try Self.decodeAll(try Fixtures.imageHead("fresh-log16m"))
        #expect(sb16.logLength == 0x100_0000 && h16.lastIndex == 30839)
        #expect(ByteReader(try Fixtures.imageHead("fresh-log16m")).u64(96) == 0x059a_37a8)
    }

    @Test("bad images: superblock CRC, log magic, entry 3 CRC each fail where the reference failed")
    func bad() throws {
        #expect(throws: FormatError.self) { try Superblock.decode(try Fixtures.imageHead("bad-sb-crc")) }
        let lm = try Fixtures.imageHead("bad-log-magic")
        let sb = try Superblock.decode(lm)
        #expect(throws: FormatError.self) { try LogHeader.decode(lm[0x200000..<0x200030], expectedLength: sb.logLength) }
        let ec = try Fixtures.imageHead("bad-entry-crc")
        let off = 0x200000 + Media.entryOffset(3)
        #expect(throws: FormatError.self) { try LogEntry.decode(ec[off..<off + 544], index: 3) }
        let off4 = 0x200000 + Media.entryOffset(4)
        #expect(try LogEntry.decode(ec[off4..<off4 + 544], index: 4).seqnum == 4)
    }
}
