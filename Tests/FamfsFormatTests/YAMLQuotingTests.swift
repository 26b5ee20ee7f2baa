import Foundation
import Testing
@testable import FamfsFormat

/// The fmap YAML against libyaml itself (PyYAML's C bindings, `Tests/Fixtures/yaml/libyaml_oracle.py`):
/// what the reference's emitter writes for any name, and what its parser accepts.
@Suite("Fmap YAML as libyaml writes and reads it")
struct YAMLQuotingTests {
    struct Parsed: Equatable { var path: String; var size: String; var mode: String; var extents: [[String]] }

    static func meta(_ path: String) -> FileMeta {
        FileMeta(path: path, size: 5_242_887, mode: 0o600, uid: 1000, gid: 100,
                 fmap: .simple([SimpleExtent(offset: 0xc0_0000, length: 0x60_0000), SimpleExtent(devIndex: 0, offset: 0x4000_0000, length: 0x20_0000)]))
    }

    /// Runs the oracle: libyaml's emission of each file, and libyaml's parse of each text (nil: refused).
    static func oracle(emit files: [FileMeta], parse texts: [String] = []) throws -> (emitted: [String], parsed: [Parsed?]) {
        let python = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw OracleError("\(python) is missing: install python3 and python3-yaml (the YAML tests need libyaml's PyYAML)")
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/yaml/libyaml_oracle.py").path
        let request: [String: Any] = [
            "emit": files.map { f -> [String: Any] in
                ["path": f.path, "size": f.size, "flags": f.flags, "mode": f.mode, "uid": f.uid, "gid": f.gid,
                 "extents": f.fmap.extents.map { [$0.devIndex, $0.offset, $0.length] }]
            },
            "parse": texts,
        ]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = errors
        try p.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: request))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0, let reply = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let emitted = reply["emit"] as? [String], let parsed = reply["parse"] as? [[String: Any]] else {
            throw OracleError("libyaml oracle failed (status \(p.terminationStatus)): \(err)")
        }
        return (emitted, parsed.map { d in
            guard d["error"] == nil, let path = d["path"] as? String, let size = d["size"] as? String,
                  let mode = d["mode"] as? String, let ext = d["extents"] as? [[String]] else { return nil }
            return Parsed(path: path, size: size, mode: mode, extents: ext)
        })
    }

    struct OracleError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// Ours, in the oracle's terms (numbers as the text libyaml would have read).
    static func ours(_ text: String) -> Parsed? {
        guard let m = try? FmapYAML.parse(text) else { return nil }
        return Parsed(path: m.path, size: "\(m.size)", mode: "0\(String(m.mode, radix: 8))",
                      extents: m.fmap.extents.map { ["\($0.devIndex)", "0x\(String($0.offset, radix: 16))", "0x\(String($0.length, radix: 16))"] })
    }

    static let trickyNames = [
        "we: ird #name", "plain", "x y", " lead", "trail ", "it's", "#x", "a#b", "a #b", "---", "...", "- x", "-x",
        "?x", "? x", ": x", "a:b", "a: b", "a:", "café", "tab\there", "quote\"d", "back\\slash", "[list]", "{map}",
        "&anchor", "*alias", "!tag", "|block", ">folded", "%dir", "@at", "`tick", ",comma", "a\nb", "a\n\nb",
        "a \nb", "a\n b", "\nlead", "trail\n", "\r", "cr\rlf", "nel\u{85}", "ls\u{2028}ps\u{2029}", "nb\u{a0}sp",
        "bom\u{feff}", "nul\u{0}", "emoji😀", "x\n  size: 999\n  uid: 0",
        String(repeating: "aaaaaaaaa ", count: 9), String(repeating: "b", count: 70) + " cc dd  ee",
        String(repeating: "c", count: 72) + " #d", String(repeating: "it's ", count: 16), String(repeating: "\"q\" ", count: 20),
        String(repeating: "é ", count: 40), String(repeating: "x", count: 75) + "  yy",
    ]

    /// Seeded names over an alphabet of everything YAML treats specially.
    static func randomNames(count: Int) -> [String] {
        let alphabet: [String] = ["a", "b", "z", "0", " ", " ", ":", "#", "-", "'", "\"", "\\", "\n", "\t", "?", ",", "[",
                                  "{", "&", "*", "!", "|", ">", "%", "@", "`", ".", "é", "😀", "\u{85}", "\u{2028}", "\r"]
        var g = RandomFill(seed: 14)
        return (0..<count).map { _ in
            let n = 1 + Int(g.next() % 90)
            return (0..<n).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }.joined()
        }
    }

    @Test("a file named 'we: ird #name' gives YAML that libyaml accepts and that round-trips")
    func weirdName() throws {
        let m = Self.meta("we: ird #name")
        let text = FmapYAML.emit(m)
        #expect(text.contains("  path: 'we: ird #name'\n"))
        let (emitted, parsed) = try Self.oracle(emit: [m], parse: [text])
        #expect(text == emitted[0])
        #expect(parsed[0]?.path == "we: ird #name")
        #expect(try FmapYAML.parse(text) == m)
    }

    @Test("every tricky or random name is emitted byte for byte as libyaml emits it, and both parsers read it back")
    func namesMatchLibyaml() throws {
        let names = Self.trickyNames + Self.randomNames(count: 400)
        let metas = names.map(Self.meta)
        let texts = metas.map(FmapYAML.emit)
        let (emitted, parsed) = try Self.oracle(emit: metas, parse: texts)
        for (k, m) in metas.enumerated() {
            #expect(texts[k] == emitted[k], "name \(m.path.debugDescription)")
            #expect(parsed[k]?.path == m.path, "libyaml reads back \(m.path.debugDescription)")
            #expect((try? FmapYAML.parse(texts[k])) == m, "we read back \(m.path.debugDescription)")
        }
    }

    @Test("a newline in a name never adds a line to the map")
    func newlineInjection() throws {
        let m = Self.meta("x\n  size: 999\n  uid: 0\n  simple_ext_list:\n  - offset: 0x0\n    length: 0x40000000")
        let text = FmapYAML.emit(m)
        for key in ["size", "uid", "simple_ext_list"] {
            #expect(text.split(separator: "\n").filter { $0.hasPrefix("  \(key):") }.count == 1, "one '\(key)' line")
        }
        let parsedBack = try FmapYAML.parse(text)
        #expect(parsedBack == m)
        #expect(parsedBack.size == 5_242_887 && parsedBack.fmap == m.fmap)
        let (_, parsed) = try Self.oracle(emit: [], parse: [text])
        #expect(parsed[0]?.path == m.path && parsed[0]?.size == "5242887")
    }

    static let base = FmapYAML.emit(meta("dir/file"))

    /// Spellings of the same file (or of a file with another path) that libyaml reads.
    static let variants: [String] = [
        base.replacingOccurrences(of: "\n", with: "\r\n"),
        base.replacingOccurrences(of: "\n", with: "\r"),
        "# a shadow file\n" + base.replacingOccurrences(of: "  size: 5242887\n", with: "  size: 5242887   # bytes\n  # the mode:\n"),
        base.replacingOccurrences(of: "path: dir/file", with: "path: 'dir/file'"),
        base.replacingOccurrences(of: "path: dir/file", with: "path: \"dir/file\""),
        base.replacingOccurrences(of: "path: dir/file", with: "path: \"d\\x69r/\\u0066ile\\tx\\\"y\\\\z\""),
        base.replacingOccurrences(of: "path: dir/file", with: "path: 'it''s # not a comment'"),
        base.replacingOccurrences(of: "path: dir/file", with: "path: \"folded\n    over   \n\n    lines\\\n    joined\""),
        base.replacingOccurrences(of: "path: dir/file", with: "path: 'single\n    folded\n\n\n    twice'  # c"),
        base.replacingOccurrences(of: "path: dir/file", with: "path: plain\n    continued\n\n    here"),
        base.replacingOccurrences(of: "path: dir/file", with: "path: a#b:c"),
        base.replacingOccurrences(of: "size: 5242887", with: "size: '5242887'"),
        base.replacingOccurrences(of: "---\n", with: "").replacingOccurrences(of: "...\n", with: ""),
        "\u{feff}" + base,
        base.replacingOccurrences(of: "  - devindex", with: "  -   devindex").replacingOccurrences(of: "    offset", with: "      offset")
            .replacingOccurrences(of: "    length", with: "      length"),
        base + "\n\n# trailing comment\n",
    ]

    @Test("CRLF and CR line ends, comments and quoted scalars parse as libyaml parses them")
    func variantsParseLikeLibyaml() throws {
        let (_, parsed) = try Self.oracle(emit: [], parse: Self.variants)
        for (k, text) in Self.variants.enumerated() {
            #expect(parsed[k] != nil, "libyaml reads variant \(k): \(text.debugDescription)")
            #expect(Self.ours(text) == parsed[k], "variant \(k): \(text.debugDescription)")
        }
    }

    static let refused: [String] = [
        base.replacingOccurrences(of: "path: dir/file", with: "path: a: b"),
        base.replacingOccurrences(of: "path: dir/file", with: "path: 'open"),
        base.replacingOccurrences(of: "path: dir/file", with: "path: \"bad \\q escape\""),
        base.replacingOccurrences(of: "path: dir/file", with: "path: 'x' y"),
        base.replacingOccurrences(of: "path: dir/file", with: "path: [a, b]"),
        base.replacingOccurrences(of: "path: dir/file", with: "path: &a x"),
        base + "---\nfile:\n  path: second\n",
        base.replacingOccurrences(of: "  size:", with: "\tsize:"),
    ]

    @Test("what libyaml refuses, or we do not read, is an error naming a line, never a different file")
    func refusedLikeLibyaml() throws {
        let (_, parsed) = try Self.oracle(emit: [], parse: Self.refused)
        for (k, text) in Self.refused.enumerated() {
            // Flow collections and anchors are YAML that libyaml reads, but never fmap files.
            if k != 4 && k != 5 { #expect(parsed[k] == nil, "libyaml refuses variant \(k)") }
            #expect(throws: FormatError.self, "variant \(k): \(text.debugDescription)") { try FmapYAML.parse(text) }
        }
    }

    @Test("nesting deeper than the limit is an error, not a stack overflow")
    func deepNesting() {
        var text = ""
        for d in 0..<2_000 { text += String(repeating: " ", count: d) + "k:\n" }
        #expect(throws: FormatError.self) { try FmapYAML.parse(text) }
        let dashes = String(repeating: "- ", count: 20_000) + "x\n"
        #expect(throws: FormatError.self) { try FmapYAML.parse(dashes) }
    }
}
