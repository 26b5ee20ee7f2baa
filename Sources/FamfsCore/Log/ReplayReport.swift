/// What replaying the log found, cumulative over incremental replays.
public struct ReplayReport: Sendable, Equatable {
    /// Entries processed (valid or not).
    public var entries: UInt64 = 0
    public var filesCreated: UInt64 = 0
    public var directoriesCreated: UInt64 = 0
    /// A FILE for a path that already holds a file (the first wins) or a MKDIR of an existing directory.
    public var filesExisted: UInt64 = 0
    public var directoriesExisted: UInt64 = 0
    /// Entries failing the CRC or seqnum check that have valid entries after them (corruption).
    public var badEntries: UInt64 = 0
    /// FILE/MKDIR entries skipped for a bad path, a missing parent, a type conflict or a bad map.
    public var fileErrors: UInt64 = 0
    public var directoryErrors: UInt64 = 0
    /// DELETE, ADD_DAXDEV, INVALID and unknown types: tolerated and counted.
    public var ignoredEntries: UInt64 = 0
    /// Messages for the errors above ("log entry 3: …"), for fsck -v and the daemon's log.
    public var problems: [String] = []

    public init() {}

    public var errorCount: UInt64 { badEntries + fileErrors + directoryErrors }
}
