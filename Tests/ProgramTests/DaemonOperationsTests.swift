import Foundation
import Testing
import FamfsCore
import FamfsFormat

/// The daemon as an administrator meets it: its status socket, its log when the host has no
/// syslog, a client's df, and a mount whose daemon was killed.
@Suite("famfs_fused operations: status socket, logging, df, recovery", .enabled(if: famfsMountAvailable), .serialized)
struct DaemonOperationsTests {
    @Test("the status socket answers the original's paths and /status, with secrets for root only")
    func statusSocket() throws {
        let m = try MountedFamfs(real: true)
        #expect(try m.famfs("creat", "-s", "1m", m.path("a")).status == 0)
        #expect(try m.famfs("mkdir", m.path("d")).status == 0)
        let sock = Ops.socket(m.mpt.path)
        var st = stat()
        #expect(lstat(sock, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK && st.st_mode & 0o777 == 0o666)
        // The original's xattr names the directory that holds the socket.
        let shadow = try m.host.run(Ops.python, ["-c", "import os,sys; sys.stdout.write(os.getxattr(sys.argv[1], 'user.famfs.shadow').decode())", m.mpt.path])
        #expect(shadow.stdout + "/sock" == sock, "\(shadow)")

        let pid = try Ops.daemonPID(m.mpt.path)
        #expect(try String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8).hasPrefix("famfs_fused"))

        let (body, code) = Ops.split(try Ops.curl(sock, "/status"))
        #expect(code == 200)
        let s = try #require(try Ops.validJSON(body) as? [String: Any])
        #expect(s["mount_point"] as? String == m.mpt.path)
        #expect(s["device"] as? String == m.dev.path)
        #expect(s["role"] as? String == "master")
        #expect(s["host_uuid"] as? String == (try m.host.identity().uuid.description))
        #expect(s["pid"] as? Int == Int(pid) && s["alive"] as? Bool == true)
        #expect(s["log_entries_used"] as? Int == 2 && s["replayed_entries"] as? Int == 2)
        #expect(s["last_replayed_index"] as? Int == 1 && s["entries_behind"] as? Int == 0)
        #expect(s["log_entries_total"] as? Int == Int(try m.volume().readHeader().slots))
        #expect(s["files"] as? Int == 1 && s["directories"] as? Int == 1)
        #expect(s["free_bytes"] as? Int == Int(try m.volume().usage.free))
        #expect(s["refresh_interval_seconds"] as? Int == 1 && s["last_error"] is NSNull)
        #expect(body.contains("\"socket\": \"/run/famfs/"), "slashes are not escaped: \(body)")

        let stats = Ops.split(try Ops.curl(sock, "/icache_stats"))
        #expect(stats.code == 200 && stats.body.hasPrefix("icache_stats:\n  search_count:   "), "\(stats)")
        #expect(Ops.split(try Ops.curl(sock, "/log_level")).body == "6\n")
        let set = Ops.split(try Ops.curl(sock, "/log_level", method: "POST", body: "7"))
        #expect(set.code == 200 && set.body == "log level set to 7 (from 6)\n", "\(set)")
        #expect(Ops.split(try Ops.curl(sock, "/log_level")).body == "7\n")
        #expect(Ops.split(try Ops.curl(sock, "/nothing")).code == 404)
        #expect(Ops.split(try Ops.curl(sock, "/pid", method: "DELETE")).code == 405)

        // Anyone may ask for the status; only root learns the host identity or changes things.
        let nobody = Ops.split(try Ops.curl(sock, "/status", asNobody: true))
        let ns = try #require(try Ops.validJSON(nobody.body) as? [String: Any])
        #expect(ns["host_uuid"] is NSNull && ns["files"] as? Int == 1, "\(nobody)")
        #expect(Ops.split(try Ops.curl(sock, "/log_level", method: "POST", body: "3", asNobody: true)).code == 403)
        #expect(Ops.split(try Ops.curl(sock, "/icache_dump", asNobody: true)).code == 403)
        #expect(Ops.split(try Ops.curl(sock, "/log_level")).body == "7\n")

        // Unmounting removes the socket and the mount's runtime directory.
        #expect(try m.famfs("umount", m.mpt.path).status == 0)
        #expect(access(sock, F_OK) != 0)
        #expect(access((sock as NSString).deletingLastPathComponent, F_OK) != 0)
    }

