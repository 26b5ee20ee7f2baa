#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine

/// `famfs run [--] <command> [<args>...]`: runs a program with libfamfs_preload.so in
/// LD_PRELOAD, so it — and every program it starts — reads, writes and maps famfs files from the
/// device memory instead of through FUSE. The program replaces this process (exec), so its exit
/// status, signals and terminal are its own.
struct RunCommand: Command {
    static let debugOption = OptionSpec.flag("d", "debug", help: "Print each decision of the preload to stderr (FAMFS_PRELOAD_DEBUG=1).")
    static let spec = CommandSpec(
        name: "run",
        abstract: "Run a program with famfs files served from the device memory (libfamfs_preload.so).",
        discussion: """
            The library is $FAMFS_PRELOAD_LIBRARY, else libfamfs_preload.so next to this program or in \
            ../lib beside it (scripts/build-libs.sh puts it next to famfs). Files a user may open but \
            whose device the user cannot open are read through the mount as before. Exit status: the \
            program's; 127 if it cannot be found, 126 if it cannot be run, 1 if the library is missing.
            """,
        options: [debugOption],
        positionals: [PositionalSpec("command", help: "The program and its arguments.", arity: .repeating(minimum: 1))])

    var debug = false
    var argv: [String] = []

    init(_ a: ParsedArguments) {
        debug = a.flag(Self.debugOption)
        argv = a.positionals
    }

    func run() throws {
        guard let program = argv.first else {
            Output.err("famfs run: a command to run is required")
            throw ExitCode(1)
        }
        guard let library = Self.preloadLibrary() else {
            Output.err("famfs run: libfamfs_preload.so not found next to \(Self.executableDirectory() ?? "famfs") or in ../lib (build it with scripts/build-libs.sh, or set FAMFS_PRELOAD_LIBRARY)")
            throw ExitCode(1)
        }
        let existing = getenv("LD_PRELOAD").map { String(cString: $0) } ?? ""
        let entries = existing.split(whereSeparator: { $0 == " " || $0 == ":" }).map(String.init)
        let preload = entries.contains(library) ? existing : ([library] + entries).joined(separator: " ")
        setenv("LD_PRELOAD", preload, 1)
        if debug { setenv("FAMFS_PRELOAD_DEBUG", "1", 1) }
        var cargs = argv.map { strdup($0) }
        cargs.append(nil)
        execvp(program, &cargs)
        let e = errno
        Output.err("famfs run: \(program): \(String(cString: strerror(e)))")
        throw ExitCode(e == ENOENT ? 127 : 126)
    }

    /// $FAMFS_PRELOAD_LIBRARY, or the library beside this program (build tree) or in ../lib
    /// (installed).
    static func preloadLibrary() -> String? {
        if let env = getenv("FAMFS_PRELOAD_LIBRARY").map({ String(cString: $0) }), !env.isEmpty {
            return access(env, R_OK) == 0 ? env : nil
        }
        guard let dir = executableDirectory() else { return nil }
        let parent = dir.split(separator: "/").dropLast().joined(separator: "/")
        for candidate in [dir + "/libfamfs_preload.so", "/" + parent + "/lib/libfamfs_preload.so"]
        where access(candidate, R_OK) == 0 {
            return candidate
        }
        return nil
    }

    static func executableDirectory() -> String? {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return nil }
        let path = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }
}
