/// Parses one command's arguments the way GNU `getopt_long` does for the original's programs:
///
/// - short options group (`-rv`), and a short option's value is the rest of its word or the next
///   word, whatever it looks like (`-s4k`, `-s 4k`, `-t -1`);
/// - `--name=value` and `--name value`; a unique prefix of a long name is that option (`--thread`);
/// - `--` ends the options; a lone `-` is an argument;
/// - without `permutes` the options end at the first argument (the original's `+` option
///   strings); with it, options and arguments may mix.
///
/// Help (`-h`, `-?`, `--help`) ends parsing when it is reached, as the original's `case 'h'`
/// returns at once.
public enum Getopt {
    public enum Outcome: Equatable, Sendable {
        case arguments(ParsedArguments)
        case help
        case version
    }

    /// `program` is what getopt's messages start with (the original passes `argv[0]`).
    public static func parse(_ spec: CommandSpec, _ args: [String], program: String,
                             acceptsVersion: Bool = false) throws(CommandLineError) -> Outcome {
        var parsed = ParsedArguments()
        var i = 0
        func fail(_ kind: CommandLineError.Kind, _ message: String) -> CommandLineError {
            CommandLineError(kind: kind, message: "\(program): \(message)", exitStatus: spec.unknownOptionStatus,
                             showsUsage: true)
        }
        while i < args.count {
            let word = args[i]
            if word == "--" {
                parsed.positionals += args[(i + 1)...]
                break
            }
            if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                let name: String
                let attached: String?
                if let eq = body.firstIndex(of: "=") {
                    name = String(body[..<eq])
                    attached = String(body[body.index(after: eq)...])
                } else {
                    name = String(body)
                    attached = nil
                }
                if name == "help" { return .help }
                if acceptsVersion && name == "version" { return .version }
                let option: OptionSpec
                if let exact = spec.options.first(where: { $0.long == name }) {
                    option = exact
                } else {
                    var candidates = spec.options.filter { $0.long?.hasPrefix(name) == true && !name.isEmpty }
                    if "help".hasPrefix(name) && !name.isEmpty && candidates.isEmpty { return .help }
                    if acceptsVersion && "version".hasPrefix(name) && !name.isEmpty && candidates.isEmpty { return .version }
                    candidates = candidates.reduce(into: []) { seen, o in if !seen.contains(o) { seen.append(o) } }
                    if candidates.count > 1 {
                        let names = candidates.compactMap { $0.long.map { "'--\($0)'" } }.joined(separator: " ")
                        throw fail(.ambiguousOption, "option '--\(name)' is ambiguous; possibilities: \(names)")
                    }
                    guard let only = candidates.first else {
                        throw fail(.unknownOption, "unrecognized option '\(word)'")
                    }
                    option = only
                }
                let long = option.long ?? name
                if option.takesValue {
                    if let attached {
                        parsed.record(option, attached)
                    } else if i + 1 < args.count {
                        i += 1
                        parsed.record(option, args[i])
                    } else {
                        throw fail(.missingValue, "option '--\(long)' requires an argument")
                    }
                } else {
                    if attached != nil { throw fail(.unexpectedValue, "option '--\(long)' doesn't allow an argument") }
                    parsed.record(option, nil)
                }
                i += 1
                continue
            }
            if word.hasPrefix("-") && word != "-" {
                let letters = Array(word.unicodeScalars.dropFirst())
                var j = 0
                while j < letters.count {
                    let c = letters[j]
                    if spec.helpShorts.contains(c) { return .help }
                    guard let option = spec.options.first(where: { $0.short == c }) else {
                        throw fail(.unknownOption, "invalid option -- '\(c)'")
                    }
                    if option.takesValue {
                        let rest = String(String.UnicodeScalarView(letters[(j + 1)...]))
                        if !rest.isEmpty {
                            parsed.record(option, rest)
                        } else if i + 1 < args.count {
                            i += 1
                            parsed.record(option, args[i])
                        } else {
                            throw fail(.missingValue, "option requires an argument -- '\(c)'")
                        }
                        break
                    }
                    parsed.record(option, nil)
                    j += 1
                }
                i += 1
                continue
            }
            if spec.permutes {
                parsed.positionals.append(word)
                i += 1
                continue
            }
            parsed.positionals += args[i...]
            break
        }
        if let limit = spec.positionalLimit, parsed.positionals.count > limit {
            throw CommandLineError(kind: .unexpectedArgument,
                                   message: "\(spec.qualifiedName): unexpected argument '\(parsed.positionals[limit])'",
                                   exitStatus: 1, showsUsage: false)
        }
        return .arguments(parsed)
    }
}

extension CommandSpec {
    /// The most positional arguments the command takes (nil: any number).
    var positionalLimit: Int? {
        if positionals.contains(where: { if case .repeating = $0.arity { return true }; return false }) { return nil }
        return positionals.count
    }

    /// "famfs creat" for a sub-command, as set by `Program`; the bare name otherwise.
    public var qualifiedName: String { parentName.map { "\($0) \(name)" } ?? name }
}
