/// Writes a string as a block-mapping value the way libyaml's emitter does when asked for a plain
/// scalar with default settings (width 80, indent 2, no unicode output), which is how the
/// reference writes every shadow-file value: plain when the text reads back as itself, else
/// single-quoted, else double-quoted with escapes. Names such as `we: ird #name`, or names with
/// newlines, so stay one value and can never add lines to the map.
///
/// Mirrors `yaml_emitter_analyze_scalar`, `yaml_emitter_select_scalar_style` and the three
/// scalar writers of libyaml's `emitter.c`, including their folding of long lines.
struct YAMLScalarWriter {
    enum Style { case plain, singleQuoted, doubleQuoted }

    private static let bestWidth = 80

    private(set) var output: [UInt8] = []
    /// libyaml's emitter state: the current column (in characters), whether the last thing
    /// written was whitespace, and whether only indentation has been written on this line.
    private var column: Int
    private var whitespace = false
    private var indention = false
    /// Indentation of continuation lines (the value's mapping indentation plus 2).
    private let indent: Int

    /// `column` is where the writer stands after the key's `:`.
    init(column: Int, indent: Int) {
        self.column = column
        self.indent = indent
    }

    /// ` value` as libyaml writes it after `key:` (nothing for an empty value).
    static func value(_ text: String, column: Int, indent: Int) -> String {
        var w = YAMLScalarWriter(column: column, indent: indent)
        let scalars = Array(text.unicodeScalars)
        switch style(scalars) {
        case .plain: w.writePlain(scalars)
        case .singleQuoted: w.writeSingleQuoted(scalars)
        case .doubleQuoted: w.writeDoubleQuoted(scalars)
        }
        return String(decoding: w.output, as: UTF8.self)
    }

    // MARK: analysis (yaml_emitter_analyze_scalar + select_scalar_style, block context, value)

