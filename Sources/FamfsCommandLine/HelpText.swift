/// `--help` text made from a command's spec.
public enum HelpText {
    public static let width = 80

    public static func render(_ spec: CommandSpec) -> String {
        var s = "OVERVIEW: \(spec.abstract)\n"
        if !spec.discussion.isEmpty {
            s += "\n" + wrap(spec.discussion, indent: 0) + "\n"
        }
        s += "\nUSAGE: \(usageLine(spec))\n"
        let positionals = spec.positionals.filter { !$0.help.isEmpty }
        if !positionals.isEmpty {
            s += "\nARGUMENTS:\n"
            for p in positionals { s += row("<\(p.name)>", p.help) }
        }
        s += "\nOPTIONS:\n"
        for o in spec.visibleOptions { s += row(o.synopsis, o.help + (o.repeatable ? " (repeatable)" : "")) }
        s += row((spec.helpShorts.map { "-\($0)" } + ["--help"]).joined(separator: ", "), "Show help information.")
        if spec.parentName == nil { s += row("--version", "Show the version.") }
        if !spec.subcommands.isEmpty {
            s += "\nSUBCOMMANDS:\n"
            for c in spec.subcommands { s += row(c.name, c.abstract) }
            s += "\n  See '\(spec.name) <subcommand> --help' for detailed help.\n"
        }
        return s
    }

    public static func usageLine(_ spec: CommandSpec) -> String {
        var parts = [spec.qualifiedName]
        if !spec.visibleOptions.isEmpty { parts.append("[<options>]") }
        if !spec.subcommands.isEmpty { parts.append("<subcommand>") }
        parts += spec.positionals.map(\.usage)
        return parts.joined(separator: " ")
    }

    /// `  -s, --size <size>       help…`, the help wrapped and aligned at column 26.
    static func row(_ left: String, _ help: String) -> String {
        let column = 26
        let head = "  " + left
        let body = wrap(help, indent: column)
        if head.count + 2 <= column {
            return head + String(repeating: " ", count: column - head.count) + body.dropFirst(column) + "\n"
        }
        return head + "\n" + body + "\n"
    }

    /// Words wrapped at `width`, every line indented by `indent` spaces.
    static func wrap(_ text: String, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = pad
            for word in paragraph.split(separator: " ") {
                if line.count > indent && line.count + 1 + word.count > width {
                    lines.append(line)
                    line = pad
                }
                line += (line.count > indent ? " " : "") + word
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
