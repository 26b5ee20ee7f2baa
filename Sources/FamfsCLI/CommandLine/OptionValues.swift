import FamfsCommandLine

/// Typed values of options, with one-line refusals naming the option.
extension ParsedArguments {
    func double(_ option: OptionSpec) throws -> Double? {
        guard let s = value(option) else { return nil }
        guard let v = Double(s) else { throw ValidationError("\(option.displayName): '\(s)' is not a number") }
        return v
    }

    func int(_ option: OptionSpec) throws -> Int? {
        guard let s = value(option) else { return nil }
        guard let v = Int(s) else { throw ValidationError("\(option.displayName): '\(s)' is not an integer") }
        return v
    }

    func int32(_ option: OptionSpec) throws -> Int32? {
        guard let s = value(option) else { return nil }
        guard let v = Int32(s) else { throw ValidationError("\(option.displayName): '\(s)' is not an integer") }
        return v
    }

    /// The positional argument at `index`, if given.
    func positional(_ index: Int) -> String? { index < positionals.count ? positionals[index] : nil }
}

extension OptionSpec {
    /// `-s` or `--size`, as messages name an option.
    var displayName: String { long.map { "--\($0)" } ?? short.map { "-\($0)" } ?? "?" }
}
