/// The block-style YAML of fmap files and `.alloc.cfg`, read as libyaml reads it: mappings,
/// sequences (at the parent's indentation or deeper), plain scalars (folded over several
/// lines), single- and double-quoted scalars (with escapes and folding), `#` comments,
/// `---`/`...` markers, and LF, CRLF or CR line ends. Flow collections, anchors, tags, block
/// scalars and multi-document streams are refused with a message, never guessed at.
///
/// Bounded for hostile input: nesting deeper than `maxDepth` is an error (the files we read are
/// four levels deep), and the work is linear in the input.
public enum MiniYAML {
    public struct Line {
        /// Leading spaces.
        var indent: Int
        /// The rest of the line (after the indentation, line break removed, nothing trimmed).
        var body: ArraySlice<UInt8>
        /// 1-based, for messages.
        var number: Int
    }

    public indirect enum Value { case scalar(String), map([(key: String, node: Node)]), seq([Node]) }

    public struct Node {
        public var value: Value
        public var line: Int
        public func scalar() throws(FormatError) -> String {
            guard case .scalar(let s) = value else { throw .yaml(line: line, reason: "expected a scalar") }
            return s
        }
        /// `strtoull(v, 0, 0)` rules: 0x hex, leading-0 octal, else decimal.
        public func number() throws(FormatError) -> UInt64 {
            let s = try scalar()
            guard let v = MiniYAML.parseNumber(s) else { throw .yaml(line: line, reason: "'\(s)' is not a number") }
            return v
        }
    }

    public static let maxDepth = 32

    public static func parseNumber(_ s: String) -> UInt64? {
        if s.hasPrefix("0x") || s.hasPrefix("0X") { return UInt64(s.dropFirst(2), radix: 16) }
        if s.count > 1 && s.hasPrefix("0") { return UInt64(s.dropFirst(), radix: 8) }
        return UInt64(s)
    }

    /// Splits on LF, CRLF and CR (byte-wise: a Swift `Character` would fuse CR and LF), after
    /// a UTF-8 byte order mark if there is one.
    public static func lines(_ text: String) -> [Line] {
        var bytes = Array(text.utf8)[...]
        if bytes.starts(with: [0xef, 0xbb, 0xbf]) { bytes = bytes.dropFirst(3) }
        var out: [Line] = []
        var start = bytes.startIndex
        var i = start
        func add(_ end: Int) {
            let raw = bytes[start..<end]
            let indent = raw.prefix { $0 == UInt8(ascii: " ") }.count
            out.append(Line(indent: indent, body: raw.dropFirst(indent), number: out.count + 1))
        }
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == 10 || b == 13 {
                add(i)
                i += (b == 13 && i + 1 < bytes.endIndex && bytes[i + 1] == 10) ? 2 : 1
                start = i
            } else {
                i += 1
            }
        }
        if start < bytes.endIndex { add(bytes.endIndex) }
        return out
    }

    /// Parses the one document of the stream (between optional `---` and `...`); nil when empty.
    public static func document(_ lines: inout [Line]) throws(FormatError) -> Node? {
        var p = Parser(lines: lines)
        defer { lines = p.lines }
        return try p.document()
    }
}

private let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), hashMark = UInt8(ascii: "#")
private let colon = UInt8(ascii: ":"), dash = UInt8(ascii: "-"), quote = UInt8(ascii: "'")
private let dquote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), newline = UInt8(ascii: "\n")

private func isBlank(_ b: UInt8) -> Bool { b == space || b == tab }

private extension ArraySlice where Element == UInt8 {
    var trimmingLeadingBlanks: ArraySlice<UInt8> { drop(while: isBlank) }
    var trimmingTrailingBlanks: ArraySlice<UInt8> {
        var s = self
        while let l = s.last, isBlank(l) { s = s.dropLast() }
        return s
    }
    /// Only blanks, or a comment.
    var isInsignificant: Bool {
        let t = trimmingLeadingBlanks
        return t.isEmpty || t.first == hashMark
    }
    func byte(_ offset: Int) -> UInt8? { startIndex + offset < endIndex ? self[startIndex + offset] : nil }
    /// The part before a comment (` #…`: a `#` at the start or after a blank), trailing blanks trimmed.
    var beforeComment: ArraySlice<UInt8> {
        var previousBlank = true
        for i in indices {
            if self[i] == hashMark && previousBlank { return self[startIndex..<i].trimmingTrailingBlanks }
            previousBlank = isBlank(self[i])
        }
        return trimmingTrailingBlanks
    }
    /// Index of the `:` that ends a plain key (followed by a blank or the end of the line).
    var keyColon: Int? {
        for i in indices where self[i] == colon {
            if i + 1 == endIndex || isBlank(self[i + 1]) { return i }
        }
        return nil
    }
}

