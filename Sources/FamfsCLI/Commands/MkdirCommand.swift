import ArgumentParser
import FamfsCore
import Foundation

struct MkdirCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mkdir",
        abstract: "Create a directory in a famfs file system (master only).",
        discussion: "With -p, missing parents are created and an existing directory is not an error; -m applies only to directories actually created.",
        helpNames: [.customShort("h"), .customShort("?"), .customLong("help")])

    @Flag(name: [.customShort("p"), .long], help: "Make parent directories as needed; no error if the directory exists.") var parents = false
    @Option(name: [.customShort("m"), .long], help: "Mode (octal, default 0755).") var mode: String?
    @Option(name: [.customShort("u"), .long], help: "Owner uid (default: the effective uid).") var uid: String?
    @Option(name: [.customShort("g"), .long], help: "Owner gid (default: the effective gid).") var gid: String?
    @Flag(name: [.customShort("v"), .long], help: "Print each directory created.") var verbose = false
    @Argument(help: "The directory to create.") var dir: String?

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
