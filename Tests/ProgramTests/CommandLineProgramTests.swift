import Foundation
import Testing
import FamfsCore
import FamfsFormat

/// The command lines the original's scripts use, against the built programs.
@Suite("command lines as the original's scripts write them", .enabled(if: Programs.available && geteuid() == 0))
struct CommandLineProgramTests {
    @Test("famfs with no command or only '--' exits 1 (missing command); an unknown command exits 3")
    func commandWord() throws {
        let host = Host()
        for args in [[String](), ["--"]] {
            let r = try host.famfs(args: args)
            #expect(r.status == 1 && r.stderr == "famfs: missing command\n" && r.stdout.contains("SUBCOMMANDS:"), "\(args): \(r)")
        }
        let unknown = try host.famfs("frobnicate")
        #expect(unknown.status == 3 && unknown.stderr == "famfs: unrecognized command 'frobnicate'\n", "\(unknown)")
        let help = try host.famfs("-h", "mount")
        #expect(help.status == 0 && help.stdout.contains("USAGE: famfs mount"), "\(help)")
    }

    @Test("--version on every program prints the one version")
    func version() throws {
        let host = Host()
        var versions: Set<String> = []
        for program in ["famfs", "mkfs.famfs", "famfs_fused"] {
            let r = try host.run(program, ["--version"])
            #expect(r.status == 0 && r.stdout.hasPrefix(program + " ") && r.stderr.isEmpty, "\(program): \(r)")
            versions.insert(String(r.stdout.dropFirst(program.count + 1)))
        }
        #expect(versions.count == 1, "\(versions)")
    }

    @Test("unknown options: getopt's message on stderr, the usage on stdout, and the original's exit 0")
    func unknownOptions() throws {
        let host = Host()
        let mkfs = try host.mkfs("-v")
        #expect(mkfs.status == 0 && mkfs.stderr.hasSuffix("mkfs.famfs: invalid option -- 'v'\n") && mkfs.stdout.contains("USAGE: mkfs.famfs"), "\(mkfs)")
        let verify = try host.famfs("verify", "-v")
        #expect(verify.status == 0 && verify.stderr.hasSuffix("famfs: invalid option -- 'v'\n") && verify.stdout.contains("USAGE: famfs verify"), "\(verify)")
        let long = try host.famfs("creat", "--bogus", "x")
        #expect(long.status == 0 && long.stderr.hasSuffix("famfs: unrecognized option '--bogus'\n"), "\(long)")
        let missing = try host.famfs("creat", "-s")
        #expect(missing.status == 0 && missing.stderr.hasSuffix("famfs: option requires an argument -- 's'\n"), "\(missing)")
        // Our own daemon is not the original's: a bad option there is an error.
        let fused = try host.run("famfs_fused", ["--bogus"])
        #expect(fused.status == 1 && fused.stderr.hasSuffix("famfs_fused: unrecognized option '--bogus'\n"), "\(fused)")
    }

    @Test("the original's mode options are accepted by mkfs and fsck; --help says famfs always runs the FUSE way")
    func modeOptions() throws {
        let host = Host()
        let dev = ScratchFile()
        #expect(try host.mkfs("--fuse", dev.path).status == 0)
        #expect(try host.mkfs("-f", "-F", "-D", "-M", dev.path).status == 0)
        for opts in [["--fuse"], ["-F"], ["--nofuse"], ["-D"], ["--nodax"], ["-hv", "--fuse"]] {
            let r = try host.famfs(args: ["fsck"] + opts + [dev.path])
            #expect(r.status == 0 && r.stdout.contains("No allocation errors found"), "\(opts): \(r)")
        }
        for (program, args) in [("mkfs.famfs", ["--help"]), ("famfs", ["fsck", "-?"]), ("famfs", ["mount", "--help"])] {
            let r = try host.run(program, args)
            let words = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")  // help is wrapped
            #expect(r.status == 0 && words.contains("famfs here always works the FUSE way"), "\(program) \(args): \(r)")
        }
        // The kernel-module mode itself cannot be had: mount -F is refused before anything starts.
        let mpt = ScratchDir(tag: "mpt")
        let v1 = try host.famfs("mount", "-F", dev.path, mpt.path)
        #expect(v1.status == 1 && v1.stderrLines.count == 1 && v1.stderr.contains("not supported"), "\(v1)")
    }

