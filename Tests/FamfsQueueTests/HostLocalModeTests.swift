import FamfsCore
import Foundation
import Testing

@Suite("chmod on a famfs mount", .timeLimit(.minutes(1)))
struct HostLocalModeTests {
    func mode(_ path: String) -> UInt32 {
        var st = stat()
        return stat(path, &st) == 0 ? UInt32(st.st_mode) & 0o7777 : 0xFFFF
    }

    @Test("chmod changes a file's mode on this host only; the log, the other host and chown are untouched")
    func hostLocal() throws {
        let c = try QueueCluster()
        _ = try c.engine().createFile("f", size: 1 << 20, mode: 0o644, uid: 65534, gid: 65534)
        #expect(mode(c.master + "/f") == 0o644 && mode(c.client + "/f") == 0o644)
        #expect(chmod(c.master + "/f", 0o444) == 0)
        #expect(mode(c.master + "/f") == 0o444)
        #expect(mode(c.client + "/f") == 0o644)
        #expect(chmod(c.client + "/f", 0o600) == 0)
        #expect(mode(c.client + "/f") == 0o600 && mode(c.master + "/f") == 0o444)
        errno = 0
        #expect(chown(c.master + "/f", 0, 0) != 0 && errno == EPERM)
        let logged = try c.engine().lookup("f")?.mode
        #expect(logged == 0o644, "nothing was logged")
        errno = 0
        #expect(chmod(c.master + "/.meta/.log", 0o666) != 0)
        // The owner may chmod; another user may not (the kernel checks, as on any file system).
        let asNobody = "exec setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 -c 'import os,sys; os.chmod(sys.argv[1], int(sys.argv[2], 8))'"
        #expect(try Built.run("/bin/sh", ["-c", "\(asNobody) \(c.master)/f 0640"]).status == 0)
        #expect(mode(c.master + "/f") == 0o640)
        #expect(try Built.run("/bin/sh", ["-c", "\(asNobody) \(c.master)/.meta 0777"]).status != 0)
    }
}
