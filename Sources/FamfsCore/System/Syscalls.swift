#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// The one place Core turns `-1` + `errno` into a typed error, retrying on EINTR.
@inline(__always)
func syscall<T: BinaryInteger>(_ op: String, _ path: String, _ body: () -> T) throws(CoreError) -> T {
    while true {
        let r = body()
        if r != -1 { return r }
        let e = Errno(rawValue: errno)
        if e == .interrupted { continue }
        throw CoreError.system(operation: op, path: path, errno: e)
    }
}

/// Size of a regular file, block device (BLKGETSIZE64) or devdax character device (sysfs).
func fileStatus(_ fd: Int32, path: String) throws(CoreError) -> stat {
    var st = stat()
    _ = try syscall("stat", path) { fstat(fd, &st) }
    return st
}
