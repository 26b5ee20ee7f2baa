import SystemPackage

/// Why a request from the kernel could not be decoded. Never fatal: the dispatcher answers
/// such a request with `errno` below instead of trapping.
public enum RequestError: Error, Equatable, Sendable {
    /// The request is shorter than a struct it must contain.
    case truncated(needed: Int, available: Int)
    /// `fuse_in_header.len` disagrees with the number of bytes read.
    case lengthMismatch(header: UInt32, actual: Int)
    /// A file name without its terminating NUL.
    case unterminatedName(offset: Int)
    /// A file name whose bytes are not UTF-8 (names reach the file system as Strings).
    case nameNotUTF8(offset: Int)

    /// The error the kernel gets for a malformed request.
    public var errno: Errno {
        switch self {
        case .truncated, .unterminatedName, .nameNotUTF8: .invalidArgument
        case .lengthMismatch: .ioError
        }
    }
}
