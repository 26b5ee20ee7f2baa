import FamfsCommandLine

/// The `famfs` program: its sub-commands, in the original's order.
public enum FamfsCommand {
    nonisolated(unsafe) static let commands: [any Command.Type] = [
        MountCommand.self, UmountCommand.self, LogplayCommand.self, FsckCommand.self, CheckCommand.self,
        MkdirCommand.self, CpCommand.self, CreatCommand.self, FlushCommand.self, VerifyCommand.self,
        GetmapCommand.self, CloneCommand.self, ChkreadCommand.self, MkmetaCommand.self, RunCommand.self, StatusCommand.self,
    ]

    public static let spec = CommandSpec(
        name: "famfs",
        abstract: "The fabric-attached memory file system.",
        // The original lists a global --dryrun that does nothing; scripts may pass it.
        options: [.flag(nil, "dryrun", help: "Accepted for compatibility; does nothing.", hidden: true)],
        subcommands: commands.map { $0.spec })

    public static func main() -> Never { ProgramMain.run(spec, commands) }
}

/// The help line of the original's mode options, which famfs here accepts and does not need:
/// it always serves a device through its FUSE daemon, with no kernel module of its own.
let fuseOnlyNote = "Accepted for compatibility: famfs here always works the FUSE way."