    static func isBreak(_ c: Unicode.Scalar) -> Bool {
        c == "\r" || c == "\n" || c.value == 0x85 || c.value == 0x2028 || c.value == 0x2029
    }
    /// `IS_BLANKZ`: space, tab, a line break or NUL (also what lies past the end).
    static func isBlankZ(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return true }
        return c == " " || c == "\t" || c.value == 0 || isBreak(c)
    }
    /// `IS_PRINTABLE` restricted to ASCII, since the emitter is not in unicode mode: every
    /// other character is "special" and forces double quotes.
    static func isPlainASCII(_ c: Unicode.Scalar) -> Bool { c == "\n" || (c.value >= 0x20 && c.value <= 0x7e) }

    /// Characters that cannot start a plain scalar.
    static let leadingIndicators = Set("#,[]{}&*!|>'\"%@`".unicodeScalars)

    static func style(_ s: [Unicode.Scalar]) -> Style {
        if s.isEmpty { return .plain }
        var blockIndicators = false, lineBreaks = false, special = false
        var leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false
        var breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false
        if s.count >= 3 && ((s[0] == "-" && s[1] == "-" && s[2] == "-") || (s[0] == "." && s[1] == "." && s[2] == ".")) {
            blockIndicators = true
        }
        var precededByWhitespace = true
        for i in s.indices {
            let c = s[i]
            let followedByWhitespace = isBlankZ(i + 1 < s.count ? s[i + 1] : nil)
            if i == 0 {
                if Self.leadingIndicators.contains(c) { blockIndicators = true }
                if (c == "?" || c == ":") && followedByWhitespace { blockIndicators = true }
                if c == "-" && followedByWhitespace { blockIndicators = true }
            } else {
                if c == ":" && followedByWhitespace { blockIndicators = true }
                if c == "#" && precededByWhitespace { blockIndicators = true }
            }
            if !isPlainASCII(c) { special = true }
            if isBreak(c) { lineBreaks = true }
            if c == " " {
                if i == 0 { leadingSpace = true }
                if i == s.count - 1 { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if isBreak(c) {
                if i == 0 { leadingBreak = true }
                if i == s.count - 1 { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousSpace = false
                previousBreak = true
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = isBlankZ(c)
        }
        var plainAllowed = true, singleAllowed = true
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak { plainAllowed = false }
        if breakSpace { plainAllowed = false; singleAllowed = false }
        if spaceBreak || special { plainAllowed = false; singleAllowed = false }
        if lineBreaks || blockIndicators { plainAllowed = false }
        if plainAllowed { return .plain }
        return singleAllowed ? .singleQuoted : .doubleQuoted
    }

    // MARK: writers

    private mutating func put(_ byte: UInt8) {
        output.append(byte)
        column += 1
    }

    private mutating func putBreak() {
        output.append(UInt8(ascii: "\n"))
        column = 0
    }

    private mutating func write(_ c: Unicode.Scalar) {
        if c.isASCII { output.append(UInt8(c.value)) } else { output += Array(String(Character(c)).utf8) }
        column += 1
    }

    private mutating func writeIndent() {
        if !indention || column > indent || (column == indent && !whitespace) { putBreak() }
        while column < indent { put(UInt8(ascii: " ")) }
        whitespace = true
        indention = true
    }

    private mutating func indicator(_ c: UInt8, needWhitespace: Bool) {
        if needWhitespace && !whitespace { put(UInt8(ascii: " ")) }
        put(c)
        whitespace = false
        indention = false
    }

    private mutating func writePlain(_ s: [Unicode.Scalar]) {
        if !whitespace && !s.isEmpty { put(UInt8(ascii: " ")) }
        var spaces = false, breaks = false
        for i in s.indices {
            let c = s[i]
            if c == " " {
                if !spaces && column > Self.bestWidth && !(i + 1 < s.count && s[i + 1] == " ") {
                    writeIndent()
                } else {
                    write(c)
                }
                spaces = true
            } else if Self.isBreak(c) {
                // Unreachable for plain scalars (a break rules plain out); kept for parity.
                if !breaks && c == "\n" { putBreak() }
                if c == "\n" { putBreak() } else { write(c); column = 0 }
                indention = true
                breaks = true
            } else {
                if breaks { writeIndent() }
                write(c)
                indention = false
                spaces = false
                breaks = false
            }
        }
        whitespace = false
        indention = false
    }

    private mutating func writeSingleQuoted(_ s: [Unicode.Scalar]) {
        indicator(UInt8(ascii: "'"), needWhitespace: true)
        var spaces = false, breaks = false
        for i in s.indices {
            let c = s[i]
            if c == " " {
                if !spaces && column > Self.bestWidth && i != 0 && i != s.count - 1 && !(i + 1 < s.count && s[i + 1] == " ") {
                    writeIndent()
                } else {
                    write(c)
                }
                spaces = true
            } else if Self.isBreak(c) {
                if !breaks && c == "\n" { putBreak() }
                if c == "\n" { putBreak() } else { write(c); column = 0 }
                indention = true
                breaks = true
            } else {
                if breaks { writeIndent() }
                if c == "'" { put(UInt8(ascii: "'")) }
                write(c)
                indention = false
                spaces = false
                breaks = false
            }
        }
        if breaks { writeIndent() }
        indicator(UInt8(ascii: "'"), needWhitespace: false)
        whitespace = false
        indention = false
    }

    private mutating func writeDoubleQuoted(_ s: [Unicode.Scalar]) {
        indicator(UInt8(ascii: "\""), needWhitespace: true)
        var spaces = false
        for i in s.indices {
            let c = s[i]
            if !Self.isPlainASCII(c) || c.value == 0xfeff || Self.isBreak(c) || c == "\"" || c == "\\" {
                put(UInt8(ascii: "\\"))
                switch c.value {
                case 0x00: put(UInt8(ascii: "0"))
                case 0x07: put(UInt8(ascii: "a"))
                case 0x08: put(UInt8(ascii: "b"))
                case 0x09: put(UInt8(ascii: "t"))
                case 0x0a: put(UInt8(ascii: "n"))
                case 0x0b: put(UInt8(ascii: "v"))
                case 0x0c: put(UInt8(ascii: "f"))
                case 0x0d: put(UInt8(ascii: "r"))
                case 0x1b: put(UInt8(ascii: "e"))
                case 0x22: put(UInt8(ascii: "\""))
                case 0x5c: put(UInt8(ascii: "\\"))
                case 0x85: put(UInt8(ascii: "N"))
                case 0xa0: put(UInt8(ascii: "_"))
                case 0x2028: put(UInt8(ascii: "L"))
                case 0x2029: put(UInt8(ascii: "P"))
                default:
                    let (letter, digits): (Character, Int) = c.value <= 0xff ? ("x", 2) : c.value <= 0xffff ? ("u", 4) : ("U", 8)
                    put(letter.asciiValue ?? 0)
                    for k in stride(from: (digits - 1) * 4, through: 0, by: -4) {
                        let d = UInt8((c.value >> UInt32(k)) & 0xf)
                        put(d < 10 ? UInt8(ascii: "0") + d : UInt8(ascii: "A") + d - 10)
                    }
                }
                spaces = false
            } else if c == " " {
                if !spaces && column > Self.bestWidth && i != 0 && i != s.count - 1 {
                    writeIndent()
                    if i + 1 < s.count && s[i + 1] == " " { put(UInt8(ascii: "\\")) }
                } else {
                    write(c)
                }
                spaces = true
            } else {
                write(c)
                spaces = false
            }
        }
        indicator(UInt8(ascii: "\""), needWhitespace: false)
        whitespace = false
        indention = false
    }
}
