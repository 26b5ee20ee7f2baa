#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine

/// A command of one of our programs: its spec (what it accepts, its help) and what it does.
protocol Command {
    static var spec: CommandSpec { get }
    /// Takes the parsed command line; throws `ValidationError` for a value it cannot use.
    init(_ arguments: ParsedArguments) throws
    func run() throws
}

/// Ends a command with this exit status (its messages are already printed).
struct ExitCode: Error, Equatable {
    var rawValue: Int32
    init(_ rawValue: Int32) { self.rawValue = rawValue }
}

/// A value on the command line that the command cannot use: one line, exit status 1.
struct ValidationError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

extension Command {
    /// Runs the command and returns its exit status; every error becomes one line on stderr.
    static func execute(_ arguments: ParsedArguments) -> Int32 {
        do {
            try Self(arguments).run()
            return 0
        } catch let e as ExitCode {
            return e.rawValue
        } catch {
            Output.err("\(spec.qualifiedName): \(error)")
            return 1
        }
    }
}

/// The `main` of each program: parse, print help/version/errors, or run the command.
enum ProgramMain {
    static func run(_ spec: CommandSpec, _ commands: [any Command.Type]) -> Never {
        // A reader gone away (`famfs fsck … | head`) must not kill us mid-way.
        signal(SIGPIPE, SIG_IGN)
        let invocation = Program(spec).invocation(CommandLine.arguments)
        if let status = Terminal.finish(invocation) { exit(status) }
        guard case .run(let command, let arguments) = invocation,
              let type = commands.first(where: { $0.spec.name == command.name }) else {
            Output.err("\(spec.name): no handler for this command")
            exit(1)
        }
        exit(type.execute(arguments))
    }
}
