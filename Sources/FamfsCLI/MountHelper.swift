#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore
import FamfsDaemon

/// `mount.famfs`, the helper mount(8) runs for `mount -t famfs` and for famfs lines in
/// /etc/fstab: `mount.famfs <device> <dir> [-sfnv] [-o <options>]`. It mounts as `famfs mount`
/// does; `umount <dir>` stops the daemon (it exits when the kernel drops the mount).
public enum MountHelper {
    enum O {
        static let options = OptionSpec.value("o", nil, "options", help: "Comma-separated mount options (described above).", repeatable: true)
        static let sloppy = OptionSpec.flag("s", nil, help: "Ignore mount options famfs does not know (mount -s).")
        static let fake = OptionSpec.flag("f", nil, help: "Check everything but do not mount (mount -f).")
        static let noMtab = OptionSpec.flag("n", nil, help: "Accepted (there is no /etc/mtab to write).")
        static let verbose = OptionSpec.flag("v", nil, help: "Say what is mounted.")
        static let type = OptionSpec.value("t", nil, "type", help: "Accepted (the type is famfs).", hidden: true)
        static let namespace = OptionSpec.value("N", nil, "ns", help: "Not supported.", hidden: true)
    }

    public static let spec = CommandSpec(
        name: "mount.famfs",
        abstract: "Mount a famfs device; run by mount(8) for 'mount -t famfs' and /etc/fstab.",
        discussion: """
            Options: ro (read-only, on the master too: the kernel refuses every write); rw (the default; a \
            client host stays read-only unless client_writable); client_writable (a client may write file data); \
            refresh=<seconds> (how often new log entries are looked for; 0 = on lookups only; default 1); \
            timeout=<seconds> (kernel attribute and entry cache); cache=always|normal|never; debug (daemon log \
            level debug); log_level=<level>; log_file=<file>; shadow=<dir> (where the status socket goes); \
            noallow_other; nodefault_permissions. Ignored: defaults, auto, noauto, nofail, _netdev, user, nouser, \
            users, owner, group, comment=..., x-... (systemd's and others'), suid, nosuid, dev, nodev, exec, noexec, \
            sync, async, atime, noatime, relatime, strictatime, nodiratime, lazytime (famfs mounts are always \
            nosuid,nodev). Exit status as mount(8) expects of a helper: 0, 1 for a bad invocation or options, \
            32 when the mount fails. Example /etc/fstab line: /dev/dax0.0 /mnt/famfs famfs defaults,nofail 0 0
            """,
        options: [O.options, O.sloppy, O.fake, O.noMtab, O.verbose, O.type, O.namespace],
        positionals: [PositionalSpec("device", help: "The famfs device (devdax, pmem, or an emulated file)."),
                      PositionalSpec("dir", help: "The mount point.")],
        permutes: true, unknownOptionStatus: 1, manSection: 8)

    /// Options mount(8) and systemd pass along that mean nothing to famfs (or that a famfs
    /// mount always has).
    static let ignored: Set<String> = [
        "defaults", "auto", "noauto", "nofail", "_netdev", "user", "nouser", "users", "owner", "group",
        "suid", "nosuid", "dev", "nodev", "exec", "noexec", "sync", "async", "atime", "noatime", "relatime",
        "norelatime", "strictatime", "nostrictatime", "nodiratime", "diratime", "lazytime", "nolazytime", "silent", "loud",
    ]

    struct Refusal: Error { let message: String; let status: Int32 }

    /// Turns `-o` option strings into a mount request.
    static func request(device: String, mountPoint: String, options: [String], sloppy: Bool) throws(Refusal) -> MountRequest {
        var r = MountRequest(device: device, mountPoint: mountPoint)
        func seconds(_ key: String, _ v: String, max: Double) throws(Refusal) -> Double {
            guard let d = Double(v), d.isFinite, d >= 0, d <= max else {
                throw Refusal(message: "mount.famfs: \(key)=\(v): takes 0 to \(Int(max)) seconds", status: 1)
            }
            return d
        }
        for word in options.flatMap({ $0.split(separator: ",").map(String.init) }) where !word.isEmpty {
            let (key, value): (String, String?) = word.firstIndex(of: "=").map { (String(word[..<$0]), String(word[word.index(after: $0)...])) } ?? (word, nil)
            switch (key, value) {
            case ("ro", nil): r.readOnly = true
            case ("rw", nil): r.readOnly = false
            case ("client_writable", nil): r.clientWritable = true
            case ("refresh", let v?): r.refreshInterval = try seconds(key, v, max: 3600)
            case ("timeout", let v?): r.cacheTimeout = try seconds(key, v, max: 1e9)
            case ("cache", "always"): r.cacheTimeout = 31_536_000
            case ("cache", "normal"): r.cacheTimeout = 1
            case ("cache", "never"): r.cacheTimeout = 0
            case ("debug", nil): r.logLevel = "debug"
            case ("log_level", let v?):
                guard SyslogLevel.parse(v) != nil else { throw Refusal(message: "mount.famfs: log_level=\(v): takes debug, info, notice, warning, error, critical or 0-7", status: 1) }
                r.logLevel = v
            case ("log_file", let v?) where v.hasPrefix("/"): r.logFile = v
            case ("shadow", let v?) where v.hasPrefix("/"): r.shadow = v
            case ("noallow_other", nil): r.allowOther = false
            case ("allow_other", nil): r.allowOther = true
            case ("nodefault_permissions", nil): r.defaultPermissions = false
            case ("default_permissions", nil): r.defaultPermissions = true
            case _ where ignored.contains(key) && value == nil: break
            case _ where key == "comment" || key.hasPrefix("x-"): break
            default:
                if !sloppy { throw Refusal(message: "mount.famfs: unknown mount option '\(word)' (mount -s ignores it)", status: 1) }
            }
        }
        return r
    }

    /// The helper's whole run; returns the exit status.
    public static func main(_ argv: [String]) -> Int32 {
        let invocation = Program(spec).invocation(argv)
        if let status = Terminal.finish(invocation) { return status }
        guard case .run(_, let args) = invocation, args.positionals.count == 2 else {
            Terminal.write("mount.famfs: usage: mount.famfs <device> <dir> [-sfnv] [-o <options>]\n", to: STDERR_FILENO)
            return 1
        }
        guard geteuid() == 0 else {
            Terminal.write("mount.famfs: must run as root\n", to: STDERR_FILENO)
            return 1
        }
        let r: MountRequest
        do {
            r = try request(device: args.positionals[0], mountPoint: args.positionals[1], options: args.values(O.options),
                            sloppy: args.flag(O.sloppy))
        } catch {
            Terminal.write(error.message + "\n", to: STDERR_FILENO)
            return error.status
        }
        let say: (String) -> Void = { Terminal.write("mount.famfs: \($0)\n", to: STDERR_FILENO) }
        do {
            if args.flag(O.fake) {
                let (dev, mpt) = try FamfsMounter.prepare(r, notice: say)
                if args.flag(O.verbose) { Terminal.write("mount.famfs: would mount \(dev) on \(mpt)\n", to: STDOUT_FILENO) }
                return 0
            }
            let (dev, mpt) = try FamfsMounter.mount(r, notice: say)
            if args.flag(O.verbose) { Terminal.write("mount.famfs: \(dev) mounted on \(mpt)\n", to: STDOUT_FILENO) }
            return 0
        } catch {
            say("\(error)")
            return 32
        }
    }
}
