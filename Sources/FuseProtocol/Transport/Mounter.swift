import Glibc
import SystemPackage

/// Mounting via mount(2) as root, or via fusermount3 otherwise.
enum Mounter {
    /// Opens /dev/fuse and mounts it on `target`; returns the session descriptor.
    static func mount(at target: String, options: MountOptions) throws(MountError) -> Int32 {
        if geteuid() != 0 {
            return try Fusermount.mount(at: target, options: options)
        }
        let fd: Int32
        do {
            fd = try Sys.openReadWrite("/dev/fuse")
        } catch {
            throw .openDevice(errno: error.rawValue)
        }
        var flags = UInt(MS_NOSUID) | UInt(MS_NODEV)
        if options.readOnly { flags |= UInt(MS_RDONLY) }
        let data = options.kernelOptions(fd: fd, uid: getuid(), gid: getgid())
        do {
            try Sys.mount(
                source: options.fsName, target: target, type: options.fsType, flags: flags, data: data)
        } catch {
            Sys.close(fd)
            throw .mount(target: target, errno: error.rawValue)
        }
        return fd
    }

    /// Lazily unmounts `target` (MNT_DETACH), or asks fusermount3 to when not root.
    static func unmount(_ target: String) throws(MountError) {
        if geteuid() != 0 {
            try Fusermount.unmount(target)
            return
        }
        do {
            try Sys.umount2(target, flags: Int32(MNT_DETACH))
        } catch {
            throw .unmount(target: target, errno: error.rawValue)
        }
    }

    /// The mount's "major:minor" from /proc/self/mountinfo (minor = fusectl connection id).
    static func deviceID(of target: String) -> String? {
        guard let text = Sys.readSmallFile("/proc/self/mountinfo") else { return nil }
        // mountinfo writes a space in a path as \040.
        let escaped = target.split(separator: " ", omittingEmptySubsequences: false).joined(separator: "\\040")
        for line in text.split(separator: "\n").reversed() {
            let fields = line.split(separator: " ")
            if fields.count > 4, fields[4] == escaped { return String(fields[2]) }
        }
        return nil
    }

    /// Writes to /sys/fs/fuse/connections/<minor>/abort if fusectl is mounted: the last
    /// resort when the connection outlives the unmount (files still open).
    static func abortConnection(deviceID: String) -> Bool {
        guard let minor = deviceID.split(separator: ":").last else { return false }
        let path = "/sys/fs/fuse/connections/\(minor)/abort"
        let fd = Glibc.open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Sys.close(fd) }
        return Glibc.write(fd, "1", 1) == 1
    }
}
