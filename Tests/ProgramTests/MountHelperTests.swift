import Foundation
import Testing
import FamfsCore

/// The repository (for scripts/install.sh) and an install of the built programs into a
/// temporary prefix, made once for the suite.
enum Installed {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    final class Prefix: @unchecked Sendable {
        let dir = ScratchDir(tag: "prefix")
        var path: String { dir.path }
        var bin: String { dir.path + "/bin" }
        var sbin: String { dir.path + "/sbin" }
    }

    static func installScript(_ args: [String]) throws -> RunResult {
        try Host().run("/bin/bash", [repository + "/scripts/install.sh"] + args)
    }

    /// Every regular file and symlink under `dir`, relative, sorted.
    static func tree(_ dir: String) -> [String] {
        let e = FileManager.default.enumerator(atPath: dir)
        var out: [String] = []
        while let p = e?.nextObject() as? String {
            var st = stat()
            if lstat(dir + "/" + p, &st) == 0, st.st_mode & S_IFMT != S_IFDIR { out.append(p) }
        }
        return out.sorted()
    }

    /// `ldd` lines naming a library outside the system directories (the toolchain's, say).
    static func foreignLibraries(_ file: String) throws -> [String] {
        let r = try Host().run("/usr/bin/ldd", [file])
        return r.stdout.split(separator: "\n").map(String.init).filter { line in
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("linux-vdso") || t.hasPrefix("/lib64/ld-linux") || t.contains("statically linked") { return false }
            guard let arrow = t.range(of: "=> ") else { return true }
            let target = t[arrow.upperBound...]
            return !(target.hasPrefix("/lib/") || target.hasPrefix("/usr/lib/") || target.hasPrefix("/lib64/"))
        }
    }
}

