#if canImport(Glibc)
import Glibc
#endif

/// What a program's command line asks for, before any command runs.
public enum Invocation: Sendable {
    /// Run `command` (the program itself, or one of its sub-commands) with these arguments.
    case run(CommandSpec, ParsedArguments)
    /// Print this text on stdout and exit 0 (`--help`, `-h`, `--version`, the generators).
    case print(String)
    /// Print `error.message` on stderr, then (if it says so) `usage` on stdout; exit with its status.
    case refuse(CommandLineError, usage: String)
}

/// A program's command line from `argv` to an `Invocation`: the program's own options, then, for
/// a program with sub-commands (`famfs`), the command word and its options.
///
/// Hidden, first word only: `--generate-man [<command>]` prints a roff page and
/// `--generate-completion bash|zsh|fish` a completion script, for the install script.
public struct Program: Sendable {
    public var spec: CommandSpec

    public init(_ spec: CommandSpec) { self.spec = spec }

    public func invocation(_ argv: [String]) -> Invocation {
        let program = argv.first ?? spec.name
        let args = Array(argv.dropFirst())
        if let generated = generated(args) { return generated }
        let outcome: Getopt.Outcome
        do {
            outcome = try Getopt.parse(topLevelSpec, args, program: program, acceptsVersion: true)
        } catch {
            return .refuse(error, usage: HelpText.render(spec))
        }
        switch outcome {
        case .help:
            // `famfs -h mount` is mount's help (the original looks at the word after -h).
            if !spec.subcommands.isEmpty, let i = args.firstIndex(where: { spec.helpShorts.map { "-\($0)" }.contains($0) || $0 == "--help" }),
               i + 1 < args.count, let sub = spec.subcommand(named: args[i + 1]) {
                return .print(HelpText.render(sub))
            }
            return .print(HelpText.render(spec))
        case .version:
            return .print(FamfsVersion.line(program: spec.name))
        case .arguments(let parsed):
            guard !spec.subcommands.isEmpty else { return .run(spec, parsed) }
            guard let word = parsed.positionals.first else {
                return .refuse(CommandLineError(kind: .missingCommand, message: "\(spec.name): missing command",
                                                exitStatus: 1, showsUsage: true), usage: HelpText.render(spec))
            }
            guard let sub = spec.subcommand(named: word) else {
                return .refuse(CommandLineError(kind: .unknownCommand, message: "\(spec.name): unrecognized command '\(word)'",
                                                exitStatus: 3, showsUsage: true), usage: HelpText.render(spec))
            }
            do {
                switch try Getopt.parse(sub, Array(parsed.positionals.dropFirst()), program: program) {
                case .help, .version: return .print(HelpText.render(sub))
                case .arguments(let subArgs): return .run(sub, subArgs)
                }
            } catch {
                return .refuse(error, usage: HelpText.render(sub))
            }
        }
    }

    /// With sub-commands, the program's own options end at the command word.
    private var topLevelSpec: CommandSpec {
        guard !spec.subcommands.isEmpty else { return spec }
        var s = spec
        s.positionals = [PositionalSpec("command", help: "", arity: .repeating(minimum: 1))]
        s.permutes = false
        return s
    }

    private func generated(_ args: [String]) -> Invocation? {
        switch args.first {
        case "--generate-man":
            if args.count > 1 {
                guard let sub = spec.subcommand(named: args[1]) else {
                    return .refuse(CommandLineError(kind: .unknownCommand, message: "\(spec.name): unrecognized command \(args[1])",
                                                    exitStatus: 3, showsUsage: false), usage: "")
                }
                return .print(ManPage.render(sub))
            }
            return .print(ManPage.render(spec))
        case "--generate-completion":
            switch args.count > 1 ? args[1] : "" {
            case "bash": return .print(Completions.bash(spec))
            case "zsh": return .print(Completions.zsh(spec))
            case "fish": return .print(Completions.fish(spec))
            default:
                return .refuse(CommandLineError(kind: .unexpectedValue,
                                                message: "\(spec.name): --generate-completion takes bash, zsh or fish",
                                                exitStatus: 1, showsUsage: false), usage: "")
            }
        default:
            return nil
        }
    }
}

/// Writing whole strings to a file descriptor (stdout, stderr) without stdio buffering surprises.
public enum Terminal {
    public static func write(_ s: String, to fd: Int32) {
        var bytes = Array(s.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { p -> Int in
                guard let base = p.baseAddress else { return 0 }
                return Glibc.write(fd, base + done, p.count - done)
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            done += n
        }
    }

    /// Prints what a non-running invocation says and returns its exit status; nil for `.run`.
    public static func finish(_ invocation: Invocation) -> Int32? {
        switch invocation {
        case .run: return nil
        case .print(let text):
            write(text, to: STDOUT_FILENO)
            return 0
        case .refuse(let error, let usage):
            write(error.message + "\n", to: STDERR_FILENO)
            if error.showsUsage { write(usage, to: STDOUT_FILENO) }
            return error.exitStatus
        }
    }
}