private struct Parser {
    var lines: [MiniYAML.Line]
    var i = 0
    var depth = 0

    func fail(_ reason: String, at line: Int? = nil) -> FormatError {
        .yaml(line: line ?? (i < lines.count ? lines[i].number : (lines.last?.number ?? 0)), reason: reason)
    }

    mutating func skipInsignificant() {
        while i < lines.count, lines[i].body.isInsignificant { i += 1 }
    }

    func isMarker(_ l: MiniYAML.Line, _ marker: UInt8) -> Bool {
        guard l.indent == 0, l.body.count >= 3, l.body.prefix(3).allSatisfy({ $0 == marker }) else { return false }
        return l.body.byte(3).map(isBlank) ?? true
    }
    func isDocumentMarker(_ l: MiniYAML.Line) -> Bool { isMarker(l, dash) || isMarker(l, UInt8(ascii: ".")) }
    func isSequenceItem(_ l: MiniYAML.Line) -> Bool {
        l.body.first == dash && (l.body.byte(1).map(isBlank) ?? true) && !isDocumentMarker(l)
    }

    mutating func document() throws(FormatError) -> MiniYAML.Node? {
        skipInsignificant()
        if i < lines.count, lines[i].body.first == UInt8(ascii: "%") { throw fail("YAML directives are not supported") }
        if i < lines.count, isMarker(lines[i], dash) {
            guard lines[i].body.dropFirst(3).isInsignificant else { throw fail("content after '---' is not supported") }
            i += 1
            skipInsignificant()
        }
        var node: MiniYAML.Node?
        if i < lines.count, !isDocumentMarker(lines[i]) {
            node = try block(indent: lines[i].indent, parent: -1)
        }
        skipInsignificant()
        if i < lines.count, isMarker(lines[i], UInt8(ascii: ".")) {
            guard lines[i].body.dropFirst(3).isInsignificant else { throw fail("content after '...'") }
            i += 1
            skipInsignificant()
        }
        guard i == lines.count else {
            throw fail(isMarker(lines[i], dash) ? "more than one document" : "unexpected content '\(text(lines[i].body))'")
        }
        return node
    }

    func text(_ b: ArraySlice<UInt8>) -> String { String(decoding: b, as: UTF8.self) }

    /// The node whose first line is line `i` (significant), indented `indent`, inside a
    /// collection indented `parent` (continuation lines of a scalar must be deeper than it).
    mutating func block(indent: Int, parent: Int) throws(FormatError) -> MiniYAML.Node {
        depth += 1
        defer { depth -= 1 }
        guard depth <= MiniYAML.maxDepth else { throw fail("nested deeper than \(MiniYAML.maxDepth) levels") }
        let first = lines[i]
        if first.body.first == tab { throw fail("a tab in indentation") }
        if isSequenceItem(first) { return try sequence(indent: indent) }
        let b = first.body
        if b.first != quote && b.first != dquote, b.beforeComment.keyColon != nil { return try mapping(indent: indent) }
        return try scalar(b, parent: parent)
    }

    mutating func sequence(indent: Int) throws(FormatError) -> MiniYAML.Node {
        let first = lines[i].number
        var items: [MiniYAML.Node] = []
        while true {
            skipInsignificant()
            guard i < lines.count, lines[i].indent == indent, isSequenceItem(lines[i]) else { break }
            let afterDash = lines[i].body.dropFirst()
            let gap = afterDash.prefix { $0 == space }.count
            let content = afterDash.dropFirst(gap)
            if content.isInsignificant {
                let line = lines[i].number
                i += 1
                skipInsignificant()
                if i < lines.count, lines[i].indent > indent, !isDocumentMarker(lines[i]) {
                    items.append(try block(indent: lines[i].indent, parent: indent))
                } else {
                    items.append(MiniYAML.Node(value: .scalar(""), line: line))
                }
            } else {
                // "- key: v" is a node that starts two (or more) columns deeper on this line.
                lines[i].indent = indent + 1 + gap
                lines[i].body = content
                items.append(try block(indent: lines[i].indent, parent: indent))
            }
        }
        if i < lines.count, lines[i].indent > indent, !isDocumentMarker(lines[i]) { throw fail("bad indentation") }
        return MiniYAML.Node(value: .seq(items), line: first)
    }

