import Foundation
import Testing
import FamfsCore
import FamfsFormat

/// What the original's smoke scripts (test_shadow_yaml.sh, test0–test4, test_errors.sh) expect of
/// the commands, checked against ours on a real mount.
@Suite("parity with the original's smoke scripts", .enabled(if: famfsMountAvailable), .serialized)
struct ParityTests {
    @Test("shadow logplay: from the device and from the mount, the tree, re-runs, --shadowtest, and its refusals")
    func shadowLogplay() throws {
        let m = try MountedFamfs(real: true)
        #expect(try m.famfs("creat", "-s", "4k", m.path("a")).status == 0)
        #expect(try m.famfs("mkdir", m.path("dir")).status == 0)
        #expect(try m.famfs("creat", "-s", "3m", m.path("dir/we: ird #name")).status == 0)
        let parent = ScratchDir(tag: "shadow")
        let shadow = parent.path + "/s"

        // A missing shadow directory whose parent exists is created.
        let first = try m.famfs("logplay", "--shadow", shadow, "--daxdev", m.dev.path, "-vv")
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("famfs_logplay(shadow): 3 log entries; 2 new files; 1 new directories"), "\(first)")
        let yaml = try String(contentsOfFile: shadow + "/root/dir/we: ird #name", encoding: .utf8)
        let volume = try m.volume()
        #expect(yaml == FmapYAML.emit(try #require(volume.lookup("dir/we: ird #name")?.file)))
        #expect(FileManager.default.fileExists(atPath: shadow + "/root/.meta/.superblock"))
        #expect(FileManager.default.fileExists(atPath: shadow + "/root/.meta/.log"))

