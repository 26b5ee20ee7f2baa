/// Why bytes read from a device are not a valid famfs structure. Each case names the structure,
/// the field and, where it helps, the byte offset at fault.
public enum FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(structure: String, needed: Int, available: Int)
    case badMagic(structure: String, offset: Int, found: UInt64, expected: UInt64)
    case unsupportedVersion(found: UInt64, omfMajor: UInt32)
    case badCRC(structure: String, offset: Int, stored: UInt64, computed: UInt32)
    case badField(structure: String, field: String, offset: Int, value: UInt64, reason: String)
    case badSeqnum(index: UInt64, found: UInt64)
    case badPath(path: String, reason: String)
    case yaml(line: Int, reason: String)

    /// `text` with control characters written as `\n`, `\t` or `\xNN`: a message stays one line.
    public static func printable(_ text: String) -> String {
        var out = ""
        for u in text.unicodeScalars {
            switch u.value {
            case 0x0a: out += "\\n"
            case 0x09: out += "\\t"
            case 0..<0x20, 0x7f: out += "\\x" + (u.value < 0x10 ? "0" : "") + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    public var description: String {
        switch self {
        case let .truncated(s, needed, available):
            return "\(s) is truncated: needs \(needed) bytes, only \(available) available"
        case let .badMagic(s, offset, found, expected):
            return "\(s): bad magic at offset \(offset): found 0x\(String(found, radix: 16)), expected 0x\(String(expected, radix: 16))"
        case let .unsupportedVersion(found, major):
            return "superblock: unsupported version \(found) (OMF major \(major)); this famfs reads version 48, and 47 with OMF 2 layouts"
        case let .badCRC(s, offset, stored, computed):
            return "\(s): CRC mismatch at offset \(offset): stored 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16))"
        case let .badField(s, field, offset, value, reason):
            return "\(s): field \(field) at offset \(offset) = \(value) (0x\(String(value, radix: 16))): \(reason)"
        case let .badSeqnum(index, found):
            return "log entry \(index): bad seqnum \(found) (expected \(index))"
        case let .badPath(path, reason):
            return "path '\(Self.printable(path))': \(reason)"
        case let .yaml(line, reason):
            return "fmap YAML line \(line): \(reason)"
        }
    }
}
