import CFamfsShims

/// An extended attribute's value as text (the daemon answers `user.famfs.*` this way); nil if
/// the path has no such attribute or cannot be read.
func xattrString(_ path: String, _ name: String) -> String? {
    var buf = [UInt8](repeating: 0, count: 4096)
    let n = famfs_getxattr(path, name, &buf, buf.count)
    guard n >= 0 else { return nil }
    return String(decoding: buf[0..<n], as: UTF8.self)
}
