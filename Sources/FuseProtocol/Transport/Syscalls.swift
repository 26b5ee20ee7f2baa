import CFuseShims
import Glibc
import SystemPackage

/// Every system call the transport makes, with its errno conversion and EINTR policy.
enum Sys {
    static func lastErrno() -> Errno { Errno(rawValue: errno) }

    /// open(2) of `path` with O_RDWR | O_CLOEXEC.
    static func openReadWrite(_ path: String) throws(Errno) -> Int32 {
        let fd = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw lastErrno() }
        return fd
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// ioctl(FUSE_DEV_IOC_CLONE): a new /dev/fuse fd attached to `sessionFD`'s connection.
    static func cloneDevice(_ sessionFD: Int32) throws(Errno) -> Int32 {
        let fd = try openReadWrite("/dev/fuse")
        guard fuse_shim_dev_clone(fd, sessionFD) == 0 else {
            let e = lastErrno()
            close(fd)
            throw e
        }
        return fd
    }

    /// read(2) once; the caller handles EINTR/ENOENT/ENODEV itself.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
        return n < 0 ? .failure(lastErrno()) : .success(n)
    }

    /// write(2) of a whole message (the device takes a message in one call), retrying EINTR.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Errno? {
        while true {
            let n = Glibc.write(fd, bytes.baseAddress, bytes.count)
            if n >= 0 { return nil }
            let e = lastErrno()
            if e != .interrupted { return e }
        }
    }

    /// writev(2) of a whole message, retrying EINTR.
    static func writev(_ fd: Int32, _ parts: [UnsafeRawBufferPointer]) -> Errno? {
        var iov = parts.map { iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count) }
        while true {
            let n = iov.withUnsafeMutableBufferPointer { Glibc.writev(fd, $0.baseAddress, Int32($0.count)) }
            if n >= 0 { return nil }
            let e = lastErrno()
            if e != .interrupted { return e }
        }
    }

    /// mount(2).
    static func mount(source: String, target: String, type: String, flags: UInt, data: String) throws(Errno) {
        guard Glibc.mount(source, target, type, flags, data) == 0 else { throw lastErrno() }
    }

    /// umount2(2).
    static func umount2(_ target: String, flags: Int32) throws(Errno) {
        guard Glibc.umount2(target, flags) == 0 else { throw lastErrno() }
    }

    /// realpath(3), or the path itself when it cannot be resolved.
    static func realPath(_ path: String) -> String {
        guard let resolved = Glibc.realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
