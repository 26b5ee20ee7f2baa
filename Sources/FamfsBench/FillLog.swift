import ArgumentParser
import FamfsCore
import FamfsFormat
import Foundation

/// Fills the log of a device formatted by this host: `dirs` directories and files of `size` bytes
/// spread over them, until `entries` log entries are in use (default: every slot but `spare`).
/// The metadata benchmark builds its full-log image with this.
struct FillLog: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fill-log")
    @Option var device: String
    @Option(help: "Entries in use at the end (default: all slots but --spare).") var entries: Int?
    @Option(help: "Slots left free when --entries is not given.") var spare = 0
    @Option var dirs = 31
    @Option var size: UInt64 = 4096
    @Option(help: "Name prefix, so several fills can share a log.") var prefix = ""

    func run() throws {
        let volume = try FamfsVolume(path: device, writable: true, identity: try HostIdentity.load())
        let header = try volume.readHeader()
        let target = UInt64(entries ?? Int(header.slots) - spare)
        guard target <= header.slots else { throw ValidationError("the log has \(header.slots) slots") }
        var made = header.nextIndex
        var d = 0
        while made < target && d < dirs {
            try volume.mkdir("\(prefix)d\(d)", mode: 0o755, uid: 0, gid: 0)
            made += 1
            d += 1
        }
        var i = 0
        while made < target {
            let dir = d == 0 ? "" : "\(prefix)d\(i % d)/"
            _ = try volume.createFile("\(dir)\(prefix)f\(i)", size: size, mode: 0o644, uid: 0, gid: 0)
            made += 1
            i += 1
        }
        print("\(made) entries in use (\(d) directories, \(i) files)")
    }
}
