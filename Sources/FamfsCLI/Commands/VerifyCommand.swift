import ArgumentParser
import FamfsCore
import FamfsFormat
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify that a file holds the random stream 'famfs creat -r -S <seed>' wrote.",
        discussion: "Exit status: 0 verified, 1 mismatch or error; with --multi, the number of files that failed.",
        helpNames: [.customShort("h"), .customShort("?"), .customLong("help")])

    @Option(name: [.customShort("f"), .customLong("filename")], help: "The file to verify.") var filename: String?
    @Option(name: [.customShort("S"), .long], help: "The seed the file was randomized with.") var seed: String?
    @Option(name: [.customShort("m"), .long], help: "<file>,<seed>: verify several files (repeatable).") var multi: [String] = []
    @Option(name: [.customShort("t"), .customLong("threadct")], parsing: .unconditional, help: "Threads for --multi (0-256).") var threadct: String?
    @Flag(name: [.customShort("q"), .long], help: "No success message.") var quiet = false

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
