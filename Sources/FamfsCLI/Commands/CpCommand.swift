#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore
import FamfsFormat
import SystemSupport

struct CpCommand: Command {
    static let recursiveOption = OptionSpec.flag("r", "recursive", help: "Copy directories recursively.")
    static let threadctOption = OptionSpec.value("t", "threadct", "n", help: "Copy threads (0-256).")
    static let modeOption = OptionSpec.value("m", "mode", "mode", help: "Mode of the new files (octal; default: the source's).")
    static let uidOption = OptionSpec.value("u", "uid", "uid", help: "Owner uid (default: the real uid).")
    static let gidOption = OptionSpec.value("g", "gid", "gid", help: "Owner gid (default: the real gid).")
    static let verboseOption = OptionSpec.flag("v", "verbose", help: "Verbose.")
    static let compareOption = OptionSpec.flag("c", "compare", help: "Read each copy back and compare it with its source.")
    static let spec = CommandSpec(
        name: "cp",
        abstract: "Copy files and directories into a famfs file system (master only).",
        discussion: """
            famfs cp <src> <dest>: dest is a new file, or an existing directory to copy into. With several \
            sources or -r, dest must be a directory (-r creates it if its parent exists). An existing target \
            file of the same size is overwritten (cp is restartable); any other size is an error. \
            Empty source files are skipped and named on stderr (famfs files cannot be empty); each counts as a failure. \
            Exit status: 0, 1 if some file failed, or the errno of a fatal error (22 bad source, 12 out of space).
            """,
        options: [recursiveOption, threadctOption, modeOption, uidOption, gidOption, verboseOption, compareOption] + InterleaveOptions.options,
        positionals: [PositionalSpec("paths", help: "Sources, then the destination.", arity: .repeating(minimum: 2))])

    var recursive = false
    var threadct: String?
    var mode: String?
    var uid: String?
    var gid: String?
    var verbose = false
    var compare = false
    var interleave: InterleaveOptions
    var paths: [String] = []

    init(_ a: ParsedArguments) {
        recursive = a.flag(Self.recursiveOption)
        threadct = a.value(Self.threadctOption)
        mode = a.value(Self.modeOption)
        uid = a.value(Self.uidOption)
        gid = a.value(Self.gidOption)
        verbose = a.flag(Self.verboseOption)
        compare = a.flag(Self.compareOption)
        interleave = InterleaveOptions(a)
        paths = a.positionals
    }

    struct Fatal: Error, CustomStringConvertible {
        var message: String
        var code: Int32
        var description: String { message }
    }

    struct Job { var source: String; var size: UInt64; var file: FileMeta; var device: Device; var display: String }

    func run() throws {
        guard paths.count >= 2, let destArg = paths.last else {
            Output.err("famfs cp error: source and dest args required")
            throw ExitCode(1)
        }
        let params = try interleave.parameters(command: "cp")
        let threads = try parseThreadCount(threadct, command: "cp", function: "famfs cp")
        let mode = try self.mode.map { try parseOctal($0, option: "-m") & ~currentUmask() }
        let uid = try self.uid.map { try parseID($0, option: "-u") } ?? getuid()
        let gid = try self.gid.map { try parseID($0, option: "-g") } ?? getgid()
        // Allocation is serial; the data copies run on the thread pool.
        let (jobs, failed) = try allocateTargets(Array(paths.dropLast()), into: destArg, params: params, mode: mode, uid: uid, gid: gid)
        if failed + copyData(jobs, threads: threads) > 0 { throw ExitCode(1) }
    }

