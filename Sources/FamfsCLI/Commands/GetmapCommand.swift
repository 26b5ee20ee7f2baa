#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore
import FamfsFormat

struct GetmapCommand: Command {
    static let quietOption = OptionSpec.flag("q", "quiet", help: "Print nothing; the exit status tells.")
    static let continueOption = OptionSpec.flag("c", "continue-on-error", help: "Continue with the next file after an error.")
    static let jsonOption = OptionSpec.flag(nil, "json", help: "Machine-readable output.")
    static let spec = CommandSpec(
        name: "getmap",
        abstract: "Print where a famfs file's bytes are on the device.",
        discussion: """
            Exit status: 0 the file is a mapped famfs file, 1 not in a famfs file system, \
            2 in famfs but not mapped, 9 (EBADF) not found, 21 (EISDIR) not a regular file.
            """,
        options: [quietOption, continueOption, jsonOption],
        positionals: [PositionalSpec("files", help: "Files in a famfs.", arity: .repeating(minimum: 1))])

    var quiet = false
    var continueOnError = false
    var json = false
    var files: [String] = []

    init(_ a: ParsedArguments) {
        quiet = a.flag(Self.quietOption)
        continueOnError = a.flag(Self.continueOption)
        json = a.flag(Self.jsonOption)
        files = a.positionals
    }

    func run() throws {
        guard !files.isEmpty else {
            Output.err("famfs_getmap: Must specify filename")
            throw ExitCode(EINVAL)
        }
        var rc: Int32 = 0
        var reports: [JSONValue] = []
        for file in files {
            let r = one(file, &reports)
            if r != 0 {
                rc = r
                if !continueOnError { break }
            }
        }
        if json {
            Output.out((files.count == 1 && reports.count == 1 ? reports[0] : .array(reports)).pretty)
        }
        if rc != 0 { throw ExitCode(rc) }
    }

    func one(_ file: String, _ reports: inout [JSONValue]) -> Int32 {
        let target: FamfsPath
        do { target = try FamfsPath.resolve(file) } catch {
            if !quiet { Output.err("famfs_getmap: file (\(file)) not in famfs") }
            return 1
        }
        let volume: FamfsVolume
        do { volume = try target.openVolume(writable: false) } catch {
            if !quiet { Output.err("famfs_getmap: \(error)") }
            return 1
        }
        let f: FileMeta
        switch FileLookup(target.relative, in: volume) {
        case .file(let meta): f = meta
        case .missing:
            if !quiet { Output.err("famfs_getmap: file not found (\(file))") }
            return EBADF
        case .directory:
            if !quiet { Output.err("getmap: not a regular file (\(file))") }
            return EISDIR
        }
        if json {
            reports.append(GetmapCommand.json(file: file, f, device: target.device))
            return 0
        }
        if quiet { return 0 }
        var s = "File:     \(file)\n"
        s += "\tsize:    \(f.size)\n"
        s += "\textents: \(f.fmap.storedExtentCount)\n"
        switch f.fmap {
        case .simple(let es):
            for e in es { s += "\t\t\(String(e.offset, radix: 16))\t\(e.length)\n" }
        case .interleaved(let ie):
            s += "Interleave_Param chunk_size: \(ie.chunkSize)\n"
            s += "Interleaved extent has \(ie.strips.count) strips:\n"
            for e in ie.strips { s += "\t\t\(String(e.offset, radix: 16))\t\(e.length)\n" }
        }
        s += "famfs_getmap: good file \(file)\n"
        Output.out(s)
        return 0
    }

    /// `--json` of one file: `file`, `path` (in the file system), `size`, `mode` (octal string),
    /// `uid`, `gid`, `device`, `type` ("simple" or "interleaved"), then `extents` (simple) or
    /// `chunk_size`, `nstrips`, `strips` (interleaved), each extent `devindex`, `offset`, `length`.
    static func json(file: String, _ f: FileMeta, device: String) -> JSONValue {
        func ext(_ e: SimpleExtent) -> JSONValue { .object([("devindex", .uint(e.devIndex)), ("offset", .uint(e.offset)), ("length", .uint(e.length))]) }
        var fields: [(String, JSONValue)] = [
            ("file", .string(file)), ("path", .string(f.path)), ("size", .uint(f.size)), ("mode", .mode(f.mode)),
            ("uid", .uint(f.uid)), ("gid", .uint(f.gid)), ("device", .string(device)),
        ]
        switch f.fmap {
        case .simple(let es):
            fields += [("type", .string("simple")), ("extents", .array(es.map(ext)))]
        case .interleaved(let ie):
            fields += [("type", .string("interleaved")), ("chunk_size", .uint(ie.chunkSize)), ("nstrips", .int(ie.strips.count)),
                       ("strips", .array(ie.strips.map(ext)))]
        }
        return .object(fields)
    }
}
