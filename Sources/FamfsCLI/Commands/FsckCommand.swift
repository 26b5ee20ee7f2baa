#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore

struct FsckCommand: Command {
    static let humanOption = OptionSpec.flag("h", "human", help: "Sizes in GiB.")
    static let verboseOption = OptionSpec.flag("v", "verbose", help: "Verbose: structure sizes and every problem found.")
    static let nbucketsOption = OptionSpec.value("B", "nbuckets", "n", help: "Free-space statistics for n interleave buckets.")
    static let jsonOption = OptionSpec.flag(nil, "json", help: "Machine-readable output.")
    static let forceOption = OptionSpec.flag("f", "force", help: "Accepted for compatibility; unused.")
    static let mmapOption = OptionSpec.flag("m", "mmap", help: "Read the log through a mapping (the default; accepted for compatibility).", hidden: true)
    static let readOption = OptionSpec.flag("r", "read", help: "Accepted for compatibility (the log is always mapped).", hidden: true)
    static let strictOption = OptionSpec.flag(nil, "strict", help: "Also fail (status 1) when a log entry is bad or was skipped.")
    static let spec = CommandSpec(
        name: "fsck",
        abstract: "Check a famfs file system: superblock, log, allocation collisions, capacity.",
        discussion: "Exit status: the number of allocation collisions (at most 127), as the reference's; 1 on a bad superblock or log, and with --strict also when any log entry is bad or was skipped.",
        options: [humanOption, verboseOption, nbucketsOption, jsonOption, forceOption, mmapOption, readOption, strictOption,
                  .flag(nil, "fuse", help: fuseOnlyNote),
                  .flag("F", "nofuse", help: fuseOnlyNote),
                  .flag("D", "nodax", help: fuseOnlyNote),
                  .flag("M", "set-daxmode", help: "Accepted for compatibility (no device mode switching here)."),
                  .flag("L", "load-module", help: "Accepted for compatibility (no kernel module is used).")],
        positionals: [PositionalSpec("path", help: "A famfs device, or any path in a mounted famfs.", arity: .optional)],
        helpShorts: ["?"])

    var human = false
    var verbose = false
    var nbuckets: Int = 0
    var json = false
    var force = false
    var strict = false
    var path: String

    init(_ a: ParsedArguments) throws {
        human = a.flag(Self.humanOption)
        verbose = a.flag(Self.verboseOption)
        nbuckets = try a.int(Self.nbucketsOption) ?? 0
        json = a.flag(Self.jsonOption)
        force = a.flag(Self.forceOption)
        if a.flag(Self.readOption) {
            Output.err("famfs fsck: warning: the read option can cause cache coherency problems")
        }
        if a.flag(Self.mmapOption) && a.flag(Self.readOption) {
            Output.err("Error: The --mmap and --read arguments are mutually exclusive")
            throw ExitCode(255)
        }
        strict = a.flag(Self.strictOption)
        guard let path = a.positional(0) else {
            Output.err("famfs fsck: Must specify at least one dax device")
            throw ExitCode(1)
        }
        self.path = path
    }

    func run() throws {
        guard nbuckets >= 0 && nbuckets <= 64 else { throw ValidationError("-B takes 1 to 64 buckets") }
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
            // The reference's status counts only collisions; bad or skipped entries are an error
            // only with --strict, and the summary says which applies.
            let damaged = report.badEntries > 0 || !report.problems.isEmpty
            if damaged && !json {
                let n = max(report.badEntries, UInt64(report.problems.count))
                Output.err("famfs fsck: \(n) bad or skipped log entries on \(target.device) (see -v)"
                           + (strict ? "; failing (--strict)" : "; status counts only collisions (use --strict to fail)"))
            }
            if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
            if strict && damaged { throw ExitCode(1) }
        } catch let e as CoreError {
            throw Output.fail("famfs fsck", e)
        }
    }
}
