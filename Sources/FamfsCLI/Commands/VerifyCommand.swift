#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore
import FamfsFormat
import SystemSupport

struct VerifyCommand: Command {
    static let filenameOption = OptionSpec.value("f", "filename", "file", help: "The file to verify.")
    static let seedOption = OptionSpec.value("S", "seed", "seed", help: "The seed the file was randomized with.")
    static let multiOption = OptionSpec.value("m", "multi", "file,seed", help: "Verify several files.", repeatable: true)
    static let threadctOption = OptionSpec.value("t", "threadct", "n", help: "Threads for --multi (0-256).")
    static let quietOption = OptionSpec.flag("q", "quiet", help: "No success message.")
    static let spec = CommandSpec(
        name: "verify",
        abstract: "Verify that a file holds the random stream 'famfs creat -r -S <seed>' wrote.",
        discussion: "Exit status: 0 verified, 1 mismatch or error; with --multi, the number of files that failed.",
        options: [filenameOption, seedOption, multiOption, threadctOption, quietOption])

    var filename: String?
    var seed: String?
    var multi: [String] = []
    var threadct: String?
    var quiet = false

    init(_ a: ParsedArguments) {
        filename = a.value(Self.filenameOption)
        seed = a.value(Self.seedOption)
        multi = a.values(Self.multiOption)
        threadct = a.value(Self.threadctOption)
        quiet = a.flag(Self.quietOption)
    }

    func run() throws {
        if !multi.isEmpty {
            if filename != nil || seed != nil {
                Output.err("famfs verify: -S|-f and -m incompatible")
                throw ExitCode(1)
            }
            var jobs: [(String, UInt64)] = []
            for (i, m) in multi.enumerated() {
                let parts = m.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2, let s = MiniYAML.parseNumber(parts[1]) else {
                    Output.err("famfs verify: bad multi arg(\(i)): \(m)")
                    throw ExitCode(1)
                }
                jobs.append((parts[0], s))
            }
            let threads = try parseThreadCount(threadct, command: "verify", function: "verify_multi")
            if !quiet { Output.out("verify_multi: threads=\(threads) nfiles=\(jobs.count)\n") }
            let results = ResultBox(count: jobs.count)
            let box = UncheckedBox(jobs)
            let quiet = self.quiet
            runParallel(count: jobs.count, threads: threads) { i in
                if !Self.verifyOne(box.value[i].0, seed: box.value[i].1, quiet: quiet) { results.fail(i) }
            }
            let errs = results.failures
            Output.out("Verify complete for \(jobs.count) files with \(errs) errs\n")
            if errs > 0 { throw ExitCode(exitValue(errs)) }
            return
        }
        guard let filename else {
            Output.err("Must supply filename")
            throw ExitCode(1)
        }
        var s: UInt64 = 0
        if let seed {
            guard let v = MiniYAML.parseNumber(seed) else { throw ValidationError("-S: '\(seed)' is not a number") }
            s = v
        }
        if !Self.verifyOne(filename, seed: s, quiet: quiet) { throw ExitCode(1) }
    }

    /// The reference's `verify_one`, reading the file's bytes from the device through its map.
    static func verifyOne(_ file: String, seed: UInt64, quiet: Bool) -> Bool {
        guard seed != 0 else {
            Output.err("Must specify random seed to verify file data")
            return false
        }
        do {
            let target = try FamfsPath.resolve(file)
            let volume = try target.openVolume(writable: false)
            guard let node = volume.lookup(target.relative) else { throw CoreError.notFound(path: file) }
            guard let f = node.file else { throw CoreError.isDirectory(path: file) }
            if let off = try FileData.verify(f, volume.device, seed: seed) {
                Output.err("Verify fail: \(file) at offset \(off) of \(f.size) bytes")
                return false
            }
            if !quiet { Output.out("Success: verified \(f.size) bytes in file \(file)\n") }
            return true
        } catch {
            Output.err("famfs verify: \(error)")
            return false
        }
    }
}
