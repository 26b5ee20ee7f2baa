/// The path rules for names in the log (docs/FORMAT.md, "Paths"). The reference only refuses
/// empty and absolute paths and silently truncates long ones; we refuse anything that could
/// escape the mount or be ambiguous, on write, and skip (and count) it on replay.
public enum LogPath {
    /// The root's metadata directory (`.meta/.superblock`, `.meta/.log`).
    public static let reservedName = ".meta"

    /// Checks `path` (relative to the mount point) and returns its components.
    @discardableResult
    public static func validate(_ path: String) throws(FormatError) -> [Substring] {
        try check(path)
        return path.split(separator: "/", omittingEmptySubsequences: false)
    }

    /// Checks `path` without splitting it.
    public static func check(_ path: String) throws(FormatError) {
        let bytes = path.utf8.count
        guard bytes > 0 else { throw .badPath(path: path, reason: "empty path") }
        guard !path.hasPrefix("/") else { throw .badPath(path: path, reason: "absolute path (log paths are relative to the mount point)") }
        guard bytes <= Media.maxPathLength else {
            throw .badPath(path: path, reason: "\(bytes) bytes is longer than the \(Media.maxPathLength) a log entry holds")
        }
        guard !path.utf8.contains(0) else { throw .badPath(path: path, reason: "contains a NUL byte") }
        // A newline would start a new line in the map's YAML (user.famfs.fmap), where a crafted
        // name could add map fields; no other control character has a use in a name either.
        if let c = path.utf8.first(where: { $0 < 0x20 || $0 == 0x7f }) {
            throw .badPath(path: path, reason: "contains control character 0x\(String(c, radix: 16))")
        }
        // The mount shows its own .meta directory at the root: a logged one would be hidden by it
        // or hide it.
        if path == reservedName || path.hasPrefix(reservedName + "/") {
            throw .badPath(path: path, reason: "'\(reservedName)' at the root is reserved for the file system's metadata files")
        }
        // Byte-wise: replay checks every path of the log, so this is on fsck's hot path.
        var start = 0
        let utf8 = Array(path.utf8)
        for i in 0...utf8.count where i == utf8.count || utf8[i] == UInt8(ascii: "/") {
            let n = i - start
            if n == 0 { throw .badPath(path: path, reason: "empty component") }
            if (n == 1 || n == 2) && utf8[start..<i].allSatisfy({ $0 == UInt8(ascii: ".") }) {
                throw .badPath(path: path, reason: "'\(String(decoding: utf8[start..<i], as: UTF8.self))' component")
            }
            start = i + 1
        }
    }
}

extension LogPath {
    /// `check` on a path read from a log entry, without building a string when the path is fine:
    /// an ASCII path is checked byte by byte here; anything else (or any failure, for its message)
    /// goes through `check` on the decoded string, so the verdict is always the same.
    public static func check(bytes: UnsafeRawBufferPointer) throws(FormatError) {
        if isWellFormedASCII(bytes) { return }
        // Bytes that are not UTF-8 would be rewritten to U+FFFD and alias another name.
        guard let path = String(validating: bytes, as: UTF8.self) else {
            throw .badPath(path: String(decoding: bytes, as: UTF8.self), reason: "not UTF-8")
        }
        try check(path)
    }

    /// Non-empty, ≤ 79 bytes, ASCII without NUL, not absolute, no empty, "." or ".." component.
    private static func isWellFormedASCII(_ p: UnsafeRawBufferPointer) -> Bool {
        let n = p.count
        guard n > 0, n <= Media.maxPathLength else { return false }
        // ".meta" or ".meta/…": the slow path gives the message.
        if n >= 5 && p[0] == UInt8(ascii: ".") && p[1] == UInt8(ascii: "m") && p[2] == UInt8(ascii: "e") && p[3] == UInt8(ascii: "t")
            && p[4] == UInt8(ascii: "a") && (n == 5 || p[5] == UInt8(ascii: "/")) { return false }
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var start = 0
        for i in 0...n {
            let c: UInt8 = i == n ? slash : p[i]
            if c < 0x20 || c >= 0x7f { return false }
            guard c == slash else { continue }
            let len = i - start
            if len == 0 { return false }
            if p[start] == dot && (len == 1 || (len == 2 && p[start + 1] == dot)) { return false }
            start = i + 1
        }
        return true
    }
}