    /// Resolves the destination, then creates (or reuses) every target file and directory, one
    /// after the other; returns the copies to make and the number of sources that failed.
    func allocateTargets(_ sources: [String], into destArg: String, params: InterleaveParameters, mode: UInt32?,
                         uid: UInt32, gid: UInt32) throws -> (jobs: [Job], errors: Int) {
        var errors = 0
        var jobs: [Job] = []
        do {
            let dest = try FamfsPath.resolve(destArg)
            let session = try FamfsSession.open(dest, bulk: true)
            let destNode = try session.lookup(dest.relative)
            let ctx = Context(session: session, params: params, mode: mode, uid: uid, gid: gid)

            if sources.count > 1 || recursive {
                if let destNode, !destNode.isDirectory { throw Fatal(message: "\(destArg): not a directory", code: 1) }
                // Several sources go into an existing directory; only `cp -r dir new` makes it.
                if destNode == nil {
                    guard recursive, sources.count == 1 else {
                        throw Fatal(message: "\(destArg): destination directory does not exist", code: 1)
                    }
                }
            }
            // Decided once: a directory made from the first source must not receive the others.
            let destIsDir = destNode?.isDirectory == true
            for src in sources {
                var st = stat()
                guard stat(src, &st) == 0 else {
                    Output.err("famfs cp: \(src): \(String(cString: strerror(errno)))")
                    errors += 1
                    continue
                }
                // `src/.` copies the directory's contents (as cp does); `..` is named by what it is.
                let contentsOnly = src == "." || src.hasSuffix("/.")
                let last = lastPathComponent(src)
                let name = last == ".." ? lastPathComponent(realPath(src) ?? src) : last
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    guard recursive else {
                        Output.err("famfs cp: -r not specified; omitting directory '\(src)'")
                        errors += 1
                        continue
                    }
                    // Like cp -r: into an existing directory, or as the (new) destination itself.
                    let rel = destIsDir && !contentsOnly ? join(dest.relative, name) : dest.relative
                    errors += try copyTree(src, rel: rel, mode: UInt32(st.st_mode) & 0o777, dest: dest, ctx, &jobs)
                case S_IFREG:
                    let rel = destIsDir ? join(dest.relative, name) : dest.relative
                    errors += try addFile(src, size: UInt64(st.st_size), srcMode: UInt32(st.st_mode) & 0o777, rel: rel, dest: dest, ctx, &jobs)
                default:
                    throw Fatal(message: "\(src): not a regular file or directory", code: EINVAL)
                }
            }
        } catch let f as Fatal {
            Output.err("famfs cp: \(f.message)")
            throw ExitCode(f.code)
        } catch {
            throw fail("cp", error, code: fatalCode(error))
        }
        return (jobs, errors)
    }

    /// Copies each source into its target on `threads` workers; returns the number that failed.
    func copyData(_ jobs: [Job], threads: Int) -> Int {
        let results = ResultBox(count: jobs.count)
        let progress = CopyProgress(files: jobs.count, bytes: jobs.reduce(0) { $0 + $1.size }, verbose: verbose)
        let box = UncheckedBox(jobs)
        runParallel(count: jobs.count, threads: threads) { i in
            let j = box.value[i]
            let fd = open(j.source, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                Output.err("famfs cp: \(j.source): \(String(cString: strerror(errno)))")
                results.fail(i)
                return
            }
            defer { close(fd) }
            var reported: UInt64 = 0
            do {
                try FileData.copy(from: fd, source: j.source, into: j.file, j.device) { done in
                    progress.advance(done - reported)
                    reported = done
                }
                if compare, let at = try FileData.compare(with: fd, source: j.source, j.file, j.device) {
                    Output.err("famfs cp: \(j.display): differs from \(j.source) at offset \(at)")
                    results.fail(i)
                    return
                }
                progress.fileDone(j.display)
            } catch {
                Output.err("famfs cp: \(error)")
                results.fail(i)
            }
        }
        progress.finish(failures: results.failures)
        return results.failures
    }

    struct Context { var session: FamfsWriter; var params: InterleaveParameters; var mode: UInt32?; var uid: UInt32; var gid: UInt32 }

    func join(_ a: String, _ b: String) -> String { a.isEmpty ? b : a + "/" + b }

    func display(_ dest: FamfsPath, _ rel: String) -> String {
        rel.isEmpty ? dest.mountPoint : (dest.mountPoint == "/" ? "/" : dest.mountPoint + "/") + rel
    }

    func fatalCode(_ error: Error) -> Int32 {
        if let r = error as? DaemonClient.Refusal { return r.errno == ENOMEM || r.errno == ENOSPC ? r.errno : 1 }
        guard let e = error as? CoreError else { return 1 }
        switch e {
        case .noSpace: return ENOMEM
        case .logFull: return ENOSPC
        default: return 1
        }
    }

    /// Allocates (or reuses) the target of one regular file; returns the number of non-fatal errors.
    func addFile(_ src: String, size: UInt64, srcMode: UInt32, rel: String, dest: FamfsPath, _ ctx: Context, _ jobs: inout [Job]) throws -> Int {
        if size == 0 {
            // As the original: famfs files cannot be empty, so an empty source is skipped and
            // counts as a failure; named even without -v, or users find it only by diffing.
            Output.err("famfs cp: skipping empty file \(src) (famfs files cannot be empty)")
            return 1
        }
        if rel.isEmpty {
            Output.err("famfs cp: cannot overwrite the mount point with \(src)")
            return 1
        }
        do {
            let (f, _) = try ctx.session.createFile(rel, size: size, mode: ctx.mode ?? srcMode, uid: ctx.uid, gid: ctx.gid,
                                                    interleave: ctx.params)
            jobs.append(Job(source: src, size: size, file: f, device: ctx.session.device, display: display(dest, rel)))
            return 0
        } catch let e as CoreError {
            switch e {
            case .noSpace, .logFull, .notMaster, .system: throw e
            default:
                Output.err("famfs cp: \(display(dest, rel)): \(e)")
                return 1
            }
        } catch let e as DaemonClient.Refusal {
            if e.isFatal { throw e }
            Output.err("famfs cp: \(display(dest, rel)): \(e)")
            return 1
        }
    }

    /// Copies directory `src` to `rel` (created with the source directory's mode if missing).
    func copyTree(_ src: String, rel: String, mode: UInt32, dest: FamfsPath, _ ctx: Context, _ jobs: inout [Job]) throws -> Int {
        var errors = 0
        if !rel.isEmpty {
            if let n = try ctx.session.lookup(rel) {
                guard n.isDirectory else {
                    Output.err("famfs cp: \(display(dest, rel)): exists and is not a directory")
                    return 1
                }
            } else {
                do {
                    _ = try ctx.session.mkdir(rel, mode: mode, uid: ctx.uid, gid: ctx.gid, parents: false)
                } catch {
                    Output.err("famfs cp: \(display(dest, rel)): \(error)")
                    return 1
                }
            }
        }
        let entries: [String]
        if let names = Files.entries(src) { entries = names.sorted() } else {
            Output.err("famfs cp: \(src): cannot read directory")
            return 1
        }
        for name in entries {
            let path = src + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0 else { errors += 1; continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                errors += try copyTree(path, rel: join(rel, name), mode: UInt32(st.st_mode) & 0o777, dest: dest, ctx, &jobs)
            case S_IFREG:
                errors += try addFile(path, size: UInt64(st.st_size), srcMode: UInt32(st.st_mode) & 0o777, rel: join(rel, name), dest: dest, ctx, &jobs)
            default:
                Output.err("famfs cp: \(path): not a regular file or directory; skipped")
                errors += 1
            }
        }
        return errors
    }
}
