import ArgumentParser
import FamfsCore
import FamfsFormat
import Foundation

/// Benchmarks (tables with their baselines) and load generators for tests. Not a user command.
struct FamfsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "famfs-bench",
        abstract: "famfs benchmarks and test load generators.",
        subcommands: [MetadataBench.self, CreateLoop.self, MapBench.self, FillLog.self])
}

/// Creates files one after another on a device, printing each name once its create has returned.
/// The concurrency and kill -9 tests run several of these at once.
struct CreateLoop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create-loop")
    @Option var device: String
    @Option var prefix: String
    @Option var count: Int
    @Option var size: UInt64 = 4096

    func run() throws {
        let volume = try FamfsVolume(path: device, writable: true, identity: try HostIdentity.load())
        for i in 0..<count {
            let name = "\(prefix)\(i)"
            _ = try volume.createFile(name, size: size, mode: 0o644, uid: 0, gid: 0)
            FileHandle.standardOutput.write(Data((name + "\n").utf8))  // unbuffered: the test reads it live
        }
    }
}

FamfsBench.main()
