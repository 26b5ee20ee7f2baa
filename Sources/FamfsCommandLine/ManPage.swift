/// A roff man page (man(7) macros) made from a command's spec: `famfs --generate-man` gives
/// famfs(1) with every sub-command, `famfs --generate-man creat` gives famfs-creat(1).
public enum ManPage {
    public static func render(_ spec: CommandSpec) -> String {
        let page = spec.qualifiedName.replacingSpaces(with: "-")
        let section = spec.manSection
        var s = ".TH \(escape(page.uppercased())) \(section) \"\" \"famfs \(FamfsVersion.string)\" \"famfs manual\"\n"
        s += ".SH NAME\n\(escape(page)) \\- \(escape(spec.abstract))\n"
        s += ".SH SYNOPSIS\n" + synopsis(spec)
        if !spec.discussion.isEmpty { s += ".SH DESCRIPTION\n" + paragraphs(spec.discussion) }
        s += options(spec)
        if !spec.subcommands.isEmpty {
            s += ".SH COMMANDS\n"
            for c in spec.subcommands {
                s += ".SS \(escape(c.qualifiedName))\n" + synopsis(c) + ".PP\n\(escape(c.abstract))\n"
                if !c.discussion.isEmpty { s += paragraphs(c.discussion) }
                for o in c.visibleOptions { s += item(o) }
            }
        }
        s += ".SH VERSION\nfamfs \(FamfsVersion.string)\n"
        return s
    }

    static func synopsis(_ spec: CommandSpec) -> String {
        var s = ".B \(escape(spec.qualifiedName))\n"
        if !spec.visibleOptions.isEmpty { s += "[\\fIoptions\\fR]\n" }
        if !spec.subcommands.isEmpty { s += "\\fIcommand\\fR [\\fIargs\\fR]\n" }
        for p in spec.positionals {
            switch p.arity {
            case .required: s += "\\fI\(escape(p.name))\\fR\n"
            case .optional: s += "[\\fI\(escape(p.name))\\fR]\n"
            case .repeating: s += "\\fI\(escape(p.name))\\fR...\n"
            }
        }
        return s
    }

    static func options(_ spec: CommandSpec) -> String {
        var s = ".SH OPTIONS\n"
        for p in spec.positionals where !p.help.isEmpty {
            s += ".TP\n\\fI\(escape(p.name))\\fR\n\(escape(p.help))\n"
        }
        for o in spec.visibleOptions { s += item(o) }
        let helpNames = (spec.helpShorts.map { "\\fB\\-\(escape(String($0)))\\fR" } + ["\\fB\\-\\-help\\fR"]).joined(separator: ", ")
        s += ".TP\n\(helpNames)\nShow help information.\n"
        if spec.parentName == nil { s += ".TP\n\\fB\\-\\-version\\fR\nShow the version.\n" }
        return s
    }

    static func item(_ o: OptionSpec) -> String {
        var names: [String] = []
        if let short = o.short { names.append("\\fB\\-\(escape(String(short)))\\fR") }
        if let long = o.long { names.append("\\fB\\-\\-\(escape(long))\\fR") }
        var head = names.joined(separator: ", ")
        if let v = o.valueName { head += " \\fI\(escape(v))\\fR" }
        return ".TP\n\(head)\n\(escape(o.help))\(o.repeatable ? " May be given more than once." : "")\n"
    }

    static func paragraphs(_ text: String) -> String {
        text.split(separator: "\n").map { ".PP\n\(escape(String($0)))\n" }.joined()
    }

    /// Escapes roff: backslashes, hyphens (so they are not hyphenation points), and a line that
    /// would otherwise start with a control character.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\e"
            case "-": out += "\\-"
            default: out.append(c)
            }
        }
        if out.hasPrefix(".") || out.hasPrefix("'") { out = "\\&" + out }
        return out
    }
}

extension String {
    func replacingSpaces(with r: String) -> String {
        split(separator: " ", omittingEmptySubsequences: false).joined(separator: r)
    }
}
