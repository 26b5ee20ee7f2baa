#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore
import FamfsFormat

public struct MkfsCommand: Command {
    static let forceOption = OptionSpec.flag("f", "force", help: "Overwrite an existing famfs (also one owned by another host).")
    static let killOption = OptionSpec.flag("k", "kill", help: "With -f: only invalidate the superblock (kill the file system).")
    static let loglenOption = OptionSpec.value("l", "loglen", "loglen", help: "Log length: a power of two, at least 8 MiB (k/m/g suffixes).")
    static let createOption = OptionSpec.value(nil, "create", "size", help: "Emulation: create the device as a sparse regular file of this size if it is missing.")
    static let spec = CommandSpec(
        name: "mkfs.famfs",
        abstract: "Format a memory device (or an emulated one) as famfs; this host becomes its master.",
        discussion: "Exit status: 0 formatted, 1 usage or not root, 2 refused or failed.",
        options: [forceOption, killOption, loglenOption, createOption,
                  .flag(nil, "fuse", help: fuseOnlyNote),
                  .flag("F", "nofuse", help: fuseOnlyNote),
                  .flag("D", "nodax", help: fuseOnlyNote),
                  .flag("M", "set-daxmode", help: "Accepted for compatibility (no device mode switching here)."),
                  .flag(nil, "verbose", help: "Accepted for compatibility.", hidden: true)],
        positionals: [PositionalSpec("device", help: "The memory device: /dev/daxX.Y, /dev/pmemN, or a regular file.", arity: .optional)],
        manSection: 8)

    var force = false
    var kill = false
    var loglen: String?
    var create: String?
    var device: String?

    init(_ a: ParsedArguments) {
        force = a.flag(Self.forceOption)
        kill = a.flag(Self.killOption)
        loglen = a.value(Self.loglenOption)
        create = a.value(Self.createOption)
        device = a.positional(0)
    }

    public static func main() -> Never { ProgramMain.run(spec, [MkfsCommand.self]) }

    public func run() throws {
        guard let device else {
            Output.err("mkfs.famfs: must specify memory device")
            throw ExitCode(1)
        }
        guard isRoot() else {
            Output.err("mkfs.famfs: must run as root")
            throw ExitCode(1)
        }
        var options = Mkfs.Options()
        options.force = force
        options.kill = kill
        if let loglen {
            guard let v = parseSize(loglen), Superblock.isValidLogLength(v) else {
                Output.err("mkfs.famfs: invalid log length \(loglen): must be a power of two from 8 MiB to \(Media.maxLogLength >> 20) MiB")
                throw ExitCode(2)
            }
            Output.out("loglen: \(v)\n")
            options.logLength = v
        }
        if let create {
            guard let v = parseSize(create) else { Output.err("mkfs.famfs: bad --create size \(create)"); throw ExitCode(1) }
            options.createSize = v
        }
        if kill { Output.out("kill superblock: 1\n") }
        do {
            let identity = try HostIdentity.load()
            switch try Mkfs.run(device: device, identity: identity, options: options) {
            case .killed:
                Output.out("Famfs superblock killed\n")
            case .formatted(let sb):
                Output.out("devsize: \(sb.deviceSize)\n")
                let volume = try FamfsVolume(path: device, writable: false, identity: identity, replaying: false)
                Output.out(FsckText.render(try Fsck.scan(volume), human: true, verbose: false))
            }
        } catch {
            throw Output.fail("mkfs.famfs", error, code: 2)
        }
    }
}