        // Again into the existing tree (from the mount this time), checking every YAML file.
        let again = try m.famfs("logplay", "--shadow", shadow, "--shadowtest", m.mpt.path)
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.contains("shadow yaml checked for 2 files") && again.stdout.contains("there were 0 yaml errors detected"), "\(again)")

        // Refusals, as the script expects them.
        #expect(try m.famfs("logplay", "--shadow", parent.path + "/missing/frob", "--daxdev", m.dev.path).status != 0)
        let noShadow = try m.famfs("logplay", "--daxdev", m.dev.path, shadow)
        #expect(noShadow.status == 1 && noShadow.stderr.contains("daxdev only used with shadow logplay"), "\(noShadow)")
        #expect(try m.famfs("logplay", "--shadow", "/etc/passwd", "--daxdev", m.dev.path).status != 0)
        #expect(try m.famfs("logplay", "--shadow", "-d", "/dev/bogodax").status != 0)
        let both = try m.famfs("logplay", "-r", "-m", m.mpt.path)
        #expect(both.status == 1 && both.stderr.contains("mutually exclusive"), "\(both)")
    }

    @Test("shadow logplay into a directory the user cannot write fails (as nobody)")
    func shadowNotWritable() throws {
        let m = try MountedFamfs(real: true)
        let dir = ScratchDir(tag: "shadow-ro")
        chmod(m.dev.path, 0o644)
        let r = try m.host.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                    Programs.directory + "/famfs", "logplay", "--shadow", dir.path, "--daxdev", m.dev.path])
        #expect(r.status != 0 && !r.crashed, "\(r)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/root"))
    }

    @Test("flush, getmap and chkread accept the .meta files that ls shows")
    func metaFiles() throws {
        let m = try MountedFamfs(real: true)
        #expect(try m.famfs("creat", "-s", "4k", m.path("f")).status == 0)
        let flush = try m.famfs("flush", m.path(".meta/.superblock"), m.path(".meta/.log"), m.path("f"))
        #expect(flush.status == 0, "\(flush)")
        let map = try m.famfs("getmap", m.path(".meta/.log"))
        #expect(map.status == 0 && map.stdout.contains("size:    \(Media.defaultLogLength)") && map.stdout.contains("200000"), "\(map)")
        let sb = try m.famfs("chkread", "-s", m.path(".meta/.superblock"))
        #expect(sb.status == 0 && sb.stdout.contains("Read and mmap match"), "\(sb)")
        let log = try m.famfs("chkread", "-l", m.path(".meta/.log"))
        #expect(log.status == 0 && log.stdout.contains("Read and mmap match"), "\(log)")
        #expect(try m.famfs("getmap", m.path(".meta")).status == EISDIR)
    }

    @Test("cp: an empty source is named and fails; -c compares each copy")
    func cpEmptyAndCompare() throws {
        let m = try MountedFamfs(real: true)
        let src = ScratchDir(tag: "cpsrc")
        FileManager.default.createFile(atPath: src.path + "/empty", contents: Data())
        FileManager.default.createFile(atPath: src.path + "/data", contents: Data((0..<300_000).map { UInt8($0 & 0xff) }))
        let empty = try m.famfs("cp", src.path + "/empty", m.path("e"))
        #expect(empty.status == 1 && empty.stderr.contains("skipping empty file \(src.path)/empty"), "\(empty)")
        #expect(try m.volume().lookup("e") == nil)
        let compared = try m.famfs("cp", "-c", src.path + "/data", m.path("data"))
        #expect(compared.status == 0, "\(compared)")
        #expect(try m.bytes("data") == [UInt8]((0..<300_000).map { UInt8($0 & 0xff) }))
        #expect(try m.famfs("cp", "--compare", "-r", src.path, m.path("tree")).status == 1)
        #expect(try m.bytes("tree/data")?.count == 300_000)
    }

    @Test("mount and fsck refuse -r with -m; fsck -v prints log_offset and log_len; mkmeta is a no-op")
    func optionsOfTheOriginal() throws {
        let m = try MountedFamfs(real: true)
        let other = ScratchDir(tag: "mpt2")
        let mount = try m.famfs("mount", "-r", "-m", m.dev.path, other.path)
        #expect(mount.status != 0 && mount.stderr.contains("mutually exclusive"), "\(mount)")
        #expect(!(try String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)).contains(other.path))
        let fsck = try m.famfs("fsck", "-m", "-r", m.mpt.path)
        #expect(fsck.status != 0 && fsck.stderr.contains("mutually exclusive"), "\(fsck)")
        #expect(try m.famfs("fsck", "-m", m.mpt.path).status == 0)
        let v = try m.famfs("fsck", "-v", m.mpt.path)
        #expect(v.stdout.contains("log_offset:        2097152") && v.stdout.contains("log_len:           \(Media.defaultLogLength)"), "\(v)")
        let mk = try m.famfs("mkmeta", m.dev.path)
        #expect(mk.status == 0 && mk.stdout.contains("nothing to do"), "\(mk)")
        #expect(try m.famfs("mkmeta").status == 255)
    }

    @Test("famfs_fused takes the original's command line: -o daxdev=,shadow=,fsname=,timeout= and returns once mounted")
    func fusedOriginalCommandLine() throws {
        let m = try MountedFamfs(real: false)
        let mpt = ScratchDir(tag: "fused")
        let shadow = ScratchDir(tag: "fused-shadow")
        let bad = try m.host.run("famfs_fused", ["-o", "daxdev=\(m.dev.path),foo=bar", mpt.path])
        #expect(bad.status != 0 && bad.stderr.contains("foo=bar"), "\(bad)")
        let noDev = try m.host.run("famfs_fused", ["-o", "source=\(shadow.path)", mpt.path])
        #expect(noDev.status != 0 && noDev.stderr.contains("daxdev"), "\(noDev)")
        let noMpt = try m.host.run("famfs_fused", ["-o", "daxdev=\(m.dev.path)"])
        #expect(noMpt.status != 0)

        let up = try m.host.run("famfs_fused", ["-s", "-o", "daxdev=\(m.dev.path),shadow=\(shadow.path)/s,fsname=\(m.dev.path),timeout=5", mpt.path])
        #expect(up.status == 0, "\(up)")
        defer { _ = try? m.host.famfs("umount", mpt.path) }
        let mounts = try String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)
        #expect(mounts.contains("\(m.dev.path) \(mpt.path) fuse.famfs"), "\(mounts)")
        #expect(FileManager.default.fileExists(atPath: mpt.path + "/.meta/.superblock"))
        #expect(try m.famfs("creat", "-s", "4k", mpt.path + "/f").status == 0)
        #expect(FileManager.default.contents(atPath: mpt.path + "/f")?.count == 4096)
        #expect(try m.host.famfs("umount", mpt.path).status == 0)
    }
}
