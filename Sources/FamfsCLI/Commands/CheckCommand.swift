import ArgumentParser
import FamfsCore
import FamfsFormat
import Foundation

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every file of a mounted famfs: each must have a valid map inside the device that holds its size.",
        discussion: "Exit status: 0 all files properly mapped, 1 a bad file or a setup error.",
        helpNames: [.customShort("h"), .customShort("?"), .customLong("help")])

    @Flag(name: [.customShort("v"), .long], help: "Print every file checked.") var verbose = false
    @Argument(help: "The mount point (absolute).") var mountPoint: String?

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
                throw CoreError.invalidArgument("\(mountPoint): not a famfs mount point (it is \(target.full) in \(target.mountPoint))")
            }
            volume = try target.openVolume(writable: false)
        } catch {
            throw fail("check", error)
        }
        var files = 0, dirs = 0, errors = 0
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
                    if verbose { Output.out("famfs_check: ok \(target.mountPoint)/\(f.path)\n") }
                } catch {
                    Output.err("famfs_check: bad file \(target.mountPoint)/\(f.path): \(error)")
                    errors += 1
                }
            }
        }
        Output.out("famfs_check: \(files) files, \(dirs) directories, \(errors) errors\n")
        if errors > 0 { throw ExitCode(1) }
    }
}
