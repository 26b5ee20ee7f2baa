import ArgumentParser
import FamfsControl
import FamfsCore
import Foundation

/// `famfs logplay`: the daemon follows the log by itself; this forces an immediate replay and
/// prints the reference's summary line.
struct LogplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logplay",
        abstract: "Replay the log of a mounted famfs now (new files normally appear within a second).",
        helpNames: [.customShort("h"), .customShort("?"), .customLong("help")])

    @Flag(name: [.customShort("n"), .long], help: "Dry run: read and check the log, change nothing.") var dryrun = false
    @Flag(name: .shortAndLong, help: "Verbose: print every problem found.") var verbose = false
    @Flag(name: [.customShort("c"), .long], help: "Accepted for compatibility.") var client = false
    @Flag(name: [.customShort("r"), .long], help: "Accepted for compatibility.") var read = false
    @Flag(name: [.customShort("m"), .long], help: "Accepted for compatibility.") var mmap = false
    @Argument(help: "Any path in a mounted famfs.") var path: String

    func run() throws {
        if dryrun { Output.out("Logplay: dry_run selected\n") }
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
        if dryrun {
            Output.out("famfs_logplay: \(report.entries) log entries; \(report.filesCreated) files; \(report.directoriesCreated) directories\n")
        } else {
            guard let answer = xattrString(mpt, ControlProtocol.Xattr.refresh) else {
                Output.err("famfs logplay: the daemon of \(mpt) does not answer"); throw ExitCode(1)
            }
            let f = answer.split(separator: " ")
            Output.out("famfs_logplay: \(f.first ?? "0") log entries; \(f.count > 1 ? f[1] : "0") new files; \(f.count > 2 ? f[2] : "0") new directories\n")
        }
        if verbose || report.errorCount > 0 {
            if report.errorCount > 0 { Output.out("\t\(report.fileErrors) file errors and \(report.directoryErrors) dir errors, \(report.badEntries) bad entries\n") }
            if verbose { for p in report.problems { Output.out("\t\(p)\n") } }
        }
        if report.errorCount > 0 { throw ExitCode(exitValue(Int(report.errorCount))) }
    }
}
