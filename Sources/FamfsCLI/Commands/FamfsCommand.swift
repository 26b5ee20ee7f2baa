import ArgumentParser

public struct FamfsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "famfs",
        abstract: "The fabric-attached memory file system.",
        subcommands: [FsckCommand.self],
        helpNames: [.customShort("h"), .customShort("?"), .customLong("help")])
    public init() {}
}
