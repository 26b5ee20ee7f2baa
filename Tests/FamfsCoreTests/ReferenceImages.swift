import Foundation
@testable import FamfsCore
import FamfsFormat

/// Expands a reference image head into a 4 GiB sparse device file.
func expandReferenceImage(_ name: String) throws -> String {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reference-images")
    let out = "/dev/shm/famfs-ref-\(name)-\(UUID().uuidString.prefix(8)).img"
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "gzip -dc '\(dir.path)/\(name).head.img.gz' > '\(out)' && truncate -s 4G '\(out)'"]
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw CoreError.invalidArgument("cannot expand \(name)") }
    return out
}

func referenceText(_ name: String) throws -> String {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reference-images")
    return try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
}
