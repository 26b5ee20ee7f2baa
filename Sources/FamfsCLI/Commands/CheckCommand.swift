#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore
import FamfsFormat

struct CheckCommand: Command {
    static let verboseOption = OptionSpec.flag("v", "verbose", help: "Print every file checked.")
    static let jsonOption = OptionSpec.flag(nil, "json", help: "Print JSON: mount_point, files, directories, errors, bad_files [{path, error}].")
    static let spec = CommandSpec(
        name: "check",
        abstract: "Check every file of a mounted famfs: each must have a valid map inside the device that holds its size.",
        discussion: "Exit status: 0 all files properly mapped, 1 a bad file or a setup error.",
        options: [verboseOption, jsonOption, .flag("q", nil, help: "Accepted for compatibility.", hidden: true)],
        positionals: [PositionalSpec("mount-point", help: "The mount point (absolute).", arity: .optional)])

    var verbose = false
    var json = false
    var mountPoint: String?

    init(_ a: ParsedArguments) {
        verbose = a.flag(Self.verboseOption)
        json = a.flag(Self.jsonOption)
        mountPoint = a.positional(0)
    }

    func run() throws {
        guard let mountPoint else {
            Output.err("famfs_check: Must specify filename")
            throw ExitCode(EINVAL)
        }
        guard mountPoint.hasPrefix("/") else {
            Output.err("famfs_check: path (\(mountPoint)) must be absolute")
            throw ExitCode(1)
        }
        let target: FamfsPath
        let volume: FamfsVolume
        do {
            target = try FamfsPath.resolve(mountPoint)
            guard target.relative.isEmpty else {
                throw PathError(mountPoint, "not a famfs mount point (it is \(target.full) in \(target.mountPoint))")
            }
            volume = try target.openVolume(writable: false)
        } catch {
            throw fail("check", error)
        }
        var files = 0, dirs = 0, errors = 0
        var bad: [JSONValue] = []
        var stack = [Namespace.rootID]
        while let id = stack.popLast() {
            for child in volume.children(of: id) {
                if child.isDirectory {
                    dirs += 1
                    stack.append(child.id)
                    continue
                }
                files += 1
                guard let f = child.file else { continue }
                do {
                    try FileData.checkBounds(f, volume.device)
                    if verbose && !json { Output.out("famfs_check: ok \(target.mountPoint)/\(f.path)\n") }
                } catch {
                    Output.err("famfs_check: bad file \(target.mountPoint)/\(f.path): \(error)")
                    bad.append(.object([("path", .string("\(target.mountPoint)/\(f.path)")), ("error", .string("\(error)"))]))
                    errors += 1
                }
            }
        }
        if json {
            Output.out(JSONValue.object([("mount_point", .string(target.mountPoint)), ("files", .int(files)), ("directories", .int(dirs)),
                                         ("errors", .int(errors)), ("bad_files", .array(bad))]).pretty)
        } else {
            Output.out("famfs_check: \(files) files, \(dirs) directories, \(errors) errors\n")
        }
        if errors > 0 { throw ExitCode(1) }
    }
}
