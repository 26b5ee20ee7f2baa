import ArgumentParser

public struct FamfsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "famfs",
        abstract: "The fabric-attached memory file system.",
        subcommands: [MountCommand.self, UmountCommand.self, LogplayCommand.self, FsckCommand.self,
                      CheckCommand.self, MkdirCommand.self, CpCommand.self, CreatCommand.self, FlushCommand.self,
                      VerifyCommand.self, GetmapCommand.self, CloneCommand.self, ChkreadCommand.self],
        helpNames: [.customShort("h"), .customShort("?"), .customLong("help")])
    public init() {}
}
