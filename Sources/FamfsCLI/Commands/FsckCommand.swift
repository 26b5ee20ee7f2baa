import ArgumentParser
import FamfsCore
import Foundation

struct FsckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsck",
        abstract: "Check a famfs file system: superblock, log, allocation collisions, capacity.",
        discussion: "Exit status: the number of allocation collisions (at most 127); 1 on a bad superblock or log.",
        helpNames: [.customShort("?"), .customLong("help")])

    @Flag(name: [.customShort("h"), .long], help: "Sizes in GiB.") var human = false
    @Flag(name: .shortAndLong, help: "Verbose: structure sizes and every problem found.") var verbose = false
    @Option(name: [.customShort("B"), .customLong("nbuckets")], help: "Free-space statistics for n interleave buckets.") var nbuckets: Int = 0
    @Flag(help: "Machine-readable output.") var json = false
    @Flag(name: [.customShort("f"), .long], help: "Accepted for compatibility; unused.") var force = false
    @Argument(help: "A famfs device, or any path in a mounted famfs.") var path: String

    func run() throws {
        guard nbuckets >= 0 && nbuckets <= 64 else { throw Output.fail("famfs fsck", CoreError.invalidArgument("-B takes 1 to 64 buckets")) }
        let target: FamfsTarget
        do { target = try FamfsTarget.resolve(path, purpose: .fsck) } catch { throw Output.fail("famfs fsck", error) }
        do {
            // Fsck.scan replays the log from scratch: opening must not replay it a first time.
            let volume = try FamfsVolume(path: target.device, writable: false, identity: try? HostIdentity.load(), replaying: false)
            let report = try Fsck.scan(volume, buckets: nbuckets, namespace: verbose)
            if json {
                Output.out(FsckText.json(report))
            } else {
                if let mpt = target.mountPoint {
                    Output.out("famfs fsck:\n  mount point: \(mpt)\n  mount type:  FAMFS_FUSE\n  backing dev: \(target.device)\n")
                }
                Output.out(FsckText.render(report, human: human, verbose: verbose))
            }
            if report.badEntries > 0 && !json {
                Output.err("famfs fsck: \(report.badEntries) bad log entries on \(target.device) (see -v)")
            }
            if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
        } catch let e as CoreError {
            throw Output.fail("famfs fsck", e)
        }
    }
}