@Suite("mount.famfs, /etc/fstab and famfs@.service", .enabled(if: famfsMountAvailable), .serialized)
struct MountHelperTests {
    @Test("mount -t famfs and umount through the helper; an fstab line with nofail, _netdev and x-systemd options by mount -a -T")
    func mountHelperAndFstab() throws {
        // The helper as the install script lays it out: <prefix>/sbin/mount.famfs, famfs_fused in <prefix>/bin.
        let prefix = Installed.Prefix()
        try FileManager.default.createDirectory(atPath: prefix.sbin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: prefix.sbin + "/mount.famfs", withDestinationPath: Programs.directory + "/mount.famfs")
        let m = try MountedFamfs(real: false)
        let fstab = ScratchFile(size: nil, tag: "fstab")
        try "# famfs\n\(m.dev.path) \(m.mpt.path) famfs defaults,nofail,_netdev,x-systemd.device-timeout=10s,x-systemd.after=foo.service,refresh=2 0 0\n"
            .write(toFile: fstab.path, atomically: true, encoding: .utf8)
        let sock = Ops.socket(m.mpt.path)
        // mount(8) runs helpers only from /sbin: in a mount namespace of its own, the test's
        // /sbin is the prefix's.
        let script = """
        set -eu
        trap 'umount -l \(m.mpt.path) 2>/dev/null || true' EXIT
        mount --bind \(prefix.sbin) /sbin
        status() { \(Ops.curl) -sf --unix-socket '\(sock)' http://localhost/status; }
        gone() { for i in $(seq 100); do kill -0 $1 2>/dev/null || return 0; sleep 0.05; done; return 1; }

        mount -t famfs -o ro,refresh=3 \(m.dev.path) \(m.mpt.path)
        grep -q "^\(m.dev.path) \(m.mpt.path) fuse.famfs ro," /proc/mounts && echo "mounted ro"
        status | \(Ops.python) -c 'import json,sys; s=json.load(sys.stdin); print("refresh", s["refresh_interval_seconds"], "read_only", s["read_only"])'
        pid=$(\(Ops.curl) -s --unix-socket '\(sock)' http://localhost/pid | sed 's/pid: //')
        touch \(m.mpt.path)/x 2>/dev/null || echo "write refused"
        umount \(m.mpt.path)
        gone $pid && echo "daemon exited"

        mount -a -T \(fstab.path)
        mount -a -T \(fstab.path)
        echo "mounts: $(grep -c " \(m.mpt.path) fuse.famfs " /proc/mounts)"
        status | \(Ops.python) -c 'import json,sys; s=json.load(sys.stdin); print("refresh", s["refresh_interval_seconds"], "read_only", s["read_only"])'
        if mount -t famfs -o bogus \(m.dev.path) /tmp 2>/dev/null; then echo "bogus accepted"; else echo "bogus refused: $?"; fi
        pid=$(\(Ops.curl) -s --unix-socket '\(sock)' http://localhost/pid | sed 's/pid: //')
        umount \(m.mpt.path)
        gone $pid && echo "daemon exited"
        """
        let r = try m.host.run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/bash", "-c", script])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == """
            mounted ro
            refresh 3 read_only True
            write refused
            daemon exited
            mounts: 1
            refresh 2 read_only False
            bogus refused: 1
            daemon exited

            """, "\(r)")
    }

    @Test("famfs@.service as systemd runs it: READY=1 once mounted, a restart after kill -9 recovers, SIGTERM unmounts")
    func systemdUnit() throws {
        // The unit as the install script writes it, with the built programs as BINDIR.
        let unit = ScratchFile(size: nil, tag: "unit")
        let template = try String(contentsOfFile: Installed.repository + "/systemd/famfs@.service.in", encoding: .utf8)
        try template.replacingOccurrences(of: "@BINDIR@", with: Programs.directory).write(toFile: unit.path, atomically: true, encoding: .utf8)
        let m = try MountedFamfs(real: false)
        let conf = ScratchFile(size: nil, tag: "conf")
        try "FAMFS_DEVICE=\(m.dev.path)\nFAMFS_OPTIONS=--refresh-interval 2 --log-level notice\n".write(toFile: conf.path, atomically: true, encoding: .utf8)
        // What systemd does with the unit: %f and %i, EnvironmentFile, ${VAR} as one word and $VAR
        // split at white space, NOTIFY_SOCKET, Restart=on-failure after a kill, SIGTERM to stop.
        let harness = """
        import os, re, shlex, signal, socket, subprocess, sys, time
        unit, conf, mpt, instance = sys.argv[1:5]
        text = open(unit).read()
        execstart = re.search(r'^ExecStart=(.*)$', text, re.M).group(1)
        assert re.search(r'^Type=notify$', text, re.M) and re.search(r'^Restart=on-failure$', text, re.M)
        env = dict(os.environ)
        for line in open(conf):
            line = line.strip()
            if line and not line.startswith('#'):
                k, v = line.split('=', 1); env[k] = v
        words = []
        for w in shlex.split(execstart.replace('%f', mpt).replace('%i', instance)):
            m = re.fullmatch(r'\\$\\{(\\w+)\\}', w) or None
            if m: words.append(env[m.group(1)]); continue
            m = re.fullmatch(r'\\$(\\w+)', w)
            if m: words += env.get(m.group(1), '').split(); continue
            words.append(w)
        path = '/dev/shm/famfs-pt-notify-%d' % os.getpid()
        n = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); n.bind(path); n.settimeout(20)
        env['NOTIFY_SOCKET'] = path
        def start():
            p = subprocess.Popen(words, env=env, stdin=subprocess.DEVNULL)
            msg = n.recv(4096).decode()
            assert 'READY=1' in msg and 'MAINPID=%d' % p.pid in msg, msg
            return p
        p = start(); print('ready')
        print('refresh', os.popen("curl -s --unix-socket '%s' http://localhost/status" % sys.argv[5]).read().count('"refresh_interval_seconds": 2'))
        p.send_signal(signal.SIGKILL); p.wait(); print('killed', p.returncode)
        p = start(); print('restarted')
        print('mounts', open('/proc/self/mounts').read().count(' %s fuse.famfs ' % mpt))
        p.send_signal(signal.SIGTERM); print('stopped', p.wait(timeout=20))
        print('mounts', open('/proc/self/mounts').read().count(' %s fuse.famfs ' % mpt))
        os.unlink(path)
        """
        let r = try m.host.run(Ops.python, ["-c", harness, unit.path, conf.path, m.mpt.path,
                                            RuntimeDirectory.escape(m.mpt.path), Ops.socket(m.mpt.path)])
        #expect(r.stdout == "ready\nrefresh 1\nkilled -9\nrestarted\nmounts 1\nstopped 0\nmounts 0\n", "\(r)")
    }
}

@Suite("scripts/install.sh into a temporary prefix", .enabled(if: famfsMountAvailable))
struct InstallTests {
    @Test("install into a temporary prefix: every part in place, the programs run with env -i, uninstall removes exactly that")
    func installAndUninstall() throws {
        let prefix = Installed.Prefix()
        try FileManager.default.createDirectory(atPath: prefix.bin, withIntermediateDirectories: true)
        try "not ours\n".write(toFile: prefix.bin + "/keep-me", atomically: true, encoding: .utf8)
        let r = try Installed.installScript(["--prefix", prefix.path, "--from", Programs.directory])
        #expect(r.status == 0 && r.stdout.contains("installed in \(prefix.path)"), "\(r)")
        let files = Set(Installed.tree(prefix.path))
        for f in ["bin/famfs", "bin/mkfs.famfs", "bin/famfs_fused", "sbin/mount.famfs", "lib/libfamfsmap.so",
                  "include/famfs_map.h", "lib/pkgconfig/famfsmap.pc", "share/man/man8/mount.famfs.8",
                  "share/bash-completion/completions/famfs", "share/zsh/site-functions/_famfs",
                  "share/fish/vendor_completions.d/famfs.fish", "lib/systemd/system/famfs@.service",
                  "share/doc/famfs/famfs@.conf.example", "share/famfs/install-manifest"] {
            #expect(files.contains(f), "\(f) is not installed: \(files.sorted())")
        }
        #expect(files.contains { $0.hasPrefix("share/man/man1/famfs.") || $0.hasPrefix("share/man/man8/famfs.") }, "\(files.sorted())")

        // A minimal environment: no toolchain on PATH or the library path, no HOME.
        func minimal(_ args: [String]) throws -> RunResult {
            try Host().run("/usr/bin/env", ["-i", "PATH=\(prefix.bin):\(prefix.sbin):/usr/bin:/bin"] + args)
        }
        let version = try minimal(["famfs", "--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("famfs "), "\(version)")
        for p in ["mkfs.famfs", "famfs_fused", "mount.famfs"] {
            let v = try minimal([p, "--version"])
            #expect(v.status == 0 && v.stdout == version.stdout.replacingOccurrences(of: "famfs ", with: "\(p) "), "\(v)")
        }
        let dev = ScratchFile()
        let id = ScratchFile(size: nil, tag: "uuid")
        let mk = try minimal(["FAMFS_SYSTEM_UUID_FILE=\(id.path)", "mkfs.famfs", dev.path])
        #expect(mk.status == 0, "\(mk)")
        let fsck = try minimal(["FAMFS_SYSTEM_UUID_FILE=\(id.path)", "famfs", "fsck", dev.path])
        #expect(fsck.status == 0 && fsck.stdout.contains("0 bad log entries"), "\(fsck)")

        // The preload library is C and needs nothing but libc in any build. The release
        // install's programs and libraries are checked with ldd by scripts/check-install.sh,
        // which CI runs (the debug programs these tests run use the toolchain's runtime).
        let preload = try Installed.foreignLibraries(prefix.path + "/lib/libfamfs_preload.so")
        #expect(files.contains("lib/libfamfs_preload.so") && preload.isEmpty, "\(preload)")

        // A C program builds against the installed header and library through pkg-config.
        let cc = try Host().run("/bin/sh", ["-c", "gcc -std=c11 -o \(prefix.path)/example \(Installed.repository)/Examples/famfs_map_example.c "
            + "$(PKG_CONFIG_PATH=\(prefix.path)/lib/pkgconfig pkg-config --cflags --libs famfsmap)"])
        #expect(cc.status == 0, "\(cc)")
        unlink(prefix.path + "/example")

        // The unit is one systemd accepts.
        let unit = prefix.path + "/lib/systemd/system/famfs@.service"
        try Ops.requireTool("/usr/bin/systemd-analyze")
        let verify = try Host().run("/bin/sh", ["-c", "cd \(prefix.path)/lib/systemd/system && /usr/bin/systemd-analyze verify --man=no famfs@mnt-famfs.service"])
        #expect(verify.status == 0 && !verify.stderr.contains("famfs@"), "\(verify)")
        #expect(try String(contentsOfFile: unit, encoding: .utf8).contains("ExecStart=\(prefix.bin)/famfs_fused --device ${FAMFS_DEVICE}"))

        let un = try Installed.installScript(["--prefix", prefix.path, "--uninstall"])
        #expect(un.status == 0, "\(un)")
        #expect(Installed.tree(prefix.path) == ["bin/keep-me"])
        let dirs = (try? FileManager.default.contentsOfDirectory(atPath: prefix.path)) ?? []
        #expect(dirs == ["bin"], "left behind: \(dirs)")
    }
}
