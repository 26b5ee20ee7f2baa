#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore
import FamfsDaemon

/// `famfs status [--json] [<mpt>]`: every famfs mount on this host — device, role, daemon
/// alive or not, log and replay progress, contents, space, refresh interval, last error.
struct StatusCommand: Command {
    static let jsonOption = OptionSpec.flag("j", "json", help: "Print JSON (the shape of the status socket's /status; see README).")
    static let spec = CommandSpec(
        name: "status",
        abstract: "Show every famfs mount on this host: device, role, daemon, log, contents, space, last error.",
        discussion: """
            For each mount the daemon is asked through its status socket; a mount whose daemon is gone \
            is reported from the record the daemon left and from the device (root), marked NOT RUNNING \
            (famfs mount or famfs umount cleans it up). Users other than root see everything but this \
            host's system UUID and the text of the last error. With --json: one object for <mpt>, or \
            {"mounts": [...]} for all. Exit status: 0; 1 if <mpt> is not a famfs mount; 2 if a daemon is not running.
            """,
        options: [jsonOption],
        positionals: [PositionalSpec("mpt", help: "A famfs mount point (default: all).", arity: .optional)])

    var json = false
    var mountPoint: String?

    init(_ a: ParsedArguments) throws {
        json = a.flag(Self.jsonOption)
        guard a.positionals.count <= 1 else { throw ValidationError("takes at most one mount point") }
        mountPoint = a.positional(0)
    }

    func run() throws {
        let statuses: [MountStatus]
        do { statuses = try StatusReport.collect(mountPoint: mountPoint) } catch {
            Output.err("famfs status: \(error)")
            throw ExitCode(1)
        }
        Output.out(json ? StatusReport.json(statuses, single: mountPoint != nil).pretty : StatusReport.text(statuses))
        if statuses.contains(where: { !$0.alive }) { throw ExitCode(2) }
    }
}
