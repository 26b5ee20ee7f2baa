import CFuseShims
import Glibc
import SystemPackage
import SystemSupport

/// Every system call the transport makes, with its errno conversion and EINTR policy: through
/// swift-system's `FileDescriptor` where it has the call, else `SystemCall`.
enum Sys {
    static func lastErrno() -> Errno { SystemCall.lastError }

    /// open(2) of `path` with O_RDWR | O_CLOEXEC.
    static func openReadWrite(_ path: String) throws(Errno) -> Int32 {
        do {
            return try FileDescriptor.open(path, .readWrite, options: .closeOnExec).rawValue
        } catch {
            throw error as? Errno ?? .ioError
        }
    }

    static func close(_ fd: Int32) { try? FileDescriptor(rawValue: fd).close() }

    /// ioctl(FUSE_DEV_IOC_CLONE): a new /dev/fuse fd attached to `sessionFD`'s connection.
    static func cloneDevice(_ sessionFD: Int32) throws(Errno) -> Int32 {
        let fd = try openReadWrite("/dev/fuse")
        do {
            _ = try SystemCall.once { fuse_shim_dev_clone(fd, sessionFD) }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// read(2) once; the caller handles EINTR/ENOENT/ENODEV itself.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        do {
            return .success(try FileDescriptor(rawValue: fd).read(into: buffer, retryOnInterrupt: false))
        } catch {
            return .failure(error as? Errno ?? .ioError)
        }
    }

    /// write(2) of a whole message (the device takes a message in one call), retrying EINTR.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Errno? {
        do {
            _ = try FileDescriptor(rawValue: fd).write(bytes, retryOnInterrupt: true)
            return nil
        } catch {
            return error as? Errno ?? .ioError
        }
    }

    /// writev(2) of a whole message, retrying EINTR.
    static func writev(_ fd: Int32, _ parts: [UnsafeRawBufferPointer]) -> Errno? {
        var iov = parts.map { iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count) }
        do {
            _ = try SystemCall.retrying { iov.withUnsafeMutableBufferPointer { Glibc.writev(fd, $0.baseAddress, Int32($0.count)) } }
            return nil
        } catch {
            return error
        }
    }

    /// mount(2).
    static func mount(source: String, target: String, type: String, flags: UInt, data: String) throws(Errno) {
        _ = try SystemCall.once { Glibc.mount(source, target, type, flags, data) }
    }

    /// umount2(2).
    static func umount2(_ target: String, flags: Int32) throws(Errno) {
        _ = try SystemCall.once { Glibc.umount2(target, flags) }
    }

    /// realpath(3), or the path itself when it cannot be resolved.
    static func realPath(_ path: String) -> String {
        guard let resolved = Glibc.realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
