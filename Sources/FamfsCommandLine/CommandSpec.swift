/// What a program or sub-command accepts, declared once: the parser, `--help`, the man page and
/// the shell completions are all made from it, so they cannot disagree.

/// One option: a short name (`-s`), a long name (`--size`) or both. With a `valueName` it takes a
/// value (`-s 4k`, `-s4k`, `--size 4k`, `--size=4k`); without, it is a flag that may be repeated
/// (`-vvv` counts three).
public struct OptionSpec: Sendable, Equatable {
    public var short: Unicode.Scalar?
    public var long: String?
    public var valueName: String?
    public var help: String
    /// Given more than once, every value counts (`--multi a --multi b`); otherwise the last wins.
    public var repeatable: Bool
    /// Accepted, but left out of `--help`, the man page and the completions.
    public var hidden: Bool

    public init(short: Unicode.Scalar?, long: String?, valueName: String? = nil, help: String,
                repeatable: Bool = false, hidden: Bool = false) {
        self.short = short
        self.long = long
        self.valueName = valueName
        self.help = help
        self.repeatable = repeatable
        self.hidden = hidden
    }

    /// A flag: `-v`, `--verbose`.
    public static func flag(_ short: Unicode.Scalar?, _ long: String?, help: String, hidden: Bool = false) -> OptionSpec {
        OptionSpec(short: short, long: long, help: help, hidden: hidden)
    }

    /// An option with a value: `-s <size>`, `--size=<size>`.
    public static func value(_ short: Unicode.Scalar?, _ long: String?, _ valueName: String, help: String,
                             repeatable: Bool = false, hidden: Bool = false) -> OptionSpec {
        OptionSpec(short: short, long: long, valueName: valueName, help: help, repeatable: repeatable, hidden: hidden)
    }

    public var takesValue: Bool { valueName != nil }

    /// The name parsed values are filed under: the long name, else the short one.
    public var key: String { long ?? short.map { String($0) } ?? "" }

    /// `-s, --size <size>` as help and man pages show it.
    public var synopsis: String {
        var names: [String] = []
        if let short { names.append("-\(short)") }
        if let long { names.append("--\(long)") }
        var s = names.joined(separator: ", ")
        if let valueName { s += " <\(valueName)>" }
        return s
    }
}

/// A positional argument.
public struct PositionalSpec: Sendable, Equatable {
    public enum Arity: Sendable, Equatable {
        case required
        case optional
        /// Any number (`<file>...`); `minimum` is only documentation, the command checks it with
        /// the message its scripts expect.
        case repeating(minimum: Int)
    }

    public var name: String
    public var help: String
    public var arity: Arity
    /// What to complete in shells: files (default) or nothing.
    public var completesFiles: Bool

    public init(_ name: String, help: String, arity: Arity = .required, completesFiles: Bool = true) {
        self.name = name
        self.help = help
        self.arity = arity
        self.completesFiles = completesFiles
    }

    var usage: String {
        switch arity {
        case .required: return "<\(name)>"
        case .optional: return "[<\(name)>]"
        case .repeating(let minimum): return minimum > 0 ? "<\(name)>..." : "[<\(name)>...]"
        }
    }
}

/// A program (`mkfs.famfs`) or one of its sub-commands (`famfs creat`).
public struct CommandSpec: Sendable {
    public var name: String
    public var abstract: String
    public var discussion: String
    public var options: [OptionSpec]
    public var positionals: [PositionalSpec]
    public var subcommands: [CommandSpec]
    /// Short names that ask for help. The original's commands take `-h` and `-?`; `famfs fsck`
    /// only `-?` (its `-h` means human-readable sizes).
    public var helpShorts: [Unicode.Scalar]
    /// GNU getopt permutes (options may follow positionals) unless the option string starts with
    /// `+`; the original's famfs and mkfs.famfs all use `+`, so options end at the first positional.
    public var permutes: Bool
    /// Exit status after an unknown option or a missing option value. The original's commands
    /// handle getopt's `?` as a request for help, print their usage and exit 0; scripts written
    /// for them get the same here.
    public var unknownOptionStatus: Int32
    /// Section of the manual this program's page belongs in (1 user commands, 8 administration).
    public var manSection: Int
    /// The program a sub-command belongs to ("famfs" for creat); set by the parent's init.
    public private(set) var parentName: String?

    public init(name: String, abstract: String, discussion: String = "", options: [OptionSpec] = [],
                positionals: [PositionalSpec] = [], subcommands: [CommandSpec] = [],
                helpShorts: [Unicode.Scalar] = ["h", "?"], permutes: Bool = false,
                unknownOptionStatus: Int32 = 0, manSection: Int = 1) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.options = options
        self.positionals = positionals
        self.subcommands = subcommands.map { var c = $0; c.parentName = name; return c }
        self.helpShorts = helpShorts
        self.permutes = permutes
        self.unknownOptionStatus = unknownOptionStatus
        self.manSection = manSection
    }

    public func subcommand(named name: String) -> CommandSpec? {
        subcommands.first { $0.name == name }
    }

    public var visibleOptions: [OptionSpec] { options.filter { !$0.hidden } }
}
