/// The path rules for names in the log (DESIGN.md §3). The reference only refuses empty and
/// absolute paths and silently truncates long ones; we refuse anything that could escape the
/// mount or be ambiguous, on write, and skip (and count) it on replay.
public enum LogPath {
    /// Checks `path` (relative to the mount point) and returns its components.
    @discardableResult
    public static func validate(_ path: String) throws(FormatError) -> [Substring] {
        let bytes = path.utf8.count
        guard bytes > 0 else { throw .badPath(path: path, reason: "empty path") }
        guard !path.hasPrefix("/") else { throw .badPath(path: path, reason: "absolute path (log paths are relative to the mount point)") }
        guard bytes <= Media.maxPathLength else {
            throw .badPath(path: path, reason: "\(bytes) bytes is longer than the \(Media.maxPathLength) a log entry holds")
        }
        guard !path.utf8.contains(0) else { throw .badPath(path: path, reason: "contains a NUL byte") }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        for part in parts {
            if part.isEmpty { throw .badPath(path: path, reason: "empty component") }
            if part == "." || part == ".." { throw .badPath(path: path, reason: "'\(part)' component") }
        }
        return parts
    }
}
