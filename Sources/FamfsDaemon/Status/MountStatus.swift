import FamfsCore

/// Everything `famfs status` and the status socket's `/status` say about one famfs mount. The
/// daemon fills it in for itself; for a mount whose daemon is gone, `famfs status` fills in what
/// the daemon's record and the device still tell. A field nobody could learn is nil (`null`).
///
/// JSON shape (keys in this order; README "famfs status"):
/// `mount_point`, `device`, `role`, `host_uuid`, `fs_uuid`, `pid`, `alive`, `started_at`,
/// `uptime_seconds`, `log_entries_used`, `log_entries_total`, `replayed_entries`,
/// `last_replayed_index`, `entries_behind`, `files`, `directories`, `capacity_bytes`,
/// `used_bytes`, `free_bytes`, `refresh_interval_seconds`, `cache_timeout_seconds`,
/// `read_only`, `log_level`, `log_destination`, `socket`, `node_cache` {`nodes`, `lookups`,
/// `lookup_misses`}, `last_error`, `last_error_at`.
public struct MountStatus: Sendable, Equatable {
    public var mountPoint: String
    public var device: String
    public var role: String?
    /// This host's system UUID (the one that makes it the master). Only root is told.
    public var hostUUID: String?
    public var fsUUID: String?
    public var pid: Int64?
    public var alive: Bool
    /// Seconds since the epoch, UTC.
    public var startedAt: Int64?
    public var uptimeSeconds: Int64?
    /// Entries the log holds (its head), and slots it has.
    public var logEntriesUsed: UInt64?
    public var logEntriesTotal: UInt64?
    /// Entries this mount has replayed; the rest up to the head are not visible on it yet.
    public var replayedEntries: UInt64?
    public var files: UInt64?
    public var directories: UInt64?
    public var capacityBytes: UInt64?
    public var usedBytes: UInt64?
    public var freeBytes: UInt64?
    public var refreshIntervalSeconds: Double?
    public var cacheTimeoutSeconds: Double?
    public var readOnly: Bool?
    public var logLevel: String?
    public var logDestination: String?
    public var socket: String?
    public var nodes: UInt64?
    public var lookups: UInt64?
    public var lookupMisses: UInt64?
    /// The last error the daemon logged (or why it is not running). Only root is told the text.
    public var lastError: String?
    public var lastErrorAt: Int64?

    public init(mountPoint: String, device: String, alive: Bool) {
        self.mountPoint = mountPoint
        self.device = device
        self.alive = alive
    }

    /// Index of the last entry replayed (nil before the first).
    public var lastReplayedIndex: UInt64? { replayedEntries.flatMap { $0 > 0 ? $0 - 1 : nil } }
    /// How many logged entries this mount has not replayed yet.
    public var entriesBehind: UInt64? {
        guard let used = logEntriesUsed, let done = replayedEntries else { return nil }
        return used > done ? used - done : 0
    }

    /// Without what only root may see.
    public var redacted: MountStatus {
        var s = self
        s.hostUUID = nil
        if s.lastError != nil { s.lastError = "(only root sees the message)" }
        return s
    }

    public var json: JSONValue {
        func u(_ v: UInt64?) -> JSONValue { v.map { .uint($0) } ?? .null }
        func i(_ v: Int64?) -> JSONValue { v.map { .int($0) } ?? .null }
        func d(_ v: Double?) -> JSONValue { v.map { .double($0) } ?? .null }
        func b(_ v: Bool?) -> JSONValue { v.map { .bool($0) } ?? .null }
        return .object([
            ("mount_point", .string(mountPoint)), ("device", .string(device)), ("role", .optional(role)),
            ("host_uuid", .optional(hostUUID)), ("fs_uuid", .optional(fsUUID)), ("pid", i(pid)), ("alive", .bool(alive)),
            ("started_at", i(startedAt)), ("uptime_seconds", i(uptimeSeconds)),
            ("log_entries_used", u(logEntriesUsed)), ("log_entries_total", u(logEntriesTotal)),
            ("replayed_entries", u(replayedEntries)), ("last_replayed_index", u(lastReplayedIndex)),
            ("entries_behind", u(entriesBehind)), ("files", u(files)), ("directories", u(directories)),
            ("capacity_bytes", u(capacityBytes)), ("used_bytes", u(usedBytes)), ("free_bytes", u(freeBytes)),
            ("refresh_interval_seconds", d(refreshIntervalSeconds)), ("cache_timeout_seconds", d(cacheTimeoutSeconds)),
            ("read_only", b(readOnly)), ("log_level", .optional(logLevel)), ("log_destination", .optional(logDestination)),
            ("socket", .optional(socket)),
            ("node_cache", .object([("nodes", u(nodes)), ("lookups", u(lookups)), ("lookup_misses", u(lookupMisses))])),
            ("last_error", .optional(lastError)), ("last_error_at", i(lastErrorAt)),
        ])
    }

    /// Reads what `json` wrote (unknown keys ignored, so older and newer daemons can be read).
    public init?(json v: JSONValue) {
        guard let mpt = v["mount_point"]?.stringValue, let dev = v["device"]?.stringValue else { return nil }
        func u(_ k: String, _ in: JSONValue? = nil) -> UInt64? { (`in` ?? v)[k]?.int64Value.flatMap { $0 >= 0 ? UInt64($0) : nil } }
        self.init(mountPoint: mpt, device: dev, alive: v["alive"]?.boolValue ?? false)
        role = v["role"]?.stringValue
        hostUUID = v["host_uuid"]?.stringValue
        fsUUID = v["fs_uuid"]?.stringValue
        pid = v["pid"]?.int64Value
        startedAt = v["started_at"]?.int64Value
        uptimeSeconds = v["uptime_seconds"]?.int64Value
        logEntriesUsed = u("log_entries_used")
        logEntriesTotal = u("log_entries_total")
        replayedEntries = u("replayed_entries")
        files = u("files")
        directories = u("directories")
        capacityBytes = u("capacity_bytes")
        usedBytes = u("used_bytes")
        freeBytes = u("free_bytes")
        refreshIntervalSeconds = v["refresh_interval_seconds"]?.doubleValue
        cacheTimeoutSeconds = v["cache_timeout_seconds"]?.doubleValue
        readOnly = v["read_only"]?.boolValue
        logLevel = v["log_level"]?.stringValue
        logDestination = v["log_destination"]?.stringValue
        socket = v["socket"]?.stringValue
        if let cache = v["node_cache"] {
            nodes = u("nodes", cache)
            lookups = u("lookups", cache)
            lookupMisses = u("lookup_misses", cache)
        }
        lastError = v["last_error"]?.stringValue
        lastErrorAt = v["last_error_at"]?.int64Value
    }

    /// Fills the log, contents and space figures from the device itself (what a dead daemon
    /// can no longer say). Needs read access to the device.
    public mutating func readDevice(identity: HostIdentity?) throws(CoreError) {
        let volume = try FamfsVolume(path: device, writable: false, identity: identity)
        let header = try volume.readHeader()
        let report = volume.report
        let usage = volume.usage
        fsUUID = volume.superblock.fsUUID.description
        if role == nil, identity != nil { role = volume.role.rawValue }
        logEntriesUsed = header.nextIndex
        logEntriesTotal = header.slots
        files = report.filesCreated
        directories = report.directoriesCreated
        capacityBytes = usage.capacity
        usedBytes = usage.used
        freeBytes = usage.free
    }
}