    mutating func mapping(indent: Int) throws(FormatError) -> MiniYAML.Node {
        let first = lines[i].number
        var pairs: [(key: String, node: MiniYAML.Node)] = []
        while true {
            skipInsignificant()
            guard i < lines.count, lines[i].indent == indent, !isSequenceItem(lines[i]), !isDocumentMarker(lines[i]) else { break }
            let line = lines[i]
            if line.body.first == tab { throw fail("a tab in indentation") }
            if let f = line.body.first, f == quote || f == dquote || f == UInt8(ascii: "?") {
                throw fail("only plain keys are supported")
            }
            guard let c = line.body.beforeComment.keyColon else { throw fail("expected 'key: value'") }
            let key = text(line.body[line.body.startIndex..<c].trimmingTrailingBlanks)
            let rest = line.body[(c + 1)...].trimmingLeadingBlanks
            if rest.isInsignificant {
                i += 1
                skipInsignificant()
                if i < lines.count, !isDocumentMarker(lines[i]),
                   lines[i].indent > indent || (lines[i].indent == indent && isSequenceItem(lines[i])) {
                    pairs.append((key, try block(indent: lines[i].indent, parent: indent)))
                } else {
                    pairs.append((key, MiniYAML.Node(value: .scalar(""), line: line.number)))
                }
            } else {
                pairs.append((key, try scalar(rest, parent: indent)))
            }
        }
        if i < lines.count, lines[i].indent > indent, !isDocumentMarker(lines[i]) { throw fail("bad indentation") }
        return MiniYAML.Node(value: .map(pairs), line: first)
    }

    /// A scalar starting at `start` (a slice of line `i`'s body); leaves `i` after its last line.
    mutating func scalar(_ start: ArraySlice<UInt8>, parent: Int) throws(FormatError) -> MiniYAML.Node {
        let line = lines[i].number
        switch start.first {
        case quote?, dquote?:
            return MiniYAML.Node(value: .scalar(try quoted(start)), line: line)
        case let f? where "[]{}&*!|>%@`".utf8.contains(f):
            throw fail("'\(Character(Unicode.Scalar(f)))' (flow collections, anchors, aliases, tags, block scalars) is not supported")
        case let f? where (f == dash || f == UInt8(ascii: "?") || f == colon) && (start.byte(1).map(isBlank) ?? true):
            throw fail("'\(Character(Unicode.Scalar(f)))' cannot start a value here")
        default:
            return MiniYAML.Node(value: .scalar(try plain(start, parent: parent)), line: line)
        }
    }

    /// A plain scalar: this line up to a comment, then more-indented lines folded onto it
    /// (one line break is a space, each empty line a newline). `: ` inside is libyaml's
    /// "mapping values are not allowed in this context".
    mutating func plain(_ start: ArraySlice<UInt8>, parent: Int) throws(FormatError) -> String {
        func piece(_ s: ArraySlice<UInt8>) throws(FormatError) -> (text: ArraySlice<UInt8>, commented: Bool) {
            let t = s.beforeComment
            if t.keyColon != nil { throw fail("':' followed by a blank inside a plain value (quote it)") }
            return (t, t.count < s.trimmingTrailingBlanks.count)
        }
        var (first, commented) = try piece(start)
        var out = Array(first)
        i += 1
        var empty = 0
        var j = i
        while !commented, j < lines.count {
            let l = lines[j]
            let content = l.body.trimmingLeadingBlanks
            if content.isEmpty { empty += 1; j += 1; continue }
            guard l.indent > parent, content.first != hashMark, !isDocumentMarker(l) else { break }
            (first, commented) = try piece(content)
            out += empty == 0 ? [space] : [UInt8](repeating: newline, count: empty)
            out += first
            empty = 0
            j += 1
            i = j
        }
        return text(out[...])
    }