    @Test("attached short values (-l256m, -B4) and --long=value work as with getopt")
    func attachedValuesOffline() throws {
        let host = Host()
        let dev = ScratchFile(size: nil)
        let mk = try host.mkfs("-l256m", "--create=4g", dev.path)
        #expect(mk.status == 0 && mk.stdout.contains("loglen: 268435456"), "\(mk)")
        let fsck = try host.famfs("fsck", "-B4", dev.path)
        #expect(fsck.status == 0 && fsck.stdout.contains("Bucket 3:"), "\(fsck)")
        let nb = try host.famfs("fsck", "--nbuckets=2", "--human", dev.path)
        #expect(nb.status == 0 && nb.stdout.contains("Bucket 1:") && !nb.stdout.contains("Bucket 2:"), "\(nb)")
    }

    @Test("hidden generators print a man page and completion scripts for the install script")
    func generators() throws {
        let host = Host()
        let man = try host.famfs("--generate-man")
        #expect(man.status == 0 && man.stdout.hasPrefix(".TH FAMFS 1") && man.stdout.contains(".SS famfs creat"), "\(man)")
        let creat = try host.famfs("--generate-man", "creat")
        #expect(creat.status == 0 && creat.stdout.hasPrefix(".TH FAMFS\\-CREAT 1"), "\(creat)")
        let mkfs = try host.run("mkfs.famfs", ["--generate-man"])
        #expect(mkfs.status == 0 && mkfs.stdout.hasPrefix(".TH MKFS.FAMFS 8"), "\(mkfs)")
        for shell in ["bash", "zsh", "fish"] {
            let r = try host.famfs("--generate-completion", shell)
            #expect(r.status == 0 && r.stdout.contains("creat") && r.stdout.contains("threadct"), "\(shell): \(r)")
        }
    }
}

@Suite("attached option values on a real mount", .enabled(if: famfsMountAvailable), .serialized)
struct AttachedValueTests {
    @Test("creat -s4k -t0 -rS3, verify -S3 -f, mkdir -pm0700, cp -t1: the original's scripts' forms")
    func attached() throws {
        let m = try MountedFamfs(real: true)
        let c = try m.famfs("creat", "-s4k", "-rS3", m.path("a"))
        #expect(c.status == 0 && c.stdout.contains("randomized 4096 bytes"), "\(c)")
        #expect(try m.famfs("verify", "-S3", "-f", m.path("a")).status == 0)
        #expect(try m.famfs("verify", "-qS3", "-f" + m.path("a")).status == 0)
        #expect(try m.famfs("verify", "--seed=4", "--filename=" + m.path("a")).status == 1)
        let multi = try m.famfs("creat", "-t0", "-M" + m.path("b") + ",8k,5")
        #expect(multi.status == 0 && multi.stdout.contains("randomizing 1 files via 0 threads"), "\(multi)")
        #expect(try m.famfs("verify", "-t0", "-m" + m.path("b") + ",5").status == 0)
        #expect(try m.famfs("mkdir", "-pm0700", m.path("d/e")).status == 0)
        var st = stat()
        #expect(stat(m.path("d/e"), &st) == 0 && st.st_mode & 0o777 == 0o700)
        #expect(try m.famfs("cp", "-t1", "-m0600", m.path("a"), m.path("d/copy")).status == 0)
        // Options end at the first argument, as the original's '+' option strings say.
        let late = try m.famfs("creat", m.path("late"), "-s", "4k")
        #expect(late.status == 1 && late.stderr.contains("unexpected argument '-s'"), "\(late)")
    }
}