    @Test("famfs status --json on a master and a client, alive and after kill -9; non-root sees no secrets")
    func statusCommand() throws {
        let m = try MountedFamfs(real: true)
        #expect(try m.famfs("creat", "-s", "1m", m.path("a")).status == 0)
        #expect(try m.famfs("creat", "-s", "2m", m.path("b")).status == 0)
        let client = Host()
        let cmpt = ScratchDir(tag: "client")
        #expect(try client.famfs("mount", m.dev.path, cmpt.path).status == 0)
        defer { _ = try? client.famfs("umount", cmpt.path) }

        func status(_ mpt: String, nobody: Bool = false) throws -> (RunResult, [String: Any]) {
            let r = nobody
                ? try m.host.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Programs.directory + "/famfs", "status", "--json", mpt])
                : try m.famfs("status", "--json", mpt)
            #expect(r.stdout.hasSuffix("}\n") && !r.stdout.contains("\\/"), "\(r)")
            return (r, try #require(try Ops.validJSON(r.stdout) as? [String: Any]))
        }
        let (mr, ms) = try status(m.mpt.path)
        #expect(mr.status == 0)
        #expect(ms["role"] as? String == "master" && ms["alive"] as? Bool == true && ms["device"] as? String == m.dev.path, "\(mr)")
        #expect(ms["pid"] as? Int == Int(try Ops.daemonPID(m.mpt.path)))
        #expect(ms["host_uuid"] as? String == (try m.host.identity().uuid.description))
        #expect(ms["files"] as? Int == 2 && ms["log_entries_used"] as? Int == 2 && ms["entries_behind"] as? Int == 0, "\(mr)")
        #expect(ms["read_only"] as? Bool == false && (ms["uptime_seconds"] as? Int ?? -1) >= 0)
        #expect(ms["free_bytes"] as? Int == Int(try m.volume().usage.free))

        let (cr, cs) = try status(cmpt.path)
        #expect(cr.status == 0 && cs["role"] as? String == "client" && cs["alive"] as? Bool == true, "\(cr)")
        #expect(cs["host_uuid"] as? String == (try client.identity().uuid.description) && cs["read_only"] as? Bool == true)
        #expect(cs["log_entries_used"] as? Int == 2 && cs["files"] as? Int == 2, "\(cr)")

        let all = try m.famfs("status", "--json")
        let mounts = try #require((try Ops.validJSON(all.stdout) as? [String: Any])?["mounts"] as? [[String: Any]])
        let points = Set(mounts.compactMap { $0["mount_point"] as? String })
        #expect(points.isSuperset(of: [m.mpt.path, cmpt.path]), "\(all)")
        let text = try m.famfs("status", m.mpt.path)
        #expect(text.status == 0 && text.stdout.hasPrefix("\(m.mpt.path): master mount of \(m.dev.path)\n  daemon      running, pid "), "\(text)")
        #expect(text.stdout.contains("  log         2 of ") && text.stdout.contains("  contents    2 files, 0 directories\n"), "\(text)")

        let (nr, ns) = try status(m.mpt.path, nobody: true)
        #expect(nr.status == 0 && ns["host_uuid"] is NSNull && ns["files"] as? Int == 2 && ns["alive"] as? Bool == true, "\(nr)")

