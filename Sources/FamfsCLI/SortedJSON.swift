/// JSON text of a tree of dictionaries, arrays, strings, numbers and booleans, keys sorted and
/// indented by two spaces (what `--json` of fsck and getmap printed with Foundation).
func sortedJSON(_ value: Any, indent: String = "") -> String {
    let inner = indent + "  "
    switch value {
    case let d as [String: Any]:
        if d.isEmpty { return "{}" }
        let fields = d.keys.sorted().map { "\(inner)\(jsonString($0)) : \(sortedJSON(d[$0] ?? "", indent: inner))" }
        return "{\n" + fields.joined(separator: ",\n") + "\n\(indent)}"
    case let a as [Any]:
        if a.isEmpty { return "[]" }
        return "[\n" + a.map { inner + sortedJSON($0, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
    case let s as String: return jsonString(s)
    case let b as Bool: return b ? "true" : "false"
    case let n as any BinaryInteger: return "\(n)"
    case let d as Double: return d.isFinite ? "\(d)" : "null"
    default: return "null"
    }
}

private func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where u.value < 0x20:
            let hex = String(u.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "\""
}
