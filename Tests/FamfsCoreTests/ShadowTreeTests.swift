import Foundation
import FamfsTestSupport
import Testing
@testable import FamfsCore
import FamfsFormat

@Suite("the shadow tree is the one the original's shadow logplay writes")
struct ShadowTreeTests {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reference-images")

    func scratchDirectory() -> String {
        "/dev/shm/famfs-shadow-\(UUID().uuidString.prefix(8))"
    }

    func files(under root: String) throws -> [String] {
        let e = FileManager.default.enumerator(atPath: root)
        var out: [String] = []
        while let p = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + p, isDirectory: &isDir), !isDir.boolValue { out.append(p) }
        }
        return out.sorted()
    }

    @Test("the populated reference image gives byte-identical YAML files to the original's")
    func referenceImage() throws {
        let image = try expandReferenceImage("populated")
        defer { unlink(image) }
        let shadow = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: shadow) }
        let volume = try FamfsVolume(path: image, writable: false, identity: nil, replaying: false)
        let report = try ShadowTree(shadow: shadow).export(from: volume)
        #expect(report.errorCount == 0, "\(report.problems)")

        let expectedRoot = fixtures.appendingPathComponent("populated.shadow/root").path
        let expected = try files(under: expectedRoot)
        #expect(!expected.isEmpty)
        for rel in expected {
            let want = try String(contentsOfFile: expectedRoot + "/" + rel, encoding: .utf8)
            let got = try String(contentsOfFile: shadow + "/root/" + rel, encoding: .utf8)
            #expect(got == want, "\(rel)")
        }
        // Ours has exactly those files plus the two .meta stubs mkmeta writes.
        #expect(try files(under: shadow + "/root") == (expected + [".meta/.log", ".meta/.superblock"]).sorted())
        #expect(report.filesCreated == UInt64(expected.count))
    }

    @Test("a second export counts every file as existing; --shadowtest reads every YAML back")
    func rerunAndCheck() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        _ = try v.mkdir("d", mode: 0o755, uid: 0, gid: 0)
        _ = try v.createFile("d/we: ird #name", size: 5 << 20, mode: 0o600, uid: 1, gid: 2)
        _ = try v.createFile("plain", size: 4096, mode: 0o644, uid: 0, gid: 0)
        let shadow = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: shadow) }

        let first = try ShadowTree(shadow: shadow, checkYAML: true).export(from: v)
        #expect(first.filesCreated == 2 && first.directoriesCreated == 1 && first.yamlChecked == 2)
        #expect(first.errorCount == 0, "\(first.problems)")
        let quoted = try String(contentsOfFile: shadow + "/root/d/we: ird #name", encoding: .utf8)
        #expect(try FmapYAML.parse(quoted).path == "d/we: ird #name")

        let second = try ShadowTree(shadow: shadow).export(from: v)
        #expect(second.filesCreated == 0 && second.filesExisted == 2 && second.directoriesExisted == 1)
    }

    @Test("a damaged YAML file is a yaml error under --shadowtest")
    func damagedYAML() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        _ = try v.createFile("f", size: 4096, mode: 0o644, uid: 0, gid: 0)
        let shadow = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: shadow) }
        _ = try ShadowTree(shadow: shadow).export(from: v)
        try "---\nfile:\n  path: f\n  size: 1\n...\n".write(toFile: shadow + "/root/f", atomically: false, encoding: .utf8)
        let r = try ShadowTree(shadow: shadow, checkYAML: true).export(from: v)
        #expect(r.yamlErrors == 1 && r.errorCount > 0)
    }

    @Test("bad shadow paths are refused: missing parent, a regular file")
    func badShadowPaths() throws {
        #expect(throws: CoreError.self) { try ShadowTree(shadow: "/dev/shm/famfs-no-such-parent-\(getpid())/x") }
        let file = "/dev/shm/famfs-shadow-file-\(UUID().uuidString.prefix(8))"
        FileManager.default.createFile(atPath: file, contents: Data())
        defer { unlink(file) }
        #expect(throws: CoreError.self) { try ShadowTree(shadow: file) }
    }

    @Test("a dry run writes nothing")
    func dryRun() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        _ = try v.createFile("f", size: 4096, mode: 0o644, uid: 0, gid: 0)
        let shadow = scratchDirectory()
        var printed = 0
        var tree = try ShadowTree(shadow: shadow, dryRun: true)
        tree.onFile = { _ in printed += 1 }
        let r = try tree.export(from: v)
        #expect(r.entries == 1 && printed == 1)
        #expect(!FileManager.default.fileExists(atPath: shadow))
    }
}
