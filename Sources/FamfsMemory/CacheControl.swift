import CFamfsShims

/// CPU cache maintenance over shared memory: flush after writing, invalidate before reading, so
/// hosts that do not share a coherent cache still see each other's metadata
/// (docs/ARCHITECTURE.md, "Metadata safety").
public enum CacheControl {
    public static func flush(_ p: UnsafeRawPointer, _ length: Int) {
        if length > 0 { famfs_flush_cache(p, length) }
    }
    public static func invalidate(_ p: UnsafeRawPointer, _ length: Int) {
        if length > 0 { famfs_invalidate_cache(p, length) }
    }
}
