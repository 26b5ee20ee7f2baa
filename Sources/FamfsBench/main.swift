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

/// fsck over a full log, creates per second as the log grows, and a full replay.
struct MetadataBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "metadata")
    @Option(help: "Scratch directory for the emulated device.") var dir = "/dev/shm"
    @Option(help: "Repetitions of each timed step (the median is printed).") var runs = 9

    func run() throws {
        let path = "\(dir)/famfs-bench-\(getpid()).img"
        defer { unlink(path) }
        FileManager.default.createFile(atPath: path, contents: nil)
        truncate(path, 64 << 30)
        let identity = try HostIdentity.load(path: "\(dir)/famfs-bench-\(getpid()).uuid")
        defer { unlink(identity.path) }
        _ = try Mkfs.run(device: path, identity: identity, options: Mkfs.Options())
        let volume = try FamfsVolume(path: path, writable: true, identity: identity)

        print("famfs metadata benchmark (emulated device \(path), 64 GiB, 8 MiB log)\n")
        print(row("measure", "ours", "reference", "ratio"))
        var createRates: [(Int, Double)] = []
        let slots = Int(try volume.readHeader().slots)
        var made = 0
        for target in [0, 5000, 15000] {
            while made < target {
                if made % 8 == 0 { try volume.mkdir("d\(made)", mode: 0o755, uid: 0, gid: 0) } else {
                    _ = try volume.createFile("f\(made)", size: 4096, mode: 0o644, uid: 0, gid: 0)
                }
                made += 1
            }
            let n = min(400, slots - made - 20)
            let t = try time { for i in 0..<n { _ = try volume.createFile("c\(target)-\(i)", size: 4096, mode: 0o644, uid: 0, gid: 0) } }
            made += n
            createRates.append((target, Double(n) / t))
        }
        for (entries, rate) in createRates {
            // Reference: ~90-120 ms per `famfs creat` (issue #60), i.e. ~10 creates/s, growing with the log.
            print(row("creates/s (library API), log of \(entries)", String(format: "%.0f", rate), "~10 (CLI)", String(format: "%.0fx", rate / 10)))
        }
        while made < slots {
            try volume.mkdir("z\(made)", mode: 0o755, uid: 0, gid: 0)
            made += 1
        }
        let fsckTimes = try (0..<runs).map { _ in try time { _ = try Fsck.scan(volume) } }
        let fsckNamespaceTimes = try (0..<runs).map { _ in try time { _ = try Fsck.scan(volume, namespace: true) } }
        let replayTimes = try (0..<runs).map { _ in try time { _ = try FamfsVolume(path: path, writable: false, identity: nil) } }
        let fsckMs = median(fsckTimes) * 1000
        print(row("fsck, full log (\(slots) entries)", String(format: "%.1f ms", fsckMs), "target 30 ms", String(format: "%.2f", fsckMs / 30)))
        print(row("fsck -v (with namespace), full log", String(format: "%.1f ms", median(fsckNamespaceTimes) * 1000), "-", "-"))
        print(row("full replay (open), \(slots) entries", String(format: "%.1f ms", median(replayTimes) * 1000), "-", "-"))
    }

    func time(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }

    func row(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
        a.padding(toLength: 42, withPad: " ", startingAt: 0) + b.padding(toLength: 14, withPad: " ", startingAt: 0)
            + c.padding(toLength: 16, withPad: " ", startingAt: 0) + d
    }
}

// A reader that closed its end must give EPIPE, not kill us.
signal(SIGPIPE, SIG_IGN)
FamfsBench.main()
