/// What one command line said: the options in the order given and the positional arguments.
public struct ParsedArguments: Sendable, Equatable {
    /// Each option occurrence: the option's key and its value (nil for a flag).
    public private(set) var occurrences: [(key: String, value: String?)] = []
    public var positionals: [String] = []

    public init() {}

    mutating func record(_ option: OptionSpec, _ value: String?) {
        occurrences.append((option.key, value))
    }

    /// How often a flag was given (`-vvv` → 3).
    public func count(_ option: OptionSpec) -> Int { occurrences.count { $0.key == option.key } }

    public func flag(_ option: OptionSpec) -> Bool { count(option) > 0 }

    /// The last value given (getopt's behaviour for an option given twice).
    public func value(_ option: OptionSpec) -> String? {
        occurrences.last { $0.key == option.key }?.value
    }

    /// Every value, in order (repeatable options such as `--multi`).
    public func values(_ option: OptionSpec) -> [String] {
        occurrences.compactMap { $0.key == option.key ? $0.value : nil }
    }

    /// Whether `a` was given after `b` (the original checks some conflicts in argument order).
    public func index(of option: OptionSpec) -> Int? { occurrences.firstIndex { $0.key == option.key } }

    public static func == (a: ParsedArguments, b: ParsedArguments) -> Bool {
        a.positionals == b.positionals && a.occurrences.count == b.occurrences.count
            && zip(a.occurrences, b.occurrences).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
