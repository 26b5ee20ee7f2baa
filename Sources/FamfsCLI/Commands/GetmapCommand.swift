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
        var reports: [[String: Any]] = []
        for file in files {
            let r = one(file, &reports)
            if r != 0 {
                rc = r
                if !continueOnError { break }
            }
        }
        if json {
            let obj: Any = files.count == 1 && reports.count == 1 ? reports[0] : reports
            Output.out(sortedJSON(obj) + "\n")
        }
        if rc != 0 { throw ExitCode(rc) }
    }

    func one(_ file: String, _ reports: inout [[String: Any]]) -> Int32 {
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
        guard let node = volume.lookup(target.relative) else {
            if !quiet { Output.err("famfs_getmap: file not found (\(file))") }
            return EBADF
        }
        guard let f = node.file else {
            if !quiet { Output.err("getmap: not a regular file (\(file))") }
            return EISDIR
        }
        if json {
            var o: [String: Any] = ["file": file, "path": f.path, "size": f.size, "mode": f.mode, "uid": f.uid, "gid": f.gid,
                                    "device": target.device]
            func ext(_ e: SimpleExtent) -> [String: Any] { ["devindex": e.devIndex, "offset": e.offset, "length": e.length] }
            switch f.fmap {
            case .simple(let es):
                o["type"] = "simple"
                o["extents"] = es.map(ext)
            case .interleaved(let ie):
                o["type"] = "interleaved"
                o["chunk_size"] = ie.chunkSize
                o["nstrips"] = ie.strips.count
                o["strips"] = ie.strips.map(ext)
            }
            reports.append(o)
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
}
