import ArgumentParser
import FamfsCore
import FamfsFormat
import Foundation

struct CreatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "creat",
        abstract: "Create (pre-allocate) files in a famfs file system (master only), optionally filled with seeded random data.",
        discussion: """
            An existing file is reused when its size matches (or no size is given), so creat is restartable; \
            a different size is an error. With --randomize and --seed the file gets the reference's random \
            byte stream, which 'famfs verify' checks. Exit status: 0, or the number of files that failed.
            """,
        helpNames: [.customShort("h"), .customShort("?"), .customLong("help")])

    @Option(name: [.customShort("s"), .long], help: "File size (k/m/g suffixes).") var size: String?
    @Option(name: [.customShort("S"), .long], help: "Random seed (needs -r).") var seed: String?
    @Flag(name: [.customShort("r"), .long], help: "Fill the file with the random stream for the seed.") var randomize = false
    @Option(name: [.customShort("m"), .long], help: "Mode (octal, default 0644; the umask applies).") var mode: String?
    @Option(name: [.customShort("u"), .long], help: "Owner uid (default: the effective uid).") var uid: String?
    @Option(name: [.customShort("g"), .long], help: "Owner gid (default: the effective gid).") var gid: String?
    @Flag(name: [.customShort("v"), .long], help: "Verbose.") var verbose = false
    @Option(name: [.customShort("M"), .long], help: "<file>,<size>[,<seed>]: create several files (repeatable).") var multi: [String] = []
    @Option(name: [.customShort("t"), .customLong("threadct")], parsing: .unconditional, help: "Threads randomizing --multi files (0-256).") var threadct: String?
    @OptionGroup var interleave: InterleaveOptions
    @Argument(help: "The file to create.") var file: String?

    struct Job { var path: String; var size: UInt64; var seed: UInt64 }

    func run() throws {
        let seed = try self.seed.map { s -> UInt64 in
            guard let v = MiniYAML.parseNumber(s) else { throw ValidationError("-S: '\(s)' is not a number") }
            return v
        } ?? 0
        if seed != 0 && !randomize {
            Output.err("Error seed (-S) without randomize (-r) argument")
            throw ExitCode(1)
        }
        let params = try interleave.parameters(command: "creat")
        let mode = (try self.mode.map { try parseOctal($0, option: "-m") } ?? 0o644) & ~currentUmask()
        let uid = try self.uid.map { try parseID($0, option: "-u") } ?? geteuid()
        let gid = try self.gid.map { try parseID($0, option: "-g") } ?? getegid()
        let size = try self.size.map { try parseSizeArgument($0, option: "-s") } ?? 0

        if multi.isEmpty {
            guard let file else {
                Output.err("Must specify filename")
                throw ExitCode(1)
            }
            let sessions = SessionCache()
            do {
                let (f, v) = try createOne(file, size: size, params: params, mode: mode, uid: uid, gid: gid, sessions: sessions)
                if randomize && seed != 0 {
                    try FileData.randomize(f, v, seed: seed)
                    Output.out("randomized \(f.size) bytes: \(file)\n")
                }
            } catch {
                throw fail("creat", error)
            }
            return
        }

        if seed != 0 || file != nil {
            Output.err("famfs creat: -S|<file> and --multi are incompatible")
            throw ExitCode(1)
        }
        var jobs: [Job] = []
        for (i, m) in multi.enumerated() {
            let parts = m.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard (2...3).contains(parts.count), !parts[0].isEmpty, let sz = parseSize(parts[1]),
                  parts.count == 2 || MiniYAML.parseNumber(parts[2]) != nil else {
                Output.err("famfs creat: bad multi arg(\(i)): \(m) nstrings=\(parts.count)")
                throw ExitCode(1)
            }
            jobs.append(Job(path: parts[0], size: sz, seed: parts.count == 3 ? MiniYAML.parseNumber(parts[2])! : 0))
        }
        let threads = try parseThreadCount(threadct, command: "creat", function: "randomize_multi")

        let sessions = SessionCache(bulk: jobs.count > 4)
        var created: [(FileMeta, Device)?] = []
        var errs = 0
        for j in jobs {
            do {
                created.append(try createOne(j.path, size: j.size, params: params, mode: mode, uid: uid, gid: gid, sessions: sessions))
            } catch {
                Output.err("famfs creat: \(error)")
                created.append(nil)
                errs += 1
            }
        }
        Output.out("Create complete for \(created.count { $0 != nil }) of \(jobs.count) files with \(errs) errs\n")
        guard errs == 0 else { throw ExitCode(exitValue(errs)) }

        Output.out("randomize_multi: randomizing \(jobs.count) files via \(threads) threads\n")
        let results = ResultBox(count: jobs.count)
        let work: [(FileMeta, Device, UInt64)] = zip(created, jobs).map { ($0.0!.0, $0.0!.1, $0.1.seed) }
        let box = UncheckedBox(work)
        runParallel(count: jobs.count, threads: threads) { i in
            let (f, v, s) = box.value[i]
            guard s != 0 else { return }
            do { try FileData.randomize(f, v, seed: s) } catch {
                Output.err("famfs creat: \(error)")
                results.fail(i)
            }
        }
        let randomized = jobs.count { $0.seed != 0 }
        let rerrs = results.failures
        Output.out("Randomize complete for \(randomized) of \(jobs.count) files with \(rerrs) errs\n")
        if rerrs > 0 { throw ExitCode(exitValue(rerrs)) }
    }

    /// Creates `path` or reuses an existing file (size 0 = any size).
    func createOne(_ path: String, size: UInt64, params: InterleaveParameters, mode: UInt32, uid: UInt32, gid: UInt32,
                   sessions: SessionCache) throws -> (FileMeta, Device) {
        let target = try FamfsPath.resolve(path)
        guard !target.relative.isEmpty else { throw CoreError.isDirectory(path: path) }
        let session = try sessions.session(for: target)
        // One call: the writer checks "exists with another size" and "new file without a size".
        let (f, created) = try session.createFile(target.relative, size: size, mode: mode, uid: uid, gid: gid, interleave: params)
        if verbose && created { Output.out("famfs creat: created \(target.full) (\(size) bytes)\n") }
        return (f, session.device)
    }
}

/// Per-item failure flags shared by worker threads.
final class ResultBox: @unchecked Sendable {
    private var failed: [Bool]
    private let lock = NSLock()
    init(count: Int) { failed = Array(repeating: false, count: count) }
    func fail(_ i: Int) { lock.lock(); failed[i] = true; lock.unlock() }
    func failed(_ i: Int) -> Bool { lock.lock(); defer { lock.unlock() }; return failed[i] }
    var failures: Int { lock.lock(); defer { lock.unlock() }; return failed.count { $0 } }
}

/// Hands immutable values to worker threads.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
