/// How a famfs mount behaves; set by `famfs mount` / `famfs_fused` options.
public struct DaemonOptions: Sendable {
    /// Seconds the kernel may cache entries and attributes. Files never change once logged, so
    /// this only delays directory attribute updates, which the daemon invalidates anyway.
    public var cacheTimeout: Double = 3600
    /// How often the log is checked for entries other writers appended (seconds; 0 = never;
    /// lookups of missing names and directory reads always check).
    public var refreshInterval: Double = 1
    /// Let a client (not the master) write file data. Clients are read-only by default.
    public var clientWritable = false
    public var workers = 4
    /// `allow_other`: users other than the mounter may use the mount.
    public var allowOther = true
    /// `default_permissions`: the kernel checks mode bits.
    public var defaultPermissions = true
    /// Mount read-only (`mount -o ro`): the kernel refuses every write, on the master too.
    public var readOnlyMount = false
    /// Where the status socket and the mount record go instead of the runtime directory
    /// (`famfs mount -S`, the original's shadow path; `<shadow>/sock` as there).
    public var shadowDirectory: String? = nil
    public init() {}
}
