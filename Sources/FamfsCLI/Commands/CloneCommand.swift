#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore
import FamfsFormat

struct CloneCommand: Command {
    static let verboseOption = OptionSpec.flag("v", "verbose", help: "Verbose.")
    static let spec = CommandSpec(
        name: "clone",
        abstract: "Test only: log a second file with the same map as <src> (cross-linked; fsck then reports collisions).",
        options: [verboseOption],
        positionals: [PositionalSpec("src", help: "Source file.", arity: .optional),
                      PositionalSpec("dest", help: "New file.", arity: .optional)])

    var verbose = false
    var src: String?
    var dest: String?

    init(_ a: ParsedArguments) {
        verbose = a.flag(Self.verboseOption)
        src = a.positional(0)
        dest = a.positional(1)
    }

    func run() throws {
        guard let src, let dest else {
            Output.err("famfs clone: source and destination filenames required")
            throw ExitCode(1)
        }
        do {
            let s = try FamfsPath.resolve(src)
            let d = try FamfsPath.resolve(dest)
            guard realPath(s.device) == realPath(d.device) else {
                throw PathError(dest, "not in the same famfs as \(src)")
            }
            let volume = try d.openVolume(writable: true)
            guard let node = volume.lookup(s.relative) else { throw CoreError.notFound(path: src) }
            guard let f = node.file else { throw CoreError.isDirectory(path: src) }
            do { try LogPath.check(d.relative) } catch { throw CoreError.invalidPath(error) }
            if volume.lookup(d.relative) != nil { throw CoreError.exists(path: dest) }
            let parent = d.relative.split(separator: "/").dropLast().joined(separator: "/")
            guard volume.lookup(parent)?.isDirectory == true else { throw CoreError.notFound(path: parent) }
            var meta = f
            meta.path = d.relative
            try volume.appendRaw(.file(meta))
            if verbose { Output.out("famfs clone: \(src) -> \(dest)\n") }
        } catch {
            throw fail("clone", error)
        }
    }
}
