#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore
import FamfsFormat
import SystemSupport

struct CreatCommand: Command {
    static let sizeOption = OptionSpec.value("s", "size", "size", help: "File size (k/m/g suffixes).")
    static let seedOption = OptionSpec.value("S", "seed", "seed", help: "Random seed (needs -r).")
    static let randomizeOption = OptionSpec.flag("r", "randomize", help: "Fill the file with the random stream for the seed.")
    static let modeOption = OptionSpec.value("m", "mode", "mode", help: "Mode (octal, default 0644; the umask applies).")
    static let uidOption = OptionSpec.value("u", "uid", "uid", help: "Owner uid (default: the effective uid).")
    static let gidOption = OptionSpec.value("g", "gid", "gid", help: "Owner gid (default: the effective gid).")
    static let verboseOption = OptionSpec.flag("v", "verbose", help: "Verbose.")
    static let multiOption = OptionSpec.value("M", "multi", "file,size[,seed]", help: "Create several files.", repeatable: true)
    static let threadctOption = OptionSpec.value("t", "threadct", "n", help: "Threads randomizing --multi files (0-256).")
    static let spec = CommandSpec(
        name: "creat",
        abstract: "Create (pre-allocate) files in a famfs file system (master only), optionally filled with seeded random data.",
        discussion: """
            An existing file is reused when its size matches (or no size is given), so creat is restartable; \
            a different size is an error. With --randomize and --seed the file gets the reference's random \
            byte stream, which 'famfs verify' checks. Exit status: 0, or the number of files that failed.
            """,
        options: [sizeOption, seedOption, randomizeOption, modeOption, uidOption, gidOption, verboseOption, multiOption,
                  threadctOption] + InterleaveOptions.options,
        positionals: [PositionalSpec("file", help: "The file to create.", arity: .optional)])

    var size: String?
    var seed: String?
    var randomize = false
    var mode: String?
    var uid: String?
    var gid: String?
    var verbose = false
    var multi: [String] = []
    var threadct: String?
    var interleave: InterleaveOptions
    var file: String?

    init(_ a: ParsedArguments) {
        size = a.value(Self.sizeOption)
        seed = a.value(Self.seedOption)
        randomize = a.flag(Self.randomizeOption)
        mode = a.value(Self.modeOption)
        uid = a.value(Self.uidOption)
        gid = a.value(Self.gidOption)
        verbose = a.flag(Self.verboseOption)
        multi = a.values(Self.multiOption)
        threadct = a.value(Self.threadctOption)
        interleave = InterleaveOptions(a)
        file = a.positional(0)
    }

    struct Job { var path: String; var size: UInt64; var seed: UInt64 }

    /// What every file of one invocation is created with.
    struct Settings {
        var params: InterleaveParameters
        var mode: UInt32
        var uid: UInt32
        var gid: UInt32
        var size: UInt64
    }

    /// A created (or reused) file and the device its bytes are on.
    typealias Target = (file: FileMeta, device: Device)

    func run() throws {
        let seed = try self.seed.map { s -> UInt64 in
            guard let v = MiniYAML.parseNumber(s) else { throw ValidationError("-S: '\(s)' is not a number") }
            return v
        } ?? 0
        if seed != 0 && !randomize {
            Output.err("Error seed (-S) without randomize (-r) argument")
            throw ExitCode(1)
        }
        let settings = try self.settings()
        if multi.isEmpty {
            try createSingle(seed: seed, settings)
            return
        }
        if seed != 0 || file != nil {
            Output.err("famfs creat: -S|<file> and --multi are incompatible")
            throw ExitCode(1)
        }
        let jobs = try planMulti()
        let threads = try parseThreadCount(threadct, command: "creat", function: "randomize_multi")
        let targets = try allocate(jobs, settings)
        try fill(jobs, targets, threads: threads)
    }

    func settings() throws -> Settings {
        Settings(params: try interleave.parameters(command: "creat"),
                 mode: (try mode.map { try parseOctal($0, option: "-m") } ?? 0o644) & ~currentUmask(),
                 uid: try uid.map { try parseID($0, option: "-u") } ?? geteuid(),
                 gid: try gid.map { try parseID($0, option: "-g") } ?? getegid(),
                 size: try size.map { try parseSizeArgument($0, option: "-s") } ?? 0)
    }

    /// `famfs creat [-s size] [-r -S seed] <file>`.
    func createSingle(seed: UInt64, _ settings: Settings) throws {
        guard let file else {
            Output.err("Must specify filename")
            throw ExitCode(1)
        }
        do {
            let target = try createOne(file, size: settings.size, settings, sessions: SessionCache())
            if randomize && seed != 0 {
                try FileData.randomize(target.file, target.device, seed: seed)
                Output.out("randomized \(target.file.size) bytes: \(file)\n")
            }
        } catch {
            throw fail("creat", error)
        }
    }

    /// The files `--multi <file>,<size>[,<seed>]` asks for, or the original's message for the first bad one.
    func planMulti() throws -> [Job] {
        try multi.enumerated().map { i, m in
            let parts = m.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let seed: UInt64? = parts.count == 3 ? MiniYAML.parseNumber(parts[2]) : 0
            guard (2...3).contains(parts.count), !parts[0].isEmpty, let size = parseSize(parts[1]), let seed else {
                Output.err("famfs creat: bad multi arg(\(i)): \(m) nstrings=\(parts.count)")
                throw ExitCode(1)
            }
            return Job(path: parts[0], size: size, seed: seed)
        }
    }

    /// Creates every file, one after the other (allocation is serial); any failure ends the command
    /// after the summary line, before any data is written.
    func allocate(_ jobs: [Job], _ settings: Settings) throws -> [Target] {
        let sessions = SessionCache(bulk: jobs.count > 4)
        var targets: [Target] = []
        var errs = 0
        for j in jobs {
            do {
                targets.append(try createOne(j.path, size: j.size, settings, sessions: sessions))
            } catch {
                Output.err("famfs creat: \(error)")
                errs += 1
            }
        }
        Output.out("Create complete for \(targets.count) of \(jobs.count) files with \(errs) errs\n")
        guard errs == 0 else { throw ExitCode(exitValue(errs)) }
        return targets
    }

    /// Writes each seeded file's random stream, on `threads` workers.
    func fill(_ jobs: [Job], _ targets: [Target], threads: Int) throws {
        Output.out("randomize_multi: randomizing \(jobs.count) files via \(threads) threads\n")
        let results = ResultBox(count: jobs.count)
        let box = UncheckedBox(zip(targets, jobs).map { ($0.file, $0.device, $1.seed) })
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
    func createOne(_ path: String, size: UInt64, _ settings: Settings, sessions: SessionCache) throws -> Target {
        let target = try FamfsPath.resolve(path)
        guard !target.relative.isEmpty else { throw CoreError.isDirectory(path: path) }
        let session = try sessions.session(for: target)
        // One call: the writer checks "exists with another size" and "new file without a size".
        let (f, created) = try session.createFile(target.relative, size: size, mode: settings.mode, uid: settings.uid,
                                                 gid: settings.gid, interleave: settings.params)
        if verbose && created { Output.out("famfs creat: created \(target.full) (\(size) bytes)\n") }
        return (f, session.device)
    }
}
