/// A command line the parser refuses, carrying what to print and the exit status.
///
/// The messages are GNU getopt's (`famfs: invalid option -- 'x'`, `option '--size' requires an
/// argument`), so a script or a person used to the original sees the same text.
public struct CommandLineError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case unknownOption
        case ambiguousOption
        case missingValue
        case unexpectedValue
        case unexpectedArgument
        case missingCommand
        case unknownCommand
    }

    public var kind: Kind
    /// One line, without the trailing newline.
    public var message: String
    public var exitStatus: Int32
    /// Whether the command's usage follows the message on stdout (as the original prints it).
    public var showsUsage: Bool

    public init(kind: Kind, message: String, exitStatus: Int32, showsUsage: Bool) {
        self.kind = kind
        self.message = message
        self.exitStatus = exitStatus
        self.showsUsage = showsUsage
    }

    public var description: String { message }
}
