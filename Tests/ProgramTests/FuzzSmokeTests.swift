import Foundation
import Testing

/// The fuzz targets (Fuzz/run.sh: superblock, log header, log entries, fmap YAML, FUSE requests,
/// control-channel messages) built with libFuzzer and AddressSanitizer, each run for 10^4
/// executions from the seed corpora with a fixed seed. The long run (10^6 per target) is `Fuzz/run.sh` by hand.
@Suite("Fuzz targets, short run")
struct FuzzSmokeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let executions = 10_000
    static let targets = ["superblock", "log-header", "log-entry", "fmap-yaml", "fuse-request", "control-message"]

    @Test("every fuzz target runs 10^4 inputs with no crash, leak, hang or out-of-memory")
    func shortRun() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("famfs-fuzz-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var env = ProcessInfo.processInfo.environment
        env["FUZZ_SEED"] = "1"
        let child = try Child.spawn(Self.root + "/Fuzz/run.sh", ["\(Self.executions)"], env: env,
                                    stdout: dir + "/out", stderr: dir + "/err", cwd: Self.root)
        let (status, signalled) = child.wait()
        let out = (try? String(contentsOfFile: dir + "/out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: dir + "/err", encoding: .utf8)) ?? ""
        #expect(status == 0 && !signalled, "Fuzz/run.sh failed:\n\(out)\n\(err)")
        for target in Self.targets {
            let row = out.split(separator: "\n").first { $0.split(separator: " ").first.map(String.init) == target }
            let fields = row.map { $0.split(separator: " ").map(String.init) } ?? []
            // target executions seconds exec/s crashes leaks hangs ooms
            #expect(fields.count == 8, "no result line for \(target):\n\(out)\n\(err)")
            guard fields.count == 8 else { continue }
            #expect(Int(fields[1]) ?? 0 >= Self.executions, "\(target) ran \(fields[1]) inputs")
            #expect(fields[4...7] == ["0", "0", "0", "0"], "\(target): crashes/leaks/hangs/ooms \(fields[4...7])\n\(err)")
        }
        print(out)
    }
}
