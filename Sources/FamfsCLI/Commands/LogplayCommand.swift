#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsControl
import FamfsCore

/// `famfs logplay`: the daemon follows the log by itself, so a plain logplay forces an immediate
/// replay and prints the reference's summary line. `--shadow <dir>` writes the reference's shadow
/// tree instead (one fmap YAML per file under `<dir>/root`), from a mount or, with `--daxdev`,
/// straight from a device.
struct LogplayCommand: Command {
    static let dryrunOption = OptionSpec.flag("n", "dryrun", help: "Dry run: read and check the log, change nothing.")
    static let verboseOption = OptionSpec.flag("v", "verbose", help: "Verbose: print every problem found (with --shadow, each file's YAML).")
    static let clientOption = OptionSpec.flag("c", "client", help: "With --shadow: write the tree as a client would (.meta/.log read-only).")
    static let readOption = OptionSpec.flag("r", "read", help: "Accepted for compatibility (the log is always mapped).")
    static let mmapOption = OptionSpec.flag("m", "mmap", help: "Accepted for compatibility (the default).")
    static let shadowOption = OptionSpec.value("S", "shadow", "dir", help: "Write the shadow tree (YAML per file) under <dir>/root.")
    static let shadowtestOption = OptionSpec.flag("s", "shadowtest", help: "With --shadow: read every YAML file back and check it against the log.")
    static let daxdevOption = OptionSpec.value("d", "daxdev", "device", help: "With --shadow: read the log from this device instead of a mount.")
    static let jsonOption = OptionSpec.flag(nil, "json", help: "Print JSON: mount_point, dry_run, entries, files, directories, new_files, new_directories, file_errors, directory_errors, bad_entries, problems.")
    static let daxmodeOption = OptionSpec.flag("M", "set-daxmode", help: fuseOnlyNote)
    static let spec = CommandSpec(
        name: "logplay",
        abstract: "Replay the log of a mounted famfs now (new files normally appear within a second), or write its shadow tree.",
        options: [dryrunOption, verboseOption, jsonOption, clientOption, readOption, mmapOption,
                  shadowOption, shadowtestOption, daxdevOption, daxmodeOption],
        positionals: [PositionalSpec("path", help: "Any path in a mounted famfs (not needed with --daxdev).", arity: .optional)])

    var dryrun = false
    var verbose = 0
    var client = false
    var shadow: String?
    var shadowtest = false
    var daxdev: String?
    var path: String?
    var json = false

    init(_ a: ParsedArguments) throws {
        dryrun = a.flag(Self.dryrunOption)
        verbose = a.count(Self.verboseOption)
        json = a.flag(Self.jsonOption)
        client = a.flag(Self.clientOption)
        shadow = a.value(Self.shadowOption)
        shadowtest = a.flag(Self.shadowtestOption)
        daxdev = a.value(Self.daxdevOption)
        path = a.positional(0)
        if a.flag(Self.readOption) && a.flag(Self.mmapOption) {
            Output.err("Error: The --mmap and --read arguments are mutually exclusive")
            throw ExitCode(1)
        }
        if daxdev != nil && shadow == nil {
            Output.err("Error: daxdev only used with shadow logplay")
            throw ExitCode(1)
        }
        if daxdev == nil && path == nil {
            Output.err("Must specify mount_point (actually any path within a famfs file system will work)")
            throw ExitCode(1)
        }
    }

    func run() throws {
        if dryrun && !json { Output.out("Logplay: dry_run selected\n") }
        if let shadow { try playShadow(into: shadow); return }
        guard let path else { throw ExitCode(1) }
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
            if verbose > 0 || report.errorCount > 0 {
                if report.errorCount > 0 { Output.out("\t\(report.fileErrors) file errors and \(report.directoryErrors) dir errors, \(report.badEntries) bad entries\n") }
                if verbose > 0 { for p in report.problems { Output.out("\t\(p)\n") } }
            }
        }
        if report.errorCount > 0 { throw ExitCode(exitValue(Int(report.errorCount))) }
    }

    /// The shadow logplay: the log comes from `--daxdev`, or from the device under the mount
    /// `path` is in; the tree is written the way the reference's shadow logplay writes it.
    private func playShadow(into shadow: String) throws {
        Output.out("Logplay: running in shadow test mode\n")
        let device: String
        if let daxdev {
            device = daxdev
        } else {
            guard let path else { throw ExitCode(1) }
            do { device = try FamfsTarget.resolve(path, purpose: .anyPath).device } catch { throw Output.fail("famfs logplay", error) }
        }
        let identity = client ? nil : (try? HostIdentity.load())
        let volume: FamfsVolume
        do { volume = try FamfsVolume(path: device, writable: false, identity: identity, replaying: false) } catch {
            throw Output.fail("famfs logplay", error)
        }
        var tree: ShadowTree
        do { tree = try ShadowTree(shadow: shadow, dryRun: dryrun, checkYAML: shadowtest) } catch {
            throw Output.fail("famfs logplay", error)
        }
        if verbose > 0 { tree.onFile = { Output.out($0) } }
        let r: ShadowTree.Report
        do { r = try tree.export(from: volume) } catch { throw Output.fail("famfs logplay", error) }
        Output.out("famfs_logplay(shadow): \(r.entries) log entries; \(r.filesCreated) new files; \(r.directoriesCreated) new directories\n")
        if verbose > 0 {
            Output.out("\tCreated:  \(r.filesCreated) files, \(r.directoriesCreated) directories\n")
            Output.out("\tExisted: \(r.filesExisted) files, \(r.directoriesExisted) directories\n")
        }
        if r.fileErrors > 0 || r.directoryErrors > 0 {
            Output.out("\t\(r.fileErrors) file errors and \(r.directoryErrors) dir errors\n")
        }
        if r.yamlChecked > 0 {
            Output.out("\tshadow yaml checked for \(r.yamlChecked) files\n")
            Output.out("\tthere were \(r.yamlErrors) yaml errors detected\n")
        }
        for p in r.problems { Output.err("famfs logplay: \(p)") }
        if r.errorCount > 0 { throw ExitCode(exitValue(Int(r.errorCount))) }
    }
}
