#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore

struct MkdirCommand: Command {
    static let parentsOption = OptionSpec.flag("p", "parents", help: "Make parent directories as needed; no error if the directory exists.")
    static let modeOption = OptionSpec.value("m", "mode", "mode", help: "Mode (octal, default 0755).")
    static let uidOption = OptionSpec.value("u", "uid", "uid", help: "Owner uid (default: the effective uid).")
    static let gidOption = OptionSpec.value("g", "gid", "gid", help: "Owner gid (default: the effective gid).")
    static let verboseOption = OptionSpec.flag("v", "verbose", help: "Print each directory created.")
    static let spec = CommandSpec(
        name: "mkdir",
        abstract: "Create a directory in a famfs file system (master only).",
        discussion: "With -p, missing parents are created and an existing directory is not an error; -m applies only to directories actually created.",
        options: [parentsOption, modeOption, uidOption, gidOption, verboseOption],
        positionals: [PositionalSpec("dir", help: "The directory to create.", arity: .optional)])

    var parents = false
    var mode: String?
    var uid: String?
    var gid: String?
    var verbose = false
    var dir: String?

    init(_ a: ParsedArguments) {
        parents = a.flag(Self.parentsOption)
        mode = a.value(Self.modeOption)
        uid = a.value(Self.uidOption)
        gid = a.value(Self.gidOption)
        verbose = a.flag(Self.verboseOption)
        dir = a.positional(0)
    }

    func run() throws {
        guard let dir else {
            Output.err("famfs mkdir: Must specify at least one path")
            throw ExitCode(1)
        }
        let mode = try self.mode.map { try parseOctal($0, option: "-m") } ?? 0o755
        let uid = try self.uid.map { try parseID($0, option: "-u") } ?? geteuid()
        let gid = try self.gid.map { try parseID($0, option: "-g") } ?? getegid()
        do {
            let target = try FamfsPath.resolve(dir)
            if target.relative.isEmpty {
                if parents { return }
                throw CoreError.exists(path: dir)
            }
            let created = try FamfsSession.open(target).mkdir(target.relative, mode: mode, uid: uid, gid: gid, parents: parents)
            if verbose {
                for path in created {
                    Output.out("famfs mkdir: created directory '\(target.mountPoint)/\(path)'\n")
                }
            }
        } catch {
            throw fail("mkdir", error)
        }
    }
}
