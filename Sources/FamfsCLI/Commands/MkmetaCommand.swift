#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore

/// `famfs mkmeta`: in the original, makes `.meta/.superblock` and `.meta/.log` on a standalone
/// (kernel-module) mount. On our FUSE mounts the daemon serves both files from the moment of the
/// mount, so there is nothing to make; the command says so and succeeds, as scripts expect.
struct MkmetaCommand: Command {
    static let verboseOption = OptionSpec.flag("v", "verbose", help: "Verbose.")
    static let spec = CommandSpec(
        name: "mkmeta",
        abstract: "Accepted for compatibility: a FUSE famfs mount always has its .meta files.",
        discussion: "Exit status: 0 for a famfs device (mounted or not), 255 without a device argument or for a missing one.",
        options: [verboseOption],
        positionals: [PositionalSpec("device", help: "The famfs device.", arity: .optional)])

    var device: String?

    init(_ a: ParsedArguments) {
        device = a.positional(0)
    }

    func run() throws {
        guard let device else {
            Output.err("famfs mkmeta: Must specify at least one dax device")
            throw ExitCode(255)
        }
        guard let real = realPath(device) else {
            Output.err("famfs mkmeta: unable to rationalize daxdev path from (\(device))")
            throw ExitCode(255)
        }
        if let mount = FamfsPath.famfsMounts().first(where: { realPath($0.source) == real }) {
            Output.out("famfs mkmeta: \(mount.mountPoint) serves .meta/.superblock and .meta/.log already; nothing to do\n")
        } else {
            Output.out("famfs mkmeta: \(real) is not mounted; famfs mount makes the .meta files (nothing to do)\n")
        }
    }
}
