import Foundation
import Testing
import FamfsCore
import FamfsFormat

/// `--json` of every command that only reads: valid JSON (python3 -m json.tool), slashes not
/// escaped, modes as octal strings, one newline at the end, the fields the README lists.
@Suite("--json of the read-only commands", .enabled(if: famfsMountAvailable))
struct JSONOutputTests {
    @Test("fsck, getmap, check, logplay, verify, chkread and status print proper JSON")
    func readOnlyCommands() throws {
        let m = try MountedFamfs(real: true)
        #expect(try m.famfs("mkdir", m.path("d")).status == 0)
        #expect(try m.famfs("creat", "-r", "-S", "7", "-s", "8k", "-m", "0640", m.path("d/f")).status == 0)
        #expect(try m.famfs("creat", "-s", "4m", "-N", "2", "-B", "4", "-C", "2m", m.path("striped")).status == 0)

        func json(_ args: String..., status: Int32 = 0) throws -> [String: Any] {
            let r = try m.famfs(args: args)
            #expect(r.status == status, "\(args): \(r)")
            #expect(r.stdout.hasSuffix("}\n") && !r.stdout.hasSuffix("\n\n"), "\(args): no single trailing newline: \(r)")
            #expect(!r.stdout.contains("\\/"), "\(args): escaped slashes: \(r)")
            return try #require(try Ops.validJSON(r.stdout) as? [String: Any], "\(args): \(r)")
        }

        let fsck = try json("fsck", "--json", m.mpt.path)
        #expect(fsck["files"] as? Int == 2 && fsck["directories"] as? Int == 1 && fsck["bad_entries"] as? Int == 0)
        #expect(fsck["role"] as? String == "master" && fsck["device"] as? String == m.dev.path)

        let map = try json("getmap", "--json", m.path("d/f"))
        #expect(map["mode"] as? String == "0640" && map["path"] as? String == "d/f" && map["size"] as? Int == 8192, "\(map)")
        #expect(map["type"] as? String == "simple" && (map["extents"] as? [[String: Any]])?.first?["length"] as? Int == 2 << 20)
        let striped = try json("getmap", "--json", m.path("striped"))
        #expect(striped["type"] as? String == "interleaved" && striped["nstrips"] as? Int == 2 && striped["chunk_size"] as? Int == 2 << 20, "\(striped)")
        let two = try m.famfs("getmap", "--json", m.path("d/f"), m.path("striped"))
        #expect((try Ops.validJSON(two.stdout) as? [[String: Any]])?.count == 2, "\(two)")

        let check = try json("check", "--json", m.mpt.path)
        #expect(check["files"] as? Int == 2 && check["directories"] as? Int == 1 && check["errors"] as? Int == 0)
        #expect((check["bad_files"] as? [Any])?.isEmpty == true)

        let play = try json("logplay", "--json", m.mpt.path)
        #expect(play["entries"] as? Int == 3 && play["dry_run"] as? Bool == false && play["new_files"] as? Int == 0, "\(play)")
        let dry = try json("logplay", "-n", "--json", m.mpt.path)
        #expect(dry["dry_run"] as? Bool == true && dry["files"] as? Int == 2 && dry["new_files"] is NSNull, "\(dry)")

        let ok = try json("verify", "--json", "-S", "7", "-f", m.path("d/f"))
        #expect(ok["verified"] as? Bool == true && ok["size"] as? Int == 8192 && ok["mismatch_offset"] is NSNull, "\(ok)")
        let bad = try json("verify", "--json", "-S", "8", "-f", m.path("d/f"), status: 1)
        #expect(bad["verified"] as? Bool == false && bad["mismatch_offset"] as? Int == 0, "\(bad)")
        let multi = try json("verify", "--json", "-m", m.path("d/f") + ",7", "-m", m.path("striped") + ",7", status: 1)
        #expect((multi["files"] as? [[String: Any]])?.count == 2 && multi["errors"] as? Int == 1, "\(multi)")

        let chk = try json("chkread", "--json", "-s", "-l", m.path("d/f"))
        #expect(chk["match"] as? Bool == true && (chk["log"] as? [String: Any])?["next_index"] as? Int == 3, "\(chk)")
        #expect((chk["superblock"] as? [String: Any])?["fs_uuid"] as? String == (try m.volume().superblock.fsUUID.description))

        let status = try json("status", "--json", m.mpt.path)
        #expect(status["files"] as? Int == 2 && status["alive"] as? Bool == true)
    }

    @Test("famfs cp: one aggregate progress line on a terminal, a summary, nothing per file without -v")
    func cpProgress() throws {
        let m = try MountedFamfs(real: true)
        let src = ScratchDir(tag: "cpsrc")
        for i in 0..<6 { try Data(RandomFill.bytes(seed: UInt64(i + 1), count: (i + 1) << 20)).write(to: URL(fileURLWithPath: src.path + "/f\(i)")) }
        // Off a terminal: nothing at all.
        let quiet = try m.famfs("cp", "-r", src.path, m.path("quiet"))
        #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(quiet)")
        // With -v: a line per file and the summary.
        let v = try m.famfs("cp", "-v", "-r", src.path, m.path("verbose"))
        let lines = v.stdout.split(separator: "\n")
        #expect(v.status == 0 && lines.count == 7 && lines.last?.hasPrefix("famfs cp: copied 6 of 6 files, 21.0 MiB in ") == true, "\(v)")
        // On a terminal (script(1) gives it one): progress rewritten in place, then the summary.
        try Ops.requireTool("/usr/bin/script")
        let tty = try m.host.run("/usr/bin/script", ["-qec", "\(Programs.directory)/famfs cp -r \(src.path) \(m.path("tty"))", "/dev/null"])
        #expect(tty.status == 0, "\(tty)")
        let shown = tty.stdout.replacingOccurrences(of: "\u{1B}[K", with: "").split(separator: "\r").map { $0.trimmingCharacters(in: .newlines) }
        #expect(shown.contains { $0.hasPrefix("famfs cp: ") && $0.contains(" files, ") && $0.contains(" of 21.0 MiB (") && $0.hasSuffix("/s") }, "\(tty)")
        #expect(shown.last?.hasPrefix("famfs cp: copied 6 of 6 files, 21.0 MiB in ") == true, "\(tty)")
        #expect(!tty.stdout.contains("100%:") && !tty.stdout.contains(m.path("tty/f")), "no per-file lines: \(tty)")
        for i in 0..<6 { #expect(try m.bytes("tty/f\(i)") == RandomFill.bytes(seed: UInt64(i + 1), count: (i + 1) << 20)) }
    }
}
