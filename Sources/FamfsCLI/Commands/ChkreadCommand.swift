import ArgumentParser
import FamfsCore
import FamfsFormat
import Foundation

struct ChkreadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chkread",
        abstract: "Compare a famfs file read with read(2) against its bytes in the device mapping.",
        discussion: "Exit status: 0 match, 1 miscompare or error.",
        helpNames: [.customShort("h"), .customShort("?"), .customLong("help")])

    @Flag(name: [.customShort("s"), .long], help: "Also print the superblock.") var superblock = false
    @Flag(name: [.customShort("l"), .long], help: "Also print the log header.") var log = false
    @Argument(help: "A file in a mounted famfs.") var file: String?

    func run() throws {
        guard let file else {
            Output.err("famfs chkread: Must specify filename")
            throw ExitCode(1)
        }
        do {
            let target = try FamfsPath.resolve(file)
            let volume = try target.openVolume(writable: false)
            guard let node = volume.lookup(target.relative) else { throw CoreError.notFound(path: file) }
            guard let f = node.file else { throw CoreError.isDirectory(path: file) }
            if superblock {
                let sb = volume.superblock
                Output.out("superblock: fs uuid \(sb.fsUUID) system uuid \(sb.systemUUID) device size \(sb.deviceSize) log length \(sb.logLength)\n")
            }
            if log {
                let h = try volume.readHeader()
                Output.out("log header: next index \(h.nextIndex) next seqnum \(h.nextSeqnum) slots \(h.slots)\n")
            }
            let mapped = try FileData.read(f, volume.device)
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CoreError.system(operation: "read", path: file, errno: .init(rawValue: errno))
            }
            if data.count == mapped.count && data.elementsEqual(mapped) {
                Output.out("Read and mmap match\n")
            } else {
                Output.out("Read and mmap miscompare\n")
                throw ExitCode(1)
            }
        } catch {
            throw fail("chkread", error)
        }
    }
}
