#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore
import FamfsFormat

struct ChkreadCommand: Command {
    static let superblockOption = OptionSpec.flag("s", "superblock", help: "Also print the superblock.")
    static let logOption = OptionSpec.flag("l", "log", help: "Also print the log header.")
    static let jsonOption = OptionSpec.flag(nil, "json", help: "Print JSON: file, size, match, and superblock/log objects with -s/-l.")
    static let spec = CommandSpec(
        name: "chkread",
        abstract: "Compare a famfs file read with read(2) against its bytes in the device mapping.",
        discussion: "Exit status: 0 match, 1 miscompare or error.",
        options: [superblockOption, logOption, jsonOption],
        positionals: [PositionalSpec("file", help: "A file in a mounted famfs.", arity: .optional)])

    var superblock = false
    var log = false
    var json = false
    var file: String?

    init(_ a: ParsedArguments) {
        superblock = a.flag(Self.superblockOption)
        log = a.flag(Self.logOption)
        json = a.flag(Self.jsonOption)
        file = a.positional(0)
    }

    func run() throws {
        guard let file else {
            Output.err("famfs chkread: Must specify filename")
            throw ExitCode(1)
        }
        do {
            let target = try FamfsPath.resolve(file)
            let volume = try target.openVolume(writable: false)
            let f: FileMeta
            switch FileLookup(target.relative, in: volume) {
            case .file(let meta): f = meta
            case .directory: throw CoreError.isDirectory(path: file)
            case .missing: throw CoreError.notFound(path: file)
            }
            var fields: [(String, JSONValue)] = [("file", .string(file)), ("size", .uint(f.size))]
            if superblock {
                let sb = volume.superblock
                if json {
                    fields.append(("superblock", .object([("fs_uuid", .string(sb.fsUUID.description)), ("system_uuid", .string(sb.systemUUID.description)),
                                                          ("device_size", .uint(sb.deviceSize)), ("log_length", .uint(sb.logLength))])))
                } else {
                    Output.out("superblock: fs uuid \(sb.fsUUID) system uuid \(sb.systemUUID) device size \(sb.deviceSize) log length \(sb.logLength)\n")
                }
            }
            if log {
                let h = try volume.readHeader()
                if json {
                    fields.append(("log", .object([("next_index", .uint(h.nextIndex)), ("next_seqnum", .uint(h.nextSeqnum)), ("slots", .uint(h.slots))])))
                } else {
                    Output.out("log header: next index \(h.nextIndex) next seqnum \(h.nextSeqnum) slots \(h.slots)\n")
                }
            }
            let mapped = try FileData.read(f, volume.device)
            guard let data = Files.contents(file) else {
                throw CoreError.system(operation: "read", path: file, errno: .init(rawValue: errno))
            }
            let match = data.count == mapped.count && data.elementsEqual(mapped)
            if json {
                fields.insert(("match", .bool(match)), at: 2)
                Output.out(JSONValue.object(fields).pretty)
            } else {
                Output.out(match ? "Read and mmap match\n" : "Read and mmap miscompare\n")
            }
            if !match { throw ExitCode(1) }
        } catch {
            throw fail("chkread", error)
        }
    }
}