    /// A single- or double-quoted scalar, possibly over several lines; after its closing quote
    /// only blanks or a comment may follow.
    mutating func quoted(_ start: ArraySlice<UInt8>) throws(FormatError) -> String {
        let q = start[start.startIndex]
        let double = q == dquote
        var out: [UInt8] = []
        var pendingBlanks: [UInt8] = []  // raw blanks: dropped if the line ends after them
        var body = start.dropFirst()
        var pos = body.startIndex
        func flushBlanks() { out += pendingBlanks; pendingBlanks.removeAll() }
        while true {
            if pos == body.endIndex {
                // End of line inside the scalar: fold (line break → space, empty lines → newlines).
                pendingBlanks.removeAll()
                let (empties, next) = try continuation()
                out += empties == 0 ? [space] : [UInt8](repeating: newline, count: empties)
                body = next
                pos = body.startIndex
                continue
            }
            let c = body[pos]
            if c == q {
                if !double, pos + 1 < body.endIndex, body[pos + 1] == quote {
                    flushBlanks(); out.append(quote); pos += 2; continue
                }
                flushBlanks()
                guard body[(pos + 1)...].isInsignificant else { throw fail("content after the closing quote") }
                i += 1
                return text(out[...])
            }
            if double && c == backslash {
                flushBlanks()
                guard pos + 1 < body.endIndex else {
                    // An escaped line break joins the lines without a space.
                    let (empties, next) = try continuation()
                    out += [UInt8](repeating: newline, count: empties)
                    body = next
                    pos = body.startIndex
                    continue
                }
                pos = try escape(body, at: pos + 1, into: &out)
                continue
            }
            if isBlank(c) { pendingBlanks.append(c) } else { flushBlanks(); out.append(c) }
            pos += 1
        }
    }

    /// Moves to the next line of a quoted scalar: the count of empty lines skipped and the next
    /// line's content without its leading blanks.
    mutating func continuation() throws(FormatError) -> (Int, ArraySlice<UInt8>) {
        var empties = 0
        while true {
            i += 1
            guard i < lines.count else { throw fail("unterminated quoted scalar", at: lines.last?.number) }
            if isDocumentMarker(lines[i]) { throw fail("document marker inside a quoted scalar") }
            let content = lines[i].body.trimmingLeadingBlanks
            if content.isEmpty { empties += 1; continue }
            return (empties, content)
        }
    }

    /// The one-letter escapes of double-quoted scalars and the code points they stand for.
    static let simpleEscapes: [UInt8: UInt32] = [
            UInt8(ascii: "0"): 0, UInt8(ascii: "a"): 7, UInt8(ascii: "b"): 8, UInt8(ascii: "t"): 9, tab: 9,
            UInt8(ascii: "n"): 10, UInt8(ascii: "v"): 11, UInt8(ascii: "f"): 12, UInt8(ascii: "r"): 13,
            UInt8(ascii: "e"): 0x1b, space: 0x20, dquote: 0x22, UInt8(ascii: "/"): 0x2f, backslash: 0x5c,
            UInt8(ascii: "N"): 0x85, UInt8(ascii: "_"): 0xa0, UInt8(ascii: "L"): 0x2028, UInt8(ascii: "P"): 0x2029,
    ]

    /// Decodes the escape whose letter is at `at`; returns the index after it.
    func escape(_ b: ArraySlice<UInt8>, at: Int, into out: inout [UInt8]) throws(FormatError) -> Int {
        let letter = b[at]
        var value: UInt32
        var next = at + 1
        if let v = Self.simpleEscapes[letter] {
            value = v
        } else {
            let digits: Int
            switch letter {
            case UInt8(ascii: "x"): digits = 2
            case UInt8(ascii: "u"): digits = 4
            case UInt8(ascii: "U"): digits = 8
            default: throw fail("unknown escape '\\\(Character(Unicode.Scalar(letter)))' in a double-quoted value")
            }
            guard next + digits <= b.endIndex,
                  let v = UInt32(text(b[next..<next + digits]), radix: 16), b[next..<next + digits].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != dash }) else {
                throw fail("'\\\(Character(Unicode.Scalar(letter)))' needs \(digits) hex digits")
            }
            value = v
            next += digits
        }
        guard let scalar = Unicode.Scalar(value) else { throw fail("escape of an invalid code point 0x\(String(value, radix: 16))") }
        out += Array(String(Character(scalar)).utf8)
        return next
    }
}
