#if canImport(Glibc)
import Glibc
#endif

/// The file-system calls the commands need, on Glibc directly (the programs link no Foundation).
enum Files {
    /// The current directory, or nil if it cannot be named (removed, or too long).
    static func currentDirectory() -> String? {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buf, buf.count) != nil else { return nil }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The whole contents of a file, or nil if it cannot be opened or read.
    static func contents(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(fd, &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { return out }
            out += buf[0..<n]
        }
    }

    static func text(_ path: String) -> String? { contents(path).map { String(decoding: $0, as: UTF8.self) } }

    /// Names in a directory, without `.` and `..`; nil if it cannot be read.
    static func entries(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
    }

    /// A regular file this process may execute.
    static func isExecutable(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }
}

/// `a/b/c` → `c`; `/a/b/` → `b`; `/` → `/` (as `basename` prints it).
func lastPathComponent(_ path: String) -> String {
    let parts = path.split(separator: "/")
    guard let last = parts.last else { return path.isEmpty ? "" : "/" }
    return String(last)
}

/// `/usr/bin/famfs` → `/usr/bin`; `/famfs` → `/`; `famfs` → ``.
func deletingLastPathComponent(_ path: String) -> String {
    var parts = path.split(separator: "/")
    guard !parts.isEmpty else { return path.hasPrefix("/") ? "/" : "" }
    parts.removeLast()
    let joined = parts.joined(separator: "/")
    return path.hasPrefix("/") ? "/" + joined : joined
}

/// An environment variable, or nil.
func environmentValue(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

/// Processors online (the reference's `sysconf(_SC_NPROCESSORS_ONLN)`).
func onlineProcessors() -> Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
