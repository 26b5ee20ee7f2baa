import ArgumentParser
import FamfsCore
import FamfsFormat
import Foundation

public struct MkfsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mkfs.famfs",
        abstract: "Format a memory device (or an emulated one) as famfs; this host becomes its master.",
        discussion: "Exit status: 0 formatted, 1 usage or not root, 2 refused or failed.",
        helpNames: [.customShort("h"), .customShort("?"), .customLong("help")])

    @Flag(name: .shortAndLong, help: "Overwrite an existing famfs (also one owned by another host).") var force = false
    @Flag(name: .shortAndLong, help: "With -f: only invalidate the superblock (kill the file system).") var kill = false
    @Option(name: [.customShort("l"), .customLong("loglen")], help: "Log length: a power of two, at least 8 MiB (k/m/g suffixes).") var loglen: String?
    @Option(name: .customLong("create"), help: "Emulation: create the device as a sparse regular file of this size if it is missing.") var create: String?
    @Argument(help: "The memory device: /dev/daxX.Y, /dev/pmemN, or a regular file.") var device: String?

    public init() {}

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
                Output.err("mkfs.famfs: invalid log length \(loglen): must be a power of two of at least 8 MiB")
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