        // The client's daemon dies: status says so (exit 2), from its record and the device.
        let cpid = try Ops.daemonPID(cmpt.path)
        kill(cpid, SIGKILL)
        for _ in 0..<200 where MountLiveness.isDaemon(cpid) { usleep(10_000) }
        let (dr, ds) = try status(cmpt.path)
        #expect(dr.status == 2 && ds["alive"] as? Bool == false && ds["pid"] as? Int == Int(cpid), "\(dr)")
        #expect(ds["role"] as? String == "client" && ds["log_entries_used"] as? Int == 2 && ds["files"] as? Int == 2, "\(dr)")
        #expect(ds["uptime_seconds"] is NSNull && ds["replayed_entries"] is NSNull)
        #expect((ds["last_error"] as? String)?.contains("the daemon is not running (pid \(cpid) is gone)") == true, "\(dr)")
        let (dn, dns) = try status(cmpt.path, nobody: true)
        #expect(dn.status == 2 && dns["alive"] as? Bool == false, "\(dn)")
        let dtext = try m.famfs("status", cmpt.path)
        #expect(dtext.status == 2 && dtext.stdout.contains("  daemon      NOT RUNNING, pid \(cpid)\n"), "\(dtext)")
        #expect(try client.famfs("umount", cmpt.path).status == 0)
        let gone = try m.famfs("status", cmpt.path)
        #expect(gone.status == 1 && gone.stderr == "famfs status: \(cmpt.path) is not a famfs mount point\n", "\(gone)")
    }

    @Test("a hostile peer neither crashes the daemon nor holds up others")
    func hostilePeers() throws {
        let m = try MountedFamfs(real: true)
        let sock = Ops.socket(m.mpt.path)
        // 100 silent connections (more than the daemon keeps), garbage, an oversized request;
        // a normal request made while all of them are still open gets its answer.
        let script = """
        import socket, sys, time
        sock = sys.argv[1]
        def conn():
            for attempt in range(100):
                s = socket.socket(socket.AF_UNIX); s.settimeout(5)
                try:
                    s.connect(sock); return s
                except BlockingIOError:  # the listen backlog is full until the daemon accepts
                    s.close(); time.sleep(0.01)
            raise SystemExit('cannot connect')
        held = [conn() for i in range(100)]
        g = conn(); g.sendall(b'\\x00\\xff garbage\\r\\n\\r\\n'); print(g.recv(100)[:12])
        b = conn()
        try:
            b.sendall(b'GET /' + b'a' * 100000)
        except OSError:
            pass
        n = conn(); n.sendall(b'GET /pid HTTP/1.0\\r\\n\\r\\n'); print(n.recv(1000).split(b'\\r\\n\\r\\n')[1])
        """
        let r = try m.host.run(Ops.python, ["-c", script, sock])
        #expect(r.status == 0 && r.stdout.contains("HTTP/1.1 400") && r.stdout.contains("b'pid: "), "\(r)")
        let ok = Ops.split(try Ops.curl(sock, "/pid"))
        #expect(ok.code == 200 && ok.body.hasPrefix("pid: "), "\(ok)")
    }

    @Test("a client's df shows the device's real free space, the same as the master's")
    func clientDf() throws {
        let m = try MountedFamfs(real: true)
        #expect(try m.famfs("creat", "-s", "64m", m.path("big")).status == 0)
        let client = Host()
        let cmpt = ScratchDir(tag: "client")
        #expect(try client.famfs("mount", m.dev.path, cmpt.path).status == 0)
        defer { _ = try? client.famfs("umount", cmpt.path) }
        func df(_ path: String) throws -> [UInt64] {
            let r = try m.host.run("/bin/df", ["-B1", "--output=size,used,avail", path])
            let row = r.stdout.split(separator: "\n").last ?? ""
            return row.split(separator: " ").compactMap { UInt64($0) }
        }
        let usage = try m.volume().usage
        let masterRow = try df(m.mpt.path)
        let clientRow = try df(cmpt.path)
        #expect(clientRow.count == 3 && clientRow == masterRow, "client \(clientRow), master \(masterRow)")
        #expect(clientRow.first == usage.capacity && clientRow.last == usage.free && usage.free > 0)
        // Writes are still refused on the client.
        #expect(open(cmpt.path + "/big", O_WRONLY) < 0 && errno == EROFS)
    }

    @Test("kill -9 of the daemon: the mount answers ENOTCONN, famfs mount cleans up and mounts again")
    func recovery() throws {
        let m = try MountedFamfs(real: true)
        #expect(try m.famfs("creat", "-s", "1m", "-r", "-S", "9", m.path("kept")).status == 0)
        let pid = try Ops.daemonPID(m.mpt.path)
        kill(pid, SIGKILL)
        for _ in 0..<200 where MountLiveness.isDaemon(pid) { usleep(10_000) }
        var sv = statvfs()
        #expect(statvfs(m.mpt.path, &sv) != 0 && errno == ENOTCONN)

        let again = try m.famfs("mount", m.dev.path, m.mpt.path)
        #expect(again.status == 0 && again.stderr.contains("cleaned up the mount of \(m.dev.path) at \(m.mpt.path)"), "\(again)")
        #expect(Ops.mountCount(m.mpt.path) == 1)
        #expect(try m.famfs("verify", "-S", "9", "-f", m.path("kept")).status == 0)
        #expect(try Ops.daemonPID(m.mpt.path) != pid)

        // The daemon started by hand (as systemd restarts it) cleans up a dead mount too.
        let pid2 = try Ops.daemonPID(m.mpt.path)
        kill(pid2, SIGKILL)
        for _ in 0..<200 where MountLiveness.isDaemon(pid2) { usleep(10_000) }
        let out = "/dev/shm/famfs-pt-fused-\(getpid())"
        defer { unlink(out); unlink(out + ".err") }
        let daemon = try m.host.start("famfs_fused", ["--device", m.dev.path, m.mpt.path], stdoutPath: out)
        var up = false
        for _ in 0..<500 where !up { up = (try? Ops.daemonPID(m.mpt.path)) == daemon.pid; if !up { usleep(10_000) } }
        #expect(up && Ops.mountCount(m.mpt.path) == 1)
        #expect(try m.famfs("verify", "-S", "9", "-f", m.path("kept")).status == 0)
        #expect(try m.famfs("umount", m.mpt.path).status == 0)
        #expect(daemon.wait() == (0, false))
    }

    @Test("without a syslog socket the daemon logs to famfs.log in the runtime directory")
    func logFallback() throws {
        let dev = ScratchFile()
        let host = Host()
        #expect(try host.mkfs(dev.path).status == 0)
        let runtime = ScratchDir(tag: "run")
        let mpt = ScratchDir(tag: "mpt")
        let bin = Programs.directory
        // In a mount namespace of its own, /dev/log (where a host has one) is covered, so the
        // daemon finds no syslog whatever host the suite runs on.
        let script = """
        set -e
        if [ -e /dev/log ]; then mount --bind /dev/null /dev/log; fi
        \(bin)/famfs mount --log-level debug \(dev.path) \(mpt.path)
        \(bin)/famfs creat -s 4k \(mpt.path)/f
        \(Ops.curl) -s --unix-socket '\(runtime.path)/\(RuntimeDirectory.escape(mpt.path))/sock' http://localhost/status
        \(bin)/famfs umount \(mpt.path)
        """
        let r = try host.run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", script],
                             extraEnv: [RuntimeDirectory.environmentVariable: runtime.path])
        #expect(r.status == 0, "\(r)")
        let s = try #require(try Ops.validJSON(r.stdout) as? [String: Any])
        let logFile = runtime.path + "/famfs.log"
        #expect(s["log_destination"] as? String == "file \(logFile)" && s["log_level"] as? String == "debug", "\(r)")
        let log = try String(contentsOfFile: logFile, encoding: .utf8)
        #expect(log.contains("notice: famfs mounted") && log.contains("mountpoint=\(mpt.path)"), "\(log)")
        #expect(log.contains("debug: "), "--log-level debug lets debug messages through: \(log)")
        #expect(log.contains("notice: famfs unmounted"), "\(log)")
    }
}
