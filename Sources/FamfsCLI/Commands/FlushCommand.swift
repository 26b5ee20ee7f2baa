#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsControl
import FamfsCore
import FamfsFormat

struct FlushCommand: Command {
    static let verboseOption = OptionSpec.flag("v", "verbose", help: "Print each file flushed.")
    static let spec = CommandSpec(
        name: "flush",
        abstract: "Flush and invalidate the CPU cache over whole famfs files (memory that is not cache coherent).",
        discussion: """
            Also drops this host's page cache of each file, so a program's existing mmap of the file \
            through the mount sees what other hosts wrote. Exit status: the number of files that failed (at most 127).
            """,
        options: [verboseOption],
        positionals: [PositionalSpec("files", help: "Files in a famfs.", arity: .repeating(minimum: 1))])

    var verbose = false
    var files: [String] = []

    init(_ a: ParsedArguments) {
        verbose = a.flag(Self.verboseOption)
        files = a.positionals
    }

    func run() throws {
        guard !files.isEmpty else {
            Output.err("famfs flush: Must specify at least one file")
            throw ExitCode(1)
        }
        var errs = 0
        for file in files {
            do {
                let target = try FamfsPath.resolve(file)
                let volume = try target.openVolume(writable: false)
                let f: FileMeta
                switch FileLookup(target.relative, in: volume) {
                case .file(let meta): f = meta
                case .directory: throw PathError(file, "not a regular file")
                case .missing: throw CoreError.notFound(path: file)
                }
                try FileData.flush(f, volume.device)
                if xattrString(target.full, ControlProtocol.Xattr.invalidate) != "1" {
                    throw PathError(file, "the famfs daemon did not drop its cached pages")
                }
                if verbose { Output.out("famfs flush: flushed \(f.size) bytes: \(file)\n") }
            } catch {
                Output.err("famfs flush: \(error)")
                errs += 1
            }
        }
        if errs > 0 {
            Output.out("\(errs) errors were detected\n")
            throw ExitCode(exitValue(errs))
        }
    }
}
