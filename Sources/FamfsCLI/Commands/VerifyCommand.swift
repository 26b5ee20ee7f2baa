#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore
import FamfsFormat
import Synchronization
import SystemSupport

struct VerifyCommand: Command {
    static let filenameOption = OptionSpec.value("f", "filename", "file", help: "The file to verify.")
    static let seedOption = OptionSpec.value("S", "seed", "seed", help: "The seed the file was randomized with.")
    static let multiOption = OptionSpec.value("m", "multi", "file,seed", help: "Verify several files.", repeatable: true)
    static let threadctOption = OptionSpec.value("t", "threadct", "n", help: "Threads for --multi (0-256).")
    static let quietOption = OptionSpec.flag("q", "quiet", help: "No success message.")
    static let jsonOption = OptionSpec.flag(nil, "json", help: "Print JSON: file, size, seed, verified, mismatch_offset, error (with --multi: threads, files [...], errors).")
    static let spec = CommandSpec(
        name: "verify",
        abstract: "Verify that a file holds the random stream 'famfs creat -r -S <seed>' wrote.",
        discussion: "Exit status: 0 verified, 1 mismatch or error; with --multi, the number of files that failed.",
        options: [filenameOption, seedOption, multiOption, threadctOption, quietOption, jsonOption])

    var filename: String?
    var seed: String?
    var multi: [String] = []
    var threadct: String?
    var quiet = false
    var json = false

    init(_ a: ParsedArguments) {
        filename = a.value(Self.filenameOption)
        seed = a.value(Self.seedOption)
        multi = a.values(Self.multiOption)
        threadct = a.value(Self.threadctOption)
        quiet = a.flag(Self.quietOption)
        json = a.flag(Self.jsonOption)
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
            if !quiet && !json { Output.out("verify_multi: threads=\(threads) nfiles=\(jobs.count)\n") }
            let results = ResultBox(count: jobs.count)
            let reports = Mutex([JSONValue?](repeating: nil, count: jobs.count))
            let box = UncheckedBox(jobs)
            let (quiet, json) = (self.quiet, self.json)
            runParallel(count: jobs.count, threads: threads) { i in
                let r = Self.verifyOne(box.value[i].0, seed: box.value[i].1, quiet: quiet || json)
                if !r.verified { results.fail(i) }
                reports.withLock { $0[i] = r.json }
            }
            let errs = results.failures
            if json {
                Output.out(JSONValue.object([("threads", .int(threads)), ("files", .array(reports.withLock { $0 }.map { $0 ?? .null })),
                                             ("errors", .int(errs))]).pretty)
            } else {
                Output.out("Verify complete for \(jobs.count) files with \(errs) errs\n")
            }
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
        let r = Self.verifyOne(filename, seed: s, quiet: quiet || json)
        if json { Output.out(r.json.pretty) }
        if !r.verified { throw ExitCode(1) }
    }

    /// What verifying one file found.
    struct Result {
        var file: String
        var seed: UInt64
        var size: UInt64?
        var mismatchOffset: UInt64?
        var error: String?
        var verified: Bool { error == nil && mismatchOffset == nil && size != nil }
        var json: JSONValue {
            .object([("file", .string(file)), ("size", size.map { .uint($0) } ?? .null), ("seed", .uint(seed)),
                     ("verified", .bool(verified)), ("mismatch_offset", mismatchOffset.map { .uint($0) } ?? .null),
                     ("error", .optional(error))])
        }
    }

    /// The reference's `verify_one`, reading the file's bytes from the device through its map.
    static func verifyOne(_ file: String, seed: UInt64, quiet: Bool) -> Result {
        var result = Result(file: file, seed: seed)
        guard seed != 0 else {
            Output.err("Must specify random seed to verify file data")
            result.error = "Must specify random seed to verify file data"
            return result
        }
        do {
            let target = try FamfsPath.resolve(file)
            let volume = try target.openVolume(writable: false)
            guard let node = volume.lookup(target.relative) else { throw CoreError.notFound(path: file) }
            guard let f = node.file else { throw CoreError.isDirectory(path: file) }
            result.size = f.size
            if let off = try FileData.verify(f, volume.device, seed: seed) {
                Output.err("Verify fail: \(file) at offset \(off) of \(f.size) bytes")
                result.mismatchOffset = off
                return result
            }
            if !quiet { Output.out("Success: verified \(f.size) bytes in file \(file)\n") }
            return result
        } catch {
            Output.err("famfs verify: \(error)")
            result.error = "\(error)"
            return result
        }
    }
}
