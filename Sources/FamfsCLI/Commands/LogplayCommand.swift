#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsControl
import FamfsCore

struct LogplayCommand: Command {
    static let dryrunOption = OptionSpec.flag("n", "dryrun", help: "Dry run: read and check the log, change nothing.")
    static let verboseOption = OptionSpec.flag("v", "verbose", help: "Verbose: print every problem found.")
    static let jsonOption = OptionSpec.flag(nil, "json", help: "Print JSON: mount_point, dry_run, entries, files, directories, new_files, new_directories, file_errors, directory_errors, bad_entries, problems.")
    static let spec = CommandSpec(
        name: "logplay",
        abstract: "Replay the log of a mounted famfs now (new files normally appear within a second).",
        options: [dryrunOption, verboseOption, jsonOption,
                  .flag("c", "client", help: "Accepted for compatibility."),
                  .flag("r", "read", help: "Accepted for compatibility."),
                  .flag("m", "mmap", help: "Accepted for compatibility.")],
        positionals: [PositionalSpec("path", help: "Any path in a mounted famfs.", arity: .optional)])

    var dryrun = false
    var verbose = false
    var json = false
    var path: String

    init(_ a: ParsedArguments) throws {
        dryrun = a.flag(Self.dryrunOption)
        verbose = a.flag(Self.verboseOption)
        json = a.flag(Self.jsonOption)
        guard let path = a.positional(0) else {
            Output.err("Must specify mount_point (actually any path within a famfs file system will work)")
            throw ExitCode(1)
        }
        self.path = path
    }

    func run() throws {
        if dryrun && !json { Output.out("Logplay: dry_run selected\n") }
        let target: FamfsTarget
        do { target = try FamfsTarget.resolve(path, purpose: .anyPath) } catch { throw Output.fail("famfs logplay", error) }
        guard let mpt = target.mountPoint else {
            Output.err("famfs logplay: \(path) is not in a mounted famfs"); throw ExitCode(1)
        }
        let volume: FamfsVolume
        do { volume = try FamfsVolume(path: target.device, writable: false, identity: try? HostIdentity.load()) } catch {
            throw Output.fail("famfs logplay", error)
        }
        let report = volume.report
        var newCounts: (entries: String, files: String, directories: String)?
        if !dryrun {
            guard let answer = xattrString(mpt, ControlProtocol.Xattr.refresh) else {
                Output.err("famfs logplay: the daemon of \(mpt) does not answer"); throw ExitCode(1)
            }
            let f = answer.split(separator: " ").map(String.init)
            newCounts = (f.first ?? "0", f.count > 1 ? f[1] : "0", f.count > 2 ? f[2] : "0")
        }
        if json {
            func n(_ s: String?) -> JSONValue { s.flatMap { Int64($0) }.map { .int($0) } ?? .null }
            Output.out(JSONValue.object([
                ("mount_point", .string(mpt)), ("dry_run", .bool(dryrun)), ("entries", .uint(report.entries)),
                ("files", .uint(report.filesCreated)), ("directories", .uint(report.directoriesCreated)),
                ("new_files", n(newCounts?.files)), ("new_directories", n(newCounts?.directories)),
                ("file_errors", .uint(report.fileErrors)), ("directory_errors", .uint(report.directoryErrors)),
                ("bad_entries", .uint(report.badEntries)), ("problems", .array(report.problems.map { .string($0) })),
            ]).pretty)
        } else {
            if let c = newCounts {
                Output.out("famfs_logplay: \(c.entries) log entries; \(c.files) new files; \(c.directories) new directories\n")
            } else {
                Output.out("famfs_logplay: \(report.entries) log entries; \(report.filesCreated) files; \(report.directoriesCreated) directories\n")
            }
            if verbose || report.errorCount > 0 {
                if report.errorCount > 0 { Output.out("\t\(report.fileErrors) file errors and \(report.directoryErrors) dir errors, \(report.badEntries) bad entries\n") }
                if verbose { for p in report.problems { Output.out("\t\(p)\n") } }
            }
        }
        if report.errorCount > 0 { throw ExitCode(exitValue(Int(report.errorCount))) }
    }
}
